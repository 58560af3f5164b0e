//! The `--cluster.tls-config` file: `load_tls_config`/`parse_tls_config` read it strictly and
//! name the file, line and field in every error; `TlsTransport::bind` reports certificate
//! problems the same way.

use std::path::{Path, PathBuf};

use am_cluster::transport::{
    ClientAuth, PemSource, TlsTransport, TlsVersion, load_tls_config, parse_tls_config,
};
use am_metrics::Registry;

fn parse(yaml: &str) -> Result<am_cluster::transport::TlsTransportConfig, String> {
    parse_tls_config(yaml, Path::new("/etc/am/tls.yml")).map_err(|e| e.to_string())
}

fn err(yaml: &str) -> String {
    parse(yaml).expect_err("invalid config accepted")
}

const SERVER: &str = "tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n";

#[test]
fn valid_config_resolves_relative_paths() {
    let c = parse(
        "tls_server_config:\n  cert_file: certs/c.pem\n  key_file: /abs/k.pem\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n  min_version: TLS13\n  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]\n  curve_preferences: [X25519]\n  prefer_server_cipher_suites: true\ntls_client_config:\n  ca_file: ca.pem\n  cert: |\n    inline\n  key_file: k.pem\n  server_name: peer.example\n  insecure_skip_verify: false\n",
    )
    .unwrap();
    assert_eq!(
        c.server.cert,
        PemSource::File(PathBuf::from("/etc/am/certs/c.pem"))
    );
    assert_eq!(c.server.key, PemSource::File(PathBuf::from("/abs/k.pem")));
    assert_eq!(c.server.client_auth, ClientAuth::RequireAndVerifyClientCert);
    assert_eq!(
        c.server.client_ca,
        Some(PemSource::File(PathBuf::from("/etc/am/ca.pem")))
    );
    assert_eq!(c.server.min_version, Some(TlsVersion::Tls13));
    assert_eq!(
        c.server.cipher_suites,
        ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
    );
    assert_eq!(
        c.client.ca,
        Some(PemSource::File(PathBuf::from("/etc/am/ca.pem")))
    );
    assert_eq!(c.client.cert, Some(PemSource::Inline("inline\n".into())));
    assert_eq!(c.client.server_name, "peer.example");

    // tls_client_config is optional; RequireClientCert is an old alias.
    let c = parse(&format!("{SERVER}  client_auth_type: RequireClientCert\n")).unwrap();
    assert_eq!(c.client, Default::default());
    assert_eq!(c.server.client_auth, ClientAuth::RequireAnyClientCert);
}

#[test]
fn errors_name_the_file_line_and_field() {
    let cases: &[(&str, &[&str])] = &[
        (
            "",
            &["/etc/am/tls.yml", "missing 'tls_server_config' entry"],
        ),
        (
            "tls_client_config: {}\n",
            &["missing 'tls_server_config' entry"],
        ),
        (
            &format!("{SERVER}bogus: 1\n"),
            &[
                "/etc/am/tls.yml:4:",
                "field bogus not found in type cluster.TLSTransportConfig",
            ],
        ),
        (
            "tls_server_config:\n  cert_fil: c.pem\n",
            &[
                ":2:",
                "tls_server_config.cert_fil",
                "not found in type web.TLSConfig",
            ],
        ),
        (
            &format!("{SERVER}  client_auth_type: Sometimes\n"),
            &[
                "tls_server_config.client_auth_type",
                "invalid ClientAuth: Sometimes",
            ],
        ),
        (
            &format!("{SERVER}  client_ca_file: ca.pem\n"),
            &[
                "tls_server_config.client_ca_file",
                "without a client auth policy",
            ],
        ),
        (
            "tls_server_config:\n  cert_file: c.pem\n",
            &["tls_server_config", "missing key_file"],
        ),
        (
            "tls_server_config:\n  key_file: k.pem\n",
            &["missing cert_file"],
        ),
        ("tls_server_config: {}\n", &["TLS config is not present"]),
        (
            &format!("{SERVER}  cert: inline\n"),
            &["at most one of cert and cert_file"],
        ),
        (
            &format!("{SERVER}  min_version: TLS99\n"),
            &[
                "tls_server_config.min_version",
                "unknown TLS version: TLS99",
            ],
        ),
        (
            &format!("{SERVER}  client_allowed_sans: [a.example]\n"),
            &["tls_server_config.client_allowed_sans", "not supported"],
        ),
        (
            &format!("{SERVER}  cipher_suites: x\n"),
            &["tls_server_config.cipher_suites", "list of strings"],
        ),
        (
            &format!("{SERVER}tls_client_config:\n  ca_fil: x\n"),
            &["/etc/am/tls.yml:5:", "tls_client_config", "ca_fil"],
        ),
        (
            &format!("{SERVER}tls_client_config:\n  ca_ref: vault\n"),
            &["tls_client_config.ca_ref", "not supported"],
        ),
        (
            &format!("{SERVER}tls_client_config:\n  cert_file: c.pem\n"),
            &["tls_client_config", "key"],
        ),
        ("tls_server_config: [\n", &["/etc/am/tls.yml"]),
    ];
    for (yaml, wants) in cases {
        let e = err(yaml);
        for want in *wants {
            assert!(e.contains(want), "{yaml:?}: {e:?} lacks {want:?}");
        }
    }
}

#[test]
fn load_reads_the_file() {
    let dir = am_testkit::tempdir();
    let path = dir.path().join("tls.yml");
    let e = load_tls_config(&path).unwrap_err().to_string();
    assert!(e.contains(&path.display().to_string()), "{e}");
    std::fs::write(&path, SERVER).unwrap();
    let c = load_tls_config(&path).unwrap();
    assert_eq!(c.server.cert, PemSource::File(dir.path().join("c.pem")));
    assert_eq!(c.path, path);
}

#[tokio::test]
async fn bind_reports_certificate_problems() {
    let dir = am_testkit::tempdir();
    let Some((cert, key)) = am_testkit::self_signed_cert(dir.path()) else {
        return;
    };
    let file = dir.path().join("tls.yml");
    let bind = |yaml: String| {
        let file = file.clone();
        async move {
            let c = parse_tls_config(&yaml, &file).unwrap();
            TlsTransport::bind("127.0.0.1:0".parse().unwrap(), &c, &Registry::new())
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
    };
    let (c, k) = (cert.display(), key.display());
    let ok = format!(
        "tls_server_config:\n  cert_file: {c}\n  key_file: {k}\ntls_client_config:\n  ca_file: {c}\n"
    );
    bind(ok.clone()).await.unwrap();

    let cases = [
        (
            "tls_server_config:\n  cert_file: missing.pem\n  key_file: k.pem\ntls_client_config:\n  ca_file: x\n".to_string(),
            vec!["tls_server_config.cert_file", "missing.pem"],
        ),
        (
            format!("tls_server_config:\n  cert_file: {c}\n  key_file: {c}\ntls_client_config:\n  ca_file: {c}\n"),
            vec!["tls_server_config.key_file", "no PEM private key"],
        ),
        (
            format!("tls_server_config:\n  cert_file: {k}\n  key_file: {k}\ntls_client_config:\n  ca_file: {c}\n"),
            vec!["tls_server_config.cert_file", "no PEM certificate"],
        ),
        (
            format!("tls_server_config:\n  cert_file: {c}\n  key_file: {k}\ntls_client_config:\n  ca_file: {k}\n"),
            vec!["tls_client_config.ca_file"],
        ),
        (
            format!("{ok}  max_version: TLS11\n"),
            vec!["tls_client_config.max_version", "not supported"],
        ),
        (
            format!("tls_server_config:\n  cert_file: {c}\n  key_file: {k}\n  min_version: TLS13\n  max_version: TLS12\ntls_client_config:\n  ca_file: {c}\n"),
            vec!["tls_server_config", "below min_version"],
        ),
        (
            format!("tls_server_config:\n  cert_file: {c}\n  key_file: {k}\n  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\ntls_client_config:\n  ca_file: {c}\n"),
            vec!["tls_server_config.cipher_suites", "TLS_RSA_WITH_RC4_128_SHA"],
        ),
        (
            format!("tls_server_config:\n  cert_file: {c}\n  key_file: {k}\n  curve_preferences: [CurveP521]\ntls_client_config:\n  ca_file: {c}\n"),
            vec!["tls_server_config.curve_preferences", "CurveP521"],
        ),
    ];
    for (yaml, wants) in cases {
        let e = bind(yaml.clone()).await.expect_err(&yaml);
        assert!(e.contains(&file.display().to_string()), "{e}");
        for want in wants {
            assert!(e.contains(want), "{yaml:?}: {e:?} lacks {want:?}");
        }
    }
    // Known suites and curves are accepted.
    bind(format!("tls_server_config:\n  cert_file: {c}\n  key_file: {k}\n  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305]\n  curve_preferences: [CurveP256, X25519]\ntls_client_config:\n  ca_file: {c}\n"))
        .await
        .unwrap();
}
