"""Processes of the footprint run (scripts/bench/footprint.py): JVM options, /proc readers for a process and its
children (CPU, RSS, threads, open-files limit), and a process started in a session of its own. Standard library only."""

import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench as B  # noqa: E402

HZ = B.CLK_TCK


class KeepAliveClient(B.AgentClient):
    """bench.py's keep-alive client, asking for keep-alive explicitly: netdata 1.37 closes the connection after each
    answer unless the request says `Connection: keep-alive` (the agent keeps it open either way)."""

    headers = {"Connection": "keep-alive"}


def java_opts(a):
    """(options, where they came from): --java-opts, else bench.py's default (target/quarkus-app/jvm.options, one
    option a line, '#' comment lines and blank lines ignored; without it, bench.py's fallback)."""
    if a.java_opts is not None:
        return a.java_opts.split(), "--java-opts"
    return B.default_java_opts()


def status(pid):
    """(VmRSS MiB, threads) of one process, or (None, None)."""
    rss = thr = None
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) / 1024
                elif line.startswith("Threads:"):
                    thr = int(line.split()[1])
    except OSError:
        pass
    return rss, thr


def tree_snapshot(root):
    """{pid: (starttime, ticks incl. reaped children, own ticks)} of root and its live descendants."""
    kids = {}
    for p in B.all_pids():
        kids.setdefault(B.proc_ppid(p), []).append(p)
    snap, todo = {}, [root]
    while todo:
        p = todo.pop()
        st = B.proc_stat(p)
        if st:
            snap[p] = st
        todo += kids.get(p, [])
    return snap


def tree_cpu(s0, s1, root):
    """CPU seconds between two snapshots: (whole tree, root's own threads). A process born in the window counts whole;
    one that ended in it counts in its parent's reaped-children ticks."""
    total = own = 0
    for p, (start, tot, o) in s1.items():
        if p in s0 and s0[p][0] != start:
            continue
        d0 = s0.get(p, (0, 0, 0))
        total += tot - d0[1]
        if p == root:
            own += o - d0[2]
    return total / HZ, own / HZ


def limits_nofile(pid):
    try:
        for line in open(f"/proc/{pid}/limits"):
            if line.startswith("Max open files"):
                return " / ".join(line.split()[3:5]) + " (soft / hard)"
    except OSError:
        pass
    return "?"


class Proc:
    """A process this run started, in a session of its own (its children end with it); a pid file per process lets
    scripts/bench.sh end it too if this Python is killed."""

    def __init__(self, tag, argv, env, run_dir, port):
        self.tag, self.argv, self.env, self.run_dir, self.port = tag, argv, env, run_dir, port
        self.p, self.samples = None, []   # samples: (seconds since the run's start, RSS MiB, threads)
        self.pidfile = os.path.join(run_dir, f"{tag}.pid")

    def start(self):
        self.logf = open(os.path.join(self.run_dir, f"{self.tag}.log"), "w")
        self.p = subprocess.Popen(self.argv, env=self.env, stdout=self.logf, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
        with open(self.pidfile, "w") as f:
            f.write(str(self.p.pid))
        self.client = KeepAliveClient(self.port)

    @property
    def pid(self):
        return self.p.pid

    def alive(self):
        return self.p is not None and self.p.poll() is None

    def sample(self, t):
        rss, thr = status(self.pid)
        if rss is not None:
            self.samples.append((t, rss, thr))

    def stop(self):
        if self.p is None:
            return
        for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
            try:
                os.killpg(self.p.pid, sig)   # the group this run created for it (netdata's plugins and spawn server)
            except ProcessLookupError:
                break
            try:
                self.p.wait(timeout=wait)
                if sig == signal.SIGTERM:
                    time.sleep(0.5)
            except subprocess.TimeoutExpired:
                pass
        self.client.close()
        self.logf.close()
        try:
            os.unlink(self.pidfile)
        except OSError:
            pass
        self.p = None


def latency(port, path, n):
    """n sequential GETs over one keep-alive connection after min(20, n) warm-up ones: p50/p99/max ms, body KiB, and
    how often the server closed the connection anyway."""
    c = KeepAliveClient(port)
    try:
        for _ in range(min(20, n)):
            c.get(path, timeout=10)
        lat, size, closed = [], 0, 0
        for _ in range(n):
            st, body, dt = c.get(path, timeout=10)
            if st != 200:
                raise RuntimeError(f"127.0.0.1:{port}{path} answered {st}")
            lat.append(dt * 1000)
            size = len(body)
            closed += c.conn is None or c.conn.sock is None   # the server closed: the next GET reconnects
    finally:
        c.close()
    return {"p50": B.med(lat), "p99": B.nearest_rank(lat, 0.99), "max": max(lat), "n": n, "kib": size / 1024,
            "closed": closed}


class SseClients:
    """Unfiltered /api/stream clients: curl processes (each in a session of its own) counting the bytes they get."""

    def __init__(self):
        self.procs = []

    def start(self, url, n, seconds):
        self.procs = [subprocess.Popen(["curl", "-sN", "-o", "/dev/null", "-w", "%{size_download}", "--max-time",
                                        str(int(seconds)), url], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                       start_new_session=True) for _ in range(n)]

    def stop(self):
        """Waits for the clients' --max-time; returns the bytes each got."""
        got = []
        for c in self.procs:
            try:
                out, _ = c.communicate(timeout=15)
                got.append(float(out.decode().strip() or 0))
            except (subprocess.TimeoutExpired, ValueError):
                c.kill()
                c.wait()
        self.procs = []
        return got

    def kill(self):
        for c in self.procs:
            try:
                os.killpg(c.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            c.wait()
        self.procs = []
