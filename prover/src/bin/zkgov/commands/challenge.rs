//! `zkgov challenge`: a verifier's fresh random challenge.

use ark_ff::UniformRand;
use rand::rngs::OsRng;
use zkgov_verifier::{to_decimal, Fr};

use crate::exit::CliError;

pub(crate) fn exec() -> Result<(), CliError> {
    println!("{}", to_decimal(&Fr::rand(&mut OsRng)));
    Ok(())
}
