//! The log's Merkle tree in memory: every complete subtree hash, so roots
//! and proofs for any tree size are computed without touching storage.
//!
//! `levels[h][i]` is the RFC 9162 hash of the complete subtree of `2^h`
//! leaves starting at leaf `i * 2^h`. Appending a leaf adds it to level 0
//! and, while the new node is a right child, hashes it with its left sibling
//! into the level above: `O(1)` amortised. `MTH(D[a:b])` for any range is a
//! lookup when the range is an aligned power of two and otherwise splits at
//! the largest power of two `k < b - a`, exactly as RFC 9162 §2.1.1 defines
//! it; inclusion (§2.1.3.1) and consistency (§2.1.4.1) proofs follow the
//! RFC's recursive definitions on top of it, `O(log^2 n)` hashes at worst.
//! The reference implementations in `zkgov_verifier::log` are the oracle in
//! the tests.

use zkgov_tlog::{empty_root, node_hash};
use zkgov_verifier::log::Hash;

/// The in-memory tree.
#[derive(Clone, Debug, Default)]
pub struct LogTree {
    levels: Vec<Vec<Hash>>,
}

/// Largest power of two strictly below `n` (`n >= 2`).
fn split(n: u64) -> u64 {
    1u64 << (63 - (n - 1).leading_zeros())
}

impl LogTree {
    /// An empty tree.
    pub fn new() -> Self {
        LogTree {
            levels: vec![Vec::new()],
        }
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    /// Appends a leaf hash.
    pub fn push(&mut self, leaf: Hash) {
        if self.levels.is_empty() {
            self.levels.push(Vec::new());
        }
        self.levels[0].push(leaf);
        let mut h = 0;
        loop {
            let len = self.levels[h].len();
            if len % 2 == 1 {
                break;
            }
            let parent = node_hash(&self.levels[h][len - 2], &self.levels[h][len - 1]);
            if self.levels.len() == h + 1 {
                self.levels.push(Vec::new());
            }
            self.levels[h + 1].push(parent);
            h += 1;
        }
    }

    /// Drops every leaf from `size` on (undoes appends that storage refused).
    pub fn truncate(&mut self, size: u64) {
        for (h, level) in self.levels.iter_mut().enumerate() {
            level.truncate((size >> h) as usize);
        }
    }

    /// `count` consecutive hashes of complete subtrees of `2^height`
    /// leaves, from the `start`-th (`None` unless all of them exist): the
    /// hashes of a tlog-tiles tile.
    pub fn hashes(&self, height: usize, start: u64, count: u64) -> Option<Vec<Hash>> {
        let level = self.levels.get(height)?;
        let a = usize::try_from(start).ok()?;
        let b = a.checked_add(usize::try_from(count).ok()?)?;
        level.get(a..b).map(<[Hash]>::to_vec)
    }

    /// The leaf hash at `index`.
    pub fn leaf(&self, index: u64) -> Option<Hash> {
        self.levels
            .first()?
            .get(usize::try_from(index).ok()?)
            .copied()
    }

    /// `MTH(D[a:b])`, `a < b <= size`.
    fn mth(&self, a: u64, b: u64) -> Hash {
        let n = b - a;
        if n.is_power_of_two() && a.is_multiple_of(n) {
            let h = n.trailing_zeros() as usize;
            return self.levels[h][(a >> h) as usize];
        }
        let k = split(n);
        node_hash(&self.mth(a, a + k), &self.mth(a + k, b))
    }

    /// Root of the tree of the first `size` leaves (`None` if `size` is
    /// larger than the tree).
    pub fn root_at(&self, size: u64) -> Option<Hash> {
        match size {
            0 => Some(empty_root()),
            s if s > self.size() => None,
            s => Some(self.mth(0, s)),
        }
    }

    /// Current root.
    pub fn root(&self) -> Hash {
        self.root_at(self.size()).unwrap_or_else(empty_root)
    }

    /// Inclusion proof of leaf `index` in the tree of size `size`.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Option<Vec<Hash>> {
        if index >= size || size > self.size() {
            return None;
        }
        let mut proof = Vec::new();
        self.path(index, 0, size, &mut proof);
        Some(proof)
    }

    /// PATH(m, D[a:b]) appended to `out` (leaf first).
    fn path(&self, m: u64, a: u64, b: u64, out: &mut Vec<Hash>) {
        let n = b - a;
        if n <= 1 {
            return;
        }
        let k = split(n);
        if m < k {
            self.path(m, a, a + k, out);
            out.push(self.mth(a + k, b));
        } else {
            self.path(m - k, a + k, b, out);
            out.push(self.mth(a, a + k));
        }
    }

    /// Consistency proof from size `old` to size `new`.
    pub fn consistency_proof(&self, old: u64, new: u64) -> Option<Vec<Hash>> {
        if old > new || new > self.size() {
            return None;
        }
        let mut proof = Vec::new();
        if old > 0 && old < new {
            self.subproof(old, 0, new, true, &mut proof);
        }
        Some(proof)
    }

    /// SUBPROOF(m, D[a:b], b_flag).
    fn subproof(&self, m: u64, a: u64, b: u64, complete: bool, out: &mut Vec<Hash>) {
        let n = b - a;
        if m == n {
            if !complete {
                out.push(self.mth(a, b));
            }
            return;
        }
        let k = split(n);
        if m <= k {
            self.subproof(m, a, a + k, complete, out);
            out.push(self.mth(a + k, b));
        } else {
            self.subproof(m - k, a + k, b, false, out);
            out.push(self.mth(a, a + k));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zkgov_tlog::{consistency_proof, inclusion_proof, root_of};
    use zkgov_verifier::{log::leaf_hash, log::verify_consistency, log::verify_inclusion};

    fn leaves(n: u64) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(&i.to_be_bytes())).collect()
    }

    #[test]
    fn matches_the_reference_for_every_size_and_index_up_to_70() {
        let ls = leaves(70);
        let mut t = LogTree::new();
        assert_eq!(t.root(), empty_root());
        for (i, l) in ls.iter().enumerate() {
            t.push(*l);
            let size = i as u64 + 1;
            assert_eq!(t.root(), root_of(&ls[..=i]));
            for old in 0..=size {
                assert_eq!(t.root_at(old).unwrap(), root_of(&ls[..old as usize]));
            }
        }
        for size in 1..=70u64 {
            let root = t.root_at(size).unwrap();
            for idx in 0..size {
                let p = t.inclusion_proof(idx, size).unwrap();
                assert_eq!(p, inclusion_proof(&ls[..size as usize], idx).unwrap());
                verify_inclusion(idx, size, &ls[idx as usize], &p, &root).unwrap();
            }
            for old in 1..=size {
                let p = t.consistency_proof(old, size).unwrap();
                assert_eq!(p, consistency_proof(&ls[..size as usize], old).unwrap());
                verify_consistency(old, size, &t.root_at(old).unwrap(), &root, &p).unwrap();
            }
        }
        assert!(t.inclusion_proof(70, 70).is_none());
        assert!(t.consistency_proof(5, 71).is_none());
        assert!(t.root_at(71).is_none());
    }
}
