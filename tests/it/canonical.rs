//! The original Wazir canonical protocol (SPEC §3), as the original's own tests use it.

use predicates::prelude::*;
use serde_json::{Value, json};

use crate::harness::{Fixture, guard, run_guard};

fn run(fx: &Fixture, payload: &Value) -> assert_cmd::assert::Assert {
    guard(&["--host", "wazir"], &fx.home, &fx.root, &[])
        .write_stdin(payload.to_string())
        .assert()
}

fn decision(assert: &assert_cmd::assert::Assert) -> Value {
    serde_json::from_slice::<Value>(&assert.get_output().stdout).unwrap()["guard_decision"].clone()
}

#[test]
fn protected_target_exits_42() {
    let fx = Fixture::new();
    let a = run(
        &fx,
        &json!({"project_root": fx.root, "target_path": "input/brief.md"}),
    )
    .code(42);
    let d = decision(&a);
    assert_eq!(d["allowed"], false);
    assert_eq!(d["protected_path"], "input");
    assert_eq!(d["relative_target_path"], "input/brief.md");
}

#[test]
fn unprotected_target_exits_0() {
    let fx = Fixture::new();
    let a = run(
        &fx,
        &json!({"project_root": fx.root, "target_path": "notes/scratch.md"}),
    )
    .success();
    assert_eq!(decision(&a)["allowed"], true);
}

#[test]
fn approved_flows_name_the_flow() {
    let fx = Fixture::new();
    for (flow, target) in [
        ("host_export_regeneration", "exports/hosts/claude/AGENTS.md"),
        ("pipeline_integration", "roles/executor.md"),
    ] {
        run(
            &fx,
            &json!({"project_root": fx.root, "target_path": target, "approved_flow": flow}),
        )
        .success()
        .stdout(predicate::str::contains("\"allowed\":true").and(predicate::str::contains(flow)));
    }
    run(
        &fx,
        &json!({"project_root": fx.root, "target_path": "roles/x", "approved_flow": "made_up"}),
    )
    .code(42);
}

#[test]
fn outside_the_project_is_allowed() {
    let fx = Fixture::new();
    run(
        &fx,
        &json!({"project_root": fx.root, "target_path": "../elsewhere/x.md"}),
    )
    .success()
    .stdout(predicate::str::contains("outside the project"));
}

#[test]
fn missing_target_is_exit_1_with_a_message() {
    let fx = Fixture::new();
    run(&fx, &json!({"project_root": fx.root}))
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("target_path"));
}

#[test]
fn file_path_maps_to_target_path_and_root_defaults_to_cwd() {
    let fx = Fixture::new();
    run(&fx, &json!({"file_path": "roles/executor.md"})).code(42);
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
