//! The `zkgov` command line end to end: setup, registry, holder, prove,
//! verify (exit codes 0 / 1 / 2), snarkjs in both directions, hash, demo.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{code, p, text, zkgov, BIN};

use std::{
    path::{Path, PathBuf},
    process::Command,
};

const DEPTH: &str = "5";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// `interop/snarkjs-verify.sh` exit status, or None when node packages are
/// missing and the run does not require them.
fn snarkjs_verify(dir: &Path, public: &str) -> Option<i32> {
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
        .args([
            dir.join("verification_key.json"),
            dir.join(public),
            dir.join("proof.json"),
        ])
        .output()
        .unwrap();
    Some(o.status.code().unwrap())
}

struct World {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    keys: PathBuf,
}

fn world() -> World {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let keys = dir.join("keys");
    let o = zkgov(&["setup", "--depth", DEPTH, "--keys", p(&keys)]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(text(&o).contains("INSECURE"));
    World {
        _tmp: tmp,
        dir,
        keys,
    }
}

#[test]
fn prove_verify_export_and_exit_codes() {
    let w = world();
    let holder = w.dir.join("holder.json");
    let o = zkgov(&["holder", "new", "--out", p(&holder)]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let commitment = String::from_utf8(o.stdout).unwrap().trim().to_string();
    let secret_file = std::fs::read_to_string(&holder).unwrap();
    let secret: serde_json::Value = serde_json::from_str(&secret_file).unwrap();
    let secret = secret["owner_secret"].as_str().unwrap().to_string();
    // A second holder file never overwrites the first.
    assert_ne!(code(&zkgov(&["holder", "new", "--out", p(&holder)])), 0);

    let csv = format!(
        "owner_commitment,district,area_m2\n{commitment},7,640\n11,3,100\n12,7,90\n13,9,1200\n"
    );
    let records = w.dir.join("records.csv");
    std::fs::write(&records, csv).unwrap();
    let registry = w.dir.join("registry.json");
    let o = zkgov(&[
        "registry",
        "--records",
        p(&records),
        "--depth",
        DEPTH,
        "--out",
        p(&registry),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let root = String::from_utf8(o.stdout).unwrap().trim().to_string();

    let policy = w.dir.join("policy.json");
    std::fs::write(
        &policy,
        r#"{"version":1,"clauses":[{"field":"district","op":"=","value":7},{"field":"area_m2","op":">=","value":500},{"field":"area_m2","op":"disclose"}]}"#,
    )
    .unwrap();
    let bundle = w.dir.join("bundle.json");
    let context = "987654321";
    let o = zkgov(&[
        "prove",
        "record",
        "--registry",
        p(&registry),
        "--holder",
        p(&holder),
        "--policy",
        p(&policy),
        "--unregistered-scope",
        "label:parcel-check",
        "--context",
        context,
        "--keys",
        p(&w.keys),
        "--out",
        p(&bundle),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let bundle_text = std::fs::read_to_string(&bundle).unwrap();
    assert!(
        !text(&o).contains(&secret) && !bundle_text.contains(&secret),
        "secret leaked"
    );

    // Plain verification, then the agency's full check.
    let o = zkgov(&["verify", "--bundle", p(&bundle), "--keys", p(&w.keys)]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let agency = |ctx: &str, root: &str| {
        zkgov(&[
            "verify",
            "--bundle",
            p(&bundle),
            "--keys",
            p(&w.keys),
            "--policy",
            p(&policy),
            "--schema",
            "district,area_m2",
            "--root",
            root,
            "--scope",
            "label:parcel-check",
            "--context",
            ctx,
        ])
    };
    let o = agency(context, &root);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(text(&o).contains("disclosed area_m2 = 640"), "{}", text(&o));
    assert_eq!(
        code(&agency("1", &root)),
        1,
        "replayed context must be refused"
    );
    assert_eq!(code(&agency(context, "5")), 1, "other root must be refused");
    assert_eq!(
        code(&agency("-1", &root)),
        2,
        "non-canonical context is malformed"
    );

    // Tampered public input: invalid (1). Garbage: malformed (2).
    let mut v: serde_json::Value = serde_json::from_str(&bundle_text).unwrap();
    v["public_inputs"][2] = "641".into();
    let tampered = w.dir.join("tampered.json");
    std::fs::write(&tampered, v.to_string()).unwrap();
    let o = zkgov(&["verify", "--bundle", p(&tampered), "--keys", p(&w.keys)]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    v["public_inputs"][2] = "0641".into();
    std::fs::write(&tampered, v.to_string()).unwrap();
    assert_eq!(
        code(&zkgov(&[
            "verify",
            "--bundle",
            p(&tampered),
            "--keys",
            p(&w.keys)
        ])),
        2
    );
    std::fs::write(&tampered, "{\"format\":\"zkgov-bundle\"").unwrap();
    assert_eq!(
        code(&zkgov(&[
            "verify",
            "--bundle",
            p(&tampered),
            "--keys",
            p(&w.keys)
        ])),
        2
    );

    // A holder not in the registry cannot prove.
    let stranger = w.dir.join("stranger.json");
    assert_eq!(code(&zkgov(&["holder", "new", "--out", p(&stranger)])), 0);
    let o = zkgov(&[
        "prove",
        "record",
        "--registry",
        p(&registry),
        "--holder",
        p(&stranger),
        "--policy",
        p(&policy),
        "--unregistered-scope",
        "1",
        "--context",
        "1",
        "--keys",
        p(&w.keys),
        "--out",
        p(&w.dir.join("x.json")),
    ]);
    assert_ne!(code(&o), 0);

    // Our proof, exported, verifies in snarkjs; a tampered public input does not.
    let out = w.dir.join("snarkjs");
    let o = zkgov(&[
        "export",
        "snarkjs",
        "--bundle",
        p(&bundle),
        "--keys",
        p(&w.keys),
        "--out",
        p(&out),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let o = zkgov(&[
        "verify",
        "--snarkjs-vk",
        p(&out.join("verification_key.json")),
        "--snarkjs-proof",
        p(&out.join("proof.json")),
        "--snarkjs-public",
        p(&out.join("public.json")),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let mut public: Vec<String> =
        serde_json::from_str(&std::fs::read_to_string(out.join("public.json")).unwrap()).unwrap();
    public[5] = "1".into(); // `context`
    std::fs::write(
        out.join("tampered_public.json"),
        serde_json::to_string(&public).unwrap(),
    )
    .unwrap();
    if let Some(ok) = snarkjs_verify(&out, "public.json") {
        assert_eq!(ok, 0, "snarkjs refused our proof");
        assert_eq!(snarkjs_verify(&out, "tampered_public.json"), Some(1));
    }
}

#[test]
fn snarkjs_fixture_verifies_with_zkgov_verify() {
    let fx = repo().join("verifier/tests/fixtures/snarkjs");
    let run = |public: &str| {
        zkgov(&[
            "verify",
            "--snarkjs-vk",
            p(&fx.join("verification_key.json")),
            "--snarkjs-proof",
            p(&fx.join("proof.json")),
            "--snarkjs-public",
            p(&fx.join(public)),
        ])
    };
    assert_eq!(code(&run("public.json")), 0);
    assert_eq!(code(&run("tampered_public.json")), 1);
    assert_eq!(code(&run("input.json")), 2, "not a public.json");
}

#[test]
fn hash_poseidon_prints_circomlib_values() {
    let o = zkgov(&["hash", "poseidon", "1", "2"]);
    assert_eq!(code(&o), 0);
    assert_eq!(
        String::from_utf8(o.stdout).unwrap().trim(),
        "7853200120776062878684798364095072458815029376092732009249414926327459813530"
    );
    assert_eq!(code(&zkgov(&["hash", "poseidon", "-1"])), 2);
    let many: Vec<String> = (0..17).map(|i| i.to_string()).collect();
    let mut args = vec!["hash", "poseidon"];
    args.extend(many.iter().map(String::as_str));
    assert_eq!(code(&zkgov(&args)), 2);
}

#[test]
fn demo_runs_end_to_end() {
    let tmp = tempfile::tempdir().unwrap();
    let o = zkgov(&[
        "demo",
        "--data-dir",
        p(tmp.path()),
        "--records",
        "200",
        "--depth",
        "8",
        "--voters",
        "30",
    ]);
    let t = text(&o);
    assert_eq!(code(&o), 0, "{t}");
    let (records, identity) = t.split_once("part 2").unwrap();
    assert!(records.contains("VALID"), "{t}");
    assert_eq!(records.matches(": refused (").count(), 5, "{t}");
    assert!(!t.contains("!!"), "{t}");
    assert!(records.contains("receipt checked offline"), "{t}");
    assert!(
        records.contains("the ledger refuses a second application"),
        "{t}"
    );
    // The benefits office: a signed request, checked by the resident, one
    // valid proof disclosing only the region; the borrowed scope, revoked,
    // expired and replayed cases refused; the proof anchored, private on
    // the ledger, audited, and in the resident's presentation log.
    assert!(identity.contains("VALID"), "{t}");
    assert!(identity.contains("signed request: agency benefits-"), "{t}");
    assert!(identity.contains("derives the scope Poseidon"), "{t}");
    assert!(identity.contains("refused before proving"), "{t}");
    assert!(identity.contains("- disclosed region = \"north\""), "{t}");
    assert!(
        identity.contains("not in it: the region, the birth date, the salt (checked)"),
        "{t}"
    );
    assert!(identity.contains("0 failures"), "{t}");
    assert!(
        identity.contains("asked adult-resident-north: disclosed region = \"north\""),
        "{t}"
    );
    assert!(identity.contains("Bob (revoked) cannot prove"), "{t}");
    assert!(identity.contains("superseded root"), "{t}");
    assert!(
        identity.contains(
            "cannot prove: witness does not satisfy the statement: the credential is expired"
        ),
        "{t}"
    );
    assert!(
        identity.contains("replayed in another session: refused"),
        "{t}"
    );
    let (identity, election) = identity.split_once("part 3").unwrap();
    assert_eq!(identity.matches(": refused (").count(), 2, "{t}");
    assert!(identity.contains("anchored: entry"), "{t}");
    // The election: three refusals with their codes, a tally, the audit.
    assert!(election.contains("refused (nullifier-used)"), "{t}");
    assert_eq!(
        election.matches("refused (invalid-proof)").count(),
        2,
        "{t}"
    );
    assert!(election.contains("range proof does not verify"), "{t}");
    assert!(election.contains("matches the votes cast"), "{t}");
    assert!(election.contains("all pass"), "{t}");
    // Second run reuses the pinned keys.
    let o = zkgov(&[
        "demo",
        "--data-dir",
        p(tmp.path()),
        "--records",
        "50",
        "--depth",
        "8",
        "--voters",
        "12",
    ]);
    assert_eq!(code(&o), 0);
    assert!(text(&o).contains("keys loaded"));
}

#[test]
fn ledger_serve_answers_over_http() {
    use std::io::{BufRead, BufReader};
    let tmp = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args([
            "ledger",
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--data-dir",
            p(&tmp.path().join("ledger")),
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .to_string();
    let vkey = line.split_whitespace().last().unwrap().to_string();
    let note = ureq::get(&format!("{url}/v1/checkpoint"))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    let log = zkgov_verifier::log::NoteVerifier::from_vkey(&vkey).unwrap();
    let cp = zkgov_verifier::log::verify_checkpoint(note.as_bytes(), &[log]).unwrap();
    assert_eq!(cp.checkpoint.size, 1);
    let r = ureq::post(&format!("{url}/v1/entries")).send_string("{}");
    assert!(matches!(r, Err(ureq::Error::Status(400, _))));
    // A receipt fetched from the server checks offline with the log key.
    let receipt = ureq::get(&format!("{url}/v1/receipts/0"))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    let path = tmp.path().join("receipt.json");
    std::fs::write(&path, &receipt).unwrap();
    let o = zkgov(&[
        "receipt",
        "verify",
        "--receipt",
        p(&path),
        "--log-key",
        &vkey,
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(text(&o).contains("genesis"));
    let other = "zkgov.local/ledger+00000000+AUNQRVJfSU5WQUxJRF9LRVlfRk9SX1RFU1RTX19fX19fX18=";
    assert_ne!(
        code(&zkgov(&[
            "receipt",
            "verify",
            "--receipt",
            p(&path),
            "--log-key",
            other
        ])),
        0
    );
    let mut v: serde_json::Value = serde_json::from_str(&receipt).unwrap();
    v["index"] = 1.into();
    std::fs::write(&path, v.to_string()).unwrap();
    assert_ne!(
        code(&zkgov(&[
            "receipt",
            "verify",
            "--receipt",
            p(&path),
            "--log-key",
            &vkey
        ])),
        0
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn demo_anchors_on_a_served_ledger() {
    use std::io::{BufRead, BufReader};
    let tmp = tempfile::tempdir().unwrap();
    let (keys, genesis) = (
        tmp.path().join("keys.json"),
        tmp.path().join("genesis.json"),
    );
    let o = zkgov(&[
        "ledger",
        "demo-authorities",
        "--keys-out",
        p(&keys),
        "--genesis-out",
        p(&genesis),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let mut child = Command::new(BIN)
        .args([
            "ledger",
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--data-dir",
            p(&tmp.path().join("ledger")),
        ])
        .args(["--genesis", p(&genesis)])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .to_string();
    // An issuer revokes and the accreditation authority republishes, each
    // anchoring its root with its ledger key.
    let d = tmp.path();
    let (ikey, ireg) = (d.join("issuer.key.json"), d.join("issuer.register.json"));
    let o = zkgov(&[
        "issuer",
        "keygen",
        "--key-out",
        p(&ikey),
        "--register-out",
        p(&ireg),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let schema = d.join("schema.json");
    std::fs::write(
        &schema,
        r#"{"version":1,"id":"x/v1","attributes":[{"name":"n","type":"integer"}]}"#,
    )
    .unwrap();
    let attrs = d.join("attrs.json");
    std::fs::write(&attrs, r#"{"n":5}"#).unwrap();
    for cred in ["cred0.json", "cred1.json"] {
        let o = zkgov(&[
            "issue",
            "--key",
            p(&ikey),
            "--register",
            p(&ireg),
            "--schema",
            p(&schema),
            "--attributes",
            p(&attrs),
            "--holder-commitment",
            "7",
            "--expires",
            "2099-01-01",
            "--out",
            p(&d.join(cred)),
        ]);
        assert_eq!(code(&o), 0, "{}", text(&o));
    }
    let o = zkgov(&[
        "revoke",
        "--register",
        p(&ireg),
        "--nonce",
        "0",
        "--ledger",
        &url,
        "--authority-keys",
        p(&keys),
        "--authority",
        "civil-registry",
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(
        text(&o).contains("revocation root anchored as ledger entry"),
        "{}",
        text(&o)
    );
    let o = zkgov(&[
        "accredit",
        "--list",
        p(&d.join("list.json")),
        "--register",
        p(&ireg),
        "--name",
        "civil-registry",
        "--ledger",
        &url,
        "--authority-keys",
        p(&keys),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(
        text(&o).contains("accredited-issuer root anchored as ledger entry"),
        "{}",
        text(&o)
    );
    // The land registry is not an issuer on this ledger: the anchor is
    // refused and the register keeps its state, so the revocation can be retried.
    let o = zkgov(&[
        "revoke",
        "--register",
        p(&ireg),
        "--nonce",
        "1",
        "--ledger",
        &url,
        "--authority-keys",
        p(&keys),
        "--authority",
        "land-registry",
    ]);
    assert_ne!(code(&o), 0, "{}", text(&o));
    let reg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&ireg).unwrap()).unwrap();
    assert_eq!(reg["revoked"], serde_json::json!([0]));
    let o = zkgov(&[
        "demo",
        "--data-dir",
        p(tmp.path()),
        "--records",
        "100",
        "--depth",
        "8",
        "--voters",
        "30",
        "--ledger",
        &url,
        "--authority-keys",
        p(&keys),
    ]);
    let t = text(&o);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(code(&o), 0, "{t}");
    assert!(t.contains(&format!("ledger at {url}")), "{t}");
    assert!(t.contains("receipt checked offline"), "{t}");
    assert!(
        t.contains("nullifier already used in this scope (entry 5)"),
        "{t}"
    );
}

#[test]
fn identity_issue_accredit_prove_verify_revoke() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let keys = d.join("keys");
    let o = zkgov(&["setup", "--statement", "identity", "--keys", p(&keys)]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(text(&o).contains("zkgov/identity/v2"), "{}", text(&o));
    let (ikey, ireg) = (d.join("issuer.key.json"), d.join("issuer.register.json"));
    let o = zkgov(&[
        "issuer",
        "keygen",
        "--key-out",
        p(&ikey),
        "--register-out",
        p(&ireg),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let issuer_id = String::from_utf8_lossy(&o.stdout).trim().to_string();
    // Keys are never overwritten.
    assert_ne!(
        code(&zkgov(&[
            "issuer",
            "keygen",
            "--key-out",
            p(&ikey),
            "--register-out",
            p(&d.join("r2"))
        ])),
        0
    );
    let holder = d.join("holder.json");
    let o = zkgov(&["holder", "new", "--out", p(&holder)]);
    let commitment = String::from_utf8_lossy(&o.stdout).trim().to_string();
    let schema = d.join("schema.json");
    std::fs::write(
        &schema,
        r#"{"version":1,"id":"gov.example/resident-id/v1","attributes":[
        {"name":"birth_date","type":"date"},
        {"name":"region","type":"code","codes":{"north":1,"south":2}}]}"#,
    )
    .unwrap();
    let attrs = d.join("attrs.json");
    std::fs::write(&attrs, r#"{"birth_date":"2000-02-29","region":"north"}"#).unwrap();
    let cred = d.join("cred.json");
    let issue = |out: &Path| {
        zkgov(&[
            "issue",
            "--key",
            p(&ikey),
            "--register",
            p(&ireg),
            "--schema",
            p(&schema),
            "--attributes",
            p(&attrs),
            "--holder-commitment",
            &commitment,
            "--issued",
            "2010-01-01",
            "--expires",
            "2030-12-31",
            "--out",
            p(out),
        ])
    };
    let o = issue(&cred);
    assert_eq!(code(&o), 0, "{}", text(&o));
    // The credential is the citizen's personal data: owner-only, never
    // overwritten, and a refused issue spends no revocation nonce.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&cred).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let next_nonce = || {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&ireg).unwrap()).unwrap();
        v["next_nonce"].as_u64().unwrap()
    };
    let (before, first) = (next_nonce(), std::fs::read(&cred).unwrap());
    let o = issue(&cred);
    assert_ne!(code(&o), 0, "{}", text(&o));
    assert!(text(&o).contains("exists"), "{}", text(&o));
    assert_eq!(
        (next_nonce(), std::fs::read(&cred).unwrap()),
        (before, first)
    );
    let list = d.join("accredited.json");
    let o = zkgov(&[
        "accredit",
        "--list",
        p(&list),
        "--register",
        p(&ireg),
        "--name",
        "civil-registry",
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let root = String::from_utf8_lossy(&o.stdout).trim().to_string();
    let policy = d.join("adult-north.json");
    std::fs::write(
        &policy,
        r#"{"version":1,"schema":"gov.example/resident-id/v1","clauses":[
        {"field":"birth_date","op":"age>=","years":18},
        {"field":"region","op":"=","value":"north"},
        {"field":"region","op":"disclose"}]}"#,
    )
    .unwrap();
    let bundle = d.join("bundle.json");
    let prove = |today: &str, out: &Path| {
        zkgov(&[
            "prove",
            "identity",
            "--credential",
            p(&cred),
            "--holder",
            p(&holder),
            "--issuers",
            p(&list),
            "--policy",
            p(&policy),
            "--today",
            today,
            "--unregistered-scope",
            "label:benefits",
            "--context",
            "4242",
            "--keys",
            p(&keys),
            "--out",
            p(out),
        ])
    };
    // Born on 29 February 2000: 18 on 1 March 2018 in the common year, not on 28 February.
    let o = prove("2018-02-28", &bundle);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(
        text(&o).contains("attribute 0 does not satisfy the policy"),
        "{}",
        text(&o)
    );
    let o = prove("2026-11-25", &bundle);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let verify = |root: &str, context: &str, today: &str| {
        zkgov(&[
            "verify",
            "--bundle",
            p(&bundle),
            "--keys",
            p(&keys),
            "--policy",
            p(&policy),
            "--credential-schema",
            p(&schema),
            "--root",
            root,
            "--scope",
            "label:benefits",
            "--context",
            context,
            "--today",
            today,
        ])
    };
    let o = verify(&root, "4242", "2026-11-25");
    assert_eq!(code(&o), 0, "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("disclosed region = \"north\""), "{t}");
    assert!(t.contains("not revealed"), "{t}");
    assert!(!t.contains("birth"), "{t}");
    // Another session, another day: refused (mismatch, exit 1).
    assert_eq!(code(&verify(&root, "4243", "2026-11-25")), 1);
    assert_eq!(code(&verify(&root, "4242", "2026-11-26")), 1);
    // The identity proof, exported, verifies in snarkjs too.
    let out = d.join("snarkjs");
    let o = zkgov(&[
        "export",
        "snarkjs",
        "--bundle",
        p(&bundle),
        "--keys",
        p(&keys),
        "--out",
        p(&out),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    if let Some(ok) = snarkjs_verify(&out, "public.json") {
        assert_eq!(ok, 0);
    }
    // A policy requiring another issuer is refused; one requiring this issuer holds.
    std::fs::write(&policy, format!(r#"{{"version":1,"schema":"gov.example/resident-id/v1","issuer":"{issuer_id}","clauses":[
        {{"field":"birth_date","op":"age>=","years":18}}]}}"#)).unwrap();
    let o = prove("2026-11-25", &bundle);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let o = verify(&root, "4242", "2026-11-25");
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(text(&o).contains(&issuer_id), "{}", text(&o));
    // An edited credential file is refused (its signature no longer verifies).
    let edited = std::fs::read_to_string(&cred)
        .unwrap()
        .replace("2000-02-29", "1990-02-28");
    let bad = d.join("edited.json");
    std::fs::write(&bad, edited).unwrap();
    let o = zkgov(&["revoke", "--register", p(&ireg), "--credential", p(&bad)]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    // Revocation: the register changes, the accredited root changes, proving fails.
    let o = zkgov(&["revoke", "--register", p(&ireg), "--credential", p(&cred)]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert_ne!(
        code(&zkgov(&["revoke", "--register", p(&ireg), "--nonce", "0"])),
        0
    );
    assert_eq!(
        code(&zkgov(&["revoke", "--register", p(&ireg), "--nonce", "9"])),
        2
    );
    let o = zkgov(&[
        "accredit",
        "--list",
        p(&list),
        "--register",
        p(&ireg),
        "--name",
        "civil-registry",
    ]);
    let new_root = String::from_utf8_lossy(&o.stdout).trim().to_string();
    assert_ne!(new_root, root);
    let o = prove("2026-11-25", &d.join("again.json"));
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("revoked"), "{}", text(&o));
    // The old bundle does not pass against the new root.
    assert_eq!(code(&verify(&new_root, "4242", "2026-11-25")), 1);
}
