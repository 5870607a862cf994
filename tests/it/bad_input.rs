//! Input the guard cannot evaluate ends in a deny in the host's own channel (fail
//! closed), within a bounded time, never a crash exit code.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{Fixture, GUARD, Verdict, payload, run_guard, verdict};

const HOSTS: [&str; 4] = ["claude", "cursor", "gemini", "codex"];

fn deny_reason(host: &str, out: &std::process::Output) -> String {
    assert_eq!(
        verdict(host, out),
        Verdict::Deny,
        "{host} must deny: {out:?}"
    );
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn unreadable_stdin_is_denied_on_every_host() {
    let fx = Fixture::new();
    let too_big = "x".repeat(8 * 1024 * 1024 + 10);
    let cases: &[(&str, &str, &str)] = &[
        ("empty", "", "empty"),
        ("whitespace", "  \n", "empty"),
        ("invalid json", "{\"tool_name\": ", "not valid JSON"),
        ("nul byte", "{\"a\": \"\u{0}\"}", "NUL"),
        ("oversized", &too_big, "limit"),
        ("array", "[1,2]", "JSON object"),
        ("string", "\"hello\"", "JSON object"),
    ];
    for host in HOSTS {
        for (name, stdin, needle) in cases {
            let out = fx.run(host, stdin);
            let text = deny_reason(host, &out);
            assert!(text.contains(needle), "{host} {name}: {text}");
            assert!(text.contains("protected-path-write-guard"), "{host} {name}");
        }
    }
}

#[test]
fn wrong_shaped_payloads_are_denied() {
    let fx = Fixture::new();
    let cwd = fx.root.to_string_lossy();
    let cases = [
        (
            "claude",
            format!(
                r#"{{"hook_event_name":"PreToolUse","cwd":"{cwd}","tool_name":"Write","tool_input":"roles/x"}}"#
            ),
        ),
        (
            "claude",
            format!(
                r#"{{"hook_event_name":"PreToolUse","cwd":"{cwd}","tool_name":"Write","tool_input":{{"content":"x"}}}}"#
            ),
        ),
        (
            "claude",
            format!(
                r#"{{"hook_event_name":"PreToolUse","cwd":"{cwd}","tool_name":"Bash","tool_input":{{"command":42}}}}"#
            ),
        ),
        (
            "gemini",
            format!(
                r#"{{"hook_event_name":"BeforeTool","cwd":"{cwd}","tool_name":"run_shell_command"}}"#
            ),
        ),
        (
            "codex",
            format!(
                r#"{{"hook_event_name":"PreToolUse","cwd":"{cwd}","tool_name":"apply_patch","tool_input":{{}}}}"#
            ),
        ),
        (
            "cursor",
            format!(r#"{{"hook_event_name":"beforeShellExecution","cwd":"{cwd}"}}"#),
        ),
    ];
    for (host, p) in cases {
        deny_reason(host, &fx.run(host, &p));
    }
}

#[test]
fn endless_stdin_is_denied_within_the_deadline() {
    let fx = Fixture::new();
    for host in HOSTS {
        let start = Instant::now();
        let mut child = Command::new(GUARD)
            .args(["--host", host])
            .env_clear()
            .env("HOME", &fx.home)
            .env("WAZIR_HOOK_DEADLINE_MS", "400")
            .current_dir(&fx.root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Keep stdin open and trickling, as a stuck host would.
        let mut stdin = child.stdin.take().unwrap();
        let _ = stdin.write_all(b"{\"hook_event_name\": \"PreToolUse\", ");
        let out = child.wait_with_output().unwrap();
        drop(stdin);
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{host} took {:?}",
            start.elapsed()
        );
        let text = deny_reason(host, &out);
        assert!(text.contains("no answer within 400 ms"), "{host}: {text}");
    }
}

#[test]
fn a_panic_is_answered_as_a_deny() {
    let fx = Fixture::new();
    for host in HOSTS {
        let p = payload(
            match host {
                "claude" => "claude/pre_tool_use_bash.json",
                "cursor" => "cursor/before_shell_execution.json",
                "gemini" => "gemini/before_tool_run_shell_command.json",
                _ => "codex/pre_tool_use_bash.json",
            },
            &fx.root,
            Some("ls"),
            None,
            None,
        );
        let out = run_guard(
            &["--host", host],
            &p,
            &fx.home,
            &fx.root,
            &[("WAZIR_FAULT_INJECT", "panic")],
        );
        let text = deny_reason(host, &out);
        assert!(text.contains("internal error"), "{host}: {text}");
        assert!(
            !text.contains("RUST_BACKTRACE"),
            "no raw panic output on any channel"
        );
    }
}

#[test]
fn canonical_protocol_reports_bad_input_as_exit_1() {
    let fx = Fixture::new();
    for stdin in ["", "not json", "[]"] {
        let out = run_guard(&["--host", "wazir"], stdin, &fx.home, &fx.root, &[]);
        assert_eq!(out.status.code(), Some(1), "{stdin:?}");
        assert!(out.stdout.is_empty());
        assert!(!out.stderr.is_empty());
    }
}

#[test]
fn bad_arguments_fail_closed_in_the_hosts_channel() {
    let fx = Fixture::new();
    let p = payload(
        "claude/pre_tool_use_bash.json",
        &fx.root,
        Some("ls"),
        None,
        None,
    );
    let out = run_guard(
        &["--host", "claude", "--bogus"],
        &p,
        &fx.home,
        &fx.root,
        &[],
    );
    assert!(deny_reason("claude", &out).contains("unknown argument"));
}

#[test]
fn on_error_allow_turns_fail_closed_off() {
    let fx = Fixture::new();
    std::fs::write(
        fx.root.join("wazir.hooks.yaml"),
        "on_error: allow\nprotected_paths: [\"**/.env\"]\n",
    )
    .unwrap();
    let out = fx.run("claude", "not json");
    assert_eq!(verdict("claude", &out), Verdict::Allow);
    // A write to a protected path is still denied: on_error covers only what cannot be evaluated.
    let path = format!("{}/roles/executor.md", fx.root.display());
    let out = fx.run(
        "claude",
        &payload(
            "claude/pre_tool_use_write.json",
            &fx.root,
            None,
            Some(&path),
            None,
        ),
    );
    assert_eq!(verdict("claude", &out), Verdict::Deny);
}

#[test]
fn pathological_nesting_is_denied_not_crashed() {
    // A stack overflow aborts the process, and a crashed hook lets the call through on
    // most hosts: deep nesting must end in a reasoned deny instead.
    let fx = Fixture::new();
    let n = 20_000;
    let commands = [
        format!("echo {}x{}", "$(".repeat(n), ")".repeat(n)),
        format!("{}echo x{}", "(".repeat(n), ")".repeat(n)),
        format!("{}echo x; {}", "{ ".repeat(n), "}; ".repeat(n)),
        format!("{}echo x; {}", "if true; then ".repeat(n), "fi; ".repeat(n)),
        format!("echo {}", "\"$(echo ".repeat(n) + "x" + &")\"".repeat(n)),
    ];
    for host in HOSTS {
        for cmd in &commands {
            let template = match host {
                "claude" => "claude/pre_tool_use_bash.json",
                "cursor" => "cursor/before_shell_execution.json",
                "gemini" => "gemini/before_tool_run_shell_command.json",
                _ => "codex/pre_tool_use_bash.json",
            };
            let out = fx.run(host, &payload(template, &fx.root, Some(cmd), None, None));
            assert!(deny_reason(host, &out).contains("too complex"), "{host}");
        }
    }
    // Ordinary nesting still works.
    let cmd = "for f in $(ls src); do (cd src && if [ -f \"$f\" ]; then { echo \"$(basename \"$(dirname \"$f\")\")\"; }; fi); done";
    let out = fx.run(
        "claude",
        &payload(
            "claude/pre_tool_use_bash.json",
            &fx.root,
            Some(cmd),
            None,
            None,
        ),
    );
    assert_eq!(verdict("claude", &out), Verdict::Allow);
}
