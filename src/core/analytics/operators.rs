//! `operators`: who answers, who does not. One row per extension, over the calls that started
//! in the period.
//!
//! Per extension:
//! - **Offered**: incoming calls that rang there, were answered there or were forwarded outside
//!   from there, each call once (a call that rang, stopped and was then answered at the same
//!   phone counts once here, and both as answered and as not answered).
//! - **Answered**: calls it picked up first ([`Call::answered_by`]). **Not answered**: calls
//!   that rang there without being picked up there ([`Call::rang`], ring-no-answer), whether
//!   or not somebody else answered them.
//! - **Received by transfer** / **transferred on**: the extensions a call went through after
//!   the answer ([`Call::transferred_to`]), each call once per extension.
//! - **Wait before answer**: ring time of the calls it answered, from the caller's first ring
//!   (also when other phones rang first). Empty as soon as one of them has no ring time.
//! - **Talk time**: its own legs of incoming calls ([`Call::legs`]): on a transferred call,
//!   who answered gets the talk before the transfer and each colleague the talk of their leg.
//!   **Average talk** is over the incoming calls it talked on (each call once).
//! - **Outgoing**: calls it dialled; **outgoing talk**: its own legs of outgoing calls (a call
//!   it dialled and handed to a colleague: the part before; a colleague's call handed to it:
//!   its part).

use std::collections::{BTreeMap, BTreeSet};

use super::{in_period, Cell, Chart, Column, Figure, Report, ReportOptions, Series, Table};
use crate::core::calls::{Call, Outcome, RING_UNKNOWN_NOTICE};
use crate::core::record::Direction;

pub const NAME: &str = "operators";
pub const TITLE: &str = "Operators: who answers, who does not";
pub const ABOUT: &str =
    "Who answers, who does not: calls offered, answered and missed per extension, waits, talk";

#[derive(Debug, Default, Clone)]
struct Ext {
    offered: u64,
    answered: u64,
    not_answered: u64,
    transferred_in: u64,
    transferred_out: u64,
    forwarded: u64,
    /// Ring times of the calls it answered.
    ring_known: u64,
    ring_unknown: u64,
    ring_sum: u64,
    ring_max: u32,
    /// Incoming calls it talked on (a leg of its own), and the talk of those legs.
    talked: u64,
    talk: u64,
    outgoing: u64,
    /// Talk of its own legs of outgoing calls.
    outgoing_talk: u64,
}

/// Extensions in a natural order: numbers by value, then anything else (D101, T01) by text.
pub(crate) fn ext_order(e: &str) -> (bool, u64, String) {
    match e.parse::<u64>() {
        Ok(n) => (false, n, e.to_string()),
        Err(_) => (true, 0, e.to_string()),
    }
}

fn int(x: u64) -> Cell {
    Cell::Int(i64::try_from(x).unwrap_or(i64::MAX))
}

fn secs(x: u64) -> Cell {
    Cell::Secs(i64::try_from(x).unwrap_or(i64::MAX))
}

/// Half-up rounded mean; `Empty` over nothing.
fn mean_secs(sum: u64, n: u64) -> Cell {
    if n == 0 {
        Cell::Empty
    } else {
        secs((2 * sum + n) / (2 * n))
    }
}

pub fn report(calls: &[Call], opts: &ReportOptions) -> Report {
    let mut exts: BTreeMap<(bool, u64, String), Ext> = BTreeMap::new();
    fn at<'a>(m: &'a mut BTreeMap<(bool, u64, String), Ext>, e: &str) -> &'a mut Ext {
        m.entry(ext_order(e)).or_default()
    }
    let mut ring_unknown = false;
    let (mut answered_by_ext, mut forwarded, mut not_answered, mut transferred) = (0, 0, 0, 0);
    let mut answered_elsewhere = 0u64;
    let mut transfers_split = false;
    for c in in_period(calls, opts) {
        match c.direction {
            Direction::Incoming => {
                ring_unknown |= c.ring_notice().is_some();
                let mut offered: BTreeSet<&str> = c.rang.iter().map(String::as_str).collect();
                for e in &c.rang {
                    at(&mut exts, e).not_answered += 1;
                    not_answered += 1;
                }
                if let Some(a) = &c.answered_by {
                    offered.insert(a);
                    answered_by_ext += 1;
                    let x = at(&mut exts, a);
                    x.answered += 1;
                    match c.ring_secs {
                        Some(r) => {
                            x.ring_known += 1;
                            x.ring_sum += u64::from(r);
                            x.ring_max = x.ring_max.max(r);
                        }
                        None => x.ring_unknown += 1,
                    }
                } else if c.outcome == Outcome::Answered && c.forwarded_by.is_none() {
                    // Answered without an answering extension: a transferred leg whose first
                    // leg is not in the records.
                    answered_elsewhere += 1;
                }
                if let Some(f) = &c.forwarded_by {
                    offered.insert(f);
                    at(&mut exts, f).forwarded += 1;
                    forwarded += 1;
                }
                for e in offered {
                    at(&mut exts, e).offered += 1;
                }
                if !c.transferred_to.is_empty() {
                    transferred += 1;
                    transfers_split = true;
                }
                // Each extension's own legs; a call counts once per extension that talked.
                let mut talked: BTreeSet<&str> = BTreeSet::new();
                for l in &c.legs {
                    let x = at(&mut exts, &l.extension);
                    x.talk += u64::from(l.talk_secs);
                    if talked.insert(&l.extension) {
                        x.talked += 1;
                    }
                }
                // The chain of holders: who answered, then each transfer in turn.
                let holders: Vec<&str> = c
                    .answered_by
                    .iter()
                    .chain(&c.transferred_to)
                    .map(String::as_str)
                    .collect();
                let outs: BTreeSet<&str> = holders.windows(2).map(|w| w[0]).collect();
                let ins: BTreeSet<&str> = c.transferred_to.iter().map(String::as_str).collect();
                for e in outs {
                    at(&mut exts, e).transferred_out += 1;
                }
                for e in ins {
                    at(&mut exts, e).transferred_in += 1;
                }
            }
            Direction::Outgoing => {
                if let Some(e) = &c.extension {
                    at(&mut exts, e).outgoing += 1;
                }
                transfers_split |= !c.transferred_to.is_empty();
                for l in &c.legs {
                    at(&mut exts, &l.extension).outgoing_talk += u64::from(l.talk_secs);
                }
            }
            Direction::Internal => {}
        }
    }

    let mut rows = Vec::with_capacity(exts.len());
    let (mut labels, mut s_answered, mut s_missed) = (Vec::new(), Vec::new(), Vec::new());
    for ((_, _, e), x) in &exts {
        let label = opts.extension_label(e);
        let ring_ok = x.ring_unknown == 0 && x.ring_known > 0;
        rows.push(vec![
            Cell::Text(label.clone()),
            int(x.offered),
            int(x.answered),
            int(x.not_answered),
            if x.offered == 0 {
                Cell::Empty
            } else {
                Cell::Pct(x.answered as f64 / x.offered as f64)
            },
            int(x.transferred_in),
            int(x.transferred_out),
            int(x.forwarded),
            if ring_ok {
                mean_secs(x.ring_sum, x.ring_known)
            } else {
                Cell::Empty
            },
            if ring_ok {
                secs(u64::from(x.ring_max))
            } else {
                Cell::Empty
            },
            secs(x.talk),
            mean_secs(x.talk, x.talked),
            int(x.outgoing),
            secs(x.outgoing_talk),
        ]);
        // The chart shows who takes incoming calls; dial-out-only extensions would be empty.
        if x.offered > 0 {
            labels.push(label);
            s_answered.push(x.answered as f64);
            s_missed.push(x.not_answered as f64);
        }
    }
    let table = Table {
        columns: vec![
            Column {
                key: "extension",
                label: "Extension",
            },
            Column {
                key: "offered",
                label: "Calls offered",
            },
            Column {
                key: "answered",
                label: "Answered",
            },
            Column {
                key: "not_answered",
                label: "Rang, not answered",
            },
            Column {
                key: "answered_share",
                label: "Answered of offered",
            },
            Column {
                key: "transferred_in",
                label: "Received by transfer",
            },
            Column {
                key: "transferred_out",
                label: "Transferred on",
            },
            Column {
                key: "forwarded_outside",
                label: "Forwarded outside",
            },
            Column {
                key: "avg_ring_secs",
                label: "Average wait before answer",
            },
            Column {
                key: "max_ring_secs",
                label: "Longest wait before answer",
            },
            Column {
                key: "talk_secs",
                label: "Talk time",
            },
            Column {
                key: "avg_talk_secs",
                label: "Average talk per call",
            },
            Column {
                key: "outgoing",
                label: "Outgoing calls",
            },
            Column {
                key: "outgoing_talk_secs",
                label: "Outgoing talk",
            },
        ],
        rows,
    };
    let chart = (!labels.is_empty()).then(|| Chart::Bars {
        title: "Answered and not answered per extension".into(),
        labels,
        series: vec![
            Series {
                name: "Answered".into(),
                values: s_answered,
            },
            Series {
                name: "Rang, not answered".into(),
                values: s_missed,
            },
        ],
    });
    let answering = exts.values().filter(|x| x.answered > 0).count() as u64;
    let figures = vec![
        Figure {
            key: "extensions_answering",
            label: "Extensions that answered calls".into(),
            value: int(answering),
            note: None,
        },
        Figure {
            key: "answered_by_extension",
            label: "Answered by an extension".into(),
            value: int(answered_by_ext),
            note: Some("incoming calls, counted for who picked them up first".into()),
        },
        Figure {
            key: "forwarded_outside",
            label: "Forwarded to an outside number".into(),
            value: int(forwarded),
            note: None,
        },
        Figure {
            key: "not_answered",
            label: "Rang without an answer".into(),
            value: int(not_answered),
            note: Some(
                "rings at an extension that did not pick up, one per call and extension".into(),
            ),
        },
        Figure {
            key: "transferred_calls",
            label: "Calls transferred".into(),
            value: int(transferred),
            note: None,
        },
    ];

    let mut notes = Vec::new();
    if ring_unknown {
        notes.push(RING_UNKNOWN_NOTICE.to_string());
    }
    notes.push(
        "\"Rang, not answered\" counts what the PBX printed: one NA line per phone when nobody \
         answered, and 0-second lines of phones that rang while a colleague picked up. A phone \
         of a ring group that rang while another answered is not always printed, so it is a \
         lower bound."
            .to_string(),
    );
    notes.push(
        "The wait before answer runs from the caller's first ring, also when other phones rang \
         first."
            .to_string(),
    );
    if transfers_split {
        notes.push(
            "Talk time is each extension's own part of a call: on a transferred call, who \
             answered (or dialled) has the talk before the transfer and each colleague the \
             talk of their part, as the PBX printed one line per part."
                .to_string(),
        );
    }
    if answered_elsewhere > 0 {
        notes.push(format!(
            "{answered_elsewhere} answered call(s) have no answering extension: their first leg \
             is missing from the records (capture began mid-call)."
        ));
    }

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
    use chrono::NaiveDate;

    fn calls() -> Vec<Call> {
        let mut c = answered("2024-03-12 09:10:00", "102", Some(30), 100);
        c.rang = vec!["101".into()];
        c.transferred_to = vec!["201".into(), "202".into()];
        c.legs = vec![leg("102", 30), leg("201", 50), leg("202", 20)];
        // The real capture's "NA at 401, 611 rang, 401 answered" (Pattern B).
        let mut d = answered("2024-03-12 09:20:00", "401", None, 53);
        d.rang = vec!["401".into(), "611".into()];
        let mut fw = answered("2024-03-12 09:30:00", "201", Some(8), 30);
        fw.answered_by = None;
        fw.forwarded_by = Some("201".into());
        fw.forwarded_to_outside = Some("3331234567".into());
        fw.legs.clear();
        let mut handed = outgoing("2024-03-12 10:20:00", "102", 200);
        handed.transferred_to = vec!["201".into()];
        handed.legs = vec![leg("102", 80), leg("201", 120)];
        vec![
            lost("2024-03-12 09:00:00", &["101", "102"], Some(20)),
            answered("2024-03-12 09:05:00", "101", Some(10), 60),
            c,
            d,
            fw,
            outgoing("2024-03-12 10:00:00", "101", 50),
            outgoing("2024-03-12 10:10:00", "101", 0),
            handed,
            internal("2024-03-12 10:30:00", false),
            // Outside the period.
            answered("2024-03-13 09:05:00", "101", Some(10), 60),
            answered("2024-03-11 23:59:59", "103", Some(10), 60),
        ]
    }

    fn opts() -> ReportOptions {
        let d = NaiveDate::from_ymd_opt(2024, 3, 12).unwrap();
        let mut o = ReportOptions::new(d, d);
        o.extension_names.insert("101".into(), "Anna".into());
        o
    }

    #[test]
    fn per_extension_figures() {
        let r = report(&calls(), &opts());
        let firsts: Vec<&Cell> = r.table.rows.iter().map(|row| &row[0]).collect();
        let text = |s: &str| Cell::Text(s.into());
        assert_eq!(
            firsts,
            [
                &text("101 Anna"),
                &text("102"),
                &text("201"),
                &text("202"),
                &text("401"),
                &text("611")
            ]
        );
        let anna = row(&r, "101 Anna");
        assert_eq!(anna["offered"], &Cell::Int(3));
        assert_eq!(anna["answered"], &Cell::Int(1));
        assert_eq!(anna["not_answered"], &Cell::Int(2));
        assert_eq!(anna["answered_share"], &Cell::Pct(1.0 / 3.0));
        assert_eq!(anna["transferred_in"], &Cell::Int(0));
        assert_eq!(anna["transferred_out"], &Cell::Int(0));
        assert_eq!(anna["avg_ring_secs"], &Cell::Secs(10));
        assert_eq!(anna["max_ring_secs"], &Cell::Secs(10));
        assert_eq!(anna["talk_secs"], &Cell::Secs(60));
        assert_eq!(anna["avg_talk_secs"], &Cell::Secs(60));
        assert_eq!(anna["outgoing"], &Cell::Int(2));
        assert_eq!(anna["outgoing_talk_secs"], &Cell::Secs(50));

        let x = row(&r, "102");
        assert_eq!(x["offered"], &Cell::Int(2));
        assert_eq!(x["answered"], &Cell::Int(1));
        assert_eq!(x["not_answered"], &Cell::Int(1));
        assert_eq!(x["transferred_out"], &Cell::Int(1));
        assert_eq!(x["avg_ring_secs"], &Cell::Secs(30));
        // Its one answered call was transferred: the talk before the transfer is its own.
        assert_eq!(x["talk_secs"], &Cell::Secs(30));
        assert_eq!(x["avg_talk_secs"], &Cell::Secs(30));
        assert_eq!(x["outgoing"], &Cell::Int(1));
        assert_eq!(x["outgoing_talk_secs"], &Cell::Secs(80));

        let boss = row(&r, "201");
        assert_eq!(boss["offered"], &Cell::Int(1));
        assert_eq!(boss["forwarded_outside"], &Cell::Int(1));
        assert_eq!(boss["transferred_in"], &Cell::Int(1));
        assert_eq!(boss["transferred_out"], &Cell::Int(1));
        assert_eq!(boss["answered_share"], &Cell::Pct(0.0));
        assert_eq!(boss["avg_ring_secs"], &Cell::Empty);
        // Its leg of the transferred call; the forward's talk is the outside party's.
        assert_eq!(boss["talk_secs"], &Cell::Secs(50));
        assert_eq!(boss["avg_talk_secs"], &Cell::Secs(50));
        assert_eq!(boss["outgoing"], &Cell::Int(0));
        assert_eq!(boss["outgoing_talk_secs"], &Cell::Secs(120));
        let last = row(&r, "202");
        assert_eq!(last["offered"], &Cell::Int(0));
        assert_eq!(last["answered_share"], &Cell::Empty);
        assert_eq!(last["transferred_in"], &Cell::Int(1));
        assert_eq!(last["transferred_out"], &Cell::Int(0));
        assert_eq!(last["talk_secs"], &Cell::Secs(20));

        // Rang, stopped, then answered at the same phone: offered once, both counts.
        let b = row(&r, "401");
        assert_eq!(b["offered"], &Cell::Int(1));
        assert_eq!(b["answered"], &Cell::Int(1));
        assert_eq!(b["not_answered"], &Cell::Int(1));
        assert_eq!(b["avg_ring_secs"], &Cell::Empty);
        assert_eq!(b["max_ring_secs"], &Cell::Empty);
        assert_eq!(b["talk_secs"], &Cell::Secs(53));
        assert!(r.notes.iter().any(|n| n == RING_UNKNOWN_NOTICE));
        assert!(r
            .notes
            .iter()
            .any(|n| n.starts_with("Talk time is each extension's own part of a call")));

        assert_eq!(fig(&r, "extensions_answering"), &Cell::Int(3));
        assert_eq!(fig(&r, "answered_by_extension"), &Cell::Int(3));
        assert_eq!(fig(&r, "forwarded_outside"), &Cell::Int(1));
        assert_eq!(fig(&r, "not_answered"), &Cell::Int(5));
        assert_eq!(fig(&r, "transferred_calls"), &Cell::Int(1));

        let Some(Chart::Bars { labels, series, .. }) = &r.chart else {
            panic!("{:?}", r.chart)
        };
        assert_eq!(labels, &["101 Anna", "102", "201", "401", "611"]);
        assert_eq!(series[0].values, [1.0, 1.0, 0.0, 1.0, 0.0]);
        assert_eq!(series[1].values, [2.0, 1.0, 0.0, 1.0, 1.0]);
    }

    #[test]
    fn ring_averages_round_and_the_longest_wait_is_kept() {
        let calls = vec![
            answered("2024-03-12 09:00:00", "101", Some(3), 10),
            answered("2024-03-12 09:10:00", "101", Some(4), 11),
        ];
        let r = report(&calls, &opts());
        let anna = row(&r, "101 Anna");
        assert_eq!(anna["avg_ring_secs"], &Cell::Secs(4)); // 3.5 rounds up
        assert_eq!(anna["max_ring_secs"], &Cell::Secs(4));
        assert_eq!(anna["avg_talk_secs"], &Cell::Secs(11)); // 10.5 rounds up
        assert!(!r.notes.iter().any(|n| n == RING_UNKNOWN_NOTICE));
    }

    #[test]
    fn a_call_handed_back_counts_once_for_the_average() {
        // 101 answers, transfers to 201, 201 hands it back to 101.
        let mut c = answered("2024-03-12 09:00:00", "101", Some(5), 100);
        c.transferred_to = vec!["201".into(), "101".into()];
        c.legs = vec![leg("101", 10), leg("201", 60), leg("101", 30)];
        let calls = vec![c, answered("2024-03-12 10:00:00", "101", Some(5), 21)];
        let r = report(&calls, &opts());
        let anna = row(&r, "101 Anna");
        assert_eq!(anna["talk_secs"], &Cell::Secs(61));
        // Two calls: (10 + 30 + 21) / 2 = 30.5, rounded up.
        assert_eq!(anna["avg_talk_secs"], &Cell::Secs(31));
        assert_eq!(row(&r, "201")["avg_talk_secs"], &Cell::Secs(60));
        // Without transfers there is nothing to explain.
        let r = report(&calls[1..], &opts());
        assert!(!r.notes.iter().any(|n| n.starts_with("Talk time is each")));
    }

    #[test]
    fn no_calls_no_rows_no_chart() {
        let r = report(&[], &opts());
        assert!(r.table.rows.is_empty());
        assert!(r.chart.is_none());
        assert_eq!(fig(&r, "answered_by_extension"), &Cell::Int(0));
        // Extensions sort numerically, then the others by text.
        let mut v = vec!["D101", "1001", "201", "T01", "99"];
        v.sort_by_key(|e| ext_order(e));
        assert_eq!(v, ["99", "201", "1001", "D101", "T01"]);
    }
}
