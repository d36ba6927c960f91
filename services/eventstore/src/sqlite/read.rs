//! Reading: a small pool of connections used on the blocking thread pool, row decoding, and
//! the full-log verification.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::types::{FromSqlError, ValueRef};
use rusqlite::{Connection, Row};
use uuid::Uuid;

use super::schema::{corrupt, db_err, open_reader, to_u64};
use crate::{EventMetadata, RecordedEvent, Result, StoreError, canonical_bytes_json, chain_hash};

/// Idle connections kept for reuse; more are opened when reads overlap, then closed.
const MAX_IDLE: usize = 4;

const COLUMNS: &str = "position, id, stream_id, version, event_type, data, metadata, hash, prev_hash";

/// Reader connections of one event file.
pub(super) struct ReadPool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl ReadPool {
    /// Opens the pool with one connection, so a bad path fails now rather than on first read.
    pub(super) fn open(path: &Path) -> Result<Self> {
        let first = open_reader(path)?;
        Ok(Self { path: path.to_owned(), idle: Mutex::new(vec![first]) })
    }

    /// Runs `f` with a reader connection on the blocking thread pool.
    pub(super) async fn run<T, F>(self: &Arc<Self>, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let pool = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let conn = pool.take()?;
            let out = f(&conn);
            pool.give_back(conn);
            out
        })
        .await
        .map_err(|e| StoreError::Unavailable(format!("read task failed: {e}")))?
    }

    pub(super) async fn read_all(self: &Arc<Self>, after: u64, limit: usize) -> Result<Vec<RecordedEvent>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        self.run(move |conn| read_all(conn, after, limit)).await
    }

    fn take(&self) -> Result<Connection> {
        // A panic elsewhere cannot leave the list half-changed, so a poisoned lock is still usable.
        let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        match idle {
            Some(conn) => Ok(conn),
            None => open_reader(&self.path),
        }
    }

    fn give_back(&self, conn: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < MAX_IDLE {
            idle.push(conn);
        }
    }
}

pub(super) fn read_stream(conn: &Connection, stream: &str, from_version: u64, limit: usize) -> Result<Vec<RecordedEvent>> {
    let sql = format!("SELECT {COLUMNS} FROM events WHERE stream_id = ?1 AND version >= ?2 ORDER BY version LIMIT ?3");
    let mut stmt = conn.prepare_cached(&sql).map_err(db_err)?;
    // A version beyond i64 cannot be stored, so the stream reads empty from there.
    let Ok(from_version) = i64::try_from(from_version) else {
        return Ok(Vec::new());
    };
    let mut rows = stmt.query(rusqlite::params![stream, from_version, clamp(limit)]).map_err(db_err)?;
    let mut out = Vec::with_capacity(limit.min(1024));
    while let Some(row) = rows.next().map_err(db_err)? {
        out.push(decode(row)?);
    }
    Ok(out)
}

pub(super) fn read_all(conn: &Connection, after: u64, limit: usize) -> Result<Vec<RecordedEvent>> {
    let sql = format!("SELECT {COLUMNS} FROM events WHERE position > ?1 ORDER BY position LIMIT ?2");
    let mut stmt = conn.prepare_cached(&sql).map_err(db_err)?;
    let Ok(after) = i64::try_from(after) else {
        return Ok(Vec::new());
    };
    let mut rows = stmt.query(rusqlite::params![after, clamp(limit)]).map_err(db_err)?;
    let mut out = Vec::with_capacity(limit.min(4096));
    while let Some(row) = rows.next().map_err(db_err)? {
        out.push(decode(row)?);
    }
    Ok(out)
}

fn clamp(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

/// One row of [`COLUMNS`], borrowed from SQLite without copying.
struct RawRow<'a> {
    position: u64,
    id: Uuid,
    stream_id: &'a str,
    version: u64,
    event_type: &'a str,
    data: &'a str,
    metadata: &'a str,
    hash: [u8; 32],
    prev_hash: [u8; 32],
}

impl<'a> RawRow<'a> {
    fn from_row(row: &'a Row<'_>) -> Result<Self> {
        let position = to_u64(row.get::<_, i64>(0).map_err(db_err)?)?;
        let at = |what: &str, e: FromSqlError| corrupt(format!("event at position {position}: {what}: {e}"));
        let value = |i: usize| row.get_ref(i).map_err(db_err);
        let blob = |i: usize, what: &str| -> Result<&'a [u8]> { value(i)?.as_blob().map_err(|e| at(what, e)) };
        let text = |i: usize, what: &str| -> Result<&'a str> { value(i)?.as_str().map_err(|e| at(what, e)) };
        let hash32 = |i: usize, what: &str| -> Result<[u8; 32]> {
            <[u8; 32]>::try_from(blob(i, what)?).map_err(|_| corrupt(format!("event at position {position}: {what} is not 32 bytes")))
        };
        let id = Uuid::from_slice(blob(1, "id")?).map_err(|e| corrupt(format!("event at position {position}: id: {e}")))?;
        let version = match value(3)? {
            ValueRef::Integer(v) => to_u64(v)?,
            other => {
                return Err(corrupt(format!("event at position {position}: version is {:?}", other.data_type())));
            }
        };
        Ok(Self {
            position,
            id,
            stream_id: text(2, "stream_id")?,
            version,
            event_type: text(4, "event_type")?,
            data: text(5, "data")?,
            metadata: text(6, "metadata")?,
            hash: hash32(7, "hash")?,
            prev_hash: hash32(8, "prev_hash")?,
        })
    }
}

fn decode(row: &Row<'_>) -> Result<RecordedEvent> {
    let raw = RawRow::from_row(row)?;
    let metadata: EventMetadata =
        serde_json::from_str(raw.metadata).map_err(|e| corrupt(format!("event at position {}: metadata: {e}", raw.position)))?;
    Ok(RecordedEvent {
        id: raw.id,
        stream_id: raw.stream_id.to_owned(),
        version: raw.version,
        position: raw.position,
        event_type: raw.event_type.to_owned(),
        data: raw.data.to_owned(),
        metadata,
        hash: raw.hash,
        prev_hash: raw.prev_hash,
    })
}

/// Scans the whole log once in position order, checking positions are gap-free and every
/// stream's chain links and hashes. The stored metadata text is hashed as is: it is the exact
/// text that was hashed at append.
pub(super) fn verify_all(conn: &Connection) -> Result<u64> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM events ORDER BY position")).map_err(db_err)?;
    let mut rows = stmt.query([]).map_err(db_err)?;
    // Per stream: the next expected version and the hash it must chain onto.
    let mut streams: HashMap<String, (u64, [u8; 32])> = HashMap::new();
    let mut count = 0u64;
    while let Some(row) = rows.next().map_err(db_err)? {
        let e = RawRow::from_row(row)?;
        count += 1;
        if e.position != count {
            return Err(corrupt(format!("position {} follows {}: events are missing", e.position, count - 1)));
        }
        let (next_version, prev) = streams.get(e.stream_id).copied().unwrap_or((0, [0; 32]));
        if e.version != next_version || e.prev_hash != prev {
            return Err(corrupt(format!("{} v{}: chain link broken (position {})", e.stream_id, e.version, e.position)));
        }
        let canonical = canonical_bytes_json(e.stream_id, e.version, &e.id, e.event_type, e.data, e.metadata);
        if chain_hash(&prev, &canonical) != e.hash {
            return Err(corrupt(format!("{} v{}: hash mismatch (position {})", e.stream_id, e.version, e.position)));
        }
        match streams.get_mut(e.stream_id) {
            Some(entry) => *entry = (e.version + 1, e.hash),
            None => {
                streams.insert(e.stream_id.to_owned(), (e.version + 1, e.hash));
            }
        }
    }
    Ok(count)
}
