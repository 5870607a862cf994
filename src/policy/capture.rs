//! Which shell commands are noisy enough to have their output captured to a file before
//! they run (`capture.noisy_commands`), and the byte thresholds for capturing.

use super::config::Config;

/// Test runners, builds, package installs and log tails.
pub const DEFAULT_NOISY: &[&str] = &[
    "cargo test",
    "cargo nextest",
    "cargo build",
    "cargo clippy",
    "cargo check",
    "cargo bench",
    "npm test",
    "npm run",
    "npm install",
    "npm ci",
    "npx jest",
    "npx vitest",
    "pnpm",
    "yarn",
    "pytest",
    "python -m pytest",
    "tox",
    "go test",
    "go build",
    "make",
    "cmake",
    "ninja",
    "mvn",
    "gradle",
    "./gradlew",
    "docker build",
    "docker compose",
    "pip install",
    "uv pip",
    "poetry install",
    "bundle install",
    "tail -f",
    "journalctl",
    "dotnet test",
    "dotnet build",
    "swift test",
    "swift build",
];

/// Output larger than this goes to a capture file even when not registered beforehand.
pub const DEFAULT_INLINE_MAX: u64 = 4096;
/// Claude Code tool output larger than this is replaced in the model's context by its
/// head, tail and capture path.
pub const DEFAULT_OFFLOAD_OVER: u64 = 30_000;
/// Runs kept in the state directory.
pub const DEFAULT_KEEP_RUNS: u32 = 20;

/// Whether `command` runs one of the noisy commands: a pattern matches at the start of
/// any command in a list or pipeline (after `;`, `&&`, `||`, `|`, `(`).
pub fn is_noisy(command: &str, config: &Config) -> bool {
    let patterns: Vec<&str> = match config
        .hooks
        .capture
        .as_ref()
        .and_then(|c| c.noisy_commands.as_ref())
    {
        Some(p) => p.iter().map(String::as_str).collect(),
        None => DEFAULT_NOISY.to_vec(),
    };
    let normalized = command.split_whitespace().collect::<Vec<_>>().join(" ");
    normalized
        .split([';', '&', '|', '(', '\n'])
        .map(str::trim)
        .any(|segment| {
            patterns
                .iter()
                .any(|p| segment == *p || segment.starts_with(&format!("{p} ")))
        })
}

pub fn inline_max(config: &Config) -> u64 {
    config
        .hooks
        .capture
        .as_ref()
        .and_then(|c| c.inline_max_bytes)
        .unwrap_or(DEFAULT_INLINE_MAX)
}

pub fn offload_over(config: &Config) -> u64 {
    config
        .hooks
        .capture
        .as_ref()
        .and_then(|c| c.offload_over_bytes)
        .unwrap_or(DEFAULT_OFFLOAD_OVER)
}

pub fn keep_runs(config: &Config) -> u32 {
    config
        .hooks
        .capture
        .as_ref()
        .and_then(|c| c.keep_runs)
        .unwrap_or(DEFAULT_KEEP_RUNS)
}

/// Masks every match of the `capture.redact` patterns (regular expressions) with
/// `[REDACTED]`, in event fields and capture files alike. A pattern that does not compile
/// was refused when the configuration loaded.
pub fn redactor(config: &Config) -> Option<regex::Regex> {
    let patterns = config.hooks.capture.as_ref()?.redact.as_ref()?;
    if patterns.is_empty() {
        return None;
    }
    let joined = patterns
        .iter()
        .map(|p| format!("(?:{p})"))
        .collect::<Vec<_>>()
        .join("|");
    regex::Regex::new(&joined).ok()
}

/// `text` with secrets masked.
pub fn redact<'a>(re: Option<&regex::Regex>, text: &'a str) -> std::borrow::Cow<'a, str> {
    match re {
        Some(re) => re.replace_all(text, "[REDACTED]"),
        None => std::borrow::Cow::Borrowed(text),
    }
}
