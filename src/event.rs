//! The normalized event every host payload is parsed into, and the decision every hook
//! hands back. Hosts produce and consume these; policy and hooks only ever see these.

use std::path::PathBuf;

/// The protocol a hook speaks on stdin and stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Host {
    Claude,
    Cursor,
    Gemini,
    Codex,
    /// The original Wazir canonical protocol (exit 42/43, `guard_decision`).
    Wazir,
}

impl Host {
    /// Every host, in the order the CLI lists them.
    pub const ALL: [Host; 5] = [
        Host::Claude,
        Host::Cursor,
        Host::Gemini,
        Host::Codex,
        Host::Wazir,
    ];

    /// The name used by `--host`.
    pub fn name(self) -> &'static str {
        match self {
            Host::Claude => "claude",
            Host::Cursor => "cursor",
            Host::Gemini => "gemini",
            Host::Codex => "codex",
            Host::Wazir => "wazir",
        }
    }

    /// Parses a `--host` value.
    pub fn from_name(name: &str) -> Option<Host> {
        Host::ALL.into_iter().find(|h| h.name() == name)
    }
}

/// What happened on the host, independent of how that host spells it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// Before a tool runs (Claude/Codex `PreToolUse`, Gemini `BeforeTool`, Cursor `preToolUse`).
    PreTool,
    /// Cursor's dedicated `beforeShellExecution`.
    BeforeShell,
    /// Cursor's dedicated `beforeMCPExecution`.
    BeforeMcp,
    /// A canonical (`wazir`) guard call, which has no event name.
    Canonical,
    /// A session starts, resumes, or comes back from compaction.
    SessionStart,
    /// After a tool ran, successfully or not (`failed` says which).
    PostTool,
    /// Before the context is compacted.
    PreCompact,
    /// The agent finished a turn (Claude/Codex `Stop`, Gemini `AfterAgent`, Cursor `stop`).
    Stop,
    /// The session ends.
    SessionEnd,
    /// Any other event, named as the host named it.
    Other(String),
}

/// What a tool does, as far as a guard is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToolKind {
    /// Writes or edits the files in `targets`.
    FileWrite,
    /// Applies a patch whose text is in `patch`.
    Patch,
    /// Runs the shell command in `command`.
    Shell,
    /// Runs the PowerShell command in `command`.
    PowerShell,
    /// Only reads.
    Read,
    /// Known to touch no file (agents, plans, questions), or not a tool event at all.
    Other,
    /// A tool the host does not document as read-only or as a writer we model (an MCP
    /// tool of an unknown server, a host's newer tool): every string in its input that
    /// reaches a protected path counts as written.
    Unknown,
}

/// What a file tool leaves in its file, where its input says so: the whole new content,
/// or replacements applied to the current content in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    Content(String),
    Replace(Vec<Replacement>),
}

/// One `old → new` replacement of an edit tool; `all` replaces every occurrence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replacement {
    pub old: String,
    pub new: String,
    pub all: bool,
}

/// One hook invocation, normalized.
#[derive(Clone, Debug)]
pub struct Event {
    pub host: Host,
    pub kind: EventKind,
    pub session_id: Option<String>,
    /// The directory the tool runs in (absolute when the host sent an absolute one).
    pub cwd: Option<PathBuf>,
    /// The project folders the host says the session belongs to, which `cwd` may have
    /// left (the agent can `cd` elsewhere): the guard applies their protection too.
    pub project_dirs: Vec<PathBuf>,
    pub tool_name: Option<String>,
    pub tool_kind: ToolKind,
    /// File paths the tool writes (file tools), exactly as the host sent them.
    pub targets: Vec<String>,
    /// The tool may act on a folder and everything beneath it (MCP moves and deletes,
    /// Cursor's Delete).
    pub recursive_targets: bool,
    /// The shell command (shell tools).
    pub command: Option<String>,
    /// The patch text (apply_patch and friends).
    pub patch: Option<String>,
    /// For a file tool with one target: what the file holds after the call.
    pub edit: Option<Edit>,
    /// Fields only the canonical protocol carries.
    pub canonical: Option<Canonical>,
    /// The tool's input as the host sent it (for telling identical calls apart).
    pub tool_input: Option<serde_json::Value>,
    pub tool_use_id: Option<String>,
    /// SessionStart `source` (startup, resume, clear, compact), PreCompact `trigger`.
    pub source: Option<String>,
    /// After a tool: its output as text, its error text, exit code, duration.
    pub output: Option<String>,
    pub error: Option<String>,
    pub exit_code: Option<i64>,
    pub duration_ms: Option<u64>,
    pub failed: bool,
    /// Whether the host said how the tool ended. Codex's PostToolUse carries only the
    /// command's output, so a failed shell command looks like a successful one there.
    pub outcome_known: bool,
    /// The tool's structured response (Claude), kept to rewrite it in the same shape.
    pub response: Option<serde_json::Value>,
    /// Stop: the agent is already continuing because of a Stop hook.
    pub stop_hook_active: bool,
    pub last_message: Option<String>,
    /// SessionEnd `reason`, Cursor stop `status`.
    pub reason: Option<String>,
}

impl Event {
    /// An event with nothing but its host and kind.
    pub fn new(host: Host, kind: EventKind) -> Event {
        Event {
            host,
            kind,
            session_id: None,
            cwd: None,
            project_dirs: Vec::new(),
            tool_name: None,
            tool_kind: ToolKind::Other,
            targets: Vec::new(),
            recursive_targets: false,
            command: None,
            patch: None,
            edit: None,
            canonical: None,
            tool_input: None,
            tool_use_id: None,
            source: None,
            output: None,
            error: None,
            exit_code: None,
            duration_ms: None,
            failed: false,
            outcome_known: true,
            response: None,
            stop_hook_active: false,
            last_message: None,
            reason: None,
        }
    }
}

/// The original contract's own fields (SPEC §3).
#[derive(Clone, Debug, Default)]
pub struct Canonical {
    pub target_path: Option<String>,
    pub project_root: Option<String>,
    pub approved_flow: Option<String>,
    pub run_id: Option<String>,
    pub phase: Option<String>,
    pub state_root: Option<String>,
    /// As sent: the guard decides whether it is a positive integer.
    pub loop_cap: Option<serde_json::Value>,
}

/// A guard's answer, before a host renders it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    /// Written for the model: the rule, the path, what to do instead.
    pub reason: String,
    /// The protected entry that matched, for the canonical protocol's output.
    pub protected_path: Option<String>,
    /// The target relative to the project root, for the canonical protocol's output.
    pub relative_target_path: Option<String>,
    /// More fields for the canonical protocol's `guard_decision`.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Decision {
    /// Lets the call through, saying why.
    pub fn allow(reason: impl Into<String>) -> Decision {
        Decision {
            allowed: true,
            reason: reason.into(),
            protected_path: None,
            relative_target_path: None,
            extra: serde_json::Map::new(),
        }
    }

    /// Blocks the call, saying why.
    pub fn deny(reason: impl Into<String>) -> Decision {
        Decision {
            allowed: false,
            reason: reason.into(),
            protected_path: None,
            relative_target_path: None,
            extra: serde_json::Map::new(),
        }
    }
}

/// Bytes for stdout and stderr, and the exit code: what a process finally says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Answer {
    pub stdout: String,
    pub stderr: String,
    pub exit: u8,
}
