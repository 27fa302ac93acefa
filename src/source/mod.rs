//! Sources: where bytes come from. Only this module knows termios, device files and sockets.

pub mod serial;
pub mod tcp;

use crate::core::framer::{Framer, Line};
use crate::ring::{Entry, Ring};
use crate::status::Status;
use std::time::Instant;

/// Wall clock in Unix milliseconds (edges only; the core takes time as a parameter).
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Frames bytes and queues the lines; shared by every source so they account alike.
pub struct Intake<'a> {
    pub framer: Framer,
    ring: &'a Ring,
    status: &'a Status,
    pushed: u64,
    blank: u64,
    /// Inside a run of dropped lines (so the log says it once per run, not per line).
    dropping: bool,
}

impl<'a> Intake<'a> {
    pub fn new(ring: &'a Ring, status: &'a Status) -> Self {
        Intake {
            framer: Framer::new(),
            ring,
            status,
            pushed: 0,
            blank: 0,
            dropping: false,
        }
    }

    pub fn feed(&mut self, bytes: &[u8]) {
        let now = now_ms();
        let at = Instant::now();
        let mut q = Queue {
            ring: self.ring,
            pushed: &mut self.pushed,
            blank: &mut self.blank,
            dropping: &mut self.dropping,
        };
        self.framer.push(bytes, |line| q.line(line, now, at));
        self.status
            .on_read(self.framer.counters(), self.pushed, self.blank, now);
    }

    /// The link went down or we are stopping: queue the unterminated rest as a partial line.
    pub fn flush(&mut self) {
        if let Some(line) = self.framer.flush() {
            let now = now_ms();
            Queue {
                ring: self.ring,
                pushed: &mut self.pushed,
                blank: &mut self.blank,
                dropping: &mut self.dropping,
            }
            .line(line, now, Instant::now());
            self.status
                .on_read(self.framer.counters(), self.pushed, self.blank, now);
        }
    }
}

struct Queue<'r, 'c> {
    ring: &'r Ring,
    pushed: &'c mut u64,
    blank: &'c mut u64,
    dropping: &'c mut bool,
}

impl Queue<'_, '_> {
    fn line(&mut self, line: Line, now: i64, at: Instant) {
        // Blank lines (page feeds, skipped perforation) carry nothing; they are counted only.
        if line.is_blank() {
            *self.blank += 1;
            return;
        }
        *self.pushed += 1;
        let stored = self.ring.push(Entry {
            received_ms: now,
            received: at,
            line,
        });
        if !stored && !*self.dropping {
            tracing::error!("ring full: dropping lines until storage catches up (counted)");
        }
        *self.dropping = !stored;
    }
}
