#!/usr/bin/env bash
# Cluster benchmark (issue 5), Go Alertmanager 0.25 vs alertmesh, one after the other: a 3-node
# cluster of each on 127.0.0.1 with upstream's default gossip timings. `am-bench-cluster`
# (crates/am-acceptance/src/bin/am-bench-cluster.rs) measures idle CPU of the three processes,
# the wall time and CPU to replicate N silences created on node 0 to every node, and RSS per
# node, and prints the table with alertmesh/Go ratios.
#
# Usage: scripts/bench-cluster.sh [--silences 2000] [--idle-secs 20] [--only go|alertmesh]
#   ALERTMESH_BIN=path   use this alertmesh binary (default: cargo build --release -p alertmesh)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${ALERTMESH_BIN:-}" ]; then
  cargo build --release -q -p alertmesh
  ALERTMESH_BIN="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/alertmesh"
fi
export ALERTMESH_BIN
cargo build --release -q -p am-acceptance --bin am-bench-cluster
target="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
"$target/release/am-bench-cluster" "$@"
