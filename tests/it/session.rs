//! The state store and the capture hooks through the real binaries: a whole session on
//! every host, many hooks at once, a hook killed mid-write, hostile session ids, bad input.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::{Value, json};

/// A project and a state root, both outside /tmp and HOME.
pub(crate) struct Project {
    _dir: tempfile::TempDir,
    pub(crate) root: PathBuf,
    pub(crate) state: PathBuf,
    pub(crate) home: PathBuf,
}

impl Project {
    pub(crate) fn new() -> Project {
        let dir = tempfile::Builder::new()
            .prefix("wazir-session-")
            .tempdir_in(crate::harness::fixture_base())
            .unwrap();
        let root = dir.path().join("proj");
        let state = dir.path().join("state");
        let home = dir.path().join("home");
        for d in [&root, &state, &home] {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("skills/using-skills")).unwrap();
        std::fs::write(
            root.join("skills/using-skills/SKILL.md"),
            "# Using skills\nRead the skill first.\n",
        )
        .unwrap();
        Project {
            _dir: dir,
            root,
            state,
            home,
        }
    }

    /// A hook binary: they are all built side by side.
    pub(crate) fn bin(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_BIN_EXE_session-start")).with_file_name(name)
    }

    pub(crate) fn command(&self, hook: &str, host: &str) -> Command {
        let mut c = Command::new(Self::bin(hook));
        c.args(["--host", host])
            .env_clear()
            .env("HOME", &self.home)
            .env("PATH", "/usr/bin:/bin")
            .env("WAZIR_STATE_ROOT", &self.state)
            .current_dir(&self.root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    /// `wazir-hooks` with `args`, in this project and state root.
    pub(crate) fn cli(&self, args: &[&str]) -> Command {
        let mut c = Command::new(Self::bin("wazir-hooks"));
        c.args(args)
            .env_clear()
            .env("HOME", &self.home)
            .env("PATH", "/usr/bin:/bin")
            .env("WAZIR_STATE_ROOT", &self.state)
            .current_dir(&self.root);
        c
    }

    pub(crate) fn spawn(&self, hook: &str, host: &str, payload: &Value) -> Child {
        let mut child = self.command(hook, host).spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let text = payload.to_string();
        std::thread::spawn(move || {
            use std::io::Write;
            let _ = stdin.write_all(text.as_bytes());
        });
        child
    }

    pub(crate) fn run(&self, hook: &str, host: &str, payload: &Value) -> Output {
        self.spawn(hook, host, payload).wait_with_output().unwrap()
    }

    pub(crate) fn run_dir(&self, id: &str) -> PathBuf {
        self.state.join("runs").join(id)
    }

    pub(crate) fn events(&self, id: &str) -> Vec<Value> {
        std::fs::read_to_string(self.run_dir(id).join("events.ndjson"))
            .unwrap_or_default()
            .lines()
            .map(|l| {
                serde_json::from_str(l)
                    .unwrap_or_else(|e| panic!("torn or invalid event line {l:?}: {e}"))
            })
            .collect()
    }

    pub(crate) fn status(&self, id: &str) -> Value {
        serde_json::from_slice(&std::fs::read(self.run_dir(id).join("status.json")).unwrap())
            .unwrap()
    }
}

/// Each host's payloads for one session, in its own field names (HOSTS.md §1.7, §2.4,
/// §3.4, §4.4).
fn payloads(host: &str, root: &Path, sid: &str) -> Vec<(&'static str, Value)> {
    let cwd = root.to_string_lossy().into_owned();
    let file = format!("{cwd}/src/lib.rs");
    match host {
        "claude" => vec![
            (
                "session-start",
                json!({"session_id": sid, "cwd": cwd, "hook_event_name": "SessionStart", "source": "startup", "transcript_path": "/x.jsonl"}),
            ),
            (
                "pre-tool-capture-route",
                json!({"session_id": sid, "cwd": cwd, "hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "cargo test --workspace"}, "tool_use_id": "toolu_1"}),
            ),
            (
                "loop-cap-guard",
                json!({"session_id": sid, "cwd": cwd, "hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "cargo test --workspace"}, "tool_use_id": "toolu_1"}),
            ),
            (
                "post-tool-capture",
                json!({"session_id": sid, "cwd": cwd, "hook_event_name": "PostToolUseFailure", "tool_name": "Bash", "tool_input": {"command": "cargo test --workspace"}, "tool_use_id": "toolu_1", "error": "Exit code 101\nerror[E0308]: mismatched types\ntest result: FAILED", "duration_ms": 4100}),
            ),
            (
                "post-tool-capture",
                json!({"session_id": sid, "cwd": cwd, "hook_event_name": "PostToolUse", "tool_name": "Write", "tool_input": {"file_path": file, "content": "pub fn f() {}\n"}, "tool_response": {"filePath": file, "success": true}, "tool_use_id": "toolu_2", "duration_ms": 12}),
            ),
            (
                "pre-compact-summary",
                json!({"session_id": sid, "cwd": cwd, "hook_event_name": "PreCompact", "trigger": "auto", "custom_instructions": ""}),
            ),
            (
                "session-start",
                json!({"session_id": sid, "cwd": cwd, "hook_event_name": "SessionStart", "source": "compact"}),
            ),
            (
                "stop-handoff-harvest",
                json!({"session_id": sid, "cwd": cwd, "hook_event_name": "Stop", "stop_hook_active": false, "last_assistant_message": "Tests still fail: E0308 in src/lib.rs."}),
            ),
            (
                "stop-handoff-harvest",
                json!({"session_id": sid, "cwd": cwd, "hook_event_name": "SessionEnd", "reason": "prompt_input_exit"}),
            ),
        ],
        "cursor" => vec![
            (
                "session-start",
                json!({"conversation_id": sid, "session_id": sid, "generation_id": "g1", "cursor_version": "2.4.1", "workspace_roots": [cwd], "hook_event_name": "sessionStart", "is_background_agent": false}),
            ),
            (
                "pre-tool-capture-route",
                json!({"conversation_id": sid, "cursor_version": "2.4.1", "hook_event_name": "beforeShellExecution", "command": "npm test", "cwd": cwd}),
            ),
            (
                "loop-cap-guard",
                json!({"conversation_id": sid, "cursor_version": "2.4.1", "hook_event_name": "preToolUse", "tool_name": "Shell", "tool_input": {"command": "npm test"}, "tool_use_id": "c1", "cwd": cwd}),
            ),
            (
                "post-tool-capture",
                json!({"conversation_id": sid, "cursor_version": "2.4.1", "hook_event_name": "postToolUseFailure", "tool_name": "Shell", "tool_input": {"command": "npm test"}, "tool_use_id": "c1", "cwd": cwd, "error_message": "Exit code 1\n1 failing", "failure_type": "error", "duration": 900}),
            ),
            (
                "post-tool-capture",
                json!({"conversation_id": sid, "cursor_version": "2.4.1", "hook_event_name": "postToolUse", "tool_name": "Write", "tool_input": {"file_path": file}, "tool_output": "ok", "tool_use_id": "c2", "cwd": cwd, "duration": 5}),
            ),
            (
                "pre-compact-summary",
                json!({"conversation_id": sid, "cursor_version": "2.4.1", "hook_event_name": "preCompact", "trigger": "auto", "context_usage_percent": 85, "workspace_roots": [cwd]}),
            ),
            (
                "session-start",
                json!({"conversation_id": sid, "session_id": sid, "cursor_version": "2.4.1", "workspace_roots": [cwd], "hook_event_name": "sessionStart"}),
            ),
            (
                "stop-handoff-harvest",
                json!({"conversation_id": sid, "cursor_version": "2.4.1", "hook_event_name": "stop", "status": "completed", "loop_count": 0, "workspace_roots": [cwd]}),
            ),
            (
                "stop-handoff-harvest",
                json!({"conversation_id": sid, "session_id": sid, "cursor_version": "2.4.1", "hook_event_name": "sessionEnd", "reason": "completed", "workspace_roots": [cwd]}),
            ),
        ],
        "gemini" => vec![
            (
                "session-start",
                json!({"session_id": sid, "cwd": cwd, "hook_event_name": "SessionStart", "source": "startup", "timestamp": "2026-08-30T10:12:03.120Z"}),
            ),
            (
                "pre-tool-capture-route",
                json!({"session_id": sid, "cwd": cwd, "hook_event_name": "BeforeTool", "timestamp": "2026-08-30T10:12:04Z", "tool_name": "run_shell_command", "tool_input": {"command": "pytest -q"}}),
            ),
            (
                "loop-cap-guard",
                json!({"session_id": sid, "cwd": cwd, "hook_event_name": "BeforeTool", "timestamp": "2026-08-30T10:12:04Z", "tool_name": "run_shell_command", "tool_input": {"command": "pytest -q"}}),
            ),
            (
                "post-tool-capture",
                json!({"session_id": sid, "cwd": cwd, "hook_event_name": "AfterTool", "timestamp": "2026-08-30T10:12:09Z", "tool_name": "run_shell_command", "tool_input": {"command": "pytest -q"}, "tool_response": {"llmContent": "<untrusted_context>\nOutput: 2 failed\nExit Code: 1\nProcess Group PGID: 4242</untrusted_context>", "returnDisplay": "2 failed"}}),
            ),
            (
                "post-tool-capture",
                json!({"session_id": sid, "cwd": cwd, "hook_event_name": "AfterTool", "timestamp": "2026-08-30T10:12:10Z", "tool_name": "write_file", "tool_input": {"file_path": file, "content": "x"}, "tool_response": {"llmContent": "Successfully wrote", "returnDisplay": "ok"}}),
            ),
            (
                "pre-compact-summary",
                json!({"session_id": sid, "cwd": cwd, "hook_event_name": "PreCompress", "trigger": "auto", "timestamp": "2026-08-30T10:13:00Z"}),
            ),
            (
                "session-start",
                json!({"session_id": sid, "cwd": cwd, "hook_event_name": "SessionStart", "source": "resume", "timestamp": "2026-08-30T10:13:01Z"}),
            ),
            (
                "stop-handoff-harvest",
                json!({"session_id": sid, "cwd": cwd, "hook_event_name": "AfterAgent", "timestamp": "2026-08-30T10:14:00Z", "prompt": "fix", "prompt_response": "Two tests still fail.", "stop_hook_active": false}),
            ),
            (
                "stop-handoff-harvest",
                json!({"session_id": sid, "cwd": cwd, "hook_event_name": "SessionEnd", "reason": "exit", "timestamp": "2026-08-30T10:14:01Z"}),
            ),
        ],
        _ => vec![
            (
                "session-start",
                json!({"session_id": sid, "transcript_path": null, "cwd": cwd, "hook_event_name": "SessionStart", "model": "gpt-5.5-codex", "permission_mode": "default", "source": "startup"}),
            ),
            (
                "pre-tool-capture-route",
                json!({"session_id": sid, "turn_id": "7", "cwd": cwd, "hook_event_name": "PreToolUse", "model": "gpt-5.5-codex", "tool_name": "Bash", "tool_input": {"command": "go test ./..."}, "tool_use_id": "call_1"}),
            ),
            (
                "loop-cap-guard",
                json!({"session_id": sid, "turn_id": "7", "cwd": cwd, "hook_event_name": "PreToolUse", "model": "gpt-5.5-codex", "tool_name": "Bash", "tool_input": {"command": "go test ./..."}, "tool_use_id": "call_1"}),
            ),
            (
                "post-tool-capture",
                json!({"session_id": sid, "turn_id": "7", "cwd": cwd, "hook_event_name": "PostToolUse", "model": "gpt-5.5-codex", "tool_name": "Bash", "tool_input": {"command": "go test ./..."}, "tool_response": "--- FAIL: TestX\nFAIL\n", "tool_use_id": "call_1"}),
            ),
            (
                "post-tool-capture",
                json!({"session_id": sid, "turn_id": "7", "cwd": cwd, "hook_event_name": "PostToolUse", "model": "gpt-5.5-codex", "tool_name": "apply_patch", "tool_input": {"command": "*** Begin Patch\n*** Update File: src/lib.rs\n*** End Patch\n"}, "tool_response": "Exit code: 0\nWall time: 0 seconds\nOutput:\nSuccess. Updated the following files:\nM src/lib.rs\n", "tool_use_id": "call_2"}),
            ),
            (
                "pre-compact-summary",
                json!({"session_id": sid, "turn_id": "9", "cwd": cwd, "hook_event_name": "PreCompact", "model": "gpt-5.5-codex", "trigger": "auto"}),
            ),
            (
                "session-start",
                json!({"session_id": sid, "cwd": cwd, "hook_event_name": "SessionStart", "model": "gpt-5.5-codex", "source": "compact"}),
            ),
            (
                "stop-handoff-harvest",
                json!({"session_id": sid, "turn_id": "9", "cwd": cwd, "hook_event_name": "Stop", "model": "gpt-5.5-codex", "stop_hook_active": false, "last_assistant_message": "TestX still fails."}),
            ),
            (
                "stop-handoff-harvest",
                json!({"session_id": sid, "cwd": cwd, "hook_event_name": "SessionEnd", "reason": "other"}),
            ),
        ],
    }
}

/// The context a session-start answer injects, read from that host's own field.
fn injected(host: &str, out: &Output) -> String {
    assert!(out.status.success(), "{host}: {out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    if text.trim().is_empty() {
        return String::new();
    }
    let v: Value = serde_json::from_str(&text).unwrap();
    match host {
        "cursor" => v["additional_context"].as_str().unwrap_or("").to_owned(),
        _ => {
            assert_eq!(v["hookSpecificOutput"]["hookEventName"], "SessionStart");
            v["hookSpecificOutput"]["additionalContext"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        }
    }
}

#[test]
fn a_whole_session_on_every_host() {
    for host in ["claude", "cursor", "gemini", "codex"] {
        let p = Project::new();
        let sid = format!("{host}-session-1");
        let steps = payloads(host, &p.root, &sid);
        let mut outputs = Vec::new();
        for (hook, payload) in &steps {
            let out = p.run(hook, host, payload);
            assert!(out.status.success(), "{host} {hook}: {out:?}");
            if host == "cursor" {
                serde_json::from_slice::<Value>(&out.stdout)
                    .unwrap_or_else(|e| panic!("cursor {hook} must print JSON: {e}"));
            } else if !matches!(*hook, "session-start") {
                assert!(
                    out.stdout.is_empty(),
                    "{host} {hook} prints nothing: {}",
                    String::from_utf8_lossy(&out.stdout)
                );
            }
            outputs.push(out);
        }
        // The first start injects the skill bootstrap.
        assert!(
            injected(host, &outputs[0]).contains("Using skills"),
            "{host}"
        );
        // After compaction (Claude/Codex say `compact`) the summary comes back.
        if host == "claude" || host == "codex" {
            let ctx = injected(host, &outputs[6]);
            assert!(
                ctx.contains("before compaction") && ctx.contains("Tool executions"),
                "{host}: {ctx}"
            );
        }
        let events = p.events(&sid);
        let names: Vec<&str> = events
            .iter()
            .map(|e| e["event"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "session_start",
                "pre_tool_capture_route",
                "post_tool_capture",
                "post_tool_capture",
                "pre_compact_summary",
                "session_start",
                "session_stop",
                "session_stop"
            ],
            "{host}"
        );
        let failure = &events[2];
        // Codex's PostToolUse carries a shell command's output only: how it ended is
        // unknown there (it is a failure on every other host).
        let (failed, failures) = match host {
            "codex" => (Value::Null, 0),
            _ => (json!(false), 1),
        };
        assert_eq!(failure["success"], failed, "{host}: {failure}");
        // A null exit code is not 0 either: only a number says how the command ended.
        if host == "codex" {
            assert_eq!(failure["exit_code"], Value::Null, "{host}: {failure}");
        } else {
            assert!(
                failure["exit_code"].as_i64().is_some_and(|c| c != 0),
                "{host}: {failure}"
            );
        }
        assert!(
            failure["capture_path"]
                .as_str()
                .is_some_and(|c| Path::new(c).is_file()),
            "{host}: registered capture"
        );
        assert_eq!(events[3]["success"], true, "{host}");
        let status = p.status(&sid);
        assert_eq!(status["run_id"], sid.as_str());
        assert_eq!(status["counters"]["tool_calls"], 2, "{host}");
        assert_eq!(status["counters"]["failures"], failures, "{host}");
        for key in [
            "project_root",
            "phase",
            "status",
            "created_at",
            "updated_at",
            "phase_loop_counts",
            "artifacts",
            "last_event",
        ] {
            assert!(status.get(key).is_some(), "{host}: status.json lacks {key}");
        }
        let summary = std::fs::read_to_string(p.run_dir(&sid).join("summary.md")).unwrap();
        let section = match host {
            "codex" => "outcome not reported by the host",
            _ => "Failing or failed",
        };
        assert!(summary.contains(section), "{host}: {summary}");
        let handoff = std::fs::read_to_string(p.run_dir(&sid).join("handoff.md")).unwrap();
        assert!(
            handoff.contains("Handoff from run") && handoff.contains("Totals"),
            "{host}: {handoff}"
        );
        if host != "cursor" {
            assert!(
                handoff.contains("still fail") || handoff.contains("Two tests"),
                "{host}: the last message is kept: {handoff}"
            );
        }
        // The next session starts with the handoff in its context.
        let next = p.run(
            "session-start",
            host,
            &steps[0]
                .1
                .clone()
                .as_object()
                .map(|o| {
                    let mut o = o.clone();
                    for k in ["session_id", "conversation_id"] {
                        if o.contains_key(k) {
                            o.insert(k.into(), json!(format!("{host}-session-2")));
                        }
                    }
                    Value::Object(o)
                })
                .unwrap(),
        );
        let ctx = injected(host, &next);
        assert!(
            ctx.contains("Handoff from the previous session")
                && ctx.contains(&format!("Handoff from run {sid}")),
            "{host}: {ctx}"
        );
        assert_eq!(
            std::fs::read_to_string(p.state.join("runs/latest")).unwrap(),
            format!("{host}-session-2")
        );
    }
}

#[test]
fn many_hooks_at_once_lose_nothing_and_tear_nothing() {
    let p = Project::new();
    let cwd = p.root.to_string_lossy().into_owned();
    let per_run = 60;
    let runs = ["c-a", "c-b", "c-c"];
    let mut children = Vec::new();
    for i in 0..per_run {
        for sid in runs {
            let big = "x".repeat(if i % 10 == 0 { 20_000 } else { 100 });
            let payload = json!({"session_id": sid, "cwd": cwd, "hook_event_name": "PostToolUse", "tool_name": "Bash",
                "tool_input": {"command": format!("echo {i}")}, "tool_response": {"stdout": big, "stderr": ""}, "tool_use_id": format!("t{i}")});
            children.push(p.spawn("post-tool-capture", "claude", &payload));
        }
    }
    for c in children {
        assert!(c.wait_with_output().unwrap().status.success());
    }
    for sid in runs {
        let events = p.events(sid);
        assert_eq!(events.len(), per_run, "{sid}: every event recorded once");
        assert_eq!(
            p.status(sid)["counters"]["tool_calls"],
            per_run as u64,
            "{sid}"
        );
    }
    eprintln!(
        "concurrency: {} parallel post-tool-capture processes on {} runs, {} events each",
        per_run * runs.len(),
        runs.len(),
        per_run
    );
}

/// Hooks killed at every point of their life, until some kill has provably landed while
/// the hook was writing the run: its capture file written but its event not yet
/// appended, its event appended but the status not yet saved, or a temporary file left
/// behind. (`child.kill()` succeeds on a child that has already exited, so only an exit
/// by SIGKILL counts as a kill that landed.) Whatever the kill interrupted, every file
/// stays whole.
#[test]
fn a_hook_killed_mid_write_leaves_every_file_whole() {
    use std::os::unix::process::ExitStatusExt;
    use std::time::{Duration, Instant};

    let p = Project::new();
    let cwd = p.root.to_string_lossy().into_owned();
    let payload = |i: u32| {
        json!({"session_id": "k", "cwd": cwd, "hook_event_name": "PostToolUse", "tool_name": "Bash",
            "tool_input": {"command": format!("make {i}")}, "tool_response": {"stdout": "y".repeat(300_000), "stderr": ""}, "tool_use_id": format!("k{i}")})
    };
    let counted = || p.status("k")["counters"]["tool_calls"].as_u64().unwrap() as usize;
    let temporary_files = || {
        std::fs::read_dir(p.run_dir("k"))
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .count()
    };
    // How long one hook takes here (the quickest of three): the kills are spread over it.
    let span = (0..3)
        .map(|_| {
            let t0 = Instant::now();
            assert!(
                p.run("post-tool-capture", "claude", &payload(0))
                    .status
                    .success()
            );
            t0.elapsed()
        })
        .min()
        .unwrap();

    // A hook writes the run at the very end of its life. Every fourth kill is spread
    // over the whole span; the others home in on the end: a kill that came too late
    // (the hook had exited) comes sooner next time, one that landed before any write
    // comes later.
    let (mut landed, mut mid_write) = (0, 0);
    let mut end = span / 2;
    let started = Instant::now();
    let mut i = 1;
    while i <= 40 || (mid_write == 0 && started.elapsed() < Duration::from_secs(60)) {
        let (ahead, leftovers) = (p.events("k").len() - counted(), temporary_files());
        let mut child = p.spawn("post-tool-capture", "claude", &payload(i));
        let delay = if i % 4 == 0 {
            span * (i % 20) / 20
        } else {
            end * (95 + i % 10) / 100
        };
        std::thread::sleep(delay);
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.signal() == Some(9) {
            landed += 1;
            let id = format!("k{i}");
            let logged = p
                .events("k")
                .iter()
                .any(|e| e["tool_use_id"] == id.as_str());
            let captured = p.run_dir("k").join(format!("captures/{id}.log")).exists();
            if (captured && !logged)
                || p.events("k").len() - counted() > ahead
                || temporary_files() > leftovers
            {
                mid_write += 1;
            } else if i % 4 != 0 {
                end = end * 21 / 20;
            }
        } else if i % 4 != 0 {
            end = end * 9 / 10;
        }
        i += 1;
    }
    eprintln!(
        "kills: {} hooks ({span:?} each unkilled), {landed} killed while running, {mid_write} of them mid-write",
        i - 1
    );
    assert!(landed > 0, "no kill landed on a running hook");
    assert!(
        mid_write > 0,
        "no kill landed while a hook was writing the run ({landed} landed)"
    );
    // Every line that exists is a whole event (`events` panics on a torn one), and the
    // status still parses.
    let events = p.events("k");
    assert!(events.iter().all(|e| e["event"] == "post_tool_capture"));
    // The event is appended before the status is saved: a hook killed between the two
    // leaves the log ahead of the counters, never behind.
    let counted = counted();
    assert!(
        counted <= events.len() && events.len() <= counted + landed,
        "{counted} counted, {} events, {landed} killed",
        events.len()
    );
    // No more temporary files than hooks killed (none is mistaken for state).
    assert!(
        temporary_files() <= landed,
        "at most one temporary file per killed hook"
    );
    // The next hook still works.
    let out = p.run(
        "stop-handoff-harvest",
        "claude",
        &json!({"session_id": "k", "cwd": cwd, "hook_event_name": "Stop"}),
    );
    assert!(out.status.success());
    assert!(p.run_dir("k").join("handoff.md").is_file());
}

#[test]
fn hostile_session_ids_stay_inside_runs() {
    let p = Project::new();
    let cwd = p.root.to_string_lossy().into_owned();
    for sid in [
        "../../escape",
        "/etc/passwd",
        "a/b/c",
        "..",
        "latest",
        "",
        "x\\..\\y",
    ] {
        let out = p.run("session-start", "claude", &json!({"session_id": sid, "cwd": cwd, "hook_event_name": "SessionStart", "source": "startup"}));
        assert!(out.status.success(), "{sid:?}");
    }
    // Everything written is under runs/, one level deep.
    for entry in walk(&p.state) {
        let rel = entry.strip_prefix(&p.state).unwrap();
        assert!(rel.starts_with("runs"), "{rel:?} is outside runs/");
        assert!(rel.components().count() <= 4, "{rel:?}");
    }
    assert!(!p.state.parent().unwrap().join("escape").exists());
    assert!(!p.root.join("escape").exists());
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        out.push(e.path());
        if e.file_type().unwrap().is_dir() {
            out.extend(walk(&e.path()));
        }
    }
    out
}

#[test]
fn capture_hooks_never_block_on_bad_input() {
    let p = Project::new();
    for hook in [
        "session-start",
        "pre-tool-capture-route",
        "post-tool-capture",
        "pre-compact-summary",
        "stop-handoff-harvest",
    ] {
        for host in ["claude", "cursor", "gemini", "codex"] {
            for stdin in ["", "not json", "[1]", "{\"tool_input\": 5}"] {
                let mut child = p.command(hook, host).spawn().unwrap();
                {
                    use std::io::Write;
                    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
                }
                let out = child.wait_with_output().unwrap();
                assert_eq!(out.status.code(), Some(0), "{hook} {host} {stdin:?}");
                if host == "cursor" {
                    serde_json::from_slice::<Value>(&out.stdout).unwrap();
                } else {
                    // `{"tool_input": 5}` included: it parses, and still names no event
                    // a hook answers on stdout.
                    assert!(
                        out.stdout.is_empty(),
                        "{hook} {host} {stdin:?}: {}",
                        String::from_utf8_lossy(&out.stdout)
                    );
                }
            }
        }
    }
}

#[test]
fn guard_denials_are_recorded_in_the_run() {
    let p = Project::new();
    std::fs::write(
        p.root.join("wazir.hooks.yaml"),
        "protected_paths: [roles]\n",
    )
    .unwrap();
    let cwd = p.root.to_string_lossy().into_owned();
    let deny = json!({"session_id": "g", "cwd": cwd, "hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "rm -rf roles"}});
    let allow = json!({"session_id": "g", "cwd": cwd, "hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "ls"}});
    assert!(
        !p.run("protected-path-write-guard", "claude", &deny)
            .stdout
            .is_empty()
    );
    assert!(
        p.run("protected-path-write-guard", "claude", &allow)
            .stdout
            .is_empty()
    );
    let events = p.events("g");
    assert_eq!(events.len(), 1, "only the denial is recorded");
    assert_eq!(events[0]["event"], "guard_denied");
    assert!(events[0]["reason"].as_str().unwrap().contains("rm -r"));
    assert_eq!(p.status("g")["counters"]["denials"], 1);
    assert!(
        p.run(
            "stop-handoff-harvest",
            "claude",
            &json!({"session_id": "g", "cwd": cwd, "hook_event_name": "Stop"})
        )
        .status
        .success()
    );
    let handoff = std::fs::read_to_string(p.run_dir("g").join("handoff.md")).unwrap();
    assert!(
        handoff.contains("Blocked") && handoff.contains("denied Bash"),
        "{handoff}"
    );
}

#[test]
fn old_runs_beyond_keep_runs_are_pruned() {
    let p = Project::new();
    std::fs::write(
        p.root.join("wazir.hooks.yaml"),
        "capture:\n  keep_runs: 3\n",
    )
    .unwrap();
    let cwd = p.root.to_string_lossy().into_owned();
    for i in 0..6 {
        let out = p.run("session-start", "claude", &json!({"session_id": format!("r{i}"), "cwd": cwd, "hook_event_name": "SessionStart", "source": "startup"}));
        assert!(out.status.success());
        std::thread::sleep(std::time::Duration::from_millis(15));
    }
    let mut left: Vec<String> = std::fs::read_dir(p.state.join("runs"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["r3", "r4", "r5"], "the newest three are kept");
}

#[test]
fn huge_claude_output_is_offloaded_and_secrets_redacted() {
    let p = Project::new();
    std::fs::write(
        p.root.join("wazir.hooks.yaml"),
        "capture:\n  offload_over_bytes: 10000\n  redact:\n    - 'sk-[A-Za-z0-9]{8,}'\n",
    )
    .unwrap();
    let cwd = p.root.to_string_lossy().into_owned();
    let stdout = format!(
        "HEAD-LINE\n{}\nkey sk-abcdefgh12345\n{}\nTAIL-LINE\n",
        "a".repeat(30_000),
        "b".repeat(30_000)
    );
    let out = p.run("post-tool-capture", "claude", &json!({"session_id": "o", "cwd": cwd, "hook_event_name": "PostToolUse", "tool_name": "Bash",
        "tool_input": {"command": "curl -H 'Authorization: sk-zyxwvut98765' https://x"}, "tool_response": {"stdout": stdout, "stderr": "", "interrupted": false, "isImage": false}, "tool_use_id": "big1"}));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let updated = &v["hookSpecificOutput"]["updatedToolOutput"];
    assert_eq!(v["hookSpecificOutput"]["hookEventName"], "PostToolUse");
    let text = updated["stdout"].as_str().unwrap();
    assert!(
        text.starts_with("HEAD-LINE")
            && text.trim_end().ends_with("TAIL-LINE")
            && text.len() < 6000,
        "head and tail only"
    );
    assert!(text.contains("bytes omitted") && text.contains("captures/big1.log"));
    assert_eq!(
        updated["interrupted"], false,
        "the tool's own output shape is kept"
    );
    let captured = std::fs::read_to_string(p.run_dir("o").join("captures/big1.log")).unwrap();
    assert!(
        captured.contains("HEAD-LINE") && captured.contains("TAIL-LINE") && captured.len() > 60_000,
        "the whole output is kept"
    );
    assert!(!captured.contains("sk-abcdefgh12345") && captured.contains("[REDACTED]"));
    let log = std::fs::read_to_string(p.run_dir("o").join("events.ndjson")).unwrap();
    assert!(
        !log.contains("sk-zyxwvut98765") && log.contains("[REDACTED]"),
        "{log}"
    );
    let out = p.run("stop-handoff-harvest", "claude", &json!({"session_id": "o", "cwd": cwd, "hook_event_name": "Stop", "last_assistant_message": "Used sk-qwertyuiop123 to call the API."}));
    assert!(out.status.success());
    let log = std::fs::read_to_string(p.run_dir("o").join("events.ndjson")).unwrap();
    let handoff = std::fs::read_to_string(p.run_dir("o").join("handoff.md")).unwrap();
    assert!(
        !log.contains("sk-qwertyuiop123")
            && !handoff.contains("sk-qwertyuiop123")
            && handoff.contains("[REDACTED]")
    );
    // A failure is never rewritten: Claude reads the error as it is.
    let out = p.run("post-tool-capture", "claude", &json!({"session_id": "o", "cwd": cwd, "hook_event_name": "PostToolUseFailure", "tool_name": "Bash",
        "tool_input": {"command": "make"}, "error": format!("Exit code 2\n{}", "e".repeat(50_000)), "tool_use_id": "big2"}));
    assert!(out.stdout.is_empty());
}

/// Codex's PostToolUse carries a shell command's output and nothing about how it ended
/// (seen on Codex 0.169.0 in the end-to-end runs): the event says "unknown" rather than
/// inventing a success, and a failure streak is neither grown nor ended by it.
/// apply_patch's output starts `Exit code: N`, which is read.
#[test]
fn codex_post_tool_use_does_not_invent_how_a_command_ended() {
    let p = Project::new();
    let post = |tool: &str, input: Value, response: &str| {
        let payload = json!({"session_id": "cx", "turn_id": "1", "model": "m", "cwd": p.root,
            "hook_event_name": "PostToolUse", "tool_name": tool, "tool_input": input,
            "tool_response": response, "tool_use_id": format!("call_{}", response.len())});
        assert!(
            p.run("post-tool-capture", "codex", &payload)
                .status
                .success()
        );
    };
    post(
        "Bash",
        json!({"command": "ls /nonexistent-dir"}),
        "ls: cannot access '/nonexistent-dir': No such file or directory\n",
    );
    post(
        "apply_patch",
        json!({"command": "*** Begin Patch\n*** Add File: a.txt\n+x\n*** End Patch\n"}),
        "Exit code: 1\nWall time: 0 seconds\nOutput:\nfailed to apply\n",
    );
    post(
        "apply_patch",
        json!({"command": "*** Begin Patch\n*** Add File: b.txt\n+x\n*** End Patch\n"}),
        "Exit code: 0\nWall time: 0 seconds\nOutput:\nSuccess. Updated the following files:\nA b.txt\n",
    );
    let events: Vec<Value> = p
        .events("cx")
        .into_iter()
        .filter(|e| e["event"] == "post_tool_capture")
        .collect();
    assert_eq!(events.len(), 3);
    assert_eq!(events[0]["success"], Value::Null, "{}", events[0]);
    assert_eq!(events[0]["exit_code"], Value::Null);
    assert_eq!(events[1]["success"], false);
    assert_eq!(events[1]["exit_code"], 1);
    assert_eq!(events[2]["success"], true);
    assert_eq!(events[2]["exit_code"], 0);
    assert_eq!(p.status("cx")["counters"]["failures"], 1);
}

/// Gemini CLI 0.61.0 says a shell command failed only with an `Exit Code: N` line after its
/// output in `llmContent` (seen in the end-to-end runs); the last such line is Gemini's
/// own, so a look-alike printed by the command cannot hide a failure.
#[test]
fn gemini_shell_failures_are_read_from_the_exit_code_line() {
    let p = Project::new();
    let post = |id: &str, content: &str| {
        let payload = json!({"session_id": "gm", "cwd": p.root, "hook_event_name": "AfterTool",
            "timestamp": "2026-08-30T10:12:09Z", "tool_name": "run_shell_command",
            "tool_input": {"command": format!("run {id}")},
            "tool_response": {"llmContent": content, "returnDisplay": "x"}});
        assert!(
            p.run("post-tool-capture", "gemini", &payload)
                .status
                .success()
        );
    };
    post(
        "ok",
        "<untrusted_context>\nOutput: hello\nProcess Group PGID: 7</untrusted_context>",
    );
    post(
        "failed",
        "<untrusted_context>\nOutput: ls: cannot access '/x'\nExit Code: 2\nProcess Group PGID: 8</untrusted_context>",
    );
    post(
        "disguised",
        "<untrusted_context>\nOutput: Exit Code: 0\nExit Code: 0\nExit Code: 3\nProcess Group PGID: 9</untrusted_context>",
    );
    let events: Vec<Value> = p
        .events("gm")
        .into_iter()
        .filter(|e| e["event"] == "post_tool_capture")
        .collect();
    let outcome: Vec<(Value, Value)> = events
        .iter()
        .map(|e| (e["success"].clone(), e["exit_code"].clone()))
        .collect();
    assert_eq!(
        outcome,
        vec![
            (json!(true), json!(0)),
            (json!(false), json!(2)),
            (json!(false), json!(3)),
        ]
    );
}
