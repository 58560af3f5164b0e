//! `Time.Format` with Go's reference-time layouts, `Time.String` and `Time.GoString` (Go's
//! `time/format.go`). Every element Go recognises is supported: `2006 06 01 1 Jan January 02 2
//! _2 __2 002 15 03 3 04 4 05 5 PM pm Mon Monday MST -0700 -07:00 -07 -070000 -07:00:00
//! Z0700 Z07:00 Z07 Z070000 Z07:00:00` and fractional seconds `.000`/`,000`/`.999`/`,999`.

use super::GoTime;
use super::civil::{DAY_NAMES, MONTH_NAMES};

/// One layout element (Go's `std*` constants).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Std {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    PM,
    Pm,
    TZ,
    Iso8601TZ,
    Iso8601SecondsTZ,
    Iso8601ShortTZ,
    Iso8601ColonTZ,
    Iso8601ColonSecondsTZ,
    NumTZ,
    NumSecondsTZ,
    NumShortTZ,
    NumColonTZ,
    NumColonSecondsTZ,
    /// Fractional second with trailing zeros kept: digit count (Go keeps it modulo 4096) and
    /// separator (`.` or `,`).
    FracSecond0(usize, u8),
    /// Fractional second with trailing zeros (and then the separator) dropped.
    FracSecond9(usize, u8),
}

/// Finds the first layout element in `layout`: returns the literal text before it, the
/// element, and the rest (Go's `nextStdChunk`). `None` when only literal text remains.
pub(crate) fn next_chunk(layout: &str) -> (&str, Option<(Std, &str)>) {
    let b = layout.as_bytes();
    let at = |i: usize, s: &str| b.get(i..i + s.len()) == Some(s.as_bytes());
    let lower_at = |i: usize| b.get(i).is_some_and(u8::is_ascii_lowercase);
    let digit_at = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    for i in 0..b.len() {
        let found: Option<(Std, usize)> = match b[i] {
            b'J' if at(i, "January") => Some((Std::LongMonth, 7)),
            b'J' if at(i, "Jan") && !lower_at(i + 3) => Some((Std::Month, 3)),
            b'M' if at(i, "Monday") => Some((Std::LongWeekDay, 6)),
            b'M' if at(i, "Mon") && !lower_at(i + 3) => Some((Std::WeekDay, 3)),
            b'M' if at(i, "MST") => Some((Std::TZ, 3)),
            b'0' if b.get(i + 1).is_some_and(|c| (b'1'..=b'6').contains(c)) => {
                let std = [
                    Std::ZeroMonth,
                    Std::ZeroDay,
                    Std::ZeroHour12,
                    Std::ZeroMinute,
                    Std::ZeroSecond,
                    Std::Year,
                ][usize::from(b[i + 1] - b'1')];
                Some((std, 2))
            }
            b'0' if at(i, "002") => Some((Std::ZeroYearDay, 3)),
            b'1' if at(i, "15") => Some((Std::Hour, 2)),
            b'1' => Some((Std::NumMonth, 1)),
            b'2' if at(i, "2006") => Some((Std::LongYear, 4)),
            b'2' => Some((Std::Day, 1)),
            b'_' if at(i, "_2006") => {
                // A literal underscore followed by the long year.
                return (&layout[..=i], Some((Std::LongYear, &layout[i + 5..])));
            }
            b'_' if at(i, "_2") => Some((Std::UnderDay, 2)),
            b'_' if at(i, "__2") => Some((Std::UnderYearDay, 3)),
            b'3' => Some((Std::Hour12, 1)),
            b'4' => Some((Std::Minute, 1)),
            b'5' => Some((Std::Second, 1)),
            b'P' if at(i, "PM") => Some((Std::PM, 2)),
            b'p' if at(i, "pm") => Some((Std::Pm, 2)),
            b'-' if at(i, "-070000") => Some((Std::NumSecondsTZ, 7)),
            b'-' if at(i, "-07:00:00") => Some((Std::NumColonSecondsTZ, 9)),
            b'-' if at(i, "-0700") => Some((Std::NumTZ, 5)),
            b'-' if at(i, "-07:00") => Some((Std::NumColonTZ, 6)),
            b'-' if at(i, "-07") => Some((Std::NumShortTZ, 3)),
            b'Z' if at(i, "Z070000") => Some((Std::Iso8601SecondsTZ, 7)),
            b'Z' if at(i, "Z07:00:00") => Some((Std::Iso8601ColonSecondsTZ, 9)),
            b'Z' if at(i, "Z0700") => Some((Std::Iso8601TZ, 5)),
            b'Z' if at(i, "Z07:00") => Some((Std::Iso8601ColonTZ, 6)),
            b'Z' if at(i, "Z07") => Some((Std::Iso8601ShortTZ, 3)),
            sep @ (b'.' | b',') if matches!(b.get(i + 1), Some(b'0' | b'9')) => {
                let ch = b[i + 1];
                let mut j = i + 1;
                while b.get(j) == Some(&ch) {
                    j += 1;
                }
                if digit_at(j) {
                    None
                } else {
                    let n = (j - i - 1) & 0xfff;
                    let std = if ch == b'0' {
                        Std::FracSecond0(n, sep)
                    } else {
                        Std::FracSecond9(n, sep)
                    };
                    Some((std, j - i))
                }
            }
            _ => None,
        };
        if let Some((std, len)) = found {
            return (&layout[..i], Some((std, &layout[i + len..])));
        }
    }
    (layout, None)
}

/// Appends `x` in decimal, zero-padded to `width` digits (the sign does not count), like Go's
/// `appendInt`.
fn push_int(out: &mut String, x: i64, width: usize) {
    if x < 0 {
        out.push('-');
    }
    let digits = x.unsigned_abs().to_string();
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(&digits);
}

/// Appends a zone offset in one of the numeric forms.
fn push_offset(out: &mut String, std: Std, offset: i32) {
    let iso = matches!(
        std,
        Std::Iso8601TZ
            | Std::Iso8601ColonTZ
            | Std::Iso8601SecondsTZ
            | Std::Iso8601ShortTZ
            | Std::Iso8601ColonSecondsTZ
    );
    if offset == 0 && iso {
        out.push('Z');
        return;
    }
    // Go converts to minutes first (truncating), so the sign comes from the minutes.
    let mut zone = offset / 60;
    let mut abs_offset = offset;
    if zone < 0 {
        out.push('-');
        zone = -zone;
        abs_offset = -abs_offset;
    } else {
        out.push('+');
    }
    push_int(out, i64::from(zone / 60), 2);
    let colon = matches!(
        std,
        Std::Iso8601ColonTZ | Std::NumColonTZ | Std::Iso8601ColonSecondsTZ | Std::NumColonSecondsTZ
    );
    if colon {
        out.push(':');
    }
    if !matches!(std, Std::NumShortTZ | Std::Iso8601ShortTZ) {
        push_int(out, i64::from(zone % 60), 2);
    }
    let seconds = matches!(
        std,
        Std::Iso8601SecondsTZ
            | Std::NumSecondsTZ
            | Std::NumColonSecondsTZ
            | Std::Iso8601ColonSecondsTZ
    );
    if seconds {
        if matches!(std, Std::NumColonSecondsTZ | Std::Iso8601ColonSecondsTZ) {
            out.push(':');
        }
        push_int(out, i64::from(abs_offset % 60), 2);
    }
}

/// Appends the fractional second (`n` digits, separator `sep`; `trim` drops trailing zeros and
/// then the separator when nothing is left).
fn push_nanos(out: &mut String, nanos: u32, n: usize, sep: u8, trim: bool) {
    let digits = format!("{nanos:09}");
    let mut n = n.min(9);
    if trim {
        while n > 0 && digits.as_bytes()[n - 1] == b'0' {
            n -= 1;
        }
        if n == 0 {
            return;
        }
    }
    out.push(char::from(sep));
    out.push_str(&digits[..n]);
}

impl GoTime {
    /// `t.Format(layout)`.
    pub fn format(&self, layout: &str) -> String {
        let unix = self.unix();
        let (name, offset) = self.loc.lookup(unix);
        let c = self.civil();
        let mut out = String::with_capacity(layout.len() + 10);
        let mut rest = layout;
        loop {
            let (prefix, found) = next_chunk(rest);
            out.push_str(prefix);
            let Some((std, suffix)) = found else {
                break;
            };
            rest = suffix;
            let hour12 = match c.hour % 12 {
                0 => 12,
                h => h,
            };
            match std {
                Std::Year => push_int(&mut out, c.year.abs() % 100, 2),
                Std::LongYear => push_int(&mut out, c.year, 4),
                Std::Month => out.push_str(&MONTH_NAMES[month_index(c.month)][..3]),
                Std::LongMonth => out.push_str(MONTH_NAMES[month_index(c.month)]),
                Std::NumMonth => push_int(&mut out, c.month, 0),
                Std::ZeroMonth => push_int(&mut out, c.month, 2),
                Std::WeekDay => out.push_str(&DAY_NAMES[day_index(c.weekday)][..3]),
                Std::LongWeekDay => out.push_str(DAY_NAMES[day_index(c.weekday)]),
                Std::Day => push_int(&mut out, c.day, 0),
                Std::UnderDay => {
                    if c.day < 10 {
                        out.push(' ');
                    }
                    push_int(&mut out, c.day, 0);
                }
                Std::ZeroDay => push_int(&mut out, c.day, 2),
                Std::UnderYearDay => {
                    if c.yday < 100 {
                        out.push(' ');
                        if c.yday < 10 {
                            out.push(' ');
                        }
                    }
                    push_int(&mut out, c.yday, 0);
                }
                Std::ZeroYearDay => push_int(&mut out, c.yday, 3),
                Std::Hour => push_int(&mut out, c.hour, 2),
                Std::Hour12 => push_int(&mut out, hour12, 0),
                Std::ZeroHour12 => push_int(&mut out, hour12, 2),
                Std::Minute => push_int(&mut out, c.minute, 0),
                Std::ZeroMinute => push_int(&mut out, c.minute, 2),
                Std::Second => push_int(&mut out, c.second, 0),
                Std::ZeroSecond => push_int(&mut out, c.second, 2),
                Std::PM => out.push_str(if c.hour >= 12 { "PM" } else { "AM" }),
                Std::Pm => out.push_str(if c.hour >= 12 { "pm" } else { "am" }),
                Std::TZ => {
                    if name.is_empty() {
                        // No abbreviation known: Go prints the -0700 form.
                        let mut zone = offset / 60;
                        if zone < 0 {
                            out.push('-');
                            zone = -zone;
                        } else {
                            out.push('+');
                        }
                        push_int(&mut out, i64::from(zone / 60), 2);
                        push_int(&mut out, i64::from(zone % 60), 2);
                    } else {
                        out.push_str(&name);
                    }
                }
                Std::FracSecond0(n, sep) => push_nanos(&mut out, self.nsec, n, sep, false),
                Std::FracSecond9(n, sep) => push_nanos(&mut out, self.nsec, n, sep, true),
                tz => push_offset(&mut out, tz, offset),
            }
        }
        out
    }

    /// `t.String()`: `2006-01-02 15:04:05.999999999 -0700 MST`.
    pub fn go_string(&self) -> String {
        self.format("2006-01-02 15:04:05.999999999 -0700 MST")
    }

    /// `t.GoString()` (what `%#v` prints): `time.Date(2009, time.November, 10, 23, 0, 0, 0,
    /// time.UTC)`.
    pub fn go_syntax(&self) -> String {
        let c = self.civil();
        let loc = if self.loc.is_utc() {
            "time.UTC".to_string()
        } else if self.loc.is_local() {
            "time.Local".to_string()
        } else {
            format!("time.Location({})", time_quote(self.loc.name()))
        };
        format!(
            "time.Date({}, time.{}, {}, {}, {}, {}, {}, {loc})",
            c.year,
            MONTH_NAMES[month_index(c.month)],
            c.day,
            c.hour,
            c.minute,
            c.second,
            self.nsec
        )
    }
}

fn month_index(month: i64) -> usize {
    usize::try_from(month - 1).unwrap_or(0).min(11)
}

fn day_index(weekday: i64) -> usize {
    usize::try_from(weekday).unwrap_or(0).min(6)
}

/// The `time` package's own minimal quoting (non-ASCII and control bytes become `\x..`).
fn time_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        if !(' '..'\u{80}').contains(&ch) {
            let mut buf = [0u8; 4];
            for b in ch.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        } else {
            if ch == '"' || ch == '\\' {
                out.push('\\');
            }
            out.push(ch);
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::super::Location;
    use super::*;

    fn reference() -> GoTime {
        // Mon Jan 2 15:04:05 MST 2006, with some nanoseconds.
        let mst = Location::fixed("MST", -7 * 3600);
        GoTime::from_unix(1_136_239_445, 123_456_000, mst)
    }

    #[test]
    fn layouts() {
        let t = reference();
        let cases: &[(&str, &str)] = &[
            ("2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05-07:00"),
            (
                "Mon Jan _2 15:04:05 MST 2006",
                "Mon Jan  2 15:04:05 MST 2006",
            ),
            (
                "Monday January 2 3:4:5 PM pm",
                "Monday January 2 3:4:5 PM pm",
            ),
            ("06 002 __2 .000 ,999 .9", "06 002   2 .123 ,123 .1"),
            ("-0700 -07 -070000 -07:00:00", "-0700 -07 -070000 -07:00:00"),
            ("Z0700 Z07 Z070000", "-0700 -07 -070000"),
            ("Month Janet _2006 .00x1 .01", "Month Janet _2006 .12x1 .01"),
            ("no elements here!", "no elements here!"),
        ];
        for (layout, want) in cases {
            assert_eq!(t.format(layout), *want, "{layout}");
        }
        assert_eq!(t.go_string(), "2006-01-02 15:04:05.123456 -0700 MST");
        assert_eq!(
            t.go_syntax(),
            "time.Date(2006, time.January, 2, 15, 4, 5, 123456000, time.Location(\"MST\"))"
        );
    }

    #[test]
    fn zones_and_zero_time() {
        let z = GoTime::zero();
        assert_eq!(z.format(time_rfc3339()), "0001-01-01T00:00:00Z");
        assert_eq!(
            z.go_syntax(),
            "time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC)"
        );
        let unnamed = GoTime::from_unix(0, 0, Location::fixed("", 2 * 3600));
        assert_eq!(unnamed.go_string(), "1970-01-01 02:00:00 +0200 +0200");
        let paris = GoTime::zero().in_location(&Location::load("Europe/Paris").unwrap());
        assert_eq!(paris.go_string(), "0001-01-01 00:09:21 +0009 LMT");
        assert_eq!(paris.format("-07:00:00"), "+00:09:21");
    }

    fn time_rfc3339() -> &'static str {
        "2006-01-02T15:04:05Z07:00"
    }
}
