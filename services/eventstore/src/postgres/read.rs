//! Reading: row decoding, stream and global reads, the head, and the full-log verification.

use std::collections::HashMap;

use tokio_postgres::Row;
use tokio_postgres::types::Type;
use uuid::Uuid;

use super::pool::Pool;
use super::schema::{corrupt, db_err, to_u64};
use crate::{EventMetadata, RecordedEvent, Result, canonical_bytes_json, chain_hash};

const COLUMNS: &str = "position, id, stream_id, version, event_type, data, metadata, hash, prev_hash";

/// Events per page of [`verify_all`].
const VERIFY_PAGE: i64 = 10_000;

pub(super) async fn read_stream(pool: &Pool, stream: &str, from_version: u64, limit: usize) -> Result<Vec<RecordedEvent>> {
    // A version beyond i64 cannot be stored, so the stream reads empty from there.
    let Ok(from_version) = i64::try_from(from_version) else {
        return Ok(Vec::new());
    };
    let sql = format!("SELECT {COLUMNS} FROM events WHERE stream_id = $1 AND version >= $2 ORDER BY version LIMIT $3");
    let limit = clamp(limit);
    let rows = pool
        .run(async |c| {
            c.query_typed(&sql, &[(&stream, Type::TEXT), (&from_version, Type::INT8), (&limit, Type::INT8)]).await.map_err(db_err)
        })
        .await?;
    rows.iter().map(decode).collect()
}

pub(super) async fn read_all(pool: &Pool, after: u64, limit: usize) -> Result<Vec<RecordedEvent>> {
    let Ok(after) = i64::try_from(after) else {
        return Ok(Vec::new());
    };
    let rows = read_all_rows(pool, after, clamp(limit)).await?;
    rows.iter().map(decode).collect()
}

async fn read_all_rows(pool: &Pool, after: i64, limit: i64) -> Result<Vec<Row>> {
    let sql = format!("SELECT {COLUMNS} FROM events WHERE position > $1 ORDER BY position LIMIT $2");
    pool.run(async |c| c.query_typed(&sql, &[(&after, Type::INT8), (&limit, Type::INT8)]).await.map_err(db_err)).await
}

pub(super) async fn head(pool: &Pool) -> Result<u64> {
    let head: i64 =
        pool.run(async |c| c.query_typed_one("SELECT coalesce(max(position), 0) FROM events", &[]).await.map_err(db_err)).await?.get(0);
    to_u64(head)
}

fn clamp(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

/// One row of [`COLUMNS`], borrowed from the row without copying.
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
    fn from_row(row: &'a Row) -> Result<Self> {
        let position = to_u64(row.try_get::<_, i64>(0).map_err(db_err)?)?;
        let at = |what: &str, e: tokio_postgres::Error| corrupt(format!("event at position {position}: {what}: {e}"));
        let hash32 = |i: usize, what: &str| -> Result<[u8; 32]> {
            let bytes: &[u8] = row.try_get(i).map_err(|e| at(what, e))?;
            <[u8; 32]>::try_from(bytes).map_err(|_| corrupt(format!("event at position {position}: {what} is not 32 bytes")))
        };
        Ok(Self {
            position,
            id: row.try_get(1).map_err(|e| at("id", e))?,
            stream_id: row.try_get(2).map_err(|e| at("stream_id", e))?,
            version: to_u64(row.try_get(3).map_err(|e| at("version", e))?)?,
            event_type: row.try_get(4).map_err(|e| at("event_type", e))?,
            data: row.try_get(5).map_err(|e| at("data", e))?,
            metadata: row.try_get(6).map_err(|e| at("metadata", e))?,
            hash: hash32(7, "hash")?,
            prev_hash: hash32(8, "prev_hash")?,
        })
    }
}

fn decode(row: &Row) -> Result<RecordedEvent> {
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

/// Scans the whole log in position order, a page at a time, checking positions are gap-free
/// and every stream's chain links and hashes. The stored metadata text is hashed as is: it is
/// the exact text that was hashed at append.
pub(super) async fn verify_all(pool: &Pool) -> Result<u64> {
    // Per stream: the next expected version and the hash it must chain onto.
    let mut streams: HashMap<String, (u64, [u8; 32])> = HashMap::new();
    let mut count = 0u64;
    loop {
        let after = i64::try_from(count).map_err(|_| corrupt("log longer than i64"))?;
        let rows = read_all_rows(pool, after, VERIFY_PAGE).await?;
        if rows.is_empty() {
            return Ok(count);
        }
        for row in &rows {
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
    }
}
