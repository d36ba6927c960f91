//! Given/when/then helpers for aggregate tests:
//! `given::<Decision>(events).when(cmd, &ctx).then(expected)` or `.then_err(error)`.

use crate::values::TextValue;
use crate::{Aggregate, DomainError, Event};

/// An optional value object from test text (`None` or blank is `None`); the rest must parse.
#[track_caller]
pub fn parsed_optional<T: TextValue>(text: Option<&str>) -> Option<T> {
    T::parse_optional(text).unwrap_or_else(|e| panic!("test input {text:?} does not parse as {}: {e}", T::FIELD))
}

/// A value object from test text that must parse, e.g. `parsed::<Title>("标题")` (the type is
/// usually inferred from the command field it fills).
#[track_caller]
pub fn parsed<T: TextValue>(text: &str) -> T {
    T::parse(text).unwrap_or_else(|e| panic!("test input {text:?} does not parse as {}: {e}", T::FIELD))
}

/// A state built from past events.
pub struct Given<A: Aggregate> {
    state: A::State,
}

/// Starts a test from past events.
pub fn given<A: Aggregate>(events: impl IntoIterator<Item = Event>) -> Given<A> {
    let events: Vec<Event> = events.into_iter().collect();
    Given { state: A::fold(&events) }
}

/// The outcome of one command.
pub struct Then<A: Aggregate> {
    state: A::State,
    result: Result<Vec<Event>, DomainError>,
}

impl<A: Aggregate> Given<A> {
    /// Runs the command.
    pub fn when(self, command: A::Command, ctx: &A::Ctx<'_>) -> Then<A> {
        let result = A::decide(&self.state, command, ctx);
        Then { state: self.state, result }
    }

    /// The folded state, for tests that inspect it.
    pub fn state(&self) -> &A::State {
        &self.state
    }
}

impl<A: Aggregate> Then<A> {
    /// Asserts the command produced exactly these events; returns the new state.
    #[track_caller]
    pub fn then(self, expected: impl IntoIterator<Item = Event>) -> A::State {
        let expected: Vec<Event> = expected.into_iter().collect();
        match self.result {
            Ok(events) => {
                assert_eq!(events, expected, "unexpected events");
                events.iter().fold(self.state, A::evolve)
            }
            Err(e) => panic!("expected events, got error {e:?}"),
        }
    }

    /// Asserts the command was refused with this error.
    #[track_caller]
    pub fn then_err(self, expected: DomainError) {
        match self.result {
            Ok(events) => panic!("expected {expected:?}, got events {events:?}"),
            Err(e) => assert_eq!(e, expected),
        }
    }

    /// Returns the events for custom assertions, panicking on an error.
    #[track_caller]
    pub fn events(self) -> Vec<Event> {
        match self.result {
            Ok(events) => events,
            Err(e) => panic!("expected events, got error {e:?}"),
        }
    }
}
