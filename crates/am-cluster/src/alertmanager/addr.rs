//! Go-compatible address helpers used by the Alertmanager layer: `net.SplitHostPort` (with its
//! error texts), `net.JoinHostPort`, `net.ParseIP`, and `cluster.go`'s `hasNonlocal`,
//! `isUnroutable`, `isAny`.

use std::net::IpAddr;

/// Go's `*net.AddrError` from `SplitHostPort`: `address <addr>: <why>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("address {addr}: {why}")]
pub struct AddrError {
    /// The offending input.
    pub addr: String,
    /// Go's reason text.
    pub why: &'static str,
}

fn addr_err(addr: &str, why: &'static str) -> AddrError {
    AddrError {
        addr: addr.to_string(),
        why,
    }
}

/// `net.SplitHostPort`: splits `host:port`, `[v6]:port`; the port may be empty or non-numeric.
pub fn split_host_port(hostport: &str) -> Result<(String, String), AddrError> {
    const MISSING_PORT: &str = "missing port in address";
    const TOO_MANY_COLONS: &str = "too many colons in address";
    let Some(i) = hostport.rfind(':') else {
        return Err(addr_err(hostport, MISSING_PORT));
    };
    let (host, j, k);
    if hostport.starts_with('[') {
        let Some(end) = hostport.find(']') else {
            return Err(addr_err(hostport, "missing ']' in address"));
        };
        if end + 1 == hostport.len() {
            return Err(addr_err(hostport, MISSING_PORT));
        } else if end + 1 != i {
            if hostport.as_bytes()[end + 1] == b':' {
                return Err(addr_err(hostport, TOO_MANY_COLONS));
            }
            return Err(addr_err(hostport, MISSING_PORT));
        }
        host = &hostport[1..end];
        j = 1;
        k = end + 1;
    } else {
        host = &hostport[..i];
        if host.contains(':') {
            return Err(addr_err(hostport, TOO_MANY_COLONS));
        }
        j = 0;
        k = 0;
    }
    if hostport[j..].contains('[') {
        return Err(addr_err(hostport, "unexpected '[' in address"));
    }
    if hostport[k..].contains(']') {
        return Err(addr_err(hostport, "unexpected ']' in address"));
    }
    Ok((host.to_string(), hostport[i + 1..].to_string()))
}

/// `net.JoinHostPort`: brackets hosts that contain a colon.
pub fn join_host_port(host: &str, port: &str) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// `net.ParseIP`: an IPv4 or IPv6 literal (no zone, no brackets); IPv4-mapped IPv6 addresses
/// are returned as IPv4, as Go prints them.
pub fn parse_ip(s: &str) -> Option<IpAddr> {
    s.parse::<IpAddr>().ok().map(|ip| ip.to_canonical())
}

/// `strconv.Atoi` on a port, with Go's error text.
pub fn parse_port(addr: &str, port: &str) -> Result<u16, String> {
    match port.parse::<i64>() {
        Ok(p) if (0..=65535).contains(&p) => Ok(p as u16),
        Ok(_) => Err(format!("address {addr}: invalid port: port out of range")),
        Err(_) => Err(format!(
            "address {addr}: invalid port: strconv.Atoi: parsing {port:?}: invalid syntax"
        )),
    }
}

fn host_part(addr: &str) -> String {
    match split_host_port(addr) {
        Ok((h, _)) => h,
        Err(_) => addr.to_string(),
    }
}

/// `hasNonlocal`: some peer is neither a loopback IP nor `localhost`.
pub fn has_nonlocal<S: AsRef<str>>(peers: &[S]) -> bool {
    peers.iter().any(|p| {
        let h = host_part(p.as_ref());
        match parse_ip(&h) {
            Some(ip) => !ip.is_loopback(),
            None => !h.eq_ignore_ascii_case("localhost"),
        }
    })
}

/// `isUnroutable`: unspecified, loopback or `localhost`.
pub fn is_unroutable(addr: &str) -> bool {
    let h = host_part(addr);
    match parse_ip(&h) {
        Some(ip) => ip.is_unspecified() || ip.is_loopback(),
        None => h.eq_ignore_ascii_case("localhost"),
    }
}

/// `isAny`: empty host or an unspecified IP.
pub fn is_any(addr: &str) -> bool {
    let h = host_part(addr);
    h.is_empty() || parse_ip(&h).is_some_and(|ip| ip.is_unspecified())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_like_go() {
        let ok = [
            ("1.2.3.4:9094", ("1.2.3.4", "9094")),
            (":9094", ("", "9094")),
            ("[::1]:9094", ("::1", "9094")),
            ("host.example:", ("host.example", "")),
            ("[fe80::1%eth0]:1", ("fe80::1%eth0", "1")),
        ];
        for (input, (h, p)) in ok {
            assert_eq!(
                split_host_port(input).unwrap(),
                (h.to_string(), p.to_string()),
                "{input}"
            );
        }
        let bad = [
            ("1.2.3.4", "address 1.2.3.4: missing port in address"),
            ("::1:9094", "address ::1:9094: too many colons in address"),
            ("[::1]", "address [::1]: missing port in address"),
            ("[::1", "address [::1: missing ']' in address"),
            ("[::1]x:1", "address [::1]x:1: missing port in address"),
            ("[::1]:1:2", "address [::1]:1:2: too many colons in address"),
            ("a[b:1", "address a[b:1: unexpected '[' in address"),
            ("a]b:1", "address a]b:1: unexpected ']' in address"),
        ];
        for (input, msg) in bad {
            assert_eq!(split_host_port(input).unwrap_err().to_string(), msg);
        }
    }

    #[test]
    fn join_and_parse() {
        assert_eq!(join_host_port("::1", "9094"), "[::1]:9094");
        assert_eq!(join_host_port("10.0.0.1", "9094"), "10.0.0.1:9094");
        assert_eq!(parse_ip("::ffff:10.0.0.1"), parse_ip("10.0.0.1"));
        assert_eq!(parse_ip("localhost"), None);
        assert_eq!(parse_ip("[::1]"), None);
        assert_eq!(parse_port("x:1", "1"), Ok(1));
        assert_eq!(
            parse_port(":ab", "ab").unwrap_err(),
            "address :ab: invalid port: strconv.Atoi: parsing \"ab\": invalid syntax"
        );
        assert!(parse_port(":70000", "70000").is_err());
    }

    #[test]
    fn locality_predicates() {
        assert!(!has_nonlocal(&[
            "127.0.0.1:9094",
            "localhost:9094",
            "[::1]:1"
        ]));
        assert!(has_nonlocal(&["127.0.0.1:9094", "10.0.0.1:9094"]));
        assert!(has_nonlocal(&["am-1.example:9094"]));
        assert!(!has_nonlocal::<&str>(&[]));
        assert!(is_unroutable("0.0.0.0"));
        assert!(is_unroutable("127.0.0.1:9094"));
        assert!(is_unroutable("LOCALHOST"));
        assert!(is_unroutable("::"));
        assert!(!is_unroutable("10.1.2.3"));
        assert!(is_any(":9094"));
        assert!(is_any("0.0.0.0:9094"));
        assert!(is_any("[::]:9094"));
        assert!(!is_any("127.0.0.1:9094"));
        assert!(!is_any("localhost:9094"));
    }
}
