//! An election end to end through a real ledger served over HTTP: the
//! definition and its rules, ballots cast by the voters' client (every
//! refusal with its documented code), trustees decrypting with one absent,
//! the result checked by the ledger, and the five-step audit naming every
//! edit of a ballot, a share, the aggregate or the result.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc,
};

use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkgov_ledger::{
    authority::AuthoritySigner, http::serve, ledger::default_root_grace, store::MemoryStorage,
    ErrorCode, Ledger, LedgerConfig,
};
use zkgov_params::dev_setup;
use zkgov_prover::{
    audit,
    election::{audit::Step, cast_ballot, ceremony, prove_eligibility, ElectoralRoll, TrusteeKit},
    HolderSecret, LedgerSession, PreparedProver, ProverError,
};
use zkgov_verifier::{
    election::{
        ballot::{encrypt_ballot_unchecked, SelectionRules},
        group::{Point, Sc},
        CastBallot, Election, ElectionDefinition, Roll,
    },
    Entry, EntryBody, EntrySignature, Role, StatementId, ValidatedVerifyingKey,
};

const ORIGIN: &str = "zkgov.test/election";
const T0: u64 = 1_800_000_000;
const DEPTH: usize = 10;
const ROLL: &str = "electoral-roll";

struct World {
    clock: Arc<AtomicU64>,
    ledger: Ledger,
    session: LedgerSession,
    commission: AuthoritySigner,
    board: AuthoritySigner,
    prepared: PreparedProver,
    vk: ValidatedVerifyingKey,
    voters: Vec<HolderSecret>,
    roll: ElectoralRoll,
    rng: ChaCha20Rng,
    _rt: tokio::runtime::Runtime,
}

fn code(e: ProverError) -> ErrorCode {
    match e {
        ProverError::Ledger(l) => l.code(),
        other => panic!("not a ledger error: {other}"),
    }
}

fn world() -> World {
    let mut rng = ChaCha20Rng::seed_from_u64(77); // ok: test
    let st = StatementId::BallotEligibilityV1;
    let (pk, vk) = dev_setup(st, DEPTH, &mut rng, false).unwrap();
    let prepared = PreparedProver::new(pk, st, DEPTH).unwrap();
    let admin = AuthoritySigner::generate("admin", Role::Admin, vec![], &mut rng);
    let commission = AuthoritySigner::generate(
        "electoral-commission",
        Role::RegistryAuthority,
        vec![ROLL.into(), "tiny-roll".into()],
        &mut rng,
    );
    let board =
        AuthoritySigner::generate("election-board", Role::ElectionAuthority, vec![], &mut rng);
    let clock = Arc::new(AtomicU64::new(T0));
    let c = clock.clone();
    let ledger = Ledger::open(
        Box::new(MemoryStorage::default()),
        LedgerConfig {
            origin: ORIGIN.into(),
            signer: ed25519_dalek::SigningKey::from_bytes(&[5; 32]),
            authorities: vec![
                admin.authority().clone(),
                commission.authority().clone(),
                board.authority().clone(),
            ],
            state_file: None,
            clock: Arc::new(move || c.load(Ordering::SeqCst)),
            lock: None,
            max_in_flight: zkgov_ledger::ledger::MAX_IN_FLIGHT,
            root_grace_secs: default_root_grace(),
        },
    )
    .unwrap();
    // Voters reach the ledger over HTTP, as a client would.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    rt.spawn(serve(ledger.clone(), listener, std::future::pending()));
    let session = LedgerSession::http(&url).unwrap();
    session
        .register_vk(&admin, st, DEPTH, &vk)
        .unwrap()
        .unwrap();
    let voters: Vec<HolderSecret> = (0..12).map(|_| HolderSecret::generate(&mut rng)).collect();
    let roll =
        ElectoralRoll::new(DEPTH, voters.iter().map(HolderSecret::commitment).collect()).unwrap();
    session
        .publish_root(&commission, ROLL, roll.root(), roll.len(), None, T0)
        .unwrap();
    World {
        clock,
        ledger,
        session,
        commission,
        board,
        prepared,
        vk,
        voters,
        roll,
        rng,
        _rt: rt,
    }
}

fn definition(
    w: &World,
    id: &str,
    trustees: Vec<zkgov_verifier::election::Trustee>,
) -> ElectionDefinition {
    ElectionDefinition {
        election_id: id.into(),
        options: vec!["north bridge".into(), "south park".into(), "library".into()],
        rules: SelectionRules::single_choice(3),
        roll: Roll {
            registry_id: ROLL.into(),
            epoch: 1,
            root: w.roll.root(),
            leaf_count: w.roll.len(),
        },
        trustees,
        quorum: 3,
        opens_at: T0,
        closes_at: T0 + 3600,
        eligibility_vk: w.vk.digest(),
        authority: String::new(),
        signature: EntrySignature::default(),
    }
}

fn define(w: &mut World, id: &str) -> (Election, Vec<TrusteeKit>) {
    let names = ["ana", "ben", "chloe", "dev", "eve"];
    let (trustees, kits) = ceremony(id, &names, 3, &mut w.rng).unwrap();
    let def = definition(w, id, trustees);
    w.session.define_election(&w.board, def.clone()).unwrap();
    let mut signed = def;
    signed.authority = w.board.name().into();
    (Election::new(signed).unwrap(), kits)
}

fn vote(w: &mut World, el: &Election, voter: usize, votes: &[u64]) -> CastBallot {
    cast_ballot(
        &w.prepared,
        &w.vk,
        el,
        &w.roll,
        &w.voters[voter],
        votes,
        &mut w.rng,
    )
    .unwrap()
}

#[test]
fn an_election_from_definition_to_audited_result() {
    let mut w = world();

    // Definitions the ledger refuses: signed by a registry authority, on a
    // roll too small to hide anyone.
    let (t, _) = ceremony("e-bad", &["a", "b", "c"], 3, &mut w.rng).unwrap();
    let def = definition(&w, "e-bad", t.clone());
    let e = w.session.define_election(&w.commission, def).unwrap_err();
    assert_eq!(code(e), ErrorCode::Unauthorised);
    let tiny = ElectoralRoll::new(
        DEPTH,
        w.voters[..3].iter().map(HolderSecret::commitment).collect(),
    )
    .unwrap();
    w.session
        .publish_root(&w.commission, "tiny-roll", tiny.root(), 3, None, T0)
        .unwrap();
    let mut small = definition(&w, "e-bad", t);
    small.roll = Roll {
        registry_id: "tiny-roll".into(),
        epoch: 1,
        root: tiny.root(),
        leaf_count: 3,
    };
    let e = w.session.define_election(&w.board, small).unwrap_err();
    assert_eq!(code(e), ErrorCode::Refused);

    let (el, kits) = define(&mut w, "city-2027");
    let (other, _) = define(&mut w, "city-2028");
    let e = w
        .session
        .define_election(&w.board, el.definition().clone())
        .unwrap_err();
    assert_eq!(code(e), ErrorCode::Duplicate);
    let status = w.session.client.election("city-2027").unwrap();
    assert_eq!((status.ballots, status.result), (0, None));

    // Ten voters vote; voter i picks option i mod 3.
    let mut expected = [0u64; 3];
    let mut receipts = vec![];
    for i in 0..10 {
        let mut v = [0u64; 3];
        v[i % 3] = 1;
        expected[i % 3] += 1;
        let cast = vote(&mut w, &el, i, &v);
        let r = w.session.cast(&cast).unwrap();
        // The voter's receipt shows the ballot on the log, and the entry
        // holds only the ciphertexts, proofs and nullifier.
        let entry = Entry::from_bytes(&r.entry).unwrap();
        let EntryBody::Ballot(on_log) = entry.body else {
            panic!("not a ballot")
        };
        assert_eq!(on_log.ballot, cast.ballot);
        assert_eq!(on_log.cast_at, T0);
        receipts.push(r);
    }
    let text = String::from_utf8(receipts[0].entry.clone()).unwrap();
    for v in &w.voters {
        assert!(!text.contains(&v.commitment().to_string()));
    }

    // A double vote.
    let again = vote(&mut w, &el, 0, &[0, 0, 1]);
    assert_eq!(
        code(w.session.cast(&again).unwrap_err()),
        ErrorCode::NullifierUsed
    );

    // A malformed ballot: 2 in a yes/no option, from an eligible voter
    // whose eligibility proof is bound to it.
    let fresh = vote(&mut w, &el, 10, &[1, 0, 0]);
    let forged =
        encrypt_ballot_unchecked(&el.statement(&fresh.nullifier), &[2, 0, 0], &mut w.rng).unwrap();
    let bad = prove_eligibility(
        &w.prepared,
        &w.vk,
        &el,
        &w.roll,
        &w.voters[10],
        forged,
        &mut w.rng,
    )
    .unwrap();
    let e = w.session.cast(&bad).unwrap_err();
    assert!(e.to_string().contains("range proof"), "{e}");
    assert_eq!(code(e), ErrorCode::InvalidProof);

    // An eligibility proof moved onto another ballot: voter 10's second
    // ballot (valid for its nullifier) beside the proof made for its first.
    let second = vote(&mut w, &el, 10, &[0, 0, 1]);
    let moved = CastBallot {
        ballot: second.ballot.clone(),
        ..fresh.clone()
    };
    assert!(el.verify_ballot(&moved, &mut w.rng).is_ok());
    let e = w.session.cast(&moved).unwrap_err();
    assert!(e.to_string().contains("pairing"), "{e}");
    assert_eq!(code(e), ErrorCode::InvalidProof);

    // A ciphertext swapped between voters: one option of voter 11's ballot
    // in voter 10's.
    let other_ballot = vote(&mut w, &el, 11, &[0, 1, 0]);
    let mut swapped = fresh.clone();
    swapped.ballot.ciphertexts[1] = other_ballot.ballot.ciphertexts[1];
    let e = w.session.cast(&swapped).unwrap_err();
    assert!(e.to_string().contains("linking"), "{e}");
    assert_eq!(code(e), ErrorCode::InvalidProof);

    // A ballot replayed in another election.
    let replayed = CastBallot {
        election_id: other.id().into(),
        ..fresh.clone()
    };
    assert_eq!(
        code(w.session.cast(&replayed).unwrap_err()),
        ErrorCode::InvalidProof
    );

    // An ineligible voter: not on the roll, so the prover refuses, and a
    // forged eligibility proof (an honest proof for another roll) is refused.
    let outsider = HolderSecret::generate(&mut w.rng);
    let e = cast_ballot(
        &w.prepared,
        &w.vk,
        &el,
        &w.roll,
        &outsider,
        &[1, 0, 0],
        &mut w.rng,
    )
    .unwrap_err();
    assert!(matches!(e, ProverError::NotOnRoll), "{e}");
    let fake_roll = ElectoralRoll::new(DEPTH, vec![outsider.commitment()]).unwrap();
    let mut fake_def = el.definition().clone();
    fake_def.roll.root = fake_roll.root();
    let fake_el = Election::new(fake_def).unwrap();
    let ineligible = cast_ballot(
        &w.prepared,
        &w.vk,
        &fake_el,
        &fake_roll,
        &outsider,
        &[1, 0, 0],
        &mut w.rng,
    )
    .unwrap();
    assert_eq!(
        code(w.session.cast(&ineligible).unwrap_err()),
        ErrorCode::InvalidProof
    );

    // Nothing decrypts before the close.
    let early = kits[0].decrypt(el.id(), &[], &mut w.rng);
    assert_eq!(
        code(w.session.publish_decryption(el.id(), early).unwrap_err()),
        ErrorCode::OutsideWindow
    );

    // After the close, ballots are refused ...
    w.clock.store(T0 + 3600, Ordering::SeqCst);
    assert_eq!(
        code(w.session.cast(&fresh).unwrap_err()),
        ErrorCode::OutsideWindow
    );

    // ... and trustees 1, 3 and 5 decrypt the aggregate of the ballots they
    // verified themselves; ben and dev are absent.
    let report = w.session.audit_election(el.id()).unwrap();
    assert!(report.ok(), "{:?}", report.failures);
    assert_eq!(report.valid_ballots, 10);
    // A partial with a wrong proof is refused and names the trustee.
    let mut wrong = kits[0].decrypt(el.id(), &report.aggregate, &mut w.rng);
    wrong.proofs[2].z = Sc(wrong.proofs[2].z.0 + curve25519_dalek::Scalar::ONE);
    let e = w.session.publish_decryption(el.id(), wrong).unwrap_err();
    assert!(e.to_string().contains("trustee 1"), "{e}");
    assert_eq!(code(e), ErrorCode::InvalidProof);
    // A partial of another aggregate (a single ballot's, say) is refused.
    let single = kits[0].decrypt(el.id(), &receipts_ballot(&receipts[0]), &mut w.rng);
    assert_eq!(
        code(w.session.publish_decryption(el.id(), single).unwrap_err()),
        ErrorCode::InvalidProof
    );
    for k in [&kits[0], &kits[2]] {
        let p = k.decrypt(el.id(), &report.aggregate, &mut w.rng);
        w.session.publish_decryption(el.id(), p).unwrap();
    }
    // Two of five cannot tally: the quorum is three.
    let two = w.session.audit_election(el.id()).unwrap();
    let partials: Vec<_> = two.partials.iter().collect();
    let e = el
        .tally(&two.aggregate, two.valid_ballots, &partials)
        .unwrap_err();
    assert!(
        matches!(
            e,
            zkgov_verifier::VerifyError::QuorumNotMet { have: 2, need: 3 }
        ),
        "{e}"
    );
    let p = kits[4].decrypt(el.id(), &report.aggregate, &mut w.rng);
    w.session.publish_decryption(el.id(), p.clone()).unwrap();
    assert_eq!(
        code(w.session.publish_decryption(el.id(), p).unwrap_err()),
        ErrorCode::Duplicate
    );

    // The tally: anyone combines the partials and the ledger checks it.
    let three = w.session.audit_election(el.id()).unwrap();
    let partials: Vec<_> = three.partials.iter().collect();
    let result = el
        .tally(&three.aggregate, three.valid_ballots, &partials)
        .unwrap();
    assert_eq!(result.counts, expected);
    assert_eq!(result.trustees, [1, 3, 5]);
    let mut lie = result.clone();
    lie.counts[0] += 1;
    lie.counts[1] -= 1;
    assert_eq!(
        code(w.session.publish_result(lie).unwrap_err()),
        ErrorCode::InvalidProof
    );
    let mut short = result.clone();
    short.trustees = vec![1, 3];
    assert_eq!(
        code(w.session.publish_result(short).unwrap_err()),
        ErrorCode::Mismatch
    );
    w.session.publish_result(result.clone()).unwrap();
    assert_eq!(
        code(w.session.publish_result(result.clone()).unwrap_err()),
        ErrorCode::Duplicate
    );

    // The audit passes, in five steps, from the log alone.
    let final_report = w.session.audit_election(el.id()).unwrap();
    assert!(final_report.ok(), "{:?}", final_report.failures);
    assert_eq!(final_report.result.as_ref().unwrap().counts, expected);

    // Every edit of the stored log is named.
    let size = w.ledger.size();
    let entries: Vec<Vec<u8>> = (0..size)
        .map(|i| w.ledger.entry(i).unwrap().unwrap())
        .collect();
    let checkpoint = w.ledger.checkpoint().unwrap().note;
    let index_of = |kind: &str, nth: usize| {
        entries
            .iter()
            .enumerate()
            .filter(|(_, e)| Entry::from_bytes(e).unwrap().kind() == kind)
            .nth(nth)
            .unwrap()
            .0
    };
    let edit = |i: usize, f: &dyn Fn(&mut EntryBody)| {
        let mut e = Entry::from_bytes(&entries[i]).unwrap();
        f(&mut e.body);
        let mut all = entries.clone();
        all[i] = e.to_bytes();
        audit(&all, &checkpoint)
    };
    let named = |r: &zkgov_prover::AuditReport, i: usize, step: Step| {
        let el = r
            .elections
            .iter()
            .find(|e| e.election_id == "city-2027")
            .unwrap();
        assert!(
            el.failures
                .iter()
                .any(|f| f.entry == Some(i as u64) && f.step == step),
            "{:?}",
            el.failures
        );
        assert!(!r.ok());
    };
    // A ballot's ciphertext.
    let b = index_of("ballot", 3);
    let r = edit(b, &|body| {
        if let EntryBody::Ballot(c) = body {
            c.ballot.ciphertexts[0].b =
                Point(c.ballot.ciphertexts[0].b.0 + zkgov_verifier::election::group::g());
        }
    });
    named(&r, b, Step::Ballots);
    // A ballot's time, outside the window.
    let r = edit(b, &|body| {
        if let EntryBody::Ballot(c) = body {
            c.cast_at = T0 + 7200;
        }
    });
    named(&r, b, Step::Ballots);
    // A trustee's share.
    let d = index_of("decryption-share", 1);
    let r = edit(d, &|body| {
        if let EntryBody::DecryptionShare(s) = body {
            s.partial.shares[0] =
                Point(s.partial.shares[0].0 + zkgov_verifier::election::group::g());
        }
    });
    named(&r, d, Step::Decryptions);
    // The result's counts, and its aggregate.
    let res = index_of("election-result", 0);
    let r = edit(res, &|body| {
        if let EntryBody::ElectionResult(x) = body {
            x.counts.swap(0, 1);
        }
    });
    named(&r, res, Step::Result);
    let r = edit(res, &|body| {
        if let EntryBody::ElectionResult(x) = body {
            x.aggregate[2].a = Point(x.aggregate[2].a.0 + zkgov_verifier::election::group::g());
        }
    });
    named(&r, res, Step::Aggregate);
    // A trustee's commitments in the definition.
    let def = index_of("election-definition", 0);
    let r = edit(def, &|body| {
        if let EntryBody::ElectionDefinition(x) = body {
            x.trustees[1].commitments.proofs[0].z =
                Sc(x.trustees[1].commitments.proofs[0].z.0 + curve25519_dalek::Scalar::ONE);
        }
    });
    named(&r, def, Step::Parameters);
    // And the untouched log still audits clean.
    assert!(audit(&entries, &checkpoint).ok());
}

/// The single ciphertext vector of a ballot entry: what a malicious
/// ledger might pass off as the aggregate.
fn receipts_ballot(
    r: &zkgov_verifier::Receipt,
) -> Vec<zkgov_verifier::election::group::Ciphertext> {
    match Entry::from_bytes(&r.entry).unwrap().body {
        EntryBody::Ballot(b) => b.ballot.ciphertexts,
        _ => panic!("not a ballot"),
    }
}
