//! The canonical contracts in `definitions/` (SPEC §2): one YAML file per hook, named
//! `<hook id>.yaml`, saying what the hook needs in the canonical protocol, what it may
//! touch, what it produces, how it fails and how each host runs it.
//!
//! The repository's files are embedded in the library ([`EMBEDDED`]), so an installed
//! `wazir-hooks` knows them without the repository. [`check_dir`] and [`check_embedded`]
//! parse and validate a set of contracts against this build's hooks ([`Hook`]): every
//! hook has exactly one contract, its `binary` is the hook's executable, and its failure
//! mode and exit code are what the binary does. A file's problem is a
//! [`ConfigError::Invalid`] naming the file, the line and the dotted key, as
//! `wazir.hooks.yaml`'s are.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::ConfigError;
use crate::hooks::Hook;
use crate::policy::config::{backticked_field, key_at_line, line_of, without_position};

/// The repository's `definitions/`, as built into this binary: (file name, text).
pub const EMBEDDED: [(&str, &str); 7] = [
    (
        "session_start.yaml",
        include_str!("../../definitions/session_start.yaml"),
    ),
    (
        "protected_path_write_guard.yaml",
        include_str!("../../definitions/protected_path_write_guard.yaml"),
    ),
    (
        "loop_cap_guard.yaml",
        include_str!("../../definitions/loop_cap_guard.yaml"),
    ),
    (
        "pre_tool_capture_route.yaml",
        include_str!("../../definitions/pre_tool_capture_route.yaml"),
    ),
    (
        "post_tool_capture.yaml",
        include_str!("../../definitions/post_tool_capture.yaml"),
    ),
    (
        "pre_compact_summary.yaml",
        include_str!("../../definitions/pre_compact_summary.yaml"),
    ),
    (
        "stop_handoff_harvest.yaml",
        include_str!("../../definitions/stop_handoff_harvest.yaml"),
    ),
];

/// One hook's canonical contract.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    /// The hook id (`loop_cap_guard`), which is also the file's stem.
    pub id: String,
    /// The executable that implements it (`loop-cap-guard`).
    pub binary: String,
    /// The normalized host events it is registered for.
    pub trigger: Vec<Trigger>,
    pub description: String,
    pub input_contract: InputContract,
    pub allowed_side_effects: Vec<SideEffect>,
    pub output_contract: OutputContract,
    pub failure_behavior: FailureBehavior,
    pub host_fallback: HostFallback,
}

/// The canonical (`wazir`) protocol's payload fields.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct InputContract {
    /// Fields without which the binary cannot do its job: a guard answers exit 1.
    pub required: Vec<String>,
    /// Fields the binary reads when present, with a stated fallback.
    #[serde(default)]
    pub optional: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct OutputContract {
    pub produces: Vec<String>,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FailureBehavior {
    pub mode: FailureMode,
    /// The canonical protocol's exit code for a block; 0 for hooks that never block.
    pub exit_code: u8,
}

/// How a hook fails (SPEC §2).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FailureMode {
    /// Blocks the call; fails closed.
    Block,
    /// Never blocks; a problem is a warning on stderr.
    Warn,
    /// Never blocks; records what it can.
    Capture,
}

impl FailureMode {
    pub fn name(self) -> &'static str {
        match self {
            FailureMode::Block => "block",
            FailureMode::Warn => "warn",
            FailureMode::Capture => "capture",
        }
    }
}

/// The normalized host events (`event::EventKind`) a hook is registered for.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// PreToolUse, BeforeTool, preToolUse.
    PreTool,
    /// Cursor's beforeShellExecution.
    BeforeShell,
    /// Cursor's beforeMCPExecution.
    BeforeMcp,
    /// SessionStart, sessionStart.
    SessionStart,
    /// PostToolUse, PostToolUseFailure, AfterTool, postToolUse, postToolUseFailure.
    PostTool,
    /// PreCompact, PreCompress, preCompact.
    PreCompact,
    /// Stop, AfterAgent, stop.
    Stop,
    /// SessionEnd, sessionEnd.
    SessionEnd,
}

/// What a hook may touch or do (SPEC §3: nothing outside the state root and the files
/// its contract names).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SideEffect {
    /// Reads `wazir.manifest.yaml` and `wazir.hooks.yaml`.
    ReadConfig,
    /// Reads project files (symlinks, globs, scripts a command runs; the skill bootstrap).
    ReadFiles,
    ReadStatus,
    ReadEvents,
    WriteStatus,
    AppendEvent,
    SetLatestRun,
    PruneRuns,
    WriteCapture,
    WriteSummary,
    WriteHandoff,
    InjectContext,
    ReplaceToolOutput,
    BlockExecution,
    StopAgent,
}

/// How each host runs the hook.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct HostFallback {
    pub claude: Fallback,
    pub codex: Fallback,
    pub gemini: Fallback,
    pub cursor: Fallback,
}

impl HostFallback {
    /// (host name, fallback) for the four hosts.
    pub fn hosts(&self) -> [(&'static str, Fallback); 4] {
        [
            ("claude", self.claude),
            ("codex", self.codex),
            ("gemini", self.gemini),
            ("cursor", self.cursor),
        ]
    }
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Fallback {
    /// The host runs the binary on its own event (the installer wires it).
    Native,
    /// The host runs it natively where it can, else through a wrapper command.
    NativeOrWrapper,
    /// Only a wrapper command (`wazir-hooks capture …`) runs it.
    WrapperCommand,
}

/// Whatever keeps a set of contracts from being valid.
#[derive(Debug, thiserror::Error)]
pub enum ContractError {
    /// A file that does not parse, or a field whose value is wrong: file, line and key.
    #[error(transparent)]
    Invalid(#[from] ConfigError),
    /// A hook this build ships has no contract.
    #[error("{}: no contract for hook `{id}` (expected {id}.yaml)", .dir.display())]
    Missing { dir: PathBuf, id: String },
    /// Two files define the same hook.
    #[error("{}: `{id}` is also defined in {}", .file.display(), .first.display())]
    Duplicate {
        file: PathBuf,
        first: PathBuf,
        id: String,
    },
    /// The directory cannot be listed.
    #[error("cannot read {}: {message}", .dir.display())]
    Unreadable { dir: PathBuf, message: String },
}

/// The contracts that parsed, and every problem found.
#[derive(Debug, Default)]
pub struct Checked {
    /// Each contract that parsed, with the file it came from, ordered by file name.
    pub contracts: Vec<(PathBuf, Contract)>,
    pub problems: Vec<ContractError>,
}

impl Checked {
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }

    /// The contract for `hook`, when one parsed.
    pub fn get(&self, hook: Hook) -> Option<&Contract> {
        let id = hook_id(hook);
        self.contracts.iter().map(|(_, c)| c).find(|c| c.id == id)
    }
}

/// A hook's id: its binary's name in snake case (`loop-cap-guard` → `loop_cap_guard`).
pub fn hook_id(hook: Hook) -> String {
    hook.name().replace('-', "_")
}

/// The hook whose id is `id`.
pub fn hook_by_id(id: &str) -> Option<Hook> {
    Hook::ALL.into_iter().find(|h| hook_id(*h) == id)
}

/// Checks the contracts built into this binary (named `definitions/<file>`).
pub fn check_embedded() -> Checked {
    let dir = Path::new("definitions");
    check_files(
        dir,
        EMBEDDED
            .iter()
            .map(|(name, text)| (dir.join(name), Ok((*text).to_owned())))
            .collect(),
    )
}

/// The contracts built into this binary, parsed. They are checked by the tests, so a
/// build whose contracts do not parse cannot pass them; here a bad one is left out.
pub fn embedded() -> Vec<Contract> {
    check_embedded()
        .contracts
        .into_iter()
        .map(|(_, c)| c)
        .collect()
}

/// Checks every `*.yaml` (and `*.yml`) file in `dir`; other files are ignored.
pub fn check_dir(dir: &Path) -> Checked {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            return Checked {
                contracts: Vec::new(),
                problems: vec![ContractError::Unreadable {
                    dir: dir.to_path_buf(),
                    message: e.to_string(),
                }],
            };
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    paths.sort();
    let files = paths
        .into_iter()
        .map(|p| {
            let text = read_text(&p);
            (p, text)
        })
        .collect();
    check_files(dir, files)
}

fn read_text(path: &Path) -> Result<String, ConfigError> {
    let bytes = std::fs::read(path).map_err(|e| ConfigError::Io {
        file: path.to_path_buf(),
        message: e.to_string(),
    })?;
    String::from_utf8(bytes).map_err(|_| ConfigError::Io {
        file: path.to_path_buf(),
        message: "not UTF-8".into(),
    })
}

fn check_files(dir: &Path, files: Vec<(PathBuf, Result<String, ConfigError>)>) -> Checked {
    let mut checked = Checked::default();
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    // Files that exist but did not parse: their hook is not also reported missing.
    let mut unparsed: Vec<String> = Vec::new();
    for (path, text) in files {
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
        let text = match text {
            Ok(text) => text,
            Err(e) => {
                checked.problems.push(e.into());
                unparsed.extend(stem);
                continue;
            }
        };
        let contract = match parse(&path, &text) {
            Ok(c) => c,
            Err(e) => {
                checked.problems.push(e.into());
                unparsed.extend(stem);
                continue;
            }
        };
        checked
            .problems
            .extend(check(&path, &text, &contract).into_iter().map(Into::into));
        if let Some(first) = seen.get(&contract.id) {
            checked.problems.push(ContractError::Duplicate {
                file: path.clone(),
                first: first.clone(),
                id: contract.id.clone(),
            });
            continue;
        }
        seen.insert(contract.id.clone(), path.clone());
        checked.contracts.push((path, contract));
    }
    for hook in Hook::ALL {
        let id = hook_id(hook);
        if !seen.contains_key(&id) && !unparsed.contains(&id) {
            checked.problems.push(ContractError::Missing {
                dir: dir.to_path_buf(),
                id,
            });
        }
    }
    checked
}

/// Parses one contract. Unknown keys, missing fields and wrong types name the file, the
/// line and the dotted key (the same reading of serde-saphyr's errors as
/// `policy::config` makes for `wazir.hooks.yaml`).
pub fn parse(path: &Path, text: &str) -> Result<Contract, ConfigError> {
    serde_saphyr::from_str(text).map_err(|e| {
        let full = e.to_string();
        let message = full.lines().next().unwrap_or("").trim().to_owned();
        let line = line_of(&message).unwrap_or(1);
        let at = key_at_line(text, line);
        let (line, key) = match backticked_field(&message) {
            // A missing field has no line of its own: name it under its mapping, which
            // the schema knows (every field name in a contract is unique).
            Some(field) if message.contains("missing field") => {
                let key = KEYS
                    .iter()
                    .find(|k| k.rsplit('.').next() == Some(field.as_str()))
                    .map_or(field, |k| (*k).to_owned());
                match key.rsplit_once('.') {
                    Some((parent, _)) => (line_of_key(text, parent), key),
                    None => (line, key),
                }
            }
            // An unknown key in a flow mapping shares its parent's line.
            Some(field) if at == "(document)" => (line, field),
            Some(field) if at != field && !at.ends_with(&format!(".{field}")) => {
                (line, format!("{at}.{field}"))
            }
            _ => (line, at),
        };
        let message = without_position(&message);
        ConfigError::Invalid {
            file: path.to_path_buf(),
            line,
            key,
            message,
        }
    })
}

/// Every key of a contract, dotted.
const KEYS: [&str; 18] = [
    "id",
    "binary",
    "trigger",
    "description",
    "input_contract",
    "input_contract.required",
    "input_contract.optional",
    "allowed_side_effects",
    "output_contract",
    "output_contract.produces",
    "failure_behavior",
    "failure_behavior.mode",
    "failure_behavior.exit_code",
    "host_fallback",
    "host_fallback.claude",
    "host_fallback.codex",
    "host_fallback.gemini",
    "host_fallback.cursor",
];

/// The checks serde cannot make: the contract against the file it is in and the hook it
/// describes.
fn check(path: &Path, text: &str, c: &Contract) -> Vec<ConfigError> {
    let mut problems = Vec::new();
    let mut problem = |key: &str, message: String| {
        problems.push(ConfigError::Invalid {
            file: path.to_path_buf(),
            line: line_of_key(text, key),
            key: key.to_owned(),
            message,
        });
    };
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    if stem.as_deref() != Some(c.id.as_str()) {
        problem(
            "id",
            format!(
                "`{}` does not match the file name (a contract is named `<id>.yaml`)",
                c.id
            ),
        );
    }
    if c.description.trim().is_empty() {
        problem("description", "must not be empty".into());
    }
    if c.trigger.is_empty() {
        problem("trigger", "must name at least one event".into());
    }
    for (key, list) in [
        ("input_contract.required", &c.input_contract.required),
        ("input_contract.optional", &c.input_contract.optional),
        ("output_contract.produces", &c.output_contract.produces),
    ] {
        if list.iter().any(|f| f.trim().is_empty()) {
            problem(key, "an entry is empty".into());
        }
    }
    if let Some(both) = c
        .input_contract
        .required
        .iter()
        .find(|f| c.input_contract.optional.contains(f))
    {
        problem(
            "input_contract.optional",
            format!("`{both}` is also required"),
        );
    }
    let names = || {
        Hook::ALL
            .iter()
            .map(|h| h.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some(hook) = hook_by_id(&c.id) else {
        problem(
            "id",
            format!(
                "`{}` is not a hook this build ships (expected one of {})",
                c.id,
                Hook::ALL
                    .iter()
                    .map(|h| hook_id(*h))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        if !Hook::ALL.iter().any(|h| h.name() == c.binary) {
            problem(
                "binary",
                format!(
                    "`{}` is not a binary this build ships (expected one of {})",
                    c.binary,
                    names()
                ),
            );
        }
        return problems;
    };
    if c.binary != hook.name() {
        let why = if Hook::ALL.iter().any(|h| h.name() == c.binary) {
            "is another hook's binary"
        } else {
            "is not a binary this build ships"
        };
        problem(
            "binary",
            format!("`{}` {why}: hook `{}` is `{}`", c.binary, c.id, hook.name()),
        );
    }
    let fb = c.failure_behavior;
    match (hook.is_guard(), fb.mode) {
        (true, FailureMode::Block) => {
            if fb.exit_code != hook.block_code() {
                problem(
                    "failure_behavior.exit_code",
                    format!(
                        "{} blocks with exit {} in the canonical protocol, not {}",
                        hook.name(),
                        hook.block_code(),
                        fb.exit_code
                    ),
                );
            }
        }
        (true, mode) => problem(
            "failure_behavior.mode",
            format!(
                "{} is a guard: its mode is `block` (exit {}), not `{}`",
                hook.name(),
                hook.block_code(),
                mode.name()
            ),
        ),
        (false, FailureMode::Block) => problem(
            "failure_behavior.mode",
            format!(
                "{} never blocks: its mode is `warn` or `capture` (exit 0), not `block`",
                hook.name()
            ),
        ),
        (false, _) => {
            if fb.exit_code != 0 {
                problem(
                    "failure_behavior.exit_code",
                    format!(
                        "{} never blocks, so it exits 0, not {}",
                        hook.name(),
                        fb.exit_code
                    ),
                );
            }
        }
    }
    problems
}

/// The line (1-based) of a dotted key in block style, else of its deepest parent found;
/// 1 when not even its first part is found.
fn line_of_key(text: &str, dotted: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let mut at = 0;
    let mut found = None;
    for part in dotted.split('.') {
        let hit = lines.iter().enumerate().skip(at).find(|(_, l)| {
            l.trim_start()
                .strip_prefix(part)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        });
        match hit {
            Some((i, _)) => {
                found = Some(i + 1);
                at = i + 1;
            }
            None => break,
        }
    }
    found.unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = EMBEDDED[2].1;

    /// The problems of the embedded set with `loop_cap_guard.yaml` replaced by `name`.
    fn errors(name: &str, text: &str) -> Vec<String> {
        let dir = Path::new("d");
        let mut files: Vec<(PathBuf, Result<String, ConfigError>)> = EMBEDDED
            .iter()
            .filter(|(n, _)| *n != "loop_cap_guard.yaml")
            .map(|(n, t)| (dir.join(n), Ok((*t).to_owned())))
            .collect();
        files.push((dir.join(name), Ok(text.to_owned())));
        check_files(dir, files)
            .problems
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn embedded_contracts_are_valid() {
        let checked = check_embedded();
        assert!(checked.is_valid(), "{:?}", checked.problems);
        assert_eq!(checked.contracts.len(), Hook::ALL.len());
        for hook in Hook::ALL {
            assert_eq!(checked.get(hook).unwrap().binary, hook.name());
        }
    }

    #[test]
    fn unknown_key_names_file_line_and_key() {
        let text = GOOD.replace("  optional: []", "  optional: []\n  extra: 1");
        let errs = errors("loop_cap_guard.yaml", &text);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with("d/loop_cap_guard.yaml:")
                && errs[0].contains(": input_contract.extra: unknown field `extra`"),
            "{errs:?}"
        );
    }

    #[test]
    fn missing_field_names_its_dotted_key() {
        let text = GOOD.replace("  exit_code: 43\n", "");
        let errs = errors("loop_cap_guard.yaml", &text);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with(
                "d/loop_cap_guard.yaml:18: failure_behavior.exit_code: missing field `exit_code`"
            ),
            "{errs:?}"
        );
        let text = GOOD.replace("binary: loop-cap-guard\n", "");
        let errs = errors("loop_cap_guard.yaml", &text);
        assert!(
            errs[0].contains(": binary: missing field `binary`"),
            "{errs:?}"
        );
        let text = GOOD.replace(", cursor: native}", "}");
        let errs = errors("loop_cap_guard.yaml", &text);
        assert!(
            errs[0].contains(": host_fallback.cursor: missing field `cursor`"),
            "{errs:?}"
        );
        let text = GOOD.replace("cursor: native}", "cursor: native, vscode: native}");
        let errs = errors("loop_cap_guard.yaml", &text);
        assert!(
            errs[0].contains(": host_fallback.vscode: unknown field `vscode`"),
            "{errs:?}"
        );
    }

    #[test]
    fn wrong_type_names_the_key() {
        let text = GOOD.replace("exit_code: 43", "exit_code: high");
        let errs = errors("loop_cap_guard.yaml", &text);
        assert!(
            errs[0].starts_with("d/loop_cap_guard.yaml:")
                && errs[0].contains(": failure_behavior.exit_code: "),
            "{errs:?}"
        );
    }

    #[test]
    fn guard_exit_code_must_be_its_block_code() {
        let text = GOOD.replace("exit_code: 43", "exit_code: 2");
        let errs = errors("loop_cap_guard.yaml", &text);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with("d/loop_cap_guard.yaml:")
                && errs[0]
                    .contains(": failure_behavior.exit_code: loop-cap-guard blocks with exit 43"),
            "{errs:?}"
        );
    }

    #[test]
    fn id_must_match_the_file_and_every_hook_needs_one() {
        let errs = errors("loop_cap.yaml", GOOD);
        assert_eq!(
            errs,
            [
                "d/loop_cap.yaml:1: id: `loop_cap_guard` does not match the file name (a contract is named `<id>.yaml`)"
            ]
        );
        let dir = Path::new("d");
        let files = EMBEDDED[..2]
            .iter()
            .chain(&EMBEDDED[3..])
            .map(|(n, t)| (dir.join(n), Ok((*t).to_owned())))
            .collect();
        let errs: Vec<String> = check_files(dir, files)
            .problems
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            errs,
            ["d: no contract for hook `loop_cap_guard` (expected loop_cap_guard.yaml)"]
        );
    }

    #[test]
    fn line_of_nested_key() {
        assert_eq!(line_of_key("a: 1\nb:\n  a: 2\n  c: 3\n", "b.c"), 4);
        assert_eq!(line_of_key("a: 1\nb: {c: 3}\n", "b.c"), 2);
    }
}
