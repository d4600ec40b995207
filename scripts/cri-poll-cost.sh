#!/usr/bin/env bash
# Cost of CRI discovery by list diff (containerd 1.6 has no event stream): CPU seconds of the agent and of the CRI
# containerd over a window, with N pods running, once with metrics.cri.poll-interval=1s and once with polling
# effectively off (1h); the difference is what polling costs. Reads utime+stime from /proc/<pid>/stat.
#   scripts/cri-poll-cost.sh [PODS=20] [SECONDS=60]   (needs scripts/runtimes.sh up and a packaged agent)
set -euo pipefail
cd "$(dirname "$0")/.."
PODS=${1:-20}
WINDOW=${2:-60}
DIR=${PHOENIX_RUNTIME_DIR:-/tmp/phoenix-runtimes}
SOCK=$DIR/cri/containerd.sock
JAR=${JAR:-target/quarkus-app/quarkus-run.jar}
[ -f "$JAR" ] || { echo "build first: ./mvnw -B package -DskipTests -Druntimes.skip=true" >&2; exit 1; }
TICKS=$(getconf CLK_TCK)
cpu() { awk -v t="$TICKS" '{printf "%.3f", ($14 + $15) / t}' "/proc/$1/stat"; }
CRI_PID=$(cat "$DIR/cri.pid")
bash scripts/runtimes.sh pod phx-cost-warmup >/dev/null && bash scripts/runtimes.sh unpod phx-cost-warmup
echo "starting $PODS pods" >&2
bash scripts/runtimes.sh pods "$PODS" phx-cost >/dev/null
trap 'bash scripts/runtimes.sh unpods "$PODS" phx-cost >/dev/null 2>&1 || true' EXIT
for interval in 1s 1h; do
  java -XX:+UseSerialGC -Xmx64m -Dquarkus.http.port=0 -Dmetrics.runtimes="unix://$SOCK" \
    -Dmetrics.cri.poll-interval=$interval -jar "$JAR" >/tmp/phx-cost-agent.log 2>&1 &
  AGENT=$!
  sleep 20 # start-up and first list out of the window
  a0=$(cpu $AGENT); c0=$(cpu "$CRI_PID")
  sleep "$WINDOW"
  a1=$(cpu $AGENT); c1=$(cpu "$CRI_PID")
  kill $AGENT; wait $AGENT 2>/dev/null || true
  awk -v i=$interval -v a="$(echo "$a1 - $a0" | bc)" -v c="$(echo "$c1 - $c0" | bc)" -v w="$WINDOW" -v n="$PODS" \
    'BEGIN {printf "poll-interval=%s pods=%d window=%ds: agent %.2f s CPU (%.2f%% of a core), containerd %.2f s CPU (%.2f%%)\n", i, n, w, a, 100*a/w, c, 100*c/w}'
done
