//! pre-compact-summary: writes the run's `summary.md` before the context is compacted,
//! streamed from the event log, so session-start can put it back after. Event
//! `pre_compact_summary`; never blocks.

use serde_json::json;

use super::Session;
use crate::error::Error;
use crate::event::{Answer, Event};
use crate::hosts;
use crate::state::report::Report;

pub(super) fn handle(event: &Event) -> Result<Answer, Error> {
    let s = Session::open(event)?;
    let trigger = event.source.clone().unwrap_or_else(|| "auto".into());
    s.record(
        event.host,
        "pre_compact_summary",
        |locked, status, fields| {
            status.counters.compactions += 1;
            let report = Report::updated(locked)?;
            let path = locked.write_file("summary.md", &report.summary_markdown(status))?;
            status.artifacts.insert("summary_path".into(), json!(path));
            fields.insert("trigger".into(), json!(trigger));
            fields.insert("summary_path".into(), json!(path));
            Ok(())
        },
    )?;
    Ok(hosts::render_quiet(event.host, &event.kind))
}
