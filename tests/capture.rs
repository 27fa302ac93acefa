//! `smdrbox capture` and `/capture.log`: the stored lines out, in the corpus's format, and back
//! in through `smdrbox import` unchanged.

mod common;

use common::*;
use rusqlite::Connection;
use smdrbox::core::health::Snapshot;
use smdrbox::web;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

const CORPUS: &str = "unknown-patternB-gestionecentralino-costa.log";

fn smdrbox(args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = Command::new(BIN).args(args).output().expect("run smdrbox");
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn corpus() -> PathBuf {
    corpus_dir("panasonic").join(CORPUS)
}

fn import(db: &Path, file: &Path) {
    let (code, out, err) = smdrbox(&[
        "import",
        "--db",
        db.to_str().unwrap(),
        "--date-order",
        "dmy",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}{}", String::from_utf8_lossy(&out));
}

/// The capture's header lines and its body lines (CRLF removed).
fn split(capture: &[u8]) -> (Vec<String>, Vec<Vec<u8>>) {
    let (body, n) = smdrbox::import::skip_comment_header(capture);
    let header = String::from_utf8_lossy(&capture[..capture.len() - body.len()])
        .lines()
        .map(str::to_string)
        .collect::<Vec<_>>();
    assert_eq!(header.len() as u64, n);
    assert!(body.ends_with(b"\r\n"), "every line ends in CRLF");
    let lines = body
        .split_inclusive(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r\n").expect("CRLF").to_vec())
        .collect();
    (header, lines)
}

/// Every stored line with its kind and reject reason, in seq order.
fn raw_lines(db: &Path) -> Vec<(Vec<u8>, String, Option<String>)> {
    let c = Connection::open(db).unwrap();
    let mut st = c
        .prepare("SELECT line, kind, reason FROM raw_lines ORDER BY seq")
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Every record, all columns but the seq (which depends on what came before).
fn records(db: &Path) -> Vec<String> {
    let c = Connection::open(db).unwrap();
    let mut st = c
        .prepare(
            "SELECT dialect, layout, call_date, call_time, time_is, extension, trunk, direction,
                number, caller_name, ddi, ring_secs, duration_secs, cost, currency, account_code,
                condition, unanswered, transferred, forwarded, warnings
             FROM records ORDER BY seq",
        )
        .unwrap();
    st.query_map([], |r| {
        let cols: Vec<String> = (0..21)
            .map(|i| {
                let v: rusqlite::types::Value = r.get(i)?;
                Ok(format!("{v:?}"))
            })
            .collect::<rusqlite::Result<_>>()?;
        Ok(cols.join("|"))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

#[test]
fn capture_of_an_imported_corpus_file_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    import(&db, &corpus());

    let (code, out, err) = smdrbox(&["capture", "--db", db.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("phone numbers"),
        "personal-data reminder: {err}"
    );
    assert_eq!(err.lines().count(), 1, "one line on stderr: {err}");

    let (header, lines) = split(&out);
    // The corpus's lines, blank lines excepted: import stores no blank line.
    let expected: Vec<Vec<u8>> = capture_lines(&corpus())
        .into_iter()
        .filter(|l| !is_blank(l))
        .collect();
    assert_eq!(lines, expected);

    let h = header.join("\n");
    for want in [
        "# PBX: unknown",
        "# Serial: unknown",
        "# Source: smdrbox ",
        "import:unknown-patternB-gestionecentralino-costa.log",
        "# Written: ",
        "CR/LF",
        "control bytes",
        "partial lines (link lost or input ended mid-line): none",
        "personal data",
    ] {
        assert!(h.contains(want), "{want:?} missing from\n{h}");
    }
    let n = expected.len();
    assert!(
        h.contains(&format!("the last 2000 lines stored: {n} lines")),
        "{h}"
    );

    // Back in: the same lines, kinds, reasons and records.
    let file = dir.path().join("capture.log");
    std::fs::write(&file, &out).unwrap();
    let db2 = dir.path().join("b.db");
    import(&db2, &file);
    assert_eq!(raw_lines(&db2), raw_lines(&db));
    let recs = records(&db);
    assert!(recs.len() > 10, "the corpus has records");
    assert_eq!(records(&db2), recs);

    // -o writes the same lines and refuses to overwrite.
    let (code, _, err) = smdrbox(&[
        "capture",
        "--db",
        db.to_str().unwrap(),
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("capture.log"), "{err}");
    let file2 = dir.path().join("capture2.log");
    let (code, _, err) = smdrbox(&[
        "capture",
        "--db",
        db.to_str().unwrap(),
        "-o",
        file2.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(split(&std::fs::read(&file2).unwrap()).1, lines);

    // --last and --from/--to.
    let (code, out, err) = smdrbox(&["capture", "--db", db.to_str().unwrap(), "--last", "3"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(split(&out).1, expected[n - 3..]);
    let today = chrono::Local::now().date_naive().to_string();
    let (code, out, err) = smdrbox(&["capture", "--db", db.to_str().unwrap(), "--from", &today]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(split(&out).1, expected);
    let (code, _, err) = smdrbox(&[
        "capture",
        "--db",
        db.to_str().unwrap(),
        "--from",
        "2020-01-01",
        "--to",
        "2020-01-31",
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("no lines stored for lines received 2020-01-01 to 2020-01-31"),
        "{err}"
    );
}

#[test]
fn header_names_the_configured_settings() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    import(&db, &corpus());
    let cfg = dir.path().join("box.toml");
    std::fs::write(
        &cfg,
        format!(
            "[source]\npath = \"/dev/smdr0\"\nbaud = 1200\ndata_bits = 7\nparity = \"even\"\n\n\
             [pbx]\ndate_order = \"dmy\"\n\n[store]\npath = \"{}\"\n",
            db.display()
        ),
    )
    .unwrap();
    let (code, out, err) = smdrbox(&["capture", "--config", cfg.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (header, _) = split(&out);
    let h = header.join("\n");
    assert!(
        h.contains("# PBX: dialect panasonic, date order dmy (as configured in"),
        "{h}"
    );
    assert!(h.contains("# Serial: serial /dev/smdr0 at 1200 7E1"), "{h}");
}

#[test]
fn rejects_only_selects_the_unread_lines() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    import(&db, &corpus());
    let junk = dir.path().join("junk.log");
    let garbage: [&[u8]; 3] = [b"HELLO PBX", b"%%% 12 x", b"07/12/20 99:99 nonsense"];
    let mut f = std::fs::File::create(&junk).unwrap();
    for g in garbage {
        f.write_all(g).unwrap();
        f.write_all(b"\r\n").unwrap();
    }
    drop(f);
    import(&db, &junk);

    let (code, out, err) = smdrbox(&["capture", "--db", db.to_str().unwrap(), "--rejects-only"]);
    assert_eq!(code, 0, "{err}");
    let (header, lines) = split(&out);
    let want: Vec<Vec<u8>> = raw_lines(&db)
        .into_iter()
        .filter(|(_, kind, _)| kind == "reject")
        .map(|(l, _, _)| l)
        .collect();
    assert!(want.len() >= 3);
    assert_eq!(lines, want);
    for g in garbage {
        assert!(lines.iter().any(|l| l == g));
    }
    let h = header.join("\n");
    assert!(h.contains("rejects only"), "{h}");
    assert!(
        h.contains(&format!(
            "{} lines (0 records, 0 headers, {} rejects)",
            want.len(),
            want.len()
        )),
        "{h}"
    );

    // A database without rejects: refused in words.
    let clean = dir.path().join("clean.db");
    let one = dir.path().join("one.log");
    std::fs::write(&one, &capture_lines(&corpus())[0]).unwrap();
    import(&clean, &one);
    let (code, _, err) = smdrbox(&["capture", "--db", clean.to_str().unwrap(), "--rejects-only"]);
    assert_eq!(code, 1);
    assert!(err.contains("no rejects stored"), "{err}");
}

fn get(addr: SocketAddr, path: &str) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.0\r\nHost: box\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("header end");
    let head = String::from_utf8(raw[..end].to_vec()).unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head, raw[end + 4..].to_vec())
}

/// The capture without its `# Written:` line (the only line that depends on the clock).
fn unwritten(capture: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for l in capture.split_inclusive(|&b| b == b'\n') {
        if !l.starts_with(b"# Written: ") {
            out.extend_from_slice(l);
        }
    }
    out
}

#[test]
fn web_download_is_the_cli_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    import(&db, &corpus());
    import(&db, &{
        let junk = dir.path().join("junk.log");
        std::fs::write(&junk, b"GARBAGE LINE\r\n").unwrap();
        junk
    });
    let f: web::SnapshotFn = Arc::new(|| Snapshot {
        store_open: true,
        ..Snapshot::default()
    });
    let w = web::start("127.0.0.1:0".parse().unwrap(), db.clone(), f).unwrap();
    let today = chrono::Local::now().date_naive().to_string();
    let d = db.to_str().unwrap();

    let cases: [(String, Vec<&str>); 4] = [
        ("/capture.log".into(), vec![]),
        (
            format!("/capture.log?from={today}&to={today}"),
            vec!["--from", &today, "--to", &today],
        ),
        ("/capture.log?last=5".into(), vec!["--last", "5"]),
        ("/capture.log?rejects=1".into(), vec!["--rejects-only"]),
    ];
    for (url, args) in cases {
        let (status, head, body) = get(w.addr(), &url);
        assert_eq!(status, 200, "{url}: {head}");
        assert!(
            head.contains(&format!("filename=\"smdrbox-capture-{today}.log\"")),
            "{head}"
        );
        let mut a = vec!["capture", "--db", d];
        a.extend(args);
        let (code, cli, err) = smdrbox(&a);
        assert_eq!(code, 0, "{err}");
        assert_eq!(
            String::from_utf8_lossy(&unwritten(&body)),
            String::from_utf8_lossy(&unwritten(&cli)),
            "{url}"
        );
    }

    let (status, _, body) = get(w.addr(), "/capture.log?from=2020-01-01&to=2020-01-02");
    assert_eq!(status, 404);
    assert!(String::from_utf8_lossy(&body).contains("nothing to capture"));
    let (status, _, _) = get(w.addr(), "/capture.log?last=x");
    assert_eq!(status, 400);

    // The status page links the download from its rejects section.
    let (status, _, page) = get(w.addr(), "/");
    assert_eq!(status, 200);
    let page = String::from_utf8_lossy(&page);
    assert!(page.contains("href=\"/capture.log?rejects=1\""), "{page}");
    assert!(page.contains("for a bug report"));
    assert!(page.contains("GARBAGE LINE"));
}

#[test]
fn header_names_partial_and_truncated_lines_and_bytes_still_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let input = dir.path().join("cut.log");
    let mut data = capture_lines(&corpus())[0].clone();
    data.extend_from_slice(b"\r\n");
    data.extend_from_slice(&[b'9'; 600]);
    data.extend_from_slice(b"\r\nUNFINISHED 07/12/20");
    std::fs::write(&input, &data).unwrap();
    import(&db, &input);

    let (code, out, err) = smdrbox(&["capture", "--db", db.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (header, lines) = split(&out);
    let h = header.join("\n");
    assert!(
        h.contains("partial lines (link lost or input ended mid-line): line 3;"),
        "{h}"
    );
    assert!(h.contains("truncated lines: line 2 "), "{h}");
    assert_eq!(lines[2], b"UNFINISHED 07/12/20");

    // The flags are in the header only; the bytes come back the same.
    let file = dir.path().join("capture.log");
    std::fs::write(&file, &out).unwrap();
    let db2 = dir.path().join("b.db");
    import(&db2, &file);
    assert_eq!(raw_lines(&db2), raw_lines(&db));
    assert_eq!(records(&db2), records(&db));
}

#[test]
fn a_stored_line_starting_with_a_comment_mark_survives_the_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let input = dir.path().join("hash.log");
    // "# " lines at the top of an imported file are its header: one real line first.
    std::fs::write(&input, b"X\r\n# looks like a comment\r\nY\r\n").unwrap();
    import(&db, &input);
    let (code, out, err) = smdrbox(&["capture", "--db", db.to_str().unwrap(), "--last", "2"]);
    assert_eq!(code, 0, "{err}");
    let (header, lines) = split(&out);
    assert_eq!(header.last().map(String::as_str), Some("# End of header."));
    assert_eq!(lines, [b"# looks like a comment".to_vec(), b"Y".to_vec()]);
    let file = dir.path().join("capture.log");
    std::fs::write(&file, &out).unwrap();
    let db2 = dir.path().join("b.db");
    import(&db2, &file);
    assert_eq!(raw_lines(&db2), raw_lines(&db)[1..]);
}

#[test]
fn web_header_names_the_running_box_settings() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    import(&db, &corpus());
    let snap = Snapshot {
        port: "/dev/smdr0".into(),
        settings: "9600 8N1".into(),
        dialect: "panasonic".into(),
        store_open: true,
        ..Snapshot::default()
    };
    let f: web::SnapshotFn = Arc::new(move || snap.clone());
    let w = web::start("127.0.0.1:0".parse().unwrap(), db, f).unwrap();
    let (status, _, body) = get(w.addr(), "/capture.log?last=2");
    assert_eq!(status, 200);
    let (header, lines) = split(&body);
    let h = header.join("\n");
    assert!(h.contains("# PBX: dialect panasonic"), "{h}");
    assert!(h.contains("# Serial: /dev/smdr0, 9600 8N1"), "{h}");
    assert_eq!(lines.len(), 2);
}
