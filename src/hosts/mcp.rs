//! MCP tools, whatever host runs them. Each host spells an MCP tool's name its own way
//! (Claude Code and Codex `mcp__<server>__<tool>`, Gemini CLI `mcp_<server>_<tool>` or
//! `<server>__<tool>`, Cursor `MCP:<tool>` or its dedicated `beforeMCPExecution`); once
//! the host has found the server's own tool name, what that tool does is decided here.
//!
//! The write tools of the common filesystem servers (the official
//! `@modelcontextprotocol/server-filesystem` and its many look-alikes) are checked like
//! file tools: their `path`, `paths`, `source` and `destination` arguments are written.
//! Their read tools are allowed. Any other MCP tool is unknown: the guard then looks at
//! every string in its input (`ToolKind::Unknown`).

use serde_json::Value;

use crate::event::{Event, ToolKind};

/// Argument names that hold a shell command or an argv: an MCP tool taking one runs it.
const COMMAND_KEYS: [&str; 4] = ["command", "cmd", "script", "argv"];

/// Words in the name of a tool that runs what it is given.
const RUNS: [&str; 14] = [
    "run", "exec", "eval", "shell", "terminal", "process", "interact", "send", "keys", "stdin",
    "repl", "python", "jupyter", "notebook",
];

/// Argument names that hold text typed into a running shell or process.
const INPUT_KEYS: [&str; 4] = ["input", "keys", "chars", "stdin"];

/// The shell command an MCP tool runs, as one script: a command string (`command`,
/// `cmd`, `script`), an argv array (with `args` appended), text typed into a process
/// (`input`, `keys`), or code (`code`, run as Python would: its literals are what the
/// analysis reads). Whatever such a tool runs is analysed as a shell command, never
/// taken for a list of paths.
fn command_of(tool: &str, input: &Value) -> Option<String> {
    let strings = |v: &Value| -> Option<Vec<String>> {
        v.as_array()?
            .iter()
            .map(|x| x.as_str().map(str::to_owned))
            .collect()
    };
    for key in COMMAND_KEYS {
        match input.get(key) {
            Some(Value::String(s)) => {
                let mut text = s.clone();
                if let Some(args) = input.get("args").and_then(strings) {
                    for a in args {
                        text.push(' ');
                        text.push_str(&super::shell_quote_word(&a));
                    }
                }
                return Some(text);
            }
            Some(v @ Value::Array(_)) => {
                let argv = strings(v)?;
                return super::argv_to_script(
                    &argv.into_iter().map(Value::String).collect::<Vec<_>>(),
                )
                .ok();
            }
            _ => {}
        }
    }
    // Text and code count only for a tool that runs them (other tools take `input` or
    // `code` as data: a search, a completion).
    if !RUNS.iter().any(|w| tool.contains(w)) {
        return None;
    }
    if let Some(text) = INPUT_KEYS
        .iter()
        .find_map(|k| input.get(*k).and_then(Value::as_str))
    {
        return Some(text.to_owned());
    }
    input
        .get("code")
        .and_then(Value::as_str)
        .map(|code| format!("python3 -c {}", super::shell_quote_word(code)))
}

/// Argument names that hold the paths a filesystem server's write tool changes.
const PATH_KEYS: [&str; 10] = [
    "path",
    "paths",
    "source",
    "destination",
    "file_path",
    "filePath",
    "target",
    "dest",
    "from",
    "to",
];

/// Verbs that start a write tool's name (`write_file`, `edit_file`, `move_file`,
/// `create_directory`, `delete_file`, …).
const WRITE_VERBS: [&str; 17] = [
    "write", "edit", "create", "move", "delete", "remove", "rename", "copy", "append", "update",
    "patch", "put", "save", "upload", "mkdir", "touch", "rm",
];

/// Prefixes of read-only tool names, and the one read-only tool that has none.
const READ_PREFIXES: [&str; 4] = ["read_", "list_", "get_", "search_"];
const READ_TOOLS: [&str; 2] = ["directory_tree", "list_allowed_directories"];

/// The server's own name of an MCP tool, from a `mcp__<server>__<tool>` name.
pub(super) fn double_underscore_tool(name: &str) -> Option<&str> {
    let rest = name.strip_prefix("mcp__")?;
    rest.split_once("__").map(|(_, tool)| tool)
}

/// Classifies an MCP tool call from the server's own tool name and its input.
pub(super) fn classify(event: &mut Event, tool: &str, input: &Value) {
    let lower = tool.to_ascii_lowercase();
    if READ_TOOLS.contains(&lower.as_str()) || READ_PREFIXES.iter().any(|p| lower.starts_with(p)) {
        event.tool_kind = ToolKind::Read;
        return;
    }
    if let Some(command) = command_of(&lower, input) {
        event.tool_kind = ToolKind::Shell;
        event.command = Some(command);
        return;
    }
    let verb = lower.split(['_', '-']).next().unwrap_or("");
    if WRITE_VERBS.contains(&verb) {
        let targets = path_arguments(input);
        if !targets.is_empty() {
            event.tool_kind = ToolKind::FileWrite;
            event.targets = targets;
            // `move_file`, `delete_directory`: the whole tree beneath a path.
            event.recursive_targets = true;
            return;
        }
    }
    event.tool_kind = ToolKind::Unknown;
}

/// The strings in a write tool's path arguments (one level deep: `edits` and `content`
/// hold text, not paths). How a server reads a path is its own: a `file:` URI (with or
/// without `//` or `//localhost`), percent-escapes and surrounding spaces may each be
/// taken away or not, so every reading is a target.
fn path_arguments(input: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for key in PATH_KEYS {
        match input.get(key) {
            Some(Value::String(s)) => out.push(s.clone()),
            Some(Value::Array(list)) => {
                out.extend(list.iter().filter_map(Value::as_str).map(str::to_owned))
            }
            _ => {}
        }
    }
    let mut targets: Vec<String> = Vec::new();
    for s in out {
        let mut readings = vec![s.clone(), s.trim().to_owned()];
        for r in readings.clone() {
            // A URI's scheme and host are case-insensitive (`FILE://LocalHost/…`).
            let lower = r.to_ascii_lowercase();
            let scheme = ["file://localhost", "file://", "file:"]
                .into_iter()
                .find(|p| lower.starts_with(p));
            if let Some(p) = scheme {
                readings.push(r[p.len()..].to_owned());
                readings.push(r[p.len()..].trim().to_owned());
            }
        }
        for r in readings.clone() {
            if let Some(decoded) = percent_decoded(&r) {
                readings.push(decoded.trim().to_owned());
                readings.push(decoded);
            }
        }
        for r in readings {
            if !r.is_empty() && !targets.contains(&r) {
                targets.push(r);
            }
        }
    }
    targets
}

/// `s` with its `%XX` escapes decoded, when it has any and they decode to text.
fn percent_decoded(s: &str) -> Option<String> {
    if !s.contains('%') {
        return None;
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// For Gemini CLI's `mcp_<server>_<tool>` names, where server and tool may both hold
/// underscores: the longest known filesystem tool name the name ends with, else the
/// whole rest (which then matches no known tool and is unknown).
pub(super) fn underscore_tool(name: &str) -> Option<&str> {
    if let Some(tool) = double_underscore_tool(name) {
        return Some(tool);
    }
    if let Some((_, tool)) = name.split_once("__") {
        return Some(tool);
    }
    let rest = name.strip_prefix("mcp_")?;
    // The server name ends at some `_`: try each split, the shortest tool name that
    // classifies as a known read or write tool wins; else the last word.
    let splits: Vec<usize> = rest.match_indices('_').map(|(i, _)| i).collect();
    for i in splits.into_iter().rev() {
        let tool = &rest[i + 1..];
        let lower = tool.to_ascii_lowercase();
        let verb = lower.split(['_', '-']).next().unwrap_or("");
        if WRITE_VERBS.contains(&verb)
            || READ_TOOLS.contains(&lower.as_str())
            || READ_PREFIXES.iter().any(|p| lower.starts_with(p))
        {
            return Some(tool);
        }
    }
    Some(rest)
}
