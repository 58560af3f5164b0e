//! Label sets and their fingerprints.
//!
//! Mirrors `prometheus/common/model` (`labelset.go`, `signature.go`, `fingerprinting.go`,
//! `labels.go`) as used by Alertmanager 0.28, plus the alert hash of Alertmanager's
//! `notify/notify.go` (`hashAlert`), which the dedup stage stores in the notification log.
//!
//! A [`LabelSet`] is an immutable, name-sorted list of unique `(name, value)` pairs. Go uses a
//! map; every Go function that depends on order sorts first, so keeping the pairs sorted lets us
//! reproduce those results without sorting again.

use std::fmt;
use std::hash::Hasher as _;
use std::str::FromStr;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use smol_str::SmolStr;

/// The byte Prometheus puts after every label name and value when hashing
/// (`model.SeparatorByte`); it cannot occur in UTF-8.
const SEPARATOR: u8 = 0xff;

/// A set of labels: unique names, each with one value, kept sorted by name (byte order, which
/// is Go's string order).
///
/// Equality, hashing and ordering compare the sorted pairs. Names and values are not validated
/// here; callers that accept external input check names with [`is_valid_legacy_label_name`] or
/// [`is_valid_utf8_label_name`] according to their validation mode.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct LabelSet {
    pairs: Box<[(SmolStr, SmolStr)]>,
}

impl LabelSet {
    /// Builds a label set from `(name, value)` pairs in any order. When a name occurs more than
    /// once, the later value wins (like assigning into a Go map).
    pub fn new<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<SmolStr>,
        V: Into<SmolStr>,
    {
        let mut pairs: Vec<(SmolStr, SmolStr)> = pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        // Stable sort keeps duplicates in input order; dedup then keeps the last of each run.
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        pairs.dedup_by(|later, earlier| {
            if later.0 == earlier.0 {
                std::mem::swap(later, earlier);
                true
            } else {
                false
            }
        });
        Self {
            pairs: pairs.into_boxed_slice(),
        }
    }

    /// The empty label set.
    pub fn empty() -> Self {
        Self::default()
    }

    /// The value of label `name`, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .binary_search_by(|(n, _)| n.as_str().cmp(name))
            .ok()
            .map(|i| self.pairs[i].1.as_str())
    }

    /// Whether label `name` is present (with any value, including the empty string).
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The `(name, value)` pairs, sorted by name.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        self.pairs.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// The label names, sorted.
    pub fn names(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.pairs.iter().map(|(n, _)| n.as_str())
    }

    /// The sorted pairs as stored.
    pub fn as_slice(&self) -> &[(SmolStr, SmolStr)] {
        &self.pairs
    }

    /// Number of labels.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether the set has no labels.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// A new set with the labels of `self` and `other`; `other` wins on conflicts (Go
    /// `model.LabelSet.Merge`).
    pub fn merge(&self, other: &LabelSet) -> LabelSet {
        LabelSet::new(self.pairs.iter().chain(other.pairs.iter()).cloned())
    }

    /// A new set with the labels for which `keep(name, value)` returns true.
    pub fn filter(&self, mut keep: impl FnMut(&str, &str) -> bool) -> LabelSet {
        let pairs: Vec<_> = self
            .pairs
            .iter()
            .filter(|(n, v)| keep(n, v))
            .cloned()
            .collect();
        LabelSet {
            pairs: pairs.into_boxed_slice(),
        }
    }

    /// Prometheus' fingerprint of the set (`model.LabelSet.Fingerprint`): FNV-1a 64 over each
    /// name and value in name order, each followed by the byte 0xff. The empty set hashes to the
    /// FNV offset basis.
    pub fn fingerprint(&self) -> Fingerprint {
        let mut h = fnv::FnvHasher::default();
        self.hash_layout(&mut h);
        Fingerprint(h.finish())
    }

    /// Alertmanager's alert hash (`notify.hashAlert`): XXH64 with seed 0 over the same byte
    /// layout as [`LabelSet::fingerprint`]. The dedup stage stores it in notification log entries
    /// (`firing_alerts` / `resolved_alerts`), so it must match Go for clustering.
    pub fn alert_hash(&self) -> u64 {
        let mut h = twox_hash::XxHash64::with_seed(0);
        self.hash_layout(&mut h);
        h.finish()
    }

    /// Feeds `name 0xff value 0xff` for every label, in name order.
    fn hash_layout(&self, h: &mut impl std::hash::Hasher) {
        for (name, value) in self.pairs.iter() {
            h.write(name.as_bytes());
            h.write(&[SEPARATOR]);
            h.write(value.as_bytes());
            h.write(&[SEPARATOR]);
        }
    }
}

/// Formats like Go's `model.LabelSet.String()`: `{a="1", b="2"}`, every entry `name=%q`, the
/// entries sorted as whole strings (not by name: `a0="x"` sorts before `a="x"`).
impl fmt::Display for LabelSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut entries: Vec<String> = self
            .pairs
            .iter()
            .map(|(name, value)| {
                let mut entry = String::with_capacity(name.len() + value.len() + 3);
                entry.push_str(name);
                entry.push('=');
                // Writing into a String cannot fail.
                let _ = crate::go_quote::write_quoted(&mut entry, value);
                entry
            })
            .collect();
        entries.sort_unstable();
        f.write_str("{")?;
        for (i, entry) in entries.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(entry)?;
        }
        f.write_str("}")
    }
}

impl fmt::Debug for LabelSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Into<SmolStr>, V: Into<SmolStr>> FromIterator<(K, V)> for LabelSet {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        LabelSet::new(iter)
    }
}

impl<'a> IntoIterator for &'a LabelSet {
    type Item = (&'a str, &'a str);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (SmolStr, SmolStr)>,
        fn(&'a (SmolStr, SmolStr)) -> (&'a str, &'a str),
    >;

    fn into_iter(self) -> Self::IntoIter {
        fn split(pair: &(SmolStr, SmolStr)) -> (&str, &str) {
            (pair.0.as_str(), pair.1.as_str())
        }
        self.pairs.iter().map(split)
    }
}

/// Serializes as a JSON object `{"name": "value", …}` in name order.
impl Serialize for LabelSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.pairs.len()))?;
        for (name, value) in self.pairs.iter() {
            map.serialize_entry(name.as_str(), value.as_str())?;
        }
        map.end()
    }
}

/// Deserializes from an object of string values; a repeated name keeps its last value (as Go's
/// `encoding/json` does). Names are not validated.
impl<'de> Deserialize<'de> for LabelSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LabelSetVisitor;
        impl<'de> Visitor<'de> for LabelSetVisitor {
            type Value = LabelSet;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of label names to string values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<LabelSet, A::Error> {
                let mut pairs: Vec<(SmolStr, SmolStr)> =
                    Vec::with_capacity(access.size_hint().unwrap_or(0).min(64));
                while let Some((name, value)) = access.next_entry::<SmolStr, SmolStr>()? {
                    pairs.push((name, value));
                }
                Ok(LabelSet::new(pairs))
            }
        }
        deserializer.deserialize_map(LabelSetVisitor)
    }
}

/// A 64-bit label-set fingerprint (`model.Fingerprint`). Displays as 16 lower-case hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Fingerprint(pub u64);

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// Why a string is not a fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid fingerprint {input:?}: expected up to 64 bits of hexadecimal digits")]
pub struct FingerprintParseError {
    /// The rejected input.
    pub input: String,
}

/// Parses hexadecimal like Go's `model.FingerprintFromString` (`strconv.ParseUint(s, 16, 64)`):
/// one or more hex digits of either case, leading zeros allowed, no sign, prefix or underscores.
impl FromStr for Fingerprint {
    type Err = FingerprintParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || FingerprintParseError {
            input: s.to_owned(),
        };
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(err());
        }
        u64::from_str_radix(s, 16)
            .map(Fingerprint)
            .map_err(|_| err())
    }
}

impl Serialize for Fingerprint {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Fingerprint {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Whether `name` is a valid label name under Prometheus' legacy validation
/// (`^[a-zA-Z_][a-zA-Z0-9_]*$`, `model.LabelName.IsValid` with `LegacyValidation`).
pub fn is_valid_legacy_label_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    match bytes.next() {
        Some(b) if b.is_ascii_alphabetic() || b == b'_' => {}
        _ => return false,
    }
    bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Whether `name` is a valid label name under UTF-8 validation (`UTF8Validation`): any
/// non-empty string (a `&str` is always valid UTF-8).
pub fn is_valid_utf8_label_name(name: &str) -> bool {
    !name.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ls(pairs: &[(&str, &str)]) -> LabelSet {
        pairs.iter().copied().collect()
    }

    #[test]
    fn new_sorts_and_later_duplicate_wins() {
        let set = ls(&[("b", "1"), ("a", "2"), ("b", "3"), ("c", "4"), ("a", "5")]);
        let pairs: Vec<_> = set.iter().collect();
        assert_eq!(pairs, [("a", "5"), ("b", "3"), ("c", "4")]);
        assert_eq!(set.len(), 3);
        assert_eq!(set.get("b"), Some("3"));
        assert_eq!(set.get("d"), None);
        assert!(set.contains("c"));
        assert!(!set.contains(""));
        assert_eq!(set.names().collect::<Vec<_>>(), ["a", "b", "c"]);
    }

    #[test]
    fn empty_set() {
        let e = LabelSet::empty();
        assert!(e.is_empty());
        assert_eq!(e, LabelSet::new(Vec::<(&str, &str)>::new()));
        assert_eq!(e.fingerprint(), Fingerprint(0xcbf2_9ce4_8422_2325));
        assert_eq!(e.to_string(), "{}");
        // XXH64 of the empty input with seed 0 (reference value of the xxHash specification).
        assert_eq!(e.alert_hash(), 0xef46_db37_51d8_e999);
    }

    #[test]
    fn fingerprint_matches_hand_computed_fnv1a() {
        // FNV-1a 64 over "a\xffb\xff", step by step.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in b"a\xffb\xff" {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        assert_eq!(ls(&[("a", "b")]).fingerprint(), Fingerprint(h));
        assert_ne!(
            ls(&[("a", "b")]).fingerprint(),
            ls(&[("ab", "")]).fingerprint()
        );
    }

    #[test]
    fn alert_hash_depends_on_layout() {
        let one = ls(&[("a", "b"), ("c", "d")]);
        let twox = twox_hash::XxHash64::oneshot(0, b"a\xffb\xffc\xffd\xff");
        assert_eq!(one.alert_hash(), twox);
        assert_ne!(one.alert_hash(), ls(&[("a", "bc"), ("", "d")]).alert_hash());
    }

    #[test]
    fn display_like_go() {
        assert_eq!(
            ls(&[("b", "x\"y"), ("a", "é\n")]).to_string(),
            r#"{a="é\n", b="x\"y"}"#
        );
        // Go sorts the formatted entries, so "a0=..." comes before "a=...".
        assert_eq!(
            ls(&[("a", "1"), ("a0", "2")]).to_string(),
            r#"{a0="2", a="1"}"#
        );
    }

    #[test]
    fn merge_and_filter() {
        let a = ls(&[("x", "1"), ("y", "2")]);
        let b = ls(&[("y", "3"), ("z", "4")]);
        assert_eq!(a.merge(&b), ls(&[("x", "1"), ("y", "3"), ("z", "4")]));
        assert_eq!(a.filter(|n, _| n == "y"), ls(&[("y", "2")]));
    }

    #[test]
    fn serde_round_trip() {
        let set = ls(&[("b", "2"), ("a", "1")]);
        let json = serde_json::to_string(&set).unwrap();
        assert_eq!(json, r#"{"a":"1","b":"2"}"#);
        let back: LabelSet = serde_json::from_str(r#"{"b":"2","a":"0","a":"1"}"#).unwrap();
        assert_eq!(back, set);
        assert!(serde_json::from_str::<LabelSet>(r#"{"a":1}"#).is_err());
        assert!(serde_json::from_str::<LabelSet>(r#"["a"]"#).is_err());
    }

    #[test]
    fn fingerprint_text_forms() {
        assert_eq!(Fingerprint(0xab).to_string(), "00000000000000ab");
        assert_eq!("00000000000000AB".parse(), Ok(Fingerprint(0xab)));
        assert_eq!("000000000000000000ff".parse(), Ok(Fingerprint(0xff)));
        assert_eq!("ffffffffffffffff".parse(), Ok(Fingerprint(u64::MAX)));
        for bad in ["", "+1", "-1", "0x1", "1_0", "g", "1ffffffffffffffff", " 1"] {
            assert!(bad.parse::<Fingerprint>().is_err(), "{bad:?}");
        }
        let json = serde_json::to_string(&Fingerprint(1)).unwrap();
        assert_eq!(json, r#""0000000000000001""#);
        assert_eq!(
            serde_json::from_str::<Fingerprint>(&json).unwrap(),
            Fingerprint(1)
        );
    }

    #[test]
    fn label_name_validation() {
        for good in ["a", "_", "A_1", "__name__", "z9"] {
            assert!(is_valid_legacy_label_name(good), "{good}");
        }
        for bad in ["", "1a", "a-b", "a.b", "é", "a b"] {
            assert!(!is_valid_legacy_label_name(bad), "{bad}");
        }
        assert!(is_valid_utf8_label_name("a.b-é"));
        assert!(!is_valid_utf8_label_name(""));
    }
}
