//! The whole record flow on a served ledger, as the README's walkthrough
//! runs it, with no demo command anywhere: authorities, genesis, serve,
//! verifying key, registry root, holder, proof anchored, receipt checked.
//! And what a served ledger refuses, through the command line.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{ok, p, stdout, text, zkgov, BIN};

#[path = "../../ledger/tests/pg/mod.rs"]
mod pg;

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
};

const DEPTH: &str = "4";

/// A served ledger; killed when dropped.
struct Served {
    child: Child,
    url: String,
    log_key: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(args: &[&str]) -> Result<Served, String> {
    let mut child = Command::new(BIN)
        .args(["ledger", "serve", "--addr", "127.0.0.1:0"])
        .args(args)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    err.read_line(&mut line).unwrap();
    let Some(url) = line.split_whitespace().find(|w| w.starts_with("http://")) else {
        let mut rest = String::new();
        let _ = std::io::Read::read_to_string(&mut err, &mut rest);
        let _ = child.wait();
        return Err(format!("{line}{rest}"));
    };
    Ok(Served {
        url: url.to_string(),
        log_key: line.split_whitespace().last().unwrap().to_string(),
        child,
    })
}

#[test]
fn record_flow_on_a_served_ledger_from_first_command_to_receipt() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let f = |name: &str| d.join(name);
    let keys = f("keys");

    // The ledger admin and the land registry make their keys; the admin
    // writes the genesis naming both.
    ok(&[
        "authority",
        "keygen",
        "--name",
        "admin",
        "--role",
        "admin",
        "--key-out",
        p(&f("admin.key.json")),
        "--public-out",
        p(&f("admin.json")),
    ]);
    let t = ok(&[
        "authority",
        "keygen",
        "--name",
        "land-registry",
        "--role",
        "registry-authority",
        "--registry",
        "parcels",
        "--key-out",
        p(&f("land.key.json")),
        "--public-out",
        p(&f("land.json")),
    ]);
    assert!(t.contains("\"role\": \"registry-authority\""), "{t}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(f("land.key.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    ok(&[
        "ledger",
        "genesis",
        "--out",
        p(&f("genesis.json")),
        "--authority",
        p(&f("admin.json")),
    ]);
    ok(&[
        "ledger",
        "genesis",
        "--out",
        p(&f("genesis.json")),
        "--authority",
        p(&f("land.json")),
    ]);
    // A name given twice is refused.
    let o = zkgov(&[
        "ledger",
        "genesis",
        "--out",
        p(&f("genesis.json")),
        "--authority",
        p(&f("land.json")),
    ]);
    assert_ne!(o.status.code(), Some(0), "{}", text(&o));

    let ledger = serve(&[
        "--data-dir",
        p(&f("ledger")),
        "--genesis",
        p(&f("genesis.json")),
    ])
    .unwrap();
    let url = ledger.url.as_str();

    // Keys, registered by the admin.
    ok(&["setup", "--depth", DEPTH, "--keys", p(&keys)]);
    let o = zkgov(&[
        "ledger",
        "register-vk",
        "--ledger",
        url,
        "--authority-key",
        p(&f("admin.key.json")),
        "--statement",
        "record",
        "--depth",
        DEPTH,
        "--keys",
        p(&keys),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(stdout(&o), "1");
    // The land registry may not register keys.
    let o = zkgov(&[
        "ledger",
        "register-vk",
        "--ledger",
        url,
        "--authority-key",
        p(&f("land.key.json")),
        "--depth",
        DEPTH,
        "--keys",
        p(&keys),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("needs the admin role"), "{}", text(&o));

    // The citizen's secret; the registry with the citizen's parcel; its root published.
    let commitment = stdout(&zkgov(&["holder", "new", "--out", p(&f("me.json"))]));
    std::fs::write(
        f("parcels.csv"),
        format!("owner_commitment,district,area_m2,use_class\n{commitment},7,640,2\n11,3,90,1\n12,7,300,4\n"),
    )
    .unwrap();
    let root = stdout(&zkgov(&[
        "registry",
        "--records",
        p(&f("parcels.csv")),
        "--depth",
        DEPTH,
        "--out",
        p(&f("registry.json")),
    ]));
    let o = zkgov(&[
        "ledger",
        "publish-root",
        "--ledger",
        url,
        "--authority-key",
        p(&f("land.key.json")),
        "--registry",
        p(&f("registry.json")),
        "--receipt-out",
        p(&f("root.receipt.json")),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(stdout(&o), "2");
    ok(&[
        "receipt",
        "verify",
        "--receipt",
        p(&f("root.receipt.json")),
        "--log-key",
        &ledger.log_key,
    ]);
    // The same root again is a duplicate; an older epoch is stale: exit 1.
    let land_key = f("land.key.json");
    let publish = |more: &[&str]| {
        let mut args = vec![
            "ledger",
            "publish-root",
            "--ledger",
            url,
            "--authority-key",
            p(&land_key),
        ];
        args.extend_from_slice(more);
        zkgov(&args)
    };
    let registry = f("registry.json");
    let o = publish(&["--registry", p(&registry)]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("already published"), "{}", text(&o));
    let o = publish(&["--root", "5", "--leaf-count", "3", "--epoch", "1"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("epoch 1 is not after"), "{}", text(&o));

    // The office's policy and challenge; the citizen proves and anchors.
    std::fs::write(
        f("policy.json"),
        r#"{"version":1,"clauses":[{"field":"district","op":"=","value":7},{"field":"area_m2","op":">=","value":500},{"field":"use_class","op":"disclose"}]}"#,
    )
    .unwrap();
    let challenge = stdout(&zkgov(&["challenge"]));
    let prove = |out: &str| {
        zkgov(&[
            "prove",
            "record",
            "--registry",
            p(&f("registry.json")),
            "--holder",
            p(&f("me.json")),
            "--policy",
            p(&f("policy.json")),
            "--unregistered-scope",
            "label:housing-2026",
            "--context",
            &challenge,
            "--keys",
            p(&keys),
            "--out",
            p(&f(out)),
            "--ledger",
            url,
        ])
    };
    let o = prove("bundle.json");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("anchored as ledger entry 3"),
        "{}",
        text(&o)
    );
    let t = ok(&[
        "receipt",
        "verify",
        "--receipt",
        p(&f("bundle.receipt.json")),
        "--log-key",
        &ledger.log_key,
    ]);
    assert!(t.contains("proof-anchor"), "{t}");
    ok(&[
        "verify",
        "--bundle",
        p(&f("bundle.json")),
        "--keys",
        p(&keys),
        "--policy",
        p(&f("policy.json")),
        "--schema",
        "district,area_m2,use_class",
        "--root",
        &root,
        "--scope",
        "label:housing-2026",
        "--context",
        &challenge,
    ]);
    // The same citizen in the same scope again: refused by the ledger, the
    // reason said once.
    let o = prove("again.json");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains("nullifier already used in this scope (entry 3)"),
        "{t}"
    );
    assert_eq!(t.matches("nullifier already used").count(), 1, "{t}");
    assert!(t.contains("INVALID (nullifier-used)"), "{t}");

    // A further authority registered by the admin.
    ok(&[
        "authority",
        "keygen",
        "--name",
        "tax-office",
        "--role",
        "issuer",
        "--registry",
        "revocation/tax-office",
        "--key-out",
        p(&f("tax.key.json")),
        "--public-out",
        p(&f("tax.json")),
    ]);
    let o = zkgov(&[
        "ledger",
        "register-key",
        "--ledger",
        url,
        "--authority-key",
        p(&f("admin.key.json")),
        "--authority",
        p(&f("tax.json")),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(stdout(&o), "4");

    // Two agencies, each registered by the admin for its own scope label.
    for (name, label) in [
        ("housing-office", "housing-2027"),
        ("other-office", "other-2027"),
    ] {
        ok(&[
            "agency",
            "keygen",
            "--name",
            name,
            "--key-out",
            p(&f(&format!("{name}.key.json"))),
            "--public-out",
            p(&f(&format!("{name}.json"))),
        ]);
        ok(&[
            "ledger",
            "register-agency",
            "--ledger",
            url,
            "--authority-key",
            p(&f("admin.key.json")),
            "--agency",
            p(&f(&format!("{name}.json"))),
            "--scope",
            label,
        ]);
    }
    let request = |agency: &str, label: &str, out: &str, valid_for: &str| {
        zkgov(&[
            "agency",
            "request",
            "--key",
            p(&f(&format!("{agency}.key.json"))),
            "--ledger",
            url,
            "--statement",
            "record",
            "--policy",
            p(&f("policy.json")),
            "--policy-name",
            "housing-benefit",
            "--scope-label",
            label,
            "--valid-for",
            valid_for,
            "--out",
            p(&f(out)),
        ])
    };
    let prove_for = |req: &str, out: &str| {
        zkgov(&[
            "prove",
            "record",
            "--registry",
            p(&f("registry.json")),
            "--holder",
            p(&f("me.json")),
            "--request",
            p(&f(req)),
            "--keys",
            p(&keys),
            "--out",
            p(&f(out)),
            "--ledger",
            url,
        ])
    };
    // A request signed by the other office for the housing office's label
    // is refused before any proof is made.
    let o = request("other-office", "housing-2027", "borrowed.json", "600");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = prove_for("borrowed.json", "borrowed.bundle.json");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("is not registered for the scope label \"housing-2027\""),
        "{}",
        text(&o)
    );
    assert!(!f("borrowed.bundle.json").exists());
    // So is the same request relabelled as the housing office's: its
    // signature is not the housing office's.
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(f("borrowed.json")).unwrap()).unwrap();
    v["agency"] = "housing-office".into();
    std::fs::write(f("relabelled.json"), v.to_string()).unwrap();
    let o = prove_for("relabelled.json", "relabelled.bundle.json");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("not signed by the registered key"),
        "{}",
        text(&o)
    );
    assert!(!f("relabelled.bundle.json").exists());
    // An expired request is refused.
    let o = request("housing-office", "housing-2027", "short.json", "1");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let o = prove_for("short.json", "short.bundle.json");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("expired"), "{}", text(&o));
    assert!(!f("short.bundle.json").exists());

    // The housing office's own request: proven, anchored, checked by the
    // office with its request, and logged in the citizen's own files.
    let o = request("housing-office", "housing-2027", "request.json", "600");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = prove_for("request.json", "requested.bundle.json");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("presentation recorded"), "{}", text(&o));
    let t = ok(&[
        "verify",
        "--bundle",
        p(&f("requested.bundle.json")),
        "--keys",
        p(&keys),
        "--request",
        p(&f("request.json")),
        "--schema",
        "district,area_m2,use_class",
        "--root",
        &root,
    ]);
    assert!(t.contains("disclosed use_class = 2"), "{t}");
    let t = ok(&["holder", "presentations", "--holder", p(&f("me.json"))]);
    assert!(t.contains("housing-office asked housing-benefit"), "{t}");
    assert!(t.contains("use_class = 2"), "{t}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(f("me.json.presentations.jsonl"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // The auditor replays the whole log and re-verifies both anchored proofs.
    let t = ok(&["ledger", "audit", "--ledger", url]);
    assert!(
        t.contains("2 anchored proofs re-verified, 0 failures"),
        "{t}"
    );
}

#[test]
fn a_served_data_directory_keeps_its_genesis_key_and_lock() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("ledger");
    let first = serve(&["--data-dir", p(&data), "--origin", "zkgov.test/one"]).unwrap();
    // A second server on the same directory is refused while the first runs.
    let e = serve(&["--data-dir", p(&data)])
        .err()
        .expect("second server started");
    assert!(e.contains("in use"), "{e}");
    drop(first);
    // Restarted without --origin: the genesis's origin and key.
    let again = serve(&["--data-dir", p(&data)]).unwrap();
    assert!(
        again.log_key.starts_with("zkgov.test/one+"),
        "{}",
        again.log_key
    );
    drop(again);
    // With another origin, or without its log key: refused.
    let e = serve(&["--data-dir", p(&data), "--origin", "zkgov.test/two"])
        .err()
        .unwrap();
    assert!(e.contains("zkgov.test/one"), "{e}");
    std::fs::remove_file(data.join("log-key.json")).unwrap();
    let e = serve(&["--data-dir", p(&data)]).err().unwrap();
    assert!(e.contains("log key"), "{e}");
    assert!(!data.join("log-key.json").exists());
}

#[test]
fn a_served_ledger_on_postgres_keeps_its_log_in_the_database() {
    let Some(db) = pg::test_db("served_on_postgres") else {
        return;
    };
    let mut sql = db.client();
    sql.batch_execute(&format!("CREATE SCHEMA {}", db.schema))
        .unwrap();
    let url = db.url_with_schema();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("ledger");
    let data_dir = p(&data).to_string();
    let args = |origin: Option<&'static str>| -> Vec<String> {
        let mut a: Vec<String> = ["--data-dir", &data_dir, "--database", &url]
            .map(String::from)
            .to_vec();
        if let Some(o) = origin {
            a.extend(["--origin".to_string(), o.to_string()]);
        }
        a
    };
    fn strs(a: &[String]) -> Vec<&str> {
        a.iter().map(String::as_str).collect()
    }
    let first = serve(&strs(&args(Some("zkgov.test/pg")))).unwrap();
    let cp = ureq::get(&format!("{}/v1/checkpoint", first.url))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    assert!(cp.starts_with("zkgov.test/pg\n1\n"), "{cp}");
    drop(first);
    // The log is in the database, the key in the data directory.
    let n: i64 = sql
        .query_one("SELECT COUNT(*) FROM entries", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
    assert!(!data.join("ledger.db").exists());
    let again = serve(&strs(&args(None))).unwrap();
    assert!(
        again.log_key.starts_with("zkgov.test/pg+"),
        "{}",
        again.log_key
    );
    drop(again);
    // Only PostgreSQL URLs: SQLite is the default, not a --database.
    let o = zkgov(&[
        "ledger",
        "serve",
        "--data-dir",
        p(&data),
        "--database",
        "sqlite:x",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("postgres://"), "{}", text(&o));
}
