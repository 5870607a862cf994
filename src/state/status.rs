//! `status.json`: the original's fields (`run_id`, `project_root`, `phase`, `status`,
//! `created_at`, `updated_at`, `phase_loop_counts`, `artifacts`, `last_event`) plus this
//! product's counters and loop state. Fields written by other tools are kept as they are.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Status {
    #[serde(default)]
    pub run_id: String,
    #[serde(default)]
    pub project_root: String,
    #[serde(default)]
    pub phase: Option<String>,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub created_at: String,
    #[serde(default)]
    pub updated_at: String,
    #[serde(default)]
    pub phase_loop_counts: BTreeMap<String, u64>,
    #[serde(default)]
    pub artifacts: Map<String, Value>,
    #[serde(default)]
    pub last_event: Option<String>,
    #[serde(default)]
    pub counters: Counters,
    #[serde(default)]
    pub loop_state: LoopState,
    /// Anything else a tool stored here, preserved.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Totals for the run.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Counters {
    #[serde(default)]
    pub tool_calls: u64,
    #[serde(default)]
    pub failures: u64,
    #[serde(default)]
    pub denials: u64,
    #[serde(default)]
    pub bytes_captured: u64,
    #[serde(default)]
    pub captures: u64,
    #[serde(default)]
    pub events: u64,
    #[serde(default)]
    pub stops: u64,
    #[serde(default)]
    pub compactions: u64,
}

/// What loop-cap-guard and post-tool-capture share about the run's recent calls.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct LoopState {
    /// Key (tool + input) of the last tool call, and how many times in a row it came.
    #[serde(default)]
    pub last_call: Option<String>,
    #[serde(default)]
    pub identical_streak: u64,
    /// Calls checked by loop-cap-guard (its own count, for `max_tool_calls`).
    #[serde(default)]
    pub guarded_calls: u64,
    /// Consecutive failures per call key; a success clears its key.
    #[serde(default)]
    pub failure_streaks: BTreeMap<String, u64>,
    /// The last failing commands or inputs, newest last (evidence for a deny).
    #[serde(default)]
    pub recent_failures: Vec<String>,
    /// Stop events that came while a Stop hook was already continuing the agent.
    #[serde(default)]
    pub continuations: u64,
    /// Caps reached, with what was counted, for the summary and handoff.
    #[serde(default)]
    pub caps_hit: Vec<String>,
    /// Capture files registered before a tool ran, by tool call id.
    #[serde(default)]
    pub pending_captures: BTreeMap<String, String>,
}
