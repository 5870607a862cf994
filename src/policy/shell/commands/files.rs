//! Programs that write files named on their command line: copies, moves, links, rsync,
//! attribute changes, patch, and the listers (`grep -l`, `ls`) that feed `xargs`.

use std::path::Path;

use super::super::ShellError;
use super::super::args::Opts;
use super::super::expand::Field;
use super::super::walk::{Out, Scope, Walker};
use super::{join_field, under};
use crate::policy::paths;

impl Walker<'_> {
    pub(super) fn copy_like(
        &mut self,
        name: &str,
        args: &[Field],
        scope: &mut Scope,
        moves: bool,
    ) -> Result<Out, ShellError> {
        let o = Opts::parse(
            args,
            "tS",
            &[
                "target-directory",
                "suffix",
                "backup",
                "sparse",
                "reflink",
                "preserve",
                "no-preserve",
            ],
        );
        let recursive = moves
            || o.has(Some('r'), &["recursive", "archive"])
            || o.has(Some('R'), &[])
            || o.has(Some('a'), &[]);
        let hard_link = !moves && o.has(Some('l'), &["link"]);
        let (sources, dest, into_dir) = match o.value(Some('t'), &["target-directory"]) {
            Some(d) => (o.operands.clone(), Some(d.clone()), true),
            None if o.operands.len() >= 2 => {
                let (last, srcs) = o
                    .operands
                    .split_last()
                    .map(|(l, s)| (l.clone(), s.to_vec()))
                    .unwrap_or((Field::unknown(), Vec::new()));
                let no_target_dir = o.has(Some('T'), &["no-target-directory"]);
                let into = !no_target_dir && (srcs.len() > 1 || self.is_dir_field(&last, scope));
                (srcs, Some(last), into)
            }
            None => (o.operands.clone(), None, false),
        };
        for src in &sources {
            if moves {
                // `mv link x` moves the link itself, not what it points at.
                self.write_nofollow(
                    src,
                    scope,
                    true,
                    &format!("{name} (the source is moved away)"),
                );
            }
            if hard_link {
                self.write(
                    src,
                    scope,
                    false,
                    &format!(
                        "{name} -l (a hard link lets the file be written through another name)"
                    ),
                );
            }
            if let Some(dest) = &dest {
                let written = if into_dir {
                    join_field(dest, src)
                } else {
                    dest.clone()
                };
                let src_exists = src
                    .known()
                    .and_then(|s| self.resolve_path(s, scope))
                    .is_some_and(|p| p.symlink_metadata().is_ok());
                let tree = recursive && (self.is_dir_field(src, scope) || !src_exists);
                self.write(&written, scope, tree, &format!("{name} (destination)"));
                if tree {
                    self.copy_tree(src, &written, scope, name);
                }
            }
        }
        Ok(Out::Nothing)
    }

    /// A recursive copy writes, beneath its destination, every path its source holds:
    /// each is written as a path of its own, so a glob such as `**/.env` sees the copies.
    pub(super) fn copy_tree(&mut self, src: &Field, dest: &Field, scope: &Scope, how: &str) {
        let (Some(src), Field::Known(dest)) = (src.known(), dest) else {
            return;
        };
        let Some(root) = self.resolve_path(src, scope) else {
            return;
        };
        let mut found = Vec::new();
        if !walk_existing(&root, &root, usize::MAX, &mut found, &mut 5_000, &|_| true) {
            let partial = Field::Partial {
                prefix: format!("{}/", dest.trim_end_matches('/')),
                suffix: String::new(),
            };
            self.write(
                &partial,
                scope,
                true,
                &format!("{how} (copies more files than can be listed)"),
            );
            return;
        }
        for rel in found.iter().filter(|r| !r.is_empty()) {
            let target = Field::Known(format!("{}/{rel}", dest.trim_end_matches('/')));
            self.write(
                &target,
                scope,
                false,
                &format!("{how} (copies {src}/{rel})"),
            );
        }
    }

    /// The existing paths beneath a directory argument (what `grep -rl`, `ls` or `fd`
    /// can print), limited to where protected paths can be; a partial item when there are
    /// too many to list.
    pub(super) fn existing_items(&self, dir: &Field, scope: &Scope, depth: usize) -> Vec<Field> {
        let Some(given) = dir.known() else {
            return vec![under(dir)];
        };
        let Some(root) = self.resolve_path(given, scope) else {
            return vec![under(dir)];
        };
        if !root.is_dir() {
            return vec![dir.clone()];
        }
        let relevant = self.ctx.relevant;
        let mut found = Vec::new();
        if !walk_existing(&root, &root, depth, &mut found, &mut 20_000, relevant) {
            return vec![under(dir)];
        }
        found
            .into_iter()
            .filter(|r| !r.is_empty())
            .map(|r| Field::Known(format!("{}/{r}", given.trim_end_matches('/'))))
            .collect()
    }

    pub(super) fn is_dir_field(&self, f: &Field, scope: &Scope) -> bool {
        match f {
            Field::Known(s) => {
                s.ends_with('/')
                    || self.resolve_path(s, scope).is_some_and(|p| {
                        let p = paths::normalize(&p);
                        p.is_dir() || self.links.iter().any(|(l, _)| *l == p)
                    })
            }
            Field::Partial { suffix, .. } => suffix.is_empty() || suffix.ends_with('/'),
        }
    }

    pub(super) fn install(&mut self, args: &[Field], scope: &mut Scope) -> Result<Out, ShellError> {
        let o = Opts::parse(
            args,
            "mogtSZ",
            &[
                "mode",
                "owner",
                "group",
                "target-directory",
                "suffix",
                "context",
                "backup",
                "strip-program",
            ],
        );
        if o.has(Some('d'), &["directory"]) {
            for f in &o.operands {
                self.write(f, scope, false, "install -d");
            }
            return Ok(Out::Nothing);
        }
        // `-m 644`, `-o root`: values copy_like would take for sources.
        const VALUED: [&str; 9] = [
            "-m",
            "-o",
            "-g",
            "-S",
            "--mode",
            "--owner",
            "--group",
            "--suffix",
            "--strip-program",
        ];
        let mut rest = Vec::with_capacity(args.len());
        let mut skip = false;
        for a in args {
            if skip {
                skip = false;
            } else if a.known().is_some_and(|k| VALUED.contains(&k)) {
                skip = true;
            } else {
                rest.push(a.clone());
            }
        }
        self.copy_like("install", &rest, scope, false)
    }

    pub(super) fn ln(
        &mut self,
        name: &str,
        args: &[Field],
        scope: &mut Scope,
    ) -> Result<Out, ShellError> {
        let o = Opts::parse(args, "tS", &["target-directory", "suffix", "backup"]);
        let symbolic = o.has(Some('s'), &["symbolic"]);
        let (targets, link_dir, link_name) =
            match (o.value(Some('t'), &["target-directory"]), o.operands.len()) {
                (Some(d), _) => (o.operands.clone(), Some(d.clone()), None),
                (None, 0) => return Ok(Out::Nothing),
                (None, 1) => (o.operands.clone(), Some(Field::Known(".".into())), None),
                (None, _) => {
                    let (last, rest) = o
                        .operands
                        .split_last()
                        .map(|(l, r)| (l.clone(), r.to_vec()))
                        .unwrap_or((Field::unknown(), Vec::new()));
                    if rest.len() > 1
                        || (self.is_dir_field(&last, scope)
                            && !o.has(Some('T'), &["no-target-directory"])
                            && !o.has(Some('n'), &["no-dereference"]))
                    {
                        (rest, Some(last), None)
                    } else {
                        (rest, None, Some(last))
                    }
                }
            };
        for target in &targets {
            let link = match (&link_name, &link_dir) {
                (Some(l), _) => l.clone(),
                (None, Some(d)) => join_field(d, target),
                (None, None) => continue,
            };
            if !symbolic {
                self.write(
                    target,
                    scope,
                    false,
                    &format!("{name} (a hard link lets the file be written through another name)"),
                );
            }
            // A symbolic link to a folder puts a whole tree under its name.
            self.write(
                &link,
                scope,
                symbolic,
                &format!("{name} (creates the link)"),
            );
            if symbolic
                && let (Field::Known(t), Field::Known(l)) = (target, &link)
                && let Some(link_abs) = self.resolve_path(l, scope).map(|p| paths::normalize(&p))
            {
                let base = link_abs.parent().map(Path::to_path_buf).unwrap_or_default();
                let dest = paths::normalize(&paths::join(&base, t, None));
                self.links.push((link_abs, dest));
            }
        }
        Ok(Out::Nothing)
    }

    pub(super) fn rsync(&mut self, args: &[Field], scope: &mut Scope) -> Result<Out, ShellError> {
        let long = [
            "rsh",
            "filter",
            "exclude",
            "include",
            "exclude-from",
            "include-from",
            "files-from",
            "temp-dir",
            "backup-dir",
            "log-file",
            "partial-dir",
            "compare-dest",
            "copy-dest",
            "link-dest",
            "block-size",
            "chmod",
            "chown",
            "remote-option",
            "port",
            "password-file",
            "bwlimit",
            "timeout",
            "max-size",
            "min-size",
            "modify-window",
            "out-format",
            "suffix",
            "rsync-path",
            "usermap",
            "groupmap",
            "info",
            "debug",
            "iconv",
            "contimeout",
            "max-delete",
            "only-write-batch",
            "write-batch",
            "read-batch",
            "sockopts",
        ];
        let o = Opts::parse(args, "efTBM@", &long);
        let local = |f: &&Field| {
            f.known().is_none_or(|s| {
                !(s.contains("://") || s.split('/').next().is_some_and(|h| h.contains(':')))
            })
        };
        let operands: Vec<&Field> = o.operands.iter().filter(local).collect();
        if o.has(Some('n'), &["dry-run", "list-only"]) {
            return Ok(Out::Unknown);
        }
        // A relative --backup-dir, --partial-dir or --temp-dir is relative to the
        // destination; absolute ones stand as they are.
        let dest_dir = o
            .operands
            .last()
            .filter(|l| local(l))
            .and_then(Field::known)
            .map(str::to_owned);
        let under_dest = |f: &Field| match (f, &dest_dir) {
            (Field::Known(p), Some(d)) if !p.starts_with('/') && !p.starts_with('~') => {
                Field::Known(format!("{}/{p}", d.trim_end_matches('/')))
            }
            _ => f.clone(),
        };
        for key in [
            "backup-dir",
            "log-file",
            "temp-dir",
            "partial-dir",
            "only-write-batch",
            "write-batch",
        ] {
            for f in o.all(if key == "temp-dir" { Some('T') } else { None }, &[key]) {
                let f = if matches!(key, "backup-dir" | "partial-dir" | "temp-dir") {
                    under_dest(f)
                } else {
                    f.clone()
                };
                self.write(&f, scope, true, &format!("rsync --{key}"));
            }
        }
        if o.operands.len() < 2 {
            return Ok(Out::Unknown);
        }
        let remote_dest = o.operands.last().is_some_and(|l| !local(&l));
        let (Some(dest), sources) = (
            o.operands.last().filter(|_| !remote_dest),
            &o.operands[..o.operands.len() - 1],
        ) else {
            return Ok(Out::Unknown);
        };
        let removes = o.has(None, &["remove-source-files"]);
        for src in sources {
            if !operands.contains(&src) {
                // A remote source: what arrives is unknown, merged into the destination.
                self.write(
                    dest,
                    scope,
                    true,
                    "rsync (destination, from a remote source)",
                );
                continue;
            }
            if removes {
                self.write(src, scope, true, "rsync --remove-source-files");
            }
            let merge = src
                .known()
                .is_some_and(|s| s.ends_with('/') || s.ends_with("/."));
            let written =
                if merge || !self.is_dir_field(dest, scope) && !self.is_dir_field(src, scope) {
                    dest.clone()
                } else {
                    join_field(dest, src)
                };
            self.write(&written, scope, true, "rsync (destination)");
            self.copy_tree(src, &written, scope, "rsync");
        }
        Ok(Out::Unknown)
    }

    pub(super) fn simple_writer(
        &mut self,
        name: &str,
        args: &[Field],
        scope: &mut Scope,
        short: &str,
        long: &[&str],
        recursive: bool,
    ) -> Result<Out, ShellError> {
        let o = Opts::parse(args, short, long);
        for f in &o.operands {
            self.write(f, scope, recursive, name);
        }
        Ok(Out::Nothing)
    }

    pub(super) fn attr_writer(
        &mut self,
        name: &str,
        args: &[Field],
        scope: &mut Scope,
    ) -> Result<Out, ShellError> {
        // chmod accepts modes that look like options (`-w`, `-x`): peel them off first.
        let mut args = args.to_vec();
        if name == "chmod"
            && let Some(i) = args.iter().position(|a| {
                a.known().is_some_and(|s| {
                    s.len() > 1
                        && s.starts_with('-')
                        && s[1..].chars().all(|c| "rwxXstugoa".contains(c))
                })
            })
        {
            args[i] = Field::Known(format!("a{}", args[i].known().unwrap_or("")));
        }
        let o = Opts::parse(
            &args,
            "mxMX",
            &["from", "modify", "remove", "set", "reference"],
        );
        let recursive = o.has(Some('R'), &["recursive"]);
        let skip =
            usize::from(o.value(None, &["reference"]).is_none() && !matches!(name, "setfacl"));
        for f in o.operands.iter().skip(skip) {
            let how = if recursive {
                format!("{name} -R")
            } else {
                name.to_owned()
            };
            // A folder's mode or owner decides who reaches what lies beneath it (`chmod
            // a-x bin` switches off every program in it): the write reaches the tree.
            self.write(f, scope, true, &how);
        }
        Ok(Out::Nothing)
    }

    pub(super) fn patch(
        &mut self,
        args: &[Field],
        scope: &mut Scope,
        stdin: Out,
    ) -> Result<Out, ShellError> {
        let o = Opts::parse(
            args,
            "pidorBDFVzYg",
            &[
                "strip",
                "input",
                "directory",
                "output",
                "reject-file",
                "prefix",
                "ifdef",
                "fuzz",
                "version-control",
                "suffix",
                "basename-prefix",
                "get",
                "quoting-style",
                "merge",
                "reject-format",
                "read-only",
            ],
        );
        if o.has(None, &["dry-run", "check"]) || o.has(Some('C'), &[]) {
            return Ok(Out::Nothing);
        }
        let mut sub = scope.clone();
        if let Some(Field::Known(d)) = o.value(Some('d'), &["directory"]) {
            sub.cwd = self.resolve_path(d, scope);
        }
        for f in o
            .all(Some('o'), &["output"])
            .into_iter()
            .chain(o.all(Some('r'), &["reject-file"]))
        {
            self.write(f, &sub, false, "patch (output file)");
        }
        if o.value(Some('o'), &["output"]).is_some() {
            // The patched result goes to the output file; the originals are left alone.
            return Ok(Out::Nothing);
        }
        if let Some(original) = o.operands.first() {
            self.write(original, &sub, false, "patch");
            return Ok(Out::Nothing);
        }
        let strip = o
            .value(Some('p'), &["strip"])
            .and_then(Field::known)
            .and_then(|s| s.parse().ok());
        let text = match o.value(Some('i'), &["input"]).or(o.operands.get(1)) {
            Some(Field::Known(f)) => self.read_file(f, scope),
            Some(Field::Partial { .. }) => None,
            None => match stdin {
                Out::Text(t) => Some(t),
                _ => None,
            },
        };
        self.patch_text(text, strip, &sub, "patch");
        Ok(Out::Nothing)
    }

    /// Writes every file a diff touches; a diff that cannot be read touches anything
    /// under the directory it is applied in.
    pub(super) fn patch_text(
        &mut self,
        text: Option<String>,
        strip: Option<usize>,
        scope: &Scope,
        how: &str,
    ) {
        // Unreadable (no text), too large to enumerate, or naming no file: it could
        // write anything.
        let targets = text
            .as_deref()
            .and_then(|t| crate::policy::patch::diff_targets(t, strip).ok())
            .unwrap_or_default();
        if targets.is_empty() {
            self.write_under_cwd(
                scope,
                &format!("{how} (a patch whose files cannot be read before it runs)"),
            );
        }
        for t in targets {
            self.write(&Field::Known(t), scope, false, how);
        }
    }

    pub(super) fn grep_items(&self, name: &str, args: &[Field], scope: &Scope) -> Out {
        let o = Opts::parse(
            args,
            "efABCmdDgtTM",
            &[
                "regexp",
                "file",
                "after-context",
                "before-context",
                "context",
                "max-count",
                "include",
                "exclude",
                "exclude-dir",
                "glob",
                "type",
                "type-not",
                "max-depth",
                "color",
                "colors",
                "binary-files",
                "devices",
                "directories",
                "label",
                "ignore-file",
                "sort",
                "sortr",
                "threads",
                "max-filesize",
                "engine",
                "encoding",
                "replace",
                "pre",
                "pre-glob",
                "path-separator",
                "context-separator",
                "field-match-separator",
            ],
        );
        let lists = o.has(
            Some('l'),
            &["files-with-matches", "files-without-match", "files"],
        ) || o.has(Some('L'), &[]);
        if !lists {
            return Out::Unknown;
        }
        let files_mode = o.has(None, &["files"]);
        let pattern_given =
            o.value(Some('e'), &["regexp"]).is_some() || o.value(Some('f'), &["file"]).is_some();
        let skip = usize::from(!pattern_given && !files_mode);
        let mut roots: Vec<Field> = o.operands.iter().skip(skip).cloned().collect();
        if roots.is_empty() {
            roots.push(Field::Known(".".into()));
        }
        let _ = name;
        Out::Items(
            roots
                .iter()
                .flat_map(|r| self.existing_items(r, scope, usize::MAX))
                .collect(),
        )
    }
}

/// Collects the paths beneath `root` (relative to `base`, `""` for `base` itself) up to
/// `depth` levels, entering only directories `keep` accepts. Returns false when `budget`
/// ran out first.
pub(super) fn walk_existing(
    base: &Path,
    root: &Path,
    depth: usize,
    found: &mut Vec<String>,
    budget: &mut usize,
    keep: &dyn Fn(&Path) -> bool,
) -> bool {
    let Ok(entries) = std::fs::read_dir(root) else {
        return true;
    };
    for entry in entries.flatten() {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        let path = entry.path();
        if !keep(&path) {
            continue;
        }
        found.push(
            path.strip_prefix(base)
                .map(|r| r.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
        if depth > 1
            && entry.file_type().is_ok_and(|t| t.is_dir())
            && !walk_existing(base, &path, depth - 1, found, budget, keep)
        {
            return false;
        }
    }
    true
}
