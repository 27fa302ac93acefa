//! The daemon's live state, shared by the reader, the store writer and the web thread.
//!
//! Each writer updates its own part under a short lock; the web takes a snapshot. Health
//! judgement on that snapshot is pure and lives in `core::health`.

use crate::core::autobaud::AutobaudView;
use crate::core::framer::FramerCounters;
use crate::core::health::{LinkState, Snapshot, StoredCounts};
use crate::core::service::Beats;
use crate::ring::RingStats;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

/// Something that happened to the box, for the `events` table: (Unix ms, kind, detail).
pub type Event = (i64, &'static str, String);

pub struct Status {
    inner: Mutex<Snapshot>,
    /// Events waiting for the store writer to persist them.
    events: Mutex<Vec<Event>>,
    /// Signs of life for the watchdog (see `core::service`), outside the lock: beating is one
    /// atomic store and never waits.
    store_beat: Heartbeat,
    source_beat: Heartbeat,
    /// SIGTERM or SIGINT arrived: the reader ends on purpose, so its silence is no hang.
    stopping: AtomicBool,
}

/// When a part last showed life, in monotonic ms since the daemon started. Cloneable, so the
/// store can hand it to SQLite's progress handler.
#[derive(Clone)]
pub struct Heartbeat {
    base: Instant,
    last: Arc<AtomicU64>,
}

impl Heartbeat {
    fn new(base: Instant) -> Heartbeat {
        Heartbeat {
            base,
            last: Arc::new(AtomicU64::new(0)),
        }
    }

    pub fn beat(&self) {
        self.last.store(mono_ms(self.base), Ordering::Relaxed);
    }

    fn get(&self) -> u64 {
        self.last.load(Ordering::Relaxed)
    }
}

fn mono_ms(base: Instant) -> u64 {
    u64::try_from(base.elapsed().as_millis()).unwrap_or(u64::MAX)
}

impl Status {
    pub fn new(port: String, settings: String, dialect: String, started_ms: i64) -> Status {
        let base = Instant::now();
        Status {
            inner: Mutex::new(Snapshot {
                version: env!("CARGO_PKG_VERSION").to_string(),
                started_ms,
                port,
                settings,
                dialect,
                link: LinkState::Connecting,
                link_reason: "starting".into(),
                link_since_ms: started_ms,
                ..Snapshot::default()
            }),
            events: Mutex::new(Vec::new()),
            store_beat: Heartbeat::new(base),
            source_beat: Heartbeat::new(base),
            stopping: AtomicBool::new(false),
        }
    }

    /// The clock the beats are on: monotonic ms since the daemon started.
    pub fn mono_ms(&self) -> u64 {
        mono_ms(self.store_beat.base)
    }

    pub fn beats(&self) -> Beats {
        Beats {
            store_ms: self.store_beat.get(),
            source_ms: self.source_beat.get(),
        }
    }

    pub fn store_heartbeat(&self) -> &Heartbeat {
        &self.store_beat
    }

    pub fn beat_source(&self) {
        self.source_beat.beat();
    }

    /// The daemon is stopping (a signal): for the watchdog's and the LEDs' judgement.
    pub fn set_stopping(&self) {
        self.stopping.store(true, Ordering::SeqCst);
    }

    pub fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// What the database holds (the store thread counts after opening and after commits).
    pub fn set_stored(&self, counts: StoredCounts) {
        self.lock().stored = Some(counts);
    }

    fn lock(&self) -> MutexGuard<'_, Snapshot> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn snapshot(&self) -> Snapshot {
        self.lock().clone()
    }

    pub fn push_event(&self, at_ms: i64, kind: &'static str, detail: String) {
        let mut q = self.events.lock().unwrap_or_else(|p| p.into_inner());
        // Bounded: a link flapping for days must not grow memory without limit.
        if q.len() < 1000 {
            q.push((at_ms, kind, detail));
        }
    }

    pub fn take_events(&self) -> Vec<Event> {
        std::mem::take(&mut *self.events.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Change link state; returns true if it changed (so the caller logs transitions once).
    /// Transitions between up and down are also queued as events for the database.
    pub fn set_link(&self, state: LinkState, reason: &str, now_ms: i64) -> bool {
        let mut s = self.lock();
        if s.link == state && s.link_reason == reason {
            return false;
        }
        if s.link != state && state != LinkState::Connecting {
            self.push_event(
                now_ms,
                if state == LinkState::Up {
                    "link_up"
                } else {
                    "link_down"
                },
                format!("{}: {reason}", s.port),
            );
        }
        if state == LinkState::Down && s.link == LinkState::Up {
            s.link_downs += 1;
        }
        if s.link != state {
            s.link_since_ms = now_ms;
        }
        s.link = state;
        s.link_reason = reason.to_string();
        true
    }

    pub fn on_read(&self, framer: FramerCounters, lines_pushed: u64, blank: u64, now_ms: i64) {
        let mut s = self.lock();
        s.blank_lines = blank;
        if framer.lines > s.framer.lines {
            s.last_line_ms = Some(now_ms);
        }
        s.framer = framer;
        s.lines_read = lines_pushed;
    }

    /// After a commit: counts of what was stored and the last sequence number committed.
    pub fn on_commit(&self, records: u64, headers: u64, rejects: u64, last_seq: i64, now_ms: i64) {
        let mut s = self.lock();
        s.records += records;
        s.headers += headers;
        s.rejects += rejects;
        if records > 0 {
            s.last_record_ms = Some(now_ms);
        }
        s.committed_seq = last_seq;
        s.commits += 1;
        s.last_commit_ms = Some(now_ms);
        s.store_error = None;
    }

    /// After auto-detection re-read undecided lines: some rejects became records or headers.
    pub fn on_reread(&self, records: u64, headers: u64) {
        let mut s = self.lock();
        s.records += records;
        s.headers += headers;
        s.rejects = s.rejects.saturating_sub(records + headers);
    }

    /// Auto-detection's state after a batch.
    pub fn set_detection(&self, d: Option<crate::core::dialect::detect::Detection>) {
        let mut s = self.lock();
        if let Some(name) = d.as_ref().and_then(|d| d.chosen) {
            s.dialect = format!("{name} (auto)");
        }
        s.detection = d;
    }

    pub fn set_store_notice(&self, at_ms: i64, note: String) {
        self.lock().store_notice = Some((at_ms, note));
    }

    /// The database is open: no error to show, and readers may expect the schema.
    pub fn on_store_open(&self) {
        let mut s = self.lock();
        s.store_error = None;
        s.store_open = true;
    }

    pub fn on_store_error(&self, error: String) {
        self.lock().store_error = Some(error);
    }

    /// The alert queue's state (`src/alerts/`), for the page.
    pub fn set_alerts(&self, view: crate::core::alerts::QueueView) {
        self.lock().alerts = Some(view);
    }

    pub fn set_ring(&self, ring: RingStats) {
        self.lock().ring = ring;
    }

    /// The serial hunt's progress (`baud = "auto"`); the settings shown follow it: `auto`
    /// while hunting, `9600 8N1 (auto)` once locked.
    pub fn set_autobaud(&self, view: AutobaudView) {
        let mut s = self.lock();
        s.settings = if view.state == "locked" {
            format!("{} (auto)", view.setting)
        } else {
            "auto".to_string()
        };
        s.autobaud = Some(view);
    }
}
