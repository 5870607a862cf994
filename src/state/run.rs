//! Runs: where a session's files live, the lock every change takes, and the atomic
//! writes and appends made under it.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use super::root::fnv1a;
use super::status::Status;

/// A run id a host's session id becomes: kept when it is a plain name, else a hash, so no
/// session id (`../../x`, `/etc`, `a/b`, an empty string) can name a path outside `runs/`.
pub fn safe_run_id(session: &str) -> String {
    let plain = !session.is_empty()
        && session.len() <= 80
        && session.starts_with(|c: char| c.is_ascii_alphanumeric())
        && session
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && !session.contains("..")
        && session != "latest";
    if plain {
        session.to_owned()
    } else {
        format!("s-{:016x}", fnv1a(session.as_bytes()))
    }
}

/// A project's state root.
#[derive(Clone, Debug)]
pub struct Store {
    pub root: PathBuf,
}

impl Store {
    pub fn new(root: PathBuf) -> Store {
        Store { root }
    }

    pub fn runs_dir(&self) -> PathBuf {
        self.root.join("runs")
    }

    /// The run for an id (made safe here too, whatever the caller passed).
    pub fn run(&self, id: &str) -> Run {
        let id = safe_run_id(id);
        Run {
            dir: self.runs_dir().join(&id),
            id,
        }
    }

    /// The id in `runs/latest`, if any.
    pub fn latest(&self) -> Option<String> {
        let text = std::fs::read_to_string(self.runs_dir().join("latest")).ok()?;
        let id = text.trim();
        (safe_run_id(id) == id).then(|| id.to_owned())
    }

    /// Points `runs/latest` at `id`, atomically.
    pub fn set_latest(&self, id: &str) -> std::io::Result<()> {
        std::fs::create_dir_all(self.runs_dir())?;
        write_atomic(&self.runs_dir().join("latest"), id.as_bytes())
    }

    /// Every run, newest first (by the last change to its status).
    pub fn runs(&self) -> Vec<(String, SystemTime)> {
        let Ok(entries) = std::fs::read_dir(self.runs_dir()) else {
            return Vec::new();
        };
        let mut runs: Vec<(String, SystemTime)> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| {
                let id = e.file_name().to_string_lossy().into_owned();
                let modified = e
                    .path()
                    .join("status.json")
                    .metadata()
                    .and_then(|m| m.modified())
                    .unwrap_or(SystemTime::UNIX_EPOCH);
                (id, modified)
            })
            .collect();
        runs.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        runs
    }

    /// Removes the oldest runs beyond `keep` (never `current`), under the store's lock.
    pub fn prune(&self, keep: usize, current: &str) -> std::io::Result<usize> {
        let count = std::fs::read_dir(self.runs_dir())?
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .count();
        if count <= keep {
            return Ok(0);
        }
        let lock = File::create(self.runs_dir().join(".prune.lock"))?;
        lock.lock()?;
        let mut removed = 0;
        for (id, _) in self
            .runs()
            .into_iter()
            .filter(|(id, _)| id != current)
            .skip(keep.saturating_sub(1))
        {
            if safe_run_id(&id) == id && std::fs::remove_dir_all(self.runs_dir().join(&id)).is_ok()
            {
                removed += 1;
            }
        }
        Ok(removed)
    }
}

/// One run's directory.
#[derive(Clone, Debug)]
pub struct Run {
    pub id: String,
    pub dir: PathBuf,
}

impl Run {
    pub fn status_path(&self) -> PathBuf {
        self.dir.join("status.json")
    }
    pub fn events_path(&self) -> PathBuf {
        self.dir.join("events.ndjson")
    }
    pub fn captures_dir(&self) -> PathBuf {
        self.dir.join("captures")
    }
    pub fn summary_path(&self) -> PathBuf {
        self.dir.join("summary.md")
    }
    pub fn handoff_path(&self) -> PathBuf {
        self.dir.join("handoff.md")
    }

    pub fn exists(&self) -> bool {
        self.status_path().is_file()
    }

    /// The status without taking the lock (for views); `None` if missing or unreadable.
    pub fn read_status(&self) -> Option<Status> {
        serde_json::from_slice(&std::fs::read(self.status_path()).ok()?).ok()
    }

    /// Takes the run's exclusive lock, creating the run's directories first.
    pub fn lock(&self) -> std::io::Result<LockedRun<'_>> {
        std::fs::create_dir_all(self.captures_dir())?;
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.dir.join(".lock"))?;
        file.lock()?;
        Ok(LockedRun {
            run: self,
            _lock: file,
        })
    }
}

/// A run held under its exclusive lock: the only way to change it.
pub struct LockedRun<'a> {
    pub run: &'a Run,
    _lock: File,
}

impl LockedRun<'_> {
    /// The run's status; a missing or unreadable one starts afresh.
    pub fn status(&self) -> Status {
        self.run.read_status().unwrap_or_default()
    }

    /// Replaces `status.json` atomically.
    pub fn save(&self, status: &Status) -> std::io::Result<()> {
        let mut text = serde_json::to_vec_pretty(status).map_err(std::io::Error::other)?;
        text.push(b'\n');
        write_atomic(&self.run.status_path(), &text)
    }

    /// Appends one event as one line. A line torn by a process killed mid-write (not
    /// expected: it is one `write`) is closed off first, so it cannot swallow this one.
    pub fn append(&self, event: &serde_json::Value) -> std::io::Result<()> {
        let path = self.run.events_path();
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(&path)?;
        let mut line = serde_json::to_vec(event).map_err(std::io::Error::other)?;
        line.push(b'\n');
        let len = file.metadata()?.len();
        if len > 0 {
            let mut last = [0u8; 1];
            file.seek(SeekFrom::Start(len - 1))?;
            file.read_exact(&mut last)?;
            if last[0] != b'\n' {
                line.insert(0, b'\n');
            }
        }
        file.write_all(&line)
    }

    /// Replaces a file in the run directory (summary.md, handoff.md) atomically.
    pub fn write_file(&self, name: &str, text: &str) -> std::io::Result<PathBuf> {
        let path = self.run.dir.join(name);
        write_atomic(&path, text.as_bytes())?;
        Ok(path)
    }

    /// A capture file path for `name` (made safe), under `captures/`.
    pub fn capture_path(&self, name: &str, suffix: &str) -> PathBuf {
        let clean: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .take(80)
            .collect();
        let clean = if clean.trim_matches('-').is_empty() {
            "capture".into()
        } else {
            clean
        };
        // A suffix is an extension: anything else could climb out of captures/.
        let plain = suffix.len() <= 16
            && suffix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.')
            && !suffix.contains("..");
        let suffix = if plain { suffix } else { ".log" };
        self.run.captures_dir().join(format!("{clean}{suffix}"))
    }
}

static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes a file by way of a temporary file in the same directory: flushed to disk, then
/// renamed over the target, so readers see the old file or the new one, never half.
pub(super) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        TMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.flush()?;
        replace(&tmp, path)
    })();
    // After an exchange the temporary file holds the old content; after a failure, the
    // new one. Either way it goes.
    let _ = std::fs::remove_file(&tmp);
    result
}

/// Puts `tmp` in `path`'s place in one step. On Linux an existing file is swapped with
/// `renameat2(RENAME_EXCHANGE)` rather than renamed over: ext4 (`auto_da_alloc`, on by
/// default) starts writing a file's data to disk when it is renamed over another, which
/// made every recorded event cost about 0.3 ms, more than the rest of a hook's run; the
/// swap is just as atomic for readers and leaves the write-back to the kernel. Where the
/// swap is not available (the target does not exist yet, another filesystem or system),
/// a plain rename.
fn replace(tmp: &Path, path: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, tmp, CWD, path, RenameFlags::EXCHANGE).is_ok() {
            return Ok(());
        }
    }
    std::fs::rename(tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_writes_replace_and_leave_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("status.json");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["status.json"]);
    }

    #[test]
    fn hostile_session_ids_stay_inside_runs() {
        for id in [
            "../../x",
            "/etc/passwd",
            "a/b",
            "",
            "..",
            ".hidden",
            "latest",
            "x\0y",
            &"a".repeat(200),
        ] {
            let safe = safe_run_id(id);
            assert!(
                safe.starts_with("s-") && !safe.contains('/'),
                "{id:?} -> {safe}"
            );
        }
        assert_eq!(safe_run_id("4f0c2d9e-7b1a-4e55"), "4f0c2d9e-7b1a-4e55");
        assert_eq!(safe_run_id("run-1"), "run-1");
    }
}
