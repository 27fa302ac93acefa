//! "The morning worklist": every lost incoming call of the period, oldest first, and whether
//! anyone reached the caller afterwards (analytics.md §2, "Callback tracking").
//!
//! For each lost call with caller ID we look at the calls to and from the same normalised
//! number that were printed after it, within `callback_window_hours` of the moment the caller
//! hung up, in the order someone picked up ([`contact`]: an outgoing call's connection, an
//! incoming call's answer). The first one that talked decides:
//!
//! - an outgoing call that connected (talk > 0): **called back**, by its extension;
//! - an incoming call from the number that was answered: **got through** (the caller tried
//!   again on their own and reached someone);
//!
//! otherwise the call is **tried again, lost again** when the caller only got further lost
//! calls, or **waiting** when nothing happened yet. Lost calls without caller ID cannot be
//! called back (**no caller ID**). A caller with several lost calls gets the state on each of
//! them: the 10:00 and the 10:20 call are both "called back" by the 10:45 callback (after 45
//! and 25 minutes).
//!
//! "Printed after" (the end minute, then the store's sequence within a minute) decides what
//! came after the lost call: the printout gives minutes only, but a call that began after the
//! caller hung up always ends, and is printed, after the lost call's NA lines.
//!
//! There is no clock: a waiting call says when it was lost ("waiting since"); the page can
//! compute its age. The figure `loaded_until` gives the last call the report saw.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, NaiveDateTime};

use super::{Cell, Chart, Column, Figure, Report, ReportOptions, Series, Table};
use crate::core::calls::{Call, Outcome, RING_UNKNOWN_NOTICE};
use crate::core::record::Direction;

pub const NAME: &str = "lost";
pub const TITLE: &str = "Lost calls and callbacks";
pub const ABOUT: &str = "The morning worklist: every lost call and whether anyone called back";

/// What happened after a lost call. `as_str` is what the table shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    CalledBack,
    GotThrough,
    LostAgain,
    Waiting,
    NoCallerId,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::CalledBack => "called back",
            State::GotThrough => "got through",
            State::LostAgain => "tried again, lost again",
            State::Waiting => "waiting",
            State::NoCallerId => "no caller ID",
        }
    }
}

/// The follow-up of one lost call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub state: State,
    /// The call that reached the caller (called back / got through).
    pub reached_by: Option<usize>,
    /// Seconds from the hang-up minute to its [`contact`] (never negative).
    pub after_secs: Option<i64>,
    /// Outgoing calls to the number before that which did not connect (no answer, busy or
    /// failed: the printout does not tell which).
    pub unconnected_attempts: usize,
    /// Further lost calls of the same number before that.
    pub lost_again: usize,
}

/// When a call reached the other party: an answered incoming call's answer (start plus ring
/// time; in Pattern B the start already is the answer moment), an outgoing call's connection
/// (its start: the dialling before is not printed); a lost call's start.
pub fn contact(c: &Call) -> NaiveDateTime {
    let ring = match (c.direction, c.outcome) {
        (Direction::Incoming, Outcome::Answered) => c.ring_secs.unwrap_or(0),
        _ => 0,
    };
    c.start
        .checked_add_signed(Duration::seconds(i64::from(ring)))
        .unwrap_or(c.start)
}

/// `c` was printed after `l`: a later end minute, or the same minute and later sequence.
fn printed_after(c: &Call, l: &Call) -> bool {
    c.end > l.end || (c.end == l.end && c.parts.first() > l.parts.last())
}

/// The follow-up of `calls[lost]` (which must be a lost incoming call), looking at `calls`.
/// `by_number` lists, per normalised number, the incoming and outgoing calls with that number
/// in [`contact`] order.
pub fn follow_up(
    calls: &[Call],
    lost: usize,
    by_number: &BTreeMap<&str, Vec<usize>>,
    window_hours: u32,
) -> FollowUp {
    let mut f = FollowUp {
        state: State::NoCallerId,
        reached_by: None,
        after_secs: None,
        unconnected_attempts: 0,
        lost_again: 0,
    };
    let l = &calls[lost];
    let Some(number) = l.external_number.as_deref() else {
        return f;
    };
    f.state = State::Waiting;
    let window = i64::from(window_hours) * 3600;
    for &k in by_number.get(number).into_iter().flatten() {
        let c = &calls[k];
        if k == lost || !printed_after(c, l) {
            continue;
        }
        // Minutes only: a call that began in the hang-up minute may show a start a little
        // before the printed end of the lost call; it still came after it.
        let elapsed = contact(c).signed_duration_since(l.end).num_seconds().max(0);
        if elapsed > window {
            continue;
        }
        let reached = match (c.direction, c.outcome) {
            (Direction::Outgoing, _) if c.talk_secs > 0 => Some(State::CalledBack),
            (Direction::Outgoing, _) => {
                f.unconnected_attempts += 1;
                None
            }
            (Direction::Incoming, Outcome::Answered) => Some(State::GotThrough),
            (Direction::Incoming, Outcome::Lost) => {
                f.lost_again += 1;
                None
            }
            _ => None,
        };
        if let Some(s) = reached {
            f.state = s;
            f.reached_by = Some(k);
            f.after_secs = Some(elapsed);
            return f;
        }
    }
    if f.lost_again > 0 {
        f.state = State::LostAgain;
    }
    f
}

/// Incoming and outgoing calls per normalised number, in [`contact`] order.
pub fn calls_by_number(calls: &[Call]) -> BTreeMap<&str, Vec<usize>> {
    let mut m: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, c) in calls.iter().enumerate() {
        if matches!(c.direction, Direction::Incoming | Direction::Outgoing) {
            if let Some(n) = c.external_number.as_deref() {
                m.entry(n).or_default().push(i);
            }
        }
    }
    for v in m.values_mut() {
        v.sort_by_key(|&i| (contact(&calls[i]), calls[i].parts.first().copied()));
    }
    m
}

/// The median of whole seconds; the mean of the two middle values (rounded down) when even.
fn median(v: &[i64]) -> Option<i64> {
    let mut v = v.to_vec();
    v.sort_unstable();
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some((v[n / 2 - 1] + v[n / 2]).div_euclid(2)),
    }
}

/// Who reached the caller, for the table.
fn reached_label(c: &Call, opts: &ReportOptions) -> String {
    match c.direction {
        Direction::Outgoing => c
            .extension
            .as_deref()
            .map(|e| opts.extension_label(e))
            .unwrap_or_default(),
        _ => match (&c.answered_by, &c.forwarded_by) {
            (Some(a), _) => opts.extension_label(a),
            (None, Some(f)) => format!("{} (forwarded outside)", opts.extension_label(f)),
            (None, None) => "answered".to_string(),
        },
    }
}

fn time_or_empty(t: Option<NaiveDateTime>) -> Cell {
    t.map_or(Cell::Empty, Cell::Time)
}

/// The days of the period; with a period over 400 days only the days that have lost calls
/// (a chart with thousands of bars reads no faster than the table).
fn chart_days(opts: &ReportOptions, lost_days: &[NaiveDate]) -> Vec<NaiveDate> {
    let span = opts.to.signed_duration_since(opts.from).num_days();
    if (0..=400).contains(&span) {
        opts.from
            .iter_days()
            .take_while(|d| *d <= opts.to)
            .collect()
    } else {
        let mut v = lost_days.to_vec();
        v.dedup();
        v
    }
}

pub fn report(calls: &[Call], opts: &ReportOptions) -> Report {
    let by_number = calls_by_number(calls);
    // Indices, not references: a follow-up names the call that reached the caller. The same
    // filter as `in_period`.
    let mut lost: Vec<usize> = (0..calls.len())
        .filter(|&i| {
            let c = &calls[i];
            opts.contains(c.start)
                && c.direction == Direction::Incoming
                && c.outcome == Outcome::Lost
        })
        .collect();
    lost.sort_by_key(|&i| (calls[i].start, calls[i].parts.first().copied()));

    let loaded_until = calls.iter().map(|c| c.end).max();
    let window_hours = opts.callback_window_hours;
    let mut rows = Vec::with_capacity(lost.len());
    let mut per_state: BTreeMap<State, usize> = BTreeMap::new();
    let mut callback_secs = Vec::new();
    let mut per_day: BTreeMap<NaiveDate, [usize; 4]> = BTreeMap::new();
    let mut ring_unknown = false;
    let mut window_open = 0;
    let mut outside_hours = 0;
    // Phonebook tag -> [lost calls, not reached yet].
    let mut per_tag: BTreeMap<crate::phonebook::Tag, [usize; 2]> = BTreeMap::new();
    for &i in &lost {
        let l = &calls[i];
        let inside = opts.in_hours(l.start);
        outside_hours += usize::from(!inside);
        let f = follow_up(calls, i, &by_number, window_hours);
        *per_state.entry(f.state).or_default() += 1;
        if f.state == State::CalledBack {
            callback_secs.extend(f.after_secs);
        }
        let bar = match f.state {
            State::CalledBack => 0,
            State::GotThrough => 1,
            State::LostAgain | State::Waiting => 2,
            State::NoCallerId => 3,
        };
        per_day.entry(l.start.date()).or_default()[bar] += 1;
        ring_unknown |= l.ring_secs.is_none();
        let waiting = matches!(f.state, State::Waiting | State::LostAgain);
        let window_end = l
            .end
            .checked_add_signed(Duration::hours(i64::from(window_hours)));
        if waiting && loaded_until.is_some_and(|u| window_end.is_some_and(|w| u < w)) {
            window_open += 1;
        }
        let reached = f.reached_by.map(|k| &calls[k]);
        let caller = match (&l.external_number, &l.caller_name) {
            (Some(n), Some(name)) => format!("{n} ({name})"),
            (Some(n), None) => n.clone(),
            (None, Some(name)) => format!("{name} (no number)"),
            (None, None) => "no caller ID".to_string(),
        };
        let rang: Vec<String> = l.rang.iter().map(|e| opts.extension_label(e)).collect();
        let mut row = vec![
            Cell::Time(l.start),
            Cell::Text(caller),
            l.trunk
                .as_deref()
                .map_or(Cell::Empty, |t| Cell::Text(opts.line_label(t))),
            l.ddi
                .as_deref()
                .map_or(Cell::Empty, |d| Cell::Text(opts.ddi_label(d))),
            Cell::Text(rang.join(", ")),
            l.ring_secs
                .map_or(Cell::Empty, |r| Cell::Secs(i64::from(r))),
            Cell::Text(f.state.as_str().to_string()),
            reached.map_or(Cell::Empty, |c| Cell::Text(reached_label(c, opts))),
            time_or_empty(reached.map(contact)),
            f.after_secs.map_or(Cell::Empty, Cell::Secs),
            Cell::Int(f.unconnected_attempts as i64),
            Cell::Int(f.lost_again as i64),
            if waiting {
                Cell::Time(l.end)
            } else {
                Cell::Empty
            },
        ];
        if opts.has_hours() {
            row.push(Cell::Text(
                if inside { "in hours" } else { "outside hours" }.to_string(),
            ));
        }
        if !opts.phonebook.is_empty() {
            // The phonebook's name and tag, last: the other columns keep their places.
            row.extend(opts.phonebook.report_cells(l.external_number.as_deref()));
            if let Some(t) = opts.phonebook.name_tag(l.external_number.as_deref()).1 {
                let x = per_tag.entry(t).or_default();
                x[0] += 1;
                x[1] += usize::from(waiting);
            }
        }
        rows.push(row);
    }

    let count = |s: State| per_state.get(&s).copied().unwrap_or(0);
    let total = lost.len();
    let with_cli = total - count(State::NoCallerId);
    let called_back = count(State::CalledBack);
    let window_text = format!("within {window_hours} h after the caller hung up");
    let mut figures = vec![
        Figure {
            key: "lost_calls",
            label: "Lost calls".into(),
            value: Cell::Int(total as i64),
            note: Some("incoming calls nobody answered, by the day they began".into()),
        },
        Figure {
            key: "called_back",
            label: "Called back".into(),
            value: Cell::Int(called_back as i64),
            note: Some(format!(
                "an outgoing call to the same number talked {window_text}"
            )),
        },
        Figure {
            key: "called_back_share",
            label: "Called back, share".into(),
            value: if with_cli == 0 {
                Cell::Empty
            } else {
                Cell::Pct(called_back as f64 / with_cli as f64)
            },
            note: Some(format!(
                "of the {with_cli} lost calls with caller ID; the others cannot be called back"
            )),
        },
        Figure {
            key: "median_callback_secs",
            label: "Median time to callback".into(),
            value: median(&callback_secs).map_or(Cell::Empty, Cell::Secs),
            note: Some(
                "from the minute the caller hung up to the moment the callback connected".into(),
            ),
        },
        Figure {
            key: "longest_callback_secs",
            label: "Longest time to callback".into(),
            value: callback_secs
                .iter()
                .copied()
                .max()
                .map_or(Cell::Empty, Cell::Secs),
            note: None,
        },
        Figure {
            key: "got_through",
            label: "Got through on their own".into(),
            value: Cell::Int(count(State::GotThrough) as i64),
            note: Some(format!(
                "the caller called again and was answered {window_text}, before any callback"
            )),
        },
        Figure {
            key: "lost_again",
            label: "Tried again, lost again".into(),
            value: Cell::Int(count(State::LostAgain) as i64),
            note: Some("only further lost calls, nobody reached them yet".into()),
        },
        Figure {
            key: "waiting",
            label: "Still waiting".into(),
            value: Cell::Int(count(State::Waiting) as i64),
            note: Some("nothing yet: no callback, no new call".into()),
        },
        Figure {
            key: "no_caller_id",
            label: "No caller ID".into(),
            value: Cell::Int(count(State::NoCallerId) as i64),
            note: Some("the number was withheld: these cannot be called back".into()),
        },
        Figure {
            key: "loaded_until",
            label: "Calls seen up to".into(),
            value: time_or_empty(loaded_until),
            note: Some("the last call the report saw: callbacks after it are not known yet".into()),
        },
    ];

    if let Some(hours) = &opts.working_hours {
        figures.insert(
            1,
            Figure {
                key: "lost_outside_hours",
                label: "Lost outside working hours".into(),
                value: Cell::Int(outside_hours as i64),
                note: Some(format!(
                    "began outside working hours ({}): nobody was there, but the caller is \
                     still waiting for an answer",
                    hours.describe()
                )),
            },
        );
        figures.insert(
            1,
            Figure {
                key: "lost_in_hours",
                label: "Lost in working hours".into(),
                value: Cell::Int((total - outside_hours) as i64),
                note: Some("began within working hours".into()),
            },
        );
    }
    if !opts.phonebook.is_empty() {
        figures.extend(tag_figures(&per_tag));
    }
    let lost_days: Vec<NaiveDate> = lost.iter().map(|&i| calls[i].start.date()).collect();
    let days = chart_days(opts, &lost_days);
    let series_of = |k: usize, name: &str| Series {
        name: name.to_string(),
        values: days
            .iter()
            .map(|d| per_day.get(d).map_or(0.0, |v| v[k] as f64))
            .collect(),
    };
    let chart = Chart::Bars {
        title: "Lost calls per day, by what happened next".into(),
        labels: days
            .iter()
            .map(|d| d.format("%a %d %b").to_string())
            .collect(),
        series: vec![
            series_of(0, "called back"),
            series_of(1, "got through"),
            series_of(2, "waiting (incl. lost again)"),
            series_of(3, "no caller ID"),
        ],
    };

    let mut notes = vec![
        format!(
            "Called back: an outgoing call to the same number talked (talk time above 0) \
             {window_text}. Got through: the caller called again and was answered in that \
             time, before any callback. The first of the two decides."
        ),
        "Numbers are matched digit for digit after removing spaces and signs (+ becomes 00): \
         a callback dialled in another form (with or without the country code, or with a \
         line-access digit the PBX prints) is not recognised."
            .to_string(),
        "A callback that did not connect (no answer, busy or failed: the PBX prints all three \
         alike) does not count; the table counts such attempts."
            .to_string(),
        "No clock: a waiting caller has been waiting since the time shown; their age is now \
         minus that time."
            .to_string(),
    ];
    if calls.iter().any(|c| c.estimated.end_to_the_minute) {
        notes.insert(
            2,
            "Times are to the minute (the PBX prints when each call ended, to the minute): a \
             time to callback can be off by up to a minute."
                .to_string(),
        );
    }
    if window_open > 0 {
        notes.push(format!(
            "{window_open} waiting call(s) were lost less than {window_hours} h before the last \
             call seen: they may still be called back."
        ));
    }
    if ring_unknown {
        notes.push(format!("Rang for: {RING_UNKNOWN_NOTICE}."));
    }
    notes.push(
        "The printout cannot tell one lost call that rang several phones from two lost calls \
         of the same caller within a minute on the same line: such calls count once."
            .to_string(),
    );

    Report {
        name: NAME,
        title: TITLE,
        from: opts.from,
        to: opts.to,
        figures,
        table: Table {
            columns: {
                let mut c = columns(opts.has_hours());
                if !opts.phonebook.is_empty() {
                    c.extend(crate::phonebook::report_columns());
                }
                c
            },
            rows,
        },
        chart: Some(chart),
        notes,
    }
}

/// Lost calls per phonebook tag (every tag, zeros too, so the keys are stable), and how many
/// of them nobody has reached yet.
fn tag_figures(per_tag: &BTreeMap<crate::phonebook::Tag, [usize; 2]>) -> Vec<Figure> {
    use crate::phonebook::Tag;
    Tag::ALL
        .iter()
        .map(|&t| {
            let [lost, open] = per_tag.get(&t).copied().unwrap_or_default();
            let (key, label) = match t {
                Tag::Customer => ("lost_customer", "Lost calls from customers"),
                Tag::Vip => ("lost_vip", "Lost calls from VIPs"),
                Tag::StaffFamily => ("lost_staff_family", "Lost calls from staff family"),
                Tag::Competitor => ("lost_competitor", "Lost calls from competitors"),
            };
            Figure {
                key,
                label: label.into(),
                value: Cell::Int(lost as i64),
                note: Some(format!(
                    "numbers the phonebook tags {}; {open} of them not reached yet",
                    t.label()
                )),
            }
        })
        .collect()
}

fn columns(with_hours: bool) -> Vec<Column> {
    let hours: &[(&'static str, &'static str)] = if with_hours {
        &[("working_hours", "Working hours")]
    } else {
        &[]
    };
    [
        ("called_at", "Called at"),
        ("caller", "Caller"),
        ("line", "Line"),
        ("ddi", "Number dialled (DDI)"),
        ("rang", "Rang at"),
        ("ring_secs", "Rang for"),
        ("state", "What happened"),
        ("reached_by", "Reached by"),
        ("reached_at", "Reached at"),
        ("after_secs", "After"),
        ("unconnected_callbacks", "Callbacks not connected"),
        ("lost_again", "Lost again"),
        ("waiting_since", "Waiting since"),
    ]
    .iter()
    .chain(hours)
    .map(|&(key, label)| (key, label))
    .map(|(key, label)| Column { key, label })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::super::summary::fixtures::{column as col, fig_cell as fig, march as at};
    use super::*;

    /// A call as the calls model makes it; `seq` is its (single) part.
    fn call(seq: i64, dir: Direction, start: NaiveDateTime, end: NaiveDateTime) -> Call {
        Call {
            end,
            trunk: Some("01".into()),
            parts: vec![seq],
            ..Call::new(dir, start)
        }
    }

    fn lost(seq: i64, num: Option<&str>, start: NaiveDateTime, ring: Option<u32>) -> Call {
        let mut c = call(seq, Direction::Incoming, start, start);
        c.end = start + Duration::seconds(i64::from(ring.unwrap_or(0)));
        c.end -= Duration::seconds(c.end.and_utc().timestamp() % 60);
        c.external_number = num.map(str::to_string);
        c.outcome = Outcome::Lost;
        c.ring_secs = ring;
        c.rang = vec!["101".into(), "102".into()];
        c
    }

    fn answered(seq: i64, num: &str, start: NaiveDateTime, by: &str) -> Call {
        let mut c = call(
            seq,
            Direction::Incoming,
            start,
            start + Duration::minutes(2),
        );
        c.external_number = Some(num.into());
        c.outcome = Outcome::Answered;
        c.answered_by = Some(by.into());
        c.ring_secs = Some(5);
        c.talk_secs = 100;
        c
    }

    fn dialled(seq: i64, num: &str, start: NaiveDateTime, ext: &str, talk: u32) -> Call {
        let mut c = call(
            seq,
            Direction::Outgoing,
            start,
            start + Duration::seconds(i64::from(talk)),
        );
        c.external_number = Some(num.into());
        c.extension = Some(ext.into());
        c.talk_secs = talk;
        c.outcome = if talk > 0 {
            Outcome::Answered
        } else {
            Outcome::NotConnected
        };
        c
    }

    fn opts(from: u32, to: u32) -> ReportOptions {
        let d = |x| NaiveDate::from_ymd_opt(2024, 3, x).unwrap();
        let mut o = ReportOptions::new(d(from), d(to));
        o.extension_names.insert("101".into(), "Anna".into());
        o.line_names.insert("01".into(), "Website".into());
        o
    }

    fn text(v: &[&str]) -> Vec<Cell> {
        v.iter().map(|s| Cell::Text(s.to_string())).collect()
    }

    #[test]
    fn each_state_with_who_and_how_long() {
        let calls = vec![
            lost(1, Some("0364111"), at(12, "10:00"), Some(40)), // 10:00 -> end 10:00
            lost(2, Some("333444"), at(12, "10:05"), Some(20)),
            lost(3, Some("0555"), at(12, "11:00"), Some(30)),
            lost(4, None, at(12, "11:02"), Some(3)),
            dialled(5, "0364111", at(12, "10:20"), "102", 0), // not connected: an attempt
            answered(6, "333444", at(12, "10:15"), "103"),
            lost(7, Some("0555"), at(12, "11:10"), Some(30)),
            dialled(8, "0364111", at(12, "10:30"), "101", 65),
            // Called back by 104 later, but the caller got through first: got through.
            dialled(9, "333444", at(12, "10:40"), "104", 30),
        ];
        let r = report(&calls, &opts(12, 12));
        assert_eq!(
            col(&r, "state"),
            text(&[
                "called back",
                "got through",
                "tried again, lost again",
                "no caller ID",
                "waiting"
            ])
        );
        assert_eq!(
            col(&r, "reached_by"),
            vec![
                Cell::Text("101 Anna".into()),
                Cell::Text("103".into()),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty
            ]
        );
        assert_eq!(
            col(&r, "after_secs"),
            vec![
                Cell::Secs(30 * 60),
                // Answered at 10:15 after ringing 5 s: reached 10:15:05.
                Cell::Secs(10 * 60 + 5),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty
            ]
        );
        assert_eq!(col(&r, "unconnected_callbacks")[0], Cell::Int(1));
        assert_eq!(col(&r, "lost_again")[2], Cell::Int(1));
        assert_eq!(
            col(&r, "waiting_since"),
            vec![
                Cell::Empty,
                Cell::Empty,
                Cell::Time(at(12, "11:00")),
                Cell::Empty,
                Cell::Time(at(12, "11:10"))
            ]
        );
        assert_eq!(col(&r, "line")[0], Cell::Text("01 Website".into()));
        assert_eq!(col(&r, "rang")[0], Cell::Text("101 Anna, 102".into()));
        assert_eq!(col(&r, "caller")[3], Cell::Text("no caller ID".into()));
        assert_eq!(col(&r, "ring_secs")[3], Cell::Secs(3));
        assert_eq!(fig(&r, "lost_calls"), Cell::Int(5));
        assert_eq!(fig(&r, "called_back"), Cell::Int(1));
        assert_eq!(fig(&r, "called_back_share"), Cell::Pct(0.25));
        assert_eq!(fig(&r, "median_callback_secs"), Cell::Secs(1800));
        assert_eq!(fig(&r, "longest_callback_secs"), Cell::Secs(1800));
        assert_eq!(fig(&r, "got_through"), Cell::Int(1));
        assert_eq!(fig(&r, "lost_again"), Cell::Int(1));
        assert_eq!(fig(&r, "waiting"), Cell::Int(1));
        assert_eq!(fig(&r, "no_caller_id"), Cell::Int(1));
        assert_eq!(fig(&r, "loaded_until"), Cell::Time(at(12, "11:10")));
        // Both waiting calls were lost less than 24 h before the last call seen.
        assert!(r.notes.iter().any(|n| n.starts_with("2 waiting call(s)")));
        let Some(Chart::Bars { labels, series, .. }) = &r.chart else {
            panic!("no chart")
        };
        assert_eq!(labels, &["Tue 12 Mar"]);
        let values: Vec<f64> = series.iter().map(|s| s.values[0]).collect();
        assert_eq!(values, [1.0, 1.0, 2.0, 1.0]);
    }

    #[test]
    fn several_lost_calls_before_one_callback_are_all_called_back() {
        let calls = vec![
            lost(1, Some("333"), at(12, "10:00"), Some(30)),
            lost(2, Some("333"), at(12, "10:10"), Some(30)),
            dialled(3, "333", at(12, "10:45"), "101", 60),
            lost(4, Some("444"), at(12, "10:00"), Some(30)),
            dialled(5, "444", at(12, "11:00"), "101", 60),
        ];
        let r = report(&calls, &opts(12, 12));
        assert_eq!(col(&r, "state"), text(&["called back"; 3]));
        // Oldest first: 10:00 (333), 10:00 (444), 10:10 (333).
        assert_eq!(
            col(&r, "after_secs"),
            vec![
                Cell::Secs(45 * 60),
                Cell::Secs(60 * 60),
                Cell::Secs(35 * 60)
            ]
        );
        assert_eq!(col(&r, "lost_again")[0], Cell::Int(1));
        assert_eq!(fig(&r, "median_callback_secs"), Cell::Secs(45 * 60));
        assert_eq!(fig(&r, "longest_callback_secs"), Cell::Secs(60 * 60));
        // An even count: the mean of the middle two, rounded down.
        let r = report(&calls[..3], &opts(12, 12));
        assert_eq!(fig(&r, "median_callback_secs"), Cell::Secs(40 * 60));
    }

    #[test]
    fn window_edges_and_calls_before_the_loss() {
        let mut o = opts(12, 12);
        o.callback_window_hours = 2;
        let calls = vec![
            // An outgoing call to the number before the loss is no callback.
            dialled(1, "333", at(12, "09:00"), "101", 60),
            lost(2, Some("333"), at(12, "10:00"), Some(30)),
            lost(3, Some("444"), at(12, "10:00"), Some(30)),
            // Exactly 2 h after the hang-up minute: still within the window.
            dialled(4, "333", at(12, "12:00"), "101", 60),
            // 2 h and 1 minute: too late.
            dialled(5, "444", at(12, "12:01"), "101", 60),
        ];
        let r = report(&calls, &o);
        assert_eq!(col(&r, "state"), text(&["called back", "waiting"]));
        assert_eq!(col(&r, "after_secs")[0], Cell::Secs(7200));
        // The window of the waiting call ended before the last call seen.
        assert!(!r.notes.iter().any(|n| n.contains("waiting call(s)")));
    }

    #[test]
    fn period_edges_midnight_and_callbacks_after_the_period() {
        let calls = vec![
            lost(1, Some("111"), at(11, "23:59"), Some(30)), // the day before: not listed
            // Began 23:59 on the 12th, hung up after midnight: the 12th's.
            {
                let mut c = lost(2, Some("222"), at(12, "23:59"), Some(50));
                c.end = at(13, "00:00");
                c
            },
            lost(3, Some("333"), at(13, "00:01"), Some(30)), // the day after: not listed
            dialled(4, "222", at(13, "08:40"), "101", 60),   // after the period: still counts
            dialled(5, "111", at(13, "08:41"), "101", 60),
        ];
        let r = report(&calls, &opts(12, 12));
        assert_eq!(col(&r, "called_at"), vec![Cell::Time(at(12, "23:59"))]);
        assert_eq!(col(&r, "state"), text(&["called back"]));
        assert_eq!(col(&r, "after_secs"), vec![Cell::Secs(8 * 3600 + 40 * 60)]);
        assert_eq!(col(&r, "reached_at"), vec![Cell::Time(at(13, "08:40"))]);
    }

    #[test]
    fn a_retry_printed_in_the_hang_up_minute_still_counts_and_ring_unknown_is_said() {
        // Pattern B: no ring time; the retry's start (answer moment) lies a little before the
        // minute the lost call was printed in, but it was printed after it.
        let l = lost(1, Some("333"), at(12, "10:03"), None);
        let mut a = answered(2, "333", at(12, "10:02") + Duration::seconds(50), "102");
        a.end = at(12, "10:05");
        let r = report(&[l, a], &opts(12, 12));
        assert_eq!(col(&r, "state"), text(&["got through"]));
        assert_eq!(col(&r, "after_secs"), vec![Cell::Secs(0)]);
        assert_eq!(col(&r, "ring_secs"), vec![Cell::Empty]);
        assert!(r.notes.iter().any(|n| n.contains(RING_UNKNOWN_NOTICE)));
    }

    #[test]
    fn forwarded_outside_counts_as_got_through() {
        let l = lost(1, Some("333"), at(12, "10:00"), Some(30));
        let mut f = answered(2, "333", at(12, "10:10"), "x");
        f.answered_by = None;
        f.forwarded_by = Some("201".into());
        let r = report(&[l, f], &opts(12, 12));
        assert_eq!(col(&r, "reached_by"), text(&["201 (forwarded outside)"]));
    }

    #[test]
    fn empty_and_odd_periods_do_not_panic() {
        let r = report(&[], &opts(12, 14));
        assert!(r.table.rows.is_empty());
        assert_eq!(fig(&r, "lost_calls"), Cell::Int(0));
        assert_eq!(fig(&r, "called_back_share"), Cell::Empty);
        assert_eq!(fig(&r, "median_callback_secs"), Cell::Empty);
        assert_eq!(fig(&r, "loaded_until"), Cell::Empty);
        let Some(Chart::Bars { labels, series, .. }) = &r.chart else {
            panic!()
        };
        assert_eq!(labels.len(), 3);
        assert!(series.iter().all(|s| s.values == [0.0; 3]));
        // Backwards period, a huge period, extreme times and windows.
        let r = report(&[], &opts(14, 12));
        assert!(matches!(&r.chart, Some(Chart::Bars { labels, .. }) if labels.is_empty()));
        let mut o = ReportOptions::new(NaiveDate::MIN, NaiveDate::MAX);
        o.callback_window_hours = u32::MAX;
        let mut far = lost(1, Some("1"), NaiveDateTime::MAX, None);
        far.end = NaiveDateTime::MAX;
        let early = dialled(2, "1", NaiveDateTime::MIN, "101", 5);
        let r = report(&[far, early], &o);
        assert_eq!(col(&r, "state"), text(&["waiting"]));
        assert!(matches!(&r.chart, Some(Chart::Bars { labels, .. }) if labels.len() == 1));
    }
}
