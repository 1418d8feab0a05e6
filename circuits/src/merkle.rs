//! Fixed-depth binary Poseidon Merkle tree and its gadget.
//!
//! Leaves sit at level 0; a node is `Poseidon(left, right)`; an empty leaf is
//! 0 and the root of an empty subtree of height `h` is
//! `Z_h = Poseidon(Z_{h-1}, Z_{h-1})`, `Z_0 = 0` (precomputed). The tree
//! stores every non-empty node, so appending costs `depth` hashes and a path
//! is a lookup. Bulk appends hash each level's new nodes in parallel.
//!
//! The gadget recomputes the root from a leaf, `depth` siblings and `depth`
//! path bits (little-endian leaf index). Each bit is a boolean witness
//! (booleanity enforced), the depth is a constant of the circuit, and the leaf
//! is enforced non-zero, so an empty slot never proves membership. Per level:
//! one constraint for `left = cur + bit * (sib - cur)`, one for the bit, and
//! a two-input Poseidon (240): 242 constraints. The checks are named
//! `"leaf != 0"` and `"path bit boolean"` (namespaces). A constant leaf or
//! bit is checked natively (a zero leaf or non-boolean bit is
//! `SynthesisError::Unsatisfiable`): arkworks checks nothing between
//! constants.

use ark_r1cs_std::{fields::fp::FpVar, prelude::*};
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};
use rayon::prelude::*;
use zkgov_verifier::Fr;

use crate::{
    checked,
    poseidon::{hash, poseidon_var},
    CircuitError,
};

/// Largest supported depth.
pub const MAX_DEPTH: usize = 32;

/// Roots of empty subtrees: `Z_0 = 0`, `Z_h = Poseidon(Z_{h-1}, Z_{h-1})`,
/// for heights `0..=depth`.
pub fn empty_roots(depth: usize) -> Vec<Fr> {
    let mut z = Vec::with_capacity(depth + 1);
    z.push(Fr::from(0u64));
    for h in 0..depth {
        z.push(hash(&[z[h], z[h]]));
    }
    z
}

/// An authentication path: the siblings from the leaf up, and the index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MerklePath {
    /// Leaf index; bit `h` says whether the node at height `h` is a right child.
    pub index: u64,
    /// Sibling at each height, from the leaf's up.
    pub siblings: Vec<Fr>,
}

impl MerklePath {
    /// Path bits, little-endian (bit `h` = 1 when the node at height `h` is a
    /// right child).
    pub fn bits(&self) -> Vec<bool> {
        (0..self.siblings.len())
            .map(|h| (self.index >> h) & 1 == 1)
            .collect()
    }

    /// The root this path gives for `leaf` (native twin of [`root_var`]).
    pub fn root(&self, leaf: Fr) -> Fr {
        self.siblings
            .iter()
            .zip(self.bits())
            .fold(leaf, |cur, (sib, right)| {
                if right {
                    hash(&[*sib, cur])
                } else {
                    hash(&[cur, *sib])
                }
            })
    }
}

/// A fixed-depth Poseidon Merkle tree filled left to right.
#[derive(Clone, Debug)]
pub struct MerkleTree {
    depth: usize,
    /// `levels[h]` holds the non-empty nodes at height `h`; `levels[depth]`
    /// holds at most the root.
    levels: Vec<Vec<Fr>>,
    zeros: Vec<Fr>,
}

/// Below this many new nodes a level is hashed on one thread.
const PAR_THRESHOLD: usize = 1024;

impl MerkleTree {
    /// An empty tree of `depth` (1..=32).
    pub fn new(depth: usize) -> Result<Self, CircuitError> {
        if depth == 0 || depth > MAX_DEPTH {
            return Err(CircuitError::InvalidDepth(depth));
        }
        Ok(MerkleTree {
            depth,
            levels: vec![Vec::new(); depth + 1],
            zeros: empty_roots(depth),
        })
    }

    /// A tree of `depth` holding `leaves`.
    pub fn from_leaves(depth: usize, leaves: &[Fr]) -> Result<Self, CircuitError> {
        let mut t = Self::new(depth)?;
        t.extend(leaves)?;
        Ok(t)
    }

    /// Depth.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Number of leaves appended.
    pub fn len(&self) -> u64 {
        self.levels[0].len() as u64
    }

    /// Whether no leaf was appended.
    pub fn is_empty(&self) -> bool {
        self.levels[0].is_empty()
    }

    /// Capacity, `2^depth`.
    pub fn capacity(&self) -> u64 {
        1u64 << self.depth
    }

    /// The root.
    pub fn root(&self) -> Fr {
        self.levels[self.depth]
            .first()
            .copied()
            .unwrap_or(self.zeros[self.depth])
    }

    /// The leaf at `index`.
    pub fn leaf(&self, index: u64) -> Option<Fr> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.levels[0].get(i).copied())
    }

    /// Appends one leaf; returns its index.
    pub fn push(&mut self, leaf: Fr) -> Result<u64, CircuitError> {
        let index = self.len();
        self.extend(&[leaf])?;
        Ok(index)
    }

    /// Appends leaves, rehashing only the nodes above them. Refuses zero
    /// leaves and overflow, leaving the tree unchanged.
    pub fn extend(&mut self, leaves: &[Fr]) -> Result<(), CircuitError> {
        if leaves.iter().any(|l| *l == Fr::from(0u64)) {
            return Err(CircuitError::ZeroLeaf);
        }
        if self.len() + leaves.len() as u64 > self.capacity() {
            return Err(CircuitError::TreeFull(self.capacity()));
        }
        let mut start = self.levels[0].len();
        self.levels[0].extend_from_slice(leaves);
        for h in 0..self.depth {
            let (lower, upper) = self.levels.split_at_mut(h + 1);
            let children = &lower[h];
            let parents = &mut upper[0];
            let first = start / 2;
            let end = children.len().div_ceil(2);
            parents.truncate(first);
            let zero = self.zeros[h];
            let node = |i: usize| {
                let l = children[2 * i];
                let r = children.get(2 * i + 1).copied().unwrap_or(zero);
                hash(&[l, r])
            };
            if end - first >= PAR_THRESHOLD {
                let new: Vec<Fr> = (first..end).into_par_iter().map(node).collect();
                parents.extend(new);
            } else {
                parents.extend((first..end).map(node));
            }
            start = first;
        }
        Ok(())
    }

    /// The authentication path of the leaf at `index`.
    pub fn path(&self, index: u64) -> Result<MerklePath, CircuitError> {
        if index >= self.len() {
            return Err(CircuitError::IndexOutOfRange {
                index,
                len: self.len(),
            });
        }
        let siblings = (0..self.depth)
            .map(|h| {
                let i = (index >> h) ^ 1;
                usize::try_from(i)
                    .ok()
                    .and_then(|i| self.levels[h].get(i).copied())
                    .unwrap_or(self.zeros[h])
            })
            .collect();
        Ok(MerklePath { index, siblings })
    }
}

/// Allocated path: siblings and boolean bits, as witnesses.
pub struct MerklePathVar {
    /// Siblings from the leaf up.
    pub siblings: Vec<FpVar<Fr>>,
    /// Path bits, allocated as field elements; [`root_var`] enforces that
    /// each is 0 or 1.
    pub bits: Vec<FpVar<Fr>>,
}

impl MerklePathVar {
    /// Allocates `path` as witnesses; its length must be the circuit's `depth`.
    pub fn new_witness(
        cs: ConstraintSystemRef<Fr>,
        path: &MerklePath,
        depth: usize,
    ) -> Result<Self, SynthesisError> {
        if path.siblings.len() != depth {
            return Err(SynthesisError::Unsatisfiable);
        }
        let bits: Vec<Fr> = path.bits().into_iter().map(Fr::from).collect();
        Self::new_witness_raw(cs, &path.siblings, &bits)
    }

    /// Allocates siblings and bits as given, with no check: `root_var`
    /// enforces every constraint. Used by tests that play a cheating prover.
    pub(crate) fn new_witness_raw(
        cs: ConstraintSystemRef<Fr>,
        siblings: &[Fr],
        bits: &[Fr],
    ) -> Result<Self, SynthesisError> {
        let siblings = siblings
            .iter()
            .map(|s| FpVar::new_witness(cs.clone(), || Ok(*s)))
            .collect::<Result<Vec<_>, _>>()?;
        let bits = bits
            .iter()
            .map(|b| FpVar::new_witness(cs.clone(), || Ok(*b)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(MerklePathVar { siblings, bits })
    }

    /// Enforces `leaf != 0` and returns the root of `leaf` along this path.
    pub fn root_var(&self, leaf: &FpVar<Fr>) -> Result<FpVar<Fr>, SynthesisError> {
        root_var(leaf, &self.siblings, &self.bits)
    }
}

/// Enforces `b * (b - 1) = 0` (a constant `b` is checked natively:
/// `Unsatisfiable` unless it is 0 or 1).
pub fn enforce_boolean(b: &FpVar<Fr>) -> Result<(), SynthesisError> {
    checked::mul_equals(b, &(b - Fr::from(1u64)), &FpVar::zero())
}

/// Enforces `leaf != 0` and that every bit is boolean, and returns the root of
/// `leaf` along the path.
pub fn root_var(
    leaf: &FpVar<Fr>,
    siblings: &[FpVar<Fr>],
    bits: &[FpVar<Fr>],
) -> Result<FpVar<Fr>, SynthesisError> {
    if siblings.len() != bits.len() {
        return Err(SynthesisError::Unsatisfiable);
    }
    {
        let _check = namespace!("leaf != 0");
        checked::enforce_not_equal(leaf, &FpVar::zero())?;
    }
    fold_path(leaf.clone(), siblings, bits)
}

/// Hashes `leaf` up the path, enforcing each bit boolean.
fn fold_path(
    leaf: FpVar<Fr>,
    siblings: &[FpVar<Fr>],
    bits: &[FpVar<Fr>],
) -> Result<FpVar<Fr>, SynthesisError> {
    if siblings.len() != bits.len() {
        return Err(SynthesisError::Unsatisfiable);
    }
    let mut cur = leaf;
    for (sib, bit) in siblings.iter().zip(bits) {
        {
            let _check = namespace!("path bit boolean");
            enforce_boolean(bit)?;
        }
        let left = &cur + bit * (sib - &cur);
        let right = &cur + sib - &left;
        cur = poseidon_var(&[left, right])?;
    }
    Ok(cur)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_relations::gr1cs::ConstraintSystem;

    fn leaves(n: u64) -> Vec<Fr> {
        (1..=n).map(|i| hash(&[Fr::from(i)])).collect()
    }

    #[test]
    fn incremental_equals_bulk_and_paths_verify() {
        let ls = leaves(37);
        let bulk = MerkleTree::from_leaves(6, &ls).unwrap();
        let mut inc = MerkleTree::new(6).unwrap();
        for (i, l) in ls.iter().enumerate() {
            assert_eq!(inc.push(*l).unwrap(), i as u64);
        }
        let mut chunked = MerkleTree::new(6).unwrap();
        chunked.extend(&ls[..5]).unwrap();
        chunked.extend(&ls[5..30]).unwrap();
        chunked.extend(&ls[30..]).unwrap();
        assert_eq!(inc.root(), bulk.root());
        assert_eq!(chunked.root(), bulk.root());
        for i in 0..37 {
            let p = bulk.path(i).unwrap();
            assert_eq!(p.root(ls[i as usize]), bulk.root());
            assert_ne!(p.root(ls[(i as usize + 1) % 37]), bulk.root());
        }
    }

    #[test]
    fn root_is_the_naive_definition() {
        // Depth 2 by hand: H(H(a, b), H(c, 0)).
        let ls = leaves(3);
        let t = MerkleTree::from_leaves(2, &ls).unwrap();
        let zero = Fr::from(0u64);
        assert_eq!(
            t.root(),
            hash(&[hash(&[ls[0], ls[1]]), hash(&[ls[2], zero])])
        );
        assert_eq!(MerkleTree::new(3).unwrap().root(), empty_roots(3)[3]);
    }

    #[test]
    fn refuses_zero_leaf_overflow_bad_depth_and_bad_index() {
        let mut t = MerkleTree::new(1).unwrap();
        assert_eq!(t.push(Fr::from(0u64)), Err(CircuitError::ZeroLeaf));
        t.extend(&leaves(2)).unwrap();
        let root = t.root();
        assert_eq!(t.push(Fr::from(9u64)), Err(CircuitError::TreeFull(2)));
        assert_eq!(t.root(), root);
        assert!(t.path(2).is_err());
        assert!(MerkleTree::new(0).is_err());
        assert!(MerkleTree::new(33).is_err());
        assert!(MerkleTree::new(32).is_ok());
    }

    /// Synthesises the gadget for `leaf` and raw siblings/bits; returns the
    /// computed root and whether the system is satisfied.
    fn gadget_root(leaf: Fr, siblings: &[Fr], bits: &[Fr]) -> (Fr, bool) {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let l = FpVar::new_witness(cs.clone(), || Ok(leaf)).unwrap();
        let pv = MerklePathVar::new_witness_raw(cs.clone(), siblings, bits).unwrap();
        let root = pv.root_var(&l).unwrap().value().unwrap();
        (root, cs.is_satisfied().unwrap())
    }

    /// [`gadget_root`] under constraint tracing: the distinct namespace
    /// paths of the unsatisfied constraints.
    fn fails_in(leaf: Fr, siblings: &[Fr], bits: &[Fr]) -> Vec<Vec<&'static str>> {
        crate::harness::trace_constraints(crate::harness::FnCircuit(
            |cs: ConstraintSystemRef<Fr>| {
                let l = FpVar::new_witness(cs.clone(), || Ok(leaf))?;
                let pv = MerklePathVar::new_witness_raw(cs, siblings, bits)?;
                pv.root_var(&l).map(|_| ())
            },
        ))
        .unwrap()
        .unsatisfied_paths()
        .into_iter()
        .map(<[_]>::to_vec)
        .collect()
    }

    fn native_bits(p: &MerklePath) -> Vec<Fr> {
        p.bits().into_iter().map(Fr::from).collect()
    }

    #[test]
    fn gadget_matches_native_twin() {
        let ls = leaves(5);
        let t = MerkleTree::from_leaves(4, &ls).unwrap();
        for i in 0..5 {
            let p = t.path(i).unwrap();
            let (root, ok) = gadget_root(ls[i as usize], &p.siblings, &native_bits(&p));
            assert!(ok);
            assert_eq!(root, t.root());
        }
    }

    #[test]
    fn non_boolean_path_bit_is_rejected() {
        let ls = leaves(5);
        let t = MerkleTree::from_leaves(4, &ls).unwrap();
        // A cheating prover picks the first bit b so that the first left
        // input is any value X it likes: b = (X - cur) / (sib - cur).
        // Everything downstream is computed consistently from that b; only
        // the booleanity constraint stands in the way.
        let p = t.path(1).unwrap();
        let mut bits = native_bits(&p);
        let forged_left = Fr::from(123456u64);
        bits[0] = (forged_left - ls[1]) / (p.siblings[0] - ls[1]);
        let (_, ok) = gadget_root(ls[1], &p.siblings, &bits);
        assert!(!ok, "non-boolean path bit accepted");
        assert_eq!(fails_in(ls[1], &p.siblings, &bits), [["path bit boolean"]]);
        bits[0] = Fr::from(2u64);
        assert!(!gadget_root(ls[1], &p.siblings, &bits).1);
        assert_eq!(fails_in(ls[1], &p.siblings, &bits), [["path bit boolean"]]);
    }

    #[test]
    fn constant_leaf_and_bits_are_checked_natively() {
        // ark-r1cs-std checks nothing between constants: before the native
        // checks a constant zero leaf and a constant bit 2 "passed".
        let unsat = Err(SynthesisError::Unsatisfiable);
        assert_eq!(enforce_boolean(&FpVar::constant(Fr::from(2u64))), unsat);
        assert!(enforce_boolean(&FpVar::constant(Fr::from(1u64))).is_ok());
        assert!(enforce_boolean(&FpVar::zero()).is_ok());
        let ls = leaves(5);
        let t = MerkleTree::from_leaves(4, &ls).unwrap();
        let p = t.path(2).unwrap();
        let cs = ConstraintSystem::<Fr>::new_ref();
        let sibs: Vec<FpVar<Fr>> = p
            .siblings
            .iter()
            .map(|s| FpVar::new_witness(cs.clone(), || Ok(*s)).unwrap())
            .collect();
        let bits: Vec<FpVar<Fr>> = native_bits(&p).into_iter().map(FpVar::constant).collect();
        assert_eq!(root_var(&FpVar::zero(), &sibs, &bits).map(|_| ()), unsat);
        let mut two = bits.clone();
        two[0] = FpVar::constant(Fr::from(2u64));
        let leaf = FpVar::new_witness(cs.clone(), || Ok(ls[2])).unwrap();
        assert_eq!(root_var(&leaf, &sibs, &two).map(|_| ()), unsat);
        // The honest path with constant bits (a public index) still works.
        let root = root_var(&leaf, &sibs, &bits).unwrap();
        assert_eq!(root.value().unwrap(), t.root());
        assert!(cs.is_satisfied().unwrap());
    }

    #[test]
    fn zero_leaf_never_proves_membership() {
        // Slot 5 is empty (leaf 0): its path is well defined and hashes to the
        // root, but the gadget refuses the zero leaf.
        let ls = leaves(5);
        let mut t = MerkleTree::from_leaves(4, &ls).unwrap();
        let _ = t.push(Fr::from(77u64));
        let t5 = MerkleTree::from_leaves(4, &ls).unwrap();
        let mut path = t.path(5).unwrap();
        path.index = 5;
        assert_eq!(path.root(Fr::from(0u64)), t5.root());
        let (root, ok) = gadget_root(Fr::from(0u64), &path.siblings, &native_bits(&path));
        assert_eq!(root, t5.root());
        assert!(!ok, "zero leaf accepted");
        assert_eq!(
            fails_in(Fr::from(0u64), &path.siblings, &native_bits(&path)),
            [["leaf != 0"]]
        );
    }
}
