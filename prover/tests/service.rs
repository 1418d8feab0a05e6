//! `zkgov serve` against real servers on 127.0.0.1, driven over HTTP as a
//! wallet would: each statement end to end (request, bundle, receipt,
//! offline verification with zkgov-verifier), two dozen classes of
//! malformed or hostile request each answered with its 4xx while the
//! service stays healthy, overload at twice the capacity (200 or 429,
//! nothing hangs, resident memory bounded), canaries in the private
//! inputs that never reach a log line, a response or the ledger's files,
//! two instances on one ledger behaving as one, and kill -9 under load
//! losing no acknowledged anchor.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::result_large_err)]

mod common;
use common::{ok_stdout as ok, p, text, zkgov, BIN};

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex, OnceLock},
    time::{Duration, Instant},
};

use serde_json::{json, Value};
use zkgov_verifier::{check_anchor, log::NoteVerifier, Bundle, Receipt};

/// Depth of the record registry and the electoral roll (64 places).
const DEPTH: &str = "6";
/// Holders on the registry, each with its own nullifier per scope.
const HOLDERS: usize = 48;
/// A value that appears only in the credential and never leaves it.
const CANARY_INT: &str = "7770001112223334";
const CANARY_DATE: &str = "1971-03-14";
const ELECTION: &str = "canal-2026";

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The keys (identity; record and eligibility at `DEPTH`), made once.
fn keys() -> &'static Path {
    static KEYS: OnceLock<PathBuf> = OnceLock::new();
    KEYS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep().join("keys");
        ok(&["setup", "--statement", "identity", "--keys", p(&dir)]);
        for st in ["record", "eligibility"] {
            ok(&[
                "setup",
                "--statement",
                st,
                "--depth",
                DEPTH,
                "--keys",
                p(&dir),
            ]);
        }
        dir
    })
}

/// A child process killed when dropped, with its stderr collected.
struct Proc {
    child: Child,
    url: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Proc {
    /// Starts `zkgov args...` and waits for the line naming its URL.
    fn start(args: &[&str]) -> Proc {
        let mut child = Command::new(BIN)
            .args(args)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let lines = BufReader::new(child.stderr.take().unwrap());
        let l = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in lines.lines().map_while(Result::ok) {
                if let Some(i) = line.find("http://") {
                    let url: String = line[i..]
                        .chars()
                        .take_while(|c| !c.is_whitespace() && *c != '"' && *c != ')')
                        .collect();
                    let _ = tx.send(url);
                }
                l.lock().unwrap().push(line);
            }
        });
        let url = rx
            .recv_timeout(Duration::from_secs(120))
            .unwrap_or_else(|_| panic!("{args:?} did not start: {:?}", log.lock().unwrap()));
        Proc { child, url, log }
    }

    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Peak resident memory (VmHWM), in KiB.
    fn peak_rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap()
    }
}

/// A prover service: embedded ledger in `dir`, or `--ledger URL`.
fn serve(dir: &Path, genesis: &Path, ledger: Option<&str>, extra: &[&str]) -> Proc {
    let mut args = vec![
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--keys",
        p(keys()),
        "--data-dir",
        p(dir),
        "--genesis",
        p(genesis),
        "--log-format",
        "json",
    ];
    if let Some(url) = ledger {
        args.extend(["--ledger", url]);
    }
    args.extend(extra);
    Proc::start(&args)
}

/// Everything the requests are made of, on one ledger.
struct World {
    dir: PathBuf,
    ledger_url: String,
    holders: Vec<PathBuf>,
    registry: PathBuf,
    roll: PathBuf,
    credential: PathBuf,
    issuers: PathBuf,
    log_key: NoteVerifier,
}

/// Authorities and a genesis in a fresh directory.
fn authorities() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let (auth, genesis) = (tmp.path().join("auth"), tmp.path().join("genesis.json"));
    ok(&[
        "ledger",
        "demo-authorities",
        "--keys-out",
        p(&auth),
        "--genesis-out",
        p(&genesis),
    ]);
    (tmp, auth, genesis)
}

impl World {
    /// Registers keys, an agency, a registry of `HOLDERS` holders, an
    /// accredited issuer with one credential (holder 0) and an election
    /// (holders on the roll) on the ledger at `ledger_url`.
    fn populate(dir: &Path, auth: &Path, ledger_url: &str) -> World {
        let d = dir.to_path_buf();
        let key = |name: &str| auth.join(format!("{name}.key.json"));
        let keys = keys();
        let admin = key("admin");
        for (st, depth) in [
            ("identity", None),
            ("record", Some(DEPTH)),
            ("eligibility", Some(DEPTH)),
        ] {
            let mut args = vec![
                "ledger",
                "register-vk",
                "--ledger",
                ledger_url,
                "--authority-key",
                p(&admin),
                "--statement",
                st,
                "--keys",
                p(keys),
            ];
            if let Some(depth) = depth {
                args.extend(["--depth", depth]);
            }
            ok(&args);
        }
        ok(&[
            "agency",
            "keygen",
            "--name",
            "benefits-office",
            "--key-out",
            p(&d.join("agency.key.json")),
            "--public-out",
            p(&d.join("agency.json")),
        ]);
        ok(&[
            "ledger",
            "register-agency",
            "--ledger",
            ledger_url,
            "--authority-key",
            p(&key("admin")),
            "--agency",
            p(&d.join("agency.json")),
            "--scope",
            "housing",
            "--scope",
            "benefits",
        ]);
        // Holders, a registry of their parcels, and its published root.
        let mut records = Vec::new();
        let mut commitments = String::new();
        let holders: Vec<PathBuf> = (0..HOLDERS)
            .map(|i| {
                let h = d.join(format!("holder-{i}.json"));
                let c = ok(&["holder", "new", "--out", p(&h)]);
                records.push(
                    json!({"owner_commitment": c, "fields": {"district": 7, "area_m2": 600 + i}}),
                );
                commitments.push_str(&c);
                commitments.push('\n');
                h
            })
            .collect();
        std::fs::write(
            d.join("records.json"),
            json!({"schema": ["district", "area_m2"], "records": records}).to_string(),
        )
        .unwrap();
        let registry = d.join("registry.json");
        ok(&[
            "registry",
            "--records",
            p(&d.join("records.json")),
            "--depth",
            DEPTH,
            "--out",
            p(&registry),
        ]);
        ok(&[
            "ledger",
            "publish-root",
            "--ledger",
            ledger_url,
            "--authority-key",
            p(&key("land-registry")),
            "--registry",
            p(&registry),
        ]);
        // An accredited issuer and holder 0's credential, carrying the canaries.
        let (ikey, ireg) = (d.join("issuer.key.json"), d.join("issuer.register.json"));
        ok(&[
            "issuer",
            "keygen",
            "--key-out",
            p(&ikey),
            "--register-out",
            p(&ireg),
        ]);
        std::fs::write(
            d.join("schema.json"),
            r#"{"version":1,"id":"gov.example/resident-id/v1","attributes":[
            {"name":"birth_date","type":"date"},
            {"name":"region","type":"code","codes":{"north":1,"south":2}},
            {"name":"tax_number","type":"integer"}]}"#,
        )
        .unwrap();
        std::fs::write(
            d.join("attrs.json"),
            format!(
                r#"{{"birth_date":"{CANARY_DATE}","region":"north","tax_number":{CANARY_INT}}}"#
            ),
        )
        .unwrap();
        let holder_commitment = records[0]["owner_commitment"].as_str().unwrap().to_owned();
        let credential = d.join("credential.json");
        ok(&[
            "issue",
            "--key",
            p(&ikey),
            "--register",
            p(&ireg),
            "--schema",
            p(&d.join("schema.json")),
            "--attributes",
            p(&d.join("attrs.json")),
            "--holder-commitment",
            &holder_commitment,
            "--issued",
            "2020-01-01",
            "--expires",
            "2099-12-31",
            "--out",
            p(&credential),
        ]);
        let issuers = d.join("issuers.json");
        ok(&[
            "accredit",
            "--list",
            p(&issuers),
            "--register",
            p(&ireg),
            "--name",
            "civil-registry",
            "--ledger",
            ledger_url,
            "--authority-keys",
            p(auth),
        ]);
        // The roll (every holder), three trustees, and an election open now.
        std::fs::write(d.join("commitments.txt"), &commitments).unwrap();
        let roll = d.join("roll.json");
        ok(&[
            "election",
            "roll",
            "--commitments",
            p(&d.join("commitments.txt")),
            "--depth",
            DEPTH,
            "--out",
            p(&roll),
            "--ledger",
            ledger_url,
            "--authority-keys",
            p(auth),
        ]);
        let mut define: Vec<String> = [
            "election",
            "define",
            "--election",
            ELECTION,
            "--option",
            "bridge",
            "--option",
            "tunnel",
            "--option",
            "ferry",
            "--quorum",
            "2",
            "--open-for",
            "3600",
            "--keys",
            p(keys),
            "--depth",
            DEPTH,
            "--ledger",
            ledger_url,
            "--authority-keys",
            p(auth),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for (i, name) in ["ana", "ben", "chloe"].iter().enumerate() {
            let out = d.join(name);
            ok(&[
                "election",
                "deal",
                "--election",
                ELECTION,
                "--name",
                name,
                "--index",
                &(i + 1).to_string(),
                "--trustees",
                "3",
                "--quorum",
                "2",
                "--out-dir",
                p(&out),
            ]);
            define.push("--trustee".into());
            define.push(p(&out.join(format!("trustee-{}.json", i + 1))).to_owned());
        }
        ok(&define.iter().map(String::as_str).collect::<Vec<_>>());
        let genesis_json: Value = serde_json::from_str(
            &ureq::get(&format!("{ledger_url}/v1/genesis"))
                .call()
                .unwrap()
                .into_string()
                .unwrap(),
        )
        .unwrap();
        let log_key = NoteVerifier::from_vkey(genesis_json["log_key"].as_str().unwrap()).unwrap();
        World {
            dir: d,
            ledger_url: ledger_url.to_owned(),
            holders,
            registry,
            roll,
            credential,
            issuers,
            log_key,
        }
    }

    /// A fresh signed request of the agency for `statement` and `label`.
    fn request(&self, statement: &str, label: &str, valid_for: &str) -> Value {
        let suffix = rand_suffix();
        let policy = self.dir.join(format!("{statement}-policy-{suffix}.json"));
        std::fs::write(
            &policy,
            match statement {
                "identity" => r#"{"version":1,"schema":"gov.example/resident-id/v1","clauses":[
                    {"field":"birth_date","op":"age>=","years":18},
                    {"field":"region","op":"disclose"}]}"#,
                _ => r#"{"version":1,"clauses":[{"field":"district","op":"=","value":7},{"field":"area_m2","op":">=","value":500}]}"#,
            },
        )
        .unwrap();
        let out = self.dir.join(format!("request-{suffix}.json"));
        ok(&[
            "agency",
            "request",
            "--key",
            p(&self.dir.join("agency.key.json")),
            "--ledger",
            &self.ledger_url,
            "--statement",
            statement,
            "--policy",
            p(&policy),
            "--scope-label",
            label,
            "--valid-for",
            valid_for,
            "--out",
            p(&out),
        ]);
        read(&out)
    }

    fn record_body(&self, holder: usize, request: &Value) -> Value {
        json!({"request": request, "registry": read(&self.registry), "holder": read(&self.holders[holder])})
    }

    fn identity_body(&self, request: &Value) -> Value {
        json!({"request": request, "credential": read(&self.credential), "holder": read(&self.holders[0]),
               "issuers": read(&self.issuers)})
    }

    fn ballot_body(&self, holder: usize, votes: &[u64]) -> Value {
        json!({"election": ELECTION, "roll": read(&self.roll), "holder": read(&self.holders[holder]), "votes": votes})
    }

    /// The private values a request carries that must never leave it.
    fn canaries(&self) -> Vec<String> {
        let mut c = vec![CANARY_INT.to_owned(), CANARY_DATE.to_owned()];
        for h in &self.holders {
            c.push(read(h)["owner_secret"].as_str().unwrap().to_owned());
        }
        c
    }
}

fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    )
}

/// An answer: status, Retry-After, body.
struct Answer {
    status: u16,
    retry_after: Option<String>,
    body: Value,
}

/// POSTs `body` as JSON, with a timeout long enough for a queued proof.
fn send(url: &str, path: &str, body: &Value) -> Result<ureq::Response, ureq::Error> {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(120))
        .build()
        .post(&format!("{url}{path}"))
        .set("content-type", "application/json")
        .send_string(&body.to_string())
}

fn post(url: &str, path: &str, body: &Value) -> Answer {
    answer(send(url, path, body))
}

fn get(url: &str, path: &str) -> Answer {
    answer(ureq::get(&format!("{url}{path}")).call())
}

fn answer(r: Result<ureq::Response, ureq::Error>) -> Answer {
    let resp = match r {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("transport: {e}"),
    };
    let status = resp.status();
    let retry_after = resp.header("retry-after").map(str::to_owned);
    let text = resp.into_string().unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Answer {
        status,
        retry_after,
        body,
    }
}

/// The bundle and receipt of a 200 answer, checked offline.
fn check_offline(w: &World, a: &Answer) -> (Bundle, Receipt) {
    assert_eq!(a.status, 200, "{}", a.body);
    let bundle = Bundle::from_json(&a.body["bundle"].to_string()).unwrap();
    let receipt = Receipt::from_json(&a.body["receipt"].to_string()).unwrap();
    let index = check_anchor(&receipt, &w.log_key, &bundle).unwrap();
    assert_eq!(Some(index), a.body["index"].as_u64());
    (bundle, receipt)
}

/// Sends raw bytes and reads the status line (None: closed without one).
/// The write side stays open: the server takes a half-closed connection
/// for a client that left.
fn raw(url: &str, bytes: &[u8], pause: Option<Duration>) -> Option<u16> {
    let mut s = TcpStream::connect(url.trim_start_matches("http://")).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    // The server may answer and close before everything is written.
    let _ = s.write_all(bytes);
    if let Some(d) = pause {
        std::thread::sleep(d);
    }
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let head = String::from_utf8_lossy(&out);
    head.split_whitespace().nth(1).and_then(|c| c.parse().ok())
}

#[test]
fn each_statement_end_to_end_and_hostile_requests_refused() {
    let (tmp, auth, genesis) = authorities();
    let svc = serve(
        &tmp.path().join("serve"),
        &genesis,
        None,
        &[
            "--max-members",
            "2000",
            "--max-body",
            "1048576",
            "--body-timeout-ms",
            "1500",
            "--header-timeout-ms",
            "1500",
        ],
    );
    let url = svc.url.clone();
    assert_eq!(get(&url, "/healthz").status, 200);
    let w = World::populate(tmp.path(), &auth, &format!("{url}/ledger"));
    let ready = get(&url, "/readyz");
    assert_eq!(ready.status, 200, "{}", ready.body);
    let served = get(&url, "/v1/openapi.json").body;
    let code: Value = serde_json::from_str(&zkgov_prover::service::openapi_json()).unwrap();
    assert_eq!(served, code);

    // Record membership: proven, anchored, verified offline and by the service.
    let req = w.request("record", "housing", "600");
    let a = post(&url, "/v1/prove/record", &w.record_body(1, &req));
    let (bundle, receipt) = check_offline(&w, &a);
    assert!(bundle.disclosure.is_some());
    let v = post(
        &url,
        "/v1/verify",
        &json!({"bundle": a.body["bundle"], "receipt": a.body["receipt"]}),
    );
    assert_eq!(
        (v.status, v.body["anchored_at"].as_u64()),
        (200, Some(receipt.index)),
        "{}",
        v.body
    );
    assert_eq!(v.body["opening_checked"], json!(true));
    // An opening that does not open the commitment is refused.
    let mut b = a.body["bundle"].clone();
    b["disclosure"]["salt"] = json!("7");
    let bad = post(&url, "/v1/verify", &json!({"bundle": b}));
    assert_eq!(
        (bad.status, bad.body["code"].as_str()),
        (400, Some("mismatch")),
        "{}",
        bad.body
    );
    // The same request again, as a wallet whose answer was lost retries:
    // answered with the anchor the first attempt made.
    let retry = post(&url, "/v1/prove/record", &w.record_body(1, &req));
    let (_, earlier) = check_offline(&w, &retry);
    assert_eq!(earlier.index, receipt.index);
    // The same holder in the same scope again: the ledger's nullifier check.
    let again = post(
        &url,
        "/v1/prove/record",
        &w.record_body(1, &w.request("record", "housing", "600")),
    );
    assert_eq!(
        (again.status, again.body["code"].as_str()),
        (409, Some("nullifier-used")),
        "{}",
        again.body
    );
    assert_eq!(again.body["index"].as_u64(), Some(receipt.index));

    // Identity: the credential's policy holds; the region is disclosed, nothing else.
    let a = post(
        &url,
        "/v1/prove/identity",
        &w.identity_body(&w.request("identity", "benefits", "600")),
    );
    let (bundle, _) = check_offline(&w, &a);
    assert_eq!(bundle.statement.to_string(), "zkgov/identity/v2");

    // A ballot: cast with both proofs; the receipt is the ledger's.
    let a = post(&url, "/v1/prove/ballot", &w.ballot_body(2, &[0, 1, 0]));
    assert_eq!(a.status, 200, "{}", a.body);
    let receipt = Receipt::from_json(&a.body["receipt"].to_string()).unwrap();
    let verified = receipt.verify(&w.log_key).unwrap();
    assert_eq!(verified.entry.kind(), "ballot");
    let twice = post(&url, "/v1/prove/ballot", &w.ballot_body(2, &[1, 0, 0]));
    assert_eq!(
        (twice.status, twice.body["code"].as_str()),
        (409, Some("nullifier-used")),
        "{}",
        twice.body
    );

    // Hostile and malformed requests: each class with its status and code.
    let big = "9".repeat(80);
    let r = |b: Value| b;
    let record_req = w.request("record", "housing", "600");
    let mut forged = w.request("record", "housing", "600");
    forged["challenge"] = json!("12345");
    let mut wrong_agency = w.request("record", "housing", "600");
    wrong_agency["agency"] = json!("someone-else");
    let expired = w.request("record", "housing", "1");
    std::thread::sleep(Duration::from_millis(2100));
    let mut high_secret = read(&w.holders[3]);
    high_secret["owner_secret"] =
        json!("21888242871839275222246405745257275088548364400416034343698204186575808495617");
    let mut short_record = read(&w.registry);
    short_record["depth"] = json!(99);
    let mut deep = json!(1);
    for _ in 0..100 {
        deep = json!([deep]);
    }
    let outsider = tmp.path().join("outsider.json");
    ok(&["holder", "new", "--out", p(&outsider)]);
    let cases: Vec<(&str, &str, Value, u16, &str)> = vec![
        (
            "unknown statement",
            "/v1/prove/parcel",
            w.record_body(3, &record_req),
            404,
            "not-found",
        ),
        (
            "unknown field",
            "/v1/prove/record",
            r(
                json!({"request": record_req, "registry": read(&w.registry), "holder": read(&w.holders[3]), "extra": 1}),
            ),
            400,
            "malformed",
        ),
        (
            "missing field",
            "/v1/prove/record",
            json!({"request": record_req, "holder": read(&w.holders[3])}),
            400,
            "malformed",
        ),
        (
            "wrong type: holder a number",
            "/v1/prove/record",
            json!({"request": record_req, "registry": read(&w.registry), "holder": 5}),
            400,
            "malformed",
        ),
        (
            "wrong type: votes a string",
            "/v1/prove/ballot",
            json!({"election": ELECTION, "roll": read(&w.roll), "holder": read(&w.holders[3]), "votes": "010"}),
            400,
            "malformed",
        ),
        (
            "huge number in votes",
            "/v1/prove/ballot",
            serde_json::from_str(&format!(
                r#"{{"election":"{ELECTION}","roll":{},"holder":{},"votes":[{big},0,0]}}"#,
                read(&w.roll),
                read(&w.holders[3])
            ))
            .unwrap(),
            400,
            "malformed",
        ),
        (
            "negative vote",
            "/v1/prove/ballot",
            json!({"election": ELECTION, "roll": read(&w.roll), "holder": read(&w.holders[3]), "votes": [-1, 0, 0]}),
            400,
            "malformed",
        ),
        (
            "a secret >= r",
            "/v1/prove/record",
            json!({"request": record_req, "registry": read(&w.registry), "holder": high_secret}),
            400,
            "malformed",
        ),
        (
            "a registry that does not check",
            "/v1/prove/record",
            json!({"request": record_req, "registry": short_record, "holder": read(&w.holders[3])}),
            400,
            "malformed",
        ),
        (
            "wrong number of votes",
            "/v1/prove/ballot",
            w.ballot_body(3, &[0, 1]),
            422,
            "false-statement",
        ),
        (
            "votes over the rules",
            "/v1/prove/ballot",
            w.ballot_body(3, &[1, 1, 0]),
            422,
            "false-statement",
        ),
        (
            "a voter not on the roll",
            "/v1/prove/ballot",
            json!({"election": ELECTION, "roll": read(&w.roll), "holder": read(&outsider), "votes": [1, 0, 0]}),
            422,
            "false-statement",
        ),
        (
            "an unknown election",
            "/v1/prove/ballot",
            json!({"election": "nowhere", "roll": read(&w.roll), "holder": read(&w.holders[3]), "votes": [1, 0, 0]}),
            404,
            "not-found",
        ),
        (
            "a holder not in the registry",
            "/v1/prove/record",
            json!({"request": record_req, "registry": read(&w.registry), "holder": read(&outsider)}),
            422,
            "false-statement",
        ),
        (
            "a forged agency request",
            "/v1/prove/record",
            w.record_body(3, &forged),
            403,
            "request-refused",
        ),
        (
            "a request relabelled to another agency",
            "/v1/prove/record",
            w.record_body(3, &wrong_agency),
            403,
            "request-refused",
        ),
        (
            "an expired agency request",
            "/v1/prove/record",
            w.record_body(3, &expired),
            403,
            "request-refused",
        ),
        (
            "a request for another statement",
            "/v1/prove/identity",
            json!({"request": record_req, "credential": read(&w.credential), "holder": read(&w.holders[0]), "issuers": read(&w.issuers)}),
            403,
            "request-refused",
        ),
        (
            "a credential that is not one",
            "/v1/prove/identity",
            json!({"request": w.request("identity", "benefits", "600"), "credential": {"x": CANARY_INT}, "holder": read(&w.holders[0]), "issuers": read(&w.issuers)}),
            400,
            "malformed",
        ),
        (
            "deep nesting",
            "/v1/prove/record",
            json!({"request": deep}),
            413,
            "too-large",
        ),
        (
            "too many members",
            "/v1/prove/ballot",
            json!({"election": ELECTION, "roll": read(&w.roll), "holder": read(&w.holders[3]), "votes": vec![0; 2500]}),
            413,
            "too-large",
        ),
        (
            "a tampered bundle",
            "/v1/verify",
            {
                let mut b = a_bundle(&w, &url);
                b["public_inputs"][4] = json!("1");
                json!({"bundle": b})
            },
            400,
            "invalid-proof",
        ),
    ];
    let mut classes = 0;
    for (what, path, body, status, code) in &cases {
        let a = post(&url, path, body);
        assert_eq!(
            (a.status, a.body["code"].as_str()),
            (*status, Some(*code)),
            "{what}: {}",
            a.body
        );
        classes += 1;
    }
    // Classes only a raw socket can send.
    let host = url.trim_start_matches("http://");
    let valid = w.record_body(3, &record_req).to_string();
    let head = |len: usize, ctype: &str| {
        format!("POST /v1/prove/record HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Type: {ctype}\r\nContent-Length: {len}\r\n\r\n")
    };
    type RawCase<'a> = (&'a str, Vec<u8>, Option<Duration>, Option<u16>);
    let raw_cases: Vec<RawCase<'_>> = vec![
        (
            "not JSON",
            [head(9, "application/json").as_bytes(), b"not json!"].concat(),
            None,
            Some(400),
        ),
        (
            "a truncated JSON document",
            [
                head(valid.len() / 2, "application/json").as_bytes(),
                &valid.as_bytes()[..valid.len() / 2],
            ]
            .concat(),
            None,
            Some(400),
        ),
        // A body cut short, the client waiting: 408 after the body timeout.
        (
            "a body shorter than its Content-Length",
            [
                head(valid.len(), "application/json").as_bytes(),
                &valid.as_bytes()[..100],
            ]
            .concat(),
            None,
            Some(408),
        ),
        (
            "invalid UTF-8",
            [
                head(4, "application/json").as_bytes(),
                &[0xff, 0xfe, 0x7b, 0x7d],
            ]
            .concat(),
            None,
            Some(400),
        ),
        (
            "an empty body",
            head(0, "application/json").into_bytes(),
            None,
            Some(400),
        ),
        (
            "no JSON content type",
            [head(2, "text/plain").as_bytes(), b"{}"].concat(),
            None,
            Some(415),
        ),
        (
            "an oversized Content-Length",
            head(64 << 20, "application/json").into_bytes(),
            None,
            Some(413),
        ),
        (
            "an oversized chunked body",
            {
                let mut v = format!("POST /v1/prove/record HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").into_bytes();
                // 1 MiB and 16 bytes, no final chunk: the limit is passed on
                // the last chunk sent, so nothing unread is left behind.
                for n in std::iter::repeat_n(65536, 16).chain([16]) {
                    v.extend_from_slice(format!("{n:x}\r\n").as_bytes());
                    v.extend(std::iter::repeat_n(b' ', n));
                    v.extend_from_slice(b"\r\n");
                }
                v
            },
            None,
            Some(413),
        ),
        (
            "a wrong method",
            format!("GET /v1/prove/record HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
                .into_bytes(),
            None,
            Some(405),
        ),
        (
            "an unknown route",
            format!("GET /v1/secrets HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
                .into_bytes(),
            None,
            Some(404),
        ),
        // Headers sent, the body never: 408 after the body timeout.
        (
            "a slow body",
            head(500, "application/json").into_bytes(),
            Some(Duration::from_millis(3000)),
            Some(408),
        ),
        // Headers never finished: the connection is closed, no answer.
        (
            "slow headers",
            format!("POST /v1/prove/record HTTP/1.1\r\nHost: {host}\r\n").into_bytes(),
            Some(Duration::from_millis(3000)),
            None,
        ),
    ];
    for (what, bytes, pause, status) in &raw_cases {
        let got = raw(&url, bytes, *pause);
        assert_eq!(got, *status, "{what}");
        classes += 1;
    }
    assert!(classes >= 20, "{classes} classes");
    // Still healthy, and still proving.
    assert_eq!(get(&url, "/healthz").status, 200);
    assert_eq!(get(&url, "/readyz").status, 200);
    let a = post(
        &url,
        "/v1/prove/record",
        &w.record_body(4, &w.request("record", "housing", "600")),
    );
    check_offline(&w, &a);
    // Refusals are counted by code in the metrics.
    let m = get(&url, "/metrics").body;
    let m = m.as_str().unwrap();
    assert!(
        m.contains(r#"zkgov_refused_total{statement="record",code="request-refused"} 3"#),
        "{m}"
    );
    assert!(
        m.contains(r#"zkgov_proofs_total{statement="record"} 4"#),
        "{m}"
    );
    drop(w);
    drop(svc);
}

/// A valid bundle, proven for holder 5 in a scope of its own.
fn a_bundle(w: &World, url: &str) -> Value {
    let a = post(
        url,
        "/v1/prove/record",
        &w.record_body(5, &w.request("record", "benefits", "600")),
    );
    assert_eq!(a.status, 200, "{}", a.body);
    a.body["bundle"].clone()
}

#[test]
fn canaries_never_leave_the_request() {
    let (tmp, auth, genesis) = authorities();
    let data = tmp.path().join("serve");
    let svc = serve(&data, &genesis, None, &[]);
    let url = svc.url.clone();
    let w = World::populate(tmp.path(), &auth, &format!("{url}/ledger"));
    let mut answers = Vec::new();
    answers.push(post(
        &url,
        "/v1/prove/identity",
        &w.identity_body(&w.request("identity", "benefits", "600")),
    ));
    assert_eq!(answers[0].status, 200, "{}", answers[0].body);
    answers.push(post(
        &url,
        "/v1/prove/record",
        &w.record_body(0, &w.request("record", "housing", "600")),
    ));
    assert_eq!(answers[1].status, 200, "{}", answers[1].body);
    answers.push(post(
        &url,
        "/v1/prove/ballot",
        &w.ballot_body(0, &[0, 0, 1]),
    ));
    assert_eq!(answers[2].status, 200, "{}", answers[2].body);
    // Failures that read private inputs: each answer names no value.
    let mut bad_cred = read(&w.credential);
    bad_cred["body"]["attributes"] = json!(CANARY_INT);
    answers.push(post(&url, "/v1/prove/identity", &json!({"request": w.request("identity", "benefits", "600"), "credential": bad_cred, "holder": read(&w.holders[0]), "issuers": read(&w.issuers)})));
    let mut bad_holder = read(&w.holders[0]);
    bad_holder["owner_secret"] = json!(format!("{CANARY_INT}x"));
    answers.push(post(&url, "/v1/prove/record", &json!({"request": w.request("record", "housing", "600"), "registry": read(&w.registry), "holder": bad_holder})));
    answers.push(post(
        &url,
        "/v1/prove/identity",
        &w.identity_body(&w.request("identity", "benefits", "600")),
    ));
    for a in &answers[3..] {
        assert!((400..500).contains(&a.status), "{}", a.body);
    }
    let metrics = get(&url, "/metrics").body.to_string();
    // Stop cleanly so the ledger's files are complete, then scan everything.
    sigterm(&svc);
    let mut log = svc.log();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !log.iter().any(|l| l.contains("stopped")) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        log = svc.log();
    }
    assert!(log.iter().any(|l| l.contains("stopped")), "{log:?}");
    // JSON logs, one object per line.
    for line in &log {
        serde_json::from_str::<Value>(line).unwrap_or_else(|_| panic!("not JSON: {line}"));
    }
    let mut files = Vec::new();
    for e in walk(&data) {
        files.push((e.clone(), std::fs::read(&e).unwrap()));
    }
    assert!(
        files
            .iter()
            .any(|(p, _)| p.to_string_lossy().contains("ledger")),
        "{files:?}"
    );
    for canary in w.canaries() {
        for line in &log {
            assert!(!line.contains(&canary), "log line holds a canary: {line}");
        }
        for a in &answers {
            assert!(
                !a.body.to_string().contains(&canary),
                "answer holds a canary: {}",
                a.body
            );
        }
        assert!(!metrics.contains(&canary));
        for (path, bytes) in &files {
            assert!(
                !bytes.windows(canary.len()).any(|w| w == canary.as_bytes()),
                "{} holds a canary",
                path.display()
            );
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().map_while(Result::ok) {
        let path = e.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn sigterm(p: &Proc) {
    let status = Command::new("kill")
        .args(["-TERM", &p.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn overload_at_twice_the_capacity_gets_200_or_429_and_memory_stays_bounded() {
    let (tmp, auth, genesis) = authorities();
    let svc = serve(
        &tmp.path().join("serve"),
        &genesis,
        None,
        &["--workers", "2", "--queue", "2"],
    );
    let url = svc.url.clone();
    let w = Arc::new(World::populate(tmp.path(), &auth, &format!("{url}/ledger")));
    let requests: Vec<Value> = (0..HOLDERS)
        .map(|i| w.record_body(i, &w.request("record", "housing", "600")))
        .collect();
    let before = svc.peak_rss_kib();
    // Capacity 4 (2 threads + 2 queued); 8 clients.
    let next = Arc::new(Mutex::new(requests.into_iter().enumerate()));
    let results = Arc::new(Mutex::new(Vec::new()));
    let clients: Vec<_> = (0..8)
        .map(|_| {
            let (next, results, url) = (Arc::clone(&next), Arc::clone(&results), url.clone());
            std::thread::spawn(move || loop {
                let Some((i, body)) = next.lock().unwrap().next() else {
                    return;
                };
                let t = Instant::now();
                let a = post(&url, "/v1/prove/record", &body);
                let refused = a.status == 429;
                results.lock().unwrap().push((
                    i,
                    a.status,
                    a.retry_after,
                    a.body["code"].clone(),
                    t.elapsed(),
                ));
                // Keep the offered load at twice the capacity over time:
                // a refused client comes back soon, not at once.
                if refused {
                    std::thread::sleep(Duration::from_millis(100));
                }
            })
        })
        .collect();
    for c in clients {
        c.join().unwrap();
    }
    let results = results.lock().unwrap();
    assert_eq!(results.len(), HOLDERS);
    let (mut ok, mut refused, mut slowest_refusal) = (0, 0, Duration::ZERO);
    for (i, status, retry, code, took) in results.iter() {
        match status {
            200 => ok += 1,
            429 => {
                refused += 1;
                assert_eq!(code.as_str(), Some("overloaded"), "{i}");
                assert_eq!(retry.as_deref(), Some("1"), "{i}");
                slowest_refusal = slowest_refusal.max(*took);
            }
            s => panic!("request {i}: {s} {code}"),
        }
    }
    assert!(ok >= 4 && refused > 0, "{ok} proven, {refused} refused");
    assert!(
        slowest_refusal < Duration::from_secs(1),
        "{slowest_refusal:?}"
    );
    let after = svc.peak_rss_kib();
    eprintln!(
        "overload: {ok} proven, {refused} refused (slowest refusal {slowest_refusal:?}); peak RSS {before} KiB before, {after} KiB after"
    );
    // The bound: 4 admitted jobs at these depths cost well under 512 MiB
    // over what the loaded keys take.
    assert!(
        after < before + 512 * 1024,
        "peak RSS {after} KiB (before {before} KiB)"
    );
    assert_eq!(get(&url, "/healthz").status, 200);
}

#[test]
fn two_instances_on_one_ledger_behave_as_one_and_kill_9_loses_no_acknowledged_anchor() {
    let (tmp, auth, genesis) = authorities();
    let ledger = Proc::start(&[
        "ledger",
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--data-dir",
        p(&tmp.path().join("ledger")),
        "--genesis",
        p(&genesis),
    ]);
    let lurl = ledger.url.clone();
    let w = Arc::new(World::populate(tmp.path(), &auth, &lurl));
    let a = serve(&tmp.path().join("a"), &genesis, Some(&lurl), &[]);
    let b = serve(&tmp.path().join("b"), &genesis, Some(&lurl), &[]);
    // One holder, one scope: proven at A, refused at B.
    let first = post(
        &a.url,
        "/v1/prove/record",
        &w.record_body(0, &w.request("record", "housing", "600")),
    );
    check_offline(&w, &first);
    let second = post(
        &b.url,
        "/v1/prove/record",
        &w.record_body(0, &w.request("record", "housing", "600")),
    );
    assert_eq!(
        (second.status, second.body["code"].as_str()),
        (409, Some("nullifier-used"))
    );
    assert_eq!(second.body["index"], first.body["index"]);
    // B reads the anchor A made.
    let r = get(&b.url, &format!("/v1/receipts/{}", first.body["index"]));
    assert_eq!(r.status, 200);

    // Load spread over both; A is killed with SIGKILL halfway.
    let urls = Arc::new(Mutex::new(vec![a.url.clone(), b.url.clone()]));
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let next = Arc::new(Mutex::new(1..HOLDERS));
    let a = Arc::new(Mutex::new(Some(a)));
    let lost = Arc::new(Mutex::new(0usize));
    let clients: Vec<_> = (0..4)
        .map(|_| {
            let lost = Arc::clone(&lost);
            let (urls, ack, next, w, a) = (
                Arc::clone(&urls),
                Arc::clone(&acknowledged),
                Arc::clone(&next),
                Arc::clone(&w),
                Arc::clone(&a),
            );
            std::thread::spawn(move || loop {
                let Some(i) = next.lock().unwrap().next() else {
                    return;
                };
                if i >= HOLDERS / 3 {
                    if let Some(mut a) = a.lock().unwrap().take() {
                        a.child.kill().unwrap();
                        a.child.wait().unwrap();
                        urls.lock().unwrap().remove(0);
                    }
                }
                let url = {
                    let u = urls.lock().unwrap();
                    u[i % u.len()].clone()
                };
                let body = w.record_body(i, &w.request("record", "housing", "600"));
                match send(&url, "/v1/prove/record", &body) {
                    Ok(resp) => {
                        let v: Value = serde_json::from_str(&resp.into_string().unwrap()).unwrap();
                        ack.lock().unwrap().push(v);
                    }
                    // The killed instance: connection refused or reset;
                    // nothing was acknowledged.
                    Err(ureq::Error::Transport(_)) => *lost.lock().unwrap() += 1,
                    Err(ureq::Error::Status(s, resp)) => {
                        let body = resp.into_string().unwrap_or_default();
                        assert!(s == 429 || s == 409, "{s}: {body}");
                    }
                }
            })
        })
        .collect();
    for c in clients {
        c.join().unwrap();
    }
    assert!(a.lock().unwrap().is_none(), "instance A was not killed");
    let acknowledged = acknowledged.lock().unwrap();
    eprintln!(
        "{} acknowledged, {} cut off by the kill",
        acknowledged.len(),
        lost.lock().unwrap()
    );
    assert!(
        acknowledged.len() >= HOLDERS / 2,
        "{} acknowledged",
        acknowledged.len()
    );
    // Every acknowledged anchor is in the log, under the latest checkpoint.
    for v in acknowledged.iter() {
        let index = v["index"].as_u64().unwrap();
        let latest = Receipt::from_json(
            &get(&lurl, &format!("/v1/receipts/{index}"))
                .body
                .to_string(),
        )
        .unwrap();
        let bundle = Bundle::from_json(&v["bundle"].to_string()).unwrap();
        assert_eq!(check_anchor(&latest, &w.log_key, &bundle).unwrap(), index);
        let acked = Receipt::from_json(&v["receipt"].to_string()).unwrap();
        assert_eq!(acked.entry, latest.entry);
    }
    // A restarted instance loses nothing: it proves at once.
    let a2 = serve(&tmp.path().join("a"), &genesis, Some(&lurl), &[]);
    let again = post(
        &a2.url,
        "/v1/prove/record",
        &w.record_body(0, &w.request("record", "benefits", "600")),
    );
    check_offline(&w, &again);
    drop(ledger);
    drop(b);
}

#[test]
fn sigterm_lets_in_flight_proofs_finish_and_loses_nothing_acknowledged() {
    let (tmp, auth, genesis) = authorities();
    let data = tmp.path().join("serve");
    let svc = serve(&data, &genesis, None, &["--workers", "2", "--queue", "6"]);
    let url = svc.url.clone();
    let w = Arc::new(World::populate(tmp.path(), &auth, &format!("{url}/ledger")));
    let bodies: Vec<Value> = (0..8)
        .map(|i| w.record_body(i, &w.request("record", "housing", "600")))
        .collect();
    let clients: Vec<_> = bodies
        .into_iter()
        .map(|body| {
            let url = url.clone();
            std::thread::spawn(move || send(&url, "/v1/prove/record", &body))
        })
        .collect();
    // Let the proofs start, then ask the service to stop.
    std::thread::sleep(Duration::from_millis(150));
    sigterm(&svc);
    let mut acknowledged = Vec::new();
    for c in clients {
        match c.join().unwrap() {
            Ok(resp) => acknowledged
                .push(serde_json::from_str::<Value>(&resp.into_string().unwrap()).unwrap()),
            // Refused cleanly: shutting down, or no longer accepting.
            Err(ureq::Error::Status(s, resp)) => {
                let body = resp.into_string().unwrap_or_default();
                assert_eq!(s, 503, "{body}");
                assert!(body.contains("\"closed\""), "{body}");
            }
            Err(ureq::Error::Transport(_)) => {}
        }
    }
    assert!(!acknowledged.is_empty(), "no proof finished");
    let mut log = svc.log();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !log.iter().any(|l| l.contains("stopped")) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        log = svc.log();
    }
    assert!(log.iter().any(|l| l.contains("stopped")), "{log:?}");
    drop(svc);
    // Reopened, the ledger holds every acknowledged anchor.
    let again = serve(&data, &genesis, None, &[]);
    for v in &acknowledged {
        let index = v["index"].as_u64().unwrap();
        let latest = Receipt::from_json(
            &get(&again.url, &format!("/v1/receipts/{index}"))
                .body
                .to_string(),
        )
        .unwrap();
        let bundle = Bundle::from_json(&v["bundle"].to_string()).unwrap();
        assert_eq!(check_anchor(&latest, &w.log_key, &bundle).unwrap(), index);
    }
}

#[test]
fn the_committed_openapi_document_is_the_code_s() {
    let generated = zkgov_prover::service::openapi_json();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    if std::env::var_os("ZKGOV_BLESS").is_some() {
        std::fs::write(&path, format!("{generated}\n")).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        committed.trim_end(),
        generated,
        "prover/openapi.json drifted from the code: regenerate it with ZKGOV_BLESS=1 cargo test --release -p zkgov-prover --test service openapi"
    );
    // And the served document is the same.
    let v: Value = serde_json::from_str(&generated).unwrap();
    assert_eq!(v["openapi"].as_str().map(|s| &s[..2]), Some("3."));
    for path in [
        "/v1/prove/record",
        "/v1/prove/identity",
        "/v1/prove/ballot",
        "/v1/verify",
        "/readyz",
        "/metrics",
    ] {
        assert!(v["paths"].get(path).is_some(), "{path}");
    }
}

#[test]
fn settings_come_from_flags_then_environment_then_the_file() {
    let (tmp, _auth, genesis) = authorities();
    let config = tmp.path().join("serve.toml");
    std::fs::write(
        &config,
        format!(
            "addr = \"127.0.0.1:0\"\nworkers = 1\nqueue = 5\nlog_format = \"json\"\nkeys = \"{}\"\ndata_dir = \"{}\"\ngenesis = \"{}\"\n",
            p(keys()),
            p(&tmp.path().join("serve")),
            p(&genesis)
        ),
    )
    .unwrap();
    let capacity = |env: &[(&str, &str)], flags: &[&str]| {
        let mut cmd = Command::new(BIN);
        cmd.args(["serve", "--config", p(&config)]).args(flags);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.stderr(Stdio::piped()).spawn().unwrap();
        let mut found = None;
        for line in BufReader::new(child.stderr.take().unwrap())
            .lines()
            .map_while(Result::ok)
        {
            if line.contains("listening") {
                let v: Value = serde_json::from_str(&line).unwrap();
                found = v["capacity"].as_u64();
                break;
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        found.unwrap()
    };
    // The file alone: 1 thread + 5 queued.
    assert_eq!(capacity(&[], &[]), 6);
    // The environment over the file.
    assert_eq!(capacity(&[("ZKGOV_SERVE_QUEUE", "3")], &[]), 4);
    // A flag over both.
    assert_eq!(
        capacity(&[("ZKGOV_SERVE_QUEUE", "3")], &["--workers", "2"]),
        5
    );
    // An unknown key in the file is refused, naming the file (exit 2).
    std::fs::write(&config, "adress = \"127.0.0.1:0\"\n").unwrap();
    let o = zkgov(&["serve", "--config", p(&config)]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("serve.toml"), "{}", text(&o));
}

/// `--table-mib`: the keys' bases get window tables at start, and the
/// proofs made with them verify offline like any other.
#[test]
fn window_tables_give_proofs_that_verify() {
    let (tmp, auth, genesis) = authorities();
    let data = tmp.path().join("serve");
    let svc = serve(&data, &genesis, None, &["--table-mib", "128"]);
    let url = svc.url.clone();
    // The flag reached the keys: the listening line reports their tables.
    let listening = (0..100)
        .find_map(|_| {
            let line = svc
                .log()
                .into_iter()
                .find(|l| l.contains("zkgov serve listening"));
            if line.is_none() {
                std::thread::sleep(Duration::from_millis(50));
            }
            line
        })
        .expect("no listening line");
    let v: serde_json::Value = serde_json::from_str(&listening).unwrap();
    let fields = if v["fields"].is_object() {
        &v["fields"]
    } else {
        &v
    };
    let bytes = fields["table_bytes"].as_u64().unwrap_or(0);
    // At most 128 MiB for each key.
    let keys = fields["keys"].as_str().unwrap_or("").split(',').count() as u64;
    assert!(bytes > 0 && bytes <= keys * (128 << 20), "{listening}");
    let w = World::populate(tmp.path(), &auth, &format!("{url}/ledger"));
    let a = post(
        &url,
        "/v1/prove/record",
        &w.record_body(5, &w.request("record", "benefits", "600")),
    );
    assert_eq!(a.status, 200, "{}", a.body);
    check_offline(&w, &a);
}
