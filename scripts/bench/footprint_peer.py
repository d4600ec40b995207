"""The peer of the footprint run: netdata 1.37 from Debian, run as /work/shared/PEERS.md describes.

Only the cgroups plugin, at 1 s, in RAM, bound to 127.0.0.1, health/registry/ML/statsd off, DO_NOT_TRACK=1. Its
files (cache, lib, log) go to the run directory, not to /var. Standard library only.
"""

import os
import re
import shutil
import subprocess

CONF = """[global]
    memory mode = ram
    update every = 1
    run as user = root
    access log = none
    debug log = none
    error log = {dir}/log/error.log
[directories]
    cache = {dir}/cache
    lib = {dir}/lib
    log = {dir}/log
[web]
    bind to = 127.0.0.1:{port}
[health]
    enabled = no
[registry]
    enabled = no
[statsd]
    enabled = no
[ml]
    enabled = no
[cloud]
    enabled = no
[plugins]
    cgroups = yes
    proc = no
    diskspace = no
    tc = no
    idlejitter = no
    checks = no
    timex = no
    apps = no
    charts.d = no
    python.d = no
    go.d = no
    ebpf = no
    perf = no
    slabinfo = no
    nfacct = no
    enable running new plugins = no
[plugin:cgroups]
    update every = 1
    use unified cgroups = no
"""

PATH = "/api/v1/allmetrics?format=prometheus"
POLICY = "/usr/sbin/policy-rc.d"
# netdata-core alone has no cgroup-name.sh (it is in netdata-plugins-bash): without it every cgroup-name.sh popen fails
# and no container gets a chart, so both are installed.
PACKAGES = ["netdata-core", "netdata-plugins-bash"]
NAME_SCRIPT = "/usr/lib/netdata/plugins.d/cgroup-name.sh"


def netdata_binary():
    return shutil.which("netdata") or (os.path.exists("/usr/sbin/netdata") and "/usr/sbin/netdata") or None


def version(binary):
    try:
        r = subprocess.run([binary, "-v"], capture_output=True, text=True, timeout=20)
        return (r.stdout or r.stderr).strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "netdata (version unknown)"


def install(log):
    """apt-get install netdata-core and netdata-plugins-bash without starting the service (policy-rc.d answering 101).
    An existing policy-rc.d is kept: moved aside and put back as it was. Returns (binary or None, note)."""
    b = netdata_binary()
    if b and os.path.exists(NAME_SCRIPT):
        return b, None
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None, "netdata is not installed and cannot be (needs root and apt-get): the peer was skipped"
    log(f"installing {' '.join(PACKAGES)} (Debian) without starting the service")
    backup = None
    if os.path.lexists(POLICY):
        backup = POLICY + ".phx-footprint-backup"
        os.rename(POLICY, backup)
    try:
        with open(POLICY, "w") as f:
            f.write("#!/bin/sh\nexit 101\n")
        os.chmod(POLICY, 0o755)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        r = subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", *PACKAGES],
                           env=env, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.SubprocessError) as e:
        r = None
        err = str(e)
    finally:
        try:
            os.unlink(POLICY)
        except OSError:
            pass
        if backup:
            os.rename(backup, POLICY)
    if r is None or r.returncode != 0:
        err = err if r is None else r.stderr.strip()[-300:]
        if b:
            return b, f"netdata-plugins-bash could not be installed ({err}): netdata cannot name containers"
        return None, f"netdata could not be installed ({err}): the peer was skipped"
    b = netdata_binary()
    return b, None if b else "apt-get installed netdata-core but no netdata binary was found: the peer was skipped"


def start_args(binary, engine, run_dir, port):
    """(argv, env, conf path) for a foreground netdata watching one engine."""
    d = os.path.join(run_dir, "netdata")
    for sub in ("cache", "lib", "log"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    conf = os.path.join(d, "netdata.conf")
    with open(conf, "w") as f:
        f.write(CONF.format(dir=d, port=port))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCKER_", "PODMAN_", "NETDATA_"))}
    env["DO_NOT_TRACK"] = "1"
    # cgroup-name.sh names Docker containers with the docker CLI (DOCKER_HOST, URL form) and Podman's over its socket
    # (PODMAN_HOST, a path). netdata charts every cgroup of the host whatever engine is measured, and names them one
    # after the other: both are given when both sockets exist, so that the other engine's cgroups do not each cost a
    # failing CLI call (about 1 s) before the measured engine's turn comes.
    sock_dir = os.path.dirname(engine.sock)
    for kind, var, value in (("docker", "DOCKER_HOST", "unix://{}"), ("podman", "PODMAN_HOST", "{}")):
        sock = os.path.join(sock_dir, f"{kind}.sock")
        if kind == engine.kind or os.path.exists(sock):
            env[var] = value.format(sock)
    return [binary, "-D", "-c", conf], env, conf


def names_seen(text, prefix, ids):
    """Which bench containers netdata shows by name, and which only by (short) id. netdata turns some characters of
    a chart id into '_', so the name is matched with '-' or '_' in the prefix."""
    pat = re.compile(re.escape(prefix).replace("\\-", "[-_]") + r"([a-z0-9]+)")
    named = set(pat.findall(text))
    by_id = {cid[:12] for cid in ids if cid and cid[:12] in text}
    return named, by_id


def cgroup_count(text):
    """How many cgroups netdata charts: it watches every cgroup of the host (other engines', CRI pods, ...)."""
    return len(set(re.findall(r'chart="cgroup_([^".]+)\.cpu"', text)))


def has_memory(text):
    return re.search(r"^netdata_cgroup_mem(_usage)?\w*\{", text, re.M) is not None
