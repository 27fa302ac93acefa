//! The status LEDs (pure): the box's health in, what each of its three LEDs shows out, and the
//! player that says whether an LED is lit at a moment of its pattern. Time is a parameter.
//!
//! [`TABLE`] is the one table: the case label, the README (checked by `tests/docs.rs`), the
//! status page and `/api/status` all come from it.
//!
//! Vocabulary (engineering notes §4.3): green is the daemon's own heartbeat, blinking while it
//! runs, so a stopped or hung daemon shows a steady LED (and so does one whose store thread or
//! serial reader alone hangs: green goes dark on the watchdog's verdict, from
//! `core::service`); amber is the PBX side (cable, port settings); red is the box itself
//! (storage), as N long + M short flashes like the Raspberry Pi firmware's codes, so a
//! technician can tell faults apart by counting. Off is good news.

use crate::core::health::{Cause, Level, Snapshot, Verdict};
use crate::core::service::{Part, Silence};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Led {
    Green,
    Amber,
    Red,
}

impl Led {
    /// In the order of the arrays below: `[green, amber, red]`.
    pub const ALL: [Led; 3] = [Led::Green, Led::Amber, Led::Red];

    pub fn as_str(self) -> &'static str {
        match self {
            Led::Green => "green",
            Led::Amber => "amber",
            Led::Red => "red",
        }
    }

    pub fn index(self) -> usize {
        match self {
            Led::Green => 0,
            Led::Amber => 1,
            Led::Red => 2,
        }
    }
}

/// How an LED is driven over time. Every pattern starts lit, so a change shows at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Pattern {
    Off,
    On,
    Blink {
        on_ms: u32,
        off_ms: u32,
    },
    /// `long` long flashes, then `short` short ones, then a pause; repeated.
    Code {
        long: u8,
        short: u8,
    },
}

/// Blink-code timing: long enough apart to count without hurry (the Pi firmware pauses about
/// 2 s between repeats; its flashes are of the same order).
pub const LONG_ON_MS: u64 = 1000;
pub const SHORT_ON_MS: u64 = 250;
/// Dark time after each flash but the last.
pub const GAP_MS: u64 = 400;
/// Dark time after the last flash, so the start of the code is plain.
pub const PAUSE_MS: u64 = 2000;

impl Pattern {
    /// One cycle of the pattern in ms; 0 for a steady LED.
    pub fn period_ms(self) -> u64 {
        match self {
            Pattern::Off | Pattern::On => 0,
            Pattern::Blink { on_ms, off_ms } => u64::from(on_ms) + u64::from(off_ms),
            Pattern::Code { long, short } => {
                let flashes = u64::from(long) + u64::from(short);
                if flashes == 0 {
                    return 0;
                }
                u64::from(long) * LONG_ON_MS
                    + u64::from(short) * SHORT_ON_MS
                    + (flashes - 1) * GAP_MS
                    + PAUSE_MS
            }
        }
    }

    /// Whether the LED is lit `elapsed_ms` after the pattern started.
    pub fn is_on(self, elapsed_ms: u64) -> bool {
        let period = self.period_ms();
        match self {
            Pattern::Off => false,
            Pattern::On => true,
            _ if period == 0 => false,
            Pattern::Blink { on_ms, .. } => elapsed_ms % period < u64::from(on_ms),
            Pattern::Code { long, short } => {
                let mut t = elapsed_ms % period;
                let flashes = (0..long)
                    .map(|_| LONG_ON_MS)
                    .chain((0..short).map(|_| SHORT_ON_MS));
                for on in flashes {
                    if t < on {
                        return true;
                    }
                    if t < on + GAP_MS {
                        return false;
                    }
                    t -= on + GAP_MS;
                }
                // The pause after the last flash.
                false
            }
        }
    }

    /// The pattern in words, for the label, the README and the page.
    pub fn words(self) -> String {
        match self {
            Pattern::Off => "off".into(),
            Pattern::On => "on".into(),
            Pattern::Blink { on_ms, off_ms } => {
                let period = self.period_ms();
                if period == 0 {
                    "off".into()
                } else if period >= 1000 {
                    format!("blinks: {} on, {} off", secs(on_ms), secs(off_ms))
                } else {
                    format!("blinks {} times a second", 1000 / period)
                }
            }
            Pattern::Code { long, short } => {
                let part = |n: u8, what: &str| match n {
                    0 => None,
                    1 => Some(format!("1 {what}")),
                    n => Some(format!("{n} {what}")),
                };
                let parts: Vec<String> = [part(long, "long"), part(short, "short")]
                    .into_iter()
                    .flatten()
                    .collect();
                if parts.is_empty() {
                    "off".into()
                } else {
                    format!("{} flashes, pause, repeat", parts.join(" + "))
                }
            }
        }
    }
}

/// `1 s`, `0.5 s`.
fn secs(ms: u32) -> String {
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{} s", f64::from(ms) / 1000.0)
    }
}

/// What an LED can say: one row of [`TABLE`] each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Waiting,
    Receiving,
    PortMissing,
    Unreadable,
    StorageFault,
    LinesLost,
    DatabaseSetAside,
}

impl State {
    pub const ALL: [State; 7] = [
        State::Waiting,
        State::Receiving,
        State::PortMissing,
        State::Unreadable,
        State::StorageFault,
        State::LinesLost,
        State::DatabaseSetAside,
    ];

    /// This state's row of [`TABLE`] (a test checks the two agree).
    pub fn row(self) -> &'static Row {
        let i = match self {
            State::Waiting => 0,
            State::Receiving => 1,
            State::PortMissing => 2,
            State::Unreadable => 3,
            State::StorageFault => 4,
            State::LinesLost => 5,
            State::DatabaseSetAside => 6,
        };
        &TABLE[i]
    }
}

/// One line of the LED table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub state: State,
    pub led: Led,
    pub pattern: Pattern,
    /// Short enough for a case label.
    pub meaning: &'static str,
}

/// In `/api/status`: the pattern as data and in words.
impl Serialize for Row {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("Row", 5)?;
        m.serialize_field("state", &self.state)?;
        m.serialize_field("led", &self.led)?;
        m.serialize_field("pattern", &self.pattern)?;
        m.serialize_field("words", &self.pattern.words())?;
        m.serialize_field("meaning", self.meaning)?;
        m.end()
    }
}

/// The LED table. Green always blinks while the daemon runs; amber and red are off when all
/// is well. When several faults hold, the LED shows the one listed first.
pub const TABLE: [Row; 7] = [
    Row {
        state: State::Waiting,
        led: Led::Green,
        pattern: Pattern::Blink {
            on_ms: 1000,
            off_ms: 1000,
        },
        meaning: "running, no line in the last 10 s (steady on or off: stopped or hung)",
    },
    Row {
        state: State::Receiving,
        led: Led::Green,
        pattern: Pattern::Blink {
            on_ms: 250,
            off_ms: 250,
        },
        meaning: "running, lines arriving from the PBX",
    },
    Row {
        state: State::PortMissing,
        led: Led::Amber,
        pattern: Pattern::On,
        meaning: "serial port missing, unplugged or not opening",
    },
    Row {
        state: State::Unreadable,
        led: Led::Amber,
        pattern: Pattern::Blink {
            on_ms: 100,
            off_ms: 100,
        },
        meaning: "data does not read as SMDR: check speed, parity, dialect",
    },
    Row {
        state: State::StorageFault,
        led: Led::Red,
        pattern: Pattern::Code { long: 1, short: 1 },
        meaning: "storage fault: the database cannot be written; lines wait in RAM",
    },
    Row {
        state: State::LinesLost,
        led: Led::Red,
        pattern: Pattern::Code { long: 1, short: 2 },
        meaning: "lines lost since start: the buffer overflowed",
    },
    Row {
        state: State::DatabaseSetAside,
        led: Led::Red,
        pattern: Pattern::Code { long: 1, short: 3 },
        meaning: "the database was corrupt and set aside (shown for a day)",
    },
];

/// A line received this recently makes the green LED say "receiving".
pub const RECEIVING_MS: i64 = 10_000;

/// What each LED shows, `[green, amber, red]`; `None` is off. Faults come from the verdict's
/// findings (the page's own judgement), activity from the snapshot, a hung part from the
/// watchdog's verdict (`core::service::silent_part`, same limit), so the LEDs show a hang when
/// the pings stop, also where no systemd would restart the daemon.
pub fn led_states(
    s: &Snapshot,
    v: &Verdict,
    now_ms: i64,
    silent: Option<Silence>,
) -> [Option<State>; 3] {
    let has = |cause: Cause, level: Level| {
        v.findings
            .iter()
            .any(|f| f.cause == cause && f.level >= level)
    };
    // Either way: a line a moment "in the future" is clock jitter; one far off is from before
    // the clock was set back, not a line just now.
    let receiving = s
        .last_line_ms
        .is_some_and(|t| now_ms.saturating_sub(t).unsigned_abs() < RECEIVING_MS.unsigned_abs());
    // A hung part: green stops blinking, as for a wholly hung daemon ("steady on or off:
    // stopped or hung"). Dark rather than lit, as a stopped daemon leaves it: either way it
    // needs a restart.
    let green = match silent {
        Some(_) => None,
        None if receiving => Some(State::Receiving),
        None => Some(State::Waiting),
    };
    let amber = if has(Cause::LinkDown, Level::Fault) || has(Cause::Connecting, Level::Warning) {
        Some(State::PortMissing)
    } else if has(Cause::Garbled, Level::Fault) || has(Cause::Rejects, Level::Fault) {
        Some(State::Unreadable)
    } else {
        None
    };
    // A fault now before a loss already suffered, before a notice of what happened at start.
    // A hung store thread is a storage fault the verdict cannot see (nothing fails, nothing
    // is written): its row's words hold, and red tells it from a hung reader.
    let store_hung = silent.is_some_and(|x| x.part == Part::Store);
    let red = if has(Cause::Storage, Level::Fault) || store_hung {
        Some(State::StorageFault)
    } else if has(Cause::Overflow, Level::Fault) {
        Some(State::LinesLost)
    } else if has(Cause::StorageNotice, Level::Fault) {
        Some(State::DatabaseSetAside)
    } else {
        None
    };
    [green, amber, red]
}

/// The pattern each LED plays for these states.
pub fn patterns(states: [Option<State>; 3]) -> [Pattern; 3] {
    states.map(|s| s.map_or(Pattern::Off, |s| s.row().pattern))
}

/// Plays one LED's pattern: a new pattern starts from its beginning, so a blink code is
/// always seen whole from its first flash. `now_ms` is monotonic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Player {
    pattern: Pattern,
    since_ms: u64,
}

impl Default for Player {
    fn default() -> Self {
        Player {
            pattern: Pattern::Off,
            since_ms: 0,
        }
    }
}

impl Player {
    /// Whether the LED should be lit now, playing `pattern`.
    pub fn lit(&mut self, pattern: Pattern, now_ms: u64) -> bool {
        if pattern != self.pattern {
            self.pattern = pattern;
            self.since_ms = now_ms;
        }
        pattern.is_on(now_ms.saturating_sub(self.since_ms))
    }
}

/// What the LEDs show now and how they are driven, for the status page and `/api/status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedsShown {
    /// `none`, `sysfs` or `gpio` (`[leds] backend`).
    pub backend: String,
    pub lights: Vec<Light>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Light {
    pub led: Led,
    /// `None`: off, all well; for green, a part of the daemon hung.
    pub state: Option<State>,
    pub pattern: String,
    pub meaning: String,
    /// The LED class name or GPIO line; `None` when none is configured for it.
    pub device: Option<String>,
    /// Why it cannot be driven (cannot be opened, or the last write failed).
    pub error: Option<String>,
}

impl Light {
    pub fn new(
        led: Led,
        state: Option<State>,
        device: Option<String>,
        error: Option<String>,
    ) -> Light {
        let (pattern, meaning) = match state {
            Some(s) => (s.row().pattern.words(), s.row().meaning.to_string()),
            // Green dark while the daemon runs: only the watchdog's verdict does that.
            None if led == Led::Green => (
                "off".to_string(),
                "hung: a part of the daemon shows no sign of life (see the log)".to_string(),
            ),
            None => ("off".to_string(), String::new()),
        };
        Light {
            led,
            state,
            pattern,
            meaning,
            device,
            error,
        }
    }
}

/// The table as Markdown, as the README has it under "Status LEDs".
pub fn markdown_table() -> String {
    let mut t = String::from("| LED | pattern | meaning |\n|---|---|---|\n");
    for r in &TABLE {
        t.push_str(&format!(
            "| {} | {} | {} |\n",
            r.led.as_str(),
            r.pattern.words(),
            r.meaning
        ));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::health::{judge, LinkState};

    const NOW: i64 = 1_700_000_000_000;

    fn up() -> Snapshot {
        Snapshot {
            link: LinkState::Up,
            port: "/dev/smdr0".into(),
            settings: "9600 8N1".into(),
            dialect: "panasonic".into(),
            ..Snapshot::default()
        }
    }

    fn states(s: &Snapshot, now: i64) -> [Option<State>; 3] {
        led_states(s, &judge(s, now), now, None)
    }

    #[test]
    fn each_condition_shows_its_row() {
        use State::*;
        // (what, snapshot change, [green, amber, red])
        type Case = (&'static str, fn(&mut Snapshot), [Option<State>; 3]);
        let cases: [Case; 13] = [
            ("all well, nothing yet", |_| {}, [Some(Waiting), None, None]),
            (
                "a line 9.9 s ago",
                |s| s.last_line_ms = Some(NOW - 9_900),
                [Some(Receiving), None, None],
            ),
            (
                "last line 10 s ago",
                |s| s.last_line_ms = Some(NOW - 10_000),
                [Some(Waiting), None, None],
            ),
            (
                "port missing",
                |s| s.link = LinkState::Down,
                [Some(Waiting), Some(PortMissing), None],
            ),
            (
                "opening the port",
                |s| s.link = LinkState::Connecting,
                [Some(Waiting), Some(PortMissing), None],
            ),
            (
                "wrong speed: garbage bytes",
                |s| {
                    s.framer.bytes_in = 1000;
                    s.framer.garbage_bytes = 300;
                },
                [Some(Waiting), Some(Unreadable), None],
            ),
            (
                "wrong dialect: most lines rejected",
                |s| {
                    s.records = 2;
                    s.rejects = 20;
                    s.last_line_ms = Some(NOW - 1);
                },
                [Some(Receiving), Some(Unreadable), None],
            ),
            (
                "a few rejects are only a warning",
                |s| {
                    s.records = 100;
                    s.rejects = 2;
                },
                [Some(Waiting), None, None],
            ),
            (
                "unplugged beats garbled",
                |s| {
                    s.link = LinkState::Down;
                    s.framer.bytes_in = 1000;
                    s.framer.garbage_bytes = 300;
                },
                [Some(Waiting), Some(PortMissing), None],
            ),
            (
                "storage fault",
                |s| s.store_error = Some("disk I/O error".into()),
                [Some(Waiting), None, Some(StorageFault)],
            ),
            (
                "lines lost",
                |s| s.ring.overflow_lines = 3,
                [Some(Waiting), None, Some(LinesLost)],
            ),
            (
                "database set aside an hour ago",
                |s| s.store_notice = Some((NOW - 3_600_000, "moved aside".into())),
                [Some(Waiting), None, Some(DatabaseSetAside)],
            ),
            (
                "all three faults: the storage fault shows",
                |s| {
                    s.store_error = Some("disk full".into());
                    s.ring.overflow_lines = 3;
                    s.store_notice = Some((NOW, "moved aside".into()));
                },
                [Some(Waiting), None, Some(StorageFault)],
            ),
        ];
        for (what, change, want) in cases {
            let mut s = up();
            change(&mut s);
            assert_eq!(states(&s, NOW), want, "{what}");
        }
        // Lost lines outrank the notice; the notice goes dark after a day (the page keeps a
        // warning).
        let mut s = up();
        s.ring.overflow_lines = 1;
        s.store_notice = Some((NOW, "moved aside".into()));
        assert_eq!(states(&s, NOW)[2], Some(LinesLost));
        let mut s = up();
        s.store_notice = Some((NOW, "moved aside".into()));
        assert_eq!(
            states(&s, NOW + 24 * 3_600_000 - 1)[2],
            Some(DatabaseSetAside)
        );
        assert_eq!(states(&s, NOW + 24 * 3_600_000 + 1)[2], None);
        // A line stamped a moment ahead of the clock counts; one from before the clock was
        // set back an hour does not.
        let mut s = up();
        s.last_line_ms = Some(NOW + 5_000);
        assert_eq!(states(&s, NOW)[0], Some(Receiving));
        s.last_line_ms = Some(NOW + 3_600_000);
        assert_eq!(states(&s, NOW)[0], Some(Waiting));
    }

    #[test]
    fn a_silent_part_stops_the_green_heartbeat() {
        use crate::core::service::{silent_part, stall_limit_ms, Beats};
        use State::*;
        // The limit the watchdog uses under the shipped unit (WatchdogSec=30, 2 s commits).
        let limit = stall_limit_ms(Some(30_000), 2_000);
        let at = |beats: Beats, mono: u64, s: &Snapshot| {
            led_states(
                s,
                &judge(s, NOW),
                NOW,
                silent_part(beats, mono, limit, false),
            )
        };
        let store_stuck_at = |t: u64| {
            move |mono: u64| Beats {
                store_ms: t,
                source_ms: mono,
            }
        };
        let mut s = up();
        s.last_line_ms = Some(NOW - 1_000);
        // Silent for exactly the limit: still alive, as for the watchdog; 1 ms more: hung.
        let store = store_stuck_at(5_000);
        assert_eq!(
            at(store(5_000 + limit), 5_000 + limit, &s),
            [Some(Receiving), None, None]
        );
        assert_eq!(
            at(store(5_001 + limit), 5_001 + limit, &s),
            [None, None, Some(StorageFault)],
            "green dark, red says storage"
        );
        assert_eq!(patterns([None, None, Some(StorageFault)])[0], Pattern::Off);
        // The reader hangs: green dark, red as it was; amber still shows the link.
        let reader = |mono: u64| Beats {
            store_ms: mono,
            source_ms: 5_000,
        };
        assert_eq!(
            at(reader(5_001 + limit), 5_001 + limit, &s),
            [None, None, None]
        );
        s.link = LinkState::Down;
        s.ring.overflow_lines = 2;
        assert_eq!(
            at(reader(5_001 + limit), 5_001 + limit, &s),
            [None, Some(PortMissing), Some(LinesLost)]
        );
        // A store hang outranks lines lost, as a storage fault does.
        assert_eq!(
            at(store(5_001 + limit), 5_001 + limit, &s),
            [None, Some(PortMissing), Some(StorageFault)]
        );
        // Stopping: the reader's silence is on purpose (the store drains), not a hang.
        assert_eq!(
            silent_part(reader(5_001 + limit), 5_001 + limit, limit, true),
            None
        );
        // The page says why green is dark.
        let l = Light::new(Led::Green, None, None, None);
        assert_eq!(l.pattern, "off");
        assert!(l.meaning.starts_with("hung: "), "{}", l.meaning);
    }

    #[test]
    fn table_rows_belong_to_their_states_and_leds() {
        for s in State::ALL {
            assert_eq!(s.row().state, s);
        }
        assert_eq!(TABLE.len(), State::ALL.len());
        // Each LED's rows are told apart by their patterns, none of them steady off.
        for (i, a) in TABLE.iter().enumerate() {
            assert_ne!(a.pattern, Pattern::Off, "{:?}", a.state);
            for b in &TABLE[i + 1..] {
                assert!(
                    a.led != b.led || a.pattern != b.pattern,
                    "{:?} and {:?} look alike",
                    a.state,
                    b.state
                );
            }
        }
        // Green has only blinking rows: a steady green means the daemon is stopped or hung.
        for r in TABLE.iter().filter(|r| r.led == Led::Green) {
            assert!(matches!(r.pattern, Pattern::Blink { .. }), "{:?}", r.state);
        }
        for led in Led::ALL {
            assert_eq!(Led::ALL[led.index()], led);
        }
        // What the state machine can return fits the LED it is returned for.
        let [g, a, r] = states(&up(), NOW);
        assert_eq!(g.map(|s| s.row().led), Some(Led::Green));
        assert_eq!((a, r), (None, None));
        assert_eq!(
            patterns([Some(State::Receiving), None, Some(State::LinesLost)]),
            [
                Pattern::Blink {
                    on_ms: 250,
                    off_ms: 250
                },
                Pattern::Off,
                Pattern::Code { long: 1, short: 2 }
            ]
        );
    }

    /// The lit moments of a pattern over one period, sampled every 50 ms (the LED thread's
    /// tick), as `(start, end)` intervals.
    fn flashes(p: Pattern) -> Vec<(u64, u64)> {
        let mut out = Vec::new();
        let mut start = None;
        for t in (0..=p.period_ms()).step_by(50) {
            match (p.is_on(t), start) {
                (true, None) => start = Some(t),
                (false, Some(s)) => {
                    out.push((s, t));
                    start = None;
                }
                _ => {}
            }
        }
        out
    }

    #[test]
    fn patterns_play_their_timing() {
        assert!(!Pattern::Off.is_on(0) && !Pattern::Off.is_on(12_345));
        assert!(Pattern::On.is_on(0) && Pattern::On.is_on(12_345));

        let slow = Pattern::Blink {
            on_ms: 1000,
            off_ms: 1000,
        };
        assert_eq!(slow.period_ms(), 2000);
        assert_eq!(flashes(slow), [(0, 1000)]);
        // It repeats, and does not drift over days.
        let day = 86_400_000;
        assert!(slow.is_on(day + 999) && !slow.is_on(day + 1000) && slow.is_on(day + 2000));

        // 1 long + 2 short: 1000 on, 400 off, 250 on, 400 off, 250 on, 2000 off.
        let code = Pattern::Code { long: 1, short: 2 };
        assert_eq!(code.period_ms(), 1000 + 400 + 250 + 400 + 250 + 2000);
        assert_eq!(flashes(code), [(0, 1000), (1400, 1650), (2050, 2300)]);
        assert!(
            code.is_on(code.period_ms()),
            "the code repeats from its start"
        );
        assert_eq!(
            flashes(Pattern::Code { long: 2, short: 0 }),
            [(0, 1000), (1400, 2400)]
        );
        assert_eq!(
            flashes(Pattern::Code { long: 0, short: 3 }),
            [(0, 250), (650, 900), (1300, 1550)]
        );
        // Degenerate patterns are dark rather than a division by zero.
        for p in [
            Pattern::Code { long: 0, short: 0 },
            Pattern::Blink {
                on_ms: 0,
                off_ms: 0,
            },
        ] {
            assert_eq!(p.period_ms(), 0);
            assert!(!p.is_on(0) && !p.is_on(77));
            assert_eq!(p.words(), "off");
        }
        assert!(!Pattern::Blink {
            on_ms: 0,
            off_ms: 100
        }
        .is_on(0));
    }

    #[test]
    fn player_restarts_a_new_pattern_and_keeps_the_phase_of_the_same() {
        let slow = State::Waiting.row().pattern;
        let code = State::StorageFault.row().pattern;
        let mut p = Player::default();
        assert!(p.lit(slow, 5_000), "a new pattern starts lit");
        assert!(p.lit(slow, 5_999));
        assert!(!p.lit(slow, 6_000));
        assert!(p.lit(slow, 7_000), "same pattern: phase kept");
        // The fault starts at 7_500, in the middle of the green's cycle: its code from the top.
        assert!(p.lit(code, 7_500));
        assert!(p.lit(code, 8_499));
        assert!(!p.lit(code, 8_500));
        assert!(p.lit(code, 8_900), "the short flash");
        assert!(!p.lit(Pattern::Off, 9_000));
        // A monotonic clock never goes back, but a player must not panic if handed one.
        assert!(p.lit(slow, 1_000));
    }

    #[test]
    fn words_for_the_label() {
        let words: Vec<String> = TABLE.iter().map(|r| r.pattern.words()).collect();
        assert_eq!(
            words,
            [
                "blinks: 1 s on, 1 s off",
                "blinks 2 times a second",
                "on",
                "blinks 5 times a second",
                "1 long + 1 short flashes, pause, repeat",
                "1 long + 2 short flashes, pause, repeat",
                "1 long + 3 short flashes, pause, repeat",
            ]
        );
        assert_eq!(
            Pattern::Blink {
                on_ms: 500,
                off_ms: 1500
            }
            .words(),
            "blinks: 0.5 s on, 1.5 s off"
        );
        assert_eq!(
            Pattern::Code { long: 2, short: 0 }.words(),
            "2 long flashes, pause, repeat"
        );
        let md = markdown_table();
        assert!(md.starts_with("| LED | pattern | meaning |\n|---|---|---|\n| green | blinks: 1 s on, 1 s off | running,"), "{md}");
        assert_eq!(md.lines().count(), 2 + TABLE.len());
        // The label's "10 s" is the window the code uses.
        assert!(State::Waiting
            .row()
            .meaning
            .contains(&format!("last {} s", RECEIVING_MS / 1000)));
        // Case label: every row short.
        for r in &TABLE {
            assert!(r.meaning.len() <= 80, "{:?} too long for a label", r.state);
        }
    }

    #[test]
    fn the_table_as_json() {
        let j = serde_json::to_value(State::StorageFault.row()).unwrap();
        assert_eq!(
            j,
            serde_json::json!({
                "state": "storage_fault",
                "led": "red",
                "pattern": {"kind": "code", "long": 1, "short": 1},
                "words": "1 long + 1 short flashes, pause, repeat",
                "meaning": State::StorageFault.row().meaning,
            })
        );
    }

    #[test]
    fn a_light_carries_its_rows_words() {
        let l = Light::new(Led::Red, Some(State::LinesLost), Some("x".into()), None);
        assert_eq!(l.pattern, "1 long + 2 short flashes, pause, repeat");
        assert_eq!(l.meaning, State::LinesLost.row().meaning);
        let l = Light::new(Led::Amber, None, None, Some("e".into()));
        assert_eq!((l.pattern.as_str(), l.meaning.as_str()), ("off", ""));
    }
}
