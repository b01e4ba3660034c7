#![no_main]
//! Fuzz target `csv_cells`: the bytes go to the reader a command uses (see
//! `gridpatrol::formats::untrusted`); an error is fine, a panic or abort is a crash.

use gridpatrol::formats::untrusted::Target;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    Target::CsvCells.read(data);
});
