//! Codex CLI: `PreToolUse` payloads for shell and `apply_patch` (HOSTS.md §4.4), answered
//! with exit 2 and the reason on stderr (§4.5). Codex runs hooks through a login shell
//! whose profile may print to stdout, which would spoil a JSON answer; stderr and the
//! exit code survive it.

use serde_json::Value;

use super::{mcp, parse_tool_event, set_command, str_field};
use crate::error::PayloadError;
use crate::event::{Answer, Decision, Event, EventKind, Host, ToolKind};

pub(super) fn parse(payload: &Value) -> Result<Event, PayloadError> {
    let mut event = parse_tool_event(Host::Codex, payload, &["last_assistant_message"], classify)?;
    // Codex 0.169.0 sends a shell command's PostToolUse with its output as a plain string
    // and no exit status, failed or not (seen in the end-to-end runs); apply_patch's
    // output starts `Exit code: N`. Without either, nobody can tell how it ended.
    if event.kind == EventKind::PostTool && event.exit_code.is_none() && !event.failed {
        event.outcome_known = false;
    }
    Ok(event)
}

fn classify(event: &mut Event, tool: &str, input: &Value) -> Result<(), PayloadError> {
    match tool {
        "apply_patch" | "Edit" | "Write" => {
            event.tool_kind = ToolKind::Patch;
            let text = str_field(input, &["command", "patch", "input"]).ok_or_else(|| {
                PayloadError::Shape(format!("the {tool} tool's input holds no patch text"))
            })?;
            event.patch = Some(text);
        }
        "Bash" | "shell" | "local_shell" | "container.exec" => {
            set_command(event, input, tool)?;
            if let Some(dir) = str_field(input, &["workdir", "cwd"]) {
                event.cwd = Some(dir.into());
            }
        }
        // Text typed into an open shell session, and the exec tool's `cmd`: shell input.
        "write_stdin" | "exec_command" | "unified_exec" => {
            let text = str_field(input, &["chars", "cmd", "command"]).or_else(|| {
                input.get("input").and_then(Value::as_array).map(|parts| {
                    parts
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(" ")
                })
            });
            // Without any text it types nothing: judged like any other tool by its input.
            match text {
                Some(t) => {
                    event.tool_kind = ToolKind::Shell;
                    event.command = Some(t);
                }
                None => event.tool_kind = ToolKind::Unknown,
            }
        }
        "read_file" | "list_dir" | "grep_files" | "view_image" | "web_search" => {
            event.tool_kind = ToolKind::Read;
        }
        "update_plan" => event.tool_kind = ToolKind::Other,
        _ => match mcp::double_underscore_tool(tool) {
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
    // Exit 2 blocks only with something on stderr: a blank reason would let the call run.
    let stderr = if decision.reason.trim().is_empty() {
        "Blocked by a wazir-hooks guard (it gave no reason).".to_owned()
    } else {
        decision.reason.clone()
    };
    Answer {
        stderr,
        exit: 2,
        ..Answer::default()
    }
}
