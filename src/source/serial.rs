//! The serial source: opens the PBX's SMDR port read-only on the wire, survives unplug and
//! replug, and never spins.
//!
//! Link down means: the path is missing, open fails, a read returns 0 bytes (a USB adapter
//! unplugged, a pty whose master closed), EIO/ENODEV/ENXIO, or the path now names another
//! device (udev re-pointed the symlink). Then: close, say why, retry every 2 s. Silence is
//! not a fault: a PBX may print nothing all night.

use super::{now_ms, Intake};
use crate::config::{Parity, SourceConfig};
use crate::core::health::LinkState;
use crate::status::Status;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio::sync::watch;

pub const RETRY: Duration = Duration::from_secs(2);
/// How often an open port's path is checked for still naming the device we hold.
const PATH_CHECK: Duration = Duration::from_secs(2);

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
pub async fn run(
    cfg: &SourceConfig,
    intake: &mut Intake<'_>,
    status: &Status,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut buf = vec![0u8; 4096];
    let mut failures: u64 = 0;
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
        let why = loop {
            status.beat_source();
            tokio::select! {
                r = port.read(&mut buf) => match r {
                    Ok(0) => break "device closed (adapter unplugged or PBX side gone)".to_string(),
                    Ok(n) => intake.feed(&buf[..n]),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) if e.kind() == io::ErrorKind::TimedOut => {}
                    Err(e) if is_unplug(&e) => break format!("device gone: {e}"),
                    Err(e) => break format!("read error: {e}"),
                },
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

async fn sleep_or_shutdown(d: Duration, shutdown: &mut watch::Receiver<bool>) {
    tokio::select! {
        _ = tokio::time::sleep(d) => {}
        _ = shutdown.changed() => {}
    }
}
