//! Claude Code: `PreToolUse` payloads (HOSTS.md §1.6–1.7) and the JSON
//! `permissionDecision` deny (§1.8).

use serde_json::{Value, json};

use super::{file_targets, parse_tool_event, set_command};
use crate::error::PayloadError;
use crate::event::{Answer, Decision, Event, EventKind, Host, ToolKind};

pub(super) fn parse(payload: &Value) -> Result<Event, PayloadError> {
    parse_tool_event(Host::Claude, payload, &["last_assistant_message"], classify)
}

fn classify(event: &mut Event, tool: &str, input: &Value) -> Result<(), PayloadError> {
    match tool {
        "Write" | "Edit" | "MultiEdit" | "NotebookEdit" => {
            event.tool_kind = ToolKind::FileWrite;
            event.targets = file_targets(input, tool)?;
        }
        "Bash" | "PowerShell" => set_command(event, input, tool)?,
        "Read" | "Grep" | "Glob" | "LS" | "WebFetch" | "WebSearch" => {
            event.tool_kind = ToolKind::Read;
        }
        _ => {}
    }
    Ok(())
}

pub(super) fn render(kind: &EventKind, decision: &Decision) -> Answer {
    if decision.allowed {
        // Exit 0 with nothing printed is "no opinion": Claude's own permission flow still
        // runs. An explicit allow would skip the user's prompts, which a guard must not do.
        return Answer::default();
    }
    match kind {
        EventKind::PreTool => Answer {
            stdout: json!({
                "hookSpecificOutput": {
                    "hookEventName": "PreToolUse",
                    "permissionDecision": "deny",
                    "permissionDecisionReason": decision.reason,
                }
            })
            .to_string(),
            ..Answer::default()
        },
        // Events without a JSON deny: exit 2 with the reason on stderr blocks wherever
        // blocking is possible at all.
        _ => Answer {
            stderr: decision.reason.clone(),
            exit: 2,
            ..Answer::default()
        },
    }
}

/// Stops Claude altogether: the universal `continue: false` with a stop reason, which
/// beats every event decision, plus the deny itself on a pre-tool call.
pub(super) fn render_stop_agent(kind: &EventKind, decision: &Decision) -> Answer {
    let mut body = match kind {
        EventKind::PreTool => {
            serde_json::from_str(&render(kind, decision).stdout).unwrap_or_else(|_| json!({}))
        }
        _ => json!({}),
    };
    body["continue"] = json!(false);
    body["stopReason"] = json!(decision.reason);
    Answer {
        stdout: body.to_string(),
        ..Answer::default()
    }
}
