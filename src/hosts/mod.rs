//! The edge of the library: each host's payload in, each host's answer out. This is the
//! only code that knows a host's field names, event names and deny channel
//! (research/HOSTS.md §6.3, §6.5).

mod claude;
mod codex;
mod cursor;
mod gemini;
mod mcp;
pub mod probe;
pub mod settings;
mod wazir;

use std::path::PathBuf;

use serde_json::Value;

use crate::error::PayloadError;
use crate::event::{Answer, Decision, Edit, Event, EventKind, Host, Replacement, ToolKind};

/// Recognises the host from the payload's shape when no `--host` was given.
pub fn detect(payload: &Value) -> Host {
    let has = |k: &str| payload.get(k).is_some();
    let event = payload
        .get("hook_event_name")
        .and_then(Value::as_str)
        .unwrap_or("");
    if has("cursor_version") || has("conversation_id") && has("generation_id") {
        Host::Cursor
    } else if matches!(
        event,
        "BeforeTool" | "AfterTool" | "BeforeAgent" | "AfterAgent" | "PreCompress" | "BeforeModel"
    ) || (has("timestamp") && !has("turn_id") && !event.is_empty())
    {
        Host::Gemini
    } else if has("turn_id") {
        Host::Codex
    } else if !event.is_empty() {
        if event.starts_with(|c: char| c.is_ascii_lowercase()) {
            Host::Cursor
        } else {
            Host::Claude
        }
    } else {
        Host::Wazir
    }
}

/// Parses a payload, already decoded as JSON, into the normalized event for `host`.
pub fn parse(host: Host, payload: &Value) -> Result<Event, PayloadError> {
    if !payload.is_object() {
        return Err(PayloadError::Shape(format!(
            "expected a JSON object, got {}",
            kind_of(payload)
        )));
    }
    if host != Host::Wazir {
        check_strings(payload)?;
    }
    let mut event = match host {
        Host::Claude => claude::parse(payload),
        Host::Cursor => cursor::parse(payload),
        Host::Gemini => gemini::parse(payload),
        Host::Codex => codex::parse(payload),
        Host::Wazir => wazir::parse(payload),
    }?;
    event.project_dirs = project_dirs(host, payload);
    Ok(event)
}

/// The fields that say what a call is and where it runs must be strings when present:
/// read leniently, a `hook_event_name` of 5 would be an unknown event and a `tool_name` of
/// 5 no tool at all, both of which a guard lets through. A payload of that shape is not
/// one any host sends, so it is refused, and a guard denies it.
fn check_strings(payload: &Value) -> Result<(), PayloadError> {
    for key in ["hook_event_name", "tool_name", "cwd"] {
        if let Some(v) = payload.get(key).filter(|v| !v.is_string()) {
            return Err(PayloadError::Shape(format!(
                "`{key}` must be a string, got {}",
                kind_of(v)
            )));
        }
    }
    Ok(())
}

/// The project folders a host names for the session, whatever the agent's `cwd` is
/// now: the variables each host sets for its hooks, and Cursor's `workspace_roots`.
/// The hook's own working directory counts too: hosts start hooks in the project.
fn project_dirs(host: Host, payload: &Value) -> Vec<PathBuf> {
    let vars: &[&str] = match host {
        Host::Claude => &["CLAUDE_PROJECT_DIR"],
        Host::Cursor => &["CURSOR_PROJECT_DIR"],
        Host::Gemini => &["GEMINI_PROJECT_DIR", "CLAUDE_PROJECT_DIR"],
        Host::Codex | Host::Wazir => &[],
    };
    let mut dirs: Vec<PathBuf> = vars
        .iter()
        .filter_map(std::env::var_os)
        .map(PathBuf::from)
        .collect();
    if host == Host::Cursor
        && let Some(roots) = payload.get("workspace_roots").and_then(Value::as_array)
    {
        dirs.extend(roots.iter().filter_map(Value::as_str).map(PathBuf::from));
    }
    if host != Host::Wazir
        && let Ok(here) = std::env::current_dir()
    {
        dirs.push(here);
    }
    dirs.retain(|d| d.is_absolute());
    dirs
}

/// Renders a guard's decision in the host's own channel. `block_code` is the canonical
/// protocol's exit code for a block (42 for paths, 43 for loop caps).
pub fn render_guard(host: Host, kind: &EventKind, decision: &Decision, block_code: u8) -> Answer {
    match host {
        Host::Claude => claude::render(kind, decision),
        Host::Cursor => cursor::render(kind, decision),
        Host::Gemini => gemini::render(decision),
        Host::Codex => codex::render(decision),
        Host::Wazir => wazir::render(decision, block_code),
    }
}

/// The canonical protocol's answer to a payload it cannot evaluate: exit 1, message on
/// stderr (SPEC §3). Native hosts never get this: their guards fail closed instead.
pub fn render_canonical_error(message: &str) -> Answer {
    wazir::render_error(message)
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The first of `keys` that holds a string.
fn str_field(v: &Value, keys: &[&str]) -> Option<String> {
    keys.iter()
        .find_map(|k| v.get(*k).and_then(Value::as_str))
        .map(str::to_owned)
}

/// Fills the fields every host shares: session, cwd, event kind.
fn common(host: Host, payload: &Value, session_keys: &[&str]) -> Event {
    let name = str_field(payload, &["hook_event_name"]).unwrap_or_default();
    let kind = match name.as_str() {
        "PreToolUse" | "BeforeTool" | "preToolUse" => EventKind::PreTool,
        "beforeShellExecution" => EventKind::BeforeShell,
        "beforeMCPExecution" => EventKind::BeforeMcp,
        "SessionStart" | "sessionStart" => EventKind::SessionStart,
        "PostToolUse"
        | "PostToolUseFailure"
        | "AfterTool"
        | "postToolUse"
        | "postToolUseFailure"
        | "afterShellExecution" => EventKind::PostTool,
        "PreCompact" | "PreCompress" | "preCompact" => EventKind::PreCompact,
        "Stop" | "SubagentStop" | "AfterAgent" | "stop" => EventKind::Stop,
        "SessionEnd" | "sessionEnd" => EventKind::SessionEnd,
        _ => EventKind::Other(name.clone()),
    };
    let mut event = Event::new(host, kind);
    event.session_id = str_field(payload, session_keys);
    event.cwd = str_field(payload, &["cwd"]).map(Into::into);
    event.tool_use_id = str_field(payload, &["tool_use_id", "tool_call_id", "call_id"]);
    event.tool_input = payload.get("tool_input").cloned();
    event.source = str_field(payload, &["source", "trigger"]);
    event.stop_hook_active = payload
        .get("stop_hook_active")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    event.reason = str_field(payload, &["reason", "status", "final_status"]);
    event.duration_ms = ["duration_ms", "duration"]
        .iter()
        .find_map(|k| payload.get(*k).and_then(Value::as_f64))
        .map(|d| d as u64);
    event.failed = matches!(name.as_str(), "PostToolUseFailure" | "postToolUseFailure");
    event
}

/// The shape Claude Code, Codex and Gemini CLI share: `tool_name` and `tool_input` on
/// tool events, `tool_response` and `error` after a tool, the last assistant message at a
/// stop. Each host only says how it classifies its tools.
fn parse_tool_event(
    host: Host,
    payload: &Value,
    message_keys: &[&str],
    classify: fn(&mut Event, &str, &Value) -> Result<(), PayloadError>,
) -> Result<Event, PayloadError> {
    let mut event = common(host, payload, &["session_id"]);
    event.last_message = str_field(payload, message_keys);
    let tool = match str_field(payload, &["tool_name"]) {
        Some(tool) => {
            event.tool_name = Some(tool.clone());
            tool_input(payload).and_then(|input| classify(&mut event, &tool, input))
        }
        None => Ok(()),
    };
    if event.kind == EventKind::PostTool {
        // After a tool, a shape problem only costs detail: the execution is still recorded.
        fill_post_tool(&mut event, payload, &["tool_response"], &["error"]);
        return Ok(event);
    }
    tool.map(|()| event)
}

/// The text of a tool response, whatever its shape: a string, or an object whose text
/// fields (stdout/stderr, llmContent, output, content) are joined.
fn response_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => {
            let parts: Vec<String> = [
                "stdout",
                "stderr",
                "output",
                "llmContent",
                "returnDisplay",
                "content",
                "result",
                "error",
            ]
            .iter()
            .filter_map(|k| o.get(*k))
            .filter_map(|x| match x {
                Value::String(s) if !s.is_empty() => Some(s.clone()),
                Value::Array(_) | Value::Object(_) => Some(x.to_string()),
                _ => None,
            })
            .collect();
            if parts.is_empty() {
                Some(v.to_string())
            } else {
                Some(parts.join("\n"))
            }
        }
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// An exit code in a response object (`exit_code`, `exitCode`, `returncode`).
fn response_exit(v: &Value) -> Option<i64> {
    ["exit_code", "exitCode", "returncode", "code"]
        .iter()
        .find_map(|k| v.get(*k).and_then(Value::as_i64))
}

/// The `N` of an error text starting `Exit code N` (how Claude reports a failed shell).
fn exit_code_in(text: &str) -> Option<i64> {
    // `Exit code 1` (Claude Code's failures), `Exit code: 0` (Codex's apply_patch).
    let rest = text.trim_start().strip_prefix("Exit code")?;
    let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
    rest.split(|c: char| !c.is_ascii_digit() && c != '-')
        .next()?
        .parse()
        .ok()
}

/// Fills an after-tool event's output fields from the host's response and error keys.
fn fill_post_tool(event: &mut Event, payload: &Value, response_keys: &[&str], error_keys: &[&str]) {
    let response = response_keys.iter().find_map(|k| payload.get(*k));
    event.response = response.cloned();
    event.output = response.and_then(response_text);
    event.error = str_field(payload, error_keys);
    event.exit_code = response
        .and_then(response_exit)
        .or_else(|| event.error.as_deref().and_then(exit_code_in))
        .or_else(|| event.output.as_deref().and_then(exit_code_in));
    if event.error.is_some() || event.exit_code.is_some_and(|c| c != 0) {
        event.failed = true;
    }
    if response
        .and_then(|r| r.get("success"))
        .and_then(Value::as_bool)
        == Some(false)
    {
        event.failed = true;
    }
}

/// The context answer of a session-start hook, in the host's own field.
pub fn render_context(host: Host, text: &str) -> Answer {
    use serde_json::json;
    let stdout = match host {
        Host::Cursor => json!({ "additional_context": text }).to_string(),
        Host::Wazir => text.to_owned(),
        _ if text.is_empty() => String::new(),
        _ => json!({ "hookSpecificOutput": { "hookEventName": "SessionStart", "additionalContext": text } })
            .to_string(),
    };
    Answer {
        stdout,
        ..Answer::default()
    }
}

/// A capture hook's quiet answer: nothing, except for Cursor, which may treat empty
/// output as invalid JSON and is always given an object (an allow on permission events).
pub fn render_quiet(host: Host, kind: &EventKind) -> Answer {
    let stdout = match (host, kind) {
        (Host::Cursor, EventKind::PreTool | EventKind::BeforeShell | EventKind::BeforeMcp) => {
            r#"{"permission":"allow"}"#.into()
        }
        (Host::Cursor, _) => "{}".into(),
        _ => String::new(),
    };
    Answer {
        stdout,
        ..Answer::default()
    }
}

/// Claude Code only: replace a tool's output in the model's context (PostToolUse
/// `updatedToolOutput`, which must keep the tool's own output shape).
pub fn render_updated_output(host: Host, output: &Value) -> Answer {
    match host {
        Host::Claude => Answer {
            stdout: serde_json::json!({
                "hookSpecificOutput": { "hookEventName": "PostToolUse", "updatedToolOutput": output }
            })
            .to_string(),
            ..Answer::default()
        },
        _ => Answer::default(),
    }
}

/// Stops the agent altogether (a phase cap, a continuation cap) where the host can: the
/// universal `continue: false` on Claude Code and Gemini CLI; elsewhere the call is denied
/// (pre-tool) or the stop is simply not blocked.
pub fn render_stop_agent(
    host: Host,
    kind: &EventKind,
    decision: &Decision,
    block_code: u8,
) -> Answer {
    match host {
        Host::Claude => claude::render_stop_agent(kind, decision),
        Host::Gemini => gemini::render_stop_agent(kind, decision),
        _ if *kind == EventKind::Stop => render_quiet(host, kind),
        _ => render_guard(host, kind, decision, block_code),
    }
}

/// The `tool_input` object of a tool event; a wrong shape is an error a guard fails
/// closed on.
fn tool_input(payload: &Value) -> Result<&Value, PayloadError> {
    if payload.get("tool_input").is_none()
        && !matches!(
            payload.get("hook_event_name").and_then(Value::as_str),
            Some("PreToolUse" | "BeforeTool" | "preToolUse")
        )
    {
        // After a tool, a missing input only costs detail; before one it is an error.
        static EMPTY: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
        return Ok(EMPTY.get_or_init(|| Value::Object(serde_json::Map::new())));
    }
    match payload.get("tool_input") {
        Some(v @ Value::Object(_)) => Ok(v),
        Some(other) => Err(PayloadError::Shape(format!(
            "`tool_input` must be an object, got {}",
            kind_of(other)
        ))),
        None => Err(PayloadError::Missing("tool_input")),
    }
}

/// Reads a file tool's target paths under any of the spellings hosts use.
fn file_targets(input: &Value, tool: &str) -> Result<Vec<String>, PayloadError> {
    const KEYS: [&str; 8] = [
        "file_path",
        "notebook_path",
        "path",
        "filePath",
        "target_file",
        "file",
        "filename",
        "target",
    ];
    let mut out: Vec<String> = KEYS
        .iter()
        .filter_map(|k| input.get(*k).and_then(Value::as_str))
        .map(str::to_owned)
        .collect();
    for key in ["paths", "file_paths", "files"] {
        if let Some(list) = input.get(key).and_then(Value::as_array) {
            out.extend(list.iter().filter_map(Value::as_str).map(str::to_owned));
        }
    }
    if out.is_empty() {
        return Err(PayloadError::Shape(format!(
            "the {tool} tool's input names no file path"
        )));
    }
    Ok(out)
}

/// Sets a shell event's command, failing when the command is missing or not a string.
fn set_command(event: &mut Event, input: &Value, tool: &str) -> Result<(), PayloadError> {
    let command = match input.get("command") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(parts)) => argv_to_script(parts)?,
        _ => {
            return Err(PayloadError::Shape(format!(
                "the {tool} tool's input has no `command` string"
            )));
        }
    };
    event.tool_kind = ToolKind::Shell;
    event.command = Some(command);
    Ok(())
}

/// One word quoted for a shell: it stays one word, whatever it holds.
fn shell_quote_word(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// Some hosts send a command as an argv array (`["bash", "-lc", "…"]`). A shell with
/// `-c` hands its script over as is; anything else is quoted back into one command line.
fn argv_to_script(parts: &[Value]) -> Result<String, PayloadError> {
    let argv: Vec<&str> = parts
        .iter()
        .map(|p| {
            p.as_str()
                .ok_or_else(|| PayloadError::Shape("`command` array holds a non-string".into()))
        })
        .collect::<Result<_, _>>()?;
    Ok(argv
        .iter()
        .map(|a| shell_quote_word(a))
        .collect::<Vec<_>>()
        .join(" "))
}

/// Marks a file tool's call: its targets, and what the file holds afterwards where the
/// input says it (the whole content, or `old → new` replacements; Claude Code's
/// `replace_all`, Gemini CLI's `allow_multiple` and `expected_replacements`).
fn set_file_write(event: &mut Event, input: &Value, tool: &str) -> Result<(), PayloadError> {
    event.tool_kind = ToolKind::FileWrite;
    event.targets = file_targets(input, tool)?;
    event.edit = file_edit(input);
    Ok(())
}

fn file_edit(input: &Value) -> Option<Edit> {
    if let Some(content) = str_field(input, &["content", "contents", "file_text"]) {
        return Some(Edit::Content(content));
    }
    let replacement = |v: &Value| -> Option<Replacement> {
        let old = str_field(v, &["old_string", "oldText", "old_str"])?;
        let new = str_field(v, &["new_string", "newText", "new_str"])?;
        let all = ["replace_all", "allow_multiple"]
            .iter()
            .any(|k| v.get(*k).and_then(Value::as_bool) == Some(true))
            || v.get("expected_replacements")
                .and_then(Value::as_u64)
                .is_some_and(|n| n > 1);
        Some(Replacement { old, new, all })
    };
    if let Some(edits) = input.get("edits").and_then(Value::as_array) {
        return edits
            .iter()
            .map(replacement)
            .collect::<Option<Vec<_>>>()
            .map(Edit::Replace);
    }
    replacement(input).map(|r| Edit::Replace(vec![r]))
}
