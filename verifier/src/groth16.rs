//! Groth16 verification over BN254, without the prover's dependencies.
//!
//! Key and proof types have exactly the field order of `ark-groth16` 0.6, so
//! their compressed bytes are interchangeable (tested in `zkgov-params`).
//!
//! A proof `(A, B, C)` is valid for public inputs `x_1..x_l` under a key
//! `(alpha, beta, gamma, delta, IC_0..IC_l)` when
//!
//! ```text
//! e(A, B) = e(alpha, beta) * e(IC_0 + sum_i x_i IC_i, gamma) * e(C, delta)
//! ```
//!
//! checked as one multi-pairing. Unlike `ark-groth16`'s `prepare_inputs`,
//! which zips inputs with key points, a wrong number of inputs is refused.
//!
//! ## Batch verification
//!
//! [`ValidatedVerifyingKey::verify_batch`] checks `n` proofs for one key
//! together. With `vk_x_i = IC_0 + sum_j x_ij IC_j` and random non-zero
//! 128-bit scalars `rho_i` (drawn from the caller's RNG after the proofs are
//! fixed), the `n` equations above hold, except with probability at most
//! `2^-128` per check, when
//!
//! ```text
//! prod_i e(rho_i A_i, B_i) * e(sum_i rho_i vk_x_i, -gamma) * e(sum_i rho_i C_i, -delta)
//!     = e(alpha, beta)^(sum_i rho_i)
//! ```
//!
//! that is `n + 2` Miller loops, one final exponentiation and one
//! exponentiation in the cyclotomic subgroup. `sum_i rho_i vk_x_i` is one
//! multi-scalar multiplication over the `l + 1` key points, with scalars
//! `sum_i rho_i` for `IC_0` and `sum_i rho_i x_ij` for `IC_j`. Without the
//! `rho_i` (all equal to 1) two invalid proofs could cancel: `C_1 + D` and
//! `C_2 - D` pass together. When the combined check fails, the batch is
//! bisected (each half checked with fresh scalars, single proofs with
//! [`ValidatedVerifyingKey::verify`]) and the invalid proofs are named.

use ark_bn254::{Bn254, Fq12, G1Affine, G1Projective, G2Affine};
use ark_ec::{
    pairing::{Pairing, PairingOutput},
    AffineRepr, CurveGroup, VariableBaseMSM,
};
use ark_ff::Zero;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
use ark_std::rand::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};

use crate::{domain::Label, field::Fr, VerifyError};

/// A Groth16 verifying key (same layout as `ark_groth16::VerifyingKey<Bn254>`).
#[derive(Clone, Debug, PartialEq, Eq, CanonicalSerialize, CanonicalDeserialize)]
pub struct VerifyingKey {
    /// `alpha` in G1.
    pub alpha_g1: G1Affine,
    /// `beta` in G2.
    pub beta_g2: G2Affine,
    /// `gamma` in G2.
    pub gamma_g2: G2Affine,
    /// `delta` in G2.
    pub delta_g2: G2Affine,
    /// `IC_0..IC_l` in G1.
    pub gamma_abc_g1: Vec<G1Affine>,
}

/// A Groth16 proof (same layout as `ark_groth16::Proof<Bn254>`).
#[derive(Clone, Debug, PartialEq, Eq, CanonicalSerialize, CanonicalDeserialize)]
pub struct Proof {
    /// `A` in G1.
    pub a: G1Affine,
    /// `B` in G2.
    pub b: G2Affine,
    /// `C` in G1.
    pub c: G1Affine,
}

/// Compressed size of a proof in bytes.
pub const PROOF_SIZE: usize = 128;

/// SHA-256 digest identifying a verifying key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VerifyingKeyDigest(pub [u8; 32]);

impl VerifyingKeyDigest {
    /// Lower-case hex.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses 64 lower-case hex digits.
    pub fn from_hex(s: &str) -> Result<Self, VerifyError> {
        crate::encoding::hex32(s, "verifying-key digest")
            .map(VerifyingKeyDigest)
            .map_err(VerifyError::MalformedBundle)
    }
}

impl std::fmt::Display for VerifyingKeyDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl serde::Serialize for VerifyingKeyDigest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> serde::Deserialize<'de> for VerifyingKeyDigest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::encoding::de_parsed(d, Self::from_hex)
    }
}

fn bad_key(msg: impl Into<String>) -> VerifyError {
    VerifyError::MalformedKey(msg.into())
}

/// A verifying key that passed every check, with its digest and the values
/// precomputed for verification.
#[derive(Clone, Debug)]
pub struct ValidatedVerifyingKey {
    vk: VerifyingKey,
    digest: VerifyingKeyDigest,
    alpha_beta: Fq12,
    // -gamma and -delta with their Miller-loop line coefficients precomputed.
    gamma_neg: <Bn254 as Pairing>::G2Prepared,
    delta_neg: <Bn254 as Pairing>::G2Prepared,
}

impl VerifyingKey {
    /// Compressed arkworks bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.compressed_size());
        // Writing to a Vec cannot fail.
        let _ = self.serialize_compressed(&mut out);
        out
    }

    /// The digest: `SHA-256(label || compressed bytes)`.
    pub fn digest(&self) -> VerifyingKeyDigest {
        let mut h = Sha256::new();
        h.update(Label::VerifyingKeyDigestV1.as_str().as_bytes());
        h.update(self.to_bytes());
        VerifyingKeyDigest(h.finalize().into())
    }

    /// Checks the key and precomputes; `num_inputs` is what the statement
    /// expects. Points are already on the curve and in the subgroup when they
    /// come from [`ValidatedVerifyingKey::from_bytes`] or the snarkjs reader;
    /// they are checked again here so no path can skip it.
    pub fn validate(self, num_inputs: usize) -> Result<ValidatedVerifyingKey, VerifyError> {
        let g1s = std::iter::once(("alpha", &self.alpha_g1))
            .chain(self.gamma_abc_g1.iter().map(|p| ("IC", p)));
        for (name, p) in g1s {
            if p.is_zero() {
                return Err(bad_key(format!("{name} is the identity point")));
            }
            if !p.is_on_curve() || !p.is_in_correct_subgroup_assuming_on_curve() {
                return Err(bad_key(format!("{name} is not in the prime-order group")));
            }
        }
        for (name, p) in [
            ("beta", &self.beta_g2),
            ("gamma", &self.gamma_g2),
            ("delta", &self.delta_g2),
        ] {
            if p.is_zero() {
                return Err(bad_key(format!("{name} is the identity point")));
            }
            if !p.is_on_curve() || !p.is_in_correct_subgroup_assuming_on_curve() {
                return Err(bad_key(format!("{name} is not in the prime-order group")));
            }
        }
        if self.gamma_g2 == self.delta_g2 {
            return Err(bad_key(
                "gamma == delta: proofs could be forged for any input",
            ));
        }
        // `num_inputs` may come from outside (snarkjs `nPublic`): no wrap.
        if num_inputs.checked_add(1) != Some(self.gamma_abc_g1.len()) {
            return Err(VerifyError::WrongInputCount {
                expected: num_inputs,
                got: self.gamma_abc_g1.len().saturating_sub(1),
            });
        }
        let alpha_beta = Bn254::pairing(self.alpha_g1, self.beta_g2).0;
        let gamma_neg = (-self.gamma_g2.into_group()).into_affine().into();
        let delta_neg = (-self.delta_g2.into_group()).into_affine().into();
        let digest = self.digest();
        Ok(ValidatedVerifyingKey {
            vk: self,
            digest,
            alpha_beta,
            gamma_neg,
            delta_neg,
        })
    }
}

impl ValidatedVerifyingKey {
    /// Decodes compressed arkworks bytes (with curve and subgroup checks) and
    /// validates the key; trailing bytes are refused.
    pub fn from_bytes(bytes: &[u8], num_inputs: usize) -> Result<Self, VerifyError> {
        let mut reader = bytes;
        let vk = VerifyingKey::deserialize_with_mode(&mut reader, Compress::Yes, Validate::Yes)
            .map_err(|e| bad_key(format!("cannot decode: {e}")))?;
        if !reader.is_empty() {
            return Err(bad_key(format!("{} trailing bytes", reader.len())));
        }
        vk.validate(num_inputs)
    }

    /// The key.
    pub fn key(&self) -> &VerifyingKey {
        &self.vk
    }

    /// The key's digest.
    pub fn digest(&self) -> VerifyingKeyDigest {
        self.digest
    }

    /// Number of public inputs the key expects.
    pub fn num_inputs(&self) -> usize {
        self.vk.gamma_abc_g1.len() - 1
    }

    /// `e(alpha, beta)`, as snarkjs writes it in `vk_alphabeta_12`.
    pub fn alpha_beta(&self) -> &Fq12 {
        &self.alpha_beta
    }

    /// Verifies `proof` for `inputs`. Refuses a wrong input count; keeps
    /// malformed input ([`VerifyError::WrongInputCount`]) apart from a failed
    /// pairing check ([`VerifyError::InvalidProof`]).
    pub fn verify(&self, proof: &Proof, inputs: &[Fr]) -> Result<(), VerifyError> {
        if inputs.len() != self.num_inputs() {
            return Err(VerifyError::WrongInputCount {
                expected: self.num_inputs(),
                got: inputs.len(),
            });
        }
        let ic = &self.vk.gamma_abc_g1;
        let acc =
            G1Projective::msm(&ic[1..], inputs).map_err(|_| VerifyError::WrongInputCount {
                expected: ic.len() - 1,
                got: inputs.len(),
            })?;
        let vk_x = (acc + ic[0]).into_affine();
        let lhs = Bn254::multi_pairing(
            [proof.a, vk_x, proof.c],
            [
                proof.b.into(),
                self.gamma_neg.clone(),
                self.delta_neg.clone(),
            ],
        );
        if lhs.0 == self.alpha_beta {
            Ok(())
        } else {
            Err(VerifyError::InvalidProof)
        }
    }

    /// Verifies `batch` (each proof with its public inputs) as one random
    /// linear combination: `n + 2` Miller loops and one final
    /// exponentiation (see the module notes). The scalars come from `rng`,
    /// which must be unpredictable to whoever made the proofs (the OS RNG in
    /// production, seeded ChaCha in tests).
    ///
    /// A wrong input count anywhere refuses the whole batch as malformed
    /// ([`VerifyError::WrongInputCount`]) before any pairing. When the
    /// combined check fails, the batch is bisected and the error is
    /// [`VerifyError::InvalidBatch`] with the positions of every invalid
    /// proof. An empty batch holds.
    pub fn verify_batch<R: RngCore + CryptoRng>(
        &self,
        batch: &[(&Proof, &[Fr])],
        rng: &mut R,
    ) -> Result<(), VerifyError> {
        for (_, inputs) in batch {
            if inputs.len() != self.num_inputs() {
                return Err(VerifyError::WrongInputCount {
                    expected: self.num_inputs(),
                    got: inputs.len(),
                });
            }
        }
        let mut invalid = Vec::new();
        self.bisect(batch, 0, rng, &mut invalid)?;
        if invalid.is_empty() {
            Ok(())
        } else {
            Err(VerifyError::InvalidBatch { invalid })
        }
    }

    /// Pushes onto `invalid` the positions (offset by `first`) of the proofs
    /// in `batch` that do not verify.
    fn bisect<R: RngCore + CryptoRng>(
        &self,
        batch: &[(&Proof, &[Fr])],
        first: usize,
        rng: &mut R,
        invalid: &mut Vec<usize>,
    ) -> Result<(), VerifyError> {
        match batch {
            [] => Ok(()),
            [(proof, inputs)] => match self.verify(proof, inputs) {
                Ok(()) => Ok(()),
                Err(VerifyError::InvalidProof) => {
                    invalid.push(first);
                    Ok(())
                }
                Err(e) => Err(e),
            },
            _ => {
                if self.combined_check(batch, rng)? {
                    return Ok(());
                }
                let (left, right) = batch.split_at(batch.len() / 2);
                self.bisect(left, first, rng, invalid)?;
                self.bisect(right, first + left.len(), rng, invalid)
            }
        }
    }

    /// The random-linear-combination check of the module notes; input
    /// counts are already checked.
    fn combined_check<R: RngCore + CryptoRng>(
        &self,
        batch: &[(&Proof, &[Fr])],
        rng: &mut R,
    ) -> Result<bool, VerifyError> {
        let ic = &self.vk.gamma_abc_g1;
        let mut rho_sum = Fr::zero();
        // Scalars for IC_0..IC_l: sum rho_i, then sum_i rho_i x_ij.
        let mut ic_scalars = vec![Fr::zero(); ic.len()];
        let mut scaled_a = Vec::with_capacity(batch.len());
        let mut cs = Vec::with_capacity(batch.len());
        let mut rhos = Vec::with_capacity(batch.len());
        for (proof, inputs) in batch {
            let rho = nonzero_128(rng);
            rho_sum += rho;
            for (s, x) in ic_scalars[1..].iter_mut().zip(inputs.iter()) {
                *s += rho * x;
            }
            scaled_a.push(proof.a * rho);
            cs.push(proof.c);
            rhos.push(rho);
        }
        ic_scalars[0] = rho_sum;
        let count = |_| VerifyError::WrongInputCount {
            expected: ic.len() - 1,
            got: ic_scalars.len() - 1,
        };
        let vk_x = G1Projective::msm(ic, &ic_scalars).map_err(count)?;
        let c_sum = G1Projective::msm(&cs, &rhos).map_err(count)?;
        let g1s = G1Projective::normalize_batch(&scaled_a)
            .into_iter()
            .chain([vk_x.into_affine(), c_sum.into_affine()]);
        let g2s = batch
            .iter()
            .map(|(p, _)| <Bn254 as Pairing>::G2Prepared::from(p.b))
            .chain([self.gamma_neg.clone(), self.delta_neg.clone()]);
        let lhs = Bn254::final_exponentiation(Bn254::multi_miller_loop(g1s, g2s));
        let rhs = PairingOutput::<Bn254>(self.alpha_beta) * rho_sum;
        Ok(lhs == Some(rhs))
    }
}

/// A uniformly random non-zero scalar below 2^128.
fn nonzero_128<R: RngCore + CryptoRng>(rng: &mut R) -> Fr {
    loop {
        let v = (u128::from(rng.next_u64()) << 64) | u128::from(rng.next_u64());
        if v != 0 {
            return Fr::from(v);
        }
    }
}

impl Proof {
    /// Decodes a compressed proof (128 bytes) with curve and subgroup checks;
    /// refuses the identity point and trailing bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, VerifyError> {
        if bytes.len() != PROOF_SIZE {
            return Err(VerifyError::MalformedProof(format!(
                "expected {PROOF_SIZE} bytes, got {}",
                bytes.len()
            )));
        }
        let proof = Proof::deserialize_with_mode(bytes, Compress::Yes, Validate::Yes)
            .map_err(|e| VerifyError::MalformedProof(format!("cannot decode: {e}")))?;
        proof.check_points()?;
        Ok(proof)
    }

    /// Refuses identity and off-group points (for proofs built from JSON).
    pub fn check_points(&self) -> Result<(), VerifyError> {
        for (name, zero, ok) in [
            (
                "A",
                self.a.is_zero(),
                self.a.is_on_curve() && self.a.is_in_correct_subgroup_assuming_on_curve(),
            ),
            (
                "B",
                self.b.is_zero(),
                self.b.is_on_curve() && self.b.is_in_correct_subgroup_assuming_on_curve(),
            ),
            (
                "C",
                self.c.is_zero(),
                self.c.is_on_curve() && self.c.is_in_correct_subgroup_assuming_on_curve(),
            ),
        ] {
            if zero {
                return Err(VerifyError::MalformedProof(format!(
                    "{name} is the identity point"
                )));
            }
            if !ok {
                return Err(VerifyError::MalformedProof(format!(
                    "{name} is not in the prime-order group"
                )));
            }
        }
        Ok(())
    }

    /// Compressed arkworks bytes (128).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(PROOF_SIZE);
        let _ = self.serialize_compressed(&mut out);
        out
    }

    /// `SHA-256(label || compressed bytes)`. Groth16 proofs can be
    /// re-randomised, so this names these bytes, not the statement.
    pub fn digest(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(Label::ProofDigestV1.as_str().as_bytes());
        h.update(self.to_bytes());
        h.finalize().into()
    }
}
