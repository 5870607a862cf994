//! What a run did, streamed from its event log in one pass (each line parsed into a
//! borrowed struct, unknown fields ignored, torn or foreign lines skipped), and the two
//! markdown files made from it: `summary.md` before compaction and `handoff.md` at stop.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;
use std::io::BufRead;

use serde::Deserialize;

use super::run::Run;
use super::status::Status;

const KEEP: usize = 10;

#[derive(Deserialize)]
struct Line<'a> {
    #[serde(borrow)]
    event: Cow<'a, str>,
    #[serde(borrow, default)]
    created_at: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    tool: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    command: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    target: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    kind: Option<Cow<'a, str>>,
    #[serde(default)]
    exit_code: Option<i64>,
    #[serde(default)]
    success: Option<bool>,
    #[serde(default)]
    output_bytes: Option<u64>,
    #[serde(borrow, default)]
    capture_path: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    error_tail: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    reason: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    cap: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    evidence: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    last_assistant_message: Option<Cow<'a, str>>,
}

/// A failed tool execution.
#[derive(Clone, Debug)]
pub struct Failure {
    pub tool: String,
    pub subject: String,
    pub exit_code: Option<i64>,
    pub error_tail: String,
    pub at: String,
}

/// A run's history, aggregated.
#[derive(Clone, Debug, Default)]
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
    /// Capture file → bytes.
    pub captures: BTreeMap<String, u64>,
    pub last_message: Option<String>,
    pub first_at: Option<String>,
    pub last_at: Option<String>,
}

impl Report {
    /// Reads a run's event log.
    pub fn from_run(run: &Run) -> std::io::Result<Report> {
        let mut report = Report::default();
        let file = match std::fs::File::open(run.events_path()) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(report),
            Err(e) => return Err(e),
        };
        let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            if reader.read_until(b'\n', &mut buf)? == 0 {
                break;
            }
            match serde_json::from_slice::<Line>(&buf) {
                Ok(line) => report.add(&line),
                Err(_) if buf.iter().all(u8::is_ascii_whitespace) => {}
                Err(_) => report.skipped_lines += 1,
            }
        }
        Ok(report)
    }

    fn add(&mut self, l: &Line) {
        self.events += 1;
        *self.by_event.entry(l.event.to_string()).or_default() += 1;
        if let Some(at) = &l.created_at {
            if self.first_at.is_none() {
                self.first_at = Some(at.to_string());
            }
            self.last_at = Some(at.to_string());
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
                let tool = l.tool.as_deref().unwrap_or("(command)").to_owned();
                let failed = l.success == Some(false) || l.exit_code.is_some_and(|c| c != 0);
                let entry = self.tools.entry(tool.clone()).or_default();
                entry.0 += 1;
                if failed {
                    entry.1 += 1;
                    push_capped(
                        &mut self.failures,
                        Failure {
                            tool,
                            subject: subject(),
                            exit_code: l.exit_code,
                            error_tail: l.error_tail.as_deref().unwrap_or("").to_owned(),
                            at: l.created_at.as_deref().unwrap_or("").to_owned(),
                        },
                    );
                } else if l.success.is_none() && l.exit_code.is_none() && l.command.is_some() {
                    push_capped(&mut self.unknown_outcome, subject());
                } else if let (Some(t), Some("write")) = (&l.target, l.kind.as_deref()) {
                    self.files_written.insert(t.to_string());
                }
                if let (Some(p), Some(n)) = (&l.capture_path, l.output_bytes) {
                    self.captures.insert(p.to_string(), n);
                }
            }
            "pre_tool_capture_route" => {
                if let Some(p) = &l.capture_path {
                    self.captures.entry(p.to_string()).or_insert(0);
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
            md.push_str("## Captured output\n\n");
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
