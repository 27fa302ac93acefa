//! `baud = "auto"` end to end: the real daemon hunts speed and framing on a real pty.
//!
//! A pty passes bytes unchanged whatever its termios says, so the simulated PBX puts a UART
//! line model (`core::uart`) between itself and the daemon: before each line it reads the
//! setting the daemon has put on the port (TCGETS2 on the master returns the slave's termios)
//! and writes what a receiver at that setting would really read from a PBX at its own:
//! garbage, with each framing or parity error as the NUL Linux delivers with the hunt's
//! input flags (`INPCK` without `PARMRK`). Nothing paces the pty; the hunt decides on bytes.
//! (The daemon keeps the port at 8N1 and checks 7-bit framings in software, as a pty cannot
//! hold CS7 or PARENB; the model reads whatever the termios really says.)

mod common;

use common::*;
use rusqlite::Connection;
use smdrbox::core::uart::{through_line, LineSetting, Parity};
use std::fs::File;
use std::io::Write;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

/// The setting the daemon has put on the pty, read through the master.
fn port_setting(master: &File) -> LineSetting {
    use nix::libc;
    // SAFETY: termios2 is plain data; TCGETS2 fills it from our own open descriptor.
    let mut t: libc::termios2 = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::ioctl(master.as_raw_fd(), libc::TCGETS2, &mut t) };
    assert_eq!(r, 0, "TCGETS2: {}", std::io::Error::last_os_error());
    let data_bits = if t.c_cflag & libc::CSIZE == libc::CS7 {
        7
    } else {
        8
    };
    let parity = match (t.c_cflag & libc::PARENB != 0, t.c_cflag & libc::PARODD != 0) {
        (false, _) => Parity::None,
        (true, false) => Parity::Even,
        (true, true) => Parity::Odd,
    };
    let stop_bits = if t.c_cflag & libc::CSTOPB != 0 { 2 } else { 1 };
    LineSetting::new(t.c_ospeed, data_bits, parity, stop_bits)
}

/// The PBX's end of the line: prints at `pbx` into the pty; the daemon reads at whatever it
/// has set.
struct Pbx {
    master: File,
    pbx: LineSetting,
    next: usize,
}

impl Pbx {
    fn print(&mut self) -> usize {
        let i = self.next;
        self.next += 1;
        let text = format!("{}\r\n", call_line(i));
        let rx = port_setting(&self.master);
        self.master
            .write_all(&through_line(text.as_bytes(), self.pbx, rx))
            .expect("write to pty master");
        // A little room between lines, as between calls, so the ring and the store keep up.
        std::thread::sleep(Duration::from_millis(3));
        i
    }

    /// Prints until the daemon says it locked; returns its view of the hunt.
    fn until_locked(&mut self, d: &Daemon) -> serde_json::Value {
        let end = Instant::now() + Duration::from_secs(60);
        loop {
            for _ in 0..10 {
                self.print();
            }
            let a = d.status()["status"]["autobaud"].clone();
            if a["state"] == "locked" {
                return a;
            }
            assert!(
                Instant::now() < end,
                "{}: no lock within 60 s: {a}",
                self.pbx.label()
            );
        }
    }
}

/// Stored lines, in order.
fn stored(db: &std::path::Path) -> Vec<Vec<u8>> {
    let c = Connection::open(db).unwrap();
    c.busy_timeout(Duration::from_secs(5)).unwrap();
    let mut q = c
        .prepare("SELECT line FROM raw_lines ORDER BY seq")
        .unwrap();
    q.query_map([], |r| r.get::<_, Vec<u8>>(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

fn auto_box() -> TestBox {
    let b = TestBox::new("commit_interval_ms = 50", "");
    let text = std::fs::read_to_string(&b.config).unwrap();
    std::fs::write(&b.config, text.replace("baud = 9600", "baud = \"auto\"")).unwrap();
    b
}

/// One PBX setting: the daemon locks on it, and every line from the lock on is stored.
fn hunt_and_store(pbx: LineSetting) -> Result<(), String> {
    let b = auto_box();
    let pty = Pty::new();
    relink(&b.link, &pty.path);
    let d = b.start();
    let mut p = Pbx {
        master: pty.master.try_clone().unwrap(),
        pbx,
        next: 0,
    };
    let view = p.until_locked(&d);
    let want = pbx.label();
    if view["setting"] != want.as_str() {
        return Err(format!("{want}: locked on {view}"));
    }
    // Lines after the lock (as the test saw it), each exactly once and in order.
    let first_after = p.next;
    for _ in 0..20 {
        p.print();
    }
    let last = p.next - 1;
    let want_line = |i: usize| call_line(i).into_bytes();
    let end = Instant::now() + Duration::from_secs(30);
    let lines = loop {
        let lines = stored(&b.db);
        if lines.last() == Some(&want_line(last)) {
            break lines;
        }
        if Instant::now() > end {
            return Err(format!(
                "{want}: line {last} not stored: {:?}",
                lines.last()
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    // What was stored is one unbroken run of the PBX's lines ending with the last: the lines
    // of the attempt that locked (the hunt's evidence) and everything after. Only the first
    // may be the tail of a line the switch cut; nothing of a rejected attempt is stored.
    let n = lines.len();
    let run_start = last + 1 - (n - 1);
    for (k, l) in lines.iter().enumerate().skip(1) {
        if *l != want_line(run_start + k - 1) {
            return Err(format!(
                "{want}: stored line {k} is {:?}, want line {}",
                String::from_utf8_lossy(l),
                run_start + k - 1
            ));
        }
    }
    if !want_line(run_start - 1).ends_with(&lines[0]) {
        return Err(format!(
            "{want}: first stored line {:?} is not line {}",
            String::from_utf8_lossy(&lines[0]),
            run_start - 1
        ));
    }
    let lock_lines = view["lock_lines"].as_u64().unwrap_or(0) as usize;
    if n < lock_lines || lock_lines < 3 || run_start > first_after {
        return Err(format!("{want}: {n} lines stored, lock after {lock_lines}"));
    }
    // The page and the JSON say what it locked on; the box remembers it.
    let s = d.status();
    if s["status"]["settings"] != format!("{want} (auto)").as_str() {
        return Err(format!("{want}: settings {}", s["status"]["settings"]));
    }
    let (code, page) = d.get("/");
    if code != 200 || !page.contains(&format!("locked on {want} (auto) after {lock_lines} lines")) {
        return Err(format!("{want}: status page does not show the lock"));
    }
    let state = b.db.with_file_name("autobaud.state");
    let remembered = std::fs::read_to_string(&state).unwrap_or_default();
    if remembered.trim() != want {
        return Err(format!("{want}: remembered {remembered:?}"));
    }
    d.stop();
    Ok(())
}

#[test]
fn every_speed_with_8n1_and_7e1_locks_and_stores_every_line() {
    let mut cases = Vec::new();
    for baud in [1200, 2400, 4800, 9600, 19200, 38400] {
        for (bits, parity) in [(8, Parity::None), (7, Parity::Even)] {
            cases.push(LineSetting::new(baud, bits, parity, 1));
        }
    }
    // All at once: each case is mostly waiting for the port to settle between candidates.
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = cases
            .iter()
            .map(|&c| s.spawn(move || hunt_and_store(c)))
            .collect();
        handles
            .into_iter()
            .filter_map(|h| match h.join() {
                Ok(Ok(())) => None,
                Ok(Err(e)) => Some(e),
                Err(_) => Some("a case panicked".to_string()),
            })
            .collect()
    });
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn the_remembered_setting_is_tried_first_after_a_restart() {
    let pbx = LineSetting::new(2400, 7, Parity::Odd, 1);
    let b = auto_box();
    let pty = Pty::new();
    relink(&b.link, &pty.path);
    let mut p = Pbx {
        master: pty.master.try_clone().unwrap(),
        pbx,
        next: 0,
    };
    let d = b.start();
    let first = p.until_locked(&d);
    assert_eq!(first["setting"], "2400 7O1");
    // 2400 is the third speed: the first hunt went through two others.
    assert_eq!(first["attempt"], 3, "{first}");
    assert!(first["discarded_bytes"].as_u64().unwrap() > 0, "{first}");
    d.stop();
    assert_eq!(
        std::fs::read_to_string(b.db.with_file_name("autobaud.state")).unwrap(),
        "2400 7O1\n"
    );

    // Restarted: the remembered setting is the first tried, and locks at once.
    let d = b.start();
    let hunting = d.status()["status"]["autobaud"].clone();
    assert_eq!(hunting["baud"], 2400, "{hunting}");
    assert_eq!(hunting["attempt"], 1, "{hunting}");
    assert!(d.log_contains("trying 2400 7O1 first"));
    // One line at a time this time, so the lines that decided the lock are known: they were
    // held while the hunt judged them, and must be stored too.
    let end = Instant::now() + Duration::from_secs(30);
    let (again, last) = loop {
        let i = p.print();
        std::thread::sleep(Duration::from_millis(30));
        let a = d.status()["status"]["autobaud"].clone();
        if a["state"] == "locked" {
            break (a, i);
        }
        assert!(Instant::now() < end, "no lock after the restart: {a}");
    };
    assert_eq!(
        (&again["setting"], &again["attempt"], &again["cycle"]),
        (&"2400 7O1".into(), &1.into(), &0.into()),
        "{again}"
    );
    let decided = again["lock_lines"].as_u64().unwrap() as usize;
    wait_until(Duration::from_secs(30), "the deciding lines stored", || {
        let lines = stored(&b.db);
        (last + 1 - decided..=last).all(|i| lines.contains(&call_line(i).into_bytes()))
    });
    d.stop();
}

#[test]
fn a_reconfigured_pbx_is_hunted_again() {
    let b = auto_box();
    let pty = Pty::new();
    relink(&b.link, &pty.path);
    let mut p = Pbx {
        master: pty.master.try_clone().unwrap(),
        pbx: LineSetting::new(9600, 8, Parity::None, 1),
        next: 0,
    };
    let d = b.start();
    assert_eq!(p.until_locked(&d)["setting"], "9600 8N1");
    // The installer changes the PBX to 4800 7E1: garbage at the locked setting, then a new
    // hunt, a new lock, and the new setting remembered.
    p.pbx = LineSetting::new(4800, 7, Parity::Even, 1);
    let end = Instant::now() + Duration::from_secs(60);
    let again = loop {
        let a = p.until_locked(&d);
        if a["setting"] == "4800 7E1" {
            break a;
        }
        assert!(Instant::now() < end, "no new lock: {a}");
    };
    assert_eq!(again["cycle"], 1, "{again}");
    wait_until(Duration::from_secs(10), "new setting remembered", || {
        std::fs::read_to_string(b.db.with_file_name("autobaud.state")).unwrap_or_default()
            == "4800 7E1\n"
    });
    assert!(d.log_contains("lost the lock on 9600 8N1"));
    d.stop();
    assert_eq!(
        b.count("SELECT count(*) FROM events WHERE kind = 'autobaud'"),
        3,
        "lock, loss, lock"
    );
}
