//! The `summary` report from printed lines, end to end: Panasonic text -> parser -> calls
//! model -> report.
//!
//! 1. Small printouts written line by line, with the figures they must give (midnight, period
//!    edges, Pattern B without ring times).
//! 2. Generated office weeks (`officeday`, several seeds, Patterns A, B and C, weekdays,
//!    Saturday and Sunday), compared with figures computed here straight from the generator's
//!    truth (`officeday::truth`), never from the report's own code.
//!
//! Tolerance: the printout cannot tell two calls of one caller a minute apart from one call
//! (calls.rs, "cannot tell"; the truth marks both calls of such a pair with `ambiguity`). A
//! day without marked calls must agree exactly, in every figure and cell; on a day with marked
//! calls the incoming, answered and lost counts may differ by at most the number of marked
//! calls, and ring-time figures are not compared (a merged call has another ring time).

mod truth_days;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use smdrbox::core::analytics::{self, Cell, Chart, ReportOptions, SlVariant};
use smdrbox::core::calls::{group, RING_UNKNOWN_NOTICE};
use smdrbox::core::officeday::{header_lines, Layout, TruthCall};
use smdrbox::core::record::Direction;
use truth_days::cells::{fig, int};
use truth_days::printout::{date, line, load, parse_lines, Spec};

// ---------------------------------------------------------------------------------------------
// 1. Printouts written by hand.

struct Case {
    name: &'static str,
    layout: Layout,
    /// (printed at, ext, CO, dial, ring, talk, condition)
    lines: &'static [Spec],
    from: &'static str,
    to: &'static str,
    expect: &'static [(&'static str, Want)],
}

#[derive(Debug, Clone, Copy)]
enum Want {
    Int(i64),
    Secs(i64),
    /// numerator / denominator
    Pct(u32, u32),
    Empty,
}

impl Want {
    fn cell(self) -> Cell {
        match self {
            Want::Int(n) => Cell::Int(n),
            Want::Secs(n) => Cell::Secs(n),
            Want::Pct(a, b) => Cell::Pct(f64::from(a) / f64::from(b)),
            Want::Empty => Cell::Empty,
        }
    }
}

/// Calls around midnight: a lost call on the 11th; an answer printed at 00:01 on the 12th
/// after 90 s of talk and 20 s of ringing began at 23:59:10 on the 11th; a call on the 12th;
/// an outgoing call that did not connect and one that did; a consultation and a transfer.
const MIDNIGHT: &[Spec] = &[
    (
        "2024-03-11 23:58",
        "101",
        Some(1),
        "<I>0364111222",
        30,
        Some(0),
        "NA",
    ),
    (
        "2024-03-11 23:58",
        "102",
        Some(1),
        "<I>0364111222",
        30,
        Some(0),
        "NA",
    ),
    (
        "2024-03-12 00:01",
        "101",
        Some(2),
        "<I>3331234567",
        20,
        Some(90),
        "",
    ),
    (
        "2024-03-12 09:03",
        "101",
        Some(1),
        "<I>3339999999",
        5,
        Some(60),
        "",
    ),
    (
        "2024-03-12 09:10",
        "102",
        Some(3),
        "0364555666",
        0,
        Some(0),
        "",
    ),
    (
        "2024-03-12 09:20",
        "102",
        Some(3),
        "0364555666",
        0,
        Some(75),
        "",
    ),
    ("2024-03-12 10:05", "101", None, "EXT201", 0, None, ""),
    (
        "2024-03-12 10:05",
        "101",
        Some(1),
        "<I>0365777888",
        12,
        Some(40),
        "",
    ),
    (
        "2024-03-12 10:09",
        "201",
        Some(1),
        "<I>0365777888",
        4,
        Some(200),
        "TR",
    ),
];

const CASES: &[Case] = &[
    Case {
        name: "Pattern A, the 11th: the lost call and the answer that began before midnight",
        layout: Layout::A,
        lines: MIDNIGHT,
        from: "2024-03-11",
        to: "2024-03-11",
        expect: &[
            ("incoming", Want::Int(2)),
            ("answered", Want::Int(1)),
            ("lost", Want::Int(1)),
            ("lost_share", Want::Pct(1, 2)),
            // 20 s of ringing is within T = 20 s.
            ("answered_within_t", Want::Int(1)),
            ("service_level", Want::Pct(1, 2)),
            ("asa", Want::Secs(20)),
            ("longest_wait_answered", Want::Secs(20)),
            ("longest_wait_lost", Want::Secs(30)),
            ("outgoing", Want::Int(0)),
            ("internal", Want::Int(0)),
        ],
    },
    Case {
        name: "Pattern A, the 12th",
        layout: Layout::A,
        lines: MIDNIGHT,
        from: "2024-03-12",
        to: "2024-03-12",
        expect: &[
            ("incoming", Want::Int(2)),
            ("answered", Want::Int(2)),
            ("lost", Want::Int(0)),
            ("lost_share", Want::Pct(0, 2)),
            ("answered_within_t", Want::Int(2)),
            ("service_level", Want::Pct(2, 2)),
            // (5 + 12) / 2 = 8.5 -> 9
            ("asa", Want::Secs(9)),
            ("longest_wait_answered", Want::Secs(12)),
            ("longest_wait_lost", Want::Empty),
            ("outgoing", Want::Int(2)),
            ("outgoing_talk", Want::Secs(75)),
            ("outgoing_not_connected", Want::Int(1)),
            ("internal", Want::Int(1)),
        ],
    },
    Case {
        name: "Pattern A, both days",
        layout: Layout::A,
        lines: MIDNIGHT,
        from: "2024-03-11",
        to: "2024-03-12",
        expect: &[
            ("incoming", Want::Int(4)),
            ("lost", Want::Int(1)),
            ("answered_within_t", Want::Int(3)),
            ("service_level", Want::Pct(3, 4)),
            // (20 + 5 + 12) / 3 = 12.3 -> 12
            ("asa", Want::Secs(12)),
        ],
    },
    Case {
        name: "Pattern B: no ring time, so no waits; the answer at 00:01 after 90 s talk is \
               counted at its answer moment, 23:59:30 on the 11th",
        layout: Layout::B,
        lines: MIDNIGHT,
        from: "2024-03-11",
        to: "2024-03-11",
        expect: &[
            ("incoming", Want::Int(2)),
            ("answered", Want::Int(1)),
            ("lost", Want::Int(1)),
            ("lost_share", Want::Pct(1, 2)),
            ("answered_within_t", Want::Empty),
            ("service_level", Want::Empty),
            ("asa", Want::Empty),
            ("longest_wait_answered", Want::Empty),
            ("longest_wait_lost", Want::Empty),
        ],
    },
    Case {
        name: "A period after the calls",
        layout: Layout::A,
        lines: MIDNIGHT,
        from: "2024-03-13",
        to: "2024-03-14",
        expect: &[
            ("incoming", Want::Int(0)),
            ("lost_share", Want::Empty),
            ("service_level", Want::Empty),
            ("asa", Want::Empty),
            ("outgoing", Want::Int(0)),
        ],
    },
];

#[test]
fn printouts_give_their_figures() {
    for case in CASES {
        let mut text: Vec<String> = header_lines(case.layout).to_vec();
        text.extend(case.lines.iter().map(|l| line(case.layout, l)));
        let calls = group(&parse_lines(text));
        let opts = ReportOptions::new(date(case.from), date(case.to));
        let r = analytics::run("summary", &calls, &opts).expect("summary is a report");
        for (key, want) in case.expect {
            assert_eq!(fig(&r, key), &want.cell(), "{}: {key}", case.name);
        }
        let ring_note = r.notes.iter().any(|n| n == RING_UNKNOWN_NOTICE);
        assert_eq!(ring_note, case.layout == Layout::B, "{}", case.name);
        let days = (date(case.to) - date(case.from)).num_days() + 1;
        assert_eq!(r.table.rows.len() as i64, days, "{}", case.name);
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Generated weeks against the truth.

/// A day's figures computed from the truth alone.
#[derive(Debug, Default, Clone, PartialEq)]
struct Truth {
    incoming: i64,
    answered: i64,
    lost: i64,
    /// Ring times of answered and lost calls.
    answered_rings: Vec<u32>,
    lost_rings: Vec<u32>,
    outgoing: i64,
    outgoing_talk: i64,
    not_connected: i64,
    internal: i64,
    /// Calls the printout cannot tell apart from another reading.
    marked: i64,
}

fn truth_of_day(calls: &[TruthCall]) -> Truth {
    let mut t = Truth::default();
    for c in calls {
        t.marked += i64::from(c.ambiguity.is_some());
        match c.direction {
            Direction::Incoming => {
                t.incoming += 1;
                // The generator keeps every line's ring time, also for Pattern B.
                let ring = c.ring_secs.expect("the generator knows every ring time");
                if c.lost {
                    t.lost += 1;
                    t.lost_rings.push(ring);
                } else {
                    t.answered += 1;
                    t.answered_rings.push(ring);
                }
            }
            Direction::Outgoing => {
                t.outgoing += 1;
                t.outgoing_talk += i64::from(c.talk_secs);
                t.not_connected += i64::from(c.talk_secs == 0);
            }
            Direction::Internal => t.internal += 1,
        }
        // Consultation lines are intercom calls of their own in the printout.
        t.internal += c.consultation_lines.len() as i64;
    }
    t
}

fn add(a: &Truth, b: &Truth) -> Truth {
    let cat = |x: &[u32], y: &[u32]| [x, y].concat();
    Truth {
        incoming: a.incoming + b.incoming,
        answered: a.answered + b.answered,
        lost: a.lost + b.lost,
        answered_rings: cat(&a.answered_rings, &b.answered_rings),
        lost_rings: cat(&a.lost_rings, &b.lost_rings),
        outgoing: a.outgoing + b.outgoing,
        outgoing_talk: a.outgoing_talk + b.outgoing_talk,
        not_connected: a.not_connected + b.not_connected,
        internal: a.internal + b.internal,
        marked: a.marked + b.marked,
    }
}

fn pct(a: i64, b: i64) -> Cell {
    if b == 0 {
        Cell::Empty
    } else {
        Cell::Pct(a as f64 / b as f64)
    }
}

/// Every figure the report must show for `t`, computed here from the definitions.
fn expected_figures(
    t: &Truth,
    opts: &ReportOptions,
    layout: Layout,
) -> BTreeMap<&'static str, Cell> {
    // Pattern B has no ring times: a figure is empty when a call it needs has none (with no
    // answered call, "answered within T" is 0 all the same).
    let ring = layout != Layout::B;
    let need_answered = |c: Cell| {
        if ring || t.answered == 0 {
            c
        } else {
            Cell::Empty
        }
    };
    let need_lost = |c: Cell| if ring || t.lost == 0 { c } else { Cell::Empty };
    let within = t
        .answered_rings
        .iter()
        .filter(|&&r| r <= opts.service_level_secs)
        .count() as i64;
    let short = t
        .lost_rings
        .iter()
        .filter(|&&r| r < opts.short_abandon_secs)
        .count() as i64;
    let sl = match opts.sl_variant {
        SlVariant::OverOffered => pct(within, t.incoming),
        SlVariant::OverAnswered => pct(within, t.answered),
        SlVariant::ShortAbandonsExcluded => need_lost(pct(within, t.incoming - short)),
    };
    let lost_share = match opts.sl_variant {
        SlVariant::ShortAbandonsExcluded => need_lost(pct(t.lost - short, t.incoming - short)),
        _ => pct(t.lost, t.incoming),
    };
    let n = t.answered_rings.len() as i64;
    let sum: i64 = t.answered_rings.iter().map(|&r| i64::from(r)).sum();
    let asa = if n == 0 {
        Cell::Empty
    } else {
        // Half up, in integers: floor(sum / n + 1/2).
        Cell::Secs((2 * sum + n) / (2 * n))
    };
    let max = |v: &[u32]| {
        v.iter()
            .max()
            .map_or(Cell::Empty, |&m| Cell::Secs(i64::from(m)))
    };
    BTreeMap::from([
        ("incoming", Cell::Int(t.incoming)),
        ("answered", Cell::Int(t.answered)),
        ("lost", Cell::Int(t.lost)),
        ("lost_share", lost_share),
        ("answered_within_t", need_answered(Cell::Int(within))),
        ("service_level", need_answered(sl)),
        ("asa", need_answered(asa)),
        (
            "longest_wait_answered",
            need_answered(max(&t.answered_rings)),
        ),
        ("longest_wait_lost", need_lost(max(&t.lost_rings))),
        ("outgoing", Cell::Int(t.outgoing)),
        ("outgoing_talk", Cell::Secs(t.outgoing_talk)),
        ("outgoing_not_connected", Cell::Int(t.not_connected)),
        ("internal", Cell::Int(t.internal)),
    ])
}

/// The counts that merging marked calls can change, and by how much at most.
const TOLERANT: [&str; 3] = ["incoming", "answered", "lost"];

#[test]
fn generated_weeks_agree_with_the_truth() {
    // Monday to Sunday; the period leaves out the Monday and the Sunday, so calls outside
    // the period are given too and must not count.
    let week: Vec<NaiveDate> = (11..=17)
        .map(|d| NaiveDate::from_ymd_opt(2024, 3, d).unwrap())
        .collect();
    let (from, to) = (week[1], week[5]);
    let (mut exact_days, mut tolerant_days, mut saturdays, mut sundays) = (0, 0, 0, 0);
    let mut lost_seen = 0;
    for layout in [Layout::A, Layout::B, Layout::C] {
        for seed in 1..=8u64 {
            let tag = format!("layout {layout:?} seed {seed}");
            let (calls, truths) = load(seed, &week, layout);
            let days: BTreeMap<NaiveDate, Truth> =
                truths.iter().map(|(d, t)| (*d, truth_of_day(t))).collect();

            // Each day on its own, in every variant.
            for (d, t) in &days {
                for variant in [
                    SlVariant::OverOffered,
                    SlVariant::OverAnswered,
                    SlVariant::ShortAbandonsExcluded,
                ] {
                    let mut opts = ReportOptions::new(*d, *d);
                    opts.sl_variant = variant;
                    opts.service_level_secs = 15;
                    let r = analytics::run("summary", &calls, &opts).unwrap();
                    let want = expected_figures(t, &opts, layout);
                    for (key, w) in &want {
                        let got = fig(&r, key);
                        if t.marked == 0 {
                            assert_eq!(got, w, "{tag} {d} {variant:?}: {key}");
                        } else if TOLERANT.contains(key) {
                            let diff = (int(got) - int(w)).abs();
                            assert!(diff <= t.marked, "{tag} {d}: {key} {got:?} vs {w:?}");
                        } else if !matches!(
                            *key,
                            "lost_share"
                                | "answered_within_t"
                                | "service_level"
                                | "asa"
                                | "longest_wait_answered"
                                | "longest_wait_lost"
                        ) {
                            assert_eq!(got, w, "{tag} {d} {variant:?}: {key}");
                        }
                    }
                    assert_eq!(
                        r.notes.iter().any(|n| n == RING_UNKNOWN_NOTICE),
                        layout == Layout::B && t.incoming > 0,
                        "{tag} {d}"
                    );
                }
                if t.marked == 0 {
                    exact_days += 1;
                    saturdays += i32::from(d.format("%a").to_string() == "Sat");
                    sundays += i32::from(d.format("%a").to_string() == "Sun");
                    lost_seen += t.lost;
                } else {
                    tolerant_days += 1;
                }
            }

            // The period Tuesday to Saturday: totals and one row per day.
            let opts = ReportOptions::new(from, to);
            let r = analytics::run("summary", &calls, &opts).unwrap();
            let total = days
                .range(from..=to)
                .fold(Truth::default(), |a, (_, t)| add(&a, t));
            let want = expected_figures(&total, &opts, layout);
            for (key, w) in &want {
                let got = fig(&r, key);
                if total.marked == 0 {
                    assert_eq!(got, w, "{tag} period: {key}");
                } else if TOLERANT.contains(key) {
                    assert!(
                        (int(got) - int(w)).abs() <= total.marked,
                        "{tag} period: {key}"
                    );
                }
            }
            assert_eq!(r.table.rows.len(), 5, "{tag}");
            let keys: Vec<&str> = r.table.columns.iter().map(|c| c.key).collect();
            for (row, (d, t)) in r.table.rows.iter().zip(days.range(from..=to)) {
                let cell: BTreeMap<&str, &Cell> = keys.iter().copied().zip(row).collect();
                assert_eq!(cell["date"], &Cell::Text(d.to_string()), "{tag}");
                let w = expected_figures(t, &opts, layout);
                for (col, key) in [
                    ("incoming", "incoming"),
                    ("answered", "answered"),
                    ("lost", "lost"),
                    ("lost_share", "lost_share"),
                    ("service_level", "service_level"),
                    ("asa", "asa"),
                    ("outgoing", "outgoing"),
                    ("internal", "internal"),
                ] {
                    if t.marked == 0 || matches!(col, "outgoing" | "internal") {
                        assert_eq!(cell[col], &w[key], "{tag} {d} row: {col}");
                    } else if TOLERANT.contains(&col) {
                        let diff = (int(cell[col]) - int(&w[key])).abs();
                        assert!(diff <= t.marked, "{tag} {d} row: {col}");
                    }
                }
            }
            let Some(Chart::Bars { labels, series, .. }) = &r.chart else {
                panic!("{tag}: {:?}", r.chart)
            };
            assert_eq!(labels.len(), 5);
            let answered: Vec<f64> = r.table.rows.iter().map(|row| int(&row[2]) as f64).collect();
            let lost: Vec<f64> = r.table.rows.iter().map(|row| int(&row[3]) as f64).collect();
            assert_eq!(series[0].values, answered, "{tag}");
            assert_eq!(series[1].values, lost, "{tag}");
        }
    }
    println!(
        "summary against the truth: {exact_days} days exact ({saturdays} Saturdays, {sundays} \
         Sundays, {lost_seen} lost calls), {tolerant_days} days with marked calls within \
         their tolerance"
    );
    assert!(exact_days >= 60 && saturdays >= 6 && sundays >= 6 && lost_seen > 300);
}
