//! The string keys Alertmanager derives from the routing tree and aggregation groups.
//!
//! Mirrors Alertmanager v0.28.0: `dispatch/route.go` (`Route.Key`, `Route.ID`),
//! `dispatch/dispatch.go` (`aggrGroup.GroupKey`), `pkg/labels/matcher.go` (`Matchers.String`),
//! `notify/util.go` (`Key.Hash`) and `nflog/nflog.go` (`receiverKey`, `stateKey`).
//!
//! These strings cross process boundaries: group keys are stored in notification-log entries
//! gossiped between cluster peers, their hashes become PagerDuty/Opsgenie/VictorOps/SNS/Jira
//! deduplication keys, and route IDs appear in the API. They must match upstream byte for byte.
//!
//! Matchers belong to the `matcher` module; functions here take a route's matchers already
//! rendered (each matcher's `String()` form, in the route's sorted order).

use std::fmt::{self, Write as _};

use sha2::{Digest, Sha256};

use crate::labels::LabelSet;

/// Renders a route's matchers like Go's `labels.Matchers.String()`: `{` + the matchers' own
/// string forms joined by `,` (no space) + `}`. The root route (no matchers) renders as `{}`.
///
/// Upstream sorts a route's matchers (`sort.Sort(matchers)` in `NewRoute`: by name, then value,
/// then match type) before rendering; pass them in that order.
pub fn render_matchers<I>(matchers: I) -> String
where
    I: IntoIterator,
    I::Item: fmt::Display,
{
    let mut out = String::from("{");
    for (i, m) in matchers.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        // Writing into a String cannot fail.
        let _ = write!(out, "{m}");
    }
    out.push('}');
    out
}

/// A route's key (`Route.Key`): the parent's key, `/`, then this route's rendered matchers; the
/// root route's key is just its rendered matchers (normally `{}`).
///
/// `parent_key` is the parent route's own key (`None` for the root).
pub fn route_key(parent_key: Option<&str>, matchers_rendered: &str) -> String {
    match parent_key {
        None => matchers_rendered.to_owned(),
        Some(parent) => format!("{parent}/{matchers_rendered}"),
    }
}

/// A route's unique ID (`Route.ID`): like [`route_key`] but built from the parent's ID and
/// followed by `/` and the route's index among its parent's child routes, so sibling routes
/// with equal matchers get different IDs. The root route's ID equals its key.
///
/// `parent` is the parent route's ID and this route's index in the parent's `routes` list.
pub fn route_id(parent: Option<(&str, usize)>, matchers_rendered: &str) -> String {
    match parent {
        None => matchers_rendered.to_owned(),
        Some((parent_id, index)) => format!("{parent_id}/{matchers_rendered}/{index}"),
    }
}

/// An aggregation group's key (`aggrGroup.GroupKey`): the route key, `:`, then the group labels
/// formatted like Go's `model.LabelSet.String()`, e.g. `{}/{env="prod"}:{alertname="Down"}`.
pub fn group_key(route_key: &str, group_labels: &LabelSet) -> String {
    format!("{route_key}:{group_labels}")
}

/// The hash of a group key that integrations use as a deduplication key (`notify.Key.Hash`):
/// lowercase hex of the SHA-256 of the key's bytes (64 characters).
pub fn group_key_hash(group_key: &str) -> String {
    let digest = Sha256::digest(group_key.as_bytes());
    let mut out = String::with_capacity(64);
    for byte in digest {
        // Writing into a String cannot fail.
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// The notification-log receiver key (`nflog.receiverKey`): `group_name/integration/idx`, where
/// `group_name` is the receiver's name, `integration` the integration kind (`webhook`, `email`,
/// …) and `idx` the integration's index within the receiver.
pub fn nflog_receiver_key(receiver_name: &str, integration: &str, idx: u32) -> String {
    format!("{receiver_name}/{integration}/{idx}")
}

/// The notification-log state key (`nflog.stateKey`): `group_key:receiver_key`, the key of the
/// nflog's state map (and of the entries merged from peers).
pub fn nflog_state_key(
    group_key: &str,
    receiver_name: &str,
    integration: &str,
    idx: u32,
) -> String {
    format!(
        "{group_key}:{}",
        nflog_receiver_key(receiver_name, integration, idx)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_keys_and_ids() {
        let root_matchers = render_matchers(Vec::<String>::new());
        assert_eq!(root_matchers, "{}");
        let root_key = route_key(None, &root_matchers);
        let root_id = route_id(None, &root_matchers);
        assert_eq!(root_key, "{}");
        assert_eq!(root_id, "{}");

        let child_matchers = render_matchers(["env=\"prod\"", "team=~\"a|b\""]);
        assert_eq!(child_matchers, "{env=\"prod\",team=~\"a|b\"}");
        let child_key = route_key(Some(&root_key), &child_matchers);
        assert_eq!(child_key, "{}/{env=\"prod\",team=~\"a|b\"}");
        let child_id = route_id(Some((&root_id, 2)), &child_matchers);
        assert_eq!(child_id, "{}/{env=\"prod\",team=~\"a|b\"}/2");

        let grandchild_id = route_id(Some((&child_id, 0)), "{}");
        assert_eq!(grandchild_id, "{}/{env=\"prod\",team=~\"a|b\"}/2/{}/0");
        assert_eq!(
            route_key(Some(&child_key), "{}"),
            "{}/{env=\"prod\",team=~\"a|b\"}/{}"
        );
    }

    #[test]
    fn group_key_uses_go_label_set_string() {
        let labels: LabelSet = [("alertname", "Down"), ("a0", "q\"")].into_iter().collect();
        assert_eq!(
            group_key("{}/{env=\"prod\"}", &labels),
            "{}/{env=\"prod\"}:{a0=\"q\\\"\", alertname=\"Down\"}"
        );
        assert_eq!(group_key("{}", &LabelSet::empty()), "{}:{}");
    }

    #[test]
    fn group_key_hash_is_sha256_hex() {
        // SHA-256 test vectors from FIPS 180-2.
        assert_eq!(
            group_key_hash(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            group_key_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn nflog_keys() {
        assert_eq!(
            nflog_receiver_key("team-x", "webhook", 3),
            "team-x/webhook/3"
        );
        assert_eq!(
            nflog_state_key("{}:{a=\"b\"}", "team-x", "email", 0),
            "{}:{a=\"b\"}:team-x/email/0"
        );
    }
}
