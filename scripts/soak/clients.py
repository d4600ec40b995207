"""What talks to the agent and its receiver: the Prometheus receiver, the /metrics scraper, SSE clients."""

import http.client
import json
import subprocess
import threading
import time

from soaklib import free_port, info_keys, log


class Prometheus:
    """A real Prometheus with the remote-write receiver, on a free loopback port, storage in a temp dir."""

    def __init__(self, tmp):
        self.dir = tmp
        self.port = free_port()
        with open(f"{tmp}/prometheus.yml", "w") as f:
            f.write("global:\n  scrape_interval: 15s\nscrape_configs: []\n")
        self.cmd = ["prometheus", f"--config.file={tmp}/prometheus.yml", f"--storage.tsdb.path={tmp}/data",
                    "--storage.tsdb.retention.time=2h", f"--web.listen-address=127.0.0.1:{self.port}",
                    "--web.enable-remote-write-receiver"]
        self.proc = None

    @property
    def write_url(self):
        return f"http://127.0.0.1:{self.port}/api/v1/write"

    def start(self):
        self.proc = subprocess.Popen(self.cmd, stdout=open(f"{self.dir}/prometheus.log", "a"), stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        end = time.monotonic() + 60
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"prometheus exited; see {self.dir}/prometheus.log")
            try:
                if self.get("/-/ready", 2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("prometheus not ready within 60 s")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None

    def get(self, path, timeout=5):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request("GET", path)
            r = c.getresponse()
            return r.status, r.read()
        finally:
            c.close()

    def query(self, q):
        from urllib.parse import quote
        st, body = self.get("/api/v1/query?query=" + quote(q))
        res = json.loads(body).get("data", {}).get("result", []) if st == 200 else []
        return float(res[0]["value"][1]) if res else None


class Scraper(threading.Thread):
    """GET /metrics every second on a keep-alive connection; a failure = non-200, an error, or > 5 s."""

    def __init__(self, port, stop):
        super().__init__(daemon=True, name="scraper")
        self.port, self.stop = port, stop
        self.ok = self.failed = 0
        self.failures = []  # (time, reason)
        self.latest = (0.0, "")  # (wall time the scrape started, body)
        self.slowest = 0.0
        self.cond = threading.Condition()
        self.per_runtime = {}  # container_info series per runtime label, last scrape
        self.low = None  # while a dict: the lowest per_runtime values seen (set around an engine restart)

    def scrape_once(self, conn):
        t0 = time.time()
        conn.request("GET", "/metrics")
        r = conn.getresponse()
        body = r.read()
        took = time.time() - t0
        return t0, r.status, body, took

    def run(self):
        conn = None
        while not self.stop.is_set():
            start = time.monotonic()
            reused = conn is not None
            conn = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                try:
                    t0, status, body, took = self.scrape_once(conn)
                except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                    if not reused:
                        raise
                    conn.close()  # an idle keep-alive connection the server closed: one fresh try, as clients do
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                    t0, status, body, took = self.scrape_once(conn)
                self.slowest = max(self.slowest, took)
                if status != 200 or took > 5:
                    self._fail(t0, f"status {status}, {took:.2f} s")
                else:
                    self.ok += 1
                    counts = {}
                    for rt, _ in info_keys(body.decode(errors="replace")):
                        counts[rt] = counts.get(rt, 0) + 1
                    self.per_runtime = counts
                    if self.low is not None:
                        for rt in set(counts) | set(self.low):
                            self.low[rt] = min(self.low.get(rt, 1 << 30), counts.get(rt, 0))
                    with self.cond:
                        self.latest = (t0, body.decode(errors="replace"))
                        self.cond.notify_all()
            except (OSError, http.client.HTTPException) as e:
                self._fail(time.time(), f"{type(e).__name__}: {e}")
                conn.close()
                conn = None
            time.sleep(max(0.0, 1.0 - (time.monotonic() - start)))

    def _fail(self, t, reason):
        self.failed += 1
        self.failures.append((t, reason))
        log(f"scrape failed: {reason}")

    def wait_newer(self, t, timeout=30):
        """The body of the first successful scrape started at or after wall time t (None on timeout)."""
        end = time.monotonic() + timeout
        with self.cond:
            while self.latest[0] < t:
                left = end - time.monotonic()
                if left <= 0 or self.stop.is_set():
                    return None
                self.cond.wait(left)
            return self.latest[1]


class SseClient(threading.Thread):
    """One client of /api/stream, reconnecting when dropped; counts bytes, events, drops."""

    def __init__(self, port, path, stop):
        super().__init__(daemon=True, name=f"sse{path}")
        self.port, self.path, self.stop = port, path, stop
        self.bytes = self.events = self.connects = self.drops = 0
        self.last_drop = ""

    def run(self):
        while not self.stop.is_set():
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
            try:
                conn.request("GET", self.path, headers={"Accept": "text/event-stream"})
                r = conn.getresponse()
                if r.status != 200:
                    raise http.client.HTTPException(f"status {r.status}")
                self.connects += 1
                prev = b""
                while not self.stop.is_set():
                    chunk = r.read1(65536)
                    if not chunk:
                        raise http.client.HTTPException("stream ended")
                    self.bytes += len(chunk)
                    self.events += (prev + chunk).count(b"\n\n") - prev.count(b"\n\n")
                    prev = chunk[-1:]
            except (OSError, http.client.HTTPException, ValueError) as e:
                if not self.stop.is_set():
                    self.drops += 1
                    self.last_drop = f"{time.strftime('%H:%M:%S')} {type(e).__name__}: {e}"
                    time.sleep(1)
            finally:
                conn.close()
