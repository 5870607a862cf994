//! One module per hook: each wires a normalized event through policy to a decision.
//! [`Hook`] is what a binary's `main` names; it knows each hook's fixed properties (its
//! name, whether it blocks, its canonical exit code) and how it fails.

mod protected_path_write_guard;

use crate::error::{Error, InputError};
use crate::event::{Answer, Decision, Host};
use crate::hosts;
use crate::runtime::{self, Context};

/// The hooks this build ships.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hook {
    ProtectedPathWriteGuard,
}

/// What the runtime hands a hook: the `--host` it was given and what stdin held.
pub struct Invocation {
    pub host: Option<Host>,
    pub stdin: Result<Vec<u8>, InputError>,
}

impl Hook {
    /// The binary's name, which prefixes its messages.
    pub fn name(self) -> &'static str {
        match self {
            Hook::ProtectedPathWriteGuard => "protected-path-write-guard",
        }
    }

    /// The canonical contract's exit code for a block (SPEC §3).
    pub fn block_code(self) -> u8 {
        match self {
            Hook::ProtectedPathWriteGuard => 42,
        }
    }

    pub(crate) fn run(self, inv: Invocation) -> Answer {
        match self {
            Hook::ProtectedPathWriteGuard => protected_path_write_guard::run(self, inv),
        }
    }

    /// The answer when the hook cannot evaluate its input: guards fail closed in the
    /// host's own channel (unless `on_error: allow`); the canonical protocol gets exit 1.
    pub(crate) fn failure(self, ctx: &Context, problem: &str) -> Answer {
        self.failure_with(ctx, problem, false)
    }

    pub(crate) fn failure_with(self, ctx: &Context, problem: &str, allow: bool) -> Answer {
        let host = ctx.host.unwrap_or_else(runtime::host_from_env);
        if host == Host::Wazir {
            return hosts::render_canonical_error(&format!("{}: {problem}", self.name()));
        }
        let decision = if allow {
            Decision::allow(format!(
                "{} could not evaluate this call ({problem}); allowed because on_error is `allow`.",
                self.name()
            ))
        } else {
            Decision::deny(format!(
                "{name} could not evaluate this call, so it blocks it: {problem}. It fails closed \
                 because a guard that cannot read its input cannot tell a protected write from a \
                 harmless one. Do not retry the same call: report this message to the operator, who can \
                 fix the hook's input or configuration (or set `on_error: allow` in wazir.hooks.yaml).",
                name = self.name()
            ))
        };
        hosts::render_guard(host, &ctx.kind, &decision, self.block_code())
    }

    /// Maps an evaluation error to an answer.
    pub(crate) fn error_answer(self, ctx: &Context, err: &Error, on_error_allow: bool) -> Answer {
        self.failure_with(ctx, &err.to_string(), on_error_allow)
    }
}
