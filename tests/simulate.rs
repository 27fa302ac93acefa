//! `smdrbox simulate` and `make demo`'s script, run for real.

mod common;

use common::*;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::Duration;

const T: Duration = Duration::from_secs(60);

/// The simulator replays a capture onto its own pty (found through `--link`) and the daemon
/// stores every non-blank line of it.
#[test]
fn simulate_replays_a_capture_into_the_daemon() {
    let file = &corpus_files("panasonic")[0];
    let b = TestBox::new("commit_interval_ms = 100\n", "");
    let d = b.start();
    let mut sim = Command::new(BIN)
        .args(["simulate", "--lines-per-sec", "0", "--hold", "30", "--link"])
        .arg(&b.link)
        .arg("--replay")
        .arg(file)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(sim.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("simulated PBX on /dev/pts/"), "{first}");
    let want = capture_lines(file).iter().filter(|l| !is_blank(l)).count() as i64;
    wait_until(T, "capture stored", || {
        b.db.exists() && b.count("SELECT count(*) FROM raw_lines") == want
    });
    assert_eq!(
        b.count("SELECT count(*) FROM raw_lines WHERE kind = 'reject'"),
        0
    );
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(sim.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    assert!(sim.wait().unwrap().success());
    assert!(
        !b.link.exists(),
        "the simulator removes its link when it stops"
    );
    d.stop();
}

/// `make demo`'s script: the simulated office day reaches the page live, and Ctrl-C (SIGINT to
/// the whole group, as a terminal sends it) stops both processes cleanly.
#[test]
fn demo_script_serves_live_calls_and_stops_on_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/demo.sh");
    let mut demo = Command::new(script)
        .arg(BIN)
        .env("DEMO_DIR", dir.path().join("demo"))
        .env("DEMO_PORT", port.to_string())
        .env("DEMO_TIME_SCALE", "3000")
        // The demo's admin password: `http_get` logs in with it.
        .env("DEMO_PASSWORD", ADMIN_PASSWORD)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap();
    let addr = format!("127.0.0.1:{port}");
    let calls = |addr: &str| {
        let (code, body) = http_get(addr, "/api/status");
        if code != 200 {
            return 0;
        }
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        v["db"]["records"].as_i64().unwrap_or(0)
    };
    let up = |addr: &str| std::net::TcpStream::connect(addr).is_ok();
    wait_until(T, "demo page up", || up(&addr));
    wait_until(T, "first calls", || calls(&addr) >= 3);
    let seen = calls(&addr);
    wait_until(T, "more calls arriving live", || calls(&addr) > seen);
    let (code, page) = http_get(&addr, "/calls");
    assert_eq!(code, 200);
    assert!(
        page.contains("NOT ANSWERED") || page.contains("answered"),
        "{page}"
    );

    let pgid = nix::unistd::Pid::from_raw(demo.id() as i32);
    nix::sys::signal::killpg(pgid, nix::sys::signal::Signal::SIGINT).unwrap();
    let status = demo.wait().unwrap();
    let mut out = String::new();
    std::io::Read::read_to_string(&mut demo.stdout.take().unwrap(), &mut out).unwrap();
    assert!(out.contains("demo stopped"), "{out}");
    assert!(status.success() || status.code() == Some(130), "{status:?}");
    assert!(!up(&addr), "daemon stopped");
}

/// The simulator writes what really happened beside the SMDR it prints; the daemon stores the
/// printout, and the summary report built from the database agrees with that truth (within the
/// calls the generator marks as indistinguishable in print).
#[test]
fn simulated_day_with_truth_file_matches_the_summary_report() {
    let b = TestBox::new("commit_interval_ms = 100\n", "");
    let d = b.start();
    let truth = b.dir.path().join("truth.jsonl");
    let mut sim = Command::new(BIN)
        .args([
            "simulate",
            "--generate",
            "--date",
            "2026-03-03",
            "--seed",
            "5",
            "--layout",
            "A",
            "--time-scale",
            "0",
            "--start",
            "00:00",
            "--hold",
            "60",
            "--link",
        ])
        .arg(&b.link)
        .arg("--truth")
        .arg(&truth)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // The truth file is written before the first line is printed.
    wait_until(T, "truth written", || truth.exists());
    let calls: Vec<serde_json::Value> = {
        wait_until(T, "truth complete", || {
            std::fs::read_to_string(&truth).is_ok_and(|t| t.ends_with('\n') && t.len() > 1000)
        });
        std::fs::read_to_string(&truth)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let printed: usize = calls
        .iter()
        .map(|c| {
            c["call"]["lines"].as_array().unwrap().len()
                + c["call"]["consultation_lines"].as_array().unwrap().len()
        })
        .sum();
    wait_until(T, "day stored", || {
        b.count("SELECT count(*) FROM records") as usize >= printed
    });
    let incoming = calls
        .iter()
        .filter(|c| c["call"]["direction"] == "incoming");
    let (mut offered, mut lost, mut ambiguous) = (0i64, 0i64, 0i64);
    for c in incoming {
        offered += 1;
        lost += i64::from(c["call"]["lost"] == true);
        ambiguous += i64::from(!c["call"]["ambiguity"].is_null());
    }
    let out = Command::new(BIN)
        .args([
            "report",
            "summary",
            "--format",
            "json",
            "--from",
            "2026-03-03",
            "--to",
            "2026-03-03",
            "--db",
        ])
        .arg(&b.db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fig = |key: &str| -> i64 {
        r["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["key"] == key)
            .and_then(|f| f["value"]["v"].as_i64())
            .unwrap_or_else(|| panic!("figure {key} in {r}"))
    };
    assert!(offered > 100, "a real office day");
    assert!(
        ambiguous <= 10,
        "{ambiguous} ambiguous calls: pick a clearer seed"
    );
    assert!(
        (fig("incoming") - offered).abs() <= ambiguous,
        "incoming {} vs truth {offered}",
        fig("incoming")
    );
    assert!(
        (fig("lost") - lost).abs() <= ambiguous,
        "lost {} vs truth {lost}",
        fig("lost")
    );
    let _ = sim.kill();
    let _ = sim.wait();
    d.stop();
}
