//! `summary`: how many calls came in, how many were lost, how fast they were answered.
//!
//! Definitions (`shared/analytics.md` §2), over the calls that **started** in the period:
//!
//! - **Incoming (offered)**: incoming calls that reached the PBX. A caller who got "all lines
//!   busy" from the carrier leaves no record and is in none of these figures.
//! - **Answered**: somebody talked: an extension, or the outside number the call was forwarded
//!   to. **Lost**: nobody answered (every other incoming call), so incoming = answered + lost.
//! - **Lost share**: lost / incoming. With [`SlVariant::ShortAbandonsExcluded`] the lost calls
//!   that rang less than `short_abandon_secs` are left out of both counts (analytics.md,
//!   "abandonment rate"); the other two variants only change the service level.
//! - **Answered within T**: answered calls whose ring time (first ring to answer) is at most
//!   `service_level_secs`. **Service level**: that count over the variant's denominator
//!   (answered + lost; answered; answered + lost − short hang-ups).
//! - **ASA** (average speed of answer): the mean ring time of answered calls, a call answered at
//!   once counting 0, rounded to the second. **Longest wait**: the largest ring time of answered
//!   calls, and of lost calls (how long the most patient lost caller waited).
//! - **Outgoing**: calls dialled out, their talk time, and those that did not connect (busy,
//!   unanswered or failed: Panasonic prints all three alike). **Internal**: intercom calls,
//!   consultations before transfers included.
//!
//! Every ring-time figure is `Cell::Empty` with [`RING_UNKNOWN_NOTICE`] as soon as one of the
//! calls it needs has no ring time (Pattern B): a figure over part of the calls would look
//! like a figure over all of them.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{
    in_period, Cell, Chart, Column, Figure, Report, ReportOptions, Series, SlVariant, Table,
};
use crate::core::calls::{Call, Outcome, RING_UNKNOWN_NOTICE};
use crate::core::record::Direction;

pub const NAME: &str = "summary";
pub const TITLE: &str = "Calls, lost calls and waiting";

/// Said when outgoing calls were printed and no incoming one: "0 lost" may only mean the PBX
/// does not print incoming calls (Panasonic: a print option, panasonic.md §6).
pub const NO_INCOMING_NOTICE: &str = "No incoming call was printed in this period, only \
     outgoing ones: if calls did come in, the PBX is not printing them (Panasonic: is incoming \
     CO call printing [805] on?), and 0 lost means nothing.";
pub const ABOUT: &str = "How many calls came in, how many were lost, how fast were they answered";

/// Longer periods list only the days that have calls (a day per row would be unreadable, and
/// a nonsense period such as year 1 to 9999 must not build millions of rows).
pub const MAX_DAYS_LISTED: i64 = 1000;

/// Ring times of a set of calls.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct Rings {
    /// Calls with a ring time.
    known: u64,
    /// Calls without one (Pattern B).
    unknown: u64,
    sum: u64,
    max: u32,
}

impl Rings {
    fn add(&mut self, ring: Option<u32>) {
        match ring {
            Some(r) => {
                self.known += 1;
                self.sum += u64::from(r);
                self.max = self.max.max(r);
            }
            None => self.unknown += 1,
        }
    }

    /// All calls have a ring time (vacuously true for none).
    fn complete(&self) -> bool {
        self.unknown == 0
    }
}

/// What the figures and each day's row count.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct Tally {
    incoming: u64,
    answered: u64,
    lost: u64,
    forwarded_outside: u64,
    answered_rings: Rings,
    lost_rings: Rings,
    /// Answered with a ring time of at most T.
    within_t: u64,
    /// Lost with a ring time below `short_abandon_secs`.
    short_lost: u64,
    outgoing: u64,
    outgoing_talk: u64,
    not_connected: u64,
    internal: u64,
    consultations: u64,
}

impl Tally {
    fn add(&mut self, c: &Call, opts: &ReportOptions) {
        match c.direction {
            Direction::Incoming => {
                self.incoming += 1;
                if c.outcome == Outcome::Answered {
                    self.answered += 1;
                    self.forwarded_outside += u64::from(c.forwarded_to_outside.is_some());
                    self.answered_rings.add(c.ring_secs);
                    self.within_t +=
                        u64::from(c.ring_secs.is_some_and(|r| r <= opts.service_level_secs));
                } else {
                    // The model gives incoming calls only Answered or Lost; anything else
                    // counts as lost so that incoming = answered + lost always holds.
                    self.lost += 1;
                    self.lost_rings.add(c.ring_secs);
                    self.short_lost +=
                        u64::from(c.ring_secs.is_some_and(|r| r < opts.short_abandon_secs));
                }
            }
            Direction::Outgoing => {
                self.outgoing += 1;
                self.outgoing_talk += u64::from(c.talk_secs);
                self.not_connected += u64::from(c.outcome == Outcome::NotConnected);
            }
            Direction::Internal => {
                self.internal += 1;
                self.consultations += u64::from(c.consultation_for.is_some());
            }
        }
    }

    /// Lost share by the variant: a share, or why there is none.
    fn lost_share(&self, opts: &ReportOptions) -> Result<f64, Missing> {
        let (lost, offered) = match opts.sl_variant {
            SlVariant::ShortAbandonsExcluded => {
                if !self.lost_rings.complete() {
                    return Err(Missing::Ring);
                }
                (self.lost - self.short_lost, self.incoming - self.short_lost)
            }
            SlVariant::OverOffered | SlVariant::OverAnswered => (self.lost, self.incoming),
        };
        share(lost, offered)
    }

    fn answered_within_t(&self) -> Result<u64, Missing> {
        if self.answered_rings.complete() {
            Ok(self.within_t)
        } else {
            Err(Missing::Ring)
        }
    }

    fn service_level(&self, opts: &ReportOptions) -> Result<f64, Missing> {
        let within = self.answered_within_t()?;
        let over = match opts.sl_variant {
            SlVariant::OverOffered => self.answered + self.lost,
            SlVariant::OverAnswered => self.answered,
            SlVariant::ShortAbandonsExcluded => {
                if !self.lost_rings.complete() {
                    return Err(Missing::Ring);
                }
                self.answered + self.lost - self.short_lost
            }
        };
        share(within, over)
    }

    /// Mean ring time of answered calls, rounded to the second (half up).
    fn asa(&self) -> Result<u64, Missing> {
        let r = &self.answered_rings;
        if !r.complete() {
            Err(Missing::Ring)
        } else if r.known == 0 {
            Err(Missing::NoCalls)
        } else {
            Ok((2 * r.sum + r.known) / (2 * r.known))
        }
    }
}

/// Why a figure has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Missing {
    /// A call it needs has no ring time.
    Ring,
    /// Nothing to count (a share over zero calls).
    NoCalls,
}

impl Missing {
    fn why(self) -> &'static str {
        match self {
            Missing::Ring => RING_UNKNOWN_NOTICE,
            Missing::NoCalls => "no calls to count",
        }
    }
}

fn share(part: u64, whole: u64) -> Result<f64, Missing> {
    if whole == 0 {
        Err(Missing::NoCalls)
    } else {
        Ok(part as f64 / whole as f64)
    }
}

fn cell<T>(r: Result<T, Missing>, f: impl FnOnce(T) -> Cell) -> Cell {
    r.map_or(Cell::Empty, f)
}

fn secs(x: u64) -> Cell {
    Cell::Secs(i64::try_from(x).unwrap_or(i64::MAX))
}

fn int(x: u64) -> Cell {
    Cell::Int(i64::try_from(x).unwrap_or(i64::MAX))
}

/// `base`, plus why the value is missing if it is.
fn note_with<T>(base: String, r: &Result<T, Missing>) -> Option<String> {
    match r {
        Ok(_) => Some(base),
        Err(m) => Some(format!("{base}; {}", m.why())),
    }
}

/// The lost share's variant: only short hang-ups change it (analytics.md, abandonment rate).
fn lost_variant(opts: &ReportOptions) -> String {
    match opts.sl_variant {
        SlVariant::ShortAbandonsExcluded => opts.sl_variant.label(opts.short_abandon_secs),
        SlVariant::OverOffered | SlVariant::OverAnswered => {
            SlVariant::OverOffered.label(opts.short_abandon_secs)
        }
    }
}

/// The days a per-day table lists: every day of the period, or (for an absurdly long period)
/// the days with calls. `true` if it had to fall back to the latter.
pub(crate) fn period_days(
    opts: &ReportOptions,
    with_calls: impl Iterator<Item = NaiveDate>,
) -> (Vec<NaiveDate>, bool) {
    if opts.from > opts.to {
        return (Vec::new(), false);
    }
    if (opts.to - opts.from).num_days() >= MAX_DAYS_LISTED {
        let mut days: Vec<NaiveDate> = with_calls.collect();
        days.sort_unstable();
        days.dedup();
        return (days, true);
    }
    let days = opts
        .from
        .iter_days()
        .take_while(|d| *d <= opts.to)
        .collect();
    (days, false)
}

pub fn report(calls: &[Call], opts: &ReportOptions) -> Report {
    let mut total = Tally::default();
    let mut per_day: BTreeMap<NaiveDate, Tally> = BTreeMap::new();
    // The calls that began within working hours (all of them without hours): the shares,
    // service level and waits count these, the operators' part.
    let mut inside = Tally::default();
    let mut per_day_inside: BTreeMap<NaiveDate, Tally> = BTreeMap::new();
    let mut ring_unknown = false;
    for c in in_period(calls, opts) {
        total.add(c, opts);
        per_day.entry(c.start.date()).or_default().add(c, opts);
        if opts.in_hours(c.start) {
            inside.add(c, opts);
            per_day_inside
                .entry(c.start.date())
                .or_default()
                .add(c, opts);
        }
        ring_unknown |= c.ring_notice().is_some();
    }

    let t_secs = opts.service_level_secs;
    let sl_variant = opts.sl_variant.label(opts.short_abandon_secs);
    let lost_share = inside.lost_share(opts);
    let within = inside.answered_within_t();
    let sl = inside.service_level(opts);
    let asa = inside.asa();
    let ring_max = |r: &Rings| -> Result<u64, Missing> {
        if !r.complete() {
            Err(Missing::Ring)
        } else if r.known == 0 {
            Err(Missing::NoCalls)
        } else {
            Ok(u64::from(r.max))
        }
    };
    let wait_answered = ring_max(&inside.answered_rings);
    let wait_lost = ring_max(&inside.lost_rings);
    // With working hours the rates say whose calls they count.
    let in_hours = if opts.has_hours() {
        ", calls within working hours"
    } else {
        ""
    };

    let mut figures = vec![
        Figure {
            key: "incoming",
            label: "Incoming calls".into(),
            value: int(total.incoming),
            note: Some("calls that reached the PBX (offered)".into()),
        },
        Figure {
            key: "answered",
            label: "Answered".into(),
            value: int(total.answered),
            note: (total.forwarded_outside > 0).then(|| {
                format!(
                    "{} of them forwarded to an outside number and answered there",
                    total.forwarded_outside
                )
            }),
        },
        Figure {
            key: "lost",
            label: "Lost".into(),
            value: int(total.lost),
            note: Some("nobody answered".into()),
        },
        Figure {
            key: "lost_share",
            label: "Lost %".into(),
            value: cell(lost_share, Cell::Pct),
            note: note_with(
                format!("lost {}{in_hours}", lost_variant(opts)),
                &lost_share,
            ),
        },
        Figure {
            key: "answered_within_t",
            label: format!("Answered within {t_secs} s"),
            value: cell(within, int),
            note: note_with(
                format!("rang at most {t_secs} s before somebody answered"),
                &within,
            ),
        },
        Figure {
            key: "service_level",
            label: format!("Service level ({t_secs} s)"),
            value: cell(sl, Cell::Pct),
            note: note_with(
                format!("answered within {t_secs} s, {sl_variant}{in_hours}"),
                &sl,
            ),
        },
        Figure {
            key: "asa",
            label: "Average wait before answer".into(),
            value: cell(asa, secs),
            note: note_with(
                "average speed of answer: mean ring time of answered calls".into(),
                &asa,
            ),
        },
        Figure {
            key: "longest_wait_answered",
            label: "Longest wait, answered".into(),
            value: cell(wait_answered, secs),
            note: note_with(
                "the longest a caller rang before an answer".into(),
                &wait_answered,
            ),
        },
        Figure {
            key: "longest_wait_lost",
            label: "Longest wait, lost".into(),
            value: cell(wait_lost, secs),
            note: note_with(
                "the longest a lost caller rang before hanging up".into(),
                &wait_lost,
            ),
        },
        Figure {
            key: "outgoing",
            label: "Outgoing calls".into(),
            value: int(total.outgoing),
            note: None,
        },
        Figure {
            key: "outgoing_talk",
            label: "Outgoing talk time".into(),
            value: secs(total.outgoing_talk),
            note: None,
        },
        Figure {
            key: "outgoing_not_connected",
            label: "Outgoing not connected".into(),
            value: int(total.not_connected),
            note: Some("busy, unanswered or failed: the printout does not tell which".into()),
        },
        Figure {
            key: "internal",
            label: "Internal calls".into(),
            value: int(total.internal),
            note: (total.consultations > 0).then(|| {
                format!(
                    "{} of them consultations before a transfer",
                    total.consultations
                )
            }),
        },
    ];

    if let Some(hours) = &opts.working_hours {
        let lost_at = figures
            .iter()
            .position(|f| f.key == "lost")
            .map_or(figures.len(), |i| i + 1);
        let described = hours.describe();
        figures.insert(
            lost_at,
            Figure {
                key: "lost_outside_hours",
                label: "Lost outside working hours".into(),
                value: int(total.lost - inside.lost),
                note: Some(format!(
                    "began outside working hours ({described}): not the operators' part, so                      not in the lost share or service level, but still callers lost"
                )),
            },
        );
        figures.insert(
            lost_at,
            Figure {
                key: "incoming_outside_hours",
                label: "Incoming outside working hours".into(),
                value: int(total.incoming - inside.incoming),
                note: Some(format!("began outside working hours ({described})")),
            },
        );
    }

    let (days, only_days_with_calls) = period_days(opts, per_day.keys().copied());
    let mut rows = Vec::with_capacity(days.len());
    let mut labels = Vec::with_capacity(days.len());
    let (mut answered, mut lost) = (Vec::new(), Vec::new());
    for d in &days {
        let t = per_day.get(d).copied().unwrap_or_default();
        let ti = per_day_inside.get(d).copied().unwrap_or_default();
        let mut row = vec![
            Cell::Text(d.format("%Y-%m-%d").to_string()),
            int(t.incoming),
            int(t.answered),
            int(t.lost),
            cell(ti.lost_share(opts), Cell::Pct),
            cell(ti.service_level(opts), Cell::Pct),
            cell(ti.asa(), secs),
            int(t.outgoing),
            int(t.internal),
        ];
        if opts.has_hours() {
            row.push(int(t.lost - ti.lost));
        }
        rows.push(row);
        labels.push(d.format("%a %d %b").to_string());
        answered.push(t.answered as f64);
        lost.push(t.lost as f64);
    }
    let mut table = Table {
        columns: vec![
            Column {
                key: "date",
                label: "Day",
            },
            Column {
                key: "incoming",
                label: "Incoming",
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
                key: "lost_share",
                label: "Lost %",
            },
            Column {
                key: "service_level",
                label: "Service level",
            },
            Column {
                key: "asa",
                label: "Average wait before answer",
            },
            Column {
                key: "outgoing",
                label: "Outgoing",
            },
            Column {
                key: "internal",
                label: "Internal",
            },
        ],
        rows,
    };
    if opts.has_hours() {
        table.columns.push(Column {
            key: "lost_outside_hours",
            label: "Lost outside working hours",
        });
    }
    let chart = (!labels.is_empty()).then(|| Chart::Bars {
        title: "Answered and lost calls per day".into(),
        labels,
        series: vec![
            Series {
                name: "Answered".into(),
                values: answered,
            },
            Series {
                name: "Lost".into(),
                values: lost,
            },
        ],
    });

    let mut notes = Vec::new();
    if total.incoming == 0 && total.outgoing > 0 {
        notes.push(NO_INCOMING_NOTICE.to_string());
    }
    if ring_unknown {
        notes.push(RING_UNKNOWN_NOTICE.to_string());
        notes.push(
            "Without a ring time a call counts on the day it was answered (a lost call: the \
             minute its NA lines were printed), and waits cannot be measured."
                .to_string(),
        );
    }
    notes.push(format!(
        "Per day, the service level is answered within {t_secs} s {sl_variant}, and the lost \
         share is lost {}, as in the figures.",
        lost_variant(opts)
    ));
    if let Some(hours) = &opts.working_hours {
        notes.push(format!(
            "Working hours: {}. The lost share, service level and waits count the calls that \
             began within them; incoming, answered and lost count every call, and the calls \
             lost outside working hours are shown apart.",
            hours.describe()
        ));
    }
    notes.push(
        "Only calls that reached the PBX are counted: a caller who got \"all lines busy\" from \
         the carrier leaves no record (the sufficiency report estimates them)."
            .to_string(),
    );
    if calls.iter().any(|c| c.estimated.end_to_the_minute) {
        notes.push(
            "The PBX prints end times to the minute: a call's start may be up to 59 s later \
             than counted, so a call that began just before midnight can belong to the next day."
                .to_string(),
        );
    }
    if only_days_with_calls {
        notes.push(format!(
            "The period is longer than {MAX_DAYS_LISTED} days: only days with calls are listed."
        ));
    }
    // Calls per phonebook tag (competitors too); none without a phonebook.
    figures.extend(crate::phonebook::tag_figures(calls, opts));

    Report {
        name: NAME,
        title: TITLE,
        from: opts.from,
        to: opts.to,
        figures,
        table,
        chart,
        notes,
    }
}

/// Hand-built calls (on [`Call::new`]) and readers of a report's figures and cells, for the unit
/// tests of this module and its siblings.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::super::{Cell, Report};
    use crate::core::calls::{Call, Estimates, LegTalk, Outcome};
    use crate::core::record::Direction;
    use chrono::{NaiveDate, NaiveDateTime};

    pub fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    pub fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    /// `hm` ("HH:MM") on the `day`th of March 2024.
    pub fn march(day: u32, hm: &str) -> NaiveDateTime {
        let (h, m) = hm.split_once(':').unwrap();
        NaiveDate::from_ymd_opt(2024, 3, day)
            .unwrap()
            .and_hms_opt(h.parse().unwrap(), m.parse().unwrap(), 0)
            .unwrap()
    }

    pub fn leg(ext: &str, talk_secs: u32) -> LegTalk {
        LegTalk {
            extension: ext.into(),
            talk_secs,
        }
    }

    pub fn call(direction: Direction, start: &str) -> Call {
        Call {
            trunk: Some("01".into()),
            parts: vec![1],
            ..Call::new(direction, at(start))
        }
    }

    pub fn answered(start: &str, ext: &str, ring: Option<u32>, talk: u32) -> Call {
        Call {
            answered_by: Some(ext.into()),
            ring_secs: ring,
            talk_secs: talk,
            legs: vec![leg(ext, talk)],
            outcome: Outcome::Answered,
            estimated: Estimates {
                ring_unknown: ring.is_none(),
                ..Estimates::default()
            },
            ..call(Direction::Incoming, start)
        }
    }

    pub fn lost(start: &str, rang: &[&str], ring: Option<u32>) -> Call {
        Call {
            rang: rang.iter().map(|s| s.to_string()).collect(),
            ring_secs: ring,
            outcome: Outcome::Lost,
            estimated: Estimates {
                ring_unknown: ring.is_none(),
                ..Estimates::default()
            },
            ..call(Direction::Incoming, start)
        }
    }

    pub fn outgoing(start: &str, ext: &str, talk: u32) -> Call {
        Call {
            extension: Some(ext.into()),
            talk_secs: talk,
            legs: vec![leg(ext, talk)],
            outcome: if talk > 0 {
                Outcome::Answered
            } else {
                Outcome::NotConnected
            },
            ..call(Direction::Outgoing, start)
        }
    }

    pub fn internal(start: &str, consultation: bool) -> Call {
        Call {
            trunk: None,
            extension: Some("101".into()),
            called_extension: Some("102".into()),
            consultation_for: consultation.then_some(7),
            ..call(Direction::Internal, start)
        }
    }

    pub fn fig<'a>(r: &'a Report, key: &str) -> &'a Cell {
        &r.figures
            .iter()
            .find(|f| f.key == key)
            .unwrap_or_else(|| panic!("no figure {key}"))
            .value
    }

    /// [`fig`], owned.
    pub fn fig_cell(r: &Report, key: &str) -> Cell {
        fig(r, key).clone()
    }

    /// Every row's cell in column `key`.
    pub fn column(r: &Report, key: &str) -> Vec<Cell> {
        let k = r.table.columns.iter().position(|c| c.key == key).unwrap();
        r.table.rows.iter().map(|row| row[k].clone()).collect()
    }

    /// Row `row`'s cell in column `key`.
    pub fn cell(r: &Report, row: usize, key: &str) -> Cell {
        let c = r.table.columns.iter().position(|c| c.key == key).unwrap();
        r.table.rows[row][c].clone()
    }

    pub fn fig_note<'a>(r: &'a Report, key: &str) -> &'a str {
        r.figures
            .iter()
            .find(|f| f.key == key)
            .and_then(|f| f.note.as_deref())
            .unwrap_or("")
    }

    /// The row whose first cell is `first`, as a map from column key to cell.
    pub fn row<'a>(
        r: &'a Report,
        first: &str,
    ) -> std::collections::BTreeMap<&'static str, &'a Cell> {
        let row = r
            .table
            .rows
            .iter()
            .find(|row| row.first() == Some(&Cell::Text(first.into())))
            .unwrap_or_else(|| panic!("no row {first}"));
        r.table.columns.iter().map(|c| c.key).zip(row).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;
    use crate::core::calls::Call;

    fn opts(from: &str, to: &str) -> ReportOptions {
        ReportOptions::new(day(from), day(to))
    }

    /// One day with every kind of call and ring times known (Pattern A/C).
    fn a_day() -> Vec<Call> {
        let mut fw = answered("2024-03-12 11:00:00", "201", Some(10), 30);
        fw.answered_by = None;
        fw.forwarded_by = Some("201".into());
        fw.forwarded_to_outside = Some("3331234567".into());
        vec![
            answered("2024-03-12 09:00:00", "101", Some(5), 60),
            answered("2024-03-12 09:10:00", "102", Some(25), 60),
            // Exactly T: within.
            answered("2024-03-12 09:20:00", "101", Some(20), 60),
            // Below the 5 s short-abandon threshold.
            lost("2024-03-12 09:30:00", &["101", "102"], Some(4)),
            // Exactly the threshold: not short.
            lost("2024-03-12 09:40:00", &["101", "102"], Some(5)),
            lost("2024-03-12 09:50:00", &["101"], Some(40)),
            fw,
            outgoing("2024-03-12 10:00:00", "101", 100),
            outgoing("2024-03-12 10:05:00", "102", 0),
            internal("2024-03-12 10:10:00", false),
            internal("2024-03-12 10:11:00", true),
        ]
    }

    #[test]
    fn figures_of_a_day_with_ring_times() {
        let r = report(&a_day(), &opts("2024-03-12", "2024-03-12"));
        assert_eq!(fig(&r, "incoming"), &Cell::Int(7));
        assert_eq!(fig(&r, "answered"), &Cell::Int(4));
        assert!(fig_note(&r, "answered").contains("1 of them forwarded"));
        assert_eq!(fig(&r, "lost"), &Cell::Int(3));
        assert_eq!(fig(&r, "lost_share"), &Cell::Pct(3.0 / 7.0));
        assert_eq!(fig_note(&r, "lost_share"), "lost over offered calls");
        // 5, 20 and the forward's 10 are within 20 s; 25 is not.
        assert_eq!(fig(&r, "answered_within_t"), &Cell::Int(3));
        assert_eq!(fig(&r, "service_level"), &Cell::Pct(3.0 / 7.0));
        assert_eq!(
            fig_note(&r, "service_level"),
            "answered within 20 s, over offered calls"
        );
        // (5 + 25 + 20 + 10) / 4 = 15.
        assert_eq!(fig(&r, "asa"), &Cell::Secs(15));
        assert_eq!(fig(&r, "longest_wait_answered"), &Cell::Secs(25));
        assert_eq!(fig(&r, "longest_wait_lost"), &Cell::Secs(40));
        assert_eq!(fig(&r, "outgoing"), &Cell::Int(2));
        assert_eq!(fig(&r, "outgoing_talk"), &Cell::Secs(100));
        assert_eq!(fig(&r, "outgoing_not_connected"), &Cell::Int(1));
        assert_eq!(fig(&r, "internal"), &Cell::Int(2));
        assert!(fig_note(&r, "internal").contains("1 of them consultations"));
        assert!(!r.notes.iter().any(|n| n == RING_UNKNOWN_NOTICE));

        let row = row(&r, "2024-03-12");
        assert_eq!(row["incoming"], &Cell::Int(7));
        assert_eq!(row["lost_share"], &Cell::Pct(3.0 / 7.0));
        assert_eq!(row["service_level"], &Cell::Pct(3.0 / 7.0));
        assert_eq!(row["asa"], &Cell::Secs(15));
        assert_eq!(row["outgoing"], &Cell::Int(2));
        assert_eq!(row["internal"], &Cell::Int(2));
        let Some(Chart::Bars { labels, series, .. }) = &r.chart else {
            panic!("{:?}", r.chart)
        };
        assert_eq!(labels, &["Tue 12 Mar"]);
        assert_eq!(series[0].values, [4.0]);
        assert_eq!(series[1].values, [3.0]);
    }

    #[test]
    fn the_variants_change_the_denominators_and_say_so() {
        let mut o = opts("2024-03-12", "2024-03-12");
        o.sl_variant = SlVariant::OverAnswered;
        let r = report(&a_day(), &o);
        assert_eq!(fig(&r, "service_level"), &Cell::Pct(3.0 / 4.0));
        assert_eq!(
            fig_note(&r, "service_level"),
            "answered within 20 s, over answered calls"
        );
        // The lost share has no "over answered" variant.
        assert_eq!(fig(&r, "lost_share"), &Cell::Pct(3.0 / 7.0));
        assert_eq!(fig_note(&r, "lost_share"), "lost over offered calls");

        o.sl_variant = SlVariant::ShortAbandonsExcluded;
        let r = report(&a_day(), &o);
        // One lost call rang under 5 s: 3 / (7 - 1) and (3 - 1) / (7 - 1).
        assert_eq!(fig(&r, "service_level"), &Cell::Pct(3.0 / 6.0));
        assert_eq!(fig(&r, "lost_share"), &Cell::Pct(2.0 / 6.0));
        assert!(fig_note(&r, "service_level").ends_with("hang-ups within 5 s left out"));
        assert!(fig_note(&r, "lost_share").ends_with("hang-ups within 5 s left out"));

        o.service_level_secs = 4;
        let r = report(&a_day(), &o);
        assert_eq!(fig(&r, "answered_within_t"), &Cell::Int(0));
        assert_eq!(fig(&r, "service_level"), &Cell::Pct(0.0));
        assert_eq!(fig(&r, "answered_within_t").clone(), Cell::Int(0));
    }

    #[test]
    fn without_ring_times_waits_are_empty_and_say_why() {
        let calls = vec![
            answered("2024-03-12 09:00:00", "101", None, 60),
            lost("2024-03-12 09:30:00", &["101"], None),
        ];
        for variant in [
            SlVariant::OverOffered,
            SlVariant::OverAnswered,
            SlVariant::ShortAbandonsExcluded,
        ] {
            let mut o = opts("2024-03-12", "2024-03-12");
            o.sl_variant = variant;
            let r = report(&calls, &o);
            assert_eq!(fig(&r, "incoming"), &Cell::Int(2));
            assert_eq!(fig(&r, "lost"), &Cell::Int(1));
            for key in [
                "answered_within_t",
                "service_level",
                "asa",
                "longest_wait_answered",
                "longest_wait_lost",
            ] {
                assert_eq!(fig(&r, key), &Cell::Empty, "{key}");
                assert!(fig_note(&r, key).ends_with(RING_UNKNOWN_NOTICE), "{key}");
            }
            assert!(r.notes.iter().any(|n| n == RING_UNKNOWN_NOTICE));
            let row = row(&r, "2024-03-12");
            assert_eq!(row["service_level"], &Cell::Empty);
            assert_eq!(row["asa"], &Cell::Empty);
            // Only the short-abandon variant needs the lost calls' ring time.
            let lost_share = fig(&r, "lost_share");
            if variant == SlVariant::ShortAbandonsExcluded {
                assert_eq!(lost_share, &Cell::Empty);
            } else {
                assert_eq!(lost_share, &Cell::Pct(0.5));
            }
        }
        // One call without a ring time among known ones: no figure over part of the calls.
        let mut calls = a_day();
        calls.push(answered("2024-03-12 12:00:00", "101", None, 60));
        let r = report(&calls, &opts("2024-03-12", "2024-03-12"));
        assert_eq!(fig(&r, "asa"), &Cell::Empty);
        assert_eq!(fig(&r, "service_level"), &Cell::Empty);
        assert_eq!(fig(&r, "longest_wait_lost"), &Cell::Secs(40));
    }

    #[test]
    fn outgoing_only_says_incoming_may_not_be_printed() {
        let period = opts("2024-03-12", "2024-03-12");
        let r = report(&[outgoing("2024-03-12 10:00:00", "101", 100)], &period);
        assert_eq!(fig(&r, "lost"), &Cell::Int(0));
        assert!(
            r.notes.iter().any(|n| n == NO_INCOMING_NOTICE),
            "{:?}",
            r.notes
        );
        // One incoming call (even lost), or no call at all: nothing to warn about.
        let r = report(&a_day(), &period);
        assert!(!r.notes.iter().any(|n| n == NO_INCOMING_NOTICE));
        let r = report(&[], &period);
        assert!(!r.notes.iter().any(|n| n == NO_INCOMING_NOTICE));
    }

    #[test]
    fn an_empty_period_has_zeros_and_no_shares() {
        let r = report(&[], &opts("2024-03-12", "2024-03-13"));
        assert_eq!(fig(&r, "incoming"), &Cell::Int(0));
        for key in ["lost_share", "service_level", "asa", "longest_wait_lost"] {
            assert_eq!(fig(&r, key), &Cell::Empty, "{key}");
            assert!(fig_note(&r, key).ends_with("no calls to count"), "{key}");
        }
        // Known (vacuously) but nothing answered within T over nothing.
        assert_eq!(fig(&r, "answered_within_t"), &Cell::Int(0));
        assert_eq!(r.table.rows.len(), 2);
        assert_eq!(row(&r, "2024-03-13")["incoming"], &Cell::Int(0));
        assert!(r.chart.is_some());
        // Only lost calls: the service level is 0, not empty; ASA has nothing to average.
        let r = report(
            &[lost("2024-03-12 09:00:00", &["101"], Some(30))],
            &opts("2024-03-12", "2024-03-12"),
        );
        assert_eq!(fig(&r, "service_level"), &Cell::Pct(0.0));
        assert_eq!(fig(&r, "asa"), &Cell::Empty);
        assert_eq!(fig(&r, "lost_share"), &Cell::Pct(1.0));
        // A reversed period: nothing, and no panic.
        let r = report(&a_day(), &opts("2024-03-13", "2024-03-12"));
        assert_eq!(fig(&r, "incoming"), &Cell::Int(0));
        assert!(r.table.rows.is_empty() && r.chart.is_none());
    }

    #[test]
    fn calls_count_on_the_day_they_started_midnight_included() {
        let calls = vec![
            // Began ringing a few seconds before midnight, answered after: the 11th.
            answered("2024-03-11 23:59:50", "101", Some(15), 60),
            answered("2024-03-12 00:00:00", "101", Some(3), 60),
            lost("2024-03-12 23:59:59", &["101"], Some(30)),
            lost("2024-03-13 00:00:00", &["101"], Some(30)),
            outgoing("2024-03-13 08:00:00", "101", 10),
        ];
        let r = report(&calls, &opts("2024-03-12", "2024-03-12"));
        assert_eq!(fig(&r, "incoming"), &Cell::Int(2));
        assert_eq!(fig(&r, "answered"), &Cell::Int(1));
        assert_eq!(fig(&r, "asa"), &Cell::Secs(3));
        assert_eq!(fig(&r, "outgoing"), &Cell::Int(0));
        let r = report(&calls, &opts("2024-03-11", "2024-03-13"));
        let rows: Vec<(Cell, Cell, Cell)> = r
            .table
            .rows
            .iter()
            .map(|row| (row[0].clone(), row[1].clone(), row[3].clone()))
            .collect();
        let text = |s: &str| Cell::Text(s.into());
        assert_eq!(
            rows,
            [
                (text("2024-03-11"), Cell::Int(1), Cell::Int(0)),
                (text("2024-03-12"), Cell::Int(2), Cell::Int(1)),
                (text("2024-03-13"), Cell::Int(1), Cell::Int(1)),
            ]
        );
        // ASA rounds half up: (15 + 3) / 2 = 9; (3 + 4) / 2 = 3.5 -> 4.
        assert_eq!(fig(&r, "asa"), &Cell::Secs(9));
        let mut calls = calls;
        calls.push(answered("2024-03-12 10:00:00", "101", Some(4), 60));
        let r = report(&calls, &opts("2024-03-12", "2024-03-12"));
        assert_eq!(fig(&r, "asa"), &Cell::Secs(4));
    }

    #[test]
    fn an_absurd_period_lists_only_days_with_calls() {
        let o = ReportOptions::new(NaiveDate::MIN, NaiveDate::MAX);
        let r = report(&a_day(), &o);
        assert_eq!(r.table.rows.len(), 1);
        assert_eq!(fig(&r, "incoming"), &Cell::Int(7));
        assert!(r.notes.iter().any(|n| n.contains("only days with calls")));
    }
}
