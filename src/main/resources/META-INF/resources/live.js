'use strict';
// The live page: one EventSource on api/stream, one table row per container, updated in place.
// Names, images and labels come from the engines and are untrusted: they only ever reach the page as textContent.

// Only what the table shows (metric values carry their help text: the rest would be wasted bytes per tick).
const METRICS = ['container_cpu_usage_percent', 'container_memory_', 'container_network_receive_bytes_total',
  'container_network_transmit_bytes_total', 'container_uptime_seconds'];
const COLUMNS = ['name', 'runtime', 'image', 'state', 'cpu', 'memory', 'memoryPercent', 'rx', 'tx', 'labels'];
const RUNTIMES_EVERY_MS = 5000;
const RETRY_AFTER_MS = 3000;

const $ = id => document.getElementById(id);
const rows = new Map();    // container id -> {tr, cells, net}
const removed = new Set(); // ids removed on this connection: a metrics event already on its way must not revive the row
let source = null;
let retry = null;

function el(tag, text, className) {
  const e = document.createElement(tag);
  if (text != null) e.textContent = text;
  if (className) e.className = className;
  return e;
}

// --- formatting

function bytes(n) {
  if (n == null) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  for (; n >= 1024 && i < units.length - 1; i++) n /= 1024;
  return (i === 0 ? n.toFixed(0) : n.toFixed(n < 10 ? 2 : n < 100 ? 1 : 0)) + ' ' + units[i];
}

function percent(p) {
  return p == null ? '–' : p.toFixed(p < 10 ? 2 : 1) + ' %';
}

function containers(n) {
  return n === 1 ? '1 container' : `${n} containers`;
}

function duration(seconds) {
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
  return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : m ? `${m}m ${s % 60}s` : `${s}s`;
}

// --- one metrics event's values

function gauge(metrics, name) {
  const m = metrics.find(v => v.name === name);
  return m ? m.value : null;
}

// Network counters come per interface; the row shows the container's total and its rate since the last change.
function counter(metrics, name) {
  const series = metrics.filter(v => v.name === name);
  if (!series.length) return null;
  return {bytes: series.reduce((a, v) => a + v.value, 0), at: Math.max(...series.map(v => v.timestamp))};
}

function traffic(row, key, now) {
  if (now == null) return '–';
  const before = row.net[key];
  if (before && now.at > before.at && now.bytes >= before.bytes) {
    now.rate = (now.bytes - before.bytes) * 1000 / (now.at - before.at);
  } else if (before && now.at === before.at) {
    now.rate = before.rate; // the same sample again: keep the rate it gave
  }
  row.net[key] = now;
  return (now.rate == null ? '' : bytes(now.rate) + '/s · ') + bytes(now.bytes);
}

// --- rows

function addRow(c) {
  const tr = el('tr');
  tr.dataset.id = c.id;
  const cells = {};
  for (const column of COLUMNS) tr.append(cells[column] = el('td', null, column));
  cells.name.textContent = c.name;
  cells.runtime.textContent = c.runtime;
  const row = {tr, cells, net: {}};
  rows.set(c.id, row);
  // Sorted by name on arrival; later renames update the text in place.
  const next = [...rows.values()].find(r => r !== row && r.cells.name.textContent.localeCompare(c.name) > 0);
  $('containers').tBodies[0].insertBefore(tr, next ? next.tr : null);
  showCount();
  fillDetails(c.id, row);
  return row;
}

// Image and labels are not in the events; they never change for a container id, so one request per row.
async function fillDetails(id, row) {
  try {
    const response = await fetch('api/containers/' + encodeURIComponent(id));
    if (!response.ok) return; // removed meanwhile
    const info = await response.json();
    row.cells.image.textContent = info.image;
    row.cells.labels.replaceChildren(...Object.entries(info.labels).sort()
        .map(([key, value]) => el('span', `${key}=${value}`, 'label')));
  } catch (ignored) {
    // the agent went away: the connection state says so
  }
}

function dropRow(id) {
  const row = rows.get(id);
  if (row) {
    row.tr.remove();
    rows.delete(id);
    showCount();
  }
}

function clearRows() {
  rows.forEach(row => row.tr.remove());
  rows.clear();
  removed.clear();
  showCount();
}

function showCount() {
  $('count').textContent = containers(rows.size);
}

function showValues(row, metrics) {
  const {tr, cells} = row;
  const cpu = gauge(metrics, 'container_cpu_usage_percent');
  const workingSet = gauge(metrics, 'container_memory_working_set_bytes');
  const usage = gauge(metrics, 'container_memory_usage_bytes');
  const limit = gauge(metrics, 'container_memory_limit_bytes');
  // Raw numbers as data attributes: for tools and tests that read the page rather than the formatted text.
  setData(tr, 'cpu', cpu);
  setData(tr, 'memoryWorkingSet', workingSet);
  setData(tr, 'memoryUsage', usage);
  cells.cpu.textContent = percent(cpu);
  cells.memory.textContent = workingSet == null ? bytes(usage) : `${bytes(workingSet)} / ${bytes(usage)}`;
  cells.memory.title = limit == null ? 'no limit' : 'limit ' + bytes(limit);
  cells.memoryPercent.textContent = percent(gauge(metrics, 'container_memory_usage_percent'));
  cells.rx.textContent = traffic(row, 'rx', counter(metrics, 'container_network_receive_bytes_total'));
  cells.tx.textContent = traffic(row, 'tx', counter(metrics, 'container_network_transmit_bytes_total'));
  const uptime = gauge(metrics, 'container_uptime_seconds');
  if (uptime != null) cells.state.textContent += ' · ' + duration(uptime);
}

function setData(tr, key, value) {
  if (value == null) delete tr.dataset[key];
  else tr.dataset[key] = String(value);
}

function onEvent(type, message) {
  const c = JSON.parse(message.data);
  if (type === 'container-removed') {
    removed.add(c.id);
    dropRow(c.id);
    return;
  }
  if (removed.has(c.id)) return;
  const row = rows.get(c.id) || addRow(c);
  row.cells.name.textContent = c.name;
  row.cells.state.textContent = c.state;
  row.tr.dataset.state = c.state;
  if (type === 'metrics') showValues(row, c.metrics);
}

// --- the connection

function setConnection(state, text) {
  const badge = $('connection');
  badge.dataset.state = state;
  badge.textContent = text || state;
}

function filters() {
  const query = new URLSearchParams();
  const name = $('name').value.trim();
  if (name) query.set('name', name);
  if ($('runtime').value) query.set('runtime', $('runtime').value);
  return query;
}

function connect() {
  clearTimeout(retry);
  if (source) source.close();
  clearRows();
  const query = filters();
  history.replaceState(null, '', query.toString() ? '?' + query : location.pathname);
  query.set('metrics', METRICS.join(','));
  const es = source = new EventSource('api/stream?' + query);
  setConnection('connecting');
  es.onopen = () => {
    // After a reconnect nothing tells which containers went away meanwhile: start over, the next tick refills.
    clearRows();
    setConnection('connected');
  };
  es.onerror = () => {
    if (es !== source) return;
    if (es.readyState === EventSource.CLOSED) { // refused (e.g. a bad filter) or failed: EventSource gives up
      setConnection('disconnected', `disconnected, retrying in ${RETRY_AFTER_MS / 1000} s`);
      retry = setTimeout(connect, RETRY_AFTER_MS);
    } else {
      setConnection('reconnecting', 'reconnecting…');
    }
  };
  for (const type of ['metrics', 'container-started', 'container-removed']) {
    es.addEventListener(type, message => onEvent(type, message));
  }
}

// --- the engines' status

async function pollRuntimes() {
  const list = $('runtimes');
  try {
    const response = await fetch('api/runtimes', {cache: 'no-store'});
    const status = await response.json();
    const items = status.runtimes.map(r => {
      const li = el('li', [r.runtime ? `${r.runtime} ${r.version}` : r.socket, r.state, containers(r.containerCount)].join(' · '));
      li.dataset.state = r.state;
      li.title = r.socket + (r.lastError ? '\nlast error: ' + r.lastError : '');
      return li;
    });
    const stats = el('li', 'stats from ' + status.source);
    stats.title = status.sourceReason || '';
    items.push(stats);
    if (status.message) items.push(el('li', status.message, 'message'));
    list.replaceChildren(...items);
  } catch (e) {
    const li = el('li', 'agent unreachable');
    li.dataset.state = 'unavailable';
    list.replaceChildren(li);
  } finally {
    setTimeout(pollRuntimes, RUNTIMES_EVERY_MS);
  }
}

// --- start: filters from the address (bookmarkable), applied as they change

const initial = new URLSearchParams(location.search);
$('name').value = initial.get('name') || '';
$('runtime').value = initial.get('runtime') || '';
let typing = null;
$('name').addEventListener('input', () => {
  clearTimeout(typing);
  typing = setTimeout(connect, 400);
});
$('runtime').addEventListener('change', connect);
$('filters').addEventListener('submit', event => {
  event.preventDefault();
  connect();
});
connect();
pollRuntimes();
