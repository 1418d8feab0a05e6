//! What the native fixture writers share: where fixtures go, JSON edits,
//! and the native verdict each case is recorded with.
#![allow(clippy::unwrap_used, dead_code)]

use std::path::PathBuf;

use serde_json::{json, Value};
use zkgov_wasm::Failure;

/// `$ZKGOV_WASM_FIXTURES`, else `<target dir>/wasm-fixtures/`.
pub(crate) fn fixtures_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("ZKGOV_WASM_FIXTURES") {
        return PathBuf::from(d);
    }
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"))
        .join("wasm-fixtures")
}

/// `text` (JSON) after `edit`, pretty-printed.
pub(crate) fn edit_json(text: &str, edit: impl FnOnce(&mut Value)) -> String {
    let mut v: Value = serde_json::from_str(text).unwrap();
    edit(&mut v);
    serde_json::to_string_pretty(&v).unwrap()
}

/// Asserts the native outcome of case `name`: accepted when it is
/// `"valid"` and no code is wanted, refused with `want` when given, refused
/// somehow otherwise. Returns the verdict the wasm side must reproduce:
/// `{"ok": true, "outcome"}` or `{"ok": false, "code", "error"}`.
pub(crate) fn native_verdict(
    name: &str,
    got: &Result<String, Failure>,
    want: Option<&str>,
) -> Value {
    match (got, want) {
        (Ok(_), None) if name == "valid" => {}
        (Err(e), Some(code)) => assert_eq!(e.code, code, "{name}: {e:?}"),
        (Err(_), None) if name != "valid" => {}
        _ => panic!("{name}: {got:?}, wanted {want:?}"),
    }
    match got {
        Ok(outcome) => json!({"ok": true, "outcome": outcome}),
        Err(e) => json!({"ok": false, "code": e.code, "error": e.error}),
    }
}
