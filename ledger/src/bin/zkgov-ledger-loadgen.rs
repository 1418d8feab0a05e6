//! Load generator for crash testing: opens the ledger in `DIR` and appends
//! registry roots from 8 threads until killed, printing `ACK <index>` after
//! each acknowledged (durable) append and `CP <size> <root base64>` for each
//! checkpoint it sees. The crash test SIGKILLs it at random moments.
//!
//! Usage: `zkgov-ledger-loadgen DIR`. It uses a fixed, public authority key:
//! a test tool, never a deployment.

use std::{io::Write, path::PathBuf, sync::Arc};

use base64::Engine;
use ed25519_dalek::{Signer, SigningKey};
use zkgov_ledger::Submission;
use zkgov_verifier::entry::{signing_message, Authority, EntryBody, RegistryRoot, Role};

const THREADS: u64 = 8;

fn main() {
    let Some(dir) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: zkgov-ledger-loadgen DIR");
        std::process::exit(2);
    };
    let key = Arc::new(SigningKey::from_bytes(&[7; 32])); // ok: public test key of a load generator
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let authority = Authority {
        name: "loadgen".into(),
        role: Role::RegistryAuthority,
        public_key: b64(key.verifying_key().as_bytes()),
        registries: (0..THREADS).map(|t| format!("r{t}")).collect(),
    };
    let ledger = match zkgov_ledger::dir::open_dir(&dir, "zkgov.test/crash", vec![authority]) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("open: {e}");
            std::process::exit(1);
        }
    };
    let start = ledger.size();
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let (ledger, key) = (ledger.clone(), key.clone());
            std::thread::spawn(move || {
                for i in 0.. {
                    // Epochs continue across restarts: start above any earlier run.
                    let epoch = start * 1000 + i + 1;
                    let mut body = EntryBody::RegistryRoot(RegistryRoot {
                        authority: "loadgen".into(),
                        registry_id: format!("r{t}"),
                        epoch,
                        root: (epoch * THREADS + t + 1).to_string(),
                        leaf_count: 1,
                        published_at: 0,
                        signature: String::new(),
                    });
                    let sig = key.sign(&signing_message(&body)).to_bytes();
                    if let EntryBody::RegistryRoot(r) = &mut body {
                        r.signature = base64::engine::general_purpose::STANDARD.encode(sig);
                    }
                    let EntryBody::RegistryRoot(r) = body else {
                        return;
                    };
                    match ledger.submit(Submission::RegistryRoot(r)) {
                        Ok(receipt) => {
                            let cp = ledger.checkpoint().ok();
                            let mut out = std::io::stdout().lock();
                            let _ = writeln!(out, "ACK {}", receipt.index);
                            if let Some(c) = cp {
                                let _ = writeln!(
                                    out,
                                    "CP {} {}",
                                    c.size,
                                    base64::engine::general_purpose::STANDARD.encode(c.root)
                                );
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
