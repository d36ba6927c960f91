//! The GraphQL gateway: schema and thin resolvers, error mapping, bearer-token auth,
//! subscriptions (graphql-transport-ws), the axum server with `/graphql`, `/healthz` and the
//! static frontend.
//!
//! Depends on `canyu-app` (commands), `canyu-projections` (queries) and the event store port.
//! The only crate that knows axum and async-graphql.

pub mod error;
pub mod inputs;
pub mod metrics;
pub mod render;
pub mod schema;
pub mod server;
pub mod types;

use std::sync::Arc;

use async_graphql::{Context, Schema};
use canyu_app::{App, Principal};
use canyu_eventstore::EventStore;
use canyu_projections::Projections;
use canyu_projections::query::Viewer;

pub use schema::{MutationRoot, QueryRoot, SubscriptionRoot};

/// The GraphQL schema type.
pub type CanyuSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// What resolvers need: the application (writes), the read models (reads) and the store
/// (for `asOf` replays).
pub struct Services {
    pub app: Arc<App>,
    pub projections: Arc<Projections>,
    pub store: Arc<dyn EventStore>,
    pub metrics: metrics::Metrics,
    /// For a replica of stored read models (Redis): how long it may go without matching the
    /// store before requests are refused with `UNAVAILABLE`. `None`: the read models are
    /// this process's own fold.
    pub replica_bound: Option<std::time::Duration>,
    /// Append latencies of the store the application writes through, if it is timed.
    pub append_timings: Option<Arc<canyu_eventstore::timed::AppendTimings>>,
    /// The platform's time zone: dates people read are rendered in it (stored times are UTC).
    pub time_zone: chrono_tz::Tz,
    /// The transparency log (`/log/`, proofs, receipts, record bundles), when the process
    /// keeps one.
    pub log: Option<Arc<canyu_translog::TransparencyLog>>,
}

impl Services {
    pub fn new(app: Arc<App>, projections: Arc<Projections>, store: Arc<dyn EventStore>) -> Self {
        Services {
            app,
            projections,
            store,
            metrics: Default::default(),
            replica_bound: None,
            append_timings: None,
            time_zone: render::DEFAULT_TIME_ZONE,
            log: None,
        }
    }

    /// The replica's age when it is past its bound (the read-model store cannot be reached).
    pub fn stale_replica(&self) -> Option<std::time::Duration> {
        let bound = self.replica_bound?;
        let age = self.projections.sync_age();
        (age > bound).then_some(age)
    }
}

/// The caller of one request (None: anonymous).
#[derive(Debug, Clone, Default)]
pub struct Auth(pub Option<Principal>);

/// The viewer of the current request, for confidential-item visibility.
pub fn viewer(ctx: &Context<'_>) -> async_graphql::Result<Viewer> {
    Ok(types::viewer_of(ctx.data::<Auth>()?))
}

/// Builds the schema with its services and the default limits (`server::cost`).
pub fn build_schema(services: Arc<Services>) -> CanyuSchema {
    server::schema_with(services, &server::Limits::default())
}

/// The schema in SDL, as checked in at `schema/schema.graphql`.
pub fn sdl() -> String {
    Schema::build(QueryRoot, MutationRoot, SubscriptionRoot).finish().sdl()
}
