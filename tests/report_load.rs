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

use chrono::{Datelike, Duration, NaiveDate};
use smdrbox::core::analytics::{run, Cell, Chart, Report, ReportOptions};
use smdrbox::core::calls::{group, RING_UNKNOWN_NOTICE};
use smdrbox::core::dialect::panasonic::Panasonic;
use smdrbox::core::dialect::{DateOrder, Dialect};
use smdrbox::core::officeday::{
    generate, office_day, truth_of, DayOptions, Layout, TruthCall, REDIAL_WINDOW_SECS,
};
use smdrbox::core::record::{Direction, Parsed, Record};

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;
/// The printout's minute: how much earlier than the truth a printed time can be.
const MINUTE_SLACK: i64 = 59;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// One generated day as the report sees it (records) and as the generator meant it (truth).
struct GenDay {
    offset: i64,
    layout: Layout,
    truth: Vec<TruthCall>,
    /// Print time of each generated record (index = `TruthCall::lines` entries).
    printed: Vec<u32>,
}

/// Generates `days` (consecutive, first = `first`), prints and parses them; records get
/// consecutive seqs across days.
fn generate_days(
    first: NaiveDate,
    days: i64,
    seed: u64,
    layout: Layout,
    trunks: u16,
    scale: f64,
) -> (Vec<GenDay>, Vec<(i64, Record)>) {
    let mut out = Vec::new();
    let mut records = Vec::new();
    for i in 0..days {
        let mut opts = DayOptions::new(first + Duration::days(i), seed);
        opts.layout = layout;
        opts.trunks = trunks;
        opts.calls_scale = scale;
        let gen = generate(&opts);
        let mut parser = Panasonic::new(DateOrder::Dmy);
        let before = records.len();
        for line in office_day(&opts) {
            match parser.parse(&line.text) {
                Parsed::Record { record, .. } => records.push((records.len() as i64, *record)),
                Parsed::Header { .. } => {}
                Parsed::Reject { reason } => panic!("rejected {:?}: {reason}", line.text),
            }
        }
        assert_eq!(records.len() - before, gen.len());
        out.push(GenDay {
            offset: i * DAY,
            layout,
            truth: truth_of(&gen),
            printed: gen.iter().map(|g| g.at_secs).collect(),
        });
    }
    (out, records)
}

/// A line: a trunk of one day's generator, or the outside leg of a forward.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Line {
    Trunk(u16),
    Forward(i64, u32),
}

/// What a truth call shows in the printout, and what it really was.
struct Held {
    /// Busy interval as printed, `None` for a lost call in Pattern B (no line time shown).
    shown: Option<(i64, i64)>,
    /// The true busy interval.
    full: (i64, i64),
    lines: Vec<Line>,
    /// Start as printed, and the earliest the calls model may put it (see `held`).
    start: i64,
    start_lo: i64,
    ambiguous: bool,
    incoming: bool,
    lost: bool,
}

fn held(t: &TruthCall, day: &GenDay) -> Option<Held> {
    if t.direction == Direction::Internal {
        return None;
    }
    let o = day.offset;
    let (s, e) = (i64::from(t.start_secs), i64::from(t.end_secs));
    let first_print = t
        .lines
        .iter()
        .map(|&i| i64::from(day.printed[i]))
        .min()
        .unwrap_or(e);
    let (d1, d2) = (first_print % 60, e % 60);
    let incoming = t.direction == Direction::Incoming;
    let no_ring = day.layout == Layout::B && incoming;
    let shown = match (no_ring, t.answered_at) {
        (false, _) => Some((o + s - d1, o + e - d2)),
        (true, Some(a)) => Some((o + i64::from(a) - d1, o + e - d2)),
        (true, None) => None,
    };
    let start = shown.map_or(o + e - d2, |x| x.0);
    let start_lo = start;
    let mut lines = vec![Line::Trunk(t.trunk.expect("trunk calls have a trunk"))];
    if t.forwarded_to.is_some() {
        lines.push(Line::Forward(o, t.id));
    }
    Some(Held {
        shown,
        full: (o + s, o + e),
        lines,
        start,
        start_lo,
        ambiguous: t.ambiguity.is_some(),
        incoming,
        lost: t.lost,
    })
}

/// Length of `[a, b) ∩ [lo, hi)`.
fn overlap(a: i64, b: i64, lo: i64, hi: i64) -> i64 {
    (b.min(hi) - a.max(lo)).max(0)
}

/// Busy intervals merged per line (trunk numbers are per generated day, so per day).
fn merged(h: &[Held], incoming_only: bool, full: bool) -> Vec<(i64, i64)> {
    let mut by_line: std::collections::BTreeMap<(i64, Line), Vec<(i64, i64)>> = Default::default();
    for x in h.iter().filter(|x| !incoming_only || x.incoming) {
        let Some((s, e)) = (if full { Some(x.full) } else { x.shown }) else {
            continue;
        };
        // The forward's outside leg is an outgoing seizure, not incoming traffic.
        let lines = if incoming_only {
            &x.lines[..1]
        } else {
            &x.lines[..]
        };
        for l in lines {
            by_line
                .entry((x.full.0.div_euclid(DAY), l.clone()))
                .or_default()
                .push((s, e));
        }
    }
    let mut out = Vec::new();
    for (_, mut v) in by_line {
        v.sort_unstable();
        let mut cur: Option<(i64, i64)> = None;
        for (s, e) in v {
            match cur {
                Some((cs, ce)) if s <= ce => cur = Some((cs, ce.max(e))),
                _ => {
                    out.extend(cur);
                    cur = Some((s, e));
                }
            }
        }
        out.extend(cur);
    }
    out
}

/// The truth of a period, ready for windows.
struct Truth {
    calls: Vec<Held>,
    all: Vec<(i64, i64)>,
    incoming: Vec<(i64, i64)>,
    full_all: Vec<(i64, i64)>,
    /// Ambiguous calls' widened intervals, with the lines they hold.
    fuzzy: Vec<(i64, i64, i64)>,
}

impl Truth {
    fn new(days: &[GenDay]) -> Truth {
        let calls: Vec<Held> = days
            .iter()
            .flat_map(|d| d.truth.iter().filter_map(move |t| held(t, d)))
            .collect();
        let w = i64::from(REDIAL_WINDOW_SECS) + MINUTE_SLACK;
        let fuzzy = calls
            .iter()
            .filter_map(|x| {
                let k = x.lines.len() as i64;
                if x.ambiguous {
                    // Merged with its partner, the model's call may cover the gap between the
                    // two (a redial within the window, or NA lines a minute apart).
                    let (s, e) = x.shown.unwrap_or((x.start, x.start));
                    Some((s - w, e + w, k))
                } else {
                    (x.start_lo < x.start).then_some((x.start_lo, x.start, k))
                }
            })
            .collect();
        Truth {
            all: merged(&calls, false, false),
            incoming: merged(&calls, true, false),
            full_all: merged(&calls, false, true),
            calls,
            fuzzy,
        }
    }

    /// Traffic over `windows` (one hour each), Erlangs: (shown, tolerance, full).
    fn traffic(&self, windows: &[(i64, i64)], incoming_only: bool) -> (f64, f64, f64) {
        let list = if incoming_only {
            &self.incoming
        } else {
            &self.all
        };
        let sum = |l: &[(i64, i64)]| -> i64 {
            windows
                .iter()
                .map(|&(lo, hi)| l.iter().map(|&(s, e)| overlap(s, e, lo, hi)).sum::<i64>())
                .sum()
        };
        let tol: i64 = windows
            .iter()
            .map(|&(lo, hi)| {
                self.fuzzy
                    .iter()
                    .map(|&(s, e, k)| k * overlap(s, e, lo, hi))
                    .sum::<i64>()
            })
            .sum();
        let n = (windows.len() as i64 * HOUR) as f64;
        // Float sums in the report: allow a hair.
        (
            sum(list) as f64 / n,
            tol as f64 / n + 1e-9,
            sum(&self.full_all) as f64 / n,
        )
    }

    /// Incoming calls (picked by `pick`) whose printed start falls in the windows: (certain,
    /// possible).
    fn starts(&self, windows: &[(i64, i64)], pick: impl Fn(&Held) -> bool) -> (f64, f64) {
        let (mut c, mut p) = (0, 0);
        for x in self.calls.iter().filter(|x| x.incoming && pick(x)) {
            let (a, b) = (x.start_lo, x.start);
            let certain = windows.iter().any(|&(lo, hi)| lo <= a && b < hi);
            let possible = windows.iter().any(|&(lo, hi)| lo <= b && a < hi);
            c += i64::from(certain && !x.ambiguous);
            p += i64::from(possible || x.ambiguous);
        }
        (c as f64, p as f64)
    }
}

/// The same hour-long window (starting `from` seconds into the day) on each day with calls.
fn windows(days: &[i64], from: i64) -> Vec<(i64, i64)> {
    days.iter()
        .map(|d| (d * DAY + from, d * DAY + from + HOUR))
        .collect()
}

fn fig<'a>(r: &'a Report, key: &str) -> &'a Cell {
    &r.figures
        .iter()
        .find(|f| f.key == key)
        .unwrap_or_else(|| panic!("no figure {key}"))
        .value
}

fn num(c: &Cell) -> f64 {
    match c {
        Cell::Num(x, _) | Cell::Pct(x) => *x,
        Cell::Int(n) | Cell::Secs(n) => *n as f64,
        other => panic!("not a number: {other:?}"),
    }
}

fn col(r: &Report, key: &str) -> usize {
    r.table
        .columns
        .iter()
        .position(|c| c.key == key)
        .unwrap_or_else(|| panic!("no column {key}"))
}

/// "10:15-11:15" -> seconds into the day of its start.
fn window_start(c: &Cell) -> i64 {
    let Cell::Text(s) = c else {
        panic!("not a window: {c:?}")
    };
    let (h, m) = (
        s[0..2].parse::<i64>().unwrap(),
        s[3..5].parse::<i64>().unwrap(),
    );
    h * HOUR + m * 60
}

fn within(what: &str, got: f64, lo: f64, hi: f64) {
    let eps = 1e-9;
    assert!(
        lo - eps <= got && got <= hi + eps,
        "{what}: report {got}, truth allows {lo}..={hi}"
    );
}

struct Case {
    first: NaiveDate,
    days: i64,
    seed: u64,
    layout: Layout,
    trunks: u16,
    scale: f64,
}

/// Checks one generated period; returns the report for further checks.
fn check(case: &Case) -> Report {
    let (days, records) = generate_days(
        case.first,
        case.days,
        case.seed,
        case.layout,
        case.trunks,
        case.scale,
    );
    let calls = group(&records);
    let last = case.first + Duration::days(case.days - 1);
    let opts = ReportOptions::new(case.first, last);
    let r = run("load", &calls, &opts).expect("load is a report");
    let what = format!(
        "seed {} from {} ({} days) layout {:?} trunks {} scale {}",
        case.seed, case.first, case.days, case.layout, case.trunks, case.scale
    );
    let t = Truth::new(&days);
    let with_calls: Vec<i64> = days
        .iter()
        .filter(|d| !d.truth.is_empty())
        .map(|d| d.offset / DAY)
        .collect();
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
    let cands: Vec<(f64, f64)> = (0..=92)
        .map(|q| {
            let (s, t, _) = t.traffic(&windows(&with_calls, q * 900), false);
            (s, t)
        })
        .collect();
    let lo = cands.iter().map(|c| c.0 - c.1).fold(f64::MIN, f64::max);
    let hi = cands.iter().map(|c| c.0 + c.1).fold(f64::MIN, f64::max);
    if fig(&r, "busy_hour") == &Cell::Empty {
        // No line was busy (a quiet Sunday; in Pattern B lost calls hold no line time).
        assert!(
            cands.iter().all(|c| c.0 == 0.0),
            "{what}: truth has traffic"
        );
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
    let mut v = Vec::new();
    for seed in [1, 2, 3, 18] {
        // Tuesday, Saturday, and a quiet Sunday (no line busy at all in some layouts).
        for first in [date(2024, 3, 12), date(2024, 3, 16), date(2024, 3, 17)] {
            for layout in [Layout::A, Layout::B] {
                // A roomy office (8 lines) and a congested one (3 lines, twice the calls).
                for (trunks, scale) in [(8, 1.0), (3, 2.0)] {
                    v.push(Case {
                        first,
                        days: 1,
                        seed,
                        layout,
                        trunks,
                        scale,
                    });
                }
            }
        }
    }
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
