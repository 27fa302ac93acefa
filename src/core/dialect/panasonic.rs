//! Panasonic SMDR (placeholder until the dialect lands).
use super::DateOrder;
use crate::core::record::Parsed;

pub struct Panasonic {
    #[allow(dead_code)]
    date_order: DateOrder,
}

impl Panasonic {
    pub fn new(date_order: DateOrder) -> Self {
        Self { date_order }
    }
}

impl super::Dialect for Panasonic {
    fn name(&self) -> &'static str {
        "panasonic"
    }
    fn parse(&mut self, _line: &str) -> Parsed {
        Parsed::Reject { reason: "not implemented".into() }
    }
}
