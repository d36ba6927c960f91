//! Limits on hostile or careless input: request body size, operations per request, root
//! fields per mutation, depth and complexity codes, rate limits on mutations (per client
//! address and per account), security headers and CORS. Each refusal is a GraphQL error with
//! its own `extensions.code`; nothing is written.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextValidation};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::{Pos, ServerError, ServerResult, ValidationResult, Variables};
use axum::http::{HeaderName, HeaderValue, Method, header};
use canyu_app::AppError;

use crate::Auth;
use crate::error::{gql, refused};

/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Operations (batch entries) per HTTP request.
pub const MAX_BATCH: usize = 1;
/// Operation definitions per GraphQL document.
pub const MAX_DOCUMENT_OPERATIONS: usize = 10;
/// Root fields of one mutation operation (aliases included): each is a separate write.
pub const MAX_MUTATION_FIELDS: usize = 5;

/// A rate: `per_second` tokens refilled each second, up to `burst`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub per_second: f64,
    pub burst: f64,
}

/// The gateway's limits; [`Limits::from_env`] reads the `CANYU_` settings.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Mutations per client address (None: unlimited).
    pub per_client: Option<Rate>,
    /// Mutations per signed-in account (None: unlimited).
    pub per_account: Option<Rate>,
    /// Origins allowed to call the API from a browser (empty: CORS closed).
    pub cors_origins: Vec<HeaderValue>,
    /// Where the buckets live (None: in this process).
    pub shared: Option<SharedLimiters>,
}

/// Shared limiters: how to make one per rate.
#[derive(Clone)]
pub struct SharedLimiters(pub LimiterFactory);

impl std::fmt::Debug for SharedLimiters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedLimiters")
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_client: Some(Rate { per_second: 50.0, burst: 200.0 }),
            per_account: Some(Rate { per_second: 10.0, burst: 60.0 }),
            cors_origins: Vec::new(),
            shared: None,
        }
    }
}

fn rate_from(var: &str, default: Option<Rate>) -> Option<Rate> {
    match std::env::var(var).ok().and_then(|v| v.trim().parse::<f64>().ok()) {
        Some(r) if r <= 0.0 => None,
        Some(r) => Some(Rate { per_second: r, burst: (r * 4.0).max(1.0) }),
        None => default,
    }
}

impl Limits {
    /// `CANYU_RATE_LIMIT_CLIENT` and `CANYU_RATE_LIMIT_ACCOUNT` (mutations per second, burst
    /// four times that; `0` turns the limit off; defaults 50/s burst 200 per client address,
    /// 10/s burst 60 per account), `CANYU_CORS_ORIGINS` (comma-separated origins).
    pub fn from_env() -> Self {
        let d = Limits::default();
        Limits {
            per_client: rate_from("CANYU_RATE_LIMIT_CLIENT", d.per_client),
            per_account: rate_from("CANYU_RATE_LIMIT_ACCOUNT", d.per_account),
            cors_origins: std::env::var("CANYU_CORS_ORIGINS")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .filter_map(|o| HeaderValue::from_str(o).ok())
                .collect(),
            shared: None,
        }
    }
}

/// Decides whether one more request under `key` may go ahead now. The embedded default keeps
/// its buckets in process ([`InProcessLimiter`]); gateway replicas share theirs in Redis
/// (`redis_limits::RedisLimiter`, feature `redis`).
#[async_trait::async_trait]
pub trait RateLimiter: Send + Sync + 'static {
    /// `Err(wait)`: refused; try again after `wait`.
    async fn check(&self, key: &str) -> Result<(), Duration>;
}

/// Makes the limiter for one rate (`scope` names it: `client` or `account`).
pub type LimiterFactory = Arc<dyn Fn(&'static str, Rate) -> Arc<dyn RateLimiter> + Send + Sync>;

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Token buckets in a map behind one mutex (a few hundred nanoseconds per check).
pub struct InProcessLimiter {
    rate: Rate,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl InProcessLimiter {
    pub fn new(rate: Rate) -> Self {
        InProcessLimiter { rate, buckets: Mutex::new(HashMap::new()) }
    }
}

#[async_trait::async_trait]
impl RateLimiter for InProcessLimiter {
    async fn check(&self, key: &str) -> Result<(), Duration> {
        self.check_now(key)
    }
}

impl InProcessLimiter {
    /// The synchronous check (also the fallback of a shared limiter whose store is away).
    pub fn check_now(&self, key: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() > 100_000 {
            // Forget clients whose buckets are full again: they lose nothing.
            let rate = self.rate;
            buckets.retain(|_, b| b.tokens + now.duration_since(b.at).as_secs_f64() * rate.per_second < rate.burst);
        }
        let b = buckets.entry(key.to_string()).or_insert(Bucket { tokens: self.rate.burst, at: now });
        b.tokens = (b.tokens + now.duration_since(b.at).as_secs_f64() * self.rate.per_second).min(self.rate.burst);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - b.tokens) / self.rate.per_second))
        }
    }
}

/// The caller's network address (or `unknown`), for the per-client rate limit.
#[derive(Debug, Clone)]
pub struct ClientKey(pub String);

/// The schema extension that applies the limits after parsing and names the refusals.
#[derive(Clone)]
pub struct Guard {
    per_client: Option<Arc<dyn RateLimiter>>,
    per_account: Option<Arc<dyn RateLimiter>>,
}

impl Guard {
    pub fn new(limits: &Limits) -> Self {
        let make = |scope: &'static str, r: Option<Rate>| {
            r.map(|r| match &limits.shared {
                Some(SharedLimiters(factory)) => factory(scope, r),
                None => Arc::new(InProcessLimiter::new(r)) as Arc<dyn RateLimiter>,
            })
        };
        Guard { per_client: make("client", limits.per_client), per_account: make("account", limits.per_account) }
    }
}

impl ExtensionFactory for Guard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(self.clone())
    }
}

fn err(code: &str, message: impl Into<String>) -> ServerError {
    refused(code, message).into_server_error(Pos::default())
}

/// Root fields of a selection set, through fragments (bounded, so a fragment cycle ends).
fn root_fields(doc: &ExecutableDocument, set: &SelectionSet, depth: usize) -> usize {
    if depth > 5 {
        return 0;
    }
    set.items
        .iter()
        .map(|s| match &s.node {
            Selection::Field(_) => 1,
            Selection::InlineFragment(f) => root_fields(doc, &f.node.selection_set.node, depth + 1),
            Selection::FragmentSpread(f) => {
                doc.fragments.get(&f.node.fragment_name.node).map_or(0, |fr| root_fields(doc, &fr.node.selection_set.node, depth + 1))
            }
        })
        .sum()
}

#[async_trait::async_trait]
impl Extension for Guard {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let ops: Vec<_> = match &doc.operations {
            DocumentOperations::Single(op) => vec![op],
            DocumentOperations::Multiple(map) => map.values().collect(),
        };
        if ops.len() > MAX_DOCUMENT_OPERATIONS {
            return Err(err("TOO_MANY_OPERATIONS", format!("a document may define at most {MAX_DOCUMENT_OPERATIONS} operations")));
        }
        let mut mutation = false;
        for op in ops.iter().filter(|op| op.node.ty == OperationType::Mutation) {
            mutation = true;
            if root_fields(&doc, &op.node.selection_set.node, 0) > MAX_MUTATION_FIELDS {
                return Err(err("TOO_MANY_OPERATIONS", format!("a mutation may have at most {MAX_MUTATION_FIELDS} fields")));
            }
        }
        if mutation {
            let client = ctx.data_opt::<ClientKey>().map_or("unknown", |c| c.0.as_str());
            let account = ctx.data_opt::<Auth>().and_then(|a| a.0.as_ref()).map(|p| p.account_id.as_str());
            let checks = [(self.per_client.as_ref(), Some(client)), (self.per_account.as_ref(), account)];
            for (limiter, key) in checks {
                if let (Some(l), Some(k)) = (limiter, key)
                    && let Err(wait) = l.check(k).await
                {
                    return Err(gql(AppError::RateLimited { retry_after: wait }).into_server_error(Pos::default()));
                }
            }
        }
        Ok(doc)
    }

    async fn validation(&self, ctx: &ExtensionContext<'_>, next: NextValidation<'_>) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|errors| {
            errors
                .into_iter()
                .map(|mut e| {
                    let code = match e.message.as_str() {
                        "Query is nested too deep." => Some("QUERY_TOO_DEEP"),
                        "Query is too complex." => Some("QUERY_TOO_COMPLEX"),
                        m if m.contains("recursive depth") || m.contains("too many directives") => Some("QUERY_TOO_COMPLEX"),
                        _ => None,
                    };
                    if let Some(code) = code {
                        e.extensions.get_or_insert_with(Default::default).set("code", code);
                    }
                    e
                })
                .collect()
        })
    }
}

/// Security headers on every response (unless a route set its own).
pub fn security_headers() -> [(HeaderName, HeaderValue); 5] {
    [
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
            ),
        ),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        (HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin")),
    ]
}

/// The CORS layer for the configured origins; None (closed: no cross-origin reads) when empty.
pub fn cors(limits: &Limits) -> Option<tower_http::cors::CorsLayer> {
    if limits.cors_origins.is_empty() {
        return None;
    }
    Some(
        tower_http::cors::CorsLayer::new()
            .allow_origin(tower_http::cors::AllowOrigin::list(limits.cors_origins.clone()))
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION, HeaderName::from_static("idempotency-key")])
            .max_age(Duration::from_secs(600)),
    )
}
