//! What a host sends for an event, and how it reads a hook's answer — for `doctor`, which
//! runs each registered command as its host would and judges the answer by that host's
//! rules (HOSTS.md §1.8, §2.5–2.6, §3.5, §4.5), not by ours.

use std::path::Path;

use serde_json::{Map, Value, json};

use crate::event::Host;

/// The tool call a probe payload describes.
#[derive(Clone, Copy, Debug)]
pub enum Call<'a> {
    /// A shell command on the host's shell tool.
    Shell(&'a str),
    /// The host's file-writing tool writing this absolute path.
    WriteFile(&'a str),
    /// The official filesystem MCP server's `write_file` writing this absolute path.
    McpWrite(&'a str),
}

/// A payload to send: the session, the working directory, and the call (for tool events).
#[derive(Clone, Copy, Debug)]
pub struct Probe<'a> {
    pub session: &'a str,
    pub cwd: &'a Path,
    pub call: Call<'a>,
}

/// `host`'s payload for `event` (the host's own event name).
pub fn payload(host: Host, event: &str, probe: &Probe<'_>) -> Value {
    let cwd = probe.cwd.to_string_lossy();
    let mut p = Map::new();
    let mut set = |k: &str, v: Value| {
        p.insert(k.to_owned(), v);
    };
    set("hook_event_name", json!(event));
    set("cwd", json!(cwd));
    match host {
        Host::Cursor => {
            set("conversation_id", json!(probe.session));
            set("generation_id", json!("wazir-doctor"));
            set("cursor_version", json!("doctor"));
            set("workspace_roots", json!([cwd]));
        }
        Host::Codex => {
            set("session_id", json!(probe.session));
            set("turn_id", json!("1"));
            set("model", json!("doctor"));
            set("permission_mode", json!("default"));
        }
        Host::Gemini => {
            set("session_id", json!(probe.session));
            set("timestamp", json!("2026-01-01T00:00:00.000Z"));
        }
        Host::Claude | Host::Wazir => {
            set("session_id", json!(probe.session));
            set("permission_mode", json!("default"));
        }
    }
    if event == "beforeShellExecution" {
        let command = match probe.call {
            Call::Shell(c) => c.to_owned(),
            Call::WriteFile(path) | Call::McpWrite(path) => format!("touch '{path}'"),
        };
        set("command", json!(command));
        return Value::Object(p);
    }
    if event == "beforeMCPExecution" {
        // A write for the write probes; for the harmless probe, a listing.
        let (tool, input) = match probe.call {
            Call::WriteFile(path) | Call::McpWrite(path) => {
                ("write_file", json!({"path": path, "content": "x\n"}))
            }
            Call::Shell(_) => ("list_directory", json!({"path": cwd})),
        };
        set("tool_name", json!(tool));
        set("tool_input", json!(input.to_string()));
        set(
            "command",
            json!("npx -y @modelcontextprotocol/server-filesystem ."),
        );
        return Value::Object(p);
    }
    let tool_event = matches!(
        event,
        "PreToolUse"
            | "PostToolUse"
            | "PostToolUseFailure"
            | "preToolUse"
            | "postToolUse"
            | "postToolUseFailure"
            | "BeforeTool"
            | "AfterTool"
    );
    if tool_event {
        let (tool, input) = tool_call(host, probe);
        set("tool_name", json!(tool));
        set("tool_input", input);
        set("tool_use_id", json!("wazir-doctor-1"));
        match event {
            "PostToolUse" | "postToolUse" | "AfterTool" => {
                set("tool_response", json!("ok"));
                set("tool_output", json!("ok"));
            }
            "PostToolUseFailure" | "postToolUseFailure" => {
                set("error", json!("exit status 1"));
                set("error_message", json!("exit status 1"));
            }
            _ => {}
        }
    }
    match event {
        "SessionStart" | "sessionStart" => set("source", json!("startup")),
        "Stop" | "AfterAgent" | "stop" => {
            set("stop_hook_active", json!(false));
            set("last_assistant_message", json!("Done."));
            set("status", json!("completed"));
            set("loop_count", json!(0));
        }
        "PreCompact" | "PreCompress" | "preCompact" => set("trigger", json!("manual")),
        "SessionEnd" | "sessionEnd" => set("reason", json!("other")),
        _ => {}
    }
    Value::Object(p)
}

fn tool_call(host: Host, probe: &Probe<'_>) -> (&'static str, Value) {
    match (host, probe.call) {
        (Host::Cursor, Call::Shell(c)) => (
            "Shell",
            json!({"command": c, "working_directory": probe.cwd.to_string_lossy()}),
        ),
        (Host::Gemini, Call::Shell(c)) => ("run_shell_command", json!({ "command": c })),
        (_, Call::Shell(c)) => ("Bash", json!({ "command": c })),
        (Host::Gemini, Call::WriteFile(p)) => {
            ("write_file", json!({"file_path": p, "content": "x\n"}))
        }
        (Host::Codex, Call::WriteFile(p)) => (
            "apply_patch",
            json!({ "command": format!("*** Begin Patch\n*** Add File: {p}\n+x\n*** End Patch\n") }),
        ),
        (_, Call::WriteFile(p)) => ("Write", json!({"file_path": p, "content": "x\n"})),
        (Host::Gemini, Call::McpWrite(p)) => (
            "mcp_filesystem_write_file",
            json!({"path": p, "content": "x\n"}),
        ),
        (Host::Cursor, Call::McpWrite(p)) => {
            ("MCP:write_file", json!({"path": p, "content": "x\n"}))
        }
        (_, Call::McpWrite(p)) => (
            "mcp__filesystem__write_file",
            json!({"path": p, "content": "x\n"}),
        ),
    }
}

/// What the host makes of an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reading {
    /// The call is blocked; the reason the model sees.
    Deny(String),
    /// The agent is stopped (`continue: false`).
    Stop(String),
    /// The call goes on.
    Allow,
    /// The host cannot use the answer (a crash code, unreadable JSON): it reports a hook
    /// error and, on every host here but Cursor's permission hooks, lets the call through.
    Broken(String),
}

/// How `host` reads a command hook's exit code, stdout and stderr on `event`.
pub fn read(host: Host, event: &str, exit: i32, stdout: &str, stderr: &str) -> Reading {
    let out = stdout.trim();
    let err = stderr.trim();
    let parsed = || serde_json::from_str::<Value>(out).ok();
    match host {
        Host::Claude => match exit {
            2 => Reading::Deny(err.to_owned()),
            0 if out.starts_with('{') => match parsed() {
                Some(v) => json_reading(&v),
                None => Reading::Broken("stdout looks like JSON but does not parse".into()),
            },
            0 => Reading::Allow,
            n => Reading::Broken(format!(
                "exit {n} is a non-blocking error to Claude Code: the call goes on"
            )),
        },
        Host::Cursor => match exit {
            2 => Reading::Deny(err.to_owned()),
            // Only the permission events need an answer; the others may print nothing.
            0 if out.is_empty() && !is_cursor_permission(event) => Reading::Allow,
            0 => match parsed() {
                Some(v) => match json_reading(&v) {
                    Reading::Allow
                        if is_cursor_permission(event) && v.get("permission").is_none() =>
                    {
                        Reading::Broken(
                            "no `permission` in the answer: Cursor reads it as invalid".into(),
                        )
                    }
                    r => r,
                },
                None => Reading::Broken("stdout is not the JSON object Cursor expects".into()),
            },
            n => Reading::Broken(format!("exit {n}: Cursor treats it as a failed hook")),
        },
        Host::Gemini => {
            // Gemini parses JSON from stdout, else stderr, whatever the exit code.
            let text = if out.is_empty() { err } else { out };
            match serde_json::from_str::<Value>(text) {
                Ok(v @ Value::Object(_)) => json_reading(&v),
                _ if text.is_empty() => Reading::Allow,
                _ if exit >= 2 => Reading::Deny(text.to_owned()),
                _ => Reading::Allow,
            }
        }
        Host::Codex => match exit {
            2 if !err.is_empty() => Reading::Deny(err.to_owned()),
            2 => Reading::Broken("exit 2 with nothing on stderr does not block in Codex".into()),
            0 if out.is_empty() => Reading::Allow,
            0 if out.starts_with('{') || out.starts_with('[') => match parsed() {
                Some(v) => match json_reading(&v) {
                    Reading::Deny(r) if r.is_empty() => {
                        Reading::Broken("a deny without a reason is rejected by Codex".into())
                    }
                    r => r,
                },
                None => Reading::Broken("stdout looks like JSON but does not parse".into()),
            },
            0 => Reading::Allow,
            n => Reading::Broken(format!("exit {n}: Codex treats it as a failed hook")),
        },
        Host::Wazir => match exit {
            0 => Reading::Allow,
            42 | 43 => Reading::Deny(out.to_owned()),
            n => Reading::Broken(format!("exit {n}")),
        },
    }
}

fn is_cursor_permission(event: &str) -> bool {
    matches!(
        event,
        "preToolUse" | "beforeShellExecution" | "beforeMCPExecution" | "beforeReadFile"
    )
}

/// The decision fields the hosts share in one spelling or another.
fn json_reading(v: &Value) -> Reading {
    let text = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| v.get(*k).and_then(Value::as_str))
            .unwrap_or_default()
            .to_owned()
    };
    let specific = &v["hookSpecificOutput"];
    if specific["permissionDecision"] == "deny" {
        let reason = specific["permissionDecisionReason"]
            .as_str()
            .unwrap_or_default();
        return Reading::Deny(reason.to_owned());
    }
    if v["continue"] == false {
        return Reading::Stop(text(&["stopReason", "reason"]));
    }
    let deny = |k: &str| matches!(v[k].as_str(), Some("deny" | "block"));
    if deny("decision") || deny("permission") {
        return Reading::Deny(text(&["reason", "agent_message", "user_message"]));
    }
    Reading::Allow
}
