//! The `repeat` report from printed lines, end to end: Panasonic text -> parser -> calls
//! model -> report.
//!
//! 1. A small printout over three days (a known caller, a caller who never got through, calls
//!    without caller ID, a call after the period), with every figure and row it must give.
//! 2. Generated office weeks (several seeds, Patterns A, B and C; the generator's customers
//!    recur across the days of one seed) against figures computed here from the generator's
//!    truth (`officeday::truth`), never from the report's own code: the days before the period
//!    are the history that makes a caller "known".
//!
//! Tolerance: the printout cannot tell two calls of one caller a minute apart from one call
//! (calls.rs, "cannot tell"; the truth marks both calls of such a pair). Who called and who
//! was known is exact whatever the marks (a merged call keeps its number); counts of calls
//! may be off by at most the number of marked calls, and only for the numbers (or the
//! no-caller-ID calls) that have marked calls in the period. Times: Panasonic prints the end to
//! the minute, so the true first and last call lie within 59 s after the report's; Pattern B
//! has no ring time, so there the report's time is the answer moment (lost: the NA minute).

mod truth_days;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use smdrbox::core::analytics::{self, Cell, Chart, ReportOptions};
use smdrbox::core::calls::{group, normalise_number, RING_UNKNOWN_NOTICE};
use smdrbox::core::officeday::{header_lines, Layout, TruthCall};
use smdrbox::core::record::Direction;
use truth_days::cells::{fig, int};
use truth_days::printout::{date, line, load, parse_lines, Spec};

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
}

// ---------------------------------------------------------------------------------------------
// 1. A printout written by hand.

const PRINTOUT: &[Spec] = &[
    // The 11th, before the period: 0364111111 calls.
    (
        "2024-03-11 15:00",
        "101",
        Some(1),
        "<I>0364111111",
        5,
        Some(60),
        "",
    ),
    // An outgoing call to 3331234567 does not make it a known caller.
    (
        "2024-03-11 16:00",
        "101",
        Some(5),
        "3331234567",
        0,
        Some(60),
        "",
    ),
    // The 12th: 0364111111 is lost, then answered.
    (
        "2024-03-12 09:00",
        "101",
        Some(1),
        "<I>0364111111",
        30,
        Some(0),
        "NA",
    ),
    (
        "2024-03-12 09:00",
        "102",
        Some(1),
        "<I>0364111111",
        30,
        Some(0),
        "NA",
    ),
    (
        "2024-03-12 09:20",
        "102",
        Some(1),
        "<I>0364111111",
        10,
        Some(60),
        "",
    ),
    // 3331234567 tries twice and never gets through.
    (
        "2024-03-12 09:30",
        "101",
        Some(2),
        "<I>3331234567",
        30,
        Some(0),
        "NA",
    ),
    (
        "2024-03-12 09:40",
        "101",
        Some(2),
        "<I>3331234567",
        30,
        Some(0),
        "NA",
    ),
    // Two calls without caller ID, and a caller who calls once.
    ("2024-03-12 10:00", "101", Some(3), "<I>", 30, Some(0), "NA"),
    ("2024-03-12 10:30", "101", Some(3), "<I>", 10, Some(60), ""),
    (
        "2024-03-12 11:00",
        "102",
        Some(4),
        "<I>0365000000",
        10,
        Some(60),
        "",
    ),
    // The 13th, after the period: 3331234567 gets through, too late for this report.
    (
        "2024-03-13 09:00",
        "101",
        Some(2),
        "<I>3331234567",
        10,
        Some(60),
        "",
    ),
];

#[test]
fn a_printout_gives_its_figures_and_rows() {
    for layout in [Layout::A, Layout::B] {
        let mut text: Vec<String> = header_lines(layout).to_vec();
        text.extend(PRINTOUT.iter().map(|s| line(layout, s)));
        let calls = group(&parse_lines(text));
        let opts = ReportOptions::new(date("2024-03-12"), date("2024-03-12"));
        let r = analytics::run("repeat", &calls, &opts).expect("repeat is a report");
        for (key, want) in [
            ("incoming", 7),
            ("no_cli_calls", 2),
            ("distinct_callers", 3),
            ("new_callers", 2),
            ("known_callers", 1),
            ("repeat_callers", 2),
            ("repeat_calls", 4),
            ("repeat_never_answered", 1),
        ] {
            assert_eq!(fig(&r, key), &Cell::Int(want), "{layout:?} {key}");
        }
        assert!(r.notes[0].contains("from 2024-03-11 on"), "{:?}", r.notes);
        assert_eq!(
            r.notes.iter().any(|n| n.contains(RING_UNKNOWN_NOTICE)),
            layout == Layout::B
        );
        // Start times: Pattern A knows the ring (start = end - talk - ring); Pattern B starts
        // a lost call at its NA minute and an answered one at its answer.
        let (first_a, last_a, first_b, last_b) = if layout == Layout::A {
            (
                "2024-03-12 09:29:30",
                "2024-03-12 09:39:30",
                "2024-03-12 08:59:30",
                "2024-03-12 09:18:50",
            )
        } else {
            (
                "2024-03-12 09:30:00",
                "2024-03-12 09:40:00",
                "2024-03-12 09:00:00",
                "2024-03-12 09:19:00",
            )
        };
        let t = |s: &str| Cell::Text(s.into());
        let want = vec![
            vec![
                t("3331234567"),
                Cell::Empty,
                Cell::Int(2),
                Cell::Int(0),
                Cell::Int(2),
                Cell::Time(at(first_a)),
                Cell::Time(at(last_a)),
                t("no"),
                t("no"),
            ],
            vec![
                t("0364111111"),
                Cell::Empty,
                Cell::Int(2),
                Cell::Int(1),
                Cell::Int(1),
                Cell::Time(at(first_b)),
                Cell::Time(at(last_b)),
                t("yes"),
                t("yes"),
            ],
        ];
        assert_eq!(r.table.rows, want, "{layout:?}");
        let Some(Chart::Bars { series, .. }) = &r.chart else {
            panic!("{:?}", r.chart)
        };
        assert_eq!(series[0].values, [1.0, 2.0, 0.0, 0.0, 0.0]);
        assert_eq!(series[1].values, [0.0, 1.0, 0.0, 0.0, 0.0]);

        // With the 11th in the period there is no history: every caller is new.
        let opts = ReportOptions::new(date("2024-03-11"), date("2024-03-12"));
        let r = analytics::run("repeat", &calls, &opts).unwrap();
        assert_eq!(fig(&r, "new_callers"), &Cell::Int(3));
        assert_eq!(fig(&r, "repeat_calls"), &Cell::Int(5));
        assert!(r.notes[0].contains("every caller is new"));
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Generated weeks against the truth.

#[derive(Debug, Default, Clone)]
struct Caller {
    calls: i64,
    answered: i64,
    lost: i64,
    /// When its calls began, as the report can know it (see `moment`).
    first: Option<NaiveDateTime>,
    last: Option<NaiveDateTime>,
    marked: i64,
}

/// The moment the report shows for a call: when it began to ring; in Pattern B (no ring time)
/// when it was answered, or for a lost call when its NA lines were printed.
fn moment(d: NaiveDate, c: &TruthCall, layout: Layout) -> NaiveDateTime {
    let secs = if layout == Layout::B {
        c.answered_at.unwrap_or(c.end_secs)
    } else {
        c.start_secs
    };
    d.and_time(NaiveTime::MIN) + Duration::seconds(i64::from(secs))
}

/// The true moment lies in the minute after the report's (end printed to the minute).
fn near(report: &Cell, truth: Option<NaiveDateTime>) -> bool {
    match (report, truth) {
        (Cell::Time(r), Some(t)) => *r <= t && t - *r <= Duration::seconds(59),
        _ => false,
    }
}

#[test]
fn generated_weeks_agree_with_the_truth() {
    let week: Vec<NaiveDate> = (11..=17)
        .map(|d| NaiveDate::from_ymd_opt(2024, 3, d).unwrap())
        .collect();
    // History Monday to Wednesday; period Thursday to Saturday; Sunday after it.
    let (from, to) = (week[3], week[5]);
    let (mut rows_exact, mut known_seen, mut never_seen) = (0, 0, 0);
    for layout in [Layout::A, Layout::B, Layout::C] {
        for seed in 31..=40u64 {
            let tag = format!("layout {layout:?} seed {seed}");
            let (calls, truths) = load(seed, &week, layout);
            let opts = ReportOptions::new(from, to);
            let r = analytics::run("repeat", &calls, &opts).unwrap();

            let mut known: BTreeSet<String> = BTreeSet::new();
            let mut callers: BTreeMap<String, Caller> = BTreeMap::new();
            let (mut incoming, mut no_cli, mut no_cli_marked, mut marked) = (0, 0, 0, 0);
            for (d, day) in &truths {
                for c in day.iter().filter(|c| c.direction == Direction::Incoming) {
                    let number = c.number.as_deref().and_then(normalise_number);
                    if *d < from {
                        known.extend(number);
                        continue;
                    }
                    if *d > to {
                        continue;
                    }
                    let m = i64::from(c.ambiguity.is_some());
                    incoming += 1;
                    marked += m;
                    let Some(n) = number else {
                        no_cli += 1;
                        no_cli_marked += m;
                        continue;
                    };
                    let x = callers.entry(n).or_default();
                    x.calls += 1;
                    x.answered += i64::from(!c.lost);
                    x.lost += i64::from(c.lost);
                    x.marked += m;
                    let t = moment(*d, c, layout);
                    x.first = Some(x.first.map_or(t, |f| f.min(t)));
                    x.last = Some(x.last.map_or(t, |l| l.max(t)));
                }
            }
            let repeat: Vec<(&String, &Caller)> =
                callers.iter().filter(|(_, x)| x.calls >= 2).collect();
            let new = callers.keys().filter(|n| !known.contains(*n)).count() as i64;

            // Who called and who was known: exact.
            assert_eq!(
                fig(&r, "distinct_callers"),
                &Cell::Int(callers.len() as i64),
                "{tag}"
            );
            assert_eq!(fig(&r, "new_callers"), &Cell::Int(new), "{tag}");
            assert_eq!(
                fig(&r, "known_callers"),
                &Cell::Int(callers.len() as i64 - new),
                "{tag}"
            );
            assert!(
                r.notes[0].contains("from 2024-03-11 on"),
                "{tag}: {:?}",
                r.notes
            );
            // Counts: exact without marks, else within them.
            let within = |key: &str, want: i64, tol: i64| {
                let got = int(fig(&r, key));
                assert!(
                    (got - want).abs() <= tol,
                    "{tag}: {key} {got} vs {want} (tol {tol})"
                );
            };
            within("incoming", incoming, marked);
            within("no_cli_calls", no_cli, no_cli_marked);
            within("repeat_callers", repeat.len() as i64, marked);
            within(
                "repeat_calls",
                repeat.iter().map(|(_, x)| x.calls).sum(),
                marked,
            );
            within(
                "repeat_never_answered",
                repeat.iter().filter(|(_, x)| x.answered == 0).count() as i64,
                marked,
            );

            // Rows: every repeat caller without marked calls exactly, the others in tolerance.
            let keys: Vec<&str> = r.table.columns.iter().map(|c| c.key).collect();
            let rows: BTreeMap<String, BTreeMap<&str, &Cell>> = r
                .table
                .rows
                .iter()
                .map(|row| {
                    let Cell::Text(n) = &row[0] else {
                        panic!("{row:?}")
                    };
                    (n.clone(), keys.iter().copied().zip(row).collect())
                })
                .collect();
            for (n, x) in &callers {
                let row = rows.get(n);
                if x.marked == 0 {
                    assert_eq!(row.is_some(), x.calls >= 2, "{tag}: {n} {x:?}");
                }
                let Some(row) = row else { continue };
                let yes_no = |b: bool| Cell::Text(if b { "yes" } else { "no" }.into());
                assert_eq!(
                    row["known_before"],
                    &yes_no(known.contains(n)),
                    "{tag}: {n}"
                );
                if x.marked == 0 {
                    assert_eq!(row["calls"], &Cell::Int(x.calls), "{tag}: {n}");
                    assert_eq!(row["answered"], &Cell::Int(x.answered), "{tag}: {n}");
                    assert_eq!(row["lost"], &Cell::Int(x.lost), "{tag}: {n}");
                    assert_eq!(row["got_through"], &yes_no(x.answered > 0), "{tag}: {n}");
                    assert!(near(row["first_call"], x.first), "{tag}: {n} {row:?} {x:?}");
                    assert!(near(row["last_call"], x.last), "{tag}: {n} {row:?} {x:?}");
                    rows_exact += 1;
                    known_seen += i32::from(known.contains(n));
                    never_seen += i32::from(x.answered == 0);
                } else {
                    assert!(
                        (int(row["calls"]) - x.calls).abs() <= x.marked,
                        "{tag}: {n}"
                    );
                }
            }
            for n in rows.keys() {
                assert!(callers.contains_key(n), "{tag}: row {n} is no caller");
            }
            // Most calls first.
            let counts: Vec<i64> = r.table.rows.iter().map(|row| int(&row[2])).collect();
            assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{tag}: {counts:?}");
        }
    }
    println!(
        "repeat against the truth: {rows_exact} repeat callers exact ({known_seen} known \
         before, {never_seen} never got through)"
    );
    assert!(rows_exact > 300 && known_seen > 100 && never_seen > 10);
}
