#!/usr/bin/env bash
# Runs every test of the workspace. On a fresh Debian machine it first installs what the tests
# need: Debian's Go Alertmanager 0.25 and amtool (the differential oracles), the Go toolchain and
# Debian's packaged Go sources of Alertmanager 0.25, prometheus/common and yaml.v2 (small Go
# oracle programs are built against them at test time), tzdata (time-interval tests), python3
# (a real SMTP peer for the email tests) and openssl (test certificates).
#
# Usage: scripts/test.sh            # lint + all tests
#        SKIP_LINT=1 scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v amtool >/dev/null 2>&1 || need+=(prometheus-alertmanager)
command -v prometheus-alertmanager >/dev/null 2>&1 || need+=(prometheus-alertmanager)
command -v go >/dev/null 2>&1 || need+=(golang-go)
[ -d /usr/share/gocode/src/github.com/prometheus/alertmanager ] || need+=(golang-github-prometheus-alertmanager-dev)
[ -d /usr/share/gocode/src/github.com/prometheus/common ] || need+=(golang-github-prometheus-common-dev)
[ -d /usr/share/gocode/src/gopkg.in/yaml.v2 ] || need+=(golang-gopkg-yaml.v2-dev)
[ -d /usr/share/zoneinfo/Europe ] || need+=(tzdata)
command -v python3 >/dev/null 2>&1 || need+=(python3)   # the SMTP sink of the email tests
command -v openssl >/dev/null 2>&1 || need+=(openssl)   # self-signed certificates for TLS tests
if ((${#need[@]})); then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing test dependencies: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    $(printf '%s\n' "${need[@]}" | sort -u) >/dev/null
fi

if [ "${SKIP_LINT:-0}" != 1 ]; then
  echo "== rustfmt"
  cargo fmt --all -- --check
  echo "== clippy"
  cargo clippy --workspace --all-targets --locked -- -D warnings
  echo "== fuzz targets build"
  cargo check --manifest-path fuzz/Cargo.toml --locked --quiet
fi

echo "== tests"
# The acceptance tests run the real server binary side by side with Go Alertmanager; build it
# once here and make a missing or non-serving binary a failure rather than a skip.
cargo build -p alertmesh --locked --quiet
export ALERTMESH_BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/alertmesh"
export ALERTMESH_REQUIRE_SERVER=1
cargo test --workspace --locked --no-fail-fast
