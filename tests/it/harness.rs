//! Runs the real guard binary: builds a fixture project, fills host payload templates,
//! and reads each host's answer by that host's own rules (HOSTS.md §6.3).

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

/// The guard binary the tests run. The guard protects the folder it runs from (our
/// installed programs), so where the build put it matters: a checkout under /tmp would
/// make every write the corpus expects to land outside (in /tmp) reach it. There, the
/// tests run a copy kept beside the fixtures instead.
pub(crate) fn guard_exe() -> &'static str {
    static EXE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    EXE.get_or_init(|| {
        let built = env!("CARGO_BIN_EXE_protected-path-write-guard");
        if !Path::new(built).starts_with("/tmp")
            && !Path::new(built).starts_with(std::env::temp_dir())
        {
            return built.to_owned();
        }
        // One copy, replaced whole by each test process (a rename keeps a running copy).
        let dir = fixture_base().join("guard-bin");
        std::fs::create_dir_all(&dir).expect("guard copy folder");
        let copy = dir.join("protected-path-write-guard");
        let partial = dir.join(format!(".partial-{}", std::process::id()));
        std::fs::copy(built, &partial).expect("copy the guard");
        std::fs::rename(&partial, &copy).expect("place the guard copy");
        copy.to_string_lossy().into_owned()
    })
}

/// Where fixture projects go: never under /tmp, whose writes the corpus expects to be
/// outside the project (a checkout under /tmp would put its target dir there).
pub(crate) fn fixture_base() -> PathBuf {
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let tmp = std::env::temp_dir();
    let base = if target.starts_with(&tmp) || target.starts_with("/tmp") {
        PathBuf::from("/var/tmp/wazir-hooks-it")
    } else {
        target
    };
    std::fs::create_dir_all(&base).expect("fixture base");
    base
}

/// A throwaway project laid out as the shell corpus expects, outside /tmp (so that
/// writes to /tmp are really outside the project) and away from HOME.
pub(crate) struct Fixture {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
    pub home: PathBuf,
}

impl Fixture {
    pub(crate) fn new() -> Fixture {
        let dir = tempfile::Builder::new()
            .prefix("wazir-it-")
            .tempdir_in(fixture_base())
            .expect("temp dir");
        let root = dir.path().join("project");
        let home = dir.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        let files: &[(&str, &str)] = &[
            ("input/brief.md", "# brief\n"),
            ("roles/executor.md", "executor\n"),
            ("roles/reviewer.md", "reviewer\n"),
            ("workflows/execute.md", "execute\n"),
            ("schemas/a.json", "{}\n"),
            ("exports/hosts/claude/AGENTS.md", "agents\n"),
            ("exports/README.md", "exports\n"),
            ("src/main.rs", "fn main() {}\n"),
            ("src/lib.rs", "\n"),
            ("src/.env", "A=1\n"),
            (".env", "KEY=1\n"),
            ("notes/todo.md", "todo\n"),
            ("docs/guide.md", "guide\n"),
            ("secrets/key.pem", "pem\n"),
            ("secrets/readme.txt", "readme\n"),
            ("rolesX/file.md", "x\n"),
            ("build/out.log", "log\n"),
            ("build/tmp.o", "o\n"),
            ("scripts/clean.sh", "rm -rf build\n"),
            ("scripts/evil.sh", "rm -f roles/executor.md\n"),
            (
                "patches/fix.diff",
                "--- a/src/main.rs\n+++ b/src/main.rs\n@@ -1 +1 @@\n-fn main() {}\n+fn main() { println!(\"hi\"); }\n",
            ),
            (
                "patches/evil.diff",
                "--- a/roles/executor.md\n+++ b/roles/executor.md\n@@ -1 +1 @@\n-executor\n+pwned\n",
            ),
            ("list.txt", "roles/executor.md\n"),
            (
                "wazir.manifest.yaml",
                "{\"manifest_version\": 2, \"project\": {\"name\": \"fixture\"}, \"protected_paths\": [\"input\", \"roles\", \"workflows\", \"schemas\", \"exports/hosts\"]}\n",
            ),
            (
                "wazir.hooks.yaml",
                "protected_paths:\n  - \"**/.env\"\n  - \"secrets/*.pem\"\n",
            ),
        ];
        for (path, body) in files {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, body).unwrap();
        }
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::os::unix::fs::symlink("roles", root.join("link-to-roles")).unwrap();
        std::os::unix::fs::symlink("../input/brief.md", root.join("docs/brief-link.md")).unwrap();
        std::os::unix::fs::symlink("/tmp", root.join("tmp-link")).unwrap();
        Fixture {
            _dir: dir,
            root,
            home,
        }
    }

    /// Runs the guard with `--host` and a payload, in a scrubbed environment.
    pub(crate) fn run(&self, host: &str, payload: &str) -> Output {
        self.run_env(host, payload, &[])
    }

    /// As [`Fixture::run`], with these variables added to the guard's environment.
    pub(crate) fn run_env(&self, host: &str, payload: &str, env: &[(&str, &str)]) -> Output {
        run_guard(&["--host", host], payload, &self.home, &self.root, env)
    }
}

pub(crate) fn run_guard(
    args: &[&str],
    payload: &str,
    home: &Path,
    dir: &Path,
    env: &[(&str, &str)],
) -> Output {
    guard(args, home, dir, env)
        .write_stdin(payload)
        .output()
        .expect("guard output")
}

/// The guard as an `assert_cmd` command in a scrubbed environment: only what a test
/// passes reaches it.
pub(crate) fn guard(
    args: &[&str],
    home: &Path,
    dir: &Path,
    env: &[(&str, &str)],
) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(guard_exe());
    cmd.args(args)
        .env_clear()
        .env("HOME", home)
        .env("PATH", "/usr/bin:/bin")
        .env("PROTECTED_DIR", "roles")
        .env("SAFE_DIR", "build")
        .current_dir(dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// A host payload template with its placeholders filled.
pub(crate) fn payload(
    template: &str,
    cwd: &Path,
    command: Option<&str>,
    path: Option<&str>,
    patch: Option<&str>,
) -> String {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/hosts")
            .join(template),
    )
    .unwrap_or_else(|e| panic!("fixture {template}: {e}"));
    let mut v: Value = serde_json::from_str(&text).unwrap();
    fill(&mut v, cwd, command, path, patch);
    v.to_string()
}

fn fill(v: &mut Value, cwd: &Path, command: Option<&str>, path: Option<&str>, patch: Option<&str>) {
    match v {
        Value::String(s) => {
            let rep = match s.as_str() {
                "__CWD__" => Some(cwd.to_string_lossy().into_owned()),
                "__COMMAND__" => command.map(str::to_owned),
                "__PATH__" => path.map(str::to_owned),
                "__PATCH__" => patch.map(str::to_owned),
                _ => None,
            };
            if let Some(r) = rep {
                *s = r;
            }
        }
        Value::Array(a) => a
            .iter_mut()
            .for_each(|x| fill(x, cwd, command, path, patch)),
        Value::Object(o) => o
            .values_mut()
            .for_each(|x| fill(x, cwd, command, path, patch)),
        _ => {}
    }
}

/// A host payload template with `__CWD__` filled, and its `tool_name` (when given) and
/// `tool_input` replaced. A template whose `tool_input` is a JSON string (Cursor's
/// `beforeMCPExecution`) gets `input` encoded as a string, as that host sends it.
pub(crate) fn tool_payload(
    template: &str,
    cwd: &Path,
    tool: Option<&str>,
    input: &Value,
) -> String {
    let mut v: Value = serde_json::from_str(&payload(template, cwd, None, None, None)).unwrap();
    assert!(
        v.get("tool_input").is_some(),
        "{template} has no tool_input to replace"
    );
    if let Some(tool) = tool {
        v["tool_name"] = tool.into();
    }
    v["tool_input"] = if v["tool_input"].is_string() {
        Value::String(input.to_string())
    } else {
        input.clone()
    };
    v.to_string()
}

/// A file-tool template with `__CWD__` and `__PATH__` filled, then `fields` set in its
/// `tool_input` (the new content, or the replacements), each replacing the template's.
pub(crate) fn file_tool_payload(template: &str, cwd: &Path, path: &str, fields: &Value) -> String {
    let mut v: Value =
        serde_json::from_str(&payload(template, cwd, None, Some(path), None)).unwrap();
    let input = v["tool_input"]
        .as_object_mut()
        .unwrap_or_else(|| panic!("{template}: tool_input is not an object"));
    for (k, x) in fields.as_object().expect("fields must be an object") {
        input.insert(k.clone(), x.clone());
    }
    v.to_string()
}

/// The reason a deny gives, from the host's own channel (empty for an allow).
pub(crate) fn reason(host: &str, out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = || serde_json::from_str::<Value>(stdout.trim()).unwrap_or(Value::Null);
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    match host {
        "claude" if stdout.trim().is_empty() => stderr,
        "claude" => text(&json()["hookSpecificOutput"]["permissionDecisionReason"]),
        "cursor" => text(&json()["agent_message"]),
        "gemini" => text(&json()["reason"]),
        "codex" => stderr,
        _ => panic!("unknown host {host}"),
    }
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub(crate) enum Verdict {
    Allow,
    Deny,
}

/// What the host would do with this answer, by its documented rules. Panics on an
/// answer the host would treat as a hook failure (which most hosts let through).
pub(crate) fn verdict(host: &str, out: &Output) -> Verdict {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code().expect("exit code");
    let json = || -> Value {
        serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
            panic!("{host}: stdout is not JSON ({e}): {stdout:?} stderr {stderr:?}")
        })
    };
    match host {
        "claude" => match code {
            0 if stdout.trim().is_empty() => Verdict::Allow,
            0 => {
                let v = json();
                let d = &v["hookSpecificOutput"];
                assert_eq!(d["hookEventName"], "PreToolUse", "{stdout}");
                assert_eq!(d["permissionDecision"], "deny", "{stdout}");
                assert!(
                    d["permissionDecisionReason"]
                        .as_str()
                        .is_some_and(|r| !r.is_empty())
                );
                Verdict::Deny
            }
            2 if !stderr.trim().is_empty() => Verdict::Deny,
            _ => panic!("claude: exit {code} is a non-blocking error: {stdout} {stderr}"),
        },
        "cursor" => {
            assert_eq!(code, 0, "cursor answers must exit 0 with JSON: {stderr}");
            let v = json();
            match v["permission"].as_str() {
                Some("allow") => Verdict::Allow,
                Some("deny") => {
                    assert!(v["agent_message"].as_str().is_some_and(|r| !r.is_empty()));
                    Verdict::Deny
                }
                other => panic!("cursor: permission {other:?}"),
            }
        }
        "gemini" => match code {
            0 if stdout.trim().is_empty() => Verdict::Allow,
            0 => {
                let v = json();
                assert_eq!(v["decision"], "deny", "{stdout}");
                assert!(v["reason"].as_str().is_some_and(|r| !r.is_empty()));
                Verdict::Deny
            }
            _ => panic!("gemini: unexpected exit {code}: {stdout} {stderr}"),
        },
        "codex" => match code {
            0 if stdout.trim().is_empty() => Verdict::Allow,
            2 if !stderr.trim().is_empty() => {
                assert!(
                    stdout.trim().is_empty(),
                    "codex: stdout must stay empty on exit 2"
                );
                Verdict::Deny
            }
            _ => panic!("codex: exit {code} does not block: {stdout} {stderr}"),
        },
        _ => panic!("unknown host {host}"),
    }
}

/// The shell tools of every host, as (host, template): the guard must answer alike on all.
pub(crate) const SHELL_TOOLS: &[(&str, &str)] = &[
    ("claude", "claude/pre_tool_use_bash.json"),
    ("cursor", "cursor/before_shell_execution.json"),
    ("cursor", "cursor/pre_tool_use_shell.json"),
    ("gemini", "gemini/before_tool_run_shell_command.json"),
    ("codex", "codex/pre_tool_use_bash.json"),
];

/// Table-driven checks: every case's verdict (and, for a deny, what its reason must
/// mention), collected so that one assertion reports every wrong case with the count.
#[derive(Default)]
pub(crate) struct Tally {
    checked: usize,
    wrong: Vec<String>,
}

impl Tally {
    /// Checks one answer. `needles`: what the reason of a deny must contain.
    pub(crate) fn check(
        &mut self,
        label: &str,
        host: &str,
        out: &Output,
        expect: Verdict,
        needles: &[&str],
    ) {
        self.checked += 1;
        let got = verdict(host, out);
        if got != expect {
            let why = if got == Verdict::Deny {
                format!(" ({})", reason(host, out))
            } else {
                String::new()
            };
            self.wrong
                .push(format!("{label}: expected {expect:?}, got {got:?}{why}"));
        } else if got == Verdict::Deny {
            let r = reason(host, out);
            let missing: Vec<&&str> = needles.iter().filter(|n| !r.contains(**n)).collect();
            if !missing.is_empty() {
                self.wrong.push(format!(
                    "{label}: denied, but the reason lacks {missing:?}: {r}"
                ));
            }
        }
    }

    /// Fails with every wrong case; reports the count of checked cases either way.
    #[track_caller]
    pub(crate) fn finish(self, what: &str, at_least: usize) {
        eprintln!("{what}: {} cases checked", self.checked);
        assert!(
            self.checked >= at_least,
            "{what}: only {} cases ran, expected at least {at_least}",
            self.checked
        );
        assert!(
            self.wrong.is_empty(),
            "{what}: {} of {} cases wrong:\n{}",
            self.wrong.len(),
            self.checked,
            self.wrong.join("\n")
        );
    }
}
