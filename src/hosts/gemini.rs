//! Gemini CLI: `BeforeTool` payloads (HOSTS.md §3.4), answered with exit 0 and
//! `{"decision":"deny"}` (§3.5).

use serde_json::{Value, json};

use super::{common, file_targets, fill_post_tool, set_command, str_field, tool_input};
use crate::error::PayloadError;
use crate::event::{Answer, Decision, Event, EventKind, Host, ToolKind};

pub(super) fn parse(payload: &Value) -> Result<Event, PayloadError> {
    let mut event = common(Host::Gemini, payload, &["session_id"]);
    event.last_message = str_field(payload, &["prompt_response", "last_assistant_message"]);
    let tool = parse_tool(&mut event, payload);
    if event.kind == EventKind::PostTool {
        fill_post_tool(&mut event, payload, &["tool_response"], &["error"]);
        if let Some(err) = event
            .response
            .as_ref()
            .and_then(|r| r.get("error"))
            .filter(|e| !e.is_null())
        {
            event.failed = true;
            event
                .error
                .get_or_insert_with(|| err.as_str().map_or_else(|| err.to_string(), str::to_owned));
        }
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
        "write_file" | "replace" | "edit" => {
            event.tool_kind = ToolKind::FileWrite;
            event.targets = file_targets(input, &tool)?;
        }
        "run_shell_command" => {
            set_command(event, input, &tool)?;
            if let Some(dir) = str_field(input, &["dir_path", "directory"]) {
                // `dir_path` is relative to the session's cwd unless absolute.
                event.cwd = Some(match &event.cwd {
                    Some(cwd) => cwd.join(dir),
                    None => dir.into(),
                });
            }
        }
        "read_file"
        | "read_many_files"
        | "glob"
        | "grep_search"
        | "search_file_content"
        | "list_directory"
        | "google_web_search"
        | "web_fetch" => {
            event.tool_kind = ToolKind::Read;
        }
        _ => {}
    }
    Ok(())
}

pub(super) fn render(decision: &Decision) -> Answer {
    if decision.allowed {
        return Answer::default();
    }
    Answer {
        stdout: json!({ "decision": "deny", "reason": decision.reason }).to_string(),
        ..Answer::default()
    }
}
