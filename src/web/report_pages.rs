//! Report pages: the list with a period form and last month's workbook, and one report as
//! figures, an SVG chart, a table and its notes, with links to the same report as an Excel
//! workbook, CSV (`,` or `;`) and JSON. The report's words come from the core in English and
//! are translated here ([`crate::i18n`]); numbers and dates follow the page's language.

use super::fmt::escape;
use super::pages::{shell, Ctx};
use crate::core::analytics::{Report, REPORTS};
use crate::i18n::{self, report_text, t, tf, Lang};
use chrono::{NaiveDate, TimeZone};
use std::fmt::Write;

fn period_form(l: Lang, action: &str, from: NaiveDate, to: NaiveDate) -> String {
    format!(
        "<form class=\"period\" method=\"get\" action=\"{}\">\
         <label>{} <input type=\"date\" name=\"from\" value=\"{from}\"></label>\
         <label>{} <input type=\"date\" name=\"to\" value=\"{to}\"></label>\
         <button type=\"submit\">{}</button></form>",
        escape(action),
        t(l, "form.from"),
        t(l, "form.to"),
        t(l, "form.show")
    )
}

/// The download links of one report for a period: Excel, CSV with either delimiter, JSON.
/// Downloads are in the page's language (their headers), so the links carry it.
fn downloads(l: Lang, name: &str, from: NaiveDate, to: NaiveDate, json: bool) -> String {
    let mut q = format!("from={from}&amp;to={to}");
    if l != Lang::En {
        let _ = write!(q, "&amp;lang={}", l.code());
    }
    let mut h = format!(
        "<a href=\"/reports/{name}.xlsx?{q}\">{}</a> &middot; \
         <a href=\"/reports/{name}.csv?{q}&amp;sep=comma\" title=\"{}\">CSV ,</a> \
         &middot; <a href=\"/reports/{name}.csv?{q}&amp;sep=semicolon\" \
         title=\"{}\">CSV ;</a>",
        t(l, "dl.excel"),
        t(l, "dl.csv_comma_title"),
        t(l, "dl.csv_semicolon_title")
    );
    if json {
        let _ = write!(h, " &middot; <a href=\"/reports/{name}.json?{q}\">JSON</a>");
    }
    h
}

/// The reports index for `from..=to`, with the one-click workbook of the month that starts
/// on `last_month` (the month before today's; the web edge reads the clock).
pub fn index_page<Tz: TimeZone>(
    ctx: &Ctx<Tz>,
    from: NaiveDate,
    to: NaiveDate,
    last_month: NaiveDate,
) -> String {
    let l = ctx.lang;
    let month = last_month.format("%Y-%m");
    let lang_q = if l == Lang::En {
        String::new()
    } else {
        format!("&amp;lang={}", l.code())
    };
    let mut h = String::new();
    let _ = write!(
        h,
        "<h1>{}</h1><p class=\"month\"><a style=\"font-size:1.25em;font-weight:bold\" href=\"/reports/month.xlsx?month={month}{lang_q}\">\
         {}</a><br><small>{}</small></p>\
         <p>{}</p>{}<table><tbody>",
        t(l, "reports.h1"),
        tf(
            l,
            "reports.month",
            &[&escape(&i18n::month_year(l, last_month))]
        ),
        t(l, "reports.month_what"),
        tf(l, "reports.period", &[&i18n::period(l, from, to)]),
        period_form(l, "/reports", from, to)
    );
    for (name, title, what) in REPORTS {
        let _ = write!(
            h,
            "<tr><td><a href=\"/reports/{name}?from={from}&amp;to={to}\">{}</a></td><td>{}</td>\
             <td class=\"nw\">{}</td></tr>",
            escape(&i18n::report_title(l, name, title)),
            escape(&i18n::report_about(l, name, what)),
            downloads(l, name, from, to, false)
        );
    }
    h.push_str("</tbody></table>");
    shell(ctx, t(l, "reports.title"), "/reports", &h, false)
}

pub fn report_page<Tz: TimeZone>(ctx: &Ctx<Tz>, r: &Report) -> String {
    let l = ctx.lang;
    let (name, from, to) = (r.name, r.from, r.to);
    let title = i18n::report_title(l, name, r.title);
    let mut h = String::new();
    let _ = write!(
        h,
        "<h1>{}</h1><p>{} &middot; {}</p>{}",
        escape(&title),
        i18n::period(l, from, to),
        downloads(l, name, from, to, true),
        period_form(l, &format!("/reports/{name}"), from, to)
    );
    if !r.figures.is_empty() {
        h.push_str("<div class=\"figs\">");
        for f in &r.figures {
            let _ = write!(
                h,
                "<div class=\"fig\">{}<b>{}</b>{}</div>",
                escape(&report_text(l, &f.label)),
                escape(&i18n::cell(l, &f.value)),
                f.note
                    .as_deref()
                    .map(|n| format!("<small>{}</small>", escape(&report_text(l, n))))
                    .unwrap_or_default()
            );
        }
        h.push_str("</div>");
    }
    if let Some(c) = &r.chart {
        h.push_str(&super::svg::chart_in(l, c));
    }
    let tb = &r.table;
    if !tb.columns.is_empty() {
        h.push_str("<div class=\"scroll\"><table><thead><tr>");
        for c in &tb.columns {
            let _ = write!(h, "<th>{}</th>", escape(&report_text(l, c.label)));
        }
        h.push_str("</tr></thead><tbody>");
        for row in &tb.rows {
            h.push_str("<tr>");
            for c in row {
                let class = if c.is_numeric() { " class=\"r\"" } else { "" };
                let _ = write!(h, "<td{class}>{}</td>", escape(&i18n::cell(l, c)));
            }
            h.push_str("</tr>");
        }
        if tb.rows.is_empty() {
            let _ = write!(
                h,
                "<tr><td colspan=\"{}\" class=\"muted\">{}</td></tr>",
                tb.columns.len(),
                t(l, "report.no_calls")
            );
        }
        h.push_str("</tbody></table></div>");
    }
    for n in &r.notes {
        let _ = write!(
            h,
            "<p class=\"muted\">{}</p>",
            tf(l, "report.note", &[&escape(&report_text(l, n))])
        );
    }
    shell(ctx, &format!("smdrbox: {title}"), "/reports", &h, false)
}
