//! zkgov-prover: proving and the `zkgov` command line.
