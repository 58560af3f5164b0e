//! Runs recursion-heavy work (parsing, escaping, execution) on a large stack, so that deeply
//! nested or recursive templates fail with a clean error (our own depth limits) instead of
//! overflowing the caller's (possibly small, e.g. a 2 MiB tokio worker) stack.
//!
//! The large stack is a segment that `stacker` maps on the current thread and unmaps afterwards
//! (pages are committed lazily, so a large size costs address space, not memory). An earlier
//! version spawned a thread per call, which dominated the cost of rendering small templates
//! (docs/BENCHMARKS.md).

/// Runs `f` with at least `stack_bytes` of stack available: inline when the current stack already
/// has that much room left, otherwise on a freshly mapped stack segment of that size.
pub(crate) fn with_stack<T, F>(stack_bytes: usize, f: F) -> T
where
    F: FnOnce() -> T,
{
    match stacker::remaining_stack() {
        Some(left) if left >= stack_bytes => f(),
        _ => stacker::grow(stack_bytes, f),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn runs_on_a_big_stack() {
        // Recursion with a 1 KiB frame, 10 MiB in total: more than a default 2 MiB test thread.
        fn depth(n: u32) -> u32 {
            let pad = [n as u8; 1024];
            if n == 0 {
                return 0;
            }
            let below = depth(n - 1);
            std::hint::black_box(&pad);
            1 + below
        }
        assert_eq!(super::with_stack(64 << 20, || depth(10_000)), 10_000);
    }
}
