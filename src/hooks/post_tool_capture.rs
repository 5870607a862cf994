//! post-tool-capture: one `post_tool_capture` event for every tool execution, successful
//! or failed: the tool, its command or target, exit code, duration, output size and
//! capture file. Output goes whole to the registered capture file, or to a new one when
//! large. On Claude Code a very large output is replaced in the model's context by its
//! head, tail and the capture path. Never blocks.

use serde_json::{Value, json};

use super::Session;
use crate::error::Error;
use crate::event::{Answer, Event, EventKind, ToolKind};
use crate::hosts;
use crate::policy::{capture, loops};
use crate::state::now_rfc3339;
use crate::state::report::truncate;

const HEAD_TAIL: usize = 2000;

pub(super) fn handle(event: &Event) -> Result<Answer, Error> {
    let quiet = hosts::render_quiet(event.host, &event.kind);
    if event.kind != EventKind::PostTool {
        return Ok(quiet);
    }
    let s = Session::open(event)?;
    let tool = event.tool_name.clone().unwrap_or_else(|| "tool".into());
    let mut text = event.output.clone().unwrap_or_default();
    if let Some(err) = &event.error {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(err);
    }
    let redactor = capture::redactor(&s.config);
    let text = capture::redact(redactor.as_ref(), &text).into_owned();
    let bytes = text.len() as u64;
    let exit_code = match (event.exit_code, event.outcome_known) {
        (Some(code), _) => Some(code),
        (None, true) => Some(i64::from(event.failed)),
        (None, false) => None,
    };
    let subject = event
        .command
        .clone()
        .or_else(|| event.targets.first().cloned())
        .unwrap_or_else(|| tool.clone());
    let subject = capture::redact(redactor.as_ref(), &subject).into_owned();
    let key = loops::call_key(&tool, event.tool_input.as_ref());
    let capture_key = event
        .tool_use_id
        .clone()
        .unwrap_or_else(|| now_rfc3339().replace([':', '.'], "-"));
    let inline_max = capture::inline_max(&s.config);
    let captured = s.record(event.host, "post_tool_capture", |locked, status, fields| {
        let pending = &mut status.loop_state.pending_captures;
        let registered = pending.remove(&capture_key).or_else(|| {
            event
                .command
                .as_deref()
                .and_then(|c| pending.remove(&super::pre_tool_capture_route::capture_key_for(c)))
        });
        let path = match registered {
            Some(p) => Some(std::path::PathBuf::from(p)),
            None if bytes > inline_max => Some(locked.capture_path(&capture_key, ".log")),
            None => None,
        };
        if let Some(p) = &path {
            std::fs::write(p, &text)?;
            status.counters.bytes_captured += bytes;
            status.counters.captures += 1;
            status
                .artifacts
                .insert("last_capture_path".into(), json!(p));
        }
        status.counters.tool_calls += 1;
        let ls = &mut status.loop_state;
        if event.failed {
            status.counters.failures += 1;
            *ls.failure_streaks.entry(key.clone()).or_default() += 1;
            ls.recent_failures.push(truncate(&subject, 160));
            let excess = ls.recent_failures.len().saturating_sub(5);
            ls.recent_failures.drain(..excess);
        } else if event.outcome_known {
            ls.failure_streaks.remove(&key);
        }
        fields.insert("tool".into(), json!(tool));
        if let Some(id) = &event.tool_use_id {
            fields.insert("tool_use_id".into(), json!(id));
        }
        match event.tool_kind {
            ToolKind::Shell | ToolKind::PowerShell => {
                fields.insert("command".into(), json!(truncate(&subject, 2000)))
            }
            _ => fields.insert("target".into(), json!(subject)),
        };
        let kind = match event.tool_kind {
            ToolKind::FileWrite | ToolKind::Patch => "write",
            ToolKind::Shell | ToolKind::PowerShell => "shell",
            ToolKind::Read => "read",
            ToolKind::Other | ToolKind::Unknown => "other",
        };
        fields.insert("kind".into(), json!(kind));
        fields.insert("exit_code".into(), json!(exit_code));
        let success = event.outcome_known.then_some(!event.failed);
        fields.insert("success".into(), json!(success));
        if let Some(d) = event.duration_ms {
            fields.insert("duration_ms".into(), json!(d));
        }
        fields.insert("output_bytes".into(), json!(bytes));
        if let Some(p) = &path {
            fields.insert("capture_path".into(), json!(p));
        }
        if event.failed {
            let tail: Vec<&str> = text.lines().rev().take(5).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            fields.insert("error_tail".into(), json!(truncate(&tail.join("\n"), 800)));
        }
        Ok(path)
    })?;

    // Claude Code: keep a flood out of the context, in the tool's own output shape.
    if let (Some(path), false, Some(Value::Object(resp))) =
        (&captured, event.failed, &event.response)
        && bytes > capture::offload_over(&s.config)
        && let Some(Value::String(stdout)) = resp.get("stdout")
    {
        let mut resp = resp.clone();
        resp.insert(
            "stdout".into(),
            json!(head_tail(
                &capture::redact(redactor.as_ref(), stdout),
                &path.to_string_lossy()
            )),
        );
        let answer = hosts::render_updated_output(event.host, &Value::Object(resp));
        if !answer.stdout.is_empty() {
            return Ok(answer);
        }
    }
    Ok(quiet)
}

fn head_tail(text: &str, path: &str) -> String {
    if text.len() <= 2 * HEAD_TAIL {
        return text.to_owned();
    }
    let mut head_end = HEAD_TAIL;
    while !text.is_char_boundary(head_end) {
        head_end -= 1;
    }
    let mut tail_start = text.len() - HEAD_TAIL;
    while !text.is_char_boundary(tail_start) {
        tail_start += 1;
    }
    format!(
        "{}\n\n[… {} bytes omitted; the whole output is in {path} …]\n\n{}",
        &text[..head_end],
        tail_start - head_end,
        &text[tail_start..]
    )
}
