//! What every command needs: the working directory, the project's configuration (loaded
//! only when a command needs it), the state store, and which run the command is about.

use std::cell::OnceCell;
use std::path::{Component, Path, PathBuf};

use super::error::CliError;
use crate::policy::config::{Config, find_root};
use crate::state::{LockedRun, Run, Status, Store};

/// The options every command takes.
#[derive(Clone, Debug, Default)]
pub(crate) struct Common {
    pub run: Option<String>,
    pub state_root: Option<PathBuf>,
    pub json: bool,
}

pub(crate) struct Ctx {
    pub cwd: PathBuf,
    pub common: Common,
    config: OnceCell<Config>,
    store: OnceCell<Store>,
}

impl Ctx {
    pub(crate) fn new(common: Common) -> Result<Ctx, CliError> {
        let cwd = std::env::current_dir()
            .map_err(|e| CliError::io("cannot read the working directory", ".", e))?;
        Ok(Ctx {
            cwd,
            common,
            config: OnceCell::new(),
            store: OnceCell::new(),
        })
    }

    /// The project root (SPEC §4), found without reading any configuration file.
    pub(crate) fn project_root(&self) -> PathBuf {
        find_root(&self.cwd)
    }

    /// The project's configuration; a file that does not load is an error.
    pub(crate) fn config(&self) -> Result<&Config, CliError> {
        if let Some(config) = self.config.get() {
            return Ok(config);
        }
        let config = Config::discover(&self.cwd)?;
        Ok(self.config.get_or_init(|| config))
    }

    /// The state store: `--state-root`, else `WAZIR_STATE_ROOT`, else the configured or
    /// platform default (`state::resolve_root`). A relative root is taken from the cwd.
    pub(crate) fn store(&self) -> Result<&Store, CliError> {
        if let Some(store) = self.store.get() {
            return Ok(store);
        }
        let root = match &self.common.state_root {
            Some(root) => root.clone(),
            None => crate::state::resolve_root(self.config()?),
        };
        let root = normalize(&self.cwd.join(root));
        Ok(self.store.get_or_init(|| Store::new(root)))
    }

    /// The run named by `--run`, else the one in `runs/latest`.
    pub(crate) fn run(&self) -> Result<Run, CliError> {
        let store = self.store()?;
        match &self.common.run {
            Some(id) => Ok(store.run(id)),
            None => store
                .latest()
                .map(|id| store.run(&id))
                .ok_or_else(|| CliError::NoRuns {
                    root: store.runs_dir(),
                }),
        }
    }

    /// The run, which must already have a status (every command but `capture init`).
    pub(crate) fn existing_run(&self) -> Result<Run, CliError> {
        let run = self.run()?;
        if !run.exists() {
            return Err(not_found(&run));
        }
        Ok(run)
    }
}

fn not_found(run: &Run) -> CliError {
    CliError::RunNotFound {
        run_id: run.id.clone(),
        status_path: run.status_path(),
    }
}

/// Reads a run's status for a view, telling a missing file from an unreadable one.
pub(crate) fn read_status(run: &Run) -> Result<Status, CliError> {
    let path = run.status_path();
    let bytes = std::fs::read(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => not_found(run),
        _ => CliError::io("cannot read", &path, e),
    })?;
    serde_json::from_slice(&bytes).map_err(|e| CliError::StatusUnreadable {
        path,
        message: e.to_string(),
    })
}

/// The status of a locked run. `LockedRun::status` starts afresh when the file is
/// unreadable, which is right for a hook but would let a command overwrite a status it
/// could not read; here that is an error and the file is left as it is.
pub(crate) fn locked_status(locked: &LockedRun<'_>) -> Result<Status, CliError> {
    read_status(locked.run)
}

/// Folds `.` and `..` out of an absolute path without touching the file system.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}
