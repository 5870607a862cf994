//! `doctor`: for each host wired here, whether our hooks are registered for every role,
//! whether each registered command runs, and proof that each guard denies — the
//! registered command is run exactly as its host runs it (exec form, `sh -c`, or Codex's
//! `bash -c`), fed that host's payload, and its answer read by that host's rules.
//!
//! The probes run in a scratch project with its own `wazir.hooks.yaml` and state root, so
//! doctor never records anything in the user's runs; then the project's own protected
//! paths are probed the same way. The user policy (README, "User policy") is reported
//! first: found, not found (the built-in credentials are protected), or invalid (every
//! guard denies every call until it is fixed).

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use super::files;
use super::layout::{HOSTS, Home, Launch, Layout, Matching, Scope};
use super::settings::{self, Registered};
use super::trust;
use crate::event::Host;
use crate::hooks::Hook;
use crate::hosts::probe::{self, Call, Probe, Reading};
use crate::policy::config::{
    BUILTIN_CREDENTIALS, Config, Source, find_root, parse_policy, read_user_policy,
    user_policy_path,
};

/// What doctor looks at.
#[derive(Clone, Debug)]
pub struct Request {
    /// The hosts asked for with `--host` (empty: every host wired here).
    pub hosts: Vec<Host>,
    pub project: PathBuf,
    pub home: Home,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Ok,
    /// Worth knowing; nothing is broken.
    Note,
    /// Wired and working, but the host holds the hooks back until a person acts.
    Action,
    /// A guard cannot deny (or a hook cannot run) until this is fixed.
    Fail,
}

#[derive(Clone, Debug)]
pub struct Finding {
    pub level: Level,
    pub text: String,
}

#[derive(Debug)]
pub struct HostReport {
    pub host: Host,
    /// Whether any of our hooks are registered for this host.
    pub wired: bool,
    pub findings: Vec<Finding>,
}

impl HostReport {
    pub fn worst(&self) -> Level {
        self.findings
            .iter()
            .map(|f| f.level)
            .max()
            .unwrap_or(Level::Ok)
    }

    fn add(&mut self, level: Level, text: impl Into<String>) {
        self.findings.push(Finding {
            level,
            text: text.into(),
        });
    }
}

/// One of our handlers and the settings file it is in.
struct Wired {
    scope: Scope,
    file: PathBuf,
    reg: Registered,
}

/// Everything doctor found: about the project, then host by host.
#[derive(Debug)]
pub struct Diagnosis {
    pub project: Vec<Finding>,
    pub hosts: Vec<HostReport>,
}

impl Diagnosis {
    pub fn worst(&self) -> Level {
        let project = self.project.iter().map(|f| f.level);
        project
            .chain(self.hosts.iter().map(HostReport::worst))
            .max()
            .unwrap_or(Level::Ok)
    }
}

pub fn run(req: &Request) -> Diagnosis {
    let (mut project, target) = project_config(req);
    let hosts = match Scratch::new() {
        Ok(scratch) => check_hosts(req, target.as_deref(), &scratch),
        Err(e) => {
            project.push(Finding {
                level: Level::Fail,
                text: format!("cannot make a scratch project to probe the hooks in: {e}"),
            });
            Vec::new()
        }
    };
    Diagnosis { project, hosts }
}

fn check_hosts(req: &Request, target: Option<&Path>, scratch: &Scratch) -> Vec<HostReport> {
    let hosts = if req.hosts.is_empty() {
        HOSTS.to_vec()
    } else {
        req.hosts.clone()
    };
    hosts
        .into_iter()
        .filter_map(Layout::of)
        .map(|layout| check_host(req, layout, scratch, !req.hosts.is_empty(), target))
        .collect()
}

fn check_host(
    req: &Request,
    layout: &Layout,
    scratch: &Scratch,
    asked: bool,
    target: Option<&Path>,
) -> HostReport {
    let mut report = HostReport {
        host: layout.host,
        wired: false,
        findings: Vec::new(),
    };
    let mut wired = Vec::new();
    let mut docs = Vec::new();
    for scope in [Scope::Project, Scope::User] {
        let file = files::resolve(&layout.settings_file(scope, &req.project, &req.home));
        match read_doc(&file) {
            Ok(None) => {}
            Ok(Some(doc)) => {
                let regs = settings::registered(layout, &doc);
                if !regs.is_empty() {
                    report.add(
                        Level::Ok,
                        format!(
                            "{} hooks registered in {} ({} settings)",
                            regs.len(),
                            file.display(),
                            scope.name()
                        ),
                    );
                    docs.push((scope, file.clone(), doc.clone()));
                }
                wired.extend(regs.into_iter().map(|reg| Wired {
                    scope,
                    file: file.clone(),
                    reg,
                }));
                if layout.host == Host::Gemini {
                    gemini_enabled(&mut report, &doc, &file);
                }
            }
            Err(problem) => report.add(Level::Fail, problem),
        }
    }
    if wired.is_empty() {
        let level = if asked { Level::Fail } else { Level::Note };
        report.add(
            level,
            format!(
                "not wired: no wazir-hooks entries in {} or {}; run `wazir-hooks install --host {}`",
                layout.settings_file(Scope::Project, &req.project, &req.home).display(),
                layout.settings_file(Scope::User, &req.project, &req.home).display(),
                layout.host.name()
            ),
        );
        return report;
    }
    report.wired = true;
    check_roles(&mut report, layout, &wired);
    check_commands(&mut report, req, layout, &wired, scratch);
    if let Some(target) = target {
        check_project(&mut report, req, layout, &wired, scratch, target);
    }
    let trusted = trust::check(layout.host, &req.project, &req.home, &docs);
    report.findings.extend(trusted);
    report
}

fn read_doc(file: &Path) -> Result<Option<Map<String, Value>>, String> {
    let Some(bytes) =
        files::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?
    else {
        return Ok(None);
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Some(Map::new()));
    }
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(doc)) => Ok(Some(doc)),
        Ok(_) => Err(format!(
            "{}: the top level is not a JSON object",
            file.display()
        )),
        Err(e) => Err(format!(
            "{}:{}:{}: not valid JSON ({e}): the host may ignore the whole file",
            file.display(),
            e.line(),
            e.column()
        )),
    }
}

fn gemini_enabled(report: &mut HostReport, doc: &Map<String, Value>, file: &Path) {
    let config = doc.get("hooksConfig");
    if config.and_then(|c| c.get("enabled")) == Some(&Value::Bool(false)) {
        report.add(
            Level::Fail,
            format!(
                "{}: hooksConfig.enabled is false, so Gemini CLI runs no hooks; set it to true",
                file.display()
            ),
        );
    }
    let disabled = config
        .and_then(|c| c.get("disabled"))
        .and_then(Value::as_array)
        .map(|names| {
            names
                .iter()
                .filter_map(Value::as_str)
                .filter(|n| n.starts_with("wazir-"))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    if !disabled.is_empty() {
        report.add(
            Level::Fail,
            format!(
                "{}: hooksConfig.disabled switches off {}; remove them from that list",
                file.display(),
                disabled.join(", ")
            ),
        );
    }
}

/// Every (event, hook) the template wires is registered, and the guard's matchers cover
/// every write and shell tool.
fn check_roles(report: &mut HostReport, layout: &Layout, wired: &[Wired]) {
    let Ok(template) = settings::render(layout, "/bin") else {
        report.add(
            Level::Fail,
            "the built-in template does not parse (a broken build)",
        );
        return;
    };
    let wanted = settings::registered(layout, &template);
    let mut missing = Vec::new();
    for want in &wanted {
        let found = wired
            .iter()
            .any(|w| w.reg.event == want.event && w.reg.hook == want.hook);
        if !found {
            missing.push(format!("{} on {}", want.hook.name(), want.event));
        }
    }
    missing.dedup();
    if missing.is_empty() {
        report.add(Level::Ok, "every role is wired");
    } else {
        report.add(
            Level::Fail,
            format!(
                "not registered: {}; run `wazir-hooks install --host {}`",
                missing.join(", "),
                layout.host.name()
            ),
        );
    }
    for (event, tool) in layout.guarded_tools {
        let covered = wired.iter().any(|w| {
            w.reg.hook == Hook::ProtectedPathWriteGuard
                && w.reg.event == *event
                && (tool.is_empty() || covers(layout.matching, w.reg.matcher.as_deref(), tool))
        });
        if !covered {
            let what = if tool.is_empty() {
                format!("{event} (shell commands)")
            } else {
                format!("{tool} on {event}")
            };
            report.add(
                Level::Fail,
                format!(
                    "protected-path-write-guard does not see {what}: writes that way are not checked; run `wazir-hooks install --host {}`",
                    layout.host.name()
                ),
            );
        }
    }
    for w in wired {
        let args = w.reg.entry.get("args").and_then(Value::as_array);
        let text = match args {
            Some(a) => a
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(" "),
            None => w
                .reg
                .entry
                .get("command")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        };
        let flag = format!("--host {}", layout.host.name());
        if !text.contains(&flag) {
            report.add(
                Level::Note,
                format!(
                    "{} on {} has no `{flag}`; it will recognise the host from the payload",
                    w.reg.hook.name(),
                    w.reg.event
                ),
            );
        }
    }
}

/// Whether a matcher selects `tool`, by the host's rules.
pub fn covers(matching: Matching, matcher: Option<&str>, tool: &str) -> bool {
    let m = matcher.unwrap_or("").trim();
    if m.is_empty() || m == "*" {
        return true;
    }
    let exact_chars = |extra: &str| {
        m.chars()
            .all(|c| c.is_ascii_alphanumeric() || extra.contains(c))
    };
    let exact = match matching {
        Matching::Claude => exact_chars("_ ,|-"),
        Matching::Codex => exact_chars("_|"),
        Matching::Gemini => false,
    };
    if exact {
        return m.split(['|', ',']).any(|name| name.trim() == tool);
    }
    match regex::Regex::new(m) {
        Ok(re) => re.is_match(tool),
        Err(_) => matching == Matching::Gemini && m == tool,
    }
}

/// Runs every registered command once with a harmless call of its event, and proves each
/// guard in the scratch project.
fn check_commands(
    report: &mut HostReport,
    req: &Request,
    layout: &Layout,
    wired: &[Wired],
    scratch: &Scratch,
) {
    // The same handler on the same event in two files runs once; on another event it
    // gets another payload, so it is checked again.
    let mut seen: Vec<(&str, &Map<String, Value>)> = Vec::new();
    for w in wired {
        let key = (w.reg.event.as_str(), &w.reg.entry);
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let name = w.reg.hook.name();
        if let Err(problem) = program_exists(&w.reg.entry) {
            report.add(
                Level::Fail,
                format!("{name} ({}): {problem}", w.file.display()),
            );
            continue;
        }
        let runner = Runner {
            layout,
            wired: w,
            req,
        };
        let harmless = Call::Shell("ls");
        let session = format!("wazir-doctor-{}-{}", layout.host.name(), seen.len());
        match runner.ask(&w.reg.event, &scratch.project, &session, harmless, scratch) {
            Err(problem) => {
                report.add(Level::Fail, format!("{name} on {}: {problem}", w.reg.event));
                continue;
            }
            Ok(Reading::Broken(why)) => {
                report.add(
                    Level::Fail,
                    format!("{name} on {} runs, but {why}", w.reg.event),
                );
                continue;
            }
            Ok(Reading::Deny(r) | Reading::Stop(r)) if is_tool_event(&w.reg.event) => {
                report.add(
                    Level::Fail,
                    format!("{name} on {} blocks a harmless `ls`: {r}", w.reg.event),
                );
                continue;
            }
            Ok(_) => {}
        }
        if !is_tool_event(&w.reg.event) {
            report.add(Level::Ok, format!("{name} on {} runs", w.reg.event));
            continue;
        }
        match w.reg.hook {
            Hook::ProtectedPathWriteGuard => prove_path_guard(report, &runner, scratch, &session),
            Hook::LoopCapGuard => prove_loop_guard(report, &runner, scratch, &session),
            _ => report.add(Level::Ok, format!("{name} on {} runs", w.reg.event)),
        }
    }
}

fn is_tool_event(event: &str) -> bool {
    matches!(
        event,
        "PreToolUse" | "preToolUse" | "BeforeTool" | "beforeShellExecution" | "beforeMCPExecution"
    )
}

fn prove_path_guard(
    report: &mut HostReport,
    runner: &Runner<'_>,
    scratch: &Scratch,
    session: &str,
) {
    let event = &runner.wired.reg.event;
    let target = scratch.project.join(PROBE_DIR).join("probe.txt");
    let target_text = target.to_string_lossy().into_owned();
    let shell = format!("echo probe > {PROBE_DIR}/probe.txt");
    let mut calls = Vec::new();
    if event != "beforeMCPExecution" {
        calls.push(("a shell write", Call::Shell(&shell)));
    }
    if event != "beforeShellExecution" {
        if event != "beforeMCPExecution" {
            calls.push(("a file-tool write", Call::WriteFile(&target_text)));
        }
        calls.push(("an MCP write", Call::McpWrite(&target_text)));
    }
    for (what, call) in calls {
        let verdict = runner.ask(event, &scratch.project, session, call, scratch);
        judge_deny(report, runner, what, verdict);
    }
}

fn prove_loop_guard(
    report: &mut HostReport,
    runner: &Runner<'_>,
    scratch: &Scratch,
    session: &str,
) {
    let event = &runner.wired.reg.event;
    let call = Call::Shell("ls -la");
    let session = format!("{session}-loop");
    // The scratch project allows one identical call in a row: the second is over the cap.
    let first = runner.ask(event, &scratch.project, &session, call, scratch);
    if !matches!(first, Ok(Reading::Allow)) {
        report.add(
            Level::Fail,
            format!("loop-cap-guard on {event}: the first call was not allowed ({first:?})"),
        );
        return;
    }
    let second = runner.ask(event, &scratch.project, &session, call, scratch);
    judge_deny(report, runner, "a call repeated past its cap", second);
}

fn judge_deny(
    report: &mut HostReport,
    runner: &Runner<'_>,
    what: &str,
    verdict: Result<Reading, String>,
) {
    let name = runner.wired.reg.hook.name();
    let event = &runner.wired.reg.event;
    let host = runner.layout.host.name();
    match verdict {
        Ok(Reading::Deny(reason) | Reading::Stop(reason)) => report.add(
            Level::Ok,
            format!(
                "{name} on {event}: {host} reads a deny for {what} — \"{}\"",
                first_sentence(&reason)
            ),
        ),
        Ok(Reading::Allow) => report.add(
            Level::Fail,
            format!("{name} on {event}: {what} is ALLOWED; the guard does not protect this host"),
        ),
        Ok(Reading::Broken(why)) => report.add(
            Level::Fail,
            format!("{name} on {event}: {what} — {why}; the host lets the call through"),
        ),
        Err(problem) => report.add(Level::Fail, format!("{name} on {event}: {problem}")),
    }
}

fn first_sentence(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    let cut = line.find(". ").map_or(line.len(), |i| i + 1);
    let mut s: String = line[..cut].chars().take(200).collect();
    if s.len() < line[..cut].len() {
        s.push('…');
    }
    s
}

/// The user policy and the project's own configuration: do they load, what do they
/// protect; and a protected path to probe the registered guards with (one of the
/// project's own entries when it has any).
fn project_config(req: &Request) -> (Vec<Finding>, Option<PathBuf>) {
    let (mut findings, user_loads) = user_policy();
    let config = if user_loads {
        Config::discover(&req.project)
    } else {
        // Said above; the project's own files are still worth checking.
        Config::load_with(&find_root(&req.project), None)
    };
    let config = match config {
        Ok(c) => c,
        Err(e) => {
            findings.push(Finding {
                level: Level::Fail,
                text: format!(
                    "the project's configuration does not load ({e}): the guards deny every call until it is fixed (`wazir-hooks validate`)"
                ),
            });
            return (findings, None);
        }
    };
    let home = Some(req.home.dir.as_path());
    let own = |s: &Source| matches!(s, Source::Manifest | Source::Project);
    let own_entries: Vec<&String> = (config.entry_sources.iter())
        .filter(|(_, s)| own(s))
        .map(|(e, _)| e)
        .collect();
    let other: Vec<&String> = (config.entry_sources.iter())
        .filter(|(_, s)| !own(s))
        .map(|(e, _)| e)
        .collect();
    let target = own_entries
        .iter()
        .chain(other.iter())
        .find_map(|entry| probe_target(&config.root, entry, home));
    let elsewhere = if other.is_empty() {
        String::new()
    } else {
        format!(
            "; {} more from the user policy or the built-in credentials (`wazir-hooks policy` lists them)",
            other.len()
        )
    };
    let (level, text) = match (&target, own_entries.is_empty()) {
        (None, _) => (
            Level::Note,
            format!(
                "{} protects no paths: the guard allows every write there; add protected_paths to wazir.hooks.yaml",
                config.root.display()
            ),
        ),
        (Some(_), true) => (
            Level::Note,
            format!(
                "{} protects no paths of its own (add protected_paths to wazir.hooks.yaml){elsewhere}",
                config.root.display()
            ),
        ),
        (Some(_), false) => (
            Level::Ok,
            format!(
                "protected paths: {}{elsewhere}",
                own_entries
                    .iter()
                    .map(|e| e.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
    };
    findings.push(Finding { level, text });
    (findings, target)
}

/// What doctor says about the user policy, and whether it loads (a missing one does).
fn user_policy() -> (Vec<Finding>, bool) {
    let finding = |level, text: String| vec![Finding { level, text }];
    let invalid = |e: &dyn std::fmt::Display| {
        finding(
            Level::Fail,
            format!(
                "the user policy does not load ({e}): the guards deny every call in every project until it is fixed (`wazir-hooks validate`)"
            ),
        )
    };
    match read_user_policy() {
        Err(e) => (invalid(&e), false),
        Ok(Some((path, text))) => match parse_policy(&path, &text, true) {
            Err(e) => (invalid(&e), false),
            Ok(policy) => {
                let credentials = match &policy.credentials {
                    None => "the built-in credentials are protected".to_owned(),
                    Some(list) if list.is_empty() => {
                        "it protects no credentials (`credentials: []`)".to_owned()
                    }
                    Some(list) => format!("its credentials are protected: {}", list.join(", ")),
                };
                (
                    finding(
                        Level::Ok,
                        format!("user policy {}: {credentials}", path.display()),
                    ),
                    true,
                )
            }
        },
        Ok(None) => {
            let place = user_policy_path().map_or_else(
                || "(neither XDG_CONFIG_HOME nor HOME is set)".to_owned(),
                |p| format!("at {}", p.display()),
            );
            (
                finding(
                    Level::Ok,
                    format!(
                        "no user policy {place}: the built-in credentials are protected ({})",
                        BUILTIN_CREDENTIALS.join(", ")
                    ),
                ),
                true,
            )
        }
    }
}

/// Proves the first registered file-tool guard denies a write to the project's own
/// protected path.
fn check_project(
    report: &mut HostReport,
    req: &Request,
    layout: &Layout,
    wired: &[Wired],
    scratch: &Scratch,
    target: &Path,
) {
    let target_text = target.to_string_lossy().into_owned();
    let guard = wired.iter().find(|w| {
        w.reg.hook == Hook::ProtectedPathWriteGuard && w.reg.event != "beforeShellExecution"
    });
    if let Some(w) = guard {
        let runner = Runner {
            layout,
            wired: w,
            req,
        };
        let session = format!("wazir-doctor-{}-project", layout.host.name());
        let call = Call::WriteFile(&target_text);
        let verdict = runner.ask(&w.reg.event, &req.project, &session, call, scratch);
        let what = format!("a write to {}", target.display());
        judge_deny(report, &runner, &what, verdict);
    }
}

/// A path a protected entry covers, to probe with: the entry itself for a plain path, a
/// made-up match for a simple glob.
fn probe_target(root: &Path, entry: &str, home: Option<&Path>) -> Option<PathBuf> {
    let plain = entry.replace("**/", "").replace('*', "wazir-doctor");
    if plain.contains(['?', '[', '{']) {
        return None;
    }
    Some(crate::policy::paths::join(root, &plain, home))
}

/// Whether the program of a handler exists and can run.
fn program_exists(entry: &Map<String, Value>) -> Result<(), String> {
    let Some(program) = settings::program(entry) else {
        return Err("has no command".into());
    };
    if program.contains("${") {
        return Ok(()); // a plugin path the host fills in
    }
    let path = Path::new(&program);
    let found = if path.is_absolute() {
        path.is_file().then(|| path.to_path_buf())
    } else {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(&program))
                .find(|p| p.is_file())
        })
    };
    match found {
        None => Err(format!(
            "{program} does not exist: the host gets exit 127 and lets every call through; reinstall the binaries (install/install.sh) or run `wazir-hooks install` again"
        )),
        Some(p) => {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p)
                .map(|m| m.permissions().mode())
                .unwrap_or(0);
            if mode & 0o111 == 0 {
                Err(format!("{} is not executable: chmod +x it", p.display()))
            } else {
                Ok(())
            }
        }
    }
}

/// Runs one registered handler the way its host does.
struct Runner<'a> {
    layout: &'a Layout,
    wired: &'a Wired,
    req: &'a Request,
}

impl Runner<'_> {
    fn ask(
        &self,
        event: &str,
        cwd: &Path,
        session: &str,
        call: Call<'_>,
        scratch: &Scratch,
    ) -> Result<Reading, String> {
        let host = self.layout.host;
        let payload = probe::payload(host, event, &Probe { session, cwd, call });
        let entry = &self.wired.reg.entry;
        let command = entry
            .get("command")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let mut cmd = match (
            self.layout.launch,
            entry.get("args").and_then(Value::as_array),
        ) {
            (Launch::Exec, Some(args)) => {
                let mut c = Command::new(command);
                c.args(args.iter().filter_map(Value::as_str));
                c
            }
            (Launch::Bash, _) => {
                let bash = Path::new("/bin/bash");
                let mut c = Command::new(if bash.exists() {
                    bash
                } else {
                    Path::new("/bin/sh")
                });
                c.arg("-c").arg(command);
                c
            }
            _ => {
                let mut c = Command::new("/bin/sh");
                c.arg("-c").arg(command);
                c
            }
        };
        let dir = match (host, self.wired.scope) {
            (Host::Cursor, Scope::User) => self.req.home.dir.join(".cursor"),
            _ => cwd.to_path_buf(),
        };
        cmd.current_dir(if dir.is_dir() { dir } else { cwd.to_path_buf() });
        let cwd_text = cwd.to_string_lossy().into_owned();
        match host {
            Host::Claude => {
                cmd.env("CLAUDE_PROJECT_DIR", &cwd_text);
            }
            Host::Cursor => {
                cmd.env("CURSOR_PROJECT_DIR", &cwd_text);
            }
            Host::Gemini => {
                cmd.env("GEMINI_PROJECT_DIR", &cwd_text)
                    .env("GEMINI_CWD", &cwd_text)
                    .env("GEMINI_SESSION_ID", session)
                    .env("CLAUDE_PROJECT_DIR", &cwd_text);
            }
            Host::Codex | Host::Wazir => {}
        }
        // Probes record nothing in the user's runs, and no approved flow lets them through.
        cmd.env("WAZIR_STATE_ROOT", &scratch.state)
            .env_remove("WAZIR_APPROVED_FLOW");
        let timeout = handler_timeout(host, entry);
        let ran = run_with_timeout(cmd, payload.to_string().as_bytes(), timeout)?;
        Ok(probe::read(host, event, ran.0, &ran.1, &ran.2))
    }
}

/// The host's timeout for a handler (Gemini counts milliseconds, the others seconds),
/// bounded so doctor itself never hangs for long.
fn handler_timeout(host: Host, entry: &Map<String, Value>) -> Duration {
    let raw = entry.get("timeout").and_then(Value::as_f64);
    let secs = match (host, raw) {
        (Host::Gemini, Some(ms)) => ms / 1000.0,
        (_, Some(s)) => s,
        (Host::Gemini, None) => 60.0,
        _ => 600.0,
    };
    Duration::from_secs_f64(secs.clamp(0.001, 30.0))
}

type Ran = (i32, String, String);

fn run_with_timeout(mut cmd: Command, input: &[u8], timeout: Duration) -> Result<Ran, String> {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| format!("cannot start: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input);
    }
    let collect = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_string(&mut text);
            }
            text
        })
    };
    let out = collect(child.stdout.take().map(|p| Box::new(p) as _));
    let err = collect(child.stderr.take().map(|p| Box::new(p) as _));
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "no answer within its {:.0} s timeout: the host would let the call through",
                    timeout.as_secs_f64()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(e) => return Err(format!("cannot wait for it: {e}")),
        }
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    match status.code() {
        Some(code) => Ok((code, stdout, stderr)),
        None => Err(format!(
            "killed by a signal ({status}): the host would let the call through"
        )),
    }
}

/// The folder the scratch project lives in.
const PROBE_DIR: &str = "protected";

/// A throwaway project (protecting `protected/`, allowing one identical call in a row)
/// and state root, removed when doctor ends.
struct Scratch {
    dir: PathBuf,
    project: PathBuf,
    state: PathBuf,
}

impl Scratch {
    fn new() -> std::io::Result<Scratch> {
        let dir = std::env::temp_dir().join(format!("wazir-doctor-{}", std::process::id()));
        let project = dir.join("project");
        let state = dir.join("state");
        std::fs::create_dir_all(project.join(PROBE_DIR))?;
        std::fs::create_dir_all(&state)?;
        std::fs::write(
            project.join(crate::policy::config::HOOKS_FILE),
            format!("protected_paths:\n  - {PROBE_DIR}\nloop_caps:\n  max_identical_calls: 1\n"),
        )?;
        let project = project.canonicalize()?;
        let state = state.canonicalize()?;
        Ok(Scratch {
            dir,
            project,
            state,
        })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
