//! The original Wazir canonical protocol (SPEC §3), as the original's own tests use it.

use serde_json::{Value, json};

use crate::harness::{Fixture, run_guard};

fn run(fx: &Fixture, payload: &Value) -> (i32, String, String) {
    let out = run_guard(
        &["--host", "wazir"],
        &payload.to_string(),
        &fx.home,
        &fx.root,
        &[],
    );
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn decision(stdout: &str) -> Value {
    serde_json::from_str::<Value>(stdout).unwrap()["guard_decision"].clone()
}

#[test]
fn protected_target_exits_42() {
    let fx = Fixture::new();
    let (code, out, _) = run(
        &fx,
        &json!({"project_root": fx.root, "target_path": "input/brief.md"}),
    );
    assert_eq!(code, 42);
    let d = decision(&out);
    assert_eq!(d["allowed"], false);
    assert_eq!(d["protected_path"], "input");
    assert_eq!(d["relative_target_path"], "input/brief.md");
}

#[test]
fn unprotected_target_exits_0() {
    let fx = Fixture::new();
    let (code, out, _) = run(
        &fx,
        &json!({"project_root": fx.root, "target_path": "notes/scratch.md"}),
    );
    assert_eq!(code, 0);
    assert_eq!(decision(&out)["allowed"], true);
}

#[test]
fn approved_flows_name_the_flow() {
    let fx = Fixture::new();
    for (flow, target) in [
        ("host_export_regeneration", "exports/hosts/claude/AGENTS.md"),
        ("pipeline_integration", "roles/executor.md"),
    ] {
        let (code, out, _) = run(
            &fx,
            &json!({"project_root": fx.root, "target_path": target, "approved_flow": flow}),
        );
        assert_eq!(code, 0, "{flow}");
        let d = decision(&out);
        assert_eq!(d["allowed"], true);
        assert!(d["reason"].as_str().unwrap().contains(flow));
    }
    let (code, _, _) = run(
        &fx,
        &json!({"project_root": fx.root, "target_path": "roles/x", "approved_flow": "made_up"}),
    );
    assert_eq!(code, 42, "an unknown flow approves nothing");
}

#[test]
fn outside_the_project_is_allowed() {
    let fx = Fixture::new();
    let (code, out, _) = run(
        &fx,
        &json!({"project_root": fx.root, "target_path": "../elsewhere/x.md"}),
    );
    assert_eq!(code, 0);
    assert!(
        decision(&out)["reason"]
            .as_str()
            .unwrap()
            .contains("outside the project")
    );
}

#[test]
fn missing_target_is_exit_1_with_a_message() {
    let fx = Fixture::new();
    let (code, out, err) = run(&fx, &json!({"project_root": fx.root}));
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.contains("target_path"), "{err}");
}

#[test]
fn file_path_maps_to_target_path_and_root_defaults_to_cwd() {
    let fx = Fixture::new();
    let (code, _, _) = run(&fx, &json!({"file_path": "roles/executor.md"}));
    assert_eq!(code, 42, "process cwd is the fixture root");
}

#[test]
fn original_fixture_payloads() {
    let fx = Fixture::new();
    for (name, code) in [
        ("guard_protected", 42),
        ("guard_unprotected", 0),
        ("guard_approved_flow", 0),
        ("guard_missing_target", 1),
    ] {
        let p = crate::harness::payload(&format!("wazir/{name}.json"), &fx.root, None, None, None);
        let out = run_guard(&[], &p, &fx.home, &fx.root, &[]);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{name} without --host is recognised as wazir"
        );
    }
}
