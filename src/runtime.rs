//! The fixed sequence every hook process runs (STYLE.md "A thin main"): install the panic
//! hook and the watchdog, read stdin within its size and time bounds, hand the bytes to
//! the hook, answer once. Whatever goes wrong, a guard still answers deny in the host's
//! own channel: a crash or a host timeout would let the call through on most hosts.

use std::io::Read;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::event::{EventKind, Host};
use crate::hooks::{Hook, Invocation};
use crate::output;

/// Default stdin limit (SPEC §3).
pub(crate) const STDIN_LIMIT: usize = 8 * 1024 * 1024;
/// Default time budget for the whole process, well inside every host's hook timeout.
const DEADLINE_MS: u64 = 5_000;
/// Default bound on the process's resident memory. A hook uses a few MiB; brush-parser's
/// tokenizer has loops that allocate gigabytes a second (fuzzing found several, refused
/// in `policy::shell::prescan` since), and a hook the kernel kills for its memory, or
/// that aborts on a failed allocation, lets the call through.
const MEMORY_LIMIT_MIB: u64 = 512;
/// How often the watchdog checks the clock and the memory. A typical hook has answered
/// before the first check.
const WATCH_EVERY: Duration = Duration::from_millis(10);

/// What a failure answer needs to know, updated as the process learns it.
#[derive(Clone, Debug)]
pub(crate) struct Context {
    pub host: Option<Host>,
    pub kind: EventKind,
}

static CONTEXT: Mutex<Option<Context>> = Mutex::new(None);

/// Records what the process has learned so far (the host, the event kind), so that a
/// panic or the watchdog answers in the right channel.
pub(crate) fn learn(host: Host, kind: &EventKind) {
    if let Ok(mut ctx) = CONTEXT.lock()
        && let Some(ctx) = ctx.as_mut()
    {
        ctx.host = Some(host);
        ctx.kind = kind.clone();
    }
}

fn snapshot() -> Context {
    CONTEXT
        .lock()
        .ok()
        .and_then(|c| c.clone())
        .unwrap_or(Context {
            host: None,
            kind: EventKind::PreTool,
        })
}

/// The process's resident memory in KiB (`VmRSS` of `/proc/self/status`); `None` where
/// there is no such file (not Linux), which leaves only the deadline.
fn resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

pub(crate) fn run(hook: Hook) -> ExitCode {
    if let Ok(mut ctx) = CONTEXT.lock() {
        *ctx = Some(Context {
            host: None,
            kind: EventKind::PreTool,
        });
    }
    std::panic::set_hook(Box::new(move |info| {
        if catching() {
            // `catch_panic` below turns it into an error; under `panic = "abort"` it
            // cannot, and this hook must answer.
            return;
        }
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let ctx = snapshot();
        output::answer_and_exit(&hook.failure(&ctx, &format!("internal error{at}: {message}")));
    }));

    let setting = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let deadline = setting("WAZIR_HOOK_DEADLINE_MS", DEADLINE_MS);
    let memory_limit = setting("WAZIR_HOOK_MEMORY_MIB", MEMORY_LIMIT_MIB);
    let started = Instant::now();
    std::thread::spawn(move || {
        let problem = loop {
            std::thread::sleep(WATCH_EVERY.min(Duration::from_millis(deadline)));
            if started.elapsed() >= Duration::from_millis(deadline) {
                break format!(
                    "no answer within {deadline} ms (stdin never closed, or the evaluation took too long)"
                );
            }
            if let Some(kib) = resident_kib()
                && kib > memory_limit * 1024
            {
                break format!(
                    "the evaluation used more than {memory_limit} MiB of memory ({} MiB resident)",
                    kib / 1024
                );
            }
        };
        output::answer_and_exit(&hook.failure(&snapshot(), &problem));
    });

    let args: Vec<String> = std::env::args().skip(1).collect();
    let answer = match parse_host_arg(&args) {
        Ok(host) => {
            if let Some(host) = host {
                learn(host, &EventKind::PreTool);
            }
            let stdin = read_stdin(STDIN_LIMIT);
            hook.run(Invocation { host, stdin })
        }
        Err(message) => hook.failure(&snapshot(), &message),
    };
    if output::answer_once(&answer) {
        ExitCode::from(answer.exit)
    } else {
        // The watchdog answered first and is exiting the process.
        loop {
            std::thread::park();
        }
    }
}

/// Reads `--host <name>` / `--host=<name>`; every hook takes it and nothing else. The
/// host is learned before any other argument is refused, so the refusal is answered in
/// that host's channel.
fn parse_host_arg(args: &[String]) -> Result<Option<Host>, String> {
    let mut host = None;
    let mut problem = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let value = if arg == "--host" {
            match it.next() {
                Some(v) => v.as_str(),
                None => {
                    problem.get_or_insert_with(|| "--host needs a value".to_owned());
                    continue;
                }
            }
        } else if let Some(v) = arg.strip_prefix("--host=") {
            v
        } else {
            problem.get_or_insert_with(|| {
                format!("unknown argument `{arg}` (only --host is accepted)")
            });
            continue;
        };
        match Host::from_name(value) {
            Some(h) => host = Some(h),
            None => {
                problem.get_or_insert_with(|| {
                    format!(
                        "unknown host `{value}` (expected claude, cursor, gemini, codex or wazir)"
                    )
                });
            }
        }
    }
    if let Some(h) = host {
        learn(h, &EventKind::PreTool);
    }
    problem.map_or(Ok(host), Err)
}

thread_local! {
    static CATCHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, turning a panic inside it into `None` instead of the panic hook's failure
/// answer: for third-party code (the bash parser) whose panic only means that it could
/// not read its input. Under `panic = "abort"` the hook still answers.
pub(crate) fn catch_panic<R>(f: impl FnOnce() -> R) -> Option<R> {
    let before = CATCHING.with(|c| c.replace(cfg!(panic = "unwind")));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok();
    CATCHING.with(|c| c.set(before));
    result
}

/// Whether a panic on this thread is being caught by [`catch_panic`].
pub(crate) fn catching() -> bool {
    CATCHING.with(std::cell::Cell::get)
}

/// All of stdin, or the reason it cannot be had. Endless stdin is the watchdog's job.
fn read_stdin(limit: usize) -> Result<Vec<u8>, crate::error::InputError> {
    use crate::error::InputError;
    let mut buf = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| InputError::Io(e.to_string()))?;
    if buf.len() > limit {
        return Err(InputError::TooLarge(limit));
    }
    Ok(buf)
}

/// Decodes stdin bytes into a JSON value: strips a UTF-8 BOM (Cursor sends one) and
/// refuses empty input, NUL bytes and anything that is not one JSON document.
pub(crate) fn decode(bytes: &[u8]) -> Result<serde_json::Value, crate::error::InputError> {
    use crate::error::InputError;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.contains(&0) {
        return Err(InputError::Nul);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| InputError::NotUtf8)?;
    if text.trim().is_empty() {
        return Err(InputError::Empty);
    }
    serde_json::from_str(text).map_err(|e| InputError::Json(e.to_string()))
}

/// The host to answer a failure in when neither `--host` nor the payload said: the
/// hosts' own environment variables, else the canonical protocol.
pub(crate) fn host_from_env() -> Host {
    let set = |k: &str| std::env::var_os(k).is_some();
    if set("CURSOR_VERSION") || set("CURSOR_PROJECT_DIR") {
        Host::Cursor
    } else if set("GEMINI_PROJECT_DIR") || set("GEMINI_SESSION_ID") {
        Host::Gemini
    } else if set("CODEX_HOME") || set("CODEX_THREAD_ID") {
        Host::Codex
    } else if set("CLAUDE_PROJECT_DIR") || set("CLAUDECODE") {
        Host::Claude
    } else {
        Host::Wazir
    }
}
