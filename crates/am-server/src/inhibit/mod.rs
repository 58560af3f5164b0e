//! Inhibition: alerts matching a rule's target matchers are muted while a firing alert
//! matching its source matchers has the same values for the rule's `equal` labels. Mirrors
//! upstream `inhibit/inhibit.go` (v0.28): `Inhibitor.Mutes`, `InhibitRule.hasEqual` with its
//! two-sided-match exclusion, and the per-rule source cache fed by the alert subscription
//! (here [`Inhibitor::observe`]) and garbage-collected of resolved alerts.
//!
//! Each rule keeps its sources in buckets keyed by a hash of the `equal` label values, so a
//! target finds its candidate sources in O(1). A rule whose target matchers do not match costs
//! only the matcher evaluation (equality matchers are checked before regex ones).
//!
//! Upstream's subscription first replays every stored alert, so an inhibitor built on (re)load
//! must be fed the store's current alerts ([`Inhibitor::observe_batch`]) before it is used.
//! Which inhibiting source is reported when several qualify is unspecified upstream (map order);
//! here it is the earliest cached one in its bucket.

use std::hash::{BuildHasher, Hash, Hasher};

use hashbrown::HashMap;
use jiff::Timestamp;
use nohash_hasher::BuildNoHashHasher;
use parking_lot::RwLock;
use smol_str::SmolStr;

use am_config::inhibit::InhibitRule;
use am_model::alert::{Alert, is_zero};
use am_model::labels::{Fingerprint, LabelSet};
use am_model::matcher::{Matcher, Matchers};

/// Seed-free hasher for the `equal` label values: bucket hashes only need to be stable within
/// one process.
type ValueHasher = foldhash::fast::FixedState;

/// One inhibiting (source) alert in a rule's cache.
#[derive(Debug)]
struct Source {
    fp: Fingerprint,
    /// Values of the rule's `equal` labels, in rule order ("" for a missing label).
    values: Box<[SmolStr]>,
    /// `ends_at` of the latest version observed ([`am_model::alert::ZERO_TIME`] = open end).
    ends_at: Timestamp,
    /// The source also matches the rule's target matchers.
    two_sided: bool,
}

impl Source {
    fn firing_at(&self, now: Timestamp) -> bool {
        is_zero(self.ends_at) || self.ends_at > now
    }
}

/// A rule's source cache: buckets of sources by `equal`-values hash, and each cached
/// fingerprint's bucket.
#[derive(Debug, Default)]
struct SourceCache {
    buckets: HashMap<u64, Vec<Source>, BuildNoHashHasher<u64>>,
    bucket_of: HashMap<Fingerprint, u64>,
}

impl SourceCache {
    fn remove(&mut self, fp: Fingerprint) -> bool {
        let Some(hash) = self.bucket_of.remove(&fp) else {
            return false;
        };
        if let Some(bucket) = self.buckets.get_mut(&hash) {
            bucket.retain(|s| s.fp != fp);
            if bucket.is_empty() {
                self.buckets.remove(&hash);
            }
        }
        true
    }

    fn upsert(&mut self, hash: u64, source: Source) {
        let fp = source.fp;
        match self.bucket_of.get(&fp) {
            Some(&old) if old == hash => {
                let bucket = self.buckets.entry(hash).or_default();
                match bucket.iter_mut().find(|s| s.fp == fp) {
                    Some(slot) => *slot = source,
                    None => bucket.push(source),
                }
                return;
            }
            Some(_) => {
                self.remove(fp);
            }
            None => {}
        }
        self.bucket_of.insert(fp, hash);
        self.buckets.entry(hash).or_default().push(source);
    }
}

/// One compiled rule (upstream `InhibitRule`).
#[derive(Debug)]
struct Rule {
    source: Vec<Matcher>,
    target: Vec<Matcher>,
    /// `equal` label names, deduplicated.
    equal: Box<[SmolStr]>,
    cache: RwLock<SourceCache>,
}

/// Orders matchers cheapest first (equality before regex); the result of "all match" does
/// not depend on the order.
fn cheap_first(m: &Matchers) -> Vec<Matcher> {
    let mut v = m.0.clone();
    v.sort_by_key(|m| m.match_type().is_regex());
    v
}

fn all_match(matchers: &[Matcher], labels: &LabelSet) -> bool {
    matchers.iter().all(|m| m.matches_labels(labels))
}

impl Rule {
    fn new(r: &InhibitRule) -> Rule {
        let mut equal: Vec<SmolStr> = Vec::with_capacity(r.equal.len());
        for n in &r.equal {
            if !equal.iter().any(|e| e == n) {
                equal.push(SmolStr::new(n));
            }
        }
        Rule {
            source: cheap_first(&r.source_matchers),
            target: cheap_first(&r.target_matchers),
            equal: equal.into_boxed_slice(),
            cache: RwLock::new(SourceCache::default()),
        }
    }

    fn equal_hash(&self, labels: &LabelSet) -> u64 {
        let mut h = ValueHasher::default().build_hasher();
        for n in self.equal.iter() {
            labels.get(n).unwrap_or("").hash(&mut h);
        }
        h.finish()
    }

    fn equal_values_match(&self, source: &Source, labels: &LabelSet) -> bool {
        self.equal
            .iter()
            .zip(source.values.iter())
            .all(|(n, v)| labels.get(n).unwrap_or("") == v.as_str())
    }

    /// Upstream `hasEqual`: a firing source whose `equal` values equal the target's; with
    /// `exclude_two_sided`, sources that also match the target side are skipped.
    fn has_equal(
        &self,
        labels: &LabelSet,
        exclude_two_sided: bool,
        now: Timestamp,
    ) -> Option<Fingerprint> {
        let hash = self.equal_hash(labels);
        let cache = self.cache.read();
        let bucket = cache.buckets.get(&hash)?;
        bucket
            .iter()
            .find(|s| {
                s.firing_at(now)
                    && !(exclude_two_sided && s.two_sided)
                    && self.equal_values_match(s, labels)
            })
            .map(|s| s.fp)
    }

    fn source_of(&self, alert: &Alert, fp: Fingerprint) -> (u64, Source) {
        let values = self
            .equal
            .iter()
            .map(|n| SmolStr::new(alert.labels.get(n).unwrap_or("")))
            .collect();
        let source = Source {
            fp,
            values,
            ends_at: alert.ends_at,
            two_sided: all_match(&self.target, &alert.labels),
        };
        (self.equal_hash(&alert.labels), source)
    }
}

/// Decides whether alerts are inhibited (upstream `inhibit.Inhibitor`). Shared by reference:
/// every method takes `&self`; each rule's source cache has its own lock, held briefly.
#[derive(Debug)]
pub struct Inhibitor {
    rules: Box<[Rule]>,
}

impl Inhibitor {
    /// An inhibitor for the configured rules, with empty source caches.
    pub fn new(rules: &[InhibitRule]) -> Inhibitor {
        Inhibitor {
            rules: rules.iter().map(Rule::new).collect(),
        }
    }

    /// Number of rules (for `alertmanager_inhibition_rules`).
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// Number of cached source alerts over all rules (an alert counts once per rule).
    pub fn source_count(&self) -> usize {
        self.rules
            .iter()
            .map(|r| r.cache.read().bucket_of.len())
            .sum()
    }

    /// Feeds one alert (the stored, merged version) to the source caches of the rules whose
    /// source matchers it matches (upstream `Inhibitor.run`). An alert resolved at `now` is
    /// dropped from the caches: it can no longer inhibit anything.
    pub fn observe(&self, alert: &Alert, now: Timestamp) {
        let mut fp = None;
        for rule in self.rules.iter() {
            if !all_match(&rule.source, &alert.labels) {
                continue;
            }
            let fp = *fp.get_or_insert_with(|| alert.fingerprint());
            if alert.resolved_at(now) {
                rule.cache.write().remove(fp);
            } else {
                let (hash, source) = rule.source_of(alert, fp);
                rule.cache.write().upsert(hash, source);
            }
        }
    }

    /// [`Inhibitor::observe`] for a batch, taking each rule's lock once per 1024 alerts.
    pub fn observe_batch(&self, alerts: &[Alert], now: Timestamp) {
        if self.rules.is_empty() {
            return;
        }
        for chunk in alerts.chunks(1024) {
            let fps: Vec<Fingerprint> = chunk.iter().map(Alert::fingerprint).collect();
            for rule in self.rules.iter() {
                let matching: Vec<usize> = (0..chunk.len())
                    .filter(|&i| all_match(&rule.source, &chunk[i].labels))
                    .collect();
                if matching.is_empty() {
                    continue;
                }
                let prepared: Vec<(Fingerprint, Option<(u64, Source)>)> = matching
                    .into_iter()
                    .map(|i| {
                        let a = &chunk[i];
                        let src = (!a.resolved_at(now)).then(|| rule.source_of(a, fps[i]));
                        (fps[i], src)
                    })
                    .collect();
                let mut cache = rule.cache.write();
                for (fp, src) in prepared {
                    match src {
                        Some((hash, source)) => cache.upsert(hash, source),
                        None => {
                            cache.remove(fp);
                        }
                    }
                }
            }
        }
    }

    /// Whether an alert with `labels` is inhibited at `now` (upstream `Inhibitor.Mutes`):
    /// the fingerprint of an inhibiting source alert, from the first rule (in configuration
    /// order) whose target matchers match and that has a firing source with equal `equal`
    /// label values (missing labels count as empty). When the alert matches that rule's
    /// source matchers too, sources that also match the target matchers are ignored, so an
    /// alert never inhibits itself or its own kind. The caller records the result in the
    /// marker.
    pub fn mutes(&self, labels: &LabelSet, now: Timestamp) -> Option<Fingerprint> {
        self.rules.iter().find_map(|rule| {
            if !all_match(&rule.target, labels) {
                return None;
            }
            rule.has_equal(labels, all_match(&rule.source, labels), now)
        })
    }

    /// Drops an alert from every source cache (e.g. after the store deleted it).
    pub fn remove(&self, fp: Fingerprint) {
        for rule in self.rules.iter() {
            let present = rule.cache.read().bucket_of.contains_key(&fp);
            if present {
                rule.cache.write().remove(fp);
            }
        }
    }

    /// Drops sources resolved at `now` from every cache (upstream's 15-minute `store.Alerts`
    /// GC); returns how many were dropped.
    pub fn gc(&self, now: Timestamp) -> usize {
        let mut dropped = 0;
        for rule in self.rules.iter() {
            let mut cache = rule.cache.write();
            let SourceCache { buckets, bucket_of } = &mut *cache;
            buckets.retain(|_, bucket| {
                bucket.retain(|s| {
                    let keep = s.firing_at(now);
                    if !keep {
                        bucket_of.remove(&s.fp);
                        dropped += 1;
                    }
                    keep
                });
                !bucket.is_empty()
            });
        }
        dropped
    }
}

#[cfg(test)]
mod go_tests;
#[cfg(test)]
mod tests;
