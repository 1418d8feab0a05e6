//! `zkgov prove record` and `zkgov prove identity`.

use std::{path::PathBuf, time::Instant};

use rand::rngs::OsRng;
use zkgov_params::{key_depth, KeyDir};
use zkgov_prover::{
    clock::date_or_today, prove_from_registry, prove_identity, AccreditedIssuers, HolderSecret,
    IdentityProofRequest, LedgerSession, PreparedProver, RecordProofRequest, Registry,
};
use zkgov_verifier::{
    identity::Credential, identity::IdentityPolicy, Bundle, Context, Policy, Scope, StatementId,
    ValidatedVerifyingKey, RECORD_FIELDS,
};

use super::{
    prove_zkey,
    shared::{read, write, KeysArg},
};
use crate::exit::CliError;

#[derive(clap::Subcommand)]
pub(crate) enum Cmd {
    /// Prove an identity credential satisfies an agency's policy.
    Identity {
        /// Credential file.
        #[arg(long)]
        credential: PathBuf,
        /// Holder secret file.
        #[arg(long)]
        holder: PathBuf,
        /// The accreditation authority's list of issuers.
        #[arg(long)]
        issuers: PathBuf,
        /// The agency's identity policy (JSON).
        #[arg(long)]
        policy: PathBuf,
        /// The agency's date (YYYY-MM-DD; default today, UTC).
        #[arg(long)]
        today: Option<String>,
        #[command(flatten)]
        proof: ProofOutput,
    },
    /// Prove with a snarkjs Groth16 key and a circom witness, as rapidsnark's
    /// `prover` does: writes snarkjs proof.json and public.json.
    Zkey(prove_zkey::Args),
    /// Prove record membership under a policy.
    Record {
        /// Registry file.
        #[arg(long)]
        registry: PathBuf,
        /// Holder secret file.
        #[arg(long)]
        holder: PathBuf,
        /// Policy JSON.
        #[arg(long)]
        policy: PathBuf,
        #[command(flatten)]
        proof: ProofOutput,
    },
}

/// What every `prove` subcommand takes besides its statement's own inputs.
#[derive(clap::Args)]
pub(crate) struct ProofOutput {
    /// Scope: a canonical decimal field element or `label:<text>`.
    #[arg(long)]
    scope: String,
    /// The verifier's challenge (canonical decimal).
    #[arg(long)]
    context: String,
    #[command(flatten)]
    keys: KeysArg,
    /// Bundle to write.
    #[arg(long)]
    out: PathBuf,
    /// Anchor the proof on the ledger at this URL (`http://HOST:PORT`) and
    /// write its receipt next to the bundle (`<out>.receipt.json`).
    #[arg(long)]
    ledger: Option<String>,
}

impl ProofOutput {
    /// Scope and challenge, parsed before any slow work.
    fn scope_and_context(&self) -> Result<(Scope, Context), CliError> {
        Ok((
            Scope::parse(&self.scope)?,
            Context::from_decimal(&self.context)?,
        ))
    }

    /// The prepared proving key and the verifying key for `st` at `depth`.
    fn load(
        &self,
        st: StatementId,
        depth: usize,
    ) -> Result<(PreparedProver, ValidatedVerifyingKey), CliError> {
        let dir = KeyDir::new(&self.keys.keys);
        Ok((
            PreparedProver::new(dir.proving_key(st, depth)?, st, depth)?,
            dir.verifying_key(st, depth)?,
        ))
    }

    /// Writes the bundle, says what it was proven against, and anchors it
    /// when asked to.
    fn finish(&self, bundle: &Bundle, against: &str, started: Instant) -> Result<(), CliError> {
        write(&self.out, &bundle.to_json())?;
        eprintln!(
            "proved against {against} in {:.2}s; bundle written to {}",
            started.elapsed().as_secs_f64(),
            self.out.display()
        );
        if let Some(url) = &self.ledger {
            let receipt = LedgerSession::http(url)?.anchor(bundle)?;
            let path = self.out.with_extension("receipt.json");
            write(&path, &receipt.to_json())?;
            eprintln!(
                "anchored as ledger entry {}; receipt written to {}",
                receipt.index,
                path.display()
            );
        }
        Ok(())
    }
}

pub(crate) fn exec(c: Cmd) -> Result<(), CliError> {
    match c {
        Cmd::Zkey(a) => prove_zkey::exec(a),
        Cmd::Record {
            registry,
            holder,
            policy,
            proof,
        } => {
            let reg = Registry::from_json(&read(&registry)?)?;
            let holder = HolderSecret::read(&holder)?;
            let policy =
                Policy::from_json(&read(&policy)?)?.compile(RECORD_FIELDS, reg.schema())?;
            let (scope, context) = proof.scope_and_context()?;
            let (pk, vk) = proof.load(StatementId::RecordMembershipV1, reg.depth())?;
            let t = Instant::now();
            let request = RecordProofRequest {
                registry: &reg,
                policy,
                scope,
                context,
            };
            let (bundle, root) = prove_from_registry(&pk, &vk, &holder, request, &mut OsRng)?;
            proof.finish(&bundle, &format!("root {root}"), t)
        }
        Cmd::Identity {
            credential,
            holder,
            issuers,
            policy,
            today,
            proof,
        } => {
            let cred = Credential::from_json(&read(&credential)?)?;
            let holder = HolderSecret::read(&holder)?;
            let issuers = AccreditedIssuers::from_json(&read(&issuers)?)?;
            let today = date_or_today(today.as_deref())?;
            let policy =
                IdentityPolicy::from_json(&read(&policy)?)?.compile(&cred.schema, today)?;
            let (scope, context) = proof.scope_and_context()?;
            let st = StatementId::IdentityV1;
            let (pk, vk) = proof.load(st, key_depth(st, 0))?;
            let t = Instant::now();
            let request = IdentityProofRequest {
                issuers: &issuers,
                policy,
                scope,
                context,
            };
            let (bundle, root) = prove_identity(&pk, &vk, &holder, &cred, request, &mut OsRng)?;
            proof.finish(&bundle, &format!("accredited-issuer root {root}"), t)
        }
    }
}
