//! RFC 9162 proof verification against every inclusion and consistency case
//! of transparency-dev/merkle (tests/vectors/transparency-dev-merkle), and
//! property tests of the reference proof generators.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use base64::{engine::general_purpose::STANDARD, Engine};
use proptest::prelude::*;
use serde::Deserialize;
use zkgov_tlog::{
    consistency_proof, inclusion_proof, leaf_hash, root_of, verify_consistency, verify_inclusion,
    ErrorKind, Hash, TlogError,
};

const INCLUSION_CASES: usize = 98;
const CONSISTENCY_CASES: usize = 98;

/// The one case that wants acceptance of hashes that are not 32 bytes: Go's
/// verifier treats hashes as opaque bytes, ours takes SHA-256 digests only, so
/// a strict client refuses it when decoding (the verifier, given the two equal
/// roots as 32-byte values, accepts it).
const NON_SHA256_ACCEPT: &str =
    "consistency/additional/sizes-are-equal-one-and-proof-is-empty.json";

/// The one case whose only defect is a hash length (leaf and root both empty
/// strings, so equal): refused when decoding, but accepted once mapped to 32
/// bytes, as it should be.
const LENGTH_ONLY_REJECT: &str = "inclusion/single-entry/empty-root-and-leaf.json";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InclusionCase {
    #[serde(rename = "leafIdx")]
    leaf_idx: u64,
    #[serde(rename = "treeSize")]
    tree_size: u64,
    root: String,
    #[serde(rename = "leafHash")]
    leaf_hash: String,
    proof: Option<Vec<String>>,
    desc: String,
    #[serde(rename = "wantErr")]
    want_err: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsistencyCase {
    size1: u64,
    size2: u64,
    root1: String,
    root2: String,
    proof: Option<Vec<String>>,
    desc: String,
    #[serde(rename = "wantErr")]
    want_err: bool,
}

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/transparency-dev-merkle/testdata")
}

/// Every file under `dir`, recursively, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn relative(path: &Path) -> String {
    path.strip_prefix(testdata())
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

/// A hash as the vectors give it: the bytes, and the SHA-256 digest they are if 32 long.
fn bytes(b64: &str) -> Vec<u8> {
    STANDARD.decode(b64).unwrap()
}

fn strict(raw: &[u8]) -> Option<Hash> {
    Hash::try_from(raw).ok()
}

/// Maps any byte string to a 32-byte value, identity on 32-byte strings, so
/// that the verifier's own logic also sees the cases a strict decoder refuses.
fn mapped(raw: &[u8]) -> Hash {
    strict(raw).unwrap_or_else(|| leaf_hash(&[b"not-a-sha256-digest:".as_slice(), raw].concat()))
}

#[derive(Default, Debug)]
struct Tally {
    seen: usize,
    accepted: usize,
    accepted_only_as_32_bytes: usize,
    rejected_by_verifier: usize,
    rejected_at_decoding: usize,
}

/// Checks one case both ways: strictly decoded (a non-32-byte hash is refused
/// before verification, as a client would: `strict_result` is `None`) and with
/// every hash mapped to 32 bytes (the verifier's own logic must give the
/// wanted answer).
fn check(
    name: &str,
    desc: &str,
    want_err: bool,
    strict_result: Option<Result<(), TlogError>>,
    mapped_result: Result<(), TlogError>,
    tally: &mut Tally,
) {
    tally.seen += 1;
    let ctx = format!("{name} ({desc}), wantErr {want_err}");
    if let Err(e) = &mapped_result {
        assert!(
            matches!(e.kind(), ErrorKind::Malformed | ErrorKind::InvalidProof),
            "{ctx}: unexpected error kind for {e}"
        );
        assert!(!e.to_string().is_empty(), "{ctx}");
    }
    if name == LENGTH_ONLY_REJECT {
        assert!(mapped_result.is_ok(), "{ctx}: {mapped_result:?}");
    } else {
        assert_eq!(
            mapped_result.is_err(),
            want_err,
            "{ctx}: verifier gave {mapped_result:?}"
        );
    }
    match strict_result {
        None => {
            if name == NON_SHA256_ACCEPT {
                assert!(!want_err, "{ctx}");
                tally.accepted_only_as_32_bytes += 1;
            } else {
                assert!(want_err, "{ctx}: refused when decoding");
                tally.rejected_at_decoding += 1;
            }
        }
        Some(r) => {
            assert!(
                name != NON_SHA256_ACCEPT && name != LENGTH_ONLY_REJECT,
                "{ctx}"
            );
            assert_eq!(r, mapped_result, "{ctx}");
            if want_err {
                tally.rejected_by_verifier += 1;
            } else {
                tally.accepted += 1;
            }
        }
    }
}

#[test]
fn every_transparency_dev_inclusion_case() {
    let paths = files(&testdata().join("inclusion"));
    assert_eq!(
        paths.len(),
        INCLUSION_CASES,
        "vector files were added or lost"
    );
    let mut tally = Tally::default();
    for path in &paths {
        let name = relative(path);
        assert!(name.ends_with(".json"), "{name}");
        let c: InclusionCase = serde_json::from_str(&std::fs::read_to_string(path).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let root = bytes(&c.root);
        let leaf = bytes(&c.leaf_hash);
        let proof: Vec<Vec<u8>> = c
            .proof
            .unwrap_or_default()
            .iter()
            .map(|p| bytes(p))
            .collect();
        let mapped_proof: Vec<Hash> = proof.iter().map(|p| mapped(p)).collect();
        let mapped_result = verify_inclusion(
            c.leaf_idx,
            c.tree_size,
            &mapped(&leaf),
            &mapped_proof,
            &mapped(&root),
        );
        let strict_proof: Option<Vec<Hash>> = proof.iter().map(|p| strict(p)).collect();
        let strict_result = match (strict(&leaf), strict(&root), strict_proof) {
            (Some(leaf), Some(root), Some(proof)) => Some(verify_inclusion(
                c.leaf_idx,
                c.tree_size,
                &leaf,
                &proof,
                &root,
            )),
            _ => None,
        };
        check(
            &name,
            &c.desc,
            c.want_err,
            strict_result,
            mapped_result,
            &mut tally,
        );
    }
    eprintln!("inclusion: {tally:?}");
    // Pinned: 6 valid proofs, 66 refused by the verifier, 26 with a hash that
    // is not 32 bytes (LENGTH_ONLY_REJECT among them).
    assert_eq!(
        (
            tally.accepted,
            tally.rejected_by_verifier,
            tally.rejected_at_decoding
        ),
        (6, 66, 26)
    );
    assert_eq!(tally.seen, INCLUSION_CASES);
    assert_eq!(
        tally.accepted
            + tally.accepted_only_as_32_bytes
            + tally.rejected_by_verifier
            + tally.rejected_at_decoding,
        INCLUSION_CASES
    );
    assert!(tally.accepted > 0 && tally.rejected_by_verifier > 0);
}

#[test]
fn every_transparency_dev_consistency_case() {
    let paths = files(&testdata().join("consistency"));
    assert_eq!(
        paths.len(),
        CONSISTENCY_CASES,
        "vector files were added or lost"
    );
    let mut tally = Tally::default();
    for path in &paths {
        let name = relative(path);
        assert!(name.ends_with(".json"), "{name}");
        let c: ConsistencyCase = serde_json::from_str(&std::fs::read_to_string(path).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let root1 = bytes(&c.root1);
        let root2 = bytes(&c.root2);
        let proof: Vec<Vec<u8>> = c
            .proof
            .unwrap_or_default()
            .iter()
            .map(|p| bytes(p))
            .collect();
        let mapped_proof: Vec<Hash> = proof.iter().map(|p| mapped(p)).collect();
        let mapped_result = verify_consistency(
            c.size1,
            c.size2,
            &mapped(&root1),
            &mapped(&root2),
            &mapped_proof,
        );
        let strict_proof: Option<Vec<Hash>> = proof.iter().map(|p| strict(p)).collect();
        let strict_result = match (strict(&root1), strict(&root2), strict_proof) {
            (Some(r1), Some(r2), Some(proof)) => {
                Some(verify_consistency(c.size1, c.size2, &r1, &r2, &proof))
            }
            _ => None,
        };
        check(
            &name,
            &c.desc,
            c.want_err,
            strict_result,
            mapped_result,
            &mut tally,
        );
    }
    eprintln!("consistency: {tally:?}");
    // Pinned: 5 valid proofs plus NON_SHA256_ACCEPT, 66 refused by the
    // verifier, 26 with a hash that is not 32 bytes.
    assert_eq!(
        (
            tally.accepted,
            tally.accepted_only_as_32_bytes,
            tally.rejected_by_verifier,
            tally.rejected_at_decoding
        ),
        (5, 1, 66, 26)
    );
    assert_eq!(tally.seen, CONSISTENCY_CASES);
    assert_eq!(
        tally.accepted
            + tally.accepted_only_as_32_bytes
            + tally.rejected_by_verifier
            + tally.rejected_at_decoding,
        CONSISTENCY_CASES
    );
    assert!(tally.accepted > 0 && tally.rejected_by_verifier > 0);
}

/// Distinct leaf hashes for a tree; `salt` varies the trees between runs.
fn leaves(n: usize, salt: u64) -> Vec<Hash> {
    (0..n as u64)
        .map(|i| leaf_hash(&[salt.to_be_bytes(), i.to_be_bytes()].concat()))
        .collect()
}

fn flip(h: &Hash, bit: usize) -> Hash {
    let mut h = *h;
    h[(bit / 8) % 32] ^= 1 << (bit % 8);
    h
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn inclusion_proofs_verify_and_tampering_is_rejected(
        n in 1usize..=300,
        index_seed in any::<usize>(),
        other_seed in any::<usize>(),
        bit in 0usize..256,
        salt in any::<u64>(),
    ) {
        let d = leaves(n, salt);
        let i = index_seed % n;
        let (i64_, n64) = (i as u64, n as u64);
        let root = root_of(&d);
        let proof = inclusion_proof(&d, i64_).unwrap();
        prop_assert!(verify_inclusion(i64_, n64, &d[i], &proof, &root).is_ok());

        // A flipped bit anywhere: root, leaf, or any proof element.
        prop_assert!(verify_inclusion(i64_, n64, &d[i], &proof, &flip(&root, bit)).is_err());
        prop_assert!(verify_inclusion(i64_, n64, &flip(&d[i], bit), &proof, &root).is_err());
        for k in 0..proof.len() {
            let mut bad = proof.clone();
            bad[k] = flip(&bad[k], bit);
            let e = verify_inclusion(i64_, n64, &d[i], &bad, &root).unwrap_err();
            prop_assert_eq!(e.kind(), ErrorKind::InvalidProof);
        }
        // Another leaf's hash, another index, a doubled or halved size.
        if n > 1 {
            let j = (i + 1 + other_seed % (n - 1)) % n;
            prop_assert!(j != i);
            prop_assert!(verify_inclusion(j as u64, n64, &d[i], &proof, &root).is_err());
            prop_assert!(verify_inclusion(i64_, n64, &d[j], &proof, &root).is_err());
        }
        prop_assert!(verify_inclusion(i64_, 2 * n64, &d[i], &proof, &root).is_err());
        prop_assert!(verify_inclusion(i64_, n64 / 2, &d[i], &proof, &root).is_err());
        prop_assert!(verify_inclusion(n64, n64, &d[i], &proof, &root).is_err());
        // Any other size, against the real root of a tree of that size.
        let all = leaves(2 * n + 1, salt);
        let n2 = 1 + other_seed % (2 * n + 1);
        if n2 != n && i < n2 {
            let r2 = root_of(&all[..n2]);
            prop_assert!(verify_inclusion(i64_, n2 as u64, &d[i], &proof, &r2).is_err());
        }
        // A proof one hash longer or shorter.
        let mut longer = proof.clone();
        longer.push(root);
        prop_assert!(verify_inclusion(i64_, n64, &d[i], &longer, &root).is_err());
        if !proof.is_empty() {
            let e = verify_inclusion(i64_, n64, &d[i], &proof[1..], &root).unwrap_err();
            prop_assert_eq!(e.kind(), ErrorKind::Malformed);
        }
    }

    #[test]
    fn consistency_proofs_verify_and_tampering_is_rejected(
        n in 1usize..=300,
        m_seed in any::<usize>(),
        other_seed in any::<usize>(),
        bit in 0usize..256,
        salt in any::<u64>(),
    ) {
        let d = leaves(n, salt);
        let m = 1 + m_seed % n;
        let (m64, n64) = (m as u64, n as u64);
        let (root1, root2) = (root_of(&d[..m]), root_of(&d));
        let proof = consistency_proof(&d, m64).unwrap();
        prop_assert!(verify_consistency(m64, n64, &root1, &root2, &proof).is_ok());

        prop_assert!(verify_consistency(m64, n64, &flip(&root1, bit), &root2, &proof).is_err());
        prop_assert!(verify_consistency(m64, n64, &root1, &flip(&root2, bit), &proof).is_err());
        for k in 0..proof.len() {
            let mut bad = proof.clone();
            bad[k] = flip(&bad[k], bit);
            let e = verify_consistency(m64, n64, &root1, &root2, &bad).unwrap_err();
            prop_assert_eq!(e.kind(), ErrorKind::InvalidProof);
        }
        // Any other old size (0 and above n included).
        let m2 = other_seed % (n + 2);
        if m2 != m {
            prop_assert!(verify_consistency(m2 as u64, n64, &root1, &root2, &proof).is_err());
        }
        prop_assert!(verify_consistency(m64, 2 * n64, &root1, &root2, &proof).is_err());
        if m < n {
            prop_assert!(verify_consistency(m64, n64 / 2, &root1, &root2, &proof).is_err());
            prop_assert!(verify_consistency(m64, n64, &root2, &root1, &proof).is_err());
            // A proof one hash shorter or longer is malformed.
            let e = verify_consistency(m64, n64, &root1, &root2, &proof[1..]).unwrap_err();
            prop_assert_eq!(e.kind(), ErrorKind::Malformed);
            let mut longer = proof.clone();
            longer.push(root2);
            let e = verify_consistency(m64, n64, &root1, &root2, &longer).unwrap_err();
            prop_assert_eq!(e.kind(), ErrorKind::Malformed);
            // A fork: the log rewrote an entry below m; neither tree's honest
            // proof links the old root to the forked new root.
            let f = other_seed % m;
            let mut forked = d.clone();
            forked[f] = leaf_hash(b"rewritten entry");
            let forked_root = root_of(&forked);
            let forked_proof = consistency_proof(&forked, m64).unwrap();
            prop_assert!(verify_consistency(m64, n64, &root1, &forked_root, &forked_proof).is_err());
            prop_assert!(verify_consistency(m64, n64, &root1, &forked_root, &proof).is_err());
        } else {
            prop_assert!(proof.is_empty());
        }
    }
}

#[test]
fn inclusion_proofs_agree_with_the_vectors_tree() {
    // The eight-leaf tree behind the vectors: our generator reproduces the
    // happy-path proof of inclusion/1 (leaf 0 of 8).
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
    let d: Vec<Hash> = data.iter().map(|x| leaf_hash(x)).collect();
    let c: InclusionCase = serde_json::from_str(
        &std::fs::read_to_string(testdata().join("inclusion/1/happy-path.json")).unwrap(),
    )
    .unwrap();
    assert!(!c.want_err);
    let want: Vec<Hash> = c
        .proof
        .unwrap()
        .iter()
        .map(|p| strict(&bytes(p)).unwrap())
        .collect();
    assert_eq!(inclusion_proof(&d, c.leaf_idx).unwrap(), want);
    assert_eq!(root_of(&d).as_slice(), bytes(&c.root).as_slice());
    assert_eq!(
        d[c.leaf_idx as usize].as_slice(),
        bytes(&c.leaf_hash).as_slice()
    );
}
