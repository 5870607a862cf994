//! The one integration-test binary: every test runs the real executables.

// Tests report what they measured (corpus counts) on stderr; the library itself prints
// only through its output module.
#![allow(clippy::print_stderr)]

mod bad_input;
mod canonical;
mod cli;
mod config;
mod contracts;
mod detection;
mod file_tools;
mod fuzz_corpus;
mod harness;
mod install;
mod loop_caps;
mod properties;
mod self_protection;
mod session;
mod shell_cases;
mod tools;
mod user_policy;
