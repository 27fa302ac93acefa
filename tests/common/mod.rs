//! Shared harness for the end-to-end tests: real pseudo-terminals, the real daemon binary, real
//! SQLite files, real HTTP over loopback.
#![allow(dead_code)]

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_smdrbox");

pub fn corpus_dir(brand: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(brand)
}

/// Capture files of a brand, sorted; fails loudly if the corpus is missing.
pub fn corpus_files(brand: &str) -> Vec<PathBuf> {
    let dir = corpus_dir(brand);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e} (the corpus lives beside the project)",
                dir.display()
            )
        })
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no captures in {}", dir.display());
    v
}

/// A pseudo-terminal standing in for the PBX's serial port: the test writes the master, the
/// daemon opens the slave by path.
pub struct Pty {
    pub master: File,
    slave: OwnedFd,
    pub path: PathBuf,
}

impl Pty {
    pub fn new() -> Pty {
        use nix::fcntl::OFlag;
        use nix::sys::termios;
        use std::os::unix::fs::OpenOptionsExt;
        // Both ends close-on-exec from the start (openpty cannot): a daemon another test spawns
        // meanwhile must not inherit them, or an "unplugged" pty would never hang up.
        let master = nix::pty::posix_openpt(OFlag::O_RDWR | OFlag::O_NOCTTY | OFlag::O_CLOEXEC)
            .expect("posix_openpt");
        nix::pty::grantpt(&master).expect("grantpt");
        nix::pty::unlockpt(&master).expect("unlockpt");
        let path = PathBuf::from(nix::pty::ptsname_r(&master).expect("ptsname"));
        let slave: OwnedFd = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            // std opens close-on-exec already.
            .custom_flags(OFlag::O_NOCTTY.bits())
            .open(&path)
            .expect("open pty slave")
            .into();
        let mut t = termios::tcgetattr(&slave).unwrap();
        termios::cfmakeraw(&mut t);
        termios::tcsetattr(&slave, termios::SetArg::TCSANOW, &t).unwrap();
        let master = File::from(OwnedFd::from(master));
        Pty {
            master,
            slave,
            path,
        }
    }

    pub fn write(&mut self, bytes: &[u8]) {
        self.master.write_all(bytes).expect("write to pty master");
    }
}

pub fn relink(link: &Path, target: &Path) {
    smdrbox::simulate::relink(link, target).expect("relink");
}

/// Lines of a capture after its `# ` header, as the PBX printed them.
pub fn capture_lines(path: &Path) -> Vec<Vec<u8>> {
    smdrbox::simulate::capture_lines(path).expect("read capture")
}

pub fn is_blank(l: &[u8]) -> bool {
    l.iter().all(|b| matches!(b, b' ' | b'\t' | 0x0c))
}

pub struct TestBox {
    pub dir: tempfile::TempDir,
    pub link: PathBuf,
    pub db: PathBuf,
    pub config: PathBuf,
}

impl TestBox {
    /// A data directory with a config whose serial path is `dir/pbx.tty` (a symlink the test
    /// points at a pty) and whose web port is chosen by the kernel. `store` adds lines to the
    /// `[store]` table; `tables` adds whole tables at the end.
    pub fn new(store: &str, tables: &str) -> TestBox {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("pbx.tty");
        let db = dir.path().join("data/smdrbox.db");
        let config = dir.path().join("smdrbox.toml");
        let mut text = format!(
            "[source]\npath = \"{}\"\nbaud = 9600\n\n[store]\npath = \"{}\"\n{store}\n[web]\nlisten = \"127.0.0.1:0\"\nadmin_password_hash = \"{ADMIN_HASH}\"\n",
            link.display(),
            db.display()
        );
        text.push_str(tables);
        std::fs::write(&config, text).unwrap();
        TestBox {
            dir,
            link,
            db,
            config,
        }
    }

    /// A data directory with a config whose `[source]` table is `source` (e.g. a TCP source:
    /// `kind = "tcp-client"\nconnect = "127.0.0.1:2300"`); `link` is unused.
    pub fn with_source(source: &str, store: &str, tables: &str) -> TestBox {
        let b = TestBox::new(store, tables);
        let text = std::fs::read_to_string(&b.config).unwrap();
        let (_, rest) = text.split_once("\n\n").unwrap();
        std::fs::write(&b.config, format!("[source]\n{source}\n\n{rest}")).unwrap();
        b
    }

    pub fn start(&self) -> Daemon {
        Daemon::start(&self.config)
    }

    pub fn count(&self, sql: &str) -> i64 {
        let c = rusqlite::Connection::open(&self.db).unwrap();
        c.busy_timeout(Duration::from_secs(5)).unwrap();
        c.query_row(sql, [], |r| r.get(0)).unwrap()
    }
}

pub struct Daemon {
    child: Child,
    pub addr: String,
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Daemon {
    /// Start and wait until the web page answers and the database is open.
    pub fn start(config: &Path) -> Daemon {
        Daemon::start_with_env(config, &[])
    }

    /// [`Daemon::start`] with extra environment variables (e.g. libfaketime's).
    pub fn start_with_env(config: &Path, env: &[(&str, &str)]) -> Daemon {
        let d = Daemon::start_without_db(config, env);
        // The store thread says it is open only after it has noted what it did at start (a
        // corrupt file moved aside): readable rows alone can come a moment before that.
        wait_until(Duration::from_secs(30), "database open", || {
            let s = d.status();
            s["db"].is_object() && s["status"]["store_open"] == true
        });
        d
    }

    /// Start and wait only for the web page: the database may stay unopenable.
    pub fn start_without_db(config: &Path, env: &[(&str, &str)]) -> Daemon {
        let mut child = Command::new(BIN)
            .args(["run", "--config"])
            .arg(config)
            .env("RUST_LOG", "info")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start smdrbox run");
        let log = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let log2 = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(i) = line.find("listening on http://") {
                    let rest = &line[i + "listening on http://".len()..];
                    let _ = tx.send(rest.trim_end_matches('/').to_string());
                }
                eprintln!("[daemon] {line}");
                log2.lock().unwrap().push(line);
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("daemon did not start: {:?}", log.lock().unwrap()));
        Daemon { child, addr, log }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        http_get(&self.addr, path)
    }

    pub fn status(&self) -> serde_json::Value {
        let (code, body) = self.get("/api/status");
        assert_eq!(code, 200, "{body}");
        serde_json::from_str(&body).expect("status JSON")
    }

    pub fn signal(&self, sig: nix::sys::signal::Signal) {
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.child.id() as i32), sig).unwrap();
    }

    /// SIGTERM and wait for a clean exit.
    pub fn stop(mut self) -> Vec<String> {
        self.signal(nix::sys::signal::Signal::SIGTERM);
        let status = wait_exit(&mut self.child, Duration::from_secs(30));
        assert!(status.success(), "daemon exit: {status:?}");
        std::thread::sleep(Duration::from_millis(100));
        let log = self.log.lock().unwrap().clone();
        log
    }

    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn log_contains(&self, s: &str) -> bool {
        self.log.lock().unwrap().iter().any(|l| l.contains(s))
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_exit(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let end = Instant::now() + limit;
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        assert!(Instant::now() < end, "daemon did not exit within {limit:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Poll until `f` is true; panics with `what` after `limit`.
pub fn wait_until(limit: Duration, what: &str, mut f: impl FnMut() -> bool) {
    let end = Instant::now() + limit;
    while !f() {
        assert!(Instant::now() < end, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The password of the test boxes' admin (user `admin`, from `[web] admin_password_hash`).
pub const ADMIN_PASSWORD: &str = "test admin password";
/// Its argon2id hash (`echo "test admin password" | smdrbox password-hash`), written into
/// every [`TestBox`]'s configuration.
pub const ADMIN_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$dZmugLu+Iio0QKE0vHCp5A$yLAQrm3BvBkjdXvLI6D6zDx2doDQ2Gaz+jBae4t8jrM";

/// The `Authorization` header value of HTTP Basic auth as `user` with `password`.
pub fn basic_auth(user: &str, password: &str) -> String {
    const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let raw = format!("{user}:{password}").into_bytes();
    let mut out = String::from("Basic ");
    for c in raw.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= c.len() {
                out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// One HTTP answer: status, head (status line and headers), body bytes.
#[derive(Debug, Clone)]
pub struct HttpReply {
    pub code: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl HttpReply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The first header called `name` (any case).
    pub fn header<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        self.headers(name).next()
    }

    /// Every header called `name` (any case), e.g. each `Set-Cookie`.
    pub fn headers<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.head.lines().skip(1).filter_map(move |l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then_some(v.trim())
        })
    }
}

/// Send `head_lines` (request line and headers, without the blank line) and `body`; HTTP/1.0,
/// so the server closes the connection after its answer.
pub fn http_raw(addr: &str, head_lines: &str, body: &[u8]) -> HttpReply {
    let mut s = std::net::TcpStream::connect(addr).expect("connect to web");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut req = format!("{head_lines}\r\nHost: {addr}\r\n");
    if !body.is_empty() {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    let mut bytes = req.into_bytes();
    bytes.extend_from_slice(body);
    s.write_all(&bytes).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(raw.len());
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let code = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = raw.get(end + 4..).unwrap_or_default().to_vec();
    HttpReply { code, head, body }
}

/// A plain HTTP/1.0 GET over loopback as the test boxes' admin (HTTP Basic auth): (status
/// code, body).
pub fn http_get(addr: &str, path: &str) -> (u16, String) {
    let r = http_get_as(addr, path, &basic_auth("admin", ADMIN_PASSWORD));
    (r.code, r.text())
}

/// GET with `authorization` as the `Authorization` header.
pub fn http_get_as(addr: &str, path: &str, authorization: &str) -> HttpReply {
    http_raw(
        addr,
        &format!("GET {path} HTTP/1.0\r\nAuthorization: {authorization}"),
        b"",
    )
}

/// A GET without credentials.
pub fn http_get_anon(addr: &str, path: &str) -> (u16, String) {
    let r = http_raw(addr, &format!("GET {path} HTTP/1.0"), b"");
    (r.code, r.text())
}

/// POST an urlencoded `body` with `cookie` (a `Cookie:` header value; "" for none).
pub fn http_post(addr: &str, path: &str, body: &str, cookie: &str) -> HttpReply {
    let mut head =
        format!("POST {path} HTTP/1.0\r\nContent-Type: application/x-www-form-urlencoded");
    if !cookie.is_empty() {
        head.push_str(&format!("\r\nCookie: {cookie}"));
    }
    http_raw(addr, &head, body.as_bytes())
}

/// A tiny browser for form flows: keeps the cookies the server sets, sends them back.
#[derive(Debug, Clone)]
pub struct Browser {
    pub addr: String,
    pub cookies: Vec<(String, String)>,
}

impl Browser {
    pub fn new(addr: &str) -> Browser {
        Browser {
            addr: addr.to_string(),
            cookies: Vec::new(),
        }
    }

    /// A browser logged in as `user` through the login form; panics if the login fails.
    pub fn logged_in(addr: &str, user: &str, password: &str) -> Browser {
        let mut b = Browser::new(addr);
        let r = b.log_in(user, password);
        assert_eq!(r.code, 303, "login as {user}: {}", r.text());
        assert!(b.cookie("smdrbox_session").is_some(), "no session cookie");
        b
    }

    /// Open the login page and send its form.
    pub fn log_in(&mut self, user: &str, password: &str) -> HttpReply {
        let page = self.get("/login");
        let form = hidden(&page.text(), "form").expect("login form token");
        self.post(
            "/login",
            &format!(
                "form={}&next=%2F&user={}&password={}",
                form,
                urlencode(user),
                urlencode(password)
            ),
        )
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn keep(&mut self, r: &HttpReply) {
        for c in r.headers("set-cookie") {
            let pair = c.split(';').next().unwrap_or_default();
            let Some((k, v)) = pair.split_once('=') else {
                continue;
            };
            self.cookies.retain(|(n, _)| n != k);
            if !v.is_empty() && !c.contains("Max-Age=0") {
                self.cookies.push((k.to_string(), v.to_string()));
            }
        }
    }

    pub fn get(&mut self, path: &str) -> HttpReply {
        let mut head = format!("GET {path} HTTP/1.0");
        if !self.cookies.is_empty() {
            head.push_str(&format!("\r\nCookie: {}", self.cookie_header()));
        }
        let r = http_raw(&self.addr, &head, b"");
        self.keep(&r);
        r
    }

    pub fn post(&mut self, path: &str, body: &str) -> HttpReply {
        let r = http_post(&self.addr, path, body, &self.cookie_header());
        self.keep(&r);
        r
    }

    /// The session's CSRF token, read from the account page's forms.
    pub fn csrf(&mut self) -> String {
        let page = self.get("/account");
        assert_eq!(page.code, 200, "{}", page.text());
        hidden(&page.text(), "csrf").expect("csrf field on /account")
    }
}

/// The value of the hidden input `name` in `html` (as the pages write it: name then value).
pub fn hidden(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\" value=\""))?;
    let rest = &html[at + name.len() + 15..];
    Some(rest[..rest.find('"')?].to_string())
}

/// Percent-encode `s` for a form or query value.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A Pattern B outgoing call line, unique per `i`, so that order and loss are visible.
pub fn call_line(i: usize) -> String {
    format!(
        "07/12/20 11:{:02}    401 01 {:<20} 00:00'{:02} EU00000.00               ",
        i % 60,
        format!("0364{:06}", i),
        i % 60
    )
}

/// A small tmpfs mounted for one test: the file system can be filled or made read-only
/// without touching the machine's. Needs root (CAP_SYS_ADMIN), as the CI machine has.
pub struct Tmpfs {
    pub dir: PathBuf,
}

impl Tmpfs {
    pub fn mount(dir: &Path, size_kib: u32) -> Tmpfs {
        std::fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size_kib}k"), "tmpfs"])
            .arg(dir)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(
            ok,
            "cannot mount a tmpfs at {}: this test needs root (CAP_SYS_ADMIN)",
            dir.display()
        );
        Tmpfs {
            dir: dir.to_path_buf(),
        }
    }

    /// `mount -o remount,OPTS`.
    pub fn remount(&self, opts: &str) {
        let ok = Command::new("mount")
            .args(["-o", &format!("remount,{opts}")])
            .arg(&self.dir)
            .status()
            .unwrap()
            .success();
        assert!(ok, "remount {opts} of {}", self.dir.display());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
    }
}

impl TestBox {
    /// Like [`TestBox::new`] with the database at `db`.
    pub fn with_db(db: &Path, store: &str, tables: &str) -> TestBox {
        let mut b = TestBox::new(&format!("{store}\n"), tables);
        let text = std::fs::read_to_string(&b.config).unwrap().replace(
            &format!("path = \"{}\"", b.db.display()),
            &format!("path = \"{}\"", db.display()),
        );
        std::fs::write(&b.config, text).unwrap();
        b.db = db.to_path_buf();
        b
    }

    pub fn integrity(&self) -> String {
        let c = rusqlite::Connection::open(&self.db).unwrap();
        c.query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap()
    }
}

impl Pty {
    /// Clear the exclusive-open flag (TIOCEXCL) a killed daemon left on the slave. The serial
    /// library sets it on open and clears it on close; after SIGKILL nobody clears it, and as
    /// the test holds the slave open the kernel keeps it, so a reopen by a user without
    /// CAP_SYS_ADMIN (CI) gets EBUSY. A real port's last close resets it: this does the same.
    pub fn release_exclusive(&self) {
        // SAFETY: TIOCNXCL takes no argument and only clears a flag on our own open fd.
        let r = unsafe { nix::libc::ioctl(self.slave.as_raw_fd(), nix::libc::TIOCNXCL) };
        assert_eq!(r, 0, "TIOCNXCL: {}", std::io::Error::last_os_error());
    }

    /// Bytes written to the master that no reader has taken yet.
    pub fn unread(&self) -> usize {
        let mut n: nix::libc::c_int = 0;
        // SAFETY: TIOCINQ writes one int to the pointer we pass.
        let r = unsafe { nix::libc::ioctl(self.slave.as_raw_fd(), nix::libc::TIOCINQ, &mut n) };
        assert_eq!(r, 0, "TIOCINQ: {}", std::io::Error::last_os_error());
        n as usize
    }
}

impl Daemon {
    /// SIGKILL, as the OOM killer or a watchdog would end it: no handler runs, nothing is
    /// flushed. Panics if the daemon had already exited by itself.
    pub fn sigkill(mut self) {
        use std::os::unix::process::ExitStatusExt;
        if let Some(s) = self.child.try_wait().unwrap() {
            panic!("daemon exited before the kill: {s:?}: {:?}", self.log);
        }
        self.signal(nix::sys::signal::Signal::SIGKILL);
        let status = self.child.wait().unwrap();
        assert_eq!(status.signal(), Some(9), "daemon exit: {status:?}");
    }
}

/// A file system of its own on a loop device, so that it can be frozen (FIFREEZE): every write
/// to it then blocks in the kernel until it is thawed, as on an SD card that stopped answering.
pub struct FreezableFs {
    pub dir: PathBuf,
}

impl FreezableFs {
    pub fn new(parent: &Path) -> FreezableFs {
        assert!(
            nix::unistd::geteuid().is_root(),
            "this test needs root (a loop mount and fsfreeze), as CI has"
        );
        let img = parent.join("fs.img");
        let dir = parent.join("fs");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::File::create(&img)
            .unwrap()
            .set_len(32 << 20)
            .unwrap();
        run("mkfs.ext4", &["-q", "-F", img.to_str().unwrap()]);
        run(
            "mount",
            &["-o", "loop", img.to_str().unwrap(), dir.to_str().unwrap()],
        );
        FreezableFs { dir }
    }

    /// Frozen until the guard is thawed or dropped. Declare the guard after the daemon: on a
    /// failed assertion it is dropped first, so the daemon (blocked in the kernel, deaf even to
    /// SIGKILL) can then be killed and the file system unmounted.
    pub fn freeze(&self) -> Frozen {
        run("fsfreeze", &["--freeze", self.dir.to_str().unwrap()]);
        Frozen {
            dir: self.dir.clone(),
            thawed: false,
        }
    }
}

impl Drop for FreezableFs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.dir).status();
    }
}

pub struct Frozen {
    dir: PathBuf,
    thawed: bool,
}

impl Frozen {
    pub fn thaw(mut self) {
        run("fsfreeze", &["--unfreeze", self.dir.to_str().unwrap()]);
        self.thawed = true;
    }
}

impl Drop for Frozen {
    fn drop(&mut self) {
        if !self.thawed {
            let _ = Command::new("fsfreeze")
                .arg("--unfreeze")
                .arg(&self.dir)
                .status();
        }
    }
}

/// Runs a command that must succeed.
pub fn run(cmd: &str, args: &[&str]) {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e} (run `make deps`)"));
    assert!(
        out.status.success(),
        "{cmd} {args:?}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The value (`value.v`) of figure `key` in a report's JSON, if the report has that figure.
pub fn report_figure(report: &serde_json::Value, key: &str) -> Option<serde_json::Value> {
    report["figures"]
        .as_array()?
        .iter()
        .find(|f| f["key"] == key)
        .map(|f| f["value"]["v"].clone())
}
