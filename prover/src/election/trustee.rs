//! The trustees' side: the key ceremony and partial decryption.

use rand::{CryptoRng, RngCore};
use zkgov_verifier::election::{
    decryption::{partial_decrypt, PartialDecryption},
    dkg::{Dealer, KeyShare, Share, TrusteeCommitments},
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
    let mut dealers = Vec::with_capacity(names.len());
    let mut published: Vec<TrusteeCommitments> = Vec::with_capacity(names.len());
    for i in 1..=names.len() as u32 {
        let (d, c) = Dealer::new(election, i, quorum, rng)?;
        dealers.push(d);
        published.push(c);
    }
    let mut kits = Vec::with_capacity(names.len());
    for (l, name) in (1..=names.len() as u32).zip(names) {
        let shares: Vec<Share> = dealers.iter().map(|d| d.share_for(l)).collect();
        kits.push(TrusteeKit {
            name: (*name).to_owned(),
            key_share: KeyShare::combine(l, &published, &shares)?,
        });
    }
    let trustees = names
        .iter()
        .zip(published)
        .map(|(n, commitments)| Trustee {
            name: (*n).to_owned(),
            commitments,
        })
        .collect();
    Ok((trustees, kits))
}
