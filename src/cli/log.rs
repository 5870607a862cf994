//! Reading `events.ndjson` for the views: one JSON object a line; blank lines are
//! skipped, lines that are not a JSON object are skipped and counted, and fields this
//! tool does not know are ignored.

use serde_json::{Map, Value};

use super::error::CliError;
use crate::state::Run;

/// One event as it was logged.
pub(crate) struct Logged {
    /// The line, as written (for `events --json`).
    pub raw: String,
    pub fields: Map<String, Value>,
}

impl Logged {
    pub(crate) fn str(&self, key: &str) -> Option<&str> {
        self.fields.get(key).and_then(Value::as_str)
    }

    pub(crate) fn name(&self) -> &str {
        self.str("event").unwrap_or("(unnamed)")
    }

    pub(crate) fn created_at(&self) -> &str {
        self.str("created_at").unwrap_or("")
    }

    pub(crate) fn int(&self, key: &str) -> Option<i64> {
        let v = self.fields.get(key)?;
        v.as_i64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
    }

    pub(crate) fn uint(&self, key: &str) -> Option<u64> {
        self.int(key).and_then(|n| u64::try_from(n).ok())
    }

    /// Text for a field that may be a string, a list of strings, a number or a bool.
    pub(crate) fn text(&self, key: &str) -> Option<String> {
        match self.fields.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Array(items) => {
                let parts: Vec<String> = items
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                    .collect();
                (!parts.is_empty()).then(|| parts.join(", "))
            }
            Value::Null => None,
            other => Some(other.to_string()),
        }
    }

    /// Whether a tool execution failed: its `success` flag, else a non-zero exit code.
    pub(crate) fn failed(&self) -> bool {
        match self.fields.get("success").and_then(Value::as_bool) {
            Some(success) => !success,
            None => self.int("exit_code").is_some_and(|c| c != 0),
        }
    }
}

/// The run's events, oldest first, and how many lines could not be read.
pub(crate) struct EventLog {
    pub events: Vec<Logged>,
    pub malformed: usize,
}

impl EventLog {
    pub(crate) fn read(run: &Run) -> Result<EventLog, CliError> {
        let path = run.events_path();
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(CliError::io("cannot read", path, e)),
        };
        Ok(EventLog::parse(&String::from_utf8_lossy(&bytes)))
    }

    pub(crate) fn parse(text: &str) -> EventLog {
        let mut log = EventLog {
            events: Vec::new(),
            malformed: 0,
        };
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            match serde_json::from_str::<Value>(line) {
                Ok(Value::Object(fields)) => log.events.push(Logged {
                    raw: line.to_owned(),
                    fields,
                }),
                _ => log.malformed += 1,
            }
        }
        log
    }

    /// A note about skipped lines, if any.
    pub(crate) fn malformed_note(&self) -> Option<String> {
        match self.malformed {
            0 => None,
            1 => Some("1 malformed line in events.ndjson was skipped".into()),
            n => Some(format!("{n} malformed lines in events.ndjson were skipped")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_and_counts_malformed_lines() {
        let log = EventLog::parse(
            "{\"event\":\"a\",\"exit_code\":\"2\",\"x\":{}}\n\n{torn\n[1]\n{\"event\":\"b\",\"success\":true,\"exit_code\":1}\n",
        );
        assert_eq!(log.events.len(), 2);
        assert_eq!(log.malformed, 2);
        assert!(log.events[0].failed());
        assert!(!log.events[1].failed());
    }
}
