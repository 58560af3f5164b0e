//! Snapshot files on disk: atomic replacement and reading, shared by silences and the
//! notification log.
//!
//! Mirrors upstream's `openReplace` / `replaceFile` (`silence/silence.go`, `nflog/nflog.go`): the
//! new content goes to `<file>.<random hex>` in the same directory, is fsynced and renamed over
//! `<file>`. We additionally fsync the directory so the rename itself survives a crash, and remove
//! the temporary file when anything fails.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A snapshot file could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    /// Creating or writing the temporary file failed.
    #[error("write snapshot temp file {path}: {source}")]
    Write {
        /// The temporary file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// Renaming the temporary file over the target failed.
    #[error("rename {from} to {to}: {source}")]
    Rename {
        /// The temporary file.
        from: PathBuf,
        /// The snapshot file.
        to: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// Syncing the directory after the rename failed.
    #[error("sync directory {path}: {source}")]
    SyncDir {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// Reading the snapshot file failed (other than it not existing).
    #[error("read snapshot {path}: {source}")]
    Read {
        /// The snapshot file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
}

/// The temporary file name upstream uses: `<file>.<random 64-bit hex>`.
fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".{:x}", rand::random::<u64>() >> 1));
    PathBuf::from(name)
}

/// Atomically replaces `path` with `data`: writes `<path>.<random hex>`, fsyncs it, renames it
/// over `path` and fsyncs the directory. Returns the number of bytes written. On failure the
/// temporary file is removed and `path` keeps its previous content.
///
/// # Errors
/// A [`PersistError`] naming the step and file that failed.
pub fn write_atomic(path: &Path, data: &[u8]) -> Result<u64, PersistError> {
    let tmp = temp_path(path);
    let written = (|| -> io::Result<()> {
        let mut f = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(data)?;
        f.sync_all()
    })();
    if let Err(source) = written {
        let _ = fs::remove_file(&tmp);
        return Err(PersistError::Write { path: tmp, source });
    }
    if let Err(source) = fs::rename(&tmp, path) {
        let _ = fs::remove_file(&tmp);
        return Err(PersistError::Rename {
            from: tmp,
            to: path.to_owned(),
            source,
        });
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|source| PersistError::SyncDir {
            path: dir.to_owned(),
            source,
        })?;
    Ok(data.len() as u64)
}

/// Reads a snapshot file; `Ok(None)` when it does not exist (a fresh storage directory).
///
/// # Errors
/// [`PersistError::Read`] for any other I/O failure.
pub fn read(path: &Path) -> Result<Option<Vec<u8>>, PersistError> {
    match fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(PersistError::Read {
            path: path.to_owned(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_then_read_replaces_content_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("silences");
        assert!(read(&file).unwrap().is_none());
        assert_eq!(write_atomic(&file, b"first").unwrap(), 5);
        assert_eq!(read(&file).unwrap().unwrap(), b"first");
        assert_eq!(write_atomic(&file, b"second!").unwrap(), 7);
        assert_eq!(read(&file).unwrap().unwrap(), b"second!");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("silences")]);
    }

    #[test]
    fn temp_name_is_file_dot_hex() {
        let p = temp_path(Path::new("/data/nflog"));
        let s = p.to_str().unwrap();
        let hex = s.strip_prefix("/data/nflog.").unwrap();
        assert!(!hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn failed_write_keeps_old_content() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("missing-dir").join("silences");
        let err = write_atomic(&file, b"x").unwrap_err();
        assert!(matches!(err, PersistError::Write { .. }), "{err}");
        // A directory in place of the file: the rename fails and the temp file is cleaned up.
        let target = dir.path().join("target");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("keep"), b"k").unwrap();
        let err = write_atomic(&target, b"x").unwrap_err();
        assert!(matches!(err, PersistError::Rename { .. }), "{err}");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn read_error_other_than_missing_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let err = read(dir.path()).unwrap_err();
        assert!(matches!(err, PersistError::Read { .. }), "{err}");
    }
}
