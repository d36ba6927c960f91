//! The conformance suite against `KurrentDbEventStore`, each check under a fresh stream prefix
//! of the node or cluster at `KURRENTDB_URL` (e.g.
//! `kurrentdb://admin:changeit@localhost:2113?tls=false`). No registry we use ships a KurrentDB
//! server, so without that variable the checks print SKIP, unless
//! `CANYU_REQUIRE_KURRENTDB=1`, where they fail. See ADR 0008 and the README.
#![cfg(feature = "kurrentdb")]

use canyu_eventstore::EventStore;
use canyu_eventstore::kurrentdb::KurrentDbEventStore;
use uuid::Uuid;

fn server_url() -> Option<String> {
    match std::env::var("KURRENTDB_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var("CANYU_REQUIRE_KURRENTDB").as_deref() == Ok("1") => {
            panic!("KURRENTDB_URL is not set but CANYU_REQUIRE_KURRENTDB=1: point it at a KurrentDB node or cluster")
        }
        _ => None,
    }
}

async fn fresh_store() -> Option<KurrentDbEventStore> {
    let url = server_url()?;
    let store = KurrentDbEventStore::connect(&url).await.expect("connect");
    Some(store.with_stream_prefix(format!("conf-{}/", Uuid::now_v7().simple())))
}

mod conformance {
    use super::fresh_store;

    canyu_eventstore::conformance_tests!(optional: fresh_store());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn positions_are_reported_as_not_contiguous_and_verify_all_checks_chains() {
    let Some(store) = fresh_store().await else {
        eprintln!("SKIP: KURRENTDB_URL is not set");
        return;
    };
    assert!(!store.capabilities().contiguous_positions);
    for i in 0..3 {
        store
            .append(&format!("decision-{i}"), canyu_eventstore::ExpectedVersion::Any, vec![canyu_eventstore::conformance::new_event(i)])
            .await
            .expect("append");
    }
    assert_eq!(store.verify_all().await.expect("verify_all"), 3);
}

#[tokio::test]
async fn a_malformed_url_is_invalid() {
    assert!(matches!(KurrentDbEventStore::connect("http://not a url").await, Err(canyu_eventstore::StoreError::Invalid(_))));
}
