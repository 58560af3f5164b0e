//! Shared pieces of the Go differential tests (no upstream counterpart): building an oracle
//! from `tests/go/<name>`, hex helpers for the byte columns, and the random strings both
//! generators use.

use std::path::Path;

use am_testkit::{GoOracle, TestRng};

/// Builds the oracle program in `tests/go/<name>` (`None`: Go is missing and allowed to be).
pub fn oracle(name: &str) -> Option<GoOracle> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/go")
        .join(name);
    GoOracle::build(&src, name)
}

/// Lowercase hex of `b`.
pub fn hexs(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The bytes of a hex string the oracle printed. Panics on bad hex.
pub fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

/// A random node-name-like string: empty, around the msgpack str8/str16 boundaries, or short,
/// with multi-byte characters.
pub fn string(rng: &mut TestRng) -> String {
    let len = match rng.below(5) {
        0 => 0,
        1 => 31 + rng.below(3),
        2 => 250 + rng.below(20),
        _ => rng.below(20),
    };
    (0..len)
        .map(|_| rng.pick(&['a', 'Z', '-', '.', '0', 'é', '☃']))
        .collect()
}
