//! Asterisk (and FreePBX and other Asterisk-based PBXs): `cdr_csv`'s `Master.csv`.
//!
//! Layout reference: `shared/formats/asterisk.md`. **No real Master.csv has confirmed this
//! reader**: the field order is documented by two third-party references (A1, A2) and matches
//! lines quoted in a code comment (A3); the test lines are written from that order.
//!
//! ```text
//! "","0612345678","201","from-pstn","""Bob"" <0612345678>","SIP/trunk-00000001","SIP/201-00000002","Dial","SIP/201,30","2026-03-02 10:00:00","2026-03-02 10:00:12","2026-03-02 10:01:17",77,65,"ANSWERED","DOCUMENTATION","1772445600.1",""
//! ```
//!
//! # Documented (asterisk.md, "Master.csv layout")
//!
//! - One record per line, comma separated, text fields double-quoted with `""` for a quote,
//!   numbers unquoted. It is read with the `csv` crate, one line at a time.
//! - Field order: accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata,
//!   start, answer, end, duration, billsec, disposition, amaflags, uniqueid, userfield.
//! - Times `YYYY-MM-DD HH:MM:SS`, local; `answer` empty when unanswered; `duration` is start to
//!   end, `billsec` answer to end, both in seconds.
//! - disposition `ANSWERED`, `NO ANSWER`, `BUSY`, `FAILED`.
//! - Master.csv has no direction field.
//!
//! # Inferred (not in the formats file; say so when a real file disagrees)
//!
//! - **Extra columns.** Asterisk's `cdr.conf` can leave out uniqueid and userfield
//!   (`loguniqueid`, `loguserfield`) and append peeraccount, linkedid and sequence
//!   (`newcdrcolumns`). So 16 to 21 fields are accepted: field 17 is uniqueid, and with 20 or
//!   more fields field 20 is linkedid.
//! - **Call id**: linkedid when present (the id every CDR of one call shares), else uniqueid
//!   (one channel's id). Grouping is [`Grouping::Whole`], one record = one call: the records of
//!   one linkedid each carry their own channel's start time, so `calls::by_id` (keyed by call
//!   id *and* start) would not join them anyway, and with the default cdr_csv settings a simple
//!   call prints one CDR. A transfer or a queue that prints several CDRs counts as several calls;
//!   the call id is stored so a later grouping can join them.
//! - **Direction** from dialplan context and channel names (site conventions, FreePBX names):
//!   1. `dcontext` starting with `from-pstn`, `from-trunk`, `from-gsm`, `from-external` or
//!      `from-did` -> incoming;
//!   2. else the calling channel is a trunk (see below) -> incoming;
//!   3. else the called channel is a trunk, or `dcontext` starts with `outbound`, `from-internal`,
//!      `outrt`, `internal` or `default` and `dst` is a long number (7 or more digits, or a
//!      leading `+`) -> outgoing;
//!   4. else internal.
//!
//!   A channel `TECH/peer-suffix` names an extension when its peer is 2 to 6 digits on SIP,
//!   PJSIP, IAX2 or Local; a named peer (`SIP/trunk-…`, `PJSIP/provider-…`) or a classic trunk
//!   technology (DAHDI, Zap, mISDN, dgv, Khomp, ooh323, H323) is a trunk.
//! - **Who and what**: incoming: the extension is the answering channel's peer when it is an
//!   extension, else `dst`; the number is `src`, the caller's name the name in `clid`
//!   (`"Name" <number>`); `ddi` is `dst` when the call came in through a `from-*` context and
//!   `dst` is not the extension. Outgoing: the extension is `src` (or the calling channel's peer
//!   when `src` is empty), the number `dst`, the trunk the called channel's peer. Internal:
//!   `src` calls `dst`. The name in `clid` of an outgoing or internal call is the extension's
//!   name (`Extra::extension_name`).
//! - **Times**: `start` is the call's start ([`TimeMeaning::CallStart`], with seconds); talk is
//!   `billsec`, ring is `duration - billsec` (the time before the answer, which includes any
//!   queue or IVR time); the disposition is the condition, and anything but `ANSWERED` is
//!   unanswered.
//! - The title line `"accountcode","src",...` (some exports add one) is a header.

use super::{Dialect, DialectOptions, Grouping};
use crate::core::record::{Direction, Extra, HeaderKind, Parsed, Record, TimeMeaning};
use chrono::NaiveDateTime;

pub const NAME: &str = "asterisk";
/// `cdr_csv`: the Master.csv layout (16 to 21 fields).
pub const LAYOUTS: &[&str] = &["cdr_csv"];
pub const GROUPING: Grouping = Grouping::Whole;

pub fn new(_opts: DialectOptions) -> Box<dyn Dialect> {
    Box::new(Asterisk)
}

/// Field positions in Master.csv (asterisk.md).
mod f {
    pub const ACCOUNTCODE: usize = 0;
    pub const SRC: usize = 1;
    pub const DST: usize = 2;
    pub const DCONTEXT: usize = 3;
    pub const CLID: usize = 4;
    pub const CHANNEL: usize = 5;
    pub const DSTCHANNEL: usize = 6;
    pub const START: usize = 9;
    pub const ANSWER: usize = 10;
    pub const END: usize = 11;
    pub const DURATION: usize = 12;
    pub const BILLSEC: usize = 13;
    pub const DISPOSITION: usize = 14;
    pub const UNIQUEID: usize = 16;
    /// With `newcdrcolumns`: peeraccount (18), linkedid (19), sequence (20).
    pub const LINKEDID: usize = 19;
}

const MIN_FIELDS: usize = 16;
const MAX_FIELDS: usize = 21;

const DISPOSITIONS: [&str; 4] = ["ANSWERED", "NO ANSWER", "BUSY", "FAILED"];
const INCOMING_CONTEXTS: [&str; 5] = [
    "from-pstn",
    "from-trunk",
    "from-gsm",
    "from-external",
    "from-did",
];
const OUTGOING_CONTEXTS: [&str; 5] = ["outbound", "from-internal", "outrt", "internal", "default"];
const TRUNK_TECHS: [&str; 7] = ["dahdi", "zap", "misdn", "dgv", "khomp", "ooh323", "h323"];

/// Reads Master.csv lines; stateless (every line carries all its fields).
pub struct Asterisk;

impl Dialect for Asterisk {
    fn name(&self) -> &'static str {
        NAME
    }

    fn parse(&mut self, line: &str) -> Parsed {
        match parse_line(line) {
            Ok(p) => p,
            Err(reason) => Parsed::Reject { reason },
        }
    }
}

/// Splits one CSV line into fields (quotes and `""` handled by the csv crate).
pub(crate) fn split_csv(line: &str) -> Result<Vec<String>, String> {
    // Without a comma or a quote a line is one field: the common case under `dialect = "auto"`,
    // where every other family's lines come through here too; the csv reader costs more.
    if !line.contains([',', '"']) {
        return Ok(vec![line.to_string()]);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(line.as_bytes());
    let mut rec = csv::StringRecord::new();
    match reader.read_record(&mut rec) {
        Ok(true) => Ok(rec.iter().map(str::to_string).collect()),
        Ok(false) => Err("blank line".into()),
        Err(e) => Err(format!("not a CSV line: {e}")),
    }
}

fn parse_line(line: &str) -> Result<Parsed, String> {
    let body = line.trim_matches(|c: char| c.is_whitespace() || c == '\x0c');
    if body.is_empty() {
        return Err("blank line".into());
    }
    let fields = split_csv(body)?;
    let get = |i: usize| fields.get(i).map(|s| s.trim()).unwrap_or("");
    if get(f::ACCOUNTCODE).eq_ignore_ascii_case("accountcode")
        && get(f::SRC).eq_ignore_ascii_case("src")
    {
        return Ok(Parsed::Header {
            header: HeaderKind::Titles,
        });
    }
    if !(MIN_FIELDS..=MAX_FIELDS).contains(&fields.len()) {
        return Err(format!(
            "{} comma-separated fields; an Asterisk Master.csv line has 18 ({MIN_FIELDS} to {MAX_FIELDS} accepted)",
            fields.len()
        ));
    }
    let mut warnings = Vec::new();
    let start = parse_time(get(f::START))
        .ok_or_else(|| format!("start {:?} is not YYYY-MM-DD HH:MM:SS", get(f::START)))?;
    let duration = parse_secs(get(f::DURATION), "duration")?;
    let billsec = parse_secs(get(f::BILLSEC), "billsec")?;
    for (name, i) in [("answer", f::ANSWER), ("end", f::END)] {
        if !get(i).is_empty() && parse_time(get(i)).is_none() {
            warnings.push(format!("{name} {:?} is not YYYY-MM-DD HH:MM:SS", get(i)));
        }
    }
    let ring = match duration.checked_sub(billsec) {
        Some(r) => r,
        None => {
            warnings.push(format!(
                "billsec {billsec} is longer than duration {duration}"
            ));
            0
        }
    };
    let disposition = get(f::DISPOSITION).to_ascii_uppercase();
    if !DISPOSITIONS.contains(&disposition.as_str()) {
        warnings.push(format!("unknown disposition {:?}", get(f::DISPOSITION)));
    }
    let answered = disposition == "ANSWERED";
    if answered && get(f::ANSWER).is_empty() {
        warnings.push("ANSWERED without an answer time".into());
    }

    let src = get(f::SRC);
    let dst = get(f::DST);
    let dcontext = get(f::DCONTEXT).to_ascii_lowercase();
    let chan = Channel::parse(get(f::CHANNEL));
    let dchan = Channel::parse(get(f::DSTCHANNEL));
    let (clid_name, _clid_number) = split_clid(get(f::CLID));
    let from_context = INCOMING_CONTEXTS.iter().any(|c| dcontext.starts_with(c));
    let direction = if from_context || chan.as_ref().is_some_and(|c| c.is_trunk()) {
        Direction::Incoming
    } else if dchan.as_ref().is_some_and(|c| c.is_trunk())
        || (OUTGOING_CONTEXTS.iter().any(|c| dcontext.starts_with(c)) && is_long_number(dst))
    {
        Direction::Outgoing
    } else {
        Direction::Internal
    };
    let peer_ext =
        |c: &Option<Channel>| c.as_ref().filter(|c| !c.is_trunk()).map(|c| c.peer.clone());
    let (extension, number, trunk, ddi, caller_name, extension_name) = match direction {
        Direction::Incoming => {
            let ext = peer_ext(&dchan).unwrap_or_else(|| dst.to_string());
            let ddi = (from_context && !dst.is_empty() && dst != ext).then(|| dst.to_string());
            let name = clid_name.filter(|n| n != src);
            let trunk = chan
                .as_ref()
                .filter(|c| c.is_trunk())
                .map(|c| c.peer.clone());
            (ext, src.to_string(), trunk, ddi, name, None)
        }
        Direction::Outgoing => {
            let ext = if src.is_empty() {
                peer_ext(&chan).unwrap_or_default()
            } else {
                src.to_string()
            };
            let trunk = dchan
                .as_ref()
                .filter(|c| c.is_trunk())
                .map(|c| c.peer.clone());
            (ext, dst.to_string(), trunk, None, None, clid_name)
        }
        Direction::Internal => (
            src.to_string(),
            dst.to_string(),
            None,
            None,
            None,
            clid_name,
        ),
    };
    let linkedid = fields.get(f::LINKEDID).map(|s| s.trim()).unwrap_or("");
    let uniqueid = get(f::UNIQUEID);
    let call_id = [linkedid, uniqueid]
        .into_iter()
        .find(|s| !s.is_empty())
        .map(str::to_string);
    let account = get(f::ACCOUNTCODE);
    let record = Record {
        dialect: NAME,
        layout: LAYOUTS[0],
        date: Some(start.date()),
        time: Some(start.time()),
        time_is: TimeMeaning::CallStart,
        extension,
        trunk,
        direction,
        number,
        caller_name,
        ddi,
        ring_secs: Some(ring),
        duration_secs: Some(billsec),
        cost: None,
        account_code: (!account.is_empty()).then(|| account.to_string()),
        condition: (!disposition.is_empty()).then_some(disposition),
        unanswered: !answered,
        transferred: false,
        forwarded: false,
        extra: Extra {
            call_id,
            extension_name,
            ..Extra::default()
        },
    };
    Ok(Parsed::Record {
        record: Box::new(record),
        warnings,
    })
}

fn parse_time(s: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").ok()
}

fn parse_secs(s: &str, name: &str) -> Result<u32, String> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{name} {s:?} is not a whole number of seconds"));
    }
    s.parse()
        .map_err(|_| format!("{name} {s:?} is too large for seconds"))
}

/// 7 or more digits, or a leading `+`: an outside number (extensions are shorter).
fn is_long_number(s: &str) -> bool {
    s.starts_with('+') || s.chars().filter(char::is_ascii_digit).count() >= 7
}

/// `"Name" <number>` -> (name, number); a bare value is a number if it has a digit.
fn split_clid(s: &str) -> (Option<String>, Option<String>) {
    let (name, number) = match (s.find('<'), s.rfind('>')) {
        (Some(a), Some(b)) if a < b => (&s[..a], Some(s[a + 1..b].trim())),
        _ => (s, None),
    };
    let name = name.trim().trim_matches('"').trim();
    let name = (!name.is_empty()).then(|| name.to_string());
    (name, number.filter(|n| !n.is_empty()).map(str::to_string))
}

/// A channel name `TECH/peer-suffix` (e.g. `SIP/201-0000000a`, `DAHDI/1-1`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Channel {
    tech: String,
    peer: String,
}

impl Channel {
    fn parse(s: &str) -> Option<Channel> {
        let (tech, rest) = s.split_once('/')?;
        // The suffix after the last '-' is the channel instance; Local channels also end in
        // `;1` or `;2`, and a peer may be `name@context`.
        let rest = rest.split(';').next().unwrap_or(rest);
        let peer = match rest.rfind('-') {
            Some(i) if i > 0 => &rest[..i],
            _ => rest,
        };
        let peer = peer.split('@').next().unwrap_or(peer);
        if tech.is_empty() || peer.is_empty() {
            return None;
        }
        Some(Channel {
            tech: tech.to_ascii_lowercase(),
            peer: peer.to_string(),
        })
    }

    fn is_trunk(&self) -> bool {
        if TRUNK_TECHS.contains(&self.tech.as_str()) {
            return true;
        }
        let ext_like =
            (2..=6).contains(&self.peer.len()) && self.peer.bytes().all(|b| b.is_ascii_digit());
        !ext_like
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, NaiveTime};

    /// A Master.csv line from the 18 documented fields (asterisk.md, "Master.csv layout"):
    /// text quoted, duration and billsec bare, as A3 shows.
    pub(crate) fn line(v: [&str; 18]) -> String {
        v.iter()
            .enumerate()
            .map(|(i, s)| {
                if i == f::DURATION || i == f::BILLSEC {
                    s.to_string()
                } else {
                    format!("\"{}\"", s.replace('"', "\"\""))
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    fn record(p: Parsed) -> (Record, Vec<String>) {
        match p {
            Parsed::Record { record, warnings } => (*record, warnings),
            other => panic!("not a record: {other:?}"),
        }
    }

    fn parse(l: &str) -> Parsed {
        Asterisk.parse(l)
    }

    /// An incoming call from the PSTN answered at 201: every field.
    #[test]
    fn incoming_answered_every_field() {
        let l = line([
            "",
            "0612345678",
            "5551000",
            "from-pstn",
            "\"Bob Smith\" <0612345678>",
            "SIP/trunk-00000001",
            "SIP/201-00000002",
            "Dial",
            "SIP/201,30",
            "2026-03-02 10:00:00",
            "2026-03-02 10:00:12",
            "2026-03-02 10:01:17",
            "77",
            "65",
            "ANSWERED",
            "DOCUMENTATION",
            "1772445600.1",
            "",
        ]);
        let (r, w) = record(parse(&l));
        assert!(w.is_empty(), "{w:?}");
        let want = Record {
            dialect: "asterisk",
            layout: "cdr_csv",
            date: NaiveDate::from_ymd_opt(2026, 3, 2),
            time: NaiveTime::from_hms_opt(10, 0, 0),
            time_is: TimeMeaning::CallStart,
            extension: "201".into(),
            trunk: Some("trunk".into()),
            direction: Direction::Incoming,
            number: "0612345678".into(),
            caller_name: Some("Bob Smith".into()),
            ddi: Some("5551000".into()),
            ring_secs: Some(12),
            duration_secs: Some(65),
            cost: None,
            account_code: None,
            condition: Some("ANSWERED".into()),
            unanswered: false,
            transferred: false,
            forwarded: false,
            extra: Extra {
                call_id: Some("1772445600.1".into()),
                ..Extra::default()
            },
        };
        assert_eq!(r, want);
    }

    #[test]
    fn directions_and_dispositions() {
        // (dcontext, channel, dstchannel, src, dst, disposition, want direction, ext, number, trunk)
        let cases = [
            (
                "from-trunk",
                "SIP/gw-1",
                "",
                "0612",
                "202",
                "NO ANSWER",
                Direction::Incoming,
                "202",
                "0612",
                Some("gw"),
            ),
            (
                "from-gsm",
                "SIP/202-1",
                "",
                "0612",
                "202",
                "NO ANSWER",
                Direction::Incoming,
                "202",
                "0612",
                None,
            ),
            (
                "ext-queues",
                "DAHDI/1-1",
                "SIP/203-5",
                "0612",
                "400",
                "ANSWERED",
                Direction::Incoming,
                "203",
                "0612",
                Some("1"),
            ),
            (
                "from-internal",
                "SIP/201-3",
                "SIP/provider-4",
                "201",
                "0039036412",
                "ANSWERED",
                Direction::Outgoing,
                "201",
                "0039036412",
                Some("provider"),
            ),
            (
                "from-internal",
                "PJSIP/201-3",
                "",
                "201",
                "+3903641",
                "FAILED",
                Direction::Outgoing,
                "201",
                "+3903641",
                None,
            ),
            (
                "outbound",
                "SIP/201-3",
                "",
                "201",
                "0364538740",
                "BUSY",
                Direction::Outgoing,
                "201",
                "0364538740",
                None,
            ),
            (
                "from-internal",
                "SIP/201-3",
                "SIP/202-4",
                "201",
                "202",
                "ANSWERED",
                Direction::Internal,
                "201",
                "202",
                None,
            ),
            (
                "internal",
                "PJSIP/201-3",
                "PJSIP/202-4",
                "201",
                "202",
                "NO ANSWER",
                Direction::Internal,
                "201",
                "202",
                None,
            ),
        ];
        for (ctx, ch, dch, src, dst, disp, dir, ext, num, trunk) in cases {
            let l = line([
                "",
                src,
                dst,
                ctx,
                "",
                ch,
                dch,
                "Dial",
                "",
                "2026-03-02 10:00:00",
                "",
                "2026-03-02 10:00:20",
                "20",
                "0",
                disp,
                "DOCUMENTATION",
                "1.2",
                "",
            ]);
            let (r, _) = record(parse(&l));
            let what = format!("{ctx} {ch} {dch} {disp}");
            assert_eq!(r.direction, dir, "{what}");
            assert_eq!(r.extension, ext, "{what}");
            assert_eq!(r.number, num, "{what}");
            assert_eq!(r.trunk.as_deref(), trunk, "{what}");
            assert_eq!(r.unanswered, disp != "ANSWERED", "{what}");
            assert_eq!(r.condition.as_deref(), Some(disp), "{what}");
            assert_eq!(r.ring_secs, Some(20), "{what}");
        }
    }

    /// `newcdrcolumns`: peeraccount, linkedid, sequence appended; linkedid is the call id.
    #[test]
    fn linkedid_when_present() {
        let mut l = line([
            "sales",
            "201",
            "202",
            "from-internal",
            "\"Alice\" <201>",
            "SIP/201-1",
            "SIP/202-2",
            "Dial",
            "SIP/202",
            "2026-03-02 10:00:00",
            "2026-03-02 10:00:03",
            "2026-03-02 10:00:10",
            "10",
            "7",
            "ANSWERED",
            "DOCUMENTATION",
            "1772445600.5",
            "note",
        ]);
        l.push_str(",\"\",\"1772445600.4\",\"12\"");
        let (r, w) = record(parse(&l));
        assert!(w.is_empty());
        assert_eq!(r.extra.call_id.as_deref(), Some("1772445600.4"));
        assert_eq!(r.extra.extension_name.as_deref(), Some("Alice"));
        assert_eq!(r.account_code.as_deref(), Some("sales"));
        assert_eq!((r.ring_secs, r.duration_secs), (Some(3), Some(7)));
    }

    #[test]
    fn titles_and_oddities() {
        let titles = "\"accountcode\",\"src\",\"dst\",\"dcontext\",\"clid\",\"channel\",\"dstchannel\",\"lastapp\",\"lastdata\",\"start\",\"answer\",\"end\",\"duration\",\"billsec\",\"disposition\",\"amaflags\",\"uniqueid\",\"userfield\"";
        assert_eq!(
            parse(titles),
            Parsed::Header {
                header: HeaderKind::Titles
            }
        );
        let mut v = [
            "",
            "201",
            "202",
            "from-internal",
            "",
            "SIP/201-1",
            "",
            "Dial",
            "",
            "2026-03-02 10:00:00",
            "",
            "2026-03-02 10:00:10",
            "5",
            "9",
            "CONGESTION",
            "",
            "",
            "",
        ];
        let (r, w) = record(parse(&line(v)));
        assert_eq!(r.ring_secs, Some(0));
        assert!(r.unanswered);
        assert_eq!(r.extra.call_id, None);
        assert_eq!(
            w,
            vec![
                "billsec 9 is longer than duration 5".to_string(),
                "unknown disposition \"CONGESTION\"".to_string()
            ]
        );
        v[14] = "ANSWERED";
        v[10] = "yesterday";
        let (_, w) = record(parse(&line(v)));
        assert_eq!(
            w,
            vec![
                "answer \"yesterday\" is not YYYY-MM-DD HH:MM:SS".to_string(),
                "billsec 9 is longer than duration 5".to_string(),
            ]
        );
    }

    #[test]
    fn rejects() {
        let ok = [
            "",
            "201",
            "202",
            "from-internal",
            "",
            "SIP/201-1",
            "",
            "Dial",
            "",
            "2026-03-02 10:00:00",
            "",
            "2026-03-02 10:00:10",
            "10",
            "0",
            "NO ANSWER",
            "",
            "1.1",
            "",
        ];
        let reason = |l: &str| match parse(l) {
            Parsed::Reject { reason } => reason,
            other => panic!("{l}: {other:?}"),
        };
        let with = |i: usize, s: &'static str| {
            let mut v = ok;
            v[i] = s;
            line(v)
        };
        assert_eq!(reason(""), "blank line");
        assert_eq!(
            reason("07/12/20 15:02    402 01 0376689064"),
            "1 comma-separated fields; an Asterisk Master.csv line has 18 (16 to 21 accepted)"
        );
        assert_eq!(
            reason(&format!("{},\"a\",\"b\",\"c\",\"d\"", line(ok))),
            "22 comma-separated fields; an Asterisk Master.csv line has 18 (16 to 21 accepted)"
        );
        assert_eq!(
            reason(&with(9, "02/03/2026 10:00")),
            "start \"02/03/2026 10:00\" is not YYYY-MM-DD HH:MM:SS"
        );
        assert_eq!(
            reason(&with(12, "-4")),
            "duration \"-4\" is not a whole number of seconds"
        );
        assert_eq!(
            reason(&with(13, "99999999999")),
            "billsec \"99999999999\" is too large for seconds"
        );
        assert_eq!(
            reason(&with(13, "")),
            "billsec \"\" is not a whole number of seconds"
        );
    }

    #[test]
    fn channels() {
        let c = |s: &str| Channel::parse(s).map(|c| (c.peer.clone(), c.is_trunk()));
        assert_eq!(c("SIP/201-0000000a"), Some(("201".into(), false)));
        assert_eq!(
            c("PJSIP/trunk-gw-00000001"),
            Some(("trunk-gw".into(), true))
        );
        assert_eq!(c("DAHDI/1-1"), Some(("1".into(), true)));
        assert_eq!(
            c("Local/201@from-queue-00000001;1"),
            Some(("201".into(), false))
        );
        assert_eq!(c("IAX2/3001-123"), Some(("3001".into(), false)));
        assert_eq!(c("nonsense"), None);
        assert_eq!(c("/x"), None);
    }

    #[test]
    fn never_panics() {
        let seed = line([
            "acc",
            "0612345678",
            "5551000",
            "from-pstn",
            "\"Bob\" <0612345678>",
            "SIP/trunk-00000001",
            "SIP/201-00000002",
            "Dial",
            "SIP/201,30",
            "2026-03-02 10:00:00",
            "2026-03-02 10:00:12",
            "2026-03-02 10:01:17",
            "77",
            "65",
            "ANSWERED",
            "DOCUMENTATION",
            "1772445600.1",
            "",
        ]);
        crate::core::dialect::fields::shake(&[seed], "\",0123456789-:/ <>AN", 7, |l| {
            let _ = parse(l);
        });
    }
}
