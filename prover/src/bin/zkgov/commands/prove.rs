//! `zkgov prove record` and `zkgov prove identity`: answer an agency's
//! signed presentation request (`--request`, checked against the agency's
//! registration on `--ledger` before anything is proven; the scope is
//! derived from it and the presentation logged in the holder's own files),
//! or prove for a scope and challenge given by hand.

use std::{
    path::{Path, PathBuf},
    time::Instant,
};

use rand::rngs::OsRng;
use zkgov_params::{key_depth, KeyDir};
use zkgov_prover::{
    clock, clock::date_or_today, prove_from_registry, prove_identity, AccreditedIssuers,
    DisclosedValue, HolderSecret, IdentityProofRequest, LedgerSession, PreparedProver,
    Presentation, PresentationLog, RecordProofRequest, Registry,
};
use zkgov_verifier::{
    fr_to_u64, identity::Credential, identity::IdentityPolicy, Bundle, CompiledPolicy, Context,
    Policy, PresentationRequest, PublicInputs, Scope, StatementId, ValidatedVerifyingKey,
    RECORD_FIELDS,
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
        /// The agency's identity policy (JSON; with --request, the request's).
        #[arg(long, required_unless_present = "request", conflicts_with = "request")]
        policy: Option<PathBuf>,
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
        /// Policy JSON (with --request, the request's).
        #[arg(long, required_unless_present = "request", conflicts_with = "request")]
        policy: Option<PathBuf>,
        #[command(flatten)]
        proof: ProofOutput,
    },
}

/// What every `prove` subcommand takes besides its statement's own inputs.
#[derive(clap::Args)]
pub(crate) struct ProofOutput {
    /// The agency's signed presentation request (from `zkgov agency
    /// request`): checked against its registration on --ledger; the scope
    /// is derived from it, the policy and challenge taken from it.
    #[arg(long, requires = "ledger", conflicts_with_all = ["scope", "context"])]
    request: Option<PathBuf>,
    /// Without --request: a scope given by hand (a canonical decimal field
    /// element or `label:<text>`). Nothing checks that it belongs to whoever
    /// asks: answer agencies with --request.
    #[arg(
        long = "unregistered-scope",
        required_unless_present = "request",
        requires = "context"
    )]
    scope: Option<String>,
    /// Without --request: the verifier's challenge (canonical decimal).
    #[arg(long, required_unless_present = "request")]
    context: Option<String>,
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

/// What is asked: the scope and challenge, the policy's text and, for a
/// request, the checked request and the ledger it was checked on.
struct Asked {
    scope: Scope,
    context: Context,
    policy: String,
    request: Option<(PresentationRequest, LedgerSession)>,
}

impl ProofOutput {
    /// What is asked, checked before any slow work: a request is refused
    /// here (unsigned, expired, for a label its agency is not registered
    /// for) before any key is loaded or any witness touched.
    fn asked(&self, st: StatementId, policy: Option<&PathBuf>) -> Result<Asked, CliError> {
        if let Some(path) = &self.request {
            let request = PresentationRequest::from_json(&read(path)?)?;
            let url = self.ledger.as_deref().ok_or_else(|| {
                CliError::Usage("--request needs --ledger (where the agency is registered)".into())
            })?;
            let session = LedgerSession::http(url)?;
            let checked = session.check_request(&request, clock::now())?;
            if request.statement != st {
                return Err(CliError::Usage(format!(
                    "the request asks for {}, not {st}",
                    request.statement
                )));
            }
            eprintln!(
                "request from {} (policy {:?}, scope label {:?}) checked against {}; scope {}",
                request.agency,
                request.policy_name,
                request.scope_label,
                session.origin,
                checked.scope
            );
            return Ok(Asked {
                scope: checked.scope,
                context: checked.context,
                policy: request.policy.to_string(),
                request: Some((request, session)),
            });
        }
        let (Some(scope), Some(context), Some(policy)) = (&self.scope, &self.context, policy)
        else {
            return Err(CliError::Usage(
                "give --request FILE --ledger URL, or --policy, --unregistered-scope and --context"
                    .into(),
            ));
        };
        Ok(Asked {
            scope: Scope::parse(scope)?,
            context: Context::from_decimal(context)?,
            policy: read(policy)?,
            request: None,
        })
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

    /// Writes the bundle, says what it was proven against, anchors it when
    /// asked to, and logs a requested presentation in the holder's files.
    fn finish(
        &self,
        bundle: &Bundle,
        against: &str,
        started: Instant,
        asked: &Asked,
        log: Option<(&Path, Vec<DisclosedValue>)>,
    ) -> Result<(), CliError> {
        write(&self.out, &bundle.to_json())?;
        eprintln!(
            "proved against {against} in {:.2}s; bundle written to {}",
            started.elapsed().as_secs_f64(),
            self.out.display()
        );
        let mut anchored_at = None;
        if let Some(url) = &self.ledger {
            let receipt = match &asked.request {
                Some((_, session)) => session.anchor(bundle)?,
                None => LedgerSession::http(url)?.anchor(bundle)?,
            };
            let path = self.out.with_extension("receipt.json");
            write(&path, &receipt.to_json())?;
            eprintln!(
                "anchored as ledger entry {}; receipt written to {}",
                receipt.index,
                path.display()
            );
            anchored_at = Some(receipt.index);
        }
        if let (Some((request, session)), Some((holder, disclosed))) = (&asked.request, log) {
            let public = bundle.public()?;
            let nullifier = match public {
                PublicInputs::Record(p) => p.nullifier,
                PublicInputs::Identity(p) => p.nullifier,
                #[allow(unreachable_patterns)]
                _ => return Err(CliError::Failed("unknown statement".into())),
            };
            let log = PresentationLog::for_holder(holder);
            log.append(&Presentation {
                time: clock::now(),
                agency: request.agency.clone(),
                ledger: session.origin.clone(),
                policy: request.policy_name.clone(),
                statement: bundle.statement,
                scope_label: request.scope_label.clone(),
                scope: asked.scope,
                nullifier,
                disclosed,
                anchored_at,
            })?;
            eprintln!("presentation recorded in {}", log.path().display());
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
            let asked = proof.asked(StatementId::RecordMembershipV2, policy.as_ref())?;
            let reg = Registry::from_json(&read(&registry)?)?;
            let secret = HolderSecret::read(&holder)?;
            let policy = Policy::from_json(&asked.policy)?.compile(RECORD_FIELDS, reg.schema())?;
            let (pk, vk) = proof.load(StatementId::RecordMembershipV2, reg.depth())?;
            let t = Instant::now();
            let request = RecordProofRequest {
                registry: &reg,
                policy: policy.clone(),
                scope: asked.scope,
                context: asked.context,
            };
            let (bundle, root) = prove_from_registry(&pk, &vk, &secret, request, &mut OsRng)?;
            let shown = disclosed_values(&bundle, &policy, |i, v| {
                let name = reg
                    .schema()
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| format!("field {i}"));
                (name, serde_json::Value::from(v))
            })?;
            proof.finish(
                &bundle,
                &format!("root {root}"),
                t,
                &asked,
                Some((&holder, shown)),
            )
        }
        Cmd::Identity {
            credential,
            holder,
            issuers,
            policy,
            today,
            proof,
        } => {
            let st = StatementId::IdentityV2;
            let asked = proof.asked(st, policy.as_ref())?;
            let cred = Credential::from_json(&read(&credential)?)?;
            let secret = HolderSecret::read(&holder)?;
            let issuers = AccreditedIssuers::from_json(&read(&issuers)?)?;
            let today = date_or_today(today.as_deref())?;
            let policy = IdentityPolicy::from_json(&asked.policy)?.compile(&cred.schema, today)?;
            let (pk, vk) = proof.load(st, key_depth(st, 0))?;
            let t = Instant::now();
            let request = IdentityProofRequest {
                issuers: &issuers,
                policy: policy.clone(),
                scope: asked.scope,
                context: asked.context,
            };
            let (bundle, root) = prove_identity(&pk, &vk, &secret, &cred, request, &mut OsRng)?;
            let shown = disclosed_values(&bundle, &policy.policy, |i, v| {
                let name = cred
                    .schema
                    .attributes
                    .get(i)
                    .map_or_else(|| format!("attribute {i}"), |a| a.name.clone());
                (name, cred.schema.decode(i, v))
            })?;
            proof.finish(
                &bundle,
                &format!("accredited-issuer root {root}"),
                t,
                &asked,
                Some((&holder, shown)),
            )
        }
    }
}

/// The values `bundle` discloses under `policy`, named by `name`.
fn disclosed_values(
    bundle: &Bundle,
    policy: &CompiledPolicy,
    name: impl Fn(usize, u64) -> (String, serde_json::Value),
) -> Result<Vec<DisclosedValue>, CliError> {
    let Some(opening) = &bundle.disclosure else {
        return Ok(Vec::new());
    };
    Ok(policy
        .slots
        .iter()
        .zip(opening.values()?)
        .enumerate()
        .filter(|(_, (slot, _))| slot.disclose)
        .filter_map(|(i, (_, v))| fr_to_u64(&v).map(|v| name(i, v)))
        .map(|(name, value)| DisclosedValue { name, value })
        .collect())
}
