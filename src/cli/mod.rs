//! `wazir-hooks`, the command-line tool (SPEC §8): the original Wazir's wrapper commands
//! and views a person can read.
//!
//! - `capture init|event|route|output|summary|usage`: the original's commands, with its
//!   options, event names (`session_start`, `pre_tool_capture_route`,
//!   `post_tool_capture`, `pre_compact_summary`, `stop_handoff_harvest`, or any name
//!   `capture event` is given) and outputs (`<run_id> <status>`, `<run_id> <event>`, a
//!   path; `--json` for the original's JSON objects).
//! - `loop status|next|reset|raise --phase P`: the phase loop counters of SPEC §5.
//!   `loop raise` stores the operator's raised cap in `status.json` under `raised_caps`
//!   (phase → cap, in `Status::extra`); loop-cap-guard reads it from there, and a raised
//!   cap wins over `loop_caps.phases` and `loop_caps.default` (see `loops`).
//! - `status`, `events`, `summary`: tables of what a run did; `--json` for scripts.
//! - `install`, `uninstall`, `doctor`: wiring the hooks into hosts' settings and proving
//!   they work (`setup`, over `crate::install`); `validate`: the contracts, the user
//!   policy and the project's configuration; `policy`: the project's effective policy and
//!   where each part of it comes from.
//!
//! Common options: `--run <id>` (else the run in `runs/latest`), `--state-root <path>`
//! (else `WAZIR_STATE_ROOT`, else the project's configured or platform default), `--json`.
//! Every change takes the run's lock and goes through `state::LockedRun`; the views only
//! read. Errors are one line on stderr, prefixed `wazir-hooks:`, and exit 1. Output is
//! written only by [`out`].

mod capture;
mod context;
mod error;
mod log;
mod loops;
mod out;
mod policy;
mod setup;
mod table;
mod validate;
mod views;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use serde::Serialize;
use serde_json::{Map, Value};

pub use error::CliError;

use crate::state::{LockedRun, Run, Status};
use context::{Common, Ctx};

/// How the process ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    Success = 0,
    /// Any error: a missing run, a bad option, a file that cannot be read or written.
    Failure = 1,
    /// `doctor`: everything is wired and works, but a host holds the hooks back until a
    /// person acts (trusts them).
    NeedsAction = 3,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> ExitCode {
        ExitCode::from(status as u8)
    }
}

/// The body of `bin/wazir-hooks.rs`.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return out::clap_error(&e).into(),
    };
    match run(cli) {
        Ok(report) => {
            out::stdout(&report.stdout);
            for note in &report.notes {
                out::message(note);
            }
            report.status.into()
        }
        Err(e) => {
            out::message(&e.to_string());
            ExitStatus::Failure.into()
        }
    }
}

/// What a command has to say: stdout, notes for stderr, and how the process ends.
pub(crate) struct Report {
    pub stdout: String,
    pub notes: Vec<String>,
    pub status: ExitStatus,
}

impl Report {
    pub(crate) fn text(stdout: String) -> Report {
        Report {
            stdout,
            notes: Vec::new(),
            status: ExitStatus::Success,
        }
    }

    /// Pretty JSON (two-space indent, as the original's `JSON.stringify(x, null, 2)`).
    pub(crate) fn json(value: &impl Serialize) -> Report {
        let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".into());
        text.push('\n');
        Report::text(text)
    }

    /// `value` as JSON under `--json`, else `text`.
    pub(crate) fn result(ctx: &Ctx, value: &impl Serialize, text: String) -> Report {
        if ctx.common.json {
            Report::json(value)
        } else {
            Report::text(text)
        }
    }
}

/// Takes a run's lock.
pub(crate) fn lock(run: &Run) -> Result<LockedRun<'_>, CliError> {
    run.lock()
        .map_err(|e| CliError::io("cannot lock run in", &run.dir, e))
}

/// Appends one event and saves the status, under the lock the caller holds.
pub(crate) fn record(
    locked: &LockedRun<'_>,
    status: &mut Status,
    event: Map<String, Value>,
) -> Result<(), CliError> {
    status.counters.events += 1;
    locked
        .append(&Value::Object(event))
        .map_err(|e| CliError::io("cannot append to", locked.run.events_path(), e))?;
    locked
        .save(status)
        .map_err(|e| CliError::io("cannot write", locked.run.status_path(), e))
}

#[derive(Parser)]
#[command(
    name = "wazir-hooks",
    version,
    about = "Wazir hook state: capture events, loop counters, and readable run views",
    after_help = "Without --run, commands use the run named in <state root>/runs/latest."
)]
struct Cli {
    #[command(flatten)]
    common: CommonArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct CommonArgs {
    /// The run (default: the latest run)
    #[arg(long, global = true, value_name = "ID")]
    run: Option<String>,
    /// The state root (default: WAZIR_STATE_ROOT, else the project's)
    #[arg(long = "state-root", global = true, value_name = "PATH")]
    state_root: Option<PathBuf>,
    /// Print JSON for scripts instead of text
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Subcommand)]
enum Command {
    /// The run: phase, status, counters, loop state, artifacts
    Status,
    /// The run's events, oldest first
    Events {
        /// Only the last N events
        #[arg(long, value_name = "N")]
        tail: Option<usize>,
    },
    /// What the run did: tools, failures, files written, denials, captures
    Summary,
    /// Phase loop counters and caps
    #[command(subcommand)]
    Loop(LoopCommand),
    /// The original Wazir capture commands
    #[command(subcommand)]
    Capture(CaptureCommand),
    /// Checks the hook contracts (definitions/), the user policy, wazir.manifest.yaml and
    /// wazir.hooks.yaml
    Validate {
        /// The contracts to check (default: definitions/ at the project root, else the
        /// copy built into wazir-hooks)
        #[arg(long, value_name = "DIR")]
        definitions: Option<PathBuf>,
    },
    /// The project's effective policy (user policy, manifest, wazir.hooks.yaml merged):
    /// protected paths, on_error, approved flows, loop caps, tools, and where each comes from
    Policy {
        /// The project (default: the project around the current directory)
        #[arg(long, value_name = "DIR")]
        project: Option<PathBuf>,
    },
    /// Wires the hooks into each host's settings (merging; other entries are kept)
    Install {
        #[command(flatten)]
        target: setup::Target,
        #[command(flatten)]
        change: setup::Change,
        /// Record the hosts' trust yourself: Codex's in these hooks and the project
        /// ($CODEX_HOME/config.toml), Gemini CLI's in the project folder
        /// (~/.gemini/trustedFolders.json)
        #[arg(long)]
        trust: bool,
    },
    /// Checks each host runs our hooks, and proves every guard denies
    Doctor {
        #[command(flatten)]
        target: setup::Target,
    },
    /// Removes exactly the entries install added
    Uninstall {
        #[command(flatten)]
        target: setup::Target,
        #[command(flatten)]
        change: setup::Change,
    },
}

#[derive(Subcommand)]
enum LoopCommand {
    /// Each phase's count and cap, and the run's loop state
    Status {
        #[arg(long, value_name = "P")]
        phase: Option<String>,
    },
    /// Records one more iteration of a phase (never refuses; loop-cap-guard stops at the cap)
    Next {
        #[arg(long, value_name = "P")]
        phase: String,
    },
    /// Sets a phase's count back to 0
    Reset {
        #[arg(long, value_name = "P")]
        phase: String,
    },
    /// Raises a phase's cap to max(cap, count) + N
    Raise {
        #[arg(long, value_name = "P")]
        phase: String,
        /// How many more iterations to allow
        #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
        by: u64,
    },
}

#[derive(Subcommand)]
enum CaptureCommand {
    /// Creates the run (status.json, session_start) and points runs/latest at it
    Init {
        #[arg(long, value_name = "PHASE")]
        phase: String,
        #[arg(long, value_name = "STATUS")]
        status: String,
    },
    /// Appends an event and updates the run's phase, status and loop count
    Event {
        #[arg(long, value_name = "NAME")]
        event: String,
        #[arg(long, value_name = "PHASE")]
        phase: Option<String>,
        #[arg(long, value_name = "STATUS")]
        status: Option<String>,
        /// Sets phase_loop_counts[phase] (a positive integer)
        #[arg(long = "loop-count", value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
        loop_count: Option<u64>,
        #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
        message: Option<String>,
    },
    /// Creates an empty capture file and prints its path
    Route {
        #[arg(long, value_name = "LABEL")]
        name: String,
        /// File extension (default .log)
        #[arg(long, value_name = "EXT")]
        suffix: Option<String>,
    },
    /// Writes stdin to a capture file and records the command's exit code
    Output {
        #[arg(long, value_name = "CMD", allow_hyphen_values = true)]
        command: String,
        #[arg(long = "exit-code", value_name = "N", allow_hyphen_values = true)]
        exit_code: i64,
        /// A file inside the run's captures/ (wins over --name)
        #[arg(long = "capture-path", value_name = "PATH")]
        capture_path: Option<PathBuf>,
        /// A label for a new capture file (default tool-output)
        #[arg(long, value_name = "LABEL")]
        name: Option<String>,
        #[arg(long, value_name = "EXT")]
        suffix: Option<String>,
    },
    /// Writes stdin to summary.md
    Summary {
        #[arg(long, value_name = "NAME", default_value = "pre_compact_summary",
              value_parser = clap::builder::PossibleValuesParser::new(capture::SUMMARY_EVENTS))]
        event: String,
    },
    /// What the run captured: events by name, bytes, captures (computed from events.ndjson)
    Usage {
        #[arg(long, value_name = "PHASE")]
        phase: Option<String>,
    },
}

/// The operator-only command `command` is, if it is one (README, "Self-protection"):
/// the same list the guard refuses to the agent.
fn operator_only(command: &Command) -> Option<&'static str> {
    match command {
        Command::Install { .. } => Some("install"),
        Command::Uninstall { .. } => Some("uninstall"),
        Command::Loop(LoopCommand::Reset { .. }) => Some("loop reset"),
        Command::Loop(LoopCommand::Raise { .. }) => Some("loop raise"),
        Command::Capture(CaptureCommand::Event {
            loop_count: Some(_),
            ..
        }) => Some("capture event --loop-count"),
        _ => None,
    }
}

/// Operator commands run only from a program named `wazir-hooks`: the guard knows the
/// CLI by that name, and a copy under another name (`cp wazir-hooks /tmp/x && /tmp/x
/// uninstall`) would otherwise be an unknown program to it. Both names count: the
/// kernel's record of the executable (a copy), and `argv[0]`, the name it was run by (a
/// symlink named otherwise).
fn check_name(command: &Command) -> Result<(), CliError> {
    let Some(name) = operator_only(command) else {
        return Ok(());
    };
    let ours = |p: &Path| {
        p.file_name()
            .is_some_and(|n| n == "wazir-hooks" || n == "wazir-hooks.exe")
    };
    let program =
        std::env::current_exe().map_err(|e| CliError::io("cannot find", "/proc/self/exe", e))?;
    let run_as = std::env::args_os()
        .next()
        .map(PathBuf::from)
        .unwrap_or_default();
    for p in [program, run_as] {
        if !ours(&p) {
            return Err(CliError::RenamedCopy {
                command: format!("wazir-hooks {name}"),
                program: p,
            });
        }
    }
    Ok(())
}

fn run(cli: Cli) -> Result<Report, CliError> {
    check_name(&cli.command)?;
    let ctx = Ctx::new(Common {
        run: cli.common.run,
        state_root: cli.common.state_root,
        json: cli.common.json,
    })?;
    match cli.command {
        Command::Validate { definitions } => validate::run(&ctx, definitions.as_deref()),
        Command::Policy { project } => policy::run(&ctx, project.as_deref()),
        Command::Install {
            target,
            change,
            trust,
        } => setup::install(&target.request(&ctx.cwd, &change, trust)?),
        Command::Doctor { target } => setup::doctor(&target, &ctx.cwd),
        Command::Uninstall { target, change } => {
            setup::uninstall(&target.request(&ctx.cwd, &change, false)?)
        }
        Command::Status => views::status(&ctx),
        Command::Events { tail } => views::events(&ctx, tail),
        Command::Summary => views::summary(&ctx),
        Command::Loop(cmd) => match cmd {
            LoopCommand::Status { phase } => loops::status(&ctx, phase.as_deref()),
            LoopCommand::Next { phase } => loops::next(&ctx, &phase),
            LoopCommand::Reset { phase } => loops::reset(&ctx, &phase),
            LoopCommand::Raise { phase, by } => loops::raise(&ctx, &phase, by),
        },
        Command::Capture(cmd) => match cmd {
            CaptureCommand::Init { phase, status } => {
                capture::init(&ctx, &capture::InitArgs { phase, status })
            }
            CaptureCommand::Event {
                event,
                phase,
                status,
                loop_count,
                message,
            } => capture::event(
                &ctx,
                &capture::EventArgs {
                    event,
                    phase,
                    status,
                    loop_count,
                    message,
                },
            ),
            CaptureCommand::Route { name, suffix } => {
                capture::route(&ctx, &capture::RouteArgs { name, suffix })
            }
            CaptureCommand::Output {
                command,
                exit_code,
                capture_path,
                name,
                suffix,
            } => capture::output(
                &ctx,
                &capture::OutputArgs {
                    command,
                    exit_code,
                    capture_path,
                    name,
                    suffix,
                },
            ),
            CaptureCommand::Summary { event } => capture::summary(&ctx, &event),
            CaptureCommand::Usage { phase } => views::usage(&ctx, phase.as_deref()),
        },
    }
}
