//! The files that decide whether a host runs our hooks: where each host registers hooks
//! and records hook or workspace trust, at project, user and managed scope. The guard
//! protects all of them from the agent (README, "Self-protection"); this is the one list
//! of them, so a host added later adds its files here.

use std::path::{Path, PathBuf};

/// How a settings file is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Toml,
    /// `KEY=value` lines the host loads into its own environment, and so into the hooks'
    /// (`WAZIR_APPROVED_FLOW` would approve anything): no change is the agent's.
    Env,
}

/// One kind of settings file.
#[derive(Debug, PartialEq, Eq)]
pub struct SettingsFile {
    /// The file's path below the folder it lives in (a project root or the home folder).
    pub suffix: &'static str,
    pub host: &'static str,
    pub format: Format,
    /// Top-level keys an agent may change: they can neither run a command nor switch
    /// hooks off. Every other key must stay as it is.
    pub editable: &'static [&'static str],
}

/// Keys of Claude Code's settings that run no command and leave hooks alone. Not `env`
/// (it reaches the hooks' environment), `hooks`, `disableAllHooks`, `statusLine`,
/// `apiKeyHelper` or plugins: each can switch the guard off or run a command unguarded.
const CLAUDE_EDITABLE: &[&str] = &[
    "$schema",
    "permissions",
    "model",
    "outputStyle",
    "includeCoAuthoredBy",
    "cleanupPeriodDays",
    "alwaysThinkingEnabled",
    "spinnerTipsEnabled",
    "theme",
    "language",
];

/// Gemini CLI: display and model choices only (`tools` can name discovery commands,
/// `mcpServers` starts programs, `hooksConfig` switches hooks off).
const GEMINI_EDITABLE: &[&str] = &["$schema", "ui", "model", "context"];

/// Codex's `config.toml`: the model only (`features`, `hooks`, `projects` trust levels,
/// `mcp_servers` and `notify` all decide what runs).
const CODEX_EDITABLE: &[&str] = &[
    "model",
    "model_reasoning_effort",
    "model_reasoning_summary",
    "model_verbosity",
];

/// Every settings file, by its path below a project root or the home folder.
pub const FILES: &[SettingsFile] = &[
    SettingsFile {
        suffix: ".claude/settings.json",
        host: "Claude Code",
        format: Format::Json,
        editable: CLAUDE_EDITABLE,
    },
    SettingsFile {
        suffix: ".claude/settings.local.json",
        host: "Claude Code",
        format: Format::Json,
        editable: CLAUDE_EDITABLE,
    },
    SettingsFile {
        suffix: ".cursor/hooks.json",
        host: "Cursor",
        format: Format::Json,
        editable: &[],
    },
    SettingsFile {
        suffix: ".gemini/settings.json",
        host: "Gemini CLI",
        format: Format::Json,
        editable: GEMINI_EDITABLE,
    },
    SettingsFile {
        suffix: ".gemini/trustedFolders.json",
        host: "Gemini CLI",
        format: Format::Json,
        editable: &[],
    },
    SettingsFile {
        suffix: ".codex/hooks.json",
        host: "Codex",
        format: Format::Json,
        editable: &[],
    },
    SettingsFile {
        suffix: ".codex/config.toml",
        host: "Codex",
        format: Format::Toml,
        editable: CODEX_EDITABLE,
    },
    SettingsFile {
        suffix: ".codex/.env",
        host: "Codex",
        format: Format::Env,
        editable: &[],
    },
    SettingsFile {
        suffix: ".gemini/.env",
        host: "Gemini CLI",
        format: Format::Env,
        editable: &[],
    },
];

/// Managed (system-wide) settings folders: never the agent's to change.
pub const MANAGED: &[&str] = &[
    "/etc/claude-code",
    "/Library/Application Support/ClaudeCode",
    "/etc/cursor",
    "/etc/gemini-cli",
    "/etc/codex",
];

/// The settings file kind `path` is, judged by its last two components wherever it is
/// (a project, a parent folder, the home folder, a folder made for the purpose).
pub fn kind_of(path: &Path) -> Option<&'static SettingsFile> {
    let mut parts = path.components().rev();
    let name = parts.next()?.as_os_str().to_str()?;
    let dir = parts.next()?.as_os_str().to_str()?;
    FILES
        .iter()
        .find(|f| f.suffix.split_once('/') == Some((dir, name)))
}

/// Codex's own folder (`$CODEX_HOME`) holds `hooks.json` and `config.toml` without a
/// `.codex` component: those two, when it is set elsewhere.
pub fn codex_home_files(codex_home: &Path) -> [(PathBuf, &'static SettingsFile); 3] {
    let find = |suffix: &str| {
        FILES
            .iter()
            .find(|f| f.suffix == suffix)
            .unwrap_or(&FILES[0])
    };
    [
        (codex_home.join("hooks.json"), find(".codex/hooks.json")),
        (codex_home.join("config.toml"), find(".codex/config.toml")),
        (codex_home.join(".env"), find(".codex/.env")),
    ]
}
