#!/usr/bin/env bash
# The seed's demo: start two containers, let the agent collect, print their metrics in the seed's line format
# (name{labels} value timestamp_ms), clean up. Uses the engines of scripts/runtimes.sh (started if needed).
#   scripts/demo.sh [docker|podman]
set -euo pipefail
cd "$(dirname "$0")/.."

engine=${1:-docker}
dir=${PHOENIX_RUNTIME_DIR:-/tmp/phoenix-runtimes}
port=${DEMO_PORT:-9190}
run_id=phx-demo-$$
bash scripts/runtimes.sh up >/dev/null

case "$engine" in
  docker) cli=(docker -H "unix://$dir/docker.sock"); image=busybox:local ;;
  podman) cli=(env CONTAINERS_CONF="$dir/containers.conf" podman --runtime runc --cgroup-manager cgroupfs); image=localhost/busybox:latest ;;
  *) echo "usage: $0 [docker|podman]" >&2; exit 2 ;;
esac

[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests

agent=
cleanup() {
  "${cli[@]}" rm -f "$run_id-busy" "$run_id-idle" >/dev/null 2>&1 || true
  [ -n "$agent" ] && kill "$agent" 2>/dev/null || true
}
trap cleanup EXIT

PORT=$port METRICS_RUNTIMES="unix://$dir/$engine.sock" METRICS_AUTODETECT=false \
  java -jar target/quarkus-app/quarkus-run.jar >"$dir/demo-agent.log" 2>&1 &
agent=$!

"${cli[@]}" run -d --name "$run_id-busy" --network none "$image" sh -c 'yes > /dev/null' >/dev/null
"${cli[@]}" run -d --name "$run_id-idle" --network none "$image" sleep 300 >/dev/null

# Two stats samples are needed for a CPU percent; bounded wait.
for _ in $(seq 1 60); do
  if curl -sf "localhost:$port/api/containers/$run_id-busy/metrics?format=prometheus" | grep -q '^container_cpu_usage_percent'; then
    break
  fi
  sleep 0.5
done

for c in busy idle; do
  echo "# $run_id-$c ($engine)"
  curl -sf "localhost:$port/api/containers/$run_id-$c/metrics?format=prometheus"
  echo
done
