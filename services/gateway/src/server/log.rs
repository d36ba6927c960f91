//! The transparency log over HTTP, laid out as static files could serve it (C2SP tlog-tiles):
//! `/log/checkpoint`, `/log/key`, `/log/tile/<L>/<N>[.p/<W>]`, `/log/tile/entries/<N>[.p/<W>]`;
//! witnesses hand back their cosignatures at `POST /log/cosignature`; `/record/<decision id>`
//! answers a decision's record bundle for offline verification.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use canyu_eventstore::RecordedEvent;
use canyu_projections::query;
use canyu_translog::tiles::TilePath;
use canyu_translog::{Bundle, LogError};

use crate::Services;

/// Full tiles never change; partial tiles never change either (a fuller one has another path).
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// The checkpoint moves every second or so.
const CHECKPOINT_CACHE: &str = "public, max-age=1";

/// Bundles read events from the store: at most this many are built at once.
static BUNDLES: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// The routes, on the gateway's services.
pub fn routes(services: Arc<Services>) -> Router {
    Router::new()
        .route("/log/checkpoint", get(checkpoint))
        .route("/log/key", get(key))
        .route("/log/tile/{*path}", get(tile))
        .route("/log/cosignature", post(cosignature))
        .route("/record/{decision}", get(record))
        .with_state(services)
}

fn text(status: StatusCode, cache: &'static str, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, cache)], body).into_response()
}

fn missing(why: impl Into<String>) -> Response {
    text(StatusCode::NOT_FOUND, "no-store", format!("{}\n", why.into()))
}

async fn checkpoint(State(s): State<Arc<Services>>) -> Response {
    match s.log.as_ref().and_then(|l| l.latest_checkpoint()) {
        Some(cp) => text(StatusCode::OK, CHECKPOINT_CACHE, cp.note),
        None => missing("no checkpoint has been signed yet"),
    }
}

async fn key(State(s): State<Arc<Services>>) -> Response {
    match &s.log {
        Some(log) => text(StatusCode::OK, "public, max-age=300", format!("{}\n", log.vkey())),
        None => missing("this process keeps no transparency log"),
    }
}

async fn tile(State(s): State<Arc<Services>>, Path(path): Path<String>) -> Response {
    let Some(log) = &s.log else { return missing("this process keeps no transparency log") };
    let Some(tile) = TilePath::parse(&format!("tile/{path}")) else { return missing("no such tile") };
    let data = match tile {
        TilePath::Hashes { level, index, width } => log.tile(level, index, width),
        TilePath::Entries { index, width } => log.entries(s.store.as_ref(), index, width).await,
    };
    match data {
        Ok(bytes) => ([(header::CONTENT_TYPE, "application/octet-stream"), (header::CACHE_CONTROL, IMMUTABLE)], bytes).into_response(),
        Err(LogError::Range(why)) => missing(why),
        Err(e) => {
            tracing::error!(error = %e, "could not read a tile");
            text(StatusCode::SERVICE_UNAVAILABLE, "no-store", "the tile cannot be read now\n".into())
        }
    }
}

async fn cosignature(State(s): State<Arc<Services>>, body: String) -> Response {
    let Some(log) = &s.log else { return missing("this process keeps no transparency log") };
    if body.len() > 16 * 1024 {
        return text(StatusCode::PAYLOAD_TOO_LARGE, "no-store", "a cosigned checkpoint is a few hundred bytes\n".into());
    }
    match log.add_cosignature(&body) {
        Ok(cp) => text(StatusCode::OK, "no-store", cp.note),
        Err(LogError::Range(why)) => missing(why),
        Err(e @ (LogError::Note(_) | LogError::Key(_))) => text(StatusCode::BAD_REQUEST, "no-store", format!("{e}\n")),
        Err(e) => {
            tracing::error!(error = %e, "could not store a cosignature");
            text(StatusCode::SERVICE_UNAVAILABLE, "no-store", "the cosignature cannot be stored now\n".into())
        }
    }
}

#[derive(Debug, serde::Deserialize)]
struct RecordParams {
    /// Comma-separated tree sizes of earlier checkpoints to prove consistency from.
    since: Option<String>,
}

async fn record(State(s): State<Arc<Services>>, Path(decision): Path<String>, Query(params): Query<RecordParams>) -> Response {
    let decision = decision.strip_suffix(".json").unwrap_or(&decision).to_owned();
    let since: Vec<u64> = params.since.as_deref().unwrap_or("").split(',').filter_map(|n| n.trim().parse().ok()).take(8).collect();
    let Ok(_permit) = BUNDLES.acquire().await else { return missing("closing") };
    match record_bundle(&s, &decision, &since).await {
        Ok(Some(bundle)) => {
            let body = serde_json::to_string_pretty(&bundle).expect("a bundle serialises");
            let disposition = format!("attachment; filename=\"canyu-record-{decision}.json\"");
            (
                [
                    (header::CONTENT_TYPE, "application/json".to_owned()),
                    (header::CACHE_CONTROL, "no-cache".to_owned()),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                body,
            )
                .into_response()
        }
        Ok(None) => missing("no such decision"),
        Err(LogError::Range(why)) => missing(why),
        Err(e) => {
            tracing::error!(error = %e, "could not build a record bundle");
            text(StatusCode::SERVICE_UNAVAILABLE, "no-store", "the record cannot be built now\n".into())
        }
    }
}

/// The public record bundle of a decision, as anyone may see it: its history's events, those
/// the record withholds shown by their leaf alone. `None` when no such decision is public.
pub async fn record_bundle(s: &Services, decision_id: &str, since: &[u64]) -> Result<Option<Bundle>, LogError> {
    let Some(log) = &s.log else { return Err(LogError::Range("this process keeps no transparency log".into())) };
    let found = s.projections.read(|m| {
        let d = m.decisions.get(decision_id).filter(|d| query::Viewer::default().can_see(m, d))?;
        let positions: Vec<u64> = m.histories.get(d.id.as_str()).map(|h| h.iter().map(|e| e.position).collect()).unwrap_or_default();
        Some((positions, query::withheld(m, decision_id)))
    });
    let Some((positions, withheld)) = found else { return Ok(None) };
    let withhold = |e: &RecordedEvent| {
        withheld.positions.contains(&e.position) || author(&e.data).is_some_and(|a| withheld.erased.contains(a.as_str()))
    };
    log.bundle(s.store.as_ref(), decision_id, &positions, &withhold, since).await.map(Some)
}

/// The account an event's payload names as its author, if any.
fn author(data: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Author {
        account_id: Option<String>,
    }
    serde_json::from_str::<Author>(data).ok()?.account_id
}
