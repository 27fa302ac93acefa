//! What the daemon tells its service manager (systemd): when it is ready, one status line for
//! `systemctl status`, and watchdog pings, sent only while capture and storage show signs of
//! life. Pure: `notify.rs` reads the clocks and the environment and sends the datagrams. The
//! LED thread asks [`silent_part`] too, with the same limit, so the LEDs show a hang when the
//! pings stop.
//!
//! "Signs of life" means each part went round its loop recently, not that it made headway: a
//! store thread retrying a locked or read-only database is alive (restarting would only lose
//! the lines waiting in RAM; the page says why), one stuck inside a call that never returns (a
//! hung SD card, a deadlock) is not, and then systemd restarts the daemon.

use crate::core::health::{LinkState, Snapshot};
use chrono::NaiveDate;

/// When each part last showed life, in monotonic milliseconds since the daemon started (a
/// wall-clock jump, as when a Pi without RTC gets NTP time at boot, must not look like a hang).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Beats {
    /// The store thread: each turn of its loop, each retry, every few thousand SQLite steps.
    pub store_ms: u64,
    /// The serial source: each read, each 2 s path check, each reopen attempt.
    pub source_ms: u64,
}

/// Shortest silence taken for a hang, whatever the watchdog interval: the store thread may wait
/// this long inside one call without being stuck (SQLite waits up to 5 s on a locked database).
pub const MIN_STALL_MS: u64 = 10_000;
/// The silence taken for a hang when systemd set no watchdog (only the start timeout is
/// extended then).
pub const DEFAULT_STALL_MS: u64 = 60_000;
/// STATUS= at most this often, so a flapping link does not flood the manager.
pub const STATUS_MIN_GAP_MS: u64 = 3_000;
/// systemd reads one notification into a 4 KiB buffer; a status line stays well under it.
const STATUS_MAX_BYTES: usize = 1_000;

/// How long a part may stay silent before it counts as hung: the watchdog interval, but never
/// less than two commit intervals (an idle store thread wakes once per interval) or
/// [`MIN_STALL_MS`].
pub fn stall_limit_ms(watchdog_ms: Option<u64>, commit_interval_ms: u64) -> u64 {
    watchdog_ms
        .unwrap_or(DEFAULT_STALL_MS)
        .max(commit_interval_ms.saturating_mul(2))
        .max(MIN_STALL_MS)
}

/// The watchdog interval in ms from `$WATCHDOG_USEC` and `$WATCHDOG_PID`, as
/// sd_watchdog_enabled(3) reads them: no interval, or one meant for another process, is `None`.
pub fn watchdog_ms(
    usec: Option<&str>,
    pid: Option<&str>,
    own_pid: u32,
) -> Result<Option<u64>, String> {
    let Some(usec) = usec else {
        return Ok(None);
    };
    let usec: u64 = match usec.trim().parse() {
        Ok(u) if u > 0 => u,
        _ => return Err(format!("WATCHDOG_USEC={usec}: not a positive number")),
    };
    if let Some(pid) = pid {
        let pid: u32 = pid
            .trim()
            .parse()
            .map_err(|_| format!("WATCHDOG_PID={pid}: not a process id"))?;
        if pid != own_pid {
            return Ok(None);
        }
    }
    Ok(Some((usec / 1000).max(1)))
}

/// A part of the daemon that can hang on its own while the others go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The store thread (SQLite, the card).
    Store,
    /// The serial reader.
    Source,
}

/// A part silent for longer than the limit: the watchdog's verdict, which the LEDs show too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Silence {
    pub part: Part,
    /// How long it has been silent, ms.
    pub for_ms: u64,
}

impl std::fmt::Display for Silence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let part = match self.part {
            Part::Store => "the store thread",
            Part::Source => "the serial reader",
        };
        write!(
            f,
            "{part} has shown no sign of life for {} s",
            self.for_ms / 1000
        )
    }
}

/// The part that has been silent longer than `limit_ms`, and for how long. While stopping, the
/// source has ended on purpose and only the store (still committing) counts.
pub fn silent_part(beats: Beats, mono_ms: u64, limit_ms: u64, stopping: bool) -> Option<Silence> {
    let store = mono_ms.saturating_sub(beats.store_ms);
    if store > limit_ms {
        return Some(Silence {
            part: Part::Store,
            for_ms: store,
        });
    }
    let source = mono_ms.saturating_sub(beats.source_ms);
    if !stopping && source > limit_ms {
        return Some(Silence {
            part: Part::Source,
            for_ms: source,
        });
    }
    None
}

/// One line for `systemctl status`: the link and why, records today and stored, the last
/// record's age, storage. Ages are coarse (whole minutes) so the line changes when something
/// happens, not every second.
pub fn status_line(s: &Snapshot, now_ms: i64, today: NaiveDate) -> String {
    let link = match s.link {
        LinkState::Up => format!("link up: {} {}", s.port, s.settings),
        LinkState::Down => format!(
            "link DOWN for {}: {}",
            coarse_duration(now_ms - s.link_since_ms),
            s.link_reason
        ),
        LinkState::Connecting => format!("link: opening {}", s.port),
    };
    let records = match &s.stored {
        Some(c) => {
            let today_n = if c.day == Some(today) {
                c.records_today
            } else {
                0
            };
            format!("{} today, {} stored", records(today_n), c.records)
        }
        None => format!("{} this run", records(s.records)),
    };
    let last = s
        .stored
        .as_ref()
        .and_then(|c| c.last_record_ms)
        .max(s.last_record_ms);
    let last = match last {
        Some(t) => format!("last record {} ago", coarse_duration(now_ms - t)),
        None => "no record yet".to_string(),
    };
    let storage = match (&s.store_error, s.store_open) {
        (Some(e), _) => format!("storage FAULT: {e}"),
        (None, false) => "storage: opening the database".to_string(),
        (None, true) if s.ring.overflow_lines > 0 => format!(
            "storage ok, but {} lines lost when the buffer overflowed",
            s.ring.overflow_lines
        ),
        (None, true) => "storage ok".to_string(),
    };
    let line = format!("{link}; {records}, {last}; {storage}");
    // A newline would end the STATUS= assignment and start another.
    let mut out = String::with_capacity(line.len().min(STATUS_MAX_BYTES));
    for c in line.chars() {
        if out.len() + c.len_utf8() > STATUS_MAX_BYTES {
            break;
        }
        out.push(if c.is_control() { ' ' } else { c });
    }
    out
}

/// `1 record`, `3 records`.
fn records(n: u64) -> String {
    if n == 1 {
        "1 record".to_string()
    } else {
        format!("{n} records")
    }
}

/// `under a minute`, `5 min`, `2 h 05 min`, `3 d 4 h`.
pub fn coarse_duration(ms: i64) -> String {
    let m = ms.max(0) / 60_000;
    match m {
        0 => "under a minute".to_string(),
        1..=59 => format!("{m} min"),
        60..=1439 => format!("{} h {:02} min", m / 60, m % 60),
        _ => format!("{} d {} h", m / 1440, m % 1440 / 60),
    }
}

/// What to tell the manager now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// `STATUS=`: the line changed.
    Status(String),
    /// `READY=1`, once.
    Ready,
    /// `WATCHDOG=1`.
    Watchdog,
    /// `EXTEND_TIMEOUT_USEC=`: still starting (a long database check), alive, give more time.
    ExtendTimeout { usec: u64 },
    /// A part fell silent: pings stop from now (for the log, once).
    Stalled(String),
    /// Every part shows life again: pings resume.
    Recovered,
}

/// One look at the daemon (the edge fills it in every tick).
pub struct Tick<'a> {
    /// Monotonic ms since start (the same clock as [`Beats`]).
    pub mono_ms: u64,
    /// Wall clock, Unix ms, for ages shown to people.
    pub now_ms: i64,
    /// The local date now, for "records today".
    pub today: NaiveDate,
    pub snapshot: &'a Snapshot,
    pub beats: Beats,
    /// SIGTERM or SIGINT arrived: STOPPING=1 was sent.
    pub stopping: bool,
}

/// The decisions, tick by tick: readiness, status pacing, watchdog and start-timeout pings.
#[derive(Debug)]
pub struct Supervisor {
    watchdog_ms: Option<u64>,
    stall_ms: u64,
    ready: bool,
    last_ping_ms: Option<u64>,
    last_extend_ms: Option<u64>,
    last_status: Option<(String, u64)>,
    stalled: bool,
}

impl Supervisor {
    pub fn new(watchdog_ms: Option<u64>, commit_interval_ms: u64) -> Supervisor {
        Supervisor {
            watchdog_ms,
            stall_ms: stall_limit_ms(watchdog_ms, commit_interval_ms),
            ready: false,
            last_ping_ms: None,
            last_extend_ms: None,
            last_status: None,
            stalled: false,
        }
    }

    pub fn stall_ms(&self) -> u64 {
        self.stall_ms
    }

    pub fn tick(&mut self, t: &Tick<'_>) -> Vec<Notice> {
        let mut out = Vec::new();
        let s = t.snapshot;
        let line = status_line(s, t.now_ms, t.today);
        let due = match &self.last_status {
            None => true,
            Some((last, at)) => *last != line && t.mono_ms.saturating_sub(*at) >= STATUS_MIN_GAP_MS,
        };
        if due {
            self.last_status = Some((line.clone(), t.mono_ms));
            out.push(Notice::Status(line));
        }
        // Ready once the page is served (the edge starts after the listener is bound) and the
        // first attempt to open the database has ended: open, or failed with a reason the
        // status shows while the store thread retries. A missing serial port never delays it.
        if !self.ready && !t.stopping && (s.store_open || s.store_error.is_some()) {
            self.ready = true;
            out.push(Notice::Ready);
        }
        let silent = silent_part(t.beats, t.mono_ms, self.stall_ms, t.stopping);
        match (&silent, self.stalled) {
            (Some(why), false) => out.push(Notice::Stalled(why.to_string())),
            (None, true) => out.push(Notice::Recovered),
            _ => {}
        }
        self.stalled = silent.is_some();
        if self.stalled {
            return out;
        }
        if self.ready {
            if let Some(w) = self.watchdog_ms {
                if self
                    .last_ping_ms
                    .is_none_or(|at| t.mono_ms.saturating_sub(at) >= w / 2)
                {
                    self.last_ping_ms = Some(t.mono_ms);
                    out.push(Notice::Watchdog);
                }
            }
        } else if !t.stopping
            && self
                .last_extend_ms
                .is_none_or(|at| t.mono_ms.saturating_sub(at) >= self.stall_ms / 2)
        {
            // Only matters past TimeoutStartSec: a database check that takes minutes on a big
            // database and a slow card keeps the start alive; a hung one lets it time out.
            self.last_extend_ms = Some(t.mono_ms);
            out.push(Notice::ExtendTimeout {
                usec: self.stall_ms * 1000,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::health::StoredCounts;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn snap() -> Snapshot {
        Snapshot {
            port: "/dev/smdr0".into(),
            settings: "9600 8N1".into(),
            link: LinkState::Up,
            link_reason: "open at 9600 8N1".into(),
            ..Snapshot::default()
        }
    }

    fn tick<'a>(mono_ms: u64, s: &'a Snapshot, beats: Beats) -> Tick<'a> {
        Tick {
            mono_ms,
            now_ms: 1_000_000 + mono_ms as i64,
            today: day("2024-05-02"),
            snapshot: s,
            beats,
            stopping: false,
        }
    }

    fn alive(at: u64) -> Beats {
        Beats {
            store_ms: at,
            source_ms: at,
        }
    }

    #[test]
    fn watchdog_environment() {
        assert_eq!(watchdog_ms(None, None, 7), Ok(None));
        assert_eq!(watchdog_ms(Some("2000000"), None, 7), Ok(Some(2000)));
        assert_eq!(watchdog_ms(Some("2000000"), Some("7"), 7), Ok(Some(2000)));
        // Set for another process (a parent that forgot to unset it): not ours to ping.
        assert_eq!(watchdog_ms(Some("2000000"), Some("8"), 7), Ok(None));
        assert_eq!(watchdog_ms(Some("500"), None, 7), Ok(Some(1)));
        assert!(watchdog_ms(Some("0"), None, 7).is_err());
        assert!(watchdog_ms(Some("soon"), None, 7).is_err());
        assert!(watchdog_ms(Some("1000"), Some("me"), 7).is_err());
    }

    #[test]
    fn stall_limit_covers_the_longest_legitimate_wait() {
        assert_eq!(stall_limit_ms(Some(30_000), 2_000), 30_000);
        assert_eq!(stall_limit_ms(Some(2_000), 200), MIN_STALL_MS);
        assert_eq!(stall_limit_ms(Some(30_000), 60_000), 120_000);
        assert_eq!(stall_limit_ms(None, 2_000), DEFAULT_STALL_MS);
    }

    #[test]
    fn silence_names_the_part() {
        let b = Beats {
            store_ms: 1_000,
            source_ms: 20_000,
        };
        assert_eq!(silent_part(b, 11_000, 10_000, false), None);
        let s = silent_part(b, 11_001, 10_000, false).unwrap();
        assert_eq!(
            s,
            Silence {
                part: Part::Store,
                for_ms: 10_001
            }
        );
        assert_eq!(
            s.to_string(),
            "the store thread has shown no sign of life for 10 s"
        );
        let b = Beats {
            store_ms: 20_000,
            source_ms: 1_000,
        };
        let s = silent_part(b, 21_000, 10_000, false).unwrap();
        assert_eq!(s.part, Part::Source);
        assert!(s.to_string().starts_with("the serial reader "), "{s}");
        // Stopping: the reader ended on purpose.
        assert_eq!(silent_part(b, 21_000, 10_000, true), None);
        // A beat "from the future" (read between two clock samples) is not a hang.
        assert_eq!(silent_part(alive(5_000), 4_000, 10_000, false), None);
    }

    #[test]
    fn ready_waits_for_the_database_not_the_port() {
        let mut sup = Supervisor::new(Some(2_000), 200);
        let mut s = snap();
        s.link = LinkState::Down;
        s.link_reason = "/dev/smdr0 not found".into();
        let n = sup.tick(&tick(0, &s, alive(0)));
        assert!(!n.contains(&Notice::Ready), "{n:?}");
        assert!(
            !n.contains(&Notice::Watchdog),
            "no ping before READY: {n:?}"
        );
        assert!(n.contains(&Notice::ExtendTimeout { usec: 10_000_000 }));
        s.store_open = true;
        let n = sup.tick(&tick(250, &s, alive(250)));
        assert!(
            n.contains(&Notice::Ready) && n.contains(&Notice::Watchdog),
            "{n:?}"
        );
        let n = sup.tick(&tick(500, &s, alive(500)));
        assert!(!n.contains(&Notice::Ready), "READY is sent once: {n:?}");
    }

    #[test]
    fn ready_when_the_database_cannot_be_opened() {
        let mut sup = Supervisor::new(Some(2_000), 200);
        let mut s = snap();
        s.store_error = Some("cannot open the database: read-only file system".into());
        let n = sup.tick(&tick(0, &s, alive(0)));
        assert!(n.contains(&Notice::Ready), "{n:?}");
        let Some(Notice::Status(line)) = n.first() else {
            panic!("{n:?}")
        };
        assert!(line.contains("storage FAULT: cannot open"), "{line}");
    }

    #[test]
    fn not_ready_while_stopping() {
        let mut sup = Supervisor::new(Some(2_000), 200);
        let mut s = snap();
        s.store_open = true;
        let mut t = tick(0, &s, alive(0));
        t.stopping = true;
        let n = sup.tick(&t);
        assert!(!n.contains(&Notice::Ready), "{n:?}");
    }

    #[test]
    fn pings_at_half_the_interval_while_alive() {
        let mut sup = Supervisor::new(Some(2_000), 200);
        let mut s = snap();
        s.store_open = true;
        let mut pings = Vec::new();
        for ms in (0..=5_000).step_by(250) {
            if sup
                .tick(&tick(ms, &s, alive(ms)))
                .contains(&Notice::Watchdog)
            {
                pings.push(ms);
            }
        }
        assert_eq!(pings, [0, 1_000, 2_000, 3_000, 4_000, 5_000]);
    }

    #[test]
    fn pings_stop_while_a_part_is_silent_and_resume() {
        let mut sup = Supervisor::new(Some(2_000), 200);
        let mut s = snap();
        s.store_open = true;
        sup.tick(&tick(0, &s, alive(0)));
        // The store thread stops beating at 1 s; the reader goes on.
        let beats = |ms| Beats {
            store_ms: 1_000,
            source_ms: ms,
        };
        let mut pings = Vec::new();
        let mut stalled = Vec::new();
        for ms in (250..=15_000).step_by(250) {
            for n in sup.tick(&tick(ms, &s, beats(ms))) {
                match n {
                    Notice::Watchdog => pings.push(ms),
                    Notice::Stalled(why) => stalled.push((ms, why)),
                    _ => {}
                }
            }
        }
        assert_eq!(
            pings,
            [1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000, 9_000, 10_000, 11_000]
        );
        assert_eq!(stalled.len(), 1, "said once: {stalled:?}");
        assert_eq!(stalled[0].0, 11_250);
        assert!(stalled[0].1.contains("store thread"), "{stalled:?}");
        let n = sup.tick(&tick(15_250, &s, alive(15_250)));
        assert!(
            n.contains(&Notice::Recovered) && n.contains(&Notice::Watchdog),
            "{n:?}"
        );
    }

    #[test]
    fn no_watchdog_no_pings() {
        let mut sup = Supervisor::new(None, 2_000);
        let mut s = snap();
        s.store_open = true;
        for ms in (0..=5_000).step_by(250) {
            assert!(!sup
                .tick(&tick(ms, &s, alive(ms)))
                .contains(&Notice::Watchdog));
        }
    }

    #[test]
    fn start_timeout_extended_only_while_alive() {
        let mut sup = Supervisor::new(Some(30_000), 2_000);
        let s = snap();
        let mut extends = Vec::new();
        for ms in (0..=90_000).step_by(250) {
            // The store thread (checking a big database) beats until 40 s, then hangs.
            let beats = Beats {
                store_ms: ms.min(40_000),
                source_ms: ms,
            };
            for n in sup.tick(&tick(ms, &s, beats)) {
                if let Notice::ExtendTimeout { usec } = n {
                    assert_eq!(usec, 30_000_000);
                    extends.push(ms);
                }
            }
        }
        assert_eq!(extends, [0, 15_000, 30_000, 45_000, 60_000]);
    }

    #[test]
    fn status_is_paced_and_sent_on_change() {
        let mut sup = Supervisor::new(Some(2_000), 200);
        let mut s = snap();
        s.store_open = true;
        let status = |n: Vec<Notice>| {
            n.into_iter().find_map(|n| match n {
                Notice::Status(l) => Some(l),
                _ => None,
            })
        };
        assert!(status(sup.tick(&tick(0, &s, alive(0)))).is_some());
        assert_eq!(
            status(sup.tick(&tick(250, &s, alive(250)))),
            None,
            "unchanged"
        );
        s.link = LinkState::Down;
        s.link_reason = "device gone".into();
        s.link_since_ms = 1_000_500;
        assert_eq!(
            status(sup.tick(&tick(500, &s, alive(500)))),
            None,
            "too soon"
        );
        let l = status(sup.tick(&tick(3_000, &s, alive(3_000)))).unwrap();
        assert!(
            l.starts_with("link DOWN for under a minute: device gone"),
            "{l}"
        );
        // Aging alone changes the line once a minute at most.
        let mut sent = 0;
        for ms in (3_250..=125_000).step_by(250) {
            sent += status(sup.tick(&tick(ms, &s, alive(ms)))).is_some() as u32;
        }
        assert_eq!(sent, 2, "at 1 min and 2 min");
    }

    #[test]
    fn status_lines() {
        let today = day("2024-05-02");
        let mut s = snap();
        s.store_open = true;
        s.stored = Some(StoredCounts {
            day: Some(today),
            records_today: 12,
            records: 4_311,
            last_record_ms: Some(1_000),
        });
        assert_eq!(
            status_line(&s, 1_000 + 185_000, today),
            "link up: /dev/smdr0 9600 8N1; 12 records today, 4311 stored, last record 3 min ago; storage ok"
        );
        // Counted yesterday: none today yet.
        assert!(status_line(&s, 0, day("2024-05-03")).contains("; 0 records today, 4311 stored"));

        let mut s = snap();
        s.link = LinkState::Down;
        s.link_reason = "/dev/smdr0 not found: is the serial adapter plugged in?".into();
        s.link_since_ms = 0;
        assert_eq!(
            status_line(&s, 7_500_000, today),
            "link DOWN for 2 h 05 min: /dev/smdr0 not found: is the serial adapter plugged in?; \
             0 records this run, no record yet; storage: opening the database"
        );

        let mut s = snap();
        s.link = LinkState::Connecting;
        s.store_error = Some("commit failed (try 3): disk I/O error\nsecond line".into());
        s.records = 1;
        s.last_record_ms = Some(0);
        assert_eq!(
            status_line(&s, 60_000 * 60 * 24 * 3 + 3_600_000, today),
            "link: opening /dev/smdr0; 1 record this run, last record 3 d 1 h ago; \
             storage FAULT: commit failed (try 3): disk I/O error second line"
        );

        let mut s = snap();
        s.store_open = true;
        s.ring.overflow_lines = 40;
        assert!(status_line(&s, 0, today)
            .ends_with("storage ok, but 40 lines lost when the buffer overflowed"));

        let mut s = snap();
        s.store_error = Some("x".repeat(5_000));
        assert_eq!(status_line(&s, 0, today).len(), STATUS_MAX_BYTES);
        // Cut at a character, not inside one.
        s.store_error = Some("é".repeat(5_000));
        let l = status_line(&s, 0, today);
        assert!(
            l.len() <= STATUS_MAX_BYTES && l.len() > STATUS_MAX_BYTES - 2,
            "{}",
            l.len()
        );
    }

    #[test]
    fn coarse_durations() {
        assert_eq!(coarse_duration(-5), "under a minute");
        assert_eq!(coarse_duration(59_999), "under a minute");
        assert_eq!(coarse_duration(60_000), "1 min");
        assert_eq!(coarse_duration(3_600_000 + 5 * 60_000), "1 h 05 min");
        assert_eq!(coarse_duration(86_400_000 * 2 + 3_600_000 * 4), "2 d 4 h");
    }
}
