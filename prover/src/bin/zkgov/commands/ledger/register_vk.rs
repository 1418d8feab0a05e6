//! `zkgov ledger register-vk`: the admin registers a verifying key from
//! the key manifest.

use zkgov_params::{key_depth, KeyDir};

use super::{
    super::shared::{KeysArg, Statement, DEFAULT_DEPTH},
    Signed,
};
use crate::exit::CliError;

#[derive(clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    admin: Signed,
    /// The statement.
    #[arg(long, value_enum, default_value_t = Statement::Record)]
    statement: Statement,
    /// Registry tree depth (record membership).
    #[arg(long, default_value_t = DEFAULT_DEPTH)]
    depth: usize,
    #[command(flatten)]
    keys: KeysArg,
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    let st = a.statement.into();
    let depth = key_depth(st, a.depth);
    let vk = KeyDir::new(&a.keys.keys).verifying_key(st, depth)?;
    let (session, admin) = a.admin.open()?;
    match session.register_vk(&admin, st, depth, &vk)? {
        Some(r) => {
            println!("{}", r.index);
            eprintln!(
                "{st} depth {depth} key {} registered: ledger entry {}",
                vk.digest(),
                r.index
            );
        }
        None => eprintln!(
            "{st} depth {depth} key {} is already registered",
            vk.digest()
        ),
    }
    Ok(())
}
