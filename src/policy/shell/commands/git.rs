//! git: the subcommands that rewrite the work tree (pathspecs, reset, stash, clean,
//! apply, clone, init) and the ones that list files for a pipe.

use std::path::{Path, PathBuf};

use super::super::ShellError;
use super::super::args::Opts;
use super::super::expand::Field;
use super::super::walk::{Out, Scope, Walker};
use super::{join_field, under};
use crate::policy::paths;

impl Walker<'_> {
    pub(super) fn git(
        &mut self,
        args: &[Field],
        scope: &mut Scope,
        stdin: Out,
    ) -> Result<Out, ShellError> {
        let mut sub = scope.clone();
        let mut work_tree: Option<Field> = None;
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
                "-c" | "--git-dir" | "--namespace" | "--exec-path" | "--super-prefix"
                | "--config-env" => i += 1,
                s if s.starts_with('-') => {}
                _ => break,
            }
            i += 1;
        }
        let Some(sub_cmd) = args.get(i).and_then(Field::known) else {
            return Ok(Out::Unknown);
        };
        let rest = &args[i + 1..];
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
                    .any(|a| a == "--hard" || a == "--merge" || a == "--keep") =>
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
                    .any(|a| a == "--discard-changes" || a == "-f" || a == "--force") =>
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
                self.write(
                    &join_field(&dir, &Field::Known(".git".into())),
                    &sub,
                    true,
                    "git init",
                );
            }
            "config" => {
                let o = Opts::parse(rest, "f", &["file", "blob", "type", "default", "comment"]);
                for f in o.all(Some('f'), &["file"]) {
                    self.write(f, &sub, false, "git config --file");
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
            "ls-files" | "ls-tree" | "grep" => return Ok(Out::Items(vec![under(&root_field)])),
            "rev-parse" if rest.iter().any(|a| a.known() == Some("--show-toplevel")) => {
                return Ok(Out::Text(format!("{}\n", root.display())));
            }
            _ => {}
        }
        Ok(Out::Unknown)
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
