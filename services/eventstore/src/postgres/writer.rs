//! The writer task and its group commit.
//!
//! The task waits for one append request, takes up to [`MAX_BATCH`] that are queued, and runs
//! them in one transaction:
//!
//! 1. `BEGIN; SELECT pg_advisory_xact_lock(k); SELECT max(position)` (one round trip). The lock
//!    serialises every writer of the schema, in every process, *before* positions are drawn.
//! 2. One round trip looks up all the batch's event ids (idempotent retries) and the heads of
//!    streams not in the cache. The cache of stream heads is trusted only if the log's head is
//!    still the one this writer last committed; otherwise another process wrote and it is
//!    dropped.
//! 3. Each request is checked in memory (expected version, ids) and its events hashed, then all
//!    inserts are sent pipelined, each as `SAVEPOINT; INSERT … unnest(…); RELEASE`. If one fails
//!    the transaction goes back to that request's savepoint, the request gets its own error,
//!    and the requests after it are planned and sent again.
//! 4. `SELECT pg_notify(channel, head); COMMIT`, then the replies go out.
//!
//! Any other failure (lost connection, timeout) answers the whole group `Unavailable`, drops
//! the connection and the cache; the next group reconnects.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch};
use tokio_postgres::types::Type;
use tokio_postgres::{Client, Config, SimpleQueryMessage};
use uuid::Uuid;

use super::listen::wake_up;
use super::pool::connect;
use super::schema::{Keys, corrupt, db_err, to_i64, to_u64};
use crate::{AppendResult, ExpectedVersion, NewEvent, Result, StoreError, canonical_bytes_json, chain_hash};

/// Most requests committed together; bounds the latency one commit adds to its first request.
const MAX_BATCH: usize = 256;

/// Stream heads cached by the writer; the cache is emptied when it grows past this.
const HEAD_CACHE_CAP: usize = 100_000;

/// Longest one group transaction may take before the group is answered `Unavailable`.
const BATCH_TIMEOUT: Duration = Duration::from_secs(30);

const FIND_IDS: &str = "SELECT id, position, stream_id, version FROM events WHERE id = ANY($1)";

const LOAD_HEADS: &str = "SELECT s.stream_id, e.version, e.hash FROM unnest($1::text[]) AS s(stream_id)
    CROSS JOIN LATERAL (SELECT version, hash FROM events WHERE events.stream_id = s.stream_id ORDER BY version DESC LIMIT 1) AS e";

const INSERT: &str = "INSERT INTO events (position, id, stream_id, version, event_type, data, metadata, hash, prev_hash)
    SELECT p, i, $3, v, t, d, m, h, ph
    FROM unnest($1::bigint[], $2::uuid[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::bytea[], $9::bytea[])
      AS u(p, i, v, t, d, m, h, ph)";

/// An event ready for the writer, its metadata already serialised.
pub(super) struct PendingEvent {
    id: Uuid,
    event_type: String,
    data: String,
    metadata: String,
}

impl PendingEvent {
    pub(super) fn new(e: NewEvent) -> Result<Self> {
        let metadata = serde_json::to_string(&e.metadata)
            .map_err(|err| StoreError::Invalid(format!("metadata of event {} does not serialise: {err}", e.id)))?;
        Ok(Self { id: e.id, event_type: e.event_type, data: e.data, metadata })
    }
}

struct AppendRequest {
    stream: String,
    expected: ExpectedVersion,
    events: Vec<PendingEvent>,
    reply: oneshot::Sender<Result<AppendResult>>,
}

/// The last event of a stream, which the next append chains onto.
#[derive(Clone, Copy)]
struct Head {
    version: u64,
    hash: [u8; 32],
}

/// Where a stored event is.
#[derive(Clone)]
struct Stored {
    position: u64,
    stream: String,
    version: u64,
}

/// The store's side of the writer task. Dropping it closes the queue; the task finishes what
/// is queued and exits.
pub(super) struct WriterHandle {
    queue: mpsc::UnboundedSender<AppendRequest>,
}

impl WriterHandle {
    pub(super) async fn append(&self, stream: String, expected: ExpectedVersion, events: Vec<PendingEvent>) -> Result<AppendResult> {
        let stopped = || StoreError::Unavailable("the postgres writer task has stopped".into());
        let (reply, answer) = oneshot::channel();
        self.queue.send(AppendRequest { stream, expected, events, reply }).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// Starts the writer task on the current runtime.
pub(super) fn spawn(config: Config, keys: Keys, wake: Arc<watch::Sender<u64>>) -> WriterHandle {
    let (queue, requests) = mpsc::unbounded_channel();
    let writer = Writer { config, keys, client: None, heads: HashMap::new(), committed_head: None, wake };
    tokio::spawn(writer.run(requests));
    WriterHandle { queue }
}

struct Writer {
    config: Config,
    keys: Keys,
    /// The write connection; `None` after a failure, reconnected on the next group.
    client: Option<Client>,
    /// Heads of recently written streams, as committed. Valid only while `committed_head` is
    /// the log's head.
    heads: HashMap<String, Head>,
    /// The log's head right after this writer's last commit.
    committed_head: Option<u64>,
    wake: Arc<watch::Sender<u64>>,
}

/// What the group transaction does for one request.
enum Plan<'a> {
    /// Answered without writing: an idempotent retry, a conflict or an invalid request.
    Done(Result<AppendResult>),
    Insert(Insert<'a>),
}

/// The rows of one request, as arrays for `unnest`.
struct Insert<'a> {
    request: usize,
    stream: &'a str,
    positions: Vec<i64>,
    ids: Vec<Uuid>,
    versions: Vec<i64>,
    types: Vec<&'a str>,
    data: Vec<&'a str>,
    metadata: Vec<&'a str>,
    hashes: Vec<[u8; 32]>,
    prev_hashes: Vec<[u8; 32]>,
    result: AppendResult,
}

/// What the requests planned so far in this transaction have changed.
#[derive(Clone)]
struct Staged {
    next_position: u64,
    heads: HashMap<String, Head>,
    ids: HashMap<Uuid, Stored>,
}

impl Writer {
    async fn run(mut self, mut requests: mpsc::UnboundedReceiver<AppendRequest>) {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        while requests.recv_many(&mut batch, MAX_BATCH).await > 0 {
            let outcomes = self.commit_batch(&batch).await;
            for (request, outcome) in batch.drain(..).zip(outcomes) {
                // The appender may have gone away (cancelled); its append stands regardless.
                let _ = request.reply.send(outcome);
            }
        }
    }

    async fn commit_batch(&mut self, batch: &[AppendRequest]) -> Vec<Result<AppendResult>> {
        let outcome = match tokio::time::timeout(BATCH_TIMEOUT, self.try_commit(batch)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(StoreError::Unavailable(format!("postgres: the group commit took longer than {BATCH_TIMEOUT:?}"))),
        };
        match outcome {
            Ok(outcomes) => outcomes,
            Err(e) => {
                tracing::warn!(error = %e, requests = batch.len(), "postgres group commit failed");
                // The connection may be mid-transaction or gone: drop it (the server rolls back
                // what did not commit) and forget what the cache claims.
                self.client = None;
                self.heads.clear();
                self.committed_head = None;
                let message = e.to_string();
                batch.iter().map(|_| Err(StoreError::Unavailable(message.clone()))).collect()
            }
        }
    }

    async fn try_commit(&mut self, batch: &[AppendRequest]) -> Result<Vec<Result<AppendResult>>> {
        let client = match self.client.take() {
            Some(client) if !client.is_closed() => client,
            _ => {
                self.heads.clear();
                self.committed_head = None;
                connect(&self.config).await?
            }
        };
        let begin =
            format!("BEGIN; SELECT pg_advisory_xact_lock({}); SELECT coalesce(max(position), 0) FROM events", self.keys.append_lock);
        let messages = client.simple_query(&begin).await.map_err(db_err)?;
        let db_head = messages
            .iter()
            .filter_map(|m| match m {
                SimpleQueryMessage::Row(row) => row.get(0),
                _ => None,
            })
            .next_back()
            .and_then(|text| text.parse::<i64>().ok())
            .ok_or_else(|| corrupt("postgres: cannot read the log's head"))?;
        let db_head = to_u64(db_head)?;
        if self.committed_head != Some(db_head) || self.heads.len() > HEAD_CACHE_CAP {
            // Another process wrote since our last commit (or this is the first group).
            self.heads.clear();
        }

        let stored = self.look_up(&client, batch).await?;
        let mut outcomes: Vec<Option<Result<AppendResult>>> = batch.iter().map(|_| None).collect();
        let mut staged = Staged { next_position: db_head + 1, heads: HashMap::new(), ids: HashMap::new() };
        let mut inserted = false;
        let mut start = 0;
        while start < batch.len() {
            let before = staged.clone();
            let plans: Vec<Plan<'_>> = (start..batch.len()).map(|i| self.plan(i, &batch[i], &mut staged, &stored)).collect();
            let inserts: Vec<&Insert<'_>> = plans
                .iter()
                .filter_map(|p| match p {
                    Plan::Insert(insert) => Some(insert),
                    Plan::Done(_) => None,
                })
                .collect();
            match run_inserts(&client, &inserts).await? {
                None => {
                    inserted |= !inserts.is_empty();
                    for (i, plan) in (start..).zip(plans) {
                        outcomes[i] = Some(match plan {
                            Plan::Done(outcome) => outcome,
                            Plan::Insert(insert) => Ok(insert.result),
                        });
                    }
                    start = batch.len();
                }
                Some((failed, error)) => {
                    let failed = inserts[failed].request;
                    drop(plans);
                    // Everything before the failed request stands: plan it again from the same
                    // state, which gives the same rows, to know where the next request starts.
                    staged = before;
                    for (i, request) in batch.iter().enumerate().take(failed).skip(start) {
                        outcomes[i] = Some(match self.plan(i, request, &mut staged, &stored) {
                            Plan::Done(outcome) => outcome,
                            Plan::Insert(insert) => {
                                inserted = true;
                                Ok(insert.result)
                            }
                        });
                    }
                    outcomes[failed] = Some(Err(self.insert_error(&client, &batch[failed], error).await?));
                    start = failed + 1;
                }
            }
        }

        let head = staged.next_position - 1;
        let commit = if inserted { format!("SELECT pg_notify('{}', '{head}'); COMMIT", self.keys.channel) } else { "COMMIT".to_owned() };
        client.batch_execute(&commit).await.map_err(db_err)?;
        self.heads.extend(staged.heads);
        self.committed_head = Some(head);
        self.client = Some(client);
        if inserted {
            wake_up(&self.wake);
        }
        Ok(outcomes.into_iter().map(|o| o.unwrap_or_else(|| Err(StoreError::Unavailable("request was not planned".into())))).collect())
    }

    /// Finds which of the batch's event ids are stored, and loads into the cache the heads of
    /// streams it lacks (inside the locked transaction, so they are current).
    async fn look_up(&mut self, client: &Client, batch: &[AppendRequest]) -> Result<HashMap<Uuid, Stored>> {
        let ids: Vec<Uuid> = batch.iter().flat_map(|r| r.events.iter().map(|e| e.id)).collect();
        let mut missing: Vec<&str> = batch.iter().map(|r| r.stream.as_str()).filter(|s| !self.heads.contains_key(*s)).collect();
        missing.sort_unstable();
        missing.dedup();
        let find_params: [(&(dyn tokio_postgres::types::ToSql + Sync), Type); 1] = [(&ids, Type::UUID_ARRAY)];
        let find = client.query_typed(FIND_IDS, &find_params);
        let load = async {
            if missing.is_empty() {
                return Ok(Vec::new());
            }
            client.query_typed(LOAD_HEADS, &[(&missing, Type::TEXT_ARRAY)]).await
        };
        let (found, heads) = futures::try_join!(find, load).map_err(db_err)?;
        let mut stored = HashMap::with_capacity(found.len());
        for row in &found {
            let id: Uuid = row.try_get(0).map_err(db_err)?;
            let position = to_u64(row.try_get(1).map_err(db_err)?)?;
            let stream: String = row.try_get(2).map_err(db_err)?;
            let version = to_u64(row.try_get(3).map_err(db_err)?)?;
            stored.insert(id, Stored { position, stream, version });
        }
        for row in &heads {
            let stream: String = row.try_get(0).map_err(db_err)?;
            let head = decode_head(&stream, row.try_get(1).map_err(db_err)?, row.try_get(2).map_err(db_err)?)?;
            self.heads.insert(stream, head);
        }
        Ok(stored)
    }

    /// Decides what request `index` does, given what the requests before it staged.
    fn plan<'a>(&self, index: usize, request: &'a AppendRequest, staged: &mut Staged, stored: &HashMap<Uuid, Stored>) -> Plan<'a> {
        let stream = request.stream.as_str();
        let find = |id: &Uuid| staged.ids.get(id).or_else(|| stored.get(id)).cloned();
        if let Some(original) = find(&request.events[0].id) {
            if original.stream != stream {
                return Plan::Done(Err(StoreError::Invalid(format!(
                    "event id {} is already stored in stream {}",
                    request.events[0].id, original.stream
                ))));
            }
            let mut result =
                AppendResult { first_position: original.position, last_position: original.position, last_version: original.version };
            if let Some(last) = request.events.last().filter(|_| request.events.len() > 1)
                && let Some(found) = find(&last.id)
                && found.stream == stream
            {
                result.last_position = found.position;
                result.last_version = found.version;
            }
            return Plan::Done(Ok(result));
        }
        let mut seen = HashSet::with_capacity(request.events.len());
        if request.events.iter().any(|e| find(&e.id).is_some() || !seen.insert(e.id)) {
            return Plan::Done(Err(StoreError::Invalid(format!("an event id of this append to {stream} is already stored"))));
        }
        let current = staged.heads.get(stream).or_else(|| self.heads.get(stream)).copied();
        let actual = current.map(|h| h.version);
        let matches = match request.expected {
            ExpectedVersion::Any => true,
            ExpectedVersion::NoStream => actual.is_none(),
            ExpectedVersion::Exact(v) => actual == Some(v),
        };
        if !matches {
            return Plan::Done(Err(StoreError::Conflict { stream: stream.to_owned(), expected: request.expected, actual }));
        }

        let count = request.events.len();
        let first_version = current.map_or(0, |h| h.version + 1);
        let first_position = staged.next_position;
        let mut insert = Insert {
            request: index,
            stream,
            positions: Vec::with_capacity(count),
            ids: Vec::with_capacity(count),
            versions: Vec::with_capacity(count),
            types: Vec::with_capacity(count),
            data: Vec::with_capacity(count),
            metadata: Vec::with_capacity(count),
            hashes: Vec::with_capacity(count),
            prev_hashes: Vec::with_capacity(count),
            result: AppendResult {
                first_position,
                last_position: first_position + count as u64 - 1,
                last_version: first_version + count as u64 - 1,
            },
        };
        let mut prev_hash = current.map_or([0; 32], |h| h.hash);
        for (i, event) in request.events.iter().enumerate() {
            let (version, position) = (first_version + i as u64, first_position + i as u64);
            let (Ok(version_sql), Ok(position_sql)) = (to_i64(version), to_i64(position)) else {
                return Plan::Done(Err(StoreError::Invalid(format!("{stream}: version or position beyond bigint"))));
            };
            let canonical = canonical_bytes_json(stream, version, &event.id, &event.event_type, &event.data, &event.metadata);
            let hash = chain_hash(&prev_hash, &canonical);
            insert.positions.push(position_sql);
            insert.ids.push(event.id);
            insert.versions.push(version_sql);
            insert.types.push(&event.event_type);
            insert.data.push(&event.data);
            insert.metadata.push(&event.metadata);
            insert.hashes.push(hash);
            insert.prev_hashes.push(prev_hash);
            prev_hash = hash;
        }
        for (i, event) in request.events.iter().enumerate() {
            let at = Stored { position: first_position + i as u64, stream: stream.to_owned(), version: first_version + i as u64 };
            staged.ids.insert(event.id, at);
        }
        staged.next_position += count as u64;
        staged.heads.insert(stream.to_owned(), Head { version: insert.result.last_version, hash: prev_hash });
        Plan::Insert(insert)
    }

    /// Maps the failure of one request's insert (already rolled back to its savepoint). A clash
    /// on `(stream_id, version)` means the cached head was stale, which the lock should rule
    /// out; it is reported as a conflict and the head reloaded.
    async fn insert_error(&mut self, client: &Client, request: &AppendRequest, e: tokio_postgres::Error) -> Result<StoreError> {
        let Some(db) = e.as_db_error() else {
            return Err(db_err(e));
        };
        let code = db.code().code();
        if code == "23505" && db.constraint().is_some_and(|c| c.contains("stream_id")) {
            let row = client
                .query_typed_opt(
                    "SELECT version, hash FROM events WHERE stream_id = $1 ORDER BY version DESC LIMIT 1",
                    &[(&request.stream, Type::TEXT)],
                )
                .await
                .map_err(db_err)?;
            let head = match row {
                Some(row) => Some(decode_head(&request.stream, row.try_get(0).map_err(db_err)?, row.try_get(1).map_err(db_err)?)?),
                None => None,
            };
            match head {
                Some(head) => self.heads.insert(request.stream.clone(), head),
                None => self.heads.remove(&request.stream),
            };
            return Ok(StoreError::Conflict {
                stream: request.stream.clone(),
                expected: request.expected,
                actual: head.map(|h| h.version),
            });
        }
        if code == "23505" {
            return Ok(StoreError::Invalid(format!("an event id of this append to {} is already stored", request.stream)));
        }
        // Class 22 (data exception, e.g. a NUL character in text) and 23 (constraints) are the
        // request's own fault; anything else is the server's.
        if code.starts_with("22") || code.starts_with("23") {
            return Ok(StoreError::Invalid(format!("append to {} rejected by postgres: {} ({code})", request.stream, db.message())));
        }
        Ok(db_err(e))
    }
}

fn decode_head(stream: &str, version: i64, hash: &[u8]) -> Result<Head> {
    let hash = <[u8; 32]>::try_from(hash).map_err(|_| corrupt(format!("{stream} v{version}: hash is not 32 bytes")))?;
    Ok(Head { version: to_u64(version)?, hash })
}

type Pending<'a> = Pin<Box<dyn Future<Output = Result<(), tokio_postgres::Error>> + Send + 'a>>;

/// Sends every insert pipelined, each wrapped in its own savepoint. Returns `None` if all
/// succeeded, or the index of the first failed insert and its error after rolling back to its
/// savepoint (the inserts after it failed too, as the transaction was aborted).
async fn run_inserts(client: &Client, inserts: &[&Insert<'_>]) -> Result<Option<(usize, tokio_postgres::Error)>> {
    if inserts.is_empty() {
        return Ok(None);
    }
    let mut steps: Vec<Pending<'_>> = Vec::with_capacity(inserts.len() * 3);
    for insert in inserts {
        steps.push(Box::pin(client.batch_execute("SAVEPOINT canyu_append")));
        steps.push(Box::pin(async move {
            let hashes: Vec<&[u8]> = insert.hashes.iter().map(|h| h.as_slice()).collect();
            let prev_hashes: Vec<&[u8]> = insert.prev_hashes.iter().map(|h| h.as_slice()).collect();
            client
                .execute_typed(
                    INSERT,
                    &[
                        (&insert.positions, Type::INT8_ARRAY),
                        (&insert.ids, Type::UUID_ARRAY),
                        (&insert.stream, Type::TEXT),
                        (&insert.versions, Type::INT8_ARRAY),
                        (&insert.types, Type::TEXT_ARRAY),
                        (&insert.data, Type::TEXT_ARRAY),
                        (&insert.metadata, Type::TEXT_ARRAY),
                        (&hashes, Type::BYTEA_ARRAY),
                        (&prev_hashes, Type::BYTEA_ARRAY),
                    ],
                )
                .await
                .map(drop)
        }));
        steps.push(Box::pin(client.batch_execute("RELEASE SAVEPOINT canyu_append")));
    }
    let results = join_in_order(steps).await;
    let Some((step, error)) = results.into_iter().enumerate().find_map(|(i, r)| r.err().map(|e| (i, e))) else {
        return Ok(None);
    };
    // Only an INSERT refused by the server is the request's own failure.
    if step % 3 != 1 || error.as_db_error().is_none() {
        return Err(db_err(error));
    }
    client.batch_execute("ROLLBACK TO SAVEPOINT canyu_append; RELEASE SAVEPOINT canyu_append").await.map_err(db_err)?;
    Ok(Some((step / 3, error)))
}

/// Awaits `steps`, polling each for the first time in order, so that tokio-postgres sends their
/// messages in order (pipelining); the server answers them in the same order.
async fn join_in_order<'a>(mut steps: Vec<Pending<'a>>) -> Vec<Result<(), tokio_postgres::Error>> {
    let mut done: Vec<Option<Result<(), tokio_postgres::Error>>> = steps.iter().map(|_| None).collect();
    let mut first_pending = 0;
    let mut started = false;
    std::future::poll_fn(|cx| {
        // First call: poll all (sending all). Later calls: answers arrive in order, so poll
        // from the first unfinished step until one is still pending.
        for i in first_pending..steps.len() {
            if done[i].is_some() {
                continue;
            }
            match steps[i].as_mut().poll(cx) {
                Poll::Ready(result) => done[i] = Some(result),
                Poll::Pending if started => break,
                Poll::Pending => {}
            }
        }
        started = true;
        while first_pending < steps.len() && done[first_pending].is_some() {
            first_pending += 1;
        }
        if first_pending == steps.len() { Poll::Ready(()) } else { Poll::Pending }
    })
    .await;
    done.into_iter().map(|r| r.unwrap_or(Ok(()))).collect()
}
