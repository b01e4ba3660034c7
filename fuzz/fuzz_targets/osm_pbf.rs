#![no_main]
//! Fuzz target `osm_pbf`: the bytes go to the reader a command uses (see
//! `gridpatrol::formats::untrusted`); an error is fine, a panic or abort is a crash.
//! Panics inside the protobuf decoder are caught by the reader's guard (which keeps
//! libFuzzer's panic hook quiet for them) and come back as errors.

use gridpatrol::formats::untrusted::Target;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    Target::OsmPbf.read(data);
});
