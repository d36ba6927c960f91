//! The Merkle tree (RFC 6962 / RFC 9162 §2.1) over the leaves, kept as the stored hashes of
//! Go's `sumdb/tlog` layout: each record adds its leaf hash and the hashes of the subtrees it
//! completes, so any tile, root, inclusion or consistency proof is read from them directly.

use tlog_tiles::{Hash, HashReader, Tile};

use crate::LogError;

/// Height of a tile (C2SP tlog-tiles: 8, so a full tile holds 256 hashes).
pub const TILE_HEIGHT: u8 = 8;
/// Leaves (or hashes) in a full tile.
pub const TILE_WIDTH: u64 = 1 << TILE_HEIGHT;

/// The tree of a log: stored hashes in memory, plus the global position of each leaf.
#[derive(Debug, Default, Clone)]
pub struct Tree {
    hashes: Vec<Hash>,
    positions: Vec<u64>,
}

impl HashReader for Tree {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        indexes.iter().map(|&i| self.hashes.get(i as usize).copied().ok_or(tlog_tiles::Error::IndexesNotInTree)).collect()
    }
}

impl Tree {
    pub fn new() -> Tree {
        Tree::default()
    }

    /// Leaves in the tree.
    pub fn size(&self) -> u64 {
        self.positions.len() as u64
    }

    /// Global position of the last leaf (0 when empty).
    pub fn last_position(&self) -> u64 {
        self.positions.last().copied().unwrap_or(0)
    }

    /// Appends the leaf whose RFC 6962 leaf hash is `leaf_hash`, for the event at `position`.
    pub fn push(&mut self, position: u64, leaf_hash: [u8; 32]) {
        let n = self.size();
        let new = tlog_tiles::stored_hashes_for_record_hash(n, Hash(leaf_hash), self).expect("stored hashes of a well-formed tree");
        self.hashes.extend(new);
        self.positions.push(position);
    }

    /// The leaf index of the event at `position`, if it is in the tree.
    pub fn index_of(&self, position: u64) -> Option<u64> {
        self.positions.binary_search(&position).ok().map(|i| i as u64)
    }

    /// Global position of leaf `index`.
    pub fn position_of(&self, index: u64) -> Option<u64> {
        self.positions.get(index as usize).copied()
    }

    /// Leaf hash of leaf `index`.
    pub fn leaf_hash(&self, index: u64) -> Option<[u8; 32]> {
        self.hashes.get(tlog_tiles::stored_hash_index(0, index) as usize).filter(|_| index < self.size()).map(|h| h.0)
    }

    /// Root hash of the tree's first `size` leaves (the empty tree's is SHA-256 of nothing).
    pub fn root(&self, size: u64) -> Result<[u8; 32], LogError> {
        if size > self.size() {
            return Err(LogError::Range(format!("tree size {size} is larger than the log ({})", self.size())));
        }
        Ok(tlog_tiles::tree_hash(size, self).map_err(LogError::tree)?.0)
    }

    /// Audit path of leaf `index` in the tree of the first `size` leaves.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<[u8; 32]>, LogError> {
        if size > self.size() {
            return Err(LogError::Range(format!("tree size {size} is larger than the log ({})", self.size())));
        }
        if index >= size {
            return Err(LogError::Range(format!("leaf {index} is not in a tree of {size} leaves")));
        }
        Ok(tlog_tiles::prove_record(size, index, self).map_err(LogError::tree)?.into_iter().map(|h| h.0).collect())
    }

    /// Consistency proof from the tree of `from` leaves to the tree of `to` leaves. From the
    /// empty tree, and between equal sizes, the proof is empty.
    pub fn consistency_proof(&self, from: u64, to: u64) -> Result<Vec<[u8; 32]>, LogError> {
        if to > self.size() {
            return Err(LogError::Range(format!("tree size {to} is larger than the log ({})", self.size())));
        }
        if from > to {
            return Err(LogError::Range(format!("size {from} is larger than size {to}")));
        }
        if from == 0 || from == to {
            return Ok(Vec::new());
        }
        Ok(tlog_tiles::prove_tree(to, from, self).map_err(LogError::tree)?.into_iter().map(|h| h.0).collect())
    }

    /// Data of the hash tile at `level`, `index` with `width` hashes, as of a tree of `size`
    /// leaves (C2SP tlog-tiles). Refused where the tile reaches past `size`.
    pub fn tile(&self, level: u8, index: u64, width: u32, size: u64) -> Result<Vec<u8>, LogError> {
        if width == 0 || u64::from(width) > TILE_WIDTH || level > 7 {
            return Err(LogError::Range("no such tile".into()));
        }
        // Hashes at level `level * 8` in a tree of `size` leaves.
        let shift = u32::from(level) * u32::from(TILE_HEIGHT);
        let available = if shift >= 64 { 0 } else { size >> shift };
        let end = index.checked_mul(TILE_WIDTH).and_then(|s| s.checked_add(u64::from(width)));
        match end {
            Some(end) if end <= available && size <= self.size() => {}
            _ => return Err(LogError::Range("the tile is not in the published tree".into())),
        }
        Tile::new(TILE_HEIGHT, level, index, width, false).read_data(self).map_err(LogError::tree)
    }
}
