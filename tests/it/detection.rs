//! Without `--host`, the guard recognises each host from its payload and answers in that
//! host's channel; payload fields added by later host versions change nothing.

use crate::harness::{Fixture, Verdict, payload, run_guard, verdict};

#[test]
fn each_host_is_recognised_from_its_payload() {
    let fx = Fixture::new();
    let cases = [
        ("claude", "claude/pre_tool_use_bash.json"),
        ("claude", "claude/pre_tool_use_bash_future_fields.json"),
        ("cursor", "cursor/before_shell_execution.json"),
        ("cursor", "cursor/pre_tool_use_shell_future_fields.json"),
        ("gemini", "gemini/before_tool_run_shell_command.json"),
        ("codex", "codex/pre_tool_use_bash.json"),
        ("codex", "codex/pre_tool_use_bash_future_fields.json"),
    ];
    for (host, template) in cases {
        for (cmd, expect) in [
            ("sed -i s/a/b/ roles/executor.md", Verdict::Deny),
            ("cargo test 2>&1 | tail", Verdict::Allow),
        ] {
            let p = payload(template, &fx.root, Some(cmd), None, None);
            let detected = run_guard(&[], &p, &fx.home, &fx.root, &[]);
            assert_eq!(verdict(host, &detected), expect, "{template} detected");
            let explicit = fx.run(host, &p);
            assert_eq!(verdict(host, &explicit), expect, "{template} with --host");
        }
    }
}

#[test]
fn a_utf8_bom_is_tolerated() {
    let fx = Fixture::new();
    let p = format!(
        "\u{feff}{}",
        payload(
            "cursor/before_shell_execution.json",
            &fx.root,
            Some("rm roles/executor.md"),
            None,
            None
        )
    );
    assert_eq!(verdict("cursor", &fx.run("cursor", &p)), Verdict::Deny);
}

#[test]
fn other_events_pass_through() {
    let fx = Fixture::new();
    for (host, template) in [
        ("claude", "claude/post_tool_use_bash.json"),
        ("claude", "claude/session_start.json"),
        ("gemini", "gemini/after_tool.json"),
        ("codex", "codex/stop.json"),
    ] {
        let p = payload(template, &fx.root, None, None, None);
        assert_eq!(
            verdict(host, &fx.run(host, &p)),
            Verdict::Allow,
            "{template}"
        );
    }
}
