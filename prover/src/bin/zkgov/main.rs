//! `zkgov`: the command line of zkgov.
//!
//! One module per subcommand under `commands/`, each holding its clap
//! arguments and a short `exec` that calls the library; the exit status
//! comes from the error's kind, in one place (`exit.rs`):
//!
//! | status | meaning |
//! |---|---|
//! | 0 | success (for `verify`: the proof is valid and proves what was asked) |
//! | 1 | invalid: a proof that does not verify or proves something else, a statement that is false, a refusal by the ledger |
//! | 2 | malformed input or usage: unreadable files, non-canonical numbers, missing keys |
//!
//! The error is printed on standard error after `INVALID` or `ERROR`; a
//! ledger's refusal also carries its stable code, as in
//! `INVALID (nullifier-used): ...`.

mod commands;
mod exit;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = commands::Cli::parse();
    match commands::exec(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let status = exit::ExitStatus::of(&e);
            match exit::ExitStatus::ledger_code(&e) {
                Some(code) => eprintln!("{} ({code}): {e}", status.label()),
                None => eprintln!("{}: {e}", status.label()),
            }
            status.into()
        }
    }
}
