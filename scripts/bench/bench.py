#!/usr/bin/env python3
"""Phoenix benchmark harness (issue 5). Driven by scripts/bench.sh; python3 standard library only.

For each engine and N it starts N idle containers plus a few busy ones, runs the packaged agent against that
engine's Unix socket and measures /metrics latency and size, sample freshness, discovery and removal latency,
agent CPU and RSS and the engine's extra CPU (at the default interval and at 10 s), then does the same
collection the other ways (`docker|podman stats --no-stream`, per-container `stats?stream=false` in parallel)
and writes one markdown table with ratios.

Safety: talks only to the engines' Unix sockets and to the agent on 127.0.0.1; containers use --network none.
Every loop is bounded in count and in time, and a global budget skips what would not fit.
"""

import argparse
import http.client
import json
import math
import os
import platform
import random
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

RT_DIR = os.environ.get("PHOENIX_RUNTIME_DIR", "/tmp/phoenix-runtimes")
CLK_TCK = os.sysconf("SC_CLK_TCK")
API = "/v1.41"

# The one table. The smoke test (scripts/bench-smoke.sh, via --check) checks every one of these is present
# and filled in each row; docs/benchmarks.md explains each below the table (LEGEND).
COLUMNS = [
    "engine", "N (+busy)",
    "scrape p50 ms", "scrape p99 ms", "scrape max ms", "/metrics KiB",
    "fresh med s", "fresh max s",
    "discovery med s", "discovery max s", "removal med s", "removal max s",
    "agent CPU % @1s", "engine +CPU % @1s", "agent CPU % @10s", "engine +CPU % @10s", "agent RSS MiB",
    "agent CPU ms/collection",
    "stats --no-stream s", "stats --no-stream CPU ms", "× wall vs stats CLI", "× CPU vs stats CLI",
    "parallel stream=false s", "parallel stream=false CPU ms", "× wall vs parallel API", "× CPU vs parallel API",
]

LEGEND = [
    ("engine", "the engine the agent watched (one engine per agent process, over its Unix socket)"),
    ("N (+busy)", "idle `sleep` containers + busy `yes > /dev/null` containers (CPU-limited) running during the measurements"),
    ("scrape p50/p99/max ms", "wall time of `GET /metrics` over a keep-alive connection from 127.0.0.1 "
     "(warm-up scrapes excluded), nearest-rank percentiles"),
    ("/metrics KiB", "size of the /metrics body (includes JVM/HTTP self-metrics and any other container on the engine)"),
    ("fresh med/max s", "scrape time − `container_last_sample_timestamp_seconds`, over the bench containers and "
     "scrapes at random moments of the freshness window, at the default interval"),
    ("discovery med/max s", "`run -d` returning → the container's `container_info` series on /metrics (polled)"),
    ("removal med/max s", "`rm -f` returning → no series with that container name left on /metrics (polled)"),
    ("agent CPU % @1s / @10s", "agent process utime+stime over the CPU window, % of one core, at the default "
     "interval (1 s) and at 10 s"),
    ("engine +CPU % @1s / @10s", "engine processes' CPU (dockerd + containerd + containerd-shim*, or podman service + "
     "conmon; including reaped children) with the agent running minus the same window with the agent stopped"),
    ("agent RSS MiB", "max VmRSS of the agent seen during its runs"),
    ("agent CPU ms/collection", "(agent + engine extra) CPU per default interval, i.e. CPU per full refresh of every "
     "container's numbers"),
    ("stats --no-stream s / CPU ms", "`docker|podman stats --no-stream <all bench containers>`: median wall time of one "
     "full collection; CPU = engine CPU above its idle rate + the CLI process, median"),
    ("parallel stream=false s / CPU ms", "`GET /containers/{id}/stats?stream=false` for every bench container at once "
     "(one thread and connection each, the Telegraf/OTel way): median wall time; CPU as above (client = this "
     "Python process)"),
    ("× wall", "alternative's wall time per full collection ÷ agent's scrape p50 (how much longer a user waits)"),
    ("× CPU", "alternative's CPU per full collection ÷ agent's CPU per collection (>1: the agent is cheaper)"),
]


class Interrupted(Exception):
    pass


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------------- HTTP

class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=10):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


def unix_get(path, url, timeout=10):
    c = UnixHTTPConnection(path, timeout)
    try:
        c.request("GET", url)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


class AgentClient:
    """Keep-alive HTTP/1.1 client to the agent on 127.0.0.1 only."""

    headers = {}  # sent with every request

    def __init__(self, port):
        self.port = port
        self.conn = None

    def get(self, path, timeout=10):
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
            try:
                t0 = time.perf_counter()
                self.conn.request("GET", path, headers=self.headers)
                r = self.conn.getresponse()
                body = r.read()
                t1 = time.perf_counter()
                return r.status, body, t1 - t0
            except (OSError, http.client.HTTPException):
                self.close()
                if attempt:
                    raise

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# --------------------------------------------------------------------------------------------------- /proc

def proc_stat(pid):
    """(starttime, utime+stime+cutime+cstime ticks, own utime+stime ticks) or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
    except OSError:
        return None
    rest = s[s.rindex(")") + 2:].split()
    ut, st, cut, cst = (int(x) for x in rest[11:15])
    return int(rest[19]), ut + st + cut + cst, ut + st


def proc_cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def proc_comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


def proc_ppid(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
        return int(s[s.rindex(")") + 2:].split()[1])
    except (OSError, ValueError):
        return -1


def rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def all_pids():
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


class CpuMeter:
    """CPU ticks of a fixed set of processes between start() and stop(); processes must live through both."""

    def __init__(self, pids, own_only=False):
        self.pids = list(pids)
        self.own_only = own_only

    def _snap(self):
        snap = {}
        for p in self.pids:
            st = proc_stat(p)
            if st:
                snap[p] = (st[0], st[2] if self.own_only else st[1])
        return snap

    def start(self):
        self.t0 = time.monotonic()
        self.s0 = self._snap()

    def stop(self):
        """CPU seconds used in the window, and the window length."""
        s1 = self._snap()
        wall = time.monotonic() - self.t0
        ticks = sum(s1[p][1] - self.s0[p][1] for p in s1 if p in self.s0 and s1[p][0] == self.s0[p][0])
        return ticks / CLK_TCK, wall


# --------------------------------------------------------------------------------------------------- engines

class Engine:
    def __init__(self, kind):
        self.kind = kind
        self.sock = f"{RT_DIR}/{kind}.sock"
        self.image = "busybox:local" if kind == "docker" else "localhost/busybox:latest"
        self.env = dict(os.environ)
        if kind == "podman":
            self.env["CONTAINERS_CONF"] = f"{RT_DIR}/containers.conf"

    def cli(self, *args):
        if self.kind == "docker":
            return ["docker", "-H", f"unix://{self.sock}", *args]
        return ["podman", "--url", f"unix://{self.sock}", *args]

    def run(self, args, timeout=60, check=True):
        r = subprocess.run(self.cli(*args), env=self.env, capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise RuntimeError(f"{self.kind} {' '.join(args[:3])}... failed ({r.returncode}): {r.stderr.strip()[:300]}")
        return r

    def run_args(self, name, busy):
        a = ["run", "-d", "--name", name, "--network", "none", "--label", "phoenix.bench=1"]
        if busy:
            a += ["--cpus", "0.1", self.image, "sh", "-c", "yes > /dev/null"]
        else:
            a += [self.image, "sleep", "86400"]
        return a

    def rm_args(self, names):
        # PID 1 (sleep, sh) ignores SIGTERM: podman would wait its 10 s stop timeout; docker rm -f kills at once.
        return ["rm", "-f", *names] if self.kind == "docker" else ["rm", "-f", "-t", "0", *names]

    def names_with_prefix(self, prefix):
        r = self.run(["ps", "-a", "--format", "{{.Names}}"], timeout=60, check=False)
        return [n for n in r.stdout.split() if n.startswith(prefix)]

    def version(self):
        try:
            st, body = unix_get(self.sock, "/version", timeout=5)
            v = json.loads(body)
            comps = {c.get("Name"): c.get("Version") for c in v.get("Components") or []}
            if self.kind == "docker":
                return f"Docker {v.get('Version')} (containerd {comps.get('containerd', '?')}, runc {comps.get('runc', '?')})"
            return f"Podman {v.get('Version')} (API {v.get('ApiVersion')})"
        except Exception as e:  # noqa: BLE001 - reported in the doc
            return f"{self.kind}: unknown ({e})"

    def container_ids(self):
        st, body = unix_get(self.sock, f"{API}/containers/json?all=true", timeout=10)
        return [c["Id"] for c in json.loads(body)]

    def service_pid(self):
        pidfile = f"{RT_DIR}/{'dockerd' if self.kind == 'docker' else 'podman'}.pid"
        try:
            pid = int(open(pidfile).read().strip())
            if self.sock in proc_cmdline(pid):
                return pid
        except (OSError, ValueError):
            pass
        want = "dockerd" if self.kind == "docker" else "podman"
        for p in all_pids():
            cl = proc_cmdline(p)
            if proc_comm(p) == want and self.sock in cl and (want == "dockerd" or "system service" in cl):
                return p
        raise RuntimeError(f"cannot find the {self.kind} service process for {self.sock}")

    def engine_pids(self):
        """The engine's own processes: what does the work when someone asks for stats."""
        svc = self.service_pid()
        pids = [svc]
        if self.kind == "docker":
            for p in all_pids():
                comm = proc_comm(p)
                if comm == "containerd" and proc_ppid(p) == svc:
                    pids.append(p)
                elif comm.startswith("containerd-shim") and f"-address {RT_DIR}/" in proc_cmdline(p):
                    pids.append(p)
        else:
            ids = set(self.container_ids())
            for p in all_pids():
                if proc_comm(p) == "conmon":
                    m = re.search(r"(?:^| )-c ([0-9a-f]{64})", proc_cmdline(p))
                    if m and m.group(1) in ids:
                        pids.append(p)
        return pids


# --------------------------------------------------------------------------------------------------- agent

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Agent:
    def __init__(self, args, engine, interval_s, tag):
        self.args, self.engine, self.interval_s, self.tag = args, engine, interval_s, tag
        self.proc = None
        self.rss_max = 0.0

    def start(self):
        self.port = free_port()
        env = dict(os.environ)
        for k in list(env):
            if k.startswith("METRICS_") or k.startswith("QUARKUS_"):
                del env[k]
        env.update({
            "PORT": str(self.port),
            "QUARKUS_HTTP_HOST": "127.0.0.1",
            "METRICS_RUNTIMES": f"unix://{self.engine.sock}",
            "METRICS_AUTODETECT": "false",
            "METRICS_COLLECTION_INTERVAL": f"{self.interval_s}s",
            "METRICS_STATS_INTERVAL": f"{self.interval_s}s",
            "METRICS_SOURCE": self.args.source,
        })
        env.setdefault("MALLOC_ARENA_MAX", "2")   # as the image and the systemd unit run it
        java = ["java", *self.args.java_opts.split()]
        if self.args.jfr and self.interval_s == 1:
            java.append(f"-XX:StartFlightRecording=filename={self.args.run_dir}/{self.tag}.jfr,settings=profile,dumponexit=true")
        self.logfile = open(f"{self.args.run_dir}/agent-{self.tag}.log", "w")
        self.proc = subprocess.Popen([*java, "-jar", self.args.jar], env=env, stdout=self.logfile,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        with open(f"{self.args.run_dir}/agent.pid", "w") as f:
            f.write(str(self.proc.pid))
        self.client = AgentClient(self.port)
        self.t_start = time.monotonic()

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def sample_rss(self):
        r = rss_mib(self.pid)
        if r:
            self.rss_max = max(self.rss_max, r)
        return r

    def wait_ready(self, names, timeout, need_samples=True):
        """Engine endpoint 'up', then every name with container_info (and a last-sample timestamp) on /metrics."""
        deadline = time.monotonic() + timeout
        sock_uri = f"unix://{self.engine.sock}"
        up = False
        missing = set(names)
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"agent exited ({self.proc.returncode}); see {self.logfile.name}")
            try:
                if not up:
                    st, body, _ = self.client.get("/api/runtimes", timeout=2)
                    if st == 200:
                        up = any(r.get("socket") == sock_uri and r.get("state") == "up"
                                 for r in json.loads(body).get("runtimes", []))
                if up:
                    st, body, _ = self.client.get("/metrics", timeout=5)
                    text = body.decode()
                    info, fresh = names_in(text, "container_info"), names_in(text, "container_last_sample_timestamp_seconds")
                    missing = {n for n in names if n not in info or (need_samples and n not in fresh)}
                    if not missing:
                        log(f"agent {self.tag} ready after {time.monotonic() - self.t_start:.1f}s")
                        return
            except (OSError, http.client.HTTPException, ValueError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"agent {self.tag} not ready within {timeout}s (endpoint up: {up}, "
                           f"{len(missing)} containers missing on /metrics); see {self.logfile.name}")

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.sample_rss()
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.client.close()
        self.logfile.close()
        try:
            os.unlink(f"{self.args.run_dir}/agent.pid")
        except OSError:
            pass
        self.proc = None


_LINE_NAME = re.compile(r'container_name="((?:[^"\\]|\\.)*)"')


def names_in(text, family):
    out = set()
    prefix = family + "{"
    for line in text.splitlines():
        if line.startswith(prefix):
            m = _LINE_NAME.search(line)
            if m:
                out.add(m.group(1))
    return out


def last_samples(text):
    out = {}
    prefix = "container_last_sample_timestamp_seconds{"
    for line in text.splitlines():
        if line.startswith(prefix):
            m = _LINE_NAME.search(line)
            if m:
                out[m.group(1)] = float(line.rsplit(" ", 1)[1])
    return out


def has_info(text, name):
    return re.search(r'^container_info\{[^\n]*container_name="' + re.escape(name) + '"', text, re.M) is not None


def has_any_series(text, name):
    return f'container_name="{name}"' in text


# --------------------------------------------------------------------------------------------------- stats

def nearest_rank(values, q):
    s = sorted(values)
    return s[max(0, math.ceil(q * len(s)) - 1)]


def med(values):
    return statistics.median(values) if values else None


class Bench:
    def __init__(self, args):
        self.args = args
        self.prefix = f"phx-bench-{args.run_id}-"
        self.engines = {}
        self.created = {}   # engine kind -> {name: id}
        self.agents = []
        self.rows = []
        self.notes = []
        self.deadline = time.monotonic() + args.budget
        q = args.quick
        self.cpu_window = args.window or (5.0 if q else 30.0)
        self.fresh_window = 3.0 if q else 10.0
        self.trials = args.trials or (3 if q else 20)
        self.reps = 2 if q else 3
        self.scrapes = max(500, args.scrapes)
        self.busy = args.busy
        self.durations = {}   # engine kind -> (N, seconds) of the last measured N
        self.load_at_start = float(open("/proc/loadavg").read().split()[0])

    # ---------------------------------------------------------------- containers
    def create(self, eng, names, busy=False):
        def one(n):
            r = eng.run(eng.run_args(n, busy), timeout=90)
            return n, r.stdout.strip().splitlines()[-1]
        reg = self.created.setdefault(eng.kind, {})
        for n in names:
            reg[n] = None   # registered before creation, so that cleanup knows it even if creation half-fails
        with ThreadPoolExecutor(max_workers=4) as pool:
            for n, cid in pool.map(one, names):
                reg[n] = cid

    def remove(self, eng, names, timeout=120):
        if not names:
            return
        for i in range(0, len(names), 50):
            eng.run(eng.rm_args(names[i:i + 50]), timeout=timeout, check=False)
        reg = self.created.get(eng.kind, {})
        for n in names:
            reg.pop(n, None)

    def cleanup(self):
        for a in self.agents:
            try:
                a.stop()
            except Exception as e:  # noqa: BLE001
                log(f"stopping agent: {e}")
        for kind, eng in self.engines.items():
            try:
                names = set(self.created.get(kind, {})) | set(eng.names_with_prefix(self.prefix))
                if names:
                    log(f"removing {len(names)} bench containers from {kind}")
                    self.remove(eng, sorted(names))
            except Exception as e:  # noqa: BLE001
                log(f"cleanup on {kind}: {e} (bench.sh removes names starting with {self.prefix} again)")

    def remaining(self):
        return self.deadline - time.monotonic()

    # ---------------------------------------------------------------- phases
    def scrape_phase(self, agent, names):
        c = agent.client
        for _ in range(20):   # warm-up: the first requests pay for JIT and connection set-up
            c.get("/metrics")
        lat, size = [], 0
        t_end = time.monotonic() + max(60.0, self.scrapes * 0.2)
        for _ in range(self.scrapes):
            st, body, dt = c.get("/metrics")
            if st != 200:
                raise RuntimeError(f"/metrics answered {st}")
            lat.append(dt * 1000)
            size = len(body)
            if time.monotonic() > t_end:
                self.notes.append(f"{agent.tag}: scrape phase cut at {len(lat)} scrapes (time bound)")
                break
        return {"p50": med(lat), "p99": nearest_rank(lat, 0.99), "max": max(lat), "n": len(lat), "kib": size / 1024}

    def freshness_phase(self, agent, names):
        ages = []
        want = set(names)
        t_end = time.monotonic() + self.fresh_window
        n = 0
        while time.monotonic() < t_end and n < 1000:
            st, body, dt = agent.client.get("/metrics")
            now = time.time() - dt / 2   # the middle of the request
            for name, ts in last_samples(body.decode()).items():
                if name in want:
                    ages.append(max(0.0, now - ts))
            n += 1
            time.sleep(random.uniform(0.05, 0.25))
        return {"med": med(ages), "max": max(ages) if ages else None, "n": len(ages)}

    def cpu_window_measure(self, eng, agent):
        """(agent CPU %, engine CPU %) over one window; agent None = agent stopped."""
        eng_meter = CpuMeter(eng.engine_pids())
        ag_meter = CpuMeter([agent.pid], own_only=True) if agent else None
        eng_meter.start()
        if ag_meter:
            ag_meter.start()
        t_end = time.monotonic() + self.cpu_window
        while time.monotonic() < t_end:
            time.sleep(min(1.0, max(0.0, t_end - time.monotonic())))
            if agent:
                agent.sample_rss()
        e_cpu, wall = eng_meter.stop()
        a_pct = None
        if ag_meter:
            a_cpu, a_wall = ag_meter.stop()
            a_pct = 100 * a_cpu / a_wall
        return a_pct, 100 * e_cpu / wall

    def poll(self, agent, pred, bound):
        t_end = time.monotonic() + bound
        while True:
            st, body, _ = agent.client.get("/metrics")
            if st == 200 and pred(body.decode()):
                return True
            if time.monotonic() > t_end:
                return False
            time.sleep(self.args.poll_ms / 1000)

    def trial_phase(self, eng, agent, n_label):
        disc, rem, timeouts = [], [], 0
        bound = 10.0
        t_end = time.monotonic() + self.trials * 8 + 10
        for i in range(self.trials):
            if time.monotonic() > t_end:
                self.notes.append(f"{eng.kind} N={n_label}: discovery trials cut at {i} (time bound)")
                break
            name = f"{self.prefix}{eng.kind[0]}{n_label}t{i}"
            self.created.setdefault(eng.kind, {})[name] = None
            eng.run(eng.run_args(name, False), timeout=60)
            t0 = time.monotonic()
            if self.poll(agent, lambda t: has_info(t, name), bound):
                disc.append(time.monotonic() - t0)
            else:
                timeouts += 1
                disc.append(bound)
            eng.run(eng.rm_args([name]), timeout=60, check=False)
            self.created[eng.kind].pop(name, None)
            t0 = time.monotonic()
            if self.poll(agent, lambda t: not has_any_series(t, name), bound):
                rem.append(time.monotonic() - t0)
            else:
                timeouts += 1
                rem.append(bound)
        if timeouts:
            self.notes.append(f"{eng.kind} N={n_label}: {timeouts} discovery/removal waits hit the {bound:.0f} s bound "
                              f"(counted as {bound:.0f} s)")
        return {"disc_med": med(disc), "disc_max": max(disc) if disc else None,
                "rm_med": med(rem), "rm_max": max(rem) if rem else None, "trials": len(disc)}

    def alternatives(self, eng, names, ids, idle_rate):
        """Wall and CPU (engine above idle + client) of one full collection, the other ways; medians over reps."""
        pids = eng.engine_pids()
        cli_wall, cli_cpu, par_wall, par_cpu = [], [], [], []
        for _ in range(self.reps):
            m = CpuMeter(pids)
            ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            m.start()
            t0 = time.perf_counter()
            r = eng.run(["stats", "--no-stream", *names], timeout=120)
            wall = time.perf_counter() - t0
            e_cpu, e_wall = m.stop()
            ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            client = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
            rows = [ln for ln in r.stdout.splitlines()[1:] if ln.strip()]
            if len(rows) < len(names):
                self.notes.append(f"{eng.kind}: `stats --no-stream` listed {len(rows)} of {len(names)} containers")
            cli_wall.append(wall)
            cli_cpu.append(1000 * (max(0.0, e_cpu - idle_rate * e_wall) + client))
            time.sleep(0.5)

        def fetch(cid):
            st, body = unix_get(eng.sock, f"{API}/containers/{cid}/stats?stream=false", timeout=30)
            if st != 200:
                raise RuntimeError(f"stats {cid[:12]}: HTTP {st}")
            json.loads(body)
            return True

        for _ in range(self.reps):
            m = CpuMeter(pids)
            own0 = os.times()
            with ThreadPoolExecutor(max_workers=min(len(ids), 256)) as pool:
                m.start()
                t0 = time.perf_counter()
                ok = sum(1 for x in pool.map(fetch, ids) if x)
                wall = time.perf_counter() - t0
                e_cpu, e_wall = m.stop()
            own1 = os.times()
            client = (own1.user - own0.user) + (own1.system - own0.system)
            if ok < len(ids):
                self.notes.append(f"{eng.kind}: parallel stats answered {ok} of {len(ids)}")
            par_wall.append(wall)
            par_cpu.append(1000 * (max(0.0, e_cpu - idle_rate * e_wall) + client))
            time.sleep(0.5)
        return {"cli_s": med(cli_wall), "cli_cpu_ms": med(cli_cpu), "par_s": med(par_wall), "par_cpu_ms": med(par_cpu)}

    def estimate(self, kind, n):
        """Seconds that measuring N containers is expected to take: the last measured N of this engine scaled, or a
        formula before the first one (a full-mode N=10 takes about 170 s, a quick N=3 about 60 s)."""
        prev = self.durations.get(kind)
        if prev:
            pn, pd = prev
            return pd + max(0, n - pn) * 0.35
        return 3 * self.cpu_window + self.fresh_window + 35 + self.trials * 1.2 + self.reps * (4 + n * 0.03) + n * 0.2

    # ---------------------------------------------------------------- one engine, one N
    def measure(self, eng, n, names, ids):
        label = f"{n}+{self.busy}"
        res = {"engine": eng.kind, "n": n, "busy": self.busy}
        log(f"{eng.kind} N={label}: settle, then the agent-stopped baseline ({self.cpu_window:.0f} s)")
        time.sleep(2)
        _, base = self.cpu_window_measure(eng, None)
        res["engine_idle_pct"] = base

        res.update({f"alt_{k}": v for k, v in self.alternatives(eng, names, ids, base / 100).items()})
        log(f"{eng.kind} N={label}: stats CLI {res['alt_cli_s']:.3f} s, parallel API {res['alt_par_s']:.3f} s")

        agent = Agent(self.args, eng, 1, f"{eng.kind}-{n}-1s")
        self.agents.append(agent)
        agent.start()
        agent.wait_ready(names, 90)
        s = self.scrape_phase(agent, names)
        res.update({f"scrape_{k}": v for k, v in s.items()})
        log(f"{eng.kind} N={label}: /metrics p50 {s['p50']:.2f} ms p99 {s['p99']:.2f} ms, {s['kib']:.0f} KiB")
        f = self.freshness_phase(agent, names)
        res.update({f"fresh_{k}": v for k, v in f.items()})
        log(f"{eng.kind} N={label}: agent CPU window at 1 s ({self.cpu_window:.0f} s)")
        a1, e1 = self.cpu_window_measure(eng, agent)
        res.update({"agent_cpu_1s": a1, "engine_extra_1s": e1 - base})
        t = self.trial_phase(eng, agent, n)
        res.update(t)
        log(f"{eng.kind} N={label}: discovery med {t['disc_med']:.3f} s, removal med {t['rm_med']:.3f} s")
        agent.stop()
        self.agents.remove(agent)
        rss = agent.rss_max

        agent = Agent(self.args, eng, 10, f"{eng.kind}-{n}-10s")
        self.agents.append(agent)
        agent.start()
        # At 10 s the first samples take up to two intervals: wait for discovery only, and let start-up settle.
        agent.wait_ready(names, 90, need_samples=False)
        time.sleep(max(2.0, 10.0 - (time.monotonic() - agent.t_start)))
        log(f"{eng.kind} N={label}: agent CPU window at 10 s ({self.cpu_window:.0f} s)")
        a10, e10 = self.cpu_window_measure(eng, agent)
        res.update({"agent_cpu_10s": a10, "engine_extra_10s": e10 - base})
        agent.stop()
        self.agents.remove(agent)
        res["rss_mib"] = max(rss, agent.rss_max)
        return res

    def run(self):
        args = self.args
        kinds = ["docker", "podman"] if args.engine == "both" else [args.engine]
        for k in kinds:
            self.engines[k] = Engine(k)
        for kind in kinds:
            eng = self.engines[kind]
            try:
                st, body = unix_get(eng.sock, f"{API}/containers/json", timeout=10)
                others = [c for c in json.loads(body) if not any(n.lstrip("/").startswith(self.prefix) for n in c.get("Names") or [])]
                if others:
                    self.notes.append(f"{kind} also ran {len(others)} other container(s) when the run started: their "
                                      f"series are in /metrics, their engine work in the engine CPU")
            except (OSError, ValueError, http.client.HTTPException):
                pass
            idle, busy = [], [f"{self.prefix}{kind[0]}busy{i}" for i in range(self.busy)]
            log(f"{kind}: starting {self.busy} busy containers")
            self.create(eng, busy, busy=True)
            for n in args.n:
                if self.remaining() < self.estimate(kind, n):
                    msg = f"{kind} N={n}: skipped, would not fit the {args.budget:.0f} s budget"
                    log(msg)
                    self.notes.append(msg)
                    continue
                add = [f"{self.prefix}{kind[0]}{i}" for i in range(len(idle), n)]
                log(f"{kind}: starting {len(add)} idle containers (N={n})")
                t0 = time.monotonic()
                self.create(eng, add)
                idle += add
                log(f"{kind}: {len(add)} containers started in {time.monotonic() - t0:.1f} s")
                names = idle + busy
                ids = [self.created[kind][x] for x in names]
                t0 = time.monotonic()
                self.rows.append(self.measure(eng, n, names, ids))
                self.durations[kind] = (n, time.monotonic() - t0)
                log(f"{kind} N={n}: measured in {time.monotonic() - t0:.0f} s ({self.remaining():.0f} s of the budget left)")
            self.remove(eng, idle + busy)

    # ---------------------------------------------------------------- output
    def table(self):
        def f(v, d=2):
            return "n/a" if v is None else f"{v:.{d}f}"

        def ratio(a, b):
            if a is None or b is None:
                return "n/a"
            return "∞" if b <= 0 else f"{a / b:.1f}×"

        lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
        for r in self.rows:
            agent_ms = None
            if r.get("agent_cpu_1s") is not None:
                agent_ms = (r["agent_cpu_1s"] + max(0.0, r["engine_extra_1s"])) / 100 * 1000 * 1.0
            r["agent_cpu_ms_per_collection"] = agent_ms
            p50_s = r["scrape_p50"] / 1000
            cells = [
                r["engine"], f"{r['n']}+{r['busy']}",
                f(r["scrape_p50"]), f(r["scrape_p99"]), f(r["scrape_max"]), f(r["scrape_kib"], 1),
                f(r["fresh_med"]), f(r["fresh_max"]),
                f(r["disc_med"], 3), f(r["disc_max"], 3), f(r["rm_med"], 3), f(r["rm_max"], 3),
                f(r["agent_cpu_1s"]), f(r["engine_extra_1s"]), f(r["agent_cpu_10s"]), f(r["engine_extra_10s"]),
                f(r["rss_mib"], 0), f(agent_ms, 1),
                f(r["alt_cli_s"], 3), f(r["alt_cli_cpu_ms"], 1), ratio(r["alt_cli_s"], p50_s), ratio(r["alt_cli_cpu_ms"], agent_ms),
                f(r["alt_par_s"], 3), f(r["alt_par_cpu_ms"], 1), ratio(r["alt_par_s"], p50_s), ratio(r["alt_par_cpu_ms"], agent_ms),
            ]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def targets(self):
        out = []
        for kind in dict.fromkeys(r["engine"] for r in self.rows):
            rows = [r for r in self.rows if r["engine"] == kind]
            if not rows:
                continue
            r = next((x for x in rows if x["n"] == 100), rows[-1])
            where = f"{kind}, N={r['n']}+{r['busy']}" + ("" if r["n"] == 100 else " (the targets are for 100 containers)")
            checks = [
                ("/metrics p99 ≤ 10 ms", r["scrape_p99"], 10, "ms"),
                ("every sample ≤ 1.5 s old at 1 s (max age)", r["fresh_max"], 1.5, "s"),
                ("discovery ≤ 1 s (max)", r["disc_max"], 1.0, "s"),
                ("removal ≤ 1 s (max)", r["rm_max"], 1.0, "s"),
                ("agent + extra engine CPU ≤ 5 % at 1 s", r["agent_cpu_1s"] + max(0.0, r["engine_extra_1s"]), 5, "%"),
                ("agent + extra engine CPU ≤ 1 % at 10 s", r["agent_cpu_10s"] + max(0.0, r["engine_extra_10s"]), 1, "%"),
                ("agent RSS ≤ 150 MB", r["rss_mib"] * 1.048576, 150, "MB"),
            ]
            out.append(f"- **{where}**")
            for what, v, lim, unit in checks:
                if "CPU" in what:
                    extra = r["engine_extra_1s" if "1 s" in what else "engine_extra_10s"]
                    if extra is not None and extra < 0:
                        what += f" (engine extra came out {extra:.2f} %, counted as 0: a noisy machine)"
                if v is None:
                    out.append(f"  - {what}: not measured")
                elif v <= lim:
                    out.append(f"  - {what}: met ({v:.2f} {unit})")
                else:
                    out.append(f"  - {what}: **missed** by {v - lim:.2f} {unit} ({v:.2f} {unit}, {v / lim:.1f}× the target)")
        return "\n".join(out)

    def machine(self):
        mem = "?"
        try:
            for line in open("/proc/meminfo"):
                if line.startswith("MemTotal:"):
                    mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
        except OSError:
            pass
        cpu = "?"
        try:
            for line in open("/proc/cpuinfo"):
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        except OSError:
            pass
        java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
        cg = "v2 (unified)" if os.path.exists("/sys/fs/cgroup/cgroup.controllers") else "v1 (or hybrid)"
        load = open("/proc/loadavg").read().split()[:3]
        engines = "; ".join(e.version() for e in self.engines.values())
        return [
            f"- cores: {os.cpu_count()} ({cpu})",
            f"- memory: {mem}",
            f"- kernel: {platform.release()}, cgroup {cg}",
            f"- engines: {engines}",
            f"- agent: `{self.args.jar}` at commit {self.args.commit}, {java[0] if java else 'java ?'}, "
            f"JVM options `{self.args.java_opts or '(none)'}`, metrics source `{self.args.source}`",
            f"- load average at the end: {' '.join(load)}",
        ]

    def meta(self, elapsed):
        a = self.args
        cores = os.cpu_count() or 1
        if self.load_at_start >= 0.5 * cores:
            self.notes.append(f"the machine was busy when the run started (load average {self.load_at_start:.2f} on "
                              f"{cores} cores): latency tails and CPU differences are noisy; run again on a quiet machine")
        return {
            "date": time.strftime('%Y-%m-%d %H:%M:%S %Z'),
            "command": f"scripts/bench.sh {os.environ.get('BENCH_CMDLINE', '').strip()}".strip(),
            "mode": "quick" if a.quick else "full",
            "run_id": a.run_id,
            "elapsed_s": round(elapsed),
            "windows": f"CPU {self.cpu_window:.0f} s, freshness {self.fresh_window:.0f} s, {self.scrapes} scrapes "
                       f"(+20 warm-up), {self.trials} discovery/removal trials, {self.reps} repetitions of each "
                       f"alternative, poll every {a.poll_ms} ms",
            "machine": self.machine(),
        }

    def document(self, meta):
        parts = [
            "# Benchmarks",
            "",
            "Produced by `scripts/bench.sh` (issue 5); do not edit by hand, run it again. "
            "Numbers are from one machine and one run: compare rows of the same run, not runs of different machines.",
            "",
            f"- date: {meta['date']}",
            f"- command: `{meta['command']}` ({meta['mode']} mode, run id `{meta['run_id']}`, {meta['elapsed_s']} s)",
            f"- windows: {meta['windows']}",
            "",
            "## Machine",
            "",
            *meta["machine"],
            "",
            "## Results",
            "",
            self.table(),
            "",
            "## Targets (issue 5)",
            "",
            self.targets() or "- nothing measured",
            "",
        ]
        if self.notes:
            parts += ["## Notes from this run", "", *[f"- {n}" for n in self.notes], ""]
        parts += ["## Columns", ""]
        parts += [f"- **{k}**: {v}" for k, v in LEGEND]
        parts += [
            "",
            "Caveats: CPU figures come from /proc tick counters (10 ms resolution) on whatever else the machine is "
            "doing; an engine's extra CPU is a difference of two windows and can come out slightly negative. The "
            "agent runs with the shipped JVM options (target/quarkus-app/jvm.options when it exists) unless `--java-opts` says "
            "otherwise; they are in the agent line above. Docker's `stats?stream=false` waits for a second sample (about 1 s) by design.",
            "",
        ]
        return "\n".join(parts)


# The agent's shipped JVM options: the packaged java argument file, one option a line ('#' lines are comments); before
# it existed, those of src/main/docker/Dockerfile.jvm (a small heap and the serial collector).
JVM_OPTIONS_FILE = "target/quarkus-app/jvm.options"
FALLBACK_JAVA_OPTS = "-XX:+UseSerialGC -Xms16m -Xmx64m -Xss256k -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=48m"


def default_java_opts():
    """(options, where they came from)."""
    if os.path.exists(JVM_OPTIONS_FILE):
        with open(JVM_OPTIONS_FILE) as f:
            lines = [ln.strip() for ln in f]
        return [ln for ln in lines if ln and not ln.startswith("#")], JVM_OPTIONS_FILE
    return FALLBACK_JAVA_OPTS.split(), f"bench.py's fallback (no {JVM_OPTIONS_FILE})"


def check_table(path):
    """Smoke check: the table has the header of COLUMNS and every row fills every column. Returns a list of problems."""
    text = open(path).read()
    header = "| " + " | ".join(COLUMNS) + " |"
    lines = text.splitlines()
    if header not in lines:
        return [f"table header not found in {path}; expected: {header}"]
    i = lines.index(header)
    rows = []
    for line in lines[i + 2:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    problems = []
    if not rows:
        problems.append("the table has no rows")
    for r in rows:
        if len(r) != len(COLUMNS):
            problems.append(f"row has {len(r)} cells, expected {len(COLUMNS)}: {r}")
            continue
        for col, cell in zip(COLUMNS, r):
            if cell in ("", "n/a"):
                problems.append(f"row {r[0]} {r[1]}: column '{col}' is empty")
    for required in ("## Machine", "- cores:", "- memory:", "- kernel:", "- engines:", "- date:"):
        if required not in text:
            problems.append(f"missing '{required}'")
    return problems


def main(argv):
    p = argparse.ArgumentParser(prog="scripts/bench.sh", description=__doc__.split("\n")[0],
                                epilog="scripts/bench.sh also takes --build (rebuild the agent first); it sets --run-id, "
                                       "--commit and --jar itself (BENCH_RUN_ID=<lowercase letters and digits> fixes the id).")
    p.add_argument("--run-id", required=True, help="set by scripts/bench.sh: containers are named phx-bench-<id>-*")
    p.add_argument("--quick", action="store_true", help="N=3, one engine, short windows, < 3 minutes")
    p.add_argument("--engine", choices=["docker", "podman", "both"])
    p.add_argument("--n", type=int, nargs="+", help="container counts (default 10 50 100, up to --max; quick: 3)")
    p.add_argument("--max", type=int, default=100, help="largest N of the default set; 200 adds N=200")
    p.add_argument("--busy", type=int, default=2, help="busy containers per engine (default 2, CPU-limited to 0.1)")
    p.add_argument("--source", choices=["api", "cgroup"], default="api", help="agent metrics source (METRICS_SOURCE)")
    p.add_argument("--window", type=float, help="CPU window seconds (default 30; quick 5)")
    p.add_argument("--trials", type=int, help="discovery/removal trials (default 20; quick 3)")
    p.add_argument("--scrapes", type=int, default=500, help="measured /metrics scrapes (at least 500)")
    p.add_argument("--poll-ms", type=int, default=25, help="/metrics poll period in the discovery trials (20-50)")
    p.add_argument("--budget", type=float, help="seconds for the whole run (default 1170; quick 170)")
    p.add_argument("--out", help="markdown file (default docs/benchmarks.md; quick: target/bench/benchmarks-quick.md)")
    p.add_argument("--java-opts", help=f"JVM options for the agent (default: the shipped ones, {JVM_OPTIONS_FILE} when it "
                                       "exists; '' for the JVM's defaults)")
    p.add_argument("--jfr", action="store_true", help="record a JFR profile of each agent run at 1 s into the run directory")
    p.add_argument("--jar", default="target/quarkus-app/quarkus-run.jar")
    p.add_argument("--commit", default="?")
    p.add_argument("--render", metavar="RESULTS_JSON", help="only write --out again from a run's results.json")
    p.add_argument("--check", metavar="FILE", help="only check that FILE has the full table (smoke test)")
    a = p.parse_args(argv)

    if a.java_opts is None:
        a.java_opts = " ".join(default_java_opts()[0])
    if a.check:
        problems = check_table(a.check)
        for pr in problems:
            print(f"bench check: {pr}", file=sys.stderr)
        print(f"bench check: {a.check}: {'OK, ' + str(len(COLUMNS)) + ' columns' if not problems else 'FAILED'}")
        return 1 if problems else 0

    if a.render:
        if not a.out:
            p.error("--render needs --out")
        data = json.load(open(a.render))
        a.quick, a.engine, a.n, a.budget = data["meta"]["mode"] == "quick", "both", [], 0
        a.run_dir = None
        bench = Bench(a)
        bench.rows, bench.notes = data["rows"], data["notes"]
        with open(a.out, "w") as f:
            f.write(bench.document(data["meta"]))
        print(f"written to {a.out}")
        return 0

    if a.engine is None:
        a.engine = "docker" if a.quick else "both"
    if a.quick and a.engine == "both":
        p.error("--quick measures one engine: --engine docker or --engine podman")
    if a.n is None:
        a.n = [3] if a.quick else [n for n in (10, 50, 100, 200) if n <= a.max]
    a.n = sorted(set(a.n))
    if not 20 <= a.poll_ms <= 50:
        p.error("--poll-ms must be within 20..50")
    if a.budget is None:
        a.budget = 170.0 if a.quick else 1170.0
    if a.out is None:
        a.out = "target/bench/benchmarks-quick.md" if a.quick else "docs/benchmarks.md"
    a.run_dir = os.path.abspath(f"target/bench/{a.run_id}")
    os.makedirs(a.run_dir, exist_ok=True)
    if not os.path.exists(a.jar):
        p.error(f"{a.jar} not found: build with ./mvnw -B -q package -DskipTests")
    if max(a.n) >= 200:
        avail = 0
        for line in open("/proc/meminfo"):
            if line.startswith("MemAvailable:"):
                avail = int(line.split()[1]) // 1024
        if avail < 4096:
            log(f"only {avail} MiB available: dropping N=200")
            a.n = [n for n in a.n if n < 200]

    def on_signal(signum, frame):
        raise Interrupted(signal.Signals(signum).name)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    bench = Bench(a)
    t0 = time.monotonic()
    status = 0
    try:
        bench.run()
    except Interrupted as e:
        log(f"interrupted ({e}): cleaning up")
        status = 130
    except Exception as e:  # noqa: BLE001 - report, clean up, and still write what was measured
        log(f"failed: {type(e).__name__}: {e}")
        bench.notes.append(f"run failed: {type(e).__name__}: {e}")
        status = 1
    finally:
        # Signals during clean-up must not cut it short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        bench.cleanup()
    if status == 130:
        return status
    meta = bench.meta(time.monotonic() - t0)
    doc = bench.document(meta)
    with open(f"{a.run_dir}/results.json", "w") as f:
        json.dump({"meta": meta, "rows": bench.rows, "notes": bench.notes}, f, indent=1, default=str)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        f.write(doc)
    print(bench.table())
    if bench.notes:
        print("\n".join(f"note: {n}" for n in bench.notes))
    print(f"\nwritten to {a.out} (raw numbers and agent logs in {a.run_dir})")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
