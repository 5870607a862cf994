//! Settings files on disk, changed the careful way (PEERS.md §4 item 1, §6.6): follow a
//! symlinked settings file to the file it names, back the original up once, write a
//! temporary file beside it, re-read the file just before renaming over it (a host or
//! another tool may have rewritten it meanwhile), and keep its permissions.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Suffix of the one-time backup written beside a settings file.
pub const BACKUP_SUFFIX: &str = ".wazir-hooks.bak";

/// A file's bytes as read, or `None` when it does not exist.
pub type Snapshot = Option<Vec<u8>>;

/// Why a write did not happen.
#[derive(Debug)]
pub enum WriteError {
    /// The file changed after it was read: read it again and redo the change.
    Changed,
    Io(io::Error),
}

impl From<io::Error> for WriteError {
    fn from(e: io::Error) -> WriteError {
        WriteError::Io(e)
    }
}

/// The file a settings path really is: symlinks followed (dotfile managers link
/// settings files), so the link stays a link and the change lands in its target.
pub fn resolve(path: &Path) -> PathBuf {
    let mut path = path.to_path_buf();
    for _ in 0..40 {
        match fs::read_link(&path) {
            Ok(target) => {
                path = match path.parent() {
                    Some(dir) => dir.join(target),
                    None => target,
                }
            }
            Err(_) => break,
        }
    }
    path
}

pub fn read(path: &Path) -> io::Result<Snapshot> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(BACKUP_SUFFIX);
    path.with_file_name(name)
}

/// Writes `original` to the backup path unless a backup is already there (the first
/// backup is the file as it was before wazir-hooks ever touched it). Returns the path
/// when it wrote one.
pub fn backup_once(path: &Path, original: &[u8]) -> io::Result<Option<PathBuf>> {
    let backup = backup_path(path);
    if backup.symlink_metadata().is_ok() {
        return Ok(None);
    }
    write_new(&backup, original, permissions(path))?;
    Ok(Some(backup))
}

fn permissions(path: &Path) -> Option<fs::Permissions> {
    fs::metadata(path).ok().map(|m| m.permissions())
}

/// Replaces `path` with `bytes` if it still holds `expected`.
pub fn replace(path: &Path, expected: &Snapshot, bytes: &[u8]) -> Result<(), WriteError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let tmp = temp_path(path);
    write_new(&tmp, bytes, permissions(path))?;
    let result = match read(path) {
        Ok(now) if now == *expected => fs::rename(&tmp, path).map_err(WriteError::Io),
        Ok(_) => Err(WriteError::Changed),
        Err(e) => Err(WriteError::Io(e)),
    };
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Deletes `path` if it still holds `expected`.
pub fn remove(path: &Path, expected: &Snapshot) -> Result<(), WriteError> {
    if read(path)? != *expected {
        return Err(WriteError::Changed);
    }
    fs::remove_file(path)?;
    Ok(())
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(format!(".wazir-hooks.{}.tmp", std::process::id()));
    path.with_file_name(name)
}

fn write_new(path: &Path, bytes: &[u8], perms: Option<fs::Permissions>) -> io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?;
    file.write_all(bytes)?;
    if let Some(perms) = perms {
        file.set_permissions(perms)?;
    }
    // Settings are rare, precious writes: make them durable before the rename.
    file.sync_all()
}

/// A unified diff from `before` to `after`, labelled with `path`.
pub fn diff(path: &Path, before: &str, after: &str) -> String {
    let shown = path.display().to_string();
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&shown, &shown)
        .to_string()
}
