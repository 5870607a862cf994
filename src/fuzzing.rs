//! The bodies of the fuzz targets in `fuzz/`, kept in the library so that a plain test
//! (`tests/it/fuzz_corpus.rs`) can replay the corpora on stable Rust without libFuzzer.
//!
//! Each function takes arbitrary bytes and must return, for every input, without a
//! panic, a hang or an unbounded allocation: each is a path a hostile payload reaches,
//! and a hook that crashes or times out lets the call through on most hosts.

use std::path::{Path, PathBuf};

use crate::event::Host;
use crate::hosts;
use crate::policy::config::Config;
use crate::policy::paths::Matcher;
use crate::policy::{patch, shell};

/// The project root of the fuzzing context. It does not exist, so what the analysis
/// reads from disk (scripts, globs, `find`) does not depend on the machine.
const ROOT: &str = "/nonexistent/wazir-fuzz/project";
const HOME: &str = "/nonexistent/wazir-fuzz/home";
/// The protected entries of the test fixture project: plain paths and globs.
const PROTECTED: [&str; 7] = [
    "input",
    "roles",
    "workflows",
    "schemas",
    "exports/hosts",
    "**/.env",
    "secrets/*.pem",
];

/// A host payload: the first byte picks the host, the rest goes through the decoding the
/// hooks use (BOM, NUL, UTF-8, JSON), then that host's parser and the parser of the host
/// detected from the payload's shape. A parsed patch is handed to the patch parser.
pub fn host_payload(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(value) = crate::runtime::decode(rest) else {
        return;
    };
    let picked = Host::ALL[usize::from(pick) % Host::ALL.len()];
    for host in [picked, hosts::detect(&value)] {
        if let Ok(event) = hosts::parse(host, &value)
            && let Some(text) = &event.patch
        {
            let _ = patch::any_targets(text);
        }
    }
}

/// A shell command (UTF-8; other bytes are skipped), analysed in a fixture-like context,
/// and every write it finds checked against the fixture's protected entries, as the
/// guard does.
pub fn shell_command(data: &[u8]) {
    quiet_caught_panics();
    let Ok(command) = std::str::from_utf8(data) else {
        return;
    };
    let protected: Vec<String> = PROTECTED.map(String::from).to_vec();
    let matcher = Matcher::new(Path::new(ROOT), &protected, Some(Path::new(HOME)));
    let env = |k: &str| match k {
        "HOME" => Some(HOME.to_owned()),
        "SAFE" => Some("build".to_owned()),
        "PATH" => Some("/usr/bin:/bin".to_owned()),
        _ => None,
    };
    let relevant = |p: &Path| matcher.relevant(p);
    let ctx = shell::Context {
        cwd: PathBuf::from(ROOT),
        home: Some(PathBuf::from(HOME)),
        env: &env,
        relevant: &relevant,
    };
    let Ok(writes) = shell::analyze(command, &ctx) else {
        return;
    };
    for w in writes {
        match &w.target {
            shell::Target::Path(p) => {
                let _ = matcher.check(p, w.recursive, w.follow);
            }
            shell::Target::Partial {
                dir,
                name_prefix,
                suffix,
            } => {
                let _ = matcher.check_partial(dir.as_deref(), name_prefix, suffix);
            }
            shell::Target::Operator(_) => {}
        }
    }
}

/// A patch (an `apply_patch` envelope or a unified diff), read with every header parser:
/// the first byte is the `-p` strip count for the explicit-strip case.
pub fn patch_text(data: &[u8]) {
    let Some((&strip, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let _ = patch::envelope_targets(&text);
    let _ = patch::diff_targets(&text, Some(usize::from(strip % 8)));
    for path in patch::any_targets(&text).unwrap_or_default() {
        let _ = patch::strip_components(&path, usize::from(strip));
    }
}

/// Configuration texts. The first byte, modulo 4, says which files exist: 0 only
/// `wazir.hooks.yaml`, 1 only the manifest, 2 and 3 both (the manifest's text, then the
/// hooks file's after the first NUL byte). A configuration that loads is compiled into a
/// matcher and checked against a few paths, as a guard would.
pub fn config_text(data: &[u8]) {
    let Some((&files, rest)) = data.split_first() else {
        return;
    };
    let (first, second) = match rest.iter().position(|&b| b == 0) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &rest[rest.len()..]),
    };
    let (Ok(first), Ok(second)) = (std::str::from_utf8(first), std::str::from_utf8(second)) else {
        return;
    };
    let (manifest, hooks) = match files % 4 {
        0 => (None, Some(first)),
        1 => (Some(first), None),
        _ => (Some(first), Some(second)),
    };
    let root = Path::new(ROOT);
    let Ok(config) = Config::from_texts(root, manifest, hooks) else {
        return;
    };
    let matcher = Matcher::new(root, &config.protected_paths, Some(Path::new(HOME)));
    for target in ["roles/x.md", ".env", "a/b/c.pem", "/etc/passwd", "."] {
        let path = root.join(target);
        let _ = matcher.check(&path, true, true);
        let _ = matcher.relevant(&path);
    }
    let _ = matcher.check_partial(Some(root), "a", ".md");
}

/// Lets a panic that the library catches (`runtime::catch_panic`) unwind to its catcher:
/// libFuzzer's panic hook would abort the process first, as the hooks' own would answer.
fn quiet_caught_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !crate::runtime::catching() {
                previous(info);
            }
        }));
    });
}
