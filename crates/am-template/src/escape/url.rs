//! URL filters and escapers (Go's `html/template/url.go`, Go 1.23): scheme filtering
//! (`javascript:` becomes `#ZgotmplZ`), percent-encoding of queries, normalization of whole
//! URLs, and `srcset` lists.

use super::attr::ContentType;
use super::funcs::FILTER_FAILSAFE;

/// ASCII-case-insensitive comparison with Unicode simple folding of `s` (`ſ` folds to `s`),
/// as Go's `strings.EqualFold` behaves for the ASCII targets used here.
fn equal_fold_ascii(s: &str, target: &str) -> bool {
    let mut a = s.chars();
    let mut b = target.chars();
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) => {
                let same = x.to_ascii_lowercase() == y
                    || (y == 's' && x == '\u{17f}')
                    || (y == 'k' && x == '\u{212a}');
                if !same {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// Go's `isSafeURL`: no scheme, or `http`, `https` or `mailto`.
pub fn is_safe_url(s: &str) -> bool {
    if let Some((protocol, _)) = s.split_once(':')
        && !protocol.contains('/')
        && !equal_fold_ascii(protocol, "http")
        && !equal_fold_ascii(protocol, "https")
        && !equal_fold_ascii(protocol, "mailto")
    {
        return false;
    }
    true
}

/// `_html_template_urlfilter`.
pub fn url_filter(s: &str, t: ContentType) -> String {
    if t == ContentType::Url || is_safe_url(s) {
        return s.to_string();
    }
    format!("#{FILTER_FAILSAFE}")
}

/// `_html_template_urlescaper` (`norm == false`) and `_html_template_urlnormalizer`.
pub fn url_process(s: &str, t: ContentType, norm: bool) -> String {
    let norm = norm || t == ContentType::Url;
    let mut b = String::with_capacity(s.len() + 16);
    if process_url_onto(s, norm, &mut b) {
        b
    } else {
        s.to_string()
    }
}

/// Go's `processURLOnto`: percent-encodes `s` onto `b`; returns whether anything changed.
fn process_url_onto(s: &str, norm: bool, b: &mut String) -> bool {
    let bytes = s.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(s.len() + 16);
    let mut written = 0;
    for (i, &c) in bytes.iter().enumerate() {
        let keep = match c {
            b'!' | b'#' | b'$' | b'&' | b'*' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?'
            | b'@' | b'[' | b']' => norm,
            b'-' | b'.' | b'_' | b'~' => true,
            b'%' => {
                norm && i + 2 < bytes.len()
                    && bytes[i + 1].is_ascii_hexdigit()
                    && bytes[i + 2].is_ascii_hexdigit()
            }
            c => c.is_ascii_alphanumeric(),
        };
        if keep {
            continue;
        }
        out.extend_from_slice(&bytes[written..i]);
        out.extend_from_slice(format!("%{c:02x}").as_bytes());
        written = i + 1;
    }
    out.extend_from_slice(&bytes[written..]);
    // Every non-ASCII byte is encoded, so the output is ASCII.
    b.push_str(&String::from_utf8_lossy(&out));
    written != 0
}

/// `_html_template_srcsetescaper`.
pub fn srcset_escape(s: &str, t: ContentType) -> String {
    match t {
        ContentType::Srcset => return s.to_string(),
        ContentType::Url => {
            let mut b = String::new();
            let s = if process_url_onto(s, true, &mut b) {
                b
            } else {
                s.to_string()
            };
            return s.replace(',', "%2c");
        }
        _ => {}
    }
    let mut b = String::new();
    let mut written = 0;
    for (i, c) in s.bytes().enumerate() {
        if c == b',' {
            filter_srcset_element(s, written, i, &mut b);
            b.push(',');
            written = i + 1;
        }
    }
    filter_srcset_element(s, written, s.len(), &mut b);
    b
}

fn is_html_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

fn filter_srcset_element(s: &str, left: usize, right: usize, b: &mut String) {
    let bytes = s.as_bytes();
    let mut start = left;
    while start < right && is_html_space(bytes[start]) {
        start += 1;
    }
    let end = (start..right)
        .find(|&i| is_html_space(bytes[i]))
        .unwrap_or(right);
    let url = &s[start..end];
    if is_safe_url(url) {
        let metadata_ok = bytes[end..right]
            .iter()
            .all(|&c| is_html_space(c) || c.is_ascii_alphanumeric());
        if metadata_ok {
            b.push_str(&s[left..start]);
            let mut u = String::new();
            process_url_onto(url, true, &mut u);
            b.push_str(&u);
            b.push_str(&s[end..right]);
            return;
        }
    }
    b.push('#');
    b.push_str(FILTER_FAILSAFE);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_schemes() {
        assert_eq!(
            url_filter("javascript:alert(1)", ContentType::Plain),
            "#ZgotmplZ"
        );
        assert_eq!(url_filter("JavaScript:x", ContentType::Plain), "#ZgotmplZ");
        assert_eq!(url_filter("javascript:x", ContentType::Url), "javascript:x");
        assert_eq!(url_filter("HTTPS://x", ContentType::Plain), "HTTPS://x");
        assert_eq!(url_filter("mailto:a@b", ContentType::Plain), "mailto:a@b");
        assert_eq!(url_filter("/a:b", ContentType::Plain), "/a:b");
        assert_eq!(url_filter("httpſ://x", ContentType::Plain), "httpſ://x");
    }

    #[test]
    fn escapes_and_normalizes() {
        assert_eq!(
            url_process("a b&c=d/é", ContentType::Plain, false),
            "a%20b%26c%3dd%2f%c3%a9"
        );
        assert_eq!(
            url_process("a b&c=d/%41%zz", ContentType::Plain, true),
            "a%20b&c=d/%41%25zz"
        );
        assert_eq!(url_process("x y", ContentType::Url, false), "x%20y");
    }

    #[test]
    fn srcset() {
        assert_eq!(
            srcset_escape(
                "/a.png 1x, javascript:x 2x, /b 2x,/c d.png",
                ContentType::Plain
            ),
            "/a.png 1x,#ZgotmplZ, /b 2x,#ZgotmplZ"
        );
        assert_eq!(srcset_escape("/a,b", ContentType::Url), "/a%2cb");
    }
}
