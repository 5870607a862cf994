//! `wazir-hooks`, the command-line tool: the original's capture commands (files, events
//! and outputs under their original names), the loop commands, and the views, run as the
//! real binary in a scrubbed environment.

use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

const CLI: &str = env!("CARGO_BIN_EXE_wazir-hooks");

/// A project (with its own `wazir.hooks.yaml`, so discovery stops there), a HOME and a
/// state root, all in one temporary directory.
struct Env {
    _dir: tempfile::TempDir,
    project: PathBuf,
    state: PathBuf,
    home: PathBuf,
}

impl Env {
    fn new(hooks_yaml: &str) -> Env {
        let dir = tempfile::Builder::new()
            .prefix("wazir-cli-")
            .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
            .expect("temp dir");
        let project = dir.path().join("project");
        let home = dir.path().join("home");
        let state = dir.path().join("state");
        std::fs::create_dir_all(&project).unwrap();
        std::fs::create_dir_all(&home).unwrap();
        std::fs::write(project.join("wazir.hooks.yaml"), hooks_yaml).unwrap();
        Env {
            _dir: dir,
            project,
            state,
            home,
        }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(CLI);
        cmd.env_clear()
            .env("HOME", &self.home)
            .env("WAZIR_STATE_ROOT", &self.state)
            .current_dir(&self.project)
            .args(args);
        cmd
    }

    /// Runs a command that must succeed; its stdout.
    #[track_caller]
    fn ok(&self, args: &[&str]) -> String {
        self.ok_stdin(args, "")
    }

    #[track_caller]
    fn ok_stdin(&self, args: &[&str], stdin: &str) -> String {
        let out = self
            .cmd(args)
            .write_stdin(stdin)
            .assert()
            .success()
            .get_output()
            .clone();
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs a command that must fail with exit 1; its stderr.
    #[track_caller]
    fn fails(&self, args: &[&str], stdin: &str) -> String {
        let out = self
            .cmd(args)
            .write_stdin(stdin)
            .assert()
            .code(1)
            .stdout("")
            .get_output()
            .clone();
        String::from_utf8(out.stderr).unwrap()
    }

    fn run_dir(&self, id: &str) -> PathBuf {
        self.state.join("runs").join(id)
    }

    fn status(&self, id: &str) -> Value {
        serde_json::from_slice(&std::fs::read(self.run_dir(id).join("status.json")).unwrap())
            .unwrap()
    }

    fn events(&self, id: &str) -> Vec<Value> {
        std::fs::read_to_string(self.run_dir(id).join("events.ndjson"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("every line is one JSON object"))
            .collect()
    }

    /// Appends lines to a run's event log as the hooks would.
    fn hook_lines(&self, id: &str, lines: &str) {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(self.run_dir(id).join("events.ndjson"))
            .unwrap();
        f.write_all(lines.as_bytes()).unwrap();
    }
}

fn names(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect()
}

#[test]
fn capture_commands_write_the_originals_files_and_events() {
    let env = Env::new("");
    assert_eq!(
        env.ok(&[
            "capture", "init", "--run", "r1", "--phase", "build", "--status", "running"
        ]),
        "r1 running\n"
    );
    let run = env.run_dir("r1");
    assert_eq!(
        std::fs::read_to_string(env.state.join("runs/latest"))
            .unwrap()
            .trim(),
        "r1"
    );
    let status = env.status("r1");
    for key in [
        "run_id",
        "project_root",
        "phase",
        "status",
        "created_at",
        "updated_at",
        "phase_loop_counts",
        "artifacts",
        "last_event",
    ] {
        assert!(status.get(key).is_some(), "status.json has {key}: {status}");
    }
    assert_eq!(status["phase"], "build");
    assert_eq!(status["last_event"], "session_start");
    assert_eq!(status["artifacts"]["summary_path"], Value::Null);
    assert_eq!(
        status["artifacts"]["events_path"],
        run.join("events.ndjson").display().to_string()
    );
    assert_eq!(
        status["artifacts"]["captures_dir"],
        run.join("captures").display().to_string()
    );
    let first = &env.events("r1")[0];
    assert_eq!(first["event"], "session_start");
    assert_eq!(first["run_id"], "r1");
    assert_eq!(first["status"], "running");
    assert!(first["created_at"].as_str().unwrap().ends_with('Z'));

    // capture event: phase, status and the loop count move; the event carries them.
    assert_eq!(
        env.ok(&[
            "capture",
            "event",
            "--run",
            "r1",
            "--event",
            "phase_enter",
            "--phase",
            "review",
            "--loop-count",
            "2",
            "--message",
            "-starting"
        ]),
        "r1 phase_enter\n"
    );
    let status = env.status("r1");
    assert_eq!(status["phase"], "review");
    assert_eq!(status["phase_loop_counts"]["review"], 2);
    assert_eq!(status["last_event"], "phase_enter");
    let e = env.events("r1").pop().unwrap();
    assert_eq!(
        (e["loop_count"].as_u64(), e["message"].as_str()),
        (Some(2), Some("-starting"))
    );

    // capture route: an empty capture file named <timestamp>-<sanitized name>.log.
    let routed = env.ok(&["capture", "route", "--name", "Cargo Test!"]);
    let routed = routed.trim();
    assert!(
        routed.starts_with(&run.join("captures/").display().to_string()),
        "{routed}"
    );
    assert!(routed.ends_with("-cargo-test.log"), "{routed}");
    assert_eq!(std::fs::read(routed).unwrap(), b"");
    let e = env.events("r1").pop().unwrap();
    assert_eq!(e["event"], "pre_tool_capture_route");
    assert_eq!(
        (e["capture_path"].as_str(), e["capture_name"].as_str()),
        (Some(routed), Some("Cargo Test!"))
    );

    // capture output: stdin into the routed file, the command and its exit code logged.
    let written = env.ok_stdin(
        &[
            "capture",
            "output",
            "--command",
            "cargo test",
            "--exit-code",
            "101",
            "--capture-path",
            routed,
        ],
        "test failed\n",
    );
    assert_eq!(written.trim(), routed);
    assert_eq!(std::fs::read_to_string(routed).unwrap(), "test failed\n");
    let e = env.events("r1").pop().unwrap();
    assert_eq!(e["event"], "post_tool_capture");
    assert_eq!(
        (
            e["command"].as_str(),
            e["exit_code"].as_i64(),
            e["byte_length"].as_u64()
        ),
        (Some("cargo test"), Some(101), Some(12))
    );
    assert_eq!(env.status("r1")["artifacts"]["last_capture_path"], routed);

    // capture output without a path: a new file, named by --name and --suffix.
    let new = env.ok_stdin(
        &[
            "capture",
            "output",
            "--command",
            "ls",
            "--exit-code",
            "0",
            "--name",
            "ls",
            "--suffix",
            "txt",
        ],
        "a\nb\n",
    );
    assert!(new.trim().ends_with("-ls.txt"), "{new}");
    assert_eq!(std::fs::read_to_string(new.trim()).unwrap(), "a\nb\n");

    // capture summary: stdin into summary.md.
    let summary = env.ok_stdin(&["capture", "summary"], "# where we are\n");
    assert_eq!(summary.trim(), run.join("summary.md").display().to_string());
    assert_eq!(
        std::fs::read_to_string(run.join("summary.md")).unwrap(),
        "# where we are\n"
    );
    assert_eq!(
        env.status("r1")["artifacts"]["summary_path"],
        summary.trim()
    );
    env.ok_stdin(
        &["capture", "summary", "--event", "stop_handoff_harvest"],
        "bye\n",
    );

    assert_eq!(
        names(&env.events("r1")),
        [
            "session_start",
            "phase_enter",
            "pre_tool_capture_route",
            "post_tool_capture",
            "post_tool_capture",
            "pre_compact_summary",
            "stop_handoff_harvest"
        ]
    );
    let counters = &env.status("r1")["counters"];
    assert_eq!(
        (
            counters["tool_calls"].as_u64(),
            counters["failures"].as_u64(),
            counters["captures"].as_u64()
        ),
        (Some(2), Some(1), Some(2))
    );

    // --json: the original's objects.
    let init: Value = serde_json::from_str(&env.ok(&[
        "capture", "init", "--run", "r2", "--phase", "p", "--status", "s", "--json",
    ]))
    .unwrap();
    for key in [
        "run_id",
        "phase",
        "status",
        "state_root",
        "run_root",
        "status_path",
        "events_path",
        "captures_dir",
    ] {
        assert!(init.get(key).is_some(), "{key} in {init}");
    }
    let event: Value =
        serde_json::from_str(&env.ok(&["capture", "event", "--event", "x", "--json"])).unwrap();
    assert_eq!(
        (event["run_id"].as_str(), event["event"].as_str()),
        (Some("r2"), Some("x"))
    );
}

#[test]
fn capture_path_outside_captures_is_refused() {
    let env = Env::new("");
    env.ok(&[
        "capture", "init", "--run", "r1", "--phase", "build", "--status", "running",
    ]);
    let run = env.run_dir("r1");
    let outside = env.project.join("stolen.txt");
    std::os::unix::fs::symlink(&env.project, run.join("captures/link")).unwrap();
    let before = env.events("r1").len();
    for bad in [
        run.join("status.json"),
        run.join("captures/../status.json"),
        run.join("captures"),
        outside.clone(),
        PathBuf::from("../stolen.txt"),
        run.join("captures/link/stolen.txt"),
    ] {
        let err = env.fails(
            &[
                "capture",
                "output",
                "--command",
                "x",
                "--exit-code",
                "0",
                "--capture-path",
                &bad.display().to_string(),
            ],
            "payload\n",
        );
        assert!(
            err.contains("capture-path must stay inside"),
            "{bad:?}: {err}"
        );
    }
    assert!(!outside.exists());
    assert!(!env.project.parent().unwrap().join("stolen.txt").exists());
    assert_eq!(
        env.events("r1").len(),
        before,
        "a refused capture logs nothing"
    );
    assert!(env.status("r1")["status"] == "running");
    // A bad suffix cannot carry a path out either.
    let err = env.fails(
        &["capture", "route", "--name", "x", "--suffix", "/../../x"],
        "",
    );
    assert!(err.contains("--suffix"), "{err}");
}

#[test]
fn a_missing_run_is_an_error_with_a_message() {
    let env = Env::new("");
    for args in [
        &["status"][..],
        &["events"],
        &["summary"],
        &["loop", "status"],
        &["capture", "usage"],
    ] {
        let err = env.fails(args, "");
        assert!(
            err.starts_with("wazir-hooks: no runs under"),
            "{args:?}: {err}"
        );
    }
    let err = env.fails(&["capture", "event", "--run", "ghost", "--event", "x"], "");
    assert!(
        err.contains("run status not found") && err.contains("ghost"),
        "{err}"
    );
    let err = env.fails(&["loop", "next", "--run", "ghost", "--phase", "p"], "");
    assert!(err.contains("run status not found"), "{err}");
    assert!(
        !env.run_dir("ghost").exists(),
        "looking a run up does not create it"
    );
    let err = env.fails(&["capture", "init", "--phase", "p", "--status", "s"], "");
    assert!(err.contains("--run"), "{err}");
    // A status.json that does not parse is reported and left alone.
    env.ok(&[
        "capture", "init", "--run", "r1", "--phase", "p", "--status", "s",
    ]);
    std::fs::write(env.run_dir("r1").join("status.json"), "{torn").unwrap();
    let err = env.fails(&["capture", "event", "--event", "x"], "");
    assert!(err.contains("left untouched"), "{err}");
    assert_eq!(
        std::fs::read_to_string(env.run_dir("r1").join("status.json")).unwrap(),
        "{torn"
    );
}

#[test]
fn loop_next_reset_raise_and_status() {
    let env = Env::new("loop_caps:\n  default: 5\n  phases:\n    review: 3\n");
    env.ok(&[
        "capture", "init", "--run", "r1", "--phase", "review", "--status", "running",
    ]);
    assert_eq!(
        env.ok(&["loop", "next", "--phase", "review"]),
        "review 1/3\n"
    );
    env.ok(&["loop", "next", "--phase", "review"]);
    let third = env.ok(&["loop", "next", "--phase", "review"]);
    assert!(third.starts_with("review 3/3\ncap reached"), "{third}");
    // next only records: past the cap it still counts and succeeds.
    assert!(
        env.ok(&["loop", "next", "--phase", "review"])
            .starts_with("review 4/3\n")
    );
    assert_eq!(env.status("r1")["phase_loop_counts"]["review"], 4);
    env.ok(&["loop", "next", "--phase", "build"]);

    let table = env.ok(&["loop", "status"]);
    assert!(
        table.contains("PHASE") && table.contains("CAP FROM"),
        "{table}"
    );
    let review = table.lines().find(|l| l.starts_with("review")).unwrap();
    assert!(
        review.contains("loop_caps.phases") && review.contains("cap reached"),
        "{review}"
    );
    let build = table.lines().find(|l| l.starts_with("build")).unwrap();
    assert!(build.contains("loop_caps.default"), "{build}");
    assert!(
        table.contains("Loop state") && table.contains("identical calls in a row"),
        "{table}"
    );

    // raise: max(cap, count) + by, stored under raised_caps, shown as the effective cap.
    assert_eq!(
        env.ok(&["loop", "raise", "--phase", "review", "--by", "2"]),
        "review cap 3 -> 6 (count 4)\n"
    );
    assert_eq!(env.status("r1")["raised_caps"]["review"], 6);
    let json: Value =
        serde_json::from_str(&env.ok(&["loop", "status", "--phase", "review", "--json"])).unwrap();
    assert_eq!(json["phases"][0]["loop_cap"], 6);
    assert_eq!(json["phases"][0]["cap_source"], "raised");
    assert_eq!(json["phases"][0]["loop_count"], 4);

    // reset: back to 0; the raised cap stays.
    let reset: Value =
        serde_json::from_str(&env.ok(&["loop", "reset", "--phase", "review", "--json"])).unwrap();
    assert_eq!(
        (
            reset["loop_count"].as_u64(),
            reset["previous_count"].as_u64(),
            reset["loop_cap"].as_u64()
        ),
        (Some(0), Some(4), Some(6))
    );
    assert_eq!(env.status("r1")["phase_loop_counts"]["review"], 0);

    let events = env.events("r1");
    let loop_events: Vec<&str> = names(&events)
        .into_iter()
        .filter(|n| n.starts_with("loop"))
        .collect();
    assert_eq!(
        loop_events,
        [
            "loop_iteration",
            "loop_iteration",
            "loop_iteration",
            "loop_iteration",
            "loop_iteration",
            "loop_cap_raised",
            "loop_reset"
        ]
    );
    let raised = events
        .iter()
        .find(|e| e["event"] == "loop_cap_raised")
        .unwrap();
    assert_eq!(
        (raised["previous_cap"].as_u64(), raised["loop_cap"].as_u64()),
        (Some(3), Some(6))
    );

    // capture event --loop-count sets the same counter.
    env.ok(&[
        "capture",
        "event",
        "--event",
        "phase_loop",
        "--loop-count",
        "2",
    ]);
    assert_eq!(env.status("r1")["phase_loop_counts"]["review"], 2);
    env.cmd(&["capture", "event", "--event", "x", "--loop-count", "0"])
        .assert()
        .code(1);
}

#[test]
fn loop_cap_defaults_to_ten_without_configuration() {
    let env = Env::new("");
    env.ok(&[
        "capture", "init", "--run", "r1", "--phase", "plan", "--status", "running",
    ]);
    assert_eq!(env.ok(&["loop", "next", "--phase", "plan"]), "plan 1/10\n");
    let table = env.ok(&["loop", "status"]);
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("plan") && l.contains("built-in default")),
        "{table}"
    );
}

/// A run with what the hooks log: tool executions (one failing), file writes, a read,
/// denials, a stop, a field nobody knows yet, and a torn line.
fn run_with_hook_events(env: &Env) {
    env.ok(&[
        "capture", "init", "--run", "r1", "--phase", "build", "--status", "running",
    ]);
    env.ok_stdin(
        &[
            "capture",
            "output",
            "--command",
            "make",
            "--exit-code",
            "0",
            "--name",
            "make",
        ],
        "built\n",
    );
    env.hook_lines(
        "r1",
        concat!(
            r#"{"event":"post_tool_capture","created_at":"2026-01-02T03:04:05.000Z","run_id":"r1","tool":"Bash","tool_use_id":"t1","command":"npm test","exit_code":2,"success":false,"duration_ms":300,"output_bytes":2048,"error_tail":"x\nError: boom\n","added_later":{"a":1}}"#, "\n",
            r#"{"event":"post_tool_capture","created_at":"2026-01-02T03:04:06.000Z","run_id":"r1","tool":"Write","tool_use_id":"t2","target":"src/main.rs","success":true,"output_bytes":10}"#, "\n",
            r#"{"event":"post_tool_capture","created_at":"2026-01-02T03:04:07.000Z","run_id":"r1","tool":"Edit","tool_use_id":"t3","target":"src/main.rs","success":true,"output_bytes":10}"#, "\n",
            r#"{"event":"post_tool_capture","created_at":"2026-01-02T03:04:08.000Z","run_id":"r1","tool":"Read","tool_use_id":"t4","target":"README.md","success":true,"output_bytes":10}"#, "\n",
            "{\"event\":\"post_tool_capture\",\"torn\n",
            r#"{"event":"guard_denied","created_at":"2026-01-02T03:04:09.000Z","run_id":"r1","hook":"protected-path-write-guard","tool":"Bash","reason":"writes roles/x.md, which is protected"}"#, "\n",
            r#"{"event":"loop_cap_reached","created_at":"2026-01-02T03:04:10.000Z","run_id":"r1","cap":"max_repeated_failures","count":3,"limit":3,"evidence":["npm test"]}"#, "\n",
            r#"{"event":"session_stop","created_at":"2026-01-02T03:04:11.000Z","run_id":"r1","reason":"done","stop_hook_active":false}"#, "\n",
        ),
    );
}

#[test]
fn status_is_a_table_and_json() {
    let env = Env::new("");
    run_with_hook_events(&env);
    let table = env.ok(&["status"]);
    for needle in [
        "Run",
        "r1",
        "Phase",
        "build",
        "Last event",
        "post_tool_capture",
        "Counters",
        "tool calls",
        "Loop counts",
        "Loop state",
        "Artifacts",
        "last_capture_path",
    ] {
        assert!(table.contains(needle), "{needle} in:\n{table}");
    }
    assert!(!table.trim_start().starts_with('{'), "a table, not JSON");
    let json: Value = serde_json::from_str(&env.ok(&["status", "--json"])).unwrap();
    assert_eq!(json, env.status("r1"));
}

#[test]
fn events_is_a_table_skipping_malformed_lines_and_raw_lines_with_json() {
    let env = Env::new("");
    run_with_hook_events(&env);
    let table = env.ok(&["events"]);
    let header = table.lines().next().unwrap();
    for col in ["TIME", "EVENT", "TOOL", "COMMAND / TARGET", "EXIT"] {
        assert!(header.contains(col), "{header}");
    }
    let npm = table.lines().find(|l| l.contains("npm test")).unwrap();
    assert!(
        npm.contains("2026-01-02 03:04:05")
            && npm.contains("Bash")
            && npm.trim_end().ends_with('2'),
        "{npm}"
    );
    assert!(table.contains("9 of 9 events"), "{table}");
    assert!(table.contains("1 malformed line"), "{table}");

    let tail = env.ok(&["events", "--tail", "3"]);
    assert!(
        tail.contains("3 of 9 events")
            && tail.contains("session_stop")
            && !tail.contains("post_tool_capture"),
        "{tail}"
    );

    let out = env
        .cmd(&["events", "--json", "--tail", "2"])
        .assert()
        .success()
        .get_output()
        .clone();
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(names(&lines), ["loop_cap_reached", "session_stop"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 malformed line"));
}

#[test]
fn summary_counts_tools_failures_files_denials_and_captures() {
    let env = Env::new("");
    run_with_hook_events(&env);
    let text = env.ok(&["summary"]);
    for needle in [
        "Events by name",
        "Tool executions",
        "Failures",
        "Files written",
        "Denials",
        "Captures",
    ] {
        assert!(text.contains(needle), "{needle} in:\n{text}");
    }
    let bash = text.lines().find(|l| l.starts_with("Bash ")).unwrap();
    assert_eq!(
        bash.split_whitespace().collect::<Vec<_>>(),
        ["Bash", "1", "1"]
    );
    assert!(
        text.lines()
            .any(|l| l.contains("npm test") && l.contains("Error: boom")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("src/main.rs") && l.contains(" 2 ")),
        "{text}"
    );
    assert!(
        !text.lines().any(|l| l.starts_with("README.md")),
        "a read is not a write:\n{text}"
    );
    assert!(
        text.contains("guard_denied") && text.contains("loop_cap_reached"),
        "{text}"
    );
    assert!(text.contains("-make.log") && text.contains("6 B"), "{text}");

    let json: Value = serde_json::from_str(&env.ok(&["summary", "--json"])).unwrap();
    assert_eq!(json["tools"]["Bash"]["failures"], 1);
    assert_eq!(json["events_by_name"]["post_tool_capture"], 5);
    assert_eq!(json["files_written"][0]["target"], "src/main.rs");
    assert_eq!(json["files_written"].as_array().unwrap().len(), 1);
    assert_eq!(json["denials"].as_array().unwrap().len(), 2);
    assert_eq!(json["failures"][0]["exit_code"], 2);
    assert_eq!(json["malformed_lines"], 1);
    assert_eq!(json["captures"][0]["bytes"], 6);
}

#[test]
fn capture_usage_reports_from_the_event_log() {
    let env = Env::new("");
    run_with_hook_events(&env);
    let text = env.ok(&["capture", "usage"]);
    assert!(text.starts_with("Usage report: r1"), "{text}");
    assert!(
        text.contains("post_tool_capture") && text.contains("est."),
        "{text}"
    );
    let json: Value =
        serde_json::from_str(&env.ok(&["capture", "usage", "--phase", "build", "--json"])).unwrap();
    assert_eq!(
        json["events_by_name"]["post_tool_capture"], 1,
        "only the build phase: {json}"
    );
    assert_eq!(json["capture_bytes_raw"], 6);
}

#[test]
fn without_run_the_latest_run_else_the_named_one() {
    let env = Env::new("");
    env.ok(&[
        "capture", "init", "--run", "first", "--phase", "a", "--status", "s",
    ]);
    env.ok(&[
        "capture", "init", "--run", "second", "--phase", "b", "--status", "s",
    ]);
    assert!(
        env.ok(&["status"])
            .lines()
            .next()
            .unwrap()
            .ends_with("second")
    );
    assert!(
        env.ok(&["status", "--run", "first"])
            .lines()
            .next()
            .unwrap()
            .ends_with("first")
    );
    // --state-root wins over WAZIR_STATE_ROOT.
    let other = env.project.join("other-state");
    let other_text = other.display().to_string();
    env.ok(&[
        "capture",
        "init",
        "--run",
        "elsewhere",
        "--phase",
        "a",
        "--status",
        "s",
        "--state-root",
        &other_text,
    ]);
    assert!(other.join("runs/elsewhere/status.json").is_file());
    env.cmd(&["status", "--state-root", &other_text])
        .assert()
        .success()
        .stdout(predicate::str::contains("elsewhere"));
}
