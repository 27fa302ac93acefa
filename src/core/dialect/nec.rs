//! NEC SMDR: Aspire, SL1000/SL1100/SL2100, Electra Elite IPK II (and, by their programme
//! numbers, SV8100/SV9100): the printer-style "SMDR report" of fixed columns.
//!
//! Layout reference: `shared/formats/nec.md` (sources N1–N5 there). **No real NEC capture has
//! confirmed any of this**: every fact below is from NEC's manuals (marked *documented*) or is
//! this module's reading of them (marked *inferred*). Please send a capture (`smdrbox capture`).
//!
//! ```text
//!                                                             11/23/2026 PAGE 001
//! CLASS TIME    LINE    DURATION  STATION     DIALLED No./CLI    ACCOUNT
//! POT  09:15 001        00:02:35 201        0312345678           4455
//! PIN  10:53 12/09 022  00:00:00 201        2142623801           NO ANSWER
//! ```
//!
//! (page header, titles, a record of PRG 35-02-14 = 0, one of = 1; written from the manuals)
//!
//! # Documented (N1–N5)
//!
//! - Page header line 1: `MM/DD/YYYY PAGE nnn` at columns 61–79; line 2 the column titles
//!   `CLASS TIME LINE DURATION STATION DIALLED No./CLI ACCOUNT`, then a blank line.
//! - Record: class (1–4), time `HH:MM` (6–10: when the call was placed or answered; for a
//!   transfer, when the user picked it up), line (12–21; with PRG 35-02-14 = 1: date `MM/DD`
//!   12–16 and line 18–21), duration `HH:MM:SS` (23–30), station number or name (32–41), number
//!   dialled or CLI (43–62, max 20 digits), account code or `NO ANSWER` (64–79).
//! - Class codes: `POT` `POTA` `POTP` `POTW` `IVOT` `IVOTP` `IDOT` `SAD` `WAD` (outgoing), `PIN`
//!   `IVIN` `IDIN` (incoming), `ICM` (extension call), `PTRS` `ITRS` (transferred; duration is
//!   only the part after the transfer was answered), `ALB` (all lines busy), `BRD` (blocked by
//!   toll restriction), `BFL` (SMDR buffer full), `SDTA` (internal data call), `NEXT` (calling
//!   party name for the previous record).
//! - There is no year in a record (only in the page header) and no call id.
//! - With PRG 35-02-16 the line area holds the received dialled number instead; with
//!   35-02-03 a trunk name (`Trunk 002`) instead of its number.
//!
//! # How a line is read (inferred where the manuals are vague)
//!
//! The manuals warn that columns differ slightly between the 35-02-14 variants and the copies
//! are partial, so a record is read by field shapes, then by columns relative to them:
//!
//! 1. The class is the first token and must be a documented code; the time `HH:MM` the second.
//! 2. The duration is the first `HH:MM:SS` token after the time. What lies between time and
//!    duration is the line area: a leading `MM/DD` is the date (layout `35-02-14=1`, else
//!    `35-02-14=0`); then 1–4 digits are the trunk, more digits a received dialled number
//!    (`ddi`), other text a trunk name (kept as `trunk`).
//! 3. After the duration, the documented widths (station 10, dialled 20, account 16, one blank
//!    between each) are used relative to the duration's end when the separating columns are
//!    blank; otherwise the tokens are taken in order (station, number, the rest = account).
//! 4. A record without a duration (the manual's `NO ANSWER` example shows none) is read by
//!    tokens: a line area starting before column 22, then station and number, `NO ANSWER` last.
//!
//! # Decisions
//!
//! - Date: the dialect is stateful. The page header's `MM/DD/YYYY` gives the year (and, in
//!   layout `35-02-14=0`, the date: a record whose time is more than 12 h before the previous
//!   record's moves the date on a day, since a page can span midnight). A record `MM/DD` more
//!   than half a year after the page date is of the year before (a December call printed on a
//!   January page), and vice versa. Until a page header is seen (e.g. the box started
//!   mid-page) `date` is `None` with a warning: the store then files the record by the day it
//!   was received, and the calls model borrows the date of a neighbouring dated record.
//! - `time_is` is [`TimeMeaning::CallStart`] (placed or answered).
//! - `condition` keeps the class code as printed; `unanswered` is `NO ANSWER`; `transferred`
//!   is `PTRS`/`ITRS`. The manuals do not say whether a transfer record is incoming or
//!   outgoing: it is read as incoming (a transfer is mostly an answered incoming call passed
//!   on), with a warning.
//! - A station printed as a name (35-02-03) is both `extension` and `extension_name`; a CLI
//!   with letters (a name) goes to `caller_name`.
//! - `ALB`, `BRD`, `BFL`, `SDTA` and `NEXT` lines are `Header { Other }`: they are lines the PBX
//!   meant to print but not calls (an `ALB`/`BRD` attempt never reached a trunk; `NEXT`
//!   carries only a name for the record already stored, and its text stays in the raw line).
//! - Page headers are `Header { Other }`, title lines `Titles`, rules of `-`/`=` `Rule`.
//! - Lines wider than 100 columns, unknown classes, bad times and fields of the wrong shape are
//!   rejected with the reason.

use super::fields::{digits, excerpt, header, reject};
use super::{Dialect, DialectOptions, Grouping};
use crate::core::record::{Direction, Extra, HeaderKind, Parsed, Record, TimeMeaning};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Timelike};

pub const NAME: &str = "nec";
/// PRG 35-02-14 = 0 (no date in the record) and = 1 (`MM/DD` before the line).
pub const LAYOUTS: &[&str] = &[LAYOUT_NO_DATE, LAYOUT_DATE];
pub const GROUPING: Grouping = Grouping::Whole;

const LAYOUT_NO_DATE: &str = "35-02-14=0";
const LAYOUT_DATE: &str = "35-02-14=1";

/// The report is 79 columns wide; beyond this a line is not NEC's.
const MAX_WIDTH: usize = 100;
/// The line area ends at column 21 (1-based, so 21 as an exclusive 0-based end).
const LINE_AREA_END: usize = 21;

/// Documented widths after the duration: station 10, dialled 20 (one blank between each).
const STATION_WIDTH: usize = 10;
const DIALLED_WIDTH: usize = 20;

pub fn new(_opts: DialectOptions) -> Box<dyn Dialect> {
    Box::new(Nec::default())
}

/// The NEC reader; remembers the last page header's date and the last record's time.
#[derive(Debug, Default)]
pub struct Nec {
    page_date: Option<NaiveDate>,
    /// The date the next 35-02-14=0 record is given (page date, moved on at midnight).
    current: Option<NaiveDate>,
    last_time: Option<NaiveTime>,
}

impl Dialect for Nec {
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
        let width = body.chars().count();
        if width > MAX_WIDTH {
            return reject(format!(
                "{width} columns: an NEC SMDR report line has at most 79"
            ));
        }
        if lead.chars().count() >= 3 && lead.chars().all(|c| c == '-' || c == '=') {
            return header(HeaderKind::Rule);
        }
        if let Some(date) = page_header(lead) {
            self.page_date = Some(date);
            self.current = Some(date);
            self.last_time = None;
            return header(HeaderKind::Other);
        }
        if lead.starts_with("CLASS") && lead.contains("TIME") {
            return header(HeaderKind::Titles);
        }
        let chars: Vec<char> = body.chars().collect();
        match self.record(&chars) {
            Ok(p) => p,
            Err(reason) => reject(reason),
        }
    }
}

/// `MM/DD/YYYY PAGE nnn` (the page header's line 1, leading blanks already trimmed).
fn page_header(lead: &str) -> Option<NaiveDate> {
    let toks: Vec<&str> = lead.split_whitespace().collect();
    match toks.as_slice() {
        [date, page, n]
            if *page == "PAGE" && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) =>
        {
            NaiveDate::parse_from_str(date, "%m/%d/%Y")
                .ok()
                .filter(|_| date.len() == 10)
        }
        _ => None,
    }
}

/// A run of non-blank characters; `start`/`end` are char columns (end exclusive).
struct Tok {
    start: usize,
    end: usize,
    text: String,
}

fn tokenize(c: &[char]) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut start = None;
    for i in 0..=c.len() {
        let blank = c.get(i).is_none_or(|ch| ch.is_whitespace());
        match (blank, start) {
            (true, Some(s)) => {
                out.push(Tok {
                    start: s,
                    end: i,
                    text: c[s..i].iter().collect(),
                });
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    out
}

fn text(c: &[char], a: usize, b: usize) -> String {
    let b = b.min(c.len());
    if a >= b {
        return String::new();
    }
    c[a..b].iter().collect::<String>().trim().to_string()
}

fn blank_at(c: &[char], i: usize) -> bool {
    c.get(i).is_none_or(|ch| ch.is_whitespace())
}

/// `HH:MM` (24 h).
fn clock(s: &str) -> Option<NaiveTime> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 || !digits(h) || !digits(m) {
        return None;
    }
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
}

/// `HH:MM:SS` as seconds (hours may exceed 23).
fn duration(s: &str) -> Option<u32> {
    let p: Vec<&str> = s.split(':').collect();
    match p.as_slice() {
        [h, m, sec] if h.len() == 2 && m.len() == 2 && sec.len() == 2 => {
            if !(digits(h) && digits(m) && digits(sec)) {
                return None;
            }
            let (h, m, sec): (u32, u32, u32) =
                (h.parse().ok()?, m.parse().ok()?, sec.parse().ok()?);
            (m < 60 && sec < 60).then_some(h * 3600 + m * 60 + sec)
        }
        _ => None,
    }
}

/// `MM/DD` as (month, day), checked against a leap year so 02/29 passes.
fn month_day(s: &str) -> Option<(u32, u32)> {
    let (m, d) = s.split_once('/')?;
    if m.len() != 2 || d.len() != 2 || !digits(m) || !digits(d) {
        return None;
    }
    let (m, d) = (m.parse().ok()?, d.parse().ok()?);
    NaiveDate::from_ymd_opt(2000, m, d).map(|_| (m, d))
}

/// A class glued to the time (`IVOTP09:15`) as two tokens.
fn glued_class(t: &Tok) -> Option<[Tok; 2]> {
    let chars: Vec<char> = t.text.chars().collect();
    let cut = chars.len().checked_sub(5)?;
    let (code, time): (String, String) =
        (chars[..cut].iter().collect(), chars[cut..].iter().collect());
    (class_of(&code).is_some() && clock(&time).is_some()).then(|| {
        [
            Tok {
                start: t.start,
                end: t.start + cut,
                text: code,
            },
            Tok {
                start: t.start + cut,
                end: t.end,
                text: time,
            },
        ]
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Out,
    In,
    Internal,
    Transfer,
    /// Documented, but not a call (`ALB`, `BRD`, `BFL`, `SDTA`, `NEXT`).
    NotACall,
}

fn class_of(code: &str) -> Option<Class> {
    Some(match code {
        "POT" | "POTA" | "POTP" | "POTW" | "IVOT" | "IVOTP" | "IDOT" | "SAD" | "WAD" => Class::Out,
        "PIN" | "IVIN" | "IDIN" => Class::In,
        "ICM" => Class::Internal,
        "PTRS" | "ITRS" => Class::Transfer,
        "ALB" | "BRD" | "BFL" | "SDTA" | "NEXT" => Class::NotACall,
        _ => return None,
    })
}

/// What the line area (between time and duration) held.
#[derive(Default)]
struct LineArea {
    month_day: Option<(u32, u32)>,
    trunk: Option<String>,
    ddi: Option<String>,
}

fn line_area(toks: &[&Tok]) -> Result<LineArea, String> {
    let mut area = LineArea::default();
    let mut rest = toks;
    if let Some(first) = toks.first() {
        if first.text.contains('/') {
            area.month_day = Some(
                month_day(&first.text)
                    .ok_or_else(|| format!("bad date '{}' (MM/DD)", excerpt(&first.text)))?,
            );
            rest = &toks[1..];
        }
    }
    let joined = rest
        .iter()
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    if joined.is_empty() {
        return Ok(area);
    }
    if digits(&joined) && joined.len() > 4 {
        area.ddi = Some(joined);
    } else {
        area.trunk = Some(joined);
    }
    Ok(area)
}

impl Nec {
    fn record(&mut self, c: &[char]) -> Result<Parsed, String> {
        let mut toks = tokenize(c);
        // `IVOTP` is five letters in a four-column field: it may touch the time.
        if let Some(split) = toks.first().and_then(glued_class) {
            toks.splice(0..1, split);
        }
        let Some(first) = toks.first() else {
            return Err("blank line".into());
        };
        let code = first.text.as_str();
        let class = class_of(code).ok_or_else(|| {
            format!(
                "unknown class '{}' (not one of NEC's documented SMDR classes)",
                excerpt(code)
            )
        })?;
        if first.start > 1 {
            return Err(format!(
                "class '{}' at column {}: a record starts at column 1",
                excerpt(code),
                first.start + 1
            ));
        }
        if class == Class::NotACall {
            return Ok(header(HeaderKind::Other));
        }
        let time_tok = toks
            .get(1)
            .ok_or_else(|| format!("class {code} without a time (cut line?)"))?;
        let time = clock(&time_tok.text).ok_or_else(|| {
            format!(
                "no time HH:MM after the class (found '{}')",
                excerpt(&time_tok.text)
            )
        })?;
        let after_time = &toks[2..];
        let dur_at = after_time.iter().position(|t| duration(&t.text).is_some());
        let mut warnings = Vec::new();
        let (area_toks, station, number, account, duration_secs) = match dur_at {
            Some(i) => {
                let dur = &after_time[i];
                let (station, number, account) =
                    self.after_duration(c, dur.end, &after_time[i + 1..]);
                (
                    after_time[..i].iter().collect::<Vec<_>>(),
                    station,
                    number,
                    account,
                    duration(&dur.text),
                )
            }
            None => {
                if after_time.iter().any(|t| t.text.matches(':').count() == 2) {
                    let bad = after_time
                        .iter()
                        .find(|t| t.text.matches(':').count() == 2)
                        .map(|t| t.text.as_str())
                        .unwrap_or_default();
                    return Err(format!("bad duration '{}' (HH:MM:SS)", excerpt(bad)));
                }
                // The line area's tokens end by column 21; the manual's collapsed example
                // (`PIN 10:53 12/09 022 2142623801`) puts the CLI's start inside it.
                let split = after_time
                    .iter()
                    .position(|t| t.end > LINE_AREA_END)
                    .unwrap_or(after_time.len());
                let mut tail: Vec<&str> = after_time[split..]
                    .iter()
                    .map(|t| t.text.as_str())
                    .collect();
                let mut account = None;
                if tail.ends_with(&["NO", "ANSWER"]) {
                    tail.truncate(tail.len() - 2);
                    account = Some("NO ANSWER".to_string());
                }
                let (station, number) = match tail.as_slice() {
                    [] => (String::new(), String::new()),
                    [n] => (String::new(), n.to_string()),
                    [s, n] => (s.to_string(), n.to_string()),
                    _ => {
                        return Err(format!(
                            "no duration HH:MM:SS and {} fields after the line (cut line?)",
                            tail.len()
                        ))
                    }
                };
                warnings.push("no duration printed".to_string());
                (
                    after_time[..split].iter().collect::<Vec<_>>(),
                    station,
                    number,
                    account,
                    None,
                )
            }
        };
        let area = line_area(&area_toks)?;
        let unanswered = account.as_deref() == Some("NO ANSWER");
        let account_code = account.filter(|a| !a.is_empty() && a != "NO ANSWER");
        let layout = if area.month_day.is_some() {
            LAYOUT_DATE
        } else {
            LAYOUT_NO_DATE
        };
        let date = self.date_for(area.month_day, time);
        if date.is_none() {
            warnings.push(
                "no page header seen yet: the year (and for 35-02-14=0 the date) is unknown".into(),
            );
        }
        let direction = match class {
            Class::Out => Direction::Outgoing,
            Class::In => Direction::Incoming,
            Class::Internal => Direction::Internal,
            Class::Transfer | Class::NotACall => {
                warnings.push(
                    "transfer record: NEC does not print its direction; read as incoming".into(),
                );
                Direction::Incoming
            }
        };
        let has_letter = |s: &str| s.chars().any(char::is_alphabetic);
        let (number, caller_name) = if direction == Direction::Incoming && has_letter(&number) {
            (String::new(), Some(number))
        } else {
            (number, None)
        };
        let extension_name = has_letter(&station).then(|| station.clone());
        Ok(Parsed::Record {
            record: Box::new(Record {
                dialect: NAME,
                layout,
                date,
                time: Some(time),
                time_is: TimeMeaning::CallStart,
                extension: station,
                trunk: area.trunk,
                direction,
                number,
                caller_name,
                ddi: area.ddi,
                ring_secs: None,
                duration_secs,
                cost: None,
                account_code,
                condition: Some(code.to_string()),
                unanswered,
                transferred: class == Class::Transfer,
                forwarded: false,
                extra: Extra {
                    extension_name,
                    ..Extra::default()
                },
            }),
            warnings,
        })
    }

    /// Station, number and account after the duration ending at column `end` (exclusive):
    /// by the documented widths when the separating columns are blank, else by tokens.
    fn after_duration(
        &self,
        c: &[char],
        end: usize,
        toks: &[Tok],
    ) -> (String, String, Option<String>) {
        let st = end + 1;
        let nu = st + STATION_WIDTH + 1;
        let ac = nu + DIALLED_WIDTH + 1;
        let columns_fit = blank_at(c, end)
            && blank_at(c, nu - 1)
            && blank_at(c, ac - 1)
            && toks.iter().all(|t| {
                (t.start >= st && t.end < nu) || (t.start >= nu && t.end < ac) || t.start >= ac
            });
        if columns_fit {
            let acc = text(c, ac, c.len());
            return (
                text(c, st, nu - 1),
                text(c, nu, ac - 1),
                (!acc.is_empty()).then_some(acc),
            );
        }
        let mut it = toks.iter().map(|t| t.text.clone());
        let station = it.next().unwrap_or_default();
        let number = it.next().unwrap_or_default();
        let rest: Vec<String> = it.collect();
        let acc = rest.join(" ");
        (station, number, (!acc.is_empty()).then_some(acc))
    }

    /// The record's date from the page header (see the module doc), remembering the time.
    fn date_for(&mut self, md: Option<(u32, u32)>, time: NaiveTime) -> Option<NaiveDate> {
        let page = self.page_date?;
        match md {
            Some((m, d)) => {
                let mut best = None;
                // The year that puts MM/DD nearest the page date.
                for y in [page.year() - 1, page.year(), page.year() + 1] {
                    if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                        let gap = (date - page).num_days().abs();
                        if best.is_none_or(|(g, _)| gap < g) {
                            best = Some((gap, date));
                        }
                    }
                }
                best.map(|(_, date)| date)
            }
            None => {
                let mut current = self.current.unwrap_or(page);
                if let Some(last) = self.last_time {
                    let back = last.num_seconds_from_midnight() as i64
                        - time.num_seconds_from_midnight() as i64;
                    if back > 12 * 3600 {
                        current += Duration::days(1);
                    }
                }
                self.current = Some(current);
                self.last_time = Some(time);
                Some(current)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Puts each text at its 1-based column, blanks in between: lines built from the column
    /// table in nec.md ("Call record", N3/N4/N5), not captured from a PBX.
    pub(crate) fn at(fields: &[(usize, &str)]) -> String {
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

    fn page(date: &str) -> String {
        at(&[(61, date), (72, "PAGE"), (77, "001")])
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

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    fn t(h: u32, m: u32) -> Option<NaiveTime> {
        NaiveTime::from_hms_opt(h, m, 0)
    }

    #[test]
    fn page_header_and_titles() {
        let mut n = Nec::default();
        // Header line 1 (N1/N4): cols 61-70 date, 72-75 PAGE, 77-79 page number.
        assert_eq!(n.parse(&page("11/23/2026")), header(HeaderKind::Other));
        assert_eq!(n.page_date, d(2026, 11, 23));
        // Header line 2 (N1/N4): the titles at their documented columns.
        let titles = at(&[
            (1, "CLASS"),
            (7, "TIME"),
            (15, "LINE"),
            (23, "DURATION"),
            (33, "STATION"),
            (45, "DIALLED"),
            (53, "No./CLI"),
            (64, "ACCOUNT"),
        ]);
        assert_eq!(n.parse(&titles), header(HeaderKind::Titles));
        assert_eq!(n.parse(&"-".repeat(79)), header(HeaderKind::Rule));
        assert_eq!(n.parse("\x0c"), reject("blank line"));
        // A page header with an impossible date is not a header.
        assert!(matches!(
            n.parse(&page("13/40/2026")),
            Parsed::Reject { .. }
        ));
    }

    #[test]
    fn outgoing_without_date_column() {
        let mut n = Nec::default();
        n.parse(&page("11/23/2026"));
        // 35-02-14=0 (N3/N4): class 1, time 6, line 12, duration 23, station 32, dialled 43,
        // account 64.
        let line = at(&[
            (1, "POT"),
            (6, "09:15"),
            (12, "001"),
            (23, "00:02:35"),
            (32, "201"),
            (43, "0312345678"),
            (64, "4455"),
        ]);
        let (r, w) = rec(n.parse(&line));
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(r.layout, "35-02-14=0");
        assert_eq!(r.date, d(2026, 11, 23));
        assert_eq!(r.time, t(9, 15));
        assert_eq!(r.time_is, TimeMeaning::CallStart);
        assert_eq!(r.direction, Direction::Outgoing);
        assert_eq!(r.trunk.as_deref(), Some("001"));
        assert_eq!(r.extension, "201");
        assert_eq!(r.number, "0312345678");
        assert_eq!(r.duration_secs, Some(155));
        assert_eq!(r.account_code.as_deref(), Some("4455"));
        assert_eq!(r.condition.as_deref(), Some("POT"));
        assert!(!r.unanswered && !r.transferred);
        assert_eq!(r.ring_secs, None);
        assert_eq!(r.cost, None);
    }

    #[test]
    fn incoming_no_answer_with_date_column() {
        let mut n = Nec::default();
        n.parse(&page("12/09/2026"));
        // 35-02-14=1 (N5): date 12-16, line 18-21; the N5 example's fields
        // `PIN 10:53 12/09 022 ... 2142623801 NO ANSWER` at the documented columns.
        let line = at(&[
            (1, "PIN"),
            (6, "10:53"),
            (12, "12/09"),
            (18, "022"),
            (23, "00:00:00"),
            (32, "201"),
            (43, "2142623801"),
            (64, "NO ANSWER"),
        ]);
        let (r, w) = rec(n.parse(&line));
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(r.layout, "35-02-14=1");
        assert_eq!(r.date, d(2026, 12, 9));
        assert_eq!(r.direction, Direction::Incoming);
        assert_eq!(r.trunk.as_deref(), Some("022"));
        assert_eq!(r.number, "2142623801");
        assert!(r.unanswered);
        assert_eq!(r.account_code, None);
        assert_eq!(r.duration_secs, Some(0));
    }

    #[test]
    fn documented_examples_with_collapsed_spacing() {
        // The three N5 examples as printed in the available copy (spacing collapsed): read by
        // shapes. No duration is printed in them.
        let mut n = Nec::default();
        n.parse(&page("12/09/2026"));
        let (r, w) = rec(n.parse("PIN 10:53 12/09 022 2142623801 NO ANSWER"));
        assert_eq!(r.date, d(2026, 12, 9));
        assert_eq!(r.trunk.as_deref(), Some("022"));
        assert_eq!(r.number, "2142623801");
        assert_eq!(r.extension, "");
        assert_eq!(r.duration_secs, None);
        assert!(r.unanswered);
        assert_eq!(w, ["no duration printed"]);
        // PRG 35-02-16: the received dialled number in the line area.
        let spaced = at(&[
            (1, "PIN"),
            (6, "10:53"),
            (12, "2038887777"),
            (32, "2142623801"),
            (64, "NO ANSWER"),
        ]);
        let (r, _) = rec(n.parse(&spaced));
        assert_eq!(r.ddi.as_deref(), Some("2038887777"));
        assert_eq!(r.trunk, None);
        assert_eq!(r.number, "2142623801");
        // PRG 35-02-03: the trunk's name in the line area.
        let named = at(&[
            (1, "PIN"),
            (6, "10:53"),
            (12, "Trunk 002"),
            (32, "2142623801"),
            (64, "NO ANSWER"),
        ]);
        let (r, _) = rec(n.parse(&named));
        assert_eq!(r.trunk.as_deref(), Some("Trunk 002"));
        assert_eq!(r.number, "2142623801");
        assert!(r.unanswered);
    }

    #[test]
    fn classes() {
        let mut n = Nec::default();
        n.parse(&page("11/23/2026"));
        let line = |class: &str, number: &str| {
            at(&[
                (1, class),
                (6, "11:00"),
                (12, "003"),
                (23, "00:01:00"),
                (32, "202"),
                (43, number),
            ])
        };
        for (class, dir) in [
            ("POTA", Direction::Outgoing),
            ("POTP", Direction::Outgoing),
            ("POTW", Direction::Outgoing),
            ("IVOT", Direction::Outgoing),
            ("IVOTP", Direction::Outgoing),
            ("IDOT", Direction::Outgoing),
            ("SAD", Direction::Outgoing),
            ("WAD", Direction::Outgoing),
            ("IVIN", Direction::Incoming),
            ("IDIN", Direction::Incoming),
        ] {
            let (r, w) = rec(n.parse(&line(class, "0299998888")));
            assert_eq!(r.direction, dir, "{class}");
            assert_eq!(r.condition.as_deref(), Some(class));
            assert_eq!(r.extension, "202", "{class}");
            assert!(w.is_empty(), "{class}: {w:?}");
        }
        let (r, w) = rec(n.parse(&line("PTRS", "0299998888")));
        assert!(r.transferred);
        assert_eq!(r.direction, Direction::Incoming);
        assert_eq!(w.len(), 1);
        // ICM: the line area is empty for an extension call (N3, V2.0).
        let icm = at(&[
            (1, "ICM"),
            (6, "11:05"),
            (23, "00:00:40"),
            (32, "202"),
            (43, "203"),
        ]);
        let (r, _) = rec(n.parse(&icm));
        assert_eq!(r.direction, Direction::Internal);
        assert_eq!(r.trunk, None);
        assert_eq!(r.number, "203");
        for class in ["ALB", "BRD", "BFL", "SDTA", "NEXT"] {
            let l = at(&[(1, class), (6, "11:10"), (12, "9"), (32, "JOHN SMITH")]);
            assert_eq!(n.parse(&l), header(HeaderKind::Other), "{class}");
        }
    }

    #[test]
    fn names_and_fallback_tokens() {
        let mut n = Nec::default();
        n.parse(&page("11/23/2026"));
        // A station name (35-02-03) and a caller name in the CLI column.
        let l = at(&[
            (1, "PIN"),
            (6, "12:00"),
            (12, "004"),
            (23, "00:00:09"),
            (32, "RECEPTION"),
            (43, "ACME LTD"),
        ]);
        let (r, _) = rec(n.parse(&l));
        assert_eq!(r.extension, "RECEPTION");
        assert_eq!(r.extra.extension_name.as_deref(), Some("RECEPTION"));
        assert_eq!(r.caller_name.as_deref(), Some("ACME LTD"));
        assert_eq!(r.number, "");
        // Columns shifted by one (a variant the manual calls "slightly different"): tokens.
        let l = "POT  09:15 001         00:02:35  201        0312345678            4455";
        let (r, _) = rec(n.parse(l));
        assert_eq!(r.extension, "201");
        assert_eq!(r.number, "0312345678");
        assert_eq!(r.account_code.as_deref(), Some("4455"));
        let l = "POT 09:15 001 00:02:35 201 0312345678 4455";
        let (r, _) = rec(n.parse(l));
        assert_eq!(
            (r.extension.as_str(), r.number.as_str()),
            ("201", "0312345678")
        );
        assert_eq!(r.account_code.as_deref(), Some("4455"));
    }

    #[test]
    fn dates_without_header_across_midnight_and_year() {
        let mut n = Nec::default();
        let l = |time: &str| {
            at(&[
                (1, "POT"),
                (6, time),
                (12, "001"),
                (23, "00:00:10"),
                (32, "201"),
                (43, "123"),
            ])
        };
        let (r, w) = rec(n.parse(&l("23:50")));
        assert_eq!(r.date, None);
        assert_eq!(w.len(), 1, "{w:?}");
        n.parse(&page("12/31/2026"));
        assert_eq!(rec(n.parse(&l("23:50"))).0.date, d(2026, 12, 31));
        // A call that started a little earlier, printed later: same day.
        assert_eq!(rec(n.parse(&l("23:40"))).0.date, d(2026, 12, 31));
        assert_eq!(rec(n.parse(&l("00:05"))).0.date, d(2027, 1, 1));
        assert_eq!(rec(n.parse(&l("00:10"))).0.date, d(2027, 1, 1));
        // 35-02-14=1 on a January page: a December record is of the year before.
        n.parse(&page("01/01/2027"));
        let dl = |md: &str| {
            at(&[
                (1, "POT"),
                (6, "23:59"),
                (12, md),
                (18, "001"),
                (23, "00:00:10"),
                (32, "201"),
            ])
        };
        assert_eq!(rec(n.parse(&dl("12/31"))).0.date, d(2026, 12, 31));
        assert_eq!(rec(n.parse(&dl("01/01"))).0.date, d(2027, 1, 1));
    }

    #[test]
    fn rejects() {
        let mut n = Nec::default();
        n.parse(&page("11/23/2026"));
        let cases: &[(&str, &str)] = &[
            ("XYZ  09:15 001", "unknown class"),
            ("POT", "without a time"),
            ("POT  9.15 001", "no time HH:MM"),
            ("POT  25:15 001", "no time HH:MM"),
            ("POT  09:15 001        00:61:00 201", "bad duration"),
            ("POT  09:15 13/45 001  00:01:00 201", "bad date"),
            (
                "POT  09:15 001 201 0312 4455 99 88",
                "fields after the line",
            ),
            ("    POT  09:15 001", "a record starts at column 1"),
            ("ΠΟΤ  09:15 001        00:01:00 201", "unknown class"),
            ("POT,09:15,001,00:01:00,201", "unknown class"),
        ];
        for (line, want) in cases {
            let got = reason(n.parse(line));
            assert!(got.contains(want), "{line:?}: {got}");
        }
        let long = format!(
            "POT  09:15 001        00:01:00 201        {}",
            "1".repeat(80)
        );
        assert!(reason(n.parse(&long)).contains("at most 79"));
    }

    #[test]
    fn never_panics() {
        let seeds = [
            page("11/23/2026"),
            at(&[
                (1, "POT"),
                (6, "09:15"),
                (12, "001"),
                (23, "00:02:35"),
                (32, "201"),
                (43, "0312345678"),
                (64, "4455"),
            ]),
            "PIN 10:53 12/09 022 2142623801 NO ANSWER".to_string(),
        ];
        let mut n = Nec::default();
        crate::core::dialect::fields::shake(&seeds, "0123456789/: PINOTANSWER\t\x0cé", 7, |l| {
            let _ = n.parse(l);
        });
    }
}
