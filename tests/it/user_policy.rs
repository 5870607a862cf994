//! The user policy through the real binaries (README, "User policy"): the built-in
//! credentials are protected in every project unless the user policy's `credentials`
//! replaces them; the user's protected paths, `on_error`, loop caps and approved flows
//! apply in every project, which can only tighten them; a user policy that does not load
//! makes the guards deny; `policy`, `validate` and `doctor` say what is in force and why.
//! HOME and XDG_CONFIG_HOME point at temporary folders; payloads are Claude Code's.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::{Value, json};

use crate::harness::{Fixture, Verdict, payload, run_guard, verdict};
use crate::session::Project;

const CLI: &str = env!("CARGO_BIN_EXE_wazir-hooks");

/// The fixture project (manifest protecting `roles` and more, `wazir.hooks.yaml`
/// protecting `**/.env` and `secrets/*.pem`), its HOME, and an XDG_CONFIG_HOME in it.
struct Env {
    fx: Fixture,
    xdg: PathBuf,
}

impl Env {
    fn new() -> Env {
        let fx = Fixture::new();
        let xdg = fx.home.join("xdg-config");
        std::fs::create_dir_all(&xdg).unwrap();
        std::fs::create_dir_all(fx.home.join(".ssh")).unwrap();
        std::fs::write(fx.home.join(".ssh/id_rsa.pub"), "ssh-rsa AAAA me\n").unwrap();
        std::fs::write(fx.home.join(".ssh/authorized_keys"), "").unwrap();
        Env { fx, xdg }
    }

    /// The same, with no `wazir.manifest.yaml` or `wazir.hooks.yaml`: a project that
    /// configures nothing (its `.git` makes it the root).
    fn unconfigured() -> Env {
        let env = Env::new();
        std::fs::remove_file(env.fx.root.join("wazir.manifest.yaml")).unwrap();
        std::fs::remove_file(env.fx.root.join("wazir.hooks.yaml")).unwrap();
        env
    }

    fn policy_file(&self) -> PathBuf {
        self.xdg.join("wazir-hooks/hooks.yaml")
    }

    fn user_policy(&self, yaml: &str) {
        let file = self.policy_file();
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, yaml).unwrap();
    }

    fn project(&self, yaml: &str) {
        std::fs::write(self.fx.root.join("wazir.hooks.yaml"), yaml).unwrap();
    }

    fn guard_env(&self, payload: &str, env: &[(&str, &str)]) -> Output {
        let xdg = self.xdg.to_string_lossy().into_owned();
        let mut all = vec![("XDG_CONFIG_HOME", xdg.as_str())];
        all.extend_from_slice(env);
        run_guard(
            &["--host", "claude"],
            payload,
            &self.fx.home,
            &self.fx.root,
            &all,
        )
    }

    fn guard(&self, payload: &str) -> Output {
        self.guard_env(payload, &[])
    }

    fn write(&self, path: &str) -> String {
        payload(
            "claude/pre_tool_use_write.json",
            &self.fx.root,
            None,
            Some(path),
            None,
        )
    }

    fn read(&self, path: &str) -> String {
        payload(
            "claude/pre_tool_use_read.json",
            &self.fx.root,
            None,
            Some(path),
            None,
        )
    }

    fn bash(&self, command: &str) -> String {
        payload(
            "claude/pre_tool_use_bash.json",
            &self.fx.root,
            Some(command),
            None,
            None,
        )
    }

    fn home(&self, rel: &str) -> String {
        self.fx.home.join(rel).to_string_lossy().into_owned()
    }

    fn in_project(&self, rel: &str) -> String {
        self.fx.root.join(rel).to_string_lossy().into_owned()
    }

    /// `wazir-hooks` in the project, in a scrubbed environment.
    fn cli(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(CLI);
        cmd.env_clear()
            .env("HOME", &self.fx.home)
            .env("XDG_CONFIG_HOME", &self.xdg)
            .env("PATH", "/usr/bin:/bin")
            .current_dir(&self.fx.root)
            .args(args);
        cmd
    }

    #[track_caller]
    fn stdout(&self, args: &[&str], code: i32) -> String {
        let out = self.cli(args).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        text
    }
}

/// The deny reason Claude Code would show the model.
fn reason(out: &Output) -> String {
    assert_eq!(verdict("claude", out), Verdict::Deny, "{out:?}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["hookSpecificOutput"]["permissionDecisionReason"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn credentials_are_protected_in_every_project_by_default() {
    let env = Env::unconfigured();
    let keys = env.home(".ssh/authorized_keys");
    let r = reason(&env.guard(&env.write(&keys)));
    assert!(
        r.contains("protected by the entry `~/.ssh` (built-in credentials)"),
        "{r}"
    );
    let r = reason(&env.guard(&env.bash("echo x >> ~/.ssh/authorized_keys")));
    assert!(r.contains("`~/.ssh` (built-in credentials)"), "{r}");
    for other in [".aws/credentials", ".kube/config", ".config/gh/hosts.yml"] {
        let p = env.home(other);
        assert_eq!(
            verdict("claude", &env.guard(&env.write(&p))),
            Verdict::Deny,
            "{other}"
        );
    }
    // Reading them stays allowed, as does writing anywhere else.
    let public = env.home(".ssh/id_rsa.pub");
    for allowed in [
        env.read(&public),
        env.bash("cat ~/.ssh/id_rsa.pub"),
        env.write(&env.in_project("roles/a.md")),
        env.write(&env.home(".config/other/settings.json")),
    ] {
        assert_eq!(
            verdict("claude", &env.guard(&allowed)),
            Verdict::Allow,
            "{allowed}"
        );
    }
    // The same in a configured project.
    let env = Env::new();
    let keys = env.home(".ssh/authorized_keys");
    assert_eq!(
        verdict("claude", &env.guard(&env.write(&keys))),
        Verdict::Deny
    );
}

#[test]
fn an_empty_credentials_list_in_the_user_policy_protects_none() {
    let env = Env::unconfigured();
    env.user_policy("credentials: []\n");
    let keys = env.home(".ssh/authorized_keys");
    assert_eq!(
        verdict("claude", &env.guard(&env.write(&keys))),
        Verdict::Allow
    );
    assert_eq!(
        verdict(
            "claude",
            &env.guard(&env.bash("echo x >> ~/.ssh/authorized_keys"))
        ),
        Verdict::Allow
    );
    // A list of its own replaces the built-in one.
    env.user_policy("credentials: [~/.ssh/authorized_keys]\n");
    let r = reason(&env.guard(&env.write(&keys)));
    assert!(
        r.contains(
            "`~/.ssh/authorized_keys` in the user policy (~/xdg-config/wazir-hooks/hooks.yaml)"
        ),
        "{r}"
    );
    let aws = env.home(".aws/credentials");
    assert_eq!(
        verdict("claude", &env.guard(&env.write(&aws))),
        Verdict::Allow
    );
}

#[test]
fn credentials_in_a_project_file_are_an_error() {
    let env = Env::new();
    env.project("protected_paths: [roles]\ncredentials: []\n");
    let src = env.in_project("src/main.rs");
    let r = reason(&env.guard(&env.write(&src)));
    assert!(
        r.contains("wazir.hooks.yaml:2: credentials: belongs in the user policy"),
        "{r}"
    );
    let out = env.stdout(&["validate"], 1);
    assert!(
        out.contains("wazir.hooks.yaml:2: credentials: belongs in the user policy"),
        "{out}"
    );
}

#[test]
fn the_users_protected_paths_apply_in_a_project_that_has_none() {
    let env = Env::unconfigured();
    env.user_policy("protected_paths:\n  - \"**/*.pem\"\n  - ~/notes\n");
    let pem = env.in_project("secrets/key.pem");
    let r = reason(&env.guard(&env.write(&pem)));
    assert!(r.contains("`**/*.pem` in the user policy ("), "{r}");
    assert_eq!(
        verdict("claude", &env.guard(&env.bash("rm -rf ~/notes"))),
        Verdict::Deny
    );
    // The built-in credentials are still protected: protected_paths adds to them.
    let keys = env.home(".ssh/authorized_keys");
    assert_eq!(
        verdict("claude", &env.guard(&env.write(&keys))),
        Verdict::Deny
    );
    let src = env.in_project("src/main.rs");
    assert_eq!(
        verdict("claude", &env.guard(&env.write(&src))),
        Verdict::Allow
    );
}

#[test]
fn a_project_cannot_loosen_the_user_policy() {
    let env = Env::new();
    env.user_policy("protected_paths: [notes]\n");
    env.project("protected_paths: []\non_error: allow\n");
    // `protected_paths: []` removes nothing: the user's entry, the manifest's and the
    // built-in ones all hold.
    for rel in ["notes/todo.md", "roles/executor.md"] {
        let p = env.in_project(rel);
        assert_eq!(
            verdict("claude", &env.guard(&env.write(&p))),
            Verdict::Deny,
            "{rel}"
        );
    }
    // `on_error: allow` is ignored: the user policy says nothing, and deny is the default.
    let r = reason(&env.guard("{\"hook_event_name\": \"PreToolUse\", "));
    assert!(r.contains("could not evaluate this call"), "{r}");
    env.user_policy("protected_paths: [notes]\non_error: deny\n");
    assert_eq!(verdict("claude", &env.guard("not json")), Verdict::Deny);
    let out = env.stdout(&["policy"], 0);
    assert!(
        out.contains("`on_error: allow` is ignored: only the user policy can"),
        "{out}"
    );
    // Once the user allows it, the project's own deny still wins.
    env.user_policy("on_error: allow\n");
    env.project("on_error: deny\n");
    assert_eq!(verdict("claude", &env.guard("not json")), Verdict::Deny);
    env.project("protected_paths: [roles]\n");
    assert_eq!(verdict("claude", &env.guard("not json")), Verdict::Allow);
}

#[test]
fn the_users_loop_caps_are_maxima() {
    let p = Project::new();
    let dir = p.home.join(".config/wazir-hooks");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("hooks.yaml"),
        "loop_caps:\n  max_tool_calls: 2\n  default: 3\n",
    )
    .unwrap();
    std::fs::write(
        p.root.join("wazir.hooks.yaml"),
        "loop_caps:\n  max_tool_calls: 50\n  max_identical_calls: 100\n  phases:\n    review: 8\n",
    )
    .unwrap();
    let pre = |cmd: &str| {
        p.run(
            "loop-cap-guard",
            "claude",
            &json!({"session_id": "r", "cwd": p.root, "hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": cmd}}),
        )
    };
    assert_eq!(verdict("claude", &pre("echo 1")), Verdict::Allow);
    assert_eq!(verdict("claude", &pre("echo 2")), Verdict::Allow);
    let r = reason(&pre("echo 3"));
    assert!(
        r.contains("`max_tool_calls` cap is reached (3 of 2)"),
        "{r}"
    );

    // `loop status` says the user's cap won, and where a cap came from otherwise.
    let cli = |args: &[&str]| {
        let out = Command::new(CLI)
            .env_clear()
            .env("HOME", &p.home)
            .env("WAZIR_STATE_ROOT", &p.state)
            .current_dir(&p.root)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let text = cli(&["loop", "status", "--run", "r", "--phase", "review"]);
    let row = text
        .lines()
        .find(|l| l.starts_with("review"))
        .unwrap_or_else(|| panic!("{text}"));
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells[..3], ["review", "0", "3"], "{text}");
    assert!(row.contains("user policy"), "{text}");
    let v: Value = serde_json::from_str(&cli(&["loop", "status", "--run", "r", "--json"])).unwrap();
    let review = v["phases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["phase"] == "review")
        .unwrap();
    assert_eq!(review["loop_cap"], 3);
    assert_eq!(review["cap_source"], "user_policy");
    assert_eq!(v["limits"]["max_tool_calls"], 2);
    assert_eq!(v["limits"]["max_identical_calls"], 100);
}

#[test]
fn approved_flows_are_the_intersection() {
    let env = Env::new();
    env.user_policy("approved_flows: [host_export_regeneration, my_flow]\n");
    env.project("approved_flows: [host_export_regeneration, pipeline_integration]\n");
    let p = env.write(&env.in_project("roles/executor.md"));
    let with = |flow: &str| {
        verdict(
            "claude",
            &env.guard_env(&p, &[("WAZIR_APPROVED_FLOW", flow)]),
        )
    };
    assert_eq!(with("host_export_regeneration"), Verdict::Allow);
    // The project names it, the user does not: denied.
    assert_eq!(with("pipeline_integration"), Verdict::Deny);
    // The user names it, the project does not: a project's list only narrows.
    assert_eq!(with("my_flow"), Verdict::Deny);
    // A project that says nothing gets the user's list.
    env.project("protected_paths: [roles]\n");
    assert_eq!(with("my_flow"), Verdict::Allow);
    assert_eq!(with("pipeline_integration"), Verdict::Deny);
}

#[test]
fn a_user_policy_that_does_not_load_makes_the_guards_deny() {
    let env = Env::unconfigured();
    env.user_policy("protected_paths:\n  - ~/notes\nloop_caps:\n  default: many\n");
    let src = env.in_project("src/main.rs");
    let r = reason(&env.guard(&env.write(&src)));
    let named = format!("{}:4: loop_caps.default", env.policy_file().display());
    assert!(r.contains(&named), "{r}");
    let r = reason(&env.guard(&env.bash("echo hi > out.txt")));
    assert!(r.contains(&named), "{r}");
    // policy refuses too, naming the file.
    let out = env.cli(&["policy"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&named));
}

#[test]
fn policy_lists_every_entry_and_where_it_comes_from() {
    let env = Env::new();
    // No user policy: the built-in credentials, the manifest's and the project's entries.
    let text = env.stdout(&["policy"], 0);
    let file = env.policy_file();
    assert!(
        text.contains(
            "user policy  ~/xdg-config/wazir-hooks/hooks.yaml (not found: the built-in credentials are protected)"
        ),
        "{text}"
    );
    let row = |text: &str, start: &str| -> String {
        text.lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no row {start}:\n{text}"))
            .to_owned()
    };
    assert!(
        row(&text, "~/.ssh ").ends_with("built-in credentials"),
        "{text}"
    );
    assert!(
        row(&text, "roles ").ends_with("manifest: wazir.manifest.yaml"),
        "{text}"
    );
    assert!(
        row(&text, "**/.env ").ends_with("project: wazir.hooks.yaml"),
        "{text}"
    );
    assert!(
        row(&text, "on_error ").ends_with("deny (built-in default)"),
        "{text}"
    );

    env.user_policy(
        "credentials: [~/.ssh]\nprotected_paths: [~/notes]\non_error: deny\n\
         approved_flows: [host_export_regeneration]\nloop_caps:\n  max_tool_calls: 10\n\
         tools:\n  fmt: {read_only: true}\n",
    );
    let project = "protected_paths: [\"**/.env\"]\nloop_caps:\n  max_tool_calls: 40\n  \
                   max_identical_calls: 4\ntools:\n  fmt: {writes: [path]}\n  gen: {writes: [out]}\n";
    env.project(project);
    let text = env.stdout(&["policy"], 0);
    let user = "user: ~/xdg-config/wazir-hooks/hooks.yaml";
    assert!(row(&text, "~/.ssh ").ends_with(user), "{text}");
    assert!(row(&text, "~/notes ").ends_with(user), "{text}");
    assert!(
        !text.contains("~/.aws"),
        "credentials replaced the built-in list: {text}"
    );
    assert!(
        row(&text, "on_error ").ends_with(&format!("deny ({user})")),
        "{text}"
    );
    assert!(
        row(&text, "approved flows ").contains(&format!("host_export_regeneration ({user})")),
        "{text}"
    );
    assert!(
        row(&text, "max_tool_calls ").contains(&format!("10  {user}")),
        "{text}"
    );
    assert!(
        row(&text, "max_identical_calls ").contains("4  project: wazir.hooks.yaml"),
        "{text}"
    );
    assert!(
        row(&text, "max_continuations ").ends_with("built-in default"),
        "{text}"
    );
    let fmt = row(&text, "fmt ");
    assert!(fmt.contains(" read-only ") && fmt.ends_with(user), "{text}");
    let gen_row = row(&text, "gen ");
    assert!(
        gen_row.contains(" writes: out ") && gen_row.ends_with("project: wazir.hooks.yaml"),
        "{text}"
    );
    assert!(
        text.contains("tools.fmt is ignored: the user policy declares `fmt`"),
        "{text}"
    );
    assert!(
        text.contains("loop_caps.max_tool_calls: 40 is lowered to the user policy's maximum, 10"),
        "{text}"
    );

    let v: Value = serde_json::from_str(&env.stdout(&["policy", "--json"], 0)).unwrap();
    let root = env.fx.root.canonicalize().unwrap_or(env.fx.root.clone());
    assert!(Path::new(v["project_root"].as_str().unwrap()).ends_with(root.file_name().unwrap()));
    assert_eq!(v["user_policy"]["found"], true);
    assert_eq!(v["user_policy"]["path"], json!(file));
    let entries = v["protected_paths"].as_array().unwrap();
    let entry = |name: &str| entries.iter().find(|e| e["entry"] == name).unwrap().clone();
    assert_eq!(entry("~/.ssh")["source"], "user");
    assert_eq!(entry("~/.ssh")["file"], json!(file));
    assert_eq!(entry("roles")["source"], "manifest");
    assert_eq!(entry("**/.env")["source"], "project");
    assert!(
        entry("**/.env")["file"]
            .as_str()
            .unwrap()
            .ends_with("/wazir.hooks.yaml")
    );
    assert_eq!(v["on_error"]["value"], "deny");
    assert_eq!(v["on_error"]["source"], "user");
    assert_eq!(
        v["approved_flows"]["value"],
        json!(["host_export_regeneration"])
    );
    let caps = v["loop_caps"].as_array().unwrap();
    let cap = |name: &str| caps.iter().find(|c| c["cap"] == name).unwrap().clone();
    assert_eq!(cap("max_tool_calls")["value"], 10);
    assert_eq!(cap("max_tool_calls")["source"], "user");
    assert_eq!(cap("max_identical_calls")["source"], "project");
    assert_eq!(cap("default")["source"], "builtin");
    assert_eq!(cap("default")["value"], 10);
    let tools = v["tools"].as_array().unwrap();
    assert_eq!(tools[0]["tool"], "fmt");
    assert_eq!(tools[0]["read_only"], true);
    assert_eq!(tools[0]["source"], "user");
    assert_eq!(tools[1]["tool"], "gen");
    assert_eq!(tools[1]["writes"], json!(["out"]));
    assert_eq!(tools[1]["source"], "project");
    assert_eq!(v["overridden"].as_array().unwrap().len(), 2);
}

#[test]
fn validate_and_doctor_report_the_user_policy() {
    let env = Env::new();
    let file = env.policy_file();
    let shown = file.display().to_string();

    let out = env.stdout(&["validate"], 0);
    assert!(
        out.contains(&format!(
            "user policy: {shown} (not found; built-in credentials protected)"
        )),
        "{out}"
    );
    let doctor = |env: &Env| {
        let home = env.fx.home.to_string_lossy().into_owned();
        let out = env.cli(&["doctor", "--home", &home]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let out = doctor(&env);
    assert!(
        out.contains(&format!(
            "ok   no user policy at {shown}: the built-in credentials are protected (~/.ssh,"
        )),
        "{out}"
    );

    env.user_policy("protected_paths: [notes]\n");
    let out = env.stdout(&["validate"], 0);
    assert!(out.contains(&format!("user policy: {shown} (ok)")), "{out}");
    let v: Value = serde_json::from_str(&env.stdout(&["validate", "--json"], 0)).unwrap();
    assert_eq!(
        v["user_policy"],
        json!({"path": file, "found": true, "valid": true})
    );
    let out = doctor(&env);
    assert!(
        out.contains(&format!(
            "ok   user policy {shown}: the built-in credentials are protected"
        )),
        "{out}"
    );

    env.user_policy("protected_paths: [notes]\nbogus: 1\n");
    let out = env.stdout(&["validate"], 1);
    assert!(out.contains(&format!("{shown}:2: bogus:")), "{out}");
    assert!(
        out.contains(&format!(
            "user policy: {shown} (invalid: the guards deny every call until it is fixed)"
        )),
        "{out}"
    );
    let out = doctor(&env);
    assert!(
        out.contains(&format!(
            "FAIL the user policy does not load ({shown}:2: bogus:"
        )),
        "{out}"
    );
    assert!(
        out.contains("the guards deny every call in every project"),
        "{out}"
    );
    // The project's own files are still checked, and reported apart.
    assert!(out.contains("ok   protected paths: input, roles"), "{out}");
}
