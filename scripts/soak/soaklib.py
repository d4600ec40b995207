"""Helpers of the soak driver (scripts/soak/soak.py): processes, engines, the agent, Prometheus, scraping, SSE.

Standard library only. Only Unix sockets and 127.0.0.1 are ever contacted.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
from bench import UnixHTTPConnection, free_port, proc_cmdline as cmdline  # noqa: E402  (the benchmark's helpers)

RT_DIR = os.environ.get("PHOENIX_RUNTIME_DIR", "/tmp/phoenix-runtimes")
API = "/v1.41"
# Engine name -> (pid file name under RT_DIR, socket URI the agent is given)
DAEMONS = {"docker": "dockerd", "podman": "podman", "cri": "cri"}
SOCKETS = {"docker": f"{RT_DIR}/docker.sock", "podman": f"{RT_DIR}/podman.sock", "cri": f"{RT_DIR}/cri/containerd.sock"}


class Interrupted(Exception):
    pass


def log(msg):
    print(f"[soak {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def parse_duration(s):
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*", str(s))
    if not m:
        raise ValueError(f"not a duration: {s!r} (use e.g. 300s, 5m, 1h)")
    return float(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, None: 1}[m.group(2)]


def fmt_dur(sec):
    sec = int(round(sec))
    return f"{sec // 3600}h{sec % 3600 // 60:02d}m" if sec >= 3600 else f"{sec // 60}m{sec % 60:02d}s"


# ------------------------------------------------------------------------------------------------- /proc, jcmd

def proc_status(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def fd_count(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def heap_after_gc_mib(pid):
    """Full GC (jcmd GC.run), then the heap's used bytes from GC.heap_info (all generations, no metaspace)."""
    try:
        subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, timeout=60, check=True)
        out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    used = [int(m.group(1)) for line in out.splitlines() if "Metaspace" not in line and "class space" not in line
            for m in [re.search(r"total \d+K, used (\d+)K", line)] if m]
    return sum(used) / 1024.0 if used else None


def stop_pid(pid, limit=30):
    """SIGTERM, wait up to limit seconds, then SIGKILL. True if it is gone."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return True
    end = time.monotonic() + limit
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        if _zombie(pid):
            return True
        time.sleep(0.25)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    time.sleep(0.5)
    return True


def _zombie(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def daemon_pid(engine):
    """PID of our engine daemon from its pid file, only if its command line names RT_DIR (as runtimes.sh checks)."""
    try:
        pid = int(open(f"{RT_DIR}/{DAEMONS[engine]}.pid").read().strip())
    except (OSError, ValueError):
        return None
    return pid if f"{RT_DIR}/" in cmdline(pid) else None


# ------------------------------------------------------------------------------------------------- engines

def unix_get_json(path, url, timeout=10):
    c = UnixHTTPConnection(path, timeout)
    try:
        c.request("GET", url)
        r = c.getresponse()
        body = r.read()
        if r.status != 200:
            raise RuntimeError(f"GET {url} on {path}: {r.status}")
        return json.loads(body)
    finally:
        c.close()


class Engine:
    def __init__(self, kind):
        self.kind = kind
        self.sock = SOCKETS[kind]
        self.image = "busybox:local" if kind == "docker" else "localhost/busybox:latest"
        self.env = dict(os.environ)
        if kind == "podman":
            self.env["CONTAINERS_CONF"] = f"{RT_DIR}/containers.conf"

    def run(self, *args, timeout=60, check=True):
        cli = ["docker", "-H", f"unix://{self.sock}"] if self.kind == "docker" else ["podman", "--url", f"unix://{self.sock}"]
        r = subprocess.run([*cli, *args], env=self.env, capture_output=True, text=True, timeout=timeout,
                           stdin=subprocess.DEVNULL)
        if check and r.returncode != 0:
            raise RuntimeError(f"{self.kind} {' '.join(args[:2])}: {r.stderr.strip()[:200]}")
        return r.stdout.strip()

    def containers(self):
        """{id12: name} of every container the engine holds (any state), from its API."""
        return {c["Id"][:12]: (c.get("Names") or ["?"])[0].lstrip("/")
                for c in unix_get_json(self.sock, f"{API}/containers/json?all=true")}

    def remove_prefix(self, prefix):
        names = [n for n in self.run("ps", "-a", "--format", "{{.Names}}", check=False).split() if n.startswith(prefix)]
        for i in range(0, len(names), 50):
            self.run("rm", "-f", *(["-t", "0"] if self.kind == "podman" else []), *names[i:i + 50], timeout=300, check=False)
        return len(names)


def cri_containers():
    """{id12: name} of the CRI containerd's containers (not the pod sandboxes)."""
    out = subprocess.run(["ctr", "--address", SOCKETS["cri"], "-n", "k8s.io", "containers", "ls",
                          'labels."io.cri-containerd.kind"==container'], capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        raise RuntimeError(f"ctr containers ls: {out.stderr.strip()[:200]}")
    return {line.split()[0][:12]: line.split()[0][:12] for line in out.stdout.splitlines()[1:] if line.strip()}


# ------------------------------------------------------------------------------------------------- /metrics text

INFO_RE = re.compile(r'^container_info\{([^}]*)\}', re.M)
LABEL_RE = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')
PHX_RE = re.compile(r'^(phoenix_\w*(?:error|dropped|fail|overflow|pending|retried|sent)\w*)(\{[^}]*\})?\s+(\S+)', re.M)


def info_keys(text):
    """{(runtime, id12): name} from the container_info series."""
    keys = {}
    for m in INFO_RE.finditer(text):
        labels = dict(LABEL_RE.findall(m.group(1)))
        keys[(labels.get("runtime", "?"), labels.get("container_id", "?")[:12])] = labels.get("container_name", "?")
    return keys


def series_count(text):
    return sum(1 for line in text.splitlines() if line and not line.startswith("#"))


def gauge(text, name):
    """The value of an unlabelled series on a scraped page, or None."""
    m = re.search(rf"^{re.escape(name)} ([0-9.eE+-]+)$", text, re.M)
    return float(m.group(1)) if m else None


def phoenix_counters(text):
    """Error/dropped/failed/pending counters of the agent, summed per family (and per `kind`/`reason` label)."""
    out = {}
    for name, labels, value in PHX_RE.findall(text):
        if name.endswith("_created"):
            continue
        lab = dict(LABEL_RE.findall(labels or ""))
        key = name + (f"{{{'kind' if 'kind' in lab else 'reason'}={lab.get('kind') or lab.get('reason')}}}"
                      if ("kind" in lab or "reason" in lab) else "")
        try:
            out[key] = out.get(key, 0.0) + float(value)
        except ValueError:
            pass
    return out
