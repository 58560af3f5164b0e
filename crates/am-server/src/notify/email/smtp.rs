//! A minimal SMTP client over tokio (the parts of Go's `net/smtp.Client` and
//! `net/textproto` that upstream's email notifier uses): the greeting, `EHLO` with a `HELO`
//! fallback, extensions, `STARTTLS`, `AUTH` exchanges, `MAIL`, `RCPT`, `DATA` and `QUIT`, with
//! replies read and checked as `textproto.Reader.ReadResponse` does.

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

use super::auth::Mechanism;

/// Longest reply line accepted (servers send a few hundred bytes at most).
const MAX_LINE: usize = 64 * 1024;

/// Anything the client can talk over (TCP, TLS over TCP).
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// An SMTP-level failure, displayed as Go's errors are.
#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    /// The server answered with an unexpected code (`textproto.Error`: `550 no such user`).
    #[error("{code:03} {message}")]
    Reply {
        /// The reply code.
        code: u16,
        /// The reply text, lines joined with `\n`.
        message: String,
    },
    /// A malformed reply (`short response: x`, `invalid response code: x`).
    #[error("{0}")]
    Protocol(String),
    /// The connection failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// Anything else (`unencrypted connection`, `unexpected server challenge`, ...).
    #[error("{0}")]
    Other(String),
}

/// What a reply code must be: exactly `250`, in the class `25x`, or anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// This exact code.
    Code(u16),
    /// `code / 10` equals this.
    Tens(u16),
    /// No check.
    Any,
}

impl Expect {
    fn accepts(self, code: u16) -> bool {
        match self {
            Expect::Code(c) => code == c,
            Expect::Tens(t) => code / 10 == t,
            Expect::Any => true,
        }
    }
}

/// An SMTP session.
pub struct Client {
    conn: BufReader<Box<dyn Io>>,
    server_name: String,
    tls: bool,
    ext: Option<HashMap<String, String>>,
    did_hello: bool,
    local_name: String,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("server_name", &self.server_name)
            .field("tls", &self.tls)
            .field("ext", &self.ext)
            .finish_non_exhaustive()
    }
}

fn validate_line(line: &str) -> Result<(), SmtpError> {
    if line.contains(['\r', '\n']) {
        return Err(SmtpError::Other(
            "smtp: A line must not contain CR or LF".into(),
        ));
    }
    Ok(())
}

impl Client {
    /// Reads the `220` greeting on `conn`; `server_name` is the smarthost's host and `tls`
    /// whether `conn` is already encrypted (implicit TLS).
    ///
    /// # Errors
    /// A failed read or a greeting other than 220.
    pub async fn new(conn: Box<dyn Io>, server_name: &str, tls: bool) -> Result<Self, SmtpError> {
        let mut c = Client {
            conn: BufReader::new(conn),
            server_name: server_name.to_owned(),
            tls,
            ext: None,
            did_hello: false,
            local_name: "localhost".to_owned(),
        };
        c.read_response(Expect::Code(220)).await?;
        Ok(c)
    }

    /// Whether the connection is encrypted.
    pub fn is_tls(&self) -> bool {
        self.tls
    }

    async fn read_line(&mut self) -> Result<String, SmtpError> {
        let mut buf = Vec::new();
        let n = (&mut self.conn)
            .take(MAX_LINE as u64)
            .read_until(b'\n', &mut buf)
            .await?;
        if n == 0 {
            return Err(SmtpError::Io(std::io::ErrorKind::UnexpectedEof.into()));
        }
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        Ok(String::from_utf8_lossy(&buf).into_owned())
    }

    /// Reads one (possibly multi-line) reply and checks its code.
    ///
    /// # Errors
    /// I/O, a malformed reply, or [`SmtpError::Reply`] for an unexpected code.
    pub async fn read_response(&mut self, expect: Expect) -> Result<(u16, String), SmtpError> {
        let line = self.read_line().await?;
        let (code, mut more, mut message) = parse_code_line(&line)?;
        while more {
            let line = self.read_line().await?;
            match parse_code_line(&line) {
                Ok((c2, m2, msg2)) if c2 == code => {
                    message.push('\n');
                    message.push_str(&msg2);
                    more = m2;
                }
                _ => {
                    message.push('\n');
                    message.push_str(&line);
                }
            }
        }
        if expect.accepts(code) {
            Ok((code, message))
        } else {
            Err(SmtpError::Reply { code, message })
        }
    }

    async fn write_all(&mut self, bytes: &[u8]) -> Result<(), SmtpError> {
        let w = self.conn.get_mut();
        w.write_all(bytes).await?;
        w.flush().await?;
        Ok(())
    }

    /// Sends `line` and reads the reply.
    ///
    /// # Errors
    /// As [`Client::read_response`].
    pub async fn cmd(&mut self, expect: Expect, line: &str) -> Result<(u16, String), SmtpError> {
        self.write_all(format!("{line}\r\n").as_bytes()).await?;
        self.read_response(expect).await
    }

    async fn ehlo(&mut self) -> Result<(), SmtpError> {
        let (_, msg) = self
            .cmd(Expect::Code(250), &format!("EHLO {}", self.local_name))
            .await?;
        let mut ext = HashMap::new();
        for line in msg.split('\n').skip(1) {
            let (k, v) = line.split_once(' ').unwrap_or((line, ""));
            ext.insert(k.to_owned(), v.to_owned());
        }
        self.ext = Some(ext);
        Ok(())
    }

    async fn hello(&mut self) -> Result<(), SmtpError> {
        if !self.did_hello {
            self.did_hello = true;
            if self.ehlo().await.is_err() {
                self.ext = None;
                let helo = format!("HELO {}", self.local_name);
                self.cmd(Expect::Code(250), &helo).await?;
            }
        }
        Ok(())
    }

    /// `EHLO local_name` (falling back to `HELO`), Go's `Client.Hello`.
    ///
    /// # Errors
    /// A CR/LF in the name, or the `HELO` fallback failing.
    pub async fn say_hello(&mut self, local_name: &str) -> Result<(), SmtpError> {
        validate_line(local_name)?;
        self.local_name = local_name.to_owned();
        self.hello().await
    }

    /// Whether the server advertised `name` (upper case), and its parameters.
    pub async fn extension(&mut self, name: &str) -> Option<String> {
        self.hello().await.ok()?;
        self.ext.as_ref()?.get(&name.to_ascii_uppercase()).cloned()
    }

    /// `STARTTLS`, the TLS handshake with `config` for `sni`, then `EHLO` again.
    ///
    /// # Errors
    /// A reply other than 220, a failed handshake, or a failed `EHLO`.
    pub async fn start_tls(
        mut self,
        config: Arc<rustls::ClientConfig>,
        sni: ServerName<'static>,
    ) -> Result<Client, (Option<Client>, SmtpError)> {
        if let Err(e) = self.hello().await {
            return Err((Some(self), e));
        }
        if let Err(e) = self.cmd(Expect::Code(220), "STARTTLS").await {
            return Err((Some(self), e));
        }
        let Client {
            conn,
            server_name,
            local_name,
            ..
        } = self;
        let connector = tokio_rustls::TlsConnector::from(config);
        let stream = connector
            .connect(sni, conn.into_inner())
            .await
            .map_err(|e| (None, SmtpError::Io(e)))?;
        let mut c = Client {
            conn: BufReader::new(Box::new(stream)),
            server_name,
            tls: true,
            ext: None,
            did_hello: true,
            local_name,
        };
        match c.ehlo().await {
            Ok(()) => Ok(c),
            Err(e) => Err((Some(c), e)),
        }
    }

    /// Go's `Client.Auth`: `AUTH <mech> [initial response]`, then challenges until 235.
    ///
    /// # Errors
    /// The mechanism refusing the connection (PLAIN without TLS to a remote host), a bad
    /// challenge, or the server's failure reply; the exchange is aborted with `*` then.
    pub async fn auth(&mut self, mech: &Mechanism) -> Result<(), SmtpError> {
        self.hello().await?;
        let (name, initial) = match mech.start(&self.server_name, self.tls) {
            Ok(v) => v,
            Err(e) => {
                let _ = self.cmd(Expect::Code(221), "QUIT").await;
                return Err(SmtpError::Other(e));
            }
        };
        let line = format!("AUTH {name} {}", B64.encode(initial));
        let mut reply = self.cmd(Expect::Any, line.trim()).await;
        loop {
            let (code, msg) = reply?;
            let step = match code {
                334 => B64
                    .decode(msg.trim_end())
                    .map_err(|e| SmtpError::Other(format!("illegal base64 data: {e}")))
                    .and_then(|challenge| mech.next(&challenge, true).map_err(SmtpError::Other)),
                235 => mech.next(msg.as_bytes(), false).map_err(SmtpError::Other),
                _ => Err(SmtpError::Reply { code, message: msg }),
            };
            match step {
                Ok(None) => return Ok(()),
                Ok(Some(resp)) => reply = self.cmd(Expect::Any, &B64.encode(resp)).await,
                Err(e) => {
                    let _ = self.cmd(Expect::Code(501), "*").await;
                    let _ = self.cmd(Expect::Code(221), "QUIT").await;
                    return Err(e);
                }
            }
        }
    }

    /// `MAIL FROM:<from>` (with `BODY=8BITMIME` / `SMTPUTF8` when advertised, as Go adds).
    ///
    /// # Errors
    /// A CR/LF in the address or a reply other than 250.
    pub async fn mail(&mut self, from: &str) -> Result<(), SmtpError> {
        validate_line(from)?;
        self.hello().await?;
        let mut line = format!("MAIL FROM:<{from}>");
        if let Some(ext) = &self.ext {
            if ext.contains_key("8BITMIME") {
                line.push_str(" BODY=8BITMIME");
            }
            if ext.contains_key("SMTPUTF8") {
                line.push_str(" SMTPUTF8");
            }
        }
        self.cmd(Expect::Code(250), &line).await.map(drop)
    }

    /// `RCPT TO:<to>`, accepting 250 and 251.
    ///
    /// # Errors
    /// A CR/LF in the address or a reply outside 25x.
    pub async fn rcpt(&mut self, to: &str) -> Result<(), SmtpError> {
        validate_line(to)?;
        self.cmd(Expect::Tens(25), &format!("RCPT TO:<{to}>"))
            .await
            .map(drop)
    }

    /// `DATA` (expects 354).
    ///
    /// # Errors
    /// A reply other than 354.
    pub async fn data(&mut self) -> Result<(), SmtpError> {
        self.cmd(Expect::Code(354), "DATA").await.map(drop)
    }

    /// Writes the dot-stuffed message (ending in `.\r\n`) and reads the 250.
    ///
    /// # Errors
    /// A write failure or a reply other than 250.
    pub async fn send_data(&mut self, stuffed: &[u8]) -> Result<(), SmtpError> {
        self.write_all(stuffed).await?;
        self.read_response(Expect::Code(250)).await.map(drop)
    }

    /// `QUIT` (expects 221) and shuts the connection down.
    ///
    /// # Errors
    /// A reply other than 221.
    pub async fn quit(mut self) -> Result<(), SmtpError> {
        self.hello().await?;
        self.cmd(Expect::Code(221), "QUIT").await?;
        let _ = self.conn.get_mut().shutdown().await;
        Ok(())
    }
}

/// Go's `textproto.parseCodeLine` without the expectation check: code, continued, text.
fn parse_code_line(line: &str) -> Result<(u16, bool, String), SmtpError> {
    let b = line.as_bytes();
    if b.len() < 4 || (b[3] != b' ' && b[3] != b'-') {
        return Err(SmtpError::Protocol(format!("short response: {line}")));
    }
    let code = line[..3]
        .parse::<u16>()
        .ok()
        .filter(|c| *c >= 100 && line[..3].bytes().all(|d| d.is_ascii_digit()))
        .ok_or_else(|| SmtpError::Protocol(format!("invalid response code: {line}")))?;
    Ok((code, b[3] == b'-', line[4..].to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_lines() {
        assert_eq!(
            parse_code_line("250-PIPELINING").unwrap(),
            (250, true, "PIPELINING".into())
        );
        assert_eq!(
            parse_code_line("220 hi there").unwrap(),
            (220, false, "hi there".into())
        );
        assert_eq!(
            parse_code_line("220 ").unwrap(),
            (220, false, String::new())
        );
        assert!(
            matches!(parse_code_line("25"), Err(SmtpError::Protocol(m)) if m == "short response: 25")
        );
        assert!(
            matches!(parse_code_line("abc x"), Err(SmtpError::Protocol(m)) if m == "invalid response code: abc x")
        );
        assert!(Expect::Tens(25).accepts(251));
        assert!(!Expect::Tens(25).accepts(354));
        assert!(!Expect::Code(250).accepts(251));
        let e = SmtpError::Reply {
            code: 550,
            message: "5.1.1 no such user".into(),
        };
        assert_eq!(e.to_string(), "550 5.1.1 no such user");
    }
}
