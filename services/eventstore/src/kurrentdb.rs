//! KurrentDB backend, on the official `kurrentdb` client (ADR 0008).
//!
//! Each port stream is a KurrentDB stream (optionally under a name prefix, which scopes the
//! store), its version the stream revision. Our envelope fields that KurrentDB has no place
//! for travel in the event's custom metadata as JSON: the [`EventMetadata`] text exactly as
//! hashed, the hash and the previous hash. The payload's JSON text is stored byte for byte (as
//! `application/octet-stream`: the client's JSON constructor would re-serialise it and break
//! the hash).
//!
//! **Positions.** `position` is the event's commit position in the KurrentDB log: strictly
//! increasing in `$all` order, the same on every node and every process, but not contiguous,
//! so [`EventStore::capabilities`] reports `contiguous_positions: false`. `read_all(after)` and
//! `subscribe_all(after)` start right after the event at `after` (pass positions this store
//! handed out). Stream reads need KurrentDB 22.10 or newer, which reports `$all` positions on
//! them.
//!
//! **Appends.** The stream's last event is read to learn its version and hash, the expected
//! version checked, the chain extended, and the append sent with that exact revision as its
//! expected state, so a concurrent writer anywhere makes it fail with `WrongExpectedVersion`
//! (a [`StoreError::Conflict`], or another try for `Any`). Idempotent retry: the stream is read
//! backwards (at most [`IDEMPOTENCY_SCAN`] events) for the first event id; if found, the
//! original result is returned and nothing written. Unlike SQLite and PostgreSQL, an id stored
//! in *another* stream is not detected.

use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use futures::stream::{self, BoxStream, StreamExt};
use kurrentdb::{
    AppendToStreamOptions, Client, ClientSettings, EventData, Position, ReadAllOptions, ReadStreamOptions, ResolvedEvent, StreamPosition,
    StreamState, SubscribeToAllOptions, SubscriptionEvent, SubscriptionFilter,
};
use serde::{Deserialize, Serialize};

use crate::{
    AppendResult, Capabilities, EventMetadata, EventStore, ExpectedVersion, NewEvent, RecordedEvent, Result, StoreError,
    canonical_bytes_json, chain_hash,
};

/// How far back an append looks for its first event id (idempotent retry).
pub const IDEMPOTENCY_SCAN: usize = 10_000;

/// Tries of an `Any` append that keeps losing races to other writers.
const ANY_TRIES: usize = 50;

/// Events per `$all` read page.
const PAGE: usize = 1000;

/// The envelope fields kept in KurrentDB's custom metadata.
#[derive(Serialize, Deserialize)]
struct Envelope {
    /// Marks events written by this store; events without it are not ours and are skipped.
    canyu: u32,
    /// [`EventMetadata`] serialised, exactly the text that was hashed.
    meta: String,
    hash: String,
    prev_hash: String,
}

/// The KurrentDB event store. Cheap to clone; clones share the client's connection.
#[derive(Clone)]
pub struct KurrentDbEventStore {
    client: Client,
    /// Prepended to every stream name; `$all` reads see only streams starting with it.
    prefix: String,
}

impl KurrentDbEventStore {
    /// Connects to the node or cluster at `url`, e.g.
    /// `kurrentdb://admin:changeit@localhost:2113?tls=false` or `kurrentdb+discover://…`.
    /// The client connects lazily: an unreachable server shows up as
    /// [`StoreError::Unavailable`] on the first call, not here.
    pub async fn connect(url: &str) -> Result<Self> {
        let settings: ClientSettings = url.parse().map_err(|e| StoreError::Invalid(format!("bad KurrentDB URL: {e}")))?;
        let client = Client::new(settings).map_err(|e| StoreError::Unavailable(format!("kurrentdb: {e}")))?;
        Ok(Self { client, prefix: String::new() })
    }

    /// Scopes the store to streams named `prefix…` (stored with the prefix, reported without
    /// it), so several logs (or test runs) can share one database. Use a prefix no other
    /// stream name starts with, e.g. `canyu-prod/`.
    pub fn with_stream_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Checks every stream's hash chain in one pass over `$all`, and that positions strictly
    /// increase. Returns the number of events checked.
    pub async fn verify_all(&self) -> Result<u64> {
        let mut streams: std::collections::HashMap<String, (u64, [u8; 32])> = std::collections::HashMap::new();
        let (mut after, mut count) = (0u64, 0u64);
        loop {
            let page = self.read_all(after, PAGE).await?;
            let Some(last) = page.last() else { return Ok(count) };
            let next_after = last.position;
            for e in page {
                if e.position <= after {
                    return Err(StoreError::Corrupt(format!("position {} after {after}", e.position)));
                }
                after = e.position;
                count += 1;
                let (next_version, prev) = streams.get(&e.stream_id).copied().unwrap_or((0, [0; 32]));
                let meta = serde_json::to_string(&e.metadata).map_err(|err| StoreError::Corrupt(err.to_string()))?;
                let canonical = canonical_bytes_json(&e.stream_id, e.version, &e.id, &e.event_type, &e.data, &meta);
                if e.version != next_version || e.prev_hash != prev || chain_hash(&prev, &canonical) != e.hash {
                    return Err(StoreError::Corrupt(format!("{} v{}: chain broken (position {})", e.stream_id, e.version, e.position)));
                }
                streams.insert(e.stream_id, (e.version + 1, e.hash));
            }
            after = next_after;
        }
    }

    fn name(&self, stream: &str) -> String {
        format!("{}{stream}", self.prefix)
    }

    fn filter(&self) -> SubscriptionFilter {
        if self.prefix.is_empty() {
            SubscriptionFilter::on_event_type().exclude_system_events()
        } else {
            SubscriptionFilter::on_stream_name().add_prefix(&self.prefix)
        }
    }

    /// Our view of a stored event, or `None` if it is not one of ours (system, foreign, or
    /// outside the prefix).
    fn decode(&self, resolved: &ResolvedEvent) -> Result<Option<RecordedEvent>> {
        let Some(e) = resolved.event.as_ref() else { return Ok(None) };
        let Some(stream) = e.stream_id().strip_prefix(self.prefix.as_str()) else { return Ok(None) };
        if e.event_type.starts_with('$') {
            return Ok(None);
        }
        let Ok(envelope) = serde_json::from_slice::<Envelope>(&e.custom_metadata) else { return Ok(None) };
        let at = || format!("{} v{}", stream, e.revision);
        let metadata: EventMetadata =
            serde_json::from_str(&envelope.meta).map_err(|err| StoreError::Corrupt(format!("{}: metadata: {err}", at())))?;
        let hash = |text: &str| -> Result<[u8; 32]> {
            let bytes = hex::decode(text).map_err(|err| StoreError::Corrupt(format!("{}: hash: {err}", at())))?;
            <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| StoreError::Corrupt(format!("{}: hash is not 32 bytes", at())))
        };
        let position = resolved.commit_position.unwrap_or(e.position.commit);
        if position == u64::MAX {
            return Err(StoreError::Unavailable(
                "kurrentdb: the server reports no $all position on stream reads (KurrentDB 22.10 or newer is required)".into(),
            ));
        }
        Ok(Some(RecordedEvent {
            id: e.id,
            stream_id: stream.to_owned(),
            version: e.revision,
            position,
            event_type: e.event_type.clone(),
            data: String::from_utf8(e.data.to_vec()).map_err(|err| StoreError::Corrupt(format!("{}: data: {err}", at())))?,
            metadata,
            hash: hash(&envelope.hash)?,
            prev_hash: hash(&envelope.prev_hash)?,
        }))
    }

    /// Reads `name` backwards from its end, up to `max` events.
    async fn read_back(&self, name: &str, max: usize) -> Result<Vec<RecordedEvent>> {
        let options = ReadStreamOptions::default().backwards().position(StreamPosition::End).max_count(max);
        self.read_stream_raw(name, &options).await
    }

    async fn read_stream_raw(&self, name: &str, options: &ReadStreamOptions) -> Result<Vec<RecordedEvent>> {
        let mut reader = match self.client.read_stream(name, options).await {
            Ok(reader) => reader,
            Err(kurrentdb::Error::ResourceNotFound) => return Ok(Vec::new()),
            Err(e) => return Err(map_err(e)),
        };
        let mut out = Vec::new();
        loop {
            match reader.next().await {
                Ok(Some(resolved)) => {
                    if let Some(event) = self.decode(&resolved)? {
                        out.push(event);
                    }
                }
                Ok(None) | Err(kurrentdb::Error::ResourceNotFound) => return Ok(out),
                Err(e) => return Err(map_err(e)),
            }
        }
    }

    /// The result of the append that stored `events`, if their first id is in the stream.
    fn original(stored: &[RecordedEvent], events: &[NewEvent]) -> Option<AppendResult> {
        let first = stored.iter().find(|e| e.id == events[0].id)?;
        let mut result = AppendResult { first_position: first.position, last_position: first.position, last_version: first.version };
        if events.len() > 1
            && let Some(last) = events.last().and_then(|l| stored.iter().find(|e| e.id == l.id))
        {
            result.last_position = last.position;
            result.last_version = last.version;
        }
        Some(result)
    }

    async fn try_append(&self, stream: &str, expected: ExpectedVersion, events: &[NewEvent]) -> Result<Option<AppendResult>> {
        let name = self.name(stream);
        // Newest first: the head is the first element.
        let recent = self.read_back(&name, IDEMPOTENCY_SCAN).await?;
        if let Some(original) = Self::original(&recent, events) {
            return Ok(Some(original));
        }
        let head = recent.first().map(|e| (e.version, e.hash));
        let actual = head.map(|(v, _)| v);
        let matches = match expected {
            ExpectedVersion::Any => true,
            ExpectedVersion::NoStream => actual.is_none(),
            ExpectedVersion::Exact(v) => actual == Some(v),
        };
        if !matches {
            return Err(StoreError::Conflict { stream: stream.to_owned(), expected, actual });
        }
        let first_version = actual.map_or(0, |v| v + 1);
        let mut prev_hash = head.map_or([0; 32], |(_, h)| h);
        let mut data = Vec::with_capacity(events.len());
        for (i, event) in events.iter().enumerate() {
            let version = first_version + i as u64;
            let meta = serde_json::to_string(&event.metadata)
                .map_err(|err| StoreError::Invalid(format!("metadata of event {} does not serialise: {err}", event.id)))?;
            let hash = chain_hash(&prev_hash, &canonical_bytes_json(stream, version, &event.id, &event.event_type, &event.data, &meta));
            let envelope = Envelope { canyu: 1, meta, hash: hex::encode(hash), prev_hash: hex::encode(prev_hash) };
            let custom = serde_json::to_vec(&envelope).map_err(|err| StoreError::Invalid(err.to_string()))?;
            let payload = Bytes::from(event.data.clone().into_bytes());
            data.push(EventData::binary(&event.event_type, payload).id(event.id).metadata(Bytes::from(custom)));
            prev_hash = hash;
        }
        let state = actual.map_or(StreamState::NoStream, StreamState::StreamRevision);
        let options = AppendToStreamOptions::default().stream_state(state);
        match self.client.append_to_stream(name.as_str(), &options, data).await {
            Ok(_) => {}
            Err(kurrentdb::Error::WrongExpectedVersion { current, .. }) => {
                if expected == ExpectedVersion::Any {
                    return Ok(None);
                }
                let actual = match current {
                    kurrentdb::CurrentRevision::Current(v) => Some(v),
                    kurrentdb::CurrentRevision::NoStream => None,
                };
                return Err(StoreError::Conflict { stream: stream.to_owned(), expected, actual });
            }
            Err(e) => return Err(map_err(e)),
        }
        // Read the new events back for their positions.
        let options = ReadStreamOptions::default().forwards().position(StreamPosition::Position(first_version)).max_count(events.len());
        let written = self.read_stream_raw(&name, &options).await?;
        Self::original(&written, events)
            .map(Some)
            .ok_or_else(|| StoreError::Unavailable(format!("kurrentdb: the append to {stream} succeeded but its events do not read back")))
    }
}

fn map_err(e: kurrentdb::Error) -> StoreError {
    match e {
        kurrentdb::Error::AccessDenied => StoreError::Unavailable("kurrentdb: access denied".into()),
        kurrentdb::Error::InternalParsingError(m) => StoreError::Corrupt(format!("kurrentdb: {m}")),
        other => StoreError::Unavailable(format!("kurrentdb: {other}")),
    }
}

/// The start of a read that delivers events after `after` (inclusive reads return the event at
/// the start position itself, which the caller skips).
fn start(after: u64) -> StreamPosition<Position> {
    if after == 0 { StreamPosition::Start } else { StreamPosition::Position(Position { commit: after, prepare: after }) }
}

#[async_trait]
impl EventStore for KurrentDbEventStore {
    async fn append(&self, stream: &str, expected: ExpectedVersion, events: Vec<NewEvent>) -> Result<AppendResult> {
        if stream.is_empty() {
            return Err(StoreError::Invalid("empty stream id".into()));
        }
        if events.is_empty() {
            return Err(StoreError::Invalid(format!("no events to append to {stream}")));
        }
        for _ in 0..ANY_TRIES {
            if let Some(result) = self.try_append(stream, expected, &events).await? {
                return Ok(result);
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        Err(StoreError::Unavailable(format!("kurrentdb: append to {stream} with Any lost {ANY_TRIES} races in a row")))
    }

    async fn read_stream(&self, stream: &str, from_version: u64, limit: usize) -> Result<Vec<RecordedEvent>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let options = ReadStreamOptions::default().forwards().position(StreamPosition::Position(from_version)).max_count(limit);
        self.read_stream_raw(&self.name(stream), &options).await
    }

    async fn read_all(&self, after: u64, limit: usize) -> Result<Vec<RecordedEvent>> {
        let mut out = Vec::new();
        let mut from = after;
        while out.len() < limit {
            let want = (limit - out.len()).min(PAGE) + 1;
            let options = ReadAllOptions::default().forwards().position(start(from)).filter(self.filter()).max_count(want);
            let mut reader = self.client.read_all(&options).await.map_err(map_err)?;
            let mut read = 0;
            while let Some(resolved) = reader.next().await.map_err(map_err)? {
                read += 1;
                if let Some(event) = self.decode(&resolved)?
                    && event.position > from
                    && out.len() < limit
                {
                    from = event.position;
                    out.push(event);
                }
            }
            if read < want {
                break;
            }
        }
        Ok(out)
    }

    async fn head(&self) -> Result<u64> {
        let options = ReadAllOptions::default().backwards().position(StreamPosition::End).filter(self.filter()).max_count(PAGE);
        let mut reader = self.client.read_all(&options).await.map_err(map_err)?;
        while let Some(resolved) = reader.next().await.map_err(map_err)? {
            if let Some(event) = self.decode(&resolved)? {
                return Ok(event.position);
            }
        }
        Ok(0)
    }

    fn subscribe_all(&self, after: u64) -> BoxStream<'static, Result<RecordedEvent>> {
        struct State {
            store: KurrentDbEventStore,
            subscription: Option<kurrentdb::Subscription>,
            after: u64,
            failed: bool,
        }
        let state = State { store: self.clone(), subscription: None, after, failed: false };
        stream::unfold(state, |mut s| async move {
            if s.failed {
                return None;
            }
            loop {
                if s.subscription.is_none() {
                    // Subscription start positions are exclusive: this resumes after `after`.
                    let options = SubscribeToAllOptions::default().position(start(s.after)).filter(s.store.filter());
                    s.subscription = Some(s.store.client.subscribe_to_all(&options).await);
                }
                let Some(subscription) = s.subscription.as_mut() else { continue };
                let resolved = match subscription.next_subscription_event().await {
                    Ok(SubscriptionEvent::EventAppeared(resolved)) => resolved,
                    Ok(_) => continue,
                    Err(e) => {
                        s.failed = true;
                        return Some((Err(map_err(e)), s));
                    }
                };
                match s.store.decode(&resolved) {
                    // Redelivery after a reconnect is dropped here: never repeat a position.
                    Ok(Some(event)) if event.position > s.after => {
                        s.after = event.position;
                        return Some((Ok(event), s));
                    }
                    Ok(_) => {}
                    Err(e) => {
                        s.failed = true;
                        return Some((Err(e), s));
                    }
                }
            }
        })
        .boxed()
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities { contiguous_positions: false }
    }
}
