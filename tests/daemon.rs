//! The real daemon binary fed through real pseudo-terminals.

mod common;

use common::*;
use smdrbox::core::dialect::{panasonic::Panasonic, DateOrder, Dialect};
use smdrbox::core::framer::decode;
use smdrbox::core::record::Parsed;
use std::time::Duration;

const T: Duration = Duration::from_secs(60);

/// Every Panasonic capture replays through a pty into the running daemon: each non-blank line
/// becomes exactly one stored raw line, in order, as a record, header or reject, and what the
/// daemon stored equals what the dialect (pinned by tests/golden_corpus.rs) parses.
#[test]
fn corpus_replays_through_pty_into_database() {
    for file in corpus_files("panasonic") {
        let b = TestBox::new("", "");
        let mut pty = Pty::new();
        relink(&b.link, &pty.path);
        let d = b.start();
        wait_until(T, "link up", || d.status()["status"]["link"] == "up");
        let lines = capture_lines(&file);
        let expected: Vec<&Vec<u8>> = lines.iter().filter(|l| !is_blank(l)).collect();
        for l in &lines {
            pty.write(l);
            pty.write(b"\r\n");
        }
        let want = expected.len() as i64;
        wait_until(T, "all lines stored", || {
            b.count("SELECT count(*) FROM raw_lines") >= want
        });
        assert_eq!(
            b.count("SELECT count(*) FROM raw_lines"),
            want,
            "{}",
            file.display()
        );

        let conn = rusqlite::Connection::open(&b.db).unwrap();
        let mut st = conn
            .prepare(
                "SELECT l.seq, l.line, l.kind, l.reason, r.extension, r.number, r.duration_secs,
                        r.condition, r.call_date
                 FROM raw_lines l LEFT JOIN records r ON r.seq = l.seq ORDER BY l.seq",
            )
            .unwrap();
        type Row = (
            i64,
            Vec<u8>,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<i64>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = st
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                ))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let mut dialect = Panasonic::new(DateOrder::Dmy);
        let mut records = 0;
        for (i, (row, input)) in rows.iter().zip(&expected).enumerate() {
            assert_eq!(row.0, i as i64 + 1, "sequence numbers are gap-free from 1");
            assert_eq!(&row.1, *input, "line {i} stored byte for byte");
            let parsed = dialect.parse(&decode(input));
            assert_eq!(row.2, parsed.kind(), "line {i} kind");
            match parsed {
                Parsed::Record { record, .. } => {
                    records += 1;
                    assert_eq!(row.4.as_deref(), Some(record.extension.as_str()));
                    assert_eq!(row.5.as_deref(), Some(record.number.as_str()));
                    assert_eq!(row.6, record.duration_secs.map(i64::from));
                    assert_eq!(row.7, record.condition);
                    assert_eq!(row.8, record.date.map(|d| d.format("%Y-%m-%d").to_string()));
                }
                Parsed::Reject { reason } => assert_eq!(row.3.as_deref(), Some(reason.as_str())),
                Parsed::Header { .. } => {}
            }
        }
        assert!(records > 0);

        // The same calls come out of the web page and its CSV.
        let first: String = conn
            .query_row("SELECT min(call_date) FROM records", [], |r| r.get(0))
            .unwrap();
        let last: String = conn
            .query_row("SELECT max(call_date) FROM records", [], |r| r.get(0))
            .unwrap();
        let (code, csv) = d.get(&format!("/export.csv?from={first}&to={last}"));
        assert_eq!(code, 200);
        assert_eq!(
            csv.lines().count() as i64,
            records + 1,
            "header + one row per record"
        );
        let st = d.status();
        assert_eq!(st["status"]["records"], records);
        let log = d.stop();
        assert!(
            log.iter()
                .any(|l| l.contains(&format!("committed through seq {want}"))),
            "{log:?}"
        );
    }
}

fn line(i: usize) -> String {
    call_line(i)
}

/// Unplug: the pty behind the configured symlink closes mid-line; a new pty is linked in its
/// place. The daemon shows link down, then up, and keeps everything it had read, including the
/// unterminated part of the line being printed when the cable went.
#[test]
fn unplug_and_replug_behind_a_symlink() {
    let b = TestBox::new("commit_interval_ms = 50\n", "");
    let mut pty = Pty::new();
    relink(&b.link, &pty.path);
    let d = b.start();
    wait_until(T, "link up", || d.status()["status"]["link"] == "up");
    for i in 0..20 {
        pty.write(format!("{}\r\n", line(i)).as_bytes());
    }
    pty.write(b"07/12/20 11:59    401 01 0364");
    wait_until(T, "20 lines stored", || {
        b.count("SELECT count(*) FROM raw_lines") == 20
    });
    drop(pty);
    wait_until(T, "link down", || d.status()["status"]["link"] == "down");
    wait_until(T, "partial line stored", || {
        b.count("SELECT count(*) FROM raw_lines WHERE partial = 1") == 1
    });
    let reason = d.status()["status"]["link_reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!reason.is_empty());
    let (_, page) = d.get("/");
    assert!(
        page.contains("<span class=\"bad\">down</span>") && page.contains(&reason),
        "status page shows the link down and why"
    );

    let mut pty2 = Pty::new();
    relink(&b.link, &pty2.path);
    wait_until(T, "link up again", || d.status()["status"]["link"] == "up");
    for i in 20..40 {
        pty2.write(format!("{}\r\n", line(i)).as_bytes());
    }
    wait_until(T, "all lines stored", || {
        b.count("SELECT count(*) FROM raw_lines") == 41
    });
    assert_eq!(b.count("SELECT count(*) FROM records"), 40);
    assert_eq!(b.count("SELECT max(seq) FROM raw_lines"), 41);
    let st = d.status();
    assert_eq!(st["status"]["link_downs"], 1);
    d.stop();
    assert!(b.count("SELECT count(*) FROM events WHERE kind = 'link_down'") >= 1);
    assert!(b.count("SELECT count(*) FROM events WHERE kind = 'link_up'") >= 2);
}

/// A port that does not exist yet is link down with a reason, not a failure to start; when
/// the device appears, capture begins.
#[test]
fn missing_port_is_link_down_until_it_appears() {
    let b = TestBox::new("", "");
    let d = b.start();
    wait_until(T, "link down", || d.status()["status"]["link"] == "down");
    let st = d.status();
    assert!(
        st["status"]["link_reason"]
            .as_str()
            .unwrap()
            .contains("not found"),
        "{st}"
    );
    let mut pty = Pty::new();
    relink(&b.link, &pty.path);
    wait_until(T, "link up", || d.status()["status"]["link"] == "up");
    pty.write(format!("{}\r\n", line(1)).as_bytes());
    wait_until(T, "stored", || b.count("SELECT count(*) FROM records") == 1);
    d.stop();
}

/// SIGTERM during a burst: every line the daemon had read is in the database after restart,
/// and sequence numbers continue without a gap. The commit interval is long, so the lines are
/// still in RAM when the signal comes.
#[test]
fn sigterm_during_burst_loses_nothing() {
    let b = TestBox::new(
        "commit_interval_ms = 60000\ncommit_max_records = 4000\n",
        "\n[ring]\ncapacity = 4096\n",
    );
    let mut pty = Pty::new();
    relink(&b.link, &pty.path);
    let d = b.start();
    wait_until(T, "link up", || d.status()["status"]["link"] == "up");
    let mut master = pty.master.try_clone().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        for i in 0..3000 {
            if master
                .write_all(format!("{}\r\n", line(i)).as_bytes())
                .is_err()
            {
                break;
            }
        }
    });
    wait_until(T, "burst under way", || {
        d.status()["status"]["lines_read"].as_u64().unwrap() >= 500
    });
    assert_eq!(
        b.count("SELECT count(*) FROM raw_lines"),
        0,
        "nothing committed yet"
    );
    let log = d.stop();
    let read: i64 = log
        .iter()
        .find_map(|l| {
            l.split("stopped: ")
                .nth(1)
                .and_then(|r| r.split(' ').next())
                .and_then(|n| n.parse().ok())
        })
        .expect("stop line with lines read");
    assert!(read >= 500);
    assert_eq!(
        b.count("SELECT count(*) FROM raw_lines"),
        read,
        "every line read was stored"
    );
    assert_eq!(b.count("SELECT max(seq) FROM raw_lines"), read);
    assert_eq!(
        b.count("SELECT count(*) FROM events WHERE kind = 'stop'"),
        1
    );

    // Restart on the same database and pty: the rest of the burst arrives, seq continues.
    let d = b.start();
    writer.join().unwrap();
    pty.write(b"\r\n");
    // A line cut in two by the restart may be stored as two partial pieces; nothing is lost:
    // the stored text adds up to the 3000 lines written.
    let want: usize = (0..3000).map(|i| line(i).len()).sum();
    wait_until(T, "rest stored", || {
        b.count("SELECT coalesce(sum(length(line)), 0) FROM raw_lines") as usize == want
    });
    let log = d.stop();
    let total = b.count("SELECT count(*) FROM raw_lines");
    assert_eq!(b.count("SELECT max(seq) FROM raw_lines"), total, "gap-free");
    assert_eq!(
        b.count("SELECT count(*) FROM events WHERE kind = 'start'"),
        2
    );
    assert!(log.iter().any(|l| l.contains("stopped:")));
}

/// CPU seconds (user + system) the process has used, from /proc.
fn cpu_secs(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = rest.split(' ').collect();
    let ticks: f64 = f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap();
    // SAFETY: sysconf only reads a constant.
    ticks / unsafe { nix::libc::sysconf(nix::libc::_SC_CLK_TCK) } as f64
}

/// While the port is missing the daemon retries every 2 s and otherwise sleeps: it must not
/// spin. (A CPU-time bound, not a wall-clock one: it holds on a loaded machine too.)
#[test]
fn link_down_does_not_spin() {
    let b = TestBox::new("", "");
    let d = b.start();
    wait_until(T, "link down", || d.status()["status"]["link"] == "down");
    let before = cpu_secs(d.pid());
    std::thread::sleep(Duration::from_secs(5));
    let used = cpu_secs(d.pid()) - before;
    assert!(
        used < 0.5,
        "daemon used {used} s of CPU in 5 s while the link was down"
    );
    d.stop();
}

/// The database is locked by another process, so commits wait; the reader keeps reading, the
/// small ring overflows, and the loss is counted, shown and recorded, never silent. When the
/// lock goes, everything still in the ring is stored.
#[test]
fn ring_overflow_while_storage_is_stuck_is_counted_and_shown() {
    let b = TestBox::new("commit_interval_ms = 50\n", "\n[ring]\ncapacity = 10\n");
    let mut pty = Pty::new();
    relink(&b.link, &pty.path);
    let d = b.start();
    wait_until(T, "link up", || d.status()["status"]["link"] == "up");
    let lock = rusqlite::Connection::open(&b.db).unwrap();
    lock.execute_batch("BEGIN EXCLUSIVE").unwrap();
    for i in 0..50 {
        pty.write(format!("{}\r\n", line(i)).as_bytes());
    }
    wait_until(T, "all 50 lines read", || {
        d.status()["status"]["lines_read"].as_u64().unwrap() == 50
    });
    let st = d.status();
    let lost = st["status"]["ring"]["overflow_lines"].as_u64().unwrap();
    assert!(lost >= 30, "{st}");
    assert_eq!(st["verdict"]["level"], "fault", "{st}");
    let (_, page) = d.get("/");
    assert!(
        page.contains("lines lost"),
        "status page shows the overflow"
    );
    lock.execute_batch("COMMIT").unwrap();
    drop(lock);
    wait_until(T, "ring drained and overflow recorded", || {
        b.count("SELECT count(*) FROM events WHERE kind = 'overflow'") == 1
    });
    let stored = b.count("SELECT count(*) FROM raw_lines");
    assert_eq!(stored as u64 + lost, 50, "every line is stored or counted");
    assert!(d.log_contains("ring full"));
    d.stop();
}

/// A port another program holds is "in use", not "unplugged": the technician looks for the
/// other program, not at the cable.
#[test]
fn port_held_by_another_program_is_reported_as_in_use() {
    let b = TestBox::new("", "");
    let _pty = {
        let pty = Pty::new();
        relink(&b.link, &pty.path);
        pty
    };
    let first = b.start();
    wait_until(T, "first daemon has the port", || {
        first.status()["status"]["link"] == "up"
    });
    let other = TestBox::new("", "");
    relink(&other.link, &b.link);
    let second = other.start();
    wait_until(T, "second daemon reports the port busy", || {
        second.status()["status"]["link"] == "down"
    });
    let why = second.status()["status"]["link_reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(why.contains("in use by another program"), "{why}");
    second.stop();
    first.stop();
}
