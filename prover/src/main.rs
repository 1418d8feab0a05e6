//! zkgov command line.
fn main() {}
