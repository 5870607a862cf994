//! What a run did, streamed from its event log in one pass (each line parsed into a
//! borrowed struct, unknown fields ignored, torn or foreign lines skipped), and the two
//! markdown files made from it: `summary.md` before compaction and `handoff.md` at stop.
//!
//! The hooks that write those files run again and again on one growing log (Stop at every
//! turn, Gemini CLI's PreCompress before every model call), so past [`CACHE_FROM_BYTES`]
//! they keep the report in `report.cache.json` with the log offset it covers, and read
//! only what was appended since. The cache is used only while the bytes just before its
//! offset are still the ones it saw; otherwise the log is read from the start.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;
use std::io::{BufRead, Read, Seek, SeekFrom};

use serde::{Deserialize, Serialize};

use super::run::{LockedRun, Run};
use super::status::Status;

const KEEP: usize = 10;
const KEEP_CAPTURES: usize = 50;

/// A log shorter than this is read whole (a few milliseconds at most): the cache file
/// would cost more than it saves.
pub const CACHE_FROM_BYTES: u64 = 256 * 1024;
const CACHE_FILE: &str = "report.cache.json";
const CACHE_VERSION: u32 = 1;
/// How many bytes before the cached offset must still match.
const CACHE_TAIL: u64 = 64;

/// What `report.cache.json` holds.
#[derive(Serialize, Deserialize)]
struct Cache {
    version: u32,
    /// The report covers the log's complete lines before this byte.
    offset: u64,
    /// The log's bytes just before `offset`, as they were.
    tail: Vec<u8>,
    report: Report,
}

#[derive(Deserialize)]
struct Line<'a> {
    #[serde(borrow)]
    event: Cow<'a, str>,
    #[serde(borrow, default)]
    created_at: Option<Text<'a>>,
    #[serde(borrow, default)]
    tool: Option<Text<'a>>,
    #[serde(borrow, default)]
    command: Option<Text<'a>>,
    #[serde(borrow, default)]
    target: Option<Text<'a>>,
    #[serde(borrow, default)]
    kind: Option<Text<'a>>,
    #[serde(default)]
    exit_code: Option<i64>,
    #[serde(default)]
    success: Option<bool>,
    #[serde(default)]
    output_bytes: Option<u64>,
    #[serde(borrow, default)]
    capture_path: Option<Text<'a>>,
    #[serde(borrow, default)]
    error_tail: Option<Text<'a>>,
    #[serde(borrow, default)]
    reason: Option<Text<'a>>,
    #[serde(borrow, default)]
    cap: Option<Text<'a>>,
    #[serde(borrow, default)]
    evidence: Option<Text<'a>>,
    #[serde(borrow, default)]
    last_assistant_message: Option<Text<'a>>,
}

/// A string field of a log line, borrowed from the line unless it has escapes. serde
/// borrows a `Cow<str>` field only when it is not inside an `Option`; as `Option<Cow>`
/// every field of every line was allocated and freed (a fifth of a summary's time).
struct Text<'a>(Cow<'a, str>);

impl std::ops::Deref for Text<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Visitor<'a> {
            type Value = Text<'a>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }

            fn visit_str<E>(self, v: &str) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(Visitor(std::marker::PhantomData))
    }
}

/// A failed tool execution.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Failure {
    pub tool: String,
    pub subject: String,
    pub exit_code: Option<i64>,
    pub error_tail: String,
    pub at: String,
}

/// A run's history, aggregated.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Report {
    pub events: u64,
    pub skipped_lines: u64,
    pub by_event: BTreeMap<String, u64>,
    /// Tool → (executions, failures).
    pub tools: BTreeMap<String, (u64, u64)>,
    pub failures: VecDeque<Failure>,
    /// Commands whose host did not say how they ended (Codex), newest last.
    pub unknown_outcome: VecDeque<String>,
    pub files_written: BTreeSet<String>,
    /// Guard denials and caps reached, newest last.
    pub blocked: VecDeque<String>,
    /// Capture files and their bytes (0 until the output is in), newest last, at most
    /// [`KEEP_CAPTURES`]: a long run makes tens of thousands, and the summary lists
    /// them (the status counts them all).
    pub captures: VecDeque<(String, u64)>,
    pub last_message: Option<String>,
    pub first_at: Option<String>,
    pub last_at: Option<String>,
}

impl Report {
    /// Reads a run's event log.
    pub fn from_run(run: &Run) -> std::io::Result<Report> {
        match std::fs::File::open(run.events_path()) {
            Ok(file) => Report::from_log(file),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Report::default()),
            Err(e) => Err(e),
        }
    }

    /// Reads a whole event log from its start.
    fn from_log(file: std::fs::File) -> std::io::Result<Report> {
        let mut report = Report::default();
        let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            if reader.read_until(b'\n', &mut buf)? == 0 {
                break;
            }
            report.line(&buf);
        }
        Ok(report)
    }

    /// The same report as [`Report::from_run`], for a hook holding the run's lock: read
    /// on from the cached report when there is a valid one, and the cache brought up to
    /// date for the next call (see the module docs).
    pub fn updated(locked: &LockedRun) -> std::io::Result<Report> {
        let run = locked.run;
        let mut file = match std::fs::File::open(run.events_path()) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Report::default()),
            Err(e) => return Err(e),
        };
        let len = file.metadata()?.len();
        if len < CACHE_FROM_BYTES {
            return Report::from_log(file);
        }
        let (mut report, mut offset) = match Cache::load(run, &mut file, len) {
            Some(cache) => (cache.report, cache.offset),
            None => (Report::default(), 0),
        };
        file.seek(SeekFrom::Start(offset))?;
        let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
        let mut buf = Vec::new();
        let mut torn = None;
        loop {
            buf.clear();
            let n = reader.read_until(b'\n', &mut buf)?;
            if n == 0 {
                break;
            }
            if buf.last() != Some(&b'\n') {
                // A line still being written: in this report, not in the cache.
                torn = Some(std::mem::take(&mut buf));
                break;
            }
            report.line(&buf);
            offset += n as u64;
        }
        let mut file = reader.into_inner();
        let tail_len = offset.min(CACHE_TAIL);
        let mut tail = vec![0; tail_len as usize];
        file.seek(SeekFrom::Start(offset - tail_len))?;
        file.read_exact(&mut tail)?;
        let cache = Cache {
            version: CACHE_VERSION,
            offset,
            tail,
            report,
        };
        // Only an optimisation: a cache that cannot be written is read around next time.
        if let Ok(text) = serde_json::to_string(&cache) {
            let _ = locked.write_file(CACHE_FILE, &text);
        }
        let mut report = cache.report;
        if let Some(line) = torn {
            report.line(&line);
        }
        Ok(report)
    }

    /// Adds one line of the log.
    fn line(&mut self, buf: &[u8]) {
        // One UTF-8 check of the whole line, then a parse that trusts it: serde_json's
        // byte parser checks every string on its own, which costs more (profiled).
        let parsed = std::str::from_utf8(buf)
            .ok()
            .and_then(|text| serde_json::from_str::<Line>(text).ok());
        match parsed {
            Some(line) => self.add(&line),
            None if buf.iter().all(u8::is_ascii_whitespace) => {}
            None => self.skipped_lines += 1,
        }
    }

    fn add(&mut self, l: &Line) {
        // Called once per event of a log that may hold 100,000: no allocation for what
        // is already known.
        self.events += 1;
        bump(&mut self.by_event, &l.event, 1);
        if let Some(at) = &l.created_at {
            if self.first_at.is_none() {
                self.first_at = Some(at.to_string());
            }
            let last = self.last_at.get_or_insert_with(String::new);
            last.clear();
            last.push_str(at);
        }
        let subject = || {
            l.command
                .as_deref()
                .or(l.target.as_deref())
                .unwrap_or("")
                .to_owned()
        };
        match l.event.as_ref() {
            "post_tool_capture" => {
                let tool = l.tool.as_deref().unwrap_or("(command)");
                let failed = l.success == Some(false) || l.exit_code.is_some_and(|c| c != 0);
                match self.tools.get_mut(tool) {
                    Some(entry) => *entry = (entry.0 + 1, entry.1 + u64::from(failed)),
                    None => {
                        self.tools.insert(tool.to_owned(), (1, u64::from(failed)));
                    }
                }
                if failed {
                    push_capped(
                        &mut self.failures,
                        Failure {
                            tool: tool.to_owned(),
                            subject: subject(),
                            exit_code: l.exit_code,
                            error_tail: l.error_tail.as_deref().unwrap_or("").to_owned(),
                            at: l.created_at.as_deref().unwrap_or("").to_owned(),
                        },
                    );
                } else if l.success.is_none() && l.exit_code.is_none() && l.command.is_some() {
                    push_capped(&mut self.unknown_outcome, subject());
                } else if let (Some(t), Some("write")) = (&l.target, l.kind.as_deref())
                    && !self.files_written.contains(&**t)
                {
                    self.files_written.insert(t.to_string());
                }
                if let (Some(p), Some(n)) = (&l.capture_path, l.output_bytes) {
                    self.capture(p, Some(n));
                }
            }
            "pre_tool_capture_route" => {
                if let Some(p) = &l.capture_path {
                    self.capture(p, None);
                }
            }
            "guard_denied" => push_capped(
                &mut self.blocked,
                format!(
                    "denied {}: {}",
                    l.tool.as_deref().unwrap_or("a call"),
                    first_line(l.reason.as_deref().unwrap_or(""))
                ),
            ),
            "loop_cap_reached" => push_capped(
                &mut self.blocked,
                format!(
                    "loop cap `{}`: {}",
                    l.cap.as_deref().unwrap_or("?"),
                    l.evidence.as_deref().unwrap_or("")
                ),
            ),
            "session_stop" => {
                if let Some(m) = &l.last_assistant_message {
                    self.last_message = Some(m.to_string());
                }
            }
            _ => {}
        }
    }

    /// Records a capture file, with its size once known; a known one keeps its place.
    fn capture(&mut self, path: &str, bytes: Option<u64>) {
        if let Some(entry) = self.captures.iter_mut().rev().find(|(p, _)| p == path) {
            if let Some(n) = bytes {
                entry.1 = n;
            }
            return;
        }
        if self.captures.len() == KEEP_CAPTURES {
            self.captures.pop_front();
        }
        self.captures
            .push_back((path.to_owned(), bytes.unwrap_or(0)));
    }

    /// `summary.md`: what a resumed session needs after compaction.
    pub fn summary_markdown(&self, status: &Status) -> String {
        let mut md = format!("# Run {} — summary before compaction\n\n", status.run_id);
        self.common_sections(status, &mut md);
        md
    }

    /// `handoff.md`: what the next session needs.
    pub fn handoff_markdown(&self, status: &Status, stop_reason: &str) -> String {
        let mut md = format!("# Handoff from run {}\n\n", status.run_id);
        let _ = writeln!(
            md,
            "Status at stop: {} (phase {}, {}). Stopped at {}.\n",
            if status.status.is_empty() {
                "active"
            } else {
                &status.status
            },
            status.phase.as_deref().unwrap_or("none"),
            stop_reason,
            self.last_at.as_deref().unwrap_or("?")
        );
        if let Some(m) = &self.last_message {
            let _ = writeln!(md, "## Last assistant message\n\n{}\n", truncate(m, 1500));
        }
        self.common_sections(status, &mut md);
        md
    }

    fn common_sections(&self, status: &Status, md: &mut String) {
        let c = &status.counters;
        let _ = writeln!(
            md,
            "Totals: {} tool executions, {} failed, {} denied, {} events, {} bytes captured.\n",
            c.tool_calls, c.failures, c.denials, self.events, c.bytes_captured
        );
        if !self.tools.is_empty() {
            md.push_str("## Tool executions\n\n| tool | runs | failed |\n|---|---:|---:|\n");
            for (tool, (n, f)) in &self.tools {
                let _ = writeln!(md, "| {} | {n} | {f} |", cell(tool));
            }
            md.push('\n');
        }
        if !self.failures.is_empty() {
            md.push_str("## Failing or failed (most recent last)\n\n");
            for f in &self.failures {
                let code = f
                    .exit_code
                    .map_or(String::new(), |c| format!(" (exit {c})"));
                let _ = writeln!(md, "- {} `{}`{code}", f.tool, truncate(&f.subject, 200));
                for line in f
                    .error_tail
                    .lines()
                    .rev()
                    .take(3)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                {
                    let _ = writeln!(md, "    {}", truncate(line, 200));
                }
            }
            md.push('\n');
        }
        if !self.unknown_outcome.is_empty() {
            md.push_str("## Ran, outcome not reported by the host (most recent last)\n\n");
            for c in &self.unknown_outcome {
                let _ = writeln!(md, "- `{}`", truncate(c, 200));
            }
            md.push('\n');
        }
        if !self.files_written.is_empty() {
            md.push_str("## Files written\n\n");
            for f in self.files_written.iter().take(50) {
                let _ = writeln!(md, "- {f}");
            }
            if self.files_written.len() > 50 {
                let _ = writeln!(md, "- … and {} more", self.files_written.len() - 50);
            }
            md.push('\n');
        }
        if !self.blocked.is_empty() || !status.loop_state.caps_hit.is_empty() {
            md.push_str("## Blocked (denials and loop caps)\n\n");
            for b in &self.blocked {
                let _ = writeln!(md, "- {}", truncate(b, 300));
            }
            md.push('\n');
        }
        let ls = &status.loop_state;
        if !status.phase_loop_counts.is_empty()
            || !ls.failure_streaks.is_empty()
            || ls.continuations > 0
        {
            md.push_str("## Loop counters\n\n");
            for (p, n) in &status.phase_loop_counts {
                let _ = writeln!(md, "- phase {p}: {n} iterations");
            }
            for (k, n) in &ls.failure_streaks {
                let _ = writeln!(md, "- failing {n} times in a row: {}", truncate(k, 120));
            }
            if ls.continuations > 0 {
                let _ = writeln!(md, "- stop continuations: {}", ls.continuations);
            }
            md.push('\n');
        }
        if !self.captures.is_empty() {
            let _ = writeln!(
                md,
                "## Captured output ({} files in all; the newest {} here)\n",
                c.captures.max(self.captures.len() as u64),
                self.captures.len()
            );
            for (p, n) in &self.captures {
                let _ = writeln!(md, "- {p} ({n} bytes)");
            }
            md.push('\n');
        }
        if self.skipped_lines > 0 {
            let _ = writeln!(
                md,
                "({} unreadable event lines skipped.)",
                self.skipped_lines
            );
        }
    }
}

impl Cache {
    /// The run's cache, if there is one, it is ours, and the log still holds the bytes it
    /// was made from.
    fn load(run: &Run, log: &mut std::fs::File, len: u64) -> Option<Cache> {
        let text = std::fs::read(run.dir.join(CACHE_FILE)).ok()?;
        let cache: Cache = serde_json::from_slice(&text).ok()?;
        let tail_len = cache.tail.len() as u64;
        if cache.version != CACHE_VERSION
            || cache.offset > len
            || tail_len > cache.offset
            || tail_len != cache.offset.min(CACHE_TAIL)
        {
            return None;
        }
        let mut seen = vec![0; cache.tail.len()];
        log.seek(SeekFrom::Start(cache.offset - tail_len)).ok()?;
        log.read_exact(&mut seen).ok()?;
        (seen == cache.tail).then_some(cache)
    }
}

/// Adds `n` to `key`'s count, allocating the key only the first time.
fn bump(map: &mut BTreeMap<String, u64>, key: &str, n: u64) {
    match map.get_mut(key) {
        Some(count) => *count += n,
        None => {
            map.insert(key.to_owned(), n);
        }
    }
}

fn push_capped<T>(q: &mut VecDeque<T>, item: T) {
    if q.len() == KEEP {
        q.pop_front();
    }
    q.push_back(item);
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// At most `max` characters, with an ellipsis when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}
