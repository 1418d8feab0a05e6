//! snarkjs `.zkey` and circom `.wtns` files: a fixture made by
//! `interop/make-zkey-fixture.sh` (circuit `interop/circuits/nullifier.circom`)
//! proves and verifies; every malformed or truncated file, and a witness that
//! does not satisfy the circuit, is refused with a typed error, never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ark_bn254::Fr;
use ark_ff::{BigInteger, PrimeField};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkgov_groth16::{read_wtns, CircomProver, ErrorKind, FileKind, Groth16Error, Zkey};
use zkgov_verifier::{poseidon::hash, snarkjs::read_verifying_key};

const ZKEY: &[u8] = include_bytes!("fixtures/nullifier/nullifier.zkey");
const WTNS: &[u8] = include_bytes!("fixtures/nullifier/nullifier.wtns");
const VK_JSON: &str = include_str!("fixtures/nullifier/verification_key.json");

fn prover() -> CircomProver {
    CircomProver::new(Zkey::from_bytes(ZKEY).unwrap()).unwrap()
}

#[test]
fn fixture_proves_and_verifies() {
    let zkey = Zkey::from_bytes(ZKEY).unwrap();
    assert_eq!((zkey.num_public(), zkey.domain_size()), (3, 512));
    // The key inside the zkey is the one snarkjs exports.
    let vk = read_verifying_key(VK_JSON).unwrap();
    assert_eq!(zkey.verifying_key().digest(), vk.digest());
    let p = CircomProver::new(zkey).unwrap();
    let w = read_wtns(WTNS).unwrap();
    let public = p.public_signals(&w).unwrap().to_vec();
    let (secret, scope) = (Fr::from(123456789u64), Fr::from(42u64));
    assert_eq!(public, vec![hash(&[scope, secret]), hash(&[secret]), scope]);
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let proof = p.prove(&w, &mut rng).unwrap();
    vk.verify(&proof, &public).unwrap();
    // Deterministic in (r, s); no blinding still verifies; window tables
    // give the same proof.
    let (r, s) = (Fr::from(7u64), Fr::from(9u64));
    let tabled = p.clone().with_tables(zkgov_groth16::DEFAULT_TABLE_BUDGET);
    assert!(tabled.table_bytes() > 0);
    assert_eq!(
        tabled.prove_with(&w, r, s).unwrap(),
        p.prove_with(&w, r, s).unwrap()
    );
    assert_eq!(
        p.prove_with(&w, r, s).unwrap(),
        p.prove_with(&w, r, s).unwrap()
    );
    let zero = Fr::from(0u64);
    vk.verify(&p.prove_with(&w, zero, zero).unwrap(), &public)
        .unwrap();
}

#[test]
fn a_witness_that_does_not_satisfy_the_circuit_is_refused() {
    let p = prover();
    let good = read_wtns(WTNS).unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    // A private wire, a public one, and the last wire.
    for i in [5, 1, good.len() - 1] {
        let mut w = good.clone();
        w[i] += Fr::from(1u64);
        let e = p.prove(&w, &mut rng).unwrap_err();
        assert_eq!(e, Groth16Error::Unsatisfied, "wire {i}");
        assert_eq!(e.kind(), ErrorKind::Invalid);
    }
    let mut w = good.clone();
    w[0] = Fr::from(2u64);
    assert!(matches!(
        p.prove(&w, &mut rng),
        Err(Groth16Error::WitnessShape(_))
    ));
    let mut w = good.clone();
    w.pop();
    assert!(matches!(
        p.prove(&w, &mut rng),
        Err(Groth16Error::WitnessShape(_))
    ));
    w.push(Fr::from(0u64));
    w.push(Fr::from(0u64));
    assert!(matches!(
        p.public_signals(&w),
        Err(Groth16Error::WitnessShape(_))
    ));
}

/// Byte offsets of the sections: (type, start of body, length).
fn sections(bytes: &[u8]) -> Vec<(u32, usize, usize)> {
    let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap());
    let mut out = Vec::new();
    let mut pos = 12;
    for _ in 0..u32_at(8) {
        let ty = u32_at(pos);
        let len = u64::from_le_bytes(bytes[pos + 4..pos + 12].try_into().unwrap()) as usize;
        out.push((ty, pos + 12, len));
        pos += 12 + len;
    }
    out
}

fn body(bytes: &[u8], ty: u32) -> (usize, usize) {
    let (_, start, len) = sections(bytes).into_iter().find(|s| s.0 == ty).unwrap();
    (start, len)
}

fn edit(bytes: &[u8], f: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut v = bytes.to_vec();
    f(&mut v);
    v
}

fn put(v: &mut [u8], at: usize, bytes: &[u8]) {
    v[at..at + bytes.len()].copy_from_slice(bytes);
}

fn le32(x: Fr) -> Vec<u8> {
    x.into_bigint().to_bytes_le()
}

#[test]
fn every_truncation_is_refused() {
    // Every prefix of the headers, and a stride through the rest.
    let zkey_cuts = (0..2000).chain((2000..ZKEY.len()).step_by(997));
    for n in zkey_cuts {
        let e = Zkey::from_bytes(&ZKEY[..n]).expect_err("accepted a truncated zkey");
        assert_eq!(e.kind(), ErrorKind::Malformed, "{n}: {e}");
    }
    for n in 0..WTNS.len() {
        read_wtns(&WTNS[..n]).expect_err("accepted a truncated wtns");
    }
    // Trailing bytes too.
    let long = edit(ZKEY, |v| v.push(0));
    assert!(matches!(
        Zkey::from_bytes(&long),
        Err(Groth16Error::Header { .. })
    ));
    let long = edit(WTNS, |v| v.extend([0; 32]));
    assert!(read_wtns(&long).is_err());
}

#[test]
fn malformed_zkeys_are_refused() {
    let q_bytes = ark_bn254::Fq::MODULUS.to_bytes_le();
    let (h2, _) = body(ZKEY, 2);
    let (h4, _) = body(ZKEY, 4);
    let (h5, _) = body(ZKEY, 5);
    let (h7, _) = body(ZKEY, 7);
    // Section 2 layout: n8q, q, n8r, r, nVars, nPublic, domainSize, points.
    let n_vars_at = h2 + 4 + 32 + 4 + 32;
    let alpha_at = n_vars_at + 12;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("magic", edit(ZKEY, |v| v[0] = b'x')),
        ("version", edit(ZKEY, |v| v[4] = 2)),
        (
            "protocol",
            edit(ZKEY, |v| put(v, body(ZKEY, 1).0, &[2, 0, 0, 0])),
        ),
        ("q", edit(ZKEY, |v| v[h2 + 4] ^= 1)),
        ("r", edit(ZKEY, |v| v[h2 + 4 + 32 + 4] ^= 1)),
        ("n8q", edit(ZKEY, |v| v[h2] = 48)),
        (
            "nPublic >= nVars",
            edit(ZKEY, |v| put(v, n_vars_at + 4, &u32::MAX.to_le_bytes())),
        ),
        (
            "nVars smaller",
            edit(ZKEY, |v| put(v, n_vars_at, &3u32.to_le_bytes())),
        ),
        (
            "domain not a power of two",
            edit(ZKEY, |v| put(v, n_vars_at + 8, &511u32.to_le_bytes())),
        ),
        (
            "domain 2^31",
            edit(ZKEY, |v| put(v, n_vars_at + 8, &(1u32 << 31).to_le_bytes())),
        ),
        ("alpha x >= q", edit(ZKEY, |v| put(v, alpha_at, &q_bytes))),
        ("alpha off curve", edit(ZKEY, |v| v[alpha_at] ^= 1)),
        ("alpha identity", edit(ZKEY, |v| put(v, alpha_at, &[0; 64]))),
        ("A[1] off curve", edit(ZKEY, |v| v[h5 + 64] ^= 1)),
        ("B2[1] off curve", edit(ZKEY, |v| v[h7 + 128] ^= 1)),
        (
            "coef matrix 2",
            edit(ZKEY, |v| put(v, h4 + 4, &2u32.to_le_bytes())),
        ),
        (
            "coef constraint past the domain",
            edit(ZKEY, |v| put(v, h4 + 8, &512u32.to_le_bytes())),
        ),
        (
            "coef signal past nVars",
            edit(ZKEY, |v| put(v, h4 + 12, &u32::MAX.to_le_bytes())),
        ),
        (
            "coef value >= r",
            edit(ZKEY, |v| put(v, h4 + 16, &Fr::MODULUS.to_bytes_le())),
        ),
        (
            "nCoefs + 1",
            edit(ZKEY, |v| {
                let n = u32::from_le_bytes(v[h4..h4 + 4].try_into().unwrap());
                put(v, h4, &(n + 1).to_le_bytes());
            }),
        ),
        (
            "section length past the end",
            edit(ZKEY, |v| {
                let (_, start, _) = sections(ZKEY)[0];
                put(v, start - 8, &u64::MAX.to_le_bytes());
            }),
        ),
        (
            "section 5 retyped as 3 (duplicate, 5 missing)",
            edit(ZKEY, |v| put(v, h5 - 12, &3u32.to_le_bytes())),
        ),
        (
            "section 9 retyped as unknown (missing)",
            edit(ZKEY, |v| put(v, body(ZKEY, 9).0 - 12, &77u32.to_le_bytes())),
        ),
        (
            "no sections",
            edit(ZKEY, |v| {
                put(v, 8, &0u32.to_le_bytes());
            }),
        ),
    ];
    for (what, bytes) in cases {
        let e = Zkey::from_bytes(&bytes).expect_err(what);
        assert_eq!(e.kind(), ErrorKind::Malformed, "{what}: {e}");
        if what.starts_with("magic") || what.starts_with("version") {
            assert!(e.to_string().contains("zkey"), "{what}: {e}");
        }
    }
}

#[test]
fn keys_without_a_phase_2_contribution_are_refused() {
    // gamma_2 = delta_2 (snarkjs' key before `zkey contribute`).
    let (h2, _) = body(ZKEY, 2);
    let points = h2 + 4 + 32 + 4 + 32 + 12;
    let gamma = points + 64 + 64 + 128;
    let delta2 = gamma + 128 + 64;
    let bytes = edit(ZKEY, |v| {
        let g: Vec<u8> = v[gamma..gamma + 128].to_vec();
        put(v, delta2, &g);
    });
    assert!(matches!(
        Zkey::from_bytes(&bytes),
        Err(Groth16Error::Key(_))
    ));
}

#[test]
fn malformed_witnesses_are_refused() {
    let (h1, _) = body(WTNS, 1);
    let (h2, _) = body(WTNS, 2);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("magic", edit(WTNS, |v| v[0] = b'z')),
        ("version", edit(WTNS, |v| v[4] = 1)),
        ("prime", edit(WTNS, |v| v[h1 + 4] ^= 1)),
        ("n8", edit(WTNS, |v| v[h1] = 31)),
        ("count", edit(WTNS, |v| v[h1 + 36] ^= 1)),
        (
            "value >= r",
            edit(WTNS, |v| put(v, h2 + 32, &Fr::MODULUS.to_bytes_le())),
        ),
    ];
    for (what, bytes) in cases {
        let e = read_wtns(&bytes).expect_err(what);
        assert_eq!(e.kind(), ErrorKind::Malformed, "{what}: {e}");
        assert!(
            e.to_string().starts_with(&FileKind::Wtns.to_string()) || what == "count",
            "{what}: {e}"
        );
    }
    // A canonical witness of another key's size.
    let w = read_wtns(WTNS).unwrap();
    let mut shorter = WTNS[..h2].to_vec();
    let count_at = h1 + 36;
    put(
        &mut shorter,
        count_at,
        &((w.len() - 1) as u32).to_le_bytes(),
    );
    // Fix the section length too.
    put(
        &mut shorter,
        h2 - 8,
        &(((w.len() - 1) * 32) as u64).to_le_bytes(),
    );
    for x in &w[..w.len() - 1] {
        shorter.extend(le32(*x));
    }
    let w2 = read_wtns(&shorter).unwrap();
    assert!(matches!(
        prover().prove(&w2, &mut ChaCha20Rng::seed_from_u64(3)),
        Err(Groth16Error::WitnessShape(_))
    ));
}

/// A reader that fails after `left` bytes, as a disk or network error would.
struct FailingReader {
    inner: std::io::Cursor<&'static [u8]>,
    left: usize,
}

impl std::io::Read for FailingReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            return Err(std::io::Error::other("the disk went away"));
        }
        let n = buf.len().min(self.left);
        let got = self.inner.read(&mut buf[..n])?;
        self.left -= got;
        Ok(got)
    }
}

impl std::io::Seek for FailingReader {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}

#[test]
fn a_zkey_read_from_a_file_section_by_section_is_the_same_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nullifier.zkey");
    std::fs::write(&path, ZKEY).unwrap();
    let from_file = Zkey::from_reader(std::fs::File::open(&path).unwrap()).unwrap();
    let (r, s) = (Fr::from(3u64), Fr::from(5u64));
    let w = read_wtns(WTNS).unwrap();
    assert_eq!(
        CircomProver::new(from_file)
            .unwrap()
            .prove_with(&w, r, s)
            .unwrap(),
        prover().prove_with(&w, r, s).unwrap()
    );
    // A read error part way is a typed error, not a panic or a short key
    // (the last section, snarkjs' contributions, is never read).
    for left in [0, 11, 100, ZKEY.len() / 2] {
        let reader = FailingReader {
            inner: std::io::Cursor::new(ZKEY),
            left,
        };
        match Zkey::from_reader(reader) {
            Err(e @ Groth16Error::Io { .. }) => {
                assert_eq!(e.kind(), ErrorKind::Malformed);
                assert!(e.to_string().contains("the disk went away"), "{e}");
            }
            other => panic!("{left}: {:?}", other.map(|_| "a key")),
        }
    }
}
