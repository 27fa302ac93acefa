//! The HTML pages. Plain server-rendered HTML with one small inline stylesheet: the box has no
//! internet (no external assets) and the pages must work on a technician's phone without
//! JavaScript. Every value from the PBX or the database goes through [`escape`].

use super::fmt::{self, escape};
use crate::core::health::{human_duration, Level, LinkState, Snapshot, Verdict};
use crate::core::leds::{self, LedsShown};
use crate::i18n::{self, report_text, t, tf, Lang};
use crate::store::read::{CallRow, DbCounts, RejectRow};
use chrono::{Datelike, Months, NaiveDate, TimeZone, Timelike};
use std::fmt::{Display, Write};

/// `write!` into a `String` cannot fail; this keeps the pages free of `let _ =`.
macro_rules! w {
    ($dst:expr, $($arg:tt)*) => {{
        let _ = write!($dst, $($arg)*);
    }};
}

/// The clock and time zone a page is rendered with (the server passes `Local` and now), who
/// is looking, and in which language.
#[derive(Clone)]
pub struct Ctx<Tz: TimeZone> {
    pub now_ms: i64,
    pub tz: Tz,
    /// The logged-in user; None on the pages anyone may see.
    pub user: Option<PageUser>,
    /// The page's language ([`i18n::negotiate`] at the web edge).
    pub lang: Lang,
    /// This page's path and query without `lang`, for the language switch's links (a report
    /// keeps its period when the language changes).
    pub here: String,
}

/// The logged-in user as the pages show them: the name, whether they may change things, and
/// the session's CSRF token that every form of theirs carries (field `csrf`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageUser {
    pub name: String,
    pub admin: bool,
    pub csrf: String,
}

impl<Tz: TimeZone> Ctx<Tz> {
    pub fn new(now_ms: i64, tz: Tz) -> Ctx<Tz> {
        Ctx {
            now_ms,
            tz,
            user: None,
            lang: Lang::En,
            here: "/".into(),
        }
    }

    /// The same context in `lang`, for the page at `here` (path and query, `lang` left out).
    pub fn with_lang(mut self, lang: Lang, here: &str) -> Ctx<Tz> {
        self.lang = lang;
        self.here = without_lang(here);
        self
    }
}

/// The language a request asks for: `?lang=`, the `lang` cookie, `Accept-Language`, English.
pub fn request_lang(rq: &super::request::Incoming) -> Lang {
    let asked = super::query_param(rq.query(), "lang");
    i18n::negotiate(
        asked.as_deref(),
        rq.cookie("lang"),
        rq.header("accept-language"),
    )
}

/// `path?query` without its `lang` parameter.
fn without_lang(url: &str) -> String {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let kept: Vec<&str> = query
        .split('&')
        .filter(|kv| !kv.is_empty() && kv.split('=').next() != Some("lang"))
        .collect();
    if kept.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

/// A link to `here` in `lang`, HTML-escaped for an attribute.
fn lang_href(here: &str, lang: Lang) -> String {
    let sep = if here.contains('?') { '&' } else { '?' };
    escape(&format!("{here}{sep}lang={}", lang.code()))
}

impl<Tz: TimeZone> Ctx<Tz>
where
    Tz::Offset: Display,
{
    pub fn today(&self) -> NaiveDate {
        self.tz
            .timestamp_millis_opt(self.now_ms)
            .earliest()
            .map(|t| t.date_naive())
            .unwrap_or_default()
    }

    /// Local midnight that started today, Unix ms ("records today" counts from here).
    pub fn today_start_ms(&self) -> i64 {
        let Some(now) = self.tz.timestamp_millis_opt(self.now_ms).earliest() else {
            return self.now_ms;
        };
        let midnight = now.date_naive().and_hms_opt(0, 0, 0).unwrap_or_default();
        match self.tz.from_local_datetime(&midnight).earliest() {
            Some(t) => t.timestamp_millis(),
            // Midnight skipped by a DST change: count from the start of the local day's clock.
            None => {
                self.now_ms
                    - i64::from(now.num_seconds_from_midnight()) * 1000
                    - i64::from(now.timestamp_subsec_millis())
            }
        }
    }

    fn time(&self, ms: i64) -> String {
        fmt::local_time_in(self.lang, ms, &self.tz)
    }

    /// `2024-05-01 11:00:00 (42 s ago)`.
    fn time_ago(&self, ms: i64) -> String {
        format!(
            "{} ({})",
            self.time(ms),
            fmt::ago_in(self.lang, self.now_ms, ms)
        )
    }

    /// A duration in words (`5 min 03 s`) in the page's language.
    fn duration(&self, ms: i64) -> String {
        i18n::duration_words(self.lang, &human_duration(ms)).into_owned()
    }
}

/// This month so far and the whole previous month, for the download links.
pub fn month_periods(today: NaiveDate) -> [(NaiveDate, NaiveDate); 2] {
    let first = today.with_day(1).unwrap_or(today);
    let prev_first = first.checked_sub_months(Months::new(1)).unwrap_or(first);
    let prev_last = first.pred_opt().unwrap_or(first);
    [(first, today), (prev_first, prev_last)]
}

pub fn export_href(from: NaiveDate, to: NaiveDate) -> String {
    format!("/export.csv?from={from}&amp;to={to}")
}

const CSS: &str = "\
body{font:15px/1.4 system-ui,sans-serif;margin:0 auto;max-width:64em;padding:.5em;color:#222}\
nav{margin-bottom:.6em}nav a{margin-right:1em}nav b{margin-right:1em}\
h1{font-size:1.3em;margin:.3em 0}h2{font-size:1.1em;margin:1.2em 0 .3em}\
.v{padding:.6em;border-radius:4px;font-weight:bold}\
.ok{background:#d4edda}.warning{background:#fff3cd}.fault{background:#f8d7da}\
table{border-collapse:collapse;width:100%}\
td,th{padding:.25em .4em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}\
th{background:#f0f0f0}.kv th{width:32%;background:none;font-weight:normal;color:#555}\
.scroll{overflow-x:auto}.nw{white-space:nowrap}.r{text-align:right}\
tr.na{background:#fde8e8}tr.na .out{color:#b00000;font-weight:bold}\
.muted,small{color:#666}.bad{color:#b00000;font-weight:bold}\
.good{color:#0a6b2a;font-weight:bold}.warn{color:#8a5a00;font-weight:bold}\
code{word-break:break-all;font-size:.9em}.calls{font-size:14px}\
.figs{display:flex;flex-wrap:wrap;gap:.5em;margin:.5em 0}\
.fig{border:1px solid #ddd;border-radius:4px;padding:.4em .6em;min-width:9em}\
.fig b{display:block;font-size:1.3em}.chart{max-width:100%;height:auto;margin:.5em 0}\
form.period{margin:.5em 0}form.period input{margin-right:.5em}\
tr.lit{background:#eef3ff;font-weight:bold}\
.led{display:inline-block;width:.75em;height:.75em;border-radius:50%;margin-right:.35em}\
.led.green{background:#1a9e3a}.led.amber{background:#f0a000}.led.red{background:#d00000}\
nav{display:flex;flex-wrap:wrap;align-items:baseline;row-gap:.3em}\
nav .langs{margin-right:1em;white-space:nowrap}nav .langs a,nav .langs b{margin-right:.4em}\
nav .user{display:inline-flex;flex-wrap:wrap;align-items:baseline;gap:0 .5em;max-width:100%;min-width:0}\
nav .user a{margin-right:0}nav .who{max-width:12em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}\
nav form{display:inline;margin:0}nav button{font:inherit;padding:0 .3em}";

/// A live page: it reloads itself every 5 s.
fn page<Tz: TimeZone>(ctx: &Ctx<Tz>, title: &str, current: &str, body: &str) -> String {
    shell(ctx, title, current, body, true)
}

/// The page shell: head, styles, navigation (pages, the language switch, and the user with
/// their account link and log-out button). Reports do not reload (a form may be half filled).
pub(crate) fn shell<Tz: TimeZone>(
    ctx: &Ctx<Tz>,
    title: &str,
    current: &str,
    body: &str,
    refresh: bool,
) -> String {
    let l = ctx.lang;
    let mut h = String::with_capacity(body.len() + 2048);
    w!(
        h,
        "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">{}\
         <title>{}</title><style>{CSS}</style></head><body><nav>",
        l.code(),
        if refresh {
            "<meta http-equiv=\"refresh\" content=\"5\">"
        } else {
            ""
        },
        escape(title)
    );
    for (href, key) in [
        ("/", "nav.status"),
        ("/calls", "nav.calls"),
        ("/reports", "nav.reports"),
        ("/phonebook", "nav.phonebook"),
        ("/wallboard", "nav.wallboard"),
        ("/settings", "nav.settings"),
        ("/api/status", "nav.json"),
    ] {
        let label = t(l, key);
        if href == current {
            w!(h, "<b>{label}</b>");
        } else {
            w!(h, "<a href=\"{href}\">{label}</a>");
        }
    }
    w!(
        h,
        "<span class=\"langs\" role=\"group\" aria-label=\"{}\">",
        t(l, "nav.language")
    );
    for other in Lang::ALL {
        let code = other.code();
        let name = other.native_name();
        if other == l {
            w!(
                h,
                "<b lang=\"{code}\" title=\"{name}\">{}</b>",
                code.to_uppercase()
            );
        } else {
            w!(
                h,
                "<a href=\"{}\" lang=\"{code}\" hreflang=\"{code}\" title=\"{name}\">{}</a>",
                lang_href(&ctx.here, other),
                code.to_uppercase()
            );
        }
    }
    h.push_str("</span>");
    if let Some(u) = &ctx.user {
        // A long user name is cut with an ellipsis (whole in the tooltip), so the nav fits a phone.
        let name = escape(&u.name);
        let account = if current == "/account" {
            format!("<b>{}</b>", t(l, "nav.account"))
        } else {
            format!("<a href=\"/account\">{}</a>", t(l, "nav.account"))
        };
        w!(
            h,
            "<span class=\"user\"><span class=\"who\" title=\"{name}\">{name}</span> {account} \
             <form method=\"post\" action=\"/logout\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
             <button type=\"submit\">{}</button></form></span>",
            escape(&u.csrf),
            t(l, "nav.logout")
        );
    }
    w!(h, "</nav>\n{body}\n</body></html>\n");
    h
}

fn level_class(l: Level) -> &'static str {
    match l {
        Level::Ok => "ok",
        Level::Warning => "warning",
        Level::Fault => "fault",
    }
}

fn level_word(lang: Lang, l: Level) -> &'static str {
    t(
        lang,
        match l {
            Level::Ok => "level.ok",
            Level::Warning => "level.warning",
            Level::Fault => "level.fault",
        },
    )
}

/// What the status page reads from the database.
pub struct DbView {
    pub counts: DbCounts,
    pub rejects: Vec<RejectRow>,
    pub events: Vec<(i64, String, String)>,
}

/// A two-column row; `value` is HTML (callers escape what they put in).
fn kv(h: &mut String, key: &str, value: &str) {
    w!(h, "<tr><th>{key}</th><td>{value}</td></tr>");
}

/// The technician's page: is it capturing, and if not, why.
pub fn status_page<Tz: TimeZone>(
    ctx: &Ctx<Tz>,
    s: &Snapshot,
    v: &Verdict,
    db: &Result<DbView, String>,
    db_path: &str,
) -> String
where
    Tz::Offset: Display,
{
    let l = ctx.lang;
    let n = |x: u64| i18n::int(l, i64::try_from(x).unwrap_or(i64::MAX));
    let ni = |x: i64| i18n::int(l, x);
    // A count with its noun (`21 запись`) where the English template has the noun itself.
    let records = |x: i64| i18n::counted(l, u64::try_from(x).unwrap_or(0), "n.record");
    let lines = |x: i64| i18n::counted(l, u64::try_from(x).unwrap_or(0), "n.line");
    let mut h = String::with_capacity(8192);
    w!(
        h,
        "<h1>{}</h1><div class=\"v {}\">{}: {}</div>",
        t(l, "status.h1"),
        level_class(v.level),
        level_word(l, v.level),
        escape(&report_text(l, &v.summary))
    );
    if v.findings.len() > 1 {
        h.push_str("<ul>");
        for f in &v.findings {
            w!(
                h,
                "<li class=\"{}\">{}: {}</li>",
                level_class(f.level),
                level_word(l, f.level),
                escape(&report_text(l, &f.message))
            );
        }
        h.push_str("</ul>");
    }

    w!(h, "<h2>{}</h2><table class=\"kv\">", t(l, "status.capture"));
    let (link_class, link_word) = match s.link {
        LinkState::Up => ("good", "link.up"),
        LinkState::Down => ("bad", "link.down"),
        LinkState::Connecting => ("warn", "link.connecting"),
    };
    kv(
        &mut h,
        t(l, "status.link"),
        &format!(
            "<span class=\"{link_class}\">{}</span>: {}<br><small>{}</small>",
            t(l, link_word),
            escape(&report_text(l, &s.link_reason)),
            tf(
                l,
                "status.link_since",
                &[
                    &ctx.time(s.link_since_ms),
                    &ctx.duration(ctx.now_ms - s.link_since_ms),
                    &s.link_downs
                ]
            )
        ),
    );
    kv(
        &mut h,
        t(l, "status.port"),
        &format!("{} &nbsp; {}", escape(&s.port), escape(&s.settings)),
    );
    if let Some(a) = &s.autobaud {
        kv(
            &mut h,
            t(l, "status.speed"),
            &format!(
                "{}<br><small>{}</small>",
                escape(&report_text(l, &a.summary())),
                tf(
                    l,
                    "status.autobaud_counts",
                    &[&n(a.discarded_bytes), &n(a.errors_since_lock)]
                )
            ),
        );
    }
    kv(&mut h, t(l, "status.dialect"), &dialect_line(l, s));
    kv(
        &mut h,
        t(l, "status.last_line"),
        &match s.last_line_ms {
            Some(x) => ctx.time_ago(x),
            None => t(l, "status.none_since_start").into(),
        },
    );
    h.push_str("</table>");

    w!(h, "<h2>{}</h2><table class=\"kv\">", t(l, "status.records"));
    match db {
        Ok(d) => {
            let c = &d.counts;
            kv(
                &mut h,
                t(l, "status.today"),
                &tf(
                    l,
                    "status.today_counts",
                    &[&records(c.records_today), &lines(c.lines_today)],
                ),
            );
            kv(
                &mut h,
                t(l, "status.in_all"),
                &tf(
                    l,
                    "status.all_counts",
                    &[
                        &records(c.records),
                        &lines(c.lines),
                        &ni(c.headers),
                        &ni(c.rejects),
                    ],
                ),
            );
            kv(
                &mut h,
                t(l, "status.last_record"),
                &match c.last_record_received_ms {
                    Some(x) => ctx.time_ago(x),
                    None => t(l, "status.none_yet").into(),
                },
            );
        }
        Err(e) => kv(
            &mut h,
            t(l, "status.database"),
            &format!(
                "<span class=\"bad\">{}</span>",
                tf(l, "status.unavailable", &[&escape(e)])
            ),
        ),
    }
    kv(
        &mut h,
        t(l, "status.since_start"),
        &tf(
            l,
            "status.start_counts",
            &[
                &records(i64::try_from(s.records).unwrap_or(i64::MAX)),
                &n(s.headers),
                &n(s.rejects),
            ],
        ),
    );
    h.push_str("</table>");

    if let Ok(d) = db {
        w!(
            h,
            "<h2>{}</h2><p>{}",
            t(l, "status.rejects_h"),
            tf(l, "status.rejects_total", &[&ni(d.counts.rejects)])
        );
        // The raw lines are what a bug report needs, whether or not any were rejected.
        h.push_str(&tf(
            l,
            "status.capture_links",
            &[&crate::capture::DEFAULT_LAST, &ctx.today()],
        ));
        if d.rejects.is_empty() {
            h.push_str("</p>");
        } else {
            w!(
                h,
                "{}</p><div class=\"scroll\"><table><tr><th>{}</th>\
                 <th>{}</th><th>{}</th></tr>",
                tf(l, "status.latest_n", &[&d.rejects.len()]),
                t(l, "status.received"),
                t(l, "status.reason"),
                t(l, "status.line")
            );
            for r in &d.rejects {
                w!(
                    h,
                    "<tr><td class=\"nw\">{}</td><td>{}</td><td><code>{}</code></td></tr>",
                    ctx.time(r.received_ms),
                    escape(&r.reason),
                    escape(&r.line)
                );
            }
            h.push_str("</table></div>");
        }
    }

    w!(h, "<h2>{}</h2><table class=\"kv\">", t(l, "status.box"));
    let ring = &s.ring;
    kv(
        &mut h,
        t(l, "status.buffer"),
        &tf(
            l,
            "status.buffer_use",
            &[
                &n(ring.len as u64),
                &n(ring.capacity as u64),
                &n(ring.high_water as u64),
            ],
        ),
    );
    kv(
        &mut h,
        t(l, "status.lost_lines"),
        &if ring.overflow_lines > 0 {
            format!("<span class=\"bad\">{}</span>", n(ring.overflow_lines))
        } else {
            "0".into()
        },
    );
    let fc = &s.framer;
    kv(
        &mut h,
        t(l, "status.serial_input"),
        &tf(
            l,
            "status.serial_counts",
            &[
                &n(fc.bytes_in),
                &n(fc.lines),
                &fmt::share_in(l, fc.garbage_bytes, fc.bytes_in),
                &n(fc.overlong_lines),
            ],
        ),
    );
    let size = match db {
        Ok(d) => tf(
            l,
            "status.db_size",
            &[&fmt::bytes_in(l, d.counts.size_bytes), &d.counts.last_seq],
        ),
        Err(_) => t(l, "status.unknown").into(),
    };
    kv(
        &mut h,
        t(l, "status.database"),
        &format!("{} <small>{}</small>", size, escape(db_path)),
    );
    kv(
        &mut h,
        t(l, "status.last_commit"),
        &match s.last_commit_ms {
            Some(x) => tf(
                l,
                "status.commit_counts",
                &[&ctx.time_ago(x), &n(s.commits), &s.committed_seq],
            ),
            None => t(l, "status.none_since_start").into(),
        },
    );
    if let Some(e) = &s.store_error {
        kv(
            &mut h,
            t(l, "status.storage_error"),
            &format!("<span class=\"bad\">{}</span>", escape(e)),
        );
    }
    kv(
        &mut h,
        t(l, "status.uptime"),
        &tf(
            l,
            "status.started",
            &[
                &ctx.duration(ctx.now_ms - s.started_ms),
                &ctx.time(s.started_ms),
            ],
        ),
    );
    kv(&mut h, t(l, "status.version"), &escape(&s.version));
    kv(&mut h, t(l, "status.box_time"), &ctx.time(ctx.now_ms));
    h.push_str("</table>");
    leds_section(l, &mut h, s.leds.as_ref());
    crate::alerts::page::section(&mut h, s.alerts.as_ref(), &|ms| ctx.time(ms));

    if let Ok(d) = db {
        if !d.events.is_empty() {
            w!(
                h,
                "<h2>{}</h2><div class=\"scroll\"><table>\
                 <tr><th>{}</th><th>{}</th><th>{}</th></tr>",
                t(l, "status.events_h"),
                t(l, "status.when"),
                t(l, "status.event"),
                t(l, "status.detail")
            );
            for (at, kind, detail) in &d.events {
                w!(
                    h,
                    "<tr><td class=\"nw\">{}</td><td>{}</td><td>{}</td></tr>",
                    ctx.time(*at),
                    escape(kind),
                    escape(detail)
                );
            }
            h.push_str("</table></div>");
        }
    }
    page(
        ctx,
        &tf(l, "status.title", &[&level_word(l, v.level)]),
        "/",
        &h,
    )
}

/// What the LEDs show now, how they are driven, and the table of the case label with the
/// rows shown now marked.
fn leds_section(l: Lang, h: &mut String, shown: Option<&LedsShown>) {
    let led_word = |led: leds::Led| {
        t(
            l,
            match led.as_str() {
                "green" => "led.green",
                "amber" => "led.amber",
                _ => "led.red",
            },
        )
    };
    w!(h, "<h2>{}</h2>", t(l, "leds.h"));
    match shown {
        Some(s) => {
            w!(h, "<p>{}", t(l, "leds.now"));
            for (i, x) in s.lights.iter().enumerate() {
                w!(
                    h,
                    "{}<span class=\"led {}\"></span>{} {}",
                    if i > 0 { "; " } else { "" },
                    x.led.as_str(),
                    led_word(x.led),
                    escape(&report_text(l, &x.pattern))
                );
            }
            h.push_str(".<br><small>");
            if s.lights.iter().all(|x| x.device.is_none()) {
                h.push_str(&tf(l, "leds.none_driven", &[&escape(&s.backend)]));
            } else {
                h.push_str(&tf(l, "leds.driven", &[&escape(&s.backend)]));
                for x in &s.lights {
                    let device = x.device.as_deref().unwrap_or(t(l, "leds.not_fitted"));
                    w!(h, " {} <code>{}</code>", led_word(x.led), escape(device));
                    if let Some(e) = &x.error {
                        w!(
                            h,
                            " <span class=\"bad\">{}</span>",
                            tf(l, "leds.fails", &[&escape(e)])
                        );
                    }
                    h.push(';');
                }
                h.pop();
                h.push('.');
            }
            h.push_str("</small></p>");
        }
        None => w!(h, "<p>{}</p>", t(l, "leds.not_driven")),
    }
    w!(
        h,
        "<div class=\"scroll\"><table><tr><th>{}</th><th>{}</th><th>{}</th></tr>",
        t(l, "leds.led"),
        t(l, "leds.pattern"),
        t(l, "leds.meaning")
    );
    for r in &leds::TABLE {
        let lit = shown.is_some_and(|s| s.lights.iter().any(|x| x.state == Some(r.state)));
        w!(
            h,
            "<tr{}><td class=\"nw\"><span class=\"led {}\"></span>{}</td><td>{}</td><td>{}{}</td></tr>",
            if lit { " class=\"lit\"" } else { "" },
            r.led.as_str(),
            led_word(r.led),
            escape(&report_text(l, &r.pattern.words())),
            escape(&report_text(l, r.meaning)),
            if lit {
                format!(" <small>({})</small>", t(l, "leds.now_mark"))
            } else {
                String::new()
            }
        );
    }
    w!(
        h,
        "</table></div><p><small>{}</small></p>",
        t(l, "leds.footer")
    );
}

/// The time column's heading key, and whether each cell must say end/start itself (only when
/// the rows disagree, e.g. after a dialect change).
fn time_heading(calls: &[CallRow]) -> (&'static str, bool) {
    let all = |what: &str| calls.iter().all(|c| c.time_is == what);
    if all("end") {
        ("calls.ended", false)
    } else if all("start") {
        ("calls.started", false)
    } else {
        ("calls.time", true)
    }
}

/// The PBX's `YYYY-MM-DD` date in the page's language (anything else as printed).
fn call_date(l: Lang, d: &str) -> String {
    match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
        Ok(date) if d.len() == 10 => i18n::date(l, date),
        _ => escape(d),
    }
}

/// The latest calls, newest first, for a quick look (the CSV is for everything else).
/// The latest calls; `book` names and tags the outside numbers it knows (an empty book adds
/// nothing).
pub fn calls_page<Tz: TimeZone>(
    ctx: &Ctx<Tz>,
    calls: &Result<Vec<CallRow>, String>,
    book: &crate::phonebook::Book,
) -> String
where
    Tz::Offset: Display,
{
    let l = ctx.lang;
    let title = t(l, "calls.title");
    let mut h = String::with_capacity(32 * 1024);
    let [this, prev] = month_periods(ctx.today());
    w!(
        h,
        "<h1>{}</h1><p>{}</p>",
        t(l, "calls.h1"),
        tf(
            l,
            "calls.download",
            &[&export_href(this.0, this.1), &export_href(prev.0, prev.1)]
        )
    );
    let calls = match calls {
        Ok(c) => c,
        Err(e) => {
            w!(
                h,
                "<p class=\"bad\">{}</p>",
                tf(l, "calls.db_error", &[&escape(e)])
            );
            return page(ctx, title, "/calls", &h);
        }
    };
    if calls.is_empty() {
        w!(h, "<p>{}</p>", t(l, "calls.none"));
        return page(ctx, title, "/calls", &h);
    }
    let (time_head, per_cell) = time_heading(calls);
    w!(
        h,
        "<p><small>{}</small></p><div class=\"scroll\"><table class=\"calls\"><tr><th>{}</th>\
         <th>{}</th><th>{}</th><th>{}</th><th>{}</th>\
         <th class=\"r\">{}</th><th class=\"r\">{}</th><th>{}</th><th class=\"r\">{}</th>\
         </tr>",
        tf(l, "calls.intro", &[&calls.len()]),
        t(l, time_head),
        t(l, "calls.dir"),
        t(l, "calls.who"),
        t(l, "calls.ext"),
        t(l, "calls.outcome"),
        t(l, "calls.talk"),
        t(l, "calls.ring"),
        t(l, "calls.line"),
        t(l, "calls.cost")
    );
    for c in calls {
        let (outcome, alert) = fmt::outcome_in(l, c.unanswered, c.transferred, c.forwarded);
        let mut who = escape(&c.number);
        if let Some(name) = c.caller_name.as_deref().filter(|n| !n.is_empty()) {
            if !who.is_empty() {
                who.push_str("<br>");
            }
            w!(who, "<small>{}</small>", escape(name));
        }
        if !book.is_empty() {
            let (name, tag) = book.name_tag(Some(&c.number));
            if name.is_some() || tag.is_some() {
                who.push_str("<br><span class=\"pb\">");
                if let Some(n) = name {
                    w!(who, "<b>{}</b>", escape(n));
                }
                if let Some(tg) = tag {
                    w!(
                        who,
                        "{}<small class=\"tag\" data-tag=\"{}\">{}</small>",
                        if name.is_some() { " " } else { "" },
                        tg.key(),
                        super::phonebook::tag_label(l, Some(tg))
                    );
                }
                who.push_str("</span>");
            }
        }
        if who.is_empty() && c.direction == "incoming" {
            w!(who, "<span class=\"muted\">{}</span>", t(l, "calls.no_cli"));
        }
        // Date and time in one narrow cell, so number and outcome fit on a phone screen.
        let mut when = call_date(l, c.call_date.as_deref().unwrap_or(""));
        if let Some(x) = &c.call_time {
            w!(when, "<br>{}", escape(x));
            if per_cell {
                let is = match c.time_is.as_str() {
                    "end" => t(l, "calls.end").to_string(),
                    "start" => t(l, "calls.start").to_string(),
                    other => escape(other),
                };
                w!(when, " <small>{is}</small>");
            }
        }
        let cost = match (&c.cost, &c.currency) {
            (Some(a), Some(cur)) if !cur.is_empty() => format!("{} {}", escape(a), escape(cur)),
            (Some(a), _) => escape(a),
            (None, _) => String::new(),
        };
        w!(
            h,
            "<tr{}><td class=\"nw\">{}</td><td class=\"nw\">{}</td><td>{}</td><td>{}</td>\
             <td class=\"out\">{}</td><td class=\"r\">{}</td><td class=\"r nw\">{}</td>\
             <td>{}</td><td class=\"r nw\">{}</td></tr>",
            if alert { " class=\"na\"" } else { "" },
            when,
            fmt::direction_in(l, &c.direction),
            who,
            escape(&c.extension),
            outcome,
            c.duration_secs.map(fmt::mss).unwrap_or_default(),
            c.ring_secs
                .map(|s| tf(l, "calls.ring_secs", &[&s]))
                .unwrap_or_default(),
            escape(c.trunk.as_deref().unwrap_or("")),
            cost
        );
    }
    h.push_str("</table></div>");
    page(ctx, title, "/calls", &h)
}

/// The dialect, and with `dialect = "auto"` what was recognised and how surely.
fn dialect_line(l: Lang, s: &Snapshot) -> String {
    let Some(d) = &s.detection else {
        return escape(&s.dialect);
    };
    match (d.chosen, d.leader) {
        (Some(name), _) => tf(
            l,
            "dialect.recognised",
            &[
                &escape(name),
                &d.confidence_pct,
                &d.lines_seen
                    .min(crate::core::dialect::detect::WINDOW as u64),
                &escape(name),
                &if d.switches > 0 {
                    tf(l, "dialect.changed", &[&d.switches])
                } else {
                    String::new()
                },
            ],
        ),
        (None, Some((name, n))) => tf(l, "dialect.closest", &[&d.lines_seen, &escape(name), &n]),
        (None, None) => tf(l, "dialect.none", &[&d.lines_seen]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn months() {
        assert_eq!(
            month_periods(d("2024-03-15")),
            [
                (d("2024-03-01"), d("2024-03-15")),
                (d("2024-02-01"), d("2024-02-29"))
            ]
        );
        assert_eq!(
            month_periods(d("2024-01-01")),
            [
                (d("2024-01-01"), d("2024-01-01")),
                (d("2023-12-01"), d("2023-12-31"))
            ]
        );
        assert_eq!(
            export_href(d("2024-01-01"), d("2024-01-31")),
            "/export.csv?from=2024-01-01&amp;to=2024-01-31"
        );
    }

    #[test]
    fn today_starts_at_local_midnight() {
        // 2024-05-01 23:30:00 UTC = 2024-05-02 01:30 at +02:00
        let ctx = Ctx::new(1_714_606_200_000, FixedOffset::east_opt(2 * 3600).unwrap());
        assert_eq!(ctx.today(), d("2024-05-02"));
        // 2024-05-02 00:00 +02:00 = 2024-05-01 22:00 UTC
        assert_eq!(ctx.today_start_ms(), 1_714_600_800_000);
    }

    fn call(time_is: &str) -> CallRow {
        CallRow {
            seq: 1,
            received_ms: 0,
            source: "s".into(),
            dialect: "panasonic".into(),
            layout: "B".into(),
            call_date: Some("2024-05-01".into()),
            call_time: Some("09:05".into()),
            time_is: time_is.into(),
            direction: "incoming".into(),
            extension: "101".into(),
            trunk: None,
            number: String::new(),
            caller_name: Some("<b>Eve</b>".into()),
            ddi: None,
            ring_secs: Some(3),
            duration_secs: Some(65),
            cost: None,
            currency: None,
            account_code: None,
            condition: None,
            unanswered: false,
            transferred: false,
            forwarded: false,
            warnings: None,
            call_id: None,
            continued: false,
            hold_secs: None,
            park_secs: None,
            extension_name: None,
        }
    }

    #[test]
    fn leds_section_marks_the_rows_shown_and_names_failing_leds() {
        use crate::core::leds::{Led, Light, State};
        let mut h = String::new();
        let shown = LedsShown {
            backend: "sysfs".into(),
            lights: vec![
                Light::new(
                    Led::Green,
                    Some(State::Receiving),
                    Some("/sys/class/leds/smdrbox:green:status".into()),
                    None,
                ),
                Light::new(Led::Amber, None, None, None),
                Light::new(
                    Led::Red,
                    Some(State::LinesLost),
                    Some("/sys/class/leds/r".into()),
                    Some("/sys/class/leds/r/brightness: <Read-only>".into()),
                ),
            ],
        };
        leds_section(Lang::En, &mut h, Some(&shown));
        assert!(
            h.contains("Now: <span class=\"led green\"></span>green blinks 2 times a second; "),
            "{h}"
        );
        assert!(h.contains("amber off; "), "{h}");
        assert!(
            h.contains("Driven through sysfs: green <code>/sys/class/leds/smdrbox:green:status</code>; amber <code>not fitted</code>; red <code>/sys/class/leds/r</code> <span class=\"bad\">fails: /sys/class/leds/r/brightness: &lt;Read-only&gt;</span>."),
            "{h}"
        );
        // Every row of the table, the two shown marked.
        assert_eq!(
            h.matches("<tr><td").count() + h.matches("<tr class=\"lit\">").count(),
            leds::TABLE.len()
        );
        let lit: Vec<&str> = h
            .split("<tr class=\"lit\">")
            .skip(1)
            .map(|r| r.split("</tr>").next().unwrap_or(""))
            .collect();
        assert_eq!(lit.len(), 2, "{h}");
        assert!(
            lit[0].contains(State::Receiving.row().meaning),
            "{}",
            lit[0]
        );
        assert!(
            lit[1].contains(State::LinesLost.row().meaning),
            "{}",
            lit[1]
        );

        let mut h = String::new();
        let none = LedsShown {
            backend: "none".into(),
            lights: vec![Light::new(Led::Green, Some(State::Waiting), None, None)],
        };
        leds_section(Lang::En, &mut h, Some(&none));
        assert!(
            h.contains("No LEDs are driven ([leds] backend = \"none\")"),
            "{h}"
        );
        assert_eq!(h.matches("class=\"lit\"").count(), 1);

        let mut h = String::new();
        leds_section(Lang::En, &mut h, None);
        assert!(h.contains("not driven by this process"), "{h}");
        assert!(!h.contains("class=\"lit\""), "{h}");
    }

    #[test]
    fn shell_has_the_language_switch_and_the_user() {
        let mut ctx = Ctx::new(0, FixedOffset::east_opt(0).unwrap()).with_lang(
            Lang::Ru,
            "/reports/lost?from=2024-05-01&lang=uk&to=2024-05-31",
        );
        assert_eq!(ctx.here, "/reports/lost?from=2024-05-01&to=2024-05-31");
        let html = shell(&ctx, "t", "/reports", "<p>body</p>", false);
        assert!(
            html.starts_with("<!doctype html>\n<html lang=\"ru\">"),
            "{html}"
        );
        assert!(html.contains("<b>Отчёты</b>"), "{html}");
        assert!(html.contains(
            "<a href=\"/reports/lost?from=2024-05-01&amp;to=2024-05-31&amp;lang=uk\" lang=\"uk\""
        ));
        assert!(
            html.contains("<b lang=\"ru\" title=\"Русский\">RU</b>"),
            "{html}"
        );
        assert!(!html.contains("/logout"), "no user, no log-out button");
        ctx.user = Some(PageUser {
            name: "<anna>".into(),
            admin: false,
            csrf: "tok\"en".into(),
        });
        let html = shell(&ctx, "t", "/", "", true);
        assert!(
            html.contains(
                "<a href=\"/phonebook\">Справочник</a><a href=\"/wallboard\">Табло</a><a href=\"/settings\">Настройки</a>"
            ),
            "the nav: {html}"
        );
        assert!(
            html.contains(
                "<span class=\"who\" title=\"&lt;anna&gt;\">&lt;anna&gt;</span> \
                 <a href=\"/account\">Учётная запись</a>"
            ),
            "{html}"
        );
        assert!(
            html.contains(
                "<form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" \
             value=\"tok&quot;en\"><button type=\"submit\">Выйти</button></form>"
            ),
            "{html}"
        );
        // A page without a query gets `?lang=`.
        let ctx = Ctx::new(0, chrono::Utc).with_lang(Lang::En, "/calls?lang=ru");
        assert!(shell(&ctx, "t", "/calls", "", false).contains("href=\"/calls?lang=uk\""));
    }

    #[test]
    fn status_page_in_ukrainian() {
        let ctx =
            Ctx::new(1_714_557_600_000, FixedOffset::east_opt(0).unwrap()).with_lang(Lang::Uk, "/");
        let s = Snapshot {
            link: LinkState::Up,
            started_ms: 1_714_557_600_000 - 3_725_000,
            records: 21,
            ..Snapshot::default()
        };
        let v = crate::core::health::judge(&s, ctx.now_ms);
        let html = status_page(&ctx, &s, &v, &Err("gone".into()), "/x.db");
        assert!(html.contains("<h1>Стан smdrbox</h1>"), "{html}");
        assert!(html.contains("21 запис,"), "{html}");
        assert!(html.contains("1\u{a0}год 02\u{a0}хв"), "uptime: {html}");
        assert!(html.contains("недоступна: gone"), "{html}");
        assert!(html.contains("01.05.2024 08:57:55"), "started: {html}");
    }

    #[test]
    fn calls_table() {
        assert_eq!(
            time_heading(&[call("end"), call("end")]),
            ("calls.ended", false)
        );
        assert_eq!(time_heading(&[call("start")]), ("calls.started", false));
        assert_eq!(
            time_heading(&[call("end"), call("start")]),
            ("calls.time", true)
        );
        let ctx = Ctx::new(1_714_557_600_000, FixedOffset::east_opt(0).unwrap());
        let html = calls_page(
            &ctx,
            &Ok(vec![call("end")]),
            &crate::phonebook::Book::new(vec![]),
        );
        assert!(
            html.contains("<small>&lt;b&gt;Eve&lt;/b&gt;</small>"),
            "{html}"
        );
        assert!(html.contains("<td class=\"r\">1:05</td>"), "{html}");
        assert!(html.contains("/export.csv?from=2024-05-01&amp;to=2024-05-01"));
        let html = calls_page(
            &ctx,
            &Err("disk <gone>".into()),
            &crate::phonebook::Book::new(vec![]),
        );
        assert!(html.contains("cannot be read: disk &lt;gone&gt;"));
    }

    #[test]
    fn calls_show_the_phonebook_name_and_tag_in_the_language() {
        use crate::phonebook::{Book, Entry, Tag};
        let ctx = Ctx::new(1_714_557_600_000, FixedOffset::east_opt(0).unwrap())
            .with_lang(Lang::Uk, "/calls");
        let mut known = call("end");
        known.number = "+49 30 1234567".into();
        let mut stranger = call("end");
        stranger.number = "0999".into();
        let book = Book::new(vec![Entry {
            number: "030 1234567".into(),
            name: "Acme <GmbH>".into(),
            tag: Some(Tag::Customer),
            note: String::new(),
        }]);
        let html = calls_page(&ctx, &Ok(vec![known.clone(), stranger.clone()]), &book);
        assert!(
            html.contains("<b>Acme &lt;GmbH&gt;</b> <small class=\"tag\" data-tag=\"customer\">клієнт</small>"),
            "{html}"
        );
        assert_eq!(
            html.matches("class=\"pb\"").count(),
            1,
            "only the known number: {html}"
        );
        // An empty book adds nothing.
        let html = calls_page(&ctx, &Ok(vec![known, stranger]), &Book::new(vec![]));
        assert!(!html.contains("class=\"pb\""), "{html}");
    }
}
