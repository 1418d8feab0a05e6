//! `zkgov verify`: a zkgov bundle against what the agency asks, or snarkjs
//! JSON files of any circom circuit. Exit 0 valid, 1 invalid or proving
//! something else, 2 malformed.

use std::path::{Path, PathBuf};

use zkgov_params::KeyDir;
use zkgov_prover::clock::date_or_today;
use zkgov_verifier::{
    identity::IdentityPolicy, identity::IdentityVerifier, identity::Schema, snarkjs, to_decimal,
    verify_record, Bundle, Context, MerkleRoot, Policy, PresentationRequest, RecordRequest, Scope,
    StatementId, ValidatedVerifyingKey, RECORD_FIELDS,
};

use super::shared::{read, KeysArg};
use crate::exit::CliError;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// A zkgov bundle.
    #[arg(long, conflicts_with_all = ["snarkjs_vk", "snarkjs_proof", "snarkjs_public"])]
    bundle: Option<PathBuf>,
    #[command(flatten)]
    keys: KeysArg,
    /// Policy the proof must satisfy (then --root, --scope and --context are required).
    #[arg(long, requires_all = ["root", "scope", "context"], conflicts_with = "request")]
    policy: Option<PathBuf>,
    /// The agency's own presentation request: its policy, the scope of its
    /// agency and label, and its challenge are what the proof must match
    /// (then --root is required).
    #[arg(long, requires = "root", conflicts_with_all = ["scope", "context"])]
    request: Option<PathBuf>,
    /// Field names for a record policy that names fields (comma-separated).
    #[arg(long, value_delimiter = ',')]
    schema: Vec<String>,
    /// Credential schema file (identity bundles).
    #[arg(long)]
    credential_schema: Option<PathBuf>,
    /// The date the identity policy is checked on (YYYY-MM-DD; default today, UTC).
    #[arg(long)]
    today: Option<String>,
    /// Accepted registry root.
    #[arg(long)]
    root: Option<String>,
    /// Expected scope (decimal or `label:<text>`).
    #[arg(long)]
    scope: Option<String>,
    /// Expected challenge.
    #[arg(long)]
    context: Option<String>,
    /// snarkjs verification_key.json.
    #[arg(long, requires_all = ["snarkjs_proof", "snarkjs_public"])]
    snarkjs_vk: Option<PathBuf>,
    /// snarkjs proof.json.
    #[arg(long)]
    snarkjs_proof: Option<PathBuf>,
    /// snarkjs public.json.
    #[arg(long)]
    snarkjs_public: Option<PathBuf>,
}

/// What the agency asks: root, scope and challenge.
struct Asked {
    root: MerkleRoot,
    scope: Scope,
    context: Context,
}

impl Args {
    fn asked(&self) -> Result<Option<Asked>, CliError> {
        match (&self.root, &self.scope, &self.context) {
            (Some(root), Some(scope), Some(context)) => Ok(Some(Asked {
                root: MerkleRoot::from_decimal(root)?,
                scope: Scope::parse(scope)?,
                context: Context::from_decimal(context)?,
            })),
            _ => Ok(None),
        }
    }
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    if let (Some(vk), Some(proof), Some(public)) =
        (&a.snarkjs_vk, &a.snarkjs_proof, &a.snarkjs_public)
    {
        return verify_snarkjs(vk, proof, public);
    }
    let Some(bundle_path) = &a.bundle else {
        return Err(CliError::Usage(
            "give --bundle FILE, or --snarkjs-vk/--snarkjs-proof/--snarkjs-public".into(),
        ));
    };
    let bundle = Bundle::from_json(&read(bundle_path)?)?;
    let (vk, _) =
        KeyDir::new(&a.keys.keys).verifying_key_for(bundle.statement, &bundle.vk_digest)?;
    if let Some(path) = &a.request {
        let r = PresentationRequest::from_json(&read(path)?)?;
        let root = a
            .root
            .as_deref()
            .ok_or_else(|| CliError::Usage("--request needs --root".into()))?;
        let asked = Asked {
            root: MerkleRoot::from_decimal(root)?,
            scope: Scope::for_agency(&r.agency, &r.scope_label)?,
            context: Context(r.challenge),
        };
        let policy = (r.policy_name.clone(), r.policy.to_string());
        return match bundle.statement {
            StatementId::IdentityV2 => verify_identity(&a, policy, &bundle, &vk, asked),
            StatementId::RecordMembershipV2 => {
                verify_record_bundle(&a, &policy.1, &bundle, &vk, asked)
            }
            StatementId::BallotEligibilityV1 => Err(not_a_bundle()),
        };
    }
    let Some(policy_path) = &a.policy else {
        return print_statement(&bundle, &vk);
    };
    let asked = a
        .asked()?
        .ok_or_else(|| CliError::Usage("--policy needs --root, --scope and --context".into()))?;
    let name = policy_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let policy = (name, read(policy_path)?);
    match bundle.statement {
        StatementId::IdentityV2 => verify_identity(&a, policy, &bundle, &vk, asked),
        StatementId::RecordMembershipV2 => verify_record_bundle(&a, &policy.1, &bundle, &vk, asked),
        StatementId::BallotEligibilityV1 => Err(not_a_bundle()),
    }
}

fn not_a_bundle() -> CliError {
    CliError::Usage(
        "a ballot-eligibility proof is checked with its ballot: zkgov election audit".into(),
    )
}

fn verify_snarkjs(vk: &Path, proof: &Path, public: &Path) -> Result<(), CliError> {
    let vk = snarkjs::read_verifying_key(&read(vk)?)?;
    let proof = snarkjs::read_proof(&read(proof)?)?;
    let public = snarkjs::read_public(&read(public)?)?;
    vk.verify(&proof, &public)?;
    println!(
        "VALID snarkjs Groth16 proof ({} public signals)",
        public.len()
    );
    for (i, x) in public.iter().enumerate() {
        println!("  public[{i}] = {}", to_decimal(x));
    }
    Ok(())
}

fn verify_identity(
    a: &Args,
    (name, policy): (String, String),
    bundle: &Bundle,
    vk: &ValidatedVerifyingKey,
    asked: Asked,
) -> Result<(), CliError> {
    let Some(schema) = &a.credential_schema else {
        return Err(CliError::Usage(
            "an identity --policy needs --credential-schema, --root, --scope and --context".into(),
        ));
    };
    let schema = Schema::from_json(&read(schema)?)?;
    let today = date_or_today(a.today.as_deref())?;
    let verifier = IdentityVerifier::new(
        vk,
        schema,
        &[(name, IdentityPolicy::from_json(&policy)?)],
        vec![asked.root],
        asked.scope,
    )?;
    let outcome = verifier.verify(bundle, &asked.context, today)?;
    println!(
        "VALID {}: policy {:?} holds on {today}",
        bundle.statement, outcome.policy
    );
    println!("  issuers root {}", outcome.issuers_root);
    match &outcome.issuer {
        Some(id) => println!("  issuer      {id} (required by the policy)"),
        None => println!("  issuer      an accredited issuer (not revealed)"),
    }
    for (name, value) in &outcome.disclosed {
        println!("  disclosed {name} = {value}");
    }
    println!("  nullifier   {}", outcome.nullifier);
    Ok(())
}

fn verify_record_bundle(
    a: &Args,
    policy: &str,
    bundle: &Bundle,
    vk: &ValidatedVerifyingKey,
    asked: Asked,
) -> Result<(), CliError> {
    let request = RecordRequest {
        accepted_roots: vec![asked.root],
        policy: Policy::from_json(policy)?.compile(RECORD_FIELDS, &a.schema)?,
        scope: asked.scope,
        context: asked.context,
    };
    let outcome = verify_record(bundle, vk, &request)?;
    println!(
        "VALID {}: the record satisfies the policy",
        bundle.statement
    );
    println!("  root      {}", outcome.root);
    for (slot, value) in outcome.disclosed {
        let name = a
            .schema
            .get(slot)
            .cloned()
            .unwrap_or_else(|| format!("field {slot}"));
        println!("  disclosed {name} = {value}");
    }
    println!("  nullifier {}", outcome.nullifier);
    Ok(())
}

/// Without a policy: the proof is valid for these public inputs, which are
/// printed by name.
fn print_statement(bundle: &Bundle, vk: &ValidatedVerifyingKey) -> Result<(), CliError> {
    let verified = bundle.verify(bundle.statement, vk)?;
    println!("VALID {} (key {})", verified.statement, verified.vk_digest);
    println!("  the proof is valid for these public inputs; pass --policy/--root/--scope/--context to check they are the ones you require");
    for (name, x) in verified
        .statement
        .public_input_names()
        .iter()
        .zip(&bundle.public_inputs)
    {
        println!("  {name:<12} {}", to_decimal(x));
    }
    Ok(())
}
