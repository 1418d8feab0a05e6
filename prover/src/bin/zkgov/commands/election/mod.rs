//! `zkgov election ...`: the electoral commission (roll), the trustees
//! (deal, combine, decrypt), the election authority (define), the voters
//! (cast) and anyone (tally, audit). The cryptography is in
//! `zkgov_verifier::election`, the files and proving in
//! `zkgov_prover::election`.

mod audit;
mod cast;
mod combine;
mod deal;
mod decrypt;
mod define;
mod roll;
mod tally;

use crate::exit::CliError;

#[derive(clap::Subcommand)]
pub(crate) enum Cmd {
    /// Electoral commission: build the electoral roll from voters' commitments; print its root, and publish it.
    Roll(roll::Args),
    /// Trustee: draw this trustee's polynomial; write its public commitments and one private share per trustee.
    Deal(deal::Args),
    /// Trustee: check every trustee's commitments and the shares received; write this trustee's key share.
    Combine(combine::Args),
    /// Election authority: define an election (options, rules, roll, trustees, quorum, window) on the ledger.
    Define(define::Args),
    /// Voter: encrypt a ballot, prove it well formed and the voter eligible, and cast it.
    Cast(cast::Args),
    /// Trustee, after the close: verify every ballot, decrypt the aggregate with a proof, and publish it.
    Decrypt(decrypt::Args),
    /// Anyone, after a quorum of decryptions: combine them, recover the counts, and publish the result.
    Tally(tally::Args),
    /// Auditor: replay the ledger (or an export of it) and check an election in ElectionGuard's five steps.
    Audit(audit::Args),
}

pub(crate) fn exec(c: Cmd) -> Result<(), CliError> {
    match c {
        Cmd::Roll(a) => roll::exec(a),
        Cmd::Deal(a) => deal::exec(a),
        Cmd::Combine(a) => combine::exec(a),
        Cmd::Define(a) => define::exec(a),
        Cmd::Cast(a) => cast::exec(a),
        Cmd::Decrypt(a) => decrypt::exec(a),
        Cmd::Tally(a) => tally::exec(a),
        Cmd::Audit(a) => audit::exec(a),
    }
}
