//! Shared pieces of the acceptance tests and the engine benchmark (no upstream counterpart):
//! timeline scenarios run against Go Alertmanager or alertmesh ([`timeline`]) and the
//! benchmark's alert bodies and HTTP load generator ([`bench`]).

pub mod bench;
pub mod timeline;
