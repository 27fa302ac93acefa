//! Samsung OfficeServ (7030/7100/7200/7400) and the older DCS/iDCS: the SMDR report.
//!
//! Layout reference: `shared/formats/samsung.md`. **No real Samsung capture exists**: the
//! columns come from the DCS sample report with caller ID (G3) and the MMC 725 options (G4);
//! OfficeServ is "likely" to keep them. Test lines are written from G3's report.
//!
//! ```text
//! SMDR REPORT FOR [CID Sample      ] 01/02/95 17:12
//! ==========================================================================
//! EXT  AUTH TRK MM/DD STT.TIME DURATION FG DIALED DIGIT  ACCOUNT CODE CID NUMBER  CID NAME
//! ==========================================================================
//! 201       701 01/02 17:15:13 00:00:28 IT
//! 205       701 01/02 17:15:41 00:00:02 T                             13054264100 SAMSUNG TELECOM
//! 202       702 01/02 17:25:56 00:00:00 O  4264100
//!           701 01/02 17:41:45 00:00:30 A                             13055553426 TERRY PRUITT
//! ```
//!
//! # Documented (G3, G4)
//!
//! - Columns `EXT AUTH TRK MM/DD STT.TIME DURATION FG DIALED DIGIT ACCOUNT CODE CID NUMBER
//!   CID NAME`; a page header `SMDR REPORT FOR [name] mm/dd/yy hh:mm` framed by `====` rules.
//! - Date `MM/DD` (no year), start time `hh:mm:ss`, duration `hh:mm:ss`.
//! - Call type flag FG: `O` outgoing, `I` incoming, `A` abandoned (unanswered incoming), `T`
//!   transferred call that was terminated (here), `IT` incoming call transferred, `OT` outgoing
//!   call transferred, `TT` received a transferred call and transferred it again, `FO` outgoing
//!   record of a forwarded call, `FI` incoming call forwarded to an external number, `DI`/`DO`
//!   DISA in/out, `DE` DISA with error.
//! - Dialled digits up to 18, account code 1-12 digits, CID number and name up to 15.
//! - With MMC 725 options, `IN GROUP`/`OUT GROUP` and `IN DND`/`OUT DND` event lines are
//!   printed in the dialled-digits column, and wake-up calls can be printed.
//!
//! # Inferred (a real capture must confirm)
//!
//! - **Fields by token around the `MM/DD hh:mm:ss` anchor**, not by column: no official
//!   OfficeServ column positions exist (G1's byte offsets are one program's reading of its
//!   own PBX, with a NUL after each record, which the framer drops). Before the anchor the last
//!   number is TRK (printed on every trunk call; the only one on an abandoned call, as in G3),
//!   the first EXT, a middle one AUTH. If the title line starts with a `T` column (as in an
//!   OfficeServ 7200 manual sample), the first number is that column: kept as the call id,
//!   since G1 reads the same leading number as a call sequence id shared by the records of
//!   one call. Without a title line such a record's three numbers read as EXT AUTH TRK, which
//!   is wrong for it: keep the page header on. G1's offsets start two bytes into what it
//!   read after each NUL, consistent with CR LF before every record, so the framer sees one
//!   record per line (the NUL is dropped and counted as garbage).
//! - After FG: for outgoing flags (`O`, `OT`, `FO`, `DO`) the first token is the dialled number
//!   and the next the account code; for the others, digit tokens up to the first word are
//!   [account code] CID number, and the words after are the CID name.
//! - **The year** is taken from the last page header (`mm/dd/yy`, or `Mon/dd/yyyy`), a month
//!   more than six away from the header's moving the year by one (a report across New Year).
//!   Before any header the date is unknown (`None`, with a warning); turn the page header on
//!   (MMC 725 option 0) so records carry a date.
//! - Direction: `O`, `OT`, `FO`, `DO` outgoing; the rest incoming. `A` and `DE` are unanswered.
//!   `T` and `TT` (this extension received a transferred call) are `transferred`; `IT` and
//!   `OT` keep their flag as the condition only. `FI` and `FO` are `forwarded`. One record is
//!   one call ([`Grouping::Whole`]), so an incoming call transferred once prints `IT` and `T`
//!   and counts as two: the report has no call id to join them.
//! - STT.TIME is the call's start ([`TimeMeaning::CallStart`]). No ring time (G1's 154-column
//!   records have one, at positions no document confirms).
//! - Event lines (`GROUP`, `DND`, `WAKE` in the text) are headers (`Other`), not calls.

use super::fields::header;
use super::{Dialect, DialectOptions, Grouping};
use crate::core::record::{Direction, Extra, HeaderKind, Parsed, Record, TimeMeaning};
use chrono::{Datelike, NaiveDate, NaiveTime};

pub const NAME: &str = "samsung";
/// `DCS`: the DCS / OfficeServ SMDR report (G3).
pub const LAYOUTS: &[&str] = &["DCS"];
pub const GROUPING: Grouping = Grouping::Whole;

const OUTGOING_FLAGS: [&str; 4] = ["O", "OT", "FO", "DO"];
const INCOMING_FLAGS: [&str; 8] = ["I", "A", "T", "IT", "TT", "FI", "DI", "DE"];

pub fn new(_opts: DialectOptions) -> Box<dyn Dialect> {
    Box::new(Samsung::default())
}

/// Remembers the year and month of the last page header, and whether the titles have a
/// leading `T` column.
#[derive(Default)]
pub struct Samsung {
    header_date: Option<NaiveDate>,
    leading_t: bool,
}

impl Dialect for Samsung {
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

/// `mm/dd/yy` or `Mon/dd/yyyy` from a page header.
fn header_date(tok: &str) -> Option<NaiveDate> {
    let p: Vec<&str> = tok.split('/').collect();
    let [m, d, y] = p.as_slice() else {
        return None;
    };
    let d: u32 = d.parse().ok()?;
    let y: i32 = y.parse().ok()?;
    let y = if y < 100 {
        // Two-digit years: the DCS sample prints 95; 70..99 are 19xx.
        if y >= 70 {
            1900 + y
        } else {
            2000 + y
        }
    } else {
        y
    };
    let m = m.parse::<u32>().ok().or_else(|| {
        const MONTHS: [&str; 12] = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ];
        let lower = m.to_ascii_lowercase();
        MONTHS
            .iter()
            .position(|n| *n == lower)
            .map(|i| i as u32 + 1)
    })?;
    NaiveDate::from_ymd_opt(y, m, d)
}

fn is_md(tok: &str) -> bool {
    let b = tok.as_bytes();
    b.len() == 5 && b[2] == b'/' && b[..2].iter().chain(&b[3..]).all(u8::is_ascii_digit)
}

fn hms(tok: &str) -> Option<u32> {
    let t = NaiveTime::parse_from_str(tok, "%H:%M:%S").ok()?;
    (tok.len() == 8).then(|| chrono::Timelike::num_seconds_from_midnight(&t))
}

fn is_number(tok: &str) -> bool {
    !tok.is_empty() && tok.chars().all(|c| c.is_ascii_digit() || "+*#".contains(c))
}

impl Samsung {
    fn parse_line(&mut self, line: &str) -> Result<Parsed, String> {
        let body = line.trim_matches(|c: char| c.is_whitespace() || c == '\x0c');
        if body.is_empty() {
            return Err("blank line".into());
        }
        if body.len() >= 3 && body.chars().all(|c| c == '=' || c == '-') {
            return Ok(header(HeaderKind::Rule));
        }
        let upper = body.to_ascii_uppercase();
        if upper.starts_with("SMDR REPORT") {
            self.header_date = upper.split_whitespace().find_map(header_date);
            return Ok(header(HeaderKind::Other));
        }
        let words: Vec<&str> = upper.split_whitespace().collect();
        if words.contains(&"EXT") && words.contains(&"TRK") {
            self.leading_t = words.first() == Some(&"T");
            return Ok(header(HeaderKind::Titles));
        }
        match self.parse_record(body) {
            // MMC 725's event lines (IN/OUT GROUP, IN/OUT DND, wake-up) are not calls; a
            // record whose CID name holds such a word still parses as a record.
            Err(_) if ["GROUP", "DND", "WAKE"].iter().any(|w| upper.contains(w)) => {
                Ok(header(HeaderKind::Other))
            }
            other => other,
        }
    }

    fn parse_record(&self, body: &str) -> Result<Parsed, String> {
        let toks: Vec<&str> = body.split_whitespace().collect();
        let at = toks
            .windows(2)
            .position(|w| is_md(w[0]) && hms(w[1]).is_some())
            .ok_or("no date and start time MM/DD hh:mm:ss (not a Samsung SMDR record)")?;
        let mut pre = &toks[..at];
        let mut leading = None;
        if self.leading_t && !pre.is_empty() {
            leading = Some(pre[0]);
            pre = &pre[1..];
        }
        if let Some(bad) = pre.iter().find(|t| !t.bytes().all(|b| b.is_ascii_digit())) {
            return Err(format!(
                "{bad:?} before the date is not an extension, authorisation code or trunk"
            ));
        }
        let (ext, auth, trk) = match pre {
            [trk] => ("", None, *trk),
            [ext, trk] => (*ext, None, *trk),
            [ext, auth, trk] => (*ext, Some(*auth), *trk),
            [] => return Err("no trunk number before the date".into()),
            _ => {
                return Err(format!(
                    "{} numbers before the date; expected EXT AUTH TRK",
                    pre.len()
                ))
            }
        };
        let mut warnings = Vec::new();
        let (month, day) = (&toks[at][..2], &toks[at][3..]);
        let month: u32 = month.parse().map_err(|_| "bad month".to_string())?;
        let day: u32 = day.parse().map_err(|_| "bad day".to_string())?;
        let date = match self.header_date {
            Some(h) => {
                let mut y = h.year();
                let hm = h.month() as i32;
                if (month as i32) < hm - 6 {
                    y += 1;
                } else if (month as i32) > hm + 6 {
                    y -= 1;
                }
                Some(
                    NaiveDate::from_ymd_opt(y, month, day)
                        .ok_or_else(|| format!("date {}/{y} is not valid", toks[at]))?,
                )
            }
            None => {
                if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
                    return Err(format!("date {} is not a valid MM/DD", toks[at]));
                }
                warnings
                    .push("no year printed and no page header seen yet: date unknown".to_string());
                None
            }
        };
        let time = NaiveTime::parse_from_str(toks[at + 1], "%H:%M:%S")
            .map_err(|_| format!("start time {:?} is not hh:mm:ss", toks[at + 1]))?;
        let dur_tok = toks
            .get(at + 2)
            .ok_or("line ends after the start time; no duration (cut line?)")?;
        let duration =
            hms(dur_tok).ok_or_else(|| format!("duration {dur_tok:?} is not hh:mm:ss"))?;
        let flag = toks
            .get(at + 3)
            .ok_or("line ends after the duration; no call type flag (cut line?)")?
            .to_ascii_uppercase();
        let outgoing = OUTGOING_FLAGS.contains(&flag.as_str());
        if !outgoing && !INCOMING_FLAGS.contains(&flag.as_str()) {
            return Err(format!(
                "call type flag {flag:?} is not one of O I A T IT OT TT FO FI DI DO DE"
            ));
        }
        let rest = &toks[at + 4..];
        let (number, account, caller_name) = if outgoing {
            let number = rest.first().copied().unwrap_or("");
            if !number.is_empty() && !is_number(number) {
                warnings.push(format!("dialled digits {number:?} are not digits"));
            }
            if rest.len() > 2 {
                warnings.push(format!("unread text: {:?}", rest[2..].join(" ")));
            }
            (number.to_string(), rest.get(1).map(|s| s.to_string()), None)
        } else {
            let digits = rest.iter().take_while(|t| is_number(t)).count();
            let (account, cid) = match &rest[..digits] {
                [] => (None, ""),
                [cid] => (None, *cid),
                [acc, cid, ..] => (Some(acc.to_string()), *cid),
            };
            if digits > 2 {
                warnings.push(format!("unread numbers: {:?}", rest[2..digits].join(" ")));
            }
            let name = rest[digits..].join(" ");
            (cid.to_string(), account, (!name.is_empty()).then_some(name))
        };
        let record = Record {
            dialect: NAME,
            layout: LAYOUTS[0],
            date,
            time: Some(time),
            time_is: TimeMeaning::CallStart,
            extension: ext.to_string(),
            trunk: Some(trk.to_string()),
            direction: if outgoing {
                Direction::Outgoing
            } else {
                Direction::Incoming
            },
            number,
            caller_name,
            ddi: None,
            ring_secs: None,
            duration_secs: Some(duration),
            cost: None,
            account_code: account.or_else(|| auth.map(|a| format!("auth {a}"))),
            unanswered: flag == "A" || flag == "DE",
            transferred: flag == "T" || flag == "TT",
            forwarded: flag == "FI" || flag == "FO",
            condition: Some(flag),
            extra: Extra {
                call_id: leading.map(str::to_string),
                ..Extra::default()
            },
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

    const PAGE: [&str; 4] = [
        "\x0cSMDR REPORT FOR [CID Sample      ] 01/02/95 17:12",
        "==========================================================================",
        "EXT  AUTH TRK MM/DD STT.TIME DURATION FG DIALED DIGIT  ACCOUNT CODE CID NUMBER  CID NAME",
        "==========================================================================",
    ];

    fn paged() -> Samsung {
        let mut s = Samsung::default();
        for l in PAGE {
            assert!(matches!(s.parse(l), Parsed::Header { .. }), "{l:?}");
        }
        s
    }

    fn record(s: &mut Samsung, l: &str) -> Record {
        match s.parse(l) {
            Parsed::Record { record, warnings } => {
                assert!(warnings.is_empty(), "{l}: {warnings:?}");
                *record
            }
            other => panic!("{l}: {other:?}"),
        }
    }

    /// G3's sample report, line by line: every field of each record.
    #[test]
    fn g3_sample_report() {
        let mut s = paged();
        let d = NaiveDate::from_ymd_opt(1995, 1, 2);
        let r = record(&mut s, "201       701 01/02 17:15:13 00:00:28 IT");
        assert_eq!(
            r,
            Record {
                dialect: "samsung",
                layout: "DCS",
                date: d,
                time: NaiveTime::from_hms_opt(17, 15, 13),
                time_is: TimeMeaning::CallStart,
                extension: "201".into(),
                trunk: Some("701".into()),
                direction: Direction::Incoming,
                number: String::new(),
                caller_name: None,
                ddi: None,
                ring_secs: None,
                duration_secs: Some(28),
                cost: None,
                account_code: None,
                condition: Some("IT".into()),
                unanswered: false,
                transferred: false,
                forwarded: false,
                extra: Default::default(),
            }
        );
        let r = record(
            &mut s,
            "205       701 01/02 17:15:41 00:00:02 T                             13054264100 SAMSUNG TELECOM",
        );
        assert_eq!(r.number, "13054264100");
        assert_eq!(r.caller_name.as_deref(), Some("SAMSUNG TELECOM"));
        assert!(r.transferred);
        assert_eq!(r.duration_secs, Some(2));
        let r = record(&mut s, "203       702 01/02 17:29:54 00:01:27 OT 5556420");
        assert_eq!(r.direction, Direction::Outgoing);
        assert_eq!((r.number.as_str(), r.duration_secs), ("5556420", Some(87)));
        assert!(!r.transferred);
        let r = record(
            &mut s,
            "          701 01/02 17:41:45 00:00:30 A                             13055553426 TERRY PRUITT",
        );
        assert_eq!(r.extension, "");
        assert_eq!(r.trunk.as_deref(), Some("701"));
        assert!(r.unanswered);
        assert_eq!(r.caller_name.as_deref(), Some("TERRY PRUITT"));
        // G3's report crosses into 01/03.
        let r = record(&mut s, "203       701 01/03 17:51:17 00:00:22 O  5554069");
        assert_eq!(r.date, NaiveDate::from_ymd_opt(1995, 1, 3));
    }

    #[test]
    fn other_flags_auth_and_account() {
        let mut s = paged();
        let r = record(
            &mut s,
            "210  1234 705 01/02 09:00:00 00:02:00 O  0364538740 4711",
        );
        assert_eq!(r.account_code.as_deref(), Some("4711"));
        let r = record(
            &mut s,
            "210  1234 705 01/02 09:00:00 00:02:00 O  0364538740",
        );
        assert_eq!(r.account_code.as_deref(), Some("auth 1234"));
        let r = record(
            &mut s,
            "210       705 01/02 09:00:00 00:02:00 FI 55 0612345678 ACME",
        );
        assert!(r.forwarded);
        assert_eq!(r.direction, Direction::Incoming);
        assert_eq!(
            (r.account_code.as_deref(), r.number.as_str()),
            (Some("55"), "0612345678")
        );
        let r = record(&mut s, "210       705 01/02 09:00:00 00:00:00 DE");
        assert!(r.unanswered);
        // A report across New Year: header in December, record in January.
        s.parse("SMDR REPORT FOR [X] 12/31/25 23:59");
        let r = record(&mut s, "210 705 01/01 00:01:00 00:00:10 I");
        assert_eq!(r.date, NaiveDate::from_ymd_opt(2026, 1, 1));
        // The OfficeServ 7200 manual's header and leading T column.
        s.parse("SMDR REPORT FOR [STA Miami ] Mar/21/1999 13:49");
        s.parse("T EXT AUTH TRK MM/DD STT.TIME DURATION FG DIALED DIGIT ACCOUNT CODE");
        let r = record(&mut s, "1 278 725 03/21 13:53:40 00:00:07 O 18007864782");
        assert_eq!(
            (r.extension.as_str(), r.trunk.as_deref()),
            ("278", Some("725"))
        );
        assert_eq!(r.extra.call_id.as_deref(), Some("1"));
        assert_eq!(r.date, NaiveDate::from_ymd_opt(1999, 3, 21));
    }

    #[test]
    fn events_headers_and_rejects() {
        let mut s = Samsung::default();
        for l in [
            "219       03/21 13:55:03 IN GROUP",
            "219 OUT DND",
            "1 21903/21 13:55:03GROUP OUT",
        ] {
            assert_eq!(
                s.parse(l),
                Parsed::Header {
                    header: HeaderKind::Other
                },
                "{l}"
            );
        }
        match s.parse("201 701 01/02 17:15:13 00:00:28 I") {
            Parsed::Record { record, warnings } => {
                assert_eq!(record.date, None);
                assert_eq!(
                    warnings,
                    vec!["no year printed and no page header seen yet: date unknown"]
                );
            }
            other => panic!("{other:?}"),
        }
        let r = |s: &mut Samsung, l: &str| match s.parse(l) {
            Parsed::Reject { reason } => reason,
            other => panic!("{l}: {other:?}"),
        };
        let mut s = paged();
        assert_eq!(r(&mut s, " "), "blank line");
        assert_eq!(
            r(&mut s, "hello"),
            "no date and start time MM/DD hh:mm:ss (not a Samsung SMDR record)"
        );
        assert_eq!(
            r(&mut s, "201 701 02/30 17:15:13 00:00:28 I"),
            "date 02/30/1995 is not valid"
        );
        assert_eq!(
            r(&mut s, "201 701 01/02 17:15:13"),
            "line ends after the start time; no duration (cut line?)"
        );
        assert_eq!(
            r(&mut s, "201 701 01/02 17:15:13 0:00:28 I"),
            "duration \"0:00:28\" is not hh:mm:ss"
        );
        assert_eq!(
            r(&mut s, "201 701 01/02 17:15:13 00:00:28"),
            "line ends after the duration; no call type flag (cut line?)"
        );
        assert_eq!(
            r(&mut s, "201 701 01/02 17:15:13 00:00:28 XX"),
            "call type flag \"XX\" is not one of O I A T IT OT TT FO FI DI DO DE"
        );
        assert_eq!(
            r(&mut s, "20A 701 01/02 17:15:13 00:00:28 I"),
            "\"20A\" before the date is not an extension, authorisation code or trunk"
        );
        assert_eq!(
            r(&mut s, "01/02 17:15:13 00:00:28 I"),
            "no trunk number before the date"
        );
        assert_eq!(
            r(&mut s, "1 2 3 4 01/02 17:15:13 00:00:28 I"),
            "4 numbers before the date; expected EXT AUTH TRK"
        );
        let mut fresh = Samsung::default();
        assert_eq!(
            r(&mut fresh, "201 701 13/02 17:15:13 00:00:28 I"),
            "date 13/02 is not a valid MM/DD"
        );
    }

    #[test]
    fn never_panics() {
        let seed = "210  1234 705 01/02 09:00:00 00:02:00 FI 55 0612345678 ACME CORP";
        let mut s = paged();
        crate::core::dialect::fields::shake(&[seed], "09:/ SM", 3, |l| {
            let _ = s.parse(l);
        });
    }
}
