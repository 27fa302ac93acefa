//! 3CX: CDR output (file, or a TCP socket in either direction).
//!
//! Layout reference: `shared/formats/3cx.md`. **No real 3CX record has confirmed this reader.**
//! 3CX lets the administrator choose the fields and their order (X1), so there is no fixed
//! layout: this dialect reads comma-separated values (the `csv` crate, one line at a time) in
//! the order a header line names, else in an assumed default order.
//!
//! ```text
//! historyid,callid,duration,time-start,time-answered,time-end,reason-terminated,from-no,to-no,...
//! 71,00000C5F2A8B1C01_12,00:01:05,2026/03/02 10:00:00,2026/03/02 10:00:12,2026/03/02 10:01:17,TerminatedBySrc,0612345678,201,...
//! ```
//!
//! # Documented (X1, X2, X3)
//!
//! - The field names (X2): historyid, callid, duration, time-start, time-answered, time-end,
//!   reason-terminated, from-no, to-no, from-dn, to-dn, dial-no, reason-changed (`ReplacedDst`
//!   on a transfer), final-number, final-dn, bill-code, bill-rate, bill-cost, bill-name, chain,
//!   from-type, to-type, final-type, from-dispname, to-dispname, final-dispname,
//!   missed-queue-calls. One record per call, with `chain` and `final-*` rather than one
//!   record per segment.
//! - An older export (X3) whose detail records start with a record type `Call…` (the formats
//!   file names it `CallDetail 0`): field 1 a call id (not unique), 2 the duration `HH:MM:SS`,
//!   4 the date `YYYY-MM-DD HH:MM:SS`, 9 the account code, 16 the source, 17 the destination.
//!
//! # Inferred (a real capture must confirm)
//!
//! - **Header line**: a line whose fields are all known field names (`-` or `_` alike) is a
//!   title line; its order is remembered for the lines after it (the dialect is stateful).
//! - **Default order** without a header: the 27 names in X2's order. A line with another
//!   number of fields is rejected with the reason: configure 3CX to send a header, or send a
//!   capture so the order can be added.
//! - **Values**: times `YYYY-MM-DD HH:MM:SS` or `YYYY/MM/DD HH:MM:SS` (a `T`, fractions and a
//!   trailing `Z` tolerated; the time zone is not documented and is taken as printed);
//!   durations `HH:MM:SS` (fractions dropped) or whole seconds.
//! - **Times**: time-start is the call's start ([`TimeMeaning::CallStart`]); answered when
//!   time-answered is present (else when the duration is not zero); ring = answered - start
//!   (unanswered: end - start, the caller's wait); talk = end - answered (else the duration
//!   field).
//! - **Direction**: with the `*-type` fields, a from-type containing `line` (a trunk) is
//!   incoming, a to-type or final-type containing `line` outgoing, anything else internal.
//!   Without them: a long from-no (7 or more digits or a leading `+`) is incoming, a long
//!   dial-no or to-no outgoing, the rest internal. The type values themselves are not
//!   documented.
//! - **Who**: incoming: the caller is from-no, the name from-dispname, the extension final-dn
//!   (else to-dn); outgoing: the extension from-dn, the number dial-no (else to-no, else
//!   final-number), from-dispname is the extension's name; internal: from-dn calls to-dn.
//!   The trunk is the `line` side's dn. A reason-changed containing `Replaced`, or a final-dn
//!   other than to-dn, marks the call transferred.
//! - call id = callid; condition = reason-terminated; account code = bill-code; cost =
//!   bill-cost when it is a decimal number.
//! - In the older export, direction is from the numbers (long source incoming, long
//!   destination outgoing); a line whose first field is another word (another record type)
//!   is a header (`Other`).
//! - One record is one call ([`Grouping::Whole`]): 3CX prints one record per call (X2).

use super::{Dialect, DialectOptions, Grouping};
use crate::core::record::{Cost, Direction, Extra, HeaderKind, Parsed, Record, TimeMeaning};
use chrono::NaiveDateTime;

pub const NAME: &str = "3cx";
/// `header`: order from a header line; `default`: X2's order; `CallDetail`: the older export.
pub const LAYOUTS: &[&str] = &["header", "default", "CallDetail"];
pub const GROUPING: Grouping = Grouping::Whole;

/// The field names of X2, in X2's order (the assumed default order).
pub const FIELDS: [&str; 27] = [
    "historyid",
    "callid",
    "duration",
    "time-start",
    "time-answered",
    "time-end",
    "reason-terminated",
    "from-no",
    "to-no",
    "from-dn",
    "to-dn",
    "dial-no",
    "reason-changed",
    "final-number",
    "final-dn",
    "bill-code",
    "bill-rate",
    "bill-cost",
    "bill-name",
    "chain",
    "from-type",
    "to-type",
    "final-type",
    "from-dispname",
    "to-dispname",
    "final-dispname",
    "missed-queue-calls",
];

pub fn new(_opts: DialectOptions) -> Box<dyn Dialect> {
    Box::new(ThreeCx::default())
}

/// Remembers the field order of the last header line.
#[derive(Default)]
pub struct ThreeCx {
    order: Option<Vec<String>>,
}

impl Dialect for ThreeCx {
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

fn norm(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace('_', "-")
}

/// `YYYY-MM-DD HH:MM:SS` with `/` or `-`, an optional `T`, fraction and trailing zone mark.
fn parse_time(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim().trim_end_matches('Z');
    let s = s.split('.').next().unwrap_or(s);
    let s: String = s
        .chars()
        .map(|c| match c {
            '/' => '-',
            'T' => ' ',
            c => c,
        })
        .collect();
    NaiveDateTime::parse_from_str(&s, "%Y-%m-%d %H:%M:%S").ok()
}

/// `HH:MM:SS` (fraction dropped) or whole seconds.
fn parse_duration(s: &str) -> Option<u32> {
    let s = s.trim();
    let s = s.split('.').next().unwrap_or(s);
    if s.is_empty() {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    let p: Vec<&str> = s.split(':').collect();
    let n = |x: &str| {
        (!x.is_empty() && x.bytes().all(|b| b.is_ascii_digit()))
            .then(|| x.parse::<u32>().ok())
            .flatten()
    };
    match p.as_slice() {
        [h, m, s] => {
            let (h, m, s) = (n(h)?, n(m)?, n(s)?);
            (m < 60 && s < 60).then_some(h.checked_mul(3600)?.checked_add(m * 60 + s)?)
        }
        _ => None,
    }
}

/// `digits[.digits]` without leading zeros (record.rs's form), or `None`.
fn decimal(s: &str) -> Option<String> {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) {
        return None;
    }
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    Some(match frac {
        Some(f) => format!("{int}.{f}"),
        None => int.to_string(),
    })
}

fn is_long(s: &str) -> bool {
    s.starts_with('+') || s.chars().filter(char::is_ascii_digit).count() >= 7
}

fn secs_between(a: NaiveDateTime, b: NaiveDateTime) -> u32 {
    u32::try_from((b - a).num_seconds()).unwrap_or(0)
}

impl ThreeCx {
    fn parse_line(&mut self, line: &str) -> Result<Parsed, String> {
        let body = line.trim_matches(|c: char| c.is_whitespace() || c == '\x0c');
        if body.is_empty() {
            return Err("blank line".into());
        }
        let fields = crate::core::dialect::asterisk::split_csv(body)?;
        let names: Vec<String> = fields.iter().map(|f| norm(f)).collect();
        if names.len() >= 3 && names.iter().all(|n| FIELDS.contains(&n.as_str())) {
            self.order = Some(names);
            return Ok(Parsed::Header {
                header: HeaderKind::Titles,
            });
        }
        let first = fields.first().map(|s| s.trim()).unwrap_or("");
        if first.starts_with("Call") {
            return call_detail(&fields);
        }
        if first.starts_with(|c: char| c.is_ascii_alphabetic())
            && !first.contains(|c: char| c.is_ascii_digit())
            && fields.len() >= 5
        {
            // Another record type of the older export (X3 keeps only `Call…` rows).
            return Ok(Parsed::Header {
                header: HeaderKind::Other,
            });
        }
        let (order, layout): (Vec<&str>, &'static str) = match &self.order {
            Some(o) => (o.iter().map(String::as_str).collect(), LAYOUTS[0]),
            None => (FIELDS.to_vec(), LAYOUTS[1]),
        };
        if fields.len() != order.len() {
            return Err(format!(
                "{} fields, but the {} field order has {}; configure 3CX to send a header line \
                 naming its CDR fields",
                fields.len(),
                if layout == "header" {
                    "header line's"
                } else {
                    "assumed default"
                },
                order.len()
            ));
        }
        let get = |name: &str| {
            order
                .iter()
                .position(|n| *n == name)
                .and_then(|i| fields.get(i))
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
        };
        record_from(&get, layout)
    }
}

fn record_from<'a>(
    get: &dyn Fn(&str) -> Option<&'a str>,
    layout: &'static str,
) -> Result<Parsed, String> {
    let mut warnings = Vec::new();
    let start_text = get("time-start").ok_or("no time-start: the call's start is needed")?;
    let start = parse_time(start_text)
        .ok_or_else(|| format!("time-start {start_text:?} is not YYYY-MM-DD HH:MM:SS"))?;
    let time_of = |name: &str, warnings: &mut Vec<String>| {
        let t = get(name)?;
        let parsed = parse_time(t);
        if parsed.is_none() {
            warnings.push(format!("{name} {t:?} is not YYYY-MM-DD HH:MM:SS"));
        }
        parsed
    };
    let answered_at = time_of("time-answered", &mut warnings);
    let ended_at = time_of("time-end", &mut warnings);
    let duration = match get("duration") {
        Some(d) => {
            Some(parse_duration(d).ok_or_else(|| format!("duration {d:?} is not HH:MM:SS"))?)
        }
        None => None,
    };
    let answered = match (get("time-answered"), duration) {
        (Some(_), _) => answered_at.is_some(),
        (None, Some(d)) => d > 0,
        (None, None) => false,
    };
    // Unanswered: the caller waited from the start to the end (the hang-up).
    let ring = match (answered, answered_at, ended_at) {
        (true, Some(a), _) => Some(secs_between(start, a)),
        (false, _, Some(e)) => Some(secs_between(start, e)),
        _ => None,
    };
    let talk = match (answered_at, ended_at) {
        (Some(a), Some(e)) => Some(secs_between(a, e)),
        _ => duration.or(Some(0)),
    };
    let lower = |n: &str| get(n).map(str::to_ascii_lowercase);
    let types = [lower("from-type"), lower("to-type"), lower("final-type")];
    let is_line = |t: &Option<String>| t.as_deref().is_some_and(|t| t.contains("line"));
    let direction = if types.iter().any(Option::is_some) {
        if is_line(&types[0]) {
            Direction::Incoming
        } else if is_line(&types[1]) || is_line(&types[2]) {
            Direction::Outgoing
        } else {
            Direction::Internal
        }
    } else if get("from-no").is_some_and(is_long) {
        Direction::Incoming
    } else if get("dial-no").or(get("to-no")).is_some_and(is_long) {
        Direction::Outgoing
    } else {
        Direction::Internal
    };
    let s = |n: &str| get(n).map(str::to_string);
    let (extension, number, trunk, caller_name, extension_name) = match direction {
        Direction::Incoming => (
            s("final-dn").or(s("to-dn")).unwrap_or_default(),
            s("from-no").unwrap_or_default(),
            is_line(&types[0]).then(|| s("from-dn")).flatten(),
            s("from-dispname"),
            None,
        ),
        Direction::Outgoing => (
            s("from-dn").or(s("from-no")).unwrap_or_default(),
            s("dial-no")
                .or(s("to-no"))
                .or(s("final-number"))
                .unwrap_or_default(),
            is_line(&types[1]).then(|| s("to-dn")).flatten(),
            None,
            s("from-dispname"),
        ),
        Direction::Internal => (
            s("from-dn").or(s("from-no")).unwrap_or_default(),
            s("to-dn").or(s("to-no")).unwrap_or_default(),
            None,
            None,
            s("from-dispname"),
        ),
    };
    let transferred = get("reason-changed").is_some_and(|r| r.contains("Replaced"))
        || (direction == Direction::Incoming
            && get("final-dn").is_some()
            && get("to-dn").is_some()
            && get("final-dn") != get("to-dn"));
    let cost = get("bill-cost").and_then(|c| {
        let amount = decimal(c);
        if amount.is_none() {
            warnings.push(format!("bill-cost {c:?} is not a decimal amount"));
        }
        amount.map(|amount| Cost {
            amount,
            currency: String::new(),
        })
    });
    let record = Record {
        dialect: NAME,
        layout,
        date: Some(start.date()),
        time: Some(start.time()),
        time_is: TimeMeaning::CallStart,
        extension,
        trunk,
        direction,
        number,
        caller_name,
        ddi: None,
        ring_secs: ring,
        duration_secs: talk,
        cost,
        account_code: s("bill-code"),
        condition: s("reason-terminated"),
        unanswered: !answered,
        transferred,
        forwarded: false,
        extra: Extra {
            call_id: s("callid"),
            extension_name,
            ..Extra::default()
        },
    };
    Ok(Parsed::Record {
        record: Box::new(record),
        warnings,
    })
}

/// The older export's detail record (X3's field positions).
fn call_detail(fields: &[String]) -> Result<Parsed, String> {
    if fields.len() < 18 {
        return Err(format!(
            "{} fields in a Call detail record; the older 3CX export has at least 18",
            fields.len()
        ));
    }
    let get = |i: usize| fields.get(i).map(|s| s.trim()).filter(|s| !s.is_empty());
    let date_text = get(4).unwrap_or("");
    let start = parse_time(date_text)
        .ok_or_else(|| format!("date {date_text:?} is not YYYY-MM-DD HH:MM:SS"))?;
    let dur_text = get(2).unwrap_or("");
    let talk =
        parse_duration(dur_text).ok_or_else(|| format!("duration {dur_text:?} is not HH:MM:SS"))?;
    let src = get(16).unwrap_or("");
    let dst = get(17).unwrap_or("");
    let (direction, extension, number) = if is_long(src) {
        (Direction::Incoming, dst, src)
    } else if is_long(dst) {
        (Direction::Outgoing, src, dst)
    } else {
        (Direction::Internal, src, dst)
    };
    let record = Record {
        dialect: NAME,
        layout: LAYOUTS[2],
        date: Some(start.date()),
        time: Some(start.time()),
        time_is: TimeMeaning::CallStart,
        extension: extension.to_string(),
        trunk: None,
        direction,
        number: number.to_string(),
        caller_name: None,
        ddi: None,
        ring_secs: None,
        duration_secs: Some(talk),
        cost: None,
        account_code: get(9).map(str::to_string),
        condition: None,
        unanswered: talk == 0,
        transferred: false,
        forwarded: false,
        extra: Extra {
            call_id: get(1).map(str::to_string),
            ..Extra::default()
        },
    };
    Ok(Parsed::Record {
        record: Box::new(record),
        warnings: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, NaiveTime};

    /// A line in the default (X2) order from (name, value) pairs; other fields empty.
    pub(crate) fn default_line(values: &[(&str, &str)]) -> String {
        FIELDS
            .iter()
            .map(|n| {
                values
                    .iter()
                    .find(|(k, _)| k == n)
                    .map_or(String::new(), |(_, v)| v.to_string())
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    fn record(p: &mut ThreeCx, l: &str) -> Record {
        match p.parse(l) {
            Parsed::Record { record, warnings } => {
                assert!(warnings.is_empty(), "{l}: {warnings:?}");
                *record
            }
            other => panic!("{l}: {other:?}"),
        }
    }

    const INCOMING: [(&str, &str); 16] = [
        ("historyid", "71"),
        ("callid", "00000C5F2A8B1C01_12"),
        ("duration", "00:01:05"),
        ("time-start", "2026/03/02 10:00:00"),
        ("time-answered", "2026/03/02 10:00:12"),
        ("time-end", "2026/03/02 10:01:17"),
        ("reason-terminated", "TerminatedBySrc"),
        ("from-no", "0612345678"),
        ("to-no", "201"),
        ("from-dn", "10000"),
        ("to-dn", "201"),
        ("final-dn", "201"),
        ("from-type", "Line"),
        ("to-type", "Extension"),
        ("from-dispname", "Bob Smith"),
        ("bill-cost", "0.00"),
    ];

    #[test]
    fn incoming_default_order_every_field() {
        let mut p = ThreeCx::default();
        let r = record(&mut p, &default_line(&INCOMING));
        let want = Record {
            dialect: "3cx",
            layout: "default",
            date: NaiveDate::from_ymd_opt(2026, 3, 2),
            time: NaiveTime::from_hms_opt(10, 0, 0),
            time_is: TimeMeaning::CallStart,
            extension: "201".into(),
            trunk: Some("10000".into()),
            direction: Direction::Incoming,
            number: "0612345678".into(),
            caller_name: Some("Bob Smith".into()),
            ddi: None,
            ring_secs: Some(12),
            duration_secs: Some(65),
            cost: Some(Cost {
                amount: "0.00".into(),
                currency: String::new(),
            }),
            account_code: None,
            condition: Some("TerminatedBySrc".into()),
            unanswered: false,
            transferred: false,
            forwarded: false,
            extra: Extra {
                call_id: Some("00000C5F2A8B1C01_12".into()),
                ..Extra::default()
            },
        };
        assert_eq!(r, want);
    }

    #[test]
    fn header_sets_the_order() {
        let mut p = ThreeCx::default();
        assert_eq!(
            p.parse("callid,time_start,time_answered,time_end,from_no,dial_no,from_dn,reason_changed,final_dn,to_dn"),
            Parsed::Header {
                header: HeaderKind::Titles
            }
        );
        // Outgoing by numbers (no *-type fields), transferred (ReplacedDst).
        let r = record(
            &mut p,
            "9,2026-03-02T11:00:00.250Z,2026-03-02T11:00:05Z,2026-03-02T11:02:05Z,202,0364538740,202,ReplacedDst,,",
        );
        assert_eq!(r.layout, "header");
        assert_eq!(r.direction, Direction::Outgoing);
        assert_eq!(
            (r.extension.as_str(), r.number.as_str()),
            ("202", "0364538740")
        );
        assert_eq!((r.ring_secs, r.duration_secs), (Some(5), Some(120)));
        assert!(r.transferred);
        // Unanswered incoming, transferred by final-dn.
        let r = record(
            &mut p,
            "10,2026-03-02 11:10:00,,2026-03-02 11:10:30,+3903641,,,,203,201",
        );
        assert_eq!(r.direction, Direction::Incoming);
        assert!(r.unanswered);
        assert_eq!((r.extension.as_str(), r.ring_secs), ("203", Some(30)));
        assert!(r.transferred);
        // Internal.
        let r = record(
            &mut p,
            "11,2026-03-02 11:20:00,2026-03-02 11:20:02,2026-03-02 11:20:12,201,,201,,,202",
        );
        assert_eq!(r.direction, Direction::Internal);
        assert_eq!((r.extension.as_str(), r.number.as_str()), ("201", "202"));
        let reason = match p.parse("1,2,3") {
            Parsed::Reject { reason } => reason,
            other => panic!("{other:?}"),
        };
        assert_eq!(reason, "3 fields, but the header line's field order has 10; configure 3CX to send a header line naming its CDR fields");
    }

    #[test]
    fn older_call_detail_export() {
        let mut p = ThreeCx::default();
        let mut f = vec![""; 18];
        f[0] = "CallDetail 0";
        f[1] = "5";
        f[2] = "00:02:03";
        f[4] = "2026-03-02 09:15:00";
        f[9] = "77";
        f[16] = "201";
        f[17] = "0364538740";
        let r = record(&mut p, &f.join(","));
        assert_eq!(r.layout, "CallDetail");
        assert_eq!(r.direction, Direction::Outgoing);
        assert_eq!(
            (r.extension.as_str(), r.number.as_str()),
            ("201", "0364538740")
        );
        assert_eq!(r.duration_secs, Some(123));
        assert_eq!(r.account_code.as_deref(), Some("77"));
        assert_eq!(r.extra.call_id.as_deref(), Some("5"));
        assert_eq!(r.time, NaiveTime::from_hms_opt(9, 15, 0));
        f[0] = "Summary";
        assert_eq!(
            p.parse(&f.join(",")),
            Parsed::Header {
                header: HeaderKind::Other
            }
        );
    }

    #[test]
    fn costs() {
        assert_eq!(decimal("0.12").as_deref(), Some("0.12"));
        assert_eq!(decimal("0012.50").as_deref(), Some("12.50"));
        assert_eq!(decimal("000").as_deref(), Some("0"));
        for bad in [".5", "1.", "1.2.3", "", "€1", "-1"] {
            assert_eq!(decimal(bad), None, "{bad}");
        }
    }

    #[test]
    fn rejects() {
        let mut p = ThreeCx::default();
        let r = |p: &mut ThreeCx, l: &str| match p.parse(l) {
            Parsed::Reject { reason } => reason,
            other => panic!("{l}: {other:?}"),
        };
        assert_eq!(r(&mut p, ""), "blank line");
        assert_eq!(r(&mut p, "a,b"), "2 fields, but the assumed default field order has 27; configure 3CX to send a header line naming its CDR fields");
        let mut bad = INCOMING;
        bad[3].1 = "02.03.2026 10:00";
        assert_eq!(
            r(&mut p, &default_line(&bad)),
            "time-start \"02.03.2026 10:00\" is not YYYY-MM-DD HH:MM:SS"
        );
        let mut bad = INCOMING;
        bad[2].1 = "1:99:00";
        assert_eq!(
            r(&mut p, &default_line(&bad)),
            "duration \"1:99:00\" is not HH:MM:SS"
        );
        let mut bad = INCOMING;
        bad[3].1 = "";
        assert_eq!(
            r(&mut p, &default_line(&bad)),
            "no time-start: the call's start is needed"
        );
        assert_eq!(
            r(&mut p, "CallDetail 0,1,2"),
            "3 fields in a Call detail record; the older 3CX export has at least 18"
        );
    }

    #[test]
    fn never_panics() {
        let seed = default_line(&INCOMING);
        let mut p = ThreeCx::default();
        crate::core::dialect::fields::shake(&[seed], ",\"0:/ .", 5, |l| {
            let _ = p.parse(l);
        });
    }
}
