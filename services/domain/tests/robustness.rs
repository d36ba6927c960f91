//! A stable, in-process fuzz harness for the two inputs the domain parses from outside: stored
//! events (`Event::decode`) and draft texts (the clause splitter). The same properties as the
//! cargo-fuzz targets in `fuzz/` (which need nightly flags), on generated inputs, bounded by an
//! iteration count so it runs in every `cargo test`.

use canyu_domain::Event;
use canyu_domain::clauses::split;
use canyu_domain::testing::given;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "null",
    "true",
    "1",
    "-0",
    "1e400",
    "\"decision_id\"",
    "\"hearing_id\"",
    "\"capacity\"",
    "\"starts_at\"",
    "\"2021-03-01T00:00:00Z\"",
    "\"2021-13-45T99:00:00Z\"",
    "\"personal\"",
    "{\"subject\":\"a\",\"nonce\":\"\",\"ciphertext\":\"\"}",
    "\\u0000",
    "\\ud800",
    "意见",
    "\n",
    " ",
    "4294967296",
    "[]",
    "{}",
];

fn json_like(r: &mut Rng) -> String {
    (0..r.below(40)).map(|_| PIECES[r.below(PIECES.len())]).collect()
}

#[test]
fn stored_events_decode_or_fail_cleanly_and_round_trip() {
    let mut r = Rng(0x5eed_0713_2021_0001);
    let mut decoded = 0;
    for i in 0..200_000 {
        let t = Event::TYPES[r.below(Event::TYPES.len())];
        let data = if i % 2 == 0 {
            json_like(&mut r)
        } else {
            // A real payload with one random cut or insertion.
            let e = Event::from(canyu_domain::events::DecisionWithdrawn { decision_id: format!("d{i}"), reason: "理由".into() });
            let mut s = e.to_data();
            let at = s.char_indices().nth(r.below(s.chars().count())).map_or(0, |(i, _)| i);
            s.insert_str(at, PIECES[r.below(PIECES.len())]);
            s
        };
        if let Ok(e) = Event::decode(t, &data) {
            decoded += 1;
            assert_eq!(e.event_type(), t);
            assert_eq!(Event::decode(t, &e.to_data()).expect("re-decodes"), e);
            // A decoded event always folds: evolve never fails.
            let _ = given::<canyu_domain::decision::Decision>([e.clone()]);
            let _ = given::<canyu_domain::hearing::Hearing>([e]);
        }
    }
    assert!(decoded > 0, "some generated payloads decode");
}

#[test]
fn any_draft_text_splits_into_numbered_unique_clauses_and_keeps_ids_when_unchanged() {
    let mut r = Rng(0x5eed_0713_2021_0002);
    const BITS: &[&str] =
        &["第一条", " ", "\n", "\r\n", "\t", "  \n", "意见", "a", "\u{3000}", "\u{0}", "\u{200b}", "第二条 同上。", "\n\n"];
    for _ in 0..50_000 {
        let text: String = (0..r.below(30)).map(|_| BITS[r.below(BITS.len())]).collect();
        let mut next = 0;
        let first = split(&text, &[], &mut next);
        let mut ids = std::collections::HashSet::new();
        for (i, c) in first.iter().enumerate() {
            assert_eq!(c.number as usize, i + 1);
            assert!(ids.insert(c.id.clone()));
            assert!(!c.text.is_empty() && c.text.trim() == c.text, "{:?}", c.text);
        }
        let before = next;
        assert_eq!(split(&text, &first, &mut next), first, "{text:?}");
        assert_eq!(next, before);
    }
}
