//! Opening connections, pragmas, hand-written migrations (`PRAGMA user_version`) and the
//! mapping of SQLite errors to [`StoreError`].

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};

use crate::{Result, StoreError};

/// Migrations of the event file, applied in order; the file's `user_version` counts those done.
const EVENT_MIGRATIONS: &[&str] = &["CREATE TABLE events (
        position   INTEGER PRIMARY KEY,
        id         BLOB    NOT NULL UNIQUE,
        stream_id  TEXT    NOT NULL,
        version    INTEGER NOT NULL,
        event_type TEXT    NOT NULL,
        data       TEXT    NOT NULL,
        metadata   TEXT    NOT NULL,
        hash       BLOB    NOT NULL,
        prev_hash  BLOB    NOT NULL,
        UNIQUE (stream_id, version)
    ) STRICT;"];

/// Migrations of the key file.
const KEY_MIGRATIONS: &[&str] = &[
    "CREATE TABLE subject_keys (
        subject    TEXT    PRIMARY KEY,
        key        BLOB    NOT NULL CHECK (length(key) = 32),
        created_at INTEGER NOT NULL DEFAULT (unixepoch())
    ) STRICT;",
    // Tombstones of erased subjects: a key is never created for them again.
    "CREATE TABLE erased_subjects (
        subject   TEXT    PRIMARY KEY,
        erased_at INTEGER NOT NULL DEFAULT (unixepoch())
    ) STRICT;",
    // Names (digests of login names) and the subject holding each: removed on erasure.
    "CREATE TABLE subject_names (
        name    TEXT PRIMARY KEY,
        subject TEXT NOT NULL
    ) STRICT;
    CREATE INDEX subject_names_by_subject ON subject_names (subject);",
];

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Maps a SQLite error: damaged files are `Corrupt`, everything else `Unavailable`.
pub(super) fn db_err(e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => StoreError::Corrupt(format!("sqlite: {e}")),
        _ => StoreError::Unavailable(format!("sqlite: {e}")),
    }
}

/// SQLite's own check of a file (`PRAGMA integrity_check`): every page, every index against
/// its table. The chains prove the events; this proves the file that holds them, including the
/// index pages the chains never read (issue 10: a flipped byte there went unnoticed).
pub(super) fn integrity_check(conn: &Connection, file: &str) -> Result<()> {
    let mut problems = Vec::new();
    let checked = conn.prepare("PRAGMA integrity_check(20)").and_then(|mut stmt| {
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            problems.push(row.get::<_, String>(0)?);
        }
        Ok(())
    });
    match checked {
        Err(e) => Err(corrupt(format!("{file}: SQLite integrity_check could not run: {e}"))),
        Ok(()) if problems == ["ok"] => Ok(()),
        Ok(()) => Err(corrupt(format!("{file}: SQLite integrity_check found: {}", problems.join("; ")))),
    }
}

pub(super) fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

pub(super) fn to_u64(n: i64) -> Result<u64> {
    u64::try_from(n).map_err(|_| corrupt(format!("negative position or version {n}")))
}

/// Takes an exclusive advisory lock next to the event file, so that two writers (two stores
/// in one process, or two processes) never share it: the writer's head cache and position
/// counter assume they are the only writer.
pub(super) fn lock_writer(path: &Path) -> Result<File> {
    let mut lock_path = PathBuf::from(path.as_os_str());
    lock_path.as_mut_os_string().push(".lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| StoreError::Unavailable(format!("cannot open {}: {e}", lock_path.display())))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(StoreError::Unavailable(format!("{} is already open by another event store", path.display()))),
        Err(TryLockError::Error(e)) => Err(StoreError::Unavailable(format!("cannot lock {}: {e}", lock_path.display()))),
    }
}

/// Opens the event file for writing: creates it, sets WAL and `synchronous=FULL`, migrates.
pub(super) fn open_events(path: &Path) -> Result<Connection> {
    let mut conn = open_durable(path)?;
    // SQLite's default page cache (2 MiB) on purpose: every COMMIT scans the whole cache's hash
    // table (pcache1Truncate), which cost 10% of the writer's CPU with a 64 MiB cache.
    migrate(&mut conn, EVENT_MIGRATIONS)?;
    Ok(conn)
}

/// Opens the key file: like the event file, plus `secure_delete` so a deleted key's bytes are
/// overwritten rather than left in a free page.
pub(super) fn open_keys(path: &Path) -> Result<Connection> {
    let mut conn = open_durable(path)?;
    conn.execute_batch("PRAGMA secure_delete = ON;").map_err(db_err)?;
    migrate(&mut conn, KEY_MIGRATIONS)?;
    Ok(conn)
}

/// Opens a reader of the event file. It is opened read-write but `query_only`, because a
/// read-only connection cannot recreate the WAL index if it is the last one left open.
pub(super) fn open_reader(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags).map_err(db_err)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(db_err)?;
    conn.execute_batch("PRAGMA query_only = ON;").map_err(db_err)?;
    Ok(conn)
}

fn open_durable(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path).map_err(db_err)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(db_err)?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).map_err(db_err)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Unavailable(format!("{}: cannot enable WAL (got {mode})", path.display())));
    }
    // FULL: an acknowledged write survives power loss, not only a crash of the process.
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY;").map_err(db_err)?;
    Ok(conn)
}

fn migrate(conn: &mut Connection, migrations: &[&str]) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_err)?;
    let done: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(db_err)?;
    let done = usize::try_from(done).map_err(|_| corrupt(format!("negative user_version {done}")))?;
    if done > migrations.len() {
        return Err(StoreError::Unavailable(format!("schema version {done} is newer than this build knows ({})", migrations.len())));
    }
    for sql in &migrations[done..] {
        tx.execute_batch(sql).map_err(db_err)?;
    }
    if done < migrations.len() {
        tx.pragma_update(None, "user_version", migrations.len() as i64).map_err(db_err)?;
    }
    tx.commit().map_err(db_err)
}

/// The highest stored position, 0 for an empty log.
pub(super) fn load_head(conn: &Connection) -> Result<u64> {
    let head: Option<i64> = conn.query_row("SELECT max(position) FROM events", [], |r| r.get(0)).map_err(db_err)?;
    to_u64(head.unwrap_or(0))
}
