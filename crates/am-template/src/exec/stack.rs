//! Runs recursion-heavy work (parsing, execution) on a helper thread with a large stack, so that
//! deeply nested or recursive templates fail with a clean error instead of overflowing the
//! caller's (possibly small) stack. Thread stacks are reserved lazily by the OS, so a large size
//! costs address space, not memory.

use std::sync::Mutex;

/// Runs `f` on a scoped thread with `stack_bytes` of stack and returns its result. Falls back to
/// running `f` on the current thread if no thread can be spawned.
pub(crate) fn with_stack<T, F>(stack_bytes: usize, f: F) -> T
where
    T: Send,
    F: FnOnce() -> T + Send,
{
    let slot = Mutex::new(Some(f));
    let take = |slot: &Mutex<Option<F>>| match slot.lock() {
        Ok(mut g) => g.take(),
        Err(poisoned) => poisoned.into_inner().take(),
    };
    let result = std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("am-template".into())
            .stack_size(stack_bytes)
            .spawn_scoped(scope, || take(&slot).map(|job| job()));
        match handle {
            Ok(h) => match h.join() {
                Ok(v) => v,
                Err(panic) => std::panic::resume_unwind(panic),
            },
            Err(_) => None,
        }
    });
    match result {
        Some(v) => v,
        None => match take(&slot) {
            Some(job) => job(),
            None => panic!("template job vanished without running"),
        },
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
