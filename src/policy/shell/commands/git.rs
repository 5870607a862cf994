//! git: the global options and settings that make git run commands (`-c`, `GIT_*`
//! variables, aliases, hooks), then one model per subcommand in [`SUBCOMMANDS`]: those
//! that rewrite the work tree (pathspecs, reset, stash, clean, apply, clone, init),
//! write output files, or list files for a pipe. Other known subcommands only read;
//! any other has no model.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::super::ShellError;
use super::super::args::{Opts, is_long};
use super::super::expand::Field;
use super::super::walk::IndexRestore;
use super::super::walk::{Out, Scope, Val, Walker};
use super::{Model, join_field, under};
use crate::policy::paths;

pub(super) const MODELS: &[Model] = &[Model {
    names: &["git"],
    run: |w, c| w.git(c.args, c.scope, c.env, c.stdin),
}];

/// One git invocation, as a subcommand's model sees it: its arguments (split at `--`),
/// the scope it runs in (after `-C`), and the work tree's top folder.
struct Git<'a> {
    sub: &'a str,
    rest: &'a [Field],
    /// The arguments before `--`, and those after it when there is one.
    before: &'a [Field],
    after: Option<&'a [Field]>,
    scope: Scope,
    root: PathBuf,
    root_field: Field,
    /// The repository folder given by `--git-dir` or `GIT_DIR`.
    git_dir: Option<Field>,
    /// The command chooses git's index file (`GIT_INDEX_FILE`).
    own_index: bool,
    /// Pathspecs ignore case (`GIT_ICASE_PATHSPECS`).
    icase: bool,
    stdin: Out,
}

impl Git<'_> {
    /// Operands and the pathspecs after `--`.
    fn specs<'o>(&'o self, o: &'o Opts) -> impl Iterator<Item = &'o Field> {
        o.operands.iter().chain(self.after.unwrap_or(&[]))
    }

    /// The repository folder: `--git-dir`/`GIT_DIR`, else the one found from where git
    /// runs.
    fn repository(&self) -> Option<Field> {
        self.git_dir.clone().or_else(|| {
            let found = self.scope.cwd.as_deref().and_then(find_git_dir)?;
            Some(Field::Known(found.to_string_lossy().into_owned()))
        })
    }

    fn has_long(&self, names: &[&str]) -> bool {
        self.rest
            .iter()
            .filter_map(Field::known)
            .any(|a| names.iter().any(|n| is_long(a, n)))
    }
}

/// A git subcommand's model: what it writes in the work tree or elsewhere, and what it
/// prints for a pipe (`Some`); a subcommand outside this table is read-only when it is
/// in [`KNOWN_SUBCOMMANDS`] and has no model otherwise.
struct Subcommand {
    names: &'static [&'static str],
    run: fn(&mut Walker<'_>, &mut Git<'_>) -> Result<Option<Out>, ShellError>,
}

const SUBCOMMANDS: &[Subcommand] = &[
    // Pathspec writers: what the pathspecs match, with all beneath it.
    Subcommand {
        names: &["checkout"],
        run: |w, g| {
            w.git_checkout(g);
            Ok(None)
        },
    },
    Subcommand {
        names: &["restore"],
        run: |w, g| {
            let o = Opts::parse(g.before, "s", &["source", "pathspec-from-file"]);
            let staged_only = o.has(Some('S'), &["staged"]) && !o.has(Some('W'), &["worktree"]);
            if staged_only {
                return Ok(None);
            }
            // From the index (no `--source`, not `--staged`): the files that differ.
            let from_index = !o.has(Some('s'), &["source"]) && !o.has(Some('S'), &["staged"]);
            let specs: Vec<Field> = g.specs(&o).cloned().collect();
            if !(from_index && !specs.is_empty() && w.restore_changed(g, &specs, "git restore")) {
                w.git_pathspecs(g, &o, "git restore");
            }
            Ok(None)
        },
    },
    Subcommand {
        names: &["rm"],
        run: |w, g| {
            let o = Opts::parse(g.before, "", &["pathspec-from-file"]);
            if !o.has(None, &["cached"]) && !o.has(Some('n'), &["dry-run"]) {
                w.git_pathspecs(g, &o, "git rm");
            }
            Ok(None)
        },
    },
    // `git clean` with no pathspec cleans the working folder down.
    Subcommand {
        names: &["clean"],
        run: |w, g| {
            let o = Opts::parse(g.before, "e", &["exclude"]);
            if o.has(Some('n'), &["dry-run"]) {
                return Ok(None);
            }
            if g.specs(&o).next().is_none() {
                let here = g.scope.cwd.as_ref().map_or(g.root_field.clone(), |c| {
                    Field::Known(c.to_string_lossy().into_owned())
                });
                w.write(&here, &g.scope, true, "git clean");
            }
            w.git_pathspecs(g, &o, "git clean");
            Ok(None)
        },
    },
    Subcommand {
        names: &["mv"],
        run: |w, g| {
            let args: Vec<Field> = g
                .rest
                .iter()
                .filter(|a| a.known() != Some("-k"))
                .cloned()
                .collect();
            w.copy_like("git mv", &args, &mut g.scope, true).map(Some)
        },
    },
    // Whole-tree rewrites: `reset --hard`, `switch --discard-changes`, stash.
    Subcommand {
        names: &["reset"],
        run: |w, g| {
            if g.has_long(&["hard", "merge", "keep"]) {
                // To the last commit: what differs from the index (a change staged but
                // not committed aside: the README's residuals).
                let o = Opts::parse(g.rest, "", &[]);
                let to_head = g.after.is_none()
                    && o.operands.iter().all(|a| a.known() == Some("HEAD"))
                    && o.operands.len() <= 1;
                if !(to_head && w.restore_changed(g, &[], "git reset --hard")) {
                    w.write(&g.root_field, &g.scope, true, "git reset --hard");
                }
            }
            Ok(None)
        },
    },
    Subcommand {
        names: &["switch"],
        run: |w, g| {
            // `--orphan` empties the work tree of tracked files; `-f` may be bundled
            // (`-fq`), `-c`/`-C` take a branch name.
            if g.has_long(&["discard-changes", "force", "orphan"])
                || Opts::parse(g.rest, "cC", &[]).has(Some('f'), &[])
            {
                w.write(
                    &g.root_field,
                    &g.scope,
                    true,
                    "git switch --discard-changes",
                );
            }
            Ok(None)
        },
    },
    Subcommand {
        names: &["stash"],
        run: |w, g| {
            let action = g.rest.first().and_then(Field::known).unwrap_or("push");
            match action {
                "list" | "show" | "drop" | "clear" | "create" | "store" => {}
                "pop" | "apply" | "branch" => w.write(
                    &g.root_field,
                    &g.scope,
                    true,
                    &format!("git stash {action}"),
                ),
                _ => {
                    let specs: Vec<Field> = g.after.map(<[Field]>::to_vec).unwrap_or_default();
                    let o = Opts::parse(g.rest, "m", &["message", "pathspec-from-file"]);
                    let untracked =
                        o.has(Some('u'), &["include-untracked"]) || o.has(Some('a'), &["all"]);
                    if untracked || !w.restore_changed(g, &specs, "git stash") {
                        if specs.is_empty() {
                            w.write(&g.root_field, &g.scope, true, "git stash");
                        }
                        for p in &specs {
                            w.write(p, &g.scope, true, "git stash");
                        }
                    }
                }
            }
            Ok(None)
        },
    },
    // Storing or erasing a credential writes the store helper's file (the default
    // helper configured for most users), or the one `--file` names.
    Subcommand {
        names: &["credential", "credential-store"],
        run: |w, g| {
            let o = Opts::parse(g.rest, "", &["file"]);
            let action = o.operands.first().and_then(Field::known);
            if action.is_none_or(|a| matches!(a, "approve" | "reject" | "store" | "erase")) {
                let mut files: Vec<Field> = o.all(None, &["file"]).into_iter().cloned().collect();
                if files.is_empty() {
                    files = ["~/.git-credentials", "~/.config/git/credentials"]
                        .iter()
                        .map(|f| Field::Known(w.home_path(f)))
                        .collect();
                }
                for f in &files {
                    w.write(f, &g.scope, false, &format!("git {}", g.sub));
                }
            }
            Ok(None)
        },
    },
    Subcommand {
        names: &["apply"],
        run: |w, g| {
            w.git_apply(g);
            Ok(None)
        },
    },
    // Index and tree plumbing that writes the work tree.
    Subcommand {
        names: &["checkout-index"],
        run: |w, g| {
            // `-a`: every index entry, under `--prefix` when given.
            let prefix = g
                .rest
                .iter()
                .filter_map(Field::known)
                .find_map(|a| a.strip_prefix("--prefix="));
            let to = prefix.map_or(g.root_field.clone(), |p| Field::Known(p.to_owned()));
            w.write(&to, &g.scope, true, "git checkout-index");
            Ok(None)
        },
    },
    Subcommand {
        names: &["read-tree", "sparse-checkout"],
        run: |w, g| {
            // `-u` may be bundled (`-mu`).
            let updates = g.sub == "sparse-checkout"
                || Opts::parse(g.rest, "", &[]).has(Some('u'), &[])
                || g.has_long(&["reset", "prefix"]);
            if updates {
                let how = format!("git {} (updates the work tree)", g.sub);
                w.write(&g.root_field, &g.scope, true, &how);
            } else {
                w.git_unmodelled(g);
            }
            Ok(None)
        },
    },
    // New trees: `worktree add DIR`, `clone URL [DIR]`, `init [DIR]`.
    Subcommand {
        names: &["worktree"],
        run: |w, g| {
            if g.rest.first().and_then(Field::known) == Some("add") {
                let o = Opts::parse(&g.rest[1..], "bB", &["reason"]);
                if let Some(p) = o.operands.first() {
                    w.write(p, &g.scope, true, "git worktree add");
                    // What it checks out may be symlinks, as for a clone.
                    if let Some(d) = p.known().and_then(|d| w.resolve_path(d, &g.scope)) {
                        w.add_maybe_link_entries(paths::normalize(&d));
                        w.git_made.push(paths::normalize(&d));
                    }
                }
            } else {
                // `remove`, `move`, `prune`…: not modelled.
                w.git_unmodelled(g);
            }
            Ok(None)
        },
    },
    // `maintenance register`/`unregister` write the global settings (or
    // `--config-file`) and the repository's; `start`/`stop` also install a schedule
    // that runs git later.
    Subcommand {
        names: &["maintenance"],
        run: |w, g| {
            let o = Opts::parse(
                g.rest,
                "",
                &["config-file", "scheduler", "task", "schedule"],
            );
            let action = o.operands.first().and_then(Field::known).unwrap_or("");
            if matches!(action, "register" | "unregister" | "start" | "stop") {
                let how = format!("git maintenance {action} (git settings)");
                for f in o.all(None, &["config-file"]) {
                    w.write(f, &g.scope, false, &how);
                }
                let global = match &w.ctx.home {
                    Some(h) => Field::Known(h.join(".gitconfig").to_string_lossy().into_owned()),
                    None => Field::unknown(),
                };
                w.write(&global, &g.scope, false, &how);
                match g.repository() {
                    Some(d) => w.write(
                        &join_field(&d, &Field::Known("config".into())),
                        &g.scope,
                        false,
                        &how,
                    ),
                    None => w.write(&Field::unknown(), &g.scope, false, &how),
                }
                if matches!(action, "start" | "stop") {
                    w.write_anything("git maintenance start (a schedule that runs git later)");
                }
            } else if action != "run" {
                w.git_unmodelled(g);
            }
            Ok(None)
        },
    },
    Subcommand {
        names: &["clone"],
        run: |w, g| {
            w.git_clone(g);
            Ok(None)
        },
    },
    Subcommand {
        names: &["init"],
        run: |w, g| {
            w.git_init(g);
            Ok(None)
        },
    },
    // A ref is a file in the repository folder: one whose name is not under `refs/`
    // (`git update-ref hooks/pre-commit HEAD`) is a file anywhere in it.
    Subcommand {
        names: &["update-ref", "symbolic-ref"],
        run: |w, g| {
            let o = Opts::parse(g.rest, "m", &["message"]);
            let mut refs: Vec<Option<String>> = o
                .operands
                .first()
                .map(|r| r.known().map(str::to_owned))
                .into_iter()
                .collect();
            if g.has_long(&["stdin"]) {
                match &g.stdin {
                    Out::Text(t) => refs.extend(
                        t.split(['\n', '\0'])
                            .filter_map(|l| l.split_whitespace().nth(1))
                            .map(|r| Some(r.to_owned())),
                    ),
                    _ => refs.push(None),
                }
            }
            let git_dir = g.repository();
            for r in refs {
                let loose = r.as_deref().is_none_or(|r| {
                    !(r.starts_with("refs/")
                        || r.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
                });
                if loose && let Some(dir) = &git_dir {
                    let file = match (&r, dir.known()) {
                        (Some(r), Some(d)) => {
                            Field::Known(format!("{}/{r}", d.trim_end_matches('/')))
                        }
                        _ => dir.clone(),
                    };
                    let how = format!("git {} (a ref outside refs/)", g.sub);
                    w.write(&file, &g.scope, r.is_none(), &how);
                }
            }
            Ok(None)
        },
    },
    // Folders named by options: `mailsplit -oDIR`, `commit-graph --object-dir=DIR`.
    Subcommand {
        names: &["mailsplit", "commit-graph", "multi-pack-index"],
        run: |w, g| {
            let o = Opts::parse(g.rest, "o", &["object-dir"]);
            for d in o.all(Some('o'), &["object-dir"]) {
                w.write(d, &g.scope, true, &format!("git {} (its folder)", g.sub));
            }
            Ok(None)
        },
    },
    Subcommand {
        names: &["config"],
        run: |w, g| {
            w.git_config(g);
            Ok(None)
        },
    },
    // Output files: `-o`, `--output`, `--output-directory`.
    Subcommand {
        names: &["diff", "format-patch", "log", "show"],
        run: |w, g| {
            let o = Opts::parse(g.rest, "o", &["output", "output-directory"]);
            for f in o.all(Some('o'), &["output", "output-directory"]) {
                let how = format!("git {} --output", g.sub);
                w.write(f, &g.scope, g.sub == "format-patch", &how);
            }
            // format-patch writes its patches where it runs by default.
            if g.sub == "format-patch" && !o.has(Some('o'), &["output-directory", "stdout"]) {
                // A stand-in name: the patches are named after their commits, in this
                // folder.
                let here = Field::Known("0001-format-patch.patch".into());
                w.write(&here, &g.scope, false, "git format-patch (its patch files)");
            }
            Ok(
                (g.sub == "diff" && o.has(None, &["name-only", "name-status"]))
                    .then(|| Out::Items(vec![under(&g.root_field)])),
            )
        },
    },
    Subcommand {
        names: &["archive"],
        run: |w, g| {
            let o = Opts::parse(
                g.rest,
                "o",
                &["output", "prefix", "format", "remote", "exec"],
            );
            for f in o.all(Some('o'), &["output"]) {
                w.write(f, &g.scope, false, "git archive --output");
            }
            if o.has(None, &["exec"]) {
                w.write_anything("git archive --exec (runs a program of the caller's)");
            }
            Ok(None)
        },
    },
    // Listers, for `xargs` and loops.
    Subcommand {
        names: &["ls-files"],
        run: |_, g| Ok(Some(ls_files(g))),
    },
    Subcommand {
        names: &["ls-tree", "grep"],
        run: |_, g| Ok(Some(Out::Items(vec![under(&g.root_field)]))),
    },
    Subcommand {
        names: &["rev-parse"],
        run: |_, g| {
            Ok(g.rest
                .iter()
                .any(|a| a.known() == Some("--show-toplevel"))
                .then(|| Out::Text(format!("{}\n", g.root.display()))))
        },
    },
];

/// `git ls-files '*.rs'` lists only what its pathspecs match: each glob as anything
/// under the work tree ending like it; magic, or none, anything.
fn ls_files(g: &Git<'_>) -> Out {
    let root_dir = g.root.to_string_lossy().trim_end_matches('/').to_owned();
    let items: Option<Vec<Field>> = g
        .rest
        .iter()
        .filter(|a| a.known().is_none_or(|a| !a.starts_with('-')))
        .map(|f| match f.known() {
            Some(p) if !p.starts_with(':') && !p.starts_with('/') => {
                match super::tool_glob(&Field::Known(p.to_owned())) {
                    Field::Partial { prefix, suffix } => Some(Field::Partial {
                        prefix: format!("{root_dir}/{}", prefix.trim_start_matches("./")),
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
    Out::Items(match items {
        Some(items) if !items.is_empty() => items,
        _ => vec![under(&g.root_field)],
    })
}

impl Walker<'_> {
    pub(super) fn git(
        &mut self,
        args: &[Field],
        scope: &mut Scope,
        env: &HashMap<String, Val>,
        stdin: Out,
    ) -> Result<Out, ShellError> {
        let mut sub = scope.clone();
        let value = |k: &str| env.get(k).or_else(|| scope.vars.get(k)).cloned();
        let mut work_tree: Option<Field> = value("GIT_WORK_TREE").map(|v| v.to_field());
        let mut git_dir: Option<Field> = value("GIT_DIR")
            .or_else(|| value("GIT_COMMON_DIR"))
            .map(|v| v.to_field());
        let own_index = value("GIT_INDEX_FILE").is_some();
        let icase = value("GIT_ICASE_PATHSPECS").is_some()
            || (self.ctx.env)("GIT_ICASE_PATHSPECS").is_some();
        // Files git keeps where the command tells it: its index (and the lock beside
        // it), its object store.
        for (var, recursive) in [("GIT_INDEX_FILE", false), ("GIT_OBJECT_DIRECTORY", true)] {
            if let Some(v) = value(var) {
                let f = v.to_field();
                self.write(&f, scope, recursive, &format!("git ({var})"));
                if let Field::Known(p) = &f {
                    self.write(
                        &Field::Known(format!("{p}.lock")),
                        scope,
                        false,
                        &format!("git ({var})"),
                    );
                }
            }
        }
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
                    let spec = args.get(i).cloned().unwrap_or_else(Field::unknown);
                    self.git_config_env(&spec, scope, env, &mut aliases)?;
                }
                s if s.starts_with("--config-env=") => {
                    let spec = Field::Known(s["--config-env=".len()..].to_owned());
                    self.git_config_env(&spec, scope, env, &mut aliases)?;
                }
                s if s.starts_with("--git-dir=") => {
                    git_dir = Some(Field::Known(s["--git-dir=".len()..].to_owned()));
                }
                "--git-dir" => {
                    i += 1;
                    git_dir = Some(args.get(i).cloned().unwrap_or_else(Field::unknown));
                }
                s if s.starts_with("--exec-path=") => {
                    self.write_anything("git --exec-path (its subcommands come from there)");
                }
                "--namespace" | "--super-prefix" => i += 1,
                s if s.starts_with('-') => {}
                _ => break,
            }
            i += 1;
        }
        let Some(sub_cmd) = args.get(i).and_then(Field::known) else {
            return Ok(Out::Unknown);
        };
        let rest = &args[i + 1..];
        self.git_settings_elsewhere(&sub, git_dir.as_ref(), env, scope);
        self.git_transport(sub_cmd, args)?;
        // `-c core.worktree=DIR` moves the work tree like `--work-tree`.
        if work_tree.is_none()
            && let Some(dir) = args[..i].iter().filter_map(Field::known).find_map(|a| {
                let (k, v) = a.split_once('=')?;
                k.eq_ignore_ascii_case("core.worktree")
                    .then(|| v.to_owned())
            })
        {
            work_tree = Some(Field::Known(dir));
        }
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
        // In a work tree of the caller's choosing, a branch checkout, merge, rebase or
        // any other subcommand that updates the work tree writes all of it.
        if work_tree.is_some() && !WORK_TREE_READERS.contains(&sub_cmd) {
            let how = format!("git {sub_cmd} in another work tree");
            self.write(&root_field, &sub, true, &how);
        }
        // `--output=FILE` on any subcommand (diff-tree, shortlog, rev-list…).
        for f in Opts::parse(rest, "", &["output", "output-directory"])
            .all(None, &["output", "output-directory"])
        {
            self.write(f, &sub, true, &format!("git {sub_cmd} --output"));
        }
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
        // `git --git-dir=D init`, `GIT_DIR=D git init`: the new repository is D.
        if sub_cmd == "init"
            && let Some(d) = &git_dir
        {
            self.write(d, &sub, true, "git init (its repository folder)");
        }
        let mut g = Git {
            sub: sub_cmd,
            rest,
            before,
            after,
            scope: sub,
            root,
            root_field,
            git_dir,
            own_index,
            icase,
            stdin,
        };
        // Subcommands that leave the index's recorded content as it is (a refresh of
        // its stat data aside) do not spoil another's reading of it.
        if INDEX_KEEPERS.contains(&sub_cmd) {
            self.programs_run = self.programs_run.saturating_sub(1);
        }
        let out = match SUBCOMMANDS.iter().find(|s| s.names.contains(&sub_cmd)) {
            Some(s) => (s.run)(self, &mut g)?.unwrap_or(Out::Unknown),
            None if KNOWN_SUBCOMMANDS.contains(&sub_cmd) => Out::Unknown,
            None => {
                self.git_unmodelled(&g);
                Out::Unknown
            }
        };
        // What it checked out in another work tree may be symlinks: later writes
        // beneath it may land anywhere.
        if work_tree.is_some() && !WORK_TREE_READERS.contains(&sub_cmd) {
            self.add_maybe_link_entries(g.root.clone());
        }
        Ok(out)
    }

    /// A subcommand, or a form of one, without a model (`bundle create`, `merge-file`,
    /// `fast-export --export-marks=`, `worktree remove`): it may write what it is given.
    fn git_unmodelled(&mut self, g: &Git<'_>) {
        let name = format!("git {}", g.sub);
        self.unknown_program(&name, g.rest, &g.scope, &HashMap::new(), &Out::Nothing);
    }

    /// Each operand and pathspec after `--`, as a pathspec of the work tree.
    fn git_pathspecs(&mut self, g: &Git<'_>, o: &Opts, how: &str) {
        for p in g.specs(o) {
            let p = &self.pathspec(p, &g.root_field, g.icase);
            self.restored_from_history(p, &g.scope);
            self.write(p, &g.scope, true, how);
        }
    }

    /// `git checkout [-f] [BRANCH] [--] [PATHSPEC…]`: an operand is a pathspec when it
    /// names something on disk (or a glob, or `.`); a branch checkout is allowed (README,
    /// residuals), `-f` without pathspecs discards every local change.
    fn git_checkout(&mut self, g: &Git<'_>) {
        let o = Opts::parse(
            g.before,
            "bBc",
            &["orphan", "conflict", "pathspec-from-file"],
        );
        let creates_branch = o.has(Some('b'), &[]) || o.has(Some('B'), &["orphan"]);
        let force = o.has(Some('f'), &["force"]);
        let mut pathspecs: Vec<Field> = g.after.map(<[Field]>::to_vec).unwrap_or_default();
        if g.after.is_none() && !creates_branch {
            for (n, f) in o.operands.iter().enumerate() {
                let is_path = f.known().is_some_and(|s| {
                    s == "."
                        || s.contains(['*', '?'])
                        || self
                            .resolve_path(s, &g.scope)
                            .is_some_and(|p| p.symlink_metadata().is_ok())
                });
                if is_path || (n > 0 && o.operands.len() > 1 && f.known().is_none()) {
                    pathspecs.push(f.clone());
                }
            }
        }
        if pathspecs.is_empty() && force {
            let how = "git checkout --force (discards local changes)";
            self.write(&g.root_field, &g.scope, true, how);
        }
        // Pathspecs alone restore from the index: the files that differ.
        let from_index = match g.after {
            Some(_) => o.operands.is_empty(),
            None => pathspecs.len() == o.operands.len(),
        };
        if from_index
            && !pathspecs.is_empty()
            && self.restore_changed(g, &pathspecs, "git checkout (pathspec)")
        {
            return;
        }
        for p in &pathspecs {
            let p = &self.pathspec(p, &g.root_field, g.icase);
            self.restored_from_history(p, &g.scope);
            self.write(p, &g.scope, true, "git checkout (pathspec)");
        }
    }

    /// A restore from git's index (`checkout -- PATHS`, `restore PATHS`) or from the
    /// last commit (`reset --hard`, `stash`) within `specs` (all the work tree when
    /// empty): recorded as writes of exactly the tracked files that differ on disk from
    /// the index, as git tells them. For a restore from the last commit, a change the
    /// index holds but the commit does not (staged, not committed) is not seen: the
    /// README's residuals. False, with nothing recorded, when that cannot be shown: an
    /// index the guard cannot read or one the command chooses, a pathspec that is a
    /// pattern or only known at run time.
    ///
    /// The index is read before the command runs, so the reading holds only if nothing
    /// else in the command can change it: when the walk ends, any other program run or
    /// anything written in the repository folder makes the whole work tree written after
    /// all ([`Walker::index_restores`]).
    fn restore_changed(&mut self, g: &Git<'_>, specs: &[Field], how: &str) -> bool {
        if g.own_index || g.icase {
            return false;
        }
        let within: Option<Vec<PathBuf>> = specs
            .iter()
            .map(|p| {
                let p = p
                    .known()
                    .filter(|p| !p.contains(['*', '?', '[', ':', '\\']))?;
                self.resolve_path(p, &g.scope).map(|p| paths::normalize(&p))
            })
            .collect();
        let git_dir = match &g.git_dir {
            Some(d) => d.known().and_then(|d| self.resolve_path(d, &g.scope)),
            None => find_git_dir(&g.root),
        };
        let (Some(within), Some(git_dir)) = (within, git_dir) else {
            return false;
        };
        let Some(changed) = super::super::gitindex::changed(&git_dir, &g.root) else {
            return false;
        };
        for (p, all) in changed {
            if within.is_empty() || within.iter().any(|s| p.starts_with(s)) {
                // git replaces a link itself, not what it points at; what it restores
                // may be a link.
                self.add_maybe_link(p.clone());
                let p = Field::Known(p.to_string_lossy().into_owned());
                self.write_nofollow(&p, &g.scope, all, &format!("{how} (a changed file)"));
            }
        }
        self.index_restores.push(IndexRestore {
            git_dir: paths::normalize(&git_dir),
            root: g.root_field.clone(),
            scope: g.scope.clone(),
            how: how.to_owned(),
        });
        true
    }

    /// A path restored from a commit may come back as a symlink the history holds
    /// (`git checkout HEAD~1 -- docs/r`): what is written beneath it is unknown.
    fn restored_from_history(&mut self, path: &Field, scope: &Scope) {
        if let Some(p) = path.known().and_then(|p| self.resolve_path(p, scope)) {
            self.add_maybe_link(paths::normalize(&p));
        }
    }

    /// `git apply`: the files the patch names, at the work tree's top (or
    /// `--directory`); `--check`, `--stat` and `--cached` alone write none.
    fn git_apply(&mut self, g: &mut Git<'_>) {
        let o = Opts::parse(
            g.rest,
            "pC",
            &["exclude", "include", "directory", "whitespace"],
        );
        let check_only = o.has(None, &["check", "stat", "numstat", "summary"])
            || (o.has(None, &["cached"]) && !o.has(None, &["index"]));
        if check_only {
            return;
        }
        let strip = o
            .value(Some('p'), &[])
            .and_then(Field::known)
            .and_then(|s| s.parse().ok())
            .or(Some(1));
        let mut at = g.scope.clone();
        at.cwd = Some(g.root.clone());
        if let Some(Field::Known(d)) = o.value(None, &["directory"]) {
            at.cwd = Some(g.root.join(d));
        }
        let files: Vec<&Field> = o
            .operands
            .iter()
            .filter(|f| f.known() != Some("-"))
            .collect();
        if files.is_empty() {
            let text = match std::mem::replace(&mut g.stdin, Out::Nothing) {
                Out::Text(t) => Some(t),
                _ => None,
            };
            self.patch_text(text, strip, &at, "git apply");
        }
        for f in files {
            let text = f.known().and_then(|p| self.read_file(p, &g.scope));
            self.patch_text(text, strip, &at, "git apply");
        }
    }

    /// `git clone URL [DIR]`: the new folder; a template's hooks, or a `--config` that
    /// runs a command, run during the checkout.
    fn git_clone(&mut self, g: &Git<'_>) {
        let o = Opts::parse(
            g.rest,
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
            // The files it checks out may be symlinks: a later write beneath the
            // clone may land anywhere.
            self.write(&d, &g.scope, true, "git clone");
            if let Some(p) = d.known().and_then(|p| self.resolve_path(p, &g.scope)) {
                self.add_maybe_link_entries(paths::normalize(&p));
                self.git_made.push(paths::normalize(&p));
            }
        }
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

    /// `git init [DIR]`: the new repository; a template of the caller's brings hooks
    /// that run (the default template's are inactive `.sample` files).
    fn git_init(&mut self, g: &Git<'_>) {
        let o = Opts::parse(
            g.rest,
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
        if o.has(None, &["template"]) {
            self.write_anything("git init --template (hooks from a folder of the caller's)");
        }
        for d in o.all(None, &["separate-git-dir"]) {
            self.write(d, &g.scope, true, "git init --separate-git-dir");
        }
        let head = join_field(
            &join_field(&dir, &Field::Known(".git".into())),
            &Field::Known("HEAD".into()),
        );
        self.write(&head, &g.scope, false, "git init");
    }

    /// `git config`: `--file F` is written unless only read (`--get`, `--list`…);
    /// setting a key whose value git runs later (`core.fsmonitor` runs on every `git
    /// status`) is unknown, the command would run in a later call, unseen; a plain
    /// editor or pager is allowed.
    fn git_config(&mut self, g: &Git<'_>) {
        let o = Opts::parse(g.rest, "f", &["file", "blob", "type", "default", "comment"]);
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
        if !reads {
            for f in o.all(Some('f'), &["file"]) {
                self.write(f, &g.scope, false, "git config --file");
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
            // `--smtp-server=/path` is a sendmail program it runs.
            "send-email" => ["--sendmail-cmd", "--to-cmd", "--cc-cmd", "--header-cmd"]
                .iter()
                .flat_map(|o| flag_value(o, o))
                .chain(
                    flag_value("--smtp-server", "--smtp-server")
                        .into_iter()
                        .filter(|v| v.known().is_none_or(|v| v.contains('/'))),
                )
                .collect(),
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
    /// `--config-env=KEY=VAR`: the setting `KEY=$VAR`, judged as `-c` would be.
    fn git_config_env(
        &mut self,
        spec: &Field,
        scope: &Scope,
        env: &HashMap<String, Val>,
        aliases: &mut HashMap<String, String>,
    ) -> Result<(), ShellError> {
        let Some((key, var)) = spec.known().and_then(|s| s.split_once('=')) else {
            self.write_anything("git --config-env with a setting only known at run time");
            return Ok(());
        };
        let value = env
            .get(var)
            .or_else(|| scope.vars.get(var))
            .cloned()
            .or_else(|| (self.ctx.env)(var).map(Val::Known));
        let setting = match value {
            Some(Val::Known(v)) => Field::Known(format!("{key}={v}")),
            _ => Field::Partial {
                prefix: format!("{key}="),
                suffix: String::new(),
            },
        };
        self.git_setting(&setting, scope, aliases, "git --config-env")
    }

    /// Programs git runs to reach a repository: `--upload-pack`, `--receive-pack`,
    /// `--exec` (and clone's `-u`) and `ext::` URLs, walked as the commands they are.
    fn git_transport(&mut self, sub_cmd: &str, args: &[Field]) -> Result<(), ShellError> {
        // `-u` is `--upload-pack` to these; to others it is something else (`stash -u`).
        let short_upload = matches!(sub_cmd, "clone" | "ls-remote");
        const OPTIONS: [&str; 3] = ["--upload-pack", "--receive-pack", "--exec"];
        let mut commands: Vec<Field> = Vec::new();
        for (i, a) in args.iter().enumerate() {
            let Some(w) = a.known() else { continue };
            for o in OPTIONS {
                if w == o || (o == "--upload-pack" && w == "-u" && short_upload) {
                    commands.push(args.get(i + 1).cloned().unwrap_or_else(Field::unknown));
                } else if let Some(v) = w.strip_prefix(o).and_then(|v| v.strip_prefix('=')) {
                    commands.push(Field::Known(v.to_owned()));
                }
            }
            if let Some(at) = w.find("ext::") {
                // `ext::CMD ARG…`: words split at spaces, `% ` a space inside one.
                let argv: Vec<Field> = ext_words(&w[at + 5..])
                    .into_iter()
                    .map(Field::Known)
                    .collect();
                let mut sub = Scope::new(self.ctx.cwd.clone());
                self.dispatch(&argv, &mut sub, &HashMap::new(), Out::Nothing)?;
            }
        }
        for c in commands {
            let scope = Scope::new(self.ctx.cwd.clone());
            self.run_text(&c, &scope, &HashMap::new(), &[], "git transport command")?;
        }
        Ok(())
    }

    /// Settings and hooks git reads from places the guard does not guard: another
    /// repository (`-C DIR`, `GIT_DIR`, `--git-dir`, a `.git` file or `commondir`
    /// pointing elsewhere), `$HOME/.gitconfig` or `$XDG_CONFIG_HOME/git/config` with
    /// the variable set by the command. Written earlier in the command, or holding a
    /// setting that runs a command or an active hook, makes git unknown.
    fn git_settings_elsewhere(
        &mut self,
        sub: &Scope,
        git_dir: Option<&Field>,
        env: &HashMap<String, Val>,
        scope: &Scope,
    ) {
        let mut configs: Vec<PathBuf> = Vec::new();
        let mut hooks: Vec<PathBuf> = Vec::new();
        // A `.git` (a pointer file or a folder) this command made above where git runs,
        // or wrote in (its `config`, its `hooks/`), is the repository git uses, with
        // its settings and hooks.
        if git_dir.is_none()
            && let Some(cwd) = sub.cwd.as_deref()
            && let Some(made) = cwd.ancestors().map(|d| d.join(".git")).find(|g| {
                let g = paths::normalize(g);
                // Written by name, or what runs code in it (settings, hooks), or a
                // folder holding it written whole by something other than `mkdir` or git
                // itself (`cp -r prepared/ x`).
                self.written.contains(&g)
                    || ["config", "hooks", "commondir", "info"]
                        .iter()
                        .any(|f| self.written.holds(&g.join(f)))
                    || g.ancestors().skip(1).any(|a| {
                        self.written.contains(a)
                            && !self.dirs_made.iter().any(|d| d == a)
                            && !self.git_made.iter().any(|d| d == a)
                    })
            })
        {
            self.write_anything(&format!(
                "git using {}, which this command writes",
                made.display()
            ));
            return;
        }
        let gitdir = match git_dir {
            Some(Field::Known(d)) => self.resolve_path(d, sub).map(|p| paths::normalize(&p)),
            Some(_) => {
                self.write_anything("git with a repository only known at run time");
                return;
            }
            None => sub.cwd.as_deref().and_then(find_git_dir),
        };
        let own = self
            .own_git_dir
            .get_or_insert_with(|| find_git_dir(&self.ctx.cwd))
            .clone();
        if let Some(dir) = gitdir {
            let common = std::fs::read_to_string(dir.join("commondir"))
                .ok()
                .map(|c| paths::normalize(&dir.join(c.trim())));
            let written = |f: &str| self.written_earlier(&dir.join(f).to_string_lossy(), sub);
            if written("commondir") || written("config") {
                self.write_anything("git reading a repository this command changes");
                return;
            }
            let foreign = git_dir.is_some()
                || own.as_ref() != Some(&dir)
                || common.is_some()
                || self.written_earlier(&dir.to_string_lossy(), sub);
            if foreign {
                for d in std::iter::once(dir).chain(common) {
                    configs.push(d.join("config"));
                    hooks.push(d.join("hooks"));
                }
            }
        }
        let set = |k: &str| match env.get(k).or_else(|| scope.vars.get(k)) {
            Some(Val::Known(v)) => Some(Some(PathBuf::from(v))),
            Some(_) => Some(None),
            None => None,
        };
        for (var, file) in [("HOME", ".gitconfig"), ("XDG_CONFIG_HOME", "git/config")] {
            match set(var) {
                Some(Some(d)) => {
                    if let Some(d) = self.resolve_path(&d.to_string_lossy(), sub) {
                        configs.push(d.join(file));
                    }
                }
                Some(None) => {
                    self.write_anything(&format!("git with {var} only known at run time"));
                    return;
                }
                None => {}
            }
        }
        for config in configs {
            let shown = config.display().to_string();
            if self.written_earlier(&shown, sub) {
                self.write_anything(&format!(
                    "git reading settings this command writes ({shown})"
                ));
                return;
            }
            if let Ok(text) = std::fs::read_to_string(&config)
                && let Some(key) = command_setting(&text)
            {
                self.write_anything(&format!("git runs a command set by `{key}` in {shown}"));
                return;
            }
        }
        for dir in hooks {
            let shown = dir.display().to_string();
            let active = std::fs::read_dir(&dir).is_ok_and(|entries| {
                entries
                    .flatten()
                    .any(|e| !e.file_name().to_string_lossy().ends_with(".sample"))
            });
            if active || self.written_earlier(&shown, sub) {
                self.write_anything(&format!("git runs the hooks in {shown}"));
                return;
            }
        }
    }

    /// What a pathspec may match: a magic one (`:(icase)x`, `:/`) or any with case
    /// ignored (`GIT_ICASE_PATHSPECS`) the whole work tree; a backslash escapes in git's
    /// matching (`rol\es` is `roles`), so it matches like a pattern.
    fn pathspec(&self, p: &Field, root: &Field, icase: bool) -> Field {
        match p {
            Field::Known(s) if s.starts_with(':') || icase => root.clone(),
            Field::Known(s) if s.contains('\\') => {
                let at = s.find('\\').unwrap_or(0);
                super::tool_glob(&Field::Known(format!("{}*", &s[..at])))
            }
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

/// Subcommands that do not change what git's index records (they may refresh its stat
/// data, which only marks unchanged files as such).
const INDEX_KEEPERS: [&str; 10] = [
    "status",
    "log",
    "diff",
    "show",
    "rev-parse",
    "ls-files",
    "describe",
    "blame",
    "grep",
    "branch",
];

/// Subcommands that read, or write only inside `.git` (or, for the ones matched above,
/// have a model of what they write). History moves (`merge`, `pull`, `rebase`,
/// `cherry-pick`, `revert`, `am`, `switch` and `checkout` of a branch, `bisect`) rewrite
/// tracked files to another commit's content: that is the residual the README names.
/// Subcommands that leave the work tree as it is (they may read it, or write the index
/// or refs only).
const WORK_TREE_READERS: [&str; 30] = [
    "status",
    "diff",
    "log",
    "show",
    "ls-files",
    "ls-tree",
    "grep",
    "blame",
    "rev-parse",
    "describe",
    "branch",
    "tag",
    "config",
    "remote",
    "fetch",
    "cat-file",
    "shortlog",
    "reflog",
    "show-ref",
    "for-each-ref",
    "name-rev",
    "rev-list",
    "count-objects",
    "fsck",
    "help",
    "version",
    "check-ignore",
    "check-attr",
    "add",
    "commit",
];

const KNOWN_SUBCOMMANDS: [&str; 72] = [
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
    "tag",
    "update-index",
    "var",
    "verify-commit",
    "verify-tag",
    "version",
];

/// The words of an `ext::` command: split at spaces; `% ` is a space inside a word,
/// `%%` a percent sign.
fn ext_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (c, c == '%') {
            (_, true) => match chars.next() {
                Some(' ') => word.push(' '),
                Some('%') => word.push('%'),
                Some(other) => {
                    word.push('%');
                    word.push(other);
                }
                None => {}
            },
            (' ', _) => words.push(std::mem::take(&mut word)),
            _ => word.push(c),
        }
    }
    words.push(word);
    words.retain(|w| !w.is_empty());
    words
}

/// The repository folder git uses from `dir`: the nearest `.git` folder above it, or
/// the folder a `.git` file names.
fn find_git_dir(dir: &Path) -> Option<PathBuf> {
    for d in dir.ancestors() {
        let dot = d.join(".git");
        let Ok(meta) = dot.metadata() else { continue };
        if meta.is_dir() {
            return Some(paths::normalize(&dot));
        }
        let text = std::fs::read_to_string(&dot).ok()?;
        let target = text.trim().strip_prefix("gitdir:")?.trim();
        return Some(paths::normalize(&d.join(target)));
    }
    None
}

/// The first setting in a git config file whose value git runs as a command (a plain
/// editor or pager aside), as `section.key`.
fn command_setting(text: &str) -> Option<String> {
    let mut section = String::new();
    for line in text.lines().map(str::trim) {
        if let Some(head) = line.strip_prefix('[') {
            let head = head.trim_end_matches(']');
            section = match head.split_once(char::is_whitespace) {
                Some((s, sub)) => format!("{s}.{}", sub.trim().trim_matches('"')),
                None => head.to_owned(),
            };
            continue;
        }
        if line.is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        let (k, v) = line.split_once('=').unwrap_or((line, ""));
        let key = format!("{section}.{}", k.trim());
        if runs_command(&key) && !plain_viewer(&key, v.trim()) {
            return Some(key);
        }
    }
    None
}

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
            // gpg.ssh.defaultKeyCommand, interactive.diffFilter,
            // core.alternateRefsCommand, imap.tunnel, sendemail.smtpServer (a path is a
            // sendmail program), sendemail.sendmailCmd/toCmd/ccCmd/headerCmd,
            // submodule.<name>.update (`!cmd`).
            | "defaultkeycommand"
            | "difffilter"
            | "alternaterefscommand"
            | "tunnel"
            | "smtpserver"
            | "sendmailcmd"
            | "tocmd"
            | "cccmd"
            | "headercmd"
            | "update"
    )
}

/// Whether `value` for a command setting `key` runs nothing of the caller's (see below),
/// or, for an editor or pager setting, names a common editor or pager
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
    // Settings that run a command only for some values: `submodule.x.update` a `!cmd`,
    // `sendemail.smtpServer` a path (a sendmail program, not a host name).
    if key.ends_with(".update") {
        return !value.starts_with('!');
    }
    if key.ends_with(".smtpserver") {
        return !value.contains('/');
    }
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
