//! Go's `*time.Location`: UTC, the process-wide `Local`, zones loaded from the system tzdata
//! (`time.LoadLocation`) and fixed zones (`time.FixedZone`, also what `time.Parse` makes for an
//! offset that does not match `Local`). Mirrors Go's `time/zoneinfo.go`, `zoneinfo_read.go` and
//! `zoneinfo_unix.go`; the TZif data is decoded by `jiff`.
//!
//! A zone's offset and abbreviation for an instant come from the same TZif files Go reads
//! (`/usr/share/zoneinfo`), so names such as `CEST`, `LMT` or `+0530` print as Go prints them.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// Directories Go searches for zone files on Unix (`platformZoneSources`).
const ZONE_SOURCES: &[&str] = &[
    "/usr/share/zoneinfo/",
    "/usr/share/lib/zoneinfo/",
    "/usr/lib/locale/TZ/",
];

/// Errors of [`Location::load`], worded as Go's `time.LoadLocation`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LocationError {
    /// A name with `..` or an absolute path.
    #[error("time: invalid location name")]
    InvalidName,
    /// No zone file of that name.
    #[error("unknown time zone {0}")]
    Unknown(String),
}

/// A loaded zone: Go's `Location` with its name and zone data (`None` behaves as UTC, like Go's
/// `Local` when no zone data could be loaded).
#[derive(Debug)]
struct Zone {
    name: String,
    tz: Option<TimeZone>,
}

#[derive(Clone, Debug, Default)]
enum Kind {
    /// `time.UTC` (and the nil location of the zero `Time`).
    #[default]
    Utc,
    /// `time.Local`.
    Local(Arc<Zone>),
    /// A zone from `LoadLocation`.
    Named(Arc<Zone>),
    /// `time.FixedZone(name, offset)`.
    Fixed { name: Arc<str>, offset: i32 },
}

/// Go's `*time.Location`. Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct Location(Kind);

impl PartialEq for Location {
    /// Go compares locations by pointer; two loads of the same zone name are treated as equal
    /// here (templates cannot tell the difference except through `eq` on times).
    fn eq(&self, other: &Location) -> bool {
        match (&self.0, &other.0) {
            (Kind::Utc, Kind::Utc) | (Kind::Local(_), Kind::Local(_)) => true,
            (Kind::Named(a), Kind::Named(b)) => a.name == b.name,
            (Kind::Fixed { name: a, offset: x }, Kind::Fixed { name: b, offset: y }) => {
                a == b && x == y
            }
            _ => false,
        }
    }
}

impl Location {
    /// `time.UTC`.
    pub fn utc() -> Location {
        Location(Kind::Utc)
    }

    /// `time.Local`, initialised once per process from `$TZ` exactly as Go's `initLocal`: unset
    /// means `/etc/localtime` (named `Local`), empty or `UTC` means UTC (named `UTC`), an
    /// absolute path loads that file, anything else is a zone name.
    pub fn local() -> Location {
        static LOCAL: OnceLock<Arc<Zone>> = OnceLock::new();
        let zone = LOCAL.get_or_init(|| {
            let tz = std::env::var("TZ").ok();
            Arc::new(local_zone(tz.as_deref()))
        });
        Location(Kind::Local(Arc::clone(zone)))
    }

    /// A `Local` location as Go would initialise it with `TZ` set to `tz` (`None`: unset). Used
    /// to test zone-dependent behaviour (`time.Parse` matching offsets against `Local`) without
    /// changing the process environment.
    pub fn local_with_tz(tz: Option<&str>) -> Location {
        Location(Kind::Local(Arc::new(local_zone(tz))))
    }

    /// `time.LoadLocation(name)`: `""` and `"UTC"` are UTC, `"Local"` is [`Location::local`],
    /// anything else is read from the system zone files (names are case-sensitive, as on Linux).
    /// Loaded zones are cached for the life of the process.
    ///
    /// # Errors
    /// [`LocationError::InvalidName`] for names containing `..` or starting with a slash,
    /// [`LocationError::Unknown`] when no zone file exists.
    pub fn load(name: &str) -> Result<Location, LocationError> {
        if name.is_empty() || name == "UTC" {
            return Ok(Location::utc());
        }
        if name == "Local" {
            return Ok(Location::local());
        }
        if name.contains("..") || name.starts_with('/') || name.starts_with('\\') {
            return Err(LocationError::InvalidName);
        }
        static CACHE: OnceLock<Mutex<HashMap<String, Arc<Zone>>>> = OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        if let Some(zone) = cache.lock().ok().and_then(|c| c.get(name).cloned()) {
            return Ok(Location(Kind::Named(zone)));
        }
        let tz = ZONE_SOURCES
            .iter()
            .find_map(|dir| read_tzif(&format!("{dir}{name}"), name))
            .ok_or_else(|| LocationError::Unknown(name.to_string()))?;
        let zone = Arc::new(Zone {
            name: name.to_string(),
            tz: Some(tz),
        });
        if let Ok(mut c) = cache.lock() {
            c.insert(name.to_string(), Arc::clone(&zone));
        }
        Ok(Location(Kind::Named(zone)))
    }

    /// `time.FixedZone(name, offset_seconds)`.
    pub fn fixed(name: &str, offset_seconds: i32) -> Location {
        Location(Kind::Fixed {
            name: Arc::from(name),
            offset: offset_seconds,
        })
    }

    /// `Location.String()`: `UTC`, `Local` (or the `$TZ` name), the zone name, or the fixed
    /// zone's name (possibly empty).
    pub fn name(&self) -> &str {
        match &self.0 {
            Kind::Utc => "UTC",
            Kind::Local(z) | Kind::Named(z) => &z.name,
            Kind::Fixed { name, .. } => name,
        }
    }

    /// Whether this is `time.UTC`.
    pub fn is_utc(&self) -> bool {
        matches!(self.0, Kind::Utc)
    }

    /// Whether this is `time.Local`.
    pub fn is_local(&self) -> bool {
        matches!(self.0, Kind::Local(_))
    }

    /// The zone abbreviation and offset east of UTC (seconds) in effect at the Unix second
    /// `unix` (Go's `Location.lookup`). Instants outside the range zone data can describe are
    /// clamped to it.
    pub fn lookup(&self, unix: i64) -> (Cow<'_, str>, i32) {
        match &self.0 {
            Kind::Utc => (Cow::Borrowed("UTC"), 0),
            Kind::Fixed { name, offset } => (Cow::Borrowed(name), *offset),
            Kind::Local(z) | Kind::Named(z) => match &z.tz {
                None => (Cow::Borrowed("UTC"), 0),
                Some(tz) => {
                    let info = tz.to_offset_info(clamped_timestamp(unix));
                    (
                        Cow::Owned(info.abbreviation().to_string()),
                        info.offset().seconds(),
                    )
                }
            },
        }
    }

    /// Whether the zone in effect at the Unix second `unix` is a daylight-saving one.
    pub fn is_dst_at(&self, unix: i64) -> bool {
        match &self.0 {
            Kind::Local(z) | Kind::Named(z) => {
                z.tz.as_ref()
                    .is_some_and(|tz| tz.to_offset_info(clamped_timestamp(unix)).dst().is_dst())
            }
            _ => false,
        }
    }

    /// Only the offset of [`Location::lookup`].
    pub fn offset_at(&self, unix: i64) -> i32 {
        self.lookup(unix).1
    }
}

/// The timestamp of a Unix second within the range zone data can describe: instants after it
/// move back by whole 400-year Gregorian cycles (zone rules repeat with the calendar), instants
/// before it are clamped (the first zone type applies there anyway).
fn clamped_timestamp(unix: i64) -> Timestamp {
    const CYCLE: i64 = 146_097 * 86_400;
    let min = Timestamp::MIN.as_second() + 86_400;
    let max = Timestamp::MAX.as_second() - 86_400;
    let unix = if unix > max {
        unix - ((unix - max) / CYCLE + 1) * CYCLE
    } else {
        unix.max(min)
    };
    Timestamp::from_second(unix).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// Go's `initLocal` for a given `$TZ` value.
fn local_zone(tz: Option<&str>) -> Zone {
    let utc = || Zone {
        name: "UTC".to_string(),
        tz: None,
    };
    match tz {
        None => match read_tzif("/etc/localtime", "Local") {
            Some(tz) => Zone {
                name: "Local".to_string(),
                tz: Some(tz),
            },
            None => utc(),
        },
        Some(tz) => {
            let tz = tz.strip_prefix(':').unwrap_or(tz);
            if tz.starts_with('/') {
                match read_tzif(tz, tz) {
                    Some(data) => Zone {
                        name: if tz == "/etc/localtime" { "Local" } else { tz }.to_string(),
                        tz: Some(data),
                    },
                    None => utc(),
                }
            } else if !tz.is_empty() && tz != "UTC" {
                match Location::load(tz) {
                    Ok(Location(Kind::Named(z))) => Zone {
                        name: z.name.clone(),
                        tz: z.tz.clone(),
                    },
                    _ => utc(),
                }
            } else {
                utc()
            }
        }
    }
}

/// Reads and decodes a TZif file; `None` when it is missing or not TZif.
fn read_tzif(path: &str, name: &str) -> Option<TimeZone> {
    let path = Path::new(path);
    if !path.is_file() {
        return None;
    }
    let data = std::fs::read(path).ok()?;
    TimeZone::tzif(name, &data).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_rules_follow_go() {
        assert!(Location::load("").unwrap().is_utc());
        assert!(Location::load("UTC").unwrap().is_utc());
        assert!(Location::load("Local").unwrap().is_local());
        assert_eq!(
            Location::load("../etc/passwd"),
            Err(LocationError::InvalidName)
        );
        assert_eq!(
            Location::load("/etc/localtime"),
            Err(LocationError::InvalidName)
        );
        assert_eq!(
            Location::load("europe/paris").unwrap_err().to_string(),
            "unknown time zone europe/paris"
        );
        let paris = Location::load("Europe/Paris").unwrap();
        assert_eq!(paris.name(), "Europe/Paris");
        // 2024-07-01T00:00:00Z is summer time, 2024-01-01 winter time.
        assert_eq!(paris.lookup(1_719_792_000), (Cow::Borrowed("CEST"), 7200));
        assert_eq!(paris.lookup(1_704_067_200), (Cow::Borrowed("CET"), 3600));
    }

    #[test]
    fn fixed_and_local_with_tz() {
        let f = Location::fixed("", -3600 * 5 - 1800);
        assert_eq!(f.lookup(0), (Cow::Borrowed(""), -19_800));
        assert_eq!(f.name(), "");
        let l = Location::local_with_tz(Some(""));
        assert_eq!(l.name(), "UTC");
        assert_eq!(l.lookup(0), (Cow::Borrowed("UTC"), 0));
        let ny = Location::local_with_tz(Some("America/New_York"));
        assert!(ny.is_local());
        assert_eq!(ny.name(), "America/New_York");
        assert_eq!(ny.offset_at(1_704_067_200), -18_000);
        assert_eq!(Location::local_with_tz(Some("Nowhere/Zone")).name(), "UTC");
    }
}
