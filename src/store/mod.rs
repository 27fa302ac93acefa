//! The store: the only code that touches SQLite.
//!
//! One [`Store`] (the writer) owns the read-write connection; readers (web, export) open their
//! own [`read::Reader`] connections, which WAL lets run while the writer commits.

pub mod call_days;
pub mod phonebook;
pub mod read;
pub mod schema;
pub mod writer;

use crate::core::dialect::{detect, detect::Decision, Dialect};
use crate::core::framer::Line;
use crate::core::health::StoredCounts;
use crate::core::record::Parsed;
use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// A framed line and the dialect's verdict on it, ready to store.
pub struct Ingested<'a> {
    pub received_ms: i64,
    pub source: &'a str,
    pub line: &'a Line,
    pub parsed: &'a Parsed,
}

/// What [`Store::reread`] changed: lines read again, and how many became records or headers
/// (the rest stay rejects).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reread {
    pub lines: u64,
    pub records: u64,
    pub headers: u64,
    pub stale_call_days: usize,
}

/// What one commit stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Committed {
    pub first_seq: i64,
    pub last_seq: i64,
    pub records: u64,
    pub headers: u64,
    pub rejects: u64,
    /// Rows of `call_days` the batch's records made stale (deleted).
    pub stale_call_days: usize,
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    sources: HashMap<String, i64>,
}

/// Called every few thousand SQLite steps on the store's connections (a check of a big
/// database takes minutes on a slow card): the store thread's sign of life for the watchdog.
pub type Progress = std::sync::Arc<dyn Fn() + Send + Sync>;

/// Steps between two progress calls: about a thousand pages of a database check.
const PROGRESS_STEPS: std::os::raw::c_int = 1000;

fn set_progress(conn: &mut Connection, progress: Option<&Progress>) -> Result<()> {
    if let Some(p) = progress {
        let p = p.clone();
        conn.progress_handler(
            PROGRESS_STEPS,
            Some(move || {
                p();
                false
            }),
        )?;
    }
    Ok(())
}

/// `PRAGMA quick_check` on a read-only connection: `None` when ok, else its first findings.
fn check_read_only(path: &Path, progress: Option<&Progress>) -> Result<Option<String>> {
    let mut conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("opening {} to check it", path.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    set_progress(&mut conn, progress)?;
    let mut st = conn
        .prepare("PRAGMA quick_check(5)")
        .with_context(|| format!("checking {}", path.display()))?;
    let rows: Vec<String> = st
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()
        .with_context(|| format!("checking {}", path.display()))?;
    Ok(match rows.as_slice() {
        [ok] if ok == "ok" => None,
        _ => Some(rows.join("; ")),
    })
}

/// `YYYY-MM-DD` of a receive time in the box's local time zone (as SQLite's 'localtime').
pub fn local_day(ms: i64) -> String {
    local_date(ms)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// The date of a receive time in the box's local time zone.
pub fn local_date(ms: i64) -> Option<NaiveDate> {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&chrono::Local).date_naive())
}

/// Corrupt, or not a database at all: the cases where moving the file aside is right.
fn is_corruption(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        matches!(
            c.downcast_ref::<rusqlite::Error>(),
            Some(rusqlite::Error::SqliteFailure(f, _))
                if matches!(f.code, rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
        )
    })
}

/// Rename the database and its `-wal` and `-shm` to `<name>.corrupt-<ms>[-wal|-shm]`.
fn rotate_aside(path: &Path, now_ms: i64) -> Result<PathBuf> {
    let with = |suffix: &str| {
        let mut s = path.as_os_str().to_owned();
        s.push(suffix);
        PathBuf::from(s)
    };
    let aside = with(&format!(".corrupt-{now_ms}"));
    for suffix in ["", "-wal", "-shm"] {
        let from = with(suffix);
        if from.exists() {
            let mut to = aside.as_os_str().to_owned();
            to.push(suffix);
            std::fs::rename(&from, &to)
                .with_context(|| format!("moving {} aside", from.display()))?;
        }
    }
    Ok(aside)
}

fn open_conn(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path).with_context(|| format!("opening {}", path.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

impl Store {
    /// Open (creating the file and its directory if needed), set the durability pragmas and
    /// bring the schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_with(path, None)
    }

    fn open_with(path: &Path, progress: Option<&Progress>) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating directory {}", dir.display()))?;
        }
        let mut conn = open_conn(path)?;
        set_progress(&mut conn, progress)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .with_context(|| format!("setting WAL on {}", path.display()))?;
        if !mode.eq_ignore_ascii_case("wal") {
            bail!("{}: journal mode is {mode}, WAL needed", path.display());
        }
        // FULL: a commit that returned is on the card (as far as the card is honest); SMDR
        // volume is tiny, so the extra fsync per batch costs nothing that matters.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "journal_size_limit", 4 * 1024 * 1024)?;
        conn.pragma_update(None, "foreign_keys", true)?;
        schema::migrate(&mut conn).with_context(|| format!("migrating {}", path.display()))?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            sources: HashMap::new(),
        })
    }

    /// Open for the daemon: first `PRAGMA quick_check`; a database that is corrupt or not a
    /// database at all is moved aside with its `-wal` and `-shm` (never separately: that would
    /// break SQLite's recovery) and a fresh one started. Other errors (permissions, a lock, I/O)
    /// are returned: they are not corruption, and the file must not be moved for them.
    /// Returns the store and, if it rotated, what it did (for the log, events and page).
    pub fn open_checked(path: &Path, now_ms: i64) -> Result<(Store, Option<String>)> {
        Store::open_checked_with(path, now_ms, None)
    }

    /// [`Store::open_checked`], calling `progress` while it works and on every later long
    /// statement of this store.
    pub fn open_checked_with(
        path: &Path,
        now_ms: i64,
        progress: Option<&Progress>,
    ) -> Result<(Store, Option<String>)> {
        let problem = if path.exists() {
            // Checked on a read-only connection: closing it neither checkpoints nor deletes the
            // -wal, so a corrupt database is moved aside exactly as it was found.
            match check_read_only(path, progress) {
                Ok(None) => None,
                Ok(Some(report)) => Some(format!("quick_check failed: {report}")),
                Err(e) if is_corruption(&e) => Some(format!("{e:#}")),
                Err(e) => return Err(e),
            }
        } else {
            None
        };
        let note = match problem {
            None => None,
            Some(problem) => {
                let aside = rotate_aside(path, now_ms)?;
                Some(format!(
                    "database {} was corrupt ({problem}); moved aside to {} and started a fresh one",
                    path.display(),
                    aside.display()
                ))
            }
        };
        let mut store = Store::open_with(path, progress)?;
        if let Some(note) = &note {
            store.event(now_ms, "db_rotated", note)?;
        }
        Ok((store, note))
    }

    /// A consistent copy of the database while capture goes on (`VACUUM INTO` reads one
    /// snapshot; WAL lets the writer continue meanwhile). Refuses to overwrite `dest`.
    pub fn backup_to(db: &Path, dest: &Path) -> Result<()> {
        if dest.exists() {
            bail!("{} exists; choose a new file name", dest.display());
        }
        let conn = open_conn(db)?;
        conn.execute("VACUUM INTO ?1", [dest.to_string_lossy()])
            .with_context(|| format!("backing up {} to {}", db.display(), dest.display()))?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn source_id(&mut self, name: &str) -> Result<i64> {
        if let Some(id) = self.sources.get(name) {
            return Ok(*id);
        }
        self.conn
            .execute("INSERT OR IGNORE INTO sources(name) VALUES (?1)", [name])?;
        let id: i64 =
            self.conn
                .query_row("SELECT id FROM sources WHERE name = ?1", [name], |r| {
                    r.get(0)
                })?;
        self.sources.insert(name.to_string(), id);
        Ok(id)
    }

    /// Store a batch of lines in one transaction. Sequence numbers continue gap-free from the
    /// last committed line. On error nothing of the batch is stored and it may be retried.
    pub fn commit(
        &mut self,
        batch: &[Ingested<'_>],
        events: &[(i64, &str, String)],
    ) -> Result<Committed> {
        // Source ids are resolved before the transaction (idempotent, almost always cached).
        let mut source_ids = Vec::with_capacity(batch.len());
        for item in batch {
            source_ids.push(self.source_id(item.source)?);
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut out = Committed::default();
        {
            let mut raw = tx.prepare_cached(
                "INSERT INTO raw_lines(received_at, source_id, line, kind, truncated, partial, reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for (item, source_id) in batch.iter().zip(&source_ids) {
                let reason = match item.parsed {
                    Parsed::Reject { reason } => Some(reason.as_str()),
                    _ => None,
                };
                raw.execute(params![
                    item.received_ms,
                    source_id,
                    &item.line.bytes[..],
                    item.parsed.kind(),
                    item.line.truncated,
                    item.line.partial,
                    reason,
                ])?;
                let seq = tx.last_insert_rowid();
                if out.first_seq == 0 {
                    out.first_seq = seq;
                }
                out.last_seq = seq;
                match item.parsed {
                    Parsed::Record { record, warnings } => {
                        out.records += 1;
                        insert_record(&tx, seq, record, warnings)?;
                    }
                    Parsed::Header { .. } => out.headers += 1,
                    Parsed::Reject { .. } => out.rejects += 1,
                }
            }
            let mut counts: Vec<(String, &str, i64)> = Vec::new();
            for item in batch {
                let day = local_day(item.received_ms);
                let kind = item.parsed.kind();
                match counts.iter_mut().find(|(d, k, _)| *d == day && *k == kind) {
                    Some(c) => c.2 += 1,
                    None => counts.push((day, kind, 1)),
                }
            }
            let mut count = tx.prepare_cached(
                "INSERT INTO daily_counts(day, kind, n) VALUES (?1, ?2, ?3)
                 ON CONFLICT(day, kind) DO UPDATE SET n = n + excluded.n",
            )?;
            for (day, kind, n) in &counts {
                count.execute(params![day, kind, n])?;
            }
            let mut ev =
                tx.prepare_cached("INSERT INTO events(at, kind, detail) VALUES (?1, ?2, ?3)")?;
            for (at, kind, detail) in events {
                ev.execute(params![at, kind, detail])?;
            }
            // Records without a date are grouped by their receive date (see read.rs).
            let days: BTreeSet<NaiveDate> = batch
                .iter()
                .filter_map(|item| match item.parsed {
                    Parsed::Record { record, .. } => {
                        Some(record.date.or_else(|| local_date(item.received_ms)))
                    }
                    _ => None,
                })
                .flatten()
                .collect();
            out.stale_call_days = call_days::invalidate(&tx, &days)?;
        }
        tx.commit()?;
        if batch.is_empty() {
            out.last_seq = self.last_seq()?;
        }
        Ok(out)
    }

    /// Auto-detection chose a family (`decision`): read the undecided lines again with
    /// `reader` (a fresh reader of that family), in seq order, in one transaction. Lines it
    /// still rejects keep their row and get its reason. Counts per day and the calls of the
    /// days touched follow.
    ///
    /// `line_offset` turns the decision's line numbers into seqs: the seq of the reader's line
    /// `n` is `n + line_offset` (lines are committed in the order they were read, gap-free).
    pub fn reread(
        &mut self,
        reader: &mut dyn Dialect,
        decision: Decision,
        line_offset: i64,
    ) -> Result<Reread> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut out = Reread::default();
        {
            let (sql, args): (&str, [rusqlite::types::Value; 2]) = match decision.reread {
                detect::Reread::Pending => (
                    "SELECT seq, received_at, line FROM raw_lines
                     WHERE kind = 'reject' AND reason = ?1 AND ?2 IS NOT NULL ORDER BY seq",
                    [detect::PENDING.to_string().into(), 0i64.into()],
                ),
                detect::Reread::Lines { from, to } => (
                    "SELECT seq, received_at, line FROM raw_lines
                     WHERE kind = 'reject' AND seq >= ?1 AND seq < ?2 ORDER BY seq",
                    [
                        (from as i64 + line_offset).into(),
                        (to as i64 + line_offset).into(),
                    ],
                ),
            };
            let rows: Vec<(i64, i64, Vec<u8>)> = tx
                .prepare(sql)?
                .query_map(args, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let mut update =
                tx.prepare_cached("UPDATE raw_lines SET kind = ?2, reason = ?3 WHERE seq = ?1")?;
            let mut count = tx.prepare_cached(
                "INSERT INTO daily_counts(day, kind, n) VALUES (?1, ?2, ?3)
                 ON CONFLICT(day, kind) DO UPDATE SET n = n + excluded.n",
            )?;
            let mut days = BTreeSet::new();
            for (seq, received_ms, bytes) in rows {
                let parsed = reader.parse(&crate::core::framer::decode(&bytes));
                out.lines += 1;
                let reason = match &parsed {
                    Parsed::Reject { reason } => Some(reason.as_str()),
                    _ => None,
                };
                update.execute(params![seq, parsed.kind(), reason])?;
                match &parsed {
                    Parsed::Record { record, warnings } => {
                        out.records += 1;
                        insert_record(&tx, seq, record, warnings)?;
                        days.extend(record.date.or_else(|| local_date(received_ms)));
                    }
                    Parsed::Header { .. } => out.headers += 1,
                    Parsed::Reject { .. } => continue,
                }
                let day = local_day(received_ms);
                count.execute(params![day, "reject", -1])?;
                count.execute(params![day, parsed.kind(), 1])?;
            }
            out.stale_call_days = call_days::invalidate(&tx, &days)?;
        }
        tx.commit()?;
        Ok(out)
    }

    /// Record one event on its own (start, stop) outside a line batch.
    pub fn event(&mut self, at_ms: i64, kind: &str, detail: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO events(at, kind, detail) VALUES (?1, ?2, ?3)",
            params![at_ms, kind, detail],
        )?;
        Ok(())
    }

    /// Days whose calls should be grouped and stored, newest first ([`call_days::pending`]).
    pub fn pending_call_days(&self, today: NaiveDate) -> Result<Vec<NaiveDate>> {
        call_days::pending(&self.conn, today)
    }

    /// Group and store one day's calls ([`call_days::build`]); returns how many calls.
    pub fn build_call_day(&self, day: NaiveDate) -> Result<usize> {
        call_days::build(&self.conn, day)
    }

    /// Group and store every pending day (after an import). Returns (days, calls).
    pub fn build_call_days(&self, today: NaiveDate) -> Result<(usize, usize)> {
        let days = self.pending_call_days(today)?;
        let mut calls = 0;
        for d in &days {
            calls += self.build_call_day(*d)?;
        }
        Ok((days.len(), calls))
    }

    /// Records stored in all and on `today` (box local time), and the newest one's receive time,
    /// from the per-day counts (no scan of the lines).
    pub fn record_counts(&self, today: NaiveDate) -> Result<StoredCounts> {
        let (records, records_today): (i64, i64) = self
            .conn
            .query_row(
                "SELECT coalesce(sum(n), 0), coalesce(sum(CASE WHEN day = ?1 THEN n END), 0)
                 FROM daily_counts WHERE kind = 'record'",
                [today.format("%Y-%m-%d").to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .context("counting the stored records")?;
        let last_record_ms: Option<i64> = self
            .conn
            .query_row(
                "SELECT received_at FROM raw_lines WHERE seq = (SELECT max(seq) FROM records)",
                [],
                |r| r.get(0),
            )
            .optional()
            .context("finding the newest record")?;
        Ok(StoredCounts {
            day: Some(today),
            records_today: u64::try_from(records_today).unwrap_or(0),
            records: u64::try_from(records).unwrap_or(0),
            last_record_ms,
        })
    }

    pub fn last_seq(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT max(seq) FROM raw_lines", [], |r| {
                r.get::<_, Option<i64>>(0)
            })
            .optional()?
            .flatten()
            .unwrap_or(0))
    }

    /// Fold the WAL back into the database file and truncate it (at shutdown and on a quiet
    /// timer), so a power cut leaves little to replay and the card holds no large WAL.
    pub fn checkpoint(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .context("checkpoint")?;
        Ok(())
    }
}

const INSERT_RECORD: &str = "INSERT INTO records(seq, dialect, layout, call_date, call_time,
    time_is, extension, trunk, direction, number, caller_name, ddi, ring_secs, duration_secs, cost,
    currency, account_code, condition, unanswered, transferred, forwarded, warnings, call_id,
    continued, hold_secs, park_secs, extension_name)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
    ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)";

/// One `records` row for the line `seq`.
fn insert_record(
    tx: &Connection,
    seq: i64,
    r: &crate::core::record::Record,
    warnings: &[String],
) -> Result<()> {
    let warnings = (!warnings.is_empty()).then(|| warnings.join("; "));
    tx.prepare_cached(INSERT_RECORD)?.execute(params![
        seq,
        r.dialect,
        r.layout,
        r.date.map(|d| d.format("%Y-%m-%d").to_string()),
        r.time.map(time_text),
        r.time_is.as_str(),
        r.extension,
        r.trunk,
        r.direction.as_str(),
        r.number,
        r.caller_name,
        r.ddi,
        r.ring_secs,
        r.duration_secs,
        r.cost.as_ref().map(|c| c.amount.as_str()),
        r.cost.as_ref().map(|c| c.currency.as_str()),
        r.account_code,
        r.condition,
        r.unanswered,
        r.transferred,
        r.forwarded,
        warnings,
        r.extra.call_id,
        r.extra.continued,
        r.extra.hold_secs,
        r.extra.park_secs,
        r.extra.extension_name,
    ])?;
    Ok(())
}

/// A record's time as stored: `HH:MM` when the PBX printed minutes only (Panasonic; also any
/// time on the full minute, which reads back the same), `HH:MM:SS` otherwise.
fn time_text(t: chrono::NaiveTime) -> String {
    use chrono::Timelike;
    if t.second() == 0 {
        t.format("%H:%M").to_string()
    } else {
        t.format("%H:%M:%S").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::dialect::{panasonic::Panasonic, DateOrder, Dialect};
    use crate::core::framer::LineBuf;

    fn line(s: &str) -> Line {
        Line {
            bytes: LineBuf::from_slice(s.as_bytes()).unwrap(),
            truncated: false,
            partial: false,
        }
    }

    #[test]
    fn schema_is_created_once_and_batches_get_gap_free_sequence_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/dir/t.db");
        let texts = [
            "07/12/20 11:22    401 05 <I>234               00:00'00 EU00000.00            NA ",
            "\x0c  Date     Time   Ext CO Dial Number          Duration Cost       Acc code   CD ",
            "garbage that is no SMDR",
            "07/12/20 15:02    402 01 0376689064-          00:03'13 EU00000.00            TR ",
        ];
        let lines: Vec<Line> = texts.iter().map(|t| line(t)).collect();
        let mut p = Panasonic::new(DateOrder::Dmy);
        let parsed: Vec<Parsed> = texts.iter().map(|t| p.parse(t)).collect();
        let items: Vec<Ingested<'_>> = lines
            .iter()
            .zip(&parsed)
            .map(|(line, parsed)| Ingested {
                received_ms: 1000,
                source: "test:a",
                line,
                parsed,
            })
            .collect();
        {
            let mut s = Store::open(&path).unwrap();
            let c = s
                .commit(&items[..2], &[(5, "start", "x".to_string())])
                .unwrap();
            assert_eq!(
                (c.first_seq, c.last_seq, c.records, c.headers),
                (1, 2, 1, 1)
            );
            let c = s.commit(&items[2..], &[]).unwrap();
            assert_eq!(
                (c.first_seq, c.last_seq, c.rejects, c.records),
                (3, 4, 1, 1)
            );
            // Events alone: no sequence number used.
            let c = s.commit(&[], &[(6, "link_up", "y".to_string())]).unwrap();
            assert_eq!(c.last_seq, 4);
        }
        // Reopen: migrations are not run again, numbering continues.
        let mut s = Store::open(&path).unwrap();
        let v: u32 = s
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v as usize, schema::MIGRATIONS.len());
        let c = s.commit(&items[..1], &[]).unwrap();
        assert_eq!(c.first_seq, 5);
        let q = |sql: &str| -> i64 { s.conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(q("SELECT count(*) FROM records"), 3);
        assert_eq!(q("SELECT count(*) FROM events"), 2);
        assert_eq!(q("SELECT count(*) FROM sources"), 1);
        assert_eq!(
            q("SELECT count(*) FROM records WHERE transferred = 1 AND number = '0376689064'"),
            1
        );
        let reason: String = s
            .conn
            .query_row(
                "SELECT reason FROM raw_lines WHERE kind = 'reject'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(!reason.is_empty());
        let mode: String = s
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        // The per-day counts the status page reads agree with the lines themselves.
        assert_eq!(q("SELECT sum(n) FROM daily_counts"), 5);
        let c = read::Reader::open(&path).unwrap().counts(1000).unwrap();
        assert_eq!((c.lines, c.records, c.headers, c.rejects), (5, 3, 1, 1));
        assert_eq!((c.lines_today, c.records_today, c.last_seq), (5, 3, 5));
        assert_eq!(c.last_record_received_ms, Some(1000));
    }

    /// A database written by schema version 1 gets its per-day counts filled in by
    /// migration 2 from the lines it already holds.
    #[test]
    fn migration_2_backfills_daily_counts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.db");
        {
            let mut conn = Connection::open(&path).unwrap();
            let tx = conn.transaction().unwrap();
            tx.execute_batch(schema::MIGRATIONS[0]).unwrap();
            tx.pragma_update(None, "user_version", 1).unwrap();
            tx.execute_batch(
                "INSERT INTO sources(id, name) VALUES (1, 'serial:x');
                 INSERT INTO raw_lines(received_at, source_id, line, kind)
                 VALUES (1000, 1, x'41', 'record'), (2000, 1, x'42', 'reject'),
                        (3000, 1, x'43', 'record');",
            )
            .unwrap();
            tx.commit().unwrap();
        }
        let s = Store::open(&path).unwrap();
        let n: i64 = s
            .conn
            .query_row(
                "SELECT n FROM daily_counts WHERE kind = 'record' AND day = ?1",
                [local_day(1000)],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 2);
    }

    #[test]
    fn record_counts_for_systemctl_status() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("c.db")).unwrap();
        let day = |ms| local_date(ms).unwrap();
        assert_eq!(
            s.record_counts(day(0)).unwrap(),
            StoredCounts {
                day: Some(day(0)),
                ..StoredCounts::default()
            }
        );
        let texts = [
            "07/12/20 11:22    401 01 0364000001           00:00'01 EU00000.00               ",
            "07/12/20 11:23    401 01 0364000002           00:00'02 EU00000.00               ",
            "no SMDR at all",
            "07/12/20 11:24    401 01 0364000003           00:00'03 EU00000.00               ",
        ];
        let lines: Vec<Line> = texts.iter().map(|t| line(t)).collect();
        let mut p = Panasonic::new(DateOrder::Dmy);
        let parsed: Vec<Parsed> = texts.iter().map(|t| p.parse(t)).collect();
        // Two records one day, a reject and a record two days later.
        let later = 2 * 86_400_000 + 5_000;
        let at = [1_000, 2_000, later - 1_000, later];
        let items: Vec<Ingested<'_>> = (0..4)
            .map(|i| Ingested {
                received_ms: at[i],
                source: "test:a",
                line: &lines[i],
                parsed: &parsed[i],
            })
            .collect();
        s.commit(&items, &[]).unwrap();
        let c = s.record_counts(day(later)).unwrap();
        assert_eq!(
            (c.records_today, c.records, c.last_record_ms),
            (1, 3, Some(later))
        );
        assert_eq!(s.record_counts(day(1_000)).unwrap().records_today, 2);
    }
}
