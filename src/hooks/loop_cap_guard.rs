//! loop-cap-guard (SPEC §5): before each tool call, counts the run's calls, identical
//! calls in a row and failures in a row of the same call, and checks each counted phase's
//! iteration cap; at a Stop, counts continuations forced by Stop hooks. A cap of N allows
//! N and denies the next; a phase cap stops the agent and hands over to the operator.
//! The canonical protocol keeps the original's contract (exit 43).

use serde_json::{Value, json};

use super::{Hook, Invocation, Session, parse_event};
use crate::error::{Error, PayloadError};
use crate::event::{Answer, Decision, Event, EventKind, Host};
use crate::hosts;
use crate::policy::config::Config;
use crate::policy::loops::{self, Caps, Counts};
use crate::runtime::Context;
use crate::state::report::truncate;
use crate::state::{Store, safe_run_id};

pub(super) fn run(hook: Hook, inv: Invocation) -> Answer {
    let mut ctx = Context {
        host: inv.host,
        kind: EventKind::PreTool,
    };
    let answer = parse_event(inv, &mut ctx).and_then(|event| evaluate(hook, &event));
    answer.unwrap_or_else(|e| hook.error_answer(&ctx, &e, false))
}

fn evaluate(hook: Hook, event: &Event) -> Result<Answer, Error> {
    if event.host == Host::Wazir {
        let decision = canonical(event)?;
        return Ok(hosts::render_guard(
            Host::Wazir,
            &event.kind,
            &decision,
            hook.block_code(),
        ));
    }
    match event.kind {
        EventKind::PreTool | EventKind::BeforeShell => pre_tool(hook, event),
        EventKind::Stop => stop(hook, event),
        _ => Ok(hosts::render_quiet(event.host, &event.kind)),
    }
}

/// A guard must not count on defaults it was not given: a configuration that does not
/// load is an error here (and so a deny), not a reason to use the defaults.
fn session(event: &Event) -> Result<Session, Error> {
    match event.cwd.as_ref().filter(|c| c.is_absolute()) {
        // Loaded once, and used: a second load was a fifth of this hook's work.
        Some(cwd) => Ok(Session::with_config(event, Config::discover(cwd)?)),
        None => Session::open(event),
    }
}

fn pre_tool(hook: Hook, event: &Event) -> Result<Answer, Error> {
    let s = session(event)?;
    let caps = Caps::from_config(&s.config);
    let tool = event.tool_name.clone().unwrap_or_else(|| "tool".into());
    let key = loops::call_key(&tool, event.tool_input.as_ref());
    let subject = truncate(
        &event
            .command
            .clone()
            .or_else(|| event.targets.first().cloned())
            .unwrap_or_else(|| tool.clone()),
        160,
    );
    let hit = s.update(|locked, status| {
        let raised = |p: &str| {
            status
                .extra
                .get("raised_caps")
                .and_then(|r| r.get(p))
                .and_then(Value::as_u64)
        };
        // The current phase first, then every other phase `loop next` (or `capture event
        // --loop-count`) counted: each one at its cap stops the agent.
        let current = status.phase.clone();
        let counted = status
            .phase_loop_counts
            .keys()
            .filter(|p| current.as_deref() != Some(p.as_str()))
            .cloned();
        let phases = current
            .iter()
            .cloned()
            .chain(counted)
            .map(|p| {
                let count = status.phase_loop_counts.get(&p).copied().unwrap_or(0);
                let cap = caps.phase_cap(&p, raised(&p));
                (p, count, cap)
            })
            .collect();
        let ls = &mut status.loop_state;
        ls.guarded_calls += 1;
        if ls.last_call.as_deref() == Some(key.as_str()) {
            ls.identical_streak += 1;
        } else {
            ls.identical_streak = 1;
            ls.last_call = Some(key.clone());
        }
        let counts = Counts {
            phases,
            calls: ls.guarded_calls,
            identical: ls.identical_streak,
            failures_in_a_row: ls.failure_streaks.get(&key).copied().unwrap_or(0),
            subject: subject.clone(),
            recent_failures: ls.recent_failures.clone(),
        };
        let hit = loops::pre_tool(&caps, &counts);
        if let Some(h) = &hit {
            record_hit(&s, event, locked, status, h, &tool)?;
        }
        Ok(hit)
    })?;
    Ok(match hit {
        None => hosts::render_guard(
            event.host,
            &event.kind,
            &Decision::allow("within every loop cap"),
            hook.block_code(),
        ),
        Some(h) => {
            let decision = Decision::deny(loops::reason(&h));
            if h.stops_agent {
                hosts::render_stop_agent(event.host, &event.kind, &decision, hook.block_code())
            } else {
                hosts::render_guard(event.host, &event.kind, &decision, hook.block_code())
            }
        }
    })
}

fn stop(hook: Hook, event: &Event) -> Result<Answer, Error> {
    let s = session(event)?;
    let caps = Caps::from_config(&s.config);
    let hit = s.update(|locked, status| {
        let ls = &mut status.loop_state;
        ls.continuations = if event.stop_hook_active {
            ls.continuations + 1
        } else {
            0
        };
        let hit = loops::continuation(&caps, ls.continuations);
        if let Some(h) = &hit {
            record_hit(&s, event, locked, status, h, "Stop")?;
        }
        Ok(hit)
    })?;
    Ok(match hit {
        None => hosts::render_quiet(event.host, &event.kind),
        Some(h) => hosts::render_stop_agent(
            event.host,
            &event.kind,
            &Decision::deny(loops::reason(&h)),
            hook.block_code(),
        ),
    })
}

fn record_hit(
    s: &Session,
    event: &Event,
    locked: &crate::state::LockedRun,
    status: &mut crate::state::Status,
    h: &loops::Hit,
    tool: &str,
) -> std::io::Result<()> {
    status.counters.denials += 1;
    status
        .loop_state
        .caps_hit
        .push(format!("{} {}/{}", h.cap, h.count, h.limit));
    status.last_event = Some("loop_cap_reached".into());
    let mut fields = s.event_fields(event.host, "loop_cap_reached");
    fields.insert("cap".into(), json!(h.cap));
    fields.insert("count".into(), json!(h.count));
    fields.insert("limit".into(), json!(h.limit));
    fields.insert("evidence".into(), json!(h.evidence));
    fields.insert("tool".into(), json!(tool));
    status.counters.events += 1;
    locked.append(&Value::Object(fields))
}

/// The original contract: `{run_id, phase, state_root, loop_cap}`; blocked when
/// `phase_loop_counts[phase] >= loop_cap`.
fn canonical(event: &Event) -> Result<Decision, Error> {
    let c = event.canonical.clone().unwrap_or_default();
    let missing = |f: &'static str| Error::Payload(PayloadError::Missing(f));
    let run_id = c.run_id.ok_or_else(|| missing("run_id"))?;
    let phase = c.phase.ok_or_else(|| missing("phase"))?;
    let state_root = c.state_root.ok_or_else(|| missing("state_root"))?;
    let cap = c
        .loop_cap
        .as_ref()
        .and_then(Value::as_u64)
        .filter(|n| *n >= 1)
        .ok_or_else(|| {
            Error::Payload(PayloadError::Shape(
                "loop_cap must be a positive integer".into(),
            ))
        })?;
    let run = Store::new(state_root.into()).run(&safe_run_id(&run_id));
    let text = std::fs::read(run.status_path()).map_err(|_| {
        Error::Payload(PayloadError::Shape(format!(
            "status.json not found for run {run_id}"
        )))
    })?;
    let status: Value = serde_json::from_slice(&text).map_err(|e| {
        Error::Payload(PayloadError::Shape(format!(
            "status.json for run {run_id} is not JSON: {e}"
        )))
    })?;
    let count = status["phase_loop_counts"][&phase].as_u64().unwrap_or(0);
    let mut d = if count >= cap {
        Decision::deny(format!(
            "Loop cap reached for phase {phase}: {count}/{cap}. Stop and report to the operator; \
             `wazir-hooks loop raise --phase {phase}` or `loop reset` is theirs to run."
        ))
    } else {
        Decision::allow(format!("Loop count for phase {phase} is {count}/{cap}."))
    };
    d.extra.insert("current_loop_count".into(), json!(count));
    d.extra.insert("loop_cap".into(), json!(cap));
    Ok(d)
}
