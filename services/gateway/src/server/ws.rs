//! GraphQL over WebSocket, the `graphql-transport-ws` protocol as its specification
//! (graphql-ws `PROTOCOL.md`) says, with our limits (issue 10):
//!
//! - `connection_init` within [`WsConfig::init_timeout`] (3 s) or the socket closes with 4408;
//!   a second one closes it with 4429; a refused token with 4403;
//! - `subscribe` before the acknowledgement closes with 4401; an id already in use with 4409;
//!   a message that is not one of the protocol's closes with 4400;
//! - an operation refused before execution (parse, validation, limits) gets an `error`
//!   message and no `complete`; results go in `next`, the end in `complete`;
//! - at most [`WsConfig::max_operations`] operations run at once on one socket (more get an
//!   `error` with `TOO_MANY_SUBSCRIPTIONS`);
//! - `ping` is answered with `pong`.
//!
//! Each operation runs with the socket's data (token, client address, language); the schema's
//! `Guard` looks the principal up again for every operation.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Data, ServerError};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures::StreamExt;
use futures::stream::{AbortHandle, Abortable, BoxStream, SelectAll};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::CanyuSchema;

/// The protocol's name, as the client asks for it in `Sec-WebSocket-Protocol`.
pub const PROTOCOL: &str = "graphql-transport-ws";

/// Timeouts and bounds of one socket.
#[derive(Debug, Clone, Copy)]
pub struct WsConfig {
    pub init_timeout: Duration,
    pub max_operations: usize,
}

impl Default for WsConfig {
    fn default() -> Self {
        WsConfig { init_timeout: Duration::from_secs(3), max_operations: 100 }
    }
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ClientMessage {
    ConnectionInit {
        #[serde(default)]
        payload: Option<Value>,
    },
    /// A payload, if any, is ignored (as unknown fields are).
    Ping {},
    Pong {},
    Subscribe {
        id: String,
        payload: Box<async_graphql::Request>,
    },
    Complete {
        id: String,
    },
}

/// What `connection_init` decides: the socket's data, or the refusal.
pub type Init = futures::future::BoxFuture<'static, Result<Data, String>>;

/// One operation's results, tagged with its id and generation; `None` marks its end.
type Tagged = (String, u64, Option<async_graphql::Response>);

struct Running {
    generation: u64,
    abort: AbortHandle,
    answered: bool,
}

/// Serves one socket until either side closes it. `init` turns the `connection_init`
/// payload into the socket's data (or refuses it).
pub async fn serve(mut socket: WebSocket, schema: CanyuSchema, config: WsConfig, init: impl FnOnce(Value) -> Init) {
    // Connection initialisation, within the timeout.
    let deadline = tokio::time::sleep(config.init_timeout);
    tokio::pin!(deadline);
    let mut init = Some(init);
    let data: Arc<Data> = loop {
        let message = tokio::select! {
            _ = &mut deadline => return close(&mut socket, 4408, "Connection initialisation timeout").await,
            m = socket.recv() => m,
        };
        let Some(Ok(message)) = message else { return };
        let parsed = match parse(message) {
            Ok(Some(m)) => m,
            Ok(None) => continue,
            Err(reason) => return close(&mut socket, 4400, &reason).await,
        };
        match parsed {
            ClientMessage::ConnectionInit { payload } => {
                let Some(init) = init.take() else { return };
                match init(payload.unwrap_or(Value::Null)).await {
                    Ok(data) => break Arc::new(data),
                    Err(_) => return close(&mut socket, 4403, "Forbidden").await,
                }
            }
            ClientMessage::Ping { .. } => {
                if send(&mut socket, json!({"type": "pong"})).await.is_err() {
                    return;
                }
            }
            ClientMessage::Pong { .. } => {}
            ClientMessage::Subscribe { .. } => return close(&mut socket, 4401, "Unauthorized").await,
            ClientMessage::Complete { .. } => {}
        }
    };
    if send(&mut socket, json!({"type": "connection_ack"})).await.is_err() {
        return;
    }

    let mut operations: SelectAll<BoxStream<'static, Tagged>> = SelectAll::new();
    let mut running: HashMap<String, Running> = HashMap::new();
    let mut generation = 0u64;
    loop {
        tokio::select! {
            message = socket.recv() => {
                let Some(Ok(message)) = message else { break };
                let parsed = match parse(message) {
                    Ok(Some(m)) => m,
                    Ok(None) => continue,
                    Err(reason) => return close(&mut socket, 4400, &reason).await,
                };
                match parsed {
                    ClientMessage::ConnectionInit { .. } => return close(&mut socket, 4429, "Too many initialisation requests").await,
                    ClientMessage::Ping { .. } => {
                        if send(&mut socket, json!({"type": "pong"})).await.is_err() {
                            break;
                        }
                    }
                    ClientMessage::Pong { .. } => {}
                    ClientMessage::Complete { id } => {
                        if let Some(op) = running.remove(&id) {
                            op.abort.abort();
                        }
                    }
                    ClientMessage::Subscribe { id, payload } => {
                        if running.contains_key(&id) {
                            return close(&mut socket, 4409, &format!("Subscriber for {id} already exists")).await;
                        }
                        if running.len() >= config.max_operations {
                            let e = crate::error::refused(
                                "TOO_MANY_SUBSCRIPTIONS",
                                format!("a socket may run at most {} operations at once", config.max_operations),
                            )
                            .into_server_error(Default::default());
                            if send(&mut socket, json!({"id": id, "type": "error", "payload": [e]})).await.is_err() {
                                break;
                            }
                            continue;
                        }
                        generation += 1;
                        let (abort, registration) = AbortHandle::new_pair();
                        let results = Abortable::new(schema.execute_stream_with_session_data(*payload, data.clone()), registration);
                        let (tag, end) = (id.clone(), id.clone());
                        let g = generation;
                        operations.push(
                            results
                                .map(move |r| (tag.clone(), g, Some(r)))
                                .chain(futures::stream::once(async move { (end, g, None) }))
                                .boxed(),
                        );
                        running.insert(id, Running { generation, abort, answered: false });
                    }
                }
            }
            Some((id, g, result)) = operations.next(), if !operations.is_empty() => {
                let Some(op) = running.get_mut(&id).filter(|op| op.generation == g) else { continue };
                let message = match result {
                    None => {
                        running.remove(&id);
                        json!({"id": id, "type": "complete"})
                    }
                    Some(mut response) => {
                        for e in &mut response.errors {
                            super::with_default_code(e);
                        }
                        let first = !op.answered;
                        op.answered = true;
                        if first && refused_before_execution(&response) {
                            // The spec's `error`: the operation ends here, without `complete`.
                            if let Some(op) = running.remove(&id) {
                                op.abort.abort();
                            }
                            json!({"id": id, "type": "error", "payload": response.errors})
                        } else {
                            json!({"id": id, "type": "next", "payload": response})
                        }
                    }
                };
                if send(&mut socket, message).await.is_err() {
                    break;
                }
            }
        }
    }
    for (_, op) in running {
        op.abort.abort();
    }
}

/// A response with no data whose errors belong to no field: the request was refused (parse,
/// validation, limits, authorisation of the whole operation) before anything ran.
fn refused_before_execution(response: &async_graphql::Response) -> bool {
    matches!(response.data, async_graphql::Value::Null)
        && !response.errors.is_empty()
        && response.errors.iter().all(|e: &ServerError| e.path.is_empty())
}

/// A protocol message, `None` for frames that carry none (ping/pong frames), or why it is not
/// one (the reason of the 4400 close).
fn parse(message: Message) -> Result<Option<ClientMessage>, String> {
    match message {
        Message::Text(text) => serde_json::from_str(text.as_str()).map(Some).map_err(|e| format!("Invalid message received: {e}")),
        Message::Binary(_) => Err("Invalid message received: binary frames are not part of the protocol".into()),
        _ => Ok(None),
    }
}

async fn send(socket: &mut WebSocket, message: Value) -> Result<(), axum::Error> {
    socket.send(Message::Text(message.to_string().into())).await
}

async fn close(socket: &mut WebSocket, code: u16, reason: &str) {
    // A close reason is at most 123 bytes.
    let mut reason = reason.to_string();
    while reason.len() > 123 {
        reason.pop();
    }
    let _ = socket.send(Message::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
}
