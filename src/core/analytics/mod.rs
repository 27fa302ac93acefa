//! Reports from calls (pure): calls and options in, a [`Report`] out. A report is data: headline
//! figures, one table, an optional chart, and notes that say what the figures cannot know. The
//! edges render it as a web page with an SVG chart, as CSV, as JSON or as text.
//!
//! Definitions follow `shared/analytics.md`; every rate names its variant next to the number.

pub mod cost;
pub mod durations;
pub mod hours;
pub mod lines;
pub mod load;
pub mod lost;
pub mod operators;
pub mod repeat;
pub mod sufficiency;
pub mod summary;
pub mod tariff;

use crate::core::calls::Call;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which calls count as "within T" for the service level (analytics.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlVariant {
    /// Answered within T over all offered calls (answered + lost): every lost call counts
    /// against it. The strictest, and the default.
    #[default]
    OverOffered,
    /// Answered within T over answered calls: lost calls are ignored.
    OverAnswered,
    /// Over offered, but lost calls that rang less than `short_abandon_secs` are left out
    /// (callers who hung up at once).
    ShortAbandonsExcluded,
}

impl SlVariant {
    /// How the variant is named next to the number.
    pub fn label(self, short_abandon_secs: u32) -> String {
        match self {
            SlVariant::OverOffered => "over offered calls".into(),
            SlVariant::OverAnswered => "over answered calls".into(),
            SlVariant::ShortAbandonsExcluded => {
                format!("over offered calls, hang-ups within {short_abandon_secs} s left out")
            }
        }
    }
}

/// What reports need besides the calls: thresholds and the names an office uses.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportOptions {
    /// First and last day of the period (inclusive), by the call's start date.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Service-level threshold T, seconds.
    pub service_level_secs: u32,
    pub sl_variant: SlVariant,
    pub short_abandon_secs: u32,
    /// A lost call counts as called back when the number is connected within this window.
    pub callback_window_hours: u32,
    /// Talk-time bands: short below the first, long from the second (seconds).
    pub short_call_secs: u32,
    pub long_call_secs: u32,
    /// Extension -> name ("101" -> "Anna").
    pub extension_names: BTreeMap<String, String>,
    /// Trunk (CO) or DDI -> channel name ("01" -> "Website").
    pub line_names: BTreeMap<String, String>,
    /// DDI/DID (the number the caller dialled) -> channel name ("0800123" -> "Google Ads");
    /// looked up before `line_names`, which named DDIs before this existed.
    pub did_names: BTreeMap<String, String>,
    /// When the office answers: service level and lost share count the calls that began
    /// within them, calls outside are shown apart. `None`: every hour is a working hour.
    pub working_hours: Option<hours::WorkingHours>,
    /// Lines the PBX has towards the carrier (for sufficiency); `None` when not configured.
    pub trunk_count: Option<u32>,
    /// Target blocking for line sizing and target service level for operator sizing.
    pub target_blocking: f64,
    pub target_service_level: f64,
    /// Tariff table for calls the PBX printed no charge for (cost report); empty when not
    /// configured.
    pub tariffs: Vec<tariff::Tariff>,
    /// Currency the tariff prices are in (`[report] currency`); empty without a table.
    pub tariff_currency: String,
    /// The phonebook: names and tags of outside numbers (`crate::phonebook`, pure), loaded
    /// by the edge (`reports::build`); empty adds no column or figure to any report.
    #[serde(skip)]
    pub phonebook: crate::phonebook::Book,
}

impl ReportOptions {
    pub fn new(from: NaiveDate, to: NaiveDate) -> ReportOptions {
        ReportOptions {
            from,
            to,
            service_level_secs: 20,
            sl_variant: SlVariant::default(),
            short_abandon_secs: 5,
            callback_window_hours: 24,
            short_call_secs: 40,
            long_call_secs: 300,
            extension_names: BTreeMap::new(),
            line_names: BTreeMap::new(),
            did_names: BTreeMap::new(),
            working_hours: None,
            trunk_count: None,
            target_blocking: 0.01,
            target_service_level: 0.8,
            tariffs: Vec::new(),
            tariff_currency: String::new(),
            phonebook: crate::phonebook::Book::default(),
        }
    }

    /// Is `t` within the period (by date)?
    pub fn contains(&self, t: NaiveDateTime) -> bool {
        let d = t.date();
        self.from <= d && d <= self.to
    }

    /// "101 Anna" or "101".
    pub fn extension_label(&self, ext: &str) -> String {
        match self.extension_names.get(ext) {
            Some(n) => format!("{ext} {n}"),
            None => ext.to_string(),
        }
    }

    /// "01 Website" or "01".
    pub fn line_label(&self, line: &str) -> String {
        match self.line_names.get(line) {
            Some(n) => format!("{line} {n}"),
            None => line.to_string(),
        }
    }

    /// A DDI with its channel name: "0800123 Google Ads" or "0800123".
    pub fn ddi_label(&self, ddi: &str) -> String {
        match self.did_names.get(ddi) {
            Some(n) => format!("{ddi} {n}"),
            None => self.line_label(ddi),
        }
    }

    /// Did a call that began at `t` begin within working hours (always, without hours)?
    pub fn in_hours(&self, t: NaiveDateTime) -> bool {
        self.working_hours.as_ref().is_none_or(|h| h.contains(t))
    }

    /// Working hours are configured: reports show the calls outside them apart.
    pub fn has_hours(&self) -> bool {
        self.working_hours.is_some()
    }
}

/// One table cell, typed so that CSV gets plain numbers and pages get readable ones.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "t", content = "v", rename_all = "snake_case")]
pub enum Cell {
    Text(String),
    Int(i64),
    /// A number with this many decimals.
    Num(f64, u8),
    /// A duration in seconds (pages show m:ss or h:mm:ss).
    Secs(i64),
    /// A share 0..=1 (pages show a percentage).
    Pct(f64),
    /// A moment, box local time as printed by the PBX.
    Time(NaiveDateTime),
    /// Not known (e.g. ring time without a ring column) or not applicable.
    Empty,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    /// Machine name: CSV header and JSON key, snake_case.
    pub key: &'static str,
    /// What a person reads as the column head.
    pub label: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

/// What a picture of the table shows. Values are plain numbers; the renderer draws them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Chart {
    /// Bars per label, one bar per series side by side (e.g. answered and lost per hour).
    Bars {
        title: String,
        labels: Vec<String>,
        series: Vec<Series>,
    },
    /// Lines over labels (e.g. per day).
    Lines {
        title: String,
        labels: Vec<String>,
        series: Vec<Series>,
    },
    /// A grid of values: rows (e.g. weekdays) by columns (e.g. hours).
    Heatmap {
        title: String,
        rows: Vec<String>,
        columns: Vec<String>,
        /// `values[row][column]`.
        values: Vec<Vec<f64>>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

/// A headline figure: label, value, and (optionally) how it is defined.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub key: &'static str,
    pub label: String,
    pub value: Cell,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// URL and CLI name, e.g. `summary`.
    pub name: &'static str,
    pub title: &'static str,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub figures: Vec<Figure>,
    pub table: Table,
    pub chart: Option<Chart>,
    /// What the figures cannot know and how to make them know it (PBX settings), caveats of
    /// estimates.
    pub notes: Vec<String>,
}

/// The reports there are: (name, title, one line on what it answers).
pub const REPORTS: &[(&str, &str, &str)] = &[
    (summary::NAME, summary::TITLE, summary::ABOUT),
    (operators::NAME, operators::TITLE, operators::ABOUT),
    (durations::NAME, durations::TITLE, durations::ABOUT),
    (repeat::NAME, repeat::TITLE, repeat::ABOUT),
    (lost::NAME, lost::TITLE, lost::ABOUT),
    (lines::NAME, lines::TITLE, lines::ABOUT),
    (cost::NAME, cost::TITLE, cost::ABOUT),
    (load::NAME, load::TITLE, load::ABOUT),
    (sufficiency::NAME, sufficiency::TITLE, sufficiency::ABOUT),
];

/// Calls whose start lies in the period: what most reports count.
pub fn in_period<'a>(
    calls: &'a [Call],
    opts: &'a ReportOptions,
) -> impl Iterator<Item = &'a Call> + 'a {
    calls.iter().filter(move |c| opts.contains(c.start))
}

/// Run the report called `name`; `None` if there is no such report.
pub fn run(name: &str, calls: &[Call], opts: &ReportOptions) -> Option<Report> {
    let _ = (calls, opts);
    match name {
        "summary" => Some(summary::report(calls, opts)),
        "operators" => Some(operators::report(calls, opts)),
        "durations" => Some(durations::report(calls, opts)),
        "repeat" => Some(repeat::report(calls, opts)),
        "lost" => Some(lost::report(calls, opts)),
        "lines" => Some(lines::report(calls, opts)),
        "cost" => Some(cost::report(calls, opts)),
        "load" => Some(load::report(calls, opts)),
        "sufficiency" => Some(sufficiency::report(calls, opts)),
        _ => None,
    }
}

impl Cell {
    /// For a person: `1:05`, `12.5 %`, `2026-11-23 10:05`, `–` for unknown.
    pub fn human(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Num(x, d) => format!("{x:.*}", usize::from(*d)),
            Cell::Secs(s) => human_secs(*s),
            Cell::Pct(p) => format!("{:.1} %", p * 100.0),
            Cell::Time(t) => t.format("%Y-%m-%d %H:%M").to_string(),
            Cell::Empty => "–".to_string(),
        }
    }

    /// For a spreadsheet: plain numbers (seconds as integers, shares as percentages with one
    /// decimal), ISO-like times, empty when unknown.
    pub fn plain(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Num(x, d) => format!("{x:.*}", usize::from(*d)),
            Cell::Secs(s) => s.to_string(),
            Cell::Pct(p) => format!("{:.1}", p * 100.0),
            Cell::Time(t) => t.format("%Y-%m-%d %H:%M").to_string(),
            Cell::Empty => String::new(),
        }
    }

    /// Right-aligned in tables: numbers are.
    pub fn is_numeric(&self) -> bool {
        !matches!(self, Cell::Text(_) | Cell::Time(_))
    }
}

/// `0:42`, `12:05`, `1:02:05`.
pub fn human_secs(s: i64) -> String {
    let s = s.max(0);
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

#[cfg(test)]
mod cell_tests {
    use super::*;

    #[test]
    fn cells_for_people_and_spreadsheets() {
        let t = NaiveDate::from_ymd_opt(2026, 11, 23)
            .unwrap()
            .and_hms_opt(10, 5, 0)
            .unwrap();
        let cases = [
            (Cell::Int(42), "42", "42"),
            (Cell::Num(8.1084, 2), "8.11", "8.11"),
            (Cell::Secs(65), "1:05", "65"),
            (Cell::Secs(3725), "1:02:05", "3725"),
            (Cell::Pct(0.125), "12.5 %", "12.5"),
            (Cell::Time(t), "2026-11-23 10:05", "2026-11-23 10:05"),
            (Cell::Empty, "–", ""),
            (Cell::Text("Anna".into()), "Anna", "Anna"),
        ];
        for (c, human, plain) in cases {
            assert_eq!(c.human(), human);
            assert_eq!(c.plain(), plain);
        }
    }
}
