//! The fuzz corpora (`fuzz/corpus/<target>/`, kept minimized) and the inputs of every
//! crash and hang found and fixed (`fuzz/regressions/<target>/`) replayed through the fuzz targets' bodies on stable
//! Rust, without libFuzzer, within a time budget: none may panic. `fuzz/README.md` says how to fuzz for real.

use std::path::Path;
use std::time::{Duration, Instant};

use wazir_hooks::fuzzing;

/// A fuzz target's body: any bytes in, never a panic.
type Target = fn(&[u8]);

const TARGETS: [(&str, Target); 4] = [
    ("host_payload", fuzzing::host_payload),
    ("shell_command", fuzzing::shell_command),
    ("patch_text", fuzzing::patch_text),
    ("config_text", fuzzing::config_text),
];

/// The files of `fuzz/<kind>/<target>/`, sorted; none when the folder does not exist.
fn inputs(kind: &str, target: &str) -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(kind)
        .join(target);
    let mut files: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

/// Time each target's corpus may take. A debug build analyses some shell inputs (globs
/// over `/`) for a second or more, so the corpus is replayed in its (hash-named, so
/// unordered) file order until this runs out; the regressions always run in full.
const BUDGET: Duration = Duration::from_secs(2);

#[test]
fn corpus_inputs_and_regressions_run_without_a_panic() {
    for (target, run) in TARGETS {
        let corpus = inputs("corpus", target);
        assert!(!corpus.is_empty(), "fuzz/corpus/{target} is empty");
        // The inputs of crashes and hangs found and fixed, then the corpus.
        let regressions = inputs("regressions", target);
        let start = Instant::now();
        let (mut ran, mut slowest) = (0, (Duration::ZERO, None));
        for (i, file) in regressions.iter().chain(&corpus).enumerate() {
            if i >= regressions.len() && start.elapsed() > BUDGET {
                break;
            }
            let data = std::fs::read(file).unwrap();
            let one = Instant::now();
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{target} panicked on {}", file.display());
            ran += 1;
            if one.elapsed() > slowest.0 {
                slowest = (one.elapsed(), Some(file));
            }
        }
        eprintln!(
            "{target}: {ran} of {} inputs in {:?}, slowest {:?} ({})",
            regressions.len() + corpus.len(),
            start.elapsed(),
            slowest.0,
            slowest.1.map_or(String::new(), |f| f.display().to_string()),
        );
    }
}
