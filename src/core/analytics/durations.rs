//! `durations`: how long the conversations are. Answered incoming and connected outgoing calls
//! that started in the period, in three bands of talk time (analytics.md §2, "talk-duration
//! bands"): **short** below `short_call_secs` (40 s by default: a wrong number, "call me
//! later", a caller put off), **long** from `long_call_secs` on, **medium** in between.
//!
//! A call's conversation length is the talk time of all its legs (a transferred call's talk
//! after the transfer too), as the caller lived it. Per extension it counts for the extension
//! that answered it first (outgoing: that dialled it); per line for the trunk it came in or
//! went out on; per DDI when the PBX prints one. Calls forwarded to an outside number count in
//! the totals and per line, but for no extension (nobody in the office talked).

use std::collections::BTreeMap;

use super::operators::ext_order;
use super::{in_period, Cell, Chart, Column, Figure, Report, ReportOptions, Series, Table};
use crate::core::calls::{Call, Outcome};
use crate::core::record::Direction;

pub const NAME: &str = "durations";
pub const TITLE: &str = "Conversation length";
pub const ABOUT: &str =
    "How long conversations last: short, medium and long calls per operator and per line";

/// A conversation longer than this is probably not one (see the note it triggers).
pub const IMPLAUSIBLE_SECS: u32 = 4 * 3600;

#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct Bands {
    calls: u64,
    short: u64,
    medium: u64,
    long: u64,
    talk: u64,
}

impl Bands {
    fn add(&mut self, talk: u32, opts: &ReportOptions) {
        self.calls += 1;
        self.talk += u64::from(talk);
        if talk < opts.short_call_secs {
            self.short += 1;
        } else if talk >= opts.long_call_secs {
            self.long += 1;
        } else {
            self.medium += 1;
        }
    }

    fn share(&self, n: u64) -> Cell {
        if self.calls == 0 {
            Cell::Empty
        } else {
            Cell::Pct(n as f64 / self.calls as f64)
        }
    }

    fn avg_talk(&self) -> Cell {
        if self.calls == 0 {
            Cell::Empty
        } else {
            secs((2 * self.talk + self.calls) / (2 * self.calls))
        }
    }
}

fn int(x: u64) -> Cell {
    Cell::Int(i64::try_from(x).unwrap_or(i64::MAX))
}

fn secs(x: u64) -> Cell {
    Cell::Secs(i64::try_from(x).unwrap_or(i64::MAX))
}

/// What a row groups by, in table order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum By {
    All,
    Extension,
    Line,
    Ddi,
}

impl By {
    fn as_str(self) -> &'static str {
        match self {
            By::All => "all",
            By::Extension => "extension",
            By::Line => "line",
            By::Ddi => "ddi",
        }
    }
}

/// Incoming rows before outgoing ones.
fn dir_order(d: Direction) -> u8 {
    match d {
        Direction::Incoming => 0,
        Direction::Outgoing => 1,
        Direction::Internal => 2,
    }
}

type Key = (By, u8, (bool, u64, String));

pub fn report(calls: &[Call], opts: &ReportOptions) -> Report {
    let mut groups: BTreeMap<Key, Bands> = BTreeMap::new();
    let mut forwarded = 0u64;
    // Conversations longer than `IMPLAUSIBLE_SECS`: (how many, the longest).
    let mut very_long = (0u64, 0u32);
    let mut add = |by: By, dir: Direction, name: &str, talk: u32| {
        groups
            .entry((by, dir_order(dir), ext_order(name)))
            .or_default()
            .add(talk, opts);
    };
    for c in in_period(calls, opts) {
        if c.outcome != Outcome::Answered || c.direction == Direction::Internal {
            continue;
        }
        let who = match c.direction {
            Direction::Incoming => c.answered_by.as_deref(),
            _ => c.extension.as_deref(),
        };
        add(By::All, c.direction, "", c.talk_secs);
        if c.talk_secs > IMPLAUSIBLE_SECS {
            very_long = (very_long.0 + 1, very_long.1.max(c.talk_secs));
        }
        if let Some(e) = who {
            add(By::Extension, c.direction, e, c.talk_secs);
        }
        forwarded += u64::from(c.direction == Direction::Incoming && c.forwarded_by.is_some());
        if let Some(t) = &c.trunk {
            add(By::Line, c.direction, t, c.talk_secs);
        }
        if let Some(d) = &c.ddi {
            add(By::Ddi, c.direction, d, c.talk_secs);
        }
    }
    // The totals are always there, also with no calls.
    for d in [Direction::Incoming, Direction::Outgoing] {
        groups
            .entry((By::All, dir_order(d), ext_order("")))
            .or_default();
    }

    let mut rows = Vec::with_capacity(groups.len());
    let mut labels = Vec::new();
    let (mut s_short, mut s_medium, mut s_long) = (Vec::new(), Vec::new(), Vec::new());
    for ((by, dir, (_, _, name)), b) in &groups {
        let direction = if *dir == 0 { "incoming" } else { "outgoing" };
        let label = match by {
            By::All if *dir == 0 => "All answered incoming".to_string(),
            By::All => "All connected outgoing".to_string(),
            By::Extension => opts.extension_label(name),
            By::Line => opts.line_label(name),
            By::Ddi => opts.ddi_label(name),
        };
        if *by == By::Extension && *dir == 0 {
            labels.push(label.clone());
            s_short.push(b.short as f64);
            s_medium.push(b.medium as f64);
            s_long.push(b.long as f64);
        }
        rows.push(vec![
            Cell::Text(by.as_str().to_string()),
            Cell::Text(label),
            Cell::Text(direction.to_string()),
            int(b.calls),
            int(b.short),
            int(b.medium),
            int(b.long),
            b.share(b.short),
            b.share(b.medium),
            b.share(b.long),
            b.avg_talk(),
            secs(b.talk),
        ]);
    }
    let table = Table {
        columns: vec![
            Column {
                key: "by",
                label: "Grouped by",
            },
            Column {
                key: "name",
                label: "Who or which line",
            },
            Column {
                key: "direction",
                label: "Direction",
            },
            Column {
                key: "calls",
                label: "Conversations",
            },
            Column {
                key: "short",
                label: "Short",
            },
            Column {
                key: "medium",
                label: "Medium",
            },
            Column {
                key: "long",
                label: "Long",
            },
            Column {
                key: "short_share",
                label: "Short %",
            },
            Column {
                key: "medium_share",
                label: "Medium %",
            },
            Column {
                key: "long_share",
                label: "Long %",
            },
            Column {
                key: "avg_talk_secs",
                label: "Average talk",
            },
            Column {
                key: "talk_secs",
                label: "Talk time",
            },
        ],
        rows,
    };
    let chart = (!labels.is_empty()).then(|| Chart::Bars {
        title: "Incoming conversations by length, per extension".into(),
        labels,
        series: vec![
            Series {
                name: "Short".into(),
                values: s_short,
            },
            Series {
                name: "Medium".into(),
                values: s_medium,
            },
            Series {
                name: "Long".into(),
                values: s_long,
            },
        ],
    });

    let (s, l) = (opts.short_call_secs, opts.long_call_secs);
    let total = |d: Direction| {
        groups
            .get(&(By::All, dir_order(d), ext_order("")))
            .copied()
            .unwrap_or_default()
    };
    let mut figures = Vec::new();
    for (d, keys, what) in [
        (
            Direction::Incoming,
            [
                "incoming_answered",
                "incoming_short",
                "incoming_short_share",
                "incoming_long",
                "incoming_long_share",
                "incoming_avg_talk",
            ],
            "answered incoming",
        ),
        (
            Direction::Outgoing,
            [
                "outgoing_connected",
                "outgoing_short",
                "outgoing_short_share",
                "outgoing_long",
                "outgoing_long_share",
                "outgoing_avg_talk",
            ],
            "connected outgoing",
        ),
    ] {
        let b = total(d);
        let cap = |x: &str| {
            let mut c = x.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        };
        let what_cap = cap(what);
        figures.extend([
            Figure {
                key: keys[0],
                label: format!("{what_cap} calls"),
                value: int(b.calls),
                note: None,
            },
            Figure {
                key: keys[1],
                label: format!("{what_cap}, short"),
                value: int(b.short),
                note: Some(format!("talk under {s} s")),
            },
            Figure {
                key: keys[2],
                label: format!("{what_cap}, short %"),
                value: b.share(b.short),
                note: Some(format!("short calls over all {what} calls")),
            },
            Figure {
                key: keys[3],
                label: format!("{what_cap}, long"),
                value: int(b.long),
                note: Some(format!("talk of {l} s or more")),
            },
            Figure {
                key: keys[4],
                label: format!("{what_cap}, long %"),
                value: b.share(b.long),
                note: Some(format!("long calls over all {what} calls")),
            },
            Figure {
                key: keys[5],
                label: format!("{what_cap}, average talk"),
                value: b.avg_talk(),
                note: None,
            },
        ]);
    }

    let mut notes = vec![
        format!("Short: talk under {s} s; long: {l} s or more; medium: in between."),
        "A call's length is the talk time of all its legs, transfers included; it counts for \
         the extension that answered it first (outgoing: that dialled it)."
            .to_string(),
    ];
    if l < s {
        notes.push(format!(
            "The long threshold ({l} s) is below the short one ({s} s): no call is medium."
        ));
    }
    if forwarded > 0 {
        notes.push(format!(
            "{forwarded} call(s) forwarded to an outside number count in the totals and per \
             line, but for no extension."
        ));
    }
    if very_long.0 > 0 {
        let m = very_long.1;
        notes.push(format!(
            "{} conversation(s) lasted more than {} hours (the longest {}:{:02}:{:02}): a line \
             left open or on hold, or a PBX counter at its limit (the real capture has one of \
             11:59'59). They count as printed and weigh heavily on the averages.",
            very_long.0,
            IMPLAUSIBLE_SECS / 3600,
            m / 3600,
            m / 60 % 60,
            m % 60
        ));
    }
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

#[cfg(test)]
mod tests {
    use super::super::summary::fixtures::*;
    use super::*;

    fn opts() -> ReportOptions {
        let mut o = ReportOptions::new(day("2024-03-12"), day("2024-03-12"));
        o.line_names.insert("02".into(), "Website".into());
        o
    }

    /// The rows as (by, name, direction) -> (calls, short, medium, long).
    fn bands(r: &Report) -> Vec<(String, String, String, [i64; 4])> {
        let text = |c: &Cell| match c {
            Cell::Text(s) => s.clone(),
            other => panic!("{other:?}"),
        };
        let int = |c: &Cell| match c {
            Cell::Int(n) => *n,
            other => panic!("{other:?}"),
        };
        r.table
            .rows
            .iter()
            .map(|row| {
                (
                    text(&row[0]),
                    text(&row[1]),
                    text(&row[2]),
                    [int(&row[3]), int(&row[4]), int(&row[5]), int(&row[6])],
                )
            })
            .collect()
    }

    fn on(mut c: Call, trunk: &str) -> Call {
        c.trunk = Some(trunk.into());
        c
    }

    #[test]
    fn bands_at_their_edges_per_extension_and_line() {
        let mut fw = answered("2024-03-12 11:00:00", "201", Some(8), 100);
        fw.answered_by = None;
        fw.forwarded_by = Some("201".into());
        fw.ddi = Some("0364111".into());
        let mut transferred = on(answered("2024-03-12 11:10:00", "102", Some(8), 350), "02");
        transferred.transferred_to = vec!["201".into()];
        let calls = vec![
            answered("2024-03-12 09:00:00", "101", Some(5), 39),
            answered("2024-03-12 09:05:00", "101", Some(5), 40),
            on(answered("2024-03-12 09:10:00", "102", Some(5), 299), "02"),
            on(answered("2024-03-12 09:20:00", "102", Some(5), 300), "02"),
            lost("2024-03-12 09:30:00", &["101"], Some(30)),
            fw,
            transferred,
            outgoing("2024-03-12 10:00:00", "101", 10),
            outgoing("2024-03-12 10:05:00", "101", 0),
            internal("2024-03-12 10:10:00", false),
            // Outside the period.
            answered("2024-03-13 00:00:00", "101", Some(5), 10),
        ];
        let r = report(&calls, &opts());
        let s = |x: &str| x.to_string();
        assert_eq!(
            bands(&r),
            [
                (
                    s("all"),
                    s("All answered incoming"),
                    s("incoming"),
                    [6, 1, 3, 2]
                ),
                (
                    s("all"),
                    s("All connected outgoing"),
                    s("outgoing"),
                    [1, 1, 0, 0]
                ),
                (s("extension"), s("101"), s("incoming"), [2, 1, 1, 0]),
                (s("extension"), s("102"), s("incoming"), [3, 0, 1, 2]),
                (s("extension"), s("101"), s("outgoing"), [1, 1, 0, 0]),
                (s("line"), s("01"), s("incoming"), [3, 1, 2, 0]),
                (s("line"), s("02 Website"), s("incoming"), [3, 0, 1, 2]),
                (s("line"), s("01"), s("outgoing"), [1, 1, 0, 0]),
                (s("ddi"), s("0364111"), s("incoming"), [1, 0, 1, 0]),
            ]
        );
        let all = &r.table.rows[0];
        assert_eq!(all[7], Cell::Pct(1.0 / 6.0));
        assert_eq!(all[9], Cell::Pct(2.0 / 6.0));
        // (39 + 40 + 299 + 300 + 100 + 350) / 6 = 188.
        assert_eq!(all[10], Cell::Secs(188));
        assert_eq!(all[11], Cell::Secs(1128));
        assert_eq!(fig(&r, "incoming_answered"), &Cell::Int(6));
        assert_eq!(fig(&r, "incoming_short"), &Cell::Int(1));
        assert_eq!(fig(&r, "incoming_long_share"), &Cell::Pct(2.0 / 6.0));
        assert_eq!(fig(&r, "outgoing_connected"), &Cell::Int(1));
        assert_eq!(fig(&r, "outgoing_avg_talk"), &Cell::Secs(10));
        assert_eq!(fig_note(&r, "incoming_short"), "talk under 40 s");
        assert!(r.notes.iter().any(|n| n.starts_with("1 call(s) forwarded")));
        assert!(!r.notes.iter().any(|n| n.contains("more than 4 hours")));
        let mut stuck = calls.clone();
        stuck.push(answered("2024-03-12 13:00:00", "101", Some(5), 43_199));
        let stuck = report(&stuck, &opts());
        assert!(stuck
            .notes
            .iter()
            .any(|n| n
                .starts_with("1 conversation(s) lasted more than 4 hours (the longest 11:59:59)")));
        let Some(Chart::Bars { labels, series, .. }) = &r.chart else {
            panic!("{:?}", r.chart)
        };
        assert_eq!(labels, &["101", "102"]);
        assert_eq!(series[0].values, [1.0, 0.0]);
        assert_eq!(series[1].values, [1.0, 1.0]);
        assert_eq!(series[2].values, [0.0, 2.0]);
    }

    #[test]
    fn other_thresholds_and_no_calls() {
        let mut o = opts();
        o.short_call_secs = 100;
        o.long_call_secs = 50;
        let calls = vec![
            answered("2024-03-12 09:00:00", "101", Some(5), 60),
            answered("2024-03-12 09:05:00", "101", Some(5), 100),
        ];
        let r = report(&calls, &o);
        assert_eq!(bands(&r)[0].3, [2, 1, 0, 1]);
        assert!(r.notes.iter().any(|n| n.contains("no call is medium")));

        let r = report(&[], &opts());
        assert_eq!(r.table.rows.len(), 2);
        assert_eq!(bands(&r)[0].3, [0, 0, 0, 0]);
        assert_eq!(r.table.rows[0][7], Cell::Empty);
        assert_eq!(fig(&r, "incoming_short_share"), &Cell::Empty);
        assert_eq!(fig(&r, "incoming_avg_talk"), &Cell::Empty);
        assert!(r.chart.is_none());
    }
}
