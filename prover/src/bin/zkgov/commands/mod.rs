//! The subcommands, one module each (cargo's `src/bin/cargo/commands/`).

mod accredit;
mod agency;
mod authority;
mod challenge;
mod demo;
mod election;
mod export;
mod hash;
mod holder;
mod issue;
mod issuer;
mod ledger;
mod prove;
mod prove_zkey;
mod receipt;
mod registry;
mod revoke;
mod serve;
mod setup;
mod shared;
mod verify;
mod witness;

use clap::{Parser, Subcommand};

use crate::exit::CliError;

#[derive(Parser)]
#[command(
    name = "zkgov",
    version,
    about = "Zero-knowledge proofs for public services"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate INSECURE development keys (single party) for a statement.
    Setup(setup::Args),
    /// Build a registry from a JSON or CSV file of records; print its root.
    Registry(registry::Args),
    /// Holder secrets.
    #[command(subcommand)]
    Holder(holder::Cmd),
    /// Credential issuers.
    #[command(subcommand)]
    Issuer(issuer::Cmd),
    /// Issue a signed credential (attributes + holder commitment).
    Issue(issue::Args),
    /// Revoke a credential: update the issuer's register, print its revocation root, and anchor it.
    Revoke(revoke::Args),
    /// Accreditation authority: add an issuer (or refresh its revocations) in the accredited list; print the root and anchor it.
    Accredit(accredit::Args),
    /// Ledger authorities (admin, registry authority, issuer, accreditation authority).
    #[command(subcommand)]
    Authority(authority::Cmd),
    /// Agencies (relying parties): their keys and signed presentation requests.
    #[command(subcommand)]
    Agency(agency::Cmd),
    /// Print a fresh random challenge (a field element) for a verifier session.
    Challenge,
    /// Prove a statement.
    #[command(subcommand)]
    Prove(prove::Cmd),
    /// Verify a zkgov bundle or snarkjs JSON files.
    Verify(verify::Args),
    /// Hashes.
    #[command(subcommand)]
    Hash(hash::Cmd),
    /// Export keys and proofs.
    #[command(subcommand)]
    Export(export::Cmd),
    /// The ledger: serve it, make its genesis, register keys, publish roots.
    #[command(subcommand)]
    Ledger(ledger::Cmd),
    /// Elections: roll, key ceremony, definition, ballots, decryption, tally and audit.
    #[command(subcommand)]
    Election(election::Cmd),
    /// Ledger receipts.
    #[command(subcommand)]
    Receipt(receipt::Cmd),
    /// Run the end-to-end demonstration.
    Demo(demo::Args),
    /// The prover service: prove, anchor and return receipts over HTTP (loopback by default).
    Serve(serve::Args),
    /// A witness that cosigns other agencies' ledger checkpoints (C2SP tlog-witness).
    #[command(subcommand)]
    Witness(witness::Cmd),
}

/// Runs the command.
pub(crate) fn exec(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Setup(a) => setup::exec(a),
        Command::Registry(a) => registry::exec(a),
        Command::Holder(c) => holder::exec(c),
        Command::Issuer(c) => issuer::exec(c),
        Command::Issue(a) => issue::exec(a),
        Command::Revoke(a) => revoke::exec(a),
        Command::Accredit(a) => accredit::exec(a),
        Command::Authority(c) => authority::exec(c),
        Command::Agency(c) => agency::exec(c),
        Command::Challenge => challenge::exec(),
        Command::Prove(c) => prove::exec(c),
        Command::Verify(a) => verify::exec(a),
        Command::Hash(c) => hash::exec(c),
        Command::Export(c) => export::exec(c),
        Command::Ledger(c) => ledger::exec(c),
        Command::Receipt(c) => receipt::exec(c),
        Command::Election(c) => election::exec(c),
        Command::Demo(a) => demo::exec(a),
        Command::Serve(a) => serve::exec(a),
        Command::Witness(c) => witness::exec(c),
    }
}
