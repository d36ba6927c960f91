//! Rate limits shared by every gateway replica (feature `redis`): one token bucket per key in
//! Redis, refilled and taken in one Lua script on the server's clock, so N replicas together
//! allow what one would. While Redis cannot be reached each replica falls back to its own
//! in-process buckets (a replica then allows at most its own share again), and the refusal
//! is never a hang: every call is bounded by a short timeout.

use std::sync::Arc;
use std::time::Duration;

use redis::Script;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::limits::{InProcessLimiter, Rate, RateLimiter, SharedLimiters};

/// KEYS: the bucket. ARGV: tokens per second, burst, tokens to take (at most the burst).
/// Returns 0 (go ahead) or the wait in ms.
const TAKE: &str = r#"
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = math.min(burst, tonumber(ARGV[3]))
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
local wait = 0
if tokens >= cost then tokens = tokens - cost else wait = math.ceil((cost - tokens) / rate * 1000) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return wait
"#;

/// One rate's buckets in Redis.
pub struct RedisLimiter {
    conn: ConnectionManager,
    prefix: String,
    rate: Rate,
    script: Script,
    fallback: InProcessLimiter,
    timeout: Duration,
}

impl RedisLimiter {
    /// Buckets under `<namespace>:rate:<scope>:`; connects lazily.
    pub fn open(url: &str, namespace: &str, scope: &str, rate: Rate) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|_| "the Redis URL does not parse".to_string())?;
        let timeout = Duration::from_millis(500);
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(500));
        let conn = ConnectionManager::new_lazy_with_config(client, config).map_err(|e| e.to_string())?;
        Ok(RedisLimiter {
            conn,
            prefix: format!("{namespace}:rate:{scope}:"),
            rate,
            script: Script::new(TAKE),
            fallback: InProcessLimiter::new(rate),
            timeout,
        })
    }

    /// A factory for [`super::limits::Limits::shared`]; `None` when the URL does not parse.
    pub fn shared(url: &str, namespace: &str) -> Option<SharedLimiters> {
        redis::Client::open(url).ok()?;
        let (url, namespace) = (url.to_string(), namespace.to_string());
        Some(SharedLimiters(Arc::new(move |scope, rate| match RedisLimiter::open(&url, &namespace, scope, rate) {
            Ok(l) => Arc::new(l) as Arc<dyn RateLimiter>,
            Err(_) => Arc::new(InProcessLimiter::new(rate)),
        })))
    }
}

#[async_trait::async_trait]
impl RateLimiter for RedisLimiter {
    async fn check(&self, key: &str, cost: f64) -> Result<(), Duration> {
        let mut conn = self.conn.clone();
        let mut inv = self.script.prepare_invoke();
        inv.key(format!("{}{key}", self.prefix)).arg(self.rate.per_second).arg(self.rate.burst).arg(cost);
        match tokio::time::timeout(self.timeout, inv.invoke_async::<u64>(&mut conn)).await {
            Ok(Ok(0)) => Ok(()),
            Ok(Ok(wait_ms)) => Err(Duration::from_millis(wait_ms)),
            Ok(Err(e)) => {
                tracing::debug!(%e, "shared rate limit unavailable; using this replica's buckets");
                self.fallback.check_now(key, cost)
            }
            Err(_) => self.fallback.check_now(key, cost),
        }
    }
}
