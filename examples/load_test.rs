//! Load on the API, loopback only, bounded in time: readers (default 160), each
//! signed in and reading `GET /api/coverage` (or `--path`, such as a site tile) back
//! to back, and writers (default 40) recording inspections (`POST /api/inspections`,
//! each with its own `Idempotency-Key`) back to back, for `--seconds` (default 60).
//! Prints latency percentiles for each, and fails when any request failed or a p99
//! is over its limit (`--max-read-p99-ms`, default 50; `--max-write-p99-ms`, 100).
//!
//! Start a server first (`scripts/load_test.sh` does both):
//! `cargo run --release --example load_test -- --url http://127.0.0.1:8080 --user NAME`
//! (the password is read from stdin). `--concurrency N` is `--readers N`.

use std::time::{Duration, Instant};

struct Args {
    url: String,
    user: String,
    readers: usize,
    writers: usize,
    seconds: u64,
    path: String,
    max_read_p99_ms: f64,
    max_write_p99_ms: f64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        url: "http://127.0.0.1:8080".into(),
        user: "lead".into(),
        readers: 160,
        writers: 40,
        seconds: 60,
        path: "/api/coverage".into(),
        max_read_p99_ms: 50.0,
        max_write_p99_ms: 100.0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let number = |v: &str| v.parse::<f64>().map_err(|e| format!("{flag}: {e}"));
        let count = |v: &str| v.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--url" => args.url = value,
            "--user" => args.user = value,
            "--readers" | "--concurrency" => args.readers = count(&value)?,
            "--writers" => args.writers = count(&value)?,
            "--seconds" => args.seconds = value.parse().map_err(|e| format!("{flag}: {e}"))?,
            "--path" => args.path = value,
            "--max-read-p99-ms" => args.max_read_p99_ms = number(&value)?,
            "--max-write-p99-ms" => args.max_write_p99_ms = number(&value)?,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    let loopback = ["http://127.", "http://localhost", "http://[::1]"];
    if !loopback.iter().any(|l| args.url.starts_with(l)) {
        return Err(format!(
            "{}: load tests run against this computer only (loopback)",
            args.url
        ));
    }
    if args.seconds > 3600 {
        return Err("--seconds: at most 3600".into());
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

/// The ids of the township's sites, for the writers to record inspections of.
async fn site_ids(
    client: &reqwest::Client,
    url: &str,
    cookie: &str,
) -> Result<Vec<String>, String> {
    let layer: serde_json::Value = client
        .get(format!("{url}/api/layers/institutions?fields=map"))
        .header("cookie", cookie)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let ids: Vec<String> = layer["features"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["properties"]["id"].as_str().map(str::to_string))
        .collect();
    if ids.is_empty() {
        return Err("the township has no sites to record inspections of".into());
    }
    Ok(ids)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// What one kind of client measured.
#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    failures: usize,
    first_failure: Option<String>,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.latencies.extend(other.latencies);
        self.failures += other.failures;
        self.first_failure = self.first_failure.take().or(other.first_failure);
    }
    fn fail(&mut self, why: String) {
        self.failures += 1;
        self.first_failure.get_or_insert(why);
    }
    /// Prints the figures; returns the p99 in ms.
    fn report(&mut self, what: &str, clients: usize, elapsed: f64) -> f64 {
        self.latencies.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let n = self.latencies.len();
        println!(
            "{what} by {clients} clients for {elapsed:.1} s: {n} requests ({:.0}/s), {} failed",
            n as f64 / elapsed,
            self.failures
        );
        println!(
            "  latency ms: p50 {:.1}  p90 {:.1}  p99 {:.1}  max {:.1}",
            ms(percentile(&self.latencies, 0.50)),
            ms(percentile(&self.latencies, 0.90)),
            ms(percentile(&self.latencies, 0.99)),
            ms(self.latencies.last().copied().unwrap_or_default())
        );
        if let Some(why) = &self.first_failure {
            println!("  first failure: {why}");
        }
        ms(percentile(&self.latencies, 0.99))
    }
}

/// Sends `request()` back to back until `deadline`.
async fn hammer<F, Fut>(deadline: Instant, mut request: F) -> Tally
where
    F: FnMut(u64) -> Fut,
    Fut: std::future::Future<Output = Result<reqwest::Response, reqwest::Error>>,
{
    let mut tally = Tally::default();
    let mut round = 0;
    while Instant::now() < deadline {
        round += 1;
        let t0 = Instant::now();
        match request(round).await {
            Ok(r) if r.status().is_success() => match r.bytes().await {
                Ok(_) => tally.latencies.push(t0.elapsed()),
                Err(e) => tally.fail(e.to_string()),
            },
            Ok(r) => {
                let status = r.status();
                let body = r.text().await.unwrap_or_default();
                tally.fail(format!("{status}: {body}"));
            }
            Err(e) => tally.fail(e.to_string()),
        }
    }
    tally
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
        .pool_max_idle_per_host(args.readers + args.writers)
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| e.to_string())?;
    let sites = if args.writers > 0 {
        site_ids(&client, &args.url, &cookie).await?
    } else {
        Vec::new()
    };
    let today = chrono::Local::now().date_naive().to_string();
    let run = format!(
        "{:x}",
        std::process::id() as u64 ^ Instant::now().elapsed().as_nanos() as u64
    );
    let target = format!("{}{}", args.url, args.path);
    let inspections = format!("{}/api/inspections", args.url);
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let started = Instant::now();
    let mut readers = Vec::new();
    for _ in 0..args.readers {
        let (client, target, cookie) = (client.clone(), target.clone(), cookie.clone());
        readers.push(tokio::spawn(async move {
            hammer(deadline, |_| {
                client.get(&target).header("cookie", &cookie).send()
            })
            .await
        }));
    }
    let mut writers = Vec::new();
    for w in 0..args.writers {
        let (client, url, cookie) = (client.clone(), inspections.clone(), cookie.clone());
        let (sites, today, run) = (sites.clone(), today.clone(), run.clone());
        writers.push(tokio::spawn(async move {
            hammer(deadline, |round| {
                let site = &sites[(w * 7919 + round as usize * 104_729) % sites.len()];
                let result = ["compliant", "hazard", "unlicensed_operation"][round as usize % 3];
                client
                    .post(&url)
                    .header("cookie", &cookie)
                    .header("idempotency-key", format!("load-{run}-{w}-{round}"))
                    .json(&serde_json::json!({
                        "site_id": site, "date": today, "result": result, "notes": "压力测试",
                    }))
                    .send()
            })
            .await
        }));
    }
    let (mut reads, mut writes) = (Tally::default(), Tally::default());
    for t in readers {
        reads.add(t.await.map_err(|e| e.to_string())?);
    }
    for t in writers {
        writes.add(t.await.map_err(|e| e.to_string())?);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut problems = Vec::new();
    if args.readers > 0 {
        let p99 = reads.report(&format!("GET {}", args.path), args.readers, elapsed);
        if p99 > args.max_read_p99_ms {
            problems.push(format!(
                "read p99 {p99:.1} ms > {} ms",
                args.max_read_p99_ms
            ));
        }
    }
    if args.writers > 0 {
        let p99 = writes.report("POST /api/inspections", args.writers, elapsed);
        if p99 > args.max_write_p99_ms {
            problems.push(format!(
                "write p99 {p99:.1} ms > {} ms",
                args.max_write_p99_ms
            ));
        }
    }
    let failures = reads.failures + writes.failures;
    if failures > 0 {
        problems.push(format!("{failures} requests failed"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}
