//! The pages in a real headless Chromium: they render, show the data, and fit a phone.
//! Fails (does not skip) without /usr/bin/chromium: `make deps` installs it.

use chrono::{NaiveDate, NaiveTime};
use smdrbox::core::framer::{Line, LineBuf};
use smdrbox::core::health::{LinkState, Snapshot};
use smdrbox::core::record::{Direction, Parsed, Record, TimeMeaning};
use smdrbox::store::{Ingested, Store};
use smdrbox::web;

mod common;
use common::{chromium, screenshot};
use std::path::Path;
use std::sync::Arc;

fn record(number: &str, name: Option<&str>, unanswered: bool) -> Parsed {
    Parsed::Record {
        record: Box::new(Record {
            dialect: "panasonic",
            layout: "B",
            date: NaiveDate::from_ymd_opt(2024, 5, 2),
            time: NaiveTime::from_hms_opt(10, 30, 0),
            time_is: TimeMeaning::CallEnd,
            extension: "102".into(),
            trunk: Some("01".into()),
            direction: Direction::Incoming,
            number: number.into(),
            caller_name: name.map(Into::into),
            ddi: None,
            ring_secs: Some(7),
            duration_secs: (!unanswered).then_some(125),
            cost: None,
            account_code: None,
            condition: unanswered.then(|| "NA".into()),
            unanswered,
            transferred: false,
            forwarded: false,
            extra: Default::default(),
        }),
        warnings: vec![],
    }
}

fn fill_db(path: &Path) {
    let parsed = [
        record("0612345678", Some("<script>alert(1)</script>"), false),
        record("0498765432", None, true),
        Parsed::Reject {
            reason: "no date at column 1".into(),
        },
    ];
    let line = Line {
        bytes: LineBuf::from_slice(b"GARBLED ### LINE").unwrap(),
        truncated: false,
        partial: false,
    };
    let now = chrono::Local::now().timestamp_millis();
    let batch: Vec<Ingested> = parsed
        .iter()
        .map(|p| Ingested {
            received_ms: now,
            source: "serial:/dev/smdr0",
            line: &line,
            parsed: p,
        })
        .collect();
    Store::open(path).unwrap().commit(&batch, &[]).unwrap();
}

#[test]
fn pages_render_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("smdr.db");
    fill_db(&db);
    let now = chrono::Local::now().timestamp_millis();
    let snap = Snapshot {
        version: "0.1.0-test".into(),
        started_ms: now - 3_600_000,
        port: "/dev/smdr0".into(),
        settings: "9600 8N1".into(),
        dialect: "panasonic".into(),
        link: LinkState::Up,
        link_reason: "open".into(),
        link_since_ms: now - 3_600_000,
        records: 2,
        rejects: 1,
        last_line_ms: Some(now - 2_000),
        store_open: true,
        ..Snapshot::default()
    };
    let f: web::SnapshotFn = Arc::new(move || snap.clone());
    let web = web::start("127.0.0.1:0".parse().unwrap(), db, f).unwrap();
    let base = format!("http://{}", web.addr());

    let dom = chromium(&format!("{base}/"), &["--dump-dom".into()]);
    for want in [
        "smdrbox status",
        "WARNING: 1 line could not be read",
        "9600 8N1",
        "panasonic",
        "2 records",
        "no date at column 1",
        "GARBLED ### LINE",
    ] {
        assert!(
            dom.contains(want),
            "{want:?} missing from the status DOM:\n{dom}"
        );
    }

    let dom = chromium(&format!("{base}/calls"), &["--dump-dom".into()]);
    for want in [
        "Latest calls",
        "0612345678",
        "0498765432",
        "NOT ANSWERED",
        "2:05",
    ] {
        assert!(
            dom.contains(want),
            "{want:?} missing from the calls DOM:\n{dom}"
        );
    }
    // The caller name was text, not markup: no script element made it into the DOM.
    assert!(
        dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{dom}"
    );
    assert!(!dom.contains("<script"), "{dom}");

    screenshot(&format!("{base}/calls"), "calls-phone.png");
    screenshot(&format!("{base}/"), "status-phone.png");
    web.stop();
}
