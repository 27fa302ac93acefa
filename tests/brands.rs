//! Data-driven tests for the PBX families read only from their manufacturers' documents (no
//! real capture in `shared/corpus/` yet): NEC, Siemens/Unify, Mitel, and the other brands.
//!
//! Each brand has capture files written by hand from its documented layout under
//! `tests/captures/<brand>/*.log` (corpus format: `# ` provenance lines saying so, then the
//! lines with CR LF) and golden verdicts under `tests/golden/<brand>/<stem>.jsonl`: one JSON
//! object per non-blank line, `{"line": n, ...verdict}`. One dialect reads a whole file, in
//! order, as the box would (dialects may be stateful: NEC's year comes from its page header).
//! Run with `UPDATE_GOLDEN=1` to rewrite the goldens.
//!
//! One `#[test]` per brand; the shared helper is [`check_brand`]. Keep each brand's function
//! self-contained so that brands can be added without touching the others.

mod common;

use smdrbox::core::dialect::{new_dialect, DateOrder, DialectKind, DialectOptions};
use smdrbox::core::framer::{decode, Framer};
use smdrbox::core::record::{Parsed, Record, TimeMeaning};
use std::path::{Path, PathBuf};
use std::process::Command;

/// What one capture file gave.
#[derive(Default, Debug)]
struct Counts {
    non_blank: usize,
    headers: usize,
    rejects: Vec<String>,
    records: Vec<Record>,
}

/// The golden text for one capture file, read by one dialect of `kind`.
fn render(path: &Path, kind: DialectKind, date_order: DateOrder) -> (String, Counts) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut dialect = new_dialect(DialectOptions { kind, date_order });
    let mut out = String::new();
    let mut counts = Counts::default();
    let mut framer = Framer::new();
    let mut in_provenance = true;
    for (index, chunk) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        let number = index + 1;
        if in_provenance {
            if chunk.starts_with(b"# ") {
                continue;
            }
            in_provenance = false;
        }
        let mut lines = Vec::new();
        framer.push(chunk, |l| lines.push(l));
        if !chunk.ends_with(b"\n") {
            lines.extend(framer.flush());
        }
        for line in lines {
            if line.is_blank() {
                continue;
            }
            counts.non_blank += 1;
            let parsed = dialect.parse(&decode(&line.bytes));
            match &parsed {
                Parsed::Record { record, .. } => counts.records.push((**record).clone()),
                Parsed::Header { .. } => counts.headers += 1,
                Parsed::Reject { reason } => {
                    counts.rejects.push(format!("line {number}: {reason}"))
                }
            }
            let mut obj = serde_json::Map::new();
            obj.insert("line".into(), number.into());
            match serde_json::to_value(&parsed).expect("Parsed serializes") {
                serde_json::Value::Object(fields) => obj.extend(fields),
                other => panic!("Parsed serialized as {other}"),
            }
            out.push_str(&serde_json::Value::Object(obj).to_string());
            out.push('\n');
        }
    }
    (out, counts)
}

fn captures(brand: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/captures")
        .join(brand);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no *.log in {}", dir.display());
    files
}

/// Reads every capture of `brand` with `kind`, compares (or, with `UPDATE_GOLDEN=1`, writes)
/// its golden file, checks that every non-blank line got one verdict and that the provenance
/// header says the file was constructed, and returns each file's name and counts.
fn check_brand(brand: &str, kind: DialectKind, date_order: DateOrder) -> Vec<(String, Counts)> {
    let golden_dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(brand);
    let update = std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    let mut problems = Vec::new();
    let mut all = Vec::new();
    for path in captures(brand) {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("capture name is UTF-8")
            .to_string();
        // Lossy: a capture may hold Latin-1 bytes (Panasonic's ISO-8859-1 character code).
        let head = String::from_utf8_lossy(&std::fs::read(&path).unwrap_or_default()).into_owned();
        assert!(
            head.lines()
                .take_while(|l| l.starts_with("# "))
                .any(|l| l.contains("CONSTRUCTED")),
            "{stem}: the provenance header must say the file is constructed, not captured"
        );
        let (got, counts) = render(&path, kind, date_order);
        assert_eq!(
            counts.non_blank,
            counts.records.len() + counts.headers + counts.rejects.len(),
            "{stem}: every non-blank line gets one verdict"
        );
        assert!(!counts.records.is_empty(), "{stem}: no records");
        let golden = golden_dir.join(format!("{stem}.jsonl"));
        if update {
            std::fs::create_dir_all(&golden_dir).expect("create golden dir");
            std::fs::write(&golden, &got).expect("write golden");
        } else {
            match std::fs::read_to_string(&golden) {
                Err(_) => problems.push(format!(
                    "{stem}: golden {} is missing; run with UPDATE_GOLDEN=1 to create it",
                    golden.display()
                )),
                Ok(want) if want != got => {
                    let diff = want
                        .lines()
                        .zip(got.lines())
                        .find(|(w, g)| w != g)
                        .map(|(w, g)| format!("\n  first difference:\n  want {w}\n  got  {g}"))
                        .unwrap_or_else(|| "\n  (line counts differ)".into());
                    problems.push(format!(
                        "{stem}: output differs from {} (rerun with UPDATE_GOLDEN=1 if the \
                         change is intended){diff}",
                        golden.display()
                    ));
                }
                Ok(_) => {}
            }
        }
        all.push((stem, counts));
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
    all
}

/// Runs the real binary; panics with its stderr on failure.
fn run(args: &[&str]) -> String {
    let out = Command::new(common::BIN).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "smdrbox {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Imports `capture` into a fresh database with `dialect = "<dialect>"` in the configuration
/// and returns the summary report of `from..=to` as JSON figures (key → value).
fn imported_summary(
    capture: &Path,
    dialect: &str,
    from: &str,
    to: &str,
) -> serde_json::Map<String, serde_json::Value> {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("brand.db");
    let config = dir.path().join("box.toml");
    std::fs::write(
        &config,
        format!(
            "[source]\npath = \"/dev/null\"\n[store]\npath = {:?}\n[pbx]\ndialect = {dialect:?}\n",
            db.to_str().unwrap()
        ),
    )
    .unwrap();
    let config = config.to_str().unwrap();
    run(&["import", "-c", config, capture.to_str().unwrap()]);
    let json = run(&[
        "report", "summary", "-c", config, "--from", from, "--to", to, "--format", "json",
    ]);
    let report: serde_json::Value =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    report["figures"]
        .as_array()
        .unwrap_or_else(|| panic!("no figures: {json}"))
        .iter()
        .map(|f| (f["key"].as_str().unwrap().to_string(), f["value"].clone()))
        .collect()
}

/// The value of summary figure `key`.
fn figure(f: &serde_json::Map<String, serde_json::Value>, key: &str) -> serde_json::Value {
    f.get(key)
        .map(|c| c["v"].clone())
        .unwrap_or_else(|| panic!("no {key}: {f:?}"))
}

#[test]
fn nec() {
    let files = check_brand("nec", DialectKind::Nec, DateOrder::Dmy);
    for (stem, counts) in &files {
        assert!(counts.rejects.is_empty(), "{stem}: {:?}", counts.rejects);
    }
    let (_, c) = files
        .iter()
        .find(|(stem, _)| stem == "sl-report-constructed")
        .expect("the SL report capture");
    // 2 page headers, 2 title lines, NEXT and ALB are headers; 12 calls.
    assert_eq!((c.records.len(), c.headers), (12, 6));
    assert!(
        c.records.iter().all(|r| r.date.is_some()),
        "every record dated"
    );
    let unanswered = c.records.iter().filter(|r| r.unanswered).count();
    assert_eq!(unanswered, 3);
    // The call at 00:03 on the first page is dated the day after the page header.
    let after_midnight = &c.records[8];
    assert_eq!(after_midnight.time.unwrap().to_string(), "00:03:00");
    assert_eq!(after_midnight.date.unwrap().to_string(), "2026-03-03");

    // End to end: import with `dialect = "nec"`, then the summary report.
    let capture = captures("nec")
        .into_iter()
        .find(|p| p.ends_with("sl-report-constructed.log"))
        .unwrap();
    let f = imported_summary(&capture, "nec", "2026-03-02", "2026-03-03");
    // Figures are cells: `{"t": "int", "v": 7}`.
    let n = |k: &str| figure(&f, k);
    // PIN ×6 and PTRS (read as incoming); NO ANSWER ×3 lost.
    assert_eq!(n("incoming"), 7);
    assert_eq!(n("answered"), 4);
    assert_eq!(n("lost"), 3);
    // POT ×3, POTA with no talk time.
    assert_eq!(n("outgoing"), 4);
    assert_eq!(n("outgoing_not_connected"), 1);
    assert_eq!(n("internal"), 1);
}

/// The one capture of `brand` named `stem`, with its counts.
fn capture_counts<'a>(files: &'a [(String, Counts)], stem: &str) -> &'a Counts {
    &files
        .iter()
        .find(|(s, _)| s == stem)
        .unwrap_or_else(|| panic!("no capture {stem}"))
        .1
}

#[test]
fn asterisk() {
    use smdrbox::core::record::Direction;
    let files = check_brand("asterisk", DialectKind::Asterisk, DateOrder::Dmy);
    let c = capture_counts(&files, "master-csv-constructed");
    // The title line; 10 CDRs; the line cut after 4 fields.
    assert_eq!((c.records.len(), c.headers), (10, 1));
    assert_eq!(
        c.rejects,
        vec!["line 18: 4 comma-separated fields; an Asterisk Master.csv line has 18 (16 to 21 accepted)"]
    );
    let count = |d: Direction| c.records.iter().filter(|r| r.direction == d).count();
    assert_eq!(
        (
            count(Direction::Incoming),
            count(Direction::Outgoing),
            count(Direction::Internal)
        ),
        (6, 3, 1)
    );
    // A quoted comma in the caller's name stays in the name.
    assert_eq!(c.records[1].caller_name.as_deref(), Some("Acme, Inc"));
    // newcdrcolumns: the linkedid, not the uniqueid, is the call id.
    assert_eq!(c.records[9].extra.call_id.as_deref(), Some("1772446800.16"));

    // End to end: import with `dialect = "asterisk"`, then the summary report.
    let capture = captures("asterisk")
        .into_iter()
        .find(|p| p.ends_with("master-csv-constructed.log"))
        .unwrap();
    let f = imported_summary(&capture, "asterisk", "2026-03-02", "2026-03-02");
    let n = |k: &str| figure(&f, k);
    // from-pstn ×4, from-trunk, the DAHDI queue call; NO ANSWER and BUSY are lost.
    assert_eq!(n("incoming"), 6);
    assert_eq!(n("answered"), 4);
    assert_eq!(n("lost"), 2);
    // Rings of the answered calls: 12, 8, 20, 4 s (duration - billsec).
    assert_eq!(n("asa"), 11);
    assert_eq!(n("longest_wait_answered"), 20);
    assert_eq!(n("longest_wait_lost"), 30);
    // ANSWERED, BUSY, FAILED.
    assert_eq!(n("outgoing"), 3);
    assert_eq!(n("outgoing_not_connected"), 2);
    assert_eq!(n("outgoing_talk"), 95);
    assert_eq!(n("internal"), 1);
}

#[test]
fn ipecs() {
    use smdrbox::core::record::Direction;
    let files = check_brand("ipecs", DialectKind::Ipecs, DateOrder::Dmy);
    let c = capture_counts(&files, "lik-smdr-constructed");
    // Titles and rule; 7 records; the line cut after the duration.
    assert_eq!((c.records.len(), c.headers), (7, 2));
    assert_eq!(
        c.rejects,
        vec!["line 16: line ends after the duration; no start date (cut line?)"]
    );
    let dirs: Vec<Direction> = c.records.iter().map(|r| r.direction).collect();
    use Direction::*;
    assert_eq!(
        dirs,
        vec![Outgoing, Incoming, Incoming, Internal, Outgoing, Outgoing, Incoming]
    );
    assert_eq!(c.records.iter().filter(|r| r.unanswered).count(), 1);
    assert!(c
        .records
        .iter()
        .all(|r| r.date.map(|d| d.to_string()).as_deref() == Some("2026-03-02")));
    assert_eq!(c.records[0].account_code.as_deref(), Some("4455"));
    assert_eq!(c.records[2].ring_secs, Some(35));
}

#[test]
fn samsung() {
    use smdrbox::core::record::Direction;
    let files = check_brand("samsung", DialectKind::Samsung, DateOrder::Dmy);
    let c = capture_counts(&files, "dcs-report-constructed");
    // Page header, 2 rules, titles, IN GROUP and OUT DND; 10 records; the unknown flag.
    assert_eq!((c.records.len(), c.headers), (10, 6));
    assert_eq!(
        c.rejects,
        vec!["line 23: call type flag \"ZZ\" is not one of O I A T IT OT TT FO FI DI DO DE"]
    );
    // The year comes from the page header; the report crosses into 01/03.
    let dates: Vec<String> = c
        .records
        .iter()
        .map(|r| r.date.map(|d| d.to_string()).unwrap_or_default())
        .collect();
    assert_eq!(dates.iter().filter(|d| *d == "1995-01-02").count(), 8);
    assert_eq!(dates.iter().filter(|d| *d == "1995-01-03").count(), 2);
    let out = c
        .records
        .iter()
        .filter(|r| r.direction == Direction::Outgoing)
        .count();
    assert_eq!(out, 4);
    assert_eq!(c.records.iter().filter(|r| r.unanswered).count(), 2);
    assert_eq!(c.records.iter().filter(|r| r.transferred).count(), 2);
    assert_eq!(c.records[6].caller_name.as_deref(), Some("PIZZA DELIVERY"));
}

#[test]
fn threecx() {
    use smdrbox::core::record::Direction;
    let files = check_brand("3cx", DialectKind::ThreeCx, DateOrder::Dmy);
    let c = capture_counts(&files, "cdr-fields-constructed");
    // 5 lines in the assumed default order, a header line, 2 lines in its order, 1 cut line.
    assert_eq!((c.records.len(), c.headers), (7, 1));
    assert_eq!(
        c.rejects,
        vec!["line 14: 3 fields, but the header line's field order has 9; configure 3CX to send a header line naming its CDR fields"]
    );
    let layouts: Vec<&str> = c.records.iter().map(|r| r.layout).collect();
    assert_eq!(
        layouts,
        ["default"; 5]
            .iter()
            .chain(&["header"; 2])
            .copied()
            .collect::<Vec<_>>()
    );
    use Direction::*;
    let dirs: Vec<Direction> = c.records.iter().map(|r| r.direction).collect();
    assert_eq!(
        dirs,
        vec![Incoming, Incoming, Incoming, Outgoing, Internal, Outgoing, Incoming]
    );
    // The queue call nobody took; the header-ordered incoming call without time-answered.
    assert_eq!(c.records.iter().filter(|r| r.unanswered).count(), 2);
    // ReplacedDst: transferred from 201, ended at 202.
    assert!(c.records[2].transferred);
    assert_eq!(c.records[2].extension, "202");
    assert_eq!(c.records[0].ring_secs, Some(12));

    let c = capture_counts(&files, "calldetail-constructed");
    assert_eq!((c.records.len(), c.headers, c.rejects.len()), (3, 1, 0));
    assert!(c.records.iter().all(|r| r.layout == "CallDetail"));
    let dirs: Vec<Direction> = c.records.iter().map(|r| r.direction).collect();
    assert_eq!(dirs, vec![Outgoing, Incoming, Internal]);
}

/// BCM/Norstar: only the event lines are documented, so the capture has no call and the
/// dialect must not make one up: every event is a header, the undocumented line a reject.
/// (Not through `check_brand`, which requires records.)
#[test]
fn avaya_bcm_norstar() {
    let path = captures("avaya-bcm-norstar")
        .into_iter()
        .find(|p| p.ends_with("cdr-events-constructed.log"))
        .unwrap();
    let (got, c) = render(&path, DialectKind::AvayaBcmNorstar, DateOrder::Dmy);
    assert!(
        c.records.is_empty(),
        "no call line is documented: {:?}",
        c.records
    );
    assert_eq!(c.headers, 12);
    assert_eq!(c.rejects.len(), 1);
    assert!(c.rejects[0].starts_with("line 24: "), "{:?}", c.rejects);
    let golden = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/avaya-bcm-norstar/cdr-events-constructed.jsonl");
    if std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
        std::fs::write(&golden, &got).unwrap();
    } else {
        let want = std::fs::read_to_string(&golden).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; run with UPDATE_GOLDEN=1 to create it",
                golden.display()
            )
        });
        assert_eq!(
            want, got,
            "rerun with UPDATE_GOLDEN=1 if the change is intended"
        );
    }
}
/// Asterisk's Master.csv streamed as `tail -F Master.csv | nc BOX PORT` would send it (LF line
/// ends, the title line first) into the real daemon with `kind = "tcp-listen"`: the README's
/// recipe gives the same calls as `smdrbox import`.
#[test]
fn asterisk_master_csv_streamed_to_tcp_listen() {
    use std::io::Write;
    use std::time::Duration;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let b = common::TestBox::with_source(
        &format!("kind = \"tcp-listen\"\nlisten = \"{listen}\""),
        "commit_interval_ms = 200",
        "[pbx]\ndialect = \"asterisk\"\n",
    );
    let d = b.start();
    let capture = captures("asterisk")
        .into_iter()
        .find(|p| p.ends_with("master-csv-constructed.log"))
        .unwrap();
    let text = std::fs::read_to_string(&capture).unwrap();
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("# "))
        .map(|l| l.trim_end_matches('\r'))
        .collect();
    let mut c = std::net::TcpStream::connect(&listen).unwrap();
    for l in &lines {
        c.write_all(format!("{l}\n").as_bytes()).unwrap();
    }
    drop(c);
    common::wait_until(Duration::from_secs(30), "every line stored", || {
        b.count("SELECT count(*) FROM raw_lines") == lines.len() as i64
    });
    d.stop();
    assert_eq!(b.count("SELECT count(*) FROM records"), 10);
    let config = b.config.to_str().unwrap();
    let json = run(&[
        "report",
        "summary",
        "-c",
        config,
        "--from",
        "2026-03-02",
        "--to",
        "2026-03-02",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let n = |k: &str| {
        report["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["key"] == k)
            .map(|f| f["value"]["v"].clone())
            .unwrap_or_else(|| panic!("no {k}: {json}"))
    };
    assert_eq!(
        (n("incoming"), n("answered"), n("lost")),
        (6.into(), 4.into(), 2.into())
    );
    assert_eq!(
        (n("outgoing"), n("outgoing_not_connected"), n("internal")),
        (3.into(), 2.into(), 1.into())
    );
}

#[test]
fn siemens() {
    let files = check_brand("siemens", DialectKind::Siemens, DateOrder::Dmy);
    for (stem, counts) in &files {
        assert!(counts.rejects.is_empty(), "{stem}: {:?}", counts.rejects);
        assert!(
            counts
                .records
                .iter()
                .all(|r| r.time_is == TimeMeaning::CallEnd),
            "{stem}: Siemens prints the end of the call"
        );
    }
    let get = |name: &str| {
        &files
            .iter()
            .find(|(stem, _)| stem == name)
            .unwrap_or_else(|| panic!("no capture {name}"))
            .1
    };
    let g = get("hipath3000-getaccount-constructed");
    assert_eq!((g.records.len(), g.headers), (6, 0));
    assert!(g.records.iter().all(|r| r.layout == "getaccount"));
    assert_eq!(g.records[0].date.unwrap().to_string(), "2000-09-13");
    let lost: Vec<_> = g.records.iter().filter(|r| r.unanswered).collect();
    assert_eq!(lost.len(), 1);
    assert_eq!(lost[0].ring_secs, Some(25));
    let l = get("hicom150-long-constructed");
    assert_eq!((l.records.len(), l.headers), (3, 1));
    assert!(l.records.iter().all(|r| r.layout == "long"));
    assert_eq!(l.records[0].cost.as_ref().unwrap().amount, "1.24");

    // End to end: the printed end times count back to starts on 2 March 2026.
    let capture = captures("siemens")
        .into_iter()
        .find(|p| p.ends_with("hipath3000-getaccount-constructed.log"))
        .unwrap();
    let f = imported_summary(&capture, "siemens", "2026-03-02", "2026-03-02");
    let n = |k: &str| figure(&f, k);
    assert_eq!(
        (n("incoming"), n("answered"), n("lost")),
        (3.into(), 2.into(), 1.into())
    );
    assert_eq!(
        (n("outgoing"), n("outgoing_not_connected")),
        (2.into(), 1.into())
    );
}

#[test]
fn mitel() {
    let files = check_brand("mitel", DialectKind::Mitel, DateOrder::Mdy);
    for (stem, counts) in &files {
        assert!(counts.rejects.is_empty(), "{stem}: {:?}", counts.rejects);
        // Mitel prints no year: the store files these records by their receive date.
        assert!(counts.records.iter().all(|r| r.date.is_none()), "{stem}");
    }
    let get = |name: &str| {
        &files
            .iter()
            .find(|(stem, _)| stem == name)
            .unwrap_or_else(|| panic!("no capture {name}"))
            .1
    };
    let m = get("mivb3300-external-constructed");
    // The DATA SMDR line is a header (a data call, not a voice call).
    assert_eq!((m.records.len(), m.headers), (7, 1));
    let dirs: Vec<&str> = m.records.iter().map(|r| r.direction.as_str()).collect();
    assert_eq!(
        dirs,
        ["outgoing", "outgoing", "incoming", "incoming", "incoming", "incoming", "internal"]
    );
    let lost: Vec<Option<u32>> = m
        .records
        .iter()
        .filter(|r| r.unanswered)
        .map(|r| r.ring_secs)
        .collect();
    assert_eq!(lost, [Some(0), Some(25)]);
    assert!(m.records[2].transferred);
    assert_eq!(m.records[1].time.unwrap().to_string(), "23:42:00");
    let f = get("mitel5000-report-constructed");
    assert_eq!((f.records.len(), f.headers), (5, 1));
    assert_eq!(f.records.iter().filter(|r| r.unanswered).count(), 1);

    // End to end: without a year the records count on the day the box received them (today,
    // for an import), and reach the reports.
    let capture = captures("mitel")
        .into_iter()
        .find(|p| p.ends_with("mivb3300-external-constructed.log"))
        .unwrap();
    let today = chrono::Local::now().date_naive();
    let (from, to) = (today.pred_opt().unwrap(), today.succ_opt().unwrap());
    let f = imported_summary(&capture, "mitel", &from.to_string(), &to.to_string());
    let n = |k: &str| figure(&f, k);
    assert_eq!(
        (n("incoming"), n("answered"), n("lost")),
        (4.into(), 2.into(), 2.into())
    );
    assert_eq!(n("outgoing"), serde_json::Value::from(2));
}

/// Panasonic generations and print options with no real capture in the corpus: KX-TES824
/// (start time, `*` transfer mark, 3-line titles), KX-TD816/TD1232 (RC/AN/NA event lines, D1
/// and RM codes, `AT` modem strings), Pattern A with a 12-hour clock (log-in/out, DDI, a
/// Latin-1 caller name, page breaks) and Pattern C (120 columns, cost, account code, FW).
/// Goldens sit beside the corpus one in `tests/golden/panasonic/`, one per capture stem.
#[test]
fn panasonic_generations() {
    use smdrbox::core::record::Direction;
    let files = check_brand("panasonic", DialectKind::Panasonic, DateOrder::Dmy);
    for (stem, counts) in &files {
        assert!(counts.rejects.is_empty(), "{stem}: {:?}", counts.rejects);
    }

    let t = capture_counts(&files, "kx-tes824-constructed");
    // Titles and rule on each of the 2 pages (their third line is blank); 11 calls.
    assert_eq!((t.records.len(), t.headers), (11, 4));
    assert!(t
        .records
        .iter()
        .all(|r| r.layout == "TES" && r.time_is == TimeMeaning::CallStart));
    let transferred: Vec<&str> = t
        .records
        .iter()
        .filter(|r| r.transferred)
        .map(|r| r.extension.as_str())
        .collect();
    assert_eq!(transferred, ["203"]);
    assert_eq!(t.records[0].cost.as_ref().unwrap().amount, "0.45");
    assert_eq!(t.records[4].account_code.as_deref(), Some("4536"));
    assert_eq!(t.records[3].account_code, None, "'....' is no account code");

    let td = capture_counts(&files, "kx-td816-constructed");
    // 2 modem strings, titles, rule; 10 records.
    assert_eq!((td.records.len(), td.headers), (10, 4));
    let codes: Vec<&str> = td
        .records
        .iter()
        .filter_map(|r| r.condition.as_deref())
        .collect();
    assert_eq!(codes, ["RC", "AN", "RC", "NA", "D1", "RM", "TR"]);
    assert_eq!(td.records[0].caller_name.as_deref(), Some("MARY WARD"));
    assert_eq!(td.records[1].ring_secs, Some(20));
    assert!(td.records.iter().all(|r| r.time_is == TimeMeaning::CallEnd));

    let a = capture_counts(&files, "patternA-12h-constructed");
    // 2 × (titles, rule), LOG IN, LOG OUT, the timed reminder; 10 calls.
    assert_eq!((a.records.len(), a.headers), (10, 7));
    let cafe = a.records.iter().find(|r| r.ddi.is_some()).unwrap();
    assert_eq!(cafe.caller_name.as_deref(), Some("Caf\u{e9}"));
    assert_eq!(cafe.ddi.as_deref(), Some("SALES"));
    let last = a.records.last().unwrap();
    assert_eq!(
        (
            last.date.unwrap().to_string(),
            last.time.unwrap().to_string()
        ),
        ("2026-03-03".into(), "00:10:00".into()),
        "12:10AM is ten past midnight"
    );
    assert_eq!(
        a.records
            .iter()
            .filter(|r| r.direction == Direction::Internal)
            .count(),
        1
    );

    let c = capture_counts(&files, "patternC-constructed");
    assert_eq!((c.records.len(), c.headers), (7, 2));
    assert!(c.records.iter().all(|r| r.layout == "C"));
    assert_eq!(c.records[1].account_code.as_deref(), Some("98765"));
    assert_eq!(c.records[1].cost.as_ref().unwrap().amount, "3.75");

    // End to end: import with `dialect = "panasonic"`, then the summary report.
    fn summary(stem: &'static str, day: &str) -> impl Fn(&str) -> serde_json::Value {
        let capture = captures("panasonic")
            .into_iter()
            .find(|p| p.ends_with(format!("{stem}.log")))
            .unwrap();
        let f = imported_summary(&capture, "panasonic", day, day);
        move |k: &str| {
            f.get(k)
                .map(|c| c["v"].clone())
                .unwrap_or_else(|| panic!("{stem}: no {k}: {f:?}"))
        }
    }
    // KX-TES: the 09:10 call transferred to 203 at 09:12 is one call; 6 calls in, none lost.
    let n = summary("kx-tes824-constructed", "2026-01-05");
    assert_eq!(
        (n("incoming"), n("answered"), n("lost")),
        (6.into(), 6.into(), 0.into())
    );
    assert_eq!(
        (n("outgoing"), n("outgoing_not_connected")),
        (4.into(), 1.into())
    );
    // KX-TD816: RC and AN join the call they announce; RC then NA is one lost call.
    let n = summary("kx-td816-constructed", "2026-06-24");
    assert_eq!(
        (n("incoming"), n("answered"), n("lost")),
        (4.into(), 3.into(), 1.into())
    );
    assert_eq!(n("longest_wait_lost"), 45);
    assert_eq!(n("outgoing"), 3);
}

#[test]
fn alcatel() {
    use smdrbox::core::record::Direction;
    let files = check_brand("alcatel", DialectKind::Alcatel, DateOrder::Dmy);
    let c = capture_counts(&files, "omnipcx-office-statement-constructed");
    // Company name, 2 title lines, rule, CS+ and CS-, the day's count; 9 calls; the cut line.
    assert_eq!((c.records.len(), c.headers), (9, 7));
    assert_eq!(c.rejects, vec!["line 26: time \"11:\" is not hh:mm"]);
    // The manual's example line, field by field.
    let r = &c.records[0];
    assert_eq!(
        (r.extension.as_str(), r.trunk.as_deref(), r.number.as_str()),
        ("101", Some("L01"), "00388677700")
    );
    assert_eq!(r.date.unwrap().to_string(), "2000-10-23");
    assert_eq!(r.time.unwrap().to_string(), "08:31:00");
    assert_eq!(r.duration_secs, Some(160));
    assert_eq!(r.time_is, TimeMeaning::CallStart);
    let dirs: Vec<Direction> = c.records.iter().map(|r| r.direction).collect();
    use Direction::*;
    assert_eq!(
        dirs,
        vec![
            Outgoing, Incoming, Incoming, Outgoing, Incoming, Outgoing, Outgoing, Incoming,
            Incoming
        ]
    );
    let lost: Vec<(&str, Option<u32>)> = c
        .records
        .iter()
        .filter(|r| r.unanswered)
        .map(|r| (r.extension.as_str(), r.ring_secs))
        .collect();
    assert_eq!(lost, [("G1", Some(30)), ("G9", Some(45))]);
    assert_eq!(c.records[3].account_code.as_deref(), Some("4711"));
    assert_eq!(c.records[3].cost.as_ref().unwrap().amount, "4.08");
    assert_eq!(c.records[4].condition.as_deref(), Some("X"));

    // End to end: import with `dialect = "alcatel"`, then the summary report.
    let capture = captures("alcatel")
        .into_iter()
        .find(|p| p.ends_with("omnipcx-office-statement-constructed.log"))
        .unwrap();
    let f = imported_summary(&capture, "alcatel", "2000-10-23", "2000-10-24");
    let n = |k: &str| figure(&f, k);
    assert_eq!(
        (n("incoming"), n("answered"), n("lost")),
        (5.into(), 3.into(), 2.into())
    );
    assert_eq!(
        (n("outgoing"), n("outgoing_not_connected")),
        (4.into(), 0.into())
    );
}
