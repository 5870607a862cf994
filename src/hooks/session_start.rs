//! session-start: creates or resumes the session's run (event `session_start`) and
//! injects context through the host's own field: the skill bootstrap, the previous run's
//! handoff on a fresh start, the current run's summary after a compaction. At most
//! `session_start.max_chars` (≤ 10,000, the hosts' cap) characters; never blocks.

use serde_json::json;

use super::Session;
use crate::error::Error;
use crate::event::{Answer, Event, EventKind};
use crate::hosts;
use crate::policy::capture;
use crate::state::report::truncate;

const MAX_CHARS: usize = 10_000;

pub(super) fn handle(event: &Event) -> Result<Answer, Error> {
    if event.kind != EventKind::SessionStart && event.host != crate::event::Host::Wazir {
        return Ok(hosts::render_quiet(event.host, &event.kind));
    }
    let s = Session::open(event)?;
    let previous = s.store.latest().filter(|id| *id != s.run.id);
    let source = event.source.clone().unwrap_or_else(|| "startup".into());
    let fresh = s.record(event.host, "session_start", |_, status, fields| {
        let fresh = status.counters.events == 0;
        fields.insert("source".into(), json!(source));
        fields.insert("project_root".into(), json!(status.project_root));
        Ok(fresh)
    })?;
    if s.store.latest().as_deref() != Some(s.run.id.as_str()) {
        s.store.set_latest(&s.run.id)?;
    }
    if fresh {
        let _ = s
            .store
            .prune(capture::keep_runs(&s.config) as usize, &s.run.id);
    }

    let settings = s.config.hooks.session_start.clone().unwrap_or_default();
    let mut parts: Vec<String> = Vec::new();
    if settings.skill_bootstrap != Some(false)
        && let Ok(text) =
            std::fs::read_to_string(s.config.root.join("skills/using-skills/SKILL.md"))
    {
        parts.push(text);
    }
    if source == "compact" {
        if settings.summary != Some(false)
            && let Ok(text) = std::fs::read_to_string(s.run.summary_path())
        {
            parts.push(format!(
                "## Where this session was before compaction ({})\n\n{text}",
                s.run.summary_path().display()
            ));
        }
    } else if fresh && settings.handoff != Some(false) {
        // The run `latest` pointed at, else the newest other run that left a handoff.
        let candidates = previous
            .into_iter()
            .chain(s.store.runs().into_iter().map(|(id, _)| id));
        if let Some((run, text)) = candidates
            .filter(|id| *id != s.run.id)
            .map(|id| s.store.run(&id))
            .find_map(|r| {
                std::fs::read_to_string(r.handoff_path())
                    .ok()
                    .map(|t| (r, t))
            })
        {
            parts.push(format!(
                "## Handoff from the previous session ({})\n\n{text}",
                run.handoff_path().display()
            ));
        }
    }
    let max = settings
        .max_chars
        .map_or(MAX_CHARS, |m| m as usize)
        .min(MAX_CHARS);
    let text = parts.join("\n\n");
    let text = if text.chars().count() > max {
        let note =
            "\n\n[Context truncated to fit the host's limit; the full files are named above.]";
        let keep = max.saturating_sub(note.chars().count());
        format!("{}{note}", truncate(&text, keep.saturating_sub(1)))
    } else {
        text
    };
    Ok(hosts::render_context(event.host, &text))
}
