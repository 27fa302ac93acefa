//! Alerts at the edge: a thread that follows what the store committed and decides
//! (`core::alerts`), a durable queue beside the database (`queue.rs`, `alerts.db`), and one
//! sender thread per sink (`send.rs`: webhook, SMTP) retrying with backoff.
//!
//! The decider reads the capture database on its own read-only connection, so capture never
//! waits on alerts: the store writer does not know they exist. It wakes every second, and
//! groups the last days' records again only when a new seq was committed or a lost call is
//! still settling. Decisions are made from the data alone and queued under keys derived from
//! it, so after a restart the same calls give the same keys and nothing is queued twice.

pub mod config;
pub mod page;
pub mod queue;
pub mod send;

use crate::core::alerts::{Alert, QueueView, Rules, Tracker};
use crate::core::calls;
use crate::core::health::Snapshot;
use crate::source::now_ms;
use crate::status::Status;
use crate::store::read::Reader;
use anyhow::Result;
use chrono::{Duration as Days, Local};
use queue::Queue;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Where events go and by which rules, from `[alerts]` and the rest of the configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    pub rules: Rules,
    pub webhook: Option<String>,
    pub mail: Option<send::Mail>,
}

impl Settings {
    pub fn from_config(c: &crate::config::Config) -> Option<Settings> {
        let a = c.alerts.as_ref()?.get_ref();
        let host = hostname();
        let box_name = a
            .name
            .as_ref()
            .map_or_else(|| host.clone(), |n| n.0.clone());
        Some(Settings {
            rules: Rules {
                box_name,
                quiet: a.quiet.map(|q| q.0),
                per_number_per_hour: a.per_number_per_hour.0,
                link_down_ms: i64::from(a.link_down_minutes.0) * 60_000,
                settle_ms: i64::from(a.settle_secs.0) * 1000,
                callback_window_hours: c.report.callback_window_hours.0,
                line_names: c.names.lines.clone(),
            },
            webhook: a.webhook.as_ref().map(|w| w.get_ref().0.clone()),
            mail: a.smtp.as_ref().map(|s| send::Mail {
                relay: (s.get_ref().host.clone(), s.get_ref().port),
                from: a
                    .from
                    .as_ref()
                    .map(|f| f.get_ref().0.clone())
                    .unwrap_or_default(),
                to: a.to.iter().map(|t| t.0.clone()).collect(),
                helo: host,
            }),
        })
    }

    fn sinks(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.webhook.is_some() {
            v.push("webhook");
        }
        if self.mail.is_some() {
            v.push("smtp");
        }
        v
    }
}

/// The host name for `EHLO` and the default box name.
fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        })
        .unwrap_or_else(|| "smdrbox".to_string())
}

/// Mail carries lost calls and health; closes go to the webhook only (a chat or CRM ticks
/// them off; a mailbox would only fill up).
fn accepts(sink: &str, a: &Alert) -> bool {
    sink != "smtp" || !matches!(a, Alert::Closed(_))
}

/// Between tries of one delivery: 1 s doubling to 5 min.
fn backoff_ms(attempts: u32) -> i64 {
    1000i64.saturating_mul(1 << attempts.min(9)).min(300_000)
}

pub type SnapshotFn = Arc<dyn Fn() -> Snapshot + Send + Sync>;

pub struct Alerts {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl Alerts {
    /// Asks the threads to stop and waits for the decider; a sender in the middle of a
    /// delivery is left to the process's exit (its delivery stays queued, sent again later).
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if !self.threads.is_empty() {
            let decider = self.threads.remove(0);
            let _ = decider.join();
        }
    }
}

/// Shared between the threads: the view for the status page.
#[derive(Clone)]
struct View {
    inner: Arc<Mutex<QueueView>>,
    status: Arc<Status>,
}

impl View {
    fn update(&self, f: impl FnOnce(&mut QueueView)) {
        let mut v = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut v);
        self.status.set_alerts(v.clone());
    }
}

pub fn start(
    settings: Settings,
    db: &Path,
    status: Arc<Status>,
    snapshot: SnapshotFn,
) -> Result<Alerts> {
    let path = queue::path_beside(db);
    let stop = Arc::new(AtomicBool::new(false));
    let view = View {
        inner: Arc::new(Mutex::new(QueueView {
            sinks: settings.sinks().iter().map(|s| s.to_string()).collect(),
            ..QueueView::default()
        })),
        status,
    };
    view.update(|_| {});
    let mut threads = Vec::new();
    {
        let (settings, db, path, stop, view) = (
            settings.clone(),
            db.to_path_buf(),
            path.clone(),
            stop.clone(),
            view.clone(),
        );
        threads.push(
            std::thread::Builder::new()
                .name("alerts".into())
                .spawn(move || decide_loop(settings, &db, &path, &stop, &view, snapshot))?,
        );
    }
    for sink in settings.sinks() {
        let (settings, path, stop, view) =
            (settings.clone(), path.clone(), stop.clone(), view.clone());
        threads.push(
            std::thread::Builder::new()
                .name(format!("alerts-{sink}"))
                .spawn(move || send_loop(sink, &settings, &path, &stop, &view))?,
        );
    }
    tracing::info!(
        "alerts: to {} (queue {})",
        settings.sinks().join(" and "),
        path.display()
    );
    Ok(Alerts { stop, threads })
}

/// Sleeps `d` in short steps; false when asked to stop.
fn nap(stop: &AtomicBool, d: Duration) -> bool {
    let end = Instant::now() + d;
    while Instant::now() < end {
        if stop.load(Ordering::SeqCst) {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50).min(end - Instant::now()));
    }
    !stop.load(Ordering::SeqCst)
}

/// Opens the queue, retrying while it cannot (the data partition may come late).
fn open_queue(path: &Path, stop: &AtomicBool, view: &View) -> Option<Queue> {
    let mut logged = false;
    loop {
        match Queue::open(path) {
            Ok(q) => return Some(q),
            Err(e) => {
                if !logged {
                    tracing::error!("alerts: {e:#}; retrying");
                    logged = true;
                }
                view.update(|v| {
                    v.last_error = Some(format!("queue: {e:#}"));
                    v.last_error_ms = Some(now_ms());
                });
                if !nap(stop, Duration::from_secs(5)) {
                    return None;
                }
            }
        }
    }
}

/// The decider's state about the capture database.
struct Follow {
    reader: Option<Reader>,
    tracker: Tracker,
    seen_seq: i64,
    last_look: Option<Instant>,
}

/// How often the calls are looked at again without a new record (a close can depend on
/// nothing new, e.g. an alert forgotten when its window passed).
const LOOK_EVERY: Duration = Duration::from_secs(60);

fn decide_loop(
    settings: Settings,
    db: &Path,
    path: &Path,
    stop: &AtomicBool,
    view: &View,
    snapshot: SnapshotFn,
) {
    let Some(mut q) = open_queue(path, stop, view) else {
        return;
    };
    let sinks = settings.sinks();
    // Health is watched from the start (a database that cannot be opened is news too);
    // calls once the database is open and the floor known.
    let mut tracker = Tracker::new(settings.rules.clone(), i64::MAX);
    let back_ms = (i64::from(settings.rules.callback_window_hours) + 48) * 3_600_000;
    match q.recent(now_ms() - back_ms) {
        Ok(past) => tracker.restore(&past),
        // Without them a decision may be queued again: the key makes that a no-op.
        Err(e) => tracing::error!("alerts: reading the queue: {e:#}"),
    }
    let mut f = Follow {
        reader: None,
        tracker,
        seen_seq: -1,
        last_look: None,
    };
    // Decided but not yet queued (the queue's file failing): kept until it takes them.
    let mut unsaved: Vec<Alert> = Vec::new();
    let mut last_prune: Option<Instant> = None;
    let mut read_error_logged = false;
    loop {
        let snap = snapshot();
        let now = now_ms();
        if f.reader.is_none() && snap.store_open {
            match follow_database(db, &q, &mut f.tracker) {
                Ok(reader) => f.reader = Some(reader),
                Err(e) => {
                    if !read_error_logged {
                        tracing::warn!("alerts: {e:#}; retrying");
                        read_error_logged = true;
                    }
                }
            }
        }
        unsaved.extend(f.tracker.health(&snap, now));
        if f.reader.is_some() {
            match look(&mut f, &settings, now) {
                Ok(v) => unsaved.extend(v),
                Err(e) => {
                    if !read_error_logged {
                        tracing::warn!("alerts: reading calls: {e:#}");
                        read_error_logged = true;
                    }
                }
            }
        }
        if !unsaved.is_empty() {
            match q.push(&unsaved, &sinks, accepts, now) {
                Ok(n) => {
                    for a in &unsaved {
                        tracing::info!("alert queued: {} {}", a.kind(), a.key());
                    }
                    tracing::debug!("alerts: {n} new events queued");
                    unsaved.clear();
                }
                Err(e) => {
                    tracing::error!("alerts: queueing: {e:#}");
                    view.update(|v| {
                        v.last_error = Some(format!("queue: {e:#}"));
                        v.last_error_ms = Some(now);
                    });
                }
            }
        }
        if let Ok(n) = q.waiting() {
            view.update(|v| v.queued = n);
        }
        if last_prune.is_none_or(|t| t.elapsed() >= Duration::from_secs(3600)) {
            last_prune = Some(Instant::now());
            if let Err(e) = q.prune(now) {
                tracing::warn!("alerts: pruning the queue: {e:#}");
            }
        }
        if !nap(stop, Duration::from_secs(1)) {
            return;
        }
    }
}

/// Opens the database for reading and tells the tracker where alerts began: the first start
/// remembers where the database stood, so that calls stored before are never alerted.
fn follow_database(db: &Path, q: &Queue, t: &mut Tracker) -> Result<Reader> {
    let reader = Reader::open(db)?;
    let last = reader.last_seq()?;
    let floor = match q.meta("floor_seq")?.and_then(|s| s.parse::<i64>().ok()) {
        // A database started afresh (the old one moved aside as corrupt): begin from here.
        Some(f) if f <= last => f,
        _ => {
            q.set_meta("floor_seq", &last.to_string())?;
            last
        }
    };
    t.set_floor(floor);
    tracing::info!(
        "alerts: following the database from seq {floor}; {} lost calls wait for a callback",
        t.open_count()
    );
    Ok(reader)
}

/// Groups the last days again when something changed and asks the tracker.
fn look(f: &mut Follow, settings: &Settings, now: i64) -> Result<Vec<Alert>> {
    let Some(reader) = f.reader.as_ref() else {
        return Ok(Vec::new());
    };
    let t = &mut f.tracker;
    let last = reader.last_seq()?;
    let due =
        last != f.seen_seq || t.pending() || f.last_look.is_none_or(|l| l.elapsed() >= LOOK_EVERY);
    if !due {
        return Ok(Vec::new());
    }
    let today = Local::now().date_naive();
    // The callback window back, plus a day for calls around midnight (at most a week).
    let back = (i64::from(settings.rules.callback_window_hours) / 24 + 2).min(8);
    let from = today - Days::days(back);
    let to = today + Days::days(1);
    let mut records = Vec::new();
    let mut received: BTreeMap<i64, i64> = BTreeMap::new();
    reader.for_each_call(from, to, |row| {
        received.insert(row.seq, row.received_ms);
        records.push((row.seq, row.to_record()));
        Ok(())
    })?;
    let grouped = calls::group(&records);
    let out = t.calls(
        &grouped,
        &|seq| received.get(&seq).copied(),
        now,
        Local::now().naive_local(),
    );
    f.seen_seq = last;
    f.last_look = Some(Instant::now());
    Ok(out)
}

fn send_loop(sink: &'static str, settings: &Settings, path: &Path, stop: &AtomicBool, view: &View) {
    let Some(q) = open_queue(path, stop, view) else {
        return;
    };
    loop {
        let now = now_ms();
        let due = match q.next_due(sink) {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!("alerts: {sink}: reading the queue: {e:#}");
                None
            }
        };
        let Some(d) = due.filter(|d| d.next_try_ms <= now) else {
            if !nap(stop, Duration::from_millis(250)) {
                return;
            }
            continue;
        };
        let result = deliver(sink, settings, &d);
        let now = now_ms();
        match result {
            Ok(()) => {
                if let Err(e) = q.mark_sent(d.event_id, sink, now) {
                    // Sent but not marked: it goes again, under the same key.
                    tracing::error!("alerts: {sink}: marking {} sent: {e:#}", d.key);
                } else {
                    tracing::info!("alert sent: {sink} {}", d.key);
                }
                let waiting = q.waiting().ok();
                view.update(|v| {
                    v.sent += 1;
                    v.last_sent_ms = Some(now);
                    if let Some(n) = waiting {
                        v.queued = n;
                    }
                    if v.last_error.as_deref().is_some_and(|e| e.starts_with(sink)) {
                        v.last_error = None;
                        v.last_error_ms = None;
                    }
                });
            }
            Err(e) => {
                let msg = format!("{sink}: {e:#}");
                if d.attempts == 0 || d.attempts.is_multiple_of(10) {
                    tracing::warn!("alerts: {msg} (try {}); retrying", d.attempts + 1);
                }
                let next = now + backoff_ms(d.attempts);
                if let Err(e) = q.mark_failed(d.event_id, sink, &msg, next) {
                    tracing::error!("alerts: {sink}: noting a failure: {e:#}");
                }
                view.update(|v| {
                    v.last_error = Some(msg);
                    v.last_error_ms = Some(now);
                });
            }
        }
    }
}

fn deliver(sink: &str, settings: &Settings, d: &queue::Due) -> Result<()> {
    match sink {
        "webhook" => match &settings.webhook {
            Some(url) => send::webhook(url, &d.key, &d.body),
            None => Ok(()),
        },
        _ => match &settings.mail {
            Some(m) => {
                let (subject, text) = match serde_json::from_str::<Alert>(&d.body) {
                    Ok(a) => (a.subject(), a.text()),
                    Err(_) => (format!("smdrbox alert {}", d.key), d.body.clone()),
                };
                send::mail(m, &d.key, &subject, &text, &Local::now().to_rfc2822())
            }
            None => Ok(()),
        },
    }
}

/// The queue file beside `db`, for tests and tools.
pub fn queue_path(db: &Path) -> PathBuf {
    queue::path_beside(db)
}
