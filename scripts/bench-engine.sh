#!/usr/bin/env bash
# Engine benchmark (issue 4), Go Alertmanager 0.25 vs alertmesh, one after the other with the
# same configuration (group_by [alertname], group_wait 1h so nothing notifies, webhook to a dead
# local port). For each server `am-bench run` (crates/am-acceptance/src/bin/am-bench.rs)
# measures idle RSS, ingestion of N distinct alerts (POST /api/v2/alerts, batches of 100, C
# keep-alive connections), RSS per alert, full GET /api/v2/alerts and /api/v2/alerts/groups
# times, and POST latency while a full GET runs; `am-bench report` prints the table with the
# ratios against the targets (ingest >= 5x, memory/alert <= 1/8, GET >= 10x faster,
# idle RSS <= 1/3, POST p99 < 50 ms during GET).
#
# Usage: scripts/bench-engine.sh [--alerts 1000000] [--connections 4] [--only go|alertmesh]
#   ALERTMESH_BIN=path   use this alertmesh binary (default: cargo build --release -p alertmesh)
#   BENCH_PIN=0          do not pin (default on 2+ cores: server on CPU 0, generator on CPU 1)
#   BENCH_NICE=-10       run both under `nice -n -10` (needs root; for a busy shared machine)
#   BENCH_OUT=dir        keep go.json / alertmesh.json there (default: a temp dir)
# Everything listens on 127.0.0.1 only; ports are picked at random.
set -euo pipefail
cd "$(dirname "$0")/.."

alerts=1000000
connections=4
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --alerts) alerts=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

target=${CARGO_TARGET_DIR:-target}
echo "== building am-bench (release)" >&2
cargo build -q --release -p am-acceptance --bin am-bench
bench="$target/release/am-bench"
if [ -z "${ALERTMESH_BIN:-}" ] && [ "$only" != go ]; then
  echo "== building alertmesh (release)" >&2
  cargo build -q --release -p alertmesh --bin alertmesh
  export ALERTMESH_BIN="$target/release/alertmesh"
fi

out=${BENCH_OUT:-$(mktemp -d)}
mkdir -p "$out"
prefix=()
server_cpu=()
if [ "${BENCH_PIN:-1}" != 0 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  prefix=(taskset -c 1)
  server_cpu=(--server-cpu 0)
fi
if [ -n "${BENCH_NICE:-}" ]; then
  prefix=(nice -n "$BENCH_NICE" "${prefix[@]}")
fi

results=()
for flavor in go alertmesh; do
  if [ -n "$only" ] && [ "$only" != "$flavor" ]; then continue; fi
  echo "== $flavor: $alerts alerts, $connections connections" >&2
  if "${prefix[@]}" "$bench" run --flavor "$flavor" --alerts "$alerts" \
    --connections "$connections" "${server_cpu[@]}" --out "$out/$flavor.json"; then
    results+=("$out/$flavor.json")
  else
    echo "== $flavor: run failed (see above); its column stays n/a" >&2
  fi
done

if [ ! -f "$out/go.json" ]; then
  echo "no Go result; nothing to compare" >&2
  exit 1
fi
mesh=()
[ -f "$out/alertmesh.json" ] && mesh=("$out/alertmesh.json")
"$bench" report "$out/go.json" "${mesh[@]}"
echo "(raw results in $out)" >&2
