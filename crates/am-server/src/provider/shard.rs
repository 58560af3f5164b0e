//! One shard of the alert store: the alerts whose fingerprints map to it, as blobs (see
//! [`super::codec`]) in one append-only byte arena, addressed through a dense slot vector and
//! an index from fingerprint to slot. Upstream keeps one Go map behind one mutex
//! (`store/store.go`); the store splits that into many of these, each behind its own lock.
//!
//! Slots never move while they are live: a removed slot goes on a free list and is reused by a
//! later insert. That is what lets a scan walk the slots in chunks, releasing the lock between
//! chunks, and still see every alert present for the whole scan exactly once. Replaced or
//! removed blobs leave garbage in the arena, reclaimed by [`Shard::maybe_compact`].

use hashbrown::HashTable;

/// Marks a slot on the free list (`len`).
const FREE: u32 = u32::MAX;
/// End of the free list (`off` of the last free slot).
const NONE: u32 = u32::MAX;
/// Compaction starts only once this much garbage accumulated.
const MIN_GARBAGE: usize = 64 * 1024;

#[derive(Clone, Copy)]
struct Slot {
    fp: u64,
    /// Arena offset; for a free slot the next free slot.
    off: u32,
    /// Blob length, or [`FREE`].
    len: u32,
}

/// The arena would exceed 4 GiB even after compaction.
#[derive(Debug)]
pub(crate) struct ArenaFull;

/// The table hash of a fingerprint: a full 64-bit mix, because the shard already consumed
/// some fingerprint bits and the table uses both the low bits and the top 7 bits.
fn mix(fp: u64) -> u64 {
    let mut z = fp ^ (fp >> 31);
    z = z.wrapping_mul(0x7fb5_d329_728e_a185);
    z ^= z >> 27;
    z = z.wrapping_mul(0x81da_def4_bc2d_d44d);
    z ^ (z >> 33)
}

/// Alerts of one shard. Not synchronized; the store wraps it in a lock.
#[derive(Default)]
pub(crate) struct Shard {
    index: HashTable<u32>,
    slots: Vec<Slot>,
    free: Option<u32>,
    arena: Vec<u8>,
    garbage: usize,
}

impl Shard {
    /// Number of stored alerts.
    pub(crate) fn len(&self) -> usize {
        self.index.len()
    }

    /// Number of slots, live or free (the bound for slot-index scans).
    pub(crate) fn slot_count(&self) -> usize {
        self.slots.len()
    }

    /// The slot holding `fp`.
    pub(crate) fn find(&self, fp: u64) -> Option<u32> {
        let slots = &self.slots;
        self.index
            .find(mix(fp), |&i| slots[i as usize].fp == fp)
            .copied()
    }

    /// The blob in live slot `idx`.
    pub(crate) fn blob(&self, idx: u32) -> &[u8] {
        let s = self.slots[idx as usize];
        &self.arena[s.off as usize..s.off as usize + s.len as usize]
    }

    /// Mutable blob in live slot `idx` (rewriting times in place).
    pub(crate) fn blob_mut(&mut self, idx: u32) -> &mut [u8] {
        let s = self.slots[idx as usize];
        &mut self.arena[s.off as usize..s.off as usize + s.len as usize]
    }

    /// Fingerprint and blob of slot `idx`, if it is live.
    pub(crate) fn live(&self, idx: usize) -> Option<(u64, &[u8])> {
        let s = *self.slots.get(idx)?;
        if s.len == FREE {
            return None;
        }
        Some((
            s.fp,
            &self.arena[s.off as usize..s.off as usize + s.len as usize],
        ))
    }

    /// Appends `blob` to the arena, compacting first if it would not fit.
    fn append(&mut self, blob: &[u8]) -> Result<(u32, u32), ArenaFull> {
        let len = u32::try_from(blob.len()).map_err(|_| ArenaFull)?;
        if self.arena.len() + blob.len() > u32::MAX as usize {
            self.compact();
            if self.arena.len() + blob.len() > u32::MAX as usize {
                return Err(ArenaFull);
            }
        }
        let off = self.arena.len() as u32;
        self.arena.extend_from_slice(blob);
        Ok((off, len))
    }

    /// Stores a new fingerprint (not present). Returns its slot.
    pub(crate) fn insert(&mut self, fp: u64, blob: &[u8]) -> Result<u32, ArenaFull> {
        let (off, len) = self.append(blob)?;
        let slot = Slot { fp, off, len };
        let idx = match self.free {
            Some(idx) => {
                let next = self.slots[idx as usize].off;
                self.free = (next != NONE).then_some(next);
                self.slots[idx as usize] = slot;
                idx
            }
            None => {
                // Slot indices stay below u32::MAX because FREE/NONE are reserved.
                let idx = u32::try_from(self.slots.len())
                    .ok()
                    .filter(|&i| i != NONE)
                    .ok_or(ArenaFull)?;
                self.slots.push(slot);
                idx
            }
        };
        let slots = &self.slots;
        self.index
            .insert_unique(mix(fp), idx, |&i| mix(slots[i as usize].fp));
        Ok(idx)
    }

    /// Replaces the blob of live slot `idx`: in place when it fits, else appended.
    pub(crate) fn replace(&mut self, idx: u32, blob: &[u8]) -> Result<(), ArenaFull> {
        let s = self.slots[idx as usize];
        if blob.len() <= s.len as usize {
            let off = s.off as usize;
            self.arena[off..off + blob.len()].copy_from_slice(blob);
            self.garbage += s.len as usize - blob.len();
            self.slots[idx as usize].len = blob.len() as u32;
            return Ok(());
        }
        let (off, len) = self.append(blob)?;
        // `append` may have compacted, which moves offsets but not slots.
        let old_len = self.slots[idx as usize].len as usize;
        self.garbage += old_len;
        self.slots[idx as usize].off = off;
        self.slots[idx as usize].len = len;
        Ok(())
    }

    /// Removes live slot `idx`.
    pub(crate) fn remove(&mut self, idx: u32) {
        let Some(&s) = self.slots.get(idx as usize) else {
            return;
        };
        if s.len == FREE {
            return;
        }
        let slots = &self.slots;
        if let Ok(entry) = self
            .index
            .find_entry(mix(s.fp), |&i| i == idx && slots[i as usize].fp == s.fp)
        {
            entry.remove();
        }
        self.garbage += s.len as usize;
        self.slots[idx as usize] = Slot {
            fp: 0,
            off: self.free.unwrap_or(NONE),
            len: FREE,
        };
        self.free = Some(idx);
        if self.index.is_empty() {
            // Drop everything (and give the memory back) when the shard empties.
            *self = Shard::default();
        }
    }

    /// Compacts the arena when more than half of it is garbage.
    pub(crate) fn maybe_compact(&mut self) {
        if self.garbage >= MIN_GARBAGE && self.garbage * 2 > self.arena.len() {
            self.compact();
        }
    }

    /// Copies every live blob into a new, right-sized arena.
    fn compact(&mut self) {
        let live = self.arena.len() - self.garbage;
        let mut arena = Vec::with_capacity(live + live / 8);
        for s in self.slots.iter_mut().filter(|s| s.len != FREE) {
            let start = s.off as usize;
            s.off = arena.len() as u32;
            arena.extend_from_slice(&self.arena[start..start + s.len as usize]);
        }
        self.arena = arena;
        self.garbage = 0;
    }

    /// Bytes held by this shard (arena, slots, index), for tests and stats.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.arena.capacity()
            + self.slots.capacity() * std::mem::size_of::<Slot>()
            + self.index.allocation_size()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_replace_remove_and_reuse_slots() {
        let mut s = Shard::default();
        let a = s.insert(1, b"aaaa").unwrap();
        let b = s.insert(2, b"bb").unwrap();
        assert_eq!((s.find(1), s.find(2), s.find(3)), (Some(a), Some(b), None));
        s.replace(a, b"xy").unwrap();
        assert_eq!(s.blob(a), b"xy");
        s.replace(a, b"longer blob").unwrap();
        assert_eq!(s.blob(a), b"longer blob");
        assert_eq!(s.blob(b), b"bb");
        s.remove(b);
        assert_eq!((s.find(2), s.len()), (None, 1));
        assert!(s.live(b as usize).is_none());
        let c = s.insert(3, b"c").unwrap();
        assert_eq!(c, b, "free slot reused");
        assert_eq!(s.slot_count(), 2);
        s.compact();
        assert_eq!((s.blob(a), s.blob(c)), (&b"longer blob"[..], &b"c"[..]));
        assert_eq!(s.arena.len(), 12);
    }

    #[test]
    fn many_fingerprints_and_compaction() {
        let mut s = Shard::default();
        for fp in 0..5000u64 {
            s.insert(fp << 6, format!("blob-{fp}").as_bytes()).unwrap();
        }
        for fp in (0..5000u64).step_by(2) {
            let idx = s.find(fp << 6).unwrap();
            s.remove(idx);
        }
        for round in ["", "-and-longer-still"] {
            for fp in (1..5000u64).step_by(2) {
                let idx = s.find(fp << 6).unwrap();
                s.replace(idx, format!("replaced-{fp}-with-longer{round}").as_bytes())
                    .unwrap();
            }
            if round.is_empty() {
                s.maybe_compact();
                assert!(s.garbage > 0, "less than half garbage: not compacted yet");
            }
        }
        s.maybe_compact();
        assert_eq!(s.garbage, 0, "compacted");
        assert_eq!(s.len(), 2500);
        for fp in 0..5000u64 {
            match s.find(fp << 6) {
                Some(idx) => {
                    assert_eq!(fp % 2, 1);
                    let want = format!("replaced-{fp}-with-longer-and-longer-still");
                    assert_eq!(s.blob(idx), want.as_bytes());
                }
                None => assert_eq!(fp % 2, 0),
            }
        }
        for idx in s.find(1 << 6).into_iter().chain(s.find(3 << 6)) {
            s.remove(idx);
        }
        assert_eq!(s.len(), 2498);
    }

    #[test]
    fn emptied_shard_releases_memory() {
        let mut s = Shard::default();
        for fp in 0..1000u64 {
            s.insert(fp, &[0u8; 100]).unwrap();
        }
        assert!(s.heap_bytes() > 100_000);
        for fp in 0..1000u64 {
            let idx = s.find(fp).unwrap();
            s.remove(idx);
        }
        assert_eq!(s.heap_bytes(), 0);
    }
}
