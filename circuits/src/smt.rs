//! Sparse fixed-depth Poseidon Merkle tree, for non-membership.
//!
//! Same hashing as [`crate::merkle`] (node `Poseidon(left, right)`, empty
//! leaf 0, empty subtrees `Z_h`), but leaves are set at any index below
//! `2^depth` and only non-empty nodes are stored. "Index `i` is not in the
//! set" is proven by the path of index `i` hashing the empty leaf 0 up to
//! the root ([`crate::merkle::MerklePathVar::root_var_of_empty_leaf`]), with
//! the path bits tied to `i`.
//!
//! Revocation trees use it with leaf 1 for "revoked".

use std::collections::HashMap;

use zkgov_verifier::Fr;

use crate::{
    merkle::{empty_roots, MerklePath, MAX_DEPTH},
    poseidon::hash,
    CircuitError,
};

/// A sparse Merkle tree.
#[derive(Clone, Debug)]
pub struct SparseMerkleTree {
    depth: usize,
    /// Non-empty nodes by `(height, index)`.
    nodes: HashMap<(usize, u64), Fr>,
    empty: Vec<Fr>,
    leaves: u64,
}

impl SparseMerkleTree {
    /// An empty tree of `depth` (1..=32).
    pub fn new(depth: usize) -> Result<Self, CircuitError> {
        if depth == 0 || depth > MAX_DEPTH {
            return Err(CircuitError::InvalidDepth(depth));
        }
        Ok(SparseMerkleTree {
            depth,
            nodes: HashMap::new(),
            empty: empty_roots(depth),
            leaves: 0,
        })
    }

    /// Depth.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Number of non-empty leaves.
    pub fn len(&self) -> u64 {
        self.leaves
    }

    /// Whether every leaf is empty.
    pub fn is_empty(&self) -> bool {
        self.leaves == 0
    }

    fn node(&self, h: usize, i: u64) -> Fr {
        self.nodes.get(&(h, i)).copied().unwrap_or(self.empty[h])
    }

    fn check_index(&self, index: u64) -> Result<(), CircuitError> {
        if index >> self.depth != 0 {
            return Err(CircuitError::IndexOutOfRange {
                index,
                len: 1 << self.depth,
            });
        }
        Ok(())
    }

    /// The leaf at `index` (0 when empty).
    pub fn get(&self, index: u64) -> Result<Fr, CircuitError> {
        self.check_index(index)?;
        Ok(self.node(0, index))
    }

    /// Sets the leaf at `index` (0 empties it); `depth` hashes.
    pub fn set(&mut self, index: u64, leaf: Fr) -> Result<(), CircuitError> {
        self.check_index(index)?;
        let was_empty = self.node(0, index) == self.empty[0];
        let is_empty = leaf == self.empty[0];
        match (was_empty, is_empty) {
            (true, false) => self.leaves += 1,
            (false, true) => self.leaves -= 1,
            _ => {}
        }
        let mut cur = leaf;
        let mut i = index;
        for h in 0..=self.depth {
            if cur == self.empty[h] {
                self.nodes.remove(&(h, i));
            } else {
                self.nodes.insert((h, i), cur);
            }
            if h == self.depth {
                break;
            }
            let sib = self.node(h, i ^ 1);
            cur = if i & 1 == 1 {
                hash(&[sib, cur])
            } else {
                hash(&[cur, sib])
            };
            i >>= 1;
        }
        Ok(())
    }

    /// The root.
    pub fn root(&self) -> Fr {
        self.node(self.depth, 0)
    }

    /// The authentication path of `index`.
    pub fn path(&self, index: u64) -> Result<MerklePath, CircuitError> {
        self.check_index(index)?;
        let siblings = (0..self.depth)
            .map(|h| self.node(h, (index >> h) ^ 1))
            .collect();
        Ok(MerklePath { index, siblings })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_the_dense_tree_and_proves_absence() {
        let mut s = SparseMerkleTree::new(6).unwrap();
        let mut leaves = vec![Fr::from(0u64); 64];
        for (k, i) in [5u64, 9, 63, 0, 17].into_iter().enumerate() {
            s.set(i, Fr::from(1 + k as u64)).unwrap();
            leaves[i as usize] = Fr::from(1 + k as u64);
        }
        // The dense root, level by level.
        let mut level = leaves.clone();
        while level.len() > 1 {
            level = level.chunks(2).map(|c| hash(&[c[0], c[1]])).collect();
        }
        assert_eq!(s.root(), level[0]);
        assert_eq!(s.len(), 5);
        for i in 0..64 {
            let p = s.path(i).unwrap();
            assert_eq!(p.root(s.get(i).unwrap()), s.root());
            // Absence: only empty slots hash the empty leaf to the root.
            assert_eq!(
                p.root(Fr::from(0u64)) == s.root(),
                leaves[i as usize] == Fr::from(0u64)
            );
        }
        // Emptying leaves returns to the empty root.
        for i in [5u64, 9, 63, 0, 17] {
            s.set(i, Fr::from(0u64)).unwrap();
        }
        assert_eq!(s.root(), SparseMerkleTree::new(6).unwrap().root());
        assert!(s.is_empty());
        assert!(s.set(64, Fr::from(1u64)).is_err());
        assert!(s.path(1 << 6).is_err());
    }
}
