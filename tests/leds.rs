//! The real daemon drives its status LEDs through the Linux LED class, here a directory of
//! stand-ins for `/sys/class/leds/NAME/{brightness,max_brightness,trigger}`.

mod common;

use common::*;
use nix::sys::signal::Signal;
use std::path::{Path, PathBuf};
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

fn sysfs_box(root: &Path) -> TestBox {
    TestBox::new(
        "",
        &format!(
            "[leds]\nbackend = \"sysfs\"\nsysfs_root = \"{}\"\n",
            root.display()
        ),
    )
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
