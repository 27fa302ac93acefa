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
    pub fn as_str(self) -> &'static str {
        match self {
            DialectKind::Panasonic => "panasonic",
        }
    }
}

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
