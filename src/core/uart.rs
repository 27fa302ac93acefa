//! A bit-level model of an asynchronous serial line (pure).
//!
//! A pseudo-terminal passes bytes unchanged whatever its speed and framing, so it cannot show
//! what a receiver at the wrong setting would see. This model can: a [`Transmitter`] at one
//! [`LineSetting`] turns bytes and idle gaps into the line's level over time (a [`Signal`]),
//! and [`receive`] samples that signal like a real UART at another setting: it waits for the
//! falling edge of a start bit, checks the start bit at its centre, samples the data, parity
//! and stop bits at their centres, and flags each character with a framing error (stop bit
//! low), a parity error, or a break (every bit low). After a character it looks for the next
//! falling edge from the centre of the stop bit on, so a low stop bit re-syncs on the next
//! high-to-low transition.
//!
//! [`delivered`] then gives the bytes Linux hands to `read()` for those characters with the
//! input flags the serial source sets while it hunts (`INPCK` on; `IGNPAR`, `PARMRK`,
//! `IGNBRK`, `BRKINT`, `ISTRIP` off): a good character as itself, one with a framing or parity
//! error, or a break, as a single NUL byte. `PARMRK` would mark errors as `\377 \0 X`, but a
//! pty's line discipline doubles every `\377` written to its master, so the marks could not be
//! reproduced through a pty; the NUL form is the same on a real UART and on a pty. SMDR is
//! text and never contains NUL, so a NUL read is a line error. [`reframe`] reads 7E1 and 7O1
//! from what an 8N1 receiver got, so the port can stay at 8N1 (a pty refuses CS7 and PARENB:
//! it forces CS8, and glibc's `tcsetattr` reports EINVAL).
//!
//! Time is counted in ticks of 1/1 843 200 s (16 × 115 200, the classic UART crystal), so
//! every standard speed's bit and half bit are whole ticks.

/// Ticks per second: 16 × 115 200.
pub const TICKS_PER_SEC: u64 = 1_843_200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Parity {
    None,
    Even,
    Odd,
}

impl Parity {
    pub fn as_char(self) -> char {
        match self {
            Parity::None => 'N',
            Parity::Even => 'E',
            Parity::Odd => 'O',
        }
    }
}

/// Speed and framing of one end of the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LineSetting {
    pub baud: u32,
    /// 7 or 8.
    pub data_bits: u8,
    pub parity: Parity,
    /// 1 or 2 (a receiver checks only the first).
    pub stop_bits: u8,
}

impl LineSetting {
    pub const fn new(baud: u32, data_bits: u8, parity: Parity, stop_bits: u8) -> LineSetting {
        LineSetting {
            baud,
            data_bits,
            parity,
            stop_bits,
        }
    }

    /// `9600 8N1`, as a technician writes it.
    pub fn label(&self) -> String {
        format!(
            "{} {}{}{}",
            self.baud,
            self.data_bits,
            self.parity.as_char(),
            self.stop_bits
        )
    }

    /// Parses [`LineSetting::label`]'s form back (`9600 7E1`).
    pub fn parse(s: &str) -> Option<LineSetting> {
        let (baud, framing) = s.trim().split_once(' ')?;
        let baud: u32 = baud.parse().ok()?;
        let f = framing.trim().as_bytes();
        if f.len() != 3 || baud == 0 {
            return None;
        }
        let data_bits = match f[0] {
            b'7' => 7,
            b'8' => 8,
            _ => return None,
        };
        let parity = match f[1] {
            b'N' => Parity::None,
            b'E' => Parity::Even,
            b'O' => Parity::Odd,
            _ => return None,
        };
        let stop_bits = match f[2] {
            b'1' => 1,
            b'2' => 2,
            _ => return None,
        };
        Some(LineSetting::new(baud, data_bits, parity, stop_bits))
    }

    /// Length of one bit in ticks (at least 2, so a half bit is never zero).
    pub fn bit_ticks(&self) -> u64 {
        (TICKS_PER_SEC / u64::from(self.baud.max(1))).max(2)
    }

    /// Bits in one character frame: start, data, parity, stop.
    pub fn frame_bits(&self) -> u64 {
        1 + u64::from(self.data_bits)
            + u64::from(self.parity != Parity::None)
            + u64::from(self.stop_bits)
    }
}

/// The parity bit for `data` (its low `bits` bits) under `parity`; `None` has none.
fn parity_bit(data: u8, bits: u8, parity: Parity) -> Option<bool> {
    let mask = if bits >= 8 { 0xff } else { (1u8 << bits) - 1 };
    let odd_ones = (data & mask).count_ones() % 2 == 1;
    match parity {
        Parity::None => None,
        // The bit makes the count of ones even (Even) or odd (Odd).
        Parity::Even => Some(odd_ones),
        Parity::Odd => Some(!odd_ones),
    }
}

/// The line's level over time: high (mark, idle) until the first edge, then as the edges say,
/// and high again after `end`.
#[derive(Debug, Clone, Default)]
pub struct Signal {
    /// (tick, level from then on), times strictly increasing, levels alternating.
    edges: Vec<(u64, bool)>,
    end: u64,
}

impl Signal {
    pub fn level_at(&self, t: u64) -> bool {
        if t >= self.end {
            return true;
        }
        match self.edges.partition_point(|&(at, _)| at <= t) {
            0 => true,
            i => self.edges[i - 1].1,
        }
    }

    /// The first time at or after `t` where the line goes from high to low.
    fn next_fall(&self, t: u64) -> Option<u64> {
        let i = self.edges.partition_point(|&(at, _)| at < t);
        self.edges[i..]
            .iter()
            .find(|&&(at, level)| !level && at < self.end)
            .map(|&(at, _)| at)
    }

    /// Where the signal ends (idle from then on).
    pub fn end(&self) -> u64 {
        self.end
    }
}

/// Sends characters at one setting, back to back unless told to idle.
pub struct Transmitter {
    setting: LineSetting,
    t: u64,
    level: bool,
    signal: Signal,
}

impl Transmitter {
    pub fn new(setting: LineSetting) -> Transmitter {
        Transmitter {
            setting,
            t: 0,
            level: true,
            signal: Signal::default(),
        }
    }

    fn drive(&mut self, level: bool, bits: u64) {
        if level != self.level {
            self.signal.edges.push((self.t, level));
            self.level = level;
        }
        self.t += bits * self.setting.bit_ticks();
    }

    /// The line stays high for `bits` bit times.
    pub fn idle(&mut self, bits: u64) {
        self.drive(true, bits);
    }

    /// One character; with 7 data bits the top bit of `byte` is not sent.
    pub fn send(&mut self, byte: u8) {
        let s = self.setting;
        self.drive(false, 1);
        for i in 0..s.data_bits {
            self.drive(byte >> i & 1 == 1, 1);
        }
        if let Some(p) = parity_bit(byte, s.data_bits, s.parity) {
            self.drive(p, 1);
        }
        self.drive(true, u64::from(s.stop_bits));
    }

    pub fn send_all(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.send(b);
        }
    }

    /// A break: the line held low for `bits` bit times.
    pub fn hold_break(&mut self, bits: u64) {
        self.drive(false, bits);
    }

    pub fn finish(mut self) -> Signal {
        // Back to idle, so the receiver's last samples see a line at rest.
        self.drive(true, 0);
        self.signal.end = self.t;
        self.signal
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RxError {
    /// The stop bit was low.
    Framing,
    /// The parity bit did not match the data.
    Parity,
    /// Data, parity and stop bits all low: the line was held low.
    Break,
}

/// One character as a receiver saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Received {
    /// The data bits sampled (7 bits at 7 data bits).
    pub byte: u8,
    pub error: Option<RxError>,
}

/// Samples `signal` like a UART at `setting` (see the module doc).
pub fn receive(signal: &Signal, setting: LineSetting) -> Vec<Received> {
    let bit = setting.bit_ticks();
    let half = bit / 2;
    let mut out = Vec::new();
    let mut t = 0;
    while let Some(start) = signal.next_fall(t) {
        // A start bit gone high again by its centre was a glitch: look for the next edge.
        if signal.level_at(start + half) {
            t = start + half;
            continue;
        }
        let centre = |n: u64| start + n * bit + half;
        let mut byte = 0u8;
        let mut all_low = true;
        for i in 0..u64::from(setting.data_bits) {
            if signal.level_at(centre(1 + i)) {
                byte |= 1 << i;
                all_low = false;
            }
        }
        let mut n = 1 + u64::from(setting.data_bits);
        let mut parity_ok = true;
        if let Some(want) = parity_bit(byte, setting.data_bits, setting.parity) {
            let got = signal.level_at(centre(n));
            all_low &= !got;
            parity_ok = got == want;
            n += 1;
        }
        let stop_at = centre(n);
        let stop = signal.level_at(stop_at);
        let error = if !stop && all_low {
            Some(RxError::Break)
        } else if !parity_ok {
            Some(RxError::Parity)
        } else if !stop {
            Some(RxError::Framing)
        } else {
            None
        };
        out.push(Received { byte, error });
        t = stop_at + 1;
    }
    out
}

/// The byte `read()` returns for an erroneous character with the hunt's input flags.
pub const ERROR_BYTE: u8 = 0;

/// What Linux delivers to `read()` for these characters with `INPCK` set and `IGNPAR`,
/// `PARMRK`, `IGNBRK`, `BRKINT`, `ISTRIP` clear: the byte, or a NUL for any error.
pub fn delivered(chars: &[Received]) -> Vec<u8> {
    chars
        .iter()
        .map(|c| {
            if c.error.is_some() {
                ERROR_BYTE
            } else {
                c.byte
            }
        })
        .collect()
}

/// Reads a 7-bit character with parity from what an 8N1 receiver at the same speed got: both
/// frames are ten bits long and sampled at the same instants, so the parity bit arrives as the
/// eighth data bit, and framing errors and breaks are the same. The result is what a receiver
/// at `7E1`/`7O1` delivers (the seven data bits, or [`ERROR_BYTE`] for a parity error); with
/// `8N1` the byte is unchanged. This lets the port stay at 8N1 while the framing is checked in
/// software: a USB adapter or a pty that cannot do seven data bits (a pty forces CS8 and no
/// parity) needs none.
pub fn reframe(data_bits: u8, parity: Parity, raw: u8) -> u8 {
    if data_bits == 8 || parity == Parity::None || raw == ERROR_BYTE {
        return raw;
    }
    let odd_ones = raw.count_ones() % 2 == 1;
    let ok = match parity {
        Parity::Even => !odd_ones,
        Parity::Odd | Parity::None => odd_ones,
    };
    if ok {
        raw & 0x7f
    } else {
        ERROR_BYTE
    }
}

/// [`reframe`] over a slice.
pub fn reframe_all(data_bits: u8, parity: Parity, raw: &[u8]) -> Vec<u8> {
    raw.iter().map(|&b| reframe(data_bits, parity, b)).collect()
}

/// A PBX at `tx` prints `bytes` (back to back, then idle long enough for any receiver to
/// finish its last character); what does a receiver at `rx` read?
pub fn through_line(bytes: &[u8], tx: LineSetting, rx: LineSetting) -> Vec<u8> {
    let mut t = Transmitter::new(tx);
    t.idle(2);
    t.send_all(bytes);
    // Idle for two of the receiver's frames, in the transmitter's bit times.
    let rx_frame = 2 * rx.frame_bits() * rx.bit_ticks();
    t.idle(rx_frame / tx.bit_ticks() + 2);
    delivered(&receive(&t.finish(), rx))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &[u8] = b"07/12/20 11:03    401 01 0364000003           00:00'03 EU00000.00\r\n";

    fn s(baud: u32, d: u8, p: Parity) -> LineSetting {
        LineSetting::new(baud, d, p, 1)
    }

    fn errors(b: &[u8]) -> usize {
        b.iter().filter(|&&c| c == ERROR_BYTE).count()
    }

    #[test]
    fn same_settings_round_trip_exactly() {
        for baud in [300, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] {
            for (d, p) in [(8, Parity::None), (7, Parity::Even), (7, Parity::Odd)] {
                for stop in [1, 2] {
                    let set = LineSetting::new(baud, d, p, stop);
                    assert_eq!(through_line(TEXT, set, set), TEXT, "{}", set.label());
                    // A receiver with one stop bit reads two-stop-bit text too.
                    assert_eq!(through_line(TEXT, set, s(baud, d, p)), TEXT);
                }
            }
        }
        // Eight data bits carry 0xFF and NUL-free binary too.
        let all: Vec<u8> = (1..=255).collect();
        let set = s(9600, 8, Parity::None);
        assert_eq!(through_line(&all, set, set), all);
    }

    /// Bytes no SMDR text has: line errors (NUL), the top bit set, controls but CR, LF, TAB.
    fn suspicious(b: &[u8]) -> usize {
        b.iter()
            .filter(|&&c| c >= 0x80 || (c < 0x20 && !matches!(c, b'\r' | b'\n' | b'\t')))
            .count()
    }

    #[test]
    fn wrong_speeds_give_garbage() {
        let pbx = s(9600, 8, Parity::None);
        for baud in [1200, 2400, 4800, 19200, 38400] {
            let got = through_line(TEXT, pbx, s(baud, 8, Parity::None));
            assert_ne!(got, TEXT, "{baud}");
            assert!(suspicious(&got) >= 5, "{baud}: {got:?}");
        }
        // 9600 read at 19200: each bit is read twice, the stop bit lands in the data.
        let got = through_line(TEXT, pbx, s(19200, 8, Parity::None));
        assert!(errors(&got) * 4 >= got.len(), "{got:?}");
        // 9600 read at 4800: the stop sample falls on the next character's stop bit, so
        // there is hardly a framing error, but the bytes are control codes and high bytes.
        let got = through_line(TEXT, pbx, s(4800, 8, Parity::None));
        assert!(errors(&got) <= 2, "{got:?}");
        assert!(suspicious(&got) * 2 >= got.len(), "{got:?}");
    }

    #[test]
    fn wrong_framing_at_the_right_speed() {
        // 7E1 read as 8N1: no error at all, but the parity bit shows as the top bit of
        // every character with an odd count of ones.
        let got = through_line(TEXT, s(9600, 7, Parity::Even), s(9600, 8, Parity::None));
        assert_eq!(errors(&got), 0);
        let high = got.iter().filter(|&&b| b >= 0x80).count();
        let odd = TEXT.iter().filter(|b| b.count_ones() % 2 == 1).count();
        assert_eq!(high, odd);
        // 8N1 read as 7E1: the zero top bit is taken for parity, wrong for odd-weight bytes.
        let got = through_line(TEXT, s(9600, 8, Parity::None), s(9600, 7, Parity::Even));
        assert_eq!(errors(&got), odd);
        // 7E1 read as 7O1: every character has a parity error.
        let got = through_line(TEXT, s(9600, 7, Parity::Even), s(9600, 7, Parity::Odd));
        assert_eq!(errors(&got), TEXT.len());
    }

    #[test]
    fn seven_bit_framing_in_software_equals_the_uart_s() {
        // Every PBX setting, at every receiving speed: an 8N1 receiver plus `reframe` delivers
        // exactly what a 7E1 or 7O1 receiver would, garbage and errors included.
        let all: Vec<u8> = (0..=255).collect();
        for pbx_baud in [1200, 9600, 38400] {
            for (d, p) in [(8, Parity::None), (7, Parity::Even), (7, Parity::Odd)] {
                let pbx = s(pbx_baud, d, p);
                for rx_baud in [1200, 4800, 9600, 19200, 38400] {
                    let raw = through_line(&all, pbx, s(rx_baud, 8, Parity::None));
                    for rp in [Parity::Even, Parity::Odd] {
                        let hw = through_line(&all, pbx, s(rx_baud, 7, rp));
                        assert_eq!(
                            reframe_all(7, rp, &raw),
                            hw,
                            "{} read as {rx_baud} 7{}1",
                            pbx.label(),
                            rp.as_char()
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn parity_bits() {
        // 'A' = 0x41 has two ones: even parity adds 0, odd adds 1.
        assert_eq!(parity_bit(0x41, 7, Parity::Even), Some(false));
        assert_eq!(parity_bit(0x41, 7, Parity::Odd), Some(true));
        assert_eq!(parity_bit(0xC1, 7, Parity::Even), Some(false));
        assert_eq!(parity_bit(0x41, 8, Parity::None), None);
    }

    #[test]
    fn break_and_resync() {
        let set = s(9600, 8, Parity::None);
        let mut t = Transmitter::new(set);
        t.idle(3);
        t.send(b'A');
        t.hold_break(30);
        t.idle(1);
        t.send_all(b"BC");
        t.idle(20);
        let rx = receive(&t.finish(), set);
        assert_eq!(
            rx[0],
            Received {
                byte: b'A',
                error: None
            }
        );
        assert_eq!(rx[1].error, Some(RxError::Break));
        // After the break the receiver waits for the next falling edge and reads on cleanly.
        let rest: Vec<u8> = rx[2..].iter().map(|r| r.byte).collect();
        assert_eq!(rest, b"BC");
        assert!(rx[2..].iter().all(|r| r.error.is_none()));
    }

    #[test]
    fn framing_error_when_stop_bit_is_low() {
        // An 8N1 receiver reading 8N1 data sent at half its speed: the stop-bit sample falls
        // in the sender's data bits.
        let pbx = s(4800, 8, Parity::None);
        let mut t = Transmitter::new(pbx);
        t.idle(2);
        t.send(0x00);
        t.idle(4);
        let rx = receive(&t.finish(), s(9600, 8, Parity::None));
        assert_eq!(rx[0].error, Some(RxError::Break));
        let mut t = Transmitter::new(pbx);
        t.idle(2);
        t.send(0x0F); // the 9600 receiver's stop sample lands on the sender's bit 3 (1)
        t.idle(4);
        let rx = receive(&t.finish(), s(9600, 8, Parity::None));
        assert_eq!(rx[0].error, None);
        let mut t = Transmitter::new(pbx);
        t.idle(2);
        t.send(0xF2); // and here bit 3 is 0: the stop bit is low
        t.idle(4);
        let rx = receive(&t.finish(), s(9600, 8, Parity::None));
        assert_eq!(rx[0].error, Some(RxError::Framing));
    }

    #[test]
    fn labels_parse_back() {
        for l in ["9600 8N1", "1200 7E1", "38400 7O2"] {
            assert_eq!(LineSetting::parse(l).map(|s| s.label()).as_deref(), Some(l));
        }
        for bad in ["", "9600", "9600 8X1", "x 8N1", "0 8N1", "9600 9N1"] {
            assert_eq!(LineSetting::parse(bad), None, "{bad}");
        }
    }
}
