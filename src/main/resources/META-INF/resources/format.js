// Number and text formatting shared by the table and the container view; DOM built from text only.

export function el(tag, text, className) {
  const e = document.createElement(tag);
  if (text != null) e.textContent = text;
  if (className) e.className = className;
  return e;
}

export function bytes(n) {
  if (n == null || Number.isNaN(n)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  for (; Math.abs(n) >= 1024 && i < units.length - 1; i++) n /= 1024;
  return (i === 0 ? n.toFixed(0) : n.toFixed(n < 10 ? 2 : n < 100 ? 1 : 0)) + ' ' + units[i];
}

export function rate(n) {
  return n == null || Number.isNaN(n) ? '–' : bytes(n) + '/s';
}

export function percent(p) {
  return p == null || Number.isNaN(p) ? '–' : p.toFixed(p < 10 ? 2 : 1) + ' %';
}

export function count(n, one, many) {
  return n === 1 ? `1 ${one}` : `${n} ${many || one + 's'}`;
}

export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
  return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : m ? `${m}m ${s % 60}s` : `${s}s`;
}

export function clock(ms) {
  return ms == null ? '–' : new Date(ms).toLocaleTimeString();
}

export function dateTime(ms) {
  return ms == null ? '–' : new Date(ms).toLocaleString();
}
