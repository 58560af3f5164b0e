//! The advertise address (`cluster/advertise.go` `calculateAdvertiseAddress` and
//! `discoverAdvertiseAddress`, with go-sockaddr's `GetPrivateIP`/`GetPublicIP`);
//! docs/PROTOCOL.md §3.7.
//!
//! Interface discovery without libc (`getifaddrs` needs `unsafe`): IPv4 addresses are the
//! `/32 host LOCAL` leaves of `/proc/net/fib_trie`, each attributed to the interface and prefix of
//! the most specific gateway-less route in `/proc/net/route` that contains it; IPv6 addresses,
//! prefixes and interfaces come from `/proc/net/if_inet6`; the up flag and index from
//! `/sys/class/net/<if>/{flags,ifindex}`; the default interface is the first `0.0.0.0/0` route
//! with a gateway in `/proc/net/route` (go-sockaddr parses `ip route` for the same fact).
//! Selection follows go-sockaddr: keep up, forwardable addresses; order default interface first,
//! IPv4 before IPv6, larger networks first (stable); take the first inside (private) or outside
//! (public) go-sockaddr's RFC 6890 table.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::addr::{is_any, parse_ip};

/// Why no advertise address could be computed (texts as upstream).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdvertiseError {
    /// `--cluster.advertise-address` host is not an IP.
    #[error("failed to parse advertise addr '{0}'")]
    ParseAdvertise(String),
    /// The listen host is neither empty, unspecified nor an IP.
    #[error("failed to parse bind addr '{0}'")]
    ParseBind(String),
    /// Reading the interfaces failed.
    #[error("failed to get private IP: {0}")]
    PrivateIp(String),
    /// Reading the interfaces failed (public lookup).
    #[error("failed to get public IP: {0}")]
    PublicIp(String),
    /// No private address and public discovery not allowed.
    #[error("no private IP found, explicit advertise addr not provided")]
    NoPrivate,
    /// Neither a private nor a public address.
    #[error("no private/public IP found, explicit advertise addr not provided")]
    NoPrivatePublic,
}

/// One address of one interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IfAddr {
    /// Interface name ("" when unknown).
    pub name: String,
    /// Interface index (order of `net.Interfaces`).
    pub index: u32,
    /// The address.
    pub ip: IpAddr,
    /// Network prefix length.
    pub prefix_len: u8,
    /// IPv6 scope as in `/proc/net/if_inet6` (0 global, 0x20 link, 0x10 host); 0 for IPv4.
    pub scope: u8,
    /// Interface is administratively up (IFF_UP).
    pub up: bool,
}

/// What discovery looks at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Interfaces {
    /// Addresses in interface order.
    pub addrs: Vec<IfAddr>,
    /// The interface of the default route.
    pub default_if: Option<String>,
}

/// `calculateAdvertiseAddress(bindHost, advertiseHost, allowInsecure)`.
pub fn calculate_advertise_address(
    bind_host: &str,
    advertise_host: &str,
    allow_insecure: bool,
    interfaces: impl FnOnce() -> std::io::Result<Interfaces>,
) -> Result<IpAddr, AdvertiseError> {
    if !advertise_host.is_empty() {
        return parse_ip(advertise_host)
            .ok_or_else(|| AdvertiseError::ParseAdvertise(advertise_host.to_string()));
    }
    if is_any(bind_host) {
        let ifs = interfaces().map_err(|e| AdvertiseError::PrivateIp(e.to_string()))?;
        if let Some(ip) = select_ip(&ifs, true) {
            return Ok(ip);
        }
        if !allow_insecure {
            return Err(AdvertiseError::NoPrivate);
        }
        return select_ip(&ifs, false).ok_or(AdvertiseError::NoPrivatePublic);
    }
    parse_ip(bind_host).ok_or_else(|| AdvertiseError::ParseBind(bind_host.to_string()))
}

fn v4(a: u8, b: u8, c: u8, d: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(a, b, c, d))
}

fn v6(segs: [u16; 8]) -> IpAddr {
    IpAddr::V6(Ipv6Addr::from(segs))
}

/// go-sockaddr's RFC 6890 table (1.0.2; note it lists `2001::/16` whole).
fn rfc6890() -> Vec<(IpAddr, u8)> {
    vec![
        (v4(0, 0, 0, 0), 8),
        (v4(10, 0, 0, 0), 8),
        (v4(100, 64, 0, 0), 10),
        (v4(127, 0, 0, 0), 8),
        (v4(169, 254, 0, 0), 16),
        (v4(172, 16, 0, 0), 12),
        (v4(192, 0, 0, 0), 24),
        (v4(192, 0, 2, 0), 24),
        (v4(192, 88, 99, 0), 24),
        (v4(192, 168, 0, 0), 16),
        (v4(198, 18, 0, 0), 15),
        (v4(198, 51, 100, 0), 24),
        (v4(203, 0, 113, 0), 24),
        (v4(240, 0, 0, 0), 4),
        (v4(255, 255, 255, 255), 32),
        (v6([0, 0, 0, 0, 0, 0, 0, 1]), 128),
        (v6([0; 8]), 128),
        (v6([0x64, 0xff9b, 0, 0, 0, 0, 0, 0]), 96),
        (v6([0, 0, 0, 0, 0, 0xffff, 0, 0]), 96),
        (v6([0x100, 0, 0, 0, 0, 0, 0, 0]), 64),
        (v6([0x2001, 0, 0, 0, 0, 0, 0, 0]), 16),
        (v6([0x2002, 0, 0, 0, 0, 0, 0, 0]), 16),
        (v6([0xfc00, 0, 0, 0, 0, 0, 0, 0]), 7),
        (v6([0xfe80, 0, 0, 0, 0, 0, 0, 0]), 10),
    ]
}

/// go-sockaddr's non-forwardable blocks.
fn forwarding_blacklist() -> Vec<(IpAddr, u8)> {
    vec![
        (v4(0, 0, 0, 0), 8),
        (v4(127, 0, 0, 0), 8),
        (v4(169, 254, 0, 0), 16),
        (v4(192, 0, 0, 0), 24),
        (v4(192, 0, 2, 0), 24),
        (v4(198, 51, 100, 0), 24),
        (v4(203, 0, 113, 0), 24),
        (v4(240, 0, 0, 0), 4),
        (v4(255, 255, 255, 255), 32),
        (v6([0, 0, 0, 0, 0, 0, 0, 1]), 128),
        (v6([0; 8]), 128),
        (v6([0, 0, 0, 0, 0, 0xffff, 0, 0]), 96),
    ]
}

fn contains(net: IpAddr, len: u8, ip: IpAddr) -> bool {
    match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(a)) => {
            let mask = if len == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(len))
            };
            u32::from(n) & mask == u32::from(a) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(a)) => {
            let mask = if len == 0 {
                0
            } else {
                u128::MAX << (128 - u32::from(len))
            };
            u128::from(n) & mask == u128::from(a) & mask
        }
        _ => false,
    }
}

fn in_table(table: &[(IpAddr, u8)], ip: IpAddr) -> bool {
    table.iter().any(|(n, l)| contains(*n, *l, ip))
}

/// go-sockaddr `GetPrivateIP` (`private`) / `GetPublicIP` over a snapshot of the interfaces.
pub fn select_ip(ifs: &Interfaces, private: bool) -> Option<IpAddr> {
    let blacklist = forwarding_blacklist();
    let mut cands: Vec<&IfAddr> = ifs
        .addrs
        .iter()
        .filter(|a| a.up && !in_table(&blacklist, a.ip))
        .collect();
    let is_default = |a: &IfAddr| ifs.default_if.as_deref() == Some(a.name.as_str());
    cands.sort_by_key(|a| (!is_default(a), a.ip.is_ipv6(), a.prefix_len));
    let table = rfc6890();
    cands
        .into_iter()
        .find(|a| in_table(&table, a.ip) == private)
        .map(|a| a.ip)
}

/// The host's interfaces read from `/proc` and `/sys` (Linux).
pub fn system_interfaces() -> std::io::Result<Interfaces> {
    let route = std::fs::read_to_string("/proc/net/route").unwrap_or_default();
    let fib = std::fs::read_to_string("/proc/net/fib_trie").unwrap_or_default();
    let inet6 = std::fs::read_to_string("/proc/net/if_inet6").unwrap_or_default();
    if route.is_empty() && fib.is_empty() && inet6.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no interface information in /proc/net",
        ));
    }
    let link = |name: &str, file: &str| {
        std::fs::read_to_string(format!("/sys/class/net/{name}/{file}")).ok()
    };
    Ok(interfaces_from_proc(&route, &fib, &inet6, |name| {
        let flags = link(name, "flags")
            .and_then(|s| u32::from_str_radix(s.trim().trim_start_matches("0x"), 16).ok());
        let index = link(name, "ifindex").and_then(|s| s.trim().parse::<u32>().ok());
        // Unknown interface: treat as up, ordered last.
        (index.unwrap_or(u32::MAX), flags.is_none_or(|f| f & 1 == 1))
    }))
}

/// A `/proc/net/route` row: (iface, destination, gateway, flags, mask).
fn route_rows(route: &str) -> Vec<(String, Ipv4Addr, Ipv4Addr, u32, u8)> {
    let hex_ip = |s: &str| {
        u32::from_str_radix(s, 16)
            .ok()
            .map(|v| Ipv4Addr::from(v.to_le_bytes()))
    };
    route
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            if f.len() < 8 {
                return None;
            }
            let mask = hex_ip(f[7])?;
            Some((
                f[0].to_string(),
                hex_ip(f[1])?,
                hex_ip(f[2])?,
                u32::from_str_radix(f[3], 16).ok()?,
                u32::from(mask).count_ones() as u8,
            ))
        })
        .collect()
}

/// Builds [`Interfaces`] from the text of `/proc/net/route`, `/proc/net/fib_trie` and
/// `/proc/net/if_inet6`; `link(name)` gives (ifindex, up).
pub fn interfaces_from_proc(
    route: &str,
    fib_trie: &str,
    if_inet6: &str,
    link: impl Fn(&str) -> (u32, bool),
) -> Interfaces {
    const RTF_GATEWAY: u32 = 0x2;
    let rows = route_rows(route);
    let default_if = rows
        .iter()
        .find(|r| r.1.is_unspecified() && r.4 == 0 && r.3 & RTF_GATEWAY != 0)
        .map(|r| r.0.clone());

    let mut addrs = Vec::new();
    // IPv4: local host addresses from the FIB trie.
    let mut last_leaf: Option<Ipv4Addr> = None;
    let mut seen = std::collections::HashSet::new();
    for line in fib_trie.lines() {
        let t = line.trim();
        if let Some(ip) = t.strip_prefix("|-- ") {
            last_leaf = ip.trim().parse().ok();
        } else if t.starts_with("/32 host LOCAL")
            && let Some(ip) = last_leaf
            && seen.insert(ip)
        {
            let best = rows
                .iter()
                .filter(|r| r.2.is_unspecified() && contains(IpAddr::V4(r.1), r.4, IpAddr::V4(ip)))
                .max_by_key(|r| r.4);
            let (name, prefix_len) = match best {
                Some(r) => (r.0.clone(), r.4),
                None if ip.is_loopback() => ("lo".to_string(), 8),
                None => (String::new(), 32),
            };
            let (index, up) = if name.is_empty() {
                (u32::MAX, true)
            } else {
                link(&name)
            };
            addrs.push(IfAddr {
                name,
                index,
                ip: IpAddr::V4(ip),
                prefix_len,
                scope: 0,
                up,
            });
        }
    }
    // IPv6: "<32 hex> <ifindex> <prefix> <scope> <flags> <name>" (all hex).
    for line in if_inet6.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 6 || f[0].len() != 32 {
            continue;
        }
        let (Ok(bits), Ok(index), Ok(prefix), Ok(scope)) = (
            u128::from_str_radix(f[0], 16),
            u32::from_str_radix(f[1], 16),
            u8::from_str_radix(f[2], 16),
            u8::from_str_radix(f[3], 16),
        ) else {
            continue;
        };
        let (_, up) = link(f[5]);
        addrs.push(IfAddr {
            name: f[5].to_string(),
            index,
            ip: IpAddr::V6(Ipv6Addr::from(bits)),
            prefix_len: prefix,
            scope,
            up,
        });
    }
    // Interface order, IPv4 first, IPv6 by scope (global before link) as netlink lists them.
    addrs.sort_by_key(|a| (a.index, a.ip.is_ipv6(), a.scope));
    Interfaces { addrs, default_if }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ifa(name: &str, index: u32, ip: &str, prefix_len: u8, up: bool) -> IfAddr {
        IfAddr {
            name: name.into(),
            index,
            ip: ip.parse().unwrap(),
            prefix_len,
            scope: 0,
            up,
        }
    }

    fn never() -> std::io::Result<Interfaces> {
        panic!("interfaces must not be read")
    }

    #[test]
    fn explicit_advertise_wins() {
        let ip = calculate_advertise_address("0.0.0.0", "10.1.2.3", false, never).unwrap();
        assert_eq!(ip, "10.1.2.3".parse::<IpAddr>().unwrap());
        let ip = calculate_advertise_address("", "::ffff:10.1.2.3", false, never).unwrap();
        assert_eq!(ip, "10.1.2.3".parse::<IpAddr>().unwrap());
        let err = calculate_advertise_address("", "am.example", false, never).unwrap_err();
        assert_eq!(
            err.to_string(),
            "failed to parse advertise addr 'am.example'"
        );
    }

    #[test]
    fn bind_ip_is_used() {
        let ip = calculate_advertise_address("127.0.0.1", "", false, never).unwrap();
        assert_eq!(ip, "127.0.0.1".parse::<IpAddr>().unwrap());
        let err = calculate_advertise_address("localhost", "", false, never).unwrap_err();
        assert_eq!(err.to_string(), "failed to parse bind addr 'localhost'");
    }

    #[test]
    fn discovery_rules() {
        let ifs = Interfaces {
            addrs: vec![
                ifa("lo", 1, "127.0.0.1", 8, true),
                ifa("eth0", 2, "203.0.113.9", 24, true), // documentation net: not forwardable
                ifa("eth1", 3, "8.8.4.4", 24, true),
                ifa("eth2", 4, "192.168.1.10", 24, true),
                ifa("eth3", 5, "10.0.0.5", 8, true),
                ifa("down0", 6, "172.16.0.1", 12, false),
            ],
            default_if: None,
        };
        // Larger network first among private candidates.
        let got = calculate_advertise_address("0.0.0.0", "", false, || Ok(ifs.clone()));
        assert_eq!(got.unwrap(), "10.0.0.5".parse::<IpAddr>().unwrap());
        // The default interface comes first.
        let mut d = ifs.clone();
        d.default_if = Some("eth2".into());
        assert_eq!(
            select_ip(&d, true).unwrap(),
            "192.168.1.10".parse::<IpAddr>().unwrap()
        );
        // Only public addresses: error without the flag, public IP with it.
        let public = Interfaces {
            addrs: vec![
                ifa("lo", 1, "127.0.0.1", 8, true),
                ifa("eth1", 3, "8.8.4.4", 24, true),
            ],
            default_if: Some("eth1".into()),
        };
        let err = calculate_advertise_address("", "", false, || Ok(public.clone())).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no private IP found, explicit advertise addr not provided"
        );
        let ip = calculate_advertise_address("::", "", true, || Ok(public.clone())).unwrap();
        assert_eq!(ip, "8.8.4.4".parse::<IpAddr>().unwrap());
        let none = Interfaces {
            addrs: vec![ifa("lo", 1, "127.0.0.1", 8, true)],
            default_if: None,
        };
        let err = calculate_advertise_address("", "", true, || Ok(none)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no private/public IP found, explicit advertise addr not provided"
        );
        let err = calculate_advertise_address("", "", false, || Err(std::io::Error::other("boom")))
            .unwrap_err();
        assert_eq!(err.to_string(), "failed to get private IP: boom");
        // IPv4 before IPv6 on the same interface.
        let mixed = Interfaces {
            addrs: vec![
                ifa("eth0", 2, "fd00::2", 64, true),
                ifa("eth0", 2, "10.9.9.9", 24, true),
            ],
            default_if: Some("eth0".into()),
        };
        assert_eq!(
            select_ip(&mixed, true).unwrap(),
            "10.9.9.9".parse::<IpAddr>().unwrap()
        );
    }

    // The layout of this test machine, where Go Alertmanager 0.25 logs
    // `setting advertise address explicitly addr=fd00::2` (192.0.2.0/24 is not forwardable).
    const ROUTE: &str = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n\
        eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n\
        eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n";
    const FIB: &str = "Main:\n  +-- 0.0.0.0/0 3 0 5\n     |-- 0.0.0.0\n        /0 universe UNICAST\n\
        \x20    +-- 127.0.0.0/8 2 0 2\n        +-- 127.0.0.0/31 1 0 0\n           |-- 127.0.0.0\n\
        \x20             /8 host LOCAL\n           |-- 127.0.0.1\n              /32 host LOCAL\n\
        \x20       |-- 127.255.255.255\n           /32 link BROADCAST\n\
        \x20    +-- 192.0.2.0/24 2 0 2\n        +-- 192.0.2.0/30 2 0 2\n           |-- 192.0.2.0\n\
        \x20             /24 link UNICAST\n           |-- 192.0.2.2\n              /32 host LOCAL\n\
        Local:\n           |-- 192.0.2.2\n              /32 host LOCAL\n";
    const INET6: &str = "00000000000000000000000000000001 01 80 10 80       lo\n\
        fe8000000000000000fc00fffe000001 04 40 20 80     eth0\n\
        fd000000000000000000000000000002 04 40 00 82     eth0\n";

    #[test]
    fn proc_parsing() {
        let ifs = interfaces_from_proc(ROUTE, FIB, INET6, |name| match name {
            "lo" => (1, true),
            "eth0" => (4, true),
            _ => (99, false),
        });
        assert_eq!(ifs.default_if.as_deref(), Some("eth0"));
        let got: Vec<(String, String, u8)> = ifs
            .addrs
            .iter()
            .map(|a| (a.name.clone(), a.ip.to_string(), a.prefix_len))
            .collect();
        let want = [
            ("lo", "127.0.0.1", 8),
            ("lo", "::1", 128),
            ("eth0", "192.0.2.2", 24),
            ("eth0", "fd00::2", 64),
            ("eth0", "fe80::fc:ff:fe00:1", 64),
        ];
        let want: Vec<(String, String, u8)> = want
            .iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), *c))
            .collect();
        assert_eq!(got, want);
        assert_eq!(select_ip(&ifs, true).unwrap().to_string(), "fd00::2");
        assert_eq!(select_ip(&ifs, false), None);
    }

    #[test]
    fn system_interfaces_reads_something() {
        // Only checks that reading the real host does not fail where /proc exists.
        if std::path::Path::new("/proc/net/route").exists() {
            let ifs = system_interfaces().unwrap();
            assert!(!ifs.addrs.is_empty());
        }
    }
}
