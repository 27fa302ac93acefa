//! Small pure formatters for the pages: escaping, numbers, times. No clock: `now` and the
//! time zone come in as parameters.

use crate::i18n::{self, t, tf, Lang};
use chrono::TimeZone;
use std::fmt::Display;

/// HTML-escape text for element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Talk time as `m:ss` (minutes not capped: a 62-minute call is `62:05`).
pub fn mss(secs: i64) -> String {
    let s = secs.max(0);
    format!("{}:{:02}", s / 60, s % 60)
}

/// Bytes for a technician: `512 B`, `1.5 KiB`, `12.0 MiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

/// Unix milliseconds as local `YYYY-MM-DD HH:MM:SS`.
pub fn local_time<Tz: TimeZone>(ms: i64, tz: &Tz) -> String
where
    Tz::Offset: Display,
{
    match tz.timestamp_millis_opt(ms).earliest() {
        Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
        None => format!("{ms} ms"),
    }
}

/// `42 s ago`; a time ahead of `now` (the clock was set back) says so instead of `0 s ago`.
pub fn ago(now_ms: i64, then_ms: i64) -> String {
    if then_ms > now_ms + 1000 {
        return "in the future (clock changed?)".to_string();
    }
    format!(
        "{} ago",
        crate::core::health::human_duration(now_ms - then_ms)
    )
}

/// Direction as an arrow and a word, as seen from the office.
pub fn direction(dir: &str) -> &'static str {
    match dir {
        "incoming" => "← in",
        "outgoing" => "→ out",
        "internal" => "↔ internal",
        _ => "?",
    }
}

/// What happened to the call, and whether it needs attention (not answered).
pub fn outcome(unanswered: bool, transferred: bool, forwarded: bool) -> (String, bool) {
    if unanswered {
        return ("NOT ANSWERED".to_string(), true);
    }
    let words: Vec<&str> = [(transferred, "transferred"), (forwarded, "forwarded")]
        .into_iter()
        .filter_map(|(on, w)| on.then_some(w))
        .collect();
    if words.is_empty() {
        ("answered".to_string(), false)
    } else {
        (words.join(", "), false)
    }
}

/// `3 of 200 (1.5 %)`.
pub fn share(part: u64, whole: u64) -> String {
    if whole == 0 {
        return format!("{part} of {whole}");
    }
    format!(
        "{part} of {whole} ({:.1} %)",
        part as f64 * 100.0 / whole as f64
    )
}

/// [`bytes`] in the page's language (decimal comma in ru/uk; the units are international).
pub fn bytes_in(lang: Lang, n: u64) -> String {
    let b = bytes(n);
    match lang {
        Lang::En => b,
        _ => b.replacen('.', ",", 1),
    }
}

/// [`local_time`] in the page's language: `2024-05-01 11:00:00` / `01.05.2024 11:00:00`.
pub fn local_time_in<Tz: TimeZone>(lang: Lang, ms: i64, tz: &Tz) -> String
where
    Tz::Offset: Display,
{
    match tz.timestamp_millis_opt(ms).earliest() {
        Some(x) => i18n::datetime(lang, x.naive_local(), true),
        None => format!("{ms} ms"),
    }
}

/// [`ago`] in the page's language.
pub fn ago_in(lang: Lang, now_ms: i64, then_ms: i64) -> String {
    if then_ms > now_ms + 1000 {
        return t(lang, "status.future").to_string();
    }
    let d = crate::core::health::human_duration(now_ms - then_ms);
    tf(lang, "status.ago", &[&i18n::duration_words(lang, &d)])
}

/// [`direction`] in the page's language.
pub fn direction_in(lang: Lang, dir: &str) -> &'static str {
    match dir {
        "incoming" => t(lang, "dir.in"),
        "outgoing" => t(lang, "dir.out"),
        "internal" => t(lang, "dir.internal"),
        _ => "?",
    }
}

/// [`outcome`] in the page's language.
pub fn outcome_in(
    lang: Lang,
    unanswered: bool,
    transferred: bool,
    forwarded: bool,
) -> (String, bool) {
    if unanswered {
        return (t(lang, "outcome.not_answered").to_string(), true);
    }
    let words: Vec<&str> = [
        (transferred, "outcome.transferred"),
        (forwarded, "outcome.forwarded"),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, k)| t(lang, k))
    .collect();
    if words.is_empty() {
        (t(lang, "outcome.answered").to_string(), false)
    } else {
        (words.join(", "), false)
    }
}

/// [`share`] in the page's language: `3 of 200 (1.5 %)` / `3 из 200 (1,5 %)`.
pub fn share_in(lang: Lang, part: u64, whole: u64) -> String {
    let (p, w) = (i18n::int(lang, part as i64), i18n::int(lang, whole as i64));
    if whole == 0 {
        return tf(lang, "status.of", &[&p, &w]);
    }
    let pct = i18n::dec(lang, part as f64 * 100.0 / whole as f64, 1);
    tf(lang, "status.share", &[&p, &w, &pct])
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#"<script>alert("x&y")</script>'"#),
            "&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt;&#39;"
        );
        assert_eq!(escape("Müller 0376"), "Müller 0376");
    }

    #[test]
    fn minutes_seconds() {
        assert_eq!(mss(0), "0:00");
        assert_eq!(mss(65), "1:05");
        assert_eq!(mss(3725), "62:05");
        assert_eq!(mss(-1), "0:00");
    }

    #[test]
    fn byte_sizes() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(1023), "1023 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(12 * 1024 * 1024), "12.0 MiB");
        assert_eq!(bytes(3 * 1024 * 1024 * 1024), "3.0 GiB");
    }

    #[test]
    fn times() {
        let tz = FixedOffset::east_opt(3600).unwrap();
        // 2024-05-01 10:00:00 UTC
        assert_eq!(local_time(1_714_557_600_000, &tz), "2024-05-01 11:00:00");
        assert_eq!(ago(100_000, 58_000), "42 s ago");
        assert_eq!(ago(100_000, 100_500), "0 s ago");
        assert_eq!(ago(100_000, 200_000), "in the future (clock changed?)");
    }

    #[test]
    fn words() {
        assert_eq!(direction("incoming"), "← in");
        assert_eq!(direction("outgoing"), "→ out");
        assert_eq!(direction("bogus"), "?");
        assert_eq!(outcome(false, false, false), ("answered".into(), false));
        assert_eq!(outcome(true, true, false), ("NOT ANSWERED".into(), true));
        assert_eq!(
            outcome(false, true, true),
            ("transferred, forwarded".into(), false)
        );
        assert_eq!(share(3, 200), "3 of 200 (1.5 %)");
        assert_eq!(share(0, 0), "0 of 0");
    }

    #[test]
    fn words_in_every_language_and_english_unchanged() {
        for (dir, u, tr, fw) in [
            ("incoming", false, true, true),
            ("outgoing", true, false, false),
        ] {
            assert_eq!(direction_in(Lang::En, dir), direction(dir));
            assert_eq!(outcome_in(Lang::En, u, tr, fw), outcome(u, tr, fw));
        }
        assert_eq!(share_in(Lang::En, 3, 200), share(3, 200));
        assert_eq!(share_in(Lang::En, 0, 0), share(0, 0));
        assert_eq!(share_in(Lang::Ru, 3, 200), "3 из 200 (1,5 %)");
        assert_eq!(direction_in(Lang::Uk, "incoming"), "← вхід.");
        assert_eq!(
            outcome_in(Lang::Ru, false, true, true),
            ("переведён, переадресован".into(), false)
        );
        assert_eq!(outcome_in(Lang::Uk, true, false, false).0, "БЕЗ ВІДПОВІДІ");
        let tz = FixedOffset::east_opt(3600).unwrap();
        assert_eq!(
            local_time_in(Lang::En, 1_714_557_600_000, &tz),
            local_time(1_714_557_600_000, &tz)
        );
        assert_eq!(
            local_time_in(Lang::Ru, 1_714_557_600_000, &tz),
            "01.05.2024 11:00:00"
        );
        assert_eq!(ago_in(Lang::En, 100_000, 58_000), ago(100_000, 58_000));
        assert_eq!(ago_in(Lang::Ru, 100_000, 58_000), "42\u{a0}с назад");
        assert_eq!(
            ago_in(Lang::Uk, 100_000, 200_000),
            "у майбутньому (годинник переведено?)"
        );
        assert_eq!(bytes_in(Lang::Ru, 1536), "1,5 KiB");
    }
}
