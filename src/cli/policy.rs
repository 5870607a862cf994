//! `wazir-hooks policy [--project DIR] [--json]`: the effective policy of a project (the
//! user policy, the manifest and `wazir.hooks.yaml` merged as the hooks merge them, see
//! README "User policy") and where each part of it comes from: every protected entry,
//! `on_error`, the approved flows, each loop cap and each tool declaration. Like `status`,
//! it finds the project from the working directory (or `--project`); a configuration file
//! that does not load is an error, as it is for the guards.

use std::path::Path;

use serde_json::{Value, json};

use super::context::Ctx;
use super::table::{Table, heading};
use super::{CliError, Report};
use crate::policy::config::{Config, OnError, Source, ToolDecl, shown, user_policy_path};
use crate::policy::loops::Caps;

pub(crate) fn run(ctx: &Ctx, project: Option<&Path>) -> Result<Report, CliError> {
    let cwd = project.map_or_else(|| ctx.cwd.clone(), |p| ctx.cwd.join(p));
    let config = Config::discover(&cwd)?;
    let caps = loop_caps(&config);
    if ctx.common.json {
        return Ok(Report::json(&as_json(&config, &caps)));
    }
    Ok(Report::text(as_text(&config, &caps)))
}

/// One effective loop cap: its key, value and who set it (`None`: the built-in default).
struct Cap {
    key: String,
    value: u64,
    source: Option<Source>,
}

fn loop_caps(config: &Config) -> Vec<Cap> {
    let caps = Caps::from_config(config);
    let cap = |key: &str, value: u64| Cap {
        key: key.to_owned(),
        value,
        source: config.loop_cap_sources.get(key).copied(),
    };
    let mut out = vec![cap("default", caps.default_phase)];
    out.extend(
        caps.phases
            .iter()
            .map(|(phase, v)| cap(&format!("phases.{phase}"), *v)),
    );
    out.extend([
        cap("max_repeated_failures", caps.max_repeated_failures),
        cap("max_identical_calls", caps.max_identical_calls),
        cap("max_tool_calls", caps.max_tool_calls),
        cap("max_continuations", caps.max_continuations),
    ]);
    out
}

/// A source as the tables show it: `built-in`, or `user: <file>` with the project's files
/// relative to its root (the heading lists them in full).
fn label(config: &Config, source: Source) -> String {
    match (source, config.source_file(source)) {
        (Source::Builtin, _) | (_, None) => source.name().to_owned(),
        (Source::User, Some(file)) => format!("user: {}", shown(&file)),
        (_, Some(file)) => {
            let rel = file.strip_prefix(&config.root).unwrap_or(&file);
            format!("{}: {}", source.name(), rel.display())
        }
    }
}

fn labels(config: &Config, sources: &[Source], builtin: &str) -> String {
    sources
        .iter()
        .map(|s| match s {
            Source::Builtin => builtin.to_owned(),
            s => label(config, *s),
        })
        .collect::<Vec<_>>()
        .join(" ∩ ")
}

fn on_error_name(value: OnError) -> &'static str {
    match value {
        OnError::Deny => "deny",
        OnError::Allow => "allow",
    }
}

fn declaration(decl: &ToolDecl) -> String {
    let mut parts = Vec::new();
    if let Some(read_only) = decl.read_only {
        parts.push(
            if read_only {
                "read-only"
            } else {
                "not read-only"
            }
            .to_owned(),
        );
    }
    if let Some(writes) = &decl.writes {
        parts.push(format!("writes: {}", writes.join(", ")));
    }
    if parts.is_empty() {
        "-".into()
    } else {
        parts.join("; ")
    }
}

/// What the heading says about the user policy.
fn user_policy_line(config: &Config) -> String {
    match (&config.user_policy, user_policy_path()) {
        (Some(path), _) => format!("{} (loaded)", shown(path)),
        (None, Some(path)) => format!(
            "{} (not found: the built-in credentials are protected)",
            shown(&path)
        ),
        (None, None) => {
            "none (neither XDG_CONFIG_HOME nor HOME is set): the built-in credentials are protected"
                .into()
        }
    }
}

fn as_text(config: &Config, caps: &[Cap]) -> String {
    let mut out = format!("Effective policy of {}\n", config.root.display());
    // Paths in full: a table cell would cut them.
    out.push_str(&format!("user policy  {}\n", user_policy_line(config)));
    for source in [Source::Manifest, Source::Project] {
        if let Some(file) = config
            .source_file(source)
            .filter(|f| config.sources.contains(f))
        {
            out.push_str(&format!("{:<11}  {}\n", source.name(), file.display()));
        }
    }

    out.push_str(&heading("Protected paths"));
    if config.entry_sources.is_empty() {
        out.push_str("none: the guard allows every write\n");
    } else {
        let mut table = Table::new(&["ENTRY", "FROM"]);
        for (entry, source) in &config.entry_sources {
            let from = match source {
                Source::Builtin => "built-in credentials".to_owned(),
                s => label(config, *s),
            };
            table.row(vec![entry.clone(), from]);
        }
        out.push_str(&table.render());
    }

    out.push_str(&heading("Guards"));
    let flows = if config.approved_flows.is_empty() {
        "none".to_owned()
    } else {
        config.approved_flows.join(", ")
    };
    // Whole lines, like the heading's: a key/value cell would cut a long list.
    for (key, value) in [
        (
            "on_error",
            format!(
                "{} ({})",
                on_error_name(config.on_error),
                labels(config, &[config.on_error_source], "built-in default")
            ),
        ),
        (
            "approved flows",
            format!(
                "{flows} ({})",
                labels(config, &config.approved_flows_sources, "built-in default")
            ),
        ),
    ] {
        out.push_str(&format!("{key:<14}  {}\n", visible(&value)));
    }

    out.push_str(&heading("Loop caps"));
    let mut table = Table::new(&["CAP", "VALUE", "FROM"]).right(&[1]);
    for cap in caps {
        let value = if cap.key == "max_tool_calls" && cap.value == 0 {
            "0 (off)".to_owned()
        } else {
            cap.value.to_string()
        };
        let from = cap
            .source
            .map_or_else(|| "built-in default".to_owned(), |s| label(config, s));
        table.row(vec![cap.key.clone(), value, from]);
    }
    out.push_str(&table.render());

    out.push_str(&heading("Tools"));
    if config.tools.is_empty() {
        out.push_str("none declared\n");
    } else {
        let mut table = Table::new(&["TOOL", "DECLARATION", "FROM"]);
        for (name, decl) in &config.tools {
            let from = config
                .tool_sources
                .get(name)
                .map_or_else(String::new, |s| label(config, *s));
            table.row(vec![name.clone(), declaration(decl), from]);
        }
        out.push_str(&table.render());
    }

    if !config.overridden.is_empty() {
        out.push_str(&heading(
            "Ignored or lowered (a project can only tighten the user policy)",
        ));
        for note in &config.overridden {
            out.push_str(&format!("  {}\n", visible(note)));
        }
    }
    out
}

/// `text` whole (unlike a table cell), with control characters made visible.
fn visible(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

fn source_json(config: &Config, source: Source) -> Value {
    json!({ "source": source, "file": config.source_file(source) })
}

fn as_json(config: &Config, caps: &[Cap]) -> Value {
    let with = |source: Source, mut value: Value| {
        if let Some(map) = value.as_object_mut() {
            map.insert("source".into(), json!(source));
            map.insert("file".into(), json!(config.source_file(source)));
        }
        value
    };
    json!({
        "project_root": config.root,
        "user_policy": {
            "path": config.user_policy.clone().or_else(user_policy_path),
            "found": config.user_policy.is_some(),
        },
        "files": config.sources,
        "protected_paths": config
            .entry_sources
            .iter()
            .map(|(entry, s)| with(*s, json!({ "entry": entry })))
            .collect::<Vec<_>>(),
        "on_error": with(config.on_error_source, json!({ "value": config.on_error })),
        "approved_flows": {
            "value": config.approved_flows,
            "sources": config
                .approved_flows_sources
                .iter()
                .map(|s| source_json(config, *s))
                .collect::<Vec<_>>(),
        },
        "loop_caps": caps
            .iter()
            .map(|c| with(
                c.source.unwrap_or(Source::Builtin),
                json!({ "cap": c.key, "value": c.value }),
            ))
            .collect::<Vec<_>>(),
        "tools": config
            .tools
            .iter()
            .map(|(name, decl)| with(
                config.tool_sources.get(name).copied().unwrap_or(Source::Project),
                json!({ "tool": name, "read_only": decl.read_only, "writes": decl.writes }),
            ))
            .collect::<Vec<_>>(),
        "overridden": config.overridden,
    })
}
