//! Tools beyond each host's own file and shell tools, on every host: MCP filesystem
//! servers' write tools are checked on their path arguments and their read tools allowed;
//! a tool the guard does not know is denied when any string in its input reaches a
//! protected path (or a folder holding one); tools known to write nothing are allowed.

use serde_json::{Value, json};

use crate::harness::{Fixture, Tally, Verdict, payload, reason, tool_payload, verdict};

use Verdict::{Allow, Deny};

/// Every host's spelling of an MCP tool `tool` of a filesystem server: (host, template,
/// tool name as that host sends it).
fn mcp_spellings(tool: &str) -> Vec<(&'static str, &'static str, String)> {
    vec![
        (
            "claude",
            "claude/pre_tool_use_mcp_write_file.json",
            format!("mcp__filesystem__{tool}"),
        ),
        (
            "claude",
            "claude/pre_tool_use_mcp_write_file.json",
            format!("mcp__plugin_tools_fs__{tool}"),
        ),
        (
            "codex",
            "codex/pre_tool_use_mcp_write_file.json",
            format!("mcp__filesystem__{tool}"),
        ),
        (
            "gemini",
            "gemini/before_tool_mcp_write_file.json",
            format!("mcp_filesystem_{tool}"),
        ),
        (
            "gemini",
            "gemini/before_tool_mcp_write_file.json",
            format!("mcp_my_files_{tool}"),
        ),
        (
            "gemini",
            "gemini/before_tool_mcp_write_file.json",
            format!("filesystem__{tool}"),
        ),
        (
            "cursor",
            "cursor/pre_tool_use_mcp.json",
            format!("MCP:{tool}"),
        ),
        (
            "cursor",
            "cursor/before_mcp_execution.json",
            tool.to_owned(),
        ),
        (
            "cursor",
            "cursor/before_mcp_execution_url.json",
            tool.to_owned(),
        ),
    ]
}

/// Fills `{root}` in every string of a JSON value.
fn fill_root(v: &Value, root: &str) -> Value {
    match v {
        Value::String(s) => Value::String(s.replace("{root}", root)),
        Value::Array(a) => Value::Array(a.iter().map(|x| fill_root(x, root)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), fill_root(x, root)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// (server tool, input, expected) for the filesystem servers' tools.
fn mcp_cases() -> Vec<(&'static str, Value, Verdict)> {
    let edits = json!([{ "oldText": "executor", "newText": "pwned" }]);
    vec![
        (
            "write_file",
            json!({ "path": "{root}/roles/executor.md", "content": "x" }),
            Deny,
        ),
        (
            "write_file",
            json!({ "path": "roles/new.md", "content": "x" }),
            Deny,
        ),
        (
            "write_file",
            json!({ "path": "file://{root}/roles/new.md", "content": "x" }),
            Deny,
        ),
        // However the server reads a path: a `file:` URI in any spelling, escapes,
        // surrounding spaces.
        (
            "write_file",
            json!({ "path": "file:{root}/roles/new.md", "content": "x" }),
            Deny,
        ),
        (
            "write_file",
            json!({ "path": "file://localhost{root}/roles/new.md", "content": "x" }),
            Deny,
        ),
        (
            "write_file",
            json!({ "path": " roles/new.md", "content": "x" }),
            Deny,
        ),
        (
            "write_file",
            json!({ "path": "FILE://LocalHost{root}/roles/new.md", "content": "x" }),
            Deny,
        ),
        (
            "write_file",
            json!({ "path": "file:// {root}/roles/new.md", "content": "x" }),
            Deny,
        ),
        (
            "write_file",
            json!({ "path": "roles/new.md%20", "content": "x" }),
            Deny,
        ),
        (
            "write_file",
            json!({ "path": "rol%65s/new.md", "content": "x" }),
            Deny,
        ),
        (
            "write_file",
            json!({ "path": "{root}/.claude/settings.json", "content": "{}" }),
            Deny,
        ),
        (
            "write_file",
            json!({ "path": "{root}/wazir.hooks.yaml", "content": "" }),
            Deny,
        ),
        (
            "write_file",
            json!({ "path": "{root}/.env", "content": "A=2" }),
            Deny,
        ),
        (
            "write_file",
            json!({ "path": "{root}/notes/new.md", "content": "x" }),
            Allow,
        ),
        (
            "write_file",
            json!({ "path": "notes/new.md", "content": "x" }),
            Allow,
        ),
        (
            "edit_file",
            json!({ "path": "{root}/roles/executor.md", "edits": edits, "dryRun": false }),
            Deny,
        ),
        (
            "edit_file",
            json!({ "path": "{root}/src/main.rs", "edits": edits, "dryRun": false }),
            Allow,
        ),
        (
            "create_directory",
            json!({ "path": "{root}/roles/sub" }),
            Deny,
        ),
        (
            "create_directory",
            json!({ "path": "{root}/notes/sub" }),
            Allow,
        ),
        (
            "move_file",
            json!({ "source": "{root}/roles/executor.md", "destination": "{root}/notes/x.md" }),
            Deny,
        ),
        (
            "move_file",
            json!({ "source": "{root}/notes/todo.md", "destination": "{root}/roles/x.md" }),
            Deny,
        ),
        (
            "move_file",
            json!({ "source": "{root}/notes/todo.md", "destination": "{root}/input/brief.md" }),
            Deny,
        ),
        (
            "move_file",
            json!({ "source": "{root}/notes/todo.md", "destination": "{root}/notes/y.md" }),
            Allow,
        ),
        (
            "delete_file",
            json!({ "path": "{root}/roles/reviewer.md" }),
            Deny,
        ),
        (
            "delete_file",
            json!({ "path": "{root}/build/out.log" }),
            Allow,
        ),
        (
            "delete_files",
            json!({ "paths": ["{root}/build/out.log", "{root}/roles/reviewer.md"] }),
            Deny,
        ),
        (
            "delete_files",
            json!({ "paths": ["{root}/build/out.log", "{root}/build/tmp.o"] }),
            Allow,
        ),
        (
            "delete_directory",
            json!({ "path": "{root}/input", "recursive": true }),
            Deny,
        ),
        // A filesystem server's move and delete tools take folders too: moving or
        // deleting a folder that holds a protected or guarded path changes that path.
        (
            "move_file",
            json!({ "source": "{root}/exports", "destination": "{root}/old-exports" }),
            Deny,
        ),
        (
            "move_file",
            json!({ "source": "{root}/secrets", "destination": "/tmp/wazir-it-secrets" }),
            Deny,
        ),
        (
            "move_file",
            json!({ "source": "{root}/.claude", "destination": "/tmp/wazir-it-claude" }),
            Deny,
        ),
        (
            "delete_directory",
            json!({ "path": "{root}/.claude", "recursive": true }),
            Deny,
        ),
        // Read tools, on protected and guarded paths alike.
        (
            "read_file",
            json!({ "path": "{root}/roles/executor.md" }),
            Allow,
        ),
        (
            "read_text_file",
            json!({ "path": "{root}/.claude/settings.json", "head": 10 }),
            Allow,
        ),
        (
            "read_multiple_files",
            json!({ "paths": ["{root}/roles/executor.md", "{root}/wazir.hooks.yaml"] }),
            Allow,
        ),
        ("list_directory", json!({ "path": "{root}/roles" }), Allow),
        ("directory_tree", json!({ "path": "{root}" }), Allow),
        (
            "get_file_info",
            json!({ "path": "{root}/wazir.manifest.yaml" }),
            Allow,
        ),
        (
            "search_files",
            json!({ "path": "{root}", "pattern": "*.md" }),
            Allow,
        ),
        ("list_allowed_directories", json!({}), Allow),
    ]
}

#[test]
fn mcp_filesystem_tools_on_every_host() {
    let fx = Fixture::new();
    std::fs::create_dir_all(fx.root.join(".claude")).unwrap();
    std::fs::write(fx.root.join(".claude/settings.json"), "{\"hooks\": {}}\n").unwrap();
    let root = fx.root.to_string_lossy().into_owned();
    let cases = mcp_cases();
    let mut t = Tally::default();
    for (tool, input, expect) in &cases {
        let input = fill_root(input, &root);
        for (host, template, name) in mcp_spellings(tool) {
            let out = fx.run(host, &tool_payload(template, &fx.root, Some(&name), &input));
            t.check(
                &format!("{template} {name} {input}"),
                host,
                &out,
                *expect,
                &[],
            );
        }
    }
    t.finish(
        "MCP filesystem tools",
        cases.len() * mcp_spellings("x").len(),
    );
}

/// Gemini CLI's `mcp_<server>_<tool>` where the server's name ends in a word that starts
/// a read tool's name (`docs_search`, `team_list`, …): the tool is still the server's
/// `write_file`.
#[test]
fn gemini_mcp_servers_named_like_read_tools() {
    let fx = Fixture::new();
    let root = fx.root.to_string_lossy().into_owned();
    let cases = [
        (
            "write_file",
            json!({ "path": "{root}/roles/x.md", "content": "x" }),
            Deny,
        ),
        (
            "move_file",
            json!({ "source": "{root}/notes/todo.md", "destination": "{root}/roles/x.md" }),
            Deny,
        ),
        (
            "write_file",
            json!({ "path": "{root}/notes/x.md", "content": "x" }),
            Allow,
        ),
        (
            "read_file",
            json!({ "path": "{root}/roles/executor.md" }),
            Allow,
        ),
    ];
    let mut t = Tally::default();
    // Server names ending in a read word: the shortest tool name that classifies wins,
    // so `docs_search_write_file` is `write_file`, not a search.
    for server in ["docs_search", "team_list", "kv_get", "file_read"] {
        for (tool, input, expect) in &cases {
            let name = format!("mcp_{server}_{tool}");
            let input = fill_root(input, &root);
            let p = tool_payload(
                "gemini/before_tool_mcp_write_file.json",
                &fx.root,
                Some(&name),
                &input,
            );
            let out = fx.run("gemini", &p);
            t.check(&format!("{name} {input}"), "gemini", &out, *expect, &[]);
        }
    }
    t.finish("Gemini MCP servers named like read tools", 16);
}

/// Tool names no host's classifier knows, per host, as that host would send them: an
/// invented tool, a newer tool of the host, an unknown MCP server's tool.
const UNKNOWN_TOOLS: &[(&str, &str, &str)] = &[
    ("claude", "claude/pre_tool_use_write.json", "FancyWriter"),
    ("claude", "claude/pre_tool_use_write.json", "Skill"),
    (
        "claude",
        "claude/pre_tool_use_mcp_write_file.json",
        "mcp__notes__annotate",
    ),
    ("codex", "codex/pre_tool_use_bash.json", "FancyWriter"),
    ("codex", "codex/pre_tool_use_bash.json", "write_stdin"),
    (
        "codex",
        "codex/pre_tool_use_mcp_write_file.json",
        "mcp__notes__annotate",
    ),
    (
        "gemini",
        "gemini/before_tool_write_file.json",
        "FancyWriter",
    ),
    (
        "gemini",
        "gemini/before_tool_mcp_write_file.json",
        "mcp_notes_annotate",
    ),
    (
        "gemini",
        "gemini/before_tool_mcp_write_file.json",
        "notes__annotate",
    ),
    ("cursor", "cursor/pre_tool_use_write.json", "FancyWriter"),
    ("cursor", "cursor/pre_tool_use_write.json", "EditNotebook"),
    ("cursor", "cursor/pre_tool_use_mcp.json", "MCP:annotate"),
    ("cursor", "cursor/pre_tool_use_mcp.json", "MCP"),
    ("cursor", "cursor/before_mcp_execution.json", "annotate"),
    ("cursor", "cursor/before_mcp_execution_url.json", "annotate"),
];

/// `leaf` inside `depth` objects.
fn nested(depth: usize, leaf: Value) -> Value {
    (0..depth).fold(leaf, |v, _| json!({ "a": v }))
}

/// (input, expected): any string (at any depth) reaching a protected path, or a folder
/// holding one, denies; text and unprotected paths do not.
fn unknown_inputs() -> Vec<(Value, Verdict)> {
    vec![
        (
            json!({ "options": { "targets": ["{root}/src/x", "roles/executor.md"] } }),
            Deny,
        ),
        (json!({ "a": { "b": [{ "c": "roles" }] } }), Deny),
        (json!({ "dir": "." }), Deny),
        (json!({ "where": "{root}" }), Deny),
        (json!({ "where": "/" }), Deny),
        (json!({ "file": "file://{root}/roles/executor.md" }), Deny),
        (json!({ "file": "../project/input/brief.md" }), Deny),
        (json!({ "file": "link-to-roles/executor.md" }), Deny),
        (json!({ "config": ".claude/settings.json" }), Deny),
        (json!({ "config": "~/.claude/settings.json" }), Deny),
        (json!({ "config": "sub/wazir.hooks.yaml" }), Deny),
        // A path given as an object key (a map of file to content).
        (
            json!({ "files": { "roles/executor.md": "new content" } }),
            Deny,
        ),
        // Past 32 levels of nesting the guard stops looking and denies.
        (nested(40, json!("roles/executor.md")), Deny),
        (nested(20, json!("roles/executor.md")), Deny),
        (json!({ "x": "src/x" }), Allow),
        (
            json!({ "x": "{root}/notes/new.md", "y": ["build/out.log"] }),
            Allow,
        ),
        (
            json!({ "title": "fix the roles", "body": "see roles/executor.md for details" }),
            Allow,
        ),
        (json!({ "n": 3, "flag": true, "none": null }), Allow),
        (json!({}), Allow),
    ]
}

#[test]
fn unknown_tools_on_every_host() {
    let fx = Fixture::new();
    std::fs::create_dir_all(fx.root.join(".claude")).unwrap();
    std::fs::write(fx.root.join(".claude/settings.json"), "{\"hooks\": {}}\n").unwrap();
    let root = fx.root.to_string_lossy().into_owned();
    let inputs = unknown_inputs();
    let mut t = Tally::default();
    for (host, template, tool) in UNKNOWN_TOOLS {
        for (input, expect) in &inputs {
            let input = fill_root(input, &root);
            let out = fx.run(host, &tool_payload(template, &fx.root, Some(tool), &input));
            t.check(
                &format!("{template} {tool} {input}"),
                host,
                &out,
                *expect,
                &[],
            );
        }
    }
    t.finish("unknown tools", UNKNOWN_TOOLS.len() * inputs.len());
}

#[test]
fn unknown_tool_reason_names_the_tool_and_the_argument() {
    let fx = Fixture::new();
    let input = json!({ "options": { "targets": ["src/x", "roles/executor.md"] } });
    let mut t = Tally::default();
    for (host, template, tool) in UNKNOWN_TOOLS {
        let out = fx.run(host, &tool_payload(template, &fx.root, Some(tool), &input));
        t.check(
            &format!("{template} {tool}"),
            host,
            &out,
            Deny,
            &[
                &format!("`{tool}`"),
                "options.targets[1]",
                "roles/executor.md",
                "tools:",
            ],
        );
    }
    t.finish("unknown tool reasons", UNKNOWN_TOOLS.len());
}

/// Tools known to write nothing: allowed whatever their input names.
#[test]
fn known_tools_that_write_nothing() {
    let fx = Fixture::new();
    let root = fx.root.to_string_lossy().into_owned();
    let mut t = Tally::default();
    // The templates as they are: their inputs name roles, roles/executor.md and `.`.
    for (host, template) in [
        ("claude", "claude/pre_tool_use_task.json"),
        ("codex", "codex/pre_tool_use_update_plan.json"),
        ("gemini", "gemini/before_tool_write_todos.json"),
    ] {
        let out = fx.run(host, &payload(template, &fx.root, None, None, None));
        t.check(template, host, &out, Allow, &[]);
    }
    let cases: Vec<(&str, &str, &str, Value)> = vec![
        (
            "claude",
            "claude/pre_tool_use_task.json",
            "Agent",
            json!({ "description": "d", "prompt": "roles/executor.md", "subagent_type": "x" }),
        ),
        (
            "claude",
            "claude/pre_tool_use_task.json",
            "TodoWrite",
            json!({ "todos": [{ "content": "roles/executor.md", "status": "pending", "activeForm": "." }] }),
        ),
        (
            "claude",
            "claude/pre_tool_use_task.json",
            "ExitPlanMode",
            json!({ "plan": "rewrite roles/executor.md" }),
        ),
        (
            "claude",
            "claude/pre_tool_use_task.json",
            "Grep",
            json!({ "pattern": "x", "path": "{root}/roles" }),
        ),
        (
            "claude",
            "claude/pre_tool_use_task.json",
            "Glob",
            json!({ "pattern": "**/*.md", "path": "." }),
        ),
        (
            "gemini",
            "gemini/before_tool_write_todos.json",
            "ask_user",
            json!({ "questions": [{ "question": "roles?", "header": "roles" }] }),
        ),
        (
            "gemini",
            "gemini/before_tool_write_todos.json",
            "glob",
            json!({ "pattern": "*.md", "dir_path": "roles" }),
        ),
        (
            "codex",
            "codex/pre_tool_use_update_plan.json",
            "update_plan",
            json!({ "plan": [{ "step": "{root}", "status": "pending" }] }),
        ),
        (
            "cursor",
            "cursor/pre_tool_use_write.json",
            "Task",
            json!({ "description": "d", "prompt": "roles" }),
        ),
        (
            "cursor",
            "cursor/pre_tool_use_write.json",
            "TodoWrite",
            json!({ "todos": [{ "content": "roles/executor.md", "status": "pending" }] }),
        ),
        (
            "cursor",
            "cursor/pre_tool_use_write.json",
            "Grep",
            json!({ "pattern": "x", "path": "roles" }),
        ),
    ];
    for (host, template, tool, input) in &cases {
        let input = fill_root(input, &root);
        let out = fx.run(host, &tool_payload(template, &fx.root, Some(tool), &input));
        t.check(
            &format!("{template} {tool} {input}"),
            host,
            &out,
            Allow,
            &[],
        );
    }
    t.finish("tools that write nothing", 3 + cases.len());
}

/// Cursor's `search_replace` and Gemini CLI's `smart_edit` write files.
#[test]
fn search_replace_and_smart_edit_write() {
    let fx = Fixture::new();
    let mut t = Tally::default();
    for (host, template) in [
        ("cursor", "cursor/pre_tool_use_search_replace.json"),
        ("gemini", "gemini/before_tool_smart_edit.json"),
    ] {
        for (path, expect) in [
            ("{root}/roles/executor.md", Deny),
            ("{root}/input/brief.md", Deny),
            ("{root}/secrets/key.pem", Deny),
            ("{root}/src/main.rs", Allow),
            ("{root}/rolesX/file.md", Allow),
        ] {
            let path = path.replace("{root}", &fx.root.to_string_lossy());
            let out = fx.run(host, &payload(template, &fx.root, None, Some(&path), None));
            t.check(&format!("{template} {path}"), host, &out, expect, &[]);
        }
    }
    t.finish("search_replace and smart_edit", 10);
}

/// Cursor's `beforeMCPExecution`: the answer is `permission` allow/deny (with both
/// messages on a deny), `tool_input` arrives as a JSON string, and an input that is not
/// JSON is denied.
#[test]
fn cursor_before_mcp_execution_answers() {
    let fx = Fixture::new();
    let root = fx.root.to_string_lossy().into_owned();
    let answer = |input: &Value, tool: &str| -> Value {
        let p = tool_payload(
            "cursor/before_mcp_execution.json",
            &fx.root,
            Some(tool),
            input,
        );
        let out = fx.run("cursor", &p);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let deny = answer(
        &json!({ "path": format!("{root}/roles/executor.md"), "content": "x" }),
        "write_file",
    );
    assert_eq!(deny["permission"], "deny", "{deny}");
    for key in ["user_message", "agent_message"] {
        assert!(
            deny[key]
                .as_str()
                .is_some_and(|m| m.contains("roles/executor.md")),
            "{key}: {deny}"
        );
    }
    let allow = answer(
        &json!({ "path": format!("{root}/notes/new.md"), "content": "x" }),
        "write_file",
    );
    assert_eq!(allow, json!({ "permission": "allow" }));
    // Relative paths resolve against the workspace root (the event has no `cwd`).
    let rel = answer(
        &json!({ "path": "roles/new.md", "content": "x" }),
        "write_file",
    );
    assert_eq!(rel["permission"], "deny", "{rel}");
    let read = answer(&json!({ "path": "roles/executor.md" }), "read_text_file");
    assert_eq!(read, json!({ "permission": "allow" }));

    // tool_input as an object (a shape some builds send) and as a string that is not JSON.
    let mut v: Value = serde_json::from_str(&payload(
        "cursor/before_mcp_execution.json",
        &fx.root,
        None,
        None,
        None,
    ))
    .unwrap();
    v["tool_input"] = json!({ "path": "roles/executor.md", "content": "x" });
    let out = fx.run("cursor", &v.to_string());
    assert_eq!(verdict("cursor", &out), Deny, "object tool_input");
    v["tool_input"] = "{not json".into();
    let out = fx.run("cursor", &v.to_string());
    assert_eq!(
        verdict("cursor", &out),
        Deny,
        "unparsable tool_input: {}",
        reason("cursor", &out)
    );
}

/// MCP tools that run what they are given — a command string, an argv array, text typed
/// into a process, code — are analysed as shell commands, on every host's spelling.
#[test]
fn mcp_tools_that_run_commands_are_analysed_as_shell() {
    let fx = Fixture::new();
    let mut t = Tally::default();
    let cases: Vec<(&str, Value, Verdict)> = vec![
        (
            "run",
            json!({"cmd": ["bash", "-c", "echo pwned > roles/executor.md"]}),
            Deny,
        ),
        (
            "exec",
            json!({"argv": ["sh", "-c", "rm roles/executor.md"]}),
            Deny,
        ),
        (
            "execute_command",
            json!({"command": "rm", "args": ["roles/executor.md"]}),
            Deny,
        ),
        (
            "interact_with_process",
            json!({"pid": 1, "input": "echo x > roles/executor.md"}),
            Deny,
        ),
        ("send_keys", json!({"keys": "rm -rf roles\n"}), Deny),
        (
            "run_python",
            json!({"code": "open('roles/executor.md', 'w').write('x')"}),
            Deny,
        ),
        ("run", json!({"cmd": ["ls", "-la"]}), Allow),
        ("run_python", json!({"code": "print(1 + 1)"}), Allow),
    ];
    let hosts = [
        (
            "claude",
            "claude/pre_tool_use_mcp_write_file.json",
            "mcp__shell__",
        ),
        (
            "codex",
            "codex/pre_tool_use_mcp_write_file.json",
            "mcp__shell__",
        ),
        (
            "gemini",
            "gemini/before_tool_mcp_write_file.json",
            "mcp_shell_",
        ),
    ];
    for (host, template, prefix) in hosts {
        for (tool, input, expect) in &cases {
            let name = format!("{prefix}{tool}");
            let out = fx.run(host, &tool_payload(template, &fx.root, Some(&name), input));
            t.check(
                &format!("{template} {name} {input}"),
                host,
                &out,
                *expect,
                &[],
            );
        }
    }
    // `input` given to a tool of a server that runs nothing is data, not a command.
    for (host, template, name) in [
        (
            "claude",
            "claude/pre_tool_use_mcp_write_file.json",
            "mcp__llm__complete",
        ),
        (
            "gemini",
            "gemini/before_tool_mcp_write_file.json",
            "mcp_llm_complete",
        ),
    ] {
        let input = json!({"input": "it's fine, see src/main.rs"});
        let out = fx.run(host, &tool_payload(template, &fx.root, Some(name), &input));
        t.check(&format!("{template} {name}"), host, &out, Allow, &[]);
    }
    t.finish("MCP tools that run commands", hosts.len() * cases.len() + 2);
}
