//! Creating files that hold secrets (holder secrets, issuer and authority
//! keys, the log key, credentials): created new (never overwriting an
//! existing one), mode 0600 on Unix from the moment they exist, written and
//! synced; and replacing public state files (registers, lists) atomically,
//! so a crash leaves the old file or the new one, never a torn one.

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

/// Replaces `path` with `contents` atomically: writes and syncs a temporary
/// file beside it, then renames it over `path` (and syncs the directory,
/// where the platform allows).
pub fn replace_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "no file name"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".tmp.{}", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(contents)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
        return written;
    }
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
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

    #[test]
    fn replaces_atomically_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("register.json");
        replace_atomically(&p, b"one").unwrap();
        replace_atomically(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [std::ffi::OsString::from("register.json")]);
        // A directory in the way: an error, nothing left behind.
        let d = dir.path().join("sub");
        std::fs::create_dir(&d).unwrap();
        assert!(replace_atomically(&d, b"x").is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
