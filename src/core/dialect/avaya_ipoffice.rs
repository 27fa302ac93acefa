//! Avaya IP Office SMDR: comma-separated records over TCP, one per call **segment**.
//!
//! Layout reference: `shared/formats/avaya-ipoffice.md` (its "Field list" and "Call types"
//! sections, sources S1-S6 and the real log R1). One line is one segment of a call:
//!
//! ```text
//! 2008/06/28 09:30:57,00:00:13,7,01707392200,I,299999,299999,,0,1000014160,1,E4750,John Smith,T9002,LINE 1.2,11,0
//! call start          connected ring caller  dir called dialled acc int call-id cont party1 name party2 name hold park
//! ```
//!
//! # How a line is read
//!
//! Split on `,` (the PBX neither quotes nor escapes: fields never hold a comma, S4). A record
//! has at least the 17 documented base fields; later releases add AoC, external targeting and
//! server/unique-id fields (30 in the S2 examples, 34 on every line of R1); anything past the
//! 17th is read where it is known (Call Charge, Currency) and otherwise ignored. A trailing
//! blank (the S2 example page has one) is trimmed silently. The layout name is the documented
//! field count the line reaches: `"17"`, `"30"` or `"34"` ([`LAYOUTS`]).
//!
//! A line whose first two fields hold letters and no digit is a title line, `Header { Titles }`:
//! the PBX sends none, but the Delta Server wrote one into its CSV files (S6) and collectors
//! such as R2 write their own (`callstart,duration,...`). Other lines are rejected when the
//! call start, the connected time or the direction cannot be read, or with fewer than 17 fields.
//!
//! # What maps where
//!
//! | Record | from | evidence |
//! |---|---|---|
//! | `date`, `time` | 1 Call Start (`YYYY/MM/DD HH:MM:SS`), `time_is` = start | S1, R1 |
//! | `duration_secs` | 2 Connected Time, `HH:MM:SS` | S1, R1 |
//! | `ring_secs` | 3 Ring Time, seconds (inbound: arrival at the switch to answer, queuing included) | S1 |
//! | `number` | incoming: 4 Caller without a SIP `@ip` suffix (empty: no CLI); outgoing and internal: 6 Called Number, else 7 Dialled Number | S1, S4, R1 |
//! | `ddi` | incoming: 6 Called Number ("the DDI dialed by the caller if available") | S1 |
//! | `direction` | 5 Direction and 9 Is Internal: see below | S1, S2 |
//! | `account_code` | 8 Account | S5 |
//! | `extension`, `extra.extension_name` | the `E` party (12/13, else 14/15) without the `E`, and its user name | S5, R1 |
//! | `trunk` | the `T` party's name (`Line 5.0`; the device, `T9005`, when the name is empty) | S5, R1 |
//! | `extra.call_id`, `extra.continued` | 10 Call ID, 11 Continuation (`1`: more segments follow) | S2, S6 |
//! | `extra.hold_secs`, `extra.park_secs` | 16 Hold Time, 17 Park Time | S5, R1 |
//! | `cost` | 21 Call Charge with 22 Currency, when printed | S5 |
//!
//! # Decisions
//!
//! - Direction: `I` is incoming. `O` with Is Internal `1` is internal, `O` with `0` outgoing;
//!   but R1 prints Is Internal `0` on extension-to-voicemail segments (`E212 ... V9511 VM
//!   Channel 11`), which never leave the switch, so an `O` segment whose other party is
//!   voicemail and that has no trunk party is internal too (inferred). Is Internal `I` (a
//!   misprint on the S2 page) is read as `1` with a warning; any other value is inferred from
//!   the parties (a trunk party: external), with a warning.
//! - Voicemail parties (`V9xxx` devices, names `VM Channel n`, S2/S5/R1) give condition `VM`;
//!   a segment held by voicemail alone (incoming, party 1 `V9502`) has an empty extension, so
//!   no operator is credited with it. The unknown/tone party `V8000 U1 0.0` (S5; R1: ring and
//!   connected 0, e.g. an internal call to a busy extension, a short code, an incomplete
//!   number) gives condition `NC` (not connected to a party). Other `V` parties: no condition.
//! - `unanswered`: incoming, connected `00:00:00` and Continuation `0` (the "lost incoming
//!   call" of S2). A zero-connected segment that continues rang and moved on; the calls model
//!   reads it as ringing without an answer.
//! - `transferred`: a segment that talked and continues (S2 "transferred to voicemail").
//! - `forwarded` is never set: "Call Splitting for Diverts" (S3) records of a call forwarded
//!   off-switch carry the same Call ID, so the calls model links them; no capture shows one.
//! - The date order option does not apply: the PBX always prints year/month/day.
//! - Fields 18-20 and 23-34 (authorisation, AoC units, external targeting, server addresses)
//!   stay in the stored raw line only.

use super::{Dialect, Grouping};
use crate::core::record::{Cost, Direction, Extra, HeaderKind, Parsed, Record, TimeMeaning};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

pub const NAME: &str = "avaya-ipoffice";
/// By field count: 17 base fields (S2), 30 with AoC and external targeting (S2), 34 with the
/// server addresses and unique call ids (R1, 2017).
pub const LAYOUTS: &[&str] = &["17", "30", "34"];
pub const GROUPING: Grouping = Grouping::CallId;

/// Fewest fields of a record: Call Start .. Park Time.
const MIN_FIELDS: usize = 17;

pub fn new(_opts: super::DialectOptions) -> Box<dyn Dialect> {
    Box::new(AvayaIpOffice)
}

/// Stateless: every line carries all it needs.
pub struct AvayaIpOffice;

impl Dialect for AvayaIpOffice {
    fn name(&self) -> &'static str {
        NAME
    }

    fn parse(&mut self, line: &str) -> Parsed {
        let line = line.trim_end();
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if is_titles(&fields) {
            return Parsed::Header {
                header: HeaderKind::Titles,
            };
        }
        match read_record(&fields) {
            Ok((record, warnings)) => Parsed::Record {
                record: Box::new(record),
                warnings,
            },
            Err(reason) => Parsed::Reject { reason },
        }
    }
}

/// A title line: the first two fields are words (letters, no digit).
fn is_titles(fields: &[&str]) -> bool {
    let word =
        |f: &&str| f.chars().any(char::is_alphabetic) && !f.chars().any(|c| c.is_ascii_digit());
    fields.len() >= 5 && fields.iter().take(2).all(word)
}

/// What kind of device a party field names (S5: the type letter before the device number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PartyKind {
    Extension,
    Trunk,
    Voicemail,
    /// `V8000` `U1 0.0`: unknown / tone.
    Tone,
    Other,
    Empty,
}

struct Party<'a> {
    kind: PartyKind,
    device: &'a str,
    name: &'a str,
}

fn party<'a>(device: &'a str, name: &'a str) -> Party<'a> {
    let kind = match device.chars().next() {
        None => PartyKind::Empty,
        Some('E') => PartyKind::Extension,
        Some('T') => PartyKind::Trunk,
        Some('V') if device.starts_with("V9") || name.to_ascii_uppercase().starts_with("VM ") => {
            PartyKind::Voicemail
        }
        Some('V') if device == "V8000" || name.starts_with("U1 ") => PartyKind::Tone,
        Some(_) => PartyKind::Other,
    };
    Party { kind, device, name }
}

fn read_record(f: &[&str]) -> Result<(Record, Vec<String>), String> {
    if f.len() < MIN_FIELDS {
        return Err(format!(
            "{} field(s); an IP Office record has at least {MIN_FIELDS}",
            f.len()
        ));
    }
    let mut warnings = Vec::new();
    let start = parse_start(f[0])?;
    let connected = parse_hms(f[1])
        .ok_or_else(|| format!("connected time {:?} is not HH:MM:SS", excerpt(f[1])))?;
    let ring = optional_secs(f[2], "ring time", &mut warnings);
    let incoming = match f[4] {
        "I" => true,
        "O" => false,
        other => return Err(format!("direction {:?} is neither I nor O", excerpt(other))),
    };
    let parties = [party(f[11], f[12]), party(f[13], f[14])];
    let has = |k: PartyKind| parties.iter().any(|p| p.kind == k);
    let internal_flag = match f[8] {
        "0" => Some(false),
        "1" => Some(true),
        "I" => {
            warnings.push("Is Internal printed as \"I\"; read as 1 (internal)".to_string());
            Some(true)
        }
        other => {
            warnings.push(format!(
                "Is Internal {:?} is neither 0 nor 1; read from the parties",
                excerpt(other)
            ));
            None
        }
    };
    let internal = internal_flag.unwrap_or(!has(PartyKind::Trunk));
    let direction = if incoming {
        Direction::Incoming
    } else if internal || (has(PartyKind::Voicemail) && !has(PartyKind::Trunk)) {
        Direction::Internal
    } else {
        Direction::Outgoing
    };
    let continued = match f[10] {
        "1" => true,
        "0" | "" => false,
        other => {
            warnings.push(format!(
                "Continuation {:?} is neither 0 nor 1; read as 0",
                excerpt(other)
            ));
            false
        }
    };
    let call_id = (!f[9].is_empty()).then(|| f[9].to_string());
    if call_id.is_none() {
        warnings.push("no Call ID: the segment is a call of its own".to_string());
    }
    let ext = parties.iter().find(|p| p.kind == PartyKind::Extension);
    let trunk = parties
        .iter()
        .find(|p| p.kind == PartyKind::Trunk)
        .map(|p| if p.name.is_empty() { p.device } else { p.name }.to_string());
    let condition = if has(PartyKind::Voicemail) {
        Some("VM")
    } else if has(PartyKind::Tone) {
        Some("NC")
    } else {
        None
    };
    let called = if f[5].is_empty() { f[6] } else { f[5] };
    let number = match direction {
        // A SIP trunk prints the caller as `number@ip` (R1).
        Direction::Incoming => f[3].split('@').next().unwrap_or_default(),
        Direction::Outgoing | Direction::Internal => called,
    };
    let ddi = (incoming && !f[5].is_empty()).then(|| f[5].to_string());
    let cost = read_cost(f, &mut warnings);
    let record = Record {
        dialect: NAME,
        layout: layout_of(f.len()),
        date: Some(start.date()),
        time: Some(start.time()),
        time_is: TimeMeaning::CallStart,
        extension: ext
            .map(|p| p.device.trim_start_matches('E').to_string())
            .unwrap_or_default(),
        trunk,
        direction,
        number: number.to_string(),
        caller_name: None,
        ddi,
        ring_secs: ring,
        duration_secs: Some(connected),
        cost,
        account_code: (!f[7].is_empty()).then(|| f[7].to_string()),
        condition: condition.map(str::to_string),
        unanswered: incoming && connected == 0 && !continued,
        transferred: continued && connected > 0,
        forwarded: false,
        extra: Extra {
            call_id,
            continued,
            hold_secs: optional_secs(f[15], "hold time", &mut warnings),
            park_secs: optional_secs(f[16], "park time", &mut warnings),
            extension_name: ext
                .filter(|p| !p.name.is_empty())
                .map(|p| p.name.to_string()),
        },
    };
    Ok((record, warnings))
}

fn layout_of(fields: usize) -> &'static str {
    match fields {
        n if n >= 34 => "34",
        n if n >= 30 => "30",
        _ => "17",
    }
}

/// `YYYY/MM/DD HH:MM:SS` (S1); dashes in the date are tolerated.
fn parse_start(s: &str) -> Result<NaiveDateTime, String> {
    let bad = || format!("call start {:?} is not YYYY/MM/DD HH:MM:SS", excerpt(s));
    let (d, t) = s.split_once(' ').ok_or_else(bad)?;
    let nums: Vec<u32> = d
        .split(['/', '-'])
        .map(|p| p.parse::<u32>().ok().filter(|_| is_digits(p)))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(bad)?;
    let [y, m, day] = nums[..] else {
        return Err(bad());
    };
    let date = i32::try_from(y)
        .ok()
        .and_then(|y| NaiveDate::from_ymd_opt(y, m, day))
        .ok_or_else(bad)?;
    let time = NaiveTime::parse_from_str(t.trim(), "%H:%M:%S").map_err(|_| bad())?;
    Ok(date.and_time(time))
}

/// `HH:MM:SS` to seconds; hours may exceed 23 (a long call).
fn parse_hms(s: &str) -> Option<u32> {
    let mut parts = s.split(':');
    let (h, m, sec) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || ![h, m, sec].iter().all(|p| is_digits(p)) {
        return None;
    }
    let (h, m, sec): (u32, u32, u32) = (h.parse().ok()?, m.parse().ok()?, sec.parse().ok()?);
    if m > 59 || sec > 59 {
        return None;
    }
    h.checked_mul(3600)?.checked_add(m * 60 + sec)
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// A seconds field; empty is `None`, garbage is `None` with a warning.
fn optional_secs(s: &str, what: &str, warnings: &mut Vec<String>) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    let v = Some(s)
        .filter(|s| is_digits(s))
        .and_then(|s| s.parse().ok());
    if v.is_none() {
        warnings.push(format!(
            "{what} {:?} is not a number of seconds",
            excerpt(s)
        ));
    }
    v
}

/// Call Charge (21) and Currency (22), when the line has them and a charge is printed.
fn read_cost(f: &[&str], warnings: &mut Vec<String>) -> Option<Cost> {
    let amount = f.get(20).copied().filter(|s| !s.is_empty())?;
    let currency = f.get(21).copied().unwrap_or_default();
    match decimal(amount) {
        Some(amount) => Some(Cost {
            amount,
            currency: currency.to_string(),
        }),
        None => {
            warnings.push(format!(
                "call charge {:?} is not a decimal amount",
                excerpt(amount)
            ));
            None
        }
    }
}

/// Digits with at most one `.`, without leading zeros (`00560.00` -> `560.00`, `.5` -> `0.5`).
fn decimal(s: &str) -> Option<String> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || !digits(frac) || (int.is_empty() && frac.is_empty()) {
        return None;
    }
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    Some(if s.contains('.') {
        format!("{int}.{frac}")
    } else {
        int.to_string()
    })
}

/// At most 40 characters of a field, for a reason or warning.
fn excerpt(s: &str) -> String {
    s.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Parsed {
        AvayaIpOffice.parse(line)
    }

    fn record(line: &str) -> (Record, Vec<String>) {
        match parse(line) {
            Parsed::Record { record, warnings } => (*record, warnings),
            other => panic!("not a record: {other:?} for {line}"),
        }
    }

    /// The S2 examples (the corpus's KB file), each field that matters checked.
    #[test]
    fn manual_examples() {
        // Lost incoming call.
        let (r, w) = record("2008/06/28 09:28:41,00:00:00,9,8004206,I,4324,4324,,0,1000014155,0,E4324,Joe Bloggs,T9161,LINE 5.1,0,0");
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(r.direction, Direction::Incoming);
        assert_eq!(r.layout, "17");
        assert_eq!(r.date, NaiveDate::from_ymd_opt(2008, 6, 28));
        assert_eq!(r.time, NaiveTime::from_hms_opt(9, 28, 41));
        assert_eq!(r.time_is, TimeMeaning::CallStart);
        assert_eq!(
            (r.extension.as_str(), r.number.as_str()),
            ("4324", "8004206")
        );
        assert_eq!(r.extra.extension_name.as_deref(), Some("Joe Bloggs"));
        assert_eq!(r.trunk.as_deref(), Some("LINE 5.1"));
        assert_eq!(r.ddi.as_deref(), Some("4324"));
        assert_eq!((r.ring_secs, r.duration_secs), (Some(9), Some(0)));
        assert!(r.unanswered && !r.transferred);
        assert_eq!(r.extra.call_id.as_deref(), Some("1000014155"));
        assert_eq!(r.condition, None);

        // Internal call answered by voicemail, with `I` in Is Internal and a trailing blank.
        let (r, w) = record(
            "2008/10/20 06:43:58,00:00:10,21,15,O,11,11,,I,28,0,E15,Extn15,V9051,VM Channel 1,0,0 ",
        );
        assert_eq!(w, ["Is Internal printed as \"I\"; read as 1 (internal)"]);
        assert_eq!(r.direction, Direction::Internal);
        assert_eq!((r.extension.as_str(), r.number.as_str()), ("15", "11"));
        assert_eq!(r.condition.as_deref(), Some("VM"));
        assert_eq!(r.extra.park_secs, Some(0));
        assert!(!r.unanswered);

        // Transferred to voicemail: two segments, the first continues.
        let (a, _) = record("2008/06/28 09:30:57,00:00:13,7,01707392200,I,299999,299999,,0,1000014160,1,E4750,John Smith,T9002,LINE 1.2,11,0");
        let (b, _) = record("2008/06/28 09:30:57,00:00:21,0,01707392200,I,299999,299999,,0,1000014160,0,V9502,VM Channel 2,T9002,LINE 1.2,0,0");
        assert!(a.extra.continued && a.transferred && !a.unanswered);
        assert_eq!(a.extra.hold_secs, Some(11));
        assert_eq!(a.condition, None);
        assert!(!b.extra.continued && !b.unanswered);
        assert_eq!(b.extension, "");
        assert_eq!(b.extra.extension_name, None);
        assert_eq!(b.condition.as_deref(), Some("VM"));
        assert_eq!(a.extra.call_id, b.extra.call_id);

        // External incoming, 30 fields.
        let (r, _) = record("2008/08/01 15:14:19,00:00:05,7,01707299900,I,23,390664,,0,1000013,0,E23,Extn23,T9001,Line 1.2,0,0,,,,,,,,,,,,,,");
        assert_eq!(r.layout, "30");
        assert_eq!(r.duration_secs, Some(5));
        assert_eq!(r.cost, None);

        // Internal.
        let (r, w) = record("2008/06/26 10:27:44,00:00:44,4,4688,O,4207,4207,,1,1000013898,0,E4688,Joe Bloggs,E4207,John Smith,0,0");
        assert!(w.is_empty());
        assert_eq!(r.direction, Direction::Internal);
        assert_eq!((r.extension.as_str(), r.number.as_str()), ("4688", "4207"));
        assert_eq!(r.trunk, None);
    }

    /// Lines of the real 2017 capture (R1), 34 fields.
    #[test]
    fn real_lines() {
        let (r, w) = record("2017/07/01 08:30:22,00:01:01,0,217,O,600988600,0600988600,,0,1005727,0,E217,GRZYBEK,T9005,Line 5.0,0,0,,,,,,,,,,,U,GRZYBEK,,192.168.0.201,20806,192.168.0.201,20809");
        assert!(w.is_empty());
        assert_eq!(r.layout, "34");
        assert_eq!(r.direction, Direction::Outgoing);
        assert_eq!(
            r.number, "600988600",
            "the called number, not the dialled one"
        );
        assert_eq!(r.trunk.as_deref(), Some("Line 5.0"));
        assert_eq!(r.duration_secs, Some(61));

        let (r, _) = record("2017/07/01 08:13:24,00:00:20,7,214,O,215,215,,1,1005724,0,E214,BOBOLI,E215,WŁOCŁAWSKA,0,0,,,,,,,,,,,,,,192.168.0.201,20797,192.168.0.201,20799");
        assert_eq!(r.direction, Direction::Internal);
        assert_eq!(r.extra.extension_name.as_deref(), Some("BOBOLI"));

        // Voicemail with Is Internal 0 and no trunk: internal.
        let (r, _) = record("2017/07/01 09:46:44,00:00:15,0,212,O,?GRABOWA,?GRABOWA,,0,1005728,0,E212,GRABOWA,V9511,VM Channel 11,0,0,,,,,,,,,,,,,,192.168.0.201,20811,192.168.0.201,20813");
        assert_eq!(r.direction, Direction::Internal);
        assert_eq!(r.condition.as_deref(), Some("VM"));
        assert_eq!(r.number, "?GRABOWA");

        // The unknown/tone party.
        let (r, _) = record("2017/07/04 09:26:30,00:00:00,0,215,O,211,211,,1,1005782,0,E215,WŁOCŁAWSKA,V8000,U1 0.0,0,0,,,,,,,,,,,,,,192.168.0.201,21036,0.0.0.0,0");
        assert_eq!(r.direction, Direction::Internal);
        assert_eq!(r.condition.as_deref(), Some("NC"));
        let (r, _) = record("2017/07/01 08:29:59,00:00:00,0,217,O,06009889,06009889,,0,1005726,0,E217,GRZYBEK,V8000,U1 0.0,0,0,,,,,,,,,,,,,,192.168.0.201,20803,0.0.0.0,0");
        assert_eq!(r.direction, Direction::Outgoing, "the PBX says external");
        assert_eq!(
            (r.trunk.as_deref(), r.condition.as_deref()),
            (None, Some("NC"))
        );

        // Unanswered incoming without CLI.
        let (r, _) = record("2017/07/04 11:01:57,00:00:00,26,,I,212,,,0,1005817,0,E212,GRABOWA,T9005,Line 5.0,0,0,,,,,,,,,,,,,,192.168.0.201,2,0.0.0.0,0");
        assert!(r.unanswered);
        assert_eq!((r.number.as_str(), r.extension.as_str()), ("", "212"));
        assert_eq!(r.ring_secs, Some(26));

        // Hold time.
        let (r, _) = record("2017/07/06 10:58:55,00:00:29,4,217,O,222,222,,1,1006025,0,E217,GRZYBEK,E222,MŁYN,4,0,,,,,,,,,,,,,,192.168.0.201,21749,192.168.0.201,21751");
        assert_eq!(r.extra.hold_secs, Some(4));
    }

    #[test]
    fn sip_caller_cost_account_and_long_calls() {
        let (r, w) = record("2017/07/10 10:00:00,01:02:03,12,0518012216@193.43.148.35,I,212,,4711,0,1007000,0,E212,GRABOWA,T9005,Line 5.0,0,0,1,n/a,GRABOWA,00012.50,PLN,,,,,,,,,1.1.1.1,1,2.2.2.2,2");
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(r.number, "0518012216");
        assert_eq!(r.duration_secs, Some(3723));
        assert_eq!(r.account_code.as_deref(), Some("4711"));
        assert_eq!(
            r.cost,
            Some(Cost {
                amount: "12.50".into(),
                currency: "PLN".into()
            })
        );
        let (r, w) = record(
            "2017/07/10 10:00:00,00:00:05,0,212,O,0601,0601,,0,7,0,E212,X,T9005,,0,0,,,,abc,PLN",
        );
        assert_eq!(r.cost, None);
        assert_eq!(w, ["call charge \"abc\" is not a decimal amount"]);
        assert_eq!(
            r.trunk.as_deref(),
            Some("T9005"),
            "device when the name is empty"
        );
        assert_eq!(r.layout, "17");
        assert_eq!(decimal("0.00").as_deref(), Some("0.00"));
        assert_eq!(decimal(".5").as_deref(), Some("0.5"));
        assert_eq!(decimal("007").as_deref(), Some("7"));
        assert_eq!(decimal("."), None);
    }

    #[test]
    fn headers_and_rejects() {
        for h in [
            "callstart,duration,ring,caller,dir,called,dialled,acc,isinternal,callid,cont,p1device,p1name,p2device,p2name,hold,park,authvalid,authcode,ucharged,charge,currency,aocamount,callunits,aocunits,costperunit,markup,extargcause,extargid,extargeted,ip1,port1,ip2,port2",
            "DATETIME,DURATION,RING,CALLER,DIRECTION,CALLED,DIALLED,ACCOUNT,INTERNAL,CALLID,CONTINUATION,P1DEV,P1NAME,P2DEV,P2NAME,HOLD,PARK",
            "Call Start,Call Duration,Ring Duration,Caller,Direction,Called Number,Dialled Number,Account,Is Internal,Call ID,Continuation,Party1Device,Party1Name,Party2Device,Party2Name,Hold Time,Park Time",
        ] {
            assert_eq!(
                parse(h),
                Parsed::Header {
                    header: HeaderKind::Titles
                },
                "{h}"
            );
        }
        let base =
            "2017/07/04 11:01:57,00:00:00,26,,I,212,,,0,1005817,0,E212,GRABOWA,T9005,Line 5.0,0,0";
        let cases = [
            ("2017/07/04 11:01:57,00:00:00,26,,I,212", "6 field(s)"),
            (
                "2017/13/04 11:01:57,00:00:00,26,,I,212,,,0,1,0,E212,G,T9005,L,0,0",
                "call start",
            ),
            (
                "2017/07/04 11:01,00:00:00,26,,I,212,,,0,1,0,E212,G,T9005,L,0,0",
                "call start",
            ),
            (
                "2017/07/04 11:01:57,00:0:61,26,,I,212,,,0,1,0,E212,G,T9005,L,0,0",
                "connected time",
            ),
            (
                "2017/07/04 11:01:57,00:00:00,26,,X,212,,,0,1,0,E212,G,T9005,L,0,0",
                "direction",
            ),
            ("", "1 field(s)"),
        ];
        for (line, want) in cases {
            match parse(line) {
                Parsed::Reject { reason } => assert!(reason.contains(want), "{line}: {reason}"),
                other => panic!("{line}: {other:?}"),
            }
        }
        assert_eq!(parse(base).kind(), "record");
        // Oddities that are warnings, not rejects.
        let (r, w) = record("2017/07/04 11:01:57,00:00:00,x,,I,212,,,2,,7,E212,G,T9005,L,-1,0");
        assert_eq!(r.ring_secs, None);
        assert_eq!(r.extra.call_id, None);
        assert_eq!(r.extra.hold_secs, None);
        assert!(!r.extra.continued);
        assert_eq!(w.len(), 5, "{w:?}");
    }

    #[test]
    fn never_panics() {
        let base = "2008/06/28 09:30:57,00:00:13,7,01707392200,I,299999,299999,,0,1000014160,1,E4750,John Smith,T9002,LINE 1.2,11,0,1,n/a,x,1.5,EUR";
        let mut d = AvayaIpOffice;
        for cut in 0..=base.len() {
            if base.is_char_boundary(cut) {
                let _ = d.parse(&base[..cut]);
                let _ = d.parse(&base[cut..]);
            }
        }
        for s in [
            "ŁŁŁ,ŁŁ,,,,,,,,,,,,,,,,,",
            ",,,,,,,,,,,,,,,,,,,,,,,,",
            "9999/99/99 99:99:99,99999999999:00:00",
        ] {
            let _ = d.parse(s);
        }
        assert_eq!(parse_hms("4294967295:00:00"), None);
    }
}
