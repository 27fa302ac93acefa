//! `dialect = "auto"`: recognise the PBX family from the lines themselves.
//!
//! Every line goes to one reader of every family ([`DialectKind::ALL`]); each says record,
//! header or reject. The verdicts of the last [`WINDOW`] lines decide:
//!
//! - **Lock** on a family when it read at least [`MIN_RECORDS`] of them as records, at most a
//!   quarter of what it saw was a reject, and no other family comes close (the runner-up read
//!   at most half as many records). *Why records:* headers and blank decoration look alike in
//!   many printouts; only a call record is specific to a layout. *Why a margin:* a tolerant
//!   layout may read a few lines of another family; it never reads most of them.
//! - **Before the lock** nothing is guessed: every line is stored as a reject with the reason
//!   [`PENDING`], and the lock returns a [`Decision`] asking the store to read those lines
//!   again with the chosen family. An unknown layout therefore stays visible as rejects (and
//!   on the status page as "not recognised"), never as records of a wrong family.
//! - **After the lock** the locked family's verdict is the verdict, and the others keep reading
//!   so that a replaced PBX is noticed: when the locked family read at most a quarter of the
//!   last [`RECHECK`] lines while another family reads them as the lock rule wants, the lock
//!   moves (a new [`Decision`] re-reads those lines' rejects).
//!
//! Lines are numbered from 1 in the order this reader was given them; the store turns a
//! decision's line numbers into sequence numbers (lines are committed in order, gap-free).
//!
//! Pure: lines in, verdicts and decisions out; no clock, no I/O.

use std::collections::VecDeque;

use serde::Serialize;

use super::{new_dialect, DateOrder, Dialect, DialectKind, DialectOptions};
use crate::core::record::Parsed;

/// Why a line read before the family was recognised is stored as a reject.
pub const PENDING: &str =
    "PBX layout not recognised yet (dialect = \"auto\"): kept, and read again once recognised";

/// Lines whose verdicts count.
pub const WINDOW: usize = 32;
/// Records a family must read in the window to be chosen.
pub const MIN_RECORDS: usize = 3;
/// Lines looked at when checking that the locked family still reads the PBX.
pub const RECHECK: usize = 16;

/// What the status page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Detection {
    /// The family locked on, if any.
    pub chosen: Option<&'static str>,
    /// Share of the window's lines the chosen family (or, before the lock, the leader) read as
    /// records or headers, in percent.
    pub confidence_pct: u8,
    /// The family with the most records in the window, and how many, before a lock.
    pub leader: Option<(&'static str, usize)>,
    /// Non-blank lines seen since start.
    pub lines_seen: u64,
    /// Times the lock moved to another family (a replaced PBX).
    pub switches: u32,
}

/// The family was chosen (or changed): the store re-reads lines with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub kind: DialectKind,
    pub reread: Reread,
}

/// Which stored lines a [`Decision`] reads again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reread {
    /// Every line stored with the [`PENDING`] reason (also by an earlier run).
    Pending,
    /// The rejects among this reader's lines `from..to` (1-based, `to` excluded): the lines
    /// since the PBX was replaced, which the old family could not read.
    Lines { from: u64, to: u64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum V {
    Record,
    Header,
    Reject,
}

/// The auto-detecting reader: a [`Dialect`] like the families', with [`Dialect::detection`]
/// and [`Dialect::take_decision`] answered.
pub struct Auto {
    readers: Vec<(DialectKind, Box<dyn Dialect>)>,
    /// Per line, per reader: its verdict (newest last).
    window: VecDeque<Vec<V>>,
    chosen: Option<usize>,
    lines: u64,
    switches: u32,
    decisions: VecDeque<Decision>,
}

impl Auto {
    pub fn new(date_order: DateOrder) -> Auto {
        Auto {
            readers: DialectKind::ALL
                .iter()
                .map(|&kind| (kind, new_dialect(DialectOptions { kind, date_order })))
                .collect(),
            window: VecDeque::with_capacity(WINDOW + 1),
            chosen: None,
            lines: 0,
            switches: 0,
            decisions: VecDeque::new(),
        }
    }

    /// Records, headers and rejects of reader `i` over the newest `n` lines.
    fn counts(&self, i: usize, n: usize) -> (usize, usize, usize) {
        let mut c = (0, 0, 0);
        for line in self.window.iter().rev().take(n) {
            match line[i] {
                V::Record => c.0 += 1,
                V::Header => c.1 += 1,
                V::Reject => c.2 += 1,
            }
        }
        c
    }

    /// The reader that wins over the newest `n` lines by the lock rule, if one does.
    fn winner(&self, n: usize) -> Option<usize> {
        let mut by_records: Vec<(usize, usize, usize, usize)> = (0..self.readers.len())
            .map(|i| {
                let (r, h, j) = self.counts(i, n);
                (r, h, j, i)
            })
            .collect();
        by_records.sort_by(|a, b| b.0.cmp(&a.0).then(a.2.cmp(&b.2)).then(a.3.cmp(&b.3)));
        let (r, h, j, i) = by_records[0];
        let runner_up = by_records.get(1).map_or(0, |x| x.0);
        let seen = r + h + j;
        (r >= MIN_RECORDS && j * 4 <= seen && runner_up * 2 <= r).then_some(i)
    }

    fn confidence(&self, i: usize) -> u8 {
        let n = self.window.len();
        if n == 0 {
            return 0;
        }
        let (r, h, _) = self.counts(i, n);
        ((r + h) * 100 / n) as u8
    }

    fn leader(&self) -> Option<usize> {
        (0..self.readers.len())
            .map(|i| (self.counts(i, WINDOW).0, i))
            .filter(|&(r, _)| r > 0)
            .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
            .map(|(_, i)| i)
    }
}

impl Dialect for Auto {
    fn name(&self) -> &'static str {
        match self.chosen {
            Some(i) => self.readers[i].1.name(),
            None => "auto",
        }
    }

    fn parse(&mut self, line: &str) -> Parsed {
        self.lines += 1;
        let verdicts: Vec<Parsed> = self
            .readers
            .iter_mut()
            .map(|(_, d)| d.parse(line))
            .collect();
        let kinds = verdicts
            .iter()
            .map(|p| match p {
                Parsed::Record { .. } => V::Record,
                Parsed::Header { .. } => V::Header,
                Parsed::Reject { .. } => V::Reject,
            })
            .collect();
        self.window.push_back(kinds);
        if self.window.len() > WINDOW {
            self.window.pop_front();
        }
        match self.chosen {
            None => {
                if let Some(i) = self.winner(WINDOW) {
                    self.chosen = Some(i);
                    self.decisions.push_back(Decision {
                        kind: self.readers[i].0,
                        reread: Reread::Pending,
                    });
                }
            }
            Some(c) => {
                let n = RECHECK.min(self.window.len());
                let (r, h, _) = self.counts(c, n);
                if n == RECHECK && (r + h) * 4 <= n {
                    if let Some(i) = self.winner(RECHECK).filter(|&i| i != c) {
                        self.chosen = Some(i);
                        self.switches += 1;
                        // This line is already read by the new family; the window before it
                        // was read by the old one.
                        self.decisions.push_back(Decision {
                            kind: self.readers[i].0,
                            reread: Reread::Lines {
                                from: self.lines + 1 - RECHECK as u64,
                                to: self.lines,
                            },
                        });
                    }
                }
            }
        }
        match self.chosen {
            Some(i) => verdicts.into_iter().nth(i).unwrap_or(Parsed::Reject {
                reason: PENDING.into(),
            }),
            None => Parsed::Reject {
                reason: PENDING.into(),
            },
        }
    }

    fn detection(&self) -> Option<Detection> {
        Some(Detection {
            chosen: self.chosen.map(|i| self.readers[i].0.as_str()),
            confidence_pct: self
                .chosen
                .or_else(|| self.leader())
                .map_or(0, |i| self.confidence(i)),
            leader: self
                .leader()
                .map(|i| (self.readers[i].0.as_str(), self.counts(i, WINDOW).0)),
            lines_seen: self.lines,
            switches: self.switches,
        })
    }

    fn take_decision(&mut self) -> Option<Decision> {
        self.decisions.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panasonic_lines() -> Vec<String> {
        // Pattern B as printed by a KX-TDA (see panasonic.rs); the same line with varied minutes.
        (0..10)
            .map(|m| {
                format!("07/12/20 11:{m:02}    401 01 <I>3488677149        00:00'12 EU00000.00               ")
            })
            .collect()
    }

    #[test]
    fn nothing_is_guessed_before_the_lock() {
        let mut a = Auto::new(DateOrder::Dmy);
        let p = a.parse("hello world");
        assert_eq!(
            p,
            Parsed::Reject {
                reason: PENDING.into()
            }
        );
        assert_eq!(a.take_decision(), None);
        let d = a.detection().unwrap();
        assert_eq!(d.chosen, None);
        assert_eq!(d.lines_seen, 1);
    }

    #[test]
    fn locks_on_panasonic_and_asks_for_a_reread() {
        let mut a = Auto::new(DateOrder::Dmy);
        let lines = panasonic_lines();
        let mut decided_at = None;
        for (n, l) in lines.iter().enumerate() {
            let p = a.parse(l);
            if let Some(d) = a.take_decision() {
                assert_eq!(d.kind, DialectKind::Panasonic);
                assert_eq!(d.reread, Reread::Pending);
                decided_at = Some(n);
                assert_eq!(p.kind(), "record", "{p:?}");
            }
        }
        assert_eq!(decided_at, Some(MIN_RECORDS - 1));
        assert_eq!(a.detection().unwrap().chosen, Some("panasonic"));
        assert_eq!(a.name(), "panasonic");
    }

    #[test]
    fn an_unknown_layout_stays_unknown() {
        let mut a = Auto::new(DateOrder::Dmy);
        for i in 0..100 {
            let p = a.parse(&format!("CALL {i} FROM SOMEWHERE TO ELSEWHERE"));
            assert_eq!(p.kind(), "reject");
        }
        assert_eq!(a.take_decision(), None);
        assert_eq!(a.detection().unwrap().chosen, None);
    }
}
