#!/usr/bin/env bash
# Benchmark harness (issue 5): the agent against `docker|podman stats --no-stream` and per-container
# `stats?stream=false` in parallel, on the real engines of scripts/runtimes.sh. Writes docs/benchmarks.md.
#
#   scripts/bench.sh                      full run: Docker and Podman, N = 10 50 100 (< 20 minutes)
#   scripts/bench.sh --max 200            ... and N = 200 where the machine has the memory
#   scripts/bench.sh --quick --engine docker     N = 3, one engine, short windows (< 3 minutes);
#                                         writes target/bench/benchmarks-quick.md unless --out says otherwise
#   scripts/bench.sh --source cgroup      measure the agent with METRICS_SOURCE=cgroup
#   scripts/bench.sh --help               every option (--n, --engine, --window, --trials, --out, --java-opts, --jfr...)
#
# Footprint mode (scripts/bench/footprint.py): the agent beside netdata 1.37 (the peer, /work/shared/PEERS.md; installed
# from Debian if missing, skipped with a note if it cannot be) in ONE run on one engine. N idle + 2 busy containers,
# netdata (cgroups plugin only, 1 s) and the agent (1 s, METRICS_SOURCE=cgroup, 127.0.0.1) started together and both
# scraped every 10 s; CPU (process + children, /proc), RSS and threads over 0-5 min and a steady window; 20 SSE
# clients in a window of their own; sequential keep-alive GETs of each; an idle-floor agent with no engine beside it.
# JVM options (both modes): target/quarkus-app/jvm.options if present, else bench.py's fallback; --java-opts overrides.
#   scripts/bench.sh --footprint                  N=100, steady 600-840 s, 500 GETs (about 20 min; on a quiet machine)
#   scripts/bench.sh --footprint --quick          N=3, steady 30-50 s, 50 GETs (about 2 min): smoke test
#   scripts/bench.sh --footprint --n 500 --engine podman --out docs/benchmarks-footprint.md
#   scripts/bench.sh --footprint --help           every option (--steady-after, --window, --idle-after, --gets,
#                                                 --clients, --sse-json, --source, --no-peer, --java-opts, --out)
# It writes target/bench/footprint.md unless --out says otherwise; netdata's files go to target/bench/<runid>/netdata.
#
# Extra options of this wrapper: --build (rebuild the agent even if target/quarkus-app exists).
# Containers are named phx-bench-<runid>-* and removed at the end whatever happens (also on Ctrl-C / TERM);
# only the engines' Unix sockets and 127.0.0.1 are used. Needs python3 (standard library only).
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=${PHOENIX_RUNTIME_DIR:-/tmp/phoenix-runtimes}
RUN_ID=${BENCH_RUN_ID:-$(date +%H%M%S)$(printf '%04x' $((RANDOM)))}
case "$RUN_ID" in *[!a-z0-9]*|'') echo "BENCH_RUN_ID must be lowercase letters and digits" >&2; exit 2 ;; esac
RUN_DIR=target/bench/$RUN_ID
PREFIX=phx-bench-$RUN_ID-
JAR=target/quarkus-app/quarkus-run.jar

build=0
mode=bench
help=0
args=()
for a in "$@"; do
  case "$a" in
    --build) build=1 ;;
    --footprint) mode=footprint ;;
    -h|--help) help=1 ;;
    *) args+=("$a") ;;
  esac
done
if [ "$help" = 1 ]; then
  if [ "$mode" = footprint ]; then
    exec python3 scripts/bench/footprint.py --run-id help --help
  fi
  python3 scripts/bench/bench.py --run-id help --help
  echo
  echo "scripts/bench.sh --footprint [--quick] [--n N] [--engine docker|podman] ...: the agent beside netdata in one run"
  echo "(CPU, RSS, threads, latency, SSE fan-out, idle floor); scripts/bench.sh --footprint --help for its options."
  exit 0
fi

log() { printf '[bench] %s\n' "$*" >&2; }

py_pid=
cleaned=0
cleanup() {
  [ "$cleaned" = 1 ] && return 0
  cleaned=1
  # The Python side cleans up by itself; this is the second line of defence, by name prefix and pid file.
  if [ -n "$py_pid" ] && kill -0 "$py_pid" 2>/dev/null; then
    kill -TERM "$py_pid" 2>/dev/null || true
    for _ in $(seq 1 240); do kill -0 "$py_pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$py_pid" 2>/dev/null && kill -KILL "$py_pid" 2>/dev/null || true
  fi
  # agent.pid (bench.py); agent.pid, agent-idle.pid, netdata.pid (footprint.py: each in a session of its own,
  # so its whole process group goes, netdata's plugins and spawn server with it).
  local pidfile pid
  for pidfile in "$RUN_DIR"/*.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    case "$pid" in ''|*[!0-9]*) rm -f "$pidfile"; continue ;; esac
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -Eq 'quarkus-run.jar|netdata'; then
      log "stopping $(basename "$pidfile" .pid) $pid"
      if [ "$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')" = "$pid" ]; then
        kill -TERM -- "-$pid" 2>/dev/null || true
        sleep 2
        kill -KILL -- "-$pid" 2>/dev/null || true
      else
        kill -TERM "$pid" 2>/dev/null || true
        sleep 2
        kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
    rm -f "$pidfile"
  done
  local names
  if [ -S "$DIR/docker.sock" ]; then
    names=$(timeout 60 docker -H "unix://$DIR/docker.sock" ps -a --format '{{.Names}}' 2>/dev/null | grep "^$PREFIX" || true)
    # shellcheck disable=SC2086
    [ -n "$names" ] && timeout 120 docker -H "unix://$DIR/docker.sock" rm -f $names >/dev/null 2>&1 || true
  fi
  if [ -S "$DIR/podman.sock" ]; then
    names=$(CONTAINERS_CONF=$DIR/containers.conf timeout 60 podman --url "unix://$DIR/podman.sock" ps -a --format '{{.Names}}' 2>/dev/null | grep "^$PREFIX" || true)
    # shellcheck disable=SC2086
    [ -n "$names" ] && CONTAINERS_CONF=$DIR/containers.conf timeout 120 podman --url "unix://$DIR/podman.sock" rm -f -t 0 $names >/dev/null 2>&1 || true
  fi
  return 0
}
on_signal() {
  log "interrupted: cleaning up"
  cleanup
  exit 130
}
trap cleanup EXIT
trap on_signal INT TERM HUP

command -v python3 >/dev/null || { log "python3 is required"; exit 1; }
if [ "$build" = 1 ] || [ ! -f "$JAR" ]; then
  log "building the agent"
  ./mvnw -B -q package -DskipTests
fi
bash scripts/runtimes.sh up

mkdir -p "$RUN_DIR"
log "run $RUN_ID: containers $PREFIX*, files in $RUN_DIR"
# In the background, so that this shell can take INT/TERM at once and pass them on; Python cleans up first.
script=scripts/bench/bench.py
cmdline="${args[*]:-}"
if [ "$mode" = footprint ]; then
  script=scripts/bench/footprint.py
  cmdline="--footprint $cmdline"
fi
BENCH_CMDLINE="$cmdline" python3 "$script" --run-id "$RUN_ID" \
  --commit "$(git rev-parse --short HEAD 2>/dev/null || echo '?')" --jar "$JAR" ${args[@]+"${args[@]}"} &
py_pid=$!
status=0
wait "$py_pid" || status=$?
py_pid=
exit "$status"
