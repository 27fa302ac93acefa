//! Alerts end to end: the real daemon reads a simulated morning from a pty and sends its
//! lost calls and callbacks to a webhook receiver and an SMTP server that this test runs on
//! loopback (hand-written, recording what arrives): in order, each once by idempotency key,
//! after the receiver was down, and again under the same key after a SIGKILL between the
//! send and the acknowledgement.

mod common;

use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One POST the receiver got.
#[derive(Debug, Clone)]
struct Got {
    key: String,
    body: serde_json::Value,
    at: Instant,
}

/// A webhook receiver: records every POST; answers 200 unless `hold` is set, in which case it
/// keeps the connection open without an answer until `hold` is cleared.
struct Hook {
    port: u16,
    got: Arc<Mutex<Vec<Got>>>,
    hold: Arc<AtomicBool>,
}

impl Hook {
    fn start(listener: TcpListener) -> Hook {
        let port = listener.local_addr().unwrap().port();
        let got = Arc::new(Mutex::new(Vec::new()));
        let hold = Arc::new(AtomicBool::new(false));
        let (g, h) = (got.clone(), hold.clone());
        std::thread::spawn(move || {
            for s in listener.incoming() {
                let Ok(s) = s else { continue };
                let (g, h) = (g.clone(), h.clone());
                std::thread::spawn(move || hook_conn(s, &g, &h));
            }
        });
        Hook { port, got, hold }
    }

    fn got(&self) -> Vec<Got> {
        self.got.lock().unwrap().clone()
    }

    fn wait_for(&self, n: usize, limit: Duration) -> Vec<Got> {
        wait_until(limit, &format!("{n} webhook posts"), || {
            self.got().len() >= n
        });
        self.got()
    }
}

fn hook_conn(s: TcpStream, got: &Mutex<Vec<Got>>, hold: &AtomicBool) {
    let mut r = BufReader::new(s.try_clone().unwrap());
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        if line == "\r\n" {
            break;
        }
        head.push(line.trim_end().to_string());
    }
    assert!(head[0].starts_with("POST /hook HTTP/1.1"), "{head:?}");
    let header = |name: &str| {
        head.iter()
            .find_map(|h| {
                let (k, v) = h.split_once(':')?;
                k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
            })
            .unwrap_or_default()
    };
    let len: usize = header("content-length").parse().unwrap();
    let mut body = vec![0; len];
    r.read_exact(&mut body).unwrap();
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let key = header("idempotency-key");
    assert_eq!(
        body["key"],
        key.as_str(),
        "the header carries the event's key"
    );
    assert_eq!(header("content-type"), "application/json");
    got.lock().unwrap().push(Got {
        key,
        body,
        at: Instant::now(),
    });
    while hold.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = (&s).write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
}

/// An SMTP server that accepts everything and records each message's header and body.
fn smtp_server() -> (u16, Arc<Mutex<Vec<String>>>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let mails = Arc::new(Mutex::new(Vec::new()));
    let m = mails.clone();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            let mut r = BufReader::new(s.try_clone().unwrap());
            let _ = s.write_all(b"220 test ESMTP\r\n");
            let mut rcpt = Vec::new();
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                let cmd = line.trim_end();
                let reply: &[u8] = if cmd.starts_with("EHLO") {
                    b"250-test\r\n250 8BITMIME\r\n"
                } else if cmd.starts_with("MAIL FROM:<box@test>") {
                    b"250 OK\r\n"
                } else if cmd.starts_with("RCPT TO:") {
                    rcpt.push(cmd.to_string());
                    b"250 OK\r\n"
                } else if cmd == "DATA" {
                    let _ = s.write_all(b"354 go on\r\n");
                    let mut msg = String::new();
                    loop {
                        let mut l = String::new();
                        if r.read_line(&mut l).unwrap_or(0) == 0 || l == ".\r\n" {
                            break;
                        }
                        msg.push_str(&l);
                    }
                    assert_eq!(rcpt, ["RCPT TO:<boss@test>"]);
                    m.lock().unwrap().push(msg);
                    b"250 queued\r\n"
                } else if cmd == "QUIT" {
                    let _ = s.write_all(b"221 bye\r\n");
                    break;
                } else {
                    b"500 what\r\n"
                };
                let _ = s.write_all(reply);
            }
        }
    });
    (port, mails)
}

/// The morning's lines with today's date (alerts follow the last days only).
fn morning() -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/alerts/day.log");
    let today = chrono::Local::now().format("%d/%m/%y").to_string();
    let mut out = Vec::new();
    for l in capture_lines(&path) {
        let l = String::from_utf8(l)
            .unwrap()
            .replacen("01/03/26", &today, 1);
        out.extend_from_slice(l.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// What the morning must give, in order: (event, caller).
const EXPECTED: [(&str, &str); 8] = [
    ("lost", "0364111111"),
    ("lost", "0364333333"),
    ("closed", "0364111111"),
    ("lost", "0364444444"),
    ("closed", "0364333333"),
    ("lost", "0364555555"),
    ("closed", "0364444444"),
    ("lost", "0364555555"),
];

fn kinds(got: &[Got]) -> Vec<(String, String)> {
    got.iter()
        .map(|g| {
            (
                g.body["event"].as_str().unwrap().to_string(),
                g.body["caller"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn expected() -> Vec<(String, String)> {
    EXPECTED
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn alerts_box(webhook_port: u16, smtp_port: Option<u16>) -> TestBox {
    let mut t = format!(
        "\n[alerts]\nwebhook = \"http://127.0.0.1:{webhook_port}/hook\"\nsettle_secs = 2\n\
         name = \"testbox\"\n"
    );
    if let Some(p) = smtp_port {
        t.push_str(&format!(
            "smtp = \"127.0.0.1:{p}\"\nfrom = \"box@test\"\nto = [\"boss@test\"]\n"
        ));
    }
    TestBox::new("commit_interval_ms = 200", &t)
}

/// Starts the daemon and waits until the alerts follow the database, so that the lines the
/// test writes next are new to them (calls stored before alerts began are never alerted).
fn start(b: &TestBox) -> Daemon {
    let d = b.start();
    wait_until(Duration::from_secs(20), "alerts following", || {
        d.log_contains("alerts: following the database")
    });
    d
}

#[test]
fn a_morning_gives_one_alert_per_lost_call_and_one_close_per_callback_in_order() {
    let hook = Hook::start(TcpListener::bind("127.0.0.1:0").unwrap());
    let (smtp_port, mails) = smtp_server();
    let b = alerts_box(hook.port, Some(smtp_port));
    let mut pty = Pty::new();
    relink(&b.link, &pty.path);
    let d = start(&b);
    let written = Instant::now();
    pty.write(&morning());
    let got = hook.wait_for(8, Duration::from_secs(60));
    assert_eq!(kinds(&got), expected());
    // Each within a minute of its line (the issue's requirement, not a speed goal: the
    // settle time is 2 s here, 30 s by default).
    for g in &got {
        assert!(g.at - written < Duration::from_secs(60), "{:?}", g.key);
    }
    let slowest = got.iter().map(|g| g.at - written).max().unwrap();
    eprintln!("slowest alert: {slowest:?} after its line (settle_secs = 2)");
    let lost: Vec<&Got> = got.iter().filter(|g| g.body["event"] == "lost").collect();
    assert_eq!(lost[0].body["rang"], serde_json::json!(["401", "611"]));
    assert_eq!(lost[0].body["line"], "05");
    assert_eq!(lost[0].body["box"], "testbox");
    assert_eq!(lost[4].body["attempts_today"], 2);
    let closed: Vec<&Got> = got.iter().filter(|g| g.body["event"] == "closed").collect();
    assert_eq!(closed[0].body["how"], "called_back");
    assert_eq!(closed[0].body["by"], "401");
    assert_eq!(closed[0].body["alert_key"], lost[0].key.as_str());
    assert_eq!(closed[1].body["how"], "got_through");
    // Mail: lost calls only, the caller's number in the subject.
    wait_until(Duration::from_secs(30), "5 mails", || {
        mails.lock().unwrap().len() >= 5
    });
    let mails = mails.lock().unwrap().clone();
    assert_eq!(mails.len(), 5);
    for (m, g) in mails.iter().zip(&lost) {
        let caller = g.body["caller"].as_str().unwrap();
        let subject = m.lines().find(|l| l.starts_with("Subject: ")).unwrap();
        assert!(subject.contains(caller), "{subject}");
        assert!(m.contains(&format!("X-Idempotency-Key: {}", g.key)), "{m}");
    }
    // Nothing more comes, and the page shows an empty queue.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(hook.got().len(), 8);
    wait_until(Duration::from_secs(10), "queue empty", || {
        let s = d.status();
        s["status"]["alerts"]["queued"] == 0 && s["status"]["alerts"]["sent"] == 13
    });
    let (code, page) = d.get("/");
    assert_eq!(code, 200);
    assert!(page.contains("<table id=\"alerts\">"), "{page}");
    d.stop();
}

#[test]
fn alerts_wait_while_the_receiver_is_down_and_arrive_once_each() {
    // A port nobody listens on yet: connections are refused.
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let b = alerts_box(port, None);
    let mut pty = Pty::new();
    relink(&b.link, &pty.path);
    let d = start(&b);
    pty.write(&morning());
    wait_until(Duration::from_secs(30), "a failed delivery", || {
        let a = &d.status()["status"]["alerts"];
        a["queued"].as_u64().unwrap_or(0) == 8
            && a["last_error"]
                .as_str()
                .is_some_and(|e| e.contains("webhook"))
    });
    let (code, page) = d.get("/");
    assert_eq!(code, 200);
    assert!(page.contains("webhook: connecting to 127.0.0.1"), "{page}");
    std::thread::sleep(Duration::from_secs(3));
    let hook = Hook::start(TcpListener::bind(("127.0.0.1", port)).unwrap());
    let got = hook.wait_for(8, Duration::from_secs(60));
    assert_eq!(kinds(&got), expected());
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(hook.got().len(), 8, "each once");
    wait_until(Duration::from_secs(10), "queue empty", || {
        d.status()["status"]["alerts"]["queued"] == 0
    });
    d.stop();
}

#[test]
fn a_sigkill_between_send_and_acknowledgement_sends_again_under_the_same_key() {
    let hook = Hook::start(TcpListener::bind("127.0.0.1:0").unwrap());
    hook.hold.store(true, Ordering::SeqCst);
    let b = alerts_box(hook.port, None);
    let mut pty = Pty::new();
    relink(&b.link, &pty.path);
    let d = start(&b);
    pty.write(&morning());
    // The first alert reached the receiver, which does not answer: kill the daemon now.
    let first = hook.wait_for(1, Duration::from_secs(30));
    wait_until(Duration::from_secs(10), "all decided", || {
        d.status()["status"]["alerts"]["queued"] == 8
    });
    d.sigkill();
    hook.hold.store(false, Ordering::SeqCst);
    let d = b.start();
    let got = hook.wait_for(9, Duration::from_secs(60));
    std::thread::sleep(Duration::from_secs(3));
    let got2 = hook.got();
    assert_eq!(got2.len(), 9, "{:?}", kinds(&got2));
    // The one in flight came again under its key; after it, the rest once each, in order.
    assert_eq!(got[0].key, first[0].key);
    assert_eq!(got[1].key, first[0].key);
    assert_eq!(kinds(&got[1..]), expected());
    let mut keys: Vec<&str> = got[1..].iter().map(|g| g.key.as_str()).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 8);
    d.stop();
}

#[test]
fn readme_alerts_settings_parse_as_a_configuration() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let block = readme
        .split_once("## Alerts\n")
        .and_then(|(_, s)| s.split_once("```toml\n"))
        .and_then(|(_, b)| b.split_once("```"))
        .expect("README's Alerts section has a toml block")
        .0;
    let text = format!("[source]\npath = \"/dev/smdr0\"\n{block}");
    let c = smdrbox::config::Config::parse(Path::new("README.md"), &text)
        .unwrap_or_else(|e| panic!("{e}"));
    let s = smdrbox::alerts::Settings::from_config(&c).expect("alerts on");
    assert_eq!(s.rules.box_name, "office-1");
    assert_eq!(s.rules.per_number_per_hour, 3);
    assert!(s.webhook.is_some() && s.mail.is_some());
}
