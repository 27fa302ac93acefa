//! The parsed form of one SMDR line, shared by every dialect.
//!
//! A `Record` is what the PBX printed for one call (or one leg of a call: Panasonic prints a
//! transfer as more lines for the same caller). Grouping legs into calls is the job of the
//! calls model, not of the dialects.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

/// Which way the call went, as far as the line tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// From an outside line to an extension.
    Incoming,
    /// From an extension to an outside line.
    Outgoing,
    /// Extension to extension.
    Internal,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Incoming => "incoming",
            Direction::Outgoing => "outgoing",
            Direction::Internal => "internal",
        }
    }
}

/// What the printed time means: Panasonic TDA-family prints the call's end, KX-TES/TEA its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeMeaning {
    CallEnd,
    CallStart,
}

impl TimeMeaning {
    pub fn as_str(self) -> &'static str {
        match self {
            TimeMeaning::CallEnd => "end",
            TimeMeaning::CallStart => "start",
        }
    }
}

/// A call charge exactly as printed (amount kept as decimal text: no float rounding).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cost {
    /// Decimal amount without leading zeros, e.g. `560.00`.
    pub amount: String,
    /// Currency as printed, e.g. `EU`, `EUR`; empty if none.
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Record {
    /// Dialect that produced it, e.g. `panasonic`.
    pub dialect: &'static str,
    /// Layout within the dialect, e.g. `B` for Panasonic Pattern B; empty if not known.
    pub layout: &'static str,
    /// Date as printed, in the configured date order; `None` if the PBX printed `**`.
    pub date: Option<NaiveDate>,
    pub time: Option<NaiveTime>,
    pub time_is: TimeMeaning,
    /// Extension (or special originator such as `D101` doorphone, `T01` TIE, `*123` verified).
    pub extension: String,
    /// CO line / trunk number; `None` on intercom lines.
    pub trunk: Option<String>,
    pub direction: Direction,
    /// Outgoing: the dialled digits; incoming: the caller's number (empty if no CLI);
    /// internal: the called extension.
    pub number: String,
    /// Caller's name when the PBX printed a name instead of (or with) a number.
    pub caller_name: Option<String>,
    /// DDI/DID the call came in on (Panasonic `<D>`).
    pub ddi: Option<String>,
    /// Seconds the call rang before answer (or before the caller gave up); `None` when the
    /// layout has no ring column.
    pub ring_secs: Option<u32>,
    /// Talk time in seconds; `None` when the line prints none (intercom lines).
    pub duration_secs: Option<u32>,
    pub cost: Option<Cost>,
    pub account_code: Option<String>,
    /// Condition code as printed (`NA`, `TR`, `FW`, `D0`, ...).
    pub condition: Option<String>,
    /// Unanswered at this extension (condition `NA`).
    pub unanswered: bool,
    /// Transferred (condition `TR`, or an outgoing number ending in `-`).
    pub transferred: bool,
    /// Forwarded to an outside line (condition `FW`).
    pub forwarded: bool,
    /// What some PBXs print beyond Panasonic's columns; all empty for Panasonic (and then left
    /// out of the JSON, so Panasonic's golden files did not change).
    #[serde(skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

/// Fields some PBX families print and Panasonic does not (Avaya IP Office's call ID,
/// continuation flag, hold and park times, user names). Stored in their own columns, so the
/// calls model can link the records of one call by the PBX's own id instead of by timing.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Extra {
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The PBX's id shared by every record of one call (Avaya IP Office Call ID, Asterisk
    /// uniqueid/linkedid, 3CX callid). Ids may restart (a PBX reboot): grouping pairs it with
    /// the call's start time.
    pub call_id: Option<String>,
    /// More records of this call follow (Avaya IP Office Continuation = 1).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub continued: bool,
    /// Seconds the call spent on hold in this record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hold_secs: Option<u32>,
    /// Seconds the call spent parked (or queued, where the PBX says so) in this record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub park_secs: Option<u32>,
    /// The name the PBX printed for `extension` (Avaya IP Office's user name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension_name: Option<String>,
}

impl Extra {
    pub fn is_empty(&self) -> bool {
        *self == Extra::default()
    }
}

/// What kind of non-record line the dialect recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HeaderKind {
    /// Column titles (`Date Time Ext CO ...`).
    Titles,
    /// A rule under the titles (`-----`).
    Rule,
    /// Any other line the PBX prints as decoration or status (e.g. LOG IN/OUT when not wanted).
    Other,
}

/// The dialect's verdict on one line. Parsing never fails: a line it cannot read becomes a
/// `Reject` with a reason, and the raw line is stored either way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Parsed {
    Record {
        record: Box<Record>,
        /// Oddities that did not stop parsing (e.g. an unknown condition code).
        warnings: Vec<String>,
    },
    Header {
        header: HeaderKind,
    },
    Reject {
        reason: String,
    },
}

impl Parsed {
    pub fn kind(&self) -> &'static str {
        match self {
            Parsed::Record { .. } => "record",
            Parsed::Header { .. } => "header",
            Parsed::Reject { .. } => "reject",
        }
    }
}
