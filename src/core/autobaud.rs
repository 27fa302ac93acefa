//! Finding an unknown serial speed and framing from what arrives (pure; time is a parameter).
//!
//! With `baud = "auto"` the serial source sets the port to one candidate speed after another,
//! always as 8N1, and feeds [`Autobaud`] the bytes read, as Linux delivers them with the
//! hunt's input flags: a character received with a framing error, or a break, arrives as a
//! NUL (see `core::uart`). The framing is checked in software: 8N1, 7E1 and 7O1 frames are all
//! ten bits, so an 8N1 receiver reads a 7-bit character's parity bit as its eighth data bit,
//! and `uart::reframe` turns what it read into exactly what a 7E1 or 7O1 receiver would
//! deliver. So each speed is judged as all three framings at once, from the same bytes, and
//! the port (a USB adapter without 7-bit support, or a pty, which forces CS8) only ever has to
//! do 8N1. The port is only ever read; the PBX is never asked anything.
//!
//! Speeds: 9600 (the usual SMDR speed) first, then 1200, 2400, 4800, 19200, 38400. A receiver
//! with one stop bit reads two-stop-bit text too, so stop bits need no hunting. The speed of
//! the setting locked last time (remembered by the edge) goes first.
//!
//! Evidence is counted per attempt and framing, per line (ended by CR or LF, or cut at 512):
//! - a *suspicious* byte is a NUL (a line error), a byte of 0x80 or more (7-bit text read as
//!   8 bits shows its parity bit there), or a control byte other than TAB and FF;
//! - a *good* line has at least 8 bytes, at least one letter or digit, and nothing suspicious;
//! - a *bad* line has a suspicious byte; a short clean line is no evidence either way.
//!
//! Decisions, taken after each read:
//! - **lock** on a framing when `lock_lines` (3) good lines have arrived and its bad lines are
//!   at most a quarter of them (one line garbled by the switch itself must not cost the right
//!   setting);
//! - **rule a framing out** when at least 8 bytes are suspicious and they are half of all
//!   bytes or more (a slow receiver reading a fast PBX sees only a few characters per line,
//!   nearly all errors), or at least 32 are and they are over an eighth, or 2 bad lines
//!   outnumber the good ones, or 4096 bytes came without a lock (no plausible lines at all);
//!   when all three are out, **try the next speed**;
//! - **silence is no evidence**: a PBX may print nothing for hours. An attempt that has read
//!   nothing moves on after `quiet_ms`, so a silent port cycles slowly and for ever; one that
//!   read something undecided moves on `quiet_ms` after its last byte, and a *promising* one
//!   (a framing with a good line and no bad one) waits up to `promising_ms` after its last
//!   byte for more lines.
//!
//! After the lock the lines go to the framer and are still watched: 4 bad lines in a row, or
//! 64 suspicious bytes that are half of everything since the last good line (the PBX was
//! reconfigured), re-open the hunt from the first speed.

use super::uart::{reframe, LineSetting, Parity, ERROR_BYTE};
use serde::Serialize;

/// Speeds hunted, most likely first.
pub const SPEEDS: [u32; 6] = [9600, 1200, 2400, 4800, 19200, 38400];
/// Framings judged at each speed (all ten-bit frames, so one 8N1 port reads them all).
pub const FRAMINGS: [(u8, Parity); 3] = [(8, Parity::None), (7, Parity::Even), (7, Parity::Odd)];

/// Longest line considered, as the framer cuts lines.
const MAX_LINE: usize = 512;
const GOOD_MIN_LEN: usize = 8;
const STRONG_MIN: u64 = 8;
const MODERATE_MIN: u64 = 32;
const REHUNT_BAD_LINES: u32 = 4;
const REHUNT_SUSPICIOUS: u64 = 64;

/// The speeds in hunting order, the remembered one first.
pub fn speeds(remembered: Option<LineSetting>) -> Vec<u32> {
    let mut v = SPEEDS.to_vec();
    if let Some(r) = remembered {
        v.retain(|&b| b != r.baud);
        v.insert(0, r.baud);
    }
    v
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Good lines needed to lock.
    pub lock_lines: u32,
    /// How long an attempt with nothing (or nothing decisive) waits before the next.
    pub quiet_ms: i64,
    /// How long a promising attempt waits after its last byte.
    pub promising_ms: i64,
    /// Bytes after which an attempt without a lock is rejected.
    pub max_bytes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            lock_lines: 3,
            quiet_ms: 20_000,
            promising_ms: 30 * 60_000,
            max_bytes: 4096,
        }
    }
}

/// What the edge does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Keep reading at the current setting.
    Stay,
    /// The current setting is right: hand the attempt's bytes to the framer and remember it.
    Lock(LineSetting),
    /// Set the port to this speed (8N1), flush, settle, and call
    /// [`Autobaud::begin_attempt`]; the attempt's bytes so far are garbage.
    Try(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Good,
    Bad,
    Neutral,
}

/// Counts over an attempt (or, once locked, since the last good line).
#[derive(Debug, Clone, Default)]
struct Evidence {
    bytes: u64,
    suspicious: u64,
    errors: u64,
    good: u32,
    bad: u32,
    line_len: usize,
    line_suspicious: u32,
    line_alnum: u32,
}

impl Evidence {
    /// One byte; returns the class of the line it ended, if it ended one.
    fn push(&mut self, b: u8) -> Option<Class> {
        self.bytes += 1;
        match b {
            b'\r' | b'\n' => return self.end_line(),
            b'\t' | 0x0c | 0x20..=0x7e => {
                if b.is_ascii_alphanumeric() {
                    self.line_alnum += 1;
                }
            }
            _ => {
                if b == ERROR_BYTE {
                    self.errors += 1;
                }
                self.suspicious += 1;
                self.line_suspicious += 1;
            }
        }
        self.line_len += 1;
        if self.line_len >= MAX_LINE {
            return self.end_line();
        }
        None
    }

    fn end_line(&mut self) -> Option<Class> {
        let class = if self.line_len == 0 {
            None
        } else if self.line_suspicious > 0 {
            Some(Class::Bad)
        } else if self.line_len >= GOOD_MIN_LEN && self.line_alnum > 0 {
            Some(Class::Good)
        } else {
            Some(Class::Neutral)
        };
        match class {
            Some(Class::Good) => self.good += 1,
            Some(Class::Bad) => self.bad += 1,
            _ => {}
        }
        self.line_len = 0;
        self.line_suspicious = 0;
        self.line_alnum = 0;
        class
    }

    fn reject(&self, opts: &Options) -> bool {
        let s = self.suspicious;
        (s >= STRONG_MIN && s * 2 >= self.bytes)
            || (s >= MODERATE_MIN && s * 8 > self.bytes)
            || (self.bad >= 2 && self.bad > self.good)
            || self.bytes >= opts.max_bytes
    }

    fn lock(&self, opts: &Options) -> bool {
        self.good >= opts.lock_lines && self.bad * 4 <= self.good
    }

    fn promising(&self) -> bool {
        self.good > 0 && self.bad == 0 && self.suspicious * 8 <= self.bytes
    }
}

/// What the status page shows of the hunt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AutobaudView {
    /// `hunting` or `locked`.
    pub state: &'static str,
    /// The speed tried or locked on.
    pub baud: u32,
    /// Locked: the setting, `9600 7E1`; hunting: the speed and the framings still in the
    /// running, `4800 8N1/7E1/7O1`.
    pub setting: String,
    /// Which speed (1-based) of how many, and how many times the list was gone through.
    pub attempt: usize,
    pub of: usize,
    pub cycle: u64,
    /// Good lines that made the decision (when locked).
    pub lock_lines: u32,
    /// Bytes thrown away while hunting: settling after a switch and rejected attempts.
    pub discarded_bytes: u64,
    /// Line errors (framing or parity) read since the lock.
    pub errors_since_lock: u64,
}

impl AutobaudView {
    /// `hunting (trying 4800 8N1/7E1/7O1, 4 of 6)` or `locked on 9600 8N1 (auto) after 3
    /// lines`.
    pub fn summary(&self) -> String {
        if self.state == "locked" {
            format!(
                "locked on {} (auto) after {} lines",
                self.setting, self.lock_lines
            )
        } else {
            format!(
                "hunting (trying {}, {} of {})",
                self.setting, self.attempt, self.of
            )
        }
    }
}

/// One speed's attempt: the evidence for each framing, and which are ruled out.
#[derive(Debug, Clone, Default)]
struct Attempt {
    ev: [Evidence; 3],
    out: [bool; 3],
    bytes: u64,
}

/// The hunt, and the watch after the lock.
#[derive(Debug, Clone)]
pub struct Autobaud {
    opts: Options,
    speeds: Vec<u32>,
    index: usize,
    cycle: u64,
    locked: Option<LineSetting>,
    lock_lines: u32,
    attempt: Attempt,
    /// Once locked: evidence since the last good line.
    watch: Evidence,
    started_ms: i64,
    last_byte_ms: Option<i64>,
    discarded: u64,
    errors_since_lock: u64,
    bad_in_row: u32,
}

impl Autobaud {
    pub fn new(remembered: Option<LineSetting>, opts: Options, now_ms: i64) -> Autobaud {
        Autobaud {
            opts,
            speeds: speeds(remembered),
            index: 0,
            cycle: 0,
            locked: None,
            lock_lines: 0,
            attempt: Attempt::default(),
            watch: Evidence::default(),
            started_ms: now_ms,
            last_byte_ms: None,
            discarded: 0,
            errors_since_lock: 0,
            bad_in_row: 0,
        }
    }

    /// The speed the port should have now (always as 8N1).
    pub fn speed(&self) -> u32 {
        self.locked.map_or(self.speeds[self.index], |l| l.baud)
    }

    pub fn locked(&self) -> Option<LineSetting> {
        self.locked
    }

    /// What the framer gets of bytes read at 8N1: the locked framing's characters (see
    /// `uart::reframe`).
    pub fn decode(&self, raw: &[u8]) -> Vec<u8> {
        let (d, p) = self
            .locked
            .map_or((8, Parity::None), |l| (l.data_bits, l.parity));
        raw.iter().map(|&b| reframe(d, p, b)).collect()
    }

    /// The port has the current speed, flushed and settled: count from here. Also after a
    /// reopen (when locked, the watch starts afresh).
    pub fn begin_attempt(&mut self, now_ms: i64) {
        self.discarded += self.attempt.bytes;
        self.attempt = Attempt::default();
        self.watch = Evidence::default();
        self.started_ms = now_ms;
        self.last_byte_ms = None;
        self.bad_in_row = 0;
    }

    /// Bytes the edge threw away (read while the port settled after a switch).
    pub fn discard(&mut self, n: u64) {
        self.discarded += n;
    }

    /// Bytes as read at 8N1.
    pub fn feed(&mut self, raw: &[u8], now_ms: i64) -> Step {
        if raw.is_empty() {
            return Step::Stay;
        }
        self.last_byte_ms = Some(now_ms);
        if self.locked.is_some() {
            return self.watch(raw);
        }
        let a = &mut self.attempt;
        a.bytes += raw.len() as u64;
        for (k, &(d, p)) in FRAMINGS.iter().enumerate() {
            if a.out[k] {
                continue;
            }
            for &b in raw {
                a.ev[k].push(reframe(d, p, b));
            }
        }
        for (k, &(d, p)) in FRAMINGS.iter().enumerate() {
            if !a.out[k] && a.ev[k].lock(&self.opts) {
                let s = LineSetting::new(self.speeds[self.index], d, p, 1);
                self.locked = Some(s);
                self.lock_lines = a.ev[k].good;
                self.attempt = Attempt::default();
                self.watch = Evidence::default();
                self.errors_since_lock = 0;
                self.bad_in_row = 0;
                return Step::Lock(s);
            }
        }
        for k in 0..FRAMINGS.len() {
            if a.ev[k].reject(&self.opts) {
                a.out[k] = true;
            }
        }
        if a.out.iter().all(|&o| o) {
            return self.next();
        }
        Step::Stay
    }

    fn watch(&mut self, raw: &[u8]) -> Step {
        for b in self.decode(raw) {
            if b == ERROR_BYTE {
                self.errors_since_lock += 1;
            }
            match self.watch.push(b) {
                Some(Class::Good) => {
                    self.bad_in_row = 0;
                    // Evidence since the last good line only.
                    self.watch = Evidence::default();
                }
                Some(Class::Bad) => self.bad_in_row += 1,
                _ => {}
            }
        }
        let ev = &self.watch;
        if self.bad_in_row >= REHUNT_BAD_LINES
            || (ev.suspicious >= REHUNT_SUSPICIOUS && ev.suspicious * 2 >= ev.bytes)
        {
            // The PBX was reconfigured (or the cable changed): hunt again from the start.
            self.locked = None;
            self.speeds = speeds(None);
            self.index = 0;
            self.cycle += 1;
            self.watch = Evidence::default();
            return Step::Try(self.speeds[0]);
        }
        Step::Stay
    }

    /// The port refused the current speed: go on with the next (never leaves a lock).
    pub fn skip(&mut self) {
        if self.locked.is_none() {
            self.next();
        }
    }

    /// Give up on the current speed and move to the next.
    fn next(&mut self) -> Step {
        self.index += 1;
        if self.index == self.speeds.len() {
            self.index = 0;
            self.cycle += 1;
        }
        // begin_attempt counts the attempt's bytes as discarded.
        Step::Try(self.speeds[self.index])
    }

    /// Called now and then: moves on from an attempt that has waited long enough (see the
    /// module doc); never leaves a lock.
    pub fn poll(&mut self, now_ms: i64) -> Step {
        if self.locked.is_some() {
            return Step::Stay;
        }
        let waited = match self.last_byte_ms {
            None => now_ms - self.started_ms,
            Some(t) => now_ms - t,
        };
        let a = &self.attempt;
        let promising = (0..FRAMINGS.len()).any(|k| !a.out[k] && a.ev[k].promising());
        let limit = if promising {
            self.opts.promising_ms
        } else {
            self.opts.quiet_ms
        };
        if waited >= limit {
            self.next()
        } else {
            Step::Stay
        }
    }

    pub fn view(&self) -> AutobaudView {
        let setting = match self.locked {
            Some(l) => l.label(),
            None => {
                let open: Vec<String> = FRAMINGS
                    .iter()
                    .enumerate()
                    .filter(|&(k, _)| !self.attempt.out[k])
                    .map(|(_, &(d, p))| format!("{d}{}1", p.as_char()))
                    .collect();
                format!("{} {}", self.speed(), open.join("/"))
            }
        };
        AutobaudView {
            state: if self.locked.is_some() {
                "locked"
            } else {
                "hunting"
            },
            baud: self.speed(),
            setting,
            attempt: self.index + 1,
            of: self.speeds.len(),
            cycle: self.cycle,
            lock_lines: self.lock_lines,
            discarded_bytes: self.discarded,
            errors_since_lock: self.errors_since_lock,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::uart::through_line;

    fn line(i: usize) -> Vec<u8> {
        format!(
            "07/12/20 11:{:02}    401 01 0364{:06}           00:00'{:02} EU00000.00\r\n",
            i % 60,
            i,
            i % 60
        )
        .into_bytes()
    }

    fn at_8n1(baud: u32) -> LineSetting {
        LineSetting::new(baud, 8, Parity::None, 1)
    }

    /// Runs a hunt against a PBX at `pbx`, one line per read, the port at 8N1 and the hunt's
    /// speed; returns the lock and the number of lines the PBX printed until then.
    fn hunt(pbx: LineSetting, remembered: Option<LineSetting>) -> Option<(LineSetting, usize)> {
        let mut a = Autobaud::new(remembered, Options::default(), 0);
        for i in 0..500 {
            let rx = at_8n1(a.speed());
            match a.feed(&through_line(&line(i), pbx, rx), i as i64) {
                Step::Lock(s) => return Some((s, i + 1)),
                Step::Try(_) => a.begin_attempt(i as i64),
                Step::Stay => {}
            }
        }
        None
    }

    #[test]
    fn every_speed_and_framing_locks_on_the_right_setting() {
        for baud in [
            300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200,
        ] {
            for (d, p) in FRAMINGS {
                let pbx = LineSetting::new(baud, d, p, 1);
                let got = hunt(pbx, None);
                if !SPEEDS.contains(&baud) {
                    // Not hunted: must not lock on anything wrong either.
                    assert_eq!(got, None, "{}", pbx.label());
                    continue;
                }
                let (got, lines) = got.unwrap_or_else(|| panic!("{}: no lock", pbx.label()));
                assert_eq!(got, pbx, "{}", pbx.label());
                assert!(lines < 100, "{}: {lines} lines", pbx.label());
                // Two stop bits are read as one.
                let two = hunt(LineSetting::new(baud, d, p, 2), None).map(|(s, _)| s);
                assert_eq!(two, Some(pbx));
            }
        }
    }

    #[test]
    fn the_remembered_speed_goes_first_and_locks_at_once() {
        let pbx = LineSetting::new(4800, 7, Parity::Odd, 1);
        assert_eq!(hunt(pbx, Some(pbx)), Some((pbx, 3)));
        assert_eq!(speeds(Some(pbx)), [4800, 9600, 1200, 2400, 19200, 38400]);
        // A wrong memory costs one attempt.
        let wrong = LineSetting::new(9600, 8, Parity::None, 1);
        assert_eq!(hunt(pbx, Some(wrong)).map(|(s, _)| s), Some(pbx));
    }

    #[test]
    fn silence_moves_on_slowly_and_cycles() {
        let o = Options::default();
        let mut a = Autobaud::new(None, o, 1000);
        assert_eq!(a.poll(1000 + o.quiet_ms - 1), Step::Stay);
        assert_eq!(a.poll(1000 + o.quiet_ms), Step::Try(1200));
        a.begin_attempt(1000 + o.quiet_ms);
        for _ in 1..SPEEDS.len() {
            let now = a.started_ms + o.quiet_ms;
            assert!(matches!(a.poll(now), Step::Try(_)));
            a.begin_attempt(now);
        }
        let v = a.view();
        assert_eq!((v.attempt, v.cycle, v.discarded_bytes), (1, 1, 0));
    }

    #[test]
    fn a_promising_attempt_waits_for_more_lines() {
        let o = Options::default();
        let mut a = Autobaud::new(None, o, 0);
        let pbx = LineSetting::new(9600, 7, Parity::Even, 1);
        let port = at_8n1(9600);
        assert_eq!(a.feed(&through_line(&line(1), pbx, port), 10), Step::Stay);
        assert_eq!(a.view().setting, "9600 7E1");
        assert_eq!(a.poll(10 + o.quiet_ms), Step::Stay);
        assert_eq!(
            a.feed(&through_line(&line(2), pbx, port), 600_000),
            Step::Stay
        );
        let last = through_line(&line(3), pbx, port);
        assert_eq!(a.feed(&last, 1_200_000), Step::Lock(pbx));
        assert_eq!(
            a.view().summary(),
            "locked on 9600 7E1 (auto) after 3 lines"
        );
        assert_eq!(a.decode(&last), line(3));
        // A single garbled line among good ones does not cost the right setting.
        let mut a = Autobaud::new(None, o, 0);
        assert_eq!(a.feed(b"\0\0\x8d\0junk\r\n", 0), Step::Stay);
        let mut step = Step::Stay;
        for i in 0..4 {
            step = a.feed(&line(i), 0);
        }
        assert_eq!(step, Step::Lock(at_8n1(9600)));
    }

    #[test]
    fn a_burst_after_the_lock_reopens_the_hunt() {
        let pbx = at_8n1(9600);
        let mut a = Autobaud::new(Some(pbx), Options::default(), 0);
        for i in 0..3 {
            a.feed(&line(i), 0);
        }
        assert_eq!(a.locked(), Some(pbx));
        // Occasional noise is tolerated.
        assert_eq!(a.feed(b"07/12\0 11:03 401\r\n", 0), Step::Stay);
        assert_eq!(a.feed(&line(5), 0), Step::Stay);
        assert_eq!(a.view().errors_since_lock, 1);
        // The PBX switched to 2400 7E1: everything is garbage now.
        let new = LineSetting::new(2400, 7, Parity::Even, 1);
        let mut step = Step::Stay;
        for i in 0..20 {
            step = a.feed(&through_line(&line(i), new, pbx), 0);
            if step != Step::Stay {
                break;
            }
        }
        assert_eq!(step, Step::Try(9600));
        assert_eq!(a.view().state, "hunting");
        a.begin_attempt(0);
        let (mut i, mut got) = (0, None);
        while got.is_none() && i < 500 {
            match a.feed(&through_line(&line(i), new, at_8n1(a.speed())), 0) {
                Step::Lock(s) => got = Some(s),
                Step::Try(_) => a.begin_attempt(0),
                Step::Stay => {}
            }
            i += 1;
        }
        assert_eq!(got, Some(new));
        assert!(a.view().discarded_bytes > 0);
    }

    #[test]
    fn summary_words() {
        let a = Autobaud::new(None, Options::default(), 0);
        assert_eq!(
            a.view().summary(),
            "hunting (trying 9600 8N1/7E1/7O1, 1 of 6)"
        );
    }
}
