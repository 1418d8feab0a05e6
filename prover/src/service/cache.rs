//! Public data parsed once: a request carries the whole registry or roll,
//! and rebuilding its Merkle tree is the largest cost after proving (23 ms
//! for a roll of 1,500 voters, linear in its size). The last few parsed
//! are kept by the SHA-256 of their text; a restart only makes the next
//! request slower. Only public data is cached, never a private input.

use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

/// How many of each kind are kept.
const KEEP: usize = 4;

/// Recently parsed values, newest last.
pub(crate) struct Parsed<T>(Mutex<Vec<([u8; 32], Arc<T>)>>);

impl<T> Default for Parsed<T> {
    fn default() -> Self {
        Parsed(Mutex::new(Vec::new()))
    }
}

impl<T> Parsed<T> {
    /// The value of `text`, parsed by `parse` unless it was recently.
    pub(crate) fn get<E>(
        &self,
        text: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Arc<T>, E> {
        let key: [u8; 32] = Sha256::digest(text.as_bytes()).into();
        if let Ok(kept) = self.0.lock() {
            if let Some((_, v)) = kept.iter().find(|(k, _)| *k == key) {
                return Ok(Arc::clone(v));
            }
        }
        let v = Arc::new(parse(text)?);
        if let Ok(mut kept) = self.0.lock() {
            if kept.len() == KEEP {
                kept.remove(0);
            }
            kept.push((key, Arc::clone(&v)));
        }
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_once_per_text_and_forgets_the_oldest() {
        let c = Parsed::<usize>::default();
        let mut calls = 0;
        let mut get = |t: &str| {
            *c.get(t, |t| {
                calls += 1;
                Ok::<_, ()>(t.len())
            })
            .unwrap()
        };
        assert_eq!(get("abc"), 3);
        assert_eq!(get("abc"), 3);
        for t in ["a", "bb", "cccc", "ddddd"] {
            get(t);
        }
        get("abc");
        assert_eq!(calls, 6);
        // A failure is not kept.
        assert!(c.get("x", |_| Err::<usize, _>(())).is_err());
        assert_eq!(*c.get("x", |_| Ok::<_, ()>(9)).unwrap(), 9);
    }
}
