//! Hand-written JSON writers for the hot GET paths (`gettableAlert`, `alertGroup`): append
//! straight to a `Vec<u8>` with Go's field order and escaping (see [`crate::json`]), producing
//! exactly the bytes of serializing [`GettableAlert`](super::GettableAlert) /
//! [`AlertGroup`](super::AlertGroup) with [`crate::json::to_vec`].

use am_model::alert::Alert;
use am_model::labels::{Fingerprint, LabelSet};

use super::models::AlertStatus;
use crate::json::write_str;
use crate::time::write_millis;

const HEX: &[u8; 16] = b"0123456789abcdef";

fn write_labels(out: &mut Vec<u8>, ls: &LabelSet) {
    out.push(b'{');
    for (i, (k, v)) in ls.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(out, k);
        out.push(b':');
        write_str(out, v);
    }
    out.push(b'}');
}

fn write_time(out: &mut Vec<u8>, t: jiff::Timestamp) {
    out.push(b'"');
    write_millis(out, t);
    out.push(b'"');
}

fn write_str_list<S: AsRef<str>>(out: &mut Vec<u8>, items: &[S]) {
    out.push(b'[');
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(out, s.as_ref());
    }
    out.push(b']');
}

/// Appends one `gettableAlert` object. `fingerprint` must be `alert.fingerprint()` (passed in
/// so callers holding it skip rehashing); `receivers` are receiver names.
pub fn write_gettable_alert<S: AsRef<str>>(
    out: &mut Vec<u8>,
    alert: &Alert,
    fingerprint: Fingerprint,
    receivers: &[S],
    status: &AlertStatus,
) {
    out.extend_from_slice(b"{\"annotations\":");
    write_labels(out, &alert.annotations);
    out.extend_from_slice(b",\"endsAt\":");
    write_time(out, alert.ends_at);
    out.extend_from_slice(b",\"fingerprint\":\"");
    let fp = fingerprint.0;
    let mut hex = [0u8; 16];
    for (i, h) in hex.iter_mut().enumerate() {
        *h = HEX[((fp >> ((15 - i) * 4)) & 0xF) as usize];
    }
    out.extend_from_slice(&hex);
    out.extend_from_slice(b"\",\"receivers\":[");
    for (i, r) in receivers.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"name\":");
        write_str(out, r.as_ref());
        out.push(b'}');
    }
    out.extend_from_slice(b"],\"startsAt\":");
    write_time(out, alert.starts_at);
    out.extend_from_slice(b",\"status\":{\"inhibitedBy\":");
    write_str_list(out, &status.inhibited_by);
    out.extend_from_slice(b",\"mutedBy\":");
    write_str_list(out, &status.muted_by);
    out.extend_from_slice(b",\"silencedBy\":");
    write_str_list(out, &status.silenced_by);
    out.extend_from_slice(b",\"state\":\"");
    out.extend_from_slice(status.state.as_str().as_bytes());
    out.extend_from_slice(b"\"},\"updatedAt\":");
    write_time(out, alert.updated_at);
    if !alert.generator_url.is_empty() {
        out.extend_from_slice(b",\"generatorURL\":");
        write_str(out, &alert.generator_url);
    }
    out.extend_from_slice(b",\"labels\":");
    write_labels(out, &alert.labels);
    out.push(b'}');
}

/// Appends the opening of an `alertGroup` object (`{"alerts":[`); follow with alerts written by
/// [`write_gettable_alert`] separated by `,`, then [`write_alert_group_end`].
pub fn write_alert_group_start(out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"alerts\":[");
}

/// Appends the closing of an `alertGroup` object: `],"labels":{…},"receiver":{"name":…}}`.
pub fn write_alert_group_end(out: &mut Vec<u8>, group_labels: &LabelSet, receiver: &str) {
    out.extend_from_slice(b"],\"labels\":");
    write_labels(out, group_labels);
    out.extend_from_slice(b",\"receiver\":{\"name\":");
    write_str(out, receiver);
    out.extend_from_slice(b"}}");
}

/// One alert of a group for [`write_alert_group`].
#[derive(Debug, Clone, Copy)]
pub struct AlertRef<'a, S> {
    /// The alert.
    pub alert: &'a Alert,
    /// Its fingerprint.
    pub fingerprint: Fingerprint,
    /// Receiver names.
    pub receivers: &'a [S],
    /// Its status.
    pub status: &'a AlertStatus,
}

/// Appends a whole `alertGroup` object.
pub fn write_alert_group<S: AsRef<str>>(
    out: &mut Vec<u8>,
    group_labels: &LabelSet,
    receiver: &str,
    alerts: &[AlertRef<'_, S>],
) {
    write_alert_group_start(out);
    for (i, a) in alerts.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_gettable_alert(out, a.alert, a.fingerprint, a.receivers, a.status);
    }
    write_alert_group_end(out, group_labels, receiver);
}
