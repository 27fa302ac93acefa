//! Calls of PBX families that link the records of one call by their own call id (Avaya IP
//! Office: Call ID + Continuation, `shared/formats/avaya-ipoffice.md`, "Call types").
//!
//! # Rules (and why)
//!
//! - **Key = (call id, call start).** Every segment of a call carries the call's original start
//!   (S1 "Call Start"), and ids restart when the PBX reboots (R1 jumps back to 1000008), so the
//!   pair is unique where the id alone is not. A record without an id is a call of its own.
//! - **Segments arrive in print order**, which is the order they ended (R1 prints 07:33:47
//!   before 07:31:46), not start order; within a call that is the order people held it. The
//!   Continuation flag is not needed to link (the key does that); a call whose last segment
//!   (Continuation `0`) is not yet printed is grouped from what is there.
//! - **Who**: an incoming call's `answered_by` is the first segment that talked (connected > 0)
//!   at an extension; the later segments that talked at an extension are `transferred_to`
//!   (repeats of the same extension in a row once); extensions of zero-connected segments are
//!   `rang`. Outgoing: the dialler is the first segment's extension, later talkers are
//!   `transferred_to`. Internal: caller and called number of the first segment.
//! - **Voicemail** (condition `VM`, see the dialect) is not a person: its segments are in no
//!   leg, talk time, `rang` or `answered_by`, and the call gets [`Note::Voicemail`]. So an
//!   incoming call only voicemail took is **Lost** (the supervisor's view: the caller reached
//!   nobody; the lost-calls report lists it for a callback) and one answered first and then
//!   transferred to voicemail is Answered. An internal call only voicemail took is
//!   NotConnected.
//! - **Forward off-switch**: with "Call Splitting for Diverts" (S3) the forwarded part is a
//!   record with the same id; an outgoing segment of an incoming call is read as that forward
//!   ([`Call::forwarded_to_outside`], [`Call::forwarded_by`] = the last extension that held the
//!   call before), answered outside when it talked. Inferred from S3; no capture shows one.
//! - **Ring time**: an answered incoming call's ring is the answering segment's (S1: from the
//!   arrival at the switch to the answer, queuing included); an unanswered one's is the
//!   longest of its segments (the caller's wait until hang-up or voicemail).
//! - **End** = start + the sum over its segments of ring + connected + hold + park (S1: "total
//!   duration of a record"). Summed, not the longest, because a continued call's next segment
//!   begins when the one before it ended (S2: the transferred-to-voicemail example's second
//!   segment has ring 0 and its own 21 s). Hold and park stay in the records
//!   (`Extra::hold_secs`, `park_secs`) and count here, in the call's span.
//! - Times are to the second: nothing is [`Estimates`](super::Estimates)-marked.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDateTime};

use super::{normalise_number, sum_costs, Call, LegTalk, Note, Outcome};
use crate::core::record::{Direction, Record};

/// Groups records (in print order) by call id and start; calls come out ordered by their
/// first part.
pub fn group(records: &[(i64, &Record)]) -> Vec<Call> {
    let mut by_key: BTreeMap<(String, Option<NaiveDateTime>), Vec<usize>> = BTreeMap::new();
    let mut calls = Vec::new();
    for (i, (_, rec)) in records.iter().enumerate() {
        match &rec.extra.call_id {
            Some(id) => by_key
                .entry((id.clone(), start_of(rec)))
                .or_default()
                .push(i),
            None => calls.push(call_of(&[records[i]])),
        }
    }
    calls.extend(by_key.into_values().map(|idx| {
        let mut segs: Vec<(i64, &Record)> = idx.iter().map(|&i| records[i]).collect();
        segs.sort_by_key(|(seq, _)| *seq);
        call_of(&segs)
    }));
    calls.sort_by_key(|c| c.parts.first().copied());
    calls
}

fn start_of(rec: &Record) -> Option<NaiveDateTime> {
    rec.date.zip(rec.time).map(|(d, t)| d.and_time(t))
}

fn is_voicemail(rec: &Record) -> bool {
    rec.condition.as_deref() == Some("VM")
}

fn span_secs(rec: &Record) -> i64 {
    [
        rec.ring_secs,
        rec.duration_secs,
        rec.extra.hold_secs,
        rec.extra.park_secs,
    ]
    .iter()
    .map(|s| i64::from(s.unwrap_or(0)))
    .sum()
}

/// One call from its segments, in print order (at least one).
fn call_of(segs: &[(i64, &Record)]) -> Call {
    let Some((_, first)) = segs.first() else {
        return Call::new(Direction::Internal, NaiveDateTime::default());
    };
    let start = start_of(first).unwrap_or_default();
    let direction = if segs.iter().any(|(_, r)| r.direction == Direction::Incoming) {
        Direction::Incoming
    } else {
        first.direction
    };
    let mut call = Call::new(direction, start);
    call.parts = segs.iter().map(|(seq, _)| *seq).collect();
    call.parts.sort_unstable();
    call.end = start + Duration::seconds(segs.iter().map(|(_, r)| span_secs(r)).sum());
    call.trunk = segs.iter().find_map(|(_, r)| r.trunk.clone());
    call.cost = sum_costs(segs.iter().filter_map(|(_, r)| r.cost.as_ref()));
    if segs.iter().any(|(_, r)| is_voicemail(r)) {
        call.notes.push(Note::Voicemail);
    }
    match direction {
        Direction::Incoming => incoming(segs, &mut call),
        Direction::Outgoing => outgoing(segs, &mut call),
        Direction::Internal => internal(segs, &mut call),
    }
    call
}

fn push_once(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}

fn incoming(segs: &[(i64, &Record)], call: &mut Call) {
    if let Some((_, r)) = segs
        .iter()
        .find(|(_, r)| r.direction == Direction::Incoming)
    {
        call.external_number = normalise_number(&r.number);
        call.caller_name = r.caller_name.clone();
        call.ddi = r.ddi.clone();
    }
    let mut answer_ring = None;
    let mut answered_outside = false;
    let mut last_holder: Option<&str> = None;
    for (_, r) in segs {
        let talk = r.duration_secs.unwrap_or(0);
        if r.direction != Direction::Incoming {
            // The forwarded part of a call split at a divert (S3).
            call.forwarded_to_outside = normalise_number(&r.number);
            call.forwarded_by = last_holder
                .map(str::to_string)
                .or_else(|| (!r.extension.is_empty()).then(|| r.extension.clone()));
            if talk > 0 {
                answered_outside = true;
                call.talk_secs += talk;
            }
            continue;
        }
        if is_voicemail(r) || r.extension.is_empty() {
            continue;
        }
        last_holder = Some(&r.extension);
        if talk == 0 {
            push_once(&mut call.rang, &r.extension);
            continue;
        }
        call.talk_secs += talk;
        call.legs.push(LegTalk {
            extension: r.extension.clone(),
            talk_secs: talk,
        });
        match &call.answered_by {
            None => {
                call.answered_by = Some(r.extension.clone());
                answer_ring = r.ring_secs;
            }
            Some(a) => {
                let previous = call.transferred_to.last().unwrap_or(a);
                if *previous != r.extension {
                    call.transferred_to.push(r.extension.clone());
                }
            }
        }
    }
    if call.answered_by.is_some() {
        call.ring_secs = answer_ring;
        call.outcome = Outcome::Answered;
    } else {
        call.ring_secs = segs.iter().filter_map(|(_, r)| r.ring_secs).max();
        call.outcome = if answered_outside {
            Outcome::Answered
        } else {
            Outcome::Lost
        };
    }
}

fn outgoing(segs: &[(i64, &Record)], call: &mut Call) {
    let first = segs[0].1;
    call.extension = (!first.extension.is_empty()).then(|| first.extension.clone());
    call.external_number = normalise_number(&first.number);
    for (_, r) in segs {
        let talk = r.duration_secs.unwrap_or(0);
        if talk == 0 || is_voicemail(r) {
            continue;
        }
        call.talk_secs += talk;
        call.legs.push(LegTalk {
            extension: r.extension.clone(),
            talk_secs: talk,
        });
        let previous = call
            .transferred_to
            .last()
            .or(call.extension.as_ref())
            .map_or("", String::as_str);
        if !r.extension.is_empty() && r.extension != previous {
            call.transferred_to.push(r.extension.clone());
        }
    }
    call.outcome = if call.talk_secs > 0 {
        Outcome::Answered
    } else {
        Outcome::NotConnected
    };
}

fn internal(segs: &[(i64, &Record)], call: &mut Call) {
    let first = segs[0].1;
    call.extension = (!first.extension.is_empty()).then(|| first.extension.clone());
    call.called_extension = Some(first.number.trim().to_string()).filter(|n| !n.is_empty());
    // Internal calls have no legs (as with Panasonic's intercom lines): the reports count
    // operators' talk on external calls only.
    call.talk_secs = segs
        .iter()
        .filter(|(_, r)| !is_voicemail(r))
        .map(|(_, r)| r.duration_secs.unwrap_or(0))
        .sum();
    call.outcome = if call.talk_secs > 0 {
        Outcome::Answered
    } else {
        Outcome::NotConnected
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::dialect::avaya_ipoffice::AvayaIpOffice;
    use crate::core::dialect::Dialect;
    use crate::core::record::Parsed;
    use chrono::NaiveDate;

    /// The lines through the real dialect, numbered 1.. as seqs.
    fn records(lines: &[&str]) -> Vec<(i64, Record)> {
        lines
            .iter()
            .zip(1..)
            .map(|(l, seq)| match AvayaIpOffice.parse(l) {
                Parsed::Record { record, .. } => (seq, *record),
                other => panic!("{l}: {other:?}"),
            })
            .collect()
    }

    fn calls(lines: &[&str]) -> Vec<Call> {
        let recs = records(lines);
        let refs: Vec<(i64, &Record)> = recs.iter().map(|(s, r)| (*s, r)).collect();
        group(&refs)
    }

    fn at(h: u32, m: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2008, 6, 28)
            .and_then(|d| d.and_hms_opt(h, m, s))
            .unwrap()
    }

    const LOST: &str = "2008/06/28 09:28:41,00:00:00,9,8004206,I,4324,4324,,0,1000014155,0,E4324,Joe Bloggs,T9161,LINE 5.1,0,0";
    const TO_VM_1: &str = "2008/06/28 09:30:57,00:00:13,7,01707392200,I,299999,299999,,0,1000014160,1,E4750,John Smith,T9002,LINE 1.2,11,0";
    const TO_VM_2: &str = "2008/06/28 09:30:57,00:00:21,0,01707392200,I,299999,299999,,0,1000014160,0,V9502,VM Channel 2,T9002,LINE 1.2,0,0";

    #[test]
    fn lost() {
        let c = &calls(&[LOST])[0];
        assert_eq!(c.direction, Direction::Incoming);
        assert_eq!(c.outcome, Outcome::Lost);
        assert_eq!(c.rang, ["4324"]);
        assert_eq!(c.answered_by, None);
        assert_eq!(c.ring_secs, Some(9));
        assert_eq!((c.start, c.end), (at(9, 28, 41), at(9, 28, 50)));
        assert_eq!(c.external_number.as_deref(), Some("8004206"));
        assert_eq!(c.ddi.as_deref(), Some("4324"));
        assert_eq!(c.trunk.as_deref(), Some("LINE 5.1"));
        assert!(c.notes.is_empty());
    }

    #[test]
    fn internal_answered_by_voicemail() {
        let c = &calls(&[
            "2008/10/20 06:43:58,00:00:10,21,15,O,11,11,,I,28,0,E15,Extn15,V9051,VM Channel 1,0,0 ",
        ])[0];
        assert_eq!(c.direction, Direction::Internal);
        assert_eq!(c.outcome, Outcome::NotConnected, "voicemail is nobody");
        assert_eq!(c.notes, [Note::Voicemail]);
        assert_eq!(c.extension.as_deref(), Some("15"));
        assert_eq!(c.called_extension.as_deref(), Some("11"));
        assert_eq!(c.talk_secs, 0);
        assert_eq!(c.end - c.start, Duration::seconds(31));
    }

    #[test]
    fn transferred_to_voicemail_in_either_print_order() {
        for lines in [[TO_VM_1, TO_VM_2], [TO_VM_2, TO_VM_1]] {
            let cs = calls(&lines);
            assert_eq!(cs.len(), 1);
            let c = &cs[0];
            assert_eq!(c.outcome, Outcome::Answered);
            assert_eq!(c.answered_by.as_deref(), Some("4750"));
            assert!(c.transferred_to.is_empty() && c.rang.is_empty());
            assert_eq!(
                c.legs,
                [LegTalk {
                    extension: "4750".into(),
                    talk_secs: 13
                }]
            );
            assert_eq!(c.talk_secs, 13);
            assert_eq!(c.ring_secs, Some(7));
            assert_eq!(c.notes, [Note::Voicemail]);
            assert_eq!(c.parts, [1, 2]);
            // 7 ring + 13 talk + 11 hold, then 21 s of voicemail.
            assert_eq!(c.end, at(9, 31, 49));
        }
    }

    #[test]
    fn incoming_only_voicemail_took_is_lost() {
        let c = &calls(&[
            "2008/06/28 10:00:00,00:00:00,15,0170,I,299999,299999,,0,77,1,E4750,John Smith,T9002,LINE 1.2,0,0",
            "2008/06/28 10:00:00,00:00:30,0,0170,I,299999,299999,,0,77,0,V9502,VM Channel 2,T9002,LINE 1.2,0,0",
        ])[0];
        assert_eq!(c.outcome, Outcome::Lost);
        assert_eq!(c.rang, ["4750"]);
        assert_eq!(c.ring_secs, Some(15));
        assert_eq!(c.notes, [Note::Voicemail]);
        assert_eq!(c.talk_secs, 0);
        assert_eq!(c.end, at(10, 0, 45));
    }

    #[test]
    fn external_incoming() {
        let c = &calls(&["2008/08/01 15:14:19,00:00:05,7,01707299900,I,23,390664,,0,1000013,0,E23,Extn23,T9001,Line 1.2,0,0,,,,,,,,,,,,,,"])[0];
        assert_eq!(c.outcome, Outcome::Answered);
        assert_eq!(c.answered_by.as_deref(), Some("23"));
        assert_eq!((c.ring_secs, c.talk_secs), (Some(7), 5));
        assert_eq!(c.ddi.as_deref(), Some("23"));
    }

    #[test]
    fn internal() {
        let c = &calls(&["2008/06/26 10:27:44,00:00:44,4,4688,O,4207,4207,,1,1000013898,0,E4688,Joe Bloggs,E4207,John Smith,0,0"])[0];
        assert_eq!(c.direction, Direction::Internal);
        assert_eq!(c.outcome, Outcome::Answered);
        assert_eq!(c.extension.as_deref(), Some("4688"));
        assert_eq!(c.called_extension.as_deref(), Some("4207"));
        assert_eq!(c.talk_secs, 44);
        assert!(c.legs.is_empty());
    }

    #[test]
    fn outgoing_on_a_line_and_not_connected() {
        let cs = calls(&[
            "2017/07/01 08:30:22,00:01:01,0,217,O,600988600,0600988600,,0,1005727,0,E217,GRZYBEK,T9005,Line 5.0,0,0,,,,,,,,,,,U,GRZYBEK,,192.168.0.201,20806,192.168.0.201,20809",
            "2017/07/01 08:29:59,00:00:00,0,217,O,06009889,06009889,,0,1005726,0,E217,GRZYBEK,V8000,U1 0.0,0,0,,,,,,,,,,,,,,192.168.0.201,20803,0.0.0.0,0",
        ]);
        assert_eq!(cs.len(), 2);
        let c = &cs[0];
        assert_eq!(c.direction, Direction::Outgoing);
        assert_eq!(c.outcome, Outcome::Answered);
        assert_eq!(c.extension.as_deref(), Some("217"));
        assert_eq!(c.external_number.as_deref(), Some("600988600"));
        assert_eq!(c.trunk.as_deref(), Some("Line 5.0"));
        assert_eq!(
            c.legs,
            [LegTalk {
                extension: "217".into(),
                talk_secs: 61
            }]
        );
        assert!(c.transferred_to.is_empty());
        assert_eq!(cs[1].outcome, Outcome::NotConnected);
        assert_eq!(cs[1].trunk, None);
    }

    #[test]
    fn continuation_chain_rang_answered_transferred_twice() {
        // Printed as the segments ended: 201 rang (no talk), 202 answered and transferred to
        // 203, who handed it back to 202.
        let c = &calls(&[
            "2017/07/10 09:00:00,00:00:00,12,0600111222,I,500,500,,0,4242,1,E201,A,T9005,Line 5.0,0,0",
            "2017/07/10 09:00:00,00:01:00,20,0600111222,I,500,500,,0,4242,1,E202,B,T9005,Line 5.0,5,0",
            "2017/07/10 09:00:00,00:02:00,3,0600111222,I,500,500,,0,4242,1,E203,C,T9005,Line 5.0,0,10",
            "2017/07/10 09:00:00,00:00:30,2,0600111222,I,500,500,,0,4242,0,E202,B,T9005,Line 5.0,0,0",
        ])[0];
        assert_eq!(c.outcome, Outcome::Answered);
        assert_eq!(c.rang, ["201"]);
        assert_eq!(c.answered_by.as_deref(), Some("202"));
        assert_eq!(c.transferred_to, ["203", "202"]);
        assert_eq!(c.ring_secs, Some(20), "the answering segment's ring");
        assert_eq!(c.talk_secs, 210);
        assert_eq!(c.legs.len(), 3);
        assert_eq!(c.parts, [1, 2, 3, 4]);
        assert_eq!(
            c.end - c.start,
            Duration::seconds(12 + (20 + 60 + 5) + (3 + 120 + 10) + (2 + 30))
        );
    }

    #[test]
    fn restarted_id_is_another_call_and_no_id_is_a_call_of_its_own() {
        let cs = calls(&[
            "2017/07/27 17:00:00,00:00:10,3,211,O,212,212,,1,1000008,0,E211,A,E212,B,0,0",
            "2017/07/28 08:00:00,00:00:20,3,213,O,214,214,,1,1000008,0,E213,C,E214,D,0,0",
            "2017/07/28 08:05:00,00:00:20,3,213,O,214,214,,1,,0,E213,C,E214,D,0,0",
            "2017/07/28 08:06:00,00:00:20,3,213,O,214,214,,1,,0,E213,C,E214,D,0,0",
        ]);
        assert_eq!(cs.len(), 4);
        assert_eq!(
            cs.iter().map(|c| c.parts.clone()).collect::<Vec<_>>(),
            [vec![1], vec![2], vec![3], vec![4]]
        );
        assert_eq!(cs[1].extension.as_deref(), Some("213"));
    }

    #[test]
    fn forward_off_switch_is_answered_outside() {
        let c = &calls(&[
            "2017/07/10 09:00:00,00:00:00,15,0600111222,I,500,500,,0,99,1,E201,A,T9005,Line 5.0,0,0",
            "2017/07/10 09:00:00,00:00:40,4,201,O,0600999888,0600999888,,0,99,0,E201,A,T9006,Line 6.0,0,0",
        ])[0];
        assert_eq!(c.direction, Direction::Incoming);
        assert_eq!(c.outcome, Outcome::Answered);
        assert_eq!(c.answered_by, None);
        assert_eq!(c.forwarded_by.as_deref(), Some("201"));
        assert_eq!(c.forwarded_to_outside.as_deref(), Some("0600999888"));
        assert_eq!(c.rang, ["201"]);
        assert_eq!(c.external_number.as_deref(), Some("0600111222"));
    }

    #[test]
    fn empty_input() {
        assert!(group(&[]).is_empty());
    }
}
