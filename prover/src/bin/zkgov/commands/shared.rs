//! What several commands take: defaults written once, the statement as a
//! value enum, key directories, ledger and authority arguments.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use zkgov_ledger::authority::AuthoritySigner;
use zkgov_prover::{Anchor, LedgerSession, ProverError};
use zkgov_verifier::StatementId;

use crate::exit::CliError;

/// Where keys are kept unless `--keys` says otherwise.
pub(crate) const DEFAULT_KEYS: &str = "zkgov-data/keys";
/// Registry tree depth unless `--depth` says otherwise.
pub(crate) const DEFAULT_DEPTH: usize = 20;

/// A statement, as named on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Statement {
    /// Record membership.
    Record,
    /// Identity credential.
    Identity,
    /// Ballot eligibility (the Groth16 part of a ballot).
    Eligibility,
}

impl From<Statement> for StatementId {
    fn from(s: Statement) -> Self {
        match s {
            Statement::Record => StatementId::RecordMembershipV2,
            Statement::Identity => StatementId::IdentityV2,
            Statement::Eligibility => StatementId::BallotEligibilityV1,
        }
    }
}

/// The key directory.
#[derive(clap::Args)]
pub(crate) struct KeysArg {
    /// Key directory.
    #[arg(long, default_value = DEFAULT_KEYS)]
    pub(crate) keys: PathBuf,
}

/// Reads a text file.
pub(crate) fn read(path: &Path) -> Result<String, CliError> {
    Ok(zkgov_prover::read_text(path)?)
}

/// Replaces a public file atomically.
pub(crate) fn write(path: &Path, text: &str) -> Result<(), CliError> {
    Ok(zkgov_prover::write_public(path, text)?)
}

/// Parses a JSON file into `T`, naming the file when it does not parse.
pub(crate) fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, CliError> {
    serde_json::from_str(&read(path)?).map_err(|e| {
        CliError::Lib(ProverError::Malformed {
            what: path.display().to_string(),
            reason: e.to_string(),
        })
    })
}

/// Anchoring a root on a served ledger, signed by an authority.
#[derive(clap::Args)]
pub(crate) struct AnchorArgs {
    /// Anchor the new root on the ledger at this URL.
    #[arg(long)]
    pub(crate) ledger: Option<String>,
    /// The signing authority's key file (from `zkgov authority keygen`).
    #[arg(long, requires = "ledger", conflicts_with = "authority_keys")]
    pub(crate) authority_key: Option<PathBuf>,
    /// Or a directory of authority key files (from `zkgov ledger demo-authorities`), with --authority.
    #[arg(long, requires = "ledger")]
    pub(crate) authority_keys: Option<PathBuf>,
    /// The authority's name, for --authority-keys.
    #[arg(long, requires = "authority_keys")]
    pub(crate) authority: Option<String>,
}

impl AnchorArgs {
    /// The ledger and the signer, when anchoring was asked for. `default`
    /// names the authority in an --authority-keys directory when
    /// --authority is not given.
    pub(crate) fn open(
        &self,
        default: Option<&str>,
    ) -> Result<Option<(LedgerSession, AuthoritySigner)>, CliError> {
        let Some(url) = &self.ledger else {
            return Ok(None);
        };
        let key = match (&self.authority_key, &self.authority_keys) {
            (Some(file), _) => file.clone(),
            (None, Some(dir)) => {
                let name = self.authority.as_deref().or(default).ok_or_else(|| {
                    CliError::Usage("--authority-keys needs --authority NAME".into())
                })?;
                zkgov_prover::demo::DemoAuthorities::key_file(dir, name)
            }
            (None, None) => return Err(CliError::Usage(
                "--ledger needs --authority-key FILE (or --authority-keys DIR --authority NAME)"
                    .into(),
            )),
        };
        let signer = AuthoritySigner::read(&key)?;
        Ok(Some((LedgerSession::http(url)?, signer)))
    }
}

/// An [`Anchor`] borrowing an opened ledger and signer.
pub(crate) fn anchor(opened: &Option<(LedgerSession, AuthoritySigner)>) -> Option<Anchor<'_>> {
    opened.as_ref().map(|(session, signer)| Anchor {
        session,
        signer,
        now: zkgov_prover::clock::now(),
    })
}
