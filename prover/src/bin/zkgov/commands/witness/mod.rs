//! `zkgov witness ...`: a C2SP tlog-witness another agency runs.

mod key;
mod serve;

use crate::exit::CliError;

#[derive(clap::Subcommand)]
pub(crate) enum Cmd {
    /// Serve a witness (C2SP tlog-witness) for the logs given, until interrupted.
    Serve(serve::Args),
    /// Print the witness's key (cosignature/v1 vkey), making it if missing.
    Key(key::Args),
}

pub(crate) fn exec(c: Cmd) -> Result<(), CliError> {
    match c {
        Cmd::Serve(a) => serve::exec(a),
        Cmd::Key(a) => key::exec(a),
    }
}
