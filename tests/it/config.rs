//! Configuration through the binary: errors name file, line and key (and the guard fails
//! closed on them); approved flows come only from the environment.

use crate::harness::{Fixture, Verdict, payload, run_guard, verdict};

fn write_payload(fx: &Fixture, rel: &str) -> String {
    let path = format!("{}/{rel}", fx.root.display());
    payload(
        "claude/pre_tool_use_write.json",
        &fx.root,
        None,
        Some(&path),
        None,
    )
}

#[test]
fn a_broken_hooks_file_denies_and_names_file_line_and_key() {
    let fx = Fixture::new();
    let cases = [
        (
            "protected_paths:\n  - roles\nloop_caps:\n  default: many\n",
            ":4: loop_caps.default",
        ),
        ("protected_paths: [roles]\nprotect: [x]\n", ":2: protect"),
        ("on_error: maybe\n", ":1: on_error"),
        (
            "session_start:\n  max_chars: 20000\n",
            "session_start.max_chars",
        ),
        ("protected_paths: [\"a[\"]\n", "protected_paths"),
        ("capture:\n  redact: ['(']\n", ":2: capture.redact"),
    ];
    for (yaml, needle) in cases {
        std::fs::write(fx.root.join("wazir.hooks.yaml"), yaml).unwrap();
        let out = fx.run("claude", &write_payload(&fx, "src/main.rs"));
        assert_eq!(verdict("claude", &out), Verdict::Deny, "{yaml}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("wazir.hooks.yaml") && text.contains(needle),
            "{needle}: {text}"
        );
    }
}

#[test]
fn a_broken_manifest_denies_too() {
    let fx = Fixture::new();
    std::fs::write(
        fx.root.join("wazir.manifest.yaml"),
        "protected_paths: roles\n",
    )
    .unwrap();
    let out = fx.run(
        "gemini",
        &payload(
            "gemini/before_tool_write_file.json",
            &fx.root,
            None,
            Some(&format!("{}/src/a", fx.root.display())),
            None,
        ),
    );
    assert_eq!(verdict("gemini", &out), Verdict::Deny);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("wazir.manifest.yaml:1: protected_paths")
    );
}

#[test]
fn yaml_manifest_with_foreign_keys_loads() {
    let fx = Fixture::new();
    std::fs::write(
        fx.root.join("wazir.manifest.yaml"),
        "manifest_version: 2\nproject:\n  name: demo\n  version: 0.0.0\npaths:\n  state_root_default: ~/.wazir/projects/{project_slug}\nhosts: [claude]\nprotected_paths:\n  - input\n  - roles\n",
    )
    .unwrap();
    assert_eq!(
        verdict(
            "claude",
            &fx.run("claude", &write_payload(&fx, "roles/a.md"))
        ),
        Verdict::Deny
    );
    assert_eq!(
        verdict(
            "claude",
            &fx.run("claude", &write_payload(&fx, "workflows/a.md"))
        ),
        Verdict::Allow
    );
}

#[test]
fn no_configuration_protects_nothing() {
    let fx = Fixture::new();
    std::fs::remove_file(fx.root.join("wazir.manifest.yaml")).unwrap();
    std::fs::remove_file(fx.root.join("wazir.hooks.yaml")).unwrap();
    assert_eq!(
        verdict(
            "claude",
            &fx.run("claude", &write_payload(&fx, "roles/a.md"))
        ),
        Verdict::Allow
    );
}

#[test]
fn root_is_found_from_a_subdirectory_cwd() {
    let fx = Fixture::new();
    let sub = fx.root.join("src");
    let p = payload(
        "claude/pre_tool_use_bash.json",
        &sub,
        Some("echo x > ../roles/y"),
        None,
        None,
    );
    assert_eq!(verdict("claude", &fx.run("claude", &p)), Verdict::Deny);
}

#[test]
fn approved_flow_comes_from_the_environment_only() {
    let fx = Fixture::new();
    let p = write_payload(&fx, "exports/hosts/claude/AGENTS.md");
    let approved = run_guard(
        &["--host", "claude"],
        &p,
        &fx.home,
        &fx.root,
        &[("WAZIR_APPROVED_FLOW", "host_export_regeneration")],
    );
    assert_eq!(verdict("claude", &approved), Verdict::Allow);
    let unknown = run_guard(
        &["--host", "claude"],
        &p,
        &fx.home,
        &fx.root,
        &[("WAZIR_APPROVED_FLOW", "yolo")],
    );
    assert_eq!(verdict("claude", &unknown), Verdict::Deny);
    // A flow named inside the tool input approves nothing.
    let mut v: serde_json::Value = serde_json::from_str(&p).unwrap();
    v["tool_input"]["approved_flow"] = "host_export_regeneration".into();
    v["approved_flow"] = "host_export_regeneration".into();
    assert_eq!(
        verdict("claude", &fx.run("claude", &v.to_string())),
        Verdict::Deny
    );
}

#[test]
fn approved_flows_can_be_narrowed() {
    let fx = Fixture::new();
    std::fs::write(
        fx.root.join("wazir.hooks.yaml"),
        "approved_flows: [pipeline_integration]\n",
    )
    .unwrap();
    let p = write_payload(&fx, "roles/a.md");
    let out = run_guard(
        &["--host", "claude"],
        &p,
        &fx.home,
        &fx.root,
        &[("WAZIR_APPROVED_FLOW", "host_export_regeneration")],
    );
    assert_eq!(verdict("claude", &out), Verdict::Deny);
}
