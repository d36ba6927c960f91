//! The hearing lottery: deterministic from a published seed, so anyone can recompute it.
//!
//! Algorithm (v1), given the seed, capacity and sign-ups in arrival order `(id, group)`:
//! 1. Each sign-up's ticket is `SHA-256(seed || 0x00 || signup_id)` read as a big-endian number.
//! 2. Sign-ups are ordered by ticket (ties by arrival).
//! 3. Group guarantee: for each stakeholder group that has sign-ups, in order of the group's
//!    best ticket, its best sign-up is selected while seats remain.
//! 4. The remaining seats go to the rest in ticket order. The unselected, in ticket order,
//!    form the waitlist.

use sha2::{Digest, Sha256};

/// Result of a draw: selected and not selected sign-up ids, each in ticket order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draw {
    pub selected: Vec<String>,
    pub not_selected: Vec<String>,
}

fn ticket(seed: &str, signup_id: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(seed.as_bytes());
    h.update([0u8]);
    h.update(signup_id.as_bytes());
    h.finalize().into()
}

/// Runs the draw (see the module docs).
pub fn draw(seed: &str, capacity: usize, signups: &[(String, String)]) -> Draw {
    let mut order: Vec<(usize, [u8; 32])> = signups.iter().enumerate().map(|(i, (id, _))| (i, ticket(seed, id))).collect();
    order.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    let mut chosen = vec![false; signups.len()];
    let mut seen_groups: Vec<&str> = Vec::new();
    let mut taken = 0;
    for (i, _) in &order {
        let group = signups[*i].1.as_str();
        if taken < capacity && !seen_groups.contains(&group) {
            seen_groups.push(group);
            chosen[*i] = true;
            taken += 1;
        }
    }
    for (i, _) in &order {
        if taken < capacity && !chosen[*i] {
            chosen[*i] = true;
            taken += 1;
        }
    }
    let (sel, not): (Vec<_>, Vec<_>) = order.iter().partition(|(i, _)| chosen[*i]);
    Draw {
        selected: sel.iter().map(|(i, _)| signups[*i].0.clone()).collect(),
        not_selected: not.iter().map(|(i, _)| signups[*i].0.clone()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signups(n: usize, groups: &[&str]) -> Vec<(String, String)> {
        (0..n).map(|i| (format!("s{i}"), groups[i % groups.len()].to_string())).collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_draw() {
        let s = signups(30, &["居民", "企业"]);
        assert_eq!(draw("seed-1", 10, &s), draw("seed-1", 10, &s));
        assert_ne!(draw("seed-1", 10, &s).selected, draw("seed-2", 10, &s).selected);
    }

    #[test]
    fn every_group_with_signups_gets_a_seat_when_capacity_allows() {
        let mut s = signups(40, &["居民"]);
        s.push(("lonely".into(), "律师".into()));
        s.push(("also".into(), "专家".into()));
        for seed in ["a", "b", "c", "d", "e"] {
            let d = draw(seed, 3, &s);
            assert_eq!(d.selected.len(), 3);
            assert!(d.selected.contains(&"lonely".to_string()), "seed {seed}");
            assert!(d.selected.contains(&"also".to_string()), "seed {seed}");
            assert_eq!(d.selected.len() + d.not_selected.len(), s.len());
        }
    }

    #[test]
    fn fewer_signups_than_seats_selects_everyone() {
        let s = signups(4, &["居民"]);
        let d = draw("x", 10, &s);
        assert_eq!(d.selected.len(), 4);
        assert!(d.not_selected.is_empty());
    }
}
