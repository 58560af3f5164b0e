//! SMTP authentication as upstream's email notifier does it (`Email.auth` in
//! `notify/email/email.go`, v0.28, with Go's `smtp.PlainAuth` / `smtp.CRAMMD5Auth` and
//! upstream's `LoginAuth`): the first mechanism the server lists that alertmesh knows and has
//! credentials for, HMAC-MD5 for CRAM-MD5, and PLAIN refused on unencrypted connections to
//! hosts other than localhost.

use md5::{Digest, Md5};

/// A chosen mechanism with its credentials.
#[derive(Clone, PartialEq, Eq)]
pub enum Mechanism {
    /// `CRAM-MD5` with the `auth_secret`.
    CramMd5 {
        /// User name.
        username: String,
        /// Shared secret.
        secret: String,
    },
    /// `PLAIN` (`identity\0username\0password`).
    Plain {
        /// Authorization identity (often empty).
        identity: String,
        /// User name.
        username: String,
        /// Password.
        password: String,
    },
    /// `LOGIN` (user name and password as answers to the server's prompts).
    Login {
        /// User name.
        username: String,
        /// Password.
        password: String,
    },
}

impl std::fmt::Debug for Mechanism {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.go_type())
    }
}

/// The credentials configured for an integration.
#[derive(Clone, Debug, Default)]
pub struct Credentials {
    /// `auth_username` (empty: no authentication).
    pub username: String,
    /// `auth_secret`.
    pub secret: String,
    /// `auth_identity`.
    pub identity: String,
}

impl Mechanism {
    /// The Go type upstream's error messages name (`*smtp.plainAuth auth: ...`).
    pub fn go_type(&self) -> &'static str {
        match self {
            Mechanism::CramMd5 { .. } => "*smtp.cramMD5Auth",
            Mechanism::Plain { .. } => "*smtp.plainAuth",
            Mechanism::Login { .. } => "*email.loginAuth",
        }
    }

    /// Upstream `Email.auth`: picks from the server's `AUTH` parameter `mechs`, in the server's
    /// order. `Ok(None)` without a user name; `password` is called for PLAIN and LOGIN.
    ///
    /// # Errors
    /// Every candidate lacks credentials (errors joined with `; `), or no mechanism is known
    /// (`unknown auth mechanism: X`).
    pub fn choose(
        mechs: &str,
        creds: &Credentials,
        password: impl Fn() -> Result<String, String>,
    ) -> Result<Option<Mechanism>, String> {
        if creds.username.is_empty() {
            return Ok(None);
        }
        let username = creds.username.clone();
        let mut errs = Vec::new();
        for mech in mechs.split(' ') {
            match mech {
                "CRAM-MD5" => {
                    if creds.secret.is_empty() {
                        errs.push("missing secret for CRAM-MD5 auth mechanism".to_owned());
                        continue;
                    }
                    let secret = creds.secret.clone();
                    return Ok(Some(Mechanism::CramMd5 { username, secret }));
                }
                "PLAIN" | "LOGIN" => {
                    let password = match password() {
                        Ok(p) if p.is_empty() => {
                            errs.push(format!("missing password for {mech} auth mechanism"));
                            continue;
                        }
                        Ok(p) => p,
                        Err(e) => {
                            errs.push(e);
                            continue;
                        }
                    };
                    return Ok(Some(if mech == "PLAIN" {
                        let identity = creds.identity.clone();
                        Mechanism::Plain {
                            identity,
                            username,
                            password,
                        }
                    } else {
                        Mechanism::Login { username, password }
                    }));
                }
                _ => {}
            }
        }
        if errs.is_empty() {
            errs.push(format!("unknown auth mechanism: {mechs}"));
        }
        Err(errs.join("; "))
    }

    /// The mechanism name and initial response; PLAIN refuses an unencrypted connection to
    /// anything but `localhost`, `127.0.0.1` or `::1` (Go's `plainAuth.Start`).
    ///
    /// # Errors
    /// `unencrypted connection`.
    pub fn start(&self, server_name: &str, tls: bool) -> Result<(&'static str, Vec<u8>), String> {
        match self {
            Mechanism::CramMd5 { .. } => Ok(("CRAM-MD5", Vec::new())),
            Mechanism::Login { .. } => Ok(("LOGIN", Vec::new())),
            Mechanism::Plain {
                identity,
                username,
                password,
            } => {
                let local = matches!(server_name, "localhost" | "127.0.0.1" | "::1");
                if !tls && !local {
                    return Err("unencrypted connection".to_owned());
                }
                let resp = format!("{identity}\0{username}\0{password}");
                Ok(("PLAIN", resp.into_bytes()))
            }
        }
    }

    /// The answer to a server challenge (`more`: a 334 challenge; otherwise the final 235
    /// text). `Ok(None)` ends the exchange.
    ///
    /// # Errors
    /// `unexpected server challenge`.
    pub fn next(&self, challenge: &[u8], more: bool) -> Result<Option<Vec<u8>>, String> {
        if !more {
            return Ok(None);
        }
        match self {
            Mechanism::Plain { .. } => Err("unexpected server challenge".to_owned()),
            Mechanism::CramMd5 { username, secret } => {
                let mac = hmac_md5(secret.as_bytes(), challenge);
                let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
                Ok(Some(format!("{username} {hex}").into_bytes()))
            }
            Mechanism::Login { username, password } => {
                match String::from_utf8_lossy(challenge).to_lowercase().as_str() {
                    "username:" => Ok(Some(username.clone().into_bytes())),
                    "password:" => Ok(Some(password.clone().into_bytes())),
                    _ => Err("unexpected server challenge".to_owned()),
                }
            }
        }
    }
}

/// HMAC-MD5 (RFC 2104) of `msg` under `key`.
pub fn hmac_md5(key: &[u8], msg: &[u8]) -> [u8; 16] {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..16].copy_from_slice(&Md5::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Md5::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(msg);
    let mut outer = Md5::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn hmac_rfc2202_vectors() {
        assert_eq!(
            hex(&hmac_md5(&[0x0b; 16], b"Hi There")),
            "9294727a3638bb1c13f48ef8158bfc9d"
        );
        assert_eq!(
            hex(&hmac_md5(b"Jefe", b"what do ya want for nothing?")),
            "750c783e6ab0b503eaa86e310a5db738"
        );
        let long = hmac_md5(
            &[0xaa; 80],
            b"Test Using Larger Than Block-Size Key - Hash Key First",
        );
        assert_eq!(hex(&long), "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd");
    }

    fn creds(secret: &str) -> Credentials {
        Credentials {
            username: "u".into(),
            secret: secret.into(),
            identity: String::new(),
        }
    }

    #[test]
    fn choice_follows_server_order() {
        let pw = || Ok("p".to_owned());
        let m = Mechanism::choose("PLAIN LOGIN CRAM-MD5", &creds("s"), pw)
            .unwrap()
            .unwrap();
        assert_eq!(m.go_type(), "*smtp.plainAuth");
        let m = Mechanism::choose("CRAM-MD5 PLAIN", &creds("s"), pw)
            .unwrap()
            .unwrap();
        assert_eq!(m.go_type(), "*smtp.cramMD5Auth");
        let m = Mechanism::choose("CRAM-MD5 LOGIN", &creds(""), pw)
            .unwrap()
            .unwrap();
        assert_eq!(m.go_type(), "*email.loginAuth");
        let none = Credentials::default();
        assert_eq!(Mechanism::choose("PLAIN", &none, pw), Ok(None));
        let e = Mechanism::choose("CRAM-MD5 PLAIN", &creds(""), || Ok(String::new()));
        assert_eq!(
            e,
            Err("missing secret for CRAM-MD5 auth mechanism; missing password for PLAIN auth mechanism"
                .into())
        );
        assert_eq!(
            Mechanism::choose("XOAUTH2 GSSAPI", &creds("s"), pw),
            Err("unknown auth mechanism: XOAUTH2 GSSAPI".into())
        );
        let e = Mechanism::choose("LOGIN", &creds(""), || Err("could not read f: nope".into()));
        assert_eq!(e, Err("could not read f: nope".into()));
    }

    #[test]
    fn exchanges() {
        let plain = Mechanism::Plain {
            identity: "i".into(),
            username: "u".into(),
            password: "p".into(),
        };
        assert_eq!(
            plain.start("mail.example.com", false),
            Err("unencrypted connection".into())
        );
        assert_eq!(
            plain.start("localhost", false).unwrap(),
            ("PLAIN", b"i\0u\0p".to_vec())
        );
        assert!(plain.start("mail.example.com", true).is_ok());
        assert!(plain.next(b"x", true).is_err());
        let login = Mechanism::Login {
            username: "u".into(),
            password: "p".into(),
        };
        assert_eq!(login.next(b"Username:", true).unwrap(), Some(b"u".to_vec()));
        assert_eq!(login.next(b"PASSWORD:", true).unwrap(), Some(b"p".to_vec()));
        assert!(login.next(b"Who?", true).is_err());
        assert_eq!(login.next(b"ok", false).unwrap(), None);
        let cram = Mechanism::CramMd5 {
            username: "tim".into(),
            secret: "tanstaaftanstaaf".into(),
        };
        // RFC 2195's example exchange.
        let resp = cram
            .next(b"<1896.697170952@postoffice.reston.mci.net>", true)
            .unwrap();
        assert_eq!(
            resp.unwrap(),
            b"tim b913a602c7eda7a495b4e6e7334d3890".to_vec()
        );
    }
}
