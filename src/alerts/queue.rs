//! The durable alert queue: `alerts.db` beside the database, its own SQLite file (WAL,
//! `synchronous=FULL`), so the capture schema is untouched.
//!
//! An event is one `events` row (its key unique: queuing the same decision again is a no-op)
//! and one `deliveries` row per sink; a delivery is marked sent only after the sink
//! acknowledged it (HTTP 2xx, SMTP 250), so a crash between sending and marking sends it again
//! with the same key (at-least-once). Sent events are kept a week, so that a decision made
//! again after a restart still finds its key.

use crate::core::alerts::Alert;
use anyhow::{Context, Result};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const FILE: &str = "alerts.db";
/// Events older than this whose deliveries are all sent are deleted.
const KEEP_MS: i64 = 8 * 24 * 3600 * 1000;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    key        TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    body       TEXT NOT NULL,            -- the JSON the webhook receives
    created_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
    event_id    INTEGER NOT NULL REFERENCES events(id),
    sink        TEXT NOT NULL,           -- webhook, smtp
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_try_ms INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    sent_ms     INTEGER,
    PRIMARY KEY (event_id, sink)
);
CREATE INDEX IF NOT EXISTS deliveries_unsent ON deliveries(sink, event_id) WHERE sent_ms IS NULL;
";

pub fn path_beside(db: &Path) -> PathBuf {
    db.with_file_name(FILE)
}

pub struct Queue {
    conn: Connection,
}

/// A delivery due for a sink.
#[derive(Debug, Clone)]
pub struct Due {
    pub event_id: i64,
    pub key: String,
    pub body: String,
    pub attempts: u32,
    pub next_try_ms: i64,
}

impl Queue {
    pub fn open(path: &Path) -> Result<Queue> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let conn = Connection::open(path).with_context(|| format!("opening {}", path.display()))?;
        conn.busy_timeout(Duration::from_secs(5))?;
        let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        anyhow::ensure!(
            mode == "wal",
            "{}: journal mode {mode}, not wal",
            path.display()
        );
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.execute_batch(SCHEMA)
            .with_context(|| format!("creating the tables of {}", path.display()))?;
        Ok(Queue { conn })
    }

    pub fn meta(&self, k: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT v FROM meta WHERE k = ?1", [k], |r| r.get(0))
            .optional()?)
    }

    pub fn set_meta(&self, k: &str, v: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO meta (k, v) VALUES (?1, ?2) ON CONFLICT(k) DO UPDATE SET v = ?2",
            [k, v],
        )?;
        Ok(())
    }

    /// Queues the events for `sinks` (those `accepts` lets through), in one transaction;
    /// events whose key is already queued are skipped. Returns how many were new.
    pub fn push(
        &mut self,
        events: &[Alert],
        sinks: &[&str],
        accepts: impl Fn(&str, &Alert) -> bool,
        now_ms: i64,
    ) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let mut n = 0;
        for e in events {
            let body = serde_json::to_string(e)?;
            let added = tx.execute(
                "INSERT OR IGNORE INTO events (key, kind, body, created_ms) VALUES (?1, ?2, ?3, ?4)",
                params![e.key(), e.kind(), body, now_ms],
            )?;
            if added == 0 {
                continue;
            }
            n += 1;
            let id = tx.last_insert_rowid();
            for s in sinks {
                if accepts(s, e) {
                    tx.execute(
                        "INSERT INTO deliveries (event_id, sink, next_try_ms) VALUES (?1, ?2, 0)",
                        params![id, s],
                    )?;
                }
            }
        }
        tx.commit()?;
        Ok(n)
    }

    /// Every event queued since `since_ms`, in queue order (for the tracker after a restart).
    pub fn recent(&self, since_ms: i64) -> Result<Vec<Alert>> {
        let mut st = self
            .conn
            .prepare("SELECT key, body FROM events WHERE created_ms >= ?1 ORDER BY id")?;
        let rows = st.query_map([since_ms], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (key, body) = row?;
            match serde_json::from_str(&body) {
                Ok(a) => out.push(a),
                // A body an older version wrote: its key still must not be sent again, but
                // the tracker cannot follow it; say so and go on.
                Err(e) => tracing::warn!("alerts: event {key} unreadable: {e}"),
            }
        }
        Ok(out)
    }

    /// The oldest unsent delivery of `sink`: deliveries go out in order, one at a time.
    pub fn next_due(&self, sink: &str) -> Result<Option<Due>> {
        Ok(self
            .conn
            .query_row(
                "SELECT d.event_id, e.key, e.body, d.attempts, d.next_try_ms
                 FROM deliveries d JOIN events e ON e.id = d.event_id
                 WHERE d.sink = ?1 AND d.sent_ms IS NULL ORDER BY d.event_id LIMIT 1",
                [sink],
                |r| {
                    Ok(Due {
                        event_id: r.get(0)?,
                        key: r.get(1)?,
                        body: r.get(2)?,
                        attempts: r.get(3)?,
                        next_try_ms: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    pub fn mark_sent(&self, event_id: i64, sink: &str, now_ms: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE deliveries SET sent_ms = ?3, attempts = attempts + 1, last_error = NULL
             WHERE event_id = ?1 AND sink = ?2",
            params![event_id, sink, now_ms],
        )?;
        Ok(())
    }

    pub fn mark_failed(
        &self,
        event_id: i64,
        sink: &str,
        error: &str,
        next_try_ms: i64,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE deliveries SET attempts = attempts + 1, last_error = ?3, next_try_ms = ?4
             WHERE event_id = ?1 AND sink = ?2",
            params![event_id, sink, error, next_try_ms],
        )?;
        Ok(())
    }

    /// Deliveries not yet acknowledged, all sinks.
    pub fn waiting(&self) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM deliveries WHERE sent_ms IS NULL",
            [],
            |r| r.get(0),
        )?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Deletes old events that every sink has acknowledged.
    pub fn prune(&self, now_ms: i64) -> Result<usize> {
        let before = now_ms - KEEP_MS;
        let tx = self.conn.unchecked_transaction()?;
        let cond = "created_ms < ?1 AND NOT EXISTS (SELECT 1 FROM deliveries d
                    WHERE d.event_id = events.id AND d.sent_ms IS NULL)";
        tx.execute(
            &format!(
                "DELETE FROM deliveries WHERE event_id IN (SELECT id FROM events WHERE {cond})"
            ),
            [before],
        )?;
        let n = tx.execute(&format!("DELETE FROM events WHERE {cond}"), [before])?;
        tx.commit()?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::alerts::HealthAlert;

    fn ev(key: &str) -> Alert {
        Alert::Health(HealthAlert {
            key: key.into(),
            alert_key: None,
            box_name: "b".into(),
            cause: "storage".into(),
            message: "m".into(),
            since_ms: 1,
            decided_ms: 1,
        })
    }

    #[test]
    fn keys_queue_once_and_deliveries_go_in_order_until_acknowledged() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE);
        let mut q = Queue::open(&p).unwrap();
        let all = |_: &str, _: &Alert| true;
        assert_eq!(
            q.push(&[ev("a"), ev("b")], &["webhook", "smtp"], all, 10)
                .unwrap(),
            2
        );
        assert_eq!(
            q.push(&[ev("a")], &["webhook", "smtp"], all, 20).unwrap(),
            0
        );
        assert_eq!(q.waiting().unwrap(), 4);
        let d = q.next_due("webhook").unwrap().unwrap();
        assert_eq!(d.key, "a");
        q.mark_failed(d.event_id, "webhook", "refused", 99).unwrap();
        let d = q.next_due("webhook").unwrap().unwrap();
        assert_eq!((d.key.as_str(), d.attempts, d.next_try_ms), ("a", 1, 99));
        q.mark_sent(d.event_id, "webhook", 100).unwrap();
        drop(q);
        // Durable: a new connection sees the same.
        let q = Queue::open(&p).unwrap();
        assert_eq!(q.next_due("webhook").unwrap().unwrap().key, "b");
        assert_eq!(q.next_due("smtp").unwrap().unwrap().key, "a");
        assert_eq!(q.recent(0).unwrap().len(), 2);
        assert_eq!(q.prune(10 + KEEP_MS + 1).unwrap(), 0, "unsent events stay");
    }
}
