//! The `alertmesh` executable: a thin wrapper around [`alertmesh::run`].

use std::process::ExitCode;

fn main() -> ExitCode {
    alertmesh::run(std::env::args_os().collect())
}
