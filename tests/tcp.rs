//! The real daemon reading SMDR over TCP on loopback: as a client of a PBX that serves it
//! (reconnects, backoff, Panasonic's LAN login) and as a listener a PBX connects to.

mod common;

use common::*;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

const T: Duration = Duration::from_secs(60);

/// A loopback port nothing listens on (bound, then released).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Stored lines in sequence order, with their source and partial flag.
fn stored(b: &TestBox) -> Vec<(i64, Vec<u8>, String, i64)> {
    let c = rusqlite::Connection::open(&b.db).unwrap();
    c.busy_timeout(Duration::from_secs(5)).unwrap();
    let mut st = c
        .prepare(
            "SELECT l.seq, l.line, s.name, l.partial FROM raw_lines l
             JOIN sources s ON s.id = l.source_id ORDER BY l.seq",
        )
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Writes `bytes` in odd-sized chunks with pauses, so lines arrive split across reads.
fn send_chunked(s: &mut TcpStream, bytes: &[u8]) {
    for (i, chunk) in bytes.chunks(37).enumerate() {
        s.write_all(chunk).unwrap();
        if i % 16 == 0 {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    s.flush().unwrap();
}

fn wire(lines: &[Vec<u8>]) -> Vec<u8> {
    let mut v = Vec::new();
    for l in lines {
        v.extend_from_slice(l);
        v.extend_from_slice(b"\r\n");
    }
    v
}

/// Accepts one connection within `limit` (the listener is non-blocking meanwhile).
fn accept_within(l: &TcpListener, limit: Duration) -> TcpStream {
    l.set_nonblocking(true).unwrap();
    let end = Instant::now() + limit;
    loop {
        match l.accept() {
            Ok((s, _)) => {
                s.set_nonblocking(false).unwrap();
                return s;
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                assert!(
                    Instant::now() < end,
                    "the daemon did not connect within {limit:?}"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("accept: {e}"),
        }
    }
}

/// The daemon as tcp-client: a fake PBX serves a real capture in chunks over two connections
/// (closing in between); every non-blank line is stored once, in order, under `tcp:ADDR`; the
/// page shows the link went down once and is up again; the events table has both.
#[test]
fn tcp_client_stores_a_capture_across_a_reconnect() {
    let pbx = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = pbx.local_addr().unwrap();
    let b = TestBox::with_source(
        &format!("kind = \"tcp-client\"\nconnect = \"{addr}\""),
        "",
        "",
    );
    let file = &corpus_files("panasonic")[0];
    let lines = capture_lines(file);
    let expected: Vec<Vec<u8>> = lines.iter().filter(|l| !is_blank(l)).cloned().collect();
    let (first, second) = lines.split_at(lines.len() / 2);

    let d = b.start();
    let mut c1 = accept_within(&pbx, T);
    wait_until(T, "link up", || d.status()["status"]["link"] == "up");
    let st = d.status();
    assert_eq!(st["status"]["port"], format!("tcp:{addr}"), "{st}");
    send_chunked(&mut c1, &wire(first));
    drop(c1);
    wait_until(T, "link down seen", || {
        d.status()["status"]["link_downs"] == 1
    });

    // The daemon reconnects by itself (a connection that carried data: 1 s backoff).
    let mut c2 = accept_within(&pbx, Duration::from_secs(10));
    wait_until(T, "link up again", || d.status()["status"]["link"] == "up");
    send_chunked(&mut c2, &wire(second));
    let want = expected.len();
    wait_until(T, "all lines stored", || stored(&b).len() >= want);
    let rows = stored(&b);
    assert_eq!(rows.len(), want, "{}", file.display());
    for (i, (row, input)) in rows.iter().zip(&expected).enumerate() {
        assert_eq!(row.0, i as i64 + 1, "gap-free sequence");
        assert_eq!(&row.1, input, "line {i} stored byte for byte");
        assert_eq!(row.2, format!("tcp:{addr}"));
        assert_eq!(row.3, 0, "no partial lines: the split was at a line end");
    }
    let st = d.status();
    assert_eq!(st["status"]["link"], "up", "{st}");
    assert_eq!(st["status"]["link_downs"], 1, "{st}");
    let (_, page) = d.get("/");
    assert!(
        page.contains(&format!("tcp:{addr}")),
        "the page names the source"
    );

    // An unterminated line when the PBX goes away is kept, flagged partial.
    c2.write_all(b"07/12/20 11:00    401 01 0364").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    drop(c2);
    wait_until(T, "partial line stored", || stored(&b).len() > want);
    let rows = stored(&b);
    assert_eq!(rows.last().unwrap().1, b"07/12/20 11:00    401 01 0364");
    assert_eq!(rows.last().unwrap().3, 1);
    d.stop();
    assert_eq!(
        b.count("SELECT count(*) FROM events WHERE kind = 'link_down'"),
        2
    );
    assert!(b.count("SELECT count(*) FROM events WHERE kind = 'link_up'") >= 2);
}

/// Nothing listens at first: the page says the connection was refused, in words; once a
/// listener appears, the daemon connects within the backoff's cap and reads.
#[test]
fn tcp_client_retries_a_refusing_pbx_with_backoff() {
    let port = free_port();
    let b = TestBox::with_source(
        &format!("kind = \"tcp-client\"\nconnect = \"127.0.0.1:{port}\""),
        "",
        "",
    );
    let d = b.start();
    wait_until(T, "refused shown", || {
        let st = d.status();
        st["status"]["link"] == "down"
            && st["status"]["link_reason"]
                .as_str()
                .is_some_and(|r| r.contains(&format!("connection refused by 127.0.0.1:{port}")))
    });
    let (_, page) = d.get("/");
    assert!(
        page.contains("is SMDR over LAN enabled on the PBX"),
        "{page}"
    );
    // Let the backoff grow past its first steps, then appear.
    std::thread::sleep(Duration::from_secs(4));
    let pbx = TcpListener::bind(("127.0.0.1", port)).unwrap();
    let started = Instant::now();
    let mut c = accept_within(&pbx, Duration::from_secs(35));
    assert!(
        started.elapsed() <= Duration::from_secs(31),
        "backoff is capped at 30 s"
    );
    c.write_all(format!("{}\r\n", call_line(7)).as_bytes())
        .unwrap();
    wait_until(T, "line stored", || stored(&b).len() == 1);
    assert_eq!(d.status()["status"]["link"], "up");
    d.stop();
}

/// tcp-listen: the test plays the PBX that connects to the box (Avaya IP Office style): lines,
/// a disconnect, a reconnect; then a second connection while one is open replaces it (the old
/// one is closed). Every line stored once, in order, under `tcp-listen:ADDR`.
#[test]
fn tcp_listen_reads_a_pbx_that_connects_and_reconnects() {
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let b = TestBox::with_source(
        &format!("kind = \"tcp-listen\"\nlisten = \"{listen}\""),
        "",
        "",
    );
    let d = b.start();
    wait_until(T, "waiting for the PBX shown", || {
        d.status()["status"]["link_reason"]
            .as_str()
            .is_some_and(|r| r.contains(&format!("no PBX connected to {listen} yet")))
    });
    assert_eq!(d.status()["status"]["port"], format!("tcp-listen:{listen}"));
    let lines: Vec<Vec<u8>> = (1..=30).map(|i| call_line(i).into_bytes()).collect();

    let mut c = TcpStream::connect(&listen).unwrap();
    send_chunked(&mut c, &wire(&lines[..10]));
    wait_until(T, "first lines stored", || stored(&b).len() == 10);
    drop(c);
    wait_until(T, "PBX gone shown", || {
        let st = d.status();
        st["status"]["link"] == "down" && st["status"]["link_downs"] == 1
    });

    let mut c = TcpStream::connect(&listen).unwrap();
    wait_until(T, "link up", || d.status()["status"]["link"] == "up");
    send_chunked(&mut c, &wire(&lines[10..20]));
    wait_until(T, "second lines stored", || stored(&b).len() == 20);

    // A second connection while the first is open: the newest wins, the old one is closed.
    let mut c2 = TcpStream::connect(&listen).unwrap();
    c.set_read_timeout(Some(T)).unwrap();
    let mut byte = [0u8; 1];
    assert_eq!(
        c.read(&mut byte).unwrap(),
        0,
        "the older connection is closed"
    );
    send_chunked(&mut c2, &wire(&lines[20..]));
    wait_until(T, "all lines stored", || stored(&b).len() >= 30);
    let rows = stored(&b);
    assert_eq!(rows.len(), 30);
    for (i, (row, input)) in rows.iter().zip(&lines).enumerate() {
        assert_eq!(&row.1, input, "line {i} in order");
        assert_eq!(row.2, format!("tcp-listen:{listen}"));
    }
    assert_eq!(d.status()["status"]["link"], "up");
    // Nothing was ever written to the PBX.
    c2.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    assert!(c2.read(&mut byte).is_err(), "the box sends nothing");
    d.stop();
}

/// Panasonic LAN SMDR: the fake PBX checks the login bytes (user, password, each CR LF) before
/// it prints; the box writes nothing else. With a wrong password the PBX hangs up at once,
/// and the page says to check the user and password.
#[test]
fn panasonic_lan_login_is_sent_before_reading() {
    let pbx = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = pbx.local_addr().unwrap();
    let b = TestBox::with_source(
        &format!(
            "kind = \"tcp-client\"\nconnect = \"{addr}\"\nlogin = \"panasonic\"\n\
             password = \"PCCSMDR\""
        ),
        "",
        "",
    );
    let d = b.start();
    let mut c = accept_within(&pbx, T);
    let want = b"SMDR\r\nPCCSMDR\r\n";
    let mut got = vec![0u8; want.len()];
    c.set_read_timeout(Some(T)).unwrap();
    c.read_exact(&mut got).unwrap();
    assert_eq!(got, want, "{:?}", String::from_utf8_lossy(&got));
    c.write_all(format!("{}\r\n{}\r\n", call_line(1), call_line(2)).as_bytes())
        .unwrap();
    wait_until(T, "lines stored", || stored(&b).len() == 2);
    c.set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let mut more = [0u8; 16];
    assert!(c.read(&mut more).is_err(), "nothing after the login");
    let st = d.status();
    assert_eq!(
        st["status"]["settings"],
        "TCP client, Panasonic login as SMDR"
    );
    assert!(
        st["status"]["link_reason"]
            .as_str()
            .is_some_and(|r| r.contains("logged in as SMDR")),
        "{st}"
    );
    d.stop();

    // A PBX that does not like the password hangs up without a byte.
    let b = TestBox::with_source(
        &format!(
            "kind = \"tcp-client\"\nconnect = \"{addr}\"\nlogin = \"panasonic\"\n\
             user = \"SMDR\"\npassword = \"wrong\""
        ),
        "",
        "",
    );
    let d = b.start();
    let mut c = accept_within(&pbx, T);
    let mut got = vec![0u8; b"SMDR\r\nwrong\r\n".len()];
    c.set_read_timeout(Some(T)).unwrap();
    c.read_exact(&mut got).unwrap();
    assert_eq!(got, b"SMDR\r\nwrong\r\n");
    drop(c);
    wait_until(T, "login failure shown", || {
        d.status()["status"]["link_reason"]
            .as_str()
            .is_some_and(|r| r.contains("check the SMDR user and password"))
    });
    d.stop();
}

/// Bad `[source]` combinations are refused with file:line:column and a reason; good TCP
/// configs pass check-config and describe themselves.
#[test]
fn tcp_config_refusals_and_check_config() {
    let dir = tempfile::tempdir().unwrap();
    let run = |text: &str| {
        let f = dir.path().join("box.toml");
        std::fs::write(&f, text).unwrap();
        let out = std::process::Command::new(BIN)
            .args(["check-config"])
            .arg(&f)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).replace(&format!("{}", f.display()), "box.toml"),
        )
    };
    let (code, out, err) = run(
        "[source]\nkind = \"tcp-client\"\nconnect = \"192.0.2.5:2300\"\nlogin = \"panasonic\"\n\
         password = \"PCCSMDR\"\n",
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains("ok: tcp:192.0.2.5:2300 (TCP client, Panasonic login as SMDR)"),
        "{out}"
    );
    let (code, out, err) = run("[source]\nkind = \"tcp-listen\"\nlisten = \"0.0.0.0:9000\"\n");
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("ok: tcp-listen:0.0.0.0:9000"), "{out}");

    let cases = [
        (
            "[source]\nkind = \"tcp-client\"\nconnect = \"192.0.2.5:2300\"\npath = \"/dev/x\"\n",
            "box.toml:4:8:",
            "path is for a serial port",
        ),
        (
            "[source]\nkind = \"tcp-client\"\n",
            "box.toml:2:8:",
            "needs where the PBX serves SMDR",
        ),
        (
            "[source]\nkind = \"tcp-client\"\nconnect = \"192.0.2.5\"\n",
            "box.toml:3:",
            "not HOST:PORT",
        ),
        (
            "[source]\nkind = \"tcp-client\"\nconnect = \"pbx:2300\"\nlogin = \"panasonic\"\n",
            "box.toml:4:9:",
            "needs the SMDR password",
        ),
        (
            "[source]\nkind = \"tcp-listen\"\nlisten = \"0.0.0.0:9000\"\npassword = \"x\"\n",
            "box.toml:4:",
            "no login to send",
        ),
        (
            "[source]\npath = \"/dev/x\"\nconnect = \"192.0.2.5:2300\"\n",
            "box.toml:3:",
            "connect is for kind = \"tcp-client\"",
        ),
        (
            "[source]\nkind = \"udp\"\n",
            "box.toml:2:",
            "unknown variant `udp`",
        ),
    ];
    for (text, at, reason) in cases {
        let (code, _, err) = run(text);
        assert_eq!(code, Some(1), "{text:?}");
        assert!(
            err.contains(at) && err.contains(reason),
            "{text:?} gave {err:?}"
        );
    }
}

/// `smdrbox simulate` feeds the daemon over TCP both ways: `--tcp` into a `tcp-listen` daemon,
/// `--tcp-listen` for a `tcp-client` daemon. Every non-blank line of the capture is stored.
#[test]
fn simulate_feeds_the_daemon_over_tcp_both_ways() {
    let file = &corpus_files("panasonic")[0];
    let want = capture_lines(file).iter().filter(|l| !is_blank(l)).count();
    let sim = |args: &[&str]| {
        std::process::Command::new(BIN)
            .arg("simulate")
            .args(args)
            .arg("--replay")
            .arg(file)
            .args(["--lines-per-sec", "0", "--hold", "1"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };

    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let b = TestBox::with_source(
        &format!("kind = \"tcp-listen\"\nlisten = \"{listen}\""),
        "",
        "",
    );
    let d = b.start();
    let mut child = sim(&["--tcp", &listen]);
    assert!(child.wait().unwrap().success());
    wait_until(T, "replay stored", || stored(&b).len() >= want);
    assert_eq!(stored(&b).len(), want);
    d.stop();

    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = sim(&["--tcp-listen", &addr]);
    let b = TestBox::with_source(
        &format!("kind = \"tcp-client\"\nconnect = \"{addr}\""),
        "",
        "",
    );
    let d = b.start();
    assert!(child.wait().unwrap().success());
    wait_until(T, "replay stored", || stored(&b).len() >= want);
    assert_eq!(stored(&b).len(), want);
    d.stop();
}
