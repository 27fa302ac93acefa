//! The daemon under systemd, as far as a machine without systemd as PID 1 can show it: the real
//! binary talks the notify protocol to a socket this test binds, as systemd would (READY=1,
//! STATUS=, WATCHDOG=1, EXTEND_TIMEOUT_USEC=, STOPPING=1, each checked to come from the
//! daemon's own pid, as NotifyAccess=main demands); the unit file goes through
//! `systemd-analyze verify` and `security`, the sysusers file through `systemd-sysusers`.
//! Then a real systemd (252) runs the unit: a user instance of the manager, which runs it with
//! its sandbox, becomes active on READY=1, shows the status line, and restarts the daemon when
//! its storage hangs. What only a booted box shows (another user, ProtectHome= and
//! ProtectKernelLogs=, which this container cannot mount, DeviceAllow= on real serial ports)
//! is `make image-test`'s.

mod common;

use common::*;
use nix::sys::socket::{recvmsg, setsockopt, sockopt, ControlMessageOwned, MsgFlags, UnixAddr};
use std::io::IoSliceMut;
use std::os::fd::AsRawFd;
use std::os::linux::net::SocketAddrExt;
use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const UNIT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/systemd/smdrbox.service");
const SYSUSERS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/systemd/smdrbox.sysusers.conf");
/// `systemd-analyze security` exposure (0 safest, 10 worst) the unit must stay at or under.
/// Measured 1.8 with systemd 252; what is left is the network (the page), devices (the ports),
/// the LEDs' /sys and the port-80 capability.
const MAX_EXPOSURE: f64 = 2.0;
const WATCHDOG_USEC: &str = "2000000";

/// One datagram the daemon sent: when it arrived, the sender's pid (SCM_CREDENTIALS), the text.
#[derive(Debug, Clone)]
struct Msg {
    at: Instant,
    pid: i32,
    text: String,
}

impl Msg {
    fn has(&self, assignment: &str) -> bool {
        self.text.lines().any(|l| l == assignment)
    }

    fn value(&self, key: &str) -> Option<&str> {
        self.text
            .lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
    }
}

/// systemd's side of NOTIFY_SOCKET: a datagram socket that records what arrives and who sent it.
struct Manager {
    /// The value for NOTIFY_SOCKET.
    target: String,
    msgs: Arc<Mutex<Vec<Msg>>>,
    stop: Arc<AtomicBool>,
    _dir: tempfile::TempDir,
}

impl Manager {
    fn bind() -> Manager {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notify.sock");
        let sock = UnixDatagram::bind(&path).unwrap();
        Manager::listen(sock, path.display().to_string(), dir)
    }

    /// In the abstract namespace (NOTIFY_SOCKET=@name), as systemd --user and containers do.
    fn bind_abstract() -> Manager {
        let name = format!("smdrbox-test-{}-{}", std::process::id(), fastrand::u64(..));
        let sock =
            UnixDatagram::bind_addr(&SocketAddr::from_abstract_name(&name).unwrap()).unwrap();
        Manager::listen(sock, format!("@{name}"), tempfile::tempdir().unwrap())
    }

    fn listen(sock: UnixDatagram, target: String, dir: tempfile::TempDir) -> Manager {
        // As systemd does: the kernel then attaches the sender's credentials to each datagram.
        setsockopt(&sock, sockopt::PassCred, &true).unwrap();
        sock.set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let msgs = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (m, s) = (msgs.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 4096];
            let mut cmsg = nix::cmsg_space!(nix::libc::ucred);
            while !s.load(Ordering::Relaxed) {
                let mut iov = [IoSliceMut::new(&mut buf)];
                let r = recvmsg::<UnixAddr>(
                    sock.as_raw_fd(),
                    &mut iov,
                    Some(&mut cmsg),
                    MsgFlags::empty(),
                );
                let Ok(r) = r else { continue };
                let pid = r
                    .cmsgs()
                    .ok()
                    .and_then(|mut c| {
                        c.find_map(|c| match c {
                            ControlMessageOwned::ScmCredentials(u) => Some(u.pid()),
                            _ => None,
                        })
                    })
                    .unwrap_or(-1);
                let n = r.bytes;
                let text = String::from_utf8_lossy(&buf[..n]).into_owned();
                eprintln!("[notify from {pid}] {}", text.replace('\n', " | "));
                m.lock().unwrap().push(Msg {
                    at: Instant::now(),
                    pid,
                    text,
                });
            }
        });
        Manager {
            target,
            msgs,
            stop,
            _dir: dir,
        }
    }

    fn all(&self) -> Vec<Msg> {
        self.msgs.lock().unwrap().clone()
    }

    /// The first message (from the start) for which `f` holds, waiting up to `limit`.
    fn wait_for(&self, limit: Duration, what: &str, f: impl Fn(&Msg) -> bool) -> Msg {
        let end = Instant::now() + limit;
        loop {
            if let Some(m) = self.all().into_iter().find(|m| f(m)) {
                return m;
            }
            assert!(
                Instant::now() < end,
                "no {what} within {limit:?}; got {:#?}",
                self.all()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn statuses(&self) -> Vec<String> {
        self.all()
            .iter()
            .filter_map(|m| m.value("STATUS").map(str::to_string))
            .collect()
    }

    fn pings_between(&self, from: Instant, to: Instant) -> Vec<Instant> {
        self.all()
            .iter()
            .filter(|m| m.has("WATCHDOG=1") && m.at >= from && m.at <= to)
            .map(|m| m.at)
            .collect()
    }

    fn env(&self, watchdog: bool) -> Vec<(&str, &str)> {
        let mut env = vec![("NOTIFY_SOCKET", self.target.as_str())];
        if watchdog {
            env.push(("WATCHDOG_USEC", WATCHDOG_USEC));
        }
        env
    }
}

impl Drop for Manager {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn assert_all_from(m: &Manager, pid: u32) {
    for msg in m.all() {
        assert_eq!(msg.pid, pid as i32, "NotifyAccess=main would drop {msg:?}");
    }
}

/// Watchdog pings after READY arrive at about half the 2 s interval, never a whole one apart.
fn assert_pings_regular(pings: &[Instant]) {
    assert!(pings.len() >= 3, "pings: {pings:?}");
    let gaps: Vec<f64> = pings
        .windows(2)
        .map(|w| (w[1] - w[0]).as_secs_f64())
        .collect();
    let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
    eprintln!("watchdog gaps: {gaps:.2?} s, mean {mean:.2} s");
    assert!(
        gaps.iter().all(|g| *g < 1.9),
        "a gap near the 2 s timeout: {gaps:?}"
    );
    assert!((0.9..1.5).contains(&mean), "mean gap {mean:.2} s: {gaps:?}");
}

#[test]
fn ready_status_watchdog_and_stopping() {
    let b = TestBox::new("commit_interval_ms = 200", "");
    let m = Manager::bind();
    // No serial port: the symlink points nowhere yet.
    let start = Instant::now();
    let d = Daemon::start_without_db(&b.config, &m.env(true));
    let ready = m.wait_for(Duration::from_secs(30), "READY=1", |m| m.has("READY=1"));
    // The database is open by the time READY=1 arrives.
    let st = d.status();
    assert!(st["db"].is_object(), "READY before the database: {st}");
    assert!(
        d.log_contains("database ") && d.log_contains(" open after 1 tries"),
        "{:?}",
        d.log
    );
    eprintln!("READY after {:?}", ready.at - start);
    // Before READY, nothing but STATUS= and start-timeout extensions.
    for msg in m.all().iter().filter(|x| x.at < ready.at) {
        assert!(
            msg.value("STATUS").is_some() || msg.value("EXTEND_TIMEOUT_USEC").is_some(),
            "{msg:?}"
        );
    }
    let down = m.wait_for(Duration::from_secs(10), "STATUS with the link down", |m| {
        m.value("STATUS")
            .is_some_and(|s| s.starts_with("link DOWN") && s.ends_with("storage ok"))
    });
    let s = down.value("STATUS").unwrap();
    assert!(
        s.contains(&format!("{} not found", b.link.display()))
            && s.contains("0 records today, 0 stored")
            && s.contains("no record yet"),
        "{s}"
    );

    // The port appears: the link comes up, and the status says so.
    let mut pty = Pty::new();
    relink(&b.link, &pty.path);
    let up = m.wait_for(Duration::from_secs(15), "STATUS with the link up", |m| {
        m.value("STATUS").is_some_and(|s| s.starts_with("link up"))
    });
    assert_eq!(
        up.value("STATUS").unwrap(),
        format!(
            "link up: {} 9600 8N1; 0 records today, 0 stored, no record yet; storage ok",
            b.link.display()
        )
    );
    for i in 0..3 {
        pty.write(format!("{}\r\n", call_line(i)).as_bytes());
    }
    let counted = m.wait_for(Duration::from_secs(15), "STATUS with 3 records", |m| {
        m.value("STATUS")
            .is_some_and(|s| s.contains("3 records today, 3 stored"))
    });
    assert!(
        counted
            .value("STATUS")
            .unwrap()
            .contains("last record under a minute ago"),
        "{counted:?}"
    );
    // Statuses are paced: never two within 3 s (less a tick of scheduling slack).
    let times: Vec<Instant> = m
        .all()
        .iter()
        .filter(|x| x.value("STATUS").is_some())
        .map(|x| x.at)
        .collect();
    for w in times.windows(2) {
        assert!(
            w[1] - w[0] >= Duration::from_millis(2_700),
            "{:?}",
            m.statuses()
        );
    }

    let pings = m.pings_between(ready.at, Instant::now());
    assert_pings_regular(&pings);

    let pid = d.pid();
    let stop_at = Instant::now();
    let log = d.stop();
    let stopping = m.wait_for(Duration::from_secs(5), "STOPPING=1", |m| {
        m.has("STOPPING=1")
    });
    assert!(stopping.at >= stop_at);
    assert!(
        stopping
            .value("STATUS")
            .is_some_and(|s| s.starts_with("stopping")),
        "{stopping:?}"
    );
    assert!(log.iter().any(|l| l.contains("systemd: ready")), "{log:?}");
    assert_all_from(&m, pid);
    assert_eq!(m.all().iter().filter(|x| x.has("READY=1")).count(), 1);
    assert_eq!(b.count("SELECT count(*) FROM records"), 3);
}

#[test]
fn ready_waits_for_a_locked_database() {
    let b = TestBox::new("commit_interval_ms = 200", "");
    std::fs::create_dir_all(b.db.parent().unwrap()).unwrap();
    smdrbox::store::Store::open(&b.db).unwrap();
    // Another program holds the database (exclusive locking mode: readers wait too), for less
    // than SQLite's 5 s busy timeout: the store thread's first check waits, then succeeds.
    let lock = rusqlite::Connection::open(&b.db).unwrap();
    lock.execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; DELETE FROM events;")
        .unwrap();
    let m = Manager::bind();
    let d = Daemon::start_without_db(&b.config, &m.env(true));
    std::thread::sleep(Duration::from_secs(2));
    assert!(
        !m.all().iter().any(|x| x.has("READY=1")),
        "READY while the database is locked: {:?}",
        m.all()
    );
    let released = Instant::now();
    drop(lock);
    let ready = m.wait_for(Duration::from_secs(15), "READY=1", |m| m.has("READY=1"));
    assert!(ready.at > released);
    assert!(d.status()["db"].is_object());
    assert!(d.log_contains(" open after 1 tries"), "{:?}", d.log);
    assert_all_from(&m, d.pid());
}

#[test]
fn ready_with_a_database_that_cannot_be_opened_says_why() {
    let b = TestBox::new("commit_interval_ms = 200", "");
    // A directory where the database file should be: the open fails until it is removed.
    std::fs::create_dir_all(&b.db).unwrap();
    let m = Manager::bind();
    let d = Daemon::start_without_db(&b.config, &m.env(true));
    let ready = m.wait_for(Duration::from_secs(15), "READY=1", |m| m.has("READY=1"));
    let fault = m.wait_for(Duration::from_secs(10), "STATUS with the fault", |m| {
        m.value("STATUS")
            .is_some_and(|s| s.contains("storage FAULT: cannot open the database"))
    });
    assert!(
        fault.at <= ready.at + Duration::from_secs(4),
        "{:?}",
        m.all()
    );
    // The store thread retries: it is alive, so the watchdog is fed.
    std::thread::sleep(Duration::from_secs(4));
    assert_pings_regular(&m.pings_between(ready.at, Instant::now()));
    std::fs::remove_dir(&b.db).unwrap();
    m.wait_for(Duration::from_secs(30), "STATUS storage ok", |m| {
        m.value("STATUS").is_some_and(|s| s.ends_with("storage ok"))
    });
    assert_all_from(&m, d.pid());
    d.stop();
}

#[test]
fn abstract_notify_socket() {
    let b = TestBox::new("", "");
    let m = Manager::bind_abstract();
    let d = Daemon::start_without_db(&b.config, &m.env(false));
    m.wait_for(Duration::from_secs(30), "READY=1", |m| m.has("READY=1"));
    // No WATCHDOG_USEC: no pings.
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        !m.all().iter().any(|x| x.has("WATCHDOG=1")),
        "{:?}",
        m.all()
    );
    assert_all_from(&m, d.pid());
    d.stop();
}

#[test]
fn watchdog_meant_for_another_process_is_not_pinged() {
    let b = TestBox::new("", "");
    let m = Manager::bind();
    let mut env = m.env(true);
    env.push(("WATCHDOG_PID", "1"));
    let d = Daemon::start_without_db(&b.config, &env);
    m.wait_for(Duration::from_secs(30), "READY=1", |m| m.has("READY=1"));
    std::thread::sleep(Duration::from_millis(2500));
    assert!(
        !m.all().iter().any(|x| x.has("WATCHDOG=1")),
        "{:?}",
        m.all()
    );
    d.stop();
}

#[test]
fn pings_go_on_while_the_store_retries_a_locked_database() {
    let b = TestBox::new("commit_interval_ms = 200", "");
    let m = Manager::bind();
    let mut pty = Pty::new();
    relink(&b.link, &pty.path);
    let d = Daemon::start_with_env(&b.config, &m.env(true));
    let ready = m.wait_for(Duration::from_secs(30), "READY=1", |m| m.has("READY=1"));
    // Another program takes the write lock for 14 s: each commit waits 5 s (busy timeout),
    // fails, and is retried. Retrying is life, not a hang (MIN_STALL_MS is 10 s).
    let lock = rusqlite::Connection::open(&b.db).unwrap();
    lock.execute_batch("BEGIN EXCLUSIVE; DELETE FROM events;")
        .unwrap();
    let locked = Instant::now();
    pty.write(format!("{}\r\n", call_line(1)).as_bytes());
    m.wait_for(
        Duration::from_secs(15),
        "STATUS with the commit failing",
        |m| {
            m.value("STATUS")
                .is_some_and(|s| s.contains("storage FAULT: commit failed"))
        },
    );
    std::thread::sleep(
        (locked + Duration::from_secs(14)).saturating_duration_since(Instant::now()),
    );
    drop(lock);
    let pings = m.pings_between(ready.at, Instant::now());
    assert_pings_regular(&pings);
    assert!(
        pings.iter().filter(|p| **p > locked).count() >= 11,
        "pings while locked: {pings:?}"
    );
    assert!(!d.log_contains("no more pings"), "{:?}", d.log);
    wait_until(Duration::from_secs(30), "the line stored", || {
        b.count("SELECT count(*) FROM records") == 1
    });
    assert_all_from(&m, d.pid());
    d.stop();
}

/// The TCP sources beat while they wait: a client backing off from a refusing PBX (its waits
/// grow past the 10 s stall limit) and a listener no PBX connects to keep the pings going.
#[test]
fn pings_go_on_while_tcp_sources_wait() {
    let free = || {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    };
    for source in [
        format!("kind = \"tcp-client\"\nconnect = \"127.0.0.1:{}\"", free()),
        format!("kind = \"tcp-listen\"\nlisten = \"127.0.0.1:{}\"", free()),
    ] {
        let b = TestBox::with_source(&source, "", "");
        let m = Manager::bind();
        let d = Daemon::start_with_env(&b.config, &m.env(true));
        let ready = m.wait_for(Duration::from_secs(30), "READY=1", |m| m.has("READY=1"));
        std::thread::sleep(Duration::from_secs(16));
        let pings = m.pings_between(ready.at, Instant::now());
        assert_pings_regular(&pings);
        assert!(pings.len() >= 13, "{source}: pings {pings:?}");
        assert!(!d.log_contains("no more pings"), "{:?}", d.log);
        assert_eq!(d.status()["status"]["link"], "down");
        assert_all_from(&m, d.pid());
        d.stop();
    }
}

#[test]
fn pings_stop_while_storage_hangs() {
    let tmp = tempfile::tempdir().unwrap();
    let fs = FreezableFs::new(tmp.path());
    let b = TestBox::with_db(&fs.dir.join("smdrbox.db"), "commit_interval_ms = 200", "");
    let m = Manager::bind();
    let mut pty = Pty::new();
    relink(&b.link, &pty.path);
    // Declared after the file system: killed before it is unmounted.
    let d = Daemon::start_with_env(&b.config, &m.env(true));
    let ready = m.wait_for(Duration::from_secs(30), "READY=1", |m| m.has("READY=1"));
    std::thread::sleep(Duration::from_secs(3));
    assert_pings_regular(&m.pings_between(ready.at, Instant::now()));

    // The card stops answering; a record arrives and the store thread blocks writing it.
    let frost = fs.freeze();
    let frozen = Instant::now();
    pty.write(format!("{}\r\n", call_line(7)).as_bytes());
    // Silent for over 10 s (MIN_STALL_MS, above the 2 s watchdog): pings stop. Under systemd
    // the daemon would be killed 2 s after the last one.
    std::thread::sleep(Duration::from_secs(16));
    let last = m
        .pings_between(ready.at, Instant::now())
        .last()
        .copied()
        .unwrap();
    let silent_for = Instant::now() - last;
    eprintln!(
        "last ping {:?} after the freeze; none for {silent_for:?}",
        last.saturating_duration_since(frozen)
    );
    assert!(
        last < frozen + Duration::from_millis(12_500) && silent_for > Duration::from_secs(3),
        "pings went on while the store thread hung: last {:?} after the freeze",
        last - frozen
    );
    assert!(
        d.log_contains("watchdog: the store thread has shown no sign of life"),
        "{:?}",
        d.log
    );
    // (No page request here: the page reads the database, and that may wait on the frozen
    // file system too.)

    // The card answers again: the commit completes, pings resume (systemd would have
    // restarted the daemon by now; this shows the judgement follows the store thread).
    frost.thaw();
    let thawed = Instant::now();
    m.wait_for(Duration::from_secs(10), "a ping after the thaw", |m| {
        m.has("WATCHDOG=1") && m.at > thawed
    });
    assert!(d.log_contains("pings resume"), "{:?}", d.log);
    wait_until(Duration::from_secs(15), "the line stored", || {
        b.count("SELECT count(*) FROM records") == 1
    });
    assert_all_from(&m, d.pid());
    d.stop();
}

/// A real systemd service manager: a user instance (`systemd --user`, run as root), as near to
/// PID 1 as this machine allows. It refuses to start unless the system was booted with systemd,
/// which it tells by /run/systemd/system: that is faked in a private mount namespace.
struct UserManager {
    child: std::process::Child,
    runtime: PathBuf,
    log: PathBuf,
}

impl UserManager {
    /// Start with `unit` installed as smdrbox.service; `dir` holds its runtime and config dirs.
    fn start(dir: &Path, unit: &str) -> UserManager {
        let runtime = dir.join("runtime");
        let units = dir.join("config/systemd/user");
        std::fs::create_dir_all(&units).unwrap();
        std::fs::create_dir_all(&runtime).unwrap();
        std::fs::set_permissions(
            &runtime,
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .unwrap();
        std::fs::write(units.join("smdrbox.service"), unit).unwrap();
        let log = dir.join("manager.log");
        let child = Command::new("unshare")
            .args([
                "--mount",
                "--propagation",
                "private",
                "sh",
                "-c",
                "mount -t tmpfs tmpfs /run/systemd && mkdir /run/systemd/system && \
                 exec /lib/systemd/systemd --user",
            ])
            .env("XDG_RUNTIME_DIR", &runtime)
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .env("SYSTEMD_LOG_TARGET", "console")
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(std::fs::File::create(dir.join("manager.err")).unwrap())
            .spawn()
            .expect("unshare (util-linux)");
        let m = UserManager {
            child,
            runtime,
            log,
        };
        wait_until(Duration::from_secs(30), "the user manager", || {
            let s = m.systemctl(&["is-system-running"]);
            s.starts_with("running") || s.starts_with("degraded")
        });
        m
    }

    /// systemctl too believes in systemd only where /run/systemd/system exists: it runs in the
    /// manager's mount namespace.
    fn systemctl(&self, args: &[&str]) -> String {
        let out = Command::new("nsenter")
            .args(["--mount", "--target", &self.child.id().to_string()])
            .args(["systemctl", "--user"])
            .args(args)
            .env("XDG_RUNTIME_DIR", &self.runtime)
            .output()
            .unwrap();
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    }

    fn show(&self, prop: &str) -> String {
        self.systemctl(&["show", "smdrbox.service", "-p", prop, "--value"])
            .trim()
            .to_string()
    }
}

impl Drop for UserManager {
    fn drop(&mut self) {
        self.systemctl(&["kill", "--signal=SIGKILL", "smdrbox.service"]);
        self.systemctl(&["stop", "smdrbox.service"]);
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!(
                "manager log:\n{}",
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
        }
    }
}

#[test]
fn a_real_service_manager_restarts_a_daemon_whose_storage_hangs() {
    // Outside /tmp: the unit's PrivateTmp= would hide it from the daemon.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let fs = FreezableFs::new(dir.path());
    let mut pty = Pty::new();
    let link = dir.path().join("pbx.tty");
    relink(&link, &pty.path);
    let config = dir.path().join("smdrbox.toml");
    std::fs::write(
        &config,
        format!(
            "[source]\npath = \"{}\"\n[store]\npath = \"{}/smdrbox.db\"\ncommit_interval_ms = 200\n\
             [web]\nlisten = \"127.0.0.1:0\"\n",
            link.display(),
            fs.dir.display()
        ),
    )
    .unwrap();
    // The unit as shipped, but for what a user manager in this container cannot do, which the
    // image's test (a real boot) covers: switch users; ProtectHome= and ProtectKernelLogs= (their
    // mounts fail here, 226/NAMESPACE, on the container's masked /proc); DeviceAllow= (the
    // test's port is a pty). Faster watchdog; the database on the freezable file system.
    let text = std::fs::read_to_string(UNIT).unwrap();
    let mut unit = String::new();
    for line in text.lines() {
        let key = line.split('=').next().unwrap_or_default();
        if [
            "User",
            "Group",
            "SupplementaryGroups",
            "ProtectHome",
            "ProtectKernelLogs",
            "DevicePolicy",
            "DeviceAllow",
        ]
        .contains(&key)
        {
            continue;
        }
        let line = match key {
            "ExecStart" => format!("ExecStart={BIN} run --config {}", config.display()),
            "WatchdogSec" => "WatchdogSec=2".to_string(),
            _ => line.to_string(),
        };
        unit.push_str(&line);
        unit.push('\n');
        if key == "ExecStart" {
            unit.push_str(&format!(
                "ReadWritePaths={}\nStandardError=append:{}\n",
                fs.dir.display(),
                dir.path().join("daemon.log").display()
            ));
        }
    }
    let m = UserManager::start(dir.path(), &unit);
    // Type=notify: this returns once READY=1 has arrived.
    let out = m.systemctl(&["start", "smdrbox.service"]);
    assert_eq!(m.show("ActiveState"), "active", "{out}");
    wait_until(Duration::from_secs(10), "the status line", || {
        m.show("StatusText").starts_with("link up") && m.show("StatusText").ends_with("storage ok")
    });
    eprintln!("systemctl status: {}", m.show("StatusText"));
    let pid = m.show("MainPID");
    // Fed: still the same process a few watchdog intervals later.
    std::thread::sleep(Duration::from_secs(5));
    assert_eq!(m.show("MainPID"), pid);
    assert_eq!(m.show("NRestarts"), "0");

    let frost = fs.freeze();
    pty.write(format!("{}\r\n", call_line(3)).as_bytes());
    wait_until(
        Duration::from_secs(25),
        "systemd's watchdog verdict",
        || m.show("Result") == "watchdog",
    );
    // Stuck in the kernel, the process dies only when the file system thaws; then systemd
    // starts a new one.
    frost.thaw();
    wait_until(Duration::from_secs(30), "the restart", || {
        m.show("NRestarts") == "1" && m.show("ActiveState") == "active"
    });
    assert_ne!(m.show("MainPID"), pid);
    let log = std::fs::read_to_string(dir.path().join("daemon.log")).unwrap_or_default();
    assert!(
        log.contains("watchdog: the store thread has shown no sign of life"),
        "{log}"
    );
}

#[test]
fn journald_gets_priorities_and_no_timestamps() {
    use std::os::unix::fs::MetadataExt;
    let b = TestBox::new("", "");
    let dir = tempfile::tempdir().unwrap();
    let run_with = |journal: bool| -> Vec<String> {
        let path = dir.path().join(format!("stderr-{journal}"));
        let file = std::fs::File::create(&path).unwrap();
        let meta = file.metadata().unwrap();
        // systemd sets JOURNAL_STREAM to the device and inode of the stream it gave as stderr;
        // a different inode means stderr was redirected elsewhere.
        let ino = if journal { meta.ino() } else { meta.ino() + 1 };
        let mut child = Command::new(BIN)
            .args(["run", "--config"])
            .arg(&b.config)
            .env("JOURNAL_STREAM", format!("{}:{ino}", meta.dev()))
            .stderr(file)
            .spawn()
            .unwrap();
        wait_until(Duration::from_secs(30), "the daemon's log", || {
            std::fs::read_to_string(&path).is_ok_and(|t| t.contains("database "))
        });
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(child.id() as i32),
            nix::sys::signal::Signal::SIGTERM,
        )
        .unwrap();
        assert!(child.wait().unwrap().success());
        std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    };
    let journal = run_with(true);
    assert!(journal.len() >= 3, "{journal:?}");
    for l in &journal {
        assert!(
            l.starts_with("<6> INFO ") || l.starts_with("<4> WARN ") || l.starts_with("<3>ERROR "),
            "not a journald line: {l:?}"
        );
        assert!(!l.contains('\x1b'), "colour codes: {l:?}");
    }
    assert!(journal
        .iter()
        .any(|l| l.starts_with("<4> WARN ") && l.contains("link down")));
    let plain = run_with(false);
    for l in &plain {
        // 2024-05-02T08:00:00.123456Z  INFO ...
        assert!(
            l.len() > 20 && l.as_bytes()[4] == b'-' && l.as_bytes()[10] == b'T',
            "no timestamp: {l:?}"
        );
    }
}

/// `systemd-analyze` is in Debian's `systemd` package (`make deps`).
fn systemd_analyze(args: &[&str]) -> (bool, String) {
    let out = Command::new("systemd-analyze")
        .args(args)
        .output()
        .expect("systemd-analyze not installed: run `make deps` (Debian package systemd)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn exposure(unit: &Path) -> f64 {
    let (_, text) = systemd_analyze(&["security", "--offline=true", unit.to_str().unwrap()]);
    let line = text
        .lines()
        .find(|l| l.contains("Overall exposure level for"))
        .unwrap_or_else(|| panic!("no exposure level in:\n{text}"));
    let score = line
        .rsplit(':')
        .next()
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("cannot read the score in {line:?}"));
    eprintln!("{line}");
    score
}

#[test]
fn unit_sandbox_exposure_stays_low() {
    let score = exposure(Path::new(UNIT));
    assert!(
        score <= MAX_EXPOSURE,
        "systemd-analyze security rates the unit {score}, over {MAX_EXPOSURE}"
    );
    // The measurement can fail: the same unit without its [Service] hardening rates far worse.
    let dir = tempfile::tempdir().unwrap();
    let bare = dir.path().join("smdrbox.service");
    let text = std::fs::read_to_string(UNIT).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| {
            !l.contains('=')
                || ["Type=", "ExecStart=", "User=", "Description=", "WantedBy="]
                    .iter()
                    .any(|k| l.starts_with(k))
        })
        .collect();
    std::fs::write(&bare, kept.join("\n")).unwrap();
    let bare_score = exposure(&bare);
    assert!(bare_score > 5.0, "an unhardened unit rated {bare_score}");
}

#[test]
fn unit_verifies() {
    let text = std::fs::read_to_string(UNIT).unwrap();
    assert!(
        text.contains("\nExecStart=/usr/bin/smdrbox run --config /etc/smdrbox/smdrbox.toml\n"),
        "the installed paths changed?"
    );
    // verify checks that ExecStart's binary exists: point it at the one cargo built.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("smdrbox.service");
    std::fs::write(&copy, text.replace("/usr/bin/smdrbox", BIN)).unwrap();
    let (ok, out) = systemd_analyze(&["verify", copy.to_str().unwrap()]);
    assert!(
        ok && out.trim().is_empty(),
        "systemd-analyze verify:\n{out}"
    );
    // It does complain, about a key it does not know, for example.
    std::fs::write(
        &copy,
        text.replace("/usr/bin/smdrbox", BIN)
            .replace("ProtectHome=yes", "ProtectHome=yes\nProtectHomes=yes"),
    )
    .unwrap();
    let (_, out) = systemd_analyze(&["verify", copy.to_str().unwrap()]);
    assert!(out.contains("ProtectHomes"), "{out}");
}

#[test]
fn sysusers_creates_the_service_user() {
    let root = tempfile::tempdir().unwrap();
    let etc = root.path().join("etc");
    std::fs::create_dir_all(&etc).unwrap();
    // The machine's accounts, as a stand-in for the image's (dialout exists, gpio need not).
    for f in ["passwd", "group", "shadow", "gshadow"] {
        let from = Path::new("/etc").join(f);
        if from.exists() {
            std::fs::copy(&from, etc.join(f)).unwrap();
        }
    }
    let out = Command::new("systemd-sysusers")
        .arg(format!("--root={}", root.path().display()))
        .arg(SYSUSERS)
        .output()
        .expect("systemd-sysusers not installed: run `make deps` (Debian package systemd)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let passwd = std::fs::read_to_string(etc.join("passwd")).unwrap();
    let user = passwd
        .lines()
        .find(|l| l.starts_with("smdrbox:"))
        .unwrap_or_else(|| panic!("no smdrbox user:\n{passwd}"));
    let f: Vec<&str> = user.split(':').collect();
    assert_eq!(f[5], "/var/lib/smdrbox", "{user}");
    assert!(f[6].ends_with("nologin"), "{user}");
    let group = std::fs::read_to_string(etc.join("group")).unwrap();
    for g in ["dialout", "gpio"] {
        let line = group
            .lines()
            .find(|l| l.starts_with(&format!("{g}:")))
            .unwrap_or_else(|| panic!("no group {g}"));
        assert!(
            line.rsplit(':')
                .next()
                .unwrap()
                .split(',')
                .any(|m| m == "smdrbox"),
            "smdrbox not in {line}"
        );
    }
}
