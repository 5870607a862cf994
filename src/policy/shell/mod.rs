//! Finds every file a shell command would write, by parsing it with a real bash grammar
//! (brush-parser) and walking the tree the way bash would run it: following `cd`,
//! variables, functions, loops, wrappers (`sudo`, `env`, `xargs`…), nested shells
//! (`bash -c`, `eval`, scripts on stdin or on disk) and interpreter one-liners.
//!
//! The result is a list of [`Write`]s; deciding whether one is protected is the caller's
//! business. A target whose value only exists when the command runs is reported as a
//! [`Target::Partial`], so the caller can deny when it could be protected.

mod args;
mod code;
mod commands;
mod expand;
mod find;
mod walk;

use std::path::{Path, PathBuf};

/// What the analysis needs from its surroundings.
pub struct Context<'a> {
    /// Where the command starts (absolute).
    pub cwd: PathBuf,
    pub home: Option<PathBuf>,
    /// The environment the command inherits.
    pub env: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// Whether a path is, or may contain, a protected path: where searches (find, xargs
    /// over find) need to look. Everything else cannot matter.
    pub relevant: &'a (dyn Fn(&Path) -> bool + Sync),
}

/// A file the command would write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A fully known path (absolute, not yet normalized).
    Path(PathBuf),
    /// A path known only up to an unknown part: `dir` (absolute; `None` when unknown),
    /// then a name starting with `name_prefix`, something unknown, then `suffix`.
    Partial {
        dir: Option<PathBuf>,
        name_prefix: String,
        suffix: String,
    },
}

/// One write: what, how far it reaches, and which part of the command does it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Write {
    pub target: Target,
    /// The write reaches everything beneath the target too (rm -r, mv, chmod -R).
    pub recursive: bool,
    /// The command or redirection responsible, for the deny reason (`rm`, `>`, `sed -i`).
    pub how: String,
    /// Whether a symlink at the target itself is followed (a write through it) or not
    /// (`rm link` removes the link, not what it points at).
    pub follow: bool,
}

/// Why a command could not be analysed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ShellError {
    #[error("the command does not parse as bash: {0}")]
    Parse(String),
    #[error("the command is too complex to analyse: {0}")]
    TooComplex(String),
}

/// Every write `command` would make when run in `ctx`.
pub fn analyze(command: &str, ctx: &Context) -> Result<Vec<Write>, ShellError> {
    let run = || {
        let mut walker = walk::Walker::new(ctx);
        let mut scope = walk::Scope::new(ctx.cwd.clone());
        walker.script(command, &mut scope, walk::Out::Nothing)?;
        Ok(walker.into_writes())
    };
    // Parsing and walking recurse with a command's nesting, and a stack overflow aborts
    // the process (a crashed hook lets the call through on most hosts). Nesting past the
    // cap is refused before parsing; a deeply nested command below it is analysed on a
    // thread whose stack does not depend on the host's stack limit. Ordinary commands
    // pay for no thread.
    if walk::nesting(command) <= THREAD_ABOVE_NESTING {
        return run();
    }
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(DEEP_STACK)
            .spawn_scoped(s, run)
            .map_err(|e| ShellError::TooComplex(format!("no thread to analyse it on: {e}")))?
            .join()
            .unwrap_or_else(|_| Err(ShellError::TooComplex("the analysis failed".into())))
    })
}

/// Nesting above which the analysis gets its own large stack.
const THREAD_ABOVE_NESTING: usize = 32;
/// That stack: reserved address space, touched only as far as it is used.
const DEEP_STACK: usize = 256 * 1024 * 1024;
