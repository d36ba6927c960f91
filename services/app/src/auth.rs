//! Who is calling: bearer tokens, password hashing, and the authorization policy.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use canyu_domain::values::Role;
use chrono::{DateTime, Duration, TimeZone, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::{AppError, AppResult};

/// A signed-in account, as resolved from its token against the account's current events, so
/// a changed role takes effect at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub account_id: String,
    pub display_name: String,
    pub role: Role,
    /// For UNIT_STAFF: the unit they act for.
    pub unit_id: Option<String>,
}

impl Principal {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Staff of `unit_id`, or an admin.
    pub fn acts_for_unit(&self, unit_id: &str) -> bool {
        self.is_admin() || (self.role == Role::UnitStaff && self.unit_id.as_deref() == Some(unit_id))
    }

    /// The role name recorded in event metadata.
    pub fn role_name(&self) -> &'static str {
        match self.role {
            Role::Resident => "resident",
            Role::UnitStaff => "unit_staff",
            Role::Admin => "admin",
        }
    }
}

/// The policy: every command handler calls one of these before deciding.
pub mod policy {
    use super::*;

    /// Any signed-in account.
    pub fn signed_in(p: Option<&Principal>) -> AppResult<&Principal> {
        p.ok_or_else(|| AppError::Unauthenticated("sign in first".into()))
    }

    /// Admins only (units, roles, the catalogue).
    pub fn admin(p: Option<&Principal>) -> AppResult<&Principal> {
        let p = signed_in(p)?;
        if p.is_admin() { Ok(p) } else { Err(AppError::forbidden("only the openness office (admin) may do this")) }
    }

    /// Staff of the decision's undertaking unit, or an admin.
    pub fn unit_staff<'a>(p: Option<&'a Principal>, unit_id: &str) -> AppResult<&'a Principal> {
        let p = signed_in(p)?;
        if p.acts_for_unit(unit_id) { Ok(p) } else { Err(AppError::forbidden("only staff of the undertaking unit may do this")) }
    }
}

/// Issues and checks bearer tokens: `v1.<account>.<expiry>.<HMAC-SHA256>`, base64url parts.
#[derive(Clone)]
pub struct Tokens {
    secret: Vec<u8>,
    lifetime: Duration,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens").field("secret", &"<redacted>").field("lifetime", &self.lifetime).finish()
    }
}

impl Tokens {
    /// `secret` should be at least 32 random bytes, kept out of the event log.
    pub fn new(secret: Vec<u8>, lifetime: Duration) -> Self {
        Tokens { secret, lifetime }
    }

    fn mac(&self, body: &str) -> Vec<u8> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.secret).expect("HMAC takes keys of any size");
        mac.update(body.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// A keyed fingerprint of `text` (HMAC-SHA256 with the token secret, 128 bits, hex): stored
    /// with idempotent writes without revealing the input.
    pub fn fingerprint(&self, text: &str) -> String {
        self.mac(&format!("fingerprint\0{text}")).iter().take(16).map(|b| format!("{b:02x}")).collect()
    }

    /// A token for `account_id`, valid until `now + lifetime`.
    pub fn issue(&self, account_id: &str, now: DateTime<Utc>) -> (String, DateTime<Utc>) {
        let exp = now + self.lifetime;
        let body = format!("v1.{}.{}", B64.encode(account_id), exp.timestamp());
        let sig = B64.encode(self.mac(&body));
        (format!("{body}.{sig}"), exp)
    }

    /// The account a token names, if its signature holds and it has not expired.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> AppResult<String> {
        let bad = || AppError::Unauthenticated("invalid token".into());
        let (body, sig) = token.rsplit_once('.').ok_or_else(bad)?;
        let sig = B64.decode(sig).map_err(|_| bad())?;
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.secret).expect("HMAC takes keys of any size");
        mac.update(body.as_bytes());
        mac.verify_slice(&sig).map_err(|_| bad())?;
        let mut parts = body.split('.');
        let (Some("v1"), Some(acc), Some(exp), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        let exp = exp.parse::<i64>().ok().and_then(|e| Utc.timestamp_opt(e, 0).single()).ok_or_else(bad)?;
        if now >= exp {
            return Err(AppError::Unauthenticated("token expired; sign in again".into()));
        }
        String::from_utf8(B64.decode(acc).map_err(|_| bad())?).map_err(|_| bad())
    }
}

/// Hashes a password with argon2id (default parameters). CPU-heavy: call off the async runtime.
pub fn hash_password(password: &str) -> AppResult<String> {
    use argon2::password_hash::PasswordHasher;
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| AppError::internal("no randomness", e.to_string()))?;
    PasswordHasher::<argon2::password_hash::phc::PasswordHash>::hash_password_with_salt(
        &argon2::Argon2::default(),
        password.as_bytes(),
        &salt,
    )
    .map(|h| h.to_string())
    .map_err(|e| AppError::internal("password hashing failed", e.to_string()))
}

/// Checks a password against an argon2 hash. CPU-heavy: call off the async runtime.
pub fn verify_password(password: &str, hash: &str) -> bool {
    use argon2::password_hash::PasswordVerifier;
    use argon2::password_hash::phc::PasswordHash;
    VERIFICATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    PasswordHash::new(hash).is_ok_and(|h| argon2::Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Password verifications run by this process (each costs one argon2 hash), for tests.
static VERIFICATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many password verifications this process has run.
pub fn verifications() -> u64 {
    VERIFICATIONS.load(std::sync::atomic::Ordering::Relaxed)
}

/// Verifies `password` against a hash of a password nobody has, with the same parameters as
/// real ones: a login for an unknown or malformed username costs what a wrong password
/// costs, so timing does not tell who has an account (issue 10). Always false.
pub fn verify_against_dummy(password: &str) -> bool {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = DUMMY.get_or_init(|| hash_password("canyu: no account has this password").unwrap_or_default());
    let _ = verify_password(password, hash);
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_token_names_its_account_until_it_expires() {
        let t = Tokens::new(b"0123456789abcdef0123456789abcdef".to_vec(), Duration::hours(1));
        let (tok, _) = t.issue("acc-1", at("2026-01-01T00:00:00Z"));
        assert_eq!(t.verify(&tok, at("2026-01-01T00:59:00Z")).unwrap(), "acc-1");
        assert!(matches!(t.verify(&tok, at("2026-01-01T01:00:00Z")), Err(AppError::Unauthenticated(_))));
    }

    #[test]
    fn a_tampered_or_foreign_token_is_refused() {
        let t = Tokens::new(b"0123456789abcdef0123456789abcdef".to_vec(), Duration::hours(1));
        let other = Tokens::new(b"another secret of thirty-two byt".to_vec(), Duration::hours(1));
        let now = at("2026-01-01T00:00:00Z");
        let (tok, _) = t.issue("acc-1", now);
        assert!(other.verify(&tok, now).is_err());
        let forged = tok.replacen(&B64.encode("acc-1"), &B64.encode("admin"), 1);
        assert!(t.verify(&forged, now).is_err());
        assert!(t.verify("garbage", now).is_err());
    }

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
    }
}
