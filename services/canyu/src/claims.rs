//! Idempotency-key claims shared by every process through Redis (`--read-models redis`): a
//! keyed mutation claims `(account, key)` with `SET NX PX` before it looks for an earlier
//! attempt in the log and runs, so two gateways given the same key at once run it once. A
//! claim expires after [`CLAIM_TTL`] (longer than any command may take), so a crashed holder
//! blocks its key for at most that long; its write, if it committed, is then found in the log.

use std::time::Duration;

use canyu_app::AppError;
use canyu_app::idempotency::{ClaimGuard, KeyClaims};
use redis::Script;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

/// How long an unreleased claim lasts.
pub const CLAIM_TTL: Duration = Duration::from_secs(60);
/// How long a request waits for another process's claim on the same key.
pub const CLAIM_WAIT: Duration = Duration::from_secs(10);

const RELEASE: &str = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

pub struct RedisClaims {
    conn: ConnectionManager,
    namespace: String,
    timeout: Duration,
}

impl RedisClaims {
    pub fn open(url: &str, namespace: &str) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|_| "the Redis URL does not parse".to_string())?;
        let timeout = Duration::from_secs(2);
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(1)))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(1);
        let conn = ConnectionManager::new_lazy_with_config(client, config).map_err(|e| e.to_string())?;
        Ok(RedisClaims { conn, namespace: namespace.to_string(), timeout })
    }
}

fn unavailable(e: impl std::fmt::Display) -> AppError {
    AppError::unavailable("idempotency claims", e.to_string())
}

struct Held {
    conn: ConnectionManager,
    key: String,
    token: String,
}

#[async_trait::async_trait]
impl ClaimGuard for Held {
    async fn release(self: Box<Self>) {
        let mut conn = self.conn.clone();
        let script = Script::new(RELEASE);
        let mut inv = script.prepare_invoke();
        inv.key(&self.key).arg(&self.token);
        let _ = tokio::time::timeout(Duration::from_secs(2), inv.invoke_async::<i64>(&mut conn)).await;
    }
}

#[async_trait::async_trait]
impl KeyClaims for RedisClaims {
    async fn claim(&self, account: &str, key: &str) -> Result<Box<dyn ClaimGuard>, AppError> {
        // The client's key is free text: hash it into the Redis key.
        let digest = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, format!("{account}\u{1f}{key}").as_bytes());
        let redis_key = format!("{}:idem:{}", self.namespace, digest.simple());
        let token = uuid::Uuid::now_v7().to_string();
        let deadline = tokio::time::Instant::now() + CLAIM_WAIT;
        loop {
            let mut conn = self.conn.clone();
            let set = redis::cmd("SET").arg(&redis_key).arg(&token).arg("NX").arg("PX").arg(CLAIM_TTL.as_millis() as u64).to_owned();
            let got: Option<String> = match tokio::time::timeout(self.timeout, set.query_async(&mut conn)).await {
                Ok(r) => r.map_err(unavailable)?,
                Err(_) => return Err(unavailable("no answer from Redis")),
            };
            if got.is_some() {
                return Ok(Box::new(Held { conn: self.conn.clone(), key: redis_key, token }));
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(AppError::Conflict("a request with this idempotency key is still running; retry shortly".into()));
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}
