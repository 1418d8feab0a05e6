//! `zkgov authority keygen`: a ledger authority's Ed25519 key.

use std::path::PathBuf;

use rand::rngs::OsRng;
use zkgov_ledger::authority::AuthoritySigner;
use zkgov_verifier::Role;

use super::shared::write;
use crate::exit::CliError;

#[derive(clap::Subcommand)]
pub(crate) enum Cmd {
    /// Create an authority's key file (Ed25519, mode 0600) and print its public description (for the genesis or a key registration).
    Keygen {
        /// The authority's name on the ledger (letters, digits, `-`, `_`, `.`).
        #[arg(long)]
        name: String,
        /// Its role.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// A registry it may publish roots for (repeat for several).
        #[arg(long = "registry")]
        registries: Vec<String>,
        /// Key file to create (secret).
        #[arg(long)]
        key_out: PathBuf,
        /// Also write the public description here.
        #[arg(long)]
        public_out: Option<PathBuf>,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
        .map_err(|_| format!("one of: {}", Role::ALL.map(|r| r.as_str()).join(", ")))
}

pub(crate) fn exec(c: Cmd) -> Result<(), CliError> {
    let Cmd::Keygen {
        name,
        role,
        registries,
        key_out,
        public_out,
    } = c;
    if role.publishes_roots() == registries.is_empty() {
        return Err(CliError::Usage(format!(
            "a {role} {} --registry",
            if role.publishes_roots() {
                "needs at least one"
            } else {
                "publishes no roots: give no"
            }
        )));
    }
    let signer = AuthoritySigner::generate(&name, role, registries, &mut OsRng);
    signer.write(&key_out)?;
    let public = serde_json::to_string_pretty(signer.authority()).unwrap_or_default();
    if let Some(path) = &public_out {
        write(path, &public)?;
    }
    println!("{public}");
    eprintln!(
        "{role} key written to {} (secret); the lines above are its public description",
        key_out.display()
    );
    Ok(())
}
