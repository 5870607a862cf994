//! Cursor: `beforeShellExecution` and `preToolUse` payloads (HOSTS.md §2.4), answered with
//! an explicit `permission` object every time (§2.5–2.6: empty output can block, and the
//! deny field's name differs between events, so a deny carries both spellings).

use serde_json::{Value, json};

use super::{common, file_targets, fill_post_tool, set_command, str_field, tool_input};
use crate::error::PayloadError;
use crate::event::{Answer, Decision, Event, EventKind, Host, ToolKind};

pub(super) fn parse(payload: &Value) -> Result<Event, PayloadError> {
    let mut event = common(Host::Cursor, payload, &["session_id", "conversation_id"]);
    match event.kind {
        EventKind::BeforeShell => {
            set_command(&mut event, payload, "beforeShellExecution")?;
            event.tool_name = Some("Shell".into());
        }
        EventKind::PreTool => parse_tool(&mut event, payload)?,
        EventKind::PostTool => {
            if payload.get("tool_name").is_some() {
                let _ = parse_tool(&mut event, payload);
            } else if payload.get("command").is_some() {
                let _ = set_command(&mut event, payload, "Shell");
                event.tool_name = Some("Shell".into());
            }
            fill_post_tool(
                &mut event,
                payload,
                &["tool_output", "output", "result_json"],
                &["error_message"],
            );
        }
        EventKind::Other(ref name) if name == "beforeReadFile" => {
            event.tool_kind = ToolKind::Read;
        }
        _ => {}
    }
    if event.cwd.is_none() {
        // Cursor runs project hooks from the project root; some builds omit `cwd` on file
        // tools, but always send the workspace roots.
        event.cwd = payload
            .get("workspace_roots")
            .and_then(Value::as_array)
            .and_then(|roots| roots.first())
            .and_then(Value::as_str)
            .map(Into::into);
    }
    Ok(event)
}

/// Cursor's tool names and argument spellings vary between builds (HOSTS.md §2.4), so
/// the tool is classified by what its name and input say it does.
fn parse_tool(event: &mut Event, payload: &Value) -> Result<(), PayloadError> {
    let tool = str_field(payload, &["tool_name"]).unwrap_or_default();
    let input = tool_input(payload)?;
    event.tool_name = Some(tool.clone());
    let lower = tool.to_ascii_lowercase();
    let has_command = input.get("command").is_some();
    if let Some(dir) = str_field(input, &["working_directory", "cwd"]) {
        event.cwd = Some(dir.into());
    }
    if lower.contains("patch") {
        event.tool_kind = ToolKind::Patch;
        let text = str_field(
            input,
            &["patch", "diff", "unified_diff", "input", "content"],
        )
        .or_else(|| str_field(input, &["command"]));
        event.patch = Some(text.ok_or_else(|| {
            PayloadError::Shape(format!("the {tool} tool's input holds no patch text"))
        })?);
    } else if ["shell", "terminal", "bash", "command", "run"]
        .iter()
        .any(|w| lower.contains(w))
        || (tool.is_empty() && has_command)
    {
        set_command(event, input, &tool)?;
    } else if [
        "read", "grep", "glob", "search", "list", "view", "fetch", "ls",
    ]
    .iter()
    .any(|w| lower == *w || lower.starts_with(w))
    {
        event.tool_kind = ToolKind::Read;
    } else if tool.starts_with("MCP") || lower.starts_with("mcp") || lower == "task" {
        event.tool_kind = ToolKind::Other;
    } else {
        // Write, StrReplace, Delete, Edit, and any unnamed or new tool that names a file:
        // when in doubt, a file tool is a write.
        event.tool_kind = ToolKind::FileWrite;
        event.targets = file_targets(input, if tool.is_empty() { "unnamed" } else { &tool })?;
    }
    Ok(())
}

pub(super) fn render(kind: &EventKind, decision: &Decision) -> Answer {
    let verdict = if decision.allowed { "allow" } else { "deny" };
    let body = match (kind, decision.allowed) {
        (EventKind::BeforeShell, true) => json!({ "permission": "allow" }),
        (EventKind::BeforeShell, false) => json!({
            "permission": "deny",
            "user_message": decision.reason,
            "agent_message": decision.reason,
        }),
        (_, true) => json!({ "permission": "allow", "decision": "allow" }),
        (_, false) => json!({
            "permission": verdict,
            "decision": verdict,
            "reason": decision.reason,
            "user_message": decision.reason,
            "agent_message": decision.reason,
        }),
    };
    Answer {
        stdout: body.to_string(),
        ..Answer::default()
    }
}
