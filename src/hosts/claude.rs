//! Claude Code: `PreToolUse` payloads (HOSTS.md §1.6–1.7) and the JSON
//! `permissionDecision` deny (§1.8).

use serde_json::{Value, json};

use super::{mcp, parse_tool_event, set_command, set_file_write};
use crate::error::PayloadError;
use crate::event::{Answer, Decision, Event, EventKind, Host, ToolKind};

pub(super) fn parse(payload: &Value) -> Result<Event, PayloadError> {
    parse_tool_event(Host::Claude, payload, &["last_assistant_message"], classify)
}

fn classify(event: &mut Event, tool: &str, input: &Value) -> Result<(), PayloadError> {
    match tool {
        "Write" | "Edit" | "MultiEdit" | "NotebookEdit" => set_file_write(event, input, tool)?,
        "Bash" => set_command(event, input, tool)?,
        "PowerShell" => {
            set_command(event, input, tool)?;
            event.tool_kind = ToolKind::PowerShell;
        }
        "Read"
        | "Grep"
        | "Glob"
        | "LS"
        | "NotebookRead"
        | "WebFetch"
        | "WebSearch"
        | "BashOutput"
        | "TaskOutput"
        | "ListMcpResourcesTool"
        | "ReadMcpResourceTool" => {
            event.tool_kind = ToolKind::Read;
        }
        // Agents and plans: a subagent's own tool calls pass through the hooks again.
        "Task" | "Agent" | "TodoWrite" | "ExitPlanMode" | "EnterPlanMode" | "AskUserQuestion"
        | "KillShell" | "KillBash" | "TaskStop" => event.tool_kind = ToolKind::Other,
        _ => match mcp::double_underscore_tool(tool) {
            Some(name) => mcp::classify(event, name, input),
            None => event.tool_kind = ToolKind::Unknown,
        },
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
