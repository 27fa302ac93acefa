//! Siemens / Unify SMDR (call charge output): HiPath 3000/5000 "GetAccount" records and the
//! Hicom 150 / HiPath 3000 V.24 *long* and *compressed* formats.
//!
//! Layout reference: `shared/formats/siemens.md` (sources H1–H3 there). **No real Siemens
//! capture has confirmed any of this**: every fact below is from Siemens' manuals (marked
//! *documented*) or is this module's reading of them (marked *inferred*). Please send a
//! capture (`smdrbox capture`).
//!
//! ```text
//! 13.09.0014:32:05  1  0   201     00:03:1002012345678                       1224711                      01
//! 02.03.26 10:15:00   3    203       00:01:05 00441234567???              1,24  2
//! ```
//!
//! (a GetAccount record, then a long-format one; written from the manuals)
//!
//! # Layouts (columns 1-based)
//!
//! - `getaccount` (H1, *documented*): date `DD.MM.YY` 1–8, time 9–16, trunk 17–19, node id
//!   20–22, extension 23–28, ring 29–33, duration `hh:mm:ss` 34–41, number 42–66 (caller for
//!   incoming, dialled for outgoing), tariff units 67–77, call type 78 (`1` incoming, `2`
//!   outgoing), account code 79–89, MSN 90–100, trunk access code 101–105, LCR route 106–109.
//! - `long` (H3, *documented*): date 1–8, time 10–17, trunk 19–21, station 23–28, ring 30–34,
//!   duration 36–43, external number 45–64, amount (currency) 66–76, info element 78–79; pages
//!   of 62 lines with a one-line header and a blank line.
//! - `compressed` (H3): *documented* from column 77 on (project code 77–87, MSN 88–98, seizure
//!   code 99–103, LCR route 104–105, US PRI fields 106–112); the head is *inferred* as the long
//!   format's fields without the separating blanks, the number 25 wide as in GetAccount: date
//!   1–8, time 9–16, trunk 17–19, station 20–25, ring 26–30, duration 31–38, number 39–63,
//!   units 64–74, info element 75–76 (these widths add up to exactly the documented 76).
//!
//! The layout is told by where the time and the duration's colons are, so each line stands
//! alone (the dialect is stateless).
//!
//! # Decisions
//!
//! - Date and time are the call's **end** (H1, H3): `time_is` is [`TimeMeaning::CallEnd`].
//!   The year is `20yy`. Siemens prints `DD.MM.YY` whatever the configured date order.
//! - Columns 29–33 (GetAccount) are read as the ring time: H1 calls them "call duration in
//!   seconds" while the Hicom 150 header names them "Ring duration" (H3), and the call duration
//!   has its own column. Digits are seconds; `mm:ss` is accepted too (*inferred*).
//! - Units (GetAccount, compressed) are a [`Cost`] with currency `units` (pulses, not money);
//!   the long format's amount is money in the PBX's currency, printed without a symbol: currency
//!   empty, a decimal comma read as a point.
//! - Direction: GetAccount's call type `1`/`2` (*documented*); any other call type is rejected.
//!   The info element's code table is not in the available manuals: `1` and `2` are read like
//!   the call type (*inferred*), anything else is kept in `condition` with a warning, and the
//!   direction is guessed: charged calls outgoing, else ringing ones incoming, else outgoing.
//!   The info element (or call type) is kept as `condition`.
//! - An incoming call with duration 0 is `unanswered` (*inferred*: the record has no flag).
//! - The MSN of an incoming call is the number it was called on: `ddi`. The compressed
//!   format's project code is the `account_code`. Node id, trunk access code, LCR route and
//!   seizure code are not kept (they stay in the raw line).
//! - `?` (last digits suppressed, H2) stays in the number as printed.
//! - Title lines (`Date`/`Datum` with `Time`/`Zeit`) are `Titles`; rules of `-`/`=` `Rule`.
//!   Everything else that is not a record of one of the layouts is rejected with the reason.

use super::fields::{digits, excerpt, hms_parts as hms, reject, two};
use super::{Dialect, DialectOptions, Grouping};
use crate::core::record::{Cost, Direction, Extra, HeaderKind, Parsed, Record, TimeMeaning};
use chrono::{NaiveDate, NaiveTime};

pub const NAME: &str = "siemens";
pub const LAYOUTS: &[&str] = &[GETACCOUNT, LONG, COMPRESSED];
pub const GROUPING: Grouping = Grouping::Whole;

const GETACCOUNT: &str = "getaccount";
const LONG: &str = "long";
const COMPRESSED: &str = "compressed";

/// The widest documented record is 112 columns (compressed with the US PRI fields).
const MAX_WIDTH: usize = 120;

pub fn new(_opts: DialectOptions) -> Box<dyn Dialect> {
    Box::new(Siemens)
}

pub struct Siemens;

/// 0-based, end-exclusive column ranges of one layout.
struct Cols {
    name: &'static str,
    time: (usize, usize),
    trunk: (usize, usize),
    ext: (usize, usize),
    ring: (usize, usize),
    duration: (usize, usize),
    number: (usize, usize),
    charge: (usize, usize),
    /// Call type (GetAccount) or info element.
    kind: (usize, usize),
    account: Option<(usize, usize)>,
    msn: Option<(usize, usize)>,
}

const GETACCOUNT_COLS: Cols = Cols {
    name: GETACCOUNT,
    time: (8, 16),
    trunk: (16, 19),
    ext: (22, 28),
    ring: (28, 33),
    duration: (33, 41),
    number: (41, 66),
    charge: (66, 77),
    kind: (77, 78),
    account: Some((78, 89)),
    msn: Some((89, 100)),
};

const LONG_COLS: Cols = Cols {
    name: LONG,
    time: (9, 17),
    trunk: (18, 21),
    ext: (22, 28),
    ring: (29, 34),
    duration: (35, 43),
    number: (44, 64),
    charge: (65, 76),
    kind: (77, 79),
    account: None,
    msn: None,
};

const COMPRESSED_COLS: Cols = Cols {
    name: COMPRESSED,
    time: (8, 16),
    trunk: (16, 19),
    ext: (19, 25),
    ring: (25, 30),
    duration: (30, 38),
    number: (38, 63),
    charge: (63, 74),
    kind: (74, 76),
    account: Some((76, 87)),
    msn: Some((87, 98)),
};

impl Dialect for Siemens {
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
            return Parsed::Header {
                header: HeaderKind::Rule,
            };
        }
        let lower = lead.to_lowercase();
        if (lower.starts_with("date") || lower.starts_with("datum"))
            && (lower.contains("time") || lower.contains("zeit"))
        {
            return Parsed::Header {
                header: HeaderKind::Titles,
            };
        }
        let c: Vec<char> = body.chars().collect();
        if c.len() > MAX_WIDTH {
            return reject(format!(
                "{} columns: the widest Siemens record has 112",
                c.len()
            ));
        }
        match record(&c) {
            Ok(p) => p,
            Err(reason) => reject(reason),
        }
    }
}

fn field(c: &[char], (a, b): (usize, usize)) -> String {
    let b = b.min(c.len());
    if a >= b {
        return String::new();
    }
    c[a..b].iter().collect::<String>().trim().to_string()
}

fn at(c: &[char], i: usize) -> char {
    c.get(i).copied().unwrap_or(' ')
}

fn date(s: &str) -> Option<NaiveDate> {
    let p: Vec<&str> = s.split('.').collect();
    match p.as_slice() {
        [d, m, y] => NaiveDate::from_ymd_opt(2000 + two(y)? as i32, two(m)?, two(d)?),
        _ => None,
    }
}

/// Ring time: digits are seconds; `mm:ss` accepted.
fn ring(s: &str) -> Result<Option<u32>, String> {
    if s.is_empty() {
        return Ok(None);
    }
    if digits(s) {
        return s.parse().map(Some).map_err(|_| format!("bad ring '{s}'"));
    }
    if let Some((m, sec)) = s.split_once(':') {
        if let (Some(m), Some(sec)) = (two(m), two(sec)) {
            if sec < 60 {
                return Ok(Some(m * 60 + sec));
            }
        }
    }
    Err(format!("bad ring time '{}' (seconds)", excerpt(s)))
}

/// Units (digits) or an amount (`1.24`, `1,24`, possibly with a currency word).
fn charge(s: &str, units: bool) -> Result<Option<Cost>, String> {
    if s.is_empty() {
        return Ok(None);
    }
    if units {
        if !digits(s) {
            return Err(format!("bad tariff units '{}' (digits)", excerpt(s)));
        }
        let amount = s.trim_start_matches('0');
        return Ok(Some(Cost {
            amount: if amount.is_empty() { "0" } else { amount }.into(),
            currency: "units".into(),
        }));
    }
    let num: String = s
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .collect();
    let currency: String = s
        .chars()
        .filter(|c| !(c.is_ascii_digit() || *c == '.' || *c == ',' || c.is_whitespace()))
        .collect();
    let num = num.replace(',', ".");
    let (int, frac) = num.split_once('.').unwrap_or((&num, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || currency
            .chars()
            .any(|c| !c.is_alphabetic() && !"$€£".contains(c))
    {
        return Err(format!("bad amount '{}'", excerpt(s)));
    }
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    Ok(Some(Cost {
        amount: if frac.is_empty() {
            int.to_string()
        } else {
            format!("{int}.{frac}")
        },
        currency,
    }))
}

/// Which layout the colons say this is.
fn layout(c: &[char]) -> Option<&'static Cols> {
    let colons = |a: usize| at(c, a) == ':' && at(c, a + 3) == ':';
    if at(c, 8) == ' ' && colons(11) && colons(37) {
        Some(&LONG_COLS)
    } else if colons(10) && colons(35) && at(c, 32) != ':' {
        Some(&GETACCOUNT_COLS)
    } else if colons(10) && colons(32) {
        Some(&COMPRESSED_COLS)
    } else {
        None
    }
}

fn record(c: &[char]) -> Result<Parsed, String> {
    let date_text = field(c, (0, 8));
    let date = date(&date_text).ok_or_else(|| {
        format!(
            "no date DD.MM.YY at column 1 (found '{}')",
            excerpt(&date_text)
        )
    })?;
    let cols = layout(c).ok_or(
        "no time and duration hh:mm:ss where the getaccount, long or compressed layout puts them",
    )?;
    let time_text = field(c, cols.time);
    let time = hms(&time_text)
        .and_then(|(h, m, s)| NaiveTime::from_hms_opt(h, m, s))
        .ok_or_else(|| format!("bad time '{}' (hh:mm:ss)", excerpt(&time_text)))?;
    let dur_text = field(c, cols.duration);
    let (h, m, s) =
        hms(&dur_text).ok_or_else(|| format!("bad duration '{}'", excerpt(&dur_text)))?;
    let duration_secs = h * 3600 + m * 60 + s;
    let trunk = field(c, cols.trunk);
    if !trunk.is_empty() && !digits(&trunk) {
        return Err(format!("bad trunk '{}' (digits)", excerpt(&trunk)));
    }
    let extension = field(c, cols.ext);
    let ring_secs = ring(&field(c, cols.ring))?;
    let number = field(c, cols.number);
    let cost = charge(&field(c, cols.charge), cols.name != LONG)?;
    let kind = field(c, cols.kind);
    let mut warnings = Vec::new();
    let direction = match (cols.name, kind.trim_start_matches('0')) {
        (_, "1") => Direction::Incoming,
        (_, "2") => Direction::Outgoing,
        (GETACCOUNT, _) => {
            return Err(format!(
                "call type '{}' at column 78: documented are 1 (incoming) and 2 (outgoing)",
                excerpt(&kind)
            ))
        }
        _ => {
            let charged = cost
                .as_ref()
                .is_some_and(|c| c.amount.chars().any(|d| ('1'..='9').contains(&d)));
            let dir = if charged {
                Direction::Outgoing
            } else if ring_secs.is_some_and(|r| r > 0) {
                Direction::Incoming
            } else {
                Direction::Outgoing
            };
            warnings.push(format!(
                "info element '{kind}' is not in the available code table: read as {}",
                dir.as_str()
            ));
            dir
        }
    };
    let incoming = direction == Direction::Incoming;
    let account_code = cols.account.map(|r| field(c, r)).filter(|a| !a.is_empty());
    let ddi = cols
        .msn
        .map(|r| field(c, r))
        .filter(|m| incoming && !m.is_empty());
    Ok(Parsed::Record {
        record: Box::new(Record {
            dialect: NAME,
            layout: cols.name,
            date: Some(date),
            time: Some(time),
            time_is: TimeMeaning::CallEnd,
            extension,
            trunk: (!trunk.is_empty()).then_some(trunk),
            direction,
            number,
            caller_name: None,
            ddi,
            ring_secs,
            duration_secs: Some(duration_secs),
            cost,
            account_code,
            condition: (!kind.is_empty()).then_some(kind),
            unanswered: incoming && duration_secs == 0,
            transferred: false,
            forwarded: false,
            extra: Extra::default(),
        }),
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Puts each text right- or left-aligned in its 1-based column range: lines built from the
    /// tables in siemens.md (H1, H3), not captured from a PBX.
    fn build(fields: &[(usize, usize, &str, bool)]) -> String {
        let mut line: Vec<char> = Vec::new();
        for &(a, b, t, right) in fields {
            let width = b - a + 1;
            let t: Vec<char> = t.chars().collect();
            assert!(t.len() <= width, "{t:?} wider than {a}-{b}");
            if line.len() < b {
                line.resize(b, ' ');
            }
            let start = if right { b - t.len() } else { a - 1 };
            line[start..start + t.len()].copy_from_slice(&t);
        }
        line.into_iter().collect()
    }

    const R: bool = true;
    const L: bool = false;

    /// H1's table: every field of a GetAccount record.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn getaccount(
        date: &str,
        time: &str,
        trunk: &str,
        ext: &str,
        ring: &str,
        dur: &str,
        number: &str,
        units: &str,
        kind: &str,
        acct: &str,
        msn: &str,
    ) -> String {
        build(&[
            (1, 8, date, L),
            (9, 16, time, L),
            (17, 19, trunk, R),
            (20, 22, "0", R),
            (23, 28, ext, R),
            (29, 33, ring, R),
            (34, 41, dur, L),
            (42, 66, number, L),
            (67, 77, units, R),
            (78, 78, kind, L),
            (79, 89, acct, L),
            (90, 100, msn, L),
            (101, 105, "0", R),
            (106, 109, "1", L),
        ])
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

    #[test]
    fn getaccount_outgoing_every_field() {
        // H1's example date `13.09.00`.
        let line = getaccount(
            "13.09.00",
            "14:32:05",
            "1",
            "201",
            "",
            "00:03:10",
            "02012345678",
            "12",
            "2",
            "4711",
            "5551234",
        );
        assert_eq!(line.chars().count(), 109);
        let (r, w) = rec(Siemens.parse(&line));
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(r.layout, "getaccount");
        assert_eq!(r.date, NaiveDate::from_ymd_opt(2000, 9, 13));
        assert_eq!(r.time, NaiveTime::from_hms_opt(14, 32, 5));
        assert_eq!(r.time_is, TimeMeaning::CallEnd);
        assert_eq!(r.trunk.as_deref(), Some("1"));
        assert_eq!(r.extension, "201");
        assert_eq!(r.ring_secs, None);
        assert_eq!(r.duration_secs, Some(190));
        assert_eq!(r.direction, Direction::Outgoing);
        assert_eq!(r.number, "02012345678");
        assert_eq!(
            r.cost,
            Some(Cost {
                amount: "12".into(),
                currency: "units".into()
            })
        );
        assert_eq!(r.condition.as_deref(), Some("2"));
        assert_eq!(r.account_code.as_deref(), Some("4711"));
        // An outgoing call's MSN is the caller's own: not a DDI.
        assert_eq!(r.ddi, None);
        assert!(!r.unanswered);
    }

    #[test]
    fn getaccount_incoming_answered_and_lost() {
        let answered = getaccount(
            "02.03.26",
            "09:05:40",
            "2",
            "202",
            "12",
            "00:04:00",
            "0301234567",
            "0",
            "1",
            "",
            "5551234",
        );
        let (r, _) = rec(Siemens.parse(&answered));
        assert_eq!(r.direction, Direction::Incoming);
        assert_eq!(r.ring_secs, Some(12));
        assert_eq!(r.duration_secs, Some(240));
        assert_eq!(r.number, "0301234567");
        assert_eq!(r.ddi.as_deref(), Some("5551234"));
        assert_eq!(r.cost.map(|c| c.amount), Some("0".into()));
        assert!(!r.unanswered);
        let lost = getaccount(
            "02.03.26", "09:06:30", "2", "", "25", "00:00:00", "0309999", "", "1", "", "",
        );
        let (r, _) = rec(Siemens.parse(&lost));
        assert!(r.unanswered);
        assert_eq!(r.extension, "");
        assert_eq!(r.cost, None);
        // Trailing blanks stripped: still read.
        let short = getaccount(
            "02.03.26", "09:06:30", "2", "200", "25", "00:00:00", "0309999", "", "1", "", "",
        );
        assert!(matches!(
            Siemens.parse(short.trim_end()),
            Parsed::Record { .. }
        ));
    }

    #[test]
    fn long_format() {
        // H3: Date 1-8, Time 10-17, Trk 19-21, Stn 23-28, ring 30-34, Duration 36-43,
        // number 45-64, Amount 66-76, info element 78-79.
        let line = build(&[
            (1, 8, "02.03.26", L),
            (10, 17, "10:15:00", L),
            (19, 21, "3", R),
            (23, 28, "203", R),
            (30, 34, "", R),
            (36, 43, "00:01:05", L),
            (45, 64, "00441234567???", L),
            (66, 76, "1,24", R),
            (78, 79, "2", R),
        ]);
        let (r, w) = rec(Siemens.parse(&line));
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(r.layout, "long");
        assert_eq!(r.direction, Direction::Outgoing);
        assert_eq!(r.number, "00441234567???");
        assert_eq!(r.duration_secs, Some(65));
        assert_eq!(
            r.cost,
            Some(Cost {
                amount: "1.24".into(),
                currency: "".into()
            })
        );
        // An undocumented info element: kept, direction guessed, warned.
        let odd = build(&[
            (1, 8, "02.03.26", L),
            (10, 17, "10:20:00", L),
            (19, 21, "3", R),
            (23, 28, "203", R),
            (30, 34, "8", R),
            (36, 43, "00:02:00", L),
            (45, 64, "0301234567", L),
            (66, 76, "0.00", R),
            (78, 79, "3", R),
        ]);
        let (r, w) = rec(Siemens.parse(&odd));
        assert_eq!(r.direction, Direction::Incoming);
        assert_eq!(r.condition.as_deref(), Some("3"));
        assert_eq!(w.len(), 1, "{w:?}");
        // The page header and a rule.
        let titles =
            "Date     Time     Trk Stn    Call  Duration External number      Amount      IE";
        assert_eq!(
            Siemens.parse(titles),
            Parsed::Header {
                header: HeaderKind::Titles
            }
        );
        assert_eq!(
            Siemens.parse("\x0cDatum    Uhrzeit"),
            Parsed::Header {
                header: HeaderKind::Titles
            }
        );
    }

    #[test]
    fn compressed_format() {
        let line = build(&[
            (1, 8, "02.03.26", L),
            (9, 16, "11:00:00", L),
            (17, 19, "4", R),
            (20, 25, "204", R),
            (26, 30, "7", R),
            (31, 38, "00:00:30", L),
            (39, 63, "0401234567", L),
            (64, 74, "0", R),
            (75, 76, "1", R),
            (77, 87, "PRJ42", L),
            (88, 98, "5551234", L),
            (99, 103, "0", R),
            (104, 105, "1", L),
        ]);
        let (r, w) = rec(Siemens.parse(&line));
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(r.layout, "compressed");
        assert_eq!(r.direction, Direction::Incoming);
        assert_eq!(r.extension, "204");
        assert_eq!(r.ring_secs, Some(7));
        assert_eq!(r.duration_secs, Some(30));
        assert_eq!(r.account_code.as_deref(), Some("PRJ42"));
        assert_eq!(r.ddi.as_deref(), Some("5551234"));
    }

    #[test]
    fn rejects() {
        let good = getaccount(
            "02.03.26",
            "09:05:40",
            "2",
            "202",
            "12",
            "00:04:00",
            "0301234567",
            "0",
            "1",
            "",
            "",
        );
        let with = |ring: &str, units: &str, kind: &str| {
            getaccount(
                "02.03.26",
                "09:05:40",
                "2",
                "202",
                ring,
                "00:04:00",
                "0301234567",
                units,
                kind,
                "",
                "",
            )
        };
        let cases: Vec<(String, &str)> = vec![
            ("02.03.26".into(), "no time and duration"),
            (good.replace("02.03.26", "32.13.26"), "no date"),
            (good.replace("02.03.26", "02/03/26"), "no date"),
            (good.replace("09:05:40", "09:65:40"), "bad time"),
            (good.replace("09:05:40", "09;05;40"), "no time and duration"),
            (good.replace("00:04:00", "00:04:0x"), "bad duration"),
            (with("1x2", "0", "1"), "bad ring"),
            (with("12", "1x", "1"), "bad tariff units"),
            (with("12", "0", "7"), "call type '7'"),
            (with("12", "0", ""), "call type ''"),
            (format!("{good}{}", "9".repeat(20)), "widest"),
            ("ÄÖÜ.03.26 09:05:40".into(), "no date"),
            ("02,03,26,09:05:40,2,202".into(), "no date"),
        ];
        for (line, want) in &cases {
            let got = reason(Siemens.parse(line));
            assert!(got.contains(want), "{line:?}: {got}");
        }
        assert_eq!(reason(Siemens.parse("  \x0c ")), "blank line");
    }

    #[test]
    fn never_panics() {
        let seeds = [
            getaccount(
                "13.09.00",
                "14:32:05",
                "1",
                "201",
                "",
                "00:03:10",
                "02012345678",
                "12",
                "2",
                "4711",
                "5551234",
            ),
            "02.03.26 10:15:00   3    203       00:01:05 00441234567???             1,24  2"
                .to_string(),
        ];
        crate::core::dialect::fields::shake(&seeds, "0123456789.:, ?\t\x0cä", 11, |l| {
            let _ = Siemens.parse(l);
        });
    }
}
