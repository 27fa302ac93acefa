//! Report pages: the list with a period form and last month's workbook, and one report as
//! figures, an SVG chart, a table and its notes, with links to the same report as an Excel
//! workbook, CSV (`,` or `;`) and JSON.

use super::fmt::escape;
use super::pages::page_with;
use crate::core::analytics::{Report, REPORTS};
use chrono::NaiveDate;
use std::fmt::Write;

fn period_form(action: &str, from: NaiveDate, to: NaiveDate) -> String {
    format!(
        "<form class=\"period\" method=\"get\" action=\"{}\">\
         <label>From <input type=\"date\" name=\"from\" value=\"{from}\"></label>\
         <label>to <input type=\"date\" name=\"to\" value=\"{to}\"></label>\
         <button type=\"submit\">Show</button></form>",
        escape(action)
    )
}

/// The download links of one report for a period: Excel, CSV with either delimiter, JSON.
fn downloads(name: &str, from: NaiveDate, to: NaiveDate, json: bool) -> String {
    let q = format!("from={from}&amp;to={to}");
    let mut h = format!(
        "<a href=\"/reports/{name}.xlsx?{q}\">Excel</a> &middot; \
         <a href=\"/reports/{name}.csv?{q}&amp;sep=comma\" title=\"fields split by commas\">CSV ,</a> \
         &middot; <a href=\"/reports/{name}.csv?{q}&amp;sep=semicolon\" \
         title=\"fields split by semicolons, for Excel in Russian or Ukrainian\">CSV ;</a>"
    );
    if json {
        let _ = write!(h, " &middot; <a href=\"/reports/{name}.json?{q}\">JSON</a>");
    }
    h
}

/// The reports index for `from..=to`, with the one-click workbook of the month that starts
/// on `last_month` (the month before today's; the web edge reads the clock).
pub fn index_page(from: NaiveDate, to: NaiveDate, last_month: NaiveDate) -> String {
    let month = last_month.format("%Y-%m");
    let mut h = String::new();
    let _ = write!(
        h,
        "<h1>Reports</h1><p class=\"month\"><a style=\"font-size:1.25em;font-weight:bold\" href=\"/reports/month.xlsx?month={month}\">\
         Download last month ({}) for Excel</a><br><small>every report and every call of the \
         month in one workbook</small></p>\
         <p>Period {from} to {to}; each report is also an Excel workbook, a CSV and JSON.</p>{}<table><tbody>",
        escape(&crate::export::month_name(last_month)),
        period_form("/reports", from, to)
    );
    for (name, title, what) in REPORTS {
        let _ = write!(
            h,
            "<tr><td><a href=\"/reports/{name}?from={from}&amp;to={to}\">{}</a></td><td>{}</td>\
             <td class=\"nw\">{}</td></tr>",
            escape(title),
            escape(what),
            downloads(name, from, to, false)
        );
    }
    h.push_str("</tbody></table>");
    page_with("smdrbox: reports", "/reports", &h, false)
}

pub fn report_page(r: &Report) -> String {
    let (name, from, to) = (r.name, r.from, r.to);
    let mut h = String::new();
    let _ = write!(
        h,
        "<h1>{}</h1><p>{from} to {to} &middot; {}</p>{}",
        escape(r.title),
        downloads(name, from, to, true),
        period_form(&format!("/reports/{name}"), from, to)
    );
    if !r.figures.is_empty() {
        h.push_str("<div class=\"figs\">");
        for f in &r.figures {
            let _ = write!(
                h,
                "<div class=\"fig\">{}<b>{}</b>{}</div>",
                escape(&f.label),
                escape(&f.value.human()),
                f.note
                    .as_deref()
                    .map(|n| format!("<small>{}</small>", escape(n)))
                    .unwrap_or_default()
            );
        }
        h.push_str("</div>");
    }
    if let Some(c) = &r.chart {
        h.push_str(&super::svg::chart(c));
    }
    let t = &r.table;
    if !t.columns.is_empty() {
        h.push_str("<div class=\"scroll\"><table><thead><tr>");
        for c in &t.columns {
            let _ = write!(h, "<th>{}</th>", escape(c.label));
        }
        h.push_str("</tr></thead><tbody>");
        for row in &t.rows {
            h.push_str("<tr>");
            for c in row {
                let class = if c.is_numeric() { " class=\"r\"" } else { "" };
                let _ = write!(h, "<td{class}>{}</td>", escape(&c.human()));
            }
            h.push_str("</tr>");
        }
        if t.rows.is_empty() {
            let _ = write!(
                h,
                "<tr><td colspan=\"{}\" class=\"muted\">No calls in this period.</td></tr>",
                t.columns.len()
            );
        }
        h.push_str("</tbody></table></div>");
    }
    for n in &r.notes {
        let _ = write!(h, "<p class=\"muted\">Note: {}</p>", escape(n));
    }
    page_with(&format!("smdrbox: {}", r.title), "/reports", &h, false)
}
