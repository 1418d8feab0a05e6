//! RFC 9162 Merkle tree hashing, proofs and their verification (§2.1).
//!
//! # Tree hash
//!
//! `HASH` is SHA-256 and `||` concatenation. For a list of `n` entries
//! `D[n] = {d(0), ..., d(n-1)}` the Merkle Tree Hash is
//!
//! ```text
//! MTH({})      = HASH()                                       empty_root()
//! MTH({d(0)})  = HASH(0x00 || d(0))                           leaf_hash(d(0))
//! MTH(D[n])    = HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n]))     node_hash(..), n > 1
//! ```
//!
//! where `k` is the largest power of two smaller than `n` (`k < n <= 2k`).
//! The `0x00`/`0x01` prefixes keep leaves and interior nodes apart, so no
//! leaf hash is ever the hash of a node. Every function below works on *leaf
//! hashes* `leaf_hash(d(i))`: a slice `leaf_hashes` stands for `D[n]`, and
//! [`root_of`] is `MTH`.
//!
//! # Inclusion proofs (§2.1.3)
//!
//! The proof that entry `m` is in `D[n]` is `PATH(m, D[n])`, with
//! `PATH(0, {d(0)}) = {}` and, for `n > 1`,
//!
//! ```text
//! PATH(m, D[n]) = PATH(m, D[0:k])     : MTH(D[k:n])    if m < k
//!               = PATH(m - k, D[k:n]) : MTH(D[0:k])    if m >= k
//! ```
//!
//! ([`inclusion_proof`]). [`verify_inclusion`] runs §2.1.3.2 with
//! `fn = leaf_index`, `sn = tree_size - 1`, `r = leaf_hash`; for each `p` of
//! the proof: fail if `sn = 0`; if `LSB(fn) = 1` or `fn = sn`, then
//! `r = HASH(0x01 || p || r)` and, if `LSB(fn) = 0`, shift `fn` and `sn`
//! right until `LSB(fn) = 1` or `fn = 0`; otherwise `r = HASH(0x01 || r || p)`;
//! then shift `fn` and `sn` right once. The proof holds iff at the end
//! `sn = 0` and `r = root`. Before that, the proof length is checked against
//! the only length that can succeed,
//!
//! ```text
//! inner  = bit_length(leaf_index XOR (tree_size - 1))   levels below the split from the right border
//! border = popcount(leaf_index >> inner)                left siblings along the right border
//! length = inner + border
//! ```
//!
//! so that a proof of the wrong length is reported as malformed rather than
//! as a root mismatch.
//!
//! # Consistency proofs (§2.1.4)
//!
//! The proof that `D[0:m]` is a prefix of `D[n]`, `0 < m < n`, is
//! `PROOF(m, D[n]) = SUBPROOF(m, D[n], true)` with
//!
//! ```text
//! SUBPROOF(m, D[m], true)  = {}
//! SUBPROOF(m, D[m], false) = {MTH(D[m])}
//! SUBPROOF(m, D[n], b)     = SUBPROOF(m, D[0:k], b)         : MTH(D[k:n])   if m <= k
//!                          = SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])   if m > k
//! ```
//!
//! ([`consistency_proof`]). [`verify_consistency`] runs §2.1.4.2: if `m` is a
//! power of two, prepend `root1` to the proof; set `fn = m - 1`,
//! `sn = n - 1`; while `LSB(fn) = 1` shift both right; set `fr = sr =` the
//! first proof hash; for each further `c`: fail if `sn = 0`; if `LSB(fn) = 1`
//! or `fn = sn`, then `fr = HASH(0x01 || c || fr)`, `sr = HASH(0x01 || c || sr)`
//! and, if `LSB(fn) = 0`, shift both right until `LSB(fn) = 1` or `fn = 0`;
//! otherwise `sr = HASH(0x01 || sr || c)`; then shift both right once. The
//! proof holds iff `sn = 0`, `fr = root1` and `sr = root2`. The only length
//! that can succeed is
//!
//! ```text
//! shift  = trailing_zeros(m)                              m = 2^shift * odd
//! inner  = bit_length((m - 1) XOR (n - 1)) - shift
//! border = popcount((m - 1) >> (inner + shift))
//! length = inner + border + (0 if m = 2^shift else 1)
//! ```
//!
//! Edge cases, as in the transparency-dev test vectors: `m > n` is refused;
//! `m = n` needs an empty proof and `root1 = root2`; `m = 0` is refused
//! whatever `n` (RFC 9162 defines the proof only for `0 < m`: every tree
//! extends the empty one, so there is nothing to prove, and a client with no
//! previous checkpoint has no `root1` to check).
//!
//! # What a proof does not bind
//!
//! Neither proof binds the tree size on its own: for some shapes the proof
//! for a tree of size `n` also "verifies" against the same root with size
//! `n + 1` or `n - 1` (e.g. leaf 0 of a 3-leaf tree against size 4). The
//! `(size, root)` pair must therefore come from one signed checkpoint, never
//! from two sources.

use sha2::{Digest, Sha256};

use crate::TlogError;

/// A SHA-256 digest: a leaf hash, interior node hash or tree root.
pub type Hash = [u8; 32];

/// `SHA-256(0x00 || data)`: the hash of one log entry.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(data);
    h.finalize().into()
}

/// `SHA-256(0x01 || left || right)`: the hash of an interior node.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// `SHA-256("")`: the root of the empty tree.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

fn malformed(msg: String) -> TlogError {
    TlogError::MalformedLogProof(msg)
}

fn failed(what: String, expected: &Hash, computed: &Hash) -> TlogError {
    TlogError::LogProofFailed {
        what,
        expected: hex::encode(expected),
        computed: hex::encode(computed),
    }
}

/// Number of bits needed to write `x` (0 for 0).
fn bit_length(x: u64) -> u32 {
    u64::BITS - x.leading_zeros()
}

/// The length every valid inclusion proof for `leaf_index < tree_size` has.
fn inclusion_proof_len(leaf_index: u64, tree_size: u64) -> usize {
    let inner = bit_length(leaf_index ^ (tree_size - 1));
    // inner <= 64; `checked_shr` is None only for inner == 64, where the shift
    // leaves nothing.
    let border = leaf_index.checked_shr(inner).unwrap_or(0).count_ones();
    (inner + border) as usize
}

/// The length every valid consistency proof for `0 < size1 < size2` has.
fn consistency_proof_len(size1: u64, size2: u64) -> Option<usize> {
    let shift = size1.trailing_zeros();
    let inner = bit_length((size1 - 1) ^ (size2 - 1)).checked_sub(shift)?;
    let border = (size1 - 1)
        .checked_shr(inner + shift)
        .unwrap_or(0)
        .count_ones();
    let seed = u32::from(!size1.is_power_of_two());
    Some((seed + inner + border) as usize)
}

/// Checks that `leaf_hash` is the leaf at `leaf_index` of the tree of size
/// `tree_size` whose root is `root` (RFC 9162 §2.1.3.2; see the module docs).
///
/// `leaf_index >= tree_size` and a proof of the wrong length are
/// [`TlogError::MalformedLogProof`]; a proof that leads to another root is
/// [`TlogError::LogProofFailed`]. Take `tree_size` and `root` from the same
/// signed checkpoint.
pub fn verify_inclusion(
    leaf_index: u64,
    tree_size: u64,
    leaf_hash: &Hash,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), TlogError> {
    if leaf_index >= tree_size {
        return Err(malformed(format!(
            "inclusion proof: leaf index {leaf_index} is not below the tree size {tree_size}"
        )));
    }
    let want = inclusion_proof_len(leaf_index, tree_size);
    if proof.len() != want {
        return Err(malformed(format!(
            "inclusion proof for leaf {leaf_index} of a tree of size {tree_size} must have \
             {want} hashes, got {}",
            proof.len()
        )));
    }
    let (mut fn_, mut sn) = (leaf_index, tree_size - 1);
    let mut r = *leaf_hash;
    for p in proof {
        if sn == 0 {
            return Err(malformed(format!(
                "inclusion proof for leaf {leaf_index} of a tree of size {tree_size} is too long"
            )));
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(malformed(format!(
            "inclusion proof for leaf {leaf_index} of a tree of size {tree_size} is too short"
        )));
    }
    if r != *root {
        return Err(failed(
            format!("inclusion proof of leaf {leaf_index} in the tree of size {tree_size}"),
            root,
            &r,
        ));
    }
    Ok(())
}

/// Checks that the tree of size `size1` with root `root1` is a prefix of the
/// tree of size `size2` with root `root2` (RFC 9162 §2.1.4.2; see the module
/// docs for the edge cases).
///
/// `size1 > size2`, `size1 = 0`, a non-empty proof for equal sizes and a
/// proof of the wrong length are [`TlogError::MalformedLogProof`]; a proof
/// that leads to other roots (or different roots for equal sizes) is
/// [`TlogError::LogProofFailed`].
pub fn verify_consistency(
    size1: u64,
    size2: u64,
    root1: &Hash,
    root2: &Hash,
    proof: &[Hash],
) -> Result<(), TlogError> {
    if size1 > size2 {
        return Err(malformed(format!(
            "consistency proof: the old size {size1} is larger than the new size {size2}"
        )));
    }
    if size1 == 0 {
        return Err(malformed(format!(
            "consistency proof from the empty tree (old size 0, new size {size2}) is not \
             defined: RFC 9162 requires an old size above 0"
        )));
    }
    if size1 == size2 {
        if !proof.is_empty() {
            return Err(malformed(format!(
                "consistency proof between equal sizes {size1} must be empty, got {} hashes",
                proof.len()
            )));
        }
        if root1 != root2 {
            return Err(failed(
                format!("consistency of two trees of the same size {size1} (roots must be equal)"),
                root1,
                root2,
            ));
        }
        return Ok(());
    }
    let want = consistency_proof_len(size1, size2).ok_or_else(|| {
        malformed(format!(
            "consistency proof: cannot size a proof from {size1} to {size2}"
        ))
    })?;
    if proof.len() != want {
        return Err(malformed(format!(
            "consistency proof from size {size1} to size {size2} must have {want} hashes, got {}",
            proof.len()
        )));
    }
    // Step 2: a power-of-two old tree is itself the first subtree hash.
    let (seed, rest) = if size1.is_power_of_two() {
        (root1, proof)
    } else {
        match proof.split_first() {
            Some((first, rest)) => (first, rest),
            None => {
                return Err(malformed(format!(
                    "consistency proof from size {size1} to size {size2} is empty"
                )))
            }
        }
    };
    let (mut fn_, mut sn) = (size1 - 1, size2 - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let (mut fr, mut sr) = (*seed, *seed);
    for c in rest {
        if sn == 0 {
            return Err(malformed(format!(
                "consistency proof from size {size1} to size {size2} is too long"
            )));
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(malformed(format!(
            "consistency proof from size {size1} to size {size2} is too short"
        )));
    }
    if fr != *root1 {
        return Err(failed(
            format!("consistency proof from size {size1} to size {size2} (old root)"),
            root1,
            &fr,
        ));
    }
    if sr != *root2 {
        return Err(failed(
            format!("consistency proof from size {size1} to size {size2} (new root)"),
            root2,
            &sr,
        ));
    }
    Ok(())
}

/// Largest power of two strictly below `n` (`n >= 2`).
fn split_point(n: usize) -> usize {
    1 << (n - 1).ilog2()
}

/// `MTH(D[n])` over leaf hashes: the reference (recursive, O(n)) root.
pub fn root_of(leaf_hashes: &[Hash]) -> Hash {
    match leaf_hashes {
        [] => empty_root(),
        [one] => *one,
        _ => {
            let k = split_point(leaf_hashes.len());
            node_hash(&root_of(&leaf_hashes[..k]), &root_of(&leaf_hashes[k..]))
        }
    }
}

fn to_usize(x: u64, what: &str) -> Result<usize, TlogError> {
    usize::try_from(x).map_err(|_| malformed(format!("{what} {x} does not fit in memory")))
}

/// `PATH(index, D[n])` over leaf hashes: the reference inclusion proof
/// (RFC 9162 §2.1.3.1). Refuses `index >= leaf_hashes.len()`.
pub fn inclusion_proof(leaf_hashes: &[Hash], index: u64) -> Result<Vec<Hash>, TlogError> {
    let m = to_usize(index, "leaf index")?;
    if m >= leaf_hashes.len() {
        return Err(malformed(format!(
            "inclusion proof: leaf index {index} is not below the tree size {}",
            leaf_hashes.len()
        )));
    }
    let mut proof = Vec::new();
    path(m, leaf_hashes, &mut proof);
    Ok(proof)
}

fn path(m: usize, d: &[Hash], out: &mut Vec<Hash>) {
    if d.len() <= 1 {
        return;
    }
    let k = split_point(d.len());
    if m < k {
        path(m, &d[..k], out);
        out.push(root_of(&d[k..]));
    } else {
        path(m - k, &d[k..], out);
        out.push(root_of(&d[..k]));
    }
}

/// `PROOF(size1, D[n])` over leaf hashes: the reference consistency proof
/// (RFC 9162 §2.1.4.1); empty when `size1 = n`. Refuses `size1 = 0` and
/// `size1 > n`, like [`verify_consistency`].
pub fn consistency_proof(leaf_hashes: &[Hash], size1: u64) -> Result<Vec<Hash>, TlogError> {
    let m = to_usize(size1, "old size")?;
    let n = leaf_hashes.len();
    if m == 0 || m > n {
        return Err(malformed(format!(
            "consistency proof: old size {size1} is not in 1..={n}"
        )));
    }
    let mut proof = Vec::new();
    subproof(m, leaf_hashes, true, &mut proof);
    Ok(proof)
}

fn subproof(m: usize, d: &[Hash], b: bool, out: &mut Vec<Hash>) {
    let n = d.len();
    if m == n {
        if !b {
            out.push(root_of(d));
        }
        return;
    }
    // Here 0 < m < n, so n >= 2.
    let k = split_point(n);
    if m <= k {
        subproof(m, &d[..k], b, out);
        out.push(root_of(&d[k..]));
    } else {
        subproof(m - k, &d[k..], false, out);
        out.push(root_of(&d[..k]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n as u64).map(|i| leaf_hash(&i.to_be_bytes())).collect()
    }

    #[test]
    fn known_hashes() {
        assert_eq!(
            hex::encode(empty_root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        // RFC 6962 / transparency-dev: the hash of the empty leaf.
        assert_eq!(
            hex::encode(leaf_hash(b"")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
        assert_eq!(root_of(&[]), empty_root());
    }

    #[test]
    fn reference_tree_of_transparency_dev() {
        // The 8 leaves and the roots of every prefix used by transparency-dev/merkle.
        let data: [&[u8]; 8] = [
            b"",
            &[0x00],
            &[0x10],
            &[0x20, 0x21],
            &[0x30, 0x31],
            &[0x40, 0x41, 0x42, 0x43],
            &[0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
            &[
                0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d,
                0x6e, 0x6f,
            ],
        ];
        let roots = [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ];
        let hashes: Vec<Hash> = data.iter().map(|d| leaf_hash(d)).collect();
        for (n, want) in roots.iter().enumerate() {
            assert_eq!(hex::encode(root_of(&hashes[..=n])), *want, "size {}", n + 1);
        }
        // Consistency 6 -> 8 from the Go tests.
        let proof = consistency_proof(&hashes, 6).unwrap();
        let hexes: Vec<String> = proof.iter().map(hex::encode).collect();
        assert_eq!(
            hexes,
            [
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        );
        verify_consistency(6, 8, &root_of(&hashes[..6]), &root_of(&hashes), &proof).unwrap();
    }

    #[test]
    fn exhaustive_small_trees() {
        let all = leaves(40);
        for n in 1..=all.len() {
            let d = &all[..n];
            let root = root_of(d);
            for i in 0..n {
                let proof = inclusion_proof(d, i as u64).unwrap();
                assert_eq!(proof.len(), inclusion_proof_len(i as u64, n as u64));
                verify_inclusion(i as u64, n as u64, &d[i], &proof, &root).unwrap();
                for j in 0..n {
                    if j != i {
                        assert!(verify_inclusion(j as u64, n as u64, &d[i], &proof, &root).is_err());
                    }
                }
            }
            for m in 1..=n {
                let proof = consistency_proof(d, m as u64).unwrap();
                if m < n {
                    assert_eq!(Some(proof.len()), consistency_proof_len(m as u64, n as u64));
                }
                let r1 = root_of(&d[..m]);
                verify_consistency(m as u64, n as u64, &r1, &root, &proof).unwrap();
                for m2 in 0..=n + 1 {
                    if m2 != m {
                        assert!(
                            verify_consistency(m2 as u64, n as u64, &r1, &root, &proof).is_err()
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn size_is_not_bound_by_the_proof_alone() {
        // Documented in the module docs: leaf 0 of a 3-leaf tree also "verifies"
        // against the same root with size 4, because the proofs have one shape.
        let d = leaves(3);
        let proof = inclusion_proof(&d, 0).unwrap();
        verify_inclusion(0, 4, &d[0], &proof, &root_of(&d)).unwrap();
        // ... but never against the real root of a 4-leaf tree.
        let d4 = leaves(4);
        assert!(verify_inclusion(0, 4, &d[0], &proof, &root_of(&d4)).is_err());
    }

    #[test]
    fn edge_cases_are_typed() {
        let d = leaves(5);
        let root = root_of(&d);
        let e = verify_inclusion(5, 5, &d[0], &[], &root).unwrap_err();
        assert!(matches!(e, TlogError::MalformedLogProof(_)), "{e}");
        assert!(e.to_string().contains("not below the tree size 5"), "{e}");
        let e = verify_inclusion(0, 0, &d[0], &[], &empty_root()).unwrap_err();
        assert!(matches!(e, TlogError::MalformedLogProof(_)), "{e}");
        let e = verify_inclusion(0, 5, &d[0], &[], &root).unwrap_err();
        assert!(e.to_string().contains("must have 3 hashes, got 0"), "{e}");
        let e = verify_consistency(3, 2, &root, &root, &[]).unwrap_err();
        assert!(e.to_string().contains("larger than the new size"), "{e}");
        let e = verify_consistency(0, 0, &root, &root, &[]).unwrap_err();
        assert!(e.to_string().contains("empty tree"), "{e}");
        let e = verify_consistency(2, 2, &root, &root, &[root]).unwrap_err();
        assert!(e.to_string().contains("must be empty"), "{e}");
        let e = verify_consistency(2, 2, &root, &d[0], &[]).unwrap_err();
        assert!(matches!(e, TlogError::LogProofFailed { .. }), "{e}");
        verify_consistency(2, 2, &root, &root, &[]).unwrap();
        let e = verify_consistency(1, 5, &d[0], &root, &[]).unwrap_err();
        assert!(e.to_string().contains("must have 3 hashes, got 0"), "{e}");
        assert!(inclusion_proof(&d, 5).is_err());
        assert!(consistency_proof(&d, 0).is_err());
        assert!(consistency_proof(&d, 6).is_err());
        assert_eq!(consistency_proof(&d, 5).unwrap(), Vec::<Hash>::new());
        // Huge sizes do not overflow.
        let e = verify_inclusion(u64::MAX - 1, u64::MAX, &d[0], &[], &root).unwrap_err();
        assert!(e.to_string().contains("must have 63 hashes"), "{e}");
        let e = verify_inclusion(0, u64::MAX, &d[0], &[], &root).unwrap_err();
        assert!(e.to_string().contains("must have 64 hashes"), "{e}");
        let e = verify_consistency(u64::MAX - 1, u64::MAX, &d[0], &root, &[]).unwrap_err();
        assert!(matches!(e, TlogError::MalformedLogProof(_)), "{e}");
        let e = verify_consistency(1 << 63, u64::MAX, &d[0], &root, &[]).unwrap_err();
        assert!(matches!(e, TlogError::MalformedLogProof(_)), "{e}");
    }
}
