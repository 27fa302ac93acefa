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
