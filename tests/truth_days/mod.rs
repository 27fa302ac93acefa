//! Shared helpers of the report and calls truth tests (each test file takes what it needs, so
//! some go unused in each).
//!
//! This module: generated office days for the report truth tests (`report_lost`,
//! `report_lines`, `report_cost`): consecutive days printed by `officeday`, read back line by
//! line with the real Panasonic parser, grouped by the calls model, next to the generator's
//! truth with times made absolute (seconds since the first day's midnight) so that calls can be
//! compared across midnight.
//!
//! - [`cells`]: reading a report's figures and cells, bounds and failure lists;
//! - [`printout`]: hand-written and generated printouts for the end-to-end report tests;
//! - [`trunks`]: busy lines per second and per hour for the `load` and `sufficiency` tests.
#![allow(dead_code)]

pub mod cells;
pub mod printout;
pub mod trunks;

use chrono::{NaiveDate, NaiveDateTime};
use smdrbox::core::calls::{group, Call};
use smdrbox::core::dialect::panasonic::Panasonic;
use smdrbox::core::dialect::{DateOrder, Dialect};
use smdrbox::core::officeday::{
    format_record, generate, office_day, truth_of, DayOptions, GenRecord, Layout, TruthCall,
};
use smdrbox::core::record::{Parsed, Record};

pub const DAY: i64 = 86_400;

/// One truth call with absolute times.
#[derive(Debug, Clone)]
pub struct Truth {
    /// Index of its day in [`Loaded::days`].
    pub day: usize,
    pub t: TruthCall,
    pub start: i64,
    pub end: i64,
    pub answered_at: Option<i64>,
    /// Its lines as global seqs (the model's `parts`), consultations excluded.
    pub lines: Vec<i64>,
}

pub struct Loaded {
    pub layout: Layout,
    pub seed: u64,
    pub days: Vec<NaiveDate>,
    /// Every generated record of all days; index = seq.
    pub gen: Vec<GenRecord>,
    pub records: Vec<(i64, Record)>,
    pub calls: Vec<Call>,
    pub truth: Vec<Truth>,
}

impl Loaded {
    /// `n` consecutive days from `first`, one generator seed.
    pub fn days(first: NaiveDate, n: usize, seed: u64, layout: Layout) -> Loaded {
        Loaded::days_with_ddi(first, n, seed, layout, |_| None)
    }

    /// The same, with a DDI printed on the incoming lines where `ddi` gives one (the
    /// generator prints none): `<D>ddi<I>caller` in the Dial Number column.
    pub fn days_with_ddi(
        first: NaiveDate,
        n: usize,
        seed: u64,
        layout: Layout,
        ddi: fn(&GenRecord) -> Option<String>,
    ) -> Loaded {
        let mut l = Loaded {
            layout,
            seed,
            days: Vec::new(),
            gen: Vec::new(),
            records: Vec::new(),
            calls: Vec::new(),
            truth: Vec::new(),
        };
        let mut parser = Panasonic::new(DateOrder::Dmy);
        for (k, date) in first.iter_days().take(n).enumerate() {
            let opts = DayOptions {
                layout,
                ..DayOptions::new(date, seed)
            };
            let offset = l.gen.len() as i64;
            let mut gen = generate(&opts);
            let mut printed: Vec<String> = office_day(&opts).into_iter().map(|s| s.text).collect();
            if gen.iter().any(|r| ddi(r).is_some()) {
                for r in &mut gen {
                    if let (Some(d), Some(cli)) = (ddi(r), r.fields.dial.strip_prefix("<I>")) {
                        r.fields.dial = format!("<D>{d}<I>{cli}");
                    }
                }
                printed = gen
                    .iter()
                    .map(|r| format_record(layout, &r.fields, false, DateOrder::Dmy))
                    .collect();
            }
            let mut read = 0;
            for text in printed {
                match parser.parse(&text) {
                    Parsed::Record { record, .. } => {
                        l.records.push((offset + read, *record));
                        read += 1;
                    }
                    Parsed::Header { .. } => {}
                    Parsed::Reject { reason } => panic!("rejected {text:?}: {reason}"),
                }
            }
            assert_eq!(read as usize, gen.len(), "every generated line reads back");
            let base = k as i64 * DAY;
            for t in truth_of(&gen) {
                l.truth.push(Truth {
                    day: k,
                    start: base + i64::from(t.start_secs),
                    end: base + i64::from(t.end_secs),
                    answered_at: t.answered_at.map(|a| base + i64::from(a)),
                    lines: t.lines.iter().map(|&i| offset + i as i64).collect(),
                    t,
                });
            }
            l.gen.extend(gen);
            l.days.push(date);
        }
        l.calls = group(&l.records);
        l
    }

    /// Seconds since the first day's midnight.
    pub fn secs(&self, t: NaiveDateTime) -> i64 {
        (t - self.days[0].and_hms_opt(0, 0, 0).unwrap()).num_seconds()
    }

    pub fn tag(&self) -> String {
        format!(
            "seed {} from {} ({}) layout {:?}",
            self.seed,
            self.days[0],
            self.days[0].format("%a"),
            self.layout
        )
    }

    /// The truth call a model call's parts are exactly the lines of, if any.
    pub fn truth_of_call(&self, c: &Call) -> Option<&Truth> {
        self.truth.iter().find(|t| t.lines == c.parts)
    }
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}
