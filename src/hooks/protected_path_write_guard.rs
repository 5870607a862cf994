//! protected-path-write-guard: denies writes to protected paths, whether made by a file
//! tool, a patch, or a shell command (SPEC §2, §3).

use std::path::{Path, PathBuf};

use crate::error::{Error, PayloadError};
use crate::event::{Answer, Decision, Event, EventKind, Host, ToolKind};
use crate::hooks::{Hook, Invocation};
use crate::hosts;
use crate::policy::config::{Config, OnError, find_root};
use crate::policy::paths::{self, Hit, Matcher};
use crate::policy::{patch, shell};
use crate::runtime::{self, Context};

pub(super) fn run(hook: Hook, inv: Invocation) -> Answer {
    let mut ctx = Context {
        host: inv.host,
        kind: EventKind::PreTool,
    };
    let parsed = inv
        .stdin
        .map_err(Error::from)
        .and_then(|bytes| runtime::decode(&bytes).map_err(Error::from))
        .and_then(|value| {
            let host = inv.host.unwrap_or_else(|| hosts::detect(&value));
            ctx.host = Some(host);
            runtime::learn(host, &ctx.kind);
            hosts::parse(host, &value).map_err(Error::from)
        });
    let event = match parsed {
        Ok(event) => event,
        Err(e) => return hook.error_answer(&ctx, &e, on_error_allows(None)),
    };
    ctx.kind = event.kind.clone();
    runtime::learn(event.host, &event.kind);
    // Fault injection for the tests that prove a panic still ends in a deny. Only the
    // hook's own environment can set it; nothing in a payload can.
    if std::env::var_os("WAZIR_FAULT_INJECT").is_some_and(|v| v == "panic") {
        panic!("fault injected by WAZIR_FAULT_INJECT");
    }
    match evaluate(&event) {
        Ok((decision, config)) => {
            if !decision.allowed && event.host != Host::Wazir {
                record_denial(&event, &decision, config);
            }
            hosts::render_guard(event.host, &event.kind, &decision, hook.block_code())
        }
        Err(e) => {
            let allow = !matches!(e, Error::Config(_)) && on_error_allows(event.cwd.as_deref());
            hook.error_answer(&ctx, &e, allow)
        }
    }
}

/// Records a denial in the session's run (`guard_denied`), for the summary and handoff.
/// Only denials pay for this; a failure to record never changes the decision.
fn record_denial(event: &Event, decision: &Decision, config: Option<Config>) {
    let session = match config {
        Some(c) => super::Session::with_config(event, c),
        None => match super::Session::open(event) {
            Ok(s) => s,
            Err(_) => return,
        },
    };
    let _ = session.record(event.host, "guard_denied", |_, status, fields| {
        status.counters.denials += 1;
        fields.insert(
            "hook".into(),
            serde_json::json!("protected-path-write-guard"),
        );
        fields.insert("tool".into(), serde_json::json!(event.tool_name));
        fields.insert("reason".into(), serde_json::json!(decision.reason));
        if let Some(p) = &decision.relative_target_path {
            fields.insert("target".into(), serde_json::json!(p));
        }
        Ok(())
    });
}

/// Whether the project's configuration asks guards to allow what they cannot evaluate.
/// A configuration that cannot be read never does.
fn on_error_allows(cwd: Option<&Path>) -> bool {
    let cwd = cwd
        .map(Path::to_path_buf)
        .or_else(|| std::env::current_dir().ok());
    cwd.and_then(|c| Config::discover(&c).ok())
        .is_some_and(|c| c.on_error == OnError::Allow)
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

/// The event's working directory, absolute.
fn working_dir(event: &Event) -> Result<PathBuf, Error> {
    let here = std::env::current_dir().map_err(|e| {
        Error::Payload(PayloadError::Shape(format!(
            "no `cwd` in the payload and no working directory: {e}"
        )))
    })?;
    Ok(match &event.cwd {
        Some(c) if c.is_absolute() => c.clone(),
        Some(c) => here.join(c),
        None => here,
    })
}

/// The guard's decision for one event.
pub(crate) fn evaluate(event: &Event) -> Result<(Decision, Option<Config>), Error> {
    if event.host == Host::Wazir {
        return canonical(event).map(|d| (d, None));
    }
    if !matches!(event.kind, EventKind::PreTool | EventKind::BeforeShell) {
        return Ok((
            Decision::allow("not a pre-tool event; nothing to guard"),
            None,
        ));
    }
    if matches!(event.tool_kind, ToolKind::Read | ToolKind::Other) {
        return Ok((Decision::allow("the tool does not write files"), None));
    }
    let cwd = working_dir(event)?;
    let config = Config::discover(&cwd)?;
    let decision = decide(event, &cwd, &config)?;
    Ok((decision, Some(config)))
}

/// The decision for a write-capable tool call in a project with `config`.
fn decide(event: &Event, cwd: &Path, config: &Config) -> Result<Decision, Error> {
    let cwd = cwd.to_path_buf();
    let home = home();
    let matcher = Matcher::new(&config.root, &config.protected_paths, home.as_deref());
    if matcher.is_empty() {
        return Ok(Decision::allow("no protected paths are configured"));
    }
    if let Ok(flow) = std::env::var("WAZIR_APPROVED_FLOW")
        && config.approved_flows.contains(&flow)
    {
        return Ok(Decision::allow(format!(
            "approved flow \"{flow}\" (WAZIR_APPROVED_FLOW) may write protected paths"
        )));
    }
    let tool = event.tool_name.as_deref().unwrap_or("the tool");
    let writes = match event.tool_kind {
        ToolKind::FileWrite => event
            .targets
            .iter()
            .map(|t| shell::Write {
                target: shell::Target::Path(paths::join(&cwd, t, home.as_deref())),
                recursive: false,
                how: tool.to_owned(),
                follow: true,
            })
            .collect(),
        ToolKind::Patch => {
            let text = event.patch.as_deref().unwrap_or("");
            let Ok(targets) = patch::any_targets(text) else {
                return Ok(Decision::deny(format!(
                    "Blocked: {tool} sent a patch naming more than {} possible target paths, \
                     too many for the guard to check, so it cannot tell whether it writes a \
                     protected path. Split it into smaller patches.",
                    patch::MAX_CANDIDATES
                )));
            };
            if targets.is_empty() {
                return Ok(Decision::deny(format!(
                    "Blocked: {tool} sent a patch in which no target file could be found \
                     (no `*** Add/Update/Delete File:` or `---`/`+++` headers), so the guard \
                     cannot tell whether it writes a protected path. Send a well-formed patch."
                )));
            }
            targets
                .into_iter()
                .map(|t| shell::Write {
                    target: shell::Target::Path(paths::join(&cwd, &t, home.as_deref())),
                    recursive: false,
                    how: format!("{tool} (patch)"),
                    follow: true,
                })
                .collect()
        }
        ToolKind::Shell => {
            let command = event.command.as_deref().unwrap_or("");
            let env = |k: &str| std::env::var(k).ok();
            let relevant = |p: &Path| matcher.relevant(p);
            let ctx = shell::Context {
                cwd: cwd.clone(),
                home: home.clone(),
                env: &env,
                relevant: &relevant,
            };
            match shell::analyze(command, &ctx) {
                Ok(writes) => writes,
                Err(e) => {
                    return Ok(Decision::deny(format!(
                        "Blocked: {e}. The guard blocks shell commands it cannot check for \
                         writes to protected paths ({}). Rewrite the command as plain bash the \
                         guard can parse, or ask the operator.",
                        entries(config)
                    )));
                }
            }
        }
        ToolKind::Read | ToolKind::Other => Vec::new(),
    };
    for w in &writes {
        let found = match &w.target {
            shell::Target::Path(p) => matcher.check(p, w.recursive, w.follow),
            shell::Target::Partial {
                dir,
                name_prefix,
                suffix,
            } => Ok(matcher.check_partial(dir.as_deref(), name_prefix, suffix)),
        };
        match found {
            Ok(Some(hit)) => return Ok(deny(&hit, w, config)),
            Ok(None) => {}
            Err(why) => {
                return Ok(Decision::deny(format!(
                    "Blocked: {} would reach {why}; the guard denies what it cannot verify. \
                     Narrow the command to the paths you mean, or ask the operator.",
                    w.how
                )));
            }
        }
    }
    Ok(Decision::allow("no protected path is written"))
}

fn entries(config: &Config) -> String {
    format!("protected: {}", config.protected_paths.join(", "))
}

fn deny(hit: &Hit, w: &shell::Write, config: &Config) -> Decision {
    // Where the matched entry comes from: built-in, the user policy, the manifest or
    // wazir.hooks.yaml (README, "User policy").
    let source = config.entry_origin(&hit.entry);
    let via = hit
        .via
        .as_deref()
        .map(|v| format!(" ({v})"))
        .unwrap_or_default();
    let flows = config.approved_flows.join(" or ");
    let mut d = Decision::deny(format!(
        "Blocked by protected-path-write-guard: {how} would write `{shown}`{via}, which is \
         protected by the entry `{entry}` {source}. Protected paths may only be changed by \
         the operator or by an approved flow, so do not try to make this change another way \
         (another tool, a shell command, a copy or a script). Leave the file as it is and tell \
         the operator what change you need; they can make it, or run the approved flow that \
         regenerates it (WAZIR_APPROVED_FLOW={flows}).",
        how = w.how,
        shown = hit.shown,
        entry = hit.entry,
    ));
    d.protected_path = Some(hit.entry.clone());
    d.relative_target_path = Some(hit.shown.clone());
    d
}

/// The original canonical protocol (SPEC §3), so the original's own tests hold.
fn canonical(event: &Event) -> Result<Decision, Error> {
    let fields = event.canonical.clone().unwrap_or_default();
    let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    let root = fields
        .project_root
        .as_deref()
        .map_or_else(|| find_root(&here), |r| here.join(r));
    let target = fields
        .target_path
        .ok_or(Error::Payload(PayloadError::Missing("target_path")))?;
    let config = Config::load(&root)?;
    let home = home();
    let matcher = Matcher::new(&root, &config.protected_paths, home.as_deref());
    let abs = paths::join(&root, &target, home.as_deref());
    let lexical = paths::normalize(&abs);
    let relative = matcher.show(&lexical);
    let hit = matcher
        .check(&abs, false, true)
        .map_err(|e| Error::Payload(PayloadError::Shape(e)))?;
    let mut decision = match hit {
        Some(hit) => match fields
            .approved_flow
            .filter(|f| config.approved_flows.contains(f))
        {
            Some(flow) => Decision::allow(format!(
                "Approved flow \"{flow}\" may write protected path {}.",
                hit.entry
            )),
            None => {
                let mut d = Decision::deny(format!(
                    "Protected path blocked: {relative} is under the protected path `{}`. Ask the \
                     operator to make this change, or run it through an approved flow ({}).",
                    hit.entry,
                    config.approved_flows.join(", ")
                ));
                d.protected_path = Some(hit.entry);
                d
            }
        },
        None if !lexical.starts_with(paths::normalize(&root)) => {
            Decision::allow("Target is outside the project root.")
        }
        None => Decision::allow("Target path is not protected."),
    };
    decision.relative_target_path = Some(relative);
    Ok(decision)
}
