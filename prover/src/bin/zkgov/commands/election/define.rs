//! `zkgov election define`: the election authority defines an election on
//! the ledger: options and selection rules, the electoral roll (the
//! registry's latest root), the trustees' commitments and quorum, the
//! window (ledger clock) and the eligibility key.

use std::path::PathBuf;

use zkgov_params::{key_depth, KeyDir};
use zkgov_prover::{
    clock,
    demo::{ELECTION_BOARD, ELECTORAL_ROLL},
    election::{trustees_of, CommitmentsFile},
};
use zkgov_verifier::{
    election::{ballot::SelectionRules, Election, ElectionDefinition, Roll},
    EntrySignature, StatementId,
};

use super::super::shared::{read, AnchorArgs, KeysArg, DEFAULT_DEPTH};
use crate::exit::CliError;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The election id (1 to 31 printable ASCII characters).
    #[arg(long)]
    election: String,
    /// An option's name, in ballot order (repeat for each).
    #[arg(long = "option", required = true)]
    options: Vec<String>,
    /// Largest value of each option (1: yes/no per option; more for score voting).
    #[arg(long, default_value_t = 1)]
    max_per_option: u64,
    /// Smallest allowed total over the options (0 allows a blank ballot).
    #[arg(long, default_value_t = 1)]
    min_total: u64,
    /// Largest allowed total (1 with --max-per-option 1: single choice; more: approval with a limit).
    #[arg(long, default_value_t = 1)]
    max_total: u64,
    /// The electoral roll's registry id (its latest published root is used).
    #[arg(long, default_value = ELECTORAL_ROLL)]
    roll_registry: String,
    /// Every trustee's commitments file (from `election deal`), in index order.
    #[arg(long = "trustee", required = true)]
    trustees: Vec<PathBuf>,
    /// How many trustees must decrypt together.
    #[arg(long)]
    quorum: u32,
    /// Ballots accepted from this time (Unix seconds, ledger clock; default now).
    #[arg(long)]
    opens_at: Option<u64>,
    /// ... until just before this time (Unix seconds).
    #[arg(
        long,
        required_unless_present = "open_for",
        conflicts_with = "open_for"
    )]
    closes_at: Option<u64>,
    /// Or: open for this many seconds from --opens-at.
    #[arg(long)]
    open_for: Option<u64>,
    #[command(flatten)]
    keys: KeysArg,
    /// Roll tree depth (the eligibility key's).
    #[arg(long, default_value_t = DEFAULT_DEPTH)]
    depth: usize,
    #[command(flatten)]
    anchor: AnchorArgs,
}

pub(crate) fn exec(a: Args) -> Result<(), CliError> {
    let Some((session, signer)) = a.anchor.open(Some(ELECTION_BOARD))? else {
        return Err(CliError::Usage(
            "give --ledger URL and the election authority's key".into(),
        ));
    };
    let published = a
        .trustees
        .iter()
        .map(|p| Ok(CommitmentsFile::from_json(&read(p)?, &a.election)?))
        .collect::<Result<Vec<_>, CliError>>()?;
    let st = StatementId::BallotEligibilityV1;
    let vk = KeyDir::new(&a.keys.keys).verifying_key(st, key_depth(st, a.depth))?;
    let latest = session
        .client
        .roots(&a.roll_registry)?
        .pop()
        .ok_or_else(|| {
            CliError::Usage(format!(
                "no root of {:?} is published on the ledger",
                a.roll_registry
            ))
        })?;
    let opens_at = a.opens_at.unwrap_or_else(clock::now);
    let closes_at = match (a.closes_at, a.open_for) {
        (Some(t), _) => t,
        (None, Some(d)) => opens_at.saturating_add(d),
        (None, None) => return Err(CliError::Usage("give --closes-at or --open-for".into())),
    };
    let def = ElectionDefinition {
        election_id: a.election.clone(),
        options: a.options.clone(),
        rules: SelectionRules {
            max_per_option: vec![a.max_per_option; a.options.len()],
            min_total: a.min_total,
            max_total: a.max_total,
        },
        roll: Roll {
            registry_id: a.roll_registry.clone(),
            epoch: latest.entry.epoch,
            root: latest.entry.root,
            leaf_count: latest.entry.leaf_count,
        },
        trustees: trustees_of(&published),
        quorum: a.quorum,
        opens_at,
        closes_at,
        eligibility_vk: vk.digest(),
        authority: signer.name().to_owned(),
        signature: EntrySignature::default(),
    };
    // Checked here first, so that a bad definition is refused before signing.
    Election::new(def.clone())?;
    let r = session.define_election(&signer, def)?;
    println!("{}", r.index);
    eprintln!(
        "election {} defined by {}: ledger entry {}; {} options, roll of {} voters ({} epoch {}), {} trustees with quorum {}; open from {opens_at} until {closes_at} (ledger clock)",
        a.election,
        signer.name(),
        r.index,
        a.options.len(),
        latest.entry.leaf_count,
        a.roll_registry,
        latest.entry.epoch,
        published.len(),
        a.quorum
    );
    Ok(())
}
