//! The senders: a webhook (HTTP/1.1 POST of the event's JSON over a plain TCP stream) and
//! mail through an SMTP relay (plain SMTP, no authentication: a relay on the office network
//! or the box's own MTA). Hand-written: each is a few request lines, and a crate (lettre,
//! an HTTP client) would double the binary for what the box sends a few times a day.
//!
//! Both report success only on the peer's acknowledgement (HTTP 2xx, SMTP 250 after the
//! message); anything else is an error that keeps the delivery queued.

use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// Connect, read and write timeouts: a receiver that hangs keeps one delivery back this long.
pub const TIMEOUT: Duration = Duration::from_secs(15);

fn connect(host: &str, port: u16) -> Result<TcpStream> {
    let addrs: Vec<_> = (host, port)
        .to_socket_addrs()
        .with_context(|| format!("resolving {host}"))?
        .collect();
    let mut last = None;
    for a in addrs {
        match TcpStream::connect_timeout(&a, TIMEOUT) {
            Ok(s) => {
                s.set_read_timeout(Some(TIMEOUT))?;
                s.set_write_timeout(Some(TIMEOUT))?;
                return Ok(s);
            }
            Err(e) => last = Some(e),
        }
    }
    match last {
        Some(e) => Err(e).with_context(|| format!("connecting to {host}:{port}")),
        None => bail!("{host}: no address"),
    }
}

/// `http://host[:port]/path` split up; `None` for anything else (https is not spoken).
pub fn parse_http_url(url: &str) -> Option<(String, u16, String)> {
    let rest = url.strip_prefix("http://")?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let (host, port) = if let Some(h) = authority.strip_prefix('[') {
        let (h, p) = h.split_once(']')?;
        let port = match p.strip_prefix(':') {
            Some(p) => p.parse().ok()?,
            None if p.is_empty() => 80,
            None => return None,
        };
        (h.to_string(), port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), p.parse().ok()?),
            None => (authority.to_string(), 80),
        }
    };
    let ok = !host.is_empty()
        && port != 0
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-_:".contains(&b))
        && path.bytes().all(|b| b.is_ascii_graphic());
    ok.then(|| (host, port, path.to_string()))
}

/// POSTs `body` (JSON) to `url` with the `Idempotency-Key` header; Ok on a 2xx answer.
pub fn webhook(url: &str, key: &str, body: &str) -> Result<()> {
    let (host, port, path) =
        parse_http_url(url).with_context(|| format!("{url}: not an http:// address"))?;
    let mut s = connect(&host, port)?;
    let host_header = if port == 80 {
        host.clone()
    } else if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: smdrbox/{}\r\n\
         Content-Type: application/json\r\nIdempotency-Key: {key}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        env!("CARGO_PKG_VERSION"),
        body.len()
    );
    s.write_all(head.as_bytes())
        .and_then(|_| s.write_all(body.as_bytes()))
        .with_context(|| format!("sending to {url}"))?;
    // The status line is all we need. The headers are read too, not the body: a server that
    // keeps the connection open despite `Connection: close` would hold us until the timeout.
    let mut r = BufReader::new(s);
    let mut status = String::new();
    r.read_line(&mut status)
        .with_context(|| format!("reading the answer of {url}"))?;
    let code: u16 = status
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .with_context(|| format!("{url} answered {:?}, not HTTP", status.trim_end()))?;
    let mut header = String::new();
    for _ in 0..100 {
        header.clear();
        if r.read_line(&mut header).unwrap_or(0) == 0 || header.trim_end().is_empty() {
            break;
        }
    }
    if !(200..300).contains(&code) {
        bail!("{url} answered {}", status.trim_end());
    }
    Ok(())
}

/// Where mail goes.
#[derive(Debug, Clone)]
pub struct Mail {
    pub relay: (String, u16),
    pub from: String,
    pub to: Vec<String>,
    /// Our name in `EHLO`.
    pub helo: String,
}

/// One SMTP reply: its code and text (all lines of a multi-line reply).
fn reply(r: &mut impl BufRead) -> Result<(u16, String)> {
    let mut text = String::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            bail!("the relay closed the connection");
        }
        text.push_str(&line);
        // "250-..." continues, "250 ..." ends.
        if line.len() < 4 || line.as_bytes()[3] != b'-' {
            let code = line
                .get(..3)
                .and_then(|c| c.parse().ok())
                .with_context(|| format!("not an SMTP reply: {:?}", line.trim_end()))?;
            return Ok((code, text.trim_end().to_string()));
        }
    }
}

fn expect(r: &mut impl BufRead, ok: &[u16], what: &str) -> Result<()> {
    let (code, text) = reply(r)?;
    if !ok.contains(&code) {
        bail!("SMTP {what}: {text}");
    }
    Ok(())
}

/// `=?UTF-8?B?...?=` for a header with non-ASCII text (channel names in Cyrillic).
pub fn header_text(s: &str) -> String {
    if s.is_ascii() {
        return s.to_string();
    }
    format!("=?UTF-8?B?{}?=", base64(s.as_bytes()))
}

fn base64(b: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in b.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Sends one message; Ok once the relay answered 250 to its end.
pub fn mail(m: &Mail, key: &str, subject: &str, text: &str, date: &str) -> Result<()> {
    let s = connect(&m.relay.0, m.relay.1)?;
    let mut w = s.try_clone()?;
    let mut r = BufReader::new(s);
    let relay = format!("{}:{}", m.relay.0, m.relay.1);
    let cmd = |w: &mut TcpStream, r: &mut BufReader<TcpStream>, c: String, ok: &[u16]| {
        w.write_all(c.as_bytes())
            .with_context(|| format!("writing to {relay}"))?;
        expect(r, ok, c.trim_end())
    };
    expect(&mut r, &[220], "greeting")?;
    cmd(&mut w, &mut r, format!("EHLO {}\r\n", m.helo), &[250])?;
    cmd(
        &mut w,
        &mut r,
        format!("MAIL FROM:<{}>\r\n", m.from),
        &[250],
    )?;
    for t in &m.to {
        cmd(&mut w, &mut r, format!("RCPT TO:<{t}>\r\n"), &[250, 251])?;
    }
    cmd(&mut w, &mut r, "DATA\r\n".into(), &[354])?;
    let mut msg = format!(
        "From: {}\r\nTo: {}\r\nSubject: {}\r\nDate: {date}\r\n\
         Message-ID: <{}@{}>\r\nX-Idempotency-Key: {key}\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
        m.from,
        m.to.join(", "),
        header_text(subject),
        key.replace(
            |c: char| !c.is_ascii_alphanumeric() && c != '.' && c != '-',
            "."
        ),
        m.helo
    );
    for line in text.lines() {
        // Dot-stuffing: a line starting with "." would otherwise end the message early.
        if line.starts_with('.') {
            msg.push('.');
        }
        msg.push_str(line);
        msg.push_str("\r\n");
    }
    msg.push_str(".\r\n");
    cmd(&mut w, &mut r, msg, &[250])?;
    // The message is accepted; a failing QUIT changes nothing.
    let _ = w.write_all(b"QUIT\r\n");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server answering each connection with `reply` and keeping it open.
    fn answers(reply: &'static str) -> String {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        std::thread::spawn(move || {
            for s in l.incoming() {
                let mut s = s.unwrap();
                let mut r = BufReader::new(s.try_clone().unwrap());
                let mut line = String::new();
                while r.read_line(&mut line).unwrap() > 2 {
                    line.clear();
                }
                s.write_all(reply.as_bytes()).unwrap();
                std::thread::sleep(Duration::from_secs(30));
            }
        });
        format!("http://{addr}/hook")
    }

    #[test]
    fn a_webhook_needs_a_2xx_and_does_not_wait_for_the_connection_to_close() {
        let t = std::time::Instant::now();
        webhook(&answers("HTTP/1.1 204 No Content\r\n\r\n"), "k", "{}").unwrap();
        let e = webhook(
            &answers("HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n"),
            "k",
            "{}",
        )
        .unwrap_err();
        assert!(
            format!("{e:#}").contains("answered HTTP/1.1 503 Busy"),
            "{e:#}"
        );
        assert!(t.elapsed() < TIMEOUT, "waited for the peer to close");
    }

    #[test]
    fn urls_and_headers() {
        assert_eq!(
            parse_http_url("http://127.0.0.1:8080/hook?x=1"),
            Some(("127.0.0.1".into(), 8080, "/hook?x=1".into()))
        );
        assert_eq!(
            parse_http_url("http://chat.lan"),
            Some(("chat.lan".into(), 80, "/".into()))
        );
        assert_eq!(
            parse_http_url("http://[::1]:9/a"),
            Some(("::1".into(), 9, "/a".into()))
        );
        assert_eq!(parse_http_url("https://x/"), None);
        assert_eq!(parse_http_url("http://x:0/"), None);
        assert_eq!(parse_http_url("http://x/a b"), None);
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"M"), "TQ==");
        assert_eq!(header_text("Lost call"), "Lost call");
        assert_eq!(header_text("Сайт"), "=?UTF-8?B?0KHQsNC50YI=?=");
    }
}
