//! Default peer names (`cluster.go` `Create`): a ULID (48-bit millisecond time + 80 random
//! bits) printed as 26 upper-case Crockford base32 characters, so names of nodes started later
//! sort later (docs/PROTOCOL.md §3.6).

/// A fresh ULID string for this process start.
pub fn default_peer_name() -> String {
    ulid::Ulid::new().to_string().to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ulid_format() {
        let a = default_peer_name();
        assert_eq!(a.len(), 26);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_digit() || (c.is_ascii_uppercase() && !"ILOU".contains(c))),
            "{a}"
        );
        let b = default_peer_name();
        assert_ne!(a, b);
        // The first 10 characters are the timestamp; a later name never sorts before.
        assert!(b[..10] >= a[..10]);
    }
}
