//! Schema and migrations. `PRAGMA user_version` holds the number of migrations applied; each
//! migration runs once, in order, inside one transaction with the version bump.

use rusqlite::Connection;

pub const MIGRATIONS: &[&str] = &[
    // 1: raw lines, parsed records, events.
    r#"
    CREATE TABLE sources (
        id   INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE            -- e.g. serial:/dev/smdr0, import:costa.log
    );
    -- Every non-blank line the box received, exactly as framed. seq is the gap-free sequence
    -- number the store assigns in commit order.
    CREATE TABLE raw_lines (
        seq         INTEGER PRIMARY KEY,
        received_at INTEGER NOT NULL,        -- Unix milliseconds, UTC, at the box
        source_id   INTEGER NOT NULL REFERENCES sources(id),
        line        BLOB NOT NULL,           -- bytes without terminator, control bytes removed
        kind        TEXT NOT NULL CHECK (kind IN ('record', 'header', 'reject')),
        truncated   INTEGER NOT NULL DEFAULT 0,  -- cut at the framer's maximum line length
        partial     INTEGER NOT NULL DEFAULT 0,  -- unterminated: link lost or input ended mid-line
        reason      TEXT                     -- why a reject was rejected
    );
    CREATE INDEX raw_lines_received ON raw_lines(received_at);
    -- One row per raw line the dialect read as a record.
    CREATE TABLE records (
        seq           INTEGER PRIMARY KEY REFERENCES raw_lines(seq),
        dialect       TEXT NOT NULL,
        layout        TEXT NOT NULL,
        call_date     TEXT,                  -- YYYY-MM-DD as printed by the PBX (its local time)
        call_time     TEXT,                  -- HH:MM, or HH:MM:SS (migration 4)
        time_is       TEXT NOT NULL,         -- 'end' or 'start' of the call
        extension     TEXT NOT NULL,
        trunk         TEXT,
        direction     TEXT NOT NULL,         -- incoming, outgoing, internal
        number        TEXT NOT NULL,
        caller_name   TEXT,
        ddi           TEXT,
        ring_secs     INTEGER,
        duration_secs INTEGER,
        cost          TEXT,
        currency      TEXT,
        account_code  TEXT,
        condition     TEXT,
        unanswered    INTEGER NOT NULL,
        transferred   INTEGER NOT NULL,
        forwarded     INTEGER NOT NULL,
        warnings      TEXT
    );
    CREATE INDEX records_date ON records(call_date, call_time);
    -- What happened to the box: start, stop, link down/up, ring overflow.
    CREATE TABLE events (
        id     INTEGER PRIMARY KEY,
        at     INTEGER NOT NULL,             -- Unix milliseconds, UTC
        kind   TEXT NOT NULL,
        detail TEXT NOT NULL
    );
    "#,
    // 2: counts kept per day and kind, so the status page does not scan every line; rejects
    // indexed on their own, so "the latest rejects" does not walk a healthy box's whole table.
    r#"
    CREATE TABLE daily_counts (
        day  TEXT NOT NULL,                  -- YYYY-MM-DD, box local time of receipt
        kind TEXT NOT NULL,
        n    INTEGER NOT NULL,
        PRIMARY KEY (day, kind)
    ) WITHOUT ROWID;
    INSERT INTO daily_counts(day, kind, n)
        SELECT date(received_at / 1000, 'unixepoch', 'localtime'), kind, count(*)
        FROM raw_lines GROUP BY 1, 2;
    CREATE INDEX raw_lines_rejects ON raw_lines(seq) WHERE kind = 'reject';
    "#,
    // 3: calls grouped per day, so a report does not regroup a month of records (see
    // store/call_days.rs); built by the store thread, so an upgraded box starts empty.
    r#"
    CREATE TABLE call_days (
        day     TEXT PRIMARY KEY,            -- YYYY-MM-DD: the calls that started that day
        version TEXT NOT NULL,               -- smdrbox version/calls model version that grouped them
        calls   INTEGER NOT NULL,            -- how many
        data    BLOB NOT NULL                -- postcard-encoded calls, in the order of their first part
    );
    "#,
    // 4: what other PBX families print beyond Panasonic's columns (core::record::Extra):
    // Avaya IP Office links the records of one call by its call ID, not by timing. call_time
    // may now carry seconds (HH:MM:SS) where the PBX prints them.
    r#"
    ALTER TABLE records ADD COLUMN call_id TEXT;
    ALTER TABLE records ADD COLUMN continued INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE records ADD COLUMN hold_secs INTEGER;
    ALTER TABLE records ADD COLUMN park_secs INTEGER;
    ALTER TABLE records ADD COLUMN extension_name TEXT;
    "#,
    // 5: the phonebook (src/phonebook.rs): numbers named and tagged by the office, replaced
    // as a whole by each upload.
    r#"
    CREATE TABLE phonebook (
        line   INTEGER PRIMARY KEY,          -- order in the uploaded file
        number TEXT NOT NULL,                -- as written in the file
        name   TEXT NOT NULL,
        tag    TEXT CHECK (tag IN ('customer', 'vip', 'staff_family', 'competitor')),
        note   TEXT NOT NULL DEFAULT ''
    );
    "#,
];

pub fn migrate(conn: &mut Connection) -> rusqlite::Result<u32> {
    let current: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as u32)?;
        tx.commit()?;
    }
    Ok(MIGRATIONS.len() as u32)
}
