//! A record bundle: a decision's public events, their leaves, inclusion proofs against one
//! signed checkpoint, and that checkpoint — everything a reader needs to check the record
//! offline. [`verify_bundle`] is the offline verifier; it trusts nothing in the bundle that the
//! pinned key has not signed or that it cannot recompute.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};
use tlog_tiles::Hash;

use crate::leaf::{Leaf, leaf_hash, leaf_stream, sha256};
use crate::note::{OpenedCheckpoint, open_checkpoint};

/// Format name of bundles this version writes and reads.
pub const BUNDLE_FORMAT: &str = "canyu-record-bundle/v1";

/// The event as the bundle shows it. `data` is the public text whose hash the leaf holds, or
/// absent where the record withholds it (a hidden comment's body): then only the leaf is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleEvent {
    pub position: u64,
    pub id: String,
    pub stream: String,
    pub version: u64,
    #[serde(rename = "type")]
    pub event_type: String,
    /// RFC 3339 with microseconds, UTC.
    pub time: String,
    pub data: Option<String>,
}

/// One event with its leaf and its inclusion proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleEntry {
    pub leaf_index: u64,
    /// The leaf's bytes, base64.
    pub leaf: String,
    /// Audit path against the bundle's checkpoint, base64 hashes.
    pub inclusion_proof: Vec<String>,
    pub event: BundleEvent,
}

/// A consistency proof from an earlier tree size to the checkpoint's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleConsistency {
    pub from: u64,
    pub proof: Vec<String>,
}

/// The bundle file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bundle {
    pub format: String,
    pub decision_id: String,
    /// The signed checkpoint (with any cosignatures), as the log served it.
    pub checkpoint: String,
    pub entries: Vec<BundleEntry>,
    #[serde(default)]
    pub consistency: Vec<BundleConsistency>,
}

/// What a successful verification established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub checkpoint: OpenedCheckpoint,
    pub events: usize,
    /// Events shown with their public data, each matched to its leaf.
    pub with_data: usize,
    /// The size of the earlier checkpoint this one was proved consistent with.
    pub consistent_with: Option<u64>,
}

/// The first thing that did not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct VerifyFailure(pub String);

fn fail<T>(message: impl Into<String>) -> Result<T, VerifyFailure> {
    Err(VerifyFailure(message.into()))
}

fn hashes(items: &[String], what: &str) -> Result<Vec<Hash>, VerifyFailure> {
    items
        .iter()
        .map(|s| {
            B64.decode(s)
                .ok()
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .map(Hash)
                .ok_or_else(|| VerifyFailure(format!("{what}: not a base64 SHA-256 hash")))
        })
        .collect()
}

/// Checks an inclusion proof (RFC 9162 §2.1.3.2) of leaf hash `leaf` at `index` in the tree
/// of `size` leaves with root `root`.
pub fn check_inclusion(proof: &[[u8; 32]], size: u64, root: &[u8; 32], index: u64, leaf: &[u8; 32]) -> bool {
    if index >= size {
        return false;
    }
    let proof: Vec<Hash> = proof.iter().copied().map(Hash).collect();
    tlog_tiles::check_record(&proof, size, Hash(*root), index, Hash(*leaf)).is_ok()
}

/// Checks a consistency proof (RFC 9162 §2.1.4.2) from `(from, from_root)` to `(to, to_root)`.
/// From the empty tree only an empty proof is consistent; equal sizes need equal roots and an
/// empty proof.
pub fn check_consistency(proof: &[[u8; 32]], from: u64, from_root: &[u8; 32], to: u64, to_root: &[u8; 32]) -> bool {
    if from > to {
        return false;
    }
    if from == 0 {
        return proof.is_empty() && *from_root == tlog_tiles::EMPTY_HASH.0;
    }
    if from == to {
        return proof.is_empty() && from_root == to_root;
    }
    let proof: Vec<Hash> = proof.iter().copied().map(Hash).collect();
    tlog_tiles::check_tree(&proof, to, Hash(*to_root), from, Hash(*from_root)).is_ok()
}

/// Verifies a bundle offline against the pinned log key (whose name is the origin), requiring
/// each witness key's cosignature, and, with `since`, that the bundle's checkpoint is
/// consistent with an earlier checkpoint the reader already trusts.
pub fn verify_bundle(text: &str, log_vkey: &str, witness_vkeys: &[String], since: Option<&str>) -> Result<Verified, VerifyFailure> {
    let bundle: Bundle = serde_json::from_str(text).map_err(|e| VerifyFailure(format!("the bundle is not valid JSON: {e}")))?;
    if bundle.format != BUNDLE_FORMAT {
        return fail(format!("unknown bundle format {:?} (this verifier reads {BUNDLE_FORMAT})", bundle.format));
    }
    let cp = open_checkpoint(&bundle.checkpoint, log_vkey, witness_vkeys).map_err(|e| VerifyFailure(e.to_string()))?;
    let mut with_data = 0;
    let mut last_index = None;
    for (i, entry) in bundle.entries.iter().enumerate() {
        let at = format!("event {} (leaf {})", i + 1, entry.leaf_index);
        if last_index.is_some_and(|l| entry.leaf_index <= l) {
            return fail(format!("{at}: leaves are not in increasing order"));
        }
        last_index = Some(entry.leaf_index);
        let bytes = B64.decode(&entry.leaf).map_err(|_| VerifyFailure(format!("{at}: the leaf is not base64")))?;
        let leaf = Leaf::decode(&bytes).map_err(|e| VerifyFailure(format!("{at}: {e}")))?;
        let e = &entry.event;
        let time = chrono::DateTime::parse_from_rfc3339(&e.time).map(|t| t.timestamp_micros()).ok();
        let same = leaf.position == e.position
            && leaf.event_id.to_string() == e.id
            && leaf.stream == leaf_stream(&e.stream)
            && leaf.version == e.version
            && leaf.event_type == e.event_type
            && Some(leaf.time_micros) == time;
        if !same {
            return fail(format!("{at}: the event's identity (position, id, stream, version, type, time) differs from its leaf"));
        }
        if let Some(data) = &e.data {
            if sha256(data.as_bytes()) != leaf.public_sha256 {
                return fail(format!("{at}: the event's data does not match the leaf's public hash"));
            }
            with_data += 1;
        }
        let proof: Vec<[u8; 32]> = hashes(&entry.inclusion_proof, &at)?.into_iter().map(|h| h.0).collect();
        if !check_inclusion(&proof, cp.size, &cp.root, entry.leaf_index, &leaf_hash(&bytes)) {
            return fail(format!("{at}: the inclusion proof does not lead to the checkpoint's root (tree size {})", cp.size));
        }
    }
    let consistent_with = match since {
        None => None,
        Some(earlier) => {
            let old = open_checkpoint(earlier, log_vkey, &[]).map_err(|e| VerifyFailure(format!("the earlier checkpoint: {e}")))?;
            if old.size > cp.size {
                return fail(format!("the earlier checkpoint ({}) is larger than the bundle's ({})", old.size, cp.size));
            }
            let proof = if old.size == cp.size || old.size == 0 {
                Vec::new()
            } else {
                let Some(c) = bundle.consistency.iter().find(|c| c.from == old.size) else {
                    return fail(format!("the bundle has no consistency proof from tree size {}", old.size));
                };
                hashes(&c.proof, "consistency proof")?.into_iter().map(|h| h.0).collect()
            };
            let old_root = if old.size == 0 { tlog_tiles::EMPTY_HASH.0 } else { old.root };
            if !check_consistency(&proof, old.size, &old_root, cp.size, &cp.root) {
                return fail(format!(
                    "the log is not consistent with the earlier checkpoint: tree size {} does not extend tree size {} (the record was rewritten, or the proof is wrong)",
                    cp.size, old.size
                ));
            }
            Some(old.size)
        }
    };
    Ok(Verified { checkpoint: cp, events: bundle.entries.len(), with_data, consistent_with })
}
