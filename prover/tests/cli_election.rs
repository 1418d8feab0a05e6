//! `zkgov election ...` end to end through the binary, against a served
//! ledger: the commission's roll, a three-trustee ceremony run by three
//! separate commands each (one bad share named), the definition, ballots
//! (a double vote, an off-roll voter and a ballot over the rules refused),
//! decryption (too early refused; one trustee short of the quorum decrypts
//! nothing), the tally, and the audit from the ledger and from an export,
//! passing, then naming an edited entry. Exit codes 0 / 1 / 2 as
//! documented.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{fails, ok, p, text, zkgov, BIN};

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Stdio},
};

const DEPTH: &str = "5";
const ELECTION: &str = "town-2026";

struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The served ledger, its URL and its log key.
fn serve(dir: &Path, genesis: &Path) -> (Served, String, String) {
    let mut child = Command::new(BIN)
        .args(["ledger", "serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(dir.join("ledger"))
        .args(["--genesis", p(genesis)])
        .stderr(Stdio::piped())
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
    let log_key = line.rsplit(' ').next().unwrap().trim().to_string();
    (Served(child), url, log_key)
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[test]
fn an_election_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (auth, genesis, keys) = (
        d.join("authorities"),
        d.join("genesis.json"),
        d.join("keys"),
    );
    ok(&[
        "ledger",
        "demo-authorities",
        "--keys-out",
        p(&auth),
        "--genesis-out",
        p(&genesis),
    ]);
    let (_served, url, log_key) = serve(d, &genesis);
    let url = url.as_str();
    let key_of = |name: &str| auth.join(format!("{name}.key.json"));
    ok(&[
        "setup",
        "--statement",
        "eligibility",
        "--depth",
        DEPTH,
        "--keys",
        p(&keys),
    ]);
    ok(&[
        "ledger",
        "register-vk",
        "--ledger",
        url,
        "--authority-key",
        p(&key_of("admin")),
        "--statement",
        "eligibility",
        "--depth",
        DEPTH,
        "--keys",
        p(&keys),
    ]);

    // The roll: eleven voters' commitments.
    let mut commitments = String::from("# the town's voters\n");
    let holders: Vec<_> = (0..11)
        .map(|i| {
            let h = d.join(format!("voter-{i}.json"));
            let o = ok(&["holder", "new", "--out", p(&h)]);
            commitments.push_str(o.lines().next().unwrap());
            commitments.push('\n');
            h
        })
        .collect();
    let outsider = d.join("outsider.json");
    ok(&["holder", "new", "--out", p(&outsider)]);
    std::fs::write(d.join("commitments.txt"), &commitments).unwrap();
    let roll = d.join("roll.json");
    let o = ok(&[
        "election",
        "roll",
        "--commitments",
        p(&d.join("commitments.txt")),
        "--depth",
        DEPTH,
        "--out",
        p(&roll),
        "--ledger",
        url,
        "--authority-keys",
        p(&auth),
    ]);
    assert!(o.contains("roll of 11 voters"), "{o}");
    assert!(o.contains("published as electoral-roll"), "{o}");
    std::fs::write(d.join("bad.txt"), "12\nnot-a-number\n").unwrap();
    let o = fails(
        &[
            "election",
            "roll",
            "--commitments",
            p(&d.join("bad.txt")),
            "--out",
            p(&d.join("bad-roll.json")),
        ],
        2,
    );
    assert!(o.contains("line 2"), "{o}");

    // The ceremony: three trustees, quorum 2, each in its own commands.
    let names = ["ana", "ben", "chloe"];
    for (i, name) in names.iter().enumerate() {
        let idx = (i + 1).to_string();
        ok(&[
            "election",
            "deal",
            "--election",
            ELECTION,
            "--name",
            name,
            "--index",
            &idx,
            "--trustees",
            "3",
            "--quorum",
            "2",
            "--out-dir",
            p(&d.join(name)),
        ]);
    }
    let public: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(i, n)| p(&d.join(n).join(format!("trustee-{}.json", i + 1))).to_owned())
        .collect();
    let share = |from: usize, to: usize| {
        p(&d.join(names[from - 1])
            .join(format!("share-{from}-for-{to}.json")))
        .to_owned()
    };
    let combine = |to: usize, shares: [String; 3], out: &Path| {
        let idx = to.to_string();
        let mut args = vec![
            "election",
            "combine",
            "--election",
            ELECTION,
            "--index",
            &idx,
        ];
        for t in &public {
            args.extend(["--trustee", t.as_str()]);
        }
        for s in &shares {
            args.extend(["--share", s.as_str()]);
        }
        args.extend(["--key-out", p(out)]);
        zkgov(&args)
    };
    // Ben's share for ana, with the value of his share for chloe: named.
    let forged = d.join("forged-share.json");
    let mut j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(share(2, 1)).unwrap()).unwrap();
    let other: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(share(2, 3)).unwrap()).unwrap();
    j["share"]["value"] = other["share"]["value"].clone();
    std::fs::write(&forged, j.to_string()).unwrap();
    let o = combine(
        1,
        [share(1, 1), p(&forged).to_owned(), share(3, 1)],
        &d.join("never.json"),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("trustee 2"), "{}", text(&o));
    assert!(!d.join("never.json").exists());
    let key = |to: usize| d.join(format!("key-{to}.json"));
    for to in 1..=3 {
        let o = combine(to, [share(1, to), share(2, to), share(3, to)], &key(to));
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    }
    // Commitments made for another election are refused.
    let o = fails(
        &[
            "election",
            "combine",
            "--election",
            "elsewhere",
            "--index",
            "1",
            "--trustee",
            &public[0],
            "--share",
            &share(1, 1),
            "--key-out",
            p(&d.join("never2.json")),
        ],
        2,
    );
    assert!(o.contains("elsewhere"), "{o}");

    // The definition.
    let mut define = vec![
        "election",
        "define",
        "--election",
        ELECTION,
        "--option",
        "library",
        "--option",
        "park",
        "--option",
        "bridge",
        "--quorum",
        "2",
        "--open-for",
        "20",
        "--keys",
        p(&keys),
        "--depth",
        DEPTH,
        "--ledger",
        url,
        "--authority-keys",
        p(&auth),
    ];
    for t in &public {
        define.extend(["--trustee", t.as_str()]);
    }
    let o = ok(&define);
    let closes_at: u64 = o
        .split("until ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .unwrap();
    // Defined once.
    fails(&define, 1);

    // Ballots.
    let cast = |holder: &Path, votes: &str, receipt: Option<&Path>| {
        let mut args = vec![
            "election",
            "cast",
            "--ledger",
            url,
            "--election",
            ELECTION,
            "--holder",
            p(holder),
            "--roll",
            p(&roll),
            "--votes",
            votes,
            "--keys",
            p(&keys),
        ];
        if let Some(r) = receipt {
            args.extend(["--receipt-out", p(r)]);
        }
        zkgov(&args)
    };
    let mut counts = [0u64; 3];
    let mut first_ballot = None;
    for (i, h) in holders.iter().take(10).enumerate() {
        let choice = i % 3;
        counts[choice] += 1;
        let votes = ["1,0,0", "0,1,0", "0,0,1"][choice];
        let receipt = d.join(format!("receipt-{i}.json"));
        let o = cast(h, votes, Some(&receipt));
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        first_ballot.get_or_insert_with(|| {
            String::from_utf8_lossy(&o.stdout)
                .trim()
                .parse::<u64>()
                .unwrap()
        });
    }
    let first_ballot = first_ballot.unwrap();
    let o = ok(&[
        "receipt",
        "verify",
        "--receipt",
        p(&d.join("receipt-0.json")),
        "--log-key",
        &log_key,
    ]);
    assert!(o.contains(&format!("entry {first_ballot} (ballot)")), "{o}");
    // Voting twice: the nullifier is used.
    let o = cast(&holders[0], "0,0,1", None);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("INVALID (nullifier-used)"),
        "{}",
        text(&o)
    );
    // Off the roll: no path to prove.
    let o = cast(&outsider, "1,0,0", None);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    // Over the rules (two choices, or 2 in one option): refused before
    // anything is sent.
    for votes in ["1,1,0", "2,0,0", "1,0"] {
        let o = cast(&holders[10], votes, None);
        assert_ne!(o.status.code(), Some(0), "{}", text(&o));
    }

    // Decryption: not before the close.
    let decrypt = |to: usize| {
        zkgov(&[
            "election",
            "decrypt",
            "--ledger",
            url,
            "--election",
            ELECTION,
            "--key",
            p(&key(to)),
        ])
    };
    let o = decrypt(1);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("INVALID (outside-window)"),
        "{}",
        text(&o)
    );
    while now() <= closes_at {
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    let o = decrypt(1);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let tally = ["election", "tally", "--ledger", url, "--election", ELECTION];
    // One trustee is below the quorum: nothing is decrypted.
    let o = fails(&tally, 1);
    assert!(o.contains("quorum"), "{o}");
    let o = decrypt(3);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = ok(&tally);
    for (name, c) in ["library", "park", "bridge"].iter().zip(counts) {
        assert!(o.contains(&format!("{name}\t{c}")), "{o}");
    }

    // The audit, from the ledger and from an export.
    let o = ok(&["election", "audit", "--ledger", url, "--election", ELECTION]);
    assert!(o.contains("step 2 (ballots): ok (10 valid ballots)"), "{o}");
    assert!(
        o.contains("step 4 (partial decryptions): ok (2 valid"),
        "{o}"
    );
    assert!(
        o.contains(&format!(
            "step 5 (result): ok (library {}, park {}, bridge {})",
            counts[0], counts[1], counts[2]
        )),
        "{o}"
    );
    let export = d.join("export.json");
    ok(&["ledger", "export", "--ledger", url, "--out", p(&export)]);
    let o = ok(&["election", "audit", "--export", p(&export)]);
    assert!(o.contains(&format!("election {ELECTION}")), "{o}");
    fails(
        &[
            "election",
            "audit",
            "--export",
            p(&export),
            "--election",
            "nope",
        ],
        1,
    );
    // One ballot's ciphertext replaced by another voter's: named.
    let mut j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&export).unwrap()).unwrap();
    let target = first_ballot as usize + 3;
    let entry = j["entries"][target].as_str().unwrap().to_owned();
    let mut bytes = base64_decode(&entry);
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    j["entries"][target] = serde_json::Value::String(base64_encode(&bytes));
    let edited = d.join("edited.json");
    std::fs::write(&edited, j.to_string()).unwrap();
    let o = fails(&["election", "audit", "--export", p(&edited)], 1);
    assert!(o.contains(&format!("entry {target}")), "{o}");
    // Neither source, or both: a usage error.
    fails(&["election", "audit"], 2);
    fails(
        &["election", "audit", "--ledger", url, "--export", p(&export)],
        2,
    );
    // A malformed export.
    std::fs::write(&edited, "{\"format\":\"something else\"}").unwrap();
    fails(&["election", "audit", "--export", p(&edited)], 2);
}

fn base64_decode(s: &str) -> Vec<u8> {
    zkgov_verifier::encoding::b64_decode(s, "entry").unwrap()
}

fn base64_encode(b: &[u8]) -> String {
    zkgov_verifier::encoding::b64_encode(b)
}
