//! Load generator for crash testing: opens the ledger in `DIR` and appends
//! registry roots from 8 threads until killed, printing `ACK <index>` after
//! each acknowledged (durable) append and `CP <size> <root base64>` for each
//! checkpoint it sees. The crash test SIGKILLs it at random moments.
//!
//! Usage: `zkgov-ledger-loadgen DIR [POSTGRES_URL]` (with a URL, the log is
//! kept in that PostgreSQL database, as `dir::open_postgres` does). It uses
//! a fixed, public authority key: a test tool, never a deployment.

use std::{io::Write, path::PathBuf, sync::Arc};

use ed25519_dalek::SigningKey;
use zkgov_ledger::authority::{AuthoritySigner, RootPublication};
use zkgov_verifier::{encoding::b64_encode, Fr, MerkleRoot, Role};

const THREADS: u64 = 8;

fn main() {
    let Some(dir) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: zkgov-ledger-loadgen DIR [POSTGRES_URL]");
        std::process::exit(2);
    };
    let key = SigningKey::from_bytes(&[7; 32]); // ok: public test key of a load generator
    let signer = Arc::new(AuthoritySigner::from_key(
        "loadgen",
        Role::RegistryAuthority,
        (0..THREADS).map(|t| format!("r{t}")).collect(),
        key,
    ));
    let authorities = vec![signer.authority().clone()];
    let opened = match std::env::args().nth(2) {
        Some(url) => {
            zkgov_ledger::dir::open_postgres(&dir, &url, Some("zkgov.test/crash"), authorities)
        }
        None => zkgov_ledger::dir::open_dir(&dir, Some("zkgov.test/crash"), authorities),
    };
    let ledger = match opened {
        Ok(l) => l,
        Err(e) => {
            eprintln!("open: {e}");
            std::process::exit(1);
        }
    };
    let start = ledger.size();
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let (ledger, signer) = (ledger.clone(), signer.clone());
            std::thread::spawn(move || {
                let origin = ledger.origin().to_owned();
                for i in 0.. {
                    // Epochs continue across restarts: start above any earlier run.
                    let epoch = start * 1000 + i + 1;
                    let registry = format!("r{t}");
                    let sub = signer.publish_root(
                        &origin,
                        RootPublication {
                            registry_id: &registry,
                            epoch,
                            root: MerkleRoot(Fr::from(epoch * THREADS + t + 1)),
                            leaf_count: 1,
                            // The ledger refuses back-dated publications.
                            published_at: std::time::SystemTime::now()
                                .duration_since(std::time::UNIX_EPOCH)
                                .map_or(0, |d| d.as_secs()),
                        },
                    );
                    match ledger.submit(sub) {
                        Ok(receipt) => {
                            let cp = ledger.checkpoint().ok();
                            let mut out = std::io::stdout().lock();
                            let _ = writeln!(out, "ACK {}", receipt.index);
                            if let Some(c) = cp {
                                let _ = writeln!(out, "CP {} {}", c.size, b64_encode(&c.root));
                            }
                            let _ = out.flush();
                        }
                        Err(e) => {
                            eprintln!("submit: {e}");
                            std::process::exit(1);
                        }
                    }
                }
            })
        })
        .collect();
    for h in handles {
        let _ = h.join();
    }
}
