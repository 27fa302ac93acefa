//! The `operators` report from printed lines, end to end: Panasonic text -> parser -> calls
//! model -> report.
//!
//! 1. A small printout written line by line (a lost call that rang on two phones, an answered
//!    call, a transfer after a consultation, a forward to a mobile, outgoing calls), in
//!    Patterns A and B, with every cell it must give.
//! 2. Generated office weeks (several seeds, Patterns A, B and C, weekdays, Saturday and
//!    Sunday) against per-extension figures computed here from the generator's truth
//!    (`officeday::truth_of` its records), never from the report's own code. Talk time is
//!    each extension's own: the talk the generator printed on that extension's lines of a call
//!    (answer, transferred legs; dialled and handed-over outgoing legs), not the call's total.
//!
//! Tolerance: the printout cannot tell two calls of one caller a minute apart from one call
//! (calls.rs, "cannot tell"; the truth marks both calls of such a pair). A day without marked
//! calls must agree exactly, in every cell; on a day with marked calls each count may be off
//! by at most the number of marked calls, and waits and talk times are not compared (a merged
//! call has another ring time, and a redial read as a transfer moves talk between people).

mod truth_days;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use smdrbox::core::analytics::{self, Cell, Chart, Report, ReportOptions};
use smdrbox::core::calls::{group, Call, RING_UNKNOWN_NOTICE};
use smdrbox::core::officeday::{
    generate, header_lines, truth_of, DayOptions, Layout, LineKind, TruthCall,
};
use smdrbox::core::record::Direction;
use truth_days::cells::{fig, int};
use truth_days::printout::{date, line, load_with, parse_lines, Spec};

/// A truth call and what the generator printed on each of its lines (consultations left
/// out): (extension, kind of line, talk seconds).
type Truth = (TruthCall, Vec<(String, LineKind, u32)>);

/// Generated days of one seed, printed one after the other, read back and grouped together;
/// with each day's truth (`officeday::truth_of` the generated records, with their lines).
fn load(
    seed: u64,
    days: &[NaiveDate],
    layout: Layout,
) -> (Vec<Call>, Vec<(NaiveDate, Vec<Truth>)>) {
    let day_truth = |o: &DayOptions| -> Vec<Truth> {
        let gen = generate(o);
        truth_of(&gen)
            .into_iter()
            .map(|t| {
                let printed = t
                    .lines
                    .iter()
                    .map(|&i| {
                        let g = &gen[i];
                        (
                            g.fields.ext.clone(),
                            g.kind,
                            g.fields.duration_secs.unwrap_or(0),
                        )
                    })
                    .collect();
                (t, printed)
            })
            .collect()
    };
    load_with(seed, days, layout, day_truth, |(t, _)| t)
}

// ---------------------------------------------------------------------------------------------
// 1. A printout written by hand.

const PRINTOUT: &[Spec] = &[
    // Nobody answered: NA at 101 and 102.
    (
        "2024-03-12 09:00",
        "101",
        Some(1),
        "<I>0364111222",
        25,
        Some(0),
        "NA",
    ),
    (
        "2024-03-12 09:00",
        "102",
        Some(1),
        "<I>0364111222",
        25,
        Some(0),
        "NA",
    ),
    // 101 answered after 8 s and talked 2 min.
    (
        "2024-03-12 09:05",
        "101",
        Some(2),
        "<I>3331234567",
        8,
        Some(120),
        "",
    ),
    // 102 answered after 12 s, consulted 201 and transferred the call to 201 (TR).
    ("2024-03-12 10:05", "102", None, "EXT201", 0, None, ""),
    (
        "2024-03-12 10:05",
        "102",
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
    // 201 forwarded a call to a mobile.
    (
        "2024-03-12 11:00",
        "201",
        Some(3),
        "<I>3471111111",
        6,
        Some(30),
        "",
    ),
    (
        "2024-03-12 11:00",
        "201",
        Some(4),
        "3356182041",
        0,
        Some(30),
        "FW",
    ),
    // Outgoing: 101 talked 75 s, 102 did not get through.
    (
        "2024-03-12 12:00",
        "101",
        Some(5),
        "0364555666",
        0,
        Some(75),
        "",
    ),
    (
        "2024-03-12 12:10",
        "102",
        Some(5),
        "0364555666",
        0,
        Some(0),
        "",
    ),
    // The next day: outside the period.
    (
        "2024-03-13 09:05",
        "101",
        Some(2),
        "<I>3331234567",
        8,
        Some(120),
        "",
    ),
];

#[derive(Debug, Clone, Copy)]
enum Want {
    Int(i64),
    Secs(i64),
    Pct(u32, u32),
    Empty,
    /// Secs in Patterns A and C, Empty in B.
    Ring(i64),
}

type Expect = (&'static str, &'static [(&'static str, Want)]);

const EXPECT: &[Expect] = &[
    (
        "101 Anna",
        &[
            ("offered", Want::Int(2)),
            ("answered", Want::Int(1)),
            ("not_answered", Want::Int(1)),
            ("answered_share", Want::Pct(1, 2)),
            ("transferred_in", Want::Int(0)),
            ("transferred_out", Want::Int(0)),
            ("forwarded_outside", Want::Int(0)),
            ("avg_ring_secs", Want::Ring(8)),
            ("max_ring_secs", Want::Ring(8)),
            ("talk_secs", Want::Secs(120)),
            ("avg_talk_secs", Want::Secs(120)),
            ("outgoing", Want::Int(1)),
            ("outgoing_talk_secs", Want::Secs(75)),
        ],
    ),
    (
        "102",
        &[
            ("offered", Want::Int(2)),
            ("answered", Want::Int(1)),
            ("not_answered", Want::Int(1)),
            ("transferred_in", Want::Int(0)),
            ("transferred_out", Want::Int(1)),
            ("avg_ring_secs", Want::Ring(12)),
            ("max_ring_secs", Want::Ring(12)),
            // Its only answered call went on to 201: its talk is the 40 s before.
            ("talk_secs", Want::Secs(40)),
            ("avg_talk_secs", Want::Secs(40)),
            ("outgoing", Want::Int(1)),
            ("outgoing_talk_secs", Want::Secs(0)),
        ],
    ),
    (
        "201",
        &[
            ("offered", Want::Int(1)),
            ("answered", Want::Int(0)),
            ("answered_share", Want::Pct(0, 1)),
            ("transferred_in", Want::Int(1)),
            ("transferred_out", Want::Int(0)),
            ("forwarded_outside", Want::Int(1)),
            ("avg_ring_secs", Want::Empty),
            // The 200 s after the transfer; the forward's 30 s are the outside party's.
            ("talk_secs", Want::Secs(200)),
            ("avg_talk_secs", Want::Secs(200)),
            ("outgoing", Want::Int(0)),
            ("outgoing_talk_secs", Want::Secs(0)),
        ],
    ),
];

#[test]
fn a_printout_gives_its_cells() {
    for layout in [Layout::A, Layout::B] {
        let mut text: Vec<String> = header_lines(layout).to_vec();
        text.extend(PRINTOUT.iter().map(|s| line(layout, s)));
        let calls = group(&parse_lines(text));
        let mut opts = ReportOptions::new(date("2024-03-12"), date("2024-03-12"));
        opts.extension_names.insert("101".into(), "Anna".into());
        let r = analytics::run("operators", &calls, &opts).expect("operators is a report");
        let keys: Vec<&str> = r.table.columns.iter().map(|c| c.key).collect();
        let firsts: Vec<&Cell> = r.table.rows.iter().map(|row| &row[0]).collect();
        let text = |s: &str| Cell::Text(s.into());
        assert_eq!(
            firsts,
            [&text("101 Anna"), &text("102"), &text("201")],
            "{layout:?}"
        );
        for (ext, cells) in EXPECT {
            let row = r.table.rows.iter().find(|row| row[0] == text(ext)).unwrap();
            let row: BTreeMap<&str, &Cell> = keys.iter().copied().zip(row).collect();
            for (key, want) in *cells {
                let want = match *want {
                    Want::Int(n) => Cell::Int(n),
                    Want::Secs(n) => Cell::Secs(n),
                    Want::Pct(a, b) => Cell::Pct(f64::from(a) / f64::from(b)),
                    Want::Empty => Cell::Empty,
                    Want::Ring(_) if layout == Layout::B => Cell::Empty,
                    Want::Ring(n) => Cell::Secs(n),
                };
                assert_eq!(row[key], &want, "{layout:?} {ext} {key}");
            }
        }
        assert_eq!(fig(&r, "answered_by_extension"), &Cell::Int(2));
        assert_eq!(fig(&r, "forwarded_outside"), &Cell::Int(1));
        assert_eq!(fig(&r, "not_answered"), &Cell::Int(2));
        assert_eq!(fig(&r, "transferred_calls"), &Cell::Int(1));
        assert_eq!(
            r.notes.iter().any(|n| n == RING_UNKNOWN_NOTICE),
            layout == Layout::B
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Generated weeks against the truth.

#[derive(Debug, Default, Clone, PartialEq)]
struct Ext {
    offered: i64,
    answered: i64,
    not_answered: i64,
    transferred_in: i64,
    transferred_out: i64,
    forwarded: i64,
    rings: Vec<u32>,
    /// Incoming calls it talked on, and the talk printed on its own lines of them.
    talked: i64,
    talk: i64,
    outgoing: i64,
    /// The talk printed on its own lines of outgoing calls.
    outgoing_talk: i64,
}

/// Per extension, from the truth alone; and how many calls are marked.
fn truth_per_ext<'a>(calls: impl Iterator<Item = &'a Truth>) -> (BTreeMap<String, Ext>, i64) {
    let mut m: BTreeMap<String, Ext> = BTreeMap::new();
    let mut marked = 0;
    for (c, printed) in calls {
        marked += i64::from(c.ambiguity.is_some());
        // Talk: each line where somebody in the office talked counts for its extension (a
        // forward's lines do not: the outside party talked).
        let mut talked: BTreeSet<&String> = BTreeSet::new();
        for (ext, kind, secs) in printed {
            match kind {
                LineKind::Answered | LineKind::AnsweredBeforeTransfer | LineKind::TransferredIn => {
                    let x = m.entry(ext.clone()).or_default();
                    x.talk += i64::from(*secs);
                    if talked.insert(ext) {
                        x.talked += 1;
                    }
                }
                LineKind::Outgoing
                | LineKind::Callback
                | LineKind::OutgoingBeforeTransfer
                | LineKind::OutgoingTransferred => {
                    m.entry(ext.clone()).or_default().outgoing_talk += i64::from(*secs);
                }
                _ => {}
            }
        }
        match c.direction {
            Direction::Incoming => {
                let mut offered: BTreeSet<&String> = c.rang.iter().collect();
                offered.extend(&c.answered_by);
                offered.extend(&c.forwarded_by);
                for e in offered {
                    m.entry(e.clone()).or_default().offered += 1;
                }
                for e in &c.rang {
                    m.entry(e.clone()).or_default().not_answered += 1;
                }
                if let Some(a) = &c.answered_by {
                    let x = m.entry(a.clone()).or_default();
                    x.answered += 1;
                    x.rings
                        .push(c.ring_secs.expect("the generator knows the ring"));
                }
                if let Some(f) = &c.forwarded_by {
                    m.entry(f.clone()).or_default().forwarded += 1;
                }
                // Who held the call, in turn: each but the last handed it on.
                let holders: Vec<&String> = c.answered_by.iter().chain(&c.transferred_to).collect();
                let outs: BTreeSet<&String> = holders[..holders.len().saturating_sub(1)]
                    .iter()
                    .copied()
                    .collect();
                for e in outs {
                    m.entry(e.clone()).or_default().transferred_out += 1;
                }
                for e in c.transferred_to.iter().collect::<BTreeSet<_>>() {
                    m.entry(e.clone()).or_default().transferred_in += 1;
                }
            }
            Direction::Outgoing => {
                m.entry(c.extension.clone()).or_default().outgoing += 1;
            }
            Direction::Internal => {}
        }
    }
    (m, marked)
}

fn mean(sum: i64, n: i64) -> Cell {
    if n == 0 {
        Cell::Empty
    } else {
        Cell::Secs((2 * sum + n) / (2 * n))
    }
}

/// The row the report must show for `x`.
fn expected_row(x: &Ext, layout: Layout) -> BTreeMap<&'static str, Cell> {
    let ring = layout != Layout::B && !x.rings.is_empty();
    let sum: i64 = x.rings.iter().map(|&r| i64::from(r)).sum();
    BTreeMap::from([
        ("offered", Cell::Int(x.offered)),
        ("answered", Cell::Int(x.answered)),
        ("not_answered", Cell::Int(x.not_answered)),
        (
            "answered_share",
            if x.offered == 0 {
                Cell::Empty
            } else {
                Cell::Pct(x.answered as f64 / x.offered as f64)
            },
        ),
        ("transferred_in", Cell::Int(x.transferred_in)),
        ("transferred_out", Cell::Int(x.transferred_out)),
        ("forwarded_outside", Cell::Int(x.forwarded)),
        (
            "avg_ring_secs",
            if ring {
                mean(sum, x.rings.len() as i64)
            } else {
                Cell::Empty
            },
        ),
        (
            "max_ring_secs",
            match x.rings.iter().max() {
                Some(&m) if ring => Cell::Secs(i64::from(m)),
                _ => Cell::Empty,
            },
        ),
        ("talk_secs", Cell::Secs(x.talk)),
        ("avg_talk_secs", mean(x.talk, x.talked)),
        ("outgoing", Cell::Int(x.outgoing)),
        ("outgoing_talk_secs", Cell::Secs(x.outgoing_talk)),
    ])
}

/// Counts a marked call can move; everything else is exact or (waits, talk) not compared.
const COUNTS: [&str; 5] = [
    "offered",
    "answered",
    "not_answered",
    "transferred_in",
    "transferred_out",
];

fn check(r: &Report, truth: &BTreeMap<String, Ext>, marked: i64, layout: Layout, tag: &str) {
    let keys: Vec<&str> = r.table.columns.iter().map(|c| c.key).collect();
    // Same extensions, in numeric order; 101 carries its name.
    let mut want_order: Vec<&String> = truth.keys().collect();
    want_order.sort_by_key(|e| e.parse::<u64>().unwrap_or(u64::MAX));
    let label = |e: &str| {
        if e == "101" {
            "101 Anna".to_string()
        } else {
            e.to_string()
        }
    };
    let got_order: Vec<&Cell> = r.table.rows.iter().map(|row| &row[0]).collect();
    let want_cells: Vec<Cell> = want_order.iter().map(|e| Cell::Text(label(e))).collect();
    if marked == 0 {
        assert_eq!(got_order, want_cells.iter().collect::<Vec<_>>(), "{tag}");
    }
    for e in want_order {
        let Some(row) = r
            .table
            .rows
            .iter()
            .find(|row| row[0] == Cell::Text(label(e)))
        else {
            // A marked call read otherwise can only add or drop a row in its tolerance.
            assert!(marked > 0, "{tag}: no row for {e}");
            continue;
        };
        let row: BTreeMap<&str, &Cell> = keys.iter().copied().zip(row).collect();
        for (key, want) in expected_row(&truth[e], layout) {
            let got = row[key];
            if marked == 0 || matches!(key, "forwarded_outside" | "outgoing" | "outgoing_talk_secs")
            {
                assert_eq!(got, &want, "{tag}: {e} {key}");
            } else if COUNTS.contains(&key) {
                assert!((int(got) - int(&want)).abs() <= marked, "{tag}: {e} {key}");
            }
        }
    }
    // Figures: sums over the truth.
    let answered: i64 = truth.values().map(|x| x.answered).sum();
    let figures = [
        (
            "extensions_answering",
            truth.values().filter(|x| x.answered > 0).count() as i64,
        ),
        ("answered_by_extension", answered),
        (
            "forwarded_outside",
            truth.values().map(|x| x.forwarded).sum(),
        ),
        ("not_answered", truth.values().map(|x| x.not_answered).sum()),
    ];
    for (key, want) in figures {
        let diff = (int(fig(r, key)) - want).abs();
        assert!(
            diff <= marked,
            "{tag}: figure {key} {:?} vs {want}",
            fig(r, key)
        );
    }
    // The chart: the table's answered and not-answered columns of extensions offered calls.
    let Some(Chart::Bars { labels, series, .. }) = &r.chart else {
        assert!(truth.values().all(|x| x.offered == 0), "{tag}: no chart");
        return;
    };
    let offered: Vec<&Vec<Cell>> = r.table.rows.iter().filter(|row| int(&row[1]) > 0).collect();
    let names: Vec<Cell> = labels.iter().map(|l| Cell::Text(l.clone())).collect();
    assert_eq!(
        names,
        offered.iter().map(|row| row[0].clone()).collect::<Vec<_>>()
    );
    let col = |i: usize| {
        offered
            .iter()
            .map(|row| int(&row[i]) as f64)
            .collect::<Vec<_>>()
    };
    assert_eq!(series[0].values, col(2), "{tag}");
    assert_eq!(series[1].values, col(3), "{tag}");
}

#[test]
fn generated_weeks_agree_with_the_truth() {
    let week: Vec<NaiveDate> = (11..=17)
        .map(|d| NaiveDate::from_ymd_opt(2024, 3, d).unwrap())
        .collect();
    let (from, to) = (week[1], week[5]);
    let (mut exact_days, mut saturdays, mut transfers, mut rang) = (0, 0, 0, 0);
    for layout in [Layout::A, Layout::B, Layout::C] {
        for seed in 11..=18u64 {
            let tag = format!("layout {layout:?} seed {seed}");
            let (calls, truths) = load(seed, &week, layout);
            for (d, t) in &truths {
                let mut opts = ReportOptions::new(*d, *d);
                opts.extension_names.insert("101".into(), "Anna".into());
                let r = analytics::run("operators", &calls, &opts).unwrap();
                let (want, marked) = truth_per_ext(t.iter());
                check(&r, &want, marked, layout, &format!("{tag} {d}"));
                if marked == 0 {
                    exact_days += 1;
                    saturdays += i32::from(d.format("%a").to_string() == "Sat");
                    transfers += want.values().map(|x| x.transferred_in).sum::<i64>();
                    rang += want.values().map(|x| x.not_answered).sum::<i64>();
                }
            }
            let mut opts = ReportOptions::new(from, to);
            opts.extension_names.insert("101".into(), "Anna".into());
            let r = analytics::run("operators", &calls, &opts).unwrap();
            let (want, marked) = truth_per_ext(
                truths
                    .iter()
                    .filter(|(d, _)| (from..=to).contains(d))
                    .flat_map(|(_, t)| t),
            );
            check(&r, &want, marked, layout, &format!("{tag} {from}..{to}"));
        }
    }
    println!(
        "operators against the truth: {exact_days} days exact ({saturdays} Saturdays), \
         {transfers} transfers and {rang} rings without answer among them"
    );
    assert!(exact_days >= 60 && saturdays >= 6 && transfers > 100 && rang > 500);
}
