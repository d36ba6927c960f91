//! Signed notes: checkpoints, cosignatures and receipts, and what the verifier refuses.

use canyu_translog::note::{NoteKey, Receipt, checkpoint_text, open_checkpoint, open_receipt};

#[test]
fn a_checkpoint_opens_only_with_the_pinned_key_and_origin() {
    let key = NoteKey::generate("canyu.example/log").unwrap();
    let root = [7u8; 32];
    let note = key.sign(&checkpoint_text("canyu.example/log", 42, &root)).unwrap();
    let opened = open_checkpoint(&note, &key.vkey(), &[]).unwrap();
    assert_eq!((opened.size, opened.root, opened.origin.as_str()), (42, root, "canyu.example/log"));

    // Another key of the same name: the signature does not verify.
    let other = NoteKey::generate("canyu.example/log").unwrap();
    assert!(open_checkpoint(&note, &other.vkey(), &[]).is_err());
    // A key that names another origin signs a note claiming ours: refused by the pinned origin.
    let impostor = NoteKey::generate("evil.example/log").unwrap();
    let forged = impostor.sign(&checkpoint_text("canyu.example/log", 42, &root)).unwrap();
    assert!(open_checkpoint(&forged, &impostor.vkey(), &[]).is_err(), "origin line must equal the key's name");
    assert!(open_checkpoint(&forged, &key.vkey(), &[]).is_err());
    // One changed byte anywhere in the text or the signature.
    for i in 0..note.len() {
        let mut bytes = note.clone().into_bytes();
        if bytes[i] == b'\n' {
            continue;
        }
        bytes[i] ^= 0x01;
        let Ok(text) = String::from_utf8(bytes) else { continue };
        assert!(open_checkpoint(&text, &key.vkey(), &[]).is_err(), "byte {i} flipped still opens");
    }
    // The private key round-trips, and a key with a wrong id is refused.
    let again = NoteKey::from_skey(&key.skey()).unwrap();
    assert_eq!(again.vkey(), key.vkey());
    let skey = key.skey();
    let parts: Vec<&str> = skey.splitn(5, '+').collect();
    let wrong_id = if parts[3] == "00000000" { "00000001" } else { "00000000" };
    let broken = format!("PRIVATE+KEY+{}+{wrong_id}+{}", parts[2], parts[4]);
    assert!(NoteKey::from_skey(&broken).is_err(), "a key whose id does not match is refused");
}

#[test]
fn a_witness_cosigns_and_the_verifier_can_require_it() {
    let log = NoteKey::generate("canyu.example/log").unwrap();
    let witness = NoteKey::generate_witness("archive.example/witness").unwrap();
    let stranger = NoteKey::generate_witness("stranger.example/witness").unwrap();
    let note = log.sign(&checkpoint_text("canyu.example/log", 3, &[1; 32])).unwrap();
    assert!(open_checkpoint(&note, &log.vkey(), &[witness.vkey()]).is_err(), "not yet cosigned");
    let cosigned = witness.cosign(&note, 1_780_000_000).unwrap();
    let opened = open_checkpoint(&cosigned, &log.vkey(), &[witness.vkey()]).unwrap();
    assert_eq!(opened.witnesses, vec!["archive.example/witness".to_owned()]);
    assert!(open_checkpoint(&cosigned, &log.vkey(), &[stranger.vkey()]).is_err());
    // A cosignature over another checkpoint does not carry over.
    let other = log.sign(&checkpoint_text("canyu.example/log", 4, &[1; 32])).unwrap();
    let sig_line = cosigned.lines().last().unwrap();
    let grafted = format!("{other}{sig_line}\n");
    assert!(open_checkpoint(&grafted, &log.vkey(), &[witness.vkey()]).is_err());
    // Witness keys only cosign; log keys only sign.
    assert!(witness.sign("x\n").is_err());
    assert!(log.cosign(&note, 1).is_err());
}

#[test]
fn a_receipt_opens_with_the_log_key_and_never_reads_as_a_checkpoint() {
    let log = NoteKey::generate("canyu.example/log").unwrap();
    let receipt = Receipt {
        origin: "canyu.example/log".into(),
        leaf_index: 9,
        leaf_hash: [3; 32],
        accepted_at: "2026-12-05T00:00:00.000000Z".into(),
        include_by: "2026-12-05T00:00:10Z".into(),
    };
    let note = log.sign(&receipt.text()).unwrap();
    assert_eq!(open_receipt(&note, &log.vkey()).unwrap(), receipt);
    assert!(open_checkpoint(&note, &log.vkey(), &[]).is_err(), "a receipt is not a checkpoint");
    let other = NoteKey::generate("canyu.example/log").unwrap();
    assert!(open_receipt(&note, &other.vkey()).is_err());
}
