//! Reading a report in the report tests: its figures, columns and cells, and the checks the
//! truth tests share.

use smdrbox::core::analytics::{Cell, Report};

/// The value of figure `key`; panics if the report has none.
pub fn fig<'a>(r: &'a Report, key: &str) -> &'a Cell {
    &r.figures
        .iter()
        .find(|f| f.key == key)
        .unwrap_or_else(|| panic!("{}: no figure {key}", r.name))
        .value
}

/// The index of column `key`; panics if the report has none.
pub fn col(r: &Report, key: &str) -> usize {
    r.table
        .columns
        .iter()
        .position(|c| c.key == key)
        .unwrap_or_else(|| panic!("no column {key}"))
}

/// A count cell.
pub fn int(c: &Cell) -> i64 {
    match c {
        Cell::Int(n) => *n,
        other => panic!("not an Int: {other:?}"),
    }
}

/// Any numeric cell, as a float.
pub fn num(c: &Cell) -> f64 {
    match c {
        Cell::Num(x, _) | Cell::Pct(x) => *x,
        Cell::Int(n) | Cell::Secs(n) => *n as f64,
        other => panic!("not a number: {other:?}"),
    }
}

/// `got` is within `lo..=hi` (give or take float rounding).
pub fn within(what: &str, got: f64, lo: f64, hi: f64) {
    let eps = 1e-9;
    assert!(
        lo - eps <= got && got <= hi + eps,
        "{what}: report {got}, truth allows {lo}..={hi}"
    );
}

/// Fails with the count and the first `show` of the disagreements collected, if any.
pub fn assert_no_fails(fails: &[String], show: usize) {
    assert!(
        fails.is_empty(),
        "{} disagreements:\n{}",
        fails.len(),
        fails
            .iter()
            .take(show)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
