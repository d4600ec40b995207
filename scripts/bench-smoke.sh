#!/usr/bin/env bash
# CI smoke test of the benchmark harness (issue 5): `scripts/bench.sh --quick --engine docker` with N=3, then checks
# that the produced table has every column, filled, plus the machine and date lines, and that no bench container is
# left behind. Asserts no time: the numbers are whatever this machine gives.
#   scripts/bench-smoke.sh            (needs the packaged agent, or builds it; starts the engines if they are down)
#   scripts/bench-smoke.sh --footprint   the footprint mode instead: `scripts/bench.sh --footprint --quick` (about 2
#                                     minutes; installs netdata from Debian if missing), then checks its tables, that
#                                     no container, agent or netdata of the run is left, and no pid file
# Exit 0 when the harness works; the table is printed and kept in target/bench/smoke.md (footprint-smoke.md).
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=${PHOENIX_RUNTIME_DIR:-/tmp/phoenix-runtimes}
OUT=target/bench/smoke.md
mkdir -p target/bench

fail() { echo "[bench-smoke] FAILED: $*" >&2; exit 1; }

export BENCH_RUN_ID=smoke$(date +%H%M%S)
if [ "${1:-}" = --footprint ]; then
  OUT=target/bench/footprint-smoke.md
  rm -f "$OUT"
  timeout 420 bash scripts/bench.sh --footprint --quick --engine docker --out "$OUT" || fail "scripts/bench.sh --footprint exited with $?"
  [ -s "$OUT" ] || fail "$OUT was not written"
  python3 scripts/bench/footprint.py --run-id smoke --check "$OUT" || fail "the tables in $OUT are incomplete"
  left=$(docker -H "unix://$DIR/docker.sock" ps -a --format '{{.Names}}' | grep "^phx-bench-$BENCH_RUN_ID-" || true)
  [ -z "$left" ] || fail "bench containers left behind: $left"
  ! ls target/bench/"$BENCH_RUN_ID"/*.pid >/dev/null 2>&1 || fail "a process was not stopped (pid file left behind)"
  ! pgrep -f "target/bench/$BENCH_RUN_ID/" >/dev/null || fail "a process of the run is still there: $(pgrep -af "target/bench/$BENCH_RUN_ID/")"
  echo "[bench-smoke] OK (footprint)"
  exit 0
fi
rm -f "$OUT"
timeout 300 bash scripts/bench.sh --quick --engine docker --n 3 --out "$OUT" || fail "scripts/bench.sh exited with $?"
[ -s "$OUT" ] || fail "$OUT was not written"
python3 scripts/bench/bench.py --run-id smoke --check "$OUT" || fail "the table in $OUT is incomplete"

left=$(docker -H "unix://$DIR/docker.sock" ps -a --format '{{.Names}}' | grep "^phx-bench-$BENCH_RUN_ID-" || true)
[ -z "$left" ] || fail "bench containers left behind: $left"
[ ! -e "target/bench/$BENCH_RUN_ID/agent.pid" ] || fail "the agent was not stopped (pid file left behind)"

echo "[bench-smoke] OK"
