//! An LED of the Linux LED class (`/sys/class/leds/NAME`), as a board's device tree (gpio-leds)
//! or a driver makes it: `brightness` 0 or `max_brightness`, and no kernel trigger, so only
//! the daemon drives it and a hung daemon shows a frozen LED.

use super::LedError;
use embedded_hal::digital::{ErrorType, OutputPin};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct SysfsLed {
    brightness: PathBuf,
    /// What "lit" is written as: `max_brightness` as the kernel gives it.
    max: String,
}

impl SysfsLed {
    /// Opens `root/name`: reads `max_brightness` and sets `trigger` to `none`.
    pub fn open(root: &Path, name: &str) -> Result<SysfsLed, LedError> {
        let dir = root.join(name);
        let max_path = dir.join("max_brightness");
        let text = std::fs::read_to_string(&max_path)
            .map_err(|e| LedError(format!("{}: {e}", max_path.display())))?;
        let max = match text.trim().parse::<u32>() {
            Ok(m) if m > 0 => m.to_string(),
            _ => {
                return Err(LedError(format!(
                    "{}: {:?} is not a brightness above 0",
                    max_path.display(),
                    text.trim()
                )))
            }
        };
        // Otherwise a default trigger (mmc0, heartbeat, timer) would drive it too.
        write(&dir.join("trigger"), "none")?;
        Ok(SysfsLed {
            brightness: dir.join("brightness"),
            max,
        })
    }
}

/// One whole write to an attribute; never creates a file (a vanished LED is an error, not a
/// new file in /sys or in a test's directory).
fn write(path: &Path, value: &str) -> Result<(), LedError> {
    std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)
        .and_then(|mut f| f.write_all(value.as_bytes()))
        .map_err(|e| LedError(format!("{}: {e}", path.display())))
}

impl ErrorType for SysfsLed {
    type Error = LedError;
}

impl OutputPin for SysfsLed {
    fn set_low(&mut self) -> Result<(), LedError> {
        write(&self.brightness, "0")
    }

    fn set_high(&mut self) -> Result<(), LedError> {
        write(&self.brightness, &self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    /// A stand-in for `/sys/class/leds/NAME` as the kernel shows it before we take it over.
    fn stand_in(root: &Path, name: &str, max: &str) -> PathBuf {
        let dir = root.join(name);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("max_brightness"), max).unwrap();
        fs::write(dir.join("brightness"), "0\n").unwrap();
        fs::write(dir.join("trigger"), "none [mmc0] timer heartbeat\n").unwrap();
        dir
    }

    #[test]
    fn drives_brightness_between_zero_and_max_and_clears_the_trigger() {
        let root = tempfile::tempdir().unwrap();
        let dir = stand_in(root.path(), "smdrbox:green:status", "255\n");
        let mut led = SysfsLed::open(root.path(), "smdrbox:green:status").unwrap();
        assert_eq!(fs::read_to_string(dir.join("trigger")).unwrap(), "none");
        led.set_high().unwrap();
        assert_eq!(fs::read_to_string(dir.join("brightness")).unwrap(), "255");
        led.set_low().unwrap();
        assert_eq!(fs::read_to_string(dir.join("brightness")).unwrap(), "0");
        led.set_high().unwrap();
        assert_eq!(fs::read_to_string(dir.join("brightness")).unwrap(), "255");

        // An on/off LED (most GPIO LEDs) has max_brightness 1.
        let dir = stand_in(root.path(), "ACT", "1");
        let mut led = SysfsLed::open(root.path(), "ACT").unwrap();
        led.set_high().unwrap();
        assert_eq!(fs::read_to_string(dir.join("brightness")).unwrap(), "1");
    }

    #[test]
    fn errors_name_the_file() {
        let root = tempfile::tempdir().unwrap();
        let e = SysfsLed::open(root.path(), "smdrbox:red:fault").unwrap_err();
        let want = root.path().join("smdrbox:red:fault/max_brightness");
        assert!(e.0.starts_with(&format!("{}: ", want.display())), "{e}");
        assert!(e.0.contains("No such file"), "{e}");

        stand_in(root.path(), "zero", "0\n");
        let e = SysfsLed::open(root.path(), "zero").unwrap_err();
        assert!(
            e.0.ends_with("max_brightness: \"0\" is not a brightness above 0"),
            "{e}"
        );
        stand_in(root.path(), "junk", "bright");
        assert!(SysfsLed::open(root.path(), "junk").is_err());

        // No trigger file: refused, not created.
        let dir = stand_in(root.path(), "notrigger", "1");
        fs::remove_file(dir.join("trigger")).unwrap();
        let e = SysfsLed::open(root.path(), "notrigger").unwrap_err();
        assert!(e.0.contains("notrigger/trigger: "), "{e}");
        assert!(!dir.join("trigger").exists());

        // The LED vanishes after opening (a driver unbound): the write fails, naming the file,
        // and creates nothing.
        let dir = stand_in(root.path(), "gone", "1");
        let mut led = SysfsLed::open(root.path(), "gone").unwrap();
        fs::remove_file(dir.join("brightness")).unwrap();
        let e = led.set_high().unwrap_err();
        assert!(e.0.contains("gone/brightness: "), "{e}");
        assert!(!dir.join("brightness").exists());
    }
}
