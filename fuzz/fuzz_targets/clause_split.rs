//! Any draft text, split twice (the second time against the first result), must give clauses
//! numbered 1..n with unique ids, non-blank trimmed text, and keep every id the second time.
#![no_main]

use canyu_domain::clauses::split;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut next = 0;
    let first = split(&text, &[], &mut next);
    let mut ids = std::collections::HashSet::new();
    for (i, c) in first.iter().enumerate() {
        assert_eq!(c.number as usize, i + 1);
        assert!(ids.insert(c.id.clone()), "duplicate id {}", c.id);
        assert!(!c.text.is_empty() && c.text.trim() == c.text);
    }
    assert_eq!(next as usize, first.len());
    let before = next;
    let second = split(&text, &first, &mut next);
    assert_eq!(second, first, "an unchanged draft keeps every clause id");
    assert_eq!(next, before, "no new ids for an unchanged draft");
});
