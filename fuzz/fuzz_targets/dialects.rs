//! Arbitrary lines → every dialect (each of `DialectKind::ALL` and `auto`, each date order): no
//! panic, sane verdicts, deterministic (`smdrbox_fuzz::check_dialects`). The input is split
//! on LF into at most 16 lines, read in order by one dialect, as a capture is.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| smdrbox_fuzz::run_dialects(data));
