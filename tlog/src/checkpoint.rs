//! C2SP `tlog-checkpoint` bodies: the text a log signs for each tree head.
//!
//! ```text
//! <origin>\n
//! <tree size, decimal, no leading zeros>\n
//! <base64 of the 32-byte root hash>\n
//! [<extension line>\n ...]
//! ```
//!
//! [`Checkpoint::parse_body`] is strict: every line ends with a newline, the
//! origin is non-empty, the size is canonical decimal (`0` only for the empty
//! tree) within `u64`, the root is canonical standard base64 (RFC 4648 §4,
//! padded, no stray bits) of exactly 32 bytes, extension lines are non-empty,
//! and no ASCII control character other than newline appears. A body is
//! only to be trusted once the note around it has been verified (see
//! [`verify_checkpoint`](super::verify_checkpoint)).

use base64::{engine::general_purpose::STANDARD, Engine};

use super::merkle::Hash;
use super::note::{check_characters, MAX_NOTE_BYTES};
use crate::TlogError;

/// A transparency-log checkpoint: the signed tree head of a log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's identity (first line), e.g. `example.com/log42`.
    pub origin: String,
    /// Number of leaves in the tree.
    pub size: u64,
    /// RFC 9162 root of the tree of `size` leaves.
    pub root: Hash,
    /// Opaque extension lines (without their newlines); usually empty.
    pub extensions: Vec<String>,
}

fn bad(msg: String) -> TlogError {
    TlogError::MalformedCheckpoint(msg)
}

impl Checkpoint {
    /// The note text: `origin\nsize\nbase64(root)\n` then one line per
    /// extension. Pure formatting: it is [`parse_body`](Self::parse_body)'s
    /// inverse when the origin and extensions are non-empty lines without
    /// newlines or other control characters.
    pub fn to_body(&self) -> String {
        let mut body = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            STANDARD.encode(self.root)
        );
        for line in &self.extensions {
            body.push_str(line);
            body.push('\n');
        }
        body
    }

    /// Parses a checkpoint body (the note text, without signatures), refusing
    /// anything that [`to_body`](Self::to_body) would not produce (see the
    /// module docs).
    pub fn parse_body(body: &str) -> Result<Self, TlogError> {
        if body.len() > MAX_NOTE_BYTES {
            return Err(bad(format!(
                "body is {} bytes, more than the {MAX_NOTE_BYTES}-byte limit",
                body.len()
            )));
        }
        check_characters(body).map_err(bad)?;
        let Some(content) = body.strip_suffix('\n') else {
            return Err(bad("the last line is not terminated by a newline".into()));
        };
        let lines: Vec<&str> = content.split('\n').collect();
        let [origin, size, root, extensions @ ..] = lines.as_slice() else {
            return Err(bad(format!(
                "needs at least 3 lines (origin, tree size, root hash), got {}",
                lines.len()
            )));
        };
        if origin.is_empty() {
            return Err(bad("the origin (line 1) is empty".into()));
        }
        let size = parse_size(size)?;
        let root = parse_root(root)?;
        if let Some(i) = extensions.iter().position(|l| l.is_empty()) {
            return Err(bad(format!("extension line {} is empty", i + 4)));
        }
        Ok(Checkpoint {
            origin: (*origin).to_owned(),
            size,
            root,
            extensions: extensions.iter().map(|l| (*l).to_owned()).collect(),
        })
    }
}

fn parse_size(s: &str) -> Result<u64, TlogError> {
    parse_decimal("tree size (line 2)", s).map_err(bad)
}

fn parse_root(s: &str) -> Result<Hash, TlogError> {
    parse_hash("root hash (line 3)", s).map_err(bad)
}

/// Parses canonical ASCII decimal (`0`, or digits without a leading zero)
/// within `u64`; `what` names the field in the error.
pub(crate) fn parse_decimal(what: &str, s: &str) -> Result<u64, String> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{what} {s:?} is not a decimal number"));
    }
    if s.len() > 1 && s.starts_with('0') {
        return Err(format!("{what} {s:?} has a leading zero"));
    }
    s.parse::<u64>()
        .map_err(|_| format!("{what} {s} does not fit in 64 bits"))
}

/// Parses a hash in canonical standard base64 of exactly 32 bytes; `what`
/// names the field in the error.
pub(crate) fn parse_hash(what: &str, s: &str) -> Result<Hash, String> {
    let bytes = STANDARD
        .decode(s)
        .map_err(|e| format!("{what} is not canonical base64: {e}"))?;
    Hash::try_from(bytes.as_slice())
        .map_err(|_| format!("{what} is {} bytes, expected 32", bytes.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_example_parses_and_round_trips() {
        // From c2sp.org/tlog-checkpoint.
        let body =
            "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
        let c = Checkpoint::parse_body(body).unwrap();
        assert_eq!(c.origin, "example.com/behind-the-sofa");
        assert_eq!(c.size, 20852163);
        assert!(c.extensions.is_empty());
        assert_eq!(c.to_body(), body);
        let with_ext = format!("{body}ext one\nx\n");
        let c = Checkpoint::parse_body(&with_ext).unwrap();
        assert_eq!(c.extensions, ["ext one", "x"]);
        assert_eq!(c.to_body(), with_ext);
    }

    #[test]
    fn refuses_non_canonical_bodies() {
        let root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
        let cases: Vec<(String, &str)> = vec![
            (format!("o\n1\n{root}"), "not terminated"),
            (format!("o\n1\n{root}\n\n"), "extension line 4 is empty"),
            (format!("\n1\n{root}\n"), "origin"),
            (format!("o\n01\n{root}\n"), "leading zero"),
            (format!("o\n00\n{root}\n"), "leading zero"),
            (format!("o\n+1\n{root}\n"), "not a decimal"),
            (format!("o\n-1\n{root}\n"), "not a decimal"),
            (format!("o\n 1\n{root}\n"), "not a decimal"),
            (format!("o\n\n{root}\n"), "not a decimal"),
            (format!("o\n18446744073709551616\n{root}\n"), "64 bits"),
            (
                "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n".into(),
                "base64",
            ),
            (
                "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n".into(),
                "base64",
            ),
            (
                "o\n1\nCsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I=\n".into(),
                "base64",
            ),
            ("o\n1\nAAAA\n".into(), "3 bytes, expected 32"),
            ("o\n1\n\n".into(), "0 bytes"),
            (format!("o\n1\n{root}\r\n"), "control character"),
            (format!("o\t\n1\n{root}\n"), "control character"),
            ("o\n1\n".into(), "at least 3 lines"),
            ("".into(), "not terminated"),
        ];
        for (body, why) in cases {
            let e = Checkpoint::parse_body(&body).unwrap_err();
            assert!(
                matches!(e, TlogError::MalformedCheckpoint(_)),
                "{body:?}: {e}"
            );
            assert!(
                e.to_string().contains(why), // ok: test; the variant is matched above
                "{body:?}: {e} (expected {why:?})"
            );
        }
        let c = Checkpoint::parse_body(&format!("o\n0\n{root}\n")).unwrap();
        assert_eq!(c.size, 0);
        let c = Checkpoint::parse_body(&format!("o\n18446744073709551615\n{root}\n")).unwrap();
        assert_eq!(c.size, u64::MAX);
    }
}
