#!/usr/bin/env python3
"""Footprint run (scripts/bench.sh --footprint): the agent beside netdata (the peer) in one run, on one engine.

N idle + 2 busy containers; netdata (cgroups plugin only, 1 s) and the packaged agent (1 s) started at the same moment,
both scraped every 10 s for the whole run; CPU (utime+stime of the process and its children, /proc) and RSS/threads
over a start-up window and a steady-state window; then 20 SSE clients in a window of their own; then sequential
keep-alive GETs of each. Beside it, in the same wall time, an idle-floor agent with no engine at all. Writes markdown.

Safety: the engines' Unix sockets and 127.0.0.1 only; containers use --network none; everything started here (by
name prefix phx-bench-<runid>-, and the processes by their own session) is ended on exit, also on INT/TERM/HUP.
"""

import argparse
import json
import os
import resource
import signal
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench as B  # noqa: E402  (the existing harness: engines, /proc readers, keep-alive client)
import footprint_peer as peer  # noqa: E402
from footprint_containers import Containers  # noqa: E402
from footprint_procs import Proc, SseClients, java_opts, latency, limits_nofile, tree_cpu, tree_snapshot  # noqa: E402
import footprint_report as report  # noqa: E402

log = B.log


class Footprint:
    def __init__(self, a):
        self.a = a
        self.prefix = f"phx-bench-{a.run_id}-"
        self.notes, self.res = [], {"windows": [], "scrapes": {}, "latency": {}, "sse": []}
        self.clients = SseClients()
        self.ct = Containers(a, self.prefix, self.notes)
        self.eng, self.bench = self.ct.eng, self.ct.bench
        self.opts, self.opts_from = java_opts(a)
        self.load_start = open("/proc/loadavg").read().split()[:3]

    # ---------------------------------------------------------------- processes
    def agent(self, tag, sock):
        port = B.free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("METRICS_", "QUARKUS_"))}
        env.update({"PORT": str(port), "QUARKUS_HTTP_HOST": "127.0.0.1", "METRICS_RUNTIMES": f"unix://{sock}",
                    "METRICS_AUTODETECT": "false", "METRICS_COLLECTION_INTERVAL": "1s", "METRICS_STATS_INTERVAL": "1s",
                    "METRICS_SOURCE": self.a.source})
        env.setdefault("MALLOC_ARENA_MAX", "2")   # as the image and the systemd unit run it
        return Proc(tag, ["java", *self.opts, "-jar", self.a.jar], env, self.a.run_dir, port)

    def launch(self):
        a = self.a
        self.procs = {}
        binary, note = (None, "the peer was left out (--no-peer)") if a.no_peer else peer.install(log)
        if note:
            self.notes.append(note)
        if binary:
            port = B.free_port()
            argv, env, _ = peer.start_args(binary, self.eng, a.run_dir, port)
            self.procs["netdata"] = Proc("netdata", argv, env, a.run_dir, port)
            self.res["peer_version"] = peer.version(binary)
        self.procs["agent"] = self.agent("agent", self.eng.sock)
        self.procs["idle agent"] = self.agent("agent-idle", os.path.join(a.run_dir, "no-engine.sock"))
        self.bench.agents.extend(self.procs.values())
        self.t0 = time.monotonic()
        for p in self.procs.values():
            p.start()
        log("started " + ", ".join(f"{k} (pid {p.pid}, 127.0.0.1:{p.port})" for k, p in self.procs.items()))

    # ---------------------------------------------------------------- the timeline
    def windows(self):
        a, main = self.a, [k for k in ("agent", "netdata") if k in self.procs]
        s, w = a.steady_after, a.window
        first = min(300.0, s)
        out = [("start-up", 0.0, first, main), ("idle floor (no engine)", a.idle_after, a.idle_after + w, ["idle agent"]),
               ("steady", s, s + w, main)]
        t = s + w
        for fmt in ["compact"] + (["json"] if a.sse_json else []):
            out.append((f"steady + {a.clients} SSE {fmt}", t + 3, t + 3 + w, main))
            t += w + 6
        return [{"name": n, "start": b, "end": e, "procs": p, "fmt": n.split()[-1] if "SSE" in n else None}
                for n, b, e, p in out]

    def scrape(self, t):
        e = self.res.setdefault("engine_checks", [0, 0])   # [checks, engine not answering /_ping]
        e[0] += 1
        e[1] += not self.ct.engine_up(0)
        for k, path in (("agent", "/metrics"), ("netdata", peer.PATH)):
            if k not in self.procs:
                continue
            r = self.res["scrapes"].setdefault(k, {"ok": 0, "failed": 0, "not_up": 0, "ms": [], "kib": 0, "all_at": None})
            try:
                st, body, dt = self.procs[k].client.get(path, timeout=10)
            except OSError:
                st, body, dt = 0, b"", 0
            if st != 200:
                r["failed" if r["ok"] else "not_up"] += 1
                continue
            r["ok"] += 1
            r["ms"].append(dt * 1000)
            r["kib"] = len(body) / 1024
            with open(os.path.join(self.a.run_dir, f"{k}-last-scrape.txt"), "wb") as out:
                out.write(body)   # kept for a look at what each exports (names, families)
            text = body.decode(errors="replace")
            if k == "agent":
                info = B.names_in(text, "container_info")
                seen = r["seen"] = sum(1 for n in info if n.startswith(self.prefix))
                r["watched"] = len(info)
                r["runtime_up"] = "phoenix_runtime_up{" not in text or any(
                    ln.startswith("phoenix_runtime_up{") and not ln.endswith(" 0.0") for ln in text.splitlines())
            else:
                named, by_id = peer.names_seen(text, self.prefix, self.ids)
                seen, r["seen"], r["by_id"], r["memory"] = len(named), len(named), len(by_id), peer.has_memory(text)
                r["watched"] = peer.cgroup_count(text)
            if r["all_at"] is None and seen >= len(self.names):
                r["all_at"] = t

    def run_timeline(self):
        wins, self.res["windows"] = self.windows(), []
        end = max(w["end"] for w in wins)
        next_scrape, next_sample = 10.0, 0.0
        log(f"timeline: {end:.0f} s, windows " + "; ".join(f"{w['name']} {w['start']:.0f}-{w['end']:.0f} s" for w in wins))
        while True:
            t = time.monotonic() - self.t0
            for k in ("agent", "netdata"):
                if k in self.procs and not self.procs[k].alive():
                    raise RuntimeError(f"{k} exited ({self.procs[k].p.returncode}); see {self.a.run_dir}/{self.procs[k].tag}.log")
            for w in wins:
                if w["fmt"] and "clients" not in w and t >= w["start"] - 3:
                    w["clients"] = True
                    self.clients.start(f"http://127.0.0.1:{self.procs['agent'].port}/api/stream?format={w['fmt']}",
                                       self.a.clients, self.a.window + 5)
                if "s0" not in w and t >= w["start"]:
                    w["t0"], w["s0"] = t, {k: tree_snapshot(self.procs[k].pid) for k in w["procs"]}
                    if w["start"] > 0:
                        log(f"window '{w['name']}' begins")
                elif "s1" not in w and "s0" in w and t >= w["end"]:
                    w["t1"], w["s1"] = t, {k: tree_snapshot(self.procs[k].pid) for k in w["procs"]}
                    self.close_window(w)
                    if w["fmt"]:
                        got = self.clients.stop()
                        span = w["end"] - w["start"] + 5
                        self.res["sse"].append({"fmt": w["fmt"], "clients": len(got), "bps": sum(got) / max(1, len(got)) / span})
            if all("s1" in w for w in wins):
                return
            if t >= next_sample:
                for p in self.procs.values():
                    p.sample(t)
                next_sample = t + 1
            if t >= next_scrape:
                self.scrape(t)
                next_scrape += 10
            bounds = [x for w in wins for x in (w["start"] - 3, w["start"], w["end"]) if x > t] + [next_scrape, next_sample]
            time.sleep(max(0.02, min(bounds) - (time.monotonic() - self.t0)))

    def close_window(self, w):
        wall = w["t1"] - w["t0"]
        for k in w["procs"]:
            p = self.procs[k]
            total, own = tree_cpu(w["s0"][k], w["s1"][k], p.pid)
            ss = [s for s in p.samples if w["t0"] <= s[0] <= w["t1"]] or p.samples[-1:]
            row = {"proc": k, "window": w["name"], "from": w["t0"], "to": w["t1"], "cpu": 100 * total / wall,
                   "own_cpu": 100 * own / wall, "rss": max(s[1] for s in ss) if ss else None,
                   "threads": max(s[2] for s in ss) if ss else None, "nproc": len(w["s1"][k])}
            self.res["windows"].append(row)
            log(f"{w['name']}: {k} CPU {row['cpu']:.2f} % (own {row['own_cpu']:.2f} %), RSS {row['rss'] or 0:.0f} MiB, "
                f"{row['threads']} threads, {row['nproc']} process(es)")
        if w["name"] == "steady":
            ag = self.procs["agent"].pid
            self.res["agent_nofile"] = limits_nofile(ag)
            self.res["agent_fds"] = len(os.listdir(f"/proc/{ag}/fd"))

    # ---------------------------------------------------------------- the run
    def run(self):
        a, eng = self.a, self.eng
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = 4 * a.n + 4096
        if soft != resource.RLIM_INFINITY and soft < want and (hard == resource.RLIM_INFINITY or hard > soft):
            new = want if hard == resource.RLIM_INFINITY else min(want, hard)
            resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
            self.notes.append(f"raised this run's open-files limit from {soft} to {new} (the agent and netdata inherit it)")
        self.res["nofile_harness"] = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        self.res["engine"] = eng.version()
        try:
            _, body = B.unix_get(eng.sock, f"{B.API}/containers/json", timeout=10)
            others = len(json.loads(body))
            if others:
                self.notes.append(f"{a.engine} already ran {others} other container(s) at the start: the agent watches "
                                  f"them too (they are in its /metrics and its CPU)")
        except (OSError, ValueError):
            pass
        idle = [f"{self.prefix}i{k}" for k in range(a.n)]
        busy = [f"{self.prefix}busy{k}" for k in range(a.busy)]
        log(f"{a.engine}: starting {a.busy} busy and {a.n} idle containers")
        t = time.monotonic()
        self.ct.create(busy, True)
        self.ct.create(idle, False)
        log(f"{a.n + a.busy} containers started in {time.monotonic() - t:.0f} s")
        self.names = idle + busy
        ids = self.ct.existing()
        self.ids = [ids.get(x) for x in self.names]
        try:
            self.engine_pid = eng.service_pid()
        except (RuntimeError, OSError):
            self.engine_pid = None
        time.sleep(2)
        self.launch()
        self.run_timeline()
        try:
            if eng.service_pid() != self.engine_pid:
                self.notes.append(f"{a.engine} was restarted during the run (by someone else): the figures are disturbed")
        except (RuntimeError, OSError):
            self.notes.append(f"{a.engine} was down at the end of the run: the figures are disturbed")
        idle_ag = self.procs["idle agent"]
        try:
            st, body, _ = idle_ag.client.get("/api/runtimes", timeout=5)
            self.res["idle_runtimes"] = body.decode(errors="replace")[:300]
        except OSError as e:
            self.res["idle_runtimes"] = f"no answer ({e})"
        idle_ag.stop()
        n = a.gets
        log(f"latency: {n} sequential keep-alive GETs of each")
        self.res["latency"]["agent"] = latency(self.procs["agent"].port, "/metrics", n)
        # The same GETs of an answer that renders nothing: what of /metrics' tail is the machine's and the HTTP stack's.
        self.res["latency"]["agent floor"] = latency(self.procs["agent"].port, "/q/health/live", n)
        if "netdata" in self.procs:
            self.res["latency"]["netdata"] = latency(self.procs["netdata"].port, peer.PATH, n)

    def cleanup(self):
        self.clients.kill()
        self.ct.cleanup()   # the agents and netdata (their sessions), then the containers by name prefix


def main(argv):
    p = argparse.ArgumentParser(prog="scripts/bench.sh --footprint", description=__doc__.split("\n")[0],
                                epilog="Defaults: N=100(+2 busy), steady window and idle floor both 600-840 s "
                                       "after the start, 20 SSE clients, 500 GETs: about 20 minutes. --quick: N=3, "
                                       "steady 30-50 s, 50 GETs, about 2 minutes. Use a quiet machine for real figures.")
    p.add_argument("--run-id", required=True, help="set by scripts/bench.sh: containers are named phx-bench-<id>-*")
    p.add_argument("--engine", choices=["docker", "podman"], default="docker")
    p.add_argument("--n", type=int, help="idle containers (default 100; quick 3; 500 works where memory allows)")
    p.add_argument("--busy", type=int, default=2, help="busy containers (`yes > /dev/null`, --cpus 0.1), default 2")
    p.add_argument("--source", choices=["auto", "cgroup", "api"], default="cgroup", help="agent METRICS_SOURCE")
    p.add_argument("--steady-after", type=float, help="steady window start, s after the start (default 600; quick 30)")
    p.add_argument("--window", type=float, help="steady, idle and SSE window length, s (default 240; quick 20)")
    p.add_argument("--idle-after", type=float, help="idle-floor window start, s (default: the steady window's)")
    p.add_argument("--gets", type=int, help="sequential GETs of each for the latency table (default 500; quick 50)")
    p.add_argument("--clients", type=int, default=20, help="SSE clients (unfiltered /api/stream), default 20")
    p.add_argument("--sse-json", action="store_true", help="a second SSE window with ?format=json")
    p.add_argument("--no-peer", action="store_true", help="leave netdata out")
    p.add_argument("--quick", action="store_true", help="N=3, steady-after 30 s, window 20 s, 50 GETs")
    p.add_argument("--java-opts", help="JVM options (default: target/quarkus-app/jvm.options, else bench.py's)")
    p.add_argument("--out", default="target/bench/footprint.md", help="markdown file (default %(default)s)")
    p.add_argument("--jar", default="target/quarkus-app/quarkus-run.jar")
    p.add_argument("--commit", default="?")
    p.add_argument("--check", metavar="FILE", help="only check that FILE has the footprint tables (smoke test)")
    a = p.parse_args(argv)
    if a.check:
        problems = report.check(a.check)
        for pr in problems:
            print(f"footprint check: {pr}", file=sys.stderr)
        print(f"footprint check: {a.check}: {'FAILED' if problems else 'OK'}")
        return 1 if problems else 0
    q = a.quick
    a.n = a.n if a.n is not None else (3 if q else 100)
    a.steady_after = a.steady_after if a.steady_after is not None else (30.0 if q else 600.0)
    a.window = a.window if a.window is not None else (20.0 if q else 240.0)
    # The idle floor is a steady state too: at 300 s the code an idle agent runs once a second had run too few times
    # to be compiled yet (the JIT's threshold is counted in calls), and that window measured the warm-up's tail.
    a.idle_after = a.idle_after if a.idle_after is not None else a.steady_after
    a.gets = a.gets if a.gets is not None else (50 if q else 500)
    if a.n < 1 or a.window < 5 or a.steady_after < 10 or a.gets < 10:
        p.error("--n >= 1, --window >= 5, --steady-after >= 10, --gets >= 10")
    a.run_dir = os.path.abspath(f"target/bench/{a.run_id}")
    os.makedirs(a.run_dir, exist_ok=True)
    if not os.path.exists(a.jar):
        p.error(f"{a.jar} not found: build with ./mvnw -B -q package -DskipTests")

    def on_signal(signum, frame):
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):   # the first one counts (bench.sh sends TERM
            signal.signal(sig, signal.SIG_IGN)                        # after a Ctrl-C): the clean-up must not be cut
        raise B.Interrupted(signal.Signals(signum).name)

    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, on_signal)
    fp = Footprint(a)
    t0, status = time.monotonic(), 0
    try:
        fp.run()
    except B.Interrupted as e:
        log(f"interrupted ({e}): cleaning up")
        status = 130
    except Exception as e:  # noqa: BLE001 - report, clean up, and still write what was measured
        log(f"failed: {type(e).__name__}: {e}")
        traceback.print_exc()
        fp.notes.append(f"run failed: {type(e).__name__}: {e}")
        status = 1
    finally:
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(s, signal.SIG_IGN)
        fp.cleanup()
    if status == 130:
        return status
    doc = report.document(fp, time.monotonic() - t0)
    with open(os.path.join(a.run_dir, "footprint.json"), "w") as f:
        json.dump({"res": fp.res, "notes": fp.notes}, f, indent=1, default=str)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        f.write(doc)
    print(doc)
    print(f"written to {a.out} (raw numbers and logs in {a.run_dir})")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
