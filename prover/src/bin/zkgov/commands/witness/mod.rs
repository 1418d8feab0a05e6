//! `zkgov witness ...`: a C2SP tlog-witness another agency runs.

mod serve;

use crate::exit::CliError;

#[derive(clap::Subcommand)]
pub(crate) enum Cmd {
    /// Serve a witness (C2SP tlog-witness) for the logs given, until interrupted.
    Serve(serve::Args),
}

pub(crate) fn exec(c: Cmd) -> Result<(), CliError> {
    match c {
        Cmd::Serve(a) => serve::exec(a),
    }
}
