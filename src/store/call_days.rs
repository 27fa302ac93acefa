//! Calls grouped per day and kept in the database (`call_days`), so that a report reads a month
//! of ready calls instead of loading and regrouping a month of records on every request.
//!
//! Day D's row holds the calls that *started* on D, grouped from the records dated D-1..=D+1:
//! a Panasonic line is printed when its leg ends, so a call's lines are dated on or after its
//! start, and the day before lets the calls in progress at midnight claim their lines. (A call
//! whose lines span more than a day is cut where the window ends, as any grouping of a period
//! would cut it.) Grouping a run of days at once gives the same calls as grouping each day in
//! its window, so days with a row and days grouped on the fly mix freely.
//!
//! Never stale: every commit deletes the rows of the days around the records it stores
//! ([`invalidate`]); a row is stored under a version ([`version`]: package and calls model)
//! and a row of another version is ignored and rebuilt. The store thread builds rows when it
//! has nothing else to do ([`pending`], [`build`]), only for days [`SETTLE_DAYS`] older than the
//! newest record (younger days still change); readers group the days without a row themselves.

use super::read::records_between_on;
use crate::core::calls::{self, Call, MODEL_VERSION};
use crate::core::record::Record;
use anyhow::{Context, Result};
use chrono::{Days, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::BTreeSet;

/// Days this close to the newest record's date (or to today) get no row: their lines are
/// still being printed, so a row would be deleted again by the next commit.
pub const SETTLE_DAYS: u64 = 2;

/// What a row must be stored under to be used: the package and the calls model version.
pub fn version() -> String {
    format!("{}/{}", env!("CARGO_PKG_VERSION"), MODEL_VERSION)
}

pub fn encode(calls: &[Call]) -> Result<Vec<u8>> {
    postcard::to_allocvec(calls).context("encoding the day's calls")
}

pub fn decode(bytes: &[u8]) -> Result<Vec<Call>> {
    postcard::from_bytes(bytes).context("decoding the day's calls")
}

/// Pure: the calls that started in `from..=to`, grouped from `records` (print order), which
/// must hold the records dated `from - 1 ..= to + 1`.
pub fn started_between(records: &[(i64, Record)], from: NaiveDate, to: NaiveDate) -> Vec<Call> {
    let mut calls = calls::group(records);
    calls.retain(|c| (from..=to).contains(&c.start.date()));
    calls
}

fn day_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn parse_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn prev(d: NaiveDate) -> NaiveDate {
    d.pred_opt().unwrap_or(d)
}

fn next(d: NaiveDate) -> NaiveDate {
    d.succ_opt().unwrap_or(d)
}

/// A database from before the table (read by an older daemon's reader, or never migrated).
fn has_table(conn: &Connection) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'call_days'",
            [],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// The calls that started in `from..=to`, in the order of their first part (as
/// [`calls::group`] orders them): each day from its row, the days without one grouped from
/// the records, run by run.
pub fn calls_between(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Vec<Call>> {
    let mut calls = Vec::new();
    if to < from {
        return Ok(calls);
    }
    let mut stored = BTreeSet::new();
    if has_table(conn)? {
        // Room for every stored call at once: a year is ~250k calls of a few hundred bytes,
        // which a vector growing by doubling would copy each time it grows.
        let n: i64 = conn
            .prepare_cached(
                "SELECT coalesce(sum(calls), 0) FROM call_days
                 WHERE day BETWEEN ?1 AND ?2 AND version = ?3",
            )?
            .query_row(params![day_text(from), day_text(to), version()], |r| {
                r.get(0)
            })?;
        calls.reserve(usize::try_from(n).unwrap_or(0));
        let mut st = conn.prepare_cached(
            "SELECT day, data FROM call_days WHERE day BETWEEN ?1 AND ?2 AND version = ?3
             ORDER BY day",
        )?;
        let mut rows = st.query(params![day_text(from), day_text(to), version()])?;
        while let Some(r) = rows.next()? {
            let day: String = r.get(0)?;
            let Some(date) = parse_day(&day) else {
                continue;
            };
            match decode(r.get_ref(1)?.as_blob()?) {
                Ok(mut c) => {
                    calls.append(&mut c);
                    stored.insert(date);
                }
                // Cannot happen with the version check; if it does, the records still hold
                // the truth.
                Err(e) => tracing::warn!("call_days {day}: {e:#}; grouping it from the records"),
            }
        }
    }
    let mut day = from;
    loop {
        if !stored.contains(&day) {
            let start = day;
            while day < to && !stored.contains(&next(day)) {
                day = next(day);
            }
            let records = records_between_on(conn, prev(start), next(day))
                .with_context(|| format!("reading the records of {start} to {day}"))?;
            calls.extend(started_between(&records, start, day));
        }
        if day >= to {
            break;
        }
        day = next(day);
    }
    calls.sort_by_key(|c| c.parts.first().copied());
    Ok(calls)
}

/// Deletes the rows that records dated `days` change (each day and its neighbours). Returns
/// how many went.
pub fn invalidate(conn: &Connection, days: &BTreeSet<NaiveDate>) -> Result<usize> {
    let mut st = conn.prepare_cached("DELETE FROM call_days WHERE day BETWEEN ?1 AND ?2")?;
    let mut n = 0;
    for d in days {
        n += st.execute([day_text(prev(*d)), day_text(next(*d))])?;
    }
    Ok(n)
}

/// The days that should have a current row and have none, newest first: every day from the
/// first record's date to [`SETTLE_DAYS`] before the newest record's date (and before `today`,
/// against a PBX clock far in the future) that has records or a neighbour with records (a day
/// far from any record costs nothing to group on the fly).
pub fn pending(conn: &Connection, today: NaiveDate) -> Result<Vec<NaiveDate>> {
    let newest: Option<String> =
        conn.query_row("SELECT max(call_date) FROM records", [], |r| r.get(0))?;
    let Some(newest) = newest.as_deref().and_then(parse_day) else {
        return Ok(Vec::new());
    };
    let Some(cutoff) = newest.min(today).checked_sub_days(Days::new(SETTLE_DAYS)) else {
        return Ok(Vec::new());
    };
    let mut current = BTreeSet::new();
    {
        let mut st = conn.prepare_cached("SELECT day FROM call_days WHERE version = ?1")?;
        let mut rows = st.query([version()])?;
        while let Some(r) = rows.next()? {
            if let Some(d) = parse_day(&r.get::<_, String>(0)?) {
                current.insert(d);
            }
        }
    }
    // The distinct record dates, one index seek each.
    let mut dated = BTreeSet::new();
    let mut st = conn.prepare_cached(
        "SELECT call_date FROM records WHERE call_date > ?1 ORDER BY call_date LIMIT 1",
    )?;
    let mut after = String::new();
    while let Some(d) = st
        .query_row([&after], |r| r.get::<_, String>(0))
        .optional()?
    {
        if let Some(date) = parse_day(&d) {
            if date > next(cutoff) {
                break;
            }
            dated.insert(date);
        }
        after = d;
    }
    let mut out: BTreeSet<NaiveDate> = BTreeSet::new();
    for d in &dated {
        for day in [prev(*d), *d, next(*d)] {
            if day <= cutoff && !current.contains(&day) {
                out.insert(day);
            }
        }
    }
    Ok(out.into_iter().rev().collect())
}

/// Groups `day` from its records and stores its row. Returns the number of calls.
pub fn build(conn: &Connection, day: NaiveDate) -> Result<usize> {
    // Read and write in one write transaction: a commit from another process (an import into
    // a live database) cannot slip in between and leave a row its records no longer give.
    let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    let records = records_between_on(&tx, prev(day), next(day))?;
    let calls = started_between(&records, day, day);
    let data = encode(&calls)?;
    tx.prepare_cached(
        "INSERT OR REPLACE INTO call_days(day, version, calls, data) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![day_text(day), version(), calls.len() as i64, data])
    .with_context(|| format!("storing the calls of {day}"))?;
    tx.commit()?;
    Ok(calls.len())
}
