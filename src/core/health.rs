//! Health: the daemon's state in, a verdict a technician can read out (pure; `now` is a
//! parameter).

use crate::core::framer::FramerCounters;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkState {
    /// Port open and readable.
    Up,
    /// Port missing, unplugged or failing; retried every 2 s.
    Down,
    /// Opening for the first time.
    #[default]
    Connecting,
}

impl LinkState {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkState::Up => "up",
            LinkState::Down => "down",
            LinkState::Connecting => "connecting",
        }
    }
}

/// The ring between reader and store, as the status page shows it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RingStats {
    pub len: usize,
    pub capacity: usize,
    pub high_water: usize,
    pub overflow_lines: u64,
}

/// What the database holds, as the store thread last counted it (when it opened the database
/// and after each commit that stored records).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StoredCounts {
    /// The local day `records_today` counts; a later day has none yet.
    pub day: Option<chrono::NaiveDate>,
    pub records_today: u64,
    pub records: u64,
    /// Receive time of the newest record, Unix ms.
    pub last_record_ms: Option<i64>,
}

/// Everything the status page and `/api/status` show that the daemon knows in memory.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Snapshot {
    pub version: String,
    pub started_ms: i64,
    /// Configured port (a path, `tcp:HOST:PORT` or `tcp-listen:ADDR`) and settings (`9600 8N1`,
    /// `TCP client`).
    pub port: String,
    pub settings: String,
    pub dialect: String,
    pub link: LinkState,
    pub link_reason: String,
    pub link_since_ms: i64,
    /// Times the link went from up to down since start.
    pub link_downs: u64,
    pub framer: FramerCounters,
    /// Lines handed to the ring (stored or, if it overflowed, counted).
    pub lines_read: u64,
    /// Lines of only blanks (page feeds), counted and not stored.
    pub blank_lines: u64,
    pub last_line_ms: Option<i64>,
    /// Since start: lines stored as records, headers and rejects.
    pub records: u64,
    pub headers: u64,
    pub rejects: u64,
    pub last_record_ms: Option<i64>,
    /// Highest sequence number known to be committed to the database.
    pub committed_seq: i64,
    pub commits: u64,
    pub last_commit_ms: Option<i64>,
    pub store_error: Option<String>,
    /// The store thread has the database open (checked and migrated).
    pub store_open: bool,
    /// Something storage did at start that the technician must hear of (a corrupt database
    /// moved aside), and when.
    pub store_notice: Option<(i64, String)>,
    pub ring: RingStats,
    /// Records in the database, once it is open.
    pub stored: Option<StoredCounts>,
    /// What the status LEDs show, once the LED thread runs.
    pub leds: Option<crate::core::leds::LedsShown>,
    /// With `baud = "auto"`: the hunt for speed and framing, or what it locked on.
    pub autobaud: Option<crate::core::autobaud::AutobaudView>,
    /// With `dialect = "auto"`: which family the lines were recognised as, and how surely.
    pub detection: Option<crate::core::dialect::detect::Detection>,
    /// With `[alerts]`: the delivery queue (waiting, sent, the last error).
    pub alerts: Option<crate::core::alerts::QueueView>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Ok,
    Warning,
    Fault,
}

/// What a finding is about, so the LEDs (`core::leds`) read the same judgement as the page
/// instead of repeating its thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    LinkDown,
    Connecting,
    /// Many control characters: wrong speed or parity.
    Garbled,
    /// Many lines do not read as the dialect (a fault), or a few (a warning).
    Rejects,
    Overlong,
    /// The database cannot be opened or written.
    Storage,
    /// Storage did something at start the technician must hear of (corrupt database moved aside).
    StorageNotice,
    /// Lines lost: the ring overflowed.
    Overflow,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub level: Level,
    pub cause: Cause,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub level: Level,
    /// One short line for the top of the page and `systemctl status`.
    pub summary: String,
    pub findings: Vec<Finding>,
}

/// A share of garbage bytes above this (with enough bytes seen) means wrong speed or parity.
const GARBLED_SHARE: f64 = 0.05;
const GARBLED_MIN_BYTES: u64 = 200;
/// How long a storage notice (corrupt database moved aside) shows as a fault.
const NOTICE_FAULT_MS: i64 = 24 * 3600 * 1000;

/// A TCP source (its port reads `tcp:…` or `tcp-listen:…`): the words differ, not the rules.
fn is_tcp(s: &Snapshot) -> bool {
    s.port.starts_with("tcp:") || s.port.starts_with("tcp-listen:")
}

pub fn judge(s: &Snapshot, now_ms: i64) -> Verdict {
    let mut f = Vec::new();
    let mut add = |cause, level, message: String| {
        f.push(Finding {
            level,
            cause,
            message,
        })
    };
    match s.link {
        LinkState::Down => add(
            Cause::LinkDown,
            Level::Fault,
            format!(
                "{} link down for {}: {}",
                if is_tcp(s) { "TCP" } else { "serial" },
                human_duration(now_ms - s.link_since_ms),
                s.link_reason
            ),
        ),
        LinkState::Connecting => add(
            Cause::Connecting,
            Level::Warning,
            if is_tcp(s) {
                format!("connecting: {}", s.link_reason)
            } else {
                format!("opening {}", s.port)
            },
        ),
        LinkState::Up => {}
    }
    let fc = &s.framer;
    if fc.bytes_in >= GARBLED_MIN_BYTES
        && fc.garbage_bytes as f64 / fc.bytes_in as f64 > GARBLED_SHARE
    {
        add(
            Cause::Garbled,
            Level::Fault,
            if is_tcp(s) {
                format!(
                    "{} of {} bytes were control characters: is this port the PBX's SMDR \
                     output?",
                    fc.garbage_bytes, fc.bytes_in
                )
            } else {
                format!(
                    "{} of {} bytes were control characters: check baud rate and parity (set {})",
                    fc.garbage_bytes, fc.bytes_in, s.settings
                )
            },
        );
    }
    let parsed = s.records + s.rejects;
    let unrecognised = s.detection.as_ref().filter(|d| d.chosen.is_none());
    if let (Some(d), true) = (unrecognised, s.rejects >= 10) {
        add(
            Cause::Rejects,
            Level::Fault,
            format!(
                "{} lines and the PBX's layout is still not recognised (dialect = auto): they are kept raw; \
                 send a sample (status page: capture.log) or set the dialect{}",
                d.lines_seen,
                match d.leader {
                    Some((name, n)) => format!(" (closest: {name}, {n} of the last lines)"),
                    None => String::new(),
                }
            ),
        );
    } else if parsed >= 10 && s.rejects * 2 > parsed {
        add(
            Cause::Rejects,
            Level::Fault,
            format!(
                "{} of {} lines could not be read as {} SMDR: wrong dialect, date order or a garbled line",
                s.rejects, parsed, s.dialect
            ),
        );
    } else if s.rejects > 0 {
        add(
            Cause::Rejects,
            Level::Warning,
            format!("{} could not be read (kept raw)", lines(s.rejects)),
        );
    }
    if fc.overlong_lines > 0 {
        add(
            Cause::Overlong,
            Level::Warning,
            format!("{} too long, cut (kept raw)", lines(fc.overlong_lines)),
        );
    }
    if let Some(e) = &s.store_error {
        add(Cause::Storage, Level::Fault, format!("storage: {e}"));
    }
    if let Some((at, note)) = &s.store_notice {
        // Red for a day so that whoever looks that day sees it; then a standing warning.
        let level = if now_ms - at < NOTICE_FAULT_MS {
            Level::Fault
        } else {
            Level::Warning
        };
        add(Cause::StorageNotice, level, format!("storage: {note}"));
    }
    if s.ring.overflow_lines > 0 {
        add(
            Cause::Overflow,
            Level::Fault,
            format!(
                "{} lost: the buffer overflowed while storage was slow",
                lines(s.ring.overflow_lines)
            ),
        );
    }
    let level = f.iter().map(|x| x.level).max().unwrap_or(Level::Ok);
    let summary = match f.iter().find(|x| x.level == level) {
        Some(x) => x.message.clone(),
        None => match s.last_line_ms {
            Some(t) => format!("capturing; last line {} ago", human_duration(now_ms - t)),
            None => "capturing; no line received yet".to_string(),
        },
    };
    Verdict {
        level,
        summary,
        findings: f,
    }
}

/// `1 line`, `3 lines`.
fn lines(n: u64) -> String {
    if n == 1 {
        "1 line".to_string()
    } else {
        format!("{n} lines")
    }
}

/// `3 h 05 min`, `42 s`: how long, for a technician.
pub fn human_duration(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min {:02} s", s / 60, s % 60),
        3600..=86_399 => format!("{} h {:02} min", s / 3600, s % 3600 / 60),
        _ => format!("{} d {} h", s / 86_400, s % 86_400 / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn up() -> Snapshot {
        Snapshot {
            link: LinkState::Up,
            port: "/dev/smdr0".into(),
            settings: "9600 8N1".into(),
            dialect: "panasonic".into(),
            ..Snapshot::default()
        }
    }

    #[test]
    fn verdicts() {
        let s = up();
        let v = judge(&s, 1000);
        assert_eq!(v.level, Level::Ok);
        assert_eq!(v.summary, "capturing; no line received yet");

        let mut s = up();
        s.last_line_ms = Some(0);
        assert_eq!(
            judge(&s, 3_725_000).summary,
            "capturing; last line 1 h 02 min ago"
        );

        let mut s = up();
        s.link = LinkState::Down;
        s.link_reason = "/dev/smdr0: No such file or directory".into();
        s.link_since_ms = 0;
        let v = judge(&s, 65_000);
        assert_eq!(v.level, Level::Fault);
        assert_eq!(
            v.summary,
            "serial link down for 1 min 05 s: /dev/smdr0: No such file or directory"
        );

        let mut s = up();
        s.framer.bytes_in = 1000;
        s.framer.garbage_bytes = 300;
        let v = judge(&s, 0);
        assert_eq!(v.level, Level::Fault);
        assert!(v.summary.contains("check baud rate and parity"), "{v:?}");

        // A TCP source: the same rules, words without serial settings.
        let mut s = up();
        s.port = "tcp:192.0.2.5:2300".into();
        s.link = LinkState::Down;
        s.link_reason = "connection refused by 192.0.2.5:2300".into();
        assert_eq!(
            judge(&s, 5_000).summary,
            "TCP link down for 5 s: connection refused by 192.0.2.5:2300"
        );
        s.link = LinkState::Up;
        s.framer.bytes_in = 1000;
        s.framer.garbage_bytes = 300;
        let v = judge(&s, 0);
        assert!(v.summary.contains("SMDR output"), "{v:?}");

        let mut s = up();
        s.records = 100;
        s.rejects = 2;
        assert_eq!(judge(&s, 0).level, Level::Warning);
        s.rejects = 200;
        assert!(judge(&s, 0)
            .summary
            .contains("could not be read as panasonic"));

        let mut s = up();
        s.store_notice = Some((0, "database x was corrupt".into()));
        assert_eq!(judge(&s, 1000).level, Level::Fault);
        assert_eq!(judge(&s, NOTICE_FAULT_MS + 1).level, Level::Warning);

        let mut s = up();
        s.ring.overflow_lines = 3;
        s.store_error = Some("disk I/O error".into());
        let v = judge(&s, 0);
        assert_eq!(v.findings.len(), 2);
        assert_eq!(v.summary, "storage: disk I/O error");
    }
}
