//! The canonical contracts (`definitions/`, SPEC §2) agree with everything else:
//! `wazir-hooks validate` accepts them and names the file and key of each kind of
//! mistake; each contract's binary is built and, in the canonical protocol, accepts its
//! required fields, fails as its `failure_behavior` says without one, and blocks with its
//! exit code; every host template under `hooks/` runs only these binaries, with its own
//! `--host`, and wires every one of them on the events its contract names.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::{Map, Value, json};
use wazir_hooks::install::definitions::{self, Contract, FailureMode, Fallback, Trigger};

const CLI: &str = env!("CARGO_BIN_EXE_wazir-hooks");

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The repository's contracts, which must be valid.
fn contracts() -> Vec<Contract> {
    let checked = definitions::check_dir(&repo().join("definitions"));
    assert!(checked.is_valid(), "{:?}", checked.problems);
    checked.contracts.into_iter().map(|(_, c)| c).collect()
}

/// A project, a copy of the repository's contracts and a state root in one temporary
/// directory. The project protects `roles` and has a run `run-1` at 2 iterations of
/// phase `review`, so the guards have something to block.
struct Env {
    _dir: tempfile::TempDir,
    project: PathBuf,
    defs: PathBuf,
    state: PathBuf,
    home: PathBuf,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::Builder::new()
            .prefix("wazir-contracts-")
            .tempdir_in(crate::harness::fixture_base())
            .expect("temp dir");
        let project = dir.path().join("project");
        let defs = dir.path().join("definitions");
        let state = dir.path().join("state");
        let home = dir.path().join("home");
        for d in [&project, &defs, &home, &state.join("runs/run-1")] {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::create_dir_all(project.join(".git")).unwrap();
        std::fs::write(
            project.join("wazir.hooks.yaml"),
            "protected_paths: [roles]\n",
        )
        .unwrap();
        std::fs::write(
            state.join("runs/run-1/status.json"),
            r#"{"run_id":"run-1","phase":"review","phase_loop_counts":{"review":2}}"#,
        )
        .unwrap();
        for entry in std::fs::read_dir(repo().join("definitions")).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, defs.join(path.file_name().unwrap())).unwrap();
        }
        Env {
            _dir: dir,
            project,
            defs,
            state,
            home,
        }
    }

    fn def(&self, name: &str) -> PathBuf {
        self.defs.join(name)
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.def(name)).unwrap()
    }

    /// Rewrites one contract file: `to` replaces `from`, which must be there.
    fn edit(&self, name: &str, from: &str, to: &str) -> String {
        let text = self.read(name);
        assert!(text.contains(from), "{name} has no `{from}`");
        let text = text.replacen(from, to, 1);
        std::fs::write(self.def(name), &text).unwrap();
        text
    }

    /// `wazir-hooks validate` in the project, in a scrubbed environment.
    fn validate(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(CLI);
        cmd.arg("validate")
            .args(args)
            .env_clear()
            .env("HOME", &self.home)
            .env("PATH", "/usr/bin:/bin")
            .current_dir(&self.project);
        cmd
    }

    /// `wazir-hooks validate --definitions <the copy>`; exit 1 and its stdout.
    #[track_caller]
    fn invalid(&self) -> String {
        let defs = self.defs.to_str().unwrap().to_owned();
        let out = self
            .validate(&["--definitions", &defs])
            .assert()
            .code(1)
            .get_output()
            .clone();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let verdict = stdout.lines().last().unwrap_or_default();
        assert!(verdict.starts_with("invalid: "), "{stdout}");
        assert!(
            verdict.contains(&defs),
            "the verdict names what it checked: {stdout}"
        );
        stdout
    }

    /// A hook binary in the canonical protocol, run in the project.
    fn hook(&self, binary: &str, payload: &Value) -> Output {
        let path = assert_cmd::cargo::cargo_bin(binary);
        Command::new(path)
            .args(["--host", "wazir"])
            .env_clear()
            .env("HOME", &self.home)
            .env("PATH", "/usr/bin:/bin")
            .env("WAZIR_STATE_ROOT", &self.state)
            .current_dir(&self.project)
            .write_stdin(payload.to_string())
            .output()
            .unwrap()
    }

    /// A value for each canonical field a contract may require; allowed by the guards.
    fn field(&self, name: &str) -> Value {
        match name {
            "target_path" => json!("src/main.rs"),
            "project_root" => json!(self.project),
            "run_id" => json!("run-1"),
            "phase" => json!("review"),
            "state_root" => json!(self.state),
            "loop_cap" => json!(5),
            "approved_flow" => json!("pipeline_integration"),
            other => panic!("no test value for the canonical field `{other}`: add one here"),
        }
    }

    fn payload(&self, fields: &[String]) -> Map<String, Value> {
        fields.iter().map(|f| (f.clone(), self.field(f))).collect()
    }

    /// A payload each guard must block (the required fields, changed where it matters).
    fn blocking(&self, c: &Contract) -> Value {
        let mut payload = self.payload(&c.input_contract.required);
        match c.id.as_str() {
            "protected_path_write_guard" => {
                payload.insert("target_path".into(), json!("roles/x.md"))
            }
            "loop_cap_guard" => payload.insert("loop_cap".into(), json!(2)),
            other => panic!("no blocking payload for the guard `{other}`: add one here"),
        };
        Value::Object(payload)
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The 1-based line of the first line of `text` that starts (after indentation) with `start`.
fn line_of(text: &str, start: &str) -> usize {
    text.lines()
        .position(|l| l.trim_start().starts_with(start))
        .unwrap_or_else(|| panic!("no line starting with {start}"))
        + 1
}

// ---------------------------------------------------------------- validate

#[test]
fn validate_passes_on_the_repository_definitions() {
    // In the repository: its own definitions/.
    let out = Command::new(CLI)
        .args(["validate"])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .current_dir(repo())
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = text(&out.stdout);
    let expected = format!(
        "valid: 7 contracts in {}",
        repo().join("definitions").display()
    );
    assert!(stdout.starts_with(&expected), "{stdout}");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");

    // In a project without definitions/: the copy built into the binary, which is the
    // repository's.
    let env = Env::new();
    let out = env.validate(&[]).assert().success().get_output().clone();
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("valid: 7 contracts built into wazir-hooks; configuration: "),
        "{stdout}"
    );
    assert!(stdout.contains("wazir.hooks.yaml"), "{stdout}");
    for (name, embedded) in definitions::EMBEDDED {
        assert_eq!(
            env.read(name),
            embedded,
            "{name}: rebuild, the embedded copy is stale"
        );
    }

    // --definitions, and --json.
    let defs = env.defs.to_str().unwrap();
    let out = env
        .validate(&["--definitions", defs, "--json"])
        .assert()
        .success()
        .get_output()
        .clone();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["valid"], true);
    assert_eq!(report["definitions"]["checked"]["source"], "directory");
    assert_eq!(
        report["definitions"]["contracts"].as_array().unwrap().len(),
        7
    );
    assert_eq!(report["problems"], json!([]));
}

#[test]
fn validate_names_file_and_key_of_a_missing_field() {
    let env = Env::new();
    let text = env.edit("loop_cap_guard.yaml", "  exit_code: 43\n", "");
    let line = line_of(&text, "failure_behavior:");
    let file = env.def("loop_cap_guard.yaml");
    let stdout = env.invalid();
    let expected = format!(
        "{}:{line}: failure_behavior.exit_code: missing field `exit_code`",
        file.display()
    );
    assert!(stdout.starts_with(&expected), "{stdout}");
}

#[test]
fn validate_names_file_and_key_of_an_unknown_key() {
    let env = Env::new();
    env.edit(
        "session_start.yaml",
        "id: session_start\n",
        "id: session_start\nowner: me\n",
    );
    let stdout = env.invalid();
    let expected = format!(
        "{}:2: owner: unknown field `owner`",
        env.def("session_start.yaml").display()
    );
    assert!(stdout.starts_with(&expected), "{stdout}");

    // In a nested mapping, the key is dotted.
    let env = Env::new();
    env.edit(
        "session_start.yaml",
        "cursor: native}",
        "cursor: native, vscode: native}",
    );
    let stdout = env.invalid();
    assert!(
        stdout.contains(": host_fallback.vscode: unknown field `vscode`"),
        "{stdout}"
    );
}

#[test]
fn validate_names_file_and_key_of_a_wrong_type() {
    let env = Env::new();
    let text = env.edit(
        "post_tool_capture.yaml",
        "  exit_code: 0",
        "  exit_code: [0]",
    );
    let line = line_of(&text, "exit_code:");
    let stdout = env.invalid();
    let expected = format!(
        "{}:{line}: failure_behavior.exit_code: ",
        env.def("post_tool_capture.yaml").display()
    );
    assert!(stdout.starts_with(&expected), "{stdout}");

    // A value outside the vocabulary is a wrong type too.
    let env = Env::new();
    env.edit("post_tool_capture.yaml", "mode: capture", "mode: ignore");
    let stdout = env.invalid();
    assert!(
        stdout.contains(": failure_behavior.mode: unknown variant `ignore`"),
        "{stdout}"
    );
}

#[test]
fn validate_refuses_a_guard_exit_code_the_binary_does_not_use() {
    let env = Env::new();
    let text = env.edit("loop_cap_guard.yaml", "exit_code: 43", "exit_code: 2");
    let line = line_of(&text, "exit_code:");
    let stdout = env.invalid();
    let expected = format!(
        "{}:{line}: failure_behavior.exit_code: loop-cap-guard blocks with exit 43 in the canonical protocol, not 2",
        env.def("loop_cap_guard.yaml").display()
    );
    assert!(stdout.starts_with(&expected), "{stdout}");

    // A guard's mode is block; a capture hook's is not, and it exits 0.
    let env = Env::new();
    env.edit(
        "protected_path_write_guard.yaml",
        "mode: block",
        "mode: warn",
    );
    env.edit("stop_handoff_harvest.yaml", "exit_code: 0", "exit_code: 1");
    let stdout = env.invalid();
    assert!(
        stdout.contains("protected_path_write_guard.yaml:")
            && stdout.contains(": failure_behavior.mode: protected-path-write-guard is a guard"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            ": failure_behavior.exit_code: stop-handoff-harvest never blocks, so it exits 0, not 1"
        ),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .last()
            .unwrap()
            .starts_with("invalid: 2 problems"),
        "{stdout}"
    );
}

#[test]
fn validate_names_a_missing_contract() {
    let env = Env::new();
    std::fs::remove_file(env.def("pre_compact_summary.yaml")).unwrap();
    let stdout = env.invalid();
    let expected = format!(
        "{}: no contract for hook `pre_compact_summary` (expected pre_compact_summary.yaml)",
        env.defs.display()
    );
    assert!(stdout.starts_with(&expected), "{stdout}");
}

#[test]
fn validate_names_an_id_that_does_not_match_its_file() {
    let env = Env::new();
    std::fs::rename(env.def("loop_cap_guard.yaml"), env.def("loop_guard.yaml")).unwrap();
    let stdout = env.invalid();
    let expected = format!(
        "{}:1: id: `loop_cap_guard` does not match the file name",
        env.def("loop_guard.yaml").display()
    );
    assert!(stdout.starts_with(&expected), "{stdout}");

    // A binary that is not the hook's.
    let env = Env::new();
    env.edit(
        "loop_cap_guard.yaml",
        "binary: loop-cap-guard",
        "binary: session-start",
    );
    let stdout = env.invalid();
    assert!(
        stdout.contains(": binary: `session-start` is another hook's binary"),
        "{stdout}"
    );
}

#[test]
fn validate_json_reports_file_line_and_key() {
    let env = Env::new();
    env.edit(
        "session_start.yaml",
        "id: session_start\n",
        "id: session_start\nowner: me\n",
    );
    let defs = env.defs.to_str().unwrap();
    let out = env
        .validate(&["--definitions", defs, "--json"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["valid"], false);
    let problem = &report["problems"][0];
    assert_eq!(problem["file"], json!(env.def("session_start.yaml")));
    assert_eq!(problem["line"], 2);
    assert_eq!(problem["key"], "owner");
}

#[test]
fn validate_names_a_bad_project_configuration() {
    let env = Env::new();
    let hooks = env.project.join("wazir.hooks.yaml");
    std::fs::write(
        &hooks,
        "protected_paths: [roles]\nloop_caps:\n  default: many\n",
    )
    .unwrap();
    let out = env.validate(&[]).assert().code(1).get_output().clone();
    let stdout = text(&out.stdout);
    let expected = format!("{}:3: loop_caps.default: ", hooks.display());
    assert!(stdout.starts_with(&expected), "{stdout}");
    assert!(
        stdout
            .lines()
            .last()
            .unwrap()
            .starts_with("invalid: 1 problem ("),
        "{stdout}"
    );

    std::fs::write(&hooks, "protected_paths: [roles]\nbogus: 1\n").unwrap();
    let out = env.validate(&[]).assert().code(1).get_output().clone();
    let expected = format!("{}:2: bogus: unknown field `bogus`", hooks.display());
    assert!(
        text(&out.stdout).starts_with(&expected),
        "{}",
        text(&out.stdout)
    );

    std::fs::write(&hooks, "protected_paths: [roles]\n").unwrap();
    let manifest = env.project.join("wazir.manifest.yaml");
    std::fs::write(&manifest, "protected_paths:\n  - \"[unclosed\"\n").unwrap();
    let out = env.validate(&[]).assert().code(1).get_output().clone();
    let expected = format!("{}:1: protected_paths: ", manifest.display());
    assert!(
        text(&out.stdout).starts_with(&expected),
        "{}",
        text(&out.stdout)
    );
}

// ---------------------------------------------------------------- contracts ↔ binaries

#[test]
fn every_contract_names_a_built_binary() {
    let cargo: toml_edit::DocumentMut = std::fs::read_to_string(repo().join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let bins: BTreeSet<String> = cargo["bin"]
        .as_array_of_tables()
        .unwrap()
        .iter()
        .filter_map(|t| t.get("name").and_then(|n| n.as_str()).map(str::to_owned))
        .filter(|n| n != "wazir-hooks")
        .collect();
    let named: BTreeSet<String> = contracts().into_iter().map(|c| c.binary).collect();
    assert_eq!(
        named, bins,
        "contracts and Cargo.toml's [[bin]] hooks differ"
    );
    for binary in &named {
        let path = assert_cmd::cargo::cargo_bin(binary);
        assert!(
            path.is_file(),
            "{binary}: no built binary at {}",
            path.display()
        );
    }
}

#[test]
fn canonical_payload_with_the_required_fields_is_accepted() {
    let env = Env::new();
    for c in contracts() {
        let payload = Value::Object(env.payload(&c.input_contract.required));
        let out = env.hook(&c.binary, &payload);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {payload} stderr {}",
            c.binary,
            text(&out.stderr)
        );
        assert!(out.stderr.is_empty(), "{}: {}", c.binary, text(&out.stderr));
        if c.failure_behavior.mode == FailureMode::Block {
            let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(
                answer["guard_decision"]["allowed"], true,
                "{}: {answer}",
                c.binary
            );
        }
        // The optional fields are accepted too.
        let mut all = c.input_contract.required.clone();
        all.extend(c.input_contract.optional.iter().cloned());
        let out = env.hook(&c.binary, &Value::Object(env.payload(&all)));
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}",
            c.binary,
            text(&out.stderr)
        );
        assert!(out.stderr.is_empty(), "{}: {}", c.binary, text(&out.stderr));
    }
}

#[test]
fn a_missing_required_field_fails_as_the_contract_says() {
    let env = Env::new();
    let mut checked = 0;
    for c in contracts() {
        for field in &c.input_contract.required {
            let mut payload = env.payload(&c.input_contract.required);
            payload.remove(field);
            let out = env.hook(&c.binary, &Value::Object(payload));
            let stderr = text(&out.stderr);
            match c.failure_behavior.mode {
                // SPEC §3: a payload the guard cannot evaluate is exit 1, message on stderr.
                FailureMode::Block => {
                    assert_eq!(
                        out.status.code(),
                        Some(1),
                        "{} without {field}: {stderr}",
                        c.binary
                    );
                    assert!(out.stdout.is_empty(), "{} without {field}", c.binary);
                }
                FailureMode::Warn | FailureMode::Capture => {
                    assert_eq!(
                        out.status.code(),
                        Some(i32::from(c.failure_behavior.exit_code)),
                        "{} without {field}: {stderr}",
                        c.binary
                    );
                }
            }
            assert!(
                stderr.starts_with(&format!("{}: ", c.binary)) && stderr.contains(field.as_str()),
                "{} without {field}: the message names the hook and the field: {stderr}",
                c.binary
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 5,
        "the guards require target_path and run_id, phase, state_root, loop_cap"
    );
}

#[test]
fn a_payload_no_hook_can_evaluate_fails_as_the_contract_says() {
    let env = Env::new();
    for c in contracts() {
        let out = env.hook(&c.binary, &json!(["not", "an", "object"]));
        let stderr = text(&out.stderr);
        let code = match c.failure_behavior.mode {
            FailureMode::Block => 1,
            FailureMode::Warn | FailureMode::Capture => i32::from(c.failure_behavior.exit_code),
        };
        assert_eq!(out.status.code(), Some(code), "{}: {stderr}", c.binary);
        assert!(
            stderr.starts_with(&format!("{}: ", c.binary)),
            "{}: {stderr}",
            c.binary
        );
        if c.failure_behavior.mode == FailureMode::Block {
            assert!(out.stdout.is_empty(), "{}", c.binary);
        }
    }
}

#[test]
fn guards_block_with_the_contract_exit_code() {
    let env = Env::new();
    let guards: Vec<Contract> = contracts()
        .into_iter()
        .filter(|c| c.failure_behavior.mode == FailureMode::Block)
        .collect();
    let codes: BTreeSet<u8> = guards
        .iter()
        .map(|c| c.failure_behavior.exit_code)
        .collect();
    assert_eq!(codes, BTreeSet::from([42, 43]));
    for c in guards {
        let payload = env.blocking(&c);
        let out = env.hook(&c.binary, &payload);
        assert_eq!(
            out.status.code(),
            Some(i32::from(c.failure_behavior.exit_code)),
            "{}: {payload} stderr {}",
            c.binary,
            text(&out.stderr)
        );
        let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
        let decision = &answer["guard_decision"];
        assert_eq!(decision["allowed"], false, "{}: {answer}", c.binary);
        assert!(decision["reason"].as_str().is_some_and(|r| !r.is_empty()));
    }
}

// ---------------------------------------------------------------- contracts ↔ templates

/// One command a template registers: the event, the program and its arguments.
struct Registration {
    event: String,
    program: String,
    args: Vec<String>,
}

/// Every host template under `hooks/`: (host, file, its registrations). A JSON file
/// without a `hooks` object (a plugin manifest) is not a template.
fn templates() -> Vec<(String, PathBuf, Vec<Registration>)> {
    let mut files = Vec::new();
    let mut stack = vec![repo().join("hooks")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let value: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
        let Some(events) = value.get("hooks").and_then(Value::as_object) else {
            continue;
        };
        let host = path
            .strip_prefix(repo().join("hooks"))
            .unwrap()
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .into_owned();
        let mut regs = Vec::new();
        for (event, entries) in events {
            let mut found = Vec::new();
            commands(entries, &mut found);
            assert!(
                !found.is_empty(),
                "{}: {event} runs nothing",
                path.display()
            );
            for entry in found {
                let command = entry["command"].as_str().unwrap();
                let mut words = command.split_whitespace().map(str::to_owned);
                let program = words.next().unwrap_or_default();
                let mut args: Vec<String> = words.collect();
                if let Some(extra) = entry.get("args").and_then(Value::as_array) {
                    args.extend(extra.iter().map(|a| a.as_str().unwrap().to_owned()));
                }
                regs.push(Registration {
                    event: event.clone(),
                    program,
                    args,
                });
            }
        }
        out.push((host, path, regs));
    }
    out
}

/// Every object with a `command` under `v`.
fn commands<'a>(v: &'a Value, out: &mut Vec<&'a Map<String, Value>>) {
    match v {
        Value::Object(o) if o.get("command").is_some_and(Value::is_string) => out.push(o),
        Value::Object(o) => o.values().for_each(|x| commands(x, out)),
        Value::Array(a) => a.iter().for_each(|x| commands(x, out)),
        _ => {}
    }
}

/// The normalized event of a host's event name (as `hosts` reads them).
fn trigger_of(event: &str) -> Option<Trigger> {
    Some(match event {
        "SessionStart" | "sessionStart" => Trigger::SessionStart,
        "PreToolUse" | "BeforeTool" | "preToolUse" => Trigger::PreTool,
        "beforeShellExecution" => Trigger::BeforeShell,
        "beforeMCPExecution" => Trigger::BeforeMcp,
        "PostToolUse" | "PostToolUseFailure" | "AfterTool" | "postToolUse"
        | "postToolUseFailure" => Trigger::PostTool,
        "PreCompact" | "PreCompress" | "preCompact" => Trigger::PreCompact,
        "Stop" | "AfterAgent" | "stop" => Trigger::Stop,
        "SessionEnd" | "sessionEnd" => Trigger::SessionEnd,
        _ => return None,
    })
}

#[test]
fn every_template_command_is_a_hook_binary_with_its_host() {
    let contracts = contracts();
    let templates = templates();
    let hosts: BTreeSet<&str> = templates.iter().map(|(h, _, _)| h.as_str()).collect();
    assert_eq!(
        hosts,
        BTreeSet::from(["claude", "codex", "cursor", "gemini"])
    );
    for (host, path, regs) in &templates {
        let file = path.display();
        for r in regs {
            let (dir, binary) = r.program.rsplit_once('/').unwrap_or(("", &r.program));
            assert!(
                dir == "{{bin}}" || dir == "${CLAUDE_PLUGIN_ROOT}/bin",
                "{file}: {} is not in the install directory",
                r.program
            );
            let contract = contracts
                .iter()
                .find(|c| c.binary == binary)
                .unwrap_or_else(|| panic!("{file}: {binary} is not one of the hook binaries"));
            assert_eq!(
                r.args,
                ["--host", host.as_str()],
                "{file}: {binary} on {} must carry --host {host}",
                r.event
            );
            let trigger = trigger_of(&r.event)
                .unwrap_or_else(|| panic!("{file}: {} is not an event the hooks read", r.event));
            assert!(
                contract.trigger.contains(&trigger),
                "{file}: {binary} is registered on {} ({trigger:?}), which its contract's trigger {:?} does not name",
                r.event,
                contract.trigger
            );
        }
    }
}

#[test]
fn every_contract_is_wired_in_every_host_template() {
    let contracts = contracts();
    for (host, path, regs) in templates() {
        for c in &contracts {
            let fallback = c
                .host_fallback
                .hosts()
                .into_iter()
                .find(|(h, _)| *h == host)
                .map(|(_, f)| f)
                .unwrap_or_else(|| panic!("{}: no host_fallback for {host}", c.id));
            if fallback == Fallback::WrapperCommand {
                continue;
            }
            let events: BTreeSet<Trigger> = regs
                .iter()
                .filter(|r| r.program.ends_with(&format!("/{}", c.binary)))
                .filter_map(|r| trigger_of(&r.event))
                .collect();
            assert!(
                !events.is_empty(),
                "{}: {} ({fallback:?} on {host}) is not registered",
                path.display(),
                c.binary
            );
        }
    }
}
