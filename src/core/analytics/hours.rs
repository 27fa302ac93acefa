//! Working hours: when the office answers the phone. The service level and the lost share
//! count the calls that began within them; a call lost outside them is shown apart (it is not
//! the operators' fault, but it is still a customer lost).
//!
//! Times are the box's local time as the PBX prints it. Each weekday has ranges
//! `HH:MM-HH:MM` (start included, end excluded, `24:00` ends at midnight); a day without
//! ranges is closed, and so is every listed holiday. A range cannot cross midnight: an
//! evening shift into the night is two ranges, one on each day.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use serde::Serialize;
use std::collections::BTreeSet;

/// The config keys of the weekdays, Monday first (chrono's `num_days_from_monday`).
pub const DAY_KEYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
/// How the page names them.
pub const DAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// A range of minutes from midnight, start included, end excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: u16,
    pub end: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct WorkingHours {
    /// Per weekday, Monday first: its ranges in order, not overlapping; empty = closed.
    pub days: [Vec<Span>; 7],
    /// Dates closed all day.
    pub holidays: BTreeSet<NaiveDate>,
}

impl WorkingHours {
    /// Did a call that began at `t` begin within working hours?
    pub fn contains(&self, t: NaiveDateTime) -> bool {
        if self.holidays.contains(&t.date()) {
            return false;
        }
        let day = t.weekday().num_days_from_monday() as usize;
        let minute = (t.hour() * 60 + t.minute()) as u16;
        self.days[day]
            .iter()
            .any(|s| s.start <= minute && minute < s.end)
    }

    /// Open on no day at all (every call would be outside hours).
    pub fn never_open(&self) -> bool {
        self.days.iter().all(Vec::is_empty)
    }

    /// One line for notes: `Mon-Fri 09:00-18:00, Sat 10:00-14:00; 2 holidays`.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut i = 0;
        while i < 7 {
            let mut j = i;
            while j + 1 < 7 && self.days[j + 1] == self.days[i] {
                j += 1;
            }
            if !self.days[i].is_empty() {
                let name = |k: usize| {
                    let mut s = DAY_KEYS[k].to_string();
                    s[..1].make_ascii_uppercase();
                    s
                };
                let days = if j > i {
                    format!("{}-{}", name(i), name(j))
                } else {
                    name(i)
                };
                parts.push(format!("{days} {}", format_day(&self.days[i])));
            }
            i = j + 1;
        }
        let mut s = if parts.is_empty() {
            "closed every day".to_string()
        } else {
            parts.join(", ")
        };
        match self.holidays.len() {
            0 => {}
            1 => s.push_str("; 1 holiday"),
            n => s.push_str(&format!("; {n} holidays")),
        }
        s
    }
}

/// `09:00` as minutes from midnight; `24:00` is allowed (an end at midnight).
fn parse_clock(s: &str) -> Option<u16> {
    let (h, m) = s.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let h: u16 = h.parse().ok()?;
    let m: u16 = m.parse().ok()?;
    let total = h * 60 + m;
    (m < 60 && total <= 24 * 60).then_some(total)
}

fn clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// One day's hours as written: `09:00-18:00`, `09:00-13:00, 14:00-18:00`; `""` or `closed`
/// for a day without. The reason of a refusal says what is expected.
pub fn parse_day(text: &str) -> Result<Vec<Span>, String> {
    let t = text.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("closed") {
        return Ok(Vec::new());
    }
    let mut spans: Vec<Span> = Vec::new();
    for part in t.split(',') {
        let part = part.trim();
        let bad = || {
            format!(
                "{part:?} is not a time range: write opening and closing time as \
                 09:00-18:00 (several: 09:00-13:00, 14:00-18:00), or leave it empty when closed"
            )
        };
        let (a, b) = part.split_once('-').ok_or_else(bad)?;
        let (start, end) = (
            parse_clock(a).ok_or_else(bad)?,
            parse_clock(b).ok_or_else(bad)?,
        );
        if start == 24 * 60 {
            return Err(bad());
        }
        if end <= start {
            return Err(format!(
                "{part:?} closes before it opens: a range ends later the same day (24:00 is \
                 midnight); for a shift past midnight write two ranges, the second on the next day"
            ));
        }
        if let Some(prev) = spans.last() {
            if start < prev.end {
                return Err(format!(
                    "{part:?} overlaps or comes before {}-{}: write the ranges in order, \
                     each once",
                    clock(prev.start),
                    clock(prev.end)
                ));
            }
        }
        spans.push(Span { start, end });
    }
    Ok(spans)
}

/// The form [`parse_day`] reads: `09:00-13:00, 14:00-18:00`; `""` when closed.
pub fn format_day(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| format!("{}-{}", clock(s.start), clock(s.end)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A closed date, `2026-12-31`.
pub fn parse_holiday(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        format!(
            "{:?} is not a date: write holidays as 2026-12-31",
            text.trim()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    fn office() -> WorkingHours {
        let mut h = WorkingHours::default();
        for d in 0..5 {
            h.days[d] = parse_day("09:00-13:00, 14:00-18:00").unwrap();
        }
        h.days[5] = parse_day("10:00-14:00").unwrap();
        h.holidays
            .insert(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
        h
    }

    #[test]
    fn calls_in_and_out_of_hours() {
        let h = office();
        // 2026-11-23 is a Monday.
        let cases = [
            ("2026-11-23 08:59:59", false),
            ("2026-11-23 09:00:00", true),
            ("2026-11-23 12:59:59", true),
            ("2026-11-23 13:00:00", false),
            ("2026-11-23 14:00:00", true),
            ("2026-11-23 17:59:59", true),
            ("2026-11-23 18:00:00", false),
            ("2026-11-28 10:30:00", true),
            ("2026-11-28 14:00:00", false),
            ("2026-11-29 11:00:00", false),
            ("2026-12-31 11:00:00", false),
            ("2026-12-30 11:00:00", true),
        ];
        for (t, want) in cases {
            assert_eq!(h.contains(at(t)), want, "{t}");
        }
        assert_eq!(
            h.describe(),
            "Mon-Fri 09:00-13:00, 14:00-18:00, Sat 10:00-14:00; 1 holiday"
        );
        let mut all_day = WorkingHours::default();
        all_day.days[6] = parse_day("00:00-24:00").unwrap();
        assert!(all_day.contains(at("2026-11-29 23:59:59")));
        assert!(!all_day.contains(at("2026-11-30 00:00:00")));
        assert!(WorkingHours::default().never_open());
    }

    #[test]
    fn day_texts_parse_and_refuse_with_what_is_expected() {
        assert_eq!(parse_day("").unwrap(), vec![]);
        assert_eq!(parse_day(" Closed ").unwrap(), vec![]);
        assert_eq!(
            parse_day("9:30-17:00").unwrap(),
            vec![Span {
                start: 570,
                end: 1020
            }]
        );
        assert_eq!(format_day(&parse_day("9:30-17:00").unwrap()), "09:30-17:00");
        for (text, reason) in [
            ("9-18", "is not a time range: write"),
            ("09:00", "is not a time range"),
            ("09:00-25:00", "is not a time range"),
            ("09:60-10:00", "is not a time range"),
            ("24:00-24:00", "is not a time range"),
            ("18:00-09:00", "closes before it opens"),
            ("22:00-02:00", "two ranges"),
            ("09:00-13:00, 12:00-18:00", "overlaps"),
            ("14:00-18:00, 09:00-13:00", "in order"),
            ("09:00-13:00,", "is not a time range"),
        ] {
            let e = parse_day(text).expect_err(text);
            assert!(e.contains(reason), "{text:?}: {e}");
        }
        assert!(parse_holiday("2026-02-30").is_err());
        assert_eq!(
            parse_holiday(" 2026-12-31 ").unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
        );
    }
}
