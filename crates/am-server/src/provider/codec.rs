//! The compact byte form of one stored alert (our own format; upstream `provider/mem` keeps Go
//! structs). One blob per alert:
//!
//! ```text
//! flags u8            bit 0: timeout, bit 1: wide times
//! times               starts_at, ends_at, updated_at:
//!                       narrow: 3 × i64 LE nanoseconds since the Unix epoch (i64::MIN = Go zero time)
//!                       wide:   3 × (i64 LE seconds, i32 LE nanoseconds), for instants outside
//!                               the i64-nanosecond range (years before 1678 or after 2261)
//! labels              varint count, then per label: name, varint length, value bytes
//! annotations         same as labels
//! generator URL       varint length, bytes
//! name                varint t: t > 0 is interned id t-1; t = 0 is followed by varint length + bytes
//! ```
//!
//! The times sit at fixed offsets so that an update that only moves times rewrites them in
//! place. Blobs are written and read only by this module.

use am_model::alert::{Alert, ZERO_TIME};
use am_model::labels::LabelSet;
use jiff::Timestamp;
use smol_str::SmolStr;

use super::intern::{Interner, Resolver};

const FLAG_TIMEOUT: u8 = 1;
const FLAG_WIDE: u8 = 2;
const NARROW_ZERO: i64 = i64::MIN;
const NARROW_HEADER: usize = 1 + 3 * 8;
const WIDE_HEADER: usize = 1 + 3 * 12;

/// The time fields and the timeout flag of an alert: all that merging and GC look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AlertTimes {
    /// `starts_at`.
    pub starts_at: Timestamp,
    /// `ends_at` ([`ZERO_TIME`] = unknown).
    pub ends_at: Timestamp,
    /// `updated_at`.
    pub updated_at: Timestamp,
    /// `ends_at` came from `resolve_timeout`.
    pub timeout: bool,
}

impl AlertTimes {
    /// The times of `a`.
    pub fn of(a: &Alert) -> AlertTimes {
        AlertTimes {
            starts_at: a.starts_at,
            ends_at: a.ends_at,
            updated_at: a.updated_at,
            timeout: a.timeout,
        }
    }

    /// Copies these times into `a`.
    pub fn apply(self, a: &mut Alert) {
        a.starts_at = self.starts_at;
        a.ends_at = self.ends_at;
        a.updated_at = self.updated_at;
        a.timeout = self.timeout;
    }

    /// Upstream `Alert.ResolvedAt(now)`.
    pub fn resolved_at(&self, now: Timestamp) -> bool {
        self.ends_at != ZERO_TIME && self.ends_at <= now
    }

    /// Upstream `provider/mem` overlap test: `newer`'s end or start lies strictly inside
    /// `(self.starts_at, self.ends_at)` (same as [`Alert::overlaps`]).
    pub fn overlaps(&self, newer: &AlertTimes) -> bool {
        (newer.ends_at > self.starts_at && newer.ends_at < self.ends_at)
            || (newer.starts_at > self.starts_at && newer.starts_at < self.ends_at)
    }

    /// The times [`Alert::merge`] gives for `self.merge(other, now)`, and whether the merged
    /// alert's content (labels, annotations, URL) is `other`'s (`true`) or `self`'s.
    pub fn merge(&self, other: &AlertTimes, now: Timestamp) -> (AlertTimes, bool) {
        let (older, younger, other_is_younger) = if other.updated_at < self.updated_at {
            (other, self, false)
        } else {
            (self, other, true)
        };
        let mut res = *younger;
        if older.starts_at < younger.starts_at {
            res.starts_at = older.starts_at;
        }
        if younger.resolved_at(now) {
            if older.resolved_at(now) && older.ends_at > younger.ends_at {
                res.ends_at = older.ends_at;
            }
        } else if older.ends_at > younger.ends_at && !older.timeout {
            res.ends_at = older.ends_at;
        }
        (res, other_is_younger)
    }
}

fn narrow(t: Timestamp) -> Option<i64> {
    if t == ZERO_TIME {
        return Some(NARROW_ZERO);
    }
    i64::try_from(t.as_nanosecond())
        .ok()
        .filter(|&n| n != NARROW_ZERO)
}

fn from_narrow(n: i64) -> Option<Timestamp> {
    if n == NARROW_ZERO {
        Some(ZERO_TIME)
    } else {
        Timestamp::from_nanosecond(i128::from(n)).ok()
    }
}

/// Appends the flags and times of `t`.
pub(crate) fn write_header(out: &mut Vec<u8>, t: &AlertTimes) {
    let timeout = if t.timeout { FLAG_TIMEOUT } else { 0 };
    let all = [t.starts_at, t.ends_at, t.updated_at];
    if let [Some(s), Some(e), Some(u)] = all.map(narrow) {
        out.push(timeout);
        for n in [s, e, u] {
            out.extend_from_slice(&n.to_le_bytes());
        }
    } else {
        out.push(timeout | FLAG_WIDE);
        for ts in all {
            out.extend_from_slice(&ts.as_second().to_le_bytes());
            out.extend_from_slice(&ts.subsec_nanosecond().to_le_bytes());
        }
    }
}

/// Length of the header of `blob` (flags + times).
pub(crate) fn header_len(blob: &[u8]) -> usize {
    match blob.first() {
        Some(f) if f & FLAG_WIDE != 0 => WIDE_HEADER,
        _ => NARROW_HEADER,
    }
}

/// Length of the header [`write_header`] writes for `t`.
#[cfg(test)]
pub(crate) fn header_len_for(t: &AlertTimes) -> usize {
    let all = [t.starts_at, t.ends_at, t.updated_at];
    if all.iter().all(|&ts| narrow(ts).is_some()) {
        NARROW_HEADER
    } else {
        WIDE_HEADER
    }
}

fn read_i64(b: &[u8], at: usize) -> Option<i64> {
    Some(i64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

fn read_i32(b: &[u8], at: usize) -> Option<i32> {
    Some(i32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn read_time(b: &[u8], wide: bool, k: usize) -> Option<Timestamp> {
    if wide {
        let at = 1 + 12 * k;
        Timestamp::new(read_i64(b, at)?, read_i32(b, at + 8)?).ok()
    } else {
        from_narrow(read_i64(b, 1 + 8 * k)?)
    }
}

/// The flags and times at the start of `blob`.
pub(crate) fn read_header(blob: &[u8]) -> Option<AlertTimes> {
    let flags = *blob.first()?;
    let wide = flags & FLAG_WIDE != 0;
    Some(AlertTimes {
        starts_at: read_time(blob, wide, 0)?,
        ends_at: read_time(blob, wide, 1)?,
        updated_at: read_time(blob, wide, 2)?,
        timeout: flags & FLAG_TIMEOUT != 0,
    })
}

/// Only `ends_at` of `blob` (counting and GC).
pub(crate) fn read_ends_at(blob: &[u8]) -> Option<Timestamp> {
    read_time(blob, *blob.first()? & FLAG_WIDE != 0, 1)
}

fn put_varint(out: &mut Vec<u8>, mut v: usize) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(b: &[u8], pos: &mut usize) -> Option<usize> {
    let mut v: usize = 0;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*pos)?;
        *pos += 1;
        v |= usize::from(byte & 0x7f).checked_shl(shift)?;
        if byte < 0x80 {
            return Some(v);
        }
    }
    None
}

fn put_bytes(out: &mut Vec<u8>, s: &str) {
    put_varint(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

fn get_str<'b>(b: &'b [u8], pos: &mut usize) -> Option<&'b str> {
    let len = get_varint(b, pos)?;
    let bytes = b.get(*pos..pos.checked_add(len)?)?;
    *pos += len;
    std::str::from_utf8(bytes).ok()
}

fn put_set(out: &mut Vec<u8>, set: &LabelSet, names: &mut Resolver<'_>) {
    put_varint(out, set.len());
    for (name, value) in set.iter() {
        match names.resolve(name) {
            Some(id) => put_varint(out, id as usize + 1),
            None => {
                out.push(0);
                put_bytes(out, name);
            }
        }
        put_bytes(out, value);
    }
}

/// Appends the body (labels, annotations, generator URL) of `a`.
pub(crate) fn write_body(out: &mut Vec<u8>, a: &Alert, names: &mut Resolver<'_>) {
    put_set(out, &a.labels, names);
    put_set(out, &a.annotations, names);
    put_bytes(out, &a.generator_url);
}

/// Appends the whole blob of `a`.
pub(crate) fn encode(out: &mut Vec<u8>, a: &Alert, names: &mut Resolver<'_>) {
    write_header(out, &AlertTimes::of(a));
    write_body(out, a, names);
}

fn get_set(b: &[u8], pos: &mut usize, names: &Interner) -> Option<LabelSet> {
    let n = get_varint(b, pos)?;
    // Each pair takes at least two bytes, which bounds the allocation by the blob size.
    let mut pairs: Vec<(SmolStr, SmolStr)> = Vec::with_capacity(n.min(b.len() / 2));
    for _ in 0..n {
        let name = match get_varint(b, pos)? {
            0 => SmolStr::new(get_str(b, pos)?),
            t => names.get(u32::try_from(t - 1).ok()?)?.clone(),
        };
        pairs.push((name, SmolStr::new(get_str(b, pos)?)));
    }
    Some(LabelSet::new(pairs))
}

/// Rebuilds the alert stored in `blob`; `None` only for a malformed blob (a bug).
pub(crate) fn decode(blob: &[u8], names: &Interner) -> Option<Alert> {
    let times = read_header(blob)?;
    let mut pos = header_len(blob);
    let labels = get_set(blob, &mut pos, names)?;
    let annotations = get_set(blob, &mut pos, names)?;
    let generator_url = SmolStr::new(get_str(blob, &mut pos)?);
    let mut a = Alert {
        labels,
        annotations,
        starts_at: ZERO_TIME,
        ends_at: ZERO_TIME,
        generator_url,
        updated_at: ZERO_TIME,
        timeout: false,
    };
    times.apply(&mut a);
    Some(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: i64, ns: i32) -> Timestamp {
        Timestamp::new(s, ns).unwrap()
    }

    fn alert(starts: Timestamp, ends: Timestamp, updated: Timestamp) -> Alert {
        Alert {
            labels: LabelSet::new([("alertname", "A"), ("", ""), ("ünï", "ç😀")]),
            annotations: LabelSet::new([("summary", "x".repeat(300))]),
            starts_at: starts,
            ends_at: ends,
            generator_url: SmolStr::new("http://prom/graph?g0.expr=up"),
            updated_at: updated,
            timeout: true,
        }
    }

    fn round_trip(a: &Alert) -> Alert {
        let names = Interner::new();
        let mut buf = Vec::new();
        encode(&mut buf, a, &mut names.resolver());
        assert_eq!(header_len(&buf), header_len_for(&AlertTimes::of(a)));
        decode(&buf, &names).unwrap()
    }

    #[test]
    fn zero_and_extreme_times_round_trip() {
        let cases = [
            (ZERO_TIME, ZERO_TIME, ts(1_700_000_000, 123_456_789)),
            (ts(-1, 999_999_999), ts(0, 1), ts(1, 0)),
            (Timestamp::MIN, Timestamp::MAX, ZERO_TIME),
            (
                ts(-9_300_000_000, 5),
                ts(9_300_000_000, 7),
                ts(1_700_000_000, 0),
            ),
            // The i64::MIN-nanosecond instant itself must not read back as the zero time.
            (
                Timestamp::from_nanosecond(i128::from(i64::MIN)).unwrap(),
                ZERO_TIME,
                ZERO_TIME,
            ),
        ];
        for (s, e, u) in cases {
            let a = alert(s, e, u);
            assert_eq!(round_trip(&a), a);
        }
    }

    #[test]
    fn narrow_header_is_used_for_ordinary_times() {
        let t = AlertTimes::of(&alert(ZERO_TIME, ts(1_800_000_000, 1), ts(1, 1)));
        assert_eq!(header_len_for(&t), NARROW_HEADER);
        let mut buf = Vec::new();
        write_header(&mut buf, &t);
        assert_eq!(buf.len(), NARROW_HEADER);
        assert_eq!(read_header(&buf), Some(t));
        assert_eq!(read_ends_at(&buf), Some(t.ends_at));
    }

    #[test]
    fn malformed_blobs_decode_to_none() {
        let names = Interner::new();
        let mut buf = Vec::new();
        encode(
            &mut buf,
            &alert(ZERO_TIME, ZERO_TIME, ZERO_TIME),
            &mut names.resolver(),
        );
        for cut in 0..buf.len() {
            assert!(decode(&buf[..cut], &names).is_none(), "cut {cut}");
        }
        // Unknown interned id.
        let other = Interner::new();
        assert!(decode(&buf, &other).is_none());
    }
}
