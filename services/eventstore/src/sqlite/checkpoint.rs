//! Background WAL checkpoints, so the writer does not pay for them.
//!
//! A checkpoint copies the pages logged in the WAL back into the main file; SQLite runs one
//! inside the COMMIT that crosses `wal_autocheckpoint`, which stalled that commit (and every
//! append waiting behind it) for several milliseconds. Here a thread with its own connection
//! runs PASSIVE checkpoints while the writer keeps committing. A PASSIVE checkpoint cannot
//! restart the WAL while the writer keeps appending to it, and a WAL that only grows makes
//! every commit's fsync dearer, so once a pass has copied most of a large log the writer runs
//! a short checkpoint of the remainder itself, between two transactions; its next transaction
//! then starts the WAL again from the beginning.

use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

use super::schema::{db_err, open_checkpointer};
use crate::{Result, StoreError};

/// WAL frames (pages) after which the writer finishes a checkpoint so the WAL restarts.
const RESTART_AT_FRAMES: i64 = 1000;

/// Least time between two background passes; each pass ends with an fsync of the main file.
const PACE: Duration = Duration::from_millis(5);

pub(super) struct Checkpointer {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    wake: Condvar,
}

#[derive(Default)]
struct State {
    /// The writer committed since the last pass.
    dirty: bool,
    /// A pass left the WAL mostly copied and large: the writer should finish it.
    finish: bool,
    stop: bool,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        // Three flags cannot be left inconsistent by a panic.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Checkpointer {
    pub(super) fn spawn(path: &Path) -> Result<Self> {
        let conn = open_checkpointer(path)?;
        let shared = Arc::new(Shared::default());
        let thread = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("canyu-sqlite-checkpoint".into())
                .spawn(move || run(&conn, &shared))
                .map_err(|e| {
                    StoreError::Unavailable(format!("cannot start the checkpoint thread: {e}"))
                })?
        };
        Ok(Self { shared, thread: Some(thread) })
    }

    /// Tells the checkpointer the writer committed. Returns whether the writer should now
    /// finish a checkpoint (see [`finish`]).
    pub(super) fn committed(&self) -> bool {
        let finish = {
            let mut state = self.shared.state();
            state.dirty = true;
            std::mem::take(&mut state.finish)
        };
        self.shared.wake.notify_one();
        finish
    }
}

/// Run by the writer between transactions: copies what the last background pass left, so the
/// writer's next transaction restarts the WAL.
pub(super) fn finish(conn: &Connection) {
    if let Err(e) = checkpoint(conn) {
        tracing::warn!(error = %e, "writer checkpoint failed");
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.shared.state().stop = true;
        self.shared.wake.notify_one();
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("the sqlite checkpoint thread panicked");
        }
    }
}

fn run(conn: &Connection, shared: &Shared) {
    loop {
        {
            let mut state = shared.state();
            while !state.dirty && !state.stop {
                state = shared.wake.wait(state).unwrap_or_else(|p| p.into_inner());
            }
            if state.stop {
                return;
            }
            state.dirty = false;
        }
        match checkpoint(conn) {
            Ok((log, _)) if log >= RESTART_AT_FRAMES => shared.state().finish = true,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "background checkpoint failed"),
        }
        std::thread::sleep(PACE);
    }
}

/// A PASSIVE checkpoint: returns the frames in the WAL and how many of them are copied.
fn checkpoint(conn: &Connection) -> Result<(i64, i64)> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| Ok((r.get(1)?, r.get(2)?)))
        .map_err(db_err)
}
