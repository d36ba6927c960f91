//! The tree against RFC 6962's reference vectors and against an independent implementation
//! (`ct-merkle`), including tiles.

use canyu_translog::bundle::{check_consistency, check_inclusion};
use canyu_translog::leaf::leaf_hash;
use canyu_translog::tiles::TilePath;
use canyu_translog::tree::Tree;
use ct_merkle::mem_backed_tree::MemoryBackedTree;
use sha2::Sha256;

// RFC 6962 reference data (certificate-transparency's merkle tree tests).
const ENTRIES: [&str; 8] = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];
const ROOTS: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];
const EMPTY_ROOT: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fn h(s: &str) -> [u8; 32] {
    hex::decode(s).unwrap().try_into().unwrap()
}

fn reference() -> Tree {
    let mut t = Tree::new();
    for (i, e) in ENTRIES.iter().enumerate() {
        t.push(i as u64 + 1, leaf_hash(&hex::decode(e).unwrap()));
    }
    t
}

#[test]
fn tree_heads_match_the_reference_for_every_size_including_empty_and_one() {
    let t = reference();
    assert_eq!(hex::encode(t.root(0).unwrap()), EMPTY_ROOT);
    for (n, root) in ROOTS.iter().enumerate() {
        assert_eq!(hex::encode(t.root(n as u64 + 1).unwrap()), *root, "root of size {}", n + 1);
    }
    assert!(t.root(9).is_err(), "a size beyond the tree has no root");
}

#[test]
fn inclusion_proofs_match_the_reference_and_verify() {
    let t = reference();
    let cases: [(u64, u64, &[&str]); 3] = [
        (
            0,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            5,
            8,
            &[
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        // A tree of one leaf: the audit path of index 0 is empty.
        (0, 1, &[]),
    ];
    for (index, size, want) in cases {
        let proof = t.inclusion_proof(index, size).unwrap();
        assert_eq!(proof.iter().map(hex::encode).collect::<Vec<_>>(), want, "proof of {index} in {size}");
        let leaf = t.leaf_hash(index).unwrap();
        assert!(check_inclusion(&proof, size, &h(ROOTS[size as usize - 1]), index, &leaf));
        let mut wrong = leaf;
        wrong[0] ^= 1;
        assert!(!check_inclusion(&proof, size, &h(ROOTS[size as usize - 1]), index, &wrong));
    }
    assert!(t.inclusion_proof(8, 8).is_err());
    assert!(t.inclusion_proof(0, 9).is_err());
}

#[test]
fn consistency_proofs_match_the_reference_including_from_the_empty_tree() {
    let t = reference();
    let cases: [(u64, u64, &[&str]); 2] = [
        (
            2,
            8,
            &[
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            6,
            8,
            &[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
    ];
    for (from, to, want) in cases {
        let proof = t.consistency_proof(from, to).unwrap();
        assert_eq!(proof.iter().map(hex::encode).collect::<Vec<_>>(), want);
        assert!(check_consistency(&proof, from, &h(ROOTS[from as usize - 1]), to, &h(ROOTS[to as usize - 1])));
        assert!(!check_consistency(&proof, from, &h(ROOTS[from as usize - 1]), to, &h(ROOTS[to as usize - 2])));
        assert!(!check_consistency(&proof[1..], from, &h(ROOTS[from as usize - 1]), to, &h(ROOTS[to as usize - 1])));
    }
    // From the empty tree: an empty proof, accepted only with the empty root.
    let root8 = h(ROOTS[7]);
    assert!(t.consistency_proof(0, 8).unwrap().is_empty());
    assert!(check_consistency(&[], 0, &h(EMPTY_ROOT), 8, &root8));
    assert!(!check_consistency(&[], 0, &h(ROOTS[0]), 8, &root8));
    assert!(!check_consistency(&[[0; 32]], 0, &h(EMPTY_ROOT), 8, &root8));
    // Equal sizes need equal roots.
    assert!(check_consistency(&[], 4, &h(ROOTS[3]), 4, &h(ROOTS[3])));
    assert!(!check_consistency(&[], 4, &h(ROOTS[3]), 4, &h(ROOTS[4])));
    assert!(!check_consistency(&[], 8, &root8, 6, &h(ROOTS[5])));
}

#[test]
fn proofs_at_a_checkpoint_size_stay_valid_after_the_tree_grows() {
    let mut t = reference();
    let size = 5;
    let root5 = t.root(size).unwrap();
    for i in 0..40u64 {
        t.push(100 + i, leaf_hash(&i.to_be_bytes()));
    }
    for index in 0..size {
        let proof = t.inclusion_proof(index, size).unwrap();
        assert!(check_inclusion(&proof, size, &root5, index, &t.leaf_hash(index).unwrap()), "leaf {index} at size {size}");
    }
    assert_eq!(t.root(size).unwrap(), root5);
}

fn oracle_leaves(n: usize) -> Vec<Vec<u8>> {
    (0..n).map(|i| format!("leaf {i}").into_bytes()).collect()
}

#[test]
fn an_independent_implementation_agrees_on_roots_and_every_proof() {
    let leaves = oracle_leaves(130);
    let mut ours = Tree::new();
    let mut theirs: MemoryBackedTree<Sha256, Vec<u8>> = MemoryBackedTree::new();
    let mut roots = vec![ours.root(0).unwrap()];
    for (i, leaf) in leaves.iter().enumerate() {
        ours.push(i as u64 + 1, leaf_hash(leaf));
        theirs.push(leaf.clone());
        let size = i as u64 + 1;
        let root = ours.root(size).unwrap();
        assert_eq!(root.as_slice(), theirs.root().as_bytes().as_slice(), "root of {size}");
        roots.push(root);
        for index in 0..size {
            let proof = ours.inclusion_proof(index, size).unwrap();
            let flat: Vec<u8> = proof.concat();
            assert_eq!(flat, theirs.prove_inclusion(index as usize).as_bytes(), "inclusion {index} in {size}");
        }
        for from in 1..size {
            let proof = ours.consistency_proof(from, size).unwrap();
            let flat: Vec<u8> = proof.concat();
            assert_eq!(flat, theirs.prove_consistency((size - from) as usize).as_bytes(), "consistency {from} → {size}");
            assert!(check_consistency(&proof, from, &roots[from as usize], size, &root));
        }
    }
}

#[test]
fn every_tile_agrees_with_the_independent_implementation() {
    // 66,000 leaves: full and partial tiles at level 0, a full and a partial tile at level 1.
    let n = 66_000usize;
    let leaves = oracle_leaves(n);
    let mut ours = Tree::new();
    for (i, leaf) in leaves.iter().enumerate() {
        ours.push(i as u64 + 1, leaf_hash(leaf));
    }
    let size = n as u64;
    // Level 0: the leaf hashes, 256 per tile.
    for tile in 0..=(size / 256) {
        let width = (size - tile * 256).min(256) as u32;
        let data = ours.tile(0, tile, width, size).unwrap();
        let want: Vec<u8> =
            leaves[(tile * 256) as usize..(tile * 256) as usize + width as usize].iter().flat_map(|l| leaf_hash(l)).collect();
        assert_eq!(data, want, "level 0 tile {tile}");
    }
    // Level 1: the roots of complete 256-leaf subtrees, computed by ct-merkle.
    let blocks = size / 256;
    let mut want = Vec::new();
    for b in 0..blocks {
        let mut t: MemoryBackedTree<Sha256, Vec<u8>> = MemoryBackedTree::new();
        for l in &leaves[(b * 256) as usize..(b * 256 + 256) as usize] {
            t.push(l.clone());
        }
        want.extend_from_slice(t.root().as_bytes());
    }
    let full = ours.tile(1, 0, 256, size).unwrap();
    assert_eq!(full, want[..256 * 32], "level 1 tile 0");
    let partial = ours.tile(1, 1, (blocks - 256) as u32, size).unwrap();
    assert_eq!(partial, want[256 * 32..], "level 1 tile 1 (partial)");
    // A tile reaching past the published size is refused.
    assert!(ours.tile(0, 0, 256, 255).is_err());
    assert!(ours.tile(1, 1, 256, size).is_err());
}

#[test]
fn tile_paths_parse_only_in_their_canonical_form() {
    let cases = [
        ("tile/0/000", TilePath::Hashes { level: 0, index: 0, width: 256 }),
        ("tile/0/x001/x234/067.p/8", TilePath::Hashes { level: 0, index: 1_234_067, width: 8 }),
        ("tile/2/001.p/255", TilePath::Hashes { level: 2, index: 1, width: 255 }),
        ("tile/entries/x001/000", TilePath::Entries { index: 1000, width: 256 }),
        ("tile/entries/007.p/1", TilePath::Entries { index: 7, width: 1 }),
    ];
    for (path, tile) in cases {
        assert_eq!(TilePath::parse(path), Some(tile), "{path}");
        assert_eq!(tile.path(), path);
    }
    for bad in [
        "tile/0/1",
        "tile/0/0000",
        "tile/0/000.p/256",
        "tile/0/000.p/0",
        "tile/0/000.p/07",
        "tile/00/000",
        "tile/entries/x000/001",
        "tile/x/000",
        "tile/0/001/002",
        "tile/0/x1000/000",
    ] {
        assert_eq!(TilePath::parse(bad), None, "{bad}");
    }
}
