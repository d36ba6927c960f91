//! The leaf format and the public text (ADR 0016).

use canyu_translog::Leaf;
use canyu_translog::leaf::{LEAF_FORMAT_V1, public_text};

#[test]
fn the_public_text_sorts_keys_keeps_scalars_and_withholds_what_points_at_a_person() {
    let (text, sealed) = public_text(
        r#"{"b":1,"a":"甲\"乙","account_id":null,"nested":[{"display_name":"张三","z":true},{"subject":"s","nonce":"n","ciphertext":"c"}]}"#,
    );
    assert_eq!(
        text,
        r#"{"a":"甲\"乙","account_id":null,"b":1,"nested":[{"display_name":{"withheld":"personal"},"z":true},{"withheld":"sealed"}]}"#
    );
    assert_ne!(sealed, [0; 32]);
    // The same values in another key order give the same text; another ciphertext another hash.
    let (again, same) = public_text(
        r#"{"nested":[{"z":true,"display_name":"李四"},{"ciphertext":"c","nonce":"n","subject":"s"}],"account_id":null,"a":"甲\"乙","b":1}"#,
    );
    assert_eq!((again.as_str(), same), (text.as_str(), sealed));
    let (_, other) = public_text(r#"{"x":{"subject":"s","nonce":"n","ciphertext":"d"}}"#);
    assert_ne!(other, sealed);
    // Nothing sealed: zeroes. A key with an escape still sorts; text that is not JSON is kept.
    assert_eq!(public_text(r#"{"k\u0065y":1}"#), (r#"{"key":1}"#.to_owned(), [0; 32]));
    assert_eq!(public_text("not json").0, r#""not json""#);
}

#[test]
fn a_leaf_round_trips_and_refuses_what_it_did_not_write() {
    let leaf = Leaf {
        position: 42,
        event_id: uuid::Uuid::now_v7(),
        stream: "decision-1".into(),
        version: 3,
        event_type: "decision.draft_published.v1".into(),
        time_micros: -5,
        public_sha256: [1; 32],
        sealed_sha256: [2; 32],
        chain_hash: [3; 32],
    };
    let bytes = leaf.encode();
    assert_eq!(bytes[0], LEAF_FORMAT_V1);
    assert_eq!(Leaf::decode(&bytes).unwrap(), leaf);
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(Leaf::decode(&longer).is_err());
    assert!(Leaf::decode(&bytes[..bytes.len() - 1]).is_err());
    let mut v2 = bytes.clone();
    v2[0] = 2;
    assert!(Leaf::decode(&v2).is_err());
    assert!(bytes.len() < 256, "a leaf is a small record: {} bytes", bytes.len());
}
