//! Golden test for the Panasonic dialect over the real captures in `shared/corpus/panasonic/`.
//!
//! Every `*.log` there is read in place (never copied into the project): the leading `# `
//! provenance lines are skipped, the rest is framed as bytes (so page headers keep their form
//! feed), blank lines are skipped, and each line is parsed by a fresh dialect. The verdicts,
//! one JSON object per line with the file's 1-based line number, are compared with
//! `tests/golden/panasonic/<file stem>.jsonl`. Run with `UPDATE_GOLDEN=1` to rewrite them.

use smdrbox::core::dialect::panasonic::Panasonic;
use smdrbox::core::dialect::{DateOrder, Dialect};
use smdrbox::core::framer::{decode, Framer};
use smdrbox::core::record::Parsed;
use std::path::{Path, PathBuf};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/panasonic");
const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/panasonic");

#[derive(Default, Debug)]
struct Counts {
    non_blank: usize,
    records: usize,
    headers: usize,
    rejects: Vec<String>,
}

/// The golden text for one capture, and what was in it.
fn render(path: &Path) -> (String, Counts) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = String::new();
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
            let parsed = Panasonic::new(DateOrder::Dmy).parse(&text);
            match &parsed {
                Parsed::Record { .. } => counts.records += 1,
                Parsed::Header { .. } => counts.headers += 1,
                Parsed::Reject { reason } => {
                    counts.rejects.push(format!("line {number}: {reason}"))
                }
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
    (out, counts)
}

fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .unwrap_or_else(|e| panic!("{CORPUS}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    files.sort();
    files
}

#[test]
fn golden_panasonic() {
    let files = corpus_files();
    assert!(!files.is_empty(), "no *.log in {CORPUS}");
    let update = std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    let mut problems = Vec::new();
    for path in files {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("corpus file name is UTF-8");
        let golden = Path::new(GOLDEN).join(format!("{stem}.jsonl"));
        let (got, counts) = render(&path);

        assert_eq!(
            counts.non_blank,
            counts.records + counts.headers + counts.rejects.len(),
            "{stem}: every non-blank line gets one verdict"
        );
        assert!(counts.records > 0, "{stem}: no records");
        if !counts.rejects.is_empty() {
            problems.push(format!(
                "{stem}: {} rejected line(s) in a real capture:\n  {}",
                counts.rejects.len(),
                counts.rejects.join("\n  ")
            ));
        }

        if update {
            std::fs::create_dir_all(GOLDEN).expect("create golden dir");
            std::fs::write(&golden, &got).expect("write golden");
            continue;
        }
        match std::fs::read_to_string(&golden) {
            Err(_) => problems.push(format!(
                "{stem}: golden {} is missing; run with UPDATE_GOLDEN=1 to create it",
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
                    "{stem}: output differs from {} (rerun with UPDATE_GOLDEN=1 if the change is \
                     intended){diff}",
                    golden.display()
                ));
            }
            Ok(_) => {}
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}
