//! The dashboard read model: per decision, how many of its comments are neither grouped into
//! an opinion nor hidden (what awaits the unit). Runs before the comments and opinions
//! projectors, so it sees each comment as it was before the event.

use std::collections::HashSet;

use canyu_domain::events::Event;

use crate::model::*;

fn add(m: &mut ReadModel, decision: &str, delta: i64) {
    let change = |n: &mut u32| *n = (i64::from(*n) + delta).max(0) as u32;
    if m.ungrouped.update(decision, change).is_none() {
        change(m.ungrouped.upsert(decision.to_string(), || 0));
    }
}

pub(super) fn apply(m: &mut ReadModel, event: &Event) {
    match event {
        Event::CommentSubmitted(e) if !m.comment_index.contains_key(e.comment_id.as_str()) => add(m, &e.decision_id, 1),
        Event::CommentHidden(e) if m.comment(&e.comment_id).is_some_and(|c| c.hidden_at.is_none() && c.opinion_id.is_none()) => {
            add(m, &e.decision_id, -1)
        }
        Event::OpinionConsolidated(e) => {
            let mut seen = HashSet::new();
            let leaving: Vec<String> = e
                .comment_ids
                .iter()
                .filter(|c| seen.insert(c.as_str()))
                .filter_map(|c| m.comment(c))
                .filter(|c| c.hidden_at.is_none() && c.opinion_id.is_none())
                .map(|c| c.decision_id.to_string())
                .collect();
            for d in leaving {
                add(m, &d, -1);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use canyu_domain::events::*;

    use crate::model::ReadModel;
    use crate::projectors::testing::rec;

    fn submitted(id: &str) -> Event {
        CommentSubmitted {
            comment_id: id.into(),
            decision_id: "d1".into(),
            consultation_id: "k1".into(),
            account_id: "a1".into(),
            clause_id: None,
            draft_version: None,
            body: "意见".into(),
            submitted_at: chrono::Utc::now(),
        }
        .into()
    }

    fn hidden(id: &str) -> Event {
        CommentHidden { comment_id: id.into(), decision_id: "d1".into(), reason: "广告".into() }.into()
    }

    #[test]
    fn ungrouped_comments_are_the_submitted_ones_less_those_grouped_or_hidden() {
        let mut m = ReadModel::default();
        let grouped = OpinionConsolidated {
            decision_id: "d1".into(),
            opinion_id: "o1".into(),
            summary: "归纳".into(),
            comment_ids: vec!["c1".into(), "c1".into(), "c3".into()],
            concentrated: false,
            consultation_ids: vec![],
        };
        let events = [
            rec(1, submitted("c1")),
            rec(2, submitted("c2")),
            rec(3, submitted("c3")),
            rec(4, submitted("c4")),
            rec(5, hidden("c3")),
            rec(6, grouped.into()),
            rec(7, hidden("c1")),
        ];
        m.apply_all(&events);
        // c1 grouped (named twice, counted once), c3 hidden before (not counted again when
        // grouped), c1 hidden after grouping (not counted again): c2 and c4 remain.
        assert_eq!(m.ungrouped.get("d1"), Some(&2));
    }
}
