//! Gemini CLI: `BeforeTool` payloads (HOSTS.md §3.4), answered with exit 0 and
//! `{"decision":"deny"}` (§3.5).

use serde_json::{Value, json};

use super::{mcp, parse_tool_event, set_command, set_file_write, str_field};
use crate::error::PayloadError;
use crate::event::{Answer, Decision, Event, EventKind, Host, ToolKind};

pub(super) fn parse(payload: &Value) -> Result<Event, PayloadError> {
    let mut event = parse_tool_event(
        Host::Gemini,
        payload,
        &["prompt_response", "last_assistant_message"],
        classify,
    )?;
    if event.kind == EventKind::PostTool
        && let Some(err) = event
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
    if event.kind == EventKind::PostTool
        && event.tool_kind == ToolKind::Shell
        && event.exit_code.is_none()
        && let Some(code) = shell_exit_code(event.response.as_ref())
    {
        event.exit_code = Some(code);
        event.failed |= code != 0;
    }
    Ok(event)
}

/// The exit code of `run_shell_command`: Gemini CLI 0.61.0 sends no error field for a
/// command that exits non-zero, only an `Exit Code: N` line after the output in
/// `llmContent` (seen in the end-to-end runs). The last such line is Gemini's own; the
/// command's output, which comes first, could print a look-alike.
fn shell_exit_code(response: Option<&Value>) -> Option<i64> {
    let text = response?.get("llmContent")?.as_str()?;
    text.lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("Exit Code:")?.trim().parse().ok())
}

fn classify(event: &mut Event, tool: &str, input: &Value) -> Result<(), PayloadError> {
    match tool {
        "write_file" | "replace" | "edit" | "smart_edit" => set_file_write(event, input, tool)?,
        "run_shell_command" => {
            set_command(event, input, tool)?;
            if let Some(dir) = str_field(input, &["dir_path", "directory"]) {
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
        "write_todos" | "ask_user" | "codebase_investigator" | "activate_skill" => {
            event.tool_kind = ToolKind::Other;
        }
        _ => match mcp::underscore_tool(tool) {
            Some(name) => mcp::classify(event, name, input),
            None => event.tool_kind = ToolKind::Unknown,
        },
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

/// Stops Gemini CLI's agent loop (`continue: false`). Before a tool the call is denied as
/// well; after a turn (`AfterAgent`) a deny would mean "retry with this prompt", the
/// opposite of stopping, so none is given there.
pub(super) fn render_stop_agent(kind: &EventKind, decision: &Decision) -> Answer {
    let mut body = json!({ "continue": false, "stopReason": decision.reason });
    if *kind != EventKind::Stop {
        body["decision"] = json!("deny");
        body["reason"] = json!(decision.reason);
    }
    Answer {
        stdout: body.to_string(),
        ..Answer::default()
    }
}
