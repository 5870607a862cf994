//! Input the guard cannot evaluate ends in a deny in the host's own channel (fail
//! closed), within a bounded time, never a crash exit code.

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::harness::{Fixture, Verdict, guard_exe, payload, run_guard, verdict};

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

/// Read leniently, a `hook_event_name` that is not a string is an unknown event and a
/// `tool_name` that is not a string no tool, both of which a guard would let through: on
/// every host, both guards deny such a payload in the host's channel and name the field.
#[test]
fn fields_that_must_be_strings_are_denied_when_they_are_not() {
    let fx = Fixture::new();
    let p = crate::session::Project::new();
    let cases = [
        (
            json!({"hook_event_name": 5, "tool_input": "x"}),
            "`hook_event_name` must be a string, got a number",
        ),
        (
            json!({"hook_event_name": null, "cwd": fx.root, "tool_name": "Write", "tool_input": {"file_path": "roles/x", "content": "x"}}),
            "`hook_event_name` must be a string, got null",
        ),
        (
            json!({"hook_event_name": "PreToolUse", "cwd": fx.root, "tool_name": ["Write"], "tool_input": {"file_path": "roles/x", "content": "x"}}),
            "`tool_name` must be a string, got an array",
        ),
        (
            json!({"hook_event_name": "PreToolUse", "cwd": 7, "tool_name": "Bash", "tool_input": {"command": "ls"}}),
            "`cwd` must be a string, got a number",
        ),
    ];
    for host in HOSTS {
        for (payload, needle) in &cases {
            let text = deny_reason(host, &fx.run(host, &payload.to_string()));
            assert!(text.contains(needle), "{host} {payload}: {text}");
            let out = p.run("loop-cap-guard", host, payload);
            let text = deny_reason(host, &out);
            assert!(
                text.contains(needle) && text.contains("loop-cap-guard"),
                "{host} {payload}: {text}"
            );
        }
    }
}

/// The guard's answer when its stdin stays open and trickling, as a stuck host's
/// would, with the environment variable `var` set.
fn guard_with_stdin_left_open(fx: &Fixture, host: &str, var: (&str, &str)) -> Output {
    let mut child = Command::new(guard_exe())
        .args(["--host", host])
        .env_clear()
        .env("HOME", &fx.home)
        .env(var.0, var.1)
        .current_dir(&fx.root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let _ = stdin.write_all(b"{\"hook_event_name\": \"PreToolUse\", ");
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    out
}

#[test]
fn endless_stdin_is_denied_within_the_deadline() {
    let fx = Fixture::new();
    for host in HOSTS {
        let start = Instant::now();
        let out = guard_with_stdin_left_open(&fx, host, ("WAZIR_HOOK_DEADLINE_MS", "400"));
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
fn memory_past_the_bound_is_answered_as_a_deny() {
    // The watchdog also bounds the resident memory (512 MiB by default): a hook killed
    // for its memory lets the call through. Here the bound is below what any hook
    // process holds, and stdin stays open so the hook is still running when it looks.
    let fx = Fixture::new();
    for host in HOSTS {
        let out = guard_with_stdin_left_open(&fx, host, ("WAZIR_HOOK_MEMORY_MIB", "1"));
        let text = deny_reason(host, &out);
        assert!(
            text.contains("used more than 1 MiB of memory"),
            "{host}: {text}"
        );
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
    // Only the user policy can relax on_error (README, "User policy"); a project's
    // `on_error: allow` alone changes nothing.
    std::fs::write(
        fx.root.join("wazir.hooks.yaml"),
        "on_error: allow\nprotected_paths: [\"**/.env\"]\n",
    )
    .unwrap();
    assert_eq!(
        verdict("claude", &fx.run("claude", "not json")),
        Verdict::Deny
    );
    let user = fx.home.join(".config/wazir-hooks");
    std::fs::create_dir_all(&user).unwrap();
    std::fs::write(user.join("hooks.yaml"), "on_error: allow\n").unwrap();
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

/// Runs `cmd` through the Claude Code Bash payload and returns the verdict and the whole
/// answer, which must not be the watchdog's (the analysis itself finished in time).
fn bash_answer(fx: &Fixture, cmd: &str) -> (Verdict, String) {
    let p = payload(
        "claude/pre_tool_use_bash.json",
        &fx.root,
        Some(cmd),
        None,
        None,
    );
    let out = fx.run("claude", &p);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains("no answer within"), "{cmd:.80}: {text}");
    assert!(!text.contains("internal error"), "{cmd:.80}: {text}");
    (verdict("claude", &out), text)
}

#[test]
fn fuzz_brace_words_cost_linear_time_and_never_panic() {
    // Found by the shell_command fuzz target: brush-parser's brace parser backtracks, its
    // time tripling with each nested `{` that opens no expression (this took minutes),
    // and it panicked on a sequence bound beyond i64.
    let fx = Fixture::new();
    let braces = "{".repeat(56);
    let (v, text) = bash_answer(&fx, &format!("cp -a{braces} src/. build/"));
    assert_eq!(v, Verdict::Deny, "{text}");
    assert!(text.contains("build/.env"), "analysed to the end: {text}");
    let (v, text) = bash_answer(&fx, &format!("touch a{}b", "{,".repeat(40)));
    assert_eq!(v, Verdict::Allow, "{text}");
    let (v, text) = bash_answer(
        &fx,
        "echo {99999999999999999999..1} {1..-99999999999999999999}",
    );
    assert_eq!(v, Verdict::Allow, "{text}");
    // A sequence whose size overflows i64 (a debug build panicked computing it).
    bash_answer(&fx, "touch src/{-9223372036854775807..9223372036854775807}");
    // Expressions beside the literal braces still expand.
    let (v, text) = bash_answer(&fx, &format!("rm -r a{braces}b {{x,roles}}"));
    assert_eq!(v, Verdict::Deny);
    assert!(text.contains("roles"), "{text}");
}

#[test]
fn fuzz_diffs_too_large_to_enumerate_are_denied_quickly() {
    // Every strip level of every header path was enumerated with quadratic dedup: a path
    // 20 KB deep or 60,000 headers took minutes and gigabytes.
    let fx = Fixture::new();
    let deep = format!(
        "patch <<'EOF'\n+++ {}x\n@@ -0,0 +1 @@\n+y\nEOF",
        "a/".repeat(10_000)
    );
    let many: String = (0..60_000).map(|i| format!("+++ p{i}\n")).collect();
    let many = format!("patch <<'EOF'\n{many}EOF");
    for cmd in [deep, many] {
        let (v, text) = bash_answer(&fx, &cmd);
        assert_eq!(v, Verdict::Deny, "{text}");
        assert!(text.contains("cannot be read before it runs"), "{text}");
    }
    // The same diff through Cursor's patch tool: denied, and the reason says why.
    let deep = format!("+++ {}x\n@@ -0,0 +1 @@\n+y\n", "a/".repeat(60_000));
    let out = fx.run(
        "cursor",
        &payload(
            "cursor/pre_tool_use_applypatch.json",
            &fx.root,
            None,
            None,
            Some(&deep),
        ),
    );
    assert_eq!(verdict("cursor", &out), Verdict::Deny);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("too many for the guard to check"), "{text}");
}

#[test]
fn fuzz_globs_multiplied_by_braces_are_bounded() {
    // Found by the shell_command fuzz target: brace expansion turned one word into 512
    // globs, each listing `/` several levels deep (seconds, up to the watchdog). All the
    // globs of a command now share one budget of directory entries; past it a glob is a
    // target under its literal prefix, which for `/` may be protected. (`bash_answer`
    // fails if the watchdog had to answer.)
    let fx = Fixture::new();
    let word = "{,a}/*".repeat(9);
    let (v, text) = bash_answer(&fx, &format!("rm -f {word}"));
    assert_eq!(v, Verdict::Deny, "{text}");
    // The same inside a command substitution, where the 512 globs over directories that
    // do not exist compiled each of their components again (seconds; found by the second
    // fuzzing campaign): patterns are compiled once per command, each compile charged
    // to the same budget.
    let (v, text) = bash_answer(
        &fx,
        "echo `ls {,a}/*{,b}/*x{,c}/*y{,d}/*z{,e}0*a.k{,f}/*{,g}/*{,h}/*{,i}/*` > roles/x",
    );
    assert_eq!(v, Verdict::Deny, "{text}");
    // `${v%%pattern}` patterns share the budget: past a hundred distinct ones, a value
    // made with one is unknown, so a write to it is denied.
    let strip = "x=src/a.rs; rm -f ${x%%/*}/b.rs";
    let (v, text) = bash_answer(&fx, strip);
    assert_eq!(v, Verdict::Allow, "{text}");
    let strips: String = (0..300).map(|i| format!(" ${{x%%{i}*}}")).collect();
    let (v, text) = bash_answer(&fx, &format!("x=1; echo{strips}; {strip}"));
    assert_eq!(v, Verdict::Deny, "{text}");
    // An ordinary glob is still listed and checked file by file.
    let (v, text) = bash_answer(&fx, "rm -f src/*.rs");
    assert_eq!(v, Verdict::Allow, "{text}");
    let (v, text) = bash_answer(&fx, "rm -f r*/*.md");
    assert_eq!(v, Verdict::Deny, "{text}");
    assert!(text.contains("roles/"), "{text}");
}

#[test]
fn fuzz_numbers_the_parser_would_overflow_on_are_denied_not_crashed() {
    // Found by the shell_command fuzz target (inside a `trap` handler): brush-parser
    // unwraps a redirection's fd number and a tilde's directory-stack index, and panicked.
    let fx = Fixture::new();
    for cmd in [
        "echo x 99999999999999>f",
        "trap 'cat 44444444444444444444>roles/x' EXIT",
        "ls ~+99999999999999999999",
        "ls ~-99999999999999999999",
        "ls ~99999999999999999999",
    ] {
        let (v, text) = bash_answer(&fx, cmd);
        assert_eq!(v, Verdict::Deny, "{cmd}: {text}");
        assert!(text.contains("too large"), "{cmd}: {text}");
    }
}

#[test]
fn fuzz_unclosed_parentheses_are_denied_quickly() {
    // Found by the shell_command fuzz target: brush-parser's time grows 1.7- to 3-fold
    // with each `(` left open; 111 of them (well under the nesting cap) never finished,
    // nor 16 inside a quoted command substitution.
    let fx = Fixture::new();
    for cmd in [
        format!("{}dearuc x)", "(".repeat(111)),
        format!("echo x; {} x )", "( ".repeat(60)),
        format!("f() {} x)", "(".repeat(60)),
        // Inside a command substitution inside double quotes.
        format!("echo \"$SAFE_$({} x\"", "$(".repeat(30)),
        format!("echo \"$(x {} x)\"", "( ".repeat(30)),
        String::from_utf8(
            std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(
                "fuzz/regressions/shell_command/timeout-a53a8c3fd691c1640b7ce0772f7525a22b2eb370",
            ))
            .unwrap(),
        )
        .unwrap(),
    ] {
        let (v, text) = bash_answer(&fx, &cmd);
        assert_eq!(v, Verdict::Deny, "{text}");
        assert!(text.contains("never closed"), "{text}");
    }
    // Quoted parentheses are text, and balanced ones parse.
    let quoted = format!("echo '{0}' \"{0}\" > src/x", "(".repeat(60));
    assert_eq!(bash_answer(&fx, &quoted).0, Verdict::Allow);
    let balanced = format!("{}echo x{}", "(".repeat(60), ")".repeat(60));
    assert_eq!(bash_answer(&fx, &balanced).0, Verdict::Allow);
}

#[test]
fn fuzz_heredoc_delimiters_that_exhaust_memory_are_refused() {
    // Found by the fifth shell_command run: a here-document delimiter starting with a
    // carriage return or a form feed sends brush-parser's tokenizer into a loop that
    // allocates without end (24 GB before the watchdog's answer on this machine); a
    // hook killed for its memory lets the call through.
    let fx = Fixture::new();
    let artifact = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions/shell_command/oom-55e84ed309691afd47d997e1c7d485d843438eb8");
    for cmd in [
        String::from_utf8_lossy(&std::fs::read(artifact).unwrap()).into_owned(),
        "cat <<\r > roles/x".to_owned(),
        "cat <<- \x0c x".to_owned(),
    ] {
        let (v, text) = bash_answer(&fx, &cmd);
        assert_eq!(v, Verdict::Deny, "{text}");
        assert!(text.contains("carriage return not ending a line"), "{text}");
    }
    // CRLF line endings and a delimiter ending in one still parse.
    let (v, text) = bash_answer(&fx, "cat <<EOF\r\nx\r\nEOF\r\n");
    assert_eq!(v, Verdict::Allow, "{text}");
}

#[test]
fn fuzz_heredocs_that_exhaust_memory_are_refused() {
    // Found by the eighth shell_command run: a here-document delimiter that is empty
    // once unquoted (`<<""`, `<<''`), with no line after it, sends brush-parser's
    // tokenizer into the same endless allocation (745 MB in a second here).
    let fx = Fixture::new();
    let artifact = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions/shell_command/oom-0c4c1f934695d8bfb8ec5a53599ce0ba7d493834");
    for cmd in [
        String::from_utf8_lossy(&std::fs::read(artifact).unwrap()).into_owned(),
        "cat <<'' ".to_owned(),
        "cat <<- \"\"\"\" # x".to_owned(),
        "cat <<\"\"\\\n > roles/x".to_owned(),
    ] {
        let (v, text) = bash_answer(&fx, &cmd);
        assert_eq!(v, Verdict::Deny, "{text}");
        assert!(text.contains("delimiter is empty"), "{text}");
    }
    // The sweep that followed found more ways in: a lone carriage return elsewhere in
    // the delimiter, and several blanks, or a blank and no delimiter, after `<<` inside
    // a command substitution.
    for (cmd, why) in [
        ("cat <<x${\r ", "carriage return not ending a line"),
        ("cat <<\\\n\r ", "carriage return not ending a line"),
        ("echo $(cat <<  x ", "after a command substitution"),
        ("echo $(cat << ;#", "after a command substitution"),
    ] {
        let (v, text) = bash_answer(&fx, cmd);
        assert_eq!(v, Verdict::Deny, "{text}");
        assert!(text.contains(why), "{text}");
    }
    // Here-strings of an empty string are not here-documents.
    let (v, text) = bash_answer(&fx, "cat <<< '' <<<\"\" > src/x");
    assert_eq!(v, Verdict::Allow, "{text}");
}

#[test]
fn fuzz_parentheses_behind_a_quote_in_a_heredoc_body_are_counted() {
    // Found by the ninth shell_command run: in a here-document body a `'` is a plain
    // character, but the prescan followed it as a quote and did not count the `(` after
    // it (20 of them behind `$'` cost 0.5 s in a release build, each one doubling it).
    let fx = Fixture::new();
    let mut hostile = shell_regressions(&[
        "slow-unit-4083e94e96dd8ffde4c6102e94bebbb9763fec34",
        "timeout-44e9eb6af9fa2f5e73c3467a6c08e3a4d76bd4c2",
    ]);
    hostile.push(format!("cat <<EOF\n$'$({}\nEOF\n", "(".repeat(20)));
    for cmd in &hostile {
        let (v, text) = bash_answer(&fx, cmd);
        assert_eq!(v, Verdict::Deny, "{cmd:.80}: {text}");
        assert!(text.contains("are never closed"), "{text}");
    }
    // A body with quotes and balanced parentheses is read as usual.
    let (v, text) = bash_answer(&fx, "cat <<EOF > src/x\nit's (fine) $(date)\nEOF\n");
    assert_eq!(v, Verdict::Allow, "{text}");
}

#[test]
fn fuzz_unclosed_subscripts_are_denied_quickly() {
    // Found by the third shell_command campaign: array subscripts and legacy `$[…]`
    // arithmetic left open inside an assignment's subscript made brush-parser's word
    // grammar backtrack (2.4 s in a release build for 14 of them).
    let fx = Fixture::new();
    let artifact = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions/shell_command/timeout-0ca8e55fd0d3abc9127a5f3b7af5059720a27767");
    for cmd in [
        String::from_utf8_lossy(&std::fs::read(artifact).unwrap()).into_owned(),
        format!("a[{}0]=1 > roles/x", "$[b[".repeat(7)),
    ] {
        let (v, text) = bash_answer(&fx, &cmd);
        assert_eq!(v, Verdict::Deny, "{text}");
        assert!(text.contains("never closed"), "{text}");
    }
    // Closed subscripts and arithmetic parse and are checked as usual.
    let closed = format!(
        "a[{}0{}]=1; echo $[1+2] > src/x",
        "$[b[".repeat(7),
        "]]".repeat(7)
    );
    assert_eq!(bash_answer(&fx, &closed).0, Verdict::Allow);
}

/// The commands of these files of `fuzz/regressions/shell_command/`.
fn shell_regressions(files: &[&str]) -> Vec<String> {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/shell_command");
    files
        .iter()
        .map(|f| String::from_utf8_lossy(&std::fs::read(dir.join(f)).unwrap()).into_owned())
        .collect()
}

#[test]
fn fuzz_nested_or_open_parameter_subscripts_are_denied_quickly() {
    // Found by the seventh shell_command run: brush-parser's word grammar parses each
    // `${name[…` again for each of ~25 forms of `${…}`, so nested or unclosed ones cost
    // it 16-fold each (a word with six took 13 s in a release build; the fuzzer's two
    // inputs 2 s and over 60 s). Each command's words get a budget of that work.
    let fx = Fixture::new();
    let mut hostile = shell_regressions(&[
        "slow-unit-c80ea9c79494cb098f0963e538c51f049a2fd142",
        "timeout-2b0c40e63ec1eb892cf1d41e949b56d2a0b074a5",
    ]);
    hostile.extend([
        format!("echo \"{}\"", "${a[}x ".repeat(6)),
        format!("echo {}0{}", "${a[".repeat(6), "]}".repeat(6)),
        // Three nested fit once, not thirty times in one command.
        format!("echo{}", " ${a[${b[${c[0]}]}]}".repeat(30)),
    ]);
    for cmd in &hostile {
        let (v, text) = bash_answer(&fx, cmd);
        assert_eq!(v, Verdict::Deny, "{cmd:.80}: {text}");
        assert!(text.contains("subscripts nest too deep"), "{text}");
    }
    // Ordinary subscripts, by the thousand, and three nested are read as usual.
    let ordinary = format!(
        "x=${{a[${{b[${{c[0]}}]}}]}}; echo \"$x\"{} > src/out",
        " \"${a[$i]}\"".repeat(1000)
    );
    let (v, text) = bash_answer(&fx, &ordinary);
    assert_eq!(v, Verdict::Allow, "{text}");
    let (v, text) = bash_answer(&fx, "echo \"${a[${b[0]}]}\" > roles/x");
    assert_eq!(v, Verdict::Deny, "{text}");
    assert!(text.contains("roles/x"), "{text}");
}

#[test]
fn fuzz_a_parser_panic_is_a_reasoned_deny() {
    // Found by the shell_command fuzz target: brush-parser's tokenizer unwraps a missing
    // character when a `$(` on a heredoc's line is never closed. The panic is caught
    // around the parse and answered as a command that cannot be read.
    let fx = Fixture::new();
    let cmd = "cat <<EOF > notes/todo.md$(cat roles/echo cm9sexecutorZXM= .odmd|b\u{2}$(d)\nEOF";
    let (v, text) = bash_answer(&fx, cmd);
    assert_eq!(v, Verdict::Deny, "{text}");
    assert!(text.contains("the bash parser failed"), "{text}");
}
