//! zkgov benchmarks (criterion); filled in by the benchmark commit.
fn main() {}
