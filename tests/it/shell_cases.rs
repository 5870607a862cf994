//! The shell corpora (tests/fixtures/shell/cases.jsonl, holdout.jsonl, holdout2.jsonl and
//! the verified-*.jsonl pair, written by four different authors): every write must be denied and every read allowed, through every
//! host's shell tool. A deny counts only when the analysis made it: a case the guard
//! refuses because it cannot analyse it (unparsable, too complex, past the deadline) says
//! so (`"gives_up": true`); a `known_gap` case that is allowed now must lose its mark.

use serde_json::Value;

use crate::harness::{Fixture, SHELL_TOOLS, Verdict, payload, verdict};

struct Case {
    expect: Verdict,
    /// A false positive the guard is known to make (README "Known false positives"): it
    /// must still be denied, never allowed.
    known_gap: Option<String>,
    cmd: String,
    cwd: Option<String>,
    why: String,
    /// The case is denied because the guard cannot analyse it (`"gives_up": true`): an
    /// unparsable or too complex command, which must be refused.
    gives_up: bool,
}

fn cases() -> Vec<Case> {
    let text = concat!(
        include_str!("../fixtures/shell/cases.jsonl"),
        "\n",
        include_str!("../fixtures/shell/holdout.jsonl"),
        "\n",
        include_str!("../fixtures/shell/holdout2.jsonl"),
        "\n",
        include_str!("../fixtures/shell/verified-bypasses.jsonl"),
        "\n",
        include_str!("../fixtures/shell/verified-readonly.jsonl")
    );
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("//"))
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("bad case {l}: {e}"));
            Case {
                expect: match v["expect"].as_str() {
                    Some("deny") => Verdict::Deny,
                    Some("allow") => Verdict::Allow,
                    other => panic!("bad expect {other:?}"),
                },
                cmd: v["cmd"].as_str().unwrap().to_owned(),
                cwd: v["cwd"].as_str().map(str::to_owned),
                known_gap: v["known_gap"].as_str().map(str::to_owned),
                why: v["why"].as_str().unwrap_or("").to_owned(),
                gives_up: v["gives_up"].as_bool().unwrap_or(false),
            }
        })
        .collect()
}

fn run_corpus(tools: &[(&str, &str)]) {
    let fx = Fixture::new();
    let cases = cases();
    assert!(cases.len() > 4300, "the corpus shrank to {}", cases.len());
    let mut failures = Vec::new();
    let mut known = Vec::new();
    let mut gave_up_denies = Vec::new();
    let (mut denied, mut allowed) = (0, 0);
    for (host, template) in tools {
        for case in &cases {
            let cmd = case
                .cmd
                .replace("{root}", &fx.root.to_string_lossy())
                .replace("{home}", &fx.home.to_string_lossy());
            let cwd = case
                .cwd
                .as_ref()
                .map_or(fx.root.clone(), |c| fx.root.join(c));
            // Hosts pass their TMPDIR on (the verified corpus writes there).
            let out = fx.run_env(
                host,
                &payload(template, &cwd, Some(&cmd), None, None),
                &[("TMPDIR", "/tmp")],
            );
            let got = verdict(host, &out);
            if let Some(gap) = &case.known_gap {
                assert_eq!(
                    case.expect,
                    Verdict::Allow,
                    "only false positives can be known gaps: {cmd}"
                );
                if got == Verdict::Deny {
                    known.push(format!("[{template}] {cmd:?}: {gap}"));
                } else {
                    failures.push(format!(
                        "[{template}] {cmd:?} is allowed now: remove its known_gap mark"
                    ));
                }
                continue;
            }
            // A deny must come from the analysis, not from giving up on it (a parse
            // failure, a command too complex, the deadline), unless the case says so.
            let reason = crate::harness::reason(host, &out);
            let gave_up = [
                "does not parse as bash",
                "too complex to analyse",
                "no answer within",
            ]
            .iter()
            .find(|g| reason.contains(*g));
            if got == Verdict::Deny
                && case.expect == Verdict::Deny
                && let Some(g) = gave_up
                && !case.gives_up
            {
                gave_up_denies.push(format!(
                    "[{template}] {cmd:?} ({}): denied because it {g}",
                    case.why
                ));
                continue;
            }
            if got == case.expect {
                if got == Verdict::Deny {
                    denied += 1
                } else {
                    allowed += 1
                }
            } else {
                failures.push(format!(
                    "[{template}] expected {:?}, got {got:?}: {cmd:?} ({}){}",
                    case.expect,
                    case.why,
                    if got == Verdict::Deny {
                        format!(
                            "\n    reason: {}{}",
                            String::from_utf8_lossy(&out.stdout),
                            String::from_utf8_lossy(&out.stderr)
                        )
                    } else {
                        String::new()
                    }
                ));
            }
        }
    }
    eprintln!(
        "shell corpus: {denied} denied and {allowed} allowed as expected, {} wrong, {} known false positives (denied):\n{}",
        failures.len(),
        known.len(),
        known.join("\n")
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases wrong:\n{}",
        failures.len(),
        cases.len() * tools.len(),
        failures.join("\n")
    );
    assert!(
        gave_up_denies.is_empty(),
        "{} deny cases were denied without being analysed (mark them \"gives_up\": true if that is the point):\n{}",
        gave_up_denies.len(),
        gave_up_denies.join("\n")
    );
}

#[test]
fn corpus_on_claude_bash() {
    run_corpus(&SHELL_TOOLS[..1]);
}

#[test]
fn corpus_on_cursor_shell_events() {
    run_corpus(&SHELL_TOOLS[1..3]);
}

#[test]
fn corpus_on_gemini_run_shell_command() {
    run_corpus(&SHELL_TOOLS[3..4]);
}

#[test]
fn corpus_on_codex_bash() {
    run_corpus(&SHELL_TOOLS[4..5]);
}

/// A program run by a path outside the system's folders is judged by what it is on
/// disk: a link into them with the same model (a virtualenv's python) keeps its model;
/// a link or copy named like something else has none.
#[test]
fn programs_linked_into_the_project() {
    let fx = Fixture::new();
    let bin = fx.root.join(".venv/bin");
    std::fs::create_dir_all(&bin).unwrap();
    let python = ["/usr/bin/python3", "/bin/python3"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .expect("python3 on the test machine");
    std::os::unix::fs::symlink(python, bin.join("python")).unwrap();
    std::os::unix::fs::symlink("/bin/rm", bin.join("cat")).unwrap();
    std::fs::copy("/bin/rm", bin.join("head")).unwrap();
    let cases = [
        (
            ".venv/bin/python -c \"print(open('roles/executor.md').read())\"",
            Verdict::Allow,
        ),
        (
            ".venv/bin/python -c \"import os; os.remove('roles/executor.md')\"",
            Verdict::Deny,
        ),
        (".venv/bin/python -m pytest tests", Verdict::Allow),
        (".venv/bin/cat roles/executor.md", Verdict::Deny),
        (".venv/bin/head roles/executor.md", Verdict::Deny),
        (".venv/bin/cat notes/todo.md", Verdict::Allow),
    ];
    let mut tally = crate::harness::Tally::default();
    for (host, template) in SHELL_TOOLS {
        for (cmd, expect) in &cases {
            let out = fx.run(host, &payload(template, &fx.root, Some(cmd), None, None));
            tally.check(&format!("[{template}] {cmd}"), host, &out, *expect, &[]);
        }
    }
    tally.finish("programs linked into the project", 30);
}

/// git reads settings and hooks from other repositories than the project's: a setting
/// there that runs a command, or an active hook, makes git unknown.
#[test]
fn git_in_other_repositories() {
    let fx = Fixture::new();
    let other = fx.root.parent().unwrap().join("elsewhere");
    let repo = |name: &str, config: &str, hook: Option<&str>| {
        let git = other.join(name).join(".git");
        std::fs::create_dir_all(git.join("hooks")).unwrap();
        std::fs::write(git.join("config"), config).unwrap();
        std::fs::write(git.join("hooks/pre-commit.sample"), "#!/bin/sh\n").unwrap();
        if let Some(h) = hook {
            std::fs::write(git.join("hooks").join(h), "#!/bin/sh\n").unwrap();
        }
        other.join(name).to_string_lossy().into_owned()
    };
    let plain = repo("plain", "[core]\n\tbare = false\n\teditor = vim\n", None);
    let monitor = repo(
        "monitor",
        "[core]\n\tfsmonitor = rm -f roles/executor.md\n",
        None,
    );
    let hooked = repo("hooked", "[core]\n\tbare = false\n", Some("post-commit"));
    let cases = [
        (format!("git -C {plain} status"), Verdict::Allow),
        (format!("git -C {plain} commit -m x"), Verdict::Allow),
        (format!("git -C {monitor} status"), Verdict::Deny),
        (format!("GIT_DIR={monitor}/.git git status"), Verdict::Deny),
        (format!("git --git-dir={monitor}/.git log"), Verdict::Deny),
        (format!("git -C {hooked} commit -m x"), Verdict::Deny),
        ("git status".to_owned(), Verdict::Allow),
    ];
    let mut tally = crate::harness::Tally::default();
    for (host, template) in SHELL_TOOLS {
        for (cmd, expect) in &cases {
            let out = fx.run(host, &payload(template, &fx.root, Some(cmd), None, None));
            tally.check(&format!("[{template}] {cmd}"), host, &out, *expect, &[]);
        }
    }
    tally.finish("git in other repositories", 35);
}

/// `git stash`, `reset --hard` and restores from the index (`checkout -- PATHS`,
/// `restore PATHS`) rewrite the tracked files that differ from git's index: allowed
/// while no protected one does, denied once one does. With untracked files (`-u`), or
/// beside another program that may change the index first, or with an index of the
/// command's choosing, they stay denied.
#[test]
fn git_restores_change_only_changed_files() {
    let fx = Fixture::new();
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(&fx.root)
            .env("HOME", &fx.home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {out:?}");
    };
    std::fs::remove_dir_all(fx.root.join(".git")).unwrap();
    git(&["init", "-q"]);
    // Files younger than the index's own second would be "racily clean" to git, and to
    // the guard (which then counts them as changed).
    std::thread::sleep(std::time::Duration::from_millis(1100));
    git(&["add", "-A"]);
    git(&[
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "commit",
        "-qm",
        "init",
    ]);
    let check = |cases: &[(&str, Verdict)], label: &str| {
        let mut tally = crate::harness::Tally::default();
        for (host, template) in SHELL_TOOLS {
            for (cmd, expect) in cases {
                let out = fx.run(host, &payload(template, &fx.root, Some(cmd), None, None));
                tally.check(&format!("[{template}] {cmd}"), host, &out, *expect, &[]);
            }
        }
        tally.finish(label, cases.len() * SHELL_TOOLS.len());
    };
    std::fs::write(fx.root.join("src/main.rs"), "fn main() { }\n").unwrap();
    check(
        &[
            ("git stash", Verdict::Allow),
            ("git stash push -m wip", Verdict::Allow),
            ("git stash -u", Verdict::Deny),
            ("git stash pop", Verdict::Deny),
            ("git checkout .", Verdict::Allow),
            ("git checkout -- .", Verdict::Allow),
            ("git restore .", Verdict::Allow),
            ("git reset --hard", Verdict::Allow),
            ("git reset --hard HEAD >/dev/null 2>&1", Verdict::Allow),
            ("cd src && git checkout . && cat main.rs", Verdict::Allow),
            (
                "git stash; git status; git log --oneline | head -3",
                Verdict::Allow,
            ),
            ("git checkout HEAD -- .", Verdict::Deny),
            ("git restore --source=HEAD .", Verdict::Deny),
            ("git restore -S -W .", Verdict::Deny),
            ("git reset --hard HEAD~1", Verdict::Deny),
            ("GIT_INDEX_FILE=/tmp/i git checkout .", Verdict::Deny),
            ("export GIT_INDEX_FILE=/tmp/i; git stash", Verdict::Deny),
            // Another program may change the index before the restore reads it.
            (
                "git update-index --cacheinfo 100644,e69de29bb2d1d6434b8b29ae775ad8c2e48c5391,roles/executor.md && git checkout .",
                Verdict::Deny,
            ),
            ("echo > .git/index; git checkout .", Verdict::Deny),
            ("git checkout . 2>.git/index", Verdict::Deny),
            ("git checkout . | python3 x.py", Verdict::Deny),
            (
                "for i in 1 2; do git checkout .; touch build/x; done",
                Verdict::Deny,
            ),
            ("git stash && rm -f build/out.log", Verdict::Deny),
        ],
        "git stash and restores with a project file changed",
    );
    // Index version 4 compresses its path names.
    git(&["update-index", "--index-version", "4"]);
    check(
        &[("git stash", Verdict::Allow)],
        "git stash, index version 4",
    );
    std::fs::write(fx.root.join("roles/executor.md"), "changed\n").unwrap();
    check(
        &[
            ("git stash", Verdict::Deny),
            ("git checkout .", Verdict::Deny),
            ("git restore roles", Verdict::Deny),
            ("git reset --hard", Verdict::Deny),
            // src/ holds a protected .env, unchanged.
            ("git checkout -- src", Verdict::Allow),
            ("git restore src/main.rs", Verdict::Allow),
        ],
        "git stash and restores with a protected file changed",
    );
}

/// The verified corpus (written by a helper who did not see the engine; each case was
/// run in bash on a copy of the fixture by tests/fixtures/shell/verify-corpus.sh) holds
/// at least 300 bypasses over all seven classes of the guard's issue, and 300 read-only
/// commands; every case records what it changed.
#[test]
fn verified_corpus_covers_every_class() {
    let parse = |text: &str| -> Vec<Value> {
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad case {l}: {e}")))
            .collect()
    };
    let bypasses = parse(include_str!("../fixtures/shell/verified-bypasses.jsonl"));
    let reads = parse(include_str!("../fixtures/shell/verified-readonly.jsonl"));
    assert!(bypasses.len() >= 300, "{} bypasses", bypasses.len());
    assert!(reads.len() >= 300, "{} read-only commands", reads.len());
    let mut per_class = [0usize; 8];
    for b in &bypasses {
        assert_eq!(b["expect"], "deny", "{b}");
        assert!(b["verified"].as_str().is_some_and(|v| !v.is_empty()), "{b}");
        let class = b["class"].as_u64().expect("class") as usize;
        per_class[class] += 1;
    }
    for (class, n) in per_class.iter().enumerate().skip(1) {
        assert!(*n >= 25, "class {class} has {n} bypasses");
    }
    for r in &reads {
        assert_eq!(r["expect"], "allow", "{r}");
        assert!(r["verified"].as_str().is_some_and(|v| !v.is_empty()), "{r}");
    }
    eprintln!(
        "verified corpus: {} bypasses (per class {:?}), {} read-only",
        bypasses.len(),
        &per_class[1..],
        reads.len()
    );
}
