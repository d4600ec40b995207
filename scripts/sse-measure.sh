#!/usr/bin/env bash
# The live stream's cost on loopback, JSON against compact: N sleeping containers on the Docker of
# scripts/runtimes.sh, the packaged agent with the shipped JVM options on 127.0.0.1:$SSE_PORT, then C unfiltered
# clients for W seconds per format. Prints bytes per client per second and the agent's CPU (utime+stime from
# /proc) with no client, C JSON clients and C compact clients. Everything it creates is removed on exit.
# Usage: scripts/sse-measure.sh [N=100] [C=20] [W=60]   (needs target/quarkus-app: ./mvnw package -DskipTests)
set -euo pipefail
N=${1:-100}; C=${2:-20}; W=${3:-60}
PORT=${SSE_PORT:-19414}
SOCK=${PHOENIX_RUNTIME_DIR:-/tmp/phoenix-runtimes}/docker.sock
PREFIX=phx-ssem-$$
JAR=target/quarkus-app/quarkus-run.jar
HZ=$(getconf CLK_TCK)
[ -f "$JAR" ] || { echo "no $JAR: ./mvnw package -DskipTests first" >&2; exit 1; }

engine() { curl -s --max-time 60 --unix-socket "$SOCK" -X "$1" -H 'Content-Type: application/json' ${3:+-d "$3"} "http://d/v1.41$2"; }
AGENT=
cleanup() {
  [ -n "$AGENT" ] && kill "$AGENT" 2>/dev/null || true
  for id in $(engine GET "/containers/json?all=1&filters=%7B%22name%22%3A%5B%22$PREFIX%22%5D%7D" | grep -o '"Id":"[0-9a-f]*"' | cut -d'"' -f4); do
    engine DELETE "/containers/$id?force=true" >/dev/null
  done
}
trap cleanup EXIT

for i in $(seq 1 "$N"); do
  id=$(engine POST "/containers/create?name=$PREFIX-$i" '{"Image":"busybox:local","Cmd":["sleep","3600"],"HostConfig":{"NetworkMode":"none"}}' \
    | grep -o '"Id":"[0-9a-f]*"' | cut -d'"' -f4)
  engine POST "/containers/$id/start" >/dev/null
done

java @target/quarkus-app/jvm.options \
  -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$PORT" -Dmetrics.autodetect=false -Dmetrics.runtimes="unix://$SOCK" \
  -Dquarkus.log.level=WARN -jar "$JAR" >/tmp/sse-measure-agent.log 2>&1 &
AGENT=$!
until [ "$(curl -s "http://127.0.0.1:$PORT/api/containers" | grep -o "\"name\":\"$PREFIX-" | wc -l)" -ge "$N" ]; do sleep 2; done
sleep 30 # warm-up: every container sampled, the JIT past the start

cpu() { awk '{print $14 + $15}' "/proc/$AGENT/stat"; }
window() { # label, query ('' for no client)
  local before pids=() files=()
  before=$(cpu)
  if [ -n "$2" ]; then
    for k in $(seq 1 "$C"); do
      f=$(mktemp); files+=("$f")
      (curl -sN --max-time "$W" "http://127.0.0.1:$PORT/api/stream$2" | wc -c >"$f") & pids+=($!)
    done
  fi
  sleep "$W"
  [ ${#pids[@]} -eq 0 ] || wait "${pids[@]}" 2>/dev/null || true
  local total=0
  for f in "${files[@]}"; do total=$((total + $(cat "$f"))); rm -f "$f"; done
  local ticks=$(( $(cpu) - before ))
  awk -v l="$1" -v t="$ticks" -v hz="$HZ" -v w="$W" -v b="$total" -v c="$C" -v q="$2" 'BEGIN {
    printf "%-22s agent CPU %5.1f %% of a core", l, t / hz / w * 100
    if (q != "") printf ", %8.0f bytes/s per client", b / c / w
    printf "\n" }'
}
echo "N=$N containers, C=$C clients, W=$W s windows, agent pid $AGENT"
window "no client" ""
window "$C x format=json" "?format=json"
window "$C x format=compact" "?format=compact"
window "no client (again)" ""
