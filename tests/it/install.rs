//! `wazir-hooks install`, `uninstall` and `doctor` against settings files that already
//! hold other tools' hooks and keys, for every host: foreign content survives in meaning
//! and order, a second install is byte-identical, uninstall restores the original, an
//! unparsable file is refused and untouched, dry-run writes nothing; doctor passes after
//! install and fails when a registered guard's binary is missing.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

use crate::harness::fixture_base;

const CLI: &str = env!("CARGO_BIN_EXE_wazir-hooks");

const HOOKS: [&str; 7] = [
    "session-start",
    "protected-path-write-guard",
    "loop-cap-guard",
    "pre-tool-capture-route",
    "post-tool-capture",
    "pre-compact-summary",
    "stop-handoff-harvest",
];

/// Each host, its project settings file, and a fixture holding other tools' entries.
const HOSTS: [(&str, &str, &str); 4] = [
    (
        "claude",
        ".claude/settings.json",
        include_str!("../fixtures/install/claude.json"),
    ),
    (
        "cursor",
        ".cursor/hooks.json",
        include_str!("../fixtures/install/cursor.json"),
    ),
    (
        "gemini",
        ".gemini/settings.json",
        include_str!("../fixtures/install/gemini.json"),
    ),
    (
        "codex",
        ".codex/hooks.json",
        include_str!("../fixtures/install/codex.json"),
    ),
];

/// A project and a home folder, and a copy of the hook binaries (so a test may break
/// one without touching the build).
struct Setup {
    _dir: tempfile::TempDir,
    project: PathBuf,
    home: PathBuf,
    bin: PathBuf,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::Builder::new()
            .prefix("wazir-install-")
            .tempdir_in(fixture_base())
            .unwrap();
        let project = dir.path().join("project");
        let home = dir.path().join("home");
        let bin = dir.path().join("bin dir"); // a space: commands must be quoted
        for d in [&project, &home, &bin] {
            fs::create_dir_all(d).unwrap();
        }
        fs::create_dir_all(project.join(".git")).unwrap();
        let built = Path::new(CLI).parent().unwrap();
        for name in HOOKS.iter().chain(["wazir-hooks"].iter()) {
            link_or_copy(&built.join(name), &bin.join(name));
        }
        Setup {
            project: project.canonicalize().unwrap(),
            home,
            bin,
            _dir: dir,
        }
    }

    fn cli(&self, args: &[&str]) -> Command {
        // Nothing of the caller's environment: XDG_DATA_HOME, XDG_CONFIG_HOME,
        // CODEX_HOME, a host's own variables or WAZIR_* would point install, doctor and
        // the hooks doctor runs at the caller's files instead of this test's.
        let mut cmd = Command::new(self.bin.join("wazir-hooks"));
        cmd.current_dir(&self.project)
            .env_clear()
            .env("HOME", &self.home)
            .env("PATH", "/usr/bin:/bin")
            .args(args)
            .arg("--home")
            .arg(&self.home);
        cmd
    }

    fn settings(&self, rel: &str) -> PathBuf {
        self.project.join(rel)
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.settings(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.settings(rel)).unwrap()
    }
}

/// A hard link where it can be: a copy is open for writing for a moment, and a process
/// another test forks meanwhile inherits that descriptor until it execs, so running the
/// copy can fail with "text file busy".
fn link_or_copy(from: &Path, to: &Path) {
    if fs::hard_link(from, to).is_err() {
        fs::copy(from, to).unwrap();
    }
}

/// The document without the handlers that run a binary from `bin`, and without the
/// groups and events that leaves empty: what install must have kept.
fn without_ours(doc: &Value, bin: &Path) -> Value {
    let bin = bin.to_string_lossy().into_owned();
    let ours = |h: &Value| h["command"].as_str().is_some_and(|c| c.contains(&bin));
    let mut doc = doc.clone();
    if let Some(events) = doc.get_mut("hooks").and_then(Value::as_object_mut) {
        for list in events.values_mut() {
            let list = list.as_array_mut().unwrap();
            list.retain_mut(
                |unit| match unit.get_mut("hooks").and_then(Value::as_array_mut) {
                    Some(handlers) => {
                        handlers.retain(|h| !ours(h));
                        !handlers.is_empty()
                    }
                    None => !ours(unit),
                },
            );
        }
        events.retain(|_, list| !list.as_array().unwrap().is_empty());
    }
    doc
}

/// Every (event, binary) our handlers register, with the `--host` they pass.
fn our_commands(doc: &Value, bin: &Path) -> Vec<String> {
    let bin = bin.to_string_lossy().into_owned();
    let mut found = Vec::new();
    for (event, list) in doc["hooks"].as_object().unwrap() {
        for unit in list.as_array().unwrap() {
            let handlers = match unit.get("hooks") {
                Some(h) => h.as_array().unwrap().clone(),
                None => vec![unit.clone()],
            };
            for h in handlers {
                let command = h["command"].as_str().unwrap_or_default();
                if command.contains(&bin) {
                    let args = h["args"].as_array().map(|a| {
                        a.iter()
                            .map(|x| x.as_str().unwrap())
                            .collect::<Vec<_>>()
                            .join(" ")
                    });
                    found.push(format!("{event} {command} {}", args.unwrap_or_default()));
                }
            }
        }
    }
    found
}

/// Key order of every object, recursively: "kept in order" means this is unchanged.
fn key_order(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(v: &Value, path: &str, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    out.push(format!("{path}/{k}"));
                    walk(v, &format!("{path}/{k}"), out);
                }
            }
            Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    walk(v, &format!("{path}[{i}]"), out);
                }
            }
            _ => {}
        }
    }
    walk(v, "", &mut out);
    out
}

#[test]
fn install_keeps_other_tools_entries_on_every_host() {
    let s = Setup::new();
    for (_, rel, text) in HOSTS {
        s.write(rel, text);
    }
    s.cli(&["install"]).assert().success().stdout(
        predicate::str::contains("updated")
            .and(predicate::str::contains("the original is saved as"))
            .and(predicate::str::contains("/hooks")),
    );
    for (host, rel, text) in HOSTS {
        let mut original: Value = serde_json::from_str(text).unwrap();
        if host == "gemini" {
            // The one setting install adds besides hooks, where it was missing.
            original["hooksConfig"]["enabled"] = true.into();
        }
        let after: Value = serde_json::from_str(&s.read(rel)).unwrap();
        let kept = without_ours(&after, &s.bin);
        assert_eq!(kept, original, "{host}: other tools' entries changed");
        assert_eq!(
            key_order(&kept),
            key_order(&original),
            "{host}: order changed"
        );
        let ours = our_commands(&after, &s.bin);
        for hook in HOOKS {
            assert!(
                ours.iter().any(|c| c.contains(&format!("/{hook}"))),
                "{host}: {hook} not registered: {ours:#?}"
            );
        }
        for c in &ours {
            assert!(c.contains(&format!("--host {host}")), "{host}: {c}");
        }
        // The first change kept the original, byte for byte.
        let backup = s.settings(&format!("{rel}.wazir-hooks.bak"));
        assert_eq!(fs::read_to_string(backup).unwrap(), text, "{host}");
    }
    // Cursor's file keeps its tab indentation; Gemini's its four spaces.
    assert!(s.read(".cursor/hooks.json").contains("\n\t\"hooks\""));
    assert!(s.read(".gemini/settings.json").contains("\n    \"hooks\""));
}

#[test]
fn second_install_changes_nothing_and_uninstall_restores_the_original() {
    let s = Setup::new();
    for (_, rel, text) in HOSTS {
        s.write(rel, text);
    }
    s.cli(&["install"]).assert().success();
    let first: Vec<String> = HOSTS.iter().map(|(_, rel, _)| s.read(rel)).collect();
    s.cli(&["install", "--all"])
        .assert()
        .success()
        .stdout(predicate::str::contains("unchanged").count(4));
    let second: Vec<String> = HOSTS.iter().map(|(_, rel, _)| s.read(rel)).collect();
    assert_eq!(first, second, "a second install changed a file");

    s.cli(&["uninstall"])
        .assert()
        .success()
        .stdout(predicate::str::contains("restored from its backup").count(4));
    for (host, rel, text) in HOSTS {
        assert_eq!(
            s.read(rel),
            text,
            "{host}: uninstall did not restore the original"
        );
        assert!(
            !s.settings(&format!("{rel}.wazir-hooks.bak")).exists(),
            "{host}: the backup should go once the original is back"
        );
    }
    s.cli(&["uninstall"])
        .assert()
        .success()
        .stdout(predicate::str::contains("unchanged").count(4));
}

#[test]
fn files_install_created_are_removed_by_uninstall() {
    let s = Setup::new();
    s.cli(&["install"])
        .assert()
        .success()
        .stdout(predicate::str::contains("created").count(4));
    for (host, rel, _) in HOSTS {
        let doc: Value = serde_json::from_str(&s.read(rel)).unwrap();
        assert!(our_commands(&doc, &s.bin).len() >= 7, "{host}");
        assert!(
            !s.settings(&format!("{rel}.wazir-hooks.bak")).exists(),
            "{host}"
        );
    }
    let cursor: Value = serde_json::from_str(&s.read(".cursor/hooks.json")).unwrap();
    assert_eq!(cursor["version"], 1);
    let gemini: Value = serde_json::from_str(&s.read(".gemini/settings.json")).unwrap();
    assert_eq!(gemini["hooksConfig"]["enabled"], true);
    assert_eq!(
        gemini["hooks"]["BeforeTool"][0]["hooks"][0]["timeout"],
        10000
    );

    s.cli(&["uninstall"]).assert().success();
    for (host, rel, _) in HOSTS {
        assert!(!s.settings(rel).exists(), "{host}: {rel} is still there");
    }
    assert!(!s.project.join(".codex").exists());
}

#[test]
fn uninstall_keeps_what_others_added_after_install() {
    let s = Setup::new();
    let (_, rel, text) = HOSTS[0];
    s.write(rel, text);
    s.cli(&["install", "--host", "claude"]).assert().success();
    // Another tool adds a key and a hook after ours.
    let mut doc: Value = serde_json::from_str(&s.read(rel)).unwrap();
    doc["outputStyle"] = "Explanatory".into();
    doc["hooks"]["PreToolUse"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"matcher": "Read", "hooks": [{"type": "command", "command": "later-tool"}]}));
    s.write(rel, &serde_json::to_string_pretty(&doc).unwrap());

    s.cli(&["install", "--host", "claude"])
        .assert()
        .success()
        .stdout(predicate::str::contains("unchanged"));
    s.cli(&["uninstall", "--host", "claude"])
        .assert()
        .success()
        .stdout(predicate::str::contains("updated"));
    let after: Value = serde_json::from_str(&s.read(rel)).unwrap();
    let mut expected: Value = serde_json::from_str(text).unwrap();
    expected["outputStyle"] = "Explanatory".into();
    expected["hooks"]["PreToolUse"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"matcher": "Read", "hooks": [{"type": "command", "command": "later-tool"}]}));
    assert_eq!(after, expected);
    assert!(our_commands(&after, &s.bin).is_empty());
}

#[test]
fn an_unparsable_settings_file_is_refused_and_left_untouched() {
    let s = Setup::new();
    let broken = "{\n  \"hooks\": {\n    \"PreToolUse\": [\n  // a comment\n  ]\n}\n";
    s.write(".claude/settings.json", broken);
    s.write(".gemini/settings.json", "[1, 2]\n");
    // The errors go to stderr (`install > log` must not hide them), and the other hosts
    // are still wired.
    s.cli(&["install"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("wazir-hooks: claude: ")
                .and(predicate::str::contains(".claude/settings.json:4:"))
                .and(predicate::str::contains("not valid JSON"))
                .and(predicate::str::contains("left untouched"))
                .and(predicate::str::contains("wazir-hooks: gemini: "))
                .and(predicate::str::contains("not a JSON object")),
        )
        .stdout(
            predicate::str::contains(".cursor/hooks.json: created")
                .and(predicate::str::contains(".codex/hooks.json: created"))
                .and(predicate::str::contains("not valid JSON").not())
                .and(predicate::str::contains("not a JSON object").not()),
        );
    assert_eq!(s.read(".claude/settings.json"), broken);
    assert_eq!(s.read(".gemini/settings.json"), "[1, 2]\n");
    assert!(!s.settings(".claude/settings.json.wazir-hooks.bak").exists());
    s.cli(&["uninstall", "--host", "claude"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(".claude/settings.json:4:"));
    assert_eq!(s.read(".claude/settings.json"), broken);
    // `hooks` of the wrong shape is refused the same way.
    s.write(".codex/hooks.json", "{\"hooks\": {\"Stop\": {}}}\n");
    s.cli(&["install", "--host", "codex"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("`hooks.Stop` is not a list"));
    assert_eq!(s.read(".codex/hooks.json"), "{\"hooks\": {\"Stop\": {}}}\n");
}

#[test]
fn every_host_refuses_a_file_cut_off_mid_way() {
    for (host, rel, text) in HOSTS {
        let s = Setup::new();
        let cut = &text[..text.len() / 2];
        s.write(rel, cut);
        for command in ["install", "uninstall"] {
            s.cli(&[command, "--host", host])
                .assert()
                .code(1)
                .stdout("")
                .stderr(
                    predicate::str::contains(format!("{}:", s.settings(rel).display()))
                        .and(predicate::str::contains("not valid JSON"))
                        .and(predicate::str::contains("left untouched")),
                );
            assert_eq!(s.read(rel), cut, "{host}: {command} touched a broken file");
        }
        assert!(!s.settings(&format!("{rel}.wazir-hooks.bak")).exists());
    }
}

#[test]
fn dry_run_prints_the_diff_and_writes_nothing() {
    let s = Setup::new();
    let (_, rel, text) = HOSTS[2];
    s.write(rel, text);
    let before = snapshot(&s.project);
    s.cli(&["install", "--dry-run"]).assert().success().stdout(
        predicate::str::contains("would be updated")
            .and(predicate::str::contains("would be created"))
            .and(predicate::str::contains(format!(
                "--- {}",
                s.settings(rel).display()
            )))
            .and(
                predicate::str::is_match(r#"\n\+ +"name": "wazir-protected-path-write-guard""#)
                    .unwrap(),
            ),
    );
    assert_eq!(snapshot(&s.project), before, "dry run changed the project");
    s.cli(&["install", "--host", "gemini"]).assert().success();
    let installed = snapshot(&s.project);
    s.cli(&["uninstall", "--dry-run"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "would be restored from its backup",
        ));
    assert_eq!(
        snapshot(&s.project),
        installed,
        "dry run changed the project"
    );
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn user_scope_writes_under_the_home_folder() {
    let s = Setup::new();
    s.cli(&[
        "install", "--scope", "user", "--host", "claude", "--host", "codex",
    ])
    .assert()
    .success();
    assert!(s.home.join(".claude/settings.json").is_file());
    assert!(s.home.join(".codex/hooks.json").is_file());
    assert!(!s.project.join(".claude").exists());
    s.cli(&["uninstall", "--scope", "user"]).assert().success();
    assert!(!s.home.join(".claude/settings.json").exists());
}

#[test]
fn a_symlinked_settings_file_stays_a_link() {
    let s = Setup::new();
    let real = s.home.join("dotfiles/claude-settings.json");
    fs::create_dir_all(real.parent().unwrap()).unwrap();
    fs::write(&real, HOSTS[0].2).unwrap();
    fs::create_dir_all(s.project.join(".claude")).unwrap();
    std::os::unix::fs::symlink(&real, s.settings(".claude/settings.json")).unwrap();
    s.cli(&["install", "--host", "claude"]).assert().success();
    let link = s.settings(".claude/settings.json");
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
    let doc: Value = serde_json::from_str(&fs::read_to_string(&real).unwrap()).unwrap();
    assert!(!our_commands(&doc, &s.bin).is_empty());
    s.cli(&["uninstall", "--host", "claude"]).assert().success();
    assert_eq!(fs::read_to_string(&real).unwrap(), HOSTS[0].2);
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
}

#[test]
fn a_moved_install_replaces_our_entries_instead_of_adding_more() {
    let s = Setup::new();
    let (_, rel, text) = HOSTS[3];
    s.write(rel, text);
    let old_bin = s.project.parent().unwrap().join("old-bin");
    fs::create_dir_all(&old_bin).unwrap();
    for h in HOOKS {
        link_or_copy(&s.bin.join(h), &old_bin.join(h));
    }
    let old = old_bin.to_string_lossy().into_owned();
    s.cli(&["install", "--host", "codex", "--bin-dir", &old])
        .assert()
        .success();
    // Another tool adds a hook after ours: moving our install must not move it (Codex
    // keys its trust by position).
    let mut doc: Value = serde_json::from_str(&s.read(rel)).unwrap();
    let later = serde_json::json!({"matcher": "Bash", "hooks": [{"type": "command", "command": "later-tool"}]});
    doc["hooks"]["PreToolUse"]
        .as_array_mut()
        .unwrap()
        .push(later.clone());
    let at = doc["hooks"]["PreToolUse"].as_array().unwrap().len() - 1;
    s.write(rel, &serde_json::to_string_pretty(&doc).unwrap());
    s.cli(&["install", "--host", "codex"]).assert().success();
    let doc: Value = serde_json::from_str(&s.read(rel)).unwrap();
    assert_eq!(
        doc["hooks"]["PreToolUse"][at], later,
        "another tool's hook moved"
    );
    let mut doc = doc;
    doc["hooks"]["PreToolUse"]
        .as_array_mut()
        .unwrap()
        .remove(at);
    assert!(
        our_commands(&doc, &old_bin).is_empty(),
        "old entries left behind"
    );
    let ours = our_commands(&doc, &s.bin);
    assert_eq!(ours.len(), 9, "{ours:#?}");
    assert_eq!(
        without_ours(&doc, &s.bin),
        serde_json::from_str::<Value>(text).unwrap()
    );
}

#[test]
fn install_refuses_a_folder_without_the_hook_binaries() {
    let s = Setup::new();
    let empty = s.project.parent().unwrap().join("empty");
    fs::create_dir_all(&empty).unwrap();
    s.cli(&["install", "--bin-dir", &empty.to_string_lossy()])
        .assert()
        .failure()
        .stderr(predicate::str::contains("has no `session-start`"));
    assert!(!s.project.join(".claude").exists());
}

#[test]
fn doctor_passes_after_install_and_proves_each_guard_denies() {
    let s = Setup::new();
    s.write("wazir.hooks.yaml", "protected_paths:\n  - roles\n");
    for (_, rel, text) in HOSTS {
        s.write(rel, text);
    }
    s.cli(&["install"]).assert().success();
    let out = s
        .cli(&["doctor"])
        .assert()
        .code(predicate::in_iter([0, 3]))
        .get_output()
        .clone();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("FAIL"), "{text}");
    for host in ["claude", "cursor", "gemini", "codex"] {
        for what in [
            "a shell write",
            "a file-tool write",
            "a call repeated past its cap",
        ] {
            assert!(
                text.contains(&format!("{host} reads a deny for {what}")),
                "{host}: no proof for {what}:\n{text}"
            );
        }
        let roles = s.project.join("roles");
        assert!(
            text.contains(&format!(
                "{host} reads a deny for a write to {}",
                roles.display()
            )),
            "{host}: the project's own protected path was not probed:\n{text}"
        );
    }
    assert!(text.contains("cursor reads a deny") && text.contains("on beforeShellExecution"));
    // Doctor records nothing in the project's state.
    assert!(!s.home.join(".local/share/wazir").exists());
}

#[test]
fn doctor_fails_when_a_registered_guard_is_missing_or_not_wired() {
    let s = Setup::new();
    s.cli(&["install", "--host", "claude", "--host", "codex"])
        .assert()
        .success();
    fs::remove_file(s.bin.join("protected-path-write-guard")).unwrap();
    s.cli(&["doctor"]).assert().code(1).stdout(
        predicate::str::contains("FAIL protected-path-write-guard")
            .and(predicate::str::contains("does not exist"))
            .and(predicate::str::contains("lets every call through")),
    );
    // A host asked for by name but not wired fails too.
    s.cli(&["doctor", "--host", "gemini"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("not wired"));
    // A guard that no longer sees a write tool is reported.
    let rel = ".claude/settings.json";
    let text = s
        .read(rel)
        .replacen("\"matcher\": \"*\"", "\"matcher\": \"Bash\"", 1);
    s.write(rel, &text);
    s.cli(&["doctor", "--host", "claude"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("does not see Write on PreToolUse"));
}

#[test]
fn doctor_says_what_a_person_must_do_until_codex_and_gemini_trust_the_hooks() {
    let s = Setup::new();
    s.cli(&["install", "--host", "codex", "--host", "gemini"])
        .assert()
        .success()
        .stdout(predicate::str::contains("run /hooks and trust them"));
    s.cli(&["doctor"])
        .env_remove("GEMINI_CLI_TRUST_WORKSPACE")
        .env_remove("GEMINI_CLI_TRUSTED_FOLDERS_PATH")
        .assert()
        .code(3)
        .stdout(
            predicate::str::contains("TODO Codex ignores")
                .and(predicate::str::contains(
                    "Codex will not run 9 of the 9 hooks",
                ))
                .and(predicate::str::contains(
                    "TODO Gemini CLI runs no settings hooks",
                ))
                .and(predicate::str::contains("FAIL").not()),
        );
}

#[test]
fn trust_is_recorded_on_request_and_taken_back_by_uninstall() {
    let s = Setup::new();
    let config = s.home.join(".codex/config.toml");
    let original = "# my codex settings\nmodel = \"gpt-5.5\"\n\n[projects.\"/somewhere/else\"]\ntrust_level = \"trusted\"\n";
    fs::create_dir_all(config.parent().unwrap()).unwrap();
    fs::write(&config, original).unwrap();
    s.cli(&["install", "--host", "codex", "--host", "gemini", "--trust"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("recorded trust for the project")
                .and(predicate::str::contains("recorded trust for 9 hooks"))
                .and(predicate::str::contains("(Gemini CLI)")),
        );
    let toml = fs::read_to_string(&config).unwrap();
    assert!(toml.starts_with(original), "foreign TOML changed:\n{toml}");
    let root = s.project.display().to_string();
    assert!(toml.contains(&format!("[projects.\"{root}\"]\ntrust_level = \"trusted\"")));
    assert_eq!(toml.matches("trusted_hash = \"sha256:").count(), 9);
    let hooks_file = s.project.join(".codex/hooks.json");
    assert!(toml.contains(&format!(
        "[hooks.state.\"{}:pre_tool_use:0:0\"]",
        hooks_file.display()
    )));
    let folders: Value = serde_json::from_str(
        &fs::read_to_string(s.home.join(".gemini/trustedFolders.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(folders[&root], "TRUST_FOLDER");

    s.cli(&["doctor"])
        .env_remove("GEMINI_CLI_TRUST_WORKSPACE")
        .env_remove("GEMINI_CLI_TRUSTED_FOLDERS_PATH")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Codex trusts all 9 hooks")
                .and(predicate::str::contains("Gemini CLI trusts"))
                .and(predicate::str::contains("TODO").not()),
        );
    // A changed hook is no longer trusted.
    let changed = s
        .read(".codex/hooks.json")
        .replace("--host codex\"", "--host codex \"");
    s.write(".codex/hooks.json", &changed);
    s.cli(&["doctor", "--host", "codex"])
        .assert()
        .code(3)
        .stdout(predicate::str::contains("changed since they were trusted"));
    s.write(
        ".codex/hooks.json",
        &changed.replace("--host codex \"", "--host codex\""),
    );

    s.cli(&["uninstall", "--host", "codex", "--host", "gemini"])
        .assert()
        .success()
        .stdout(predicate::str::contains("took back"));
    assert_eq!(fs::read_to_string(&config).unwrap(), original);
    assert!(!s.home.join(".gemini/trustedFolders.json").exists());
}
