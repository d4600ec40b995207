// The container view: charts of one container's last five minutes and its metadata, opened from a row.
import {bytes, dateTime, el, percent, rate} from './format.js';
import {lineChart} from './charts.js';
import {namespace, pod} from './table.js';

const CHARTS = [
  {id: 'cpu', title: 'CPU', format: percent, floor: 1, lines: [{field: 'cpu', color: '#1f5fbf', label: 'CPU % (100 = one core)'}]},
  {id: 'memory', title: 'Memory', format: bytes, floor: 1024 * 1024, lines: [
    {field: 'memory', color: '#7a3db8', label: 'working set'},
    {field: 'limit', color: '#b3261e', label: 'effective limit', dashed: true}]},
  {id: 'network', title: 'Network', format: rate, floor: 1024, lines: [
    {field: 'rx', color: '#0b7a4b', label: 'received'}, {field: 'tx', color: '#c05600', label: 'sent'}]},
  {id: 'disk', title: 'Disk', format: rate, floor: 1024, lines: [
    {field: 'read', color: '#0b6e8a', label: 'read'}, {field: 'write', color: '#8a4b0b', label: 'written'}]},
  {id: 'pressure', title: 'Pressure (time waiting)', format: percent, floor: 1, optional: 'cpuWait', lines: [
    {field: 'cpuWait', color: '#1f5fbf', label: 'CPU'}, {field: 'memoryWait', color: '#7a3db8', label: 'memory'},
    {field: 'ioWait', color: '#0b6e8a', label: 'I/O'}]},
  {id: 'oom', title: 'OOM kills', format: n => n.toFixed(0), floor: 1, optional: 'oomKills', lines: [
    {field: 'oomKills', color: '#b3261e', label: 'OOM kills (total)'}]},
];

export class ContainerView {
  constructor(dialog, onClose) {
    this.dialog = dialog;
    this.onClose = onClose;
    this.row = null;
    this.title = dialog.querySelector('#view-title');
    this.status = dialog.querySelector('#view-status');
    this.meta = dialog.querySelector('#view-meta');
    this.labels = dialog.querySelector('#view-labels');
    const charts = dialog.querySelector('#view-charts');
    this.charts = CHARTS.map(spec => {
      const figure = el('figure');
      figure.dataset.chart = spec.id;
      const caption = el('figcaption');
      const heading = el('span', spec.title, 'chart-title');
      const legend = spec.lines.map(line => {
        const item = el('span', null, 'legend');
        const swatch = el('span', null, 'swatch' + (line.dashed ? ' dashed' : ''));
        swatch.style.borderColor = line.color;
        const value = el('span', null, 'legend-value');
        item.append(swatch, el('span', line.label + ' '), value);
        return {line, value};
      });
      caption.append(heading, ...legend.map(l => l.value.parentNode));
      const canvas = el('canvas');
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', spec.title + ', up to the last 5 minutes');
      figure.append(caption, canvas);
      charts.append(figure);
      return {spec, figure, canvas, legend};
    });
    dialog.querySelector('#view-close').addEventListener('click', () => this.close());
    dialog.addEventListener('keydown', e => {
      if (e.key === 'Escape') this.close();
    });
  }

  get open() {
    return this.row != null;
  }

  show(row) {
    this.row = row;
    this.dialog.hidden = false;
    this.describe(row);
    this.draw(Date.now());
    this.dialog.querySelector('#view-close').focus();
  }

  close() {
    if (!this.row) return;
    const row = this.row;
    this.row = null;
    this.dialog.hidden = true;
    this.onClose(row);
  }

  /** Metadata, as text only. */
  describe(row) {
    if (row !== this.row) return;
    const c = row.info;
    this.title.textContent = c.name;
    this.status.textContent = row.removed ? 'removed' : '';
    const fields = [['id', c.id], ['image', c.image], ['runtime', c.runtime], ['state', c.state],
      ['health', c.health || '–'], ['restarts', String(c.restarts)], ['exit code', c.exitCode == null ? '–' : String(c.exitCode)],
      ['created', dateTime(c.created)], ['started', dateTime(c.startedAt)], ['finished', dateTime(c.finishedAt)],
      ['pod', pod(row) || '–'], ['namespace', namespace(row) || '–']];
    this.meta.replaceChildren(...fields.flatMap(([key, value]) => {
      const dd = el('dd', value);
      dd.dataset.field = key;
      return [el('dt', key), dd];
    }));
    const labels = Object.entries(c.labels);
    this.labels.replaceChildren(...(labels.length ? labels.map(([key, value]) => el('li', `${key}=${value}`, 'label'))
        : [el('li', 'no labels', 'none')]));
  }

  draw(now) {
    const row = this.row;
    if (!row) return;
    for (const chart of this.charts) {
      const present = !chart.spec.optional || row.history.each(chart.spec.optional, 0, () => {}) > 0;
      chart.figure.hidden = !present;
      if (!present) continue;
      lineChart(chart.canvas, row.history, chart.spec.lines, now, chart.spec.format, chart.spec.floor);
      for (const {line, value} of chart.legend) {
        const current = row.now[line.field];
        value.textContent = current == null ? '–' : chart.spec.format(current);
      }
    }
    const cpu = this.charts[0].canvas;
    if (row.now.cpu == null) delete cpu.dataset.last; else cpu.dataset.last = String(row.now.cpu);
  }
}
