//! `loop status|next|reset|raise`: the phase loop counters of SPEC §5 and the operator's
//! way past a cap.
//!
//! A phase's cap is `loop_caps.phases.<phase>` in `wazir.hooks.yaml`, else
//! `loop_caps.default` (each bounded by the user policy's, which are maxima: README,
//! "User policy"), else 10 (`policy::loops::DEFAULT_PHASE_CAP`, the original's
//! `DEFAULT_PHASE_POLICY.loop_cap`), unless an operator raised it: `loop raise` stores the
//! new cap in `status.json` under `raised_caps` (a JSON object, phase → cap, kept in
//! `Status::extra`), and that cap wins. loop-cap-guard reads `raised_caps` from
//! `Status::extra` and applies the same rule (`policy::loops::Caps::phase_cap`), so
//! what `loop status` shows is what the guard enforces: it stops the agent once a
//! phase's count reaches its cap.
//!
//! `loop next` only records an iteration; it never refuses one. Stopping the agent at the
//! cap is loop-cap-guard's job, in each host's own channel.

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::context::{Ctx, locked_status, read_status};
use super::error::CliError;
use super::table::{Table, heading, key_values};
use super::{Report, lock, record};
use crate::policy::config::{Config, Source};
use crate::policy::loops::Caps;
use crate::state::{Status, now_rfc3339};

/// The key in `status.json` holding caps raised by `loop raise`.
pub(crate) const RAISED_CAPS_KEY: &str = "raised_caps";

/// Where a phase's cap came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum CapSource {
    /// `wazir-hooks loop raise`.
    Raised,
    /// `loop_caps.phases.<phase>`.
    Phase,
    /// `loop_caps.default`.
    Default,
    /// The user policy's cap, lower than the project's (or the only one).
    UserPolicy,
    /// Nothing configured: `policy::loops::DEFAULT_PHASE_CAP` (10, the original's default).
    Builtin,
}

impl CapSource {
    fn label(self) -> &'static str {
        match self {
            CapSource::Raised => "raised (loop raise)",
            CapSource::Phase => "loop_caps.phases",
            CapSource::Default => "loop_caps.default",
            CapSource::UserPolicy => "user policy",
            CapSource::Builtin => "built-in default",
        }
    }
}

/// The cap an operator raised a phase to, if any.
pub(crate) fn raised_cap(status: &Status, phase: &str) -> Option<u64> {
    status
        .extra
        .get(RAISED_CAPS_KEY)?
        .as_object()?
        .get(phase)?
        .as_u64()
}

/// The cap that applies to a phase now (`Caps::phase_cap`, the rule loop-cap-guard
/// applies), and where it came from.
pub(crate) fn effective_cap(status: &Status, config: &Config, phase: &str) -> (u64, CapSource) {
    let caps = Caps::from_config(config);
    let raised = raised_cap(status, phase);
    let from = |key: &str, project: CapSource| match config.loop_cap_sources.get(key) {
        Some(Source::User) => CapSource::UserPolicy,
        Some(_) => project,
        None => CapSource::Builtin,
    };
    let source = if raised.is_some() {
        CapSource::Raised
    } else if caps.phases.contains_key(phase) {
        from(&format!("phases.{phase}"), CapSource::Phase)
    } else {
        from("default", CapSource::Default)
    };
    (caps.phase_cap(phase, raised), source)
}

fn count(status: &Status, phase: &str) -> u64 {
    status.phase_loop_counts.get(phase).copied().unwrap_or(0)
}

#[derive(Serialize)]
struct PhaseRow {
    phase: String,
    loop_count: u64,
    loop_cap: u64,
    cap_source: CapSource,
    cap_reached: bool,
}

fn phase_row(status: &Status, config: &Config, phase: &str) -> PhaseRow {
    let (cap, source) = effective_cap(status, config, phase);
    let n = count(status, phase);
    PhaseRow {
        phase: phase.to_owned(),
        loop_count: n,
        loop_cap: cap,
        cap_source: source,
        cap_reached: n >= cap,
    }
}

/// Every phase worth showing: counted, raised, configured, and the run's current one.
fn phases(status: &Status, config: &Config) -> Vec<String> {
    let mut all: Vec<String> = status.phase_loop_counts.keys().cloned().collect();
    if let Some(raised) = status.extra.get(RAISED_CAPS_KEY).and_then(Value::as_object) {
        all.extend(raised.keys().cloned());
    }
    all.extend(Caps::from_config(config).phases.into_keys());
    all.extend(status.phase.clone());
    all.sort();
    all.dedup();
    all
}

/// The phase table and the loop state, as `loop status` and `status` show them.
pub(crate) fn loop_tables(status: &Status, config: &Config, only: Option<&str>) -> String {
    let rows: Vec<PhaseRow> = match only {
        Some(p) => vec![phase_row(status, config, p)],
        None => phases(status, config)
            .iter()
            .map(|p| phase_row(status, config, p))
            .collect(),
    };
    let mut out = String::new();
    let mut table = Table::new(&["PHASE", "COUNT", "CAP", "CAP FROM", ""]).right(&[1, 2]);
    for r in &rows {
        let current = if status.phase.as_deref() == Some(r.phase.as_str()) {
            "(current)"
        } else {
            ""
        };
        let note = if r.cap_reached {
            "cap reached".to_owned()
        } else {
            current.to_owned()
        };
        let note = if r.cap_reached && !current.is_empty() {
            format!("{current} cap reached")
        } else {
            note
        };
        table.row(vec![
            r.phase.clone(),
            r.loop_count.to_string(),
            r.loop_cap.to_string(),
            r.cap_source.label().into(),
            note,
        ]);
    }
    if table.is_empty() {
        out.push_str("no phase loops counted yet\n");
    } else {
        out.push_str(&table.render());
    }

    let caps = Caps::from_config(config);
    let state = &status.loop_state;
    out.push_str(&heading("Loop state"));
    out.push_str(&key_values(&[
        (
            "identical calls in a row",
            format!(
                "{} (cap {})",
                state.identical_streak, caps.max_identical_calls
            ),
        ),
        (
            "last call",
            state.last_call.clone().unwrap_or_else(|| "-".into()),
        ),
        (
            "tool calls checked",
            format!(
                "{} (cap {}, 0 = off)",
                state.guarded_calls, caps.max_tool_calls
            ),
        ),
        (
            "stop continuations",
            format!("{} (cap {})", state.continuations, caps.max_continuations),
        ),
        (
            "caps hit",
            if state.caps_hit.is_empty() {
                "none".into()
            } else {
                state.caps_hit.len().to_string()
            },
        ),
    ]));
    if !state.failure_streaks.is_empty() {
        out.push_str(&heading(&format!(
            "Failure streaks (cap {})",
            caps.max_repeated_failures
        )));
        let mut t = Table::new(&["CALL", "FAILURES IN A ROW"]).right(&[1]);
        for (key, n) in &state.failure_streaks {
            t.row(vec![key.clone(), n.to_string()]);
        }
        out.push_str(&t.render());
    }
    if !state.recent_failures.is_empty() {
        out.push_str(&heading("Recent failures (newest last)"));
        for f in &state.recent_failures {
            out.push_str(&format!("  {}\n", super::table::cell(f)));
        }
    }
    if !state.caps_hit.is_empty() {
        out.push_str(&heading("Caps hit"));
        for c in &state.caps_hit {
            out.push_str(&format!("  {}\n", super::table::cell(c)));
        }
    }
    out
}

pub(crate) fn status(ctx: &Ctx, phase: Option<&str>) -> Result<Report, CliError> {
    let run = ctx.existing_run()?;
    let config = ctx.config()?;
    let status = read_status(&run)?;
    if ctx.common.json {
        let rows: Vec<PhaseRow> = match phase {
            Some(p) => vec![phase_row(&status, config, p)],
            None => phases(&status, config)
                .iter()
                .map(|p| phase_row(&status, config, p))
                .collect(),
        };
        let caps = Caps::from_config(config);
        let value = json!({
            "run_id": run.id,
            "phase": status.phase,
            "phases": rows,
            "loop_state": status.loop_state,
            "limits": {
                "max_repeated_failures": caps.max_repeated_failures,
                "max_identical_calls": caps.max_identical_calls,
                "max_tool_calls": caps.max_tool_calls,
                "max_continuations": caps.max_continuations,
            },
        });
        return Ok(Report::json(&value));
    }
    let mut text = format!(
        "Run {}, phase {}\n\n",
        run.id,
        status.phase.as_deref().unwrap_or("-")
    );
    text.push_str(&loop_tables(&status, config, phase));
    Ok(Report::text(text))
}

/// What `next`, `reset` and `raise` print with `--json`.
#[derive(Serialize)]
struct Changed {
    run_id: String,
    phase: String,
    loop_count: u64,
    loop_cap: u64,
    cap_source: CapSource,
    cap_reached: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_count: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_cap: Option<u64>,
}

/// Takes the lock, applies `change` to the status, and logs `event` with the fields the
/// change returns (plus `phase`, `loop_count` and `loop_cap`).
fn change(
    ctx: &Ctx,
    phase: &str,
    event_name: &str,
    apply: impl FnOnce(&mut Status, &Config) -> Map<String, Value>,
) -> Result<(String, Status), CliError> {
    let config = ctx.config()?;
    let run = ctx.existing_run()?;
    let locked = lock(&run)?;
    let mut status = locked_status(&locked)?;
    let now = now_rfc3339();
    let extra = apply(&mut status, config);
    let (cap, _) = effective_cap(&status, config, phase);
    let mut event = Map::new();
    event.insert("event".into(), json!(event_name));
    event.insert("created_at".into(), json!(now));
    event.insert("run_id".into(), json!(run.id));
    event.insert("phase".into(), json!(phase));
    event.insert("status".into(), json!(status.status));
    event.insert("loop_count".into(), json!(count(&status, phase)));
    event.insert("loop_cap".into(), json!(cap));
    event.extend(extra);
    status.updated_at.clone_from(&now);
    status.last_event = Some(event_name.to_owned());
    record(&locked, &mut status, event)?;
    Ok((run.id.clone(), status))
}

fn changed(ctx: &Ctx, run_id: String, status: &Status, phase: &str) -> Result<Changed, CliError> {
    let (cap, source) = effective_cap(status, ctx.config()?, phase);
    let n = count(status, phase);
    Ok(Changed {
        run_id,
        phase: phase.to_owned(),
        loop_count: n,
        loop_cap: cap,
        cap_source: source,
        cap_reached: n >= cap,
        previous_count: None,
        previous_cap: None,
    })
}

pub(crate) fn next(ctx: &Ctx, phase: &str) -> Result<Report, CliError> {
    let (run_id, status) = change(ctx, phase, "loop_iteration", |status, _| {
        *status
            .phase_loop_counts
            .entry(phase.to_owned())
            .or_insert(0) += 1;
        Map::new()
    })?;
    let out = changed(ctx, run_id, &status, phase)?;
    let mut text = format!("{} {}/{}\n", out.phase, out.loop_count, out.loop_cap);
    if out.cap_reached {
        text.push_str(&format!(
            "cap reached: loop-cap-guard stops the agent; `wazir-hooks loop raise --phase {}` or `loop reset` to go on\n",
            out.phase
        ));
    }
    Ok(Report::result(ctx, &out, text))
}

pub(crate) fn reset(ctx: &Ctx, phase: &str) -> Result<Report, CliError> {
    let mut previous = 0;
    let (run_id, status) = change(ctx, phase, "loop_reset", |status, _| {
        previous = status
            .phase_loop_counts
            .insert(phase.to_owned(), 0)
            .unwrap_or(0);
        let mut extra = Map::new();
        extra.insert("previous_count".into(), json!(previous));
        extra
    })?;
    let mut out = changed(ctx, run_id, &status, phase)?;
    out.previous_count = Some(previous);
    let text = format!(
        "{} {}/{} (was {})\n",
        out.phase, out.loop_count, out.loop_cap, previous
    );
    Ok(Report::result(ctx, &out, text))
}

/// Raises a phase's cap to `max(current cap, current count) + by`, so a raise always
/// grants `by` more iterations, even past a count that already overran its cap.
pub(crate) fn raise(ctx: &Ctx, phase: &str, by: u64) -> Result<Report, CliError> {
    let mut previous = 0;
    let (run_id, status) = change(ctx, phase, "loop_cap_raised", |status, config| {
        let (cap, _) = effective_cap(status, config, phase);
        previous = cap;
        let new = cap.max(count(status, phase)).saturating_add(by);
        let raised = status
            .extra
            .entry(RAISED_CAPS_KEY)
            .or_insert_with(|| Value::Object(Map::new()));
        if !raised.is_object() {
            *raised = Value::Object(Map::new());
        }
        if let Some(map) = raised.as_object_mut() {
            map.insert(phase.to_owned(), json!(new));
        }
        let mut extra = Map::new();
        extra.insert("previous_cap".into(), json!(cap));
        extra.insert("by".into(), json!(by));
        extra
    })?;
    let mut out = changed(ctx, run_id, &status, phase)?;
    out.previous_cap = Some(previous);
    let text = format!(
        "{} cap {} -> {} (count {})\n",
        out.phase, previous, out.loop_cap, out.loop_count
    );
    Ok(Report::result(ctx, &out, text))
}
