//! Self-protection (README, "Self-protection"): what keeps the guard itself in place.
//! Always on, whatever any configuration says. No tool call of the agent may change
//! - the project configuration the guard reads (`wazir.hooks.yaml`, and the protection
//!   keys of `wazir.manifest.yaml`) — in the project, in any folder above it, or a new
//!   one anywhere (a nearer one would change which project root is found);
//! - the user policy;
//! - any host's hook settings and hook-trust files, MCP server definitions, and the
//!   folders whose files a host runs as hooks of its own (subagents, skills, plugins,
//!   extensions: [`crate::hosts::settings`]);
//! - our installed binaries (not the rest of their folder) and the state root.
//!
//! A file tool whose result can be computed (the new content, or replacements applied
//! to the current file) may change such a file when every protected key stays as it is:
//! agents legitimately add a permission rule to `.claude/settings.json`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::event::{Edit, Replacement};
use crate::hooks::Hook;
use crate::hosts::settings::{self, Format, HookDir, SettingsFile};
use crate::policy::config::{self, Config, HOOKS_FILE, MANIFEST_FILE};
use crate::policy::paths::{self, Hit, Matcher};
use crate::policy::shell::{Target, Write};

/// What a guarded path is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Guarded {
    /// `wazir.hooks.yaml`: every key protects.
    ProjectConfig,
    /// `wazir.manifest.yaml`: its protection keys.
    Manifest,
    UserPolicy,
    Settings(&'static SettingsFile),
    /// A folder whose files a host runs as hooks, or a file in it.
    HookSource(&'static HookDir),
    /// A folder that holds the project, the home folder, or a host's settings folder in
    /// one of them (a recursive write over it replaces what they hold).
    Holder,
    Managed,
    Binary,
    StateRoot,
}

impl Guarded {
    /// What the file is, for the deny reason.
    fn describe(self) -> String {
        match self {
            Guarded::ProjectConfig => format!("the project's guard configuration ({HOOKS_FILE})"),
            Guarded::Manifest => format!(
                "the Wazir manifest ({MANIFEST_FILE}), whose protected_paths, \
                 paths.state_root_default and project.name configure the guard"
            ),
            Guarded::UserPolicy => "the user's wazir-hooks policy".into(),
            Guarded::Settings(f) => format!("{}'s hook settings ({})", f.host, f.suffix),
            Guarded::HookSource(d) => format!("{}'s {} ({})", d.host, d.what, d.suffix),
            Guarded::Holder => "a folder holding the project's or a host's guard settings".into(),
            Guarded::Managed => "a host's managed (system-wide) settings".into(),
            Guarded::Binary => "an installed wazir-hooks program".into(),
            Guarded::StateRoot => "the hooks' state (run logs and loop counters)".into(),
        }
    }
}

/// The binaries we install, by file name.
fn our_programs() -> impl Iterator<Item = &'static str> {
    Hook::ALL
        .into_iter()
        .map(Hook::name)
        .chain(["wazir-hooks", "post-tool-lint"])
}

/// The guarded paths of one call: fixed paths (with everything beneath them) plus the
/// config and settings file names, which are guarded wherever they are.
pub(crate) struct Protection {
    matcher: Matcher,
    kinds: HashMap<String, Guarded>,
    /// Where a config or settings file counts by its name alone: the project (lexical
    /// and physical root), and the folders above the project and the working directory.
    scope: Vec<PathBuf>,
    /// The folder our programs are installed in.
    programs: Option<PathBuf>,
    /// The home folder, where the user-scope settings files are guarded by name.
    home: Option<PathBuf>,
}

impl Protection {
    pub(crate) fn new(config: &Config, cwd: &Path, home: Option<&Path>) -> Protection {
        // `(path, kind, only when it exists)`. A config or settings file is listed only
        // when it exists, so that removing or moving a folder holding one is caught; one
        // that does not exist yet is caught by its name when it is written.
        let mut list: Vec<(PathBuf, Guarded, bool)> = Vec::new();
        let mut dirs: Vec<&Path> = cwd.ancestors().chain(config.root.ancestors()).collect();
        dirs.sort();
        dirs.dedup();
        for dir in dirs {
            list.push((dir.join(HOOKS_FILE), Guarded::ProjectConfig, true));
            list.push((dir.join(MANIFEST_FILE), Guarded::Manifest, true));
        }
        if let Some(policy) = config::user_policy_path() {
            let dir = policy.parent().map_or(policy.clone(), Path::to_path_buf);
            list.push((dir, Guarded::UserPolicy, false));
        }
        for f in settings::FILES {
            list.push((config.root.join(f.suffix), Guarded::Settings(f), true));
            if let Some(h) = home {
                list.push((h.join(f.suffix), Guarded::Settings(f), true));
            }
        }
        let codex_home = std::env::var_os("CODEX_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        if let Some(dir) = codex_home {
            for (p, f) in settings::codex_home_files(&dir) {
                list.push((p, Guarded::Settings(f), false));
            }
            if let Some(d) = settings::HOOK_DIRS
                .iter()
                .find(|d| d.suffix == ".codex/plugins")
            {
                list.push((dir.join("plugins"), Guarded::HookSource(d), false));
            }
        }
        // Existing hook folders, so that their physical form (a symlinked skills folder)
        // is guarded too; one that does not exist yet is caught by its name.
        for d in settings::HOOK_DIRS {
            list.push((config.root.join(d.suffix), Guarded::HookSource(d), true));
            if let Some(h) = home {
                list.push((h.join(d.suffix), Guarded::HookSource(d), true));
            }
        }
        for m in settings::MANAGED {
            list.push((PathBuf::from(m), Guarded::Managed, false));
        }
        list.push((
            crate::state::resolve_root(config),
            Guarded::StateRoot,
            false,
        ));
        let mut kinds = HashMap::new();
        for (p, g, must_exist) in list {
            if !must_exist || p.symlink_metadata().is_ok() {
                kinds.entry(p.to_string_lossy().into_owned()).or_insert(g);
            }
        }
        let entries: Vec<String> = kinds.keys().cloned().collect();
        let root = paths::normalize(&config.root);
        let scope = vec![paths::physical(&root), root, paths::normalize(cwd)];
        // The folder the guard runs from (the kernel gives it with symlinks resolved):
        // our programs in it are guarded by name, the rest of it is not.
        let programs = std::env::current_exe()
            .ok()
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf);
        Protection {
            programs,
            home: home.map(paths::normalize),
            matcher: Matcher::new(&config.root, &entries, home),
            kinds,
            scope,
        }
    }

    /// Whether a config or settings file at `path` could be one the guard or a host
    /// reads for this project: inside the project, or in a folder above it or above the
    /// working directory. A copy elsewhere (`cp -a . /tmp/snapshot`) is not.
    fn in_scope(&self, path: &Path, kind: Guarded) -> bool {
        // The folder the file belongs to: a config file's own folder; for a host's
        // settings (`.claude/settings.json`), the folder holding `.claude`.
        let folder = match kind {
            Guarded::Settings(f) => f.folder_of(path),
            Guarded::HookSource(_) => settings::hook_dir_of(path).map(|(_, folder)| folder),
            _ => path.parent(),
        };
        let Some(folder) = folder else {
            return false;
        };
        self.home.as_deref() == Some(folder)
            || self
                .scope
                .iter()
                .enumerate()
                .any(|(i, s)| (i < 2 && path.starts_with(s)) || s.starts_with(folder))
    }

    /// One of our installed programs, by its name in the folder the guard runs from, or
    /// a recursive write over that folder.
    fn program(&self, lexical: &Path, physical: &Path, recursive: bool) -> Option<(Hit, Guarded)> {
        let dir = self.programs.as_deref()?;
        for form in [lexical, physical] {
            let named = form.parent() == Some(dir)
                && form
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| our_programs().any(|p| p == n));
            let over = recursive && dir.starts_with(form);
            if named || over {
                return Some((
                    Hit {
                        entry: dir.to_string_lossy().into_owned(),
                        shown: self.matcher.show(lexical),
                        via: over.then(|| {
                            format!("it holds the installed programs in {}", dir.display())
                        }),
                    },
                    Guarded::Binary,
                ));
            }
        }
        None
    }

    /// Whether `path` is, or may hold, a guarded path: where a search (`find -delete`)
    /// must look. Config and settings files count by name anywhere in the project.
    pub(crate) fn relevant(&self, path: &Path) -> bool {
        let path = paths::normalize(path);
        self.matcher.relevant(&path)
            || self
                .scope
                .iter()
                .chain(self.programs.as_ref())
                .any(|s| path.starts_with(s) || s.starts_with(&path))
    }

    /// The guarded path a write reaches, if any; `Err` when the reach cannot be checked.
    pub(crate) fn check(&self, w: &Write) -> Result<Option<(Hit, Guarded)>, String> {
        let hit = match &w.target {
            Target::Path(p) => {
                // Both forms once, for the name rules (the matcher resolves its own).
                let (lexical, physical) = paths::forms(p, w.follow);
                // A wildcard that matched nothing when the guard looked is kept as it is
                // by bash, but an earlier part of the command can create what it matches
                // (`cp t/* .claude/`): in a host's folders, such a name is any name.
                if let (Some(dir), Some(name)) = (lexical.parent(), lexical.file_name())
                    && name.to_string_lossy().contains(['*', '?', '['])
                    && let Some(hit) = partial_by_name(Some(dir), "", "")
                {
                    return Ok(Some(hit));
                }
                if let Some(hit) = self
                    .by_name(&lexical, &physical, w.recursive)
                    .or_else(|| self.program(&lexical, &physical, w.recursive))
                    .or_else(|| {
                        w.recursive
                            .then(|| self.holder(&lexical, &physical))
                            .flatten()
                    })
                {
                    return Ok(Some(hit));
                }
                let hit = self.matcher.check(p, w.recursive, w.follow)?;
                return Ok(hit.and_then(|h| {
                    let kind = *self.kinds.get(&h.entry)?;
                    counts(kind, p, w.recursive).then_some((h, kind))
                }));
            }
            Target::Partial {
                dir,
                name_prefix,
                suffix,
            } => {
                if let Some(hit) = partial_by_name(dir.as_deref(), name_prefix, suffix) {
                    return Ok(Some(hit));
                }
                if let (Some(d), Some(programs)) = (dir.as_deref(), self.programs.as_deref())
                    && paths::normalize(d) == programs
                    && our_programs().any(|p| {
                        p.starts_with(name_prefix.as_str()) && p.ends_with(suffix.as_str())
                    })
                {
                    let hit = Hit {
                        entry: programs.to_string_lossy().into_owned(),
                        shown: format!("{}/{name_prefix}…{suffix}", programs.display()),
                        via: Some(
                            "the rest of the path is only known when the command runs".into(),
                        ),
                    };
                    return Ok(Some((hit, Guarded::Binary)));
                }
                self.matcher
                    .check_partial(dir.as_deref(), name_prefix, suffix)
            }
            Target::Operator(_) => None,
        };
        Ok(hit.and_then(|h| {
            let kind = *self.kinds.get(&h.entry)?;
            Some((h, kind))
        }))
    }

    /// A config or settings file by its name, or a file in a hook folder, in the path's
    /// lexical or physical form.
    fn by_name(&self, lexical: &Path, physical: &Path, recursive: bool) -> Option<(Hit, Guarded)> {
        for form in [lexical, physical] {
            let kind = kind_by_name(form).or_else(|| {
                settings::hook_dir_of(form)
                    .map(|(d, _)| Guarded::HookSource(d))
                    .filter(|k| counts(*k, form, recursive))
            });
            if let Some(kind) = kind.filter(|k| self.in_scope(form, *k)) {
                return Some((
                    Hit {
                        entry: form.to_string_lossy().into_owned(),
                        shown: self.matcher.show(lexical),
                        via: (form != lexical)
                            .then(|| format!("through a symlink to {}", form.display())),
                    },
                    kind,
                ));
            }
        }
        None
    }

    /// A recursive write over a folder that holds the project, the home folder, or a host's
    /// settings or hook folder where a host would read it: it would replace or remove
    /// them whether or not they exist yet (`mv /tmp/prepared .claude`).
    fn holder(&self, lexical: &Path, physical: &Path) -> Option<(Hit, Guarded)> {
        for form in [lexical, physical] {
            let holds_root = self.scope[..2]
                .iter()
                .chain(self.home.as_ref())
                .any(|d| d.starts_with(form));
            let host_dir = form
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| settings::host_dirs().any(|d| d == n))
                && form.parent().is_some_and(|folder| {
                    self.home.as_deref() == Some(folder)
                        || self.scope.iter().any(|s| s.starts_with(folder))
                });
            if holds_root || host_dir {
                return Some((
                    Hit {
                        entry: form.to_string_lossy().into_owned(),
                        shown: self.matcher.show(lexical),
                        via: Some("it holds, or would hold, settings a host reads".into()),
                    },
                    Guarded::Holder,
                ));
            }
        }
        None
    }
}

/// Whether a write to `path` reaches what a guarded kind protects: in a frontmatter hook
/// folder only markdown files (and recursive writes, which can bring some) count.
fn counts(kind: Guarded, path: &Path, recursive: bool) -> bool {
    match kind {
        Guarded::HookSource(d) if d.frontmatter => {
            let md = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("md"));
            // A recursive write can bring markdown files, unless it is to a file that
            // is not one (`chmod +x scripts/helper.py`: chmod counts as recursive).
            md || (recursive && !path.is_file())
        }
        _ => true,
    }
}

fn kind_by_name(path: &Path) -> Option<Guarded> {
    match path.file_name()?.to_str()? {
        HOOKS_FILE => Some(Guarded::ProjectConfig),
        MANIFEST_FILE => Some(Guarded::Manifest),
        // The copy `install` keeps of a settings file, which `uninstall` puts back: the
        // agent may not choose what the operator's uninstall restores.
        name if name.ends_with(crate::install::files::BACKUP_SUFFIX) => path
            .to_str()
            .and_then(|p| p.strip_suffix(crate::install::files::BACKUP_SUFFIX))
            .and_then(|p| settings::kind_of(Path::new(p)))
            .map(Guarded::Settings),
        _ => settings::kind_of(path).map(Guarded::Settings),
    }
}

/// Whether a target known only in part could be a guarded file by its name.
fn partial_by_name(dir: Option<&Path>, prefix: &str, suffix: &str) -> Option<(Hit, Guarded)> {
    let shown = format!(
        "{}/{prefix}…{suffix}",
        dir.map_or("…".into(), |d| d.display().to_string())
            .trim_end_matches('/')
    );
    let hit = |kind: Guarded, name: &str| {
        Some((
            Hit {
                entry: name.to_owned(),
                shown: shown.clone(),
                via: Some("the rest of the path is only known when the command runs".into()),
            },
            kind,
        ))
    };
    if suffix.contains('/') {
        return kind_by_name(Path::new(suffix)).and_then(|k| hit(k, suffix));
    }
    // Any name in a host's settings folder or hook folder could be one the host reads.
    if let Some(d) = dir {
        if let Some((h, _)) = settings::hook_dir_of(d) {
            return hit(Guarded::HookSource(h), h.suffix);
        }
        let name = d.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if let Some(f) = settings::FILES
            .iter()
            .find(|f| f.suffix.split_once('/').is_some_and(|(d, _)| d == name))
        {
            return hit(Guarded::Settings(f), f.suffix);
        }
    }
    // A name wholly unknown in a known folder could be anything; assuming it is a config
    // file would deny every `> dir/$NAME`. Such a file is caught when its folder is a
    // guarded one (the matcher), not by its name (README, residuals).
    if prefix.is_empty() && suffix.is_empty() && dir.is_some() {
        return None;
    }
    let could_be = |name: &str| name.starts_with(prefix) && name.ends_with(suffix);
    for (name, kind) in [
        (HOOKS_FILE, Guarded::ProjectConfig),
        (MANIFEST_FILE, Guarded::Manifest),
    ] {
        if could_be(name) {
            return hit(kind, name);
        }
    }
    for f in settings::FILES {
        let (d, name) = f.suffix.split_once('/').unwrap_or(("", f.suffix));
        let in_dir = d.is_empty() || dir.is_none_or(|p| p.file_name().is_some_and(|n| n == d));
        if in_dir && could_be(name) {
            return hit(Guarded::Settings(f), f.suffix);
        }
    }
    None
}

/// Variables the guard reads from its environment: set by a host from a `.env` file the
/// agent can write, they would approve anything, move the state root or hide the user
/// policy.
const TRUSTED_VARS: [&str; 4] = [
    "WAZIR_APPROVED_FLOW",
    "WAZIR_STATE_ROOT",
    "XDG_CONFIG_HOME",
    "CODEX_HOME",
];

/// The `.env` files Gemini CLI and Codex load into their own environment, and so into
/// their hooks' (without overriding what is already set): Gemini CLI's `.gemini/.env` or `.env` in the working directory or any
/// folder above it, `~/.gemini/.env`, `~/.env`; Codex's `$CODEX_HOME/.env`.
fn host_env_files(cwd: &Path, home: Option<&Path>) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = cwd
        .ancestors()
        .flat_map(|d| [d.join(".gemini/.env"), d.join(".env")])
        .collect();
    if let Some(h) = home {
        files.push(h.join(".gemini/.env"));
        files.push(h.join(".env"));
        files.push(h.join(".codex/.env"));
    }
    if let Some(c) = std::env::var_os("CODEX_HOME").filter(|v| !v.is_empty()) {
        files.push(PathBuf::from(c).join(".env"));
    }
    files
}

/// A variable the guard trusts that a `.env` file a host loads sets, while the guard's
/// environment holds it: `(file, variable)`. The guard then cannot
/// tell its environment from the agent's, and refuses every call until the operator
/// removes the line. Only Gemini CLI and Codex load such files.
pub(crate) fn env_from_agent_file(cwd: &Path, home: Option<&Path>) -> Option<(PathBuf, String)> {
    for file in host_env_files(cwd, home) {
        let Ok(meta) = file.metadata() else {
            continue;
        };
        if !meta.is_file() || meta.len() > 1024 * 1024 {
            continue;
        }
        let Ok(bytes) = std::fs::read(&file) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        // Read as loosely as any dotenv dialect: `KEY=v`, `KEY: v`, `export KEY=v`, a BOM,
        // bare CR line ends. A key the guard trusts that the guard's environment also
        // holds is taken to come from the file, whatever its value's spelling.
        for line in text.split(['\n', '\r']) {
            let line = line.trim_start_matches('\u{feff}').trim_start();
            let line = line.strip_prefix("export").map_or(line, str::trim_start);
            let Some(end) = line.find(['=', ':']) else {
                continue;
            };
            let key = line[..end].trim();
            if TRUSTED_VARS.contains(&key) && std::env::var_os(key).is_some() {
                return Some((file, key.to_owned()));
            }
        }
    }
    None
}

/// Why a computed edit of a guarded file is refused; `Ok` when it keeps every protected
/// key. `before` is the file's current text (`None`: it does not exist).
pub(crate) fn edit_keeps(kind: Guarded, before: Option<&str>, after: &str) -> Result<(), String> {
    match kind {
        Guarded::Settings(f) => {
            let mut changed = match f.format {
                Format::Json => json_changes(before, after, f.editable)?,
                Format::Toml => toml_changes(before, after, f.editable)?,
                Format::Env if before == Some(after) => Vec::new(),
                Format::Env => vec!["the environment it loads".to_owned()],
            };
            // Claude Code loads skills and settings from the additional directories, so
            // the one part of `permissions` that is not a rule stays as it is.
            if f.editable.contains(&"permissions") && f.format == Format::Json {
                let dirs = |t: Option<&str>| {
                    t.and_then(|t| serde_json::from_str::<Value>(t).ok())
                        .and_then(|v| v.pointer("/permissions/additionalDirectories").cloned())
                };
                if dirs(before) != dirs(Some(after)) {
                    changed.push("`permissions.additionalDirectories`".into());
                }
            }
            if changed.is_empty() {
                Ok(())
            } else {
                Err(format!(
                    "it would change {} (only {} may change)",
                    changed.join(", "),
                    if f.editable.is_empty() {
                        "nothing".to_owned()
                    } else {
                        f.editable.join(", ")
                    }
                ))
            }
        }
        Guarded::ProjectConfig => {
            let before = before.ok_or("it would create a new guard configuration")?;
            if yaml(before)? == yaml(after)? {
                Ok(())
            } else {
                Err("it would change the guard's settings".into())
            }
        }
        Guarded::Manifest => {
            let before = before.ok_or("it would create a new manifest")?;
            let (b, a) = (yaml(before)?, yaml(after)?);
            let changed: Vec<&str> = [
                &["protected_paths"][..],
                &["paths", "state_root_default"],
                &["project", "name"],
            ]
            .iter()
            .filter(|k| pointer(&b, k) != pointer(&a, k))
            .map(|k| if k.len() == 1 { k[0] } else { k[1] })
            .collect();
            if changed.is_empty() {
                Ok(())
            } else {
                Err(format!("it would change {}", changed.join(", ")))
            }
        }
        Guarded::HookSource(d) if d.frontmatter => {
            let before = before.unwrap_or("");
            if frontmatter_runs(before)? != frontmatter_runs(after)? {
                Err("it would change the hooks or MCP servers its frontmatter declares".into())
            } else if shell_injections(before) != shell_injections(after) {
                Err("it would change the shell commands it runs when loaded (`!` commands)".into())
            } else {
                Ok(())
            }
        }
        _ => Err("no change to it is the agent's to make".into()),
    }
}

/// Frontmatter keys that make a host run a program: hooks, and MCP servers a subagent
/// starts.
const RUNS: [&str; 2] = ["hooks", "mcpServers"];

/// What a markdown file's YAML frontmatter declares under [`RUNS`] (`Null` each when
/// none). Read loosely, as a host might: a BOM, blank lines or CRLF before or around the
/// `---` fences; a fence that never closes, or frontmatter that does not parse, is
/// refused rather than guessed, and so is such a key spelled in a way the parse did not
/// see (another case, quotes).
fn frontmatter_runs(text: &str) -> Result<Vec<Value>, String> {
    let none = || vec![Value::Null; RUNS.len()];
    let text = text.trim_start_matches('\u{feff}').trim_start();
    let Some(rest) = text.strip_prefix("---") else {
        return Ok(none());
    };
    let mut lines = rest.split_inclusive('\n');
    let mut yaml_text = String::new();
    // The rest of the opening fence's line.
    if lines.next().is_some_and(|l| !l.trim().is_empty()) {
        return Err("its frontmatter's opening line is not a plain `---`".into());
    }
    for line in lines {
        if line.trim_end() != "---" {
            yaml_text.push_str(line);
            continue;
        }
        let value = yaml(&yaml_text)?;
        let mut found = Vec::new();
        for key in RUNS {
            let v = value.get(key).cloned().unwrap_or(Value::Null);
            let named = yaml_text.lines().any(|l| {
                let k = l
                    .trim_start()
                    .trim_start_matches(['"', '\'', '-', ' ', '?']);
                k.get(..key.len())
                    .is_some_and(|k| k.eq_ignore_ascii_case(key))
                    && k[key.len()..]
                        .trim_start_matches(['"', '\''])
                        .trim_start()
                        .starts_with(':')
            });
            if v.is_null() && named {
                return Err(format!(
                    "its frontmatter names {key} in a form the guard does not read"
                ));
            }
            found.push(v);
        }
        return Ok(found);
    }
    Err("its frontmatter is not closed".into())
}

/// The shell commands a skill or slash command runs when it is loaded, before any tool
/// call: each `` !`command` `` and each ```` ```! ```` block, in order.
fn shell_injections(text: &str) -> Vec<String> {
    let mut found = delimited(text, "!`", "`");
    // Fences are read loosely (any run of three or more backticks or tildes, blanks
    // before the `!`): a fence the host reads as a command block must never be missed.
    fn fence(t: &str) -> Option<&str> {
        let c = t.chars().next().filter(|c| *c == '`' || *c == '~')?;
        let rest = t.trim_start_matches(c);
        (t.len() - rest.len() >= 3).then_some(rest)
    }
    let mut block: Option<String> = None;
    for line in text.lines() {
        let t = line.trim_start();
        match &mut block {
            Some(b) if fence(t).is_some() => {
                found.push(std::mem::take(b));
                block = None;
            }
            Some(b) => {
                b.push_str(line);
                b.push('\n');
            }
            None if fence(t).is_some_and(|rest| rest.trim_start().starts_with('!')) => {
                block = Some(String::new());
            }
            None => {}
        }
    }
    if let Some(b) = block {
        found.push(b);
    }
    // Claude Code finds ```` ```! ```` blocks anywhere in the text, not only at a line's
    // start (`Setup: x```!` on one line).
    found.extend(delimited(text, "```!", "```"));
    // Compared as a set of commands: the same block found both ways counts once.
    let mut found: Vec<String> = found.iter().map(|c| c.trim().to_owned()).collect();
    found.sort();
    found.dedup();
    found
}

/// Each piece of `text` between `open` and the next `close` (or the end).
fn delimited(text: &str, open: &str, close: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(open) {
        let after = &rest[i + open.len()..];
        let end = after.find(close).unwrap_or(after.len());
        found.push(after[..end].to_owned());
        rest = &after[end..];
    }
    found
}

fn pointer<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().try_fold(v, |v, k| v.get(*k))
}

fn yaml(text: &str) -> Result<Value, String> {
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_saphyr::from_str::<Value>(text).map_err(|e| {
        format!(
            "the result would not parse as YAML ({})",
            e.to_string().lines().next().unwrap_or("")
        )
    })
}

fn json_changes(
    before: Option<&str>,
    after: &str,
    editable: &[&str],
) -> Result<Vec<String>, String> {
    let object = |text: &str, which: &str| -> Result<serde_json::Map<String, Value>, String> {
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(o)) => Ok(o),
            Ok(_) => Err(format!("the {which} content is not a JSON object")),
            Err(e) => Err(format!("the {which} content is not valid JSON ({e})")),
        }
    };
    let b = match before {
        Some(t) if !t.trim().is_empty() => object(t, "current")?,
        _ => serde_json::Map::new(),
    };
    let a = object(after, "new")?;
    let mut changed: Vec<String> = b
        .keys()
        .chain(a.keys())
        .filter(|k| !editable.contains(&k.as_str()) && b.get(*k) != a.get(*k))
        .map(|k| format!("`{k}`"))
        .collect();
    changed.dedup();
    Ok(changed)
}

fn toml_changes(
    before: Option<&str>,
    after: &str,
    editable: &[&str],
) -> Result<Vec<String>, String> {
    let parse = |text: &str, which: &str| {
        text.parse::<toml_edit::DocumentMut>()
            .map_err(|e| format!("the {which} content is not valid TOML ({e})"))
    };
    let b = parse(before.unwrap_or(""), "current")?;
    let a = parse(after, "new")?;
    let item = |d: &toml_edit::DocumentMut, k: &str| {
        d.get(k)
            .map(|i| i.to_string().split_whitespace().collect::<String>())
    };
    let mut changed: Vec<String> = b
        .iter()
        .map(|(k, _)| k.to_owned())
        .chain(a.iter().map(|(k, _)| k.to_owned()))
        .filter(|k| !editable.contains(&k.as_str()) && item(&b, k) != item(&a, k))
        .map(|k| format!("`{k}`"))
        .collect();
    changed.sort();
    changed.dedup();
    Ok(changed)
}

/// The file's content after `edit`, from its current text; `None` when it cannot be
/// known (a replacement that the tool itself would refuse, or an empty `old`).
pub(crate) fn apply(before: Option<&str>, edit: &Edit) -> Option<String> {
    match edit {
        Edit::Content(c) => Some(c.clone()),
        Edit::Replace(list) => {
            let mut text = before?.to_owned();
            for Replacement { old, new, all } in list {
                let count = if old.is_empty() {
                    0
                } else {
                    text.matches(old.as_str()).count()
                };
                if count == 0 || (count > 1 && !all) {
                    return None;
                }
                text = text.replace(old.as_str(), new);
            }
            Some(text)
        }
    }
}

/// The deny reason for a write that reaches a guarded path.
pub(crate) fn reason(
    how: &str,
    hit: &Hit,
    kind: Guarded,
    why: Option<&str>,
    flows: &str,
) -> String {
    let via = hit
        .via
        .as_deref()
        .map(|v| format!(" ({v})"))
        .unwrap_or_default();
    let why = why
        .map(|w| format!(" The change was refused because {w}."))
        .unwrap_or_default();
    format!(
        "Blocked by protected-path-write-guard: {how} would change `{shown}`{via}, which is \
         {what}. It keeps the agent's guard in place, so the agent may not change, move or \
         remove it, by any tool or command.{why} Leave it as it is and tell the operator what \
         change you need: the operator makes such changes themselves, or runs an approved \
         flow (WAZIR_APPROVED_FLOW={flows}).",
        shown = hit.shown,
        what = kind.describe(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_edits_may_touch_only_editable_keys() {
        let f = settings::kind_of(Path::new("/p/.claude/settings.json")).unwrap();
        let kind = Guarded::Settings(f);
        let before = r#"{"hooks":{"PreToolUse":[]},"permissions":{"allow":[]}}"#;
        let keeps = r#"{"hooks":{"PreToolUse":[]},"permissions":{"allow":["Bash(ls:*)"]}}"#;
        assert!(edit_keeps(kind, Some(before), keeps).is_ok());
        assert!(edit_keeps(kind, Some(before), "{}").is_err());
        assert!(
            edit_keeps(
                kind,
                Some(before),
                r#"{"hooks":{"PreToolUse":[]},"disableAllHooks":true}"#
            )
            .is_err()
        );
        assert!(edit_keeps(kind, Some(before), "not json").is_err());
        assert!(edit_keeps(kind, None, r#"{"permissions":{}}"#).is_ok());
        assert!(edit_keeps(kind, None, r#"{"env":{"WAZIR_APPROVED_FLOW":"x"}}"#).is_err());
    }

    #[test]
    fn manifest_edits_keep_protection_keys() {
        let before = "protected_paths: [roles]\nproject:\n  name: x\ndescription: a\n";
        let other = "protected_paths: [roles]\nproject:\n  name: x\ndescription: b\n";
        assert!(edit_keeps(Guarded::Manifest, Some(before), other).is_ok());
        let weaker = "protected_paths: []\nproject:\n  name: x\n";
        assert!(edit_keeps(Guarded::Manifest, Some(before), weaker).is_err());
        assert!(edit_keeps(Guarded::Manifest, None, before).is_err());
    }

    #[test]
    fn codex_config_keeps_everything_but_the_model() {
        let f = settings::kind_of(Path::new("/h/.codex/config.toml")).unwrap();
        let kind = Guarded::Settings(f);
        let before = "model = \"a\"\n[features]\nhooks = true\n";
        assert!(
            edit_keeps(
                kind,
                Some(before),
                "model = \"b\"\n[features]\nhooks = true\n"
            )
            .is_ok()
        );
        assert!(
            edit_keeps(
                kind,
                Some(before),
                "model = \"a\"\n[features]\nhooks = false\n"
            )
            .is_err()
        );
    }

    #[test]
    fn replacements_apply_like_the_tools() {
        let r = |old: &str, new: &str, all| Replacement {
            old: old.into(),
            new: new.into(),
            all,
        };
        let e = Edit::Replace(vec![r("a", "b", false)]);
        assert_eq!(apply(Some("xay"), &e).as_deref(), Some("xby"));
        assert_eq!(apply(Some("aa"), &e), None);
        assert_eq!(apply(Some("x"), &e), None);
        let all = Edit::Replace(vec![r("a", "b", true)]);
        assert_eq!(apply(Some("aa"), &all).as_deref(), Some("bb"));
    }

    #[test]
    fn frontmatter_hooks_are_read_as_a_host_would() {
        let hooks = |t: &str| frontmatter_runs(t).map(|v| v[0].clone());
        let none = Ok(vec![Value::Null, Value::Null]);
        assert_eq!(frontmatter_runs("# no frontmatter\nhooks: x\n"), none);
        assert_eq!(
            frontmatter_runs("---\nname: a\ndescription: git hooks\n---\n"),
            none
        );
        assert!(hooks("---\nname: a\nhooks: {Stop: []}\n---\n").is_ok_and(|v| !v.is_null()));
        assert!(hooks("\u{feff}\r\n---\r\nhooks: {}\r\n---\r\n").is_ok_and(|v| !v.is_null()));
        assert!(hooks("---\n\"Hooks\": {}\n---\n").is_err());
        assert!(hooks("---\nname: a\n").is_err());
        assert!(hooks("---\nname: [\n---\n").is_err());
        assert!(
            frontmatter_runs("---\nmcpServers:\n  - x: {command: sh}\n---\n")
                .is_ok_and(|v| !v[1].is_null())
        );
        assert!(frontmatter_runs("---\nMCPServers: {}\n---\n").is_err());
    }

    #[test]
    fn commands_a_skill_runs_when_loaded() {
        assert!(shell_injections("Use pdftotext.\n").is_empty());
        assert_eq!(
            shell_injections("Env: !`uname -a` and !`date`"),
            ["date", "uname -a"]
        );
        assert_eq!(shell_injections("```!\nrm -rf x\n```\n"), ["rm -rf x"]);
        assert_eq!(shell_injections("```!\nunclosed"), ["unclosed"]);
        assert_eq!(shell_injections("~~~!\nrm x\n~~~\n"), ["rm x"]);
        assert_eq!(shell_injections("````  !\nrm x\n````\n"), ["rm x"]);
        assert!(shell_injections("```sh\nrm x\n```\n").is_empty());
        assert_eq!(
            shell_injections("Setup: x```!\nrm -rf roles\n```"),
            ["rm -rf roles"]
        );
    }

    #[test]
    fn partial_names_that_could_spell_a_guarded_file() {
        assert!(partial_by_name(Some(Path::new("/p")), "wazir.", "").is_some());
        assert!(partial_by_name(Some(Path::new("/p/.claude")), "", ".json").is_some());
        assert!(partial_by_name(Some(Path::new("/p/src")), "", ".rs").is_none());
        assert!(partial_by_name(Some(Path::new("/p/src")), "", "").is_none());
        assert!(partial_by_name(None, "", "").is_some());
        assert!(partial_by_name(Some(Path::new("/p/.claude")), "", "").is_some());
        assert!(partial_by_name(Some(Path::new("/h/.claude/skills/x")), "", "").is_some());
        assert!(partial_by_name(Some(Path::new("/p")), ".mcp", "").is_some());
    }
}
