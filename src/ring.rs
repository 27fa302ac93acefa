//! The bounded ring between the reader and the store.
//!
//! Storage is a heapless deque of `N` fixed-size slots. The daemon's ring is a `static`, so its
//! storage is reserved at link time (and never passes through a thread's stack); the configured
//! capacity (at most `N`) limits how much of it is used. The reader only ever holds the lock to push one
//! line, and the store only to pop a batch, so a slow SD card never stalls reading: when the
//! ring is full the new line is dropped and counted, and the store records the loss.

use crate::config::RING_MAX;
use crate::core::framer::Line;
pub use crate::core::health::RingStats;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// One framed line waiting for the store.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Wall-clock receive time, Unix milliseconds (what the database keeps).
    pub received_ms: i64,
    /// Monotonic receive time (what commit batching measures age with; immune to clock jumps).
    pub received: Instant,
    pub line: Line,
}

/// Lines dropped because the ring was full, not yet reported to the store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Overflow {
    pub lines: u64,
    pub first_ms: i64,
    pub last_ms: i64,
}

struct Inner<const N: usize> {
    queue: heapless::Deque<Entry, N>,
    capacity: usize,
    closed: bool,
    /// Overflow since the store last took the report.
    pending_overflow: Overflow,
    /// Overflow since start, for the status page.
    total_overflow: u64,
    high_water: usize,
}

pub struct Ring<const N: usize = RING_MAX> {
    inner: Mutex<Inner<N>>,
    ready: Condvar,
}

/// What the store gets from [`Ring::take_batch`].
#[derive(Debug, Default)]
pub struct Batch {
    pub entries: Vec<Entry>,
    pub overflow: Option<Overflow>,
    /// The ring is closed and this was the last of it.
    pub closed: bool,
}

impl<const N: usize> Default for Ring<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Ring<N> {
    /// An empty ring using all `N` slots; `const` so that it can be a `static`.
    pub const fn new() -> Self {
        Ring {
            inner: Mutex::new(Inner {
                queue: heapless::Deque::new(),
                capacity: N,
                closed: false,
                pending_overflow: Overflow {
                    lines: 0,
                    first_ms: 0,
                    last_ms: 0,
                },
                total_overflow: 0,
                high_water: 0,
            }),
            ready: Condvar::new(),
        }
    }

    /// Use at most `capacity` slots (1..=N); set once at start.
    pub fn set_capacity(&self, capacity: usize) {
        self.lock().capacity = capacity.clamp(1, N);
    }

    fn lock(&self) -> MutexGuard<'_, Inner<N>> {
        // A panic elsewhere while holding the lock leaves plain data behind; keep capturing.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queue a line; never blocks on the store. Returns false if the line was dropped.
    pub fn push(&self, entry: Entry) -> bool {
        let mut g = self.lock();
        let ok = if g.queue.len() >= g.capacity {
            let ms = entry.received_ms;
            let o = &mut g.pending_overflow;
            if o.lines == 0 {
                o.first_ms = ms;
            }
            o.lines += 1;
            o.last_ms = ms;
            g.total_overflow += 1;
            false
        } else {
            // Cannot fail: capacity <= N was checked above.
            let _ = g.queue.push_back(entry);
            g.high_water = g.high_water.max(g.queue.len());
            true
        };
        drop(g);
        self.ready.notify_one();
        ok
    }

    /// No more lines will come; the store drains what is left and stops.
    pub fn close(&self) {
        self.lock().closed = true;
        self.ready.notify_all();
    }

    pub fn is_closed(&self) -> bool {
        self.lock().closed
    }

    pub fn stats(&self) -> RingStats {
        let g = self.lock();
        RingStats {
            len: g.queue.len(),
            capacity: g.capacity,
            high_water: g.high_water,
            overflow_lines: g.total_overflow,
        }
    }

    /// Wait until a batch is due, then take it: `max` lines, or the lines present once the
    /// oldest has waited `interval`, or everything when the ring is closed. With `wait` false
    /// (a retry after a failed commit), take what is there now.
    pub fn take_batch(&self, max: usize, interval: Duration, wait: bool) -> Batch {
        let mut g = self.lock();
        // With nothing queued, return an empty batch after one interval anyway, so the store
        // can persist events and run its timers.
        let start = Instant::now();
        while wait && !g.closed && g.queue.len() < max {
            let deadline = match g.queue.front() {
                Some(oldest) => oldest.received + interval,
                None if g.pending_overflow.lines > 0 => break,
                None => start + interval,
            };
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            g = self
                .ready
                .wait_timeout(g, deadline - now)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        let n = g.queue.len().min(max);
        let entries: Vec<Entry> = (0..n).filter_map(|_| g.queue.pop_front()).collect();
        let overflow =
            (g.pending_overflow.lines > 0).then(|| std::mem::take(&mut g.pending_overflow));
        Batch {
            entries,
            overflow,
            closed: g.closed && g.queue.is_empty(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::framer::LineBuf;

    fn entry(ms: i64) -> Entry {
        Entry {
            received_ms: ms,
            received: Instant::now(),
            line: Line {
                bytes: LineBuf::from_slice(b"x").unwrap(),
                truncated: false,
                partial: false,
            },
        }
    }

    #[test]
    fn full_ring_drops_and_counts_and_reports_once() {
        let r = Ring::<4>::new();
        r.set_capacity(2);
        assert!(r.push(entry(1)));
        assert!(r.push(entry(2)));
        assert!(!r.push(entry(3)));
        assert!(!r.push(entry(4)));
        let b = r.take_batch(10, Duration::from_secs(5), false);
        assert_eq!(b.entries.len(), 2);
        assert_eq!(
            b.overflow,
            Some(Overflow {
                lines: 2,
                first_ms: 3,
                last_ms: 4
            })
        );
        assert_eq!(r.stats().overflow_lines, 2);
        let b = r.take_batch(10, Duration::from_secs(5), false);
        assert!(b.entries.is_empty() && b.overflow.is_none());
    }

    #[test]
    fn empty_ring_returns_after_one_interval() {
        let r = Ring::<4>::new();
        let b = r.take_batch(4, Duration::from_millis(20), true);
        assert!(b.entries.is_empty() && !b.closed);
    }

    #[test]
    fn batch_due_by_count_or_close() {
        let r = std::sync::Arc::new(Ring::<100>::new());
        for i in 0..5 {
            r.push(entry(i));
        }
        // Count reached: returns at once although the interval is long.
        let b = r.take_batch(5, Duration::from_secs(3600), true);
        assert_eq!(b.entries.len(), 5);
        r.push(entry(9));
        let r2 = r.clone();
        let t = std::thread::spawn(move || r2.take_batch(5, Duration::from_secs(3600), true));
        r.close();
        let b = t.join().unwrap();
        assert_eq!(b.entries.len(), 1);
        assert!(b.closed);
    }
}
