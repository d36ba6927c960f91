//! Read-model tables that remember what changed: a projector can only change a table through
//! these methods, and each of them records the key (or, for lists, the first new index) while
//! tracking is on, so the documents a batch touched are known from the updates themselves
//! (the document projector writes exactly those). Reading is plain map or slice access.

use std::borrow::Borrow;
use std::collections::BTreeSet;
use std::hash::Hash;
use std::ops::Deref;

use crate::model::HashMap;

/// A keyed table of documents.
#[derive(Debug, Clone)]
pub struct Table<K, V> {
    items: HashMap<K, V>,
    changed: Option<BTreeSet<K>>,
}

impl<K, V> Default for Table<K, V> {
    fn default() -> Self {
        Table { items: HashMap::default(), changed: None }
    }
}

/// Equal when the documents are equal (what is being tracked does not matter).
impl<K: Eq + Hash, V: PartialEq> PartialEq for Table<K, V> {
    fn eq(&self, other: &Self) -> bool {
        self.items == other.items
    }
}

impl<'a, K, V> IntoIterator for &'a Table<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::collections::hash_map::Iter<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<K, V> Deref for Table<K, V> {
    type Target = HashMap<K, V>;
    fn deref(&self) -> &HashMap<K, V> {
        &self.items
    }
}

impl<K: Eq + Hash + Ord + Clone, V> Table<K, V> {
    /// Stores `value` under `key`; returns the previous document.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        if let Some(c) = &mut self.changed {
            c.insert(key.clone());
        }
        self.items.insert(key, value)
    }

    /// Changes the document under `key`, if there is one.
    pub fn update<Q, R>(&mut self, key: &Q, f: impl FnOnce(&mut V) -> R) -> Option<R>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        if let Some(c) = &mut self.changed {
            let (k, _) = self.items.get_key_value(key)?;
            c.insert(k.clone());
        }
        self.items.get_mut(key).map(f)
    }

    /// The document under `key`, created from `make` when missing, to change.
    pub fn upsert(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        if let Some(c) = &mut self.changed {
            c.insert(key.clone());
        }
        self.items.entry(key).or_insert_with(make)
    }

    /// The documents, for a caller that owns this table (a replay's scratch model).
    pub fn into_inner(self) -> HashMap<K, V> {
        self.items
    }

    /// Starts recording changed keys.
    pub fn track(&mut self) {
        self.changed = Some(BTreeSet::new());
    }

    /// The keys changed since [`Table::track`] (and stops recording).
    pub fn take_changed(&mut self) -> BTreeSet<K> {
        self.changed.take().unwrap_or_default()
    }
}

/// An append-mostly list: appended items and items changed in place are recorded.
#[derive(Debug, Clone)]
pub struct List<T> {
    items: Vec<T>,
    /// While tracking: the length when tracking began, and changed older indexes.
    tracking: Option<(usize, BTreeSet<usize>)>,
}

impl<T> Default for List<T> {
    fn default() -> Self {
        List { items: Vec::new(), tracking: None }
    }
}

impl<T: PartialEq> PartialEq for List<T> {
    fn eq(&self, other: &Self) -> bool {
        self.items == other.items
    }
}

impl<T: PartialEq> PartialEq<List<T>> for Vec<T> {
    fn eq(&self, other: &List<T>) -> bool {
        *self == other.items
    }
}

impl<T> Deref for List<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.items
    }
}

/// What changed in a [`List`] while it was tracked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListChanges {
    /// Items below `appended_from` that changed in place.
    pub changed: BTreeSet<usize>,
    /// The first appended index (items from here on are new).
    pub appended_from: usize,
}

impl<T> List<T> {
    pub fn push(&mut self, item: T) {
        self.items.push(item);
    }

    /// Changes the item at `index`, if there is one.
    pub fn update<R>(&mut self, index: usize, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        let item = self.items.get_mut(index)?;
        if let Some((from, changed)) = &mut self.tracking
            && index < *from
        {
            changed.insert(index);
        }
        Some(f(item))
    }

    /// Puts `item` at `index`: replaces below the end, appends at it; `false` past the end.
    pub fn put(&mut self, index: usize, item: T) -> bool {
        match index.cmp(&self.items.len()) {
            std::cmp::Ordering::Less => {
                self.items[index] = item;
                true
            }
            std::cmp::Ordering::Equal => {
                self.items.push(item);
                true
            }
            std::cmp::Ordering::Greater => false,
        }
    }

    pub fn reserve(&mut self, n: usize) {
        self.items.reserve(n);
    }

    pub fn track(&mut self) {
        self.tracking = Some((self.items.len(), BTreeSet::new()));
    }

    /// What changed since [`List::track`] (and stops recording).
    pub fn take_changes(&mut self) -> ListChanges {
        match self.tracking.take() {
            Some((from, changed)) => ListChanges { changed, appended_from: from.min(self.items.len()) },
            None => ListChanges { changed: BTreeSet::new(), appended_from: self.items.len() },
        }
    }
}

/// Lists by key (a decision's history): appends are recorded per key.
#[derive(Debug, Clone)]
pub struct Lists<K, T> {
    lists: HashMap<K, Vec<T>>,
    /// While tracking: per touched key, its length when first touched.
    appended: Option<std::collections::BTreeMap<K, usize>>,
}

impl<K, T> Default for Lists<K, T> {
    fn default() -> Self {
        Lists { lists: HashMap::default(), appended: None }
    }
}

impl<K: Eq + Hash, T: PartialEq> PartialEq for Lists<K, T> {
    fn eq(&self, other: &Self) -> bool {
        self.lists == other.lists
    }
}

impl<'a, K, T> IntoIterator for &'a Lists<K, T> {
    type Item = (&'a K, &'a Vec<T>);
    type IntoIter = std::collections::hash_map::Iter<'a, K, Vec<T>>;
    fn into_iter(self) -> Self::IntoIter {
        self.lists.iter()
    }
}

impl<K, T> Deref for Lists<K, T> {
    type Target = HashMap<K, Vec<T>>;
    fn deref(&self) -> &HashMap<K, Vec<T>> {
        &self.lists
    }
}

impl<K: Eq + Hash + Ord + Clone, T> Lists<K, T> {
    /// Appends `item` to the list of `key`.
    pub fn push(&mut self, key: K, item: T) {
        let list = self.lists.entry(key.clone()).or_default();
        if let Some(a) = &mut self.appended {
            a.entry(key).or_insert(list.len());
        }
        list.push(item);
    }

    /// Puts `item` at `index` of `key`'s list (see [`List::put`]).
    pub fn put(&mut self, key: K, index: usize, item: T) -> bool {
        let list = self.lists.entry(key).or_default();
        match index.cmp(&list.len()) {
            std::cmp::Ordering::Less => {
                list[index] = item;
                true
            }
            std::cmp::Ordering::Equal => {
                list.push(item);
                true
            }
            std::cmp::Ordering::Greater => false,
        }
    }

    pub fn track(&mut self) {
        self.appended = Some(Default::default());
    }

    /// Per key appended to since [`Lists::track`], the first new index (and stops recording).
    pub fn take_appended(&mut self) -> std::collections::BTreeMap<K, usize> {
        self.appended.take().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_records_exactly_the_keys_changed_while_tracked() {
        let mut t: Table<String, u32> = Table::default();
        t.insert("a".into(), 1);
        t.track();
        t.insert("b".into(), 2);
        t.update("a", |v| *v += 1);
        t.update("missing", |v| *v += 1);
        assert_eq!(t.take_changed().into_iter().collect::<Vec<_>>(), ["a", "b"]);
        t.insert("c".into(), 3);
        assert!(t.take_changed().is_empty(), "not tracking any more");
        assert_eq!(t.get("a"), Some(&2));
    }

    #[test]
    fn a_list_records_appends_and_changes_in_place() {
        let mut l: List<u32> = List::default();
        l.push(1);
        l.push(2);
        l.track();
        l.update(0, |v| *v = 10);
        l.push(3);
        l.update(2, |v| *v = 30);
        let c = l.take_changes();
        assert_eq!(c, ListChanges { changed: [0].into(), appended_from: 2 });
        assert_eq!(&*l, &[10, 2, 30]);
    }

    #[test]
    fn lists_record_the_first_new_index_per_key() {
        let mut h: Lists<String, u32> = Lists::default();
        h.push("d1".into(), 1);
        h.track();
        h.push("d1".into(), 2);
        h.push("d2".into(), 3);
        h.push("d1".into(), 4);
        assert_eq!(h.take_appended().into_iter().collect::<Vec<_>>(), [("d1".to_string(), 1), ("d2".to_string(), 0)]);
    }
}
