//! Sparse fixed-height quaternary Poseidon Merkle tree, for the identity
//! statement's revocation and accredited-issuer trees.
//!
//! A node is `Poseidon(c_0, c_1, c_2, c_3)` of its four children; an empty
//! leaf is 0 and an empty subtree of height `h` has root
//! `Z_h = Poseidon(Z_{h-1}, Z_{h-1}, Z_{h-1}, Z_{h-1})`, `Z_0 = 0`. A tree of
//! `levels` levels has `4^levels` leaves; only non-empty nodes are stored.
//!
//! **Why four children.** A 4-input Poseidon (width 5) costs 297 constraints
//! and consumes two index bits; a binary level costs 240 per bit. With the
//! selection below a quaternary level costs 306 constraints per two bits
//! instead of 484: the identity statement's 20-bit revocation path and 8-bit
//! issuer path shrink from 6,776 to 4,284 constraints.
//!
//! **The gadget** ([`QuadPathVar::root_var`]). Per level, index bits
//! `b0, b1` (booleanity enforced) put the current node at position
//! `p = b0 + 2 b1` among the three siblings `s_0, s_1, s_2` (the other
//! children, in order). With `b01 = b0 b1` and the one-hot
//! `e0 = 1 - b0 - b1 + b01, e1 = b0 - b01, e2 = b1 - b01, e3 = b01`:
//!
//! ```text
//! c0 = s0 + e0 (cur - s0)
//! c1 = s1 + e0 (s0 - s1) + e1 (cur - s1)
//! c2 = s2 + (1 - b1) (s1 - s2) + e2 (cur - s2)
//! c3 = s2 + e3 (cur - s2)
//! ```
//!
//! (9 constraints; the booleanity checks are the namespace
//! `"index bits boolean"`, and refuse a non-boolean constant bit natively:
//! [`crate::merkle::enforce_boolean`]). Non-membership of index `i` ("not revoked") is
//! the path of `i` hashing the empty leaf 0 to the root, with the bits tied
//! to `i` ([`QuadPathVar::index_var`]).

use std::collections::{BTreeMap, HashMap};

use ark_r1cs_std::{fields::fp::FpVar, prelude::*};
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};
use zkgov_verifier::Fr;

use crate::{merkle::enforce_boolean, poseidon::hash, poseidon::poseidon_var, CircuitError};

/// Largest supported number of levels (`4^16 = 2^32` leaves).
pub const MAX_LEVELS: usize = 16;

/// Roots of empty subtrees for heights `0..=levels`.
pub fn empty_roots(levels: usize) -> Vec<Fr> {
    let mut z = vec![Fr::from(0u64)];
    for h in 0..levels {
        z.push(hash(&[z[h]; 4]));
    }
    z
}

/// A quaternary authentication path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuadPath {
    /// Leaf index (base-4 digit `h` is the position at height `h`).
    pub index: u64,
    /// The three other children at each height, in order, from the leaf up.
    pub siblings: Vec<[Fr; 3]>,
}

/// The four children with `cur` at position `p` among `sib`.
fn children(cur: Fr, p: usize, sib: &[Fr; 3]) -> [Fr; 4] {
    let mut c = [Fr::from(0u64); 4];
    let mut k = 0;
    for (j, slot) in c.iter_mut().enumerate() {
        if j == p {
            *slot = cur;
        } else {
            *slot = sib[k];
            k += 1;
        }
    }
    c
}

impl QuadPath {
    /// The root this path gives for `leaf` (native twin of
    /// [`QuadPathVar::root_var`]).
    pub fn root(&self, leaf: Fr) -> Fr {
        self.siblings
            .iter()
            .enumerate()
            .fold(leaf, |cur, (h, sib)| {
                let p = ((self.index >> (2 * h)) & 3) as usize;
                hash(&children(cur, p, sib))
            })
    }

    /// Index bits, little-endian (two per level).
    pub fn bits(&self) -> Vec<bool> {
        (0..2 * self.siblings.len())
            .map(|i| (self.index >> i) & 1 == 1)
            .collect()
    }
}

/// A sparse quaternary Merkle tree.
#[derive(Clone, Debug)]
pub struct SparseMerkleTree {
    levels: usize,
    /// Non-empty nodes by `(height, index)`.
    nodes: HashMap<(usize, u64), Fr>,
    empty: Vec<Fr>,
    leaves: u64,
}

impl SparseMerkleTree {
    /// An empty tree of `levels` levels (1..=16).
    pub fn new(levels: usize) -> Result<Self, CircuitError> {
        if levels == 0 || levels > MAX_LEVELS {
            return Err(CircuitError::InvalidDepth(levels));
        }
        Ok(SparseMerkleTree {
            levels,
            nodes: HashMap::new(),
            empty: empty_roots(levels),
            leaves: 0,
        })
    }

    /// A tree with `leaves` (index, value) set, built level by level: each
    /// node is hashed once, so `n` clustered leaves cost about `n/3`
    /// hashes instead of `n · levels`. Later duplicates of an index win.
    pub fn from_leaves(levels: usize, leaves: &[(u64, Fr)]) -> Result<Self, CircuitError> {
        let mut t = SparseMerkleTree::new(levels)?;
        let mut level: BTreeMap<u64, Fr> = BTreeMap::new();
        for (i, v) in leaves {
            t.check_index(*i)?;
            level.insert(*i, *v);
        }
        level.retain(|_, v| *v != t.empty[0]);
        t.leaves = level.len() as u64;
        for h in 0..=levels {
            for (i, v) in &level {
                t.nodes.insert((h, *i), *v);
            }
            if h == levels {
                break;
            }
            let mut up = BTreeMap::new();
            for i in level.keys() {
                let parent = i >> 2;
                if up.contains_key(&parent) {
                    continue;
                }
                let c: Vec<Fr> = (0..4)
                    .map(|j| {
                        level
                            .get(&((parent << 2) | j))
                            .copied()
                            .unwrap_or(t.empty[h])
                    })
                    .collect();
                up.insert(parent, hash(&[c[0], c[1], c[2], c[3]]));
            }
            level = up;
        }
        Ok(t)
    }

    /// Number of levels.
    pub fn levels(&self) -> usize {
        self.levels
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
        if index >> (2 * self.levels) != 0 {
            return Err(CircuitError::IndexOutOfRange {
                index,
                len: 1 << (2 * self.levels),
            });
        }
        Ok(())
    }

    /// The leaf at `index` (0 when empty).
    pub fn get(&self, index: u64) -> Result<Fr, CircuitError> {
        self.check_index(index)?;
        Ok(self.node(0, index))
    }

    /// Sets the leaf at `index` (0 empties it); `levels` hashes.
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
        for h in 0..=self.levels {
            if cur == self.empty[h] {
                self.nodes.remove(&(h, i));
            } else {
                self.nodes.insert((h, i), cur);
            }
            if h == self.levels {
                break;
            }
            let base = i & !3;
            let c: Vec<Fr> = (0..4)
                .map(|j| {
                    if base | j == i {
                        cur
                    } else {
                        self.node(h, base | j)
                    }
                })
                .collect();
            cur = hash(&[c[0], c[1], c[2], c[3]]);
            i >>= 2;
        }
        Ok(())
    }

    /// The root.
    pub fn root(&self) -> Fr {
        self.node(self.levels, 0)
    }

    /// The authentication path of `index`.
    pub fn path(&self, index: u64) -> Result<QuadPath, CircuitError> {
        self.check_index(index)?;
        let siblings = (0..self.levels)
            .map(|h| {
                let i = index >> (2 * h);
                let base = i & !3;
                let mut s = [Fr::from(0u64); 3];
                let mut k = 0;
                for j in 0..4 {
                    if base | j != i {
                        s[k] = self.node(h, base | j);
                        k += 1;
                    }
                }
                s
            })
            .collect();
        Ok(QuadPath { index, siblings })
    }
}

/// An allocated quaternary path: siblings and index bits as witnesses.
pub struct QuadPathVar {
    /// The three siblings per level, from the leaf up.
    pub siblings: Vec<[FpVar<Fr>; 3]>,
    /// Index bits, little-endian, two per level; [`QuadPathVar::root_var`]
    /// enforces each is 0 or 1.
    pub bits: Vec<FpVar<Fr>>,
}

impl QuadPathVar {
    /// Allocates `path`; it must have `levels` levels.
    pub fn new_witness(
        cs: ConstraintSystemRef<Fr>,
        path: &QuadPath,
        levels: usize,
    ) -> Result<Self, SynthesisError> {
        if path.siblings.len() != levels {
            return Err(SynthesisError::Unsatisfiable);
        }
        let bits: Vec<Fr> = path.bits().into_iter().map(Fr::from).collect();
        Self::new_witness_raw(cs, &path.siblings, &bits)
    }

    /// Allocates siblings and bits as given, with no check (tests play a
    /// cheating prover with it).
    pub(crate) fn new_witness_raw(
        cs: ConstraintSystemRef<Fr>,
        siblings: &[[Fr; 3]],
        bits: &[Fr],
    ) -> Result<Self, SynthesisError> {
        let wit = |x: &Fr| FpVar::new_witness(cs.clone(), || Ok(*x));
        let siblings = siblings
            .iter()
            .map(|s| Ok([wit(&s[0])?, wit(&s[1])?, wit(&s[2])?]))
            .collect::<Result<Vec<_>, SynthesisError>>()?;
        let bits = bits.iter().map(wit).collect::<Result<Vec<_>, _>>()?;
        Ok(QuadPathVar { siblings, bits })
    }

    /// The root of `leaf` along this path (no condition on the leaf; callers
    /// proving membership enforce it non-zero).
    pub fn root_var(&self, leaf: &FpVar<Fr>) -> Result<FpVar<Fr>, SynthesisError> {
        if self.bits.len() != 2 * self.siblings.len() {
            return Err(SynthesisError::Unsatisfiable);
        }
        let mut cur = leaf.clone();
        for (s, b) in self.siblings.iter().zip(self.bits.chunks(2)) {
            let (b0, b1) = (&b[0], &b[1]);
            {
                let _check = namespace!("index bits boolean");
                enforce_boolean(b0)?;
                enforce_boolean(b1)?;
            }
            let b01 = b0 * b1;
            let one = Fr::from(1u64);
            let e0 = &b01 - b0 - b1 + one;
            let e1 = b0 - &b01;
            let e2 = b1 - &b01;
            let c0 = &s[0] + &e0 * (&cur - &s[0]);
            let c1 = &s[1] + &e0 * (&s[0] - &s[1]) + &e1 * (&cur - &s[1]);
            let not_b1 = FpVar::constant(one) - b1;
            let c2 = &s[2] + not_b1 * (&s[1] - &s[2]) + &e2 * (&cur - &s[2]);
            let c3 = &s[2] + &b01 * (&cur - &s[2]);
            cur = poseidon_var(&[c0, c1, c2, c3])?;
        }
        Ok(cur)
    }

    /// `sum bits_i 2^i`: the leaf index the bits spell.
    pub fn index_var(&self) -> FpVar<Fr> {
        let mut acc = FpVar::zero();
        let mut pow = Fr::from(1u64);
        for b in &self.bits {
            acc += b * pow;
            pow = pow + pow;
        }
        acc
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_relations::gr1cs::ConstraintSystem;

    #[test]
    fn agrees_with_a_dense_computation_and_proves_absence() {
        let mut s = SparseMerkleTree::new(3).unwrap();
        let mut leaves = vec![Fr::from(0u64); 64];
        for (k, i) in [5u64, 9, 63, 0, 17, 18].into_iter().enumerate() {
            s.set(i, Fr::from(1 + k as u64)).unwrap();
            leaves[i as usize] = Fr::from(1 + k as u64);
        }
        let mut level = leaves.clone();
        while level.len() > 1 {
            level = level
                .chunks(4)
                .map(|c| hash(&[c[0], c[1], c[2], c[3]]))
                .collect();
        }
        assert_eq!(s.root(), level[0]);
        assert_eq!(s.len(), 6);
        for i in 0..64 {
            let p = s.path(i).unwrap();
            assert_eq!(p.root(s.get(i).unwrap()), s.root());
            assert_eq!(
                p.root(Fr::from(0u64)) == s.root(),
                leaves[i as usize] == Fr::from(0u64)
            );
        }
        for i in [5u64, 9, 63, 0, 17, 18] {
            s.set(i, Fr::from(0u64)).unwrap();
        }
        assert_eq!(s.root(), SparseMerkleTree::new(3).unwrap().root());
        assert!(s.is_empty());
        assert!(s.set(64, Fr::from(1u64)).is_err());
        assert!(s.path(64).is_err());
        // Bulk build equals leaf-by-leaf; a later duplicate wins.
        let pairs: Vec<(u64, Fr)> = [(3u64, 5u64), (4, 6), (60, 7), (3, 8), (9, 0)]
            .into_iter()
            .map(|(i, v)| (i, Fr::from(v)))
            .collect();
        let bulk = SparseMerkleTree::from_leaves(3, &pairs).unwrap();
        let mut one = SparseMerkleTree::new(3).unwrap();
        for (i, v) in &pairs {
            one.set(*i, *v).unwrap();
        }
        assert_eq!(bulk.root(), one.root());
        assert_eq!(bulk.len(), 3);
        for i in 0..64 {
            assert_eq!(bulk.path(i).unwrap(), one.path(i).unwrap());
        }
        assert!(SparseMerkleTree::from_leaves(3, &[(64, Fr::from(1u64))]).is_err());
    }

    fn gadget_root(path: &QuadPath, leaf: Fr, bits: Option<Vec<Fr>>) -> (Fr, Fr, bool) {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let bits = bits.unwrap_or_else(|| path.bits().into_iter().map(Fr::from).collect());
        let v = QuadPathVar::new_witness_raw(cs.clone(), &path.siblings, &bits).unwrap();
        let l = FpVar::new_witness(cs.clone(), || Ok(leaf)).unwrap();
        let r = v.root_var(&l).unwrap();
        (
            r.value().unwrap(),
            v.index_var().value().unwrap(),
            cs.is_satisfied().unwrap(),
        )
    }

    /// [`gadget_root`] under constraint tracing: the distinct namespace
    /// paths of the unsatisfied constraints.
    fn fails_in(path: &QuadPath, leaf: Fr, bits: Vec<Fr>) -> Vec<Vec<&'static str>> {
        crate::harness::trace_constraints(crate::harness::FnCircuit(
            |cs: ConstraintSystemRef<Fr>| {
                let v = QuadPathVar::new_witness_raw(cs.clone(), &path.siblings, &bits)?;
                let l = FpVar::new_witness(cs, || Ok(leaf))?;
                v.root_var(&l).map(|_| ())
            },
        ))
        .unwrap()
        .unsatisfied_paths()
        .into_iter()
        .map(<[_]>::to_vec)
        .collect()
    }

    #[test]
    fn gadget_agrees_with_native_at_every_position() {
        let mut s = SparseMerkleTree::new(3).unwrap();
        for i in 0..64u64 {
            if i % 3 != 0 {
                s.set(i, Fr::from(100 + i)).unwrap();
            }
        }
        for i in 0..64u64 {
            let p = s.path(i).unwrap();
            let (root, index, ok) = gadget_root(&p, s.get(i).unwrap(), None);
            assert!(ok);
            assert_eq!(root, s.root());
            assert_eq!(index, Fr::from(i));
        }
        // Per level: 2 booleanity + 1 product + 6 selections + Poseidon(4).
        let cs = ConstraintSystem::<Fr>::new_ref();
        let v = QuadPathVar::new_witness(cs.clone(), &s.path(5).unwrap(), 3).unwrap();
        let l = FpVar::new_witness(cs.clone(), || Ok(Fr::from(1u64))).unwrap();
        let _root = v.root_var(&l).unwrap();
        assert_eq!(cs.num_constraints(), 3 * (9 + 297));
    }

    #[test]
    fn non_boolean_bits_are_rejected() {
        // A bit of 2 (or any non-boolean) is refused by booleanity alone.
        let s = SparseMerkleTree::from_leaves(2, &[(1, Fr::from(7u64))]).unwrap();
        let p = s.path(1).unwrap();
        let mut bits: Vec<Fr> = p.bits().into_iter().map(Fr::from).collect();
        bits[0] = Fr::from(2u64);
        let (_, _, ok) = gadget_root(&p, Fr::from(7u64), Some(bits.clone()));
        assert!(!ok);
        assert_eq!(fails_in(&p, Fr::from(7u64), bits), [["index bits boolean"]]);
    }

    #[test]
    fn constant_non_boolean_bits_are_refused() {
        // A path with constant index bits (a public index): a non-boolean
        // constant is refused natively, as booleanity between constants is
        // checked by nothing in ark-r1cs-std.
        let s = SparseMerkleTree::from_leaves(2, &[(1, Fr::from(7u64))]).unwrap();
        let p = s.path(1).unwrap();
        let cs = ConstraintSystem::<Fr>::new_ref();
        let wit = |x: &Fr| FpVar::new_witness(cs.clone(), || Ok(*x)).unwrap();
        let siblings: Vec<[FpVar<Fr>; 3]> = p
            .siblings
            .iter()
            .map(|s| [wit(&s[0]), wit(&s[1]), wit(&s[2])])
            .collect();
        let mut bits: Vec<FpVar<Fr>> = p
            .bits()
            .into_iter()
            .map(|b| FpVar::constant(Fr::from(b)))
            .collect();
        let leaf = wit(&Fr::from(7u64));
        let honest = QuadPathVar {
            siblings: siblings.clone(),
            bits: bits.clone(),
        };
        assert_eq!(honest.root_var(&leaf).unwrap().value().unwrap(), s.root());
        assert!(cs.is_satisfied().unwrap());
        bits[0] = FpVar::constant(Fr::from(2u64));
        let forged = QuadPathVar { siblings, bits };
        assert_eq!(
            forged.root_var(&leaf).map(|_| ()),
            Err(SynthesisError::Unsatisfiable)
        );
    }

    #[test]
    fn non_boolean_high_bit_cannot_spell_a_revoked_index() {
        // Leaves 5 and 6 are set (revoked); leaves 8..11 are all empty. Over
        // a group of four equal children a step's hash does not depend on its
        // high bit, so the path of empty leaf 9 (bits 1,0 | 0,1) with the
        // high bit set to -2 keeps the honest root while its bits spell
        // 1 + 2·(-2) + 8 = 5: "leaf 5 is empty". Only the booleanity of the
        // high bit refuses it.
        let one = Fr::from(1u64);
        let s = SparseMerkleTree::from_leaves(2, &[(5, one), (6, one)]).unwrap();
        let p = s.path(9).unwrap();
        let mut bits: Vec<Fr> = p.bits().into_iter().map(Fr::from).collect();
        assert_eq!(bits, [one, Fr::from(0u64), Fr::from(0u64), one]);
        bits[1] = -Fr::from(2u64);
        let (root, index, ok) = gadget_root(&p, Fr::from(0u64), Some(bits.clone()));
        assert_eq!(root, s.root());
        assert_eq!(index, Fr::from(5u64));
        assert!(!ok);
        assert_eq!(fails_in(&p, Fr::from(0u64), bits), [["index bits boolean"]]);
    }
}
