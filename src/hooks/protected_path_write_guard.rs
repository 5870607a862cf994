//! protected-path-write-guard: denies writes to protected paths, whether made by a file
//! tool, a patch, or a shell command (SPEC §2, §3).

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use crate::error::{Error, PayloadError};
use crate::event::{Answer, Decision, Event, EventKind, Host, ToolKind};
use crate::hooks::{Hook, Invocation};
use crate::hosts;
use crate::policy::config::{Config, OnError, find_root, is_configured};
use crate::policy::paths::{self, Hit, Matcher};
use crate::policy::{patch, shell};
use crate::runtime::{self, Context};

use super::self_protection::{self, Guarded, Protection};

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
    if !matches!(
        event.kind,
        EventKind::PreTool | EventKind::BeforeShell | EventKind::BeforeMcp
    ) {
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
    if !decision.allowed {
        return Ok((decision, Some(config)));
    }
    // The agent may have left the project (`cd /tmp`, then a write into it by absolute
    // path): the protection of every configured project the host names for the session
    // applies. (One without a configuration file protects only what the user policy and
    // the built-in entries do, which the first check applied already.)
    let mut seen = vec![config.root.clone()];
    for dir in &event.project_dirs {
        let root = find_root(dir);
        if seen.contains(&root) || !is_configured(&root) {
            continue;
        }
        let other = Config::load(&root)?;
        let d = decide(event, &cwd, &other)?;
        if !d.allowed {
            return Ok((d, Some(other)));
        }
        seen.push(root);
    }
    Ok((decision, Some(config)))
}

/// The decision for a write-capable tool call in a project with `config`.
fn decide(event: &Event, cwd: &Path, config: &Config) -> Result<Decision, Error> {
    let cwd = cwd.to_path_buf();
    let home = home();
    let matcher = Matcher::new(&config.root, &config.protected_paths, home.as_deref());
    if matches!(event.host, Host::Gemini | Host::Codex)
        && let Some((file, var)) = self_protection::env_from_agent_file(&cwd, home.as_deref())
    {
        return Ok(Decision::deny(format!(
            "Blocked by protected-path-write-guard: {var} in the guard's environment comes \
             from {}, a file the host loads and the agent can write, so the guard cannot \
             trust its own settings. Every call is refused until the operator removes that \
             line. Tell the operator.",
            file.display()
        )));
    }
    if let Ok(flow) = std::env::var("WAZIR_APPROVED_FLOW")
        && config.approved_flows.contains(&flow)
    {
        return Ok(Decision::allow(format!(
            "approved flow \"{flow}\" (WAZIR_APPROVED_FLOW) may write protected paths"
        )));
    }
    // Built on first use: most calls (a test run, a listing) write nothing to check.
    let protection = LazyLock::new(|| Protection::new(config, &cwd, home.as_deref()));
    let tool = event.tool_name.as_deref().unwrap_or("the tool");
    let writes = match tool_writes(event, &cwd, home.as_deref(), &matcher, &protection, config) {
        Ok(w) => w,
        Err(denied) => return Ok(Decision::deny(denied)),
    };
    let flows = config.approved_flows.join(" or ");
    for w in &writes {
        if let shell::Target::Operator(command) = &w.target {
            return Ok(Decision::deny(format!(
                "Blocked by protected-path-write-guard: `{command}` is an operator command \
                 (it switches the agent's guard off or lifts a loop cap), so the agent may not \
                 run it, by any tool or command. Stop and tell the operator what you need; \
                 they run it themselves."
            )));
        }
        match protection.check(w) {
            // Allowed only when the result is known and keeps every protected key.
            Ok(Some((hit, kind))) => match computed_edit(event, w, kind, &cwd, home.as_deref()) {
                Some(Ok(())) => {}
                refused => {
                    let why = refused.and_then(Result::err);
                    return Ok(guarded(&w.how, &hit, kind, why.as_deref(), &flows));
                }
            },
            Ok(None) => {}
            Err(why) => return Ok(unverifiable(&w.how, &why)),
        }
        let found = match &w.target {
            shell::Target::Path(p) => matcher.check(p, w.recursive, w.follow),
            shell::Target::Partial {
                dir,
                name_prefix,
                suffix,
            } => Ok(matcher.check_partial(dir.as_deref(), name_prefix, suffix)),
            shell::Target::Operator(_) => Ok(None),
        };
        match found {
            Ok(Some(hit)) => {
                let mut d = deny(&hit, w, config);
                if event.tool_kind == ToolKind::Unknown {
                    d.reason.push_str(&format!(
                        " If `{tool}` only reads, or writes only some of its arguments, the \
                         operator can declare that under `tools:` in the policy."
                    ));
                }
                return Ok(d);
            }
            Ok(None) => {}
            Err(why) => return Ok(unverifiable(&w.how, &why)),
        }
    }
    Ok(Decision::allow("no protected path is written"))
}

fn unverifiable(how: &str, why: &str) -> Decision {
    Decision::deny(format!(
        "Blocked: {how} would reach {why}; the guard denies what it cannot verify. \
         Narrow the command to the paths you mean, or ask the operator."
    ))
}

fn guarded(how: &str, hit: &Hit, kind: Guarded, why: Option<&str>, flows: &str) -> Decision {
    let mut d = Decision::deny(self_protection::reason(how, hit, kind, why, flows));
    d.protected_path = Some(hit.entry.clone());
    d.relative_target_path = Some(hit.shown.clone());
    d
}

/// For a file tool or patch writing a guarded file whose result it says: `Ok` when the
/// result keeps every protected key, `Err(why)` when not; `None` when the result is
/// unknown.
fn computed_edit(
    event: &Event,
    w: &shell::Write,
    kind: Guarded,
    cwd: &Path,
    home: Option<&Path>,
) -> Option<Result<(), String>> {
    let shell::Target::Path(p) = &w.target else {
        return None;
    };
    if w.recursive {
        return None;
    }
    // The file as the tool will find it: following a symlink, as the tools do.
    let before = match std::fs::read(p) {
        Ok(bytes) if bytes.len() <= MAX_GUARDED_FILE => Some(String::from_utf8(bytes).ok()?),
        Ok(_) => return None,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(_) => return None,
    };
    let after = match (event.tool_kind, &event.edit, &event.patch) {
        (ToolKind::FileWrite, Some(edit), _) if event.targets.len() == 1 => {
            self_protection::apply(before.as_deref(), edit)?
        }
        (ToolKind::Patch, _, Some(text)) => {
            let wanted = paths::normalize(p);
            let is_file = |raw: &str| paths::normalize(&paths::join(cwd, raw, home)) == wanted;
            patch::envelope_result(text, &is_file, before.as_deref())?
        }
        _ => return None,
    };
    Some(self_protection::edit_keeps(kind, before.as_deref(), &after))
}

/// Larger settings files are not read to compute an edit: such an edit is denied.
const MAX_GUARDED_FILE: usize = 4 * 1024 * 1024;

/// Every write the tool call makes, or the deny for a call that cannot be analysed.
/// A file tool's target as the host's process would reach it. `/proc/self/root/…` is
/// known; `/proc/self/cwd/…` is the host process's working directory: the payload's
/// `cwd` when that is the project root (where hosts run), otherwise unknown (the agent
/// may have moved while the host stayed). A descriptor's path (`/dev/fd/3`) is the
/// host's own open file, which cannot be known.
fn agent_view(target: PathBuf, cwd: &Path, root: &Path) -> shell::Target {
    let host_cwd = (paths::normalize(cwd) == paths::normalize(root)).then_some(cwd);
    match paths::alias(&target, host_cwd) {
        paths::Alias::Plain => shell::Target::Path(target),
        paths::Alias::Path(p) => shell::Target::Path(p),
        paths::Alias::Descriptor(_) | paths::Alias::Unknown => shell::Target::Partial {
            dir: None,
            name_prefix: String::new(),
            suffix: String::new(),
        },
    }
}

fn tool_writes(
    event: &Event,
    cwd: &Path,
    home: Option<&Path>,
    matcher: &Matcher,
    protection: &LazyLock<Protection, impl FnOnce() -> Protection + Send>,
    config: &Config,
) -> Result<Vec<shell::Write>, String> {
    let tool = event.tool_name.as_deref().unwrap_or("the tool");
    let path_write = |t: &str, how: String, recursive: bool| shell::Write {
        target: agent_view(paths::join(cwd, t, home), cwd, &config.root),
        recursive,
        how,
        follow: true,
    };
    if let Some(decl) = event
        .tool_name
        .as_deref()
        .and_then(|n| declared(config, n, event))
    {
        return Ok(match decl {
            Declared::ReadOnly => Vec::new(),
            Declared::Writes(list) => list
                .into_iter()
                .map(|(key, t)| path_write(&t, format!("{tool} (argument `{key}`)"), true))
                .collect(),
        });
    }
    Ok(match event.tool_kind {
        ToolKind::FileWrite => event
            .targets
            .iter()
            .map(|t| {
                path_write(
                    t.strip_prefix("file://").unwrap_or(t),
                    tool.to_owned(),
                    event.recursive_targets,
                )
            })
            .collect(),
        ToolKind::Patch => {
            let text = event.patch.as_deref().unwrap_or("");
            let Ok(targets) = patch::any_targets(text) else {
                return Err(format!(
                    "Blocked: {tool} sent a patch naming more than {} possible target paths, \
                     too many for the guard to check, so it cannot tell whether it writes a \
                     protected path. Split it into smaller patches.",
                    patch::MAX_CANDIDATES
                ));
            };
            if targets.is_empty() {
                return Err(format!(
                    "Blocked: {tool} sent a patch in which no target file could be found \
                     (no `*** Add/Update/Delete File:` or `---`/`+++` headers), so the guard \
                     cannot tell whether it writes a protected path. Send a well-formed patch."
                ));
            }
            targets
                .into_iter()
                .map(|t| path_write(&t, format!("{tool} (patch)"), false))
                .collect()
        }
        ToolKind::Shell | ToolKind::PowerShell => {
            let command = event.command.as_deref().unwrap_or("");
            let env = |k: &str| std::env::var(k).ok();
            let relevant = |p: &Path| matcher.relevant(p) || protection.relevant(p);
            let ctx = shell::Context {
                cwd: cwd.to_path_buf(),
                home: home.map(Path::to_path_buf),
                env: &env,
                relevant: &relevant,
            };
            let analysed = if event.tool_kind == ToolKind::PowerShell {
                crate::policy::powershell::analyze(command, &ctx)
            } else {
                shell::analyze(command, &ctx)
            };
            let language = if event.tool_kind == ToolKind::PowerShell {
                "PowerShell"
            } else {
                "bash"
            };
            analysed.map_err(|e| {
                let why = match e {
                    shell::ShellError::Parse(m) => {
                        format!("the command does not parse as {language}: {m}")
                    }
                    other => other.to_string(),
                };
                format!(
                    "Blocked: {why}. The guard blocks shell commands it cannot check for \
                     writes to protected paths ({}). Rewrite the command as plain {language} \
                     the guard can parse, or ask the operator.",
                    entries(config),
                )
            })?
        }
        ToolKind::Unknown => unknown_tool_writes(event, tool, &path_write)?,
        ToolKind::Read | ToolKind::Other => Vec::new(),
    })
}

/// What a user or project declared about a tool in `tools:`.
enum Declared {
    ReadOnly,
    /// `(argument, path)` pairs the tool writes.
    Writes(Vec<(String, String)>),
}

/// The declaration for `name`, applied to tools the guard does not model itself (unknown
/// tools and MCP tools): a declaration never weakens the check of a host's own tools.
fn declared(config: &Config, name: &str, event: &Event) -> Option<Declared> {
    let decl = config.tools.get(name)?;
    let modelled_by_host = matches!(
        event.tool_kind,
        ToolKind::Shell | ToolKind::PowerShell | ToolKind::Patch
    ) || (event.tool_kind == ToolKind::FileWrite
        && !name.to_ascii_lowercase().contains("mcp"));
    if modelled_by_host {
        return None;
    }
    if decl.read_only == Some(true) {
        return Some(Declared::ReadOnly);
    }
    let input = event.tool_input.as_ref();
    let mut out = Vec::new();
    for key in decl.writes.iter().flatten() {
        match input.and_then(|i| i.get(key)) {
            Some(serde_json::Value::String(s)) => out.push((key.clone(), s.clone())),
            Some(serde_json::Value::Array(list)) => out.extend(
                list.iter()
                    .filter_map(serde_json::Value::as_str)
                    .map(|s| (key.clone(), s.to_owned())),
            ),
            _ => {}
        }
    }
    Some(Declared::Writes(out))
}

/// At most this many strings of an unknown tool's input are checked; past it the call
/// is denied as too large to check.
const MAX_UNKNOWN_STRINGS: usize = 2_000;
/// Strings longer than this are text, not paths (no path the kernel accepts is longer).
const MAX_PATH_LEN: usize = 4_096;

/// An unknown tool: every string in its input that could be a path is taken as one it
/// writes, with everything beneath it (README, "Tools").
fn unknown_tool_writes(
    event: &Event,
    tool: &str,
    path_write: &dyn Fn(&str, String, bool) -> shell::Write,
) -> Result<Vec<shell::Write>, String> {
    let mut strings = Vec::new();
    if let Some(input) = &event.tool_input {
        collect_strings(input, String::new(), 0, &mut strings);
    }
    if strings.len() > MAX_UNKNOWN_STRINGS {
        return Err(format!(
            "Blocked: the tool `{tool}` is not one the guard knows, and its input holds more \
             than {MAX_UNKNOWN_STRINGS} strings, too many to check for protected paths. \
             Ask the operator to declare what it writes (`tools:` in the policy)."
        ));
    }
    Ok(strings
        .into_iter()
        .filter(|(_, s)| !s.is_empty() && s.len() <= MAX_PATH_LEN && !s.contains('\0'))
        .map(|(key, s)| {
            let path = s.strip_prefix("file://").unwrap_or(&s).to_owned();
            path_write(
                &path,
                format!("the tool `{tool}`, which the guard does not know (its argument `{key}`),"),
                true,
            )
        })
        .collect())
}

fn collect_strings(
    v: &serde_json::Value,
    key: String,
    depth: usize,
    out: &mut Vec<(String, String)>,
) {
    use serde_json::Value;
    if depth > 32 || out.len() > MAX_UNKNOWN_STRINGS {
        // Too deep to follow: it may name anything (`/` reaches every protected path).
        out.push((key, "/".into()));
        return;
    }
    match v {
        Value::String(s) => {
            out.push((if key.is_empty() { "input".into() } else { key }, s.clone()))
        }
        Value::Array(list) => {
            for (i, item) in list.iter().enumerate() {
                collect_strings(item, format!("{key}[{i}]"), depth + 1, out);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                let key = if key.is_empty() {
                    k.clone()
                } else {
                    format!("{key}.{k}")
                };
                // A key inside an argument can name a path too (`{"files": {"roles/a.md":
                // "…"}}`); the top-level keys are the tool's parameter names.
                if depth > 0 {
                    out.push((format!("{key} (a key)"), k.clone()));
                }
                collect_strings(item, key, depth + 1, out);
            }
        }
        _ => {}
    }
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
