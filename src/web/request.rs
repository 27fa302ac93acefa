//! A request as the pages need it: read once from tiny_http on the web thread (headers, the
//! peer's address, a bounded body) so that the handlers are plain functions of data.

use std::io::Read;
use std::net::IpAddr;
use tiny_http::Method;

/// Largest request body read (a form, a phonebook upload); a bigger one is refused with 413.
pub const MAX_BODY: usize = 2 * 1024 * 1024;

/// Why a request could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    TooLarge,
    Io(String),
}

#[derive(Debug, Clone)]
pub struct Incoming {
    pub method: Method,
    /// The whole target, `/path?query`.
    pub url: String,
    /// Header names in lower case, values as sent.
    pub headers: Vec<(String, String)>,
    /// The peer, when the socket says (not behind a proxy: the box serves the office directly).
    pub remote: Option<IpAddr>,
    pub body: Vec<u8>,
}

impl Incoming {
    /// Read what the handlers need of `rq`, consuming its body (at most [`MAX_BODY`]).
    pub fn read(rq: &mut tiny_http::Request) -> Result<Incoming, ReadError> {
        let headers = rq
            .headers()
            .iter()
            .map(|h| {
                (
                    h.field.as_str().as_str().to_ascii_lowercase(),
                    h.value.as_str().to_string(),
                )
            })
            .collect();
        let mut body = Vec::new();
        if !matches!(rq.method(), Method::Get | Method::Head) {
            rq.as_reader()
                .take(MAX_BODY as u64 + 1)
                .read_to_end(&mut body)
                .map_err(|e| ReadError::Io(e.to_string()))?;
            if body.len() > MAX_BODY {
                return Err(ReadError::TooLarge);
            }
        }
        Ok(Incoming {
            method: rq.method().clone(),
            url: rq.url().to_string(),
            headers,
            remote: rq.remote_addr().map(|a| a.ip()),
            body,
        })
    }

    /// A request built by hand (tests, benchmarks).
    pub fn get(url: &str) -> Incoming {
        Incoming {
            method: Method::Get,
            url: url.to_string(),
            headers: Vec::new(),
            remote: None,
            body: Vec::new(),
        }
    }

    pub fn path(&self) -> &str {
        self.url
            .split_once('?')
            .map_or(self.url.as_str(), |(p, _)| p)
    }

    pub fn query(&self) -> &str {
        self.url.split_once('?').map_or("", |(_, q)| q)
    }

    /// The first header called `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value of cookie `name`, from every `Cookie` header.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k == "cookie")
            .flat_map(|(_, v)| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_query_header_and_cookie() {
        let mut rq = Incoming::get("/reports/lost?from=2026-01-01&to=2026-01-31");
        rq.headers = vec![
            ("accept-language".into(), "ru-RU,ru;q=0.9".into()),
            ("cookie".into(), "a=1; smdrbox_session=abc ; lang=uk".into()),
            ("cookie".into(), "b=2".into()),
        ];
        assert_eq!(rq.path(), "/reports/lost");
        assert_eq!(rq.query(), "from=2026-01-01&to=2026-01-31");
        assert_eq!(rq.header("Accept-Language"), Some("ru-RU,ru;q=0.9"));
        assert_eq!(rq.cookie("smdrbox_session"), Some("abc"));
        assert_eq!(rq.cookie("lang"), Some("uk"));
        assert_eq!(rq.cookie("b"), Some("2"));
        assert_eq!(rq.cookie("missing"), None);
        assert_eq!(Incoming::get("/").query(), "");
    }
}
