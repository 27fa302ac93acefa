//! The `load` report ("When do calls come") against the generator's truth: office days
//! (weekdays and Saturdays, Patterns A, B and C, several seeds, roomy and congested trunk
//! groups) are printed, read back by the real Panasonic parser, grouped by `calls::group`, and
//! reported; every figure is compared with the same figure computed here from
//! `officeday::truth` alone (the report's code is never called for the expected side).
//!
//! What the expected side is: the truth *as the printout can show it*, computed from the
//! generator's exact seconds:
//! - The PBX prints a leg's END to the minute, so a printed time is the true one minus
//!   `δ = end mod 60`. A call's shown busy interval is `[start - δ1, end - δ2]`, δ1 from its
//!   first printed line (the answering leg, which for a transfer ends before the call does) and
//!   δ2 from its last. Shifted intervals of two calls on one trunk can then overlap; a line is
//!   busy or not, so busy time is the union per line (a forward's outside leg is a line of its
//!   own: neither the calls model nor the truth keeps its trunk).
//! - Pattern B prints no ring time: a call shows from its answer, and a lost call shows no line
//!   time at all (its start is the print minute). The test also asserts the documented bias:
//!   less traffic over the day than the full truth.
//! - Calls the generator marks `ambiguity` (the printout cannot tell them from one call) may be
//!   merged with their partner: they count as "possible" only, and the traffic may differ by
//!   their interval widened by the redial window. Everything else must agree exactly.

mod truth_days;

use chrono::{Datelike, Duration};
use smdrbox::core::analytics::{run, Cell, Chart, Report, ReportOptions};
use smdrbox::core::calls::{group, RING_UNKNOWN_NOTICE};
use smdrbox::core::officeday::Layout;
use truth_days::cells::{col, fig, num, within};
use truth_days::trunks::{
    days_with_calls, generate_days, single_days, window_start, windows, Case, Held, Truth, HOUR,
};
use truth_days::{date, DAY};

/// Checks one generated period; returns the report for further checks.
fn check(case: &Case) -> Report {
    let (days, records) = case.generate();
    let calls = group(&records);
    let opts = ReportOptions::new(case.first, case.last());
    let r = run("load", &calls, &opts).expect("load is a report");
    let what = case.what();
    let t = Truth::new(&days);
    let with_calls = days_with_calls(&days);
    let n = with_calls.len() as f64;

    // Counts per clock hour, and in total.
    type Pick = fn(&Held) -> bool;
    let picks: [(&str, Pick); 3] = [
        ("incoming", |_| true),
        ("answered", |x| !x.lost),
        ("lost", |x| x.lost),
    ];
    for (key, pick) in picks {
        let c = col(&r, key);
        let mut total = 0.0;
        for hour in 0..24 {
            let (certain, possible) = t.starts(&windows(&with_calls, hour * HOUR), pick);
            let got = num(&r.table.rows[hour as usize][c]);
            total += got;
            within(
                &format!("{what}: {key} at {hour:02}"),
                got,
                certain,
                possible,
            );
        }
        let (certain, possible) = t.starts(&[(0, case.days * DAY)], pick);
        within(&format!("{what}: {key} total"), total, certain, possible);
        within(
            &format!("{what}: figure {key}"),
            num(fig(&r, key)),
            certain,
            possible,
        );
    }

    // Traffic per clock hour, incoming and all lines.
    let (mut day_got, mut day_full) = (0.0, 0.0);
    for hour in 0..24 {
        let w = windows(&with_calls, hour * HOUR);
        for (key, incoming_only) in [("incoming_erlangs", true), ("trunk_erlangs", false)] {
            let (shown, tol, full) = t.traffic(&w, incoming_only);
            let got = num(&r.table.rows[hour as usize][col(&r, key)]);
            within(
                &format!("{what}: {key} at {hour:02}"),
                got,
                shown - tol,
                shown + tol,
            );
            if !incoming_only {
                day_got += got;
                day_full += full;
            }
        }
    }
    if case.layout == Layout::B {
        // The documented bias: without ring times the day's traffic is below the truth (one-leg
        // calls keep their length exactly, so the missing ring times show in the total).
        assert!(
            day_got < day_full,
            "{what}: Pattern B should miss the ring time ({day_got} vs {day_full})"
        );
        assert!(r.notes.iter().any(|n| n.contains(RING_UNKNOWN_NOTICE)));
    } else {
        assert!(!r.notes.iter().any(|n| n.contains(RING_UNKNOWN_NOTICE)));
    }

    // The time-consistent busy hour: the report's window is a maximum within the tolerance.
    let (lo, hi, quiet) = t.busy_hour_traffic(&with_calls);
    if fig(&r, "busy_hour") == &Cell::Empty {
        // No line was busy (a quiet Sunday; in Pattern B lost calls hold no line time).
        assert!(quiet, "{what}: truth has traffic");
        return r;
    }
    let got = num(fig(&r, "busy_hour_traffic"));
    within(&format!("{what}: busy hour traffic"), got, lo, hi);
    println!(
        "{what}: busy hour {} {got:.4} E (truth allows {lo:.4}..={hi:.4}), incoming {}",
        fig(&r, "busy_hour").human(),
        fig(&r, "incoming").human()
    );
    let bh = window_start(fig(&r, "busy_hour"));
    let w = windows(&with_calls, bh);
    let (s, tol, _) = t.traffic(&w, false);
    within(
        &format!("{what}: traffic in the busy hour"),
        got,
        s - tol,
        s + tol,
    );
    let (s, tol, _) = t.traffic(&w, true);
    within(
        &format!("{what}: incoming traffic in the busy hour"),
        num(fig(&r, "busy_hour_incoming_traffic")),
        s - tol,
        s + tol,
    );
    let (certain, possible) = t.starts(&w, |_| true);
    within(
        &format!("{what}: incoming calls in the busy hour"),
        num(fig(&r, "busy_hour_incoming_calls")),
        certain / n,
        possible / n,
    );

    // The busiest clock hour: its traffic, and each day's peak averaged (ADPH).
    let ph = window_start(fig(&r, "peak_clock_hour"));
    let (s, tol, _) = t.traffic(&windows(&with_calls, ph), false);
    within(
        &format!("{what}: busiest clock hour traffic"),
        num(fig(&r, "peak_clock_hour_traffic")),
        s - tol,
        s + tol,
    );
    let (mut adph_lo, mut adph_hi) = (0.0, 0.0);
    for d in &with_calls {
        let per_hour: Vec<(f64, f64)> = (0..24)
            .map(|hour| {
                let lo = d * DAY + hour * HOUR;
                let (s, t, _) = t.traffic(&[(lo, lo + HOUR)], false);
                (s, t)
            })
            .collect();
        adph_lo += per_hour.iter().map(|(s, t)| s - t).fold(0.0, f64::max);
        adph_hi += per_hour.iter().map(|(s, t)| s + t).fold(0.0, f64::max);
    }
    within(
        &format!("{what}: average daily peak"),
        num(fig(&r, "daily_peak_traffic")),
        adph_lo / n,
        adph_hi / n,
    );
    r
}

fn cases() -> Vec<Case> {
    // A roomy office (8 lines) and a congested one (3 lines, twice the calls).
    let mut v = single_days(&[(8, 1.0), (3, 2.0)]);
    v.push(Case {
        first: date(2024, 3, 13),
        days: 1,
        seed: 4,
        layout: Layout::C,
        trunks: 4,
        scale: 2.0,
    });
    v
}

#[test]
fn load_agrees_with_truth_on_generated_days() {
    for case in cases() {
        check(&case);
    }
}

/// A week, Monday to Sunday: the heatmap's weekday rows are the days' calls per hour, and the
/// busy hour is averaged over the seven days.
#[test]
fn a_week_heatmap_and_busy_hour_agree_with_truth() {
    for layout in [Layout::A, Layout::B] {
        let case = Case {
            first: date(2024, 3, 11),
            days: 7,
            seed: 7,
            layout,
            trunks: 4,
            scale: 1.5,
        };
        let r = check(&case);
        let (days, _) = generate_days(case.first, 7, 7, layout, 4, 1.5);
        let Some(Chart::Heatmap {
            rows,
            columns,
            values,
            ..
        }) = &r.chart
        else {
            panic!("load has a heatmap")
        };
        assert_eq!(rows, &["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]);
        assert_eq!(columns.len(), 24);
        assert_eq!(columns[9], "09");
        for d in &days {
            let wd = (case.first + Duration::seconds(d.offset))
                .weekday()
                .num_days_from_monday() as usize;
            let t = Truth::new(std::slice::from_ref(d));
            for hour in 0..24 {
                let lo = d.offset + hour * HOUR;
                let (c, p) = t.starts(&[(lo, lo + HOUR)], |_| true);
                within(
                    &format!("{layout:?} heatmap {} {hour:02}", rows[wd]),
                    values[wd][hour as usize],
                    c,
                    p,
                );
            }
        }
    }
}

/// Two weeks of which only the first was captured: the heatmap averages over both weeks'
/// weekdays (halving), while traffic and the busy hour average over the days with calls and do
/// not change.
#[test]
fn days_without_calls_halve_the_heatmap_but_not_the_traffic() {
    let (_, records) = generate_days(date(2024, 3, 11), 7, 9, Layout::A, 4, 1.5);
    let calls = group(&records);
    let one = run(
        "load",
        &calls,
        &ReportOptions::new(date(2024, 3, 11), date(2024, 3, 17)),
    )
    .unwrap();
    let two = run(
        "load",
        &calls,
        &ReportOptions::new(date(2024, 3, 11), date(2024, 3, 24)),
    )
    .unwrap();
    let heat = |r: &Report| match &r.chart {
        Some(Chart::Heatmap { values, .. }) => values.clone(),
        _ => panic!("heatmap"),
    };
    let (h1, h2) = (heat(&one), heat(&two));
    for (a, b) in h1.iter().flatten().zip(h2.iter().flatten()) {
        assert!((a / 2.0 - b).abs() < 1e-12);
    }
    for key in [
        "incoming",
        "busy_hour",
        "busy_hour_traffic",
        "busy_hour_incoming_traffic",
        "peak_clock_hour_traffic",
        "daily_peak_traffic",
    ] {
        assert_eq!(fig(&one, key), fig(&two, key), "{key}");
    }
    assert_eq!(one.table, two.table);
}
