//! Canonical field-element parsing for outside input.
//!
//! `Fr::from_str` accepts `"-1"` and values `>= r`, and `from_*_bytes_mod_order`
//! reduces silently; both would let two different strings name the same
//! public input. Everything that comes from outside goes through this module
//! instead: a value has exactly one accepted spelling.
//!
//! * decimal: ASCII digits only, no sign, no whitespace, no leading zeros
//!   (`"0"` is the one spelling of zero), value `< p`;
//! * 32 bytes, little-endian (arkworks) or big-endian (EVM), value `< p`.

use ark_ff::{BigInteger, PrimeField};

use crate::VerifyError;

/// The scalar field of BN254, in which every public input lives.
pub use ark_bn254::Fr;

/// The longest decimal string of a 256-bit number.
const MAX_DECIMAL_DIGITS: usize = 78;

/// Parses a canonical decimal string into a prime-field element.
/// `what` names the value in the error message.
pub fn parse_decimal<F: PrimeField>(s: &str, what: &str) -> Result<F, VerifyError> {
    if s.is_empty() {
        return Err(VerifyError::non_canonical(what, "empty string"));
    }
    if s.len() > MAX_DECIMAL_DIGITS {
        return Err(VerifyError::non_canonical(what, "too many digits"));
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(VerifyError::non_canonical(
            what,
            "only the digits 0-9 are allowed (no sign, whitespace or prefix)",
        ));
    }
    if s.len() > 1 && s.starts_with('0') {
        return Err(VerifyError::non_canonical(what, "leading zero"));
    }
    // Little-endian 64-bit limbs, wide enough for any 78-digit number.
    let mut limbs = [0u64; 5];
    for digit in s.bytes().map(|b| u64::from(b - b'0')) {
        let mut carry = u128::from(digit);
        for limb in limbs.iter_mut() {
            let v = u128::from(*limb) * 10 + carry;
            *limb = v as u64; // ok: low half, high half carried
            carry = v >> 64;
        }
    }
    let n_limbs = <F::BigInt as Default>::default().as_ref().len();
    if limbs[n_limbs..].iter().any(|&l| l != 0) {
        return Err(VerifyError::non_canonical(
            what,
            "value is not below the field modulus",
        ));
    }
    let mut big = F::BigInt::default();
    big.as_mut().copy_from_slice(&limbs[..n_limbs]);
    F::from_bigint(big)
        .ok_or_else(|| VerifyError::non_canonical(what, "value is not below the field modulus"))
}

/// The canonical decimal spelling of a field element.
pub fn to_decimal<F: PrimeField>(x: &F) -> String {
    x.into_bigint().to_string()
}

fn from_le_limbs<F: PrimeField>(bytes: &[u8; 32], what: &str) -> Result<F, VerifyError> {
    let mut big = F::BigInt::default();
    let limbs = big.as_mut();
    if limbs.len() * 8 != 32 {
        return Err(VerifyError::non_canonical(
            what,
            "field is not 32 bytes wide",
        ));
    }
    for (limb, chunk) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
        let mut b = [0u8; 8];
        b.copy_from_slice(chunk);
        *limb = u64::from_le_bytes(b);
    }
    F::from_bigint(big)
        .ok_or_else(|| VerifyError::non_canonical(what, "value is not below the field modulus"))
}

/// Parses 32 little-endian bytes (the arkworks encoding); refuses values `>= p`.
pub fn from_bytes_le<F: PrimeField>(bytes: &[u8], what: &str) -> Result<F, VerifyError> {
    let arr: &[u8; 32] = bytes
        .try_into()
        .map_err(|_| VerifyError::non_canonical(what, "expected exactly 32 bytes"))?;
    from_le_limbs(arr, what)
}

/// Parses 32 big-endian bytes (the EVM encoding); refuses values `>= p`.
pub fn from_bytes_be<F: PrimeField>(bytes: &[u8], what: &str) -> Result<F, VerifyError> {
    let arr: &[u8; 32] = bytes
        .try_into()
        .map_err(|_| VerifyError::non_canonical(what, "expected exactly 32 bytes"))?;
    let mut le = *arr;
    le.reverse();
    from_le_limbs(&le, what)
}

/// A short ASCII label (at most 31 bytes, printable) as a field element: the
/// big-endian integer of its bytes, always below `2^248 < p`, so distinct
/// labels give distinct elements. Used for human-readable scopes.
pub fn label_to_field<F: PrimeField>(label: &str) -> Result<F, VerifyError> {
    if label.is_empty() || label.len() > 31 || !label.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(VerifyError::non_canonical(
            "label",
            "a label is 1 to 31 printable ASCII characters without spaces",
        ));
    }
    let mut be = [0u8; 32];
    be[32 - label.len()..].copy_from_slice(label.as_bytes());
    from_bytes_be(&be, "label")
}

/// 32 little-endian bytes.
pub fn to_bytes_le<F: PrimeField>(x: &F) -> Vec<u8> {
    x.into_bigint().to_bytes_le()
}

/// 32 big-endian bytes.
#[cfg(test)]
fn to_bytes_be<F: PrimeField>(x: &F) -> Vec<u8> {
    x.into_bigint().to_bytes_be()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::Fq;
    use ark_ff::{One, Zero};
    use proptest::prelude::*;

    const R: &str = "21888242871839275222246405745257275088548364400416034343698204186575808495617";
    const R_MINUS_1: &str =
        "21888242871839275222246405745257275088548364400416034343698204186575808495616";

    #[test]
    fn accepts_canonical_decimals() {
        assert_eq!(parse_decimal::<Fr>("0", "x"), Ok(Fr::zero()));
        assert_eq!(parse_decimal::<Fr>("1", "x"), Ok(Fr::one()));
        assert_eq!(parse_decimal::<Fr>(R_MINUS_1, "x"), Ok(-Fr::one()));
    }

    #[test]
    fn refuses_every_other_spelling() {
        for bad in [
            "",
            "-1",
            "+1",
            " 1",
            "1 ",
            "01",
            "00",
            "0x1",
            "1e3",
            "1.0",
            R,
            "21888242871839275222246405745257275088548364400416034343698204186575808495618",
            "115792089237316195423570985008687907853269984665640564039457584007913129639936",
            "1157920892373161954235709850086879078532699846656405640394575840079131296399361",
            "١",
        ] {
            let got = parse_decimal::<Fr>(bad, "x");
            assert!(got.is_err(), "{bad:?} was accepted as {got:?}");
        }
    }

    #[test]
    fn base_field_has_its_own_modulus() {
        // p (base field) > r (scalar field): r itself is a valid Fq element.
        assert!(parse_decimal::<Fq>(R, "x").is_ok());
        assert!(parse_decimal::<Fr>(R, "x").is_err());
    }

    #[test]
    fn bytes_refuse_modulus_and_wrong_length() {
        let mut r_le = Fr::MODULUS.to_bytes_le();
        assert!(from_bytes_le::<Fr>(&r_le, "x").is_err());
        r_le[0] -= 1;
        assert_eq!(from_bytes_le::<Fr>(&r_le, "x"), Ok(-Fr::one()));
        assert!(from_bytes_le::<Fr>(&r_le[..31], "x").is_err());
        let mut r_be = Fr::MODULUS.to_bytes_be();
        assert!(from_bytes_be::<Fr>(&r_be, "x").is_err());
        r_be[31] -= 1;
        assert_eq!(from_bytes_be::<Fr>(&r_be, "x"), Ok(-Fr::one()));
    }

    #[test]
    fn labels_are_injective_and_bounded() {
        let a: Fr = label_to_field("housing-2026").unwrap();
        let b: Fr = label_to_field("housing-2027").unwrap();
        assert_ne!(a, b);
        assert_eq!(to_bytes_be(&a)[20..], *b"housing-2026");
        assert!(label_to_field::<Fr>("").is_err());
        assert!(label_to_field::<Fr>("has space").is_err());
        assert!(label_to_field::<Fr>(&"x".repeat(32)).is_err());
        assert!(label_to_field::<Fr>(&"x".repeat(31)).is_ok());
    }

    proptest! {
        #[test]
        fn decimal_and_bytes_round_trip(limbs in any::<[u64; 4]>()) {
            let x = Fr::from_bigint(ark_ff::BigInt::new(limbs)).unwrap_or_else(|| Fr::from(limbs[0]));
            let s = to_decimal(&x);
            prop_assert_eq!(parse_decimal::<Fr>(&s, "x"), Ok(x));
            prop_assert_eq!(from_bytes_le::<Fr>(&to_bytes_le(&x), "x"), Ok(x));
            prop_assert_eq!(from_bytes_be::<Fr>(&to_bytes_be(&x), "x"), Ok(x));
            let padded = format!("0{s}");
            prop_assert!(parse_decimal::<Fr>(&padded, "x").is_err());
        }
    }
}
