//! The status LEDs at the edge: a thread that reads the box's state every [`TICK`], asks the
//! pure core (`core::leds`) what each LED shows, and drives the pins. Pins are
//! `embedded_hal::digital::OutputPin`s: the Linux LED class (`sysfs`), a GPIO line through the
//! character device (`gpio`), or, in tests, a [`recording::RecordingPin`].
//!
//! A part of the daemon that hangs while this thread goes on is judged as the watchdog judges
//! it (`core::service::silent_part`, from the same heartbeats and limit), so green stops
//! blinking then too, with or without systemd.
//!
//! Capture never waits on the LEDs: the thread only takes the status lock to copy the
//! snapshot, as the web page does. A failing LED is logged once, shown on the status page,
//! retried, and never stops anything else.

pub mod gpio;
pub mod recording;
pub mod sysfs;

use crate::config::{LedBackend, LedsConfig};
use crate::core::health::{judge, Snapshot};
use crate::core::leds::{self, Led, LedsShown, Light, Player, State};
use crate::core::service;
use crate::status::Status;
use anyhow::{Context, Result};
use embedded_hal::digital::{OutputPin, PinState};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often the LEDs are updated: fine enough for the fastest pattern (100 ms steps).
pub const TICK: Duration = Duration::from_millis(50);

/// Why an LED cannot be driven, naming the file or line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedError(pub String);

impl std::fmt::Display for LedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LedError {}

impl embedded_hal::digital::Error for LedError {
    fn kind(&self) -> embedded_hal::digital::ErrorKind {
        embedded_hal::digital::ErrorKind::Other
    }
}

/// Any backend's pin.
pub type Pin = Box<dyn OutputPin<Error = LedError> + Send>;

/// Something to tell the log about an LED: said once when it starts failing, once when it
/// works again, not at every tick in between.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Failed { led: Led, error: String },
    Recovered { led: Led },
}

/// One LED: its pin (none when not configured or not openable) and what it last showed.
struct Slot {
    led: Led,
    device: Option<String>,
    pin: Option<Pin>,
    /// Why it cannot be driven: it could not be opened, or its last write failed.
    error: Option<String>,
    failing: bool,
    player: Player,
    /// The last state written successfully; `None` forces the next write.
    written: Option<bool>,
}

impl Slot {
    fn set(&mut self, lit: bool) -> Option<Change> {
        let pin = self.pin.as_mut()?;
        if self.written == Some(lit) {
            return None;
        }
        match pin.set_state(PinState::from(lit)) {
            Ok(()) => {
                self.written = Some(lit);
                self.error = None;
                if self.failing {
                    self.failing = false;
                    return Some(Change::Recovered { led: self.led });
                }
                None
            }
            Err(e) => {
                // Unknown state now: write again next tick.
                self.written = None;
                self.error = Some(e.0.clone());
                if self.failing {
                    return None;
                }
                self.failing = true;
                Some(Change::Failed {
                    led: self.led,
                    error: e.0,
                })
            }
        }
    }
}

/// The three LEDs, `[green, amber, red]`.
pub struct Leds {
    backend: &'static str,
    slots: [Slot; 3],
}

/// What one LED is: its device in words and its pin, or why there is none.
pub type Fitted = Option<(String, Result<Pin, LedError>)>;

impl Leds {
    /// LEDs from pins already made (tests, and [`Leds::open`]). An LED left `None` is not fitted.
    pub fn new(backend: &'static str, pins: [Fitted; 3]) -> Leds {
        let mut pins = pins.into_iter();
        let slots = Led::ALL.map(|led| {
            let (device, pin, error) = match pins.next().flatten() {
                Some((device, Ok(pin))) => (Some(device), Some(pin), None),
                Some((device, Err(e))) => (Some(device), None, Some(e.0)),
                None => (None, None, None),
            };
            Slot {
                led,
                device,
                pin,
                error,
                failing: false,
                player: Player::default(),
                written: None,
            }
        });
        Leds { backend, slots }
    }

    /// Opens the configured backend. An LED that cannot be opened is logged and stays dark;
    /// the others work.
    pub fn open(cfg: &LedsConfig) -> Leds {
        let backend = cfg.backend();
        let pins = Led::ALL.map(|led| -> Fitted {
            match backend {
                LedBackend::None => None,
                LedBackend::Sysfs => {
                    let name = cfg.sysfs_name(led)?;
                    let device = cfg.sysfs_root().join(name).display().to_string();
                    let pin =
                        sysfs::SysfsLed::open(cfg.sysfs_root(), name).map(|p| Box::new(p) as Pin);
                    Some((device, pin))
                }
                LedBackend::Gpio => {
                    let line = cfg.gpio_line(led)?;
                    let device = format!("{} line {line}", cfg.chip().display());
                    let pin = gpio::GpioLed::open(cfg.chip(), line, cfg.active_low)
                        .map(|p| Box::new(p) as Pin);
                    Some((device, pin))
                }
            }
        });
        let leds = Leds::new(backend.as_str(), pins);
        for s in &leds.slots {
            match (&s.device, &s.error) {
                (Some(_), Some(e)) => tracing::warn!(
                    "LED {}: cannot be driven, it stays dark: {e}",
                    s.led.as_str()
                ),
                (Some(d), None) => tracing::info!("LED {}: {d}", s.led.as_str()),
                _ => {}
            }
        }
        leds
    }

    /// Plays each LED's pattern for `states` at monotonic time `mono_ms`.
    pub fn drive(&mut self, states: [Option<State>; 3], mono_ms: u64) -> Vec<Change> {
        let patterns = leds::patterns(states);
        let mut changes = Vec::new();
        for (slot, pattern) in self.slots.iter_mut().zip(patterns) {
            let lit = slot.player.lit(pattern, mono_ms);
            changes.extend(slot.set(lit));
        }
        changes
    }

    /// All dark, as the daemon leaves them when it stops.
    pub fn off(&mut self) -> Vec<Change> {
        let mut changes = Vec::new();
        for slot in &mut self.slots {
            changes.extend(slot.set(false));
        }
        changes
    }

    /// What they show, for the page.
    pub fn shown(&self, states: [Option<State>; 3]) -> LedsShown {
        LedsShown {
            backend: self.backend.to_string(),
            lights: self
                .slots
                .iter()
                .zip(states)
                .map(|(s, state)| Light::new(s.led, state, s.device.clone(), s.error.clone()))
                .collect(),
        }
    }
}

fn log(changes: Vec<Change>) {
    for c in changes {
        match c {
            Change::Failed { led, error } => tracing::warn!(
                "LED {}: write failed (retried; said once until it works): {error}",
                led.as_str()
            ),
            Change::Recovered { led } => tracing::info!("LED {}: works again", led.as_str()),
        }
    }
}

/// The box's state, as the web page reads it.
pub type SnapshotFn = Arc<dyn Fn() -> Snapshot + Send + Sync>;

/// What the watchdog's judgement reads: the heartbeats (and their clock and the stopping flag)
/// in `Status`, and the silence taken for a hang (`notify::stall_ms`).
#[derive(Clone)]
pub struct Liveness {
    pub status: Arc<Status>,
    pub stall_ms: u64,
}

impl Liveness {
    /// The part silent for too long now, as `core::service` decides.
    fn silent(&self) -> Option<service::Silence> {
        let s = &self.status;
        service::silent_part(s.beats(), s.mono_ms(), self.stall_ms, s.stopping())
    }
}

/// The running LED thread. Dropping it stops the thread and turns the LEDs off.
pub struct LedThread {
    shown: Arc<Mutex<Option<LedsShown>>>,
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl LedThread {
    /// What the LEDs show now (`None` until the first tick).
    pub fn shown(&self) -> Option<LedsShown> {
        self.shown.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// [`LedThread::shown`] for another thread to keep (the web page's snapshot).
    pub fn shown_fn(&self) -> impl Fn() -> Option<LedsShown> + Send + Sync + 'static {
        let shown = self.shown.clone();
        move || shown.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Stop the thread; the LEDs are off when this returns.
    pub fn stop(self) {
        drop(self);
    }
}

impl Drop for LedThread {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Open the configured LEDs and drive them on a thread named `leds` from `snapshot` and
/// `liveness`.
pub fn start(cfg: &LedsConfig, snapshot: SnapshotFn, liveness: Liveness) -> Result<LedThread> {
    start_with(Leds::open(cfg), snapshot, liveness)
}

/// [`start`] with LEDs already opened.
pub fn start_with(mut leds: Leds, snapshot: SnapshotFn, liveness: Liveness) -> Result<LedThread> {
    let shown = Arc::new(Mutex::new(None));
    let (tx, rx) = mpsc::channel::<()>();
    let published = shown.clone();
    let thread = std::thread::Builder::new()
        .name("leds".into())
        .spawn(move || {
            let base = Instant::now();
            let mut hung = false;
            loop {
                let snap = snapshot();
                let now = crate::source::now_ms();
                let silent = liveness.silent();
                // Said once each way: without systemd no other thread logs the hang.
                match (silent, hung) {
                    (Some(why), false) => tracing::error!("LEDs: {why}; green stops blinking"),
                    (None, true) => tracing::warn!("LEDs: every part shows life again"),
                    _ => {}
                }
                hung = silent.is_some();
                let states = leds::led_states(&snap, &judge(&snap, now), now, silent);
                let mono = u64::try_from(base.elapsed().as_millis()).unwrap_or(u64::MAX);
                log(leds.drive(states, mono));
                let view = leds.shown(states);
                let mut p = published.lock().unwrap_or_else(|p| p.into_inner());
                if p.as_ref() != Some(&view) {
                    *p = Some(view);
                }
                drop(p);
                // A message or a dropped sender both mean stop.
                match rx.recv_timeout(TICK) {
                    Err(RecvTimeoutError::Timeout) => {}
                    _ => break,
                }
            }
            log(leds.off());
        })
        .context("starting the LED thread")?;
    Ok(LedThread {
        shown,
        stop: Some(tx),
        thread: Some(thread),
    })
}

#[cfg(test)]
mod tests {
    use super::recording::RecordingPin;
    use super::*;
    use crate::core::health::LinkState;

    fn recorded() -> ([RecordingPin; 3], Leds) {
        let pins = [
            RecordingPin::new(),
            RecordingPin::new(),
            RecordingPin::new(),
        ];
        let fitted = pins
            .clone()
            .map(|p| -> Fitted { Some(("test".into(), Ok(Box::new(p) as Pin))) });
        (pins, Leds::new("test", fitted))
    }

    const WAITING: [Option<State>; 3] = [Some(State::Waiting), None, None];

    fn wait(what: &str, f: &dyn Fn() -> bool) {
        let end = Instant::now() + Duration::from_secs(10);
        while !f() {
            assert!(Instant::now() < end, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn status() -> Arc<Status> {
        Arc::new(Status::new(
            "/x".into(),
            "9600 8N1".into(),
            "panasonic".into(),
            0,
        ))
    }

    /// Liveness that never judges a hang.
    fn alive() -> Liveness {
        Liveness {
            status: status(),
            stall_ms: u64::MAX,
        }
    }

    #[test]
    fn a_silent_part_darkens_green_and_the_store_shows_on_red() {
        use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
        let (pins, leds) = recorded();
        let status = status();
        // The reader beats until the end; the store thread while `store_on` holds.
        let (store_on, done) = (
            Arc::new(AtomicBool::new(true)),
            Arc::new(AtomicBool::new(false)),
        );
        let beater = {
            let (status, store_on, done) = (status.clone(), store_on.clone(), done.clone());
            std::thread::spawn(move || {
                while !done.load(Relaxed) {
                    status.beat_source();
                    if store_on.load(Relaxed) {
                        status.store_heartbeat().beat();
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
            })
        };
        let liveness = Liveness {
            status: status.clone(),
            stall_ms: 300,
        };
        let t = start_with(leds, Arc::new(Snapshot::default), liveness).unwrap();
        wait("green lit", &|| pins[0].lit() == Some(true));
        assert_eq!(pins[2].lit(), Some(false));
        // The store thread stops beating: 300 ms later it is hung.
        store_on.store(false, Relaxed);
        wait("green shown dark", &|| {
            t.shown().is_some_and(|s| {
                s.lights[0].state.is_none() && s.lights[2].state == Some(State::StorageFault)
            })
        });
        assert_eq!(pins[0].lit(), Some(false), "steady off");
        wait("red flashing", &|| pins[2].lit() == Some(true));
        // It beats again: green blinks again, red goes dark.
        store_on.store(true, Relaxed);
        wait("green back", &|| {
            t.shown()
                .is_some_and(|s| s.lights[0].state == Some(State::Waiting))
        });
        wait("red dark", &|| pins[2].lit() == Some(false));
        done.store(true, Relaxed);
        beater.join().unwrap();
        t.stop();
    }

    #[test]
    fn writes_only_changes_and_plays_the_pattern() {
        let (pins, mut leds) = recorded();
        // The slow heartbeat sampled every 50 ms for 4 s: on 1 s, off 1 s, twice.
        for t in (0..4000).step_by(50) {
            assert!(leds.drive(WAITING, t).is_empty());
        }
        assert_eq!(pins[0].writes(), [true, false, true, false]);
        // Amber and red were written dark once, then left alone.
        assert_eq!(pins[1].writes(), [false]);
        assert_eq!(pins[2].writes(), [false]);

        // A storage fault: red plays 1 long + 1 short from its start.
        let fault = [Some(State::Waiting), None, Some(State::StorageFault)];
        let mut red = Vec::new();
        for t in (4000..4000 + 3650).step_by(50) {
            leds.drive(fault, t);
            red.push(pins[2].lit() == Some(true));
        }
        let lit_ms = red.iter().filter(|&&l| l).count() * 50;
        assert_eq!(lit_ms, 1000 + 250, "one long and one short flash per cycle");
        assert!(red[0] && red[19] && !red[20] && red[28] && !red[33]);

        assert!(leds.off().is_empty());
        assert_eq!(pins.each_ref().map(RecordingPin::lit), [Some(false); 3]);
    }

    #[test]
    fn a_failing_led_is_logged_once_and_retried_and_the_others_go_on() {
        let (pins, mut leds) = recorded();
        pins[0].fail_with(Some("/sys/class/leds/g/brightness: Read-only file system"));
        let changes = leds.drive(WAITING, 0);
        assert_eq!(
            changes,
            [Change::Failed {
                led: Led::Green,
                error: "/sys/class/leds/g/brightness: Read-only file system".into()
            }]
        );
        for t in (50..1000).step_by(50) {
            assert!(leds.drive(WAITING, t).is_empty(), "said once");
        }
        assert!(pins[0].failures() >= 19, "retried every tick");
        assert_eq!(pins[1].writes(), [false], "amber unaffected");
        let shown = leds.shown(WAITING);
        assert_eq!(
            shown.lights[0].error.as_deref(),
            Some("/sys/class/leds/g/brightness: Read-only file system")
        );

        pins[0].fail_with(None);
        assert_eq!(
            leds.drive(WAITING, 1000),
            [Change::Recovered { led: Led::Green }]
        );
        assert_eq!(pins[0].lit(), Some(false), "1000 ms into the blink: dark");
        assert_eq!(leds.shown(WAITING).lights[0].error, None);
        // Failing again is news again.
        pins[0].fail_with(Some("gone"));
        assert_eq!(leds.drive(WAITING, 2000).len(), 1);
    }

    #[test]
    fn unfitted_and_unopenable_leds_are_shown_as_such() {
        let green = RecordingPin::new();
        let mut leds = Leds::new(
            "sysfs",
            [
                Some(("/x/green".into(), Ok(Box::new(green.clone()) as Pin))),
                None,
                Some((
                    "/x/red".into(),
                    Err(LedError("/x/red/max_brightness: No such file".into())),
                )),
            ],
        );
        assert!(leds
            .drive([Some(State::Receiving), None, Some(State::LinesLost)], 0)
            .is_empty());
        assert_eq!(green.writes(), [true]);
        let s = leds.shown([Some(State::Receiving), None, Some(State::LinesLost)]);
        assert_eq!(s.backend, "sysfs");
        assert_eq!(s.lights[1].device, None);
        assert_eq!(s.lights[2].device.as_deref(), Some("/x/red"));
        assert_eq!(
            s.lights[2].error.as_deref(),
            Some("/x/red/max_brightness: No such file")
        );
        assert_eq!(s.lights[2].state, Some(State::LinesLost));
    }

    #[test]
    fn the_thread_follows_the_snapshot_and_leaves_the_leds_off() {
        let (pins, leds) = recorded();
        let link = Arc::new(Mutex::new(LinkState::Up));
        let l = link.clone();
        let snapshot: SnapshotFn = Arc::new(move || Snapshot {
            link: *l.lock().unwrap(),
            ..Snapshot::default()
        });
        let t = start_with(leds, snapshot, alive()).unwrap();
        wait("green lit", &|| pins[0].lit() == Some(true));
        assert_eq!(pins[1].lit(), Some(false));
        *link.lock().unwrap() = LinkState::Down;
        wait("amber on", &|| pins[1].lit() == Some(true));
        wait("shown", &|| {
            t.shown()
                .is_some_and(|s| s.lights[1].state == Some(State::PortMissing))
        });
        t.stop();
        assert_eq!(pins.each_ref().map(RecordingPin::lit), [Some(false); 3]);
    }

    #[test]
    fn opening_a_sysfs_backend_from_the_config() {
        let root = tempfile::tempdir().unwrap();
        let green = root.path().join("smdrbox:green:status");
        std::fs::create_dir(&green).unwrap();
        for (f, v) in [
            ("max_brightness", "1"),
            ("brightness", "0"),
            ("trigger", "[mmc0]"),
        ] {
            std::fs::write(green.join(f), v).unwrap();
        }
        let text = format!(
            "[source]\npath = \"/dev/x\"\n[leds]\nbackend = \"sysfs\"\nsysfs_root = \"{}\"\n\
             amber = \"\"\n",
            root.path().display()
        );
        let cfg = crate::config::Config::parse(std::path::Path::new("t.toml"), &text).unwrap();
        let mut leds = Leds::open(&cfg.leds);
        leds.drive(WAITING, 0);
        assert_eq!(
            std::fs::read_to_string(green.join("brightness")).unwrap(),
            "1"
        );
        assert_eq!(
            std::fs::read_to_string(green.join("trigger")).unwrap(),
            "none"
        );
        let s = leds.shown(WAITING);
        assert_eq!(s.lights[0].error, None);
        assert_eq!(s.lights[1].device, None, "amber not fitted");
        // Red has no directory: shown with the reason, and green works regardless.
        let red = s.lights[2].error.as_deref().unwrap_or_default();
        assert!(red.contains("smdrbox:red:fault/max_brightness: "), "{red}");

        // backend = "none": nothing fitted, nothing written, states still computed.
        let cfg = crate::config::Config::parse(
            std::path::Path::new("t.toml"),
            "[source]\npath = \"/x\"\n",
        )
        .unwrap();
        let mut leds = Leds::open(&cfg.leds);
        assert!(leds.drive(WAITING, 0).is_empty());
        let s = leds.shown(WAITING);
        assert_eq!(s.backend, "none");
        assert!(s
            .lights
            .iter()
            .all(|l| l.device.is_none() && l.error.is_none()));
        assert_eq!(s.lights[0].state, Some(State::Waiting));
    }
}
