//! Limits on hostile or careless input: request body size, operations per request, root
//! fields per mutation, depth and complexity codes, rate limits on mutations (per client
//! address and per account), security headers and CORS. Each refusal is a GraphQL error with
//! its own `extensions.code`; nothing is written.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use std::any::TypeId;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest, NextValidation};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument};
use async_graphql::{Pos, Request, ServerError, ServerResult, ValidationResult, Variables};
use axum::http::{HeaderName, HeaderValue, Method, header};
use canyu_app::AppError;

use super::cost::{self, Analysis, Refusal, TypeTable};
use crate::Auth;
use crate::error::{gql, refused};

/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Operations in one batch (a JSON array body); each is measured and charged on its own.
pub const MAX_BATCH: usize = 10;
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
    /// Query points (see [`super::cost`]) per client address (None: unlimited).
    pub query_points_per_client: Option<Rate>,
    /// Sign-in attempts per client address (None: unlimited).
    pub logins_per_client: Option<Rate>,
    /// Sign-in attempts per username, wherever they come from (None: unlimited).
    pub logins_per_username: Option<Rate>,
    /// Whether `__schema` and `__type` answer (`CANYU_INTROSPECTION=off` turns them off).
    pub introspection: bool,
    /// Origins allowed to call the API from a browser (empty: CORS closed).
    pub cors_origins: Vec<HeaderValue>,
    /// Where the buckets live (None: in this process).
    pub shared: Option<SharedLimiters>,
    /// Reverse proxies whose forwarding headers name the client (empty: the TCP peer is).
    pub trusted_proxies: super::client::TrustedProxies,
    /// How long a request body may take to arrive (`CANYU_REQUEST_BODY_TIMEOUT`, seconds).
    pub body_timeout: Duration,
    /// WebSocket `connection_init` timeout (`CANYU_WS_INIT_TIMEOUT`, seconds) and operations
    /// per socket.
    pub ws: super::ws::WsConfig,
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
            query_points_per_client: Some(Rate { per_second: 2_000.0, burst: 40_000.0 }),
            logins_per_client: Some(Rate { per_second: 1.0, burst: 30.0 }),
            logins_per_username: Some(Rate { per_second: 0.1, burst: 10.0 }),
            introspection: true,
            cors_origins: Vec::new(),
            shared: None,
            trusted_proxies: Default::default(),
            body_timeout: Duration::from_secs(10),
            ws: Default::default(),
        }
    }
}

/// A rate from `var` (per second; `0` turns the limit off), its burst `burst_seconds` worth.
fn rate_from(var: &str, default: Option<Rate>, burst_seconds: f64) -> Option<Rate> {
    match std::env::var(var).ok().and_then(|v| v.trim().parse::<f64>().ok()) {
        Some(r) if r <= 0.0 => None,
        Some(r) => Some(Rate { per_second: r, burst: (r * burst_seconds).max(1.0) }),
        None => default,
    }
}

impl Limits {
    /// Every rate is per second and `0` turns it off:
    /// - `CANYU_RATE_LIMIT_CLIENT`, `CANYU_RATE_LIMIT_ACCOUNT`: mutation fields (burst four
    ///   seconds' worth; defaults 50/s burst 200 per client address, 10/s burst 60 per account);
    /// - `CANYU_QUERY_RATE_LIMIT_CLIENT`: query points per client address (burst twenty
    ///   seconds' worth; default 2,000/s burst 40,000);
    /// - `CANYU_LOGIN_RATE_LIMIT_CLIENT` (default 1/s burst 30) and
    ///   `CANYU_LOGIN_RATE_LIMIT_USERNAME` (default 0.1/s burst 10): sign-in attempts;
    ///
    /// and `CANYU_CORS_ORIGINS` (comma-separated origins), `CANYU_INTROSPECTION` (`off`),
    /// `CANYU_TRUSTED_PROXIES` (comma-separated addresses and networks of reverse proxies).
    ///
    /// # Errors
    /// A `CANYU_TRUSTED_PROXIES` entry that is not an address or network: a typo there would
    /// put every user behind one bucket without a word.
    pub fn from_env() -> Result<Self, String> {
        let d = Limits::default();
        let trusted_proxies = super::client::TrustedProxies::parse(&std::env::var("CANYU_TRUSTED_PROXIES").unwrap_or_default())
            .map_err(|e| format!("CANYU_TRUSTED_PROXIES: {e}"))?;
        Ok(Limits {
            per_client: rate_from("CANYU_RATE_LIMIT_CLIENT", d.per_client, 4.0),
            per_account: rate_from("CANYU_RATE_LIMIT_ACCOUNT", d.per_account, 4.0),
            query_points_per_client: rate_from("CANYU_QUERY_RATE_LIMIT_CLIENT", d.query_points_per_client, 20.0),
            logins_per_client: rate_from("CANYU_LOGIN_RATE_LIMIT_CLIENT", d.logins_per_client, 30.0),
            logins_per_username: rate_from("CANYU_LOGIN_RATE_LIMIT_USERNAME", d.logins_per_username, 100.0),
            introspection: !matches!(std::env::var("CANYU_INTROSPECTION").as_deref().map(str::trim), Ok("off" | "false" | "0")),
            cors_origins: std::env::var("CANYU_CORS_ORIGINS")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .filter_map(|o| HeaderValue::from_str(o).ok())
                .collect(),
            shared: None,
            trusted_proxies,
            body_timeout: std::env::var("CANYU_REQUEST_BODY_TIMEOUT")
                .ok()
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|s| *s > 0.0 && *s < 3600.0)
                .map_or(d.body_timeout, Duration::from_secs_f64),
            ws: super::ws::WsConfig {
                init_timeout: std::env::var("CANYU_WS_INIT_TIMEOUT")
                    .ok()
                    .and_then(|v| v.trim().parse::<f64>().ok())
                    .filter(|s| *s > 0.0 && *s < 3600.0)
                    .map_or(d.ws.init_timeout, Duration::from_secs_f64),
                ..d.ws
            },
        })
    }
}

/// Decides whether one more request under `key` may go ahead now. The embedded default keeps
/// its buckets in process ([`InProcessLimiter`]); gateway replicas share theirs in Redis
/// (`redis_limits::RedisLimiter`, feature `redis`).
#[async_trait::async_trait]
pub trait RateLimiter: Send + Sync + 'static {
    /// Takes `cost` tokens (at most the burst) from `key`'s bucket. `Err(wait)`: refused;
    /// try again after `wait`.
    async fn check(&self, key: &str, cost: f64) -> Result<(), Duration>;
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
    async fn check(&self, key: &str, cost: f64) -> Result<(), Duration> {
        self.check_now(key, cost)
    }
}

impl InProcessLimiter {
    /// The synchronous check (also the fallback of a shared limiter whose store is away).
    pub fn check_now(&self, key: &str, cost: f64) -> Result<(), Duration> {
        let cost = cost.clamp(0.0, self.rate.burst);
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
        if b.tokens >= cost {
            b.tokens -= cost;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((cost - b.tokens) / self.rate.per_second))
        }
    }
}

/// The caller's network address (or `unknown`), for the per-client rate limit.
#[derive(Debug, Clone)]
pub struct ClientKey(pub String);

/// The bearer token a WebSocket connected with (`connection_init`): every operation on the
/// socket looks its principal up again, as an HTTP request does, so a revoked role or an
/// erased account stops at the next operation.
#[derive(Debug, Clone)]
pub struct SocketToken(pub Option<String>);

/// The figures of the request's document, for the resolvers and the limits.
#[derive(Debug, Clone)]
pub struct Measured(pub Analysis);

/// The schema extension that measures each document before validation, applies the limits
/// and names the refusals.
#[derive(Clone)]
pub struct Guard {
    table: Arc<TypeTable>,
    per_client: Option<Arc<dyn RateLimiter>>,
    per_account: Option<Arc<dyn RateLimiter>>,
    query_points: Option<Arc<dyn RateLimiter>>,
}

/// The sign-in limits, kept in the schema's data for the `login` resolver.
#[derive(Clone)]
pub struct LoginLimits {
    per_client: Option<Arc<dyn RateLimiter>>,
    per_username: Option<Arc<dyn RateLimiter>>,
}

fn limiter(limits: &Limits, scope: &'static str, rate: Option<Rate>) -> Option<Arc<dyn RateLimiter>> {
    rate.map(|r| match &limits.shared {
        Some(SharedLimiters(factory)) => factory(scope, r),
        None => Arc::new(InProcessLimiter::new(r)) as Arc<dyn RateLimiter>,
    })
}

async fn take(limiter: Option<&Arc<dyn RateLimiter>>, key: Option<&str>, cost: f64) -> Result<(), AppError> {
    if let (Some(l), Some(k)) = (limiter, key)
        && let Err(wait) = l.check(k, cost).await
    {
        return Err(AppError::RateLimited { retry_after: wait });
    }
    Ok(())
}

impl LoginLimits {
    pub fn new(limits: &Limits) -> Self {
        LoginLimits {
            per_client: limiter(limits, "login-client", limits.logins_per_client),
            per_username: limiter(limits, "login-username", limits.logins_per_username),
        }
    }

    /// Takes one attempt from the client's and the username's buckets. The username's key is
    /// a digest, so the limiter's store holds no username.
    pub async fn attempt(&self, client: &str, username: &str) -> Result<(), AppError> {
        use sha2::Digest;
        let folded = username.trim().to_lowercase();
        let digest = sha2::Sha256::digest(folded.as_bytes());
        let key: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
        take(self.per_client.as_ref(), Some(client), 1.0).await?;
        take(self.per_username.as_ref(), Some(&key), 1.0).await
    }
}

impl Guard {
    pub fn new(limits: &Limits, table: Arc<TypeTable>) -> Self {
        Guard {
            table,
            per_client: limiter(limits, "client", limits.per_client),
            per_account: limiter(limits, "account", limits.per_account),
            query_points: limiter(limits, "query", limits.query_points_per_client),
        }
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

/// Request data: the request came as an HTTP GET, which may not run a mutation.
#[derive(Debug, Clone, Copy)]
pub struct HttpGet;

/// Request data: set once execution starts. A response whose request never reached execution
/// (parse, validation, variables, limits) answers a GraphQL-over-HTTP request error: no `data`
/// and a 4xx status under `application/graphql-response+json`.
#[derive(Debug, Clone, Default)]
pub struct Executed(pub Arc<std::sync::atomic::AtomicBool>);

#[async_trait::async_trait]
impl Extension for Guard {
    /// Measures the document before async-graphql's own checks (which expand fragments) and
    /// looks up a WebSocket operation's principal again.
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let doc = async_graphql::parser::parse_query(&request.query).map_err(ServerError::from)?;
        let operations = match &doc.operations {
            DocumentOperations::Single(_) => 1,
            DocumentOperations::Multiple(map) => map.len(),
        };
        if operations > MAX_DOCUMENT_OPERATIONS {
            return Err(err("TOO_MANY_OPERATIONS", format!("a document may define at most {MAX_DOCUMENT_OPERATIONS} operations")));
        }
        let analysis = match cost::analyse(&doc, &self.table, &request.variables, request.operation_name.as_deref()) {
            Ok(a) => a,
            Err(Refusal::TooComplex(m)) => return Err(err("QUERY_TOO_COMPLEX", m)),
            Err(Refusal::TooDeep(m)) => return Err(err("QUERY_TOO_DEEP", m)),
            Err(Refusal::FragmentCycle(m)) => return Err(err("VALIDATION", m)),
            Err(Refusal::Invalid { message, field, pos }) => {
                let mut e = refused("VALIDATION", message).into_server_error(pos);
                e.extensions.get_or_insert_with(Default::default).set("field", field);
                return Err(e);
            }
        };
        if request.data.contains_key(&TypeId::of::<HttpGet>())
            && analysis.operation == Some(async_graphql::parser::types::OperationType::Mutation)
        {
            // GET is safe by definition: caches and prefetchers repeat it (GraphQL over HTTP).
            return Err(err("METHOD_NOT_ALLOWED", "a mutation must be sent with POST"));
        }
        if analysis.mutation_fields.len() > MAX_MUTATION_FIELDS {
            return Err(err("TOO_MANY_OPERATIONS", format!("a mutation may have at most {MAX_MUTATION_FIELDS} fields")));
        }
        if !request.data.contains_key(&TypeId::of::<Auth>())
            && let Some(SocketToken(token)) = ctx.data_opt::<SocketToken>()
        {
            let services = ctx.data::<Arc<crate::Services>>().map_err(|e| e.into_server_error(Pos::default()))?;
            let auth = match token {
                None => Auth(None),
                Some(t) => Auth(Some(services.app.authenticate(t).await.map_err(|e| gql(e).into_server_error(Pos::default()))?)),
            };
            request.data.insert(auth);
        }
        request.data.insert(Measured(analysis));
        request.set_parsed_query(doc);
        next.run(ctx, request).await
    }

    /// Charges the request to the rate limits: each mutation field once to the client's and
    /// the account's buckets; a query its points to the client's.
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let Some(Measured(analysis)) = ctx.data_opt::<Measured>() else { return Ok(doc) };
        let client = ctx.data_opt::<ClientKey>().map_or("unknown", |c| c.0.as_str());
        let account = ctx.data_opt::<Auth>().and_then(|a| a.0.as_ref()).map(|p| p.account_id.as_str());
        let charged = async {
            let writes = analysis.mutation_fields.len() as f64;
            if writes > 0.0 {
                take(self.per_client.as_ref(), Some(client), writes).await?;
                take(self.per_account.as_ref(), account, writes).await?;
            }
            take(self.query_points.as_ref(), Some(client), analysis.cost.max(1) as f64).await
        };
        charged.await.map_err(|e| gql(e).into_server_error(Pos::default()))?;
        Ok(doc)
    }

    /// Marks the request as executed (see [`Executed`]).
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: async_graphql::extensions::NextExecute<'_>,
    ) -> async_graphql::Response {
        if let Some(Executed(flag)) = ctx.data_opt::<Executed>() {
            flag.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        next.run(ctx, operation_name).await
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
