//! The simulated network: per-link delay (fixed + uniform jitter) and loss, directional cuts
//! (partitions), and TCP modelled as loss-free but delayed by retransmission timeouts. All random
//! draws come from the simulation's seeded RNG, in event order.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::time::Duration;

use rand::Rng;
use rand::rngs::StdRng;

/// Properties of one directed link.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkConfig {
    /// Fixed one-way delay.
    pub delay: Duration,
    /// Extra delay drawn uniformly from `[0, jitter]` per packet.
    pub jitter: Duration,
    /// Probability in `[0, 1]` that a UDP packet is lost. On TCP it costs a retransmission
    /// timeout instead (see [`TCP_RTO`]).
    pub loss: f64,
}

impl Default for LinkConfig {
    /// 1 ms ± 1 ms, lossless: a LAN.
    fn default() -> Self {
        LinkConfig {
            delay: Duration::from_millis(1),
            jitter: Duration::from_millis(1),
            loss: 0.0,
        }
    }
}

/// Initial TCP retransmission timeout (Linux `TCP_RTO_MIN`); doubles on each further loss.
pub const TCP_RTO: Duration = Duration::from_millis(200);
/// At most this many consecutive TCP retransmissions are charged per stream leg.
const TCP_MAX_RETRIES: u32 = 5;

/// Links, cuts and the delay/loss draws.
#[derive(Debug, Default)]
pub struct Network {
    default_link: LinkConfig,
    links: BTreeMap<(SocketAddr, SocketAddr), LinkConfig>,
    cuts: BTreeSet<(SocketAddr, SocketAddr)>,
}

impl Network {
    /// A network where every link has `default_link`.
    pub fn new(default_link: LinkConfig) -> Self {
        Network {
            default_link,
            ..Network::default()
        }
    }

    /// Replaces the default link configuration (links with an override keep it).
    pub fn set_default_link(&mut self, link: LinkConfig) {
        self.default_link = link;
    }

    /// Overrides the directed link `from → to`.
    pub fn set_link(&mut self, from: SocketAddr, to: SocketAddr, link: LinkConfig) {
        self.links.insert((from, to), link);
    }

    /// Removes every per-link override.
    pub fn clear_links(&mut self) {
        self.links.clear();
    }

    /// The configuration of `from → to`.
    pub fn link(&self, from: SocketAddr, to: SocketAddr) -> LinkConfig {
        self.links
            .get(&(from, to))
            .copied()
            .unwrap_or(self.default_link)
    }

    /// Cuts every directed link from a node of `from` to a node of `to` (self links excluded).
    pub fn cut(&mut self, from: &[SocketAddr], to: &[SocketAddr]) {
        for &f in from {
            for &t in to {
                if f != t {
                    self.cuts.insert((f, t));
                }
            }
        }
    }

    /// Restores the directed links from `from` to `to`.
    pub fn restore(&mut self, from: &[SocketAddr], to: &[SocketAddr]) {
        for &f in from {
            for &t in to {
                self.cuts.remove(&(f, t));
            }
        }
    }

    /// Restores every link.
    pub fn heal_all(&mut self) {
        self.cuts.clear();
    }

    /// Whether `from → to` is cut.
    pub fn is_cut(&self, from: SocketAddr, to: SocketAddr) -> bool {
        self.cuts.contains(&(from, to))
    }

    /// Whether a TCP connection between the two is possible (both directions open).
    pub fn tcp_open(&self, a: SocketAddr, b: SocketAddr) -> bool {
        !self.is_cut(a, b) && !self.is_cut(b, a)
    }

    /// One packet's fate on `from → to`: `None` if lost, else its delay.
    pub fn udp(&self, rng: &mut StdRng, from: SocketAddr, to: SocketAddr) -> Option<Duration> {
        let link = self.link(from, to);
        if link.loss > 0.0 && rng.random::<f64>() < link.loss {
            return None;
        }
        Some(delay(rng, &link))
    }

    /// Delay of one TCP leg `from → to`: the link delay plus a doubling RTO for each
    /// consecutive simulated loss.
    pub fn tcp(&self, rng: &mut StdRng, from: SocketAddr, to: SocketAddr) -> Duration {
        let link = self.link(from, to);
        let mut d = delay(rng, &link);
        let mut rto = TCP_RTO;
        let mut retries = 0;
        while link.loss > 0.0 && retries < TCP_MAX_RETRIES && rng.random::<f64>() < link.loss {
            d += rto;
            rto *= 2;
            retries += 1;
        }
        d
    }
}

fn delay(rng: &mut StdRng, link: &LinkConfig) -> Duration {
    let jitter = link.jitter.as_nanos() as u64;
    let extra = if jitter == 0 {
        0
    } else {
        rng.random_range(0..=jitter)
    };
    link.delay + Duration::from_nanos(extra)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn a(i: u8) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, i], 7946))
    }

    #[test]
    fn cuts_are_directional_and_restorable() {
        let mut n = Network::new(LinkConfig::default());
        n.cut(&[a(1)], &[a(2), a(1)]);
        assert!(n.is_cut(a(1), a(2)));
        assert!(!n.is_cut(a(2), a(1)));
        assert!(!n.is_cut(a(1), a(1)));
        assert!(!n.tcp_open(a(2), a(1)));
        n.restore(&[a(1)], &[a(2)]);
        assert!(n.tcp_open(a(1), a(2)));
    }

    #[test]
    fn loss_and_delay_follow_the_link() {
        let mut rng = StdRng::seed_from_u64(1);
        let link = LinkConfig {
            delay: Duration::from_millis(10),
            jitter: Duration::from_millis(5),
            loss: 0.25,
        };
        let n = Network::new(link);
        let mut lost = 0;
        for _ in 0..10_000 {
            match n.udp(&mut rng, a(1), a(2)) {
                None => lost += 1,
                Some(d) => {
                    assert!(d >= Duration::from_millis(10) && d <= Duration::from_millis(15))
                }
            }
        }
        assert!(
            (2_200..2_800).contains(&lost),
            "lost {lost} of 10000 at p=0.25"
        );
        let t = n.tcp(&mut rng, a(1), a(2));
        assert!(t >= Duration::from_millis(10));
    }
}
