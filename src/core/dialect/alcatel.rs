//! Alcatel(-Lucent) OmniPCX Office (OXO): the V24 metering printout as line-by-line
//! statements ("LISTING"), one line per call.
//!
//! **No real OmniPCX Office capture exists**, and `shared/formats/` has no Alcatel file: the
//! layout comes from the manufacturer's *OmniPCX Office Technical Documentation* (Réf. 3EH 21000
//! BSAA Ed. 04, chapter "Call metering services"), read at:
//!
//! - M1 <https://www.easymanua.ls/alcatel/omnipcx-office/manual/163137?p=729> "Statements
//!   printed line by line": one statement per communication, at most 16 fields **separated by a
//!   space**; the page header (titles) on every page, the first page or none; the day's
//!   statement count at the bottom right of the page (5 digits at most); the example line
//!   `A101 --> ... 23/10/00 08:31 00:02:40 6 ST 00388677700` under two staggered title lines
//!   `USER LINE TIME TAXES ADD. SERVICES` / `TYPE DATE DURATION SERV DIALLED NUMBER` (and
//!   `MODE COST RING BUSIN. CODE USER NAME` for the optional fields).
//! - M2 `?p=730`: the printed fields are selectable; the default statement is charged user,
//!   type, trunk, date, time, duration, number of taxes, services, facilities, number dialled.
//! - M3 `?p=731` "Description of the fields in the statement": INITIAL USER and CHARGED USER 5
//!   characters left justified (`AXXXX` a subscriber, `GX` a hunting group, `G9` the attendant
//!   group, `LXX`/`NXX`/`PXX` an access number; INITIAL USER `****` on outgoing calls; CHARGED
//!   USER is the caller of an outgoing call and the user who answered an incoming one), TYPE 3
//!   characters (`-->` outgoing public, `<--` incoming public, `CS+`/`CS-` request/cancel a
//!   complementary service), LINE 3 characters (`LXX` analog, `NXX` T0, `PXX` T2; `R` for
//!   wake-up calls).
//! - M4 `?p=733`: MODE 1 character (`M` manual, `I` personal, `R` collective speed dial), RING
//!   5 characters `mm:ss` (all ringing phases), COST 10 characters, BUSIN. CODE 16 characters
//!   right justified, SUBSCRIBER NAME 16 characters (the caller of an outgoing call, the called
//!   party of an incoming one), the 9-character INITIAL/CHARGED USER of 8-digit numbering
//!   plans, LINE 4 (`N**`, `V**`).
//! - M5 `?p=727`: a ticket or statement per call; unanswered incoming calls are printed only if
//!   "Print non-answered IC calls" is on (default off), with their ringing time.
//! - M6 `?p=722`: the SERV field holds the bearer service, `ST` (voice, group 3 fax) or `T+`
//!   (group 4 fax, data); facility letters `I` (user-to-user signalling) and `R` (terminal or
//!   external forwarding; a statement is printed when it is activated or deactivated).
//! - M7 `?p=851`: MMC printout type TICKET, LISTING or NETWORK; MASK hides the last 4 digits
//!   of the dialled number in statements and tickets.
//!
//! A third-party reading corroborates the letters: the Splunk app "Alcatel OXO CDR" (repository
//! `asimchamp/Splunk_Apps`, path
//! `SplunkBase/2718_Alcatel_OXO_CDR/1.17/ALCATEL_OXO/default/data/ui/views/Detailed_Calls_US.xml`)
//! filters lines by `L*`/`N*`/`P*`/`V*` (VoIP) lines, service `ST`/`T*`, facilities `X`
//! (forward), `R` (forward to external), `N` (PCX forward), `S` (DISA), `T` (metering), `I`
//! (user signalling), and dialling mode `M`/`I`/`R`. No real ticket line was found in public
//! code.
//!
//! # Not documented (what this reader assumes; a real capture must confirm)
//!
//! - **The page describing DATE, TIME, DURATION, TAXES, SERV, ADD. SERVICES and DIALLED
//!   NUMBER (Ed. 04 p. 18/30) could not be read.** Their shapes come from M1's example only:
//!   date `dd/mm/yy` (read in the configured date order, `dmy` by default), time `hh:mm`
//!   (`hh:mm:ss` also accepted), duration `hh:mm:ss`, taxes a count of metering units, SERV
//!   two characters, then the number. Their widths are unknown, so **fields are read as
//!   space-separated tokens by shape**, as M1 says they are separated by a space, never by
//!   column. Empty fields (no facility, no number) simply leave no token.
//! - **Whether TIME is the call's start or its end is not said.** It is read as the start
//!   ([`TimeMeaning::CallStart`]).
//! - Optional fields are recognised by shape in the documented order: before TYPE, one token
//!   is CHARGED USER, two are INITIAL USER and CHARGED USER; after the number, a single `M`,
//!   `I` or `R` is MODE, `mm:ss` is RING, numbers are COST then BUSIN. CODE (a number with a
//!   `.` or `,` is always the cost; when the title lines were seen and name only one of COST
//!   and BUSIN. CODE, a lone number is that one), and the words left are the user name. An
//!   all-letter token after SERV made of the facility letters above is ADD. SERVICES.
//! - The extension is CHARGED USER without its `A` (`A101` → `101`); hunting groups (`G1`) and
//!   access numbers (`L01`) stay as printed; without a CHARGED USER, INITIAL USER is used.
//! - **Unanswered incoming calls** are shown by no marker the documents name: an incoming line
//!   with a zero duration is read as unanswered (M5: such lines carry the ringing time).
//! - The dialled number is kept as printed, masked digits included (M7 does not say which
//!   character masks them); for an incoming call the same field is read as the caller's number.
//! - COST is the call's cost (currency not printed); without COST, TAXES is kept as a cost in
//!   `units` (metering pulses, not money), as the Siemens reader does.
//! - `forwarded` is set by the documented facility `R`; the facilities are kept as printed in
//!   `condition`.
//! - `CS+`/`CS-` lines (a service switched on or off) and wake-up lines (LINE `R...`) are not
//!   calls: headers. Title lines, rules, and lines with no digit at all (the page header's
//!   company name, whose exact shape is not shown) are headers; a number alone is the day's
//!   statement count, a header.
//! - The TICKET printout (several lines per call) is not documented beyond its existence:
//!   its lines are rejects, with a reason saying to choose LISTING.

use super::fields::{digits, header, hms, two};
use super::{DateOrder, Dialect, DialectOptions, Grouping};
use crate::core::record::{Cost, Direction, Extra, HeaderKind, Parsed, Record, TimeMeaning};
use chrono::{NaiveDate, NaiveTime};

pub const NAME: &str = "alcatel";
/// `statement`: the line-by-line statement printout (MMC printout type LISTING).
pub const LAYOUTS: &[&str] = &["statement"];
pub const GROUPING: Grouping = Grouping::Whole;

const TYPES: [&str; 4] = ["-->", "<--", "CS+", "CS-"];
/// ADD. SERVICES letters: `I`, `R` from M6; `X`, `N`, `S`, `T` from the Splunk app.
const FACILITY_LETTERS: &str = "IRXNST";
/// Whole words that only the title lines print.
const TITLE_WORDS: [&str; 5] = ["DURATION", "DIALLED", "TAXES", "SERV", "SERVICES"];

pub fn new(opts: DialectOptions) -> Box<dyn Dialect> {
    Box::new(Alcatel {
        date_order: opts.date_order,
        ..Alcatel::default()
    })
}

/// Remembers which optional money fields the last title lines named.
#[derive(Default)]
pub struct Alcatel {
    date_order: DateOrder,
    /// Set by a title line; `(COST named, BUSIN. CODE named)` over consecutive title lines.
    titles: Option<(bool, bool)>,
    last_was_title: bool,
}

impl Dialect for Alcatel {
    fn name(&self) -> &'static str {
        NAME
    }

    fn parse(&mut self, line: &str) -> Parsed {
        let result = self.parse_line(line);
        match result {
            Ok(p) => p,
            Err(reason) => Parsed::Reject { reason },
        }
    }
}

/// `AXXXX`, `GX`, `LXX`/`NXX`/`PXX`/`VXX`, `****`, or the digits of an 8-digit plan.
fn is_user(tok: &str) -> bool {
    if tok == "****" {
        return true;
    }
    if digits(tok) {
        return tok.len() <= 9;
    }
    let mut c = tok.chars();
    matches!(c.next(), Some('A' | 'G' | 'L' | 'N' | 'P' | 'V'))
        && tok.len() <= 9
        && digits(c.as_str())
}

/// `LXX`, `NXX`, `PXX`, `VXX` (any digit count), or `N**`/`V**` from LINE 4.
fn is_line(tok: &str) -> bool {
    let mut c = tok.chars();
    matches!(c.next(), Some('L' | 'N' | 'P' | 'V'))
        && tok.len() <= 5
        && (digits(c.as_str()) || c.as_str() == "**")
}

/// `aa:bb` with `bb` < 60: hours and minutes of a time, minutes and seconds of a ring time.
fn pair(tok: &str) -> Option<(u32, u32)> {
    let (a, b) = tok.split_once(':')?;
    let (a, b) = (two(a)?, two(b)?);
    (b < 60).then_some((a, b))
}

fn is_date_shape(tok: &str) -> bool {
    let p: Vec<&str> = tok.split('/').collect();
    p.len() == 3
        && p.iter()
            .all(|x| digits(x) && (x.len() == 2 || x.len() == 4))
}

fn date(tok: &str, order: DateOrder) -> Result<NaiveDate, String> {
    let p: Vec<&str> = tok.split('/').collect();
    let n: Vec<i32> = p.iter().filter_map(|x| x.parse().ok()).collect();
    let [a, b, c] = n.as_slice() else {
        return Err(format!("date {tok:?} is not dd/mm/yy"));
    };
    let (y, m, d) = match order {
        DateOrder::Dmy => (*c, *b, *a),
        DateOrder::Mdy => (*c, *a, *b),
        DateOrder::Ymd => (*a, *b, *c),
    };
    // Two-digit years: the manual's example prints 00 for 2000; 70..99 are 19xx.
    let y = match y {
        0..=69 => 2000 + y,
        70..=99 => 1900 + y,
        y => y,
    };
    NaiveDate::from_ymd_opt(y, m as u32, d as u32).ok_or_else(|| {
        format!(
            "date {tok:?} is not a valid date in the configured order ({})",
            order.as_str()
        )
    })
}

fn is_number(tok: &str) -> bool {
    // Digits, and what a masked or special number may show; at least one digit.
    tok.chars().any(|c| c.is_ascii_digit())
        && tok
            .chars()
            .all(|c| c.is_ascii_digit() || "*#+Xx".contains(c))
}

fn is_amount(tok: &str) -> bool {
    let digits = tok.chars().filter(char::is_ascii_digit).count();
    digits > 0
        && tok
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        && tok.chars().filter(|c| *c == '.' || *c == ',').count() <= 1
}

/// `A101` → `101`; groups, accesses and `****` as printed (`****` → empty).
fn extension_of(user: &str) -> String {
    match user.strip_prefix('A') {
        Some(d) if digits(d) => d.to_string(),
        _ if user == "****" => String::new(),
        _ => user.to_string(),
    }
}

impl Alcatel {
    fn parse_line(&mut self, line: &str) -> Result<Parsed, String> {
        let was_title = std::mem::take(&mut self.last_was_title);
        let body = line.trim_matches(|c: char| c.is_whitespace() || c == '\x0c');
        if body.is_empty() {
            return Err("blank line".into());
        }
        let toks: Vec<&str> = body.split_whitespace().collect();
        let Some(ti) = toks.iter().position(|t| TYPES.contains(t)) else {
            return self.non_record(body, &toks, was_title);
        };
        let kind = toks[ti];
        let pre = &toks[..ti];
        if let Some(bad) = pre.iter().find(|t| !is_user(t)) {
            return Err(format!(
                "{bad:?} before the call type is not a user (AXXXX, GX, LXX, NXX, PXX or ****)"
            ));
        }
        let (initial, charged) = match pre {
            [] => (None, None),
            [c] => (None, Some(*c)),
            [i, c] => (Some(*i), Some(*c)),
            _ => {
                return Err(format!(
                "{} fields before the call type; expected INITIAL USER and CHARGED USER at most",
                pre.len()
            ))
            }
        };
        let rest = &toks[ti + 1..];
        let mut i = 0;
        let trunk = match rest.first() {
            Some(t) if t.starts_with('R') && (t.len() == 1 || digits(&t[1..])) => {
                // A wake-up call (LINE `R`, for room): not a call to count.
                return Ok(header(HeaderKind::Other));
            }
            Some(t) if is_line(t) => {
                i += 1;
                Some(t.to_string())
            }
            _ => None,
        };
        if kind == "CS+" || kind == "CS-" {
            // A complementary service switched on or off (e.g. forwarding): not a call.
            return Ok(header(HeaderKind::Other));
        }
        let date_tok = rest.get(i).ok_or(
            "line ends after the call type; no date (cut line, or the DATE field is not printed)",
        )?;
        if !is_date_shape(date_tok) {
            return Err(format!(
                "{date_tok:?} after the call type is not a line (LXX NXX PXX) or a date dd/mm/yy"
            ));
        }
        let date = date(date_tok, self.date_order)?;
        i += 1;
        let time_tok = rest
            .get(i)
            .ok_or("line ends after the date; no time (cut line?)")?;
        let secs = pair(time_tok)
            .map(|(h, m)| h * 3600 + m * 60)
            .or_else(|| hms(time_tok))
            .filter(|s| *s < 24 * 3600)
            .ok_or_else(|| format!("time {time_tok:?} is not hh:mm"))?;
        let time = NaiveTime::from_num_seconds_from_midnight_opt(secs, 0)
            .ok_or_else(|| format!("time {time_tok:?} is not a time of day"))?;
        i += 1;
        let dur_tok = rest
            .get(i)
            .ok_or("line ends after the time; no duration (cut line?)")?;
        let duration =
            hms(dur_tok).ok_or_else(|| format!("duration {dur_tok:?} is not hh:mm:ss"))?;
        i += 1;

        let mut warnings = Vec::new();
        let mut units = None;
        if let Some(t) = rest.get(i).filter(|t| digits(t) && t.len() <= 6) {
            units = Some(t.trim_start_matches('0').to_string());
            i += 1;
        }
        let mut service = None;
        if let Some(t) = rest
            .get(i)
            .filter(|t| t.len() == 2 && (t.starts_with('S') || t.starts_with('T')))
        {
            service = Some(*t);
            i += 1;
        }
        let mut facilities = None;
        if let Some(t) = rest.get(i).filter(|t| {
            service.is_some() && t.len() <= 6 && t.chars().all(|c| FACILITY_LETTERS.contains(c))
        }) {
            facilities = Some(t.to_string());
            i += 1;
        }
        let mut number = String::new();
        // Digits right after SERV (or the facilities) are the number; a cost printed without
        // decimals after an empty number field would read as the number (widths unknown).
        if let Some(t) = rest.get(i).filter(|t| is_number(t)) {
            number = t.to_string();
            i += 1;
        }
        // MODE (manual or speed dial): nothing in a record says how a number was dialled.
        if rest.get(i).is_some_and(|t| matches!(*t, "M" | "I" | "R")) {
            i += 1;
        }
        let mut ring = None;
        if let Some((m, s)) = rest.get(i).and_then(|t| pair(t)) {
            ring = Some(m * 60 + s);
            i += 1;
        }
        let mut amounts = Vec::new();
        while let Some(t) = rest.get(i).filter(|t| is_amount(t)) {
            amounts.push(*t);
            i += 1;
        }
        let (cost, account) = match amounts.as_slice() {
            [] => (None, None),
            [one] => {
                let is_code =
                    !one.contains(['.', ',']) && matches!(self.titles, Some((false, true)));
                if is_code {
                    (None, Some(*one))
                } else {
                    (Some(*one), None)
                }
            }
            [c, a, more @ ..] => {
                if !more.is_empty() {
                    warnings.push(format!("unread numbers: {:?}", more.join(" ")));
                }
                (Some(*c), Some(*a))
            }
        };
        let name = rest[i..].join(" ");

        let direction = if kind == "-->" {
            Direction::Outgoing
        } else {
            Direction::Incoming
        };
        let user = charged.filter(|u| *u != "****").or(initial);
        let cost = match (cost, units) {
            (Some(c), _) => Some(Cost {
                amount: c.replace(',', "."),
                currency: String::new(),
            }),
            (None, Some(u)) => Some(Cost {
                amount: if u.is_empty() { "0".into() } else { u },
                currency: "units".into(),
            }),
            (None, None) => None,
        };
        let record = Record {
            dialect: NAME,
            layout: LAYOUTS[0],
            date: Some(date),
            time: Some(time),
            time_is: TimeMeaning::CallStart,
            extension: user.map(extension_of).unwrap_or_default(),
            trunk,
            direction,
            number,
            caller_name: None,
            ddi: None,
            ring_secs: ring,
            duration_secs: Some(duration),
            cost,
            account_code: account.map(str::to_string),
            unanswered: direction == Direction::Incoming && duration == 0,
            transferred: false,
            forwarded: facilities.as_deref().is_some_and(|f| f.contains('R')),
            condition: facilities,
            extra: Extra {
                extension_name: (!name.is_empty()).then_some(name),
                ..Extra::default()
            },
        };
        Ok(Parsed::Record {
            record: Box::new(record),
            warnings,
        })
    }

    /// A line without a call type: titles, rules, the page header or the day's count.
    fn non_record(&mut self, body: &str, toks: &[&str], was_title: bool) -> Result<Parsed, String> {
        if body.len() >= 3 && body.chars().all(|c| "-=_* ".contains(c)) {
            return Ok(header(HeaderKind::Rule));
        }
        let upper = body.to_ascii_uppercase();
        let words: Vec<&str> = upper
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| !w.is_empty())
            .collect();
        let has = |w: &str| words.contains(&w);
        if TITLE_WORDS.iter().any(|w| has(w)) || (has("USER") && has("LINE")) {
            let (cost, busin) = if was_title {
                self.titles.unwrap_or((false, false))
            } else {
                (false, false)
            };
            self.titles = Some((cost || has("COST"), busin || has("BUSIN")));
            self.last_was_title = true;
            return Ok(header(HeaderKind::Titles));
        }
        if let [n] = toks {
            if digits(n) && n.len() <= 5 {
                // The day's statement count at the bottom of the page.
                return Ok(header(HeaderKind::Other));
            }
        }
        if !body.chars().any(|c| c.is_ascii_digit()) {
            // The page header's company name (16 characters at most) or other decoration.
            return Ok(header(HeaderKind::Other));
        }
        Err(
            "no call type --> <-- CS+ CS- (not an OmniPCX Office statement line; a TICKET \
             printout is not read: choose the LISTING printout)"
                .into(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader() -> Alcatel {
        Alcatel::default()
    }

    fn record(a: &mut Alcatel, l: &str) -> (Record, Vec<String>) {
        match a.parse(l) {
            Parsed::Record { record, warnings } => (*record, warnings),
            other => panic!("{l}: {other:?}"),
        }
    }

    fn reject(a: &mut Alcatel, l: &str) -> String {
        match a.parse(l) {
            Parsed::Reject { reason } => reason,
            other => panic!("{l}: {other:?}"),
        }
    }

    /// M1's example line with the default fields, every field checked. The manual's text copy
    /// loses the LINE value, so the line is written with one (`L01`) and without.
    #[test]
    fn manual_example() {
        let mut a = reader();
        for (l, trunk) in [
            (
                "A101  --> L01 23/10/00 08:31 00:02:40     6 ST    00388677700",
                Some("L01"),
            ),
            (
                "A101  -->     23/10/00 08:31 00:02:40     6 ST    00388677700",
                None,
            ),
        ] {
            let (r, w) = record(&mut a, l);
            assert!(w.is_empty(), "{w:?}");
            assert_eq!(
                r,
                Record {
                    dialect: "alcatel",
                    layout: "statement",
                    date: NaiveDate::from_ymd_opt(2000, 10, 23),
                    time: NaiveTime::from_hms_opt(8, 31, 0),
                    time_is: TimeMeaning::CallStart,
                    extension: "101".into(),
                    trunk: trunk.map(str::to_string),
                    direction: Direction::Outgoing,
                    number: "00388677700".into(),
                    caller_name: None,
                    ddi: None,
                    ring_secs: None,
                    duration_secs: Some(160),
                    cost: Some(Cost {
                        amount: "6".into(),
                        currency: "units".into()
                    }),
                    account_code: None,
                    condition: None,
                    unanswered: false,
                    transferred: false,
                    forwarded: false,
                    extra: Extra::default(),
                }
            );
        }
    }

    /// Lines written from the documented fields: every optional field printed.
    #[test]
    fn all_fields() {
        let mut a = reader();
        assert_eq!(
            a.parse("USER        LINE           TIME        TAXES      ADD. SERVICES    MODE        COST"),
            header(HeaderKind::Titles)
        );
        assert_eq!(
            a.parse("      TYPE       DATE            DURATION     SERV     DIALLED NUMBER   RING  BUSIN. CODE  USER NAME"),
            header(HeaderKind::Titles)
        );
        let (r, w) = record(
            &mut a,
            "G1    A102  <-- N01 23/10/00 08:45 00:05:12     0 ST    0388123456       00:12       0.00            4711 MARTIN P",
        );
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(r.direction, Direction::Incoming);
        assert_eq!(r.extension, "102");
        assert_eq!(r.trunk.as_deref(), Some("N01"));
        assert_eq!(r.number, "0388123456");
        assert_eq!(r.ring_secs, Some(12));
        assert_eq!(r.duration_secs, Some(312));
        assert_eq!(r.cost.as_ref().map(|c| c.amount.as_str()), Some("0.00"));
        assert_eq!(r.account_code.as_deref(), Some("4711"));
        assert_eq!(r.extra.extension_name.as_deref(), Some("MARTIN P"));
        assert!(!r.unanswered);
        // Outgoing: INITIAL USER `****`, speed dial, facility R (forwarding), masked digits.
        let (r, _) = record(
            &mut a,
            "****  A103  --> P01 23/10/00 09:15 00:12:03    24 ST R  0145****          I       4.08  DURAND",
        );
        assert_eq!(r.extension, "103");
        assert_eq!(r.number, "0145****");
        assert!(r.forwarded);
        assert_eq!(r.condition.as_deref(), Some("R"));
        assert_eq!(r.cost.as_ref().map(|c| c.amount.as_str()), Some("4.08"));
        assert_eq!(r.account_code, None);
        // Unanswered incoming on a hunting group, no caller number: zero duration, ring time.
        let (r, _) = record(
            &mut a,
            "G1    <-- L02 24/10/00 10:02 00:00:00     0 ST                      00:30",
        );
        assert!(r.unanswered);
        assert_eq!(r.extension, "G1");
        assert_eq!((r.number.as_str(), r.ring_secs), ("", Some(30)));
        assert_eq!(r.date, NaiveDate::from_ymd_opt(2000, 10, 24));
    }

    #[test]
    fn lone_number_follows_the_titles() {
        let mut a = reader();
        // Titles naming BUSIN. CODE and not COST: the lone number is the account code.
        a.parse("USER TYPE LINE DATE TIME DURATION TAXES SERV DIALLED NUMBER BUSIN. CODE");
        let (r, _) = record(
            &mut a,
            "A101 --> L01 23/10/00 08:31 00:02:40 6 ST 0388 4711",
        );
        assert_eq!(r.account_code.as_deref(), Some("4711"));
        // Without titles: a cost.
        let mut a = reader();
        let (r, _) = record(
            &mut a,
            "A101 --> L01 23/10/00 08:31 00:02:40 6 ST 0388 4711",
        );
        assert_eq!(r.account_code, None);
        assert_eq!(r.cost.unwrap().amount, "4711");
    }

    #[test]
    fn headers() {
        let mut a = reader();
        for (l, h) in [
            ("ACME SARL", HeaderKind::Other),
            ("-----------------------------------", HeaderKind::Rule),
            (
                "                                     00042",
                HeaderKind::Other,
            ),
            ("A104  CS+     23/10/00 10:00", HeaderKind::Other),
            (
                "A104  CS- L01 23/10/00 18:00 00:00:00 0 ST R",
                HeaderKind::Other,
            ),
            ("A201  --> R 23/10/00 07:00 00:00:30", HeaderKind::Other),
        ] {
            assert_eq!(a.parse(l), header(h), "{l:?}");
        }
    }

    #[test]
    fn hostile_lines_are_rejected_with_a_reason() {
        let mut a = reader();
        for (l, want) in [
            (" ", "blank line"),
            ("CALL 12 FROM SOMEWHERE", "no call type --> <-- CS+ CS- (not an OmniPCX Office statement line; a TICKET printout is not read: choose the LISTING printout)"),
            ("A101 -->", "line ends after the call type; no date (cut line, or the DATE field is not printed)"),
            ("A101 --> L01", "line ends after the call type; no date (cut line, or the DATE field is not printed)"),
            ("A101 --> L01 23/10/00", "line ends after the date; no time (cut line?)"),
            ("A101 --> L01 23/10/00 08:31", "line ends after the time; no duration (cut line?)"),
            ("A101 --> L01 23/10/00 08:31 2:40", "duration \"2:40\" is not hh:mm:ss"),
            ("A101 --> L01 23/10/00 25:31 00:02:40", "time \"25:31\" is not hh:mm"),
            ("A101 --> L01 31/02/00 08:31 00:02:40", "date \"31/02/00\" is not a valid date in the configured order (dmy)"),
            ("A101 --> X01 23/10/00 08:31 00:02:40", "\"X01\" after the call type is not a line (LXX NXX PXX) or a date dd/mm/yy"),
            ("B101 --> L01 23/10/00 08:31 00:02:40", "\"B101\" before the call type is not a user (AXXXX, GX, LXX, NXX, PXX or ****)"),
            ("G1 A1 A2 --> L01 23/10/00 08:31 00:02:40", "3 fields before the call type; expected INITIAL USER and CHARGED USER at most"),
        ] {
            assert_eq!(reject(&mut a, l), want, "{l:?}");
        }
    }

    #[test]
    fn configured_date_order() {
        let mut a = Alcatel {
            date_order: DateOrder::Mdy,
            ..Alcatel::default()
        };
        let (r, _) = record(&mut a, "A101 --> L01 10/23/00 08:31 00:02:40 6 ST 0388");
        assert_eq!(r.date, NaiveDate::from_ymd_opt(2000, 10, 23));
    }

    #[test]
    fn never_panics() {
        let seeds = [
            "G1    A102  <-- N01 23/10/00 08:45 00:05:12     0 ST X  0388123456  M 00:12  0.00  4711 MARTIN P",
            "USER  TYPE LINE DATE TIME DURATION TAXES SERV ADD. SERVICES DIALLED NUMBER COST BUSIN. CODE",
            "A104  CS+ L01 23/10/00 10:00 00:00:00 0 ST R",
        ];
        let mut a = reader();
        crate::core::dialect::fields::shake(
            &seeds,
            "0123456789/:*-<>+ AGLNPRSTX.\t\x0cé",
            11,
            |l| {
                let _ = a.parse(l);
            },
        );
    }
}
