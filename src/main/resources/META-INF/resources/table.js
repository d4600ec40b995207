// The table: one row per container, updated in place; sorted and grouped on the client, totals for what is shown.
import {bytes, count, duration, el, percent, rate} from './format.js';
import {sparkline} from './charts.js';

const text = (a, b) => a.localeCompare(b);
export const COLUMNS = [
  {key: 'name', label: 'Name', get: r => r.info.name, compare: text},
  {key: 'runtime', label: 'Runtime', get: r => r.info.runtime, compare: text},
  {key: 'image', label: 'Image', get: r => r.info.image, compare: text},
  {key: 'state', label: 'State', get: r => r.info.state, compare: text},
  {key: 'cpu', label: 'CPU %', get: r => r.now.cpu, numeric: true, title: '100 % = one core; chart: last 5 minutes'},
  {key: 'memory', label: 'Memory', get: r => r.now.memory, numeric: true, title: 'working set (usage where the engine has none); chart: last 5 minutes'},
  {key: 'memoryPercent', label: 'Mem %', get: r => r.now.memoryPercent, numeric: true, title: 'working set ÷ limit'},
  {key: 'rx', label: 'Net rx', get: r => r.now.rx, numeric: true, title: 'received per second'},
  {key: 'tx', label: 'Net tx', get: r => r.now.tx, numeric: true, title: 'sent per second'},
  {key: 'labels', label: 'Labels'},
];
const BY_KEY = Object.fromEntries(COLUMNS.map(c => [c.key, c]));

export function pod(row) {
  return row.info.labels['io.kubernetes.pod.name'] || null;
}

export function namespace(row) {
  return row.info.labels['io.kubernetes.pod.namespace'] || null;
}

export class Table {
  constructor(table, onOpen, onSortChange) {
    this.table = table;
    this.body = table.tBodies[0];
    this.onOpen = onOpen;
    this.onSortChange = onSortChange;
    this.sort = {key: 'cpu', descending: true};
    this.group = '';
    this.collapsed = new Set();
    this.groups = new Map(); // group name -> {tr, button, summary}
    this.rows = new Set();
    this.headers = {};
    this.visibility = new IntersectionObserver(entries => {
      for (const e of entries) {
        e.target.row.onScreen = e.isIntersecting;
        if (e.isIntersecting) e.target.row.dirty = true;
      }
    });
    this.buildHeader();
  }

  buildHeader() {
    const tr = this.table.tHead.rows[0];
    for (const column of COLUMNS) {
      const th = el('th', null, column.key);
      th.scope = 'col';
      if (column.get) {
        const button = el('button', column.label);
        button.type = 'button';
        if (column.title) button.title = column.title;
        button.addEventListener('click', () => this.sortBy(column.key));
        th.append(button);
      } else {
        th.textContent = column.label;
      }
      this.headers[column.key] = th;
      tr.append(th);
    }
    this.showSort();
  }

  sortBy(key) {
    const column = BY_KEY[key];
    this.sort = this.sort.key === key ? {key, descending: !this.sort.descending} : {key, descending: !!column.numeric};
    this.showSort();
    this.order();
    this.onSortChange();
  }

  setSort(key, descending) {
    if (BY_KEY[key] && BY_KEY[key].get) this.sort = {key, descending};
    this.showSort();
  }

  showSort() {
    for (const [key, th] of Object.entries(this.headers)) {
      if (key === this.sort.key) th.setAttribute('aria-sort', this.sort.descending ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
    }
  }

  add(row) {
    const tr = el('tr');
    tr.tabIndex = 0;
    tr.row = row;
    const cells = {};
    for (const column of COLUMNS) tr.append(cells[column.key] = el('td', null, column.key));
    cells.cpuValue = cells.cpu.appendChild(el('span', null, 'value'));
    cells.cpuChart = cells.cpu.appendChild(el('canvas', null, 'spark'));
    cells.memoryValue = cells.memory.appendChild(el('span', null, 'value'));
    cells.memoryChart = cells.memory.appendChild(el('canvas', null, 'spark'));
    cells.cpuChart.setAttribute('aria-hidden', 'true');
    cells.memoryChart.setAttribute('aria-hidden', 'true');
    tr.addEventListener('click', () => this.onOpen(row));
    tr.addEventListener('keydown', e => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        this.onOpen(row);
      }
    });
    row.tr = tr;
    row.cells = cells;
    row.dirty = true;
    this.rows.add(row);
    this.body.append(tr);
    this.visibility.observe(tr);
    this.describe(row);
  }

  /** Metadata cells: on declaration only (they change rarely). */
  describe(row) {
    const {cells, info, tr} = row;
    tr.dataset.id = info.id;
    tr.dataset.state = info.state;
    tr.setAttribute('aria-label', `${info.name}, ${info.state}: open details`);
    cells.name.textContent = info.name;
    cells.runtime.textContent = info.runtime;
    cells.image.textContent = info.image;
    const labels = Object.entries(info.labels);
    cells.labels.replaceChildren(...labels.slice(0, 6).map(([key, value]) => {
      const label = el('span', `${key}=${value}`, 'label');
      label.title = label.textContent;
      return label;
    }));
    if (labels.length > 6) cells.labels.append(el('span', `+${labels.length - 6}`, 'more'));
    row.dirty = true;
  }

  remove(row) {
    if (!row.tr) return;
    this.visibility.unobserve(row.tr);
    row.tr.remove();
    this.rows.delete(row);
  }

  clear() {
    for (const row of this.rows) this.remove(row);
    for (const g of this.groups.values()) g.tr.remove();
    this.groups.clear();
  }

  /** Writes changed values into dirty rows (on-screen sparklines only), then totals and order. */
  flush(now) {
    for (const row of this.rows) {
      if (!row.dirty) continue;
      row.dirty = false;
      const {cells, now: s, tr} = row;
      setData(tr, 'cpu', s.cpu);
      setData(tr, 'memoryWorkingSet', s.workingSet);
      setData(tr, 'memoryUsage', s.usage);
      setData(tr, 'memory', s.memory);
      setText(cells.cpuValue, percent(s.cpu));
      setText(cells.memoryValue, bytes(s.memory));
      cells.memory.title = s.limit == null ? 'no limit' : 'limit ' + bytes(s.limit);
      setText(cells.memoryPercent, percent(s.memoryPercent));
      setText(cells.rx, rate(s.rx));
      setText(cells.tx, rate(s.tx));
      setText(cells.state, row.info.state + (s.uptime != null && row.info.state === 'running' ? ' · ' + duration(s.uptime) : ''));
      if (row.onScreen !== false) {
        sparkline(cells.cpuChart, row.history, 'cpu', now, '#1f5fbf', 1);
        sparkline(cells.memoryChart, row.history, 'memory', now, '#7a3db8', 1);
      }
    }
    this.order();
  }

  /** Puts rows (and group headers) in order, moving only the nodes that are out of place. */
  order() {
    const {key, descending} = this.sort;
    const column = BY_KEY[key];
    const sign = descending ? -1 : 1;
    const compare = (a, b) => {
      const x = column.get(a), y = column.get(b);
      if (x == null || y == null) return x == null ? (y == null ? 0 : 1) : -1; // missing values last
      const c = column.compare ? column.compare(x, y) : x - y;
      return c !== 0 ? sign * c : a.info.name.localeCompare(b.info.name);
    };
    const sorted = [...this.rows].sort(compare);
    const wanted = [];
    if (this.group) {
      const members = new Map();
      for (const row of sorted) {
        const name = (this.group === 'pod' ? pod(row) : namespace(row)) || '';
        if (!members.has(name)) members.set(name, []);
        members.get(name).push(row);
      }
      for (const [name, g] of this.groups) {
        if (!members.has(name)) {
          g.tr.remove();
          this.groups.delete(name);
        }
      }
      for (const [name, rows] of members) { // groups in the order of their first (best) row
        const g = this.groupHeader(name);
        this.summarize(g, name, rows);
        wanted.push(g.tr);
        const collapsed = this.collapsed.has(name);
        for (const row of rows) {
          row.tr.hidden = collapsed;
          wanted.push(row.tr);
        }
      }
    } else {
      for (const g of this.groups.values()) g.tr.remove();
      this.groups.clear();
      for (const row of sorted) {
        row.tr.hidden = false;
        wanted.push(row.tr);
      }
    }
    let cursor = this.body.firstChild;
    for (const tr of wanted) {
      if (tr === cursor) cursor = cursor.nextSibling;
      else this.body.insertBefore(tr, cursor);
    }
  }

  groupHeader(name) {
    let g = this.groups.get(name);
    if (g) return g;
    const tr = el('tr', null, 'group');
    const th = el('th');
    th.colSpan = COLUMNS.length;
    th.scope = 'rowgroup';
    const button = el('button');
    button.type = 'button';
    const title = el('span', null, 'group-name');
    const summary = el('span', null, 'group-summary');
    button.append(title, summary);
    button.addEventListener('click', () => {
      if (this.collapsed.has(name)) this.collapsed.delete(name); else this.collapsed.add(name);
      this.order();
    });
    th.append(button);
    tr.append(th);
    tr.dataset.group = name;
    g = {tr, button, title, summary};
    this.groups.set(name, g);
    return g;
  }

  summarize(g, name, rows) {
    const collapsed = this.collapsed.has(name);
    g.button.setAttribute('aria-expanded', String(!collapsed));
    setText(g.title, (collapsed ? '▸ ' : '▾ ') + (name || `(no ${this.group})`));
    const t = totals(rows);
    setText(g.summary, ` ${count(rows.length, 'container')} · CPU ${percent(t.cpu)} · ${bytes(t.memory)}`);
  }
}

export function totals(rows) {
  const sum = {cpu: 0, memory: 0, rx: 0, tx: 0, n: 0};
  for (const r of rows) {
    sum.n++;
    sum.cpu += r.now.cpu || 0;
    sum.memory += r.now.memory || 0;
    sum.rx += r.now.rx || 0;
    sum.tx += r.now.tx || 0;
  }
  return sum;
}

function setText(node, value) {
  if (node.textContent !== value) node.textContent = value;
}

function setData(tr, key, value) {
  if (value == null) delete tr.dataset[key];
  else if (tr.dataset[key] !== String(value)) tr.dataset[key] = String(value);
}
