//! GraphQL over HTTP as the spec (graphql.github.io/graphql-over-http) says: the media type
//! of an answer follows the request's `Accept`; a request that never reached execution (it did
//! not parse, validate, or pass a limit) has no `data` entry and, under
//! `application/graphql-response+json`, a 4xx status; GET runs queries (never mutations) and
//! answers with a validator so caches can revalidate; a JSON array is a batch answered with
//! an array.

use async_graphql::ServerError;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The media type of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    /// `application/json`: every answer to a well-formed request is 200.
    Json,
    /// `application/graphql-response+json`: request errors are 4xx.
    GraphqlResponse,
}

pub const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

impl Media {
    /// Chooses from `Accept` (weights honoured; the more specific type wins a tie). Without
    /// `Accept`, or when it names neither type, the answer is `application/json`, as the spec
    /// asks of servers that still serve legacy clients.
    pub fn negotiate(headers: &HeaderMap) -> Media {
        let mut best: Option<(f32, u8, Media)> = None;
        for value in headers.get_all(header::ACCEPT) {
            let Ok(value) = value.to_str() else { continue };
            for entry in value.split(',') {
                let mut parts = entry.split(';');
                let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
                let q = parts.filter_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok())).next().unwrap_or(1.0);
                let candidate = match media.as_str() {
                    GRAPHQL_RESPONSE_JSON => (q, 2, Media::GraphqlResponse),
                    "application/json" => (q, 2, Media::Json),
                    "application/*" => (q, 1, Media::Json),
                    "*/*" => (q, 0, Media::Json),
                    _ => continue,
                };
                if candidate.0 <= 0.0 {
                    continue;
                }
                let better = match best {
                    None => true,
                    Some((bq, bs, bm)) => {
                        candidate.0 > bq
                            || (candidate.0 == bq && candidate.1 > bs)
                            || (candidate.0 == bq && candidate.1 == bs && candidate.2 == Media::GraphqlResponse && bm == Media::Json)
                    }
                };
                if better {
                    best = Some(candidate);
                }
            }
        }
        best.map_or(Media::Json, |(_, _, m)| m)
    }

    pub fn content_type(self) -> HeaderValue {
        match self {
            Media::Json => HeaderValue::from_static("application/json; charset=utf-8"),
            Media::GraphqlResponse => HeaderValue::from_static("application/graphql-response+json; charset=utf-8"),
        }
    }

    /// The status of an answer whose request never ran: under `application/json` 200 (the
    /// errors say what happened); under `application/graphql-response+json` the 4xx or 5xx
    /// that fits the first error's code. A mutation sent by GET is 405 either way.
    pub fn request_error_status(self, errors: &[ServerError]) -> StatusCode {
        let code = errors.first().and_then(code_of);
        if code.as_deref() == Some("METHOD_NOT_ALLOWED") {
            return StatusCode::METHOD_NOT_ALLOWED;
        }
        if self == Media::Json {
            return StatusCode::OK;
        }
        match code.as_deref() {
            Some("RATE_LIMITED") => StatusCode::TOO_MANY_REQUESTS,
            Some("UNAUTHENTICATED") => StatusCode::UNAUTHORIZED,
            Some("FORBIDDEN") => StatusCode::FORBIDDEN,
            Some("UNAVAILABLE") => StatusCode::SERVICE_UNAVAILABLE,
            Some("INTERNAL") => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

/// The `extensions.code` of an error.
pub fn code_of(e: &ServerError) -> Option<String> {
    match e.extensions.as_ref()?.get("code")? {
        async_graphql::Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// One operation's answer as JSON: without `data` when the request never reached execution
/// (the GraphQL spec: "if an error was raised before execution begins, the data entry should
/// not be present").
pub fn result_json(response: &async_graphql::Response, executed: bool) -> serde_json::Value {
    let mut value = serde_json::to_value(response).unwrap_or_else(|_| serde_json::json!({}));
    if !executed && let Some(map) = value.as_object_mut() {
        map.remove("data");
    }
    value
}

/// A JSON answer with its media type, and `Retry-After` when a limit refused it.
pub fn reply(media: Media, status: StatusCode, body: &serde_json::Value, retry_after: Option<u64>) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut response = (status, bytes).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, media.content_type());
    if let Some(secs) = retry_after.filter(|_| status == StatusCode::TOO_MANY_REQUESTS) {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    if status == StatusCode::METHOD_NOT_ALLOWED {
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
    }
    response
}

/// Seconds a rate-limit error asks the client to wait.
pub fn retry_after(errors: &[ServerError]) -> Option<u64> {
    errors.iter().find_map(|e| match e.extensions.as_ref()?.get("retryAfter")? {
        async_graphql::Value::Number(n) => n.as_u64(),
        _ => None,
    })
}

/// The query string of a GET request (GraphQL over HTTP: `query`, `operationName`, and
/// `variables` / `extensions` as JSON text).
#[derive(Debug, Deserialize)]
pub struct GetParams {
    pub query: Option<String>,
    #[serde(rename = "operationName")]
    pub operation_name: Option<String>,
    pub variables: Option<String>,
    pub extensions: Option<String>,
}

impl GetParams {
    /// The request, or the parameter that is not what it should be and why.
    pub fn into_request(self) -> Result<async_graphql::Request, (&'static str, String)> {
        let query = self.query.filter(|q| !q.trim().is_empty()).ok_or(("query", "the query parameter is missing".to_string()))?;
        let mut request = async_graphql::Request::new(query);
        if let Some(name) = self.operation_name.filter(|n| !n.is_empty()) {
            request = request.operation_name(name);
        }
        if let Some(text) = self.variables.filter(|v| !v.is_empty()) {
            let json: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| ("variables", format!("the variables parameter is not JSON: {e}")))?;
            if !(json.is_object() || json.is_null()) {
                return Err(("variables", "the variables parameter must be a JSON object".to_string()));
            }
            request = request.variables(async_graphql::Variables::from_json(json));
        }
        if let Some(text) = self.extensions.filter(|v| !v.is_empty()) {
            let json: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| ("extensions", format!("the extensions parameter is not JSON: {e}")))?;
            let Ok(map) = serde_json::from_value(json) else {
                return Err(("extensions", "the extensions parameter must be a JSON object".to_string()));
            };
            request.extensions = map;
        }
        Ok(request)
    }
}

/// Makes a GET answer cacheable by validation: a strong `ETag` of the body, `no-cache` (a
/// cache stores it but asks again each time; `private` when the request was signed in), and
/// `Vary` on what changes the answer. A matching `If-None-Match` gets 304 without a body.
pub fn cacheable(request: &HeaderMap, mut response: Response, body: &[u8], signed_in: bool) -> Response {
    let digest = Sha256::digest(body);
    let tag = format!("\"{}\"", digest[..16].iter().map(|b| format!("{b:02x}")).collect::<String>());
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(if signed_in { "private, no-cache" } else { "no-cache" }));
    headers.insert(header::VARY, HeaderValue::from_static("Accept, Accept-Language, Authorization"));
    let Ok(etag) = HeaderValue::from_str(&tag) else { return response };
    headers.insert(header::ETAG, etag.clone());
    let matches = request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == tag || t.trim() == "*" || t.trim().strip_prefix("W/") == Some(tag.as_str()));
    if matches && response.status() == StatusCode::OK {
        let mut not_modified = StatusCode::NOT_MODIFIED.into_response();
        for name in [header::ETAG, header::CACHE_CONTROL, header::VARY] {
            if let Some(v) = response.headers().get(&name) {
                not_modified.headers_mut().insert(name, v.clone());
            }
        }
        return not_modified;
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> Media {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(v).unwrap());
        Media::negotiate(&h)
    }

    #[test]
    fn accept_chooses_the_media_type() {
        assert_eq!(Media::negotiate(&HeaderMap::new()), Media::Json);
        assert_eq!(accept("application/json"), Media::Json);
        assert_eq!(accept("*/*"), Media::Json);
        assert_eq!(accept("application/graphql-response+json"), Media::GraphqlResponse);
        assert_eq!(accept("application/graphql-response+json, application/json"), Media::GraphqlResponse);
        assert_eq!(accept("application/json, application/graphql-response+json"), Media::GraphqlResponse);
        assert_eq!(accept("application/json;q=0.9, application/graphql-response+json;q=0.5"), Media::Json);
        assert_eq!(accept("application/graphql-response+json;q=0, */*"), Media::Json);
        assert_eq!(accept("*/*, application/graphql-response+json;q=0.9"), Media::Json);
        assert_eq!(accept("text/html"), Media::Json);
    }

    #[test]
    fn a_request_error_has_no_data_entry() {
        let response = async_graphql::Response::from_errors(vec![ServerError::new("bad", None)]);
        assert!(result_json(&response, false).get("data").is_none());
        assert!(result_json(&response, true).get("data").is_some());
    }

    #[test]
    fn get_parameters_are_checked() {
        let p = |q: Option<&str>, v: Option<&str>| GetParams {
            query: q.map(str::to_string),
            operation_name: None,
            variables: v.map(str::to_string),
            extensions: None,
        };
        assert_eq!(p(None, None).into_request().unwrap_err().0, "query");
        assert_eq!(p(Some("{a}"), Some("[1]")).into_request().unwrap_err().0, "variables");
        assert_eq!(p(Some("{a}"), Some("{")).into_request().unwrap_err().0, "variables");
        assert!(p(Some("{a}"), Some("{\"x\":1}")).into_request().is_ok());
    }
}
