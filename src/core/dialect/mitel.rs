//! Mitel SMDR: the 3300 ICP / MiVoice Business / SX-2000 / SX-200 "external SMDR" record of
//! fixed columns, and the Mitel 5000 (Inter-Tel 5000) SMDR report.
//!
//! Layout reference: `shared/formats/mitel.md` (sources M1–M8 there). **No real Mitel capture
//! has confirmed any of this**: every fact below is from Mitel's documents (marked
//! *documented*) or is this module's reading of them (marked *inferred*). Please send a
//! capture (`smdrbox capture`).
//!
//! ```text
//!  06/13 11:42p 00:08:29 214       6135952122           00012A T054       4711         000
//! TLD 1001  92001 6025551234                    14:02 00:03:12 $01.25 123456
//! ```
//!
//! (a 3300 record, then a 5000 report line; written from the documents)
//!
//! # Layout `3300` (columns 1-based)
//!
//! *Documented* by M1 up to column 34: long-call flag 1 (blank, `-`, `%`, `+`), date `mm/dd`
//! 2–6 (no year), start time `hh:mm` with `p` for PM 8–13, duration `hh:mm:ss` 15–22, calling
//! party 24–27 (`cccc` extension, `Tnnn` CO trunk, `Xnnn` non-CO trunk, `ATTm` attendant),
//! attendant flag 29 (`*` attendant answered or initiated, then transferred). The rest is
//! read from M3's template record
//! `06/13_11:42p_00:08:29_214 _fttt_6135952122xxxxxxxxxxxmmmmmAsT054k_rrrr_aaaaaaaaaaaas000`
//! (`_` a blank), whose fields fall exactly on M1's columns when it starts at column 2 and
//! whose length, 87 + CR LF, is M3's documented "90 characters": time to answer 30–32,
//! digits dialled 34–59 (meter pulses 55–59 when that option is on), call completion status
//! 60, speed call / ARS flag 61, called party 62–65, transfer/conference flag 66, third party
//! 68–71, account code 73–84, 85 (not described), system id 86–88. The SX-200 prints the same
//! leading fields (M4). Records end at the last printed character (trailing blanks may be cut).
//!
//! # Layout `5000` (M8)
//!
//! `TYP EXT# TRUNK DIALED DIGITS START ELAPSED COST ACCOUNT CODE`, blank-separated: type
//! (`000` `LOC` `TLC` `TLD` `O/I` `OP` `INT` `DSA` `CNF` `DID` `IN` `NET`), extension (`*****`
//! for an unanswered ring-in), trunk, dialled digits (up to 28, `>` if cut), start `HH:MM`,
//! elapsed `HH:MM:SS`, cost `$XX.XX` (or `$XXXXX`, `$$$$$$`), account code. Read by tokens
//! around the start/elapsed pair. No date is printed.
//!
//! # Decisions
//!
//! - Date: Mitel prints no year (3300: `mm/dd`; 5000: no date at all), and the core has no
//!   clock, so `date` is `None` with a warning naming the printed month and day: the store files
//!   the record by the day it was received. `time_is` is [`TimeMeaning::CallStart`].
//! - 12-hour clock: `p` adds 12 hours; once a `p` has been seen the PBX is known to use the
//!   12-hour clock and `12:xx` without `p` is just after midnight (the dialect remembers it).
//! - 3300 direction: a trunk (`T`/`X`) as calling party is incoming (the called party answered
//!   it; the digits dialled are the digits received on the trunk, kept as `ddi`; the CLI is
//!   only in the ANI/DNIS extension, whose columns are not documented, so `number` is empty);
//!   a trunk as called party is outgoing (the digits dialled are the `number`); two stations
//!   are internal (internal SMDR).
//! - Time to answer is `ring_secs` (incoming). Meter pulses are a [`Cost`] in `units`, read
//!   only when column 54 is blank and 55–59 are five digits (*inferred*: with the option off,
//!   those columns hold dialled digits).
//! - Completion status is kept as `condition`. `B` (busy) and `E` (invalid number) on an
//!   incoming call, or no talk time, mean `unanswered` (*documented* letters, M5; the other
//!   letters are garbled in the available copy and are kept as printed).
//! - `transferred`: transfer/conference flag `T` (M4's example: "241T 215", 241 transferred to
//!   215), or attendant flag `*` (M1). The third party is not stored (it stays in the raw
//!   line).
//! - Start time with seconds (`hh:mm:ssp`, M3 "Level 2"): every later column is read 3 to the
//!   right (*inferred*). The extended digit length layout (duration `hhhh:mm:ss`) is rejected:
//!   its columns past 34 are not in the available documents.
//! - DATA SMDR records (`mm-dd` with a dash and the word `DATA`, M4) are `Header { Other }`:
//!   data calls, not voice calls. The MiVoice Office Application Suite "IP SMDR" event stream
//!   (M7) is not read (rejected).
//! - `GROUPING` is `Whole`: the network format's call identifier (M2) is not in the available
//!   column tables, so no `call_id` is read.

use super::fields::{digits, excerpt, header, hms, reject, two};
use super::{Dialect, DialectOptions, Grouping};
use crate::core::record::{Cost, Direction, Extra, HeaderKind, Parsed, Record, TimeMeaning};
use chrono::NaiveTime;

pub const NAME: &str = "mitel";
pub const LAYOUTS: &[&str] = &[L3300, L5000];
pub const GROUPING: Grouping = Grouping::Whole;

const L3300: &str = "3300";
const L5000: &str = "5000";

/// 3300 records are 90 columns (101 extended, 120 with ANI/DNIS); the 5000 report is narrower.
const MAX_WIDTH: usize = 130;

/// Mitel 5000 call types (M8).
const TYPES_5000: [&str; 12] = [
    "000", "LOC", "TLC", "TLD", "O/I", "OP", "INT", "DSA", "CNF", "DID", "IN", "NET",
];

pub fn new(_opts: DialectOptions) -> Box<dyn Dialect> {
    Box::new(Mitel::default())
}

#[derive(Debug, Default)]
pub struct Mitel {
    /// A `p` (PM) has been seen: the PBX prints a 12-hour clock.
    twelve_hour: bool,
}

impl Dialect for Mitel {
    fn name(&self) -> &'static str {
        NAME
    }

    fn parse(&mut self, line: &str) -> Parsed {
        let body = line
            .trim_start_matches('\x0c')
            .trim_end_matches(char::is_whitespace);
        let lead = body.trim_start();
        if lead.is_empty() {
            return reject("blank line");
        }
        if lead.chars().count() >= 3 && lead.chars().all(|c| c == '-' || c == '=') {
            return header(HeaderKind::Rule);
        }
        if lead.starts_with("TYP") && lead.contains("EXT") {
            return header(HeaderKind::Titles);
        }
        let c: Vec<char> = body.chars().collect();
        if c.len() > MAX_WIDTH {
            return reject(format!(
                "{} columns: a Mitel SMDR record has at most 120",
                c.len()
            ));
        }
        let first = lead.split_whitespace().next().unwrap_or_default();
        let result = if TYPES_5000.contains(&first) {
            self.record_5000(lead)
        } else {
            self.record_3300(&c)
        };
        result.unwrap_or_else(reject)
    }
}

fn at(c: &[char], i: usize) -> char {
    c.get(i).copied().unwrap_or(' ')
}

fn field(c: &[char], a: usize, b: usize) -> String {
    let b = b.min(c.len());
    if a >= b {
        return String::new();
    }
    c[a..b].iter().collect::<String>().trim().to_string()
}

impl Mitel {
    /// `hh:mm`, `hh:mm:ss`, either with an optional `p`/`P`.
    fn clock(&mut self, s: &str) -> Option<NaiveTime> {
        let (s, pm) = match s.strip_suffix(['p', 'P']) {
            Some(rest) => (rest, true),
            None => (s, false),
        };
        let p: Vec<&str> = s.split(':').collect();
        let (h, m, sec) = match p.as_slice() {
            [h, m] => (two(h)?, two(m)?, 0),
            [h, m, sec] => (two(h)?, two(m)?, two(sec)?),
            _ => return None,
        };
        if pm {
            self.twelve_hour = true;
        }
        let h = match (pm, self.twelve_hour, h) {
            (true, _, 1..=11) => h + 12,
            (true, _, 12) => 12,
            (true, _, _) => return None,
            (false, true, 12) => 0,
            (false, true, 13..) => return None,
            _ => h,
        };
        NaiveTime::from_hms_opt(h, m, sec)
    }

    fn record_3300(&mut self, c: &[char]) -> Result<Parsed, String> {
        let date = field(c, 1, 6);
        let md: Vec<&str> = date.split(['/', '-']).collect();
        let month_day = match md.as_slice() {
            [m, d] => two(m)
                .zip(two(d))
                .filter(|(m, d)| (1..=12).contains(m) && (1..=31).contains(d)),
            _ => None,
        };
        let Some((month, day)) = month_day.filter(|_| at(c, 3) == '/' || at(c, 3) == '-') else {
            return Err(format!(
                "no date mm/dd at column 2 (found '{}'): not a Mitel 3300 or 5000 record",
                excerpt(&date)
            ));
        };
        if at(c, 3) == '-' {
            // DATA SMDR (M4): month and day separated by a dash, `DATA` in the digits field.
            return if c.iter().collect::<String>().contains("DATA") {
                Ok(header(HeaderKind::Other))
            } else {
                Err("date mm-dd without DATA: not a Mitel SMDR record".into())
            };
        }
        let long_flag = at(c, 0);
        if !matches!(long_flag, ' ' | '-' | '%' | '+') {
            return Err(format!("long-call flag '{long_flag}' (blank, -, % or +)"));
        }
        // Start time `hh:mmp` (Level 1) or `hh:mm:ssp` (Level 2): later columns move 3 right.
        let shift = if at(c, 12) == ':' { 3 } else { 0 };
        let time_text = field(c, 7, 13 + shift);
        let time = self
            .clock(&time_text)
            .ok_or_else(|| format!("bad start time '{}' (hh:mm, p for PM)", excerpt(&time_text)))?;
        let col = |n: usize| n - 1 + shift;
        if at(c, col(19)) == ':' && at(c, col(22)) == ':' {
            return Err(
                "duration hhhh:mm:ss: the extended digit length layout's columns past 34 are \
                 not in the available documents"
                    .into(),
            );
        }
        let dur_text = field(c, col(15), col(23));
        let duration = hms(&dur_text)
            .ok_or_else(|| format!("bad duration '{}' (hh:mm:ss)", excerpt(&dur_text)))?;
        let calling = field(c, col(24), col(28));
        if calling.is_empty() {
            return Err("no calling party at column 24".into());
        }
        let attendant = at(c, col(29));
        let tta = field(c, col(30), col(33));
        let ring = match tta.as_str() {
            "" => None,
            t if digits(t) => t.parse().ok(),
            t => return Err(format!("bad time to answer '{}' (ttt)", excerpt(t))),
        };
        let mut dialled = field(c, col(34), col(60));
        let meter = field(c, col(55), col(60));
        let mut cost = None;
        if at(c, col(54)) == ' ' && meter.len() == 5 && digits(&meter) {
            dialled = field(c, col(34), col(54));
            let units = meter.trim_start_matches('0');
            cost = Some(Cost {
                amount: if units.is_empty() { "0" } else { units }.into(),
                currency: "units".into(),
            });
        }
        let status = at(c, col(60));
        let called = field(c, col(62), col(66));
        let transfer_flag = at(c, col(66));
        let account = field(c, col(73), col(85));
        let is_trunk = |p: &str| {
            let mut ch = p.chars();
            matches!(ch.next(), Some('T' | 'X')) && digits(ch.as_str())
        };
        let station_ok = |p: &str| digits(p) || (p.starts_with("ATT") && p.len() <= 4);
        let mut warnings = Vec::new();
        let (direction, extension, trunk, number, ddi) = if is_trunk(&calling) {
            (
                Direction::Incoming,
                called.clone(),
                Some(calling[1..].to_string()),
                String::new(),
                (!dialled.is_empty()).then(|| dialled.clone()),
            )
        } else if station_ok(&calling) {
            if is_trunk(&called) {
                (
                    Direction::Outgoing,
                    calling.clone(),
                    Some(called[1..].to_string()),
                    dialled.clone(),
                    None,
                )
            } else {
                (
                    Direction::Internal,
                    calling.clone(),
                    None,
                    called.clone(),
                    None,
                )
            }
        } else {
            return Err(format!(
                "calling party '{}' is not an extension, Tnnn, Xnnn or ATTm",
                excerpt(&calling)
            ));
        };
        warnings.push(format!(
            "Mitel prints no year: date {month:02}/{day:02} left to the receive date"
        ));
        let incoming = direction == Direction::Incoming;
        Ok(Parsed::Record {
            record: Box::new(Record {
                dialect: NAME,
                layout: L3300,
                date: None,
                time: Some(time),
                time_is: TimeMeaning::CallStart,
                extension,
                trunk,
                direction,
                number,
                caller_name: None,
                ddi,
                ring_secs: if incoming { ring } else { None },
                duration_secs: Some(duration),
                cost,
                account_code: (!account.is_empty()).then_some(account),
                condition: (status != ' ').then(|| status.to_string()),
                unanswered: incoming && (matches!(status, 'B' | 'E') || duration == 0),
                transferred: transfer_flag == 'T' || attendant == '*',
                forwarded: false,
                extra: Extra::default(),
            }),
            warnings,
        })
    }

    fn record_5000(&mut self, lead: &str) -> Result<Parsed, String> {
        let toks: Vec<&str> = lead.split_whitespace().collect();
        // START and ELAPSED are the first `HH:MM` followed by `HH:MM:SS`.
        let Some(i) = (3..toks.len().saturating_sub(1))
            .find(|&i| toks[i].len() == 5 && toks[i].contains(':') && hms(toks[i + 1]).is_some())
        else {
            return Err("Mitel 5000 type without START HH:MM and ELAPSED HH:MM:SS".into());
        };
        let (typ, ext, trunk) = (toks[0], toks[1], toks[2]);
        if !(digits(ext) || ext == "*****") {
            return Err(format!(
                "bad extension '{}' (digits or *****)",
                excerpt(ext)
            ));
        }
        if !digits(trunk) {
            return Err(format!("bad trunk '{}' (digits)", excerpt(trunk)));
        }
        let dialled = toks[3..i].concat();
        let time = self
            .clock(toks[i])
            .ok_or_else(|| format!("bad start '{}' (HH:MM)", excerpt(toks[i])))?;
        let elapsed = hms(toks[i + 1]).unwrap_or_default();
        let mut rest = toks[i + 2..].iter().copied().peekable();
        let cost = match rest.peek() {
            Some(t) if t.starts_with('$') => {
                let t = rest.next().unwrap_or_default();
                let amount = &t[1..];
                let ok = !amount.is_empty()
                    && amount.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                    && amount.matches('.').count() <= 1;
                // `$$$$$$` is an amount too large to print: no amount.
                ok.then(|| Cost {
                    amount: {
                        let a = amount.trim_start_matches('0');
                        if a.is_empty() || a.starts_with('.') {
                            format!("0{a}")
                        } else {
                            a.to_string()
                        }
                    },
                    currency: "$".into(),
                })
            }
            _ => None,
        };
        let account: Vec<&str> = rest.filter(|t| *t != "*").collect();
        let unanswered = ext == "*****";
        let direction = match typ {
            "IN" | "DID" | "DSA" => Direction::Incoming,
            _ => Direction::Outgoing,
        };
        let mut warnings = vec!["the Mitel 5000 report prints no date".to_string()];
        if matches!(typ, "CNF" | "NET") {
            warnings.push(format!(
                "type {typ}: direction not documented, read as outgoing"
            ));
        }
        Ok(Parsed::Record {
            record: Box::new(Record {
                dialect: NAME,
                layout: L5000,
                date: None,
                time: Some(time),
                time_is: TimeMeaning::CallStart,
                extension: if unanswered {
                    String::new()
                } else {
                    ext.to_string()
                },
                trunk: Some(trunk.to_string()),
                direction,
                number: dialled,
                caller_name: None,
                ddi: None,
                // An unanswered ring-in's ELAPSED is how long it rang (Inter-Tel Axxess guide).
                ring_secs: unanswered.then_some(elapsed),
                duration_secs: Some(if unanswered { 0 } else { elapsed }),
                cost,
                account_code: (!account.is_empty()).then(|| account.join(" ")),
                condition: Some(typ.to_string()),
                unanswered,
                transferred: false,
                forwarded: false,
                extra: Extra::default(),
            }),
            warnings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Puts each text at its 1-based column, blanks in between: lines built from M1's columns
    /// and M3's template, not captured from a PBX.
    pub(crate) fn at_cols(fields: &[(usize, &str)]) -> String {
        let mut line: Vec<char> = Vec::new();
        for (col, t) in fields {
            let col0 = col - 1;
            if line.len() < col0 {
                line.resize(col0, ' ');
            }
            line.truncate(col0);
            line.extend(t.chars());
        }
        line.into_iter().collect()
    }

    fn rec(p: Parsed) -> (Record, Vec<String>) {
        match p {
            Parsed::Record { record, warnings } => (*record, warnings),
            other => panic!("not a record: {other:?}"),
        }
    }

    fn reason(p: Parsed) -> String {
        match p {
            Parsed::Reject { reason } => reason,
            other => panic!("not a reject: {other:?}"),
        }
    }

    fn t(h: u32, m: u32) -> Option<NaiveTime> {
        NaiveTime::from_hms_opt(h, m, 0)
    }

    #[test]
    fn template_outgoing_with_meter_pulses() {
        // M3's template with the placeholders filled: station 214 on trunk 54, answer
        // supervision, 12 meter pulses, account code 4711, system id 000.
        let line = at_cols(&[
            (2, "06/13 11:42p 00:08:29 214"),
            (34, "6135952122"),
            (55, "00012"),
            (60, "A"),
            (62, "T054"),
            (73, "4711"),
            (86, "000"),
        ]);
        assert_eq!(line.chars().count(), 88);
        let mut m = Mitel::default();
        let (r, w) = rec(m.parse(&line));
        assert_eq!(r.layout, "3300");
        assert_eq!(r.date, None);
        assert_eq!(
            w,
            ["Mitel prints no year: date 06/13 left to the receive date"]
        );
        assert_eq!(r.time, t(23, 42));
        assert_eq!(r.time_is, TimeMeaning::CallStart);
        assert_eq!(r.duration_secs, Some(509));
        assert_eq!(r.direction, Direction::Outgoing);
        assert_eq!(r.extension, "214");
        assert_eq!(r.trunk.as_deref(), Some("054"));
        assert_eq!(r.number, "6135952122");
        assert_eq!(
            r.cost,
            Some(Cost {
                amount: "12".into(),
                currency: "units".into()
            })
        );
        assert_eq!(r.condition.as_deref(), Some("A"));
        assert_eq!(r.account_code.as_deref(), Some("4711"));
        assert_eq!(r.ring_secs, None);
        assert!(!r.unanswered && !r.transferred);
        // 12-hour clock known from now on: 12:05 without p is just after midnight.
        let l = at_cols(&[(2, "06/14 12:05  00:00:10 214"), (34, "911"), (62, "T054")]);
        assert_eq!(rec(m.parse(&l)).0.time, t(0, 5));
        let l = at_cols(&[(2, "06/14 12:05p 00:00:10 214"), (34, "911"), (62, "T054")]);
        assert_eq!(rec(m.parse(&l)).0.time, t(12, 5));
    }

    #[test]
    fn incoming_attendant_transfer_sx200_example() {
        // M4's SX-200 example, spacing restored to M1's columns: trunk 162 rang the console,
        // answered after 3 s (`*003`), extension 241 transferred to 215.
        let line = at_cols(&[
            (2, "03/12 07:42  00:03:06 T162 *003"),
            (62, "241 T 215"),
            (86, "000"),
        ]);
        let (r, _) = rec(Mitel::default().parse(&line));
        assert_eq!(r.direction, Direction::Incoming);
        assert_eq!(r.trunk.as_deref(), Some("162"));
        assert_eq!(r.extension, "241");
        assert_eq!(r.ring_secs, Some(3));
        assert_eq!(r.duration_secs, Some(186));
        assert_eq!(r.number, "");
        assert_eq!(r.ddi, None);
        assert!(r.transferred);
        assert!(!r.unanswered);
        assert_eq!(r.time, t(7, 42));
    }

    #[test]
    fn incoming_busy_did_internal_and_level2_time() {
        let mut m = Mitel::default();
        // Busy (B, M5) on a dial-in trunk: the digits received are the DDI.
        let busy = at_cols(&[
            (2, "03/12 09:00  00:00:00 T101 -012"),
            (34, "4321"),
            (60, "B"),
            (62, "2001"),
        ]);
        let (r, _) = rec(m.parse(&busy));
        assert!(r.unanswered);
        assert_eq!(r.ddi.as_deref(), Some("4321"));
        assert_eq!(r.condition.as_deref(), Some("B"));
        assert_eq!(r.ring_secs, Some(12));
        // Internal SMDR: station to station; a long-call flag.
        let internal = at_cols(&[(1, "%03/12 09:10  00:12:00 2001 -"), (62, "2002")]);
        let (r, _) = rec(m.parse(&internal));
        assert_eq!(r.direction, Direction::Internal);
        assert_eq!((r.extension.as_str(), r.number.as_str()), ("2001", "2002"));
        assert_eq!(r.trunk, None);
        // Level 2 start time with seconds: everything after moves three columns.
        let l2 = at_cols(&[
            (2, "03/12 09:15:30  00:01:00 2001"),
            (37, "0123456"),
            (63, "A"),
            (65, "X007"),
        ]);
        let (r, _) = rec(m.parse(&l2));
        assert_eq!(r.time, NaiveTime::from_hms_opt(9, 15, 30));
        assert_eq!(r.direction, Direction::Outgoing);
        assert_eq!(r.trunk.as_deref(), Some("007"));
        assert_eq!(r.number, "0123456");
        // Dialled digits to column 59 are digits, not meter pulses.
        let long = at_cols(&[
            (2, "03/12 09:20  00:01:00 2001"),
            (34, "00441234567890123456789012"),
            (62, "T001"),
        ]);
        let (r, _) = rec(m.parse(&long));
        assert_eq!(r.number, "00441234567890123456789012");
        assert_eq!(r.cost, None);
    }

    #[test]
    fn data_records_and_titles() {
        // M4's DATA SMDR example, columns as in its ruler.
        let data = "03-13 11:25 00:00:03 1411 DATA DTRX INVALID NUMBER E 1412";
        let mut m = Mitel::default();
        assert_eq!(m.parse(&format!(" {data}")), header(HeaderKind::Other));
        assert_eq!(
            m.parse(
                "TYP EXT# TRUNK DIALED DIGITS                START ELAPSED  COST   ACCOUNT CODE"
            ),
            header(HeaderKind::Titles)
        );
    }

    #[test]
    fn mitel_5000() {
        let mut m = Mitel::default();
        let (r, w) = rec(
            m.parse("TLD 1001  92001 6025551234                    14:02 00:03:12 $01.25 123456")
        );
        assert_eq!(r.layout, "5000");
        assert_eq!(w, ["the Mitel 5000 report prints no date"]);
        assert_eq!(r.direction, Direction::Outgoing);
        assert_eq!(r.extension, "1001");
        assert_eq!(r.trunk.as_deref(), Some("92001"));
        assert_eq!(r.number, "6025551234");
        assert_eq!(r.time, t(14, 2));
        assert_eq!(r.duration_secs, Some(192));
        assert_eq!(
            r.cost,
            Some(Cost {
                amount: "1.25".into(),
                currency: "$".into()
            })
        );
        assert_eq!(r.account_code.as_deref(), Some("123456"));
        assert_eq!(r.condition.as_deref(), Some("TLD"));
        // An unanswered ring-in: `*****`, elapsed is the ringing.
        let (r, _) = rec(m.parse("IN  *****  92002                               09:30 00:00:25"));
        assert_eq!(r.direction, Direction::Incoming);
        assert!(r.unanswered);
        assert_eq!(r.extension, "");
        assert_eq!(r.ring_secs, Some(25));
        assert_eq!(r.duration_secs, Some(0));
        let (r, _) =
            rec(m.parse("O/I 1002  92001 011441234567>                  10:00 01:00:00 $$$$$$"));
        assert_eq!(r.cost, None);
        assert_eq!(r.number, "011441234567>");
    }

    #[test]
    fn rejects() {
        let mut m = Mitel::default();
        let cases: &[(&str, &str)] = &[
            (" 13/45 11:42p 00:08:29 214", "no date mm/dd"),
            (" 06/13 11:42q 00:08:29 214", "bad start time"),
            (" 06/13 13:42p 00:08:29 214", "bad start time"),
            (" 06/13 11:42p 00:0829   214", "bad duration"),
            (" 06/13 11:42p 0000:08:29 214", "extended digit length"),
            (" 06/13 11:42p 00:08:29      ", "no calling party"),
            (" 06/13 11:42p 00:08:29 Q214", "calling party 'Q214'"),
            (" 06/13 11:42p 00:08:29 214  1x3", "bad time to answer"),
            ("#06/13 11:42p 00:08:29 214", "long-call flag"),
            (" 06-13 11:42p 00:08:29 214", "without DATA"),
            (
                "2012-03-09 12:46:59 |OUT| 2012030900465982190047",
                "no date mm/dd",
            ),
            ("TLD 1001 92001 6025551234", "without START"),
            ("TLD 10x1 92001 6025551234 14:02 00:03:12", "bad extension"),
            ("TLD 1001 9200x 6025551234 14:02 00:03:12", "bad trunk"),
            (" ０６/13 11:42p 00:08:29 214", "no date mm/dd"),
        ];
        for (line, want) in cases {
            let got = reason(m.parse(line));
            assert!(got.contains(want), "{line:?}: {got}");
        }
        assert!(reason(m.parse(&"1".repeat(200))).contains("at most 120"));
    }

    #[test]
    fn never_panics() {
        let seeds = [
            at_cols(&[
                (2, "06/13 11:42p 00:08:29 214"),
                (34, "6135952122"),
                (55, "00012"),
                (60, "A"),
                (62, "T054"),
                (73, "4711"),
                (86, "000"),
            ]),
            "TLD 1001  92001 6025551234  14:02 00:03:12 $01.25 123456".to_string(),
        ];
        let mut m = Mitel::default();
        crate::core::dialect::fields::shake(&seeds, "0123456789/:-*%+pPTX$ .\t\x0cé", 13, |l| {
            let _ = m.parse(l);
        });
    }
}
