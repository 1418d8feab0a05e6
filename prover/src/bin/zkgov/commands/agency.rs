//! `zkgov agency keygen` and `zkgov agency request`: what a relying party
//! does before it asks a citizen for a proof.

use std::path::PathBuf;

use ark_ff::UniformRand;
use rand::rngs::OsRng;
use zkgov_ledger::authority::AgencySigner;
use zkgov_prover::{clock, LedgerSession};
use zkgov_verifier::{
    to_decimal, EntrySignature, Fr, PresentationRequest, StatementId, MAX_REQUEST_LIFETIME,
    REQUEST_FORMAT, REQUEST_VERSION,
};

use super::shared::{read, write, Statement};
use crate::exit::CliError;

#[derive(clap::Subcommand)]
pub(crate) enum Cmd {
    /// Create an agency's key file (Ed25519, mode 0600) and print its public description (for `ledger register-agency`).
    Keygen {
        /// The agency's name (1 to 31 letters, digits, `-`, `_`, `.`): its id in every scope it uses.
        #[arg(long)]
        name: String,
        /// Key file to create (secret).
        #[arg(long)]
        key_out: PathBuf,
        /// Also write the public description here.
        #[arg(long)]
        public_out: Option<PathBuf>,
    },
    /// Sign a presentation request with a fresh challenge; print the challenge.
    Request {
        /// The agency's key file.
        #[arg(long)]
        key: PathBuf,
        /// The ledger the agency is registered on (its origin goes into the request).
        #[arg(long)]
        ledger: String,
        /// The statement to prove.
        #[arg(long, value_enum)]
        statement: Statement,
        /// The policy file (record or identity policy JSON).
        #[arg(long)]
        policy: PathBuf,
        /// The agency's name for the policy (shown to the citizen; default: the file's stem).
        #[arg(long)]
        policy_name: Option<String>,
        /// One of the agency's registered scope labels.
        #[arg(long)]
        scope_label: String,
        /// How long the request stays valid, in seconds.
        #[arg(long, default_value_t = 600)]
        valid_for: u64,
        /// Request file to write.
        #[arg(long)]
        out: PathBuf,
    },
}

pub(crate) fn exec(c: Cmd) -> Result<(), CliError> {
    match c {
        Cmd::Keygen {
            name,
            key_out,
            public_out,
        } => {
            zkgov_verifier::label_to_field::<Fr>(&name)?;
            let signer = AgencySigner::generate(&name, &mut OsRng);
            signer.write(&key_out)?;
            let a = signer.agency(Vec::new());
            let public = serde_json::to_string_pretty(&serde_json::json!({
                "name": a.name,
                "public_key": a.public_key,
            }))
            .unwrap_or_default();
            if let Some(path) = &public_out {
                write(path, &public)?;
            }
            println!("{public}");
            eprintln!(
                "agency key written to {} (secret); the lines above are its public description",
                key_out.display()
            );
            Ok(())
        }
        Cmd::Request {
            key,
            ledger,
            statement,
            policy,
            policy_name,
            scope_label,
            valid_for,
            out,
        } => {
            if valid_for == 0 || valid_for > MAX_REQUEST_LIFETIME {
                return Err(CliError::Usage(format!(
                    "--valid-for is 1 to {MAX_REQUEST_LIFETIME} seconds"
                )));
            }
            let signer = AgencySigner::read(&key)?;
            let session = LedgerSession::http(&ledger)?;
            let policy_doc: serde_json::Value = serde_json::from_str(&read(&policy)?)
                .map_err(|e| CliError::Usage(format!("{}: not JSON: {e}", policy.display())))?;
            let statement: StatementId = statement.into();
            let now = clock::now();
            let challenge = Fr::rand(&mut OsRng);
            let mut request = PresentationRequest {
                format: REQUEST_FORMAT.into(),
                version: REQUEST_VERSION,
                ledger: session.origin.clone(),
                agency: signer.name().into(),
                statement,
                policy_name: policy_name.unwrap_or_else(|| {
                    policy
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default()
                }),
                policy: policy_doc,
                scope_label,
                challenge,
                issued_at: now,
                expires_at: now + valid_for,
                signature: EntrySignature::default(),
            };
            signer.sign(&mut request);
            write(&out, &request.to_json())?;
            println!("{}", to_decimal(&challenge));
            eprintln!(
                "request signed by {} written to {} (valid for {valid_for} s); the line above is its challenge",
                signer.name(),
                out.display()
            );
            Ok(())
        }
    }
}
