#!/usr/bin/env python3
"""Phoenix soak run. Driven by scripts/soak.sh; python3 standard library only.

The packaged agent watches Docker, Podman and the CRI containerd of scripts/runtimes.sh and pushes to a real local
Prometheus receiver, while this script keeps a steady population, churns containers (start, stop, restart, OOM kill,
remove), restarts the engines one after the other, takes the receiver away now and then, scrapes /metrics every
second, holds 5 SSE clients on /api/stream, samples the agent's heap/RSS/descriptors/threads, and writes a markdown
report (report.py) with the targets met or missed. Every loop is bounded by --duration; everything it started is
removed on exit and on signals; an engine it stopped is started again.
"""

import argparse
import http.client
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from soaklib import (SOCKETS, Engine, Interrupted, cri_containers, daemon_pid, free_port, fmt_dur,  # noqa: E402
                     info_keys, log, parse_duration)
from clients import Prometheus, Scraper, SseClient  # noqa: E402
from churn import Churn  # noqa: E402
from probes import Probes  # noqa: E402
import report  # noqa: E402


def parse_args(argv):
    p = argparse.ArgumentParser(prog="scripts/soak.sh", description=__doc__.split("\n\n")[0])
    p.add_argument("--duration", default="1h", help="soak length after warm-up (5m, 300s, 1h); default 1h")
    p.add_argument("--steady", type=int, default=100, help="steady containers, split across Docker and Podman")
    p.add_argument("--cri-pods", type=int, default=2, help="steady CRI pods (if the CRI socket works)")
    p.add_argument("--engine-restart-every", default="5m", help="each engine is restarted this often (round robin)")
    p.add_argument("--sample-every", default="10m")
    p.add_argument("--receiver-outage-every", default="15m")
    p.add_argument("--receiver-outage", default="2m", help="how long the remote-write receiver stays away")
    p.add_argument("--churn-workers", type=int, default=2, help="churn loops per engine (Docker, Podman)")
    p.add_argument("--churn-pause", type=float, default=0.5, help="seconds between two cycles of one churn loop")
    p.add_argument("--out", default=None, help="report path (default docs/soak.md, target/soak/smoke.md with --smoke)")
    p.add_argument("--smoke", action="store_true",
                   help="= --duration 5m --steady 20 --engine-restart-every 2m --sample-every 1m, report in target/soak")
    p.add_argument("--run-id", required=True)
    p.add_argument("--jar", default="target/quarkus-app/quarkus-run.jar")
    p.add_argument("--commit", default="?")
    p.add_argument("--cmdline", default="")
    a = p.parse_args(argv)
    if a.smoke:
        a.duration, a.steady, a.engine_restart_every, a.sample_every = "5m", 20, "2m", "1m"
    a.out = a.out or ("target/soak/smoke.md" if a.smoke else "docs/soak.md")
    for k in ("duration", "engine_restart_every", "sample_every", "receiver_outage_every", "receiver_outage"):
        setattr(a, k + "_s", parse_duration(getattr(a, k)))
    return a


class Soak(Probes):
    def __init__(self, args):
        self.args = args
        self.prefix = f"phx-soak-{args.run_id}-"
        self.run_dir = f"target/soak/{args.run_id}"
        os.makedirs(self.run_dir, exist_ok=True)
        self.tmp = tempfile.mkdtemp(prefix="phoenix-soak-")
        with open(f"{self.run_dir}/tmpdirs", "w") as f:
            f.write(self.tmp + "\n")
        self.stop = threading.Event()  # scraper, SSE clients, stale checker
        self.churn_stop = threading.Event()
        self.engines = {k: Engine(k) for k in ("docker", "podman")}
        self.stopped = set()  # engines this run stopped and has not started again
        self.pods, self.samples, self.restarts, self.outages, self.awaiting = [], [], [], [], []
        self.stale, self.checked, self.unchecked = [], 0, 0
        self.removals = queue.Queue()
        self.agent = self.prom = None
        self.churn, self.sse = [], []
        self.cri_ok = False
        self.t0 = None
        self.received = None

    # ------------------------------------------------------------------------------------------ setup
    def setup(self):
        a = self.args
        app = f"{self.tmp}/app"  # a copy: the lead may rebuild target/quarkus-app while this runs
        shutil.copytree(os.path.dirname(a.jar), app)
        if os.path.isdir("target/test-classes/io/phoenix/metrics/testing/cri"):
            shutil.copytree("target/test-classes", f"{self.tmp}/test-classes")
        opts_file = os.path.join(os.path.dirname(a.jar), "jvm.options")
        if os.path.exists(opts_file):
            self.java_opts = [ln.strip() for ln in open(opts_file) if ln.strip() and not ln.strip().startswith("#")]
        else:
            self.java_opts = ["-XX:+UseSerialGC", "-Xmx64m"]
        try:
            cri_containers()
            self.cri_ok = True
        except Exception as ex:  # noqa: BLE001
            log(f"CRI socket does not answer ({ex}): no CRI pods, CRI not restarted")
        self.prom = Prometheus(self.tmp)
        self.prom.start()
        with open(f"{self.run_dir}/prometheus.pid", "w") as f:
            f.write(str(self.prom.proc.pid))
        log(f"prometheus receiver on 127.0.0.1:{self.prom.port}")
        self.start_steady()
        self.start_agent(app)
        self.scraper = Scraper(self.port, self.stop)
        self.scraper.start()
        for i in range(5):
            self.sse.append(SseClient(self.port, "/api/stream" + ("?format=compact" if i >= 3 else ""), self.stop))
            self.sse[-1].start()
        want = {n for n in self.steady_names}
        end = time.monotonic() + 180
        while time.monotonic() < end:
            body = self.scraper.wait_newer(time.time(), 10) or ""
            if want <= set(info_keys(body).values()):
                break
        else:
            raise RuntimeError("the steady containers did not all show up on /metrics within 180 s")
        log("steady population on /metrics; 10 s warm-up")
        time.sleep(10)
        threading.Thread(target=self.check_removals, daemon=True, name="stale").start()

    def start_steady(self):
        a = self.args
        jobs = []
        for i in range(a.steady):
            kind = "docker" if i % 2 == 0 else "podman"
            extra = ["--restart", "always", "--stop-timeout", "2"] if kind == "docker" else []
            jobs.append((self.engines[kind], f"{self.prefix}{kind[0]}-s{i}", extra))
        self.steady_names = [n for _, n, _ in jobs]
        log(f"starting {a.steady} steady containers")
        with ThreadPoolExecutor(4) as ex:
            list(ex.map(lambda j: j[0].run("run", "-d", "--name", j[1], "--network", "none", "--label",
                                            "phoenix.soak=1", *j[2], j[0].image, "sleep", "86400"), jobs))
        if self.cri_ok and a.cri_pods > 0:
            names = [f"{self.prefix}cri-{i}" for i in range(a.cri_pods)]
            with open(f"{self.run_dir}/pods", "w") as f:
                f.write("\n".join(names) + "\n")
            self.pods = names
            self.cri_driver("pods", str(a.cri_pods), f"{self.prefix}cri")
            self.steady_names += names

    def cri_driver(self, *args):
        if os.path.isdir(f"{self.tmp}/test-classes"):
            cp = f"{self.tmp}/test-classes:{self.tmp}/app/lib/main/*:{self.tmp}/app/app/*"
            cmd = ["java", "-cp", cp, "io.phoenix.metrics.testing.cri.CriDriver", f"unix://{SOCKETS['cri']}", *args]
        else:
            cmd = ["bash", "scripts/runtimes.sh", *args]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            raise RuntimeError(f"CRI {' '.join(args)}: {r.stderr.strip()[-300:]}")

    def start_agent(self, app):
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("METRICS_", "QUARKUS_"))}
        self.runtimes = ",".join(f"unix://{SOCKETS[k]}" for k in (("docker", "podman", "cri") if self.cri_ok
                                                                  else ("docker", "podman")))
        env.update({"PORT": str(self.port), "QUARKUS_HTTP_HOST": "127.0.0.1", "METRICS_AUTODETECT": "false",
                    "METRICS_RUNTIMES": self.runtimes, "METRICS_REMOTE_WRITE_URL": self.prom.write_url})
        self.agent_log = f"{self.run_dir}/agent.log"
        self.agent = subprocess.Popen(["java", *self.java_opts, "-jar", f"{app}/quarkus-run.jar"], env=env,
                                      stdout=open(self.agent_log, "w"), stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL, start_new_session=True)
        with open(f"{self.run_dir}/agent.pid", "w") as f:
            f.write(str(self.agent.pid))
        end = time.monotonic() + 120
        while time.monotonic() < end:
            if self.agent.poll() is not None:
                raise RuntimeError(f"agent exited ({self.agent.returncode}); see {self.agent_log}")
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=3)
                c.request("GET", "/api/runtimes")
                r = json.loads(c.getresponse().read())
                c.close()
                if r.get("reachable") == r.get("total") == len(self.runtimes.split(",")):
                    log(f"agent {self.agent.pid} on 127.0.0.1:{self.port}, {r['reachable']} runtimes up")
                    return
            except (OSError, ValueError, http.client.HTTPException):
                pass
            time.sleep(0.5)
        raise RuntimeError(f"agent not ready within 120 s; see {self.agent_log}")

    # ------------------------------------------------------------------------------------------ main loop
    def loop(self):
        a = self.args
        self.t0 = time.time()
        self.sample("start")
        for w in range(self.args.churn_workers):
            for e in self.engines.values():
                self.churn.append(Churn(self, e, w))
                self.churn[-1].start()
        d = a.duration_s
        if d >= a.receiver_outage_every_s + a.receiver_outage_s:
            outages = [(k * a.receiver_outage_every_s, a.receiver_outage_s)
                       for k in range(1, int(d // a.receiver_outage_every_s) + 1)
                       if k * a.receiver_outage_every_s + a.receiver_outage_s < d]
        else:  # a short run still gets one outage, a third of the way in
            outages = [(d / 3, min(a.receiver_outage_s, d / 5))]
        outage_thread = threading.Thread(target=self.receiver_outages, args=(outages,), daemon=True, name="outages")
        outage_thread.start()
        order = ["docker", "podman"] + (["cri"] if self.cri_ok else [])
        tick = a.engine_restart_every_s / len(order)
        next_restart, k_restart, k_sample = tick, 0, 1
        while True:
            now = time.time() - self.t0
            if now >= d:
                break
            if self.agent.poll() is not None:
                raise RuntimeError(f"the agent exited ({self.agent.returncode}); see {self.agent_log}")
            self.follow_awaiting()
            if now >= k_sample * a.sample_every_s and now + a.sample_every_s / 4 < d:
                self.sample(fmt_dur(now))
                k_sample += 1
            elif now >= next_restart and now + 30 < d:
                self.restart_engine(order[k_restart % len(order)])
                k_restart += 1
                # at least 15 s of quiet between two restarts, whatever a slow restart did to the schedule
                next_restart = max(next_restart + tick, time.time() - self.t0 + 15)
            time.sleep(0.5)
        self.stop_churn()
        outage_thread.join(90)
        time.sleep(20)  # the receiver takes the backlog; the agent settles
        self.follow_awaiting(final=True)
        self.sample("end")
        try:
            self.received = self.prom.query("count(container_info)")
        except Exception as ex:  # noqa: BLE001
            log(f"query of the receiver: {ex}")

    def receiver_outages(self, plan):
        """Stops the remote-write receiver at each planned time for its length, then starts it again (a thread)."""
        for at, length in plan:
            if self.churn_stop.wait(max(0.0, at - (time.time() - self.t0))):
                return
            log(f"remote-write receiver away for {length:.0f} s")
            self.prom.stop()
            o = dict(at=time.time() - self.t0)
            self.churn_stop.wait(length)  # cut short at the end of the run
            try:
                self.prom.start()
            finally:
                o["length"] = time.time() - self.t0 - o["at"]
                self.outages.append(o)
            log("remote-write receiver back")

    def stop_churn(self):
        self.churn_stop.set()
        for t in self.churn:
            t.join(90)

    # ------------------------------------------------------------------------------------------ cleanup
    def cleanup(self):
        self.churn_stop.set()
        self.stop.set()
        for t in self.churn:
            t.join(60)
        if self.stopped or any(daemon_pid(k) is None for k in ("docker", "podman")):
            log("starting the engines again")
            try:
                self.engines_up()
            except Exception as ex:  # noqa: BLE001
                log(f"runtimes.sh up: {ex}")
        for kind, e in self.engines.items():
            try:
                log(f"removed {e.remove_prefix(self.prefix)} {kind} containers")
            except Exception as ex:  # noqa: BLE001
                log(f"cleanup {kind}: {ex}")
        if self.pods:
            try:
                self.cri_driver("unpods", str(len(self.pods)), f"{self.prefix}cri")
                log(f"removed {len(self.pods)} CRI pods")
            except Exception as ex:  # noqa: BLE001
                log(f"unpods: {ex}")
        if self.agent and self.agent.poll() is None:
            self.agent.terminate()
            try:
                self.agent.wait(20)
            except subprocess.TimeoutExpired:
                self.agent.kill()
        if self.prom:
            self.prom.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)
        for f in ("agent.pid", "prometheus.pid", "pods", "tmpdirs"):
            try:
                os.remove(f"{self.run_dir}/{f}")
            except OSError:
                pass


def main(argv):
    args = parse_args(argv)
    soak = Soak(args)

    def on_signal(signum, _frame):
        raise Interrupted(signal.Signals(signum).name)
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, on_signal)
    rc = 2
    try:
        soak.setup()
        soak.loop()
        rc = report.write(soak)
    except Interrupted as e:
        log(f"interrupted ({e}): cleaning up")
        rc = 130
    except Exception as e:  # noqa: BLE001
        log(f"error: {e}")
        rc = 2
    finally:
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(s, signal.SIG_IGN)
        if rc in (2, 130) and soak.samples:
            try:
                report.write(soak, partial=True)
            except Exception as e:  # noqa: BLE001
                log(f"partial report: {e}")
        soak.cleanup()
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
