//! git: the subcommands that rewrite the work tree (pathspecs, reset, stash, clean,
//! apply, clone, init) and the ones that list files for a pipe.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::super::ShellError;
use super::super::args::{Opts, is_long};
use super::super::expand::Field;
use super::super::walk::{Out, Scope, Val, Walker};
use super::{Model, join_field, under};
use crate::policy::paths;

pub(super) const MODELS: &[Model] = &[Model {
    names: &["git"],
    run: |w, c| w.git(c.args, c.scope, c.env, c.stdin),
}];

impl Walker<'_> {
    pub(super) fn git(
        &mut self,
        args: &[Field],
        scope: &mut Scope,
        env: &HashMap<String, Val>,
        stdin: Out,
    ) -> Result<Out, ShellError> {
        let mut sub = scope.clone();
        let mut work_tree: Option<Field> = None;
        // `-c alias.NAME=!cmd` aliases, by name.
        let mut aliases: HashMap<String, String> = HashMap::new();
        self.git_environment(env, scope)?;
        let mut i = 0;
        while i < args.len() {
            let Some(a) = args[i].known() else { break };
            match a {
                "-C" => {
                    i += 1;
                    sub.cwd = args
                        .get(i)
                        .and_then(Field::known)
                        .and_then(|d| self.resolve_path(d, &sub))
                        .map(|p| paths::normalize(&p));
                }
                // The work tree is where checkouts and cleans land.
                "--work-tree" => {
                    i += 1;
                    work_tree = args.get(i).cloned();
                }
                s if s.starts_with("--work-tree=") => {
                    work_tree = Some(Field::Known(s["--work-tree=".len()..].to_owned()));
                }
                "-c" => {
                    i += 1;
                    let setting = args.get(i).cloned().unwrap_or_else(Field::unknown);
                    self.git_setting(&setting, scope, &mut aliases, "git -c")?;
                }
                "--config-env" => {
                    i += 1;
                    // The value comes from a variable: a command-running key is unknown.
                    if let Some(k) = args.get(i).and_then(Field::known)
                        && let Some((key, _)) = k.split_once('=')
                        && runs_command(key)
                    {
                        self.write_anything("git --config-env with a command-running key");
                    }
                }
                s if s.starts_with("--exec-path=") => {
                    self.write_anything("git --exec-path (its subcommands come from there)");
                }
                "--git-dir" | "--namespace" | "--super-prefix" => i += 1,
                s if s.starts_with('-') => {}
                _ => break,
            }
            i += 1;
        }
        let Some(sub_cmd) = args.get(i).and_then(Field::known) else {
            return Ok(Out::Unknown);
        };
        let rest = &args[i + 1..];
        if let Some(command) = aliases.get(sub_cmd).cloned() {
            // An alias of `!cmd` runs `cmd ARGS` in a shell at the work tree's top.
            let mut text = command;
            for a in rest {
                text.push(' ');
                text.push_str(&a.known().map_or("\"$UNKNOWN\"".to_owned(), shell_word));
            }
            self.run_text(&Field::Known(text), &sub, &HashMap::new(), &[], "git alias")?;
            return Ok(Out::Unknown);
        }
        self.git_runs(sub_cmd, rest, &mut sub)?;
        if let Some(wt) = &work_tree {
            sub.cwd = wt
                .known()
                .and_then(|d| self.resolve_path(d, &sub))
                .map(|p| paths::normalize(&p));
            if sub.cwd.is_none() {
                self.write_anything("git with a work tree only known at run time");
                return Ok(Out::Unknown);
            }
        }
        let root = match &work_tree {
            Some(_) => sub.cwd.clone().unwrap_or_default(),
            None => self.git_root(&sub),
        };
        let root_field = Field::Known(root.to_string_lossy().into_owned());
        let (before, after) = match rest.iter().position(|a| a.known() == Some("--")) {
            Some(p) => (&rest[..p], Some(&rest[p + 1..])),
            None => (rest, None),
        };
        // Pathspecs read from a file or stdin are only known at run time.
        if matches!(
            sub_cmd,
            "rm" | "checkout" | "restore" | "stash" | "reset" | "clean"
        ) && rest
            .iter()
            .filter_map(Field::known)
            .any(|a| is_long(a, "pathspec-from-file"))
        {
            self.write(
                &root_field,
                &sub,
                true,
                &format!("git {sub_cmd} --pathspec-from-file"),
            );
        }
        match sub_cmd {
            "checkout" => {
                let o = Opts::parse(before, "bBc", &["orphan", "conflict", "pathspec-from-file"]);
                let creates_branch = o.has(Some('b'), &[]) || o.has(Some('B'), &["orphan"]);
                let force = o.has(Some('f'), &["force"]);
                let mut pathspecs: Vec<Field> = after.map(<[Field]>::to_vec).unwrap_or_default();
                if after.is_none() && !creates_branch {
                    for (n, f) in o.operands.iter().enumerate() {
                        let is_path = f.known().is_some_and(|s| {
                            s == "."
                                || s.contains(['*', '?'])
                                || self
                                    .resolve_path(s, &sub)
                                    .is_some_and(|p| p.symlink_metadata().is_ok())
                        });
                        if is_path || (n > 0 && o.operands.len() > 1 && f.known().is_none()) {
                            pathspecs.push(f.clone());
                        }
                    }
                }
                if pathspecs.is_empty() && force {
                    self.write(
                        &root_field,
                        &sub,
                        true,
                        "git checkout --force (discards local changes)",
                    );
                }
                for p in &pathspecs {
                    let p = &self.pathspec(p, &root_field);
                    self.write(p, &sub, true, "git checkout (pathspec)");
                }
            }
            "restore" => {
                let o = Opts::parse(before, "s", &["source", "pathspec-from-file"]);
                let staged_only = o.has(Some('S'), &["staged"]) && !o.has(Some('W'), &["worktree"]);
                if !staged_only {
                    for p in o.operands.iter().chain(after.unwrap_or(&[])) {
                        let p = &self.pathspec(p, &root_field);
                        self.write(p, &sub, true, "git restore");
                    }
                }
            }
            "rm" => {
                let o = Opts::parse(before, "", &["pathspec-from-file"]);
                if !o.has(None, &["cached"]) && !o.has(Some('n'), &["dry-run"]) {
                    for p in o.operands.iter().chain(after.unwrap_or(&[])) {
                        let p = &self.pathspec(p, &root_field);
                        self.write(p, &sub, true, "git rm");
                    }
                }
            }
            "clean" => {
                let o = Opts::parse(before, "e", &["exclude"]);
                if !o.has(Some('n'), &["dry-run"]) {
                    let specs: Vec<Field> = o
                        .operands
                        .iter()
                        .chain(after.unwrap_or(&[]))
                        .cloned()
                        .collect();
                    if specs.is_empty() {
                        let here = sub.cwd.as_ref().map_or(root_field.clone(), |c| {
                            Field::Known(c.to_string_lossy().into_owned())
                        });
                        self.write(&here, &sub, true, "git clean");
                    }
                    for p in &specs {
                        let p = &self.pathspec(p, &root_field);
                        self.write(p, &sub, true, "git clean");
                    }
                }
            }
            "mv" => {
                self.copy_like(
                    "git mv",
                    &rest
                        .iter()
                        .filter(|a| a.known() != Some("-k"))
                        .cloned()
                        .collect::<Vec<_>>(),
                    &mut sub,
                    true,
                )?;
            }
            "reset"
                if rest
                    .iter()
                    .filter_map(Field::known)
                    .any(|a| is_long(a, "hard") || is_long(a, "merge") || is_long(a, "keep")) =>
            {
                self.write(&root_field, &sub, true, "git reset --hard");
            }
            "stash" => {
                let action = rest.first().and_then(Field::known).unwrap_or("push");
                match action {
                    "list" | "show" | "drop" | "clear" | "create" | "store" => {}
                    "pop" | "apply" | "branch" => {
                        self.write(&root_field, &sub, true, &format!("git stash {action}"))
                    }
                    _ => match after {
                        Some(specs) if !specs.is_empty() => {
                            for p in specs {
                                self.write(p, &sub, true, "git stash");
                            }
                        }
                        _ => self.write(&root_field, &sub, true, "git stash"),
                    },
                }
            }
            "switch"
                if rest
                    .iter()
                    .filter_map(Field::known)
                    .any(|a| is_long(a, "discard-changes") || a == "-f" || is_long(a, "force")) =>
            {
                self.write(&root_field, &sub, true, "git switch --discard-changes");
            }
            "apply" => {
                let o = Opts::parse(
                    rest,
                    "pC",
                    &["exclude", "include", "directory", "whitespace"],
                );
                let check_only = o.has(None, &["check", "stat", "numstat", "summary"])
                    || (o.has(None, &["cached"]) && !o.has(None, &["index"]));
                if !check_only {
                    let strip = o
                        .value(Some('p'), &[])
                        .and_then(Field::known)
                        .and_then(|s| s.parse().ok())
                        .or(Some(1));
                    let mut at = sub.clone();
                    at.cwd = Some(root.clone());
                    if let Some(Field::Known(d)) = o.value(None, &["directory"]) {
                        at.cwd = Some(root.join(d));
                    }
                    let files: Vec<&Field> = o
                        .operands
                        .iter()
                        .filter(|f| f.known() != Some("-"))
                        .collect();
                    if files.is_empty() {
                        let text = if let Out::Text(t) = stdin {
                            Some(t)
                        } else {
                            None
                        };
                        self.patch_text(text, strip, &at, "git apply");
                    }
                    for f in files {
                        let text = f.known().and_then(|p| self.read_file(p, &sub));
                        self.patch_text(text, strip, &at, "git apply");
                    }
                }
            }
            "worktree" if rest.first().and_then(Field::known) == Some("add") => {
                let o = Opts::parse(&rest[1..], "bB", &["reason"]);
                if let Some(p) = o.operands.first() {
                    self.write(p, &sub, true, "git worktree add");
                }
            }
            "clone" => {
                let o = Opts::parse(
                    rest,
                    "obuc",
                    &[
                        "origin",
                        "branch",
                        "upload-pack",
                        "template",
                        "config",
                        "depth",
                        "reference",
                        "separate-git-dir",
                        "jobs",
                        "filter",
                        "shallow-since",
                        "shallow-exclude",
                        "server-option",
                        "bundle-uri",
                    ],
                );
                let dir = o.operands.get(1).cloned().or_else(|| {
                    o.operands.first().and_then(Field::known).map(|u| {
                        let name = u
                            .trim_end_matches('/')
                            .rsplit(['/', ':'])
                            .next()
                            .unwrap_or(u);
                        Field::Known(name.trim_end_matches(".git").to_owned())
                    })
                });
                if let Some(d) = dir {
                    self.write(&d, &sub, true, "git clone");
                }
                // The checkout runs the new repository's hooks: a template's, or those a
                // `--config core.hooksPath=…` points at.
                let configured = o.all(Some('c'), &["config"]).into_iter().any(|c| {
                    c.known()
                        .is_none_or(|c| runs_command(c.split_once('=').map_or(c, |(k, _)| k)))
                });
                if o.has(None, &["template"]) || configured {
                    self.write_anything(
                        "git clone with hooks or commands of the caller's (--template, --config)",
                    );
                }
            }
            "init" => {
                let o = Opts::parse(
                    rest,
                    "b",
                    &[
                        "template",
                        "separate-git-dir",
                        "object-format",
                        "initial-branch",
                        "shared",
                    ],
                );
                let dir = o
                    .operands
                    .first()
                    .cloned()
                    .unwrap_or(Field::Known(".".into()));
                // A new repository's hooks are the template's inactive `.sample` files;
                // a template of the caller's brings hooks that run.
                if o.has(None, &["template"]) {
                    self.write_anything(
                        "git init --template (hooks from a folder of the caller's)",
                    );
                }
                self.write(
                    &join_field(
                        &join_field(&dir, &Field::Known(".git".into())),
                        &Field::Known("HEAD".into()),
                    ),
                    &sub,
                    false,
                    "git init",
                );
            }
            "config" => {
                let o = Opts::parse(rest, "f", &["file", "blob", "type", "default", "comment"]);
                // Setting a key whose value git runs later (`core.fsmonitor` runs on every
                // `git status`): the command would run in a later call, unseen.
                let reads = o.has(
                    None,
                    &[
                        "get",
                        "get-all",
                        "get-regexp",
                        "list",
                        "l",
                        "show-origin",
                        "unset",
                        "unset-all",
                    ],
                ) || o.has(Some('l'), &[])
                    || o.operands
                        .first()
                        .and_then(Field::known)
                        .is_some_and(|a| matches!(a, "get" | "list"));
                // `--get`, `--list` and their kind only read the file.
                if !reads {
                    for f in o.all(Some('f'), &["file"]) {
                        self.write(f, &sub, false, "git config --file");
                    }
                }
                let key = o.operands.iter().find(|f| {
                    f.known()
                        .is_none_or(|k| !matches!(k, "set" | "get" | "list" | "unset"))
                });
                let value = key
                    .and_then(|k| o.operands.iter().position(|f| std::ptr::eq(f, k)))
                    .and_then(|i| o.operands.get(i + 1))
                    .and_then(Field::known);
                if !reads && o.operands.len() >= 2 {
                    match key.and_then(Field::known) {
                        Some(k) if !runs_command(k) => {}
                        Some(k) if value.is_some_and(|v| plain_viewer(k, v)) => {}
                        _ => self.write_anything(
                            "git config setting a command git runs later (alias, editor, pager, hooks, filters…)",
                        ),
                    }
                }
            }
            "diff" | "format-patch" | "log" | "show" => {
                let o = Opts::parse(rest, "o", &["output", "output-directory"]);
                for f in o.all(Some('o'), &["output", "output-directory"]) {
                    self.write(
                        f,
                        &sub,
                        sub_cmd == "format-patch",
                        &format!("git {sub_cmd} --output"),
                    );
                }
                if sub_cmd == "diff" && o.has(None, &["name-only", "name-status"]) {
                    return Ok(Out::Items(vec![under(&root_field)]));
                }
            }
            // `git ls-files '*.rs'` lists only what its pathspecs match: each glob as
            // anything under the work tree ending like it; magic, or none, anything.
            "ls-files" => {
                let specs: Vec<&Field> = rest
                    .iter()
                    .filter(|a| a.known().is_none_or(|a| !a.starts_with('-')))
                    .collect();
                let root_dir = root.to_string_lossy().trim_end_matches('/').to_owned();
                let items: Option<Vec<Field>> = specs
                    .iter()
                    .map(|f| match f.known() {
                        Some(p) if !p.starts_with(':') && !p.starts_with('/') => {
                            match super::tool_glob(&Field::Known(p.to_owned())) {
                                Field::Partial { prefix, suffix } => Some(Field::Partial {
                                    prefix: format!(
                                        "{root_dir}/{}",
                                        prefix.trim_start_matches("./")
                                    ),
                                    suffix,
                                }),
                                other => Some(under(&Field::Known(format!(
                                    "{root_dir}/{}",
                                    other.known().unwrap_or_default()
                                )))),
                            }
                        }
                        _ => None,
                    })
                    .collect();
                return Ok(Out::Items(match items {
                    Some(items) if !items.is_empty() => items,
                    _ => vec![under(&root_field)],
                }));
            }
            "ls-tree" | "grep" => return Ok(Out::Items(vec![under(&root_field)])),
            "rev-parse" if rest.iter().any(|a| a.known() == Some("--show-toplevel")) => {
                return Ok(Out::Text(format!("{}\n", root.display())));
            }
            "archive" => {
                let o = Opts::parse(rest, "o", &["output", "prefix", "format", "remote", "exec"]);
                for f in o.all(Some('o'), &["output"]) {
                    self.write(f, &sub, false, "git archive --output");
                }
                if o.has(None, &["exec"]) {
                    self.write_anything("git archive --exec (runs a program of the caller's)");
                }
            }
            "checkout-index" => {
                // Writes index entries into the work tree (`-a`: all of them), under
                // `--prefix` when given.
                let prefix = rest
                    .iter()
                    .filter_map(Field::known)
                    .find_map(|a| a.strip_prefix("--prefix="));
                let to = prefix.map_or(root_field.clone(), |p| Field::Known(p.to_owned()));
                self.write(&to, &sub, true, "git checkout-index");
            }
            "read-tree" | "sparse-checkout"
                if sub_cmd == "sparse-checkout"
                    || rest
                        .iter()
                        .filter_map(Field::known)
                        .any(|a| a == "-u" || is_long(a, "reset") || is_long(a, "prefix")) =>
            {
                self.write(
                    &root_field,
                    &sub,
                    true,
                    &format!("git {sub_cmd} (updates the work tree)"),
                );
            }
            s if !KNOWN_SUBCOMMANDS.contains(&s) => {
                // A subcommand without a model (`archive -o`, `bundle create`,
                // `merge-file`, `fast-export --export-marks=`): it may write what it is
                // given.
                self.unknown_program(
                    &format!("git {s}"),
                    rest,
                    &sub,
                    &HashMap::new(),
                    &Out::Nothing,
                );
            }
            _ => {}
        }
        Ok(Out::Unknown)
    }

    /// One `-c KEY=VALUE` setting: a command-running key's value is walked as the shell
    /// command git would run; an alias is remembered for the subcommand.
    fn git_setting(
        &mut self,
        setting: &Field,
        scope: &Scope,
        aliases: &mut HashMap<String, String>,
        how: &str,
    ) -> Result<(), ShellError> {
        let Some(text) = setting.known() else {
            self.write_anything(&format!("{how} with a setting only known at run time"));
            return Ok(());
        };
        let (key, value) = text.split_once('=').unwrap_or((text, "true"));
        if !runs_command(key) {
            return Ok(());
        }
        let lower = key.to_ascii_lowercase();
        if let Some(name) = lower.strip_prefix("alias.") {
            match value.strip_prefix('!') {
                Some(command) => {
                    aliases.insert(name.to_owned(), command.to_owned());
                }
                // An alias of another subcommand runs `git VALUE ARGS`.
                None => {
                    aliases.insert(name.to_owned(), format!("git {value}"));
                }
            }
            return Ok(());
        }
        // Settings that name a folder or file of commands, not a command.
        if lower.ends_with(".hookspath")
            || lower.ends_with(".fsmonitor") && !value.starts_with('!') && value.contains('/')
            || lower.starts_with("include")
            || lower.ends_with(".templatedir")
        {
            self.write_anything(&format!("{how} {key}"));
            return Ok(());
        }
        let command = value.strip_prefix('!').unwrap_or(value);
        if matches!(command, "true" | "false" | "") {
            return Ok(());
        }
        self.run_command_text(command, scope, &format!("{how} {key}"))
    }

    /// Variables that make git read settings or programs from elsewhere. (Those that
    /// name a command, `GIT_EDITOR`, `GIT_PAGER`, …, are walked with every program's
    /// command-running variables: `shells.rs`, `COMMAND_VARIABLES`.)
    fn git_environment(
        &mut self,
        env: &HashMap<String, Val>,
        scope: &mut Scope,
    ) -> Result<(), ShellError> {
        const ELSEWHERE: [&str; 6] = [
            "GIT_CONFIG_PARAMETERS",
            "GIT_CONFIG_COUNT",
            "GIT_CONFIG_GLOBAL",
            "GIT_CONFIG_SYSTEM",
            "GIT_EXEC_PATH",
            "GIT_TEMPLATE_DIR",
        ];
        let value = |k: &str| env.get(k).or_else(|| scope.vars.get(k)).cloned();
        for k in ELSEWHERE {
            if value(k).is_some() {
                self.write_anything(&format!(
                    "git with {k} (settings or programs from elsewhere)"
                ));
            }
        }
        Ok(())
    }

    /// Subcommands and options that run a command of the caller's.
    fn git_runs(
        &mut self,
        sub_cmd: &str,
        rest: &[Field],
        scope: &mut Scope,
    ) -> Result<(), ShellError> {
        let flag_value = |short: &str, long: &str| -> Vec<Field> {
            let mut out = Vec::new();
            let mut it = rest.iter();
            while let Some(a) = it.next() {
                match a.known() {
                    Some(x) if x == short || x == long => {
                        out.push(it.next().cloned().unwrap_or_else(Field::unknown));
                    }
                    Some(x) if x.starts_with(&format!("{long}=")) => {
                        out.push(Field::Known(x[long.len() + 1..].to_owned()));
                    }
                    _ => {}
                }
            }
            out
        };
        let commands = match sub_cmd {
            "rebase" => flag_value("-x", "--exec"),
            "difftool" | "mergetool" => flag_value("-x", "--extcmd"),
            "submodule" if rest.first().and_then(Field::known) == Some("foreach") => rest
                .iter()
                .skip(1)
                .filter(|a| a.known().is_none_or(|k| !k.starts_with('-')))
                .take(1)
                .cloned()
                .collect(),
            "filter-branch" => rest
                .windows(2)
                .filter(|w| w[0].known().is_some_and(|k| k.ends_with("-filter")))
                .map(|w| w[1].clone())
                .collect(),
            _ => Vec::new(),
        };
        for c in commands {
            self.run_text(
                &c,
                scope,
                &HashMap::new(),
                &[],
                &format!("git {sub_cmd} (runs a command)"),
            )?;
        }
        if sub_cmd == "bisect" && rest.first().and_then(Field::known) == Some("run") {
            let argv: Vec<Field> = rest[1..].to_vec();
            if !argv.is_empty() {
                self.dispatch(&argv, scope, &HashMap::new(), Out::Nothing)?;
            }
        }
        if sub_cmd == "grep"
            && rest
                .iter()
                .filter_map(Field::known)
                .any(|a| a.starts_with("-O") || a.starts_with("--open-files-in-pager"))
        {
            self.write_anything("git grep -O (opens the files in a program of the caller's)");
        }
        Ok(())
    }

    /// A pathspec as the paths it can reach: magic (`:/`, `:!x`, `:(glob)…`) reaches the
    /// whole work tree; a glob reaches anything beneath its literal part (git's `*`
    /// crosses `/`).
    fn pathspec(&self, p: &Field, root: &Field) -> Field {
        match p {
            Field::Known(s) if s.starts_with(':') => root.clone(),
            other => super::tool_glob(other),
        }
    }

    pub(super) fn git_root(&self, scope: &Scope) -> PathBuf {
        let cwd = scope.cwd.clone().unwrap_or_else(|| self.ctx.cwd.clone());
        cwd.ancestors()
            .find(|d| d.join(".git").symlink_metadata().is_ok())
            .map_or(cwd.clone(), Path::to_path_buf)
    }
}

/// Subcommands that read, or write only inside `.git` (or, for the ones matched above,
/// have a model of what they write). History moves (`merge`, `pull`, `rebase`,
/// `cherry-pick`, `revert`, `am`, `switch` and `checkout` of a branch, `bisect`) rewrite
/// tracked files to another commit's content: that is the residual the README names.
const KNOWN_SUBCOMMANDS: [&str; 75] = [
    "add",
    "am",
    "annotate",
    "apply",
    "bisect",
    "blame",
    "branch",
    "cat-file",
    "check-attr",
    "check-ignore",
    "check-mailmap",
    "check-ref-format",
    "checkout",
    "cherry",
    "cherry-pick",
    "clean",
    "clone",
    "commit",
    "commit-graph",
    "commit-tree",
    "config",
    "count-objects",
    "describe",
    "diff",
    "diff-files",
    "diff-index",
    "diff-tree",
    "fetch",
    "for-each-ref",
    "format-patch",
    "fsck",
    "gc",
    "grep",
    "hash-object",
    "help",
    "init",
    "log",
    "ls-files",
    "ls-remote",
    "ls-tree",
    "maintenance",
    "merge",
    "merge-base",
    "mktree",
    "mv",
    "name-rev",
    "notes",
    "pull",
    "push",
    "range-diff",
    "rebase",
    "reflog",
    "remote",
    "repack",
    "reset",
    "restore",
    "rev-list",
    "rev-parse",
    "revert",
    "rm",
    "shortlog",
    "show",
    "show-branch",
    "show-ref",
    "stash",
    "status",
    "switch",
    "symbolic-ref",
    "tag",
    "update-index",
    "update-ref",
    "var",
    "verify-commit",
    "verify-tag",
    "version",
];

/// Whether git runs the value of setting `key` as a command, or reads commands or
/// settings from where it points (case-insensitive, as git's keys are).
fn runs_command(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    let last = key.rsplit('.').next().unwrap_or("");
    let section = key.split('.').next().unwrap_or("");
    matches!(
        section,
        "alias" | "pager" | "include" | "includeif" | "browser" | "instaweb"
    ) || matches!(
        last,
        "editor"
            | "pager"
            | "sshcommand"
            | "fsmonitor"
            | "hookspath"
            | "askpass"
            | "gitproxy"
            | "external"
            | "textconv"
            | "command"
            | "clean"
            | "smudge"
            | "process"
            | "driver"
            | "cmd"
            | "program"
            | "helper"
            | "receivepack"
            | "uploadpack"
            | "packobjectshook"
            | "templatedir"
            | "path"
            | "proxy"
    )
}

/// Whether `value` for the editor or pager setting `key` names a common editor or pager
/// on its own, with at most plain flags: setting `core.editor vim` is everyday work, and
/// such a program run later by git edits only the file git hands it. Vi-like editors take
/// no flags here (`-c`, `-S` run commands).
fn plain_viewer(key: &str, value: &str) -> bool {
    const VIEWERS: [&str; 17] = [
        "vim",
        "vi",
        "nvim",
        "nano",
        "emacs",
        "emacsclient",
        "code",
        "subl",
        "micro",
        "hx",
        "less",
        "more",
        "most",
        "delta",
        "cat",
        "bat",
        "diff-so-fancy",
    ];
    let key = key.to_ascii_lowercase();
    if !(key.ends_with(".editor") || key.ends_with(".pager") || key.starts_with("pager.")) {
        return false;
    }
    let mut words = value.split(' ').filter(|w| !w.is_empty());
    let Some(program) = words.next() else {
        return false;
    };
    let plain_flag = |w: &str| {
        w.strip_prefix('-')
            .map(|f| f.trim_start_matches('-'))
            .is_some_and(|f| {
                f.starts_with(|c: char| c.is_ascii_alphabetic())
                    && f.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
    };
    VIEWERS.contains(&program)
        && if matches!(program, "vim" | "vi" | "nvim") {
            words.next().is_none()
        } else {
            words.all(plain_flag)
        }
}

/// `s` as one shell word.
fn shell_word(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}
