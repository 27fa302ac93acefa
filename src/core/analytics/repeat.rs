//! `repeat`: who called several times, and how many callers are new.
//!
//! Over the incoming calls that started in the period, by the caller's number (normalised, so
//! `+39 0364...` and `0039 0364...` are one caller):
//!
//! - **Repeat callers**: numbers that called two or more times in the period, listed with
//!   their calls, how many were answered and lost, the first and last call, and whether any
//!   call got through (answered by anyone, or forwarded and answered outside).
//! - **Distinct callers**, split into **new** (not seen as a caller before the period) and
//!   **known** (seen before). "Before" only reaches as far back as the calls given: the box
//!   loads up to 30 days before the period (`reports::LOOKBACK_DAYS`), less if it has not been
//!   recording that long, and the report names the first day it could look at. A customer
//!   who last called two months ago counts as new.
//! - **Calls without caller ID** have no number to follow: they are counted apart, and in none
//!   of the caller figures.
//!
//! Calls after the period (loaded for callback reports) are ignored.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDateTime;

use super::{in_period, Cell, Chart, Column, Figure, Report, ReportOptions, Series, Table};
use crate::core::calls::{Call, Outcome, RING_UNKNOWN_NOTICE};
use crate::core::record::Direction;

pub const NAME: &str = "repeat";
pub const TITLE: &str = "Repeat and new callers";
pub const ABOUT: &str = "Who called several times, and how many callers are new or known";

#[derive(Debug, Clone)]
struct Caller {
    calls: u64,
    answered: u64,
    lost: u64,
    first: NaiveDateTime,
    last: NaiveDateTime,
    name: Option<String>,
}

fn int(x: u64) -> Cell {
    Cell::Int(i64::try_from(x).unwrap_or(i64::MAX))
}

fn yes_no(b: bool) -> Cell {
    Cell::Text(if b { "yes" } else { "no" }.to_string())
}

/// Bars of the chart: callers with 1, 2, 3, 4 and 5 or more calls.
const CALL_COUNTS: [&str; 5] = ["1 call", "2 calls", "3 calls", "4 calls", "5 or more"];

pub fn report(calls: &[Call], opts: &ReportOptions) -> Report {
    let incoming = |c: &&Call| c.direction == Direction::Incoming;
    // Who called before the period, and since when the calls given reach back.
    let mut known: BTreeSet<&str> = BTreeSet::new();
    let mut history_from: Option<NaiveDateTime> = None;
    for c in calls.iter().filter(incoming) {
        if c.start.date() < opts.from {
            history_from = Some(history_from.map_or(c.start, |h| h.min(c.start)));
            if let Some(n) = &c.external_number {
                known.insert(n);
            }
        }
    }

    let mut callers: BTreeMap<&str, Caller> = BTreeMap::new();
    let (mut total, mut no_cli) = (0u64, 0u64);
    let mut ring_unknown = false;
    for c in in_period(calls, opts).filter(incoming) {
        total += 1;
        ring_unknown |= c.ring_notice().is_some();
        let Some(n) = &c.external_number else {
            no_cli += 1;
            continue;
        };
        let x = callers.entry(n).or_insert_with(|| Caller {
            calls: 0,
            answered: 0,
            lost: 0,
            first: c.start,
            last: c.start,
            name: None,
        });
        x.calls += 1;
        if c.outcome == Outcome::Answered {
            x.answered += 1;
        } else {
            x.lost += 1;
        }
        x.first = x.first.min(c.start);
        x.last = x.last.max(c.start);
        if x.name.is_none() {
            x.name.clone_from(&c.caller_name);
        }
    }

    let distinct = callers.len() as u64;
    let new = callers.keys().filter(|n| !known.contains(*n)).count() as u64;
    let repeat: Vec<(&&str, &Caller)> = callers.iter().filter(|(_, x)| x.calls >= 2).collect();
    let repeat_calls: u64 = repeat.iter().map(|(_, x)| x.calls).sum();
    let never = repeat.iter().filter(|(_, x)| x.answered == 0).count() as u64;

    let mut listed = repeat.clone();
    // Most calls first; among equals the ones that never got through, then by number.
    listed.sort_by(|a, b| {
        b.1.calls
            .cmp(&a.1.calls)
            .then((a.1.answered > 0).cmp(&(b.1.answered > 0)))
            .then(a.0.cmp(b.0))
    });
    let book = &opts.phonebook;
    let rows = listed
        .iter()
        .map(|(n, x)| {
            let mut row = vec![
                Cell::Text(n.to_string()),
                x.name.clone().map_or(Cell::Empty, Cell::Text),
                int(x.calls),
                int(x.answered),
                int(x.lost),
                Cell::Time(x.first),
                Cell::Time(x.last),
                yes_no(x.answered > 0),
                yes_no(known.contains(**n)),
            ];
            if !book.is_empty() {
                // The phonebook's name and tag, last: the other columns keep their places.
                row.extend(book.report_cells(Some(n)));
            }
            row
        })
        .collect();
    let table = Table {
        columns: vec![
            Column {
                key: "number",
                label: "Number",
            },
            Column {
                key: "caller_name",
                label: "Name",
            },
            Column {
                key: "calls",
                label: "Calls",
            },
            Column {
                key: "answered",
                label: "Answered",
            },
            Column {
                key: "lost",
                label: "Lost",
            },
            Column {
                key: "first_call",
                label: "First call",
            },
            Column {
                key: "last_call",
                label: "Last call",
            },
            Column {
                key: "got_through",
                label: "Got through",
            },
            Column {
                key: "known_before",
                label: "Called before the period",
            },
        ]
        .into_iter()
        .chain(
            (!book.is_empty())
                .then(crate::phonebook::report_columns)
                .into_iter()
                .flatten(),
        )
        .collect(),
        rows,
    };

    let mut by_count = [0f64; CALL_COUNTS.len()];
    let mut never_by_count = [0f64; CALL_COUNTS.len()];
    for x in callers.values() {
        let i = usize::try_from(x.calls.saturating_sub(1))
            .unwrap_or(usize::MAX)
            .min(CALL_COUNTS.len() - 1);
        by_count[i] += 1.0;
        if x.answered == 0 {
            never_by_count[i] += 1.0;
        }
    }
    let chart = (distinct > 0).then(|| Chart::Bars {
        title: "Callers by number of calls in the period".into(),
        labels: CALL_COUNTS.iter().map(|s| s.to_string()).collect(),
        series: vec![
            Series {
                name: "Callers".into(),
                values: by_count.to_vec(),
            },
            Series {
                name: "Never got through".into(),
                values: never_by_count.to_vec(),
            },
        ],
    });

    let history = match history_from {
        Some(h) => format!(
            "seen as a caller in the calls before the period, from {} on",
            h.format("%Y-%m-%d")
        ),
        None => "no calls before the period were available, so every caller is new".to_string(),
    };
    let figures = vec![
        Figure {
            key: "incoming",
            label: "Incoming calls".into(),
            value: int(total),
            note: None,
        },
        Figure {
            key: "no_cli_calls",
            label: "Calls without caller ID".into(),
            value: int(no_cli),
            note: Some("no number to follow: counted apart".into()),
        },
        Figure {
            key: "distinct_callers",
            label: "Different callers".into(),
            value: int(distinct),
            note: Some("numbers that called in the period".into()),
        },
        Figure {
            key: "new_callers",
            label: "New callers".into(),
            value: int(new),
            note: Some(format!("not {history}")),
        },
        Figure {
            key: "known_callers",
            label: "Known callers".into(),
            value: int(distinct - new),
            note: Some(history.clone()),
        },
        Figure {
            key: "repeat_callers",
            label: "Called two or more times".into(),
            value: int(repeat.len() as u64),
            note: None,
        },
        Figure {
            key: "repeat_calls",
            label: "Calls from them".into(),
            value: int(repeat_calls),
            note: None,
        },
        Figure {
            key: "repeat_never_answered",
            label: "Called several times, never got through".into(),
            value: int(never),
            note: None,
        },
    ];

    let mut notes = vec![format!(
        "\"New\" and \"known\" look back only as far as the calls the box loaded: up to 30 \
         days before the period; here {history}. A caller from longer ago counts as new."
    )];
    if ring_unknown {
        notes.push(format!(
            "First and last call show when a call was answered (a lost call: the minute it was \
             printed), not when it began to ring: {RING_UNKNOWN_NOTICE}."
        ));
    }
    if no_cli > 0 {
        notes.push(format!(
            "{no_cli} call(s) came without caller ID: they are in no caller figure."
        ));
    }
    notes.push(
        "\"Got through\" means one of their calls in the period was answered; whether a lost \
         caller was called back is in the lost calls report."
            .to_string(),
    );
    Report {
        name: NAME,
        title: TITLE,
        from: opts.from,
        to: opts.to,
        figures,
        table,
        chart,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::super::summary::fixtures::*;
    use super::*;

    fn from(number: Option<&str>, mut c: Call) -> Call {
        c.external_number = number.map(str::to_string);
        c
    }

    fn calls() -> Vec<Call> {
        let a = |n: &str, t: &str| from(Some(n), answered(t, "101", Some(5), 60));
        let l = |n: &str, t: &str| from(Some(n), lost(t, &["101"], Some(20)));
        vec![
            // Before the period: known callers.
            a("111", "2024-03-01 09:00:00"),
            l("444", "2024-03-10 23:59:59"),
            // In the period (11th-12th).
            l("111", "2024-03-11 00:00:00"),
            a("111", "2024-03-12 23:59:59"),
            l("222", "2024-03-11 09:00:00"),
            l("222", "2024-03-11 09:05:00"),
            l("222", "2024-03-12 10:00:00"),
            a("333", "2024-03-12 11:00:00"),
            from(None, lost("2024-03-11 12:00:00", &["101"], Some(20))),
            from(None, answered("2024-03-12 12:00:00", "101", Some(5), 60)),
            // After the period: loaded for callbacks, ignored here.
            a("222", "2024-03-13 00:00:00"),
            a("333", "2024-03-13 08:00:00"),
            // An outgoing call to a number does not make it a caller.
            from(Some("555"), outgoing("2024-03-05 09:00:00", "101", 30)),
            from(
                Some("555"),
                answered("2024-03-12 15:00:00", "101", Some(5), 60),
            ),
        ]
    }

    fn opts() -> ReportOptions {
        ReportOptions::new(day("2024-03-11"), day("2024-03-12"))
    }

    #[test]
    fn repeat_new_and_known_callers() {
        let r = report(&calls(), &opts());
        assert_eq!(fig(&r, "incoming"), &Cell::Int(9));
        assert_eq!(fig(&r, "no_cli_calls"), &Cell::Int(2));
        assert_eq!(fig(&r, "distinct_callers"), &Cell::Int(4));
        assert_eq!(fig(&r, "new_callers"), &Cell::Int(3));
        assert_eq!(fig(&r, "known_callers"), &Cell::Int(1));
        assert!(fig_note(&r, "known_callers").contains("from 2024-03-01 on"));
        assert_eq!(fig(&r, "repeat_callers"), &Cell::Int(2));
        assert_eq!(fig(&r, "repeat_calls"), &Cell::Int(5));
        assert_eq!(fig(&r, "repeat_never_answered"), &Cell::Int(1));

        let firsts: Vec<&Cell> = r.table.rows.iter().map(|row| &row[0]).collect();
        assert_eq!(
            firsts,
            [&Cell::Text("222".into()), &Cell::Text("111".into())]
        );
        let x = row(&r, "222");
        assert_eq!(x["calls"], &Cell::Int(3));
        assert_eq!(x["answered"], &Cell::Int(0));
        assert_eq!(x["lost"], &Cell::Int(3));
        assert_eq!(x["first_call"], &Cell::Time(at("2024-03-11 09:00:00")));
        assert_eq!(x["last_call"], &Cell::Time(at("2024-03-12 10:00:00")));
        assert_eq!(x["got_through"], &Cell::Text("no".into()));
        assert_eq!(x["known_before"], &Cell::Text("no".into()));
        assert_eq!(x["caller_name"], &Cell::Empty);
        let x = row(&r, "111");
        assert_eq!((x["answered"], x["lost"]), (&Cell::Int(1), &Cell::Int(1)));
        assert_eq!(x["first_call"], &Cell::Time(at("2024-03-11 00:00:00")));
        assert_eq!(x["last_call"], &Cell::Time(at("2024-03-12 23:59:59")));
        assert_eq!(x["got_through"], &Cell::Text("yes".into()));
        assert_eq!(x["known_before"], &Cell::Text("yes".into()));

        let Some(Chart::Bars { labels, series, .. }) = &r.chart else {
            panic!("{:?}", r.chart)
        };
        assert_eq!(labels.len(), 5);
        assert_eq!(series[0].values, [2.0, 1.0, 1.0, 0.0, 0.0]);
        assert_eq!(series[1].values, [0.0, 0.0, 1.0, 0.0, 0.0]);
    }

    #[test]
    fn without_history_every_caller_is_new() {
        let calls: Vec<Call> = calls()
            .into_iter()
            .filter(|c| c.start.date() >= day("2024-03-11"))
            .collect();
        let r = report(&calls, &opts());
        assert_eq!(fig(&r, "new_callers"), &Cell::Int(4));
        assert_eq!(fig(&r, "known_callers"), &Cell::Int(0));
        assert!(r.notes[0].contains("every caller is new"));
        assert!(!r.notes.iter().any(|n| n.contains(RING_UNKNOWN_NOTICE)));
        let mut b = calls.clone();
        b[2].ring_secs = None;
        let r = report(&b, &opts());
        assert!(r
            .notes
            .iter()
            .any(|n| n.ends_with(&format!("{RING_UNKNOWN_NOTICE}."))));
    }

    #[test]
    fn empty_period() {
        let r = report(
            &calls(),
            &ReportOptions::new(day("2024-04-01"), day("2024-04-02")),
        );
        assert_eq!(fig(&r, "incoming"), &Cell::Int(0));
        assert_eq!(fig(&r, "distinct_callers"), &Cell::Int(0));
        assert!(r.table.rows.is_empty());
        assert!(r.chart.is_none());
        let r = report(&[], &opts());
        assert_eq!(fig(&r, "new_callers"), &Cell::Int(0));
    }
}
