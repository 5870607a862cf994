//! The heavy cases' generated inputs: a ~1 MiB `cargo test` output for post-tool-capture,
//! and a run of 100,000 events for pre-compact-summary and stop-handoff-harvest.
//!
//! The run is written the way the hooks write one. Each event has the field set and order
//! its hook gives it (`Session::event_fields` then the hook's own fields; SPEC §6), checked
//! against lines the real binaries wrote, and is serialized with serde_json exactly as
//! `LockedRun::append` does (compact, one line, `\n`). `status.json` is saved through the
//! crate's own `LockedRun::save`.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Write as _};
use std::path::Path;

use serde_json::{Map, Value, json};
use wazir_hooks::state::{Status, Store};

/// The post-tool-capture payload's output stops growing before it passes this size.
pub(crate) const CAPTURE_OUTPUT_BYTES: usize = 1024 * 1024;

/// `cargo test --workspace` output of at most `max_bytes`: crates compiling, then test
/// binaries with their `test … ok` lines and summaries, ending on a whole line.
pub(crate) fn cargo_test_output(max_bytes: usize) -> String {
    const MODULES: [&str; 12] = [
        "hooks::protected_path_write_guard",
        "policy::shell::walk",
        "policy::shell::expand",
        "policy::paths",
        "policy::config",
        "state::report",
        "state::run",
        "hosts::claude",
        "hosts::codex",
        "hosts::gemini",
        "install::settings",
        "cli::views",
    ];
    const VERBS: [&str; 8] = [
        "denies_redirect_into",
        "allows_write_outside",
        "follows_cd_before",
        "keeps_unknown_keys_in",
        "reads_torn_line_after",
        "renders_deny_for",
        "expands_braces_in",
        "resolves_symlink_to",
    ];
    const OBJECTS: [&str; 6] = [
        "roles_dir",
        "dotenv_glob",
        "nested_subshell",
        "settings_json",
        "event_log",
        "heredoc_body",
    ];
    let mut out = String::with_capacity(max_bytes);
    let push = |out: &mut String, line: &str| {
        if out.len() + line.len() + 1 > max_bytes {
            return false;
        }
        out.push_str(line);
        out.push('\n');
        true
    };
    for krate in [
        "serde_core v1.0.228",
        "memchr v2.7.6",
        "regex-automata v0.4.13",
        "globset v0.4.18",
        "brush-parser v0.4.0",
        "serde_json v1.0.145",
        "clap v4.5.53",
        "wazir-hooks v0.1.0 (/home/dev/wazir-hooks)",
    ] {
        push(&mut out, &format!("   Compiling {krate}"));
    }
    push(
        &mut out,
        "    Finished `test` profile [unoptimized + debuginfo] target(s) in 41.27s",
    );
    let mut line = String::new();
    for binary in 0usize.. {
        let tests = 480;
        let header = [
            format!(
                "     Running unittests src/lib.rs (target/debug/deps/wazir_hooks-{:016x})",
                binary.wrapping_mul(0x9e37_79b9_7f4a_7c15)
            ),
            String::new(),
            format!("running {tests} tests"),
        ];
        for h in &header {
            if !push(&mut out, h) {
                return out;
            }
        }
        for t in 0..tests {
            let n = binary * tests + t;
            line.clear();
            let _ = write!(
                line,
                "test {}::tests::{}_{}_{n} ... ok",
                MODULES[n % MODULES.len()],
                VERBS[n / 3 % VERBS.len()],
                OBJECTS[n / 7 % OBJECTS.len()]
            );
            if !push(&mut out, &line) {
                return out;
            }
        }
        let footer = [
            String::new(),
            format!(
                "test result: ok. {tests} passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; \
                 finished in {}.{:02}s",
                1 + binary % 4,
                binary * 37 % 100
            ),
            String::new(),
        ];
        for f in &footer {
            if !push(&mut out, f) {
                return out;
            }
        }
    }
    out
}

/// What the generated run holds.
pub(crate) struct History {
    pub(crate) events: u64,
    pub(crate) tool_calls: u64,
    pub(crate) captures: u64,
    pub(crate) bytes: u64,
}

/// Writes run `run_id` under the state root `state_root` with exactly `events` events of an
/// agent session in `project`: turns of tool calls (shell commands, some noisy and routed
/// to capture files, some failing; reads; edits over 400 files), the guard's denials, a few
/// loop caps, compactions with the session restarting after them, and a stop at each turn's
/// end. Deterministic: the same arguments give the same bytes, apart from paths.
pub(crate) fn write_run(
    state_root: &Path,
    project: &Path,
    run_id: &str,
    events: u64,
) -> io::Result<History> {
    let store = Store::new(state_root.to_owned());
    let run = store.run(run_id);
    let locked = run.lock()?;
    let captures_dir = run.captures_dir();
    let mut w = Writer {
        out: BufWriter::with_capacity(1 << 20, File::create(run.events_path())?),
        run_id: &run.id,
        written: 0,
        limit: events,
        status: Status::default(),
    };
    let project_root = project.to_string_lossy().into_owned();
    let capture_path = |id: &str| captures_dir.join(format!("{id}.log"));

    w.event("session_start", |f| {
        f.insert("source".into(), json!("startup"));
        f.insert("project_root".into(), json!(project_root));
    })?;
    let mut call = 0u64;
    while w.written < w.limit {
        call += 1;
        let id = format!("toolu_01{:016x}", call.wrapping_mul(0x2545_f491_4f6c_dd1d));
        let failed = call % 23 == 7;
        match call % 20 {
            // Noisy shell commands: routed to a capture file first, then captured.
            0 | 5 | 10 | 15 => {
                let command = NOISY[(call / 20) as usize % NOISY.len()];
                let path = capture_path(&id);
                w.event("pre_tool_capture_route", |f| {
                    f.insert("tool_use_id".into(), json!(id));
                    f.insert("command".into(), json!(command));
                    f.insert("capture_path".into(), json!(path));
                })?;
                let bytes = 20_000 + call * 7919 % 400_000;
                w.post_tool(
                    &id,
                    "Bash",
                    Subject::Command(command),
                    failed,
                    bytes,
                    Some(&path),
                )?;
            }
            // Reads: large files go to a capture file (over the 4 KiB inline maximum).
            1 | 2 | 6 | 11 | 16 => {
                let bytes = 300 + call * 104_729 % 40_000;
                let path = (bytes > 4096).then(|| capture_path(&id));
                w.post_tool(
                    &id,
                    "Read",
                    Subject::Target("Read"),
                    false,
                    bytes,
                    path.as_deref(),
                )?;
            }
            // Edits and writes over 400 project files.
            3 | 7 | 12 | 17 => {
                let tool = if call % 40 == 3 { "Write" } else { "Edit" };
                let file = format!(
                    "{project_root}/src/{}/{}_{}.rs",
                    MODULE_DIRS[(call / 7) as usize % MODULE_DIRS.len()],
                    FILE_STEMS[(call / 3) as usize % FILE_STEMS.len()],
                    call % 10
                );
                w.post_tool(&id, tool, Subject::Target(&file), false, 96, None)?;
            }
            // Quick shell commands, captured inline.
            4 | 8 | 13 | 18 => {
                let command = QUICK[(call / 4) as usize % QUICK.len()];
                let bytes = 40 + call * 31 % 3000;
                w.post_tool(&id, "Bash", Subject::Command(command), failed, bytes, None)?;
            }
            _ => w.post_tool(&id, "Grep", Subject::Target("Grep"), false, 1200, None)?,
        }
        if call % 700 == 350 {
            w.status.counters.denials += 1;
            w.event("guard_denied", |f| {
                f.insert("hook".into(), json!("protected-path-write-guard"));
                f.insert("tool".into(), json!("Bash"));
                f.insert("reason".into(), json!(DENY_REASON));
                f.insert("target".into(), json!("roles/executor.md"));
            })?;
        }
        if call % 9000 == 4500 {
            w.status.counters.denials += 1;
            w.event("loop_cap_reached", |f| {
                f.insert("cap".into(), json!("max_repeated_failures"));
                f.insert("count".into(), json!(3));
                f.insert("limit".into(), json!(3));
                f.insert(
                    "evidence".into(),
                    json!("`cargo test --workspace` failed 3 times in a row"),
                );
                f.insert("tool".into(), json!("Bash"));
            })?;
        }
        if call.is_multiple_of(14) {
            w.status.counters.stops += 1;
            w.event("session_stop", |f| {
                f.insert("reason".into(), json!("turn end"));
                f.insert("stop_hook_active".into(), json!(false));
                f.insert(
                    "last_assistant_message".into(),
                    json!(format!("{} (turn {})", LAST_MESSAGE, call / 14)),
                );
            })?;
        }
        if call.is_multiple_of(12_000) {
            w.status.counters.compactions += 1;
            let summary = run.summary_path();
            w.event("pre_compact_summary", |f| {
                f.insert("trigger".into(), json!("auto"));
                f.insert("summary_path".into(), json!(summary));
            })?;
            w.event("session_start", |f| {
                f.insert("source".into(), json!("compact"));
                f.insert("project_root".into(), json!(project_root));
            })?;
        }
    }
    w.out.flush()?;

    let mut status = w.status;
    status.run_id.clone_from(&run.id);
    status.project_root = project_root;
    status.status = "active".into();
    status.created_at = timestamp(0);
    status.updated_at = timestamp(events.saturating_sub(1));
    status.last_event = Some("post_tool_capture".into());
    status
        .artifacts
        .insert("events_path".into(), json!(run.events_path()));
    status
        .artifacts
        .insert("captures_dir".into(), json!(captures_dir));
    locked.save(&status)?;
    Ok(History {
        events: w.written,
        tool_calls: status.counters.tool_calls,
        captures: status.counters.captures,
        bytes: std::fs::metadata(run.events_path())?.len(),
    })
}

/// Commands the default `capture.noisy_commands` route to a capture file.
const NOISY: [&str; 6] = [
    "cargo test --workspace 2>&1 | tail -40",
    "cargo build --release --locked",
    "cargo clippy --all-targets -- -D warnings",
    "npm test -- --reporter=dot",
    "cargo nextest run --workspace",
    "make check",
];

const QUICK: [&str; 8] = [
    "git status --short",
    "git diff --stat",
    "rg -n 'fn check' src/policy",
    "ls -la src/hooks",
    "cat Cargo.toml",
    "git log --oneline -n 10",
    "wc -l src/**/*.rs",
    "grep -rn TODO src | head -20",
];

const MODULE_DIRS: [&str; 8] = [
    "hooks", "policy", "state", "hosts", "install", "cli", "shell", "bench",
];

const FILE_STEMS: [&str; 5] = ["mod", "walk", "report", "config", "render"];

const LAST_MESSAGE: &str = "I refactored the matcher so globs compile once per call and \
    added tests for the symlinked roles directory; `cargo test --workspace` passes. Next I \
    would look at the summary's size on long runs.";

const DENY_REASON: &str = "Blocked by protected-path-write-guard: redirection `>` would write \
    `roles/executor.md`, which is protected by the entry `roles` in wazir.hooks.yaml. \
    Protected paths may only be changed by the operator or by an approved flow, so do not try \
    to make this change another way (another tool, a shell command, a copy or a script). \
    Leave the file as it is and tell the operator what change you need; they can make it, or \
    run the approved flow that regenerates it (WAZIR_APPROVED_FLOW=host_export_regeneration \
    or pipeline_integration).";

/// A `post_tool_capture` event's subject: a shell command, or a file tool's target.
enum Subject<'a> {
    Command(&'a str),
    Target(&'a str),
}

struct Writer<'a> {
    out: BufWriter<File>,
    run_id: &'a str,
    written: u64,
    limit: u64,
    /// Counters kept as the hooks would have kept them.
    status: Status,
}

impl Writer<'_> {
    /// Writes one event (the common fields, then `fill`'s), unless the run is full.
    fn event(&mut self, name: &str, fill: impl FnOnce(&mut Map<String, Value>)) -> io::Result<()> {
        if self.written == self.limit {
            return Ok(());
        }
        let mut fields = Map::new();
        fields.insert("event".into(), json!(name));
        fields.insert("created_at".into(), json!(timestamp(self.written)));
        fields.insert("run_id".into(), json!(self.run_id));
        fields.insert("host".into(), json!("claude"));
        fill(&mut fields);
        serde_json::to_writer(&mut self.out, &Value::Object(fields)).map_err(io::Error::other)?;
        self.out.write_all(b"\n")?;
        self.written += 1;
        self.status.counters.events += 1;
        Ok(())
    }

    /// One `post_tool_capture` as Claude Code's PostToolUse (or PostToolUseFailure) gives it.
    fn post_tool(
        &mut self,
        id: &str,
        tool: &str,
        subject: Subject<'_>,
        failed: bool,
        bytes: u64,
        capture: Option<&Path>,
    ) -> io::Result<()> {
        if self.written == self.limit {
            return Ok(());
        }
        let c = &mut self.status.counters;
        c.tool_calls += 1;
        if failed {
            c.failures += 1;
        }
        if capture.is_some() {
            c.captures += 1;
            c.bytes_captured += bytes;
        }
        self.event("post_tool_capture", |f| {
            f.insert("tool".into(), json!(tool));
            f.insert("tool_use_id".into(), json!(id));
            let kind = match subject {
                Subject::Command(command) => {
                    f.insert("command".into(), json!(command));
                    "shell"
                }
                Subject::Target(target) => {
                    f.insert("target".into(), json!(target));
                    if tool == "Read" || tool == "Grep" {
                        "read"
                    } else {
                        "write"
                    }
                }
            };
            f.insert("kind".into(), json!(kind));
            f.insert("exit_code".into(), json!(if failed { 101 } else { 0 }));
            f.insert("success".into(), json!(!failed));
            f.insert("duration_ms".into(), json!(bytes / 40 + 3));
            f.insert("output_bytes".into(), json!(bytes));
            if let Some(path) = capture {
                f.insert("capture_path".into(), json!(path));
            }
            if failed {
                f.insert(
                    "error_tail".into(),
                    json!(
                        "Exit code 101\nerror[E0308]: mismatched types\n  --> src/policy/paths.rs:212:9\n\
                         error: could not compile `wazir-hooks` (lib) due to 1 previous error"
                    ),
                );
            }
        })
    }
}

/// The `n`th event's `created_at`: 260 ms apart from 08:00 UTC, in the hooks' format.
fn timestamp(n: u64) -> String {
    let ms = 8 * 3_600_000 + n * 260;
    format!(
        "2026-11-28T{:02}:{:02}:{:02}.{:03}Z",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}
