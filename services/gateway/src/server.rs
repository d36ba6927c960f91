//! The axum server: `/graphql` (POST; GET for queries or the graphql-transport-ws upgrade), `/healthz`, and
//! the built frontend (or a small landing page when it is not built).

use std::path::PathBuf;
use std::sync::Arc;

use std::net::SocketAddr;

use async_graphql::{Data, Schema, ServerError};
use axum::Router;
use axum::extract::ConnectInfo;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::{State, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::gql;
use crate::schema::IdempotencyKeyHeader;
use crate::{Auth, CanyuSchema, MutationRoot, QueryRoot, Services, SubscriptionRoot};
use http::Media;

pub mod client;
pub mod cost;
pub mod http;
pub mod limits;
pub mod log;
#[cfg(feature = "redis")]
pub mod redis_limits;
pub mod ws;
pub use limits::Limits;

#[derive(Clone)]
struct AppState {
    schema: CanyuSchema,
    services: Arc<Services>,
    /// Origins besides the server's own whose pages may open a WebSocket.
    origins: Vec<axum::http::HeaderValue>,
    /// Reverse proxies whose `Forwarded` / `X-Forwarded-For` name the client.
    proxies: client::TrustedProxies,
    /// How long a request body may take to arrive.
    body_timeout: std::time::Duration,
    /// WebSocket timeouts and bounds.
    ws: ws::WsConfig,
}

/// The schema with its limits: each document is measured ([`cost`]) before async-graphql's
/// own checks, which then see only documents of bounded size.
pub fn schema_with(services: Arc<Services>, limits: &Limits) -> CanyuSchema {
    let table = Arc::new(cost::TypeTable::from_sdl(&crate::sdl()));
    let builder = Schema::build(QueryRoot, MutationRoot, SubscriptionRoot)
        .data(services)
        .data(limits::LoginLimits::new(limits))
        .limit_recursive_depth(32)
        .limit_directives(10)
        .extension(limits::Guard::new(limits, table));
    if limits.introspection { builder.finish() } else { builder.disable_introspection().finish() }
}

/// Builds the router with its limits (`Limits::from_env` for `serve`). `static_dir` is the
/// built frontend (`frontend/dist`), if present.
pub fn router_with(services: Arc<Services>, static_dir: Option<PathBuf>, limits: Limits) -> Router {
    let schema = schema_with(services.clone(), &limits);
    let state = AppState {
        schema,
        services,
        origins: limits.cors_origins.clone(),
        proxies: limits.trusted_proxies.clone(),
        body_timeout: limits.body_timeout,
        ws: limits.ws,
    };
    let app = Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(state.clone())
        .merge(log::routes(state.services.clone()));
    let mut app = match static_dir.filter(|d| d.join("index.html").is_file()) {
        Some(dir) => {
            // Precompressed copies (`.br`, `.gz`, written by the frontend build) are sent to
            // clients that accept them; hashed assets are cached for a year, the rest revalidated.
            let index = ServeFile::new(dir.join("index.html")).precompressed_br().precompressed_gzip();
            let files = ServeDir::new(&dir).precompressed_br().precompressed_gzip().fallback(index);
            let site = Router::new().fallback_service(files).layer(axum::middleware::from_fn(static_cache_policy));
            app.fallback_service(site)
        }
        None => app.fallback(landing),
    };
    app = app.layer(axum::middleware::from_fn(graphiql_policy));
    for (name, value) in limits::security_headers() {
        app = app.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    match limits::cors(&limits) {
        Some(cors) => app.layer(cors),
        None => app,
    }
}

/// Cache headers for the site: files under `/assets/` have a content hash in their names and
/// never change (a year, immutable); everything else (`index.html`, client-side routes, the
/// IDE) is revalidated on each use so a new build is picked up at once.
async fn static_cache_policy(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let hashed = request.uri().path().starts_with("/assets/");
    let mut response = next.run(request).await;
    if response.status().is_success() && !response.headers().contains_key(header::CACHE_CONTROL) {
        let value = if hashed { "public, max-age=31536000, immutable" } else { "no-cache" };
        response.headers_mut().insert(header::CACHE_CONTROL, axum::http::HeaderValue::from_static(value));
    }
    response
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")).map(str::trim).filter(|t| !t.is_empty())
}

async fn authenticate(services: &Services, token: Option<&str>) -> Result<Auth, async_graphql::Error> {
    match token {
        None => Ok(Auth(None)),
        Some(t) => services.app.authenticate(t).await.map(|p| Auth(Some(p))).map_err(gql),
    }
}

async fn graphql_post(State(st): State<AppState>, request: axum::extract::Request) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
    let media = Media::negotiate(&headers);
    let client = peer.map_or_else(|| "unknown".to_string(), |p| st.proxies.client(p, &headers).to_string());
    if let Err(refused) = json_body(media, &headers) {
        return refused;
    }
    match read_request(media, body, st.body_timeout).await {
        Ok(async_graphql::BatchRequest::Single(req)) => run(&st, &headers, media, client, req, false).await.0,
        Ok(async_graphql::BatchRequest::Batch(requests)) => {
            let mut answers = Vec::with_capacity(requests.len());
            for req in requests {
                let (response, _) = run(&st, &headers, media, client.clone(), req, false).await;
                let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap_or_default();
                answers.push(serde_json::from_slice::<serde_json::Value>(&bytes).unwrap_or_default());
            }
            http::reply(media, StatusCode::OK, &serde_json::Value::Array(answers), None)
        }
        Err(refusal) => refusal,
    }
}

/// Queries by GET (GraphQL over HTTP), or the graphql-transport-ws upgrade. A GET without
/// a query shows a short page to a browser and a 400 to anything else.
async fn graphql_get(
    State(st): State<AppState>,
    headers: axum::http::HeaderMap,
    connect: Result<ConnectInfo<SocketAddr>, axum::extract::rejection::ExtensionRejection>,
    params: Result<axum::extract::Query<http::GetParams>, axum::extract::rejection::QueryRejection>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    if let Ok(upgrade) = upgrade {
        return socket(st, headers, connect, upgrade);
    }
    let media = Media::negotiate(&headers);
    let browser = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"));
    let request = match params {
        Ok(axum::extract::Query(p)) if p.query.is_none() && browser => return Html(GRAPHQL_GET_PAGE).into_response(),
        Ok(axum::extract::Query(p)) => p.into_request(),
        Err(e) => Err(("query", format!("the query string cannot be read: {e}"))),
    };
    let request = match request {
        Ok(r) => r.data(limits::HttpGet),
        Err((field, message)) => return refusal(media, StatusCode::BAD_REQUEST, crate::error::invalid(field, &message)),
    };
    let client = connect.map_or_else(|_| "unknown".to_string(), |c| st.proxies.client(c.0.ip(), &headers).to_string());
    let (response, signed_in) = run(&st, &headers, media, client, request, true).await;
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let response = Response::from_parts(parts, axum::body::Body::from(bytes.clone()));
    http::cacheable(&headers, response, &bytes, signed_in)
}

/// Runs one operation with the caller's principal, language and client key; the answer
/// follows `media`. Also says whether the caller was signed in.
async fn run(st: &AppState, headers: &HeaderMap, media: Media, client: String, req: async_graphql::Request, get: bool) -> (Response, bool) {
    let auth = match authenticate(&st.services, bearer(headers)).await {
        Ok(a) => a,
        Err(e) => {
            let status = if media == Media::Json { StatusCode::OK } else { StatusCode::UNAUTHORIZED };
            return (refusal(media, status, e), false);
        }
    };
    let signed_in = auth.0.is_some();
    if let Some(age) = st.services.stale_replica() {
        st.services.metrics.record(std::time::Duration::ZERO, ["UNAVAILABLE".to_string()]);
        let message = format!("the read models cannot be reached (last matched {:.1}s ago); try again shortly", age.as_secs_f64());
        return (refusal(media, StatusCode::SERVICE_UNAVAILABLE, crate::error::refused("UNAVAILABLE", message)), signed_in);
    }
    let lang = crate::render::Lang::from_accept_language(headers.get("accept-language").and_then(|v| v.to_str().ok()));
    let executed = limits::Executed::default();
    let mut req = req.data(limits::ClientKey(client)).data(lang).data(executed.clone());
    if let Some(key) = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).filter(|_| !get) {
        req = req.data(IdempotencyKeyHeader(key.to_string()));
    }
    let started = std::time::Instant::now();
    let mut resp = st.schema.execute(req.data(auth)).await;
    for e in &mut resp.errors {
        with_default_code(e);
    }
    let codes = resp.errors.iter().filter_map(http::code_of);
    st.services.metrics.record(started.elapsed(), codes);
    let executed = executed.0.load(std::sync::atomic::Ordering::Relaxed);
    let status = if executed { StatusCode::OK } else { media.request_error_status(&resp.errors) };
    let mut answer = http::reply(media, status, &http::result_json(&resp, executed), http::retry_after(&resp.errors));
    for (name, value) in resp.http_headers.iter() {
        answer.headers_mut().append(name, value.clone());
    }
    (answer, signed_in)
}

/// A refusal outside the schema (body too large, not JSON, too many operations), as a GraphQL
/// error response with its code and no `data`.
fn refusal(media: Media, status: StatusCode, e: async_graphql::Error) -> Response {
    let mut err: ServerError = e.into_server_error(Default::default());
    with_default_code(&mut err);
    let retry = http::retry_after(std::slice::from_ref(&err));
    http::reply(media, status, &serde_json::json!({ "errors": [err] }), retry)
}

/// A POST body must be declared JSON (`application/json`, or the GraphQL-over-HTTP
/// `application/graphql-response+json`). A browser sends a cross-site `text/plain`,
/// form or multipart POST without a CORS preflight: refusing every other type keeps
/// another site from running mutations (such as `registerAccount`) through a visitor's
/// browser (issue 10).
#[allow(clippy::result_large_err)]
fn json_body(media: Media, headers: &HeaderMap) -> Result<(), Response> {
    let declared = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let media_type = declared.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if media_type == "application/json" || media_type == http::GRAPHQL_RESPONSE_JSON {
        return Ok(());
    }
    let mut response = refusal(
        media,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        crate::error::refused("UNSUPPORTED_MEDIA_TYPE", "send the request as application/json".to_string()),
    );
    response.headers_mut().insert(header::ACCEPT, axum::http::HeaderValue::from_static("application/json"));
    Err(response)
}

/// Reads the body (at most [`limits::MAX_BODY_BYTES`]) within `timeout`: a client that sends
/// it slowly (or never finishes) would otherwise hold the connection for ever. An array is a
/// batch of at most [`limits::MAX_BATCH`] operations.
async fn read_request(media: Media, body: axum::body::Body, timeout: std::time::Duration) -> Result<async_graphql::BatchRequest, Response> {
    let read = tokio::time::timeout(timeout, axum::body::to_bytes(body, limits::MAX_BODY_BYTES)).await.map_err(|_| {
        refusal(
            media,
            StatusCode::REQUEST_TIMEOUT,
            crate::error::refused("REQUEST_TIMEOUT", format!("the request body did not arrive within {} s", timeout.as_secs_f64())),
        )
    })?;
    let bytes = read.map_err(|_| {
        refusal(
            media,
            StatusCode::PAYLOAD_TOO_LARGE,
            crate::error::refused("REQUEST_TOO_LARGE", format!("the request body exceeds {} bytes", limits::MAX_BODY_BYTES)),
        )
    })?;
    if let Err(e) = std::str::from_utf8(&bytes) {
        let message = format!("the request is not valid UTF-8 (byte {})", e.valid_up_to());
        return Err(refusal(media, StatusCode::BAD_REQUEST, crate::error::invalid("request", &message)));
    }
    let batch: async_graphql::BatchRequest = serde_json::from_slice(&bytes).map_err(|e| {
        refusal(media, StatusCode::BAD_REQUEST, crate::error::invalid("request", &format!("not a GraphQL request in JSON: {e}")))
    })?;
    match batch {
        async_graphql::BatchRequest::Batch(v) if v.is_empty() => {
            Err(refusal(media, StatusCode::BAD_REQUEST, crate::error::invalid("request", "an empty batch holds no operation")))
        }
        async_graphql::BatchRequest::Batch(v) if v.len() > limits::MAX_BATCH => Err(refusal(
            media,
            StatusCode::BAD_REQUEST,
            crate::error::refused("TOO_MANY_OPERATIONS", format!("a batch may hold at most {} operations", limits::MAX_BATCH)),
        )),
        batch if batch.iter().any(|r| r.query.trim().is_empty()) => Err(refusal(
            media,
            StatusCode::BAD_REQUEST,
            crate::error::invalid("query", "the request has no query (a JSON object with a \"query\" string)"),
        )),
        batch => Ok(batch),
    }
}

/// Errors raised by the GraphQL layer itself (syntax, unknown fields, wrong input types,
/// depth and complexity limits) carry no code: they are the client's malformed input.
///
/// Errors raised before the document was read (limits, refusals) carry no location: GraphQL
/// lines and columns start at 1, so a `0:0` would point at nothing.
pub(crate) fn with_default_code(e: &mut ServerError) {
    e.locations.retain(|p| p.line > 0 && p.column > 0);
    let ext = e.extensions.get_or_insert_with(Default::default);
    if ext.get("code").is_none() {
        ext.set("code", "VALIDATION");
    }
}

/// The graphql-transport-ws upgrade: the subprotocol is required and a browser's page must
/// be of an allowed origin.
fn socket(
    st: AppState,
    headers: HeaderMap,
    connect: Result<ConnectInfo<SocketAddr>, axum::extract::rejection::ExtensionRejection>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let offered = headers.get_all(header::SEC_WEBSOCKET_PROTOCOL).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(','));
    if !offered.map(str::trim).any(|p| p == ws::PROTOCOL) {
        return (StatusCode::BAD_REQUEST, "ask for the graphql-transport-ws subprotocol (Sec-WebSocket-Protocol)\n").into_response();
    }
    if !origin_allowed(&headers, &st.origins) {
        // A page of another site may not use a visitor's browser to talk to the API.
        return (StatusCode::FORBIDDEN, "this origin may not open a WebSocket here\n").into_response();
    }
    let client = limits::ClientKey(connect.map_or_else(|_| "unknown".to_string(), |c| st.proxies.client(c.0.ip(), &headers).to_string()));
    let schema = st.schema.clone();
    let services = st.services.clone();
    let lang = crate::render::Lang::from_accept_language(headers.get("accept-language").and_then(|v| v.to_str().ok()));
    let config = st.ws;
    upgrade.protocols([ws::PROTOCOL]).on_upgrade(move |socket| {
        ws::serve(socket, schema, config, move |payload| {
            Box::pin(async move {
                let token = ["authorization", "Authorization"]
                    .iter()
                    .find_map(|k| payload.get(*k).and_then(|v| v.as_str()))
                    .map(|v| v.strip_prefix("Bearer ").unwrap_or(v).trim().to_string())
                    .filter(|t| !t.is_empty());
                // Refused at once when the token is bad; afterwards each operation looks the
                // principal up again (`limits::Guard`), so a revoked right stops there.
                authenticate(&services, token.as_deref()).await.map_err(|e| e.message)?;
                // The page's language (sent by our client), else the browser's.
                let lang = match payload.get("acceptLanguage").and_then(|v| v.as_str()) {
                    Some(l) => crate::render::Lang::from_accept_language(Some(l)),
                    None => lang,
                };
                let mut data = Data::default();
                data.insert(limits::SocketToken(token));
                data.insert(client);
                data.insert(lang);
                Ok(data)
            })
        })
    })
}

/// A WebSocket upgrade from a browser names the page's origin: it must be this server's own
/// (the `Host` it was asked for) or one of the configured CORS origins. Clients that are not
/// browsers send no `Origin` and are let through (they carry their own token).
fn origin_allowed(headers: &HeaderMap, allowed: &[axum::http::HeaderValue]) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else { return true };
    if allowed.iter().any(|a| a == origin) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let authority = origin.to_str().ok().and_then(|o| o.strip_prefix("https://").or_else(|| o.strip_prefix("http://")));
    matches!((authority, host), (Some(a), Some(h)) if a.eq_ignore_ascii_case(h))
}

async fn healthz(State(st): State<AppState>) -> impl IntoResponse {
    match st.services.store.head().await {
        Ok(head) => (StatusCode::OK, format!("ok head={head} projected={}\n", st.services.projections.position())),
        Err(e) => {
            tracing::warn!(%e, "health check: event store unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "event store unavailable\n".to_string())
        }
    }
}

/// Largest projection lag (events) at which this process still reports ready.
pub const READY_MAX_LAG_EVENTS: u64 = 10_000;

async fn lag(services: &Services) -> Option<crate::metrics::Lag> {
    let head = tokio::time::timeout(std::time::Duration::from_secs(2), services.store.head()).await.ok()?.ok()?;
    let position = services.projections.position();
    let seconds = if head > position { services.projections.last_applied_age().as_secs_f64() } else { 0.0 };
    Some(crate::metrics::Lag { head, position, seconds })
}

/// Ready when the event store answers and the read models are within the lag bound (and, for
/// a replica of stored read models, when it matches the store).
async fn readyz(State(st): State<AppState>) -> impl IntoResponse {
    if let Some(age) = st.services.stale_replica() {
        return (StatusCode::SERVICE_UNAVAILABLE, format!("read-model store unreachable for {:.1}s\n", age.as_secs_f64()));
    }
    match lag(&st.services).await {
        Some(l) if l.head.saturating_sub(l.position) <= READY_MAX_LAG_EVENTS => {
            (StatusCode::OK, format!("ready head={} projected={}\n", l.head, l.position))
        }
        Some(l) => (StatusCode::SERVICE_UNAVAILABLE, format!("read models lag: head={} projected={}\n", l.head, l.position)),
        None => (StatusCode::SERVICE_UNAVAILABLE, "event store unavailable\n".to_string()),
    }
}

async fn metrics(State(st): State<AppState>) -> impl IntoResponse {
    let lag = lag(&st.services).await;
    let mut text = st.services.metrics.render(lag);
    if let Some(t) = &st.services.append_timings {
        t.render(&mut text);
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text)
}

async fn landing() -> impl IntoResponse {
    (StatusCode::OK, Html(LANDING_PAGE))
}

const GRAPHQL_GET_PAGE: &str = r#"<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>Canyu GraphQL</title>
<body><h1>Canyu GraphQL</h1><p>POST GraphQL requests to this URL (<code>Content-Type: application/json</code>);
subscriptions use WebSocket (graphql-transport-ws) on the same URL. The schema is in <code>schema/schema.graphql</code>.</p></body></html>"#;

const LANDING_PAGE: &str = r#"<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>参与 Canyu</title>
<body><h1>参与 Canyu — 重大行政决策公众参与平台</h1>
<p>The web frontend is not built in this checkout. The GraphQL API is at <a href="/graphql">/graphql</a>.</p></body></html>"#;

/// The offline GraphiQL page's editor (Monaco) injects style elements and runs web workers
/// from blob URLs; its pages get a policy that allows exactly that, still same-origin only.
/// The global security headers are added only where a response has none, so this one stands.
async fn graphiql_policy(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let graphiql = req.uri().path().starts_with("/graphiql");
    let mut resp = next.run(req).await;
    if graphiql {
        resp.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            axum::http::HeaderValue::from_static(
                "default-src 'self'; style-src 'self' 'unsafe-inline'; worker-src 'self' blob:; font-src 'self' data:; connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
            ),
        );
    }
    resp
}
