//! The projectors: one per read model, each the only writer of its tables. Applying an event
//! at or below the checkpoint is a no-op, so redelivery is harmless. Each projector changes
//! its tables only through [`Table`](crate::tracked::Table) and [`List`](crate::tracked::List)
//! methods, which record what changed: the document projector learns what a batch touched
//! from the updates themselves.

mod catalogue;
mod comments;
mod dashboard;
mod decisions;
mod hearings;
mod history;
mod opinions;

use std::sync::Arc;

use canyu_app::decode;
use canyu_eventstore::RecordedEvent;

use crate::model::ReadModel;

impl ReadModel {
    /// Applies a batch of events in order; returns how many were new.
    pub fn apply_all<'a>(&mut self, events: impl IntoIterator<Item = &'a RecordedEvent>) -> usize {
        events.into_iter().filter(|e| self.apply(e)).count()
    }

    /// Applies one event if it is past the checkpoint; returns whether it was applied.
    pub fn apply(&mut self, rec: &RecordedEvent) -> bool {
        if rec.position <= self.position {
            return false;
        }
        self.position = rec.position;
        let decoded = decode(rec).map_err(|err| canyu_app::error::chain(&err)).and_then(|e| {
            // Every stored event is a domain event: a type this version does not know was
            // written by a newer one (or by hand), and leaving it out would misstate the record.
            e.ok_or_else(|| format!("event type {} is unknown to this version of canyu", rec.event_type))
        });
        let event = match decoded {
            Ok(e) => e,
            Err(why) => {
                tracing::error!(position = rec.position, error = %why, "skipping an event that does not decode");
                self.undecodable_count += 1;
                self.undecodable.get_or_insert((rec.position, why));
                return true;
            }
        };
        let at = rec.metadata.server_time;
        // History first reads the views as they stood before this event (the opinion's summary,
        // the sign-up's group), then each read model's projector applies it.
        let entry = history::entry(self, &event, rec);
        catalogue::apply(self, &event);
        decisions::apply(self, &event, at);
        // The dashboard counts from each comment as it was before the event.
        dashboard::apply(self, &event);
        opinions::apply(self, &event, at);
        comments::apply(self, &event, at);
        hearings::apply(self, &event, at);
        if let Some((decision, mut entry)) = entry {
            // A comment's entry shares the comment's id (now indexed) instead of a copy.
            if let Some(subject) = &entry.subject_id
                && let Some((id, _)) = self.comment_index.get_key_value(&**subject)
            {
                entry.subject_id = Some(id.clone());
            }
            self.histories.push(decision, entry);
        }
        true
    }

    /// The actor shown in history: the acting unit's name, or the role.
    pub(crate) fn actor_of(&mut self, actor: &canyu_eventstore::Actor) -> Arc<str> {
        match actor.role.as_str() {
            "unit_staff" => match actor.unit_id.as_ref().and_then(|u| self.units.get(u)) {
                Some(u) => u.name.as_str().into(),
                None => self.intern("unit_staff"),
            },
            other => self.intern(other),
        }
    }
}

/// Stored events for projector tests.
#[cfg(test)]
pub(crate) mod testing {
    use canyu_domain::events::Event;
    use canyu_eventstore::{Actor, EventMetadata, RecordedEvent};

    /// `e` as the store would hand it over at `position`.
    pub(crate) fn rec(position: u64, e: Event) -> RecordedEvent {
        let metadata = EventMetadata {
            actor: Actor { role: "resident".into(), account_id: Some("a1".into()), unit_id: None },
            correlation_id: uuid::Uuid::now_v7(),
            causation_id: None,
            idempotency_key: None,
            server_time: chrono::Utc::now(),
        };
        let (event_type, data) = (e.event_type().to_string(), e.to_data());
        RecordedEvent {
            id: uuid::Uuid::now_v7(),
            stream_id: "s".into(),
            version: 0,
            position,
            event_type,
            data,
            metadata,
            hash: [0; 32],
            prev_hash: [0; 32],
        }
    }
}
