//! The web server: status page for the technician, latest calls and the CSV download for the
//! office, `/api/status` and `/healthz` for machines.
//!
//! tiny_http on one thread that answers requests one at a time with its own read-only
//! database connection, so a slow page or a big download never blocks capture. Reports and
//! downloads, which can take seconds, are answered from threads of their own (at most two of
//! each, see [`Slots`]), so the status page keeps answering meanwhile. The in-memory state
//! comes from the `snapshot` closure; the clock is read here, at the edge, and passed to the
//! pure page renderers.

pub mod account;
pub mod auth;
pub mod fmt;
pub mod form;
pub mod login;
pub mod multipart;
pub mod pages;
pub mod phonebook;
pub mod report_pages;
pub mod request;
pub mod settings;
pub mod svg;
pub mod tls;
pub mod users;
pub mod wallboard;

use crate::core::analytics::{Report, ReportOptions};
use crate::core::health::{judge, Level, Snapshot, Verdict};
use crate::export;
use crate::store::read::{DbCounts, Reader};
use anyhow::{anyhow, bail, Context, Result};
use chrono::Local;
use chrono::NaiveDate;
use pages::{Ctx, DbView};
use request::Incoming;
use serde::Serialize;
use std::borrow::Cow;
use std::net::{SocketAddr, TcpListener};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;
use tiny_http::{Header, Method, Request, Response, Server};

/// Every route the server answers: its methods, whether it is open without a login, whether
/// programs read it (401 rather than a redirect to the login page), and the parameters it
/// reads. A path not listed is answered 404; the security tests walk this list. A new route is
/// one line here and one match arm in `App::handle`.
pub const ROUTES: &[login::Route] = &[
    login::Route::page("/", &[]),
    login::Route::page("/calls", &[]),
    login::Route::data("/export.csv", &["from", "to", "sep"]),
    login::Route::data("/export.xlsx", &["from", "to"]),
    login::Route::data("/capture.log", &["from", "to", "last", "rejects"]),
    login::Route::data("/api/status", &[]),
    login::Route::data("/healthz", &[]).open(),
    login::Route::page("/reports", &["from", "to"]),
    login::Route::data("/reports/month.xlsx", &["month"]),
    login::Route::page("/reports/{name}", &["from", "to"]),
    login::Route::data("/reports/{name}.csv", &["from", "to", "sep"]),
    login::Route::data("/reports/{name}.json", &["from", "to"]),
    login::Route::data("/reports/{name}.xlsx", &["from", "to"]),
    login::Route::page("/login", &["next", "form", "user", "password"])
        .and_post()
        .open(),
    login::Route::page("/setup", &["form", "password", "again"])
        .and_post()
        .open(),
    login::Route::form("/logout", &["csrf"]),
    login::Route::page("/account", &["ok"]),
    login::Route::form(
        "/account/password",
        &["csrf", "current", "password", "again"],
    ),
    login::Route::form("/account/users", &["csrf", "user", "role", "password"]),
    login::Route::form("/account/users/delete", &["csrf", "user"]),
    login::Route::page("/settings", settings::PARAMS).and_post(),
    login::Route::page("/phonebook", &["q", "saved", "csrf"]).and_post(),
    login::Route::data("/phonebook.csv", &["sep"]),
    login::Route::page("/wallboard", &[]),
];

/// How many calls `/calls` shows, and how many rejects and events the status page lists.
const LATEST_CALLS: usize = 100;
const LATEST_REJECTS: usize = 10;
const LATEST_EVENTS: usize = 10;

pub type SnapshotFn = Arc<dyn Fn() -> Snapshot + Send + Sync>;

/// Report options (names, thresholds) for a period, from the box's configuration.
pub type ReportOptionsFn = Arc<dyn Fn(NaiveDate, NaiveDate) -> ReportOptions + Send + Sync>;

/// The running web thread. Dropping it stops the thread too.
pub struct Web {
    addr: SocketAddr,
    server: Arc<Server>,
    stopping: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Web {
    /// The address actually bound (the real port when `listen` had port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stop serving and wait for the request in progress, if any, to finish.
    pub fn stop(self) {
        drop(self);
    }
}

impl Drop for Web {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Bind `listen` and serve on a thread named `web`. The database at `db_path` is opened on
/// first use (and reopened after an error), so the page works even while it is unreadable.
pub fn start(listen: SocketAddr, db_path: PathBuf, snapshot: SnapshotFn) -> Result<Web> {
    start_with_reports(listen, db_path, snapshot, Arc::new(ReportOptions::new))
}

/// [`start`] with the configuration's report options.
pub fn start_with_reports(
    listen: SocketAddr,
    db_path: PathBuf,
    snapshot: SnapshotFn,
    report_options: ReportOptionsFn,
) -> Result<Web> {
    start_configured(
        listen,
        db_path,
        snapshot,
        report_options,
        WebOptions::default(),
    )
}

/// The `[web]` settings the server itself needs.
#[derive(Debug, Clone, Default)]
pub struct WebOptions {
    /// CSV downloads' delimiter unless `?sep=` asks for another (`[web] csv_delimiter`);
    /// `None`: it follows the page's language (`;` for Russian and Ukrainian).
    pub csv_delimiter: Option<export::Delimiter>,
    /// The accounts. `None`: no login at all, every page open; only library-level page tests
    /// that call [`start`] use that: the daemon always passes `Some`.
    pub users: Option<users::Users>,
    /// Mark the cookies `Secure` (the page is served over HTTPS).
    pub secure_cookies: bool,
    /// The config file `/settings` edits and the running configuration it updates; `None`:
    /// the page says settings are not available.
    pub config: Option<settings::ConfigFile>,
    /// Serve HTTPS with this certificate (`[web] https`, [`tls::load_or_create`]).
    pub tls: Option<tls::Identity>,
}

/// [`start_with_reports`] with the box's `[web]` settings.
pub fn start_configured(
    listen: SocketAddr,
    db_path: PathBuf,
    snapshot: SnapshotFn,
    report_options: ReportOptionsFn,
    options: WebOptions,
) -> Result<Web> {
    let csv_delimiter = options.csv_delimiter;
    // Bind ourselves first: tiny_http's own error does not say which address failed.
    let listener = TcpListener::bind(listen).with_context(|| {
        format!("web: cannot listen on {listen} (port taken by another program? see [web] listen)")
    })?;
    let addr = listener.local_addr().context("web: local address")?;
    let ssl = options.tls.as_ref().map(|t| tiny_http::SslConfig {
        certificate: t.cert_pem.clone().into_bytes(),
        private_key: t.key_pem.clone().into_bytes(),
    });
    let server = Arc::new(Server::from_listener(listener, ssl).map_err(|e| anyhow!("web: {e}"))?);
    let stopping = Arc::new(AtomicBool::new(false));
    let mut app = App {
        db_path,
        snapshot,
        report_options,
        csv_delimiter,
        reader: None,
        config_file: options.config.clone(),
        login: options
            .users
            .map(|u| account::Login::new(u, options.secure_cookies)),
    };
    let (srv, stop) = (server.clone(), stopping.clone());
    let thread = std::thread::Builder::new()
        .name("web".into())
        .spawn(move || serve(&srv, &stop, &mut app))
        .context("web: spawning thread")?;
    Ok(Web {
        addr,
        server,
        stopping,
        thread: Some(thread),
    })
}

fn serve(server: &Server, stopping: &AtomicBool, app: &mut App) {
    loop {
        let mut rq = match server.recv() {
            Ok(rq) => rq,
            Err(_) if stopping.load(Ordering::SeqCst) => return,
            Err(e) => {
                // accept() failing (e.g. out of file descriptors): don't spin.
                tracing::warn!("web: {e}");
                std::thread::sleep(Duration::from_millis(200));
                continue;
            }
        };
        let method = rq.method().clone();
        let url = rq.url().to_string();
        let incoming = match Incoming::read(&mut rq) {
            Ok(i) => i,
            Err(request::ReadError::TooLarge) => {
                let msg = format!("request too large: at most {} bytes\n", request::MAX_BODY);
                send(rq, Reply::text(413, msg), &method, &url);
                continue;
            }
            Err(request::ReadError::Io(e)) => {
                tracing::debug!("web: reading {method} {url}: {e}");
                continue;
            }
        };
        // A bug in one page must not take the web thread (or the daemon) down with it. The
        // reader is dropped after a panic since its state is unknown.
        let answer = match catch_unwind(AssertUnwindSafe(|| app.handle(&incoming))) {
            Ok(a) => a,
            Err(_) => {
                tracing::error!("web: panic while answering {method} {url}");
                app.reader = None;
                Answer::Now(internal_error())
            }
        };
        let answer = with_lang_cookie(answer, &incoming);
        match answer {
            Answer::Now(reply) => send(rq, reply, &method, &url),
            Answer::Off(job) => job.spawn(rq, method, url),
        }
    }
}

fn internal_error() -> Reply {
    Reply::text(500, "internal error; see the box's log\n")
}

/// Send `reply` to `rq`: its body, or its stream chunk by chunk.
fn send(rq: Request, mut reply: Reply, method: &Method, url: &str) {
    tracing::debug!("web: {method} {url} -> {}", reply.status);
    let sent = match reply.stream.take() {
        Some(body) => rq.respond(reply.into_response().with_data(body, None)),
        None => rq.respond(reply.into_response()),
    };
    if let Err(e) = sent {
        tracing::debug!("web: answering {url}: {e}");
    }
}

/// What the web thread does with a request.
enum Answer {
    /// Answer now, from the web thread.
    Now(Reply),
    /// Answer from a thread of its own: the request may take seconds.
    Off(Job),
}

impl From<Reply> for Answer {
    fn from(r: Reply) -> Answer {
        Answer::Now(r)
    }
}

/// Slow work (building a report, sending a download) and the slot it holds until answered.
struct Job {
    thread: &'static str,
    slot: Slot,
    work: Box<dyn FnOnce() -> Reply + Send>,
}

impl Job {
    /// Run the work on a thread named `thread`, which sends the reply and then frees the slot.
    fn spawn(self, rq: Request, method: Method, url: String) {
        let Job { thread, slot, work } = self;
        let spawned = std::thread::Builder::new()
            .name(thread.into())
            .spawn(move || {
                let _slot = slot;
                // As on the web thread: a panic answers 500 and the daemon goes on.
                let reply = catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|_| {
                    tracing::error!("web: panic while answering {method} {url}");
                    internal_error()
                });
                send(rq, reply, &method, &url);
            });
        if let Err(e) = spawned {
            // The closure is dropped: its slot is freed and tiny_http answers the request 500.
            tracing::warn!("web: cannot start a {thread} thread: {e}");
        }
    }
}

/// At most this many downloads being sent, and reports being computed, at once: each holds a
/// thread and a database connection, and a report the period's calls in memory.
const MAX_DOWNLOADS: usize = 2;
const MAX_REPORTS: usize = 2;
static DOWNLOADS: Slots = Slots::new(MAX_DOWNLOADS);
static REPORTS: Slots = Slots::new(MAX_REPORTS);

/// A counter of busy worker threads of one kind, bounded by `max`.
struct Slots {
    busy: AtomicUsize,
    max: usize,
}

impl Slots {
    const fn new(max: usize) -> Slots {
        Slots {
            busy: AtomicUsize::new(0),
            max,
        }
    }

    /// Take a slot, or None when `max` are busy.
    fn take(&'static self) -> Option<Slot> {
        self.busy
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < self.max).then_some(n + 1)
            })
            .ok()
            .map(|_| Slot(self))
    }
}

/// A taken slot, freed when dropped: when its thread ends, however it ends, or when the thread
/// could not be started.
struct Slot(&'static Slots);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.busy.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A response as plain data (status, type, body, extra headers), or a streamed body.
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    headers: Vec<(&'static str, String)>,
    /// Sent instead of `body`, chunk by chunk, by a download's [`Job`].
    stream: Option<std::io::PipeReader>,
}

impl Reply {
    fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            content_type,
            body: body.into(),
            headers: Vec::new(),
            stream: None,
        }
    }

    fn text(status: u16, body: impl Into<String>) -> Reply {
        Reply::new(status, "text/plain; charset=utf-8", body.into())
    }

    fn html(status: u16, body: String) -> Reply {
        Reply::new(status, "text/html; charset=utf-8", body)
    }

    fn into_response(self) -> Response<std::io::Cursor<Vec<u8>>> {
        let mut r = Response::from_data(self.body).with_status_code(self.status);
        let fixed: [(&str, &str); 5] = [
            ("Content-Type", self.content_type),
            // Live data: never serve a stale status from a cache.
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
            // The pages need no script, frame or external asset; say so to the browser.
            (
                "Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; \
                 frame-ancestors 'none'",
            ),
            ("Referrer-Policy", "no-referrer"),
        ];
        let extra = self.headers.iter().map(|(k, v)| (*k, v.as_str()));
        for (k, v) in fixed.into_iter().chain(extra) {
            if let Ok(h) = Header::from_bytes(k.as_bytes(), v.as_bytes()) {
                r.add_header(h);
            }
        }
        r
    }
}

struct App {
    db_path: PathBuf,
    snapshot: SnapshotFn,
    report_options: ReportOptionsFn,
    /// CSV downloads' delimiter unless `?sep=` asks for another; `None`: the language's.
    csv_delimiter: Option<export::Delimiter>,
    reader: Option<Reader>,
    /// Sessions and accounts; `None`: no login (see [`WebOptions::users`]).
    login: Option<account::Login>,
    /// See [`WebOptions::config`].
    config_file: Option<settings::ConfigFile>,
}

#[derive(Serialize)]
struct ApiStatus<'a> {
    status: &'a Snapshot,
    verdict: &'a Verdict,
    db: Option<&'a DbCounts>,
    db_error: Option<&'a str>,
    now_ms: i64,
    /// The case label's table; what the LEDs show now is `status.leds`.
    led_table: &'static [crate::core::leds::Row],
}

impl App {
    /// Run `f` on the reader, opening it first if needed; after an error the reader is dropped
    /// so the next request reopens it (the file may have been replaced or repaired).
    fn with_reader<T>(&mut self, f: impl FnOnce(&Reader) -> Result<T>) -> Result<T, String> {
        let reader = match self.reader.take() {
            Some(r) => r,
            None => open_reader(&self.snapshot, &self.db_path).map_err(|e| format!("{e:#}"))?,
        };
        match f(&reader) {
            Ok(v) => {
                self.reader = Some(reader);
                Ok(v)
            }
            Err(e) => {
                log_read_error(&self.snapshot, &self.db_path, &e);
                Err(format!("{e:#}"))
            }
        }
    }

    fn handle(&mut self, rq: &Incoming) -> Answer {
        let (method, path, query) = (&rq.method, rq.path(), rq.query());
        let Some(route) = login::find(ROUTES, path) else {
            return Reply::text(404, "not found\n").into();
        };
        let allowed = match method {
            Method::Get | Method::Head => route.get,
            Method::Post => route.post,
            _ => false,
        };
        if !allowed {
            let mut r = Reply::text(405, format!("method not allowed: use {}\n", route.allow()));
            r.headers.push(("Allow", route.allow().into()));
            return r.into();
        }
        let mut ctx = Ctx::new(Local::now().timestamp_millis(), Local)
            .with_lang(pages::request_lang(rq), &rq.url);
        // Login, roles and CSRF: decided here for every route, before its handler.
        if let Err(refusal) = self.gate(rq, route, &mut ctx) {
            return refusal.into();
        }
        let reply = match path {
            "/settings" => self.settings(rq, &ctx),
            "/login"
            | "/setup"
            | "/logout"
            | "/account"
            | "/account/password"
            | "/account/users"
            | "/account/users/delete" => self.account(rq, &ctx),
            "/" => self.status(&ctx),
            "/wallboard" => self.wallboard(&ctx),
            "/phonebook" | "/phonebook.csv" => return self.phonebook(&ctx, rq),
            "/calls" => {
                let calls = self.with_reader(|r| r.latest_calls(LATEST_CALLS));
                // Names and tags beside the numbers; an unreadable book leaves them out.
                let book = self.with_reader(|r| r.phonebook()).unwrap_or_default();
                let book = crate::phonebook::Book::new(book);
                let code = if calls.is_ok() { 200 } else { 503 };
                Reply::html(code, pages::calls_page(&ctx, &calls, &book))
            }
            "/export.csv" => return self.export(&ctx, query),
            "/export.xlsx" => return self.export_xlsx(&ctx, query),
            "/capture.log" => return self.capture(&ctx, query),
            "/api/status" => self.api(&ctx),
            "/healthz" => self.healthz(&ctx),
            "/reports" => match export::parse_period(
                query_param(query, "from").as_deref(),
                query_param(query, "to").as_deref(),
                ctx.today(),
            ) {
                Ok((from, to)) => {
                    let last_month = export::previous_month(ctx.today()).0;
                    Reply::html(200, report_pages::index_page(&ctx, from, to, last_month))
                }
                Err(e) => Reply::text(400, format!("{e}\n")),
            },
            _ => return self.report(&ctx, path, query),
        };
        reply.into()
    }

    fn status(&mut self, ctx: &Ctx<Local>) -> Reply {
        let snap = (self.snapshot)();
        let verdict = judge(&snap, ctx.now_ms);
        let today = ctx.today_start_ms();
        let db = self.with_reader(|r| {
            Ok(DbView {
                counts: r.counts(today)?,
                rejects: r.latest_rejects(LATEST_REJECTS)?,
                events: r.latest_events(LATEST_EVENTS)?,
            })
        });
        let path = self.db_path.display().to_string();
        // 200 even with the database unreadable: the page is how the technician finds out.
        Reply::html(200, pages::status_page(ctx, &snap, &verdict, &db, &path))
    }

    fn export(&mut self, ctx: &Ctx<Local>, query: &str) -> Answer {
        let from = query_param(query, "from");
        let to = query_param(query, "to");
        let (from, to) = match export::parse_period(from.as_deref(), to.as_deref(), ctx.today()) {
            Ok(p) => p,
            Err(e) => return Reply::text(400, format!("{e}\n")).into(),
        };
        let sep = match export::Delimiter::choose(
            query_param(query, "sep").as_deref(),
            export::delimiter_for(self.csv_delimiter, ctx.lang),
        ) {
            Ok(s) => s,
            Err(e) => return Reply::text(400, format!("{e}\n")).into(),
        };
        // Streamed from a thread with its own connection through a pipe: memory stays small
        // however many calls the period holds.
        let reader = match open_reader(&self.snapshot, &self.db_path) {
            Ok(r) => r,
            Err(e) => return Reply::text(503, format!("database unavailable: {e:#}\n")).into(),
        };
        let Some(slot) = DOWNLOADS.take() else {
            return Reply::text(503, "two downloads are running; try again in a moment\n").into();
        };
        let lang = ctx.lang;
        let started = std::io::pipe()
            .map_err(anyhow::Error::from)
            .and_then(|(rx, tx)| {
                std::thread::Builder::new()
                    .name("web-csv".into())
                    .spawn(move || {
                        if let Err(e) = export::write_csv_lang(&reader, from, to, tx, sep, lang) {
                            // The client sees a cut file; the log says why.
                            tracing::warn!("web: CSV {from}..{to} cut short: {e:#}");
                        }
                    })
                    .map(|_| rx)
                    .map_err(anyhow::Error::from)
            });
        match started {
            Ok(rx) => {
                let mut r = Reply::new(200, "text/csv; charset=utf-8", Vec::new());
                r.headers.push((
                    "Content-Disposition",
                    format!("attachment; filename=\"smdrbox-calls-{from}-{to}.csv\""),
                ));
                r.stream = Some(rx);
                // Sent from its own thread, so a slow client never holds up the status page.
                Answer::Off(Job {
                    thread: "web-download",
                    slot,
                    work: Box::new(move || r),
                })
            }
            Err(e) => Reply::text(503, format!("cannot start the download: {e:#}\n")).into(),
        }
    }

    /// `/export.xlsx?from=&to=`: the calls as a workbook, built on a download thread (its calls
    /// sheet goes through a temp file; the finished, compressed workbook is sent from memory).
    fn export_xlsx(&mut self, ctx: &Ctx<Local>, query: &str) -> Answer {
        let from = query_param(query, "from");
        let to = query_param(query, "to");
        let (from, to) = match export::parse_period(from.as_deref(), to.as_deref(), ctx.today()) {
            Ok(p) => p,
            Err(e) => return Reply::text(400, format!("{e}\n")).into(),
        };
        let Some(slot) = DOWNLOADS.take() else {
            return Reply::text(503, "two downloads are running; try again in a moment\n").into();
        };
        let db_path = self.db_path.clone();
        let snapshot = self.snapshot.clone();
        let lang = ctx.lang;
        let work = move || {
            let built = open_reader(&snapshot, &db_path)
                .and_then(|reader| crate::xlsx::calls_workbook_lang(&reader, from, to, lang));
            match built {
                Ok(book) => xlsx_reply(book, &format!("smdrbox-calls-{from}-{to}.xlsx")),
                Err(e) => Reply::text(503, format!("workbook unavailable: {e:#}\n")),
            }
        };
        Answer::Off(Job {
            thread: "web-download",
            slot,
            work: Box::new(work),
        })
    }

    /// `/reports/month.xlsx?month=YYYY-MM` (default: last month): every report and the calls
    /// of one month in one workbook, built on a report thread.
    fn month(&mut self, ctx: &Ctx<Local>, query: &str) -> Answer {
        let (from, to) =
            match export::parse_month(query_param(query, "month").as_deref(), ctx.today()) {
                Ok(p) => p,
                Err(e) => return Reply::text(400, format!("{e}\n")).into(),
            };
        let Some(slot) = REPORTS.take() else {
            let mut r = Reply::text(
                503,
                "two reports are being computed; try again in a moment\n",
            );
            r.headers.push(("Retry-After", "5".into()));
            return r.into();
        };
        let db_path = self.db_path.clone();
        let (snapshot, options) = (self.snapshot.clone(), self.report_options.clone());
        let lang = ctx.lang;
        let work = move || {
            let opts = options(from, to);
            let built = open_reader(&snapshot, &db_path).and_then(|reader| {
                let reports = crate::reports::build_all(&reader, &opts)
                    .inspect_err(|e| log_read_error(&snapshot, &db_path, e))?;
                crate::xlsx::month_workbook_lang(&reports, &reader, from, to, lang)
            });
            match built {
                Ok(book) => xlsx_reply(book, &format!("smdrbox-{}.xlsx", from.format("%Y-%m"))),
                Err(e) => Reply::text(503, format!("report unavailable: {e:#}\n")),
            }
        };
        Answer::Off(Job {
            thread: "web-report",
            slot,
            work: Box::new(work),
        })
    }

    /// `/capture.log?from=&to=` or `?last=N`, `&rejects=1`: the stored lines for a bug report,
    /// the file `smdrbox capture` writes. Counted and streamed on a download thread.
    fn capture(&mut self, ctx: &Ctx<Local>, query: &str) -> Answer {
        use crate::capture::{self as cap, Selection};
        let from = query_param(query, "from").filter(|v| !v.is_empty());
        let to = query_param(query, "to").filter(|v| !v.is_empty());
        let last = query_param(query, "last").filter(|v| !v.is_empty());
        let rejects_only = query_param(query, "rejects").is_some_and(|v| v == "1");
        let selection = if from.is_some() || to.is_some() {
            // One day given: that day alone, as the CLI does.
            let from = from.or_else(|| to.clone());
            match export::parse_period(from.as_deref(), to.as_deref(), ctx.today()) {
                Ok((f, t)) => Selection::Days(f, t),
                Err(e) => return Reply::text(400, format!("{e}\n")).into(),
            }
        } else {
            match last.as_deref().map(str::parse::<u64>) {
                None => Selection::Last(cap::DEFAULT_LAST),
                Some(Ok(n)) if n > 0 => Selection::Last(n),
                Some(_) => {
                    return Reply::text(400, "last: give a number of lines, 1 or more\n").into()
                }
            }
        };
        let Some(slot) = DOWNLOADS.take() else {
            return Reply::text(503, "two downloads are running; try again in a moment\n").into();
        };
        // The running box knows its port and dialect: the header names them.
        let snap = (self.snapshot)();
        let known = |s: &str| (!s.is_empty()).then(|| s.to_string());
        let settings = cap::Settings {
            pbx: known(&snap.dialect).map(|d| {
                format!("dialect {d} (the running box's; date order: see its configuration)")
            }),
            port: known(&snap.port).map(|p| match known(&snap.settings) {
                Some(s) => format!("{p}, {s}"),
                None => p,
            }),
        };
        let db_path = self.db_path.clone();
        let snapshot = self.snapshot.clone();
        let work = move || {
            let written = Local::now();
            // Counted first, here on the download thread: the header states the counts, and an
            // empty selection is answered in words rather than with an empty file.
            let planned = open_reader(&snapshot, &db_path).and_then(|reader| {
                let plan = cap::plan(&reader, selection, rejects_only)?;
                Ok((reader, plan))
            });
            let (reader, plan) = match planned {
                Ok(p) => p,
                Err(e) => return Reply::text(503, format!("database unavailable: {e:#}\n")),
            };
            if plan.is_empty() {
                return Reply::text(404, format!("{}\n", plan.empty_message()));
            }
            let started = std::io::pipe()
                .map_err(anyhow::Error::from)
                .and_then(|(rx, tx)| {
                    std::thread::Builder::new()
                        .name("web-capture".into())
                        .spawn(move || {
                            if let Err(e) = cap::write(&reader, &plan, &settings, written, tx) {
                                tracing::warn!("web: capture cut short: {e:#}");
                            }
                        })
                        .map(|_| rx)
                        .map_err(anyhow::Error::from)
                });
            match started {
                Ok(rx) => {
                    let mut r = Reply::new(200, "text/plain; charset=utf-8", Vec::new());
                    r.headers.push((
                        "Content-Disposition",
                        format!("attachment; filename=\"{}\"", cap::file_name(written)),
                    ));
                    r.stream = Some(rx);
                    r
                }
                Err(e) => Reply::text(503, format!("cannot start the download: {e:#}\n")),
            }
        };
        Answer::Off(Job {
            thread: "web-download",
            slot,
            work: Box::new(work),
        })
    }

    /// `/reports/NAME`, `/reports/NAME.csv`, `.json`, `.xlsx`: checked here, built and
    /// rendered on a report thread with its own connection, since a big period takes seconds.
    fn report(&mut self, ctx: &Ctx<Local>, path: &str, query: &str) -> Answer {
        let name = path.trim_start_matches("/reports/");
        if name == "month.xlsx" {
            return self.month(ctx, query);
        }
        let (name, format) = match name.rsplit_once('.') {
            Some((n, f)) => (n, f),
            None => (name, "html"),
        };
        let format = match format {
            "html" => Format::Html,
            "csv" => Format::Csv,
            "json" => Format::Json,
            "xlsx" => Format::Xlsx,
            _ => return Reply::text(404, "no such report\n").into(),
        };
        if !crate::reports::names().any(|n| n == name) {
            return Reply::text(404, "no such report\n").into();
        }
        let (from, to) = match export::parse_period(
            query_param(query, "from").as_deref(),
            query_param(query, "to").as_deref(),
            ctx.today(),
        ) {
            Ok(p) => p,
            Err(e) => return Reply::text(400, format!("{e}\n")).into(),
        };
        let sep = match export::Delimiter::choose(
            query_param(query, "sep").as_deref(),
            export::delimiter_for(self.csv_delimiter, ctx.lang),
        ) {
            Ok(s) => s,
            Err(e) => return Reply::text(400, format!("{e}\n")).into(),
        };
        let Some(slot) = REPORTS.take() else {
            let mut r = Reply::text(
                503,
                "two reports are being computed; try again in a moment\n",
            );
            r.headers.push(("Retry-After", "5".into()));
            return r.into();
        };
        let name = name.to_string();
        let db_path = self.db_path.clone();
        let (snapshot, options) = (self.snapshot.clone(), self.report_options.clone());
        let page_ctx = ctx.clone();
        let work = move || {
            #[cfg(debug_assertions)]
            test_report_delay();
            let opts = options(from, to);
            let built = open_reader(&snapshot, &db_path).and_then(|reader| {
                crate::reports::build(&reader, &name, &opts)
                    .inspect_err(|e| log_read_error(&snapshot, &db_path, e))
            });
            match built {
                Ok(report) => render_report(&report, &name, format, sep, &page_ctx),
                Err(e) => Reply::text(503, format!("report unavailable: {e:#}\n")),
            }
        };
        Answer::Off(Job {
            thread: "web-report",
            slot,
            work: Box::new(work),
        })
    }

    fn api(&mut self, ctx: &Ctx<Local>) -> Reply {
        let snap = (self.snapshot)();
        let verdict = judge(&snap, ctx.now_ms);
        let today = ctx.today_start_ms();
        let db = self.with_reader(|r| r.counts(today));
        let body = ApiStatus {
            status: &snap,
            verdict: &verdict,
            db: db.as_ref().ok(),
            db_error: db.as_ref().err().map(String::as_str),
            now_ms: ctx.now_ms,
            led_table: &crate::core::leds::TABLE,
        };
        match serde_json::to_vec_pretty(&body) {
            Ok(json) => Reply::new(200, "application/json", json),
            Err(e) => Reply::text(500, format!("{e}\n")),
        }
    }

    /// For monitoring: no database access and no call data, only the in-memory verdict.
    fn healthz(&mut self, ctx: &Ctx<Local>) -> Reply {
        let verdict = judge(&(self.snapshot)(), ctx.now_ms);
        if verdict.level == Level::Fault {
            Reply::text(503, format!("{}\n", verdict.summary))
        } else {
            Reply::text(200, "ok\n")
        }
    }
}

#[derive(Clone, Copy)]
enum Format {
    Html,
    Csv,
    Json,
    Xlsx,
}

/// A workbook as an attachment called `file`.
fn xlsx_reply(book: Vec<u8>, file: &str) -> Reply {
    let mut r = Reply::new(
        200,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        book,
    );
    r.headers.push((
        "Content-Disposition",
        format!("attachment; filename=\"{file}\""),
    ));
    r
}

fn render_report(
    report: &Report,
    name: &str,
    format: Format,
    sep: export::Delimiter,
    ctx: &Ctx<Local>,
) -> Reply {
    let (from, to) = (report.from, report.to);
    match format {
        Format::Xlsx => match crate::xlsx::report_workbook_lang(report, ctx.lang) {
            Ok(book) => xlsx_reply(book, &format!("smdrbox-{name}-{from}-{to}.xlsx")),
            Err(e) => Reply::text(500, format!("{e:#}\n")),
        },
        Format::Csv => {
            let mut body = Vec::new();
            if let Err(e) = crate::reports::write_csv_lang(report, &mut body, sep, ctx.lang) {
                return Reply::text(500, format!("{e:#}\n"));
            }
            let mut r = Reply::new(200, "text/csv; charset=utf-8", body);
            r.headers.push((
                "Content-Disposition",
                format!("attachment; filename=\"smdrbox-{name}-{from}-{to}.csv\""),
            ));
            r
        }
        Format::Json => match serde_json::to_vec_pretty(report) {
            Ok(j) => Reply::new(200, "application/json", j),
            Err(e) => Reply::text(500, format!("{e}\n")),
        },
        Format::Html => Reply::html(200, report_pages::report_page(ctx, report)),
    }
}

/// A language chosen with `?lang=` is remembered in the `lang` cookie (set on whatever the
/// request is answered with, now or from a worker thread).
fn with_lang_cookie(answer: Answer, rq: &Incoming) -> Answer {
    let Some(lang) = query_param(rq.query(), "lang").and_then(|v| crate::i18n::Lang::parse(&v))
    else {
        return answer;
    };
    let cookie = crate::i18n::cookie(lang);
    match answer {
        Answer::Now(mut r) => {
            r.headers.push(("Set-Cookie", cookie));
            Answer::Now(r)
        }
        Answer::Off(job) => {
            let work = job.work;
            Answer::Off(Job {
                work: Box::new(move || {
                    let mut r = work();
                    r.headers.push(("Set-Cookie", cookie));
                    r
                }),
                ..job
            })
        }
    }
}

/// Test-only hook: a debug build waits `SMDRBOX_TEST_REPORT_DELAY_MS` milliseconds before each
/// report, so tests/web.rs can keep report threads busy without a big database. Release builds
/// do not contain it.
#[cfg(debug_assertions)]
fn test_report_delay() {
    let ms = std::env::var("SMDRBOX_TEST_REPORT_DELAY_MS").ok();
    if let Some(ms) = ms.and_then(|v| v.parse().ok()) {
        std::thread::sleep(Duration::from_millis(ms));
    }
}

/// A reader, once the store thread has opened the database. Before that it may still move a
/// corrupt file aside: a reader opened on that file would go on reading it (or mix its pages
/// with the fresh database's WAL, which SQLite finds by name).
fn open_reader(snapshot: &SnapshotFn, db_path: &Path) -> Result<Reader> {
    if !snapshot().store_open {
        bail!("the database is not open yet: the box is still checking it");
    }
    Reader::open(db_path)
}

/// Before the store thread has checked and migrated the database, a reader may find no schema
/// yet: expected at start, not worth a warning.
fn log_read_error(snapshot: &SnapshotFn, db_path: &Path, e: &anyhow::Error) {
    if snapshot().store_open {
        tracing::warn!("web: reading {}: {e:#}", db_path.display());
    } else {
        tracing::debug!("web: reading {}: {e:#}", db_path.display());
    }
}

/// The first value of `name` in a query string, percent-decoded (`+` is a space, as forms
/// send it).
fn query_param<'a>(query: &'a str, name: &str) -> Option<Cow<'a, str>> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('=').or(Some((kv, ""))))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| percent_decode(v))
}

fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains(['%', '+']) {
        return Cow::Borrowed(s);
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values() {
        let q = "from=2024-05-01&to=2024%2D05%2D31&x&name=a+b%3c";
        assert_eq!(query_param(q, "from").as_deref(), Some("2024-05-01"));
        assert_eq!(query_param(q, "to").as_deref(), Some("2024-05-31"));
        assert_eq!(query_param(q, "x").as_deref(), Some(""));
        assert_eq!(query_param(q, "name").as_deref(), Some("a b<"));
        assert_eq!(query_param(q, "missing"), None);
        assert_eq!(query_param("", "from"), None);
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
    }
}
