//! `zkgov`: the command line of zkgov.
//!
//! Exit status of `zkgov verify`: 0 valid, 1 invalid proof (or a valid proof
//! of something other than what was asked), 2 malformed input. Other
//! commands exit 0 on success, 2 on malformed input and 1 otherwise.

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
    time::Instant,
};

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use rand::rngs::OsRng;
use zkgov_params::{dev_setup, shape, KeyDir};
use zkgov_prover::{
    demo::{self, DemoConfig},
    holder::HolderSecret,
    identity::{
        prove_identity, AccreditedIssuers, IdentityProofRequest, IssuerKey, IssuerRegister,
    },
    prove::{prove_from_registry, PreparedProver, RecordProofRequest},
    registry::Registry,
    ProverError,
};
use zkgov_verifier::{
    bundle::{verify_record, Bundle, PublicInputs, RecordRequest},
    field::{label_to_field, parse_decimal, to_decimal},
    groth16::ValidatedVerifyingKey,
    identity::{
        credential::Credential, date::Date, policy::IdentityPolicy, schema::Schema,
        IdentityVerifier,
    },
    policy::Policy,
    poseidon::poseidon,
    snarkjs,
    statement::{Context, MerkleRoot, Scope, StatementId, RECORD_FIELDS},
    ErrorKind, Fr, VerifyError,
};

#[derive(Parser)]
#[command(
    name = "zkgov",
    version,
    about = "Zero-knowledge proofs for public services"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate INSECURE development keys (single party) for a statement.
    Setup {
        /// Statement: `record` (record membership) or `identity`.
        #[arg(long, default_value = "record")]
        statement: String,
        /// Registry tree depth (record membership; identity trees have fixed depths).
        #[arg(long, default_value_t = 20)]
        depth: usize,
        /// Key directory.
        #[arg(long, default_value = "zkgov-data/keys")]
        keys: PathBuf,
    },
    /// Build a registry from a JSON or CSV file of records; print its root.
    Registry {
        /// Records (`.json` or `.csv`).
        #[arg(long)]
        records: PathBuf,
        /// Tree depth.
        #[arg(long, default_value_t = 20)]
        depth: usize,
        /// Registry file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Holder secrets.
    #[command(subcommand)]
    Holder(HolderCmd),
    /// Credential issuers.
    #[command(subcommand)]
    Issuer(IssuerCmd),
    /// Issue a signed credential (attributes + holder commitment).
    Issue {
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
    },
    /// Revoke a credential: update the issuer's register, print its revocation root, and anchor it.
    Revoke {
        /// Issuer register (updated).
        #[arg(long)]
        register: PathBuf,
        /// Revocation nonce to revoke.
        #[arg(
            long,
            required_unless_present = "credential",
            conflicts_with = "credential"
        )]
        nonce: Option<u64>,
        /// Or the credential file whose nonce to revoke.
        #[arg(long)]
        credential: Option<PathBuf>,
        /// Anchor the new revocation root on the ledger at this URL.
        #[arg(long, requires_all = ["authority_keys", "authority"])]
        ledger: Option<String>,
        /// Authority keys file holding the issuer's ledger key (from `zkgov ledger demo-authorities`).
        #[arg(long)]
        authority_keys: Option<PathBuf>,
        /// The issuer's authority name on the ledger.
        #[arg(long)]
        authority: Option<String>,
    },
    /// Accreditation authority: add an issuer (or refresh its revocations) in the accredited list; print the root and anchor it.
    Accredit {
        /// The accredited-issuer list (created if missing, else updated).
        #[arg(long)]
        list: PathBuf,
        /// The issuer's register.
        #[arg(long)]
        register: PathBuf,
        /// The issuer's name in the list.
        #[arg(long)]
        name: String,
        /// Anchor the new root on the ledger at this URL.
        #[arg(long, requires = "authority_keys")]
        ledger: Option<String>,
        /// Authority keys file holding the accreditation authority's ledger key.
        #[arg(long)]
        authority_keys: Option<PathBuf>,
    },
    /// Print a fresh random challenge (a field element) for a verifier session.
    Challenge,
    /// Prove a statement.
    #[command(subcommand)]
    Prove(ProveCmd),
    /// Verify a zkgov bundle or snarkjs JSON files.
    Verify(VerifyArgs),
    /// Hashes.
    #[command(subcommand)]
    Hash(HashCmd),
    /// Export keys and proofs.
    #[command(subcommand)]
    Export(ExportCmd),
    /// The ledger.
    #[command(subcommand)]
    Ledger(LedgerCmd),
    /// Ledger receipts.
    #[command(subcommand)]
    Receipt(ReceiptCmd),
    /// Run the end-to-end demonstration.
    Demo {
        /// Where keys are kept between runs.
        #[arg(long, default_value = "zkgov-data")]
        data_dir: PathBuf,
        /// Number of parcels in the registry.
        #[arg(long, default_value_t = 4096)]
        records: usize,
        /// Tree depth.
        #[arg(long, default_value_t = 20)]
        depth: usize,
        /// Anchor on a served ledger instead of an in-process one.
        #[arg(long, requires = "authority_keys")]
        ledger: Option<String>,
        /// Demo authority keys (from `zkgov ledger demo-authorities`).
        #[arg(long)]
        authority_keys: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ReceiptCmd {
    /// Check a receipt offline against the log's key (exit 0 valid, 1 invalid, 2 malformed).
    Verify {
        /// Receipt JSON.
        #[arg(long)]
        receipt: PathBuf,
        /// The log's note verifier key (`name+keyid+base64`).
        #[arg(long)]
        log_key: String,
    },
}

#[derive(Subcommand)]
enum LedgerCmd {
    /// Serve the ledger's HTTP API until interrupted.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8464")]
        addr: String,
        /// Data directory (database, log key, signed-size file).
        #[arg(long, default_value = "zkgov-data/ledger")]
        data_dir: PathBuf,
        /// Checkpoint origin of a new log.
        #[arg(long, default_value = "zkgov.local/ledger")]
        origin: String,
        /// JSON array of authorities for the genesis entry of a new log.
        #[arg(long)]
        genesis: Option<PathBuf>,
    },
    /// Create the demo's authority keys (admin, land registry, accreditation authority, civil registry) and the
    /// genesis authorities file naming them, for `ledger serve --genesis`.
    DemoAuthorities {
        /// Secret keys file to create (mode 0600).
        #[arg(long)]
        keys_out: PathBuf,
        /// Genesis authorities file to write.
        #[arg(long)]
        genesis_out: PathBuf,
    },
}

#[derive(Subcommand)]
enum HolderCmd {
    /// Create a holder secret file (mode 0600) and print its owner commitment.
    New {
        /// File to create.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum IssuerCmd {
    /// Create an issuer key (mode 0600) and an empty register; print the issuer id.
    Keygen {
        /// Key file to create (secret).
        #[arg(long)]
        key_out: PathBuf,
        /// Register file to create (public).
        #[arg(long)]
        register_out: PathBuf,
    },
}

#[derive(Subcommand)]
enum ProveCmd {
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
#[derive(Args)]
struct ProofOutput {
    /// Scope: a canonical decimal field element or `label:<text>`.
    #[arg(long)]
    scope: String,
    /// The verifier's challenge (canonical decimal).
    #[arg(long)]
    context: String,
    /// Key directory.
    #[arg(long, default_value = "zkgov-data/keys")]
    keys: PathBuf,
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
    fn scope_and_context(&self) -> Result<(Scope, Context), VerifyError> {
        Ok((
            parse_scope(&self.scope)?,
            Context::from_decimal(&self.context)?,
        ))
    }

    /// The prepared proving key and the verifying key for `st` at `depth`.
    fn keys(
        &self,
        st: StatementId,
        depth: usize,
    ) -> Result<(PreparedProver, ValidatedVerifyingKey), Failure> {
        let dir = KeyDir::new(&self.keys);
        Ok((
            PreparedProver::new(dir.proving_key(st, depth)?, st, depth)?,
            dir.verifying_key(st, depth)?,
        ))
    }

    /// Writes the bundle, says what it was proven against, and anchors it
    /// when asked to.
    fn finish(&self, bundle: &Bundle, against: &str, started: Instant) -> Result<(), Failure> {
        write_file(&self.out, &bundle.to_json())?;
        eprintln!(
            "proved against {against} in {:.2}s; bundle written to {}",
            started.elapsed().as_secs_f64(),
            self.out.display()
        );
        if let Some(url) = &self.ledger {
            submit_proof(url, bundle, &self.out)?;
        }
        Ok(())
    }
}

#[derive(Args)]
struct VerifyArgs {
    /// A zkgov bundle.
    #[arg(long, conflicts_with_all = ["snarkjs_vk", "snarkjs_proof", "snarkjs_public"])]
    bundle: Option<PathBuf>,
    /// Key directory (for bundles).
    #[arg(long, default_value = "zkgov-data/keys")]
    keys: PathBuf,
    /// Policy the proof must satisfy (then --root, --scope and --context are required).
    #[arg(long, requires_all = ["root", "scope", "context"])]
    policy: Option<PathBuf>,
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

#[derive(Subcommand)]
enum HashCmd {
    /// circomlib Poseidon of 1 to 16 canonical decimal inputs.
    Poseidon {
        /// Inputs.
        #[arg(required = true)]
        inputs: Vec<String>,
    },
}

#[derive(Subcommand)]
enum ExportCmd {
    /// Write verification_key.json, proof.json and public.json for snarkjs.
    Snarkjs {
        /// The bundle.
        #[arg(long)]
        bundle: PathBuf,
        /// Key directory.
        #[arg(long, default_value = "zkgov-data/keys")]
        keys: PathBuf,
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
    },
}

/// A failure with its exit status.
struct Failure {
    code: u8,
    error: anyhow::Error,
}

impl<E: Into<anyhow::Error>> From<E> for Failure {
    fn from(e: E) -> Self {
        let error = e.into();
        let code = if is_malformed(&error) { 2 } else { 1 };
        Failure { code, error }
    }
}

fn is_malformed(e: &anyhow::Error) -> bool {
    if let Some(v) = e.downcast_ref::<VerifyError>() {
        return v.kind() == ErrorKind::Malformed;
    }
    if let Some(p) = e.downcast_ref::<ProverError>() {
        return match p {
            ProverError::Malformed { .. } | ProverError::Io { .. } => true,
            ProverError::Verify(v) => v.kind() == ErrorKind::Malformed,
            _ => false,
        };
    }
    e.downcast_ref::<zkgov_params::ParamsError>().is_some()
        || e.downcast_ref::<std::io::Error>().is_some()
}

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| Failure {
        code: 2,
        error: anyhow::anyhow!("{}: {e}", path.display()),
    })
}

fn parse_scope(s: &str) -> Result<Scope, VerifyError> {
    match s.strip_prefix("label:") {
        Some(label) => label_to_field(label).map(Scope),
        None => parse_decimal(s, "scope").map(Scope),
    }
}

/// Writes a public file (bundle, register, list, receipt), replacing it
/// atomically.
fn write_file(path: &Path, text: &str) -> anyhow::Result<()> {
    zkgov_params::private_file::replace_atomically(path, text.as_bytes())
        .with_context(|| format!("writing {}", path.display()))
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Setup {
            statement,
            depth,
            keys,
        } => {
            let st = match statement.as_str() {
                "record" => StatementId::RecordMembershipV1,
                "identity" => StatementId::IdentityV1,
                other => {
                    return bail_failure(
                        2,
                        &format!("unknown statement {other:?}: record or identity"),
                    )
                }
            };
            let depth = zkgov_params::key_depth(st, depth);
            let t = Instant::now();
            let (pk, vk) = dev_setup(st, depth, &mut OsRng, true)?;
            let entry = KeyDir::new(&keys).write(st, depth, shape(st, depth)?, &pk, &vk)?;
            println!(
                "{st} depth {depth}: {} constraints, {} public inputs",
                entry.constraints, entry.public_inputs
            );
            println!(
                "proving key   {} ({} bytes)",
                keys.join(&entry.proving_key.file).display(),
                entry.proving_key.bytes
            );
            println!(
                "verifying key {} ({} bytes), digest {}",
                keys.join(&entry.verifying_key.file).display(),
                entry.verifying_key.bytes,
                entry.vk_digest
            );
            println!("done in {:.1}s", t.elapsed().as_secs_f64());
            eprintln!("WARNING: {}", zkgov_params::INSECURE_LABEL);
        }
        Command::Registry {
            records,
            depth,
            out,
        } => {
            let reg = Registry::from_records_file(depth, &records)?;
            write_file(&out, &reg.to_json())?;
            println!("{}", reg.root());
            eprintln!(
                "{} records, depth {depth}, written to {}",
                reg.records().len(),
                out.display()
            );
        }
        Command::Holder(HolderCmd::New { out }) => {
            let h = HolderSecret::generate(&mut OsRng);
            h.write(&out)?;
            println!("{}", to_decimal(&h.commitment()));
            eprintln!("owner secret written to {} (keep it private); the line above is your owner commitment", out.display());
        }
        Command::Challenge => {
            use ark_ff::UniformRand;
            println!("{}", to_decimal(&Fr::rand(&mut OsRng)));
        }
        Command::Prove(ProveCmd::Record {
            registry,
            holder,
            policy,
            proof,
        }) => {
            let reg = Registry::from_json(&read(&registry)?)?;
            let holder = HolderSecret::read(&holder)?;
            let policy =
                Policy::from_json(&read(&policy)?)?.compile(RECORD_FIELDS, reg.schema())?;
            let (scope, context) = proof.scope_and_context()?;
            let (pk, vk) = proof.keys(StatementId::RecordMembershipV1, reg.depth())?;
            let t = Instant::now();
            let (bundle, root) = prove_from_registry(
                &pk,
                &vk,
                &holder,
                RecordProofRequest {
                    registry: &reg,
                    policy,
                    scope,
                    context,
                },
                &mut OsRng,
            )?;
            proof.finish(&bundle, &format!("root {root}"), t)?;
        }
        Command::Issuer(IssuerCmd::Keygen {
            key_out,
            register_out,
        }) => {
            let key = IssuerKey::generate(&mut OsRng);
            key.write(&key_out)?;
            write_file(
                &register_out,
                &IssuerRegister::new(key.public_key()).to_json(),
            )?;
            println!("{}", to_decimal(&key.public_key().id()));
            eprintln!(
                "issuer key written to {} (secret), register to {}; the line above is the issuer id",
                key_out.display(),
                register_out.display()
            );
        }
        Command::Issue {
            key,
            register,
            schema,
            attributes,
            holder_commitment,
            issued,
            expires,
            out,
        } => {
            let key = IssuerKey::read(&key)?;
            let mut reg = IssuerRegister::from_json(&read(&register)?)?;
            let schema = Schema::from_json(&read(&schema)?)?;
            let values: std::collections::BTreeMap<String, serde_json::Value> =
                serde_json::from_str(&read(&attributes)?).map_err(|e| Failure {
                    code: 2,
                    error: anyhow::anyhow!("{}: {e}", attributes.display()),
                })?;
            let issued = date_or_today(issued.as_deref())?;
            // The credential is the citizen's personal data: a new owner-only
            // file. Refuse an existing one before spending a nonce.
            if out.exists() {
                return Err(Failure {
                    code: 2,
                    error: anyhow::anyhow!(
                        "{} exists; not overwriting a credential",
                        out.display()
                    ),
                });
            }
            let cred = key.issue(
                &mut reg,
                &schema,
                values,
                parse_decimal(&holder_commitment, "holder commitment")?,
                issued,
                Date::parse(&expires)?,
            )?;
            // The register first: a credential never exists whose nonce the
            // register could hand out again.
            write_file(&register, &reg.to_json())?;
            zkgov_params::private_file::create_private(&out, cred.to_json().as_bytes())
                .with_context(|| format!("writing {}", out.display()))?;
            eprintln!(
                "credential (revocation nonce {}) written to {}",
                cred.body.revocation_nonce,
                out.display()
            );
        }
        Command::Revoke {
            register,
            nonce,
            credential,
            ledger,
            authority_keys,
            authority,
        } => {
            let mut reg = IssuerRegister::from_json(&read(&register)?)?;
            let nonce = match (nonce, credential) {
                (Some(n), _) => n,
                (None, Some(path)) => {
                    let c = Credential::from_json(&read(&path)?)?;
                    if c.issuer != reg.key {
                        return bail_failure(2, "the credential was issued by another key");
                    }
                    c.body.revocation_nonce
                }
                (None, None) => return bail_failure(2, "give --nonce or --credential"),
            };
            reg.revoke(nonce)?;
            let root = MerkleRoot(reg.revocation_tree()?.root());
            // Anchor first: a refused anchor leaves the register as it was,
            // so the revocation can be retried.
            if let (Some(url), Some(keys), Some(name)) = (ledger, authority_keys, authority) {
                let r = anchor_root(
                    &url,
                    &keys,
                    &name,
                    &zkgov_prover::demo::revocation_registry(&name),
                    &root,
                    reg.revoked.len() as u64,
                )?;
                eprintln!("revocation root anchored as ledger entry {}", r.index);
            }
            write_file(&register, &reg.to_json())?;
            println!("{root}");
            eprintln!(
                "nonce {nonce} revoked; {} revoked in all",
                reg.revoked.len()
            );
        }
        Command::Accredit {
            list,
            register,
            name,
            ledger,
            authority_keys,
        } => {
            let mut accredited = match std::fs::read_to_string(&list) {
                Ok(text) => AccreditedIssuers::from_json(&text)?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => AccreditedIssuers::new(),
                Err(e) => return Err(anyhow::anyhow!("{}: {e}", list.display()).into()),
            };
            let reg = IssuerRegister::from_json(&read(&register)?)?;
            accredited.upsert(&name, &reg);
            let root = accredited.root()?;
            if let (Some(url), Some(keys)) = (ledger, authority_keys) {
                let r = anchor_root(
                    &url,
                    &keys,
                    zkgov_prover::demo::ACCREDITATION_AUTHORITY,
                    zkgov_prover::demo::ACCREDITED_REGISTRY,
                    &root,
                    accredited.issuers.len() as u64,
                )?;
                eprintln!(
                    "accredited-issuer root anchored as ledger entry {}",
                    r.index
                );
            }
            write_file(&list, &accredited.to_json())?;
            println!("{root}");
            eprintln!(
                "{} accredited issuers in {}",
                accredited.issuers.len(),
                list.display()
            );
        }
        Command::Prove(ProveCmd::Identity {
            credential,
            holder,
            issuers,
            policy,
            today,
            proof,
        }) => {
            let cred = Credential::from_json(&read(&credential)?)?;
            let holder = HolderSecret::read(&holder)?;
            let issuers = AccreditedIssuers::from_json(&read(&issuers)?)?;
            let today = date_or_today(today.as_deref())?;
            let policy =
                IdentityPolicy::from_json(&read(&policy)?)?.compile(&cred.schema, today)?;
            let (scope, context) = proof.scope_and_context()?;
            let st = StatementId::IdentityV1;
            let (pk, vk) = proof.keys(st, zkgov_params::key_depth(st, 0))?;
            let t = Instant::now();
            let (bundle, root) = prove_identity(
                &pk,
                &vk,
                &holder,
                &cred,
                IdentityProofRequest {
                    issuers: &issuers,
                    policy,
                    scope,
                    context,
                },
                &mut OsRng,
            )?;
            proof.finish(&bundle, &format!("accredited-issuer root {root}"), t)?;
        }
        Command::Receipt(ReceiptCmd::Verify { receipt, log_key }) => {
            let log = zkgov_verifier::log::NoteVerifier::from_vkey(&log_key)?;
            let v = zkgov_verifier::receipt::Receipt::from_json(&read(&receipt)?)?.verify(&log)?;
            println!(
                "VALID receipt: entry {} ({}) is in the log at checkpoint size {}",
                v.index,
                v.entry.kind(),
                v.checkpoint.size
            );
            println!(
                "{}",
                serde_json::to_string_pretty(&v.entry.body).unwrap_or_default()
            );
        }
        Command::Verify(args) => return verify(args),
        Command::Hash(HashCmd::Poseidon { inputs }) => {
            let xs = inputs
                .iter()
                .enumerate()
                .map(|(i, s)| parse_decimal::<Fr>(s, &format!("input {i}")))
                .collect::<Result<Vec<_>, _>>()?;
            println!("{}", to_decimal(&poseidon(&xs)?));
        }
        Command::Export(ExportCmd::Snarkjs { bundle, keys, out }) => {
            let b = Bundle::from_json(&read(&bundle)?)?;
            let dir = KeyDir::new(&keys);
            let entry = dir.entry_by_digest(&b.vk_digest.to_hex())?;
            let vk = dir.verifying_key(b.statement, entry.depth)?;
            b.verify(b.statement, &vk)?;
            std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
            write_file(
                &out.join("verification_key.json"),
                &snarkjs::write_verifying_key(&vk),
            )?;
            write_file(&out.join("proof.json"), &snarkjs::write_proof(&b.proof))?;
            write_file(
                &out.join("public.json"),
                &snarkjs::write_public(&b.public_inputs),
            )?;
            eprintln!(
                "wrote verification_key.json, proof.json, public.json to {}",
                out.display()
            );
        }
        Command::Ledger(LedgerCmd::Serve {
            addr,
            data_dir,
            origin,
            genesis,
        }) => {
            let authorities = match &genesis {
                Some(path) => serde_json::from_str(&read(path)?).map_err(|e| Failure {
                    code: 2,
                    error: anyhow::anyhow!("{}: {e}", path.display()),
                })?,
                None => Vec::new(),
            };
            let ledger = zkgov_ledger::dir::open_dir(&data_dir, &origin, authorities)?;
            let rt = tokio::runtime::Runtime::new()?;
            let listener = rt.block_on(tokio::net::TcpListener::bind(&addr))?;
            eprintln!(
                "zkgov ledger serving http://{} ({} entries); log key {}",
                listener.local_addr()?,
                ledger.size(),
                ledger.note_verifier().to_vkey()
            );
            rt.block_on(zkgov_ledger::http::serve(ledger.clone(), listener, async {
                let _ = tokio::signal::ctrl_c().await;
            }))?;
            ledger.close();
        }
        Command::Ledger(LedgerCmd::DemoAuthorities {
            keys_out,
            genesis_out,
        }) => {
            let keys = zkgov_prover::demo::DemoAuthorities::generate(&mut OsRng);
            keys.write(&keys_out)?;
            write_file(
                &genesis_out,
                &serde_json::to_string_pretty(&keys.authorities())?,
            )?;
            eprintln!(
                "wrote {} (secret) and {}",
                keys_out.display(),
                genesis_out.display()
            );
        }
        Command::Demo {
            data_dir,
            records,
            depth,
            ledger,
            authority_keys,
        } => {
            let cfg = DemoConfig {
                ledger,
                authority_keys,
                data_dir,
                records,
                depth,
            };
            let outcome = demo::run(&cfg, &mut OsRng, &mut std::io::stdout())?;
            if !outcome.accepted
                || !outcome.anchored
                || !outcome.ledger_refused_repeat
                || outcome.rejections.len() != 5
                || !outcome.unqualified_refused
                || !outcome.nullifier_repeats
                || !outcome.identity.accepted
                || !outcome.identity.revoked_refused
                || !outcome.identity.expired_refused
                || !outcome.identity.replay_refused
                || !outcome.identity.anchored
            {
                return Err(Failure {
                    code: 1,
                    error: anyhow::anyhow!("the demo did not behave as expected"),
                });
            }
        }
    }
    Ok(())
}

fn verify(args: VerifyArgs) -> Result<(), Failure> {
    if let (Some(vk), Some(proof), Some(public)) =
        (&args.snarkjs_vk, &args.snarkjs_proof, &args.snarkjs_public)
    {
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
        return Ok(());
    }
    let Some(bundle_path) = &args.bundle else {
        return Err(Failure {
            code: 2,
            error: anyhow::anyhow!(
                "give --bundle FILE, or --snarkjs-vk/--snarkjs-proof/--snarkjs-public"
            ),
        });
    };
    let bundle = Bundle::from_json(&read(bundle_path)?)?;
    let dir = KeyDir::new(&args.keys);
    let entry = dir
        .entry_by_digest(&bundle.vk_digest.to_hex())
        .map_err(|e| Failure {
            code: 2,
            error: e.into(),
        })?;
    if entry.statement != bundle.statement.as_str() {
        bail_failure(2, "the key with this digest is for another statement")?;
    }
    let vk = dir.verifying_key(bundle.statement, entry.depth)?;
    if let (Some(policy_path), StatementId::IdentityV1) = (&args.policy, bundle.statement) {
        let (Some(root), Some(scope), Some(context), Some(schema)) = (
            &args.root,
            &args.scope,
            &args.context,
            &args.credential_schema,
        ) else {
            return bail_failure(
                2,
                "an identity --policy needs --credential-schema, --root, --scope and --context",
            );
        };
        let schema = Schema::from_json(&read(schema)?)?;
        let today = date_or_today(args.today.as_deref())?;
        let name = policy_path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let verifier = IdentityVerifier::new(
            &vk,
            schema,
            &[(name, IdentityPolicy::from_json(&read(policy_path)?)?)],
            today,
            vec![MerkleRoot::from_decimal(root)?],
            parse_scope(scope)?,
        )?;
        let outcome = verifier.verify(&bundle, &Context::from_decimal(context)?)?;
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
        return Ok(());
    }
    if let Some(policy_path) = &args.policy {
        let policy =
            Policy::from_json(&read(policy_path)?)?.compile(RECORD_FIELDS, &args.schema)?;
        let (Some(root), Some(scope), Some(context)) = (&args.root, &args.scope, &args.context)
        else {
            return bail_failure(2, "--policy needs --root, --scope and --context");
        };
        let request = RecordRequest {
            accepted_roots: vec![MerkleRoot::from_decimal(root)?],
            policy,
            scope: parse_scope(scope)?,
            context: Context::from_decimal(context)?,
        };
        let outcome = verify_record(&bundle, &vk, &request)?;
        println!(
            "VALID {}: the record satisfies the policy",
            bundle.statement
        );
        println!("  root      {}", outcome.root);
        for (slot, value) in outcome.disclosed {
            let name = args
                .schema
                .get(slot)
                .cloned()
                .unwrap_or_else(|| format!("field {slot}"));
            println!("  disclosed {name} = {value}");
        }
        println!("  nullifier {}", outcome.nullifier);
        return Ok(());
    }
    let verified = bundle.verify(bundle.statement, &vk)?;
    println!("VALID {} (key {})", verified.statement, verified.vk_digest);
    println!("  the proof is valid for these public inputs; pass --policy/--root/--scope/--context to check they are the ones you require");
    let p = match verified.public {
        PublicInputs::Record(p) => p,
        PublicInputs::Identity(p) => {
            for (name, x) in StatementId::IdentityV1
                .public_input_names()
                .iter()
                .zip(p.to_vec())
            {
                println!("  {name:<12} {}", to_decimal(&x));
            }
            return Ok(());
        }
        _ => return Ok(()),
    };
    println!("  root        {}", p.root);
    println!("  policy_hash {}", p.policy_hash);
    for (i, d) in p.disclosed.iter().enumerate() {
        println!("  disclosed[{i}] {}", to_decimal(d));
    }
    println!("  scope       {}", p.scope);
    println!("  nullifier   {}", p.nullifier);
    println!("  context     {}", p.context);
    Ok(())
}

/// The date given (`YYYY-MM-DD`), or today (UTC).
fn date_or_today(d: Option<&str>) -> Result<Date, VerifyError> {
    match d {
        Some(d) => Date::parse(d),
        None => Ok(zkgov_prover::demo_identity::today()),
    }
}

/// Anchors a proof and writes its receipt next to the bundle.
fn submit_proof(url: &str, bundle: &Bundle, out: &Path) -> Result<(), Failure> {
    let client = zkgov_ledger::http::LedgerClient::Http(url.to_string());
    let receipt = client.submit(&zkgov_ledger::Submission::Proof {
        bundle: bundle.to_json(),
    })?;
    let path = out.with_extension("receipt.json");
    write_file(&path, &receipt.to_json())?;
    eprintln!(
        "anchored as ledger entry {}; receipt written to {}",
        receipt.index,
        path.display()
    );
    Ok(())
}

/// Publishes a root signed with the ledger key of `authority` from a demo
/// authority keys file.
fn anchor_root(
    url: &str,
    keys: &Path,
    authority: &str,
    registry_id: &str,
    root: &MerkleRoot,
    leaf_count: u64,
) -> Result<zkgov_verifier::receipt::Receipt, Failure> {
    let keys = zkgov_prover::demo::DemoAuthorities::read(keys)?;
    let key = keys.key_of(authority).ok_or_else(|| Failure {
        code: 2,
        error: anyhow::anyhow!("the authority keys file has no key for {authority:?}"),
    })?;
    let l = zkgov_prover::demo::DemoLedger::http(url, keys.clone())?;
    Ok(zkgov_prover::demo::publish_root(
        &l,
        authority,
        &key,
        registry_id,
        root,
        leaf_count,
        0,
    )?)
}

fn bail_failure(code: u8, msg: &str) -> Result<(), Failure> {
    Err(Failure {
        code,
        error: anyhow::anyhow!("{msg}"),
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            let label = match f.code {
                1 => "INVALID",
                _ => "ERROR",
            };
            eprintln!("{label}: {:#}", f.error);
            ExitCode::from(f.code)
        }
    }
}
