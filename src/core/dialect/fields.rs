//! Small readers of printed fields that several families share: digits, `hh:mm:ss`, and the
//! verdict and reason helpers. A family's own shapes stay in its module.

use crate::core::record::{HeaderKind, Parsed};

/// A line cut to its first 20 characters (and `…`), for a reject's reason.
pub fn excerpt(s: &str) -> String {
    const MAX: usize = 20;
    let mut out: String = s.chars().take(MAX).collect();
    if s.chars().nth(MAX).is_some() {
        out.push('…');
    }
    out
}

/// Non-empty and ASCII digits only.
pub fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Exactly two ASCII digits, as a number.
pub fn two(s: &str) -> Option<u32> {
    (s.len() == 2 && digits(s))
        .then(|| s.parse().ok())
        .flatten()
}

/// `hh:mm:ss` (two digits each, minutes and seconds below 60) as hours, minutes, seconds.
pub fn hms_parts(s: &str) -> Option<(u32, u32, u32)> {
    let p: Vec<&str> = s.split(':').collect();
    let [h, m, sec] = p.as_slice() else {
        return None;
    };
    let (h, m, sec) = (two(h)?, two(m)?, two(sec)?);
    (m < 60 && sec < 60).then_some((h, m, sec))
}

/// `hh:mm:ss` as seconds (a duration: hours may pass 23).
pub fn hms(s: &str) -> Option<u32> {
    hms_parts(s).map(|(h, m, sec)| h * 3600 + m * 60 + sec)
}

pub fn reject(reason: impl Into<String>) -> Parsed {
    Parsed::Reject {
        reason: reason.into(),
    }
}

pub fn header(kind: HeaderKind) -> Parsed {
    Parsed::Header { header: kind }
}

/// For the dialects' `never_panics` tests: feeds `parse` every prefix of each seed line, then
/// 5000 mutants of them (characters inserted from `alphabet` or at random, replaced, removed).
#[cfg(test)]
pub fn shake<S: AsRef<str>>(
    seeds: &[S],
    alphabet: &str,
    rng_seed: u64,
    mut parse: impl FnMut(&str),
) {
    let alphabet: Vec<char> = alphabet.chars().collect();
    let mut rng = fastrand::Rng::with_seed(rng_seed);
    for seed in seeds {
        let c: Vec<char> = seed.as_ref().chars().collect();
        for len in 0..=c.len() {
            parse(&c[..len].iter().collect::<String>());
        }
    }
    for _ in 0..5000 {
        let mut c: Vec<char> = seeds[rng.usize(..seeds.len())].as_ref().chars().collect();
        for _ in 0..rng.usize(1..6) {
            let at = rng.usize(..=c.len());
            let from_alphabet = alphabet[rng.usize(..alphabet.len())];
            match rng.u8(..5) {
                0 => c.insert(at, from_alphabet),
                1 => c.insert(at, rng.char(..)),
                2 if at < c.len() => c[at] = from_alphabet,
                3 if at < c.len() => c[at] = rng.char(..),
                _ if at < c.len() => {
                    c.remove(at);
                }
                _ => {}
            }
        }
        parse(&c.into_iter().collect::<String>());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(excerpt("short"), "short");
        assert_eq!(excerpt(&"x".repeat(21)), format!("{}…", "x".repeat(20)));
        assert!(digits("0123") && !digits("") && !digits("12a"));
        assert_eq!(two("07"), Some(7));
        assert_eq!(two("7"), None);
        assert_eq!(hms("00:02:40"), Some(160));
        assert_eq!(hms("25:00:00"), Some(90000));
        assert_eq!(hms("00:60:00"), None);
        assert_eq!(hms("0:02:40"), None);
        assert_eq!(hms_parts("12:34:56"), Some((12, 34, 56)));
        assert_eq!(
            reject("why"),
            Parsed::Reject {
                reason: "why".into()
            }
        );
    }
}
