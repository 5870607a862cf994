//! Programs that write files named on their command line: copies, moves, links, rsync,
//! removals, attribute changes, in-place converters, filters with an output file,
//! mounts, patches; and the helpers the listers (`grep -l`, `ls`) use to feed `xargs`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::super::ShellError;
use super::super::args::{Opts, is_long};
use super::super::expand::Field;
use super::super::walk::{Out, Scope, Val, Walker};
use super::Model;
use super::{join_field, under};
use crate::policy::paths;

pub(super) const MODELS: &[Model] = &[
    // Copies, moves, links: the destination (and, for a move, the source) with all
    // beneath it.
    Model {
        names: &["cp"],
        run: |w, c| w.copy_like("cp", c.args, c.scope, false),
    },
    Model {
        names: &["mv"],
        run: |w, c| w.copy_like("mv", c.args, c.scope, true),
    },
    Model {
        names: &["install"],
        run: |w, c| w.install(c.args, c.scope),
    },
    Model {
        names: &["ln", "link"],
        run: |w, c| w.ln(c.name, c.args, c.scope),
    },
    Model {
        names: &["rsync"],
        run: |w, c| w.rsync(c.args, c.scope),
    },
    Model {
        names: &["rename", "prename", "perl-rename", "file-rename"],
        run: |w, c| {
            let o = Opts::parse(c.args, "e", &[]);
            for f in o.operands.iter().skip(1) {
                w.write(f, c.scope, true, "rename");
            }
            Ok(Out::Unknown)
        },
    },
    // Removals: the operand itself, not what a symlink points at.
    Model {
        names: &["rm"],
        run: |w, c| {
            let o = Opts::parse(c.args, "", &["interactive", "preserve-root"]);
            let recursive = o.has(Some('r'), &["recursive"]) || o.has(Some('R'), &[]);
            let how = if recursive { "rm -r" } else { "rm" };
            for f in &o.operands {
                w.write_nofollow(f, c.scope, recursive, how);
            }
            Ok(Out::Nothing)
        },
    },
    Model {
        names: &["rmdir"],
        run: |w, c| {
            let o = Opts::parse(c.args, "", &[]);
            let parents = o.has(Some('p'), &["parents"]);
            for f in &o.operands {
                w.write_nofollow(f, c.scope, false, "rmdir");
                if parents && let Some(s) = f.known() {
                    let mut p = Path::new(s);
                    while let Some(parent) = p.parent().filter(|p| !p.as_os_str().is_empty()) {
                        let parent_field = Field::Known(parent.to_string_lossy().into_owned());
                        w.write(&parent_field, c.scope, false, "rmdir -p");
                        p = parent;
                    }
                }
            }
            Ok(Out::Nothing)
        },
    },
    // Writers of their operands.
    Model {
        names: &["truncate"],
        run: |w, c| {
            w.simple_writer(
                "truncate",
                c.args,
                c.scope,
                "sr",
                &["size", "reference"],
                false,
            )
        },
    },
    Model {
        names: &["touch"],
        run: |w, c| {
            w.simple_writer(
                "touch",
                c.args,
                c.scope,
                "drt",
                &["date", "reference"],
                false,
            )
        },
    },
    Model {
        names: &["mkdir"],
        run: |w, c| {
            let o = Opts::parse(c.args, "mZ", &["mode", "context"]);
            for d in o.operands.iter().filter_map(Field::known) {
                if let Some(p) = w.resolve_path(d, c.scope).map(|p| paths::normalize(&p))
                    && !w.dirs_made.contains(&p)
                {
                    w.dirs_made.push(p);
                }
            }
            w.simple_writer("mkdir", c.args, c.scope, "mZ", &["mode", "context"], false)
        },
    },
    Model {
        names: &["chmod", "chown", "chgrp", "chattr", "setfacl", "chcon"],
        run: |w, c| w.attr_writer(c.name, c.args, c.scope),
    },
    // In place: `-n IN OUT` of the dos2unix family writes OUT only.
    Model {
        names: &[
            "dos2unix", "unix2dos", "mac2unix", "unix2mac", "sponge", "shred", "unlink", "mkfifo",
            "mknod",
        ],
        run: |w, c| {
            let o = Opts::parse(c.args, "", &[]);
            let converter = c.name.contains('2');
            let operands: Vec<Field> = if converter && o.has(Some('n'), &["newfile"]) {
                o.operands.iter().skip(1).step_by(2).cloned().collect()
            } else {
                o.operands.clone()
            };
            for f in &operands {
                w.write(f, c.scope, false, c.name);
            }
            Ok(Out::Unknown)
        },
    },
    Model {
        names: &["dd"],
        run: |w, c| {
            for a in c.args {
                let of = match a {
                    Field::Known(s) => s.strip_prefix("of=").map(|p| Field::Known(p.to_owned())),
                    Field::Partial { prefix, suffix } => {
                        prefix.strip_prefix("of=").map(|p| Field::Partial {
                            prefix: p.to_owned(),
                            suffix: suffix.clone(),
                        })
                    }
                };
                if let Some(of) = of {
                    w.write(&of, c.scope, false, "dd of=");
                }
            }
            Ok(Out::Unknown)
        },
    },
    Model {
        names: &["tee"],
        run: |w, c| {
            let o = Opts::parse(c.args, "", &["output-error"]);
            for f in &o.operands {
                w.write(f, c.scope, false, "tee");
            }
            Ok(c.stdin)
        },
    },
    // Filters with an output file: `sort -o`, `uniq IN OUT`, `xxd IN OUT`, `tree -o`,
    // `python -m json.tool IN OUT`.
    Model {
        names: &["sort"],
        run: |w, c| {
            let o = Opts::parse(
                c.args,
                "ktTSo",
                &[
                    "key",
                    "field-separator",
                    "temporary-directory",
                    "buffer-size",
                    "output",
                    "files0-from",
                    "compress-program",
                    "parallel",
                    "batch-size",
                    "random-source",
                ],
            );
            for f in o.all(Some('o'), &["output"]) {
                w.write(f, c.scope, false, "sort -o");
            }
            Ok(Out::Unknown)
        },
    },
    // `shuf -o FILE`, `sdiff -o FILE`: the output file; the operands are read.
    Model {
        names: &["shuf", "sdiff"],
        run: |w, c| {
            let o = Opts::parse(
                c.args,
                "oneiI",
                &[
                    "output",
                    "random-source",
                    "head-count",
                    "input-range",
                    "diff-program",
                ],
            );
            for f in o.all(Some('o'), &["output"]) {
                w.write(f, c.scope, false, &format!("{} -o", c.name));
            }
            if o.has(None, &["diff-program"]) {
                w.write_anything("sdiff --diff-program (runs a program of the caller's)");
            }
            Ok(Out::Unknown)
        },
    },
    // `cpp IN [OUT]`, `cpp -o OUT`.
    Model {
        names: &["cpp"],
        run: |w, c| {
            let o = Opts::parse(c.args, "oIDUiMFxA", &["include", "imacros", "isystem"]);
            for f in o.all(Some('o'), &[]).into_iter().chain(o.operands.get(1)) {
                w.write(f, c.scope, false, "cpp (its output)");
            }
            if o.flags.iter().any(|f| f.starts_with("-M")) {
                w.write_anything("cpp writing dependency files");
            }
            Ok(Out::Unknown)
        },
    },
    Model {
        names: &["uniq"],
        run: |w, c| {
            let o = Opts::parse(c.args, "fsw", &["skip-fields", "skip-chars", "check-chars"]);
            second_operand_written(w, c.scope, &o, "uniq (its output file)")
        },
    },
    Model {
        names: &["xxd"],
        run: |w, c| {
            let o = Opts::parse(
                c.args,
                "cglsoC",
                &["cols", "groupsize", "len", "seek", "offset"],
            );
            second_operand_written(w, c.scope, &o, "xxd (its output file)")
        },
    },
    // `python -m zipfile -c ZIP SRC…` / `-e ZIP DIR`; `python -m tarfile` alike.
    Model {
        names: &["zipfile", "tarfile"],
        run: |w, c| {
            let words: Vec<&Field> = c.args.iter().collect();
            match words.first().and_then(|f| f.known()) {
                Some("-c" | "--create") => {
                    if let Some(archive) = words.get(1) {
                        w.write(archive, c.scope, false, &format!("{} -c", c.name));
                    }
                }
                Some("-e" | "--extract") => {
                    let dest = words
                        .get(2)
                        .map_or(Field::Known(".".into()), |d| (*d).clone());
                    w.write(&dest, c.scope, true, &format!("{} -e", c.name));
                }
                Some("-l" | "--list" | "-t" | "--test") => {}
                _ => w.write_anything(&format!("python -m {} in a form outside the model", c.name)),
            }
            Ok(Out::Unknown)
        },
    },
    Model {
        names: &["json.tool"],
        run: |w, c| {
            let o = Opts::parse(c.args, "", &["indent"]);
            second_operand_written(w, c.scope, &o, "json.tool (its output file)")
        },
    },
    Model {
        names: &["tree"],
        run: |w, c| {
            let o = Opts::parse(
                c.args,
                "oLPIH",
                &["charset", "filelimit", "timefmt", "sort"],
            );
            if let Some(out) = o.value(Some('o'), &[]) {
                w.write(out, c.scope, false, "tree -o");
            }
            Ok(Out::Unknown)
        },
    },
    // `split IN PREFIX`, `csplit -f PREFIX`: files named PREFIX followed by anything.
    Model {
        names: &["split", "csplit"],
        run: |w, c| {
            let o = Opts::parse(
                c.args,
                "abClnf",
                &[
                    "suffix-length",
                    "bytes",
                    "line-bytes",
                    "lines",
                    "number",
                    "additional-suffix",
                    "filter",
                    "prefix",
                ],
            );
            let prefix = match c.name {
                "split" => o.operands.get(1).cloned(),
                _ => o.value(Some('f'), &["prefix"]).cloned(),
            };
            let default = if c.name == "split" { "x" } else { "xx" };
            let p = match prefix.unwrap_or(Field::Known(default.into())) {
                Field::Known(p) => Field::Partial {
                    prefix: p,
                    suffix: String::new(),
                },
                other => other,
            };
            w.write(&p, c.scope, false, c.name);
            Ok(Out::Unknown)
        },
    },
    // Mounts replace what a folder shows, and a bind mount shows a folder elsewhere,
    // where writes through it are not seen as writes to it: every operand counts as
    // written, with all beneath it.
    Model {
        names: &["mount", "umount"],
        run: |w, c| {
            let o = Opts::parse(
                c.args,
                "toLUONT",
                &[
                    "types",
                    "options",
                    "label",
                    "uuid",
                    "target",
                    "source",
                    "namespace",
                    "test-opts",
                    "fstab",
                ],
            );
            let how = format!("{} (mounts over it, or shows it elsewhere)", c.name);
            for f in o
                .operands
                .iter()
                .chain(o.value(None, &["target"]))
                .chain(o.value(None, &["source"]))
            {
                w.write(f, c.scope, true, &how);
            }
            Ok(Out::Nothing)
        },
    },
    // Patches: the files they name.
    Model {
        names: &["patch"],
        run: |w, c| w.patch(c.args, c.scope, c.env, c.stdin),
    },
    // Codex puts these on the agent's PATH: an envelope as the argument or on stdin.
    Model {
        names: &["apply_patch", "applypatch"],
        run: |w, c| {
            let text = match (c.args.first(), c.stdin) {
                (Some(Field::Known(t)), _) => Some(t.clone()),
                (None, Out::Text(t)) => Some(t),
                _ => None,
            };
            let targets = text
                .as_deref()
                .map(crate::policy::patch::envelope_targets)
                .unwrap_or_default();
            if targets.is_empty() {
                w.write_anything("apply_patch (a patch whose files cannot be read before it runs)");
            }
            for t in targets {
                w.write(&Field::Known(t), c.scope, true, "apply_patch");
            }
            Ok(Out::Nothing)
        },
    },
];

/// `uniq IN OUT` and its kind: the second operand is written.
fn second_operand_written(
    w: &mut Walker<'_>,
    scope: &Scope,
    o: &Opts,
    how: &str,
) -> Result<Out, ShellError> {
    if let Some(out) = o.operands.get(1) {
        w.write(out, scope, false, how);
    }
    Ok(Out::Unknown)
}

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
                // `cp --parents a/b/c DIR` writes DIR/a/b/c: the source's path as given.
                let parents = name == "cp" && o.has(None, &["parents"]);
                let written = if parents {
                    under_whole_path(dest, src)
                } else if into_dir {
                    join_field(dest, src)
                } else {
                    dest.clone()
                };
                self.backup_write(&o, &written, scope, name);
                let src_exists = src
                    .known()
                    .and_then(|s| self.resolve_path(s, scope))
                    .is_some_and(|p| p.symlink_metadata().is_ok());
                let tree = recursive && (self.is_dir_field(src, scope) || !src_exists);
                self.write(&written, scope, tree, &format!("{name} (destination)"));
                if tree {
                    self.copy_tree(src, &written, scope, name);
                }
                // Links copied as links (`cp -P`, `-d`, `-a`, `-r`, `mv`) or made by `cp
                // -s` point where the source points: writes through them land there.
                let symbolic = !moves && o.has(Some('s'), &["symbolic-link"]);
                let follows =
                    o.has(Some('L'), &["dereference"]) || (o.has(Some('H'), &[]) && !recursive);
                let as_links = moves
                    || o.has(Some('P'), &["no-dereference"])
                    || o.has(Some('d'), &[])
                    || (recursive && !follows);
                if symbolic || (as_links && !follows) {
                    self.copied_links(src, &written, scope, symbolic);
                    // A source only known at run time (`find … -exec cp -P {} docs/`: a
                    // file the walk did not list) may be a link to anywhere: what is
                    // written beneath the copy is unknown.
                    if src
                        .known()
                        .and_then(|s| self.resolve_path(s, scope))
                        .is_none_or(|s| {
                            paths::normalize(&s)
                                .to_string_lossy()
                                .contains(super::super::find::FIND_STAND_IN)
                        })
                        && let Some(d) = dest.known().and_then(|d| self.resolve_path(d, scope))
                    {
                        self.add_maybe_link(paths::normalize(&d));
                    }
                }
            }
        }
        Ok(Out::Nothing)
    }

    /// `cp`, `mv`, `ln` and `install` with `-b`/`--backup`: the file being replaced is
    /// renamed to its name plus a suffix (`-S`, `--suffix`, else `SIMPLE_BACKUP_SUFFIX`
    /// or `~`), which may be any name: `cp -b -S nv x src/.e` makes `src/.env`. A suffix
    /// not given as an option is taken as unknown (the environment may set it).
    fn backup_write(&mut self, o: &Opts, dest: &Field, scope: &Scope, name: &str) {
        let suffix = o.value(Some('S'), &["suffix"]);
        let backup = suffix.is_some()
            || o.has(Some('b'), &[])
            || o.flags.iter().any(|f| is_long(f, "backup"))
            || o.values.iter().any(|(f, _)| is_long(f, "backup"));
        if !backup {
            return;
        }
        let how = format!("{name} --backup (the replaced file's new name)");
        let field = match (dest, suffix.and_then(Field::known)) {
            (Field::Known(d), Some(s)) => Field::Known(format!("{d}{s}")),
            (Field::Known(d), None) => Field::Partial {
                prefix: d.clone(),
                suffix: String::new(),
            },
            _ => Field::unknown(),
        };
        self.write_nofollow(&field, scope, false, &how);
    }

    /// Records the symlinks a copy or move makes at `dest`: `cp -s` links `dest` to
    /// `src`; a link copied as a link (or one inside a copied tree, up to a bound) keeps
    /// pointing where it pointed, also one made earlier in this command.
    fn copied_links(&mut self, src: &Field, dest: &Field, scope: &Scope, symbolic: bool) {
        let (Some(s), Some(d)) = (src.known(), dest.known()) else {
            return;
        };
        let (Some(src_abs), Some(dest_abs)) =
            (self.resolve_path(s, scope), self.resolve_path(d, scope))
        else {
            return;
        };
        let (src_abs, dest_abs) = (paths::normalize(&src_abs), paths::normalize(&dest_abs));
        if symbolic {
            self.add_link(dest_abs, src_abs);
            return;
        }
        let earlier: Vec<PathBuf> = super::super::through_links(&self.links, &src_abs);
        for target in earlier {
            self.add_link(dest_abs.clone(), target);
        }
        // A link made earlier with a relative text, copied as it is (or inside a copied
        // folder), points from its new place.
        let moved: Vec<(PathBuf, String)> = self
            .link_texts
            .iter()
            .filter_map(|(l, text)| {
                let rest = l.strip_prefix(&src_abs).ok()?;
                let new = if rest.as_os_str().is_empty() {
                    dest_abs.clone()
                } else {
                    dest_abs.join(rest)
                };
                Some((new, text.clone()))
            })
            .collect();
        for (link, text) in moved {
            let base = link.parent().map(Path::to_path_buf).unwrap_or_default();
            self.add_link(link.clone(), paths::normalize(&base.join(&text)));
            self.link_texts.push((link, text));
        }
        // Links made earlier in this command inside a copied folder.
        let inside: Vec<(PathBuf, PathBuf)> = self
            .links
            .iter()
            .filter_map(|(l, t)| {
                let rest = l.strip_prefix(&src_abs).ok()?;
                (!rest.as_os_str().is_empty()).then(|| (dest_abs.join(rest), t.clone()))
            })
            .collect();
        for (link, dest) in inside {
            self.add_link(link, dest);
        }
        // Links on disk: the source itself, or any beneath a copied folder.
        let mut stack = vec![(src_abs, dest_abs)];
        let mut seen = 0usize;
        while let Some((from, to)) = stack.pop() {
            seen += 1;
            if seen > 5_000 {
                break;
            }
            let Ok(meta) = from.symlink_metadata() else {
                continue;
            };
            if meta.file_type().is_symlink() {
                if let Ok(target) = std::fs::read_link(&from) {
                    // A relative link points from where the copy lands.
                    let base = to.parent().map(Path::to_path_buf).unwrap_or_default();
                    let at_copy = paths::normalize(&base.join(&target));
                    let base = from.parent().map(Path::to_path_buf).unwrap_or_default();
                    let at_source = paths::normalize(&base.join(&target));
                    if target.is_relative() {
                        let text = target.to_string_lossy().into_owned();
                        self.link_texts.push((to.clone(), text));
                    }
                    self.add_link(to.clone(), at_copy);
                    self.add_link(to, at_source);
                }
            } else if meta.is_dir()
                && let Ok(entries) = std::fs::read_dir(&from)
            {
                for e in entries.flatten() {
                    stack.push((e.path(), to.join(e.file_name())));
                }
            }
        }
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
        // What this command wrote there before is copied too; a folder it made other
        // than by `mkdir` may hold anything.
        let root_n = paths::normalize(&root);
        for p in self.written.beneath(&root_n) {
            let Ok(rel) = p.strip_prefix(&root_n) else {
                continue;
            };
            let target = Field::Known(
                Path::new(dest.trim_end_matches('/'))
                    .join(rel)
                    .to_string_lossy()
                    .into_owned(),
            );
            let recursive = !self.dirs_made.contains(&p);
            self.write(
                &target,
                scope,
                recursive,
                &format!("{how} (copies what this command wrote in {src})"),
            );
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
        let o = Opts::parse(args, "tS", &["target-directory", "suffix"]);
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
                        // A folder this command removed or replaced may not be one any
                        // more: the link may be made under that name too.
                        if rest.len() == 1
                            && last.known().is_some_and(|l| self.written_earlier(l, scope))
                        {
                            let mut as_name = vec![Field::Known("-T".into())];
                            as_name.extend(args.iter().cloned());
                            self.ln(name, &as_name, scope)?;
                        }
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
            self.backup_write(&o, &link, scope, name);
            if !symbolic {
                self.write(
                    target,
                    scope,
                    false,
                    &format!("{name} (a hard link lets the file be written through another name)"),
                );
            }
            // A link whose name is only known at run time, to a place that holds
            // protected files, may be written through anywhere.
            if symbolic
                && link.known().is_none()
                && target
                    .known()
                    .and_then(|t| self.resolve_path(t, scope))
                    .is_some_and(|t| (self.ctx.relevant)(&paths::normalize(&t)))
            {
                self.write_anything(&format!("{name} (a link named only at run time)"));
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
                // `-r`: the target is named from here, and ln writes it relative to the
                // link.
                let (dest, text) = if o.has(Some('r'), &["relative"]) {
                    let dest = self
                        .resolve_path(t, scope)
                        .map(|p| paths::normalize(&p))
                        .unwrap_or_else(|| paths::normalize(&paths::join(&base, t, None)));
                    let text = relative_text(&base, &dest);
                    (dest, text)
                } else {
                    (paths::normalize(&paths::join(&base, t, None)), t.clone())
                };
                if !text.starts_with('/') {
                    self.link_texts.push((link_abs.clone(), text));
                }
                self.add_link(link_abs, dest);
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
        // `--link-dest DIR` hard-links unchanged files to DIR's: a later write of the
        // copy writes DIR's file.
        for f in o.all(None, &["link-dest"]) {
            let how = "rsync --link-dest (hard links to its files)";
            self.write(&under_dest(f), scope, true, how);
        }
        // `--read-batch F` replays a batch: the files it names are only known then.
        if o.has(None, &["read-batch"]) || o.values.iter().any(|(f, _)| is_long(f, "read-batch")) {
            let dest = o
                .operands
                .last()
                .cloned()
                .unwrap_or(Field::Known(".".into()));
            self.write(
                &dest,
                scope,
                true,
                "rsync --read-batch (files named in the batch)",
            );
        }
        if o.operands.len() < 2 {
            return Ok(Out::Unknown);
        }
        // `-b`: a replaced file is renamed to its name plus `--suffix` (else `~`).
        let backup = o.has(Some('b'), &["backup"]);
        let suffix = o
            .value(None, &["suffix"])
            .and_then(Field::known)
            .map_or_else(|| "~".to_owned(), str::to_owned);
        // `-l`/`-a` copy symlinks as symlinks (unless `-L`).
        let keeps_links = (o.has(Some('l'), &["links"]) || o.has(Some('a'), &["archive"]))
            && !o.has(Some('L'), &["copy-links"]);
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
            // A symlink copied as one is a file, not the folder it points at.
            let src_is_link = keeps_links
                && !merge
                && src
                    .known()
                    .and_then(|s| self.resolve_path(s, scope))
                    .is_some_and(|p| {
                        p.symlink_metadata()
                            .is_ok_and(|m| m.file_type().is_symlink())
                    });
            // `-R`: the source's path as given (from a `/./` on) is kept under DEST.
            let relative = o.has(Some('R'), &["relative"]);
            let written = if relative {
                let kept = match src.known() {
                    Some(s) => Field::Known(s.rsplit_once("/./").map_or(s, |(_, k)| k).to_owned()),
                    None => src.clone(),
                };
                under_whole_path(dest, &kept)
            } else if merge
                || !self.is_dir_field(dest, scope)
                    && (src_is_link || !self.is_dir_field(src, scope))
            {
                dest.clone()
            } else {
                join_field(dest, src)
            };
            self.write(&written, scope, true, "rsync (destination)");
            self.copy_tree(src, &written, scope, "rsync");
            if keeps_links {
                self.copied_links(src, &written, scope, false);
            }
            if backup && let Field::Known(w) = &written {
                let how = "rsync --backup (the replaced file's new name)";
                self.write(&Field::Known(format!("{w}{suffix}")), scope, false, how);
                let beneath = Field::Partial {
                    prefix: format!("{}/", w.trim_end_matches('/')),
                    suffix: suffix.clone(),
                };
                self.write(&beneath, scope, false, how);
            }
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
        env: &HashMap<String, Val>,
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
        // Backups (`-b`, `-B PREFIX`, `-Y PREFIX`, `-z SUFFIX`, SIMPLE_BACKUP_SUFFIX): a
        // name made from each file's.
        let prefix = o.value(Some('B'), &["prefix"]).cloned();
        let base_prefix = o.value(Some('Y'), &["basename-prefix"]).cloned();
        let suffix = o
            .value(Some('z'), &["suffix"])
            .cloned()
            .or_else(|| env.get("SIMPLE_BACKUP_SUFFIX").map(Val::to_field));
        let backups = o.has(Some('b'), &["backup"])
            || prefix.is_some()
            || base_prefix.is_some()
            || suffix.is_some();
        let backup_of = |f: &Field| -> Vec<Field> {
            if !backups {
                return Vec::new();
            }
            let Some(f) = f.known() else {
                return vec![Field::unknown()];
            };
            let mut out = Vec::new();
            match prefix.as_ref().map(Field::known) {
                Some(Some(p)) => out.push(Field::Known(format!("{p}{f}"))),
                Some(None) => out.push(Field::unknown()),
                None => {}
            }
            match base_prefix.as_ref().map(Field::known) {
                Some(Some(p)) => {
                    let (dir, name) = f.rsplit_once('/').map_or(("", f), |(d, n)| (d, n));
                    let dir = if dir.is_empty() {
                        String::new()
                    } else {
                        format!("{dir}/")
                    };
                    out.push(Field::Known(format!("{dir}{p}{name}")));
                }
                Some(None) => out.push(Field::unknown()),
                None => {}
            }
            match suffix.as_ref().map(Field::known) {
                Some(Some(x)) => out.push(Field::Known(format!("{f}{x}"))),
                Some(None) => out.push(Field::unknown()),
                None => out.push(Field::Known(format!("{f}.orig"))),
            }
            out
        };
        if let Some(original) = o.operands.first() {
            for b in backup_of(original) {
                self.write(&b, &sub, false, "patch (a backup)");
            }
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
        for t in self.patch_text(text, strip, &sub, "patch") {
            for b in backup_of(&Field::Known(t)) {
                self.write(&b, &sub, false, "patch (a backup)");
            }
        }
        Ok(Out::Nothing)
    }

    /// Writes every file a diff touches, and returns them; a diff that cannot be read
    /// touches anything under the directory it is applied in.
    pub(super) fn patch_text(
        &mut self,
        text: Option<String>,
        strip: Option<usize>,
        scope: &Scope,
        how: &str,
    ) -> Vec<String> {
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
        // Git's mode for a symlink: the patch may make any of its files a link.
        let makes_links = text.as_deref().is_some_and(|t| t.contains("120000"));
        for t in &targets {
            self.write(&Field::Known(t.clone()), scope, false, how);
            if makes_links && let Some(p) = self.resolve_path(t, scope) {
                self.add_maybe_link(paths::normalize(&p));
                self.maybe_link_files.push(paths::normalize(&p));
            }
        }
        targets
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

/// `dir/path` for a source path kept whole under a folder (`cp --parents`, `rsync -R`):
/// unknown beneath `dir` when the path is.
fn under_whole_path(dir: &Field, path: &Field) -> Field {
    match (dir, path) {
        (Field::Known(d), Field::Known(p)) => Field::Known(format!(
            "{}/{}",
            d.trim_end_matches('/'),
            p.trim_start_matches('/')
        )),
        (Field::Known(d), _) => Field::Partial {
            prefix: format!("{}/", d.trim_end_matches('/')),
            suffix: String::new(),
        },
        (other, _) => other.clone(),
    }
}

/// The relative text `ln -r` writes in a link in `base` that points at `dest`.
fn relative_text(base: &Path, dest: &Path) -> String {
    let b: Vec<_> = base.components().collect();
    let d: Vec<_> = dest.components().collect();
    let common = b.iter().zip(&d).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); b.len() - common];
    parts.extend(
        d[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}
