//! Readers and listers: programs that only read, modelled for what they print to the
//! next command in a pipe (`cat FILE | bash`, `ls roles | xargs rm`, `find … -exec`),
//! and the few options by which a reader writes or runs something (`less -o`, `less
//! +!cmd`, `find -delete`).

use std::collections::HashMap;

use super::super::ShellError;
use super::super::args::Opts;
use super::super::expand::Field;
use super::super::walk::{Out, Scope, Val, Walker};
use super::Model;

pub(super) const MODELS: &[Model] = &[
    // `cat FILE…` prints the files (stdin when none); the others print some part.
    Model {
        names: &["cat", "tac", "head", "tail"],
        run: |w, c| {
            let o = Opts::parse(c.args, "nc", &["lines", "bytes"]);
            let files: Vec<&Field> = o
                .operands
                .iter()
                .filter(|f| f.known() != Some("-"))
                .collect();
            if files.is_empty() {
                return Ok(if c.name == "cat" {
                    c.stdin
                } else {
                    Out::Unknown
                });
            }
            let mut text = String::new();
            for f in files {
                match f.known().and_then(|p| w.read_file(p, c.scope)) {
                    Some(t) if c.name == "cat" => text.push_str(&t),
                    _ => return Ok(Out::Unknown),
                }
            }
            Ok(Out::Text(text))
        },
    },
    Model {
        names: &["grep", "egrep", "fgrep", "rg", "ag", "ack"],
        run: |w, c| {
            if c.name == "rg" {
                w.rg_pre(c.args, c.scope, c.env)?;
            }
            Ok(w.grep_items(c.name, c.args, c.scope))
        },
    },
    // `file -C` compiles a magic file into NAME.mgc in the working folder.
    Model {
        names: &["file"],
        run: |w, c| {
            let o = Opts::parse(
                c.args,
                "efmFP",
                &[
                    "exclude",
                    "files-from",
                    "magic-file",
                    "separator",
                    "parameter",
                ],
            );
            if o.has(Some('C'), &["compile"]) {
                let dir = c.scope.cwd.as_ref().map(|d| format!("{}/", d.display()));
                let out = Field::Partial {
                    prefix: dir.unwrap_or_default(),
                    suffix: ".mgc".into(),
                };
                w.write(&out, c.scope, false, "file -C (its compiled magic)");
            }
            Ok(Out::Unknown)
        },
    },
    Model {
        names: &["fd", "fdfind"],
        run: |w, c| w.fd(c.args, c.scope, c.env),
    },
    Model {
        names: &["ls"],
        run: |w, c| {
            let o = Opts::parse(
                c.args,
                "IwTp",
                &[
                    "ignore",
                    "width",
                    "tabsize",
                    "format",
                    "sort",
                    "time",
                    "color",
                    "hide",
                    "indicator-style",
                    "quoting-style",
                    "block-size",
                ],
            );
            let dirs = if o.operands.is_empty() {
                vec![Field::Known(".".into())]
            } else {
                o.operands.clone()
            };
            let depth = if o.has(Some('R'), &["recursive"]) {
                usize::MAX
            } else {
                1
            };
            let mut items = Vec::new();
            for d in dirs {
                if o.has(Some('d'), &["directory"]) {
                    items.push(d);
                } else {
                    items.extend(w.existing_items(&d, c.scope, depth));
                }
            }
            Ok(Out::Items(items))
        },
    },
    Model {
        names: &["find"],
        run: |w, c| w.find(c.args, c.scope, c.env),
    },
    // `-o FILE` copies the input into FILE; a `+` command may run `!cmd` or `|cmd`.
    Model {
        names: &["less"],
        run: |w, c| {
            let o = Opts::parse(
                c.args,
                "oOkbhjPxyz",
                &["log-file", "LOG-FILE", "lesskey-file"],
            );
            for f in o
                .all(Some('o'), &["log-file"])
                .into_iter()
                .chain(o.all(Some('O'), &["LOG-FILE"]))
            {
                w.write(f, c.scope, false, "less -o (log file)");
            }
            if c.args.iter().any(|a| {
                a.known()
                    .is_none_or(|a| a.starts_with('+') && a.contains(['!', '|', 's']))
            }) {
                w.write_anything(
                    "less with a start-up command that may run a command or save a file",
                );
            }
            Ok(Out::Unknown)
        },
    },
];

impl Walker<'_> {
    /// `fd PATTERN [ROOT…]`: lists what is under its roots; with `-x`/`--exec` or
    /// `-X`/`--exec-batch` it runs the rest of the line (up to a `;`) on each file it
    /// finds, as `find ROOT… -exec CMD {} ;` would (the pattern is not evaluated: every
    /// file counts as found). `{}` is the file; the other placeholders (`{/}`, `{//}`,
    /// `{.}`, `{/.}`) are parts of its name the guard does not compute (unknown).
    pub(super) fn fd(
        &mut self,
        args: &[Field],
        scope: &mut Scope,
        env: &HashMap<String, Val>,
    ) -> Result<Out, ShellError> {
        const VALUED: [&str; 22] = [
            "-e",
            "--extension",
            "-t",
            "--type",
            "-E",
            "--exclude",
            "-d",
            "--max-depth",
            "--min-depth",
            "--exact-depth",
            "-c",
            "--color",
            "-j",
            "--threads",
            "-S",
            "--size",
            "--changed-within",
            "--changed-before",
            "-o",
            "--owner",
            "--ignore-file",
            "--max-results",
        ];
        const PARTS: [&str; 4] = ["{/}", "{//}", "{.}", "{/.}"];
        let mut operands: Vec<Field> = Vec::new();
        let mut execs: Vec<Vec<Field>> = Vec::new();
        let mut follow = false;
        let mut base: Option<Field> = None;
        let mut i = 0;
        while i < args.len() {
            let Some(a) = args[i].known() else {
                operands.push(args[i].clone());
                i += 1;
                continue;
            };
            match a {
                "-x" | "--exec" | "-X" | "--exec-batch" => {
                    let end = args[i + 1..]
                        .iter()
                        .position(|f| f.known() == Some(";"))
                        .map_or(args.len(), |k| i + 1 + k);
                    execs.push(args[i + 1..end].to_vec());
                    i = end + 1;
                    continue;
                }
                "-L" | "--follow" => follow = true,
                "--search-path" => {
                    operands.push(args.get(i + 1).cloned().unwrap_or_else(Field::unknown))
                }
                "--base-directory" => {
                    base = Some(args.get(i + 1).cloned().unwrap_or_else(Field::unknown))
                }
                s if VALUED.contains(&s) => i += 1,
                s if s.starts_with("--base-directory=") => {
                    base = Some(Field::Known(s["--base-directory=".len()..].to_owned()));
                }
                s if s.starts_with("--search-path=") => {
                    operands.push(Field::Known(s["--search-path=".len()..].to_owned()));
                }
                s if s.starts_with('-') && s.len() > 1 => {}
                _ => operands.push(args[i].clone()),
            }
            if matches!(a, "--search-path" | "--base-directory") {
                i += 1;
            }
            i += 1;
        }
        let mut sub = scope.clone();
        if let Some(b) = base {
            sub.cwd = b.known().and_then(|d| self.resolve_path(d, scope));
        }
        let roots: Vec<Field> = if operands.len() > 1 {
            operands[1..].to_vec()
        } else {
            vec![Field::Known(".".into())]
        };
        if execs.is_empty() {
            let mut items = Vec::new();
            for r in &roots {
                items.extend(self.existing_items(r, &sub, usize::MAX));
            }
            return Ok(Out::Items(items));
        }
        let mut out = Out::Nothing;
        for cmd in execs {
            let mut cmd: Vec<Field> = cmd
                .into_iter()
                .map(|f| match f.known() {
                    Some(s) if PARTS.iter().any(|p| s.contains(p)) => Field::unknown(),
                    _ => f,
                })
                .collect();
            if !cmd
                .iter()
                .any(|f| f.known().is_some_and(|s| s.contains("{}")))
            {
                cmd.push(Field::Known("{}".into()));
            }
            let mut argv: Vec<Field> = Vec::new();
            if follow {
                argv.push(Field::Known("-L".into()));
            }
            argv.extend(roots.iter().cloned());
            argv.push(Field::Known("-exec".into()));
            argv.extend(cmd);
            argv.push(Field::Known(";".into()));
            out = self.find(&argv, &mut sub, env)?;
        }
        Ok(out)
    }

    /// `rg --pre PROGRAM`: ripgrep runs PROGRAM (no shell) with each file it searches as
    /// its argument, as `find ROOT… -exec PROGRAM {} ;` would.
    fn rg_pre(
        &mut self,
        args: &[Field],
        scope: &mut Scope,
        env: &HashMap<String, Val>,
    ) -> Result<(), ShellError> {
        let o = Opts::parse(
            args,
            "efABCmdgtTMj",
            &[
                "regexp",
                "file",
                "pre",
                "pre-glob",
                "glob",
                "iglob",
                "type",
                "type-not",
                "max-depth",
                "max-count",
                "context",
                "after-context",
                "before-context",
                "threads",
                "color",
                "colors",
                "replace",
                "engine",
                "encoding",
                "sort",
                "sortr",
                "max-filesize",
                "ignore-file",
                "path-separator",
            ],
        );
        let Some(pre) = o.value(None, &["pre"]) else {
            return Ok(());
        };
        if pre.known() == Some("") {
            return Ok(());
        }
        let pattern_given =
            o.value(Some('e'), &["regexp"]).is_some() || o.value(Some('f'), &["file"]).is_some();
        let mut argv: Vec<Field> = o
            .operands
            .iter()
            .skip(usize::from(!pattern_given))
            .cloned()
            .collect();
        if argv.is_empty() {
            argv.push(Field::Known(".".into()));
        }
        for a in ["-exec".to_owned(), "{}".to_owned(), ";".to_owned()] {
            argv.push(Field::Known(a));
        }
        let at = argv.len() - 2;
        argv.insert(at, pre.clone());
        self.find(&argv, scope, env)?;
        Ok(())
    }
}
