//! TCP sources: SMDR over the network, into the same framer, ring and store as serial.
//!
//! `tcp-client` connects to a PBX that serves SMDR on a port (Panasonic LAN SMDR: port 2300,
//! after a login), reconnecting with exponential backoff. `tcp-listen` waits for the PBX to
//! connect (Avaya IP Office style). Both keep TCP keepalive on, so a PBX that vanished without
//! closing (power cut, cable pulled) is noticed within about two minutes. Silence on a live
//! connection is not a fault, as on serial; it is only logged after a long quiet spell.
//!
//! Nothing is ever written to the PBX except the login a `tcp-client` with `login` sends.

use super::{now_ms, Intake};
use crate::config::{HostPort, SourceConfig};
use crate::core::health::LinkState;
use crate::status::Status;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// First wait after a failed connect; doubled per failure up to [`BACKOFF_MAX`].
pub const BACKOFF_FIRST: Duration = Duration::from_secs(1);
pub const BACKOFF_MAX: Duration = Duration::from_secs(30);
/// A connect that takes longer has no PBX behind it (or a firewall dropping packets).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Retry of a listening socket that cannot be bound (address in use, not yet configured).
const BIND_RETRY: Duration = Duration::from_secs(2);
/// The watchdog wants signs of life; every wait beats at least this often.
const BEAT: Duration = Duration::from_secs(1);
/// A quiet connection is logged (once per quiet spell) after this long: it may be a night, or
/// a PBX whose SMDR output was switched off.
const IDLE_NOTICE: Duration = Duration::from_secs(15 * 60);
/// Keepalive: first probe after this idle time, then every interval, given up after retries.
const KEEPALIVE_IDLE: Duration = Duration::from_secs(60);
const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(10);
const KEEPALIVE_RETRIES: u32 = 6;

/// Runs `f` while beating the source heartbeat; `None` when shutdown was asked for.
async fn beating<F: Future>(
    f: F,
    status: &Status,
    shutdown: &mut watch::Receiver<bool>,
) -> Option<F::Output> {
    tokio::pin!(f);
    let mut tick = tokio::time::interval(BEAT);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        if *shutdown.borrow() {
            return None;
        }
        tokio::select! {
            r = &mut f => return Some(r),
            _ = tick.tick() => status.beat_source(),
            // A dropped sender also means stop: nobody can tell us to any more.
            _ = shutdown.changed() => return None,
        }
    }
}

fn keepalive(stream: &TcpStream) -> io::Result<()> {
    let ka = socket2::TcpKeepalive::new()
        .with_time(KEEPALIVE_IDLE)
        .with_interval(KEEPALIVE_INTERVAL)
        .with_retries(KEEPALIVE_RETRIES);
    socket2::SockRef::from(stream).set_tcp_keepalive(&ka)
}

fn errno_is(e: &io::Error, n: nix::errno::Errno) -> bool {
    e.raw_os_error() == Some(n as i32)
}

/// Words a technician can act on, for a connect that failed.
fn explain_connect_error(target: &HostPort, e: &io::Error) -> String {
    use nix::errno::Errno;
    match e.kind() {
        io::ErrorKind::ConnectionRefused => format!(
            "connection refused by {target} — is SMDR over LAN enabled on the PBX, and is {} \
             its SMDR port?",
            target.port
        ),
        io::ErrorKind::TimedOut => format!(
            "no answer from {target} within {} s — is the PBX on, and is the address right?",
            CONNECT_TIMEOUT.as_secs()
        ),
        _ if errno_is(e, Errno::EHOSTUNREACH) || errno_is(e, Errno::ENETUNREACH) => format!(
            "{target} is unreachable ({e}) — check the network cable and the box's address \
             settings"
        ),
        _ => format!("cannot connect to {target}: {e}"),
    }
}

/// Why a connection ended, from a read's result; `None` to go on reading.
fn explain_read(peer: &str, r: &io::Result<usize>) -> Option<String> {
    match r {
        Ok(0) => Some(format!("{peer} closed the connection")),
        Ok(_) => None,
        Err(e) if e.kind() == io::ErrorKind::Interrupted => None,
        Err(e) if e.kind() == io::ErrorKind::ConnectionReset => {
            Some(format!("connection reset by {peer} (PBX restarted?)"))
        }
        Err(e) if e.kind() == io::ErrorKind::TimedOut => Some(format!(
            "{peer} stopped answering (TCP keepalive) — is the PBX on and the network up?"
        )),
        Err(e) => Some(format!("read error from {peer}: {e}")),
    }
}

/// Resolve and connect, trying each address the name has; the error says why in words.
async fn connect(target: &HostPort) -> Result<TcpStream, String> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((target.host.as_str(), target.port))
        .await
        .map_err(|e| {
            format!(
                "cannot resolve {}: {e} — check the name, or give the PBX's IP address",
                target.host
            )
        })?
        .collect();
    let mut last = format!("{} has no address", target.host);
    for a in addrs {
        match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(a)).await {
            Ok(Ok(s)) => return Ok(s),
            Ok(Err(e)) => last = explain_connect_error(target, &e),
            Err(_) => {
                last = explain_connect_error(target, &io::Error::from(io::ErrorKind::TimedOut))
            }
        }
    }
    Err(last)
}

/// Panasonic LAN SMDR login (formats/panasonic.md §7): the user line, then the password line,
/// each ended by CR LF, sent at once as the known collectors do. The PBX's prompts, if it
/// prints any, reach the framer like any other bytes and are stored (as rejects): nothing read
/// is thrown away.
async fn send_login(stream: &mut TcpStream, user: &str, password: &str) -> io::Result<()> {
    let mut bytes = Vec::with_capacity(user.len() + password.len() + 4);
    for part in [user, password] {
        bytes.extend_from_slice(part.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    tokio::time::timeout(CONNECT_TIMEOUT, stream.write_all(&bytes))
        .await
        .map_err(|_| io::Error::from(io::ErrorKind::TimedOut))?
}

/// Reads one connection until it ends. Returns why it ended (`None`: shutdown) and whether any
/// byte arrived.
async fn read_connection(
    stream: &mut TcpStream,
    peer: &str,
    intake: &mut Intake<'_>,
    status: &Status,
    shutdown: &mut watch::Receiver<bool>,
) -> (Option<String>, bool) {
    let mut buf = vec![0u8; 4096];
    let mut got = false;
    let mut quiet_logged = false;
    loop {
        let read = tokio::time::timeout(IDLE_NOTICE, stream.read(&mut buf));
        let Some(r) = beating(read, status, shutdown).await else {
            return (None, got);
        };
        let Ok(r) = r else {
            if !quiet_logged {
                tracing::info!(
                    "nothing received from {peer} for {} min; still connected (keepalive \
                     checks the PBX is there)",
                    IDLE_NOTICE.as_secs() / 60
                );
                quiet_logged = true;
            }
            continue;
        };
        if let Some(why) = explain_read(peer, &r) {
            return (Some(why), got);
        }
        if let Ok(n) = r {
            got = true;
            quiet_logged = false;
            intake.feed(&buf[..n]);
        }
    }
}

/// `kind = "tcp-client"`: connect, log in if configured, read; on any end, reconnect with
/// backoff. Runs until `shutdown` turns true.
pub async fn run_client(
    cfg: &SourceConfig,
    intake: &mut Intake<'_>,
    status: &Status,
    mut shutdown: watch::Receiver<bool>,
) {
    let Some(target) = cfg.connect() else {
        // Validation refuses tcp-client without connect; say so rather than spin.
        status.set_link(LinkState::Down, "no connect address configured", now_ms());
        return;
    };
    let login = cfg.login();
    let mut backoff = BACKOFF_FIRST;
    let mut failures: u64 = 0;
    status.set_link(
        LinkState::Connecting,
        &format!("connecting to {target}"),
        now_ms(),
    );
    while !*shutdown.borrow() {
        status.beat_source();
        let Some(r) = beating(connect(target), status, &mut shutdown).await else {
            break;
        };
        let mut stream = match r {
            Ok(s) => s,
            Err(why) => {
                failures += 1;
                if status.set_link(LinkState::Down, &why, now_ms()) || failures.is_multiple_of(100)
                {
                    tracing::warn!(
                        "link down: {why}; retrying (every {} s at most)",
                        BACKOFF_MAX.as_secs()
                    );
                }
                if beating(tokio::time::sleep(backoff), status, &mut shutdown)
                    .await
                    .is_none()
                {
                    break;
                }
                backoff = (backoff * 2).min(BACKOFF_MAX);
                continue;
            }
        };
        failures = 0;
        if let Err(e) = keepalive(&stream) {
            // Still read: only a silently vanished PBX goes unnoticed for longer.
            tracing::warn!("TCP keepalive on {target}: {e}");
        }
        let mut up = format!("connected to {target}");
        if let Some((user, password)) = login {
            let sent = beating(
                send_login(&mut stream, user, password),
                status,
                &mut shutdown,
            );
            let Some(sent) = sent.await else {
                break;
            };
            if let Err(e) = sent {
                let why = format!("sending the login to {target}: {e}");
                status.set_link(LinkState::Down, &why, now_ms());
                tracing::warn!("link down: {why}");
                if beating(tokio::time::sleep(backoff), status, &mut shutdown)
                    .await
                    .is_none()
                {
                    break;
                }
                backoff = (backoff * 2).min(BACKOFF_MAX);
                continue;
            }
            up.push_str(&format!(", logged in as {user}"));
        }
        status.set_link(LinkState::Up, &up, now_ms());
        tracing::info!("link up: {up}");
        let peer = target.to_string();
        let (why, got) = read_connection(&mut stream, &peer, intake, status, &mut shutdown).await;
        drop(stream);
        // Keep what was read of an unterminated line: the PBX will not send it again.
        intake.flush();
        let Some(mut why) = why else {
            break;
        };
        if !got && login.is_some() {
            why.push_str(" right after the login — check the SMDR user and password");
        }
        // A connection that carried data ended normally (PBX restart): come back quickly. One
        // closed at once (wrong password, busy port) waits longer each time.
        backoff = if got {
            BACKOFF_FIRST
        } else {
            (backoff * 2).min(BACKOFF_MAX)
        };
        status.set_link(LinkState::Down, &why, now_ms());
        tracing::warn!("link down: {why}; reconnecting in {} s", backoff.as_secs());
        if beating(tokio::time::sleep(backoff), status, &mut shutdown)
            .await
            .is_none()
        {
            break;
        }
    }
}

/// What happened while a PBX was connected to the listening socket.
enum Event {
    Read(io::Result<usize>),
    Quiet,
    Accepted(io::Result<(TcpStream, SocketAddr)>),
}

/// `kind = "tcp-listen"`: wait for the PBX to connect, read it. One connection at a time: when
/// a second connects, it replaces the first (whose unterminated line is kept), because the
/// usual cause is the PBX itself reconnecting after a restart while its old connection is not
/// yet known to be dead. Runs until `shutdown` turns true.
pub async fn run_listen(
    cfg: &SourceConfig,
    intake: &mut Intake<'_>,
    status: &Status,
    mut shutdown: watch::Receiver<bool>,
) {
    let Some(addr) = cfg.listen() else {
        status.set_link(LinkState::Down, "no listen address configured", now_ms());
        return;
    };
    let listener = loop {
        status.beat_source();
        match TcpListener::bind(addr).await {
            Ok(l) => break l,
            Err(e) => {
                let why = format!(
                    "cannot listen on {addr}: {e} (another program on this port, or an address \
                     this box does not have?)"
                );
                if status.set_link(LinkState::Down, &why, now_ms()) {
                    tracing::warn!(
                        "link down: {why}; retrying every {} s",
                        BIND_RETRY.as_secs()
                    );
                }
                if beating(tokio::time::sleep(BIND_RETRY), status, &mut shutdown)
                    .await
                    .is_none()
                {
                    return;
                }
            }
        }
    };
    let waiting = format!("no PBX connected to {addr} yet");
    status.set_link(LinkState::Down, &waiting, now_ms());
    tracing::info!("listening for the PBX on {addr}");
    let mut conn: Option<(TcpStream, String)> = None;
    let mut quiet_logged = false;
    let mut buf = vec![0u8; 4096];
    loop {
        let Some((stream, peer_ref)) = conn.as_mut() else {
            let Some(r) = beating(listener.accept(), status, &mut shutdown).await else {
                break;
            };
            match r {
                Ok((s, peer)) => {
                    conn = Some(accepted(s, peer, status));
                    quiet_logged = false;
                }
                Err(e) => {
                    // Out of file descriptors and the like: do not spin on it.
                    tracing::warn!("accepting a connection on {addr}: {e}");
                    if beating(tokio::time::sleep(BEAT), status, &mut shutdown)
                        .await
                        .is_none()
                    {
                        break;
                    }
                }
            }
            continue;
        };
        let peer = format!("PBX {peer_ref}");
        let next = async {
            tokio::select! {
                r = tokio::time::timeout(IDLE_NOTICE, stream.read(&mut buf)) => match r {
                    Ok(r) => Event::Read(r),
                    Err(_) => Event::Quiet,
                },
                a = listener.accept() => Event::Accepted(a),
            }
        };
        let Some(event) = beating(next, status, &mut shutdown).await else {
            break;
        };
        match event {
            Event::Quiet => {
                if !quiet_logged {
                    tracing::info!(
                        "nothing received from {peer} for {} min; still connected",
                        IDLE_NOTICE.as_secs() / 60
                    );
                    quiet_logged = true;
                }
            }
            Event::Read(r) => {
                if let Some(why) = explain_read(&peer, &r) {
                    conn = None;
                    intake.flush();
                    let why = format!("{why}; waiting for the PBX to connect to {addr} again");
                    status.set_link(LinkState::Down, &why, now_ms());
                    tracing::warn!("link down: {why}");
                } else if let Ok(n) = r {
                    quiet_logged = false;
                    intake.feed(&buf[..n]);
                }
            }
            Event::Accepted(Ok((s, new_peer))) => {
                tracing::warn!(
                    "{new_peer} connected while {peer} was connected: reading {new_peer}, \
                     closing the other (one PBX at a time; a restarted PBX reconnects this way)"
                );
                // Closed before the new one is read, so its partial line is queued first.
                drop(conn.take());
                intake.flush();
                conn = Some(accepted(s, new_peer, status));
                quiet_logged = false;
            }
            Event::Accepted(Err(e)) => {
                tracing::warn!("accepting a second connection on {addr}: {e}");
            }
        }
    }
    intake.flush();
}

fn accepted(stream: TcpStream, peer: SocketAddr, status: &Status) -> (TcpStream, String) {
    if let Err(e) = keepalive(&stream) {
        tracing::warn!("TCP keepalive on {peer}: {e}");
    }
    let up = format!("PBX {peer} connected");
    status.set_link(LinkState::Up, &up, now_ms());
    tracing::info!("link up: {up}");
    (stream, peer.to_string())
}
