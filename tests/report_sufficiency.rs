//! The `sufficiency` report ("Are there enough lines and operators") against the generator's
//! truth, on days where all lines are busy at times (few trunks, many calls) and on roomy
//! ones: printed, read back by the Panasonic parser, grouped by `calls::group`, reported, and
//! compared with figures computed here from `officeday::truth` alone. The Erlang formulas on
//! the expected side are `erlang`'s (the reference the report must use, not reimplement); the
//! measurements that go into them come from the truth.
//!
//! Two truths:
//! - the truth *as the printout can show it* (see `report_load.rs`: printed times are the true
//!   ones minus `end mod 60`; Pattern B shows a call from its answer and a lost call not at
//!   all): concurrency, time with all lines busy and traffic must agree exactly, except around
//!   calls the generator marks `ambiguity`, where the difference is bounded by their interval
//!   widened by the redial window;
//! - the raw truth, concurrency computed from `TruthCall::start_secs/end_secs` as they are:
//!   the report may differ from it only within 59 s of a call's start or end (the printout's
//!   minute), or, in Pattern B, by the unprinted ring time, which only ever lowers the report's
//!   figures (the documented bias).

mod truth_days;

use smdrbox::core::analytics::{run, Cell, Chart, ReportOptions};
use smdrbox::core::calls::group;
use smdrbox::core::erlang;
use smdrbox::core::officeday::{Layout, REDIAL_WINDOW_SECS};
use truth_days::cells::{col, fig, num, within};
use truth_days::trunks::{
    days_with_calls, generate_days, single_days, window_start, windows, Case, Held, Truth, HOUR,
    MINUTE_SLACK,
};
use truth_days::{date, DAY};

/// Lines busy at each second of the period, from merged per-line intervals.
fn levels(intervals: &[(i64, i64)], len: i64) -> Vec<u32> {
    let mut diff = vec![0i64; len as usize + 1];
    for &(s, e) in intervals {
        let (s, e) = (s.clamp(0, len), e.clamp(0, len));
        if s < e {
            diff[s as usize] += 1;
            diff[e as usize] -= 1;
        }
    }
    let mut out = Vec::with_capacity(len as usize);
    let mut l = 0i64;
    for d in &diff[..len as usize] {
        l += d;
        out.push(l as u32);
    }
    out
}

/// Seconds covered by any of `zones` (a mask over the period).
fn mask(zones: impl Iterator<Item = (i64, i64)>, len: i64) -> Vec<bool> {
    let mut m = vec![false; len as usize];
    for (s, e) in zones {
        for t in s.clamp(0, len)..e.clamp(0, len) {
            m[t as usize] = true;
        }
    }
    m
}

fn check(case: &Case) {
    let (days, records) = case.generate();
    let calls = group(&records);
    let mut opts = ReportOptions::new(case.first, case.last());
    let nl = u32::from(case.trunks);
    opts.trunk_count = Some(nl);
    let r = run("sufficiency", &calls, &opts).expect("sufficiency is a report");
    let what = case.what();
    let t = Truth::new(&days);
    let len = case.days * DAY;
    let with_calls = days_with_calls(&days);
    let n = with_calls.len() as f64;

    // Concurrency as the printout shows it, and where ambiguous calls blur it.
    let shown = levels(&t.all, len);
    let fuzzy = mask(t.fuzzy.iter().map(|&(s, e, _)| (s, e)), len);
    let fuzzy_extra = {
        let mut v = vec![0u32; len as usize];
        for &(s, e, k) in &t.fuzzy {
            for x in &mut v[s.clamp(0, len) as usize..e.clamp(0, len) as usize] {
                *x += k as u32;
            }
        }
        v
    };
    let peak_lo = (0..len as usize)
        .filter(|&i| !fuzzy[i])
        .map(|i| shown[i])
        .max()
        .unwrap_or(0);
    let peak_hi = (0..len as usize)
        .map(|i| shown[i] + fuzzy_extra[i])
        .max()
        .unwrap_or(0);
    // No more than the lines configured can be busy (the report caps a minute-rounding excess).
    let peak = num(fig(&r, "peak_lines_busy"));
    within(
        &format!("{what}: most lines busy"),
        peak,
        f64::from(peak_lo.min(nl)),
        f64::from(peak_hi.min(nl)),
    );
    let full_secs = |lo: i64, hi: i64| -> (f64, f64) {
        let (lo, hi) = (lo as usize, hi as usize);
        let exact = (lo..hi).filter(|&i| shown[i] >= nl).count() as f64;
        let blur = (lo..hi).filter(|&i| fuzzy[i]).count() as f64;
        (exact, blur)
    };
    let (fs, blur) = full_secs(0, len);
    within(
        &format!("{what}: time all lines busy"),
        num(fig(&r, "all_lines_busy")),
        fs - blur - 0.5,
        fs + blur + 0.5,
    );

    // The raw truth: start_secs/end_secs as they are (a forward holds two lines). The report
    // can differ only within a minute of a call's start or end, or (Pattern B) downwards.
    let raw: Vec<(i64, i64)> = t
        .calls
        .iter()
        .flat_map(|x| std::iter::repeat_n(x.full, x.lines.len()))
        .collect();
    let raw_levels = levels(&raw, len);
    let edges = mask(
        t.calls.iter().flat_map(|x| {
            let (s, e) = x.full;
            let w = if x.ambiguous {
                i64::from(REDIAL_WINDOW_SECS) + MINUTE_SLACK
            } else {
                MINUTE_SLACK
            };
            [(s - w, s + w), (e - w, e + w)]
        }),
        len,
    );
    let raw_full = raw_levels.iter().filter(|&&l| l >= nl).count() as f64;
    let near_edges = (0..len as usize)
        .filter(|&i| edges[i] && raw_levels[i] + 1 >= nl)
        .count() as f64;
    let raw_peak = raw_levels.iter().copied().max().unwrap_or(0);
    let got_full = num(fig(&r, "all_lines_busy"));
    if case.layout == Layout::B {
        assert!(
            got_full <= raw_full + near_edges + 0.5,
            "{what}: Pattern B time all busy {got_full} above the raw truth {raw_full}"
        );
    } else {
        within(
            &format!("{what}: time all lines busy vs raw truth"),
            got_full,
            raw_full - near_edges - 0.5,
            raw_full + near_edges + 0.5,
        );
    }
    println!(
        "{what}: most lines busy {peak} (raw truth {raw_peak}), all busy {got_full} s (raw \
         truth {raw_full} s, printout-level {fs} s), busy hour {} load {} all busy {} offered \
         {} blocked {}/{} lines needed {} operators {} vs {}",
        fig(&r, "busy_hour").human(),
        fig(&r, "busy_hour_load").human(),
        fig(&r, "busy_hour_all_busy").human(),
        fig(&r, "offered_traffic").human(),
        fig(&r, "blocked_calls").human(),
        fig(&r, "blocked_calls_measured").human(),
        fig(&r, "lines_needed").human(),
        fig(&r, "operators_needed").human(),
        fig(&r, "operators_answered").human(),
    );

    // The busy hour: traffic, load and time congestion in it.
    let (lo, hi, quiet) = t.busy_hour_traffic(&with_calls);
    if fig(&r, "busy_hour") == &Cell::Empty {
        // No line was busy (a quiet Sunday; in Pattern B lost calls hold no line time).
        assert!(quiet, "{what}: truth has traffic");
        return;
    }
    let y = num(fig(&r, "busy_hour_traffic"));
    within(&format!("{what}: busy hour traffic"), y, lo, hi);
    let bh = window_start(fig(&r, "busy_hour"));
    let w = windows(&with_calls, bh);
    let (ys, ytol, _) = t.traffic(&w, false);
    within(
        &format!("{what}: traffic in the busy hour"),
        y,
        ys - ytol,
        ys + ytol,
    );
    let (y_lo, y_hi) = (ys - ytol, ys + ytol);
    let load = num(fig(&r, "busy_hour_load"));
    within(
        &format!("{what}: busy hour load"),
        load,
        y_lo / f64::from(nl),
        y_hi / f64::from(nl),
    );
    let (mut tc, mut tc_blur) = (0.0, 0.0);
    for &(a, b) in &w {
        let (x, bl) = full_secs(a, b);
        tc += x;
        tc_blur += bl;
    }
    let tc_den = w.len() as f64 * HOUR as f64;
    let (tc_lo, tc_hi) = ((tc - tc_blur) / tc_den, (tc + tc_blur) / tc_den);
    within(
        &format!("{what}: busy hour time congestion"),
        num(fig(&r, "busy_hour_all_busy")),
        tc_lo,
        tc_hi,
    );

    // Attempts that got a line in the busy hour (a forward holds two), and incoming calls.
    let (mut att_lo, mut att_hi) = (0.0, 0.0);
    for x in &t.calls {
        let (a, b) = (x.start_lo, x.start);
        let certain = w.iter().any(|&(lo, hi)| lo <= a && b < hi);
        let possible = w.iter().any(|&(lo, hi)| lo <= b && a < hi);
        let k = x.lines.len() as f64;
        if certain && !x.ambiguous {
            att_lo += k;
        }
        if possible || x.ambiguous {
            att_hi += k;
        }
    }
    let (att_lo, att_hi) = (att_lo / n, att_hi / n);
    let (inc_lo, inc_hi) = t.starts(&w, |_| true);
    let (inc_lo, inc_hi) = (inc_lo / n, inc_hi / n);
    within(
        &format!("{what}: incoming calls in the busy hour"),
        num(fig(&r, "busy_hour_incoming_calls")),
        inc_lo,
        inc_hi,
    );

    // Erlang B estimates (§8), from the truth's traffic bounds through `erlang`.
    let offered = fig(&r, "offered_traffic");
    if y_hi / f64::from(nl) <= erlang::RELIABLE_LOAD {
        let a_lo = erlang::offered_from_carried(nl, y_lo.max(0.0))
            .unwrap()
            .unwrap();
        let a_hi = erlang::offered_from_carried(nl, y_hi).unwrap().unwrap();
        within(
            &format!("{what}: offered traffic"),
            num(offered),
            a_lo.offered,
            a_hi.offered,
        );
        within(
            &format!("{what}: blocking (Erlang B)"),
            num(fig(&r, "blocked_share")),
            a_lo.blocking,
            a_hi.blocking,
        );
        let odds = |b: f64| b / (1.0 - b);
        within(
            &format!("{what}: blocked calls (Erlang B)"),
            num(fig(&r, "blocked_calls")),
            att_lo * odds(a_lo.blocking),
            att_hi * odds(a_hi.blocking),
        );
        within(
            &format!("{what}: blocked calls (measured)"),
            num(fig(&r, "blocked_calls_measured")),
            att_lo * odds(tc_lo),
            att_hi * odds(tc_hi),
        );
        within(
            &format!("{what}: lines needed"),
            num(fig(&r, "lines_needed")),
            f64::from(erlang::lines_for_blocking(a_lo.offered, opts.target_blocking).unwrap()),
            f64::from(erlang::lines_for_blocking(a_hi.offered, opts.target_blocking).unwrap()),
        );
    } else if y_lo / f64::from(nl) > erlang::RELIABLE_LOAD {
        // Above 95 % load the estimate is refused, with the reason.
        for key in [
            "offered_traffic",
            "blocked_share",
            "blocked_calls",
            "lines_needed",
        ] {
            let f = r.figures.iter().find(|f| f.key == key).unwrap();
            assert_eq!(f.value, Cell::Empty, "{what}: {key} should be refused");
            assert!(f.note.as_deref().unwrap().starts_with("refused"), "{what}");
        }
    }

    // Operators (Erlang C): arrivals, talk time and who answered, from the truth. Calls
    // forwarded to an outside number never reach an operator.
    let (op_lo, op_hi) = t.starts(&w, |x| x.lines.len() == 1);
    let (op_lo, op_hi) = (op_lo / n, op_hi / n);
    let answered: Vec<&Held> = t
        .calls
        .iter()
        .filter(|x| x.incoming && x.answered_by.is_some())
        .collect();
    let inside = |x: &Held| w.iter().any(|&(a, b)| a <= x.start && x.start < b);
    let sure: Vec<&Held> = answered
        .iter()
        .copied()
        .filter(|x| inside(x) && !x.ambiguous)
        .collect();
    let maybe: Vec<&Held> = answered.iter().copied().filter(|x| x.ambiguous).collect();
    let distinct = |v: &[&Held]| {
        v.iter()
            .filter_map(|x| x.answered_by.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .len() as f64
    };
    let all: Vec<&Held> = sure.iter().chain(&maybe).copied().collect();
    let (o_lo, o_hi) = (distinct(&sure), distinct(&all));
    if all.is_empty() {
        for key in ["handling_time", "operators_needed", "operators_answered"] {
            assert_eq!(fig(&r, key), &Cell::Empty, "{what}: {key}");
        }
    }
    if !sure.is_empty() {
        let mean = |v: &[&Held]| v.iter().map(|x| x.talk as f64).sum::<f64>() / v.len() as f64;
        // A mean over the sure calls plus any of the maybe ones lies between these; a maybe call
        // merged with its partner talks for both (the two longest bound that).
        let mut talks: Vec<f64> = maybe.iter().map(|x| x.talk as f64).collect();
        talks.sort_by(|a, b| b.total_cmp(a));
        let merged_max = talks.iter().take(2).sum::<f64>();
        let (h_lo, h_hi) = (
            talks.iter().copied().fold(mean(&sure), f64::min),
            mean(&sure).max(merged_max),
        );
        within(
            &format!("{what}: talk time in the busy hour"),
            num(fig(&r, "handling_time")),
            h_lo - 0.5,
            h_hi + 0.5,
        );
        let (a_lo, a_hi) = (op_lo * h_lo / 3600.0, op_hi * h_hi / 3600.0);
        within(
            &format!("{what}: operator traffic"),
            num(fig(&r, "operator_traffic")),
            a_lo,
            a_hi,
        );
        if case.days == 1 {
            let got = fig(&r, "operators_answered");
            within(
                &format!("{what}: operators who answered"),
                num(got),
                o_lo,
                o_hi,
            );
            let needed = r
                .figures
                .iter()
                .find(|f| f.key == "operators_needed")
                .unwrap();
            let sl_t = f64::from(opts.service_level_secs);
            let sl = opts.target_service_level;
            if a_hi / o_lo <= erlang::RELIABLE_LOAD {
                within(
                    &format!("{what}: operators needed"),
                    num(&needed.value),
                    f64::from(erlang::agents_for_service_level(a_lo, h_lo, sl_t, sl).unwrap()),
                    f64::from(erlang::agents_for_service_level(a_hi, h_hi, sl_t, sl).unwrap()),
                );
            } else if a_lo / o_hi > erlang::RELIABLE_LOAD {
                assert_eq!(
                    needed.value,
                    Cell::Empty,
                    "{what}: operators needed refused"
                );
                assert!(needed.note.as_deref().unwrap().starts_with("refused"));
            }
        }
    }

    // The table per clock hour: traffic, most lines busy and time all busy, exactly.
    let c = |key| col(&r, key);
    for hour in 0..24i64 {
        let row = &r.table.rows[hour as usize];
        let w = windows(&with_calls, hour * HOUR);
        let (s, tol, _) = t.traffic(&w, false);
        within(
            &format!("{what}: carried at {hour:02}"),
            num(&row[c("carried_erlangs")]),
            s - tol,
            s + tol,
        );
        let (mut p_lo, mut p_hi, mut f, mut fb) = (0, 0, 0.0, 0.0);
        for &(a, b) in &w {
            for i in a as usize..b as usize {
                if !fuzzy[i] {
                    p_lo = p_lo.max(shown[i]);
                }
                p_hi = p_hi.max(shown[i] + fuzzy_extra[i]);
            }
            let (x, bl) = full_secs(a, b);
            f += x;
            fb += bl;
        }
        within(
            &format!("{what}: most lines busy at {hour:02}"),
            num(&row[c("peak_lines_busy")]),
            f64::from(p_lo.min(nl)),
            f64::from(p_hi.min(nl)),
        );
        within(
            &format!("{what}: all busy at {hour:02}"),
            num(&row[c("all_busy_secs")]),
            f - fb - 0.5,
            f + fb + 0.5,
        );
        let (c_lo, c_hi) = t.starts(&w, |_| true);
        within(
            &format!("{what}: incoming per day at {hour:02}"),
            num(&row[c("incoming_per_day")]),
            c_lo / n,
            c_hi / n,
        );
    }
    // The generator uses exactly `trunks` trunks: no complaint about the count.
    assert!(
        !r.notes.iter().any(|n| n.contains("different trunks")),
        "{what}"
    );
    let Some(Chart::Lines { labels, series, .. }) = &r.chart else {
        panic!("sufficiency draws lines")
    };
    assert_eq!(labels.len(), 24);
    let avail = series.iter().find(|s| s.name == "Lines available").unwrap();
    assert!(avail.values.iter().all(|&v| v == f64::from(nl)));
}

fn cases() -> Vec<Case> {
    // Congested (all lines busy at times) and roomy.
    let mut v = single_days(&[(2, 1.5), (3, 2.0), (4, 3.0), (8, 1.0)]);
    v.push(Case {
        first: date(2024, 3, 14),
        days: 1,
        seed: 5,
        layout: Layout::C,
        trunks: 3,
        scale: 2.5,
    });
    for layout in [Layout::A, Layout::B] {
        v.push(Case {
            first: date(2024, 3, 11),
            days: 6,
            seed: 8,
            layout,
            trunks: 3,
            scale: 2.0,
        });
    }
    v
}

#[test]
fn sufficiency_agrees_with_truth_on_congested_and_roomy_days() {
    let cases = cases();
    for case in &cases {
        check(case);
    }
}

/// The congested days really are congested: all lines busy for a while in the truth, and the
/// report says so (otherwise the test above proves little).
#[test]
fn congested_days_have_all_lines_busy() {
    for seed in [1, 2, 3] {
        let (days, records) = generate_days(date(2024, 3, 12), 1, seed, Layout::A, 3, 2.0);
        let t = Truth::new(&days);
        let raw: Vec<(i64, i64)> = t
            .calls
            .iter()
            .flat_map(|x| std::iter::repeat_n(x.full, x.lines.len()))
            .collect();
        let full = levels(&raw, DAY).iter().filter(|&&l| l >= 3).count();
        assert!(full > 3600, "seed {seed}: only {full} s all busy");
        let mut opts = ReportOptions::new(date(2024, 3, 12), date(2024, 3, 12));
        opts.trunk_count = Some(3);
        let r = run("sufficiency", &group(&records), &opts).unwrap();
        assert!(num(fig(&r, "all_lines_busy")) > 3600.0);
        assert!(num(fig(&r, "blocked_calls_measured")) > 1.0);
        assert!(num(fig(&r, "offered_traffic")) > num(fig(&r, "busy_hour_traffic")));
    }
}

/// Without a lines count: no time congestion, no offered traffic, the reason in the note, and
/// lines needed from the carried traffic (a lower bound).
#[test]
fn without_a_lines_count_the_estimates_say_how_to_get_them() {
    let (days, records) = generate_days(date(2024, 3, 12), 1, 1, Layout::A, 3, 2.0);
    let opts = ReportOptions::new(date(2024, 3, 12), date(2024, 3, 12));
    let r = run("sufficiency", &group(&records), &opts).unwrap();
    for key in [
        "lines",
        "all_lines_busy",
        "busy_hour_all_busy",
        "offered_traffic",
        "blocked_calls",
        "blocked_calls_measured",
    ] {
        let f = r.figures.iter().find(|f| f.key == key).unwrap();
        assert_eq!(f.value, Cell::Empty, "{key}");
        assert!(f
            .note
            .as_deref()
            .unwrap()
            .contains("set [lines] count in the config"));
    }
    let t = Truth::new(&days);
    let bh = window_start(fig(&r, "busy_hour"));
    let (y, tol, _) = t.traffic(&windows(&[0], bh), false);
    within(
        "lines needed from carried traffic",
        num(fig(&r, "lines_needed")),
        f64::from(erlang::lines_for_blocking(y - tol, 0.01).unwrap()),
        f64::from(erlang::lines_for_blocking(y + tol, 0.01).unwrap()),
    );
    assert!(r
        .notes
        .iter()
        .any(|n| n.contains("set [lines] count in the config")));
    let Some(Chart::Lines { series, .. }) = &r.chart else {
        panic!()
    };
    assert!(series.iter().all(|s| s.name != "Lines available"));
}
