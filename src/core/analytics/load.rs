//! "When do calls come": incoming calls by hour of day and weekday, carried traffic per clock
//! hour, and the busy hour (`shared/analytics.md` §1 and §7).
//!
//! This module also holds the line-occupancy reconstruction that `sufficiency` builds on:
//! each trunk call's busy interval `[start, end]`, merged per line, swept into "lines busy at
//! once", and that step function integrated per quarter hour of every day (§1: a call is clipped
//! to each period it spans, so 10:55-11:10 counts in both hours).
//!
//! Which days an average is over: the period's days that have any call ("days with calls").
//! A day without a single call is a closed day or a day the box was off, and averaging it in
//! would dilute the busy hour; the notes say how many days that is. The weekday heatmap is the
//! exception the brief asks for: calls per hour over *all* the period's days of that weekday,
//! since "when do calls come" includes "not on Sundays".

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration, NaiveDateTime, NaiveTime, Weekday};

use super::{in_period, Cell, Chart, Column, Figure, Report, ReportOptions, Table};
use crate::core::calls::{Call, Outcome, RING_UNKNOWN_NOTICE};
use crate::core::record::Direction;

pub const NAME: &str = "load";
pub const TITLE: &str = "When do calls come";
pub const ABOUT: &str =
    "When calls come: incoming calls by hour and weekday, traffic per hour and the busy hour";

pub(crate) const DAY_SECS: i64 = 86_400;
pub(crate) const HOUR_SECS: i64 = 3_600;
pub(crate) const QUARTER_SECS: i64 = 900;
/// Quarter hours in a day.
pub(crate) const QUARTERS: usize = 96;
/// A busy interval longer than this is a nonsense record (e.g. legs of different dates merged),
/// not a call: it is left out of the traffic and counted in a note. Real calls of many hours
/// stay in.
const MAX_BUSY_SECS: i64 = 2 * DAY_SECS;

/// One day's occupancy per quarter hour.
#[derive(Debug, Clone)]
pub(crate) struct DayBins {
    /// Busy line-seconds of all trunk calls (incoming and outgoing; a forward holds two lines).
    pub all: [f64; QUARTERS],
    /// Busy line-seconds of incoming calls only.
    pub incoming: [f64; QUARTERS],
    /// Seconds with all configured lines busy (0 when the count is not configured).
    pub full: [f64; QUARTERS],
    /// The most lines busy at once.
    pub peak: [u32; QUARTERS],
}

impl Default for DayBins {
    fn default() -> Self {
        DayBins {
            all: [0.0; QUARTERS],
            incoming: [0.0; QUARTERS],
            full: [0.0; QUARTERS],
            peak: [0; QUARTERS],
        }
    }
}

/// The period's line occupancy, rebuilt from the calls' start and end times.
#[derive(Debug, Clone)]
pub(crate) struct Occupancy {
    /// Midnight starting the period; every `*_secs` below counts from it.
    pub start: NaiveDateTime,
    /// Days in the period (0 if `to` is before `from`).
    pub n_days: i64,
    /// Per day index, only days with any busy line.
    pub days: BTreeMap<i64, DayBins>,
    /// Day indices the averages are over: days with a call starting on them or a busy line.
    pub considered: BTreeSet<i64>,
    /// Lines configured (`None` or 0: not configured).
    pub lines: Option<u32>,
    /// The most lines busy at once in the period, and when that first happened.
    pub peak: u32,
    pub peak_at: Option<NaiveDateTime>,
    /// Total seconds with all configured lines busy.
    pub full_secs: f64,
    /// Calls left out because their busy interval is longer than two days (nonsense records).
    pub skipped_long: usize,
    /// Some incoming call of the period has no ring time in its printout (Pattern B).
    pub ring_unknown: bool,
    /// Trunks printed on the period's calls.
    pub trunks_seen: BTreeSet<String>,
    /// Some call's times are printed to the minute (Panasonic), not to the second.
    pub minute_times: bool,
}

impl Occupancy {
    /// Seconds from the period's first midnight to `t`.
    pub fn secs(&self, t: NaiveDateTime) -> i64 {
        (t - self.start).num_seconds()
    }

    pub fn end_secs(&self) -> i64 {
        self.n_days.saturating_mul(DAY_SECS)
    }

    /// Number of days the averages are over (at least 1, so nothing divides by zero; with no
    /// days every sum is 0 anyway).
    pub fn n_considered(&self) -> f64 {
        self.considered.len().max(1) as f64
    }

    /// Sums over all days of quarter-hour values picked by `f`.
    pub fn quarter_totals(&self, f: impl Fn(&DayBins) -> &[f64; QUARTERS]) -> [f64; QUARTERS] {
        let mut out = [0.0; QUARTERS];
        for bins in self.days.values() {
            for (o, v) in out.iter_mut().zip(f(bins)) {
                *o += v;
            }
        }
        out
    }

    /// Clock time `secs` after the period start.
    pub fn at(&self, secs: i64) -> NaiveDateTime {
        self.start + Duration::seconds(secs)
    }
}

/// A line a call holds: its trunk as printed, or (no trunk printed, or the outside leg of a
/// forward, whose trunk the calls model does not keep) a line of its own.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum LineKey {
    Trunk(String),
    Own(usize),
}

/// Does this call hold a line to the carrier?
pub(crate) fn is_trunk_call(c: &Call) -> bool {
    matches!(c.direction, Direction::Incoming | Direction::Outgoing)
}

/// Lines a trunk call holds: two for a call forwarded to an outside number (the incoming call
/// and the forward each hold one), else one.
pub(crate) fn lines_held(c: &Call) -> usize {
    if c.forwarded_to_outside.is_some() {
        2
    } else {
        1
    }
}

/// Rebuilds the period's occupancy from `calls` (all given calls, clipped to the period: a call
/// that began the day before counts for its part inside the period).
pub(crate) fn occupancy(calls: &[Call], opts: &ReportOptions) -> Occupancy {
    let start = opts.from.and_time(NaiveTime::MIN);
    let n_days = if opts.to < opts.from {
        0
    } else {
        (opts.to - opts.from).num_days() + 1
    };
    let lines = opts.trunk_count.filter(|&n| n > 0);
    let mut occ = Occupancy {
        start,
        n_days,
        days: BTreeMap::new(),
        considered: BTreeSet::new(),
        lines,
        peak: 0,
        peak_at: None,
        full_secs: 0.0,
        skipped_long: 0,
        ring_unknown: false,
        trunks_seen: BTreeSet::new(),
        minute_times: calls.iter().any(|c| c.estimated.end_to_the_minute),
    };
    let end = occ.end_secs();
    let mut all: BTreeMap<LineKey, Vec<(i64, i64)>> = BTreeMap::new();
    let mut incoming: BTreeMap<LineKey, Vec<(i64, i64)>> = BTreeMap::new();
    let mut own = 0usize;
    for c in calls.iter().filter(|c| is_trunk_call(c)) {
        let (s, e) = (occ.secs(c.start), occ.secs(c.end));
        if e - s > MAX_BUSY_SECS {
            occ.skipped_long += 1;
            continue;
        }
        let (s, e) = (s.max(0), e.min(end));
        if e <= s {
            continue;
        }
        let mut keys = vec![match &c.trunk {
            Some(t) => LineKey::Trunk(t.clone()),
            None => {
                own += 1;
                LineKey::Own(own)
            }
        }];
        if lines_held(c) == 2 {
            own += 1;
            keys.push(LineKey::Own(own));
        }
        for (i, k) in keys.into_iter().enumerate() {
            all.entry(k.clone()).or_default().push((s, e));
            // The forward's outside leg is an outgoing seizure, not incoming traffic.
            if c.direction == Direction::Incoming && i == 0 {
                incoming.entry(k).or_default().push((s, e));
            }
        }
    }
    for c in in_period(calls, opts) {
        occ.considered
            .insert(occ.secs(c.start).div_euclid(DAY_SECS));
        occ.ring_unknown |= c.ring_notice().is_some();
        if let (true, Some(t)) = (is_trunk_call(c), &c.trunk) {
            occ.trunks_seen.insert(t.clone());
        }
    }

    let full_at = lines.unwrap_or(u32::MAX);
    let levels_all = levels(all);
    let mut peak_at = None;
    for_each_piece(&levels_all, |t, bin, secs, level| {
        let day = bin.div_euclid(QUARTERS as i64);
        let q = bin.rem_euclid(QUARTERS as i64) as usize;
        let b = occ.days.entry(day).or_default();
        b.all[q] += secs * f64::from(level);
        b.peak[q] = b.peak[q].max(level);
        if level >= full_at {
            b.full[q] += secs;
            occ.full_secs += secs;
        }
        if level > occ.peak {
            occ.peak = level;
            peak_at = Some(t);
        }
    });
    occ.peak_at = peak_at.map(|t| occ.at(t));
    for_each_piece(&levels(incoming), |_, bin, secs, level| {
        let day = bin.div_euclid(QUARTERS as i64);
        let q = bin.rem_euclid(QUARTERS as i64) as usize;
        occ.days.entry(day).or_default().incoming[q] += secs * f64::from(level);
    });
    let busy_days: Vec<i64> = occ.days.keys().copied().collect();
    occ.considered.extend(busy_days);
    occ
}

/// Busy intervals merged per line (a line is busy or not: minute rounding can make two calls
/// of one line overlap, which must not count as two lines), swept into the number of lines busy
/// at once: `(t, level)` holds from `t` until the next breakpoint; the last level is 0.
fn levels(by_line: BTreeMap<LineKey, Vec<(i64, i64)>>) -> Vec<(i64, u32)> {
    let mut events: Vec<(i64, i32)> = Vec::new();
    for (_, mut v) in by_line {
        v.sort_unstable();
        let mut cur: Option<(i64, i64)> = None;
        for (s, e) in v {
            match cur {
                Some((cs, ce)) if s <= ce => cur = Some((cs, ce.max(e))),
                _ => {
                    if let Some((cs, ce)) = cur {
                        events.push((cs, 1));
                        events.push((ce, -1));
                    }
                    cur = Some((s, e));
                }
            }
        }
        if let Some((cs, ce)) = cur {
            events.push((cs, 1));
            events.push((ce, -1));
        }
    }
    // Ends before starts at the same moment: back to back is not at once.
    events.sort_unstable();
    let mut out: Vec<(i64, u32)> = Vec::with_capacity(events.len());
    let mut level: i64 = 0;
    for (t, d) in events {
        level += i64::from(d);
        let l = level.max(0) as u32;
        match out.last_mut() {
            Some(last) if last.0 == t => last.1 = l,
            _ => out.push((t, l)),
        }
    }
    out
}

/// Calls `f(piece start, quarter-hour bin, seconds, level)` for every piece of a busy stretch
/// within one quarter hour (bins count from the period's start).
fn for_each_piece(levels: &[(i64, u32)], mut f: impl FnMut(i64, i64, f64, u32)) {
    for w in levels.windows(2) {
        let ((t0, level), t1) = (w[0], w[1].0);
        if level == 0 {
            continue;
        }
        let mut t = t0;
        while t < t1 {
            let bin = t.div_euclid(QUARTER_SECS);
            let e = ((bin + 1) * QUARTER_SECS).min(t1);
            f(t, bin, (e - t) as f64, level);
            t = e;
        }
    }
}

/// The busy hours of §7, from the carried traffic of all trunk calls.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BusyHours {
    /// Time-consistent busy hour: the 60 minutes starting on a quarter hour with the most
    /// traffic averaged over the days considered. Its first quarter (0..=92).
    pub tcbh_q: usize,
    /// Mean carried traffic in it, Erlangs: all trunk calls, and incoming only.
    pub tcbh_traffic: f64,
    pub tcbh_incoming: f64,
    /// Share of its time with all configured lines busy (time congestion).
    pub tcbh_full: f64,
    /// The clock hour most often the day's busiest, on how many days, and its mean traffic.
    pub peak_hour: usize,
    pub peak_hour_days: usize,
    pub peak_hour_traffic: f64,
    /// Days with any traffic (those that have a busiest hour).
    pub days_with_traffic: usize,
    /// Average daily peak hour: each day's busiest clock hour's traffic, averaged.
    pub adph: f64,
}

/// `None` when no line was busy in the period.
pub(crate) fn busy_hours(occ: &Occupancy) -> Option<BusyHours> {
    let n = occ.n_considered();
    let tot = occ.quarter_totals(|b| &b.all);
    let window = |t: &[f64; QUARTERS], q: usize| t[q..q + 4].iter().sum::<f64>();
    let mut best: Option<(usize, f64)> = None;
    for q in 0..=QUARTERS - 4 {
        let w = window(&tot, q);
        if w > 0.0 && best.is_none_or(|(_, b)| w > b) {
            best = Some((q, w));
        }
    }
    let (tcbh_q, w) = best?;
    let inc = occ.quarter_totals(|b| &b.incoming);
    let full = occ.quarter_totals(|b| &b.full);

    let mut times_peak = [0usize; 24];
    let mut adph = 0.0;
    let mut days_with_traffic = 0;
    for bins in occ.days.values() {
        let hourly: Vec<f64> = (0..24).map(|h| window(&bins.all, 4 * h)).collect();
        let mut top: Option<(usize, f64)> = None;
        for (h, &v) in hourly.iter().enumerate() {
            if v > 0.0 && top.is_none_or(|(_, b)| v > b) {
                top = Some((h, v));
            }
        }
        if let Some((h, v)) = top {
            times_peak[h] += 1;
            adph += v / HOUR_SECS as f64;
            days_with_traffic += 1;
        }
    }
    let hour_mean = |h: usize| window(&tot, 4 * h) / HOUR_SECS as f64 / n;
    // Most often the peak; a tie goes to the hour with more traffic, then the earlier one.
    let mut peak_hour = 0;
    for h in 1..24 {
        let (a, b) = (times_peak[h], times_peak[peak_hour]);
        if a > b || (a == b && hour_mean(h) > hour_mean(peak_hour)) {
            peak_hour = h;
        }
    }
    Some(BusyHours {
        tcbh_q,
        tcbh_traffic: w / HOUR_SECS as f64 / n,
        tcbh_incoming: window(&inc, tcbh_q) / HOUR_SECS as f64 / n,
        tcbh_full: window(&full, tcbh_q) / HOUR_SECS as f64 / n,
        peak_hour,
        peak_hour_days: times_peak[peak_hour],
        peak_hour_traffic: hour_mean(peak_hour),
        days_with_traffic,
        adph: adph / n,
    })
}

/// "10:15-11:15" for the hour starting at quarter `q`.
pub(crate) fn window_label(q: usize) -> String {
    let (a, b) = (q * 15, q * 15 + 60);
    format!("{:02}:{:02}-{:02}:{:02}", a / 60, a % 60, b / 60, b % 60)
}

/// Does a call starting `secs` after the period start fall in the hour starting at quarter `q`
/// of its day?
pub(crate) fn in_window(secs: i64, q: usize) -> bool {
    let sod = secs.rem_euclid(DAY_SECS);
    let from = q as i64 * QUARTER_SECS;
    from <= sod && sod < from + HOUR_SECS
}

pub(crate) fn figure(key: &'static str, label: &str, value: Cell, note: Option<String>) -> Figure {
    Figure {
        key,
        label: label.to_string(),
        value,
        note,
    }
}

/// Notes every occupancy-based report carries.
pub(crate) fn occupancy_notes(occ: &Occupancy, notes: &mut Vec<String>) {
    notes.push(format!(
        "Averages per day are over the {} of the period's {} days that had calls; days without \
         any call (closed, or the box was off) are left out.",
        occ.considered.len(),
        occ.n_days.max(0)
    ));
    notes.push(
        "Traffic (Erlangs) is the average number of lines busy: each call's time on the line, \
         from its start to its end, is split over the hours it spans. A call forwarded to an \
         outside number holds two lines. Calls are counted in the hour they start."
            .into(),
    );
    if occ.minute_times {
        notes.push(
            "The PBX prints times to the minute: a call's start and end here can be up to 59 s \
             earlier than they really were, so a few seconds of traffic may fall in the hour \
             before."
                .into(),
        );
    }
    // Busy and quiet days averaged together (a week with its weekend) understate a working day.
    let daily: Vec<f64> = occ
        .considered
        .iter()
        .map(|d| occ.days.get(d).map_or(0.0, |b| b.all.iter().sum()))
        .collect();
    let (lo, hi) = daily
        .iter()
        .fold((f64::MAX, 0.0f64), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    if daily.len() >= 2 && hi > 0.0 && lo < 0.5 * hi {
        notes.push(format!(
            "The period mixes busy and quiet days (the quietest had {:.0} % of the busiest \
             day's line traffic, e.g. a weekend): averages per day understate a working day. \
             To size lines and operators, choose a period of working days.",
            100.0 * lo / hi
        ));
    }
    if occ.ring_unknown {
        notes.push(format!(
            "{RING_UNKNOWN_NOTICE}. Without it a line's busy time before the answer is \
             unknown: answered calls hold their line here only from the answer and lost calls \
             not at all, so the traffic shown is lower than the lines really carried."
        ));
    }
    if occ.skipped_long > 0 {
        notes.push(format!(
            "{} call(s) left out of the traffic: their records span more than two days, which \
             no call does (check the PBX clock).",
            occ.skipped_long
        ));
    }
}

const WEEKDAYS: [(Weekday, &str); 7] = [
    (Weekday::Mon, "Mon"),
    (Weekday::Tue, "Tue"),
    (Weekday::Wed, "Wed"),
    (Weekday::Thu, "Thu"),
    (Weekday::Fri, "Fri"),
    (Weekday::Sat, "Sat"),
    (Weekday::Sun, "Sun"),
];

/// How many of each weekday (Mon first) the period has.
fn weekday_counts(opts: &ReportOptions, n_days: i64) -> [i64; 7] {
    let mut out = [n_days / 7; 7];
    let first = opts.from.weekday().num_days_from_monday() as i64;
    for i in 0..n_days % 7 {
        out[((first + i) % 7) as usize] += 1;
    }
    out
}

pub fn report(calls: &[Call], opts: &ReportOptions) -> Report {
    let occ = occupancy(calls, opts);
    let n = occ.n_considered();
    let bh = busy_hours(&occ);

    // Incoming calls by the hour they start.
    let mut inc = [0i64; 24];
    let mut ans = [0i64; 24];
    let mut lost = [0i64; 24];
    let mut by_weekday = [[0i64; 24]; 7];
    for c in in_period(calls, opts).filter(|c| c.direction == Direction::Incoming) {
        let secs = occ.secs(c.start);
        let h = (secs.rem_euclid(DAY_SECS) / HOUR_SECS) as usize;
        inc[h] += 1;
        match c.outcome {
            Outcome::Answered => ans[h] += 1,
            Outcome::Lost => lost[h] += 1,
            _ => {}
        }
        by_weekday[c.start.weekday().num_days_from_monday() as usize][h] += 1;
    }
    let total_inc: i64 = inc.iter().sum();

    let all_q = occ.quarter_totals(|b| &b.all);
    let inc_q = occ.quarter_totals(|b| &b.incoming);
    let hour_erl = |t: &[f64; QUARTERS], h: usize| {
        t[4 * h..4 * h + 4].iter().sum::<f64>() / HOUR_SECS as f64 / n
    };
    let rows = (0..24)
        .map(|h| {
            vec![
                Cell::Text(format!("{h:02}:00")),
                Cell::Int(inc[h]),
                Cell::Num(inc[h] as f64 / n, 1),
                Cell::Int(ans[h]),
                Cell::Int(lost[h]),
                Cell::Num(hour_erl(&inc_q, h), 2),
                Cell::Num(hour_erl(&all_q, h), 2),
            ]
        })
        .collect();
    let table = Table {
        columns: vec![
            Column {
                key: "hour",
                label: "Hour",
            },
            Column {
                key: "incoming",
                label: "Incoming calls",
            },
            Column {
                key: "incoming_per_day",
                label: "Incoming per day",
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
                key: "incoming_erlangs",
                label: "Incoming traffic (Erlangs)",
            },
            Column {
                key: "trunk_erlangs",
                label: "All line traffic (Erlangs)",
            },
        ],
        rows,
    };

    let wd = weekday_counts(opts, occ.n_days.max(0));
    let values = (0..7)
        .map(|d| {
            (0..24)
                .map(|h| {
                    if wd[d] == 0 {
                        0.0
                    } else {
                        by_weekday[d][h] as f64 / wd[d] as f64
                    }
                })
                .collect()
        })
        .collect();
    let chart = Chart::Heatmap {
        title: "Incoming calls per hour, average by weekday".into(),
        rows: WEEKDAYS.iter().map(|(_, l)| l.to_string()).collect(),
        columns: (0..24).map(|h| format!("{h:02}")).collect(),
        values,
    };

    let mut figures = vec![
        figure("incoming", "Incoming calls", Cell::Int(total_inc), None),
        figure(
            "answered",
            "Answered",
            Cell::Int(ans.iter().sum()),
            Some("by an extension, or by the outside number a call was forwarded to".into()),
        ),
        figure(
            "lost",
            "Lost (nobody answered)",
            Cell::Int(lost.iter().sum()),
            None,
        ),
    ];
    let erl = |v: f64| Cell::Num(v, 2);
    let empty_note = || Some("no line was busy in the period".to_string());
    match &bh {
        Some(b) => {
            let bh_calls = in_period(calls, opts)
                .filter(|c| c.direction == Direction::Incoming)
                .filter(|c| in_window(occ.secs(c.start), b.tcbh_q))
                .count();
            figures.extend([
                figure(
                    "busy_hour",
                    "Busy hour",
                    Cell::Text(window_label(b.tcbh_q)),
                    Some(format!(
                        "time-consistent busy hour: the 60 minutes (starting on a quarter hour) \
                         with the most traffic on the lines, averaged over {} day(s) with calls",
                        occ.considered.len()
                    )),
                ),
                figure(
                    "busy_hour_traffic",
                    "Busy hour traffic, all lines (Erlangs)",
                    erl(b.tcbh_traffic),
                    Some("average number of lines busy, incoming and outgoing calls".into()),
                ),
                figure(
                    "busy_hour_incoming_traffic",
                    "Busy hour traffic, incoming (Erlangs)",
                    erl(b.tcbh_incoming),
                    None,
                ),
                figure(
                    "busy_hour_incoming_calls",
                    "Incoming calls in the busy hour, per day",
                    Cell::Num(bh_calls as f64 / n, 1),
                    None,
                ),
                figure(
                    "peak_clock_hour",
                    "Busiest clock hour",
                    Cell::Text(window_label(4 * b.peak_hour)),
                    Some(format!(
                        "the clock hour with the most traffic on {} of {} day(s) with traffic",
                        b.peak_hour_days, b.days_with_traffic
                    )),
                ),
                figure(
                    "peak_clock_hour_traffic",
                    "Busiest clock hour traffic (Erlangs)",
                    erl(b.peak_hour_traffic),
                    Some("its traffic averaged over the days with calls".into()),
                ),
                figure(
                    "daily_peak_traffic",
                    "Average daily peak hour traffic (Erlangs)",
                    erl(b.adph),
                    Some(
                        "each day's own busiest clock hour, averaged; at least the busy hour's"
                            .into(),
                    ),
                ),
            ]);
        }
        None => {
            for (key, label) in [
                ("busy_hour", "Busy hour"),
                (
                    "busy_hour_traffic",
                    "Busy hour traffic, all lines (Erlangs)",
                ),
                (
                    "busy_hour_incoming_traffic",
                    "Busy hour traffic, incoming (Erlangs)",
                ),
                (
                    "busy_hour_incoming_calls",
                    "Incoming calls in the busy hour, per day",
                ),
                ("peak_clock_hour", "Busiest clock hour"),
                (
                    "peak_clock_hour_traffic",
                    "Busiest clock hour traffic (Erlangs)",
                ),
                (
                    "daily_peak_traffic",
                    "Average daily peak hour traffic (Erlangs)",
                ),
            ] {
                figures.push(figure(key, label, Cell::Empty, empty_note()));
            }
        }
    }

    let mut notes = Vec::new();
    if occ.n_days <= 0 {
        notes.push("The period is empty: its last day is before its first.".into());
    } else if total_inc == 0 {
        notes.push("No incoming calls in the period.".into());
    }
    occupancy_notes(&occ, &mut notes);
    notes.push(
        "The weekday chart averages over all the period's days of each weekday, closed days \
         included; a weekday the period does not contain shows 0."
            .into(),
    );
    notes.push(
        "Callers who got \"all lines busy\" from the carrier never reached the PBX and are not \
         counted here: see the lines and operators report for an estimate."
            .into(),
    );

    Report {
        name: NAME,
        title: TITLE,
        from: opts.from,
        to: opts.to,
        figures,
        table,
        chart: Some(chart),
        notes,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::summary::fixtures::{at as dt, cell, day, fig};
    use super::*;

    /// A call holding `trunk` from `start` to `end`; incoming calls answered by `by` (or lost
    /// when `by` is empty), talking the whole time after `ring` seconds.
    pub(crate) fn call(dir: Direction, start: &str, end: &str, trunk: &str, by: &str) -> Call {
        let (start, end) = (dt(start), dt(end));
        let secs = (end - start).num_seconds() as u32;
        let lost = dir == Direction::Incoming && by.is_empty();
        Call {
            end,
            external_number: Some("0364538740".into()),
            trunk: (!trunk.is_empty()).then(|| trunk.to_string()),
            extension: (dir == Direction::Outgoing).then(|| "201".to_string()),
            answered_by: (!by.is_empty()).then(|| by.to_string()),
            rang: if lost { vec!["101".into()] } else { vec![] },
            ring_secs: (dir == Direction::Incoming).then_some(if lost { secs } else { 0 }),
            talk_secs: if lost { 0 } else { secs },
            outcome: match dir {
                Direction::Incoming if lost => Outcome::Lost,
                Direction::Internal => Outcome::Unknown,
                _ => Outcome::Answered,
            },
            ..Call::new(dir, start)
        }
    }

    fn close(c: &Cell, want: f64) -> bool {
        match c {
            Cell::Num(x, _) | Cell::Pct(x) => (x - want).abs() < 1e-12,
            _ => false,
        }
    }

    const IN: Direction = Direction::Incoming;
    const OUT: Direction = Direction::Outgoing;

    #[test]
    fn calls_are_clipped_to_each_hour_and_the_busy_hour_found() {
        let calls = vec![
            // 10:55-11:10 counts 300 s in hour 10 and 600 s in hour 11 (§1).
            call(
                IN,
                "2024-03-12 10:55:00",
                "2024-03-12 11:10:00",
                "01",
                "101",
            ),
            call(IN, "2024-03-12 11:20:00", "2024-03-12 11:20:30", "01", ""),
            call(OUT, "2024-03-12 11:00:00", "2024-03-12 11:30:00", "02", ""),
            // Intercom holds no line.
            call(
                Direction::Internal,
                "2024-03-12 11:00:00",
                "2024-03-12 11:40:00",
                "",
                "",
            ),
        ];
        let opts = ReportOptions::new(day("2024-03-12"), day("2024-03-12"));
        let r = report(&calls, &opts);
        assert_eq!(fig(&r, "incoming"), &Cell::Int(2));
        assert_eq!(fig(&r, "answered"), &Cell::Int(1));
        assert_eq!(fig(&r, "lost"), &Cell::Int(1));
        assert_eq!(cell(&r, 10, "incoming"), Cell::Int(1));
        assert_eq!(cell(&r, 11, "incoming"), Cell::Int(1));
        assert_eq!(cell(&r, 11, "lost"), Cell::Int(1));
        assert_eq!(cell(&r, 10, "answered"), Cell::Int(1));
        assert!(close(&cell(&r, 10, "incoming_erlangs"), 300.0 / 3600.0));
        assert!(close(&cell(&r, 11, "incoming_erlangs"), 630.0 / 3600.0));
        assert!(close(&cell(&r, 11, "trunk_erlangs"), 2430.0 / 3600.0));
        assert!(close(&cell(&r, 9, "trunk_erlangs"), 0.0));
        // Quarters 10:45 300 s, 11:00 1500 s, 11:15 930 s: the windows from 10:30 and 10:45
        // both hold all 2730 s; the earlier wins.
        assert_eq!(fig(&r, "busy_hour"), &Cell::Text("10:30-11:30".into()));
        assert!(close(fig(&r, "busy_hour_traffic"), 2730.0 / 3600.0));
        assert!(close(fig(&r, "busy_hour_incoming_traffic"), 930.0 / 3600.0));
        assert!(close(fig(&r, "busy_hour_incoming_calls"), 2.0));
        assert_eq!(
            fig(&r, "peak_clock_hour"),
            &Cell::Text("11:00-12:00".into())
        );
        assert!(close(fig(&r, "peak_clock_hour_traffic"), 2430.0 / 3600.0));
        assert!(close(fig(&r, "daily_peak_traffic"), 2430.0 / 3600.0));
        let Some(Chart::Heatmap { values, .. }) = &r.chart else {
            panic!()
        };
        // 2024-03-12 is a Tuesday; one Tuesday in the period.
        assert_eq!(values[1][10], 1.0);
        assert_eq!(values[1][11], 1.0);
        assert_eq!(values[0].iter().sum::<f64>(), 0.0);
    }

    #[test]
    fn period_edges_and_midnight() {
        let calls = vec![
            // Began the evening before: not counted, but its 5 minutes after midnight are
            // traffic of the period.
            call(
                IN,
                "2024-03-11 23:55:00",
                "2024-03-12 00:05:00",
                "01",
                "101",
            ),
            // Runs past the period's end: counted, its traffic cut at midnight.
            call(
                IN,
                "2024-03-12 23:50:00",
                "2024-03-13 00:10:00",
                "02",
                "101",
            ),
            // After the period (loaded for callbacks): ignored.
            call(
                IN,
                "2024-03-13 00:30:00",
                "2024-03-13 00:40:00",
                "01",
                "101",
            ),
        ];
        let opts = ReportOptions::new(day("2024-03-12"), day("2024-03-12"));
        let r = report(&calls, &opts);
        assert_eq!(fig(&r, "incoming"), &Cell::Int(1));
        assert_eq!(cell(&r, 0, "incoming"), Cell::Int(0));
        assert_eq!(cell(&r, 23, "incoming"), Cell::Int(1));
        assert!(close(&cell(&r, 0, "trunk_erlangs"), 300.0 / 3600.0));
        assert!(close(&cell(&r, 23, "trunk_erlangs"), 600.0 / 3600.0));
        // Busy hour: the last possible window, 23:00-24:00.
        assert_eq!(fig(&r, "busy_hour"), &Cell::Text("23:00-24:00".into()));
        assert_eq!(
            fig(&r, "peak_clock_hour"),
            &Cell::Text("23:00-24:00".into())
        );
    }

    #[test]
    fn a_forward_holds_two_lines_and_minute_overlaps_on_one_line_count_once() {
        let mut fw = call(IN, "2024-03-12 09:00:00", "2024-03-12 09:30:00", "01", "");
        fw.outcome = Outcome::Answered;
        fw.rang.clear();
        fw.forwarded_to_outside = Some("3331234567".into());
        fw.forwarded_by = Some("201".into());
        let calls = vec![
            fw,
            // Two calls of trunk 02 that overlap by 40 s after minute rounding: one line.
            call(
                IN,
                "2024-03-12 09:00:00",
                "2024-03-12 09:10:40",
                "02",
                "101",
            ),
            call(
                IN,
                "2024-03-12 09:10:00",
                "2024-03-12 09:20:00",
                "02",
                "102",
            ),
        ];
        let opts = ReportOptions::new(day("2024-03-12"), day("2024-03-12"));
        let r = report(&calls, &opts);
        // Forward: 1800 s × 2 lines; trunk 02: 09:00-09:20 once.
        assert!(close(
            &cell(&r, 9, "trunk_erlangs"),
            (3600.0 + 1200.0) / 3600.0
        ));
        assert!(close(
            &cell(&r, 9, "incoming_erlangs"),
            (1800.0 + 1200.0) / 3600.0
        ));
        assert_eq!(cell(&r, 9, "answered"), Cell::Int(3));
    }

    #[test]
    fn averages_leave_out_days_without_calls_but_the_heatmap_does_not() {
        // Two Mondays in the period, calls on the first only; plus a Wednesday.
        let calls = vec![
            call(
                IN,
                "2024-03-11 09:10:00",
                "2024-03-11 09:40:00",
                "01",
                "101",
            ),
            call(
                IN,
                "2024-03-13 09:00:00",
                "2024-03-13 09:15:00",
                "01",
                "101",
            ),
            call(
                IN,
                "2024-03-13 14:00:00",
                "2024-03-13 15:00:00",
                "01",
                "101",
            ),
        ];
        let opts = ReportOptions::new(day("2024-03-11"), day("2024-03-24"));
        let r = report(&calls, &opts);
        let Some(Chart::Heatmap { rows, values, .. }) = &r.chart else {
            panic!()
        };
        assert_eq!(rows[0], "Mon");
        assert_eq!(values[0][9], 0.5);
        assert_eq!(values[2][9], 0.5);
        assert_eq!(values[2][14], 0.5);
        // Two days with calls: hour 09 has 1800 + 900 s over 2 days.
        assert!(close(&cell(&r, 9, "trunk_erlangs"), 2700.0 / 7200.0));
        assert!(close(&cell(&r, 9, "incoming_per_day"), 1.0));
        // Averaged over the 2 days: 14:00-15:00 has 3600 s / 2 = 0.5 E, 09:00-10:00 only
        // 2700 s / 2 = 0.375 E.
        assert_eq!(fig(&r, "busy_hour"), &Cell::Text("14:00-15:00".into()));
        assert!(close(fig(&r, "busy_hour_traffic"), 0.5));
        // Each day's own peak: Monday hour 09 (1800 s), Wednesday hour 14 (3600 s); each hour
        // is the peak once: the tie goes to the one with more traffic.
        assert_eq!(
            fig(&r, "peak_clock_hour"),
            &Cell::Text("14:00-15:00".into())
        );
        assert!(close(fig(&r, "daily_peak_traffic"), (0.5 + 1.0) / 2.0));
        assert!(r
            .notes
            .iter()
            .any(|n| n.contains("2 of the period's 14 days")));
        // Monday carried 1800 s, Wednesday 4500 s: 40 %, a mix worth a warning.
        assert!(r.notes.iter().any(|n| n.contains("quietest had 40 %")));
    }

    #[test]
    fn empty_periods_do_not_panic() {
        let opts = ReportOptions::new(day("2024-03-12"), day("2024-03-12"));
        let r = report(&[], &opts);
        assert_eq!(fig(&r, "incoming"), &Cell::Int(0));
        assert_eq!(fig(&r, "busy_hour"), &Cell::Empty);
        assert_eq!(r.table.rows.len(), 24);
        assert!(r.notes.iter().any(|n| n.contains("No incoming calls")));
        // Last day before the first.
        let opts = ReportOptions::new(day("2024-03-12"), day("2024-03-10"));
        let calls = vec![call(
            IN,
            "2024-03-11 10:00:00",
            "2024-03-11 10:05:00",
            "01",
            "101",
        )];
        let r = report(&calls, &opts);
        assert_eq!(fig(&r, "incoming"), &Cell::Int(0));
        assert_eq!(fig(&r, "busy_hour"), &Cell::Empty);
        assert!(r.notes.iter().any(|n| n.contains("period is empty")));
        let Some(Chart::Heatmap { values, .. }) = &r.chart else {
            panic!()
        };
        assert!(values.iter().flatten().all(|v| *v == 0.0));
    }

    #[test]
    fn ring_unknown_and_nonsense_calls_are_noted() {
        let mut b = call(
            IN,
            "2024-03-12 10:00:00",
            "2024-03-12 10:05:00",
            "01",
            "101",
        );
        b.ring_secs = None;
        let long = call(
            IN,
            "2024-03-10 10:00:00",
            "2024-03-12 10:05:00",
            "01",
            "101",
        );
        let opts = ReportOptions::new(day("2024-03-12"), day("2024-03-12"));
        let r = report(&[b, long], &opts);
        assert!(r.notes.iter().any(|n| n.contains(RING_UNKNOWN_NOTICE)));
        assert!(r.notes.iter().any(|n| n.contains("1 call(s) left out")));
        assert!(close(&cell(&r, 10, "trunk_erlangs"), 300.0 / 3600.0));
    }
}
