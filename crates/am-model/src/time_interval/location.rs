//! The `location` of a time interval: a time zone plus the name it was configured with.
//! Mirrors upstream's `timeinterval.Location`, which wraps Go's `time.LoadLocation`.
//!
//! Names resolve like `time.LoadLocation` on Linux: `""` and `"UTC"` are UTC, `"Local"` is the
//! process's local zone (`TZ`, else `/etc/localtime`), anything else is looked up, with exact
//! case, in the system tz database (`/usr/share/zoneinfo`, Debian's `tzdata`).

use std::fmt;

use jiff::tz::TimeZone;
use serde::de::{self, Deserializer};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

use super::TimeIntervalError;
use super::range::Scalar;

/// A time zone and its configured name. `Display` and serde give the name back (`"UTC"` for
/// an empty name, as Go does).
#[derive(Clone, Debug)]
pub struct Location {
    name: String,
    tz: TimeZone,
}

impl Location {
    /// Loads a location by name (see the module documentation).
    ///
    /// # Errors
    /// `time: invalid location name` for names Go refuses outright (containing `..` or
    /// starting with a slash or backslash), `unknown time zone NAME` when the database has no
    /// zone by exactly that name.
    pub fn new(name: &str) -> Result<Self, TimeIntervalError> {
        match name {
            "" | "UTC" => return Ok(Location::utc()),
            "Local" => return Ok(Location::local()),
            _ => {}
        }
        if name.contains("..") || name.starts_with('/') || name.starts_with('\\') {
            return Err(TimeIntervalError::InvalidLocationName(name.to_owned()));
        }
        // jiff's lookup ignores ASCII case; Go opens the file by name, so on Linux the case
        // must match the database's.
        match jiff::tz::db().get(name) {
            Ok(tz) if tz.iana_name() == Some(name) => Ok(Location {
                name: name.to_owned(),
                tz,
            }),
            _ => Err(TimeIntervalError::UnknownTimeZone(name.to_owned())),
        }
    }

    /// UTC, the default when an interval has no location.
    pub fn utc() -> Self {
        Location {
            name: "UTC".to_owned(),
            tz: TimeZone::UTC,
        }
    }

    /// The process's local time zone, named `Local`.
    pub fn local() -> Self {
        Location {
            name: "Local".to_owned(),
            tz: TimeZone::system(),
        }
    }

    /// The configured name (`"UTC"`, `"Local"` or an IANA name).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The time zone.
    pub fn time_zone(&self) -> &TimeZone {
        &self.tz
    }
}

/// Locations are equal when their names are.
impl PartialEq for Location {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Location {}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl Serialize for Location {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.name)
    }
}

impl<'de> Deserialize<'de> for Location {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A null `location` is handled by `Option<Location>` (no location, UTC).
        let Some(name) = Scalar::deserialize(deserializer)?.0 else {
            return Err(de::Error::custom("location must be a string"));
        };
        Location::new(&name).map_err(de::Error::custom)
    }
}
