//! The trustees' side: the key ceremony and partial decryption.

use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use zkgov_verifier::election::{
    decryption::{partial_decrypt, PartialDecryption},
    dkg::{verify_commitments, Dealer, KeyShare, Share, TrusteeCommitments, MAX_TRUSTEES},
    group::Ciphertext,
    Trustee,
};

use crate::ProverError;

/// What one trustee holds after the ceremony: its key share (secret) and
/// the public record of everyone's commitments.
#[derive(Debug)]
pub struct TrusteeKit {
    /// The trustee's name.
    pub name: String,
    /// Its key share `x_l` (secret: zeroized on drop).
    pub key_share: KeyShare,
}

impl TrusteeKit {
    /// This trustee's partial decryption of `aggregate`.
    pub fn decrypt<R: RngCore + CryptoRng>(
        &self,
        election: &str,
        aggregate: &[Ciphertext],
        rng: &mut R,
    ) -> PartialDecryption {
        partial_decrypt(election, &self.key_share, aggregate, rng)
    }
}

/// Runs the whole ceremony among `names` (trustee `i + 1` is `names[i]`)
/// with quorum `quorum`, as the trustees would, each in their own process:
/// every dealer draws its polynomial and publishes commitments, every
/// share is checked by its recipient (a bad one names its dealer), and
/// each trustee combines its shares. Returns the published trustees (for
/// the election definition) and each trustee's kit.
pub fn ceremony<R: RngCore + CryptoRng>(
    election: &str,
    names: &[&str],
    quorum: usize,
    rng: &mut R,
) -> Result<(Vec<Trustee>, Vec<TrusteeKit>), ProverError> {
    let n = names.len() as u32;
    let mut published = Vec::with_capacity(names.len());
    let mut sent: Vec<Vec<ShareFile>> = Vec::with_capacity(names.len());
    for (i, name) in (1..=n).zip(names) {
        let (c, shares) = deal(election, name, i, n, quorum as u32, rng)?;
        published.push(c);
        sent.push(shares);
    }
    let mut kits = Vec::with_capacity(names.len());
    for l in 1..=n {
        let mine: Vec<ShareFile> = sent.iter_mut().map(|shares| shares.remove(0)).collect();
        let key = combine_shares(election, l, &published, &mine)?;
        kits.push(TrusteeKit {
            name: key.name,
            key_share: key.key_share,
        });
    }
    Ok((trustees_of(&published), kits))
}

/// Format name of a trustee's public commitments file.
pub const COMMITMENTS_FORMAT: &str = "zkgov-trustee-commitments";
/// Format name of a share file (secret: for its recipient only).
pub const SHARE_FORMAT: &str = "zkgov-trustee-share";
/// Format name of a trustee's key-share file (secret).
pub const KEY_FORMAT: &str = "zkgov-trustee-key";

/// What a trustee publishes in the ceremony, as a file (format
/// `zkgov-trustee-commitments` version 1): the election, its name and its
/// commitments with their proofs of knowledge. Public.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitmentsFile {
    /// `zkgov-trustee-commitments`.
    pub format: String,
    /// 1.
    pub version: u64,
    /// The election the ceremony is for (bound into every proof).
    pub election: String,
    /// The quorum the polynomial was drawn for.
    pub quorum: u32,
    /// The trustee and its commitments.
    pub trustee: Trustee,
}

/// One share sent by a dealer to one recipient, as a file (format
/// `zkgov-trustee-share` version 1). Secret: written mode 0600, zeroized.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareFile {
    /// `zkgov-trustee-share`.
    pub format: String,
    /// 1.
    pub version: u64,
    /// The election.
    pub election: String,
    /// The share.
    pub share: Share,
}

/// A trustee's key share, as a file (format `zkgov-trustee-key` version 1).
/// Secret: written mode 0600, zeroized.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFile {
    /// `zkgov-trustee-key`.
    pub format: String,
    /// 1.
    pub version: u64,
    /// The election.
    pub election: String,
    /// The trustee's name.
    pub name: String,
    /// `x_l`.
    pub key_share: KeyShare,
}

impl CommitmentsFile {
    /// Reads and checks a commitments file: its format, and the trustee's
    /// proofs of knowledge for `election` (a bad one names the trustee).
    pub fn from_json(text: &str, election: &str) -> Result<Self, ProverError> {
        let f: CommitmentsFile = serde_json::from_str(text)
            .map_err(|e| ProverError::malformed("trustee commitments", e.to_string()))?;
        if f.format != COMMITMENTS_FORMAT || f.version != 1 {
            return Err(ProverError::malformed(
                "trustee commitments",
                format!("expected {COMMITMENTS_FORMAT} version 1"),
            ));
        }
        if f.election != election {
            return Err(ProverError::malformed(
                "trustee commitments",
                format!("made for election {:?}, not {election:?}", f.election),
            ));
        }
        verify_commitments(election, f.quorum as usize, &f.trustee.commitments)?;
        Ok(f)
    }

    /// The file's text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// One trustee's part of the ceremony, run in its own process: draws its
/// polynomial for `election` (trustee `index` of `trustees`, quorum
/// `quorum`), and returns what it publishes and the share for each
/// trustee `1..=trustees` (its own included), to be sent privately. The
/// polynomial itself is dropped (and zeroized) here: nobody keeps it.
pub fn deal<R: RngCore + CryptoRng>(
    election: &str,
    name: &str,
    index: u32,
    trustees: u32,
    quorum: u32,
    rng: &mut R,
) -> Result<(CommitmentsFile, Vec<ShareFile>), ProverError> {
    if index == 0 || index > trustees || quorum > trustees || trustees as usize > MAX_TRUSTEES {
        return Err(ProverError::malformed(
            "ceremony",
            format!("trustee {index} of {trustees} with quorum {quorum}: indices are 1..=n, the quorum at most n, n at most {MAX_TRUSTEES}"),
        ));
    }
    let (dealer, commitments) = Dealer::new(election, index, quorum as usize, rng)?;
    let shares = (1..=trustees)
        .map(|l| ShareFile {
            format: SHARE_FORMAT.into(),
            version: 1,
            election: election.to_owned(),
            share: dealer.share_for(l),
        })
        .collect();
    Ok((
        CommitmentsFile {
            format: COMMITMENTS_FORMAT.into(),
            version: 1,
            election: election.to_owned(),
            quorum,
            trustee: Trustee {
                name: name.to_owned(),
                commitments,
            },
        },
        shares,
    ))
}

/// Trustee `index`'s key share from every trustee's published commitments
/// (each checked, the trustees numbered `1..=n` in order) and the shares
/// it received (each checked against its dealer's commitments: a bad one
/// names the dealer, [`zkgov_verifier::VerifyError::BadShare`]).
pub fn combine_shares(
    election: &str,
    index: u32,
    published: &[CommitmentsFile],
    shares: &[ShareFile],
) -> Result<KeyFile, ProverError> {
    let Some(me) = published
        .iter()
        .find(|c| c.trustee.commitments.index == index)
    else {
        return Err(ProverError::malformed(
            "ceremony",
            format!("no commitments of trustee {index} among those given"),
        ));
    };
    for (i, c) in published.iter().enumerate() {
        if c.trustee.commitments.index != i as u32 + 1 || c.quorum != me.quorum {
            return Err(ProverError::malformed(
                "ceremony",
                "give every trustee's commitments once, in index order, all for one quorum",
            ));
        }
    }
    if let Some(s) = shares.iter().find(|s| s.election != election) {
        return Err(ProverError::malformed(
            "share",
            format!("made for election {:?}, not {election:?}", s.election),
        ));
    }
    let all: Vec<TrusteeCommitments> = published
        .iter()
        .map(|c| c.trustee.commitments.clone())
        .collect();
    let received: Vec<Share> = shares.iter().map(|s| s.share.clone()).collect();
    Ok(KeyFile {
        format: KEY_FORMAT.into(),
        version: 1,
        election: election.to_owned(),
        name: me.trustee.name.clone(),
        key_share: KeyShare::combine(index, &all, &received)?,
    })
}

/// The published trustees, for an election definition.
pub fn trustees_of(published: &[CommitmentsFile]) -> Vec<Trustee> {
    published.iter().map(|c| c.trustee.clone()).collect()
}
