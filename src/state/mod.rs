//! The state directory (SPEC §6): one run per host session under `runs/<run_id>/`, with
//! `status.json`, `events.ndjson`, `captures/`, `summary.md` and `handoff.md`, and
//! `runs/latest`. The only code that touches it.
//!
//! Every change happens under an exclusive lock on the run (std's `File::lock`, stable
//! since Rust 1.89: fs2's API without the extra crate). `status.json` and the markdown
//! files are replaced atomically (temporary file, flush, rename), and each event is one
//! `write` on an append-only file, so any number of hooks at once, even one killed
//! midway, lose nothing and tear nothing.

mod clock;
pub mod report;
mod root;
mod run;
mod status;

pub use clock::now_rfc3339;
pub use root::{resolve_root, slug};
pub use run::{LockedRun, Run, Store, safe_run_id};
pub use status::{Counters, LoopState, Status};
