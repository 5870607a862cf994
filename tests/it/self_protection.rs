//! Self-protection through the real guard, on every host: no tool call may change what
//! keeps the guard in place (the project's guard configuration and manifest, every host's
//! hook settings and trust files, managed settings, our binaries, the state root and the
//! user policy), whatever tool or command it uses, and no tool may run an operator
//! command. Reads stay allowed, and a file tool whose computed result keeps every
//! protected key of a settings file or manifest is allowed.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{Value, json};

use crate::harness::{
    Fixture, SHELL_TOOLS, Tally, Verdict, file_tool_payload, guard_exe, payload, verdict,
};

use Verdict::{Allow, Deny};

/// What every self-protection deny says.
const KEEPS: &str = "keeps the agent's guard in place";

const CLAUDE_SETTINGS: &str = r#"{
  "permissions": {
    "allow": [
      "Bash(ls:*)"
    ]
  },
  "hooks": {
    "PreToolUse": [
      {
        "matcher": "*",
        "hooks": [
          {
            "type": "command",
            "command": "/usr/local/bin/protected-path-write-guard --host claude"
          }
        ]
      }
    ]
  }
}
"#;

const GEMINI_SETTINGS: &str = r#"{
  "ui": {
    "theme": "GitHub"
  },
  "model": {
    "name": "gemini-2.5-pro"
  },
  "hooks": {
    "BeforeTool": [
      {
        "matcher": "*",
        "hooks": [
          {
            "type": "command",
            "command": "/usr/local/bin/protected-path-write-guard --host gemini"
          }
        ]
      }
    ]
  }
}
"#;

const CURSOR_HOOKS: &str = r#"{
  "version": 1,
  "hooks": {
    "preToolUse": [
      {
        "command": "/usr/local/bin/protected-path-write-guard --host cursor"
      }
    ]
  }
}
"#;

const CODEX_HOOKS: &str = r#"{
  "hooks": {
    "PreToolUse": [
      {
        "matcher": "*",
        "hooks": [
          {
            "type": "command",
            "command": "/usr/local/bin/protected-path-write-guard --host codex"
          }
        ]
      }
    ]
  }
}
"#;

const CODEX_CONFIG: &str = "model = \"gpt-5.5-codex\"\n\n[features]\nhooks = true\n";

/// Which environment a case's guard runs in.
#[derive(Clone, Copy, Debug)]
enum Profile {
    /// HOME only: the default state root and user policy.
    Plain,
    /// `CODEX_HOME` set.
    CodexHome,
    /// `WAZIR_STATE_ROOT` set.
    StateRoot,
    /// `XDG_CONFIG_HOME` set: the user policy lives there.
    Xdg,
}

/// A fixture project with every host's settings installed, in the project and in HOME.
struct Guarded {
    fx: Fixture,
    /// The folder holding the project.
    parent: PathBuf,
    /// `WAZIR_STATE_ROOT` under [`Profile::StateRoot`].
    state: PathBuf,
    codex_home: PathBuf,
    xdg: PathBuf,
    /// The state root the guard derives when `WAZIR_STATE_ROOT` is unset.
    default_state: PathBuf,
}

fn put(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

impl Guarded {
    fn new() -> Guarded {
        let fx = Fixture::new();
        let parent = fx.root.parent().unwrap().to_path_buf();
        let trusted = json!({ fx.root.to_string_lossy(): "TRUST_FOLDER" }).to_string();
        for base in [&fx.root, &fx.home] {
            put(&base.join(".claude/settings.json"), CLAUDE_SETTINGS);
            put(&base.join(".cursor/hooks.json"), CURSOR_HOOKS);
            put(&base.join(".gemini/settings.json"), GEMINI_SETTINGS);
            put(&base.join(".gemini/trustedFolders.json"), &trusted);
            put(&base.join(".codex/hooks.json"), CODEX_HOOKS);
            put(&base.join(".codex/config.toml"), CODEX_CONFIG);
        }
        // settings.local.json exists at home only: the project's is created by a case.
        put(
            &fx.home.join(".claude/settings.local.json"),
            "{\"permissions\": {}}\n",
        );
        let codex_home = fx.home.join("codex-home");
        put(&codex_home.join("hooks.json"), CODEX_HOOKS);
        put(&codex_home.join("config.toml"), CODEX_CONFIG);
        let state = fx.home.join("state");
        put(&state.join("runs/r1/status.json"), "{}\n");
        let xdg = fx.home.join("xdg");
        put(&xdg.join("wazir-hooks/hooks.yaml"), "protected_paths: []\n");
        put(
            &fx.home.join(".config/wazir-hooks/hooks.yaml"),
            "protected_paths: []\n",
        );
        std::os::unix::fs::symlink(".claude", fx.root.join("cfg-link")).unwrap();
        std::os::unix::fs::symlink(".claude/settings.json", fx.root.join("settings-link.json"))
            .unwrap();
        let mut g = Guarded {
            fx,
            parent,
            state,
            codex_home,
            xdg,
            default_state: PathBuf::new(),
        };
        g.default_state = g.find_default_state();
        g
    }

    /// The default state root, as the guard made it when it recorded a denial.
    fn find_default_state(&self) -> PathBuf {
        let out = self.run(
            "claude",
            &self.shell("claude/pre_tool_use_bash.json", "rm -rf roles"),
            Profile::Plain,
        );
        assert_eq!(crate::harness::verdict("claude", &out), Deny);
        let projects = self.fx.home.join(".local/share/wazir/projects");
        let found: Vec<PathBuf> = std::fs::read_dir(&projects)
            .unwrap_or_else(|e| panic!("no default state root under {}: {e}", projects.display()))
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(found.len(), 1, "one project state root: {found:?}");
        found[0].clone()
    }

    fn env(&self, profile: Profile) -> Vec<(&'static str, String)> {
        let s = |p: &Path| p.to_string_lossy().into_owned();
        match profile {
            Profile::Plain => vec![],
            Profile::CodexHome => vec![("CODEX_HOME", s(&self.codex_home))],
            Profile::StateRoot => vec![("WAZIR_STATE_ROOT", s(&self.state))],
            Profile::Xdg => vec![("XDG_CONFIG_HOME", s(&self.xdg))],
        }
    }

    fn run(&self, host: &str, payload: &str, profile: Profile) -> Output {
        let env = self.env(profile);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.fx.run_env(host, payload, &env)
    }

    /// A path template with the fixture's places filled in.
    fn expand(&self, t: &str) -> String {
        let s = |p: &Path| p.to_string_lossy().into_owned();
        let guard = Path::new(guard_exe());
        t.replace("{root}", &s(&self.fx.root))
            .replace("{home}", &s(&self.fx.home))
            .replace("{parent}", &s(&self.parent))
            .replace("{guard_dir}", &s(guard.parent().unwrap()))
            .replace("{guard}", guard_exe())
            .replace("{state}", &s(&self.state))
            .replace("{codex_home}", &s(&self.codex_home))
            .replace("{xdg}", &s(&self.xdg))
            .replace("{default_state}", &s(&self.default_state))
    }

    fn shell(&self, template: &str, command: &str) -> String {
        payload(template, &self.fx.root, Some(command), None, None)
    }

    fn patch(&self, template: &str, patch: &str) -> String {
        payload(template, &self.fx.root, None, None, Some(patch))
    }
}

/// Single-quoted for the shell.
fn sq(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Every self-protected surface, as a file path on it, with the environment that makes
/// it one.
const SURFACES: &[(&str, Profile)] = &[
    ("{root}/wazir.hooks.yaml", Profile::Plain),
    ("{root}/wazir.manifest.yaml", Profile::Plain),
    ("{parent}/wazir.hooks.yaml", Profile::Plain),
    ("{parent}/wazir.manifest.yaml", Profile::Plain),
    ("{root}/sub/wazir.hooks.yaml", Profile::Plain),
    ("{root}/deep/er/wazir.manifest.yaml", Profile::Plain),
    ("{root}/.claude/settings.json", Profile::Plain),
    ("{root}/.claude/settings.local.json", Profile::Plain),
    ("{root}/.cursor/hooks.json", Profile::Plain),
    ("{root}/.gemini/settings.json", Profile::Plain),
    ("{root}/.gemini/trustedFolders.json", Profile::Plain),
    ("{root}/.codex/hooks.json", Profile::Plain),
    ("{root}/.codex/config.toml", Profile::Plain),
    ("{root}/cfg-link/settings.json", Profile::Plain),
    ("{home}/.claude/settings.json", Profile::Plain),
    ("{home}/.claude/settings.local.json", Profile::Plain),
    ("{home}/.cursor/hooks.json", Profile::Plain),
    ("{home}/.gemini/settings.json", Profile::Plain),
    ("{home}/.gemini/trustedFolders.json", Profile::Plain),
    ("{home}/.codex/hooks.json", Profile::Plain),
    ("{home}/.codex/config.toml", Profile::Plain),
    ("{codex_home}/hooks.json", Profile::CodexHome),
    ("{codex_home}/config.toml", Profile::CodexHome),
    ("/etc/claude-code/managed-settings.json", Profile::Plain),
    (
        "/Library/Application Support/ClaudeCode/managed-settings.json",
        Profile::Plain,
    ),
    ("/etc/cursor/hooks.json", Profile::Plain),
    ("/etc/gemini-cli/settings.json", Profile::Plain),
    ("/etc/codex/requirements.toml", Profile::Plain),
    ("{guard}", Profile::Plain),
    ("{guard_dir}/wazir-hooks", Profile::Plain),
    ("{guard_dir}/loop-cap-guard", Profile::Plain),
    ("{guard_dir}/post-tool-lint", Profile::Plain),
    ("{state}/runs/r1/status.json", Profile::StateRoot),
    ("{default_state}/runs/r1/status.json", Profile::Plain),
    ("{home}/.config/wazir-hooks/hooks.yaml", Profile::Plain),
    ("{xdg}/wazir-hooks/hooks.yaml", Profile::Xdg),
    // MCP server definitions, and folders whose files a host runs as hooks.
    ("{root}/.mcp.json", Profile::Plain),
    ("{home}/.claude.json", Profile::Plain),
    ("{root}/.cursor/mcp.json", Profile::Plain),
    ("{home}/.cursor/mcp.json", Profile::Plain),
    ("{root}/.claude/hooks/format.sh", Profile::Plain),
    ("{home}/.claude/plugins/p/hooks/hooks.json", Profile::Plain),
    (
        "{root}/.gemini/extensions/e/hooks/hooks.json",
        Profile::Plain,
    ),
    (
        "{home}/.gemini/extensions/e/gemini-extension.json",
        Profile::Plain,
    ),
    ("{home}/.codex/plugins/p/hooks/hooks.json", Profile::Plain),
    (
        "{codex_home}/plugins/p/hooks/hooks.json",
        Profile::CodexHome,
    ),
    ("{home}/.codex/managed_config.toml", Profile::Plain),
    ("{codex_home}/managed_config.toml", Profile::CodexHome),
];

/// Shell commands that change `{t}` (quoted), with `{src}` an ordinary project file.
const SHELL_ATTACKS: &[&str] = &[
    "echo pwned > {t}",
    "echo pwned >> {t}",
    "rm -f {t}",
    "mv {src} {t}",
    "mv {t} {root}/notes/moved",
    "cp {src} {t}",
    "chmod 000 {t}",
    "ln -sf {src} {t}",
    "sed -i 's/a/b/' {t}",
    "echo pwned | tee {t}",
    "truncate -s 0 {t}",
    "dd if=/dev/null of={t}",
    // `-m 644` is a mode, not a source: the destination is the file written.
    "install -m 644 {src} {t}",
];

/// Shell commands that only read `{t}`.
const SHELL_READS: &[&str] = &[
    "cat {t}",
    "head -n 5 {t}",
    "grep -c hooks {t}",
    "wc -c {t}",
    "ls -l {t}",
    "diff {t} {src}",
    "cp {t} {root}/notes/copy.txt",
];

fn shell_command(g: &Guarded, template: &str, target: &str) -> String {
    template
        .replace("{t}", &sq(target))
        .replace("{src}", &sq(&g.expand("{root}/notes/todo.md")))
        .replace("{root}", &sq(&g.expand("{root}")))
}

#[test]
fn every_surface_through_every_shell_tool() {
    let g = Guarded::new();
    let mut t = Tally::default();
    for (surface, profile) in SURFACES {
        let target = g.expand(surface);
        for (host, template) in SHELL_TOOLS {
            for attack in SHELL_ATTACKS {
                let command = shell_command(&g, attack, &target);
                let out = g.run(host, &g.shell(template, &command), *profile);
                t.check(
                    &format!("{template} `{command}`"),
                    host,
                    &out,
                    Deny,
                    &[KEEPS],
                );
            }
            for read in SHELL_READS {
                let command = shell_command(&g, read, &target);
                let out = g.run(host, &g.shell(template, &command), *profile);
                t.check(&format!("{template} `{command}`"), host, &out, Allow, &[]);
            }
        }
    }
    t.finish(
        "self-protected surfaces through the shell",
        SURFACES.len() * SHELL_TOOLS.len() * (SHELL_ATTACKS.len() + SHELL_READS.len()),
    );
}

/// File tools with `__PATH__`: their fixed content or replacement is not a change the
/// guard could accept on any surface (not valid JSON, YAML keys, or a missing `old`).
const FILE_TOOLS: &[(&str, &str)] = &[
    ("claude", "claude/pre_tool_use_write.json"),
    ("claude", "claude/pre_tool_use_edit.json"),
    ("claude", "claude/pre_tool_use_multiedit.json"),
    ("claude", "claude/pre_tool_use_notebookedit.json"),
    ("claude", "claude/pre_tool_use_mcp_write_file.json"),
    ("cursor", "cursor/pre_tool_use_write.json"),
    ("cursor", "cursor/pre_tool_use_strreplace.json"),
    ("cursor", "cursor/pre_tool_use_delete.json"),
    ("cursor", "cursor/pre_tool_use_search_replace.json"),
    ("cursor", "cursor/pre_tool_use_mcp.json"),
    ("gemini", "gemini/before_tool_write_file.json"),
    ("gemini", "gemini/before_tool_replace.json"),
    ("gemini", "gemini/before_tool_smart_edit.json"),
    ("gemini", "gemini/before_tool_mcp_write_file.json"),
    ("codex", "codex/pre_tool_use_mcp_write_file.json"),
];

/// apply_patch envelopes that change `{p}`.
const PATCHES: &[&str] = &[
    "*** Begin Patch\n*** Update File: {p}\n@@\n-a\n+b\n*** End Patch\n",
    "*** Begin Patch\n*** Delete File: {p}\n*** End Patch\n",
    "*** Begin Patch\n*** Add File: {p}\n+pwned\n*** End Patch\n",
    "*** Begin Patch\n*** Update File: notes/todo.md\n*** Move to: {p}\n@@\n-todo\n+pwned\n*** End Patch\n",
    "*** Begin Patch\n*** Update File: {p}\n*** Move to: notes/moved\n@@\n-a\n+b\n*** End Patch\n",
];

const PATCH_TOOLS: &[(&str, &str)] = &[
    ("codex", "codex/pre_tool_use_apply_patch.json"),
    ("cursor", "cursor/pre_tool_use_applypatch.json"),
];

const READ_TOOLS: &[(&str, &str)] = &[
    ("claude", "claude/pre_tool_use_read.json"),
    ("cursor", "cursor/pre_tool_use_read.json"),
    ("gemini", "gemini/before_tool_read_file.json"),
];

#[test]
fn every_surface_through_every_file_tool() {
    let g = Guarded::new();
    let mut t = Tally::default();
    for (surface, profile) in SURFACES {
        let target = g.expand(surface);
        for (host, template) in FILE_TOOLS {
            let p = payload(template, &g.fx.root, None, Some(&target), None);
            let out = g.run(host, &p, *profile);
            t.check(&format!("{template} {target}"), host, &out, Deny, &[KEEPS]);
        }
        for (host, template) in PATCH_TOOLS {
            for patch in PATCHES {
                let text = patch.replace("{p}", &target);
                let out = g.run(host, &g.patch(template, &text), *profile);
                t.check(&format!("{template} {text:?}"), host, &out, Deny, &[KEEPS]);
            }
        }
        for (host, template) in READ_TOOLS {
            let p = payload(template, &g.fx.root, None, Some(&target), None);
            let out = g.run(host, &p, *profile);
            t.check(&format!("{template} {target}"), host, &out, Allow, &[]);
        }
    }
    t.finish(
        "self-protected surfaces through file tools",
        SURFACES.len() * (FILE_TOOLS.len() + PATCH_TOOLS.len() * PATCHES.len() + READ_TOOLS.len()),
    );
}

/// Whole folders and bulk commands that reach a self-protected file.
#[test]
fn folders_holding_guarded_files() {
    let g = Guarded::new();
    let cases: &[(&str, Verdict)] = &[
        ("rm -rf {root}/.claude", Deny),
        ("mv {root}/.codex {root}/codex.bak", Deny),
        ("mv {root}/.cursor /tmp/wazir-it-cursor", Deny),
        ("rm -rf {home}/.gemini", Deny),
        ("rm -rf /etc/codex", Deny),
        ("rm -rf /etc/claude-code", Deny),
        ("rm .claude/*", Deny),
        ("rm -f wazir.*", Deny),
        ("rm -f *.yaml", Deny),
        ("rm .c*/settings.json", Deny),
        ("rm -rf {root}", Deny),
        ("mv {parent} /tmp/wazir-it-moved", Deny),
        ("echo x > {root}/settings-link.json", Deny),
        ("sed -i s/a/b/ {root}/settings-link.json", Deny),
        // Removing or renaming the link itself leaves the settings file alone.
        ("rm {root}/settings-link.json", Allow),
        // `mv` of a symlink renames the link, not the settings file it points at.
        ("mv {root}/settings-link.json {root}/notes/link.json", Allow),
        ("rm -rf {root}/notes", Allow),
        ("echo x > {root}/.claude/notes.md", Allow),
        ("echo x > {root}/.codex/AGENTS.md", Allow),
        ("echo x > {home}/.gemini/GEMINI.md", Allow),
        // `find` must look wherever a guarded file can be, whatever protected_paths say.
        ("find {root}/.claude -delete", Deny),
        ("find . -name settings.json -delete", Deny),
        ("find . -name wazir.hooks.yaml -delete", Deny),
        ("find . -name 'wazir.*.yaml' -exec rm {} +", Deny),
        ("find {home}/.config/wazir-hooks -delete", Deny),
        ("find {home}/.local/share/wazir -delete", Deny),
    ];
    let mut t = Tally::default();
    // With the fixture's `**/.env` pattern, then with literal entries only.
    for config in [None, Some("protected_paths:\n  - \"secrets/key.pem\"\n")] {
        if let Some(text) = config {
            put(&g.fx.root.join("wazir.hooks.yaml"), text);
        }
        for (host, template) in SHELL_TOOLS {
            for (command, expect) in cases {
                let command = g.expand(command);
                let out = g.run(host, &g.shell(template, &command), Profile::Plain);
                t.check(
                    &format!("{template} `{command}` (wazir.hooks.yaml: {config:?})"),
                    host,
                    &out,
                    *expect,
                    &[],
                );
            }
        }
    }
    t.finish(
        "folders holding guarded files",
        2 * SHELL_TOOLS.len() * cases.len(),
    );
}

/// Reads and the read-only CLI through every shell tool.
#[test]
fn reading_guarded_files_is_allowed() {
    let g = Guarded::new();
    let commands = [
        "cat .claude/settings.json",
        "cat wazir.hooks.yaml wazir.manifest.yaml",
        "jq .hooks .claude/settings.json",
        "grep -rn hooks .claude .gemini .cursor .codex",
        "cat ~/.codex/config.toml",
        "ls -la ~/.config/wazir-hooks",
        "wazir-hooks status",
        "cp wazir.hooks.yaml /tmp/wazir-it-backup.yaml",
    ];
    let mut t = Tally::default();
    for (host, template) in SHELL_TOOLS {
        for command in commands {
            let out = g.run(host, &g.shell(template, command), Profile::Plain);
            t.check(&format!("{template} `{command}`"), host, &out, Allow, &[]);
        }
    }
    t.finish("reads of guarded files", SHELL_TOOLS.len() * commands.len());
}

/// `tool_input` fields that rewrite a whole file.
fn content(text: &str) -> Value {
    json!({ "content": text })
}

fn replace(old: &str, new: &str) -> Value {
    json!({ "old_string": old, "new_string": new })
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap() + "\n"
}

/// Claude settings (as installed) with `f` applied.
fn claude_with(f: impl FnOnce(&mut Value)) -> String {
    let mut v: Value = serde_json::from_str(CLAUDE_SETTINGS).unwrap();
    f(&mut v);
    pretty(&v)
}

fn gemini_with(f: impl FnOnce(&mut Value)) -> String {
    let mut v: Value = serde_json::from_str(GEMINI_SETTINGS).unwrap();
    f(&mut v);
    pretty(&v)
}

/// Whole-content rewrites of Claude's settings, with the expected answer.
fn claude_rewrites() -> Vec<(&'static str, String, Verdict)> {
    vec![
        (
            "adds a permission rule",
            claude_with(|v| {
                v["permissions"]["allow"]
                    .as_array_mut()
                    .unwrap()
                    .push("Bash(git status:*)".into())
            }),
            Allow,
        ),
        (
            "sets the model",
            claude_with(|v| v["model"] = "opus".into()),
            Allow,
        ),
        (
            "adds a folder Claude Code also loads skills and settings from",
            claude_with(|v| v["permissions"]["additionalDirectories"] = json!(["/tmp/elsewhere"])),
            Deny,
        ),
        (
            "drops the hooks",
            claude_with(|v| {
                v.as_object_mut().unwrap().remove("hooks");
            }),
            Deny,
        ),
        (
            "adds disableAllHooks",
            claude_with(|v| v["disableAllHooks"] = true.into()),
            Deny,
        ),
        (
            "adds an env key",
            claude_with(|v| v["env"] = json!({ "WAZIR_APPROVED_FLOW": "pipeline_integration" })),
            Deny,
        ),
        (
            "adds a second hook",
            claude_with(|v| {
                v["hooks"]["PreToolUse"][0]["hooks"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({ "type": "command", "command": "true" }))
            }),
            Deny,
        ),
        (
            "adds a second matcher group",
            claude_with(|v| {
                v["hooks"]["PostToolUse"] =
                    json!([{ "hooks": [{ "type": "command", "command": "true" }] }])
            }),
            Deny,
        ),
        (
            "adds a statusLine command",
            claude_with(|v| v["statusLine"] = json!({ "type": "command", "command": "sh x" })),
            Deny,
        ),
        ("is not JSON", "{ hooks: ".into(), Deny),
    ]
}

/// Replacements in Claude's settings, with the expected answer.
const CLAUDE_EDITS: &[(&str, &str, &str, Verdict)] = &[
    (
        "adds a permission rule",
        "\"Bash(ls:*)\"",
        "\"Bash(ls:*)\",\n      \"Bash(git status:*)\"",
        Allow,
    ),
    (
        "sets the model",
        "\"permissions\": {",
        "\"model\": \"opus\",\n  \"permissions\": {",
        Allow,
    ),
    (
        "adds disableAllHooks",
        "\"hooks\": {\n    \"PreToolUse\"",
        "\"disableAllHooks\": true,\n  \"hooks\": {\n    \"PreToolUse\"",
        Deny,
    ),
    (
        "adds an env key",
        "\"permissions\": {",
        "\"env\": {\"WAZIR_APPROVED_FLOW\": \"pipeline_integration\"},\n  \"permissions\": {",
        Deny,
    ),
    (
        "narrows the hook's matcher",
        "\"matcher\": \"*\"",
        "\"matcher\": \"NoSuchTool\"",
        Deny,
    ),
    (
        "adds a second hook",
        "\"hooks\": [\n          {",
        "\"hooks\": [\n          {\"type\": \"command\", \"command\": \"true\"},\n          {",
        Deny,
    ),
    (
        "drops the hooks",
        ",\n  \"hooks\": {",
        ",\n  \"unused\": {",
        Deny,
    ),
];

#[test]
fn settings_edits_that_keep_the_hooks() {
    let g = Guarded::new();
    let mut t = Tally::default();
    let mut check = |host: &str, template: &str, path: &str, fields: Value, expect, what: &str| {
        let path = g.expand(path);
        let p = file_tool_payload(template, &g.fx.root, &path, &fields);
        let profile = if path.starts_with(&g.expand("{codex_home}")) {
            Profile::CodexHome
        } else {
            Profile::Plain
        };
        let out = g.run(host, &p, profile);
        let needle = (expect == Deny).then_some(KEEPS);
        t.check(
            &format!("{template} {path}: {what}"),
            host,
            &out,
            expect,
            needle.as_slice(),
        );
    };

    // Claude's settings: whole content (Claude Write, Cursor Write), in the project, at
    // home, by a relative path and through a symlinked folder.
    for path in [
        "{root}/.claude/settings.json",
        "{home}/.claude/settings.json",
        ".claude/settings.json",
        "{root}/cfg-link/settings.json",
    ] {
        for (host, template) in [
            ("claude", "claude/pre_tool_use_write.json"),
            ("cursor", "cursor/pre_tool_use_write.json"),
        ] {
            for (what, text, expect) in claude_rewrites() {
                check(host, template, path, content(&text), expect, what);
            }
        }
        // Replacements (Claude Edit, Cursor StrReplace and search_replace).
        for (host, template) in [
            ("claude", "claude/pre_tool_use_edit.json"),
            ("cursor", "cursor/pre_tool_use_strreplace.json"),
            ("cursor", "cursor/pre_tool_use_search_replace.json"),
        ] {
            for (what, old, new, expect) in CLAUDE_EDITS {
                check(host, template, path, replace(old, new), *expect, what);
            }
        }
    }
    // MultiEdit: every edit must keep the hooks.
    let multi = |edits: &[(&str, &str)]| json!({ "edits": edits.iter().map(|(o, n)| json!({ "old_string": o, "new_string": n })).collect::<Vec<_>>() });
    check(
        "claude",
        "claude/pre_tool_use_multiedit.json",
        "{root}/.claude/settings.json",
        multi(&[
            (CLAUDE_EDITS[0].1, CLAUDE_EDITS[0].2),
            (CLAUDE_EDITS[1].1, CLAUDE_EDITS[1].2),
        ]),
        Allow,
        "adds a rule and sets the model",
    );
    check(
        "claude",
        "claude/pre_tool_use_multiedit.json",
        "{root}/.claude/settings.json",
        multi(&[
            (CLAUDE_EDITS[0].1, CLAUDE_EDITS[0].2),
            (CLAUDE_EDITS[2].1, CLAUDE_EDITS[2].2),
        ]),
        Deny,
        "adds a rule, then disableAllHooks",
    );
    // A new settings.local.json: only editable keys may appear in it.
    for (text, expect, what) in [
        (
            "{\"permissions\": {\"allow\": [\"Bash(ls:*)\"]}}\n",
            Allow,
            "creates it with a permission rule",
        ),
        (
            "{\"disableAllHooks\": true}\n",
            Deny,
            "creates it with disableAllHooks",
        ),
        (
            "{\"hooks\": {\"PreToolUse\": []}}\n",
            Deny,
            "creates it with hooks",
        ),
    ] {
        check(
            "claude",
            "claude/pre_tool_use_write.json",
            "{root}/.claude/settings.local.json",
            content(text),
            expect,
            what,
        );
    }

    // Gemini CLI's settings: only `ui`, `model`, `context` may change.
    let gemini_rewrites = [
        (
            "changes the theme and the model",
            gemini_with(|v| {
                v["ui"]["theme"] = "Dracula".into();
                v["model"]["name"] = "gemini-3-pro".into();
            }),
            Allow,
        ),
        (
            "drops the hooks",
            gemini_with(|v| {
                v.as_object_mut().unwrap().remove("hooks");
            }),
            Deny,
        ),
        (
            "switches hooks off",
            gemini_with(|v| v["hooksConfig"] = json!({ "enabled": false })),
            Deny,
        ),
        (
            "adds a tool discovery command",
            gemini_with(|v| v["tools"] = json!({ "discoveryCommand": "sh x" })),
            Deny,
        ),
        (
            "adds an MCP server",
            gemini_with(|v| v["mcpServers"] = json!({ "x": { "command": "sh" } })),
            Deny,
        ),
        (
            "adds a second hook",
            gemini_with(|v| {
                v["hooks"]["BeforeTool"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({ "hooks": [{ "type": "command", "command": "true" }] }))
            }),
            Deny,
        ),
    ];
    for path in [
        "{root}/.gemini/settings.json",
        "{home}/.gemini/settings.json",
    ] {
        for (what, text, expect) in &gemini_rewrites {
            check(
                "gemini",
                "gemini/before_tool_write_file.json",
                path,
                content(text),
                *expect,
                what,
            );
        }
        for template in [
            "gemini/before_tool_replace.json",
            "gemini/before_tool_smart_edit.json",
        ] {
            check(
                "gemini",
                template,
                path,
                replace("\"theme\": \"GitHub\"", "\"theme\": \"Dracula\""),
                Allow,
                "changes the theme",
            );
            check(
                "gemini",
                template,
                path,
                replace("\"matcher\": \"*\"", "\"matcher\": \"none\""),
                Deny,
                "narrows the matcher",
            );
        }
    }

    // Codex's config.toml: only the model may change, whichever host's file tool
    // writes it.
    let codex_rewrites = [
        (
            "changes only the model",
            CODEX_CONFIG.replace("gpt-5.5-codex", "o3"),
            Allow,
        ),
        (
            "switches hooks off",
            CODEX_CONFIG.replace("hooks = true", "hooks = false"),
            Deny,
        ),
        (
            "adds an MCP server",
            format!("{CODEX_CONFIG}\n[mcp_servers.x]\ncommand = \"sh\"\n"),
            Deny,
        ),
        (
            "adds notify",
            format!("notify = [\"sh\", \"x\"]\n{CODEX_CONFIG}"),
            Deny,
        ),
    ];
    for path in [
        "{root}/.codex/config.toml",
        "{home}/.codex/config.toml",
        "{codex_home}/config.toml",
    ] {
        for (host, template) in [
            ("claude", "claude/pre_tool_use_write.json"),
            ("cursor", "cursor/pre_tool_use_write.json"),
            ("gemini", "gemini/before_tool_write_file.json"),
        ] {
            for (what, text, expect) in &codex_rewrites {
                check(host, template, path, content(text), *expect, what);
            }
        }
        check(
            "claude",
            "claude/pre_tool_use_edit.json",
            path,
            replace("hooks = true", "hooks = false"),
            Deny,
            "switches hooks off",
        );
        check(
            "claude",
            "claude/pre_tool_use_edit.json",
            path,
            replace("\"gpt-5.5-codex\"", "\"o3\""),
            Allow,
            "changes only the model",
        );
    }

    // Files where nothing is the agent's to change.
    check(
        "cursor",
        "cursor/pre_tool_use_write.json",
        "{root}/.cursor/hooks.json",
        content(&CURSOR_HOOKS.replace("\"version\": 1", "\"version\": 2")),
        Deny,
        "changes the version",
    );
    check(
        "cursor",
        "cursor/pre_tool_use_strreplace.json",
        "{home}/.cursor/hooks.json",
        replace("--host cursor", "--host cursor --dry-run"),
        Deny,
        "changes the hook's command",
    );
    check(
        "gemini",
        "gemini/before_tool_write_file.json",
        "{home}/.gemini/trustedFolders.json",
        content("{\"/\": \"TRUST_FOLDER\"}\n"),
        Deny,
        "trusts another folder",
    );
    check(
        "claude",
        "claude/pre_tool_use_write.json",
        "{root}/.codex/hooks.json",
        content("{\"hooks\": {}}\n"),
        Deny,
        "drops Codex's hooks",
    );
    t.finish("settings edits", 227);
}

#[test]
fn apply_patch_results_on_settings_are_computed() {
    let g = Guarded::new();
    let mut t = Tally::default();
    // An envelope applied exactly may change only harmless keys; one whose hunk does not
    // match the file line for line is not computed, and is denied.
    let patches = [
        (
            "{root}/.codex/config.toml",
            "@@\n-model = \"gpt-5.5-codex\"\n+model = \"o3\"\n",
            Allow,
        ),
        (
            "{root}/.codex/config.toml",
            "@@\n [features]\n-hooks = true\n+hooks = false\n",
            Deny,
        ),
        (
            "{home}/.codex/config.toml",
            "@@\n-model = \"gpt-5.5-codex\"\n+model = \"o3\"\n",
            Allow,
        ),
        (
            "{root}/.claude/settings.json",
            "@@\n-      \"Bash(ls:*)\"\n+      \"Bash(ls:*)\", \"Bash(pwd)\"\n",
            Allow,
        ),
        (
            "{root}/.claude/settings.json",
            "@@\n-  \"hooks\": {\n+  \"disableAllHooks\": true,\n+  \"hooks\": {\n",
            Deny,
        ),
        (
            "{root}/wazir.manifest.yaml",
            "@@\n-{\"manifest_version\": 2,\n+{\"manifest_version\": 2, \"description\": \"x\",\n",
            Deny,
        ),
    ];
    for (path, hunk, expect) in patches {
        for relative in [false, true] {
            let mut path = g.expand(path);
            if relative {
                path = path
                    .strip_prefix(&format!("{}/", g.fx.root.display()))
                    .map(str::to_owned)
                    .unwrap_or(path);
            }
            let text = format!("*** Begin Patch\n*** Update File: {path}\n{hunk}*** End Patch\n");
            for (host, template) in PATCH_TOOLS {
                let out = g.run(host, &g.patch(template, &text), Profile::Plain);
                let needles: &[&str] = if expect == Deny { &[KEEPS] } else { &[] };
                t.check(&format!("{template} {text:?}"), host, &out, expect, needles);
            }
        }
    }
    t.finish("apply_patch on guarded files", 24);
}

const MANIFEST: &str = "{\"manifest_version\": 2, \"project\": {\"name\": \"fixture\"}, \"protected_paths\": [\"input\", \"roles\", \"workflows\", \"schemas\", \"exports/hosts\"]}\n";

#[test]
fn manifest_and_guard_configuration_edits() {
    let g = Guarded::new();
    assert_eq!(
        std::fs::read_to_string(g.fx.root.join("wazir.manifest.yaml")).unwrap(),
        MANIFEST,
        "the fixture's manifest changed: update MANIFEST"
    );
    let unrelated = MANIFEST.replace(
        "\"manifest_version\": 2,",
        "\"manifest_version\": 2, \"description\": \"notes\",",
    );
    let as_block = "manifest_version: 2\nproject:\n  name: fixture\nprotected_paths: [input, roles, workflows, schemas, exports/hosts]\ndescription: rewritten as block YAML\n";
    let rewrites: Vec<(&str, String, Verdict)> = vec![
        ("adds an unrelated key", unrelated.clone(), Allow),
        (
            "rewrites it as block YAML, same keys",
            as_block.into(),
            Allow,
        ),
        (
            "drops roles from protected_paths",
            MANIFEST.replace("\"roles\", ", ""),
            Deny,
        ),
        (
            "renames the project",
            MANIFEST.replace("\"fixture\"", "\"other\""),
            Deny,
        ),
        (
            "sets paths.state_root_default",
            MANIFEST.replace(
                "\"manifest_version\": 2,",
                "\"manifest_version\": 2, \"paths\": {\"state_root_default\": \"/tmp/x\"},",
            ),
            Deny,
        ),
        (
            "sets another key under paths",
            MANIFEST.replace(
                "\"manifest_version\": 2,",
                "\"manifest_version\": 2, \"paths\": {\"docs\": \"docs\"},",
            ),
            Allow,
        ),
        ("empties it", String::new(), Deny),
    ];
    let edits: &[(&str, &str, &str, Verdict)] = &[
        (
            "adds an unrelated key",
            "\"manifest_version\": 2,",
            "\"manifest_version\": 2, \"description\": \"notes\",",
            Allow,
        ),
        ("drops roles from protected_paths", "\"roles\", ", "", Deny),
        (
            "renames the project",
            "\"name\": \"fixture\"",
            "\"name\": \"other\"",
            Deny,
        ),
    ];
    let mut t = Tally::default();
    let path = g.expand("{root}/wazir.manifest.yaml");
    for (host, template) in [
        ("claude", "claude/pre_tool_use_write.json"),
        ("cursor", "cursor/pre_tool_use_write.json"),
        ("gemini", "gemini/before_tool_write_file.json"),
    ] {
        for (what, text, expect) in &rewrites {
            let p = file_tool_payload(template, &g.fx.root, &path, &content(text));
            let out = g.run(host, &p, Profile::Plain);
            let needle = (*expect == Deny).then_some(KEEPS);
            t.check(
                &format!("{template}: {what}"),
                host,
                &out,
                *expect,
                needle.as_slice(),
            );
        }
    }
    for (host, template) in [
        ("claude", "claude/pre_tool_use_edit.json"),
        ("cursor", "cursor/pre_tool_use_strreplace.json"),
        ("cursor", "cursor/pre_tool_use_search_replace.json"),
        ("gemini", "gemini/before_tool_replace.json"),
        ("gemini", "gemini/before_tool_smart_edit.json"),
    ] {
        for (what, old, new, expect) in edits {
            let p = file_tool_payload(template, &g.fx.root, &path, &replace(old, new));
            let out = g.run(host, &p, Profile::Plain);
            let needle = (*expect == Deny).then_some(KEEPS);
            t.check(
                &format!("{template}: {what}"),
                host,
                &out,
                *expect,
                needle.as_slice(),
            );
        }
    }
    // wazir.hooks.yaml: any change; a new one anywhere in reach.
    const WRITES: &[(&str, &str)] = &[
        ("claude", "claude/pre_tool_use_write.json"),
        ("cursor", "cursor/pre_tool_use_write.json"),
        ("gemini", "gemini/before_tool_write_file.json"),
    ];
    const EDITS: &[(&str, &str)] = &[
        ("claude", "claude/pre_tool_use_edit.json"),
        ("cursor", "cursor/pre_tool_use_strreplace.json"),
        ("gemini", "gemini/before_tool_replace.json"),
    ];
    let empty = content("protected_paths: []\n");
    let config_cases = [
        (
            "{root}/wazir.hooks.yaml",
            replace("\"**/.env\"", "\"**/.env.none\""),
            "edits a pattern",
            EDITS,
        ),
        (
            "{root}/wazir.hooks.yaml",
            empty.clone(),
            "empties protected_paths",
            WRITES,
        ),
        (
            "{root}/sub/wazir.hooks.yaml",
            empty.clone(),
            "creates a nested one",
            WRITES,
        ),
        (
            "{root}/sub/wazir.manifest.yaml",
            content(MANIFEST),
            "creates a nested manifest",
            WRITES,
        ),
        (
            "{parent}/wazir.hooks.yaml",
            empty,
            "creates one above the project",
            WRITES,
        ),
    ];
    for (path, fields, what, tools) in config_cases {
        let path = g.expand(path);
        for (host, template) in tools {
            let p = file_tool_payload(template, &g.fx.root, &path, &fields);
            let out = g.run(host, &p, Profile::Plain);
            t.check(
                &format!("{template} {path}: {what}"),
                host,
                &out,
                Deny,
                &[KEEPS],
            );
        }
    }
    t.finish("manifest and guard configuration edits", 45);
}

#[test]
fn nested_configs_and_copies_out_of_reach() {
    let g = Guarded::new();
    let copy = format!("/tmp/wazir-it-copy-{}", std::process::id());
    let cases: Vec<(String, Verdict)> = vec![
        (
            "echo 'protected_paths: []' > sub/wazir.hooks.yaml".into(),
            Deny,
        ),
        ("mkdir -p sub && touch sub/wazir.hooks.yaml".into(), Deny),
        ("cp wazir.hooks.yaml sub/wazir.hooks.yaml".into(), Deny),
        (
            "mkdir -p deep/er && cp wazir.manifest.yaml deep/er/".into(),
            Deny,
        ),
        ("cd src && echo '{}' > wazir.manifest.yaml".into(), Deny),
        ("echo x > ../wazir.hooks.yaml".into(), Deny),
        (
            "mkdir -p sub/.claude && echo '{}' > sub/.claude/settings.json".into(),
            Deny,
        ),
        (format!("cp -a . {copy}"), Allow),
        (format!("cp -r . {copy}-r"), Allow),
        (format!("cp wazir.hooks.yaml {copy}.yaml"), Allow),
        (
            format!("mkdir -p {copy}/x && echo '{{}}' > {copy}/x/wazir.hooks.yaml"),
            Allow,
        ),
        // A copy into a sibling of the project is not in reach of root discovery.
        ("cp -a . ../snapshot-copy".into(), Allow),
    ];
    let mut t = Tally::default();
    for (host, template) in SHELL_TOOLS {
        for (command, expect) in &cases {
            let out = g.run(host, &g.shell(template, command), Profile::Plain);
            t.check(&format!("{template} `{command}`"), host, &out, *expect, &[]);
        }
    }
    t.finish("nested configs and copies", SHELL_TOOLS.len() * cases.len());
}

#[test]
fn our_binaries_but_not_their_neighbours() {
    let g = Guarded::new();
    let cases: &[(&str, Verdict)] = &[
        ("cp /bin/true {guard}", Deny),
        ("cp /bin/true {guard_dir}/wazir-hooks", Deny),
        ("cp /bin/true {guard_dir}/session-start", Deny),
        ("ln -sf /bin/true {guard}", Deny),
        ("mv {guard} {guard_dir}/old-guard", Deny),
        ("rm -rf {guard_dir}", Deny),
        ("chmod -x {guard}", Deny),
        // The folder's mode decides whether the host can run any program in it.
        ("chmod a-x {guard_dir}", Deny),
        ("chown nobody {guard_dir}", Deny),
        ("chmod 000 {home}/.config", Deny),
        ("cp /bin/true {guard_dir}/not-ours.txt", Allow),
        ("echo x > {guard_dir}/not-ours.txt", Allow),
        ("rm -f {guard_dir}/not-ours.txt", Allow),
        ("cat {guard} > /dev/null", Allow),
        // `find` must look into the programs' folder.
        (
            "find {guard_dir} -name protected-path-write-guard -delete",
            Deny,
        ),
        ("find {guard_dir} -type f -exec chmod -x {} +", Deny),
        ("find {guard_dir} -name 'not-ours*' -print", Allow),
    ];
    let mut t = Tally::default();
    for (host, template) in SHELL_TOOLS {
        for (command, expect) in cases {
            let command = g.expand(command);
            let out = g.run(host, &g.shell(template, &command), Profile::Plain);
            let needle = (*expect == Deny).then_some(KEEPS);
            t.check(
                &format!("{template} `{command}`"),
                host,
                &out,
                *expect,
                needle.as_slice(),
            );
        }
    }
    let file_cases = [("{guard}", Deny), ("{guard_dir}/not-ours.txt", Allow)];
    for (path, expect) in file_cases {
        let path = g.expand(path);
        for (host, template) in FILE_TOOLS {
            let out = g.run(
                host,
                &payload(template, &g.fx.root, None, Some(&path), None),
                Profile::Plain,
            );
            t.check(&format!("{template} {path}"), host, &out, expect, &[]);
        }
        let add = format!("*** Begin Patch\n*** Add File: {path}\n+x\n*** End Patch\n");
        for (host, template) in PATCH_TOOLS {
            let out = g.run(host, &g.patch(template, &add), Profile::Plain);
            t.check(&format!("{template} add {path}"), host, &out, expect, &[]);
        }
    }
    t.finish(
        "our binaries",
        SHELL_TOOLS.len() * cases.len() + 2 * (FILE_TOOLS.len() + PATCH_TOOLS.len()),
    );
}

#[test]
fn the_state_root_and_the_user_policy() {
    let g = Guarded::new();
    let cases: &[(&str, Profile, Verdict)] = &[
        ("rm -rf $WAZIR_STATE_ROOT/runs", Profile::StateRoot, Deny),
        ("rm -rf \"$WAZIR_STATE_ROOT\"", Profile::StateRoot, Deny),
        ("rm -rf {state}", Profile::StateRoot, Deny),
        (
            "echo '{}' > $WAZIR_STATE_ROOT/runs/r1/status.json",
            Profile::StateRoot,
            Deny,
        ),
        ("mv {state} /tmp/wazir-it-state", Profile::StateRoot, Deny),
        ("ls $WAZIR_STATE_ROOT/runs", Profile::StateRoot, Allow),
        ("cat {state}/runs/r1/status.json", Profile::StateRoot, Allow),
        ("rm -rf ~/.local/share/wazir", Profile::Plain, Deny),
        ("rm -rf {default_state}/runs", Profile::Plain, Deny),
        (
            "mv {default_state} /tmp/wazir-it-state",
            Profile::Plain,
            Deny,
        ),
        ("rm -rf ~/.local/share/other-tool", Profile::Plain, Allow),
        ("rm -rf ~/.config/wazir-hooks", Profile::Plain, Deny),
        (
            "echo 'protected_paths: []' > ~/.config/wazir-hooks/hooks.yaml",
            Profile::Plain,
            Deny,
        ),
        ("rm -rf ~/.config", Profile::Plain, Deny),
        ("mkdir -p ~/.config/wazir-hooks/extra", Profile::Plain, Deny),
        (
            "echo x > ~/.config/other-tool/x.yaml",
            Profile::Plain,
            Allow,
        ),
        ("rm -rf $XDG_CONFIG_HOME/wazir-hooks", Profile::Xdg, Deny),
        (
            "echo 'protected_paths: []' > {xdg}/wazir-hooks/hooks.yaml",
            Profile::Xdg,
            Deny,
        ),
        ("cat {xdg}/wazir-hooks/hooks.yaml", Profile::Xdg, Allow),
    ];
    let mut t = Tally::default();
    for (host, template) in SHELL_TOOLS {
        for (command, profile, expect) in cases {
            let command = g.expand(command);
            let out = g.run(host, &g.shell(template, &command), *profile);
            let needle = (*expect == Deny).then_some(KEEPS);
            t.check(
                &format!("{template} `{command}` ({profile:?})"),
                host,
                &out,
                *expect,
                needle.as_slice(),
            );
        }
    }
    t.finish(
        "state root and user policy",
        SHELL_TOOLS.len() * cases.len(),
    );
}

/// `wazir-hooks` commands that switch the guard off or lift a loop cap.
const OPERATOR_COMMANDS: &[&str] = &[
    "wazir-hooks uninstall",
    "wazir-hooks uninstall --host claude",
    "wazir-hooks loop reset --phase execute",
    "wazir-hooks loop raise --phase execute --by 5",
    "wazir-hooks install --trust",
    "wazir-hooks install --host codex --trust",
    "wazir-hooks capture event --event phase_loop --phase execute --loop-count 1",
    "wazir-hooks capture event --event phase_loop --phase execute --loop-count=1",
    "wazir-hooks --run r1 loop reset --phase execute",
    "wazir-hooks --state-root /tmp/x uninstall",
    "/usr/local/bin/wazir-hooks uninstall",
    "~/.local/bin/wazir-hooks loop raise --phase execute",
    "bash -c 'wazir-hooks uninstall'",
    "sh -c \"wazir-hooks loop reset --phase execute\"",
    "bash -lc '/usr/local/bin/wazir-hooks install --trust'",
    "cd /tmp && wazir-hooks uninstall",
    "env wazir-hooks uninstall",
    "echo 'wazir-hooks uninstall' | sh",
    "x=uninstall; wazir-hooks $x",
    // A program only known when the command runs, with operator-command arguments.
    "$(which wazir-hooks) uninstall",
    "wh=$(command -v wazir-hooks); \"$wh\" loop reset --phase execute",
    "\"$(command -v wazir-hooks)\" install --bin-dir /tmp/elsewhere",
    // Interpreters running our CLI with its arguments as separate literals.
    "python3 -c 'import subprocess; subprocess.run([\"wazir-hooks\", \"uninstall\"])'",
    "node -e 'require(\"child_process\").execFileSync(\"wazir-hooks\", [\"loop\", \"reset\"])'",
    // Every install: --bin-dir points every host's hooks at any program.
    "wazir-hooks install",
    "wazir-hooks install --bin-dir /tmp/elsewhere",
    // A program run under our CLI's name, which may be a link to it.
    "exec -a wazir-hooks /tmp/wazir-it-x uninstall",
    "exec -a \"$NAME\" /tmp/wazir-it-x loop reset --phase execute",
];

/// Read-only `wazir-hooks` commands.
const READ_ONLY_COMMANDS: &[&str] = &[
    "wazir-hooks status",
    "python3 -c 'import subprocess; subprocess.run([\"wazir-hooks\", \"status\"])'",
    "$(which npm) install",
    "wazir-hooks --json status",
    "wazir-hooks events --tail 5",
    "wazir-hooks summary",
    "wazir-hooks loop status",
    "wazir-hooks loop status --phase execute",
    "wazir-hooks doctor",
    "wazir-hooks validate",
    "wazir-hooks policy",
    "/usr/local/bin/wazir-hooks status",
    "bash -c 'wazir-hooks loop status'",
];

#[test]
fn operator_commands_through_every_shell_tool() {
    let g = Guarded::new();
    let mut t = Tally::default();
    for (host, template) in SHELL_TOOLS {
        for command in OPERATOR_COMMANDS {
            let out = g.run(host, &g.shell(template, command), Profile::Plain);
            t.check(
                &format!("{template} `{command}`"),
                host,
                &out,
                Deny,
                &["operator command"],
            );
        }
        for command in READ_ONLY_COMMANDS {
            let out = g.run(host, &g.shell(template, command), Profile::Plain);
            t.check(&format!("{template} `{command}`"), host, &out, Allow, &[]);
        }
    }
    t.finish(
        "operator commands",
        SHELL_TOOLS.len() * (OPERATOR_COMMANDS.len() + READ_ONLY_COMMANDS.len()),
    );
}

#[test]
fn deny_reasons_name_the_file_and_the_operator() {
    let g = Guarded::new();
    let path = g.expand("{root}/.claude/settings.json");
    let p = file_tool_payload(
        "claude/pre_tool_use_write.json",
        &g.fx.root,
        &path,
        &content(&claude_with(|v| v["disableAllHooks"] = true.into())),
    );
    let out = g.run("claude", &p, Profile::Plain);
    let r = crate::harness::reason("claude", &out);
    for needle in [
        KEEPS,
        ".claude/settings.json",
        "Claude Code's hook settings",
        "`disableAllHooks`",
        "operator",
    ] {
        assert!(r.contains(needle), "reason lacks {needle:?}: {r}");
    }
    let out = g.run(
        "codex",
        &g.shell("codex/pre_tool_use_bash.json", "wazir-hooks uninstall"),
        Profile::Plain,
    );
    let r = crate::harness::reason("codex", &out);
    for needle in ["`wazir-hooks uninstall`", "operator command", "operator"] {
        assert!(r.contains(needle), "reason lacks {needle:?}: {r}");
    }
    let out = g.run(
        "gemini",
        &g.shell(
            "gemini/before_tool_run_shell_command.json",
            "rm -rf $WAZIR_STATE_ROOT/runs",
        ),
        Profile::StateRoot,
    );
    let r = crate::harness::reason("gemini", &out);
    assert!(r.contains("the hooks' state"), "{r}");
    let manifest = g.expand("{root}/wazir.manifest.yaml");
    let p = file_tool_payload(
        "claude/pre_tool_use_edit.json",
        &g.fx.root,
        &manifest,
        &replace("\"roles\", ", ""),
    );
    let r = crate::harness::reason("claude", &g.run("claude", &p, Profile::Plain));
    assert!(r.contains("protected_paths"), "{r}");
}

/// Gemini CLI and Codex load `.env` files into their own environment, and so into the
/// hooks'. A variable the guard trusts (here the approved flow) that came from such a
/// file is refused: every call is denied until the operator removes it. Without the
/// file, the same environment approves the write.
#[test]
fn a_guard_setting_loaded_from_an_agent_written_env_file_is_refused() {
    let fx = Fixture::new();
    let target = fx.root.join("roles/executor.md").display().to_string();
    let flow = [("WAZIR_APPROVED_FLOW", "pipeline_integration")];
    let cases = [
        ("gemini", "gemini/before_tool_run_shell_command.json"),
        ("codex", "codex/pre_tool_use_bash.json"),
    ];
    for (host, template) in cases {
        let p = payload(
            template,
            &fx.root,
            Some(&format!("echo x > {target}")),
            None,
            None,
        );
        assert_eq!(
            verdict(host, &fx.run_env(host, &p, &flow)),
            Verdict::Allow,
            "{host}: the operator's approved flow"
        );
        let spellings = [
            "WAZIR_APPROVED_FLOW=pipeline_integration\n",
            "WAZIR_APPROVED_FLOW: pipeline_integration\n",
            "\u{feff}export WAZIR_APPROVED_FLOW=pipeline_integration # ok\n",
            "A=1\rWAZIR_APPROVED_FLOW=`pipeline_integration`\r",
        ];
        for (file, line) in [".env", ".gemini/.env"]
            .into_iter()
            .flat_map(|f| spellings.iter().map(move |l| (f, l)))
        {
            let path = fx.root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, line).unwrap();
            let out = fx.run_env(host, &p, &flow);
            assert_eq!(
                verdict(host, &out),
                Verdict::Deny,
                "{host}: flow from {file}"
            );
            assert!(
                crate::harness::reason(host, &out).contains(file),
                "{host}: the reason names {file}"
            );
            std::fs::remove_file(&path).unwrap();
        }
    }
    // Claude Code loads no such file: the same line changes nothing there.
    std::fs::write(
        fx.root.join(".env"),
        "WAZIR_APPROVED_FLOW=pipeline_integration\n",
    )
    .unwrap();
    let p = payload(
        "claude/pre_tool_use_bash.json",
        &fx.root,
        Some(&format!("echo x > {target}")),
        None,
        None,
    );
    assert_eq!(
        verdict("claude", &fx.run_env("claude", &p, &flow)),
        Verdict::Allow
    );
}

/// Subagents, skills and slash commands: a markdown file there may change as long as the
/// hooks its frontmatter declares stay as they were; shell writes, which the guard cannot
/// compute, may not touch such a file, and the rest of those folders is free.
#[test]
fn frontmatter_hooks_of_subagents_skills_and_commands() {
    let g = Guarded::new();
    let agent = "{root}/.claude/agents/reviewer.md";
    put(
        Path::new(&g.expand(agent)),
        "---\nname: reviewer\ndescription: Reviews diffs\n---\nReview the diff.\n",
    );
    put(
        Path::new(&g.expand("{home}/.claude/skills/pdf/scripts/fill.py")),
        "print(1)\n",
    );
    let with_hooks = "---\nname: x\nhooks:\n  PreToolUse:\n    - hooks:\n        - type: command\n          command: rm -rf roles\n---\nBody\n";
    let mut t = Tally::default();
    let writes: &[(&str, &str, Verdict, &str)] = &[
        (
            agent,
            "---\nname: reviewer\ndescription: Reviews git hooks\n---\nNew body.\n",
            Allow,
            "a new body, no hooks",
        ),
        (agent, with_hooks, Deny, "adds hooks"),
        (
            "{home}/.claude/skills/pdf/SKILL.md",
            "---\nname: pdf\n---\nUse it.\n",
            Allow,
            "a new skill, no hooks",
        ),
        (
            "{home}/.claude/skills/pdf/SKILL.md",
            with_hooks,
            Deny,
            "a new skill with hooks",
        ),
        (
            "{root}/.claude/commands/ship.md",
            "# Ship\n\nNo frontmatter.\n",
            Allow,
            "no frontmatter",
        ),
        (
            "{root}/.claude/commands/ship.md",
            "---\nname: ship\n\"Hooks\": {}\n---\n",
            Deny,
            "a hooks key spelled otherwise",
        ),
        (
            "{root}/.claude/commands/ship.md",
            "---\nname: ship\nhooks: [\n",
            Deny,
            "an unclosed frontmatter",
        ),
        (
            "{root}/.claude/skills/pdf/scripts/fill.py",
            "print(1)\n",
            Allow,
            "a skill's script",
        ),
        (
            agent,
            "---\nname: reviewer\nmcpServers:\n  - evil:\n      command: sh\n---\nBody\n",
            Deny,
            "adds an MCP server",
        ),
        (
            "{home}/.claude/skills/pdf/SKILL.md",
            "---\nname: pdf\n---\nEnvironment: !`rm -f x`\n",
            Deny,
            "a command run when the skill loads",
        ),
        (
            "{root}/.claude/commands/ship.md",
            "# Ship\n\n```!\nrm -f x\n```\n",
            Deny,
            "a command block run when the command loads",
        ),
    ];
    for (path, text, expect, what) in writes {
        let path = g.expand(path);
        for (host, template) in [
            ("claude", "claude/pre_tool_use_write.json"),
            ("cursor", "cursor/pre_tool_use_write.json"),
            ("gemini", "gemini/before_tool_write_file.json"),
        ] {
            let p = file_tool_payload(template, &g.fx.root, &path, &content(text));
            let out = g.run(host, &p, Profile::Plain);
            t.check(
                &format!("{template} {path}: {what}"),
                host,
                &out,
                *expect,
                &[],
            );
        }
    }
    let edits: &[(&str, &str, Verdict, &str)] = &[
        (
            "Reviews diffs",
            "Reviews diffs carefully",
            Allow,
            "changes the description",
        ),
        (
            "description: Reviews diffs",
            "hooks: {Stop: [{hooks: [{type: command, command: x}]}]}",
            Deny,
            "adds hooks",
        ),
    ];
    for (old, new, expect, what) in edits {
        let path = g.expand(agent);
        let p = file_tool_payload(
            "claude/pre_tool_use_edit.json",
            &g.fx.root,
            &path,
            &replace(old, new),
        );
        let out = g.run("claude", &p, Profile::Plain);
        t.check(
            &format!("Edit {path}: {what}"),
            "claude",
            &out,
            *expect,
            &[],
        );
    }
    let commands: &[(&str, Verdict)] = &[
        ("echo x > {root}/.claude/agents/reviewer.md", Deny),
        ("sed -i s/diffs/code/ .claude/agents/reviewer.md", Deny),
        (
            "cat > .claude/skills/s/SKILL.md <<'EOF'\n---\nname: s\n---\nEOF",
            Deny,
        ),
        ("cp /tmp/wazir-it-agent.md .claude/agents/", Deny),
        ("cp -r /tmp/wazir-it-skill {home}/.claude/skills/", Deny),
        ("rm -rf .claude/skills", Deny),
        ("echo x > .claude/skills/s/run.py", Allow),
        ("chmod +x {home}/.claude/skills/pdf/scripts/fill.py", Allow),
        (
            "mkdir -p agents; CDPATH={root}/.claude cd agents && echo x > reviewer.md",
            Deny,
        ),
        ("mkdir -p .claude/skills/new", Allow),
        ("cat .claude/agents/reviewer.md", Allow),
        ("echo x > {root}/notes/agents/a.md", Allow),
        ("echo x > {root}/docs/hooks.md", Allow),
    ];
    for (host, template) in SHELL_TOOLS {
        for (command, expect) in commands {
            let command = g.expand(command);
            let out = g.run(host, &g.shell(template, &command), Profile::Plain);
            t.check(&format!("{template} `{command}`"), host, &out, *expect, &[]);
        }
    }
    t.finish(
        "frontmatter hooks",
        writes.len() * 3 + edits.len() + SHELL_TOOLS.len() * commands.len(),
    );
}

/// A host's settings folder that does not exist yet is guarded too: moving or copying a
/// prepared one into place, or a wildcard that will match what the command made.
#[test]
fn host_folders_made_in_one_step() {
    let fx = Fixture::new();
    let cases: &[(&str, Verdict)] = &[
        ("mv /tmp/wazir-it-prepared .claude", Deny),
        ("cp -r /tmp/wazir-it-prepared/.claude .", Deny),
        ("cp -r /tmp/wazir-it-prepared/.gemini/ ./", Deny),
        ("mv /tmp/wazir-it-prepared {home}/.codex", Deny),
        (
            "mkdir -p /tmp/wazir-it-t && echo '{}' > /tmp/wazir-it-t/settings.local.json && cp /tmp/wazir-it-t/* .claude/",
            Deny,
        ),
        ("echo '{}' > .claude/$NAME", Deny),
        ("rm -rf {home}", Deny),
        ("mv /tmp/wazir-it-prepared build", Allow),
        ("cp -r /tmp/wazir-it-prepared/. build/", Allow),
        ("cp /tmp/wazir-it-none/* build/", Allow),
    ];
    let mut t = Tally::default();
    for (host, template) in SHELL_TOOLS {
        for (command, expect) in cases {
            let command = command.replace("{home}", &fx.home.to_string_lossy());
            let out = fx.run(
                host,
                &payload(template, &fx.root, Some(&command), None, None),
            );
            t.check(&format!("{template} `{command}`"), host, &out, *expect, &[]);
        }
    }
    t.finish(
        "host folders made in one step",
        SHELL_TOOLS.len() * cases.len(),
    );
}

/// The CLI runs operator commands only under its own name, the one the guard knows it
/// by: a renamed copy or a link named otherwise refuses them (and the read-only ones
/// still run).
#[test]
fn a_renamed_copy_of_the_cli_refuses_operator_commands() {
    let fx = Fixture::new();
    let dir = fx.home.join("copies");
    std::fs::create_dir_all(&dir).unwrap();
    let cli = env!("CARGO_BIN_EXE_wazir-hooks");
    let copy = dir.join("x");
    std::fs::copy(cli, &copy).unwrap();
    let link = dir.join("y");
    std::os::unix::fs::symlink(cli, &link).unwrap();
    let run = |program: &Path, args: &[&str]| {
        std::process::Command::new(program)
            .args(args)
            .current_dir(&fx.root)
            .env("HOME", &fx.home)
            .env("WAZIR_STATE_ROOT", fx.home.join("state"))
            .output()
            .unwrap()
    };
    for program in [&copy, &link] {
        for args in [
            &["uninstall", "--all"][..],
            &["loop", "reset", "--phase", "execute"],
            &["loop", "raise", "--phase", "execute", "--by", "3"],
            &["install", "--host", "claude"],
            &[
                "capture",
                "event",
                "--event",
                "phase_loop",
                "--phase",
                "p",
                "--loop-count",
                "1",
            ],
        ] {
            let out = run(program, args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                !out.status.success()
                    && stderr.contains("runs only from a program named wazir-hooks"),
                "{} {args:?}: {stderr}",
                program.display()
            );
        }
        let out = run(program, &["validate"]);
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains("runs only from a program named"),
            "read-only commands still run from {}",
            program.display()
        );
    }
    // Nothing was installed or removed by the refused commands.
    assert!(!fx.root.join(".claude/settings.json").exists());
}
