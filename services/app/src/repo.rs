//! Loading aggregates from their streams and appending their decisions, with an in-process
//! cache of folded state and one lock per stream (so local writers to one stream queue
//! instead of conflicting; conflicts with other processes are retried a bounded number of times).

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

use canyu_domain::{Aggregate, Event};
use canyu_eventstore::{EventMetadata, EventStore, ExpectedVersion, NewEvent, RecordedEvent, StoreError};
use uuid::Uuid;

use crate::{AppError, AppResult};

/// How many times a command is re-decided after a version conflict before `CONFLICT`.
pub const MAX_ATTEMPTS: usize = 8;

/// One stream's cached state, behind its own async lock.
type Slot<S> = Arc<tokio::sync::Mutex<Entry<S>>>;

struct Entry<S> {
    version: Option<u64>,
    state: Arc<S>,
}

/// What an accepted command wrote.
#[derive(Debug, Clone)]
pub struct Committed {
    /// Global position of the last event written.
    pub position: u64,
    pub events: Vec<Event>,
}

/// Decodes a stored event into a domain event; `None` for types this build does not know.
pub fn decode(e: &RecordedEvent) -> AppResult<Option<Event>> {
    if !canyu_domain::events::Event::TYPES.contains(&e.event_type.as_str()) {
        return Ok(None);
    }
    Event::decode(&e.event_type, &e.data)
        .map(Some)
        .map_err(|err| AppError::internal(format!("stored event {} ({}) does not decode", e.id, e.event_type), err))
}

/// The events of one aggregate type.
pub struct Repo<A: Aggregate> {
    store: Arc<dyn EventStore>,
    /// Keep folded state between commands (false for one-shot streams such as comments).
    cache: bool,
    entries: Mutex<HashMap<String, Slot<A::State>>>,
    _a: PhantomData<A>,
}

impl<A: Aggregate> Repo<A>
where
    A::State: Send + Sync + 'static,
{
    pub fn new(store: Arc<dyn EventStore>, cache: bool) -> Self {
        Repo { store, cache, entries: Mutex::new(HashMap::new()), _a: PhantomData }
    }

    fn entry(&self, stream: &str) -> Slot<A::State> {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(stream.to_string())
            .or_insert_with(|| Arc::new(tokio::sync::Mutex::new(Entry { version: None, state: Arc::default() })))
            .clone()
    }

    fn release(&self, stream: &str) {
        if !self.cache {
            let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            if map.get(stream).is_some_and(|e| Arc::strong_count(e) == 1) {
                map.remove(stream);
            }
        }
    }

    async fn catch_up(&self, stream: &str, entry: &mut Entry<A::State>) -> AppResult<()> {
        const PAGE: usize = 1000;
        loop {
            let from = entry.version.map_or(0, |v| v + 1);
            let page = self.store.read_stream(stream, from, PAGE).await?;
            if !page.is_empty() {
                let state = Arc::make_mut(&mut entry.state);
                let mut s = std::mem::take(state);
                for e in &page {
                    if let Some(ev) = decode(e)? {
                        s = A::evolve(s, &ev);
                    }
                }
                *state = s;
                entry.version = page.last().map(|e| e.version);
            }
            if page.len() < PAGE {
                return Ok(());
            }
        }
    }

    /// The aggregate's current state and version (`None`: no events).
    pub async fn load(&self, stream: &str) -> AppResult<(Arc<A::State>, Option<u64>)> {
        let entry = self.entry(stream);
        let result = {
            let mut guard = entry.lock().await;
            self.catch_up(stream, &mut guard).await.map(|_| (guard.state.clone(), guard.version))
        };
        drop(entry);
        self.release(stream);
        result
    }

    /// Runs `decide` against the current state and appends its events with the expected
    /// version, re-deciding after a conflict. An empty decision writes nothing.
    pub async fn execute<F>(&self, stream: &str, meta: &EventMetadata, mut decide: F) -> AppResult<Committed>
    where
        F: FnMut(&A::State) -> AppResult<Vec<Event>>,
    {
        let entry = self.entry(stream);
        let result = async {
            let mut guard = entry.lock().await;
            // The first attempt decides on the state at hand (the cache, or an empty new stream)
            // without reading: the append's expected version proves it current. A refusal or a
            // conflict reads the stream and decides again.
            let mut read = false;
            for _ in 0..MAX_ATTEMPTS {
                let events = match decide(&guard.state) {
                    Ok(events) if read || !events.is_empty() => events,
                    Ok(_) | Err(_) if !read => {
                        // Every later attempt follows a conflict, which reads again.
                        self.catch_up(stream, &mut guard).await?;
                        decide(&guard.state)?
                    }
                    other => other?,
                };
                if events.is_empty() {
                    return Err(AppError::bug("a command decided no events"));
                }
                let expected = guard.version.map_or(ExpectedVersion::NoStream, ExpectedVersion::Exact);
                let new: Vec<NewEvent> = events
                    .iter()
                    .map(|e| NewEvent {
                        id: Uuid::now_v7(),
                        event_type: e.event_type().to_string(),
                        data: e.to_data(),
                        metadata: meta.clone(),
                    })
                    .collect();
                match self.store.append(stream, expected, new).await {
                    Ok(r) => {
                        let state = Arc::make_mut(&mut guard.state);
                        let mut s = std::mem::take(state);
                        for e in &events {
                            s = A::evolve(s, e);
                        }
                        *state = s;
                        guard.version = Some(r.last_version);
                        return Ok(Committed { position: r.last_position, events });
                    }
                    Err(StoreError::Conflict { .. }) => {
                        self.catch_up(stream, &mut guard).await?;
                        read = true;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            Err(AppError::Conflict(format!("{stream} is changing too fast; try again")))
        }
        .await;
        drop(entry);
        self.release(stream);
        result
    }
}
