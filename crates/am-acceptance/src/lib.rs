//! Shared pieces of the acceptance tests and the engine benchmark (no upstream counterpart):
//! timeline scenarios run against Go Alertmanager or alertmesh ([`timeline`]) and the
//! benchmark's alert bodies and HTTP load generator ([`bench`]).
//!
//! Tests (`cargo test -p am-acceptance`): `tests/differential.rs` (timeline vs Go and vs
//! upstream semantics) and `tests/amtool.rs` (real amtool 0.25), each with one `#[test]` per
//! flavor. The alertmesh binary is `ALERTMESH_BIN` or built with `cargo build -p alertmesh` into
//! the test's target dir (once per test process, `ALERTMESH_BUILD_TIMEOUT_SECS`, default 600).
//! It counts as serving when `GET /api/v2/status` answers 200 within
//! `ALERTMESH_READY_TIMEOUT_MS` (5000); otherwise its tests are skipped with a message, unless
//! `ALERTMESH_REQUIRE_SERVER=1`. `ALERTMESH_SKIP=1` skips the alertmesh tests outright.

pub mod bench;
pub mod timeline;
