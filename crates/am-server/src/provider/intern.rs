//! Append-only table of interned label and annotation *names* for the alert store
//! ([`super::AlertStore`]). Upstream (`provider/mem`, `store/store.go`) keeps a full Go map per
//! alert; we store a small integer per name instead, because the same few dozen names
//! (`alertname`, `instance`, `job`, `summary`, ...) occur in every alert.
//!
//! Reads by id are lock-free (`OnceLock` slots that are written once). Interning takes a read
//! lock on the name→id map, and a write lock only for a name seen for the first time. The table
//! is bounded against hostile input: names longer than [`MAX_NAME_LEN`], names beyond
//! [`MAX_NAMES`] distinct ones and names past [`MAX_TOTAL_BYTES`] are not interned; callers
//! store those inline.

use std::sync::OnceLock;

use hashbrown::HashMap;
use parking_lot::{RwLock, RwLockReadGuard};
use smol_str::SmolStr;

/// Names per lazily allocated chunk of the id table.
const CHUNK: usize = 256;
/// Most distinct names ever interned.
pub(crate) const MAX_NAMES: usize = 64 * CHUNK;
/// Longest name that is interned.
pub(crate) const MAX_NAME_LEN: usize = 128;
/// Most bytes of names interned in total.
pub(crate) const MAX_TOTAL_BYTES: usize = 1 << 20;

/// Name → id, plus the bytes of all interned names.
#[derive(Default)]
struct NameMap {
    ids: HashMap<SmolStr, u32, foldhash::fast::RandomState>,
    bytes: usize,
}

/// A lazily allocated block of [`CHUNK`] write-once name slots.
type Chunk = OnceLock<Box<[OnceLock<SmolStr>]>>;

/// The interned names. Ids are dense, starting at 0, and never reused or removed.
pub(crate) struct Interner {
    map: RwLock<NameMap>,
    chunks: Box<[Chunk]>,
}

impl Interner {
    /// An empty table.
    pub(crate) fn new() -> Interner {
        Interner {
            map: RwLock::new(NameMap::default()),
            chunks: (0..MAX_NAMES / CHUNK).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The name with id `id`, if that id was handed out.
    pub(crate) fn get(&self, id: u32) -> Option<&SmolStr> {
        let id = id as usize;
        self.chunks.get(id / CHUNK)?.get()?.get(id % CHUNK)?.get()
    }

    /// Number of interned names.
    pub(crate) fn len(&self) -> usize {
        self.map.read().ids.len()
    }

    /// A resolver that keeps one read lock across many lookups (one batch of alerts).
    pub(crate) fn resolver(&self) -> Resolver<'_> {
        Resolver {
            interner: self,
            guard: None,
        }
    }

    /// Interns `name` under the write lock; `None` when it must be stored inline.
    fn insert(&self, name: &str) -> Option<u32> {
        if name.len() > MAX_NAME_LEN {
            return None;
        }
        let mut map = self.map.write();
        if let Some(&id) = map.ids.get(name) {
            return Some(id);
        }
        if map.ids.len() >= MAX_NAMES || map.bytes + name.len() > MAX_TOTAL_BYTES {
            return None;
        }
        let id = map.ids.len();
        let chunk = self.chunks.get(id / CHUNK)?.get_or_init(|| {
            (0..CHUNK)
                .map(|_| OnceLock::new())
                .collect::<Vec<_>>()
                .into_boxed_slice()
        });
        let name = SmolStr::new(name);
        chunk.get(id % CHUNK)?.set(name.clone()).ok()?;
        map.bytes += name.len();
        let id = u32::try_from(id).ok()?;
        map.ids.insert(name, id);
        Some(id)
    }
}

/// Looks names up for one batch, holding the interner's read lock between lookups and
/// dropping it only to insert a new name. Drop it before taking any other lock.
pub(crate) struct Resolver<'a> {
    interner: &'a Interner,
    guard: Option<RwLockReadGuard<'a, NameMap>>,
}

impl Resolver<'_> {
    /// The id of `name`, interning it if needed; `None` when it must be stored inline.
    pub(crate) fn resolve(&mut self, name: &str) -> Option<u32> {
        let interner = self.interner;
        let guard = self.guard.get_or_insert_with(|| interner.map.read());
        if let Some(&id) = guard.ids.get(name) {
            return Some(id);
        }
        if name.len() > MAX_NAME_LEN || guard.ids.len() >= MAX_NAMES {
            return None;
        }
        self.guard = None;
        interner.insert(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_dense_stable_and_readable() {
        let i = Interner::new();
        let mut r = i.resolver();
        assert_eq!(r.resolve("alertname"), Some(0));
        assert_eq!(r.resolve("job"), Some(1));
        assert_eq!(r.resolve("alertname"), Some(0));
        drop(r);
        assert_eq!(i.get(0).map(SmolStr::as_str), Some("alertname"));
        assert_eq!(i.get(1).map(SmolStr::as_str), Some("job"));
        assert_eq!(i.get(2), None);
        assert_eq!(i.len(), 2);
    }

    #[test]
    fn bounded_against_hostile_names() {
        let i = Interner::new();
        let mut r = i.resolver();
        assert_eq!(r.resolve(&"x".repeat(MAX_NAME_LEN + 1)), None);
        assert!(r.resolve(&"y".repeat(MAX_NAME_LEN)).is_some());
        let mut interned = 1;
        for k in 0..MAX_NAMES + 10 {
            if r.resolve(&format!("n{k}")).is_some() {
                interned += 1;
            }
        }
        assert_eq!(interned, MAX_NAMES);
        assert_eq!(i.len(), MAX_NAMES);
        // Names already interned still resolve once the table is full.
        assert_eq!(r.resolve("n0"), Some(1));
    }
}
