//! A pin that records what it was told, for tests: the LED hardware is not here.

use super::LedError;
use embedded_hal::digital::{ErrorType, OutputPin};
use std::sync::{Arc, Mutex, MutexGuard};

/// Clones share one record, so a test keeps a handle while the LEDs own the pin.
#[derive(Debug, Clone, Default)]
pub struct RecordingPin {
    inner: Arc<Mutex<Record>>,
}

#[derive(Debug, Default)]
struct Record {
    /// Every successful write: `true` lit.
    writes: Vec<bool>,
    /// Failed attempts.
    failures: usize,
    /// While set, writes fail with this message.
    fail: Option<String>,
}

impl RecordingPin {
    pub fn new() -> RecordingPin {
        RecordingPin::default()
    }

    fn lock(&self) -> MutexGuard<'_, Record> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The successful writes so far, oldest first.
    pub fn writes(&self) -> Vec<bool> {
        self.lock().writes.clone()
    }

    /// How many writes failed.
    pub fn failures(&self) -> usize {
        self.lock().failures
    }

    /// Whether the LED is lit now, as far as the writes tell (`None`: never written).
    pub fn lit(&self) -> Option<bool> {
        self.lock().writes.last().copied()
    }

    /// Make writes fail with `error` (as a vanished or read-only sysfs file would), or work
    /// again with `None`.
    pub fn fail_with(&self, error: Option<&str>) {
        self.lock().fail = error.map(str::to_string);
    }

    fn write(&mut self, lit: bool) -> Result<(), LedError> {
        let mut r = self.lock();
        if let Some(e) = &r.fail {
            let e = LedError(e.clone());
            r.failures += 1;
            return Err(e);
        }
        r.writes.push(lit);
        Ok(())
    }
}

impl ErrorType for RecordingPin {
    type Error = LedError;
}

impl OutputPin for RecordingPin {
    fn set_low(&mut self) -> Result<(), LedError> {
        self.write(false)
    }

    fn set_high(&mut self) -> Result<(), LedError> {
        self.write(true)
    }
}
