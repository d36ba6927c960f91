//! The application layer's one error type.

use canyu_domain::DomainError;
use canyu_eventstore::StoreError;

/// Why a command or query failed. The gateway maps each variant to one GraphQL code.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A domain rule refused the command (`REJECTED`). Caller: show `message`; `reason` is stable.
    #[error("{message}")]
    Rejected { reason: String, message: String },
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
    /// A backend is unreachable or failed (`UNAVAILABLE`). The write may be retried with the
    /// same idempotency key.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// Too many requests from this client or account (`RATE_LIMITED`, with
    /// `extensions.retryAfter` in seconds). Nothing was written. Caller: wait, then retry.
    #[error("too many requests; retry in {} s", retry_after.as_secs().max(1))]
    RateLimited { retry_after: std::time::Duration },
}

impl AppError {
    /// Shorthand for a field error.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid { field: field.to_string(), message: message.into() }
    }

    /// Shorthand for a refusal with a stable reason.
    pub fn forbidden(message: impl Into<String>) -> Self {
        AppError::Forbidden(message.into())
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid { field, message } => AppError::Invalid { field: field.to_string(), message },
            DomainError::NotYourSignup => AppError::Forbidden(e.to_string()),
            e if e.is_not_found() => AppError::NotFound(e.to_string()),
            e if e.is_already_exists() => AppError::Conflict(e.to_string()),
            e => AppError::Rejected { reason: e.reason(), message: e.to_string() },
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict { .. } => AppError::Conflict("a concurrent change won; reload and try again".into()),
            StoreError::Invalid(m) => AppError::Unavailable(format!("internal: {m}")),
            StoreError::Unavailable(m) | StoreError::Corrupt(m) => AppError::Unavailable(m),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
