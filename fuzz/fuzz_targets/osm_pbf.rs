#![no_main]
//! Fuzz target `osm_pbf`: the bytes go to the reader a command uses (see
//! `gridpatrol::formats::untrusted`); an error is fine, a panic or abort is a crash.
//!
//! The PBF reader catches panics inside the protobuf decoder and reports them as
//! errors; libFuzzer's panic hook would abort before that catch, so this target sets a
//! quiet hook. A panic that escapes the reader still ends the run (it cannot unwind out
//! of the fuzz target).

use gridpatrol::formats::untrusted::Target;
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        std::panic::set_hook(Box::new(|_| {}));
    },
    |data: &[u8]| {
        Target::OsmPbf.read(data);
    }
);
