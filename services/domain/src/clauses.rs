//! Splitting a draft's text into clauses with stable ids.

use crate::events::Clause;

/// Splits `text` into clauses: each non-blank paragraph (line) is one clause, numbered from 1.
///
/// A clause whose text is identical to an unused clause of `previous` keeps that clause's id,
/// so comments and diffs can follow an unchanged clause across versions; any other clause gets
/// the next id `c<n>` from `next_id`, which is advanced.
pub fn split(text: &str, previous: &[Clause], next_id: &mut u32) -> Vec<Clause> {
    let mut unused: Vec<Option<&Clause>> = previous.iter().map(Some).collect();
    let mut out = Vec::new();
    for line in text.lines() {
        let body = line.trim();
        if body.is_empty() {
            continue;
        }
        let reused = unused.iter_mut().find(|c| c.is_some_and(|c| c.text == body)).and_then(Option::take);
        let id = match reused {
            Some(c) => c.id.clone(),
            None => {
                *next_id += 1;
                format!("c{next_id}")
            }
        };
        out.push(Clause { id, number: out.len() as u32 + 1, text: body.to_string() });
    }
    out
}

/// For each clause of `current`, the clause of `previous` it continues: itself when unchanged
/// (same id), else the most similar removed clause of `previous` in the same place, if any.
///
/// Unchanged clauses are the anchors. Between two anchors, each clause that is new in
/// `current` continues the removed clause of `previous` there that shares most of its
/// characters (at least 30 %, each removed clause continued once): a rewritten clause. Others
/// are new text; removed clauses left over were deleted.
pub fn predecessors(previous: &[Clause], current: &[Clause]) -> Vec<Option<String>> {
    let kept: std::collections::HashSet<&str> = current.iter().map(|c| c.id.as_str()).collect();
    let mut out: Vec<Option<String>> = vec![None; current.len()];
    let mut cursor = 0;
    let mut pending: Vec<usize> = Vec::new();
    let flush = |pending: &mut Vec<usize>, from: usize, to: usize, out: &mut Vec<Option<String>>| {
        let mut removed: Vec<&Clause> = previous[from..to].iter().filter(|c| !kept.contains(c.id.as_str())).collect();
        for i in pending.drain(..) {
            let best = removed
                .iter()
                .enumerate()
                .map(|(k, c)| (k, similarity(&current[i].text, &c.text)))
                .filter(|(_, score)| *score >= 0.3)
                .max_by(|a, b| a.1.total_cmp(&b.1));
            if let Some((k, _)) = best {
                out[i] = Some(removed.remove(k).id.clone());
            }
        }
    };
    for (i, c) in current.iter().enumerate() {
        match previous.iter().position(|p| p.id == c.id) {
            Some(j) => {
                out[i] = Some(c.id.clone());
                if j >= cursor {
                    flush(&mut pending, cursor, j, &mut out);
                    cursor = j + 1;
                }
            }
            None => pending.push(i),
        }
    }
    flush(&mut pending, cursor, previous.len(), &mut out);
    out
}

/// Shared characters (as multisets) over the longer text's length, in 0..=1.
fn similarity(a: &str, b: &str) -> f64 {
    let mut counts: std::collections::HashMap<char, i32> = std::collections::HashMap::new();
    for ch in a.chars().filter(|c| !c.is_whitespace()) {
        *counts.entry(ch).or_default() += 1;
    }
    let mut shared = 0;
    for ch in b.chars().filter(|c| !c.is_whitespace()) {
        if let Some(n) = counts.get_mut(&ch).filter(|n| **n > 0) {
            *n -= 1;
            shared += 1;
        }
    }
    let longest = a.chars().filter(|c| !c.is_whitespace()).count().max(b.chars().filter(|c| !c.is_whitespace()).count());
    if longest == 0 { 0.0 } else { f64::from(shared) / longest as f64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[Option<String>]) -> Vec<Option<&str>> {
        v.iter().map(Option::as_deref).collect()
    }

    #[test]
    fn a_rewritten_clause_continues_the_one_it_replaces() {
        let mut next = 0;
        let v1 = split("甲\n乙\n丙", &[], &mut next);
        let v2 = split("甲\n乙改\n丙\n丁", &v1, &mut next);
        // 乙改 (c4) replaces 乙 (c2); 丁 (c5) is new.
        assert_eq!(ids(&predecessors(&v1, &v2)), [Some("c1"), Some("c2"), Some("c3"), None]);
        let v3 = split("乙改再改\n丙\n丁", &v2, &mut next);
        // 甲 is deleted; the rewritten clause before 丙 continues c4, the one it resembles.
        assert_eq!(ids(&predecessors(&v2, &v3)), [Some("c4"), Some("c3"), Some("c5")]);
    }

    #[test]
    fn a_new_first_version_continues_nothing_and_an_inserted_clause_is_new() {
        let mut next = 0;
        let v1 = split("甲\n乙", &[], &mut next);
        assert_eq!(ids(&predecessors(&[], &v1)), [None, None]);
        let v2 = split("甲\n插入\n乙", &v1, &mut next);
        assert_eq!(ids(&predecessors(&v1, &v2)), [Some("c1"), None, Some("c2")]);
        // Text unlike the clause it displaced is new, not a rewrite.
        let before = split("甲\n原文条款\n乙", &[], &mut next);
        let after = split("甲\n全然不同\n乙", &before, &mut next);
        assert_eq!(ids(&predecessors(&before, &after)), [Some(before[0].id.as_str()), None, Some(before[2].id.as_str())]);
    }

    #[test]
    fn each_paragraph_is_a_numbered_clause() {
        let mut next = 0;
        let c = split("第一条 总则。\n\n第二条 适用范围。\n", &[], &mut next);
        assert_eq!(c.len(), 2);
        assert_eq!((c[0].id.as_str(), c[0].number, c[0].text.as_str()), ("c1", 1, "第一条 总则。"));
        assert_eq!((c[1].id.as_str(), c[1].number), ("c2", 2));
        assert_eq!(next, 2);
    }

    #[test]
    fn unchanged_clauses_keep_their_ids_across_versions() {
        let mut next = 0;
        let v1 = split("甲\n乙\n丙", &[], &mut next);
        let v2 = split("甲\n乙改\n丙\n丁", &v1, &mut next);
        let ids: Vec<_> = v2.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["c1", "c4", "c3", "c5"]);
    }

    #[test]
    fn duplicate_paragraphs_get_distinct_ids() {
        let mut next = 0;
        let v1 = split("同\n同", &[], &mut next);
        assert_ne!(v1[0].id, v1[1].id);
        let v2 = split("同\n同\n同", &v1, &mut next);
        assert_eq!(v2.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["c1", "c2", "c3"]);
    }
}
