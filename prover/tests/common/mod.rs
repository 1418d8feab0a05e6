//! Helpers the command-line tests share: run the `zkgov` binary and read
//! what it printed.
#![allow(dead_code)]

use std::{
    path::Path,
    process::{Command, Output},
};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_zkgov");

/// Runs `zkgov` with `args`.
pub(crate) fn zkgov(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

/// Everything it printed, stdout then stderr.
pub(crate) fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Its stdout, trimmed.
pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// Runs `zkgov`, asserts exit 0, and returns everything it printed.
pub(crate) fn ok(args: &[&str]) -> String {
    fails(args, 0)
}

/// Runs `zkgov`, asserts exit 0, and returns its stdout, trimmed.
pub(crate) fn ok_stdout(args: &[&str]) -> String {
    let o = zkgov(args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o));
    stdout(&o)
}

/// Runs `zkgov`, asserts exit `code`, and returns everything it printed.
pub(crate) fn fails(args: &[&str], code: i32) -> String {
    let o = zkgov(args);
    assert_eq!(o.status.code(), Some(code), "{args:?}: {}", text(&o));
    text(&o)
}

/// A path as the `&str` an argument list takes.
pub(crate) fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Its exit code.
pub(crate) fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}
