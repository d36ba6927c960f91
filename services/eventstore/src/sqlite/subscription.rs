//! `subscribe_all`: page through the log, then wait for the writer to announce a higher head.

use std::collections::VecDeque;
use std::sync::Arc;

use futures::stream::{self, BoxStream, StreamExt};
use tokio::sync::watch;

use super::read::ReadPool;
use crate::{RecordedEvent, Result, StoreError};

/// Events read per page, while catching up and live.
const PAGE: usize = 1000;

struct Subscription {
    readers: Arc<ReadPool>,
    /// The committed head, published by the writer after each commit.
    head: watch::Receiver<u64>,
    /// Position of the last event handed out.
    after: u64,
    page: VecDeque<RecordedEvent>,
    /// The writer is gone: deliver what is committed, then end.
    closed: bool,
    failed: bool,
}

pub(super) fn subscribe(readers: Arc<ReadPool>, head: watch::Receiver<u64>, after: u64) -> BoxStream<'static, Result<RecordedEvent>> {
    let state = Subscription { readers, head, after, page: VecDeque::new(), closed: false, failed: false };
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
        // Mark the head seen before reading, so a commit after this point wakes `changed`.
        let head = *s.head.borrow_and_update();
        if head > s.after {
            match s.readers.read_all(s.after, PAGE).await {
                Ok(page) if !page.is_empty() => {
                    s.page = page.into();
                    continue;
                }
                Ok(_) => {}
                Err(e) => {
                    s.failed = true;
                    return Some((Err(e), s));
                }
            }
        }
        if s.closed {
            return None;
        }
        if s.head.changed().await.is_err() {
            // The last published head stays readable; the loop drains up to it, then ends.
            s.closed = true;
        }
    }
}
