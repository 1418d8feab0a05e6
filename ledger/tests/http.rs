//! The HTTP API end to end on loopback, through the client the prover uses.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use zkgov_ledger::{
    http::{serve, LedgerClient, MAX_BODY},
    ErrorCode, Submission,
};
use zkgov_verifier::{log::verify_checkpoint, Fr};

#[test]
fn api_appends_serves_proofs_and_refuses_bad_requests() {
    let (ledger, k) = memory_ledger();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = rt.spawn(serve(ledger.clone(), listener, async move {
        let _ = stopped.await;
    }));
    let client = LedgerClient::Http(url.clone());
    let log = ledger.note_verifier();

    let r = client
        .submit(&root_submission(
            &k.land,
            1,
            Fr::from(5u64),
            10,
            1_800_000_000,
        ))
        .unwrap();
    assert_eq!(r.verify(&log).unwrap().index, 1);
    let cp = verify_checkpoint(
        client.checkpoint().unwrap().as_bytes(),
        std::slice::from_ref(&log),
    )
    .unwrap();
    assert_eq!(cp.checkpoint.size, 2);
    assert_eq!(
        client
            .receipt(0)
            .unwrap()
            .verify(&log)
            .unwrap()
            .entry
            .kind(),
        "genesis"
    );

    let status = |r: Result<ureq::Response, ureq::Error>| match r {
        Ok(resp) => resp.status(),
        Err(ureq::Error::Status(code, _)) => code,
        Err(e) => panic!("{e}"),
    };
    let get = |path: &str| status(ureq::get(&format!("{url}{path}")).call());
    assert_eq!(get("/v1/entries/1"), 200);
    assert_eq!(get("/v1/entries/99"), 404);
    assert_eq!(get("/v1/receipts/99"), 404);
    assert_eq!(get("/v1/proofs/inclusion?index=0&size=2"), 200);
    assert_eq!(get("/v1/proofs/inclusion?index=2&size=2"), 400);
    assert_eq!(get("/v1/proofs/consistency?from=1&to=2"), 200);
    assert_eq!(get("/v1/proofs/consistency?from=3&to=2"), 400);
    assert_eq!(get("/v1/nullifiers/1/2"), 200);
    let roots: serde_json::Value = ureq::get(&format!("{url}/v1/roots/parcels"))
        .call()
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(roots.as_array().unwrap().len(), 1);

    // Refusals: typed, with a reason, nothing written.
    let size = ledger.size();
    let post = |body: String| {
        status(
            ureq::post(&format!("{url}/v1/entries"))
                .set("content-type", "application/json")
                .send_string(&body),
        )
    };
    assert_eq!(post("{not json".into()), 400);
    assert_eq!(
        (post(format!(
            "{{\"type\":\"proof\",\"bundle\":\"{}\"}}",
            "x".repeat(MAX_BODY)
        ))),
        413
    );
    assert_eq!(post(r#"{"type":"proof","bundle":"{}"}"#.into()), 400);
    let wrong = ed25519_dalek::SigningKey::from_bytes(&[77; 32]);
    assert_eq!(
        (post(
            serde_json::to_string(&root_submission(
                &wrong,
                2,
                Fr::from(6u64),
                10,
                1_800_000_000
            ))
            .unwrap()
        )),
        400
    );
    let mut unknown = root_submission(&k.land, 2, Fr::from(6u64), 10, 1_800_000_000);
    if let Submission::RegistryRoot(r) = &mut unknown {
        r.authority = "nobody".into();
    }
    assert_eq!((post(serde_json::to_string(&unknown).unwrap())), 403);
    assert_eq!(
        client.submit(&unknown).unwrap_err().code(),
        ErrorCode::Unauthorised
    );
    assert_eq!(ledger.size(), size);

    let _ = stop.send(());
    rt.block_on(server).unwrap().unwrap();
}
