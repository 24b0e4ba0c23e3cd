//! Token benchmarks: fresh and prepared minting with a ~1.5 KB policy shaped like vector v10
//! (playback + two security entries + all three external key kinds), inspect, batch lines.
#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use drm_policy::{JsonStyle, Policy};
use drm_token::batch::{BatchDefaults, BatchIssuer};
use drm_token::inspect::{InspectOptions, inspect};
use drm_token::{DrmType, PreparedPolicy, SiteCredentials, Timestamp, TokenMinter, TokenRequest};

const POLICY: &str = include_str!("v10_like_policy.json");

fn creds() -> SiteCredentials {
    SiteCredentials::from_strs(
        "TUTO",
        "lU5D8s3PWoLls3PWFWkClULlFWk5D8oC",
        "LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20",
    )
    .unwrap()
}

/// CPU time of the benchmarking thread (Linux `/proc/thread-self/schedstat`, nanoseconds), so
/// that figures taken on a loaded shared machine still say what a token costs. Wall-clock
/// figures come from the `token` group; this one is `token_cpu`.
struct CpuTime;

fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

impl Measurement for CpuTime {
    type Intermediate = u64;
    type Value = u64;
    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, start: u64) -> u64 {
        thread_cpu_ns().saturating_sub(start)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, v: &u64) -> f64 {
        *v as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuFormatter
    }
}

struct CpuFormatter;

impl ValueFormatter for CpuFormatter {
    fn scale_values(&self, ns: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = if ns < 1e3 {
            (1.0, "ns (cpu)")
        } else if ns < 1e6 {
            (1e-3, "µs (cpu)")
        } else {
            (1e-6, "ms (cpu)")
        };
        values.iter_mut().for_each(|v| *v *= factor);
        unit
    }
    fn scale_throughputs(&self, ns: f64, t: &Throughput, values: &mut [f64]) -> &'static str {
        let n = match *t {
            Throughput::Bytes(n) | Throughput::BytesDecimal(n) | Throughput::Elements(n) => n,
        } as f64;
        let _ = ns;
        values.iter_mut().for_each(|v| *v = n * 1e9 / *v);
        "elem/s (cpu)"
    }
    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

fn tokens_cpu(c: &mut Criterion<CpuTime>) {
    let creds = creds();
    let policy = Policy::from_json(POLICY).unwrap();
    let ts = Timestamp::parse("2025-06-01T12:34:56Z").unwrap();
    let req = TokenRequest::new(DrmType::Widevine, "test-user", "bigbuckbunny").key_rotation(true);
    let prepared = PreparedPolicy::new(&policy, &creds, JsonStyle::Compact).unwrap();
    let mut minter = TokenMinter::new();
    let mut g = c.benchmark_group("token_cpu");
    // Equal, long samples: the thread's CPU counter advances in scheduler ticks.
    g.sampling_mode(criterion::SamplingMode::Flat);
    g.bench_function("fresh_v10_compact", |b| {
        b.iter(|| {
            black_box(&req)
                .mint_with_policy(&creds, black_box(&policy), JsonStyle::Compact, ts)
                .unwrap()
        })
    });
    g.bench_function("prepared_v10_mint_string", |b| {
        b.iter(|| {
            black_box(&req)
                .mint(&creds, black_box(&prepared), ts)
                .unwrap()
        })
    });
    g.bench_function("prepared_v10_minter_reused", |b| {
        b.iter(|| {
            minter
                .mint(black_box(&req), &creds, black_box(&prepared), ts)
                .unwrap()
                .len()
        })
    });
    g.bench_function("parts/policy_to_json_v10", |b| {
        b.iter(|| black_box(&policy).to_json(JsonStyle::Compact))
    });
    let text = policy.to_json(JsonStyle::Compact);
    g.bench_function("parts/encrypt_v10", |b| {
        b.iter(|| drm_token::envelope::encrypt_policy(black_box(text.as_bytes()), creds.site_key()))
    });
    let token = req.mint(&creds, &prepared, ts).unwrap();
    let options = InspectOptions::new(ts)
        .site_key(creds.site_key())
        .access_key(creds.access_key());
    g.bench_function("inspect_v10_with_keys", |b| {
        b.iter(|| inspect(black_box(&token), &options).unwrap())
    });
    g.bench_function("parts/policy_from_json_v10", |b| {
        b.iter(|| Policy::from_json(black_box(POLICY)).unwrap())
    });
    // Every line its own policy: 1,000 distinct lines in turn, more than the cache holds.
    let lines = fresh_policy_lines(1000);
    let mut issuer = batch_issuer(ts);
    let mut i = 0;
    g.bench_function("batch_line_fresh_policy_v10", |b| {
        b.iter(|| {
            i = (i + 1) % lines.len();
            issuer
                .issue_line(black_box(lines[i].as_bytes()))
                .unwrap()
                .len()
        })
    });
    g.finish();
}

/// Batch lines each carrying the v10-like policy with its own `license_duration`.
fn fresh_policy_lines(count: usize) -> Vec<String> {
    let compact = Policy::from_json(POLICY)
        .unwrap()
        .to_json(JsonStyle::Compact);
    (0..count)
        .map(|n| {
            let policy = compact.replacen(
                "\"license_duration\":86400",
                &format!("\"license_duration\":{}", 3600 + n),
                1,
            );
            assert_ne!(policy, compact);
            format!(r#"{{"drm_type":"Widevine","user_id":"user-{n}","cid":"content-{n}","policy":{policy}}}"#)
        })
        .collect()
}

fn batch_issuer(ts: Timestamp) -> BatchIssuer {
    BatchIssuer::new(batch_defaults(ts))
}

fn batch_defaults(ts: Timestamp) -> BatchDefaults {
    BatchDefaults {
        site_id: Some("TUTO".into()),
        site_key: Some("lU5D8s3PWoLls3PWFWkClULlFWk5D8oC".into()),
        access_key: Some("LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20".into()),
        timestamp: Some(ts),
        ..BatchDefaults::default()
    }
}

fn tokens(c: &mut Criterion) {
    let creds = creds();
    let policy = Policy::from_json(POLICY).unwrap();
    let ts = Timestamp::parse("2025-06-01T12:34:56Z").unwrap();
    let req = TokenRequest::new(DrmType::Widevine, "test-user", "bigbuckbunny").key_rotation(true);
    let compact_len = policy.to_json(JsonStyle::Compact).len();
    eprintln!(
        "policy plaintext: {compact_len} bytes compact, {} bytes python",
        policy.to_json(JsonStyle::Python).len()
    );

    let mut g = c.benchmark_group("token");
    g.throughput(Throughput::Elements(1));
    g.bench_function("fresh_v10_compact", |b| {
        b.iter(|| {
            black_box(&req)
                .mint_with_policy(&creds, black_box(&policy), JsonStyle::Compact, ts)
                .unwrap()
        })
    });
    g.bench_function("fresh_v10_python", |b| {
        b.iter(|| {
            black_box(&req)
                .mint_with_policy(&creds, black_box(&policy), JsonStyle::Python, ts)
                .unwrap()
        })
    });
    g.bench_function("parts/policy_validate_v10", |b| {
        b.iter(|| black_box(&policy).validate().unwrap())
    });
    g.bench_function("parts/policy_to_json_v10", |b| {
        b.iter(|| black_box(&policy).to_json(JsonStyle::Compact))
    });
    let text = policy.to_json(JsonStyle::Compact);
    g.bench_function("parts/encrypt_v10", |b| {
        b.iter(|| drm_token::envelope::encrypt_policy(black_box(text.as_bytes()), creds.site_key()))
    });
    let prepared = PreparedPolicy::new(&policy, &creds, JsonStyle::Compact).unwrap();
    g.bench_function("prepared_v10_mint_string", |b| {
        b.iter(|| {
            black_box(&req)
                .mint(&creds, black_box(&prepared), ts)
                .unwrap()
        })
    });
    let mut minter = TokenMinter::new();
    g.bench_function("prepared_v10_minter_reused", |b| {
        b.iter(|| {
            minter
                .mint(black_box(&req), &creds, black_box(&prepared), ts)
                .unwrap()
                .len()
        })
    });
    g.bench_function("prepare_policy_v10", |b| {
        b.iter(|| PreparedPolicy::new(black_box(&policy), &creds, JsonStyle::Compact).unwrap())
    });
    let token = req.mint(&creds, &prepared, ts).unwrap();
    let options = InspectOptions::new(ts)
        .site_key(creds.site_key())
        .access_key(creds.access_key());
    g.bench_function("inspect_v10_with_keys", |b| {
        b.iter(|| inspect(black_box(&token), &options).unwrap())
    });
    let mut issuer = BatchIssuer::new(BatchDefaults {
        policy: Some(POLICY.into()),
        ..batch_defaults(ts)
    });
    let line = br#"{"drm_type": "widevine", "user_id": "user-123456", "cid": "content-977"}"#;
    g.bench_function("batch_line_v10", |b| {
        b.iter(|| issuer.issue_line(black_box(line)).unwrap().len())
    });
    g.finish();
}

criterion_group!(benches, tokens);
criterion_group! {
    name = cpu_benches;
    config = Criterion::default().with_measurement(CpuTime);
    targets = tokens_cpu
}
criterion_main!(benches, cpu_benches);
