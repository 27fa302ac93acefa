//! Printouts for the end-to-end report tests (`report_durations`, `report_operators`,
//! `report_repeat`, `report_summary`): Panasonic lines written by hand or generated office
//! days, read back by the real parser and grouped by the calls model, with the generator's
//! truth beside them.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use smdrbox::core::calls::{group, Call};
use smdrbox::core::dialect::panasonic::Panasonic;
use smdrbox::core::dialect::{DateOrder, Dialect};
use smdrbox::core::officeday::{
    format_record, office_day, truth, DayOptions, Fields, Layout, TruthCall,
};
use smdrbox::core::record::{Parsed, Record};

/// "2024-03-12".
pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Reads printed lines with one parser; records get seqs 1, 2, ...
pub fn parse_lines(lines: impl IntoIterator<Item = String>) -> Vec<(i64, Record)> {
    let mut parser = Panasonic::new(DateOrder::Dmy);
    let mut out = Vec::new();
    for text in lines {
        match parser.parse(&text) {
            Parsed::Record { record, .. } => out.push((out.len() as i64 + 1, *record)),
            Parsed::Header { .. } => {}
            Parsed::Reject { reason } => panic!("rejected {text:?}: {reason}"),
        }
    }
    out
}

/// Generated days of one seed, printed one after the other, read back and grouped together;
/// with each day's truth.
pub fn load(
    seed: u64,
    days: &[NaiveDate],
    layout: Layout,
) -> (Vec<Call>, Vec<(NaiveDate, Vec<TruthCall>)>) {
    load_with(seed, days, layout, truth, |t| t)
}

/// [`load`] with each day's truth made by `truth_of` from the day's options (`call` gives the
/// truth call of an entry, to count the lines that must read back).
pub fn load_with<T>(
    seed: u64,
    days: &[NaiveDate],
    layout: Layout,
    truth_of: impl Fn(&DayOptions) -> Vec<T>,
    call: impl Fn(&T) -> &TruthCall,
) -> (Vec<Call>, Vec<(NaiveDate, Vec<T>)>) {
    let mut lines = Vec::new();
    let mut truths = Vec::new();
    for &d in days {
        let o = DayOptions {
            layout,
            ..DayOptions::new(d, seed)
        };
        lines.extend(office_day(&o).into_iter().map(|l| l.text));
        truths.push((d, truth_of(&o)));
    }
    let records = parse_lines(lines);
    let want: usize = truths
        .iter()
        .flat_map(|(_, t)| t)
        .map(|t| {
            let c = call(t);
            c.lines.len() + c.consultation_lines.len()
        })
        .sum();
    assert_eq!(records.len(), want, "every generated line reads back");
    (group(&records), truths)
}

/// A line written by hand: (printed at, ext, CO, dial, ring, talk, condition).
pub type Spec = (
    &'static str,
    &'static str,
    Option<u16>,
    &'static str,
    u32,
    Option<u32>,
    &'static str,
);

/// One printed line: `at` is the printed date and time (the leg's end).
pub fn line(layout: Layout, spec: &Spec) -> String {
    let &(at, ext, co, dial, ring, dur, cd) = spec;
    let at = NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M").unwrap();
    let f = Fields {
        date: at.date(),
        time_secs: (at.time() - NaiveTime::MIN).num_seconds() as u32,
        ext: ext.into(),
        co,
        dial: dial.into(),
        // Only incoming lines print a ring time.
        ring_secs: dial.starts_with("<I>").then_some(ring),
        duration_secs: dur,
        cost_cents: co.map(|_| 0),
        account: None,
        condition: cd.into(),
    };
    format_record(layout, &f, false, DateOrder::Dmy)
}
