//! Readers and listers: programs that only read, modelled for what they print to the
//! next command in a pipe (`cat FILE | bash`, `ls roles | xargs rm`, `find … -exec`),
//! and the few options by which a reader writes or runs something (`less -o`, `less
//! +!cmd`, `find -delete`).

use super::super::args::Opts;
use super::super::expand::Field;
use super::super::walk::Out;
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
        run: |w, c| Ok(w.grep_items(c.name, c.args, c.scope)),
    },
    Model {
        names: &["fd", "fdfind"],
        run: |w, c| {
            let o = Opts::parse(
                c.args,
                "ethdEcjSx",
                &[
                    "extension",
                    "type",
                    "exclude",
                    "max-depth",
                    "exec",
                    "exec-batch",
                ],
            );
            let root = o
                .operands
                .get(1)
                .cloned()
                .unwrap_or(Field::Known(".".into()));
            Ok(Out::Items(w.existing_items(&root, c.scope, usize::MAX)))
        },
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
