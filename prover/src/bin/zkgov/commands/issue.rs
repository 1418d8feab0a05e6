//! `zkgov issue`: sign a credential into the holder's new file.

use std::path::PathBuf;

use zkgov_prover::{clock::date_or_today, issue_to_files, IssueRequest, IssuerKey};
use zkgov_verifier::{identity::Date, identity::Schema, parse_decimal};

use super::shared::{read, read_json};
use crate::exit::CliError;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Issuer key file.
    #[arg(long)]
    key: PathBuf,
    /// Issuer register (updated: the credential takes the next revocation nonce).
    #[arg(long)]
    register: PathBuf,
    /// Credential schema (JSON).
    #[arg(long)]
    schema: PathBuf,
    /// Attribute values (JSON object: name -> value as the schema types it).
    #[arg(long)]
    attributes: PathBuf,
    /// The holder's commitment (decimal, from `zkgov holder new`).
    #[arg(long)]
    holder_commitment: String,
    /// Issuance date (YYYY-MM-DD; default today, UTC).
    #[arg(long)]
    issued: Option<String>,
    /// Last day of validity (YYYY-MM-DD).
    #[arg(long)]
    expires: String,
    /// Credential file to write (for the holder).
    #[arg(long)]
    out: PathBuf,
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    let key = IssuerKey::read(&a.key)?;
    let schema = Schema::from_json(&read(&a.schema)?)?;
    let cred = issue_to_files(
        &key,
        &a.register,
        IssueRequest {
            schema: &schema,
            values: read_json(&a.attributes)?,
            holder_commitment: parse_decimal(&a.holder_commitment, "holder commitment")?,
            issued: date_or_today(a.issued.as_deref())?,
            expires: Date::parse(&a.expires)?,
        },
        &a.out,
    )?;
    eprintln!(
        "credential (revocation nonce {}) written to {}",
        cred.body.revocation_nonce,
        a.out.display()
    );
    Ok(())
}
