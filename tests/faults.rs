//! Faults the box meets in the field, each with the status it shows and proof that nothing
//! was lost after recovery. Real files, real file systems (tmpfs), the real binary.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::time::Duration;

const T: Duration = Duration::from_secs(60);

fn feed(pty: &mut Pty, range: std::ops::Range<usize>) {
    for i in range {
        pty.write(format!("{}\r\n", call_line(i)).as_bytes());
    }
}

fn read_count(d: &Daemon) -> u64 {
    d.status()["status"]["lines_read"].as_u64().unwrap()
}

fn verdict(d: &Daemon) -> (String, String) {
    let st = d.status();
    (
        st["verdict"]["level"].as_str().unwrap().to_string(),
        st["verdict"]["summary"].as_str().unwrap().to_string(),
    )
}

/// Files in `dir` whose name starts with `prefix`.
fn files_starting(dir: &Path, prefix: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix))
        .collect();
    v.sort();
    v
}

/// A file that is not a database, with stray -wal and -shm beside it: all three are moved
/// aside together, a fresh database is started, and the page says what happened.
#[test]
fn garbage_database_file_is_moved_aside_with_its_wal_and_shm() {
    let b = TestBox::new("commit_interval_ms = 50\n", "");
    let dir = b.db.parent().unwrap().to_path_buf();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(&b.db, "this is not a database\n".repeat(300)).unwrap();
    std::fs::write(dir.join("smdrbox.db-wal"), "junk").unwrap();
    std::fs::write(dir.join("smdrbox.db-shm"), "junk").unwrap();
    check_rotated_and_fresh(&b, &dir, 3);
}

/// A real database whose pages were damaged (a power cut on a lying SD card): quick_check
/// fails at start, the file is moved aside, capture goes on in a fresh one.
#[test]
fn corrupt_database_pages_are_detected_at_start() {
    let b = TestBox::new("commit_interval_ms = 50\n", "");
    let dir = b.db.parent().unwrap().to_path_buf();
    {
        let mut pty = Pty::new();
        relink(&b.link, &pty.path);
        let d = b.start();
        feed(&mut pty, 0..500);
        wait_until(T, "500 stored", || {
            b.count("SELECT count(*) FROM raw_lines") == 500
        });
        d.stop();
    }
    // Overwrite the middle of the file (after the header page) with junk.
    let mut bytes = std::fs::read(&b.db).unwrap();
    assert!(bytes.len() > 16 * 4096, "database big enough to damage");
    for b in &mut bytes[8 * 4096..12 * 4096] {
        *b = 0xA5;
    }
    std::fs::write(&b.db, &bytes).unwrap();
    check_rotated_and_fresh(&b, &dir, 3);
}

fn check_rotated_and_fresh(b: &TestBox, dir: &Path, moved_files: usize) {
    let mut pty = Pty::new();
    relink(&b.link, &pty.path);
    let d = b.start();
    let aside = files_starting(dir, "smdrbox.db.corrupt-");
    assert_eq!(aside.len(), moved_files, "{aside:?}");
    let (level, summary) = verdict(&d);
    assert_eq!(level, "fault");
    assert!(
        summary.contains("was corrupt") && summary.contains("moved aside"),
        "{summary}"
    );
    let (_, page) = d.get("/");
    assert!(page.contains("was corrupt"), "the status page shows it");
    feed(&mut pty, 1000..1005);
    // Says what the daemon saw if it fails: read but not stored, or never read.
    let end = std::time::Instant::now() + T;
    loop {
        let n = b.count("SELECT count(*) FROM raw_lines");
        if n == 5 {
            break;
        }
        assert!(
            std::time::Instant::now() < end,
            "the fresh database holds {n} lines, not 5; status: {}",
            d.status()["status"]
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(
        b.count("SELECT count(*) FROM events WHERE kind = 'db_rotated'"),
        1
    );
    d.stop();
    assert_eq!(b.integrity(), "ok");
}

/// Another process holds the database locked: commits wait, lines wait in RAM, the page says
/// why; when the lock goes every line is stored.
#[test]
fn locked_database_delays_commits_and_loses_nothing() {
    let b = TestBox::new("commit_interval_ms = 50\n", "");
    let mut pty = Pty::new();
    relink(&b.link, &pty.path);
    let d = b.start();
    let lock = rusqlite::Connection::open(&b.db).unwrap();
    lock.execute_batch("BEGIN EXCLUSIVE").unwrap();
    feed(&mut pty, 0..100);
    wait_until(T, "100 read", || read_count(&d) == 100);
    wait_until(T, "storage fault shown", || verdict(&d).0 == "fault");
    let (_, summary) = verdict(&d);
    assert!(summary.contains("locked"), "{summary}");
    lock.execute_batch("COMMIT").unwrap();
    drop(lock);
    wait_until(T, "all stored", || {
        b.count("SELECT count(*) FROM raw_lines") == 100
    });
    wait_until(T, "fault cleared", || verdict(&d).0 == "ok");
    d.stop();
}

/// The disk fills up: capture continues into the ring, the page shows the storage fault, and
/// when space returns every line held is stored, in order, in an intact database.
#[test]
fn disk_full_holds_lines_and_stores_them_when_space_returns() {
    let dir = tempfile::tempdir().unwrap();
    let fs = Tmpfs::mount(&dir.path().join("fs"), 1024);
    let b = TestBox::with_db(&fs.dir.join("smdrbox.db"), "commit_interval_ms = 50", "");
    let mut pty = Pty::new();
    relink(&b.link, &pty.path);
    let d = b.start();
    feed(&mut pty, 0..10);
    wait_until(T, "10 stored", || {
        b.count("SELECT count(*) FROM raw_lines") == 10
    });
    let filler = fs.dir.join("filler");
    fill(&filler);
    feed(&mut pty, 10..300);
    wait_until(T, "300 read", || read_count(&d) == 300);
    wait_until(T, "storage fault shown", || verdict(&d).0 == "fault");
    let (_, summary) = verdict(&d);
    assert!(summary.contains("full"), "{summary}");
    assert!(b.count("SELECT count(*) FROM raw_lines") < 300);
    std::fs::remove_file(&filler).unwrap();
    wait_until(T, "all stored after space returns", || {
        b.count("SELECT count(*) FROM raw_lines") == 300
    });
    wait_until(T, "fault cleared", || verdict(&d).0 == "ok");
    d.stop();
    assert_eq!(b.integrity(), "ok");
    assert_in_order(&b.db, 300);
}

/// Fill the file system holding `path` until a write fails.
fn fill(path: &Path) {
    use std::io::Write;
    let mut f = std::fs::File::create(path).unwrap();
    let chunk = vec![0u8; 4096];
    while f.write_all(&chunk).and_then(|_| f.sync_all()).is_ok() {}
}

/// Raw lines hold call_line(0..n), in order, once each.
fn assert_in_order(db: &Path, n: usize) {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c
        .prepare("SELECT line FROM raw_lines ORDER BY seq")
        .unwrap();
    let lines: Vec<Vec<u8>> = st
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let want: Vec<Vec<u8>> = (0..n).map(|i| call_line(i).into_bytes()).collect();
    assert_eq!(lines.len(), want.len());
    assert!(lines == want, "lines stored out of order or altered");
}

/// The data file system is read-only when the daemon starts (a failed mount, a read-only
/// image): it still captures into the ring and shows why nothing is stored; once writable,
/// everything read is stored.
#[test]
fn read_only_file_system_at_start_then_writable() {
    let dir = tempfile::tempdir().unwrap();
    let fs = Tmpfs::mount(&dir.path().join("fs"), 4096);
    fs.remount("ro");
    let b = TestBox::with_db(&fs.dir.join("smdrbox.db"), "commit_interval_ms = 50", "");
    let mut pty = Pty::new();
    relink(&b.link, &pty.path);
    let d = Daemon::start_without_db(&b.config, &[]);
    wait_until(T, "link up", || d.status()["status"]["link"] == "up");
    feed(&mut pty, 0..50);
    wait_until(T, "50 read", || read_count(&d) == 50);
    wait_until(T, "storage fault shown", || verdict(&d).0 == "fault");
    let (_, summary) = verdict(&d);
    assert!(summary.contains("cannot open the database"), "{summary}");
    let (code, _) = d.get("/");
    assert_eq!(code, 200, "the status page works without a database");
    fs.remount("rw");
    wait_until(T, "database created", || {
        d.status()["db"]["lines"].as_i64() == Some(50)
    });
    assert_in_order(&b.db, 50);
    d.stop();
}

/// Line noise and a 10 MB line without a terminator: every byte is counted, the long line is
/// cut and kept, memory stays small, and the next good line is read normally.
#[test]
fn garbage_and_a_10_mb_line_are_counted_and_memory_stays_bounded() {
    let b = TestBox::new("commit_interval_ms = 50\n", "");
    let mut pty = Pty::new();
    relink(&b.link, &pty.path);
    let d = b.start();
    let mut rng = fastrand::Rng::with_seed(11);
    let noise: Vec<u8> = (0..1_000_000)
        .map(|_| match rng.u8(0..4) {
            0 => rng.u8(0..0x20),
            _ => rng.u8(0x80..=0xff),
        })
        .filter(|&b| b != b'\r' && b != b'\n')
        .collect();
    let mut sent = noise.len() as u64;
    pty.write(&noise);
    pty.write(b"\r\n");
    let long = vec![b'7'; 10 * 1024 * 1024];
    pty.write(&long);
    pty.write(b"\r\n");
    let good = call_line(42);
    pty.write(format!("{good}\r\n").as_bytes());
    sent += 2 + long.len() as u64 + 2 + good.len() as u64 + 2;
    wait_until(T, "good line stored", || {
        b.count("SELECT count(*) FROM records") == 1
    });
    let st = d.status();
    let f = &st["status"]["framer"];
    assert_eq!(f["bytes_in"].as_u64(), Some(sent), "{f}");
    assert_eq!(f["overlong_lines"].as_u64(), Some(2), "{f}");
    assert!(f["garbage_bytes"].as_u64().unwrap() > 100_000, "{f}");
    assert_eq!(
        b.count("SELECT count(*) FROM raw_lines WHERE truncated = 1 AND length(line) = 512"),
        2
    );
    let findings = st["verdict"]["findings"].to_string();
    assert!(findings.contains("2 lines too long, cut"), "{findings}");
    let rss_kib = vm_hwm_kib(d.pid());
    assert!(
        rss_kib < 64 * 1024,
        "peak RSS {rss_kib} KiB after 11 MB of input"
    );
    d.stop();
}

fn vm_hwm_kib(pid: u32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    s.lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

fn libfaketime() -> PathBuf {
    let found = std::fs::read_dir("/usr/lib")
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("faketime/libfaketime.so.1"))
        .chain([PathBuf::from("/usr/lib/faketime/libfaketime.so.1")])
        .find(|p| p.exists());
    found.expect("libfaketime not installed: run `make deps`")
}

/// The wall clock jumps (NTP at first boot steps it years forward; later a step back): commits
/// keep their rhythm (they are timed on the monotonic clock), the link stays up, and receive
/// times follow the new clock.
#[test]
fn wall_clock_jumps_do_not_stall_capture() {
    let b = TestBox::new("commit_interval_ms = 100\n", "");
    let clock = b.dir.path().join("faketime");
    std::fs::write(&clock, "-3y\n").unwrap();
    let lib = libfaketime();
    let mut pty = Pty::new();
    relink(&b.link, &pty.path);
    let d = Daemon::start_with_env(
        &b.config,
        &[
            ("LD_PRELOAD", lib.to_str().unwrap()),
            ("FAKETIME_TIMESTAMP_FILE", clock.to_str().unwrap()),
            ("FAKETIME_NO_CACHE", "1"),
            // Only the wall clock jumps, as with a real NTP step.
            ("FAKETIME_DONT_FAKE_MONOTONIC", "1"),
        ],
    );
    feed(&mut pty, 0..5);
    wait_until(T, "5 stored", || {
        b.count("SELECT count(*) FROM raw_lines") == 5
    });
    let before = b.count("SELECT max(received_at) FROM raw_lines");
    std::fs::write(&clock, "+0\n").unwrap();
    feed(&mut pty, 5..10);
    wait_until(
        Duration::from_secs(10),
        "stored after the forward jump",
        || b.count("SELECT count(*) FROM raw_lines") == 10,
    );
    let after = b.count("SELECT max(received_at) FROM raw_lines");
    let years = (after - before) as f64 / (365.25 * 86_400_000.0);
    assert!(
        (2.9..3.1).contains(&years),
        "receive time jumped {years} years"
    );
    std::fs::write(&clock, "-1d\n").unwrap();
    feed(&mut pty, 10..15);
    wait_until(
        Duration::from_secs(10),
        "stored after the backward jump",
        || b.count("SELECT count(*) FROM raw_lines") == 15,
    );
    assert_eq!(d.status()["status"]["link"], "up");
    assert_eq!(d.status()["status"]["link_downs"], 0);
    d.stop();
    assert_eq!(
        b.count("SELECT count(*) FROM events WHERE kind = 'link_down'"),
        0
    );
}

/// `smdrbox backup` while lines stream in: the copy is an intact, gap-free database holding at
/// least everything committed before it started.
#[test]
fn backup_while_capturing_is_consistent() {
    let b = TestBox::new("commit_interval_ms = 20\n", "");
    let pty = Pty::new();
    relink(&b.link, &pty.path);
    let d = b.start();
    let mut master = pty.master.try_clone().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        for i in 0..20_000 {
            if master
                .write_all(format!("{}\r\n", call_line(i)).as_bytes())
                .is_err()
            {
                break;
            }
        }
    });
    wait_until(T, "capture under way", || {
        d.status()["status"]["committed_seq"].as_i64().unwrap() > 1000
    });
    let committed = d.status()["status"]["committed_seq"].as_i64().unwrap();
    let out = b.dir.path().join("backup.db");
    let run = |out: &Path| {
        std::process::Command::new(BIN)
            .args(["backup", "--db"])
            .arg(&b.db)
            .arg(out)
            .output()
            .unwrap()
    };
    let r = run(&out);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let c = rusqlite::Connection::open(&out).unwrap();
    let q = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
    let check: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let n = q("SELECT count(*) FROM raw_lines");
    assert!(
        n >= committed,
        "backup has {n} lines, {committed} were committed before"
    );
    assert_eq!(q("SELECT max(seq) FROM raw_lines"), n, "gap-free");
    let r = run(&out);
    assert!(
        !r.status.success(),
        "an existing backup is never overwritten"
    );
    writer.join().unwrap();
    d.stop();
}
