//! Reads git's index (`.git/index`, versions 2 to 4) to tell which tracked files differ
//! on disk from what git last recorded, by the same stat data git compares: what `git
//! stash` would put away and restore. Anything it cannot read with certainty (another
//! index format, a split or sparse index, a SHA-256 repository, too many entries) is an
//! answer of `None`, and the caller stays with its conservative model.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Above this many entries the check would cost more than a hook may take.
const MAX_ENTRIES: usize = 20_000;

/// The index's mode bits for a gitlink (a submodule), whose folder git does not touch.
const GITLINK: u32 = 0o160000;

/// The tracked files under `work_tree` that differ from git's index, or may (a racily
/// clean entry, one git is told not to check, a conflict): absolute paths.
pub(super) fn changed(git_dir: &Path, work_tree: &Path) -> Option<Vec<PathBuf>> {
    if std::env::var_os("GIT_INDEX_FILE").is_some() {
        return None;
    }
    // A SHA-256 repository's entries are longer.
    let config = std::fs::read_to_string(git_dir.join("config")).unwrap_or_default();
    if config.to_ascii_lowercase().contains("sha256") {
        return None;
    }
    let index = git_dir.join("index");
    let data = std::fs::read(&index).ok()?;
    let index_mtime = std::fs::metadata(&index).ok()?.modified().ok()?;
    let index_mtime = index_mtime
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs() as i64;
    let entries = parse(&data)?;
    let mut changed = Vec::new();
    for e in entries {
        if e.mode == GITLINK {
            continue;
        }
        let path = work_tree.join(&e.name);
        let same = !e.unchecked
            && e.stage == 0
            && i64::from(e.mtime.0) < index_mtime
            && path.symlink_metadata().is_ok_and(|m| {
                // Seconds only, as git compares them unless built with USE_NSEC (the
                // nanoseconds it stores may be stale); the file's type, and for a
                // regular file whether it is executable.
                let kind = |mode: u32| match mode & 0o170000 {
                    0o100000 => mode & 0o170100,
                    other => other,
                };
                m.mtime() == i64::from(e.mtime.0)
                    && m.ctime() == i64::from(e.ctime.0)
                    && m.ino() as u32 == e.ino
                    && m.size() as u32 == e.size
                    && kind(m.mode()) == kind(e.mode)
            });
        if !same {
            changed.push(path);
        }
    }
    Some(changed)
}

/// One index entry: what the comparison needs.
struct Entry {
    /// Seconds, then nanoseconds.
    ctime: (u32, u32),
    mtime: (u32, u32),
    ino: u32,
    mode: u32,
    size: u32,
    /// Merge stage: non-zero for a conflict.
    stage: u16,
    /// Marked assume-unchanged or skip-worktree: git does not look at the file.
    unchecked: bool,
    name: String,
}

fn parse(data: &[u8]) -> Option<Vec<Entry>> {
    let u32_at = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
    };
    let u16_at = |at: usize| -> Option<u16> {
        Some(u16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?))
    };
    if data.get(..4)? != b"DIRC" {
        return None;
    }
    let version = u32_at(4)?;
    let count = u32_at(8)? as usize;
    if !(2..=4).contains(&version) || count > MAX_ENTRIES {
        return None;
    }
    let mut entries = Vec::with_capacity(count);
    let mut at = 12;
    let mut previous = String::new();
    for _ in 0..count {
        let start = at;
        let flags = u16_at(at + 60)?;
        let extended = flags & 0x4000 != 0;
        let extra = if extended { u16_at(at + 62)? } else { 0 };
        let name_at = at + 62 + if extended { 2 } else { 0 };
        let (name, end) = if version == 4 {
            // The name is the previous one less N bytes, then a NUL-terminated rest.
            let (strip, used) = varint(data.get(name_at..)?)?;
            let rest_at = name_at + used;
            let len = data.get(rest_at..)?.iter().position(|&b| b == 0)?;
            let keep = previous.len().checked_sub(strip)?;
            let rest = std::str::from_utf8(&data[rest_at..rest_at + len]).ok()?;
            (
                format!("{}{rest}", previous.get(..keep)?),
                rest_at + len + 1,
            )
        } else {
            let len = data.get(name_at..)?.iter().position(|&b| b == 0)?;
            let name = std::str::from_utf8(&data[name_at..name_at + len]).ok()?;
            // Padded with one to eight NULs to a multiple of eight bytes.
            let entry_len = (name_at + len - start + 8) & !7;
            (name.to_owned(), start + entry_len)
        };
        let mode = u32_at(at + 24)?;
        // A sparse index's folder entries stand for many files.
        if mode & 0o170000 == 0o040000 {
            return None;
        }
        entries.push(Entry {
            ctime: (u32_at(at)?, u32_at(at + 4)?),
            mtime: (u32_at(at + 8)?, u32_at(at + 12)?),
            ino: u32_at(at + 20)?,
            mode,
            size: u32_at(at + 36)?,
            stage: (flags >> 12) & 0x3,
            unchecked: flags & 0x8000 != 0 || extra & 0x4000 != 0,
            name: name.clone(),
        });
        previous = name;
        at = end;
    }
    // A split index keeps its entries in another file.
    let mut ext = at;
    while ext + 8 <= data.len().saturating_sub(20) {
        let sig = data.get(ext..ext + 4)?;
        if sig == b"link" || sig == b"sdir" {
            return None;
        }
        ext += 8 + u32_at(ext + 4)? as usize;
    }
    Some(entries)
}

/// Git's offset varint (as in its pack format): seven bits a byte, each continuation
/// adding one before shifting.
fn varint(data: &[u8]) -> Option<(usize, usize)> {
    let mut bytes = data.iter();
    let mut b = *bytes.next()?;
    let mut value = usize::from(b & 0x7f);
    let mut used = 1;
    while b & 0x80 != 0 {
        b = *bytes.next()?;
        used += 1;
        value = value.checked_add(1)?.checked_shl(7)? | usize::from(b & 0x7f);
    }
    Some((value, used))
}
