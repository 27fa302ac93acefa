//! Arbitrary bytes in arbitrary reads → lines and counters: every byte accounted for, the
//! result the same as the plain model's whatever the reads (`smdrbox_fuzz::check_framer`).
//! The first input byte picks the chunking, the rest is the stream.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| smdrbox_fuzz::run_framer(data));
