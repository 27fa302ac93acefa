//! Dialects: one module per PBX family. A line of text in, a [`Parsed`] verdict out; never a
//! panic, never an error that loses the line.

pub mod alcatel;
pub mod asterisk;
pub mod avaya_bcm_norstar;
pub mod avaya_ipoffice;
pub mod detect;
pub mod fields;
pub mod ipecs;
pub mod mitel;
pub mod nec;
pub mod panasonic;
pub mod samsung;
pub mod siemens;
pub mod threecx;

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

/// Which dialect reads the lines. Each family lives in its own module, which exports `NAME`,
/// `LAYOUTS`, `GROUPING` and `new(DialectOptions)`; this enum only dispatches to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DialectKind {
    /// Panasonic KX-TDA / TDE / NCP / NS (Patterns A, B, C) and the older KX-TD.
    #[default]
    Panasonic,
    /// Avaya IP Office: CSV over TCP, call ID and continuation.
    AvayaIpoffice,
    /// NEC Aspire / SL / SV families: printer-style fixed columns.
    Nec,
    /// Mitel SX-200 / SX-2000 / 3300 / MiVoice Business / 5000.
    Mitel,
    /// Siemens / Unify HiPath 3000 / Hicom 150.
    Siemens,
    /// LG-Ericsson / Ericsson-LG iPECS.
    Ipecs,
    /// Samsung OfficeServ.
    Samsung,
    /// Asterisk (and FreePBX) cdr_csv Master.csv.
    Asterisk,
    /// 3CX CDR output.
    #[serde(rename = "3cx")]
    ThreeCx,
    /// Avaya / Nortel BCM and Norstar call detail recording.
    AvayaBcmNorstar,
    /// Alcatel(-Lucent) OmniPCX Office metering tickets (V24 printout).
    Alcatel,
}

impl DialectKind {
    /// Every kind. Keep it complete when adding a dialect: the fuzz targets (`fuzz/`),
    /// `tests/properties.rs` and auto-detection run every kind listed here (and a test below
    /// checks the list).
    pub const ALL: &[DialectKind] = &[
        DialectKind::Panasonic,
        DialectKind::AvayaIpoffice,
        DialectKind::Nec,
        DialectKind::Mitel,
        DialectKind::Siemens,
        DialectKind::Ipecs,
        DialectKind::Samsung,
        DialectKind::Asterisk,
        DialectKind::ThreeCx,
        DialectKind::AvayaBcmNorstar,
        DialectKind::Alcatel,
    ];

    /// The name in the config (`dialect = "..."`) and in `records.dialect`.
    pub fn as_str(self) -> &'static str {
        match self {
            DialectKind::Panasonic => panasonic::NAME,
            DialectKind::AvayaIpoffice => avaya_ipoffice::NAME,
            DialectKind::Nec => nec::NAME,
            DialectKind::Mitel => mitel::NAME,
            DialectKind::Siemens => siemens::NAME,
            DialectKind::Ipecs => ipecs::NAME,
            DialectKind::Samsung => samsung::NAME,
            DialectKind::Asterisk => asterisk::NAME,
            DialectKind::ThreeCx => threecx::NAME,
            DialectKind::AvayaBcmNorstar => avaya_bcm_norstar::NAME,
            DialectKind::Alcatel => alcatel::NAME,
        }
    }

    /// The layout names the family stores in `records.layout`.
    pub fn layouts(self) -> &'static [&'static str] {
        match self {
            DialectKind::Panasonic => panasonic::LAYOUTS,
            DialectKind::AvayaIpoffice => avaya_ipoffice::LAYOUTS,
            DialectKind::Nec => nec::LAYOUTS,
            DialectKind::Mitel => mitel::LAYOUTS,
            DialectKind::Siemens => siemens::LAYOUTS,
            DialectKind::Ipecs => ipecs::LAYOUTS,
            DialectKind::Samsung => samsung::LAYOUTS,
            DialectKind::Asterisk => asterisk::LAYOUTS,
            DialectKind::ThreeCx => threecx::LAYOUTS,
            DialectKind::AvayaBcmNorstar => avaya_bcm_norstar::LAYOUTS,
            DialectKind::Alcatel => alcatel::LAYOUTS,
        }
    }

    /// How the calls model links this family's records into calls.
    pub fn grouping(self) -> Grouping {
        match self {
            DialectKind::Panasonic => panasonic::GROUPING,
            DialectKind::AvayaIpoffice => avaya_ipoffice::GROUPING,
            DialectKind::Nec => nec::GROUPING,
            DialectKind::Mitel => mitel::GROUPING,
            DialectKind::Siemens => siemens::GROUPING,
            DialectKind::Ipecs => ipecs::GROUPING,
            DialectKind::Samsung => samsung::GROUPING,
            DialectKind::Asterisk => asterisk::GROUPING,
            DialectKind::ThreeCx => threecx::GROUPING,
            DialectKind::AvayaBcmNorstar => avaya_bcm_norstar::GROUPING,
            DialectKind::Alcatel => alcatel::GROUPING,
        }
    }

    /// Whether the family prints call times with seconds. Those that print `hh:mm` only
    /// (Panasonic, NEC, Mitel, iPECS, Alcatel) make every time an estimate within a minute,
    /// which the reports say.
    pub fn prints_seconds(self) -> bool {
        matches!(
            self,
            DialectKind::AvayaIpoffice
                | DialectKind::Siemens
                | DialectKind::Samsung
                | DialectKind::Asterisk
                | DialectKind::ThreeCx
                | DialectKind::AvayaBcmNorstar
        )
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

/// The `'static` dialect name equal to `name`, or "" (records name dialects with static
/// strings; the database holds copies).
pub fn static_dialect_name(name: &str) -> &'static str {
    DialectKind::from_name(name).map_or("", DialectKind::as_str)
}

/// The `'static` layout name of `dialect` equal to `layout`, or "".
pub fn static_layout_name(dialect: &str, layout: &str) -> &'static str {
    DialectKind::from_name(dialect)
        .and_then(|k| k.layouts().iter().copied().find(|l| *l == layout))
        .unwrap_or("")
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

    /// Auto-detection's state for the status page; `None` for a family's own reader.
    fn detection(&self) -> Option<detect::Detection> {
        None
    }

    /// Auto-detection chose (or changed) the family: the store re-reads the lines it stored
    /// as undecided. Decisions come in the order they were made; call until `None`. Always
    /// `None` for a family's own reader.
    fn take_decision(&mut self) -> Option<detect::Decision> {
        None
    }
}

/// What the configuration asks for: one family, or recognise it from the lines. Without a
/// `dialect` key: Panasonic, the family the box was first built for (the packaged
/// configuration says `"auto"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialectChoice {
    Auto,
    Family(DialectKind),
}

impl Default for DialectChoice {
    fn default() -> Self {
        DialectChoice::Family(DialectKind::Panasonic)
    }
}

impl DialectChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            DialectChoice::Auto => "auto",
            DialectChoice::Family(k) => k.as_str(),
        }
    }

    /// `auto` or a family's name; the error lists what is accepted.
    pub fn parse(s: &str) -> Result<DialectChoice, String> {
        if s == "auto" {
            return Ok(DialectChoice::Auto);
        }
        DialectKind::from_name(s)
            .map(DialectChoice::Family)
            .ok_or_else(|| {
                let names: Vec<&str> = DialectKind::ALL.iter().map(|k| k.as_str()).collect();
                format!(
                    "unknown dialect {s:?}: expected \"auto\" or one of {}",
                    names.join(", ")
                )
            })
    }
}

impl<'de> Deserialize<'de> for DialectChoice {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        DialectChoice::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl Serialize for DialectChoice {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The reader for a configured choice: a family's own, or the auto-detecting one.
pub fn new_reader(choice: DialectChoice, date_order: DateOrder) -> Box<dyn Dialect> {
    match choice {
        DialectChoice::Auto => Box::new(detect::Auto::new(date_order)),
        DialectChoice::Family(kind) => new_dialect(DialectOptions { kind, date_order }),
    }
}

pub fn new_dialect(opts: DialectOptions) -> Box<dyn Dialect> {
    match opts.kind {
        DialectKind::Panasonic => panasonic::new(opts),
        DialectKind::AvayaIpoffice => avaya_ipoffice::new(opts),
        DialectKind::Nec => nec::new(opts),
        DialectKind::Mitel => mitel::new(opts),
        DialectKind::Siemens => siemens::new(opts),
        DialectKind::Ipecs => ipecs::new(opts),
        DialectKind::Samsung => samsung::new(opts),
        DialectKind::Asterisk => asterisk::new(opts),
        DialectKind::ThreeCx => threecx::new(opts),
        DialectKind::AvayaBcmNorstar => avaya_bcm_norstar::new(opts),
        DialectKind::Alcatel => alcatel::new(opts),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_list_every_kind() {
        let mut names: Vec<&str> = DialectKind::ALL.iter().map(|k| k.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(
            names.len(),
            DialectKind::ALL.len(),
            "two dialects share a name"
        );
        for k in DialectKind::ALL {
            assert_eq!(DialectKind::from_name(k.as_str()), Some(*k));
            // The config spells a kind as serde does; the database as as_str does: one name.
            let toml = format!("k = {:?}", k.as_str());
            #[derive(Deserialize)]
            struct T {
                k: DialectKind,
            }
            assert_eq!(toml::from_str::<T>(&toml).map(|t| t.k).ok(), Some(*k));
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
