//! Reads git's index (`.git/index`, versions 2 to 4) to tell which tracked files differ
//! on disk from what git last recorded, by the same stat data git compares: what `git
//! stash` would put away and restore. Anything it cannot read with certainty (another
//! index format, a split or sparse index, a SHA-256 repository, too many entries) is an
//! answer of `None`, and the caller stays with its conservative model.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Above this many entries the check would cost more than a hook may take.
const MAX_ENTRIES: usize = 20_000;

/// The index's mode bits for a gitlink (a submodule).
const GITLINK: u32 = 0o160000;

/// The tracked files under `work_tree` that differ from git's index, or may (a racily
/// clean entry, one git is told not to check, a conflict): absolute paths, each with
/// whether all beneath it counts (a submodule's folder, which git updates when told to
/// recurse into submodules).
pub(super) fn changed(git_dir: &Path, work_tree: &Path) -> Option<Vec<(PathBuf, bool)>> {
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
            changed.push((work_tree.join(&e.name), true));
            continue;
        }
        let path = work_tree.join(&e.name);
        // An entry written in the same second as the index ("racily clean") may have
        // changed since without its stat data showing it: git compares its content
        // then, and so does this.
        let racy = i64::from(e.mtime.0) >= index_mtime;
        let same = !e.unchecked
            && e.stage == 0
            && (!racy || same_content(&path, &e))
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
            changed.push((path, false));
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
    /// The SHA-1 of the blob git recorded.
    oid: [u8; 20],
    name: String,
}

/// Above this size a racily clean file is taken as changed rather than hashed.
const MAX_HASHED: u64 = 4 << 20;

/// Whether the file (or the link's text) at `path` is the blob the entry records,
/// hashed as git hashes a blob (no filters: a file git converts counts as changed).
fn same_content(path: &Path, e: &Entry) -> bool {
    let Ok(meta) = path.symlink_metadata() else {
        return false;
    };
    let data = if meta.file_type().is_symlink() {
        match std::fs::read_link(path) {
            Ok(t) => t.into_os_string().into_encoded_bytes(),
            Err(_) => return false,
        }
    } else if meta.is_file() && meta.len() <= MAX_HASHED {
        match std::fs::read(path) {
            Ok(d) => d,
            Err(_) => return false,
        }
    } else {
        return false;
    };
    let mut blob = format!("blob {}\0", data.len()).into_bytes();
    blob.extend_from_slice(&data);
    sha1(&blob) == e.oid
}

/// SHA-1 (FIPS 180-4), for git's object names: not for security.
fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let mut message = data.to_vec();
    let bits = (data.len() as u64).wrapping_mul(8);
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&bits.to_be_bytes());
    for block in message.chunks_exact(64) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 20];
    for (i, x) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&x.to_be_bytes());
    }
    out
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
            oid: data.get(at + 40..at + 60)?.try_into().ok()?,
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

#[cfg(test)]
mod tests {
    use super::sha1;

    fn hex(b: [u8; 20]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn sha1_names_objects_as_git_does() {
        assert_eq!(
            hex(sha1(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(hex(sha1(b"")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        // `git hash-object` of a file holding "hello\n".
        assert_eq!(
            hex(sha1(b"blob 6\0hello\n")),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
        let long = vec![b'a'; 1000];
        assert_eq!(hex(sha1(&long)), "291e9a6c66994949b57ba5e650361e98fc36b1ba");
    }
}
