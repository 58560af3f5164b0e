//! Address lists as Go's `net/mail.ParseAddressList` reads them (the `from` and `to` of
//! upstream's email notifier): comma-separated `addr@host`, `Name <addr@host>`,
//! `"Quoted, Name" <addr>`, `addr (Comment)`, groups `Team: a@x, b@y;`, empty entries skipped.
//! Only the addresses matter to the notifier; display names are parsed for syntax only.

/// An address list that does not parse; the message is Go's (`mail: no address`, ...).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AddressError(pub String);

fn err<T>(msg: impl Into<String>) -> Result<T, AddressError> {
    Err(AddressError(msg.into()))
}

/// Parses an address list; returns the bare addresses (`local@domain`) in order.
///
/// # Errors
/// The first syntax error, worded as Go's.
pub fn parse_address_list(list: &str) -> Result<Vec<String>, AddressError> {
    let mut p = Parser { s: list };
    let mut out = Vec::new();
    loop {
        p.skip_space();
        if p.consume(b',') {
            continue;
        }
        out.extend(p.address(true)?);
        if !p.skip_cfws() {
            return err("mail: misformatted parenthetical comment");
        }
        if p.s.is_empty() {
            break;
        }
        if p.peek() != Some(b',') {
            return err("mail: expected comma");
        }
        while p.consume(b',') {
            p.skip_space();
        }
        if p.s.is_empty() {
            break;
        }
    }
    Ok(out)
}

fn is_vchar(c: char) -> bool {
    ('!'..='~').contains(&c) || !c.is_ascii()
}

fn is_atext(c: char, dot: bool, permissive: bool) -> bool {
    match c {
        '.' => dot,
        '(' | ')' | '[' | ']' | ';' | '@' | '\\' | ',' => permissive,
        '<' | '>' | '"' | ':' => false,
        _ => is_vchar(c),
    }
}

#[derive(Clone, Copy)]
struct Parser<'a> {
    s: &'a str,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().first().copied()
    }

    fn consume(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.s = &self.s[1..];
            true
        } else {
            false
        }
    }

    fn skip_space(&mut self) {
        self.s = self.s.trim_start_matches([' ', '\t']);
    }

    fn skip_cfws(&mut self) -> bool {
        self.skip_space();
        while self.consume(b'(') {
            if !self.comment() {
                return false;
            }
            self.skip_space();
        }
        true
    }

    /// After `(`: consumes through the matching `)`; false when unclosed.
    fn comment(&mut self) -> bool {
        let mut depth = 1;
        let bytes = self.s.as_bytes();
        let mut i = 0;
        while i < bytes.len() && depth > 0 {
            match bytes[i] {
                b'\\' if i + 1 < bytes.len() => i += 1,
                b'(' => depth += 1,
                b')' => depth -= 1,
                _ => {}
            }
            i += 1;
        }
        // `i` stops after an ASCII byte or at the end, so it is a char boundary unless an
        // escape skipped into a multi-byte character; step to the next boundary then.
        while !self.s.is_char_boundary(i) {
            i += 1;
        }
        self.s = &self.s[i..];
        depth == 0
    }

    fn address(&mut self, group: bool) -> Result<Vec<String>, AddressError> {
        self.skip_space();
        if self.s.is_empty() {
            return err("mail: no address");
        }
        if let Ok(spec) = self.addr_spec() {
            self.skip_space();
            if self.peek() == Some(b'(') {
                self.consume(b'(');
                let start = self.s;
                if !self.comment() {
                    return err("mail: misformatted parenthetical comment");
                }
                // The comment's text without the closing parenthesis, split as Go splits it.
                let text = &start[..start.len() - self.s.len() - 1];
                if let Some(e) = text.split([' ', '\t']).find_map(charset_error) {
                    return err(e);
                }
            }
            return Ok(vec![spec]);
        }
        let mut name_is_atext = true;
        if self.peek() != Some(b'<') {
            let name = self.phrase()?;
            name_is_atext = name.chars().all(|c| is_atext(c, true, false));
        }
        self.skip_space();
        if group && self.consume(b':') {
            return self.group_list();
        }
        if !self.consume(b'<') {
            if name_is_atext {
                return err("mail: missing '@' or angle-addr");
            }
            return err("mail: no angle-addr");
        }
        let spec = self.addr_spec()?;
        if !self.consume(b'>') {
            return err("mail: unclosed angle-addr");
        }
        Ok(vec![spec])
    }

    fn group_list(&mut self) -> Result<Vec<String>, AddressError> {
        let mut out = Vec::new();
        self.skip_space();
        if self.consume(b';') {
            self.skip_cfws();
            return Ok(out);
        }
        loop {
            self.skip_space();
            out.extend(self.address(false)?);
            if !self.skip_cfws() {
                return err("mail: misformatted parenthetical comment");
            }
            if self.consume(b';') {
                self.skip_cfws();
                return Ok(out);
            }
            if !self.consume(b',') {
                return err("mail: expected comma");
            }
        }
    }

    /// `local@domain`; on failure the parser is left where it was.
    fn addr_spec(&mut self) -> Result<String, AddressError> {
        let saved = *self;
        let r = self.addr_spec_inner();
        if r.is_err() {
            *self = saved;
        }
        r
    }

    fn addr_spec_inner(&mut self) -> Result<String, AddressError> {
        self.skip_space();
        if self.s.is_empty() {
            return err("mail: no addr-spec");
        }
        let local = if self.peek() == Some(b'"') {
            // Go replaces any failure (its result is then empty too) with this message.
            match self.quoted_string() {
                Ok(q) if !q.is_empty() => q,
                _ => return err("mail: empty quoted string in addr-spec"),
            }
        } else {
            self.atom(true, false)?.to_owned()
        };
        if !self.consume(b'@') {
            return err("mail: missing @ in addr-spec");
        }
        self.skip_space();
        if self.s.is_empty() {
            return err("mail: no domain in addr-spec");
        }
        let domain = self.atom(true, false)?;
        Ok(format!("{local}@{domain}"))
    }

    fn phrase(&mut self) -> Result<String, AddressError> {
        let mut words = Vec::new();
        let mut last_err = None;
        loop {
            self.skip_space();
            if self.s.is_empty() {
                break;
            }
            let word = if self.peek() == Some(b'"') {
                self.quoted_string()
            } else {
                self.atom(true, true).and_then(|w| match charset_error(w) {
                    Some(e) => Err(AddressError(e)),
                    None => Ok(w.to_owned()),
                })
            };
            match word {
                Ok(w) => words.push(w),
                Err(e) => {
                    last_err = Some(e);
                    break;
                }
            }
        }
        match last_err {
            Some(e) if words.is_empty() => err(format!("mail: missing word in phrase: {}", e.0)),
            _ => Ok(words.join(" ")),
        }
    }

    fn quoted_string(&mut self) -> Result<String, AddressError> {
        let mut out = String::new();
        let mut escaped = false;
        for (i, c) in self.s.char_indices().skip(1) {
            if escaped {
                if !is_vchar(c) && c != ' ' && c != '\t' {
                    return err(format!("mail: bad character in quoted-string: {c:?}"));
                }
                out.push(c);
                escaped = false;
            } else if c == '"' {
                self.s = &self.s[i + 1..];
                return Ok(out);
            } else if c == '\\' {
                escaped = true;
            } else if is_vchar(c) || c == ' ' || c == '\t' {
                out.push(c);
            } else {
                return err(format!("mail: bad character in quoted-string: {c:?}"));
            }
        }
        err("mail: unclosed quoted-string")
    }

    fn atom(&mut self, dot: bool, permissive: bool) -> Result<&'a str, AddressError> {
        let end = self
            .s
            .char_indices()
            .find(|&(_, c)| !is_atext(c, dot, permissive))
            .map_or(self.s.len(), |(i, _)| i);
        if end == 0 {
            return err("mail: invalid string");
        }
        let (atom, rest) = self.s.split_at(end);
        self.s = rest;
        if !permissive {
            if atom.starts_with('.') {
                return err("mail: leading dot in atom");
            }
            if atom.contains("..") {
                return err("mail: double dot in atom");
            }
            if atom.ends_with('.') {
                return err("mail: trailing dot in atom");
            }
        }
        Ok(atom)
    }
}

/// Go's `addrParser.decodeRFC2047Word` outcome for one word: an error only for a well-formed
/// encoded word (`=?charset?q|b?text?=` whose text decodes) in a charset Go cannot convert
/// (anything but UTF-8, ISO-8859-1 and US-ASCII); anything else is a plain word.
fn charset_error(word: &str) -> Option<String> {
    let inner = word.strip_prefix("=?")?.strip_suffix("?=")?;
    if word.len() < 8 || word.matches('?').count() != 4 {
        return None;
    }
    let (charset, rest) = inner.split_once('?')?;
    let (encoding, text) = rest.split_once('?')?;
    if charset.is_empty() || encoding.len() != 1 || !decodes(encoding.as_bytes()[0], text) {
        return None;
    }
    let known = ["utf-8", "iso-8859-1", "us-ascii"];
    if known.iter().any(|k| k.eq_ignore_ascii_case(charset)) {
        return None;
    }
    let quoted = am_model::go_quote::quote(&charset.to_lowercase());
    Some(format!("charset not supported: {quoted}"))
}

/// Whether `text` is valid B (standard base64) or Q encoding.
fn decodes(encoding: u8, text: &str) -> bool {
    use base64::Engine;
    use base64::engine::{GeneralPurpose, GeneralPurposeConfig};
    match encoding {
        b'B' | b'b' => {
            let config = GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true);
            let engine = GeneralPurpose::new(&base64::alphabet::STANDARD, config);
            let cleaned: String = text.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
            engine.decode(cleaned).is_ok()
        }
        b'Q' | b'q' => {
            let b = text.as_bytes();
            let mut i = 0;
            while i < b.len() {
                match b[i] {
                    b'=' => {
                        if i + 2 >= b.len()
                            || !b[i + 1].is_ascii_hexdigit()
                            || !b[i + 2].is_ascii_hexdigit()
                        {
                            return false;
                        }
                        i += 2;
                    }
                    b' '..=b'~' | b'\n' | b'\r' | b'\t' => {}
                    _ => return false,
                }
                i += 1;
            }
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Vec<String> {
        parse_address_list(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn fails(s: &str) -> String {
        parse_address_list(s).unwrap_err().0
    }

    #[test]
    fn accepted_forms() {
        assert_eq!(ok("a@example.com"), ["a@example.com"]);
        assert_eq!(ok(" a@x.org , b@y.org"), ["a@x.org", "b@y.org"]);
        assert_eq!(
            ok("Alice <alice@x.org>, bob@y.org"),
            ["alice@x.org", "bob@y.org"]
        );
        assert_eq!(ok("\"Ops, Team\" <ops@x.org>"), ["ops@x.org"]);
        assert_eq!(ok("a@x.org (Alice), ,b@x.org,"), ["a@x.org", "b@x.org"]);
        assert_eq!(
            ok("Team: a@x.org, B <b@x.org>;, c@x.org"),
            ["a@x.org", "b@x.org", "c@x.org"]
        );
        assert_eq!(ok("Empty: ;"), Vec::<String>::new());
        assert_eq!(ok("\"john doe\"@x.org"), ["john doe@x.org"]);
        assert_eq!(ok("Jörg <j@x.org>"), ["j@x.org"]);
        assert_eq!(ok("=?utf-8?q?J=C3=B6rg?= <j@x.org>"), ["j@x.org"]);
    }

    #[test]
    fn rejected_forms() {
        assert_eq!(fails(""), "mail: no address");
        assert_eq!(fails("plain"), "mail: missing '@' or angle-addr");
        assert_eq!(fails("a@x.org b@x.org"), "mail: expected comma");
        assert_eq!(fails("Name <a@x.org"), "mail: unclosed angle-addr");
        assert_eq!(fails("a@x..org"), "mail: no angle-addr");
        assert_eq!(fails("<a.@x.org>"), "mail: trailing dot in atom");
        assert_eq!(
            fails("\"unclosed <a@x.org>"),
            "mail: missing word in phrase: mail: unclosed quoted-string"
        );
        assert_eq!(
            fails("a@x.org (open"),
            "mail: misformatted parenthetical comment"
        );
    }
}
