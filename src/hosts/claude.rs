//! Claude Code: `PreToolUse` payloads (HOSTS.md §1.6–1.7) and the JSON
//! `permissionDecision` deny (§1.8).

use serde_json::{Value, json};

use super::{common, file_targets, fill_post_tool, set_command, str_field, tool_input};
use crate::error::PayloadError;
use crate::event::{Answer, Decision, Event, EventKind, Host, ToolKind};

pub(super) fn parse(payload: &Value) -> Result<Event, PayloadError> {
    let mut event = common(Host::Claude, payload, &["session_id"]);
    event.last_message = str_field(payload, &["last_assistant_message"]);
    let tool = parse_tool(&mut event, payload);
    if event.kind == EventKind::PostTool {
        fill_post_tool(&mut event, payload, &["tool_response"], &["error"]);
        return Ok(event);
    }
    tool.map(|()| event)
}

fn parse_tool(event: &mut Event, payload: &Value) -> Result<(), PayloadError> {
    let Some(tool) = str_field(payload, &["tool_name"]) else {
        return Ok(());
    };
    event.tool_name = Some(tool.clone());
    let input = tool_input(payload)?;
    match tool.as_str() {
        "Write" | "Edit" | "MultiEdit" | "NotebookEdit" => {
            event.tool_kind = ToolKind::FileWrite;
            event.targets = file_targets(input, &tool)?;
        }
        "Bash" | "PowerShell" => set_command(event, input, &tool)?,
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
