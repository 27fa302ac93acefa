//! The trunks' truth for the `load` and `sufficiency` report tests: generated office days
//! printed, read back by the Panasonic parser, and beside them each truth call's busy interval
//! as the printout can show it (printed times are the true ones minus `end mod 60`; Pattern B
//! shows a call from its answer, a lost call not at all) and as it really was, merged per line
//! and summed over hour-long windows. `report_load.rs` explains the tolerances.

use chrono::{Duration, NaiveDate};
use smdrbox::core::analytics::Cell;
use smdrbox::core::dialect::panasonic::Panasonic;
use smdrbox::core::dialect::{DateOrder, Dialect};
use smdrbox::core::officeday::{
    generate, office_day, truth_of, DayOptions, Layout, TruthCall, REDIAL_WINDOW_SECS,
};
use smdrbox::core::record::{Direction, Parsed, Record};

use super::{date, DAY};

pub const HOUR: i64 = 3_600;
/// The printout's minute: how much earlier than the truth a printed time can be.
pub const MINUTE_SLACK: i64 = 59;

/// One generated day as the report sees it (records) and as the generator meant it (truth).
pub struct GenDay {
    pub offset: i64,
    pub layout: Layout,
    pub truth: Vec<TruthCall>,
    /// Print time of each generated record (index = `TruthCall::lines` entries).
    pub printed: Vec<u32>,
}

/// Generates `days` (consecutive, first = `first`), prints and parses them; records get
/// consecutive seqs across days.
pub fn generate_days(
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
pub enum Line {
    Trunk(u16),
    Forward(i64, u32),
}

/// What a truth call shows in the printout, and what it really was.
pub struct Held {
    /// Busy interval as printed, `None` for a lost call in Pattern B (no line time shown).
    pub shown: Option<(i64, i64)>,
    /// The true busy interval.
    pub full: (i64, i64),
    pub lines: Vec<Line>,
    /// Start as printed, and the earliest the calls model may put it (see `held`).
    pub start: i64,
    pub start_lo: i64,
    pub ambiguous: bool,
    pub incoming: bool,
    pub lost: bool,
    /// Incoming: the extension that answered first (`None` if lost or forwarded outside).
    pub answered_by: Option<String>,
    /// Talk seconds.
    pub talk: i64,
}

pub fn held(t: &TruthCall, day: &GenDay) -> Option<Held> {
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
        answered_by: t.answered_by.clone(),
        talk: i64::from(t.talk_secs),
    })
}

/// Length of `[a, b) ∩ [lo, hi)`.
pub fn overlap(a: i64, b: i64, lo: i64, hi: i64) -> i64 {
    (b.min(hi) - a.max(lo)).max(0)
}

/// Busy intervals merged per line (trunk numbers are per generated day, so per day).
pub fn merged(h: &[Held], incoming_only: bool, full: bool) -> Vec<(i64, i64)> {
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
pub struct Truth {
    pub calls: Vec<Held>,
    pub all: Vec<(i64, i64)>,
    pub incoming: Vec<(i64, i64)>,
    pub full_all: Vec<(i64, i64)>,
    /// Ambiguous calls' widened intervals, with the lines they hold.
    pub fuzzy: Vec<(i64, i64, i64)>,
}

impl Truth {
    pub fn new(days: &[GenDay]) -> Truth {
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
    pub fn traffic(&self, windows: &[(i64, i64)], incoming_only: bool) -> (f64, f64, f64) {
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

    /// The busy hour's traffic (all lines, Erlangs) as the truth allows it, over the days
    /// `days` (see [`windows`]): the highest lower bound and the highest upper bound of the
    /// hour-long windows starting every quarter of an hour from 00:00 to 23:00, and whether
    /// no such window shows any traffic.
    pub fn busy_hour_traffic(&self, days: &[i64]) -> (f64, f64, bool) {
        let cands: Vec<(f64, f64)> = (0..=92)
            .map(|q| {
                let (s, tol, _) = self.traffic(&windows(days, q * 900), false);
                (s, tol)
            })
            .collect();
        let lo = cands.iter().map(|c| c.0 - c.1).fold(f64::MIN, f64::max);
        let hi = cands.iter().map(|c| c.0 + c.1).fold(f64::MIN, f64::max);
        (lo, hi, cands.iter().all(|c| c.0 == 0.0))
    }

    /// Incoming calls (picked by `pick`) whose printed start falls in the windows: (certain,
    /// possible).
    pub fn starts(&self, windows: &[(i64, i64)], pick: impl Fn(&Held) -> bool) -> (f64, f64) {
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
pub fn windows(days: &[i64], from: i64) -> Vec<(i64, i64)> {
    days.iter()
        .map(|d| (d * DAY + from, d * DAY + from + HOUR))
        .collect()
}

/// "10:15-11:15" -> seconds into the day of its start.
pub fn window_start(c: &Cell) -> i64 {
    let Cell::Text(s) = c else {
        panic!("not a window: {c:?}")
    };
    let (h, m) = (
        s[0..2].parse::<i64>().unwrap(),
        s[3..5].parse::<i64>().unwrap(),
    );
    h * HOUR + m * 60
}

/// The days (counted from the first) that have calls in the truth.
pub fn days_with_calls(days: &[GenDay]) -> Vec<i64> {
    days.iter()
        .filter(|d| !d.truth.is_empty())
        .map(|d| d.offset / DAY)
        .collect()
}

/// A generated period: `days` consecutive days from `first`, one generator seed, `trunks`
/// lines and `scale` times the usual calls.
pub struct Case {
    pub first: NaiveDate,
    pub days: i64,
    pub seed: u64,
    pub layout: Layout,
    pub trunks: u16,
    pub scale: f64,
}

impl Case {
    /// [`generate_days`] for this period.
    pub fn generate(&self) -> (Vec<GenDay>, Vec<(i64, Record)>) {
        generate_days(
            self.first,
            self.days,
            self.seed,
            self.layout,
            self.trunks,
            self.scale,
        )
    }

    pub fn last(&self) -> NaiveDate {
        self.first + Duration::days(self.days - 1)
    }

    /// The period, for failure messages.
    pub fn what(&self) -> String {
        format!(
            "seed {} from {} ({} days) layout {:?} trunks {} scale {}",
            self.seed, self.first, self.days, self.layout, self.trunks, self.scale
        )
    }
}

/// One-day cases, each office of `offices` (trunks, calls scale) on seeds 1, 2, 3 and 18, a
/// Tuesday, a Saturday and a quiet Sunday (no line busy at all in some layouts), Patterns A
/// and B.
pub fn single_days(offices: &[(u16, f64)]) -> Vec<Case> {
    let mut v = Vec::new();
    for seed in [1, 2, 3, 18] {
        for first in [date(2024, 3, 12), date(2024, 3, 16), date(2024, 3, 17)] {
            for layout in [Layout::A, Layout::B] {
                for &(trunks, scale) in offices {
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
    v
}
