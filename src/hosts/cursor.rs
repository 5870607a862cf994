//! Cursor: `beforeShellExecution` and `preToolUse` payloads (HOSTS.md §2.4), answered with
//! an explicit `permission` object every time (§2.5–2.6: empty output can block, and the
//! deny field's name differs between events, so a deny carries both spellings).

use serde_json::{Value, json};

use super::{common, fill_post_tool, mcp, set_command, set_file_write, str_field, tool_input};
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
        EventKind::BeforeMcp => parse_mcp(&mut event, payload)?,
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
    } else if READ_TOOLS.contains(&lower.as_str()) {
        event.tool_kind = ToolKind::Read;
    } else if OTHER_TOOLS.contains(&lower.as_str()) {
        event.tool_kind = ToolKind::Other;
    } else if let Some(name) = mcp_tool(&tool) {
        mcp::classify(event, name, input);
    } else if WRITE_TOOLS.contains(&lower.as_str()) || (tool.is_empty() && !has_command) {
        set_file_write(
            event,
            input,
            if tool.is_empty() { "unnamed" } else { &tool },
        )?;
        event.recursive_targets = lower.contains("delete");
    } else if ["shell", "terminal", "bash", "command", "run"]
        .iter()
        .any(|w| lower.contains(w))
        || (tool.is_empty() && has_command)
    {
        set_command(event, input, &tool)?;
    } else {
        event.tool_kind = ToolKind::Unknown;
    }
    Ok(())
}

/// Cursor's read-only tools (the agent's tool types and cursor-agent's tool names),
/// lowercased. Every other unknown name is `Unknown`, never read-only by its prefix:
/// `search_replace` starts like a search and writes.
const READ_TOOLS: &[&str] = &[
    "read",
    "read_file",
    "grep",
    "glob",
    "glob_file_search",
    "codebase_search",
    "file_search",
    "list_dir",
    "ls",
    "web_search",
    "fetch",
    "fetch_rules",
    "read_lints",
];

/// Tools that touch no file: agents, plans.
const OTHER_TOOLS: &[&str] = &["task", "todo_write", "todowrite"];

/// File-writing tools: the tool types and cursor-agent's names, lowercased.
const WRITE_TOOLS: &[&str] = &[
    "write",
    "edit",
    "multiedit",
    "delete",
    "strreplace",
    "search_replace",
    "edit_file",
    "delete_file",
    "edit_notebook",
];

/// The server's tool name of an MCP call: `MCP:<tool>`, `mcp__<server>__<tool>`,
/// `mcp_<server>_<tool>`.
fn mcp_tool(tool: &str) -> Option<&str> {
    if let Some(rest) = tool
        .strip_prefix("MCP:")
        .or_else(|| tool.strip_prefix("mcp:"))
    {
        return Some(rest.rsplit("__").next().unwrap_or(rest));
    }
    if tool.eq_ignore_ascii_case("mcp") {
        return Some("");
    }
    if tool.to_ascii_lowercase().starts_with("mcp_") {
        return mcp::underscore_tool(tool);
    }
    None
}

/// Cursor's `beforeMCPExecution`: `tool_input` is a JSON string, not an object.
fn parse_mcp(event: &mut Event, payload: &Value) -> Result<(), PayloadError> {
    let tool = str_field(payload, &["tool_name"]).unwrap_or_default();
    event.tool_name = Some(tool.clone());
    let input = match payload.get("tool_input") {
        Some(Value::String(text)) => serde_json::from_str::<Value>(text)
            .map_err(|e| PayloadError::Shape(format!("`tool_input` of {tool} is not JSON: {e}")))?,
        Some(v @ Value::Object(_)) => v.clone(),
        Some(_) => {
            return Err(PayloadError::Shape(format!(
                "`tool_input` of {tool} is neither a JSON string nor an object"
            )));
        }
        None => Value::Object(serde_json::Map::new()),
    };
    let name = tool.rsplit("__").next().unwrap_or(&tool).to_owned();
    mcp::classify(event, &name, &input);
    event.tool_input = Some(input);
    Ok(())
}

pub(super) fn render(kind: &EventKind, decision: &Decision) -> Answer {
    let verdict = if decision.allowed { "allow" } else { "deny" };
    let body = match (kind, decision.allowed) {
        (EventKind::BeforeShell | EventKind::BeforeMcp, true) => json!({ "permission": "allow" }),
        (EventKind::BeforeShell | EventKind::BeforeMcp, false) => json!({
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
