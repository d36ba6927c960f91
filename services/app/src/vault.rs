//! Personal data sealed with a per-person key (crypto-shredding): deleting the person's key
//! makes every sealed value of theirs unreadable, without rewriting history.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use canyu_domain::events::Sealed;
use canyu_eventstore::keys::KeyStore;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Serialize, de::DeserializeOwned};

use crate::{AppError, AppResult};

/// Seals and opens personal data.
#[derive(Clone)]
pub struct Vault {
    keys: Arc<dyn KeyStore>,
}

fn aad(subject: &str, purpose: &str) -> Vec<u8> {
    format!("canyu-pii-v1\0{subject}\0{purpose}").into_bytes()
}

impl Vault {
    pub fn new(keys: Arc<dyn KeyStore>) -> Self {
        Vault { keys }
    }

    /// Encrypts `value` (as JSON) under `subject`'s key, bound to `purpose`.
    pub async fn seal<T: Serialize>(&self, subject: &str, purpose: &str, value: &T) -> AppResult<Sealed> {
        let key = self.keys.get_or_create(subject).await?;
        let cipher = XChaCha20Poly1305::new(&key.into());
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut nonce).map_err(|e| AppError::internal("no randomness", e.to_string()))?;
        let plain = serde_json::to_vec(value).map_err(|e| AppError::internal("personal data does not serialise", e))?;
        let ct = cipher
            .encrypt(&XNonce::from(nonce), Payload { msg: &plain, aad: &aad(subject, purpose) })
            .map_err(|_| AppError::bug("encryption failed"))?;
        Ok(Sealed { subject: subject.to_string(), nonce: B64.encode(nonce), ciphertext: B64.encode(ct) })
    }

    /// Decrypts a sealed value; `None` when the subject's key was erased or the value does not
    /// open (tampered, or sealed for another purpose).
    pub async fn open<T: DeserializeOwned>(&self, sealed: &Sealed, purpose: &str) -> AppResult<Option<T>> {
        let Some(key) = self.keys.get(&sealed.subject).await? else {
            return Ok(None);
        };
        let (Ok(nonce), Ok(ct)) = (B64.decode(&sealed.nonce), B64.decode(&sealed.ciphertext)) else {
            return Ok(None);
        };
        let Ok(nonce) = <[u8; 24]>::try_from(nonce.as_slice()) else {
            return Ok(None);
        };
        let cipher = XChaCha20Poly1305::new(&key.into());
        let Ok(plain) = cipher.decrypt(&XNonce::from(nonce), Payload { msg: &ct, aad: &aad(&sealed.subject, purpose) }) else {
            return Ok(None);
        };
        Ok(serde_json::from_slice(&plain).ok())
    }

    /// A fingerprint of personal data keyed with the subject's own key (HMAC-SHA256, 128 bits,
    /// hex), for idempotency records: it reveals nothing without the key and is shredded with it.
    pub async fn fingerprint(&self, subject: &str, text: &str) -> AppResult<String> {
        use hmac::{Hmac, KeyInit, Mac};
        let key = self.keys.get_or_create(subject).await?;
        let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&key).expect("HMAC takes keys of any size");
        mac.update(text.as_bytes());
        Ok(mac.finalize().into_bytes().iter().take(16).map(|b| format!("{b:02x}")).collect())
    }

    /// Erases a subject's key: every value sealed for them becomes unreadable, and the names
    /// they hold (their login name's digest) are forgotten in the same step.
    pub async fn erase(&self, subject: &str) -> AppResult<bool> {
        Ok(self.keys.delete(subject).await?)
    }

    /// The account holding a login name, by the name's digest ([`name_digest`]).
    pub async fn name_owner(&self, username: &str) -> AppResult<Option<String>> {
        Ok(self.keys.name_owner(&name_digest(username)).await?)
    }

    /// Gives a login name to `account` unless another account holds it; returns the holder.
    pub async fn claim_name(&self, username: &str, account: &str) -> AppResult<String> {
        Ok(self.keys.claim_name(&name_digest(username), account).await?)
    }
}

/// How a login name is kept in the key store: a SHA-256 digest, so the store's rows do not
/// show names in plain text. It is personal data all the same (a guess can be tested against
/// it), which is why it lives beside the keys and is deleted with them.
pub fn name_digest(username: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(format!("canyu-login-name\0{username}").as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}
