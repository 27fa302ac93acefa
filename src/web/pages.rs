//! The HTML pages. Plain server-rendered HTML with one small inline stylesheet: the box has no
//! internet (no external assets) and the pages must work on a technician's phone without
//! JavaScript. Every value from the PBX or the database goes through [`escape`].

use super::fmt::{self, escape};
use crate::core::health::{human_duration, Level, LinkState, Snapshot, Verdict};
use crate::core::leds::{self, LedsShown};
use crate::store::read::{CallRow, DbCounts, RejectRow};
use chrono::{Datelike, Months, NaiveDate, TimeZone, Timelike};
use std::fmt::{Display, Write};

/// `write!` into a `String` cannot fail; this keeps the pages free of `let _ =`.
macro_rules! w {
    ($dst:expr, $($arg:tt)*) => {{
        let _ = write!($dst, $($arg)*);
    }};
}

/// The clock and time zone a page is rendered with (the server passes `Local` and now), and
/// who is looking.
pub struct Ctx<Tz: TimeZone> {
    pub now_ms: i64,
    pub tz: Tz,
    /// The logged-in user; None on the pages anyone may see.
    pub user: Option<PageUser>,
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
        }
    }
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
        fmt::local_time(ms, &self.tz)
    }

    /// `2024-05-01 11:00:00 (42 s ago)`.
    fn time_ago(&self, ms: i64) -> String {
        format!("{} ({})", self.time(ms), fmt::ago(self.now_ms, ms))
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
.led.green{background:#1a9e3a}.led.amber{background:#f0a000}.led.red{background:#d00000}";

/// A live page: it reloads itself every 5 s.
fn page(title: &str, current: &str, body: &str) -> String {
    page_with(title, current, body, true)
}

/// The page shell: head, styles, navigation. Reports do not reload (a form may be half filled).
pub(crate) fn page_with(title: &str, current: &str, body: &str, refresh: bool) -> String {
    let mut h = String::with_capacity(body.len() + 1024);
    w!(
        h,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">{}\
         <title>{}</title><style>{CSS}</style></head><body><nav>",
        if refresh {
            "<meta http-equiv=\"refresh\" content=\"5\">"
        } else {
            ""
        },
        escape(title)
    );
    for (href, label) in [
        ("/", "Status"),
        ("/calls", "Calls"),
        ("/reports", "Reports"),
        ("/api/status", "JSON"),
    ] {
        if href == current {
            w!(h, "<b>{label}</b>");
        } else {
            w!(h, "<a href=\"{href}\">{label}</a>");
        }
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

fn level_word(l: Level) -> &'static str {
    match l {
        Level::Ok => "OK",
        Level::Warning => "WARNING",
        Level::Fault => "FAULT",
    }
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
    let mut h = String::with_capacity(8192);
    w!(
        h,
        "<h1>smdrbox status</h1><div class=\"v {}\">{}: {}</div>",
        level_class(v.level),
        level_word(v.level),
        escape(&v.summary)
    );
    if v.findings.len() > 1 {
        h.push_str("<ul>");
        for f in &v.findings {
            w!(
                h,
                "<li class=\"{}\">{}: {}</li>",
                level_class(f.level),
                level_word(f.level),
                escape(&f.message)
            );
        }
        h.push_str("</ul>");
    }

    h.push_str("<h2>Capture</h2><table class=\"kv\">");
    let link_class = match s.link {
        LinkState::Up => "good",
        LinkState::Down => "bad",
        LinkState::Connecting => "warn",
    };
    kv(
        &mut h,
        "Link",
        &format!(
            "<span class=\"{link_class}\">{}</span>: {}<br><small>since {} (for {}); \
             lost {} times since start</small>",
            s.link.as_str(),
            escape(&s.link_reason),
            ctx.time(s.link_since_ms),
            human_duration(ctx.now_ms - s.link_since_ms),
            s.link_downs
        ),
    );
    kv(
        &mut h,
        "Port",
        &format!("{} &nbsp; {}", escape(&s.port), escape(&s.settings)),
    );
    if let Some(a) = &s.autobaud {
        kv(
            &mut h,
            "Speed and framing",
            &format!(
                "{}<br><small>{} bytes discarded while hunting; {} line errors since the \
                 lock</small>",
                escape(&a.summary()),
                a.discarded_bytes,
                a.errors_since_lock
            ),
        );
    }
    kv(&mut h, "Dialect", &dialect_line(s));
    kv(
        &mut h,
        "Last line received",
        &match s.last_line_ms {
            Some(t) => ctx.time_ago(t),
            None => "none since start".into(),
        },
    );
    h.push_str("</table>");

    h.push_str("<h2>Records</h2><table class=\"kv\">");
    match db {
        Ok(d) => {
            let c = &d.counts;
            kv(
                &mut h,
                "Today",
                &format!(
                    "{} records <small>({} lines)</small>",
                    c.records_today, c.lines_today
                ),
            );
            kv(
                &mut h,
                "In all",
                &format!(
                    "{} records <small>({} lines: {} headers, {} rejects)</small>",
                    c.records, c.lines, c.headers, c.rejects
                ),
            );
            kv(
                &mut h,
                "Last record",
                &match c.last_record_received_ms {
                    Some(t) => ctx.time_ago(t),
                    None => "none yet".into(),
                },
            );
        }
        Err(e) => kv(
            &mut h,
            "Database",
            &format!("<span class=\"bad\">unavailable: {}</span>", escape(e)),
        ),
    }
    kv(
        &mut h,
        "Since start",
        &format!(
            "{} records, {} headers, {} rejects",
            s.records, s.headers, s.rejects
        ),
    );
    h.push_str("</table>");

    if let Ok(d) = db {
        w!(
            h,
            "<h2>Lines that could not be read</h2><p>{} in all (kept raw in the database).",
            d.counts.rejects
        );
        // The raw lines are what a bug report needs, whether or not any were rejected.
        w!(
            h,
            " Download the lines for a bug report: <a href=\"/capture.log\">the last {} \
             lines</a>, <a href=\"/capture.log?rejects=1\">the rejects only</a>, \
             <a href=\"/capture.log?from={}\">today's lines</a> (they contain callers' phone \
             numbers).",
            crate::capture::DEFAULT_LAST,
            ctx.today()
        );
        if d.rejects.is_empty() {
            h.push_str("</p>");
        } else {
            w!(
                h,
                " The {} latest:</p><div class=\"scroll\"><table><tr><th>Received</th>\
                 <th>Reason</th><th>Line</th></tr>",
                d.rejects.len()
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

    h.push_str("<h2>Box</h2><table class=\"kv\">");
    let ring = &s.ring;
    kv(
        &mut h,
        "Buffer",
        &format!(
            "{} of {} lines in use, high water {}",
            ring.len, ring.capacity, ring.high_water
        ),
    );
    kv(
        &mut h,
        "Lines lost (buffer full)",
        &if ring.overflow_lines > 0 {
            format!("<span class=\"bad\">{}</span>", ring.overflow_lines)
        } else {
            "0".into()
        },
    );
    let fc = &s.framer;
    kv(
        &mut h,
        "Serial input",
        &format!(
            "{} bytes, {} lines; garbage bytes: {}; overlong lines cut: {}",
            fc.bytes_in,
            fc.lines,
            fmt::share(fc.garbage_bytes, fc.bytes_in),
            fc.overlong_lines
        ),
    );
    let size = match db {
        Ok(d) => format!(
            "{}, last line #{}",
            fmt::bytes(d.counts.size_bytes),
            d.counts.last_seq
        ),
        Err(_) => "unknown".into(),
    };
    kv(
        &mut h,
        "Database",
        &format!("{} <small>{}</small>", size, escape(db_path)),
    );
    kv(
        &mut h,
        "Last commit",
        &match s.last_commit_ms {
            Some(t) => format!(
                "{}; {} commits since start, line #{}",
                ctx.time_ago(t),
                s.commits,
                s.committed_seq
            ),
            None => "none since start".into(),
        },
    );
    if let Some(e) = &s.store_error {
        kv(
            &mut h,
            "Storage error",
            &format!("<span class=\"bad\">{}</span>", escape(e)),
        );
    }
    kv(
        &mut h,
        "Uptime",
        &format!(
            "{} <small>(started {})</small>",
            human_duration(ctx.now_ms - s.started_ms),
            ctx.time(s.started_ms)
        ),
    );
    kv(&mut h, "Version", &escape(&s.version));
    kv(&mut h, "Box time", &ctx.time(ctx.now_ms));
    h.push_str("</table>");
    leds_section(&mut h, s.leds.as_ref());

    if let Ok(d) = db {
        if !d.events.is_empty() {
            h.push_str(
                "<h2>Latest events</h2><div class=\"scroll\"><table>\
                 <tr><th>When</th><th>Event</th><th>Detail</th></tr>",
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
    page(&format!("smdrbox: {}", level_word(v.level)), "/", &h)
}

/// What the LEDs show now, how they are driven, and the table of the case label with the
/// rows shown now marked.
fn leds_section(h: &mut String, shown: Option<&LedsShown>) {
    h.push_str("<h2>Status LEDs</h2>");
    match shown {
        Some(s) => {
            h.push_str("<p>Now: ");
            for (i, l) in s.lights.iter().enumerate() {
                w!(
                    h,
                    "{}<span class=\"led {}\"></span>{} {}",
                    if i > 0 { "; " } else { "" },
                    l.led.as_str(),
                    l.led.as_str(),
                    escape(&l.pattern)
                );
            }
            h.push_str(".<br><small>");
            if s.lights.iter().all(|l| l.device.is_none()) {
                w!(
                    h,
                    "No LEDs are driven ([leds] backend = \"{}\"); the table shows what they \
                     would show.",
                    escape(&s.backend)
                );
            } else {
                w!(h, "Driven through {}:", escape(&s.backend));
                for l in &s.lights {
                    let device = l.device.as_deref().unwrap_or("not fitted");
                    w!(h, " {} <code>{}</code>", l.led.as_str(), escape(device));
                    if let Some(e) = &l.error {
                        w!(h, " <span class=\"bad\">fails: {}</span>", escape(e));
                    }
                    h.push(';');
                }
                h.pop();
                h.push('.');
            }
            h.push_str("</small></p>");
        }
        None => h.push_str("<p>The LEDs are not driven by this process.</p>"),
    }
    h.push_str(
        "<div class=\"scroll\"><table><tr><th>LED</th><th>Pattern</th><th>Meaning</th></tr>",
    );
    for r in &leds::TABLE {
        let lit = shown.is_some_and(|s| s.lights.iter().any(|l| l.state == Some(r.state)));
        w!(
            h,
            "<tr{}><td class=\"nw\"><span class=\"led {}\"></span>{}</td><td>{}</td><td>{}{}</td></tr>",
            if lit { " class=\"lit\"" } else { "" },
            r.led.as_str(),
            r.led.as_str(),
            escape(&r.pattern.words()),
            escape(r.meaning),
            if lit { " <small>(now)</small>" } else { "" }
        );
    }
    h.push_str(
        "</table></div><p><small>Amber and red off: all well. All off: no power, or not \
         started (see <code>journalctl -u smdrbox</code>).</small></p>",
    );
}

/// The time column's heading, and whether each cell must say end/start itself (only when
/// the rows disagree, e.g. after a dialect change).
fn time_heading(calls: &[CallRow]) -> (&'static str, bool) {
    let all = |what: &str| calls.iter().all(|c| c.time_is == what);
    if all("end") {
        ("Ended", false)
    } else if all("start") {
        ("Started", false)
    } else {
        ("Time", true)
    }
}

/// The latest calls, newest first, for a quick look (the CSV is for everything else).
pub fn calls_page<Tz: TimeZone>(ctx: &Ctx<Tz>, calls: &Result<Vec<CallRow>, String>) -> String
where
    Tz::Offset: Display,
{
    let mut h = String::with_capacity(32 * 1024);
    let [this, prev] = month_periods(ctx.today());
    w!(
        h,
        "<h1>Latest calls</h1><p>Download as CSV: <a href=\"{}\">this month</a> \
         &middot; <a href=\"{}\">last month</a></p>",
        export_href(this.0, this.1),
        export_href(prev.0, prev.1)
    );
    let calls = match calls {
        Ok(c) => c,
        Err(e) => {
            w!(
                h,
                "<p class=\"bad\">The database cannot be read: {}</p>",
                escape(e)
            );
            return page("smdrbox: calls", "/calls", &h);
        }
    };
    if calls.is_empty() {
        h.push_str("<p>No calls stored yet.</p>");
        return page("smdrbox: calls", "/calls", &h);
    }
    let (time_head, per_cell) = time_heading(calls);
    w!(
        h,
        "<p><small>The {} most recent call records, newest first. Date and time as printed by \
         the PBX.</small></p><div class=\"scroll\"><table class=\"calls\"><tr><th>{time_head}</th>\
         <th>Dir.</th><th>Number / name</th><th>Ext.</th><th>Outcome</th>\
         <th class=\"r\">Talk</th><th class=\"r\">Ring</th><th>Line</th><th class=\"r\">Cost</th>\
         </tr>",
        calls.len()
    );
    for c in calls {
        let (outcome, alert) = fmt::outcome(c.unanswered, c.transferred, c.forwarded);
        let mut who = escape(&c.number);
        if let Some(name) = c.caller_name.as_deref().filter(|n| !n.is_empty()) {
            if !who.is_empty() {
                who.push_str("<br>");
            }
            w!(who, "<small>{}</small>", escape(name));
        }
        if who.is_empty() && c.direction == "incoming" {
            who.push_str("<span class=\"muted\">no caller ID</span>");
        }
        // Date and time in one narrow cell, so number and outcome fit on a phone screen.
        let mut when = escape(c.call_date.as_deref().unwrap_or(""));
        if let Some(t) = &c.call_time {
            w!(when, "<br>{}", escape(t));
            if per_cell {
                w!(when, " <small>{}</small>", escape(&c.time_is));
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
            fmt::direction(&c.direction),
            who,
            escape(&c.extension),
            outcome,
            c.duration_secs.map(fmt::mss).unwrap_or_default(),
            c.ring_secs.map(|s| format!("{s} s")).unwrap_or_default(),
            escape(c.trunk.as_deref().unwrap_or("")),
            cost
        );
    }
    h.push_str("</table></div>");
    page("smdrbox: calls", "/calls", &h)
}

/// The dialect, and with `dialect = "auto"` what was recognised and how surely.
fn dialect_line(s: &Snapshot) -> String {
    let Some(d) = &s.detection else {
        return escape(&s.dialect);
    };
    match (d.chosen, d.leader) {
        (Some(name), _) => format!(
            "{} &nbsp; recognised automatically: {}% of the last {} lines read as {}{}",
            escape(name),
            d.confidence_pct,
            d.lines_seen.min(crate::core::dialect::detect::WINDOW as u64),
            escape(name),
            if d.switches > 0 {
                format!(" (changed {} times: PBX replaced?)", d.switches)
            } else {
                String::new()
            }
        ),
        (None, Some((name, n))) => format!(
            "auto: not recognised yet after {} lines (closest: {}, {} records); lines are kept and read again once recognised",
            d.lines_seen,
            escape(name),
            n
        ),
        (None, None) => format!(
            "auto: not recognised yet ({} lines seen); lines are kept and read again once recognised",
            d.lines_seen
        ),
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
        leds_section(&mut h, Some(&shown));
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
        leds_section(&mut h, Some(&none));
        assert!(
            h.contains("No LEDs are driven ([leds] backend = \"none\")"),
            "{h}"
        );
        assert_eq!(h.matches("class=\"lit\"").count(), 1);

        let mut h = String::new();
        leds_section(&mut h, None);
        assert!(h.contains("not driven by this process"), "{h}");
        assert!(!h.contains("class=\"lit\""), "{h}");
    }

    #[test]
    fn calls_table() {
        assert_eq!(time_heading(&[call("end"), call("end")]), ("Ended", false));
        assert_eq!(time_heading(&[call("start")]), ("Started", false));
        assert_eq!(time_heading(&[call("end"), call("start")]), ("Time", true));
        let ctx = Ctx::new(1_714_557_600_000, FixedOffset::east_opt(0).unwrap());
        let html = calls_page(&ctx, &Ok(vec![call("end")]));
        assert!(
            html.contains("<small>&lt;b&gt;Eve&lt;/b&gt;</small>"),
            "{html}"
        );
        assert!(html.contains("<td class=\"r\">1:05</td>"), "{html}");
        assert!(html.contains("/export.csv?from=2024-05-01&amp;to=2024-05-01"));
        let html = calls_page(&ctx, &Err("disk <gone>".into()));
        assert!(html.contains("cannot be read: disk &lt;gone&gt;"));
    }
}
