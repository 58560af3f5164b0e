//! A tiny deterministic random generator for the workspace's randomized differential tests, so
//! that every run checks the same cases (no upstream counterpart: test infrastructure only).
//!
//! The generator is SplitMix64 (Steele, Lea and Flood, 2014): one 64-bit state, a Weyl
//! sequence step and a finalizing mix. It is not for anything but test data.

/// A seeded SplitMix64 generator. The same seed always yields the same sequence.
#[derive(Clone, Debug)]
pub struct TestRng(u64);

impl TestRng {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        TestRng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    ///
    /// # Panics
    /// Panics when `n` is zero.
    pub fn below(&mut self, n: usize) -> usize {
        assert!(n > 0, "TestRng::below(0)");
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    ///
    /// # Panics
    /// Panics when `hi < lo`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        assert!(lo <= hi, "TestRng::range({lo}, {hi})");
        let bits = self.next_u64();
        let offset = match hi.abs_diff(lo).checked_add(1) {
            Some(span) => bits % span,
            None => bits, // the whole i64 range
        };
        lo.wrapping_add_unsigned(offset)
    }

    /// True with a probability of `percent` in 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// One element of `items`, chosen uniformly.
    ///
    /// # Panics
    /// Panics when `items` is empty.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// `count` elements of `parts`, chosen uniformly and concatenated.
    pub fn concat(&mut self, parts: &[&str], count: usize) -> String {
        (0..count).map(|_| self.pick(parts)).collect()
    }

    /// Inserts one of `choices` into `s` at a random byte offset; leaves `s` unchanged when
    /// that offset is inside a multi-byte character.
    pub fn insert_one_of(&mut self, s: &mut String, choices: &[&str]) {
        let at = self.below(s.len() + 1);
        if s.is_char_boundary(at) {
            s.insert_str(at, self.pick(choices));
        }
    }

    /// Shuffles `items` in place (Fisher-Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_reference_values() {
        // First outputs of SplitMix64 seeded with 1234567, as published with the algorithm.
        let mut rng = TestRng::new(1_234_567);
        let want: [u64; 5] = [
            6_457_827_717_110_365_317,
            3_203_168_211_198_807_973,
            9_817_491_932_198_370_423,
            4_593_380_528_125_082_431,
            16_408_922_859_458_223_821,
        ];
        for w in want {
            assert_eq!(rng.next_u64(), w);
        }
    }

    #[test]
    fn bounded_helpers_stay_in_bounds() {
        let mut rng = TestRng::new(7);
        let mut seen = [false; 5];
        for _ in 0..1000 {
            let r = rng.range(-2, 2);
            assert!((-2..=2).contains(&r), "{r}");
            seen[(r + 2) as usize] = true;
            assert!(rng.below(3) < 3);
        }
        assert_eq!(seen, [true; 5]);
        assert_eq!(rng.range(i64::MIN, i64::MIN), i64::MIN);
        let full = rng.range(i64::MIN, i64::MAX);
        assert!((i64::MIN..=i64::MAX).contains(&full));
        assert!(!rng.chance(0));
        assert!(rng.chance(100));
    }

    #[test]
    fn same_seed_same_sequence() {
        let (mut a, mut b) = (TestRng::new(42), TestRng::new(42));
        let mut items: Vec<u32> = (0..20).collect();
        let mut other = items.clone();
        a.shuffle(&mut items);
        b.shuffle(&mut other);
        assert_eq!(items, other);
        let mut sorted = items.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..20).collect::<Vec<_>>());
        assert_ne!(
            items, sorted,
            "a 20-element shuffle left everything in place"
        );
        assert_eq!(a.concat(&["a", "b"], 8), b.concat(&["a", "b"], 8));
        let mut s = String::from("éé");
        let mut hits = 0;
        for _ in 0..50 {
            let mut t = s.clone();
            a.insert_one_of(&mut t, &["x"]);
            hits += usize::from(t != s);
            assert!(t == s || t.replace('x', "") == s);
        }
        assert!(hits > 0);
        s.clear();
        a.insert_one_of(&mut s, &["y"]);
        assert_eq!(s, "y");
    }
}
