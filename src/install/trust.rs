//! Whether a host will run the hooks it has been given, and (Codex, on `--trust`) recording
//! that trust. Both hosts drop untrusted hooks silently, so doctor checks it here.
//!
//! Codex (checked against Codex CLI 0.169.0's `hooks/list`): project hooks load only when
//! `[projects."<git root, else the project>"] trust_level = "trusted"` is in the user's
//! `$CODEX_HOME/config.toml`; every hook, user-level ones too, runs only when
//! `[hooks.state."<hooks.json path>:<event>:<group>:<handler>"] trusted_hash` there equals
//! the SHA-256 of the handler's identity (see [`codex_hash`]); `[features] hooks = false`
//! switches all hooks off. Gemini CLI loads project hooks only in a trusted folder.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use toml_edit::{DocumentMut, Item, Table, value};

use super::doctor::{Finding, Level};
use super::files;
use super::layout::{Home, Layout, Scope};
use super::{Error, settings};
use crate::event::Host;

/// The comment that marks a project trust entry install wrote, so uninstall takes back
/// only its own.
const MARK: &str = "# trusted by wazir-hooks install --trust";

/// Events whose matcher Codex ignores (and leaves out of a hook's identity).
const CODEX_NO_MATCHER: [&str; 5] = [
    "Stop",
    "UserPromptSubmit",
    "Interrupt",
    "PreModelRequest",
    "PostModelRequest",
];

/// `PreToolUse` → `pre_tool_use`.
fn snake(event: &str) -> String {
    let mut out = String::new();
    for (i, c) in event.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The timeout Codex uses for a handler: 600 s by default, at least 1; SessionEnd and
/// Interrupt 1 s by default, at most 3.
fn codex_timeout(event: &str, raw: Option<u64>) -> u64 {
    if matches!(event, "SessionEnd" | "Interrupt") {
        raw.unwrap_or(1).clamp(1, 3)
    } else {
        raw.unwrap_or(600).max(1)
    }
}

/// `sha256:<hex>` of the compact, key-sorted JSON of one handler's identity:
/// `{"event_name", "hooks": [{"async","command","statusMessage"?,"timeout","type"}], "matcher"?}`.
pub fn codex_hash(event: &str, matcher: Option<&str>, handler: &Map<String, Value>) -> String {
    use std::collections::BTreeMap;
    let mut h = BTreeMap::new();
    h.insert(
        "async",
        Value::Bool(handler.get("async") == Some(&Value::Bool(true))),
    );
    h.insert(
        "command",
        handler.get("command").cloned().unwrap_or(Value::Null),
    );
    if let Some(m) = handler.get("statusMessage").filter(|m| !m.is_null()) {
        h.insert("statusMessage", m.clone());
    }
    let raw = handler.get("timeout").and_then(Value::as_u64);
    h.insert("timeout", Value::from(codex_timeout(event, raw)));
    h.insert("type", Value::from("command"));
    let mut id = BTreeMap::new();
    id.insert("event_name", Value::from(snake(event)));
    id.insert(
        "hooks",
        Value::Array(vec![serde_json::to_value(h).unwrap_or_default()]),
    );
    if let Some(m) = matcher.filter(|_| !CODEX_NO_MATCHER.contains(&event)) {
        id.insert("matcher", Value::from(m));
    }
    // BTreeMap keys serialize sorted; serde_json writes compact and leaves non-ASCII as is,
    // as Codex does.
    let text = serde_json::to_string(&id).unwrap_or_default();
    let digest = Sha256::digest(text.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// Our handlers in a Codex hooks file, each with its trust key and current hash.
pub fn codex_entries(file: &Path, doc: &Map<String, Value>) -> Vec<(String, String)> {
    let Some(layout) = Layout::of(Host::Codex) else {
        return Vec::new();
    };
    settings::registered(layout, doc)
        .into_iter()
        .map(|r| {
            let key = format!(
                "{}:{}:{}:{}",
                file.display(),
                snake(&r.event),
                r.group,
                r.handler
            );
            (key, codex_hash(&r.event, r.matcher.as_deref(), &r.entry))
        })
        .collect()
}

/// Where Codex's trust is kept.
pub fn codex_config(home: &Home) -> PathBuf {
    home.codex.join("config.toml")
}

/// The directory Codex keys project trust by: the git root above the project, else the
/// project itself.
pub fn codex_project_key(project: &Path) -> PathBuf {
    project
        .ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(project)
        .to_path_buf()
}

fn read_toml(path: &Path) -> Result<(files::Snapshot, DocumentMut), Error> {
    let snapshot = files::read(path).map_err(|e| Error::io(path, e))?;
    let text = match &snapshot {
        Some(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        None => String::new(),
    };
    let doc = text.parse::<DocumentMut>().map_err(|e| Error::Shape {
        file: path.to_path_buf(),
        problem: format!("not valid TOML ({})", e.to_string().trim()),
    })?;
    Ok((snapshot, doc))
}

fn write_toml(path: &Path, old: &files::Snapshot, doc: &DocumentMut) -> Result<(), Error> {
    if let Some(bytes) = old {
        files::backup_once(path, bytes).map_err(|e| Error::io(path, e))?;
    }
    files::replace(path, old, doc.to_string().as_bytes()).map_err(|e| match e {
        files::WriteError::Changed => Error::KeepsChanging {
            file: path.to_path_buf(),
        },
        files::WriteError::Io(e) => Error::io(path, e),
    })
}

fn implicit_table<'a>(parent: &'a mut Table, key: &str) -> Option<&'a mut Table> {
    let item = parent.entry(key).or_insert_with(|| {
        let mut t = Table::new();
        t.set_implicit(true);
        Item::Table(t)
    });
    item.as_table_mut()
}

/// Records trust for our hooks in `hooks_file` (and, for a project file, the project) in
/// Codex's user config. Returns what it trusted, for the report.
pub fn trust_codex(
    home: &Home,
    project: &Path,
    scope: Scope,
    hooks_file: &Path,
    doc: &Map<String, Value>,
    dry_run: bool,
) -> Result<Vec<String>, Error> {
    let path = codex_config(home);
    let (old, mut toml) = read_toml(&path)?;
    let mut did = Vec::new();
    if scope == Scope::Project {
        let root = codex_project_key(project).display().to_string();
        let projects = implicit_table(toml.as_table_mut(), "projects")
            .ok_or_else(|| shape(&path, "projects"))?;
        let trusted = projects
            .get(&root)
            .and_then(|t| t.get("trust_level"))
            .and_then(Item::as_str)
            == Some("trusted");
        if !trusted {
            let mut t = Table::new();
            t.insert("trust_level", value("trusted"));
            t.decor_mut().set_prefix(format!("\n{MARK}\n"));
            projects.insert(&root, Item::Table(t));
            did.push(format!("the project {root} (Codex)"));
        }
    }
    let entries = codex_entries(hooks_file, doc);
    let hooks =
        implicit_table(toml.as_table_mut(), "hooks").ok_or_else(|| shape(&path, "hooks"))?;
    let state = implicit_table(hooks, "state").ok_or_else(|| shape(&path, "hooks.state"))?;
    let mut changed = 0;
    for (key, hash) in &entries {
        let current = state
            .get(key)
            .and_then(|t| t.get("trusted_hash"))
            .and_then(Item::as_str);
        if current != Some(hash.as_str()) {
            match state.get_mut(key).and_then(Item::as_table_mut) {
                Some(t) => {
                    t.insert("trusted_hash", value(hash.as_str()));
                }
                None => {
                    let mut t = Table::new();
                    t.insert("trusted_hash", value(hash.as_str()));
                    state.insert(key, Item::Table(t));
                }
            }
            changed += 1;
        }
    }
    if changed > 0 {
        did.push(format!(
            "{changed} hooks in {} (Codex)",
            hooks_file.display()
        ));
    }
    if !did.is_empty() && !dry_run {
        write_toml(&path, &old, &toml)?;
    }
    Ok(did)
}

/// Takes back what [`trust_codex`] recorded for our hooks in `hooks_file` (as it was
/// before uninstall) and the project trust it marked as its own.
pub fn untrust_codex(
    home: &Home,
    project: &Path,
    hooks_file: &Path,
    doc: &Map<String, Value>,
    dry_run: bool,
) -> Result<bool, Error> {
    let path = codex_config(home);
    if !path.exists() {
        return Ok(false);
    }
    let (old, mut toml) = read_toml(&path)?;
    let mut changed = false;
    let keys: Vec<String> = codex_entries(hooks_file, doc)
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    if let Some(state) = toml
        .get_mut("hooks")
        .and_then(|h| h.get_mut("state"))
        .and_then(Item::as_table_like_mut)
    {
        for key in &keys {
            changed |= state.remove(key).is_some();
        }
    }
    let root = codex_project_key(project).display().to_string();
    if let Some(projects) = toml.get_mut("projects").and_then(Item::as_table_mut) {
        let ours = projects
            .get(&root)
            .and_then(Item::as_table)
            .and_then(|t| t.decor().prefix())
            .and_then(|p| p.as_str())
            .is_some_and(|p| p.contains(MARK));
        if ours {
            projects.remove(&root);
            changed = true;
        }
    }
    if changed && !dry_run {
        let backup = files::backup_path(&path);
        let text = toml.to_string();
        match files::read(&backup).map_err(|e| Error::io(&backup, e))? {
            // Nothing was there before install: leave nothing.
            None if text.trim().is_empty() => {
                let _ = files::remove(&path, &old);
            }
            // Back to the original: put its exact bytes back.
            Some(original) if original == text.as_bytes() => {
                write_toml(&path, &old, &toml)?;
                let _ = std::fs::remove_file(&backup);
            }
            _ => write_toml(&path, &old, &toml)?,
        }
    }
    Ok(changed)
}

fn shape(path: &Path, key: &str) -> Error {
    Error::Shape {
        file: path.to_path_buf(),
        problem: format!("`{key}` is not a table"),
    }
}

/// Doctor's findings on whether `host` will run our hooks from `files`.
pub fn check(
    host: Host,
    project: &Path,
    home: &Home,
    files: &[(Scope, PathBuf, Map<String, Value>)],
) -> Vec<Finding> {
    match host {
        Host::Codex => check_codex(project, home, files),
        Host::Gemini => check_gemini(project, home, files),
        _ => Vec::new(),
    }
}

fn finding(level: Level, text: String) -> Finding {
    Finding { level, text }
}

fn check_codex(
    project: &Path,
    home: &Home,
    files: &[(Scope, PathBuf, Map<String, Value>)],
) -> Vec<Finding> {
    let path = codex_config(home);
    let mut out = Vec::new();
    let toml = match read_toml(&path) {
        Ok((_, t)) => t,
        Err(e) => {
            return vec![finding(
                Level::Fail,
                format!("{e}: Codex cannot start with it"),
            )];
        }
    };
    let off = ["hooks", "codex_hooks"].iter().any(|k| {
        toml.get("features")
            .and_then(|f| f.get(k))
            .and_then(Item::as_bool)
            == Some(false)
    });
    if off {
        out.push(finding(
            Level::Fail,
            format!(
                "{}: [features] hooks = false switches every Codex hook off; remove it",
                path.display()
            ),
        ));
    }
    let fix = "run `codex` and trust them in /hooks, or `wazir-hooks install --host codex --trust`";
    for (scope, file, doc) in files {
        if *scope == Scope::Project {
            let root = codex_project_key(project);
            let trusted = toml
                .get("projects")
                .and_then(|p| p.get(root.display().to_string()))
                .and_then(|t| t.get("trust_level"))
                .and_then(Item::as_str)
                == Some("trusted");
            if trusted {
                out.push(finding(
                    Level::Ok,
                    format!("Codex trusts the project {}", root.display()),
                ));
            } else {
                out.push(finding(
                    Level::Action,
                    format!(
                        "Codex ignores {} until the project {} is trusted: start `codex` there and trust it when asked, or `wazir-hooks install --host codex --trust`",
                        file.display(),
                        root.display()
                    ),
                ));
            }
        }
        let state = toml.get("hooks").and_then(|h| h.get("state"));
        let (mut untrusted, mut modified, mut disabled) = (0, 0, 0);
        let entries = codex_entries(file, doc);
        for (key, hash) in &entries {
            let entry = state.and_then(|s| s.get(key));
            if entry.and_then(|e| e.get("enabled")).and_then(Item::as_bool) == Some(false) {
                disabled += 1;
            }
            match entry
                .and_then(|e| e.get("trusted_hash"))
                .and_then(Item::as_str)
            {
                None => untrusted += 1,
                Some(h) if h != hash => modified += 1,
                Some(_) => {}
            }
        }
        if untrusted + modified == 0 {
            out.push(finding(
                Level::Ok,
                format!(
                    "Codex trusts all {} hooks in {}",
                    entries.len(),
                    file.display()
                ),
            ));
        } else {
            out.push(finding(
                Level::Action,
                format!(
                    "Codex will not run {} of the {} hooks in {} ({untrusted} never trusted, {modified} changed since they were trusted): {fix}",
                    untrusted + modified,
                    entries.len(),
                    file.display()
                ),
            ));
        }
        if disabled > 0 {
            out.push(finding(
                Level::Fail,
                format!("{}: {disabled} of our hooks are switched off (`enabled = false` under hooks.state); turn them on in /hooks", path.display()),
            ));
        }
    }
    out
}

/// Gemini CLI's folder trust file: `$GEMINI_CLI_TRUSTED_FOLDERS_PATH`, else
/// `<home>/.gemini/trustedFolders.json` (`{"<abs path>": "TRUST_FOLDER" | "TRUST_PARENT" |
/// "DO_NOT_TRUST"}`).
pub fn gemini_trust_file(home: &Home) -> PathBuf {
    match std::env::var_os("GEMINI_CLI_TRUSTED_FOLDERS_PATH") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => home.dir.join(".gemini/trustedFolders.json"),
    }
}

/// How Gemini CLI decides a folder's trust: among the rules whose folder (a
/// TRUST_PARENT rule's parent) holds `dir`, the one with the longest path wins.
pub fn gemini_trusts(rules: &Map<String, Value>, dir: &Path) -> Option<bool> {
    let mut best: Option<(usize, bool)> = None;
    for (path, level) in rules {
        let rule = Path::new(path);
        let (folder, trusted) = match level.as_str() {
            Some("TRUST_FOLDER") => (rule, true),
            Some("TRUST_PARENT") => (rule.parent().unwrap_or(rule), true),
            Some("DO_NOT_TRUST") => (rule, false),
            _ => continue,
        };
        let folder = folder
            .canonicalize()
            .unwrap_or_else(|_| folder.to_path_buf());
        if dir.starts_with(&folder) && best.is_none_or(|(len, _)| path.len() > len) {
            best = Some((path.len(), trusted));
        }
    }
    best.map(|(_, t)| t)
}

fn read_json_object(path: &Path) -> Result<Option<Map<String, Value>>, String> {
    match files::read(path) {
        Ok(None) => Ok(None),
        Ok(Some(bytes)) => match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(m)) => Ok(Some(m)),
            Ok(_) => Err(format!("{}: not a JSON object", path.display())),
            Err(e) => Err(format!("{}: not valid JSON ({e})", path.display())),
        },
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

fn check_gemini(
    project: &Path,
    home: &Home,
    files: &[(Scope, PathBuf, Map<String, Value>)],
) -> Vec<Finding> {
    let mut out = Vec::new();
    if files.iter().any(|(scope, _, _)| *scope == Scope::Project) {
        out.push(finding(
            Level::Note,
            format!(
                "Gemini CLI reads project hooks only from the folder it starts in: start it in {}",
                project.display()
            ),
        ));
    }
    let env = std::env::var("GEMINI_CLI_TRUST_WORKSPACE").ok();
    let restricted = std::env::var("GEMINI_RESTRICTED_MODE").ok().as_deref() == Some("true");
    if restricted || env.as_deref() == Some("false") {
        out.push(finding(
            Level::Note,
            "GEMINI_RESTRICTED_MODE=true or GEMINI_CLI_TRUST_WORKSPACE=false in this shell: \
             Gemini CLI started from it trusts no folder and runs no settings hooks"
                .to_owned(),
        ));
    }
    let user_settings = home.dir.join(".gemini/settings.json");
    let trust_off = read_json_object(&user_settings)
        .ok()
        .flatten()
        .and_then(|s| {
            s.get("security")?
                .get("folderTrust")?
                .get("enabled")?
                .as_bool()
        })
        == Some(false);
    if trust_off {
        out.push(finding(
            Level::Ok,
            format!(
                "Gemini CLI's folder trust is off ({}), so it runs the hooks",
                user_settings.display()
            ),
        ));
        return out;
    }
    let file = gemini_trust_file(home);
    let how = format!(
        "trust the folder when Gemini CLI asks, or `wazir-hooks install --host gemini --trust` (adds it to {})",
        file.display()
    );
    let verdict = match read_json_object(&file) {
        Err(e) => {
            return vec![finding(
                Level::Fail,
                format!("{e}: Gemini CLI will not start with it"),
            )];
        }
        Ok(rules) => gemini_trusts(&rules.unwrap_or_default(), project),
    };
    match verdict {
        Some(true) => out.push(finding(
            Level::Ok,
            format!("Gemini CLI trusts {} ({})", project.display(), file.display()),
        )),
        Some(false) => out.push(finding(
            Level::Fail,
            format!(
                "{} marks {} DO_NOT_TRUST: Gemini CLI runs none of its settings hooks there; change that entry if the hooks should run",
                file.display(),
                project.display()
            ),
        )),
        None if env.as_deref() == Some("true") => out.push(finding(
            Level::Note,
            format!(
                "GEMINI_CLI_TRUST_WORKSPACE=true in this shell trusts {} for Gemini CLI started from it; elsewhere {how}",
                project.display()
            ),
        )),
        None => out.push(finding(
            Level::Action,
            format!(
                "Gemini CLI runs no settings hooks (project or user) in {} until the folder is trusted: {how}",
                project.display()
            ),
        )),
    }
    out
}

/// Adds `project` to Gemini CLI's trusted folders unless a rule already trusts it.
pub fn trust_gemini(home: &Home, project: &Path, dry_run: bool) -> Result<Vec<String>, Error> {
    let path = gemini_trust_file(home);
    let old = files::read(&path).map_err(|e| Error::io(&path, e))?;
    let mut rules = read_json_object(&path)
        .map_err(|problem| Error::Shape {
            file: path.clone(),
            problem,
        })?
        .unwrap_or_default();
    if gemini_trusts(&rules, project) == Some(true) {
        return Ok(Vec::new());
    }
    let key = project.display().to_string();
    rules.insert(key.clone(), Value::from("TRUST_FOLDER"));
    if !dry_run {
        write_json(&path, &old, &rules)?;
    }
    Ok(vec![format!("the folder {key} (Gemini CLI)")])
}

/// Takes `project` out of Gemini CLI's trusted folders if install put it there: the
/// backup (the file before wazir-hooks first changed it) does not have it, or there was
/// no file before.
pub fn untrust_gemini(home: &Home, project: &Path, dry_run: bool) -> Result<bool, Error> {
    let path = gemini_trust_file(home);
    let old = files::read(&path).map_err(|e| Error::io(&path, e))?;
    let Ok(Some(mut rules)) = read_json_object(&path) else {
        return Ok(false);
    };
    let key = project.display().to_string();
    let backup = read_json_object(&files::backup_path(&path)).ok().flatten();
    let ours = rules.get(&key).and_then(Value::as_str) == Some("TRUST_FOLDER")
        && backup.as_ref().is_none_or(|b| !b.contains_key(&key));
    if !ours {
        return Ok(false);
    }
    if backup.is_none() && rules.len() > 1 {
        // Other folders were trusted since, and nothing says ours was not there before.
        return Ok(false);
    }
    rules.remove(&key);
    if !dry_run {
        if rules.is_empty() && backup.is_none() {
            let _ = files::remove(&path, &old);
        } else {
            write_json(&path, &old, &rules)?;
        }
    }
    Ok(true)
}

fn write_json(path: &Path, old: &files::Snapshot, doc: &Map<String, Value>) -> Result<(), Error> {
    if let Some(bytes) = old {
        files::backup_once(path, bytes).map_err(|e| Error::io(path, e))?;
    }
    let mut text = serde_json::to_string_pretty(doc).unwrap_or_default();
    text.push('\n');
    files::replace(path, old, text.as_bytes()).map_err(|e| match e {
        files::WriteError::Changed => Error::KeepsChanging {
            file: path.to_path_buf(),
        },
        files::WriteError::Io(e) => Error::io(path, e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The values Codex CLI 0.169.0's `hooks/list` reported for the template with
    /// `{{bin}}` = `/opt/wh/bin` (the installer research's reference run). The guard's
    /// matcher was `Bash|apply_patch|Edit|Write` then; it is put back for the comparison.
    #[test]
    fn hashes_match_codex() {
        let template = Layout::of(Host::Codex).unwrap();
        let mut doc = settings::render(template, "/opt/wh/bin").unwrap();
        doc["hooks"]["PreToolUse"][0]["matcher"] = "Bash|apply_patch|Edit|Write".into();
        let entries = codex_entries(Path::new("/p/.codex/hooks.json"), &doc);
        let get = |k: &str| {
            entries
                .iter()
                .find(|(key, _)| key.ends_with(k))
                .map(|(_, h)| h.as_str())
                .unwrap()
        };
        assert_eq!(
            get(":pre_tool_use:0:0"),
            "sha256:b3c2c62a098134c1048f09f22a588ddfdda042b7e56fd394c3948939aa03fcd7"
        );
        assert_eq!(
            get(":pre_tool_use:1:0"),
            "sha256:f0d64ac3058aedb31c8a44305fdab628659035bf6b8f47974a5919f50aa748a1"
        );
        assert_eq!(
            get(":pre_tool_use:2:0"),
            "sha256:67edd0f21805840de77c005b8ded68be5cf87f403e0a4275370fd66476141774"
        );
        assert_eq!(entries.len(), 9);
        assert!(
            entries
                .iter()
                .any(|(k, _)| k == "/p/.codex/hooks.json:stop:0:1")
        );
    }

    #[test]
    fn event_names_in_snake_case() {
        assert_eq!(snake("PreToolUse"), "pre_tool_use");
        assert_eq!(snake("SessionEnd"), "session_end");
        assert_eq!(snake("Stop"), "stop");
    }
}
