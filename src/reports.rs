//! Reports at the edge: load the calls a report needs from the database, run the pure report,
//! and render it as CSV, JSON or text (the web page renders its own HTML from the same report).

use crate::core::analytics::{self, Report, ReportOptions, REPORTS};
use crate::store::read::Reader;
use anyhow::{bail, Result};
use chrono::{Duration, NaiveDate};
use std::fmt::Write as _;
use std::io::Write;

/// For the reports that tell new callers from known ones ([`LOOKBACK_REPORTS`]), calls this
/// long before the period are loaded too (the reports say so).
pub const LOOKBACK_DAYS: i64 = 30;

/// The reports that need the lookback; the others only need the day before the period (a call
/// in progress at midnight counts for its part inside the period in the load reports).
pub const LOOKBACK_REPORTS: &[&str] = &["lines", "repeat"];

/// The days of calls report `name` needs for `opts`'s period: the lookback or the day before,
/// and after the period the callback window, so a lost call near its end can still be seen
/// called back.
pub fn days_needed(name: &str, opts: &ReportOptions) -> (NaiveDate, NaiveDate) {
    let before = if LOOKBACK_REPORTS.contains(&name) {
        LOOKBACK_DAYS
    } else {
        1
    };
    let after = i64::from(opts.callback_window_hours.div_ceil(24));
    (
        opts.from - Duration::days(before),
        opts.to + Duration::days(after),
    )
}

pub fn names() -> impl Iterator<Item = &'static str> {
    REPORTS.iter().map(|(n, _, _)| *n)
}

/// Build report `name` for `opts`'s period from the database.
pub fn build(reader: &Reader, name: &str, opts: &ReportOptions) -> Result<Report> {
    if !names().any(|n| n == name) {
        bail!(
            "no report called {name:?}; the reports are: {}",
            names().collect::<Vec<_>>().join(", ")
        );
    }
    let (first, last) = days_needed(name, opts);
    let calls = reader.calls_between(first, last)?;
    match analytics::run(name, &calls, opts) {
        Some(r) => Ok(r),
        None => bail!("report {name:?} is listed but not implemented"),
    }
}

/// One header row of column keys, then the table's rows with plain values; formula-like
/// text is neutralised as in the calls CSV.
pub fn write_csv<W: Write>(report: &Report, out: W) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(report.table.columns.iter().map(|c| c.key))?;
    for row in &report.table.rows {
        w.write_record(
            row.iter()
                .map(|c| crate::export::neutralise(&c.plain()).into_owned()),
        )?;
    }
    w.flush()?;
    Ok(())
}

pub fn write_json<W: Write>(report: &Report, out: W) -> Result<()> {
    serde_json::to_writer_pretty(out, report)?;
    Ok(())
}

/// Figures, then the table with aligned columns, then the notes: for a terminal.
pub fn text(report: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{} ({} to {})", report.title, report.from, report.to);
    for f in &report.figures {
        let _ = write!(s, "  {}: {}", f.label, f.value.human());
        if let Some(n) = &f.note {
            let _ = write!(s, " ({n})");
        }
        s.push('\n');
    }
    let t = &report.table;
    if !t.columns.is_empty() {
        let cells: Vec<Vec<String>> = t
            .rows
            .iter()
            .map(|r| r.iter().map(|c| c.human()).collect())
            .collect();
        let widths: Vec<usize> = t
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                cells
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(|v| v.chars().count())
                    .chain([c.label.chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        s.push('\n');
        let line = |vals: Vec<&str>| {
            vals.iter()
                .zip(&widths)
                .map(|(v, w)| format!("{v:<w$}"))
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_string()
        };
        let _ = writeln!(s, "{}", line(t.columns.iter().map(|c| c.label).collect()));
        for r in &cells {
            let _ = writeln!(s, "{}", line(r.iter().map(String::as_str).collect()));
        }
    }
    for n in &report.notes {
        let _ = writeln!(s, "\nNote: {n}");
    }
    s
}
