//! Configuration (SPEC §4): the Wazir manifest (`wazir.manifest.yaml`, the original's
//! format, which the original's own tests write as JSON) and this product's
//! `wazir.hooks.yaml`, merged with the user policy (`~/.config/wazir-hooks/hooks.yaml`,
//! same keys, plus `credentials`), which applies in every project and which a project can
//! only tighten (README, "User policy"). Errors name the file, the line and the key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::ConfigError;

pub const MANIFEST_FILE: &str = "wazir.manifest.yaml";
pub const HOOKS_FILE: &str = "wazir.hooks.yaml";

/// The flows that may write protected paths unless `approved_flows` says otherwise.
pub const DEFAULT_APPROVED_FLOWS: [&str; 2] = ["host_export_regeneration", "pipeline_integration"];

/// What a guard answers when it cannot evaluate a call.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum OnError {
    #[default]
    Deny,
    Allow,
}

/// `wazir.hooks.yaml`. Every key is optional; unknown keys are errors.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HooksFile {
    pub protected_paths: Option<Vec<String>>,
    pub approved_flows: Option<Vec<String>>,
    pub on_error: Option<OnError>,
    pub loop_caps: Option<LoopCaps>,
    pub capture: Option<Capture>,
    pub session_start: Option<SessionStart>,
    /// What other tools write: `name → {read_only | writes: [argument names]}`.
    pub tools: Option<BTreeMap<String, ToolDecl>>,
    /// The user policy only: the credential paths protected in every project, replacing
    /// the built-in list ([`BUILTIN_CREDENTIALS`]); `[]` protects none.
    pub credentials: Option<Vec<String>>,
}

/// A user's declaration of what a tool the guard does not know writes (`tools:`).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ToolDecl {
    /// The tool only reads: allowed whatever its input names.
    pub read_only: Option<bool>,
    /// The names of the input fields that hold paths the tool writes.
    pub writes: Option<Vec<String>>,
}

/// Credentials protected in every project unless the user policy's `credentials` says
/// otherwise. Reading them stays allowed: the guard only stops writes.
pub const BUILTIN_CREDENTIALS: [&str; 11] = [
    "~/.ssh",
    "~/.aws",
    "~/.gnupg",
    "~/.netrc",
    "~/.git-credentials",
    "~/.docker/config.json",
    "~/.kube/config",
    "~/.config/gh",
    "~/.npmrc",
    "~/.pypirc",
    "~/.cargo/credentials.toml",
];

/// The user policy file: `$XDG_CONFIG_HOME/wazir-hooks/hooks.yaml`, else
/// `~/.config/wazir-hooks/hooks.yaml` (on every platform: one place to document).
pub fn user_policy_path() -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    env("XDG_CONFIG_HOME")
        .filter(|p| p.is_absolute())
        .or_else(|| env("HOME").map(|h| h.join(".config")))
        .map(|c| c.join("wazir-hooks").join("hooks.yaml"))
}

/// `loop_caps` (SPEC §5).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoopCaps {
    pub default: Option<u32>,
    pub phases: Option<BTreeMap<String, u32>>,
    pub max_repeated_failures: Option<u32>,
    pub max_identical_calls: Option<u32>,
    pub max_tool_calls: Option<u32>,
    pub max_continuations: Option<u32>,
}

/// `capture`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Capture {
    pub noisy_commands: Option<Vec<String>>,
    pub inline_max_bytes: Option<u64>,
    pub offload_over_bytes: Option<u64>,
    pub keep_runs: Option<u32>,
    pub redact: Option<Vec<String>>,
}

/// `session_start`: what to inject, and how much.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionStart {
    pub skill_bootstrap: Option<bool>,
    pub handoff: Option<bool>,
    pub summary: Option<bool>,
    pub max_chars: Option<u32>,
}

/// The few manifest keys this product honours. The manifest's own schema owns the rest,
/// so other keys are ignored here rather than refused.
#[derive(Debug, Default, Deserialize)]
struct Manifest {
    protected_paths: Option<Vec<String>>,
    project: Option<ManifestProject>,
    paths: Option<ManifestPaths>,
}

#[derive(Debug, Default, Deserialize)]
struct ManifestProject {
    name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct ManifestPaths {
    state_root_default: Option<String>,
}

/// Where a setting of a project's effective policy comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// This product's defaults: the built-in credentials ([`BUILTIN_CREDENTIALS`]),
    /// `on_error: deny`, the default approved flows and loop caps.
    Builtin,
    /// The user policy ([`user_policy_path`]).
    User,
    /// The project's `wazir.manifest.yaml`.
    Manifest,
    /// The project's `wazir.hooks.yaml`.
    Project,
}

impl Source {
    /// The short name `wazir-hooks policy` shows (`built-in`, `user`, `manifest`, `project`).
    pub fn name(self) -> &'static str {
        match self {
            Source::Builtin => "built-in",
            Source::User => "user",
            Source::Manifest => "manifest",
            Source::Project => "project",
        }
    }
}

/// The user policy's text and the file it was read from, for
/// [`Config::from_texts_with_user`].
#[derive(Clone, Copy, Debug)]
pub struct UserPolicy<'a> {
    pub path: &'a Path,
    pub text: &'a str,
}

/// A project's configuration: the user policy, the manifest and `wazir.hooks.yaml` merged
/// so that a project can only tighten what the user policy says (README, "User policy").
#[derive(Clone, Debug)]
pub struct Config {
    /// The project root the files were found in (or the discovered root without them).
    pub root: PathBuf,
    /// Protected entries: the built-in credentials (or the user policy's `credentials`),
    /// the user policy's `protected_paths`, the manifest's, then `wazir.hooks.yaml`'s.
    pub protected_paths: Vec<String>,
    /// Each of `protected_paths` (same order) with where it comes from.
    pub entry_sources: Vec<(String, Source)>,
    pub approved_flows: Vec<String>,
    /// Who set `approved_flows`: `[Builtin]`, `[User]`, `[Project]`, or `[User, Project]`
    /// (the project's list narrowed to the user's).
    pub approved_flows_sources: Vec<Source>,
    pub on_error: OnError,
    /// Who set `on_error` (`Builtin`: nobody, the default `deny`).
    pub on_error_source: Source,
    pub project_name: Option<String>,
    pub state_root_default: Option<String>,
    /// The effective settings as one file: `loop_caps` (the user's caps as maxima),
    /// `capture` and `session_start` (the project's values over the user's, `redact`
    /// patterns from both), and the protection keys as the fields above hold them.
    pub hooks: HooksFile,
    /// Who set each effective loop cap: `default`, `phases.<phase>`,
    /// `max_repeated_failures`, `max_identical_calls`, `max_tool_calls`,
    /// `max_continuations`. A cap missing here is the built-in default.
    pub loop_cap_sources: BTreeMap<String, Source>,
    /// Tool declarations (`tools:`), the user policy's and the project's.
    pub tools: BTreeMap<String, ToolDecl>,
    /// Who declared each of `tools` (`User` or `Project`).
    pub tool_sources: BTreeMap<String, Source>,
    /// The user policy file that was read, if there was one.
    pub user_policy: Option<PathBuf>,
    /// The files that were read, for messages: the user policy, the manifest,
    /// `wazir.hooks.yaml`.
    pub sources: Vec<PathBuf>,
    /// What the project asked for that the user policy overrode, in words
    /// (`wazir-hooks policy` shows them).
    pub overridden: Vec<String>,
}

impl Config {
    /// Finds the project root from `cwd` (SPEC §4) and loads its configuration.
    pub fn discover(cwd: &Path) -> Result<Config, ConfigError> {
        Config::load(&find_root(cwd))
    }

    /// Nothing configured: the defaults, for a project rooted at `root`. The built-in
    /// credentials are protected.
    pub fn empty(root: &Path) -> Config {
        merge(root, None, None, None)
    }

    /// Loads the configuration of the project rooted at `root`, with the user policy. A
    /// user policy that does not load is an error, as a project file that does not load
    /// is: the guards then deny.
    pub fn load(root: &Path) -> Result<Config, ConfigError> {
        let user = read_user_policy()?;
        Config::load_with(
            root,
            user.as_ref().map(|(path, text)| UserPolicy { path, text }),
        )
    }

    /// Loads the project's two files and merges them with `user` (already read).
    pub fn load_with(root: &Path, user: Option<UserPolicy<'_>>) -> Result<Config, ConfigError> {
        let manifest = read_optional(&root.join(MANIFEST_FILE))?;
        let hooks = read_optional(&root.join(HOOKS_FILE))?;
        Config::from_texts_with_user(root, manifest.as_deref(), hooks.as_deref(), user)
    }

    /// The configuration of the project rooted at `root`, from the texts of its two files
    /// (`None` for a file that does not exist), without touching the disk, and without a
    /// user policy (the built-in credentials are protected).
    pub fn from_texts(
        root: &Path,
        manifest_text: Option<&str>,
        hooks_text: Option<&str>,
    ) -> Result<Config, ConfigError> {
        Config::from_texts_with_user(root, manifest_text, hooks_text, None)
    }

    /// [`Config::from_texts`] with the user policy's text, merged the way
    /// [`Config::load`] merges it.
    pub fn from_texts_with_user(
        root: &Path,
        manifest_text: Option<&str>,
        hooks_text: Option<&str>,
        user: Option<UserPolicy<'_>>,
    ) -> Result<Config, ConfigError> {
        let user = match user {
            Some(u) => Some((u.path.to_path_buf(), parse_policy(u.path, u.text, true)?)),
            None => None,
        };
        let manifest = match manifest_text {
            Some(text) => {
                let path = root.join(MANIFEST_FILE);
                let manifest: Manifest = parse_yaml(&path, text)?;
                let entries = manifest.protected_paths.as_deref().unwrap_or_default();
                check_entries(&path, text, "protected_paths", entries)?;
                Some(manifest)
            }
            None => None,
        };
        let project = match hooks_text {
            Some(text) => Some(parse_policy(&root.join(HOOKS_FILE), text, false)?),
            None => None,
        };
        Ok(merge(root, user, manifest, project))
    }

    /// The file a source stands for (`None` for the built-in defaults).
    pub fn source_file(&self, source: Source) -> Option<PathBuf> {
        match source {
            Source::Builtin => None,
            Source::User => self.user_policy.clone(),
            Source::Manifest => Some(self.root.join(MANIFEST_FILE)),
            Source::Project => Some(self.root.join(HOOKS_FILE)),
        }
    }

    /// Where the protected entry `entry` comes from (the first place that sets it).
    pub fn entry_source(&self, entry: &str) -> Option<Source> {
        self.entry_sources
            .iter()
            .find(|(e, _)| e == entry)
            .map(|(_, s)| *s)
    }

    /// Where `entry` comes from, as a deny reason says it: `(built-in credentials)`,
    /// `in the user policy (~/.config/wazir-hooks/hooks.yaml)`, `in wazir.hooks.yaml`.
    pub fn entry_origin(&self, entry: &str) -> String {
        match self.entry_source(entry) {
            Some(Source::Builtin) => "(built-in credentials)".into(),
            Some(Source::User) => format!(
                "in the user policy ({})",
                self.user_policy.as_deref().map_or_else(String::new, shown)
            ),
            Some(Source::Manifest) => format!("in {MANIFEST_FILE}"),
            Some(Source::Project) => format!("in {HOOKS_FILE}"),
            None => format!(
                "in {}",
                self.sources
                    .iter()
                    .filter_map(|s| s.file_name())
                    .map(|s| s.to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join(" / ")
            ),
        }
    }
}

/// `path` as a person reads it: `~/…` under the home directory.
pub fn shown(path: &Path) -> String {
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from);
    match home.as_deref().and_then(|h| path.strip_prefix(h).ok()) {
        Some(rest) if !rest.as_os_str().is_empty() => format!("~/{}", rest.display()),
        _ => path.display().to_string(),
    }
}

/// The user policy's path and text: `None` when there is no file (or no home directory
/// to look in); an error when the file exists but cannot be read.
pub fn read_user_policy() -> Result<Option<(PathBuf, String)>, ConfigError> {
    let Some(path) = user_policy_path() else {
        return Ok(None);
    };
    Ok(read_optional(&path)?.map(|text| (path, text)))
}

/// Parses and checks a user policy (`user`) or a project's `wazir.hooks.yaml`: the same
/// keys and checks, except that `credentials` belongs only in the user policy.
pub fn parse_policy(path: &Path, text: &str, user: bool) -> Result<HooksFile, ConfigError> {
    let file: HooksFile = parse_yaml(path, text)?;
    if let Some(entries) = &file.protected_paths {
        check_entries(path, text, "protected_paths", entries)?;
    }
    if let Some(entries) = &file.credentials {
        if !user {
            let home = user_policy_path().map_or_else(
                || "~/.config/wazir-hooks/hooks.yaml".to_owned(),
                |p| shown(&p),
            );
            return Err(invalid(
                path,
                text,
                "credentials",
                format!(
                    "belongs in the user policy ({home}), not in a project's {HOOKS_FILE}: \
                     a project cannot change which credentials are protected (add entries \
                     to protected_paths instead)"
                ),
            ));
        }
        check_entries(path, text, "credentials", entries)?;
    }
    if let Some(max) = file.session_start.as_ref().and_then(|s| s.max_chars)
        && max > 10_000
    {
        return Err(invalid(
            path,
            text,
            "max_chars",
            format!("must be at most 10000 (hosts cap injected context there), got {max}"),
        ));
    }
    for pattern in file.capture.iter().flat_map(|c| c.redact.iter().flatten()) {
        if let Err(e) = regex::Regex::new(pattern) {
            return Err(invalid(
                path,
                text,
                "redact",
                format!("`{pattern}` is not a valid regular expression: {e}"),
            ));
        }
    }
    Ok(file)
}

/// Merges the user policy, the manifest and the project's `wazir.hooks.yaml` (each
/// already checked) by the precedence rules: protected entries add up; `on_error`,
/// `approved_flows`, `loop_caps` and `tools` can only be tightened by the project;
/// `capture` and `session_start` take the project's values over the user's.
fn merge(
    root: &Path,
    user: Option<(PathBuf, HooksFile)>,
    manifest: Option<Manifest>,
    project: Option<HooksFile>,
) -> Config {
    let (user_path, u) = match user {
        Some((path, file)) => (Some(path), Some(file)),
        None => (None, None),
    };
    let p = project.as_ref();
    let mut overridden = Vec::new();

    let mut entry_sources: Vec<(String, Source)> =
        match u.as_ref().and_then(|u| u.credentials.as_ref()) {
            Some(list) => list.iter().map(|e| (e.clone(), Source::User)).collect(),
            None => BUILTIN_CREDENTIALS
                .iter()
                .map(|e| ((*e).to_owned(), Source::Builtin))
                .collect(),
        };
    for (list, source) in [
        (
            u.as_ref().and_then(|u| u.protected_paths.as_ref()),
            Source::User,
        ),
        (
            manifest.as_ref().and_then(|m| m.protected_paths.as_ref()),
            Source::Manifest,
        ),
        (p.and_then(|p| p.protected_paths.as_ref()), Source::Project),
    ] {
        entry_sources.extend(list.into_iter().flatten().map(|e| (e.clone(), source)));
    }
    let protected_paths: Vec<String> = entry_sources.iter().map(|(e, _)| e.clone()).collect();

    let user_on_error = u.as_ref().and_then(|u| u.on_error);
    let project_on_error = p.and_then(|p| p.on_error);
    let (on_error, on_error_source) = match (user_on_error, project_on_error) {
        (Some(OnError::Allow), Some(v)) => (v, Source::Project),
        (Some(OnError::Allow), None) => (OnError::Allow, Source::User),
        (Some(OnError::Deny), _) => (OnError::Deny, Source::User),
        (None, Some(OnError::Deny)) => (OnError::Deny, Source::Project),
        (None, _) => (OnError::Deny, Source::Builtin),
    };
    if on_error == OnError::Deny && project_on_error == Some(OnError::Allow) {
        overridden.push(format!(
            "{HOOKS_FILE}: `on_error: allow` is ignored: only the user policy can let guards \
             allow what they cannot evaluate"
        ));
    }

    let user_flows = u.as_ref().and_then(|u| u.approved_flows.as_ref());
    let project_flows = p.and_then(|p| p.approved_flows.as_ref());
    let (approved_flows, approved_flows_sources) = match (user_flows, project_flows) {
        (Some(user), Some(project)) => {
            for flow in project.iter().filter(|f| !user.contains(f)) {
                overridden.push(format!(
                    "{HOOKS_FILE}: approved flow `{flow}` is ignored: the user policy does not \
                     approve it"
                ));
            }
            let both = project
                .iter()
                .filter(|f| user.contains(f))
                .cloned()
                .collect();
            (both, vec![Source::User, Source::Project])
        }
        (Some(user), None) => (user.clone(), vec![Source::User]),
        (None, Some(project)) => (project.clone(), vec![Source::Project]),
        (None, None) => (
            DEFAULT_APPROVED_FLOWS.map(String::from).to_vec(),
            vec![Source::Builtin],
        ),
    };

    let mut tools = BTreeMap::new();
    let mut tool_sources = BTreeMap::new();
    for (name, decl) in u
        .as_ref()
        .and_then(|u| u.tools.as_ref())
        .into_iter()
        .flatten()
    {
        tools.insert(name.clone(), decl.clone());
        tool_sources.insert(name.clone(), Source::User);
    }
    for (name, decl) in p.and_then(|p| p.tools.as_ref()).into_iter().flatten() {
        if tools.contains_key(name) {
            overridden.push(format!(
                "{HOOKS_FILE}: tools.{name} is ignored: the user policy declares `{name}`"
            ));
        } else {
            tools.insert(name.clone(), decl.clone());
            tool_sources.insert(name.clone(), Source::Project);
        }
    }

    let mut loop_cap_sources = BTreeMap::new();
    let loop_caps = merge_loop_caps(
        u.as_ref().and_then(|u| u.loop_caps.as_ref()),
        p.and_then(|p| p.loop_caps.as_ref()),
        &mut loop_cap_sources,
        &mut overridden,
    );

    let hooks = HooksFile {
        protected_paths: Some(protected_paths.clone()),
        approved_flows: Some(approved_flows.clone()),
        on_error: Some(on_error),
        loop_caps,
        capture: merge_capture(
            u.as_ref().and_then(|u| u.capture.as_ref()),
            p.and_then(|p| p.capture.as_ref()),
        ),
        session_start: merge_session_start(
            u.as_ref().and_then(|u| u.session_start.as_ref()),
            p.and_then(|p| p.session_start.as_ref()),
        ),
        tools: Some(tools.clone()),
        credentials: u.as_ref().and_then(|u| u.credentials.clone()),
    };

    let mut sources = Vec::new();
    sources.extend(user_path.clone());
    if manifest.is_some() {
        sources.push(root.join(MANIFEST_FILE));
    }
    if project.is_some() {
        sources.push(root.join(HOOKS_FILE));
    }
    let (project_name, state_root_default) = match manifest {
        Some(m) => (
            m.project.and_then(|p| p.name),
            m.paths.and_then(|p| p.state_root_default),
        ),
        None => (None, None),
    };
    Config {
        root: root.to_path_buf(),
        protected_paths,
        entry_sources,
        approved_flows,
        approved_flows_sources,
        on_error,
        on_error_source,
        project_name,
        state_root_default,
        hooks,
        loop_cap_sources,
        tools,
        tool_sources,
        user_policy: user_path,
        sources,
        overridden,
    }
}

/// The effective loop caps: the user's caps are maxima. Where both set a cap the lower
/// wins (the project's on a tie); where one does, that one. A phase's cap on each side
/// is its `phases.<phase>`, else its `default`, so a user's `default` bounds every phase
/// a project names. For `max_tool_calls`, 0 means off: a user's non-zero cap bounds a
/// project's 0, and a user's 0 bounds nothing.
fn merge_loop_caps(
    user: Option<&LoopCaps>,
    project: Option<&LoopCaps>,
    sources: &mut BTreeMap<String, Source>,
    overridden: &mut Vec<String>,
) -> Option<LoopCaps> {
    if user.is_none() && project.is_none() {
        return None;
    }
    let u = user.cloned().unwrap_or_default();
    let p = project.cloned().unwrap_or_default();
    // `noted`: the project wrote this cap itself, so lowering it is worth saying.
    let mut pick = |key: &str, uv: Option<u32>, pv: Option<u32>, noted: bool| match (uv, pv) {
        (None, None) => None,
        (Some(u), None) => {
            sources.insert(key.to_owned(), Source::User);
            Some(u)
        }
        // For max_tool_calls a project's 0 is off, above every cap.
        (Some(u), Some(p)) if u < p || (key == "max_tool_calls" && p == 0) => {
            sources.insert(key.to_owned(), Source::User);
            if noted {
                let shown = if p == 0 && key == "max_tool_calls" {
                    "0 (off)".to_owned()
                } else {
                    p.to_string()
                };
                overridden.push(format!(
                    "{HOOKS_FILE}: loop_caps.{key}: {shown} is lowered to the user policy's \
                     maximum, {u}"
                ));
            }
            Some(u)
        }
        (_, Some(p)) => {
            sources.insert(key.to_owned(), Source::Project);
            Some(p)
        }
    };
    let mut out = LoopCaps {
        default: pick("default", u.default, p.default, true),
        phases: None,
        max_repeated_failures: pick(
            "max_repeated_failures",
            u.max_repeated_failures,
            p.max_repeated_failures,
            true,
        ),
        max_identical_calls: pick(
            "max_identical_calls",
            u.max_identical_calls,
            p.max_identical_calls,
            true,
        ),
        max_tool_calls: None,
        max_continuations: pick(
            "max_continuations",
            u.max_continuations,
            p.max_continuations,
            true,
        ),
    };
    // A user's 0 (off) bounds nothing when the project sets the cap.
    let user_calls = match (u.max_tool_calls, p.max_tool_calls) {
        (Some(0), Some(_)) => None,
        (uc, _) => uc,
    };
    out.max_tool_calls = pick("max_tool_calls", user_calls, p.max_tool_calls, true);
    let side = |caps: &LoopCaps, phase: &str| {
        caps.phases
            .as_ref()
            .and_then(|m| m.get(phase))
            .copied()
            .or(caps.default)
    };
    let names: std::collections::BTreeSet<&String> = u
        .phases
        .iter()
        .chain(p.phases.iter())
        .flat_map(BTreeMap::keys)
        .collect();
    let mut phases = BTreeMap::new();
    for name in names {
        let noted = p.phases.as_ref().is_some_and(|m| m.contains_key(name));
        let key = format!("phases.{name}");
        if let Some(cap) = pick(&key, side(&u, name), side(&p, name), noted) {
            phases.insert(name.clone(), cap);
        }
    }
    if !phases.is_empty() || u.phases.is_some() || p.phases.is_some() {
        out.phases = Some(phases);
    }
    Some(out)
}

/// `capture`: the project's values over the user's, but `redact` patterns from both (a
/// pattern only ever masks more).
fn merge_capture(user: Option<&Capture>, project: Option<&Capture>) -> Option<Capture> {
    let (u, p) = match (user, project) {
        (None, None) => return None,
        (Some(u), None) => return Some(u.clone()),
        (None, Some(p)) => return Some(p.clone()),
        (Some(u), Some(p)) => (u, p),
    };
    let redact = match (&u.redact, &p.redact) {
        (Some(a), Some(b)) => {
            let mut all = a.clone();
            all.extend(b.iter().filter(|x| !a.contains(x)).cloned());
            Some(all)
        }
        (a, b) => b.clone().or_else(|| a.clone()),
    };
    Some(Capture {
        noisy_commands: p
            .noisy_commands
            .clone()
            .or_else(|| u.noisy_commands.clone()),
        inline_max_bytes: p.inline_max_bytes.or(u.inline_max_bytes),
        offload_over_bytes: p.offload_over_bytes.or(u.offload_over_bytes),
        keep_runs: p.keep_runs.or(u.keep_runs),
        redact,
    })
}

/// `session_start`: the project's values over the user's.
fn merge_session_start(
    user: Option<&SessionStart>,
    project: Option<&SessionStart>,
) -> Option<SessionStart> {
    match (user, project) {
        (None, None) => None,
        (Some(u), None) => Some(u.clone()),
        (None, Some(p)) => Some(p.clone()),
        (Some(u), Some(p)) => Some(SessionStart {
            skill_bootstrap: p.skill_bootstrap.or(u.skill_bootstrap),
            handoff: p.handoff.or(u.handoff),
            summary: p.summary.or(u.summary),
            max_chars: p.max_chars.or(u.max_chars),
        }),
    }
}

/// Whether `root` holds a Wazir configuration file of its own.
pub fn is_configured(root: &Path) -> bool {
    [MANIFEST_FILE, HOOKS_FILE]
        .iter()
        .any(|f| root.join(f).symlink_metadata().is_ok())
}

/// The nearest ancestor of `cwd` holding a Wazir configuration file, else the nearest git
/// root, else `cwd` itself.
pub fn find_root(cwd: &Path) -> PathBuf {
    let has = |dir: &Path, name: &str| dir.join(name).symlink_metadata().is_ok();
    cwd.ancestors()
        .find(|d| has(d, MANIFEST_FILE) || has(d, HOOKS_FILE))
        .or_else(|| cwd.ancestors().find(|d| has(d, ".git")))
        .unwrap_or(cwd)
        .to_path_buf()
}

fn read_optional(path: &Path) -> Result<Option<String>, ConfigError> {
    match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| ConfigError::Io {
                file: path.to_path_buf(),
                message: "not UTF-8".into(),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ConfigError::Io {
            file: path.to_path_buf(),
            message: e.to_string(),
        }),
    }
}

fn parse_yaml<T: for<'de> Deserialize<'de> + Default>(
    path: &Path,
    text: &str,
) -> Result<T, ConfigError> {
    if text.trim().is_empty() {
        return Ok(T::default());
    }
    serde_saphyr::from_str(text).map_err(|e| {
        let full = e.to_string();
        let message = full.lines().next().unwrap_or("").trim().to_owned();
        let line = line_of(&message).unwrap_or(1);
        let key = backticked_field(&message).unwrap_or_else(|| key_at_line(text, line));
        let message = without_position(&message);
        ConfigError::Invalid {
            file: path.to_path_buf(),
            line,
            key,
            message,
        }
    })
}

fn invalid(path: &Path, text: &str, key: &str, message: String) -> ConfigError {
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with(&format!("{key}:")))
        .map_or(1, |i| i + 1);
    ConfigError::Invalid {
        file: path.to_path_buf(),
        line,
        key: key_at_line(text, line),
        message,
    }
}

/// Refuses protected entries (under `key`) that cannot mean anything (empty strings,
/// broken globs).
fn check_entries(
    path: &Path,
    text: &str,
    key: &str,
    entries: &[String],
) -> Result<(), ConfigError> {
    for entry in entries {
        if entry.trim().is_empty() {
            return Err(invalid(path, text, key, "an entry is empty".into()));
        }
        if super::paths::is_glob(entry)
            && let Err(e) = globset::GlobBuilder::new(entry).build()
        {
            return Err(invalid(
                path,
                text,
                key,
                format!("`{entry}` is not a valid glob: {e}"),
            ));
        }
    }
    Ok(())
}

/// A YAML error message without its `error: line N column M: ` head (the line is
/// reported on its own).
pub(crate) fn without_position(message: &str) -> String {
    message
        .strip_prefix("error: ")
        .unwrap_or(message)
        .split_once(": ")
        .filter(|(head, _)| head.starts_with("line "))
        .map_or(message.to_owned(), |(_, rest)| rest.to_owned())
}

pub(crate) fn line_of(message: &str) -> Option<usize> {
    let rest = &message[message.find("line ")? + 5..];
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

pub(crate) fn backticked_field(message: &str) -> Option<String> {
    let start = message.find("field `")? + 7;
    let len = message[start..].find('`')?;
    Some(message[start..start + len].to_owned())
}

/// The dotted key path of the mapping key on `line` (1-based), found by indentation.
pub(crate) fn key_at_line(text: &str, line: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let key_of = |l: &str| -> Option<(usize, String)> {
        let indent = l.len() - l.trim_start().len();
        let body = l.trim_start().trim_start_matches("- ");
        let (key, _) = body.split_once(':')?;
        let key = key.trim().trim_matches('"').trim_matches('\'');
        (!key.is_empty() && !key.contains(' ')).then(|| (indent, key.to_owned()))
    };
    let mut path = Vec::new();
    let mut limit = usize::MAX;
    for l in lines.iter().take(line.max(1)).rev() {
        if let Some((indent, key)) = key_of(l)
            && indent < limit
        {
            path.push(key);
            limit = indent;
            if indent == 0 {
                break;
            }
        }
    }
    path.reverse();
    if path.is_empty() {
        "(document)".into()
    } else {
        path.join(".")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_paths_follow_indentation() {
        let text = "on_error: deny\nloop_caps:\n  phases:\n    review: x\n";
        assert_eq!(key_at_line(text, 4), "loop_caps.phases.review");
        assert_eq!(key_at_line(text, 1), "on_error");
    }

    #[test]
    fn wrong_type_names_file_line_and_key() {
        let err = parse_yaml::<HooksFile>(Path::new("w.yaml"), "loop_caps:\n  default: x\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("w.yaml:2: loop_caps.default:"), "{err}");
    }

    #[test]
    fn unknown_key_is_named() {
        let err = parse_yaml::<HooksFile>(Path::new("w.yaml"), "protected_paths: []\nbogus: 1\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("w.yaml:2: bogus:"), "{err}");
    }

    fn with_user(user: &str, hooks: Option<&str>) -> Result<Config, ConfigError> {
        let u = UserPolicy {
            path: Path::new("/home/u/.config/wazir-hooks/hooks.yaml"),
            text: user,
        };
        Config::from_texts_with_user(Path::new("/p"), None, hooks, Some(u))
    }

    #[test]
    fn credentials_are_built_in_unless_the_user_policy_replaces_them() {
        let c =
            Config::from_texts(Path::new("/p"), None, Some("protected_paths: [roles]\n")).unwrap();
        assert_eq!(c.protected_paths.len(), BUILTIN_CREDENTIALS.len() + 1);
        assert_eq!(c.entry_source("~/.ssh"), Some(Source::Builtin));
        assert_eq!(c.entry_source("roles"), Some(Source::Project));
        let c = with_user(
            "credentials: []\nprotected_paths: [vault]\n",
            Some("protected_paths: []\n"),
        )
        .unwrap();
        assert_eq!(c.entry_sources, [("vault".to_owned(), Source::User)]);
        let c = with_user("credentials: [~/.ssh/id_ed25519]\n", None).unwrap();
        assert_eq!(c.protected_paths, ["~/.ssh/id_ed25519"]);
        let origin = c.entry_origin("~/.ssh/id_ed25519");
        assert!(
            origin.starts_with("in the user policy (")
                && origin.ends_with("wazir-hooks/hooks.yaml)"),
            "{origin}"
        );
    }

    #[test]
    fn credentials_in_a_project_file_are_an_error() {
        let err = Config::from_texts(
            Path::new("/p"),
            None,
            Some("on_error: deny\ncredentials: []\n"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("/p/wazir.hooks.yaml:2: credentials: belongs in the user policy"),
            "{err}"
        );
    }

    #[test]
    fn a_user_policy_is_checked_like_a_project_file() {
        let err = with_user("loop_caps:\n  default: x\n", None)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("/home/u/.config/wazir-hooks/hooks.yaml:2: loop_caps.default:"),
            "{err}"
        );
        let err = with_user("credentials: [\"\"]\n", None)
            .unwrap_err()
            .to_string();
        assert!(err.contains(":1: credentials: an entry is empty"), "{err}");
    }

    #[test]
    fn on_error_can_only_be_relaxed_by_the_user() {
        let project = Some("on_error: allow\n");
        let c = Config::from_texts(Path::new("/p"), None, project).unwrap();
        assert_eq!(
            (c.on_error, c.on_error_source),
            (OnError::Deny, Source::Builtin)
        );
        assert_eq!(c.overridden.len(), 1);
        let c = with_user("on_error: deny\n", project).unwrap();
        assert_eq!(
            (c.on_error, c.on_error_source),
            (OnError::Deny, Source::User)
        );
        let c = with_user("on_error: allow\n", None).unwrap();
        assert_eq!(
            (c.on_error, c.on_error_source),
            (OnError::Allow, Source::User)
        );
        let c = with_user("on_error: allow\n", Some("on_error: deny\n")).unwrap();
        assert_eq!(
            (c.on_error, c.on_error_source),
            (OnError::Deny, Source::Project)
        );
    }

    #[test]
    fn approved_flows_are_narrowed_never_widened() {
        let c = with_user("approved_flows: [a, b]\n", Some("approved_flows: [b, c]\n")).unwrap();
        assert_eq!(c.approved_flows, ["b"]);
        assert_eq!(c.approved_flows_sources, [Source::User, Source::Project]);
        let c = with_user("approved_flows: [a]\n", None).unwrap();
        assert_eq!(c.approved_flows, ["a"]);
        let c = with_user("{}\n", Some("approved_flows: [c]\n")).unwrap();
        assert_eq!(c.approved_flows, ["c"]);
    }

    #[test]
    fn user_loop_caps_are_maxima() {
        let c = with_user(
            "loop_caps:\n  default: 5\n  max_tool_calls: 100\n  max_identical_calls: 3\n  phases:\n    review: 20\n",
            Some("loop_caps:\n  default: 8\n  max_tool_calls: 0\n  max_identical_calls: 2\n  max_continuations: 9\n  phases:\n    build: 7\n    review: 30\n"),
        )
        .unwrap();
        let lc = c.hooks.loop_caps.clone().unwrap();
        assert_eq!(lc.default, Some(5));
        assert_eq!(lc.max_tool_calls, Some(100));
        assert_eq!(lc.max_identical_calls, Some(2));
        assert_eq!(lc.max_continuations, Some(9));
        let phases = lc.phases.unwrap();
        // The user's default bounds a phase the project names; the user's own phase cap
        // is the maximum for that phase.
        assert_eq!(phases["build"], 5);
        assert_eq!(phases["review"], 20);
        let src = &c.loop_cap_sources;
        assert_eq!(src["default"], Source::User);
        assert_eq!(src["max_identical_calls"], Source::Project);
        assert_eq!(src["max_tool_calls"], Source::User);
        assert_eq!(src["phases.build"], Source::User);
        // A user's 0 (off) bounds nothing.
        let c = with_user(
            "loop_caps:\n  max_tool_calls: 0\n",
            Some("loop_caps:\n  max_tool_calls: 40\n"),
        )
        .unwrap();
        assert_eq!(c.hooks.loop_caps.unwrap().max_tool_calls, Some(40));
    }

    #[test]
    fn project_tools_and_settings_merge_under_the_users() {
        let c = with_user(
            "tools:\n  fmt: {read_only: true}\ncapture:\n  keep_runs: 3\n  redact: [a]\nsession_start:\n  handoff: false\n",
            Some("tools:\n  fmt: {writes: [path]}\n  gen: {writes: [out]}\ncapture:\n  keep_runs: 9\n  redact: [b]\n"),
        )
        .unwrap();
        assert_eq!(c.tools["fmt"].read_only, Some(true));
        assert_eq!(c.tool_sources["fmt"], Source::User);
        assert_eq!(c.tool_sources["gen"], Source::Project);
        let capture = c.hooks.capture.unwrap();
        assert_eq!(capture.keep_runs, Some(9));
        assert_eq!(capture.redact.unwrap(), ["a", "b"]);
        assert_eq!(c.hooks.session_start.unwrap().handoff, Some(false));
    }

    #[test]
    fn manifest_written_as_json_loads() {
        let m: Manifest = parse_yaml(
            Path::new("m"),
            r#"{"manifest_version": 2, "project": {"name": "x"}, "protected_paths": ["input"]}"#,
        )
        .unwrap();
        assert_eq!(m.protected_paths.unwrap(), ["input"]);
    }
}
