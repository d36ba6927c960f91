//! The `LISTEN` connection: turns `NOTIFY`s sent by any process's commit into wake-ups of
//! this store's subscriptions. Reconnects after a failure; every (re)connect also wakes the
//! subscriptions, since commits may have been announced while nobody listened.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::{mpsc, oneshot, watch};
use tokio_postgres::{AsyncMessage, Config, NoTls};

/// Pause before reconnecting after the connection failed.
const RECONNECT_DELAY: Duration = Duration::from_secs(1);

/// Wakes the subscriptions: the value is a generation counter, not a position.
pub(super) fn wake_up(wake: &watch::Sender<u64>) {
    wake.send_modify(|generation| *generation = generation.wrapping_add(1));
}

/// Listens on `channel` until `stop` fires or is dropped.
pub(super) async fn run(config: Config, channel: String, wake: Arc<watch::Sender<u64>>, mut stop: oneshot::Receiver<()>) {
    loop {
        tokio::select! {
            _ = &mut stop => return,
            error = listen_once(&config, &channel, &wake) => {
                tracing::debug!(%error, "postgres LISTEN connection lost; subscriptions fall back to polling until it is back");
            }
        }
        tokio::select! {
            _ = &mut stop => return,
            () = tokio::time::sleep(RECONNECT_DELAY) => {}
        }
    }
}

/// Connects, listens and forwards notifications until the connection fails; returns why.
async fn listen_once(config: &Config, channel: &str, wake: &watch::Sender<u64>) -> String {
    let (client, mut connection) = match config.connect(NoTls).await {
        Ok(pair) => pair,
        Err(e) => return e.to_string(),
    };
    let (notified, mut notifications) = mpsc::unbounded_channel();
    let driver = tokio::spawn(async move {
        let mut messages = futures::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(message) = messages.next().await {
            match message {
                Ok(AsyncMessage::Notification(_)) => {
                    if notified.send(()).is_err() {
                        break;
                    }
                }
                Ok(_) => {}
                Err(e) => return Some(e),
            }
        }
        None
    });
    if let Err(e) = client.batch_execute(&format!("LISTEN {channel}")).await {
        driver.abort();
        return e.to_string();
    }
    wake_up(wake);
    while notifications.recv().await.is_some() {
        // Coalesce a burst of notifications into one wake-up.
        while notifications.try_recv().is_ok() {}
        wake_up(wake);
    }
    drop(client);
    match driver.await {
        Ok(Some(e)) => e.to_string(),
        _ => "the server closed the connection".into(),
    }
}
