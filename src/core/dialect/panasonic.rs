//! Panasonic SMDR: KX-TDA / TDE / NCP / NS (Patterns A, B, C), the older KX-TD816 / TD1232,
//! and the KX-TES824 / TEM824 / TEA308 / TA616 / TA824 family (layout [`TES`]).
//!
//! Layout reference: `shared/formats/panasonic.md`. One printed line is one call leg:
//!
//! ```text
//! 07/12/20 15:02    402 01 0376689064-          00:03'13 EU00000.00            TR     (Pattern B, real)
//! date     time     ext CO dial number (20)     duration cost       acc code   CD
//! ```
//!
//! # How a line is read
//!
//! By anchors, confirmed by positions, never by fixed offsets alone (the Pattern B sample and the
//! Pattern A parsers disagree by one column on Ext/CO, and some sites strip trailing blanks):
//!
//! 1. `dd/dd/dd` at column 0 (order per [`DateOrder`], `yy` -> 20yy), or a `**` clock-change mark.
//! 2. The time, `hh:mm` (24 h) or `hh:mmAM`/`hh:mmPM` (12 h, `12AM` = 00), or `**`. In Pattern B
//!    the 7-wide time (cols 9–15) and the 5-wide extension (16–20) touch, so a 12-hour time and a
//!    5-character extension print as one token (`10:03AM12345`); it is split after the time.
//! 3. The extension token, then the CO token if the next token is 1–4 digits that starts before
//!    column 25 (CO is blank on intercom lines; a dial number never starts that far left).
//! 4. The dial number field starts at the next token, column `s`. It may hold blanks
//!    (`<I>Q COMPANY`), so its end is found from the right: the duration token `hh:mm'ss`
//!    (or `**`), optionally preceded by a ring token `m'ss` one blank before it.
//! 5. The layout is confirmed by where the duration sits relative to `s`: `s+21` is Pattern B
//!    (dial 20 wide, no ring), `s+31` is Pattern A (dial 25, ring at `s+26`), `s+56` is Pattern C
//!    (dial 50, ring at `s+51`). A confirmed layout is remembered. When the columns do not match
//!    any pattern, the layout announced by the last title header (wider than 100 columns with
//!    `Ring` -> C; `Ring` without `Cost` -> A; `Cost` without `Ring` -> B) is used if it fits,
//!    else the record's layout is `""`.
//! 6. After the duration: cost (first token, `EU00000.00` currency-first as in the real sample, or
//!    `00560.00EU` / `00560.00EUR` currency-last as in the manual; amount without leading zeros),
//!    account code, and the CD condition code, told apart by column relative to the duration
//!    (B: acc +20, CD +31; A: acc +9, CD +20; C: acc +21, CD +32) or, when the layout is not
//!    known, by content (a known code, or a short token with a letter).
//!
//! # Decisions
//!
//! - Direction: `<I>` or `<D>` first -> incoming; `EXT` first -> internal (number without `EXT`);
//!   anything else -> outgoing.
//! - Incoming caller: digits (and `+ * #`) after `<I>` are the number. A name is put in
//!   `caller_name`; `<I>ABC COMPANY12345678` (the manual's name-then-number form) is split into
//!   name `ABC COMPANY` and number `12345678` when the trailing digits are at least 4 and the name
//!   at least 2 characters; otherwise the whole text (e.g. `<I>S003`) is the name and the number
//!   is empty. `<I>` alone: no CLI, empty number. `<D>xxx` goes to `ddi`.
//! - Outgoing names/symbols (`P`, `=`, `.`, `X`, a speed-dial name) are kept as printed.
//! - Transfer of an outgoing call: `0376689064-` or `0376689064-123` -> number `0376689064`,
//!   `transferred = true`. The digits after the `-` are what was keyed after the transfer (e.g.
//!   into a voice menu), not part of the destination, so they are not kept in `number`; they
//!   remain in the stored raw line.
//! - Status lines the manual shows in the dial column (`LOG IN`, `LOG OUT`, `Check in`,
//!   `Check out`, `Timed Reminder/...`, absence and printing messages such as `Snack 03.00`):
//!   a line with date, time and extension but no CO, no duration and a dial text with a letter
//!   that is not `EXT`/`<I>`/`<D>` becomes `Header { Other }`: not a call, but a line the PBX
//!   meant to print.
//! - A line with a CO number but no duration is rejected (a cut line): every real trunk line
//!   prints one, except the KX-TD816 event lines below.
//! - `**` (clock changed four or more times during the call) gives `None` for that field and a
//!   warning. An unknown condition code is kept, with a warning.
//! - `time_is` is [`TimeMeaning::CallEnd`] (TDA family and KX-TD print the end time), except
//!   on [`TES`] records ([`TimeMeaning::CallStart`]).
//! - Years print as `yy` and read as `20yy` (a 1990s date in a manual example reads 2098).
//!
//! # KX-TES / TEM / TEA / TA (layout `TES`)
//!
//! panasonic.md §1 and §3 (sources 8, 9, 11): Date, **start** time (`*` in front = a
//! transferred call), Ext, CO, Dial number, Duration, Cost, Acc code, CD; no Ring column. The
//! manuals document the field order and examples, not the columns, and **no real capture
//! exists**: `tests/captures/panasonic/kx-tes824-constructed.log` is built from the manual.
//!
//! - **Recognised by** the `*` mark before the time (glued, `*12:54PM`, or a token of its own
//!   before a right-aligned time), or a title line naming the extension `Ext.` (with a period,
//!   as the TA/TES titles do; TDA and TD print `Ext`) and no `Ring`. Either is remembered: the
//!   following lines are TES until a TDA title, or a line whose columns confirm Pattern A, B or
//!   C (their dial-to-duration spans 21/31/56; the TES dial field is 24 or 32 wide, so a TES
//!   line never matches them). Without a title or a mark a TES line cannot be told from a TDA
//!   line that fits no pattern: it reads as TDA (end time, layout as remembered or `""`).
//!   Configure the box on such a PBX and the first page title fixes it.
//! - `*` -> `transferred = true`; the `-` a TES prints in a dialled number is a dialled
//!   character there, not the TDA transfer mark, and is kept in `number`.
//! - Incoming: `<incoming>`, `< DISA incoming >`, `<DIL incoming>` (+ the caller's number, when
//!   a Caller ID card is fitted) and `<UCD waiting>` (the duration is the queue time: warned).
//!   These word forms (and the KX-TD1232's `<INCOMING>`) read as incoming in every layout.
//! - Ext codes `xxxB` (answered by the built-in voice message) and `C-xx` (CO-to-CO via DISA)
//!   are extensions as printed. `....` in the account code column is "no account code".
//! - The title is "placed on the first 3 lines of every page" (titles, rule, a blank line
//!   in the constructed capture; the exact three lines are not documented).
//!
//! # KX-TD816 / TD1232
//!
//! The KX-TD prints 80 columns like Pattern A (Ring, no Cost; the XRMS logger's offsets), with
//! an AM/PM end time. With caller ID the KX-TD816 also prints **event lines** (panasonic.md §3,
//! source 7): `RC` when a call arrives (no ring, no duration), `AN` when it is answered (ring
//! time, no duration), `NA` when it rang out (ring time, no duration). They are read as
//! incoming records with `duration_secs = None`; the calls model joins `RC`/`AN` to the call
//! they announce (`calls::Role::Notice`), and `NA` is a lost call's leg as on the TDA. The
//! caller field prints the number, a blank, then the name (`<I> 1234567890 MARY WARD`). The
//! KX-TD1232 codes `D1`-`D4` (DISA user codes) and `RM` (remote modem access) are known codes.
//!
//! # Print options (panasonic.md §5-§6), where each is read
//!
//! - Incoming / outgoing CO call printing on or off: nothing to parse; the summary report says
//!   when a period has outgoing calls and no incoming one (`NO_INCOMING_NOTICE`).
//! - Page header: titles (after a form feed) -> `Header { Titles }`, rule -> `Header { Rule }`,
//!   skip-perforation blank lines are counted by the framer and never stored.
//! - Date order: `pbx.date_order` (dmy, mdy, ymd); a date valid only in another order is
//!   rejected with a hint. 12 / 24 h: both read, `12AM` = 00, `12PM` = 12.
//! - Patterns A/B/C: cost (B, C) and account code and CD columns by position; ARS `=`, `P`,
//!   `F`, `.`, `X` kept as printed; `<D>...<I>` DDI; log-in/out, hospitality, absence and
//!   printing messages -> `Header { Other }`.
//! - `AT` modem commands at column 0 (a modem on the port) -> `Header { Other }`.
//! - Character code ISO-8859-1: a name byte such as 0xE9 is not UTF-8; the framer's `decode`
//!   then maps every byte to the same code point, so `Café` reads right (the raw bytes are
//!   stored either way). IBM ASCII (code page 437) bytes above 0x7F read as Latin-1 letters.

use super::fields::{excerpt, reject};
use super::{DateOrder, Dialect};
use crate::core::record::{Cost, Direction, HeaderKind, Parsed, Record, TimeMeaning};
use chrono::{NaiveDate, NaiveTime};

/// Condition codes documented by Panasonic (NS1000, TDA, TD816/TD1232 manuals).
const CONDITION_CODES: [&str; 13] = [
    "NA", "TR", "FW", "D0", "D1", "D2", "D3", "D4", "RC", "AN", "VR", "VA", "RM",
];

/// The CO token never starts at or after this column (it is at 22 in Pattern B, 23 in A/C).
const CO_MAX_START: usize = 25;

/// Panasonic's SMDR format patterns (a PBX setting), also what `simulate` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Layout {
    /// 80 columns, with a Ring column and no Cost column.
    A,
    /// 80 columns with a Cost column and no Ring column, as in the real capture.
    #[default]
    B,
    /// 120 columns: 4-digit CO, 50-char dial number, Ring and Cost.
    C,
}

impl std::str::FromStr for Layout {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_uppercase().as_str() {
            "A" => Ok(Layout::A),
            "B" => Ok(Layout::B),
            "C" => Ok(Layout::C),
            _ => Err(format!(
                "unknown Panasonic layout {s:?} (expected A, B or C)"
            )),
        }
    }
}

impl Layout {
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::A => "A",
            Layout::B => "B",
            Layout::C => "C",
        }
    }

    /// Width of a record line (and of the rule); the title line adds a leading form feed.
    pub fn width(self) -> usize {
        match self {
            Layout::A | Layout::B => 80,
            Layout::C => 120,
        }
    }

    fn dial_width(self) -> usize {
        match self {
            Layout::A => 25,
            Layout::B => 20,
            Layout::C => 50,
        }
    }

    fn has_ring(self) -> bool {
        !matches!(self, Layout::B)
    }

    fn has_cost(self) -> bool {
        !matches!(self, Layout::A)
    }

    /// Columns from the start of the dial number to the start of the duration.
    fn dial_to_duration(self) -> usize {
        match self {
            Layout::A => 31,
            Layout::B => 21,
            Layout::C => 56,
        }
    }

    /// Column of the account code relative to the start of the duration.
    fn acc_offset(self) -> usize {
        match self {
            Layout::A => 9,
            Layout::B => 20,
            Layout::C => 21,
        }
    }

    /// Column of the condition code relative to the start of the duration.
    fn cd_offset(self) -> usize {
        match self {
            Layout::A => 20,
            Layout::B => 31,
            Layout::C => 32,
        }
    }
}

/// Reads Panasonic SMDR lines. Remembers the layout announced by the last title header or
/// confirmed by the last record, to place intercom lines (which have no duration to measure),
/// and whether the PBX is a KX-TES/TEM/TEA/TA (start-time family: [`TES`]).
pub struct Panasonic {
    date_order: DateOrder,
    layout: Option<Layout>,
    /// A KX-TES-family title header or a `*` transfer mark was seen, and no TDA pattern has
    /// been confirmed by position since.
    tes: bool,
}

impl Panasonic {
    pub fn new(date_order: DateOrder) -> Self {
        Self {
            date_order,
            layout: None,
            tes: false,
        }
    }
}

/// The layout name of KX-TES824 / TEM824 / TEA308 / TA616 / TA824 records (start time, `*`
/// transfer mark, no ring column).
pub const TES: &str = "TES";

pub const NAME: &str = "panasonic";
pub const LAYOUTS: &[&str] = &["A", "B", "C", TES];
pub const GROUPING: super::Grouping = super::Grouping::Legs;

pub fn new(opts: super::DialectOptions) -> Box<dyn Dialect> {
    Box::new(Panasonic::new(opts.date_order))
}

impl Dialect for Panasonic {
    fn name(&self) -> &'static str {
        "panasonic"
    }

    fn parse(&mut self, line: &str) -> Parsed {
        let body = line.trim_end_matches(char::is_whitespace);
        let lead = body.trim_start_matches(char::is_whitespace);
        if lead.is_empty() {
            return reject("blank line");
        }
        if lead.chars().count() >= 3
            && (lead.chars().all(|c| c == '-') || lead.chars().all(|c| c == '='))
        {
            return Parsed::Header {
                header: HeaderKind::Rule,
            };
        }
        if is_titles(lead) {
            self.tes = is_tes_titles(lead);
            self.layout = if self.tes {
                None
            } else {
                layout_from_titles(lead, body.chars().count())
            };
            return Parsed::Header {
                header: HeaderKind::Titles,
            };
        }
        if is_modem_command(body) {
            // `AT` init strings a modem on the port echoes (the XRMS logger skips them too).
            return Parsed::Header {
                header: HeaderKind::Other,
            };
        }
        // A record never starts with a blank; a stray form feed before one is tolerated.
        let chars: Vec<char> = body.trim_start_matches('\x0c').chars().collect();
        match self.parse_record(&chars) {
            Ok(parsed) => parsed,
            Err(reason) => Parsed::Reject { reason },
        }
    }
}

fn is_titles(lead: &str) -> bool {
    let lower = lead.to_lowercase();
    lower.starts_with("date") && lower.contains("time")
}

/// The KX-TES/TEA/TA title names the extension column `Ext.` (with a period) and has no
/// `Ring`; the TDA/TD titles print `Ext` (panasonic.md §1, sources 8, 9, 11).
fn is_tes_titles(lead: &str) -> bool {
    lead.split_whitespace().any(|w| w == "Ext.") && !lead.to_lowercase().contains("ring")
}

/// A Hayes command at column 0 (`ATZ`, `AT&F0`, `ATE0Q1`, `AT`): upper-case `AT`, then
/// nothing, or a command character, and no lower-case letter (titles and names have them).
fn is_modem_command(body: &str) -> bool {
    let Some(rest) = body.strip_prefix("AT") else {
        return false;
    };
    let first_ok = rest
        .chars()
        .next()
        .is_none_or(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "&+%\\".contains(c));
    first_ok
        && !rest.chars().any(|c| c.is_ascii_lowercase())
        && rest.chars().all(|c| c.is_ascii_graphic() || c == ' ')
}

fn layout_from_titles(lead: &str, width: usize) -> Option<Layout> {
    let lower = lead.to_lowercase();
    let ring = lower.contains("ring");
    let cost = lower.contains("cost");
    match (ring, cost) {
        (true, _) if width > 100 => Some(Layout::C),
        (true, false) => Some(Layout::A),
        // 80 columns with both Ring and Cost (a KX-TD variant): none of A, B, C.
        (true, true) => None,
        (false, true) => Some(Layout::B),
        (false, false) => None,
    }
}

/// A run of non-blank characters; `start`/`end` are char columns (end exclusive).
#[derive(Debug, Clone)]
struct Tok {
    start: usize,
    end: usize,
    text: String,
}

fn slice_text(c: &[char], a: usize, b: usize) -> String {
    c.get(a..b).map(|s| s.iter().collect()).unwrap_or_default()
}

fn tokenize(c: &[char]) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, ch) in c.iter().enumerate() {
        if ch.is_whitespace() {
            if let Some(s) = start.take() {
                out.push(Tok {
                    start: s,
                    end: i,
                    text: slice_text(c, s, i),
                });
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push(Tok {
            start: s,
            end: c.len(),
            text: slice_text(c, s, c.len()),
        });
    }
    out
}

/// Non-empty, has a `*`, and only `*` or the given separators.
fn is_stars(s: &str, seps: &[char]) -> bool {
    s.contains('*') && s.chars().all(|c| c == '*' || seps.contains(&c))
}

fn is_tick(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{b4}')
}

fn num(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

enum Field<T> {
    Value(T),
    /// `**`: the clock was changed during the call.
    Stars,
}

fn parse_date(text: &str, order: DateOrder) -> Result<Field<NaiveDate>, String> {
    if is_stars(text, &['/']) {
        return Ok(Field::Stars);
    }
    let parts: Vec<&str> = text.split('/').collect();
    let ok_shape = parts.len() == 3
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()));
    let nums: Vec<u32> = parts.iter().filter_map(|p| num(p)).collect();
    let (Some(&n0), Some(&n1), Some(&n2), true) =
        (nums.first(), nums.get(1), nums.get(2), ok_shape)
    else {
        return Err(format!(
            "no date dd/dd/dd at column 0 (found '{}')",
            excerpt(text)
        ));
    };
    let make = |o: DateOrder| {
        let (y, m, d) = match o {
            DateOrder::Dmy => (n2, n1, n0),
            DateOrder::Mdy => (n2, n0, n1),
            DateOrder::Ymd => (n0, n1, n2),
        };
        NaiveDate::from_ymd_opt(2000 + y as i32, m, d)
    };
    if let Some(d) = make(order) {
        return Ok(Field::Value(d));
    }
    let others: Vec<&str> = [DateOrder::Dmy, DateOrder::Mdy, DateOrder::Ymd]
        .into_iter()
        .filter(|&o| o != order && make(o).is_some())
        .map(DateOrder::as_str)
        .collect();
    let also = if others.is_empty() {
        String::new()
    } else {
        format!(" (valid as {})", others.join(" or "))
    };
    Err(format!(
        "date {text} is not valid as {}{also}; check pbx.date_order",
        order.as_str()
    ))
}

/// `AM`/`PM` as a separate word (a 12-hour time printed with a blank before the suffix).
fn ampm_word(s: &str) -> Option<bool> {
    match s.to_ascii_uppercase().as_str() {
        "AM" => Some(false),
        "PM" => Some(true),
        _ => None,
    }
}

/// Splits an extension glued to the time (`10:03AM12345`): returns the time part and the rest.
fn split_glued_time(text: &str) -> (String, Option<String>) {
    let c: Vec<char> = text.chars().collect();
    let digit = |i: usize| c.get(i).is_some_and(char::is_ascii_digit);
    let Some(colon) = c.iter().position(|&x| x == ':') else {
        return (text.to_string(), None);
    };
    if !(1..=2).contains(&colon) || !(0..colon).all(digit) || !digit(colon + 1) || !digit(colon + 2)
    {
        return (text.to_string(), None);
    }
    let mut end = colon + 3;
    let upper = |i: usize| c.get(i).map(char::to_ascii_uppercase);
    if matches!(upper(end), Some('A' | 'P')) && upper(end + 1) == Some('M') {
        end += 2;
    }
    if end >= c.len() {
        return (text.to_string(), None);
    }
    (slice_text(&c, 0, end), Some(slice_text(&c, end, c.len())))
}

/// Splits a trailing `AM`/`PM`: returns the rest and `Some(is_pm)`.
fn split_ampm(s: &str) -> (&str, Option<bool>) {
    let upper = s.to_ascii_uppercase();
    if upper.ends_with("AM") || upper.ends_with("PM") {
        // The suffix is two ASCII bytes, so the cut is on a char boundary.
        let cut = s.len().saturating_sub(2);
        if let (Some(rest), Some(suffix)) = (s.get(..cut), s.get(cut..)) {
            return (rest, ampm_word(suffix));
        }
    }
    (s, None)
}

fn parse_time(text: &str, separate_ampm: Option<bool>) -> Result<Field<NaiveTime>, String> {
    let (core, inline) = split_ampm(text);
    let pm = inline.or(separate_ampm);
    if is_stars(core, &[':']) {
        return Ok(Field::Stars);
    }
    let shaped = |s: &str| -> Option<(u32, u32)> {
        let (h, m) = s.split_once(':')?;
        if !(1..=2).contains(&h.len()) || m.len() != 2 {
            return None;
        }
        Some((num(h)?, num(m)?))
    };
    let Some((h, m)) = shaped(core) else {
        return Err(format!(
            "no time hh:mm after the date (found '{}')",
            excerpt(text)
        ));
    };
    let h24 = match pm {
        None => Some(h),
        Some(_) if !(1..=12).contains(&h) => None,
        Some(false) => Some(h % 12),
        Some(true) => Some(h % 12 + 12),
    };
    h24.and_then(|h| NaiveTime::from_hms_opt(h, m, 0))
        .map(Field::Value)
        .ok_or_else(|| format!("time {} is not a valid time", excerpt(text)))
}

/// A printed length of time: `Some(Ok(Value(secs)))`, `Some(Ok(Stars))`, or
/// `Some(Err(()))` when shaped right but out of range (e.g. `00:61'00`); `None` if not shaped.
type Clock = Option<Result<Field<u32>, ()>>;

fn clock_digit(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_ascii_digit() || *c == '*')
}

fn clock_value(parts: &[&str], text: &str) -> Clock {
    if text.contains('*') {
        return Some(Ok(Field::Stars));
    }
    let mut secs = 0u32;
    for (i, p) in parts.iter().enumerate() {
        let n = num(p)?;
        if i > 0 && n > 59 {
            return Some(Err(()));
        }
        secs = secs.checked_mul(60)?.checked_add(n)?;
    }
    Some(Ok(Field::Value(secs)))
}

/// Duration `hh:mm'ss`.
fn duration_shape(text: &str) -> Clock {
    let c: Vec<char> = text.chars().collect();
    let shaped = c.len() == 8
        && [0, 1, 3, 4, 6, 7].iter().all(|&i| clock_digit(c.get(i)))
        && c.get(2) == Some(&':')
        && c.get(5).is_some_and(|&t| is_tick(t));
    if !shaped {
        return None;
    }
    let h = slice_text(&c, 0, 2);
    let m = slice_text(&c, 3, 5);
    let s = slice_text(&c, 6, 8);
    clock_value(&[&h, &m, &s], text)
}

/// Ring time `m'ss` (minutes 1 or 2 digits).
fn ring_shape(text: &str) -> Clock {
    let c: Vec<char> = text.chars().collect();
    let tick = c.iter().position(|&t| is_tick(t))?;
    let m = slice_text(&c, 0, tick);
    let s = slice_text(&c, tick + 1, c.len());
    let ok = |p: &str, lens: std::ops::RangeInclusive<usize>| {
        lens.contains(&p.len()) && p.chars().all(|ch| ch.is_ascii_digit() || ch == '*')
    };
    if !ok(&m, 1..=2) || !ok(&s, 2..=2) {
        return None;
    }
    clock_value(&[&m, &s], text)
}

/// An extension or one of the documented originator codes: `Dxxx`, `Txxx`, `*xxx` (TDA),
/// `xxxB` and `C-xx` (KX-TES: answered by the built-in voice message, CO-to-CO via DISA).
fn is_extension(t: &str) -> bool {
    let n = t.chars().count();
    (1..=8).contains(&n)
        && !t.starts_with('-')
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '*' | '#' | '-'))
}

fn is_co(t: &Tok) -> bool {
    t.start < CO_MAX_START
        && (1..=4).contains(&t.text.len())
        && t.text.bytes().all(|b| b.is_ascii_digit())
}

fn is_phone_number(t: &str) -> bool {
    t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '*' | '#'))
}

/// Cost token: currency first (`EU00000.00`) or last (`00560.00EU`). `in_cost_column`: the
/// layout says this token is in the cost column, so a cost without a decimal point is accepted.
fn parse_cost(text: &str, in_cost_column: bool) -> Option<Cost> {
    let is_cur = |c: char| !c.is_ascii_digit() && c != '.' && !is_tick(c) && c != ':';
    let prefix: String = text.chars().take_while(|&c| is_cur(c)).collect();
    let rest: String = text.chars().skip(prefix.chars().count()).collect();
    let amount: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let suffix: String = rest.chars().skip(amount.chars().count()).collect();
    if !suffix.chars().all(is_cur) || (!prefix.is_empty() && !suffix.is_empty()) {
        return None;
    }
    let currency = if prefix.is_empty() { suffix } else { prefix };
    if currency.chars().count() > 3 {
        return None;
    }
    let (int, frac) = match amount.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (amount.as_str(), None),
    };
    let digits_ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !digits_ok(int)
        || !frac.is_none_or(digits_ok)
        || (int.is_empty() && frac.is_none_or(str::is_empty))
    {
        return None;
    }
    if frac.is_none() && !(in_cost_column && int.len() >= 4) {
        return None;
    }
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let amount = match frac {
        Some(f) => format!("{int}.{f}"),
        None => int.to_string(),
    };
    Some(Cost { amount, currency })
}

fn cd_like(t: &str) -> bool {
    let n = t.chars().count();
    (1..=3).contains(&n)
        && t.chars().all(|c| c.is_ascii_alphanumeric())
        && t.chars().any(|c| c.is_ascii_alphabetic())
}

struct Tail {
    cost: Option<Cost>,
    account_code: Option<String>,
    condition: Option<String>,
}

/// Cost, account code and condition code from the tokens after the duration (or after the dial
/// number when there is no duration). `dur_start` and `layout` place them by column when known.
fn read_tail(
    tail: &[Tok],
    dur_start: Option<usize>,
    layout: Option<Layout>,
    warnings: &mut Vec<String>,
) -> Tail {
    let rel = |t: &Tok| dur_start.map(|d| t.start.saturating_sub(d));
    let placed = |t: &Tok| layout.zip(rel(t));
    let mut rest = tail;
    let mut cost = None;
    if let Some((first, more)) = rest.split_first() {
        let in_cost_column = placed(first).is_some_and(|(l, r)| l.has_cost() && r < l.acc_offset());
        match parse_cost(&first.text, in_cost_column) {
            Some(c) => {
                cost = Some(c);
                rest = more;
            }
            None if in_cost_column => {
                warnings.push(format!("cost '{}' not understood", excerpt(&first.text)));
                rest = more;
            }
            None => {}
        }
    }
    let mut condition = None;
    if let Some((last, before)) = rest.split_last() {
        let known = CONDITION_CODES.contains(&last.text.as_str());
        let by_column = match placed(last) {
            Some((l, r)) => r + 1 >= l.cd_offset(),
            None => cd_like(&last.text),
        };
        if known || by_column {
            condition = Some(last.text.clone());
            rest = before;
        }
    }
    let acc: Vec<&str> = rest.iter().map(|t| t.text.as_str()).collect();
    Tail {
        cost,
        account_code: (!acc.is_empty()).then(|| acc.join(" ")),
        condition,
    }
}

/// What the dial number field says about the call.
struct Dial {
    direction: Direction,
    number: String,
    caller_name: Option<String>,
    ddi: Option<String>,
    transfer_dash: bool,
    /// A KX-TES/TA/TD word form (`<incoming>`, `<DISA incoming>`, `<UCD waiting>`, ...).
    word_form: Option<String>,
}

/// `<incoming>`, `< DISA incoming >`, `<DIL incoming>`, `<UCD waiting>`, `<INCOMING>`: the
/// words in the brackets (blanks collapsed) and the caller text after them.
fn word_form(dial: &str) -> Option<(String, &str)> {
    let inner_end = dial.find('>')?;
    let inner = dial.get(1..inner_end).filter(|_| dial.starts_with('<'))?;
    let words: Vec<&str> = inner.split_whitespace().collect();
    let lower = inner.to_lowercase();
    if !(lower.contains("incoming") || lower.contains("waiting")) {
        return None;
    }
    Some((words.join(" "), dial.get(inner_end + 1..).unwrap_or("")))
}

/// Caller text after `<I>`: number, name, or name followed by number.
fn split_caller(t: &str) -> (String, Option<String>) {
    let t = t.trim();
    if t.is_empty() {
        return (String::new(), None);
    }
    if is_phone_number(t) {
        return (t.to_string(), None);
    }
    // KX-TD816 prints the number, a blank, then the name (`<I> 1234567890 MARY WARD`).
    if let Some((first, rest)) = t.split_once(char::is_whitespace) {
        if is_phone_number(first) && !rest.trim().is_empty() {
            return (first.to_string(), Some(rest.trim().to_string()));
        }
    }
    let name = t.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = t.get(name.len()..).unwrap_or("");
    let name = name.trim_end();
    if digits.len() >= 4 && name.chars().count() >= 2 {
        return (digits.to_string(), Some(name.to_string()));
    }
    (String::new(), Some(t.to_string()))
}

/// `tes`: the KX-TES family prints `-` as a dialled character and marks a transfer with `*`
/// before the time, so `-` is kept in the number there.
fn read_dial(dial: &str, tes: bool) -> Dial {
    let mut out = Dial {
        direction: Direction::Outgoing,
        number: String::new(),
        caller_name: None,
        ddi: None,
        transfer_dash: false,
        word_form: None,
    };
    if let Some((words, cli)) = word_form(dial) {
        out.direction = Direction::Incoming;
        out.word_form = Some(words);
        (out.number, out.caller_name) = split_caller(cli);
        return out;
    }
    if let Some(rest) = dial.strip_prefix("<D>") {
        out.direction = Direction::Incoming;
        let (ddi, cli) = match rest.split_once("<I>") {
            Some((d, c)) => (d, c),
            None => (rest, ""),
        };
        let ddi = ddi.trim();
        out.ddi = (!ddi.is_empty()).then(|| ddi.to_string());
        (out.number, out.caller_name) = split_caller(cli);
    } else if let Some(cli) = dial.strip_prefix("<I>") {
        out.direction = Direction::Incoming;
        (out.number, out.caller_name) = split_caller(cli);
    } else if let Some(ext) = dial.strip_prefix("EXT") {
        out.direction = Direction::Internal;
        out.number = ext.trim().to_string();
    } else if let Some((before, _keyed_after_transfer)) = dial.split_once('-').filter(|_| !tes) {
        out.number = before.trim().to_string();
        out.transfer_dash = true;
    } else {
        out.number = dial.to_string();
    }
    out
}

/// `h:mm` or `hh:mm` at the start (with or without AM/PM or a glued extension after it).
fn looks_like_time(t: &str) -> bool {
    let b = t.as_bytes();
    let colon = b.iter().position(|&x| x == b':');
    matches!(colon, Some(1 | 2))
        && b.first().is_some_and(u8::is_ascii_digit)
        && colon
            .and_then(|c| b.get(c + 1))
            .is_some_and(u8::is_ascii_digit)
}

/// The condition codes of the KX-TD816 incoming-call event lines (and their Call Waiting
/// twins), printed without a duration: received, answered (with the ring time), not answered.
const EVENT_CODES: [&str; 5] = ["RC", "AN", "NA", "VR", "VA"];

/// A KX-TD816 event line (panasonic.md §3, source 7): `<I>` caller, optional ring `m'ss`, and
/// one of [`EVENT_CODES`] last, no duration. Returns the index of the token that ends the dial
/// field, the ring token's index, and the code.
fn event_line(toks: &[Tok], dial_idx: usize) -> Option<(usize, Option<usize>, String)> {
    let dial = toks.get(dial_idx)?;
    // `<I>`, `<D>...<I>`, `<INCOMING>`: an incoming caller field.
    let incoming = dial.text.starts_with('<');
    let last_idx = toks.len().checked_sub(1)?;
    let last = toks.get(last_idx)?;
    if !incoming || last_idx <= dial_idx || !EVENT_CODES.contains(&last.text.as_str()) {
        return None;
    }
    let ring = last_idx
        .checked_sub(1)
        .filter(|&r| r > dial_idx && toks.get(r).is_some_and(|t| ring_shape(&t.text).is_some()));
    Some((ring.unwrap_or(last_idx), ring, last.text.clone()))
}

impl Panasonic {
    fn parse_record(&mut self, c: &[char]) -> Result<Parsed, String> {
        if c.len() < 8 {
            return Err(format!(
                "line too short for a Panasonic record ({} chars)",
                c.len()
            ));
        }
        let toks = tokenize(c);
        let mut warnings = Vec::new();
        let mut starred: Vec<&str> = Vec::new();

        let date = match toks.first() {
            Some(t) if t.start == 0 => match parse_date(&t.text, self.date_order)? {
                Field::Value(d) => Some(d),
                Field::Stars => {
                    starred.push("date");
                    None
                }
            },
            _ => return Err("no date at column 0".into()),
        };

        let mut k = 1;
        let first = toks
            .get(k)
            .ok_or("line ends after the date; no time (cut line?)")?;
        k += 1;
        // KX-TES family: `*` before the start time marks a transferred call, glued to the time
        // (`*12:54PM`) or, before a right-aligned time, a token of its own (`*  1:04PM`).
        let mut tes_mark = false;
        let next_is_time = toks.get(k).is_some_and(|t| looks_like_time(&t.text));
        let time_tok = if first.text == "*" && next_is_time {
            tes_mark = true;
            k += 1;
            toks.get(k - 1).cloned().unwrap_or_else(|| first.clone())
        } else if let Some(rest) = first.text.strip_prefix('*').filter(|r| looks_like_time(r)) {
            tes_mark = true;
            Tok {
                start: first.start + 1,
                end: first.end,
                text: rest.to_string(),
            }
        } else {
            first.clone()
        };
        let (time_text, glued) = split_glued_time(&time_tok.text);
        let glued_ext = glued.map(|text| Tok {
            start: time_tok.start + time_text.chars().count(),
            end: time_tok.end,
            text,
        });
        let separate_ampm = match (&glued_ext, split_ampm(&time_text).1) {
            (None, None) => toks.get(k).and_then(|t| ampm_word(&t.text)),
            _ => None,
        };
        if separate_ampm.is_some() {
            k += 1;
        }
        let time = match parse_time(&time_text, separate_ampm)? {
            Field::Value(t) => Some(t),
            Field::Stars => {
                starred.push("time");
                None
            }
        };

        let ext_tok = match glued_ext {
            Some(t) => t,
            None => {
                let t = toks
                    .get(k)
                    .cloned()
                    .ok_or("line ends after the time; no extension (cut line?)")?;
                k += 1;
                t
            }
        };
        if !is_extension(&ext_tok.text) {
            return Err(format!(
                "'{}' after the time is not an extension",
                excerpt(&ext_tok.text)
            ));
        }
        let co = match toks.get(k) {
            Some(t) if is_co(t) => {
                k += 1;
                Some(t.text.clone())
            }
            _ => None,
        };
        let dial_idx = k;
        let Some(dial_tok) = toks.get(dial_idx) else {
            return Err(if co.is_some() {
                "line ends after the CO number; no dial number (cut line?)".into()
            } else {
                "line ends after the extension; no CO or dial number (cut line?)".into()
            });
        };
        let s = dial_tok.start;

        // The ring token, if any, just before the duration token at index `i`.
        let ring_before = |i: usize| -> Option<usize> {
            let r = i.checked_sub(1).filter(|&r| r >= dial_idx)?;
            let (rt, dt) = (toks.get(r)?, toks.get(i)?);
            (rt.end + 1 == dt.start && ring_shape(&rt.text).is_some()).then_some(r)
        };
        let layout_at = |i: usize, ring: Option<usize>| -> Option<Layout> {
            let span = toks.get(i)?.start.checked_sub(s)?;
            [Layout::B, Layout::A, Layout::C]
                .into_iter()
                .find(|l| l.dial_to_duration() == span && (ring.is_none() || l.has_ring()))
        };
        let candidates: Vec<usize> = toks
            .iter()
            .enumerate()
            .skip(dial_idx)
            .filter(|(_, t)| duration_shape(&t.text).is_some())
            .map(|(i, _)| i)
            .collect();
        let chosen = candidates
            .iter()
            .copied()
            .find(|&i| layout_at(i, ring_before(i)).is_some())
            .or(candidates.first().copied());

        let mut layout = None;
        let mut tes: bool;
        let dial;
        let mut ring_secs = None;
        let mut duration_secs = None;
        let tail;
        if let Some(i) = chosen {
            let mut ring_idx = ring_before(i);
            let confirmed = layout_at(i, ring_idx);
            // The `*` mark settles the family; otherwise a TDA pattern confirmed by position
            // wins over a remembered TES header (the PBX may have been replaced).
            tes = tes_mark || (self.tes && confirmed.is_none());
            if tes {
                ring_idx = None;
                self.tes = true;
            } else {
                layout = confirmed.or(self.layout.filter(|l| ring_idx.is_none() || l.has_ring()));
                if confirmed.is_some() {
                    self.layout = confirmed;
                    self.tes = false;
                }
            }
            let dial_end_idx = ring_idx.unwrap_or(i);
            dial = match toks.get(dial_end_idx) {
                Some(end) if dial_end_idx > dial_idx => {
                    slice_text(c, s, end.start).trim().to_string()
                }
                _ => String::new(),
            };
            if let Some(rt) = ring_idx.and_then(|r| toks.get(r)) {
                ring_secs = clock_field(
                    ring_shape(&rt.text),
                    "ring",
                    &rt.text,
                    &mut starred,
                    &mut warnings,
                );
            }
            let dt = toks.get(i);
            if let Some(dt) = dt {
                duration_secs = clock_field(
                    duration_shape(&dt.text),
                    "duration",
                    &dt.text,
                    &mut starred,
                    &mut warnings,
                );
            }
            tail = read_tail(
                toks.get(i + 1..).unwrap_or(&[]),
                dt.map(|t| t.start),
                layout,
                &mut warnings,
            );
        } else {
            let text = dial_tok.text.as_str();
            layout = self.layout;
            tes = tes_mark || self.tes;
            if text.starts_with("EXT") {
                dial = text.to_string();
                tail = read_tail(
                    toks.get(dial_idx + 1..).unwrap_or(&[]),
                    None,
                    None,
                    &mut warnings,
                );
            } else if let Some((end_idx, ring_idx, code)) =
                co.as_ref().and_then(|_| event_line(&toks, dial_idx))
            {
                // KX-TD816 RC / AN / NA: an incoming call's event, no talk printed.
                tes = false;
                layout = self.layout.filter(|l| l.has_ring());
                dial = toks
                    .get(end_idx)
                    .map(|end| slice_text(c, s, end.start).trim().to_string())
                    .unwrap_or_default();
                if let Some(rt) = ring_idx.and_then(|r| toks.get(r)) {
                    ring_secs = clock_field(
                        ring_shape(&rt.text),
                        "ring",
                        &rt.text,
                        &mut starred,
                        &mut warnings,
                    );
                }
                tail = Tail {
                    cost: None,
                    account_code: None,
                    condition: Some(code),
                };
            } else if co.is_some() {
                return Err(
                    "no duration hh:mm'ss after the dial number on a CO line (cut line?)".into(),
                );
            } else if text.starts_with("<I>") || text.starts_with("<D>") {
                // E.g. the manual's `<I>S003` with no CO: take the dial field by its width.
                let width = self.layout.map_or(20, Layout::dial_width);
                let end = toks
                    .iter()
                    .skip(dial_idx)
                    .filter(|t| t.start < s + width)
                    .map(|t| t.end)
                    .max()
                    .unwrap_or(s);
                dial = slice_text(c, s, end).trim().to_string();
                let rest: Vec<Tok> = toks.iter().filter(|t| t.start >= end).cloned().collect();
                tail = read_tail(&rest, None, None, &mut warnings);
            } else if text.chars().any(char::is_alphabetic) {
                // LOG IN / LOG OUT, hospitality and absence/printing messages.
                return Ok(Parsed::Header {
                    header: HeaderKind::Other,
                });
            } else {
                return Err(format!(
                    "no CO number and no duration after '{}': not a call record",
                    excerpt(text)
                ));
            }
        }

        let d = read_dial(&dial, tes);
        if co.is_none() && d.direction != Direction::Internal {
            warnings.push("no CO (trunk) number on an outside call".into());
        }
        if d.direction == Direction::Outgoing && d.number.is_empty() {
            warnings.push("empty dial number".into());
        }
        if d.word_form
            .as_deref()
            .is_some_and(|w| w.to_lowercase().contains("waiting"))
        {
            warnings.push("UCD waiting record: the duration is the time in the queue".into());
        }
        if let Some(code) = &tail.condition {
            if !CONDITION_CODES.contains(&code.as_str()) {
                warnings.push(format!("unknown condition code '{}'", excerpt(code)));
            }
        }
        if !starred.is_empty() {
            warnings.push(format!(
                "clock changed during the call: PBX printed ** for {}",
                starred.join(", ")
            ));
        }
        let cd = tail.condition.as_deref();
        // `....` is the KX-TA/TES "no account code" filler.
        let account_code = tail
            .account_code
            .filter(|a| !a.chars().all(|ch| ch == '.' || ch == ' '));
        let record = Record {
            dialect: "panasonic",
            layout: if tes {
                TES
            } else {
                layout.map_or("", Layout::as_str)
            },
            date,
            time,
            time_is: if tes {
                TimeMeaning::CallStart
            } else {
                TimeMeaning::CallEnd
            },
            extension: ext_tok.text,
            trunk: co,
            direction: d.direction,
            number: d.number,
            caller_name: d.caller_name,
            ddi: d.ddi,
            ring_secs,
            duration_secs,
            cost: tail.cost,
            account_code,
            unanswered: cd == Some("NA"),
            transferred: cd == Some("TR") || d.transfer_dash || tes_mark,
            forwarded: cd == Some("FW"),
            extra: Default::default(),
            condition: tail.condition,
        };
        Ok(Parsed::Record {
            record: Box::new(record),
            warnings,
        })
    }
}

/// Seconds from a ring/duration token, noting `**` marks and out-of-range values.
fn clock_field<'a>(
    clock: Clock,
    what: &'a str,
    text: &str,
    starred: &mut Vec<&'a str>,
    warnings: &mut Vec<String>,
) -> Option<u32> {
    match clock {
        Some(Ok(Field::Value(v))) => Some(v),
        Some(Ok(Field::Stars)) => {
            starred.push(what);
            None
        }
        Some(Err(())) | None => {
            warnings.push(format!("{what} {} is not valid", excerpt(text)));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One line of text per verdict, listing only the fields that are set, so that a table row
    /// reads like the line it checks.
    fn show(p: &Parsed) -> String {
        match p {
            Parsed::Header { header } => format!("header {header:?}"),
            Parsed::Reject { reason } => format!("reject {reason}"),
            Parsed::Record {
                record: r,
                warnings,
            } => {
                let mut out = vec![
                    if r.layout.is_empty() { "?" } else { r.layout }.to_string(),
                    r.date.map_or("-".into(), |d| d.to_string()),
                    r.time.map_or("-".into(), |t| t.format("%H:%M").to_string()),
                ];
                if r.time_is == TimeMeaning::CallStart {
                    out.push("start".into());
                }
                out.push(r.direction.as_str().to_string());
                out.push(format!("ext={}", r.extension));
                if let Some(t) = &r.trunk {
                    out.push(format!("co={t}"));
                }
                out.push(format!("num={}", r.number));
                if let Some(n) = &r.caller_name {
                    out.push(format!("name='{n}'"));
                }
                if let Some(d) = &r.ddi {
                    out.push(format!("ddi={d}"));
                }
                if let Some(v) = r.ring_secs {
                    out.push(format!("ring={v}"));
                }
                if let Some(v) = r.duration_secs {
                    out.push(format!("dur={v}"));
                }
                if let Some(c) = &r.cost {
                    out.push(format!("cost={}{}", c.amount, c.currency));
                }
                if let Some(a) = &r.account_code {
                    out.push(format!("acc={a}"));
                }
                if let Some(c) = &r.condition {
                    out.push(format!("cd={c}"));
                }
                for (set, word) in [
                    (r.unanswered, "unanswered"),
                    (r.transferred, "transferred"),
                    (r.forwarded, "forwarded"),
                ] {
                    if set {
                        out.push(word.into());
                    }
                }
                for w in warnings {
                    out.push(format!("warn='{w}'"));
                }
                out.join(" ")
            }
        }
    }

    /// Puts each text at its 0-based column, blanks in between: lines built from the column
    /// maps in panasonic.md §2.2, not captured from a PBX.
    fn build(fields: &[(usize, &str)]) -> String {
        let mut line: Vec<char> = Vec::new();
        for (col, text) in fields {
            if line.len() < *col {
                line.resize(*col, ' ');
            }
            line.truncate(*col);
            line.extend(text.chars());
        }
        line.into_iter().collect()
    }

    /// Pattern A (manual widths; columns of vicriveros/smdr-panasonic): Date 0, Time 9,
    /// Ext 17–21 (right-aligned), CO 23–24, Dial 26–50, Ring 52–55, Duration 57–64,
    /// Acc 66–75, CD 77–78.
    #[allow(clippy::too_many_arguments)]
    fn pattern_a(
        date: &str,
        time: &str,
        ext: &str,
        co: &str,
        dial: &str,
        ring: &str,
        dur: &str,
        acc: &str,
        cd: &str,
    ) -> String {
        build(&[
            (0, date),
            (9, time),
            (22 - ext.len(), ext),
            (23, co),
            (26, dial),
            (56 - ring.len(), ring),
            (57, dur),
            (66, acc),
            (77, cd),
        ])
    }

    /// Pattern C (columns of rrpsystems/desenvolvimento): Date 0, Time 9, Ext 17–21, CO 23–26,
    /// Dial 28–77, Ring 79–82, Duration 84–91, Cost 93–103, Acc 105–114, CD 116–118.
    #[allow(clippy::too_many_arguments)]
    fn pattern_c(
        date: &str,
        time: &str,
        ext: &str,
        co: &str,
        dial: &str,
        ring: &str,
        dur: &str,
        cost: &str,
        acc: &str,
        cd: &str,
    ) -> String {
        build(&[
            (0, date),
            (9, time),
            (22 - ext.len(), ext),
            (23, co),
            (28, dial),
            (83 - ring.len(), ring),
            (84, dur),
            (93, cost),
            (105, acc),
            (116, cd),
        ])
    }

    fn run_table(order: DateOrder, cases: &[(&str, String, &str)]) {
        let mut failures = Vec::new();
        for (legend, line, want) in cases {
            let got = show(&Panasonic::new(order).parse(line));
            if got != *want {
                failures.push(format!(
                    "{legend}\n  line: {line:?}\n  want: {want}\n  got:  {got}"
                ));
            }
        }
        assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    }

    /// Real Pattern B lines (corpus `unknown-patternB-gestionecentralino-costa.log`), one per call
    /// type, plus the second site's trailing-blank-stripped form.
    #[test]
    fn real_pattern_b_lines() {
        let s = |x: &str| x.to_string();
        let cases = [
            (
                "incoming answered",
                s("04/12/20 17:18    401 01 <I>3488677149        00:00'12 EU00000.00               "),
                "B 2020-12-04 17:18 incoming ext=401 co=01 num=3488677149 dur=12 cost=0.00EU",
            ),
            (
                "incoming short CLI",
                s("07/12/20 11:00    401 05 <I>234               00:00'12 EU00000.00               "),
                "B 2020-12-07 11:00 incoming ext=401 co=05 num=234 dur=12 cost=0.00EU",
            ),
            (
                "outgoing",
                s("07/12/20 11:08    401 01 0364538740           00:00'40 EU00000.00               "),
                "B 2020-12-07 11:08 outgoing ext=401 co=01 num=0364538740 dur=40 cost=0.00EU",
            ),
            (
                "incoming not answered",
                s("07/12/20 11:22    401 05 <I>234               00:00'00 EU00000.00            NA "),
                "B 2020-12-07 11:22 incoming ext=401 co=05 num=234 dur=0 cost=0.00EU cd=NA unanswered",
            ),
            (
                "forwarded to CO",
                s("07/12/20 13:25    604 01 3356182041           00:00'17 EU00000.00            FW "),
                "B 2020-12-07 13:25 outgoing ext=604 co=01 num=3356182041 dur=17 cost=0.00EU cd=FW forwarded",
            ),
            (
                "intercom",
                s("07/12/20 14:53    402    EXT401                                                 "),
                "? 2020-12-07 14:53 internal ext=402 num=401",
            ),
            (
                "outgoing transferred",
                s("07/12/20 15:02    402 01 0376689064-          00:03'13 EU00000.00            TR "),
                "B 2020-12-07 15:02 outgoing ext=402 co=01 num=0376689064 dur=193 cost=0.00EU cd=TR transferred",
            ),
            (
                "incoming transferred",
                s("10/12/20 16:10    401 02 <I>3483049831        00:00'33 EU00000.00            TR "),
                "B 2020-12-10 16:10 incoming ext=401 co=02 num=3483049831 dur=33 cost=0.00EU cd=TR transferred",
            ),
            (
                "longest duration",
                s("08/12/20 09:27    601 21 <I>3483238995        11:59'59 EU00000.00               "),
                "B 2020-12-08 09:27 incoming ext=601 co=21 num=3483238995 dur=43199 cost=0.00EU",
            ),
            (
                "incoming without CLI",
                s("07/12/20 11:00    401 05 <I>                  00:00'12 EU00000.00"),
                "B 2020-12-07 11:00 incoming ext=401 co=05 num= dur=12 cost=0.00EU",
            ),
            (
                "trailing blanks stripped (31 chars)",
                s("10/12/20 10:33    402    EXT401"),
                "? 2020-12-10 10:33 internal ext=402 num=401",
            ),
            (
                "trailing blanks stripped (79 chars)",
                s("09/12/20 14:02    401 05 <I>234               00:00'00 EU00000.00            NA"),
                "B 2020-12-09 14:02 incoming ext=401 co=05 num=234 dur=0 cost=0.00EU cd=NA unanswered",
            ),
            (
                "page header with form feed",
                s("\x0c  Date     Time   Ext CO Dial Number          Duration Cost       Acc code   CD "),
                "header Titles",
            ),
            (
                "rule",
                "-".repeat(80),
                "header Rule",
            ),
        ];
        run_table(DateOrder::Dmy, &cases);
    }

    /// Lines generated from the manual's Pattern A and C examples (KX-NS1000 p.222) placed on
    /// the documented columns. No real A/C capture exists; these are not PBX output.
    #[test]
    fn generated_from_manual_patterns_a_and_c() {
        let a = |time, ext, co, dial, ring, dur, acc, cd| {
            pattern_a("01/02/02", time, ext, co, dial, ring, dur, acc, cd)
        };
        let line = a(
            "10:03AM",
            "1200",
            "01",
            "<I>12345678901234567890",
            "5'15",
            "00:00'00",
            "",
            "NA",
        );
        assert_eq!(line.find("00:00'00"), Some(57), "duration column");
        assert_eq!(line.find("5'15"), Some(52), "ring column");
        assert_eq!(line.find("NA"), Some(77), "CD column");
        let cases = [
            (
                "generated_from_manual A: unanswered incoming with ring",
                line,
                "A 2002-02-01 10:03 incoming ext=1200 co=01 num=12345678901234567890 ring=315 dur=0 cd=NA unanswered",
            ),
            (
                "generated_from_manual A: <I> without CLI, ring, account code",
                a("10:07AM", "1200", "01", "<I>", "0'05", "00:01'05", "9876543210", ""),
                "A 2002-02-01 10:07 incoming ext=1200 co=01 num= ring=5 dur=65 acc=9876543210",
            ),
            (
                "generated_from_manual A: outgoing, no ring, account code",
                a("10:15AM", "1200", "01", "1234567890123456", "", "00:01'05", "9876543210", ""),
                "A 2002-02-01 10:15 outgoing ext=1200 co=01 num=1234567890123456 dur=65 acc=9876543210",
            ),
            (
                "generated_from_manual A: verified-code extension",
                a("10:30AM", "*123", "01", "1234567890123456", "", "00:01'05", "9876543210", ""),
                "A 2002-02-01 10:30 outgoing ext=*123 co=01 num=1234567890123456 dur=65 acc=9876543210",
            ),
            (
                "generated_from_manual A: caller name then number",
                a("01:07PM", "1234", "01", "<I>ABC COMPANY12345678", "0'05", "00:01'05", "", ""),
                "A 2002-02-01 13:07 incoming ext=1234 co=01 num=12345678 name='ABC COMPANY' ring=5 dur=65",
            ),
            (
                "generated_from_manual A: DDI name and caller name",
                a("01:07PM", "1234", "01", "<D>CDE9876<I>Q COMPANY", "0'05", "00:01'05", "", ""),
                "A 2002-02-01 13:07 incoming ext=1234 co=01 num= name='Q COMPANY' ddi=CDE9876 ring=5 dur=65",
            ),
            (
                "generated_from_manual A: secret dialling kept as printed",
                a("01:07PM", "1234", "01", "123..............", "", "00:01'05", "", ""),
                "A 2002-02-01 13:07 outgoing ext=1234 co=01 num=123.............. dur=65",
            ),
            (
                "generated_from_manual A: intercom",
                a("01:07PM", "1234", "", "EXT1235", "", "", "", ""),
                "? 2002-02-01 13:07 internal ext=1234 num=1235",
            ),
            (
                "generated_from_manual A: 12AM is midnight, 12PM noon",
                a("12:05AM", "1234", "01", "0123", "", "00:00'05", "", ""),
                "A 2002-02-01 00:05 outgoing ext=1234 co=01 num=0123 dur=5",
            ),
            (
                "generated_from_manual A: 12PM",
                a("12:05PM", "1234", "01", "0123", "", "00:00'05", "", "AN"),
                "A 2002-02-01 12:05 outgoing ext=1234 co=01 num=0123 dur=5 cd=AN",
            ),
            (
                "generated_from_manual A: status line LOG IN",
                a("08:33AM", "1234", "", "LOG IN", "", "", "", ""),
                "header Other",
            ),
            (
                "generated_from_manual A: Timed Reminder",
                a("04:01PM", "1234", "", "Timed Reminder/No Answer", "", "", "", ""),
                "header Other",
            ),
            (
                "generated_from_manual A: absence message",
                a("03:35PM", "1234", "", "In the office", "", "", "", ""),
                "header Other",
            ),
            (
                "generated_from_manual A: <I>S003 without CO",
                a("04:05PM", "1234", "", "<I>S003", "", "", "", ""),
                "? 2002-02-01 16:05 incoming ext=1234 num= name='S003' warn='no CO (trunk) number on an outside call'",
            ),
            (
                "generated_from_manual C: outgoing with cost currency last",
                pattern_c("01/02/02", "10:03AM", "1230", "0001", "123456789012345678901234567890", "", "00:00'05", "00560.00EUR", "9876543210", ""),
                "C 2002-02-01 10:03 outgoing ext=1230 co=0001 num=123456789012345678901234567890 dur=5 cost=560.00EUR acc=9876543210",
            ),
            (
                "generated_from_manual C: incoming name and number, ring, CD",
                pattern_c("01/02/02", "10:07AM", "1230", "0001", "<I>ABC COMPANY123456789012345", "0'05", "00:01'05", "", "", "RC"),
                "C 2002-02-01 10:07 incoming ext=1230 co=0001 num=123456789012345 name='ABC COMPANY' ring=5 dur=65 cd=RC",
            ),
            (
                "generated_from_manual B: cost currency last (manual form)",
                build(&[(0, "01/02/02"), (9, "10:07AM"), (17, "2005"), (22, "01"), (25, "1234567890123456789"), (46, "00:00'05"), (55, "00560.00EU"), (66, "9876543210")]),
                "B 2002-02-01 10:07 outgoing ext=2005 co=01 num=1234567890123456789 dur=5 cost=560.00EU acc=9876543210",
            ),
            (
                "generated_from_manual B: 12-hour time touching a 5-digit extension",
                build(&[
                    (0, "01/02/02"),
                    (9, "10:07PM"),
                    (16, "12345"),
                    (22, "01"),
                    (25, "0123"),
                    (46, "00:00'05"),
                    (55, "00560.00EU"),
                ]),
                "B 2002-02-01 22:07 outgoing ext=12345 co=01 num=0123 dur=5 cost=560.00EU",
            ),
            (
                "generated_from_manual A title header",
                s_("  Date     Time    Ext CO        Dial Number        Ring Duration  Acc code  CD"),
                "header Titles",
            ),
        ];
        run_table(DateOrder::Dmy, &cases);
    }

    fn s_(x: &str) -> String {
        x.to_string()
    }

    #[test]
    fn oddities_and_rejects() {
        let b = |dial: &str, dur: &str, cd: &str| {
            build(&[
                (0, "07/12/20"),
                (9, "11:00"),
                (18, "401"),
                (22, "05"),
                (25, dial),
                (46, dur),
                (55, "EU00000.00"),
                (77, cd),
            ])
        };
        let cases = [
            (
                "unknown condition code kept with a warning",
                b("<I>234", "00:00'12", "ZZ"),
                "B 2020-12-07 11:00 incoming ext=401 co=05 num=234 dur=12 cost=0.00EU cd=ZZ warn='unknown condition code 'ZZ''",
            ),
            (
                "D0 DISA code",
                b("<I>3488677149", "00:00'12", "D0"),
                "B 2020-12-07 11:00 incoming ext=401 co=05 num=3488677149 dur=12 cost=0.00EU cd=D0",
            ),
            (
                "** clock change marks",
                build(&[(0, "**/**/**"), (9, "**:**"), (18, "401"), (22, "05"), (25, "0364538740"), (46, "**:**'**"), (55, "EU00000.00")]),
                "B - - outgoing ext=401 co=05 num=0364538740 cost=0.00EU warn='clock changed during the call: PBX printed ** for date, time, duration'",
            ),
            (
                "** date only",
                build(&[(0, "**"), (9, "11:00"), (18, "401"), (22, "05"), (25, "0364538740"), (46, "00:00'09")]),
                "B - 11:00 outgoing ext=401 co=05 num=0364538740 dur=9 warn='clock changed during the call: PBX printed ** for date'",
            ),
            (
                "transfer with digits keyed after the transfer",
                b("0376689064-123", "00:03'13", "TR"),
                "B 2020-12-07 11:00 outgoing ext=401 co=05 num=0376689064 dur=193 cost=0.00EU cd=TR transferred",
            ),
            (
                "DDI and caller number",
                b("<D>5551234<I>0364", "00:00'12", ""),
                "B 2020-12-07 11:00 incoming ext=401 co=05 num=0364 ddi=5551234 dur=12 cost=0.00EU",
            ),
            (
                "12-hour time with a blank before PM",
                "07/12/20 1:05 PM  401 05 0364538740           00:00'40".to_string(),
                "B 2020-12-07 13:05 outgoing ext=401 co=05 num=0364538740 dur=40",
            ),
            (
                "compacted line (columns lost): layout unsure",
                "07/12/20 11:00 401 05 <I>234 00:00'12 EU00000.00 NA".to_string(),
                "? 2020-12-07 11:00 incoming ext=401 co=05 num=234 dur=12 cost=0.00EU cd=NA unanswered",
            ),
            ("month 13", s_("31/13/20 11:00    401 05 <I>234               00:00'12"), "reject date 31/13/20 is not valid as dmy; check pbx.date_order"),
            ("mdy date read as dmy", s_("12/31/20 11:00    401 05 <I>234               00:00'12"), "reject date 12/31/20 is not valid as dmy (valid as mdy); check pbx.date_order"),
            ("hour 25", s_("07/12/20 25:00    401 05 <I>234               00:00'12"), "reject time 25:00 is not a valid time"),
            ("13PM", s_("07/12/20 13:00PM  401 05 <I>234               00:00'12"), "reject time 13:00PM is not a valid time"),
            ("too short", s_("07/12"), "reject line too short for a Panasonic record (5 chars)"),
            ("blank", s_("   \x0c "), "reject blank line"),
            ("no date", s_("AT&F0 modem init string"), "reject no date dd/dd/dd at column 0 (found 'AT&F0')"),
            ("indented date", s_(" 07/12/20 11:00    401 05 <I>234"), "reject no date at column 0"),
            ("date-like garbage", s_("07-12-20 11:00"), "reject no date dd/dd/dd at column 0 (found '07-12-20')"),
            ("cut after date", s_("07/12/20 "), "reject line ends after the date; no time (cut line?)"),
            ("cut after time", s_("07/12/20 11:00  "), "reject line ends after the time; no extension (cut line?)"),
            ("cut after ext", s_("07/12/20 11:00    401"), "reject line ends after the extension; no CO or dial number (cut line?)"),
            ("cut after CO", s_("07/12/20 11:00    401 05"), "reject line ends after the CO number; no dial number (cut line?)"),
            ("cut in dial number", s_("07/12/20 11:00    401 05 <I>34886"), "reject no duration hh:mm'ss after the dial number on a CO line (cut line?)"),
            ("KX-TES transfer mark on a cut line", s_("07/12/20 *11:00   401 05 0364538740"), "reject no duration hh:mm'ss after the dial number on a CO line (cut line?)"),
            ("not a time", s_("07/12/20 hello     401 05 0364538740"), "reject no time hh:mm after the date (found 'hello')"),
            ("not an extension", s_("07/12/20 11:00 <I>0364538740"), "reject '<I>0364538740' after the time is not an extension"),
            ("digits without CO or duration", s_("07/12/20 11:00    401       0364538740"), "reject no CO number and no duration after '0364538740': not a call record"),
        ];
        run_table(DateOrder::Dmy, &cases);
    }

    #[test]
    fn date_orders() {
        let line = "04/05/20 11:00    401 05 <I>234               00:00'12 EU00000.00";
        let date = |o| match Panasonic::new(o).parse(line) {
            Parsed::Record { record, .. } => record.date.map(|d| d.to_string()),
            _ => None,
        };
        assert_eq!(date(DateOrder::Dmy).as_deref(), Some("2020-05-04"));
        assert_eq!(date(DateOrder::Mdy).as_deref(), Some("2020-04-05"));
        assert_eq!(date(DateOrder::Ymd).as_deref(), Some("2004-05-20"));
    }

    /// The full record for one real line, every field.
    #[test]
    fn full_record() {
        let got = Panasonic::new(DateOrder::Dmy).parse(
            "07/12/20 15:02    402 01 0376689064-          00:03'13 EU00000.00            TR ",
        );
        let want = Parsed::Record {
            record: Box::new(Record {
                dialect: "panasonic",
                layout: "B",
                date: NaiveDate::from_ymd_opt(2020, 12, 7),
                time: NaiveTime::from_hms_opt(15, 2, 0),
                time_is: TimeMeaning::CallEnd,
                extension: "402".into(),
                trunk: Some("01".into()),
                direction: Direction::Outgoing,
                number: "0376689064".into(),
                caller_name: None,
                ddi: None,
                ring_secs: None,
                duration_secs: Some(193),
                cost: Some(Cost {
                    amount: "0.00".into(),
                    currency: "EU".into(),
                }),
                account_code: None,
                condition: Some("TR".into()),
                unanswered: false,
                transferred: true,
                forwarded: false,
                extra: Default::default(),
            }),
            warnings: vec![],
        };
        assert_eq!(got, want);
    }

    /// The layout announced by a title header (or confirmed by a record) places intercom lines.
    #[test]
    fn layout_remembered_from_headers_and_records() {
        let layout = |p: Parsed| match p {
            Parsed::Record { record, .. } => record.layout,
            other => panic!("not a record: {other:?}"),
        };
        let intercom = "07/12/20 14:53    402    EXT401";
        let mut p = Panasonic::new(DateOrder::Dmy);
        assert_eq!(layout(p.parse(intercom)), "");
        p.parse(
            "\x0c  Date     Time   Ext CO Dial Number          Duration Cost       Acc code   CD ",
        );
        assert_eq!(layout(p.parse(intercom)), "B");
        p.parse("  Date     Time    Ext CO        Dial Number        Ring Duration  Acc code  CD");
        assert_eq!(layout(p.parse(intercom)), "A");
        p.parse("Date Time Ext CO Dial Number Ring Duration Cost Acc code CD");
        assert_eq!(
            layout(p.parse(intercom)),
            "",
            "80 columns with Ring and Cost: no pattern"
        );
        p.parse("07/12/20 11:08    401 01 0364538740           00:00'40 EU00000.00");
        assert_eq!(layout(p.parse(intercom)), "B");
        let c = pattern_c(
            "01/02/02", "10:03AM", "1230", "0001", "0123", "", "00:00'05", "", "", "",
        );
        assert_eq!(layout(p.parse(&c)), "C");
        assert_eq!(layout(p.parse(intercom)), "C");
    }

    /// KX-TES824/TEM824/TEA308/TA824 (panasonic.md §1 and §3, sources 8, 9, 11): no real
    /// capture exists. Columns constructed from the manuals' field order and the TA624
    /// example: date 0, `*` 9, time right-aligned in 10–16, Ext right-aligned to 21, CO 23,
    /// dial number 26 (32 wide), duration 59, cost 68 (up to 11), account code 80, CD 91.
    #[allow(clippy::too_many_arguments)]
    fn tes(
        date: &str,
        mark: &str,
        time: &str,
        ext: &str,
        co: &str,
        dial: &str,
        dur: &str,
        cost: &str,
        acc: &str,
        cd: &str,
    ) -> String {
        build(&[
            (0, date),
            (9, mark),
            (17 - time.len(), time),
            (22 - ext.len(), ext),
            (23, co),
            (26, dial),
            (59, dur),
            (68, cost),
            (80, acc),
            (91, cd),
        ])
    }

    const TES_TITLES: &str =
        "Date     Time     Ext. CO  Dial number              Duration Cost       Acc code   CD";

    /// Reads `lines` in order with one dialect (as the box does) and shows each verdict.
    fn run_stream(order: DateOrder, lines: &[String]) -> Vec<String> {
        let mut p = Panasonic::new(order);
        lines.iter().map(|l| show(&p.parse(l))).collect()
    }

    #[test]
    fn tes_family_start_time_and_transfer_mark() {
        let t = |mark, time, ext, co, dial, dur, cost, acc, cd| {
            tes("31/12/25", mark, time, ext, co, dial, dur, cost, acc, cd)
        };
        let lines = vec![
            s_(TES_TITLES),
            "-".repeat(93),
            t(
                "",
                "12:52PM",
                "203",
                "05",
                "0123456789",
                "00:00'16",
                "2.86EUR",
                "....",
                "",
            ),
            t(
                "",
                "12:53PM",
                "203",
                "02",
                "<incoming>",
                "00:01'43",
                "",
                "....",
                "",
            ),
            t(
                "*",
                "12:54PM",
                "201",
                "02",
                "<incoming>",
                "00:07'48",
                "",
                "....",
                "",
            ),
            t(
                "",
                "1:04PM",
                "203",
                "06",
                "092...1438",
                "00:00'06",
                "00002.86EUR",
                "4536",
                "",
            ),
            t(
                "",
                "1:04PM",
                "202",
                "05",
                "<DISA incoming>0612345678",
                "00:00'09",
                "",
                "",
                "",
            ),
            t(
                "*",
                "1:05PM",
                "C-05",
                "01",
                "0612345678",
                "00:00'08",
                "",
                "",
                "TR",
            ),
            t(
                "",
                "1:06PM",
                "203B",
                "01",
                "<incoming>0612345678",
                "00:00'30",
                "",
                "",
                "",
            ),
            t(
                "",
                "1:07PM",
                "204",
                "03",
                "<UCD waiting>",
                "00:00'41",
                "",
                "",
                "",
            ),
            t(
                "",
                "13:08",
                "203",
                "01",
                "F/0-123=456",
                "00:00'05",
                "",
                "01",
                "",
            ),
            // `*` as a token of its own before a right-aligned time.
            build(&[
                (0, "31/12/25"),
                (9, "*"),
                (11, "1:09PM"),
                (19, "203"),
                (23, "02"),
                (26, "<incoming>"),
                (51, "00:02'00"),
            ]),
        ];
        let got = run_stream(DateOrder::Dmy, &lines);
        let want = [
            "header Titles",
            "header Rule",
            "TES 2025-12-31 12:52 start outgoing ext=203 co=05 num=0123456789 dur=16 cost=2.86EUR",
            "TES 2025-12-31 12:53 start incoming ext=203 co=02 num= dur=103",
            "TES 2025-12-31 12:54 start incoming ext=201 co=02 num= dur=468 transferred",
            "TES 2025-12-31 13:04 start outgoing ext=203 co=06 num=092...1438 dur=6 cost=2.86EUR acc=4536",
            "TES 2025-12-31 13:04 start incoming ext=202 co=05 num=0612345678 dur=9",
            "TES 2025-12-31 13:05 start outgoing ext=C-05 co=01 num=0612345678 dur=8 cd=TR transferred",
            "TES 2025-12-31 13:06 start incoming ext=203B co=01 num=0612345678 dur=30",
            "TES 2025-12-31 13:07 start incoming ext=204 co=03 num= dur=41 warn='UCD waiting record: the duration is the time in the queue'",
            "TES 2025-12-31 13:08 start outgoing ext=203 co=01 num=F/0-123=456 dur=5 acc=01",
            "TES 2025-12-31 13:09 start incoming ext=203 co=02 num= dur=120 transferred",
        ];
        assert_eq!(got, want);
    }

    /// Without a TES title, a line without `*` is not known to be TES: it reads as TDA (end
    /// time, layout unknown); the `*` mark alone switches to TES, and a TDA position after it
    /// switches back (a replaced PBX).
    #[test]
    fn tes_is_remembered_from_the_mark_and_left_on_a_tda_position() {
        let plain = tes(
            "04/01/26",
            "",
            "09:15",
            "101",
            "01",
            "0212345678",
            "00:01'00",
            "",
            "",
            "",
        );
        let marked = tes(
            "04/01/26",
            "*",
            "09:20",
            "102",
            "01",
            "<incoming>",
            "00:02'00",
            "",
            "",
            "",
        );
        let b = "04/01/26 09:30    401 01 0364538740           00:00'40 EU00000.00";
        let got = run_stream(
            DateOrder::Dmy,
            &[plain.clone(), marked, plain.clone(), b.into(), plain],
        );
        assert_eq!(
            got,
            [
                "? 2026-01-04 09:15 outgoing ext=101 co=01 num=0212345678 dur=60",
                "TES 2026-01-04 09:20 start incoming ext=102 co=01 num= dur=120 transferred",
                "TES 2026-01-04 09:15 start outgoing ext=101 co=01 num=0212345678 dur=60",
                "B 2026-01-04 09:30 outgoing ext=401 co=01 num=0364538740 dur=40 cost=0.00EU",
                // Not placed by its columns: the remembered Pattern B, as for any TDA line.
                "B 2026-01-04 09:15 outgoing ext=101 co=01 num=0212345678 dur=60",
            ]
        );
        // The TDA titles (`Ext` without a period) do not announce TES.
        let mut p = Panasonic::new(DateOrder::Dmy);
        p.parse(TES_TITLES);
        assert!(p.tes);
        p.parse("  Date     Time    Ext CO        Dial Number        Ring Duration  Acc code  CD");
        assert!(!p.tes);
        assert_eq!(p.layout, Some(Layout::A));
    }

    /// KX-TD816 incoming-call event lines (panasonic.md §3, source 7: the manual's example,
    /// placed on Pattern A columns): RC at arrival, AN with the ring time, NA after ringing.
    #[test]
    fn td816_rc_an_na_event_lines() {
        let a =
            |time, dial, ring, cd| pattern_a("06/24/26", time, "103", "03", dial, ring, "", "", cd);
        let cases = [
            (
                "RC: received, number then name",
                a("10:03AM", "<I> 1234567890 MARY WARD", "", "RC"),
                "? 2026-06-24 10:03 incoming ext=103 co=03 num=1234567890 name='MARY WARD' cd=RC",
            ),
            (
                "AN: answered after 20 s of ringing",
                a("10:07AM", "<I> 09243121 TONY", "0'20", "AN"),
                "? 2026-06-24 10:07 incoming ext=103 co=03 num=09243121 name='TONY' ring=20 cd=AN",
            ),
            (
                "NA: nobody answered within 45 s",
                a("10:08AM", "<I> 1022220 TOM HUNKS", "0'45", "NA"),
                "? 2026-06-24 10:08 incoming ext=103 co=03 num=1022220 name='TOM HUNKS' ring=45 cd=NA unanswered",
            ),
            (
                "a CO line without duration and another code is still a cut line",
                a("10:08AM", "<I> 1022220", "0'45", "TR"),
                "reject no duration hh:mm'ss after the dial number on a CO line (cut line?)",
            ),
        ];
        run_table(DateOrder::Mdy, &cases);
    }

    /// KX-TD1232 condition codes (panasonic.md §3, source 6): D1–D4 DISA user codes, RM remote
    /// modem access; KX-NS1000 VR/VA (source 12). Known codes, no warning.
    #[test]
    fn td1232_and_ns_condition_codes() {
        for cd in ["D0", "D1", "D2", "D3", "D4", "RM", "RC", "AN", "VR", "VA"] {
            let line = pattern_a(
                "01/02/02",
                "10:03AM",
                "1200",
                "01",
                "<I>0612345678",
                "0'05",
                "00:01'05",
                "",
                cd,
            );
            let want = format!(
                "A 2002-02-01 10:03 incoming ext=1200 co=01 num=0612345678 ring=5 dur=65 cd={cd}"
            );
            assert_eq!(show(&Panasonic::new(DateOrder::Dmy).parse(&line)), want);
        }
    }

    /// Dial-number characters of outgoing calls (panasonic.md §3, sources 1, 3): `P` pause,
    /// `F` EFA, `=` host-PBX access code (ARS modified number), `.` secret dialling, `X`
    /// privacy: kept as printed.
    #[test]
    fn ars_and_dial_characters_kept_as_printed() {
        for dial in [
            "9=0612345678",
            "0P0612345678",
            "F0612345678",
            "061234....",
            "061234XX",
            "0=P123F4.X",
        ] {
            let line = pattern_a(
                "01/02/02", "10:03AM", "1200", "01", dial, "", "00:01'05", "", "",
            );
            let want = format!("A 2002-02-01 10:03 outgoing ext=1200 co=01 num={dial} dur=65");
            assert_eq!(
                show(&Panasonic::new(DateOrder::Dmy).parse(&line)),
                want,
                "{dial}"
            );
        }
    }

    /// Pattern A/C account codes and CD in their columns; Pattern B with both (sources 1, 2).
    #[test]
    fn account_code_and_cd_columns() {
        let cases = [
            (
                "A: account code and TR",
                pattern_a("01/02/02", "10:03AM", "1200", "01", "0612345678", "", "00:01'05", "12345", "TR"),
                "A 2002-02-01 10:03 outgoing ext=1200 co=01 num=0612345678 dur=65 acc=12345 cd=TR transferred",
            ),
            (
                "C: cost, account code and FW",
                pattern_c("01/02/02", "10:03AM", "1230", "0001", "0612345678", "", "00:00'05", "00001.20EUR", "777", "FW"),
                "C 2002-02-01 10:03 outgoing ext=1230 co=0001 num=0612345678 dur=5 cost=1.20EUR acc=777 cd=FW forwarded",
            ),
            (
                "B: cost, account code and NA",
                build(&[(0, "07/12/20"), (9, "11:00"), (18, "401"), (22, "05"), (25, "<I>234"), (46, "00:00'00"), (55, "EU00000.00"), (66, "4455"), (77, "NA")]),
                "B 2020-12-07 11:00 incoming ext=401 co=05 num=234 dur=0 cost=0.00EU acc=4455 cd=NA unanswered",
            ),
        ];
        run_table(DateOrder::Dmy, &cases);
    }

    /// Page furniture (panasonic.md §5): titles after a form feed, rules, `AT` modem strings,
    /// LOG IN/OUT and hospitality lines. Skip-perforation blank lines never reach a dialect
    /// (the framer counts them); given one, it is a reject, never a record.
    #[test]
    fn page_furniture_and_status_lines() {
        let a = |dial| pattern_a("01/02/02", "08:33AM", "1234", "", dial, "", "", "", "");
        let cases = [
            ("modem reset", s_("ATZ"), "header Other"),
            ("modem init", s_("AT&F0E0Q1V0"), "header Other"),
            ("bare AT", s_("AT"), "header Other"),
            (
                "modem result is not a command",
                s_("OK"),
                "reject line too short for a Panasonic record (2 chars)",
            ),
            ("LOG OUT", a("LOG OUT"), "header Other"),
            ("Check out", a("Check out"), "header Other"),
            (
                "Timed Reminder/Start",
                a("Timed Reminder/Start"),
                "header Other",
            ),
            (
                "skip-perforation blank",
                s_("        "),
                "reject blank line",
            ),
            ("form feed alone", s_("\x0c"), "reject blank line"),
            (
                "TES titles after a form feed",
                format!("\x0c{TES_TITLES}"),
                "header Titles",
            ),
        ];
        run_table(DateOrder::Dmy, &cases);
    }

    /// Character code ISO-8859-1 (panasonic.md §5, source 13): a caller name with `é` arrives
    /// as one byte 0xE9, not UTF-8. The framer's `decode` maps each byte to the same code
    /// point, so the name reads `Café` and the columns stay where they were.
    #[test]
    fn latin1_caller_name() {
        let utf8 = pattern_a(
            "01/02/02",
            "10:03AM",
            "1200",
            "01",
            "<I>Café Rome 0612345678",
            "0'05",
            "00:01'05",
            "",
            "",
        );
        let latin1: Vec<u8> = utf8
            .chars()
            .map(|ch| u8::try_from(u32::from(ch)).unwrap())
            .collect();
        assert!(
            std::str::from_utf8(&latin1).is_err(),
            "the line is not UTF-8"
        );
        let text = crate::core::framer::decode(&latin1);
        let got = show(&Panasonic::new(DateOrder::Dmy).parse(&text));
        assert_eq!(
            got,
            "A 2002-02-01 10:03 incoming ext=1200 co=01 num=0612345678 name='Café Rome' ring=5 dur=65"
        );
    }

    /// Date orders (panasonic.md §3: the order depends on the country setting) and 12/24 h.
    #[test]
    fn date_orders_and_clock_formats_on_every_pattern() {
        let cases: [(DateOrder, &str, &str, &str); 4] = [
            (DateOrder::Dmy, "25/12/26", "11:59PM", "2026-12-25 23:59"),
            (DateOrder::Mdy, "12/25/26", "12:00AM", "2026-12-25 00:00"),
            (DateOrder::Ymd, "26/12/25", "12:30PM", "2026-12-25 12:30"),
            (DateOrder::Dmy, "25/12/26", "23:59", "2026-12-25 23:59"),
        ];
        for (order, date, time, want) in cases {
            let a = pattern_a(date, time, "1200", "01", "0123", "", "00:00'05", "", "");
            let c = pattern_c(
                date, time, "1230", "0001", "0123", "", "00:00'05", "", "", "",
            );
            let t = tes(date, "", time, "203", "01", "0123", "00:00'05", "", "", "");
            for (line, layout) in [(a, "A"), (c, "C")] {
                let got = show(&Panasonic::new(order).parse(&line));
                assert!(
                    got.starts_with(&format!("{layout} {want} ")),
                    "{order:?} {line:?}: {got}"
                );
            }
            let mut p = Panasonic::new(order);
            p.parse(TES_TITLES);
            let got = show(&p.parse(&t));
            assert!(
                got.starts_with(&format!("TES {want} start ")),
                "{order:?} {t:?}: {got}"
            );
        }
    }

    #[test]
    fn costs() {
        let cases = [
            ("EU00000.00", true, Some(("0.00", "EU"))),
            ("00560.00EU", true, Some(("560.00", "EU"))),
            ("00560.00EUR", false, Some(("560.00", "EUR"))),
            ("$12.5", false, Some(("12.5", "$"))),
            ("00560", true, Some(("560", ""))),
            ("00560", false, None),
            ("D0", true, None),
            ("EU00000", false, None),
            ("EU.", false, None),
            ("EU1.0EU", false, None),
            ("1.2.3", false, None),
        ];
        for (text, col, want) in cases {
            let got = parse_cost(text, col);
            let got = got
                .as_ref()
                .map(|c| (c.amount.as_str(), c.currency.as_str()));
            assert_eq!(got, want, "{text}");
        }
    }

    /// Thousands of cut, mutated and random lines: parsing must never panic.
    #[test]
    fn never_panics() {
        let seeds: Vec<String> = vec![
            "04/12/20 17:18    401 01 <I>3488677149        00:00'12 EU00000.00               "
                .into(),
            "07/12/20 15:02    402 01 0376689064-          00:03'13 EU00000.00            TR "
                .into(),
            "07/12/20 11:22    401 05 <I>234               00:00'00 EU00000.00            NA "
                .into(),
            "07/12/20 14:53    402    EXT401                                                 "
                .into(),
            "\x0c  Date     Time   Ext CO Dial Number          Duration Cost       Acc code   CD "
                .into(),
            "-".repeat(80),
            pattern_a(
                "01/02/02",
                "01:07PM",
                "1234",
                "01",
                "<D>CDE9876<I>Q COMPANY",
                "0'05",
                "00:01'05",
                "9876543210",
                "TR",
            ),
            pattern_c(
                "01/02/02",
                "10:03AM",
                "1230",
                "0001",
                "<I>ABC COMPANY123456789012345",
                "5'15",
                "00:00'00",
                "00560.00EUR",
                "98765",
                "NA",
            ),
            "**/**/** **:**    401 05 <I>234               **:**'** EU00000.00            NA"
                .into(),
        ];
        let alphabet: Vec<char> = "0123456789/:'*<>IDEXTAPMN -.\t\x0c".chars().collect();
        let mut rng = fastrand::Rng::with_seed(0x5eed);
        let mut stateful = Panasonic::new(DateOrder::Dmy);
        let check = |line: &str, p: &mut Panasonic| {
            let got = p.parse(line);
            if let Parsed::Record { record, .. } = &got {
                assert_eq!(record.dialect, "panasonic");
                assert!(["", "A", "B", "C", TES].contains(&record.layout));
            }
            let _ = show(&got);
        };
        let mut n = 0;
        for seed in &seeds {
            let chars: Vec<char> = seed.chars().collect();
            for len in 0..=chars.len() {
                let cut: String = chars[..len].iter().collect();
                for order in [DateOrder::Dmy, DateOrder::Mdy, DateOrder::Ymd] {
                    check(&cut, &mut Panasonic::new(order));
                }
                check(&cut, &mut stateful);
                n += 1;
            }
        }
        for _ in 0..8000 {
            let mut chars: Vec<char> = seeds[rng.usize(..seeds.len())].chars().collect();
            for _ in 0..rng.usize(1..6) {
                let at = rng.usize(..=chars.len());
                match rng.u8(..5) {
                    0 => chars.insert(at, alphabet[rng.usize(..alphabet.len())]),
                    1 => chars.insert(at, rng.char(..)),
                    2 if at < chars.len() => {
                        chars.remove(at);
                    }
                    3 if at < chars.len() => chars[at] = rng.char(..),
                    _ => {
                        let end = rng.usize(at..=chars.len());
                        let dup: Vec<char> = chars[at..end].to_vec();
                        chars.splice(at..at, dup);
                    }
                }
            }
            let line: String = chars.into_iter().collect();
            check(&line, &mut stateful);
            check(&line, &mut Panasonic::new(DateOrder::Dmy));
            n += 1;
        }
        for _ in 0..3000 {
            let len = rng.usize(..200);
            let line: String = (0..len)
                .map(|_| {
                    if rng.bool() {
                        alphabet[rng.usize(..alphabet.len())]
                    } else {
                        rng.char(..)
                    }
                })
                .collect();
            check(&line, &mut stateful);
            n += 1;
        }
        assert!(n > 10_000, "{n} lines");
    }
}
