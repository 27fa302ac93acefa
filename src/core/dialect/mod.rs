//! Dialects: one module per PBX family. A line of text in, a [`Parsed`] verdict out; never a
//! panic, never an error that loses the line.

pub mod panasonic;

use crate::core::record::Parsed;
use serde::{Deserialize, Serialize};

/// Order of day, month and year in a printed date. Panasonic prints it in the order of the
/// PBX's country setting, which the box cannot always infer (04/05/20 reads both ways).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    #[default]
    Dmy,
    Mdy,
    Ymd,
}

impl DateOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            DateOrder::Dmy => "dmy",
            DateOrder::Mdy => "mdy",
            DateOrder::Ymd => "ymd",
        }
    }
}

/// Which dialect reads the lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DialectKind {
    /// Panasonic KX-TDA / TDE / NCP / NS (Patterns A, B, C) and the older KX-TD.
    #[default]
    Panasonic,
}

impl DialectKind {
    /// Every kind. Keep it complete when adding a dialect: the fuzz targets (`fuzz/`) and
    /// `tests/properties.rs` run every kind listed here (and a test there checks the list).
    pub const ALL: &[DialectKind] = &[DialectKind::Panasonic];

    pub fn as_str(self) -> &'static str {
        match self {
            DialectKind::Panasonic => "panasonic",
        }
    }

    /// How the calls model links this family's records into calls.
    pub fn grouping(self) -> Grouping {
        match self {
            DialectKind::Panasonic => Grouping::Legs,
        }
    }

    /// The kind whose [`DialectKind::as_str`] is `name`.
    pub fn from_name(name: &str) -> Option<DialectKind> {
        Self::ALL.iter().copied().find(|k| k.as_str() == name)
    }
}

/// How the records of one call are linked (see `core::calls`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// One record per leg, linked by trunk, caller and timing (Panasonic's printout).
    Legs,
    /// Records carry the PBX's call id (`Extra::call_id`) and the call's start time.
    CallId,
    /// One record is one whole call.
    Whole,
}

/// Every dialect's name as stored in `records.dialect` (the store maps names back to these;
/// a test checks it matches [`DialectKind::ALL`]).
pub const NAMES: &[&str] = &["panasonic"];

/// Every layout name any dialect stores in `records.layout` (the store maps names back).
pub const LAYOUTS: &[&str] = &["A", "B", "C"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DialectOptions {
    pub kind: DialectKind,
    pub date_order: DateOrder,
}

/// A PBX family's line reader. Stateful only where the PBX's output is (e.g. a page header
/// tells which layout follows).
pub trait Dialect: Send {
    fn name(&self) -> &'static str;
    fn parse(&mut self, line: &str) -> Parsed;
}

pub fn new_dialect(opts: DialectOptions) -> Box<dyn Dialect> {
    match opts.kind {
        DialectKind::Panasonic => Box::new(panasonic::Panasonic::new(opts.date_order)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_list_every_kind() {
        let names: Vec<&str> = DialectKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names, NAMES);
        for k in DialectKind::ALL {
            assert_eq!(DialectKind::from_name(k.as_str()), Some(*k));
            assert_eq!(
                new_dialect(DialectOptions {
                    kind: *k,
                    date_order: DateOrder::Dmy
                })
                .name(),
                k.as_str()
            );
        }
    }
}
