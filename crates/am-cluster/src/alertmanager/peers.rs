//! Peer bookkeeping and peer resolution (`cluster/cluster.go` `peers`, `failedPeers`,
//! `setInitialFailed`, `peerJoin`/`peerLeave`/`peerUpdate`, `removeFailedPeers`, `resolvePeers`,
//! `removeMyAddr`); docs/PROTOCOL.md §3.5. The bookkeeping is sans-IO: every decision takes `now`.
//! The periodic reconnect/refresh tasks that act on it live in `peer.rs`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;

use super::addr::{join_host_port, parse_ip, split_host_port};

/// Go's `PeerStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerStatus {
    /// Never seen.
    None,
    /// Joined.
    Alive,
    /// Left or failed; a reconnect candidate.
    Failed,
}

/// One known peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerRecord {
    /// Node name ("" for the initial failed entries made from `--cluster.peer`).
    pub name: String,
    /// `ip:port` (Go's `Node.Address()`).
    pub address: String,
    /// Status.
    pub status: PeerStatus,
    /// When it left (failed peers only).
    pub leave_time: Option<Instant>,
}

/// The peers map (keyed by address) and the failed list.
#[derive(Debug, Default)]
pub struct PeerBook {
    peers: HashMap<String, PeerRecord>,
    failed: Vec<PeerRecord>,
}

impl PeerBook {
    /// An empty book.
    pub fn new() -> PeerBook {
        PeerBook::default()
    }

    /// `setInitialFailed`: every resolved peer that is an IP literal with a valid port and is
    /// not `my_addr` starts as failed, so that reconnect tries it until it joins.
    pub fn set_initial_failed(&mut self, resolved: &[String], my_addr: &str, now: Instant) {
        for peer in resolved {
            if peer == my_addr {
                continue;
            }
            let Ok((host, port)) = split_host_port(peer) else {
                continue;
            };
            let Some(ip) = parse_ip(&host) else {
                continue;
            };
            let Ok(port) = port.parse::<u16>() else {
                continue;
            };
            let rec = PeerRecord {
                name: String::new(),
                address: join_host_port(&ip.to_string(), &port.to_string()),
                status: PeerStatus::Failed,
                leave_time: Some(now),
            };
            self.failed.push(rec.clone());
            self.peers.insert(peer.clone(), rec);
        }
    }

    /// `peerJoin`: marks alive; returns true when it was failed (then it leaves the failed list).
    pub fn on_join(&mut self, name: &str, address: &str) -> bool {
        let old = self.peers.get(address).map(|p| p.status);
        self.peers.insert(
            address.to_string(),
            PeerRecord {
                name: name.to_string(),
                address: address.to_string(),
                status: PeerStatus::Alive,
                leave_time: None,
            },
        );
        if old == Some(PeerStatus::Failed) {
            self.failed.retain(|p| p.address != address);
            return true;
        }
        false
    }

    /// `peerLeave`: marks failed at `now` and appends to the failed list; false (nothing done)
    /// for an unknown address.
    pub fn on_leave(&mut self, name: &str, address: &str, now: Instant) -> bool {
        let Some(rec) = self.peers.get_mut(address) else {
            return false;
        };
        rec.status = PeerStatus::Failed;
        rec.leave_time = Some(now);
        rec.name = name.to_string();
        self.failed.push(rec.clone());
        true
    }

    /// `peerUpdate`: false for an unknown address.
    pub fn on_update(&mut self, name: &str, address: &str) -> bool {
        match self.peers.get_mut(address) {
            Some(rec) => {
                rec.name = name.to_string();
                true
            }
            None => false,
        }
    }

    /// `removeFailedPeers`: drops failed peers whose `leave_time + timeout` is not after `now`,
    /// from the list and (unlike Go, which deletes by name) from the map by address. Returns
    /// the removed records.
    pub fn remove_failed(&mut self, timeout: Duration, now: Instant) -> Vec<PeerRecord> {
        let (keep, gone): (Vec<_>, Vec<_>) = std::mem::take(&mut self.failed)
            .into_iter()
            .partition(|p| p.leave_time.is_some_and(|t| t + timeout > now));
        self.failed = keep;
        for p in &gone {
            if self
                .peers
                .get(&p.address)
                .is_some_and(|r| r.status == PeerStatus::Failed)
            {
                self.peers.remove(&p.address);
            }
        }
        gone
    }

    /// Addresses to reconnect to, in failure order (duplicates kept, as Go's list).
    pub fn failed_addresses(&self) -> Vec<String> {
        self.failed.iter().map(|p| p.address.clone()).collect()
    }

    /// Length of the failed list (`alertmanager_cluster_failed_peers`).
    pub fn failed_len(&self) -> usize {
        self.failed.len()
    }

    /// The record for an address.
    pub fn get(&self, address: &str) -> Option<&PeerRecord> {
        self.peers.get(address)
    }

    /// Number of addresses in the map.
    pub fn len(&self) -> usize {
        self.peers.len()
    }

    /// True when the map is empty.
    pub fn is_empty(&self) -> bool {
        self.peers.is_empty()
    }
}

/// Name resolution used by [`resolve_peers`] (Go's `net.Resolver.LookupIPAddr`).
pub trait Resolver: Send + Sync + 'static {
    /// The IPs of `host` (an IP literal resolves to itself).
    fn lookup_ip<'a>(&'a self, host: &'a str) -> BoxFuture<'a, Result<Vec<IpAddr>, String>>;
}

/// The system resolver (`getaddrinfo` via tokio).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemResolver;

impl Resolver for SystemResolver {
    fn lookup_ip<'a>(&'a self, host: &'a str) -> BoxFuture<'a, Result<Vec<IpAddr>, String>> {
        Box::pin(async move {
            if let Some(ip) = parse_ip(host) {
                return Ok(vec![ip]);
            }
            if host.is_empty() {
                return Err("lookup : no such host".to_string());
            }
            let addrs = tokio::net::lookup_host((host, 0))
                .await
                .map_err(|e| format!("lookup {host}: {e}"))?;
            let mut ips: Vec<IpAddr> = Vec::new();
            for a in addrs {
                let ip = a.ip().to_canonical();
                if !ips.contains(&ip) {
                    ips.push(ip);
                }
            }
            Ok(ips)
        })
    }
}

/// How often an empty lookup is retried.
pub const RESOLVE_RETRY_INTERVAL: Duration = Duration::from_secs(2);

/// `resolvePeers`: each `host:port` becomes one `ip:port` per looked-up IP. A lookup error keeps
/// the literal `host:port`; an empty answer is retried every 2s (our own `my_address` removed)
/// until it yields addresses, or, without `wait_if_empty`, until it is empty only because of
/// our own address. A lookup error during the retries ends them with that error.
pub async fn resolve_peers(
    peers: &[String],
    my_address: &str,
    res: &dyn Resolver,
    wait_if_empty: bool,
) -> Result<Vec<String>, String> {
    let mut resolved = Vec::new();
    for peer in peers {
        let (host, port) =
            split_host_port(peer).map_err(|e| format!("split host/port for peer {peer}: {e}"))?;
        let mut ips = match res.lookup_ip(&host).await {
            Ok(ips) => ips,
            Err(_) => {
                // Assume a direct address.
                resolved.push(peer.clone());
                continue;
            }
        };
        if ips.is_empty() {
            loop {
                match res.lookup_ip(&host).await {
                    Err(e) => return Err(format!("IP Addr lookup for peer {peer}: {e}")),
                    Ok(found) => {
                        ips = found
                            .into_iter()
                            .filter(|ip| join_host_port(&ip.to_string(), &port) != my_address)
                            .collect();
                        if !ips.is_empty() || !wait_if_empty {
                            break;
                        }
                    }
                }
                tracing::debug!(peer = %peer, "empty IPAddr result. Retrying");
                tokio::time::sleep(RESOLVE_RETRY_INTERVAL).await;
            }
        }
        for ip in ips {
            resolved.push(join_host_port(&ip.to_string(), &port));
        }
    }
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use parking_lot::Mutex;
    use std::collections::VecDeque;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn initial_failed_takes_ip_literals_except_self() {
        let now = Instant::now();
        let mut b = PeerBook::new();
        b.set_initial_failed(
            &s(&[
                "10.0.0.1:9094",
                "10.0.0.2:9094",
                "am.example:9094",
                "10.0.0.3:notaport",
                "[::1]:9094",
            ]),
            "10.0.0.2:9094",
            now,
        );
        assert_eq!(b.failed_addresses(), s(&["10.0.0.1:9094", "[::1]:9094"]));
        assert_eq!(b.get("10.0.0.1:9094").unwrap().status, PeerStatus::Failed);
        assert!(b.get("10.0.0.2:9094").is_none());
        assert_eq!(b.failed_len(), 2);
    }

    #[test]
    fn join_leave_rejoin() {
        let t0 = Instant::now();
        let mut b = PeerBook::new();
        b.set_initial_failed(&s(&["10.0.0.1:9094"]), "", t0);
        // Joining a failed peer takes it off the failed list.
        assert!(b.on_join("A", "10.0.0.1:9094"));
        assert_eq!(b.failed_len(), 0);
        assert_eq!(b.get("10.0.0.1:9094").unwrap().status, PeerStatus::Alive);
        // A fresh join is not a rejoin.
        assert!(!b.on_join("B", "10.0.0.2:9094"));
        // Leave of an unknown address is ignored.
        assert!(!b.on_leave("X", "10.9.9.9:1", t0));
        assert!(!b.on_update("X", "10.9.9.9:1"));
        assert!(b.on_update("B", "10.0.0.2:9094"));
        let t1 = t0 + Duration::from_secs(5);
        assert!(b.on_leave("B", "10.0.0.2:9094", t1));
        let rec = b.get("10.0.0.2:9094").unwrap();
        assert_eq!(rec.status, PeerStatus::Failed);
        assert_eq!(rec.leave_time, Some(t1));
        assert_eq!(b.failed_addresses(), s(&["10.0.0.2:9094"]));
        // A restarted node (new name, same address) rejoins.
        assert!(b.on_join("B2", "10.0.0.2:9094"));
        assert_eq!(b.failed_len(), 0);
        assert_eq!(b.get("10.0.0.2:9094").unwrap().name, "B2");
    }

    #[test]
    fn remove_failed_after_timeout() {
        let t0 = Instant::now();
        let timeout = Duration::from_secs(6 * 3600);
        let mut b = PeerBook::new();
        b.on_join("A", "10.0.0.1:1");
        b.on_join("B", "10.0.0.2:1");
        b.on_leave("A", "10.0.0.1:1", t0);
        b.on_leave("B", "10.0.0.2:1", t0 + Duration::from_secs(60));
        assert!(
            b.remove_failed(timeout, t0 + timeout - Duration::from_secs(1))
                .is_empty()
        );
        // Exactly at leave + timeout the entry goes (Go keeps it only while strictly after now).
        let gone = b.remove_failed(timeout, t0 + timeout);
        assert_eq!(gone.len(), 1);
        assert_eq!(gone[0].name, "A");
        assert!(b.get("10.0.0.1:1").is_none(), "deleted by address");
        assert_eq!(b.failed_addresses(), s(&["10.0.0.2:1"]));
        assert_eq!(b.len(), 1);
    }

    /// Answers lookups from a script, one entry per call.
    struct Scripted(Mutex<VecDeque<Result<Vec<IpAddr>, String>>>);

    impl Resolver for Scripted {
        fn lookup_ip<'a>(&'a self, _host: &'a str) -> BoxFuture<'a, Result<Vec<IpAddr>, String>> {
            let r = self
                .0
                .lock()
                .pop_front()
                .unwrap_or(Err("script exhausted".into()));
            Box::pin(async move { r })
        }
    }

    fn script(v: Vec<Result<Vec<&str>, &str>>) -> Scripted {
        Scripted(Mutex::new(
            v.into_iter()
                .map(|r| {
                    r.map(|ips| ips.iter().map(|i| i.parse().unwrap()).collect())
                        .map_err(|e| e.to_string())
                })
                .collect(),
        ))
    }

    #[tokio::test]
    async fn resolve_expands_and_keeps_failed_lookups() {
        let res = script(vec![
            Ok(vec!["10.0.0.1", "10.0.0.2"]),
            Err("no such host"),
            Ok(vec!["::1"]),
        ]);
        let got = resolve_peers(&s(&["a:9094", "b:9095", "c:1"]), "", &res, true)
            .await
            .unwrap();
        assert_eq!(
            got,
            s(&["10.0.0.1:9094", "10.0.0.2:9094", "b:9095", "[::1]:1"])
        );
        let err = resolve_peers(&s(&["noport"]), "", &res, true)
            .await
            .unwrap_err();
        assert_eq!(
            err,
            "split host/port for peer noport: address noport: missing port in address"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn empty_answers_are_retried() {
        // Empty, then only ourselves (retry while waiting), then an address.
        let res = script(vec![
            Ok(vec![]),
            Ok(vec![]),
            Ok(vec!["10.0.0.9"]),
            Ok(vec!["10.0.0.9", "10.0.0.5"]),
        ]);
        let start = tokio::time::Instant::now();
        let got = resolve_peers(&s(&["a:9094"]), "10.0.0.9:9094", &res, true)
            .await
            .unwrap();
        assert_eq!(got, s(&["10.0.0.5:9094"]));
        assert_eq!(start.elapsed(), 2 * RESOLVE_RETRY_INTERVAL);

        // Without waiting, "only ourselves" ends the retries with nothing.
        let res = script(vec![Ok(vec![]), Ok(vec!["10.0.0.9"])]);
        let got = resolve_peers(&s(&["a:9094"]), "10.0.0.9:9094", &res, false)
            .await
            .unwrap();
        assert!(got.is_empty());

        // A lookup error during the retries is fatal.
        let res = script(vec![Ok(vec![]), Ok(vec![]), Err("timeout")]);
        let err = resolve_peers(&s(&["a:9094"]), "", &res, true)
            .await
            .unwrap_err();
        assert_eq!(err, "IP Addr lookup for peer a:9094: timeout");
    }

    #[tokio::test]
    async fn system_resolver_handles_literals() {
        let r = SystemResolver;
        assert_eq!(
            r.lookup_ip("127.0.0.1").await.unwrap(),
            vec!["127.0.0.1".parse::<IpAddr>().unwrap()]
        );
        assert!(r.lookup_ip("").await.is_err());
    }
}
