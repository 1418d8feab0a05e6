//! `zkgov prove zkey`, rapidsnark's `prover` command: its proofs of a circom
//! circuit (the fixture of `interop/make-zkey-fixture.sh`) verify with
//! `snarkjs groth16 verify` and with `zkgov verify --snarkjs-*`; malformed
//! files exit 2, a witness that does not satisfy the circuit exits 1.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{text, BIN};

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn fixture(name: &str) -> PathBuf {
    repo().join("groth16/tests/fixtures/nullifier").join(name)
}

fn run(args: &[&Path]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn prove(dir: &Path, zkey: &Path, wtns: &Path) -> Output {
    run(&[
        Path::new("prove"),
        Path::new("zkey"),
        zkey,
        wtns,
        &dir.join("proof.json"),
        &dir.join("public.json"),
    ])
}

/// `interop/snarkjs-verify.sh` exit status, or None when the node packages
/// are missing and the run does not require them (`ZKGOV_REQUIRE_NODE`).
fn snarkjs_verify(vk: &Path, public: &Path, proof: &Path) -> Option<i32> {
    let cli = repo().join("interop/node_modules/snarkjs/build/cli.cjs");
    if !cli.exists() {
        assert!(
            std::env::var_os("ZKGOV_REQUIRE_NODE").is_none(),
            "snarkjs is required (run `npm ci --prefix interop`)"
        );
        eprintln!("SKIPPED snarkjs check: run `npm ci --prefix interop`");
        return None;
    }
    let o = Command::new("bash")
        .arg(repo().join("interop/snarkjs-verify.sh"))
        .args([vk, public, proof])
        .output()
        .unwrap();
    Some(o.status.code().unwrap())
}

#[test]
fn proofs_verify_with_snarkjs_and_zkgov() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let o = prove(dir, &fixture("nullifier.zkey"), &fixture("nullifier.wtns"));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let public: Vec<String> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("public.json")).unwrap()).unwrap();
    assert_eq!(public.len(), 3);
    assert_eq!(public[2], "42");
    let vk = fixture("verification_key.json");
    let o = run(&[
        Path::new("verify"),
        Path::new("--snarkjs-vk"),
        &vk,
        Path::new("--snarkjs-proof"),
        &dir.join("proof.json"),
        Path::new("--snarkjs-public"),
        &dir.join("public.json"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    if let Some(code) = snarkjs_verify(&vk, &dir.join("public.json"), &dir.join("proof.json")) {
        assert_eq!(code, 0, "snarkjs refused a zkgov proof");
        // And snarkjs refuses it for other public signals (the check is live).
        let mut tampered = public.clone();
        tampered[2] = "43".into();
        let path = dir.join("tampered.json");
        std::fs::write(&path, serde_json::to_string(&tampered).unwrap()).unwrap();
        assert_eq!(snarkjs_verify(&vk, &path, &dir.join("proof.json")), Some(1));
    }
}

#[test]
fn malformed_files_exit_2_and_a_false_witness_exits_1() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let zkey = std::fs::read(fixture("nullifier.zkey")).unwrap();
    let wtns = std::fs::read(fixture("nullifier.wtns")).unwrap();

    let cut = dir.join("cut.zkey");
    std::fs::write(&cut, &zkey[..zkey.len() / 2]).unwrap();
    let o = prove(dir, &cut, &fixture("nullifier.wtns"));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("zkey"), "{}", text(&o));

    let o = prove(dir, &fixture("nullifier.wtns"), &fixture("nullifier.zkey"));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));

    let o = prove(dir, &dir.join("missing.zkey"), &fixture("nullifier.wtns"));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));

    // The last wire plus one: a witness the circuit does not accept.
    let mut bad = wtns.clone();
    let n = bad.len();
    bad[n - 32] ^= 1;
    let path = dir.join("bad.wtns");
    std::fs::write(&path, &bad).unwrap();
    let o = prove(dir, &fixture("nullifier.zkey"), &path);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("does not satisfy"), "{}", text(&o));
    assert!(!dir.join("proof.json").exists());
}
