//! The `cost` report against the generator's truth: generated days (Patterns A, B and C;
//! weekday, Saturday; several seeds) are printed, read back by the real Panasonic parser,
//! grouped and reported; every row and figure is compared with the same sums made here from
//! `officeday::truth` and the generator's own fields (its call ids, extensions, talk seconds
//! and the charge in cents it printed on each line), not from the report's code.
//!
//! Pattern A prints no cost column: the report must then show no cost and say so. Patterns B
//! and C print `EU00000.00` / `EUR00000.00` on every line; the sums must be exact to the cent.
//! The only allowance is for forwarded calls the generator marks `Ambiguity` (calls.rs "cannot
//! tell"): a row with one is compared within that many calls and its cost is not compared.
//!
//! With a tariff table, Pattern A days must show, per extension, the estimate worked out here
//! from the truth's numbers and talk times (longest prefix, increments, setup) to the
//! ten-thousandth, and Patterns B and C must keep the printed charges untouched.

mod truth_days;

use std::collections::BTreeMap;

use smdrbox::core::analytics::{cost, Cell, Chart, ReportOptions};
use smdrbox::core::officeday::Layout;
use smdrbox::core::record::Direction;
use truth_days::cells::{assert_no_fails, col, fig};
use truth_days::{date, Loaded};

#[derive(Debug, Default)]
struct Row {
    outgoing: i64,
    connected: i64,
    talk: i64,
    forwarded: i64,
    forwarded_talk: i64,
    cents: i64,
    forward_cents: i64,
    allowance: i64,
}

fn int(c: &Cell) -> i64 {
    match c {
        Cell::Int(n) => *n,
        Cell::Secs(n) => *n,
        other => panic!("not a count: {other:?}"),
    }
}

/// A cost cell in cents (`None` when empty).
fn cents(c: &Cell) -> Option<i64> {
    match c {
        Cell::Num(x, 2) => Some((x * 100.0).round() as i64),
        Cell::Empty => None,
        other => panic!("not a cost: {other:?}"),
    }
}

#[derive(Debug, Default)]
struct Stats {
    runs: usize,
    rows: usize,
    rows_exact: usize,
    priced_rows: usize,
    cents: i64,
    forwards: i64,
    transferred: usize,
}

fn check(l: &Loaded, period: (usize, usize), st: &mut Stats) -> Vec<String> {
    let (from, to) = (l.days[period.0], l.days[period.1]);
    let tag = format!("{} period {from}..{to}", l.tag());
    let opts = ReportOptions::new(from, to);
    let r = cost::report(&l.calls, &opts);
    let mut fails = Vec::new();
    let priced = l.layout != Layout::A;
    let line_cents = |lines: &[i64]| -> i64 {
        lines
            .iter()
            .map(|&i| i64::from(l.gen[i as usize].fields.cost_cents.unwrap_or(0)))
            .sum()
    };

    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    for t in l
        .truth
        .iter()
        .filter(|t| (period.0..=period.1).contains(&t.day))
    {
        match (t.t.direction, &t.t.forwarded_by) {
            (Direction::Outgoing, _) => {
                let row = rows.entry(t.t.extension.clone()).or_default();
                row.outgoing += 1;
                row.connected += i64::from(t.t.talk_secs > 0);
                row.talk += i64::from(t.t.talk_secs);
                row.cents += line_cents(&t.lines);
                row.allowance += i64::from(t.t.ambiguity.is_some());
                st.transferred += usize::from(!t.t.transferred_to.is_empty());
            }
            (Direction::Incoming, Some(by)) => {
                let row = rows.entry(by.clone()).or_default();
                row.forwarded += 1;
                row.forwarded_talk += i64::from(t.t.talk_secs);
                let c = line_cents(&t.lines);
                row.cents += c;
                row.forward_cents += c;
                row.allowance += i64::from(t.t.ambiguity.is_some());
                st.forwards += 1;
            }
            _ => {}
        }
    }

    let got: BTreeMap<String, &Vec<Cell>> = r
        .table
        .rows
        .iter()
        .map(|row| match &row[col(&r, "extension")] {
            Cell::Text(e) => (e.clone(), row),
            other => panic!("extension {other:?}"),
        })
        .collect();
    let (gk, wk): (Vec<&String>, Vec<&String>) = (got.keys().collect(), rows.keys().collect());
    if gk != wk {
        fails.push(format!("{tag}: extensions {gk:?}, truth {wk:?}"));
        return fails;
    }
    for (ext, w) in &rows {
        let g = got[ext];
        st.rows += 1;
        let mut bad = Vec::new();
        for (key, want) in [
            ("outgoing", w.outgoing),
            ("connected", w.connected),
            ("talk_secs", w.talk),
            ("forwarded_outside", w.forwarded),
            ("forwarded_talk_secs", w.forwarded_talk),
        ] {
            let v = int(&g[col(&r, key)]);
            // A marked forward may be read together with another call: its talk time with it.
            let slack = if key.ends_with("talk_secs") {
                w.allowance * 3600
            } else {
                w.allowance
            };
            if (v - want).abs() > slack {
                bad.push(format!("{key} {v}, truth {want}"));
            }
        }
        let (c, fc) = (
            cents(&g[col(&r, "cost")]),
            cents(&g[col(&r, "forward_cost")]),
        );
        if !priced {
            if c.is_some() || fc.is_some() {
                bad.push(format!("cost {c:?} / {fc:?} without a cost column"));
            }
        } else if w.allowance == 0 {
            st.rows_exact += 1;
            st.priced_rows += 1;
            st.cents += w.cents;
            if c != Some(w.cents) {
                bad.push(format!("cost {c:?} cents, truth {}", w.cents));
            }
            // Forward cost is shown where the extension forwarded.
            let want_fc = (w.forwarded > 0).then_some(w.forward_cents);
            if fc != want_fc {
                bad.push(format!("forward cost {fc:?} cents, truth {want_fc:?}"));
            }
            let cur = if l.layout == Layout::C { "EUR" } else { "EU" };
            if g[col(&r, "currency")] != Cell::Text(cur.into()) {
                bad.push(format!("currency {:?}", g[col(&r, "currency")]));
            }
        }
        if !priced && w.allowance == 0 {
            st.rows_exact += 1;
        }
        if int(&g[col(&r, "calls_without_cost")])
            != if priced { 0 } else { w.outgoing + w.forwarded }
        {
            bad.push(format!(
                "calls without cost {:?}",
                g[col(&r, "calls_without_cost")]
            ));
        }
        if !bad.is_empty() {
            fails.push(format!("{tag}: extension {ext}: {}", bad.join("; ")));
        }
    }

    // Figures and notes.
    let sum = |f: fn(&Row) -> i64| rows.values().map(f).sum::<i64>();
    let allowance = sum(|w| w.allowance);
    for (key, want) in [
        ("outgoing", sum(|w| w.outgoing)),
        ("connected", sum(|w| w.connected)),
        ("talk_secs", sum(|w| w.talk)),
        ("forwarded_outside", sum(|w| w.forwarded)),
    ] {
        let v = int(fig(&r, key));
        if (v - want).abs() > allowance * if key == "talk_secs" { 3600 } else { 1 } {
            fails.push(format!("{tag}: figure {key} {v}, truth {want}"));
        }
    }
    let total = cents(fig(&r, "cost"));
    let want_total = (priced && !rows.is_empty()).then(|| sum(|w| w.cents));
    if allowance == 0 && total != want_total {
        fails.push(format!(
            "{tag}: figure cost {total:?}, truth {want_total:?}"
        ));
    }
    let says_none = r
        .notes
        .iter()
        .any(|n| n.contains("printed no call charges"));
    if says_none == priced && !rows.is_empty() {
        fails.push(format!(
            "{tag}: 'no charges' note {says_none} with a cost column {priced}"
        ));
    }
    let Some(Chart::Bars { series, labels, .. }) = &r.chart else {
        fails.push(format!("{tag}: no chart"));
        return fails;
    };
    if labels.len() != rows.len() || series.len() != 1 {
        fails.push(format!("{tag}: chart {labels:?}"));
    }
    st.runs += 1;
    fails
}

#[test]
fn costs_match_the_generators_truth() {
    let mut st = Stats::default();
    let mut fails = Vec::new();
    for first in [date(2024, 3, 12), date(2024, 3, 16)] {
        for seed in 1..=10u64 {
            for layout in [Layout::A, Layout::B, Layout::C] {
                let l = Loaded::days(first, 2, seed, layout);
                for period in [(0, 0), (1, 1), (0, 1)] {
                    fails.extend(check(&l, period, &mut st));
                }
            }
        }
    }
    println!(
        "cost vs truth: {} runs, {} extension rows, {} compared exactly ({} with costs, {} cents \
         in all), {} forwards, {} transferred outgoing calls",
        st.runs, st.rows, st.rows_exact, st.priced_rows, st.cents, st.forwards, st.transferred
    );
    assert_no_fails(&fails, 30);
    assert!(st.rows_exact * 20 > st.rows * 19, "{st:?}");
    assert!(
        st.priced_rows > 200 && st.cents > 10_000 && st.forwards > 20 && st.transferred > 10,
        "{st:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// The tariff table: Pattern A prints no charges, so every call is priced from the table; the
// same prices are worked out here from the truth's numbers and talk times.

/// (prefix, name, per minute and setup in 1/10000, billing increment)
const TABLE: &[(&str, &str, u64, u64, u32)] = &[
    ("0", "National", 200, 0, 60),
    ("00", "International", 1200, 500, 60),
    ("0041", "Switzerland", 2500, 0, 30),
    ("3", "Mobile", 195, 1000, 1),
];

fn tariff_options(from: chrono::NaiveDate, to: chrono::NaiveDate) -> ReportOptions {
    let mut o = ReportOptions::new(from, to);
    o.tariff_currency = "EUR".into();
    o.tariffs = TABLE
        .iter()
        .map(|&(prefix, name, per_minute, setup, billing_secs)| {
            smdrbox::core::analytics::tariff::Tariff {
                prefix: prefix.into(),
                name: name.into(),
                per_minute,
                setup,
                billing_secs,
            }
        })
        .collect();
    o
}

/// The price of one call in 1/10000, and the tariff's name: the entry with the most digits in
/// common with the number's start; `None` when no entry is a prefix of it.
fn truth_price(number: &str, talk: u32) -> Option<(i64, &'static str)> {
    let mut fits: Vec<&(&str, &str, u64, u64, u32)> =
        TABLE.iter().filter(|t| number.starts_with(t.0)).collect();
    fits.sort_by_key(|t| std::cmp::Reverse(t.0.len()));
    let &&(_, name, per_minute, setup, inc) = fits.first()?;
    if talk == 0 {
        return Some((0, name));
    }
    let billed = (i64::from(talk) + i64::from(inc) - 1) / i64::from(inc) * i64::from(inc);
    // per_minute × billed / 60 to the nearest 1/10000, halves up.
    let exact_x60 = per_minute as i64 * billed;
    let rounded = exact_x60 / 60 + i64::from(exact_x60 % 60 >= 30);
    Some((setup as i64 + rounded, name))
}

/// A cost cell in 1/10000.
fn units(c: &Cell) -> Option<i64> {
    match c {
        Cell::Num(x, _) => Some((x * 10_000.0).round() as i64),
        Cell::Empty => None,
        other => panic!("not a cost: {other:?}"),
    }
}

#[test]
fn tariff_costs_match_the_truth_where_nothing_is_printed() {
    let (mut rows_exact, mut tariffs_used, mut unpriced, mut total) = (0, 0, 0, 0i64);
    let mut fails = Vec::new();
    for first in [date(2024, 3, 12), date(2024, 3, 16)] {
        for seed in 1..=10u64 {
            let l = Loaded::days(first, 2, seed, Layout::A);
            let (from, to) = (l.days[0], l.days[1]);
            let r = cost::report(&l.calls, &tariff_options(from, to));
            // Per extension from the truth: units, names, calls without a tariff, allowance.
            let mut want: BTreeMap<String, (i64, Vec<&str>, i64, i64)> = BTreeMap::new();
            for t in &l.truth {
                let (ext, number) = match (t.t.direction, &t.t.forwarded_by) {
                    (Direction::Outgoing, _) => (&t.t.extension, t.t.number.as_deref()),
                    (Direction::Incoming, Some(by)) => (by, t.t.forwarded_to.as_deref()),
                    _ => continue,
                };
                let w = want.entry(ext.clone()).or_default();
                w.3 += i64::from(t.t.ambiguity.is_some());
                match number.and_then(|n| truth_price(n, t.t.talk_secs)) {
                    Some((u, name)) => {
                        w.0 += u;
                        if !w.1.contains(&name) {
                            w.1.push(name);
                        }
                    }
                    None => w.2 += 1,
                }
            }
            let key = |k: &str| r.table.columns.iter().position(|c| c.key == k).unwrap();
            for row in &r.table.rows {
                let Cell::Text(ext) = &row[key("extension")] else {
                    panic!()
                };
                let Some((u, names, none, allowance)) = want.get_mut(ext) else {
                    fails.push(format!("{}: extension {ext} not in the truth", l.tag()));
                    continue;
                };
                if *allowance > 0 {
                    continue;
                }
                names.sort_unstable();
                let got = (
                    units(&row[key("cost")]),
                    units(&row[key("estimated_cost")]),
                    row[key("cost_source")].clone(),
                    row[key("calls_without_cost")].clone(),
                );
                let priced = !names.is_empty();
                let source = if priced {
                    Cell::Text(format!("tariff: {}", names.join(", ")))
                } else {
                    Cell::Empty
                };
                let expect = (
                    priced.then_some(*u),
                    priced.then_some(*u),
                    source,
                    Cell::Int(*none),
                );
                if got != expect {
                    fails.push(format!(
                        "{} extension {ext}: {got:?}, truth {expect:?}",
                        l.tag()
                    ));
                }
                rows_exact += 1;
                total += *u;
                unpriced += *none;
            }
            tariffs_used += want.values().map(|w| w.1.len()).sum::<usize>();
            let all_exact = want.values().all(|w| w.3 == 0);
            let sum: i64 = want.values().map(|w| w.0).sum();
            let est = r
                .figures
                .iter()
                .find(|f| f.key == "estimated_cost")
                .unwrap();
            if all_exact && units(&est.value) != Some(sum) {
                fails.push(format!(
                    "{}: estimated {:?}, truth {sum}",
                    l.tag(),
                    est.value
                ));
            }
            assert!(
                r.notes
                    .iter()
                    .any(|n| n.starts_with("Where the costs come from: estimated from the tariff")),
                "{:?}",
                r.notes
            );
        }
    }
    println!(
        "tariff vs truth: {rows_exact} extension rows exact, {tariffs_used} tariffs named in rows, \
         {unpriced} calls without a tariff, {total} ten-thousandths in all"
    );
    assert!(fails.is_empty(), "{}", fails.join("\n"));
    assert!(
        rows_exact > 120 && unpriced > 5 && total > 100_000,
        "{rows_exact} {unpriced} {total}"
    );
}

#[test]
fn printed_charges_win_over_the_tariff() {
    for layout in [Layout::B, Layout::C] {
        let l = Loaded::days(date(2024, 3, 12), 1, 3, layout);
        let d = l.days[0];
        let plain = cost::report(&l.calls, &ReportOptions::new(d, d));
        let r = cost::report(&l.calls, &tariff_options(d, d));
        let key = |k: &str| r.table.columns.iter().position(|c| c.key == k).unwrap();
        assert_eq!(plain.table.rows.len(), r.table.rows.len());
        for (a, b) in plain.table.rows.iter().zip(&r.table.rows) {
            assert_eq!(a[key("cost")], b[key("cost")], "{layout:?}");
            assert_eq!(b[key("estimated_cost")], Cell::Empty);
            assert_eq!(b[key("cost_source")], Cell::Text("printed".into()));
        }
        assert_eq!(fig(&plain, "cost"), fig(&r, "cost"));
        assert_eq!(fig(&r, "calls_without_cost"), &Cell::Int(0));
    }
}
