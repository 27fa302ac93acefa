//! Reports at the edge: load the calls a report needs from the database, run the pure report,
//! and render it as CSV, JSON or text (the web page renders its own HTML from the same report,
//! `xlsx.rs` its workbook).

use crate::core::analytics::{self, Cell, Report, ReportOptions, REPORTS};
use crate::core::calls::Call;
use crate::export::Delimiter;
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

/// `opts` with the database's phonebook when it carries none (the edge loads it; the reports
/// stay pure). Borrowed as given when the database has no phonebook.
pub fn with_phonebook<'a>(
    reader: &Reader,
    opts: &'a ReportOptions,
) -> Result<std::borrow::Cow<'a, ReportOptions>> {
    if !opts.phonebook.is_empty() {
        return Ok(std::borrow::Cow::Borrowed(opts));
    }
    let entries = reader.phonebook()?;
    if entries.is_empty() {
        return Ok(std::borrow::Cow::Borrowed(opts));
    }
    let mut o = opts.clone();
    o.phonebook = crate::phonebook::Book::new(entries);
    Ok(std::borrow::Cow::Owned(o))
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
    let opts = &with_phonebook(reader, opts)?;
    match analytics::run(name, &calls, opts) {
        Some(r) => Ok(r),
        None => bail!("report {name:?} is listed but not implemented"),
    }
}

/// The CSV's column names: the table's keys, each `…_secs` column followed by its `…_hms`
/// twin (see [`write_csv`]).
pub fn csv_header(report: &Report) -> Vec<String> {
    let mut names = Vec::new();
    for c in &report.table.columns {
        names.push(c.key.to_string());
        if let Some(twin) = hms_twin(c.key) {
            names.push(twin);
        }
    }
    names
}

/// `talk_secs` -> `talk_hms`: durations twice, as seconds to compute with and as `H:MM:SS`
/// to read (Excel and LibreOffice read it as a time, so it sums as one too).
fn hms_twin(key: &str) -> Option<String> {
    key.strip_suffix("_secs").map(|k| format!("{k}_hms"))
}

/// The CSV a spreadsheet opens: byte-order mark, a header row of column keys ([`csv_header`]),
/// then the table's rows with plain values: numbers as numbers, shares as percentages, times
/// as `YYYY-MM-DD HH:MM:SS`, durations in seconds and `H:MM:SS`. Formula-like text is
/// neutralised as in the calls CSV.
pub fn write_csv<W: Write>(report: &Report, out: W, sep: Delimiter) -> Result<()> {
    write_csv_lang(report, out, sep, crate::i18n::Lang::En)
}

/// The header row in `lang`: the column keys in English (what scripts read), the translated
/// column labels in Russian and Ukrainian; same columns, same order.
pub fn csv_header_lang(report: &Report, lang: crate::i18n::Lang) -> Vec<String> {
    if lang == crate::i18n::Lang::En {
        return csv_header(report);
    }
    let mut names = Vec::new();
    for c in &report.table.columns {
        let label = crate::i18n::report_text(lang, c.label).into_owned();
        let twin = hms_twin(c.key).map(|_| crate::i18n::hms_twin_label(lang, &label));
        names.push(label);
        names.extend(twin);
    }
    names
}

/// [`write_csv`] with the header row in `lang` ([`csv_header_lang`]).
pub fn write_csv_lang<W: Write>(
    report: &Report,
    out: W,
    sep: Delimiter,
    lang: crate::i18n::Lang,
) -> Result<()> {
    let mut w = crate::export::csv_writer(out, sep)?;
    w.write_record(csv_header_lang(report, lang))?;
    let twins: Vec<bool> = report
        .table
        .columns
        .iter()
        .map(|c| hms_twin(c.key).is_some())
        .collect();
    for row in &report.table.rows {
        let mut cells = Vec::with_capacity(twins.len() * 2);
        for (i, c) in row.iter().enumerate() {
            cells.push(match c {
                Cell::Time(t) => t.format(crate::export::DATETIME_FORMAT).to_string(),
                _ => crate::export::neutralise(&c.plain()).into_owned(),
            });
            if twins.get(i).copied().unwrap_or(false) {
                cells.push(match c {
                    Cell::Secs(s) => crate::export::hms(*s),
                    Cell::Int(s) => crate::export::hms(*s),
                    _ => String::new(),
                });
            }
        }
        w.write_record(cells)?;
    }
    w.flush()?;
    Ok(())
}

/// Every report for `opts`'s period, in the order of [`REPORTS`]: the monthly workbook.
pub fn build_all(reader: &Reader, opts: &ReportOptions) -> Result<Vec<Report>> {
    let opts = &with_phonebook(reader, opts)?;
    // The calls are loaded once, for the widest window any report needs; each report gets
    // those that started in its own window, which are the calls `build` would load for it
    // (calls_between is the same whether days are read one run or several at a time).
    let windows: Vec<(NaiveDate, NaiveDate)> = names().map(|n| days_needed(n, opts)).collect();
    let first = windows.iter().map(|w| w.0).min().unwrap_or(opts.from);
    let last = windows.iter().map(|w| w.1).max().unwrap_or(opts.to);
    let all = reader.calls_between(first, last)?;
    let mut narrowed: Vec<((NaiveDate, NaiveDate), Vec<Call>)> = Vec::new();
    let mut reports = Vec::new();
    for (name, window) in names().zip(windows) {
        let calls: &[Call] = if window == (first, last) {
            &all
        } else {
            let i = match narrowed.iter().position(|(w, _)| *w == window) {
                Some(i) => i,
                None => {
                    let inside = |c: &&Call| (window.0..=window.1).contains(&c.start.date());
                    narrowed.push((window, all.iter().filter(inside).cloned().collect()));
                    narrowed.len() - 1
                }
            };
            &narrowed[i].1
        };
        match analytics::run(name, calls, opts) {
            Some(r) => reports.push(r),
            None => bail!("report {name:?} is listed but not implemented"),
        }
    }
    Ok(reports)
}

pub fn write_json<W: Write>(report: &Report, out: W) -> Result<()> {
    serde_json::to_writer_pretty(out, report)?;
    Ok(())
}

/// Figures, then the table with aligned columns, then the notes: for a terminal.
pub fn text(report: &Report) -> String {
    text_lang(report, crate::i18n::Lang::En)
}

/// [`text`] in `lang`: words translated, numbers and dates in the locale.
pub fn text_lang(report: &Report, lang: crate::i18n::Lang) -> String {
    use crate::i18n::{self, report_text};
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} ({})",
        i18n::report_title(lang, report.name, report.title),
        i18n::period(lang, report.from, report.to)
    );
    for f in &report.figures {
        let _ = write!(
            s,
            "  {}: {}",
            report_text(lang, &f.label),
            i18n::cell(lang, &f.value)
        );
        if let Some(n) = &f.note {
            let _ = write!(s, " ({})", report_text(lang, n));
        }
        s.push('\n');
    }
    let t = &report.table;
    let labels: Vec<String> = t
        .columns
        .iter()
        .map(|c| report_text(lang, c.label).into_owned())
        .collect();
    if !t.columns.is_empty() {
        let cells: Vec<Vec<String>> = t
            .rows
            .iter()
            .map(|r| r.iter().map(|c| i18n::cell(lang, c)).collect())
            .collect();
        let widths: Vec<usize> = t
            .columns
            .iter()
            .enumerate()
            .map(|(i, _)| {
                cells
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(|v| v.chars().count())
                    .chain([labels[i].chars().count()])
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
        let _ = writeln!(s, "{}", line(labels.iter().map(String::as_str).collect()));
        for r in &cells {
            let _ = writeln!(s, "{}", line(r.iter().map(String::as_str).collect()));
        }
    }
    for n in &report.notes {
        let _ = writeln!(
            s,
            "\n{}",
            i18n::tf(lang, "report.note", &[&report_text(lang, n)])
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::analytics::{Column, Table};

    #[test]
    fn csv_for_spreadsheets() {
        let d = NaiveDate::from_ymd_opt(2026, 10, 5).unwrap();
        let report = Report {
            name: "test",
            title: "Test",
            from: d,
            to: d,
            figures: vec![],
            table: Table {
                columns: ["called_at", "caller", "talk_secs", "share"]
                    .into_iter()
                    .map(|key| Column { key, label: key })
                    .collect(),
                rows: vec![
                    vec![
                        Cell::Time(d.and_hms_opt(9, 15, 0).unwrap()),
                        Cell::Text("=Сергей".into()),
                        Cell::Secs(3725),
                        Cell::Pct(0.125),
                    ],
                    vec![Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty],
                ],
            },
            chart: None,
            notes: vec![],
        };
        let mut out = Vec::new();
        write_csv(&report, &mut out, Delimiter::Semicolon).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\u{feff}called_at;caller;talk_secs;talk_hms;share\n\
             2026-10-05 09:15:00;'=Сергей;3725;1:02:05;12.5\n\
             ;;;;\n"
        );
        // Russian: the same columns in the same order, with labels.
        let mut report = report;
        report.table.columns = vec![
            Column {
                key: "called_at",
                label: "Called at",
            },
            Column {
                key: "talk_secs",
                label: "Talk time",
            },
        ];
        report.table.rows.clear();
        assert_eq!(
            csv_header_lang(&report, crate::i18n::Lang::Ru),
            [
                "Время звонка",
                "Время разговоров",
                "Время разговоров (ч:мм:сс)"
            ]
        );
        assert_eq!(
            csv_header_lang(&report, crate::i18n::Lang::En),
            csv_header(&report)
        );
    }
}
