//! The application layer's one error type.
//!
//! Rule violations stay typed ([`DomainError`]); technical failures keep their cause as a
//! boxed `#[source]`, so a log line shows the whole chain ([`chain`]) while a client sees only
//! a code and a safe message. A failure the caller can retry is [`AppError::Unavailable`]; a
//! bug or corrupt data is [`AppError::Internal`], which a retry will not fix.

use std::error::Error as StdError;

use canyu_domain::DomainError;
use canyu_eventstore::StoreError;

/// A technical cause, kept for the logs.
pub type Cause = Box<dyn StdError + Send + Sync + 'static>;

/// Why a command or query failed. The gateway maps each variant to one GraphQL code.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A domain rule refused the command (`REJECTED`, `extensions.reason` =
    /// [`DomainError::reason`]). Caller: show the message; the reason is stable.
    #[error(transparent)]
    Rejected(DomainError),
    /// The idempotency key was already used for a different input (`REJECTED`, reason
    /// `IDEMPOTENCY_KEY_REUSED`). Nothing was written. Caller: use a new key for a new request.
    #[error("this idempotency key was already used for a different request")]
    IdempotencyKeyReused,
    /// A concurrent change won, or the thing already exists (`CONFLICT`). Caller: reload, retry.
    #[error("{0}")]
    Conflict(String),
    /// The target does not exist (`NOT_FOUND`).
    #[error("{0}")]
    NotFound(String),
    /// Signed in, but not allowed (`FORBIDDEN`).
    #[error("{0}")]
    Forbidden(String),
    /// Not signed in, or the token is invalid or expired (`UNAUTHENTICATED`).
    #[error("{0}")]
    Unauthenticated(String),
    /// An input field is malformed (`VALIDATION`, with `field`). Nothing was written.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// A backend is unreachable, too slow or failed (`UNAVAILABLE`). The write may or may not
    /// have happened. Caller: retry later with the same idempotency key.
    #[error("service unavailable: {what}")]
    Unavailable {
        what: String,
        #[source]
        source: Option<Cause>,
    },
    /// A bug or corrupt stored data (`INTERNAL`). Retrying will not help; the cause is logged.
    #[error("internal error: {what}")]
    Internal {
        what: String,
        #[source]
        source: Option<Cause>,
    },
    /// Too many requests from this client or account (`RATE_LIMITED`, with
    /// `extensions.retryAfter` in seconds). Nothing was written. Caller: wait, then retry.
    #[error("too many requests; retry in {} s", retry_after.as_secs().max(1))]
    RateLimited { retry_after: std::time::Duration },
    /// The platform serves its record read-only (`READ_ONLY`): the log failed verification
    /// at start and the operator chose to serve it as it is (`serve --read-only`). Nothing was
    /// written. Caller: try again once the operator has restored the log.
    #[error("the platform is read-only for now: its record can be read, but nothing can be changed")]
    ReadOnly,
}

impl AppError {
    /// Shorthand for a field error.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid { field: field.to_string(), message: message.into() }
    }

    /// Shorthand for a refusal of the caller's rights.
    pub fn forbidden(message: impl Into<String>) -> Self {
        AppError::Forbidden(message.into())
    }

    /// A backend failed or is out of reach, because of `source`.
    pub fn unavailable(what: impl Into<String>, source: impl Into<Cause>) -> Self {
        AppError::Unavailable { what: what.into(), source: Some(source.into()) }
    }

    /// A bug or corrupt data, because of `source`.
    pub fn internal(what: impl Into<String>, source: impl Into<Cause>) -> Self {
        AppError::Internal { what: what.into(), source: Some(source.into()) }
    }

    /// A bug found by the code itself (an invariant that did not hold).
    pub fn bug(what: impl Into<String>) -> Self {
        AppError::Internal { what: what.into(), source: None }
    }

    /// The stable reason of a refusal (`extensions.reason`), if it is one.
    pub fn reason(&self) -> Option<String> {
        match self {
            AppError::Rejected(e) => Some(e.reason()),
            AppError::IdempotencyKeyReused => Some("IDEMPOTENCY_KEY_REUSED".into()),
            _ => None,
        }
    }
}

/// The error and its causes, outermost first, joined by ": " (for logs).
pub fn chain(e: &(dyn StdError + 'static)) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid { field, message } => AppError::Invalid { field: field.to_string(), message },
            DomainError::NotYourSignup => AppError::Forbidden(e.to_string()),
            e if e.is_not_found() => AppError::NotFound(e.to_string()),
            e if e.is_already_exists() => AppError::Conflict(e.to_string()),
            e => AppError::Rejected(e),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict { .. } => AppError::Conflict("a concurrent change won; reload and try again".into()),
            StoreError::Unavailable(_) => AppError::unavailable("event store", e),
            StoreError::Invalid(_) | StoreError::Corrupt(_) => AppError::internal("event store", e),
            // Sealing for an erased person: the request raced the erasure, or names them.
            StoreError::Erased(_) => AppError::Unauthenticated("the account no longer exists".into()),
        }
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        AppError::internal("a background task failed", e)
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_corrupt_store_is_internal_and_keeps_its_cause() {
        let e = AppError::from(StoreError::Corrupt("hash chain broken at 7".into()));
        assert!(matches!(e, AppError::Internal { .. }));
        assert_eq!(chain(&e), "internal error: event store: corrupt event store: hash chain broken at 7");
    }

    #[test]
    fn an_unreachable_store_is_unavailable_and_keeps_its_cause() {
        let e = AppError::from(StoreError::Unavailable("connection refused".into()));
        assert!(matches!(e, AppError::Unavailable { .. }));
        assert_eq!(chain(&e), "service unavailable: event store: event store unavailable: connection refused");
    }

    #[test]
    fn rule_violations_stay_typed_with_their_reason() {
        let e = AppError::from(DomainError::ConsultationClosed);
        assert!(matches!(e, AppError::Rejected(DomainError::ConsultationClosed)));
        assert_eq!(e.reason().as_deref(), Some("CONSULTATION_CLOSED"));
        assert_eq!(AppError::IdempotencyKeyReused.reason().as_deref(), Some("IDEMPOTENCY_KEY_REUSED"));
    }
}
