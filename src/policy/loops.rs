//! Loop caps (SPEC §5): the counters, their limits, and when a count is over. A cap of N
//! allows N and denies the next. A phase cap hands the run to the operator: the agent is
//! stopped, not just denied one call. Every counted phase is checked, not only the run's
//! current one: `wazir-hooks loop next --phase P` counts P whatever phase the run is in,
//! and tells the operator the agent is stopped once P reaches its cap.

use super::config::Config;

pub const DEFAULT_PHASE_CAP: u64 = 10;
pub const DEFAULT_MAX_REPEATED_FAILURES: u64 = 5;
pub const DEFAULT_MAX_IDENTICAL_CALLS: u64 = 8;
pub const DEFAULT_MAX_CONTINUATIONS: u64 = 5;

/// The limits in force for a project (`loop_caps` in wazir.hooks.yaml, else defaults).
#[derive(Clone, Debug)]
pub struct Caps {
    pub default_phase: u64,
    pub phases: std::collections::BTreeMap<String, u64>,
    pub max_repeated_failures: u64,
    pub max_identical_calls: u64,
    /// 0 = off.
    pub max_tool_calls: u64,
    pub max_continuations: u64,
}

impl Caps {
    pub fn from_config(config: &Config) -> Caps {
        let lc = config.hooks.loop_caps.clone().unwrap_or_default();
        Caps {
            default_phase: lc.default.map_or(DEFAULT_PHASE_CAP, u64::from),
            phases: lc
                .phases
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| (k, u64::from(v)))
                .collect(),
            max_repeated_failures: lc
                .max_repeated_failures
                .map_or(DEFAULT_MAX_REPEATED_FAILURES, u64::from),
            max_identical_calls: lc
                .max_identical_calls
                .map_or(DEFAULT_MAX_IDENTICAL_CALLS, u64::from),
            max_tool_calls: lc.max_tool_calls.map_or(0, u64::from),
            max_continuations: lc
                .max_continuations
                .map_or(DEFAULT_MAX_CONTINUATIONS, u64::from),
        }
    }

    /// A phase's cap: one the operator raised, else the configured one, else the default.
    pub fn phase_cap(&self, phase: &str, raised: Option<u64>) -> u64 {
        raised
            .or_else(|| self.phases.get(phase).copied())
            .unwrap_or(self.default_phase)
    }
}

/// What the run's counters say before a tool call (this call included where it counts).
#[derive(Clone, Debug, Default)]
pub struct Counts {
    /// Each counted phase with its iteration count and its cap, the run's current phase
    /// first (so that, of several phases at their caps, the current one is reported).
    pub phases: Vec<(String, u64, u64)>,
    /// Tool calls so far, this one included.
    pub calls: u64,
    /// Identical calls in a row, this one included.
    pub identical: u64,
    /// Failures in a row of this same call.
    pub failures_in_a_row: u64,
    /// What this call is, for the evidence.
    pub subject: String,
    pub recent_failures: Vec<String>,
}

/// A cap that a call would go over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub cap: &'static str,
    pub count: u64,
    pub limit: u64,
    pub evidence: String,
    /// The agent must stop and hand over to the operator (phase caps).
    pub stops_agent: bool,
}

/// The first cap a tool call would go over, if any.
pub fn pre_tool(caps: &Caps, c: &Counts) -> Option<Hit> {
    if let Some((phase, count, cap)) = c.phases.iter().find(|(_, count, cap)| count >= cap) {
        return Some(Hit {
            cap: "phase",
            count: *count,
            limit: *cap,
            evidence: format!("phase `{phase}` has run {count} iterations; its cap is {cap}"),
            stops_agent: true,
        });
    }
    if caps.max_tool_calls > 0 && c.calls > caps.max_tool_calls {
        return Some(Hit {
            cap: "max_tool_calls",
            count: c.calls,
            limit: caps.max_tool_calls,
            evidence: format!("{} tool calls in this run", c.calls - 1),
            stops_agent: false,
        });
    }
    if c.failures_in_a_row >= caps.max_repeated_failures {
        return Some(Hit {
            cap: "max_repeated_failures",
            count: c.failures_in_a_row,
            limit: caps.max_repeated_failures,
            evidence: format!(
                "`{}` failed {} times in a row; recent failures: {}",
                c.subject,
                c.failures_in_a_row,
                c.recent_failures.join(" | ")
            ),
            stops_agent: false,
        });
    }
    if c.identical > caps.max_identical_calls {
        return Some(Hit {
            cap: "max_identical_calls",
            count: c.identical,
            limit: caps.max_identical_calls,
            evidence: format!(
                "the same call `{}` {} times in a row",
                c.subject, c.identical
            ),
            stops_agent: false,
        });
    }
    None
}

/// Whether a Stop that arrives while a Stop hook is already continuing the agent goes
/// over the continuation cap (`count` includes this one).
pub fn continuation(caps: &Caps, count: u64) -> Option<Hit> {
    (count > caps.max_continuations).then(|| Hit {
        cap: "max_continuations",
        count,
        limit: caps.max_continuations,
        evidence: format!("the agent was kept going by Stop hooks {count} times in a row"),
        stops_agent: true,
    })
}

/// The reason shown to the model for a cap hit.
pub fn reason(hit: &Hit) -> String {
    format!(
        "Blocked by loop-cap-guard: the `{}` cap is reached ({} of {}): {}. Do not retry or work \
         around this: stop here and report to the operator what you were doing, what keeps \
         failing and what you need. The operator can raise the cap (`wazir-hooks loop raise`) \
         or reset it (`wazir-hooks loop reset`).",
        hit.cap, hit.count, hit.limit, hit.evidence
    )
}

/// A stable key for "the same call": the tool and a hash of its whole input, with the
/// command or file it names up front so a person can read it.
pub fn call_key(tool: &str, input: Option<&serde_json::Value>) -> String {
    let text = input.map(serde_json::Value::to_string).unwrap_or_default();
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let named = input
        .and_then(|i| {
            ["command", "file_path", "path", "notebook_path"]
                .iter()
                .find_map(|k| i.get(*k)?.as_str())
        })
        .unwrap_or("");
    let named: String = named.chars().take(80).collect();
    format!("{tool} {named}#{:08x}", hash as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps() -> Caps {
        Caps {
            default_phase: 3,
            phases: Default::default(),
            max_repeated_failures: 2,
            max_identical_calls: 2,
            max_tool_calls: 3,
            max_continuations: 1,
        }
    }

    #[test]
    fn a_cap_of_n_allows_n_and_denies_the_next() {
        let c = caps();
        let at = |calls| Counts {
            calls,
            ..Counts::default()
        };
        assert!(pre_tool(&c, &at(3)).is_none());
        assert_eq!(pre_tool(&c, &at(4)).unwrap().cap, "max_tool_calls");
        let same = |identical| Counts {
            identical,
            calls: 1,
            ..Counts::default()
        };
        assert!(pre_tool(&c, &same(2)).is_none());
        assert_eq!(pre_tool(&c, &same(3)).unwrap().cap, "max_identical_calls");
        let failing = |failures_in_a_row| Counts {
            failures_in_a_row,
            calls: 1,
            ..Counts::default()
        };
        assert!(pre_tool(&c, &failing(1)).is_none());
        assert_eq!(
            pre_tool(&c, &failing(2)).unwrap().cap,
            "max_repeated_failures"
        );
        assert!(continuation(&c, 1).is_none() && continuation(&c, 2).is_some());
    }

    #[test]
    fn phase_caps_stop_the_agent() {
        let c = caps();
        let counts = Counts {
            phases: vec![("review".into(), 3, 3)],
            calls: 1,
            ..Counts::default()
        };
        assert!(pre_tool(&c, &counts).unwrap().stops_agent);
        let other = Counts {
            phases: vec![("build".into(), 1, 3), ("review".into(), 3, 3)],
            calls: 1,
            ..Counts::default()
        };
        let hit = pre_tool(&c, &other).unwrap();
        assert!(
            hit.stops_agent && hit.evidence.contains("`review`"),
            "{hit:?}"
        );
        assert_eq!(c.phase_cap("review", Some(5)), 5);
    }
}
