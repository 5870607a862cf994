//! Scenarios on the real codex client. Being written.
