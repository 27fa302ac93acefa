//! The serial source: opens the PBX's SMDR port read-only on the wire, survives unplug and
//! replug, and never spins.
//!
//! Link down means: the path is missing, open fails, a read returns 0 bytes (a USB adapter
//! unplugged, a pty whose master closed), EIO/ENODEV/ENXIO, or the path now names another
//! device (udev re-pointed the symlink). Then: close, say why, retry every 2 s. Silence is
//! not a fault: a PBX may print nothing all night.
//!
//! With `baud = "auto"` the speed and framing are hunted (`core::autobaud` decides): each
//! candidate speed is set with termios, always as 8N1 (the framing is checked in software)
//! with `INPCK` on, so a character with a framing error reads as a NUL; the input is flushed,
//! and what arrives while the adapter settles is thrown away (counted). The bytes of the
//! current attempt are kept: when it locks they go to the framer, so the lines that made the
//! decision are stored too; the bytes of a rejected attempt are garbage and only counted. The setting locked on is remembered in a small file beside
//! the database and tried first at the next start. Nothing is written to the port, ever.

use super::{now_ms, Intake};
use crate::config::{Parity, SourceConfig};
use crate::core::autobaud::{self, Autobaud, Step};
use crate::core::health::LinkState;
use crate::core::uart::LineSetting;
use crate::status::Status;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio::sync::watch;

pub const RETRY: Duration = Duration::from_secs(2);
/// How often an open port's path is checked for still naming the device we hold.
const PATH_CHECK: Duration = Duration::from_secs(2);
/// After switching speed or framing: long enough for a USB adapter to apply it and for
/// characters already on their way at the old setting to arrive (and be thrown away).
pub const SETTLE: Duration = Duration::from_millis(150);
/// How often a hunt that reads nothing asks whether to move on.
const HUNT_POLL: Duration = Duration::from_millis(500);
/// The file beside the database that remembers the setting locked on (`9600 8N1`).
pub const AUTOBAUD_STATE: &str = "autobaud.state";

fn open(cfg: &SourceConfig) -> io::Result<tokio_serial::SerialStream> {
    use tokio_serial::{DataBits, FlowControl, SerialPortBuilderExt, StopBits};
    let builder = tokio_serial::new(cfg.path().to_string_lossy(), cfg.baud())
        .data_bits(if cfg.data_bits() == 7 {
            DataBits::Seven
        } else {
            DataBits::Eight
        })
        .parity(match cfg.parity() {
            Parity::None => tokio_serial::Parity::None,
            Parity::Even => tokio_serial::Parity::Even,
            Parity::Odd => tokio_serial::Parity::Odd,
        })
        .stop_bits(if cfg.stop_bits() == 2 {
            StopBits::Two
        } else {
            StopBits::One
        })
        // No flow control: some adapters wedge with it, and we never talk back to the PBX.
        .flow_control(FlowControl::None)
        .timeout(Duration::from_secs(1));
    builder.open_native_async().map_err(io::Error::from)
}

/// Words a technician can act on.
fn explain_open_error(path: &Path, e: &io::Error) -> String {
    let p = path.display();
    match e.kind() {
        // The serial library reports a port held by another program (its exclusive flag or
        // lock) as "no device" too; the path existing tells the two apart.
        io::ErrorKind::NotFound if path.exists() => format!(
            "{p} is in use by another program (a second smdrbox, ModemManager, a terminal \
             program?): {e}"
        ),
        io::ErrorKind::NotFound => {
            format!("{p} not found: is the serial adapter plugged in and the cable seated?")
        }
        io::ErrorKind::PermissionDenied => format!(
            "{p}: permission denied: the service user must be in group dialout ({})",
            owner_hint(path)
        ),
        _ => format!("{p}: cannot open: {e}"),
    }
}

fn owner_hint(path: &Path) -> String {
    match std::fs::metadata(path) {
        Ok(m) => format!(
            "device owner uid {} gid {} mode {:o}",
            m.uid(),
            m.gid(),
            m.mode() & 0o7777
        ),
        Err(_) => "device not readable".into(),
    }
}

fn is_unplug(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc_errno::EIO) | Some(libc_errno::ENODEV) | Some(libc_errno::ENXIO)
    )
}

mod libc_errno {
    pub const EIO: i32 = nix::errno::Errno::EIO as i32;
    pub const ENODEV: i32 = nix::errno::Errno::ENODEV as i32;
    pub const ENXIO: i32 = nix::errno::Errno::ENXIO as i32;
}

/// The device number the path names now (following symlinks), if any.
fn device_of(path: &Path) -> Option<u64> {
    std::fs::metadata(path).ok().map(|m| m.rdev())
}

/// Read until `shutdown` turns true. Lines go to the intake; link state to `status`.
/// `autobaud_state` is the file that remembers a hunted setting (`baud = "auto"`).
pub async fn run(
    cfg: &SourceConfig,
    intake: &mut Intake<'_>,
    status: &Status,
    mut shutdown: watch::Receiver<bool>,
    autobaud_state: &Path,
) {
    let mut buf = vec![0u8; 4096];
    let mut failures: u64 = 0;
    let mut hunter = cfg
        .auto_baud()
        .then(|| Hunter::new(autobaud_state.to_path_buf(), now_ms()));
    if let Some(h) = &hunter {
        status.set_autobaud(h.ab.view());
    }
    while !*shutdown.borrow() {
        // Signs of life for the watchdog: each attempt, each read, each path check.
        status.beat_source();
        let mut port = match open(cfg) {
            Ok(p) => p,
            Err(e) => {
                let why = explain_open_error(cfg.path(), &e);
                if status.set_link(LinkState::Down, &why, now_ms()) {
                    tracing::warn!("link down: {why}; retrying every {} s", RETRY.as_secs());
                }
                failures += 1;
                if failures.is_multiple_of(150) {
                    tracing::warn!("still down after {failures} attempts: {why}");
                }
                sleep_or_shutdown(RETRY, &mut shutdown).await;
                continue;
            }
        };
        failures = 0;
        let dev = device_of(cfg.path());
        let settings = cfg.settings_label();
        status.set_link(LinkState::Up, &format!("open at {settings}"), now_ms());
        tracing::info!("link up: {} at {settings}", cfg.path().display());
        let mut check = tokio::time::interval(PATH_CHECK);
        check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut poll = tokio::time::interval(HUNT_POLL);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // After (re)opening, the hunt's setting is applied afresh.
        let mut switch = hunter.as_ref().map(|h| h.ab.speed());
        let why = loop {
            status.beat_source();
            if let (Some(h), Some(to)) = (hunter.as_mut(), switch.take()) {
                if let Err(why) = h
                    .switch(&mut port, to, &mut buf, status, &mut shutdown)
                    .await
                {
                    break why;
                }
                if *shutdown.borrow() {
                    break String::new();
                }
            }
            tokio::select! {
                r = port.read(&mut buf) => match r {
                    Ok(0) => break "device closed (adapter unplugged or PBX side gone)".to_string(),
                    Ok(n) => match hunter.as_mut() {
                        None => intake.feed(&buf[..n]),
                        Some(h) => switch = h.feed(&buf[..n], intake, status),
                    },
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) if e.kind() == io::ErrorKind::TimedOut => {}
                    Err(e) if is_unplug(&e) => break format!("device gone: {e}"),
                    Err(e) => break format!("read error: {e}"),
                },
                _ = poll.tick(), if hunter.is_some() => {
                    if let Some(h) = hunter.as_mut() {
                        switch = h.poll(status);
                    }
                }
                _ = check.tick() => {
                    let now = device_of(cfg.path());
                    if now != dev {
                        break match now {
                            None => format!("{} vanished", cfg.path().display()),
                            Some(_) => format!("{} now names another device", cfg.path().display()),
                        };
                    }
                }
                _ = shutdown.changed() => break String::new(),
            }
        };
        drop(port);
        // Keep what was read of an unterminated line: the PBX will not send it again.
        intake.flush();
        if why.is_empty() {
            break;
        }
        status.set_link(LinkState::Down, &why, now_ms());
        tracing::warn!("link down: {why}; retrying every {} s", RETRY.as_secs());
        sleep_or_shutdown(RETRY, &mut shutdown).await;
    }
}

/// The edge of the hunt: termios, settling, the attempt's bytes, the remembered setting.
struct Hunter {
    ab: Autobaud,
    /// Bytes of the current attempt, for the framer if it locks (bounded: the hunt rejects an
    /// attempt after `Options::max_bytes` without a lock).
    held: Vec<u8>,
    state: PathBuf,
    remembered: Option<LineSetting>,
}

impl Hunter {
    fn new(state: PathBuf, now: i64) -> Hunter {
        let remembered = read_state(&state);
        if let Some(r) = remembered {
            tracing::info!(
                "autobaud: trying {} first (locked on last time, {})",
                r.label(),
                state.display()
            );
        }
        Hunter {
            ab: Autobaud::new(remembered, autobaud::Options::default(), now),
            held: Vec::new(),
            state,
            remembered,
        }
    }

    /// Set the port to `baud` 8N1, flush, and throw away what arrives while it settles.
    async fn switch(
        &mut self,
        port: &mut tokio_serial::SerialStream,
        baud: u32,
        buf: &mut [u8],
        status: &Status,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Result<(), String> {
        if let Err(e) = apply(port, baud) {
            // Not stuck on a speed this adapter refuses: the reopen tries the next one.
            self.ab.skip();
            return Err(format!("cannot set {baud} baud: {e}"));
        }
        let deadline = tokio::time::Instant::now() + SETTLE;
        let mut thrown = 0u64;
        loop {
            tokio::select! {
                r = port.read(buf) => match r {
                    Ok(0) => {
                        return Err("device closed (adapter unplugged or PBX side gone)".into())
                    }
                    Ok(n) => thrown += n as u64,
                    Err(e) if matches!(
                        e.kind(),
                        io::ErrorKind::Interrupted | io::ErrorKind::TimedOut
                    ) => {}
                    Err(e) if is_unplug(&e) => return Err(format!("device gone: {e}")),
                    Err(e) => return Err(format!("read error: {e}")),
                },
                _ = tokio::time::sleep_until(deadline) => break,
                _ = shutdown.changed() => break,
            }
        }
        self.ab.discard(thrown);
        // What an undecided attempt held is garbage now (begin_attempt counts it).
        self.held.clear();
        self.ab.begin_attempt(now_ms());
        let view = self.ab.view();
        if view.state == "hunting" {
            tracing::debug!("autobaud: {}", view.summary());
        }
        status.set_autobaud(view);
        Ok(())
    }

    /// Bytes read; returns the speed to switch to, if the hunt says so.
    fn feed(&mut self, bytes: &[u8], intake: &mut Intake<'_>, status: &Status) -> Option<u32> {
        let now = now_ms();
        let was = self.ab.locked();
        if was.is_some() {
            intake.feed(&self.ab.decode(bytes));
        } else {
            self.held.extend_from_slice(bytes);
        }
        let step = self.ab.feed(bytes, now);
        if let (Some(was), Step::Try(_)) = (was, step) {
            let why = format!(
                "lost the lock on {}: a lasting burst of garbled lines (PBX reconfigured?); \
                 hunting again",
                was.label()
            );
            tracing::warn!("autobaud: {why}");
            status.push_event(now, "autobaud", why);
        }
        self.step(step, Some(intake), status)
    }

    /// Now and then: a quiet attempt may move on (never to a lock).
    fn poll(&mut self, status: &Status) -> Option<u32> {
        let step = self.ab.poll(now_ms());
        self.step(step, None, status)
    }

    fn step(
        &mut self,
        step: Step,
        intake: Option<&mut Intake<'_>>,
        status: &Status,
    ) -> Option<u32> {
        match step {
            Step::Stay => None,
            Step::Lock(s) => {
                // The lines that made the decision are stored like every other.
                if let Some(intake) = intake {
                    intake.feed(&self.ab.decode(&self.held));
                }
                self.held = Vec::new();
                let view = self.ab.view();
                tracing::info!(
                    "autobaud: {} ({} bytes discarded while hunting)",
                    view.summary(),
                    view.discarded_bytes
                );
                status.push_event(now_ms(), "autobaud", view.summary());
                status.set_autobaud(view);
                if self.remembered != Some(s) {
                    match write_state(&self.state, s) {
                        Ok(()) => self.remembered = Some(s),
                        Err(e) => tracing::warn!(
                            "autobaud: cannot remember {} in {}: {e}",
                            s.label(),
                            self.state.display()
                        ),
                    }
                }
                None
            }
            Step::Try(baud) => Some(baud),
        }
    }
}

/// The remembered setting, if the file holds one we can set.
fn read_state(path: &Path) -> Option<LineSetting> {
    let text = std::fs::read_to_string(path).ok()?;
    let s = LineSetting::parse(&text);
    match s {
        Some(s) if baud_rate(s.baud).is_some() => Some(s),
        _ => {
            tracing::warn!(
                "autobaud: ignoring {}: {:?} is not a setting such as \"9600 8N1\"",
                path.display(),
                text.trim()
            );
            None
        }
    }
}

/// Written whole or not at all: a temporary file, synced, renamed over the old one.
fn write_state(path: &Path, s: LineSetting) -> io::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(format!("{}\n", s.label()).as_bytes())?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path)
}

fn baud_rate(baud: u32) -> Option<nix::sys::termios::BaudRate> {
    use nix::sys::termios::BaudRate as B;
    Some(match baud {
        300 => B::B300,
        600 => B::B600,
        1200 => B::B1200,
        2400 => B::B2400,
        4800 => B::B4800,
        9600 => B::B9600,
        19200 => B::B19200,
        38400 => B::B38400,
        57600 => B::B57600,
        115200 => B::B115200,
        _ => return None,
    })
}

/// Sets the speed as 8N1 (7E1 and 7O1 are read from that in software, see `core::autobaud`),
/// with the input flags that make line errors visible: `INPCK` on, `IGNPAR` off (else the
/// driver drops errored characters silently), `PARMRK` off (its `\377 \0` marks would double
/// through a pty; see `core::uart`), no stripping, no break signal; then throws away what is
/// queued at the old setting.
fn apply(port: &tokio_serial::SerialStream, baud: u32) -> io::Result<()> {
    use nix::sys::termios::{self, ControlFlags as C, InputFlags as I};
    use std::os::fd::{AsRawFd, BorrowedFd};
    // SAFETY: the descriptor belongs to `port`, which outlives this borrow.
    let fd = unsafe { BorrowedFd::borrow_raw(port.as_raw_fd()) };
    let rate = baud_rate(baud)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, format!("{baud} baud")))?;
    let mut t = termios::tcgetattr(fd)?;
    t.control_flags &= !(C::CSIZE | C::PARENB | C::PARODD | C::CSTOPB | C::CRTSCTS);
    t.control_flags |= C::CREAD | C::CLOCAL;
    t.control_flags |= C::CS8;
    t.input_flags |= I::INPCK;
    t.input_flags &= !(I::IGNPAR
        | I::PARMRK
        | I::ISTRIP
        | I::IGNBRK
        | I::BRKINT
        | I::IXON
        | I::IXOFF
        | I::ICRNL
        | I::INLCR
        | I::IGNCR);
    termios::cfsetspeed(&mut t, rate)?;
    termios::tcsetattr(fd, termios::SetArg::TCSANOW, &t)?;
    termios::tcflush(fd, termios::FlushArg::TCIFLUSH)?;
    Ok(())
}

async fn sleep_or_shutdown(d: Duration, shutdown: &mut watch::Receiver<bool>) {
    tokio::select! {
        _ = tokio::time::sleep(d) => {}
        _ = shutdown.changed() => {}
    }
}
