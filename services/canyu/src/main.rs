//! `canyu`: serve, project, rebuild, verify, seed-demo, admin, export, export-schema, bench.

use std::path::PathBuf;
use std::process::ExitCode;

use std::sync::Arc;

use canyu::config::{Overrides, Settings};
use canyu::startup::{self, Platform};
use canyu_app::Meta;
use clap::{Parser, Subcommand};

/// mimalloc: fewer cycles per request than the system allocator for GraphQL's many small
/// allocations (see docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "canyu", version, about = "参与 Canyu — public participation in major administrative decisions")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run everything in one process: SQLite event store, in-memory read models, GraphQL, UI.
    ///
    /// Configuration is layered: defaults, a TOML file, `CANYU_*` environment, then flags.
    Serve(canyu::config::Overrides),
    /// Run the projector alone: fold the log into the read models in Redis (`--read-models
    /// redis --redis-url …`). Several may run; one holds the lease, the others stand by.
    #[cfg(feature = "redis")]
    Project {
        #[command(flatten)]
        settings: Overrides,
        /// This projector's name in the lease (default: host name and process id).
        #[arg(long)]
        owner: Option<String>,
        /// Serve `/healthz` and `/metrics` (Prometheus text) on this address.
        #[arg(long)]
        metrics_listen: Option<String>,
    },
    /// Rebuild every read model from the log, with a progress bar, and report the rate. With
    /// `--read-models redis`, clears and rewrites the read models in Redis (stop `canyu
    /// project` first: the rebuild needs the projector lease).
    Rebuild {
        #[command(flatten)]
        settings: Overrides,
    },
    /// Verify the log: the storage engine's own integrity check (SQLite's integrity_check of
    /// events.db and keys.db), every stream's hash chain, and that every event decodes.
    Verify {
        #[command(flatten)]
        settings: Overrides,
    },
    /// Load a realistic Chinese demo (a county-level city's 2021 catalogue) and print logins.
    SeedDemo {
        #[command(flatten)]
        settings: Overrides,
    },
    /// Operator commands.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Write the public record (what an anonymous caller can read) as one JSON document.
    Export {
        #[command(flatten)]
        settings: Overrides,
        /// Output file; `-` for standard output.
        #[arg(long, default_value = "-")]
        out: PathBuf,
    },
    /// Write schema/schema.graphql and schema/events/*.json from the code.
    ExportSchema {
        #[arg(long, default_value = "schema")]
        dir: PathBuf,
    },
    /// Benchmark a running server over HTTP (see docs/benchmarks.md).
    Bench(canyu::bench::BenchArgs),
    /// The transparency log's keys.
    Log {
        #[command(subcommand)]
        command: LogCommand,
    },
    /// Export a decision's record with its proofs, and verify such a bundle offline.
    Record {
        #[command(subcommand)]
        command: RecordCommand,
    },
    /// Follow a log as a witness: check each new checkpoint's consistency with the last one
    /// seen, cosign it (C2SP tlog-cosignature) and hand the cosignature back to the log.
    Witness(canyu::record::WitnessArgs),
}

#[derive(Subcommand)]
enum LogCommand {
    /// Print the log's verifier key (signed-note vkey), to publish and to pin.
    Key {
        #[command(flatten)]
        settings: Overrides,
    },
    /// Make a new key and print it (the private key on stdout, the verifier key on stderr):
    /// a log key for `log_key` (CANYU_LOG_KEY), or with --witness a witness's key.
    Keygen {
        /// The key's name: the log's origin, or the witness's name.
        #[arg(long)]
        name: String,
        #[arg(long)]
        witness: bool,
    },
}

#[derive(Subcommand)]
enum RecordCommand {
    /// Write a decision's record bundle: its public events, their leaves, inclusion proofs
    /// against one signed checkpoint, and that checkpoint.
    Export(Box<canyu::record::ExportArgs>),
    /// Check a bundle offline against the pinned verifier key; exit 0 when all holds, else
    /// name the first thing that fails.
    Verify(canyu::record::VerifyArgs),
    /// Check a receipt (from `submitComment` or `signUpForHearing`): exit 0 when the log's
    /// signed checkpoint provably contains it, 1 when the promise was broken or is pending.
    Receipt(canyu::record::ReceiptArgs),
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an account (works before the first `serve`).
    CreateUser {
        #[command(flatten)]
        settings: Overrides,
        #[arg(long)]
        username: String,
        #[arg(long)]
        password: String,
        #[arg(long)]
        display_name: Option<String>,
        #[arg(long, value_parser = ["admin", "resident"], default_value = "resident")]
        role: String,
    },
    /// Erase a person's personal data (PIPL): delete their key and record `account.erased.v1`.
    /// Stop `serve` first (one process owns the data directory) or use the `erasePerson` mutation.
    ErasePerson {
        #[command(flatten)]
        settings: Overrides,
        /// The account id (`me { id }`, or the roster).
        #[arg(long)]
        account: String,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("CANYU_LOG").unwrap_or_else(|_| "info,canyu=info".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> Result<(), Box<dyn std::error::Error>> {
    match command {
        Command::Serve(flags) => startup::serve(canyu::config::Settings::load(&flags)?).await?,
        #[cfg(feature = "redis")]
        Command::Project { settings, owner, metrics_listen } => startup::project(Settings::load(&settings)?, owner, metrics_listen).await?,
        Command::Rebuild { settings } => {
            let loaded = Settings::load(&settings)?;
            #[cfg(feature = "redis")]
            if loaded.read_models == canyu::config::ReadModelKind::Redis {
                return rebuild_store(&loaded).await;
            }
            rebuild(&Platform::connect(&loaded, Arc::new(canyu_app::SystemClock)).await?).await?
        }
        Command::Verify { settings } => {
            let mut p = open(&settings).await?;
            p.open_log(&Settings::load(&settings)?)?;
            let verified = p.verify_everything().await?;
            for check in &verified.engine {
                println!("ok: {check}");
            }
            println!("verified {} events: every stream's hash chain is intact and every event decodes", verified.events);
            let leaves = p.build_log().await?;
            let checkpoints = p.log.as_ref().map_or(Ok(0), |l| l.checkpoints().map(|c| c.len()))?;
            println!("ok: transparency log: {leaves} leaves; the events hash to each of the {checkpoints} signed checkpoints");
        }
        Command::Log { command: LogCommand::Key { settings } } => {
            let loaded = Settings::load(&settings)?;
            std::fs::create_dir_all(&loaded.data_dir)?;
            let key = startup::log_key(loaded.log_key.as_ref(), &loaded.log_origin, &loaded.data_dir)?;
            println!("{}", key.vkey());
        }
        Command::Log { command: LogCommand::Keygen { name, witness } } => {
            let key = if witness { canyu_translog::NoteKey::generate_witness(&name)? } else { canyu_translog::NoteKey::generate(&name)? };
            println!("{}", key.skey());
            eprintln!("{}", key.vkey());
        }
        Command::Record { command: RecordCommand::Export(args) } => canyu::record::export(*args).await?,
        Command::Record { command: RecordCommand::Verify(args) } => {
            if !canyu::record::verify(&args)? {
                return Err("the record did not verify".into());
            }
        }
        Command::Record { command: RecordCommand::Receipt(args) } => match canyu::record::check_receipt(&args).await? {
            canyu::record::ReceiptOutcome::Honoured { size } => {
                println!("ok: the receipt is honoured: its leaf is in the log's signed checkpoint of {size} leaves");
            }
            canyu::record::ReceiptOutcome::Pending { include_by } => {
                println!("PENDING: not in a checkpoint yet; the log promised it by {include_by}");
                return Err("the receipt is not honoured yet".into());
            }
            canyu::record::ReceiptOutcome::Broken(why) => {
                println!("FAILED: {why}. Keep the receipt: it is signed evidence of the promise.");
                return Err("the receipt was not honoured".into());
            }
        },
        Command::Witness(args) => canyu::record::witness(args).await?,
        Command::SeedDemo { settings } => canyu::seed::run(&Settings::load(&settings)?).await?,
        Command::Admin { command: AdminCommand::CreateUser { settings, username, password, display_name, role } } => {
            let p = open(&settings).await?;
            let role = if role == "admin" { canyu_domain::values::Role::Admin } else { canyu_domain::values::Role::Resident };
            let system = Meta::default();
            let display = display_name.unwrap_or_else(|| username.clone());
            let w = p.app.create_account(&system, &username, &password, &display, role).await?;
            println!("created {} account {username} (id {})", role.as_str(), w.id);
        }
        Command::Admin { command: AdminCommand::ErasePerson { settings, account } } => {
            let p = open(&settings).await?;
            let w = p.app.erase_person_as_operator(&account).await?;
            println!("erased the personal data of account {account} (event at position {})", w.position);
        }
        Command::Export { settings, out } => {
            let p = open(&settings).await?;
            p.catch_up(|_, _| {}).await?;
            let time_zone = Settings::load(&settings)?.time_zone()?;
            let now = p.app.now();
            let record = p.projections.read(|m| canyu::export::public_record(m, time_zone, now));
            let text = serde_json::to_string_pretty(&record)?;
            if out.as_os_str() == "-" {
                println!("{text}");
            } else {
                std::fs::write(&out, text)?;
                eprintln!("wrote {}", out.display());
            }
        }
        Command::ExportSchema { dir } => {
            canyu::contracts::export(&dir)?;
            println!("wrote {}/schema.graphql and {}/events/*.json", dir.display(), dir.display());
        }
        Command::Bench(args) => canyu::bench::run(args).await.map_err(|e| e as Box<dyn std::error::Error>)?,
    }
    Ok(())
}

/// Loads the layered settings and connects the configured backends.
async fn open(flags: &Overrides) -> Result<Platform, Box<dyn std::error::Error>> {
    Ok(Platform::connect(&Settings::load(flags)?, Arc::new(canyu_app::SystemClock)).await?)
}

async fn rebuild(p: &Platform) -> Result<(), Box<dyn std::error::Error>> {
    let head = canyu_eventstore::EventStore::head(p.store.as_ref()).await?;
    let bar = indicatif::ProgressBar::new(head);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} events {per_sec} eta {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let started = std::time::Instant::now();
    let n = p.catch_up(|pos, _| bar.set_position(pos)).await?;
    bar.finish();
    let secs = started.elapsed().as_secs_f64();
    let stats = p.projections.read(|m| (m.decisions.len(), m.comments.len(), m.hearings.len()));
    println!(
        "rebuilt read models from {n} events in {secs:.2}s ({:.0} events/s): {} decisions, {} comments, {} hearings; peak memory {}",
        n as f64 / secs.max(1e-9),
        stats.0,
        stats.1,
        stats.2,
        canyu::bench::peak_memory().unwrap_or_else(|| "unknown".into())
    );
    Ok(())
}

/// `canyu rebuild --read-models redis`: clear the stored read models and fold from 0.
#[cfg(feature = "redis")]
async fn rebuild_store(settings: &Settings) -> Result<(), Box<dyn std::error::Error>> {
    let store = startup::read_model_store(settings)?;
    let p = Platform::connect(settings, Arc::new(canyu_app::SystemClock)).await?;
    let head = canyu_eventstore::EventStore::head(p.store.as_ref()).await?;
    let bar = indicatif::ProgressBar::new(head);
    let started = std::time::Instant::now();
    let owner = format!("rebuild-{}", std::process::id());
    let mut projector = canyu_projections::DocumentProjector::new(store, &owner, std::time::Duration::from_secs(30));
    let result = projector.rebuild(p.store.as_ref(), |pos, _| bar.set_position(pos)).await;
    projector.release().await;
    bar.finish();
    let n = result.map_err(|e| match e {
        canyu_projections::documents::ProjectorError::Fenced => "a projector holds the lease: stop `canyu project` first".to_string(),
        other => other.to_string(),
    })?;
    let secs = started.elapsed().as_secs_f64();
    println!("rebuilt the read models in Redis up to position {n} in {secs:.2}s ({:.0} events/s)", n as f64 / secs.max(1e-9));
    Ok(())
}
