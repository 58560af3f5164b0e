#!/usr/bin/env bash
# Template rendering benchmark (issue 3), alertmesh vs Go Alertmanager: renders the default
# Slack and email templates for a 50-alert group and builds the template set from the default
# templates, in Rust (criterion, crates/am-template/benches/render.rs) and in Go (Debian's
# Alertmanager 0.25 `template` package, crates/am-template/benches/go/render/main.go, GOPATH
# mode), then prints a table of ns/op with the ratio Go / alertmesh (>1: alertmesh is faster).
#
# Usage: scripts/bench-templates.sh
#   CRITERION_ARGS="--warm-up-time 1 --measurement-time 3"   (default) criterion options
#   GO_DEFAULTS=/usr/share/prometheus/alertmanager           Go's default.tmpl/email.tmpl
# Needs: cargo, go (1.19+), Debian's golang-github-prometheus-alertmanager-dev and
# prometheus-alertmanager (for the default templates).
set -euo pipefail
cd "$(dirname "$0")/.."

criterion_args=${CRITERION_ARGS:---warm-up-time 1 --measurement-time 3}
go_defaults=${GO_DEFAULTS:-/usr/share/prometheus/alertmanager}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== Go (Alertmanager 0.25 template package)" >&2
(cd crates/am-template/benches/go/render &&
  GOPATH=/usr/share/gocode GO111MODULE=off go build -o "$tmp/render-go" .)
"$tmp/render-go" -defaults "$go_defaults" >"$tmp/go.txt"

echo "== Rust (criterion)" >&2
# shellcheck disable=SC2086 # criterion_args is a list of options
cargo bench -q -p am-template --bench render -- $criterion_args | tee "$tmp/rust.log" >&2

# criterion prints "templates/NAME" then "time: [low UNIT mid UNIT high UNIT]" (the name may
# share the line); keep the middle estimate in ns.
awk '
  /^templates\// { split($1, p, "/"); name = p[2] }
  /time:/ {
    sub(/.*\[/, ""); v = $3; u = $4
    f = (u == "ns") ? 1 : (u == "µs" || u == "us") ? 1e3 : (u == "ms") ? 1e6 : (u == "s") ? 1e9 : 0
    if (name != "" && f > 0) printf "%s %.0f\n", name, v * f
    name = ""
  }' "$tmp/rust.log" >"$tmp/rust.txt"

printf '\n| benchmark | alertmesh (ns/op) | Go 0.25 (ns/op) | Go / alertmesh |\n'
printf '|---|---:|---:|---:|\n'
while read -r name go_ns; do
  rust_ns=$(awk -v n="$name" '$1 == n { print $2 }' "$tmp/rust.txt")
  if [ -z "$rust_ns" ]; then
    printf '| %s | (missing) | %s | - |\n' "$name" "$go_ns"
  else
    awk -v n="$name" -v r="$rust_ns" -v g="$go_ns" \
      'BEGIN { printf "| %s | %d | %d | %.2fx |\n", n, r, g, g / r }'
  fi
done <"$tmp/go.txt"
