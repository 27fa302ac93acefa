//! `[web] https = true` on the real daemon: it makes its own certificate on the first start
//! (key readable by its user only, the box's names and addresses in it), a TLS client that
//! trusts only that certificate completes the handshake and gets the page, a client that
//! does not trust it is refused, plain HTTP gets no page, and a restart serves the same
//! certificate.

mod common;

use common::{TestBox, BIN};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The daemon with HTTPS: `common::Daemon` waits for an `http://` line, this for `https://`.
struct HttpsDaemon {
    child: Child,
    addr: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl HttpsDaemon {
    fn start(config: &Path) -> HttpsDaemon {
        let mut child = Command::new(BIN)
            .args(["run", "--config"])
            .arg(config)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start smdrbox run");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let log2 = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(i) = line.find("listening on https://") {
                    let rest = &line[i + "listening on https://".len()..];
                    let _ = tx.send(rest.trim_end_matches('/').to_string());
                }
                eprintln!("[daemon] {line}");
                log2.lock().unwrap().push(line);
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no https:// line: {:?}", log.lock().unwrap()));
        HttpsDaemon { child, addr, log }
    }

    fn log_contains(&self, s: &str) -> bool {
        self.log.lock().unwrap().iter().any(|l| l.contains(s))
    }

    fn stop(mut self) {
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(self.child.id() as i32),
            nix::sys::signal::Signal::SIGTERM,
        )
        .unwrap();
        let status = self.child.wait().unwrap();
        assert!(status.success(), "daemon exit: {status:?}");
    }
}

impl Drop for HttpsDaemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn der_of(pem: &str) -> Vec<u8> {
    let certs = rustls_pemfile::certs(&mut pem.as_bytes()).unwrap();
    assert_eq!(certs.len(), 1, "one certificate in {pem}");
    certs.into_iter().next().unwrap()
}

/// GET `path` over TLS from `addr`, checking the server as `name` against `roots`: the whole
/// answer (head and body), or the TLS error.
fn get_tls(
    addr: &str,
    name: &str,
    roots: rustls::RootCertStore,
    path: &str,
) -> Result<String, String> {
    let config = rustls::ClientConfig::builder()
        .with_safe_defaults()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let server = rustls::ServerName::try_from(name).map_err(|e| format!("{name}: {e}"))?;
    let conn =
        rustls::ClientConnection::new(Arc::new(config), server).map_err(|e| e.to_string())?;
    let tcp = TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    write!(tls, "GET {path} HTTP/1.0\r\nHost: {name}\r\n\r\n").map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    match tls.read_to_end(&mut raw) {
        Ok(_) => {}
        // tiny_http closes without a close_notify; the answer is complete by then.
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !raw.is_empty() => {}
        Err(e) => return Err(e.to_string()),
    }
    Ok(String::from_utf8_lossy(&raw).into_owned())
}

fn trusting(der: &[u8]) -> rustls::RootCertStore {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(&rustls::Certificate(der.to_vec())).unwrap();
    roots
}

/// The DER encoding holds this subject alternative name (`[2]` dNSName, `[7]` iPAddress).
fn has_san(der: &[u8], tag: u8, value: &[u8]) -> bool {
    let mut want = vec![tag, value.len() as u8];
    want.extend_from_slice(value);
    der.windows(want.len()).any(|w| w == want)
}

#[test]
fn https_with_the_boxs_own_certificate_kept_across_restarts() {
    let tb = TestBox::new("", "");
    let text = std::fs::read_to_string(&tb.config).unwrap();
    std::fs::write(
        &tb.config,
        text.replacen("[web]\n", "[web]\nhttps = true\n", 1),
    )
    .unwrap();
    let tls_dir = tb.db.parent().unwrap().join("tls");

    let d = HttpsDaemon::start(&tb.config);
    assert!(
        d.log_contains("made a self-signed certificate"),
        "{:?}",
        d.log
    );
    let cert_pem = std::fs::read_to_string(tls_dir.join("cert.pem")).unwrap();
    let key_mode = std::fs::metadata(tls_dir.join("key.pem"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(key_mode & 0o777, 0o600, "key.pem readable by others");
    let der = der_of(&cert_pem);

    // Its names: localhost, 127.0.0.1 and the host name.
    assert!(
        has_san(&der, 0x82, b"localhost"),
        "no localhost in the certificate"
    );
    assert!(
        has_san(&der, 0x87, &[127, 0, 0, 1]),
        "no 127.0.0.1 in the certificate"
    );
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    let host = host.trim();
    assert!(
        has_san(&der, 0x82, host.as_bytes()),
        "no {host} in the certificate"
    );

    // A client that trusts only this certificate: handshake, and the page. By host name too.
    // (The login page: open to all, 200; /healthz would be 503 with the serial link down.)
    let answer = get_tls(&d.addr, "localhost", trusting(&der), "/login").unwrap();
    assert!(
        answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200"),
        "{answer}"
    );
    assert!(answer.contains("name=\"password\""), "{answer}");
    let answer = get_tls(&d.addr, host, trusting(&der), "/login").unwrap();
    assert!(answer.contains(" 200 "), "{answer}");
    // Cookies set over HTTPS are `Secure` (the login page sets its form token's).
    let answer = get_tls(&d.addr, "localhost", trusting(&der), "/login").unwrap();
    let head = answer.split("\r\n\r\n").next().unwrap_or_default();
    let cookies: Vec<&str> = head
        .lines()
        .filter(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .collect();
    assert!(!cookies.is_empty(), "the login page set no cookie: {head}");
    for cookie in cookies {
        assert!(
            cookie.contains("; Secure"),
            "not Secure over HTTPS: {cookie}"
        );
    }

    // A client that does not trust it, or checks another name, gets no page.
    let err = get_tls(
        &d.addr,
        "localhost",
        rustls::RootCertStore::empty(),
        "/login",
    );
    assert!(
        err.is_err(),
        "an untrusted certificate was accepted: {err:?}"
    );
    let err = get_tls(&d.addr, "example.com", trusting(&der), "/login");
    assert!(
        err.is_err(),
        "a certificate for another name was accepted: {err:?}"
    );

    // Plain HTTP on the HTTPS port: no page.
    let mut plain = TcpStream::connect(&d.addr).unwrap();
    plain
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(plain, "GET /healthz HTTP/1.0\r\nHost: x\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    let _ = plain.read_to_end(&mut raw);
    assert!(
        !String::from_utf8_lossy(&raw).contains("HTTP/1."),
        "plain HTTP answered: {}",
        String::from_utf8_lossy(&raw)
    );
    d.stop();

    // After a restart: the same certificate, on disk and on the wire.
    let d = HttpsDaemon::start(&tb.config);
    assert!(
        !d.log_contains("made a self-signed certificate"),
        "a new certificate was made"
    );
    assert_eq!(
        std::fs::read_to_string(tls_dir.join("cert.pem")).unwrap(),
        cert_pem
    );
    let answer = get_tls(&d.addr, "localhost", trusting(&der), "/login").unwrap();
    assert!(answer.contains(" 200 "), "{answer}");
    d.stop();
}

/// CPU time (user + system) the process has used, in clock ticks (/proc/PID/stat).
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap()
}

/// RUSTSEC-2024-0336: with rustls before 0.21.11, a client that sends close_notify during
/// the handshake (7 bytes, no login) leaves a server thread spinning forever. The daemon must
/// stay idle after a few such connections.
#[test]
fn a_close_notify_during_the_handshake_leaves_no_thread_spinning() {
    let tb = TestBox::new("", "");
    let text = std::fs::read_to_string(&tb.config).unwrap();
    std::fs::write(
        &tb.config,
        text.replacen("[web]\n", "[web]\nhttps = true\n", 1),
    )
    .unwrap();
    let d = HttpsDaemon::start(&tb.config);
    for _ in 0..3 {
        let mut s = TcpStream::connect(&d.addr).unwrap();
        // A TLS alert record: warning, close_notify.
        s.write_all(&[0x15, 0x03, 0x01, 0x00, 0x02, 0x01, 0x00])
            .unwrap();
    }
    std::thread::sleep(Duration::from_millis(500));
    let before = cpu_ticks(d.child.id());
    std::thread::sleep(Duration::from_secs(2));
    let used = cpu_ticks(d.child.id()) - before;
    // Idle, the daemon uses a few ticks (of 100 a second) in 2 s; three spinning threads use
    // most of the machine.
    assert!(
        used < 50,
        "the daemon used {used} ticks of CPU in 2 s while idle: a TLS thread is spinning"
    );
    // And it still serves.
    let der =
        der_of(&std::fs::read_to_string(tb.db.parent().unwrap().join("tls/cert.pem")).unwrap());
    let answer = get_tls(&d.addr, "localhost", trusting(&der), "/login").unwrap();
    assert!(answer.contains(" 200 "), "{answer}");
    d.stop();
}
