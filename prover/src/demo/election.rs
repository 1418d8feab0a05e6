//! The demo's third part: a city election.
//!
//! The electoral commission publishes the roll (the voters' commitments)
//! as a registry root; five trustees run the key ceremony (quorum 3); the
//! election board defines the election (3 options, one choice each). A few
//! hundred voters cast encrypted ballots with both proofs; a double vote,
//! an ineligible voter and a malformed ballot (2 in a yes/no option) are
//! refused by the ledger. After the close, three trustees decrypt (one of
//! the five is absent, another only watches), the result is published and
//! checked by the ledger, and the audit passes from an export of the log;
//! then one byte of a ballot in the exported log is edited and the audit
//! names the entry.

use std::{io::Write, time::Instant};

use rand::{CryptoRng, Rng, RngCore};
use zkgov_ledger::ErrorCode;
use zkgov_params::KeyDir;
use zkgov_verifier::{
    election::{
        ballot::{encrypt_ballot_unchecked, SelectionRules},
        Election, ElectionDefinition, Roll,
    },
    EntrySignature, StatementId,
};

use crate::{
    clock,
    demo::{load_or_setup, register_vk, say, DemoConfig, DemoLedger, ELECTORAL_ROLL},
    election::{cast_ballot, ceremony, prove_eligibility, voter_nullifier, ElectoralRoll},
    holder::HolderSecret,
    LogExport, ProverError,
};

/// What the election part showed, for tests.
#[derive(Clone, Debug, Default)]
pub struct ElectionOutcomeFlags {
    /// Every honest ballot was accepted.
    pub cast: bool,
    /// A second ballot with the same nullifier was refused.
    pub double_vote_refused: bool,
    /// A voter off the roll could not prove, and a proof against another
    /// roll was refused.
    pub ineligible_refused: bool,
    /// A ballot with 2 in a yes/no option was refused.
    pub malformed_refused: bool,
    /// The tally completed with a trustee absent and matched the votes.
    pub tallied: bool,
    /// The audit of the exported log passed.
    pub audited: bool,
    /// The audit named the entry whose byte was edited.
    pub tamper_named: bool,
}

impl ElectionOutcomeFlags {
    /// Whether every step behaved as it should.
    pub fn all(&self) -> bool {
        self.cast
            && self.double_vote_refused
            && self.ineligible_refused
            && self.malformed_refused
            && self.tallied
            && self.audited
            && self.tamper_named
    }
}

const OPTIONS: [&str; 3] = ["north bridge", "south park", "central library"];
const TRUSTEES: [&str; 5] = ["ana", "ben", "chloe", "dev", "eve"];

fn refused(
    what: &str,
    r: Result<zkgov_verifier::Receipt, ProverError>,
    want: ErrorCode,
    out: &mut dyn Write,
) -> Result<bool, ProverError> {
    match r {
        Err(ProverError::Ledger(e)) if e.code() == want => {
            say(out, format!("  {what}: refused ({}): {e}", e.code()))?;
            Ok(true)
        }
        Err(e) => {
            say(out, format!("  !! {what}: refused for another reason: {e}"))?;
            Ok(false)
        }
        Ok(_) => {
            say(out, format!("  !! {what}: accepted (this is a bug)"))?;
            Ok(false)
        }
    }
}

/// Runs the election part.
pub(super) fn run<R: RngCore + CryptoRng>(
    cfg: &DemoConfig,
    l: &DemoLedger,
    rng: &mut R,
    out: &mut dyn Write,
) -> Result<ElectionOutcomeFlags, ProverError> {
    let mut f = ElectionOutcomeFlags::default();
    let n = cfg.voters.max(12);
    say(out, "")?;
    say(
        out,
        format!(
            "zkgov demo, part 3: a city election ({n} voters, 3 options, 5 trustees with quorum 3)"
        ),
    )?;
    say(out, "")?;
    say(out, "17. Keys and roll")?;
    let keys = KeyDir::new(cfg.data_dir.join("keys"));
    let st = StatementId::BallotEligibilityV1;
    let (pk, vk) = load_or_setup(&keys, st, cfg.depth, rng, out)?;
    register_vk(l, st, cfg.depth, &vk, out)?;
    let voters: Vec<HolderSecret> = (0..n).map(|_| HolderSecret::generate(rng)).collect();
    let roll = ElectoralRoll::new(
        cfg.depth,
        voters.iter().map(HolderSecret::commitment).collect(),
    )?;
    let r = l.session.publish_root(
        &l.keys.commission,
        ELECTORAL_ROLL,
        roll.root(),
        roll.len(),
        None,
        clock::now(),
    )?;
    say(
        out,
        format!(
            "  the electoral commission publishes the roll of {} voters (commitments only): entry {}",
            roll.len(),
            r.index
        ),
    )?;

    say(out, "")?;
    say(out, "18. Key ceremony")?;
    let id = format!("city-{:08x}", rng.gen::<u32>());
    let (trustees, kits) = ceremony(&id, &TRUSTEES, 3, rng)?;
    say(
        out,
        "  five trustees deal Feldman shares with proofs of knowledge; each checks the shares it receives; nobody holds the election key",
    )?;
    let mut def = ElectionDefinition {
        election_id: id.clone(),
        options: OPTIONS.iter().map(|s| (*s).to_owned()).collect(),
        rules: SelectionRules::single_choice(3),
        roll: Roll {
            registry_id: ELECTORAL_ROLL.into(),
            epoch: l.session.next_epoch(ELECTORAL_ROLL)? - 1,
            root: roll.root(),
            leaf_count: roll.len(),
        },
        trustees,
        quorum: 3,
        opens_at: 0,
        closes_at: 1,
        eligibility_vk: vk.digest(),
        authority: l.keys.board.name().to_owned(),
        signature: EntrySignature::default(),
    };
    // Ballots depend on the election's id, key, rules and roll, not on its
    // window: the voters prepare them first, so the window is short.
    let draft = Election::new(def.clone())?;

    say(out, "")?;
    say(out, format!("19. {} voters prepare their ballots (Groth16 eligibility + Bulletproofs); one abstains", n - 1))?;
    let t = Instant::now();
    let mut tally = [0u64; 3];
    let mut casts = Vec::with_capacity(n);
    // The last voter abstains, and later tries to cast a malformed ballot.
    for v in &voters[..n - 1] {
        let choice = rng.gen_range(0..3);
        let mut votes = [0u64; 3];
        votes[choice] = 1;
        tally[choice] += 1;
        casts.push(cast_ballot(&pk, &vk, &draft, &roll, v, &votes, rng)?);
    }
    let per = t.elapsed().as_secs_f64() / n as f64;
    say(
        out,
        format!("  {:.0} ms per ballot, both proofs", per * 1000.0),
    )?;

    let now = clock::now();
    def.opens_at = now.saturating_sub(1);
    def.closes_at = now + 5 + (n as u64) / 50;
    let r = l.session.define_election(&l.keys.board, def)?;
    let election = match zkgov_verifier::Entry::from_bytes(&r.entry)?.body {
        zkgov_verifier::EntryBody::ElectionDefinition(d) => Election::new(*d)?,
        _ => return Err(ProverError::malformed("election", "not a definition")),
    };
    say(
        out,
        format!(
            "  the election board defines {id} (entry {}), open until the ledger's clock reads {}",
            r.index,
            election.definition().closes_at
        ),
    )?;

    say(out, "")?;
    say(out, "20. Casting")?;
    let t = Instant::now();
    let mut first = None;
    for c in &casts {
        let receipt = l.session.cast(c)?;
        first.get_or_insert(receipt);
    }
    f.cast = true;
    say(
        out,
        format!(
            "  {} ballots accepted in {:.1} s; the first voter's receipt: entry {} under checkpoint {}",
            casts.len(),
            t.elapsed().as_secs_f64(),
            first.as_ref().map_or(0, |r| r.index),
            first.as_ref().map_or(0, |r| r.verify(&l.session.log).map_or(0, |v| v.checkpoint.size))
        ),
    )?;
    let again = cast_ballot(&pk, &vk, &election, &roll, &voters[0], &[0, 0, 1], rng)?;
    f.double_vote_refused = refused(
        "voter 1 votes again",
        l.session.cast(&again),
        ErrorCode::NullifierUsed,
        out,
    )?;
    let outsider = HolderSecret::generate(rng);
    let off_roll = cast_ballot(&pk, &vk, &election, &roll, &outsider, &[1, 0, 0], rng).is_err();
    let fake_roll = ElectoralRoll::new(cfg.depth, vec![outsider.commitment()])?;
    let mut fake = election.definition().clone();
    fake.roll.root = fake_roll.root();
    let forged = cast_ballot(
        &pk,
        &vk,
        &Election::new(fake)?,
        &fake_roll,
        &outsider,
        &[1, 0, 0],
        rng,
    )?;
    f.ineligible_refused = off_roll
        && refused(
            "an outsider with a proof against a roll of their own",
            l.session.cast(&forged),
            ErrorCode::InvalidProof,
            out,
        )?;
    let last = voter_nullifier(&election, &voters[n - 1]);
    let st = election.statement(&last);
    let two = encrypt_ballot_unchecked(&st, &[2, 0, 0], rng)?; // ok: the demo's cheating voter
    let bad = prove_eligibility(&pk, &vk, &election, &roll, &voters[n - 1], two, rng)?;
    f.malformed_refused = refused(
        "a ballot with 2 in a yes/no option",
        l.session.cast(&bad),
        ErrorCode::InvalidProof,
        out,
    )?;

    say(out, "")?;
    say(
        out,
        "21. After the close: the trustees decrypt, with one absent",
    )?;
    let wait = election.definition().closes_at.saturating_sub(clock::now());
    if wait > 0 {
        say(
            out,
            format!("  (waiting {wait} s for the ledger's clock to pass the close)"),
        )?;
        std::thread::sleep(std::time::Duration::from_secs(wait + 1));
    }
    let report = l.session.audit_election(&id)?;
    for k in [&kits[0], &kits[2], &kits[4]] {
        let p = k.decrypt(&id, &report.aggregate, rng);
        let r = l.session.publish_decryption(&id, p)?;
        say(
            out,
            format!(
                "  {} verified all {} ballots itself, decrypted the aggregate with a Chaum-Pedersen proof: entry {}",
                k.name, report.valid_ballots, r.index
            ),
        )?;
    }
    say(
        out,
        "  ben is absent; dev watches. Three of five are enough; two would decrypt nothing",
    )?;
    let report = l.session.audit_election(&id)?;
    let partials: Vec<_> = report.partials.iter().collect();
    let result = election.tally(&report.aggregate, report.valid_ballots, &partials)?;
    let r = l.session.publish_result(result.clone())?;
    f.tallied = result.counts == tally;
    for (name, c) in OPTIONS.iter().zip(&result.counts) {
        say(out, format!("  {name}: {c}"))?;
    }
    say(
        out,
        format!(
            "  result checked by the ledger and anchored: entry {} ({})",
            r.index,
            if f.tallied {
                "matches the votes cast"
            } else {
                "!! does NOT match the votes cast"
            }
        ),
    )?;

    say(out, "")?;
    say(out, "22. The audit, from an export of the log")?;
    let export = LogExport::fetch(&l.session.client)?;
    let path = cfg.data_dir.join("election-export.json");
    std::fs::write(&path, export.to_json()).map_err(ProverError::io(&path))?;
    let t = Instant::now();
    let report =
        LogExport::from_json(&std::fs::read_to_string(&path).map_err(ProverError::io(&path))?)?
            .audit();
    let el = report.elections.iter().find(|e| e.election_id == id);
    f.audited = report.ok() && el.is_some_and(|e| e.result.as_ref() == Some(&result));
    say(
        out,
        format!(
            "  {} entries replayed in {:.1} s: parameters and keys, {} ballots, the aggregate, {} partial decryptions, the result: {}",
            report.entries,
            t.elapsed().as_secs_f64(),
            el.map_or(0, |e| e.valid_ballots),
            el.map_or(0, |e| e.valid_partials),
            if f.audited { "all pass" } else { "FAILED" }
        ),
    )?;
    // One byte of a ballot in the stored export, edited.
    let target = first.as_ref().map_or(0, |r| r.index) as usize + 7;
    let mut text = std::fs::read(&path).map_err(ProverError::io(&path))?;
    let encoded = zkgov_verifier::encoding::b64_encode(&export.entries[target]);
    if let Some(at) = find(&text, encoded.as_bytes()) {
        let pos = at + encoded.len() / 2;
        text[pos] = if text[pos] == b'A' { b'B' } else { b'A' };
    }
    std::fs::write(&path, &text).map_err(ProverError::io(&path))?;
    let edited = LogExport::from_json(&String::from_utf8_lossy(&text))?.audit();
    f.tamper_named = edited
        .failures
        .iter()
        .any(|(i, _)| *i == Some(target as u64));
    for (i, why) in edited.failures.iter().take(4) {
        let at = i.map_or("the log".to_owned(), |i| format!("entry {i}"));
        say(
            out,
            format!("  after editing one byte of entry {target}: {at}: {why}"),
        )?;
    }
    Ok(f)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
