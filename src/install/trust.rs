//! Whether a host will run hooks it has been given: Codex's project and per-hook trust,
//! Gemini CLI's folder trust. Being written.

use std::path::{Path, PathBuf};

use super::doctor::Finding;
use super::layout::{Home, Scope};
use crate::event::Host;

pub fn check(
    _host: Host,
    _project: &Path,
    _home: &Home,
    _files: &[(Scope, PathBuf)],
) -> Vec<Finding> {
    Vec::new()
}
