//! The real daemon drives its status LEDs through the Linux LED class, here a directory of
//! stand-ins for `/sys/class/leds/NAME/{brightness,max_brightness,trigger}`.

mod common;

use common::*;
use nix::sys::signal::Signal;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const T: Duration = Duration::from_secs(60);
const NAMES: [&str; 3] = [
    "smdrbox:green:status",
    "smdrbox:amber:link",
    "smdrbox:red:fault",
];

/// Three LEDs as the kernel shows them before the daemon takes over: dark, max 255, a trigger.
fn stand_ins(root: &Path) -> [PathBuf; 3] {
    NAMES.map(|n| {
        let dir = root.join(n);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("max_brightness"), "255\n").unwrap();
        std::fs::write(dir.join("brightness"), "0\n").unwrap();
        std::fs::write(dir.join("trigger"), "none [mmc0] timer heartbeat\n").unwrap();
        dir
    })
}

fn brightness(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("brightness"))
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// How many times the LED changed over `span`, sampled every 10 ms.
fn toggles(dir: &Path, span: Duration) -> usize {
    let end = Instant::now() + span;
    let mut last = brightness(dir);
    let mut n = 0;
    while Instant::now() < end {
        std::thread::sleep(Duration::from_millis(10));
        let now = brightness(dir);
        if now != last {
            n += 1;
            last = now;
        }
    }
    n
}

/// How each LED changed over `span`, sampled every 10 ms: (time since the start, new value).
fn changes(dirs: &[&Path], span: Duration) -> Vec<Vec<(Duration, String)>> {
    let start = Instant::now();
    let mut last: Vec<String> = dirs.iter().map(|d| brightness(d)).collect();
    let mut out = vec![Vec::new(); dirs.len()];
    while start.elapsed() < span {
        std::thread::sleep(Duration::from_millis(10));
        for (i, d) in dirs.iter().enumerate() {
            let now = brightness(d);
            // Empty: read while the daemon rewrites the file.
            if !now.is_empty() && now != last[i] {
                out[i].push((start.elapsed(), now.clone()));
                last[i] = now;
            }
        }
    }
    out
}

fn sysfs_table(root: &Path) -> String {
    format!(
        "[leds]\nbackend = \"sysfs\"\nsysfs_root = \"{}\"\n",
        root.display()
    )
}

fn sysfs_box(root: &Path) -> TestBox {
    TestBox::new("", &sysfs_table(root))
}

/// systemd's notify socket, only so that the daemon takes a watchdog interval (and with it the
/// limit for a hang); what arrives is read and dropped (tests/systemd.rs checks it).
struct NotifySink {
    target: String,
    stop: Arc<AtomicBool>,
    _dir: tempfile::TempDir,
}

impl NotifySink {
    fn bind() -> NotifySink {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notify.sock");
        let sock = UnixDatagram::bind(&path).unwrap();
        sock.set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let s = stop.clone();
        // Read, so the daemon's sends never wait on a full queue.
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while !s.load(Ordering::Relaxed) {
                let _ = sock.recv(&mut buf);
            }
        });
        NotifySink {
            target: path.display().to_string(),
            stop,
            _dir: dir,
        }
    }
}

impl Drop for NotifySink {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn led_state(d: &Daemon, i: usize) -> serde_json::Value {
    d.status()["status"]["leds"]["lights"][i]["state"].clone()
}

/// Missing port: amber on, green blinking slowly; a hung daemon freezes green; the port comes:
/// amber off; lines arrive: green blinks fast; SIGTERM: all dark.
#[test]
fn leds_follow_the_box_through_sysfs() {
    let root = tempfile::tempdir().unwrap();
    let [green, amber, red] = stand_ins(root.path());
    let b = sysfs_box(root.path());
    // The port's symlink does not exist yet: the PBX cable is "unplugged".
    let d = b.start();
    wait_until(T, "amber on", || brightness(&amber) == "255");
    for dir in [&green, &amber, &red] {
        assert_eq!(
            std::fs::read_to_string(dir.join("trigger")).unwrap(),
            "none",
            "the kernel's trigger is cleared so only the daemon drives {}",
            dir.display()
        );
    }
    assert_eq!(brightness(&red), "0");
    // The heartbeat: 1 s on, 1 s off, so 2 or 3 changes in 2.5 s.
    let n = toggles(&green, Duration::from_millis(2500));
    assert!((2..=4).contains(&n), "green changed {n} times in 2.5 s");

    let st = d.status();
    let leds = &st["status"]["leds"];
    assert_eq!(leds["backend"], "sysfs");
    assert_eq!(leds["lights"][0]["state"], "waiting");
    assert_eq!(leds["lights"][1]["state"], "port_missing");
    assert_eq!(leds["lights"][1]["pattern"], "on");
    assert_eq!(leds["lights"][2]["state"], serde_json::Value::Null);
    assert_eq!(
        leds["lights"][0]["device"],
        green.display().to_string().as_str()
    );
    assert_eq!(st["led_table"].as_array().map(Vec::len), Some(7));
    let (code, page) = d.get("/");
    assert_eq!(code, 200);
    assert!(page.contains("<h2>Status LEDs</h2>"), "{page}");
    assert!(
        page.contains("serial port missing, unplugged or not opening <small>(now)</small>"),
        "{page}"
    );

    // A hung daemon shows a frozen LED: the blinking is the daemon's own doing.
    d.signal(Signal::SIGSTOP);
    let frozen = toggles(&green, Duration::from_millis(2500));
    d.signal(Signal::SIGCONT);
    assert_eq!(frozen, 0, "green changed while the daemon was stopped");
    assert!(
        toggles(&green, Duration::from_millis(2500)) >= 2,
        "blinks again"
    );

    // The cable is plugged in: amber goes dark.
    let mut pty = Pty::new();
    relink(&b.link, &pty.path);
    wait_until(T, "link up", || d.status()["status"]["link"] == "up");
    wait_until(T, "amber off", || brightness(&amber) == "0");
    assert_eq!(led_state(&d, 1), serde_json::Value::Null);

    // Lines arrive: green blinks twice a second (4 changes a second) for 10 s.
    pty.write(format!("{}\r\n", call_line(1)).as_bytes());
    wait_until(T, "receiving", || led_state(&d, 0) == "receiving");
    let n = toggles(&green, Duration::from_millis(2000));
    assert!(n >= 6, "green changed {n} times in 2 s while receiving");
    assert_eq!(brightness(&red), "0");

    d.stop();
    for dir in [&green, &amber, &red] {
        assert_eq!(brightness(dir), "0", "{} after stop", dir.display());
    }
}

/// An LED whose file vanishes (a driver unbound) is logged once, shown on the page, and
/// retried; capture goes on; when it is back it works again.
#[test]
fn a_failing_led_is_logged_once_and_capture_goes_on() {
    let root = tempfile::tempdir().unwrap();
    let [green, _, red] = stand_ins(root.path());
    let b = sysfs_box(root.path());
    let mut pty = Pty::new();
    relink(&b.link, &pty.path);
    let d = b.start();
    wait_until(T, "link up", || d.status()["status"]["link"] == "up");
    wait_until(T, "green blinking", || {
        toggles(&green, Duration::from_millis(1200)) > 0
    });

    std::fs::remove_file(green.join("brightness")).unwrap();
    for i in 0..20 {
        pty.write(format!("{}\r\n", call_line(i)).as_bytes());
    }
    wait_until(T, "lines stored", || {
        b.count("SELECT count(*) FROM raw_lines") == 20
    });
    wait_until(T, "the failure on the page", || {
        d.get("/").1.contains("<span class=\"bad\">fails: ")
    });
    std::thread::sleep(Duration::from_secs(2));
    let said = |what: &str| {
        d.log
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains(what))
            .count()
    };
    assert_eq!(said("LED green: write failed"), 1, "{:?}", d.log);
    assert!(!green.join("brightness").exists(), "no file is created");
    let err = d.status()["status"]["leds"]["lights"][0]["error"].clone();
    assert!(
        err.as_str()
            .is_some_and(|e| e.contains("smdrbox:green:status/brightness: ")),
        "{err}"
    );
    assert_eq!(brightness(&red), "0");

    std::fs::write(green.join("brightness"), "0").unwrap();
    wait_until(T, "works again", || {
        d.log_contains("LED green: works again")
    });
    assert!(toggles(&green, Duration::from_millis(2500)) >= 2);
    assert_eq!(said("LED green: write failed"), 1);
    assert!(d.status()["status"]["leds"]["lights"][0]["error"].is_null());
    d.stop();
}

/// `backend = "gpio"` with a chip path that is no GPIO chip: the daemon says which path and
/// why, in the log and on the page, and captures regardless.
#[test]
fn a_wrong_gpio_chip_is_named_and_capture_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let chip = dir.path().join("gpiochip0");
    std::fs::write(&chip, "").unwrap();
    let b = TestBox::new(
        "",
        &format!(
            "[leds]\nbackend = \"gpio\"\nchip = \"{}\"\ngreen_line = 17\nred_line = 22\n",
            chip.display()
        ),
    );
    let mut pty = Pty::new();
    relink(&b.link, &pty.path);
    let d = b.start();
    let want = format!("{} line 17: ", chip.display());
    wait_until(T, "the chip named in the log", || {
        d.log_contains(&format!(
            "LED green: cannot be driven, it stays dark: {want}"
        ))
    });
    pty.write(format!("{}\r\n", call_line(1)).as_bytes());
    wait_until(T, "line stored", || {
        b.count("SELECT count(*) FROM raw_lines") == 1
    });
    let st = d.status();
    let lights = &st["status"]["leds"]["lights"];
    assert_eq!(st["status"]["leds"]["backend"], "gpio");
    assert!(
        lights[0]["error"]
            .as_str()
            .is_some_and(|e| e.starts_with(&want) && e.contains("not a character device")),
        "{lights}"
    );
    assert!(
        lights[1]["device"].is_null(),
        "amber has no line: not fitted"
    );
    assert_eq!(
        lights[2]["device"],
        format!("{} line 22", chip.display()).as_str()
    );
    d.stop();
}

/// The store thread hangs (its file system frozen, as an SD card that stops answering) while
/// the serial reader goes on: once the watchdog's limit has passed (10 s here) green stops
/// blinking, dark, and red flashes the storage code, with or without systemd to restart the
/// daemon; when the card answers again, green blinks and red goes dark.
#[test]
fn green_stops_blinking_while_the_store_hangs() {
    let tmp = tempfile::tempdir().unwrap();
    let fs = FreezableFs::new(tmp.path());
    let root = tempfile::tempdir().unwrap();
    let [green, amber, red] = stand_ins(root.path());
    let b = TestBox::with_db(
        &fs.dir.join("smdrbox.db"),
        "commit_interval_ms = 200",
        &sysfs_table(root.path()),
    );
    let sink = NotifySink::bind();
    let mut pty = Pty::new();
    relink(&b.link, &pty.path);
    // A 2 s watchdog: a part silent for over 10 s (MIN_STALL_MS) is hung.
    let d = Daemon::start_with_env(
        &b.config,
        &[
            ("NOTIFY_SOCKET", sink.target.as_str()),
            ("WATCHDOG_USEC", "2000000"),
        ],
    );
    wait_until(T, "link up", || d.status()["status"]["link"] == "up");
    wait_until(T, "green blinking", || {
        toggles(&green, Duration::from_millis(1200)) > 0
    });
    assert_eq!(
        (brightness(&amber), brightness(&red)),
        ("0".into(), "0".into())
    );

    // Declared after the daemon: on a failed assertion it thaws first (see FreezableFs).
    let frost = fs.freeze();
    pty.write(format!("{}\r\n", call_line(1)).as_bytes());
    // The store thread blocks committing that line within a commit interval (0.2 s).
    let [g, a, r]: [Vec<(Duration, String)>; 3] =
        changes(&[&green, &amber, &red], Duration::from_secs(16))
            .try_into()
            .unwrap();
    eprintln!("after the freeze: green {g:?}\nred {r:?}");
    let before = |c: &[(Duration, String)], s: u64| {
        c.iter()
            .filter(|(t, _)| *t < Duration::from_secs(s))
            .count()
    };
    // Up to the limit a slow card is no hang: the heartbeat goes on (1 s on, 1 s off).
    assert!(before(&g, 9) >= 8, "green stopped early: {g:?}");
    assert_eq!(before(&r, 9), 0, "red before the limit: {r:?}");
    // Past it green stops, dark, within a commit interval and a few LED ticks.
    let (last, value) = g.last().cloned().unwrap();
    assert!(
        last < Duration::from_millis(11_500) && value == "0",
        "green still changing {last:?} after the freeze, or left lit: {g:?}"
    );
    // Red plays 1 long + 1 short from its start, about when green stopped.
    assert!(
        r.first().is_some_and(|(t, v)| v == "255"
            && *t >= Duration::from_secs(9)
            && *t < last + Duration::from_secs(1)),
        "{r:?}"
    );
    assert!(r.len() >= 4, "red code: {r:?}");
    assert!(a.is_empty(), "amber moved: {a:?}");
    // The serial side is fine: the reader takes what the PBX sends, and is not the part hung.
    pty.write(format!("{}\r\n", call_line(2)).as_bytes());
    wait_until(Duration::from_secs(5), "the reader takes the line", || {
        pty.unread() == 0
    });
    assert!(
        d.log_contains("LEDs: the store thread has shown no sign of life"),
        "{:?}",
        d.log
    );
    assert!(!d.log_contains("serial reader has shown"), "{:?}", d.log);
    assert_eq!(brightness(&green), "0");

    // The card answers again: the commit completes, the store beats, the LEDs say so.
    frost.thaw();
    wait_until(T, "green blinking again", || {
        toggles(&green, Duration::from_millis(1200)) > 0
    });
    wait_until(T, "both lines stored", || {
        b.count("SELECT count(*) FROM raw_lines") == 2
    });
    wait_until(T, "red dark", || led_state(&d, 2).is_null());
    assert_eq!(brightness(&red), "0");
    assert!(d.log_contains("LEDs: every part shows life again"));
    d.stop();
    for dir in [&green, &amber, &red] {
        assert_eq!(brightness(dir), "0", "{} after stop", dir.display());
    }
}
