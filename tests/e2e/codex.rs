//! Scenarios on the real Codex CLI client (0.169.0): `codex exec` runs against a scripted
//! Responses API server on loopback, in a project whose hooks `wazir-hooks install --host
//! codex --trust` wired and trusted. Codex's own hook engine runs our binaries; what it
//! did is read from its `--json` event stream, from the tool outputs it sent back to the
//! model server, and from our state root.

use std::collections::BTreeMap;
use std::process::Output;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::{CODEX, CONFIG, ModelServer, Reply, Request, Sandbox, client, run_limited};

/// One scripted model turn: a shell call (`exec_command`) or a patch (`apply_patch`).
#[derive(Clone, Copy, Debug)]
enum Step {
    Shell(&'static str),
    Patch(&'static str),
}

/// The variable whose value Codex sends as the API key of the mock provider.
const KEY_VAR: &str = "WAZIR_E2E_CODEX_KEY";

/// How long one client run may take.
const LIMIT: Duration = Duration::from_secs(90);

/// What Codex wraps a PreToolUse deny in when it reports it to the model.
const BLOCKED: &str = "Command blocked by PreToolUse hook:";

fn call_id(n: usize) -> String {
    format!("call_{n}")
}

fn step_item(n: usize, step: Step) -> Value {
    match step {
        Step::Shell(cmd) => json!({
            "type": "function_call", "id": format!("fc_{n}"), "call_id": call_id(n),
            "name": "exec_command", "arguments": json!({ "cmd": cmd }).to_string()
        }),
        Step::Patch(patch) => json!({
            "type": "custom_tool_call", "id": format!("ctc_{n}"), "call_id": call_id(n),
            "name": "apply_patch", "input": patch
        }),
    }
}

/// The tool outputs a request carries back to the model, by call id.
fn tool_outputs(req: &Request) -> BTreeMap<String, String> {
    let mut outputs = BTreeMap::new();
    for item in req.body["input"].as_array().into_iter().flatten() {
        if matches!(
            item["type"].as_str(),
            Some("function_call_output" | "custom_tool_call_output")
        ) {
            let text = match &item["output"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            outputs.insert(item["call_id"].as_str().unwrap_or("").to_owned(), text);
        }
    }
    outputs
}

/// The Responses API, scripted: the step to answer is the number of tool outputs the
/// request already carries; once the script is spent, an assistant message `last_words`.
fn scripted(
    steps: Vec<Step>,
    last_words: &'static str,
) -> Box<dyn Fn(&Request) -> Reply + Send + Sync> {
    Box::new(move |req: &Request| {
        if req.method != "POST" || !req.path.ends_with("/responses") {
            return Reply::not_found();
        }
        let n = tool_outputs(req).len();
        let item = match steps.get(n) {
            Some(step) => step_item(n, *step),
            None => json!({
                "type": "message", "id": format!("msg_{n}"), "role": "assistant",
                "content": [{ "type": "output_text", "text": last_words, "annotations": [] }]
            }),
        };
        let id = format!("resp_{n}");
        let usage = json!({
            "input_tokens": 10, "input_tokens_details": null, "output_tokens": 5,
            "output_tokens_details": null, "total_tokens": 15
        });
        Reply::sse(&[
            (
                "response.created",
                json!({ "type": "response.created", "response": { "id": id } }),
            ),
            (
                "response.output_item.added",
                json!({ "type": "response.output_item.added", "output_index": 0, "item": item }),
            ),
            (
                "response.output_item.done",
                json!({ "type": "response.output_item.done", "output_index": 0, "item": item }),
            ),
            (
                "response.completed",
                json!({ "type": "response.completed", "response": { "id": id, "usage": usage } }),
            ),
        ])
    })
}

/// A sandbox whose Codex talks to a scripted server, with our hooks installed and
/// trusted by `wazir-hooks install --host codex --trust`. The provider settings are
/// written first: install edits `~/.codex/config.toml` in place and keeps them. Update
/// check, analytics, metrics export and the curated-plugin sync are off, so Codex makes
/// no request beyond the scripted server (checked with `RUST_LOG=debug`).
fn codex_sandbox(
    config: &str,
    steps: Vec<Step>,
    last_words: &'static str,
) -> (Sandbox, ModelServer) {
    let (sandbox, server) = codex_sandbox_untrusted(config, steps, last_words);
    sandbox.install_hooks("codex");
    let config_toml = std::fs::read_to_string(sandbox.home.join(".codex/config.toml")).unwrap();
    assert!(
        config_toml.contains("model_provider = \"mock\"") && config_toml.contains("trusted_hash"),
        "install --trust must keep the provider settings and add the hooks' trust:\n{config_toml}"
    );
    (sandbox, server)
}

/// The same sandbox with Codex's provider settings but no hooks installed yet.
fn codex_sandbox_untrusted(
    config: &str,
    steps: Vec<Step>,
    last_words: &'static str,
) -> (Sandbox, ModelServer) {
    let sandbox = Sandbox::new(config);
    let server = ModelServer::start(
        sandbox.home.join("requests.ndjson"),
        scripted(steps, last_words),
    );
    let codex_home = sandbox.home.join(".codex");
    std::fs::create_dir_all(&codex_home).unwrap();
    std::fs::write(
        codex_home.join("config.toml"),
        format!(
            "model = \"gpt-5.5\"\n\
             model_provider = \"mock\"\n\
             check_for_update_on_startup = false\n\
             \n\
             [analytics]\n\
             enabled = false\n\
             \n\
             [otel]\n\
             exporter = \"none\"\n\
             metrics_exporter = \"none\"\n\
             \n\
             [features]\n\
             plugins = false\n\
             \n\
             [model_providers.mock]\n\
             name = \"mock\"\n\
             base_url = \"{}/v1\"\n\
             wire_api = \"responses\"\n\
             env_key = \"{KEY_VAR}\"\n\
             request_max_retries = 0\n\
             stream_max_retries = 0\n",
            server.url()
        ),
    )
    .unwrap();
    (sandbox, server)
}

/// One `codex exec` run: its output, its `--json` events, and the requests it sent.
struct Run {
    output: Output,
    events: Vec<Value>,
    requests: Vec<Request>,
    seconds: f64,
}

impl Run {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    /// Everything needed to see why an assertion failed.
    fn report(&self) -> String {
        format!(
            "codex exited {} after {:.1} s\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.output.status,
            self.seconds,
            self.stdout(),
            String::from_utf8_lossy(&self.output.stderr)
        )
    }

    /// The tool outputs of the last request (the one that got the closing message).
    fn outputs(&self) -> BTreeMap<String, String> {
        self.requests.last().map(tool_outputs).unwrap_or_default()
    }

    fn output_of(&self, n: usize) -> String {
        self.outputs().get(&call_id(n)).cloned().unwrap_or_else(|| {
            panic!(
                "no output for {} reached the model\n{}",
                call_id(n),
                self.report()
            )
        })
    }

    /// The completed items of one type in the `--json` stream.
    fn items(&self, kind: &str) -> Vec<&Value> {
        self.events
            .iter()
            .filter(|e| e["type"] == "item.completed" && e["item"]["type"] == kind)
            .map(|e| &e["item"])
            .collect()
    }

    /// The completed `command_execution` item whose command ends with `cmd` (Codex
    /// reports it as `/bin/bash -lc '<cmd>'`).
    fn execution(&self, cmd: &str) -> Option<&Value> {
        let quoted = format!("'{cmd}'");
        self.items("command_execution").into_iter().find(|i| {
            i["command"]
                .as_str()
                .is_some_and(|c| c.ends_with(&quoted) || c.ends_with(cmd))
        })
    }

    fn thread_id(&self) -> String {
        self.events
            .iter()
            .find(|e| e["type"] == "thread.started")
            .and_then(|e| e["thread_id"].as_str())
            .unwrap_or_else(|| panic!("no thread.started event\n{}", self.report()))
            .to_owned()
    }
}

/// `codex exec --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox --json
/// <prompt>` with stdin closed, in the sandbox's project.
fn exec(sandbox: &Sandbox, server: &ModelServer, prompt: &str) -> Run {
    let before = server.requests().len();
    let mut cmd = sandbox.command(&client(CODEX));
    cmd.args([
        "exec",
        "--skip-git-repo-check",
        "--dangerously-bypass-approvals-and-sandbox",
        "--json",
        prompt,
    ])
    .env(KEY_VAR, "test-key")
    .env_remove("RUST_LOG");
    let start = Instant::now();
    let result = run_limited(cmd, LIMIT);
    let seconds = start.elapsed().as_secs_f64();
    let timed_out = result.is_err();
    let output = result.unwrap_or_else(|partial| partial);
    let events = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let run = Run {
        requests: server.requests()[before..].to_vec(),
        output,
        events,
        seconds,
    };
    eprintln!(
        "codex exec \"{prompt}\": {} in {:.1} s, {} model requests",
        run.output.status,
        run.seconds,
        run.requests.len()
    );
    assert!(
        !timed_out,
        "codex exec did not finish within {LIMIT:?}; the model server got {} requests, \
         the last carrying these tool outputs: {:#?}\nour events: {:#?}\n{}",
        run.requests.len(),
        run.outputs(),
        sandbox.events(),
        run.report()
    );
    assert!(
        run.output.status.success(),
        "codex exec failed\n{}",
        run.report()
    );
    assert!(
        !run.requests.is_empty(),
        "codex never reached the model server\n{}",
        run.report()
    );
    run
}

fn events_named<'a>(events: &'a [Value], name: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["event"] == name).collect()
}

const ADD_ROLE: &str = "*** Begin Patch\n*** Add File: roles/new.md\n+new role\n*** End Patch\n";
const UPDATE_ROLE: &str =
    "*** Begin Patch\n*** Update File: roles/executor.md\n@@\n-executor\n+pwned\n*** End Patch\n";
const ADD_SRC: &str =
    "*** Begin Patch\n*** Add File: src/new.rs\n+pub fn added() {}\n*** End Patch\n";

#[test]
fn codex_protected_writes_blocked_and_allowed_work_runs() {
    // Blocked: two patches and four shell forms, three of which only a parser sees
    // (a `cd` earlier in the list, a variable, a heredoc inside `bash -c`).
    let blocked = [
        Step::Patch(ADD_ROLE),
        Step::Patch(UPDATE_ROLE),
        Step::Shell("echo pwned > roles/executor.md"),
        Step::Shell("cd roles && sed -i s/executor/pwned/ executor.md"),
        Step::Shell("X=roles; printf pwned | tee \"$X/executor.md\" >/dev/null"),
        Step::Shell("bash -c 'cat > .env <<EOF\nKEY=pwned\nEOF'"),
    ];
    let allowed = [
        Step::Shell("echo ok > src/out.txt"),
        Step::Patch(ADD_SRC),
        Step::Shell("cat README.md"),
    ];
    let steps: Vec<Step> = blocked.iter().chain(allowed.iter()).copied().collect();
    let (sandbox, server) = codex_sandbox(CONFIG, steps, "Finished.");

    // The installer's trust is what doctor checks: after `install --trust` it is clean.
    let doctor = sandbox.wazir(&["doctor", "--host", "codex"]);
    assert_eq!(
        doctor.status.code(),
        Some(0),
        "wazir-hooks doctor --host codex after install --trust:\n{}{}",
        String::from_utf8_lossy(&doctor.stdout),
        String::from_utf8_lossy(&doctor.stderr)
    );

    let run = exec(
        &sandbox,
        &server,
        "Edit the roles and the environment file.",
    );

    // The files: nothing protected changed, everything allowed happened.
    assert_eq!(
        sandbox.read("roles/executor.md").as_deref(),
        Some("executor\n")
    );
    assert_eq!(sandbox.read(".env").as_deref(), Some("KEY=1\n"));
    assert_eq!(
        sandbox.read("roles/new.md"),
        None,
        "roles/new.md was created"
    );
    assert_eq!(sandbox.read("src/out.txt").as_deref(), Some("ok\n"));
    assert_eq!(
        sandbox.read("src/new.rs").as_deref(),
        Some("pub fn added() {}\n")
    );

    // What Codex told the model about each call.
    let outputs = run.outputs();
    assert_eq!(
        outputs.len(),
        blocked.len() + allowed.len(),
        "{}",
        run.report()
    );
    for (n, step) in blocked.iter().enumerate() {
        let out = run.output_of(n);
        assert!(
            out.starts_with(BLOCKED) && out.contains("Blocked by protected-path-write-guard"),
            "step {n} {step:?} was not blocked by our guard; the model read:\n{out}"
        );
    }
    let expected_targets = [
        "roles/new.md",
        "roles/executor.md",
        "roles/executor.md",
        "roles/executor.md",
        "roles/executor.md",
        ".env",
    ];
    for (n, target) in expected_targets.iter().enumerate() {
        assert!(
            run.output_of(n).contains(&format!("`{target}`")),
            "the deny of step {n} does not name `{target}`:\n{}",
            run.output_of(n)
        );
    }
    let base = blocked.len();
    for n in base..base + allowed.len() {
        assert!(
            !run.output_of(n).contains("blocked"),
            "allowed step {n} was blocked:\n{}",
            run.output_of(n)
        );
    }
    assert!(run.output_of(base).contains("Process exited with code 0"));
    assert!(run.output_of(base + 1).contains("A src/new.rs"));
    assert!(run.output_of(base + 2).contains("# demo"));

    // Codex's own event stream: the allowed calls ran, the blocked ones never did.
    for cmd in ["echo ok > src/out.txt", "cat README.md"] {
        let item = run
            .execution(cmd)
            .unwrap_or_else(|| panic!("`{cmd}` did not run\n{}", run.report()));
        assert_eq!(item["exit_code"], 0, "{item}");
    }
    assert_eq!(run.items("command_execution").len(), 2, "{}", run.report());
    let changes = run.items("file_change");
    assert_eq!(changes.len(), 1, "{}", run.report());
    assert!(
        changes[0]["changes"][0]["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("/src/new.rs")),
        "{}",
        changes[0]
    );

    // Our own record: one denial per blocked call.
    let events = sandbox.events();
    let denied: Vec<_> = events_named(&events, "guard_denied")
        .into_iter()
        .filter(|e| e["hook"] == "protected-path-write-guard")
        .collect();
    assert_eq!(denied.len(), blocked.len(), "{denied:#?}");
}

#[test]
fn codex_every_execution_is_captured_and_handed_off() {
    let steps = vec![
        Step::Shell("echo hello"),
        Step::Shell("ls /nonexistent-dir"),
        Step::Patch(ADD_SRC),
    ];
    let (sandbox, server) = codex_sandbox(CONFIG, steps, "Handoff-marker-q7: three tools ran.");
    let first = exec(&sandbox, &server, "Run a few tools.");
    let thread = first.thread_id();

    // Codex ran all three (the `ls` failed, by Codex's own account).
    let hello = first.execution("echo hello").expect("echo hello ran");
    assert_eq!(hello["exit_code"], 0, "{hello}");
    let ls = first.execution("ls /nonexistent-dir").expect("ls ran");
    assert_eq!(ls["status"], "failed", "{ls}");
    assert_ne!(ls["exit_code"], 0, "{ls}");
    assert_eq!(first.items("file_change").len(), 1, "{}", first.report());

    // Each of them reached events.ndjson through PostToolUse, in this run.
    let events = sandbox.events();
    let captures = events_named(&events, "post_tool_capture");
    let capture_of = |id: &str| {
        captures
            .iter()
            .find(|e| e["tool_use_id"] == id)
            .unwrap_or_else(|| panic!("no post_tool_capture for {id}: {captures:#?}"))
    };
    let echo = capture_of("call_0");
    assert_eq!(echo["tool"], "Bash");
    assert_eq!(echo["command"], "echo hello");
    assert_eq!(echo["run_id"], thread.as_str());
    let failed = capture_of("call_1");
    assert_eq!(failed["tool"], "Bash");
    assert_eq!(failed["command"], "ls /nonexistent-dir");
    // Codex 0.169.0 fires PostToolUse for the failed command too, but its payload carries
    // only the output text as `tool_response` (no exit status): the record has the
    // output's size, and says the outcome is unknown rather than inventing a success.
    assert!(
        failed["output_bytes"].as_u64().is_some_and(|b| b > 0),
        "{failed}"
    );
    assert_eq!(failed["success"], Value::Null, "{failed}");
    assert_eq!(failed["exit_code"], Value::Null, "{failed}");
    let patch = capture_of("call_2");
    assert_eq!(patch["tool"], "apply_patch");
    // apply_patch's output starts `Exit code: 0`, which is read.
    assert_eq!(patch["success"], true, "{patch}");
    assert_eq!(captures.len(), 3, "{captures:#?}");

    // Stop (turn end) and SessionEnd both reached the harvest; the handoff is written.
    let stops = events_named(&events, "session_stop");
    assert!(
        stops.iter().any(|e| e["reason"] == "turn end")
            && stops.iter().any(|e| e["reason"]
                .as_str()
                .is_some_and(|r| r.starts_with("session end"))),
        "{stops:#?}"
    );
    let handoffs = sandbox.handoffs();
    assert_eq!(handoffs.len(), 1, "{handoffs:#?}");
    let handoff = &handoffs[0];
    assert!(
        handoff.contains(&format!("Handoff from run {thread}"))
            && handoff.contains("Handoff-marker-q7")
            && handoff.contains("Totals: 3 tool executions"),
        "{handoff}"
    );

    // A second session in the same project starts with that handoff in its context.
    let second = exec(&sandbox, &server, "Continue.");
    assert_ne!(second.thread_id(), thread);
    let opening = second.requests[0].body.to_string();
    assert!(
        opening.contains(&format!("Handoff from run {thread}"))
            && opening.contains("Handoff-marker-q7"),
        "the second session's first request carries no handoff:\n{opening}"
    );
    let events = sandbox.events();
    let starts = events_named(&events, "session_start");
    assert_eq!(starts.len(), 2, "{starts:#?}");
}

#[test]
fn codex_loop_cap_blocks_a_command_repeated_past_its_cap() {
    // `max_identical_calls`, not `max_repeated_failures`: Codex 0.169.0's PostToolUse
    // payload carries only a command's output (no exit status), so our hooks cannot see
    // that a shell command failed, and a failure streak never builds on this host.
    let config = format!("{CONFIG}loop_caps:\n  max_identical_calls: 2\n");
    let failing = "ls /nonexistent-dir";
    let (sandbox, server) = codex_sandbox(&config, vec![Step::Shell(failing); 4], "Gave up.");
    let run = exec(&sandbox, &server, "List the directory until it works.");

    // The first two ran (and failed, by Codex's account); the third and fourth were denied.
    for n in 0..2 {
        let out = run.output_of(n);
        assert!(
            !out.contains("blocked") && out.contains("No such file or directory"),
            "call {n} should have run:\n{out}"
        );
    }
    let ran = run.items("command_execution");
    assert_eq!(ran.len(), 2, "{}", run.report());
    assert!(ran.iter().all(|i| i["status"] == "failed"), "{ran:#?}");
    for (n, count) in [(2, 3), (3, 4)] {
        let out = run.output_of(n);
        assert!(
            out.starts_with(BLOCKED)
                && out.contains("Blocked by loop-cap-guard")
                && out.contains(&format!(
                    "`max_identical_calls` cap is reached ({count} of 2)"
                )),
            "call {n} should have been denied by loop-cap-guard:\n{out}"
        );
    }

    // Our record: the two executions, then the cap reached twice.
    let events = sandbox.events();
    let reached = events_named(&events, "loop_cap_reached");
    assert_eq!(reached.len(), 2, "{events:#?}");
    for (e, count) in reached.iter().zip([3, 4]) {
        assert_eq!(e["cap"], "max_identical_calls", "{e}");
        assert_eq!(e["count"], count, "{e}");
        assert_eq!(e["limit"], 2, "{e}");
    }
    let captured = events_named(&events, "post_tool_capture");
    assert_eq!(captured.len(), 2, "{events:#?}");
    assert!(
        captured.iter().all(|e| e["command"] == failing),
        "{captured:#?}"
    );
}

#[test]
fn codex_broken_configuration_blocks_harmless_calls() {
    let (sandbox, server) = codex_sandbox(
        "protected_paths: [unclosed\n",
        vec![Step::Shell("echo x > src/a.txt")],
        "Could not write.",
    );
    let run = exec(&sandbox, &server, "Write a file.");

    assert_eq!(sandbox.read("src/a.txt"), None, "src/a.txt was written");
    assert!(
        run.items("command_execution").is_empty(),
        "{}",
        run.report()
    );
    let out = run.output_of(0);
    assert!(
        out.starts_with(BLOCKED)
            && out.contains("could not evaluate this call")
            && out.contains("invalid configuration")
            && out.contains("wazir.hooks.yaml:1"),
        "the harmless call should have been denied for the broken configuration:\n{out}"
    );
}

/// What a user must do on Codex, shown by Codex itself: hooks installed without trust do
/// not run at all (the protected write happens), and doctor says so; recording the trust
/// (what a person does in /hooks) makes the same hooks block the same call.
#[test]
fn codex_runs_no_hook_until_it_is_trusted() {
    let (sandbox, server) = codex_sandbox_untrusted(
        CONFIG,
        vec![Step::Shell("echo pwned > roles/executor.md")],
        "Done.",
    );
    let install = sandbox.wazir(&["install", "--host", "codex"]);
    assert!(install.status.success());
    let doctor = sandbox.wazir(&["doctor", "--host", "codex"]);
    let report = String::from_utf8_lossy(&doctor.stdout);
    assert_eq!(doctor.status.code(), Some(3), "{report}");
    assert!(report.contains("TODO Codex ignores"), "{report}");

    let run = exec(&sandbox, &server, "Edit the role.");
    assert_eq!(
        sandbox.read("roles/executor.md").as_deref(),
        Some("pwned\n"),
        "untrusted hooks ran after all:\n{}",
        run.report()
    );
    assert!(
        sandbox.events().is_empty(),
        "an untrusted hook recorded events"
    );

    std::fs::write(sandbox.project.join("roles/executor.md"), "executor\n").unwrap();
    sandbox.install_hooks("codex");
    let server = ModelServer::start(
        sandbox.home.join("requests-2.ndjson"),
        scripted(vec![Step::Shell("echo pwned > roles/executor.md")], "Done."),
    );
    // The provider's address changes with the new server.
    let config = sandbox.home.join(".codex/config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let old_url = text
        .lines()
        .find_map(|l| l.strip_prefix("base_url = \""))
        .and_then(|l| l.strip_suffix('"'))
        .unwrap()
        .to_owned();
    std::fs::write(
        &config,
        text.replace(&old_url, &format!("{}/v1", server.url())),
    )
    .unwrap();
    let run = exec(&sandbox, &server, "Edit the role.");
    assert_eq!(
        sandbox.read("roles/executor.md").as_deref(),
        Some("executor\n"),
        "trusted hooks did not block:\n{}",
        run.report()
    );
    assert!(run.output_of(0).starts_with(BLOCKED), "{}", run.report());
}
