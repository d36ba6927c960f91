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

#[cfg(test)]
mod tests {
    use super::*;

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
