//! `smdrbox capture` and `/capture.log`: the lines the box stored, in the corpus's format
//! (`# ` header lines, then one line per stored line), for a bug report. `smdrbox import`
//! reads the file back into the same lines and records.

use crate::store::read::{LineFilter, RawLineRow, Reader};
use anyhow::{bail, Context, Result};
use chrono::{DateTime, Local, NaiveDate, TimeZone};
use std::collections::BTreeSet;
use std::io::Write;

/// Lines a capture holds when no period is asked for: about a week of a small office's
/// printout, enough for a support person, small enough to mail.
pub const DEFAULT_LAST: u64 = 2000;

/// How many partial or truncated lines the header names one by one.
const LISTED: usize = 20;

/// Which lines to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// Lines received on these days (box local time), inclusive.
    Days(NaiveDate, NaiveDate),
    /// The latest N lines.
    Last(u64),
}

/// The box's settings for the header; None where unknown (no configuration given).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// Dialect and date order.
    pub pbx: Option<String>,
    /// Port and speed/framing, or the TCP address.
    pub port: Option<String>,
}

/// What the selection holds, from a first pass: the header states it before the lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub selection: Selection,
    pub rejects_only: bool,
    filter: LineFilter,
    pub lines: u64,
    pub records: u64,
    pub headers: u64,
    pub rejects: u64,
    first: Option<(i64, i64)>,
    last: Option<(i64, i64)>,
    sources: BTreeSet<String>,
    /// Positions (1-based, in the lines after the header) of partial and truncated lines.
    partial: Vec<u64>,
    truncated: Vec<u64>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.lines == 0
    }

    /// Why there is nothing to send, in words for the CLI and the page.
    pub fn empty_message(&self) -> String {
        format!(
            "no {} stored for {}: nothing to capture",
            if self.rejects_only {
                "rejects"
            } else {
                "lines"
            },
            period_words(self.selection)
        )
    }
}

/// The first pass: fix the seq range (so a live box's new lines do not change the file between
/// the header and the lines) and count what the lines are.
pub fn plan(reader: &Reader, selection: Selection, rejects_only: bool) -> Result<Plan> {
    let last_seq = reader.last_seq()?;
    let mut filter = LineFilter {
        first_seq: 1,
        last_seq,
        from_ms: i64::MIN,
        to_ms: i64::MAX,
        rejects_only,
    };
    match selection {
        Selection::Days(from, to) => {
            filter.from_ms = local_midnight_ms(from)?;
            let next = to.succ_opt().context("date out of range")?;
            filter.to_ms = local_midnight_ms(next)?;
        }
        Selection::Last(n) => {
            // Fewer than n stored: all of them.
            if let Some(seq) = reader.nth_last_seq(n, rejects_only)? {
                filter.first_seq = seq;
            }
            if n == 0 {
                filter.first_seq = last_seq + 1;
            }
        }
    }
    let mut p = Plan {
        selection,
        rejects_only,
        filter,
        lines: 0,
        records: 0,
        headers: 0,
        rejects: 0,
        first: None,
        last: None,
        sources: BTreeSet::new(),
        partial: Vec::new(),
        truncated: Vec::new(),
    };
    reader
        .for_each_raw_line(&filter, |l| {
            p.lines += 1;
            match l.kind.as_str() {
                "record" => p.records += 1,
                "header" => p.headers += 1,
                _ => p.rejects += 1,
            }
            if p.first.is_none() {
                p.first = Some((l.seq, l.received_ms));
            }
            p.last = Some((l.seq, l.received_ms));
            if !p.sources.contains(&l.source) {
                p.sources.insert(l.source.clone());
            }
            if l.partial {
                p.partial.push(p.lines);
            }
            if l.truncated {
                p.truncated.push(p.lines);
            }
            Ok(())
        })
        .context("reading the stored lines")?;
    Ok(p)
}

/// The second pass: header, then each line's stored bytes, CRLF-terminated.
pub fn write(
    reader: &Reader,
    plan: &Plan,
    settings: &Settings,
    written: DateTime<Local>,
    out: impl Write,
) -> Result<u64> {
    let mut out = std::io::BufWriter::new(out);
    out.write_all(header(plan, settings, written).as_bytes())
        .context("writing the capture header")?;
    let n = reader.for_each_raw_line(&plan.filter, |l: &RawLineRow| {
        out.write_all(&l.bytes)?;
        out.write_all(b"\r\n")?;
        Ok(())
    })?;
    out.flush().context("writing the capture")?;
    Ok(n)
}

/// The comment header: what a reader of the corpus needs to know about these lines.
pub fn header(plan: &Plan, settings: &Settings, written: DateTime<Local>) -> String {
    let unknown = "unknown (written without the box's configuration)";
    let time = |ms: i64| {
        Local
            .timestamp_millis_opt(ms)
            .single()
            .map(|t| t.format("%Y-%m-%d %H:%M:%S %:z").to_string())
            .unwrap_or_else(|| ms.to_string())
    };
    let range = match (plan.first, plan.last) {
        (Some((s1, t1)), Some((s2, t2))) => {
            format!(", seq {s1}..={s2}, received {} to {}", time(t1), time(t2))
        }
        _ => String::new(),
    };
    let sources = plan
        .sources
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    let mut h = String::new();
    let mut line = |s: String| {
        h.push_str("# ");
        h.push_str(&s);
        h.push_str("\r\n");
    };
    line(format!(
        "PBX: {}",
        settings.pbx.as_deref().unwrap_or(unknown)
    ));
    line(format!(
        "Source: smdrbox {} `capture` of the lines the box stored (received from: {sources})",
        env!("CARGO_PKG_VERSION")
    ));
    line(format!(
        "Serial: {}",
        settings.port.as_deref().unwrap_or(unknown)
    ));
    line(format!(
        "Written: {}",
        written.format("%Y-%m-%d %H:%M:%S %:z")
    ));
    line(format!(
        "Notes: {}{}: {} lines ({} records, {} headers, {} rejects){range}.",
        if plan.rejects_only {
            "rejects only, "
        } else {
            ""
        },
        period_words(plan.selection),
        plan.lines,
        plan.records,
        plan.headers,
        plan.rejects
    ));
    line(
        "Notes: each line is as the box's framer stored it, not the raw byte stream: CR/LF \
         terminators removed (each line ends in CRLF here), control bytes other than TAB and \
         FF dropped, blank lines not stored, lines over 512 bytes cut."
            .into(),
    );
    line(format!(
        "Notes: partial lines (link lost or input ended mid-line): {}; truncated lines: {} \
         (counted from the first line after this header).",
        positions(&plan.partial),
        positions(&plan.truncated)
    ));
    line("Notes: contains callers' and called phone numbers (personal data).".into());
    // Ends the header for `smdrbox import`, so a first stored line starting with "# " stays.
    h.push_str(&String::from_utf8_lossy(crate::import::END_OF_HEADER));
    h.push_str("\r\n");
    h
}

fn positions(v: &[u64]) -> String {
    if v.is_empty() {
        return "none".into();
    }
    let mut s = v
        .iter()
        .take(LISTED)
        .map(|n| format!("line {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    if v.len() > LISTED {
        s.push_str(&format!(" and {} more", v.len() - LISTED));
    }
    s
}

fn period_words(sel: Selection) -> String {
    match sel {
        Selection::Days(from, to) if from == to => format!("lines received on {from}"),
        Selection::Days(from, to) => format!("lines received {from} to {to}"),
        Selection::Last(n) => format!("the last {n} lines stored"),
    }
}

/// Local midnight starting `day`, Unix ms (the earliest, where a clock change repeats it).
fn local_midnight_ms(day: NaiveDate) -> Result<i64> {
    let Some(t) = day
        .and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(Local).earliest())
    else {
        bail!("{day}: no local midnight");
    };
    Ok(t.timestamp_millis())
}

/// A file name for the capture: `smdrbox-capture-2024-05-01.log`.
pub fn file_name(written: DateTime<Local>) -> String {
    format!("smdrbox-capture-{}.log", written.format("%Y-%m-%d"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_capped() {
        assert_eq!(positions(&[]), "none");
        assert_eq!(positions(&[3, 7]), "line 3, line 7");
        let many: Vec<u64> = (1..=25).collect();
        assert!(positions(&many).ends_with("line 20 and 5 more"));
    }
}
