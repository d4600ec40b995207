// Small canvas charts of a row's history: a sparkline per table cell, line charts in the container view.
import {HISTORY_MS} from './model.js';

function prepare(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || canvas.width, h = canvas.clientHeight || canvas.height;
  if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
  }
  const g = canvas.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, w, h);
  return {g, w, h};
}

const MIN_SPAN_MS = 60 * 1000;

/** The time shown: what the history holds, at least a minute and at most five, ending now. */
export function span(history, now) {
  const oldest = history.first();
  return Math.min(HISTORY_MS, Math.max(MIN_SPAN_MS, oldest == null ? 0 : now - oldest));
}

function ago(ms) {
  return ms >= 60000 ? `−${Math.round(ms / 60000)} min` : `−${Math.round(ms / 1000)} s`;
}

/** One field of the history (up to five minutes), scaled to its own maximum (at least `floor`). */
export function sparkline(canvas, history, field, now, color, floor) {
  const {g, w, h} = prepare(canvas);
  const shown = span(history, now);
  const since = now - shown;
  g.fillStyle = '#eef1f6';
  g.fillRect(0, 0, w, h);
  let max = floor;
  history.each(field, since, (t, v) => { max = Math.max(max, v); });
  g.strokeStyle = color;
  g.lineWidth = 1.5;
  g.beginPath();
  let last = null;
  const n = history.each(field, since, (t, v) => {
    const x = (t - since) / shown * (w - 2) + 1, y = h - 1.5 - v / max * (h - 3);
    if (last == null) g.moveTo(x, y); else g.lineTo(x, y);
    last = v;
  });
  g.stroke();
  canvas.dataset.points = String(n);
  if (last != null) canvas.dataset.last = String(last);
}

/**
 * A line chart of several fields over (up to) five minutes, y from 0 to the largest value (or `floor`), labelled with
 * `format`. Each line: {field, color, label}. Returns each line's last value.
 */
export function lineChart(canvas, history, lines, now, format, floor) {
  const {g, w, h} = prepare(canvas);
  const shown = span(history, now);
  const since = now - shown;
  const left = 64, bottom = 16, top = 6, plotW = w - left - 6, plotH = h - top - bottom;
  let max = floor || 0;
  for (const line of lines) history.each(line.field, since, (t, v) => { max = Math.max(max, v); });
  if (max <= 0) max = 1;
  g.font = '11px system-ui, sans-serif';
  g.fillStyle = '#444';
  g.strokeStyle = '#d0d0d0';
  g.lineWidth = 1;
  g.textBaseline = 'middle';
  for (const f of [0, 0.5, 1]) {
    const y = top + plotH - f * plotH;
    g.beginPath();
    g.moveTo(left, Math.round(y) + 0.5);
    g.lineTo(left + plotW, Math.round(y) + 0.5);
    g.stroke();
    g.textAlign = 'right';
    g.fillText(format(max * f), left - 6, y);
  }
  g.textAlign = 'left';
  g.textBaseline = 'alphabetic';
  g.fillText(ago(shown), left, h - 3);
  g.textAlign = 'right';
  g.fillText('now', left + plotW, h - 3);
  const lastValues = {};
  for (const line of lines) {
    g.strokeStyle = line.color;
    g.lineWidth = line.dashed ? 1.5 : 2;
    g.setLineDash(line.dashed ? [5, 4] : []);
    g.beginPath();
    let first = true;
    const n = history.each(line.field, since, (t, v) => {
      const x = left + (t - since) / shown * plotW, y = top + plotH - v / max * plotH;
      if (first) g.moveTo(x, y); else g.lineTo(x, y);
      first = false;
      lastValues[line.field] = v;
    });
    if (n) g.stroke();
  }
  g.setLineDash([]);
  return lastValues;
}
