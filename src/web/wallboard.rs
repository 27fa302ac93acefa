//! `/wallboard`: today's figures in large type on a dark page, for a TV or a phone on the
//! office network. The figures come from the same machinery as the reports (the summary report
//! for incoming, answered, lost and the service level; the lost report's [`lost::follow_up`]
//! for who still waits for a callback), gathered at the edge ([`gather`]) and rendered by the
//! pure [`render`].

use super::fmt::{ago_in, escape};
use super::pages::Ctx;
use super::{App, Reply};
use crate::core::analytics::{lost, summary, Cell, ReportOptions};
use crate::core::calls::{Call, Outcome};
use crate::core::record::Direction;
use crate::i18n::{int, pct, t, tf, Lang};
use crate::store::read::Reader;
use anyhow::Result;
use chrono::{Duration, Local, NaiveDateTime, TimeZone, Timelike};
use std::fmt::Display;
use std::fmt::Write as _;

/// Seconds between reloads. The pages' Content-Security-Policy forbids scripts, so the page
/// reloads itself with `<meta http-equiv="refresh">`: short polling that every TV browser does.
pub const REFRESH_SECS: u32 = 10;

/// Incoming and lost calls of one hour.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HourCount {
    pub incoming: u64,
    pub lost: u64,
}

/// A lost caller nobody has reached yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub number: String,
    pub name: Option<String>,
    pub lost_at: NaiveDateTime,
}

/// Everything the wallboard shows, computed at the edge.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// Box local time the figures were computed at.
    pub now: NaiveDateTime,
    pub incoming: i64,
    pub answered: i64,
    pub lost: i64,
    /// `None`: no call to judge yet.
    pub service_level: Option<f64>,
    /// Lost today and not called back (nor got through) yet; rendered oldest first.
    pub waiting: Vec<Waiting>,
    pub this_hour: HourCount,
    pub same_hour_last_week: HourCount,
}

fn fig_int(r: &crate::core::analytics::Report, key: &str) -> i64 {
    match r.figures.iter().find(|f| f.key == key).map(|f| &f.value) {
        Some(Cell::Int(n)) => *n,
        _ => 0,
    }
}

fn hour_count(calls: &[Call], at: NaiveDateTime) -> HourCount {
    let mut h = HourCount::default();
    for c in calls.iter().filter(|c| {
        c.direction == Direction::Incoming
            && c.start.date() == at.date()
            && c.start.hour() == at.hour()
    }) {
        h.incoming += 1;
        h.lost += u64::from(c.outcome == Outcome::Lost);
    }
    h
}

/// Today's figures at `now` (box local time) from the database, with `opts_for` giving the
/// configured report options for a period.
pub fn gather(
    reader: &Reader,
    opts_for: &dyn Fn(chrono::NaiveDate, chrono::NaiveDate) -> ReportOptions,
    now: NaiveDateTime,
) -> Result<Figures> {
    let today = now.date();
    let opts = opts_for(today, today);
    let opts = crate::reports::with_phonebook(reader, &opts)?;
    // The day before too, as the reports load it (a call in progress at midnight).
    let calls = reader.calls_between(today - Duration::days(1), today)?;
    let report = summary::report(&calls, &opts);
    let service_level = match report
        .figures
        .iter()
        .find(|f| f.key == "service_level")
        .map(|f| &f.value)
    {
        Some(Cell::Pct(p)) => Some(*p),
        _ => None,
    };
    let by_number = lost::calls_by_number(&calls);
    let mut waiting = Vec::new();
    for (i, c) in calls.iter().enumerate() {
        if c.direction != Direction::Incoming
            || c.outcome != Outcome::Lost
            || c.start.date() != today
        {
            continue;
        }
        let f = lost::follow_up(&calls, i, &by_number, opts.callback_window_hours);
        if matches!(f.state, lost::State::Waiting | lost::State::LostAgain) {
            let number = c.external_number.clone().unwrap_or_default();
            let name = opts.phonebook.name_tag(Some(&number)).0.map(str::to_string);
            waiting.push(Waiting {
                number,
                name,
                lost_at: c.start,
            });
        }
    }
    let week_ago = now - Duration::days(7);
    let last_week = reader.calls_between(week_ago.date(), week_ago.date())?;
    Ok(Figures {
        now,
        incoming: fig_int(&report, "incoming"),
        answered: fig_int(&report, "answered"),
        lost: fig_int(&report, "lost"),
        service_level,
        waiting,
        this_hour: hour_count(&calls, now),
        same_hour_last_week: hour_count(&last_week, week_ago),
    })
}

impl App {
    /// `GET /wallboard`.
    pub(super) fn wallboard(&mut self, ctx: &Ctx<Local>) -> Reply {
        let now = Local
            .timestamp_millis_opt(ctx.now_ms)
            .earliest()
            .map(|t| t.naive_local())
            .unwrap_or_default();
        let opts_for = self.report_options.clone();
        let figures = self.with_reader(|r| gather(r, &*opts_for, now));
        let code = if figures.is_ok() { 200 } else { 503 };
        Reply::html(code, render(ctx, &figures))
    }
}

const CSS: &str = "\
*{box-sizing:border-box}\
body{margin:0;padding:1.5vmin 2vmin;background:#101418;color:#e8ecef;\
font:clamp(16px,3vmin,56px)/1.25 system-ui,sans-serif;overflow-x:hidden}\
a{color:#8ab4f8}header{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.5em}\
h1{font-size:1.4em;margin:0 0 .4em}h2{font-size:1.2em;margin:.8em 0 .3em;color:#b8c2cc}\
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(7em,1fr));gap:.6em}\
.tile{background:#1c232b;border-radius:.4em;padding:.4em .6em;min-width:0}\
.tile span{display:block;color:#b8c2cc}.tile b{display:block;font-size:3.2em;line-height:1.1}\
.tile.lost b,.wait b.age{color:#ff6b6b}.tile.answered b{color:#6bd68a}\
.hour{display:flex;flex-wrap:wrap;gap:.3em 2em}.hour b{font-size:1.6em}\
ol.wait{margin:0;padding-left:1.6em;font-size:1.3em}\
ol.wait li{margin:.2em 0;overflow-wrap:anywhere}.wait .num{color:#b8c2cc}\
.muted{color:#8a949e}";

/// The whole page for `figures` (or the error that kept them from being read).
pub fn render<Tz: TimeZone>(ctx: &Ctx<Tz>, figures: &Result<Figures, String>) -> String
where
    Tz::Offset: Display,
{
    let l = ctx.lang;
    let mut h = String::with_capacity(4096);
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta http-equiv=\"refresh\" content=\"{REFRESH_SECS}\">\
         <title>{}</title><style>{CSS}</style></head><body>",
        l.code(),
        escape(t(l, "wall.title"))
    );
    match figures {
        Ok(f) => body(&mut h, l, f),
        Err(e) => {
            let _ = write!(
                h,
                "<h1>{}</h1><p>{}</p>",
                escape(t(l, "wall.title")),
                escape(&tf(l, "wall.unavailable", &[e]))
            );
        }
    }
    h.push_str("</body></html>\n");
    h
}

fn body(h: &mut String, l: Lang, f: &Figures) {
    let _ = write!(
        h,
        "<header><h1>{}</h1><a href=\"/\">{}</a></header><div class=\"tiles\">",
        escape(&tf(
            l,
            "wall.today",
            &[&crate::i18n::datetime(l, f.now, false)]
        )),
        t(l, "nav.status")
    );
    let sl = f
        .service_level
        .map(|p| pct(l, p))
        .unwrap_or_else(|| "–".into());
    for (id, key, value) in [
        ("incoming", "wall.incoming", int(l, f.incoming)),
        ("answered", "wall.answered", int(l, f.answered)),
        ("lost", "wall.lost", int(l, f.lost)),
        ("waiting", "wall.waiting_n", int(l, f.waiting.len() as i64)),
        ("sl", "wall.sl", sl),
    ] {
        let _ = write!(
            h,
            "<div class=\"tile {id}\" id=\"{id}\"><span>{}</span><b>{value}</b></div>",
            t(l, key)
        );
    }
    let hour = f.now.hour();
    let (now, week) = (f.this_hour, f.same_hour_last_week);
    let _ = write!(
        h,
        "</div><h2>{}</h2><div class=\"hour\">\
         <div id=\"hour-incoming\">{} <b>{}</b> <span class=\"muted\">{}</span></div>\
         <div id=\"hour-lost\">{} <b>{}</b> <span class=\"muted\">{}</span></div></div>",
        escape(&tf(
            l,
            "wall.hour",
            &[&format!("{hour:02}:00–{:02}:00", (hour + 1) % 24)]
        )),
        t(l, "wall.incoming"),
        now.incoming,
        escape(&tf(l, "wall.last_week", &[&week.incoming])),
        t(l, "wall.lost"),
        now.lost,
        escape(&tf(l, "wall.last_week", &[&week.lost])),
    );
    let _ = write!(h, "<h2>{}</h2>", t(l, "wall.waiting"));
    if f.waiting.is_empty() {
        let _ = write!(h, "<p class=\"muted\">{}</p>", t(l, "wall.none"));
        return;
    }
    let mut waiting: Vec<&Waiting> = f.waiting.iter().collect();
    waiting.sort_by_key(|w| w.lost_at);
    h.push_str("<ol class=\"wait\">");
    for w in waiting {
        let number = if w.number.is_empty() {
            t(l, "wall.no_number").to_string()
        } else {
            w.number.clone()
        };
        let age_ms = f.now.signed_duration_since(w.lost_at).num_milliseconds();
        let _ = write!(h, "<li>");
        if let Some(name) = &w.name {
            let _ = write!(h, "{} ", escape(name));
        }
        let _ = write!(
            h,
            "<span class=\"num\">{}</span> <b class=\"age\">{}</b></li>",
            escape(&number),
            escape(&ago_in(l, age_ms, 0))
        );
    }
    h.push_str("</ol>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, Utc};

    fn at(hms: (u32, u32)) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 3, 2)
            .unwrap()
            .and_hms_opt(hms.0, hms.1, 0)
            .unwrap()
    }

    fn figures() -> Figures {
        Figures {
            now: at((14, 30)),
            incoming: 42,
            answered: 37,
            lost: 5,
            service_level: Some(0.875),
            waiting: vec![
                Waiting {
                    number: "0441234567".into(),
                    name: Some("<Acme & Co>".into()),
                    lost_at: at((14, 10)),
                },
                Waiting {
                    number: "0509876543".into(),
                    name: None,
                    lost_at: at((9, 5)),
                },
            ],
            this_hour: HourCount {
                incoming: 6,
                lost: 1,
            },
            same_hour_last_week: HourCount {
                incoming: 9,
                lost: 3,
            },
        }
    }

    fn ctx(lang: Lang) -> Ctx<Utc> {
        let mut c = Ctx::new(0, Utc);
        c.lang = lang;
        c
    }

    #[test]
    fn shows_the_figures_and_reloads_itself() {
        let html = render(&ctx(Lang::En), &Ok(figures()));
        assert!(html.contains("<meta http-equiv=\"refresh\" content=\"10\">"));
        assert!(!html.contains("<script"));
        for (id, v) in [
            ("incoming", "42"),
            ("answered", "37"),
            ("lost", "5"),
            ("waiting", "2"),
            ("sl", "87.5"),
        ] {
            let tile = html
                .split(&format!("id=\"{id}\""))
                .nth(1)
                .unwrap_or_else(|| panic!("no tile {id}"));
            let b = tile.split("<b>").nth(1).unwrap();
            assert!(b.starts_with(v), "{id}: {b}");
        }
        assert!(html.contains("14:00–15:00"), "{html}");
        assert!(html.contains("<b>6</b> <span class=\"muted\">last week: 9</span>"));
        assert!(html.contains("<b>1</b> <span class=\"muted\">last week: 3</span>"));
    }

    #[test]
    fn oldest_lost_first_with_how_long_ago_and_escaped_names() {
        let html = render(&ctx(Lang::En), &Ok(figures()));
        let old = html.find("0509876543").unwrap();
        let new = html.find("0441234567").unwrap();
        assert!(old < new, "oldest first");
        // 09:05 -> 14:30 and 14:10 -> 14:30.
        assert!(html.contains("5 h 25 min ago"), "{html}");
        assert!(html.contains(">20 min 00 s ago<"), "{html}");
        assert!(html.contains("&lt;Acme &amp; Co&gt;"));
        assert!(!html.contains("<Acme"));
    }

    #[test]
    fn every_language_and_the_empty_and_error_cases() {
        let mut f = figures();
        f.waiting.clear();
        f.service_level = None;
        for l in Lang::ALL {
            let html = render(&ctx(l), &Ok(f.clone()));
            assert!(html.contains(t(l, "wall.none")));
            assert!(!html.contains("wall."), "untranslated key in {l:?}");
            let err = render(&ctx(l), &Err("disk <gone>".into()));
            assert!(err.contains("disk &lt;gone&gt;"));
        }
        let ru = render(&ctx(Lang::Ru), &Ok(figures()));
        assert!(ru.contains("назад"), "{ru}");
    }
}
