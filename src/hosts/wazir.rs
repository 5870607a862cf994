//! The original canonical protocol (SPEC §3): contract fields in, `guard_decision` out,
//! exit 0 to allow and the contract's code (42, 43) to block; exit 1 for a payload the
//! guard cannot evaluate.

use serde_json::{Map, Value, json};

use super::str_field;
use crate::error::PayloadError;
use crate::event::{Answer, Canonical, Decision, Event, EventKind, Host, ToolKind};

pub(super) fn parse(payload: &Value) -> Result<Event, PayloadError> {
    let mut event = Event::new(Host::Wazir, EventKind::Canonical);
    // The original mapped a Claude-style `file_path` onto `target_path`.
    let target = str_field(payload, &["target_path", "file_path"]);
    event.canonical = Some(Canonical {
        target_path: target.clone(),
        project_root: str_field(payload, &["project_root"]),
        approved_flow: str_field(payload, &["approved_flow"]),
        run_id: str_field(payload, &["run_id"]),
        phase: str_field(payload, &["phase"]),
        state_root: str_field(payload, &["state_root"]),
        loop_cap: payload.get("loop_cap").cloned(),
    });
    event.session_id = str_field(payload, &["run_id", "session_id"]);
    event.cwd = str_field(payload, &["project_root", "cwd"]).map(Into::into);
    if let Some(target) = target {
        event.tool_kind = ToolKind::FileWrite;
        event.targets = vec![target];
    }
    Ok(event)
}

pub(super) fn render(decision: &Decision, block_code: u8) -> Answer {
    let mut body = Map::new();
    body.insert("allowed".into(), json!(decision.allowed));
    body.insert("reason".into(), json!(decision.reason));
    if let Some(p) = &decision.protected_path {
        body.insert("protected_path".into(), json!(p));
    }
    if let Some(p) = &decision.relative_target_path {
        body.insert("relative_target_path".into(), json!(p));
    }
    for (k, v) in &decision.extra {
        body.insert(k.clone(), v.clone());
    }
    Answer {
        stdout: format!("{}\n", json!({ "guard_decision": body })),
        exit: if decision.allowed { 0 } else { block_code },
        ..Answer::default()
    }
}

pub(super) fn render_error(message: &str) -> Answer {
    Answer {
        stderr: message.to_owned(),
        exit: 1,
        ..Answer::default()
    }
}
