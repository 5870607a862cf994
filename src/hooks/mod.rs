//! One module per hook: each wires a normalized event through policy and state to an
//! answer. [`Hook`] is what a binary's `main` names; it knows each hook's fixed
//! properties (its name, whether it blocks, its canonical exit code) and how it fails:
//! guards fail closed in the host's channel, capture hooks log and exit 0.

mod loop_cap_guard;
mod post_tool_capture;
mod pre_compact_summary;
mod pre_tool_capture_route;
mod protected_path_write_guard;
mod self_protection;
mod session_start;
mod stop_handoff_harvest;

use std::path::PathBuf;

use serde_json::{Map, Value, json};

use crate::error::{Error, InputError};
use crate::event::{Answer, Decision, Event, EventKind, Host};
use crate::hosts;
use crate::policy::config::{Config, find_root};
use crate::runtime::{self, Context};
use crate::state::{LockedRun, Run, Status, Store, now_rfc3339, resolve_root};

/// The hooks this build ships.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hook {
    SessionStart,
    ProtectedPathWriteGuard,
    LoopCapGuard,
    PreToolCaptureRoute,
    PostToolCapture,
    PreCompactSummary,
    StopHandoffHarvest,
}

/// What the runtime hands a hook: the `--host` it was given and what stdin held.
pub struct Invocation {
    pub host: Option<Host>,
    pub stdin: Result<Vec<u8>, InputError>,
}

impl Hook {
    /// Every hook, in SPEC §2's order.
    pub const ALL: [Hook; 7] = [
        Hook::SessionStart,
        Hook::ProtectedPathWriteGuard,
        Hook::LoopCapGuard,
        Hook::PreToolCaptureRoute,
        Hook::PostToolCapture,
        Hook::PreCompactSummary,
        Hook::StopHandoffHarvest,
    ];

    /// The binary's name, which prefixes its messages.
    pub fn name(self) -> &'static str {
        match self {
            Hook::SessionStart => "session-start",
            Hook::ProtectedPathWriteGuard => "protected-path-write-guard",
            Hook::LoopCapGuard => "loop-cap-guard",
            Hook::PreToolCaptureRoute => "pre-tool-capture-route",
            Hook::PostToolCapture => "post-tool-capture",
            Hook::PreCompactSummary => "pre-compact-summary",
            Hook::StopHandoffHarvest => "stop-handoff-harvest",
        }
    }

    /// Guards block (and fail closed); the others only record and inform.
    pub fn is_guard(self) -> bool {
        matches!(self, Hook::ProtectedPathWriteGuard | Hook::LoopCapGuard)
    }

    /// The canonical contract's exit code for a block (SPEC §3).
    pub fn block_code(self) -> u8 {
        match self {
            Hook::ProtectedPathWriteGuard => 42,
            Hook::LoopCapGuard => 43,
            _ => 0,
        }
    }

    pub(crate) fn run(self, inv: Invocation) -> Answer {
        match self {
            Hook::ProtectedPathWriteGuard => protected_path_write_guard::run(self, inv),
            Hook::LoopCapGuard => loop_cap_guard::run(self, inv),
            Hook::SessionStart => capture_hook(self, inv, session_start::handle),
            Hook::PreToolCaptureRoute => capture_hook(self, inv, pre_tool_capture_route::handle),
            Hook::PostToolCapture => capture_hook(self, inv, post_tool_capture::handle),
            Hook::PreCompactSummary => capture_hook(self, inv, pre_compact_summary::handle),
            Hook::StopHandoffHarvest => capture_hook(self, inv, stop_handoff_harvest::handle),
        }
    }

    /// The answer when the hook cannot evaluate its input: guards fail closed in the
    /// host's own channel (unless `on_error: allow`), except at a stop, which they let
    /// happen; capture hooks say why on stderr and let the call go on; the canonical
    /// protocol gets exit 1.
    pub(crate) fn failure(self, ctx: &Context, problem: &str) -> Answer {
        self.failure_with(ctx, problem, false)
    }

    pub(crate) fn failure_with(self, ctx: &Context, problem: &str, allow: bool) -> Answer {
        let host = ctx.host.unwrap_or_else(runtime::host_from_env);
        if host == Host::Wazir && self.is_guard() {
            return hosts::render_canonical_error(&format!("{}: {problem}", self.name()));
        }
        if !self.is_guard() {
            let mut a = hosts::render_quiet(host, &ctx.kind);
            a.stderr = format!("{}: {problem} (nothing was blocked)", self.name());
            return a;
        }
        if matches!(ctx.kind, EventKind::Stop) {
            // A guard blocks tool calls. Blocking a stop means "keep going" on Claude Code
            // (exit 2 at Stop), which would keep a broken setup running turn after turn:
            // failing safe here is letting the agent stop.
            let mut a = hosts::render_quiet(host, &ctx.kind);
            a.stderr = format!(
                "{}: {problem} (the agent is let stop: blocking a stop would keep it going)",
                self.name()
            );
            return a;
        }
        let decision = if allow {
            Decision::allow(format!(
                "{} could not evaluate this call ({problem}); allowed because on_error is `allow`.",
                self.name()
            ))
        } else {
            Decision::deny(format!(
                "{name} could not evaluate this call, so it blocks it: {problem}. It fails closed \
                 because a guard that cannot read its input cannot tell a safe call from an unsafe \
                 one. Do not retry the same call: report this message to the operator, who can \
                 fix the hook's input or configuration (or set `on_error: allow` in the user policy, \
                 ~/.config/wazir-hooks/hooks.yaml).",
                name = self.name()
            ))
        };
        hosts::render_guard(host, &ctx.kind, &decision, self.block_code())
    }

    /// Maps an evaluation error to an answer.
    pub(crate) fn error_answer(self, ctx: &Context, err: &Error, on_error_allow: bool) -> Answer {
        self.failure_with(ctx, &err.to_string(), on_error_allow)
    }
}

/// Decodes and parses a hook's payload, learning the host on the way.
fn parse_event(inv: Invocation, ctx: &mut Context) -> Result<Event, Error> {
    let bytes = inv.stdin?;
    let value = runtime::decode(&bytes)?;
    let host = inv.host.unwrap_or_else(|| hosts::detect(&value));
    ctx.host = Some(host);
    runtime::learn(host, &ctx.kind);
    let event = hosts::parse(host, &value)?;
    ctx.kind = event.kind.clone();
    runtime::learn(host, &event.kind);
    Ok(event)
}

/// The fixed path of a capture hook: parse, handle, and on any error say so on stderr
/// and exit 0, since a capture hook must never block the agent.
fn capture_hook(
    hook: Hook,
    inv: Invocation,
    handle: fn(&Event) -> Result<Answer, Error>,
) -> Answer {
    let mut ctx = Context {
        host: inv.host,
        kind: EventKind::Other(String::new()),
    };
    match parse_event(inv, &mut ctx).and_then(|e| handle(&e)) {
        Ok(answer) => answer,
        Err(e) => hook.failure(&ctx, &e.to_string()),
    }
}

/// A hook's view of the project: its configuration, state store and run.
pub(crate) struct Session {
    pub(crate) config: Config,
    pub(crate) store: Store,
    pub(crate) run: Run,
}

impl Session {
    /// Opens the run for the event's session. A configuration that does not load costs
    /// only its settings: the defaults are used, so no event is lost over it.
    pub(crate) fn open(event: &Event) -> Result<Session, Error> {
        let cwd = event
            .cwd
            .clone()
            .filter(|c| c.is_absolute())
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("/"));
        let config = Config::discover(&cwd).unwrap_or_else(|_| Config::empty(&find_root(&cwd)));
        Ok(Session::with_config(event, config))
    }

    /// Opens the run with a configuration already loaded.
    pub(crate) fn with_config(event: &Event, config: Config) -> Session {
        let store = Store::new(resolve_root(&config));
        let id = event
            .session_id
            .clone()
            .filter(|s| !s.is_empty())
            .or_else(|| store.latest())
            .unwrap_or_else(|| "default".into());
        let run = store.run(&id);
        Session { config, store, run }
    }

    /// Runs `change` on the run's status under its lock and saves it, with no event.
    pub(crate) fn update<T>(
        &self,
        change: impl FnOnce(&LockedRun, &mut Status) -> std::io::Result<T>,
    ) -> std::io::Result<T> {
        let locked = self.run.lock()?;
        let mut status = locked.status();
        self.init(&mut status);
        let out = change(&locked, &mut status)?;
        status.updated_at = now_rfc3339();
        locked.save(&status)?;
        Ok(out)
    }

    /// The common fields of an event this run records.
    pub(crate) fn event_fields(&self, host: Host, name: &str) -> Map<String, Value> {
        let mut fields = Map::new();
        fields.insert("event".into(), json!(name));
        fields.insert("created_at".into(), json!(now_rfc3339()));
        fields.insert("run_id".into(), json!(self.run.id));
        fields.insert("host".into(), json!(host.name()));
        fields
    }

    fn init(&self, status: &mut Status) {
        if status.created_at.is_empty() {
            status.run_id.clone_from(&self.run.id);
            status.project_root = self.config.root.to_string_lossy().into_owned();
            status.status = "active".into();
            status.created_at = now_rfc3339();
            status
                .artifacts
                .insert("events_path".into(), json!(self.run.events_path()));
            status
                .artifacts
                .insert("captures_dir".into(), json!(self.run.captures_dir()));
        }
    }

    /// Runs `change` on the run's status under its lock, then appends `event` (with the
    /// common fields filled) and saves the status.
    pub(crate) fn record<T>(
        &self,
        host: Host,
        name: &str,
        change: impl FnOnce(&LockedRun, &mut Status, &mut Map<String, Value>) -> std::io::Result<T>,
    ) -> std::io::Result<T> {
        self.record_then(host, name, change, |_, _| Ok(()))
    }

    /// As [`Session::record`], then runs `after` (which sees the event in the log) before
    /// the status is saved, all under one lock.
    pub(crate) fn record_then<T>(
        &self,
        host: Host,
        name: &str,
        change: impl FnOnce(&LockedRun, &mut Status, &mut Map<String, Value>) -> std::io::Result<T>,
        after: impl FnOnce(&LockedRun, &mut Status) -> std::io::Result<()>,
    ) -> std::io::Result<T> {
        let locked = self.run.lock()?;
        let mut status = locked.status();
        self.init(&mut status);
        let mut fields = self.event_fields(host, name);
        let now = fields["created_at"].as_str().unwrap_or_default().to_owned();
        let out = change(&locked, &mut status, &mut fields)?;
        status.updated_at = now;
        status.last_event = Some(name.to_owned());
        status.counters.events += 1;
        locked.append(&Value::Object(fields))?;
        after(&locked, &mut status)?;
        locked.save(&status)?;
        Ok(out)
    }
}
