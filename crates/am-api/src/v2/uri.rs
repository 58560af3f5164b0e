//! The `uri` string format of go-openapi (`strfmt` registers govalidator's `IsRequestURI`,
//! i.e. Go's `net/url.ParseRequestURI` succeeds). Reimplements the checks that can fail:
//! control characters, a missing scheme before `:`, relative references, the authority's
//! userinfo/host/port syntax and `%` escapes in host and path (the query is not checked).

fn is_hex(b: u8) -> bool {
    b.is_ascii_hexdigit()
}

/// Every `%` is followed by two hex digits.
fn valid_escapes(s: &[u8]) -> bool {
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' {
            if i + 2 >= s.len() {
                return false;
            }
            if !is_hex(s[i + 1]) || !is_hex(s[i + 2]) {
                return false;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    true
}

/// Characters Go allows unescaped in a host (`shouldEscape(c, encodeHost)` is false).
fn host_char_ok(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c >= 0x80 || b"-_.~!$&'()*+,;=:[]<>\"%".contains(&c)
}

fn userinfo_ok(u: &[u8]) -> bool {
    u.iter()
        .all(|&c| c.is_ascii_alphanumeric() || c >= 0x80 || b"-._:~!$&'()*+,;=%@".contains(&c))
}

fn port_ok(p: &[u8]) -> bool {
    // `p` includes the leading ':'.
    p.iter().skip(1).all(u8::is_ascii_digit)
}

fn authority_ok(auth: &[u8]) -> bool {
    let (user, host) = match auth.iter().rposition(|&c| c == b'@') {
        Some(i) => (&auth[..i], &auth[i + 1..]),
        None => (&auth[..0], auth),
    };
    if !userinfo_ok(user) {
        return false;
    }
    if host.first() == Some(&b'[') {
        let Some(end) = host.iter().position(|&c| c == b']') else {
            return false;
        };
        let rest = &host[end + 1..];
        if !rest.is_empty() && (rest[0] != b':' || !port_ok(rest)) {
            return false;
        }
        return valid_escapes(&host[..end]);
    }
    if let Some(i) = host.iter().rposition(|&c| c == b':')
        && !port_ok(&host[i..])
    {
        return false;
    }
    host.iter().all(|&c| host_char_ok(c)) && valid_escapes(host)
}

/// Whether Go's `url.ParseRequestURI(s)` accepts `s`.
pub fn is_request_uri(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || b.iter().any(|&c| c < 0x20 || c == 0x7f) {
        return false;
    }
    if s == "*" {
        return true;
    }
    // Scheme.
    let mut rest = b;
    let mut has_scheme = false;
    for (i, &c) in b.iter().enumerate() {
        if c.is_ascii_alphabetic() {
            continue;
        }
        if c.is_ascii_digit() || c == b'+' || c == b'-' || c == b'.' {
            if i == 0 {
                break;
            }
            continue;
        }
        if c == b':' {
            if i == 0 {
                return false;
            }
            has_scheme = true;
            rest = &b[i + 1..];
        }
        break;
    }
    // Query is not validated.
    if let Some(q) = rest.iter().position(|&c| c == b'?') {
        rest = &rest[..q];
    }
    if rest.first() != Some(&b'/') {
        return has_scheme;
    }
    if has_scheme && rest.starts_with(b"//") {
        let after = &rest[2..];
        let end = after.iter().position(|&c| c == b'/').unwrap_or(after.len());
        if !authority_ok(&after[..end]) {
            return false;
        }
        rest = &after[end..];
    }
    valid_escapes(rest)
}

#[cfg(test)]
mod tests {
    use super::is_request_uri;

    #[test]
    fn accepts_and_rejects_like_go() {
        for ok in [
            "http://x/",
            "http://prom:9090/graph?g0.expr=up%3D%3D0&x=%zz",
            "/relative/path",
            "mailto:me",
            "https://u:p@[::1]:8080/a%20b",
            "http://host:/",
            "*",
        ] {
            assert!(is_request_uri(ok), "{ok}");
        }
        for bad in [
            "::bad",
            "a b",
            "http://x:abc/",
            "http://x/%zz",
            "http://x/%4",
            "rel/path",
            "http://a b/",
            "http://x/\n",
            "",
        ] {
            assert!(!is_request_uri(bad), "{bad}");
        }
    }
}
