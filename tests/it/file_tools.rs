//! File-writing tools and patches on every host: protected targets are denied in the
//! host's own channel, everything else allowed, read tools never blocked.

use crate::harness::{Fixture, Verdict, payload, verdict};

/// (host, template) for every file-writing tool the guard knows.
const WRITE_TOOLS: &[(&str, &str)] = &[
    ("claude", "claude/pre_tool_use_write.json"),
    ("claude", "claude/pre_tool_use_edit.json"),
    ("claude", "claude/pre_tool_use_multiedit.json"),
    ("claude", "claude/pre_tool_use_notebookedit.json"),
    ("claude", "claude/pre_tool_use_write_subagent.json"),
    ("cursor", "cursor/pre_tool_use_write.json"),
    ("cursor", "cursor/pre_tool_use_write_path.json"),
    ("cursor", "cursor/pre_tool_use_strreplace.json"),
    ("cursor", "cursor/pre_tool_use_delete.json"),
    ("cursor", "cursor/pre_tool_use_write_no_tool_name.json"),
    ("cursor", "cursor/pre_tool_use_write_no_cwd.json"),
    ("gemini", "gemini/before_tool_write_file.json"),
    ("gemini", "gemini/before_tool_replace.json"),
    ("gemini", "gemini/before_tool_write_file_future_fields.json"),
];

const READ_TOOLS: &[(&str, &str)] = &[
    ("claude", "claude/pre_tool_use_read.json"),
    ("cursor", "cursor/pre_tool_use_read.json"),
    ("gemini", "gemini/before_tool_read_file.json"),
];

/// Paths relative to the fixture root (`{root}` is replaced), with the expected answer.
const TARGETS: &[(&str, Verdict)] = &[
    ("{root}/roles/executor.md", Verdict::Deny),
    ("{root}/roles/new.md", Verdict::Deny),
    ("{root}/input/brief.md", Verdict::Deny),
    ("{root}/exports/hosts/claude/AGENTS.md", Verdict::Deny),
    ("{root}/src/../roles/executor.md", Verdict::Deny),
    ("{root}//roles///executor.md", Verdict::Deny),
    ("{root}/./workflows/./execute.md", Verdict::Deny),
    ("{root}/link-to-roles/executor.md", Verdict::Deny),
    ("{root}/docs/brief-link.md", Verdict::Deny),
    ("{root}/.env", Verdict::Deny),
    ("{root}/src/.env", Verdict::Deny),
    ("{root}/deep/new/dir/.env", Verdict::Deny),
    ("{root}/secrets/key.pem", Verdict::Deny),
    ("{root}/secrets/new.pem", Verdict::Deny),
    ("{root}/roles", Verdict::Deny),
    ("{root}/src/main.rs", Verdict::Allow),
    ("{root}/rolesX/file.md", Verdict::Allow),
    ("{root}/roles.md", Verdict::Allow),
    ("{root}/exports/README.md", Verdict::Allow),
    ("{root}/secrets/readme.txt", Verdict::Allow),
    ("{root}/secrets/sub/key.pem", Verdict::Allow),
    ("{root}/notes/new.md", Verdict::Allow),
    ("{root}/.env.example", Verdict::Allow),
    ("{root}/tmp-link/scratch.txt", Verdict::Allow),
    ("/tmp/wazir-scratch.txt", Verdict::Allow),
    // A process's cwd under /proc is the agent's working directory (the fixture root),
    // whether or not that pid exists when the guard looks.
    ("/proc/self/cwd/roles/executor.md", Verdict::Deny),
    ("/proc/2147483000/cwd/roles/executor.md", Verdict::Deny),
    ("/proc/self/task/1/cwd/input/brief.md", Verdict::Deny),
    ("/proc/self/cwd/notes/new.md", Verdict::Allow),
];

#[test]
fn write_tools_on_every_host() {
    let fx = Fixture::new();
    let mut wrong = Vec::new();
    let mut checked = 0;
    for (host, template) in WRITE_TOOLS {
        for (target, expect) in TARGETS {
            let path = target.replace("{root}", &fx.root.to_string_lossy());
            let out = fx.run(host, &payload(template, &fx.root, None, Some(&path), None));
            checked += 1;
            let got = verdict(host, &out);
            if got != *expect {
                wrong.push(format!(
                    "{template} {path}: expected {expect:?}, got {got:?}"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {checked} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn deny_reason_names_path_entry_and_what_to_do() {
    let fx = Fixture::new();
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
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let reason = v["hookSpecificOutput"]["permissionDecisionReason"]
        .as_str()
        .unwrap();
    assert!(reason.contains("roles/executor.md"), "{reason}");
    assert!(reason.contains("`roles`"), "{reason}");
    assert!(reason.contains("operator"), "{reason}");
    assert!(reason.contains("WAZIR_APPROVED_FLOW"), "{reason}");
    assert!(
        out.stderr.is_empty(),
        "stderr must stay quiet on a JSON answer"
    );
}

#[test]
fn read_tools_are_never_blocked() {
    let fx = Fixture::new();
    for (host, template) in READ_TOOLS {
        let path = format!("{}/roles/executor.md", fx.root.display());
        let out = fx.run(host, &payload(template, &fx.root, None, Some(&path), None));
        assert_eq!(verdict(host, &out), Verdict::Allow, "{template}");
    }
}

fn patch_file(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/hosts/codex/patches/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn codex_apply_patch_headers() {
    let fx = Fixture::new();
    let cases = [
        ("move_to_roles_executor.patch", Verdict::Deny),
        ("add_file_input.patch", Verdict::Deny),
        ("mixed_delete_roles.patch", Verdict::Deny),
        ("harmless_src.patch", Verdict::Allow),
    ];
    for (name, expect) in cases {
        let text = patch_file(name);
        for (host, template) in [
            ("codex", "codex/pre_tool_use_apply_patch.json"),
            ("cursor", "cursor/pre_tool_use_applypatch.json"),
        ] {
            let out = fx.run(host, &payload(template, &fx.root, None, None, Some(&text)));
            assert_eq!(verdict(host, &out), expect, "{template} {name}");
        }
    }
    // Paths in a patch are relative to the tool's cwd.
    let sub = fx.root.join("src");
    let text = "*** Begin Patch\n*** Add File: ../roles/x.md\n+x\n*** End Patch\n";
    let out = fx.run(
        "codex",
        &payload(
            "codex/pre_tool_use_apply_patch.json",
            &sub,
            None,
            None,
            Some(text),
        ),
    );
    assert_eq!(verdict("codex", &out), Verdict::Deny);
    let mut v: serde_json::Value = serde_json::from_str(&payload(
        "codex/pre_tool_use_apply_patch_move.json",
        &fx.root,
        None,
        None,
        None,
    ))
    .unwrap();
    v["cwd"] = fx.root.to_string_lossy().into_owned().into();
    let out = fx.run("codex", &v.to_string());
    assert_eq!(
        verdict("codex", &out),
        Verdict::Deny,
        "the concrete move fixture targets roles/"
    );
}

#[test]
fn unified_diffs_and_malformed_patches() {
    let fx = Fixture::new();
    let diff = "--- a/roles/executor.md\n+++ b/roles/executor.md\n@@ -1 +1 @@\n-a\n+b\n";
    let out = fx.run(
        "cursor",
        &payload(
            "cursor/pre_tool_use_applypatch.json",
            &fx.root,
            None,
            None,
            Some(diff),
        ),
    );
    assert_eq!(verdict("cursor", &out), Verdict::Deny);
    let out = fx.run(
        "codex",
        &payload(
            "codex/pre_tool_use_apply_patch.json",
            &fx.root,
            None,
            None,
            Some("this is not a patch"),
        ),
    );
    assert_eq!(
        verdict("codex", &out),
        Verdict::Deny,
        "a patch without targets cannot be verified"
    );
}

/// An agent that left the project (`cd /tmp`: the payload's `cwd` is now outside it)
/// still cannot write into it by absolute path: the project the host names for the
/// session (its variable, Cursor's `workspace_roots`, or the hook's own working
/// directory) keeps its protection.
#[test]
fn a_cwd_outside_the_project_keeps_the_sessions_project_protected() {
    let fx = Fixture::new();
    let outside = fx.home.clone();
    let root = fx.root.to_string_lossy().into_owned();
    let command = format!("echo x > {root}/roles/executor.md");
    let shell = |template: &str| payload(template, &outside, Some(&command), None, None);
    // (host, payload, variables, the hook's working directory)
    type Case<'a> = (
        &'a str,
        String,
        Vec<(&'a str, &'a str)>,
        &'a std::path::Path,
    );
    let cases: [Case; 4] = [
        (
            "claude",
            shell("claude/pre_tool_use_bash.json"),
            vec![("CLAUDE_PROJECT_DIR", root.as_str())],
            &outside,
        ),
        (
            "gemini",
            shell("gemini/before_tool_run_shell_command.json"),
            vec![("GEMINI_PROJECT_DIR", root.as_str())],
            &outside,
        ),
        (
            "cursor",
            shell("cursor/before_shell_execution.json").replacen(
                &format!("\"{}\"", outside.display()),
                &format!("\"{root}\""),
                1,
            ),
            vec![],
            &outside,
        ),
        (
            "codex",
            shell("codex/pre_tool_use_bash.json"),
            vec![],
            &fx.root,
        ),
    ];
    for (host, body, env, dir) in cases {
        let out = crate::harness::run_guard(&["--host", host], &body, &fx.home, dir, &env);
        assert_eq!(verdict(host, &out), Verdict::Deny, "{host}: {body}");
    }
    // Without any of them the project is not known: the write is outside what the
    // guard can see (the README's residual).
    let out = crate::harness::run_guard(
        &["--host", "claude"],
        &shell("claude/pre_tool_use_bash.json"),
        &fx.home,
        &outside,
        &[],
    );
    assert_eq!(verdict("claude", &out), Verdict::Allow);
}
