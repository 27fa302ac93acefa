//! The `durations` report from printed lines, end to end: Panasonic text -> parser -> calls
//! model -> report.
//!
//! 1. A small printout written line by line, with talk times at the band edges (39, 40, 299,
//!    300 s), a transfer, a forward and outgoing calls, and every row it must give.
//! 2. Generated office weeks (several seeds, Patterns A, B and C, weekdays, Saturday and
//!    Sunday, default and other thresholds) against bands computed here from the generator's
//!    truth (`officeday::truth`), never from the report's own code.
//!
//! Tolerance: the printout cannot tell two calls of one caller a minute apart from one call
//! (calls.rs, "cannot tell"; the truth marks both calls of such a pair). A day without marked
//! calls must agree exactly, in every cell; on a day with marked calls the incoming counts may
//! be off by at most the number of marked calls (talk times are not compared: a merged call
//! has the talk of both), and outgoing rows must still be exact.

mod truth_days;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use smdrbox::core::analytics::{self, Cell, Chart, Report, ReportOptions};
use smdrbox::core::calls::group;
use smdrbox::core::officeday::{header_lines, Layout, TruthCall};
use smdrbox::core::record::Direction;
use truth_days::cells::{fig, int};
use truth_days::printout::{date, line, load, parse_lines, Spec};

// ---------------------------------------------------------------------------------------------
// 1. A printout written by hand.

const PRINTOUT: &[Spec] = &[
    (
        "2024-03-12 09:01",
        "101",
        Some(1),
        "<I>0364111111",
        5,
        Some(39),
        "",
    ),
    (
        "2024-03-12 09:11",
        "101",
        Some(1),
        "<I>0364222222",
        5,
        Some(40),
        "",
    ),
    (
        "2024-03-12 09:30",
        "102",
        Some(2),
        "<I>0364333333",
        5,
        Some(299),
        "",
    ),
    (
        "2024-03-12 09:50",
        "102",
        Some(2),
        "<I>0364444444",
        5,
        Some(300),
        "",
    ),
    // Lost: no conversation.
    (
        "2024-03-12 10:00",
        "101",
        Some(1),
        "<I>0364555555",
        30,
        Some(0),
        "NA",
    ),
    // 102 talks 20 s and hands the call to 201, who talks 100 s: one call of 120 s for 102.
    ("2024-03-12 10:05", "102", None, "EXT201", 0, None, ""),
    (
        "2024-03-12 10:05",
        "102",
        Some(2),
        "<I>0364666666",
        5,
        Some(20),
        "",
    ),
    (
        "2024-03-12 10:07",
        "201",
        Some(2),
        "<I>0364666666",
        4,
        Some(100),
        "TR",
    ),
    // Forwarded to a mobile: totals and the line, no extension.
    (
        "2024-03-12 11:00",
        "201",
        Some(3),
        "<I>3471111111",
        6,
        Some(500),
        "",
    ),
    (
        "2024-03-12 11:00",
        "201",
        Some(4),
        "3356182041",
        0,
        Some(500),
        "FW",
    ),
    // Outgoing: 10 s, not connected, 400 s.
    (
        "2024-03-12 12:00",
        "101",
        Some(5),
        "0364777777",
        0,
        Some(10),
        "",
    ),
    (
        "2024-03-12 12:10",
        "101",
        Some(5),
        "0364777777",
        0,
        Some(0),
        "",
    ),
    (
        "2024-03-12 12:30",
        "202",
        Some(6),
        "3388888888",
        0,
        Some(400),
        "",
    ),
    // The next day: outside the period.
    (
        "2024-03-13 09:01",
        "101",
        Some(1),
        "<I>0364111111",
        5,
        Some(39),
        "",
    ),
];

/// (by, name, direction, [calls, short, medium, long], talk)
type Row = (&'static str, &'static str, &'static str, [i64; 4], i64);

const EXPECT: &[Row] = &[
    (
        "all",
        "All answered incoming",
        "incoming",
        [6, 1, 3, 2],
        39 + 40 + 299 + 300 + 120 + 500,
    ),
    (
        "all",
        "All connected outgoing",
        "outgoing",
        [2, 1, 0, 1],
        410,
    ),
    ("extension", "101", "incoming", [2, 1, 1, 0], 79),
    ("extension", "102", "incoming", [3, 0, 2, 1], 719),
    ("extension", "101", "outgoing", [1, 1, 0, 0], 10),
    ("extension", "202", "outgoing", [1, 0, 0, 1], 400),
    ("line", "01 Main", "incoming", [2, 1, 1, 0], 79),
    ("line", "02", "incoming", [3, 0, 2, 1], 719),
    ("line", "03", "incoming", [1, 0, 0, 1], 500),
    ("line", "05", "outgoing", [1, 1, 0, 0], 10),
    ("line", "06", "outgoing", [1, 0, 0, 1], 400),
];

#[test]
fn a_printout_gives_its_rows() {
    for layout in [Layout::A, Layout::B] {
        let mut text: Vec<String> = header_lines(layout).to_vec();
        text.extend(PRINTOUT.iter().map(|s| line(layout, s)));
        let calls = group(&parse_lines(text));
        let mut opts = ReportOptions::new(date("2024-03-12"), date("2024-03-12"));
        opts.line_names.insert("01".into(), "Main".into());
        let r = analytics::run("durations", &calls, &opts).expect("durations is a report");
        let want: Vec<Vec<Cell>> = EXPECT
            .iter()
            .map(|&(by, name, dir, n, talk)| expected_cells(by, name, dir, n, talk))
            .collect();
        assert_eq!(r.table.rows, want, "{layout:?}");
        assert_eq!(fig(&r, "incoming_answered"), &Cell::Int(6));
        assert_eq!(fig(&r, "incoming_short_share"), &Cell::Pct(1.0 / 6.0));
        assert_eq!(fig(&r, "incoming_long"), &Cell::Int(2));
        assert_eq!(fig(&r, "outgoing_long_share"), &Cell::Pct(0.5));
        assert_eq!(fig(&r, "outgoing_avg_talk"), &Cell::Secs(205));
    }
}

fn expected_cells(by: &str, name: &str, dir: &str, n: [i64; 4], talk: i64) -> Vec<Cell> {
    let share = |k: i64| {
        if n[0] == 0 {
            Cell::Empty
        } else {
            Cell::Pct(k as f64 / n[0] as f64)
        }
    };
    vec![
        Cell::Text(by.into()),
        Cell::Text(name.into()),
        Cell::Text(dir.into()),
        Cell::Int(n[0]),
        Cell::Int(n[1]),
        Cell::Int(n[2]),
        Cell::Int(n[3]),
        share(n[1]),
        share(n[2]),
        share(n[3]),
        if n[0] == 0 {
            Cell::Empty
        } else {
            Cell::Secs((2 * talk + n[0]) / (2 * n[0]))
        },
        Cell::Secs(talk),
    ]
}

// ---------------------------------------------------------------------------------------------
// 2. Generated weeks against the truth.

/// (by, name, direction) -> ([calls, short, medium, long], talk). Lines are named by their
/// number (Pattern C prints `0001` where A and B print `01`).
type Bands = BTreeMap<(String, String, String), ([i64; 4], i64)>;

fn truth_bands<'a>(
    calls: impl Iterator<Item = &'a TruthCall>,
    opts: &ReportOptions,
) -> (Bands, i64) {
    let mut m = Bands::new();
    let mut marked = 0;
    for (by, dir) in [("all", "incoming"), ("all", "outgoing")] {
        m.insert((by.into(), String::new(), dir.into()), ([0; 4], 0));
    }
    for c in calls {
        marked += i64::from(c.ambiguity.is_some());
        let (dir, who) = match c.direction {
            Direction::Incoming if !c.lost => ("incoming", c.answered_by.clone()),
            Direction::Outgoing if c.talk_secs > 0 => ("outgoing", Some(c.extension.clone())),
            _ => continue,
        };
        let band = if c.talk_secs < opts.short_call_secs {
            1
        } else if c.talk_secs >= opts.long_call_secs {
            3
        } else {
            2
        };
        let mut groups = vec![("all", String::new())];
        groups.extend(who.map(|w| ("extension", w)));
        groups.extend(c.trunk.map(|t| ("line", t.to_string())));
        for (by, name) in groups {
            let e = m.entry((by.into(), name, dir.into())).or_default();
            e.0[0] += 1;
            e.0[band] += 1;
            e.1 += i64::from(c.talk_secs);
        }
    }
    (m, marked)
}

fn model_bands(r: &Report) -> Bands {
    let text = |c: &Cell| match c {
        Cell::Text(s) => s.clone(),
        other => panic!("{other:?}"),
    };
    let secs = |c: &Cell| match c {
        Cell::Secs(s) => *s,
        other => panic!("{other:?}"),
    };
    r.table
        .rows
        .iter()
        .map(|row| {
            let by = text(&row[0]);
            let name = match by.as_str() {
                "all" => String::new(),
                "line" => text(&row[1]).parse::<u16>().unwrap().to_string(),
                _ => text(&row[1]),
            };
            // Shares and the average follow from the counts: check them here.
            let n = [int(&row[3]), int(&row[4]), int(&row[5]), int(&row[6])];
            let talk = secs(&row[11]);
            assert_eq!(
                row[7..],
                expected_cells("", "", "", n, talk)[7..],
                "shares and average of {row:?}"
            );
            ((by, name, text(&row[2])), (n, talk))
        })
        .collect()
}

#[test]
fn generated_weeks_agree_with_the_truth() {
    let week: Vec<NaiveDate> = (11..=17)
        .map(|d| NaiveDate::from_ymd_opt(2024, 3, d).unwrap())
        .collect();
    let (mut exact_days, mut saturdays, mut short, mut long) = (0, 0, 0, 0);
    for layout in [Layout::A, Layout::B, Layout::C] {
        for seed in 21..=28u64 {
            let tag = format!("layout {layout:?} seed {seed}");
            let (calls, truths) = load(seed, &week, layout);
            let mut periods: Vec<(NaiveDate, NaiveDate, Vec<&TruthCall>)> = truths
                .iter()
                .map(|(d, t)| (*d, *d, t.iter().collect()))
                .collect();
            periods.push((
                week[1],
                week[5],
                truths[1..=5].iter().flat_map(|(_, t)| t).collect(),
            ));
            for (from, to, t) in periods {
                let mut opts = ReportOptions::new(from, to);
                if seed % 2 == 0 {
                    (opts.short_call_secs, opts.long_call_secs) = (60, 180);
                }
                let r = analytics::run("durations", &calls, &opts).unwrap();
                let (want, marked) = truth_bands(t.into_iter(), &opts);
                let got = model_bands(&r);
                let tag = format!("{tag} {from}..{to}");
                if marked == 0 {
                    assert_eq!(got, want, "{tag}");
                    assert_eq!(
                        got.keys().collect::<Vec<_>>(),
                        want.keys().collect::<Vec<_>>()
                    );
                    if from == to {
                        exact_days += 1;
                        saturdays += i32::from(from.format("%a").to_string() == "Sat");
                        let all = want[&("all".into(), String::new(), "incoming".into())].0;
                        short += all[1];
                        long += all[3];
                    }
                } else {
                    for (k, (n, talk)) in &want {
                        let Some((m, mtalk)) = got.get(k) else {
                            assert!(marked > 0 && k.2 == "incoming", "{tag}: no row {k:?}");
                            continue;
                        };
                        if k.2 == "outgoing" {
                            assert_eq!((m, mtalk), (n, talk), "{tag}: {k:?}");
                        } else {
                            for i in 0..4 {
                                assert!((m[i] - n[i]).abs() <= marked, "{tag}: {k:?} {m:?} {n:?}");
                            }
                        }
                    }
                }
                // The chart: the incoming rows per extension.
                let ext_rows: Vec<&Vec<Cell>> = r
                    .table
                    .rows
                    .iter()
                    .filter(|row| {
                        row[0] == Cell::Text("extension".into())
                            && row[2] == Cell::Text("incoming".into())
                    })
                    .collect();
                match &r.chart {
                    Some(Chart::Bars { labels, series, .. }) => {
                        let names: Vec<Cell> =
                            labels.iter().map(|l| Cell::Text(l.clone())).collect();
                        assert_eq!(
                            names,
                            ext_rows.iter().map(|r| r[1].clone()).collect::<Vec<_>>()
                        );
                        for (s, col) in series.iter().zip(4..7) {
                            let v: Vec<f64> =
                                ext_rows.iter().map(|r| int(&r[col]) as f64).collect();
                            assert_eq!(s.values, v, "{tag}");
                        }
                    }
                    None => assert!(ext_rows.is_empty(), "{tag}"),
                    other => panic!("{tag}: {other:?}"),
                }
            }
        }
    }
    println!(
        "durations against the truth: {exact_days} days exact ({saturdays} Saturdays; {short} \
         short and {long} long incoming conversations among them)"
    );
    assert!(exact_days >= 60 && saturdays >= 6 && short > 100 && long > 100);
}
