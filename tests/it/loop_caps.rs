//! loop-cap-guard, cap by cap, through the real binary: a cap of N allows N and denies
//! the next; the deny names the cap, the count and the evidence; a phase cap stops the
//! agent; a success ends a failure streak; runs never share counters.

use serde_json::{Value, json};

use crate::harness::{Verdict, verdict};
use crate::session::Project;

fn caps(p: &Project, yaml: &str) {
    std::fs::write(p.root.join("wazir.hooks.yaml"), yaml).unwrap();
}

fn pre(p: &Project, sid: &str, cmd: &str) -> std::process::Output {
    let payload = json!({"session_id": sid, "cwd": p.root, "hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": cmd}});
    p.run("loop-cap-guard", "claude", &payload)
}

fn post(p: &Project, sid: &str, cmd: &str, ok: bool) {
    let payload = if ok {
        json!({"session_id": sid, "cwd": p.root, "hook_event_name": "PostToolUse", "tool_name": "Bash", "tool_input": {"command": cmd}, "tool_response": {"stdout": "ok", "stderr": ""}})
    } else {
        json!({"session_id": sid, "cwd": p.root, "hook_event_name": "PostToolUseFailure", "tool_name": "Bash", "tool_input": {"command": cmd}, "error": "Exit code 1\nboom"})
    };
    assert!(
        p.run("post-tool-capture", "claude", &payload)
            .status
            .success()
    );
}

fn reason(out: &std::process::Output) -> String {
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["hookSpecificOutput"]["permissionDecisionReason"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A stop the hook lets happen: exit 0 and nothing on stdout. An empty stdout alone
/// proves nothing: exit 2 at Claude Code's Stop means "keep going".
fn assert_lets_stop(out: &std::process::Output, what: &str) {
    assert_eq!(out.status.code(), Some(0), "{what}: {out:?}");
    assert!(out.stdout.is_empty(), "{what}: {out:?}");
}

/// A stop answer that ends the agent (`continue: false`), read from stdout: it must
/// come with exit 0, since a host reads no JSON from a hook that exits 2.
fn stops_agent(out: &std::process::Output) -> Value {
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["continue"], false, "{v}");
    v
}

#[test]
fn max_tool_calls_allows_n_then_denies() {
    let p = Project::new();
    caps(
        &p,
        "loop_caps:\n  max_tool_calls: 3\n  max_identical_calls: 100\n",
    );
    for i in 0..3 {
        assert_eq!(
            verdict("claude", &pre(&p, "r", &format!("echo {i}"))),
            Verdict::Allow,
            "call {i}"
        );
    }
    let out = pre(&p, "r", "echo 3");
    assert_eq!(verdict("claude", &out), Verdict::Deny);
    let r = reason(&out);
    assert!(
        r.contains("max_tool_calls") && r.contains("4 of 3") && r.contains("operator"),
        "{r}"
    );
    let events = p.events("r");
    assert_eq!(events.last().unwrap()["event"], "loop_cap_reached");
    assert_eq!(events.last().unwrap()["cap"], "max_tool_calls");
}

#[test]
fn identical_calls_in_a_row() {
    let p = Project::new();
    caps(&p, "loop_caps:\n  max_identical_calls: 2\n");
    assert_eq!(verdict("claude", &pre(&p, "r", "ls")), Verdict::Allow);
    assert_eq!(verdict("claude", &pre(&p, "r", "ls")), Verdict::Allow);
    let out = pre(&p, "r", "ls");
    assert_eq!(verdict("claude", &out), Verdict::Deny);
    assert!(reason(&out).contains("the same call"));
    // A different call breaks the streak.
    assert_eq!(verdict("claude", &pre(&p, "r", "pwd")), Verdict::Allow);
    assert_eq!(verdict("claude", &pre(&p, "r", "ls")), Verdict::Allow);
}

#[test]
fn repeated_failures_and_a_success_ends_the_streak() {
    let p = Project::new();
    caps(
        &p,
        "loop_caps:\n  max_repeated_failures: 2\n  max_identical_calls: 100\n",
    );
    for _ in 0..2 {
        assert_eq!(
            verdict("claude", &pre(&p, "r", "cargo test")),
            Verdict::Allow
        );
        post(&p, "r", "cargo test", false);
    }
    let out = pre(&p, "r", "cargo test");
    assert_eq!(verdict("claude", &out), Verdict::Deny);
    let r = reason(&out);
    assert!(
        r.contains("max_repeated_failures")
            && r.contains("cargo test")
            && r.contains("failed 2 times"),
        "{r}"
    );
    // Other commands are not held up by it.
    assert_eq!(
        verdict("claude", &pre(&p, "r", "cargo build")),
        Verdict::Allow
    );
    post(&p, "r", "cargo test", true);
    assert_eq!(
        verdict("claude", &pre(&p, "r", "cargo test")),
        Verdict::Allow,
        "a success ends the streak"
    );
}

#[test]
fn a_phase_cap_stops_the_agent() {
    let p = Project::new();
    caps(&p, "loop_caps:\n  phases:\n    review: 2\n");
    assert_eq!(verdict("claude", &pre(&p, "r", "ls")), Verdict::Allow);
    let status_path = p.run_dir("r").join("status.json");
    let mut status: Value = serde_json::from_slice(&std::fs::read(&status_path).unwrap()).unwrap();
    status["phase"] = json!("review");
    status["phase_loop_counts"] = json!({"review": 2});
    std::fs::write(&status_path, status.to_string()).unwrap();
    stopped_everywhere(&p, "phase `review` has run 2 iterations");
}

/// The next call of run `r` stops the agent on every host: Claude Code and Gemini CLI
/// altogether (the reason naming `why`), Codex with a deny.
fn stopped_everywhere(p: &Project, why: &str) {
    let out = pre(p, "r", "pwd");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["continue"], false, "Claude is stopped altogether: {v}");
    assert!(v["stopReason"].as_str().unwrap().contains(why), "{v}");
    assert_eq!(v["hookSpecificOutput"]["permissionDecision"], "deny");
    let g = p.run("loop-cap-guard", "gemini", &json!({"session_id": "r", "cwd": p.root, "hook_event_name": "BeforeTool", "tool_name": "run_shell_command", "tool_input": {"command": "ls"}}));
    assert_eq!(
        serde_json::from_slice::<Value>(&g.stdout).unwrap()["continue"],
        false
    );
    let c = p.run("loop-cap-guard", "codex", &json!({"session_id": "r", "turn_id": "1", "cwd": p.root, "hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "ls"}}));
    assert_eq!(verdict("codex", &c), Verdict::Deny);
}

/// `wazir-hooks loop next --phase P` counts P whatever phase the run is in (here none), and
/// at P's cap says the agent is stopped: the next guard call must stop it, in the host's
/// channel, until the operator raises the cap.
#[test]
fn loop_next_at_a_phase_cap_stops_the_agent_at_the_next_call() {
    let p = Project::new();
    caps(&p, "loop_caps:\n  phases:\n    review: 2\n");
    assert_eq!(verdict("claude", &pre(&p, "r", "ls")), Verdict::Allow);
    let loop_cmd = |args: &[&str]| {
        let out = p
            .cli(&[&["loop"], args, &["--run", "r"]].concat())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(loop_cmd(&["next", "--phase", "review"]), "review 1/2\n");
    assert_eq!(verdict("claude", &pre(&p, "r", "pwd")), Verdict::Allow);
    let at_cap = loop_cmd(&["next", "--phase", "review"]);
    assert!(
        at_cap.starts_with("review 2/2\ncap reached: loop-cap-guard stops the agent"),
        "{at_cap}"
    );
    assert_eq!(
        p.status("r")["phase"],
        Value::Null,
        "no current phase is set"
    );

    stopped_everywhere(&p, "phase `review` has run 2 iterations; its cap is 2");
    assert_eq!(p.events("r").last().unwrap()["cap"], "phase");

    loop_cmd(&["raise", "--phase", "review"]);
    assert_eq!(verdict("claude", &pre(&p, "r", "uptime")), Verdict::Allow);
}

#[test]
fn stop_continuations_are_capped() {
    let p = Project::new();
    caps(&p, "loop_caps:\n  max_continuations: 2\n");
    let stop = |active: bool| {
        p.run("loop-cap-guard", "claude", &json!({"session_id": "r", "cwd": p.root, "hook_event_name": "Stop", "stop_hook_active": active}))
    };
    assert_lets_stop(&stop(false), "a first stop");
    assert_lets_stop(&stop(true), "continuation 1");
    assert_lets_stop(&stop(true), "continuation 2");
    let v = stops_agent(&stop(true));
    assert!(
        v["stopReason"]
            .as_str()
            .unwrap()
            .contains("max_continuations")
    );
    assert_lets_stop(&stop(false), "a real stop resets the count");
}

#[test]
fn runs_never_share_counters() {
    let p = Project::new();
    caps(&p, "loop_caps:\n  max_tool_calls: 2\n");
    for sid in ["one", "two"] {
        assert_eq!(verdict("claude", &pre(&p, sid, "a")), Verdict::Allow);
        assert_eq!(verdict("claude", &pre(&p, sid, "b")), Verdict::Allow);
    }
    assert_eq!(verdict("claude", &pre(&p, "one", "c")), Verdict::Deny);
    assert_eq!(verdict("claude", &pre(&p, "three", "c")), Verdict::Allow);
}

#[test]
fn bad_input_and_broken_config_deny() {
    let p = Project::new();
    for stdin in ["", "{", "[]"] {
        let mut child = p.command("loop-cap-guard", "claude").spawn().unwrap();
        {
            use std::io::Write;
            let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
        }
        assert_eq!(
            verdict("claude", &child.wait_with_output().unwrap()),
            Verdict::Deny,
            "{stdin:?}"
        );
    }
    caps(&p, "loop_caps:\n  max_tool_calls: lots\n");
    let out = pre(&p, "r", "ls");
    assert_eq!(verdict("claude", &out), Verdict::Deny);
    assert!(reason(&out).contains("loop_caps.max_tool_calls"));
}

#[test]
fn canonical_contract_exit_43() {
    let p = Project::new();
    let run = p.state.join("runs/run-1");
    std::fs::create_dir_all(&run).unwrap();
    std::fs::write(
        run.join("status.json"),
        r#"{"run_id":"run-1","phase_loop_counts":{"review":2,"verify":1}}"#,
    )
    .unwrap();
    let call = |payload: Value| p.run("loop-cap-guard", "wazir", &payload);
    let out =
        call(json!({"run_id": "run-1", "phase": "review", "state_root": p.state, "loop_cap": 2}));
    assert_eq!(out.status.code(), Some(43));
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["guard_decision"]["allowed"], false);
    assert_eq!(d["guard_decision"]["current_loop_count"], 2);
    let out =
        call(json!({"run_id": "run-1", "phase": "verify", "state_root": p.state, "loop_cap": 2}));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).unwrap()["guard_decision"]["allowed"],
        true
    );
    for bad in [
        json!({"phase": "review", "state_root": p.state, "loop_cap": 2}),
        json!({"run_id": "run-1", "state_root": p.state, "loop_cap": 2}),
        json!({"run_id": "run-1", "phase": "review", "loop_cap": 2}),
        json!({"run_id": "run-1", "phase": "review", "state_root": p.state}),
        json!({"run_id": "run-1", "phase": "review", "state_root": p.state, "loop_cap": 0}),
        json!({"run_id": "nope", "phase": "review", "state_root": p.state, "loop_cap": 2}),
    ] {
        let out = call(bad.clone());
        assert_eq!(out.status.code(), Some(1), "{bad}");
        assert!(out.stdout.is_empty() && !out.stderr.is_empty(), "{bad}");
    }
}

#[test]
fn gemini_continuation_cap_stops_without_asking_for_a_retry() {
    let p = Project::new();
    caps(&p, "loop_caps:\n  max_continuations: 1\n");
    let stop = || {
        p.run("loop-cap-guard", "gemini", &json!({"session_id": "g", "cwd": p.root, "hook_event_name": "AfterAgent", "stop_hook_active": true, "prompt_response": "again"}))
    };
    assert_lets_stop(&stop(), "continuation 1");
    let v = stops_agent(&stop());
    assert!(
        v.get("decision").is_none(),
        "on AfterAgent a deny would force another turn: {v}"
    );
}

/// A broken configuration makes the guard deny tool calls, but at a stop it lets the
/// agent stop: "blocking" a Stop means "keep going" (exit 2 at Claude Code's Stop,
/// `decision: deny` at Gemini's AfterAgent), which would keep a broken setup running.
#[test]
fn a_broken_configuration_never_keeps_the_agent_going() {
    let p = Project::new();
    caps(&p, "protected_paths: [unclosed\n");
    assert_eq!(verdict("claude", &pre(&p, "r", "ls")), Verdict::Deny);
    let stops = [
        (
            "claude",
            json!({"session_id": "r", "cwd": p.root, "hook_event_name": "Stop", "stop_hook_active": false}),
        ),
        (
            "codex",
            json!({"session_id": "r", "turn_id": "1", "model": "m", "cwd": p.root, "hook_event_name": "Stop", "stop_hook_active": false}),
        ),
        (
            "gemini",
            json!({"session_id": "r", "cwd": p.root, "hook_event_name": "AfterAgent", "timestamp": "2026-01-01T00:00:00Z", "prompt": "p", "prompt_response": "r", "stop_hook_active": false}),
        ),
        (
            "cursor",
            json!({"conversation_id": "r", "generation_id": "g", "cursor_version": "2", "workspace_roots": [p.root], "hook_event_name": "stop", "status": "completed", "loop_count": 0}),
        ),
    ];
    for (host, payload) in stops {
        let out = p.run("loop-cap-guard", host, &payload);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{host}: a stop must not be blocked"
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        for word in ["deny", "block", "followup_message", "\"continue\""] {
            assert!(!stdout.contains(word), "{host}: {stdout}");
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("configuration") && stderr.contains("let stop"),
            "{host}: {stderr}"
        );
    }
}
