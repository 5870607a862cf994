//! `install` and `uninstall`: one settings file per host, each merged (or stripped) on
//! its own, so one host's unreadable file does not stop the others.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::files::{self, Snapshot, WriteError};
use super::layout::{HOSTS, Home, Layout, Scope};
use super::{Error, settings, trust};
use crate::event::Host;
use crate::hooks::Hook;

/// What to install or uninstall, and where.
#[derive(Clone, Debug)]
pub struct Request {
    pub hosts: Vec<Host>,
    pub scope: Scope,
    /// The project root (for project scope).
    pub project: PathBuf,
    pub home: Home,
    /// The directory holding our hook binaries.
    pub bin_dir: PathBuf,
    /// Compute and show the change; write nothing.
    pub dry_run: bool,
    /// Record the hosts' trust in our hooks ourselves (Codex: the project and each hook;
    /// Gemini CLI: the project folder).
    pub trust: bool,
}

impl Request {
    /// The hosts asked for, or all four.
    pub fn hosts(&self) -> Vec<Host> {
        if self.hosts.is_empty() {
            HOSTS.to_vec()
        } else {
            self.hosts.clone()
        }
    }

    pub fn settings_file(&self, layout: &Layout) -> PathBuf {
        files::resolve(&layout.settings_file(self.scope, &self.project, &self.home))
    }
}

/// What happened to one settings file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Created,
    Updated,
    Unchanged,
    /// Uninstall removed a file that held nothing but ours.
    Deleted,
    /// Uninstall put the original back, byte for byte, from the backup.
    Restored,
}

impl Change {
    pub fn word(self, dry_run: bool) -> &'static str {
        match (self, dry_run) {
            (Change::Created, false) => "created",
            (Change::Created, true) => "would be created",
            (Change::Updated, false) => "updated",
            (Change::Updated, true) => "would be updated",
            (Change::Unchanged, _) => "unchanged",
            (Change::Deleted, false) => "removed (it held only wazir-hooks entries)",
            (Change::Deleted, true) => "would be removed (it holds only wazir-hooks entries)",
            (Change::Restored, false) => "restored from its backup",
            (Change::Restored, true) => "would be restored from its backup",
        }
    }
}

/// The result for one host.
#[derive(Debug)]
pub struct Outcome {
    pub host: Host,
    pub file: PathBuf,
    pub result: Result<Done, Error>,
}

#[derive(Debug)]
pub struct Done {
    pub change: Change,
    /// The backup written by this run.
    pub backup: Option<PathBuf>,
    /// The unified diff of the change (empty when unchanged).
    pub diff: String,
    pub warnings: Vec<String>,
    /// What `--trust` recorded (Codex), or what uninstall took back.
    pub trusted: Vec<String>,
    /// The document install leaves (also on a dry run); `None` when unchanged.
    pub after: Option<Map<String, Value>>,
}

/// Checks the hook binaries are where the settings will point.
pub fn check_binaries(bin_dir: &Path) -> Result<(), Error> {
    for hook in Hook::ALL {
        if !bin_dir.join(hook.name()).is_file() {
            return Err(Error::MissingBinary {
                dir: bin_dir.to_path_buf(),
                name: hook.name(),
            });
        }
    }
    Ok(())
}

pub fn install(req: &Request) -> Vec<Outcome> {
    each_host(req, |req, layout, file| {
        let mut done = install_one(req, layout, file)?;
        if req.trust && layout.host == Host::Codex {
            let doc = match &done.after {
                Some(doc) => doc.clone(),
                None => read(layout, file)?.doc,
            };
            done.trusted =
                trust::trust_codex(&req.home, &req.project, req.scope, file, &doc, req.dry_run)?;
        }
        if req.trust && layout.host == Host::Gemini && req.scope == Scope::Project {
            done.trusted = trust::trust_gemini(&req.home, &req.project, req.dry_run)?;
        }
        Ok(done)
    })
}

pub fn uninstall(req: &Request) -> Vec<Outcome> {
    each_host(req, |req, layout, file| {
        let before = read(layout, file)?.doc;
        let mut done = uninstall_one(req, layout, file)?;
        if layout.host == Host::Codex
            && trust::untrust_codex(&req.home, &req.project, file, &before, req.dry_run)?
        {
            let config = trust::codex_config(&req.home);
            done.trusted.push(format!(
                "Codex's trust records for these hooks in {}",
                config.display()
            ));
        }
        if layout.host == Host::Gemini
            && req.scope == Scope::Project
            && done.change != Change::Unchanged
            && trust::untrust_gemini(&req.home, &req.project, req.dry_run)?
        {
            let path = trust::gemini_trust_file(&req.home);
            done.trusted
                .push(format!("the folder's entry in {}", path.display()));
        }
        Ok(done)
    })
}

fn each_host(
    req: &Request,
    f: impl Fn(&Request, &Layout, &Path) -> Result<Done, Error>,
) -> Vec<Outcome> {
    req.hosts()
        .into_iter()
        .filter_map(Layout::of)
        .map(|layout| {
            let file = req.settings_file(layout);
            let result = f(req, layout, &file);
            Outcome {
                host: layout.host,
                file,
                result,
            }
        })
        .collect()
}

/// A settings document as read: its parsed object and its layout.
struct Read {
    snapshot: Snapshot,
    text: String,
    doc: Map<String, Value>,
    style: settings::Style,
}

fn read(layout: &Layout, file: &Path) -> Result<Read, Error> {
    let snapshot = files::read(file).map_err(|e| Error::io(file, e))?;
    let Some(bytes) = &snapshot else {
        return Ok(Read {
            snapshot,
            text: String::new(),
            doc: Map::new(),
            style: settings::Style::default(),
        });
    };
    let text = String::from_utf8(bytes.clone()).map_err(|_| Error::Shape {
        file: file.to_path_buf(),
        problem: "not UTF-8 text".into(),
    })?;
    let style = settings::Style::detect(&text);
    if text.trim().is_empty() {
        return Ok(Read {
            snapshot,
            text,
            doc: Map::new(),
            style,
        });
    }
    let doc = match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(doc)) => doc,
        Ok(_) => {
            return Err(Error::Shape {
                file: file.to_path_buf(),
                problem: "the top level is not a JSON object".into(),
            });
        }
        Err(e) => {
            return Err(Error::Unparsable {
                file: file.to_path_buf(),
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
                template: layout.template_path,
            });
        }
    };
    settings::check_shape(&doc).map_err(|problem| Error::Shape {
        file: file.to_path_buf(),
        problem,
    })?;
    Ok(Read {
        snapshot,
        text,
        doc,
        style,
    })
}

fn desired(req: &Request, layout: &Layout) -> Result<Map<String, Value>, Error> {
    settings::render(layout, &req.bin_dir.to_string_lossy())
}

/// Tries a change up to three times: a file rewritten between our read and our rename is
/// read again and the change recomputed.
fn with_retries(
    file: &Path,
    mut attempt: impl FnMut() -> Result<Result<Done, WriteError>, Error>,
) -> Result<Done, Error> {
    for _ in 0..3 {
        match attempt()? {
            Ok(done) => return Ok(done),
            Err(WriteError::Changed) => continue,
            Err(WriteError::Io(e)) => return Err(Error::io(file, e)),
        }
    }
    Err(Error::KeepsChanging {
        file: file.to_path_buf(),
    })
}

fn install_one(req: &Request, layout: &Layout, file: &Path) -> Result<Done, Error> {
    let want = desired(req, layout)?;
    with_retries(file, || {
        let old = read(layout, file)?;
        let mut doc = old.doc.clone();
        let (changed, warnings) = settings::merge(layout, &mut doc, &want);
        if !changed {
            return Ok(Ok(done(Change::Unchanged, None, String::new(), warnings)));
        }
        let text = old.style.render(&doc);
        let diff = files::diff(file, &old.text, &text);
        let change = if old.snapshot.is_some() {
            Change::Updated
        } else {
            Change::Created
        };
        if req.dry_run {
            let mut d = done(change, None, diff, warnings);
            d.after = Some(doc);
            return Ok(Ok(d));
        }
        let mut backup = None;
        if let Some(bytes) = &old.snapshot {
            let mut foreign = old.doc.clone();
            settings::strip(layout, &mut foreign);
            if !foreign.is_empty() {
                backup = files::backup_once(file, bytes).map_err(|e| Error::io(file, e))?;
            }
        }
        Ok(
            files::replace(file, &old.snapshot, text.as_bytes()).map(|()| {
                let mut d = done(change, backup, diff, warnings);
                d.after = Some(doc);
                d
            }),
        )
    })
}

fn uninstall_one(req: &Request, layout: &Layout, file: &Path) -> Result<Done, Error> {
    let want = desired(req, layout)?;
    let backup_file = files::backup_path(file);
    with_retries(file, || {
        let old = read(layout, file)?;
        if old.snapshot.is_none() {
            return Ok(Ok(done(Change::Unchanged, None, String::new(), Vec::new())));
        }
        let mut doc = old.doc.clone();
        if !settings::strip(layout, &mut doc) {
            return Ok(Ok(done(Change::Unchanged, None, String::new(), Vec::new())));
        }
        let backup = files::read(&backup_file).map_err(|e| Error::io(&backup_file, e))?;
        let before = backup
            .as_deref()
            .and_then(|b| serde_json::from_slice::<Value>(b).ok())
            .and_then(|v| match v {
                Value::Object(m) => Some(m),
                _ => None,
            });
        // What the file becomes, and how.
        let (change, bytes) = match (&before, &backup) {
            (Some(before), Some(original)) => {
                settings::remove_scaffold(&mut doc, &want, before);
                if *before == doc {
                    (Change::Restored, Some(original.clone()))
                } else {
                    (Change::Updated, Some(old.style.render(&doc).into_bytes()))
                }
            }
            _ if settings::only_scaffold(&doc, &want) => (Change::Deleted, None),
            _ => (Change::Updated, Some(old.style.render(&doc).into_bytes())),
        };
        let after = bytes
            .as_deref()
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        let diff = files::diff(file, &old.text, &after);
        if req.dry_run {
            return Ok(Ok(done(change, None, diff, Vec::new())));
        }
        let written = match &bytes {
            Some(bytes) => files::replace(file, &old.snapshot, bytes),
            None => files::remove(file, &old.snapshot),
        };
        if written.is_ok() && change == Change::Restored {
            // The original is back in place; its copy has done its job.
            let _ = std::fs::remove_file(&backup_file);
        }
        if written.is_ok()
            && change == Change::Deleted
            && let Some(dir) = file.parent()
        {
            // The folder install created for the file (`.codex/`), if nothing else is in it.
            let _ = std::fs::remove_dir(dir);
        }
        Ok(written.map(|()| done(change, None, diff, Vec::new())))
    })
}

fn done(change: Change, backup: Option<PathBuf>, diff: String, warnings: Vec<String>) -> Done {
    Done {
        change,
        backup,
        diff,
        warnings,
        trusted: Vec::new(),
        after: None,
    }
}
