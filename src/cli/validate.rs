//! `wazir-hooks validate [--definitions DIR]` (SPEC §8): checks the canonical contracts
//! and the project's configuration, prints one line per problem (file, line and key where
//! known) and a one-line verdict, and exits 1 when anything is wrong.
//!
//! The contracts checked are DIR when given, else `definitions/` at the project root when
//! it holds the contracts (as in this repository), else the copy built into this binary; the verdict says which. The
//! configuration is the user policy (`$XDG_CONFIG_HOME/wazir-hooks/hooks.yaml`, else
//! `~/.config/wazir-hooks/hooks.yaml`; README "User policy") and the project's
//! `wazir.manifest.yaml` and `wazir.hooks.yaml`, loaded as the hooks load them (the
//! project root found from the working directory, SPEC §4); the verdict names the user
//! policy and says whether it was found. A user policy that does not load is reported,
//! and the project's files are then checked without it. It needs no state root. Problems and the verdict go to stdout (they are the command's
//! result); `--json` prints the same as one JSON object.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::context::Ctx;
use super::{CliError, ExitStatus, Report};
use crate::error::ConfigError;
use crate::install::definitions::{self, Checked, ContractError};
use crate::policy::config::{
    Config, HOOKS_FILE, MANIFEST_FILE, UserPolicy, find_root, parse_policy, read_user_policy,
    user_policy_path,
};

/// Where the contracts came from.
enum Source {
    /// `--definitions DIR`.
    Given(PathBuf),
    /// `definitions/` at the project root.
    Project(PathBuf),
    /// The copy built into this binary (no `definitions/` at the project root).
    Embedded,
}

impl Source {
    fn describe(&self, count: usize) -> String {
        match self {
            Source::Given(dir) | Source::Project(dir) => {
                format!("{count} contracts in {}", dir.display())
            }
            Source::Embedded => format!("{count} contracts built into wazir-hooks"),
        }
    }

    fn json(&self) -> Value {
        match self {
            Source::Given(dir) => json!({ "source": "directory", "path": dir }),
            Source::Project(dir) => json!({ "source": "project", "path": dir }),
            Source::Embedded => json!({ "source": "embedded", "path": null }),
        }
    }
}

/// `wazir-hooks validate`: the report, failing (exit 1) when anything is wrong.
pub(crate) fn run(ctx: &Ctx, definitions: Option<&Path>) -> Result<Report, CliError> {
    let cwd = &ctx.cwd;
    let root = find_root(cwd);
    let (source, checked) = match definitions {
        Some(dir) => (
            Source::Given(dir.to_path_buf()),
            definitions::check_dir(dir),
        ),
        None => {
            // A project's own `definitions/` is ours only if it holds our contracts
            // (many projects have a folder of that name for something else).
            let dir = root.join("definitions");
            if dir.join("protected_path_write_guard.yaml").is_file() {
                let checked = definitions::check_dir(&dir);
                (Source::Project(dir), checked)
            } else {
                (Source::Embedded, definitions::check_embedded())
            }
        }
    };
    let config_files: Vec<PathBuf> = [MANIFEST_FILE, HOOKS_FILE]
        .iter()
        .map(|f| root.join(f))
        .filter(|p| p.exists())
        .collect();
    let user = UserCheck::run();
    let config_problem = Config::load_with(&root, user.policy()).err();

    let mut problems: Vec<Problem> = checked.problems.iter().map(Problem::contract).collect();
    problems.extend(user.problem.as_ref().map(Problem::config));
    problems.extend(config_problem.as_ref().map(Problem::config));
    let valid = problems.is_empty();

    let mut report = if ctx.common.json {
        Report::json(&json!({
            "valid": valid,
            "definitions": {
                "checked": source.json(),
                "contracts": checked.contracts.iter().map(|(_, c)| &c.id).collect::<Vec<_>>(),
            },
            "config": { "root": root, "files": config_files },
            "user_policy": {
                "path": user.path,
                "found": user.text.is_some(),
                "valid": user.problem.is_none(),
            },
            "problems": problems.iter().map(Problem::json).collect::<Vec<_>>(),
        }))
    } else {
        let mut text = String::new();
        for p in &problems {
            text.push_str(&p.line);
            text.push('\n');
        }
        text.push_str(&verdict(
            &source,
            &checked,
            &root,
            &config_files,
            &user,
            problems.len(),
        ));
        text.push('\n');
        Report::text(text)
    };
    if !valid {
        report.status = ExitStatus::Failure;
    }
    Ok(report)
}

/// The user policy as `validate` sees it: where it is looked for, its text when it
/// exists, and what is wrong with it.
struct UserCheck {
    path: Option<PathBuf>,
    text: Option<String>,
    problem: Option<ConfigError>,
}

impl UserCheck {
    fn run() -> UserCheck {
        let path = user_policy_path();
        let (text, problem) = match read_user_policy() {
            Ok(Some((path, text))) => {
                let problem = parse_policy(&path, &text, true).err();
                (Some(text), problem)
            }
            Ok(None) => (None, None),
            Err(e) => (None, Some(e)),
        };
        UserCheck {
            path,
            text,
            problem,
        }
    }

    /// The user policy to check the project with: only one that loads.
    fn policy(&self) -> Option<UserPolicy<'_>> {
        match (&self.path, &self.text, &self.problem) {
            (Some(path), Some(text), None) => Some(UserPolicy { path, text }),
            _ => None,
        }
    }

    fn describe(&self) -> String {
        let Some(path) = &self.path else {
            return "none (neither XDG_CONFIG_HOME nor HOME is set; built-in credentials protected)"
                .into();
        };
        let state = match (&self.text, &self.problem) {
            (_, Some(_)) => "invalid: the guards deny every call until it is fixed",
            (Some(_), None) => "ok",
            (None, None) => "not found; built-in credentials protected",
        };
        format!("{} ({state})", path.display())
    }
}

fn verdict(
    source: &Source,
    checked: &Checked,
    root: &Path,
    config_files: &[PathBuf],
    user: &UserCheck,
    problems: usize,
) -> String {
    let config = if config_files.is_empty() {
        format!(
            "no {MANIFEST_FILE} or {HOOKS_FILE} in {} (defaults)",
            root.display()
        )
    } else {
        config_files
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let checked_what = format!(
        "{}; configuration: {config}; user policy: {}",
        source.describe(checked.contracts.len()),
        user.describe()
    );
    match problems {
        0 => format!("valid: {checked_what}"),
        1 => format!("invalid: 1 problem ({checked_what})"),
        n => format!("invalid: {n} problems ({checked_what})"),
    }
}

/// One problem, as a line of text and as the fields of the JSON report.
struct Problem {
    line: String,
    file: PathBuf,
    at: Option<usize>,
    key: Option<String>,
    message: String,
}

impl Problem {
    fn contract(e: &ContractError) -> Problem {
        match e {
            ContractError::Invalid(e) => Problem::config(e),
            ContractError::Missing { dir, id } => Problem {
                line: e.to_string(),
                file: dir.join(format!("{id}.yaml")),
                at: None,
                key: None,
                message: format!("no contract for hook `{id}`"),
            },
            ContractError::Duplicate { file, first, id } => Problem {
                line: e.to_string(),
                file: file.clone(),
                at: None,
                key: Some("id".into()),
                message: format!("`{id}` is also defined in {}", first.display()),
            },
            ContractError::Unreadable { dir, message } => Problem {
                line: e.to_string(),
                file: dir.clone(),
                at: None,
                key: None,
                message: message.clone(),
            },
        }
    }

    fn config(e: &ConfigError) -> Problem {
        match e {
            ConfigError::Invalid {
                file,
                line,
                key,
                message,
            } => Problem {
                line: e.to_string(),
                file: file.clone(),
                at: Some(*line),
                key: Some(key.clone()),
                message: message.clone(),
            },
            ConfigError::Io { file, message } => Problem {
                line: e.to_string(),
                file: file.clone(),
                at: None,
                key: None,
                message: message.clone(),
            },
        }
    }

    fn json(&self) -> Value {
        json!({
            "file": self.file,
            "line": self.at,
            "key": self.key,
            "message": self.message,
        })
    }
}
