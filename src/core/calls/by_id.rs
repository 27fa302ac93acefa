//! Calls of PBX families that link the records of one call by their own call id (Avaya IP
//! Office: Call ID + Continuation, every record of a call carrying the call's start time).
//! The key is (call id, start): ids restart when the PBX reboots, the start time does not repeat.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDateTime};

use super::{normalise_number, sum_costs, Call, LegTalk, Outcome};
use crate::core::record::{Direction, Record};

/// Groups records (in print order) by call id and start; calls come out ordered by their
/// first part.
pub fn group(records: &[(i64, &Record)]) -> Vec<Call> {
    let mut by_key: BTreeMap<(String, Option<NaiveDateTime>), Vec<usize>> = BTreeMap::new();
    let mut order = Vec::new();
    for (i, (_, rec)) in records.iter().enumerate() {
        let start = rec.date.zip(rec.time).map(|(d, t)| d.and_time(t));
        let key = (rec.extra.call_id.clone().unwrap_or_default(), start);
        let parts = by_key.entry(key).or_default();
        if parts.is_empty() {
            order.push(i);
        }
        parts.push(i);
    }
    let mut calls: Vec<Call> = by_key
        .into_values()
        .map(|idx| {
            let segs: Vec<(i64, &Record)> = idx.iter().map(|&i| records[i]).collect();
            call_of(&segs)
        })
        .collect();
    calls.sort_by_key(|c| c.parts.first().copied());
    calls
}

fn call_of(segs: &[(i64, &Record)]) -> Call {
    let first = segs[0].1;
    let start = first
        .date
        .zip(first.time)
        .map(|(d, t)| d.and_time(t))
        .unwrap_or_default();
    let mut call = Call::new(first.direction, start);
    call.trunk = first.trunk.clone();
    call.ring_secs = first.ring_secs;
    let mut end = start;
    for (seq, rec) in segs {
        call.parts.push(*seq);
        let talk = rec.duration_secs.unwrap_or(0);
        let span = rec.ring_secs.unwrap_or(0)
            + talk
            + rec.extra.hold_secs.unwrap_or(0)
            + rec.extra.park_secs.unwrap_or(0);
        end = end.max(start + Duration::seconds(i64::from(span)));
        call.talk_secs += talk;
        if talk > 0 {
            call.legs.push(LegTalk {
                extension: rec.extension.clone(),
                talk_secs: talk,
            });
            match call.answered_by {
                None if first.direction == Direction::Incoming => {
                    call.answered_by = Some(rec.extension.clone())
                }
                _ if first.direction == Direction::Incoming => {
                    call.transferred_to.push(rec.extension.clone())
                }
                _ => {}
            }
        } else if first.direction == Direction::Incoming && !rec.extension.is_empty() {
            call.rang.push(rec.extension.clone());
        }
    }
    call.parts.sort_unstable();
    call.end = end;
    call.cost = sum_costs(segs.iter().filter_map(|(_, r)| r.cost.as_ref()));
    match first.direction {
        Direction::Incoming => {
            call.external_number = normalise_number(&first.number);
            call.caller_name = first.caller_name.clone();
            call.ddi = first.ddi.clone();
            call.outcome = if call.talk_secs > 0 {
                Outcome::Answered
            } else {
                Outcome::Lost
            };
        }
        Direction::Outgoing => {
            call.extension = Some(first.extension.clone());
            call.external_number = normalise_number(&first.number);
            call.outcome = if call.talk_secs > 0 {
                Outcome::Answered
            } else {
                Outcome::NotConnected
            };
        }
        Direction::Internal => {
            call.extension = Some(first.extension.clone());
            call.called_extension = Some(first.number.clone());
            call.outcome = if call.talk_secs > 0 {
                Outcome::Answered
            } else {
                Outcome::NotConnected
            };
        }
    }
    call
}
