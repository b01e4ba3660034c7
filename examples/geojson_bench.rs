//! The GeoJSON import yardstick: write a seeded FeatureCollection of N institutions
//! (points in Haidian with every field a lead's list carries) into `target/`, import it
//! with the library's reader and print the seconds and the peak memory of the import
//! as JSON.
//!
//! ```text
//! cargo run --release --example geojson_bench -- [--features 300000] [--seed 7] [--out-dir target/geojson_bench]
//! ```
//!
//! The file is written once per size and seed and reused. The peak is the process's
//! VmHWM, reset (`/proc/self/clear_refs`) after the file is written, so it counts the
//! import alone: the file's bytes, the reader's working memory and the result.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use gridpatrol::formats::geojson::read_items;
use gridpatrol::formats::ReadOptions;
use gridpatrol::model::Institution;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

struct Args {
    features: usize,
    seed: u64,
    out_dir: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        features: 300_000,
        seed: 7,
        out_dir: PathBuf::from("target/geojson_bench"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let number = |v: &str| {
            v.parse()
                .map_err(|_| format!("{flag} {v:?} is not a number"))
        };
        match flag.as_str() {
            "--features" => args.features = number(&value)? as usize,
            "--seed" => args.seed = number(&value)?,
            "--out-dir" => args.out_dir = value.into(),
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(args)
}

/// A (process-wide) memory figure from /proc/self/status, in MB.
fn status_mb(key: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// One institution as a lead's GeoJSON gives it: Chinese names, hours, a complaint count.
fn institution(i: usize, rng: &mut ChaCha8Rng) -> serde_json::Value {
    let lon = 116.28 + rng.gen_range(0.0..0.12);
    let lat = 39.93 + rng.gen_range(0.0..0.08);
    let kind = if rng.gen_bool(0.7) {
        "training"
    } else {
        "care"
    };
    json!({
        "type": "Feature",
        "properties": {
            "id": format!("JG{i:07}"),
            "name": format!("海淀区第{i}号教育培训中心"),
            "kind": kind,
            "subject": if kind == "training" { Some("subject") } else { None },
            "licence": if rng.gen_bool(0.8) { "licensed" } else { "unlicensed" },
            "address": format!("海淀区中关村大街{}号", rng.gen_range(1..400)),
            "open_hours": "08:00-12:00,14:00-20:00",
            "complaints": rng.gen_range(0..4),
            "last_inspected": format!("2026-{:02}-{:02}", rng.gen_range(1..11), rng.gen_range(1..28)),
            "synthetic": true,
        },
        "geometry": { "type": "Point", "coordinates": [lon, lat] },
    })
}

/// Writes the seeded file feature by feature (the generator itself stays small).
fn generate(path: &Path, features: usize, seed: u64) -> std::io::Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let tmp = path.with_extension("partial");
    let mut out = BufWriter::new(std::fs::File::create(&tmp)?);
    out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    for i in 0..features {
        if i > 0 {
            out.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut out, &institution(i, &mut rng))?;
    }
    out.write_all(b"\n]}\n")?;
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    std::fs::rename(tmp, path)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args()?;
    std::fs::create_dir_all(&args.out_dir)?;
    let path = args.out_dir.join(format!(
        "institutions-{}-{}.geojson",
        args.features, args.seed
    ));
    if !path.exists() {
        generate(&path, args.features, args.seed)?;
    }
    // Start the high-water mark afresh: what follows is the import alone.
    std::fs::write("/proc/self/clear_refs", "5")?;
    let before_mb = status_mb("VmRSS:");

    let started = Instant::now();
    let bytes = std::fs::read(&path)?;
    let source = path.display().to_string();
    let items = read_items::<Institution>(&bytes, &source, &ReadOptions::default())?;
    let seconds = started.elapsed().as_secs_f64();
    let peak_mb = status_mb("VmHWM:");
    let figures = json!({
        "file": source,
        "file_mb": bytes.len() as f64 / 1e6,
        "features": items.len(),
        "seconds": seconds,
        "rss_before_mb": before_mb,
        "peak_mb": peak_mb,
    });
    println!("{figures}");
    Ok(())
}
