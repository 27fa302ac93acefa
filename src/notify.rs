//! systemd's notify protocol at the edge: `READY=1`, `STATUS=`, `WATCHDOG=1`,
//! `EXTEND_TIMEOUT_USEC=` and `STOPPING=1`, sent as datagrams to `$NOTIFY_SOCKET`. What to
//! send and when is decided in `core::service`; this file reads the environment and the clocks
//! and does the sending, on a thread of its own, so that a stuck reader or store thread cannot
//! keep the pings going.
//!
//! Hand-written rather than the `sd-notify` crate: the protocol is one datagram of `KEY=value`
//! lines to a path or, for `@name`, an abstract socket, which std does in a few lines; the
//! crate's API changed between 0.4 and 0.5, and we want a bounded send (a manager that does not
//! read must not stall the pings' thread).

use crate::core::health::Snapshot;
use crate::core::service::{self, Notice, Supervisor, Tick};
use crate::status::Status;
use anyhow::{bail, Context, Result};
use std::ffi::OsStr;
use std::io;
use std::os::linux::net::SocketAddrExt;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the supervisor looks: pings land within this of half the watchdog interval.
const TICK: Duration = Duration::from_millis(250);
/// A send that blocks longer is dropped (and logged): the next tick tries again.
const SEND_TIMEOUT: Duration = Duration::from_secs(1);

/// A datagram socket aimed at the service manager.
pub struct Notifier {
    sock: UnixDatagram,
    addr: SocketAddr,
    target: String,
}

impl Notifier {
    /// From `$NOTIFY_SOCKET`; `None` when not started by systemd (or a test posing as it).
    pub fn from_env() -> Result<Option<Notifier>> {
        match std::env::var_os("NOTIFY_SOCKET") {
            Some(v) => Notifier::new(&v).map(Some),
            None => Ok(None),
        }
    }

    /// `target` is an absolute path, or `@name` for a socket in the abstract namespace.
    pub fn new(target: &OsStr) -> Result<Notifier> {
        let shown = target.to_string_lossy().into_owned();
        let bytes = target.as_bytes();
        let addr = match bytes.first() {
            Some(b'@') => SocketAddr::from_abstract_name(&bytes[1..]),
            Some(b'/') => SocketAddr::from_pathname(Path::new(target)),
            _ => bail!("NOTIFY_SOCKET={shown}: neither an absolute path nor @name"),
        }
        .with_context(|| format!("NOTIFY_SOCKET={shown}"))?;
        let sock = UnixDatagram::unbound().context("creating the notification socket")?;
        sock.set_write_timeout(Some(SEND_TIMEOUT))
            .context("setting the notification socket's send timeout")?;
        Ok(Notifier {
            sock,
            addr,
            target: shown,
        })
    }

    pub fn send(&self, message: &str) -> io::Result<()> {
        self.sock
            .send_to_addr(message.as_bytes(), &self.addr)
            .map(|_| ())
    }
}

/// The notification thread and what the daemon needs to tell it.
pub struct Service {
    notifier: Arc<Notifier>,
    done: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

/// systemd as the environment describes it: where to send, and the watchdog interval.
pub struct Manager {
    notifier: Arc<Notifier>,
    watchdog_ms: Option<u64>,
}

impl Manager {
    /// From `$NOTIFY_SOCKET`, `$WATCHDOG_USEC` and `$WATCHDOG_PID`; `None` when not started by
    /// systemd (or a test posing as it).
    pub fn from_env() -> Result<Option<Manager>> {
        let Some(notifier) = Notifier::from_env()? else {
            return Ok(None);
        };
        let usec = std::env::var("WATCHDOG_USEC").ok();
        let pid = std::env::var("WATCHDOG_PID").ok();
        let watchdog_ms =
            match service::watchdog_ms(usec.as_deref(), pid.as_deref(), std::process::id()) {
                Ok(w) => w,
                Err(e) => {
                    tracing::warn!("systemd watchdog off: {e}");
                    None
                }
            };
        Ok(Some(Manager {
            notifier: Arc::new(notifier),
            watchdog_ms,
        }))
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// How long a part may stay silent before it counts as hung: the limit the supervisor stops
/// the pings at, for the LEDs to show the same verdict (also without systemd).
pub fn stall_ms(manager: Option<&Manager>, commit_interval: Duration) -> u64 {
    service::stall_limit_ms(manager.and_then(|m| m.watchdog_ms), millis(commit_interval))
}

/// Start telling systemd about the daemon. Call once the web listener is bound: READY=1 then
/// only waits for the database.
pub fn start(
    manager: Manager,
    status: Arc<Status>,
    snapshot: Arc<dyn Fn() -> Snapshot + Send + Sync>,
    commit_interval: Duration,
) -> Result<Service> {
    let Manager {
        notifier,
        watchdog_ms: watchdog,
    } = manager;
    let mut sup = Supervisor::new(watchdog, millis(commit_interval));
    match watchdog {
        Some(w) => tracing::info!(
            "systemd: notifying {}; watchdog every {} ms while the reader and the store show \
             life (silence over {} ms stops it)",
            notifier.target,
            w / 2,
            sup.stall_ms()
        ),
        None => tracing::info!("systemd: notifying {}; no watchdog", notifier.target),
    }
    let done = Arc::new((Mutex::new(false), Condvar::new()));
    let thread = {
        let (notifier, done) = (notifier.clone(), done.clone());
        std::thread::Builder::new()
            .name("notify".into())
            .spawn(move || {
                let mut sender = Sender::new(&notifier);
                loop {
                    let s = snapshot();
                    let tick = Tick {
                        mono_ms: status.mono_ms(),
                        now_ms: crate::source::now_ms(),
                        today: chrono::Local::now().date_naive(),
                        snapshot: &s,
                        beats: status.beats(),
                        stopping: status.stopping(),
                    };
                    for notice in sup.tick(&tick) {
                        sender.notice(notice, watchdog.is_some());
                    }
                    let (lock, cv) = &*done;
                    let finished = lock.lock().unwrap_or_else(|p| p.into_inner());
                    let (finished, _) = cv
                        .wait_timeout(finished, TICK)
                        .unwrap_or_else(|p| p.into_inner());
                    if *finished {
                        break;
                    }
                }
            })
            .context("starting the notify thread")?
    };
    Ok(Service {
        notifier,
        done,
        thread: Some(thread),
    })
}

impl Service {
    /// SIGTERM or SIGINT (after `Status::set_stopping`): tell systemd we are stopping (pings go
    /// on while the store drains).
    pub fn stopping(&self) {
        let msg = "STOPPING=1\nSTATUS=stopping: storing every line read so far";
        if let Err(e) = self.notifier.send(msg) {
            tracing::warn!("systemd: sending STOPPING=1: {e}");
        }
    }

    /// Stop the notify thread (after the store has finished).
    pub fn finish(mut self) {
        let (lock, cv) = &*self.done;
        *lock.lock().unwrap_or_else(|p| p.into_inner()) = true;
        cv.notify_all();
        if let Some(t) = self.thread.take() {
            if t.join().is_err() {
                tracing::error!("the notify thread panicked");
            }
        }
    }
}

/// Sends the supervisor's notices and logs what a technician should see in the journal.
struct Sender<'a> {
    notifier: &'a Notifier,
    /// The last send failed (logged once until one succeeds again).
    failing: bool,
}

impl<'a> Sender<'a> {
    fn new(notifier: &'a Notifier) -> Sender<'a> {
        Sender {
            notifier,
            failing: false,
        }
    }

    fn notice(&mut self, notice: Notice, watchdog: bool) {
        let msg = match notice {
            Notice::Status(line) => format!("STATUS={line}"),
            Notice::Ready => {
                tracing::info!("systemd: ready");
                "READY=1".to_string()
            }
            Notice::Watchdog => "WATCHDOG=1".to_string(),
            Notice::ExtendTimeout { usec } => format!("EXTEND_TIMEOUT_USEC={usec}"),
            Notice::Stalled(why) => {
                if watchdog {
                    tracing::error!(
                        "watchdog: {why}; no more pings, so systemd will restart the daemon"
                    );
                } else {
                    tracing::error!("{why}");
                }
                return;
            }
            Notice::Recovered => {
                tracing::warn!("watchdog: every part shows life again; pings resume");
                return;
            }
        };
        match self.notifier.send(&msg) {
            Ok(()) => self.failing = false,
            Err(e) => {
                if !self.failing {
                    tracing::warn!("systemd: sending to {}: {e}", self.notifier.target);
                }
                self.failing = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_relative_targets() {
        let e = Notifier::new(OsStr::new("run/notify")).err().unwrap();
        assert!(
            format!("{e:#}").contains("neither an absolute path"),
            "{e:#}"
        );
        assert!(Notifier::new(OsStr::new("")).is_err());
        let long = format!("/{}", "x".repeat(200));
        assert!(
            Notifier::new(OsStr::new(&long)).is_err(),
            "longer than sun_path"
        );
    }

    #[test]
    fn sends_to_a_path_and_to_an_abstract_socket() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notify.sock");
        let rx = UnixDatagram::bind(&path).unwrap();
        Notifier::new(path.as_os_str())
            .unwrap()
            .send("READY=1")
            .unwrap();
        let mut buf = [0u8; 64];
        let n = rx.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"READY=1");

        let name = format!("smdrbox-unit-{}", std::process::id());
        let rx = UnixDatagram::bind_addr(&SocketAddr::from_abstract_name(&name).unwrap()).unwrap();
        Notifier::new(OsStr::new(&format!("@{name}")))
            .unwrap()
            .send("WATCHDOG=1")
            .unwrap();
        let n = rx.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"WATCHDOG=1");
    }
}
