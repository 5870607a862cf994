//! Configuration (SPEC §4): the Wazir manifest (`wazir.manifest.yaml`, the original's
//! format, which the original's own tests write as JSON) and this product's
//! `wazir.hooks.yaml`. Errors name the file, the line and the key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::ConfigError;

pub const MANIFEST_FILE: &str = "wazir.manifest.yaml";
pub const HOOKS_FILE: &str = "wazir.hooks.yaml";

/// The flows that may write protected paths unless `approved_flows` says otherwise.
pub const DEFAULT_APPROVED_FLOWS: [&str; 2] = ["host_export_regeneration", "pipeline_integration"];

/// What a guard answers when it cannot evaluate a call.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
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
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
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

/// A project's configuration, both files merged.
#[derive(Clone, Debug)]
pub struct Config {
    /// The project root the files were found in (or the discovered root without them).
    pub root: PathBuf,
    /// Protected entries: the manifest's, then `wazir.hooks.yaml`'s.
    pub protected_paths: Vec<String>,
    pub approved_flows: Vec<String>,
    pub on_error: OnError,
    pub project_name: Option<String>,
    pub state_root_default: Option<String>,
    pub hooks: HooksFile,
    /// Tool declarations (`tools:`), the user policy's and the project's.
    pub tools: BTreeMap<String, ToolDecl>,
    /// The files that were read, for messages.
    pub sources: Vec<PathBuf>,
}

impl Config {
    /// Finds the project root from `cwd` (SPEC §4) and loads its configuration.
    pub fn discover(cwd: &Path) -> Result<Config, ConfigError> {
        Config::load(&find_root(cwd))
    }

    /// Nothing configured: the defaults, for a project rooted at `root`.
    pub fn empty(root: &Path) -> Config {
        Config {
            root: root.to_path_buf(),
            protected_paths: Vec::new(),
            approved_flows: DEFAULT_APPROVED_FLOWS.map(String::from).to_vec(),
            on_error: OnError::Deny,
            project_name: None,
            state_root_default: None,
            hooks: HooksFile::default(),
            tools: BTreeMap::new(),
            sources: Vec::new(),
        }
    }

    /// Loads the configuration of the project rooted at `root`.
    pub fn load(root: &Path) -> Result<Config, ConfigError> {
        let manifest = read_optional(&root.join(MANIFEST_FILE))?;
        let hooks = read_optional(&root.join(HOOKS_FILE))?;
        Config::from_texts(root, manifest.as_deref(), hooks.as_deref())
    }

    /// The configuration of the project rooted at `root`, from the texts of its two files
    /// (`None` for a file that does not exist), without touching the disk.
    pub fn from_texts(
        root: &Path,
        manifest_text: Option<&str>,
        hooks_text: Option<&str>,
    ) -> Result<Config, ConfigError> {
        let mut config = Config::empty(root);
        let manifest_path = root.join(MANIFEST_FILE);
        if let Some(text) = manifest_text {
            let manifest: Manifest = parse_yaml(&manifest_path, text)?;
            config.protected_paths = manifest.protected_paths.unwrap_or_default();
            config.project_name = manifest.project.and_then(|p| p.name);
            config.state_root_default = manifest.paths.and_then(|p| p.state_root_default);
            check_entries(&manifest_path, text, &config.protected_paths)?;
            config.sources.push(manifest_path);
        }
        let hooks_path = root.join(HOOKS_FILE);
        if let Some(text) = hooks_text {
            let hooks: HooksFile = parse_yaml(&hooks_path, text)?;
            if let Some(extra) = &hooks.protected_paths {
                check_entries(&hooks_path, text, extra)?;
                config.protected_paths.extend(extra.iter().cloned());
            }
            if let Some(flows) = &hooks.approved_flows {
                config.approved_flows.clone_from(flows);
            }
            config.on_error = hooks.on_error.unwrap_or_default();
            if let Some(max) = hooks.session_start.as_ref().and_then(|s| s.max_chars)
                && max > 10_000
            {
                return Err(invalid(
                    &hooks_path,
                    text,
                    "max_chars",
                    format!("must be at most 10000 (hosts cap injected context there), got {max}"),
                ));
            }
            for pattern in hooks.capture.iter().flat_map(|c| c.redact.iter().flatten()) {
                if let Err(e) = regex::Regex::new(pattern) {
                    return Err(invalid(
                        &hooks_path,
                        text,
                        "redact",
                        format!("`{pattern}` is not a valid regular expression: {e}"),
                    ));
                }
            }
            if let Some(tools) = &hooks.tools {
                config.tools.clone_from(tools);
            }
            config.hooks = hooks;
            config.sources.push(hooks_path);
        }
        Ok(config)
    }
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

/// Refuses protected entries that cannot mean anything (empty strings, broken globs).
fn check_entries(path: &Path, text: &str, entries: &[String]) -> Result<(), ConfigError> {
    for entry in entries {
        if entry.trim().is_empty() {
            return Err(invalid(
                path,
                text,
                "protected_paths",
                "an entry is empty".into(),
            ));
        }
        if super::paths::is_glob(entry)
            && let Err(e) = globset::GlobBuilder::new(entry).build()
        {
            return Err(invalid(
                path,
                text,
                "protected_paths",
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
