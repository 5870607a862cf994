//! The installer (SPEC §7, §8): the per-host registration templates in `hooks/`, merging
//! them into hosts' settings files and taking them out again, `doctor`, and the canonical
//! contracts in `definitions/` with `validate`. It talks to hosts' settings files; it
//! reuses `hosts` only to read a guard's answer in doctor.
//!
//! - [`layout`]: where each host keeps its hooks and how it runs them;
//! - [`settings`]: our entries in a settings document (render, find, merge, strip);
//! - [`files`]: reading, backing up and atomically replacing settings files;
//! - [`apply`]: `install` and `uninstall`, host by host;
//! - [`definitions`]: the canonical contracts.

pub mod apply;
pub mod definitions;
pub mod doctor;
pub mod files;
pub mod layout;
pub mod settings;
pub mod trust;

use std::path::PathBuf;

/// What stops the installer for one settings file. The file is left as it was.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "{}:{line}:{column}: not valid JSON ({message}); left untouched: wazir-hooks never rewrites a file it cannot read in full. Fix it, or add the entries of {template} by hand",
        .file.display()
    )]
    Unparsable {
        file: PathBuf,
        line: usize,
        column: usize,
        message: String,
        template: &'static str,
    },
    #[error("{}: {problem}; left untouched", .file.display())]
    Shape { file: PathBuf, problem: String },
    #[error("{}: {source}", .file.display())]
    Io {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{}: the file changed three times while it was being updated (is a host rewriting it?); left as it is: close the host and run install again",
        .file.display()
    )]
    KeepsChanging { file: PathBuf },
    #[error("the built-in template {0} is not a JSON object (a broken build)")]
    Template(String),
    #[error("{} has no `{name}`: install the hook binaries first (install/install.sh), or point --bin-dir at them", .dir.display())]
    MissingBinary { dir: PathBuf, name: &'static str },
}

impl Error {
    pub(crate) fn io(file: &std::path::Path, source: std::io::Error) -> Error {
        Error::Io {
            file: file.to_path_buf(),
            source,
        }
    }
}
