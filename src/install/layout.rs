//! Where each host keeps its hooks and how it runs them: the one place that knows the
//! installer-side quirks of Claude Code, Cursor, Gemini CLI and Codex (HOSTS.md §1.2,
//! §2.2, §3.2, §4.2). The registration templates themselves are the files in `hooks/`,
//! embedded here so an installed `wazir-hooks` needs no checkout.

use std::path::{Path, PathBuf};

use crate::event::Host;
use crate::hooks::Hook;

/// The hosts the installer wires, in the order it reports them.
pub const HOSTS: [Host; 4] = [Host::Claude, Host::Cursor, Host::Gemini, Host::Codex];

/// Which settings file: the project's (shared with everyone who opens the repository) or
/// the user's (every project on this machine).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Project,
    User,
}

impl Scope {
    pub fn name(self) -> &'static str {
        match self {
            Scope::Project => "project",
            Scope::User => "user",
        }
    }
}

/// How a host runs a registered command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Launch {
    /// Claude Code's exec form: `command` is the program, `args` its arguments, no shell
    /// (so a shell profile cannot spoil stdout).
    Exec,
    /// `sh -c <command>` (Cursor).
    Shell,
    /// `bash -c <command>`, not a login shell (Gemini CLI 0.61.0; Codex 0.169.0, whatever
    /// `$SHELL` says).
    Bash,
}

/// How a host reads a matcher (HOSTS.md §1.3, §3.2, §4.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Matching {
    /// `*`/empty = all; only `[A-Za-z0-9_ ,|-]` = exact names; else an unanchored regex.
    Claude,
    /// `*`/empty = all; only `[A-Za-z0-9_|]` = exact names; else an unanchored regex.
    Codex,
    /// `*`/empty = all; else an unanchored regex (exact equality if it does not compile).
    Gemini,
}

/// Everything the installer needs to know about one host.
#[derive(Debug)]
pub struct Layout {
    pub host: Host,
    /// The registration template (`hooks/<host>/...`), with `{{bin}}` for the directory
    /// holding our binaries.
    pub template: &'static str,
    /// The template's path in the repository, for messages.
    pub template_path: &'static str,
    /// The settings file under a project root.
    pub project_file: &'static str,
    /// Event → list of groups `{matcher, hooks: [handler]}` (Claude, Gemini, Codex), or
    /// event → list of handlers (Cursor).
    pub grouped: bool,
    pub launch: Launch,
    pub matching: Matching,
    /// The tools a protected-path guard must see on this host, with the event they come
    /// through: doctor checks the registered matchers cover each of them.
    pub guarded_tools: &'static [(&'static str, &'static str)],
}

const CLAUDE: Layout = Layout {
    host: Host::Claude,
    template: include_str!("../../hooks/claude/settings.json"),
    template_path: "hooks/claude/settings.json",
    project_file: ".claude/settings.json",
    grouped: true,
    launch: Launch::Exec,
    matching: Matching::Claude,
    guarded_tools: &[
        ("PreToolUse", "Write"),
        ("PreToolUse", "Edit"),
        ("PreToolUse", "MultiEdit"),
        ("PreToolUse", "NotebookEdit"),
        ("PreToolUse", "Bash"),
        ("PreToolUse", "PowerShell"),
        ("PreToolUse", "mcp__filesystem__write_file"),
        ("PreToolUse", "SomeFutureTool"),
    ],
};

const CURSOR: Layout = Layout {
    host: Host::Cursor,
    template: include_str!("../../hooks/cursor/hooks.json"),
    template_path: "hooks/cursor/hooks.json",
    project_file: ".cursor/hooks.json",
    grouped: false,
    launch: Launch::Shell,
    // Cursor documents neither its matcher syntax nor all its tool names, so the template
    // registers the guard on every preToolUse call and on every shell command.
    matching: Matching::Claude,
    guarded_tools: &[
        ("preToolUse", "Write"),
        ("preToolUse", "StrReplace"),
        ("preToolUse", "Delete"),
        ("preToolUse", "ApplyPatch"),
        ("preToolUse", "EditNotebook"),
        ("preToolUse", "Shell"),
        ("beforeShellExecution", ""),
        ("beforeMCPExecution", ""),
    ],
};

const GEMINI: Layout = Layout {
    host: Host::Gemini,
    template: include_str!("../../hooks/gemini/settings.json"),
    template_path: "hooks/gemini/settings.json",
    project_file: ".gemini/settings.json",
    grouped: true,
    launch: Launch::Bash,
    matching: Matching::Gemini,
    guarded_tools: &[
        ("BeforeTool", "write_file"),
        ("BeforeTool", "replace"),
        ("BeforeTool", "edit"),
        ("BeforeTool", "run_shell_command"),
        ("BeforeTool", "mcp_filesystem_write_file"),
        ("BeforeTool", "smart_edit"),
    ],
};

const CODEX: Layout = Layout {
    host: Host::Codex,
    template: include_str!("../../hooks/codex/hooks.json"),
    template_path: "hooks/codex/hooks.json",
    project_file: ".codex/hooks.json",
    grouped: true,
    launch: Launch::Bash,
    matching: Matching::Codex,
    guarded_tools: &[
        ("PreToolUse", "Bash"),
        ("PreToolUse", "apply_patch"),
        ("PreToolUse", "mcp__filesystem__write_file"),
    ],
};

/// The Claude Code plugin's `hooks/hooks.json`, for `hooks/claude/plugin`.
pub const CLAUDE_PLUGIN_TEMPLATE: &str = include_str!("../../hooks/claude/plugin/hooks/hooks.json");

impl Layout {
    pub fn of(host: Host) -> Option<&'static Layout> {
        match host {
            Host::Claude => Some(&CLAUDE),
            Host::Cursor => Some(&CURSOR),
            Host::Gemini => Some(&GEMINI),
            Host::Codex => Some(&CODEX),
            Host::Wazir => None,
        }
    }

    /// The settings file for `scope`: under the project root, or under the home folder
    /// (Codex: `$CODEX_HOME`, else `~/.codex`).
    pub fn settings_file(&self, scope: Scope, project: &Path, home: &Home) -> PathBuf {
        match scope {
            Scope::Project => project.join(self.project_file),
            Scope::User => match self.host {
                Host::Codex => home.codex.join("hooks.json"),
                _ => home.dir.join(self.project_file),
            },
        }
    }

    /// What the user must do before this host runs the hooks just written (`trusted`:
    /// install recorded the host's trust itself, with `--trust`).
    pub fn notes(&self, scope: Scope, trusted: bool) -> Vec<&'static str> {
        let mut notes = Vec::new();
        match self.host {
            Host::Claude => {
                if scope == Scope::Project {
                    notes.push(
                        "Claude Code: project hooks run once the folder's trust dialog is accepted \
                         (`claude -p` trusts it).",
                    );
                }
                notes.push(
                    "Claude Code: a session that is open now may write its own copy of the settings \
                     back over this file; if `wazir-hooks doctor` later shows the hooks missing, \
                     close Claude Code and install again.",
                );
            }
            Host::Cursor => {
                notes.push(
                    "Cursor: restart Cursor to load the hooks (Settings → Hooks shows them).",
                );
                if scope == Scope::Project {
                    notes.push("Cursor: project hooks run only in a trusted workspace.");
                }
            }
            Host::Gemini => {
                if !trusted || scope == Scope::User {
                    notes.push(
                        "Gemini CLI: it runs settings hooks (project and user) only in a trusted \
                         folder: trust the project when Gemini CLI asks, or install with --trust; \
                         the first run warns about new project hooks and runs them.",
                    );
                }
                if scope == Scope::Project {
                    notes.push(
                        "Gemini CLI: it reads project hooks only from the folder it starts in: \
                         start it at the project root.",
                    );
                }
            }
            Host::Codex if trusted => notes.push(
                "Codex: the trust is recorded; Codex asks again after any change to a hook \
                 (install --trust records it again).",
            ),
            Host::Codex => notes.push(
                "Codex: hooks run only once trusted: open `codex`, run /hooks and trust them \
                 (again after every change to them), or install with --trust to record the \
                 trust yourself. Project hooks also need the project trusted. Untrusted hooks \
                 are skipped without a word.",
            ),
            Host::Wazir => {}
        }
        notes
    }
}

/// The home folder the installer reads and writes user-level files under (`--home`, else
/// `$HOME`), and Codex's (`$CODEX_HOME`, else `<home>/.codex`).
#[derive(Clone, Debug)]
pub struct Home {
    pub dir: PathBuf,
    pub codex: PathBuf,
}

impl Home {
    pub fn new(dir: PathBuf, codex_home: Option<PathBuf>) -> Home {
        let codex = codex_home.unwrap_or_else(|| dir.join(".codex"));
        Home { dir, codex }
    }
}

/// The binary a registered command runs, if it is one of ours: recognised by the file
/// name of its program, wherever it is installed (so a moved `PREFIX` is still ours).
pub fn our_hook(program: &str) -> Option<Hook> {
    let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
    Hook::ALL.into_iter().find(|h| h.name() == name)
}

/// The program of a shell command line: its first word, with quotes removed.
pub fn first_word(command: &str) -> String {
    let mut word = String::new();
    let mut chars = command.trim_start().chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => break,
            '\'' => word.extend(chars.by_ref().take_while(|&c| c != '\'')),
            '"' => {
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => word.extend(chars.next()),
                        c => word.push(c),
                    }
                }
            }
            '\\' => word.extend(chars.next()),
            c => word.push(c),
        }
    }
    word
}

/// `text` as one shell word.
pub fn shell_quote(text: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_./+-:@%,=".contains(c);
    if !text.is_empty() && text.chars().all(safe) {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_word_unquotes() {
        assert_eq!(first_word("/a/b --host x"), "/a/b");
        assert_eq!(first_word("'/a b/c' --host x"), "/a b/c");
        assert_eq!(first_word(r#""/a \"b\"/c" x"#), r#"/a "b"/c"#);
        assert_eq!(first_word(r"/a\ b/c x"), "/a b/c");
        assert_eq!(first_word(&shell_quote("/it's here/x")), "/it's here/x");
    }

    #[test]
    fn ours_by_file_name() {
        assert_eq!(
            our_hook("/opt/x/bin/loop-cap-guard"),
            Some(Hook::LoopCapGuard)
        );
        assert_eq!(
            our_hook("${CLAUDE_PLUGIN_ROOT}/bin/session-start"),
            Some(Hook::SessionStart)
        );
        assert_eq!(our_hook("/usr/bin/loop-cap-guard-2"), None);
        assert_eq!(our_hook("node"), None);
    }
}
