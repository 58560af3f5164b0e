//! The `--cluster.tls-config` file (Alertmanager `cluster/tls_config.go`
//! `GetTLSTransportConfig`): `tls_server_config` in exporter-toolkit's `web.TLSConfig` shape
//! (required) and `tls_client_config` in prometheus/common's `config.TLSConfig` shape
//! (optional), read strictly like yaml.v2's `UnmarshalStrict`, with relative paths resolved
//! against the file's directory. Building rustls configurations is in `tls_rustls`.

use std::path::{Path, PathBuf};

use am_config::error::ConfigError;
use am_config::secret::ValueSource;
use am_config::tls_config::{RawTlsConfig, TlsConfig};
use am_config::yaml::{Document, Node, NodeKind, YamlPath};

pub use am_config::tls_config::TlsVersion;

use super::TransportError;

/// Where PEM data comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PemSource {
    /// A file (already joined with the configuration file's directory).
    File(PathBuf),
    /// Written inline in the configuration file.
    Inline(String),
}

impl PemSource {
    /// Reads the PEM bytes.
    pub fn read(&self) -> Result<Vec<u8>, String> {
        match self {
            PemSource::File(p) => {
                std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
            }
            PemSource::Inline(s) => Ok(s.as_bytes().to_vec()),
        }
    }

    fn file(dir: &Path, name: &str) -> PemSource {
        PemSource::File(dir.join(name))
    }
}

/// exporter-toolkit's `client_auth_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientAuth {
    /// `NoClientCert` (default): no client certificate requested.
    #[default]
    NoClientCert,
    /// `RequestClientCert`: requested, not required, not verified.
    RequestClientCert,
    /// `RequireAnyClientCert` (alias `RequireClientCert`): required, not verified.
    RequireAnyClientCert,
    /// `VerifyClientCertIfGiven`: verified against the client CAs when presented.
    VerifyClientCertIfGiven,
    /// `RequireAndVerifyClientCert`: required and verified (mutual TLS).
    RequireAndVerifyClientCert,
}

impl ClientAuth {
    fn parse(s: &str) -> Result<ClientAuth, String> {
        Ok(match s {
            "" | "NoClientCert" => ClientAuth::NoClientCert,
            "RequestClientCert" => ClientAuth::RequestClientCert,
            "RequireAnyClientCert" | "RequireClientCert" => ClientAuth::RequireAnyClientCert,
            "VerifyClientCertIfGiven" => ClientAuth::VerifyClientCertIfGiven,
            "RequireAndVerifyClientCert" => ClientAuth::RequireAndVerifyClientCert,
            _ => return Err(format!("invalid ClientAuth: {s}")),
        })
    }
}

/// `tls_server_config` (exporter-toolkit `web.TLSConfig`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsServerConfig {
    /// Server certificate chain (`cert_file` or inline `cert`).
    pub cert: PemSource,
    /// Server private key (`key_file` or inline `key`).
    pub key: PemSource,
    /// `client_auth_type`.
    pub client_auth: ClientAuth,
    /// CAs for verifying client certificates (`client_ca_file` or inline `client_ca`); the
    /// system roots when unset, as in Go.
    pub client_ca: Option<PemSource>,
    /// `cipher_suites` (TLS 1.2 suites by IANA name; TLS 1.3 suites are always enabled).
    pub cipher_suites: Vec<String>,
    /// `curve_preferences` (`X25519`, `CurveP256`, `CurveP384`).
    pub curve_preferences: Vec<String>,
    /// `min_version`.
    pub min_version: Option<TlsVersion>,
    /// `max_version`.
    pub max_version: Option<TlsVersion>,
}

/// `tls_client_config` (prometheus/common `config.TLSConfig`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TlsClientConfig {
    /// CAs for verifying peers (`ca_file` or inline `ca`); the system roots when unset.
    pub ca: Option<PemSource>,
    /// Client certificate for mutual TLS.
    pub cert: Option<PemSource>,
    /// Client key; set exactly when `cert` is.
    pub key: Option<PemSource>,
    /// Name checked against the peer's certificate; the peer's IP when empty (as Go does).
    pub server_name: String,
    /// Skip verification of the peer's certificate.
    pub insecure_skip_verify: bool,
    /// `min_version`.
    pub min_version: Option<TlsVersion>,
    /// `max_version`.
    pub max_version: Option<TlsVersion>,
}

/// The whole `--cluster.tls-config` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsTransportConfig {
    /// The file it was read from (for error messages).
    pub path: PathBuf,
    /// `tls_server_config`.
    pub server: TlsServerConfig,
    /// `tls_client_config` (defaults when absent).
    pub client: TlsClientConfig,
}

/// Reads and validates a `--cluster.tls-config` file. Certificates are read later, when the
/// transport is built ([`super::TlsTransport::bind`]), as upstream does.
pub fn load_tls_config(path: impl AsRef<Path>) -> Result<TlsTransportConfig, TransportError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| {
        TransportError::Config(format!("cannot read TLS config {}: {e}", path.display()))
    })?;
    parse_tls_config(&text, path)
}

/// Parses the text of a `--cluster.tls-config` file; `path` names it in errors and its
/// directory anchors relative file names.
pub fn parse_tls_config(text: &str, path: &Path) -> Result<TlsTransportConfig, TransportError> {
    let file = path.display().to_string();
    let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let fail = |errors: Vec<ConfigError>, doc: Option<&Document>| {
        let lines: Vec<String> = errors
            .into_iter()
            .map(|mut e| {
                e.file = Some(file.clone());
                if e.line.is_none() {
                    e.line = doc.and_then(|d| d.line_of(&e.path));
                }
                e.to_string()
            })
            .collect();
        TransportError::Config(lines.join("; "))
    };
    let doc = Document::parse(text).map_err(|e| fail(e.0, None))?;
    let root = YamlPath::root();
    let mut errors = Vec::new();
    match &doc.root().kind {
        NodeKind::Null => {}
        NodeKind::Map(entries, _) => {
            for (k, _) in entries {
                let key = k.key_text().unwrap_or_default();
                if key != "tls_server_config" && key != "tls_client_config" {
                    errors.push(ConfigError::at(
                        root.key(&key),
                        format!("field {key} not found in type cluster.TLSTransportConfig"),
                    ));
                }
            }
        }
        _ => errors.push(ConfigError::at(
            root.clone(),
            format!(
                "cannot unmarshal {} into cluster.TLSTransportConfig",
                doc.root().describe()
            ),
        )),
    }
    let server_path = root.key("tls_server_config");
    let server = match doc.node_at(&server_path) {
        Some(n) if !n.is_null() => server_config(n, &server_path, &dir, &mut errors),
        _ => {
            errors.push(ConfigError::at(
                root.clone(),
                "missing 'tls_server_config' entry in the TLS configuration",
            ));
            None
        }
    };
    let client_path = root.key("tls_client_config");
    let client = match doc.deserialize_at::<Option<RawTlsConfig>>(&client_path) {
        Ok(raw) => match TlsConfig::from_raw_opt(raw, &client_path) {
            Ok(c) => client_config(c, &client_path, &dir, &mut errors),
            Err(e) => {
                errors.extend(e);
                None
            }
        },
        Err(e) => {
            errors.extend(e.0);
            None
        }
    };
    match (server, client) {
        (Some(server), Some(client)) if errors.is_empty() => Ok(TlsTransportConfig {
            path: path.to_path_buf(),
            server,
            client,
        }),
        _ => Err(fail(errors, Some(&doc))),
    }
}

fn scalar(node: &Node, path: &YamlPath, errors: &mut Vec<ConfigError>) -> String {
    match &node.kind {
        NodeKind::Null => String::new(),
        NodeKind::Scalar { text, .. } => text.clone(),
        _ => {
            errors.push(ConfigError::at(
                path.clone(),
                format!("cannot unmarshal {} into a string", node.describe()),
            ));
            String::new()
        }
    }
}

fn string_list(node: &Node, path: &YamlPath, errors: &mut Vec<ConfigError>) -> Vec<String> {
    match &node.kind {
        NodeKind::Null => Vec::new(),
        NodeKind::Seq(items) => items
            .iter()
            .enumerate()
            .map(|(i, n)| scalar(n, &path.index(i), errors))
            .collect(),
        _ => {
            errors.push(ConfigError::at(
                path.clone(),
                format!(
                    "cannot unmarshal {} into a list of strings",
                    node.describe()
                ),
            ));
            Vec::new()
        }
    }
}

fn version(text: &str, path: &YamlPath, errors: &mut Vec<ConfigError>) -> Option<TlsVersion> {
    if text.is_empty() {
        return None;
    }
    TlsVersion::parse(text)
        .map_err(|m| errors.push(ConfigError::at(path.clone(), m)))
        .ok()
}

fn server_config(
    node: &Node,
    path: &YamlPath,
    dir: &Path,
    errors: &mut Vec<ConfigError>,
) -> Option<TlsServerConfig> {
    let NodeKind::Map(entries, _) = &node.kind else {
        errors.push(ConfigError::at(
            path.clone(),
            format!("cannot unmarshal {} into web.TLSConfig", node.describe()),
        ));
        return None;
    };
    let before = errors.len();
    let (mut cert_file, mut key_file, mut ca_file) = (String::new(), String::new(), String::new());
    let (mut cert, mut key, mut ca) = (String::new(), String::new(), String::new());
    let (mut auth, mut min, mut max) = (String::new(), String::new(), String::new());
    let (mut suites, mut curves) = (Vec::new(), Vec::new());
    for (k, v) in entries {
        let key_name = k.key_text().unwrap_or_default();
        let p = path.key(&key_name);
        match key_name.as_str() {
            "cert_file" => cert_file = scalar(v, &p, errors),
            "key_file" => key_file = scalar(v, &p, errors),
            "client_ca_file" => ca_file = scalar(v, &p, errors),
            "cert" => cert = scalar(v, &p, errors),
            "key" => key = scalar(v, &p, errors),
            "client_ca" => ca = scalar(v, &p, errors),
            "client_auth_type" => auth = scalar(v, &p, errors),
            "min_version" => min = scalar(v, &p, errors),
            "max_version" => max = scalar(v, &p, errors),
            "cipher_suites" => suites = string_list(v, &p, errors),
            "curve_preferences" => curves = string_list(v, &p, errors),
            "prefer_server_cipher_suites" => {
                let b = scalar(v, &p, errors);
                if !matches!(
                    b.as_str(),
                    "" | "true" | "false" | "True" | "False" | "TRUE" | "FALSE"
                ) {
                    errors.push(ConfigError::at(
                        p,
                        format!("cannot unmarshal {b:?} into a boolean"),
                    ));
                }
            }
            "client_allowed_sans" => {
                if !string_list(v, &p, errors).is_empty() {
                    errors.push(ConfigError::at(
                        p,
                        "client_allowed_sans is not supported by alertmesh",
                    ));
                }
            }
            _ => errors.push(ConfigError::at(
                p,
                format!("field {key_name} not found in type web.TLSConfig"),
            )),
        }
    }
    let client_auth = ClientAuth::parse(&auth)
        .map_err(|m| errors.push(ConfigError::at(path.key("client_auth_type"), m)))
        .unwrap_or_default();
    let min_version = version(&min, &path.key("min_version"), errors);
    let max_version = version(&max, &path.key("max_version"), errors);
    let pick = |inline: String, file: String, name: &str, errors: &mut Vec<ConfigError>| match (
        inline.is_empty(),
        file.is_empty(),
    ) {
        (true, true) => None,
        (false, true) => Some(PemSource::Inline(inline)),
        (true, false) => Some(PemSource::file(dir, &file)),
        (false, false) => {
            errors.push(ConfigError::at(
                path.clone(),
                format!("at most one of {name} and {name}_file must be configured"),
            ));
            None
        }
    };
    let cert = pick(cert, cert_file, "cert", errors);
    let key = pick(key, key_file, "key", errors);
    let client_ca = pick(ca, ca_file, "client_ca", errors);
    if errors.len() > before {
        return None;
    }
    if cert.is_none() && key.is_none() && auth.is_empty() && client_ca.is_none() {
        errors.push(ConfigError::at(path.clone(), "TLS config is not present"));
        return None;
    }
    let (cert, key) = match (cert, key) {
        (Some(cert), Some(key)) => (cert, key),
        (None, _) => {
            errors.push(ConfigError::at(path.clone(), "missing cert_file"));
            return None;
        }
        (_, None) => {
            errors.push(ConfigError::at(path.clone(), "missing key_file"));
            return None;
        }
    };
    if client_ca.is_some() && client_auth == ClientAuth::NoClientCert {
        errors.push(ConfigError::at(
            path.key("client_ca_file"),
            "client CA's have been configured without a client auth policy",
        ));
        return None;
    }
    Some(TlsServerConfig {
        cert,
        key,
        client_auth,
        client_ca,
        cipher_suites: suites,
        curve_preferences: curves,
        min_version,
        max_version,
    })
}

fn client_config(
    c: TlsConfig,
    path: &YamlPath,
    dir: &Path,
    errors: &mut Vec<ConfigError>,
) -> Option<TlsClientConfig> {
    let mut ok = true;
    let mut source = |v: Option<ValueSource<String>>, field: &str| match v {
        None => None,
        Some(ValueSource::Inline(s)) => Some(PemSource::Inline(s)),
        Some(ValueSource::File(f)) => Some(PemSource::file(dir, &f)),
        Some(ValueSource::Ref(_)) => {
            errors.push(ConfigError::at(
                path.key(format!("{field}_ref")),
                "secret references are not supported",
            ));
            ok = false;
            None
        }
    };
    let ca = source(c.ca, "ca");
    let cert = source(c.cert, "cert");
    let key = source(
        c.key.map(|k| match k {
            ValueSource::Inline(s) => ValueSource::Inline(s.expose().to_string()),
            ValueSource::File(f) => ValueSource::File(f),
            ValueSource::Ref(r) => ValueSource::Ref(r),
        }),
        "key",
    );
    ok.then_some(TlsClientConfig {
        ca,
        cert,
        key,
        server_name: c.server_name,
        insecure_skip_verify: c.insecure_skip_verify,
        min_version: c.min_version,
        max_version: c.max_version,
    })
}
