//! Canyu's pure domain: commands, events, aggregates (`decide`/`evolve`), value objects and
//! the closed set of rule violations ([`DomainError`]).
//!
//! No async, no IO, no other workspace crate. Time, ids and outside facts arrive through each
//! aggregate's context type; `evolve` never fails, so every stored event always loads.

pub mod clauses;
pub mod comment;
pub mod decision;
pub mod directory;
pub mod error;
pub mod events;
pub mod hearing;
pub mod lottery;
pub mod testing;
pub mod values;

pub use error::DomainError;
pub use events::Event;

/// An event-sourced aggregate: a pure decision function and a total fold.
pub trait Aggregate {
    /// State folded from the aggregate's events; `Default` is "no events yet".
    type State: Default + Clone;
    /// What callers ask for.
    type Command;
    /// Outside facts (time, other aggregates' state) that `decide` may use.
    type Ctx<'a>;

    /// Decides which events a command produces, or why it is refused.
    fn decide(state: &Self::State, command: Self::Command, ctx: &Self::Ctx<'_>) -> Result<Vec<Event>, DomainError>;

    /// Applies one event. Never fails: events it does not know are ignored.
    fn evolve(state: Self::State, event: &Event) -> Self::State;

    /// Folds a sequence of events from the default state.
    fn fold<'e>(events: impl IntoIterator<Item = &'e Event>) -> Self::State {
        events.into_iter().fold(Self::State::default(), Self::evolve)
    }
}
