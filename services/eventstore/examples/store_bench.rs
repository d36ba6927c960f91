//! Benchmark of an event store alone: SQLite by default, PostgreSQL with `--postgres URL`.
//!
//! ```text
//! cargo run --release -p canyu-eventstore --example store_bench -- --writers 32 --events 100000
//! cargo run --release -p canyu-eventstore --example store_bench -- --events 0 --replay 1000000
//! cargo run --release -p canyu-eventstore --features postgres --example store_bench -- --postgres postgres://canyu@localhost/canyu
//! ```
//!
//! Appends: `--writers` tasks each make single-event appends with `Exact` versions to their own
//! `--streams` streams, until `--events` appends are done in total; prints appends/s and
//! latency percentiles, then checks the count, positions and hash chains. Replay
//! (`--replay N`): fills the log up to N events in large appends if needed, then reads it all
//! back through `read_all` in pages of `--page`, and through `subscribe_all`.
//! `--dir` puts the file somewhere other than a fresh temporary directory (kept afterwards).
//! `--postgres URL` (needs the `postgres` feature) benchmarks PostgreSQL instead, in a fresh
//! schema `bench_<uuid>` of that database (left afterwards).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use canyu_eventstore::sqlite::SqliteEventStore;
use canyu_eventstore::{Actor, EventMetadata, EventStore, ExpectedVersion, NewEvent, RecordedEvent};
use chrono::Utc;
use futures::StreamExt;
use uuid::Uuid;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

struct Args {
    writers: u64,
    events: u64,
    streams: u64,
    replay: u64,
    page: usize,
    dir: Option<PathBuf>,
    postgres: Option<String>,
}

/// The store under test.
enum Backend {
    Sqlite(SqliteEventStore),
    #[cfg(feature = "postgres")]
    Postgres(canyu_eventstore::postgres::PostgresEventStore),
}

impl Backend {
    fn store(&self) -> &dyn EventStore {
        match self {
            Backend::Sqlite(s) => s,
            #[cfg(feature = "postgres")]
            Backend::Postgres(s) => s,
        }
    }

    async fn verify_all(&self) -> canyu_eventstore::Result<u64> {
        match self {
            Backend::Sqlite(s) => s.verify_all().await,
            #[cfg(feature = "postgres")]
            Backend::Postgres(s) => s.verify_all().await,
        }
    }

    async fn head(&self) -> canyu_eventstore::Result<u64> {
        self.store().head().await
    }

    async fn read_all(&self, after: u64, limit: usize) -> canyu_eventstore::Result<Vec<RecordedEvent>> {
        self.store().read_all(after, limit).await
    }
}

fn parse_args() -> Result<Args, BoxError> {
    let mut args = Args { writers: 32, events: 100_000, streams: 8, replay: 0, page: 1000, dir: None, postgres: None };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--writers" => args.writers = value()?.parse()?,
            "--events" => args.events = value()?.parse()?,
            "--streams" => args.streams = value()?.parse()?,
            "--replay" => args.replay = value()?.parse()?,
            "--page" => args.page = value()?.parse()?,
            "--dir" => args.dir = Some(value()?.into()),
            "--postgres" => args.postgres = Some(value()?),
            other => {
                return Err(format!("unknown flag {other}; see the example's doc comment").into());
            }
        }
    }
    if args.writers == 0 || args.streams == 0 || args.page == 0 {
        return Err("--writers, --streams and --page must be positive".into());
    }
    Ok(args)
}

/// About 400 bytes of JSON, shaped like a published draft.
fn data(writer: u64, n: u64) -> String {
    format!(
        r#"{{"decision_id":"decision-{writer}-{n}","draft_version":{n},"title":"关于调整城市公共交通票价的决策草案（征求意见稿）","summary":"Draft fare schedule for buses and metro lines, with concessions for students and seniors, published for thirty days of public comment.","unit_id":"unit-{writer}","channels":["public_online","symposium"],"period_days":30,"attachments":["draft-{n}.pdf","background-{n}.pdf"]}}"#
    )
}

fn metadata() -> EventMetadata {
    EventMetadata {
        actor: Actor { role: "unit_staff".into(), account_id: Some("acct-7".into()), unit_id: None },
        correlation_id: Uuid::now_v7(),
        causation_id: None,
        idempotency_key: None,
        server_time: Utc::now(),
    }
}

fn event(writer: u64, n: u64) -> NewEvent {
    NewEvent { id: Uuid::now_v7(), event_type: "decision.draft_published.v1".into(), data: data(writer, n), metadata: metadata() }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

async fn bench_appends(store: &Arc<Backend>, args: &Args) -> Result<(), BoxError> {
    let sample = event(0, 0);
    println!(
        "appends: {} writers, {} single-event appends, {} streams each; data {} B, metadata {} B",
        args.writers,
        args.events,
        args.streams,
        sample.data.len(),
        serde_json::to_string(&sample.metadata)?.len()
    );
    let head_before = store.head().await?;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..args.writers {
        let count = args.events / args.writers + u64::from(w < args.events % args.writers);
        let store = Arc::clone(store);
        let streams = args.streams;
        tasks.push(tokio::spawn(async move {
            let run = Uuid::now_v7().simple().to_string();
            let mut versions: Vec<Option<u64>> = vec![None; streams as usize];
            let mut latencies = Vec::with_capacity(count as usize);
            for n in 0..count {
                let s = (n % streams) as usize;
                let expected = versions[s].map_or(ExpectedVersion::NoStream, ExpectedVersion::Exact);
                let stream = format!("decision-{run}-{w}-{s}");
                let t = Instant::now();
                let result = store.store().append(&stream, expected, vec![event(w, n)]).await?;
                latencies.push(t.elapsed());
                versions[s] = Some(result.last_version);
            }
            Ok::<_, canyu_eventstore::StoreError>(latencies)
        }));
    }
    let mut latencies = Vec::with_capacity(args.events as usize);
    for task in tasks {
        latencies.extend(task.await??);
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    println!(
        "  {:.0} appends/s ({} in {:.2} s); latency p50 {:?} p99 {:?} max {:?}",
        latencies.len() as f64 / elapsed.as_secs_f64(),
        latencies.len(),
        elapsed.as_secs_f64(),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0),
    );

    let head = store.head().await?;
    let mut after = head_before;
    let mut counted = 0u64;
    loop {
        let page = store.read_all(after, 10_000).await?;
        let Some(last) = page.last() else { break };
        for (i, e) in page.iter().enumerate() {
            if e.position != after + 1 + i as u64 {
                return Err(format!("position {} where {} was due", e.position, after + 1 + i as u64).into());
            }
        }
        counted += page.len() as u64;
        after = last.position;
    }
    if head - head_before != args.events || counted != args.events {
        return Err(format!("expected {} new events, head moved by {} and {counted} were read", args.events, head - head_before).into());
    }
    let t = Instant::now();
    let verified = store.verify_all().await?;
    println!(
        "  verified: {counted} new events at contiguous positions; verify_all checked {verified} chained events in {:.2} s",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn bench_replay(store: &Arc<Backend>, args: &Args) -> Result<(), BoxError> {
    let head = store.head().await?;
    if head < args.replay {
        let missing = args.replay - head;
        println!("replay: filling {missing} events in appends of 1000 …");
        let started = Instant::now();
        let mut left = missing;
        let mut n = 0u64;
        while left > 0 {
            let batch = left.min(1000);
            let events = (0..batch).map(|i| event(n % 97, n + i)).collect();
            store.store().append(&format!("fill-{}", n % 10_007), ExpectedVersion::Any, events).await?;
            left -= batch;
            n += batch;
        }
        println!("  filled at {:.0} events/s", missing as f64 / started.elapsed().as_secs_f64());
    }
    let total = store.head().await?;

    let started = Instant::now();
    let (mut after, mut bytes) = (0u64, 0usize);
    loop {
        let page = store.read_all(after, args.page).await?;
        let Some(last) = page.last() else { break };
        after = last.position;
        bytes += page.iter().map(|e| e.data.len()).sum::<usize>();
    }
    let elapsed = started.elapsed();
    println!(
        "replay read_all: {after} of {total} events in pages of {} in {:.2} s = {:.0} events/s ({:.0} MB/s of data)",
        args.page,
        elapsed.as_secs_f64(),
        after as f64 / elapsed.as_secs_f64(),
        bytes as f64 / 1e6 / elapsed.as_secs_f64()
    );

    let started = Instant::now();
    let mut sub = store.store().subscribe_all(0);
    let mut seen = 0u64;
    while seen < total {
        match sub.next().await {
            Some(Ok(e)) if e.position == seen + 1 => seen += 1,
            Some(Ok(e)) => {
                return Err(format!("subscription gave {} after {seen}", e.position).into());
            }
            Some(Err(e)) => return Err(e.into()),
            None => return Err("subscription ended early".into()),
        }
    }
    let elapsed = started.elapsed();
    println!("replay subscribe_all: {seen} events in {:.2} s = {:.0} events/s", elapsed.as_secs_f64(), seen as f64 / elapsed.as_secs_f64());
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let args = parse_args()?;
    // Other load on the disk cuts durable commit rates several-fold; say what it was.
    let load = || {
        if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
            println!("load average at start: {}", load.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
        }
    };
    let mut _temp = None;
    let store = match &args.postgres {
        Some(url) => Arc::new(open_postgres(url).await?),
        None => {
            let dir = match &args.dir {
                Some(dir) => {
                    std::fs::create_dir_all(dir)?;
                    dir.clone()
                }
                None => {
                    let temp = tempfile::tempdir()?;
                    let dir = temp.path().to_owned();
                    _temp = Some(temp);
                    dir
                }
            };
            let path = dir.join("events.db");
            println!("store: {} (WAL, synchronous=FULL)", path.display());
            Arc::new(Backend::Sqlite(SqliteEventStore::open(&path)?))
        }
    };
    load();
    if args.events > 0 {
        bench_appends(&store, &args).await?;
    }
    if args.replay > 0 {
        bench_replay(&store, &args).await?;
    }
    Ok(())
}

#[cfg(feature = "postgres")]
async fn open_postgres(url: &str) -> Result<Backend, BoxError> {
    let schema = format!("bench_{}", Uuid::now_v7().simple());
    let (admin, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    admin.batch_execute(&format!("CREATE SCHEMA {schema}")).await?;
    let joiner = if url.starts_with("postgres") { if url.contains('?') { "&" } else { "?" } } else { " " };
    let option = if joiner == " " { format!("options='-c search_path={schema}'") } else { format!("options=-c%20search_path%3D{schema}") };
    println!("store: PostgreSQL, schema {schema}");
    Ok(Backend::Postgres(canyu_eventstore::postgres::PostgresEventStore::connect(&format!("{url}{joiner}{option}")).await?))
}

#[cfg(not(feature = "postgres"))]
async fn open_postgres(_url: &str) -> Result<Backend, BoxError> {
    Err("--postgres needs the `postgres` feature: cargo run --release -p canyu-eventstore --features postgres --example store_bench".into())
}
