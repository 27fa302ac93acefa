//! The calls model: the printed lines (records) of one call become one [`Call`] with its parts.
//!
//! Pure: records in, calls out; no I/O, no clock, deterministic, and no panic on any input
//! (records out of order or with nonsense fields give nonsense calls, not a crash).
//!
//! # What the printout gives us (Panasonic, `shared/formats/panasonic.md` §3-§4)
//!
//! - One line per call **leg**, printed when the leg ends, stamped with the **end** time to the
//!   **minute** (`HH:MM`). A leg's true end is somewhere in that minute, so every time derived
//!   from it carries up to 59 s of uncertainty ([`Estimates::end_to_the_minute`]).
//! - The talk time (`hh:mm'ss`) to the second; the ring time (`m'ss`) only in Patterns A and C.
//!   Pattern B has no ring column: we then know when a call was answered (end minus talk) but
//!   not when it began to ring, and say so ([`RING_UNKNOWN_NOTICE`]) instead of guessing.
//! - A call that nobody answers prints one `NA` line per extension it rang on.
//! - A transfer prints one more line for the same caller on the same trunk at the receiving
//!   extension (with `TR` in the generator and sometimes in the real capture; *without* `TR`
//!   in most transfers of the real capture), plus usually an `EXTnnn` intercom line for the
//!   consultation.
//! - A forward to an outside line prints the incoming leg and an outgoing `FW` leg from the same
//!   extension in the same minute with the same duration.
//!
//! # Grouping rules (and why)
//!
//! Records are read in the order given (the store's `seq` order, which is print order, i.e. the
//! order the legs ended). Incoming legs are only ever joined to calls with the same **trunk**
//! and the same **caller** (normalised number; the name if there is no number; "no CLI" only
//! with "no CLI", so calls without caller ID group by trunk and time alone): a trunk carries one
//! call at a time and every leg of a call shows the caller the PBX got from the carrier. Among
//! the calls a leg could join, the most recent one that fits wins.
//!
//! 1. **NA lines** (and zero-talk lines without `NA`, rule 2) join a call that nobody has
//!    answered yet if its last line was printed in the same or the previous minute and the
//!    extension has not already rung on it. *Why:* the NA lines of one ringing are printed
//!    together when the caller hangs up, but the real capture also shows them a minute apart
//!    (11/12/20 08:58 NA at 401, 08:59 NA at 611). An extension rings once per call, so a second
//!    NA line from the same extension is a new call (the caller tried again).
//! 2. **A zero-talk line without `NA`** ("rang, answered elsewhere"): in the real capture these
//!    lines (`601 ... 00:00'00`, `611 ... 00:00'00`) are printed in the minute another extension
//!    picked the call up, and that extension's line follows. We read such a line as "this
//!    extension rang and did not answer; the call goes on". It goes to [`Call::rang`].
//! 3. **An answered line** (talk > 0, or `TR`) joins:
//!    - a call still ringing that has a rule-2 line, when the answer moment (end minus talk)
//!      can lie in that line's minute: the rule-2 line is printed at the pick-up;
//!    - an answered call (a **transfer**), when this leg can have begun ringing (end minus talk
//!      minus ring) in the minute the previous answered leg ended. The ring time is taken from
//!      the line in Patterns A/C; in Pattern B it is unknown and allowed to be up to
//!      [`HANDOVER_RING_MAX_SECS`] (or [`TRANSFER_RING_MAX_SECS`] for a `TR` line, which is
//!      certainly a transfer). The earlier leg's extension is then [`Call::answered_by`], the
//!      later ones [`Call::transferred_to`]. *Why:* the trunk stays seized across a transfer,
//!      so the next leg starts exactly when the previous one ends.
//!    - A `TR` line that fits no call by timing still joins the latest answered call of its
//!      caller and trunk that ended at most [`TRANSFER_FALLBACK_SECS`] before
//!      ([`Note::TransferTimingLoose`]); with none it starts a call of its own
//!      ([`Note::TransferFirstLegMissing`]: the capture began mid-call).
//!    - It never joins a call that has only NA lines: **NA on every line means the caller hung
//!      up**, and a line of the same caller after it is a new call (the caller tried again).
//!      The real capture's "NA at 401, then answered by 401" sequences always have a rule-2 line
//!      in between (611), which is what keeps them one call. Without it, a caller who hangs up
//!      and redials within a minute prints exactly the same lines as one call that rang on;
//!      we then read two calls (a lost one, and a retry) — see "cannot tell" below.
//! 4. **Forward to an outside line** (`FW`, outgoing): belongs to the incoming call with a line
//!    from the same extension printed in the same minute (the one with the same talk time if
//!    there are several). Its number is [`Call::forwarded_to_outside`], its extension
//!    [`Call::forwarded_by`]; the call is answered (outside) when the forward talked, but not
//!    by an extension. An `FW` line without such an incoming line is an outgoing call of its own
//!    ([`Note::ForwardWithoutIncoming`]).
//! 5. **Transfer of an outgoing call** (number ending in `-`, or `TR`): joins the outgoing call
//!    to the same number on the same trunk whose last leg ended in the minute this leg began
//!    (same fallback and note as rule 3). Other outgoing lines are calls of their own, also to
//!    the same number a minute later (a redial is a new call).
//! 6. **Intercom lines** (`EXTnnn`) are internal calls of their own. One is linked as the
//!    **consultation** of a transfer ([`Call::consultations`], [`Call::consultation_for`]) when
//!    its extension X has a leg of another call ending in the same minute or the next one, and
//!    that call then went on at the called extension Y (the `EXT` line is printed when the
//!    consultation ends, just before or at the transfer).
//! 7. **Repeat callers:** a line of the same caller that fits none of the rules above starts a
//!    new call, so the same number calling again 10 minutes later is a new call.
//!
//! # How the real capture's "NA, rang, answered" sequence is read
//!
//! ```text
//! 07/12/20 11:22    401 05 <I>234               00:00'00 EU00000.00            NA
//! 07/12/20 11:23    611 05 <I>234               00:00'00 EU00000.00
//! 07/12/20 11:23    401 05 <I>234               00:00'53 EU00000.00
//! ```
//!
//! One incoming call from 234 on CO 05: it rang at 401 without an answer (NA, printed when 401
//! stopped ringing, e.g. an overflow timer), rang on at 611 (printed 00:00'00 without NA at the
//! pick-up), and 401 answered and talked 53 s. So `answered_by = 401`, `rang = [401, 611]`
//! (both count one ring-no-answer), outcome answered, ring time unknown (Pattern B).
//!
//! # What the printout cannot tell (documented tolerances)
//!
//! - A lost call and the same caller's new call within about two minutes on the same trunk,
//!   when the printout has no rule-2 line: read as two calls (see rule 3). If both were lost and
//!   their NA lines are printed in the same or the next minute, nothing shows where one ringing
//!   ends and the next begins: on different extensions they read as **one** lost call; on
//!   overlapping ones the split falls at the first extension that rings twice, which is right
//!   only if all lines of the first call were printed before those of the second.
//! - An answered call and the same caller's new call on the same trunk that begins within about
//!   two minutes of its end read as **one** call with a transfer (rule 3), because the real
//!   capture prints transfers without `TR`. With caller ID that is a redial within a minute or
//!   two; without caller ID, any two calls on one trunk back to back.
//! - Two calls of the same number within one minute (or a transfer and a new call) print lines
//!   that differ only in seconds the printout does not have.
//! - Start times: Panasonic prints the end to the minute; the true start is up to 59 s after
//!   [`Call::start`] (more when legs of different minutes are combined,
//!   [`Estimates::across_minutes`]). Pattern B: the ring time is unknown, `start` is the answer
//!   moment (or, for a lost call, the minute of its NA lines) and the call began earlier.
//! - Pattern A/C ring times of a call that rang at several extensions one after the other:
//!   no A/C capture exists to say whether the ring column counts from the call's arrival or
//!   from that leg's start; we take arrival = the earliest (end - talk - ring) of the legs up to
//!   the answer, which is right either way within the minute rounding.
//! - Busy and failed outgoing attempts print 00:00'00 like an unanswered one:
//!   [`Outcome::NotConnected`]. No Panasonic line tells busy from failed.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Timelike};
use serde::{Deserialize, Serialize};

use crate::core::dialect::{DialectKind, Grouping};
use crate::core::record::{Cost, Direction, Record, TimeMeaning};

pub mod by_id;
pub mod whole;

/// The version of the grouping rules and of [`Call`]'s fields. The store keeps calls grouped per
/// day under this number (with the package version) and regroups the days stored under another:
/// bump it with any change that can change a call or add a field.
pub const MODEL_VERSION: u32 = 3;

/// What a report prints instead of ring times when the layout has none.
pub const RING_UNKNOWN_NOTICE: &str =
    "ring time unknown: set the PBX's SMDR format to Pattern A or C";

/// Pattern B: the longest a transferred leg without `TR` may have rung before it was answered
/// and still count as the same call (rule 3), on top of the minute's rounding. The real
/// capture's transfers all fit even with 0 s; 30 s keeps a transfer whose target rang a while
/// in one call, at the price of reading some quick redials as transfers (the generator's
/// agreement figures in `tests/calls_truth.rs` show both).
pub const HANDOVER_RING_MAX_SECS: i64 = 30;

/// Pattern B: the same for a `TR` line, which is certainly a transfer.
pub const TRANSFER_RING_MAX_SECS: i64 = 600;

/// A `TR` line that fits no call by timing joins an answered call that ended at most this long
/// before it began.
pub const TRANSFER_FALLBACK_SECS: i64 = 900;

/// How many of a caller's recent calls (per trunk) a leg is tried against.
const CANDIDATES: usize = 16;

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Somebody talked: an extension, or the outside number a call was forwarded to.
    Answered,
    /// Incoming and nobody answered: NA on its lines, no talk.
    Lost,
    /// Outgoing with no talk time: unanswered, busy or failed (Panasonic does not tell which).
    NotConnected,
    /// Intercom: Panasonic prints no duration on `EXTnnn` lines.
    Unknown,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Answered => "answered",
            Outcome::Lost => "lost",
            Outcome::NotConnected => "not_connected",
            Outcome::Unknown => "unknown",
        }
    }
}

/// Which parts of a call's times are estimates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Estimates {
    /// The printed time has minutes only: [`Call::end`] is that minute, the true end (and
    /// start) is up to 59 s later.
    pub end_to_the_minute: bool,
    /// Incoming call without a ring column: [`Call::start`] is the answer moment (or, if lost,
    /// the minute it was printed); it began to ring earlier, by an unknown time.
    pub ring_unknown: bool,
    /// Start and ring time combine lines printed in different minutes: add up to 59 s per line.
    pub across_minutes: bool,
    /// The PBX printed `**` instead of the date or time (clock changed during the call): the
    /// time of the record before is used.
    pub time_borrowed: bool,
}

/// Oddities the grouping met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Note {
    /// A transferred leg whose first leg is not among the records (capture began mid-call).
    TransferFirstLegMissing,
    /// A `TR` leg joined although it began more than a minute after the previous leg ended.
    TransferTimingLoose,
    /// An `FW` line with no incoming line from its extension in its minute.
    ForwardWithoutIncoming,
    /// Zero talk and no `NA`: the PBX did not call it unanswered, yet nobody talked.
    AnsweredWithoutTalk,
    /// The PBX printed `**` for the date or time of a line of this call.
    TimeNotPrinted,
    /// Voicemail took a part of the call (Avaya IP Office `VM Channel` party). Voicemail is
    /// not a person: a call only voicemail took is lost (incoming) or not connected
    /// (internal), and its voicemail part is in no leg, talk time or `rang`.
    Voicemail,
}

/// One call: every leg the PBX printed for it, merged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    pub direction: Direction,
    /// Incoming: when it began to ring (end - talk - ring of its first legs); outgoing: when it
    /// was connected (dialling before that is not printed); internal: the printed time. See
    /// `estimated`.
    pub start: NaiveDateTime,
    /// When its last leg ended, as printed (to the minute).
    pub end: NaiveDateTime,
    pub estimated: Estimates,
    /// Incoming: the caller; outgoing: the dialled number. Normalised by [`normalise_number`];
    /// `None` without caller ID.
    pub external_number: Option<String>,
    pub caller_name: Option<String>,
    /// Trunk (CO) as printed on the first leg.
    pub trunk: Option<String>,
    pub ddi: Option<String>,
    /// Outgoing: who dialled; internal: who called. `None` on incoming calls.
    pub extension: Option<String>,
    /// Internal: the called extension.
    pub called_extension: Option<String>,
    /// Incoming: the extension that answered first (`None` if lost, or only answered outside).
    pub answered_by: Option<String>,
    /// Incoming: every extension that rang without answering (NA lines and zero-talk lines),
    /// in print order, each once. Ring-no-answer per operator counts these.
    pub rang: Vec<String>,
    /// Incoming: seconds from the first ring to the answer (or to the hang-up if lost). `None`
    /// when a line has no ring column (Pattern B): see [`RING_UNKNOWN_NOTICE`].
    pub ring_secs: Option<u32>,
    /// Sum of the talk times of its legs (a forward's outside leg is not counted twice).
    pub talk_secs: u32,
    /// Who talked how long, one entry per printed leg that talked, in print order (the order
    /// the legs ended, which is the order people held the call). Incoming: the answering leg,
    /// then each transferred leg (so the extensions are [`Call::answered_by`] then
    /// [`Call::transferred_to`]; none for a call answered without talk,
    /// [`Note::AnsweredWithoutTalk`]); the leg that forwarded a call outside is not one (the
    /// outside party talked). Outgoing: the dialling extension's leg, then each colleague's
    /// it was transferred to. Internal: none (Panasonic prints no duration on intercom
    /// lines). Incoming and outgoing calls without a forward: the talk times add up to
    /// `talk_secs`.
    pub legs: Vec<LegTalk>,
    pub outcome: Outcome,
    /// Extensions the call was transferred to, in order.
    pub transferred_to: Vec<String>,
    /// Forwarded to this outside number (normalised) ...
    pub forwarded_to_outside: Option<String>,
    /// ... by this extension.
    pub forwarded_by: Option<String>,
    /// The charges printed on its legs (a forward's outside leg included), summed exactly in
    /// decimal; `None` when no leg printed a cost (Pattern A has no cost column), or the legs
    /// print different currencies or amounts too large to add (see [`sum_costs`]).
    pub cost: Option<Cost>,
    /// The seqs of its records, ascending.
    pub parts: Vec<i64>,
    /// Seqs of the intercom lines that were consultations for its transfers.
    pub consultations: Vec<i64>,
    /// Internal: a consultation for the call whose first part is this seq.
    pub consultation_for: Option<i64>,
    pub notes: Vec<Note>,
}

/// One leg's talk: the extension on the leg and how long it talked there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegTalk {
    pub extension: String,
    pub talk_secs: u32,
}

impl Call {
    /// A blank call: `direction`, starting and ending at `start`, with nothing else known: no
    /// numbers, trunk, extensions or cost (`None`), no legs, parts, transfers or notes (empty),
    /// no ring time, zero talk, [`Outcome::Unknown`] and nothing marked estimated
    /// (`Estimates::default()`).
    ///
    /// The one place that lists every field: the grouping and the test fixtures fill in what
    /// they know with struct-update syntax, `Call { talk_secs: 60, ..Call::new(dir, start) }`,
    /// so a new field needs a default here only.
    pub fn new(direction: Direction, start: NaiveDateTime) -> Call {
        Call {
            direction,
            start,
            end: start,
            estimated: Estimates::default(),
            external_number: None,
            caller_name: None,
            trunk: None,
            ddi: None,
            extension: None,
            called_extension: None,
            answered_by: None,
            rang: Vec::new(),
            ring_secs: None,
            talk_secs: 0,
            legs: Vec::new(),
            outcome: Outcome::Unknown,
            transferred_to: Vec::new(),
            forwarded_to_outside: None,
            forwarded_by: None,
            cost: None,
            parts: Vec::new(),
            consultations: Vec::new(),
            consultation_for: None,
            notes: Vec::new(),
        }
    }

    /// [`RING_UNKNOWN_NOTICE`] for an incoming call whose ring time the printout lacks.
    pub fn ring_notice(&self) -> Option<&'static str> {
        (self.direction == Direction::Incoming && self.ring_secs.is_none())
            .then_some(RING_UNKNOWN_NOTICE)
    }
}

/// A number as digits only. A leading `+` is the international prefix and becomes `00`, so
/// `+39 0364 538740` and `0039 0364 538740` are the same number; national numbers keep their
/// leading `0` (in Italy it is part of the number). Pauses, `=`, `.`, `*`, `#` and names are
/// dropped. `None` if no digit is left.
pub fn normalise_number(s: &str) -> Option<String> {
    let t = s.trim_start();
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        None
    } else if t.starts_with('+') {
        Some(format!("00{digits}"))
    } else {
        Some(digits)
    }
}

/// Groups records (in the store's order, `(seq, record)`) into calls, ordered by their first
/// part. Every seq is in exactly one call's `parts`.
pub fn group(records: &[(i64, Record)]) -> Vec<Call> {
    let grouping_of = |r: &Record| {
        DialectKind::from_name(r.dialect).map_or(Grouping::Legs, DialectKind::grouping)
    };
    if records
        .iter()
        .all(|(_, r)| grouping_of(r) == Grouping::Legs)
    {
        return group_legs(records);
    }
    // A database can hold more than one family (the PBX was replaced): each is grouped by its
    // own rules and the calls merged in the order of their first part.
    let mut legs = Vec::new();
    let mut by_id = Vec::new();
    let mut whole = Vec::new();
    for (seq, r) in records {
        match grouping_of(r) {
            Grouping::Legs => legs.push((*seq, r.clone())),
            Grouping::CallId => by_id.push((*seq, r)),
            Grouping::Whole => whole.push((*seq, r)),
        }
    }
    let mut calls = group_legs(&legs);
    calls.extend(by_id::group(&by_id));
    calls.extend(whole::group(&whole));
    calls.sort_by_key(|c| c.parts.first().copied());
    calls
}

/// Panasonic's rules (the module doc): legs linked by trunk, caller and timing.
fn group_legs(records: &[(i64, Record)]) -> Vec<Call> {
    let mut g = Grouper::default();
    let mut last_time = None;
    let mut notices = Vec::new();
    for (i, (seq, rec)) in records.iter().enumerate() {
        let leg = Leg::new(i, *seq, rec, &mut last_time);
        if leg.role == Role::Notice {
            notices.push((leg, key_of(rec, true)));
        } else {
            g.place(leg, rec);
        }
    }
    g.attach_notices(notices);
    g.attach_forwards();
    g.link_consultations(records);
    g.finish(records)
}

// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Incoming, `NA`.
    NotAnswered,
    /// Incoming, zero talk, no `NA`, not `TR`: rang here, picked up elsewhere.
    RangElsewhere,
    /// Incoming with talk (or `TR`).
    Talked,
    /// Outgoing `FW`.
    Forward,
    /// Outgoing.
    Dialled,
    /// Intercom.
    Internal,
    /// Incoming event line without a duration: KX-TD816 `RC` (received, printed when the call
    /// arrives) or `AN` (answered, with the ring time), or their Call Waiting twins `VR`/`VA`.
    /// Not a leg: it joins the call whose legs follow ([`NOTICE_CODES`]).
    Notice,
}

/// Condition codes of incoming event lines that announce a call rather than end a leg.
const NOTICE_CODES: [&str; 4] = ["RC", "AN", "VR", "VA"];

#[derive(Debug, Clone)]
struct Leg {
    seq: i64,
    /// Index of its record in the input.
    rec: usize,
    role: Role,
    ext: String,
    /// Seconds (since 1970, of the PBX's local clock) between which the leg ended.
    end_lo: i64,
    end_hi: i64,
    talk: i64,
    ring: Option<i64>,
    transferred: bool,
    borrowed: bool,
}

impl Leg {
    fn new(rec_index: usize, seq: i64, rec: &Record, last: &mut Option<NaiveDateTime>) -> Leg {
        let (printed, borrowed) = match (rec.date, rec.time) {
            (Some(d), Some(t)) => {
                let dt = d.and_time(t);
                *last = Some(dt);
                (dt, false)
            }
            // `**` for the date or the time: keep what was printed, borrow the rest.
            (None, Some(t)) => (last.unwrap_or_default().date().and_time(t), true),
            (Some(d), None) => (
                last.filter(|l| l.date() == d)
                    .unwrap_or_else(|| d.and_time(chrono::NaiveTime::MIN)),
                true,
            ),
            (None, None) => (last.unwrap_or_default(), true),
        };
        let p = printed.and_utc().timestamp();
        // Minutes only (Panasonic): the leg ended somewhere in the printed minute.
        let width = if printed.second() == 0 { 59 } else { 0 };
        let talk = i64::from(rec.duration_secs.unwrap_or(0));
        let ring = rec.ring_secs.map(i64::from);
        let end_lo = match rec.time_is {
            TimeMeaning::CallEnd => p,
            TimeMeaning::CallStart => p.saturating_add(ring.unwrap_or(0)).saturating_add(talk),
        };
        let notice = rec.duration_secs.is_none()
            && !rec.unanswered
            && rec
                .condition
                .as_deref()
                .is_some_and(|c| NOTICE_CODES.contains(&c));
        let role = match rec.direction {
            Direction::Internal => Role::Internal,
            Direction::Incoming if notice => Role::Notice,
            Direction::Outgoing if rec.forwarded => Role::Forward,
            Direction::Outgoing => Role::Dialled,
            Direction::Incoming if rec.unanswered => Role::NotAnswered,
            Direction::Incoming if rec.duration_secs == Some(0) && !rec.transferred => {
                Role::RangElsewhere
            }
            Direction::Incoming => Role::Talked,
        };
        Leg {
            seq,
            rec: rec_index,
            role,
            ext: rec.extension.clone(),
            end_lo,
            end_hi: end_lo.saturating_add(width),
            talk,
            ring,
            transferred: rec.transferred,
            borrowed,
        }
    }

    fn minute(&self) -> i64 {
        self.end_lo.div_euclid(60)
    }

    /// When the leg was answered: end minus talk.
    fn answer_window(&self) -> (i64, i64) {
        (
            self.end_lo.saturating_sub(self.talk),
            self.end_hi.saturating_sub(self.talk),
        )
    }

    /// When the leg began to ring; an unknown ring time is taken as 0..=`ring_max`.
    fn start_window(&self, ring_max: i64) -> (i64, i64) {
        let (lo, hi) = self.answer_window();
        match self.ring {
            Some(r) => (lo.saturating_sub(r), hi.saturating_sub(r)),
            None => (lo.saturating_sub(ring_max), hi),
        }
    }

    fn is_incoming(&self) -> bool {
        matches!(
            self.role,
            Role::NotAnswered | Role::RangElsewhere | Role::Talked | Role::Notice
        )
    }
}

fn overlaps(a: (i64, i64), b: (i64, i64)) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}

/// Who is calling (incoming) or called (outgoing), for grouping.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Party {
    Number(String),
    Name(String),
    Unknown,
}

fn party(rec: &Record) -> Party {
    match (normalise_number(&rec.number), &rec.caller_name) {
        (Some(n), _) => Party::Number(n),
        (None, Some(name)) if !name.trim().is_empty() => Party::Name(name.trim().to_string()),
        _ => Party::Unknown,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    incoming: bool,
    trunk: Option<String>,
    party: Party,
}

fn key_of(rec: &Record, incoming: bool) -> Key {
    Key {
        incoming,
        trunk: rec.trunk.clone(),
        party: party(rec),
    }
}

#[derive(Debug)]
struct Draft {
    direction: Direction,
    legs: Vec<Leg>,
    /// Index into `legs` of the incoming leg an `FW` leg forwarded.
    forwarding_leg: Option<usize>,
    consultations: Vec<i64>,
    consultation_for: Option<usize>,
    notes: Vec<Note>,
    /// Event lines ([`Role::Notice`]) of this call; they are parts, not legs.
    notices: Vec<Leg>,
    /// False once merged into another draft.
    live: bool,
}

impl Draft {
    fn new(direction: Direction, leg: Leg) -> Draft {
        Draft {
            direction,
            legs: vec![leg],
            forwarding_leg: None,
            consultations: Vec::new(),
            consultation_for: None,
            notes: Vec::new(),
            notices: Vec::new(),
            live: true,
        }
    }

    /// Made of event lines only: no leg of the call was printed (yet).
    fn only_notices(&self) -> bool {
        self.legs.iter().all(|l| l.role == Role::Notice)
    }

    /// A notice printed while this call was on: at most [`TRANSFER_RING_MAX_SECS`] (and the
    /// minute's rounding) before its legs began, and not after its last leg ended.
    fn covers_notice(&self, n: &Leg) -> bool {
        let began = self
            .legs
            .iter()
            .map(|l| {
                let ring = l.ring.unwrap_or(TRANSFER_RING_MAX_SECS);
                l.end_lo.saturating_sub(l.talk).saturating_sub(ring)
            })
            .min();
        let ended = self.legs.iter().map(|l| l.end_hi).max();
        let last_seq = self.legs.iter().map(|l| l.seq).max();
        match (began, ended, last_seq) {
            (Some(b), Some(e), Some(s)) => {
                s > n.seq && n.end_hi >= b.saturating_sub(60) && n.end_lo <= e
            }
            _ => false,
        }
    }

    fn forwarded(&self) -> bool {
        self.legs.iter().any(|l| l.role == Role::Forward)
    }

    /// The last leg that talked: a transfer starts where it ended.
    fn handover(&self) -> Option<&Leg> {
        self.legs
            .iter()
            .rev()
            .find(|l| matches!(l.role, Role::Talked | Role::Dialled))
    }

    /// Rule 1: an NA or rule-2 line of a call nobody has answered yet.
    fn still_ringing_for(&self, leg: &Leg) -> bool {
        if self.handover().is_some() || self.forwarded() {
            return false;
        }
        let Some(last) = self.legs.iter().map(Leg::minute).max() else {
            return false;
        };
        let gap = leg.minute().saturating_sub(last);
        (0..=1).contains(&gap) && !self.legs.iter().any(|l| l.ext == leg.ext)
    }

    /// Rule 3: an answered line that continues this call.
    fn takes_answer(&self, leg: &Leg) -> bool {
        if self.forwarded() {
            return false;
        }
        if let Some(h) = self.handover() {
            let ring_max = if leg.transferred {
                TRANSFER_RING_MAX_SECS
            } else {
                HANDOVER_RING_MAX_SECS
            };
            overlaps(leg.start_window(ring_max), (h.end_lo, h.end_hi))
        } else if let Some(z) = self
            .legs
            .iter()
            .rev()
            .find(|l| l.role == Role::RangElsewhere)
        {
            overlaps(leg.answer_window(), (z.end_lo, z.end_hi))
        } else {
            // NA on every line: the caller hung up.
            false
        }
    }

    /// Rule 3, fallback for a `TR` line.
    fn takes_late_transfer(&self, leg: &Leg) -> bool {
        if self.forwarded() {
            return false;
        }
        self.handover().is_some_and(|h| {
            let began = leg.start_window(TRANSFER_RING_MAX_SECS).0;
            h.end_lo <= leg.end_hi && began.saturating_sub(h.end_hi) <= TRANSFER_FALLBACK_SECS
        })
    }
}

#[derive(Default)]
struct Grouper {
    drafts: Vec<Draft>,
    /// Drafts by caller (or called number) and trunk, oldest first.
    by_key: BTreeMap<Key, Vec<usize>>,
    /// Drafts made of one `FW` line, to attach to their incoming call.
    forwards: Vec<usize>,
}

impl Grouper {
    fn push_new(&mut self, direction: Direction, leg: Leg, key: Option<Key>) -> usize {
        let d = self.drafts.len();
        self.drafts.push(Draft::new(direction, leg));
        if let Some(key) = key {
            self.by_key.entry(key).or_default().push(d);
        }
        d
    }

    fn candidates(&self, key: &Key) -> Vec<usize> {
        self.by_key
            .get(key)
            .map(|v| v.iter().rev().take(CANDIDATES).copied().collect())
            .unwrap_or_default()
    }

    fn place(&mut self, leg: Leg, rec: &Record) {
        let key = Key {
            incoming: leg.is_incoming(),
            trunk: rec.trunk.clone(),
            party: party(rec),
        };
        match leg.role {
            Role::Internal => {
                self.push_new(Direction::Internal, leg, None);
            }
            Role::Forward => {
                let d = self.push_new(Direction::Outgoing, leg, None);
                self.forwards.push(d);
            }
            Role::Dialled if leg.transferred => self.place_transfer(leg, key, Direction::Outgoing),
            Role::Dialled => {
                self.push_new(Direction::Outgoing, leg, Some(key));
            }
            Role::NotAnswered | Role::RangElsewhere => {
                let found = self
                    .candidates(&key)
                    .into_iter()
                    .find(|&c| self.drafts[c].still_ringing_for(&leg));
                match found {
                    Some(c) => self.drafts[c].legs.push(leg),
                    None => {
                        self.push_new(Direction::Incoming, leg, Some(key));
                    }
                }
            }
            Role::Talked => self.place_transfer(leg, key, Direction::Incoming),
            // `group_legs` attaches event lines after the legs (`attach_notices`).
            Role::Notice => {
                self.push_new(Direction::Incoming, leg, Some(key));
            }
        }
    }

    /// An answered incoming leg (rule 3) or a transferred outgoing leg (rule 5).
    fn place_transfer(&mut self, leg: Leg, key: Key, direction: Direction) {
        let cands = self.candidates(&key);
        let mut note = None;
        let mut found = cands
            .iter()
            .copied()
            .find(|&c| self.drafts[c].takes_answer(&leg));
        if found.is_none() && leg.transferred {
            found = cands
                .iter()
                .copied()
                .find(|&c| self.drafts[c].takes_late_transfer(&leg));
            note = found.map(|_| Note::TransferTimingLoose);
        }
        match found {
            Some(c) => {
                let d = &mut self.drafts[c];
                d.legs.push(leg);
                d.notes.extend(note);
            }
            None => {
                let transferred = leg.transferred;
                let d = self.push_new(direction, leg, Some(key));
                if transferred {
                    self.drafts[d].notes.push(Note::TransferFirstLegMissing);
                }
            }
        }
    }

    /// Event lines (KX-TD816 `RC`/`AN`): each joins the earliest incoming call of its caller and
    /// trunk that was still on when it was printed (its legs are printed later); without one,
    /// the event lines of one caller and trunk within [`TRANSFER_RING_MAX_SECS`] make a call
    /// of their own.
    fn attach_notices(&mut self, notices: Vec<(Leg, Key)>) {
        for (n, key) in notices {
            let ids: Vec<usize> = self.by_key.get(&key).cloned().unwrap_or_default();
            let call = ids.iter().copied().find(|&d| {
                let draft = &self.drafts[d];
                draft.live
                    && draft.direction == Direction::Incoming
                    && !draft.only_notices()
                    && draft.covers_notice(&n)
            });
            if let Some(d) = call {
                self.drafts[d].notices.push(n);
                continue;
            }
            let alone = ids.iter().rev().copied().find(|&d| {
                let draft = &self.drafts[d];
                draft.only_notices()
                    && draft.legs.last().is_some_and(|l| {
                        n.end_lo.saturating_sub(l.end_lo) <= TRANSFER_RING_MAX_SECS
                    })
            });
            match alone {
                Some(d) => self.drafts[d].legs.push(n),
                None => {
                    self.push_new(Direction::Incoming, n, Some(key));
                }
            }
        }
    }

    /// Rule 4: each `FW` draft joins the incoming call with a leg from its extension in its
    /// minute (same talk time preferred, then the nearest in print order).
    fn attach_forwards(&mut self) {
        let mut index: BTreeMap<(String, i64), Vec<(usize, usize)>> = BTreeMap::new();
        for (d, draft) in self.drafts.iter().enumerate() {
            if draft.direction != Direction::Incoming {
                continue;
            }
            for (k, l) in draft.legs.iter().enumerate() {
                index
                    .entry((l.ext.clone(), l.minute()))
                    .or_default()
                    .push((d, k));
            }
        }
        for f in self.forwards.clone() {
            let Some(fw) = self.drafts[f].legs.first().cloned() else {
                continue;
            };
            let best = index
                .get(&(fw.ext.clone(), fw.minute()))
                .into_iter()
                .flatten()
                .filter(|&&(d, _)| self.drafts[d].live && !self.drafts[d].forwarded())
                .min_by_key(|&&(d, k)| {
                    let l = &self.drafts[d].legs[k];
                    (l.talk.abs_diff(fw.talk), l.seq.abs_diff(fw.seq), l.seq)
                })
                .copied();
            match best {
                Some((d, k)) => {
                    self.drafts[f].live = false;
                    let legs = std::mem::take(&mut self.drafts[f].legs);
                    let target = &mut self.drafts[d];
                    target.forwarding_leg = Some(k);
                    target.legs.extend(legs);
                }
                None => self.drafts[f].notes.push(Note::ForwardWithoutIncoming),
            }
        }
    }

    /// Rule 6: an intercom line X -> Y is the consultation of a call that had a leg at X ending
    /// in the same or the next minute and then went on at Y; one consultation per transfer
    /// (the one printed in the leg's minute, else the nearest).
    fn link_consultations(&mut self, records: &[(i64, Record)]) {
        let mut index: BTreeMap<(String, i64), Vec<(usize, usize)>> = BTreeMap::new();
        for (d, draft) in self.drafts.iter().enumerate() {
            if !draft.live || draft.direction == Direction::Internal {
                continue;
            }
            for (k, l) in draft.legs.iter().enumerate() {
                if matches!(l.role, Role::Talked | Role::Dialled) {
                    index
                        .entry((l.ext.clone(), l.minute()))
                        .or_default()
                        .push((d, k));
                }
            }
        }
        // Every possible link, scored: same minute before the next one, then nearest.
        let mut links = Vec::new();
        for (i, draft) in self.drafts.iter().enumerate() {
            if draft.direction != Direction::Internal {
                continue;
            }
            let Some(icm) = draft.legs.first() else {
                continue;
            };
            let called = records
                .get(icm.rec)
                .map(|(_, r)| r.number.trim())
                .unwrap_or_default();
            let m = icm.minute();
            for (gap, minute) in [(0u8, m), (1, m.saturating_add(1))] {
                for &(d, k) in index.get(&(icm.ext.clone(), minute)).into_iter().flatten() {
                    let legs = &self.drafts[d].legs;
                    let next = legs[k + 1..]
                        .iter()
                        .find(|l| matches!(l.role, Role::Talked | Role::Dialled));
                    if next.is_some_and(|l| l.ext == called) {
                        let s = legs[k].seq;
                        links.push(((gap, s.abs_diff(icm.seq), s), i, d, k));
                    }
                }
            }
        }
        links.sort_unstable();
        // One consultation per transfer, one transfer per consultation.
        let mut used = std::collections::BTreeSet::new();
        for (_, i, d, k) in links {
            if self.drafts[i].consultation_for.is_some() || !used.insert((d, k)) {
                continue;
            }
            let seq = self.drafts[i].legs.first().map_or(0, |l| l.seq);
            self.drafts[d].consultations.push(seq);
            self.drafts[d].consultations.sort_unstable();
            self.drafts[i].consultation_for = Some(d);
        }
    }

    fn finish(self, records: &[(i64, Record)]) -> Vec<Call> {
        let first_seq: Vec<Option<i64>> = self
            .drafts
            .iter()
            .map(|d| d.legs.iter().map(|l| l.seq).min())
            .collect();
        let mut calls: Vec<Call> = self
            .drafts
            .iter()
            .filter(|d| d.live && !d.legs.is_empty())
            .map(|d| {
                let mut c = finish_draft(d, records);
                c.consultation_for = d.consultation_for.and_then(|x| first_seq[x]);
                c
            })
            .collect();
        calls.sort_by_key(|c| c.parts.first().copied());
        calls
    }
}

fn to_datetime(secs: i64) -> NaiveDateTime {
    match DateTime::from_timestamp(secs, 0) {
        Some(d) => d.naive_utc(),
        None if secs < 0 => NaiveDateTime::MIN,
        None => NaiveDateTime::MAX,
    }
}

fn secs_u32(x: i64) -> u32 {
    u32::try_from(x.max(0)).unwrap_or(u32::MAX)
}

/// Adds printed charges exactly: `0.50` + `1.2` = `1.70` (the result keeps the most decimals
/// any amount has). `None` if there are none, if the currencies differ (a sum of euros and
/// something else means nothing), or if an amount is not plain decimal text or too large.
pub fn sum_costs<'a>(costs: impl IntoIterator<Item = &'a Cost>) -> Option<Cost> {
    // (integer units, decimals) of each amount.
    let mut parsed: Vec<(u128, usize)> = Vec::new();
    let mut currency: Option<&str> = None;
    for c in costs {
        if currency.is_some_and(|cur| cur != c.currency) {
            return None;
        }
        currency = Some(&c.currency);
        let (int, frac) = c.amount.split_once('.').unwrap_or((&c.amount, ""));
        let n = int.len().saturating_add(frac.len());
        if n == 0 || n > 30 || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let units: u128 = format!("{int}{frac}").parse().ok()?;
        parsed.push((units, frac.len()));
    }
    let currency = currency?.to_string();
    let scale = parsed.iter().map(|&(_, s)| s).max().unwrap_or(0);
    let mut total: u128 = 0;
    for (units, s) in parsed {
        let factor = 10u128.checked_pow(u32::try_from(scale - s).ok()?)?;
        total = total.checked_add(units.checked_mul(factor)?)?;
    }
    let digits = format!("{total:0>width$}", width = scale + 1);
    let (int, frac) = digits.split_at(digits.len() - scale);
    let amount = if scale == 0 {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    };
    Some(Cost { amount, currency })
}

fn leg_talk(l: &Leg) -> LegTalk {
    LegTalk {
        extension: l.ext.clone(),
        talk_secs: secs_u32(l.talk),
    }
}

fn push_once(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}

fn finish_draft(d: &Draft, records: &[(i64, Record)]) -> Call {
    let rec = |l: &Leg| records.get(l.rec).map(|(_, r)| r);
    let legs = &d.legs;
    let mut parts: Vec<i64> = legs.iter().chain(&d.notices).map(|l| l.seq).collect();
    parts.sort_unstable();
    let end_lo = legs.iter().map(|l| l.end_lo).max().unwrap_or(0);
    let first = legs.first().and_then(rec);
    let mut notes = d.notes.clone();
    let borrowed = legs.iter().any(|l| l.borrowed);
    if borrowed {
        notes.push(Note::TimeNotPrinted);
    }
    let mut call = Call {
        estimated: Estimates {
            end_to_the_minute: legs.iter().any(|l| l.end_hi > l.end_lo),
            time_borrowed: borrowed,
            ..Estimates::default()
        },
        caller_name: legs
            .iter()
            .filter_map(rec)
            .find_map(|r| r.caller_name.clone()),
        trunk: first.and_then(|r| r.trunk.clone()),
        ddi: legs.iter().filter_map(rec).find_map(|r| r.ddi.clone()),
        cost: sum_costs(legs.iter().filter_map(rec).filter_map(|r| r.cost.as_ref())),
        parts,
        consultations: d.consultations.clone(),
        notes,
        ..Call::new(d.direction, to_datetime(end_lo))
    };
    let talk_sum = |ls: &mut dyn Iterator<Item = &Leg>| {
        secs_u32(ls.fold(0, |a: i64, l| a.saturating_add(l.talk)))
    };
    let forward = legs.iter().find(|l| l.role == Role::Forward);
    if let Some(fw) = forward {
        call.forwarded_to_outside = rec(fw).and_then(|r| normalise_number(&r.number));
        call.forwarded_by = Some(fw.ext.clone());
    }
    match d.direction {
        Direction::Internal => {
            call.extension = first.map(|r| r.extension.clone());
            call.called_extension = first
                .map(|r| r.number.trim().to_string())
                .filter(|n| !n.is_empty());
            call.talk_secs = talk_sum(&mut legs.iter());
            let start = legs
                .iter()
                .map(|l| l.end_lo.saturating_sub(l.talk))
                .min()
                .unwrap_or(end_lo);
            call.start = to_datetime(start);
        }
        Direction::Outgoing => {
            call.extension = first.map(|r| r.extension.clone());
            call.external_number = first.and_then(|r| normalise_number(&r.number));
            call.transferred_to = legs.iter().skip(1).map(|l| l.ext.clone()).collect();
            call.talk_secs = talk_sum(&mut legs.iter());
            call.legs = legs.iter().map(leg_talk).collect();
            // The first leg was connected first: a colleague's longer leg printed in the same
            // minute would otherwise pull the start before the real connection.
            let start = legs
                .first()
                .map(|l| l.end_lo.saturating_sub(l.talk))
                .unwrap_or(end_lo);
            call.start = to_datetime(start);
            call.outcome = if call.talk_secs > 0 {
                Outcome::Answered
            } else {
                Outcome::NotConnected
            };
            if forward.is_some() {
                // An FW line of its own: forwarded, but from where is not printed.
                call.transferred_to.clear();
            }
        }
        Direction::Incoming => finish_incoming(d, records, &mut call),
    }
    call
}

fn finish_incoming(d: &Draft, records: &[(i64, Record)], call: &mut Call) {
    let legs = &d.legs;
    let rec = |l: &Leg| records.get(l.rec).map(|(_, r)| r);
    if d.only_notices() {
        finish_notices(legs, records, call);
        return;
    }
    let incoming: Vec<(usize, &Leg)> = legs
        .iter()
        .enumerate()
        .filter(|(_, l)| l.is_incoming())
        .collect();
    call.external_number = incoming
        .first()
        .and_then(|(_, l)| rec(l))
        .and_then(|r| normalise_number(&r.number));
    for (_, l) in &incoming {
        if matches!(l.role, Role::NotAnswered | Role::RangElsewhere) {
            push_once(&mut call.rang, &l.ext);
        }
    }
    // The first talked leg answered the call, unless it only forwarded it outside or it is a
    // transferred leg whose first leg is missing; the talked legs after it are transfers.
    let talked: Vec<(usize, &Leg)> = incoming
        .iter()
        .copied()
        .filter(|(_, l)| l.role == Role::Talked)
        .collect();
    let mut answer: Option<usize> = None;
    for (pos, (k, l)) in talked.iter().enumerate() {
        let forwarding = d.forwarding_leg == Some(*k);
        let orphan_transfer = pos == 0 && *k == 0 && l.transferred;
        if answer.is_none() && !forwarding && !orphan_transfer {
            answer = Some(*k);
            call.answered_by = Some(l.ext.clone());
        } else if !forwarding {
            call.transferred_to.push(l.ext.clone());
        }
        if !forwarding {
            call.legs.push(leg_talk(l));
        }
    }
    call.talk_secs = secs_u32(
        talked
            .iter()
            .fold(0, |a: i64, (_, l)| a.saturating_add(l.talk)),
    );
    let fw_talk = legs
        .iter()
        .find(|l| l.role == Role::Forward)
        .map_or(0, |l| l.talk);
    let has_na = incoming.iter().any(|(_, l)| l.role == Role::NotAnswered);
    // The leg whose pick-up ends the ringing: the answer, else the forwarded leg, else a
    // transferred leg whose first leg is missing, else none (lost, or zero-talk lines only).
    let pickup = answer
        .or(d.forwarding_leg)
        .or_else(|| talked.first().map(|(k, _)| *k));
    call.outcome = if pickup.is_some() {
        if answer.is_none() && d.forwarding_leg.is_some() && fw_talk == 0 && call.talk_secs == 0 {
            Outcome::Lost
        } else {
            Outcome::Answered
        }
    } else if has_na || incoming.is_empty() {
        Outcome::Lost
    } else {
        // Only zero-talk lines without NA: the PBX says answered, nobody talked.
        call.notes.push(Note::AnsweredWithoutTalk);
        if let Some((_, l)) = incoming.first() {
            call.answered_by = Some(l.ext.clone());
            call.rang.retain(|e| *e != l.ext);
        }
        Outcome::Answered
    };
    // Start and ring time from the legs up to the pick-up (all of them if lost).
    let upto = pickup.unwrap_or(usize::MAX);
    let before: Vec<&Leg> = incoming
        .iter()
        .filter(|(k, _)| *k <= upto)
        .map(|(_, l)| *l)
        .collect();
    let ring_known = !before.is_empty() && before.iter().all(|l| l.ring.is_some());
    let start = before
        .iter()
        .map(|l| {
            l.end_lo
                .saturating_sub(l.talk)
                .saturating_sub(l.ring.unwrap_or(0))
        })
        .min();
    if let Some(start) = start {
        call.start = to_datetime(start);
        let stop = match pickup.and_then(|k| legs.get(k)) {
            Some(p) => p.end_lo.saturating_sub(p.talk),
            None => before.iter().map(|l| l.end_lo).max().unwrap_or(start),
        };
        // A transferred leg whose first leg is missing rang for the transfer, not the caller.
        let orphan = d.notes.contains(&Note::TransferFirstLegMissing);
        if ring_known && !orphan {
            call.ring_secs = Some(secs_u32(stop.saturating_sub(start)));
        }
    }
    if call.ring_secs.is_none() {
        // An `AN` event line prints the ring time its call's legs may lack.
        call.ring_secs = d.notices.iter().find_map(|n| n.ring).map(secs_u32);
    }
    let minutes: Vec<i64> = before.iter().map(|l| l.minute()).collect();
    call.estimated.across_minutes = minutes.windows(2).any(|w| w[0] != w[1]);
    call.estimated.ring_unknown = call.ring_secs.is_none();
}

/// A call known only from event lines: `AN` says who answered after how long (the talk was
/// not printed); `RC` alone says it arrived and nothing says anyone answered: lost.
fn finish_notices(legs: &[Leg], records: &[(i64, Record)], call: &mut Call) {
    let first = legs.first();
    call.external_number = first
        .and_then(|l| records.get(l.rec))
        .and_then(|(_, r)| normalise_number(&r.number));
    let start = first.map(|l| l.end_lo.saturating_sub(l.ring.unwrap_or(0)));
    match legs.iter().find(|l| l.ring.is_some()) {
        Some(an) => {
            call.outcome = Outcome::Answered;
            call.answered_by = Some(an.ext.clone());
            call.ring_secs = an.ring.map(secs_u32);
            call.notes.push(Note::AnsweredWithoutTalk);
            call.start = to_datetime(an.end_lo.saturating_sub(an.ring.unwrap_or(0)));
        }
        None => {
            call.outcome = Outcome::Lost;
            if let Some(s) = start {
                call.start = to_datetime(s);
            }
        }
    }
    call.estimated.ring_unknown = call.ring_secs.is_none();
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, NaiveTime};

    /// A record like the Panasonic dialect makes, from the fields that matter here.
    #[allow(clippy::too_many_arguments)]
    fn rec(
        day: u32,
        hm: &str,
        ext: &str,
        co: Option<&str>,
        dir: Direction,
        number: &str,
        ring: Option<u32>,
        dur: Option<u32>,
        cd: &str,
    ) -> Record {
        let (h, m) = hm.split_once(':').unwrap();
        Record {
            dialect: "panasonic",
            layout: if ring.is_some() { "A" } else { "B" },
            date: NaiveDate::from_ymd_opt(2020, 12, day),
            time: NaiveTime::from_hms_opt(h.parse().unwrap(), m.parse().unwrap(), 0),
            time_is: TimeMeaning::CallEnd,
            extension: ext.into(),
            trunk: co.map(str::to_string),
            direction: dir,
            number: number.into(),
            caller_name: None,
            ddi: None,
            ring_secs: ring,
            duration_secs: dur,
            cost: None,
            account_code: None,
            condition: (!cd.is_empty()).then(|| cd.to_string()),
            unanswered: cd == "NA",
            transferred: cd == "TR",
            forwarded: cd == "FW",
            extra: Default::default(),
        }
    }

    fn inc(hm: &str, ext: &str, co: &str, num: &str, dur: u32, cd: &str) -> Record {
        rec(
            7,
            hm,
            ext,
            Some(co),
            Direction::Incoming,
            num,
            None,
            Some(dur),
            cd,
        )
    }

    fn inc_a(hm: &str, ext: &str, co: &str, num: &str, ring: u32, dur: u32, cd: &str) -> Record {
        rec(
            7,
            hm,
            ext,
            Some(co),
            Direction::Incoming,
            num,
            Some(ring),
            Some(dur),
            cd,
        )
    }

    fn out(hm: &str, ext: &str, co: &str, num: &str, dur: u32, cd: &str) -> Record {
        rec(
            7,
            hm,
            ext,
            Some(co),
            Direction::Outgoing,
            num,
            None,
            Some(dur),
            cd,
        )
    }

    fn icm(hm: &str, ext: &str, to: &str) -> Record {
        rec(7, hm, ext, None, Direction::Internal, to, None, None, "")
    }

    fn seqd(recs: Vec<Record>) -> Vec<(i64, Record)> {
        recs.into_iter()
            .enumerate()
            .map(|(i, r)| (i as i64 + 1, r))
            .collect()
    }

    fn legs(c: &Call) -> Vec<(&str, u32)> {
        c.legs
            .iter()
            .map(|l| (l.extension.as_str(), l.talk_secs))
            .collect()
    }

    fn parts(calls: &[Call]) -> Vec<Vec<i64>> {
        calls.iter().map(|c| c.parts.clone()).collect()
    }

    #[test]
    fn numbers_normalise_to_digits_with_00_for_plus() {
        assert_eq!(
            normalise_number("+39 0364 538740").as_deref(),
            Some("00390364538740")
        );
        assert_eq!(
            normalise_number("0039-0364-538740").as_deref(),
            Some("00390364538740")
        );
        assert_eq!(
            normalise_number("0364538740").as_deref(),
            Some("0364538740")
        );
        assert_eq!(normalise_number("P0364=12.3").as_deref(), Some("0364123"));
        assert_eq!(normalise_number(""), None);
        assert_eq!(normalise_number("Q COMPANY"), None);
    }

    /// A KX-TD816 event line (panasonic.md §3, source 7): incoming, ring time or none, no
    /// duration, `RC`/`AN`/`NA`.
    fn event(hm: &str, ext: &str, num: &str, ring: Option<u32>, cd: &str) -> Record {
        rec(
            7,
            hm,
            ext,
            Some("03"),
            Direction::Incoming,
            num,
            ring,
            None,
            cd,
        )
    }

    #[test]
    fn td816_received_and_answered_lines_join_the_call_they_announce() {
        let calls = group(&seqd(vec![
            event("10:03", "103", "1234567890", None, "RC"),
            event("10:03", "103", "1234567890", Some(20), "AN"),
            inc_a("10:09", "103", "03", "1234567890", 20, 341, ""),
            // Another caller: received, then nobody answered within 45 s.
            event("10:12", "104", "09243121", None, "RC"),
            event("10:13", "104", "09243121", Some(45), "NA"),
        ]));
        assert_eq!(parts(&calls), vec![vec![1, 2, 3], vec![4, 5]]);
        let answered = &calls[0];
        assert_eq!(answered.outcome, Outcome::Answered);
        assert_eq!(answered.answered_by.as_deref(), Some("103"));
        assert!(answered.transferred_to.is_empty(), "AN is not a transfer");
        assert!(answered.rang.is_empty(), "RC is not a ring without answer");
        assert_eq!(legs(answered), vec![("103", 341)]);
        assert_eq!(answered.ring_secs, Some(20));
        let lost = &calls[1];
        assert_eq!(lost.outcome, Outcome::Lost);
        assert_eq!(lost.rang, vec!["104".to_string()]);
        assert_eq!(lost.ring_secs, Some(45));
        assert_eq!(lost.start.format("%H:%M:%S").to_string(), "10:12:15");
    }

    #[test]
    fn td816_event_lines_alone() {
        // AN printed, the call's own line not (yet): answered after 20 s, talk unknown.
        let calls = group(&seqd(vec![
            event("10:03", "103", "1234567890", None, "RC"),
            event("10:03", "103", "1234567890", Some(20), "AN"),
            // RC only: nothing says anyone answered.
            event("11:00", "105", "0612345678", None, "RC"),
        ]));
        assert_eq!(parts(&calls), vec![vec![1, 2], vec![3]]);
        assert_eq!(calls[0].outcome, Outcome::Answered);
        assert_eq!(calls[0].answered_by.as_deref(), Some("103"));
        assert_eq!(calls[0].ring_secs, Some(20));
        assert_eq!(calls[0].notes, vec![Note::AnsweredWithoutTalk]);
        assert_eq!(calls[1].outcome, Outcome::Lost);
        assert!(calls[1].rang.is_empty());
    }

    /// KX-TES (panasonic.md §1, sources 8, 9, 11): the time is the start; `*` marks the leg
    /// a call was transferred to, which begins when the first leg ends.
    #[test]
    fn tes_start_time_transfer_is_one_call() {
        let tes = |hm: &str, ext: &str, dur: u32, transferred: bool| Record {
            layout: "TES",
            time_is: TimeMeaning::CallStart,
            transferred,
            ..rec(
                7,
                hm,
                ext,
                Some("02"),
                Direction::Incoming,
                "0612345678",
                None,
                Some(dur),
                "",
            )
        };
        let calls = group(&seqd(vec![
            tes("09:10", "202", 103, false),
            tes("09:12", "203", 468, true),
            tes("09:30", "201", 35, false),
        ]));
        assert_eq!(parts(&calls), vec![vec![1, 2], vec![3]]);
        let c = &calls[0];
        assert_eq!(c.answered_by.as_deref(), Some("202"));
        assert_eq!(c.transferred_to, vec!["203".to_string()]);
        assert_eq!(c.talk_secs, 571);
        // Start as printed (the answer: TES prints no ring time); end = 09:12 + 468 s.
        assert_eq!(c.start.format("%H:%M:%S").to_string(), "09:10:00");
        assert_eq!(c.end.format("%H:%M:%S").to_string(), "09:19:48");
        assert!(
            calls[1].transferred_to.is_empty(),
            "a later call of the caller is its own"
        );
    }

    #[test]
    fn one_line_answered_call() {
        let calls = group(&seqd(vec![inc_a(
            "10:03",
            "101",
            "03",
            "0364538740",
            12,
            95,
            "",
        )]));
        assert_eq!(calls.len(), 1);
        let c = &calls[0];
        assert_eq!(c.direction, Direction::Incoming);
        assert_eq!(c.outcome, Outcome::Answered);
        assert_eq!(c.answered_by.as_deref(), Some("101"));
        assert_eq!(c.ring_secs, Some(12));
        assert_eq!(c.talk_secs, 95);
        assert_eq!(c.external_number.as_deref(), Some("0364538740"));
        // 10:03 - 95 s - 12 s = 10:01:13; true start up to 59 s later.
        assert_eq!(c.start.format("%H:%M:%S").to_string(), "10:01:13");
        assert_eq!(c.end.format("%H:%M:%S").to_string(), "10:03:00");
        assert!(c.estimated.end_to_the_minute && !c.estimated.ring_unknown);
        assert_eq!(c.ring_notice(), None);
    }

    #[test]
    fn na_lines_of_one_ringing_make_one_lost_call_and_a_redial_is_another() {
        let calls = group(&seqd(vec![
            inc_a("10:03", "101", "01", "3331234567", 40, 0, "NA"),
            inc_a("10:03", "102", "01", "3331234567", 40, 0, "NA"),
            inc_a("10:03", "103", "01", "3331234567", 40, 0, "NA"),
            // Ten minutes later: a new call.
            inc_a("10:13", "101", "01", "3331234567", 30, 0, "NA"),
            // Next minute, but 101 already rang on that call: the caller tried again.
            inc_a("10:14", "101", "01", "3331234567", 20, 0, "NA"),
        ]));
        assert_eq!(parts(&calls), vec![vec![1, 2, 3], vec![4], vec![5]]);
        assert!(calls.iter().all(|c| c.outcome == Outcome::Lost));
        assert_eq!(calls[0].rang, ["101", "102", "103"]);
        assert_eq!(calls[0].ring_secs, Some(40));
        assert_eq!(calls[0].answered_by, None);
    }

    #[test]
    fn na_then_answered_without_a_rang_line_is_a_lost_call_and_a_retry() {
        let calls = group(&seqd(vec![
            inc("10:03", "101", "01", "3331234567", 0, "NA"),
            inc("10:04", "101", "01", "3331234567", 30, ""),
        ]));
        assert_eq!(parts(&calls), vec![vec![1], vec![2]]);
        assert_eq!(calls[0].outcome, Outcome::Lost);
        assert_eq!(calls[1].answered_by.as_deref(), Some("101"));
    }

    #[test]
    fn the_capture_sequence_na_rang_answered_is_one_call() {
        let calls = group(&seqd(vec![
            inc("11:22", "401", "05", "234", 0, "NA"),
            inc("11:23", "611", "05", "234", 0, ""),
            inc("11:23", "401", "05", "234", 53, ""),
        ]));
        assert_eq!(parts(&calls), vec![vec![1, 2, 3]]);
        let c = &calls[0];
        assert_eq!(c.outcome, Outcome::Answered);
        assert_eq!(c.answered_by.as_deref(), Some("401"));
        assert_eq!(c.rang, ["401", "611"]);
        assert_eq!(c.talk_secs, 53);
        // The zero-talk lines did not talk: one leg.
        assert_eq!(legs(c), [("401", 53)]);
        assert_eq!(c.ring_secs, None);
        assert_eq!(c.ring_notice(), Some(RING_UNKNOWN_NOTICE));
        assert!(c.estimated.ring_unknown && c.estimated.across_minutes);
    }

    #[test]
    fn transfer_with_consultation() {
        let calls = group(&seqd(vec![
            icm("09:05", "101", "203"),
            inc_a("09:05", "101", "02", "0364111222", 5, 40, ""),
            inc_a("09:08", "203", "02", "0364111222", 4, 150, "TR"),
        ]));
        assert_eq!(parts(&calls), vec![vec![1], vec![2, 3]]);
        let c = &calls[1];
        assert_eq!(c.answered_by.as_deref(), Some("101"));
        assert_eq!(c.transferred_to, ["203"]);
        assert_eq!(c.talk_secs, 190);
        assert_eq!(legs(c), [("101", 40), ("203", 150)]);
        assert_eq!(c.ring_secs, Some(5));
        assert_eq!(c.consultations, [1]);
        assert_eq!(calls[0].direction, Direction::Internal);
        assert_eq!(calls[0].consultation_for, Some(2));
        assert_eq!(calls[0].called_extension.as_deref(), Some("203"));
    }

    #[test]
    fn transfer_without_tr_needs_the_handover_minute() {
        // 601 talks 8 s and hands over; 405 picks up (capture 09/12/20 11:26-11:27).
        let calls = group(&seqd(vec![
            inc("11:26", "601", "01", "3405229213", 8, ""),
            inc("11:27", "405", "01", "3405229213", 22, ""),
            // The same caller five minutes later: a new call, not a transfer.
            inc("11:33", "405", "01", "3405229213", 22, ""),
        ]));
        assert_eq!(parts(&calls), vec![vec![1, 2], vec![3]]);
        assert_eq!(calls[0].answered_by.as_deref(), Some("601"));
        assert_eq!(calls[0].transferred_to, ["405"]);
    }

    #[test]
    fn forward_to_outside_and_outgoing_transfer() {
        let calls = group(&seqd(vec![
            inc("13:25", "604", "21", "3476138179", 17, ""),
            out("13:25", "604", "01", "3356182041", 17, "FW"),
            icm("14:59", "401", "402"),
            out("14:59", "401", "01", "0376689064", 27, ""),
            out("15:02", "402", "01", "0376689064", 193, "TR"),
            out("15:10", "402", "01", "0376689064", 10, ""),
        ]));
        assert_eq!(
            parts(&calls),
            vec![vec![1, 2], vec![3], vec![4, 5], vec![6]]
        );
        let fw = &calls[0];
        assert_eq!(fw.outcome, Outcome::Answered);
        assert_eq!(fw.answered_by, None);
        assert_eq!(fw.forwarded_by.as_deref(), Some("604"));
        assert_eq!(fw.forwarded_to_outside.as_deref(), Some("3356182041"));
        assert_eq!(fw.talk_secs, 17);
        // The outside party talked, not 604.
        assert_eq!(legs(fw), []);
        let o = &calls[2];
        assert_eq!(o.direction, Direction::Outgoing);
        assert_eq!(o.extension.as_deref(), Some("401"));
        assert_eq!(o.transferred_to, ["402"]);
        assert_eq!(o.talk_secs, 220);
        assert_eq!(legs(o), [("401", 27), ("402", 193)]);
        assert_eq!(legs(&calls[1]), []);
        assert_eq!(o.consultations, [3]);
        assert_eq!(calls[1].consultation_for, Some(4));
        assert_eq!(calls[3].transferred_to, Vec::<String>::new());
    }

    #[test]
    fn calls_without_caller_id_group_by_trunk_and_time() {
        let calls = group(&seqd(vec![
            inc_a("09:28", "101", "21", "", 20, 0, "NA"),
            inc_a("09:28", "102", "22", "", 20, 0, "NA"),
            inc_a("09:28", "102", "21", "", 20, 0, "NA"),
        ]));
        assert_eq!(parts(&calls), vec![vec![1, 3], vec![2]]);
        assert_eq!(calls[0].external_number, None);
    }

    #[test]
    fn odd_lines_get_notes_not_panics() {
        let mut starred = inc("10:00", "101", "01", "123", 10, "");
        starred.time = None;
        let mut no_date = inc("10:30", "102", "01", "124", 10, "");
        no_date.date = None;
        let calls = group(&seqd(vec![
            inc("09:00", "201", "01", "555", 30, "TR"),
            out("09:10", "201", "02", "3331112222", 30, "FW"),
            inc("09:20", "101", "03", "777", 0, ""),
            starred,
            no_date,
        ]));
        assert_eq!(calls.len(), 5);
        // `**` date: the printed time on the date of the record before.
        assert_eq!(calls[4].end.to_string(), "2020-12-07 10:30:00");
        assert_eq!(calls[4].notes, [Note::TimeNotPrinted]);
        assert_eq!(calls[0].notes, [Note::TransferFirstLegMissing]);
        assert_eq!(calls[0].answered_by, None);
        assert_eq!(calls[0].transferred_to, ["201"]);
        assert_eq!(legs(&calls[0]), [("201", 30)]);
        assert_eq!(calls[1].notes, [Note::ForwardWithoutIncoming]);
        assert_eq!(legs(&calls[1]), [("201", 30)]);
        assert_eq!(legs(&calls[2]), []);
        assert_eq!(calls[1].forwarded_to_outside.as_deref(), Some("3331112222"));
        assert_eq!(calls[2].notes, [Note::AnsweredWithoutTalk]);
        assert_eq!(calls[3].notes, [Note::TimeNotPrinted]);
        assert!(calls[3].estimated.time_borrowed);
        assert_eq!(calls[3].end, calls[2].end);
    }

    #[test]
    fn costs_add_up_exactly_per_call() {
        let c = |a: &str, cur: &str| Cost {
            amount: a.into(),
            currency: cur.into(),
        };
        let sum = |v: &[Cost]| sum_costs(v).map(|c| (c.amount, c.currency));
        let eu = |a: &str| Some((a.to_string(), "EU".to_string()));
        assert_eq!(sum(&[c("0.10", "EU"), c("0.20", "EU")]), eu("0.30"));
        assert_eq!(
            sum(&[c("0.5", "EU"), c("1.25", "EU"), c("560", "EU")]),
            eu("561.75")
        );
        assert_eq!(sum(&[c("0.00", "EU")]), eu("0.00"));
        assert_eq!(sum(&[]), None);
        assert_eq!(sum(&[c("1.00", "EU"), c("1.00", "EUR")]), None);
        assert_eq!(sum(&[c("1,00", "EU")]), None);
        // 30 digits before the point and 30 after do not fit in 128 bits together.
        let tiny = format!("0.{}1", "0".repeat(28));
        assert_eq!(sum(&[c(&"9".repeat(30), "EU"), c(&tiny, "EU")]), None);
        // A forwarded call: the incoming leg prints 0.00, the outside leg the charge.
        let mut fwd_in = inc("13:25", "604", "21", "3476138179", 17, "");
        fwd_in.cost = Some(c("0.00", "EU"));
        let mut fwd_out = out("13:25", "604", "01", "3356182041", 17, "FW");
        fwd_out.cost = Some(c("0.41", "EU"));
        let calls = group(&seqd(vec![fwd_in, fwd_out, icm("14:00", "101", "102")]));
        assert_eq!(calls[0].cost, Some(c("0.41", "EU")));
        assert_eq!(calls[1].cost, None);
    }

    /// Random records, including nonsense: never a panic, every seq in exactly one call,
    /// deterministic, start never after end.
    #[test]
    fn property_random_records() {
        let dirs = [
            Direction::Incoming,
            Direction::Outgoing,
            Direction::Internal,
        ];
        let cds = ["", "", "", "NA", "TR", "FW", "D0", "XX"];
        for seed in 0..300u64 {
            let mut rng = fastrand::Rng::with_seed(seed);
            let n = rng.usize(0..60);
            let mut recs = Vec::new();
            for _ in 0..n {
                let cd = cds[rng.usize(..cds.len())];
                let wild = rng.u32(0..10) == 0;
                let year = if wild {
                    [-262_000, 1, 9999, 262_000][rng.usize(..4)]
                } else {
                    2024
                };
                let r = Record {
                    dialect: "panasonic",
                    layout: ["A", "B", "C", ""][rng.usize(..4)],
                    date: if rng.u32(0..20) == 0 {
                        None
                    } else {
                        NaiveDate::from_ymd_opt(year, 3, rng.u32(11..=13))
                    },
                    time: if rng.u32(0..20) == 0 {
                        None
                    } else {
                        NaiveTime::from_hms_opt(
                            rng.u32(9..=10),
                            rng.u32(0..60),
                            if wild { rng.u32(0..60) } else { 0 },
                        )
                    },
                    time_is: if rng.u32(0..10) == 0 {
                        TimeMeaning::CallStart
                    } else {
                        TimeMeaning::CallEnd
                    },
                    extension: ["101", "102", "103", "", "D101"][rng.usize(..5)].into(),
                    trunk: [None, Some("01".to_string()), Some("02".to_string())][rng.usize(..3)]
                        .clone(),
                    direction: dirs[rng.usize(..3)],
                    number: ["", "123", "+39 123", "0039123", "101", "102"][rng.usize(..6)].into(),
                    caller_name: rng.bool().then(|| "Q COMPANY".to_string()),
                    ddi: None,
                    ring_secs: rng
                        .bool()
                        .then(|| if wild { u32::MAX } else { rng.u32(0..90) }),
                    duration_secs: (rng.u32(0..8) != 0).then(|| {
                        if wild {
                            u32::MAX
                        } else {
                            rng.u32(0..4) * rng.u32(0..200)
                        }
                    }),
                    cost: None,
                    account_code: None,
                    condition: (!cd.is_empty()).then(|| cd.to_string()),
                    unanswered: cd == "NA",
                    transferred: cd == "TR" || rng.u32(0..20) == 0,
                    forwarded: cd == "FW",
                    extra: Default::default(),
                };
                // Seqs mostly increasing, sometimes repeated or out of order.
                let seq = if rng.u32(0..10) == 0 {
                    rng.i64(-5..100)
                } else {
                    recs.len() as i64
                };
                recs.push((seq, r));
            }
            let a = group(&recs);
            let b = group(&recs);
            assert_eq!(a, b, "seed {seed}: not deterministic");
            let mut got: Vec<i64> = a.iter().flat_map(|c| c.parts.clone()).collect();
            let mut want: Vec<i64> = recs.iter().map(|(s, _)| *s).collect();
            got.sort_unstable();
            want.sort_unstable();
            assert_eq!(got, want, "seed {seed}: parts are not the input's seqs");
            for c in &a {
                assert!(c.start <= c.end, "seed {seed}: {c:?}");
                // Without a forward the legs' talk adds up to the call's (saturating).
                let sum: u64 = c.legs.iter().map(|l| u64::from(l.talk_secs)).sum();
                if c.direction == Direction::Internal {
                    assert!(c.legs.is_empty(), "seed {seed}: {c:?}");
                } else if c.forwarded_by.is_none() {
                    let want = u64::from(c.talk_secs);
                    assert!(
                        sum == want || want == u64::from(u32::MAX),
                        "seed {seed}: {c:?}"
                    );
                }
                assert!(!c.parts.is_empty());
                assert!(c.parts.windows(2).all(|w| w[0] <= w[1]));
            }
        }
    }
}
