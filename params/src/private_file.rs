//! Creating files that hold secrets (holder secrets, issuer and authority
//! keys, the log key): created new (never overwriting an existing secret),
//! mode 0600 on Unix from the moment they exist, written and synced.

use std::{io::Write, path::Path};

/// Creates `path` with `contents`, readable and writable by the owner only.
/// Fails if the file exists.
pub fn create_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(contents)?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_owner_only_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("secret.json");
        create_private(&p, b"one").unwrap();
        assert!(create_private(&p, b"two").is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
    }
}
