//! The single writer thread and its group commit.
//!
//! The thread blocks for one append request, drains up to [`MAX_BATCH`] more that are already
//! queued, and runs them all in one `BEGIN IMMEDIATE` … `COMMIT`, each inside its own
//! SAVEPOINT so a failing request rolls back alone. Replies go out only after COMMIT returns,
//! and the new head is published just before them.

use std::collections::HashMap;
use std::fs::File;
use std::sync::mpsc;
use std::thread::JoinHandle;

use rusqlite::{Connection, ErrorCode, OptionalExtension, params};
use tokio::sync::{oneshot, watch};
use uuid::Uuid;

use super::schema::{db_err, load_head, to_u64};
use crate::{AppendResult, ExpectedVersion, NewEvent, Result, StoreError, canonical_bytes_json, chain_hash};

/// Most requests committed together; bounds the latency one commit adds to its first request.
const MAX_BATCH: usize = 513;

/// Stream heads cached by the writer; the cache is emptied when it grows past this.
const HEAD_CACHE_CAP: usize = 100_000;

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

/// The store's side of the writer thread. Dropping it closes the queue; the thread finishes
/// what is queued, closes the connection and exits, and the drop waits for that.
pub(super) struct WriterHandle {
    queue: Option<mpsc::Sender<AppendRequest>>,
    thread: Option<JoinHandle<()>>,
}

impl WriterHandle {
    pub(super) async fn append(&self, stream: String, expected: ExpectedVersion, events: Vec<PendingEvent>) -> Result<AppendResult> {
        let stopped = || StoreError::Unavailable("the sqlite writer thread has stopped".into());
        let (reply, answer) = oneshot::channel();
        let queue = self.queue.as_ref().ok_or_else(stopped)?;
        queue.send(AppendRequest { stream, expected, events, reply }).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

impl Drop for WriterHandle {
    fn drop(&mut self) {
        self.queue.take();
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("the sqlite writer thread panicked");
        }
    }
}

/// Starts the writer thread on `conn`, which must be the only writer of the file (`lock`
/// proves it and is held until the thread exits).
pub(super) fn spawn(conn: Connection, lock: File, head: u64, head_tx: watch::Sender<u64>) -> Result<WriterHandle> {
    let (queue, requests) = mpsc::channel();
    let writer = Writer { conn, _lock: lock, heads: HashMap::new(), head, head_tx };
    let thread = std::thread::Builder::new()
        .name("canyu-sqlite-writer".into())
        .spawn(move || writer.run(requests))
        .map_err(|e| StoreError::Unavailable(format!("cannot start the sqlite writer thread: {e}")))?;
    Ok(WriterHandle { queue: Some(queue), thread: Some(thread) })
}

struct Writer {
    conn: Connection,
    _lock: File,
    /// Heads of recently written streams, as committed. Never holds uncommitted state.
    heads: HashMap<String, Head>,
    /// Position of the last committed event.
    head: u64,
    head_tx: watch::Sender<u64>,
}

impl Writer {
    fn run(mut self, requests: mpsc::Receiver<AppendRequest>) {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        while let Ok(first) = requests.recv() {
            batch.push(first);
            while batch.len() < MAX_BATCH {
                match requests.try_recv() {
                    Ok(request) => batch.push(request),
                    Err(_) => break,
                }
            }
            let outcomes = self.commit_batch(&batch);
            for (request, outcome) in batch.drain(..).zip(outcomes) {
                // The appender may have gone away (cancelled); its append stands regardless.
                let _ = request.reply.send(outcome);
            }
        }
    }

    /// Runs `batch` in one transaction. Returns one outcome per request, in order.
    fn commit_batch(&mut self, batch: &[AppendRequest]) -> Vec<Result<AppendResult>> {
        if let Err(e) = self.exec("BEGIN IMMEDIATE") {
            return batch.iter().map(|_| Err(unavailable(&e))).collect();
        }
        // Heads written by this transaction; they join `self.heads` only once it commits.
        let mut staged = HashMap::new();
        let mut next_position = self.head + 1;
        let mut outcomes = Vec::with_capacity(batch.len());
        let mut aborted = false;
        for request in batch {
            if aborted {
                outcomes.push(Err(StoreError::Unavailable("the transaction was aborted by an earlier error".into())));
                continue;
            }
            outcomes.push(self.apply(request, &mut staged, &mut next_position));
            // Some errors (disk full, I/O) make SQLite roll back the whole transaction; further
            // statements would then autocommit one by one, outside the group.
            aborted = self.conn.is_autocommit();
        }
        let commit = if aborted { Err(StoreError::Unavailable("sqlite rolled back the transaction".into())) } else { self.exec("COMMIT") };
        match commit {
            Ok(()) => {
                if self.heads.len() + staged.len() > HEAD_CACHE_CAP {
                    self.heads.clear();
                }
                self.heads.extend(staged);
                self.head = next_position - 1;
                let head = self.head;
                self.head_tx.send_if_modified(|published| std::mem::replace(published, head) != head);
                outcomes
            }
            Err(e) => {
                tracing::error!(error = %e, requests = batch.len(), "sqlite group commit failed");
                if !self.conn.is_autocommit() {
                    let _ = self.exec("ROLLBACK");
                }
                // What is on disk is now uncertain; forget everything and reload lazily.
                self.heads.clear();
                match load_head(&self.conn) {
                    Ok(head) => self.head = head,
                    Err(e) => {
                        tracing::error!(error = %e, "cannot reload the head after a failed commit")
                    }
                }
                outcomes.into_iter().map(|o| o.and(Err(unavailable(&e)))).collect()
            }
        }
    }

    /// Checks and inserts one request inside the open transaction.
    fn apply(&mut self, request: &AppendRequest, staged: &mut HashMap<String, Head>, next_position: &mut u64) -> Result<AppendResult> {
        let stream = request.stream.as_str();
        if let Some(original) = self.original_result(request)? {
            return Ok(original);
        }
        let current = match staged.get(stream).or_else(|| self.heads.get(stream)) {
            Some(head) => Some(*head),
            None => self.load_stream_head(stream)?,
        };
        let actual = current.map(|h| h.version);
        let matches = match request.expected {
            ExpectedVersion::Any => true,
            ExpectedVersion::NoStream => actual.is_none(),
            ExpectedVersion::Exact(v) => actual == Some(v),
        };
        if !matches {
            return Err(StoreError::Conflict { stream: stream.to_owned(), expected: request.expected, actual });
        }

        self.exec_cached("SAVEPOINT append")?;
        let head = match self.insert(request, current, *next_position) {
            Ok(head) => match self.exec_cached("RELEASE append") {
                Ok(()) => head,
                Err(e) => {
                    self.undo_request();
                    return Err(e);
                }
            },
            Err(e) => {
                // Undo first, so that mapping the error reads the stream as it was.
                self.undo_request();
                return Err(self.insert_error(request, e));
            }
        };
        let count = request.events.len() as u64;
        let result = AppendResult { first_position: *next_position, last_position: *next_position + count - 1, last_version: head.version };
        *next_position += count;
        staged.insert(request.stream.clone(), head);
        Ok(result)
    }

    /// Rolls back the current request's savepoint, leaving the rest of the group intact.
    fn undo_request(&self) {
        let _ = self.exec_cached("ROLLBACK TO append");
        let _ = self.exec_cached("RELEASE append");
    }

    /// If the request's first event is already stored, the result of the append that stored it.
    fn original_result(&self, request: &AppendRequest) -> Result<Option<AppendResult>> {
        let Some((first_position, stream, first_version)) = self.find_event(&request.events[0].id)? else {
            return Ok(None);
        };
        if stream != request.stream {
            return Err(StoreError::Invalid(format!("event id {} is already stored in stream {stream}", request.events[0].id)));
        }
        let mut result = AppendResult { first_position, last_position: first_position, last_version: first_version };
        if let Some(last) = request.events.last().filter(|_| request.events.len() > 1)
            && let Some((position, stream, version)) = self.find_event(&last.id)?
            && stream == request.stream
        {
            result.last_position = position;
            result.last_version = version;
        }
        Ok(Some(result))
    }

    fn find_event(&self, id: &Uuid) -> Result<Option<(u64, String, u64)>> {
        let mut stmt = self.conn.prepare_cached("SELECT position, stream_id, version FROM events WHERE id = ?1").map_err(db_err)?;
        let found = stmt
            .query_row([id.as_bytes()], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)))
            .optional()
            .map_err(db_err)?;
        found.map(|(position, stream, version)| Ok((to_u64(position)?, stream, to_u64(version)?))).transpose()
    }

    fn load_stream_head(&self, stream: &str) -> Result<Option<Head>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT version, hash FROM events WHERE stream_id = ?1 ORDER BY version DESC LIMIT 1")
            .map_err(db_err)?;
        let found = stmt.query_row([stream], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?))).optional().map_err(db_err)?;
        let Some((version, hash)) = found else {
            return Ok(None);
        };
        let hash =
            <[u8; 32]>::try_from(hash.as_slice()).map_err(|_| StoreError::Corrupt(format!("{stream} v{version}: hash is not 32 bytes")))?;
        Ok(Some(Head { version: to_u64(version)?, hash }))
    }

    /// Inserts the request's events after `current`, from `position` on. Returns the new head.
    fn insert(&self, request: &AppendRequest, current: Option<Head>, position: u64) -> rusqlite::Result<Head> {
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO events (position, id, stream_id, version, event_type, data, metadata, hash, prev_hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        let mut head = Head { version: 0, hash: [0; 32] };
        let mut prev_hash = current.map_or([0; 32], |h| h.hash);
        let first_version = current.map_or(0, |h| h.version + 1);
        for (i, (event, position)) in request.events.iter().zip(position..).enumerate() {
            let version = first_version + i as u64;
            let canonical = canonical_bytes_json(&request.stream, version, &event.id, &event.event_type, &event.data, &event.metadata);
            let hash = chain_hash(&prev_hash, &canonical);
            stmt.execute(params![
                sql_int(position)?,
                event.id.as_bytes(),
                request.stream,
                sql_int(version)?,
                event.event_type,
                event.data,
                event.metadata,
                hash,
                prev_hash,
            ])?;
            prev_hash = hash;
            head = Head { version, hash };
        }
        Ok(head)
    }

    /// Maps an insert failure. A clash on `(stream_id, version)` means the cached head was
    /// stale, which the single writer should rule out; it is reported as a conflict.
    fn insert_error(&mut self, request: &AppendRequest, e: rusqlite::Error) -> StoreError {
        let message = e.to_string();
        if e.sqlite_error_code() != Some(ErrorCode::ConstraintViolation) {
            return db_err(e);
        }
        if message.contains("events.id") {
            return StoreError::Invalid(format!("an event id of this append to {} is already stored", request.stream));
        }
        if message.contains("events.stream_id") {
            self.heads.remove(&request.stream);
            let actual = self.load_stream_head(&request.stream).ok().flatten().map(|h| h.version);
            return StoreError::Conflict { stream: request.stream.clone(), expected: request.expected, actual };
        }
        db_err(e)
    }

    fn exec(&self, sql: &str) -> Result<()> {
        self.conn.execute_batch(sql).map_err(db_err)
    }

    fn exec_cached(&self, sql: &str) -> Result<()> {
        self.conn.prepare_cached(sql).and_then(|mut s| s.execute([])).map(drop).map_err(db_err)
    }
}

fn sql_int(n: u64) -> rusqlite::Result<i64> {
    i64::try_from(n).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

/// The same failure as `Unavailable`, for every request of a group that shared it.
fn unavailable(e: &StoreError) -> StoreError {
    StoreError::Unavailable(e.to_string())
}
