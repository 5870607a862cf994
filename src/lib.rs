//! wazir-hooks: hook executables for AI coding-agent hosts (Claude Code, Cursor, Gemini
//! CLI, Codex) and the original Wazir canonical protocol.
//!
//! The layers, and the one-way roads between them (SPEC §7):
//! - [`hosts`]: bytes in → one normalized [`event::Event`]; one [`event::Decision`] →
//!   bytes out. The only place that knows a host's field names.
//! - [`policy`]: configuration, protected-path matching, shell and patch write-target
//!   extraction. Pure decisions; never sees host JSON, never prints.
//! - [`state`]: the state root, runs, locks, atomic files and the event log; the only
//!   code that touches the state directory.
//! - [`hooks`]: one module per hook, wiring an event through policy and state to an answer.
//! - [`install`]: the hosts' registration templates, settings merge, doctor, contracts.
//! - `runtime` and `output`: the fixed process sequence (panic hook, watchdog, bounded
//!   stdin) and the one place that writes to stdout/stderr.

pub mod cli;
pub mod error;
pub mod event;
#[doc(hidden)]
pub mod fuzzing;
pub mod hooks;
pub mod hosts;
pub mod install;
mod output;
pub mod policy;
mod runtime;
pub mod state;

pub use hooks::Hook;

/// Runs `hook` as a whole process: the body of every hook binary's `main`.
pub fn main(hook: Hook) -> std::process::ExitCode {
    runtime::run(hook)
}
