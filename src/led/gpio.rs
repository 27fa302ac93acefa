//! An LED on a GPIO line, through the GPIO character device (`/dev/gpiochipN`, uAPI v2 or v1),
//! for boards whose device tree does not make it an LED-class device. The line is held for as
//! long as the pin lives and released when it is dropped.

use super::LedError;
use embedded_hal::digital::{ErrorType, OutputPin};
use gpiocdev::line::Value;
use std::path::{Path, PathBuf};

pub struct GpioLed {
    request: gpiocdev::Request,
    line: u32,
    chip: PathBuf,
}

impl GpioLed {
    /// Requests `line` of `chip` as an output, initially off. `active_low`: lit when low.
    pub fn open(chip: &Path, line: u32, active_low: bool) -> Result<GpioLed, LedError> {
        let mut b = gpiocdev::Request::builder();
        b.on_chip(chip)
            .with_consumer("smdrbox")
            .with_line(line)
            .as_output(Value::Inactive);
        if active_low {
            b.as_active_low();
        }
        let request = b.request().map_err(|e| {
            LedError(format!(
                "{} line {line}: {}",
                chip.display(),
                e.to_string().trim_end_matches('.')
            ))
        })?;
        Ok(GpioLed {
            request,
            line,
            chip: chip.to_path_buf(),
        })
    }

    fn set(&mut self, value: Value) -> Result<(), LedError> {
        self.request
            .set_value(self.line, value)
            .map_err(|e| LedError(format!("{} line {}: {e}", self.chip.display(), self.line)))
    }
}

impl ErrorType for GpioLed {
    type Error = LedError;
}

impl OutputPin for GpioLed {
    fn set_low(&mut self) -> Result<(), LedError> {
        self.set(Value::Inactive)
    }

    fn set_high(&mut self) -> Result<(), LedError> {
        self.set(Value::Active)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // No GPIO chip here: what can be checked is that a wrong `chip` is refused with its path.
    #[test]
    fn a_path_that_is_not_a_gpio_chip_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("gpiochip0");
        std::fs::write(&file, "").unwrap();
        let e = GpioLed::open(&file, 17, false).err().unwrap();
        assert!(
            e.0.starts_with(&format!("{} line 17: ", file.display())),
            "{e}"
        );
        assert!(e.0.contains("is not a character device"), "{e}");

        let missing = dir.path().join("gpiochip9");
        let e = GpioLed::open(&missing, 4, true).err().unwrap();
        assert!(
            e.0.starts_with(&format!("{} line 4: ", missing.display())),
            "{e}"
        );

        // A character device, but not a GPIO chip.
        let e = GpioLed::open(Path::new("/dev/null"), 17, false)
            .err()
            .unwrap();
        assert!(e.0.starts_with("/dev/null line 17: "), "{e}");
        assert!(e.0.contains("is not a GPIO character device"), "{e}");
    }
}
