//! The command line as an installer and an office manager use it.

mod common;

use common::*;
use std::process::Command;

fn smdrbox(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN).args(args).output().expect("run smdrbox");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn check_config_accepts_and_refuses_with_file_line_reason() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.toml");
    std::fs::write(
        &good,
        "[source]\npath = \"/dev/smdr0\"\nbaud = 1200\ndata_bits = 7\nparity = \"even\"\n",
    )
    .unwrap();
    let (code, out, err) = smdrbox(&["check-config", good.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("ok: serial /dev/smdr0 at 1200 7E1"), "{out}");

    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[source]\npath = \"/dev/smdr0\"\n\n[ring]\ncapacity = 99999\n",
    )
    .unwrap();
    let (code, _, err) = smdrbox(&["check-config", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        err.contains(&format!("{}:5:", bad.display()))
            && err.contains("must be between 1 and 4096"),
        "{err}"
    );

    // `run` refuses the same file the same way, before touching anything.
    let (code, _, err) = smdrbox(&["run", "--config", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains(":5:"), "{err}");

    let (code, _, err) = smdrbox(&["check-config", "/nonexistent/smdrbox.toml"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("/nonexistent/smdrbox.toml: cannot read"),
        "{err}"
    );
}

#[test]
fn import_then_export_the_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let files = corpus_files("panasonic");
    let mut args = vec!["import", "--db", db.to_str().unwrap()];
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    args.extend(names.iter().map(String::as_str));
    let (code, out, err) = smdrbox(&args);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(" records, ") && out.contains(" 0 rejects"),
        "{out}"
    );

    let c = rusqlite::Connection::open(&db).unwrap();
    let records: i64 = c
        .query_row("SELECT count(*) FROM records", [], |r| r.get(0))
        .unwrap();
    let lines: i64 = c
        .query_row("SELECT count(*) FROM raw_lines", [], |r| r.get(0))
        .unwrap();
    let nonblank: usize = files
        .iter()
        .map(|f| capture_lines(f).iter().filter(|l| !is_blank(l)).count())
        .sum();
    assert_eq!(lines as usize, nonblank, "every non-blank line stored once");

    let (code, csv, err) = smdrbox(&[
        "export",
        "--db",
        db.to_str().unwrap(),
        "--from",
        "2020-01-01",
        "--to",
        "2020-12-31",
    ]);
    assert_eq!(code, 0, "{err}");
    let mut rows = csv.lines();
    let header = rows.next().unwrap();
    // UTF-8 with a byte-order mark, for Excel.
    assert!(header.starts_with("\u{feff}seq,date,time"), "{header}");
    assert_eq!(rows.count() as i64, records);

    let (code, _, err) = smdrbox(&[
        "export",
        "--db",
        db.to_str().unwrap(),
        "--from",
        "2020-13-01",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("2020-13-01"), "{err}");
}
