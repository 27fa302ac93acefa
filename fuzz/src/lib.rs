//! The invariants the fuzz targets check, in one place: the targets in `fuzz_targets/` call
//! these, and `tests/properties.rs` includes this file (`#[path]`) so that `make test` checks
//! the same invariants on proptest's inputs and replays every saved finding under
//! `fuzz/regressions/`. Each check panics when an invariant breaks, with the input in the
//! message: that is what both libFuzzer and proptest report.

use smdrbox::core::calls;
use smdrbox::core::dialect::{new_reader, DateOrder, DialectChoice, DialectKind};
use smdrbox::core::framer::{self, Framer, FramerCounters, MAX_LINE};
use smdrbox::core::record::{Parsed, Record};

/// Date orders, all of them: a new variant fails to compile in [`every_date_order`].
pub const DATE_ORDERS: [DateOrder; 3] = [DateOrder::Dmy, DateOrder::Mdy, DateOrder::Ymd];

/// Fails to compile when `DateOrder` gains a variant, so [`DATE_ORDERS`] is kept complete.
pub fn every_date_order(o: DateOrder) -> bool {
    match o {
        DateOrder::Dmy | DateOrder::Mdy | DateOrder::Ymd => DATE_ORDERS.contains(&o),
    }
}

/// A reader as the daemon can be configured: a family (or `auto`) and a date order.
pub type Config = (DialectChoice, DateOrder);

/// Every configuration the crate offers: each family of `DialectKind::ALL`, and `auto` (which
/// runs them all and locks on one) if `with_auto`, each with each date order.
pub fn configs(with_auto: bool) -> Vec<Config> {
    let mut choices: Vec<DialectChoice> = DialectKind::ALL
        .iter()
        .map(|&k| DialectChoice::Family(k))
        .collect();
    if with_auto {
        choices.push(DialectChoice::Auto);
    }
    choices
        .into_iter()
        .flat_map(|c| DATE_ORDERS.iter().map(move |&o| (c, o)))
        .collect()
}

/// One delivered line, as the framer gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FramedLine {
    pub bytes: Vec<u8>,
    pub truncated: bool,
    pub partial: bool,
}

/// Chunk lengths for a stream of `len` bytes, from one seed byte (the fuzz input's first):
/// 0 is the whole stream in one read; otherwise reads of 0..=2^k bytes (empty reads included),
/// so that terminators, CR LF pairs and overlong lines fall across reads.
pub fn chunk_lens(seed: u8, len: usize) -> Vec<usize> {
    if seed == 0 {
        return vec![len];
    }
    let max = 1usize << (seed % 11);
    // splitmix64: any cheap, seeded sequence does.
    let mut state = u64::from(seed);
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let mut out = Vec::new();
    let mut left = len;
    while left > 0 {
        let n = usize::try_from(next() % (max as u64 + 1))
            .unwrap_or(max)
            .min(left);
        out.push(n);
        left -= n;
    }
    out
}

/// Feeds `stream` to a framer in reads of `chunks` lengths (the rest in one last read), then
/// flushes, as a link that goes down does.
pub fn frame(stream: &[u8], chunks: &[usize]) -> (Vec<FramedLine>, FramerCounters) {
    let mut f = Framer::new();
    let mut lines = Vec::new();
    let mut emit = |l: framer::Line| {
        lines.push(FramedLine {
            bytes: l.bytes.to_vec(),
            truncated: l.truncated,
            partial: l.partial,
        })
    };
    let mut pos = 0usize;
    for &n in chunks {
        let end = pos.saturating_add(n).min(stream.len());
        f.push(&stream[pos..end], &mut emit);
        pos = end;
    }
    f.push(&stream[pos..], &mut emit);
    if let Some(l) = f.flush() {
        emit(l);
    }
    (lines, f.counters())
}

/// A byte the framer drops and counts as garbage: controls other than TAB, FF, CR, LF; DEL.
fn is_garbage(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | 0x0c | b'\r' | b'\n')) || b == 0x7f
}

/// The framer's contract written as a plain loop over the whole stream (no reads, no
/// fixed-size buffer): what any chunking must produce.
pub fn model(stream: &[u8]) -> (Vec<FramedLine>, FramerCounters) {
    let mut c = FramerCounters {
        bytes_in: stream.len() as u64,
        ..FramerCounters::default()
    };
    let mut lines = Vec::new();
    let mut kept = Vec::new();
    let mut end_line = |kept: &mut Vec<u8>, c: &mut FramerCounters, partial: bool| {
        if kept.is_empty() {
            if !partial {
                c.empty_lines += 1;
            }
            return;
        }
        let truncated = kept.len() > MAX_LINE;
        if truncated {
            c.overlong_lines += 1;
            c.overlong_bytes += (kept.len() - MAX_LINE) as u64;
            kept.truncate(MAX_LINE);
        }
        c.lines += 1;
        lines.push(FramedLine {
            bytes: std::mem::take(kept),
            truncated,
            partial,
        });
    };
    let mut after_cr = false;
    for &b in stream {
        match b {
            b'\n' if after_cr => {
                c.terminator_bytes += 1;
                after_cr = false;
            }
            b'\r' | b'\n' => {
                c.terminator_bytes += 1;
                after_cr = b == b'\r';
                end_line(&mut kept, &mut c, false);
            }
            _ => {
                after_cr = false;
                if is_garbage(b) {
                    c.garbage_bytes += 1;
                } else {
                    kept.push(b);
                }
            }
        }
    }
    end_line(&mut kept, &mut c, true);
    (lines, c)
}

/// Frames `stream` in reads of `chunks` and checks that every byte is accounted for, that the
/// lines are what the framer promises, and that the result is the model's (so it does not
/// depend on how the bytes were split into reads).
pub fn check_framer(stream: &[u8], chunks: &[usize]) -> Vec<FramedLine> {
    let (lines, c) = frame(stream, chunks);
    let kept: u64 = lines.iter().map(|l| l.bytes.len() as u64).sum();
    assert_eq!(c.bytes_in, stream.len() as u64, "bytes_in: {c:?}");
    assert_eq!(
        kept + c.terminator_bytes + c.garbage_bytes + c.overlong_bytes,
        c.bytes_in,
        "a byte is not accounted for: kept {kept}, {c:?}"
    );
    assert_eq!(c.lines, lines.len() as u64, "lines counted: {c:?}");
    let cut = lines.iter().filter(|l| l.truncated).count() as u64;
    assert_eq!(c.overlong_lines, cut, "cut lines counted: {c:?}");
    for (i, l) in lines.iter().enumerate() {
        assert!(!l.bytes.is_empty(), "empty line delivered: {l:?}");
        assert!(
            l.bytes.len() <= MAX_LINE,
            "line over MAX_LINE: {}",
            l.bytes.len()
        );
        assert!(
            !l.truncated || l.bytes.len() == MAX_LINE,
            "a cut line is not cut at MAX_LINE: {}",
            l.bytes.len()
        );
        assert!(
            !l.bytes
                .iter()
                .any(|&b| b == b'\r' || b == b'\n' || is_garbage(b)),
            "terminator or control byte in a line: {l:?}"
        );
        assert!(
            !l.partial || i + 1 == lines.len(),
            "a partial line that is not the last: {l:?}"
        );
    }
    let (want_lines, want_c) = model(stream);
    assert_eq!(
        c, want_c,
        "counters differ from the model (chunks {chunks:?})"
    );
    assert_eq!(
        lines, want_lines,
        "lines differ from the model (chunks {chunks:?})"
    );
    lines
}

/// Fuzz input → text lines, as the dialects would get them: decoded as the store writer does
/// (UTF-8, else ISO-8859-1) and split on LF only, so a line may hold CR, controls, anything.
/// At most `max_lines`, to keep one input cheap.
pub fn text_lines(data: &[u8], max_lines: usize) -> Vec<String> {
    framer::decode(data)
        .split('\n')
        .take(max_lines)
        .map(str::to_string)
        .collect()
}

/// Checks one verdict: a reject says why; a record names its family (`auto`'s records name
/// the family that read them) and its fields keep their documented form.
pub fn check_parsed(choice: DialectChoice, line: &str, p: &Parsed) {
    let name = choice.as_str();
    match p {
        Parsed::Reject { reason } => {
            assert!(
                !reason.trim().is_empty(),
                "{name}: reject without a reason: {line:?}"
            )
        }
        Parsed::Header { .. } => {}
        Parsed::Record { record, warnings } => {
            let family_ok = match choice {
                DialectChoice::Family(k) => record.dialect == k.as_str(),
                DialectChoice::Auto => DialectKind::ALL
                    .iter()
                    .any(|k| record.dialect == k.as_str()),
            };
            assert!(
                family_ok,
                "{name}: record of dialect {:?}: {line:?}",
                record.dialect
            );
            for w in warnings {
                assert!(!w.trim().is_empty(), "{name}: empty warning: {line:?}");
            }
            if let Some(cost) = &record.cost {
                // record.rs: a decimal amount, kept as text.
                let a = &cost.amount;
                let (int, frac) = a.split_once('.').unwrap_or((a, ""));
                assert!(
                    !int.is_empty() && int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()),
                    "{name}: cost amount {a:?} is not decimal text: {line:?}"
                );
            }
        }
    }
}

/// Each configuration of [`configs`] reads `lines` in order (readers keep state between
/// lines, e.g. a header's layout, `auto`'s window), each verdict checked. Returns each
/// configuration's verdicts.
pub fn parse_all(lines: &[String], with_auto: bool) -> Vec<(Config, Vec<Parsed>)> {
    configs(with_auto)
        .into_iter()
        .map(|(choice, order)| {
            let mut d = new_reader(choice, order);
            let verdicts: Vec<Parsed> = lines.iter().map(|l| d.parse(l)).collect();
            for (l, p) in lines.iter().zip(&verdicts) {
                check_parsed(choice, l, p);
            }
            ((choice, order), verdicts)
        })
        .collect()
}

/// The records among `verdicts` with their seq: the line's number from 1, as the store
/// numbers raw lines (rejects and headers included, so seqs have gaps).
pub fn records(verdicts: Vec<Parsed>) -> Vec<(i64, Record)> {
    verdicts
        .into_iter()
        .zip(1i64..)
        .filter_map(|(p, seq)| match p {
            Parsed::Record { record, .. } => Some((seq, *record)),
            _ => None,
        })
        .collect()
}

/// [`parse_all`] with `auto`, and a fresh reader fed the same lines gives the same verdicts.
pub fn check_dialects(lines: &[String]) -> Vec<(Config, Vec<Parsed>)> {
    let first = parse_all(lines, true);
    for ((choice, order), verdicts) in &first {
        let mut again = new_reader(*choice, *order);
        let second: Vec<Parsed> = lines.iter().map(|l| again.parse(l)).collect();
        assert_eq!(
            verdicts, &second,
            "{choice:?} {order:?} is not deterministic on {lines:?}"
        );
    }
    first
}

/// Groups `records` into calls and checks what `calls::group` promises: every seq in exactly
/// one call's parts, parts ascending, calls ordered by their first part, consultations that
/// name real lines and calls, talk times that add up, and the same calls every time.
pub fn check_calls(records: &[(i64, Record)]) -> Vec<calls::Call> {
    let got = calls::group(records);
    let mut parts: Vec<i64> = got.iter().flat_map(|c| c.parts.iter().copied()).collect();
    let mut seqs: Vec<i64> = records.iter().map(|(s, _)| *s).collect();
    parts.sort_unstable();
    seqs.sort_unstable();
    assert_eq!(parts, seqs, "the calls' parts are not the records' seqs");
    let firsts: Vec<i64> = got
        .iter()
        .filter_map(|c| c.parts.first().copied())
        .collect();
    assert_eq!(firsts.len(), got.len(), "a call without parts");
    assert!(
        firsts.windows(2).all(|w| w[0] <= w[1]),
        "calls not ordered by first part: {firsts:?}"
    );
    for c in &got {
        assert!(
            c.parts.windows(2).all(|w| w[0] < w[1]),
            "parts not ascending: {:?}",
            c.parts
        );
        for s in &c.consultations {
            assert!(
                seqs.binary_search(s).is_ok(),
                "consultation {s} is no record"
            );
        }
        if let Some(f) = c.consultation_for {
            assert!(
                firsts.contains(&f),
                "consultation for {f}, which begins no call"
            );
        }
        let forwarded = c.forwarded_to_outside.is_some() || c.forwarded_by.is_some();
        if !forwarded && c.direction != smdrbox::core::record::Direction::Internal {
            // talk_secs saturates at u32::MAX (136 years of talk: only absurd durations).
            let sum: u64 = c.legs.iter().map(|l| u64::from(l.talk_secs)).sum();
            assert_eq!(
                sum.min(u64::from(u32::MAX)),
                u64::from(c.talk_secs),
                "legs' talk does not add up to talk_secs: {c:?}"
            );
        }
    }
    assert_eq!(got, calls::group(records), "grouping is not deterministic");
    got
}

/// The `framer` target: the first byte picks the chunking, the rest is the stream.
pub fn run_framer(data: &[u8]) {
    let (seed, stream) = match data.split_first() {
        Some((s, rest)) => (*s, rest),
        None => (0, data),
    };
    check_framer(stream, &chunk_lens(seed, stream.len()));
}

/// The `dialects` target: up to 16 lines through every configuration, `auto` included.
pub fn run_dialects(data: &[u8]) {
    check_dialects(&text_lines(data, 16));
}

/// The `calls` target: up to 32 lines through every family and date order, each one's
/// records grouped into calls.
pub fn run_calls(data: &[u8]) {
    for (_, verdicts) in parse_all(&text_lines(data, 32), false) {
        check_calls(&records(verdicts));
    }
}

/// A fuzz target's body: one input in, a panic if an invariant breaks.
pub type Target = fn(&[u8]);

/// Each target's entry point by name, for replaying saved inputs (`fuzz/regressions/TARGET/`).
pub const TARGETS: [(&str, Target); 3] = [
    ("framer", run_framer),
    ("dialects", run_dialects),
    ("calls", run_calls),
];
