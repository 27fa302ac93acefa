//! The web server over real HTTP on loopback, with a real SQLite file.

mod common;

use chrono::{NaiveDate, NaiveTime};
use smdrbox::core::framer::{Line, LineBuf};
use smdrbox::core::health::{LinkState, RingStats, Snapshot};
use smdrbox::core::record::{Cost, Direction, HeaderKind, Parsed, Record, TimeMeaning};
use smdrbox::export::COLUMNS;
use smdrbox::store::{Ingested, Store};
use smdrbox::web;
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use common::HttpReply as Resp;

/// One HTTP/1.0 request on its own connection, as the test boxes' admin: the daemon asks for a
/// login; `web::start` alone does not.
fn request(addr: SocketAddr, method: &str, path: &str) -> Resp {
    let auth = common::basic_auth("admin", common::ADMIN_PASSWORD);
    common::http_raw(
        &addr.to_string(),
        &format!("{method} {path} HTTP/1.0\r\nAuthorization: {auth}\r\nContent-Length: 0"),
        b"",
    )
}

fn get(addr: SocketAddr, path: &str) -> Resp {
    request(addr, "GET", path)
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[allow(clippy::too_many_arguments)]
fn call(
    date: &str,
    time: &str,
    direction: Direction,
    ext: &str,
    number: &str,
    name: Option<&str>,
    duration: Option<u32>,
    condition: Option<&str>,
) -> Parsed {
    Parsed::Record {
        record: Box::new(Record {
            dialect: "panasonic",
            layout: "B",
            date: Some(d(date)),
            time: Some(NaiveTime::parse_from_str(time, "%H:%M").unwrap()),
            time_is: TimeMeaning::CallEnd,
            extension: ext.into(),
            trunk: Some("01".into()),
            direction,
            number: number.into(),
            caller_name: name.map(Into::into),
            ddi: None,
            ring_secs: Some(7),
            duration_secs: duration,
            cost: Some(Cost {
                amount: "1.20".into(),
                currency: "EUR".into(),
            }),
            account_code: None,
            condition: condition.map(Into::into),
            unanswered: condition == Some("NA"),
            transferred: number.ends_with('-'),
            forwarded: false,
            extra: Default::default(),
        }),
        warnings: vec![],
    }
}

/// Four calls (three in May 2024, one in June), a header and a reject, all received now.
fn fill_db(path: &Path) {
    use Direction::*;
    let parsed = [
        Parsed::Header {
            header: HeaderKind::Titles,
        },
        call(
            "2024-05-01",
            "09:15",
            Outgoing,
            "101",
            "0376689064-",
            None,
            Some(65),
            None,
        ),
        call(
            "2024-05-02",
            "10:30",
            Incoming,
            "102",
            "0612345678",
            Some("<script>alert(1)</script>"),
            Some(125),
            None,
        ),
        call(
            "2024-05-31",
            "17:59",
            Incoming,
            "103",
            "0498765432",
            None,
            None,
            Some("NA"),
        ),
        call(
            "2024-06-10",
            "08:00",
            Outgoing,
            "104",
            "0555000111",
            None,
            Some(30),
            None,
        ),
        Parsed::Reject {
            reason: "no date at column 1".into(),
        },
    ];
    let lines: Vec<Line> = parsed
        .iter()
        .map(|p| {
            let text: &[u8] = match p {
                Parsed::Reject { .. } => b"GARBLED ### LINE",
                _ => b"(raw)",
            };
            Line {
                bytes: LineBuf::from_slice(text).unwrap(),
                truncated: false,
                partial: false,
            }
        })
        .collect();
    let now = chrono::Local::now().timestamp_millis();
    let batch: Vec<Ingested> = parsed
        .iter()
        .zip(&lines)
        .map(|(p, l)| Ingested {
            received_ms: now,
            source: "serial:/dev/smdr0",
            line: l,
            parsed: p,
        })
        .collect();
    let mut store = Store::open(path).unwrap();
    store
        .commit(&batch, &[(now, "start", "smdrbox test".into())])
        .unwrap();
}

fn snapshot(link: LinkState, reason: &str) -> Snapshot {
    let now = chrono::Local::now().timestamp_millis();
    Snapshot {
        version: "0.1.0-test".into(),
        started_ms: now - 3_600_000,
        port: "/dev/smdr0".into(),
        settings: "9600 8N1".into(),
        dialect: "panasonic".into(),
        link,
        link_reason: reason.into(),
        link_since_ms: now - 65_000,
        records: 4,
        headers: 1,
        rejects: 1,
        last_line_ms: Some(now - 2_000),
        ring: RingStats {
            len: 0,
            capacity: 256,
            high_water: 3,
            overflow_lines: 0,
        },
        store_open: true,
        ..Snapshot::default()
    }
}

fn start(db: &Path, snap: Snapshot) -> web::Web {
    let f: web::SnapshotFn = Arc::new(move || snap.clone());
    web::start("127.0.0.1:0".parse().unwrap(), db.to_path_buf(), f).unwrap()
}

#[test]
fn pages_csv_api_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("smdr.db");
    fill_db(&db);
    let web = start(&db, snapshot(LinkState::Up, "open"));
    let addr = web.addr();
    assert_ne!(addr.port(), 0);

    // Status page: verdict, link, settings, counts from the database, the reject.
    let r = get(addr, "/");
    assert_eq!(r.code, 200);
    assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));
    let b = &r.text();
    assert!(b.contains("<meta http-equiv=\"refresh\" content=\"5\">"));
    assert!(
        b.contains("WARNING: 1 line could not be read (kept raw)"),
        "{b}"
    );
    assert!(b.contains("<span class=\"good\">up</span>: open"), "{b}");
    assert!(b.contains("/dev/smdr0 &nbsp; 9600 8N1"), "{b}");
    assert!(
        b.contains("4 records <small>(6 lines)</small>"),
        "today: {b}"
    );
    assert!(
        b.contains("4 records <small>(6 lines: 1 headers, 1 rejects)</small>"),
        "{b}"
    );
    assert!(b.contains("no date at column 1"), "{b}");
    assert!(b.contains("<code>GARBLED ### LINE</code>"), "{b}");
    assert!(b.contains("0 of 256 lines in use, high water 3"), "{b}");
    assert!(b.contains("smdrbox test"), "events: {b}");
    assert!(b.contains("0.1.0-test"));

    // Calls: newest first, numbers shown, the name escaped, the unanswered call flagged.
    let r = get(addr, "/calls");
    assert_eq!(r.code, 200);
    let b = &r.text();
    for n in ["0376689064-", "0612345678", "0498765432", "0555000111"] {
        assert!(b.contains(n), "{n}: {b}");
    }
    assert!(b.find("0555000111") < b.find("0376689064-"), "newest first");
    assert!(b.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{b}");
    assert!(!b.contains("<script"), "unescaped script: {b}");
    assert!(b.contains("<tr class=\"na\">"), "{b}");
    assert!(b.contains("NOT ANSWERED"));
    assert!(b.contains(">2:05<"), "duration m:ss: {b}");
    assert!(b.contains("<th>Ended</th>"), "{b}");
    assert!(b.contains("/export.csv?from="), "{b}");

    // CSV: header row, May's three calls in PBX order, not June's.
    let r = get(addr, "/export.csv?from=2024-05-01&to=2024-05-31");
    assert_eq!(r.code, 200, "{}", r.text());
    assert_eq!(r.header("Content-Type"), Some("text/csv; charset=utf-8"));
    assert_eq!(
        r.header("Content-Disposition"),
        Some("attachment; filename=\"smdrbox-calls-2024-05-01-2024-05-31.csv\"")
    );
    let text = r.text();
    let rows: Vec<&str> = text.lines().collect();
    let header: Vec<&str> = COLUMNS.iter().map(|c| c.0).collect();
    assert_eq!(
        rows[0],
        format!("\u{feff}{}", header.join(",")),
        "BOM, then the names"
    );
    assert_eq!(rows.len(), 4, "{}", r.text());
    assert!(rows[1].starts_with("2,2024-05-01,09:15,end,outgoing,101,01,0376689064-,"));
    assert!(
        rows[2].contains(",0612345678,<script>alert(1)</script>,"),
        "{}",
        rows[2]
    );
    assert!(rows[3].contains(",NA,1,0,0,"), "{}", rows[3]);
    assert!(!r.text().contains("0555000111"));
    let r = get(addr, "/export.csv?from=2024-06-01&to=2024-06-30");
    assert_eq!(r.text().lines().count(), 2);
    assert!(r.text().contains("0555000111"));

    // Bad periods: 400 with the reason in plain text.
    let r = get(addr, "/export.csv?from=2024-05-31&to=2024-05-01");
    assert_eq!(r.code, 400);
    assert_eq!(r.text(), "from 2024-05-31 is after to 2024-05-01\n");
    let r = get(addr, "/export.csv?from=31.05.2024");
    assert_eq!(r.code, 400);
    assert!(
        r.text()
            .contains("\"31.05.2024\" is not a date; use YYYY-MM-DD"),
        "{}",
        r.text()
    );
    let r = get(addr, "/export.csv?from=2020-01-01&to=2024-01-01");
    assert_eq!(r.code, 400);
    assert!(r.text().contains("at most 366 days"), "{}", r.text());

    // JSON for machines.
    let r = get(addr, "/api/status");
    assert_eq!(r.code, 200);
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    let v: serde_json::Value = serde_json::from_str(&r.text()).unwrap();
    assert_eq!(v["db"]["records"], 4);
    assert_eq!(v["db"]["rejects"], 1);
    assert_eq!(v["db"]["records_today"], 4);
    assert_eq!(v["status"]["link"], "up");
    assert_eq!(v["status"]["settings"], "9600 8N1");
    assert_eq!(v["verdict"]["level"], "warning");
    assert!(v["now_ms"].as_i64().unwrap() > 1_700_000_000_000);

    let r = get(addr, "/healthz");
    assert_eq!((r.code, r.text().as_str()), (200, "ok\n"));

    // Methods and paths.
    let r = request(addr, "POST", "/");
    assert_eq!(r.code, 405);
    assert_eq!(r.header("Allow"), Some("GET, HEAD"));
    assert_eq!(request(addr, "DELETE", "/export.csv").code, 405);
    let r = request(addr, "HEAD", "/calls");
    assert_eq!(r.code, 200);
    assert!(r.text().is_empty());
    assert_eq!(get(addr, "/nope").code, 404);
    assert_eq!(get(addr, "/calls/../etc/passwd").code, 404);

    // Every answer says: no caching, no scripts.
    assert_eq!(r.header("Cache-Control"), Some("no-store"));
    assert!(r
        .header("Content-Security-Policy")
        .unwrap()
        .contains("default-src 'none'"));

    web.stop();
    // tiny_http closes the listener on its accept thread just after the server is dropped.
    let released = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(20));
        TcpStream::connect(addr).is_err()
    });
    assert!(released, "still listening after stop");
}

#[test]
fn fault_healthz_and_database_opened_late() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("later.db");
    let web = start(
        &db,
        snapshot(LinkState::Down, "/dev/smdr0: No such file or directory"),
    );
    let addr = web.addr();

    let r = get(addr, "/healthz");
    assert_eq!(r.code, 503);
    assert!(
        r.text().starts_with("serial link down for 1 min 0") && r.text().contains("No such file"),
        "{}",
        r.text()
    );
    assert!(!r.text().contains("0376"), "no call data");

    // No database yet: the status page still shows the snapshot; data pages say why.
    let r = get(addr, "/");
    assert_eq!(r.code, 200);
    assert!(
        r.text()
            .contains("<div class=\"v fault\">FAULT: serial link down"),
        "{}",
        r.text()
    );
    assert!(
        r.text().contains("<span class=\"bad\">down</span>"),
        "{}",
        r.text()
    );
    assert!(r.text().contains("unavailable: opening"), "{}", r.text());
    assert_eq!(get(addr, "/calls").code, 503);
    let r = get(addr, "/export.csv");
    assert_eq!(r.code, 503);
    assert!(r.text().starts_with("database unavailable"), "{}", r.text());
    let v: serde_json::Value = serde_json::from_str(&get(addr, "/api/status").text()).unwrap();
    assert!(v["db"].is_null() && v["db_error"].is_string(), "{v}");

    // Once the daemon created it, the next request opens it.
    fill_db(&db);
    let r = get(addr, "/calls");
    assert_eq!(r.code, 200);
    assert!(r.text().contains("0612345678"));
    web.stop();
}

#[test]
fn port_taken_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let web = start(&dir.path().join("x.db"), snapshot(LinkState::Up, "open"));
    let f: web::SnapshotFn = Arc::new(Snapshot::default);
    let err = web::start(web.addr(), dir.path().join("x.db"), f)
        .err()
        .expect("second bind must fail");
    let msg = format!("{err:#}");
    assert!(
        msg.contains(&format!("cannot listen on {}", web.addr())),
        "{msg}"
    );
    web.stop();
}

#[test]
fn panic_in_a_page_answers_500_and_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("smdr.db");
    fill_db(&db);
    // The snapshot closure runs inside the request handler: make it blow up while armed.
    let armed = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let arm = armed.clone();
    let f: web::SnapshotFn = Arc::new(move || {
        if arm.swap(false, std::sync::atomic::Ordering::SeqCst) {
            panic!("test panic in snapshot");
        }
        snapshot(LinkState::Up, "open")
    });
    let web = web::start("127.0.0.1:0".parse().unwrap(), db, f).unwrap();
    let addr = web.addr();
    let r = get(addr, "/");
    assert_eq!(r.code, 500);
    assert!(r.text().contains("internal error"), "{}", r.text());
    // The thread survived and the database reopens.
    let r = get(addr, "/calls");
    assert_eq!(r.code, 200);
    assert!(r.text().contains("0612345678"));
    armed.store(true, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(get(addr, "/healthz").code, 500);
    assert_eq!(get(addr, "/healthz").code, 200);
    web.stop();
}

#[test]
fn reports_are_computed_off_the_web_thread_at_most_two_at_once() {
    let tb = common::TestBox::new("", "");
    std::fs::create_dir_all(tb.db.parent().unwrap()).unwrap();
    fill_db(&tb.db);
    // A debug-build-only hook: every report waits 5 s before it is built.
    let daemon =
        common::Daemon::start_with_env(&tb.config, &[("SMDRBOX_TEST_REPORT_DELAY_MS", "5000")]);
    let addr: SocketAddr = daemon.addr.parse().unwrap();

    // Three reports at once: two are computed, the third is told to come back.
    let q = "?from=2024-05-01&to=2024-05-31";
    let (tx, rx) = mpsc::channel();
    for path in [
        format!("/reports/summary{q}"),
        format!("/reports/summary.csv{q}"),
        format!("/reports/lost.json{q}"),
    ] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            let r = get(addr, &path);
            tx.send((path, r)).unwrap();
        });
    }
    let (path, busy) = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(busy.code, 503, "{path}: {}", busy.text());
    assert_eq!(
        busy.text(),
        "two reports are being computed; try again in a moment\n"
    );
    assert_eq!(busy.header("Retry-After"), Some("5"));

    // Meanwhile the pages answer at once, and the two reports are still being computed.
    let started = Instant::now();
    for page in ["/", "/api/status", "/calls"] {
        let r = get(addr, page);
        assert_eq!(r.code, 200, "{page}: {}", r.text());
    }
    let r = get(addr, "/healthz");
    assert!(matches!(r.code, 200 | 503), "{}", r.text());
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "pages took {:?} while reports were computed",
        started.elapsed()
    );
    assert!(rx.try_recv().is_err(), "a report finished before its delay");

    // Then the two reports arrive, rendered as before.
    for _ in 0..2 {
        let (path, r) = rx.recv_timeout(Duration::from_secs(30)).unwrap();
        assert_eq!(r.code, 200, "{path}: {}", r.text());
        if path.contains(".csv") {
            assert_eq!(r.header("Content-Type"), Some("text/csv; charset=utf-8"));
            assert_eq!(
                r.header("Content-Disposition"),
                Some("attachment; filename=\"smdrbox-summary-2024-05-01-2024-05-31.csv\"")
            );
        } else if path.contains(".json") {
            assert_eq!(r.header("Content-Type"), Some("application/json"));
            let v: serde_json::Value = serde_json::from_str(&r.text()).unwrap();
            assert!(v.to_string().contains("2024-05-31"), "{v}");
        } else {
            assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));
            assert!(
                r.text().contains("2024-05-01 to 2024-05-31"),
                "{}",
                r.text()
            );
        }
    }

    // Checked on the web thread, as before: no thread, no wait.
    let r = get(addr, "/reports/nonsense");
    assert_eq!((r.code, r.text().as_str()), (404, "no such report\n"));
    let r = get(addr, "/reports/summary?from=2024-05-31&to=2024-05-01");
    assert_eq!(r.code, 400);
    assert_eq!(r.text(), "from 2024-05-31 is after to 2024-05-01\n");
    daemon.stop();
}

#[test]
fn panic_in_a_report_answers_500_and_frees_its_slot() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("smdr.db");
    fill_db(&db);
    // The options closure runs on the report thread: make it blow up.
    let options: web::ReportOptionsFn = Arc::new(
        |_: NaiveDate, _: NaiveDate| -> smdrbox::core::analytics::ReportOptions {
            panic!("test panic in report options")
        },
    );
    let snap = snapshot(LinkState::Up, "open");
    let web = web::start_with_reports(
        "127.0.0.1:0".parse().unwrap(),
        db,
        Arc::new(move || snap.clone()),
        options,
    )
    .unwrap();
    let addr = web.addr();
    // More reports than slots, one after another: each panic frees its slot.
    for _ in 0..4 {
        let mut r = get(addr, "/reports/summary?from=2024-05-01&to=2024-05-31");
        // The slot is freed just after the answer is sent: the next request may be a moment
        // early.
        for _ in 0..50 {
            if r.code != 503 {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
            r = get(addr, "/reports/summary?from=2024-05-01&to=2024-05-31");
        }
        assert_eq!(r.code, 500, "{}", r.text());
        assert!(r.text().contains("internal error"), "{}", r.text());
    }
    let r = get(addr, "/calls");
    assert_eq!(r.code, 200);
    assert!(r.text().contains("0612345678"));
    web.stop();
}
