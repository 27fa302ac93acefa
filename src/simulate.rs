//! `smdrbox simulate`: a PBX's SMDR port on a pseudo-terminal (or a real tty), for the demo and
//! the tests. Replays capture files or prints a generated office day.

use anyhow::{bail, Context, Result};
use std::io::Write;
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: nix::libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

fn install_signal_handlers() -> Result<()> {
    use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};
    let action = SigAction::new(
        SigHandler::Handler(on_signal),
        SaFlags::empty(),
        SigSet::empty(),
    );
    for s in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
        unsafe { sigaction(s, &action) }.context("installing signal handler")?;
    }
    Ok(())
}

pub fn stopped() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// Sleep in small steps so a signal ends the simulator promptly.
fn sleep(d: Duration) {
    let end = Instant::now() + d;
    while !stopped() {
        let now = Instant::now();
        if now >= end {
            break;
        }
        std::thread::sleep((end - now).min(Duration::from_millis(50)));
    }
}

/// Where the simulated PBX prints.
pub enum Port {
    /// Our own pseudo-terminal: we write the master; the daemon opens the slave path. We keep
    /// the slave open too, so the terminal outlives daemon restarts, as a real port does.
    Pty {
        master: std::fs::File,
        slave: OwnedFd,
        path: PathBuf,
        link: Option<PathBuf>,
    },
    Tty(Box<dyn serialport::SerialPort>),
    /// SMDR over TCP: to a daemon with `kind = "tcp-listen"`, or from one with `tcp-client`.
    Tcp {
        stream: std::net::TcpStream,
        label: String,
    },
}

impl Port {
    pub fn pty(link: Option<&Path>) -> Result<Port> {
        use nix::sys::termios;
        let pty = nix::pty::openpty(None, None).context("opening a pseudo-terminal")?;
        // openpty does not set close-on-exec; a child must never hold our terminal open.
        for fd in [&pty.master, &pty.slave] {
            nix::fcntl::fcntl(
                fd,
                nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC),
            )
            .context("setting close-on-exec")?;
        }
        // Raw: no echo back into the master, no line editing.
        let mut t = termios::tcgetattr(&pty.slave).context("reading pty settings")?;
        termios::cfmakeraw(&mut t);
        termios::tcsetattr(&pty.slave, termios::SetArg::TCSANOW, &t).context("setting pty raw")?;
        let path = std::fs::read_link(format!("/proc/self/fd/{}", pty.slave.as_raw_fd()))
            .context("finding the pty's path")?;
        if let Some(link) = link {
            relink(link, &path)?;
        }
        Ok(Port::Pty {
            master: std::fs::File::from(pty.master),
            slave: pty.slave,
            path,
            link: link.map(Path::to_path_buf),
        })
    }

    pub fn tty(path: &Path, baud: u32) -> Result<Port> {
        let p = serialport::new(path.to_string_lossy(), baud)
            .timeout(Duration::from_secs(5))
            .open()
            .with_context(|| format!("opening {}", path.display()))?;
        Ok(Port::Tty(p))
    }

    /// Connect to a daemon listening for the PBX (`kind = "tcp-listen"`).
    pub fn tcp_connect(addr: &str) -> Result<Port> {
        let stream = std::net::TcpStream::connect(addr)
            .with_context(|| format!("connecting to {addr} (is the daemon listening there?)"))?;
        Ok(Port::Tcp {
            stream,
            label: format!("tcp:{addr}"),
        })
    }

    /// Serve SMDR as a networked PBX does: wait for the daemon (`kind = "tcp-client"`) to
    /// connect. Whatever it sends (a login) is left unread: this PBX accepts any.
    pub fn tcp_listen(addr: &str) -> Result<Port> {
        let l =
            std::net::TcpListener::bind(addr).with_context(|| format!("listening on {addr}"))?;
        let local = l.local_addr().context("reading the listening address")?;
        // Scripts read this line to find the port (`:0` picks one).
        println!("simulated PBX waiting on tcp-listen:{local}");
        use std::io::Write as _;
        std::io::stdout().flush().ok();
        let (stream, peer) = l
            .accept()
            .with_context(|| format!("accepting on {local}"))?;
        Ok(Port::Tcp {
            stream,
            label: format!("tcp-listen:{local} (daemon {peer})"),
        })
    }

    pub fn describe(&self) -> String {
        match self {
            Port::Pty { path, link, .. } => match link {
                Some(l) => format!("{} (linked as {})", path.display(), l.display()),
                None => path.display().to_string(),
            },
            Port::Tty(p) => p.name().unwrap_or_default(),
            Port::Tcp { label, .. } => label.clone(),
        }
    }

    pub fn write_line(&mut self, line: &[u8], ending: &[u8]) -> Result<()> {
        let mut buf = Vec::with_capacity(line.len() + ending.len());
        buf.extend_from_slice(line);
        buf.extend_from_slice(ending);
        match self {
            Port::Pty { master, .. } => master.write_all(&buf).context("writing to the pty")?,
            Port::Tty(p) => p.write_all(&buf).context("writing to the tty")?,
            Port::Tcp { stream, label } => stream
                .write_all(&buf)
                .with_context(|| format!("writing to {label}"))?,
        }
        Ok(())
    }

    /// Wait until the reader has taken everything written (pty only), at most `limit`.
    pub fn drain(&self, limit: Duration) {
        if let Port::Pty { slave, .. } = self {
            let end = Instant::now() + limit;
            while !stopped() && Instant::now() < end && unread(slave) > 0 {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

impl Drop for Port {
    fn drop(&mut self) {
        if let Port::Pty { link: Some(l), .. } = self {
            let _ = std::fs::remove_file(l);
        }
    }
}

/// Bytes waiting to be read on the slave side.
fn unread(fd: &OwnedFd) -> i32 {
    nix::ioctl_read_bad!(fionread, nix::libc::FIONREAD, nix::libc::c_int);
    let mut n: nix::libc::c_int = 0;
    // SAFETY: FIONREAD writes one c_int to the pointer we pass, on a valid open fd.
    match unsafe { fionread(fd.as_raw_fd(), &mut n) } {
        Ok(_) => n,
        Err(_) => 0,
    }
}

/// Point `link` at `target`, replacing an old link atomically (as udev does).
pub fn relink(link: &Path, target: &Path) -> Result<()> {
    let tmp = link.with_extension("tmp-link");
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(target, &tmp)
        .with_context(|| format!("creating symlink {}", tmp.display()))?;
    std::fs::rename(&tmp, link).with_context(|| format!("placing symlink {}", link.display()))?;
    Ok(())
}

pub fn ending(name: &str) -> Result<&'static [u8]> {
    Ok(match name {
        "crlf" => b"\r\n",
        "cr" => b"\r",
        "lf" => b"\n",
        _ => bail!("line ending {name:?}: use crlf, cr or lf"),
    })
}

pub fn install() -> Result<()> {
    install_signal_handlers()
}

/// Lines of a capture file after its `# ` provenance header, exactly as stored (CR stripped).
pub fn capture_lines(path: &Path) -> Result<Vec<Vec<u8>>> {
    let data = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let (body, _) = crate::import::skip_comment_header(&data);
    let mut lines: Vec<Vec<u8>> = body
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_vec())
        .collect();
    if body.ends_with(b"\n") {
        lines.pop();
    }
    Ok(lines)
}

/// Print capture lines at `lines_per_sec` (0: as fast as the reader takes them).
pub fn replay(port: &mut Port, lines: &[Vec<u8>], lines_per_sec: f64, end: &[u8]) -> Result<u64> {
    let gap = (lines_per_sec > 0.0).then(|| Duration::from_secs_f64(1.0 / lines_per_sec));
    let mut n = 0;
    for l in lines {
        if stopped() {
            break;
        }
        port.write_line(l, end)?;
        n += 1;
        if let Some(g) = gap {
            sleep(g);
        }
    }
    Ok(n)
}

/// Print timed lines (seconds since midnight) with the simulated clock running `time_scale`
/// times faster than real time (0: no waiting), starting at `start_secs`.
pub fn play_timed(
    port: &mut Port,
    lines: &[(u32, String)],
    time_scale: f64,
    start_secs: u32,
    end: &[u8],
) -> Result<u64> {
    let t0 = Instant::now();
    let mut n = 0;
    for (at, text) in lines.iter().filter(|(at, _)| *at >= start_secs) {
        if stopped() {
            break;
        }
        if time_scale > 0.0 {
            let due = Duration::from_secs_f64(f64::from(at - start_secs) / time_scale);
            sleep(due.saturating_sub(t0.elapsed()));
            if stopped() {
                break;
            }
        }
        port.write_line(text.as_bytes(), end)?;
        n += 1;
    }
    Ok(n)
}
