//! The one integration-test binary: every test runs the real executables.

mod harness;
mod shell_cases;
