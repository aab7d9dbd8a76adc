//! A global allocator that counts the bytes in use and their peak (forwarding every call to
//! the system allocator), for checking the memory estimate against what runs allocate:
//! `tests/memory.rs` and the `run_memory` fuzz target (tests/fuzz) include it by path.
#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Peak;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let now = IN_USE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: forwards every call to the system allocator unchanged; only counts bytes.
unsafe impl GlobalAlloc for Peak {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size >= layout.size() {
            grew(new_size - layout.size());
        } else {
            IN_USE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Peak = Peak;

/// Runs `f` and returns the most bytes it had allocated at once, above what was in use
/// before (what it frees before returning counts at its peak).
pub fn peak_of(f: impl FnOnce()) -> usize {
    let base = IN_USE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    f();
    PEAK.load(Ordering::Relaxed) - base
}

/// The peak of what a run takes: building the session from `p`, three training steps (both
/// trace buffers used) and a prediction over a few windows. None if the run is refused.
pub fn session_peak(p: rnn_lab::train::lessons::Prepared) -> Option<usize> {
    let mut built = true;
    let used = peak_of(|| {
        let Ok(mut s) = rnn_lab::train::Session::new(p.config, p.dataset) else {
            built = false;
            return;
        };
        for _ in 0..3 {
            s.step();
        }
        let starts: Vec<usize> = s.dataset.validation.iter().copied().take(8).collect();
        s.predict(&starts);
    });
    built.then_some(used)
}
