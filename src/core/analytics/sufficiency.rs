//! "Are there enough lines and operators": lines busy at once, time with all lines busy, the
//! busy hour's traffic, the traffic offered behind busy lines and the calls blocked before they
//! reached the PBX, lines needed for the target blocking, and operators needed for the target
//! service level against the operators who answered (`shared/analytics.md` §1, §3, §4, §7, §8).
//!
//! The Erlang formulas are `crate::core::erlang`'s; this module only measures what goes in.
//!
//! Two estimates of the calls that never reached the PBX (§8):
//! - model-based: the busy hour's carried traffic Y on N lines gives the offered traffic A from
//!   A·(1 − B(N, A)) = Y ([`erlang::offered_from_carried`]), blocking B(N, A), and blocked
//!   attempts λ·B, with λ = attempts that got a line / (1 − B);
//! - measurement-based: the share of the busy hour with all N lines busy (time congestion),
//!   which with random arrivals is the share of attempts blocked; blocked attempts are then
//!   attempts that got a line × TC / (1 − TC).
//!
//! Both are refused (empty, with the reason) above 95 % load, where they are ill-conditioned.

use super::load::{
    busy_hours, figure, in_window, is_trunk_call, lines_held, occupancy, occupancy_notes,
    window_label, Occupancy, DAY_SECS, HOUR_SECS,
};
use super::{in_period, Cell, Chart, Column, Figure, Report, ReportOptions, Series, Table};
use crate::core::calls::{Call, Outcome};
use crate::core::erlang::{self, RELIABLE_LOAD};
use crate::core::record::Direction;
use std::collections::{BTreeMap, BTreeSet};

/// What was measured in one hour-long window (a clock hour, or the busy hour), per day on
/// average over the days considered.
#[derive(Debug, Clone, PartialEq)]
struct Measure {
    /// Carried traffic of all trunk calls, Erlangs.
    carried: f64,
    /// Share of the window's time with all configured lines busy.
    full_share: f64,
    /// Seconds with all configured lines busy, whole period.
    full_secs: f64,
    /// The most lines busy at once in the window, any day.
    peak: u32,
    /// Line seizures starting in the window per day (incoming and outgoing; a forward is two).
    attempts: f64,
    /// Incoming calls starting in the window per day.
    incoming: f64,
    /// The operators' share of them: calls forwarded to an outside number (a direct line
    /// diverted to a mobile) never reach an operator.
    to_operators: f64,
    /// Mean talk time of the incoming calls starting in the window that an extension answered,
    /// seconds.
    talk_mean: Option<f64>,
    /// Distinct extensions that answered calls starting in the window, per day on average over
    /// the days with an answered call in it.
    ops_answered: Option<f64>,
}

fn measure(calls: &[Call], opts: &ReportOptions, occ: &Occupancy, q: usize) -> Measure {
    let n = occ.n_considered();
    let span = q..q + 4;
    let mut all = 0.0;
    let mut full = 0.0;
    let mut peak = 0;
    for b in occ.days.values() {
        all += b.all[span.clone()].iter().sum::<f64>();
        full += b.full[span.clone()].iter().sum::<f64>();
        peak = peak.max(b.peak[span.clone()].iter().copied().max().unwrap_or(0));
    }
    let mut attempts = 0usize;
    let mut incoming = 0usize;
    let mut to_operators = 0usize;
    let mut talk = (0u64, 0u64);
    let mut answering: BTreeMap<i64, BTreeSet<&str>> = BTreeMap::new();
    for c in in_period(calls, opts).filter(|c| is_trunk_call(c)) {
        let secs = occ.secs(c.start);
        if !in_window(secs, q) {
            continue;
        }
        attempts += lines_held(c);
        if c.direction != Direction::Incoming {
            continue;
        }
        incoming += 1;
        if c.forwarded_to_outside.is_some() {
            continue;
        }
        to_operators += 1;
        if let (Outcome::Answered, Some(e)) = (c.outcome, &c.answered_by) {
            talk.0 += u64::from(c.talk_secs);
            talk.1 += 1;
            answering
                .entry(secs.div_euclid(DAY_SECS))
                .or_default()
                .insert(e);
        }
    }
    let ops_days = answering.len();
    Measure {
        carried: all / HOUR_SECS as f64 / n,
        full_share: full / HOUR_SECS as f64 / n,
        full_secs: full,
        peak,
        attempts: attempts as f64 / n,
        incoming: incoming as f64 / n,
        to_operators: to_operators as f64 / n,
        talk_mean: (talk.1 > 0).then(|| talk.0 as f64 / talk.1 as f64),
        ops_answered: (ops_days > 0)
            .then(|| answering.values().map(BTreeSet::len).sum::<usize>() as f64 / ops_days as f64),
    }
}

/// The line estimates for one window; `Err` holds why an estimate is not given.
#[derive(Debug, Clone, PartialEq)]
struct LineEstimate {
    load: Result<f64, String>,
    offered: Result<erlang::OfferedEstimate, String>,
    /// Blocked attempts per day in the window, model-based and measurement-based.
    blocked_model: Result<f64, String>,
    blocked_measured: Result<f64, String>,
    lines_needed: Result<u32, String>,
}

const NO_LINES: &str = "set [lines] count in the config";

fn pct(x: f64) -> String {
    format!("{:.0} %", 100.0 * x)
}

/// A load next to the 95 % limit: one decimal, so 95.4 % does not read as "95 %, refused".
fn load_pct(x: f64) -> String {
    format!("{:.1} %", 100.0 * x)
}

fn line_estimate(m: &Measure, lines: Option<u32>, target_blocking: f64) -> LineEstimate {
    let Some(nl) = lines else {
        return LineEstimate {
            load: Err(NO_LINES.to_string()),
            offered: Err(NO_LINES.to_string()),
            blocked_model: Err(NO_LINES.to_string()),
            blocked_measured: Err(NO_LINES.to_string()),
            // Without the count the carried traffic stands in for the offered: right when
            // nothing was blocked, a lower bound otherwise (said in the figure's note).
            lines_needed: erlang::lines_for_blocking(m.carried, target_blocking)
                .map_err(|e| e.to_string()),
        };
    };
    let load = m.carried / f64::from(nl);
    let refuse = |why: String| LineEstimate {
        load: Ok(load),
        offered: Err(why.clone()),
        blocked_model: Err(why.clone()),
        blocked_measured: Err(why.clone()),
        lines_needed: Err(why),
    };
    if load > RELIABLE_LOAD {
        return refuse(format!(
            "refused: the lines were {} loaded; above 95 % a small error in the measured \
             traffic swings the estimate without limit",
            load_pct(load)
        ));
    }
    let est = match erlang::offered_from_carried(nl, m.carried) {
        Ok(Some(e)) => e,
        Ok(None) => return refuse("refused: all lines busy all the time".into()),
        Err(e) => return refuse(e.to_string()),
    };
    // Attempts that got a line are (1 − B) of those offered, so blocked = got × B / (1 − B).
    let ratio = |b: f64| {
        if b < 1.0 {
            Ok(m.attempts * b / (1.0 - b))
        } else {
            Err("refused: all lines busy all the time".to_string())
        }
    };
    LineEstimate {
        load: Ok(load),
        blocked_model: ratio(est.blocking),
        blocked_measured: ratio(m.full_share),
        lines_needed: erlang::lines_for_blocking(est.offered, target_blocking)
            .map_err(|e| e.to_string()),
        offered: Ok(est),
    }
}

/// Operators needed (Erlang C) for the window's measured arrivals and talk time; with the
/// offered operator traffic in Erlangs.
fn operators(m: &Measure, opts: &ReportOptions) -> (f64, Result<u32, String>) {
    let Some(h) = m.talk_mean.filter(|&h| h > 0.0) else {
        return (
            0.0,
            Err("no answered calls to measure the handling time".into()),
        );
    };
    let a = m.to_operators * h / HOUR_SECS as f64;
    if let Some(ops) = m.ops_answered {
        let occ = a / ops;
        if occ > RELIABLE_LOAD {
            return (
                a,
                Err(format!(
                    "refused: the operators who answered were {} busy; the calls measured are \
                     only those the queue let through",
                    load_pct(occ)
                )),
            );
        }
    }
    let n = erlang::agents_for_service_level(
        a,
        h,
        f64::from(opts.service_level_secs),
        opts.target_service_level,
    )
    .map_err(|e| e.to_string());
    (a, n)
}

fn cell_or_empty<T>(r: &Result<T, String>, f: impl Fn(&T) -> Cell) -> Cell {
    r.as_ref().map_or(Cell::Empty, f)
}

/// The figure's note: `ok` when there is a value, else the reason.
fn note_or_reason<T>(r: &Result<T, String>, ok: &str) -> Option<String> {
    match r {
        Ok(_) => (!ok.is_empty()).then(|| ok.to_string()),
        Err(why) => Some(why.clone()),
    }
}

pub const NAME: &str = "sufficiency";
pub const TITLE: &str = "Are there enough lines and operators";
pub const ABOUT: &str =
    "Are there enough lines and operators: all lines busy, calls blocked before the PBX, lines and operators needed";

pub fn report(calls: &[Call], opts: &ReportOptions) -> Report {
    let occ = occupancy(calls, opts);
    let lines = occ.lines;
    // No more lines than there are can be busy: a higher count is minute rounding (two calls of
    // one moment shifted differently) or a forward, whose outside line is not printed. A wrong
    // count shows as more trunks printed than configured (a note below).
    let shown_peak = |p: u32| lines.map_or(p, |nl| p.min(nl));
    let bh = busy_hours(&occ);
    let mut figures: Vec<Figure> = Vec::new();
    let mut notes: Vec<String> = Vec::new();

    figures.push(figure(
        "peak_lines_busy",
        "Most lines busy at once",
        Cell::Int(i64::from(shown_peak(occ.peak))),
        Some(match occ.peak_at {
            Some(t) => format!(
                "first at {}; rebuilt from start and end times printed to the minute",
                t.format("%Y-%m-%d %H:%M")
            ),
            None => "no line was busy in the period".into(),
        }),
    ));
    figures.push(figure(
        "peak_lines_busy_at",
        "When most lines were first busy",
        occ.peak_at.map_or(Cell::Empty, Cell::Time),
        None,
    ));
    figures.push(match lines {
        Some(nl) => figure(
            "lines",
            "Lines to the carrier",
            Cell::Int(i64::from(nl)),
            Some("as configured".into()),
        ),
        None => figure(
            "lines",
            "Lines to the carrier",
            Cell::Empty,
            Some(NO_LINES.into()),
        ),
    });
    figures.push(figure(
        "all_lines_busy",
        "Time with all lines busy",
        match lines {
            Some(_) => Cell::Secs(occ.full_secs.round() as i64),
            None => Cell::Empty,
        },
        Some(match lines {
            Some(nl) => format!("all {nl} lines busy at once, whole period (time congestion)"),
            None => NO_LINES.into(),
        }),
    ));

    match &bh {
        Some(b) => {
            let m = measure(calls, opts, &occ, b.tcbh_q);
            let le = line_estimate(&m, lines, opts.target_blocking);
            let (op_traffic, ops_needed) = operators(&m, opts);
            let per_bh = "per day, in the busy hour; attempts, incoming and outgoing";
            figures.extend([
                figure(
                    "busy_hour",
                    "Busy hour",
                    Cell::Text(window_label(b.tcbh_q)),
                    Some(format!(
                        "time-consistent busy hour: the 60 minutes (starting on a quarter hour) \
                         with the most line traffic averaged over {} day(s) with calls",
                        occ.considered.len()
                    )),
                ),
                figure(
                    "busy_hour_traffic",
                    "Busy hour traffic (Erlangs)",
                    Cell::Num(m.carried, 2),
                    Some("carried: average number of lines busy, all calls".into()),
                ),
                figure(
                    "busy_hour_load",
                    "Busy hour line load",
                    cell_or_empty(&le.load, |&l| Cell::Pct(l)),
                    note_or_reason(&le.load, "busy hour traffic / lines"),
                ),
                figure(
                    "busy_hour_all_busy",
                    "Busy hour time with all lines busy",
                    match lines {
                        Some(_) => Cell::Pct(m.full_share),
                        None => Cell::Empty,
                    },
                    Some(match lines {
                        Some(_) => "share of the busy hour with every line busy (time \
                                    congestion); with random arrivals, also the share of \
                                    callers who found every line busy"
                            .into(),
                        None => NO_LINES.into(),
                    }),
                ),
                figure(
                    "blocked_calls_measured",
                    "Calls blocked before the PBX, measured",
                    cell_or_empty(&le.blocked_measured, |&v| Cell::Num(v, 1)),
                    note_or_reason(
                        &le.blocked_measured,
                        &format!("{per_bh}; from the time all lines were busy"),
                    ),
                ),
                figure(
                    "offered_traffic",
                    "Busy hour traffic offered (Erlangs)",
                    cell_or_empty(&le.offered, |e| Cell::Num(e.offered, 2)),
                    note_or_reason(
                        &le.offered,
                        "estimated with Erlang B: carried traffic plus what found every line busy",
                    ),
                ),
                figure(
                    "blocked_share",
                    "Share of calls blocked, Erlang B estimate",
                    cell_or_empty(&le.offered, |e| Cell::Pct(e.blocking)),
                    note_or_reason(
                        &le.offered,
                        "call congestion: attempts that found every line busy / all attempts",
                    ),
                ),
                figure(
                    "blocked_calls",
                    "Calls blocked before the PBX, Erlang B estimate",
                    cell_or_empty(&le.blocked_model, |&v| Cell::Num(v, 1)),
                    note_or_reason(&le.blocked_model, per_bh),
                ),
                figure(
                    "lines_needed",
                    "Lines needed",
                    cell_or_empty(&le.lines_needed, |&v| Cell::Int(i64::from(v))),
                    note_or_reason(
                        &le.lines_needed,
                        &if lines.is_some() {
                            format!(
                                "for at most {} of calls blocked in the busy hour (Erlang B, \
                                 offered traffic)",
                                pct(opts.target_blocking)
                            )
                        } else {
                            format!(
                                "for at most {} of calls blocked (Erlang B) on the carried \
                                 traffic: a lower bound if calls were blocked ({NO_LINES} for \
                                 the offered traffic)",
                                pct(opts.target_blocking)
                            )
                        },
                    ),
                ),
                figure(
                    "busy_hour_incoming_calls",
                    "Incoming calls in the busy hour, per day",
                    Cell::Num(m.incoming, 1),
                    Some("calls that reached the PBX, answered and lost".into()),
                ),
                figure(
                    "handling_time",
                    "Average talk time in the busy hour",
                    m.talk_mean
                        .map_or(Cell::Empty, |h| Cell::Secs(h.round() as i64)),
                    Some(if m.talk_mean.is_some() {
                        "incoming calls an extension answered; no wrap-up time (the printout has \
                         none)"
                            .into()
                    } else {
                        "no answered calls in the busy hour".into()
                    }),
                ),
                figure(
                    "operator_traffic",
                    "Busy hour traffic to operators (Erlangs)",
                    Cell::Num(op_traffic, 2),
                    Some(
                        "calls to operators per hour (forwards to outside numbers left out) × \
                         average talk time"
                            .into(),
                    ),
                ),
                figure(
                    "operators_needed",
                    "Operators needed",
                    cell_or_empty(&ops_needed, |&v| Cell::Int(i64::from(v))),
                    note_or_reason(
                        &ops_needed,
                        &format!(
                            "to answer {} of calls within {} s (Erlang C model: random \
                             arrivals, nobody hangs up; like the service level {}, when few \
                             callers hang up)",
                            pct(opts.target_service_level),
                            opts.service_level_secs,
                            super::SlVariant::OverOffered.label(opts.short_abandon_secs)
                        ),
                    ),
                ),
                figure(
                    "operators_answered",
                    "Operators who answered calls",
                    m.ops_answered.map_or(Cell::Empty, |v| Cell::Num(v, 1)),
                    Some(if m.ops_answered.is_some() {
                        "different extensions that answered calls in the busy hour, per day".into()
                    } else {
                        "no answered calls in the busy hour".into()
                    }),
                ),
            ]);
            if let (Some(nl), Ok(e)) = (lines, &le.offered) {
                if let Ok((lo, hi)) = erlang::offered_range(nl, m.carried, 0.05) {
                    notes.push(format!(
                        "Offered traffic is sensitive to the measured traffic: 5 % less or more \
                         carried traffic gives {lo:.2} to {} Erlangs (estimate {:.2}).",
                        hi.map_or("no finite".to_string(), |h| format!("{h:.2}")),
                        e.offered
                    ));
                }
            }
        }
        None => {
            for (key, label) in [
                ("busy_hour", "Busy hour"),
                ("busy_hour_traffic", "Busy hour traffic (Erlangs)"),
                ("busy_hour_load", "Busy hour line load"),
                ("busy_hour_all_busy", "Busy hour time with all lines busy"),
                (
                    "blocked_calls_measured",
                    "Calls blocked before the PBX, measured",
                ),
                ("offered_traffic", "Busy hour traffic offered (Erlangs)"),
                ("blocked_share", "Share of calls blocked, Erlang B estimate"),
                (
                    "blocked_calls",
                    "Calls blocked before the PBX, Erlang B estimate",
                ),
                ("lines_needed", "Lines needed"),
                (
                    "busy_hour_incoming_calls",
                    "Incoming calls in the busy hour, per day",
                ),
                ("handling_time", "Average talk time in the busy hour"),
                (
                    "operator_traffic",
                    "Busy hour traffic to operators (Erlangs)",
                ),
                ("operators_needed", "Operators needed"),
                ("operators_answered", "Operators who answered calls"),
            ] {
                figures.push(figure(
                    key,
                    label,
                    Cell::Empty,
                    Some("no line was busy in the period".into()),
                ));
            }
        }
    }

    // Per clock hour, averaged over the days considered.
    let hours: Vec<Measure> = (0..24).map(|h| measure(calls, opts, &occ, 4 * h)).collect();
    let mut refused_rows = false;
    let rows = hours
        .iter()
        .enumerate()
        .map(|(h, m)| {
            let le = line_estimate(m, lines, opts.target_blocking);
            let (_, ops) = operators(m, opts);
            let quiet = m.carried == 0.0 && m.incoming == 0.0;
            refused_rows |= [le.offered.as_ref().err(), ops.as_ref().err()]
                .into_iter()
                .flatten()
                .any(|why| why.starts_with("refused"));
            let with_lines = |c: Cell| if lines.is_some() { c } else { Cell::Empty };
            vec![
                Cell::Text(format!("{h:02}:00")),
                Cell::Num(m.incoming, 1),
                Cell::Num(m.carried, 2),
                Cell::Int(i64::from(shown_peak(m.peak))),
                with_lines(Cell::Secs(m.full_secs.round() as i64)),
                with_lines(Cell::Pct(m.full_share)),
                cell_or_empty(&le.offered, |e| Cell::Num(e.offered, 2)),
                cell_or_empty(&le.blocked_model, |&v| Cell::Num(v, 1)),
                if quiet {
                    Cell::Empty
                } else {
                    cell_or_empty(&le.lines_needed, |&v| Cell::Int(i64::from(v)))
                },
                m.talk_mean
                    .map_or(Cell::Empty, |t| Cell::Secs(t.round() as i64)),
                cell_or_empty(&ops, |&v| Cell::Int(i64::from(v))),
                m.ops_answered.map_or(Cell::Empty, |v| Cell::Num(v, 1)),
            ]
        })
        .collect();
    let col = |key, label| Column { key, label };
    let table = Table {
        columns: vec![
            col("hour", "Hour"),
            col("incoming_per_day", "Incoming calls per day"),
            col("carried_erlangs", "Traffic carried (Erlangs)"),
            col("peak_lines_busy", "Most lines busy at once"),
            col("all_busy_secs", "Time all lines busy (whole period)"),
            col("all_busy_share", "Share of the hour all lines busy"),
            col("offered_erlangs", "Traffic offered (Erlangs, estimate)"),
            col("blocked_per_day", "Calls blocked per day (estimate)"),
            col("lines_needed", "Lines needed"),
            col("talk_secs", "Average talk time"),
            col("operators_needed", "Operators needed"),
            col("operators_answered", "Operators who answered"),
        ],
        rows,
    };

    let labels: Vec<String> = (0..24).map(|h| format!("{h:02}")).collect();
    let mut series = vec![
        Series {
            name: "Traffic carried (Erlangs, average)".into(),
            values: hours.iter().map(|m| m.carried).collect(),
        },
        Series {
            name: "Most lines busy at once".into(),
            values: hours
                .iter()
                .map(|m| f64::from(shown_peak(m.peak)))
                .collect(),
        },
    ];
    if let Some(nl) = lines {
        series.push(Series {
            name: "Lines available".into(),
            values: vec![f64::from(nl); 24],
        });
    }
    let chart = Chart::Lines {
        title: "Lines busy per hour against lines available".into(),
        labels,
        series,
    };

    // Notes: what the figures cannot know.
    if occ.n_days <= 0 {
        notes.push("The period is empty: its last day is before its first.".into());
    }
    notes.push(
        "Lines busy at once are rebuilt from each call's start and end; the PBX prints them to \
         the minute, so a moment of all lines busy shorter than a minute may be missed or \
         invented."
            .into(),
    );
    match lines {
        None => notes.push(format!(
            "The number of lines is not configured: time with all lines busy, offered traffic \
             and calls blocked before reaching the PBX need it ({NO_LINES})."
        )),
        Some(nl) => {
            let seen = occ.trunks_seen.len();
            if seen > nl as usize {
                notes.push(format!(
                    "The printout shows calls on {seen} different trunks, more than the {nl} \
                     lines configured: check [lines] count."
                ));
            }
            if occ.peak > nl {
                notes.push(format!(
                    "Rebuilt from times printed to the minute (and forwards, whose outside \
                     line is not printed), up to {} calls seem to overlap; no more than the \
                     {nl} lines configured can be busy, so {nl} is shown.",
                    occ.peak
                ));
            }
        }
    }
    notes.extend([
        "Calls blocked before the PBX: SMDR records only calls that got a line; a caller who \
         heard \"all lines busy\" from the carrier leaves no record, so these are estimates, \
         assuming random (Poisson) arrivals and that the configured lines are the real limit \
         (the carrier or a SIP/ISDN account may allow fewer channels)."
            .to_string(),
        "Retrials: a blocked caller usually calls again, so blocked calls are attempts; fewer \
         different callers were turned away, and the offered traffic includes their repeats."
            .to_string(),
        "Both-way lines: outgoing calls use the same lines, so blocking is estimated from all \
         line traffic and the blocked attempts include outgoing ones; only on incoming-only \
         lines would they all be callers."
            .to_string(),
        "Estimates are refused when the lines (or the operators) were more than 95 % loaded: \
         near saturation a small error in the measured traffic swings them without limit."
            .to_string(),
    ]);
    if occ.ring_unknown {
        notes.push(
            "Because the printout has no ring time (Pattern B, see the note on ring time), \
             the time with all lines busy, the offered traffic and the blocked calls are \
             underestimated too: read them as lower bounds."
                .into(),
        );
    }
    notes.push(
        "Operators: Erlang C assumes random arrivals and callers who never hang up; the \
         handling time is the talk time from the printout (no wrap-up, and talk after a \
         transfer to a colleague counts too); arrivals are the calls that reached the PBX, \
         less those forwarded to an outside number."
            .into(),
    );
    if refused_rows {
        notes.push(
            "Empty estimates in the table are hours above 95 % load (refused) or without \
             calls."
                .into(),
        );
    }
    occupancy_notes(&occ, &mut notes);

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
mod tests {
    use super::super::load::tests::call;
    use super::super::summary::fixtures::{at as dt, cell, day, fig, fig_note as note};
    use super::*;
    use crate::core::calls::RING_UNKNOWN_NOTICE;

    const IN: Direction = Direction::Incoming;

    fn opts(lines: Option<u32>) -> ReportOptions {
        let mut o = ReportOptions::new(day("2024-03-12"), day("2024-03-12"));
        o.trunk_count = lines;
        o
    }

    fn val(c: &Cell) -> f64 {
        match c {
            Cell::Num(x, _) | Cell::Pct(x) => *x,
            Cell::Int(n) | Cell::Secs(n) => *n as f64,
            other => panic!("not a number: {other:?}"),
        }
    }

    /// Two lines: 10:00-10:30 and 10:10-10:40, both answered (different operators).
    fn two_overlapping() -> Vec<Call> {
        vec![
            call(
                IN,
                "2024-03-12 10:00:00",
                "2024-03-12 10:30:00",
                "01",
                "101",
            ),
            call(
                IN,
                "2024-03-12 10:10:00",
                "2024-03-12 10:40:00",
                "02",
                "102",
            ),
        ]
    }

    #[test]
    fn two_lines_carrying_one_erlang() {
        let r = report(&two_overlapping(), &opts(Some(2)));
        assert_eq!(fig(&r, "peak_lines_busy"), &Cell::Int(2));
        assert_eq!(
            fig(&r, "peak_lines_busy_at"),
            &Cell::Time(dt("2024-03-12 10:10:00"))
        );
        assert_eq!(fig(&r, "lines"), &Cell::Int(2));
        assert_eq!(fig(&r, "all_lines_busy"), &Cell::Secs(1200));
        // Every window from 09:45 to 10:00 holds all 3600 line-seconds; the earliest wins.
        assert_eq!(fig(&r, "busy_hour"), &Cell::Text("09:45-10:45".into()));
        assert_eq!(val(fig(&r, "busy_hour_traffic")), 1.0);
        assert_eq!(val(fig(&r, "busy_hour_load")), 0.5);
        assert!((val(fig(&r, "busy_hour_all_busy")) - 1.0 / 3.0).abs() < 1e-12);
        // Time congestion 1/3: 2 attempts got a line, so 2 × (1/3) / (2/3) = 1 was blocked.
        assert!((val(fig(&r, "blocked_calls_measured")) - 1.0).abs() < 1e-12);
        // A·(1 − B(2, A)) = 1 with B(2, A) = (A²/2) / (1 + A + A²/2) gives A = √2,
        // B = 1 / (2 + √2), and blocked = 2 × B / (1 − B) = 2 (√2 − 1).
        let s2 = 2f64.sqrt();
        assert!((val(fig(&r, "offered_traffic")) - s2).abs() < 1e-9);
        assert!((val(fig(&r, "blocked_share")) - 1.0 / (2.0 + s2)).abs() < 1e-9);
        assert!((val(fig(&r, "blocked_calls")) - 2.0 * (s2 - 1.0)).abs() < 1e-9);
        // B(5, √2) = 1.15 % > 1 %, B(6, √2) = 0.27 %.
        assert_eq!(fig(&r, "lines_needed"), &Cell::Int(6));
        // Operators: 2 calls of 30 min in the hour = 1 E; Erlang C with h = 1800 s, T = 20 s:
        // 2 agents give SL 67 %, 3 give 91 % ≥ 80 %.
        assert_eq!(val(fig(&r, "busy_hour_incoming_calls")), 2.0);
        assert_eq!(fig(&r, "handling_time"), &Cell::Secs(1800));
        assert_eq!(val(fig(&r, "operator_traffic")), 1.0);
        assert_eq!(fig(&r, "operators_needed"), &Cell::Int(3));
        assert_eq!(val(fig(&r, "operators_answered")), 2.0);
        assert!(note(&r, "operators_needed").contains("over offered calls"));
        // The table's hour 10 holds the same hour.
        assert_eq!(val(&cell(&r, 10, "carried_erlangs")), 1.0);
        assert_eq!(cell(&r, 10, "peak_lines_busy"), Cell::Int(2));
        assert_eq!(cell(&r, 10, "all_busy_secs"), Cell::Secs(1200));
        assert!((val(&cell(&r, 10, "offered_erlangs")) - s2).abs() < 1e-9);
        assert_eq!(cell(&r, 10, "lines_needed"), Cell::Int(6));
        assert_eq!(cell(&r, 10, "operators_needed"), Cell::Int(3));
        assert_eq!(cell(&r, 9, "lines_needed"), Cell::Empty);
        assert_eq!(cell(&r, 9, "offered_erlangs"), Cell::Num(0.0, 2));
        let Some(Chart::Lines { labels, series, .. }) = &r.chart else {
            panic!()
        };
        assert_eq!(labels.len(), 24);
        assert_eq!(series[0].values[10], 1.0);
        assert_eq!(series[1].values[10], 2.0);
        assert_eq!(series[2].name, "Lines available");
        assert_eq!(series[2].values, vec![2.0; 24]);
        // The caveats of §8.
        for words in ["Retrials", "Both-way lines", "95 %", "leaves no record"] {
            assert!(r.notes.iter().any(|n| n.contains(words)), "{words}");
        }
        assert!(r.notes.iter().any(|n| n.contains("5 % less or more")));
    }

    #[test]
    fn estimates_are_refused_above_95_percent_load() {
        let calls = vec![call(
            IN,
            "2024-03-12 10:00:00",
            "2024-03-12 10:58:00",
            "01",
            "101",
        )];
        let r = report(&calls, &opts(Some(1)));
        assert!((val(fig(&r, "busy_hour_load")) - 58.0 / 60.0).abs() < 1e-12);
        // The measurement itself is shown; the estimates built on it are not.
        assert!((val(fig(&r, "busy_hour_all_busy")) - 58.0 / 60.0).abs() < 1e-12);
        for key in [
            "offered_traffic",
            "blocked_share",
            "blocked_calls",
            "blocked_calls_measured",
            "lines_needed",
            "operators_needed",
        ] {
            assert_eq!(fig(&r, key), &Cell::Empty, "{key}");
            assert!(
                note(&r, key).starts_with("refused"),
                "{key}: {}",
                note(&r, key)
            );
        }
        assert!(note(&r, "offered_traffic").contains("96.7 %"));
        assert_eq!(cell(&r, 10, "offered_erlangs"), Cell::Empty);
        assert!(r.notes.iter().any(|n| n.contains("Empty estimates")));
    }

    #[test]
    fn without_a_lines_count_the_report_says_what_to_set() {
        let r = report(&two_overlapping(), &opts(None));
        for key in [
            "lines",
            "all_lines_busy",
            "busy_hour_load",
            "busy_hour_all_busy",
            "offered_traffic",
            "blocked_calls",
            "blocked_calls_measured",
        ] {
            assert_eq!(fig(&r, key), &Cell::Empty, "{key}");
            assert!(note(&r, key).contains("set [lines] count in the config"));
        }
        // Lines needed on the carried 1 E: B(4, 1) = 1.5 %, B(5, 1) = 0.3 %.
        assert_eq!(fig(&r, "lines_needed"), &Cell::Int(5));
        assert!(note(&r, "lines_needed").contains("lower bound"));
        assert_eq!(fig(&r, "peak_lines_busy"), &Cell::Int(2));
        assert_eq!(cell(&r, 10, "all_busy_secs"), Cell::Empty);
        let Some(Chart::Lines { series, .. }) = &r.chart else {
            panic!()
        };
        assert_eq!(series.len(), 2);
    }

    #[test]
    fn a_lines_count_below_the_trunks_printed_is_pointed_out() {
        let r = report(&two_overlapping(), &opts(Some(1)));
        assert_eq!(fig(&r, "peak_lines_busy"), &Cell::Int(1));
        assert!(r.notes.iter().any(|n| n.contains("2 different trunks")));
        assert!(r
            .notes
            .iter()
            .any(|n| n.contains("up to 2 calls seem to overlap")));
        // A zero count is no count.
        let r = report(&two_overlapping(), &opts(Some(0)));
        assert_eq!(fig(&r, "lines"), &Cell::Empty);
    }

    #[test]
    fn pattern_b_says_the_estimates_are_lower_bounds() {
        let mut calls = two_overlapping();
        calls[0].ring_secs = None;
        let r = report(&calls, &opts(Some(2)));
        assert!(r.notes.iter().any(|n| n.contains(RING_UNKNOWN_NOTICE)));
        assert!(r.notes.iter().any(|n| n.contains("underestimated")));
        let r = report(&two_overlapping(), &opts(Some(2)));
        assert!(!r.notes.iter().any(|n| n.contains(RING_UNKNOWN_NOTICE)));
    }

    #[test]
    fn midnight_cuts_the_time_all_lines_busy() {
        let calls = vec![call(
            IN,
            "2024-03-12 23:30:00",
            "2024-03-13 00:30:00",
            "01",
            "101",
        )];
        let r = report(&calls, &opts(Some(1)));
        assert_eq!(fig(&r, "all_lines_busy"), &Cell::Secs(1800));
        assert_eq!(fig(&r, "busy_hour"), &Cell::Text("23:00-24:00".into()));
        assert_eq!(val(fig(&r, "busy_hour_traffic")), 0.5);
    }

    #[test]
    fn empty_periods_and_bad_targets_do_not_panic() {
        let r = report(&[], &opts(Some(4)));
        assert_eq!(fig(&r, "peak_lines_busy"), &Cell::Int(0));
        assert_eq!(fig(&r, "peak_lines_busy_at"), &Cell::Empty);
        assert_eq!(fig(&r, "all_lines_busy"), &Cell::Secs(0));
        assert_eq!(fig(&r, "busy_hour"), &Cell::Empty);
        assert_eq!(
            note(&r, "operators_needed"),
            "no line was busy in the period"
        );
        assert_eq!(r.table.rows.len(), 24);
        let mut o = opts(Some(2));
        o.to = day("2024-03-01");
        let r = report(&two_overlapping(), &o);
        assert_eq!(fig(&r, "busy_hour"), &Cell::Empty);
        assert!(r.notes.iter().any(|n| n.contains("period is empty")));
        let mut o = opts(Some(2));
        o.target_blocking = 0.0;
        o.target_service_level = 1.0;
        let r = report(&two_overlapping(), &o);
        assert_eq!(fig(&r, "lines_needed"), &Cell::Empty);
        assert!(note(&r, "lines_needed").contains("blocking"));
        assert_eq!(fig(&r, "operators_needed"), &Cell::Empty);
        assert!(note(&r, "operators_needed").contains("service level"));
    }
}
