//! `canyu record export`, `canyu record verify` and `canyu witness`: the reader's side of the
//! transparency log (docs/adr/0016).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use canyu_translog::bundle::check_consistency;
use canyu_translog::note::open_checkpoint;
use canyu_translog::{NoteKey, verify_bundle};

use crate::config::{Overrides, Settings};
use crate::startup::Platform;

type BoxError = Box<dyn std::error::Error>;

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub settings: Overrides,
    /// The decision's id.
    #[arg(long)]
    pub decision: String,
    /// Output file; `-` for standard output.
    #[arg(long, default_value = "-")]
    pub out: PathBuf,
    /// Ask a running server (e.g. http://127.0.0.1:8080) instead of opening the data dir.
    #[arg(long)]
    pub url: Option<String>,
    /// An earlier checkpoint (a file) to include a consistency proof from; repeatable.
    #[arg(long)]
    pub since: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The bundle (from `canyu record export` or the decision page).
    pub file: PathBuf,
    /// The log's verifier key, as published (or a file holding it). Never taken from the bundle.
    #[arg(long)]
    pub vkey: String,
    /// An earlier checkpoint (a file) you already trust: the bundle's must extend it.
    #[arg(long)]
    pub since: Option<PathBuf>,
    /// A witness's verifier key (or a file holding it) whose cosignature is required; repeatable.
    #[arg(long)]
    pub witness: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct ReceiptArgs {
    /// The receipt's signed note (a file), as a mutation returned it (`receipt { note }`).
    pub file: PathBuf,
    /// The log's verifier key, as published (or a file holding it).
    #[arg(long)]
    pub vkey: String,
    /// The log's base URL (e.g. http://127.0.0.1:8080).
    #[arg(long)]
    pub url: String,
}

#[derive(Debug, clap::Args)]
pub struct WitnessArgs {
    /// The log's base URL (e.g. http://127.0.0.1:8080).
    #[arg(long)]
    pub log: String,
    /// The log's verifier key (or a file holding it).
    #[arg(long)]
    pub vkey: String,
    /// A file holding this witness's private key (`canyu log keygen --witness --name …`).
    #[arg(long)]
    pub key: PathBuf,
    /// Where the witness keeps the last checkpoint it cosigned (default: next to the key).
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// Seconds between polls.
    #[arg(long, default_value_t = 5)]
    pub interval: u64,
    /// Cosign once and exit (exit status 1 when the log is inconsistent).
    #[arg(long)]
    pub once: bool,
}

/// A key given inline or as a file.
fn key_arg(value: &str) -> Result<String, BoxError> {
    let path = Path::new(value);
    if !value.contains('+') && path.is_file() {
        return Ok(std::fs::read_to_string(path)?.trim().to_owned());
    }
    Ok(value.trim().to_owned())
}

/// A signed note kept in a file: extra blank lines at its end (an editor's, or `jq -r`'s) are
/// not part of the note.
fn read_note(path: &Path) -> Result<String, BoxError> {
    let text = std::fs::read_to_string(path)?;
    Ok(format!("{}\n", text.trim_end_matches(['\n', '\r'])))
}

/// The tree size a checkpoint file names (its second line), without trusting it further.
fn checkpoint_size(note: &str) -> Result<u64, BoxError> {
    note.lines().nth(1).and_then(|l| l.parse().ok()).ok_or_else(|| "not a checkpoint: the second line is not a tree size".into())
}

pub async fn export(args: ExportArgs) -> Result<(), BoxError> {
    let mut since = Vec::new();
    for f in &args.since {
        since.push(checkpoint_size(&std::fs::read_to_string(f)?)?);
    }
    let text = match &args.url {
        Some(url) => {
            let sizes = since.iter().map(u64::to_string).collect::<Vec<_>>().join(",");
            let url = format!("{}/record/{}?since={sizes}", url.trim_end_matches('/'), args.decision);
            let response = reqwest::get(&url).await?;
            let status = response.status();
            let body = response.text().await?;
            if !status.is_success() {
                return Err(format!("{url}: {status}: {}", body.trim()).into());
            }
            body
        }
        None => {
            let settings = Settings::load(&args.settings)?;
            let mut p = Platform::connect(&settings, Arc::new(canyu_app::SystemClock)).await?;
            p.open_log(&settings)?;
            p.catch_up(|_, _| {}).await?;
            p.build_log().await?;
            if let Some(log) = &p.log {
                log.sign_checkpoint()?;
            }
            let bundle = canyu_gateway::server::log::record_bundle(&p.services(), &args.decision, &since)
                .await?
                .ok_or_else(|| format!("no public decision {}", args.decision))?;
            serde_json::to_string_pretty(&bundle)?
        }
    };
    if args.out.as_os_str() == "-" {
        println!("{text}");
    } else {
        std::fs::write(&args.out, text)?;
        eprintln!("wrote {}", args.out.display());
    }
    Ok(())
}

/// Verifies a bundle and prints what held, or the first thing that did not. Returns whether
/// everything held.
pub fn verify(args: &VerifyArgs) -> Result<bool, BoxError> {
    let text = std::fs::read_to_string(&args.file)?;
    let vkey = key_arg(&args.vkey)?;
    let witnesses = args.witness.iter().map(|w| key_arg(w)).collect::<Result<Vec<_>, _>>()?;
    let since = args.since.as_ref().map(|f| read_note(f)).transpose()?;
    match verify_bundle(&text, &vkey, &witnesses, since.as_deref()) {
        Ok(v) => {
            use base64::Engine as _;
            let root = base64::engine::general_purpose::STANDARD.encode(v.checkpoint.root);
            println!(
                "ok: checkpoint of {} at tree size {} (root {root}) is signed by the pinned key",
                v.checkpoint.origin, v.checkpoint.size
            );
            for w in &v.checkpoint.witnesses {
                println!("ok: cosigned by the witness {w}");
            }
            println!(
                "ok: {} events are in the log at that checkpoint ({} with their public data matched to their leaves, {} withheld and shown by their leaf)",
                v.events,
                v.with_data,
                v.events - v.with_data
            );
            if let Some(old) = v.consistent_with {
                println!(
                    "ok: the log at tree size {} extends the earlier checkpoint of size {old}: nothing before it was changed",
                    v.checkpoint.size
                );
            }
            Ok(true)
        }
        Err(failure) => {
            println!("FAILED: {failure}");
            Ok(false)
        }
    }
}

/// What became of a receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptOutcome {
    /// The leaf is in the log's signed checkpoint, proved.
    Honoured { size: u64 },
    /// Not in a checkpoint yet, and the promised time has not passed.
    Pending { include_by: String },
    /// The promise was broken: the receipt is the evidence.
    Broken(String),
}

/// Checks a receipt against the log: its signature with the pinned key, then the inclusion of
/// the receipted leaf hash (not what the server says the leaf is) in the signed checkpoint.
pub async fn check_receipt(args: &ReceiptArgs) -> Result<ReceiptOutcome, BoxError> {
    let vkey = key_arg(&args.vkey)?;
    let receipt = canyu_translog::note::open_receipt(&read_note(&args.file)?, &vkey)?;
    let base = args.url.trim_end_matches('/');
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build()?;
    let note = client.get(format!("{base}/log/checkpoint")).send().await?.error_for_status()?.text().await?;
    let cp = open_checkpoint(&note, &vkey, &[])?;
    let deadline = chrono::DateTime::parse_from_rfc3339(&receipt.include_by)?;
    if cp.size <= receipt.leaf_index {
        if chrono::Utc::now() > deadline {
            return Ok(ReceiptOutcome::Broken(format!(
                "leaf {} was promised in a checkpoint by {}, but the log's checkpoint has {} leaves",
                receipt.leaf_index, receipt.include_by, cp.size
            )));
        }
        return Ok(ReceiptOutcome::Pending { include_by: receipt.include_by });
    }
    let query = serde_json::json!({
        "query": "query($i: String!, $n: String!) { inclusionProof(leafIndex: $i, treeSize: $n) { hashes } }",
        "variables": { "i": receipt.leaf_index.to_string(), "n": cp.size.to_string() },
    });
    let answer: serde_json::Value =
        client.post(format!("{base}/graphql")).header("accept", "application/json").json(&query).send().await?.json().await?;
    let proof = proof_hashes(&answer, "inclusionProof")?;
    if canyu_translog::bundle::check_inclusion(&proof, cp.size, &cp.root, receipt.leaf_index, &receipt.leaf_hash) {
        Ok(ReceiptOutcome::Honoured { size: cp.size })
    } else {
        Ok(ReceiptOutcome::Broken(format!(
            "the log's signed checkpoint of {} leaves does not contain the receipted leaf {} with the receipted hash",
            cp.size, receipt.leaf_index
        )))
    }
}

/// Follows a log as a witness.
pub async fn witness(args: WitnessArgs) -> Result<(), BoxError> {
    let vkey = key_arg(&args.vkey)?;
    let key = NoteKey::from_skey(&std::fs::read_to_string(&args.key)?)?;
    let state = args.state.clone().unwrap_or_else(|| args.key.with_extension("last-checkpoint"));
    let base = args.log.trim_end_matches('/').to_owned();
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build()?;
    loop {
        match witness_once(&client, &base, &vkey, &key, &state).await {
            Ok(Some(size)) => println!("cosigned the checkpoint of tree size {size}"),
            Ok(None) => {}
            Err(e) if args.once => return Err(e),
            Err(e) => eprintln!("witness: {e}"),
        }
        if args.once {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_secs(args.interval.max(1))).await;
    }
}

/// One round: fetch, check, cosign, hand back. `None` when there was nothing new.
async fn witness_once(client: &reqwest::Client, base: &str, vkey: &str, key: &NoteKey, state: &Path) -> Result<Option<u64>, BoxError> {
    let note = client.get(format!("{base}/log/checkpoint")).send().await?.error_for_status()?.text().await?;
    let new = open_checkpoint(&note, vkey, &[])?;
    let old = match std::fs::read_to_string(state) {
        Ok(text) => Some(open_checkpoint(&text, vkey, &[])?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e.into()),
    };
    if let Some(old) = &old {
        if new.size < old.size {
            return Err(format!("the log shrank from {} to {} leaves: refusing to cosign", old.size, new.size).into());
        }
        if new.size == old.size {
            if new.root != old.root {
                return Err(format!("two different trees of size {}: refusing to cosign (a split view)", new.size).into());
            }
            return Ok(None);
        }
        let proof = consistency(client, base, old.size, new.size).await?;
        if !check_consistency(&proof, old.size, &old.root, new.size, &new.root) {
            return Err(format!(
                "the checkpoint of size {} is not consistent with the one of size {} cosigned before: refusing to cosign",
                new.size, old.size
            )
            .into());
        }
    }
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
    let cosigned = key.cosign(&note, now)?;
    let response = client.post(format!("{base}/log/cosignature")).body(cosigned.clone()).send().await?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("the log refused the cosignature: {status}: {}", response.text().await?.trim()).into());
    }
    let tmp = state.with_extension("tmp");
    std::fs::write(&tmp, &cosigned)?;
    std::fs::rename(&tmp, state)?;
    Ok(Some(new.size))
}

async fn consistency(client: &reqwest::Client, base: &str, from: u64, to: u64) -> Result<Vec<[u8; 32]>, BoxError> {
    let query = serde_json::json!({
        "query": "query($from: String!, $to: String!) { consistencyProof(from: $from, to: $to) { hashes } }",
        "variables": { "from": from.to_string(), "to": to.to_string() },
    });
    let answer: serde_json::Value =
        client.post(format!("{base}/graphql")).header("accept", "application/json").json(&query).send().await?.json().await?;
    proof_hashes(&answer, "consistencyProof")
}

/// The base64 `hashes` of a proof field in a GraphQL answer.
fn proof_hashes(answer: &serde_json::Value, field: &str) -> Result<Vec<[u8; 32]>, BoxError> {
    use base64::Engine as _;
    let hashes = answer["data"][field]["hashes"].as_array().ok_or_else(|| format!("no {field}: {answer}"))?;
    hashes
        .iter()
        .map(|h| {
            let bytes = base64::engine::general_purpose::STANDARD.decode(h.as_str().unwrap_or_default())?;
            <[u8; 32]>::try_from(bytes).map_err(|_| BoxError::from("a proof hash is not 32 bytes"))
        })
        .collect()
}
