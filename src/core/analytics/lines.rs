//! "Which line or advertising channel brings calls and which loses them": per trunk (CO line)
//! and, when the PBX prints the dialled number (DDI/DID, Panasonic `<D>`), per DDI, named by
//! `opts.line_names` (analytics.md §2, "Call tracking by DID").
//!
//! Over the calls that **started** in the period:
//!
//! - **Incoming**, **answered** (an extension or an outside number talked), **lost** (nobody
//!   answered); incoming = answered + lost.
//! - **Lost share**: lost / incoming; with [`SlVariant::ShortAbandonsExcluded`] the lost calls
//!   that rang less than `short_abandon_secs` are left out of both counts (as the summary
//!   report does).
//! - **Service level**: answered calls that rang at most `service_level_secs`, over the
//!   variant's denominator (answered + lost; answered; answered + lost − short hang-ups).
//!   `Cell::Empty` as soon as one of the calls it needs has no ring time (Pattern B).
//! - **Callers**: distinct caller numbers; **first-time** callers are numbers not seen as a
//!   caller (on any line) earlier in the loaded calls, counted on the line of their first
//!   call; the others are **repeat** callers. The loaded calls begin some days before the
//!   period (the edge loads a lookback): a caller last seen before that counts as new.
//! - **Outgoing**: calls dialled out on the line (lines only; a DDI is for incoming calls).

use std::collections::{BTreeMap, BTreeSet};

use super::{Cell, Chart, Column, Figure, Report, ReportOptions, Series, SlVariant, Table};
use crate::core::calls::{Call, Outcome, RING_UNKNOWN_NOTICE};
use crate::core::record::Direction;
use chrono::NaiveDateTime;

pub const NAME: &str = "lines";
pub const TITLE: &str = "Calls per line and channel";
pub const ABOUT: &str = "Which line or advertising channel brings calls and which loses them";

/// What one line (or DDI, or the whole office) counts.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Tally {
    pub incoming: u64,
    pub answered: u64,
    pub lost: u64,
    /// Answered calls with a ring time at most T.
    pub answered_within: u64,
    /// Answered calls without a ring time (Pattern B).
    pub answered_ring_unknown: u64,
    /// Lost calls that rang less than the short-abandon threshold.
    pub short_lost: u64,
    pub lost_ring_unknown: u64,
    pub callers: BTreeSet<String>,
    pub first_time: BTreeSet<String>,
    pub no_caller_id: u64,
    pub outgoing: u64,
}

impl Tally {
    fn add_incoming(&mut self, c: &Call, opts: &ReportOptions) {
        self.incoming += 1;
        match c.outcome {
            Outcome::Answered => {
                self.answered += 1;
                match c.ring_secs {
                    Some(r) if r <= opts.service_level_secs => self.answered_within += 1,
                    Some(_) => {}
                    None => self.answered_ring_unknown += 1,
                }
            }
            _ => {
                self.lost += 1;
                match c.ring_secs {
                    Some(r) if r < opts.short_abandon_secs => self.short_lost += 1,
                    Some(_) => {}
                    None => self.lost_ring_unknown += 1,
                }
            }
        }
        match &c.external_number {
            Some(n) => {
                self.callers.insert(n.clone());
            }
            None => self.no_caller_id += 1,
        }
    }

    /// Lost share by the variant; `None` with no calls, or when short hang-ups must be left
    /// out and a lost call's ring time is unknown.
    pub fn lost_share(&self, v: SlVariant) -> Option<f64> {
        let (lost, incoming) = match v {
            SlVariant::ShortAbandonsExcluded => {
                if self.lost_ring_unknown > 0 {
                    return None;
                }
                (self.lost - self.short_lost, self.incoming - self.short_lost)
            }
            _ => (self.lost, self.incoming),
        };
        (incoming > 0).then(|| lost as f64 / incoming as f64)
    }

    /// Service level by the variant; `None` when a needed ring time is unknown or there is no
    /// call to divide by.
    pub fn service_level(&self, v: SlVariant) -> Option<f64> {
        if self.answered_ring_unknown > 0 {
            return None;
        }
        let denominator = match v {
            SlVariant::OverOffered => self.answered + self.lost,
            SlVariant::OverAnswered => self.answered,
            SlVariant::ShortAbandonsExcluded => {
                if self.lost_ring_unknown > 0 {
                    return None;
                }
                self.answered + self.lost - self.short_lost
            }
        };
        (denominator > 0).then(|| self.answered_within as f64 / denominator as f64)
    }
}

/// Where a row's calls came in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Channel {
    /// Trunk number when numeric (for the order), then as printed; `None`: not printed.
    Line(Option<(u64, String)>),
    Ddi(String),
}

fn line_channel(trunk: Option<&str>) -> Channel {
    Channel::Line(trunk.map(|t| (t.trim().parse::<u64>().unwrap_or(u64::MAX), t.to_string())))
}

/// The order calls are compared in: start, then print order.
fn key(c: &Call) -> (NaiveDateTime, Option<i64>) {
    (c.start, c.parts.first().copied())
}

pub fn report(calls: &[Call], opts: &ReportOptions) -> Report {
    // Each number's first incoming call in all the loaded calls.
    let mut first_seen: BTreeMap<&str, (NaiveDateTime, Option<i64>)> = BTreeMap::new();
    for c in calls.iter().filter(|c| c.direction == Direction::Incoming) {
        if let Some(n) = c.external_number.as_deref() {
            let k = key(c);
            first_seen
                .entry(n)
                .and_modify(|f| *f = (*f).min(k))
                .or_insert(k);
        }
    }
    let loaded_from = calls.iter().map(|c| c.start).min();

    let mut rows: BTreeMap<Channel, Tally> = BTreeMap::new();
    let mut all = Tally::default();
    // The incoming calls that began within working hours (all of them without hours): the
    // lost share and service level count these.
    let mut rows_inside: BTreeMap<Channel, Tally> = BTreeMap::new();
    let mut all_inside = Tally::default();
    for c in super::in_period(calls, opts) {
        match c.direction {
            Direction::Incoming => {
                let first = c
                    .external_number
                    .as_deref()
                    .filter(|n| first_seen.get(n) == Some(&key(c)));
                let mut channels = vec![line_channel(c.trunk.as_deref())];
                channels.extend(c.ddi.clone().map(Channel::Ddi));
                let inside = opts.in_hours(c.start);
                for ch in channels {
                    if inside {
                        rows_inside
                            .entry(ch.clone())
                            .or_default()
                            .add_incoming(c, opts);
                    }
                    let t = rows.entry(ch).or_default();
                    t.add_incoming(c, opts);
                    t.first_time.extend(first.map(str::to_string));
                }
                if inside {
                    all_inside.add_incoming(c, opts);
                }
                all.add_incoming(c, opts);
                all.first_time.extend(first.map(str::to_string));
            }
            Direction::Outgoing => {
                rows.entry(line_channel(c.trunk.as_deref()))
                    .or_default()
                    .outgoing += 1;
                all.outgoing += 1;
            }
            Direction::Internal => {}
        }
    }

    let v = opts.sl_variant;
    let sl_label = format!(
        "answered within {} s, {}",
        opts.service_level_secs,
        v.label(opts.short_abandon_secs)
    );
    let lost_label = match v {
        SlVariant::ShortAbandonsExcluded => format!(
            "lost / incoming, hang-ups within {} s left out",
            opts.short_abandon_secs
        ),
        _ => "lost / incoming".to_string(),
    };
    let pct = |x: Option<f64>| x.map_or(Cell::Empty, Cell::Pct);
    let mut table_rows = Vec::new();
    let mut labels = Vec::new();
    let (mut answered, mut lost) = (Vec::new(), Vec::new());
    let no_calls = Tally::default();
    for (ch, t) in &rows {
        let ti = rows_inside.get(ch).unwrap_or(&no_calls);
        let (label, kind) = match ch {
            Channel::Line(Some((_, trunk))) => (opts.line_label(trunk), "line"),
            Channel::Line(None) => ("no line printed".to_string(), "line"),
            Channel::Ddi(d) => (opts.ddi_label(d), "DDI"),
        };
        labels.push(match ch {
            Channel::Ddi(_) => format!("DDI {label}"),
            _ => label.clone(),
        });
        answered.push(t.answered as f64);
        lost.push(t.lost as f64);
        let first_time = t.first_time.len() as i64;
        let mut row = vec![
            Cell::Text(label),
            Cell::Text(kind.to_string()),
            Cell::Int(t.incoming as i64),
            Cell::Int(t.answered as i64),
            Cell::Int(t.lost as i64),
            pct(ti.lost_share(v)),
            pct(ti.service_level(v)),
            Cell::Int(t.callers.len() as i64),
            Cell::Int(first_time),
            Cell::Int(t.callers.len() as i64 - first_time),
            Cell::Int(t.no_caller_id as i64),
            match ch {
                Channel::Line(_) => Cell::Int(t.outgoing as i64),
                Channel::Ddi(_) => Cell::Empty,
            },
        ];
        if opts.has_hours() {
            row.push(Cell::Int((t.lost - ti.lost) as i64));
        }
        table_rows.push(row);
    }

    let lines_used = rows
        .iter()
        .filter(|(ch, t)| matches!(ch, Channel::Line(_)) && t.incoming + t.outgoing > 0)
        .count();
    let ddis = rows
        .keys()
        .filter(|ch| matches!(ch, Channel::Ddi(_)))
        .count();
    let since = loaded_from.map_or("the first loaded call".to_string(), |t| {
        t.format("%Y-%m-%d").to_string()
    });
    let in_hours = if opts.has_hours() {
        ", calls within working hours"
    } else {
        ""
    };
    let mut figures = vec![
        Figure {
            key: "incoming",
            label: "Incoming calls".into(),
            value: Cell::Int(all.incoming as i64),
            note: None,
        },
        Figure {
            key: "answered",
            label: "Answered".into(),
            value: Cell::Int(all.answered as i64),
            note: None,
        },
        Figure {
            key: "lost",
            label: "Lost".into(),
            value: Cell::Int(all.lost as i64),
            note: None,
        },
        Figure {
            key: "lost_share",
            label: "Lost, share".into(),
            value: pct(all_inside.lost_share(v)),
            note: Some(format!("{lost_label}{in_hours}")),
        },
        Figure {
            key: "service_level",
            label: "Service level".into(),
            value: pct(all_inside.service_level(v)),
            note: Some(format!("{sl_label}{in_hours}")),
        },
        Figure {
            key: "distinct_callers",
            label: "Callers".into(),
            value: Cell::Int(all.callers.len() as i64),
            note: Some("distinct caller numbers; calls without caller ID not counted".into()),
        },
        Figure {
            key: "first_time_callers",
            label: "First-time callers".into(),
            value: Cell::Int(all.first_time.len() as i64),
            note: Some(format!(
                "not seen as a caller earlier in the loaded calls, which begin {since}"
            )),
        },
        Figure {
            key: "lines_used",
            label: "Lines with calls".into(),
            value: Cell::Int(lines_used as i64),
            note: None,
        },
        Figure {
            key: "ddis",
            label: "DDI numbers called".into(),
            value: Cell::Int(ddis as i64),
            note: Some("numbers dialled by callers, when the PBX prints them".into()),
        },
    ];

    if let Some(hours) = &opts.working_hours {
        let at = figures
            .iter()
            .position(|f| f.key == "lost")
            .map_or(figures.len(), |i| i + 1);
        figures.insert(
            at,
            Figure {
                key: "lost_outside_hours",
                label: "Lost outside working hours".into(),
                value: Cell::Int((all.lost - all_inside.lost) as i64),
                note: Some(format!(
                    "began outside working hours ({}): not in the lost share or service level",
                    hours.describe()
                )),
            },
        );
    }
    let mut notes = vec![
        format!("Service level: {sl_label}. Lost share: {lost_label}."),
        format!(
            "First-time callers: numbers not seen as a caller on any line earlier in the loaded \
             calls (from {since}); a caller last seen before that counts as first-time. A caller \
             counts as first-time on the line of their first call only."
        ),
        "Calls that could not reach a line (all lines busy at the carrier) leave no record \
         and are in no row."
            .to_string(),
    ];
    if ddis == 0 {
        notes.push(
            "The PBX printed no DDI (the number the caller dialled, `<D>` in Panasonic's Dial \
             Number column), so advertising numbers cannot be told apart; rows are per line \
             only. Name lines after their channel in the configuration (line names)."
                .to_string(),
        );
    } else {
        notes.push(
            "A call with a DDI counts in its line's row and in its DDI's row: rows do not add \
             up to the total."
                .to_string(),
        );
    }
    let ring_needed = all.answered_ring_unknown > 0
        || (v == SlVariant::ShortAbandonsExcluded && all.lost_ring_unknown > 0);
    if ring_needed {
        notes.push(format!("Service level: {RING_UNKNOWN_NOTICE}."));
    }

    Report {
        name: NAME,
        title: TITLE,
        from: opts.from,
        to: opts.to,
        figures,
        table: Table {
            columns: columns(opts.has_hours()),
            rows: table_rows,
        },
        chart: Some(Chart::Bars {
            title: "Answered and lost calls per line".into(),
            labels,
            series: vec![
                Series {
                    name: "answered".into(),
                    values: answered,
                },
                Series {
                    name: "lost".into(),
                    values: lost,
                },
            ],
        }),
        notes,
    }
}

fn columns(with_hours: bool) -> Vec<Column> {
    let hours: &[(&'static str, &'static str)] = if with_hours {
        &[("lost_outside_hours", "Lost outside working hours")]
    } else {
        &[]
    };
    [
        ("line", "Line or DDI"),
        ("kind", "Kind"),
        ("incoming", "Incoming"),
        ("answered", "Answered"),
        ("lost", "Lost"),
        ("lost_share", "Lost %"),
        ("service_level", "Service level"),
        ("callers", "Callers"),
        ("first_time_callers", "First-time callers"),
        ("repeat_callers", "Repeat callers"),
        ("no_caller_id", "Calls without caller ID"),
        ("outgoing", "Outgoing"),
    ]
    .iter()
    .chain(hours)
    .map(|&(key, label)| (key, label))
    .map(|(key, label)| Column { key, label })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::super::summary::fixtures::{column as col, fig_cell as fig, march as at};
    use super::*;
    use chrono::{Duration, NaiveDate};

    fn call(seq: i64, dir: Direction, trunk: Option<&str>, start: NaiveDateTime) -> Call {
        Call {
            end: start + Duration::minutes(1),
            trunk: trunk.map(str::to_string),
            parts: vec![seq],
            ..Call::new(dir, start)
        }
    }

    /// Incoming on `trunk` from `num`, answered after `ring` s (`None`: lost after
    /// `lost_ring` s).
    fn inc(
        seq: i64,
        trunk: &str,
        num: Option<&str>,
        start: NaiveDateTime,
        answered_after: Option<u32>,
        lost_ring: Option<u32>,
    ) -> Call {
        let mut c = call(seq, Direction::Incoming, Some(trunk), start);
        c.external_number = num.map(str::to_string);
        match answered_after {
            Some(r) => {
                c.outcome = Outcome::Answered;
                c.ring_secs = Some(r);
                c.answered_by = Some("101".into());
                c.talk_secs = 60;
            }
            None => {
                c.outcome = Outcome::Lost;
                c.ring_secs = lost_ring;
            }
        }
        c
    }

    fn opts() -> ReportOptions {
        let d = NaiveDate::from_ymd_opt(2024, 3, 12).unwrap();
        let mut o = ReportOptions::new(d, d);
        o.line_names.insert("01".into(), "Website".into());
        o.line_names.insert("0800123".into(), "Radio ad".into());
        o
    }

    fn ints(v: &[i64]) -> Vec<Cell> {
        v.iter().map(|&n| Cell::Int(n)).collect()
    }

    fn sample() -> Vec<Call> {
        let mut v = vec![
            // The day before (loaded as lookback): 333 has called before.
            inc(1, "01", Some("333"), at(11, "10:00"), Some(5), None),
            inc(2, "01", Some("333"), at(12, "09:00"), Some(10), None),
            inc(3, "01", Some("444"), at(12, "09:10"), Some(30), None),
            inc(4, "01", Some("444"), at(12, "09:20"), None, Some(3)),
            inc(5, "02", Some("555"), at(12, "09:30"), None, Some(40)),
            inc(6, "02", None, at(12, "23:59"), Some(20), None),
            // The next day: not in the period.
            inc(7, "02", Some("666"), at(13, "00:00"), None, Some(40)),
            call(8, Direction::Outgoing, Some("02"), at(12, "11:00")),
            call(9, Direction::Outgoing, Some("03"), at(12, "11:05")),
            call(10, Direction::Internal, None, at(12, "11:10")),
        ];
        // Two calls came in on the advertised number.
        v[2].ddi = Some("0800123".into());
        v[3].ddi = Some("0800123".into());
        v
    }

    #[test]
    fn per_line_and_per_ddi_with_exact_figures() {
        let r = report(&sample(), &opts());
        assert_eq!(
            col(&r, "line"),
            ["01 Website", "02", "03", "0800123 Radio ad"]
                .map(|s| Cell::Text(s.into()))
                .to_vec()
        );
        assert_eq!(
            col(&r, "kind"),
            ["line", "line", "line", "DDI"]
                .map(|s| Cell::Text(s.into()))
                .to_vec()
        );
        assert_eq!(col(&r, "incoming"), ints(&[3, 2, 0, 2]));
        assert_eq!(col(&r, "answered"), ints(&[2, 1, 0, 1]));
        assert_eq!(col(&r, "lost"), ints(&[1, 1, 0, 1]));
        assert_eq!(
            col(&r, "lost_share"),
            vec![
                Cell::Pct(1.0 / 3.0),
                Cell::Pct(0.5),
                Cell::Empty,
                Cell::Pct(0.5)
            ]
        );
        // Within 20 s over offered: line 01 has 1 of 3 (10 s; 30 s is too late).
        assert_eq!(
            col(&r, "service_level"),
            vec![
                Cell::Pct(1.0 / 3.0),
                Cell::Pct(0.5),
                Cell::Empty,
                Cell::Pct(0.0)
            ]
        );
        assert_eq!(col(&r, "callers"), ints(&[2, 1, 0, 1]));
        // 333 called the day before; 444 and 555 are new.
        assert_eq!(col(&r, "first_time_callers"), ints(&[1, 1, 0, 1]));
        assert_eq!(col(&r, "repeat_callers"), ints(&[1, 0, 0, 0]));
        assert_eq!(col(&r, "no_caller_id"), ints(&[0, 1, 0, 0]));
        assert_eq!(
            col(&r, "outgoing"),
            vec![Cell::Int(0), Cell::Int(1), Cell::Int(1), Cell::Empty]
        );
        assert_eq!(fig(&r, "incoming"), Cell::Int(5));
        assert_eq!(fig(&r, "answered"), Cell::Int(3));
        assert_eq!(fig(&r, "lost"), Cell::Int(2));
        assert_eq!(fig(&r, "lost_share"), Cell::Pct(0.4));
        assert_eq!(fig(&r, "service_level"), Cell::Pct(0.4));
        assert_eq!(fig(&r, "distinct_callers"), Cell::Int(3));
        assert_eq!(fig(&r, "first_time_callers"), Cell::Int(2));
        assert_eq!(fig(&r, "lines_used"), Cell::Int(3));
        assert_eq!(fig(&r, "ddis"), Cell::Int(1));
        assert!(r.figures[4]
            .note
            .as_deref()
            .unwrap()
            .contains("over offered calls"));
        assert!(r.notes.iter().any(|n| n.contains("from 2024-03-11")));
        let Some(Chart::Bars { labels, series, .. }) = &r.chart else {
            panic!()
        };
        assert_eq!(labels[3], "DDI 0800123 Radio ad");
        assert_eq!(series[0].values, [2.0, 1.0, 0.0, 1.0]);
        assert_eq!(series[1].values, [1.0, 1.0, 0.0, 1.0]);
    }

    #[test]
    fn variants_change_the_denominator_and_say_so() {
        let mut o = opts();
        o.sl_variant = SlVariant::OverAnswered;
        let r = report(&sample(), &o);
        // Answered within 20 s: 10 s on 01, 20 s on 02 (at most T counts).
        assert_eq!(fig(&r, "service_level"), Cell::Pct(2.0 / 3.0));
        assert_eq!(fig(&r, "lost_share"), Cell::Pct(0.4));
        o.sl_variant = SlVariant::ShortAbandonsExcluded;
        let r = report(&sample(), &o);
        // The 3 s hang-up on 01 is left out: 2 within of 4, and 1 lost of 4.
        assert_eq!(fig(&r, "service_level"), Cell::Pct(0.5));
        assert_eq!(fig(&r, "lost_share"), Cell::Pct(0.25));
        assert_eq!(col(&r, "lost_share")[0], Cell::Pct(0.0));
        assert!(r.figures[4]
            .note
            .as_deref()
            .unwrap()
            .contains("hang-ups within 5 s left out"));
    }

    #[test]
    fn pattern_b_has_no_service_level_and_says_why() {
        let mut calls = sample();
        calls[2].ring_secs = None;
        let r = report(&calls, &opts());
        assert_eq!(col(&r, "service_level")[0], Cell::Empty);
        assert_eq!(col(&r, "service_level")[1], Cell::Pct(0.5));
        assert_eq!(fig(&r, "service_level"), Cell::Empty);
        assert!(r.notes.iter().any(|n| n.contains(RING_UNKNOWN_NOTICE)));
        // A lost call without ring time only matters when short hang-ups are left out.
        let mut calls = sample();
        calls[4].ring_secs = None;
        let r = report(&calls, &opts());
        assert_eq!(fig(&r, "service_level"), Cell::Pct(0.4));
        let mut o = opts();
        o.sl_variant = SlVariant::ShortAbandonsExcluded;
        let r = report(&calls, &o);
        assert_eq!(fig(&r, "service_level"), Cell::Empty);
        assert_eq!(fig(&r, "lost_share"), Cell::Empty);
    }

    #[test]
    fn no_ddi_no_calls_no_trunk() {
        let mut calls = sample();
        for c in &mut calls {
            c.ddi = None;
        }
        let r = report(&calls, &opts());
        assert_eq!(r.table.rows.len(), 3);
        assert!(r.notes.iter().any(|n| n.contains("printed no DDI")));
        let r = report(&[], &opts());
        assert!(r.table.rows.is_empty());
        assert_eq!(fig(&r, "lost_share"), Cell::Empty);
        assert_eq!(fig(&r, "service_level"), Cell::Empty);
        let mut c = inc(1, "01", Some("1"), at(12, "10:00"), Some(1), None);
        c.trunk = None;
        let r = report(&[c], &opts());
        assert_eq!(col(&r, "line"), vec![Cell::Text("no line printed".into())]);
    }
}
