//! LG-Ericsson / Ericsson-LG iPECS (LIK, eMG80/100, eMG800, UCP, vUCP): SMDR printout.
//!
//! Layout reference: `shared/formats/ipecs.md`. **No real iPECS capture exists**: everything
//! here comes from the iPECS-LIK manual's §2.68.2 (L1), whose figure lost its column positions
//! in the only copy available, so fields are read by token and content, not by column. The
//! test lines are written from the manual's template.
//!
//! ```text
//! NO   STA  CO   TIME   START           DIAL/CLI/CPN NUM-I  COST  ACCOUNT CODE  DIAL/CLI/CPN NUM II
//! 0012 2001 013  03:25  02/03/26 10:04  O0364538740         1.20  4711          R00:12
//! ```
//!
//! # Documented (L1, L3)
//!
//! - Titles `NO STA CO TIME START DIAL/CLI/CPN NUM-I COST ACCOUNT CODE DIAL/CLI/CPN NUM II`.
//! - NO: record number, printed only when PGM 177 button 23 is on. STA: 3 or 4 digit station.
//!   CO: 2 or 3 digit line. TIME: the call's duration in minutes and seconds (`EE:EE`).
//!   START: date and time the call was placed or received (`FF/FF/FF DD:DD`).
//! - NUM-I and NUM-II: flexible fields (PGM 177 button 20), each showing, for an outgoing call,
//!   the dialled number, for an incoming call the ring duration, CLI or CPN (called number),
//!   after a one-character type (`H` in the template). COST, ACCOUNT CODE.
//! - Intercom and lost (unanswered) calls can be recorded (options).
//!
//! # Inferred (no document says; a real capture must confirm)
//!
//! - **Date order**: not stated; `pbx.date_order` decides (`yy` -> 20yy).
//! - **TIME** is read as `mm:ss`; `h:mm:ss` is accepted too, in case long calls print hours.
//! - **The type character's letters are not documented.** So direction comes from content:
//!   a flex field holding a ring duration (`mm:ss`, after any type letter) -> incoming; a record
//!   without a CO -> internal (the called station, if printed, is the number); anything else ->
//!   outgoing. An incoming call whose flex fields show only a CLI therefore reads as outgoing:
//!   set one flex field to ring duration (PGM 177 button 20) so incoming calls are told apart.
//!   The type letter is kept as the condition (`O`, `I`, ... as printed) so a real capture can
//!   settle it. An incoming record with a ring duration and a zero TIME is unanswered.
//! - NUM-I is the first token after START; NUM-II the last token when it is a flex value with
//!   its type letter (or a ring time); between them a decimal number is the COST (printed
//!   before the account code) and the next token the ACCOUNT CODE.
//! - START is the call's start ([`TimeMeaning::CallStart`]), to the minute.
//! - Two numbers before TIME are `NO STA` (an intercom record) when the record number is
//!   printed (the title line starts with `NO`, or a record had three numbers), else `STA CO`.
//! - Titles and rules (`----`, `====`) are headers; anything else not shaped like a record is
//!   rejected with the reason.

use super::{DateOrder, Dialect, DialectOptions, Grouping};
use crate::core::record::{Cost, Direction, HeaderKind, Parsed, Record, TimeMeaning};
use chrono::{NaiveDate, NaiveTime};

pub const NAME: &str = "ipecs";
/// `LIK`: the iPECS-LIK SMDR call record (L1).
pub const LAYOUTS: &[&str] = &["LIK"];
pub const GROUPING: Grouping = Grouping::Whole;

pub fn new(opts: DialectOptions) -> Box<dyn Dialect> {
    Box::new(Ipecs::new(opts.date_order))
}

/// Remembers whether the record-number column (NO) is printed, as the title line or a record
/// with three leading numbers showed: it decides whether two leading numbers are `NO STA`
/// (an intercom record) or `STA CO`.
pub struct Ipecs {
    date_order: DateOrder,
    numbered: bool,
}

impl Ipecs {
    pub fn new(date_order: DateOrder) -> Self {
        Self {
            date_order,
            numbered: false,
        }
    }
}

impl Dialect for Ipecs {
    fn name(&self) -> &'static str {
        NAME
    }

    fn parse(&mut self, line: &str) -> Parsed {
        match self.parse_line(line) {
            Ok(p) => p,
            Err(reason) => Parsed::Reject { reason },
        }
    }
}

/// A flexible field's content.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Flex {
    /// Ring duration in seconds.
    Ring(u32),
    /// A number (dialled, CLI or CPN: the type letter does not tell which, see the module doc).
    Number(String),
}

/// (type letter, content) of a flex field token, or `None` if it is not one.
fn flex(tok: &str) -> Option<(Option<char>, Flex)> {
    let mut chars = tok.chars();
    let first = chars.next()?;
    let (kind, rest) = if first.is_ascii_alphabetic() {
        (Some(first.to_ascii_uppercase()), chars.as_str())
    } else {
        (None, tok)
    };
    if let Some(secs) = mm_ss(rest) {
        return Some((kind, Flex::Ring(secs)));
    }
    let number_like = !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || "+*#".contains(c))
        && rest.chars().any(|c| c.is_ascii_digit());
    number_like.then(|| (kind, Flex::Number(rest.to_string())))
}

/// `mm:ss` or `h:mm:ss` -> seconds.
fn mm_ss(s: &str) -> Option<u32> {
    let parts: Vec<&str> = s.split(':').collect();
    let num = |p: &str| {
        (!p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u32>().ok())
            .flatten()
    };
    match parts.as_slice() {
        [m, s] if s.len() == 2 => {
            let (m, s) = (num(m)?, num(s)?);
            (s < 60).then_some(m * 60 + s)
        }
        [h, m, s] if m.len() == 2 && s.len() == 2 => {
            let (h, m, s) = (num(h)?, num(m)?, num(s)?);
            (m < 60 && s < 60).then_some(h * 3600 + m * 60 + s)
        }
        _ => None,
    }
}

fn is_digits(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_cost(s: &str) -> bool {
    let mut parts = s.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

fn date(s: &str, order: DateOrder) -> Option<NaiveDate> {
    let p: Vec<&str> = s.split('/').collect();
    let [a, b, c] = p.as_slice() else {
        return None;
    };
    if ![a, b, c].iter().all(|x| is_digits(x, 2, 2)) {
        return None;
    }
    let n = |x: &str| x.parse::<u32>().ok();
    let (y, m, d) = match order {
        DateOrder::Dmy => (n(c)?, n(b)?, n(a)?),
        DateOrder::Mdy => (n(c)?, n(a)?, n(b)?),
        DateOrder::Ymd => (n(a)?, n(b)?, n(c)?),
    };
    NaiveDate::from_ymd_opt(2000 + y as i32, m, d)
}

impl Ipecs {
    fn parse_line(&mut self, line: &str) -> Result<Parsed, String> {
        let body = line.trim_matches(|c: char| c.is_whitespace() || c == '\x0c');
        if body.is_empty() {
            return Err("blank line".into());
        }
        if body.len() >= 3 && body.chars().all(|c| c == '-' || c == '=' || c == ' ') {
            return Ok(Parsed::Header {
                header: HeaderKind::Rule,
            });
        }
        let upper = body.to_ascii_uppercase();
        let words: Vec<&str> = upper.split_whitespace().collect();
        if words.contains(&"STA") && words.contains(&"START") {
            self.numbered = words.first() == Some(&"NO");
            return Ok(Parsed::Header {
                header: HeaderKind::Titles,
            });
        }
        let toks: Vec<&str> = body.split_whitespace().collect();
        // Leading numbers up to the TIME (duration) token: [NO] STA [CO].
        let dur_at = toks
            .iter()
            .position(|t| t.contains(':'))
            .ok_or("no duration mm:ss (not an iPECS SMDR record)")?;
        let lead = &toks[..dur_at];
        if let Some(bad) = lead.iter().find(|t| !is_digits(t, 1, 6)) {
            return Err(format!(
                "{bad:?} before the duration is not a record number, station or CO line"
            ));
        }
        let (sta, co) = match lead {
            [sta] => (*sta, None),
            [_no, sta] if self.numbered => (*sta, None),
            [sta, co] => (*sta, Some(*co)),
            [_no, sta, co] => {
                self.numbered = true;
                (*sta, Some(*co))
            }
            [] => return Err("no station number before the duration".into()),
            _ => {
                return Err(format!(
                    "{} numbers before the duration; expected [NO] STA CO",
                    lead.len()
                ))
            }
        };
        if !is_digits(sta, 2, 4) {
            return Err(format!("station {sta:?} is not 2 to 4 digits"));
        }
        if let Some(co) = co {
            if !is_digits(co, 1, 3) {
                return Err(format!("CO line {co:?} is not 1 to 3 digits"));
            }
        }
        let duration = mm_ss(toks[dur_at])
            .ok_or_else(|| format!("duration {:?} is not mm:ss", toks[dur_at]))?;
        let d = toks
            .get(dur_at + 1)
            .ok_or("line ends after the duration; no start date (cut line?)")?;
        let t = toks
            .get(dur_at + 2)
            .ok_or("line ends after the start date; no start time (cut line?)")?;
        let date = date(d, self.date_order).ok_or_else(|| {
            format!(
                "start date {d:?} is not a valid nn/nn/nn date as {}",
                self.date_order.as_str()
            )
        })?;
        let time = NaiveTime::parse_from_str(t, "%H:%M")
            .map_err(|_| format!("start time {t:?} is not hh:mm"))?;

        let mut rest: Vec<&str> = toks[dur_at + 3..].to_vec();
        let mut warnings = Vec::new();
        let num1 = if rest.is_empty() {
            None
        } else {
            let tok = rest.remove(0);
            Some(flex(tok).ok_or_else(|| {
                format!("NUM-I {tok:?} is not a type letter and a number or ring time")
            })?)
        };
        let num2 = match rest.last().and_then(|t| flex(t)) {
            // NUM-II carries its type letter (or is a ring time); a bare number there is the
            // COST or the ACCOUNT CODE.
            Some((kind, v)) if kind.is_some() || matches!(v, Flex::Ring(_)) => {
                rest.pop();
                Some((kind, v))
            }
            _ => None,
        };
        let mut cost = None;
        if let Some(first) = rest.first() {
            if is_cost(first) {
                // record.rs: the amount without leading zeros.
                let trimmed = first.trim_start_matches('0');
                let amount = if trimmed.is_empty() || trimmed.starts_with('.') {
                    format!("0{trimmed}")
                } else {
                    trimmed.to_string()
                };
                cost = Some(Cost {
                    amount,
                    currency: String::new(),
                });
                rest.remove(0);
            }
        }
        let account = rest.first().map(|s| s.to_string());
        if rest.len() > 1 {
            warnings.push(format!(
                "unread text after the account code: {:?}",
                rest[1..].join(" ")
            ));
        }

        let flexes: Vec<&(Option<char>, Flex)> = num1.iter().chain(num2.iter()).collect();
        let ring = flexes.iter().find_map(|(_, v)| match v {
            Flex::Ring(s) => Some(*s),
            _ => None,
        });
        let number = flexes
            .iter()
            .find_map(|(_, v)| match v {
                Flex::Number(n) => Some(n.clone()),
                _ => None,
            })
            .unwrap_or_default();
        let kind = num1
            .as_ref()
            .and_then(|(k, _)| *k)
            .or(num2.as_ref().and_then(|(k, _)| *k));
        let direction = if co.is_none() {
            Direction::Internal
        } else if ring.is_some() {
            Direction::Incoming
        } else {
            Direction::Outgoing
        };
        let record = Record {
            dialect: NAME,
            layout: LAYOUTS[0],
            date: Some(date),
            time: Some(time),
            time_is: TimeMeaning::CallStart,
            extension: sta.to_string(),
            trunk: co.map(str::to_string),
            direction,
            number,
            caller_name: None,
            ddi: None,
            ring_secs: ring,
            duration_secs: Some(duration),
            cost,
            account_code: account,
            condition: kind.map(|k| k.to_string()),
            unanswered: direction == Direction::Incoming && duration == 0,
            transferred: false,
            forwarded: false,
            extra: Default::default(),
        };
        Ok(Parsed::Record {
            record: Box::new(record),
            warnings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(l: &str) -> Parsed {
        Ipecs::new(DateOrder::Dmy).parse(l)
    }

    fn record(l: &str) -> Record {
        match parse(l) {
            Parsed::Record { record, warnings } => {
                assert!(warnings.is_empty(), "{l}: {warnings:?}");
                *record
            }
            other => panic!("{l}: {other:?}"),
        }
    }

    /// An outgoing call with every field of L1's template: NO, STA, CO, TIME, START, NUM-I
    /// (dialled number), COST, ACCOUNT CODE, NUM-II (ring time: none for outgoing, so a CPN).
    #[test]
    fn outgoing_every_field() {
        let r = record("0012 2001 013  03:25  02/03/26 10:04  O0364538740   001.20   4711");
        let want = Record {
            dialect: "ipecs",
            layout: "LIK",
            date: NaiveDate::from_ymd_opt(2026, 3, 2),
            time: NaiveTime::from_hms_opt(10, 4, 0),
            time_is: TimeMeaning::CallStart,
            extension: "2001".into(),
            trunk: Some("013".into()),
            direction: Direction::Outgoing,
            number: "0364538740".into(),
            caller_name: None,
            ddi: None,
            ring_secs: None,
            duration_secs: Some(205),
            cost: Some(Cost {
                amount: "1.20".into(),
                currency: String::new(),
            }),
            account_code: Some("4711".into()),
            condition: Some("O".into()),
            unanswered: false,
            transferred: false,
            forwarded: false,
            extra: Default::default(),
        };
        assert_eq!(r, want);
    }

    #[test]
    fn incoming_with_ring_field() {
        // Field I = CLI, Field II = ring duration (PGM 177 button 20), no NO column.
        let r = record("201  01  01:05  02/03/26 10:04  C0612345678  0.00  R00:12");
        assert_eq!(r.direction, Direction::Incoming);
        assert_eq!(
            (r.extension.as_str(), r.trunk.as_deref()),
            ("201", Some("01"))
        );
        assert_eq!(r.number, "0612345678");
        assert_eq!((r.ring_secs, r.duration_secs), (Some(12), Some(65)));
        assert!(!r.unanswered);
        assert_eq!(r.condition.as_deref(), Some("C"));
        assert_eq!(r.account_code, None);
        // Lost call recording: rang 30 s, no talk.
        let r = record("201  01  00:00  02/03/26 10:09  R00:30");
        assert_eq!(r.direction, Direction::Incoming);
        assert!(r.unanswered);
        assert_eq!((r.ring_secs, r.number.as_str()), (Some(30), ""));
    }

    #[test]
    fn record_number_column_from_titles() {
        let mut p = Ipecs::new(DateOrder::Dmy);
        let dir = |p: &mut Ipecs, l: &str| match p.parse(l) {
            Parsed::Record { record, .. } => (record.direction, record.extension.clone()),
            other => panic!("{other:?}"),
        };
        let two = "0004 203  00:45  02/03/26 09:20  I201";
        assert_eq!(dir(&mut p, two), (Direction::Outgoing, "0004".into()));
        p.parse("NO  STA  CO  TIME  START  DIAL/CLI/CPN NUM-I");
        assert_eq!(dir(&mut p, two), (Direction::Internal, "203".into()));
        let mut p = Ipecs::new(DateOrder::Dmy);
        p.parse("0001 201 001 02:35 02/03/26 08:58 O0312345678");
        assert_eq!(dir(&mut p, two), (Direction::Internal, "203".into()));
    }

    #[test]
    fn intercom_and_dates() {
        let r = record("201  00:40  02/03/26 10:04  I202");
        assert_eq!(r.direction, Direction::Internal);
        assert_eq!((r.trunk, r.number.as_str()), (None, "202"));
        let mdy = Ipecs::new(DateOrder::Mdy).parse("201 01 01:00:05 03/02/26 10:04 O0123");
        match mdy {
            Parsed::Record { record, .. } => {
                assert_eq!(record.date, NaiveDate::from_ymd_opt(2026, 3, 2));
                assert_eq!(record.duration_secs, Some(3605));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn headers_and_rejects() {
        let h = |l: &str| match parse(l) {
            Parsed::Header { header } => header,
            other => panic!("{l}: {other:?}"),
        };
        assert_eq!(
            h("NO  STA  CO  TIME  START  DIAL/CLI/CPN NUM-I  COST  ACCOUNT CODE  DIAL/CLI/CPN NUM II"),
            HeaderKind::Titles
        );
        assert_eq!(h("-------------------------"), HeaderKind::Rule);
        let r = |l: &str| match parse(l) {
            Parsed::Reject { reason } => reason,
            other => panic!("{l}: {other:?}"),
        };
        assert_eq!(r("   "), "blank line");
        assert_eq!(
            r("hello world"),
            "no duration mm:ss (not an iPECS SMDR record)"
        );
        assert_eq!(
            r("201 01 03:25"),
            "line ends after the duration; no start date (cut line?)"
        );
        assert_eq!(
            r("201 01 03:25 02/03/26"),
            "line ends after the start date; no start time (cut line?)"
        );
        assert_eq!(
            r("201 01 3:75 02/03/26 10:04"),
            "duration \"3:75\" is not mm:ss"
        );
        assert_eq!(
            r("201 01 03:25 31/02/26 10:04"),
            "start date \"31/02/26\" is not a valid nn/nn/nn date as dmy"
        );
        assert_eq!(
            r("201 01 03:25 02/03/26 25:04"),
            "start time \"25:04\" is not hh:mm"
        );
        assert_eq!(
            r("20A 01 03:25 02/03/26 10:04"),
            "\"20A\" before the duration is not a record number, station or CO line"
        );
        assert_eq!(
            r("1 2 3 4 03:25 02/03/26 10:04"),
            "4 numbers before the duration; expected [NO] STA CO"
        );
        assert_eq!(
            r("12345 01 03:25 02/03/26 10:04"),
            "station \"12345\" is not 2 to 4 digits"
        );
        assert_eq!(
            r("201 0001 03:25 02/03/26 10:04"),
            "CO line \"0001\" is not 1 to 3 digits"
        );
        assert_eq!(
            r("201 01 03:25 02/03/26 10:04 ?!"),
            "NUM-I \"?!\" is not a type letter and a number or ring time"
        );
    }

    #[test]
    fn never_panics() {
        let seed = "0012 2001 013  03:25  02/03/26 10:04  O0364538740   1.20   4711  R00:12";
        crate::core::dialect::fields::shake(&[seed], "09:/ .R", 11, |l| {
            let _ = parse(l);
        });
    }
}
