//! Replays the fuzz corpus (`fuzz/corpus/<target>/`) and every input that ever crashed a
//! reader (`fuzz/regressions/<target>/`) through the same entry points the fuzz targets
//! use, on stable Rust, in the normal test run: each must come back as a value or an
//! error, never a panic, an abort (a stack overflow) or a hang.

use std::path::Path;
use std::time::{Duration, Instant};

use gridpatrol::formats::untrusted::Target;

/// Longer than this for one small input is a hang.
const SLOW: Duration = Duration::from_secs(20);

fn inputs(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_kept_input_is_read_without_panic_or_hang() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut replayed = 0;
    for target in Target::ALL {
        let seeds = inputs(&root.join("corpus").join(target.name()));
        assert!(
            !seeds.is_empty(),
            "fuzz/corpus/{} has no seed",
            target.name()
        );
        let regressions = inputs(&root.join("regressions").join(target.name()));
        for path in seeds.iter().chain(&regressions) {
            let bytes = std::fs::read(path).unwrap();
            let start = Instant::now();
            target.read(&bytes);
            let took = start.elapsed();
            assert!(took < SLOW, "{} took {took:?}", path.display());
            replayed += 1;
        }
    }
    assert!(replayed >= Target::ALL.len());
    assert_eq!(
        gridpatrol::formats::guard::boundary_panics(),
        0,
        "a reader panicked (caught at its boundary, so the input was refused with the panic in its error)"
    );
}

#[test]
fn the_seeds_are_valid_inputs_and_the_regressions_are_refused() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    for target in Target::ALL {
        for seed in inputs(&root.join("corpus").join(target.name())) {
            let bytes = std::fs::read(&seed).unwrap();
            assert!(target.read(&bytes), "seed {} is refused", seed.display());
        }
        for bad in inputs(&root.join("regressions").join(target.name())) {
            let bytes = std::fs::read(&bad).unwrap();
            assert!(!target.read(&bytes), "{} is accepted", bad.display());
        }
    }
}
