//! Scenarios on the real Gemini CLI client (0.61.0): `gemini -p … -o json --yolo` in a
//! fresh HOME and project wired by `wazir-hooks install --host gemini --trust`, against a
//! scripted Gemini API on loopback. Gemini CLI only loads a project's hooks in a trusted
//! folder, so `GEMINI_CLI_TRUST_WORKSPACE` is removed from its environment: the folder
//! trust our installer records is what makes the hooks run at all.
//!
//! The model server answers each main request (the ones offering `functionDeclarations`)
//! with the next scripted function call, picked by counting the `functionResponse` parts
//! already in the conversation, and with a text once the script is spent. The next
//! request therefore carries the client's own report of every call ("Tool execution
//! blocked: <reason>" for a call a hook blocked), which is what the scenarios read.

use std::collections::BTreeMap;
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::{CONFIG, GEMINI, ModelServer, Reply, Request, Sandbox, bin_dir, client, run};

/// Each client run is killed after this.
const LIMIT: Duration = Duration::from_secs(90);

/// The text the scripted model ends every session with.
const FINAL_TEXT: &str = "All scripted steps are done: wazir-e2e-gemini-final-7c1f.";

/// How many times the server gives the final text before it decides the client is stuck
/// in a continuation loop (a hook that keeps answering "retry" after the turn) and
/// answers with an error instead, so that the run ends quickly and the test says why.
const RUNAWAY: usize = 4;

/// One scripted model turn: a function call.
struct Call {
    name: &'static str,
    args: Value,
}

fn call(name: &'static str, args: Value) -> Call {
    Call { name, args }
}

fn shell(command: &str) -> Call {
    call(
        "run_shell_command",
        json!({ "command": command, "description": "scripted step" }),
    )
}

/// The id the server gives the function call of step `n`.
fn call_id(n: usize) -> String {
    format!("wazir-call-{n}")
}

/// A main request offers tools; the model router's side request does not.
fn is_main(body: &Value) -> bool {
    body["tools"].as_array().is_some_and(|tools| {
        tools
            .iter()
            .any(|t| t.get("functionDeclarations").is_some())
    })
}

/// Every `functionResponse` part in a request's conversation, in order.
fn function_responses(body: &Value) -> Vec<Value> {
    body["contents"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["parts"].as_array().into_iter().flatten())
        .filter_map(|p| p.get("functionResponse").cloned())
        .collect()
}

fn model_reply(path: &str, parts: Value) -> Reply {
    let body = json!({
        "candidates": [{
            "content": { "role": "model", "parts": parts },
            "finishReason": "STOP",
            "index": 0
        }],
        "usageMetadata": { "promptTokenCount": 10, "candidatesTokenCount": 5, "totalTokenCount": 15 }
    });
    if path.contains(":streamGenerateContent") {
        Reply::sse(&[("", body)])
    } else {
        Reply::json(&body)
    }
}

/// The scripted Gemini API; `finals` counts the final text answers it gave.
fn scripted(
    script: Vec<Call>,
    finals: Arc<AtomicUsize>,
) -> Box<dyn Fn(&Request) -> Reply + Send + Sync> {
    Box::new(move |req: &Request| {
        let generate =
            req.path.contains(":generateContent") || req.path.contains(":streamGenerateContent");
        if req.method != "POST" || !generate {
            return Reply::not_found();
        }
        if !is_main(&req.body) {
            // The model router (and any other JSON side request): a simple task.
            let text = json!({
                "complexity_reasoning": "a scripted test step",
                "complexity_score": 1,
                "reasoning": "the scripted model is done",
                "next_speaker": "user"
            })
            .to_string();
            return model_reply(&req.path, json!([{ "text": text }]));
        }
        let n = function_responses(&req.body).len();
        match script.get(n) {
            Some(step) => model_reply(
                &req.path,
                json!([{ "functionCall": { "name": step.name, "args": step.args, "id": call_id(n) } }]),
            ),
            None if finals.fetch_add(1, Ordering::SeqCst) < RUNAWAY => {
                model_reply(&req.path, json!([{ "text": FINAL_TEXT }]))
            }
            None => Reply {
                status: 400,
                content_type: "application/json",
                body: json!({ "error": {
                    "code": 400,
                    "message": "wazir e2e: the session keeps going after its final answer",
                    "status": "INVALID_ARGUMENT"
                }})
                .to_string()
                .into_bytes(),
            },
        }
    })
}

/// A sandbox whose project has our Gemini CLI hooks installed with `--trust`, and a user
/// settings file that selects API-key auth (a custom base URL needs it).
fn gemini_sandbox(config: &str) -> Sandbox {
    let sb = gemini_sandbox_untrusted(config);
    sb.install_hooks("gemini");
    assert_trusted(&sb);
    sb
}

/// The same sandbox with Gemini CLI's user settings but no hooks installed yet.
fn gemini_sandbox_untrusted(config: &str) -> Sandbox {
    let sb = Sandbox::new(config);
    let user = sb.home.join(".gemini");
    std::fs::create_dir_all(&user).unwrap();
    std::fs::write(
        user.join("settings.json"),
        serde_json::to_string_pretty(&json!({
            "security": { "auth": { "selectedType": "gemini-api-key" } },
            "privacy": { "usageStatisticsEnabled": false }
        }))
        .unwrap(),
    )
    .unwrap();
    sb
}

/// `~/.gemini/trustedFolders.json` holds the project as `TRUST_FOLDER`.
fn assert_trusted(sb: &Sandbox) {
    let path = sb.home.join(".gemini/trustedFolders.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("install --trust writes {}: {e}", path.display()));
    let trusted: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        trusted[sb.project.to_str().unwrap()],
        "TRUST_FOLDER",
        "install --trust records the project as trusted: {trusted}"
    );
    assert!(sb.project.join(".gemini/settings.json").is_file());
}

/// `wazir-hooks doctor --host gemini` as `Sandbox::wazir` runs it, but with no
/// `GEMINI_CLI_TRUST_WORKSPACE` (which would stand in for the folder trust).
fn doctor(sb: &Sandbox) -> Output {
    Command::new(bin_dir().join("wazir-hooks"))
        .args(["doctor", "--host", "gemini", "--home"])
        .arg(&sb.home)
        .current_dir(&sb.project)
        .env("HOME", &sb.home)
        .env("WAZIR_STATE_ROOT", &sb.state)
        .env_remove("GEMINI_CLI_TRUST_WORKSPACE")
        .env_remove("GEMINI_RESTRICTED_MODE")
        .env_remove("GEMINI_CLI_HOME")
        .env_remove("GEMINI_CLI_TRUSTED_FOLDERS_PATH")
        .output()
        .unwrap()
}

/// One finished client run.
struct Session {
    label: String,
    out: Output,
    requests: Vec<Request>,
    /// How many final text answers the server gave.
    finals: usize,
    elapsed: Duration,
}

impl Session {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }

    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }

    /// The session ended by itself after the script: exit 0, one final answer, no
    /// settings rejected.
    fn assert_ended(&self) {
        assert!(
            self.finals <= 1,
            "gemini run `{}` did not stop after its final answer: the model was asked {} \
             times after the script was spent (an AfterAgent hook keeps the agent going); \
             last prompt: {}\nstderr:\n{}",
            self.label,
            self.finals,
            self.main_requests()
                .last()
                .and_then(|r| r.body["contents"].as_array())
                .and_then(|c| c.last())
                .map(Value::to_string)
                .unwrap_or_default(),
            self.stderr()
        );
        assert!(
            self.out.status.success(),
            "gemini run `{}` failed ({}):\nstdout:\n{}\nstderr:\n{}",
            self.label,
            self.out.status,
            self.stdout(),
            self.stderr()
        );
        assert_eq!(
            self.finals, 1,
            "gemini run `{}` never reached the end of its script",
            self.label
        );
        assert!(
            !self.stderr().contains("Invalid configuration"),
            "Gemini CLI rejected a settings file:\n{}",
            self.stderr()
        );
    }

    /// The `-o json` document the client printed.
    fn report(&self) -> Value {
        serde_json::from_str(self.stdout().trim()).unwrap_or_else(|e| {
            panic!(
                "gemini -o json printed no JSON document ({e}):\n{}\nstderr:\n{}",
                self.stdout(),
                self.stderr()
            )
        })
    }

    fn main_requests(&self) -> Vec<&Request> {
        self.requests.iter().filter(|r| is_main(&r.body)).collect()
    }

    /// The client's report of every scripted call, by call id, from the last main
    /// request it sent (which carries the whole conversation).
    fn responses(&self) -> BTreeMap<String, Value> {
        let last = self
            .main_requests()
            .last()
            .map(|r| function_responses(&r.body))
            .unwrap_or_default();
        last.into_iter()
            .map(|r| (r["id"].as_str().unwrap_or("").to_owned(), r))
            .collect()
    }

    /// The client's report of step `n` (its `response` object), as JSON text.
    fn response(&self, n: usize) -> String {
        let responses = self.responses();
        let r = responses.get(&call_id(n)).unwrap_or_else(|| {
            panic!(
                "the client reported no result for step {n}; it reported {}\nstderr:\n{}",
                serde_json::to_string_pretty(&responses).unwrap(),
                self.stderr()
            )
        });
        r["response"].to_string()
    }
}

/// `gemini -p <prompt> -o json --yolo` in the sandbox's project, against `script`.
fn run_gemini(sb: &Sandbox, label: &str, prompt: &str, script: Vec<Call>) -> Session {
    let exe = client(GEMINI);
    let finals = Arc::new(AtomicUsize::new(0));
    let server = ModelServer::start(
        sb.state
            .parent()
            .unwrap()
            .join(format!("model-{label}.ndjson")),
        scripted(script, Arc::clone(&finals)),
    );
    let mut cmd = sb.command(&exe);
    cmd.args(["-p", prompt, "-o", "json", "--yolo"])
        .env("GOOGLE_GEMINI_BASE_URL", server.url())
        .env("GEMINI_API_KEY", "wazir-e2e-key")
        .env("GEMINI_CLI_NO_RELAUNCH", "true");
    // Nothing but the trust our installer recorded may make the folder trusted, and
    // nothing may move Gemini CLI's home, settings or trust file out of the sandbox.
    for var in [
        "GEMINI_CLI_TRUST_WORKSPACE",
        "GEMINI_RESTRICTED_MODE",
        "GEMINI_CLI_HOME",
        "GEMINI_CLI_TRUSTED_FOLDERS_PATH",
        "GEMINI_CLI_SYSTEM_SETTINGS_PATH",
        "GEMINI_CLI_SYSTEM_DEFAULTS_PATH",
        "GOOGLE_API_KEY",
        "GOOGLE_GENAI_USE_VERTEXAI",
        "GOOGLE_GENAI_USE_GCA",
        "GOOGLE_CLOUD_PROJECT",
        "GEMINI_MODEL",
        "SANDBOX",
        "GEMINI_SANDBOX",
    ] {
        cmd.env_remove(var);
    }
    let start = Instant::now();
    let out = run(cmd, LIMIT);
    let elapsed = start.elapsed();
    eprintln!("gemini run `{label}`: {} in {elapsed:.1?}", out.status);
    Session {
        label: label.to_owned(),
        out,
        requests: server.requests(),
        finals: finals.load(Ordering::SeqCst),
        elapsed,
    }
}

fn events_named(sb: &Sandbox, name: &str) -> Vec<Value> {
    sb.events()
        .into_iter()
        .filter(|e| e["event"] == name)
        .collect()
}

/// Asserts the client reported step `n` as blocked by `guard`, and returns the report.
fn assert_blocked(s: &Session, n: usize, what: &str, guard: &str) -> String {
    let r = s.response(n);
    assert!(
        r.contains(&format!("Tool execution blocked: Blocked by {guard}"))
            || r.contains(&format!("Tool execution blocked: {guard}")),
        "step {n} ({what}) should be blocked by {guard}; the client reported: {r}"
    );
    r
}

/// Asserts the client reported step `n` as run (not blocked, no error), and returns
/// the report.
fn assert_ran(s: &Session, n: usize, what: &str) -> String {
    let r = s.response(n);
    let v: Value = serde_json::from_str(&r).unwrap();
    assert!(
        v.get("output").is_some() && v.get("error").is_none() && !r.contains("blocked"),
        "step {n} ({what}) should have run; the client reported: {r}"
    );
    r
}

#[test]
fn gemini_protected_writes_blocked_allowed_work_runs() {
    let sb = gemini_sandbox(CONFIG);
    // The doctor agrees the hooks will run: exit 0 after install --trust.
    let doc = doctor(&sb);
    let text = String::from_utf8_lossy(&doc.stdout);
    assert_eq!(
        doc.status.code(),
        Some(0),
        "wazir-hooks doctor --host gemini after install --trust:\n{text}{}",
        String::from_utf8_lossy(&doc.stderr)
    );
    assert!(
        text.contains(&format!("Gemini CLI trusts {}", sb.project.display())),
        "{text}"
    );

    let executor = sb.read("roles/executor.md").unwrap();
    let env = sb.read(".env").unwrap();
    // (label, call, what the deny reason names)
    let blocked = [
        (
            "write_file roles/new.md",
            call(
                "write_file",
                json!({ "file_path": "roles/new.md", "content": "pwned\n" }),
            ),
            "write_file would write `roles/new.md`",
        ),
        (
            "replace in roles/executor.md",
            call(
                "replace",
                json!({
                    "file_path": "roles/executor.md",
                    "instruction": "Rename the role.",
                    "old_string": "executor",
                    "new_string": "pwned"
                }),
            ),
            "replace would write `roles/executor.md`",
        ),
        (
            "shell redirection",
            shell("echo pwned > roles/executor.md"),
            "redirection `>` would write `roles/executor.md`",
        ),
        (
            "cd, then sed -i on a relative name",
            shell("cd roles && sed -i s/executor/pwned/ executor.md"),
            "sed -i would write `roles/executor.md`",
        ),
        (
            "tee through a variable",
            shell("X=roles; printf pwned | tee \"$X/executor.md\" >/dev/null"),
            "tee would write `roles/executor.md`",
        ),
        (
            "heredoc inside bash -c",
            shell("bash -c 'cat > .env <<EOF\nKEY=pwned\nEOF\n'"),
            "would write `.env`, which is protected by the entry `**/.env`",
        ),
    ];
    let allowed = [
        ("shell write to src/", shell("echo ok > src/out.txt")),
        (
            "write_file src/new.rs",
            call(
                "write_file",
                json!({ "file_path": "src/new.rs", "content": "pub fn new() {}\n" }),
            ),
        ),
        (
            "read_file README.md",
            call("read_file", json!({ "file_path": "README.md" })),
        ),
    ];
    let n_blocked = blocked.len();
    let reasons: Vec<(&str, &str)> = blocked.iter().map(|(l, _, r)| (*l, *r)).collect();
    let labels: Vec<&str> = allowed.iter().map(|(l, _)| *l).collect();
    let script = blocked
        .into_iter()
        .map(|(_, c, _)| c)
        .chain(allowed.into_iter().map(|(_, c)| c))
        .collect();
    let s = run_gemini(&sb, "protect", "Do the scripted edits.", script);
    s.assert_ended();

    // What the guard protects is untouched; the allowed work happened.
    assert_eq!(sb.read("roles/executor.md").unwrap(), executor);
    assert_eq!(sb.read(".env").unwrap(), env);
    assert!(
        !sb.project.join("roles/new.md").exists(),
        "roles/new.md was created"
    );
    assert_eq!(sb.read("src/out.txt").as_deref(), Some("ok\n"));
    assert_eq!(sb.read("src/new.rs").as_deref(), Some("pub fn new() {}\n"));

    // The client's own report of each call, as it sent it back to the model.
    for (n, (what, reason)) in reasons.iter().enumerate() {
        let r = assert_blocked(&s, n, what, "protected-path-write-guard");
        assert!(r.contains(reason), "step {n} ({what}): {r}");
    }
    for (i, what) in labels.iter().enumerate() {
        assert_ran(&s, n_blocked + i, what);
    }
    assert!(
        s.response(n_blocked + 2).contains("# demo"),
        "read_file returned README.md"
    );

    // And its JSON output: nine calls, the six blocked ones failed.
    let report = s.report();
    let tools = &report["stats"]["tools"];
    let by = |tool: &str, field: &str| tools["byName"][tool][field].clone();
    assert_eq!(tools["totalCalls"], 9, "{tools}");
    assert_eq!(tools["totalFail"], 6, "{tools}");
    assert_eq!(tools["totalSuccess"], 3, "{tools}");
    assert_eq!(by("write_file", "fail"), 1, "{tools}");
    assert_eq!(by("write_file", "success"), 1, "{tools}");
    assert_eq!(by("replace", "fail"), 1, "{tools}");
    assert_eq!(by("run_shell_command", "fail"), 4, "{tools}");
    assert_eq!(by("run_shell_command", "success"), 1, "{tools}");
    assert_eq!(by("read_file", "success"), 1, "{tools}");

    // Our own record agrees: six denials, and only the three allowed calls ran.
    assert_eq!(
        events_named(&sb, "guard_denied").len(),
        6,
        "guard_denied events"
    );
    assert_eq!(events_named(&sb, "post_tool_capture").len(), 3);
    eprintln!("client run {:.1?}", s.elapsed);
}

#[test]
fn gemini_tool_executions_captured_and_handoff_reaches_next_session() {
    let sb = gemini_sandbox(CONFIG);
    let script = vec![
        shell("echo hello"),
        shell("ls /nonexistent-dir"),
        call(
            "write_file",
            json!({ "file_path": "src/notes.md", "content": "notes\n" }),
        ),
    ];
    let first = run_gemini(&sb, "capture-1", "Run the scripted steps.", script);
    first.assert_ended();
    assert!(assert_ran(&first, 0, "echo hello").contains("Output: hello"));
    let ls = first.response(1);
    assert!(ls.contains("Exit Code: 2"), "ls failed: {ls}");
    assert_ran(&first, 2, "write_file src/notes.md");
    assert_eq!(sb.read("src/notes.md").as_deref(), Some("notes\n"));

    // One post_tool_capture event per execution, each with its outcome.
    let captured = events_named(&sb, "post_tool_capture");
    let find = |key: &str, value: &str| {
        captured
            .iter()
            .find(|e| e[key] == value)
            .unwrap_or_else(|| {
                panic!("no post_tool_capture event with {key} = {value}: {captured:#?}")
            })
            .clone()
    };
    assert_eq!(captured.len(), 3, "one event per execution: {captured:#?}");
    let hello = find("command", "echo hello");
    assert_eq!(hello["tool"], "run_shell_command", "{hello}");
    assert_eq!(hello["success"], true, "{hello}");
    assert_eq!(hello["exit_code"], 0, "{hello}");
    let write = find("target", "src/notes.md");
    assert_eq!(write["tool"], "write_file", "{write}");
    assert_eq!(write["kind"], "write", "{write}");
    assert_eq!(write["success"], true, "{write}");
    let ls = find("command", "ls /nonexistent-dir");
    assert_eq!(ls["tool"], "run_shell_command", "{ls}");
    assert_eq!(
        ls["success"], false,
        "a command that exited 2 is recorded as a failure: {ls}"
    );
    assert_eq!(ls["exit_code"], 2, "{ls}");

    // AfterAgent (which Gemini CLI awaits) harvested the turn into handoff.md.
    let sid = first.report()["session_id"]
        .as_str()
        .expect("the JSON output names the session")
        .to_owned();
    let stops = events_named(&sb, "session_stop");
    assert!(
        stops
            .iter()
            .any(|e| e["run_id"] == sid.as_str() && e["last_assistant_message"] == FINAL_TEXT),
        "AfterAgent recorded the end of the turn: {stops:#?}"
    );
    let handoffs = sb.handoffs();
    assert_eq!(handoffs.len(), 1, "one run, one handoff.md: {handoffs:#?}");
    let handoff = &handoffs[0];
    let header = format!("# Handoff from run {sid}");
    assert!(handoff.starts_with(&header), "{handoff}");
    assert!(handoff.contains(FINAL_TEXT), "{handoff}");
    assert!(
        handoff.contains("`ls /nonexistent-dir` (exit 2)"),
        "the handoff lists the failed command: {handoff}"
    );

    // A new session starts with it: session-start's context is in its first request.
    let second = run_gemini(&sb, "capture-2", "Carry on.", vec![]);
    second.assert_ended();
    assert_ne!(second.report()["session_id"], sid.as_str());
    let mains = second.main_requests();
    let opening = mains
        .first()
        .expect("the second session asked the model")
        .body["contents"]
        .to_string();
    assert!(
        opening.contains(&header) && opening.contains("wazir-e2e-gemini-final-7c1f"),
        "the second session's first request carries the handoff ({header}): {opening}"
    );
}

#[test]
fn gemini_repeated_failure_blocked_by_loop_cap() {
    let config = format!("{CONFIG}loop_caps:\n  max_repeated_failures: 2\n");
    let sb = gemini_sandbox(&config);
    let script = (0..3).map(|_| shell("ls /nonexistent-dir")).collect();
    let s = run_gemini(&sb, "loop-cap", "Keep listing the folder.", script);
    s.assert_ended();

    for n in 0..2 {
        let r = s.response(n);
        assert!(
            r.contains("Exit Code: 2") && !r.contains("blocked"),
            "run {n} of the failing command ran and failed: {r}"
        );
    }
    let r = assert_blocked(&s, 2, "third failing ls", "loop-cap-guard");
    assert!(
        r.contains("max_repeated_failures"),
        "the reason names the cap: {r}"
    );
    let report = s.report();
    let tools = &report["stats"]["tools"];
    // Gemini CLI counts a command that ran and exited non-zero as a successful call;
    // only the blocked one is a failure in its statistics.
    assert_eq!(tools["totalCalls"], 3, "{tools}");
    assert_eq!(tools["totalSuccess"], 2, "{tools}");
    assert_eq!(tools["totalFail"], 1, "{tools}");

    let ran: Vec<Value> = events_named(&sb, "post_tool_capture")
        .into_iter()
        .filter(|e| e["command"] == "ls /nonexistent-dir")
        .collect();
    assert_eq!(ran.len(), 2, "the blocked call never ran: {ran:#?}");
    assert!(ran.iter().all(|e| e["success"] == false), "{ran:#?}");
    let caps = events_named(&sb, "loop_cap_reached");
    assert_eq!(caps.len(), 1, "{caps:#?}");
    assert_eq!(caps[0]["cap"], "max_repeated_failures", "{caps:#?}");
    assert_eq!(caps[0]["tool"], "run_shell_command", "{caps:#?}");
}

#[test]
fn gemini_unreadable_config_blocks_guarded_call() {
    let sb = gemini_sandbox("protected_paths: [unclosed\n");
    let s = run_gemini(
        &sb,
        "bad-config",
        "Write the file.",
        vec![shell("echo x > src/a.txt")],
    );
    // The guard fails closed: the harmless write is blocked, with the reason.
    let r = assert_blocked(&s, 0, "a harmless write", "protected-path-write-guard");
    assert!(
        r.contains("invalid configuration") && r.contains("wazir.hooks.yaml"),
        "the reason names the configuration: {r}"
    );
    assert!(
        !sb.project.join("src/a.txt").exists(),
        "src/a.txt was created"
    );
    // And the session still ends: failing closed must not keep the agent going.
    s.assert_ended();
    assert_eq!(s.report()["stats"]["tools"]["totalFail"], 1);
}

/// What a user must do on Gemini CLI, shown by Gemini CLI itself: in a folder nobody
/// trusted, a headless run refuses to start (exit 55) and no hook runs; doctor says so.
/// Once the folder is trusted (what `install --trust` records), the same hooks block.
#[test]
fn gemini_runs_no_hook_until_the_folder_is_trusted() {
    let sb = gemini_sandbox_untrusted(CONFIG);
    let install = sb.wazir(&["install", "--host", "gemini"]);
    assert!(install.status.success());
    let checked = doctor(&sb);
    let report = String::from_utf8_lossy(&checked.stdout);
    assert_eq!(checked.status.code(), Some(3), "{report}");
    assert!(
        report.contains("TODO Gemini CLI runs no settings hooks"),
        "{report}"
    );

    let script = || vec![shell("echo pwned > roles/executor.md")];
    let refused = run_gemini(&sb, "untrusted", "Edit the role.", script());
    assert_eq!(refused.out.status.code(), Some(55), "{}", refused.stderr());
    assert!(refused.stderr().contains("trusted"), "{}", refused.stderr());
    assert!(sb.events().is_empty(), "a hook ran in an untrusted folder");

    sb.install_hooks("gemini");
    assert_trusted(&sb);
    let trusted = run_gemini(&sb, "trusted", "Edit the role.", script());
    trusted.assert_ended();
    assert_blocked(&trusted, 0, "the role edit", "protected-path-write-guard");
    assert_eq!(sb.read("roles/executor.md").as_deref(), Some("executor\n"));
}
