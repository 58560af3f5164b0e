//! amtool's output formatters (upstream `cli/format/format*.go` and `sort.go`, v0.28):
//! `simple` and `extended` tables through Go-style tab alignment, and `json` (Go's
//! `json.Encoder`: HTML-escaped, one line). Dates use `--date.format`, a Go layout.

use std::fmt::Write as _;

use am_api::DateTime;
use am_api::v2::{AlertmanagerStatus, ClusterStatus, GettableAlert, GettableSilence, Matcher};
use am_model::matcher::{MatchType, Matcher as LabelMatcher};
use am_template::gotime::{GoTime, Location};
use serde::Serialize;

use crate::cli::OutputFormat;
use crate::tabwriter::align;

/// The UTC offsets (seconds) the server wrote an item's times with. Go keeps the offset of
/// a parsed time (`strfmt` parses in UTC, other offsets become unnamed fixed zones) and
/// prints dates and re-encoded JSON in it; 0 is UTC.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Zones {
    /// Offset of `startsAt`.
    pub starts: i32,
    /// Offset of `endsAt`.
    pub ends: i32,
    /// Offset of `updatedAt`.
    pub updated: i32,
}

/// A decoded API item with the offsets of its times.
pub type Zoned<T> = (T, Zones);

/// The offset of an RFC 3339 wire time (`Z` → 0, `±hh:mm` or `±hhmm`).
pub fn offset_of(raw: &str) -> i32 {
    let b = raw.as_bytes();
    let digits = |s: &[u8]| -> Option<i32> {
        let text = std::str::from_utf8(s).ok()?;
        text.parse::<i32>().ok()
    };
    let parse = |sign: u8, h: &[u8], m: &[u8]| -> Option<i32> {
        let secs = digits(h)? * 3600 + digits(m)? * 60;
        Some(if sign == b'-' { -secs } else { secs })
    };
    let n = b.len();
    let colon = n >= 6 && matches!(b[n - 6], b'+' | b'-') && b[n - 3] == b':';
    let plain = n >= 5
        && matches!(b[n - 5], b'+' | b'-')
        && b[n - 5..].iter().skip(1).all(u8::is_ascii_digit);
    if colon {
        parse(b[n - 6], &b[n - 5..n - 3], &b[n - 2..]).unwrap_or(0)
    } else if plain {
        parse(b[n - 5], &b[n - 4..n - 2], &b[n - 2..]).unwrap_or(0)
    } else {
        0
    }
}

/// Decodes a JSON array of items, keeping each item's time offsets.
///
/// # Errors
/// The value is not an array of `T`.
pub fn decode_zoned<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
) -> Result<Vec<Zoned<T>>, serde_json::Error> {
    let items = match value {
        serde_json::Value::Array(items) => items,
        other => {
            return Err(serde::de::Error::custom(format!(
                "expected an array, got {other}"
            )));
        }
    };
    items
        .into_iter()
        .map(|item| {
            let off = |k: &str| item.get(k).and_then(|v| v.as_str()).map_or(0, offset_of);
            let zones = Zones {
                starts: off("startsAt"),
                ends: off("endsAt"),
                updated: off("updatedAt"),
            };
            serde_json::from_value(item).map(|t| (t, zones))
        })
        .collect()
}

fn location(offset: i32) -> Location {
    if offset == 0 {
        Location::utc()
    } else {
        Location::fixed("", offset)
    }
}

/// JSON of zoned items as Go re-encodes them: times in their own offsets.
fn zoned_json<T: Serialize>(items: &[Zoned<T>]) -> String {
    let values: Vec<serde_json::Value> = items
        .iter()
        .map(|(item, zones)| {
            let bytes = am_api::json::to_vec(item).unwrap_or_default();
            let mut v: serde_json::Value =
                serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
            if let serde_json::Value::Object(map) = &mut v {
                for (key, off) in [
                    ("startsAt", zones.starts),
                    ("endsAt", zones.ends),
                    ("updatedAt", zones.updated),
                ] {
                    if off == 0 {
                        continue;
                    }
                    if let Some(serde_json::Value::String(t)) = map.get_mut(key)
                        && let Ok(ts) = am_api::time::parse_datetime(t)
                    {
                        *t = GoTime::from_timestamp(ts, location(off))
                            .format("2006-01-02T15:04:05.000Z07:00");
                    }
                }
            }
            v
        })
        .collect();
    json(&values)
}

/// A formatter: the output kind and the date layout.
pub struct Formatter<'a> {
    /// simple, extended or json.
    pub kind: OutputFormat,
    /// Go time layout for dates.
    pub date_format: &'a str,
}

impl Formatter<'_> {
    fn date(&self, t: DateTime, offset: i32) -> String {
        GoTime::from_timestamp(t.0, location(offset)).format(self.date_format)
    }

    /// `FormatSilences` (sorted by end time for the tables).
    pub fn silences(&self, silences: &mut [Zoned<GettableSilence>]) -> String {
        if self.kind == OutputFormat::Json {
            return zoned_json(silences);
        }
        silences.sort_by_key(|(s, _)| s.ends_at);
        let mut t = String::new();
        if self.kind == OutputFormat::Simple {
            t.push_str("ID\tMatchers\tEnds At\tCreated By\tComment\t\n");
            for (s, z) in silences.iter() {
                let matchers: Vec<String> = s.matchers.iter().map(matcher_string).collect();
                let _ = writeln!(
                    t,
                    "{}\t{}\t{}\t{}\t{}\t",
                    s.id,
                    matchers.join(" "),
                    self.date(s.ends_at, z.ends),
                    s.created_by,
                    s.comment
                );
            }
        } else {
            t.push_str("ID\tMatchers\tStarts At\tEnds At\tUpdated At\tCreated By\tComment\t\n");
            for (s, z) in silences.iter() {
                let matchers: Vec<String> = s.matchers.iter().map(matcher_string).collect();
                let _ = writeln!(
                    t,
                    "{}\t{{{}}}\t{}\t{}\t{}\t{}\t{}\t",
                    s.id,
                    matchers.join(","),
                    self.date(s.starts_at, z.starts),
                    self.date(s.ends_at, z.ends),
                    self.date(s.updated_at, z.updated),
                    s.created_by,
                    s.comment
                );
            }
        }
        align(&t)
    }

    /// `FormatAlerts` (sorted by start time for the tables).
    pub fn alerts(&self, alerts: &mut [Zoned<GettableAlert>]) -> String {
        if self.kind == OutputFormat::Json {
            return zoned_json(alerts);
        }
        alerts.sort_by_key(|(a, _)| a.starts_at);
        let mut t = String::new();
        if self.kind == OutputFormat::Simple {
            t.push_str("Alertname\tStarts At\tSummary\tState\t\n");
            for (a, z) in alerts.iter() {
                let _ = writeln!(
                    t,
                    "{}\t{}\t{}\t{}\t",
                    a.labels.get("alertname").unwrap_or(""),
                    self.date(a.starts_at, z.starts),
                    a.annotations.get("summary").unwrap_or(""),
                    a.status.state.as_str()
                );
            }
        } else {
            t.push_str("Labels\tAnnotations\tStarts At\tEnds At\tGenerator URL\tState\t\n");
            for (a, z) in alerts.iter() {
                let _ = writeln!(
                    t,
                    "{}\t{}\t{}\t{}\t{}\t{}\t",
                    pairs(a.labels.iter()),
                    pairs(a.annotations.iter()),
                    self.date(a.starts_at, z.starts),
                    self.date(a.ends_at, z.ends),
                    a.generator_url,
                    a.status.state.as_str()
                );
            }
        }
        align(&t)
    }

    /// `FormatConfig`. The extended form prints the values (the configuration text and the
    /// version fields) where amtool prints the addresses of Go pointers.
    pub fn config(&self, status: &AlertmanagerStatus) -> String {
        match self.kind {
            OutputFormat::Json => json(status),
            OutputFormat::Simple => format!("{}\n", status.config.original),
            OutputFormat::Extended => {
                let v = &status.version_info;
                format!(
                    "{}\nbuildUser {}\ngoVersion {}\nrevision {}\nversion {}\nbranch {}\n\
                     buildDate {}\nuptime {}\n",
                    status.config.original,
                    v.build_user,
                    v.go_version,
                    v.revision,
                    v.version,
                    v.branch,
                    v.build_date,
                    status.uptime
                )
            }
        }
    }

    /// `FormatClusterStatus`.
    pub fn cluster(&self, status: &ClusterStatus) -> String {
        match self.kind {
            OutputFormat::Json => json(status),
            OutputFormat::Simple => align(&format!(
                "Cluster Status:\t{}\nNode Name:\t{}\n",
                status.status, status.name
            )),
            OutputFormat::Extended => {
                let mut t = format!(
                    "Cluster Status:\t{}\nNode Name:\t{}\n\nAddress\tName\n",
                    status.status, status.name
                );
                let mut peers = status.peers.clone();
                peers.sort_by_key(|a| address_key(&a.address));
                for p in &peers {
                    let _ = writeln!(t, "{}\t{}\t", p.address, p.name);
                }
                align(&t)
            }
        }
    }
}

/// Go's `json.Encoder.Encode`: compact, HTML-escaped, newline-terminated.
pub fn json<T: Serialize + ?Sized>(value: &T) -> String {
    let bytes = am_api::json::to_vec(value).unwrap_or_else(|_| b"null".to_vec());
    let mut s = String::from_utf8(bytes).unwrap_or_default();
    s.push('\n');
    s
}

/// `name="value"` pairs, sorted as strings, space separated (`extendedFormatLabels`).
fn pairs<'a>(items: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut out: Vec<String> = items.map(|(k, v)| format!("{k}=\"{v}\"")).collect();
    out.sort();
    out.join(" ")
}

/// An API matcher printed as `labels.Matcher.String()` does.
pub fn matcher_string(m: &Matcher) -> String {
    let ty = match (m.is_regex, m.is_equal) {
        (false, true) => MatchType::Equal,
        (false, false) => MatchType::NotEqual,
        (true, true) => MatchType::Regexp,
        (true, false) => MatchType::NotRegexp,
    };
    match LabelMatcher::new(ty, m.name.as_str(), m.value.as_str()) {
        Ok(lm) => lm.to_string(),
        // A regex Go accepts but we cannot compile: print it the plain way.
        Err(_) => format!("{}{}{:?}", m.name, ty.as_str(), m.value),
    }
}

/// Sort key of `ByAddress`: the IP's bytes (Go's 16-byte form), then the port as a number.
fn address_key(address: &str) -> (Vec<u8>, u64) {
    let (host, port) = address.rsplit_once(':').unwrap_or((address, ""));
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let ip = match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(v4)) => v4.to_ipv6_mapped().octets().to_vec(),
        Ok(std::net::IpAddr::V6(v6)) => v6.octets().to_vec(),
        Err(_) => Vec::new(),
    };
    (ip, port.parse().unwrap_or(0))
}
