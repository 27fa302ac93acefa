//! Excel workbooks (edge): a report, the calls, or a whole month, as `.xlsx` with real cell
//! types, so that the office's Excel sorts, sums and charts them without an import dialogue.
//!
//! The data comes from the core ([`Report`]) and the store (the calls, through the same
//! [`export`] cells as the CSV); this module only lays it out. Cells are typed: counts and
//! money are numbers, shares are numbers formatted as percentages, durations are Excel
//! durations (`[h]:mm:ss`, a fraction of a day: they sum and average as times), moments are
//! Excel date-times. Text cells are strings, never formulas, so the CSV's formula neutralising
//! is not needed here. Every sheet has a bold, frozen header row and columns wide enough for
//! their contents.

use crate::core::analytics::{Cell, Report};
use crate::export;
use crate::i18n::{report_text, t, Lang};
use crate::store::read::Reader;
use anyhow::{Context, Result};
use chrono::{Datelike, Local, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, Worksheet};

/// Rows an Excel sheet holds, header included.
const EXCEL_ROWS: u32 = 1_048_576;

/// Column widths, in characters, a sheet's columns are kept between.
const MIN_WIDTH: usize = 6;
const MAX_WIDTH: usize = 60;

/// The cell formats, made once per workbook.
struct Formats {
    header: Format,
    title: Format,
    secs: Format,
    pct: Format,
    datetime: Format,
    datetime_secs: Format,
    date: Format,
    time: Format,
    money: Format,
    /// The language of the headers, labels and sheet names (numbers are typed cells: Excel
    /// shows them in its own locale).
    lang: Lang,
}

impl Formats {
    fn in_lang(lang: Lang) -> Formats {
        Formats {
            lang,
            header: Format::new().set_bold(),
            title: Format::new().set_bold().set_font_size(13),
            // `[h]`: 25 hours stay 25:00:00 instead of wrapping to 1:00:00.
            secs: Format::new()
                .set_num_format("[h]:mm:ss")
                .set_align(FormatAlign::Right),
            pct: Format::new().set_num_format("0.0%"),
            datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
            datetime_secs: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            time: Format::new().set_num_format("hh:mm"),
            money: Format::new().set_num_format("0.00"),
        }
    }

    fn decimals(d: u8) -> Format {
        if d == 0 {
            Format::new().set_num_format("0")
        } else {
            Format::new().set_num_format(format!("0.{}", "0".repeat(usize::from(d))))
        }
    }
}

/// Widest content per column, for the widths set at the end.
#[derive(Default)]
struct Widths(Vec<usize>);

impl Widths {
    fn see(&mut self, col: u16, text_len: usize) {
        let i = usize::from(col);
        if self.0.len() <= i {
            self.0.resize(i + 1, 0);
        }
        self.0[i] = self.0[i].max(text_len);
    }

    fn apply(&self, ws: &mut Worksheet) -> Result<()> {
        for (i, w) in self.0.iter().enumerate() {
            let col = u16::try_from(i).context("too many columns")?;
            ws.set_column_width(col, (w + 2).clamp(MIN_WIDTH, MAX_WIDTH) as f64)?;
        }
        Ok(())
    }
}

fn excel_datetime(t: NaiveDateTime) -> Option<ExcelDateTime> {
    let year = u16::try_from(t.year()).ok()?;
    ExcelDateTime::from_ymd(year, t.month() as u8, t.day() as u8)
        .and_then(|d| d.and_hms(t.hour() as u16, t.minute() as u8, t.second()))
        .ok()
}

fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    ExcelDateTime::from_ymd(
        u16::try_from(d.year()).ok()?,
        d.month() as u8,
        d.day() as u8,
    )
    .ok()
}

fn excel_time(t: NaiveTime) -> Option<ExcelDateTime> {
    ExcelDateTime::from_hms(t.hour() as u16, t.minute() as u8, t.second()).ok()
}

/// Seconds as an Excel duration: a fraction of a day.
fn days(secs: i64) -> f64 {
    secs.max(0) as f64 / 86_400.0
}

/// Write one report cell with its type and format; returns the width it needs.
fn write_cell(ws: &mut Worksheet, row: u32, col: u16, cell: &Cell, f: &Formats) -> Result<usize> {
    match cell {
        Cell::Text(s) => {
            ws.write_string(row, col, s)?;
        }
        Cell::Int(n) => {
            ws.write_number(row, col, *n as f64)?;
        }
        Cell::Num(x, d) => {
            ws.write_number_with_format(row, col, *x, &Formats::decimals(*d))?;
        }
        Cell::Secs(s) => {
            ws.write_number_with_format(row, col, days(*s), &f.secs)?;
        }
        Cell::Pct(p) => {
            ws.write_number_with_format(row, col, *p, &f.pct)?;
        }
        Cell::Time(t) => match excel_datetime(*t) {
            Some(dt) => {
                ws.write_datetime_with_format(row, col, &dt, &f.datetime)?;
            }
            None => {
                ws.write_string(row, col, t.format("%Y-%m-%d %H:%M").to_string())?;
            }
        },
        Cell::Empty => {}
    }
    Ok(match cell {
        Cell::Empty => 0,
        Cell::Time(_) => 16,
        c => c.human().chars().count(),
    })
}

/// A sheet named `name` (Excel allows 31 characters, no `[]:*?/\`).
fn add_sheet<'a>(wb: &'a mut Workbook, name: &str) -> Result<&'a mut Worksheet> {
    let ws = wb.add_worksheet();
    ws.set_name(name)
        .with_context(|| format!("naming sheet {name:?}"))?;
    Ok(ws)
}

/// The report's table: a bold frozen header row of column labels, typed cells, a filter.
fn table_sheet(ws: &mut Worksheet, r: &Report, f: &Formats) -> Result<()> {
    let mut widths = Widths::default();
    for (c, col) in r.table.columns.iter().enumerate() {
        let c = u16::try_from(c).context("too many columns")?;
        let label = report_text(f.lang, col.label);
        ws.write_string_with_format(0, c, label.as_ref(), &f.header)?;
        widths.see(c, label.chars().count());
    }
    for (i, row) in r.table.rows.iter().enumerate() {
        let at = u32::try_from(i + 1).context("too many rows")?;
        for (c, cell) in row.iter().enumerate() {
            let c = u16::try_from(c).context("too many columns")?;
            let w = write_cell(ws, at, c, cell, f)?;
            widths.see(c, w);
        }
    }
    if !r.table.columns.is_empty() {
        ws.set_freeze_panes(1, 0)?;
        let last_row = u32::try_from(r.table.rows.len()).context("too many rows")?;
        let last_col = u16::try_from(r.table.columns.len() - 1).context("too many columns")?;
        ws.autofilter(0, 0, last_row, last_col)?;
    }
    widths.apply(ws)
}

/// Figures of one or more reports: a header row (`Report` first when there are several), the
/// report's title and period, each figure with its value and how it is defined, then the
/// notes.
fn figures_sheet(ws: &mut Worksheet, reports: &[Report], f: &Formats) -> Result<()> {
    let several = reports.len() > 1;
    let mut widths = Widths::default();
    let l = f.lang;
    let all = [
        t(l, "xlsx.report"),
        t(l, "xlsx.figure"),
        t(l, "xlsx.value"),
        t(l, "xlsx.note"),
    ];
    let head: &[&str] = if several { &all } else { &all[1..] };
    for (c, h) in head.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, *h, &f.header)?;
        widths.see(c, h.chars().count());
    }
    let first = u16::from(several);
    let mut row = 1u32;
    for r in reports {
        if several {
            ws.write_string(row, 0, r.name)?;
            widths.see(0, r.name.len());
        }
        let title = crate::i18n::report_title(l, r.name, r.title);
        ws.write_string_with_format(row, first, title.as_ref(), &f.title)?;
        // The title may run over the value column; it is not what sets the widths.
        row += 1;
        for (label, day) in [(t(l, "xlsx.from"), r.from), (t(l, "xlsx.to"), r.to)] {
            if several {
                ws.write_string(row, 0, r.name)?;
            }
            ws.write_string(row, first, label)?;
            match excel_date(day) {
                Some(d) => ws.write_datetime_with_format(row, first + 1, &d, &f.date)?,
                None => ws.write_string(row, first + 1, day.to_string())?,
            };
            widths.see(first + 1, 10);
            row += 1;
        }
        for fig in &r.figures {
            if several {
                ws.write_string(row, 0, r.name)?;
            }
            let label = report_text(l, &fig.label);
            ws.write_string(row, first, label.as_ref())?;
            widths.see(first, label.chars().count());
            let w = write_cell(ws, row, first + 1, &fig.value, f)?;
            widths.see(first + 1, w);
            if let Some(n) = &fig.note {
                let n = report_text(l, n);
                ws.write_string(row, first + 2, n.as_ref())?;
                widths.see(first + 2, n.chars().count());
            }
            row += 1;
        }
        for n in &r.notes {
            if several {
                ws.write_string(row, 0, r.name)?;
            }
            ws.write_string(row, first, t(l, "xlsx.note"))?;
            // A sentence: it runs on over the empty cells to its right, and sets no width.
            ws.write_string(row, first + 1, report_text(l, n).as_ref())?;
            row += 1;
        }
        row += 1;
    }
    ws.set_freeze_panes(1, 0)?;
    widths.apply(ws)
}

/// One report as a workbook: sheet `Figures` (title, period, figures, notes) and sheet
/// `Table`.
pub fn report_workbook(r: &Report) -> Result<Vec<u8>> {
    report_workbook_lang(r, Lang::En)
}

/// [`report_workbook`] in `lang`: sheet names, headers and labels translated.
pub fn report_workbook_lang(r: &Report, lang: Lang) -> Result<Vec<u8>> {
    let f = Formats::in_lang(lang);
    let mut wb = Workbook::new();
    let figures = t(lang, "xlsx.figures");
    figures_sheet(add_sheet(&mut wb, figures)?, std::slice::from_ref(r), &f)?;
    table_sheet(add_sheet(&mut wb, t(lang, "xlsx.table"))?, r, &f)?;
    Ok(wb.save_to_buffer()?)
}

/// The calls of `from..=to` as a workbook with one sheet, `Calls`.
pub fn calls_workbook(reader: &Reader, from: NaiveDate, to: NaiveDate) -> Result<Vec<u8>> {
    calls_workbook_lang(reader, from, to, Lang::En)
}

/// [`calls_workbook`] in `lang`.
pub fn calls_workbook_lang(
    reader: &Reader,
    from: NaiveDate,
    to: NaiveDate,
    lang: Lang,
) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    calls_sheet(&mut wb, reader, from, to, lang)?;
    Ok(wb.save_to_buffer()?)
}

/// The month's workbook: `Figures` of every report, one sheet per report's table (named by
/// the report, e.g. `summary`), then the `Calls`.
pub fn month_workbook(
    reports: &[Report],
    reader: &Reader,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<u8>> {
    month_workbook_lang(reports, reader, from, to, Lang::En)
}

/// [`month_workbook`] in `lang` (the reports' sheets keep their names, e.g. `summary`).
pub fn month_workbook_lang(
    reports: &[Report],
    reader: &Reader,
    from: NaiveDate,
    to: NaiveDate,
    lang: Lang,
) -> Result<Vec<u8>> {
    let f = Formats::in_lang(lang);
    let mut wb = Workbook::new();
    figures_sheet(add_sheet(&mut wb, t(lang, "xlsx.figures"))?, reports, &f)?;
    for r in reports {
        table_sheet(add_sheet(&mut wb, r.name)?, r, &f)?;
    }
    calls_sheet(&mut wb, reader, from, to, lang)?;
    Ok(wb.save_to_buffer()?)
}

/// How each calls column ([`export::COLUMNS`], and the phonebook's) becomes a cell.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    Text,
    Int,
    Money,
    Date,
    Time,
    Duration,
    DateTime,
}

fn kind(column: &str) -> Kind {
    match column {
        "seq" | "ring_secs" | "duration_secs" | "unanswered" | "transferred" | "forwarded" => {
            Kind::Int
        }
        "date" => Kind::Date,
        "time" => Kind::Time,
        "duration" => Kind::Duration,
        "cost" => Kind::Money,
        "received_at" => Kind::DateTime,
        _ => Kind::Text,
    }
}

/// Widths of the calls columns, set before the rows (a streamed sheet cannot go back):
/// enough for the usual contents.
fn calls_width(column: &str) -> usize {
    match kind(column) {
        Kind::DateTime => 19,
        Kind::Date => 10,
        _ => match column {
            "number" | "caller_name" | "source" | "name" => 20,
            _ => column.len().max(6),
        },
    }
}

/// The calls sheet, streamed row by row through a temp file (a year of a busy office does
/// not fit in a Raspberry Pi's memory as cells). Values are the CSV's ([`export`]), typed.
fn calls_sheet(
    wb: &mut Workbook,
    reader: &Reader,
    from: NaiveDate,
    to: NaiveDate,
    lang: Lang,
) -> Result<()> {
    let f = Formats::in_lang(lang);
    let ws = wb
        .add_worksheet_with_constant_memory()
        .context("a temp file for the calls sheet")?;
    ws.set_name(t(lang, "xlsx.calls"))?;
    // With a phonebook, its name and tag columns come last (export::PHONEBOOK_COLUMNS).
    let book = crate::phonebook::Book::new(reader.phonebook()?);
    let names = export::call_columns(&book);
    let kinds: Vec<Kind> = names.iter().map(|name| kind(name)).collect();
    for (c, name) in names.iter().enumerate() {
        let c = u16::try_from(c).context("too many columns")?;
        ws.set_column_width(c, (calls_width(name) + 2) as f64)?;
    }
    for (c, name) in names.iter().enumerate() {
        let head = crate::i18n::calls_column(lang, name);
        ws.write_string_with_format(0, c as u16, &head, &f.header)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let mut row = 1u32;
    let mut left_out = 0u64;
    reader.for_each_call(from, to, |call| {
        // The last row says what did not fit.
        if row >= EXCEL_ROWS - 1 {
            left_out += 1;
            return Ok(());
        }
        let mut cells = export::row_cells(call, &Local);
        if !book.is_empty() {
            cells.extend(export::phonebook_cells(call, &book));
        }
        for (c, (value, k)) in cells.iter().zip(&kinds).enumerate() {
            write_call_cell(ws, row, c as u16, value, *k, &f)?;
        }
        row += 1;
        Ok(())
    })?;
    if left_out > 0 {
        let n = crate::i18n::counted(lang, left_out, "n.call");
        let words = crate::i18n::tf(lang, "xlsx.left_out", &[&n]);
        ws.write_string(row, 0, words)?;
    }
    let last_col = u16::try_from(names.len() - 1).context("too many columns")?;
    ws.autofilter(0, 0, row.saturating_sub(1).max(1), last_col)?;
    Ok(())
}

/// One calls cell from its CSV text: typed where it reads as its kind, else the text itself
/// (so nothing the PBX printed is ever lost to a failed conversion).
fn write_call_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: &str,
    k: Kind,
    f: &Formats,
) -> Result<()> {
    if value.is_empty() {
        return Ok(());
    }
    let written = match k {
        Kind::Text => false,
        Kind::Int => match value.parse::<i64>() {
            Ok(n) => {
                ws.write_number(row, col, n as f64)?;
                true
            }
            Err(_) => false,
        },
        Kind::Money => match value.parse::<f64>() {
            Ok(x) if x.is_finite() => {
                ws.write_number_with_format(row, col, x, &f.money)?;
                true
            }
            _ => false,
        },
        Kind::Date => match NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .ok()
            .and_then(excel_date)
        {
            Some(d) => {
                ws.write_datetime_with_format(row, col, &d, &f.date)?;
                true
            }
            None => false,
        },
        Kind::Time => match NaiveTime::parse_from_str(value, "%H:%M")
            .ok()
            .and_then(excel_time)
        {
            Some(t) => {
                ws.write_datetime_with_format(row, col, &t, &f.time)?;
                true
            }
            None => false,
        },
        Kind::Duration => match parse_hms(value) {
            Some(s) => {
                ws.write_number_with_format(row, col, days(s), &f.secs)?;
                true
            }
            None => false,
        },
        Kind::DateTime => {
            match NaiveDateTime::parse_from_str(value, export::DATETIME_FORMAT)
                .ok()
                .and_then(excel_datetime)
            {
                Some(t) => {
                    ws.write_datetime_with_format(row, col, &t, &f.datetime_secs)?;
                    true
                }
                None => false,
            }
        }
    };
    if !written {
        ws.write_string(row, col, value)?;
    }
    Ok(())
}

/// `1:02:05` -> 3725 (what [`export::hms`] writes).
fn parse_hms(s: &str) -> Option<i64> {
    let mut parts = s.split(':');
    let (h, m, sec) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let n = |p: &str| p.parse::<i64>().ok().filter(|v| *v >= 0);
    Some(n(h)? * 3600 + n(m)? * 60 + n(sec)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_columns_have_a_kind_each_as_documented() {
        // The typed columns exist under these names: a renamed CSV column would silently turn
        // into text here otherwise.
        let names: Vec<&str> = export::COLUMNS.iter().map(|c| c.0).collect();
        for typed in [
            "seq",
            "ring_secs",
            "duration_secs",
            "unanswered",
            "transferred",
            "forwarded",
            "date",
            "time",
            "duration",
            "cost",
            "received_at",
        ] {
            assert!(names.contains(&typed), "{typed}");
            assert_ne!(kind(typed), Kind::Text);
        }
        assert_eq!(kind("number"), Kind::Text, "phone numbers keep their zeros");
    }

    #[test]
    fn durations_read_back() {
        for s in [0, 59, 65, 3725, 90_000] {
            assert_eq!(parse_hms(&export::hms(s)), Some(s));
        }
        assert_eq!(parse_hms("1:02"), None);
        assert_eq!(parse_hms("a:00:00"), None);
        assert_eq!(days(43_200), 0.5);
    }

    #[test]
    fn date_times_become_excel_serials() {
        let t = NaiveDate::from_ymd_opt(2026, 10, 5)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        // 1900 date system: 2026-10-05 is day 46300.
        let want = 46300.5;
        let got =
            rust_xlsxwriter::IntoExcelDateTime::to_excel_serial_date(&excel_datetime(t).unwrap());
        assert!((got - want).abs() < 1e-9, "{got}");
    }
}
