//! The store's writer loop: takes batches from the ring, runs the dialect on them, commits.
//!
//! The dialect runs here, on the store side of the ring, so that the ring holds fixed-size raw
//! lines and the reader does nothing but frame (see ARCHITECTURE.md).

use super::{Ingested, Store};
use crate::core::dialect::{new_dialect, DateOrder, Dialect, DialectOptions};
use crate::core::framer::decode;
use crate::core::record::Parsed;
use crate::ring::{Batch, Ring};
use crate::source::now_ms;
use crate::status::Status;
use std::path::Path;
use std::time::{Duration, Instant};

pub struct WriterOptions {
    pub source: String,
    pub interval: Duration,
    pub max_batch: usize,
    /// For the reader of the family auto-detection chooses.
    pub date_order: DateOrder,
}

/// Between retries of a failed commit: short at first, then at most this.
const RETRY_MAX: Duration = Duration::from_secs(10);
/// How long a stopping daemon keeps retrying a failing commit.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(15);
/// A quiet box folds its WAL into the database this often.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(600);
/// How often to look for days whose calls should be grouped and stored (a new day settles
/// once a day; a commit that makes a stored day stale asks for a look at once).
const CALL_DAYS_SCAN_EVERY: Duration = Duration::from_secs(600);

/// Grouping settled days into `call_days` (see store/call_days.rs), one day at a time between
/// batches, so capture never waits long on it.
struct CallDaysWork {
    queue: Vec<chrono::NaiveDate>,
    next_scan: Instant,
    /// Said once per catch-up, so a box upgraded with a year of records logs two lines.
    announced: bool,
}

impl CallDaysWork {
    fn new() -> CallDaysWork {
        CallDaysWork {
            queue: Vec::new(),
            next_scan: Instant::now(),
            announced: false,
        }
    }

    fn step(&mut self, store: &Store) {
        if self.queue.is_empty() {
            if Instant::now() < self.next_scan {
                return;
            }
            self.next_scan = Instant::now() + CALL_DAYS_SCAN_EVERY;
            match store.pending_call_days(chrono::Local::now().date_naive()) {
                // Oldest last: the queue is newest first and popped from the end, so reverse
                // it to group the newest (most asked for) days first.
                Ok(mut days) => {
                    days.reverse();
                    if days.len() > 7 {
                        tracing::info!("grouping the calls of {} days for the reports", days.len());
                        self.announced = true;
                    }
                    self.queue = days;
                }
                Err(e) => {
                    tracing::warn!("looking for days to group: {e:#}");
                    return;
                }
            }
        }
        let Some(day) = self.queue.pop() else {
            return;
        };
        let start = Instant::now();
        match store.build_call_day(day) {
            Ok(n) => tracing::debug!("grouped {n} calls of {day} in {:?}", start.elapsed()),
            Err(e) => {
                // Reports group the day themselves meanwhile; try again at the next scan.
                tracing::warn!("grouping the calls of {day}: {e:#}");
                self.queue.clear();
            }
        }
        if self.queue.is_empty() && self.announced {
            tracing::info!("calls of every settled day grouped");
            self.announced = false;
        }
    }

    fn stale(&mut self) {
        self.next_scan = Instant::now();
    }
}

/// Opens the database at `db` (retrying while it cannot: capture goes on into the ring
/// meanwhile), then runs until the ring is closed and drained. Returns the last committed
/// sequence number.
pub fn run(
    db: &Path,
    ring: &Ring,
    mut dialect: Box<dyn Dialect>,
    status: &Status,
    opts: WriterOptions,
) -> i64 {
    let Some(mut store) = open_with_retry(db, ring, status) else {
        return 0;
    };
    let mut counts = RecordCounts::new();
    counts.refresh(&store, status);
    let mut last_seq = store.last_seq().unwrap_or(0);
    let mut last_checkpoint = Instant::now();
    let mut dirty = false;
    let mut closing: Option<Instant> = None;
    let mut call_days = CallDaysWork::new();
    loop {
        let batch: Batch = ring.take_batch(opts.max_batch, opts.interval, true);
        // Once per turn: an idle box still comes round every commit interval.
        status.store_heartbeat().beat();
        // Auto-detection numbers its lines; this batch's first is `lines_before + 1`.
        let lines_before = dialect.detection().map_or(0, |d| d.lines_seen as i64);
        let parsed: Vec<Parsed> = batch
            .entries
            .iter()
            .map(|e| dialect.parse(&decode(&e.line.bytes)))
            .collect();
        let mut events: Vec<(i64, &str, String)> = status.take_events();
        if let Some(o) = batch.overflow {
            events.push((
                o.last_ms,
                "overflow",
                format!(
                    "{} lines dropped: ring full (received between {} and {} ms)",
                    o.lines, o.first_ms, o.last_ms
                ),
            ));
        }
        if !batch.entries.is_empty() || !events.is_empty() {
            let items: Vec<Ingested<'_>> = batch
                .entries
                .iter()
                .zip(&parsed)
                .map(|(e, p)| Ingested {
                    received_ms: e.received_ms,
                    source: &opts.source,
                    line: &e.line,
                    parsed: p,
                })
                .collect();
            let mut delay = Duration::from_millis(250);
            let mut tries = 0u32;
            loop {
                status.store_heartbeat().beat();
                match store.commit(&items, &events) {
                    Ok(c) => {
                        if c.last_seq > 0 {
                            last_seq = c.last_seq;
                        }
                        status.on_commit(c.records, c.headers, c.rejects, last_seq, now_ms());
                        tracing::debug!(
                            "committed seq {}..={} ({} records, {} headers, {} rejects)",
                            c.first_seq,
                            c.last_seq,
                            c.records,
                            c.headers,
                            c.rejects
                        );
                        dirty = true;
                        if c.stale_call_days > 0 {
                            call_days.stale();
                        }
                        if c.records > 0 {
                            counts.stale = true;
                        }
                        let offset = c.first_seq - lines_before - 1;
                        if reread(&mut store, &mut *dialect, offset, &opts, status) {
                            counts.stale = true;
                            call_days.stale();
                        }
                        status.set_detection(dialect.detection());
                        break;
                    }
                    Err(e) => {
                        tries += 1;
                        let msg = format!("commit failed (try {tries}): {e:#}");
                        if tries == 1 || tries.is_multiple_of(30) {
                            tracing::error!("{msg}; retrying, lines wait in RAM");
                        }
                        status.on_store_error(msg);
                        // While stopping, give storage a bounded chance (systemd waits 30 s),
                        // then say exactly what is lost.
                        if ring.is_closed() {
                            let since = *closing.get_or_insert_with(Instant::now);
                            if since.elapsed() >= SHUTDOWN_GRACE {
                                let rest = ring.take_batch(usize::MAX, opts.interval, false);
                                tracing::error!(
                                    "storage still failing at shutdown: {} lines not stored",
                                    items.len() + rest.entries.len()
                                );
                                return last_seq;
                            }
                        }
                        nap(delay, status);
                        delay = (delay * 2).min(RETRY_MAX);
                    }
                }
            }
        } else if dirty && last_checkpoint.elapsed() >= CHECKPOINT_EVERY {
            match store.checkpoint() {
                Ok(()) => dirty = false,
                Err(e) => tracing::warn!("{e:#}"),
            }
            last_checkpoint = Instant::now();
        }
        counts.refresh_if_due(&store, status);
        if batch.closed {
            break;
        }
        // Only while the lines keep up: a full batch means the ring has more waiting.
        if batch.entries.len() < opts.max_batch {
            call_days.step(&store);
        }
    }
    if let Err(e) = store.checkpoint() {
        tracing::warn!("{e:#}");
    }
    last_seq
}

/// Open the database, moving a corrupt one aside. While it cannot be opened (read-only or
/// missing file system, permissions, a lock), say why on the status page and retry; give up
/// only when the daemon stops, saying how many lines could not be stored.
fn open_with_retry(db: &Path, ring: &Ring, status: &Status) -> Option<Store> {
    let mut delay = Duration::from_millis(500);
    let mut tries = 1u32;
    loop {
        status.store_heartbeat().beat();
        if let Some(store) = try_open(db, status, tries) {
            tracing::info!("database {} open after {tries} tries", db.display());
            return Some(store);
        }
        let until = Instant::now() + delay;
        while Instant::now() < until {
            if ring.is_closed() {
                let rest = ring.take_batch(usize::MAX, Duration::ZERO, false);
                tracing::error!(
                    "stopping without a database: {} lines not stored",
                    rest.entries.len()
                );
                return None;
            }
            std::thread::sleep(Duration::from_millis(100));
            status.store_heartbeat().beat();
        }
        delay = (delay * 2).min(RETRY_MAX);
        tries += 1;
    }
}

/// Sleep between retries, showing life meanwhile: waiting to retry is not a hang.
fn nap(d: Duration, status: &Status) {
    let until = Instant::now() + d;
    loop {
        status.store_heartbeat().beat();
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return;
        }
        std::thread::sleep(left.min(Duration::from_millis(500)));
    }
}

/// Auto-detection decided (or changed) the family: read the undecided lines again, decision
/// by decision. `line_offset`: the seq of the reader's line `n` is `n + line_offset`. A failure
/// leaves the lines stored as rejects (nothing is lost) and is logged. True if anything changed.
fn reread(
    store: &mut Store,
    dialect: &mut dyn Dialect,
    line_offset: i64,
    opts: &WriterOptions,
    status: &Status,
) -> bool {
    let mut changed = false;
    while let Some(decision) = dialect.take_decision() {
        let mut fresh = new_dialect(DialectOptions {
            kind: decision.kind,
            date_order: opts.date_order,
        });
        let name = decision.kind.as_str();
        match store.reread(&mut *fresh, decision, line_offset) {
            Ok(r) => {
                tracing::info!(
                    "dialect recognised as {name}: {} stored lines read again, {} records, {} headers",
                    r.lines,
                    r.records,
                    r.headers
                );
                status.on_reread(r.records, r.headers);
                status.push_event(
                    now_ms(),
                    "dialect",
                    format!(
                        "recognised as {name}: {} lines read again ({} records)",
                        r.lines, r.records
                    ),
                );
                changed = true;
            }
            Err(e) => tracing::error!(
                "dialect recognised as {name}, but re-reading the stored lines failed: {e:#} (they stay stored as rejects)"
            ),
        }
    }
    changed
}

/// Records today and in all, for `systemctl status`: counted after commits that stored
/// records, at most once a second (a burst commits hundreds of batches a second).
struct RecordCounts {
    stale: bool,
    last: Instant,
}

impl RecordCounts {
    const EVERY: Duration = Duration::from_secs(1);

    fn new() -> RecordCounts {
        RecordCounts {
            stale: true,
            last: Instant::now(),
        }
    }

    fn refresh_if_due(&mut self, store: &Store, status: &Status) {
        if self.stale && self.last.elapsed() >= Self::EVERY {
            self.refresh(store, status);
        }
    }

    /// A failure leaves the last count shown until the next commit of records (and is logged).
    fn refresh(&mut self, store: &Store, status: &Status) {
        self.last = Instant::now();
        self.stale = false;
        match store.record_counts(chrono::Local::now().date_naive()) {
            Ok(c) => status.set_stored(c),
            Err(e) => tracing::warn!("{e:#}"),
        }
    }
}

/// One attempt to open the database (try number `try_no`), reporting the outcome on the status:
/// a corrupt database moved aside, or why it cannot be opened.
fn try_open(db: &Path, status: &Status, try_no: u32) -> Option<Store> {
    let beat = status.store_heartbeat().clone();
    let progress: super::Progress = std::sync::Arc::new(move || beat.beat());
    match Store::open_checked_with(db, now_ms(), Some(&progress)) {
        Ok((store, note)) => {
            if let Some(note) = note {
                tracing::error!("{note}");
                status.set_store_notice(now_ms(), note);
            }
            status.on_store_open();
            Some(store)
        }
        Err(e) => {
            let msg = format!("cannot open the database: {e:#}");
            if try_no == 1 || try_no.is_multiple_of(30) {
                tracing::error!("{msg}; retrying, lines wait in RAM");
            }
            status.on_store_error(msg);
            None
        }
    }
}
