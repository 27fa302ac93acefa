//! Report pages: the list with a period form, and one report as figures, an SVG chart, a table
//! and its notes, with links to the same report as CSV and JSON.

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

pub fn index_page(from: NaiveDate, to: NaiveDate) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<h1>Reports</h1><p>Period {from} to {to}; each report is also a CSV (for Excel) and \
         JSON.</p>{}<table><tbody>",
        period_form("/reports", from, to)
    );
    for (name, title, what) in REPORTS {
        let _ = write!(
            h,
            "<tr><td><a href=\"/reports/{name}?from={from}&amp;to={to}\">{}</a></td><td>{}</td>\
             <td class=\"nw\"><a href=\"/reports/{name}.csv?from={from}&amp;to={to}\">CSV</a></td></tr>",
            escape(title),
            escape(what)
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
        "<h1>{}</h1><p>{from} to {to} &middot; <a href=\"/reports/{name}.csv?from={from}&amp;to={to}\">CSV</a> \
         &middot; <a href=\"/reports/{name}.json?from={from}&amp;to={to}\">JSON</a></p>{}",
        escape(r.title),
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
