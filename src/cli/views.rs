//! `status`, `events`, `summary` and `capture usage`: what a run did, as tables a person
//! reads, or JSON for scripts (`--json`). They only read: `status.json`, `events.ndjson`
//! and the `captures/` directory.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use super::Report;
use super::context::{Ctx, read_status};
use super::error::CliError;
use super::log::{EventLog, Logged};
use super::loops::loop_tables;
use super::table::{Table, bytes, heading, key_values, time};
use crate::state::{Run, Status};

/// How many failures the summary lists.
const FAILURES_SHOWN: usize = 10;

pub(crate) fn status(ctx: &Ctx) -> Result<Report, CliError> {
    let run = ctx.existing_run()?;
    if ctx.common.json {
        // status.json as it is, every field kept (including ones this tool does not know).
        let path = run.status_path();
        let bytes = std::fs::read(&path).map_err(|e| CliError::io("cannot read", &path, e))?;
        let value: Value =
            serde_json::from_slice(&bytes).map_err(|e| CliError::StatusUnreadable {
                path,
                message: e.to_string(),
            })?;
        return Ok(Report::json(&value));
    }
    let status = read_status(&run)?;
    let config = ctx.config()?;
    let mut out = key_values(&[
        ("Run", run.id.clone()),
        ("Phase", status.phase.clone().unwrap_or_else(|| "-".into())),
        ("Status", dash(&status.status)),
        ("Created", time(&status.created_at)),
        ("Updated", time(&status.updated_at)),
        (
            "Last event",
            status.last_event.clone().unwrap_or_else(|| "-".into()),
        ),
        ("Project", dash(&status.project_root)),
        ("Run dir", run.dir.display().to_string()),
    ]);
    let c = &status.counters;
    out.push_str(&heading("Counters"));
    out.push_str(&key_values(&[
        ("tool calls", c.tool_calls.to_string()),
        ("failures", c.failures.to_string()),
        ("denials", c.denials.to_string()),
        ("captures", c.captures.to_string()),
        ("bytes captured", bytes(c.bytes_captured)),
        ("events", c.events.to_string()),
        ("stops", c.stops.to_string()),
        ("compactions", c.compactions.to_string()),
    ]));
    out.push_str(&heading("Loop counts"));
    out.push_str(&loop_tables(&status, config, None));
    if !status.artifacts.is_empty() {
        out.push_str(&heading("Artifacts"));
        let rows: Vec<(&str, String)> = status
            .artifacts
            .iter()
            .map(|(k, v)| (k.as_str(), value_text(v)))
            .collect();
        out.push_str(&key_values(&rows));
    }
    if !status.extra.is_empty() {
        out.push_str(&heading("Other fields"));
        let rows: Vec<(&str, String)> = status
            .extra
            .iter()
            .map(|(k, v)| (k.as_str(), value_text(v)))
            .collect();
        out.push_str(&key_values(&rows));
    }
    Ok(Report::text(out))
}

fn dash(text: &str) -> String {
    if text.is_empty() {
        "-".into()
    } else {
        text.to_owned()
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub(crate) fn events(ctx: &Ctx, tail: Option<usize>) -> Result<Report, CliError> {
    let run = ctx.existing_run()?;
    let log = EventLog::read(&run)?;
    let skip = tail.map_or(0, |n| log.events.len().saturating_sub(n));
    let shown = &log.events[skip..];
    if ctx.common.json {
        let mut text = String::new();
        for e in shown {
            text.push_str(&e.raw);
            text.push('\n');
        }
        let mut report = Report::text(text);
        report.notes.extend(log.malformed_note());
        return Ok(report);
    }
    let mut out = String::new();
    if shown.is_empty() {
        out.push_str(&format!("no events in run {}\n", run.id));
    } else {
        let mut table =
            Table::new(&["TIME", "EVENT", "TOOL", "COMMAND / TARGET", "EXIT"]).right(&[4]);
        for e in shown {
            table.row(vec![
                time(e.created_at()),
                e.name().to_owned(),
                e.str("tool")
                    .or_else(|| e.str("hook"))
                    .unwrap_or("")
                    .to_owned(),
                what(e),
                exit(e),
            ]);
        }
        out.push_str(&table.render());
        out.push_str(&format!(
            "\n{} of {} events in run {}\n",
            shown.len(),
            log.events.len(),
            run.id
        ));
    }
    if let Some(note) = log.malformed_note() {
        out.push_str(&format!("{note}\n"));
    }
    Ok(Report::text(out))
}

/// What an event was about, in one cell.
fn what(e: &Logged) -> String {
    match e.name() {
        "loop_cap_reached" => {
            let mut s = format!(
                "{}: {} of {}",
                e.text("cap").unwrap_or_else(|| "cap".into()),
                e.text("count").unwrap_or_else(|| "?".into()),
                e.text("limit").unwrap_or_else(|| "?".into()),
            );
            if let Some(evidence) = e.text("evidence") {
                s.push_str(&format!(" ({evidence})"));
            }
            return s;
        }
        "session_start" => {
            let parts: Vec<String> = ["source", "host", "phase", "status"]
                .iter()
                .filter_map(|k| e.text(k).map(|v| format!("{k} {v}")))
                .collect();
            return parts.join(", ");
        }
        _ => {}
    }
    for key in [
        "command",
        "target",
        "capture_path",
        "summary_path",
        "reason",
        "message",
        "last_assistant_message",
    ] {
        if let Some(v) = e.text(key).filter(|v| !v.is_empty()) {
            return v;
        }
    }
    if let Some(n) = e.text("loop_count") {
        let mut s = format!("phase {}, count {n}", e.text("phase").unwrap_or_default());
        if let Some(cap) = e.text("loop_cap") {
            s.push_str(&format!(" of {cap}"));
        }
        return s;
    }
    String::new()
}

fn exit(e: &Logged) -> String {
    match e.int("exit_code") {
        Some(code) => code.to_string(),
        None if e.fields.get("success").and_then(Value::as_bool) == Some(false) => "failed".into(),
        None => String::new(),
    }
}

/// Tools that write the file in their `target` (Claude, Gemini, Cursor and Codex spellings).
fn writes_files(tool: &str) -> bool {
    let t = tool.to_ascii_lowercase();
    !(t.contains("shell") || t.contains("bash") || t.contains("terminal"))
        && ["write", "edit", "replace", "patch", "delete", "create"]
            .iter()
            .any(|w| t.contains(w))
}

fn tool_of(e: &Logged) -> String {
    e.str("tool")
        .map_or_else(|| "(capture output)".into(), str::to_owned)
}

fn event_bytes(e: &Logged) -> u64 {
    e.uint("output_bytes")
        .or_else(|| e.uint("byte_length"))
        .unwrap_or(0)
}

#[derive(Serialize)]
struct ToolRow {
    calls: u64,
    failures: u64,
}

#[derive(Serialize)]
struct Failure {
    created_at: String,
    tool: String,
    what: String,
    exit_code: Option<i64>,
    error: Option<String>,
}

#[derive(Serialize)]
struct Written {
    target: String,
    writes: u64,
    last_at: String,
}

#[derive(Serialize)]
struct Denial {
    created_at: String,
    event: String,
    by: String,
    reason: String,
}

#[derive(Serialize)]
struct Capture {
    name: String,
    path: String,
    bytes: u64,
}

fn captures(run: &Run) -> Vec<Capture> {
    let dir = run.captures_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<Capture> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| Capture {
            name: e.file_name().to_string_lossy().into_owned(),
            path: e.path().display().to_string(),
            bytes: e.metadata().map_or(0, |m| m.len()),
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn by_name(log: &EventLog) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for e in &log.events {
        *counts.entry(e.name().to_owned()).or_insert(0) += 1;
    }
    counts
}

fn count_table(counts: &BTreeMap<String, u64>, header: &str) -> String {
    let mut rows: Vec<(&String, &u64)> = counts.iter().collect();
    rows.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    let mut t = Table::new(&[header, "COUNT"]).right(&[1]);
    for (name, n) in rows {
        t.row(vec![name.clone(), n.to_string()]);
    }
    t.render()
}

pub(crate) fn summary(ctx: &Ctx) -> Result<Report, CliError> {
    let run = ctx.existing_run()?;
    let status = read_status(&run)?;
    let log = EventLog::read(&run)?;

    let mut tools: BTreeMap<String, ToolRow> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut written: BTreeMap<String, Written> = BTreeMap::new();
    let mut denials = Vec::new();
    for e in &log.events {
        match e.name() {
            "post_tool_capture" => {
                let tool = tool_of(e);
                let row = tools.entry(tool.clone()).or_insert(ToolRow {
                    calls: 0,
                    failures: 0,
                });
                row.calls += 1;
                if e.failed() {
                    row.failures += 1;
                    failures.push(Failure {
                        created_at: e.created_at().to_owned(),
                        tool: tool.clone(),
                        what: e
                            .text("command")
                            .or_else(|| e.text("target"))
                            .unwrap_or_default(),
                        exit_code: e.int("exit_code"),
                        error: e
                            .str("error_tail")
                            .and_then(|t| t.lines().rev().find(|l| !l.trim().is_empty()))
                            .map(str::to_owned),
                    });
                } else if writes_files(&tool)
                    && let Some(target) = e.text("target")
                {
                    let w = written.entry(target.clone()).or_insert(Written {
                        target,
                        writes: 0,
                        last_at: String::new(),
                    });
                    w.writes += 1;
                    e.created_at().clone_into(&mut w.last_at);
                }
            }
            "guard_denied" => denials.push(Denial {
                created_at: e.created_at().to_owned(),
                event: "guard_denied".into(),
                by: [e.str("hook"), e.str("tool")]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" / "),
                reason: e.text("reason").unwrap_or_default(),
            }),
            "loop_cap_reached" => denials.push(Denial {
                created_at: e.created_at().to_owned(),
                event: "loop_cap_reached".into(),
                by: e.text("cap").unwrap_or_else(|| "loop cap".into()),
                reason: what(e),
            }),
            _ => {}
        }
    }
    let failures_total = failures.len();
    let recent: Vec<Failure> = failures
        .into_iter()
        .rev()
        .take(FAILURES_SHOWN)
        .rev()
        .collect();
    let caps = captures(&run);
    let names = by_name(&log);

    if ctx.common.json {
        let value = json!({
            "run_id": run.id,
            "phase": status.phase,
            "status": status.status,
            "events": log.events.len(),
            "malformed_lines": log.malformed,
            "events_by_name": names,
            "tools": tools,
            "failures_total": failures_total,
            "failures": recent,
            "files_written": written.values().collect::<Vec<_>>(),
            "denials": denials,
            "captures": caps,
            "counters": status.counters,
        });
        return Ok(Report::json(&value));
    }

    let mut out = format!(
        "Run {}  phase {}  status {}  ({} events, {} to {})\n",
        run.id,
        status.phase.as_deref().unwrap_or("-"),
        dash(&status.status),
        log.events.len(),
        time(&status.created_at),
        time(&status.updated_at),
    );
    out.push_str(&heading("Events by name"));
    if names.is_empty() {
        out.push_str("none\n");
    } else {
        out.push_str(&count_table(&names, "EVENT"));
    }
    out.push_str(&heading("Tool executions"));
    if tools.is_empty() {
        out.push_str("none\n");
    } else {
        let mut t = Table::new(&["TOOL", "CALLS", "FAILURES"]).right(&[1, 2]);
        for (tool, row) in &tools {
            t.row(vec![
                tool.clone(),
                row.calls.to_string(),
                row.failures.to_string(),
            ]);
        }
        out.push_str(&t.render());
    }
    out.push_str(&heading(&if failures_total > recent.len() {
        format!("Failures (last {} of {failures_total})", recent.len())
    } else {
        "Failures".to_owned()
    }));
    if recent.is_empty() {
        out.push_str("none\n");
    } else {
        let mut t = Table::new(&["TIME", "TOOL", "COMMAND / TARGET", "EXIT", "ERROR"]).right(&[3]);
        for f in &recent {
            t.row(vec![
                time(&f.created_at),
                f.tool.clone(),
                f.what.clone(),
                f.exit_code.map_or_else(|| "-".into(), |c| c.to_string()),
                f.error.clone().unwrap_or_default(),
            ]);
        }
        out.push_str(&t.render());
    }
    out.push_str(&heading("Files written"));
    if written.is_empty() {
        out.push_str("none\n");
    } else {
        let mut t = Table::new(&["FILE", "WRITES", "LAST"]).right(&[1]);
        for w in written.values() {
            t.row(vec![
                w.target.clone(),
                w.writes.to_string(),
                time(&w.last_at),
            ]);
        }
        out.push_str(&t.render());
    }
    out.push_str(&heading("Denials"));
    if denials.is_empty() {
        out.push_str("none\n");
    } else {
        let mut t = Table::new(&["TIME", "EVENT", "BY", "REASON"]);
        for d in &denials {
            t.row(vec![
                time(&d.created_at),
                d.event.clone(),
                d.by.clone(),
                d.reason.clone(),
            ]);
        }
        out.push_str(&t.render());
    }
    out.push_str(&heading("Captures"));
    out.push_str(&captures_table(&caps));
    if let Some(note) = log.malformed_note() {
        out.push_str(&format!("\n{note}\n"));
    }
    Ok(Report::text(out))
}

fn captures_table(caps: &[Capture]) -> String {
    if caps.is_empty() {
        return "none\n".into();
    }
    let mut t = Table::new(&["FILE", "SIZE"]).right(&[1]);
    for c in caps {
        t.row(vec![c.name.clone(), bytes(c.bytes)]);
    }
    let total: u64 = caps.iter().map(|c| c.bytes).sum();
    t.row(vec![format!("{} files", caps.len()), bytes(total)]);
    t.render()
}

/// The original's token estimate: a quarter of the bytes, rounded up.
fn tokens(bytes: u64) -> u64 {
    bytes.div_ceil(4)
}

/// `capture usage`: what the run captured. The original kept a `usage.json` updated by
/// every capture command; this build computes the same figures from `events.ndjson`, the
/// `captures/` directory and `summary.md`, so the hooks need not maintain a second file.
pub(crate) fn usage(ctx: &Ctx, phase: Option<&str>) -> Result<Report, CliError> {
    let run = ctx.existing_run()?;
    let status: Status = read_status(&run)?;
    let log = EventLog::read(&run)?;
    let in_phase = |e: &&Logged| phase.is_none_or(|p| e.str("phase") == Some(p));

    let mut names = BTreeMap::new();
    let mut phases: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut raw = 0;
    for e in log.events.iter().filter(in_phase) {
        *names.entry(e.name().to_owned()).or_insert(0) += 1;
        let b = if e.name() == "post_tool_capture" {
            event_bytes(e)
        } else {
            0
        };
        raw += b;
        let entry = phases
            .entry(e.str("phase").unwrap_or("(none)").to_owned())
            .or_insert((0, 0));
        entry.0 += 1;
        entry.1 += b;
    }
    let summary_bytes = run.summary_path().metadata().map_or(0, |m| m.len());
    let caps = captures(&run);

    if ctx.common.json {
        let value = json!({
            "run_id": run.id,
            "phase": phase,
            "source": "events.ndjson",
            "events_by_name": names,
            "capture_bytes_raw": raw,
            "summary_bytes": summary_bytes,
            "estimated_tokens_if_raw": tokens(raw),
            "estimated_tokens_avoided": tokens(raw.saturating_sub(summary_bytes)),
            "phases": phases
                .iter()
                .map(|(p, (events, b))| (p.clone(), json!({"events": events, "capture_bytes_raw": b})))
                .collect::<serde_json::Map<String, Value>>(),
            "captures": caps,
            "counters": status.counters,
            "estimation": "byte heuristic (ceil(bytes/4))",
        });
        return Ok(Report::json(&value));
    }

    let mut out = format!("Usage report: {}", run.id);
    if let Some(p) = phase {
        out.push_str(&format!(" (phase {p})"));
    }
    out.push('\n');
    out.push_str(&heading("Events by name"));
    out.push_str(&if names.is_empty() {
        "none\n".into()
    } else {
        count_table(&names, "EVENT")
    });
    out.push_str(&heading("Captured output"));
    out.push_str(&key_values(&[
        (
            "tool output",
            format!("{} (est. {} tokens if read raw)", bytes(raw), tokens(raw)),
        ),
        (
            "summary.md",
            format!(
                "{} (est. {} tokens)",
                bytes(summary_bytes),
                tokens(summary_bytes)
            ),
        ),
        (
            "est. tokens avoided",
            tokens(raw.saturating_sub(summary_bytes)).to_string(),
        ),
    ]));
    out.push_str(&heading("Phases"));
    let mut t = Table::new(&["PHASE", "EVENTS", "OUTPUT BYTES"]).right(&[1, 2]);
    for (p, (events, b)) in &phases {
        t.row(vec![p.clone(), events.to_string(), b.to_string()]);
    }
    out.push_str(&if t.is_empty() {
        "none\n".into()
    } else {
        t.render()
    });
    out.push_str(&heading("Captures"));
    out.push_str(&captures_table(&caps));
    out.push_str(&format!(
        "\nComputed from events.ndjson and captures/ (no usage.json is kept). Estimation: byte heuristic, ceil(bytes/4).\n{}",
        log.malformed_note().map(|n| format!("{n}\n")).unwrap_or_default()
    ));
    Ok(Report::text(out))
}
