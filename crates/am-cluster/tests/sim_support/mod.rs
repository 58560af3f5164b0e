//! Shared set-up of the simulation tests (no upstream counterpart): a cluster of `n` simulated
//! nodes that joined through the first one and converged, and small address helpers.

// Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use am_cluster::sim::{SimConfig, Simulation};

/// How long the initial joins may take to converge.
pub const CONVERGE_LIMIT: Duration = Duration::from_secs(10);

/// A simulation with `config` and `n` nodes, each joined to the first, converged within
/// [`CONVERGE_LIMIT`] and then run for `settle` more (so that probe rounds reach their steady
/// state). Panics when the nodes do not converge.
pub fn converged_cluster(
    config: SimConfig,
    n: usize,
    settle: Duration,
) -> (Simulation, Vec<SocketAddr>) {
    let mut sim = Simulation::new(config);
    let addrs = sim.add_nodes(n);
    sim.join_to_first(&addrs);
    sim.converge_within(CONVERGE_LIMIT)
        .expect("cluster converges");
    sim.run_for(settle);
    (sim, addrs)
}

/// `addrs` without `x`, in order.
pub fn all_but(addrs: &[SocketAddr], x: SocketAddr) -> Vec<SocketAddr> {
    addrs.iter().copied().filter(|a| *a != x).collect()
}
