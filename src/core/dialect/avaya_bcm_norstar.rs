//! Avaya / Nortel BCM and Norstar: Call Detail Recording.
//!
//! Layout reference: `shared/formats/avaya-bcm-norstar.md`. **This dialect produces no call
//! records yet**, and says so: BCM CDR is a multi-line call report (a call line followed by
//! event lines, the report ended by CR and two LF), and the only document available (B1, the
//! BCM 4.0 CDR manual, p. 58) shows the event lines but **not the call line** that opens each
//! report. Without it there is no date, extension, line or duration to read, and inventing
//! one would store made-up calls. A real capture (`smdrbox capture`) is needed first.
//!
//! # Documented (B1), and what is done with it
//!
//! The event line templates (values illustrative in the manual):
//!
//! ```text
//! 00:00:04 HOLD
//! 00:00:06 UNHOLD
//! 00:10:32 CONFERENCE STN2 = 7425
//! 00:12:12 CONFERENCE LINE2 = 0052
//! 00:12:45 CONFERENCE END
//! 00:00:00 TRANSFERRED
//! 00:00:00 FROM TRANSFER
//! 00:00:00 CALL RELEASED
//! DIGITS DIALED 123456789!1234
//! 00:00:00 INVALID PASSWORD
//! ```
//!
//! Each is recognised ([`Event::parse`], meaning kept in the type) and stored as a header
//! (`Other`): a line the PBX meant to print, but not a call. The dialect keeps a per-report
//! state ([`Report`]: hold time, transfers, conference parties, digits dialled before and after
//! the `!` connect mark), reset by `CALL RELEASED` and by a line it cannot read, so that once
//! the call line is known it can be completed with what its events tell. Any other line is
//! rejected with a reason saying the call line is not documented (the raw line is kept).
//!
//! # Inferred
//!
//! - The leading `hh:mm:ss` is read as the time into the call at which the event happened
//!   (B1's values grow along a call: HOLD 00:00:04, UNHOLD 00:00:06); hold time is UNHOLD minus
//!   HOLD.

use super::fields::hms;
use super::{Dialect, DialectOptions, Grouping};
use crate::core::record::{HeaderKind, Parsed};

pub const NAME: &str = "avaya-bcm-norstar";
/// None yet: no call line is documented.
pub const LAYOUTS: &[&str] = &[];
pub const GROUPING: Grouping = Grouping::Whole;

pub fn new(_opts: DialectOptions) -> Box<dyn Dialect> {
    Box::new(BcmNorstar::default())
}

/// One documented event line of a call report (B1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Hold {
        at: u32,
    },
    Unhold {
        at: u32,
    },
    /// A party joined a conference: a station (`STN2 = 7425`) or a line (`LINE2 = 0052`).
    Conference {
        at: u32,
        party: String,
        number: String,
    },
    ConferenceEnd {
        at: u32,
    },
    Transferred {
        at: u32,
    },
    FromTransfer {
        at: u32,
    },
    CallReleased {
        at: u32,
    },
    InvalidPassword {
        at: u32,
    },
    /// Digits dialled; with the option on, `!` separates digits before and after connect.
    DigitsDialed {
        before: String,
        after: Option<String>,
    },
}

impl Event {
    pub fn parse(line: &str) -> Option<Event> {
        let body = line.trim();
        if let Some(digits) = body.strip_prefix("DIGITS DIALED") {
            let digits = digits.trim();
            let (before, after) = match digits.split_once('!') {
                Some((b, a)) => (b.to_string(), Some(a.to_string())),
                None => (digits.to_string(), None),
            };
            return Some(Event::DigitsDialed { before, after });
        }
        let (time, rest) = body.split_once(' ')?;
        let at = hms(time)?;
        let rest = rest.trim();
        Some(match rest {
            "HOLD" => Event::Hold { at },
            "UNHOLD" => Event::Unhold { at },
            "CONFERENCE END" => Event::ConferenceEnd { at },
            "TRANSFERRED" => Event::Transferred { at },
            "FROM TRANSFER" => Event::FromTransfer { at },
            "CALL RELEASED" => Event::CallReleased { at },
            "INVALID PASSWORD" => Event::InvalidPassword { at },
            _ => {
                let conf = rest.strip_prefix("CONFERENCE ")?;
                let (party, number) = conf.split_once('=')?;
                let (party, number) = (party.trim(), number.trim());
                if !(party.starts_with("STN") || party.starts_with("LINE")) || number.is_empty() {
                    return None;
                }
                Event::Conference {
                    at,
                    party: party.to_string(),
                    number: number.to_string(),
                }
            }
        })
    }
}

/// What the event lines of the current call report told so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub hold_secs: u32,
    held_since: Option<u32>,
    pub transferred: bool,
    pub from_transfer: bool,
    pub conference: Vec<(String, String)>,
    pub digits: Option<(String, Option<String>)>,
    pub events: usize,
}

impl Report {
    fn add(&mut self, e: &Event) {
        self.events += 1;
        match e {
            Event::Hold { at } => self.held_since = Some(*at),
            Event::Unhold { at } => {
                if let Some(from) = self.held_since.take() {
                    self.hold_secs += at.saturating_sub(from);
                }
            }
            Event::Conference { party, number, .. } => {
                self.conference.push((party.clone(), number.clone()))
            }
            Event::Transferred { .. } => self.transferred = true,
            Event::FromTransfer { .. } => self.from_transfer = true,
            Event::DigitsDialed { before, after } => {
                self.digits = Some((before.clone(), after.clone()))
            }
            Event::ConferenceEnd { .. }
            | Event::CallReleased { .. }
            | Event::InvalidPassword { .. } => {}
        }
    }
}

/// Reads BCM/Norstar CDR lines: events into [`Report`], everything else rejected.
#[derive(Default)]
pub struct BcmNorstar {
    report: Report,
}

impl BcmNorstar {
    /// The events of the call report being read (for tests, and for the call line once known).
    pub fn report(&self) -> &Report {
        &self.report
    }
}

impl Dialect for BcmNorstar {
    fn name(&self) -> &'static str {
        NAME
    }

    fn parse(&mut self, line: &str) -> Parsed {
        if line.trim().is_empty() {
            return Parsed::Reject {
                reason: "blank line".into(),
            };
        }
        match Event::parse(line) {
            Some(e) => {
                if matches!(e, Event::CallReleased { .. }) {
                    self.report = Report::default();
                } else {
                    self.report.add(&e);
                }
                Parsed::Header {
                    header: HeaderKind::Other,
                }
            }
            None => {
                // A new report (or noise) begins: what was gathered cannot belong to it.
                self.report = Report::default();
                Parsed::Reject {
                    reason: "not a documented BCM/Norstar CDR event line; the call line that \
                             opens each call report is not documented yet, so no call is read \
                             (please send a capture made with `smdrbox capture`)"
                        .into(),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every template of B1, read with its meaning.
    #[test]
    fn b1_event_lines() {
        let cases = [
            ("00:00:04 HOLD", Event::Hold { at: 4 }),
            ("00:00:06 UNHOLD", Event::Unhold { at: 6 }),
            (
                "00:10:32 CONFERENCE STN2 = 7425",
                Event::Conference {
                    at: 632,
                    party: "STN2".into(),
                    number: "7425".into(),
                },
            ),
            (
                "00:12:12 CONFERENCE LINE2 = 0052",
                Event::Conference {
                    at: 732,
                    party: "LINE2".into(),
                    number: "0052".into(),
                },
            ),
            ("00:12:45 CONFERENCE END", Event::ConferenceEnd { at: 765 }),
            ("00:00:00 TRANSFERRED", Event::Transferred { at: 0 }),
            ("00:00:00 FROM TRANSFER", Event::FromTransfer { at: 0 }),
            ("00:00:00 CALL RELEASED", Event::CallReleased { at: 0 }),
            (
                "00:00:00 INVALID PASSWORD",
                Event::InvalidPassword { at: 0 },
            ),
            (
                "DIGITS DIALED 123456789!1234",
                Event::DigitsDialed {
                    before: "123456789".into(),
                    after: Some("1234".into()),
                },
            ),
            (
                "DIGITS DIALED 5551234",
                Event::DigitsDialed {
                    before: "5551234".into(),
                    after: None,
                },
            ),
        ];
        for (line, want) in cases {
            assert_eq!(Event::parse(line), Some(want), "{line}");
            assert_eq!(
                BcmNorstar::default().parse(line),
                Parsed::Header {
                    header: HeaderKind::Other
                },
                "{line}"
            );
        }
    }

    #[test]
    fn report_state_machine() {
        let mut p = BcmNorstar::default();
        for l in [
            "00:00:04 HOLD",
            "00:00:06 UNHOLD",
            "00:01:00 HOLD",
            "00:01:30 UNHOLD",
            "00:00:00 TRANSFERRED",
            "DIGITS DIALED 0364!12",
            "00:10:32 CONFERENCE STN2 = 7425",
        ] {
            p.parse(l);
        }
        let r = p.report();
        assert_eq!(r.hold_secs, 32);
        assert!(r.transferred && !r.from_transfer);
        assert_eq!(r.conference, vec![("STN2".to_string(), "7425".to_string())]);
        assert_eq!(r.digits, Some(("0364".to_string(), Some("12".to_string()))));
        assert_eq!(r.events, 7);
        p.parse("00:12:00 CALL RELEASED");
        assert_eq!(p.report(), &Report::default());
        p.parse("00:00:04 HOLD");
        assert_eq!(p.report().events, 1);
        assert!(matches!(
            p.parse("02/03/26 10:00 221 LINE 001"),
            Parsed::Reject { .. }
        ));
        assert_eq!(p.report(), &Report::default());
    }

    #[test]
    fn rejects_never_invent_calls() {
        let mut p = BcmNorstar::default();
        for l in [
            "",
            "07/12/20 15:02    402 01 0376689064",
            "00:00:04",
            "00:61:04 HOLD",
            "0:00:04 HOLD",
            "00:00:04 CONFERENCE ROOM = 1",
            "00:00:04 CONFERENCE STN2 =",
            "00:00:04 PARKED",
        ] {
            assert!(matches!(p.parse(l), Parsed::Reject { .. }), "{l:?}");
        }
        match p.parse("ANY CALL LINE") {
            Parsed::Reject { reason } => assert!(reason.contains("not documented"), "{reason}"),
            other => panic!("{other:?}"),
        }
        let mut rng = fastrand::Rng::with_seed(9);
        for _ in 0..3000 {
            let l: String = (0..rng.usize(..60)).map(|_| rng.char(..)).collect();
            let _ = p.parse(&l);
        }
    }
}
