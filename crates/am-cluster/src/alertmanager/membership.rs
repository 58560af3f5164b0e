//! The narrow view of the running memberlist that the Alertmanager layer needs (join, reliable
//! send, member snapshot, leave). The driver's handle implements it; tests use fakes.

use std::net::SocketAddr;
use std::time::Duration;

use futures::future::BoxFuture;

use crate::memberlist::NodeInfo;

/// What the Alertmanager layer asks of the memberlist driver.
pub trait Membership: Send + Sync + 'static {
    /// Push/pull join with each address; the number of successes, an error if none succeeded.
    fn join(&self, addrs: Vec<SocketAddr>) -> BoxFuture<'_, Result<usize, String>>;
    /// A TCP user message to the named node.
    fn send_reliable(&self, node: String, msg: Vec<u8>) -> BoxFuture<'_, Result<(), String>>;
    /// Alive and suspect nodes, ourselves included.
    fn members(&self) -> Vec<NodeInfo>;
    /// Number of alive and suspect nodes.
    fn num_members(&self) -> usize;
    /// memberlist's awareness health score.
    fn health_score(&self) -> usize;
    /// Leaves the cluster, waiting at most `timeout` for the leave to spread.
    fn leave(&self, timeout: Duration) -> BoxFuture<'_, ()>;
    /// The bound address.
    fn bound_addr(&self) -> SocketAddr;
    /// The driver's counters (drops, malformed input); zero for fakes.
    fn stats(&self) -> crate::driver::DriverStats {
        crate::driver::DriverStats::default()
    }
}

/// An alive member at `addr` (protocol versions of memberlist 0.5), for fakes and tests.
#[cfg(test)]
pub(crate) fn alive_node(name: &str, addr: SocketAddr) -> NodeInfo {
    NodeInfo {
        name: name.into(),
        addr,
        meta: Vec::new(),
        state: crate::memberlist::NodeState::Alive,
        incarnation: 1,
        vsn: [1, 5, 2, 0, 0, 0],
    }
}

impl<D: crate::memberlist::Delegate> Membership for crate::driver::MemberlistHandle<D> {
    fn join(&self, addrs: Vec<SocketAddr>) -> BoxFuture<'_, Result<usize, String>> {
        Box::pin(crate::driver::MemberlistHandle::join(self, addrs))
    }
    fn send_reliable(&self, node: String, msg: Vec<u8>) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(crate::driver::MemberlistHandle::send_reliable(
            self, node, msg,
        ))
    }
    fn members(&self) -> Vec<NodeInfo> {
        crate::driver::MemberlistHandle::members(self)
            .as_ref()
            .clone()
    }
    fn num_members(&self) -> usize {
        crate::driver::MemberlistHandle::num_members(self)
    }
    fn health_score(&self) -> usize {
        crate::driver::MemberlistHandle::health_score(self)
    }
    fn leave(&self, timeout: Duration) -> BoxFuture<'_, ()> {
        Box::pin(crate::driver::MemberlistHandle::leave(self, timeout))
    }
    fn bound_addr(&self) -> SocketAddr {
        crate::driver::MemberlistHandle::bound_addr(self)
    }
    fn stats(&self) -> crate::driver::DriverStats {
        crate::driver::MemberlistHandle::stats(self)
    }
}
