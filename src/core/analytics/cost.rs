//! "What outgoing calls cost, per extension": outgoing calls, how many connected, their talk
//! time and their cost, summed exactly in decimal ([`sum_costs`]).
//!
//! Over the calls that **started** in the period:
//!
//! - **Outgoing**: calls the extension dialled out (a call it placed and transferred to a
//!   colleague counts for it, with both legs' talk time and charges: the printout charges the
//!   trunk, and the calls model sums the legs per call).
//! - **Connected**: talk time above 0 (busy, unanswered and failed attempts print alike).
//! - **Forwarded outside**: incoming calls the extension forwarded to an outside number (a
//!   mobile): the outside leg is an outgoing call and is charged like one.
//! - **Cost**, per call, from one source:
//!   1. the charge the PBX **printed**, when it printed one (also when it is 0);
//!   2. else an **estimate from the tariff table** ([`super::tariff`]) by the longest prefix of
//!      the number dialled (the outside number of a forward) and the call's talk time, in the
//!      configured currency; the table's column "Cost from" names the tariffs used;
//!   3. else none: such calls are counted apart ("Calls without a charge or tariff") and are
//!      not in the costs.
//!
//!   Pattern A prints no charges; with no tariff table either, the report says so and shows
//!   talk time only. The notes say how many calls and how much each source gives.

use std::collections::BTreeMap;

use super::tariff::{price, units_text};
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
    /// Costs of its calls (printed, or estimated from the tariff table), by currency.
    costs: BTreeMap<&'a str, Vec<Cost>>,
    forward_costs: BTreeMap<&'a str, Vec<Cost>>,
    /// Its calls with a printed charge.
    printed: u64,
    /// Its estimates: units of 1/10 000 of the tariff currency, and the tariffs used.
    estimated_units: u128,
    tariffs: BTreeMap<&'a str, u64>,
    /// Its calls with neither a printed charge nor a tariff.
    without_cost: u64,
}

/// A sum per currency; `None` for a currency whose amounts cannot be added.
type Sums = BTreeMap<String, Option<Cost>>;

fn sums(by_currency: &BTreeMap<&str, Vec<Cost>>) -> Sums {
    by_currency
        .iter()
        .map(|(cur, v)| (cur.to_string(), sum_costs(v)))
        .collect()
}

/// Decimals of a decimal text amount.
fn decimals(amount: &str) -> u8 {
    amount
        .split_once('.')
        .map_or(0, |(_, f)| u8::try_from(f.len()).unwrap_or(u8::MAX))
}

/// The cost as a cell: a number with `places` decimals (or the amount's own, if more) when
/// the report has one currency, otherwise text naming each currency; empty when there is none.
fn cost_cell(s: &Sums, single_currency: bool, places: u8) -> Cell {
    if s.is_empty() {
        return Cell::Empty;
    }
    if single_currency {
        return match s.values().next() {
            Some(Some(c)) => c.amount.parse::<f64>().map_or(Cell::Empty, |x| {
                Cell::Num(x, decimals(&c.amount).max(places))
            }),
            _ => Cell::Empty,
        };
    }
    Cell::Text(sums_text(s))
}

/// `0.30 EU; 1.5 USD` (`?` for an amount that cannot be added up).
fn sums_text(s: &Sums) -> String {
    let parts: Vec<String> = s
        .iter()
        .map(|(cur, c)| match c {
            Some(c) => format!("{} {cur}", c.amount).trim_end().to_string(),
            None => format!("? {cur}"),
        })
        .collect();
    parts.join("; ")
}

fn total_of(v: &[Option<Cost>]) -> Option<Cost> {
    let all: Option<Vec<&Cost>> = v.iter().map(Option::as_ref).collect();
    sum_costs(all?)
}

/// An estimate as a printed-like cost in the tariff currency.
fn estimate(units: u128, currency: &str) -> Cost {
    Cost {
        amount: units_text(units),
        currency: currency.to_string(),
    }
}

/// "printed", "tariff: International, Mobile", "printed; tariff: Mobile"; empty for none.
fn source_cell(t: &Tally) -> Cell {
    let mut parts = Vec::new();
    if t.printed > 0 {
        parts.push("printed".to_string());
    }
    if !t.tariffs.is_empty() {
        let names: Vec<&str> = t.tariffs.keys().copied().collect();
        parts.push(format!("tariff: {}", names.join(", ")));
    }
    if parts.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(parts.join("; "))
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn report<'a>(calls: &'a [Call], opts: &'a ReportOptions) -> Report {
    let mut per_ext: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut currencies: BTreeMap<&str, u64> = BTreeMap::new();
    // The printed charges alone, by currency (for the note on sources).
    let mut printed_costs: BTreeMap<&str, Vec<Cost>> = BTreeMap::new();
    let tariff_currency = opts.tariff_currency.as_str();
    let mut priced = 0u64;
    let mut nonzero = 0u64;
    let mut considered = 0u64;
    // Estimates per tariff: calls and units.
    let mut by_tariff: BTreeMap<&str, (u64, u128)> = BTreeMap::new();
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
        // The number the carrier charges: the one dialled, or the forward's outside number.
        let number = if forwarded {
            c.forwarded_to_outside.as_deref()
        } else {
            c.external_number.as_deref()
        };
        let (cost, currency) = match &c.cost {
            Some(cost) => {
                priced += 1;
                t.printed += 1;
                nonzero += u64::from(cost.amount.bytes().any(|b| b.is_ascii_digit() && b != b'0'));
                printed_costs
                    .entry(cost.currency.as_str())
                    .or_default()
                    .push(cost.clone());
                (cost.clone(), cost.currency.as_str())
            }
            None => match number.and_then(|n| price(n, c.talk_secs, &opts.tariffs)) {
                Some(p) => {
                    let units = u128::from(p.units);
                    t.estimated_units += units;
                    *t.tariffs.entry(p.tariff.name.as_str()).or_default() += 1;
                    let e = by_tariff.entry(p.tariff.name.as_str()).or_default();
                    e.0 += 1;
                    e.1 += units;
                    (estimate(units, tariff_currency), tariff_currency)
                }
                None => {
                    t.without_cost += 1;
                    continue;
                }
            },
        };
        *currencies.entry(currency).or_default() += 1;
        let into = if forwarded {
            &mut t.forward_costs
        } else {
            &mut t.costs
        };
        into.entry(currency).or_default().push(cost);
    }
    let estimated: u64 = by_tariff.values().map(|(n, _)| n).sum();
    let estimated_units: u128 = by_tariff.values().map(|(_, u)| u).sum();
    let unpriced = considered - priced - estimated;
    let any_cost = priced + estimated > 0;
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
                all.entry(cur).or_default().extend(v.iter().cloned());
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
    let estimate_sums = |units: u128| -> Sums {
        BTreeMap::from([(
            tariff_currency.to_string(),
            Some(estimate(units, tariff_currency)),
        )])
    };
    // One number of decimals for every amount of the report: the most any sum has (a tariff
    // estimate can have up to four), so that the column reads evenly.
    let places = rows
        .iter()
        .flat_map(|(_, _, all, fwd)| all.values().chain(fwd.values()))
        .flatten()
        .map(|c| decimals(&c.amount))
        .max()
        .unwrap_or(0);
    let mut table_rows = Vec::new();
    let mut labels = Vec::new();
    let mut values = Vec::new();
    for (e, t, all, fwd) in &rows {
        labels.push(ext_label(e));
        values.push(if any_cost {
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
            cost_cell(all, single, places),
            cost_cell(fwd, single, places),
            match &currency {
                Some(c) if !c.is_empty() => Cell::Text(c.clone()),
                _ => Cell::Empty,
            },
            if t.tariffs.is_empty() {
                Cell::Empty
            } else {
                cost_cell(&estimate_sums(t.estimated_units), single, places)
            },
            source_cell(t),
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
            value: cost_cell(&total, single, places),
            note: Some(
                if estimated > 0 {
                    "charges as the PBX printed them and estimates from the tariff table, \
                     forwards included"
                } else {
                    "charges as the PBX printed them, forwards included"
                }
                .into(),
            ),
        },
        Figure {
            key: "forward_cost",
            label: format!("Of which forwards{cur_suffix}"),
            value: cost_cell(&fwd_total, single, places),
            note: None,
        },
        Figure {
            key: "estimated_cost",
            label: format!("Of which estimated from the tariff table{cur_suffix}"),
            value: if estimated == 0 {
                Cell::Empty
            } else {
                cost_cell(&estimate_sums(estimated_units), single, places)
            },
            note: Some("calls the PBX printed no charge for".into()),
        },
        Figure {
            key: "calls_without_cost",
            label: "Calls without a charge or tariff".into(),
            value: Cell::Int(unpriced as i64),
            note: Some("not in the costs".into()),
        },
    ];

    let mut notes = Vec::new();
    let tariff_hint = if opts.tariffs.is_empty() {
        " A tariff table in the configuration ([[tariff]]: price per minute by number prefix) \
         would estimate them."
    } else {
        ""
    };
    if priced == 0 {
        notes.push(format!(
            "The PBX printed no call charges for these calls (Panasonic Pattern A has no cost \
             column; Patterns B and C print one){}",
            if estimated > 0 {
                ": the costs are estimates from the tariff table.".to_string()
            } else if !opts.tariffs.is_empty() && considered > 0 {
                ", and no number matched the tariff table, so only talk time is shown.".to_string()
            } else {
                format!(", so only talk time is shown.{tariff_hint}")
            }
        ));
    } else {
        if priced < considered {
            let rest = if opts.tariffs.is_empty() {
                format!("the costs cover the other {priced}.{tariff_hint}")
            } else {
                format!(
                    "{estimated} estimated from the tariff table, {unpriced} without a tariff \
                     (not in the costs)."
                )
            };
            notes.push(format!(
                "{} of {considered} calls had no charge printed: {rest}",
                considered - priced
            ));
        }
        if nonzero == 0 {
            notes.push(
                "Every printed charge is 0: the PBX's call charging may be off, or all calls \
                 fall in a flat rate. A tariff table prices only calls without a printed \
                 charge, so it does not replace these zeros."
                    .to_string(),
            );
        }
    }
    // Where each total comes from.
    if any_cost {
        let mut from = Vec::new();
        if priced > 0 {
            from.push(format!(
                "printed by the PBX for {} ({})",
                plural(priced, "call", "calls"),
                sums_text(&sums(&printed_costs))
            ));
        }
        if estimated > 0 {
            let each: Vec<String> = by_tariff
                .iter()
                .map(|(name, (n, units))| {
                    format!(
                        "{name}: {}, {}",
                        plural(*n, "call", "calls"),
                        units_text(*units)
                    )
                })
                .collect();
            from.push(format!(
                "estimated from the tariff table for {} without a printed charge ({} {}; {})",
                plural(estimated, "call", "calls"),
                units_text(estimated_units),
                tariff_currency,
                each.join("; ")
            ));
        }
        if unpriced > 0 {
            from.push(format!(
                "{} with neither, not in the costs",
                plural(unpriced, "call", "calls")
            ));
        }
        notes.push(format!("Where the costs come from: {}.", from.join("; ")));
    }
    if estimated > 0 {
        notes.push(
            "A tariff estimate takes the tariff with the longest prefix of the number dialled \
             (the outside number of a forward): its setup price once per connected call plus \
             its price per minute, every billing increment begun charged in full. The carrier's \
             bill may round or rate differently."
                .to_string(),
        );
    }
    if any_cost && !single {
        notes.push(
            "The costs are in more than one currency: each is summed on its own.".to_string(),
        );
        if estimated > 0 && printed_costs.keys().any(|c| *c != tariff_currency) {
            let printed: Vec<&str> = printed_costs.keys().copied().collect();
            notes.push(format!(
                "The PBX prints charges in {} and the tariff table is in {tariff_currency}: if \
                 that is the same money, set [report] currency = \"{}\" to add them up.",
                printed.join(", "),
                printed[0]
            ));
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

    let series_name = if any_cost {
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
            title: if any_cost {
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
        ("estimated_cost", "Of which estimated (tariff)"),
        ("cost_source", "Cost from"),
        ("calls_without_cost", "Calls without a charge or tariff"),
    ]
    .into_iter()
    .map(|(key, label)| Column { key, label })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::super::summary::fixtures::{column as col, fig_cell as fig, march as at};
    use super::*;
    use crate::core::analytics::tariff::Tariff;
    use crate::core::calls::Outcome;
    use chrono::{Duration, NaiveDate, NaiveDateTime};

    fn eu(amount: &str) -> Option<Cost> {
        Some(Cost {
            amount: amount.into(),
            currency: "EU".into(),
        })
    }

    fn out(seq: i64, ext: &str, start: NaiveDateTime, talk: u32, cost: Option<Cost>) -> Call {
        Call {
            end: start + Duration::seconds(i64::from(talk)),
            external_number: Some("0364111222".into()),
            trunk: Some("08".into()),
            extension: Some(ext.into()),
            talk_secs: talk,
            outcome: if talk > 0 {
                Outcome::Answered
            } else {
                Outcome::NotConnected
            },
            cost,
            parts: vec![seq],
            ..Call::new(Direction::Outgoing, start)
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

    fn tariffs() -> Vec<Tariff> {
        let t = |prefix: &str, name: &str, per_minute: u64, setup: u64, billing_secs: u32| Tariff {
            prefix: prefix.into(),
            name: name.into(),
            per_minute,
            setup,
            billing_secs,
        };
        vec![
            t("0", "National", 200, 0, 60),
            t("00", "International", 1200, 500, 60),
            t("0041", "Switzerland", 2500, 0, 30),
            t("3", "Mobile", 195, 1000, 1),
        ]
    }

    fn tariff_opts() -> ReportOptions {
        let mut o = opts();
        o.tariffs = tariffs();
        o.tariff_currency = "EUR".into();
        o
    }

    fn dial(mut c: Call, number: &str) -> Call {
        c.external_number = Some(number.into());
        c
    }

    fn text(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    /// No charge printed except on one call: each cost from the tariff, exact to 1/10000.
    fn tariffed() -> Vec<Call> {
        let eur = Some(Cost {
            amount: "0.50".into(),
            currency: "EUR".into(),
        });
        let mut fw = forwarded(7, "201", at(12, "10:00"), 40, None);
        fw.forwarded_to_outside = Some("3471111111".into());
        vec![
            // 61 s on 60 s billing: two minutes at 0.02.
            dial(out(1, "101", at(12, "09:00"), 61, None), "0364111222"),
            // Setup 0.05 + 3 started minutes at 0.12 = 0.41.
            dial(out(2, "101", at(12, "09:05"), 125, None), "00441234567"),
            // 0041 is longer than 00 and 0: 31 s on 30 s billing = 60 s at 0.25.
            dial(out(3, "101", at(12, "09:10"), 31, None), "0041441234567"),
            // Per second: 0.10 + 0.0195 × 7 / 60 = 0.102275 -> 0.1023.
            dial(out(4, "102", at(12, "09:15"), 7, None), "3331234567"),
            // No prefix matches: counted apart.
            dial(out(5, "102", at(12, "09:20"), 100, None), "80012345"),
            // Not connected: 0, not even the setup.
            dial(out(6, "102", at(12, "09:25"), 0, None), "3331234567"),
            // A forward to a mobile: 0.10 + 0.0195 × 40 / 60 = 0.113.
            fw,
            // Printed: used as printed (the tariff would say 0.02).
            dial(out(8, "201", at(12, "11:00"), 30, eur), "0364111222"),
            // The day after: not counted.
            dial(out(9, "101", at(13, "09:00"), 600, None), "0364111222"),
        ]
    }

    #[test]
    fn tariff_estimates_exactly_where_nothing_was_printed() {
        let r = report(&tariffed(), &tariff_opts());
        assert_eq!(
            col(&r, "extension"),
            vec![text("101"), text("201 Boss"), text("102")]
        );
        // 0.04 + 0.41 + 0.25; 0.50 printed + 0.113 forward; 0.1023 + 0. Every amount with
        // the decimals of the most precise one.
        assert_eq!(
            col(&r, "cost"),
            vec![Cell::Num(0.7, 4), Cell::Num(0.613, 4), Cell::Num(0.1023, 4)]
        );
        assert_eq!(
            col(&r, "estimated_cost"),
            vec![Cell::Num(0.7, 4), Cell::Num(0.113, 4), Cell::Num(0.1023, 4)]
        );
        assert_eq!(
            col(&r, "forward_cost"),
            vec![Cell::Empty, Cell::Num(0.113, 4), Cell::Empty]
        );
        assert_eq!(
            col(&r, "cost_source"),
            vec![
                text("tariff: International, National, Switzerland"),
                text("printed; tariff: Mobile"),
                text("tariff: Mobile"),
            ]
        );
        assert_eq!(
            col(&r, "calls_without_cost"),
            vec![Cell::Int(0), Cell::Int(0), Cell::Int(1)]
        );
        assert_eq!(col(&r, "currency")[0], text("EUR"));
        assert_eq!(fig(&r, "cost"), Cell::Num(1.4153, 4));
        assert_eq!(fig(&r, "estimated_cost"), Cell::Num(0.9153, 4));
        assert_eq!(fig(&r, "forward_cost"), Cell::Num(0.113, 4));
        assert_eq!(fig(&r, "calls_without_cost"), Cell::Int(1));
        assert_eq!(r.figures[5].label, "Cost (EUR)");
        let notes = r.notes.join("\n");
        for want in [
            "7 of 8 calls had no charge printed: 6 estimated from the tariff table, 1 \
             without a tariff (not in the costs).",
            "Where the costs come from: printed by the PBX for 1 call (0.50 EUR); estimated \
             from the tariff table for 6 calls without a printed charge (0.9153 EUR; \
             International: 1 call, 0.41; Mobile: 3 calls, 0.2153; National: 1 call, 0.04; \
             Switzerland: 1 call, 0.25); 1 call with neither, not in the costs.",
            "longest prefix",
        ] {
            assert!(notes.contains(want), "{want:?} not in\n{notes}");
        }
        assert!(!notes.contains("printed no call charges"), "{notes}");
        let Some(Chart::Bars { series, .. }) = &r.chart else {
            panic!()
        };
        assert_eq!(series[0].name, "cost (EUR)");
        assert_eq!(series[0].values, [0.7, 0.613, 0.1023]);
    }

    #[test]
    fn without_any_printed_charge_the_costs_are_estimates() {
        let mut calls = tariffed();
        calls[7].cost = None;
        let r = report(&calls, &tariff_opts());
        // 201: the outgoing call now from the tariff too: 0.02 + 0.113.
        assert_eq!(col(&r, "extension")[1], text("201 Boss"));
        assert_eq!(col(&r, "cost")[1], Cell::Num(0.133, 4));
        assert_eq!(col(&r, "cost_source")[1], text("tariff: Mobile, National"));
        assert_eq!(fig(&r, "estimated_cost"), fig(&r, "cost"));
        assert!(r.notes.iter().any(|n| n.contains("printed no call charges")
            && n.ends_with("the costs are estimates from the tariff table.")));

        // No number matches: talk time only, and said so.
        let mut o = tariff_opts();
        o.tariffs.retain(|t| t.prefix == "0041");
        calls.retain(|c| c.external_number.as_deref() != Some("0041441234567"));
        let r = report(&calls, &o);
        assert!(col(&r, "cost").iter().all(|c| *c == Cell::Empty));
        assert!(col(&r, "cost_source").iter().all(|c| *c == Cell::Empty));
        assert_eq!(fig(&r, "calls_without_cost"), Cell::Int(7));
        assert!(r
            .notes
            .iter()
            .any(|n| n.contains("no number matched the tariff table")));
    }

    #[test]
    fn printed_and_estimated_in_different_currencies_are_summed_apart() {
        let mut o = tariff_opts();
        o.tariff_currency = "EUR".into();
        let mut calls = tariffed();
        calls[7].cost = eu("0.50");
        let r = report(&calls, &o);
        assert_eq!(col(&r, "cost")[1], text("0.50 EU; 0.113 EUR"));
        assert_eq!(col(&r, "currency")[1], Cell::Empty);
        assert_eq!(fig(&r, "cost"), text("0.50 EU; 0.9153 EUR"));
        assert!(r
            .notes
            .iter()
            .any(|n| n.contains("set [report] currency = \"EU\" to add them up")));
        // The same currency: one sum.
        o.tariff_currency = "EU".into();
        let r = report(&calls, &o);
        assert_eq!(fig(&r, "cost"), Cell::Num(1.4153, 4));
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
