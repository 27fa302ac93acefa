//! Read-only queries for the web page and the CLI export, on their own connection.

use crate::core::calls::Call;
use crate::core::dialect;
use crate::core::record::{Cost, Direction, Extra, Record, TimeMeaning};
use anyhow::{Context, Result};
use chrono::{NaiveDate, NaiveTime};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row};
use serde::Serialize;
use std::path::{Path, PathBuf};

pub struct Reader {
    conn: Connection,
    path: PathBuf,
}

/// Counts from the database (everything ever stored, not just since start).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct DbCounts {
    pub lines: i64,
    pub records: i64,
    pub headers: i64,
    pub rejects: i64,
    /// Lines received since the given start of today.
    pub lines_today: i64,
    pub records_today: i64,
    pub last_record_received_ms: Option<i64>,
    pub last_seq: i64,
    /// Database file plus its WAL, bytes.
    pub size_bytes: u64,
}

/// One stored call record with its raw line's receive time and source.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CallRow {
    pub seq: i64,
    pub received_ms: i64,
    pub source: String,
    pub dialect: String,
    pub layout: String,
    pub call_date: Option<String>,
    pub call_time: Option<String>,
    pub time_is: String,
    pub direction: String,
    pub extension: String,
    pub trunk: Option<String>,
    pub number: String,
    pub caller_name: Option<String>,
    pub ddi: Option<String>,
    pub ring_secs: Option<i64>,
    pub duration_secs: Option<i64>,
    pub cost: Option<String>,
    pub currency: Option<String>,
    pub account_code: Option<String>,
    pub condition: Option<String>,
    pub unanswered: bool,
    pub transferred: bool,
    pub forwarded: bool,
    pub warnings: Option<String>,
    pub call_id: Option<String>,
    pub continued: bool,
    pub hold_secs: Option<i64>,
    pub park_secs: Option<i64>,
    pub extension_name: Option<String>,
}

/// A line the dialect could not read, for the technician.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RejectRow {
    pub seq: i64,
    pub received_ms: i64,
    pub line: String,
    pub reason: String,
}

/// One stored line as the box received it, for `smdrbox capture`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawLineRow {
    pub seq: i64,
    pub received_ms: i64,
    pub source: String,
    /// Exactly the stored bytes: framed, without terminator, control bytes removed.
    pub bytes: Vec<u8>,
    pub kind: String,
    pub truncated: bool,
    pub partial: bool,
    pub reason: Option<String>,
}

/// Which raw lines to read: a seq range (fixed once, so two passes over a live database see
/// the same lines), optionally a receive-time range and only rejects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineFilter {
    pub first_seq: i64,
    pub last_seq: i64,
    /// Unix ms, inclusive.
    pub from_ms: i64,
    /// Unix ms, exclusive.
    pub to_ms: i64,
    pub rejects_only: bool,
}

const CALL_COLUMNS: &str = "r.seq, l.received_at, s.name, r.dialect, r.layout, r.call_date,
    r.call_time, r.time_is, r.direction, r.extension, r.trunk, r.number, r.caller_name, r.ddi,
    r.ring_secs, r.duration_secs, r.cost, r.currency, r.account_code, r.condition, r.unanswered,
    r.transferred, r.forwarded, r.warnings, r.call_id, r.continued, r.hold_secs, r.park_secs,
    r.extension_name
    FROM records r JOIN raw_lines l ON l.seq = r.seq JOIN sources s ON s.id = l.source_id";

fn call_row(r: &Row<'_>) -> rusqlite::Result<CallRow> {
    Ok(CallRow {
        seq: r.get(0)?,
        received_ms: r.get(1)?,
        source: r.get(2)?,
        dialect: r.get(3)?,
        layout: r.get(4)?,
        call_date: r.get(5)?,
        call_time: r.get(6)?,
        time_is: r.get(7)?,
        direction: r.get(8)?,
        extension: r.get(9)?,
        trunk: r.get(10)?,
        number: r.get(11)?,
        caller_name: r.get(12)?,
        ddi: r.get(13)?,
        ring_secs: r.get(14)?,
        duration_secs: r.get(15)?,
        cost: r.get(16)?,
        currency: r.get(17)?,
        account_code: r.get(18)?,
        condition: r.get(19)?,
        unanswered: r.get(20)?,
        transferred: r.get(21)?,
        forwarded: r.get(22)?,
        warnings: r.get(23)?,
        call_id: r.get(24)?,
        continued: r.get(25)?,
        hold_secs: r.get(26)?,
        park_secs: r.get(27)?,
        extension_name: r.get(28)?,
    })
}

impl Reader {
    pub fn open(path: &Path) -> Result<Reader> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .with_context(|| format!("opening {} for reading", path.display()))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(Reader {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Counts from the per-day table (no scan of the lines), the last record and the size.
    pub fn counts(&self, today_start_ms: i64) -> Result<DbCounts> {
        let mut c = DbCounts::default();
        let today = super::local_day(today_start_ms);
        let mut st = self.conn.prepare_cached(
            "SELECT kind, sum(n), sum(CASE WHEN day = ?1 THEN n ELSE 0 END)
             FROM daily_counts GROUP BY kind",
        )?;
        let mut rows = st.query([&today])?;
        while let Some(r) = rows.next()? {
            let kind: String = r.get(0)?;
            let n: i64 = r.get(1)?;
            let today: i64 = r.get(2)?;
            c.lines += n;
            c.lines_today += today;
            match kind.as_str() {
                "record" => {
                    c.records = n;
                    c.records_today = today;
                }
                "header" => c.headers = n,
                _ => c.rejects = n,
            }
        }
        c.last_record_received_ms = self
            .conn
            .query_row(
                "SELECT received_at FROM raw_lines WHERE seq = (SELECT max(seq) FROM records)",
                [],
                |r| r.get(0),
            )
            .optional()?;
        c.last_seq =
            self.conn
                .query_row("SELECT coalesce(max(seq), 0) FROM raw_lines", [], |r| {
                    r.get(0)
                })?;
        c.size_bytes = file_size(&self.path) + file_size(&wal_path(&self.path));
        Ok(c)
    }

    /// The most recent calls, newest first.
    pub fn latest_calls(&self, limit: usize) -> Result<Vec<CallRow>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {CALL_COLUMNS} ORDER BY r.seq DESC LIMIT ?1"
        ))?;
        let rows = st.query_map([limit as i64], call_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Calls whose PBX date is within `from..=to`, in the order the PBX printed them.
    /// Records without a date (the PBX printed `**`) are placed by their receive date.
    pub fn for_each_call(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        f: impl FnMut(&CallRow) -> Result<()>,
    ) -> Result<u64> {
        for_each_call_on(&self.conn, from, to, f)
    }

    /// The parsed records whose PBX date is within `from..=to`, in print (seq) order, as the
    /// calls model takes them. Records without a date (`**`) come by their receive date.
    pub fn records_between(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<(i64, Record)>> {
        records_between_on(&self.conn, from, to)
    }

    /// The calls that started in `from..=to`, from the per-day table where it holds them and
    /// grouped from the records for the other days (see [`super::call_days`]).
    pub fn calls_between(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<Call>> {
        super::call_days::calls_between(&self.conn, from, to)
    }

    /// The phonebook in the uploaded file's order; empty when none was uploaded (or the
    /// database predates it).
    pub fn phonebook(&self) -> Result<Vec<crate::phonebook::Entry>> {
        super::phonebook::load(&self.conn)
    }

    /// The most recent lines that could not be read, newest first.
    pub fn latest_rejects(&self, limit: usize) -> Result<Vec<RejectRow>> {
        let mut st = self.conn.prepare_cached(
            "SELECT seq, received_at, line, coalesce(reason, '') FROM raw_lines
             WHERE kind = 'reject' ORDER BY seq DESC LIMIT ?1",
        )?;
        let rows = st.query_map([limit as i64], |r| {
            let bytes: Vec<u8> = r.get(2)?;
            Ok(RejectRow {
                seq: r.get(0)?,
                received_ms: r.get(1)?,
                line: crate::core::framer::decode(&bytes).into_owned(),
                reason: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The highest seq stored (0 for an empty database).
    pub fn last_seq(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT coalesce(max(seq), 0) FROM raw_lines", [], |r| {
                r.get(0)
            })?)
    }

    /// The seq of the `n`th latest line (of rejects only if asked), or None when fewer are
    /// stored.
    pub fn nth_last_seq(&self, n: u64, rejects_only: bool) -> Result<Option<i64>> {
        let Some(offset) = n.checked_sub(1) else {
            return Ok(None);
        };
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        Ok(self
            .conn
            .query_row(
                "SELECT seq FROM raw_lines WHERE (?2 = 0 OR kind = 'reject')
                 ORDER BY seq DESC LIMIT 1 OFFSET ?1",
                rusqlite::params![offset, rejects_only],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The raw lines `filter` selects, in seq order.
    pub fn for_each_raw_line(
        &self,
        filter: &LineFilter,
        mut f: impl FnMut(&RawLineRow) -> Result<()>,
    ) -> Result<u64> {
        // With a time range, narrow the seq range to the lines received in it first (the
        // receive-time index): given both ranges, SQLite walks the seq range, which for a
        // day of a year's database is the whole table.
        let (mut first_seq, mut last_seq) = (filter.first_seq, filter.last_seq);
        if filter.from_ms != i64::MIN || filter.to_ms != i64::MAX {
            let (lo, hi): (Option<i64>, Option<i64>) = self
                .conn
                .prepare_cached(
                    "SELECT min(seq), max(seq) FROM raw_lines
                     WHERE received_at >= ?1 AND received_at < ?2",
                )?
                .query_row([filter.from_ms, filter.to_ms], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            match (lo, hi) {
                (Some(lo), Some(hi)) => {
                    first_seq = first_seq.max(lo);
                    last_seq = last_seq.min(hi);
                }
                _ => return Ok(0),
            }
        }
        let mut st = self.conn.prepare_cached(
            "SELECT l.seq, l.received_at, s.name, l.line, l.kind, l.truncated, l.partial, l.reason
             FROM raw_lines l JOIN sources s ON s.id = l.source_id
             WHERE l.seq BETWEEN ?1 AND ?2 AND l.received_at >= ?3 AND l.received_at < ?4
                 AND (?5 = 0 OR l.kind = 'reject')
             ORDER BY l.seq",
        )?;
        let mut rows = st.query(rusqlite::params![
            first_seq,
            last_seq,
            filter.from_ms,
            filter.to_ms,
            filter.rejects_only
        ])?;
        let mut n = 0;
        while let Some(r) = rows.next()? {
            let row = RawLineRow {
                seq: r.get(0)?,
                received_ms: r.get(1)?,
                source: r.get(2)?,
                bytes: r.get(3)?,
                kind: r.get(4)?,
                truncated: r.get(5)?,
                partial: r.get(6)?,
                reason: r.get(7)?,
            };
            f(&row)?;
            n += 1;
        }
        Ok(n)
    }

    /// The most recent box events (start, stop, link down/up, overflow), newest first.
    pub fn latest_events(&self, limit: usize) -> Result<Vec<(i64, String, String)>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT at, kind, detail FROM events ORDER BY id DESC LIMIT ?1")?;
        let rows = st.query_map([limit as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// [`Reader::for_each_call`] on any connection (the store thread groups days with it too).
pub(crate) fn for_each_call_on(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    mut f: impl FnMut(&CallRow) -> Result<()>,
) -> Result<u64> {
    // Two range lookups rather than one coalesce(), so the date index serves both. Only the
    // seqs are gathered (and kept sorted) from them; the rows are then read in seq order, so
    // no sorter holds (or spills to a temp file) a whole period's wide rows.
    let mut st = conn.prepare_cached(&format!(
        "SELECT {CALL_COLUMNS} WHERE r.seq IN (
             SELECT seq FROM records WHERE call_date BETWEEN ?1 AND ?2
             UNION ALL
             SELECT r2.seq FROM records r2 JOIN raw_lines l2 ON l2.seq = r2.seq
             WHERE r2.call_date IS NULL
                 AND date(l2.received_at / 1000, 'unixepoch', 'localtime') BETWEEN ?1 AND ?2)
         ORDER BY r.seq"
    ))?;
    let mut rows = st.query([
        from.format("%Y-%m-%d").to_string(),
        to.format("%Y-%m-%d").to_string(),
    ])?;
    let mut n = 0;
    while let Some(r) = rows.next()? {
        f(&call_row(r)?)?;
        n += 1;
    }
    Ok(n)
}

/// [`Reader::records_between`] on any connection.
pub(crate) fn records_between_on(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, Record)>> {
    let mut out = Vec::new();
    for_each_call_on(conn, from, to, |row| {
        out.push((row.seq, row.to_record()));
        Ok(())
    })?;
    Ok(out)
}

impl CallRow {
    /// The stored record as the dialect produced it (what the calls model reads).
    pub fn to_record(&self) -> Record {
        // A family that prints no year (Mitel's mm/dd; NEC before its first page header) leaves
        // the date out: the day the box received the line stands in, as it does when a period
        // selects records (for_each_call_on). Panasonic's `**` keeps its None: the calls model
        // borrows the date of the line before, which is closer.
        let date = self
            .call_date
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .or_else(|| {
                (self.dialect != "panasonic")
                    .then(|| crate::store::local_date(self.received_ms))
                    .flatten()
            });
        let time = self.call_time.as_deref().and_then(|t| {
            NaiveTime::parse_from_str(t, "%H:%M:%S")
                .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M"))
                .ok()
        });
        let direction = match self.direction.as_str() {
            "incoming" => Direction::Incoming,
            "internal" => Direction::Internal,
            _ => Direction::Outgoing,
        };
        let cost = self.cost.as_ref().map(|amount| Cost {
            amount: amount.clone(),
            currency: self.currency.clone().unwrap_or_default(),
        });
        let u32_of = |v: Option<i64>| v.and_then(|n| u32::try_from(n).ok());
        Record {
            dialect: dialect::static_dialect_name(&self.dialect),
            layout: dialect::static_layout_name(&self.dialect, &self.layout),
            date,
            time,
            time_is: if self.time_is == "start" {
                TimeMeaning::CallStart
            } else {
                TimeMeaning::CallEnd
            },
            extension: self.extension.clone(),
            trunk: self.trunk.clone(),
            direction,
            number: self.number.clone(),
            caller_name: self.caller_name.clone(),
            ddi: self.ddi.clone(),
            ring_secs: u32_of(self.ring_secs),
            duration_secs: u32_of(self.duration_secs),
            cost,
            account_code: self.account_code.clone(),
            condition: self.condition.clone(),
            unanswered: self.unanswered,
            transferred: self.transferred,
            forwarded: self.forwarded,
            extra: Extra {
                call_id: self.call_id.clone(),
                continued: self.continued,
                hold_secs: u32_of(self.hold_secs),
                park_secs: u32_of(self.park_secs),
                extension_name: self.extension_name.clone(),
            },
        }
    }
}

fn wal_path(db: &Path) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push("-wal");
    PathBuf::from(s)
}

fn file_size(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}
