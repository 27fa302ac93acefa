//! "What outgoing calls cost, per extension": outgoing calls, how many connected, their talk
//! time and the charges the PBX printed, summed exactly in decimal ([`sum_costs`]).
//!
//! Over the calls that **started** in the period:
//!
//! - **Outgoing**: calls the extension dialled out (a call it placed and transferred to a
//!   colleague counts for it, with both legs' talk time and charges: the printout charges the
//!   trunk, and the calls model sums the legs per call).
//! - **Connected**: talk time above 0 (busy, unanswered and failed attempts print alike).
//! - **Forwarded outside**: incoming calls the extension forwarded to an outside number (a
//!   mobile): the outside leg is an outgoing call and is charged like one.
//! - **Cost**: the sum of the printed charges of those calls. Pattern A prints none; when no
//!   call prints one, the report says so and shows talk time only. A tariff table in the
//!   configuration (cost from the number dialled and the talk time) is a later step.

use std::collections::BTreeMap;

use super::{Cell, Chart, Column, Figure, Report, ReportOptions, Series, Table};
use crate::core::calls::{sum_costs, Call};
use crate::core::record::{Cost, Direction};

pub const NAME: &str = "cost";
pub const TITLE: &str = "Outgoing calls and their cost";
pub const ABOUT: &str = "What outgoing calls cost, per extension";

#[derive(Debug, Default)]
struct Tally<'a> {
    outgoing: u64,
    connected: u64,
    talk_secs: u64,
    forwarded: u64,
    forwarded_talk_secs: u64,
    /// Charges of its calls that printed one, by currency.
    costs: BTreeMap<&'a str, Vec<&'a Cost>>,
    forward_costs: BTreeMap<&'a str, Vec<&'a Cost>>,
    /// Its calls without a printed charge.
    without_cost: u64,
}

/// A sum per currency; `None` for a currency whose amounts cannot be added.
type Sums = BTreeMap<String, Option<Cost>>;

fn sums(by_currency: &BTreeMap<&str, Vec<&Cost>>) -> Sums {
    by_currency
        .iter()
        .map(|(cur, v)| (cur.to_string(), sum_costs(v.iter().copied())))
        .collect()
}

/// Decimals of a decimal text amount.
fn decimals(amount: &str) -> u8 {
    amount
        .split_once('.')
        .map_or(0, |(_, f)| u8::try_from(f.len()).unwrap_or(u8::MAX))
}

/// The cost as a cell: a number when the report has one currency, otherwise text naming each
/// currency; empty when nothing was printed.
fn cost_cell(s: &Sums, single_currency: bool) -> Cell {
    if s.is_empty() {
        return Cell::Empty;
    }
    if single_currency {
        return match s.values().next() {
            Some(Some(c)) => c
                .amount
                .parse::<f64>()
                .map_or(Cell::Empty, |x| Cell::Num(x, decimals(&c.amount))),
            _ => Cell::Empty,
        };
    }
    let parts: Vec<String> = s
        .iter()
        .map(|(cur, c)| match c {
            Some(c) => format!("{} {cur}", c.amount).trim_end().to_string(),
            None => format!("? {cur}"),
        })
        .collect();
    Cell::Text(parts.join("; "))
}

fn total_of(v: &[Option<Cost>]) -> Option<Cost> {
    let all: Option<Vec<&Cost>> = v.iter().map(Option::as_ref).collect();
    sum_costs(all?)
}

pub fn report(calls: &[Call], opts: &ReportOptions) -> Report {
    let mut per_ext: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut currencies: BTreeMap<&str, u64> = BTreeMap::new();
    let mut priced = 0u64;
    let mut nonzero = 0u64;
    let mut considered = 0u64;
    for c in super::in_period(calls, opts) {
        let (ext, forwarded) = match (c.direction, &c.extension, &c.forwarded_by) {
            (Direction::Outgoing, Some(e), _) => (e.as_str(), false),
            (Direction::Outgoing, None, _) => ("", false),
            (Direction::Incoming, _, Some(e)) => (e.as_str(), true),
            _ => continue,
        };
        considered += 1;
        let t = per_ext.entry(ext).or_default();
        if forwarded {
            t.forwarded += 1;
            t.forwarded_talk_secs += u64::from(c.talk_secs);
        } else {
            t.outgoing += 1;
            t.connected += u64::from(c.talk_secs > 0);
            t.talk_secs += u64::from(c.talk_secs);
        }
        match &c.cost {
            Some(cost) => {
                priced += 1;
                nonzero += u64::from(cost.amount.bytes().any(|b| b.is_ascii_digit() && b != b'0'));
                *currencies.entry(cost.currency.as_str()).or_default() += 1;
                let into = if forwarded {
                    &mut t.forward_costs
                } else {
                    &mut t.costs
                };
                into.entry(cost.currency.as_str()).or_default().push(cost);
            }
            None => t.without_cost += 1,
        }
    }
    let single = currencies.len() == 1;
    let currency = if single {
        currencies.keys().next().map(|c| c.to_string())
    } else {
        None
    };

    // Rows: the largest cost first (talk time when nothing is priced), then by extension.
    let mut rows: Vec<(&str, &Tally, Sums, Sums)> = per_ext
        .iter()
        .map(|(e, t)| {
            let mut all = t.costs.clone();
            for (cur, v) in &t.forward_costs {
                all.entry(cur).or_default().extend(v.iter().copied());
            }
            (*e, t, sums(&all), sums(&t.forward_costs))
        })
        .collect();
    let amount_of = |s: &Sums| -> f64 {
        s.values()
            .flatten()
            .filter_map(|c| c.amount.parse::<f64>().ok())
            .sum()
    };
    rows.sort_by(|a, b| {
        amount_of(&b.2)
            .total_cmp(&amount_of(&a.2))
            .then(
                (b.1.talk_secs + b.1.forwarded_talk_secs)
                    .cmp(&(a.1.talk_secs + a.1.forwarded_talk_secs)),
            )
            .then(a.0.cmp(b.0))
    });

    let ext_label = |e: &str| {
        if e.is_empty() {
            "no extension printed".to_string()
        } else {
            opts.extension_label(e)
        }
    };
    let mut table_rows = Vec::new();
    let mut labels = Vec::new();
    let mut values = Vec::new();
    for (e, t, all, fwd) in &rows {
        labels.push(ext_label(e));
        values.push(if priced > 0 {
            amount_of(all)
        } else {
            (t.talk_secs + t.forwarded_talk_secs) as f64 / 60.0
        });
        table_rows.push(vec![
            Cell::Text(ext_label(e)),
            Cell::Int(t.outgoing as i64),
            Cell::Int(t.connected as i64),
            Cell::Secs(t.talk_secs as i64),
            Cell::Int(t.forwarded as i64),
            Cell::Secs(t.forwarded_talk_secs as i64),
            cost_cell(all, single),
            cost_cell(fwd, single),
            match &currency {
                Some(c) if !c.is_empty() => Cell::Text(c.clone()),
                _ => Cell::Empty,
            },
            Cell::Int(t.without_cost as i64),
        ]);
    }

    // Totals over all extensions.
    let mut totals: BTreeMap<&str, Vec<Option<Cost>>> = BTreeMap::new();
    let mut fwd_totals: BTreeMap<&str, Vec<Option<Cost>>> = BTreeMap::new();
    for (_, _, all, fwd) in &rows {
        for (cur, s) in all {
            totals.entry(cur).or_default().push(s.clone());
        }
        for (cur, s) in fwd {
            fwd_totals.entry(cur).or_default().push(s.clone());
        }
    }
    let total_sums = |m: &BTreeMap<&str, Vec<Option<Cost>>>| -> Sums {
        m.iter()
            .map(|(cur, v)| (cur.to_string(), total_of(v)))
            .collect()
    };
    let (total, fwd_total) = (total_sums(&totals), total_sums(&fwd_totals));
    let outgoing: u64 = per_ext.values().map(|t| t.outgoing).sum();
    let connected: u64 = per_ext.values().map(|t| t.connected).sum();
    let talk: u64 = per_ext.values().map(|t| t.talk_secs).sum();
    let forwarded: u64 = per_ext.values().map(|t| t.forwarded).sum();
    let cur_suffix = currency
        .as_deref()
        .filter(|c| !c.is_empty())
        .map_or(String::new(), |c| format!(" ({c})"));
    let figures = vec![
        Figure {
            key: "outgoing",
            label: "Outgoing calls".into(),
            value: Cell::Int(outgoing as i64),
            note: None,
        },
        Figure {
            key: "connected",
            label: "Connected".into(),
            value: Cell::Int(connected as i64),
            note: Some("talk time above 0".into()),
        },
        Figure {
            key: "connected_share",
            label: "Connected, share".into(),
            value: if outgoing == 0 {
                Cell::Empty
            } else {
                Cell::Pct(connected as f64 / outgoing as f64)
            },
            note: Some("connected / outgoing".into()),
        },
        Figure {
            key: "talk_secs",
            label: "Talk time, outgoing".into(),
            value: Cell::Secs(talk as i64),
            note: None,
        },
        Figure {
            key: "forwarded_outside",
            label: "Forwarded to outside numbers".into(),
            value: Cell::Int(forwarded as i64),
            note: Some("incoming calls an extension forwarded to a mobile or other number".into()),
        },
        Figure {
            key: "cost",
            label: format!("Cost{cur_suffix}"),
            value: cost_cell(&total, single),
            note: Some("charges as the PBX printed them, forwards included".into()),
        },
        Figure {
            key: "forward_cost",
            label: format!("Of which forwards{cur_suffix}"),
            value: cost_cell(&fwd_total, single),
            note: None,
        },
    ];

    let mut notes = Vec::new();
    if priced == 0 {
        notes.push(
            "The PBX printed no call charges for these calls (Panasonic Pattern A has no cost \
             column; Patterns B and C print one), so only talk time is shown. Costs from a \
             tariff table in the configuration are a later step."
                .to_string(),
        );
    } else {
        if priced < considered {
            notes.push(format!(
                "{} of {considered} calls had no charge printed: the costs cover the other {priced}.",
                considered - priced
            ));
        }
        if nonzero == 0 {
            notes.push(
                "Every printed charge is 0: the PBX's call charging may be off, or all calls \
                 fall in a flat rate. A tariff table in the configuration is a later step."
                    .to_string(),
            );
        }
        if !single {
            notes.push(
                "The PBX printed charges in more than one currency: each is summed on its own."
                    .to_string(),
            );
        }
    }
    notes.push(
        "A call an extension placed and transferred to a colleague counts for the extension \
         that dialled it, with both legs' talk time and charges."
            .to_string(),
    );
    notes.push(
        "Connected means talk time above 0: the PBX prints busy, unanswered and failed \
         attempts alike."
            .to_string(),
    );

    let series_name = if priced > 0 {
        format!("cost{cur_suffix}")
    } else {
        "talk time, minutes".to_string()
    };
    Report {
        name: NAME,
        title: TITLE,
        from: opts.from,
        to: opts.to,
        figures,
        table: Table {
            columns: columns(),
            rows: table_rows,
        },
        chart: Some(Chart::Bars {
            title: if priced > 0 {
                "Cost per extension".into()
            } else {
                "Talk time per extension (no charges printed)".into()
            },
            labels,
            series: vec![Series {
                name: series_name,
                values,
            }],
        }),
        notes,
    }
}

fn columns() -> Vec<Column> {
    [
        ("extension", "Extension"),
        ("outgoing", "Outgoing calls"),
        ("connected", "Connected"),
        ("talk_secs", "Talk time"),
        ("forwarded_outside", "Forwarded outside"),
        ("forwarded_talk_secs", "Forwarded talk time"),
        ("cost", "Cost"),
        ("forward_cost", "Of which forwards"),
        ("currency", "Currency"),
        ("calls_without_cost", "Calls without a charge printed"),
    ]
    .into_iter()
    .map(|(key, label)| Column { key, label })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::calls::{Estimates, Outcome};
    use chrono::{Duration, NaiveDate, NaiveDateTime};

    fn at(day: u32, hm: &str) -> NaiveDateTime {
        let (h, m) = hm.split_once(':').unwrap();
        NaiveDate::from_ymd_opt(2024, 3, day)
            .unwrap()
            .and_hms_opt(h.parse().unwrap(), m.parse().unwrap(), 0)
            .unwrap()
    }

    fn eu(amount: &str) -> Option<Cost> {
        Some(Cost {
            amount: amount.into(),
            currency: "EU".into(),
        })
    }

    fn out(seq: i64, ext: &str, start: NaiveDateTime, talk: u32, cost: Option<Cost>) -> Call {
        Call {
            direction: Direction::Outgoing,
            start,
            end: start + Duration::seconds(i64::from(talk)),
            estimated: Estimates::default(),
            external_number: Some("0364111222".into()),
            caller_name: None,
            trunk: Some("08".into()),
            ddi: None,
            extension: Some(ext.into()),
            called_extension: None,
            answered_by: None,
            rang: Vec::new(),
            ring_secs: None,
            talk_secs: talk,
            outcome: if talk > 0 {
                Outcome::Answered
            } else {
                Outcome::NotConnected
            },
            transferred_to: Vec::new(),
            forwarded_to_outside: None,
            forwarded_by: None,
            cost,
            parts: vec![seq],
            consultations: Vec::new(),
            consultation_for: None,
            notes: Vec::new(),
        }
    }

    fn forwarded(seq: i64, by: &str, start: NaiveDateTime, talk: u32, cost: Option<Cost>) -> Call {
        let mut c = out(seq, by, start, talk, cost);
        c.direction = Direction::Incoming;
        c.extension = None;
        c.forwarded_by = Some(by.into());
        c.forwarded_to_outside = Some("3331234567".into());
        c.outcome = Outcome::Answered;
        c
    }

    fn opts() -> ReportOptions {
        let d = NaiveDate::from_ymd_opt(2024, 3, 12).unwrap();
        let mut o = ReportOptions::new(d, d);
        o.extension_names.insert("201".into(), "Boss".into());
        o
    }

    fn col(r: &Report, key: &str) -> Vec<Cell> {
        let k = r.table.columns.iter().position(|c| c.key == key).unwrap();
        r.table.rows.iter().map(|row| row[k].clone()).collect()
    }

    fn fig(r: &Report, key: &str) -> Cell {
        r.figures
            .iter()
            .find(|f| f.key == key)
            .unwrap()
            .value
            .clone()
    }

    fn sample() -> Vec<Call> {
        vec![
            out(1, "101", at(11, "23:59"), 600, eu("9.99")), // the day before
            out(2, "101", at(12, "09:00"), 65, eu("0.10")),
            out(3, "101", at(12, "09:10"), 0, eu("0.00")),
            out(4, "102", at(12, "09:20"), 130, eu("0.20")),
            out(5, "101", at(12, "23:59"), 30, eu("0.20")),
            out(6, "102", at(13, "00:00"), 30, eu("5.00")), // the day after
            forwarded(7, "201", at(12, "10:00"), 200, eu("0.41")),
            out(8, "201", at(12, "11:00"), 20, eu("0.05")),
        ]
    }

    #[test]
    fn per_extension_sums_exactly_largest_first() {
        let r = report(&sample(), &opts());
        assert_eq!(
            col(&r, "extension"),
            ["201 Boss", "101", "102"]
                .map(|s| Cell::Text(s.into()))
                .to_vec()
        );
        assert_eq!(
            col(&r, "outgoing"),
            vec![Cell::Int(1), Cell::Int(3), Cell::Int(1)]
        );
        assert_eq!(
            col(&r, "connected"),
            vec![Cell::Int(1), Cell::Int(2), Cell::Int(1)]
        );
        assert_eq!(
            col(&r, "talk_secs"),
            vec![Cell::Secs(20), Cell::Secs(95), Cell::Secs(130)]
        );
        assert_eq!(
            col(&r, "forwarded_outside"),
            vec![Cell::Int(1), Cell::Int(0), Cell::Int(0)]
        );
        assert_eq!(col(&r, "forwarded_talk_secs")[0], Cell::Secs(200));
        // 0.41 + 0.05; 0.10 + 0.00 + 0.20; 0.20.
        assert_eq!(
            col(&r, "cost"),
            vec![Cell::Num(0.46, 2), Cell::Num(0.3, 2), Cell::Num(0.2, 2)]
        );
        assert_eq!(
            col(&r, "forward_cost"),
            vec![Cell::Num(0.41, 2), Cell::Empty, Cell::Empty]
        );
        assert_eq!(col(&r, "currency")[0], Cell::Text("EU".into()));
        assert_eq!(fig(&r, "outgoing"), Cell::Int(5));
        assert_eq!(fig(&r, "connected"), Cell::Int(4));
        assert_eq!(fig(&r, "connected_share"), Cell::Pct(0.8));
        assert_eq!(fig(&r, "talk_secs"), Cell::Secs(245));
        assert_eq!(fig(&r, "forwarded_outside"), Cell::Int(1));
        assert_eq!(fig(&r, "cost"), Cell::Num(0.96, 2));
        assert_eq!(fig(&r, "forward_cost"), Cell::Num(0.41, 2));
        assert_eq!(r.figures[5].label, "Cost (EU)");
        let Some(Chart::Bars { labels, series, .. }) = &r.chart else {
            panic!()
        };
        assert_eq!(labels, &["201 Boss", "101", "102"]);
        assert_eq!(series[0].name, "cost (EU)");
        assert_eq!(series[0].values, [0.46, 0.3, 0.2]);
        assert!(!r
            .notes
            .iter()
            .any(|n| n.contains("printed no call charges")));
    }

    #[test]
    fn no_cost_printed_shows_talk_time_and_says_so() {
        let mut calls = sample();
        for c in &mut calls {
            c.cost = None;
        }
        let r = report(&calls, &opts());
        assert!(col(&r, "cost").iter().all(|c| *c == Cell::Empty));
        assert_eq!(fig(&r, "cost"), Cell::Empty);
        assert_eq!(r.figures[5].label, "Cost");
        assert!(r
            .notes
            .iter()
            .any(|n| n.contains("printed no call charges") && n.contains("tariff table")));
        // Ordered by talk time: 102 130 s, 101 95 s, 201 20 + 200 s.
        assert_eq!(col(&r, "extension")[0], Cell::Text("201 Boss".into()));
        let Some(Chart::Bars { series, .. }) = &r.chart else {
            panic!()
        };
        assert_eq!(series[0].name, "talk time, minutes");
        assert_eq!(series[0].values[1], 130.0 / 60.0);
        assert_eq!(col(&r, "calls_without_cost")[1], Cell::Int(1));
    }

    #[test]
    fn partial_zero_and_mixed_charges_are_said() {
        let mut calls = sample();
        calls[3].cost = None;
        let r = report(&calls, &opts());
        assert!(r
            .notes
            .iter()
            .any(|n| n.starts_with("1 of 6 calls had no charge printed")));
        assert_eq!(col(&r, "cost")[2], Cell::Empty);
        for c in &mut calls {
            c.cost = eu("00.00");
        }
        let r = report(&calls, &opts());
        assert!(r
            .notes
            .iter()
            .any(|n| n.contains("Every printed charge is 0")));
        calls[1].cost = Some(Cost {
            amount: "1.5".into(),
            currency: "USD".into(),
        });
        let r = report(&calls, &opts());
        assert_eq!(col(&r, "cost")[0], Cell::Text("0.00 EU; 1.5 USD".into()));
        assert!(r.notes.iter().any(|n| n.contains("more than one currency")));
        assert_eq!(r.figures[5].label, "Cost");
    }

    #[test]
    fn empty_period() {
        let r = report(&[], &opts());
        assert!(r.table.rows.is_empty());
        assert_eq!(fig(&r, "outgoing"), Cell::Int(0));
        assert_eq!(fig(&r, "connected_share"), Cell::Empty);
        assert_eq!(fig(&r, "cost"), Cell::Empty);
    }
}
