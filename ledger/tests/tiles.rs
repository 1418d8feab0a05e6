//! The C2SP tlog-tiles read API (https://c2sp.org/tlog-tiles) on a served
//! ledger of 301 entries, read by a client written here from the spec
//! alone: the signed checkpoint, hash tiles at levels 0 and 1 (full and
//! partial), entry bundles; the root recomputed from the entries equals
//! the checkpoint's; immutable tiles are cacheable; tiles the tree does not
//! hold and paths that are not canonical are 404s.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Read;

use ark_bn254::Fr;
use common::*;
use zkgov_ledger::http::{serve_with, ServeConfig};
use zkgov_tlog::{leaf_hash, node_hash, root_of, verify_checkpoint, Hash};

fn get(url: &str) -> (u16, Option<String>, Option<String>, Vec<u8>) {
    let (status, resp) = match ureq::get(url).call() {
        Ok(r) => (r.status(), r),
        Err(ureq::Error::Status(s, r)) => (s, r),
        Err(e) => panic!("{e}"),
    };
    let ctype = resp.header("content-type").map(str::to_owned);
    let cache = resp.header("cache-control").map(str::to_owned);
    let mut body = Vec::new();
    resp.into_reader().read_to_end(&mut body).unwrap();
    (status, ctype, cache, body)
}

fn hashes(body: &[u8]) -> Vec<Hash> {
    assert_eq!(body.len() % 32, 0);
    body.chunks(32).map(|c| c.try_into().unwrap()).collect()
}

/// Entries of a bundle: big-endian u16 lengths, then the bytes.
fn entries(mut body: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    while !body.is_empty() {
        let n = u16::from_be_bytes([body[0], body[1]]) as usize;
        out.push(body[2..2 + n].to_vec());
        body = &body[2 + n..];
    }
    out
}

#[test]
fn a_client_from_the_spec_reads_the_log_through_tiles() {
    let (ledger, k) = memory_ledger();
    for epoch in 1..=300u64 {
        ledger
            .submit(root_submission(
                &k.land,
                epoch,
                Fr::from(epoch + 7),
                10,
                1_800_000_000,
            ))
            .unwrap();
    }
    let log_key = ledger.note_verifier();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    rt.spawn(serve_with(
        ledger,
        listener,
        std::future::pending(),
        ServeConfig::default(),
    ));

    let (status, ctype, _, note) = get(&format!("{url}/checkpoint"));
    assert_eq!(status, 200);
    assert_eq!(ctype.as_deref(), Some("text/plain; charset=utf-8"));
    let cp = verify_checkpoint(&note, std::slice::from_ref(&log_key))
        .unwrap()
        .checkpoint;
    assert_eq!(cp.size, 301);

    // Level 0: one full tile and a partial of 45; the bundles beside them.
    let (status, ctype, cache, full) = get(&format!("{url}/tile/0/000"));
    assert_eq!(status, 200);
    assert_eq!(ctype.as_deref(), Some("application/octet-stream"));
    assert_eq!(
        cache.as_deref(),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(full.len(), 8192);
    let (status, _, _, partial) = get(&format!("{url}/tile/0/001.p/45"));
    assert_eq!(status, 200);
    let mut leaves = hashes(&full);
    leaves.extend(hashes(&partial));
    assert_eq!(leaves.len(), 301);
    let mut all = entries(&get(&format!("{url}/tile/entries/000")).3);
    all.extend(entries(&get(&format!("{url}/tile/entries/001.p/45")).3));
    assert_eq!(all.len(), 301);
    for (i, (e, h)) in all.iter().zip(&leaves).enumerate() {
        assert_eq!(leaf_hash(e), *h, "entry {i}");
    }
    // The tree recomputed from the entries is the checkpoint's.
    let from_entries: Vec<Hash> = all.iter().map(|e| leaf_hash(e)).collect();
    assert_eq!(root_of(&from_entries), cp.root);
    // Level 1: one hash, the tree hash of the full level-0 tile.
    let (status, _, _, l1) = get(&format!("{url}/tile/1/000.p/1"));
    assert_eq!(status, 200);
    let mut level = hashes(&full);
    while level.len() > 1 {
        level = level.chunks(2).map(|p| node_hash(&p[0], &p[1])).collect();
    }
    assert_eq!(hashes(&l1), level);
    // A narrower partial of the same tile is its prefix.
    assert_eq!(get(&format!("{url}/tile/0/001.p/3")).3, partial[..96]);

    // What the tree does not hold, and paths that are not canonical: 404.
    for path in [
        "tile/0/001",
        "tile/0/001.p/46",
        "tile/0/002.p/1",
        "tile/1/000",
        "tile/2/000.p/1",
        "tile/entries/001",
        "tile/entries/001.p/46",
        "tile/0/1",
        "tile/00/000",
        "tile/0/x000/000",
        "tile/0/001.p/045",
        "tile/0/001.p/0",
        "tile/64/000",
        "tile/entries",
        "tile/",
    ] {
        let (status, ctype, _, body) = get(&format!("{url}/{path}"));
        assert_eq!(status, 404, "{path}");
        assert_eq!(ctype.as_deref(), Some("application/json"), "{path}");
        let e: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(e["code"], "not-found", "{path}");
    }
}
