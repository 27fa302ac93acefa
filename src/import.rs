//! `smdrbox import`: old captures and logs into the database, through the same framer, dialect
//! and store as live capture.

use crate::core::dialect::{new_dialect, new_reader, DateOrder, DialectChoice, DialectOptions};
use crate::core::framer::{decode, Framer, Line};
use crate::store::{Ingested, Store};
use anyhow::{Context, Result};
use serde::Serialize;
use std::path::Path;

/// What one file gave.
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct ImportReport {
    pub file: String,
    pub bytes: u64,
    /// Leading `# ` provenance lines skipped (the corpus convention; a PBX never prints them).
    pub comment_lines: u64,
    pub records: u64,
    pub headers: u64,
    pub rejects: u64,
    pub blank_lines: u64,
    pub garbage_bytes: u64,
    pub overlong_lines: u64,
    pub first_seq: i64,
    pub last_seq: i64,
    /// The dialect that read it (with `auto`: the family recognised, or "auto" if none was).
    pub dialect: String,
}

const BATCH: usize = 1000;

/// The last header line of a file `smdrbox capture` wrote: the lines after it are the box's,
/// even one that starts with `# `.
pub const END_OF_HEADER: &[u8] = b"# End of header.";

/// Split off leading lines that start with `# ` (up to and including [`END_OF_HEADER`]).
pub fn skip_comment_header(mut bytes: &[u8]) -> (&[u8], u64) {
    let mut n = 0;
    while bytes.starts_with(b"# ") {
        n += 1;
        let (line, rest) = match bytes.iter().position(|&b| b == b'\n') {
            Some(i) => (&bytes[..i], &bytes[i + 1..]),
            None => (bytes, &[][..]),
        };
        bytes = rest;
        if line.strip_suffix(b"\r").unwrap_or(line) == END_OF_HEADER {
            break;
        }
    }
    (bytes, n)
}

pub fn import_file(
    store: &mut Store,
    path: &Path,
    dialect: DialectChoice,
    date_order: DateOrder,
    now_ms: i64,
) -> Result<ImportReport> {
    let data = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let source = format!("import:{name}");
    let (body, comment_lines) = skip_comment_header(&data);
    let mut framer = Framer::new();
    let mut lines: Vec<Line> = Vec::new();
    let mut blank = 0u64;
    let mut keep = |l: Line| {
        if l.is_blank() {
            blank += 1;
        } else {
            lines.push(l);
        }
    };
    framer.push(body, &mut keep);
    if let Some(l) = framer.flush() {
        keep(l);
    }
    let mut dialect = new_reader(dialect, date_order);
    let mut report = ImportReport {
        file: path.display().to_string(),
        bytes: data.len() as u64,
        comment_lines,
        blank_lines: blank,
        garbage_bytes: framer.counters().garbage_bytes,
        overlong_lines: framer.counters().overlong_lines,
        ..ImportReport::default()
    };
    for chunk in lines.chunks(BATCH) {
        // Auto-detection numbers its lines; this chunk's first is `lines_before + 1`.
        let lines_before = dialect.detection().map_or(0, |d| d.lines_seen as i64);
        let parsed: Vec<_> = chunk
            .iter()
            .map(|l| dialect.parse(&decode(&l.bytes)))
            .collect();
        let items: Vec<Ingested<'_>> = chunk
            .iter()
            .zip(&parsed)
            .map(|(line, parsed)| Ingested {
                received_ms: now_ms,
                source: &source,
                line,
                parsed,
            })
            .collect();
        let c = store
            .commit(&items, &[])
            .with_context(|| format!("storing lines of {}", path.display()))?;
        if report.first_seq == 0 {
            report.first_seq = c.first_seq;
        }
        report.last_seq = c.last_seq;
        report.records += c.records;
        report.headers += c.headers;
        report.rejects += c.rejects;
        let offset = c.first_seq - lines_before - 1;
        while let Some(decision) = dialect.take_decision() {
            let mut fresh = new_dialect(DialectOptions {
                kind: decision.kind,
                date_order,
            });
            let r = store
                .reread(&mut *fresh, decision, offset)
                .with_context(|| {
                    format!(
                        "reading lines of {} again as {}",
                        path.display(),
                        decision.kind.as_str()
                    )
                })?;
            report.records += r.records;
            report.headers += r.headers;
            report.rejects -= (r.records + r.headers).min(report.rejects);
        }
    }
    report.dialect = dialect.name().to_string();
    store
        .event(
            now_ms,
            "import",
            &format!(
                "{}: {} records, {} headers, {} rejects",
                report.file, report.records, report.headers, report.rejects
            ),
        )
        .context("recording the import")?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_header_only_at_start() {
        let (rest, n) = skip_comment_header(b"# a\n# b\nline\n# not skipped\n");
        assert_eq!(n, 2);
        assert_eq!(rest, b"line\n# not skipped\n");
        assert_eq!(skip_comment_header(b"# only"), (&b""[..], 1));
        assert_eq!(skip_comment_header(b"#nospace\n"), (&b"#nospace\n"[..], 0));
        let (rest, n) = skip_comment_header(b"# a\r\n# End of header.\r\n# stored line\r\n");
        assert_eq!(n, 2);
        assert_eq!(rest, b"# stored line\r\n");
    }
}
