//! Arbitrary lines → every dialect → the records → `core::calls::group`: no panic, every seq
//! in exactly one call (`smdrbox_fuzz::check_calls`). Up to 32 lines, so that legs can meet.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| smdrbox_fuzz::run_calls(data));
