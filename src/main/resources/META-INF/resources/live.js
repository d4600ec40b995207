// The live page: one EventSource on api/stream?format=compact (its first event is the current state, so the table
// paints at once), a row per container updated in place, a container view on click. Names, images and labels come
// from the engines and are untrusted: they only ever reach the page as textContent.
import {Feed, METRICS} from './model.js';
import {Table, totals} from './table.js';
import {ContainerView} from './view.js';
import {bytes, clock, count, el, percent, rate} from './format.js';

const RUNTIMES_EVERY_MS = 5000;
const RETRY_AFTER_MS = 3000;
const FLUSH_EVERY_MS = 250;

const $ = id => document.getElementById(id);
const table = new Table($('containers'), row => openView(row), () => writeAddress());
const view = new ContainerView($('view'), row => {
  writeAddress();
  if (row.tr && row.tr.isConnected) row.tr.focus();
});
const feed = new Feed({
  declared(row, isNew) {
    row.removed = false;
    if (isNew) table.add(row); else table.describe(row);
    if (view.row === row) view.describe(row);
    if (!view.open && wantedView && row.info.id.startsWith(wantedView)) openView(row);
    schedule();
  },
  values(row) {
    row.dirty = true;
    schedule();
  },
  removed(row) {
    row.removed = true;
    table.remove(row);
    if (view.row === row) view.describe(row);
    schedule();
  },
  hello() {
    lastValuesAt = Date.now();
    setConnection('connected');
  },
});

let source = null;
let retry = null;
let flushTimer = null;
let lastValuesAt = null;
let lastError = null;
let wantedView = null; // a container id prefix from the address, opened once it is declared

// --- rendering, batched: events only mark rows; at most one pass per FLUSH_EVERY_MS

function schedule() {
  if (!flushTimer) flushTimer = setTimeout(flush, FLUSH_EVERY_MS);
}

function flush() {
  flushTimer = null;
  const now = Date.now();
  table.flush(now);
  showTotals();
  if (view.open) view.draw(now);
}

function showTotals() {
  const rows = [...table.rows];
  const t = totals(rows);
  $('count').textContent = count(rows.length, 'container');
  const foot = $('totals-row');
  foot.querySelector('.cpu').textContent = percent(t.cpu);
  foot.querySelector('.memory').textContent = bytes(t.memory);
  foot.querySelector('.rx').textContent = rate(t.rx);
  foot.querySelector('.tx').textContent = rate(t.tx);
  foot.querySelector('.name').textContent = `Total (${count(rows.length, 'container')})`;
  const byRuntime = new Map();
  for (const row of rows) {
    if (!byRuntime.has(row.info.runtime)) byRuntime.set(row.info.runtime, []);
    byRuntime.get(row.info.runtime).push(row);
  }
  $('runtime-totals').replaceChildren(...[...byRuntime].sort().map(([runtime, members]) => {
    const s = totals(members);
    const li = el('li', `${runtime}: ${count(s.n, 'container')} · CPU ${percent(s.cpu)} · ${bytes(s.memory)} · rx ${rate(s.rx)} · tx ${rate(s.tx)}`);
    li.dataset.runtime = runtime;
    return li;
  }));
}

// --- the container view

function openView(row) {
  wantedView = null;
  view.show(row);
  writeAddress();
}

// --- the address: filters, sort, grouping and the open container, so a reload or a link shows the same

function writeAddress() {
  const query = new URLSearchParams();
  const name = $('name').value.trim();
  if (name) query.set('name', name);
  if ($('runtime').value) query.set('runtime', $('runtime').value);
  if (table.sort.key !== 'cpu' || !table.sort.descending) {
    query.set('sort', table.sort.key);
    query.set('order', table.sort.descending ? 'desc' : 'asc');
  }
  if (table.group) query.set('group', table.group);
  if (view.row) query.set('container', view.row.info.id.slice(0, 12));
  else if (wantedView) query.set('container', wantedView);
  history.replaceState(null, '', query.toString() ? '?' + query : location.pathname);
}

function readAddress() {
  const query = new URLSearchParams(location.search);
  $('name').value = query.get('name') || '';
  const runtime = query.get('runtime') || '';
  if (runtime && ![...$('runtime').options].some(o => o.value === runtime)) $('runtime').append(option(runtime));
  $('runtime').value = runtime;
  table.setSort(query.get('sort') || 'cpu', (query.get('order') || (query.get('sort') ? 'asc' : 'desc')) === 'desc');
  const group = query.get('group') || '';
  $('group').value = ['pod', 'namespace'].includes(group) ? group : '';
  table.group = $('group').value;
  wantedView = query.get('container');
}

function option(value) {
  const o = el('option', value);
  o.value = value;
  return o;
}

// --- the connection and the data's age

function setConnection(state, text) {
  const badge = $('connection');
  badge.dataset.state = state;
  badge.textContent = text || state;
}

function noteError(message) {
  lastError = {message, at: Date.now()};
  const e = $('last-error');
  e.hidden = false;
  e.textContent = `last error ${clock(lastError.at)}: ${message}`;
}

function showAge() {
  const age = $('age');
  if (lastValuesAt == null) {
    age.textContent = 'no data yet';
    age.dataset.state = 'none';
    return;
  }
  const seconds = (Date.now() - lastValuesAt) / 1000;
  const stale = seconds * 1000 > 3 * feed.interval + 1000;
  age.dataset.state = stale ? 'stale' : 'fresh';
  age.textContent = (stale ? 'stale: ' : '') + `updated ${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s ago`;
}

function connect() {
  clearTimeout(retry);
  if (source) source.close();
  writeAddress();
  const query = new URLSearchParams();
  if ($('name').value.trim()) query.set('name', $('name').value.trim());
  if ($('runtime').value) query.set('runtime', $('runtime').value);
  query.set('format', 'compact');
  query.set('metrics', METRICS.join(','));
  const es = source = new EventSource('api/stream?' + query);
  setConnection(lastValuesAt == null ? 'connecting' : 'reconnecting', lastValuesAt == null ? 'connecting' : 'reconnecting…');
  es.onerror = () => {
    if (es !== source) return;
    if (es.readyState === EventSource.CLOSED) { // refused (e.g. a bad filter) or failed: EventSource gives up
      noteError('stream refused or failed');
      setConnection('disconnected', `disconnected, retrying in ${RETRY_AFTER_MS / 1000} s`);
      retry = setTimeout(connect, RETRY_AFTER_MS);
    } else {
      noteError('stream connection lost');
      setConnection('reconnecting', 'reconnecting…');
    }
  };
  const on = (type, handle) => es.addEventListener(type, message => {
    if (es === source) handle(JSON.parse(message.data));
  });
  on('hello', d => feed.hello(d));
  on('families', d => feed.addFamilies(d.families));
  on('container', d => feed.declare(d));
  on('v', d => feed.values(d));
  on('removed', d => feed.removed(d));
  on('tick', () => {
    lastValuesAt = Date.now();
    if (es.readyState === EventSource.OPEN) setConnection('connected');
  });
}

// A new filter is a new stream: the rows it no longer matches go (the hello event lists what it matches).
function refilter() {
  connect();
}

// --- the engines' status

async function pollRuntimes() {
  const list = $('runtimes');
  try {
    const response = await fetch('api/runtimes', {cache: 'no-store'});
    const status = await response.json();
    const items = status.runtimes.map(r => {
      const li = el('li', [r.runtime ? `${r.runtime} ${r.version}` : r.socket, r.state, count(r.containerCount, 'container')].join(' · '));
      li.dataset.state = r.state;
      li.title = r.socket + (r.lastError ? '\nlast error: ' + r.lastError : '');
      if (r.runtime && ![...$('runtime').options].some(o => o.value === r.runtime)) $('runtime').append(option(r.runtime));
      return li;
    });
    const stats = el('li', 'stats from ' + status.source);
    stats.title = status.sourceReason || '';
    items.push(stats);
    if (status.message) items.push(el('li', status.message, 'message'));
    const failing = status.runtimes.filter(r => r.lastError).sort((a, b) => (b.lastErrorAt || '').localeCompare(a.lastErrorAt || ''))[0];
    if (failing && failing.state !== 'up') items.push(el('li', `${failing.runtime || failing.socket}: ${failing.lastError}`, 'message'));
    list.replaceChildren(...items);
  } catch (e) {
    const li = el('li', 'agent unreachable');
    li.dataset.state = 'unavailable';
    list.replaceChildren(li);
    noteError('agent unreachable');
  } finally {
    setTimeout(pollRuntimes, RUNTIMES_EVERY_MS);
  }
}

// --- start

readAddress();
let typing = null;
$('name').addEventListener('input', () => {
  clearTimeout(typing);
  typing = setTimeout(refilter, 400);
});
$('runtime').addEventListener('change', refilter);
$('group').addEventListener('change', () => {
  table.group = $('group').value;
  table.order();
  writeAddress();
});
$('filters').addEventListener('submit', event => {
  event.preventDefault();
  refilter();
});
connect();
pollRuntimes();
setInterval(showAge, 500);
showAge();
