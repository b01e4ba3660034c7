//! Load on the API: N concurrent readers (default 200), each signed in and reading
//! `GET /api/coverage` (or `--path`, such as a site tile) back to back for a while;
//! prints latency percentiles.
//!
//! Start a server first (`scripts/load_test.sh` does both):
//! `cargo run --release --example load_test -- --url http://127.0.0.1:8080 --user NAME`
//! (the password is read from stdin).

use std::time::{Duration, Instant};

struct Args {
    url: String,
    user: String,
    concurrency: usize,
    seconds: u64,
    path: String,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        url: "http://127.0.0.1:8080".into(),
        user: "lead".into(),
        concurrency: 200,
        seconds: 10,
        path: "/api/coverage".into(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--url" => args.url = value,
            "--user" => args.user = value,
            "--concurrency" => args.concurrency = value.parse().map_err(|e| format!("{e}"))?,
            "--seconds" => args.seconds = value.parse().map_err(|e| format!("{e}"))?,
            "--path" => args.path = value,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(args)
}

async fn sign_in(url: &str, user: &str, password: &str) -> Result<String, String> {
    let r = reqwest::Client::new()
        .post(format!("{url}/api/login"))
        .json(&serde_json::json!({ "name": user, "password": password }))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !r.status().is_success() {
        return Err(format!("sign-in failed: {}", r.status()));
    }
    let cookie = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .ok_or("no session cookie")?;
    Ok(cookie.split(';').next().unwrap_or_default().to_string())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args = parse_args()?;
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .map_err(|e| e.to_string())?;
    let cookie = sign_in(&args.url, &args.user, password.trim_end()).await?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()
        .map_err(|e| e.to_string())?;
    let target = format!("{}{}", args.url, args.path);
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..args.concurrency {
        let (client, target, cookie) = (client.clone(), target.clone(), cookie.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0usize;
            while Instant::now() < deadline {
                let t0 = Instant::now();
                let ok = match client.get(&target).header("cookie", &cookie).send().await {
                    Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                    Err(_) => false,
                };
                if ok {
                    latencies.push(t0.elapsed());
                } else {
                    failures += 1;
                }
            }
            (latencies, failures)
        }));
    }
    let mut all = Vec::new();
    let mut failures = 0;
    for t in tasks {
        let (l, f) = t.await.map_err(|e| e.to_string())?;
        all.extend(l);
        failures += f;
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "GET {} with {} concurrent readers for {:.1} s: {} requests ({:.0}/s), {} failed",
        args.path,
        args.concurrency,
        elapsed,
        all.len(),
        all.len() as f64 / elapsed,
        failures
    );
    println!(
        "latency ms: p50 {:.1}  p90 {:.1}  p99 {:.1}  max {:.1}",
        ms(percentile(&all, 0.50)),
        ms(percentile(&all, 0.90)),
        ms(percentile(&all, 0.99)),
        ms(all.last().copied().unwrap_or_default())
    );
    if failures > 0 {
        return Err(format!("{failures} requests failed"));
    }
    Ok(())
}
