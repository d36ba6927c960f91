//! `subscribe_all`: page through the log, then wait for a wake-up (a local commit, a `NOTIFY`
//! from any process) or the poll interval, and read again. Positions become visible in order
//! (ADR 0007), so reading `position > after` never skips an event.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use futures::stream::{self, BoxStream, StreamExt};
use tokio::sync::watch;

use super::pool::Pool;
use super::read::read_all;
use crate::{RecordedEvent, Result, StoreError};

/// Events read per page, while catching up and live.
const PAGE: usize = 1000;

/// How often a caught-up subscription reads anyway, in case a `NOTIFY` was lost.
const POLL: Duration = Duration::from_millis(500);

struct Subscription {
    readers: Arc<Pool>,
    wake: watch::Receiver<u64>,
    /// Position of the last event handed out.
    after: u64,
    page: VecDeque<RecordedEvent>,
    /// The store is gone: deliver what is committed, then end.
    closed: bool,
    failed: bool,
}

pub(super) fn subscribe(readers: Arc<Pool>, wake: watch::Receiver<u64>, after: u64) -> BoxStream<'static, Result<RecordedEvent>> {
    let state = Subscription { readers, wake, after, page: VecDeque::new(), closed: false, failed: false };
    stream::unfold(state, next).boxed()
}

async fn next(mut s: Subscription) -> Option<(Result<RecordedEvent>, Subscription)> {
    loop {
        if s.failed {
            return None;
        }
        if let Some(event) = s.page.pop_front() {
            // Positions are gap-free by construction; anything else is a broken store.
            if event.position != s.after + 1 {
                s.failed = true;
                let gap = StoreError::Corrupt(format!("subscription expected position {} but read {}", s.after + 1, event.position));
                return Some((Err(gap), s));
            }
            s.after = event.position;
            return Some((Ok(event), s));
        }
        // Mark the wake-ups seen before reading, so a commit after this point wakes `changed`.
        s.wake.borrow_and_update();
        match read_all(&s.readers, s.after, PAGE).await {
            Ok(page) if !page.is_empty() => {
                s.page = page.into();
                continue;
            }
            Ok(_) => {}
            Err(e) => {
                // The caller resubscribes from its checkpoint once the server is back.
                s.failed = true;
                return Some((Err(e), s));
            }
        }
        if s.closed {
            return None;
        }
        tokio::select! {
            changed = s.wake.changed() => {
                if changed.is_err() {
                    s.closed = true;
                }
            }
            () = tokio::time::sleep(POLL) => {}
        }
    }
}
