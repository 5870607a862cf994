//! Scenarios on the real Claude Code client (2.1.328). A scripted Anthropic Messages API
//! on loopback plays the model: every main request (one that offers `tools`) gets the
//! next scripted tool call, picked by how many `tool_result` blocks the conversation
//! already holds, and an `end_turn` text once the script is spent. Claude Code runs our
//! hooks as wired by `wazir-hooks install --host claude`; what it reported back to the
//! "model" (the `tool_result` of every call) and its own JSON result (`permission_denials`)
//! show what the hooks decided, and the files and the state root show what really happened.

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::{
    CLAUDE, CONFIG, MCP_FILESYSTEM, ModelServer, Reply, Request, Sandbox, client, run,
};

/// How long one client run may take.
const LIMIT: Duration = Duration::from_secs(90);

/// The model name the scripted server answers as.
const MODEL: &str = "claude-sonnet-4-5";

/// One scripted tool call.
#[derive(Clone, Debug)]
struct Step {
    tool: &'static str,
    input: Value,
}

fn step(tool: &'static str, input: Value) -> Step {
    Step { tool, input }
}

fn bash(command: &str) -> Step {
    step(
        "Bash",
        json!({"command": command, "description": "scripted step"}),
    )
}

/// How many `tool_result` blocks the conversation in a request already holds.
fn tool_results(body: &Value) -> usize {
    body["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["content"].as_array())
        .flatten()
        .filter(|b| b["type"] == "tool_result")
        .count()
}

/// A request of the main conversation: it offers tools.
fn is_main(request: &Request) -> bool {
    request.path.starts_with("/v1/messages")
        && !request.path.contains("count_tokens")
        && request.body["tools"]
            .as_array()
            .is_some_and(|t| !t.is_empty())
}

/// The Anthropic Messages API, scripted: `steps` are answered one per main request.
fn messages_api(steps: Vec<Step>) -> Box<dyn Fn(&Request) -> Reply + Send + Sync> {
    let serial = AtomicUsize::new(0);
    Box::new(move |req: &Request| {
        if req.method != "POST" || !req.path.starts_with("/v1/messages") {
            return Reply::not_found();
        }
        if req.path.contains("count_tokens") {
            return Reply::json(&json!({"input_tokens": 42}));
        }
        let n = serial.fetch_add(1, Ordering::SeqCst);
        let msg_id = format!("msg_e2e_{n:04}");
        let model = req.body["model"].as_str().unwrap_or(MODEL).to_owned();
        let next = if is_main(req) {
            steps.get(tool_results(&req.body))
        } else {
            None
        };
        let (block, stop_reason) = match next {
            Some(s) => (
                json!({"type": "tool_use", "id": format!("toolu_e2e_{n:04}"),
                       "name": s.tool, "input": s.input}),
                "tool_use",
            ),
            None => (
                json!({"type": "text", "text": if is_main(req) { "Done." } else { "ok" }}),
                "end_turn",
            ),
        };
        let usage = json!({"input_tokens": 42, "output_tokens": 7,
                           "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0});
        if req.body["stream"] != true {
            return Reply::json(&json!({
                "id": msg_id, "type": "message", "role": "assistant", "model": model,
                "content": [block], "stop_reason": stop_reason, "stop_sequence": null,
                "usage": usage,
            }));
        }
        let (start, delta) = if block["type"] == "tool_use" {
            (
                json!({"type": "tool_use", "id": block["id"], "name": block["name"],
                       "input": {}}),
                json!({"type": "input_json_delta", "partial_json": block["input"].to_string()}),
            )
        } else {
            (
                json!({"type": "text", "text": ""}),
                json!({"type": "text_delta", "text": block["text"]}),
            )
        };
        Reply::sse(&[
            (
                "message_start",
                json!({"type": "message_start", "message": {
                    "id": msg_id, "type": "message", "role": "assistant", "model": model,
                    "content": [], "stop_reason": null, "stop_sequence": null,
                    "usage": {"input_tokens": 42, "output_tokens": 1,
                              "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}}}),
            ),
            (
                "content_block_start",
                json!({"type": "content_block_start", "index": 0, "content_block": start}),
            ),
            (
                "content_block_delta",
                json!({"type": "content_block_delta", "index": 0, "delta": delta}),
            ),
            (
                "content_block_stop",
                json!({"type": "content_block_stop", "index": 0}),
            ),
            (
                "message_delta",
                json!({"type": "message_delta",
                       "delta": {"stop_reason": stop_reason, "stop_sequence": null},
                       "usage": {"output_tokens": 7}}),
            ),
            ("message_stop", json!({"type": "message_stop"})),
        ])
    })
}

/// One client run: its exit, its JSON result and every request it sent to the model.
struct Outcome {
    stdout: String,
    stderr: String,
    success: bool,
    result: Value,
    requests: Vec<Request>,
    elapsed: Duration,
    debug_log: PathBuf,
}

impl Outcome {
    /// Everything needed to understand a failed assertion.
    fn describe(&self) -> String {
        format!(
            "claude exited {} after {:?}\nstdout:\n{}\nstderr:\n{}\ndebug log: {}",
            if self.success { "0" } else { "non-zero" },
            self.elapsed,
            self.stdout,
            self.stderr,
            self.debug_log.display()
        )
    }

    fn main_requests(&self) -> Vec<&Request> {
        self.requests.iter().filter(|r| is_main(r)).collect()
    }

    /// Every tool call of the conversation as the client reported it back to the model,
    /// read from the last main request (it carries the whole conversation).
    fn calls(&self) -> Vec<Call> {
        let Some(last) = self.main_requests().last().copied() else {
            return Vec::new();
        };
        let messages = last.body["messages"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let blocks: Vec<&Value> = messages
            .iter()
            .filter_map(|m| m["content"].as_array())
            .flatten()
            .collect();
        blocks
            .iter()
            .filter(|b| b["type"] == "tool_use")
            .map(|u| {
                let id = u["id"].as_str().unwrap_or_default().to_owned();
                let result = blocks
                    .iter()
                    .find(|b| b["type"] == "tool_result" && b["tool_use_id"] == id.as_str());
                Call {
                    tool: u["name"].as_str().unwrap_or_default().to_owned(),
                    input: u["input"].clone(),
                    is_error: result.is_some_and(|r| r["is_error"] == true),
                    text: result
                        .map(|r| block_text(&r["content"]))
                        .unwrap_or_default(),
                    answered: result.is_some(),
                    id,
                }
            })
            .collect()
    }

    /// The `tool_use_id`s the client's JSON result lists as denied.
    fn denied_ids(&self) -> Vec<String> {
        self.result["permission_denials"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|d| d["tool_use_id"].as_str().map(str::to_owned))
            .collect()
    }
}

/// A tool call and what the client reported back for it.
#[derive(Debug)]
struct Call {
    id: String,
    tool: String,
    input: Value,
    answered: bool,
    is_error: bool,
    text: String,
}

/// The text of a `tool_result`'s content (a string or a list of text blocks).
fn block_text(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p["text"].as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

/// The tools every run lets the client use without asking.
const ALLOWED_TOOLS: &str = "Write,Edit,Bash,Read";

/// How a run differs from the default one.
struct Options {
    /// `--allowedTools`: what the client may use without asking (in `-p` mode, anything
    /// else it would ask about is denied).
    allowed_tools: String,
    /// More arguments for the client.
    args: Vec<OsString>,
    /// More environment for the client.
    env: Vec<(&'static str, &'static str)>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            allowed_tools: ALLOWED_TOOLS.to_owned(),
            args: Vec::new(),
            env: Vec::new(),
        }
    }
}

impl Options {
    /// A run in `bypassPermissions` mode (`--dangerously-skip-permissions`), where Claude
    /// Code asks about nothing, not even a write to its own settings: only the hooks stand
    /// between the agent and the file. `IS_SANDBOX=1` lets the mode run as root, which the
    /// client otherwise refuses (containers and CI often run as root).
    fn bypassing_permissions() -> Options {
        Options {
            args: vec!["--permission-mode".into(), "bypassPermissions".into()],
            env: vec![("IS_SANDBOX", "1")],
            ..Options::default()
        }
    }
}

/// Runs `claude -p <prompt>` in the sandbox's project against a scripted model server.
fn run_claude(sandbox: &Sandbox, steps: Vec<Step>, prompt: &str, label: &str) -> Outcome {
    run_claude_with(sandbox, steps, prompt, label, &Options::default())
}

/// [`run_claude`], with the allowed tools and extra arguments of `options`.
fn run_claude_with(
    sandbox: &Sandbox,
    steps: Vec<Step>,
    prompt: &str,
    label: &str,
    options: &Options,
) -> Outcome {
    let exe = client(CLAUDE);
    // Kept after the sandbox is gone (the next run of the same scenario replaces them).
    let logs = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("e2e-logs")
        .join("claude");
    std::fs::create_dir_all(&logs).unwrap();
    let _ = std::fs::remove_file(logs.join(format!("{label}-requests.ndjson")));
    let server = ModelServer::start(
        logs.join(format!("{label}-requests.ndjson")),
        messages_api(steps),
    );
    let debug_log = logs.join(format!("{label}-debug.txt"));
    let _ = std::fs::remove_file(&debug_log);
    let mut cmd = sandbox.command(&exe);
    cmd.args(["-p", prompt, "--output-format", "json"])
        .arg("--allowedTools")
        .arg(&options.allowed_tools)
        .args(&options.args)
        .envs(options.env.iter().copied())
        .arg("--debug-file")
        .arg(&debug_log)
        .env("ANTHROPIC_BASE_URL", server.url())
        .env("ANTHROPIC_API_KEY", "sk-ant-e2e-not-a-real-key")
        .env("ANTHROPIC_MODEL", MODEL)
        .env("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
        .env("DISABLE_AUTOUPDATER", "1")
        .env("DISABLE_ERROR_REPORTING", "1")
        .env_remove("ANTHROPIC_AUTH_TOKEN")
        .env_remove("CLAUDE_CODE_USE_BEDROCK")
        .env_remove("CLAUDE_CODE_USE_VERTEX")
        .env_remove("CLAUDECODE");
    let start = Instant::now();
    let out = run(cmd, LIMIT);
    let elapsed = start.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let result = stdout
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str::<Value>(l.trim()).ok())
        .unwrap_or(Value::Null);
    let _ = std::fs::write(logs.join(format!("{label}-stdout.json")), &stdout);
    let outcome = Outcome {
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        success: out.status.success(),
        stdout,
        result,
        requests: server.requests(),
        elapsed,
        debug_log,
    };
    eprintln!("claude run `{label}` took {:?}", outcome.elapsed);
    assert!(
        outcome.success && outcome.result.is_object(),
        "the client run failed:\n{}",
        outcome.describe()
    );
    assert!(
        !outcome.main_requests().is_empty(),
        "the client never asked the scripted model:\n{}",
        outcome.describe()
    );
    outcome
}

/// Whether the client's version of a tool input carries every scripted field unchanged
/// (it may add its defaults, such as Edit's `replace_all`).
fn same_input(sent: &Value, scripted: &Value) -> bool {
    scripted
        .as_object()
        .is_some_and(|o| o.iter().all(|(k, v)| sent.get(k) == Some(v)))
}

/// The calls of a run, checked to be exactly the script, in order, each answered.
fn scripted_calls(outcome: &Outcome, steps: &[Step]) -> Vec<Call> {
    let calls = outcome.calls();
    let matches = calls.len() == steps.len()
        && calls
            .iter()
            .zip(steps)
            .all(|(c, s)| c.tool == s.tool && same_input(&c.input, &s.input));
    assert!(
        matches,
        "the conversation is not the script:\ncalls: {calls:#?}\nscript: {steps:#?}\n{}",
        outcome.describe()
    );
    for c in &calls {
        assert!(
            c.answered,
            "the client never reported a result for {c:?}:\n{}",
            outcome.describe()
        );
    }
    calls
}

fn abs(sandbox: &Sandbox, rel: &str) -> String {
    sandbox.project.join(rel).to_string_lossy().into_owned()
}

fn assert_blocked_by(outcome: &Outcome, call: &Call, guard: &str, words: &[&str]) {
    assert!(
        call.is_error && call.text.contains(guard),
        "{} {} was not blocked by {guard}; the client reported: {:?} (is_error {})\n{}",
        call.tool,
        call.input,
        call.text,
        call.is_error,
        outcome.describe()
    );
    for w in words {
        assert!(
            call.text.contains(w),
            "the reason for {} {} does not mention {w:?}: {:?}",
            call.tool,
            call.input,
            call.text
        );
    }
    assert!(
        outcome.denied_ids().contains(&call.id),
        "the client's permission_denials do not list {} {} ({}): {}",
        call.tool,
        call.input,
        call.id,
        outcome.result["permission_denials"]
    );
}

fn assert_allowed(outcome: &Outcome, call: &Call) {
    assert!(
        !call.is_error && !call.text.contains("Blocked by"),
        "{} {} did not succeed; the client reported: {:?}\n{}",
        call.tool,
        call.input,
        call.text,
        outcome.describe()
    );
    assert!(
        !outcome.denied_ids().contains(&call.id),
        "the client's permission_denials list the allowed {} {}",
        call.tool,
        call.input
    );
}

/// The `post_tool_capture` events of a sandbox.
fn captures(sandbox: &Sandbox) -> Vec<Value> {
    sandbox
        .events()
        .into_iter()
        .filter(|e| e["event"] == "post_tool_capture")
        .collect()
}

fn event_for<'a>(events: &'a [Value], call: &Call) -> Option<&'a Value> {
    events.iter().find(|e| e["tool_use_id"] == call.id.as_str())
}

#[test]
fn claude_protected_writes_are_blocked_and_allowed_work_happens() {
    let sandbox = Sandbox::new(CONFIG);
    sandbox.install_hooks("claude");
    let steps = vec![
        // 0: a new file under a protected folder, by the Write tool.
        step(
            "Write",
            json!({"file_path": abs(&sandbox, "roles/new.md"), "content": "pwned\n"}),
        ),
        // 1, 2: Read (allowed), then Edit of a protected file.
        step(
            "Read",
            json!({"file_path": abs(&sandbox, "roles/executor.md")}),
        ),
        step(
            "Edit",
            json!({"file_path": abs(&sandbox, "roles/executor.md"),
                   "old_string": "executor", "new_string": "pwned"}),
        ),
        // 3..6: shell writes, the last three only a parser sees.
        bash("echo pwned > roles/executor.md"),
        bash("cd roles && sed -i s/executor/pwned/ executor.md"),
        bash("X=roles; printf pwned | tee \"$X/executor.md\" >/dev/null"),
        bash("bash -c 'cat > .env <<EOF\nKEY=pwned\nEOF\n'"),
        // 7..9: allowed work.
        bash("echo ok > src/out.txt"),
        step(
            "Write",
            json!({"file_path": abs(&sandbox, "src/new.rs"), "content": "pub fn f() {}\n"}),
        ),
        step("Read", json!({"file_path": abs(&sandbox, "README.md")})),
    ];
    let outcome = run_claude(
        &sandbox,
        steps.clone(),
        "Update the role files and the environment, then add src/new.rs.",
        "protected",
    );
    let calls = scripted_calls(&outcome, &steps);

    let guard = "protected-path-write-guard";
    assert_blocked_by(&outcome, &calls[0], guard, &["roles/new.md"]);
    assert_allowed(&outcome, &calls[1]);
    assert!(calls[1].text.contains("executor"), "{:?}", calls[1]);
    assert_blocked_by(&outcome, &calls[2], guard, &["roles"]);
    for call in &calls[3..6] {
        assert_blocked_by(&outcome, call, guard, &["roles/executor.md"]);
    }
    assert_blocked_by(&outcome, &calls[6], guard, &[".env"]);
    for call in &calls[7..10] {
        assert_allowed(&outcome, call);
    }
    assert!(calls[9].text.contains("# demo"), "{:?}", calls[9]);
    assert_eq!(
        outcome.denied_ids().len(),
        6,
        "exactly the six protected writes are denied: {}",
        outcome.result["permission_denials"]
    );

    // What really happened on disk.
    assert_eq!(
        sandbox.read("roles/executor.md").as_deref(),
        Some("executor\n")
    );
    assert_eq!(sandbox.read(".env").as_deref(), Some("KEY=1\n"));
    assert_eq!(sandbox.read("roles/new.md"), None);
    assert_eq!(sandbox.read("src/out.txt").as_deref(), Some("ok\n"));
    assert_eq!(
        sandbox.read("src/new.rs").as_deref(),
        Some("pub fn f() {}\n")
    );

    // And in the run's record: one guard_denied per blocked call.
    let denials = sandbox
        .events()
        .into_iter()
        .filter(|e| e["event"] == "guard_denied")
        .count();
    assert_eq!(denials, 6, "events: {:?}", sandbox.events());
}

#[test]
fn claude_every_tool_execution_is_captured_and_handed_off() {
    let sandbox = Sandbox::new(CONFIG);
    sandbox.install_hooks("claude");
    let steps = vec![
        bash("echo hello"),
        bash("ls /nonexistent-dir"),
        step(
            "Write",
            json!({"file_path": abs(&sandbox, "src/notes.txt"), "content": "notes\n"}),
        ),
    ];
    let first = run_claude(&sandbox, steps.clone(), "Look around.", "capture-1");
    let calls = scripted_calls(&first, &steps);
    assert_allowed(&first, &calls[0]);
    assert!(calls[0].text.contains("hello"), "{:?}", calls[0]);
    assert!(
        calls[1].is_error,
        "ls of a missing folder fails: {:?}",
        calls[1]
    );
    assert_allowed(&first, &calls[2]);
    assert_eq!(sandbox.read("src/notes.txt").as_deref(), Some("notes\n"));

    let events = captures(&sandbox);
    let expect = [
        (&calls[0], "command", "echo hello", true),
        (&calls[1], "command", "ls /nonexistent-dir", false),
        (&calls[2], "target", "src/notes.txt", true),
    ];
    for (call, key, subject, success) in expect {
        let e = event_for(&events, call).unwrap_or_else(|| {
            panic!(
                "no post_tool_capture for {} {}; events: {events:#?}",
                call.tool, call.input
            )
        });
        assert_eq!(e["tool"], call.tool.as_str(), "{e}");
        assert!(
            e[key].as_str().is_some_and(|s| s.contains(subject)),
            "{key} of {e} should name {subject}"
        );
        assert_eq!(e["success"], success, "{e}");
    }
    assert_eq!(events.len(), 3, "one capture per execution: {events:#?}");

    let handoffs = sandbox.handoffs();
    assert_eq!(handoffs.len(), 1, "one run, one handoff: {handoffs:?}");
    let handoff = &handoffs[0];
    assert!(
        handoff.contains("ls /nonexistent-dir"),
        "the handoff names the failing command:\n{handoff}"
    );

    // The run is the client's session, and its handoff says so.
    let session = first.result["session_id"].as_str().unwrap_or_default();
    let title = format!("Handoff from run {session}");
    assert!(
        !session.is_empty() && handoff.contains(&title),
        "the handoff is not the session's ({session:?}):\n{handoff}"
    );

    // A new session in the same project starts with that handoff in its context.
    let second = run_claude(&sandbox, Vec::new(), "Carry on.", "capture-2");
    let opening = second.main_requests()[0].body.to_string();
    assert!(
        opening.contains("Handoff from the previous session")
            && opening.contains(&title)
            && opening.contains("ls /nonexistent-dir"),
        "the second session's first request to the model lacks the handoff:\n{opening}"
    );
    assert_eq!(
        sandbox.runs().len(),
        2,
        "each session is its own run: {:?}",
        sandbox.runs()
    );
}

#[test]
fn claude_a_command_failing_past_its_cap_is_blocked() {
    let config = format!("{CONFIG}loop_caps:\n  max_repeated_failures: 2\n");
    let sandbox = Sandbox::new(&config);
    sandbox.install_hooks("claude");
    let steps = vec![bash("ls /nonexistent-dir"); 3];
    let outcome = run_claude(&sandbox, steps.clone(), "List the folder.", "loop-cap");
    let calls = scripted_calls(&outcome, &steps);
    for call in &calls[..2] {
        assert!(
            call.is_error && !call.text.contains("Blocked by"),
            "the first two runs fail on their own: {call:?}"
        );
        assert!(!outcome.denied_ids().contains(&call.id));
    }
    assert_blocked_by(
        &outcome,
        &calls[2],
        "loop-cap-guard",
        &["max_repeated_failures", "(2 of 2)", "ls /nonexistent-dir"],
    );

    let events = sandbox.events();
    let executed = captures(&sandbox);
    assert_eq!(executed.len(), 2, "only the first two ran: {executed:#?}");
    assert!(executed.iter().all(|e| e["success"] == false));
    assert!(event_for(&executed, &calls[2]).is_none());
    let hit = events
        .iter()
        .find(|e| e["event"] == "loop_cap_reached")
        .unwrap_or_else(|| panic!("no loop_cap_reached event: {events:#?}"));
    assert_eq!(hit["cap"], "max_repeated_failures", "{hit}");
}

#[test]
fn claude_a_guard_that_cannot_read_its_configuration_blocks() {
    let sandbox = Sandbox::new("protected_paths: [unclosed\n");
    sandbox.install_hooks("claude");
    let steps = vec![bash("echo x > src/a.txt")];
    let outcome = run_claude(&sandbox, steps.clone(), "Write a file.", "bad-config");
    let calls = scripted_calls(&outcome, &steps);
    assert_blocked_by(
        &outcome,
        &calls[0],
        "could not evaluate this call",
        &["configuration", "wazir.hooks.yaml"],
    );
    assert_eq!(
        sandbox.read("src/a.txt"),
        None,
        "the blocked command never ran"
    );
    // The broken configuration must not keep the agent going at its Stop (loop-cap-guard
    // once answered Stop with exit 2, which Claude Code reads as "continue"): one request
    // for the tool call, one after its result, then the session ends.
    assert_eq!(
        outcome.main_requests().len(),
        2,
        "the session did not end after the script: {}",
        outcome.describe()
    );
}

/// The name the filesystem MCP server is registered under: its tools reach the model and
/// the hooks as `mcp__fs__<tool>`.
const MCP_SERVER: &str = "fs";
const MCP_WRITE_FILE: &str = "mcp__fs__write_file";
const MCP_CREATE_DIRECTORY: &str = "mcp__fs__create_directory";
const MCP_MOVE_FILE: &str = "mcp__fs__move_file";

/// A run that starts the pinned filesystem MCP server with the project as its only allowed
/// root: `--mcp-config` names it (`--strict-mcp-config` keeps every other MCP
/// configuration out) and `--allowedTools` lets the client use its write tools without
/// asking, so that our guard is the only one that can refuse them.
fn with_filesystem_server(sandbox: &Sandbox) -> Options {
    let server = client(MCP_FILESYSTEM);
    let config = json!({"mcpServers": {MCP_SERVER: {
        "type": "stdio",
        "command": server,
        "args": [sandbox.project],
    }}});
    let path = sandbox.home.join("mcp-servers.json");
    std::fs::write(&path, config.to_string()).unwrap();
    Options {
        allowed_tools: format!(
            "{ALLOWED_TOOLS},{MCP_WRITE_FILE},{MCP_CREATE_DIRECTORY},{MCP_MOVE_FILE}"
        ),
        args: vec![
            "--mcp-config".into(),
            path.into(),
            "--strict-mcp-config".into(),
        ],
        ..Options::default()
    }
}

/// The names of the tools a request offers the model.
fn offered_tools(request: &Request) -> Vec<&str> {
    request.body["tools"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["name"].as_str())
        .collect()
}

#[test]
fn claude_mcp_filesystem_writes_to_protected_paths_are_blocked() {
    let sandbox = Sandbox::new(CONFIG);
    std::fs::write(sandbox.project.join("roles/a.md"), "a\n").unwrap();
    sandbox.install_hooks("claude");
    let steps = vec![
        // 0: what a model does first: Claude Code defers MCP tools until ToolSearch loads
        // their schemas (from the server).
        step(
            "ToolSearch",
            json!({"query": format!("select:{MCP_WRITE_FILE},{MCP_CREATE_DIRECTORY},{MCP_MOVE_FILE}"),
                   "max_results": 3}),
        ),
        // 1, 2: into and out of the protected folder, through the server.
        step(
            MCP_WRITE_FILE,
            json!({"path": abs(&sandbox, "roles/a.md"), "content": "owned"}),
        ),
        step(
            MCP_MOVE_FILE,
            json!({"source": abs(&sandbox, "roles/a.md"),
                   "destination": abs(&sandbox, "a.md")}),
        ),
        // 3, 4: allowed work, through the server.
        step(
            MCP_CREATE_DIRECTORY,
            json!({"path": abs(&sandbox, "notes")}),
        ),
        step(
            MCP_WRITE_FILE,
            json!({"path": abs(&sandbox, "notes/ok.md"), "content": "fine\n"}),
        ),
    ];
    let outcome = run_claude_with(
        &sandbox,
        steps.clone(),
        "Rewrite the role file, then leave a note.",
        "mcp-filesystem",
        &with_filesystem_server(&sandbox),
    );
    let calls = scripted_calls(&outcome, &steps);

    // The server really ran: after ToolSearch the model is offered its tools, with the
    // schemas the server itself declared.
    assert_allowed(&outcome, &calls[0]);
    let later = outcome.main_requests()[1];
    let write_file = later.body["tools"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|t| t["name"] == MCP_WRITE_FILE)
        .unwrap_or_else(|| {
            panic!(
                "ToolSearch did not load {MCP_WRITE_FILE} (did the MCP server start?): {:?}\n{}",
                offered_tools(later),
                outcome.describe()
            )
        });
    let properties = &write_file["input_schema"]["properties"];
    assert!(
        properties["path"].is_object() && properties["content"].is_object(),
        "{MCP_WRITE_FILE} is not the server's write_file: {write_file}"
    );
    for tool in [MCP_CREATE_DIRECTORY, MCP_MOVE_FILE] {
        assert!(
            offered_tools(later).contains(&tool),
            "ToolSearch did not load {tool}: {:?}",
            offered_tools(later)
        );
    }

    let guard = "protected-path-write-guard";
    assert_blocked_by(&outcome, &calls[1], guard, &["roles/a.md"]);
    assert_blocked_by(&outcome, &calls[2], guard, &["roles/a.md"]);
    assert_eq!(sandbox.read("roles/a.md").as_deref(), Some("a\n"));
    assert_eq!(sandbox.read("a.md"), None);

    // The allowed writes went through the server: its own words, and the files.
    for call in &calls[3..5] {
        assert_allowed(&outcome, call);
    }
    assert!(
        calls[4].text.contains("Successfully wrote"),
        "the MCP server did not report the write: {:?}",
        calls[4]
    );
    assert!(sandbox.project.join("notes").is_dir());
    assert_eq!(sandbox.read("notes/ok.md").as_deref(), Some("fine\n"));

    assert_eq!(
        outcome.denied_ids(),
        vec![calls[1].id.clone(), calls[2].id.clone()],
        "exactly the two protected writes are denied: {}",
        outcome.result["permission_denials"]
    );
    let denied: Vec<Value> = sandbox
        .events()
        .into_iter()
        .filter(|e| e["event"] == "guard_denied")
        .map(|e| e["tool"].clone())
        .collect();
    assert_eq!(
        denied,
        vec![json!(MCP_WRITE_FILE), json!(MCP_MOVE_FILE)],
        "events: {:?}",
        sandbox.events()
    );
}

/// Records in the sandbox's `~/.claude.json` that the project is trusted, as accepting
/// Claude Code's trust dialog in an interactive session does. `-p` runs the project's
/// hooks without it, but drops the project's `permissions.allow` rules until then.
fn trust_project(sandbox: &Sandbox) {
    let path = sandbox.home.join(".claude.json");
    let mut state: Value = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_else(|| json!({}));
    state["projects"][sandbox.project.to_string_lossy().as_ref()]["hasTrustDialogAccepted"] =
        json!(true);
    std::fs::write(&path, state.to_string()).unwrap();
}

/// The tools the runs that check Claude Code's own permissions allow without asking: no
/// Bash, so a shell command runs only if a permission rule lets it.
const NO_BASH: &str = "Read,Write,Edit";

/// The agent rewrites `.claude/settings.json` in the one mode where Claude Code itself
/// does not stop it (bypassPermissions): dropping our hooks is refused, and the hooks keep
/// working; adding a permission rule and nothing else is allowed, and the next session
/// obeys the rule.
#[test]
fn claude_the_agent_cannot_unwire_our_hooks_but_may_add_a_permission_rule() {
    let sandbox = Sandbox::new(CONFIG);
    std::fs::write(sandbox.project.join("roles/a.md"), "a\n").unwrap();
    sandbox.install_hooks("claude");
    trust_project(&sandbox);
    let settings = ".claude/settings.json";
    let wired = sandbox.read(settings).expect("install wrote the settings");
    let mut with_rule: Value = serde_json::from_str(&wired).unwrap();
    assert!(with_rule["hooks"].is_object(), "{wired}");
    with_rule["permissions"] = json!({"allow": ["Bash(touch:*)"]});
    let with_rule_text = serde_json::to_string_pretty(&with_rule).unwrap() + "\n";
    let no_bash = Options {
        allowed_tools: NO_BASH.to_owned(),
        ..Options::default()
    };
    let touch = vec![bash("touch src/touched.txt")];

    // Before: nothing lets `touch` run, so Claude Code refuses it (not our guard).
    let before = run_claude_with(
        &sandbox,
        touch.clone(),
        "Touch a file.",
        "self-before",
        &no_bash,
    );
    let calls = scripted_calls(&before, &touch);
    assert!(
        calls[0].is_error && !calls[0].text.contains("Blocked by"),
        "touch should wait for a permission nobody grants: {:?}\n{}",
        calls[0],
        before.describe()
    );
    assert!(before.denied_ids().contains(&calls[0].id));
    assert_eq!(sandbox.read("src/touched.txt"), None);

    let steps = vec![
        // 0, 1: the settings without our hooks (Write needs a Read of the file first).
        step("Read", json!({"file_path": abs(&sandbox, settings)})),
        step(
            "Write",
            json!({"file_path": abs(&sandbox, settings), "content": "{}"}),
        ),
        // 2: the hooks still stand: a protected write by the shell.
        bash("echo x > roles/a.md"),
        // 3: the same settings plus a permission rule.
        step(
            "Write",
            json!({"file_path": abs(&sandbox, settings), "content": with_rule_text}),
        ),
    ];
    let outcome = run_claude_with(
        &sandbox,
        steps.clone(),
        "Drop the hooks, then allow touch.",
        "self-protection",
        &Options::bypassing_permissions(),
    );
    let calls = scripted_calls(&outcome, &steps);
    let guard = "protected-path-write-guard";
    assert_allowed(&outcome, &calls[0]);
    assert_blocked_by(&outcome, &calls[1], guard, &[settings, "hooks"]);
    assert_blocked_by(&outcome, &calls[2], guard, &["roles/a.md"]);
    assert_eq!(sandbox.read("roles/a.md").as_deref(), Some("a\n"));
    assert_allowed(&outcome, &calls[3]);
    assert_eq!(
        outcome.denied_ids(),
        vec![calls[1].id.clone(), calls[2].id.clone()],
        "exactly the unwiring and the protected write are denied: {}",
        outcome.result["permission_denials"]
    );
    let now: Value = serde_json::from_str(&sandbox.read(settings).unwrap()).unwrap();
    assert_eq!(
        now, with_rule,
        "the settings should be ours plus the permission rule"
    );

    // After: the rule the agent added lets the same `touch` run, and our hooks still see
    // it (the capture of a real execution).
    let after = run_claude_with(
        &sandbox,
        touch.clone(),
        "Touch a file.",
        "self-after",
        &no_bash,
    );
    let calls = scripted_calls(&after, &touch);
    assert_allowed(&after, &calls[0]);
    assert_eq!(sandbox.read("src/touched.txt").as_deref(), Some(""));
    let events = captures(&sandbox);
    assert!(
        event_for(&events, &calls[0]).is_some(),
        "our post-tool hook did not see the touch: {events:#?}"
    );
}
