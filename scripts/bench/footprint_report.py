"""Markdown of the footprint run (scripts/bench/footprint.py): machine, the CPU/RSS/threads table, latency side by
side, SSE fan-out, ratios agent/netdata and the issue's targets with met/missed. Standard library only."""

import os
import platform
import statistics
import subprocess
import time

TABLE_HEADER = "| process | window | CPU % of one core | RSS MiB | threads |"
LATENCY_HEADER = "| | agent `/metrics` | netdata `allmetrics?format=prometheus` |"
SECTIONS = ["## Machine", "## CPU, memory, threads", "## Latency", "## SSE fan-out", "## Agent / netdata",
            "## Targets"]


def f(v, d=2):
    return "n/a" if v is None else f"{v:.{d}f}"


def row(res, proc, window):
    return next((r for r in res["windows"] if r["proc"] == proc and r["window"] == window), None)


def verdict(what, v, lim, unit):
    if v is None:
        return f"- {what}: not measured"
    if v <= lim:
        return f"- {what}: met ({v:.2f} {unit})"
    return f"- {what}: **missed** ({v:.2f} {unit}, {v / lim:.1f}× the target)"


def machine(fp):
    cpu = mem = "?"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal:"):
            mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
    cg = "v2 (unified)" if os.path.exists("/sys/fs/cgroup/cgroup.controllers") else "v1 (or hybrid)"
    a, res = fp.a, fp.res
    return [
        f"- cores: {os.cpu_count()} ({cpu}); memory {mem}",
        f"- kernel: {platform.release()}, cgroup {cg}",
        f"- load average at the start: {' '.join(fp.load_start)}; at the end: {' '.join(open('/proc/loadavg').read().split()[:3])}",
        f"- engine: {res.get('engine', a.engine)}; {a.n} idle (`sleep`) + {a.busy} busy (`yes > /dev/null`, --cpus 0.1) containers",
        f"- agent: `{a.jar}` at commit {a.commit}, {java[0] if java else 'java ?'}, metrics source `{a.source}`, "
        f"interval 1 s, 127.0.0.1 only",
        f"- JVM options ({fp.opts_from}): `{' '.join(fp.opts) or '(none)'}`",
        f"- peer: {res.get('peer_version', 'none')}" + (
            ", cgroups plugin only at 1 s (`use unified cgroups = no`), memory mode ram, 127.0.0.1, DO_NOT_TRACK=1 "
            "(/work/shared/PEERS.md); DOCKER_HOST and PODMAN_HOST both set where both sockets exist, for its "
            "cgroup-name.sh" if "peer_version" in res else ""),
        f"- open files: this run's soft limit {res.get('nofile_harness', '?')}; the agent's Max open files "
        f"{res.get('agent_nofile', '?')}, {res.get('agent_fds', '?')} descriptors open at the end of the steady window",
    ]


def document(fp, elapsed):
    a, res = fp.a, fp.res
    notes = list(fp.notes)
    lines = ["# Footprint: the agent beside netdata", "",
             "Produced by `scripts/bench.sh --footprint`; one run, one engine, the same containers and wall time for "
             "both. Compare rows of one run, not runs of different machines.", "",
             f"- date: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}",
             f"- command: `scripts/bench.sh {os.environ.get('BENCH_CMDLINE', '').strip()}` "
             f"({'quick' if a.quick else 'full'} mode, run id `{a.run_id}`, {elapsed:.0f} s)",
             f"- windows (s after the agent's start): start-up 0–{min(300.0, a.steady_after):.0f}, idle floor "
             f"{a.idle_after:.0f}–{a.idle_after + a.window:.0f}, steady {a.steady_after:.0f}–{a.steady_after + a.window:.0f}, "
             f"then {a.clients} SSE clients in a window of {a.window:.0f} s of their own; both scraped every 10 s "
             f"throughout; then {a.gets} sequential GETs of each", "",
             "## Machine", "", *machine(fp), "",
             "## CPU, memory, threads", "", TABLE_HEADER, "|---|---|---|---|---|"]
    for r in res["windows"]:
        lines.append(f"| {r['proc']} | {r['window']} ({r['from']:.0f}–{r['to']:.0f} s) | {f(r['cpu'])} | "
                     f"{f(r['rss'], 1)} | {r['threads'] if r['threads'] is not None else 'n/a'} |")
    lines += ["", "CPU: utime+stime of the process and its children (live ones and reaped ones) from /proc over the "
              "window, % of one core. RSS: the largest VmRSS of the main process sampled every second in the window. "
              "Threads: the largest count seen. The idle-floor agent is a separate JVM with no engine at all "
              "(METRICS_RUNTIMES at a socket that does not exist, autodetect off), never scraped, running in the same "
              "wall time as the main run.", ""]
    for r in res["windows"]:
        if r["proc"] == "netdata" and r["window"] == "steady":
            notes.append(f"netdata at steady state: {r['nproc']} process(es) in its tree; its own threads "
                         f"{r['own_cpu']:.2f} % of a core, children (live + reaped) {r['cpu'] - r['own_cpu']:.2f} %")
    lat = res["latency"]
    sc = res["scrapes"]
    lines += ["## Latency", "", f"{a.gets} sequential GETs of each over one keep-alive connection from 127.0.0.1 "
              "(20 warm-up GETs first, `Connection: keep-alive` sent: netdata 1.37 closes after every answer otherwise), after the "
              "SSE window; nearest-rank percentiles. The 10-s scrapes use one such connection each.", "",
              LATENCY_HEADER, "|---|---|---|"]

    def both(fn):
        return " | ".join(fn(k) for k in ("agent", "netdata"))

    for label, key, d in (("p50 ms", "p50", 2), ("p99 ms", "p99", 2), ("max ms", "max", 2), ("body KiB", "kib", 1)):
        lines.append(f"| {label} | " + both(lambda k: f(lat.get(k, {}).get(key), d)) + " |")
    lines.append("| server closed the keep-alive connection (GETs of the run) | " + both(
        lambda k: str(lat[k]["closed"]) if k in lat else "n/a") + " |")
    lines.append("| 10-s scrapes during the run: ok / failed (+ before it answered), median ms | " + both(
        lambda k: f"{sc[k]['ok']} / {sc[k]['failed']} (+{sc[k]['not_up']}), "
                  f"{f(statistics.median(sc[k]['ms']) if sc[k]['ms'] else None)}" if k in sc else "n/a") + " |")
    lines.append("| containers (agent) / cgroups (netdata) it watched at the last scrape | " + both(
        lambda k: str(sc[k].get("watched", "n/a")) if k in sc else "n/a") + " |")
    n_all = a.n + a.busy
    lines.append(f"| bench containers shown by name (of {n_all}); all shown after | " + both(
        lambda k: f"{sc[k].get('seen', 0)}" + (f" (+{sc[k]['by_id']} by id only)" if sc[k].get("by_id") else "")
        + (f"; {sc[k]['all_at']:.0f} s" if sc[k].get("all_at") is not None else "; never")
        if k in sc else "n/a") + " |")
    fl = lat.get("agent floor")
    if fl:
        lines += ["", f"The same {fl['n']} GETs of the agent's `/q/health/live` right after (a few bytes, nothing rendered): "
                  f"p50 {f(fl['p50'])}, p99 {f(fl['p99'])}, max {f(fl['max'])} ms. That much of the `/metrics` tail is the "
                  "machine's and the HTTP stack's, not the page's."]
    checks = res.get("engine_checks")
    if checks and checks[1]:
        notes.append(f"{a.engine} did not answer /_ping at {checks[1]} of the {checks[0]} 10-s checks (restarted or "
                     "stalled by someone else?): the figures are disturbed")
    if sc.get("agent", {}).get("runtime_up") is False:
        notes.append("the agent reported its engine down (phoenix_runtime_up 0) at the last 10-s scrape")
    nds = sc.get("netdata")
    if nds and (nds["all_at"] is None or nds["all_at"] > a.steady_after):
        notes.append("netdata had not named every bench container " + ("by the end of the run" if nds["all_at"] is None
                     else f"before the steady window ({nds['all_at']:.0f} s)") + ": its figures include naming work "
                     "(cgroup-name.sh and a docker CLI call per new cgroup, in child processes)")
    if nds and nds.get("watched"):
        notes.append("netdata charts the cgroups of the whole host that pass its filters (other engines' containers "
                     f"and CRI pods too; {nds['watched']} at the last scrape), the agent the containers of its engine "
                     f"({sc.get('agent', {}).get('watched', '?')} at the last scrape)")
    if "netdata" in sc and not sc["netdata"].get("memory"):
        notes.append("netdata's export had no cgroup memory series: check `use unified cgroups = no` on this layout")
    steady = row(res, "agent", "steady")
    lines += ["", "## SSE fan-out", "", "| clients | format | agent CPU % with | without (steady window) | added % of a core "
              "| bytes/s per client |", "|---|---|---|---|---|---|"]
    added = None
    for s in res["sse"]:
        w = row(res, "agent", f"steady + {a.clients} SSE {s['fmt']}")
        add = w["cpu"] - steady["cpu"] if w and steady else None
        if s["fmt"] == "compact":
            added = add
        lines.append(f"| {s['clients']} | {s['fmt']} | {f(w and w['cpu'])} | {f(steady and steady['cpu'])} | {f(add)} | "
                     f"{s['bps']:.0f} |")
    nd = row(res, "netdata", "steady")
    cpu_ratio = steady["cpu"] / nd["cpu"] if steady and nd and nd["cpu"] > 0 else None
    rss_ratio = steady["rss"] / nd["rss"] if steady and nd and nd["rss"] else None
    lines += ["", "## Agent / netdata", "", "At steady state, same run:", "",
              f"- CPU: {f(cpu_ratio)}× ({f(steady and steady['cpu'])} % vs {f(nd and nd['cpu'])} % of a core)",
              f"- RSS: {f(rss_ratio)}× ({f(steady and steady['rss'], 1)} MiB vs {f(nd and nd['rss'], 1)} MiB)"]
    if nd and nd["own_cpu"] > 0 and nd["cpu"] - nd["own_cpu"] > 0.05:
        lines.append(f"- CPU against netdata's own threads only (without its children, which name new cgroups, so "
                     f"grow with container churn on the host): {steady['cpu'] / nd['own_cpu']:.2f}× "
                     f"({nd['own_cpu']:.2f} %)")
    lines.append("")
    idle = row(res, "idle agent", "idle floor (no engine)")
    rss_all = max((s[1] for s in fp.procs["agent"].samples), default=None) if hasattr(fp, "procs") else None
    al = lat.get("agent", {})
    big = a.n > 100
    lines += ["## Targets", "", "N=" + str(a.n) + ("" if a.n in (100, 500) else " (the latency targets are set for N=100 "
                                                     "and N=500)") + ("; quick mode: windows too short for real figures"
                                                                      if a.quick else ""), "",
              verdict("agent CPU ≤ half of netdata's at steady state (ratio ≤ 0.5)", cpu_ratio, 0.5, "×"),
              verdict("idle floor ≤ 0.15 % of a core", idle and idle["cpu"], 0.15, "%"),
              verdict("agent RSS ≤ 100 MiB (largest sample of the whole run)", rss_all, 100, "MiB"),
              verdict(f"/metrics p99 ≤ {5 if big else 2} ms (N={a.n})", al.get("p99"), 5 if big else 2, "ms")]
    if not big:
        lines.append(verdict("/metrics max ≤ 10 ms", al.get("max"), 10, "ms"))
    lines += [verdict(f"{a.clients} SSE clients add ≤ 3 % of a core", added, 3, "%"), ""]
    if res.get("idle_runtimes"):
        notes.append(f"the idle-floor agent's /api/runtimes at the end of its window: `{res['idle_runtimes'][:200]}`")
    if notes:
        lines += ["## Notes from this run", "", *[f"- {n}" for n in notes], ""]
    return "\n".join(lines)


def check(path):
    text = open(path).read()
    problems = [f"missing '{s}'" for s in SECTIONS + [TABLE_HEADER, LATENCY_HEADER, "- cores:", "- kernel:"] if s not in text]
    lines = text.splitlines()
    if TABLE_HEADER in lines:
        procs = set()
        for ln in lines[lines.index(TABLE_HEADER) + 2:]:
            if not ln.startswith("|"):
                break
            procs.add(ln.split("|")[1].strip())
        for want in ("agent", "idle agent"):
            if want not in procs:
                problems.append(f"no '{want}' row in the CPU table")
    if "run failed" in text:
        problems.append("the run failed (see its notes)")
    return problems
