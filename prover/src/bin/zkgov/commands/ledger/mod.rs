//! `zkgov ledger ...`: what the ledger operator and the authorities do.

mod audit;
mod demo_authorities;
mod export;
mod genesis;
mod key;
mod publish_root;
mod register_agency;
mod register_key;
mod register_vk;
mod serve;

use std::path::PathBuf;

use zkgov_ledger::authority::AuthoritySigner;
use zkgov_prover::LedgerSession;

use crate::exit::CliError;

#[derive(clap::Subcommand)]
pub(crate) enum Cmd {
    /// Serve the ledger's HTTP API until interrupted.
    Serve(serve::Args),
    /// Print the log's key (note verifier vkey), making it if missing: for witnesses and a cluster's nodes.
    Key(key::Args),
    /// Write or extend a genesis file naming authorities and their roles (for `ledger serve --genesis`).
    Genesis(genesis::Args),
    /// Admin: register a further authority's key on a served ledger.
    RegisterKey(register_key::Args),
    /// Admin: register an agency (relying party) and the scope labels it may use.
    RegisterAgency(register_agency::Args),
    /// Auditor: replay the whole log and re-verify every anchored proof; names each failing entry.
    Audit(audit::Args),
    /// Auditor: write every entry under the latest checkpoint to one file (for `election audit --export`).
    Export(export::Args),
    /// Admin: register a verifying key from the key manifest on a served ledger.
    RegisterVk(register_vk::Args),
    /// Authority: publish a registry's signed root with its epoch and record count.
    PublishRoot(publish_root::Args),
    /// Create the demo's authority keys (admin, land registry, accreditation authority, civil registry) and the
    /// genesis file naming them, for `ledger serve --genesis`.
    DemoAuthorities(demo_authorities::Args),
}

pub(crate) fn exec(c: Cmd) -> Result<(), CliError> {
    match c {
        Cmd::Serve(a) => serve::exec(a),
        Cmd::Genesis(a) => genesis::exec(a),
        Cmd::Key(a) => key::exec(a),
        Cmd::RegisterKey(a) => register_key::exec(a),
        Cmd::RegisterVk(a) => register_vk::exec(a),
        Cmd::RegisterAgency(a) => register_agency::exec(a),
        Cmd::Audit(a) => audit::exec(a),
        Cmd::Export(a) => export::exec(a),
        Cmd::PublishRoot(a) => publish_root::exec(a),
        Cmd::DemoAuthorities(a) => demo_authorities::exec(a),
    }
}

/// A served ledger and the key that signs for it.
#[derive(clap::Args)]
pub(crate) struct Signed {
    /// The ledger's URL (`http://HOST:PORT`).
    #[arg(long)]
    ledger: String,
    /// The signing authority's key file (from `zkgov authority keygen`).
    #[arg(long)]
    authority_key: PathBuf,
}

impl Signed {
    fn open(&self) -> Result<(LedgerSession, AuthoritySigner), CliError> {
        Ok((
            LedgerSession::http(&self.ledger)?,
            AuthoritySigner::read(&self.authority_key)?,
        ))
    }
}
