//! Elections from every side but the ledger's: the electoral commission's
//! roll, the trustees' key ceremony and decryption, the voter's ballot,
//! the tally and the audit. The cryptography and its protocol notes are in
//! [`zkgov_verifier::election`]; this module adds proving, files and
//! parallel replay.

pub mod audit;
mod roll;
mod session;
mod trustee;
mod voter;

pub use roll::{ElectoralRoll, MAX_ROLL};
pub use trustee::{
    ceremony, combine_shares, deal, trustees_of, CommitmentsFile, KeyFile, ShareFile, TrusteeKit,
    COMMITMENTS_FORMAT, KEY_FORMAT, SHARE_FORMAT,
};
pub use voter::{cast_ballot, prove_eligibility, voter_nullifier};
