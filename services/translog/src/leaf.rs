//! The leaf: a small, fixed, versioned commitment to one event (docs/adr/0016).
//!
//! A leaf names the event (id, position, stream, version, type, time) and holds three hashes:
//! of its public data (the payload with sealed values and the keys that point at a person
//! withheld), of its sealed personal data exactly as stored (ciphertext, never plaintext), and
//! its hash-chain link. Erasing a person deletes a key; no leaf changes, so no proof breaks.

use canyu_eventstore::RecordedEvent;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// First byte of every leaf: the format. A new format is a new number, never a new meaning.
pub const LEAF_FORMAT_V1: u8 = 1;

/// Stream prefix of account streams: their leaves carry `account` alone, since an account id
/// made before issue 10 is derived from the username.
const ACCOUNT_STREAM: &str = "account";

/// Keys whose values point at a person; the public text shows them as withheld.
const PERSONAL_KEYS: &[&str] = &["account_id", "display_name"];

/// Longest stream or type a leaf holds (bytes).
const MAX_NAME: usize = 1024;

/// One leaf of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaf {
    pub position: u64,
    pub event_id: Uuid,
    /// The stream as the leaf shows it (`account` for account streams).
    pub stream: String,
    pub version: u64,
    pub event_type: String,
    /// Server time of the event, microseconds since the Unix epoch.
    pub time_micros: i64,
    pub public_sha256: [u8; 32],
    /// Zeroes when the event seals nothing.
    pub sealed_sha256: [u8; 32],
    pub chain_hash: [u8; 32],
}

/// A leaf that does not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("leaf does not decode: {0}")]
pub struct BadLeaf(pub &'static str);

impl Leaf {
    /// The leaf of a stored event.
    pub fn of(event: &RecordedEvent) -> Leaf {
        let (public, sealed) = public_text(&event.data);
        Leaf {
            position: event.position,
            event_id: event.id,
            stream: leaf_stream(&event.stream_id).to_owned(),
            version: event.version,
            event_type: event.event_type.clone(),
            time_micros: event.metadata.server_time.timestamp_micros(),
            public_sha256: sha256(public.as_bytes()),
            sealed_sha256: sealed,
            chain_hash: event.hash,
        }
    }

    /// The leaf's bytes: format, position, id, version, time, stream, type, three hashes.
    /// Integers are big-endian; stream and type carry a 16-bit length.
    pub fn encode(&self) -> Vec<u8> {
        let stream = truncated(&self.stream);
        let kind = truncated(&self.event_type);
        let mut out = Vec::with_capacity(1 + 8 + 16 + 8 + 8 + 4 + stream.len() + kind.len() + 96);
        out.push(LEAF_FORMAT_V1);
        out.extend_from_slice(&self.position.to_be_bytes());
        out.extend_from_slice(self.event_id.as_bytes());
        out.extend_from_slice(&self.version.to_be_bytes());
        out.extend_from_slice(&self.time_micros.to_be_bytes());
        for name in [stream, kind] {
            out.extend_from_slice(&(name.len() as u16).to_be_bytes());
            out.extend_from_slice(name);
        }
        out.extend_from_slice(&self.public_sha256);
        out.extend_from_slice(&self.sealed_sha256);
        out.extend_from_slice(&self.chain_hash);
        out
    }

    /// Reads a leaf written by [`Leaf::encode`]; refuses trailing bytes and unknown formats.
    pub fn decode(bytes: &[u8]) -> Result<Leaf, BadLeaf> {
        let mut r = Reader(bytes);
        if r.take(1)?[0] != LEAF_FORMAT_V1 {
            return Err(BadLeaf("unknown leaf format"));
        }
        let position = u64::from_be_bytes(r.array()?);
        let event_id = Uuid::from_bytes(r.array()?);
        let version = u64::from_be_bytes(r.array()?);
        let time_micros = i64::from_be_bytes(r.array()?);
        let stream = r.name()?;
        let event_type = r.name()?;
        let public_sha256 = r.array()?;
        let sealed_sha256 = r.array()?;
        let chain_hash = r.array()?;
        if !r.0.is_empty() {
            return Err(BadLeaf("trailing bytes"));
        }
        Ok(Leaf { position, event_id, stream, version, event_type, time_micros, public_sha256, sealed_sha256, chain_hash })
    }

    /// RFC 6962 leaf hash: `SHA-256(0x00 ‖ leaf)`.
    pub fn hash(&self) -> [u8; 32] {
        leaf_hash(&self.encode())
    }
}

/// RFC 6962 leaf hash of encoded leaf bytes.
pub fn leaf_hash(bytes: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(bytes);
    h.finalize().into()
}

/// The stream as a leaf shows it.
pub fn leaf_stream(stream: &str) -> &str {
    match stream.split_once('-') {
        Some((ACCOUNT_STREAM, _)) => ACCOUNT_STREAM,
        _ => stream,
    }
}

/// The public text of an event's payload and the hash of what it seals.
///
/// The public text is JSON: objects with their keys sorted, no spaces, each scalar exactly as
/// stored; each sealed value (an object of exactly `subject`, `nonce` and `ciphertext`) is
/// replaced by `{"withheld":"sealed"}` and each non-null value of a key in [`PERSONAL_KEYS`] by
/// `{"withheld":"personal"}`. The sealed hash is SHA-256 over the sealed values in document
/// order, each as its subject, nonce and ciphertext with 64-bit lengths; zeroes if none.
/// Payload text that is not JSON is kept whole as a JSON string (the chain covers it anyway).
pub fn public_text(data: &str) -> (String, [u8; 32]) {
    let mut w = Public { out: Vec::with_capacity(data.len()), sealed: Sha256::new(), any: false };
    match serde_json::from_str::<&RawValue>(data) {
        Ok(raw) if w.write(raw).is_ok() => {}
        _ => {
            w = Public { out: Vec::with_capacity(data.len() + 2), sealed: Sha256::new(), any: false };
            write_string(data, &mut w.out);
        }
    }
    let sealed = if w.any { w.sealed.finalize().into() } else { [0; 32] };
    // Valid UTF-8 by construction (pieces of the JSON text and serde_json's output): checked
    // once here, not per piece.
    (String::from_utf8(w.out).expect("JSON text is UTF-8"), sealed)
}

struct Public {
    out: Vec<u8>,
    sealed: Sha256,
    any: bool,
}

use std::collections::BTreeMap;

impl Public {
    /// Writes one value, borrowing from the stored text (no tree of values is built).
    fn write(&mut self, raw: &RawValue) -> Result<(), serde_json::Error> {
        let text = raw.get();
        match text.as_bytes().first() {
            Some(b'{') => {
                // Keys borrowed from the text, sorted; owned only when a key has escapes.
                let owned: BTreeMap<String, &RawValue>;
                let entries: Vec<(&str, &RawValue)> = match serde_json::from_str::<BTreeMap<&str, &RawValue>>(text) {
                    Ok(map) => map.into_iter().collect(),
                    Err(_) => {
                        owned = serde_json::from_str(text)?;
                        owned.iter().map(|(k, v)| (k.as_str(), *v)).collect()
                    }
                };
                let get = |name: &str| entries.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
                if entries.len() == 3
                    && let (Some(s), Some(n), Some(c)) = (get("subject"), get("nonce"), get("ciphertext"))
                    && let (Ok(s), Ok(n), Ok(c)) = (
                        serde_json::from_str::<String>(s.get()),
                        serde_json::from_str::<String>(n.get()),
                        serde_json::from_str::<String>(c.get()),
                    )
                {
                    for part in [s, n, c] {
                        self.sealed.update((part.len() as u64).to_be_bytes());
                        self.sealed.update(part.as_bytes());
                    }
                    self.any = true;
                    self.out.extend_from_slice(br#"{"withheld":"sealed"}"#);
                    return Ok(());
                }
                self.out.push(b'{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        self.out.push(b',');
                    }
                    write_string(key, &mut self.out);
                    self.out.push(b':');
                    if PERSONAL_KEYS.contains(key) && value.get() != "null" {
                        self.out.extend_from_slice(br#"{"withheld":"personal"}"#);
                    } else {
                        self.write(value)?;
                    }
                }
                self.out.push(b'}');
            }
            Some(b'[') => {
                let items: Vec<&RawValue> = serde_json::from_str(text)?;
                self.out.push(b'[');
                for (i, item) in items.into_iter().enumerate() {
                    if i > 0 {
                        self.out.push(b',');
                    }
                    self.write(item)?;
                }
                self.out.push(b']');
            }
            _ => self.out.extend_from_slice(text.as_bytes()),
        }
        Ok(())
    }
}

fn write_string(s: &str, out: &mut Vec<u8>) {
    serde_json::to_writer(out, s).expect("a string serialises into memory");
}

fn truncated(s: &str) -> &[u8] {
    let mut end = s.len().min(MAX_NAME);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s.as_bytes()[..end]
}

/// SHA-256 of bytes.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], BadLeaf> {
        if self.0.len() < n {
            return Err(BadLeaf("too short"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], BadLeaf> {
        Ok(self.take(N)?.try_into().expect("length checked"))
    }
    fn name(&mut self) -> Result<String, BadLeaf> {
        let len = u16::from_be_bytes(self.array()?) as usize;
        if len > MAX_NAME {
            return Err(BadLeaf("name too long"));
        }
        String::from_utf8(self.take(len)?.to_vec()).map_err(|_| BadLeaf("name is not UTF-8"))
    }
}
