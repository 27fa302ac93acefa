//! Avaya IP Office end to end: the real captures of `shared/corpus/avaya-ipoffice/` imported
//! with `smdrbox import` into a real SQLite file (dialect from the configuration), then the
//! `summary`, `operators` and `lost` reports through the CLI, checked against figures read off
//! the capture by hand; and a capture replayed by `smdrbox simulate` over TCP into the daemon.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const REAL: &str = "ipo500v2-emceha-2017-07-part1";
const KB: &str = "ipoffice-avaya-kb-smdr_examples";

fn capture(stem: &str) -> PathBuf {
    corpus_dir("avaya-ipoffice").join(format!("{stem}.log"))
}

/// The capture's record lines, split on commas (nothing else: an independent reading).
fn csv_rows(stem: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(capture(stem)).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.trim_end().split(',').map(str::to_string).collect())
        .collect()
}

fn hms(s: &str) -> i64 {
    s.split(':')
        .fold(0, |acc, p| acc * 60 + p.parse::<i64>().unwrap())
}

fn cli(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A configuration naming the dialect (no `--dialect` flag), and both captures imported.
fn imported(dir: &Path) -> (PathBuf, PathBuf) {
    let db = dir.join("avaya.db");
    let config = dir.join("box.toml");
    std::fs::write(
        &config,
        format!(
            "[source]\nkind = \"tcp-client\"\nconnect = \"192.0.2.5:8808\"\n\
             [store]\npath = \"{}\"\n[pbx]\ndialect = \"avaya-ipoffice\"\n",
            db.display()
        ),
    )
    .unwrap();
    for stem in [REAL, KB] {
        let out = cli(&[
            "import",
            "--config",
            config.to_str().unwrap(),
            capture(stem).to_str().unwrap(),
        ]);
        assert!(
            out.contains(" 0 rejects") && out.contains("dialect avaya-ipoffice"),
            "{out}"
        );
    }
    (db, config)
}

/// A report as JSON.
fn report(db: &Path, name: &str, from: &str, to: &str) -> serde_json::Value {
    let json = cli(&[
        "report",
        name,
        "--db",
        db.to_str().unwrap(),
        "--from",
        from,
        "--to",
        to,
        "--format",
        "json",
    ]);
    serde_json::from_str(&json).unwrap()
}

fn figure(r: &serde_json::Value, key: &str) -> serde_json::Value {
    report_figure(r, key).unwrap_or_else(|| panic!("no figure {key} in {r}"))
}

/// The table's rows as {column key: value}.
fn rows(r: &serde_json::Value) -> Vec<serde_json::Map<String, serde_json::Value>> {
    let keys: Vec<String> = r["table"]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap().to_string())
        .collect();
    r["table"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            keys.iter()
                .cloned()
                .zip(row.as_array().unwrap().iter().map(|c| c["v"].clone()))
                .collect()
        })
        .collect()
}

#[test]
fn import_and_reports_match_the_capture() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = imported(dir.path());
    let conn = rusqlite::Connection::open(&db).unwrap();
    let n: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM records WHERE dialect = 'avaya-ipoffice' AND call_id IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let real = csv_rows(REAL);
    let kb = csv_rows(KB);
    assert_eq!(n as usize, real.len() + kb.len());
    assert_eq!((real.len(), kb.len()), (299, 6));

    // The real 2017 week. Read off the CSV: Direction (5) `I` rows are incoming, all with
    // Connected 00:00:00; `O` rows with Is Internal (9) 0 and a trunk party (`T...`) or the
    // tone party `V8000` are outgoing; the rest (Is Internal 1, or voicemail `V9511`) internal.
    let incoming: Vec<&Vec<String>> = real.iter().filter(|f| f[4] == "I").collect();
    let outgoing: Vec<&Vec<String>> = real
        .iter()
        .filter(|f| f[4] == "O" && f[8] == "0" && !f[13].starts_with("V9"))
        .collect();
    let internal = real.len() - incoming.len() - outgoing.len();
    let outgoing_talk: i64 = outgoing.iter().map(|f| hms(&f[1])).sum();
    let not_connected = outgoing.iter().filter(|f| f[1] == "00:00:00").count();
    let longest_lost = incoming.iter().map(|f| f[2].parse::<i64>().unwrap()).max();
    // By hand: 6 unanswered calls to 212 without caller ID; 8 calls on Line 5.0 talking
    // 61+79+47+49+204+3+79+32 s and 3 attempts that reached the tone party; 184 + 43 + 44
    // internal calls and 11 to voicemail; the longest lost call rang 61 s.
    assert_eq!(incoming.len(), 6);
    assert!(incoming.iter().all(|f| f[1] == "00:00:00"));
    assert_eq!((outgoing.len(), not_connected, outgoing_talk), (11, 3, 554));
    assert_eq!(internal, 282);
    assert_eq!(longest_lost, Some(61));

    let s = report(&db, "summary", "2017-07-01", "2017-07-07");
    assert_eq!(figure(&s, "incoming"), incoming.len());
    assert_eq!(figure(&s, "answered"), 0);
    assert_eq!(figure(&s, "lost"), incoming.len());
    assert_eq!(figure(&s, "outgoing"), outgoing.len());
    assert_eq!(figure(&s, "outgoing_talk"), outgoing_talk);
    assert_eq!(figure(&s, "outgoing_not_connected"), not_connected);
    assert_eq!(figure(&s, "internal"), internal);
    assert_eq!(figure(&s, "longest_wait_lost"), longest_lost.unwrap());

    let o = report(&db, "operators", "2017-07-01", "2017-07-07");
    let ops = rows(&o);
    let ext = |e: &str| {
        ops.iter()
            .find(|r| r["extension"] == e)
            .unwrap_or_else(|| panic!("no row for {e}: {ops:?}"))
            .clone()
    };
    // Every lost call rang at 212 only.
    assert_eq!(ext("212")["offered"], 6);
    assert_eq!(ext("212")["not_answered"], 6);
    assert_eq!(ext("212")["answered"], 0);
    // 222 dialled 5 calls on the line: 79 + 47 + 3 + 79 + 32 s.
    assert_eq!(ext("222")["outgoing"], 5);
    assert_eq!(ext("222")["outgoing_talk_secs"], 240);
    // 214: two on the line (49 + 204 s) and `56`, which reached the tone party.
    assert_eq!(ext("214")["outgoing"], 3);
    assert_eq!(ext("214")["outgoing_talk_secs"], 253);

    let l = report(&db, "lost", "2017-07-01", "2017-07-07");
    assert_eq!(figure(&l, "lost_calls"), 6);
    assert_eq!(figure(&l, "no_caller_id"), 6);
    let lost = rows(&l);
    assert_eq!(lost.len(), 6);
    assert_eq!(lost[0]["called_at"], "2017-07-04T11:01:57");
    assert_eq!(lost[0]["line"], "Line 5.0");
    assert_eq!(lost[0]["rang"], "212");
    assert_eq!(lost[0]["ring_secs"], 26);

    // The manual's examples (2008): lost at 4324 after 9 s; answered by 4750 after 7 s and
    // transferred to voicemail; answered by 23 after 7 s; 15 to voicemail and 4688 to 4207
    // are internal.
    let s = report(&db, "summary", "2008-06-01", "2008-10-31");
    assert_eq!(figure(&s, "incoming"), 3);
    assert_eq!(figure(&s, "answered"), 2);
    assert_eq!(figure(&s, "lost"), 1);
    assert_eq!(figure(&s, "answered_within_t"), 2);
    assert_eq!(figure(&s, "asa"), 7);
    assert_eq!(figure(&s, "internal"), 2);
    let ops = rows(&report(&db, "operators", "2008-06-01", "2008-10-31"));
    let ext = |e: &str| ops.iter().find(|r| r["extension"] == e).unwrap().clone();
    assert_eq!(
        (
            ext("4750")["answered"].clone(),
            ext("4750")["talk_secs"].clone()
        ),
        (1.into(), 13.into()),
        "voicemail's 21 s are not 4750's talk"
    );
    assert_eq!(ext("23")["answered"], 1);
    assert_eq!(ext("4324")["not_answered"], 1);
    assert!(
        !ops.iter().any(|r| r["extension"] == ""),
        "voicemail is no operator: {ops:?}"
    );
    let lost = rows(&report(&db, "lost", "2008-06-01", "2008-10-31"));
    assert_eq!(lost.len(), 1);
    assert_eq!(lost[0]["caller"], "8004206");
    assert_eq!(lost[0]["rang"], "4324");
    assert_eq!(lost[0]["ring_secs"], 9);
}

/// `smdrbox simulate --tcp-listen` plays the IP Office (which can listen for the collector,
/// S3) and the daemon connects as `tcp-client`: every line is stored and read as a record.
#[test]
fn simulate_replays_a_capture_over_tcp_into_the_daemon() {
    let file = capture(REAL);
    let want = csv_rows(REAL).len();
    let addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().to_string()
    };
    let mut sim = Command::new(BIN)
        .args(["simulate", "--tcp-listen", &addr, "--replay"])
        .arg(&file)
        .args(["--lines-per-sec", "0", "--hold", "1"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let b = TestBox::with_source(
        &format!("kind = \"tcp-client\"\nconnect = \"{addr}\""),
        "",
        "[pbx]\ndialect = \"avaya-ipoffice\"\n",
    );
    let d = b.start();
    assert!(sim.wait().unwrap().success());
    wait_until(Duration::from_secs(60), "replay stored", || {
        b.count("SELECT COUNT(*) FROM raw_lines") as usize >= want
    });
    d.stop();
    assert_eq!(b.count("SELECT COUNT(*) FROM raw_lines") as usize, want);
    assert_eq!(
        b.count(
            "SELECT COUNT(*) FROM records WHERE dialect = 'avaya-ipoffice' AND call_id IS NOT NULL"
        ) as usize,
        want
    );
    assert_eq!(
        b.count("SELECT COUNT(*) FROM raw_lines WHERE kind <> 'record'"),
        0
    );
    // The UTF-8 user names survive the wire.
    assert!(b.count("SELECT COUNT(*) FROM records WHERE extension_name = 'WŁOCŁAWSKA'") > 0);
}
