//! Go's `strconv.FormatFloat(f, fmt, prec, 64)` for the formats `fmt` uses: `e E f g G x X b`
//! (Go's `strconv/ftoa.go`). Precision `-1` means the shortest decimal that reads back as the
//! same float (Rust's shortest formatting produces the same digits as Go's Ryū); fixed precisions
//! are rounded exactly, half to even, as Go's multiprecision fallback does.

/// Decimal digits of a float's magnitude: `0.d1d2d3... × 10^dp`, no trailing zeros; zero has no
/// digits.
struct Digits {
    d: Vec<u8>,
    dp: i64,
}

/// Parses Rust's `{:e}` output (`d.ddde±x`) into digits.
fn parse_exp_form(s: &str) -> Digits {
    let (mant, exp) = s.split_once('e').unwrap_or((s, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let mut d: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    while d.last() == Some(&b'0') {
        d.pop();
    }
    if d.is_empty() {
        return Digits { d, dp: 0 };
    }
    Digits { d, dp: exp + 1 }
}

/// Shortest round-tripping digits of `abs` (non-negative, finite).
fn shortest(abs: f64) -> Digits {
    parse_exp_form(&format!("{abs:e}"))
}

/// `n >= 1` significant digits of `abs`, correctly rounded.
fn significant(abs: f64, n: usize) -> Digits {
    parse_exp_form(&format!("{:.*e}", n - 1, abs))
}

/// `strconv.FormatFloat(v, fmt, prec, 64)`.
pub fn format_float(v: f64, fmt: u8, prec: i64) -> String {
    if v.is_nan() {
        return "NaN".to_string();
    }
    if v.is_infinite() {
        return if v > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    let neg = v.is_sign_negative();
    let abs = v.abs();
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    match fmt {
        b'b' => push_binary(&mut out, abs),
        b'x' | b'X' => push_hex(&mut out, abs, prec, fmt),
        b'f' if prec >= 0 => {
            out.push_str(&format!("{:.*}", usize::try_from(prec).unwrap_or(0), abs));
        }
        b'e' | b'E' | b'f' | b'g' | b'G' => {
            let shortest_mode = prec < 0;
            let mut prec = prec;
            let digs = if shortest_mode {
                let d = shortest(abs);
                let nd = len_i64(&d.d);
                prec = match fmt {
                    b'e' | b'E' => (nd - 1).max(0),
                    b'f' => (nd - d.dp).max(0),
                    _ => nd,
                };
                d
            } else {
                let n = match fmt {
                    b'e' | b'E' => prec + 1,
                    _ => {
                        if prec == 0 {
                            prec = 1;
                        }
                        prec
                    }
                };
                if abs == 0.0 {
                    Digits {
                        d: Vec::new(),
                        dp: 0,
                    }
                } else {
                    significant(abs, usize::try_from(n).unwrap_or(1))
                }
            };
            push_digits(&mut out, &digs, shortest_mode, prec, fmt);
        }
        _ => {
            out.clear();
            out.push('%');
            out.push(char::from(fmt));
        }
    }
    out
}

fn len_i64(d: &[u8]) -> i64 {
    i64::try_from(d.len()).unwrap_or(i64::MAX)
}

/// Go's `formatDigits`.
fn push_digits(out: &mut String, digs: &Digits, shortest: bool, prec: i64, fmt: u8) {
    match fmt {
        b'e' | b'E' => push_e(out, digs, prec, fmt),
        b'f' => push_f(out, digs, prec),
        _ => {
            let nd = len_i64(&digs.d);
            let mut eprec = prec;
            if eprec > nd && nd >= digs.dp {
                eprec = nd;
            }
            if shortest {
                eprec = 6;
            }
            let exp = digs.dp - 1;
            if exp < -4 || exp >= eprec {
                let p = prec.min(nd);
                push_e(out, digs, p - 1, fmt + b'e' - b'g');
            } else {
                let p = if prec > digs.dp { nd } else { prec };
                push_f(out, digs, (p - digs.dp).max(0));
            }
        }
    }
}

/// `d.ddde±dd`.
fn push_e(out: &mut String, digs: &Digits, prec: i64, fmt: u8) {
    let digit = |i: i64| -> char {
        usize::try_from(i)
            .ok()
            .and_then(|i| digs.d.get(i))
            .map_or('0', |&c| char::from(c))
    };
    out.push(digit(0));
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            out.push(digit(i));
        }
    }
    out.push(char::from(fmt));
    let exp = if digs.d.is_empty() { 0 } else { digs.dp - 1 };
    out.push(if exp < 0 { '-' } else { '+' });
    let exp = exp.unsigned_abs();
    if exp < 10 {
        out.push('0');
    }
    out.push_str(&exp.to_string());
}

/// `ddd.ddd` with `prec` fraction digits.
fn push_f(out: &mut String, digs: &Digits, prec: i64) {
    let digit = |i: i64| -> char {
        usize::try_from(i)
            .ok()
            .and_then(|i| digs.d.get(i))
            .map_or('0', |&c| char::from(c))
    };
    if digs.dp > 0 {
        for i in 0..digs.dp {
            out.push(digit(i));
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 0..prec {
            out.push(digit(digs.dp + i));
        }
    }
}

/// Mantissa and binary exponent (`abs = mant × 2^exp`, mantissa with the implicit bit).
fn decompose(abs: f64) -> (u64, i64) {
    let bits = abs.to_bits();
    let exp_bits = i64::try_from((bits >> 52) & 0x7ff).unwrap_or(0);
    let mut mant = bits & ((1u64 << 52) - 1);
    let mut exp = exp_bits;
    if exp == 0 {
        exp += 1; // denormal
    } else {
        mant |= 1u64 << 52;
    }
    (mant, exp - 1023 - 52)
}

/// `%b`: `4503599627370496p-52`.
fn push_binary(out: &mut String, abs: f64) {
    let (mant, exp) = decompose(abs);
    out.push_str(&mant.to_string());
    out.push('p');
    if exp >= 0 {
        out.push('+');
    }
    out.push_str(&exp.to_string());
}

/// `%x`: `0x1.8p+01`, rounded to `prec` hex digits (half to even) when `0 <= prec < 15`.
fn push_hex(out: &mut String, abs: f64, prec: i64, fmt: u8) {
    let (mut mant, mut exp) = decompose(abs);
    exp += 52; // value = mant × 2^(exp-52)
    if mant == 0 {
        exp = 0;
    }
    // Put the leading 1 at bit 60.
    mant <<= 60 - 52;
    while mant != 0 && mant & (1 << 60) == 0 {
        mant <<= 1;
        exp -= 1;
    }
    if (0..15).contains(&prec) {
        let shift = u32::try_from(prec * 4).unwrap_or(0);
        let extra = (mant << shift) & ((1u64 << 60) - 1);
        mant >>= 60 - shift;
        if extra | (mant & 1) > 1 << 59 {
            mant += 1;
        }
        mant <<= 60 - shift;
        if mant & (1 << 61) != 0 {
            mant >>= 1;
            exp += 1;
        }
    }
    let digits: &[u8; 16] = if fmt == b'X' {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    out.push('0');
    out.push(char::from(fmt));
    out.push(char::from(
        b'0' + u8::try_from((mant >> 60) & 1).unwrap_or(0),
    ));
    mant <<= 4;
    let nibble = |m: u64| char::from(digits[usize::try_from((m >> 60) & 15).unwrap_or(0)]);
    if prec < 0 && mant != 0 {
        out.push('.');
        while mant != 0 {
            out.push(nibble(mant));
            mant <<= 4;
        }
    } else if prec > 0 {
        out.push('.');
        for _ in 0..prec {
            out.push(nibble(mant));
            mant <<= 4;
        }
    }
    out.push(if fmt == b'X' { 'P' } else { 'p' });
    out.push(if exp < 0 { '-' } else { '+' });
    let e = exp.unsigned_abs();
    if e < 10 {
        out.push('0');
    }
    out.push_str(&e.to_string());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortest_forms() {
        let cases: &[(f64, u8, &str)] = &[
            (0.0, b'g', "0"),
            (-0.0, b'g', "-0"),
            (1e6, b'g', "1e+06"),
            (123456.0, b'g', "123456"),
            (1e21, b'g', "1e+21"),
            (1e-5, b'g', "1e-05"),
            (0.0001, b'g', "0.0001"),
            (1.0 / 3.0, b'g', "0.3333333333333333"),
            (5e-324, b'g', "5e-324"),
            (1.5, b'e', "1.5e+00"),
            (1e100, b'e', "1e+100"),
            (100.0, b'f', "100"),
            (1.25, b'f', "1.25"),
            (1.0, b'x', "0x1p+00"),
            (3.0, b'x', "0x1.8p+01"),
            (0.0, b'x', "0x0p+00"),
            (1.0, b'b', "4503599627370496p-52"),
        ];
        for (v, f, want) in cases {
            assert_eq!(format_float(*v, *f, -1), *want, "{v} {}", char::from(*f));
        }
    }

    #[test]
    fn fixed_precision() {
        let cases: &[(f64, u8, i64, &str)] = &[
            (2.5, b'f', 0, "2"),
            (0.125, b'f', 2, "0.12"),
            (1.0, b'e', 6, "1.000000e+00"),
            (9.99, b'e', 1, "1.0e+01"),
            (1.0, b'g', 3, "1"),
            (100.0, b'g', 3, "100"),
            (1234.0, b'g', 3, "1.23e+03"),
            (0.0, b'g', 3, "0"),
            (0.000_012_345, b'g', 2, "1.2e-05"),
            (1.0, b'x', 3, "0x1.000p+00"),
            (1.96875, b'x', 0, "0x1p+01"),
            (f64::NAN, b'g', 3, "NaN"),
            (f64::NEG_INFINITY, b'f', 3, "-Inf"),
        ];
        for (v, f, p, want) in cases {
            assert_eq!(
                format_float(*v, *f, *p),
                *want,
                "{v} {} {p}",
                char::from(*f)
            );
        }
    }
}
