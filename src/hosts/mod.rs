//! The edge of the library: each host's payload in, each host's answer out. This is the
//! only code that knows a host's field names, event names and deny channel
//! (research/HOSTS.md §6.3, §6.5).

mod claude;
mod codex;
mod cursor;
mod gemini;
mod wazir;

use serde_json::Value;

use crate::error::PayloadError;
use crate::event::{Answer, Decision, Event, EventKind, Host, ToolKind};

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
    match host {
        Host::Claude => claude::parse(payload),
        Host::Cursor => cursor::parse(payload),
        Host::Gemini => gemini::parse(payload),
        Host::Codex => codex::parse(payload),
        Host::Wazir => wazir::parse(payload),
    }
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

/// Turns a pre-tool event's kind into the event name a host uses, for messages.
pub fn event_name(kind: &EventKind) -> &str {
    match kind {
        EventKind::PreTool => "PreToolUse",
        EventKind::BeforeShell => "beforeShellExecution",
        EventKind::Canonical => "canonical",
        EventKind::Other(name) => name,
    }
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
        _ => EventKind::Other(name),
    };
    let mut event = Event::new(host, kind);
    event.session_id = str_field(payload, session_keys);
    event.cwd = str_field(payload, &["cwd"]).map(Into::into);
    event
}

/// The `tool_input` object of a tool event; a wrong shape is an error a guard fails
/// closed on.
fn tool_input(payload: &Value) -> Result<&Value, PayloadError> {
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
        .map(|a| format!("'{}'", a.replace('\'', r"'\''")))
        .collect::<Vec<_>>()
        .join(" "))
}
