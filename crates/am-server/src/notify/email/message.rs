//! The e-mail message as upstream's email notifier writes it (`notify/email/email.go`, v0.28,
//! with Go's `mime.QEncoding`, `mime/quotedprintable` and `mime/multipart`): header lines with
//! RFC 2047 Q-encoded values, `Message-Id`, `Date`, `Content-Type: multipart/alternative`,
//! `MIME-Version`, then the text part and the HTML part, each quoted-printable, and the SMTP
//! `DATA` dot-stuffing of `net/textproto`'s dot writer.

use am_template::gotime::{GoTime, Location};
use jiff::Timestamp;

const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";
/// Longest encoded word (RFC 2047 §2).
const MAX_ENCODED_WORD: usize = 75;
/// Room for encoded text inside one word (`=?UTF-8?q?` … `?=`).
const MAX_Q_CONTENT: usize = MAX_ENCODED_WORD - "=?UTF-8?q?".len() - "?=".len();
/// Longest quoted-printable line, soft break included.
const QP_LINE: usize = 76;

/// Go's `mime.QEncoding.Encode("utf-8", s)`: `s` unchanged when it is printable ASCII (tabs
/// allowed), else Q-encoded words of at most 75 characters separated by spaces, never
/// splitting a character.
pub fn q_encode(s: &str) -> String {
    if !s.chars().any(|c| !(' '..='~').contains(&c) && c != '\t') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() * 2 + 12);
    out.push_str("=?utf-8?q?");
    let mut used = 0;
    for c in s.chars() {
        let mut buf = [0u8; 4];
        let bytes = c.encode_utf8(&mut buf).as_bytes();
        let plain = bytes.len() == 1 && (' '..='~').contains(&c) && !matches!(c, '=' | '?' | '_');
        let len = if plain { 1 } else { 3 * bytes.len() };
        if used + len > MAX_Q_CONTENT {
            out.push_str("?= =?utf-8?q?");
            used = 0;
        }
        for &b in bytes {
            match b {
                b' ' => out.push('_'),
                b'!'..=b'~' if !matches!(b, b'=' | b'?' | b'_') => out.push(char::from(b)),
                _ => push_hex(&mut out, b),
            }
        }
        used += len;
    }
    out.push_str("?=");
    out
}

fn push_hex(out: &mut String, b: u8) {
    out.push('=');
    out.push(char::from(UPPER_HEX[usize::from(b >> 4)]));
    out.push(char::from(UPPER_HEX[usize::from(b & 0x0f)]));
}

/// Go's `quotedprintable.Writer` (text mode) over all of `input`: lines of at most 76
/// characters with `=` soft breaks, line ends written as CRLF, `=`, control and non-ASCII
/// bytes as `=XX`, and a space or tab before a line end (or at the end) encoded.
pub fn quoted_printable(input: &[u8]) -> Vec<u8> {
    let mut qp = QpWriter::default();
    for &b in input {
        qp.byte(b);
    }
    qp.finish()
}

#[derive(Default)]
struct QpWriter {
    out: Vec<u8>,
    line: Vec<u8>,
    cr: bool,
}

impl QpWriter {
    fn byte(&mut self, b: u8) {
        match b {
            b'\n' | b'\r' => {
                if self.cr && b == b'\n' {
                    self.cr = false;
                    return;
                }
                self.cr = b == b'\r';
                self.encode_trailing_space();
                self.line.extend_from_slice(b"\r\n");
                self.flush();
            }
            b'!'..=b'~' if b != b'=' => self.literal(b),
            b' ' | b'\t' => self.literal(b),
            _ => self.encode(b),
        }
    }

    fn literal(&mut self, b: u8) {
        if self.line.len() == QP_LINE - 1 {
            self.soft_break();
        }
        self.line.push(b);
        self.cr = false;
    }

    fn encode(&mut self, b: u8) {
        if QP_LINE - 1 - self.line.len() < 3 {
            self.soft_break();
        }
        self.line.push(b'=');
        self.line.push(UPPER_HEX[usize::from(b >> 4)]);
        self.line.push(UPPER_HEX[usize::from(b & 0x0f)]);
        // Like Go, an escape does not clear the pending-CR state.
    }

    fn encode_trailing_space(&mut self) {
        if let Some(&last) = self.line.last()
            && (last == b' ' || last == b'\t')
        {
            self.line.pop();
            self.encode(last);
        }
    }

    fn soft_break(&mut self) {
        self.line.extend_from_slice(b"=\r\n");
        self.flush();
    }

    fn flush(&mut self) {
        self.out.append(&mut self.line);
    }

    fn finish(mut self) -> Vec<u8> {
        self.encode_trailing_space();
        self.flush();
        self.out
    }
}

/// A body part: its content type and the (unencoded) body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part<'a> {
    /// `text/plain; charset=UTF-8` or `text/html; charset=UTF-8`.
    pub content_type: &'static str,
    /// The rendered body.
    pub body: &'a str,
}

/// Everything that goes into one message.
#[derive(Clone, Debug)]
pub struct MessageSpec<'a> {
    /// Rendered headers in the order to write them (values not yet encoded).
    pub headers: &'a [(String, String)],
    /// `Message-Id` to add (`None` when `headers` has one).
    pub message_id: Option<String>,
    /// The send time, written as `Date` in the local time zone.
    pub date: Timestamp,
    /// The multipart boundary.
    pub boundary: &'a str,
    /// Text part then HTML part, those that are configured.
    pub parts: &'a [Part<'a>],
}

/// The `Date` header value: Go's `time.RFC1123Z` (`Mon, 02 Jan 2006 15:04:05 -0700`) in `loc`.
pub fn rfc1123z(t: Timestamp, loc: Location) -> String {
    GoTime::from_timestamp(t, loc).format("Mon, 02 Jan 2006 15:04:05 -0700")
}

/// A random multipart boundary like Go's `multipart.randomBoundary` (60 hex digits).
pub fn random_boundary() -> String {
    let bytes: [u8; 30] = rand::random();
    let mut s = String::with_capacity(60);
    for b in bytes {
        s.push(char::from(
            UPPER_HEX[usize::from(b >> 4)].to_ascii_lowercase(),
        ));
        s.push(char::from(
            UPPER_HEX[usize::from(b & 0x0f)].to_ascii_lowercase(),
        ));
    }
    s
}

/// The message text (before dot-stuffing): headers, the blank line, and the multipart body.
pub fn build(spec: &MessageSpec<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    for (name, value) in spec.headers {
        out.extend_from_slice(format!("{name}: {}\r\n", q_encode(value)).as_bytes());
    }
    if let Some(id) = &spec.message_id {
        out.extend_from_slice(format!("Message-Id: {id}\r\n").as_bytes());
    }
    let date = rfc1123z(spec.date, Location::local());
    out.extend_from_slice(format!("Date: {date}\r\n").as_bytes());
    let boundary = spec.boundary;
    out.extend_from_slice(
        format!("Content-Type: multipart/alternative;  boundary={boundary}\r\n").as_bytes(),
    );
    out.extend_from_slice(b"MIME-Version: 1.0\r\n\r\n");
    for (i, part) in spec.parts.iter().enumerate() {
        let open = if i == 0 {
            format!("--{boundary}\r\n")
        } else {
            format!("\r\n--{boundary}\r\n")
        };
        out.extend_from_slice(open.as_bytes());
        out.extend_from_slice(b"Content-Transfer-Encoding: quoted-printable\r\n");
        out.extend_from_slice(format!("Content-Type: {}\r\n\r\n", part.content_type).as_bytes());
        out.extend_from_slice(&quoted_printable(part.body.as_bytes()));
    }
    out.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    out
}

/// `net/textproto`'s dot writer: bare LF becomes CRLF, a leading `.` is doubled, and the data
/// ends with `.` on a line of its own.
pub fn dot_stuff(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 64 + 8);
    let mut line_start = true;
    let mut prev_cr = false;
    for &b in data {
        if line_start && b == b'.' {
            out.push(b'.');
        }
        if b == b'\n' && !prev_cr {
            out.push(b'\r');
        }
        out.push(b);
        line_start = b == b'\n';
        prev_cr = b == b'\r';
    }
    if !line_start {
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q_encoding_like_go() {
        assert_eq!(q_encode("[FIRING:1] Disk full"), "[FIRING:1] Disk full");
        assert_eq!(q_encode("tab\there"), "tab\there");
        assert_eq!(q_encode("café ok"), "=?utf-8?q?caf=C3=A9_ok?=");
        assert_eq!(q_encode("a=b?c_d\n"), "=?utf-8?q?a=3Db=3Fc=5Fd=0A?=");
        // 63 bytes of content per word; a 2-byte character is never split.
        let long = format!("{}é", "x".repeat(62));
        let enc = q_encode(&long);
        assert_eq!(
            enc,
            format!("=?utf-8?q?{}?= =?utf-8?q?=C3=A9?=", "x".repeat(62))
        );
        assert!(enc.split(' ').all(|w| w.len() <= MAX_ENCODED_WORD));
    }

    #[test]
    fn quoted_printable_like_go() {
        assert_eq!(quoted_printable(b"hello\nworld"), b"hello\r\nworld");
        assert_eq!(quoted_printable(b"a=b \nc\t"), b"a=3Db=20\r\nc=09");
        assert_eq!(quoted_printable(b"x\r\ny\rz"), b"x\r\ny\r\nz");
        assert_eq!(quoted_printable("é".as_bytes()), b"=C3=A9");
        let long = quoted_printable(&[b'a'; 80]);
        assert_eq!(long, [&[b'a'; 75][..], b"=\r\n", &[b'a'; 5][..]].concat());
        // An escape that does not fit is moved to the next line.
        let mut input = vec![b'a'; 74];
        input.push(b'=');
        let enc = quoted_printable(&input);
        assert_eq!(enc, [&[b'a'; 74][..], b"=\r\n=3D"].concat());
    }

    #[test]
    fn dot_stuffing() {
        assert_eq!(dot_stuff(b"a\n.b\r\n..c"), b"a\r\n..b\r\n...c\r\n.\r\n");
        assert_eq!(dot_stuff(b".\r\n"), b"..\r\n.\r\n");
        assert_eq!(dot_stuff(b""), b".\r\n");
    }

    #[test]
    fn date_format() {
        let t: Timestamp = "2024-03-05T07:08:09Z".parse().unwrap();
        assert_eq!(
            rfc1123z(t, Location::utc()),
            "Tue, 05 Mar 2024 07:08:09 +0000"
        );
        let loc = Location::fixed("EST", -5 * 3600);
        assert_eq!(rfc1123z(t, loc), "Tue, 05 Mar 2024 02:08:09 -0500");
    }

    #[test]
    fn message_layout() {
        let headers = vec![("Subject".to_owned(), "Grüße".to_owned())];
        let parts = [
            Part {
                content_type: "text/plain; charset=UTF-8",
                body: "t",
            },
            Part {
                content_type: "text/html; charset=UTF-8",
                body: "<b>",
            },
        ];
        let spec = MessageSpec {
            headers: &headers,
            message_id: Some("<1.2@h>".into()),
            date: "2024-03-05T07:08:09Z".parse().unwrap(),
            boundary: "BND",
            parts: &parts,
        };
        let text = String::from_utf8(build(&spec)).unwrap();
        assert!(
            text.starts_with(
                "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nMessage-Id: <1.2@h>\r\nDate: "
            )
        );
        let body = text.split_once("\r\n\r\n").unwrap().1;
        assert_eq!(
            body,
            "--BND\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Type: text/plain; \
             charset=UTF-8\r\n\r\nt\r\n--BND\r\nContent-Transfer-Encoding: quoted-printable\r\n\
             Content-Type: text/html; charset=UTF-8\r\n\r\n<b>\r\n--BND--\r\n"
        );
        assert!(text.contains(
            "Content-Type: multipart/alternative;  boundary=BND\r\nMIME-Version: 1.0\r\n\r\n"
        ));
        let b = random_boundary();
        assert_eq!(b.len(), 60);
        assert_ne!(b, random_boundary());
    }
}
