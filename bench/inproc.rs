//! In-process benchmarks of the guard's three steps, with Criterion:
//! `cargo bench --bench inproc`.
//!
//! `process.rs` measures what a host waits for, the whole process; these measure the pieces
//! inside it, so a change to one of them shows up here long before it moves a process
//! median, which is dominated by spawning:
//!
//! - `parse/<host>`: a host's pre-tool payload (bytes) to the normalized `Event`, through
//!   `hosts::parse`, for every host;
//! - `shell/<command>`: the write targets of a shell command (`policy::shell::analyze`): a
//!   typical command, a `sed -i` and a redirect that the guard denies, and the heavy ~62 KiB
//!   command built exactly as `process.rs` builds it;
//! - `paths/<entries>`: protected-path matching (`policy::paths::Matcher`) with the standard
//!   fixture's 6 entries and the heavy fixture's 200, both the way a hook process pays it
//!   (build the matcher, then check the first path, which compiles the globs) and once
//!   compiled.
//!
//! Only the crate's public API is used. The payloads are `bench/payloads/*.json`, with
//! `__CWD__` pointing into a temporary project laid out like `process.rs`'s fixtures, so
//! path resolution reads a real directory.
//!
//! `BENCH_QUICK=1` (or Criterion's own `--quick`) keeps a full run to a few seconds a
//! benchmark; Criterion's other options work after `--` (e.g. a name filter, `--list`).

mod shared;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::Value;
use wazir_hooks::event::{Event, Host};
use wazir_hooks::hosts;
use wazir_hooks::policy::paths::Matcher;
use wazir_hooks::policy::shell;

use shared::{
    HEAVY_COMMAND_MAX_BYTES, HEAVY_COMMAND_PARTS, STANDARD_PROTECTED, heavy_command, heavy_entries,
};

/// Each host's pre-tool payload, as `process.rs` sends it.
const PARSE_CASES: [(&str, Host, &str); 5] = [
    (
        "claude-bash",
        Host::Claude,
        include_str!("payloads/claude-bash-cargo-test.json"),
    ),
    (
        "claude-write",
        Host::Claude,
        include_str!("payloads/claude-write-src.json"),
    ),
    (
        "codex-bash",
        Host::Codex,
        include_str!("payloads/codex-bash-clippy.json"),
    ),
    (
        "gemini-shell",
        Host::Gemini,
        include_str!("payloads/gemini-shell-lint.json"),
    ),
    (
        "cursor-shell",
        Host::Cursor,
        include_str!("payloads/cursor-shell-git-status.json"),
    ),
];

/// Criterion's settings: its defaults, shortened a little so the whole suite stays near a
/// minute, or much shorter with `BENCH_QUICK=1`. Command-line options still win.
fn config() -> Criterion {
    let quick = std::env::var_os("BENCH_QUICK").is_some_and(|v| !v.is_empty() && v != "0");
    let criterion = Criterion::default().without_plots();
    if quick {
        criterion
            .sample_size(20)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(1))
    } else {
        criterion
            .sample_size(100)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3))
    }
}

/// A temporary project laid out like `process.rs`'s fixtures, removed on drop.
struct Project {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Project {
    fn new() -> Project {
        let dir = tempfile::Builder::new()
            .prefix("wazir-hooks-inproc-")
            .tempdir()
            .expect("a temporary directory");
        let root = dir.path().canonicalize().expect("a canonical path");
        for (file, text) in [
            (".git/HEAD", "ref: refs/heads/main\n"),
            ("Cargo.toml", "[package]\nname = \"app\"\n"),
            ("src/main.rs", "fn main() {}\n"),
            ("roles/executor.md", "# Executor\n"),
            ("workflows/default.yaml", "phases: [plan]\n"),
            ("input/brief.md", "# Brief\n"),
            ("schemas/run.schema.json", "{}\n"),
            ("exports/hosts/claude.json", "{}\n"),
            ("crates/core/Cargo.toml", "[package]\nname = \"core\"\n"),
            ("build/reports/latest.txt", "ok\n"),
        ] {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("a directory");
            std::fs::write(path, text).expect("a fixture file");
        }
        Project { _dir: dir, root }
    }

    /// A payload template with `__CWD__` filled in (JSON-escaped by serde_json).
    fn payload(&self, template: &str) -> Vec<u8> {
        let quoted = serde_json::to_string(&self.root).expect("a UTF-8 path");
        let cwd = &quoted[1..quoted.len() - 1];
        template.trim_end().replace("__CWD__", cwd).into_bytes()
    }
}

/// What the guard does with stdin before anything else: bytes to JSON to an `Event`. The
/// runtime's own decoder (BOM, NUL and UTF-8 checks) is private; those checks are linear
/// scans, done here with the same std calls.
fn parse_payload(host: Host, bytes: &[u8]) -> Event {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    assert!(!bytes.contains(&0));
    let value: Value = serde_json::from_str(text).expect("JSON");
    hosts::parse(host, &value).expect("a payload the host sends")
}

fn bench_parse(c: &mut Criterion) {
    let project = Project::new();
    let mut group = c.benchmark_group("parse");
    for (name, host, template) in PARSE_CASES {
        let bytes = project.payload(template);
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| parse_payload(host, black_box(&bytes)));
        });
    }
    group.finish();
}

/// The shell command of a payload file's `tool_input.command`.
fn command_of(template: &str) -> String {
    let value: Value = serde_json::from_str(template).expect("a payload");
    value["tool_input"]["command"]
        .as_str()
        .expect("a shell payload")
        .to_owned()
}

fn bench_shell(c: &mut Criterion) {
    let project = Project::new();
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let standard = entries(&STANDARD_PROTECTED);
    let heavy = heavy_entries();
    let cases = [
        (
            "typical",
            command_of(include_str!("payloads/claude-bash-cargo-test.json")),
            &standard,
        ),
        (
            "sed-i",
            command_of(include_str!("payloads/claude-bash-sed-roles.json")),
            &standard,
        ),
        (
            "redirect",
            command_of(include_str!("payloads/codex-bash-dotenv.json")),
            &standard,
        ),
        (
            "heavy-62KiB",
            heavy_command(HEAVY_COMMAND_PARTS, HEAVY_COMMAND_MAX_BYTES),
            &heavy,
        ),
    ];
    let env = |k: &str| std::env::var(k).ok();
    let mut group = c.benchmark_group("shell");
    for (name, command, protected) in &cases {
        // As the guard does: searches (find, xargs) only look where the matcher says a
        // protected path could be.
        let matcher = Matcher::new(&project.root, protected, home.as_deref());
        let relevant = |p: &Path| matcher.relevant(p);
        let ctx = shell::Context {
            cwd: project.root.clone(),
            home: home.clone(),
            env: &env,
            relevant: &relevant,
        };
        let writes = shell::analyze(command, &ctx).expect("a command the guard can analyse");
        assert!(
            *name == "typical" || !writes.is_empty(),
            "{name}: no write target found"
        );
        group.throughput(Throughput::Bytes(command.len() as u64));
        group.bench_function(*name, |b| {
            b.iter(|| shell::analyze(black_box(command), &ctx));
        });
    }
    group.finish();
}

fn entries(list: &[&str]) -> Vec<String> {
    list.iter().map(|&e| e.to_owned()).collect()
}

fn bench_paths(c: &mut Criterion) {
    let project = Project::new();
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let root = &project.root;
    let standard = entries(&STANDARD_PROTECTED);
    let heavy = heavy_entries();
    // (name, entries, target, protected?): misses must try every entry; hits stop early.
    let cases: [(&str, &Vec<String>, PathBuf, bool); 5] = [
        ("6-entries/miss", &standard, root.join("src/main.rs"), false),
        (
            "6-entries/hit-dir",
            &standard,
            root.join("roles/executor.md"),
            true,
        ),
        ("6-entries/hit-glob", &standard, root.join("app/.env"), true),
        (
            "200-entries/miss",
            &heavy,
            root.join("build/reports/latest.txt"),
            false,
        ),
        (
            "200-entries/hit-glob",
            &heavy,
            root.join("infra/prod/tls/server.pem"),
            true,
        ),
    ];
    let mut group = c.benchmark_group("paths");
    for (name, protected, target, hit) in &cases {
        let check = |m: &Matcher| m.check(black_box(target), false, true).expect("a check");
        let matcher = Matcher::new(root, protected, home.as_deref());
        assert_eq!(check(&matcher).is_some(), *hit, "{name}");
        // What one hook process pays: build the matcher, check a first path (which
        // compiles the globs).
        group.bench_function(format!("{name}/new+check"), |b| {
            b.iter(|| check(&Matcher::new(root, black_box(protected), home.as_deref())));
        });
        // Each further path of the same call (a command with many write targets).
        group.bench_function(format!("{name}/check"), |b| b.iter(|| check(&matcher)));
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_parse, bench_shell, bench_paths
}
criterion_main!(benches);
