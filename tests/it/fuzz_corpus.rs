//! The fuzz corpora (`fuzz/corpus/<target>/`, kept minimized) and the inputs of every
//! crash and hang found and fixed (`fuzz/regressions/<target>/`) replayed through the fuzz targets' bodies on stable
//! Rust, without libFuzzer: every regression and a fixed sample of each corpus, counted;
//! none may panic. `fuzz/README.md` says how to fuzz for real.

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

/// A corpus of up to this many inputs is replayed whole.
const WHOLE: usize = 2500;

/// A larger corpus is replayed as this many inputs, spread evenly over its (hash-named,
/// so unordered) files. A debug build analyses some shell inputs (globs over `/`) for a
/// second or more, and a few of the shell corpus for minutes: the whole of it would take
/// far too long, and a fixed sample keeps both the time and the count known (this one
/// replays in about 2 s; a time budget instead replayed none of the shell corpus, whose
/// regressions alone outlast it).
const SAMPLE: usize = 1000;

/// The corpus inputs replayed: all of a small corpus, else every `len / SAMPLE`-th file
/// (rounded up).
fn sample(files: &[std::path::PathBuf]) -> Vec<&std::path::PathBuf> {
    let stride = if files.len() <= WHOLE {
        1
    } else {
        files.len().div_ceil(SAMPLE)
    };
    files.iter().step_by(stride).collect()
}

#[test]
fn corpus_inputs_and_regressions_run_without_a_panic() {
    for (target, run) in TARGETS {
        let corpus = inputs("corpus", target);
        assert!(!corpus.is_empty(), "fuzz/corpus/{target} is empty");
        // The inputs of crashes and hangs found and fixed, then the corpus sample.
        let regressions = inputs("regressions", target);
        let sampled = sample(&corpus);
        let start = Instant::now();
        let (mut ran, mut slowest) = (0, (Duration::ZERO, None));
        for file in regressions.iter().chain(sampled.iter().copied()) {
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
            "{target}: {ran} inputs ({} regressions, {} of {} corpus inputs) in {:?}, slowest {:?} ({})",
            regressions.len(),
            sampled.len(),
            corpus.len(),
            start.elapsed(),
            slowest.0,
            slowest.1.map_or(String::new(), |f| f.display().to_string()),
        );
        assert_eq!(ran, regressions.len() + sampled.len(), "{target}");
        assert!(
            sampled.len() >= corpus.len().min(SAMPLE / 2),
            "{target}: {} of {} corpus inputs sampled",
            sampled.len(),
            corpus.len()
        );
    }
}
