//! Throw-away TLS material for tests: a self-signed certificate for `localhost` and
//! 127.0.0.1, made by the `openssl` command (not a CA, so rustls accepts it as an end-entity
//! certificate when it is also the trust anchor).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Writes `cert.pem` and `key.pem` into `dir` and returns their paths, or `None` (after
/// printing why) when `openssl` is not installed.
///
/// # Panics
/// When `openssl` fails.
pub fn self_signed_cert(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    let openssl = crate::require_tool("openssl")?;
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let status = Command::new(openssl)
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        ])
        .args(["-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(Stdio::null())
        .status()
        .expect("run openssl");
    assert!(status.success(), "openssl req failed");
    Some((cert, key))
}
