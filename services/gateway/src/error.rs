//! The one place where application errors become GraphQL errors with `extensions.code`.

use async_graphql::{Error, ErrorExtensions};
use canyu_app::AppError;

/// Converts an [`AppError`] into a GraphQL error: a safe message, `extensions.code`, and
/// `extensions.field` (validation) or `extensions.reason` (rule refusals). Technical failures
/// are logged with their whole cause chain; the client sees only the code and a generic
/// message: `UNAVAILABLE` (retry later) or `INTERNAL` (a bug; retrying will not help).
pub fn gql(e: AppError) -> Error {
    let (code, field) = match &e {
        AppError::Rejected(_) | AppError::IdempotencyKeyReused => ("REJECTED", None),
        AppError::Conflict(_) => ("CONFLICT", None),
        AppError::NotFound(_) => ("NOT_FOUND", None),
        AppError::Forbidden(_) => ("FORBIDDEN", None),
        AppError::Unauthenticated(_) => ("UNAUTHENTICATED", None),
        AppError::Invalid { field, .. } => ("VALIDATION", Some(field.clone())),
        AppError::Unavailable { .. } => {
            tracing::warn!(error = %canyu_app::error::chain(&e), "request failed: unavailable");
            ("UNAVAILABLE", None)
        }
        AppError::Internal { .. } => {
            tracing::error!(error = %canyu_app::error::chain(&e), "request failed: internal error");
            ("INTERNAL", None)
        }
        AppError::RateLimited { .. } => ("RATE_LIMITED", None),
        AppError::ReadOnly => ("READ_ONLY", None),
    };
    let reason = e.reason();
    // A date the client needs to act on the refusal: when it may close, when the other
    // consultation ends.
    let (date_key, date) = match &e {
        AppError::Rejected(canyu_domain::DomainError::EarlyCloseBeforeMinimumPeriod { earliest }) => {
            ("earliestCloseAt", Some(earliest.to_rfc3339()))
        }
        AppError::Rejected(canyu_domain::DomainError::ConsultationOverlaps { until }) => ("overlapsUntil", Some(until.to_rfc3339())),
        AppError::Rejected(canyu_domain::DomainError::MaterialsNotDeliveredInTime { by }) => ("deliverBy", Some(by.to_rfc3339())),
        _ => ("", None),
    };
    let retry_after = match &e {
        AppError::RateLimited { retry_after } => Some(retry_after.as_secs().max(1)),
        _ => None,
    };
    let message = match &e {
        AppError::Unavailable { .. } => "the service is temporarily unavailable; try again".to_string(),
        AppError::Internal { .. } => "an internal error occurred; it was logged".to_string(),
        other => other.to_string(),
    };
    Error::new(message).extend_with(|_, ext| {
        ext.set("code", code);
        if let Some(f) = &field {
            ext.set("field", f.as_str());
        }
        if let Some(r) = &reason {
            ext.set("reason", r.as_str());
        }
        if let Some(secs) = retry_after {
            ext.set("retryAfter", secs);
        }
        if let Some(at) = &date {
            ext.set(date_key, at.as_str());
        }
    })
}

/// A GraphQL error raised by the gateway itself (limits on requests), with its own code.
pub fn refused(code: &str, message: impl Into<String>) -> Error {
    let code = code.to_string();
    Error::new(message).extend_with(move |_, ext| ext.set("code", code.as_str()))
}

/// Checks a page size: 1 to [`MAX_PAGE`](canyu_projections::query::MAX_PAGE), or absent.
pub fn page_size(first: Option<i32>) -> async_graphql::Result<Option<i32>> {
    match first {
        Some(n) if n < 1 || n as usize > canyu_projections::query::MAX_PAGE => {
            Err(invalid("first", &format!("must be between 1 and {}", canyu_projections::query::MAX_PAGE)))
        }
        other => Ok(other),
    }
}

/// `?`-friendly conversion of application results.
pub trait OrGql<T> {
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> OrGql<T> for Result<T, AppError> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(gql)
    }
}

/// A validation error on `field`.
pub fn invalid(field: &str, message: &str) -> Error {
    gql(AppError::invalid(field, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_early_close_refusal_tells_clients_the_earliest_date() {
        let earliest = chrono::DateTime::parse_from_rfc3339("2021-04-09T16:00:00Z").unwrap().with_timezone(&chrono::Utc);
        let e = gql(AppError::Rejected(canyu_domain::DomainError::EarlyCloseBeforeMinimumPeriod { earliest }));
        let ext = e.extensions.expect("extensions");
        assert_eq!(ext.get("code").map(|v| v.to_string()), Some("\"REJECTED\"".to_string()));
        assert_eq!(ext.get("reason").map(|v| v.to_string()), Some("\"EARLY_CLOSE_BEFORE_MINIMUM_PERIOD\"".to_string()));
        assert_eq!(ext.get("earliestCloseAt").map(|v| v.to_string()), Some("\"2021-04-09T16:00:00+00:00\"".to_string()));
    }

    #[test]
    fn a_bug_answers_internal_with_a_generic_message() {
        let e = gql(AppError::bug("an invariant did not hold"));
        assert_eq!(e.message, "an internal error occurred; it was logged");
        assert_eq!(e.extensions.expect("extensions").get("code").map(|v| v.to_string()), Some("\"INTERNAL\"".to_string()));
    }
}
