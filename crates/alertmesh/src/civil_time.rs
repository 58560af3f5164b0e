//! UTC calendar arithmetic for timestamps: turns seconds since the Unix epoch into a civil date
//! and time of day. Used by the log formatter (`ts=2025-01-15T10:00:00.000Z`) and, through a
//! `#[path]` include, by `build.rs` for the build date shown by `--version`.
//!
//! Kept dependency-free on purpose so that the build script can share it.

/// A UTC date and time of day, second precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CivilTime {
    /// Proleptic Gregorian year (may be negative far before the epoch).
    pub year: i64,
    /// Month, 1..=12.
    pub month: u32,
    /// Day of the month, 1..=31.
    pub day: u32,
    /// Hour, 0..=23.
    pub hour: u32,
    /// Minute, 0..=59.
    pub minute: u32,
    /// Second, 0..=59.
    pub second: u32,
}

/// Converts seconds since 1970-01-01T00:00:00Z into a UTC civil date and time.
pub fn civil_from_unix_seconds(unix_seconds: i64) -> CivilTime {
    let days = unix_seconds.div_euclid(86_400);
    let second_of_day = unix_seconds.rem_euclid(86_400);
    let (year, month, day) = date_from_days(days);
    // `second_of_day` is in 0..86_400, so these casts cannot truncate.
    CivilTime {
        year,
        month,
        day,
        hour: (second_of_day / 3_600) as u32,
        minute: (second_of_day % 3_600 / 60) as u32,
        second: (second_of_day % 60) as u32,
    }
}

/// Days since the epoch to (year, month, day), counting in 400-year eras that start on March 1st
/// so that the leap day is the last day of each era-year.
fn date_from_days(days_since_epoch: i64) -> (i64, u32, u32) {
    const DAYS_PER_ERA: i64 = 146_097;
    // 1970-01-01 is 719_468 days after 0000-03-01.
    let days = days_since_epoch + 719_468;
    let era = days.div_euclid(DAYS_PER_ERA);
    let day_of_era = days.rem_euclid(DAYS_PER_ERA);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    // Months counted from March: 0 = March … 11 = February.
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(year: i64, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> CivilTime {
        CivilTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
        }
    }

    #[test]
    fn known_instants() {
        assert_eq!(civil_from_unix_seconds(0), at(1970, 1, 1, 0, 0, 0));
        assert_eq!(civil_from_unix_seconds(-1), at(1969, 12, 31, 23, 59, 59));
        // 2000-02-29T12:34:56Z, a leap day in a century leap year.
        assert_eq!(
            civil_from_unix_seconds(951_827_696),
            at(2000, 2, 29, 12, 34, 56)
        );
        // 2025-01-15T00:00:00Z, the day Alertmanager 0.28.0 was released.
        assert_eq!(
            civil_from_unix_seconds(1_736_899_200),
            at(2025, 1, 15, 0, 0, 0)
        );
        // 2100-03-01: 2100 is not a leap year.
        assert_eq!(
            civil_from_unix_seconds(4_107_542_400),
            at(2100, 3, 1, 0, 0, 0)
        );
    }

    #[test]
    fn consecutive_days_never_skip_or_repeat() {
        let mut previous = civil_from_unix_seconds(-800 * 86_400);
        for day in -799..(366 * 450) {
            let current = civil_from_unix_seconds(day * 86_400);
            let same_month = current.year == previous.year && current.month == previous.month;
            if same_month {
                assert_eq!(current.day, previous.day + 1, "after {previous:?}");
            } else {
                assert_eq!(current.day, 1, "after {previous:?}");
                assert!(previous.day >= 28, "month ended early: {previous:?}");
            }
            previous = current;
        }
    }
}
