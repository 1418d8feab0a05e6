//! The error contract over HTTP: every documented status, through the
//! client a prover or authority uses, with its stable code; and no client
//! input answered with a 5xx.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::{
    io::{Read, Write},
    net::TcpStream,
    time::{Duration, Instant},
};

use common::*;
use zkgov_ledger::{
    http::{serve_with, LedgerClient, ServeConfig, MAX_BODY},
    ErrorBody, ErrorCode, LedgerError, Submission,
};
use zkgov_verifier::Fr;

struct Server {
    url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    rt: tokio::runtime::Runtime,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Server {
    fn start(ledger: zkgov_ledger::Ledger, config: ServeConfig) -> Server {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = rt.spawn(serve_with(
            ledger,
            listener,
            async move {
                let _ = stopped.await;
            },
            config,
        ));
        Server {
            url,
            stop: Some(stop),
            rt,
            task: Some(task),
        }
    }

    fn client(&self) -> LedgerClient {
        LedgerClient::Http(self.url.clone())
    }

    /// Status and error body of a raw request (the body is `None` on success).
    fn raw(&self, method: &str, path: &str, body: &str) -> (u16, Option<ErrorBody>) {
        let req = ureq::request(method, &format!("{}{path}", self.url))
            .set("content-type", "application/json");
        let r = if body.is_empty() {
            req.call()
        } else {
            req.send_string(body)
        };
        match r {
            Ok(resp) => (resp.status(), None),
            Err(ureq::Error::Status(code, resp)) => {
                let text = resp.into_string().unwrap();
                let body: ErrorBody = serde_json::from_str(&text).unwrap_or_else(|e| {
                    panic!("{path}: {code} without an error body ({e}): {text}")
                });
                assert_eq!(body.code.status(), code, "{path}: {body:?}");
                (code, Some(body))
            }
            Err(e) => panic!("{path}: {e}"),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = self.rt.block_on(t);
        }
    }
}

fn code_of(r: Result<impl std::fmt::Debug, LedgerError>) -> ErrorCode {
    r.expect_err("accepted").code()
}

#[test]
fn every_status_through_the_client() {
    let (ledger, k) = memory_ledger();
    let p = proofs();
    let server = Server::start(ledger.clone(), ServeConfig::default());
    let client = server.client();
    let at = 1_800_000_000;

    // 400 malformed: a submission that does not parse.
    assert_eq!(server.raw("POST", "/v1/entries", "{not json").0, 400);
    // 400 invalid-signature: a root signed by a key that is not the authority's.
    let wrong = ed25519_dalek::SigningKey::from_bytes(&[77; 32]);
    let e = client
        .submit(&root_submission(&wrong, 1, Fr::from(5u64), 10, at))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidSignature, "{e}");
    assert_eq!(e.code().status(), 400);
    // 403 unauthorised: an authority the ledger does not know.
    let mut unknown = root_submission(&k.land, 1, Fr::from(5u64), 10, at);
    if let Submission::RegistryRoot(r) = &mut unknown {
        r.authority = "nobody".into();
    }
    assert_eq!(code_of(client.submit(&unknown)), ErrorCode::Unauthorised);
    // 404 not-found: an entry the log does not have.
    assert_eq!(code_of(client.receipt(99)), ErrorCode::NotFound);
    assert_eq!(code_of(client.entry(99)), ErrorCode::NotFound);
    // 413 too-large: a body over the limit.
    let big = format!(
        "{{\"type\":\"proof\",\"bundle\":\"{}\"}}",
        "x".repeat(MAX_BODY)
    );
    let (status, body) = server.raw("POST", "/v1/entries", &big);
    assert_eq!((status, body.unwrap().code), (413, ErrorCode::TooLarge));

    // 422 refused: a valid proof whose key is not registered, then whose
    // root nobody published: both verify, the ledger's rules refuse them.
    let b = p.bundle(1, 7, 1, 1);
    let proof = Submission::Proof {
        bundle: Box::new(b.clone()),
    };
    let e = client.submit(&proof).unwrap_err();
    assert_eq!(
        (e.code(), e.code().status()),
        (ErrorCode::Refused, 422),
        "{e}"
    );
    client.submit(&vk_submission(&k.admin, &p.vk)).unwrap();
    assert_eq!(code_of(client.submit(&proof)), ErrorCode::Refused);
    client
        .submit(&root_submission(&k.land, 1, p.tree.root(), 6, at))
        .unwrap();
    // 400 invalid-proof: the same bundle with a tampered public input.
    let mut tampered = b.clone();
    tampered.public_inputs[5] += Fr::from(1u64);
    assert_eq!(
        code_of(client.submit(&Submission::Proof {
            bundle: Box::new(tampered)
        })),
        ErrorCode::InvalidProof
    );
    let first = client.submit(&proof).unwrap();

    // 409 nullifier-used, with the entry that used it, as the same typed
    // error the in-process ledger gives.
    let again = Submission::Proof {
        bundle: Box::new(p.rerandomise(&b, 5)),
    };
    match client.submit(&again) {
        Err(LedgerError::NullifierUsed { index }) => assert_eq!(index, first.index),
        other => panic!("expected nullifier-used, got {other:?}"),
    }
    assert!(matches!(
        ledger.submit(again),
        Err(LedgerError::NullifierUsed { index }) if index == first.index
    ));
    // 409 duplicate and stale-epoch.
    assert_eq!(
        code_of(client.submit(&vk_submission(&k.admin, &p.vk))),
        ErrorCode::Duplicate
    );
    assert_eq!(
        code_of(client.submit(&root_submission(&k.land, 1, Fr::from(9u64), 6, at))),
        ErrorCode::StaleEpoch
    );
    // The nullifier lookup agrees.
    let n = b.public().unwrap();
    let zkgov_verifier::PublicInputs::Record(n) = n else {
        panic!()
    };
    assert_eq!(
        client.nullifier(&n.scope, &n.nullifier).unwrap(),
        Some(first.index)
    );
}

#[test]
fn client_input_never_gets_a_5xx_and_parameters_are_canonical() {
    let (ledger, k) = memory_ledger();
    let p = proofs();
    ledger.submit(vk_submission(&k.admin, &p.vk)).unwrap();
    ledger
        .submit(root_submission(&k.land, 1, p.tree.root(), 6, 1_800_000_000))
        .unwrap();
    let b = p.bundle(2, 5, 1, 1);
    ledger
        .submit(Submission::Proof {
            bundle: Box::new(b.clone()),
        })
        .unwrap();
    let zkgov_verifier::PublicInputs::Record(pi) = b.public().unwrap() else {
        panic!()
    };
    let server = Server::start(ledger.clone(), ServeConfig::default());
    let (scope, n) = (pi.scope.to_string(), pi.nullifier.to_string());

    // The spent nullifier is found under its canonical spelling only: a
    // leading zero is refused, not answered "unused".
    let used: serde_json::Value = ureq::get(&format!("{}/v1/nullifiers/{scope}/{n}", server.url))
        .call()
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(used["used"], true);
    for path in [
        format!("/v1/nullifiers/0{scope}/{n}"),
        format!("/v1/nullifiers/{scope}/0{n}"),
        format!("/v1/nullifiers/{scope}/-{n}"),
        "/v1/nullifiers/1/21888242871839275222246405745257275088548364400416034343698204186575808495617".into(),
    ] {
        let (status, body) = server.raw("GET", &path, "");
        assert_eq!((status, body.unwrap().code), (400, ErrorCode::Malformed), "{path}");
    }
    let cases: &[(&str, u16)] = &[
        ("/v1/entries/1", 200),
        ("/v1/entries/01", 400),
        ("/v1/entries/+1", 400),
        ("/v1/entries/18446744073709551615", 404),
        ("/v1/entries/18446744073709551616", 400),
        ("/v1/entries/99999999999999999999999", 400),
        ("/v1/receipts/18446744073709551615", 404),
        ("/v1/receipts/x", 400),
        ("/v1/proofs/inclusion?index=0&size=2", 200),
        ("/v1/proofs/inclusion?index=2&size=2", 400),
        (
            "/v1/proofs/inclusion?index=0&size=18446744073709551615",
            404,
        ),
        ("/v1/proofs/inclusion?index=0", 400),
        ("/v1/proofs/inclusion?index=0&size=2&size=2", 400),
        ("/v1/proofs/inclusion?index=0&size=2&x=1", 400),
        ("/v1/proofs/inclusion?index=00&size=2", 400),
        ("/v1/proofs/consistency?from=1&to=2", 200),
        ("/v1/proofs/consistency?from=3&to=2", 400),
        ("/v1/proofs/consistency?from=0&to=18446744073709551615", 404),
        ("/v1/roots/parcels", 200),
        ("/v1/genesis", 200),
        ("/v1/no-such-route", 404),
    ];
    for (path, want) in cases {
        let (status, body) = server.raw("GET", path, "");
        assert_eq!(status, *want, "{path}: {body:?}");
    }
    for body in [
        "",
        "null",
        "[]",
        r#"{"type":"proof"}"#,
        r#"{"type":"proof","bundle":{}}"#,
        r#"{"type":"registry-root","authority":"land-registry"}"#,
        r#"{"type":"nope"}"#,
        "\u{0}\u{1}",
    ] {
        let (status, _) = server.raw("POST", "/v1/entries", body);
        assert_eq!(status, 400, "{body:?}");
    }
}

#[test]
fn slow_clients_are_cut_off() {
    let (ledger, _k) = memory_ledger();
    let config = ServeConfig {
        header_timeout: Duration::from_millis(300),
        body_timeout: Duration::from_millis(300),
        ..ServeConfig::default()
    };
    let server = Server::start(ledger, config);
    let addr = server.url.trim_start_matches("http://").to_owned();

    // Headers that never finish: the connection is closed.
    let mut s = TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(b"GET /v1/checkpoint HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let t = Instant::now();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "header timeout not applied"
    );

    // A body that never arrives: 408 with the error body.
    let mut s = TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(
        b"POST /v1/entries HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n{\"type\"",
    )
    .unwrap();
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains(r#""code":"timeout""#), "{answer}");
}
