//! A small synchronous WebDriver (W3C) client for the browser tests: chromedriver on a free
//! loopback port, one headless Chromium session, plain HTTP/1.1 with serde_json. No async, no
//! browser-automation crate: the handful of commands the tests need, with the driver's own
//! error message in every failure.
//!
//! Declare it from a test with `#[path = "common/webdriver.rs"] mod webdriver;`.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The key W3C uses for an element reference in JSON.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// One WebDriver command may take this long (a page load included).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

pub type Result<T> = std::result::Result<T, String>;

/// Where test artefacts go: `$SMDRBOX_ARTEFACTS`, else `target/test-artefacts` in the crate.
pub fn artefacts_dir() -> PathBuf {
    std::env::var_os("SMDRBOX_ARTEFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-artefacts"))
}

/// A running chromedriver with one browser session; both end when this is dropped.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    /// Profile, downloads and the driver's log, removed on drop.
    tmp: tempfile::TempDir,
    /// Names the screenshots: `<test>-<name>.png`.
    test: String,
}

/// An element found on the current page.
#[derive(Clone, Debug)]
pub struct Element {
    id: String,
    /// The selector it was found by, for error messages.
    pub what: String,
}

impl Browser {
    /// Start chromedriver and a headless Chromium session whose downloads land in
    /// [`Browser::download_dir`]. `test` prefixes the screenshots' names.
    pub fn start(test: &str) -> Browser {
        for p in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                Path::new(p).exists(),
                "{p} not installed: run `make deps` (scripts/deps.sh installs chromium and \
                 chromium-driver)"
            );
        }
        let mut tmp = tempfile::tempdir().expect("temp dir for the browser");
        let downloads = tmp.path().join("downloads");
        std::fs::create_dir_all(&downloads).expect("downloads dir");
        let log = tmp.path().join("chromedriver.log");
        // A free port from the kernel; chromedriver binds it a moment later (a race with
        // another process is possible but unlikely on loopback; a retry covers it).
        let mut last_err = String::new();
        for _ in 0..3 {
            let port = free_port();
            let driver = Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                .arg(format!("--log-path={}", log.display()))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("starting {CHROMEDRIVER}: {e}"));
            let mut b = Browser {
                driver,
                port,
                session: String::new(),
                tmp,
                test: test.to_string(),
            };
            match b.wait_ready().and_then(|_| b.new_session(&downloads)) {
                Ok(id) => {
                    b.session = id;
                    return b;
                }
                Err(e) => {
                    last_err = format!("{e}\nchromedriver log:\n{}", b.driver_log());
                    // Take the temp dir back for the next attempt; Drop kills this driver.
                    tmp = std::mem::replace(&mut b.tmp, tempfile::tempdir().unwrap());
                }
            }
        }
        panic!("cannot start a browser session: {last_err}");
    }

    fn wait_ready(&mut self) -> Result<()> {
        let end = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(v) = self.raw("GET", "/status", None) {
                if v["ready"] == true {
                    return Ok(());
                }
            }
            if let Ok(Some(s)) = self.driver.try_wait() {
                return Err(format!("chromedriver exited: {s}"));
            }
            if Instant::now() > end {
                return Err("chromedriver not ready within 20 s".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn new_session(&mut self, downloads: &Path) -> Result<String> {
        let profile = self.tmp.path().join("profile");
        let caps = json!({
            "capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "pageLoadStrategy": "normal",
                "goog:chromeOptions": {
                    "binary": CHROMIUM,
                    // As root in a container (CI): no sandbox; the rest keeps Chromium off the
                    // network and quick to start (docs: /work/shared/toolchain.md §4).
                    "args": [
                        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                        "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync",
                        "--disable-dev-shm-usage", "--hide-scrollbars",
                        "--window-size=1280,900",
                        // English pages whatever the machine's locale; tests switch on purpose.
                        "--lang=en-US",
                        format!("--user-data-dir={}", profile.display()),
                    ],
                    "prefs": {
                        "download.default_directory": downloads.display().to_string(),
                        "download.prompt_for_download": false,
                        "download.directory_upgrade": true,
                        "intl.accept_languages": "en-US,en",
                    },
                },
            }},
        });
        let v = self.raw("POST", "/session", Some(&caps))?;
        let id = v["sessionId"]
            .as_str()
            .ok_or_else(|| format!("new session: no sessionId in {v}"))?
            .to_string();
        Ok(id)
    }

    /// The driver's log so far (for failures).
    pub fn driver_log(&self) -> String {
        let text =
            std::fs::read_to_string(self.tmp.path().join("chromedriver.log")).unwrap_or_default();
        // The tail is what matters.
        let start = text.len().saturating_sub(4000);
        let start = (start..text.len())
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        text[start..].to_string()
    }

    /// Where the browser saves downloads.
    pub fn download_dir(&self) -> PathBuf {
        self.tmp.path().join("downloads")
    }

    /// One request to chromedriver: the `value` of the answer, or the WebDriver error (its
    /// `error` and `message`).
    fn raw(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value> {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let addr = format!("127.0.0.1:{}", self.port);
        let mut s = TcpStream::connect(&addr).map_err(|e| format!("connect {addr}: {e}"))?;
        let _ = s.set_read_timeout(Some(COMMAND_TIMEOUT));
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
             Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        s.write_all(req.as_bytes())
            .map_err(|e| format!("{method} {path}: {e}"))?;
        let (code, raw) = read_response(&mut s).map_err(|e| format!("{method} {path}: {e}"))?;
        let v: Value = serde_json::from_slice(&raw).map_err(|e| {
            format!(
                "{method} {path}: HTTP {code}, not JSON ({e}): {}",
                String::from_utf8_lossy(&raw)
            )
        })?;
        let value = v.get("value").cloned().unwrap_or(Value::Null);
        if code >= 400 || value.get("error").is_some_and(|e| e.is_string()) {
            return Err(format!(
                "WebDriver {method} {path}: HTTP {code}: {}: {}",
                value["error"].as_str().unwrap_or("?"),
                value["message"].as_str().unwrap_or("(no message)")
            ));
        }
        Ok(value)
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        self.raw(
            method,
            &format!("/session/{}{path}", self.session),
            body.as_ref(),
        )
    }

    pub fn goto(&self, url: &str) -> Result<()> {
        self.cmd("POST", "/url", Some(json!({ "url": url })))
            .map(drop)
            .map_err(|e| format!("navigate to {url}: {e}"))
    }

    pub fn url(&self) -> Result<String> {
        let v = self.cmd("GET", "/url", None)?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    /// The path and query of the current URL (`/login?next=%2F`).
    pub fn path(&self) -> Result<String> {
        let u = self.url()?;
        let rest = u.split_once("://").map(|(_, r)| r).unwrap_or(&u);
        Ok(rest
            .find('/')
            .map(|i| rest[i..].to_string())
            .unwrap_or_else(|| "/".into()))
    }

    pub fn title(&self) -> Result<String> {
        let v = self.cmd("GET", "/title", None)?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    /// The page's HTML as the browser holds it now.
    pub fn source(&self) -> Result<String> {
        let v = self.cmd("GET", "/source", None)?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    pub fn find(&self, css: &str) -> Result<Element> {
        let v = self
            .cmd(
                "POST",
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .map_err(|e| format!("find {css:?} on {}: {e}", self.url().unwrap_or_default()))?;
        element(&v, css)
    }

    pub fn find_all(&self, css: &str) -> Result<Vec<Element>> {
        let v = self.cmd(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        )?;
        v.as_array()
            .ok_or_else(|| format!("find all {css:?}: not a list: {v}"))?
            .iter()
            .map(|e| element(e, css))
            .collect()
    }

    /// The rendered text of an element.
    pub fn text(&self, e: &Element) -> Result<String> {
        let v = self
            .cmd("GET", &format!("/element/{}/text", e.id), None)
            .map_err(|err| format!("text of {}: {err}", e.what))?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    /// The whole page's visible text.
    pub fn body_text(&self) -> Result<String> {
        let b = self.find("body")?;
        self.text(&b)
    }

    /// An attribute (`href`: as written in the page, not resolved).
    pub fn attr(&self, e: &Element, name: &str) -> Result<Option<String>> {
        let v = self
            .cmd("GET", &format!("/element/{}/attribute/{name}", e.id), None)
            .map_err(|err| format!("attribute {name} of {}: {err}", e.what))?;
        Ok(v.as_str().map(str::to_string))
    }

    /// A DOM property (`href`: the resolved absolute URL).
    pub fn prop(&self, e: &Element, name: &str) -> Result<Value> {
        self.cmd("GET", &format!("/element/{}/property/{name}", e.id), None)
            .map_err(|err| format!("property {name} of {}: {err}", e.what))
    }

    pub fn send_keys(&self, e: &Element, text: &str) -> Result<()> {
        self.cmd(
            "POST",
            &format!("/element/{}/value", e.id),
            Some(json!({ "text": text })),
        )
        .map(drop)
        .map_err(|err| format!("typing into {}: {err}", e.what))
    }

    pub fn clear(&self, e: &Element) -> Result<()> {
        self.cmd("POST", &format!("/element/{}/clear", e.id), Some(json!({})))
            .map(drop)
            .map_err(|err| format!("clearing {}: {err}", e.what))
    }

    pub fn click(&self, e: &Element) -> Result<()> {
        self.cmd("POST", &format!("/element/{}/click", e.id), Some(json!({})))
            .map(drop)
            .map_err(|err| format!("clicking {}: {err}", e.what))
    }

    /// Submit the form an element belongs to (or the form itself), as pressing Enter would:
    /// `requestSubmit` runs the browser's validation and sends the submit button's name.
    pub fn submit(&self, e: &Element) -> Result<()> {
        self.script(
            "const el = arguments[0]; const f = el.form || el.closest('form'); \
             if (!f) throw new Error('not in a form'); f.requestSubmit(); return null;",
            vec![e.to_json()],
        )
        .map(drop)
        .map_err(|err| format!("submitting the form of {}: {err}", e.what))
    }

    /// Run `script` as a function body with `args` (elements as [`Element::to_json`]); its
    /// return value.
    pub fn script(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Resize the window's outer size; the page's viewport then is what `innerWidth` says.
    pub fn window_size(&self, width: u32, height: u32) -> Result<()> {
        self.cmd(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        )
        .map(drop)
    }

    /// A PNG of the viewport, kept as `<artefacts>/screenshots/<test>-<name>.png`.
    pub fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let v = self.cmd("GET", "/screenshot", None)?;
        let png = base64_decode(v.as_str().unwrap_or_default())?;
        if !png.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Err(format!("screenshot {name}: not a PNG"));
        }
        let dir = artefacts_dir().join("screenshots");
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = dir.join(format!("{}-{name}.png", self.test));
        std::fs::write(&path, &png).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("screenshot: {}", path.display());
        Ok(path)
    }

    /// Poll `f` until it gives `Some`; its last error or `what` after `limit`.
    pub fn wait<T>(
        &self,
        limit: Duration,
        what: &str,
        mut f: impl FnMut(&Browser) -> Result<Option<T>>,
    ) -> Result<T> {
        let end = Instant::now() + limit;
        loop {
            let last = match f(self) {
                Ok(Some(v)) => return Ok(v),
                Ok(None) => String::new(),
                Err(e) => e,
            };
            if Instant::now() > end {
                return Err(format!(
                    "timed out after {limit:?} waiting for {what} (at {}){}{last}",
                    self.url().unwrap_or_default(),
                    if last.is_empty() { "" } else { ": " }
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Wait until the current path (with query) starts with `prefix`.
    pub fn wait_path(&self, prefix: &str) -> Result<String> {
        self.wait(
            Duration::from_secs(10),
            &format!("a page at {prefix}"),
            |b| {
                let p = b.path()?;
                Ok(p.starts_with(prefix).then_some(p))
            },
        )
    }

    /// Wait for a new finished file in the download directory whose name ends with `suffix`
    /// (Chromium writes `*.crdownload` first and renames it when done); its path.
    pub fn wait_download(&self, suffix: &str) -> Result<PathBuf> {
        let dir = self.download_dir();
        self.wait(
            Duration::from_secs(20),
            &format!("a download *{suffix} in {}", dir.display()),
            |_| {
                let found = std::fs::read_dir(&dir)
                    .map_err(|e| format!("{}: {e}", dir.display()))?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .find(|p| p.to_string_lossy().ends_with(suffix));
                Ok(found)
            },
        )
    }

    /// Empty the download directory (before a download whose name repeats).
    pub fn clear_downloads(&self) {
        let dir = self.download_dir();
        if let Ok(rd) = std::fs::read_dir(&dir) {
            for e in rd.flatten() {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }

    /// Log in through the form: open `path`, expect to be sent to `/login`, type `user` and
    /// `password`, submit, and land on `path`.
    pub fn login(&self, base: &str, path: &str, user: &str, password: &str) -> Result<()> {
        self.goto(&format!("{base}{path}"))?;
        let here = self.path()?;
        if !here.starts_with("/login") {
            return Err(format!(
                "{path} was served without a login (the browser is at {here}), not sent to /login"
            ));
        }
        let name = self.find("form[action=\"/login\"] input[name=\"user\"]")?;
        self.clear(&name)?;
        self.send_keys(&name, user)?;
        let pw = self.find("form[action=\"/login\"] input[type=\"password\"]")?;
        self.send_keys(&pw, password)?;
        self.submit(&pw)?;
        let landed = self.wait(
            Duration::from_secs(10),
            &format!("{path} after login"),
            |b| {
                let p = b.path()?;
                Ok((!p.starts_with("/login")).then_some(p))
            },
        );
        let landed = landed.map_err(|e| {
            let text = self.body_text().unwrap_or_default();
            format!("{e}\nthe login page says:\n{text}")
        })?;
        if landed != path {
            return Err(format!("logged in, but landed on {landed}, not {path}"));
        }
        Ok(())
    }

    /// Log out with the page's log-out button (on `/account` if the current page has none),
    /// then check that the pages ask for a login again.
    pub fn logout(&self, base: &str) -> Result<()> {
        let css = "form[action=\"/logout\"] [type=\"submit\"]";
        let button = match self.find_all(css)?.into_iter().next() {
            Some(b) => b,
            None => {
                self.goto(&format!("{base}/account"))?;
                self.find(css)?
            }
        };
        self.click(&button)?;
        self.wait_path("/login")
            .or_else(|_| -> Result<String> {
                // Some log-outs land on a page of their own; the next page must ask again.
                self.goto(&format!("{base}/"))?;
                self.wait_path("/login")
            })
            .map(drop)
            .map_err(|e| format!("after logging out: {e}"))
    }

    /// The page scrolls sideways: the document is wider than the viewport. Some((document
    /// width, viewport width, the outermost elements that stick out)) if so.
    pub fn horizontal_overflow(&self) -> Result<Option<(i64, i64, String)>> {
        let v = self.script(
            "const iw = window.innerWidth; const out = []; \
             const boxed = (e) => { for (let a = e.parentElement; a; a = a.parentElement) \
               if (getComputedStyle(a).overflowX !== 'visible') return true; return false; }; \
             for (const e of document.body.querySelectorAll('*')) { \
               const r = e.getBoundingClientRect(); \
               if (r.right > iw + 1 && !boxed(e) && !(e.parentElement && \
                   e.parentElement.getBoundingClientRect().right > iw + 1)) { \
                 out.push(e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + \
                   ' (right edge ' + Math.round(r.right) + ' px: ' + \
                   (e.textContent || '').trim().slice(0, 40) + ')'); } } \
             return [document.documentElement.scrollWidth, iw, out.slice(0, 5).join('; ')];",
            vec![],
        )?;
        let (sw, iw) = (v[0].as_i64().unwrap_or(0), v[1].as_i64().unwrap_or(0));
        let culprits = v[2].as_str().unwrap_or_default().to_string();
        Ok((sw > iw + 1).then_some((sw, iw, culprits)))
    }
}

impl Element {
    /// The element as a script argument.
    pub fn to_json(&self) -> Value {
        json!({ ELEMENT_KEY: self.id })
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            // Ends Chromium; if it hangs, killing the driver below still ends the test.
            let _ = self.raw("DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn element(v: &Value, css: &str) -> Result<Element> {
    let id = v[ELEMENT_KEY]
        .as_str()
        .ok_or_else(|| format!("find {css:?}: no element reference in {v}"))?;
    Ok(Element {
        id: id.to_string(),
        what: css.to_string(),
    })
}

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    l.local_addr().expect("local addr").port()
}

/// Read an HTTP/1.1 answer to the end (`Connection: close`): status code and body, the body
/// de-chunked if it was sent chunked.
fn read_response(s: &mut TcpStream) -> std::io::Result<(u16, Vec<u8>)> {
    let mut r = BufReader::new(s);
    let mut status = String::new();
    r.read_line(&mut status)?;
    let code = status
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line {status:?}")))?;
    let mut chunked = false;
    let mut length: Option<usize> = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 || line.trim_end().is_empty() {
            break;
        }
        let (k, v) = line.split_once(':').unwrap_or((&line, ""));
        let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
        if k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked") {
            chunked = true;
        } else if k == "content-length" {
            length = v.parse().ok();
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            r.read_line(&mut size)?;
            let n = usize::from_str_radix(size.trim().split(';').next().unwrap_or(""), 16)
                .map_err(|_| std::io::Error::other(format!("bad chunk size {size:?}")))?;
            if n == 0 {
                break;
            }
            let mut chunk = vec![0; n + 2];
            r.read_exact(&mut chunk)?;
            body.extend_from_slice(&chunk[..n]);
        }
    } else if let Some(n) = length {
        body.resize(n, 0);
        r.read_exact(&mut body)?;
    } else {
        r.read_to_end(&mut body)?;
    }
    Ok((code, body))
}

/// Standard base64 (RFC 4648, with padding, whitespace ignored) to bytes.
pub fn base64_decode(s: &str) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for (i, c) in s.bytes().enumerate() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            b'\r' | b'\n' | b' ' => continue,
            _ => return Err(format!("base64: byte {c:#x} at {i}")),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

#[test]
fn base64_decodes_the_rfc_vectors() {
    for (enc, dec) in [
        ("", ""),
        ("Zg==", "f"),
        ("Zm8=", "fo"),
        ("Zm9v", "foo"),
        ("Zm9vYg==", "foob"),
        ("Zm9vYmE=", "fooba"),
        ("Zm9vYmFy", "foobar"),
    ] {
        assert_eq!(base64_decode(enc).unwrap(), dec.as_bytes(), "{enc}");
    }
    assert!(base64_decode("Zm9v!").is_err());
}
