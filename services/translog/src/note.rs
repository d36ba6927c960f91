//! Signed notes (C2SP signed-note): the log's checkpoints (C2SP tlog-checkpoint), its receipts,
//! and witnesses' cosignatures (C2SP tlog-cosignature v1).
//!
//! The verifier never takes the log's identity from what it verifies: the caller pins the
//! verifier key (whose name is the origin) and the note must carry a valid signature by it.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signer as _, SigningKey, Verifier as _, VerifyingKey};
use signed_note::{Note, Signature, Signer, StandardVerifier, Verifier, VerifierList};

use crate::LogError;

const ALG_ED25519: u8 = 0x01;
const ALG_COSIGNATURE_V1: u8 = 0x04;
/// Second line of a receipt: never a decimal, so no receipt reads as a checkpoint.
pub const RECEIPT_TYPE: &str = "canyu-receipt/v1";

/// A key that signs notes: the log's key (Ed25519) or a witness's (cosignature/v1).
#[derive(Clone)]
pub struct NoteKey {
    name: String,
    alg: u8,
    key: SigningKey,
}

impl std::fmt::Debug for NoteKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NoteKey").field("name", &self.name).field("vkey", &self.vkey()).finish_non_exhaustive()
    }
}

/// Whether a name may name a key (C2SP signed-note: non-empty, no spaces or plus signs).
pub fn valid_key_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(|c| c.is_whitespace() || c == '+')
}

fn key_id(name: &str, alg: u8, public: &[u8; 32]) -> u32 {
    let mut key = vec![alg];
    key.extend_from_slice(public);
    signed_note::key_id(name, &key)
}

impl NoteKey {
    /// A new random log key named `name` (the log's origin).
    pub fn generate(name: &str) -> Result<NoteKey, LogError> {
        Self::generate_with(name, ALG_ED25519)
    }

    /// A new random witness key named `name`.
    pub fn generate_witness(name: &str) -> Result<NoteKey, LogError> {
        Self::generate_with(name, ALG_COSIGNATURE_V1)
    }

    fn generate_with(name: &str, alg: u8) -> Result<NoteKey, LogError> {
        if !valid_key_name(name) {
            return Err(LogError::Key(format!("{name:?} cannot name a key (no spaces or +)")));
        }
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| LogError::Key(format!("no randomness: {e}")))?;
        Ok(NoteKey { name: name.to_owned(), alg, key: SigningKey::from_bytes(&seed) })
    }

    /// Reads a private key `PRIVATE+KEY+<name>+<id>+<base64(type ‖ seed)>`.
    pub fn from_skey(skey: &str) -> Result<NoteKey, LogError> {
        let bad = || LogError::Key("a private key reads PRIVATE+KEY+<name>+<id>+<key>".into());
        let rest = skey.trim().strip_prefix("PRIVATE+KEY+").ok_or_else(bad)?;
        // The name has no '+'; the base64 key may.
        let mut parts = rest.splitn(3, '+');
        let (Some(name), Some(id16), Some(key64)) = (parts.next(), parts.next(), parts.next()) else { return Err(bad()) };
        let raw = B64.decode(key64).map_err(|_| bad())?;
        let (Some(&alg), Ok(seed)) = (raw.first(), <[u8; 32]>::try_from(raw.get(1..).unwrap_or_default())) else {
            return Err(bad());
        };
        if !(alg == ALG_ED25519 || alg == ALG_COSIGNATURE_V1) || !valid_key_name(name) {
            return Err(bad());
        }
        let key = NoteKey { name: name.to_owned(), alg, key: SigningKey::from_bytes(&seed) };
        if u32::from_str_radix(id16, 16).ok() != Some(key.id()) || id16.len() != 8 {
            return Err(LogError::Key("the private key's id does not match its key".into()));
        }
        Ok(key)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    fn id(&self) -> u32 {
        key_id(&self.name, self.alg, &self.key.verifying_key().to_bytes())
    }

    /// The private key, for the data dir or `CANYU_LOG_KEY`.
    pub fn skey(&self) -> String {
        let mut raw = vec![self.alg];
        raw.extend_from_slice(&self.key.to_bytes());
        format!("PRIVATE+KEY+{}+{:08x}+{}", self.name, self.id(), B64.encode(raw))
    }

    /// The verifier key `<name>+<id>+<base64(type ‖ public key)>`, to publish.
    pub fn vkey(&self) -> String {
        let mut raw = vec![self.alg];
        raw.extend_from_slice(&self.key.verifying_key().to_bytes());
        format!("{}+{:08x}+{}", self.name, self.id(), B64.encode(raw))
    }

    /// Signs `text` (which must end in a newline) as a signed note.
    pub fn sign(&self, text: &str) -> Result<String, LogError> {
        if self.alg != ALG_ED25519 {
            return Err(LogError::Key("a witness key only cosigns".into()));
        }
        // Signed directly with the key (its public half is kept with it): no key parsing or
        // derivation per note, which receipts would otherwise pay on every comment.
        let note = Note::new(text.as_bytes(), &[]).map_err(|e| LogError::Note(e.to_string()))?;
        let sig = self.key.sign(note.text());
        let line = Signature::new(self.name.clone(), self.id(), sig.to_bytes().to_vec()).map_err(|e| LogError::Note(e.to_string()))?;
        let mut out = text.to_owned();
        out.push('\n');
        out.push_str(std::str::from_utf8(&line.to_bytes()).map_err(|e| LogError::Note(e.to_string()))?);
        Ok(out)
    }

    /// Adds this witness's cosignature (time `now`, seconds since the epoch) to a checkpoint
    /// note, keeping its other signatures.
    pub fn cosign(&self, signed_checkpoint: &str, now: u64) -> Result<String, LogError> {
        if self.alg != ALG_COSIGNATURE_V1 {
            return Err(LogError::Key("only a witness key cosigns".into()));
        }
        let signer = Cosigner { name: self.name.clone(), id: self.id(), key: self.key.clone(), time: now };
        let mut note = Note::from_bytes(signed_checkpoint.as_bytes()).map_err(|e| LogError::Note(e.to_string()))?;
        note.add_sigs(&[&signer as &dyn Signer]).map_err(|e| LogError::Note(e.to_string()))?;
        String::from_utf8(note.to_bytes()).map_err(|e| LogError::Note(e.to_string()))
    }
}

/// A checkpoint whose signature by the pinned key was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedCheckpoint {
    pub origin: String,
    pub size: u64,
    pub root: [u8; 32],
    /// The note as received (text and every signature line).
    pub note: String,
    /// Names of the witnesses whose cosignature was checked (only those asked for).
    pub witnesses: Vec<String>,
}

/// The body of a checkpoint (C2SP tlog-checkpoint), without extension lines.
pub fn checkpoint_text(origin: &str, size: u64, root: &[u8; 32]) -> String {
    format!("{origin}\n{size}\n{}\n", B64.encode(root))
}

fn verifier_of(vkey: &str) -> Result<Box<dyn Verifier>, LogError> {
    let (name, rest) = vkey.trim().split_once('+').ok_or_else(|| LogError::Key("a verifier key reads <name>+<id>+<key>".into()))?;
    let (id16, key64) = rest.split_once('+').ok_or_else(|| LogError::Key("a verifier key reads <name>+<id>+<key>".into()))?;
    let raw = B64.decode(key64).map_err(|_| LogError::Key("the verifier key is not base64".into()))?;
    match raw.first() {
        Some(&ALG_ED25519) => Ok(Box::new(StandardVerifier::new(vkey.trim()).map_err(|e| LogError::Key(format!("verifier key: {e}")))?)),
        Some(&ALG_COSIGNATURE_V1) => {
            let public: [u8; 32] = raw[1..].try_into().map_err(|_| LogError::Key("verifier key: wrong length".into()))?;
            let id = u32::from_str_radix(id16, 16).map_err(|_| LogError::Key("verifier key: bad id".into()))?;
            if id != key_id(name, ALG_COSIGNATURE_V1, &public) || !valid_key_name(name) {
                return Err(LogError::Key("verifier key: the id does not match the key".into()));
            }
            let key = VerifyingKey::from_bytes(&public).map_err(|_| LogError::Key("verifier key: not an Ed25519 key".into()))?;
            Ok(Box::new(CosignatureVerifier { name: name.to_owned(), id, key }))
        }
        _ => Err(LogError::Key("verifier key: unknown algorithm".into())),
    }
}

/// Name of the key a verifier key string names.
pub fn vkey_name(vkey: &str) -> Option<&str> {
    vkey.trim().split_once('+').map(|(n, _)| n)
}

/// Opens a signed checkpoint: the signature of `log_vkey` must verify, the origin line must
/// equal the key's name, and each of `witness_vkeys` must have cosigned it.
pub fn open_checkpoint(note_text: &str, log_vkey: &str, witness_vkeys: &[String]) -> Result<OpenedCheckpoint, LogError> {
    let origin = vkey_name(log_vkey).ok_or_else(|| LogError::Key("the verifier key has no name".into()))?.to_owned();
    let note = Note::from_bytes(note_text.as_bytes()).map_err(|e| LogError::Note(format!("checkpoint: {e}")))?;
    let mut verifiers = vec![verifier_of(log_vkey)?];
    for w in witness_vkeys {
        verifiers.push(verifier_of(w)?);
    }
    let (verified, _) = note.verify(&VerifierList::new(verifiers)).map_err(|e| LogError::Note(format!("checkpoint signature: {e}")))?;
    if !verified.iter().any(|s| s.name() == origin) {
        return Err(LogError::Note(format!("the checkpoint is not signed by {origin}")));
    }
    let mut witnesses = Vec::new();
    for w in witness_vkeys {
        let name = vkey_name(w).unwrap_or_default();
        if !verified.iter().any(|s| s.name() == name) {
            return Err(LogError::Note(format!("the checkpoint is not cosigned by the witness {name}")));
        }
        witnesses.push(name.to_owned());
    }
    let cp = tlog_tiles::Checkpoint::from_bytes(note.text()).map_err(|_| LogError::Note("malformed checkpoint".into()))?;
    if cp.origin() != origin {
        return Err(LogError::Note(format!("the checkpoint's origin is {:?}, not the pinned {origin:?}", cp.origin())));
    }
    Ok(OpenedCheckpoint { origin, size: cp.size(), root: cp.hash().0, note: note_text.to_owned(), witnesses })
}

/// A receipt: the log's signed promise that a leaf will be in a checkpoint by a deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub origin: String,
    pub leaf_index: u64,
    pub leaf_hash: [u8; 32],
    /// When the log accepted the event (RFC 3339, UTC).
    pub accepted_at: String,
    /// By when a checkpoint will include it (RFC 3339, UTC).
    pub include_by: String,
}

impl Receipt {
    /// The receipt's note text.
    pub fn text(&self) -> String {
        format!(
            "{}\n{RECEIPT_TYPE}\n{}\n{}\n{}\n{}\n",
            self.origin,
            self.leaf_index,
            B64.encode(self.leaf_hash),
            self.accepted_at,
            self.include_by
        )
    }
}

/// Opens a signed receipt with the pinned log key.
pub fn open_receipt(note_text: &str, log_vkey: &str) -> Result<Receipt, LogError> {
    let origin = vkey_name(log_vkey).ok_or_else(|| LogError::Key("the verifier key has no name".into()))?.to_owned();
    let note = Note::from_bytes(note_text.as_bytes()).map_err(|e| LogError::Note(format!("receipt: {e}")))?;
    note.verify(&VerifierList::new(vec![verifier_of(log_vkey)?])).map_err(|e| LogError::Note(format!("receipt signature: {e}")))?;
    let text = std::str::from_utf8(note.text()).map_err(|_| LogError::Note("receipt: not UTF-8".into()))?;
    let lines: Vec<&str> = text.strip_suffix('\n').unwrap_or(text).split('\n').collect();
    let bad = || LogError::Note("malformed receipt".into());
    let [o, kind, index, hash, accepted, by] = lines[..] else { return Err(bad()) };
    if o != origin || kind != RECEIPT_TYPE {
        return Err(bad());
    }
    let leaf_hash: [u8; 32] = B64.decode(hash).ok().and_then(|h| h.try_into().ok()).ok_or_else(bad)?;
    Ok(Receipt {
        origin,
        leaf_index: index.parse().map_err(|_| bad())?,
        leaf_hash,
        accepted_at: accepted.to_owned(),
        include_by: by.to_owned(),
    })
}

/// The message a cosignature/v1 signs: a header with the time, then the checkpoint body.
fn cosigned_message(time: u64, checkpoint_body: &[u8]) -> Vec<u8> {
    let mut msg = format!("cosignature/v1\ntime {time}\n").into_bytes();
    msg.extend_from_slice(checkpoint_body);
    msg
}

struct Cosigner {
    name: String,
    id: u32,
    key: SigningKey,
    time: u64,
}

impl Signer for Cosigner {
    fn name(&self) -> &str {
        &self.name
    }
    fn key_id(&self) -> u32 {
        self.id
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, signature::Error> {
        let sig = self.key.sign(&cosigned_message(self.time, msg));
        let mut out = self.time.to_be_bytes().to_vec();
        out.extend_from_slice(&sig.to_bytes());
        Ok(out)
    }
}

struct CosignatureVerifier {
    name: String,
    id: u32,
    key: VerifyingKey,
}

impl Verifier for CosignatureVerifier {
    fn name(&self) -> &str {
        &self.name
    }
    fn key_id(&self) -> u32 {
        self.id
    }
    fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        let (Some(time), Some(sig)) = (sig.get(..8), sig.get(8..)) else { return false };
        let Ok(sig) = ed25519_dalek::Signature::from_slice(sig) else { return false };
        let time = u64::from_be_bytes(time.try_into().expect("eight bytes"));
        self.key.verify(&cosigned_message(time, msg), &sig).is_ok()
    }
}
