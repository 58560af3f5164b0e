//! The command tree and global flags of `alertmeshctl` (amtool's, upstream `cli/root.go`), and
//! `check-config`'s handling of its arguments and of standard input.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn ctl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_alertmeshctl"))
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_lists_amtool_commands_and_global_flags() {
    let out = ctl(&["--help"]);
    assert!(out.status.success());
    let help = text(&out.stdout);
    for command in [
        "alert",
        "silence",
        "check-config",
        "cluster",
        "config",
        "template",
    ] {
        assert!(
            help.contains(&format!("  {command} ")),
            "missing {command}:\n{help}"
        );
    }
    for flag in [
        "--alertmanager.url",
        "--output",
        "--timeout",
        "--http.config.file",
        "--version-check",
        "--no-version-check",
        "--enable-feature",
        "--verbose",
        "--version",
    ] {
        assert!(help.contains(flag), "missing {flag}:\n{help}");
    }
}

#[test]
fn subcommand_help_lists_their_subcommands() {
    let cases: [(&[&str], &[&str]); 5] = [
        (&["alert", "--help"], &["query", "add"]),
        (
            &["silence", "--help"],
            &["add", "query", "expire", "update", "import"],
        ),
        (&["config", "--help"], &["show", "routes"]),
        (
            &["config", "routes", "--help"],
            &["show", "test", "--config.file"],
        ),
        (
            &["template", "render", "--help"],
            &["--template.glob", "--template.text"],
        ),
    ];
    for (args, wanted) in cases {
        let out = ctl(args);
        assert!(out.status.success(), "{args:?}");
        let help = text(&out.stdout);
        for w in wanted {
            assert!(help.contains(w), "{args:?} help lacks {w}:\n{help}");
        }
    }
}

#[test]
fn remote_commands_fail_with_exit_1_when_unreachable() {
    // A port nothing listens on (bound, then released).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    let url = format!("--alertmanager.url=http://127.0.0.1:{port}");
    let cases: [&[&str]; 10] = [
        &["alert"],
        &["alert", "query", "foo"],
        &["alert", "add", "alertname=x"],
        &["silence"],
        &["silence", "add", "-c", "c", "a=b"],
        &["silence", "expire", "id"],
        &["silence", "update", "id"],
        &["cluster"],
        &["config", "show"],
        &["config", "routes", "test", "a=b"],
    ];
    for args in cases {
        let mut all = vec![url.as_str()];
        all.extend_from_slice(args);
        let out = ctl(&all);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        assert!(
            err.starts_with("alertmeshctl: error: ") && err.contains("connection refused"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn usage_errors_exit_1_and_version_exits_0() {
    assert_eq!(ctl(&["no-such-command"]).status.code(), Some(1));
    assert_eq!(ctl(&["--output", "yaml", "cluster"]).status.code(), Some(1));
    assert_eq!(
        ctl(&["--timeout", "5 minutes", "cluster"]).status.code(),
        Some(1)
    );
    let out = ctl(&["--enable-feature", "no-such-feature", "check-config", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no-such-feature"));
    let out = ctl(&["--version"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn check_config_rejects_missing_files_and_directories_before_checking() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.yml");
    std::fs::write(&good, "route: {receiver: r}\nreceivers: [{name: r}]\n").unwrap();
    let missing = dir.path().join("missing.yml");
    let out = ctl(&[
        "check-config",
        good.to_str().unwrap(),
        missing.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.is_empty(),
        "nothing is checked: {}",
        text(&out.stdout)
    );
    assert!(text(&out.stderr).contains("does not exist"));
    let out = ctl(&["check-config", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("is a directory"));
}

#[test]
fn check_config_reads_standard_input_when_no_file_is_given() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_alertmeshctl"))
        .arg("check-config")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"route: {receiver: r}\nreceivers: [{name: r}]\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("Checking '/dev/stdin'  SUCCESS\n"),
        "{stdout}{}",
        text(&out.stderr)
    );
    assert!(out.status.success());

    // Like amtool, a character device (here /dev/null) is refused.
    let out = Command::new(env!("CARGO_BIN_EXE_alertmeshctl"))
        .arg("check-config")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("standard input"));
}

#[test]
fn check_config_exit_code_and_final_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yml");
    std::fs::write(&bad, "route: {receiver: nobody}\nreceivers: [{name: r}]\n").unwrap();
    let out = ctl(&["check-config", bad.to_str().unwrap(), bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.matches("  FAILED: ").count(), 2, "{stdout}");
    assert!(text(&out.stderr).contains("error: failed to validate 2 file(s)"));
}
