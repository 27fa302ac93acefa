//! The calls kept per day in the database (`store::call_days`) are exactly the calls of
//! grouping all the records at once, however many days have a stored row: none, all, or some
//! (a report mixes stored days and days grouped on the fly); a commit makes the days around
//! its records stale; rows of another version are not used. On a real SQLite file filled by
//! `import::import_file`, with calls that cross midnight; and the daemon's store thread
//! fills the table by itself.

mod common;
mod truth_days;

use chrono::NaiveDate;
use smdrbox::core::calls::{group, Call};
use smdrbox::core::dialect::{DateOrder, DialectChoice};
use smdrbox::core::officeday::{office_day, DayOptions, Layout};
use smdrbox::store::call_days;
use smdrbox::store::read::Reader;
use smdrbox::store::Store;
use std::path::{Path, PathBuf};
use truth_days::printout::{date, line, Spec};

const FIRST: &str = "2026-03-02";
const DAYS: u64 = 5;

/// Calls across the midnight between the 3rd and the 4th, printed between the two days.
const MIDNIGHT: &[Spec] = &[
    // Answered at 101 at about 23:58, transferred to 102 who talks until 00:04.
    (
        "2026-03-03 23:59",
        "101",
        Some(1),
        "<I>0311111111",
        10,
        Some(60),
        "",
    ),
    (
        "2026-03-04 00:04",
        "102",
        Some(1),
        "<I>0311111111",
        5,
        Some(290),
        "TR",
    ),
    // Lost: rang from 23:58:40 at two extensions, hung up at midnight.
    (
        "2026-03-04 00:00",
        "103",
        Some(2),
        "<I>0322222222",
        80,
        Some(0),
        "NA",
    ),
    (
        "2026-03-04 00:00",
        "104",
        Some(2),
        "<I>0322222222",
        80,
        Some(0),
        "NA",
    ),
    // Called back the next morning.
    (
        "2026-03-04 00:03",
        "101",
        Some(3),
        "0322222222",
        0,
        Some(45),
        "",
    ),
];

fn day(k: u64) -> NaiveDate {
    date(FIRST) + chrono::Days::new(k)
}

/// Generated days (Pattern C: ring times), with the midnight calls after the second day.
fn printout() -> String {
    let mut text = String::new();
    for k in 0..DAYS {
        let o = DayOptions {
            layout: Layout::C,
            ..DayOptions::new(day(k), 40 + k)
        };
        for l in office_day(&o) {
            text.push_str(&l.text);
            text.push_str("\r\n");
        }
        if k == 1 {
            for s in MIDNIGHT {
                text.push_str(&line(Layout::C, s));
                text.push_str("\r\n");
            }
        }
    }
    text
}

fn import(dir: &Path, name: &str, text: &str) -> (PathBuf, Store) {
    let capture = dir.join(format!("{name}.log"));
    std::fs::write(&capture, text).unwrap();
    let db = dir.join("calls.db");
    let mut store = Store::open(&db).unwrap();
    smdrbox::import::import_file(
        &mut store,
        &capture,
        DialectChoice::default(),
        DateOrder::Dmy,
        0,
    )
    .unwrap();
    (db, store)
}

/// The calls that started in `from..=to` among all the records grouped at once.
fn reference(reader: &Reader, from: NaiveDate, to: NaiveDate) -> Vec<Call> {
    let records = reader.records_between(day(0), day(DAYS)).unwrap();
    let mut calls = group(&records);
    calls.retain(|c| (from..=to).contains(&c.start.date()));
    calls
}

fn stored_days(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut st = conn
        .prepare("SELECT day FROM call_days ORDER BY day")
        .unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn check_periods(reader: &Reader, state: &str) {
    for (a, b) in [(0, 4), (0, 0), (1, 2), (2, 2), (3, 4), (1, 3)] {
        let (from, to) = (day(a), day(b));
        let got = reader.calls_between(from, to).unwrap();
        let want = reference(reader, from, to);
        assert!(!want.is_empty(), "{from}..{to}: no calls at all");
        assert_eq!(got.len(), want.len(), "{state}: {from}..{to}: call count");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g, w, "{state}: {from}..{to}");
        }
    }
}

#[test]
fn stored_days_give_the_calls_of_grouping_everything_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = import(dir.path(), "week", &printout());
    let reader = Reader::open(&db).unwrap();

    // The midnight calls are there and whole: one started on the 3rd with both legs.
    let third = reference(&reader, day(1), day(1));
    let transferred = third
        .iter()
        .find(|c| c.external_number.as_deref() == Some("0311111111"))
        .expect("the transferred call across midnight");
    assert_eq!(transferred.answered_by.as_deref(), Some("101"));
    assert_eq!(transferred.transferred_to, ["102"]);
    let lost = third
        .iter()
        .find(|c| c.external_number.as_deref() == Some("0322222222"))
        .expect("the lost call across midnight starts on the 3rd");
    assert_eq!(lost.rang, ["103", "104"]);

    assert!(stored_days(&db).is_empty());
    check_periods(&reader, "no stored day");

    // Settled days only: the newest record is dated day(4), so up to day(2) get a row.
    let pending = store.pending_call_days(day(30)).unwrap();
    assert_eq!(
        pending,
        [day(2), day(1), day(0), day(0).pred_opt().unwrap()]
    );
    // Not after today either (a PBX clock in the future).
    assert_eq!(
        store.pending_call_days(day(3)).unwrap().first(),
        Some(&day(1))
    );
    let (n, _) = store.build_call_days(day(30)).unwrap();
    assert_eq!(n, 4);
    assert!(store.pending_call_days(day(30)).unwrap().is_empty());
    assert_eq!(
        stored_days(&db),
        ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"]
    );
    check_periods(&reader, "days stored up to day 2");

    // Some days stored, some not.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("DELETE FROM call_days WHERE day = ?1", [day(1).to_string()])
        .unwrap();
    check_periods(&reader, "day 1 not stored");

    // A row of another version is neither used nor counted as done.
    conn.execute(
        "UPDATE call_days SET version = 'old', data = x'ff' WHERE day = ?1",
        [day(0).to_string()],
    )
    .unwrap();
    check_periods(&reader, "day 0 of another version");
    assert!(store.pending_call_days(day(30)).unwrap().contains(&day(0)));
    store.build_call_days(day(30)).unwrap();
    let version: String = conn
        .query_row(
            "SELECT version FROM call_days WHERE day = ?1",
            [day(0).to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(version, call_days::version());
}

#[test]
fn a_commit_makes_the_days_around_its_records_stale() {
    let dir = tempfile::tempdir().unwrap();
    let (db, mut store) = import(dir.path(), "week", &printout());
    store.build_call_days(day(30)).unwrap();
    let reader = Reader::open(&db).unwrap();
    let before = reader.calls_between(day(1), day(1)).unwrap();

    // A late line for day(1) (a PBX that printed its buffer after an outage).
    let late = line(
        Layout::C,
        &(
            "2026-03-03 12:00",
            "105",
            Some(4),
            "<I>0399999999",
            7,
            Some(33),
            "",
        ),
    );
    let capture = dir.path().join("late.log");
    std::fs::write(&capture, format!("{late}\r\n")).unwrap();
    smdrbox::import::import_file(
        &mut store,
        &capture,
        DialectChoice::default(),
        DateOrder::Dmy,
        0,
    )
    .unwrap();
    assert_eq!(
        stored_days(&db),
        ["2026-03-01"],
        "the rows of the day and its neighbours go"
    );
    let after = reader.calls_between(day(1), day(1)).unwrap();
    assert_eq!(after.len(), before.len() + 1);
    assert!(after
        .iter()
        .any(|c| c.external_number.as_deref() == Some("0399999999")));
    store.build_call_days(day(30)).unwrap();
    assert_eq!(reader.calls_between(day(1), day(1)).unwrap(), after);
}

#[test]
fn a_database_from_before_the_table_is_read_from_its_records() {
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = import(dir.path(), "week", &printout());
    store.build_call_days(day(30)).unwrap();
    drop(store);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("DROP TABLE call_days").unwrap();
    let reader = Reader::open(&db).unwrap();
    check_periods(&reader, "no table");
}

#[test]
fn postcard_round_trip_keeps_every_field() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _store) = import(dir.path(), "week", &printout());
    let reader = Reader::open(&db).unwrap();
    let calls = reference(&reader, day(0), day(4));
    let bytes = call_days::encode(&calls).unwrap();
    assert_eq!(call_days::decode(&bytes).unwrap(), calls);
    assert!(call_days::decode(&bytes[..bytes.len() / 2]).is_err());
}

#[test]
fn the_daemon_groups_the_settled_days_by_itself() {
    let b = common::TestBox::new("", "");
    std::fs::create_dir_all(b.db.parent().unwrap()).unwrap();
    let capture = b.dir.path().join("week.log");
    std::fs::write(&capture, printout()).unwrap();
    {
        let mut store = Store::open(&b.db).unwrap();
        smdrbox::import::import_file(
            &mut store,
            &capture,
            DialectChoice::default(),
            DateOrder::Dmy,
            0,
        )
        .unwrap();
    }
    assert_eq!(b.count("SELECT count(*) FROM call_days"), 0);
    let d = b.start();
    // The newest record is dated day(4): days up to day(2) and the day before the first.
    common::wait_until(
        std::time::Duration::from_secs(30),
        "four days grouped",
        || b.count("SELECT count(*) FROM call_days") == 4,
    );
    let (code, body) = d.get(&format!(
        "/reports/summary.json?from={}&to={}",
        day(0),
        day(4)
    ));
    assert_eq!(code, 200, "{body}");
    d.stop();
    let reader = Reader::open(&b.db).unwrap();
    assert_eq!(
        reader.calls_between(day(0), day(4)).unwrap(),
        reference(&reader, day(0), day(4))
    );
}
