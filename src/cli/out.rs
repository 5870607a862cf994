//! The one module of the command-line tool that writes to the terminal.
//!
//! It writes through locked handles rather than `print!`, the way `src/output.rs` does, so
//! `wazir-hooks events | head` ends quietly instead of panicking on a closed pipe; that is
//! also why no `clippy::print_stdout` expectation is needed here (the lint only sees the
//! macros). Every message on stderr starts with the program name.

use std::io::Write;

use super::ExitStatus;

/// The program name that prefixes every message.
pub(crate) const PROGRAM: &str = "wazir-hooks";

/// Writes a command's result to stdout. A reader that went away (a closed pipe) is not an
/// error worth reporting: there is nobody left to read it.
pub(crate) fn stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Writes `wazir-hooks: <message>` to stderr.
pub(crate) fn message(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{PROGRAM}: {text}");
    let _ = err.flush();
}

/// Shows an argument error, `--help` or `--version` as clap words it, and says how the
/// process ends: help and version succeed; a bad argument is an error (exit 1, as the
/// original tool's usage errors were).
pub(crate) fn clap_error(error: &clap::Error) -> ExitStatus {
    let _ = error.print();
    if error.use_stderr() {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}
