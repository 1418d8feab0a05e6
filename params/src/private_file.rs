//! Creating files that hold secrets (holder secrets, issuer and authority
//! keys, the log key, credentials): created new (never overwriting an
//! existing one), mode 0600 on Unix from the moment they exist, written and
//! synced; reading them back as versioned JSON with one reader whose errors
//! name the file and the problem, never the content; and replacing public
//! state files (registers, lists) atomically, so a crash leaves the old file
//! or the new one, never a torn one.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use zeroize::Zeroizing;

/// Why a secret file could not be read. Never quotes the file's content.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SecretFileError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not JSON of the expected format.
    #[error("{path} is not a {format} file")]
    NotThisFormat {
        /// The file.
        path: PathBuf,
        /// The format expected.
        format: &'static str,
    },
    /// The file is of another version.
    #[error("{path}: {format} version {version} is not supported (this build reads version 1)")]
    Version {
        /// The file.
        path: PathBuf,
        /// The format.
        format: &'static str,
        /// The version found.
        version: u64,
    },
}

#[derive(Deserialize)]
struct Header {
    format: String,
    version: u64,
}

/// Reads a secret JSON file `{"format": FORMAT, "version": 1, ...}` into
/// `T` (which should zeroize itself). The text is zeroized once parsed;
/// parse errors are reported without serde's message, which can quote
/// values.
pub fn read_secret_json<T: DeserializeOwned>(
    path: &Path,
    format: &'static str,
) -> Result<T, SecretFileError> {
    let text =
        Zeroizing::new(
            std::fs::read_to_string(path).map_err(|source| SecretFileError::Io {
                path: path.to_owned(),
                source,
            })?,
        );
    let not_this = || SecretFileError::NotThisFormat {
        path: path.to_owned(),
        format,
    };
    let header: Header = serde_json::from_str(&text).map_err(|_| not_this())?;
    if header.format != format {
        return Err(not_this());
    }
    if header.version != 1 {
        return Err(SecretFileError::Version {
            path: path.to_owned(),
            format,
            version: header.version,
        });
    }
    serde_json::from_str(&text).map_err(|_| not_this())
}

/// Writes `doc` as a new secret JSON file (mode 0600, never overwriting);
/// the text is zeroized after writing.
pub fn write_secret_json<T: Serialize>(path: &Path, doc: &T) -> std::io::Result<()> {
    let text = Zeroizing::new(serde_json::to_string_pretty(doc).map_err(std::io::Error::other)?);
    create_private(path, text.as_bytes())
}

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

/// Appends `line` and a newline to `path`, creating it readable and
/// writable by the owner only; synced before returning.
pub fn append_private_line(path: &Path, line: &str) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(line.as_bytes())?;
    f.write_all(b"\n")?;
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
