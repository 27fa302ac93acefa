//! Golden test over every real capture in `shared/corpus/`, all brands.
//!
//! Each directory of the corpus is one brand, named as its dialect (`panasonic`,
//! `avaya-ipoffice`, ...: `DialectKind::from_name`). Every `*.log` in it is read in place
//! (never copied into the project): the leading `# ` provenance lines are skipped, the rest is
//! framed as bytes by the real framer (so page headers keep their form feed), blank lines are
//! skipped, and each line is parsed by a fresh dialect of the brand (so a verdict depends on
//! its own line alone: Panasonic's layout memory is tested in its module). The verdicts, one JSON object per line with the file's 1-based line number, are
//! compared with `tests/golden/<brand>/<file stem>.jsonl`.
//!
//! For brands whose records are linked by the PBX's call id or are whole calls (every brand but
//! Panasonic, whose grouping `tests/calls_truth.rs` pins), the records are also grouped into
//! calls (seq = line number) and compared with `tests/golden/<brand>/<stem>.calls.jsonl`, so a
//! change of the grouping shows in review.
//!
//! Run with `UPDATE_GOLDEN=1` (`make golden`) to rewrite the files. A real capture must parse
//! without rejects, except the lines listed in [`EXPECTED_REJECTS`] with the reason.

use smdrbox::core::calls;
use smdrbox::core::dialect::{new_dialect, DateOrder, DialectKind, DialectOptions, Grouping};
use smdrbox::core::framer::{decode, Framer};
use smdrbox::core::record::{Parsed, Record};
use std::path::{Path, PathBuf};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus");
const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");

/// Lines of real captures that are rightly rejected: (brand, file stem, line, why).
const EXPECTED_REJECTS: &[(&str, &str, usize, &str)] = &[];

#[derive(Default, Debug)]
struct Counts {
    non_blank: usize,
    records: usize,
    headers: usize,
    rejects: Vec<(usize, String)>,
}

/// The golden text for one capture, its records (seq = line number) and what was in it.
fn render(path: &Path, kind: DialectKind) -> (String, Vec<(i64, Record)>, Counts) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = String::new();
    let mut records = Vec::new();
    let mut counts = Counts::default();
    let mut framer = Framer::new();
    let mut in_provenance = true;
    // One physical line at a time, so that verdicts carry the file's line numbers.
    for (index, chunk) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        let number = index + 1;
        if in_provenance {
            if chunk.starts_with(b"# ") || chunk.starts_with(b"#\n") || chunk == b"#" {
                continue;
            }
            in_provenance = false;
        }
        let mut lines = Vec::new();
        framer.push(chunk, |l| lines.push(l));
        if !chunk.ends_with(b"\n") {
            // The last line lacks its terminator.
            lines.extend(framer.flush());
        }
        for line in lines {
            if line.is_blank() {
                continue;
            }
            counts.non_blank += 1;
            let text = decode(&line.bytes);
            // A fresh dialect per line: each verdict pinned depends on its own line alone.
            let parsed = new_dialect(DialectOptions {
                kind,
                date_order: DateOrder::Dmy,
            })
            .parse(&text);
            match &parsed {
                Parsed::Record { record, .. } => {
                    counts.records += 1;
                    records.push((number as i64, (**record).clone()));
                }
                Parsed::Header { .. } => counts.headers += 1,
                Parsed::Reject { reason } => counts.rejects.push((number, reason.clone())),
            }
            let mut obj = serde_json::Map::new();
            obj.insert("line".into(), number.into());
            match serde_json::to_value(&parsed).expect("Parsed serializes") {
                serde_json::Value::Object(fields) => obj.extend(fields),
                other => panic!("Parsed serialized as {other}"),
            }
            out.push_str(&serde_json::Value::Object(obj).to_string());
            out.push('\n');
        }
    }
    (out, records, counts)
}

/// One JSON object per call, in the order of their first part.
fn render_calls(records: &[(i64, Record)]) -> String {
    calls::group(records)
        .iter()
        .map(|c| serde_json::to_string(c).expect("Call serializes") + "\n")
        .collect()
}

/// The brand directories and their `*.log` files, sorted.
fn corpus() -> Vec<(String, Vec<PathBuf>)> {
    let mut brands: Vec<(String, Vec<PathBuf>)> = std::fs::read_dir(CORPUS)
        .unwrap_or_else(|e| panic!("{CORPUS}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .map(|dir| {
            let brand = dir
                .file_name()
                .and_then(|s| s.to_str())
                .expect("brand directory name is UTF-8")
                .to_string();
            let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "log"))
                .collect();
            files.sort();
            (brand, files)
        })
        .collect();
    brands.sort();
    brands
}

/// Compares `got` with the golden file (or writes it under `UPDATE_GOLDEN=1`).
fn check(golden: &Path, got: &str, update: bool, problems: &mut Vec<String>) {
    if update {
        if let Some(dir) = golden.parent() {
            std::fs::create_dir_all(dir).expect("create golden dir");
        }
        std::fs::write(golden, got).expect("write golden");
        return;
    }
    match std::fs::read_to_string(golden) {
        Err(_) => problems.push(format!(
            "golden {} is missing; run with UPDATE_GOLDEN=1 to create it",
            golden.display()
        )),
        Ok(want) if want != got => {
            let diff = want
                .lines()
                .zip(got.lines())
                .find(|(w, g)| w != g)
                .map(|(w, g)| format!("\n  first difference:\n  want {w}\n  got  {g}"))
                .unwrap_or_else(|| "\n  (line counts differ)".into());
            problems.push(format!(
                "output differs from {} (rerun with UPDATE_GOLDEN=1 if the change is \
                 intended){diff}",
                golden.display()
            ));
        }
        Ok(_) => {}
    }
}

#[test]
fn golden_corpus() {
    let brands = corpus();
    assert!(
        brands.iter().any(|(b, _)| b == "panasonic")
            && brands.iter().any(|(b, _)| b == "avaya-ipoffice"),
        "the corpus at {CORPUS} lacks a brand: {:?}",
        brands.iter().map(|(b, _)| b).collect::<Vec<_>>()
    );
    let update = std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    let mut problems = Vec::new();
    let mut expected_seen = 0;
    for (brand, files) in brands {
        let Some(kind) = DialectKind::from_name(&brand) else {
            problems.push(format!("corpus directory {brand:?} names no dialect"));
            continue;
        };
        assert!(!files.is_empty(), "{brand}: no *.log");
        for path in files {
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("corpus file name is UTF-8");
            let (got, records, counts) = render(&path, kind);
            assert_eq!(
                counts.non_blank,
                counts.records + counts.headers + counts.rejects.len(),
                "{brand}/{stem}: every non-blank line gets one verdict"
            );
            assert!(counts.records > 0, "{brand}/{stem}: no records");
            let unexpected: Vec<String> = counts
                .rejects
                .iter()
                .filter(|(line, _)| {
                    let listed = EXPECTED_REJECTS
                        .iter()
                        .any(|(b, s, l, _)| *b == brand && *s == stem && l == line);
                    expected_seen += usize::from(listed);
                    !listed
                })
                .map(|(line, reason)| format!("line {line}: {reason}"))
                .collect();
            if !unexpected.is_empty() {
                problems.push(format!(
                    "{brand}/{stem}: {} rejected line(s) in a real capture:\n  {}",
                    unexpected.len(),
                    unexpected.join("\n  ")
                ));
            }
            let dir = Path::new(GOLDEN).join(&brand);
            check(
                &dir.join(format!("{stem}.jsonl")),
                &got,
                update,
                &mut problems,
            );
            if kind.grouping() != Grouping::Legs {
                check(
                    &dir.join(format!("{stem}.calls.jsonl")),
                    &render_calls(&records),
                    update,
                    &mut problems,
                );
            }
        }
    }
    if expected_seen != EXPECTED_REJECTS.len() {
        problems.push(format!(
            "{} of the {} expected rejects were not rejected: update EXPECTED_REJECTS",
            EXPECTED_REJECTS.len() - expected_seen,
            EXPECTED_REJECTS.len()
        ));
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}
