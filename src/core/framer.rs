//! Bytes in, lines out (pure).
//!
//! A PBX ends lines with CR, LF or CR LF (a PBX setting). The framer accepts all three, cuts
//! lines longer than [`MAX_LINE`] (the cut line is still delivered, flagged, and the bytes past
//! the cut are counted), and drops control bytes other than TAB and FF (form feed starts
//! Panasonic page headers) as counted garbage. The contract, checked by property tests:
//! every input byte ends in a delivered line, a line terminator, or exactly one counter.

/// Longest line kept, in bytes. Panasonic prints 80 or 120 columns; other brands' CSV lines are
/// a few hundred bytes at most.
pub const MAX_LINE: usize = 512;

/// A complete line as framed, without its terminator.
pub type LineBuf = heapless::Vec<u8, MAX_LINE>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub bytes: LineBuf,
    /// The line was longer than [`MAX_LINE`]; the bytes past the cut were counted, not kept.
    pub truncated: bool,
    /// The line was not terminated: the link went down or input ended in the middle of it.
    pub partial: bool,
}

impl Line {
    /// Only blanks (spaces, tabs, form feeds): nothing a PBX means as a record or header.
    pub fn is_blank(&self) -> bool {
        self.bytes.iter().all(|b| matches!(b, b' ' | b'\t' | 0x0c))
    }
}

/// Counters that account for every byte that did not end up inside a delivered line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct FramerCounters {
    /// Every byte fed in.
    pub bytes_in: u64,
    /// CR and LF bytes that ended lines (or were the LF of a CR LF pair).
    pub terminator_bytes: u64,
    /// Control bytes dropped (NUL, XON/XOFF, ESC, ...): line noise or a wrong baud rate.
    pub garbage_bytes: u64,
    /// Bytes past [`MAX_LINE`] in overlong lines.
    pub overlong_bytes: u64,
    /// Lines that were cut at [`MAX_LINE`].
    pub overlong_lines: u64,
    /// Empty lines (two terminators in a row, other than CR LF).
    pub empty_lines: u64,
    /// Lines delivered (including blank, cut and partial ones).
    pub lines: u64,
}

#[derive(Debug, Default)]
pub struct Framer {
    buf: LineBuf,
    truncated: bool,
    /// The previous byte was CR, so an LF now completes a CR LF pair, not an empty line.
    after_cr: bool,
    counters: FramerCounters,
}

impl Framer {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn counters(&self) -> FramerCounters {
        self.counters
    }

    /// Bytes held for a line not yet terminated.
    pub fn pending(&self) -> usize {
        self.buf.len()
    }

    /// Feed bytes; complete lines are passed to `emit` in order.
    pub fn push(&mut self, bytes: &[u8], mut emit: impl FnMut(Line)) {
        self.counters.bytes_in += bytes.len() as u64;
        for &b in bytes {
            match b {
                b'\n' if self.after_cr => {
                    self.after_cr = false;
                    self.counters.terminator_bytes += 1;
                }
                b'\r' | b'\n' => {
                    self.after_cr = b == b'\r';
                    self.counters.terminator_bytes += 1;
                    if self.buf.is_empty() && !self.truncated {
                        self.counters.empty_lines += 1;
                    } else {
                        emit(self.take(false));
                    }
                }
                _ => {
                    self.after_cr = false;
                    if b < 0x20 && b != b'\t' && b != 0x0c || b == 0x7f {
                        self.counters.garbage_bytes += 1;
                    } else if self.buf.push(b).is_err() {
                        if !self.truncated {
                            self.truncated = true;
                            self.counters.overlong_lines += 1;
                        }
                        self.counters.overlong_bytes += 1;
                    }
                }
            }
        }
    }

    /// The link went down or input ended: deliver what is held as a partial line, so that
    /// nothing already read is lost.
    pub fn flush(&mut self) -> Option<Line> {
        self.after_cr = false;
        if self.buf.is_empty() && !self.truncated {
            return None;
        }
        Some(self.take(true))
    }

    fn take(&mut self, partial: bool) -> Line {
        self.counters.lines += 1;
        let line = Line {
            bytes: std::mem::take(&mut self.buf),
            truncated: self.truncated,
            partial,
        };
        self.truncated = false;
        line
    }
}

/// Decode a line for the dialects: UTF-8 when valid, else ISO-8859-1 (a Panasonic setting;
/// every byte maps to a character, so decoding never fails).
pub fn decode(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => std::borrow::Cow::Owned(bytes.iter().map(|&b| b as char).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(chunks: &[&[u8]]) -> (Vec<(String, bool, bool)>, FramerCounters) {
        let mut f = Framer::new();
        let mut out = Vec::new();
        for c in chunks {
            f.push(c, |l| {
                out.push((
                    String::from_utf8_lossy(&l.bytes).into_owned(),
                    l.truncated,
                    l.partial,
                ))
            });
        }
        if let Some(l) = f.flush() {
            out.push((
                String::from_utf8_lossy(&l.bytes).into_owned(),
                l.truncated,
                l.partial,
            ));
        }
        (out, f.counters())
    }

    /// Table in gpsd's style: legend, input, expected lines (text, truncated, partial).
    #[test]
    fn table() {
        let long = vec![b'x'; MAX_LINE + 10];
        let mut long_in = long.clone();
        long_in.extend_from_slice(b"\r\nok\r\n");
        let cut = String::from_utf8(long[..MAX_LINE].to_vec()).unwrap();
        type Case<'a> = (&'a str, Vec<&'a [u8]>, Vec<(&'a str, bool, bool)>);
        let cases: Vec<Case> = vec![
            (
                "LF",
                vec![b"a\nb\n"],
                vec![("a", false, false), ("b", false, false)],
            ),
            (
                "CR",
                vec![b"a\rb\r"],
                vec![("a", false, false), ("b", false, false)],
            ),
            (
                "CRLF",
                vec![b"a\r\nb\r\n"],
                vec![("a", false, false), ("b", false, false)],
            ),
            (
                "CRLF split across reads",
                vec![b"a\r", b"\nb\r", b"\n"],
                vec![("a", false, false), ("b", false, false)],
            ),
            (
                "line split across reads",
                vec![b"ab", b"c\n"],
                vec![("abc", false, false)],
            ),
            (
                "empty lines are not delivered",
                vec![b"\n\n\r\r\na\n"],
                vec![("a", false, false)],
            ),
            (
                "NUL and XOFF dropped",
                vec![b"a\x00b\x13c\n"],
                vec![("abc", false, false)],
            ),
            (
                "form feed kept",
                vec![b"\x0c  Date\n"],
                vec![("\x0c  Date", false, false)],
            ),
            (
                "partial line flushed",
                vec![b"a\nbc"],
                vec![("a", false, false), ("bc", false, true)],
            ),
            (
                "ISO-8859-1 byte kept",
                vec![b"caf\xe9\n"],
                vec![("caf\u{fffd}", false, false)],
            ),
        ];
        for (legend, input, want) in cases {
            let (got, _) = frame(&input);
            let want: Vec<(String, bool, bool)> = want
                .into_iter()
                .map(|(s, t, p)| (s.to_string(), t, p))
                .collect();
            assert_eq!(got, want, "{legend}");
        }
        let (got, c) = frame(&[&long_in]);
        assert_eq!(got, vec![(cut, true, false), ("ok".into(), false, false)]);
        assert_eq!(c.overlong_lines, 1);
        assert_eq!(c.overlong_bytes, 10);
    }

    #[test]
    fn counters_account_for_every_byte() {
        // A cheap deterministic fuzz: random bytes biased to terminators and controls.
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..500 {
            let n = rng.usize(0..3000);
            let input: Vec<u8> = (0..n)
                .map(|_| match rng.u8(0..10) {
                    0 => b'\r',
                    1 => b'\n',
                    2 => rng.u8(0..32),
                    _ => rng.u8(..),
                })
                .collect();
            let mut f = Framer::new();
            let mut kept = 0u64;
            let mut pos = 0;
            while pos < input.len() {
                let step = rng.usize(1..64).min(input.len() - pos);
                f.push(&input[pos..pos + step], |l| kept += l.bytes.len() as u64);
                pos += step;
            }
            if let Some(l) = f.flush() {
                kept += l.bytes.len() as u64;
            }
            let c = f.counters();
            assert_eq!(c.bytes_in, input.len() as u64);
            assert_eq!(
                kept + c.terminator_bytes + c.garbage_bytes + c.overlong_bytes,
                c.bytes_in,
                "{c:?}"
            );
        }
    }

    #[test]
    fn decode_falls_back_to_latin1() {
        assert_eq!(decode(b"abc"), "abc");
        assert_eq!(decode(b"caf\xe9"), "caf\u{e9}");
    }
}
