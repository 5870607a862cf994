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
    // Codex's managed defaults in its own folder: hooks and features like config.toml.
    SettingsFile {
        suffix: ".codex/managed_config.toml",
        host: "Codex",
        format: Format::Toml,
        editable: &[],
    },
    // MCP server definitions: each starts a program, which then acts without the guard
    // seeing it. A project's `.mcp.json` and the user's `~/.claude.json` (which also
    // holds each project's trust) are Claude Code's; `.cursor/mcp.json` is Cursor's.
    SettingsFile {
        suffix: ".mcp.json",
        host: "Claude Code",
        format: Format::Json,
        editable: &[],
    },
    SettingsFile {
        suffix: ".claude.json",
        host: "Claude Code",
        format: Format::Json,
        editable: &[],
    },
    SettingsFile {
        suffix: ".cursor/mcp.json",
        host: "Cursor",
        format: Format::Json,
        editable: &[],
    },
];

/// A folder whose files a host runs as hooks or commands of its own, no tool call
/// involved: a command placed there runs unguarded.
#[derive(Debug, PartialEq, Eq)]
pub struct HookDir {
    /// The folder's path below a project root or the home folder.
    pub suffix: &'static str,
    pub host: &'static str,
    /// What the host reads there, for the deny reason.
    pub what: &'static str,
    /// Markdown files whose YAML frontmatter may declare `hooks`: a file keeping its
    /// `hooks` as they were may change (agents write skills and subagents); everything
    /// else in such a folder is free. In any other hook folder nothing is the agent's.
    pub frontmatter: bool,
}

pub const HOOK_DIRS: &[HookDir] = &[
    HookDir {
        suffix: ".claude/agents",
        host: "Claude Code",
        what: "subagent definitions, whose frontmatter can declare hooks",
        frontmatter: true,
    },
    HookDir {
        suffix: ".claude/skills",
        host: "Claude Code",
        what: "skills, whose frontmatter can declare hooks",
        frontmatter: true,
    },
    HookDir {
        suffix: ".claude/commands",
        host: "Claude Code",
        what: "slash commands, whose frontmatter can declare hooks",
        frontmatter: true,
    },
    HookDir {
        suffix: ".claude/hooks",
        host: "Claude Code",
        what: "hook scripts, which hook settings run by convention from there",
        frontmatter: false,
    },
    HookDir {
        suffix: ".claude/plugins",
        host: "Claude Code",
        what: "installed plugins, whose hooks and MCP servers it runs",
        frontmatter: false,
    },
    HookDir {
        suffix: ".gemini/extensions",
        host: "Gemini CLI",
        what: "extensions, whose hooks and MCP servers it runs",
        frontmatter: false,
    },
    HookDir {
        suffix: ".codex/plugins",
        host: "Codex",
        what: "plugins, whose hooks it runs",
        frontmatter: false,
    },
    // Not a host's, but the same door: git runs these on commit, checkout, merge and
    // push, in a later call the guard does not see.
    HookDir {
        suffix: ".git/hooks",
        host: "git",
        what: "hooks, which it runs on commit, checkout, merge and push",
        frontmatter: false,
    },
    HookDir {
        suffix: ".git/config",
        host: "git",
        what: "configuration, which can name commands it runs later (core.hooksPath, core.fsmonitor, aliases, filters)",
        frontmatter: false,
    },
    HookDir {
        suffix: ".gitconfig",
        host: "git",
        what: "configuration, which can name commands it runs later (core.hooksPath, core.fsmonitor, aliases, filters)",
        frontmatter: false,
    },
    HookDir {
        suffix: ".config/git/config",
        host: "git",
        what: "configuration, which can name commands it runs later (core.hooksPath, core.fsmonitor, aliases, filters)",
        frontmatter: false,
    },
    HookDir {
        suffix: ".git/modules",
        host: "git",
        what: "submodules' repositories, whose configuration and hooks it uses in them",
        frontmatter: false,
    },
    HookDir {
        suffix: ".git/commondir",
        host: "git",
        what: "pointer to the repository whose configuration and hooks it uses",
        frontmatter: false,
    },
    HookDir {
        suffix: ".git/config.worktree",
        host: "git",
        what: "work-tree configuration, which can name commands it runs later",
        frontmatter: false,
    },
    // Settings files programs read by themselves, which can run commands (or name
    // files they write) in a later call the guard does not see. (Shell startup files
    // are not: agents add to them, and the README lists them as a residual.)
    HookDir {
        suffix: ".gdbinit",
        host: "gdb",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".gdbearlyinit",
        host: "gdb",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".config/gdb/gdbearlyinit",
        host: "gdb",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".ipython",
        host: "IPython",
        what: "profiles and startup scripts, which it runs when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".config/gdb/gdbinit",
        host: "gdb",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".curlrc",
        host: "curl",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".wgetrc",
        host: "wget",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".lesskey",
        host: "less",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".config/lesskey",
        host: "less",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".tmux.conf",
        host: "tmux",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".config/tmux/tmux.conf",
        host: "tmux",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".valgrindrc",
        host: "valgrind",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".vimrc",
        host: "vim",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".exrc",
        host: "vi",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    // vim and neovim run the vimrc and every plugin in these folders when they start.
    HookDir {
        suffix: ".vim",
        host: "vim",
        what: "startup files and plugins, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".config/vim",
        host: "vim",
        what: "startup files and plugins, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".gvimrc",
        host: "vim",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".config/nvim",
        host: "neovim",
        what: "startup files and plugins, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".config/nvim/init.vim",
        host: "neovim",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".config/nvim/init.lua",
        host: "neovim",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".npmrc",
        host: "npm",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".yarnrc",
        host: "yarn",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".sqliterc",
        host: "sqlite3",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".psqlrc",
        host: "psql",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".Rprofile",
        host: "R",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".irbrc",
        host: "irb",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".pryrc",
        host: "pry",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".perldb",
        host: "perl",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".pdbrc",
        host: "python's debugger (pdb)",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".lldbinit",
        host: "lldb",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".gnuplot",
        host: "gnuplot",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".tclshrc",
        host: "tclsh",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".wishrc",
        host: "wish",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".guile",
        host: "guile",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".octaverc",
        host: "octave",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".ghci",
        host: "ghci",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".ssh/config",
        host: "ssh",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    HookDir {
        suffix: ".ssh/rc",
        host: "ssh",
        what: "startup or settings file, which can run commands when it starts",
        frontmatter: false,
    },
    // System-wide files of the same kind (writable when the agent runs as root).
    HookDir {
        suffix: "/etc/gitconfig",
        host: "git",
        what: "system configuration, which can name commands it runs later",
        frontmatter: false,
    },
    HookDir {
        suffix: "/etc/ld.so.preload",
        host: "the dynamic loader",
        what: "list of libraries loaded into every program",
        frontmatter: false,
    },
];

/// The hook folder `path` is in, or is, wherever it is (judged by its components), with
/// the folder that holds it (the one holding `.claude`).
pub fn hook_dir_of(path: &Path) -> Option<(&'static HookDir, &Path)> {
    path.ancestors().find_map(|a| {
        // The last component first: this runs for every write of every command.
        let name = a.file_name()?.to_str()?;
        let d = HOOK_DIRS
            .iter()
            .find(|d| d.suffix.rsplit('/').next() == Some(name) && a.ends_with(d.suffix))?;
        // The folder above the suffix (`~` for `~/.config/git/config`); never nearer
        // than two levels up, so that a one-name file (`.vimrc`) made in a folder of
        // its own counts wherever it is (a `HOME=DIR` run reads it there).
        let depth = Path::new(d.suffix)
            .components()
            .filter(|c| matches!(c, std::path::Component::Normal(_)))
            .count()
            .max(2);
        Some((d, a.ancestors().nth(depth).unwrap_or(Path::new("/"))))
    })
}

/// The folders below a project root or the home folder that hold settings or hook
/// folders (`.claude`, `.gemini`, …).
pub fn host_dirs() -> impl Iterator<Item = &'static str> {
    FILES
        .iter()
        .map(|f| f.suffix)
        .chain(HOOK_DIRS.iter().map(|d| d.suffix))
        .filter_map(|s| s.split_once('/').map(|(d, _)| d))
        .filter(|d| !d.is_empty())
}

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
    FILES.iter().find(|f| path.ends_with(f.suffix))
}

impl SettingsFile {
    /// The folder a settings file at `path` belongs to: the one holding `.claude` for
    /// `.claude/settings.json`, its own folder for `.mcp.json`.
    pub fn folder_of<'p>(&self, path: &'p Path) -> Option<&'p Path> {
        Path::new(self.suffix)
            .components()
            .try_fold(path, |p, _| p.parent())
    }
}

/// Codex's own folder (`$CODEX_HOME`) holds `hooks.json` and `config.toml` without a
/// `.codex` component: those two, when it is set elsewhere.
pub fn codex_home_files(codex_home: &Path) -> [(PathBuf, &'static SettingsFile); 4] {
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
        (
            codex_home.join("managed_config.toml"),
            find(".codex/managed_config.toml"),
        ),
    ]
}
