use std::time::Duration;

use super::*;

fn run(args: &[&str]) -> Flags {
    let argv = std::iter::once("alertmesh").chain(args.iter().copied());
    match Flags::parse_args(argv) {
        Ok(Invocation::Run(flags)) => *flags,
        other => panic!("{args:?}: expected to run, got {other:?}"),
    }
}

fn error(args: &[&str]) -> String {
    let argv = std::iter::once("alertmesh").chain(args.iter().copied());
    match Flags::parse_args(argv) {
        Err(e) => e.to_string(),
        other => panic!("{args:?}: expected an error, got {other:?}"),
    }
}

fn secs(s: u64) -> GoDuration {
    GoDuration(Duration::from_secs(s))
}

fn millis(ms: u64) -> GoDuration {
    GoDuration(Duration::from_millis(ms))
}

#[test]
fn defaults_match_alertmanager_0_28() {
    let f = run(&[]);
    assert_eq!(f.config_file, "alertmanager.yml");
    assert!(!f.config_file_given);
    assert_eq!(f.storage_path, "data/");
    assert_eq!(f.data_retention, secs(120 * 3600));
    assert_eq!(f.data_maintenance_interval, secs(15 * 60));
    assert_eq!(f.silences_max_silences, 0);
    assert_eq!(f.silences_max_silence_size_bytes, 0);
    assert_eq!(f.alerts_gc_interval, secs(30 * 60));
    assert!(!f.web.systemd_socket);
    assert_eq!(f.web.listen_addresses, [":9093"]);
    assert_eq!(f.web.config_file, "");
    assert_eq!(f.web.external_url, None);
    assert_eq!(f.web.route_prefix, None);
    assert_eq!(f.web.get_concurrency, 0);
    assert_eq!(f.web.timeout, GoDuration::default());
    assert!((f.auto_gomemlimit_ratio - 0.9).abs() < f64::EPSILON);
    let c = &f.cluster;
    assert_eq!(c.listen_address, "0.0.0.0:9094");
    assert_eq!(c.advertise_address, None);
    assert!(c.peers.is_empty());
    assert_eq!(c.peer_timeout, secs(15));
    assert_eq!(c.gossip_interval, millis(200));
    assert_eq!(c.pushpull_interval, secs(60));
    assert_eq!(c.tcp_timeout, secs(10));
    assert_eq!(c.probe_timeout, millis(500));
    assert_eq!(c.probe_interval, secs(1));
    assert_eq!(c.settle_timeout, secs(60));
    assert_eq!(c.reconnect_interval, secs(10));
    assert_eq!(c.reconnect_timeout, secs(6 * 3600));
    assert_eq!(c.tls_config, "");
    assert!(!c.allow_insecure_public_advertise);
    assert_eq!(c.label, "");
    assert_eq!(f.features(), Ok(Features::default()));
    assert_eq!(f.log.level, LogLevel::Info);
    assert_eq!(f.log.format, LogFormat::Logfmt);
}

#[test]
fn equals_and_separate_values_are_the_same() {
    let joined = run(&[
        "--cluster.gossip-interval=1s",
        "--config.file=x.yml",
        "--log.level=debug",
    ]);
    let separate = run(&[
        "--cluster.gossip-interval",
        "1s",
        "--config.file",
        "x.yml",
        "--log.level",
        "debug",
    ]);
    for f in [joined, separate] {
        assert_eq!(f.cluster.gossip_interval, secs(1));
        assert_eq!(f.config_file, "x.yml");
        assert!(f.config_file_given);
        assert_eq!(f.log.level, LogLevel::Debug);
    }
}

#[test]
fn explicit_default_config_file_counts_as_given() {
    assert!(run(&["--config.file=alertmanager.yml"]).config_file_given);
}

#[test]
fn repeatable_flags_replace_their_default() {
    let f = run(&[
        "--web.listen-address=:1",
        "--web.listen-address",
        "127.0.0.1:2",
        "--cluster.peer=a:9094",
        "--cluster.peer=b:9094",
        "--enable-feature=classic-mode",
        "--enable-feature=auto-gomaxprocs,receiver-name-in-metrics",
    ]);
    assert_eq!(f.web.listen_addresses, [":1", "127.0.0.1:2"]);
    assert_eq!(f.cluster.peers, ["a:9094", "b:9094"]);
    assert_eq!(
        f.features().unwrap().enabled(),
        [
            Feature::ClassicMode,
            Feature::AutoGoMaxProcs,
            Feature::ReceiverNameInMetrics
        ]
    );
}

#[test]
fn empty_values_are_allowed() {
    let f = run(&["--cluster.listen-address=", "--web.external-url", ""]);
    assert_eq!(f.cluster.listen_address, "");
    assert_eq!(f.web.external_url.as_deref(), Some(""));
}

#[test]
fn boolean_flags_and_negations_last_one_wins() {
    assert!(run(&["--web.systemd-socket"]).web.systemd_socket);
    assert!(!run(&["--no-web.systemd-socket"]).web.systemd_socket);
    assert!(
        !run(&["--web.systemd-socket", "--no-web.systemd-socket"])
            .web
            .systemd_socket
    );
    assert!(
        run(&["--no-web.systemd-socket", "--web.systemd-socket"])
            .web
            .systemd_socket
    );
    let flag = "--cluster.allow-insecure-public-advertise-address-discovery";
    assert!(run(&[flag]).cluster.allow_insecure_public_advertise);
    let negated = format!("--no-{}", &flag[2..]);
    assert!(
        !run(&[flag, &negated])
            .cluster
            .allow_insecure_public_advertise
    );
}

#[test]
fn numbers_are_read_like_kingpin() {
    let f = run(&[
        "--web.get-concurrency=1e2",
        "--silences.max-silences=-3",
        "--web.timeout=-1s",
    ]);
    assert_eq!(f.web.get_concurrency, 100);
    assert_eq!(f.silences_max_silences, -3);
    assert_eq!(
        f.web.timeout,
        GoDuration::default(),
        "negative timeout means none"
    );
    assert_eq!(run(&["--web.timeout=1m30s"]).web.timeout, secs(90));
}

#[test]
fn bad_values_name_the_flag() {
    assert_eq!(
        error(&["--cluster.gossip-interval=x"]),
        r#"invalid value "x" for --cluster.gossip-interval: time: invalid duration "x""#
    );
    assert_eq!(
        error(&["--data.retention", "5d"]),
        r#"invalid value "5d" for --data.retention: time: unknown unit "d" in duration "5d""#
    );
    assert_eq!(
        error(&["--data.retention=-1h"]),
        r#"invalid value "-1h" for --data.retention: invalid duration "-1h": negative durations are not allowed"#
    );
    assert_eq!(
        error(&["--web.get-concurrency=many"]),
        r#"invalid value "many" for --web.get-concurrency: expected a number"#
    );
    assert_eq!(
        error(&["--log.level=trace"]),
        r#"invalid value "trace" for --log.level: unrecognized log level trace"#
    );
    assert_eq!(
        error(&["--log.format=text"]),
        r#"invalid value "text" for --log.format: unrecognized log format text"#
    );
}

#[test]
fn usage_errors_in_kingpin_terms() {
    assert_eq!(error(&["--bogus"]), "unknown long flag '--bogus'");
    assert!(
        error(&["--config.fil=x"]).starts_with("unknown long flag '--config.fil' (did you mean"),
        "{}",
        error(&["--config.fil=x"])
    );
    assert_eq!(error(&["stray"]), "unexpected stray");
    assert!(error(&["--no-config.file"]).starts_with("unknown long flag '--no-config.file'"));
    assert_eq!(
        error(&["--cluster.gossip-interval"]),
        "expected argument for flag '--cluster.gossip-interval'"
    );
    assert_eq!(
        error(&["--config.file=a", "--config.file=b"]),
        "flag 'config.file' cannot be repeated"
    );
    assert_eq!(
        error(&["--web.systemd-socket=true"]),
        "unexpected true: --web.systemd-socket takes no value"
    );
}

#[test]
fn help_and_version() {
    let help = match Flags::parse_args(["alertmesh", "--help"]) {
        Ok(Invocation::Help(text)) => text,
        other => panic!("{other:?}"),
    };
    assert_eq!(help, Flags::help_text());
    assert!(matches!(
        Flags::parse_args(["alertmesh", "-h"]),
        Ok(Invocation::Help(_))
    ));
    assert!(matches!(
        Flags::parse_args(["alertmesh", "--help-long"]),
        Ok(Invocation::Help(_))
    ));
    match Flags::parse_args(["alertmesh", "--version"]) {
        Ok(Invocation::Version(text)) => assert!(text.starts_with("alertmesh, version ")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn help_shows_defaults_in_kingpin_form() {
    let help = Flags::help_text();
    for expected in [
        "  -h, --help ",
        "      --config.file=\"alertmanager.yml\"",
        "      --data.retention=120h ",
        "      --web.listen-address=:9093 ...",
        "      --web.config.file=\"\"",
        "      --web.external-url=WEB.EXTERNAL-URL",
        "      --web.systemd-socket ",
        "      --cluster.peer=CLUSTER.PEER ...",
        "      --cluster.pushpull-interval=1m0s",
        "      --cluster.reconnect-timeout=6h0m0s",
        "      --log.level=info ",
        "      --version ",
    ] {
        assert!(help.contains(expected), "missing {expected:?} in\n{help}");
    }
    assert!(!help.contains("--no-"), "negations are not listed:\n{help}");
    assert!(!help.contains("help-long"), "{help}");
    assert!(
        help.lines()
            .all(|l| l.chars().count() <= 80 || !l.contains(' ')),
        "{help}"
    );
}

#[test]
fn arg_files_are_expanded() {
    let dir = tempfile::tempdir().unwrap();
    let inner = dir.path().join("inner.args");
    std::fs::write(&inner, "--cluster.peer=b:1\n").unwrap();
    let outer = dir.path().join("outer.args");
    std::fs::write(
        &outer,
        format!("# comment\n--cluster.peer\na:1\n@{}\n", inner.display()),
    )
    .unwrap();
    let outer_arg = format!("@{}", outer.display());
    let f = run(&[&outer_arg, "--cluster.peer=c:1"]);
    assert_eq!(f.cluster.peers, ["a:1", "b:1", "c:1"]);

    let looping = dir.path().join("loop.args");
    std::fs::write(&looping, format!("@{}\n", looping.display())).unwrap();
    assert!(error(&[&format!("@{}", looping.display())]).contains("nested more than"));
    assert!(error(&["@/nonexistent/args"]).starts_with("failed to open arguments file"));
}
