//! A generator of a realistic office day of Panasonic SMDR output, for `smdrbox simulate` and
//! for tests. Pure: a seed and a date in, printed lines out (no clock, no I/O).
//!
//! The office: a ring group of operators (default extensions 101..=105) answers incoming calls
//! on trunks 01..08; back-office staff (default 201..=208) take transferred calls, dial out and
//! call each other. The first staff extension (the "boss") forwards direct calls to a mobile.
//! The day has a busy morning (9-11), a lunch dip (operators lunch in two shifts), a smaller
//! afternoon peak, a few calls before opening and after closing that nobody answers, and
//! quiet weekends. Lost callers either try again or are called back by an operator, which is
//! what the box's analytics measure.
//!
//! Printing follows the Panasonic TDA/TDE/NCP/NS Patterns (see `shared/formats/panasonic.md`):
//! one line per call leg, printed when the leg **ends**, stamped with the end time.
//!
//! Width policy: every record line is padded with blanks to the full width (80 columns for
//! Patterns A and B, 120 for C), as in the real Pattern B capture. The title line of a page
//! header is a form feed (0x0C) followed by a full-width title, so it is one byte longer; the
//! rule under it is exactly the width.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use chrono::{Datelike, NaiveDate, Weekday};

use crate::core::dialect::DateOrder;

pub use crate::core::dialect::panasonic::Layout;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct DayOptions {
    pub date: NaiveDate,
    pub seed: u64,
    pub layout: Layout,
    /// Records per page before the title and rule are printed again; 0 = no headers at all.
    pub page_length: usize,
    /// Print `10:03AM` instead of `10:03  `.
    pub twelve_hour: bool,
    pub date_order: DateOrder,
    /// The ring group that answers incoming calls (default 101..=105).
    pub operators: Vec<String>,
    /// Back-office extensions: transfer targets, outgoing and intercom callers (default
    /// 201..=208). The first one forwards direct calls to a mobile.
    pub staff: Vec<String>,
    /// Trunks (CO lines) numbered 1..=trunks (default 8).
    pub trunks: u16,
    /// 1.0 = a small office, about 150-250 incoming calls on a weekday.
    pub calls_scale: f64,
}

impl DayOptions {
    /// Defaults: Pattern B like the real capture, a header every 64 records, 24-hour clock,
    /// DD/MM/YY, operators 101..=105, staff 201..=208, 8 trunks, scale 1.0.
    pub fn new(date: NaiveDate, seed: u64) -> Self {
        DayOptions {
            date,
            seed,
            layout: Layout::B,
            page_length: 64,
            twelve_hour: false,
            date_order: DateOrder::Dmy,
            operators: (101..=105).map(|e| e.to_string()).collect(),
            staff: (201..=208).map(|e| e.to_string()).collect(),
            trunks: 8,
            calls_scale: 1.0,
        }
    }
}

/// One printed line and when the PBX prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimLine {
    /// Seconds since midnight at which the PBX prints the line (the leg's end time).
    pub at_secs: u32,
    /// The line without terminator.
    pub text: String,
}

/// The fields of one SMDR line, independent of the layout (a layout ignores what it has no
/// column for: Pattern B has no Ring, Pattern A no Cost).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    pub date: NaiveDate,
    /// Seconds since midnight; printed as hour and minute (the call's end).
    pub time_secs: u32,
    pub ext: String,
    /// Trunk number; `None` (blank) on intercom lines.
    pub co: Option<u16>,
    /// Dial Number column as printed: `<I>0364538740`, `<I>`, `0376689064-`, `EXT202`.
    pub dial: String,
    /// Ring seconds (Patterns A and C); `None` = blank.
    pub ring_secs: Option<u32>,
    /// Talk seconds; `None` = blank (intercom lines).
    pub duration_secs: Option<u32>,
    /// Charge in euro cents (Patterns B and C); `None` = blank.
    pub cost_cents: Option<u32>,
    pub account: Option<String>,
    /// Condition code (`NA`, `TR`, `FW`); empty = blank.
    pub condition: String,
}

/// What a generated line stands for (the generator's ground truth, for tests and analytics).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// Incoming call answered by an operator and finished there.
    Answered,
    /// Operator leg of an incoming call the operator then transferred (no condition code).
    AnsweredBeforeTransfer,
    /// Leg at the extension that received a transferred incoming call (`TR`).
    TransferredIn,
    /// Incoming call nobody answered: one line per ringing extension (`NA`).
    Lost,
    /// Incoming leg of a call forwarded to an outside number.
    ForwardedIn,
    /// Outgoing leg of a forwarded call (`FW`).
    ForwardedOut,
    /// Ordinary outgoing call.
    Outgoing,
    /// Outgoing call by an operator to the number of a lost call.
    Callback,
    /// Operator leg of an outgoing call that was then transferred to a colleague.
    OutgoingBeforeTransfer,
    /// Colleague's leg of a transferred outgoing call (number ending in `-`, `TR`).
    OutgoingTransferred,
    /// Extension to extension (`EXTnnn`), including transfer consultations.
    Intercom,
}

/// One generated record line with its ground truth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenRecord {
    /// When it is printed (= `fields.time_secs`).
    pub at_secs: u32,
    /// Lines of the same call (legs, NA lines of one ringing) share this number.
    pub call: u32,
    pub kind: LineKind,
    /// Incoming: the caller's number (`None` = no CLI); outgoing: the dialled number.
    pub number: Option<String>,
    pub fields: Fields,
}

/// The printed page header: the title line (starting with a form feed) and the rule.
pub fn header_lines(layout: Layout) -> [String; 2] {
    let title = match layout {
        // Exactly as in the real capture (after the form feed).
        Layout::B => {
            "  Date     Time   Ext CO Dial Number          Duration Cost       Acc code   CD "
                .to_string()
        }
        // As reconstructed by the Pattern A emulators/parsers (panasonic.md §5).
        Layout::A => {
            "  Date     Time    Ext CO        Dial Number        Ring Duration  Acc code  CD"
                .to_string()
        }
        // No real capture: titles placed over their columns, as Pattern B does.
        Layout::C => {
            let mut buf = vec![b' '; 120];
            for (col, word) in [
                (2, "Date"),
                (11, "Time"),
                (19, "Ext"),
                (23, "CO"),
                (28, "Dial Number"),
                (79, "Ring"),
                (84, "Duration"),
                (93, "Cost"),
                (105, "Acc code"),
                (116, "CD"),
            ] {
                buf[col..col + word.len()].copy_from_slice(word.as_bytes());
            }
            String::from_utf8_lossy(&buf).into_owned()
        }
    };
    let width = layout.width();
    [format!("\x0c{title:<width$}"), "-".repeat(width)]
}

/// Column map of one layout: (start, width) of each field, 0-based.
struct Columns {
    date: (usize, usize),
    time: (usize, usize),
    ext: (usize, usize),
    co: (usize, usize),
    dial: (usize, usize),
    ring: Option<(usize, usize)>,
    duration: (usize, usize),
    cost: Option<(usize, usize)>,
    acc: (usize, usize),
    cd: (usize, usize),
}

fn columns(layout: Layout) -> Columns {
    match layout {
        Layout::A => Columns {
            date: (0, 8),
            time: (9, 7),
            ext: (17, 5),
            co: (23, 2),
            dial: (26, 25),
            ring: Some((52, 4)),
            duration: (57, 8),
            cost: None,
            acc: (66, 10),
            cd: (77, 2),
        },
        Layout::B => Columns {
            date: (0, 8),
            time: (9, 7),
            ext: (16, 5),
            co: (22, 2),
            dial: (25, 20),
            ring: None,
            duration: (46, 8),
            cost: Some((55, 10)),
            acc: (66, 10),
            cd: (77, 3),
        },
        Layout::C => Columns {
            date: (0, 8),
            time: (9, 7),
            ext: (17, 5),
            co: (23, 4),
            dial: (28, 50),
            ring: Some((79, 4)),
            duration: (84, 8),
            cost: Some((93, 11)),
            acc: (105, 10),
            cd: (116, 3),
        },
    }
}

/// Writes `s` into `buf` at `col`, cut to `width`, left- or right-aligned.
fn put(buf: &mut [u8], (col, width): (usize, usize), s: &str, right: bool) {
    let s: Vec<u8> = s
        .bytes()
        .filter(|b| b.is_ascii() && !b.is_ascii_control())
        .collect();
    let s = &s[..s.len().min(width)];
    let start = if right { col + width - s.len() } else { col };
    buf[start..start + s.len()].copy_from_slice(s);
}

fn fmt_date(date: NaiveDate, order: DateOrder) -> String {
    let (d, m, y) = (date.day(), date.month(), date.year().rem_euclid(100));
    match order {
        DateOrder::Dmy => format!("{d:02}/{m:02}/{y:02}"),
        DateOrder::Mdy => format!("{m:02}/{d:02}/{y:02}"),
        DateOrder::Ymd => format!("{y:02}/{m:02}/{d:02}"),
    }
}

fn fmt_time(secs: u32, twelve_hour: bool) -> String {
    let (h, m) = ((secs / 3600) % 24, (secs / 60) % 60);
    if twelve_hour {
        let (h12, ampm) = match h {
            0 => (12, "AM"),
            1..=11 => (h, "AM"),
            12 => (12, "PM"),
            _ => (h - 12, "PM"),
        };
        format!("{h12:02}:{m:02}{ampm}")
    } else {
        format!("{h:02}:{m:02}")
    }
}

fn fmt_duration(secs: u32) -> String {
    let h = (secs / 3600).min(99);
    format!("{h:02}:{:02}'{:02}", (secs / 60) % 60, secs % 60)
}

fn fmt_ring(secs: u32) -> String {
    let secs = secs.min(9 * 60 + 59);
    format!("{}'{:02}", secs / 60, secs % 60)
}

fn fmt_co(co: u16, layout: Layout) -> String {
    match layout {
        // Patterns A/B print `00` for trunks above 99 (panasonic.md §2).
        Layout::A | Layout::B if co > 99 => "00".to_string(),
        Layout::A | Layout::B => format!("{co:02}"),
        Layout::C => format!("{co:04}"),
    }
}

/// Pattern B: `EU00000.00` (currency first, as in the real capture, 10 chars). Pattern C:
/// `EUR00000.00` (11 chars; no real capture: currency first as in Pattern B, 3 letters as in
/// the manual's `00560.00EUR`).
fn fmt_cost(cents: u32, layout: Layout) -> String {
    let (units, cents) = ((cents / 100).min(99_999), cents % 100);
    match layout {
        Layout::C => format!("EUR{units:05}.{cents:02}"),
        _ => format!("EU{units:05}.{cents:02}"),
    }
}

/// One Panasonic line at the exact columns of `layout`, padded with blanks to the full width.
pub fn format_record(
    layout: Layout,
    fields: &Fields,
    twelve_hour: bool,
    date_order: DateOrder,
) -> String {
    let c = columns(layout);
    let mut buf = vec![b' '; layout.width()];
    put(&mut buf, c.date, &fmt_date(fields.date, date_order), false);
    put(
        &mut buf,
        c.time,
        &fmt_time(fields.time_secs, twelve_hour),
        false,
    );
    put(&mut buf, c.ext, &fields.ext, true);
    if let Some(co) = fields.co {
        put(&mut buf, c.co, &fmt_co(co, layout), false);
    }
    put(&mut buf, c.dial, &fields.dial, false);
    if let (Some(col), Some(ring)) = (c.ring, fields.ring_secs) {
        put(&mut buf, col, &fmt_ring(ring), false);
    }
    if let Some(d) = fields.duration_secs {
        put(&mut buf, c.duration, &fmt_duration(d), false);
    }
    if let (Some(col), Some(cost)) = (c.cost, fields.cost_cents) {
        put(&mut buf, col, &fmt_cost(cost, layout), false);
    }
    if let Some(acc) = &fields.account {
        put(&mut buf, c.acc, acc, false);
    }
    put(&mut buf, c.cd, &fields.condition, false);
    String::from_utf8_lossy(&buf).into_owned()
}

/// The printed day: record lines sorted by print time, with page headers at the start and
/// every `page_length` records (a header takes the print time of the record that follows it).
pub fn office_day(opts: &DayOptions) -> Vec<SimLine> {
    let records = generate(opts);
    let [title, rule] = header_lines(opts.layout);
    let mut out = Vec::with_capacity(records.len() + 8);
    for (i, r) in records.iter().enumerate() {
        if opts.page_length > 0 && i % opts.page_length == 0 {
            out.push(SimLine {
                at_secs: r.at_secs,
                text: title.clone(),
            });
            out.push(SimLine {
                at_secs: r.at_secs,
                text: rule.clone(),
            });
        }
        out.push(SimLine {
            at_secs: r.at_secs,
            text: format_record(opts.layout, &r.fields, opts.twelve_hour, opts.date_order),
        });
    }
    if records.is_empty() && opts.page_length > 0 {
        out.push(SimLine {
            at_secs: 0,
            text: title,
        });
        out.push(SimLine {
            at_secs: 0,
            text: rule,
        });
    }
    out
}

/// The day's record lines with their ground truth, sorted by print time (ties keep the order
/// the PBX would print them in). Deterministic for `(seed, date)`; the pool of repeat callers
/// depends on the seed only, so the same customers call on every day of one seed.
pub fn generate(opts: &DayOptions) -> Vec<GenRecord> {
    let mut sim = Sim::new(opts);
    sim.seed_arrivals();
    sim.run();
    let mut out = sim.out;
    // Stable sort: legs of one moment stay in generation order (e.g. the consultation
    // `EXTnnn` line before the operator's leg, as in the capture).
    out.sort_by_key(|r| r.at_secs);
    out
}

// ---------------------------------------------------------------------------------------------
// The simulation.

const MIN: u32 = 60;
const HOUR: u32 = 3600;
const DAY: u32 = 24 * HOUR;

const fn hm(h: u32, m: u32) -> u32 {
    h * HOUR + m * MIN
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DayType {
    Weekday,
    Saturday,
    Sunday,
}

#[derive(Debug, Clone)]
enum Event {
    Incoming {
        number: Option<String>,
        retries: u8,
        direct: bool,
    },
    Outgoing {
        ext: usize,
        number: String,
        attempts: u8,
    },
    Callback {
        number: String,
        attempts: u8,
    },
    Intercom {
        from: usize,
    },
}

/// Called numbers' kinds, for cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumKind {
    Landline,
    Mobile,
    International,
    TollFree,
}

fn num_kind(n: &str) -> NumKind {
    if n.starts_with("00") {
        NumKind::International
    } else if n.starts_with('3') {
        NumKind::Mobile
    } else if n.starts_with("800") || n.starts_with("803") {
        NumKind::TollFree
    } else {
        NumKind::Landline
    }
}

const AREA_CODES: &[&str] = &[
    "02", "06", "011", "030", "035", "0364", "0376", "045", "051", "055", "0341", "0365",
];
const MOBILE_PREFIXES: &[&str] = &[
    "320", "328", "329", "331", "333", "335", "338", "339", "340", "345", "347", "348", "349",
    "366", "380", "388", "392",
];
const COUNTRY_CODES: &[(&str, usize)] = &[
    ("0044", 10),
    ("0049", 10),
    ("0033", 9),
    ("0041", 9),
    ("0034", 9),
    ("0043", 10),
];
const ACCOUNT_CODES: &[&str] = &["1001", "1002", "2050", "4711", "7300", "88"];

fn digits(rng: &mut fastrand::Rng, n: usize) -> String {
    (0..n).map(|_| rng.digit(10)).collect()
}

fn landline(rng: &mut fastrand::Rng) -> String {
    let area = AREA_CODES[rng.usize(..AREA_CODES.len())];
    // Italian geographic numbers: 6 to 11 digits in all; mostly 9-10.
    let total = rng.usize(9..=10);
    let mut n = area.to_string();
    n.push(rng.char('1'..='9'));
    n + &digits(rng, total.saturating_sub(area.len() + 1))
}

fn mobile(rng: &mut fastrand::Rng) -> String {
    MOBILE_PREFIXES[rng.usize(..MOBILE_PREFIXES.len())].to_string() + &digits(rng, 7)
}

fn international(rng: &mut fastrand::Rng) -> String {
    let (cc, len) = COUNTRY_CODES[rng.usize(..COUNTRY_CODES.len())];
    let mut n = cc.to_string();
    n.push(rng.char('1'..='9'));
    n + &digits(rng, len - 1)
}

/// A number a caller might have: mostly national landlines and mobiles, a few from abroad.
fn caller_number(rng: &mut fastrand::Rng) -> String {
    match rng.u32(0..100) {
        0..=47 => landline(rng),
        48..=94 => mobile(rng),
        _ => international(rng),
    }
}

/// A number the office dials: landlines, mobiles, a few long-distance, a few toll-free.
fn dialled_number(rng: &mut fastrand::Rng) -> String {
    match rng.u32(0..100) {
        0..=44 => landline(rng),
        45..=88 => mobile(rng),
        89..=94 => international(rng),
        _ => format!("800{}", digits(rng, 6)),
    }
}

/// A standard normal deviate (Box-Muller).
fn normal(rng: &mut fastrand::Rng) -> f64 {
    let u1 = 1.0 - rng.f64(); // (0, 1]
    let u2 = rng.f64();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn lognormal(rng: &mut fastrand::Rng, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

/// Poisson deviate (Knuth; fine for the small means used per minute).
fn poisson(rng: &mut fastrand::Rng, mean: f64) -> u32 {
    if mean <= 0.0 {
        return 0;
    }
    if mean > 30.0 {
        // Normal approximation: Knuth's product would underflow.
        return (mean + mean.sqrt() * normal(rng)).round().max(0.0) as u32;
    }
    let limit = (-mean).exp();
    let mut k = 0;
    let mut p = rng.f64();
    while p > limit && k < 1000 {
        k += 1;
        p *= rng.f64();
    }
    k
}

/// Relative arrival intensity of incoming calls at second `t` of the day.
fn incoming_weight(day: DayType, t: u32) -> f64 {
    match day {
        DayType::Weekday => match t {
            _ if t < hm(7, 30) => 0.0,
            _ if t < hm(8, 0) => 0.15,
            _ if t < hm(8, 30) => 0.6,
            _ if t < hm(9, 0) => 1.5,
            _ if t < hm(10, 0) => 3.0,
            _ if t < hm(10, 30) => 3.4,
            _ if t < hm(11, 0) => 3.0,
            _ if t < hm(12, 0) => 2.3,
            _ if t < hm(12, 30) => 1.4,
            _ if t < hm(14, 0) => 0.6,
            _ if t < hm(14, 30) => 1.3,
            _ if t < hm(16, 0) => 2.0,
            _ if t < hm(17, 0) => 1.4,
            _ if t < hm(18, 0) => 0.9,
            _ if t < hm(19, 0) => 0.25,
            _ if t < hm(20, 0) => 0.08,
            _ => 0.0,
        },
        DayType::Saturday => match t {
            _ if t < hm(8, 30) => 0.0,
            _ if t < hm(9, 0) => 0.4,
            _ if t < hm(12, 30) => 1.0,
            _ if t < hm(17, 0) => 0.25,
            _ => 0.0,
        },
        DayType::Sunday => match t {
            _ if t < hm(9, 30) => 0.0,
            _ if t < hm(18, 0) => 0.3,
            _ => 0.0,
        },
    }
}

fn outgoing_weight(day: DayType, t: u32) -> f64 {
    match day {
        DayType::Weekday => match t {
            _ if t < hm(8, 35) => 0.0,
            _ if t < hm(9, 0) => 1.0,
            _ if t < hm(12, 0) => 2.0,
            _ if t < hm(12, 30) => 1.2,
            _ if t < hm(14, 0) => 0.3,
            _ if t < hm(17, 30) => 1.8,
            _ if t < hm(17, 55) => 1.0,
            _ => 0.0,
        },
        DayType::Saturday => match t {
            _ if t < hm(9, 5) => 0.0,
            _ if t < hm(12, 20) => 1.0,
            _ => 0.0,
        },
        DayType::Sunday => 0.0,
    }
}

fn intercom_weight(day: DayType, t: u32) -> f64 {
    match day {
        DayType::Weekday => match t {
            _ if t < hm(8, 35) => 0.0,
            _ if t < hm(12, 30) => 1.0,
            _ if t < hm(14, 0) => 0.3,
            _ if t < hm(17, 55) => 1.0,
            _ => 0.0,
        },
        _ => 0.0,
    }
}

/// Expected calls per day at scale 1.0: (incoming, outgoing, intercom).
fn daily_targets(day: DayType) -> (f64, f64, f64) {
    match day {
        DayType::Weekday => (180.0, 105.0, 40.0),
        DayType::Saturday => (18.0, 4.0, 0.0),
        DayType::Sunday => (6.0, 0.0, 0.0),
    }
}

struct Sim<'a> {
    opts: &'a DayOptions,
    day: DayType,
    rng: fastrand::Rng,
    /// Operators first, then staff.
    exts: Vec<String>,
    n_ops: usize,
    ext_busy: Vec<u32>,
    trunk_busy: Vec<u32>,
    /// Repeat callers with Zipf-like weights (cumulative).
    pool: Vec<String>,
    pool_cum: Vec<f64>,
    boss_mobile: String,
    heap: BinaryHeap<Reverse<(u32, u64)>>,
    events: Vec<Event>,
    out: Vec<GenRecord>,
    next_call: u32,
}

impl<'a> Sim<'a> {
    fn new(opts: &'a DayOptions) -> Self {
        let day = match opts.date.weekday() {
            Weekday::Sat => DayType::Saturday,
            Weekday::Sun => DayType::Sunday,
            _ => DayType::Weekday,
        };
        // Customers depend on the seed only, so they recur across the days of one seed.
        let mut pool_rng = fastrand::Rng::with_seed(opts.seed ^ 0x5eed_c0ffee);
        let pool: Vec<String> = (0..150).map(|_| caller_number(&mut pool_rng)).collect();
        let mut acc = 0.0;
        let pool_cum = (0..pool.len())
            .map(|k| {
                acc += 1.0 / (k as f64 + 8.0);
                acc
            })
            .collect();
        let boss_mobile = mobile(&mut pool_rng);
        let day_key = opts.date.num_days_from_ce() as u64;
        let rng = fastrand::Rng::with_seed(
            opts.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
                ^ day_key.wrapping_mul(0xD1B5_4A32_D192_ED03),
        );
        let mut exts = opts.operators.clone();
        exts.extend(opts.staff.iter().cloned());
        Sim {
            opts,
            day,
            rng,
            ext_busy: vec![0; exts.len()],
            n_ops: opts.operators.len(),
            exts,
            trunk_busy: vec![0; opts.trunks as usize],
            pool,
            pool_cum,
            boss_mobile,
            heap: BinaryHeap::new(),
            events: Vec::new(),
            out: Vec::new(),
            next_call: 1,
        }
    }

    fn push(&mut self, at: u32, ev: Event) {
        if at >= DAY {
            return;
        }
        let seq = self.events.len() as u64;
        self.events.push(ev);
        self.heap.push(Reverse((at, seq)));
    }

    fn staff_range(&self) -> std::ops::Range<usize> {
        self.n_ops..self.exts.len()
    }

    fn op_present(&self, op: usize, t: u32) -> bool {
        match self.day {
            DayType::Weekday => {
                // Lunch in two shifts so the group is never empty (with two or more operators).
                let lunch = hm(12, 30) + (op as u32 % 2) * HOUR;
                (hm(8, 30)..hm(18, 0)).contains(&t) && !(lunch..lunch + HOUR).contains(&t)
            }
            DayType::Saturday => op == 0 && (hm(9, 0)..hm(12, 30)).contains(&t),
            DayType::Sunday => false,
        }
    }

    fn staff_present(&self, t: u32) -> bool {
        self.day == DayType::Weekday && (hm(8, 30)..hm(18, 0)).contains(&t)
    }

    fn pool_number(&mut self) -> String {
        let total = self.pool_cum.last().copied().unwrap_or(0.0);
        let x = self.rng.f64() * total;
        let i = self
            .pool_cum
            .partition_point(|&c| c < x)
            .min(self.pool.len().saturating_sub(1));
        self.pool.get(i).cloned().unwrap_or_default()
    }

    /// Spreads the day's first attempts over the minutes by the day profile (Poisson).
    fn seed_arrivals(&mut self) {
        let (inc, out, icm) = daily_targets(self.day);
        let scale = self.opts.calls_scale.max(0.0);
        type Weight = fn(DayType, u32) -> f64;
        let profiles: [(f64, Weight); 3] = [
            (inc, incoming_weight),
            (out, outgoing_weight),
            (icm, intercom_weight),
        ];
        for (which, (target, weight)) in profiles.into_iter().enumerate() {
            let sum: f64 = (0..DAY / MIN).map(|m| weight(self.day, m * MIN)).sum();
            if sum <= 0.0 || target <= 0.0 {
                continue;
            }
            for m in 0..DAY / MIN {
                let mean = target * scale * weight(self.day, m * MIN) / sum;
                for _ in 0..poisson(&mut self.rng, mean) {
                    let at = m * MIN + self.rng.u32(0..MIN);
                    let ev = match which {
                        0 => self.new_incoming(),
                        1 => self.new_outgoing(at),
                        _ => Event::Intercom {
                            from: self.rng.usize(..self.exts.len().max(1)),
                        },
                    };
                    if let Some(ev) = ev_if_possible(ev, self.exts.len()) {
                        self.push(at, ev);
                    }
                }
            }
        }
    }

    fn new_incoming(&mut self) -> Event {
        let r = self.rng.u32(0..100);
        let direct = !self.opts.staff.is_empty() && self.rng.u32(0..100) < 4;
        let number = match r {
            0..=44 => Some(self.pool_number()),
            45..=92 => Some(caller_number(&mut self.rng)),
            _ => None,
        };
        Event::Incoming {
            number,
            retries: 0,
            direct,
        }
    }

    fn new_outgoing(&mut self, at: u32) -> Event {
        // Operators make about 40% of the outgoing calls, staff the rest; on Saturday only
        // the operator on duty.
        let ext = if self.day == DayType::Weekday
            && !self.opts.staff.is_empty()
            && self.rng.u32(0..100) >= 40
        {
            self.rng.usize(self.staff_range())
        } else {
            let present: Vec<usize> = (0..self.n_ops)
                .filter(|&o| self.op_present(o, at))
                .collect();
            self.rng.choice(present).unwrap_or(0)
        };
        let number = if self.rng.u32(0..100) < 30 {
            self.pool_number()
        } else {
            dialled_number(&mut self.rng)
        };
        Event::Outgoing {
            ext,
            number,
            attempts: 0,
        }
    }

    fn run(&mut self) {
        while let Some(Reverse((at, seq))) = self.heap.pop() {
            let ev = self.events[seq as usize].clone();
            match ev {
                Event::Incoming {
                    number,
                    retries,
                    direct,
                } => self.incoming(at, number, retries, direct),
                Event::Outgoing {
                    ext,
                    number,
                    attempts,
                } => self.outgoing(at, ext, number, attempts),
                Event::Callback { number, attempts } => self.callback(at, number, attempts),
                Event::Intercom { from } => self.intercom(at, from),
            }
        }
    }

    fn new_call(&mut self) -> u32 {
        let c = self.next_call;
        self.next_call += 1;
        c
    }

    fn free_trunk(&self, t: u32, lowest_first: bool) -> Option<usize> {
        let free = |&i: &usize| self.trunk_busy[i] <= t;
        if lowest_first {
            (0..self.trunk_busy.len()).find(free)
        } else {
            (0..self.trunk_busy.len()).rev().find(free)
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn emit(
        &mut self,
        call: u32,
        kind: LineKind,
        number: Option<&str>,
        end: u32,
        ext: usize,
        co: Option<usize>,
        dial: String,
        ring: Option<u32>,
        duration: Option<u32>,
        cost: Option<u32>,
        account: Option<String>,
        condition: &str,
    ) {
        if end >= DAY {
            // Printed after midnight: belongs to the next day's log.
            return;
        }
        self.out.push(GenRecord {
            at_secs: end,
            call,
            kind,
            number: number.map(str::to_string),
            fields: Fields {
                date: self.opts.date,
                time_secs: end,
                ext: self.exts[ext].clone(),
                co: co.map(|c| c as u16 + 1),
                dial,
                ring_secs: ring,
                duration_secs: duration,
                cost_cents: cost,
                account,
                condition: condition.to_string(),
            },
        });
    }

    /// Talk time of an answered incoming call: median ~1.5 min, 20 s to 10 min, rarely longer.
    fn incoming_talk(&mut self) -> u32 {
        if self.rng.u32(0..1000) < 15 {
            return self.rng.u32(600..1800);
        }
        (lognormal(&mut self.rng, 95.0, 0.85) as u32).clamp(20, 600)
    }

    fn outgoing_talk(&mut self) -> u32 {
        (lognormal(&mut self.rng, 85.0, 1.0) as u32).clamp(8, 1500)
    }

    /// Seconds until a free operator picks up: mostly quick, sometimes they are slow.
    fn answer_delay(&mut self) -> u32 {
        if self.rng.u32(0..100) < 80 {
            2 + self.rng.u32(0..=8) + self.rng.u32(0..=8)
        } else {
            self.rng.u32(12..=75)
        }
    }

    fn cost(&mut self, number: &str, secs: u32) -> u32 {
        if secs == 0 {
            return 0;
        }
        let minutes = secs.div_ceil(60);
        match num_kind(number) {
            NumKind::TollFree => 0,
            // Most landline calls are in a flat-rate plan.
            NumKind::Landline if self.rng.u32(0..100) < 60 => 0,
            NumKind::Landline => 6 + 2 * minutes,
            NumKind::Mobile => 5 + 12 * minutes,
            NumKind::International => 10 + 30 * minutes,
        }
    }

    fn incoming(&mut self, t: u32, number: Option<String>, retries: u8, direct: bool) {
        let Some(trunk) = self.free_trunk(t, true) else {
            // All lines busy: the carrier refuses the call, nothing is printed. The caller
            // may try again.
            if self.rng.bool() {
                let at = t + self.rng.u32(60..600);
                self.push(
                    at,
                    Event::Incoming {
                        number,
                        retries: retries + 1,
                        direct,
                    },
                );
            }
            return;
        };
        let dial = format!("<I>{}", number.as_deref().unwrap_or(""));
        let call = self.new_call();

        // A direct call for the boss, who forwards to a mobile when out (most of the day).
        if direct && !self.opts.staff.is_empty() {
            if let Some(out_trunk) = (0..self.trunk_busy.len())
                .rev()
                .find(|&i| i != trunk && self.trunk_busy[i] <= t)
            {
                let boss = self.n_ops;
                let ring = self.rng.u32(4..=20);
                let talk = self.incoming_talk();
                let end = t + ring + talk;
                self.trunk_busy[trunk] = end;
                self.trunk_busy[out_trunk] = end;
                let mobile = self.boss_mobile.clone();
                let cost = self.cost(&mobile, talk);
                self.emit(
                    call,
                    LineKind::ForwardedIn,
                    number.as_deref(),
                    end,
                    boss,
                    Some(trunk),
                    dial,
                    Some(ring),
                    Some(talk),
                    Some(0),
                    None,
                    "",
                );
                self.emit(
                    call,
                    LineKind::ForwardedOut,
                    Some(&mobile),
                    end,
                    boss,
                    Some(out_trunk),
                    mobile.clone(),
                    None,
                    Some(talk),
                    Some(cost),
                    None,
                    "FW",
                );
                return;
            }
        }

        let patience = self.rng.u32(10..=60);
        let present: Vec<usize> = (0..self.n_ops).filter(|&o| self.op_present(o, t)).collect();
        let free: Vec<usize> = present
            .iter()
            .copied()
            .filter(|&o| self.ext_busy[o] <= t)
            .collect();
        let delay = self.answer_delay();
        // (ringing extensions, answering operator and answer time if any)
        let first_free = |set: &[usize]| set.iter().copied().min_by_key(|&o| (self.ext_busy[o], o));
        // (ringing extensions, answering operator and answer time if any)
        let (ringing, answer): (Vec<usize>, Option<(usize, u32)>) =
            match (first_free(&free), first_free(&present)) {
                // Longest-idle operator picks up.
                (Some(op), _) => (free, Some((op, t + delay))),
                // All busy: call waiting on every present phone; the first to hang up takes it.
                (None, Some(op)) => {
                    let at = self.ext_busy[op] + delay;
                    (present, Some((op, at)))
                }
                // Nobody in: the phones ring in an empty office.
                (None, None) => ((0..self.n_ops).collect(), None),
            };
        match answer {
            Some((op, at)) if at - t <= patience => {
                let ring = at - t;
                let transfer = if self.rng.u32(0..100) < 14 {
                    self.pick_transfer(at)
                } else {
                    None
                };
                if let Some((staff, t1, consult)) = transfer {
                    let t_tr = at + t1 + consult;
                    let ring2 = self.rng.u32(2..=10);
                    let talk2 = self.incoming_talk();
                    let end = t_tr + ring2 + talk2;
                    self.ext_busy[op] = t_tr + self.rng.u32(0..=20);
                    self.ext_busy[staff] = end;
                    self.trunk_busy[trunk] = end;
                    let ext_dial = format!("EXT{}", self.exts[staff]);
                    self.emit(
                        call,
                        LineKind::Intercom,
                        Some(&self.exts[staff].clone()),
                        t_tr,
                        op,
                        None,
                        ext_dial,
                        None,
                        None,
                        None,
                        None,
                        "",
                    );
                    self.emit(
                        call,
                        LineKind::AnsweredBeforeTransfer,
                        number.as_deref(),
                        t_tr,
                        op,
                        Some(trunk),
                        dial.clone(),
                        Some(ring),
                        Some(t1 + consult),
                        Some(0),
                        None,
                        "",
                    );
                    self.emit(
                        call,
                        LineKind::TransferredIn,
                        number.as_deref(),
                        end,
                        staff,
                        Some(trunk),
                        dial,
                        Some(ring2),
                        Some(talk2),
                        Some(0),
                        None,
                        "TR",
                    );
                } else {
                    let talk = self.incoming_talk();
                    let end = at + talk;
                    self.ext_busy[op] = end + self.rng.u32(0..=20);
                    self.trunk_busy[trunk] = end;
                    self.emit(
                        call,
                        LineKind::Answered,
                        number.as_deref(),
                        end,
                        op,
                        Some(trunk),
                        dial,
                        Some(ring),
                        Some(talk),
                        Some(0),
                        None,
                        "",
                    );
                }
            }
            _ => {
                let end = t + patience;
                self.trunk_busy[trunk] = end;
                for ext in ringing {
                    self.emit(
                        call,
                        LineKind::Lost,
                        number.as_deref(),
                        end,
                        ext,
                        Some(trunk),
                        dial.clone(),
                        Some(patience),
                        Some(0),
                        Some(0),
                        None,
                        "NA",
                    );
                }
                self.after_lost(end, number, retries);
            }
        }
    }

    /// A colleague to hand an answered call to: (staff, talk before, consultation).
    fn pick_transfer(&mut self, answered_at: u32) -> Option<(usize, u32, u32)> {
        let t1 = self.rng.u32(10..=50);
        let consult = self.rng.u32(5..=25);
        let t_tr = answered_at + t1 + consult;
        let cands: Vec<usize> = self
            .staff_range()
            .filter(|&s| self.staff_present(t_tr) && self.ext_busy[s] <= answered_at + t1)
            .collect();
        self.rng.choice(cands).map(|s| (s, t1, consult))
    }

    /// A lost caller tries again, or an operator calls back later, or nothing happens.
    fn after_lost(&mut self, end: u32, number: Option<String>, retries: u8) {
        let r = self.rng.u32(0..100);
        if r < 30 && retries < 2 {
            let at = end + (lognormal(&mut self.rng, 240.0, 0.7) as u32).clamp(45, 1800);
            self.push(
                at,
                Event::Incoming {
                    number,
                    retries: retries + 1,
                    direct: false,
                },
            );
            return;
        }
        let Some(number) = number else { return };
        if r >= 80 {
            return;
        }
        let (open, close) = match self.day {
            DayType::Weekday => (hm(8, 30), hm(17, 50)),
            DayType::Saturday => (hm(9, 0), hm(12, 20)),
            DayType::Sunday => return,
        };
        let at = if end < open {
            open + self.rng.u32(5 * MIN..=45 * MIN)
        } else {
            end + (lognormal(&mut self.rng, 15.0 * MIN as f64, 0.9) as u32).clamp(2 * MIN, 3 * HOUR)
        };
        if at < close {
            self.push(
                at,
                Event::Callback {
                    number,
                    attempts: 0,
                },
            );
        }
    }

    fn callback(&mut self, t: u32, number: String, attempts: u8) {
        let present: Vec<usize> = (0..self.n_ops).filter(|&o| self.op_present(o, t)).collect();
        let free = present
            .iter()
            .copied()
            .filter(|&o| self.ext_busy[o] <= t)
            .min_by_key(|&o| (self.ext_busy[o], o));
        let trunk = self.free_trunk(t, false);
        let (Some(op), Some(trunk)) = (free, trunk) else {
            if attempts < 8 {
                let at = t + self.rng.u32(30..=300);
                self.push(
                    at,
                    Event::Callback {
                        number,
                        attempts: attempts + 1,
                    },
                );
            }
            return;
        };
        let answered = self.rng.u32(0..100) < 80;
        let talk = if answered { self.outgoing_talk() } else { 0 };
        let setup = self.rng.u32(6..=25);
        let end = t + setup + talk;
        self.ext_busy[op] = end + self.rng.u32(0..=15);
        self.trunk_busy[trunk] = end;
        let cost = self.cost(&number, talk);
        let call = self.new_call();
        self.emit(
            call,
            LineKind::Callback,
            Some(&number),
            end,
            op,
            Some(trunk),
            number.clone(),
            None,
            Some(talk),
            Some(cost),
            None,
            "",
        );
    }

    fn outgoing(&mut self, t: u32, ext: usize, number: String, attempts: u8) {
        if ext >= self.exts.len() {
            return;
        }
        let trunk = self.free_trunk(t, false);
        let (true, Some(trunk)) = (self.ext_busy[ext] <= t, trunk) else {
            if attempts < 5 {
                let at = self.ext_busy[ext].max(t) + self.rng.u32(30..=300);
                self.push(
                    at,
                    Event::Outgoing {
                        ext,
                        number,
                        attempts: attempts + 1,
                    },
                );
            }
            return;
        };
        let is_op = ext < self.n_ops;
        let answered = self.rng.u32(0..100) < 82;
        let setup = self.rng.u32(5..=25);
        let account = (!is_op && self.rng.u32(0..100) < 8)
            .then(|| ACCOUNT_CODES[self.rng.usize(..ACCOUNT_CODES.len())].to_string());
        let call = self.new_call();
        let t1 = self.rng.u32(20..=90);
        let consult = self.rng.u32(5..=20);
        let t_tr = t + setup + t1 + consult;
        // An operator places a call for a colleague and transfers it.
        let transfer_to = if is_op && answered && self.rng.u32(0..100) < 6 {
            let cands: Vec<usize> = self
                .staff_range()
                .filter(|&s| self.staff_present(t_tr) && self.ext_busy[s] <= t + setup + t1)
                .collect();
            self.rng.choice(cands)
        } else {
            None
        };
        if let Some(staff) = transfer_to {
            let talk2 = self.outgoing_talk();
            let end = t_tr + talk2;
            self.ext_busy[ext] = t_tr + self.rng.u32(0..=15);
            self.ext_busy[staff] = end;
            self.trunk_busy[trunk] = end;
            let cost1 = self.cost(&number, t1 + consult);
            let cost2 = self.cost(&number, talk2);
            let ext_dial = format!("EXT{}", self.exts[staff]);
            self.emit(
                call,
                LineKind::Intercom,
                Some(&self.exts[staff].clone()),
                t_tr,
                ext,
                None,
                ext_dial,
                None,
                None,
                None,
                None,
                "",
            );
            self.emit(
                call,
                LineKind::OutgoingBeforeTransfer,
                Some(&number),
                t_tr,
                ext,
                Some(trunk),
                number.clone(),
                None,
                Some(t1 + consult),
                Some(cost1),
                None,
                "",
            );
            self.emit(
                call,
                LineKind::OutgoingTransferred,
                Some(&number),
                end,
                staff,
                Some(trunk),
                format!("{number}-"),
                None,
                Some(talk2),
                Some(cost2),
                None,
                "TR",
            );
            return;
        }
        let talk = if answered { self.outgoing_talk() } else { 0 };
        let end = t + setup + talk;
        self.ext_busy[ext] = end + self.rng.u32(0..=15);
        self.trunk_busy[trunk] = end;
        let cost = self.cost(&number, talk);
        self.emit(
            call,
            LineKind::Outgoing,
            Some(&number),
            end,
            ext,
            Some(trunk),
            number.clone(),
            None,
            Some(talk),
            Some(cost),
            account,
            "",
        );
    }

    fn intercom(&mut self, t: u32, from: usize) {
        if from >= self.exts.len() || self.ext_busy[from] > t {
            return;
        }
        let present = |s: &Self, e: usize| {
            if e < s.n_ops {
                s.op_present(e, t)
            } else {
                s.staff_present(t)
            }
        };
        if !present(self, from) {
            return;
        }
        let cands: Vec<usize> = (0..self.exts.len())
            .filter(|&e| e != from && present(self, e) && self.ext_busy[e] <= t)
            .collect();
        let Some(to) = self.rng.choice(cands) else {
            return;
        };
        let talk = (lognormal(&mut self.rng, 45.0, 0.8) as u32).clamp(5, 900);
        let end = t + self.rng.u32(2..=8) + talk;
        self.ext_busy[from] = end;
        self.ext_busy[to] = end;
        let call = self.new_call();
        let dial = format!("EXT{}", self.exts[to]);
        self.emit(
            call,
            LineKind::Intercom,
            Some(&self.exts[to].clone()),
            end,
            from,
            None,
            dial,
            None,
            None,
            None,
            None,
            "",
        );
    }
}

/// Drops events that need extensions when there are none.
fn ev_if_possible(ev: Event, n_exts: usize) -> Option<Event> {
    match ev {
        Event::Outgoing { .. } | Event::Intercom { .. } if n_exts == 0 => None,
        ev => Some(ev),
    }
}

// ---------------------------------------------------------------------------------------------
// Ground truth per call: what the generator meant, for tests of the calls model and analytics.

/// How long after an answered call a new call of the same caller on the same trunk can begin
/// and still look like a transfer of it in the printout (see [`Ambiguity::RedialLikeTransfer`]).
pub const REDIAL_WINDOW_SECS: u32 = 150;

/// How long after a lost call a new call of the same number counts as the caller trying again
/// ([`TruthCall::retry_of`]); the generator's retries come 45 s to 30 min after the hang-up.
pub const RETRY_WINDOW_SECS: u32 = 1800;

/// Why the printout of a call cannot be read back to exactly this call. Panasonic prints the
/// END time to the minute and one line per leg; these are the generated situations where two
/// readings print the same lines. [`truth_of`] marks both calls of such a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ambiguity {
    /// Two lost calls of the same caller (or both without caller ID) on the same trunk whose NA
    /// lines print in the same or the next minute. Panasonic prints one NA line per ringing
    /// extension and nothing where one ringing ends and the next begins: on different
    /// extensions they print like one call that rang on more phones (and, in the real capture,
    /// NA lines of one call come a minute apart); on overlapping ones, where the split falls
    /// is only guessed from the first extension that rings twice.
    LostTwiceWithinAMinute,
    /// An answered call, then a new answered call of the same caller (or both without caller
    /// ID) on the same trunk that began at most [`REDIAL_WINDOW_SECS`] after the first ended.
    /// With end times to the minute and no ring column, a transfer printed without `TR` (which
    /// the real capture does: 601 -> 401, 402 -> 401) prints the same lines.
    RedialLikeTransfer,
}

/// One call as the generator made it. Derived from [`generate`]'s records (their call id,
/// kind and exact seconds; `fields.ring_secs` is kept even for Pattern B, which does not print
/// it). Seconds are since midnight of the day.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TruthCall {
    /// The generator's call id ([`GenRecord::call`]).
    pub id: u32,
    /// Kind of the call's first line: `Answered`, `AnsweredBeforeTransfer` (answered, then
    /// transferred), `Lost`, `ForwardedIn`, `Outgoing`, `Callback`, `OutgoingBeforeTransfer`
    /// or `Intercom` (a plain intercom call; consultations belong to their call).
    pub kind: LineKind,
    pub direction: crate::core::record::Direction,
    /// Incoming: the caller's number (`None` = no CLI); outgoing: the dialled number;
    /// internal: the called extension.
    pub number: Option<String>,
    pub trunk: Option<u16>,
    /// Outgoing: who dialled; internal: who called; incoming: the extension of the first line.
    pub extension: String,
    /// Incoming: when it began to ring. Outgoing: when it was connected (end minus talk; the
    /// dialling before is not printed). Internal: the end (intercom lines print no duration).
    pub start_secs: u32,
    /// When its last line was printed.
    pub end_secs: u32,
    /// The operator who answered (for a transfer: the first one); `None` if lost or forwarded.
    pub answered_by: Option<String>,
    /// When it was answered (incoming, including forwarded calls answered outside).
    pub answered_at: Option<u32>,
    /// Incoming and nobody answered.
    pub lost: bool,
    /// Extensions that rang and did not answer as printed: the NA lines (the generator prints
    /// no line for ring-group members that did not pick up an answered call).
    pub rang: Vec<String>,
    /// Incoming: seconds from the first ring to the answer (or to the hang-up if lost).
    pub ring_secs: Option<u32>,
    /// Sum of the talk times printed on its lines (the forward's outside leg not counted twice).
    pub talk_secs: u32,
    pub transferred_to: Vec<String>,
    /// Forwarded to this outside number by `forwarded_by`.
    pub forwarded_to: Option<String>,
    pub forwarded_by: Option<String>,
    /// Indices (into `generate`'s output) of the `EXTnnn` consultation lines of a transfer.
    pub consultation_lines: Vec<usize>,
    /// A callback: the lost call (same number) it returns, the latest one that ended before.
    pub callback_of: Option<u32>,
    /// Incoming with CLI: the lost call of the same number that ended at most
    /// [`RETRY_WINDOW_SECS`] before this one began (the latest), i.e. the caller tried again.
    pub retry_of: Option<u32>,
    /// Indices into `generate`'s output of its lines, consultations excluded.
    pub lines: Vec<usize>,
    pub ambiguity: Option<Ambiguity>,
}

/// The day's calls with their truth, in order of their first line. Same as
/// `truth_of(&generate(opts))`.
pub fn truth(opts: &DayOptions) -> Vec<TruthCall> {
    truth_of(&generate(opts))
}

/// The calls of records made by [`generate`] (indices in [`TruthCall::lines`] point into
/// `records`), in order of their first line.
pub fn truth_of(records: &[GenRecord]) -> Vec<TruthCall> {
    use crate::core::record::Direction;
    use std::collections::BTreeMap;

    let mut by_call: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, r) in records.iter().enumerate() {
        by_call.entry(r.call).or_default().push(i);
    }
    let mut out: Vec<TruthCall> = Vec::with_capacity(by_call.len());
    for (&id, idxs) in &by_call {
        let find = |k: LineKind| idxs.iter().copied().find(|&i| records[i].kind == k);
        let all = |k: LineKind| -> Vec<usize> {
            idxs.iter()
                .copied()
                .filter(|&i| records[i].kind == k)
                .collect()
        };
        let first = &records[idxs[0]];
        let dur = |i: usize| records[i].fields.duration_secs.unwrap_or(0);
        let ring = |i: usize| records[i].fields.ring_secs;
        let mut t = TruthCall {
            id,
            kind: first.kind,
            direction: Direction::Internal,
            number: first.number.clone(),
            trunk: first.fields.co,
            extension: first.fields.ext.clone(),
            start_secs: first.at_secs,
            end_secs: idxs.iter().map(|&i| records[i].at_secs).max().unwrap_or(0),
            answered_by: None,
            answered_at: None,
            lost: false,
            rang: Vec::new(),
            ring_secs: None,
            talk_secs: 0,
            transferred_to: Vec::new(),
            forwarded_to: None,
            forwarded_by: None,
            consultation_lines: Vec::new(),
            callback_of: None,
            retry_of: None,
            lines: idxs.clone(),
            ambiguity: None,
        };
        // The main line: the first line that is not a consultation.
        let main = idxs
            .iter()
            .copied()
            .find(|&i| records[i].kind != LineKind::Intercom)
            .unwrap_or(idxs[0]);
        let m = &records[main];
        t.kind = m.kind;
        t.number = m.number.clone();
        t.trunk = m.fields.co;
        t.extension = m.fields.ext.clone();
        let lost = all(LineKind::Lost);
        if !lost.is_empty() {
            t.direction = Direction::Incoming;
            t.lost = true;
            t.rang = lost
                .iter()
                .map(|&i| records[i].fields.ext.clone())
                .collect();
            t.ring_secs = lost.iter().filter_map(|&i| ring(i)).max();
            t.start_secs = m.at_secs.saturating_sub(t.ring_secs.unwrap_or(0));
        } else if let Some(a) = find(LineKind::Answered)
            .or(find(LineKind::AnsweredBeforeTransfer))
            .or(find(LineKind::ForwardedIn))
        {
            t.direction = Direction::Incoming;
            let r = ring(a).unwrap_or(0);
            let answered_at = records[a].at_secs.saturating_sub(dur(a));
            t.answered_at = Some(answered_at);
            t.ring_secs = ring(a);
            t.start_secs = answered_at.saturating_sub(r);
            t.talk_secs = dur(a);
            if records[a].kind == LineKind::ForwardedIn {
                t.forwarded_by = Some(records[a].fields.ext.clone());
                t.forwarded_to =
                    find(LineKind::ForwardedOut).and_then(|i| records[i].number.clone());
            } else {
                t.answered_by = Some(records[a].fields.ext.clone());
            }
            for i in all(LineKind::TransferredIn) {
                t.transferred_to.push(records[i].fields.ext.clone());
                t.talk_secs += dur(i);
            }
        } else if let Some(o) = find(LineKind::Outgoing)
            .or(find(LineKind::Callback))
            .or(find(LineKind::OutgoingBeforeTransfer))
        {
            t.direction = Direction::Outgoing;
            t.talk_secs = dur(o);
            t.start_secs = records[o].at_secs.saturating_sub(dur(o));
            for i in all(LineKind::OutgoingTransferred) {
                t.transferred_to.push(records[i].fields.ext.clone());
                t.talk_secs += dur(i);
            }
        } else {
            // A plain intercom call: the called extension is what the line prints.
            t.number = Some(m.fields.dial.trim_start_matches("EXT").to_string());
        }
        if t.direction != Direction::Internal {
            t.consultation_lines = all(LineKind::Intercom);
            t.lines.retain(|i| !t.consultation_lines.contains(i));
        }
        out.push(t);
    }
    out.sort_by_key(|t| t.lines.first().copied());

    // Retries and callbacks of lost calls.
    let lost: Vec<(u32, String, u32)> = out
        .iter()
        .filter(|t| t.lost)
        .filter_map(|t| Some((t.id, t.number.clone()?, t.end_secs)))
        .collect();
    let latest_lost_before = |number: &str, at: u32, window: u32| {
        lost.iter()
            .filter(|(_, n, end)| n == number && *end <= at && at - *end <= window)
            .max_by_key(|(id, _, end)| (*end, *id))
            .map(|(id, _, _)| *id)
    };
    for t in &mut out {
        let Some(number) = t.number.clone() else {
            continue;
        };
        match t.kind {
            LineKind::Callback => t.callback_of = latest_lost_before(&number, t.start_secs, DAY),
            _ if t.direction == Direction::Incoming => {
                t.retry_of = latest_lost_before(&number, t.start_secs, RETRY_WINDOW_SECS)
            }
            _ => {}
        }
    }

    // Pairs the printout cannot tell apart.
    let mut marks = vec![None; out.len()];
    for (p, pc) in out.iter().enumerate() {
        if pc.direction != Direction::Incoming {
            continue;
        }
        for (x, xc) in out.iter().enumerate() {
            if x == p
                || xc.direction != Direction::Incoming
                || xc.trunk != pc.trunk
                || xc.number != pc.number
            {
                continue;
            }
            let mark = if pc.lost && xc.lost {
                let (pm, xm) = (pc.end_secs / MIN, xc.end_secs / MIN);
                let near = pm <= xm && xm - pm <= 1 && p < x;
                near.then_some(Ambiguity::LostTwiceWithinAMinute)
            } else if !pc.lost && !xc.lost {
                let gap = xc.start_secs.checked_sub(pc.end_secs);
                gap.is_some_and(|g| g <= REDIAL_WINDOW_SECS)
                    .then_some(Ambiguity::RedialLikeTransfer)
            } else {
                None
            };
            if let Some(a) = mark {
                marks[p] = marks[p].or(Some(a));
                marks[x] = marks[x].or(Some(a));
            }
        }
    }
    for (t, m) in out.iter_mut().zip(marks) {
        t.ambiguity = m;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::dialect::panasonic::Panasonic;
    use crate::core::dialect::Dialect;
    use crate::core::record::{Direction, HeaderKind, Parsed};
    use std::collections::{BTreeMap, BTreeSet};

    const CAPTURE_TITLE: &str =
        "\x0c  Date     Time   Ext CO Dial Number          Duration Cost       Acc code   CD ";

    fn tuesday() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 3, 12).unwrap()
    }

    fn opts(date: NaiveDate, seed: u64, layout: Layout) -> DayOptions {
        DayOptions {
            layout,
            ..DayOptions::new(date, seed)
        }
    }

    fn fields(time_secs: u32, ext: &str, co: Option<u16>, dial: &str) -> Fields {
        Fields {
            date: NaiveDate::from_ymd_opt(2020, 12, 7).unwrap(),
            time_secs,
            ext: ext.into(),
            co,
            dial: dial.into(),
            ring_secs: None,
            duration_secs: None,
            cost_cents: None,
            account: None,
            condition: String::new(),
        }
    }

    /// Distinct calls of each kind (a lost call with five NA lines counts once).
    fn calls_by_kind(recs: &[GenRecord]) -> BTreeMap<LineKind, usize> {
        let mut seen = BTreeSet::new();
        let mut out = BTreeMap::new();
        for r in recs {
            if seen.insert((r.call, r.kind)) {
                *out.entry(r.kind).or_insert(0) += 1;
            }
        }
        out
    }

    /// Incoming calls (first attempts and retries, answered or lost) by the hour they ended.
    fn incoming_per_hour(recs: &[GenRecord]) -> [usize; 24] {
        let mut seen = BTreeSet::new();
        let mut out = [0; 24];
        for r in recs {
            let incoming = matches!(
                r.kind,
                LineKind::Answered
                    | LineKind::AnsweredBeforeTransfer
                    | LineKind::Lost
                    | LineKind::ForwardedIn
            );
            if incoming && seen.insert(r.call) {
                out[(r.at_secs / HOUR) as usize] += 1;
            }
        }
        out
    }

    #[test]
    fn same_seed_same_day_other_seed_other_day() {
        for layout in [Layout::A, Layout::B, Layout::C] {
            let a = office_day(&opts(tuesday(), 42, layout));
            let b = office_day(&opts(tuesday(), 42, layout));
            assert_eq!(a, b);
            assert!(a.len() > 300, "{} lines", a.len());
            let c = office_day(&opts(tuesday(), 43, layout));
            assert_ne!(a, c);
        }
        // Another date with the same seed is another day, but the same customers call.
        let d1 = generate(&DayOptions::new(tuesday(), 5));
        let d2 = generate(&DayOptions::new(tuesday().succ_opt().unwrap(), 5));
        assert_ne!(d1, d2);
        let callers = |d: &[GenRecord]| -> BTreeSet<String> {
            d.iter()
                .filter(|r| r.fields.dial.starts_with("<I>"))
                .filter_map(|r| r.number.clone())
                .collect()
        };
        assert!(callers(&d1).intersection(&callers(&d2)).count() >= 5);
    }

    #[test]
    fn lines_are_full_width_and_sorted() {
        for layout in [Layout::A, Layout::B, Layout::C] {
            for (twelve_hour, date_order) in [
                (false, DateOrder::Dmy),
                (true, DateOrder::Mdy),
                (false, DateOrder::Ymd),
            ] {
                let o = DayOptions {
                    twelve_hour,
                    date_order,
                    page_length: 50,
                    ..opts(tuesday(), 9, layout)
                };
                let lines = office_day(&o);
                let w = layout.width();
                let [title, rule] = header_lines(layout);
                for l in &lines {
                    assert!(l.text.is_ascii(), "{:?}", l.text);
                    if l.text == title {
                        assert_eq!(l.text.len(), w + 1);
                        assert!(l.text.starts_with('\x0c'));
                    } else {
                        assert_eq!(l.text.len(), w, "{layout:?}: {:?}", l.text);
                    }
                    assert!(l.text != rule || l.text.bytes().all(|b| b == b'-'));
                }
                assert!(lines.windows(2).all(|p| p[0].at_secs <= p[1].at_secs));
                assert!(lines.iter().all(|l| l.at_secs < DAY));
            }
        }
    }

    #[test]
    fn pattern_b_matches_the_real_capture_byte_for_byte() {
        assert_eq!(
            header_lines(Layout::B),
            [CAPTURE_TITLE.to_string(), "-".repeat(80)]
        );
        let t = |h: u32, m: u32| hm(h, m) + 17;
        let mut tr = fields(t(15, 2), "402", Some(1), "0376689064-");
        tr.duration_secs = Some(193);
        tr.cost_cents = Some(0);
        tr.condition = "TR".into();
        let mut na = fields(t(11, 22), "401", Some(5), "<I>234");
        na.duration_secs = Some(0);
        na.cost_cents = Some(0);
        na.ring_secs = Some(25); // no Ring column in Pattern B: not printed
        na.condition = "NA".into();
        let icm = fields(t(14, 53), "402", None, "EXT401");
        let mut long = fields(t(9, 27), "601", Some(21), "<I>3483238995");
        long.date = NaiveDate::from_ymd_opt(2020, 12, 8).unwrap();
        long.duration_secs = Some(11 * 3600 + 59 * 60 + 59);
        long.cost_cents = Some(0);
        let cases = [
            (
                tr,
                "07/12/20 15:02    402 01 0376689064-          00:03'13 EU00000.00            TR ",
            ),
            (
                na,
                "07/12/20 11:22    401 05 <I>234               00:00'00 EU00000.00            NA ",
            ),
            (
                icm,
                "07/12/20 14:53    402    EXT401                                                 ",
            ),
            (
                long,
                "08/12/20 09:27    601 21 <I>3483238995        11:59'59 EU00000.00               ",
            ),
        ];
        for (f, want) in cases {
            assert_eq!(format_record(Layout::B, &f, false, DateOrder::Dmy), want);
        }
    }

    #[test]
    fn pattern_a_and_c_columns() {
        let mut f = fields(hm(10, 3), "101", Some(3), "<I>0364538740");
        f.ring_secs = Some(5 * 60 + 15);
        f.duration_secs = Some(3723);
        f.cost_cents = Some(12345);
        f.account = Some("4711".into());
        f.condition = "NA".into();

        let a = format_record(Layout::A, &f, true, DateOrder::Mdy);
        assert_eq!(a.len(), 80);
        assert_eq!(&a[0..8], "12/07/20");
        assert_eq!(&a[9..16], "10:03AM");
        assert_eq!(&a[17..22], "  101");
        assert_eq!(&a[23..25], "03");
        assert_eq!(a[26..51].trim_end(), "<I>0364538740");
        assert_eq!(&a[52..56], "5'15");
        assert_eq!(&a[57..65], "01:02'03");
        assert_eq!(a[66..76].trim_end(), "4711");
        assert_eq!(&a[77..79], "NA");
        assert!(!a.contains("EU"), "Pattern A has no cost: {a:?}");
        let [title, rule] = header_lines(Layout::A);
        assert_eq!(
            title.trim_end(),
            "\x0c  Date     Time    Ext CO        Dial Number        Ring Duration  Acc code  CD"
        );
        assert_eq!(rule, "-".repeat(80));

        let c = format_record(Layout::C, &f, false, DateOrder::Ymd);
        assert_eq!(c.len(), 120);
        assert_eq!(&c[0..8], "20/12/07");
        assert_eq!(&c[9..16], "10:03  ");
        assert_eq!(&c[17..22], "  101");
        assert_eq!(&c[23..27], "0003");
        assert_eq!(c[28..78].trim_end(), "<I>0364538740");
        assert_eq!(&c[79..83], "5'15");
        assert_eq!(&c[84..92], "01:02'03");
        assert_eq!(&c[93..104], "EUR00123.45");
        assert_eq!(c[105..115].trim_end(), "4711");
        assert_eq!(&c[116..118], "NA");
        let [title, rule] = header_lines(Layout::C);
        // Titles over their columns (shifted one right by the form feed, as in Pattern B).
        for (col, word) in [
            (2, "Date"),
            (28, "Dial Number"),
            (79, "Ring"),
            (93, "Cost"),
            (116, "CD"),
        ] {
            assert_eq!(&title[col + 1..col + 1 + word.len()], word);
        }
        assert_eq!(rule, "-".repeat(120));

        // Blanks between the fields of Pattern B, and the `00` of trunks above 99.
        let mut b = f.clone();
        b.co = Some(120);
        let b = format_record(Layout::B, &b, false, DateOrder::Dmy);
        for col in [8, 21, 24, 45, 54, 65, 76] {
            assert_eq!(&b[col..col + 1], " ", "col {col} of {b:?}");
        }
        assert_eq!(&b[22..24], "00");
        assert_eq!(&b[55..65], "EU00123.45");
    }

    #[test]
    fn clock_formats() {
        assert_eq!(fmt_time(hm(0, 5), true), "12:05AM");
        assert_eq!(fmt_time(hm(9, 7), true), "09:07AM");
        assert_eq!(fmt_time(hm(12, 30), true), "12:30PM");
        assert_eq!(fmt_time(hm(13, 0), true), "01:00PM");
        assert_eq!(fmt_time(hm(23, 59) + 59, false), "23:59");
        assert_eq!(fmt_duration(0), "00:00'00");
        assert_eq!(fmt_duration(43199), "11:59'59");
        assert_eq!(fmt_ring(5), "0'05");
        assert_eq!(fmt_ring(10_000), "9'59");
        assert_eq!(fmt_cost(29, Layout::B), "EU00000.29");
    }

    #[test]
    fn generated_pattern_b_lines_slice_at_the_documented_columns() {
        let o = opts(tuesday(), 3, Layout::B);
        let recs = generate(&o);
        for r in &recs {
            let l = format_record(Layout::B, &r.fields, false, DateOrder::Dmy);
            assert_eq!(&l[0..8], "12/03/24");
            assert_eq!(&l[9..16], fmt_time(r.at_secs, false) + "  ");
            assert_eq!(l[16..21].trim_start(), r.fields.ext);
            assert_eq!(l[25..45].trim_end(), r.fields.dial);
            if r.kind == LineKind::Intercom {
                assert!(
                    l[22..24].trim().is_empty() && l[46..].trim().is_empty(),
                    "{l:?}"
                );
            } else {
                let co = l[22..24].parse::<u16>().unwrap();
                assert!((1..=8).contains(&co));
                let d = r.fields.duration_secs.unwrap();
                assert_eq!(&l[46..54], fmt_duration(d));
                assert!(l[55..65].starts_with("EU"));
                assert_eq!(l[77..80].trim_end(), r.fields.condition);
            }
        }
    }

    #[test]
    fn the_day_has_every_call_type() {
        let o = DayOptions::new(tuesday(), 11);
        let recs = generate(&o);
        let calls = calls_by_kind(&recs);
        for kind in [
            LineKind::Answered,
            LineKind::AnsweredBeforeTransfer,
            LineKind::TransferredIn,
            LineKind::Lost,
            LineKind::ForwardedIn,
            LineKind::ForwardedOut,
            LineKind::Outgoing,
            LineKind::Callback,
            LineKind::Intercom,
        ] {
            assert!(
                calls.get(&kind).copied().unwrap_or(0) > 0,
                "no {kind:?}: {calls:?}"
            );
        }
        // Conditions as printed.
        let text: Vec<String> = office_day(&o).into_iter().map(|l| l.text).collect();
        for cd in ["NA ", "TR ", "FW "] {
            assert!(text.iter().any(|l| l.ends_with(cd)), "no {cd}");
        }
        assert!(text.iter().any(|l| l[25..].starts_with("EXT")));
        assert!(
            text.iter().any(|l| l[25..45].trim_end() == "<I>"),
            "no call without CLI"
        );
        assert!(text
            .iter()
            .any(|l| l[55..65] != *"EU00000.00" && l[55..57] == *"EU"));
        // A lost call rings several operators: several NA lines, same call, same minute.
        let mut na_per_call: BTreeMap<u32, usize> = BTreeMap::new();
        for r in recs.iter().filter(|r| r.kind == LineKind::Lost) {
            assert_eq!(r.fields.condition, "NA");
            assert_eq!(r.fields.duration_secs, Some(0));
            let ring = r.fields.ring_secs.unwrap();
            assert!((10..=60).contains(&ring), "ring {ring}");
            assert!(o.operators.contains(&r.fields.ext));
            *na_per_call.entry(r.call).or_insert(0) += 1;
        }
        assert!(na_per_call.values().any(|&n| n >= 2));
        // Answered calls rang a little and talked 20 s .. 10 min (rarely longer).
        for r in recs.iter().filter(|r| r.kind == LineKind::Answered) {
            assert!((2..=60).contains(&r.fields.ring_secs.unwrap()));
            assert!(r.fields.duration_secs.unwrap() >= 20);
        }
        // A forward is two lines at the same moment with the same duration.
        for fw in recs.iter().filter(|r| r.kind == LineKind::ForwardedOut) {
            let inc = recs
                .iter()
                .find(|r| r.call == fw.call && r.kind == LineKind::ForwardedIn)
                .unwrap();
            assert_eq!(inc.at_secs, fw.at_secs);
            assert_eq!(inc.fields.duration_secs, fw.fields.duration_secs);
            assert_ne!(inc.fields.co, fw.fields.co);
        }
    }

    #[test]
    fn lost_callers_are_called_back_and_callers_repeat() {
        let mut callbacks_total = 0;
        for seed in 1..=5 {
            let recs = generate(&DayOptions::new(tuesday(), seed));
            // From the printed text only, as the box will see it.
            let lines: Vec<String> = recs
                .iter()
                .map(|r| format_record(Layout::B, &r.fields, false, DateOrder::Dmy))
                .collect();
            let mut lost_at: BTreeMap<String, u32> = BTreeMap::new();
            let mut called_back = BTreeSet::new();
            for (r, l) in recs.iter().zip(&lines) {
                let dial = l[25..45].trim_end();
                if l.ends_with("NA ") && dial.len() > 3 {
                    lost_at.entry(dial[3..].to_string()).or_insert(r.at_secs);
                } else if !dial.starts_with("<I>") && !dial.starts_with("EXT") {
                    if let Some(&t) = lost_at.get(dial) {
                        if r.at_secs > t && is_default_operator(l[16..21].trim()) {
                            called_back.insert(dial.to_string());
                        }
                    }
                }
            }
            assert!(
                !called_back.is_empty(),
                "seed {seed}: no callback of a lost caller"
            );
            callbacks_total += called_back.len();
            let cb = recs.iter().filter(|r| r.kind == LineKind::Callback).count();
            assert!(cb >= called_back.len() / 2);
            // Repeat callers: some number rings in more than once.
            let mut per_number: BTreeMap<&str, BTreeSet<u32>> = BTreeMap::new();
            for r in recs.iter().filter(|r| r.fields.dial.starts_with("<I>")) {
                if let Some(n) = &r.number {
                    per_number.entry(n).or_default().insert(r.call);
                }
            }
            assert!(per_number.values().filter(|c| c.len() >= 2).count() >= 3);
        }
        assert!(callbacks_total >= 10, "{callbacks_total}");
    }

    fn is_default_operator(ext: &str) -> bool {
        DayOptions::new(tuesday(), 0)
            .operators
            .iter()
            .any(|o| o == ext)
    }

    #[test]
    fn morning_peak_lunch_dip_and_size_of_the_day() {
        let mut hours = [0usize; 24];
        for seed in 1..=6 {
            let recs = generate(&DayOptions::new(tuesday(), seed));
            let h = incoming_per_hour(&recs);
            let total: usize = h.iter().sum();
            assert!(
                (150..=250).contains(&total),
                "seed {seed}: {total} incoming calls"
            );
            let morning: usize = h[9..12].iter().sum();
            let afternoon: usize = h[14..17].iter().sum();
            assert!(morning > afternoon, "seed {seed}: {morning} vs {afternoon}");
            for (acc, n) in hours.iter_mut().zip(h) {
                *acc += n;
            }
        }
        let busiest = (0..24).max_by_key(|&h| hours[h]).unwrap();
        assert!(
            (9..=11).contains(&busiest),
            "busy hour {busiest}: {hours:?}"
        );
        assert!(
            hours[13] < hours[15] && hours[13] < hours[10],
            "lunch dip: {hours:?}"
        );
        assert!(hours[3] == 0 && hours[22] == 0);
    }

    #[test]
    fn weekends_are_quieter() {
        let sat = NaiveDate::from_ymd_opt(2024, 3, 16).unwrap();
        let sun = NaiveDate::from_ymd_opt(2024, 3, 17).unwrap();
        let (mut sat_total, mut sun_total) = (0, 0);
        for seed in 1..=4 {
            let count = |d| {
                let recs = generate(&DayOptions::new(d, seed));
                let incoming: usize = incoming_per_hour(&recs).iter().sum();
                (incoming, calls_by_kind(&recs).values().sum::<usize>())
            };
            let (wd, sa, su) = (count(tuesday()), count(sat), count(sun));
            assert!(
                sa.0 * 4 < wd.0 && su.0 * 10 < wd.0,
                "incoming {wd:?} {sa:?} {su:?}"
            );
            assert!(
                sa.1 * 8 < wd.1 && su.1 * 20 < wd.1,
                "all calls {wd:?} {sa:?} {su:?}"
            );
            sat_total += sa.0;
            sun_total += su.0;
        }
        assert!(sun_total < sat_total, "{sun_total} {sat_total}");
        // Nobody answers on Sunday.
        let sunday = generate(&DayOptions::new(sun, 1));
        assert!(sunday.iter().all(|r| matches!(
            r.kind,
            LineKind::Lost | LineKind::ForwardedIn | LineKind::ForwardedOut
        )));
    }

    #[test]
    fn page_headers_repeat_every_page_length_records() {
        let o = DayOptions {
            page_length: 20,
            ..DayOptions::new(tuesday(), 8)
        };
        let lines = office_day(&o);
        let [title, rule] = header_lines(o.layout);
        assert_eq!(lines[0].text, title);
        assert_eq!(lines[1].text, rule);
        let mut since = 0;
        for pair in lines.windows(2) {
            if pair[0].text == title {
                assert_eq!(pair[1].text, rule);
                assert!(since == 0 || since == 20, "page of {since} records");
                since = 0;
            } else if pair[0].text != rule {
                since += 1;
            }
        }
        let none = office_day(&DayOptions {
            page_length: 0,
            ..o.clone()
        });
        assert!(none.iter().all(|l| l.text != title && l.text != rule));
        assert_eq!(lines.len(), none.len() + 2 * none.len().div_ceil(20));
        // An empty day still starts a page.
        let empty = office_day(&DayOptions {
            calls_scale: 0.0,
            ..o
        });
        assert_eq!(empty.len(), 2);
    }

    #[test]
    fn scale_changes_the_volume() {
        let n = |scale| {
            let o = DayOptions {
                calls_scale: scale,
                ..DayOptions::new(tuesday(), 2)
            };
            incoming_per_hour(&generate(&o)).iter().sum::<usize>()
        };
        let (small, normal, big) = (n(0.3), n(1.0), n(3.0));
        assert!(small < normal && normal < big, "{small} {normal} {big}");
    }

    /// Every generated line reads back through the Panasonic dialect as what was generated.
    #[test]
    fn round_trip_through_the_panasonic_dialect() {
        let variants = [
            (Layout::A, false, DateOrder::Dmy),
            (Layout::B, false, DateOrder::Dmy),
            (Layout::C, false, DateOrder::Dmy),
            (Layout::A, true, DateOrder::Mdy),
            (Layout::B, true, DateOrder::Ymd),
            (Layout::C, true, DateOrder::Mdy),
        ];
        for (layout, twelve_hour, date_order) in variants {
            for seed in [1, 2] {
                let o = DayOptions {
                    layout,
                    twelve_hour,
                    date_order,
                    page_length: 30,
                    ..DayOptions::new(tuesday(), seed)
                };
                let recs = generate(&o);
                let lines = office_day(&o);
                let mut parser = Panasonic::new(date_order);
                let mut next = recs.iter();
                let mut failures = Vec::new();
                for line in &lines {
                    let parsed = parser.parse(&line.text);
                    let rec = match parsed {
                        Parsed::Header { header } => {
                            assert!(matches!(header, HeaderKind::Titles | HeaderKind::Rule));
                            continue;
                        }
                        Parsed::Reject { reason } => {
                            failures.push(format!("rejected {:?}: {reason}", line.text));
                            next.next();
                            continue;
                        }
                        Parsed::Record { record, warnings } => {
                            if !warnings.is_empty() {
                                failures.push(format!("warnings {warnings:?} on {:?}", line.text));
                            }
                            record
                        }
                    };
                    let want = next.next().expect("more parsed records than generated");
                    let f = &want.fields;
                    let mut bad = Vec::new();
                    let mut check = |what: &str, got: String, exp: String| {
                        if got != exp {
                            bad.push(format!("{what}: parsed {got:?}, generated {exp:?}"));
                        }
                    };
                    check("layout", rec.layout.into(), layout.as_str().into());
                    check(
                        "date",
                        format!("{:?}", rec.date),
                        format!("{:?}", Some(o.date)),
                    );
                    check(
                        "time",
                        format!("{:?}", rec.time.map(|t| t.format("%H:%M").to_string())),
                        format!("{:?}", Some(fmt_time(want.at_secs, false))),
                    );
                    check("ext", rec.extension.clone(), f.ext.clone());
                    check(
                        "trunk",
                        format!("{:?}", rec.trunk),
                        format!("{:?}", f.co.map(|c| fmt_co(c, layout))),
                    );
                    let (dir, number) = if let Some(n) = f.dial.strip_prefix("<I>") {
                        (Direction::Incoming, n.to_string())
                    } else if let Some(n) = f.dial.strip_prefix("EXT") {
                        (Direction::Internal, n.to_string())
                    } else {
                        (
                            Direction::Outgoing,
                            f.dial.trim_end_matches('-').to_string(),
                        )
                    };
                    check(
                        "direction",
                        rec.direction.as_str().into(),
                        dir.as_str().into(),
                    );
                    check("number", rec.number.clone(), number.clone());
                    check(
                        "number (truth)",
                        rec.number.clone(),
                        want.number.clone().unwrap_or_default(),
                    );
                    check(
                        "duration",
                        format!("{:?}", rec.duration_secs),
                        format!("{:?}", f.duration_secs),
                    );
                    let ring = if layout == Layout::B {
                        None
                    } else {
                        f.ring_secs
                    };
                    check("ring", format!("{:?}", rec.ring_secs), format!("{ring:?}"));
                    let cost = if layout == Layout::A {
                        None
                    } else {
                        f.cost_cents
                    };
                    check(
                        "cost",
                        format!(
                            "{:?}",
                            rec.cost
                                .as_ref()
                                .map(|c| (c.amount.clone(), c.currency.clone()))
                        ),
                        format!(
                            "{:?}",
                            cost.map(|c| (
                                format!("{}.{:02}", c / 100, c % 100),
                                if layout == Layout::C { "EUR" } else { "EU" }.to_string()
                            ))
                        ),
                    );
                    check(
                        "account",
                        format!("{:?}", rec.account_code),
                        format!("{:?}", f.account),
                    );
                    let cd = (!f.condition.is_empty()).then(|| f.condition.clone());
                    check(
                        "condition",
                        format!("{:?}", rec.condition),
                        format!("{cd:?}"),
                    );
                    check(
                        "unanswered",
                        rec.unanswered.to_string(),
                        (want.kind == LineKind::Lost).to_string(),
                    );
                    check(
                        "transferred",
                        rec.transferred.to_string(),
                        matches!(
                            want.kind,
                            LineKind::TransferredIn | LineKind::OutgoingTransferred
                        )
                        .to_string(),
                    );
                    check(
                        "forwarded",
                        rec.forwarded.to_string(),
                        (want.kind == LineKind::ForwardedOut).to_string(),
                    );
                    if !bad.is_empty() {
                        failures.push(format!("{:?}\n    {}", line.text, bad.join("\n    ")));
                    }
                }
                assert!(next.next().is_none(), "generated records left unparsed");
                assert!(
                    failures.is_empty(),
                    "{layout:?} 12h={twelve_hour} {date_order:?} seed {seed}: {} problems:\n{}",
                    failures.len(),
                    failures
                        .iter()
                        .take(15)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("\n")
                );
            }
        }
    }

    /// Not an assertion: prints what a day looks like (`cargo test ... -- --nocapture`).
    #[test]
    fn print_a_day_summary() {
        let o = DayOptions::new(tuesday(), 7);
        let recs = generate(&o);
        println!("lines by kind: {:?}", {
            let mut m = BTreeMap::new();
            for r in &recs {
                *m.entry(r.kind).or_insert(0) += 1;
            }
            m
        });
        println!("calls by kind: {:?}", calls_by_kind(&recs));
        println!("incoming per hour: {:?}", incoming_per_hour(&recs));
        for (layout, twelve_hour) in [(Layout::A, true), (Layout::B, false), (Layout::C, false)] {
            let o = DayOptions {
                layout,
                twelve_hour,
                ..o.clone()
            };
            for l in office_day(&o).iter().skip(44).take(12) {
                println!("{:>5} |{}|", l.at_secs, l.text.replace('\x0c', "^L"));
            }
        }
    }
}
