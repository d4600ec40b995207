// The compact stream's client side (format in CompactFormat.java): families and container layouts as declared,
// value events turned into each row's current state, rates and five minutes of history.

export const HISTORY_MS = 5 * 60 * 1000;

// Family -> field of a row's state; families with several series (interfaces, devices) are summed.
const ROLES = {
  container_cpu_usage_percent: 'cpu',
  container_memory_working_set_bytes: 'workingSet',
  container_memory_usage_bytes: 'usage',
  container_memory_limit_bytes: 'limit',
  container_memory_usage_percent: 'memoryPercent',
  container_uptime_seconds: 'uptime',
  container_network_receive_bytes_total: 'rxTotal',
  container_network_transmit_bytes_total: 'txTotal',
  container_disk_read_bytes_total: 'readTotal',
  container_disk_write_bytes_total: 'writeTotal',
  container_pressure_cpu_waiting_seconds_total: 'cpuWaitTotal',
  container_pressure_memory_waiting_seconds_total: 'memoryWaitTotal',
  container_pressure_io_waiting_seconds_total: 'ioWaitTotal',
  container_oom_events_total: 'oomKills',
};
// Counter -> its rate per second (pressure: seconds waited per second, as a percentage of the time).
const RATES = {rxTotal: ['rx', 1], txTotal: ['tx', 1], readTotal: ['read', 1], writeTotal: ['write', 1],
  cpuWaitTotal: ['cpuWait', 100], memoryWaitTotal: ['memoryWait', 100], ioWaitTotal: ['ioWait', 100]};
export const HISTORY_FIELDS = ['cpu', 'memory', 'limit', 'rx', 'tx', 'read', 'write', 'cpuWait', 'memoryWait', 'ioWait', 'oomKills'];

// The metrics the page asks for: what it shows, not every family.
export const METRICS = Object.keys(ROLES);

/** A fixed-size ring of samples: time plus one Float32Array per field. */
export class History {
  constructor(capacity) {
    this.capacity = capacity;
    this.t = new Float64Array(capacity);
    this.fields = {};
    for (const f of HISTORY_FIELDS) this.fields[f] = new Float32Array(capacity);
    this.start = 0;
    this.size = 0;
  }

  push(t, state) {
    const i = (this.start + this.size) % this.capacity;
    if (this.size === this.capacity) this.start = (this.start + 1) % this.capacity;
    else this.size++;
    this.t[i] = t;
    for (const f of HISTORY_FIELDS) this.fields[f][i] = state[f] == null ? NaN : state[f];
  }

  /** Calls fn(t, value) for each sample since `since` (ms) that has the field, oldest first; returns how many. */
  each(field, since, fn) {
    let n = 0;
    const values = this.fields[field];
    for (let k = 0; k < this.size; k++) {
      const i = (this.start + k) % this.capacity;
      if (this.t[i] >= since && !Number.isNaN(values[i])) {
        fn(this.t[i], values[i]);
        n++;
      }
    }
    return n;
  }

  first() {
    return this.size ? this.t[this.start] : null;
  }
}

export class Feed {
  /** @param on {declared(row, isNew), values(row), removed(row), hello()} */
  constructor(on) {
    this.on = on;
    this.families = new Map();
    this.byRef = new Map();
    this.byId = new Map();
    this.interval = 1000;
  }

  hello(d) {
    this.interval = d.interval || 1000;
    this.families.clear();
    this.addFamilies(d.families);
    this.byRef.clear();
    const seen = new Set();
    for (const c of d.containers) {
      seen.add(c.id);
      this.declare(c);
    }
    // After a reconnect: what the new state does not list went away meanwhile.
    for (const [id, row] of this.byId) {
      if (!seen.has(id)) {
        this.byId.delete(id);
        this.on.removed(row);
      }
    }
    for (const v of d.values) this.values(v);
    this.on.hello();
  }

  addFamilies(list) {
    for (const [id, name, type, unit, help] of list) this.families.set(id, {id, name, type, unit, help});
  }

  declare(c) {
    let row = this.byId.get(c.id);
    const isNew = !row;
    if (isNew) {
      row = {id: c.id, now: {}, prev: null, history: new History(capacity(this.interval))};
      this.byId.set(c.id, row);
    } else if (row.ref !== c.c) {
      this.byRef.delete(row.ref);
    }
    row.ref = c.c;
    row.version = c.l;
    row.info = c;
    row.series = c.series.map(([family, labels]) => ({family: this.families.get(family), labels: labels || {}}));
    row.roles = row.series.map(s => s.family && ROLES[s.family.name]);
    this.byRef.set(c.c, row);
    this.on.declared(row, isNew);
  }

  values(v) {
    const row = this.byRef.get(v[0]);
    if (!row || row.version !== v[1]) return; // a layout this page has not seen (yet): the next tick is readable
    const t = v[2];
    const state = {t, memory: null};
    for (let i = 0; i < row.roles.length; i++) {
      const role = row.roles[i];
      const value = v[3 + i];
      if (role && value != null) state[role] = (state[role] || 0) + value;
    }
    state.memory = state.workingSet != null ? state.workingSet : state.usage != null ? state.usage : null;
    const prev = row.prev;
    for (const [total, [name, scale]] of Object.entries(RATES)) {
      if (state[total] == null) continue;
      if (prev && prev[total] != null && t > prev.t && state[total] >= prev[total]) {
        state[name] = (state[total] - prev[total]) * 1000 / (t - prev.t) * scale;
      } else if (prev && t === prev.t) {
        state[name] = prev[name]; // the same sample again: keep the rate it gave
      }
    }
    row.now = state;
    if (!prev || t > prev.t) {
      row.history.push(t, state);
      row.prev = state;
    }
    this.on.values(row);
  }

  removed(d) {
    const row = this.byRef.get(d.c);
    if (!row) return;
    this.byRef.delete(d.c);
    this.byId.delete(row.id);
    this.on.removed(row);
  }
}

function capacity(interval) {
  return Math.min(1200, Math.max(60, Math.ceil(HISTORY_MS / interval) + 2));
}
