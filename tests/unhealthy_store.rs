//! The event store stops answering in the middle of the service's life (the model is
//! crates.io's `unhealthy_database` test): the real binary runs on PostgreSQL through a proxy
//! that can black-hole every connection. While the store is silent, requests answer
//! `UNAVAILABLE` within the configured bound (`CANYU_STORE_TIMEOUT_MS`) instead of hanging; once
//! it answers again, so does the service.

mod support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A TCP proxy whose connections can be stalled: while stalled, bytes are held, not forwarded.
struct ChaosProxy {
    addr: SocketAddr,
    stalled: Arc<AtomicBool>,
}

impl ChaosProxy {
    async fn start(upstream: SocketAddr) -> ChaosProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the proxy");
        let addr = listener.local_addr().unwrap();
        let stalled = Arc::new(AtomicBool::new(false));
        let s = stalled.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(upstream).await else { continue };
                let (cr, cw) = client.into_split();
                let (sr, sw) = server.into_split();
                tokio::spawn(pump(cr, sw, s.clone()));
                tokio::spawn(pump(sr, cw, s.clone()));
            }
        });
        ChaosProxy { addr, stalled }
    }

    fn stall(&self, on: bool) {
        self.stalled.store(on, Ordering::SeqCst);
    }
}

async fn pump(mut from: tokio::net::tcp::OwnedReadHalf, mut to: tokio::net::tcp::OwnedWriteHalf, stalled: Arc<AtomicBool>) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        while stalled.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}

/// `postgres://user@host:port/db?…` with the host and port replaced by `addr`.
fn through(url: &str, addr: SocketAddr) -> (String, SocketAddr) {
    let after_at = url.find('@').map_or(url.find("://").unwrap() + 3, |i| i + 1);
    let end = after_at + url[after_at..].find('/').unwrap();
    let upstream: SocketAddr = url[after_at..end].parse().expect("the test URL names host:port");
    (format!("{}{}{}", &url[..after_at], addr, &url[end..]), upstream)
}

const BOUND_MS: u64 = 1500;
const REGISTER_UNIT: &str = "mutation($n: String!) { registerUnit(input: {name: $n}) { position unit { id name } } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_event_store_makes_requests_unavailable_within_the_bound_and_the_service_recovers() {
    let Some(pg) = postgres_url() else { return };
    let direct = fresh_schema(&pg).await;
    let (_, upstream) = through(&direct, "127.0.0.1:1".parse().unwrap());
    let proxy = ChaosProxy::start(upstream).await;
    let (proxied, _) = through(&direct, proxy.addr);
    let bound = BOUND_MS.to_string();
    let env: Vec<(&str, &str)> = vec![
        ("CANYU_EVENT_STORE", "postgres"),
        ("CANYU_POSTGRES_URL", &proxied),
        ("CANYU_TOKEN_SECRET", "a-shared-token-secret-of-at-least-32-chars"),
        ("CANYU_LOG_KEY", TEST_LOG_KEY),
        ("CANYU_STORE_TIMEOUT_MS", &bound),
    ];
    let dir = tempfile::tempdir().unwrap();
    create_admin_on(dir.path(), &env);
    let s = Server::start_in(tempfile::tempdir().unwrap().keep(), &env);
    let admin = s.login("admin", ADMIN_PASSWORD).await;
    let ok = s.ok(Some(&admin), REGISTER_UNIT, json!({"n": "市交通运输局"})).await;
    assert_eq!(ok["registerUnit"]["unit"]["name"], "市交通运输局", "healthy before the fault");

    // The store stops answering: every connection to it is black-holed.
    proxy.stall(true);
    let started = Instant::now();
    let v: Value = s.gql(Some(&admin), REGISTER_UNIT, json!({"n": "市应急管理局"})).await;
    let took = started.elapsed();
    assert_eq!(v["errors"][0]["extensions"]["code"], "UNAVAILABLE", "{v}");
    assert!(v["errors"][0]["message"].as_str().is_some_and(|m| !m.contains("postgres")), "no internals leak: {v}");
    // Authentication and the append each wait at most one bound.
    assert!(took < Duration::from_millis(3 * BOUND_MS + 1000), "answered within the bound: {took:?}");

    // The store answers again: so does the service, without a restart.
    proxy.stall(false);
    let deadline = Instant::now() + Duration::from_secs(30);
    let recovered = loop {
        let v = s.gql(Some(&admin), REGISTER_UNIT, json!({"n": "市医疗保障局"})).await;
        if v["data"]["registerUnit"]["unit"]["name"] == "市医疗保障局" {
            break true;
        }
        if Instant::now() >= deadline {
            break false;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(recovered, "the service recovered once the store answered");
    let units = s.ok(None, "{ units { name } }", json!({})).await;
    let names: Vec<&str> = units["units"].as_array().unwrap().iter().filter_map(|u| u["name"].as_str()).collect();
    assert!(names.contains(&"市交通运输局") && names.contains(&"市医疗保障局"), "{names:?}");
}
