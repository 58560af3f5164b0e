//! Gossip over Alertmanager's TLS transport (`--cluster.tls-config`, upstream
//! `cluster/tls_transport.go`): Go Alertmanager 0.25 and alertmesh nodes with mutual TLS form
//! one cluster and replicate small (packet frames) and large (stream frames) silences both
//! ways; a node whose client certificate the others do not trust stays outside.

use std::path::Path;
use std::time::Duration;

use am_testkit::Flavor;
use am_testkit::cluster::{Cluster, ClusterOptions};

// Shared with tests/cluster.rs, which uses the helpers this file does not.
#[allow(dead_code)]
#[path = "cluster/support.rs"]
mod support;

use support::*;

/// Failure bound for a cluster to form.
const CONVERGE: Duration = Duration::from_secs(30);
/// Failure bound for a silence change to reach every node.
const PROPAGATE: Duration = Duration::from_secs(5);
/// Failure bound for counters to move (support's `wait_metric_at_least`).
const NOTIFY: Duration = Duration::from_secs(30);

const CONFIG: &str = "route:\n  receiver: none\nreceivers:\n- name: none\n";

/// Writes a `--cluster.tls-config` file requiring and verifying client certificates, trusting
/// `ca` (a self-signed certificate acting as its own anchor).
fn tls_config(dir: &Path, cert: &Path, key: &Path, ca: &Path) -> String {
    let path = dir.join("cluster-tls.yml");
    let yaml = format!(
        "tls_server_config:\n  cert_file: {cert}\n  key_file: {key}\n  \
         client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: {ca}\n\
         tls_client_config:\n  cert_file: {cert}\n  key_file: {key}\n  ca_file: {ca}\n",
        cert = cert.display(),
        key = key.display(),
        ca = ca.display(),
    );
    std::fs::write(&path, yaml).expect("write tls config");
    path.display().to_string()
}

fn options(tls_config: &str) -> ClusterOptions {
    ClusterOptions {
        extra_args: vec![format!("--cluster.tls-config={tls_config}")],
        ..ClusterOptions::default()
    }
}

fn run(flavors: &[Flavor]) -> Result<(), String> {
    let dir = am_testkit::tempdir();
    let Some((cert, key)) = am_testkit::tls::self_signed_cert(dir.path()) else {
        return Ok(());
    };
    let config = tls_config(dir.path(), &cert, &key, &cert);
    let cluster = Cluster::start(flavors, CONFIG, options(&config))?;
    let fail = |e: String| format!("{e}\n{}", cluster.logs());
    cluster.wait_converged(CONVERGE).map_err(fail)?;
    let last = flavors.len() - 1;
    for (from, size) in [(0, 0), (last, 0), (0, LARGE), (last, LARGE)] {
        let id = create_silence(&cluster, from, size).map_err(fail)?;
        wait_silence_everywhere(&cluster, &id, "active").map_err(|e| {
            fail(format!(
                "silence {id} ({size}-byte comment) from node {from} over TLS: {e}"
            ))
        })?;
    }
    let metrics = cluster.metrics(last).map_err(fail)?;
    if !metrics.contains("alertmanager_tls_transport_packet_bytes_sent_total") {
        return Err(fail(format!(
            "node {last} exports no alertmanager_tls_transport_* metrics"
        )));
    }
    Ok(())
}

#[test]
fn go_and_alertmesh_over_mutual_tls() {
    let flavors = [Flavor::Go, Flavor::Alertmesh];
    if !mix_available(&flavors) {
        return;
    }
    run(&flavors).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn alertmesh_and_go_over_mutual_tls() {
    let flavors = [Flavor::Alertmesh, Flavor::Go];
    if !mix_available(&flavors) {
        return;
    }
    run(&flavors).unwrap_or_else(|e| panic!("{e}"));
}

/// A node presenting a certificate the others do not trust never joins: TLS is really checked
/// on both sides.
#[test]
fn untrusted_client_certificate_stays_outside() {
    let flavors = [Flavor::Go, Flavor::Alertmesh];
    if !mix_available(&flavors) {
        return;
    }
    let dir = am_testkit::tempdir();
    let other = am_testkit::tempdir();
    let (Some((cert, key)), Some((bad_cert, bad_key))) = (
        am_testkit::tls::self_signed_cert(dir.path()),
        am_testkit::tls::self_signed_cert(other.path()),
    ) else {
        return;
    };
    // The Go node trusts only `cert`; the alertmesh node presents `bad_cert` and joins it.
    let good = tls_config(dir.path(), &cert, &key, &cert);
    let bad = tls_config(other.path(), &bad_cert, &bad_key, &cert);
    let go =
        Cluster::start(&[Flavor::Go], CONFIG, options(&good)).unwrap_or_else(|e| panic!("{e}"));
    let mut opts = options(&bad);
    opts.extra_args
        .push(format!("--cluster.peer={}", go.cluster_addr(0)));
    let mesh = Cluster::start(&[Flavor::Alertmesh], CONFIG, opts).unwrap_or_else(|e| panic!("{e}"));
    let logs = || format!("{}\n{}", go.logs(), mesh.logs());
    // The alertmesh node keeps retrying the Go peer (its failed-reconnection counter moves every
    // --cluster.reconnect-interval); after three rounds neither side may list the other.
    wait_metric_at_least(
        &mesh,
        &[0],
        "alertmanager_cluster_reconnections_failed_total",
        3.0,
    )
    .unwrap_or_else(|e| panic!("{e}\n{}", logs()));
    for (name, cluster) in [("go", &go), ("alertmesh", &mesh)] {
        let status = cluster
            .status(0)
            .unwrap_or_else(|e| panic!("{e}\n{}", logs()));
        assert_eq!(
            status.peers.len(),
            1,
            "the {name} node must see only itself, got {:?}\n{}",
            status.peer_names(),
            logs()
        );
    }
}
