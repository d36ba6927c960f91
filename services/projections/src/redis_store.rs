//! The Redis read-model store (feature `redis`), on the `redis` crate's ConnectionManager.
//!
//! Keys of one projection share the hash tag `{<namespace>:<projection>}`, so they live in one
//! Redis Cluster slot and one Lua script may touch them all:
//! `{ns:p}:d:<key>` documents, `{ns:p}:l:<list>` lists, `{ns:p}:h:<key>` hashes, and
//! `{ns:p}:$:checkpoint`, `{ns:p}:$:lease` ("owner token"), `{ns:p}:$:fence` (the token counter),
//! `{ns:p}:$:log` (the change log, a stream whose entry ids are commit positions).
//! A commit is one script: it checks the lease token and the checkpoint, applies the writes,
//! sets the checkpoint and publishes the hint on `<ns>:<p>:hints`, or changes nothing. Every
//! call is bounded by a timeout and answers `Unavailable` while Redis is away; the manager
//! reconnects by itself when it returns.

use std::time::Duration;

use async_trait::async_trait;
use futures::StreamExt;
use futures::stream::BoxStream;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{AsyncCommands, Client, RedisError, Script};

use crate::store::{Commit, Hint, Lease, ReadModelStore, ReadStoreError, Write, check_owner};

/// Checks the lease token and the checkpoint, then applies the writes.
/// KEYS: checkpoint, lease, then one key per write. ARGV: token, position, channel, hint, then
/// three values per write: op (P put, D delete, L push, H hash put, X change log), a, b.
const COMMIT: &str = r#"
local lease = redis.call('GET', KEYS[2])
if not lease then return {-2, 0} end
local sp = string.find(lease, ' ', 1, true)
if string.sub(lease, sp + 1) ~= ARGV[1] then return {-2, 0} end
local cp = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[2]) <= cp then return {-1, cp} end
local n = #KEYS - 2
for i = 1, n do
  local k = KEYS[i + 2]
  local op = ARGV[2 + 3 * i]
  local a = ARGV[3 + 3 * i]
  if op == 'P' then redis.call('SET', k, a)
  elseif op == 'D' then redis.call('DEL', k)
  elseif op == 'L' then redis.call('RPUSH', k, a)
  elseif op == 'X' then redis.call('XADD', k, 'MAXLEN', '~', ARGV[4 + 3 * i], ARGV[2] .. '-' .. i, 'd', a)
  else redis.call('HSET', k, a, ARGV[4 + 3 * i]) end
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return {1, tonumber(ARGV[2])}
"#;

/// KEYS: lease, fence. ARGV: owner, ttl in ms. Returns the token, or -1 when held by another.
const ACQUIRE: &str = r#"
local cur = redis.call('GET', KEYS[1])
if cur then
  local sp = string.find(cur, ' ', 1, true)
  if string.sub(cur, 1, sp - 1) == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return tonumber(string.sub(cur, sp + 1))
  end
  return -1
end
local tok = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. tok, 'PX', ARGV[2])
return tok
"#;

/// KEYS: lease. ARGV: "owner token". Deletes the lease only if it is still this one.
const RELEASE: &str = r#"
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
"#;

/// How long any one call may take before it answers `Unavailable`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

/// A read-model store in Redis (a single server, or a cluster node holding the slot).
#[derive(Clone)]
pub struct RedisReadStore {
    client: Client,
    conn: ConnectionManager,
    namespace: String,
    timeout: Duration,
    commit: Script,
    acquire: Script,
    release: Script,
}

impl std::fmt::Debug for RedisReadStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may carry a password: show only the namespace.
        f.debug_struct("RedisReadStore").field("namespace", &self.namespace).finish()
    }
}

fn unavailable(e: RedisError) -> ReadStoreError {
    ReadStoreError::Unavailable(e.to_string())
}

impl RedisReadStore {
    /// A store at `url` (`redis://host:port/db`) with keys under `namespace`. Does not connect
    /// until the first call, so a gateway can start while Redis is still coming up.
    pub fn open(url: &str, namespace: &str) -> Result<Self, ReadStoreError> {
        Self::open_with_timeout(url, namespace, DEFAULT_TIMEOUT)
    }

    pub fn open_with_timeout(url: &str, namespace: &str, timeout: Duration) -> Result<Self, ReadStoreError> {
        if namespace.is_empty() || namespace.contains(['{', '}', ' ']) {
            return Err(ReadStoreError::Invalid(format!("namespace {namespace:?}: no braces or spaces")));
        }
        let client = Client::open(url)
            .map_err(|_| ReadStoreError::Invalid("the Redis URL does not parse (redis://[user:password@]host:port[/db])".into()))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout.min(Duration::from_secs(1))))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_millis(500));
        let conn = ConnectionManager::new_lazy_with_config(client.clone(), config).map_err(unavailable)?;
        Ok(RedisReadStore {
            client,
            conn,
            namespace: namespace.to_string(),
            timeout,
            commit: Script::new(COMMIT),
            acquire: Script::new(ACQUIRE),
            release: Script::new(RELEASE),
        })
    }

    fn tag(&self, projection: &str) -> String {
        format!("{{{}:{}}}", self.namespace, projection)
    }

    fn key(&self, projection: &str, kind: char, key: &str) -> String {
        format!("{}:{kind}:{key}", self.tag(projection))
    }

    fn channel(&self, projection: &str) -> String {
        format!("{}:{}:hints", self.namespace, projection)
    }

    /// Runs one call against the shared connection, bounded by the timeout.
    async fn call<T>(&self, f: impl AsyncFnOnce(&mut ConnectionManager) -> redis::RedisResult<T>) -> Result<T, ReadStoreError> {
        let mut conn = self.conn.clone();
        match tokio::time::timeout(self.timeout, f(&mut conn)).await {
            Ok(r) => r.map_err(unavailable),
            Err(_) => Err(ReadStoreError::Unavailable(format!("no answer from Redis within {:?}", self.timeout))),
        }
    }

    /// Who holds the projection's lease now, if anyone (operators, tests).
    pub async fn lease_holder(&self, projection: &str) -> Result<Option<String>, ReadStoreError> {
        let k = self.key(projection, '$', "lease");
        let v: Option<String> = self.call(async |c| c.get(&k).await).await?;
        Ok(v.and_then(|v| v.split(' ').next().map(str::to_string)))
    }

    /// Answers PING (readiness checks).
    pub async fn ping(&self) -> Result<(), ReadStoreError> {
        self.call(async |c| redis::cmd("PING").query_async::<String>(c).await).await.map(drop)
    }
}

fn parse_u64(s: Option<String>) -> Result<u64, ReadStoreError> {
    s.map_or(Ok(0), |s| s.parse().map_err(|_| ReadStoreError::Invalid(format!("stored checkpoint {s:?} is not a number"))))
}

#[async_trait]
impl ReadModelStore for RedisReadStore {
    async fn commit(
        &self,
        projection: &str,
        token: u64,
        position: u64,
        writes: &[Write],
        streams: &[String],
    ) -> Result<Commit, ReadStoreError> {
        let hint =
            serde_json::to_string(&Hint { position, streams: streams.to_vec() }).map_err(|e| ReadStoreError::Invalid(e.to_string()))?;
        let mut inv = self.commit.prepare_invoke();
        inv.key(self.key(projection, '$', "checkpoint")).key(self.key(projection, '$', "lease"));
        inv.arg(token).arg(position).arg(self.channel(projection)).arg(hint);
        for w in writes {
            let (key, op, a, b) = match w {
                Write::Put { key, value } => (self.key(projection, 'd', key), "P", value.as_str(), ""),
                Write::Delete { key } => (self.key(projection, 'd', key), "D", "", ""),
                Write::Push { list, value } => (self.key(projection, 'l', list), "L", value.as_str(), ""),
                Write::HashPut { key, field, value } => (self.key(projection, 'h', key), "H", field.as_str(), value.as_str()),
                Write::Log { value, keep } => {
                    inv.key(self.key(projection, '$', "log")).arg("X").arg(value.as_str()).arg((*keep).max(1));
                    continue;
                }
            };
            inv.key(key).arg(op).arg(a).arg(b);
        }
        let (code, checkpoint): (i64, u64) = self.call(async |c| inv.invoke_async(c).await).await?;
        Ok(match code {
            1 => Commit::Applied,
            -1 => Commit::Stale { checkpoint },
            _ => Commit::Fenced,
        })
    }

    async fn checkpoint(&self, projection: &str) -> Result<u64, ReadStoreError> {
        let k = self.key(projection, '$', "checkpoint");
        parse_u64(self.call(async |c| c.get::<_, Option<String>>(&k).await).await?)
    }

    async fn get(&self, projection: &str, key: &str) -> Result<Option<String>, ReadStoreError> {
        let k = self.key(projection, 'd', key);
        self.call(async |c| c.get(&k).await).await
    }

    async fn get_many(&self, projection: &str, keys: &[String]) -> Result<Vec<Option<String>>, ReadStoreError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let ks: Vec<String> = keys.iter().map(|k| self.key(projection, 'd', k)).collect();
        self.call(async |c| redis::cmd("MGET").arg(&ks).query_async(c).await).await
    }

    async fn range(&self, projection: &str, list: &str, start: usize, count: usize) -> Result<Vec<String>, ReadStoreError> {
        if count == 0 {
            return Ok(Vec::new());
        }
        let k = self.key(projection, 'l', list);
        let stop = start.saturating_add(count - 1).min(isize::MAX as usize);
        self.call(async |c| c.lrange(&k, start as isize, stop as isize).await).await
    }

    async fn list_len(&self, projection: &str, list: &str) -> Result<usize, ReadStoreError> {
        let k = self.key(projection, 'l', list);
        self.call(async |c| c.llen(&k).await).await
    }

    async fn hash_get(&self, projection: &str, key: &str, field: &str) -> Result<Option<String>, ReadStoreError> {
        let k = self.key(projection, 'h', key);
        self.call(async |c| c.hget(&k, field).await).await
    }

    async fn hash_all(&self, projection: &str, key: &str) -> Result<Vec<(String, String)>, ReadStoreError> {
        // HSCAN in pages, so a big hash (a million comments) never blocks Redis in one call.
        let k = self.key(projection, 'h', key);
        let mut out = Vec::new();
        let mut cursor: u64 = 0;
        loop {
            let (next, page): (u64, Vec<(String, String)>) =
                self.call(async |c| redis::cmd("HSCAN").arg(&k).arg(cursor).arg("COUNT").arg(2000).query_async(c).await).await?;
            out.extend(page);
            if next == 0 {
                return Ok(out);
            }
            cursor = next;
        }
    }

    async fn log_after(&self, projection: &str, position: u64, count: usize) -> Result<Vec<(u64, String)>, ReadStoreError> {
        let k = self.key(projection, '$', "log");
        let start = format!("{}-0", position.saturating_add(1));
        let entries: Vec<(String, Vec<(String, String)>)> = self
            .call(async |c| redis::cmd("XRANGE").arg(&k).arg(&start).arg("+").arg("COUNT").arg(count.max(1)).query_async(c).await)
            .await?;
        entries
            .into_iter()
            .map(|(id, fields)| {
                let at = id.split('-').next().and_then(|p| p.parse().ok());
                let value = fields.into_iter().find(|(f, _)| f == "d").map(|(_, v)| v);
                match (at, value) {
                    (Some(at), Some(v)) => Ok((at, v)),
                    _ => Err(ReadStoreError::Invalid(format!("malformed change-log entry {id}"))),
                }
            })
            .collect()
    }

    async fn acquire_lease(&self, projection: &str, owner: &str, ttl: Duration) -> Result<Option<Lease>, ReadStoreError> {
        check_owner(owner)?;
        let mut inv = self.acquire.prepare_invoke();
        inv.key(self.key(projection, '$', "lease")).key(self.key(projection, '$', "fence"));
        inv.arg(owner).arg(ttl.as_millis().max(1) as u64);
        let token: i64 = self.call(async |c| inv.invoke_async(c).await).await?;
        Ok((token > 0).then(|| Lease { owner: owner.to_string(), token: token as u64 }))
    }

    async fn release_lease(&self, projection: &str, lease: &Lease) -> Result<(), ReadStoreError> {
        let mut inv = self.release.prepare_invoke();
        inv.key(self.key(projection, '$', "lease")).arg(format!("{} {}", lease.owner, lease.token));
        self.call(async |c| inv.invoke_async::<i64>(c).await).await.map(drop)
    }

    async fn clear(&self, projection: &str) -> Result<(), ReadStoreError> {
        // SCAN the projection's keys (one slot) and unlink them in batches; the lease and the
        // fence counter stay, so the clearing projector keeps its right to commit.
        let pattern = format!("{}:*", self.tag(projection));
        let keep = [self.key(projection, '$', "lease"), self.key(projection, '$', "fence")];
        let mut cursor: u64 = 0;
        loop {
            let (next, keys): (u64, Vec<String>) = self
                .call(async |c| redis::cmd("SCAN").arg(cursor).arg("MATCH").arg(&pattern).arg("COUNT").arg(1000).query_async(c).await)
                .await?;
            let doomed: Vec<&String> = keys.iter().filter(|k| !keep.contains(k)).collect();
            if !doomed.is_empty() {
                self.call(async |c| redis::cmd("UNLINK").arg(&doomed).query_async::<i64>(c).await).await?;
            }
            if next == 0 {
                return Ok(());
            }
            cursor = next;
        }
    }

    async fn hints(&self, projection: &str) -> Result<BoxStream<'static, Hint>, ReadStoreError> {
        let channel = self.channel(projection);
        let client = self.client.clone();
        let pubsub = match tokio::time::timeout(self.timeout, async move {
            let mut p = client.get_async_pubsub().await?;
            p.subscribe(&channel).await?;
            Ok::<_, RedisError>(p)
        })
        .await
        {
            Ok(r) => r.map_err(unavailable)?,
            Err(_) => return Err(ReadStoreError::Unavailable("no answer from Redis when subscribing".into())),
        };
        Ok(pubsub
            .into_on_message()
            .filter_map(|m| async move {
                let payload: String = m.get_payload().ok()?;
                serde_json::from_str::<Hint>(&payload).ok()
            })
            .boxed())
    }
}
