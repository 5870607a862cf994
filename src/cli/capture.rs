//! `capture init|event|route|output|summary`: the original tool's wrapper commands, with
//! its options, event names and outputs. Every change goes through the run's lock
//! (`Run::lock`), and stdin is read before the lock is taken, so a slow writer never
//! holds up the hooks.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::context::{Ctx, locked_status, normalize};
use super::error::CliError;
use super::{Report, lock, record};
use crate::state::{LockedRun, Status, now_rfc3339};

/// The events `capture summary` may log (the original's two summary writers).
pub(crate) const SUMMARY_EVENTS: [&str; 2] = ["pre_compact_summary", "stop_handoff_harvest"];

pub(crate) struct InitArgs {
    pub phase: String,
    pub status: String,
}

pub(crate) struct EventArgs {
    pub event: String,
    pub phase: Option<String>,
    pub status: Option<String>,
    pub loop_count: Option<u64>,
    pub message: Option<String>,
}

pub(crate) struct RouteArgs {
    pub name: String,
    pub suffix: Option<String>,
}

pub(crate) struct OutputArgs {
    pub command: String,
    pub exit_code: i64,
    pub capture_path: Option<PathBuf>,
    pub name: Option<String>,
    pub suffix: Option<String>,
}

fn path_text(path: &Path) -> String {
    path.display().to_string()
}

/// `{"event", "created_at", "run_id", "phase", "status", ...}`, as the original wrote them.
fn base_event(name: &str, created_at: &str, run_id: &str, status: &Status) -> Map<String, Value> {
    let mut event = Map::new();
    event.insert("event".into(), json!(name));
    event.insert("created_at".into(), json!(created_at));
    event.insert("run_id".into(), json!(run_id));
    if let Some(phase) = &status.phase {
        event.insert("phase".into(), json!(phase));
    }
    event.insert("status".into(), json!(status.status));
    event
}

fn touch(status: &mut Status, event: &str, at: &str) {
    status.updated_at = at.to_owned();
    status.last_event = Some(event.to_owned());
}

fn read_stdin() -> Result<String, CliError> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .map_err(CliError::Stdin)?;
    // As the original (Node's `readFileSync(0, 'utf8')`): text, invalid bytes replaced.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

pub(crate) fn init(ctx: &Ctx, args: &InitArgs) -> Result<Report, CliError> {
    let Some(id) = &ctx.common.run else {
        return Err(CliError::Usage(
            "capture init needs --run <id> (usage: wazir-hooks capture init --run <id> --phase <phase> --status <status> [--state-root <path>] [--json])".into(),
        ));
    };
    let store = ctx.store()?;
    let run = store.run(id);
    let existed = run.exists();
    let locked = lock(&run)?;
    let now = now_rfc3339();
    // A run that already exists (a session-start hook may have made it) keeps what it has
    // counted; the original rewrote it from scratch, which would erase the hooks' state.
    let mut status = if existed {
        locked_status(&locked)?
    } else {
        Status {
            created_at: now.clone(),
            ..Status::default()
        }
    };
    status.run_id.clone_from(&run.id);
    status.project_root = path_text(&ctx.project_root());
    status.phase = Some(args.phase.clone());
    status.status.clone_from(&args.status);
    if status.created_at.is_empty() {
        status.created_at.clone_from(&now);
    }
    touch(&mut status, "session_start", &now);
    status
        .artifacts
        .insert("events_path".into(), json!(path_text(&run.events_path())));
    status
        .artifacts
        .entry("summary_path")
        .or_insert(Value::Null);
    status
        .artifacts
        .insert("captures_dir".into(), json!(path_text(&run.captures_dir())));

    let mut event = Map::new();
    event.insert("event".into(), json!("session_start"));
    event.insert("created_at".into(), json!(now));
    event.insert("run_id".into(), json!(run.id));
    event.insert("project_root".into(), json!(status.project_root));
    event.insert("phase".into(), json!(args.phase));
    event.insert("status".into(), json!(args.status));
    record(&locked, &mut status, event)?;
    drop(locked);
    store
        .set_latest(&run.id)
        .map_err(|e| CliError::io("cannot write", store.runs_dir().join("latest"), e))?;

    #[derive(Serialize)]
    struct Out {
        run_id: String,
        phase: String,
        status: String,
        state_root: String,
        run_root: String,
        status_path: String,
        events_path: String,
        captures_dir: String,
    }
    let out = Out {
        run_id: run.id.clone(),
        phase: args.phase.clone(),
        status: args.status.clone(),
        state_root: path_text(&store.root),
        run_root: path_text(&run.dir),
        status_path: path_text(&run.status_path()),
        events_path: path_text(&run.events_path()),
        captures_dir: path_text(&run.captures_dir()),
    };
    Ok(Report::result(
        ctx,
        &out,
        format!("{} {}\n", out.run_id, out.status),
    ))
}

pub(crate) fn event(ctx: &Ctx, args: &EventArgs) -> Result<Report, CliError> {
    if args.event.trim().is_empty() {
        return Err(CliError::Usage("--event needs a name".into()));
    }
    let run = ctx.existing_run()?;
    let locked = lock(&run)?;
    let mut status = locked_status(&locked)?;
    let now = now_rfc3339();
    if let Some(phase) = &args.phase {
        status.phase = Some(phase.clone());
    }
    if let Some(s) = &args.status {
        status.status.clone_from(s);
    }
    let mut event = base_event(&args.event, &now, &run.id, &status);
    if let Some(message) = &args.message {
        event.insert("message".into(), json!(message));
    }
    if let Some(count) = args.loop_count {
        let Some(phase) = status.phase.clone() else {
            return Err(CliError::Usage(
                "--loop-count needs a phase: pass --phase <phase> (the run has none yet)".into(),
            ));
        };
        status.phase_loop_counts.insert(phase, count);
        event.insert("loop_count".into(), json!(count));
    }
    touch(&mut status, &args.event, &now);
    record(&locked, &mut status, event)?;

    #[derive(Serialize)]
    struct Out {
        run_id: String,
        event: String,
        events_path: String,
        status_path: String,
    }
    let out = Out {
        run_id: run.id.clone(),
        event: args.event.clone(),
        events_path: path_text(&run.events_path()),
        status_path: path_text(&run.status_path()),
    };
    Ok(Report::result(
        ctx,
        &out,
        format!("{} {}\n", out.run_id, out.event),
    ))
}

pub(crate) fn route(ctx: &Ctx, args: &RouteArgs) -> Result<Report, CliError> {
    let suffix = normalize_suffix(args.suffix.as_deref())?;
    let run = ctx.existing_run()?;
    let locked = lock(&run)?;
    let mut status = locked_status(&locked)?;
    let now = now_rfc3339();
    let path = new_capture(&locked, &now, &args.name, &suffix)?;
    write_capture(&locked, &path, "")?;
    status.counters.captures += 1;

    let mut event = base_event("pre_tool_capture_route", &now, &run.id, &status);
    event.insert("capture_path".into(), json!(path_text(&path)));
    event.insert("capture_name".into(), json!(args.name));
    touch(&mut status, "pre_tool_capture_route", &now);
    record(&locked, &mut status, event)?;

    #[derive(Serialize)]
    struct Out {
        run_id: String,
        capture_path: String,
        events_path: String,
    }
    let out = Out {
        run_id: run.id.clone(),
        capture_path: path_text(&path),
        events_path: path_text(&run.events_path()),
    };
    Ok(Report::result(ctx, &out, format!("{}\n", out.capture_path)))
}

pub(crate) fn output(ctx: &Ctx, args: &OutputArgs) -> Result<Report, CliError> {
    let suffix = normalize_suffix(args.suffix.as_deref())?;
    let run = ctx.existing_run()?;
    let text = read_stdin()?;
    let locked = lock(&run)?;
    let mut status = locked_status(&locked)?;
    let now = now_rfc3339();
    let path = match &args.capture_path {
        Some(given) => inside_captures(&ctx.cwd, &run.captures_dir(), given)?,
        None => new_capture(
            &locked,
            &now,
            args.name.as_deref().unwrap_or("tool-output"),
            &suffix,
        )?,
    };
    let created = path.symlink_metadata().is_err();
    write_capture(&locked, &path, &text)?;
    let byte_length = text.len() as u64;

    let mut event = base_event("post_tool_capture", &now, &run.id, &status);
    event.insert("command".into(), json!(args.command));
    event.insert("exit_code".into(), json!(args.exit_code));
    event.insert("capture_path".into(), json!(path_text(&path)));
    event.insert("byte_length".into(), json!(byte_length));
    touch(&mut status, "post_tool_capture", &now);
    status
        .artifacts
        .insert("last_capture_path".into(), json!(path_text(&path)));
    status.counters.tool_calls += 1;
    if args.exit_code != 0 {
        status.counters.failures += 1;
    }
    status.counters.bytes_captured += byte_length;
    if created {
        status.counters.captures += 1;
    }
    record(&locked, &mut status, event)?;

    #[derive(Serialize)]
    struct Out {
        run_id: String,
        capture_path: String,
        byte_length: u64,
        events_path: String,
        status_path: String,
    }
    let out = Out {
        run_id: run.id.clone(),
        capture_path: path_text(&path),
        byte_length,
        events_path: path_text(&run.events_path()),
        status_path: path_text(&run.status_path()),
    };
    Ok(Report::result(ctx, &out, format!("{}\n", out.capture_path)))
}

pub(crate) fn summary(ctx: &Ctx, event_name: &str) -> Result<Report, CliError> {
    let run = ctx.existing_run()?;
    let text = read_stdin()?;
    let locked = lock(&run)?;
    let mut status = locked_status(&locked)?;
    let now = now_rfc3339();
    let path = locked
        .write_file("summary.md", &text)
        .map_err(|e| CliError::io("cannot write", run.summary_path(), e))?;

    let mut event = base_event(event_name, &now, &run.id, &status);
    event.insert("summary_path".into(), json!(path_text(&path)));
    touch(&mut status, event_name, &now);
    status
        .artifacts
        .insert("summary_path".into(), json!(path_text(&path)));
    record(&locked, &mut status, event)?;

    #[derive(Serialize)]
    struct Out {
        run_id: String,
        summary_path: String,
        events_path: String,
        status_path: String,
    }
    let out = Out {
        run_id: run.id.clone(),
        summary_path: path_text(&path),
        events_path: path_text(&run.events_path()),
        status_path: path_text(&run.status_path()),
    };
    Ok(Report::result(ctx, &out, format!("{}\n", out.summary_path)))
}

/// The original's suffix rule (`.log` by default, a leading dot added), kept to a plain
/// extension so it cannot carry a path out of `captures/`.
fn normalize_suffix(suffix: Option<&str>) -> Result<String, CliError> {
    let Some(suffix) = suffix.filter(|s| !s.is_empty()) else {
        return Ok(".log".into());
    };
    let suffix = if suffix.starts_with('.') {
        suffix.to_owned()
    } else {
        format!(".{suffix}")
    };
    let plain = suffix.len() <= 16
        && !suffix.contains("..")
        && suffix[1..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if plain && suffix.len() > 1 {
        Ok(suffix)
    } else {
        Err(CliError::Usage(format!(
            "--suffix `{suffix}` is not a file extension (letters, digits, `.`, `_`, `-`; at most 16 characters)"
        )))
    }
}

/// The original's capture name rule: lowercase, runs of anything but `[a-z0-9]` become
/// `-`, no `-` at either end, `capture` if nothing is left.
fn sanitize_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out: String = out.trim_matches('-').chars().take(48).collect();
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "capture".into()
    } else {
        out.to_owned()
    }
}

/// A fresh capture file name: `<timestamp>-<name><suffix>`, the timestamp the original's
/// (`2026-11-28T06-49-34-123Z`). Two captures with one name in one millisecond get `-2`,
/// `-3`, … rather than sharing a file.
fn new_capture(
    locked: &LockedRun<'_>,
    now: &str,
    name: &str,
    suffix: &str,
) -> Result<PathBuf, CliError> {
    let stamp = now.replace([':', '.'], "-");
    let base = format!("{stamp}-{}", sanitize_name(name));
    for n in 1..1000 {
        let candidate = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        let path = locked.capture_path(&candidate, suffix);
        if path.symlink_metadata().is_err() {
            return Ok(path);
        }
    }
    Err(CliError::Usage(format!(
        "too many captures named `{name}` in one millisecond"
    )))
}

/// A `--capture-path` (relative to the working directory) as a path strictly inside the
/// run's `captures/`, lexically and after symlinks: the original's rule, which a symlinked
/// directory inside `captures/` cannot get around either.
fn inside_captures(cwd: &Path, captures: &Path, given: &Path) -> Result<PathBuf, CliError> {
    let outside = || CliError::CapturePathOutside {
        path: given.to_path_buf(),
        captures_dir: captures.to_path_buf(),
    };
    let target = normalize(&cwd.join(given));
    let captures_real = captures
        .canonicalize()
        .unwrap_or_else(|_| captures.to_path_buf());
    let relative = target
        .strip_prefix(captures)
        .or_else(|_| target.strip_prefix(&captures_real))
        .map_err(|_| outside())?
        .to_path_buf();
    if relative.as_os_str().is_empty() {
        return Err(outside());
    }
    let path = captures.join(&relative);
    // The deepest directory that exists on the way must really be inside captures/.
    let mut dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    while dir.symlink_metadata().is_err() && dir.pop() {}
    let real = dir.canonicalize().map_err(|_| outside())?;
    if !real.starts_with(&captures_real) {
        return Err(outside());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| CliError::io("cannot create", parent, e))?;
        let real = parent.canonicalize().map_err(|_| outside())?;
        if !real.starts_with(&captures_real) {
            return Err(outside());
        }
    }
    if path.is_dir() {
        return Err(CliError::Usage(format!(
            "--capture-path {} is a directory",
            path.display()
        )));
    }
    Ok(path)
}

/// Writes a capture file through the run's own atomic writer.
fn write_capture(locked: &LockedRun<'_>, path: &Path, text: &str) -> Result<(), CliError> {
    let relative = path
        .strip_prefix(&locked.run.dir)
        .ok()
        .and_then(Path::to_str)
        .ok_or_else(|| CliError::Usage(format!("capture path {} is not usable", path.display())))?;
    locked
        .write_file(relative, text)
        .map(drop)
        .map_err(|e| CliError::io("cannot write", path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_suffixes_follow_the_original() {
        assert_eq!(sanitize_name("Cargo Test --all"), "cargo-test-all");
        assert_eq!(sanitize_name("../.."), "capture");
        assert_eq!(normalize_suffix(None).unwrap(), ".log");
        assert_eq!(normalize_suffix(Some("txt")).unwrap(), ".txt");
        assert_eq!(normalize_suffix(Some(".json")).unwrap(), ".json");
        assert!(normalize_suffix(Some("/../../x")).is_err());
        assert!(normalize_suffix(Some("..")).is_err());
        assert!(normalize_suffix(Some(".")).is_err());
    }

    #[test]
    fn capture_paths_stay_inside() {
        let dir = tempfile::tempdir().unwrap();
        let captures = dir.path().join("run/captures");
        std::fs::create_dir_all(&captures).unwrap();
        let cwd = dir.path();
        assert!(inside_captures(cwd, &captures, Path::new("run/captures/a.log")).is_ok());
        assert!(inside_captures(cwd, &captures, Path::new("run/captures/sub/a.log")).is_ok());
        for bad in [
            "run/captures",
            "run/captures/../status.json",
            "run/a.log",
            "/etc/passwd",
        ] {
            assert!(
                inside_captures(cwd, &captures, Path::new(bad)).is_err(),
                "{bad}"
            );
        }
        std::os::unix::fs::symlink(dir.path(), captures.join("out")).unwrap();
        assert!(inside_captures(cwd, &captures, Path::new("run/captures/out/x.log")).is_err());
    }
}
