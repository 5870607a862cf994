//! pre-tool-capture-route: before a noisy shell command (tests, builds, installs, log
//! tails), registers a capture file keyed by the tool call id, so post-tool-capture keeps
//! the whole output there. Records `pre_tool_capture_route`; never blocks.

use serde_json::json;

use super::Session;
use crate::error::Error;
use crate::event::{Answer, Event, EventKind, ToolKind};
use crate::hosts;
use crate::policy::capture;
use crate::state::now_rfc3339;

pub(super) fn handle(event: &Event) -> Result<Answer, Error> {
    let quiet = hosts::render_quiet(event.host, &event.kind);
    let command = match (&event.kind, event.tool_kind, &event.command) {
        (
            EventKind::PreTool | EventKind::BeforeShell,
            ToolKind::Shell | ToolKind::PowerShell,
            Some(c),
        ) => c,
        _ => return Ok(quiet),
    };
    let s = Session::open(event)?;
    if !capture::is_noisy(command, &s.config) {
        return Ok(quiet);
    }
    // Cursor's beforeShellExecution carries no tool call id: such a capture is matched
    // by its command instead.
    let key = event
        .tool_use_id
        .clone()
        .unwrap_or_else(|| capture_key_for(command));
    s.record(
        event.host,
        "pre_tool_capture_route",
        |locked, status, fields| {
            let name = if event.tool_use_id.is_some() {
                key.clone()
            } else {
                now_rfc3339().replace([':', '.'], "-")
            };
            let path = locked.capture_path(&name, ".log");
            std::fs::File::create(&path)?;
            status
                .loop_state
                .pending_captures
                .insert(key.clone(), path.to_string_lossy().into_owned());
            fields.insert("tool_use_id".into(), json!(key));
            let redactor = capture::redactor(&s.config);
            fields.insert(
                "command".into(),
                json!(capture::redact(redactor.as_ref(), command)),
            );
            fields.insert("capture_path".into(), json!(path));
            Ok(())
        },
    )?;
    Ok(quiet)
}

/// The key a capture registered without a tool call id is found under.
pub(super) fn capture_key_for(command: &str) -> String {
    format!(
        "cmd {}",
        command.split_whitespace().collect::<Vec<_>>().join(" ")
    )
}
