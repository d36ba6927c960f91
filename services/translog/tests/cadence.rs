//! The running log: checkpoints on the cadence (a second, or 1,000 events), stored and checked
//! against the tree, receipts, and a checkpoint store that refuses another key.

use std::time::Duration;

use canyu_eventstore::{Actor, EventMetadata, RecordedEvent};
use canyu_translog::note::{open_checkpoint, open_receipt};
use canyu_translog::{Leaf, NoteKey, TransparencyLog};

fn event(position: u64) -> RecordedEvent {
    RecordedEvent {
        id: uuid::Uuid::now_v7(),
        stream_id: format!("decision-{}", position % 7),
        version: position / 7,
        position,
        event_type: "comment.submitted.v1".into(),
        data: format!(r#"{{"comment_id":"c{position}","account_id":"a1","body":"第{position}条"}}"#),
        metadata: EventMetadata {
            actor: Actor { role: "resident".into(), account_id: Some("a1".into()), unit_id: None },
            correlation_id: uuid::Uuid::now_v7(),
            causation_id: None,
            idempotency_key: None,
            server_time: chrono::Utc::now(),
        },
        hash: [position as u8; 32],
        prev_hash: [0; 32],
    }
}

fn events(from: u64, to: u64) -> Vec<RecordedEvent> {
    (from..=to).map(event).collect()
}

#[tokio::test(start_paused = true)]
async fn a_checkpoint_comes_within_a_second_or_at_once_after_a_thousand_events() {
    let dir = tempfile::tempdir().unwrap();
    let log = TransparencyLog::open(&dir.path().join("log.db"), NoteKey::generate("canyu.test/log").unwrap(), vec![]).unwrap();
    let signer = tokio::spawn(log.clone().sign_on_cadence());
    let start = tokio::time::Instant::now();

    log.ingest(&events(1, 5));
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert!(log.latest_checkpoint().is_none(), "not before the second is up");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(log.latest_checkpoint().map(|c| c.size), Some(5), "within a second");

    let at = tokio::time::Instant::now();
    log.ingest(&events(6, 1005));
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    assert_eq!(log.latest_checkpoint().map(|c| c.size), Some(1005), "at once after 1,000 events");
    assert!(tokio::time::Instant::now() - at < Duration::from_millis(100), "without waiting for the second");
    assert!(start.elapsed() < Duration::from_secs(2));
    signer.abort();

    // Stored, signed, and equal to the tree's root at their sizes.
    let all = log.checkpoints().unwrap();
    assert_eq!(all.iter().map(|c| c.size).collect::<Vec<_>>(), vec![5, 1005]);
    for cp in &all {
        let opened = open_checkpoint(&cp.note, &log.vkey(), &[]).unwrap();
        assert_eq!(opened.root, log.root(cp.size).unwrap());
    }
    assert_eq!(log.check_checkpoints().unwrap(), 2);
}

#[tokio::test]
async fn a_receipt_names_the_leaf_and_the_store_refuses_another_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.db");
    let key = NoteKey::generate("canyu.test/log").unwrap();
    let log = TransparencyLog::open(&path, key.clone(), vec![]).unwrap();
    let evs = events(1, 3);
    log.ingest(&evs);
    let (receipt, note) = log.receipt(2, Duration::from_millis(100)).await.unwrap();
    assert_eq!(receipt.leaf_index, 1);
    assert_eq!(receipt.leaf_hash, Leaf::of(&evs[1]).hash());
    assert_eq!(open_receipt(&note, &key.vkey()).unwrap(), receipt);
    assert!(log.receipt(9, Duration::from_millis(50)).await.is_err(), "no receipt for an event not in the log");
    log.sign_checkpoint().unwrap();
    drop(log);

    // The same file under another key: refused at open, naming the key.
    let other = NoteKey::generate("canyu.test/log").unwrap();
    let err = TransparencyLog::open(&path, other, vec![]).unwrap_err().to_string();
    assert!(err.contains("does not verify with the log key"), "{err}");
    // Rebuilt with other events under the right key: the stored checkpoint no longer matches.
    let again = TransparencyLog::open(&path, key, vec![]).unwrap();
    let mut changed = events(1, 3);
    changed[0].data = r#"{"body":"改过"}"#.into();
    again.ingest(&changed);
    let err = again.check_checkpoints().unwrap_err().to_string();
    assert!(err.contains("no longer hash to the signed checkpoint"), "{err}");
}
