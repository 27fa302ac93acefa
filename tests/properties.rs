//! Properties of the pure core on generated inputs (proptest): the framer accounts for every
//! byte in any chunking and agrees with a plain model of its contract; every dialect
//! (`DialectKind::ALL` and `auto`, each date order) reads any line without panicking, sanely and
//! deterministically; `core::calls::group` never panics on any records and puts each seq in
//! exactly one call. The invariants are the fuzz targets' own (`fuzz/src/lib.rs`, included
//! here), and every input saved under `fuzz/regressions/TARGET/` is replayed.
//!
//! `make fuzz` runs the same checks coverage-guided for longer; this file keeps them in
//! `make test`, within seconds.

#[path = "../fuzz/src/lib.rs"]
mod checks;

use chrono::{Datelike, NaiveDate, NaiveTime};
use proptest::prelude::*;
use smdrbox::core::dialect::DialectKind;
use smdrbox::core::framer::MAX_LINE;
use smdrbox::core::record::{Cost, Direction, Extra, Record, TimeMeaning};
use std::path::Path;
use std::sync::LazyLock;

/// The PBX lines of every capture in `../shared/corpus/`, read in place ('#' lines are the
/// corpus format's notes).
static CORPUS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut files: Vec<_> = std::fs::read_dir(Path::new("../shared/corpus"))
        .expect("../shared/corpus")
        .flat_map(|d| std::fs::read_dir(d.expect("corpus entry").path()).expect("corpus dir"))
        .map(|e| e.expect("corpus file").path())
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    files.sort();
    let mut lines = Vec::new();
    for f in files {
        let bytes = std::fs::read(&f).expect("corpus file");
        for l in bytes.split(|&b| b == b'\n') {
            if !l.starts_with(b"#") && !l.iter().all(u8::is_ascii_whitespace) {
                let l = l.strip_suffix(b"\r").unwrap_or(l);
                lines.push(smdrbox::core::framer::decode(l).into_owned());
            }
        }
    }
    assert!(
        lines.len() > 100,
        "the corpus is missing: {} lines",
        lines.len()
    );
    lines
});

// ---------------------------------------------------------------------------------------------
// The framer

/// Bytes as a serial line delivers them: mostly text, with terminators, noise and lines of
/// every length around `MAX_LINE`.
fn stream() -> impl Strategy<Value = Vec<u8>> {
    let terminator = prop_oneof![
        Just(&b""[..]),
        Just(&b"\r"[..]),
        Just(&b"\n"[..]),
        Just(&b"\r\n"[..]),
        Just(&b"\n\r"[..]),
        Just(&b"\r\r\n"[..]),
    ];
    let byte = prop_oneof![
        6 => 0x20u8..0x7f,
        1 => 0u8..0x20,
        1 => any::<u8>(),
    ];
    let segment = (
        prop_oneof![
            3 => prop::collection::vec(byte.clone(), 0..100),
            1 => prop::collection::vec(byte, MAX_LINE - 2..MAX_LINE + 3),
            1 => prop::collection::vec(Just(b'x'), MAX_LINE..MAX_LINE * 3),
        ],
        terminator,
    )
        .prop_map(|(mut body, t)| {
            body.extend_from_slice(t);
            body
        });
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..2000),
        prop::collection::vec(segment, 0..12).prop_map(|s| s.concat()),
    ]
}

proptest! {
    #[test]
    fn framer_accounts_for_every_byte_in_any_chunking(
        stream in stream(),
        chunks in prop::collection::vec(prop_oneof![0usize..4, 0usize..700], 0..40),
    ) {
        checks::check_framer(&stream, &chunks);
    }

    #[test]
    fn fuzz_chunkings_cover_the_stream(seed in any::<u8>(), len in 0usize..5000) {
        let lens = checks::chunk_lens(seed, len);
        prop_assert_eq!(lens.iter().sum::<usize>(), len);
    }
}

// ---------------------------------------------------------------------------------------------
// The dialects

/// A corpus line, changed a little: a range replaced, cut short, or a character put in.
fn mutated_corpus_line() -> impl Strategy<Value = String> {
    (
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        0usize..12,
        "[ -~]{0,6}|\\PC{0,3}",
        0u8..4,
    )
        .prop_map(|(line, at, len, put, how)| {
            let chars: Vec<char> = line.get(&CORPUS).chars().collect();
            let i = at.index(chars.len() + 1);
            let j = (i + len).min(chars.len());
            let (head, tail) = (&chars[..i], &chars[j..]);
            let head: String = head.iter().collect();
            let tail: String = tail.iter().collect();
            match how {
                0 => format!("{head}{put}{tail}"),
                1 => head,
                2 => format!("{head}{put}{}", chars[i..].iter().collect::<String>()),
                _ => chars.iter().collect(),
            }
        })
}

/// Lines that look like SMDR without being it: the tokens dialects look for, in any order.
fn smdr_like_line() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[0-9*]{2}/[0-9*]{2}/[0-9*]{2,4}",
            "[0-9*]{1,2}:[0-9*]{2}(:[0-9]{2}|AM|PM|'[0-9]{2})?",
            "[0-9]{1,3}'[0-9]{2}",
            "(<I>|<D>|EXT|\\+)?[0-9A-Z]{0,12}-?",
            "(EU|EUR)?[0-9]{0,6}\\.[0-9]{0,3}(EU|EUR)?",
            "NA|TR|FW|D0|RC|AN|VR|LOG IN|Ring|Cost|Date",
            " {1,20}",
            ",{1,3}|\"|\t|\u{c}",
            "\\PC{0,4}",
        ],
        0..16,
    )
    .prop_map(|t| t.concat())
}

fn any_line() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => mutated_corpus_line(),
        2 => smdr_like_line(),
        1 => any::<prop::sample::Index>().prop_map(|i| i.get(&CORPUS).clone()),
        1 => any::<String>(),
        1 => prop::collection::vec(any::<u8>(), 0..200)
            .prop_map(|b| smdrbox::core::framer::decode(&b).into_owned()),
    ]
}

proptest! {
    // Each case runs every dialect configuration (kinds × date orders) twice: fewer cases and
    // lines than proptest's default keep this file within seconds; `make fuzz` goes further.
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_dialect_reads_any_lines_sanely_and_deterministically(
        lines in prop::collection::vec(any_line(), 1..12),
    ) {
        checks::check_dialects(&lines);
    }

    /// Whole runs of the real captures, some lines changed: what the dialects make of them
    /// is grouped into calls.
    #[test]
    fn calls_from_parsed_lines_partition_the_seqs(
        start in any::<prop::sample::Index>(),
        len in 1usize..40,
        changes in prop::collection::vec((any::<prop::sample::Index>(), any_line()), 0..6),
    ) {
        let from = start.index(CORPUS.len());
        let mut lines: Vec<String> =
            CORPUS[from..(from + len).min(CORPUS.len())].to_vec();
        for (at, line) in changes {
            let i = at.index(lines.len());
            lines[i] = line;
        }
        for (_, verdicts) in checks::parse_all(&lines, false) {
            checks::check_calls(&checks::records(verdicts));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The calls grouping on records no dialect would make

fn date() -> impl Strategy<Value = Option<NaiveDate>> {
    // Four days across the end of a leap February, so that legs meet across midnight.
    let near = (0u64..4).prop_map(|d| {
        NaiveDate::from_ymd_opt(2024, 2, 27).and_then(|x| x.checked_add_days(chrono::Days::new(d)))
    });
    let any_day = (NaiveDate::MIN.num_days_from_ce()..=NaiveDate::MAX.num_days_from_ce())
        .prop_map(NaiveDate::from_num_days_from_ce_opt);
    prop_oneof![6 => near, 1 => any_day, 1 => Just(None)]
}

fn time() -> impl Strategy<Value = Option<NaiveTime>> {
    let near = (600u32..660, prop_oneof![Just(0u32), 0u32..60])
        .prop_map(|(m, s)| NaiveTime::from_num_seconds_from_midnight_opt(m * 60 + s, 0));
    let any_time = (0u32..86_400).prop_map(|s| NaiveTime::from_num_seconds_from_midnight_opt(s, 0));
    prop_oneof![4 => near, 2 => any_time, 1 => Just(None)]
}

fn secs() -> impl Strategy<Value = Option<u32>> {
    prop_oneof![4 => (0u32..120).prop_map(Some), 1 => any::<u32>().prop_map(Some), 1 => Just(None)]
}

fn pick(options: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::sample::select(options).prop_map(str::to_string)
}

fn opt(options: &'static [&'static str]) -> impl Strategy<Value = Option<String>> {
    prop::option::of(pick(options))
}

fn record() -> impl Strategy<Value = Record> {
    let who = (
        pick(&["101", "102", "103", "D101", "*123", ""]),
        opt(&["01", "02", "5"]),
        prop::sample::select(
            &[
                Direction::Incoming,
                Direction::Outgoing,
                Direction::Internal,
            ][..],
        ),
        pick(&[
            "0364538740",
            "+39 0364 538740",
            "101",
            "102",
            "Q COMPANY",
            "",
            "P=.X",
        ]),
        opt(&["ACME", " ", ""]),
        opt(&["9876", ""]),
    );
    let when = (
        date(),
        time(),
        prop::sample::select(&[TimeMeaning::CallEnd, TimeMeaning::CallStart][..]),
        secs(),
        secs(),
    );
    let what = (
        prop::option::of((
            pick(&[
                "0.00",
                "1.20",
                "560",
                "0.5",
                "",
                "1.2.3",
                "99999999999999999999999999999999",
            ]),
            pick(&["EU", "EUR", ""]),
        )),
        opt(&["1234", ""]),
        opt(&["NA", "TR", "FW", "D0", "XX", ""]),
        any::<(bool, bool, bool)>(),
        pick(&["", "A", "B", "C"]),
    );
    // What other PBXs print: a shared call id (few, so that records share one).
    let extra = (
        opt(&["1000001", "1000002", ""]),
        any::<bool>(),
        secs(),
        secs(),
    );
    (who, when, what, extra).prop_map(
        |(
            (extension, trunk, direction, number, caller_name, ddi),
            (date, time, time_is, ring_secs, duration_secs),
            (cost, account_code, condition, (unanswered, transferred, forwarded), layout),
            (call_id, continued, hold_secs, park_secs),
        )| Record {
            dialect: "panasonic",
            layout: match layout.as_str() {
                "A" => "A",
                "B" => "B",
                "C" => "C",
                _ => "",
            },
            date,
            time,
            time_is,
            extension,
            trunk,
            direction,
            number,
            caller_name,
            ddi,
            ring_secs,
            duration_secs,
            cost: cost.map(|(amount, currency)| Cost { amount, currency }),
            account_code,
            condition,
            unanswered,
            transferred,
            forwarded,
            extra: Extra {
                call_id,
                continued,
                hold_secs,
                park_secs,
                ..Extra::default()
            },
        },
    )
}

proptest! {
    #[test]
    fn calls_group_partitions_any_records(
        records in prop::collection::vec((1i64..4, record()), 0..40),
    ) {
        // Seqs ascending with gaps, as the store hands them over (rejects and headers between).
        let mut seq = 0;
        let records: Vec<(i64, Record)> = records
            .into_iter()
            .map(|(gap, r)| {
                seq += gap;
                (seq, r)
            })
            .collect();
        checks::check_calls(&records);
    }
}

// ---------------------------------------------------------------------------------------------
// Saved findings and the list of dialects

/// Every input saved under `fuzz/regressions/TARGET/` (a fuzz finding after its fix, or an
/// edge case written by hand, named `edge-*`) goes through its target again.
#[test]
fn fuzz_regressions_replay() {
    let mut replayed = 0;
    for (target, run) in checks::TARGETS {
        let dir = Path::new("fuzz/regressions").join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<_> = entries
            .map(|e| e.expect("regression file").path())
            .collect();
        files.sort();
        for f in files {
            let data = std::fs::read(&f).expect("regression file");
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{} fails again", f.display());
            replayed += 1;
        }
    }
    // fuzz/regressions/ holds hand-made edge cases too, so an empty replay means a wrong path.
    assert!(replayed >= 3, "only {replayed} saved fuzz inputs found");
}

/// `DialectKind::ALL` lists every kind: serde's error for an unknown kind names them all.
#[test]
fn dialect_kind_all_is_complete() {
    let err = serde_json::from_str::<DialectKind>("\"no-such-dialect\"")
        .expect_err("no-such-dialect is no dialect")
        .to_string();
    let expected = err
        .split_once("expected")
        .map(|(_, e)| e)
        .unwrap_or_else(|| panic!("serde's message changed: {err}"));
    let names: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    assert!(!names.is_empty(), "no kind named in {err:?}");
    for name in &names {
        let kind: DialectKind = serde_json::from_str(&format!("\"{name}\"")).expect(name);
        assert!(
            DialectKind::ALL.contains(&kind),
            "DialectKind::{kind:?} is missing from DialectKind::ALL"
        );
    }
    assert_eq!(DialectKind::ALL.len(), names.len(), "ALL has duplicates");
    assert!(checks::DATE_ORDERS
        .iter()
        .all(|&o| checks::every_date_order(o)));
}
