//! Calls of PBX families that print one record per whole call (NEC, Siemens, Mitel, iPECS,
//! Samsung, ...): each record becomes one [`Call`]; nothing is linked by timing, because these
//! PBXs print a transfer as one record of the extension that held the call last.

use crate::core::dialect::DialectKind;
use chrono::Timelike;
use chrono::{Duration, NaiveDateTime};

use super::{normalise_number, Call, LegTalk, Outcome};
use crate::core::record::{Direction, Record, TimeMeaning};

/// One call per record, in the order given. `last` carries the latest printed date and time
/// for records whose date is missing (NEC prints no year; a dialect without a date leaves it
/// `None`): such a record borrows the date of the record before it, or, before the first
/// dated record (an NEC box started mid-page, before any page header), the date after it.
pub fn group(records: &[(i64, &Record)]) -> Vec<Call> {
    let mut last: Option<NaiveDateTime> = records
        .iter()
        .find_map(|(_, r)| Some(r.date?.and_time(r.time.unwrap_or_default())));
    records
        .iter()
        .map(|(seq, rec)| call_of(*seq, rec, &mut last))
        .collect()
}

fn call_of(seq: i64, rec: &Record, last: &mut Option<NaiveDateTime>) -> Call {
    let talk = rec.duration_secs.unwrap_or(0);
    let ring = rec.ring_secs.unwrap_or(0);
    let held = rec.extra.hold_secs.unwrap_or(0) + rec.extra.park_secs.unwrap_or(0);
    let (printed, borrowed) = match (rec.date, rec.time) {
        (Some(d), Some(t)) => (d.and_time(t), false),
        (Some(d), None) => (d.and_time(chrono::NaiveTime::MIN), true),
        (None, Some(t)) => (last.unwrap_or_default().date().and_time(t), true),
        (None, None) => (last.unwrap_or_default(), true),
    };
    *last = Some(printed);
    let span = Duration::seconds(i64::from(ring) + i64::from(talk) + i64::from(held));
    let (start, end) = match rec.time_is {
        TimeMeaning::CallStart => (printed, printed + span),
        TimeMeaning::CallEnd => (printed - span, printed),
    };
    let mut call = Call {
        end,
        trunk: rec.trunk.clone(),
        ring_secs: rec.ring_secs,
        talk_secs: talk,
        cost: rec.cost.clone(),
        parts: vec![seq],
        ..Call::new(rec.direction, start)
    };
    call.estimated.time_borrowed = borrowed;
    // A time printed to the minute: the call may have started up to 59 s later.
    call.estimated.end_to_the_minute = DialectKind::from_name(rec.dialect)
        .is_some_and(|k| !k.prints_seconds())
        && rec.time.is_some_and(|t| t.second() == 0);
    if borrowed {
        call.notes.push(super::Note::TimeNotPrinted);
    }
    let talked = talk > 0 && !rec.unanswered;
    match rec.direction {
        Direction::Incoming => {
            call.external_number = normalise_number(&rec.number);
            call.caller_name = rec.caller_name.clone();
            call.ddi = rec.ddi.clone();
            if talked {
                call.answered_by = Some(rec.extension.clone());
                call.legs.push(LegTalk {
                    extension: rec.extension.clone(),
                    talk_secs: talk,
                });
                call.outcome = Outcome::Answered;
            } else {
                if !rec.extension.is_empty() {
                    call.rang.push(rec.extension.clone());
                }
                call.outcome = Outcome::Lost;
            }
        }
        Direction::Outgoing => {
            call.extension = Some(rec.extension.clone());
            call.external_number = normalise_number(&rec.number);
            if talked {
                call.legs.push(LegTalk {
                    extension: rec.extension.clone(),
                    talk_secs: talk,
                });
                call.outcome = Outcome::Answered;
            } else {
                call.outcome = Outcome::NotConnected;
            }
        }
        Direction::Internal => {
            call.extension = Some(rec.extension.clone());
            call.called_extension = (!rec.number.is_empty()).then(|| rec.number.clone());
            call.outcome = match rec.duration_secs {
                None => Outcome::Unknown,
                Some(_) if talked => Outcome::Answered,
                Some(_) => Outcome::NotConnected,
            };
        }
    }
    if rec.transferred {
        call.transferred_to.push(rec.extension.clone());
    }
    call
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, NaiveTime};

    fn rec(dir: Direction, ext: &str, num: &str, ring: u32, talk: u32, na: bool) -> Record {
        Record {
            dialect: "test",
            layout: "",
            date: NaiveDate::from_ymd_opt(2026, 3, 2),
            time: NaiveTime::from_hms_opt(10, 0, 5),
            time_is: TimeMeaning::CallStart,
            extension: ext.into(),
            trunk: Some("3".into()),
            direction: dir,
            number: num.into(),
            caller_name: None,
            ddi: None,
            ring_secs: Some(ring),
            duration_secs: Some(talk),
            cost: None,
            account_code: None,
            condition: None,
            unanswered: na,
            transferred: false,
            forwarded: false,
            extra: Default::default(),
        }
    }

    #[test]
    fn each_record_is_a_call() {
        let a = rec(
            Direction::Incoming,
            "201",
            "+44 20 7946 0000",
            12,
            65,
            false,
        );
        let b = rec(Direction::Incoming, "", "0207946", 30, 0, true);
        let c = rec(Direction::Outgoing, "202", "0123", 0, 0, false);
        let calls = group(&[(1, &a), (2, &b), (3, &c)]);
        assert_eq!(calls.len(), 3);
        assert_eq!(calls[0].outcome, Outcome::Answered);
        assert_eq!(calls[0].answered_by.as_deref(), Some("201"));
        assert_eq!(calls[0].external_number.as_deref(), Some("00442079460000"));
        assert_eq!(calls[0].end - calls[0].start, Duration::seconds(77));
        assert_eq!(calls[1].outcome, Outcome::Lost);
        assert!(calls[1].rang.is_empty());
        assert_eq!(calls[2].outcome, Outcome::NotConnected);
        assert_eq!(calls[2].parts, vec![3]);
    }

    #[test]
    fn minute_printouts_are_marked_estimated() {
        let mut nec = rec(Direction::Outgoing, "201", "0123", 0, 60, false);
        nec.dialect = "nec";
        nec.time = NaiveTime::from_hms_opt(10, 0, 0);
        let mut siemens = nec.clone();
        siemens.dialect = "siemens";
        let calls = group(&[(1, &nec), (2, &siemens)]);
        assert!(calls[0].estimated.end_to_the_minute);
        assert!(!calls[1].estimated.end_to_the_minute);
    }

    #[test]
    fn end_time_counts_back() {
        let mut a = rec(Direction::Outgoing, "201", "0123", 0, 60, false);
        a.time_is = TimeMeaning::CallEnd;
        let calls = group(&[(7, &a)]);
        assert_eq!(
            calls[0].start.time(),
            NaiveTime::from_hms_opt(9, 59, 5).unwrap()
        );
    }

    #[test]
    fn undated_before_the_first_dated_record_borrows_the_next_date() {
        let mut a = rec(Direction::Outgoing, "201", "0123", 0, 60, false);
        a.date = None;
        let b = rec(Direction::Outgoing, "202", "0123", 0, 60, false);
        let calls = group(&[(1, &a), (2, &b)]);
        assert_eq!(calls[0].start.date(), b.date.unwrap());
        assert!(calls[0].estimated.time_borrowed);
    }
}
