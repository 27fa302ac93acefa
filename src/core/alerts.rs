//! Alerts: which lost calls, callbacks and health changes become alert events (pure).
//!
//! The edge (`src/alerts/`) hands in the calls of the last days as the calls model groups
//! them, the receive time of each part, the status snapshot and the time; the [`Tracker`]
//! answers with the events to queue. Every event carries a key derived from the data (box,
//! first seq, caller, start), so deciding again after a restart gives the same keys and the
//! queue drops what it already holds: decisions are idempotent, delivery is at-least-once.
//!
//! # Rules
//!
//! - **Lost**: an incoming call the calls model reads as lost, once no new line has joined it
//!   for `settle_ms` (by receive time: a ringing call can go on at another extension and be
//!   answered a few seconds after the first NA line is printed). Calls stored before alerts
//!   were first enabled (`floor_seq`) are history and never alerted.
//! - **Closed**: an alerted lost call whose caller was later called back (outgoing, talked) or
//!   got through (incoming, answered), by the callback worklist's own rules
//!   ([`lost::follow_up`], within the callback window); also when late lines turn the lost
//!   call itself into an answered one (it went on ringing and someone picked up).
//! - **Quiet hours** *suppress* lost alerts for calls that began inside them (by the PBX's
//!   clock): the office is closed, and the morning worklist lists them; a pile of alerts at
//!   opening time would help nobody. Closes of alerts sent before are still sent. Health
//!   alerts ignore quiet hours: an installer wants to hear of a dead box at night too.
//! - **Rate limit**: at most `per_number_per_hour` lost alerts per number in any hour (by call
//!   start); the lost calls in between are not alerted but counted in the next alert's
//!   `folded`, and every alert says how often the number tried today (`attempts_today`).
//!   Computed from the calls alone, so a restart decides the same.
//! - **Health**: link down for `link_down_ms`, a storage error lasting [`STORAGE_GRACE_MS`], ring
//!   overflow (lines lost); each opens an alert once per episode and a `recovered` event
//!   closes it (link up again; storage writing again; no more lines lost for
//!   [`OVERFLOW_QUIET_MS`]).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::core::analytics::lost::{self, State};
use crate::core::calls::{Call, Outcome};
use crate::core::health::{LinkState, Snapshot};
use crate::core::record::Direction;

/// A storage error must last this long to alert: one failed commit retried a moment later is
/// no news.
pub const STORAGE_GRACE_MS: i64 = 30_000;
/// An overflow episode ends when no line was lost for this long.
pub const OVERFLOW_QUIET_MS: i64 = 600_000;
/// Open lost alerts are forgotten this long after the callback window closed without news.
const FORGET_AFTER_HOURS: i64 = 24;

/// `[alerts] quiet = "20:00-08:00"`: a daily span of the PBX's local time; it may wrap
/// midnight. Start inclusive, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quiet {
    pub from: NaiveTime,
    pub to: NaiveTime,
}

impl Quiet {
    pub fn parse(s: &str) -> Result<Quiet, String> {
        let bad = || format!("{s:?} is not a span of hours such as \"20:00-08:00\"");
        let (a, b) = s.split_once('-').ok_or_else(bad)?;
        let t = |x: &str| NaiveTime::parse_from_str(x.trim(), "%H:%M").map_err(|_| bad());
        let q = Quiet {
            from: t(a)?,
            to: t(b)?,
        };
        if q.from == q.to {
            return Err(format!("{s:?}: start and end are the same"));
        }
        Ok(q)
    }

    pub fn contains(&self, t: NaiveTime) -> bool {
        if self.from < self.to {
            self.from <= t && t < self.to
        } else {
            t >= self.from || t < self.to
        }
    }
}

/// What the tracker decides by.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Names the box in keys, payloads and mail.
    pub box_name: String,
    pub quiet: Option<Quiet>,
    pub per_number_per_hour: u32,
    pub link_down_ms: i64,
    pub settle_ms: i64,
    pub callback_window_hours: u32,
    /// `[names.lines]`: CO line numbers and DDIs to channel names.
    pub line_names: BTreeMap<String, String>,
}

/// A lost call, alerted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LostAlert {
    pub key: String,
    #[serde(rename = "box")]
    pub box_name: String,
    /// The caller's number (normalised); `None` without caller ID.
    pub caller: Option<String>,
    pub caller_name: Option<String>,
    /// The CO line (trunk) it came in on, and the DDI/DID if printed.
    pub line: Option<String>,
    pub ddi: Option<String>,
    /// The name `[names.lines]` gives the DDI, else the line.
    pub channel: Option<String>,
    /// When it began to ring (PBX local time; see the calls model for its precision).
    pub time: NaiveDateTime,
    /// When its last line was printed.
    pub ended: NaiveDateTime,
    pub ring_secs: Option<u32>,
    /// Extensions that rang, in order.
    pub rang: Vec<String>,
    /// Incoming calls from this number today up to this one, this one included.
    pub attempts_today: u32,
    /// Lost calls of this number since its previous alert that the rate limit held back.
    pub folded: u32,
    pub first_seq: i64,
    pub last_seq: i64,
    /// When the box decided (Unix ms).
    pub decided_ms: i64,
}

/// A lost alert is closed: the caller was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosedAlert {
    pub key: String,
    pub alert_key: String,
    #[serde(rename = "box")]
    pub box_name: String,
    pub caller: Option<String>,
    /// `called_back` or `got_through`.
    pub how: String,
    /// The extension that called back or answered, if known.
    pub by: Option<String>,
    /// When the caller was reached (PBX local time).
    pub time: NaiveDateTime,
    /// Seconds from the lost call's last line to then.
    pub after_secs: i64,
    pub decided_ms: i64,
}

/// A health fault, or its end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthAlert {
    pub key: String,
    /// For `recovered`: the fault's key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_key: Option<String>,
    #[serde(rename = "box")]
    pub box_name: String,
    /// `link_down`, `storage` or `overflow`.
    pub cause: String,
    pub message: String,
    /// When the fault began (Unix ms).
    pub since_ms: i64,
    pub decided_ms: i64,
}

/// One event for the queue. The JSON the webhook receives is this, tagged by `event`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Alert {
    Lost(LostAlert),
    Closed(ClosedAlert),
    Health(HealthAlert),
    Recovered(HealthAlert),
}

impl Alert {
    pub fn key(&self) -> &str {
        match self {
            Alert::Lost(a) => &a.key,
            Alert::Closed(a) => &a.key,
            Alert::Health(a) | Alert::Recovered(a) => &a.key,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Alert::Lost(_) => "lost",
            Alert::Closed(_) => "closed",
            Alert::Health(_) => "health",
            Alert::Recovered(_) => "recovered",
        }
    }

    /// A mail's subject: the caller's number first, so a phone's notification shows it.
    pub fn subject(&self) -> String {
        match self {
            Alert::Lost(a) => {
                let mut s = format!(
                    "Lost call from {}",
                    a.caller.as_deref().unwrap_or("an unknown number")
                );
                if let Some(c) = a.channel.as_ref().or(a.ddi.as_ref()).or(a.line.as_ref()) {
                    s.push_str(&format!(" on {c}"));
                }
                s.push_str(&format!(" at {}", a.time.format("%H:%M")));
                if a.attempts_today > 1 {
                    s.push_str(&format!(" ({} tries today)", a.attempts_today));
                }
                s
            }
            Alert::Closed(a) => format!(
                "{} {}",
                a.caller.as_deref().unwrap_or("caller"),
                if a.how == "called_back" {
                    "was called back"
                } else {
                    "got through"
                }
            ),
            Alert::Health(a) => format!("smdrbox {}: {}", a.box_name, a.message),
            Alert::Recovered(a) => format!("smdrbox {}: recovered: {}", a.box_name, a.message),
        }
    }

    /// A mail's body: the facts, one per line.
    pub fn text(&self) -> String {
        let mut t = String::new();
        let mut line = |k: &str, v: String| t.push_str(&format!("{k}: {v}\r\n"));
        match self {
            Alert::Lost(a) => {
                line(
                    "Caller",
                    a.caller.clone().unwrap_or_else(|| "no caller ID".into()),
                );
                if let Some(n) = &a.caller_name {
                    line("Name", n.clone());
                }
                if let Some(c) = &a.channel {
                    line("Channel", c.clone());
                }
                if let Some(l) = &a.line {
                    line("Line", l.clone());
                }
                if let Some(d) = &a.ddi {
                    line("DDI", d.clone());
                }
                line("Time", a.time.format("%Y-%m-%d %H:%M:%S").to_string());
                line("Rang at", a.rang.join(", "));
                line("Tries today", a.attempts_today.to_string());
                if a.folded > 0 {
                    line("Lost calls not alerted (rate limit)", a.folded.to_string());
                }
            }
            Alert::Closed(a) => {
                line("How", a.how.replace('_', " "));
                if let Some(b) = &a.by {
                    line("By", b.clone());
                }
                line("Time", a.time.format("%Y-%m-%d %H:%M:%S").to_string());
            }
            Alert::Health(a) | Alert::Recovered(a) => line("Box", a.message.clone()),
        }
        line("Box name", self.box_name().to_string());
        line("Key", self.key().to_string());
        t
    }

    fn box_name(&self) -> &str {
        match self {
            Alert::Lost(a) => &a.box_name,
            Alert::Closed(a) => &a.box_name,
            Alert::Health(a) | Alert::Recovered(a) => &a.box_name,
        }
    }
}

/// The queue as the status page shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct QueueView {
    /// Where alerts go: `webhook`, `smtp`.
    pub sinks: Vec<String>,
    /// Deliveries waiting (an event to two sinks counts twice).
    pub queued: u64,
    /// Deliveries acknowledged since the daemon started.
    pub sent: u64,
    pub last_sent_ms: Option<i64>,
    /// The latest failure, with when; cleared by the next success of that sink.
    pub last_error: Option<String>,
    pub last_error_ms: Option<i64>,
}

/// The decisions' memory between ticks (rebuilt from the queue after a restart).
pub struct Tracker {
    rules: Rules,
    /// Calls whose every part is at or below this seq were stored before alerts began.
    floor_seq: i64,
    /// Keys of every event queued.
    known: BTreeSet<String>,
    /// Lost alerts not closed yet, by key.
    open: BTreeMap<String, LostAlert>,
    /// Health alerts not recovered yet, by cause.
    faults: BTreeMap<String, HealthAlert>,
    storage_since: Option<i64>,
    overflow_lines: u64,
    overflow_last_ms: Option<i64>,
    /// A lost call was waiting to settle at the last tick: come back soon.
    pending: bool,
}

impl Tracker {
    pub fn new(rules: Rules, floor_seq: i64) -> Tracker {
        Tracker {
            rules,
            floor_seq,
            known: BTreeSet::new(),
            open: BTreeMap::new(),
            faults: BTreeMap::new(),
            storage_since: None,
            overflow_lines: 0,
            overflow_last_ms: None,
            pending: false,
        }
    }

    /// Events queued before (a restart): their keys are known, lost alerts without a close
    /// and faults without a recovery are open again. In queue order.
    pub fn restore<'a>(&mut self, past: impl IntoIterator<Item = &'a Alert>) {
        for a in past {
            self.known.insert(a.key().to_string());
            match a {
                Alert::Lost(l) => {
                    self.open.insert(l.key.clone(), l.clone());
                }
                Alert::Closed(c) => {
                    self.open.remove(&c.alert_key);
                }
                Alert::Health(h) => {
                    self.faults.insert(h.cause.clone(), h.clone());
                }
                Alert::Recovered(h) => {
                    if self
                        .faults
                        .get(&h.cause)
                        .is_some_and(|f| Some(&f.key) == h.alert_key.as_ref())
                    {
                        self.faults.remove(&h.cause);
                    }
                }
            }
        }
    }

    /// Where the database stood when alerts were first enabled (known once it is open; until
    /// then no call is alerted, health is).
    pub fn set_floor(&mut self, floor_seq: i64) {
        self.floor_seq = floor_seq;
    }

    /// A lost call was still settling at the last [`Tracker::calls`]: call again soon even
    /// without new records.
    pub fn pending(&self) -> bool {
        self.pending
    }

    /// Lost alerts waiting for a callback.
    pub fn open_count(&self) -> usize {
        self.open.len()
    }

    fn lost_key(&self, c: &Call) -> String {
        format!(
            "{}/lost/{}/{}/{}",
            self.rules.box_name,
            c.start.format("%Y-%m-%dT%H:%M:%S"),
            c.external_number.as_deref().unwrap_or("unknown"),
            c.parts.first().copied().unwrap_or(0)
        )
    }

    /// The calls of the last days in the calls model's order (each with its parts' seqs),
    /// `received_ms` giving a part's receive time, `now_ms` the box's time and `now_local` the
    /// same moment on the PBX's clock: the lost and closed events to queue, in the order
    /// their lines were printed. While a lost call settles, events printed after it wait too
    /// (a close at most `settle_ms` longer), so the receiver sees them in that order.
    pub fn calls(
        &mut self,
        calls: &[Call],
        received_ms: &dyn Fn(i64) -> Option<i64>,
        now_ms: i64,
        now_local: NaiveDateTime,
    ) -> Vec<Alert> {
        self.pending = false;
        // (seq that decided it, event): sorted so the receiver sees print order.
        let mut out: Vec<(i64, Alert)> = Vec::new();
        let by_number = lost::calls_by_number(calls);

        // Lost calls per number (no number: each its own), in start order.
        let mut groups: BTreeMap<Option<&str>, Vec<usize>> = BTreeMap::new();
        for (i, c) in calls.iter().enumerate() {
            let newest = c.parts.last().copied().unwrap_or(0);
            if c.direction != Direction::Incoming
                || c.outcome != Outcome::Lost
                || newest <= self.floor_seq
            {
                continue;
            }
            if self.rules.quiet.is_some_and(|q| q.contains(c.start.time())) {
                continue;
            }
            groups
                .entry(c.external_number.as_deref())
                .or_default()
                .push(i);
        }
        // The first line still settling: nothing printed from it on is sent yet.
        let mut hold = i64::MAX;
        let mut new_lost = Vec::new();
        for (number, mut idx) in groups {
            idx.sort_by_key(|&i| (calls[i].start, calls[i].parts.first().copied()));
            let mut alerted: Vec<NaiveDateTime> = Vec::new();
            let mut folded = 0u32;
            for i in idx {
                let c = &calls[i];
                let last = c.parts.last().copied().unwrap_or(0);
                let key = self.lost_key(c);
                let known = self.known.contains(&key);
                let settled = received_ms(last).is_some_and(|r| now_ms - r >= self.rules.settle_ms);
                if !known && !settled {
                    // Later calls of the number wait too: the limit counts in order.
                    self.pending = true;
                    hold = hold.min(last);
                    break;
                }
                let hour_ago = c.start - Duration::hours(1);
                let recent = alerted.iter().filter(|t| **t > hour_ago).count();
                let limited =
                    number.is_some() && recent >= self.rules.per_number_per_hour as usize && !known;
                if limited {
                    folded += 1;
                    continue;
                }
                alerted.push(c.start);
                let this_folded = std::mem::take(&mut folded);
                if known {
                    continue;
                }
                new_lost.push((last, self.lost_alert(c, key, calls, this_folded, now_ms)));
            }
        }
        for (last, a) in new_lost {
            if last < hold {
                self.known.insert(a.key.clone());
                self.open.insert(a.key.clone(), a.clone());
                out.push((last, Alert::Lost(a)));
            }
        }

        // Closes of open alerts.
        let window = self.rules.callback_window_hours;
        let mut closed = Vec::new();
        for (key, a) in &self.open {
            let found = calls
                .iter()
                .position(|c| c.parts.binary_search(&a.first_seq).is_ok());
            let reached = found.and_then(|i| {
                let c = &calls[i];
                if c.outcome == Outcome::Answered {
                    // Late lines joined it: it rang on and someone answered.
                    let t = lost::contact(c);
                    return Some((
                        "got_through",
                        c.answered_by.clone(),
                        t,
                        c.parts.last().copied().unwrap_or(0),
                    ));
                }
                if c.outcome != Outcome::Lost {
                    return None;
                }
                let f = lost::follow_up(calls, i, &by_number, window);
                let k = f.reached_by?;
                let r = &calls[k];
                let (how, by) = match f.state {
                    State::CalledBack => ("called_back", r.extension.clone()),
                    State::GotThrough => ("got_through", r.answered_by.clone()),
                    _ => return None,
                };
                Some((
                    how,
                    by,
                    lost::contact(r),
                    r.parts.last().copied().unwrap_or(0),
                ))
            });
            match reached {
                Some((how, by, time, seq)) => {
                    let c = ClosedAlert {
                        key: format!("{key}/closed"),
                        alert_key: key.clone(),
                        box_name: self.rules.box_name.clone(),
                        caller: a.caller.clone(),
                        how: how.to_string(),
                        by,
                        time,
                        after_secs: time.signed_duration_since(a.ended).num_seconds().max(0),
                        decided_ms: now_ms,
                    };
                    closed.push((seq, c));
                }
                None => {
                    let forget = a.ended + Duration::hours(i64::from(window) + FORGET_AFTER_HOURS);
                    if now_local > forget {
                        closed.push((
                            i64::MIN,
                            ClosedAlert {
                                key: String::new(),
                                alert_key: key.clone(),
                                box_name: String::new(),
                                caller: None,
                                how: String::new(),
                                by: None,
                                time: now_local,
                                after_secs: 0,
                                decided_ms: now_ms,
                            },
                        ));
                    }
                }
            }
        }
        for (seq, c) in closed {
            if seq >= hold {
                continue;
            }
            self.open.remove(&c.alert_key);
            // Forgotten without news: nothing to send.
            if c.key.is_empty() || self.known.contains(&c.key) {
                continue;
            }
            self.known.insert(c.key.clone());
            out.push((seq, Alert::Closed(c)));
        }
        out.sort_by_key(|(seq, a)| (*seq, matches!(a, Alert::Closed(_))));
        out.into_iter().map(|(_, a)| a).collect()
    }

    fn lost_alert(
        &self,
        c: &Call,
        key: String,
        calls: &[Call],
        folded: u32,
        now_ms: i64,
    ) -> LostAlert {
        let first = c.parts.first().copied().unwrap_or(0);
        let attempts = c.external_number.as_ref().map_or(1, |n| {
            calls
                .iter()
                .filter(|o| {
                    o.direction == Direction::Incoming
                        && o.external_number.as_ref() == Some(n)
                        && o.start.date() == c.start.date()
                        && (o.start, o.parts.first().copied()) <= (c.start, Some(first))
                })
                .count() as u32
        });
        let name_of = |k: &Option<String>| {
            k.as_ref()
                .and_then(|k| self.rules.line_names.get(k))
                .cloned()
        };
        LostAlert {
            key,
            box_name: self.rules.box_name.clone(),
            caller: c.external_number.clone(),
            caller_name: c.caller_name.clone(),
            line: c.trunk.clone(),
            ddi: c.ddi.clone(),
            channel: name_of(&c.ddi).or_else(|| name_of(&c.trunk)),
            time: c.start,
            ended: c.end,
            ring_secs: c.ring_secs,
            rang: c.rang.clone(),
            attempts_today: attempts.max(1),
            folded,
            first_seq: first,
            last_seq: c.parts.last().copied().unwrap_or(first),
            decided_ms: now_ms,
        }
    }

    /// Health transitions from the status snapshot at `now_ms`.
    pub fn health(&mut self, s: &Snapshot, now_ms: i64) -> Vec<Alert> {
        let mut out = Vec::new();
        // Link.
        let down_long =
            s.link == LinkState::Down && now_ms - s.link_since_ms >= self.rules.link_down_ms;
        if down_long {
            let msg = format!(
                "link down since {} min: {}",
                (now_ms - s.link_since_ms) / 60_000,
                s.link_reason
            );
            self.open_fault(&mut out, "link_down", msg, s.link_since_ms, now_ms);
        } else if s.link == LinkState::Up {
            self.recover(&mut out, "link_down", "link up again".into(), now_ms);
        }
        // Storage.
        match &s.store_error {
            Some(e) => {
                let since = *self.storage_since.get_or_insert(now_ms);
                if now_ms - since >= STORAGE_GRACE_MS {
                    self.open_fault(&mut out, "storage", format!("storage: {e}"), since, now_ms);
                }
            }
            None => {
                self.storage_since = None;
                if s.store_open {
                    self.recover(&mut out, "storage", "storage writes again".into(), now_ms);
                }
            }
        }
        // Overflow: the counter only grows within a run.
        let lines = s.ring.overflow_lines;
        if lines > self.overflow_lines {
            let lost_now = lines - self.overflow_lines;
            self.overflow_lines = lines;
            self.overflow_last_ms = Some(now_ms);
            self.open_fault(
                &mut out,
                "overflow",
                format!("{lost_now} lines lost: the buffer overflowed while storage was slow"),
                now_ms,
                now_ms,
            );
        } else if self
            .overflow_last_ms
            .is_none_or(|t| now_ms - t >= OVERFLOW_QUIET_MS)
        {
            self.recover(&mut out, "overflow", "no more lines lost".into(), now_ms);
        }
        out
    }

    fn open_fault(
        &mut self,
        out: &mut Vec<Alert>,
        cause: &str,
        message: String,
        since_ms: i64,
        now_ms: i64,
    ) {
        if self.faults.contains_key(cause) {
            return;
        }
        let h = HealthAlert {
            key: format!("{}/health/{cause}/{since_ms}", self.rules.box_name),
            alert_key: None,
            box_name: self.rules.box_name.clone(),
            cause: cause.to_string(),
            message,
            since_ms,
            decided_ms: now_ms,
        };
        self.faults.insert(cause.to_string(), h.clone());
        if self.known.insert(h.key.clone()) {
            out.push(Alert::Health(h));
        }
    }

    fn recover(&mut self, out: &mut Vec<Alert>, cause: &str, message: String, now_ms: i64) {
        let Some(f) = self.faults.remove(cause) else {
            return;
        };
        let h = HealthAlert {
            key: format!("{}/recovered", f.key),
            alert_key: Some(f.key.clone()),
            box_name: self.rules.box_name.clone(),
            cause: cause.to_string(),
            message,
            since_ms: f.since_ms,
            decided_ms: now_ms,
        };
        if self.known.insert(h.key.clone()) {
            out.push(Alert::Recovered(h));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 3, 2)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    fn rules() -> Rules {
        Rules {
            box_name: "office".into(),
            quiet: None,
            per_number_per_hour: 3,
            link_down_ms: 5 * 60_000,
            settle_ms: 20_000,
            callback_window_hours: 24,
            line_names: [("05".to_string(), "Website".to_string())].into(),
        }
    }

    fn lost(seq: i64, num: &str, start: NaiveDateTime) -> Call {
        Call {
            end: start,
            trunk: Some("05".into()),
            external_number: Some(num.into()),
            outcome: Outcome::Lost,
            rang: vec!["401".into(), "611".into()],
            parts: vec![seq],
            ..Call::new(Direction::Incoming, start)
        }
    }

    fn answered(seq: i64, num: &str, start: NaiveDateTime) -> Call {
        Call {
            end: start + Duration::minutes(2),
            trunk: Some("05".into()),
            external_number: Some(num.into()),
            outcome: Outcome::Answered,
            answered_by: Some("401".into()),
            talk_secs: 100,
            parts: vec![seq],
            ..Call::new(Direction::Incoming, start)
        }
    }

    fn dialled(seq: i64, num: &str, start: NaiveDateTime, talk: u32) -> Call {
        Call {
            end: start + Duration::seconds(i64::from(talk)),
            trunk: Some("01".into()),
            external_number: Some(num.into()),
            extension: Some("102".into()),
            talk_secs: talk,
            outcome: if talk > 0 {
                Outcome::Answered
            } else {
                Outcome::NotConnected
            },
            parts: vec![seq],
            ..Call::new(Direction::Outgoing, start)
        }
    }

    /// Every part received at `ms`.
    fn tick(t: &mut Tracker, calls: &[Call], now_ms: i64, received: i64) -> Vec<Alert> {
        t.calls(calls, &|_| Some(received), now_ms, at(23, 0))
    }

    fn kinds(v: &[Alert]) -> Vec<&'static str> {
        v.iter().map(Alert::kind).collect()
    }

    #[test]
    fn a_lost_call_alerts_once_after_it_settled() {
        let mut t = Tracker::new(rules(), 0);
        let calls = vec![lost(1, "0364538740", at(10, 0))];
        assert!(tick(&mut t, &calls, 19_999, 0).is_empty());
        assert!(t.pending());
        let v = tick(&mut t, &calls, 20_000, 0);
        assert_eq!(kinds(&v), ["lost"]);
        let Alert::Lost(a) = &v[0] else { panic!() };
        assert_eq!(a.caller.as_deref(), Some("0364538740"));
        assert_eq!(a.channel.as_deref(), Some("Website"));
        assert_eq!(a.rang, ["401", "611"]);
        assert_eq!((a.attempts_today, a.folded), (1, 0));
        assert_eq!(a.key, "office/lost/2026-03-02T10:00:00/0364538740/1");
        assert!(v[0].subject().contains("0364538740"), "{}", v[0].subject());
        assert!(!t.pending());
        assert!(tick(&mut t, &calls, 60_000, 0).is_empty(), "only once");
        // Answered calls and calls from before alerts began are no news.
        let mut t = Tracker::new(rules(), 1);
        let calls = vec![lost(1, "1", at(9, 0)), answered(2, "2", at(9, 1))];
        assert!(tick(&mut t, &calls, 60_000, 0).is_empty());
    }

    #[test]
    fn a_callback_or_a_new_call_that_gets_through_closes_once() {
        let mut t = Tracker::new(rules(), 0);
        let mut calls = vec![lost(1, "111", at(10, 0)), lost(2, "222", at(10, 1))];
        assert_eq!(kinds(&tick(&mut t, &calls, 30_000, 0)), ["lost", "lost"]);
        // A callback that did not connect closes nothing.
        calls.push(dialled(3, "111", at(10, 5), 0));
        assert!(tick(&mut t, &calls, 31_000, 0).is_empty());
        calls.push(dialled(4, "111", at(10, 6), 60));
        calls.push(answered(5, "222", at(10, 7)));
        let v = tick(&mut t, &calls, 32_000, 0);
        assert_eq!(kinds(&v), ["closed", "closed"]);
        let Alert::Closed(c) = &v[0] else { panic!() };
        assert_eq!(
            (c.how.as_str(), c.by.as_deref()),
            ("called_back", Some("102"))
        );
        assert_eq!(c.alert_key, "office/lost/2026-03-02T10:00:00/111/1");
        assert_eq!(c.after_secs, 6 * 60);
        let Alert::Closed(c) = &v[1] else { panic!() };
        assert_eq!(
            (c.how.as_str(), c.by.as_deref()),
            ("got_through", Some("401"))
        );
        assert!(tick(&mut t, &calls, 33_000, 0).is_empty());
        assert_eq!(t.open_count(), 0);
    }

    #[test]
    fn events_wait_behind_a_lost_call_printed_before_them() {
        let mut t = Tracker::new(rules(), 0);
        let mut calls = vec![lost(1, "111", at(10, 0))];
        assert_eq!(kinds(&tick(&mut t, &calls, 30_000, 0)), ["lost"]);
        // 222 is lost (seq 2, settling); 111 is called back after it (seq 3), 333 lost (seq 4).
        calls.push(lost(2, "222", at(10, 1)));
        calls.push(dialled(3, "111", at(10, 2), 60));
        calls.push(lost(4, "333", at(10, 3)));
        let rx = |seq: i64| Some(if seq == 2 { 50_000 } else { 0 });
        assert!(t.calls(&calls, &rx, 60_000, at(23, 0)).is_empty());
        assert!(t.pending());
        let v = t.calls(&calls, &rx, 70_000, at(23, 0));
        let keys: Vec<&str> = v.iter().map(Alert::key).collect();
        assert_eq!(
            keys,
            [
                "office/lost/2026-03-02T10:01:00/222/2",
                "office/lost/2026-03-02T10:00:00/111/1/closed",
                "office/lost/2026-03-02T10:03:00/333/4",
            ]
        );
    }

    #[test]
    fn a_lost_call_that_late_lines_make_answered_is_closed() {
        let mut t = Tracker::new(rules(), 0);
        let calls = vec![lost(1, "111", at(10, 0))];
        assert_eq!(kinds(&tick(&mut t, &calls, 30_000, 0)), ["lost"]);
        let mut c = answered(1, "111", at(10, 0));
        c.parts = vec![1, 2];
        let v = tick(&mut t, &[c], 40_000, 0);
        assert_eq!(kinds(&v), ["closed"]);
    }

    #[test]
    fn the_rate_limit_folds_attempts_into_the_next_alert() {
        let mut r = rules();
        r.per_number_per_hour = 1;
        let mut t = Tracker::new(r, 0);
        let calls = vec![
            lost(1, "111", at(10, 0)),
            lost(2, "111", at(10, 20)),
            lost(3, "111", at(10, 40)),
            lost(4, "111", at(11, 5)),
            lost(5, "999", at(10, 21)),
        ];
        let v = tick(&mut t, &calls, 30_000, 0);
        let got: Vec<(i64, u32, u32)> = v
            .iter()
            .map(|a| match a {
                Alert::Lost(l) => (l.first_seq, l.attempts_today, l.folded),
                _ => panic!(),
            })
            .collect();
        assert_eq!(got, [(1, 1, 0), (4, 4, 2), (5, 1, 0)]);
        // The same calls decide the same after a restart.
        let mut again = Tracker::new(
            Rules {
                per_number_per_hour: 1,
                ..rules()
            },
            0,
        );
        again.restore(&v[..1]);
        let w = tick(&mut again, &calls, 90_000, 0);
        assert_eq!(
            w.iter().map(Alert::key).collect::<Vec<_>>(),
            v[1..].iter().map(Alert::key).collect::<Vec<_>>()
        );
    }

    #[test]
    fn quiet_hours_suppress_lost_alerts_and_wrap_midnight() {
        let q = Quiet::parse("20:00-08:00").unwrap();
        assert!(q.contains(at(20, 0).time()) && q.contains(at(7, 59).time()));
        assert!(!q.contains(at(8, 0).time()) && !q.contains(at(19, 59).time()));
        let day = Quiet::parse("12:00-13:00").unwrap();
        assert!(day.contains(at(12, 30).time()) && !day.contains(at(13, 0).time()));
        assert!(Quiet::parse("8-20").is_err());
        assert!(Quiet::parse("08:00-08:00").is_err());
        let mut r = rules();
        r.quiet = Some(q);
        let mut t = Tracker::new(r, 0);
        let calls = vec![lost(1, "111", at(7, 59)), lost(2, "222", at(8, 0))];
        let v = tick(&mut t, &calls, 30_000, 0);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].key(), "office/lost/2026-03-02T08:00:00/222/2");
    }

    #[test]
    fn restored_alerts_are_not_sent_again_and_stay_open_for_their_close() {
        let mut t = Tracker::new(rules(), 0);
        let mut calls = vec![lost(1, "111", at(10, 0))];
        let v = tick(&mut t, &calls, 30_000, 0);
        let mut t = Tracker::new(rules(), 0);
        t.restore(&v);
        assert!(tick(&mut t, &calls, 40_000, 0).is_empty());
        calls.push(dialled(2, "111", at(10, 5), 30));
        assert_eq!(kinds(&tick(&mut t, &calls, 50_000, 0)), ["closed"]);
        // Forgotten when the window passed without news.
        let mut t = Tracker::new(rules(), 0);
        t.restore(&v);
        let late = at(10, 0) + Duration::hours(49);
        assert!(t.calls(&[], &|_| None, 0, late).is_empty());
        assert_eq!(t.open_count(), 0);
    }

    #[test]
    fn health_faults_alert_once_and_recover() {
        let mut t = Tracker::new(rules(), 0);
        let mut s = Snapshot {
            link: LinkState::Down,
            link_since_ms: 1_000,
            link_reason: "unplugged".into(),
            store_open: true,
            ..Snapshot::default()
        };
        assert!(t.health(&s, 1_000 + 299_999).is_empty());
        let v = t.health(&s, 1_000 + 300_000);
        assert_eq!(kinds(&v), ["health"]);
        assert_eq!(v[0].key(), "office/health/link_down/1000");
        assert!(t.health(&s, 1_000 + 900_000).is_empty());
        s.link = LinkState::Up;
        let v = t.health(&s, 1_000_000);
        assert_eq!(kinds(&v), ["recovered"]);
        assert_eq!(v[0].key(), "office/health/link_down/1000/recovered");
        assert!(t.health(&s, 1_000_001).is_empty());

        s.store_error = Some("disk I/O error".into());
        assert!(t.health(&s, 2_000_000).is_empty());
        assert!(t.health(&s, 2_000_000 + STORAGE_GRACE_MS - 1).is_empty());
        assert_eq!(
            kinds(&t.health(&s, 2_000_000 + STORAGE_GRACE_MS)),
            ["health"]
        );
        s.store_error = None;
        assert_eq!(kinds(&t.health(&s, 2_100_000)), ["recovered"]);
        // A brief error is no news.
        s.store_error = Some("busy".into());
        assert!(t.health(&s, 2_200_000).is_empty());
        s.store_error = None;
        assert!(t.health(&s, 2_201_000).is_empty());

        s.ring.overflow_lines = 3;
        let v = t.health(&s, 3_000_000);
        assert_eq!(kinds(&v), ["health"]);
        assert!(
            v[0].subject().contains("3 lines lost"),
            "{}",
            v[0].subject()
        );
        s.ring.overflow_lines = 5;
        assert!(t.health(&s, 3_100_000).is_empty(), "the same episode");
        assert!(t.health(&s, 3_100_000 + OVERFLOW_QUIET_MS - 1).is_empty());
        assert_eq!(
            kinds(&t.health(&s, 3_100_000 + OVERFLOW_QUIET_MS)),
            ["recovered"]
        );

        // After a restart an open fault that is over is recovered, one still on is not re-sent.
        let fault = Alert::Health(HealthAlert {
            key: "office/health/link_down/5".into(),
            alert_key: None,
            box_name: "office".into(),
            cause: "link_down".into(),
            message: "down".into(),
            since_ms: 5,
            decided_ms: 5,
        });
        let mut t = Tracker::new(rules(), 0);
        t.restore([&fault]);
        s.ring.overflow_lines = 0;
        s.link = LinkState::Down;
        s.link_since_ms = 10_000_000;
        assert!(t.health(&s, 20_000_000).is_empty());
        s.link = LinkState::Up;
        assert_eq!(kinds(&t.health(&s, 20_000_001)), ["recovered"]);
    }
}
