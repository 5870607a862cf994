//! What can stop a command, in words a person can act on. Each becomes one line on stderr
//! and exit 1 (the original tool's convention).

use std::path::PathBuf;

use crate::error::ConfigError;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// No `--run` and no `runs/latest` to fall back on.
    #[error(
        "no runs under {}: start one with `wazir-hooks capture init --run <id> --phase <phase> --status <status>` (or let the session-start hook do it), or pass --run <id>",
        .root.display()
    )]
    NoRuns { root: PathBuf },
    /// The named run has no `status.json` (the original's "Run status not found").
    #[error("run status not found: {} (no run `{run_id}` under this state root)", .status_path.display())]
    RunNotFound {
        run_id: String,
        status_path: PathBuf,
    },
    /// `status.json` exists but is not a status this tool can read; it is left alone.
    #[error("cannot read {}: {message} (left untouched)", .path.display())]
    StatusUnreadable { path: PathBuf, message: String },
    #[error("{what} {}: {source}", .path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read stdin: {0}")]
    Stdin(std::io::Error),
    #[error("invalid configuration: {0}")]
    Config(#[from] ConfigError),
    /// A `--capture-path` that leaves the run's `captures/` directory.
    #[error("capture-path must stay inside {}: {}", .captures_dir.display(), .path.display())]
    CapturePathOutside {
        path: PathBuf,
        captures_dir: PathBuf,
    },
    /// An operator command from a copy of the program under another name: the guard
    /// recognises `wazir-hooks` by its name in commands, so a renamed copy is refused.
    #[error(
        "`{command}` is an operator command and runs only from a program named wazir-hooks; this one is {}. The guard refuses operator commands from the agent by that name, so a renamed copy may not run them",
        .program.display()
    )]
    RenamedCopy { command: String, program: PathBuf },
    /// An option value that cannot be used (a missing required option, a bad suffix).
    #[error("{0}")]
    Usage(String),
}

impl CliError {
    pub(crate) fn io(
        what: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> CliError {
        CliError::Io {
            what,
            path: path.into(),
            source,
        }
    }
}
