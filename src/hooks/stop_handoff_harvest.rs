//! stop-handoff-harvest: on every Stop (turn end) and at SessionEnd, records
//! `session_stop` and writes `handoff.md` for the next session: status, what was done,
//! what is failing or blocked, the last assistant message, totals and captures. One pass
//! over the event log under one lock, well inside SessionEnd's budget (Claude 1.5 s,
//! Codex 1 s).

use serde_json::json;

use super::Session;
use crate::error::Error;
use crate::event::{Answer, Event, EventKind};
use crate::hosts;
use crate::policy::capture;
use crate::state::report::{Report, truncate};

pub(super) fn handle(event: &Event) -> Result<Answer, Error> {
    let s = Session::open(event)?;
    let reason = match event.kind {
        EventKind::SessionEnd => format!(
            "session end ({})",
            event.reason.as_deref().unwrap_or("other")
        ),
        _ => format!(
            "turn end{}",
            event
                .reason
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        ),
    };
    s.record_then(
        event.host,
        "session_stop",
        |_, status, fields| {
            status.counters.stops += 1;
            fields.insert("reason".into(), json!(reason));
            fields.insert("stop_hook_active".into(), json!(event.stop_hook_active));
            if let Some(m) = &event.last_message {
                let m = capture::redact(capture::redactor(&s.config).as_ref(), m).into_owned();
                fields.insert("last_assistant_message".into(), json!(truncate(&m, 4000)));
            }
            Ok(())
        },
        // After the stop event is in the log, so the handoff includes it.
        |locked, status| {
            let report = Report::updated(locked)?;
            let path =
                locked.write_file("handoff.md", &report.handoff_markdown(status, &reason))?;
            status.artifacts.insert("handoff_path".into(), json!(path));
            Ok(())
        },
    )?;
    Ok(hosts::render_quiet(event.host, &event.kind))
}
