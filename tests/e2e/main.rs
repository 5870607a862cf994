//! End-to-end scenarios with the real Claude Code, Codex and Gemini CLI clients: each
//! client is installed from the npm registry at a pinned version, pointed at a scripted
//! model server on loopback, and run non-interactively in a fresh HOME and project whose
//! hooks `wazir-hooks install` wired. The hosts' own hook engines run our binaries and
//! judge their answers. Run with `cargo test --test e2e` (not part of `cargo test`: it
//! downloads the clients on its first run).

#![allow(clippy::print_stderr)]

mod claude;
mod codex;
mod gemini;
mod harness;
