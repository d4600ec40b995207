#!/usr/bin/env bash
# Soak run: the packaged agent on Docker, Podman and the CRI containerd of scripts/runtimes.sh, with remote-write to a
# local Prometheus receiver, under a steady population, churn, engine restarts and receiver outages. Writes docs/soak.md
# (docs/soak.md explains the targets) and exits non-zero when a target is missed.
#
#   scripts/soak.sh                       1 hour, 100 steady containers, engines restarted every 5m, samples every 10m
#   scripts/soak.sh --duration 20m --steady 50
#   scripts/soak.sh --smoke               CI: 5m, 20 containers, restarts every 2m, samples every 1m -> target/soak/smoke.md
#   scripts/soak.sh --help                every option
#
# Containers and pods are named phx-soak-<runid>-* and removed at the end whatever happens (also on Ctrl-C / TERM);
# the agent and Prometheus are stopped, temp dirs removed, and an engine this run stopped is started again. Only the
# engines' Unix sockets and 127.0.0.1 are used. Needs python3 (standard library only). Logs: target/soak/<runid>/.
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=${PHOENIX_RUNTIME_DIR:-/tmp/phoenix-runtimes}
RUN_ID=${SOAK_RUN_ID:-$(date +%H%M%S)$(printf '%04x' $((RANDOM)))}
case "$RUN_ID" in *[!a-z0-9]*|'') echo "SOAK_RUN_ID must be lowercase letters and digits" >&2; exit 2 ;; esac
RUN_DIR=target/soak/$RUN_ID
PREFIX=phx-soak-$RUN_ID-
JAR=target/quarkus-app/quarkus-run.jar

for a in "$@"; do
  case "$a" in -h|--help) exec python3 scripts/soak/soak.py --run-id help --help ;; esac
done

log() { printf '[soak] %s\n' "$*" >&2; }

py_pid=
cleaned=0
# The Python side cleans up by itself; this is the second line of defence (pid files, name prefix, pod list, temp dirs).
cleanup() {
  [ "$cleaned" = 1 ] && return 0
  cleaned=1
  if [ -n "$py_pid" ] && kill -0 "$py_pid" 2>/dev/null; then
    kill -TERM "$py_pid" 2>/dev/null || true
    for _ in $(seq 1 480); do kill -0 "$py_pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$py_pid" 2>/dev/null && kill -KILL "$py_pid" 2>/dev/null || true
  fi
  local f pid what
  for f in agent:quarkus-run.jar prometheus:remote-write-receiver; do
    what=${f#*:}; f=$RUN_DIR/${f%%:*}.pid
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    if [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$what"; then
      log "stopping $what ($pid)"
      kill -TERM "$pid" 2>/dev/null || true
      sleep 2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
  done
  # Never leave an engine stopped: `up` is idempotent and starts only what does not answer.
  if bash scripts/runtimes.sh status 2>/dev/null | grep -q ' down'; then
    log "an engine is down: starting it again"
    bash scripts/runtimes.sh up >/dev/null || true
  fi
  local names
  if [ -S "$DIR/docker.sock" ]; then
    names=$(timeout 60 docker -H "unix://$DIR/docker.sock" ps -a --format '{{.Names}}' 2>/dev/null | grep "^$PREFIX" || true)
    # shellcheck disable=SC2086
    [ -n "$names" ] && timeout 300 docker -H "unix://$DIR/docker.sock" rm -f $names >/dev/null 2>&1 || true
  fi
  if [ -S "$DIR/podman.sock" ]; then
    names=$(CONTAINERS_CONF=$DIR/containers.conf timeout 60 podman --url "unix://$DIR/podman.sock" ps -a --format '{{.Names}}' 2>/dev/null | grep "^$PREFIX" || true)
    # shellcheck disable=SC2086
    [ -n "$names" ] && CONTAINERS_CONF=$DIR/containers.conf timeout 300 podman --url "unix://$DIR/podman.sock" rm -f -t 0 $names >/dev/null 2>&1 || true
  fi
  if [ -f "$RUN_DIR/pods" ]; then
    while read -r f; do [ -n "$f" ] && timeout 120 bash scripts/runtimes.sh unpod "$f" >/dev/null 2>&1 || true; done <"$RUN_DIR/pods"
    rm -f "$RUN_DIR/pods"
  fi
  if [ -f "$RUN_DIR/tmpdirs" ]; then
    while read -r f; do case "$f" in /tmp/phoenix-soak-*) rm -rf "$f" ;; esac; done <"$RUN_DIR/tmpdirs"
    rm -f "$RUN_DIR/tmpdirs"
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
if [ ! -f "$JAR" ]; then
  log "building the agent"
  ./mvnw -B -q package -DskipTests
fi
bash scripts/runtimes.sh up >/dev/null

mkdir -p "$RUN_DIR"
log "run $RUN_ID: containers $PREFIX*, files in $RUN_DIR"
# In the background, so that this shell can take INT/TERM at once and pass them on; Python cleans up first.
commit=$(git rev-parse --short HEAD 2>/dev/null || echo '?')
git diff --quiet HEAD -- src pom.xml 2>/dev/null || commit="$commit + uncommitted changes in src/ or pom.xml"
python3 scripts/soak/soak.py --run-id "$RUN_ID" --commit "$commit" \
  --jar "$JAR" --cmdline "bash scripts/soak.sh $*" "$@" &
py_pid=$!
status=0
wait "$py_pid" || status=$?
py_pid=
exit "$status"
