//! Interpreters, stream editors and text editors: sed, awk, perl, ruby, python, node,
//! ed/ex/vi and the rest. Their code is scanned for writes by `code.rs`; their in-place
//! flags write their file operands; an editor writes what it opens.

use std::collections::HashMap;

use crate::policy::paths;

use super::super::ShellError;
use super::super::args::Opts;
use super::super::code::{self, Lang};
use super::super::expand::Field;
use super::super::walk::{Out, Scope, Walker};
use super::Model;

pub(super) const MODELS: &[Model] = &[
    Model {
        names: &["sed"],
        run: |w, c| w.sed(c.args, c.scope),
    },
    Model {
        names: &["awk", "gawk", "mawk", "nawk", "busybox-awk"],
        run: |w, c| w.awk(c.args, c.scope),
    },
    Model {
        names: &["perl"],
        run: |w, c| w.perl(c.args, c.scope, c.stdin),
    },
    Model {
        names: &["ruby"],
        run: |w, c| w.ruby(c.args, c.scope, c.stdin),
    },
    Model {
        names: &["python*", "pypy*"],
        run: |w, c| w.python(c.args, c.scope, c.stdin),
    },
    Model {
        names: &["node", "nodejs", "bun", "deno"],
        run: |w, c| w.node(c.name, c.args, c.scope, c.stdin),
    },
    // Interpreters without their own model: the code of `-r`/`-e` is scanned.
    Model {
        names: &["php", "lua", "luajit", "Rscript", "R"],
        run: |w, c| {
            w.loads_written_code(c.name);
            let o = Opts::parse(c.args, "reflc", &["eval"]);
            for code in o
                .all(Some('r'), &[])
                .into_iter()
                .chain(o.all(Some('e'), &["eval"]))
            {
                w.code(code, Lang::Other, c.scope, c.name)?;
            }
            Ok(Out::Unknown)
        },
    },
    // Text editors write the files they open, and some run commands (see
    // [`Walker::editor`]).
    Model {
        names: &[
            "ed", "red", "ex", "vi", "vim", "nvim", "view", "rview", "vimdiff", "nano", "rnano",
            "emacs", "pico", "micro", "joe", "kak", "helix", "hx",
        ],
        run: |w, c| {
            w.editor(c.name, c.args, c.scope, &c.stdin);
            Ok(Out::Unknown)
        },
    },
];

impl Walker<'_> {
    pub(super) fn sed(&mut self, args: &[Field], scope: &mut Scope) -> Result<Out, ShellError> {
        // BSD sed takes the in-place suffix as a separate, possibly empty, argument.
        let mut args = args.to_vec();
        if let Some(i) = args.iter().position(|a| a.known() == Some("-i"))
            && args.get(i + 1).and_then(Field::known) == Some("")
        {
            args.remove(i + 1);
        }
        let o = Opts::parse(&args, "efl", &["expression", "file", "line-length"]);
        let in_place = o.has(Some('i'), &["in-place"])
            || o.has(Some('I'), &[])
            || args.iter().filter_map(Field::known).any(|a| {
                a.starts_with('-')
                    && !a.starts_with("--")
                    && a[1..].starts_with(|c: char| c.is_alphabetic())
                    && a.contains('i')
                    && !a.contains('e')
                    && !a.contains('f')
            });
        let mut scripts: Vec<Field> = o
            .all(Some('e'), &["expression"])
            .into_iter()
            .cloned()
            .collect();
        let mut files = o.operands.clone();
        if scripts.is_empty() && o.value(Some('f'), &["file"]).is_none() && !files.is_empty() {
            scripts.push(files.remove(0));
        }
        // Scripts from files (`-f FILE`, `-f -`): read, or only known at run time.
        for f in o.all(Some('f'), &["file"]) {
            match f
                .known()
                .filter(|p| *p != "-" && !p.starts_with("/dev/"))
                .and_then(|p| self.read_file(p, scope))
            {
                Some(text) => scripts.push(Field::Known(text)),
                None => self.write_anything("sed -f with a script only known at run time"),
            }
        }
        if scripts
            .iter()
            .any(|s| matches!(s, Field::Partial { prefix, suffix } if prefix.is_empty() && suffix.is_empty()))
        {
            self.write_anything("sed with a script only known at run time");
        }
        for s in scripts.iter().filter_map(Field::known) {
            let effects = code::sed_effects(s);
            for target in effects.writes {
                self.write(&Field::Known(target), scope, false, "sed `w` command");
            }
            for run in effects.runs {
                match run {
                    Some(command) => {
                        self.run_text(
                            &Field::Known(command),
                            scope,
                            &HashMap::new(),
                            &[],
                            "sed `e` command",
                        )?;
                    }
                    None => self
                        .write_anything("sed `e` (it runs text only known when the command runs)"),
                }
            }
        }
        if in_place {
            for f in &files {
                self.write(f, scope, false, "sed -i");
            }
        }
        Ok(Out::Unknown)
    }

    pub(super) fn perl(
        &mut self,
        args: &[Field],
        scope: &mut Scope,
        stdin: Out,
    ) -> Result<Out, ShellError> {
        let mut in_place = false;
        let mut codes = Vec::new();
        let mut i = 0;
        while i < args.len() {
            let Field::Known(a) = &args[i] else { break };
            if a == "--" {
                i += 1;
                break;
            }
            if !a.starts_with('-') || a == "-" {
                break;
            }
            let chars: Vec<char> = a[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                match chars[j] {
                    'e' | 'E' => {
                        let rest: String = chars[j + 1..].iter().collect();
                        if rest.is_empty() {
                            i += 1;
                            codes.extend(args.get(i).cloned());
                        } else {
                            codes.push(Field::Known(rest));
                        }
                        j = chars.len();
                    }
                    'i' => {
                        in_place = true;
                        j = chars.len();
                    }
                    // `-l` and `-0` take optional digits and the cluster goes on (`-lpi`).
                    'l' | '0' => {
                        j += 1;
                        while j < chars.len() && chars[j].is_ascii_digit() {
                            j += 1;
                        }
                    }
                    'I' | 'M' | 'm' | 'F' | 'C' | 'd' | 'D' | 'x' => {
                        if chars.len() == j + 1 && matches!(chars[j], 'I' | 'M' | 'm') {
                            i += 1;
                        }
                        j = chars.len();
                    }
                    _ => j += 1,
                }
            }
            i += 1;
        }
        self.loads_written_code("perl");
        let mut rest = &args[i.min(args.len())..];
        if codes.is_empty() {
            match rest.first() {
                Some(script) if script.known() != Some("-") => {
                    rest = &rest[1..];
                    self.script_file(script, rest, Lang::Perl, scope, "perl")?;
                }
                _ => {
                    if let Out::Text(t) = &stdin {
                        codes.push(Field::Known(t.clone()));
                    }
                }
            }
        }
        for c in &codes {
            let scan = self.code(c, Lang::Perl, scope, "perl")?;
            if !in_place {
                self.code_args(&scan, rest, scope, "perl -e");
            }
        }
        if in_place {
            for f in rest {
                self.write(f, scope, false, "perl -i");
            }
        }
        Ok(Out::Unknown)
    }

    pub(super) fn ruby(
        &mut self,
        args: &[Field],
        scope: &mut Scope,
        stdin: Out,
    ) -> Result<Out, ShellError> {
        let o = Opts::parse(args, "erIECxKF", &[]);
        let in_place = o.flags.iter().any(|f| f == "-i")
            || args
                .iter()
                .filter_map(Field::known)
                .any(|a| a.starts_with("-i"));
        let codes: Vec<Field> = o.all(Some('e'), &[]).into_iter().cloned().collect();
        let mut files = o.operands.clone();
        self.loads_written_code("ruby");
        if codes.is_empty() {
            if files.first().is_some_and(|f| f.known() != Some("-")) {
                let script = files.remove(0);
                self.script_file(&script, &files, Lang::Ruby, scope, "ruby")?;
            } else if let Out::Text(t) = &stdin {
                self.code(&Field::Known(t.clone()), Lang::Ruby, scope, "ruby")?;
            }
        }
        for c in &codes {
            let scan = self.code(c, Lang::Ruby, scope, "ruby -e")?;
            if !in_place {
                self.code_args(&scan, &files, scope, "ruby -e");
            }
        }
        if in_place {
            for f in &files {
                self.write(f, scope, false, "ruby -i");
            }
        }
        Ok(Out::Unknown)
    }

    pub(super) fn python(
        &mut self,
        args: &[Field],
        scope: &mut Scope,
        stdin: Out,
    ) -> Result<Out, ShellError> {
        self.loads_written_code("python");
        let mut i = 0;
        while i < args.len() {
            let Field::Known(a) = &args[i] else { break };
            if a == "-" || !a.starts_with('-') {
                break;
            }
            // Flags bundle (`-Ic`, `-uc`, `-OOm`): the first letter that takes a value
            // takes the rest of the word, or the next one.
            let taking = if a.starts_with("--") {
                None
            } else {
                a[1..].find(['c', 'm', 'W', 'X']).map(|k| k + 1)
            };
            let (letter, rest) = match taking {
                Some(k) => (a[k..].chars().next(), &a[k + 1..]),
                None => (None, ""),
            };
            if letter == Some('m') {
                // `python -m MODULE ARGS` runs the module as its own program: the model
                // of a program of that name, or none (`zipfile`, `timeit`, `venv`).
                let (module, argv_at) = if rest.is_empty() {
                    (args.get(i + 1).cloned(), i + 2)
                } else {
                    (Some(Field::Known(rest.to_owned())), i + 1)
                };
                let Some(module) = module else {
                    return Ok(Out::Unknown);
                };
                let mut argv = vec![module];
                argv.extend(args.get(argv_at..).unwrap_or(&[]).iter().cloned());
                return self.dispatch(&argv, scope, &HashMap::new(), stdin);
            }
            if letter == Some('c') {
                let (code, argv_at) = if rest.is_empty() {
                    (args.get(i + 1).cloned(), i + 2)
                } else {
                    (Some(Field::Known(rest.to_owned())), i + 1)
                };
                if let Some(c) = code {
                    let scan = self.code(&c, Lang::Python, scope, "python -c")?;
                    self.code_args(
                        &scan,
                        args.get(argv_at..).unwrap_or(&[]),
                        scope,
                        "python -c",
                    );
                }
                return Ok(Out::Unknown);
            }
            if matches!(letter, Some('W' | 'X')) && rest.is_empty()
                || a == "--check-hash-based-pycs"
            {
                i += 1;
            }
            i += 1;
        }
        let script = args.get(i);
        if let Some(s) = script.filter(|s| s.known() != Some("-")) {
            let rest = args.get(i + 1..).unwrap_or(&[]);
            self.script_file(s, rest, Lang::Python, scope, "python")?;
        } else {
            match stdin {
                Out::Text(t) => {
                    let scan = self.code(
                        &Field::Known(t),
                        Lang::Python,
                        scope,
                        "python reading stdin",
                    )?;
                    self.code_args(&scan, args.get(i + 1..).unwrap_or(&[]), scope, "python -");
                }
                Out::Unknown | Out::Items(_) => {
                    self.write_anything("python runs a script from input only known at run time")
                }
                Out::Nothing => {}
            }
        }
        Ok(Out::Unknown)
    }

    pub(super) fn node(
        &mut self,
        name: &str,
        args: &[Field],
        scope: &mut Scope,
        stdin: Out,
    ) -> Result<Out, ShellError> {
        let args = if name == "deno" && args.first().and_then(Field::known) == Some("eval") {
            &args[1..]
        } else {
            args
        };
        if name == "deno"
            && args
                .first()
                .and_then(Field::known)
                .is_some_and(|a| !a.starts_with('-'))
        {
            if let Some(code) = args.first().filter(|_| name == "deno") {
                self.code(code, Lang::Node, scope, "deno eval")?;
            }
            return Ok(Out::Unknown);
        }
        // Options that write files or folders of node's own.
        const WRITES: [&str; 9] = [
            "redirect-warnings",
            "cpu-prof-dir",
            "heap-prof-dir",
            "diagnostic-dir",
            "report-dir",
            "report-directory",
            "report-filename",
            "trace-event-file-pattern",
            "cpu-prof-name",
        ];
        for (i, a) in args.iter().enumerate() {
            let Some(w) = a.known().and_then(|w| w.strip_prefix("--")) else {
                continue;
            };
            let (opt, value) = match w.split_once('=') {
                Some((o, v)) => (o, Some(Field::Known(v.to_owned()))),
                None => (w, args.get(i + 1).cloned()),
            };
            if WRITES.contains(&opt)
                && let Some(v) = value
            {
                self.write(&v, scope, true, &format!("{name} --{opt}"));
            }
        }
        // `-pe CODE`, `-ep CODE`: print and evaluate, the code next.
        let args: Vec<Field> = args
            .iter()
            .map(|a| match a.known() {
                Some("-pe" | "-ep") => Field::Known("-e".into()),
                _ => a.clone(),
            })
            .collect();
        let args = &args[..];
        let o = Opts::parse(
            args,
            "eprC",
            &[
                "eval",
                "print",
                "require",
                "import",
                "input-type",
                "loader",
                "conditions",
            ],
        );
        let codes: Vec<Field> = o
            .all(Some('e'), &["eval"])
            .into_iter()
            .chain(o.all(Some('p'), &["print"]))
            .cloned()
            .collect();
        for c in &codes {
            let scan = self.code(c, Lang::Node, scope, &format!("{name} -e"))?;
            self.code_args(&scan, &o.operands, scope, &format!("{name} -e"));
        }
        self.loads_written_code(name);
        if codes.is_empty()
            && let Some(script) = o.operands.first().filter(|f| f.known() != Some("-"))
        {
            self.script_file(script, &o.operands[1..], Lang::Node, scope, name)?;
        } else if codes.is_empty() {
            match stdin {
                Out::Text(t) => {
                    self.code(&Field::Known(t), Lang::Node, scope, "node reading stdin")?;
                }
                Out::Unknown | Out::Items(_) => {
                    self.write_anything("node runs a script from input only known at run time")
                }
                Out::Nothing => {}
            }
        }
        Ok(Out::Unknown)
    }

    /// A text editor. It writes the files it opens unless opened read-only (`vim -R`,
    /// `view`, `nano -v`); vi-like editors and emacs run commands given as options
    /// (`-c`, `+cmd`, `--cmd`, `-S`, `--eval`, …), which may do anything; ed and ex
    /// scripts on stdin write the files their `w` commands name and run `!` commands.
    pub(super) fn editor(&mut self, name: &str, args: &[Field], scope: &Scope, stdin: &Out) {
        let vi_like = matches!(
            name,
            "vi" | "vim" | "nvim" | "view" | "rview" | "vimdiff" | "ex"
        );
        // Options that change nothing but how files are shown.
        const VI_PLAIN: &[&str] = &[
            "-R",
            "-M",
            "-m",
            "-n",
            "-N",
            "-b",
            "-d",
            "-o",
            "-O",
            "-p",
            "-Z",
            "-X",
            "-e",
            "-E",
            "-es",
            "-Es",
            "--noplugin",
            "--clean",
            "-h",
            "--help",
            "--version",
            "--",
        ];
        const EMACS_PLAIN: &[&str] = &["-nw", "-Q", "-q", "--no-init-file", "--version"];
        let words: Vec<Option<&str>> = args.iter().map(Field::known).collect();
        let options: Vec<Option<&str>> = words
            .iter()
            .copied()
            .filter(|w| w.is_none_or(|w| w.starts_with('-') || w.starts_with('+')))
            .collect();
        let runs = options.iter().any(|o| match o {
            None => true,
            Some(o) if vi_like => {
                o.starts_with('+')
                    || !VI_PLAIN.contains(o)
                        && !o.starts_with("-o")
                        && !o.starts_with("-O")
                        && !o.starts_with("-p")
            }
            Some(o) if name == "emacs" => !EMACS_PLAIN.contains(o),
            Some(_) => false,
        });
        if runs {
            self.write_anything(&format!("{name} with options that run commands or scripts"));
            return;
        }
        let ex_mode = matches!(name, "ed" | "red" | "ex")
            || vi_like
                && options
                    .iter()
                    .flatten()
                    .any(|o| matches!(*o, "-e" | "-E" | "-es" | "-Es"));
        if ex_mode {
            match stdin {
                Out::Nothing => {}
                Out::Text(script) => {
                    if script.contains('!') {
                        self.write_anything(&format!("{name} script running a command"));
                        return;
                    }
                    for line in script.lines() {
                        let cmd = line.trim_start().trim_start_matches(|c: char| {
                            c.is_ascii_digit() || ",.$;%'".contains(c)
                        });
                        if let Some(rest) = cmd
                            .strip_prefix("wq")
                            .or_else(|| cmd.strip_prefix('w'))
                            .or_else(|| cmd.strip_prefix('W'))
                            .filter(|r| r.starts_with(' '))
                        {
                            let file = rest.trim();
                            if !file.is_empty() {
                                self.write(&Field::Known(file.to_owned()), scope, false, name);
                            }
                        }
                    }
                }
                Out::Items(_) | Out::Unknown => {
                    self.write_anything(&format!("{name} reads a script only known at run time"));
                    return;
                }
            }
        }
        let read_only = matches!(name, "view" | "rview")
            || vi_like && options.iter().flatten().any(|o| matches!(*o, "-R" | "-M"))
            || matches!(name, "nano" | "rnano")
                && options
                    .iter()
                    .flatten()
                    .any(|o| matches!(*o, "-v" | "--view"));
        if read_only && !ex_mode {
            return;
        }
        for w in words
            .iter()
            .zip(args)
            .filter(|(w, _)| w.is_none_or(|w| !w.starts_with('-') && !w.starts_with('+')))
        {
            self.write(w.1, scope, false, name);
        }
    }

    pub(super) fn awk(&mut self, args: &[Field], scope: &mut Scope) -> Result<Out, ShellError> {
        let o = Opts::parse(
            args,
            "fvFiEl",
            &[
                "file",
                "assign",
                "field-separator",
                "include",
                "exec",
                "load",
            ],
        );
        let in_place = o
            .all(Some('i'), &["include"])
            .iter()
            .any(|f| f.known() == Some("inplace"));
        let mut files = o.operands.clone();
        let assigned: Vec<(String, String)> = o
            .all(Some('v'), &["assign"])
            .into_iter()
            .filter_map(Field::known)
            .filter_map(|a| a.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
            .collect();
        // Extensions run code of their own (`-l`, `--load`, `-i` other than inplace).
        if o.has(Some('l'), &["load"])
            || o.all(Some('i'), &["include"])
                .iter()
                .any(|f| f.known() != Some("inplace"))
        {
            self.write_anything("awk loading an extension or source file");
        }
        let program = match o.value(Some('f'), &["file"]) {
            Some(f) => match f.known().and_then(|p| self.read_file(p, scope)) {
                Some(text) => Some(Field::Known(text)),
                None => {
                    // A program file that does not exist (and is not made by this
                    // command) runs nothing.
                    let absent = f
                        .known()
                        .and_then(|p| self.resolve_path(p, scope))
                        .is_some_and(|p| {
                            let p = paths::normalize(&p);
                            !p.exists() && !self.written.contains(&p)
                        });
                    if !absent {
                        self.write_anything(
                            "awk -f with a program that cannot be read before it runs",
                        );
                    }
                    None
                }
            },
            None if !files.is_empty() => Some(files.remove(0)),
            None => None,
        };
        if let Some(program) = program {
            if let Some(text) = program.known() {
                let dynamic = code::awk_dynamic(text);
                for command in &dynamic.system {
                    let mut sub = scope.clone();
                    self.script(command, &mut sub, Out::Nothing)?;
                }
                if dynamic.runs_unknown {
                    self.write_anything(
                        "awk running a command or extension only known at run time",
                    );
                }
                for prefix in dynamic.prefixes {
                    let target = Field::Partial {
                        prefix,
                        suffix: String::new(),
                    };
                    self.write(&target, scope, false, "awk (output file)");
                }
                if dynamic.writes_unknown {
                    self.write_anything("awk printing into a file only known at run time");
                }
            }
            let scan = self.code(&program, Lang::Awk, scope, "awk")?;
            // `print > f` with `-v f=path` writes that path; an output variable that
            // cannot be resolved makes every path-like value a possible target.
            for var in &scan.redirect_vars {
                match assigned.iter().find(|(k, _)| k == var) {
                    Some((_, v)) => {
                        self.write(&Field::Known(v.clone()), scope, false, "awk (output file)")
                    }
                    None => {
                        for (_, v) in &assigned {
                            self.write(&Field::Known(v.clone()), scope, false, "awk (output file)");
                        }
                        for p in &scan.paths {
                            self.write(&Field::Known(p.clone()), scope, false, "awk (output file)");
                        }
                        // `print > FILENAME`: the input files themselves.
                        for f in &files {
                            self.write(f, scope, false, "awk (output file)");
                        }
                    }
                }
            }
        }
        if in_place {
            for f in &files {
                self.write(f, scope, false, "awk -i inplace");
            }
        }
        Ok(Out::Unknown)
    }

    /// Interpreter code: every string literal that could name a path counts as written
    /// when the code also calls something that writes, deletes, renames or runs commands.
    /// An interpreter run after this command wrote code it may load by itself
    /// (`printf … > evil.py; python3 -c 'import evil'`): what it runs is unknown.
    fn loads_written_code(&mut self, how: &str) {
        if self.written.holds_code() {
            self.write_anything(&format!(
                "{how} (it may load code this command writes before running it)"
            ));
        }
    }

    /// `python FILE ARGS` and its kind: the script's code is scanned as `-c`'s would be;
    /// a script this command wrote earlier, or one named only at run time, is unknown.
    fn script_file(
        &mut self,
        script: &Field,
        rest: &[Field],
        lang: Lang,
        scope: &mut Scope,
        how: &str,
    ) -> Result<(), ShellError> {
        let Some(path) = script.known() else {
            self.write_anything(&format!("{how} runs a script only known at run time"));
            return Ok(());
        };
        if self.written_earlier(path, scope) {
            self.write_anything(&format!(
                "{how} runs {path}, which this command writes before running it"
            ));
            return Ok(());
        }
        if let Some(text) = self.read_file(path, scope) {
            let how = format!("{how} {path}");
            let scan = self.code(&Field::Known(text), lang, scope, &how)?;
            self.code_args(&scan, rest, scope, &how);
        }
        Ok(())
    }

    pub(super) fn code(
        &mut self,
        code: &Field,
        lang: Lang,
        scope: &mut Scope,
        how: &str,
    ) -> Result<code::Scan, ShellError> {
        let Field::Known(text) = code else {
            self.write_anything(&format!("{how} runs code only known at run time"));
            return Ok(code::Scan::default());
        };
        let scan = code::scan(text, lang);
        for path in &scan.redirected {
            self.write(&Field::Known(path.clone()), scope, false, how);
        }
        if scan.writes {
            for path in &scan.paths {
                self.write(&Field::Known(path.clone()), scope, scan.recursive, how);
            }
        }
        // Commands the code hands to a shell (`system("…")`, awk's `print | "…"`) are
        // analysed as shell. One that does not parse is left to the literal scan above.
        for command in &scan.commands {
            let mut sub = scope.clone();
            match self.script(command, &mut sub, Out::Nothing) {
                Ok(_) | Err(ShellError::Parse(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(scan)
    }

    /// Arguments after interpreter code (`python -c CODE ARGS`, `node -e CODE ARGS`) are
    /// its `sys.argv`/`process.argv`/`@ARGV`: when the code writes, so may they.
    pub(super) fn code_args(
        &mut self,
        scan: &code::Scan,
        args: &[Field],
        scope: &Scope,
        how: &str,
    ) {
        if scan.writes {
            for a in args
                .iter()
                .filter(|a| a.known().is_none_or(|s| !s.starts_with('-')))
            {
                self.write(
                    a,
                    scope,
                    scan.recursive,
                    &format!("{how} (an argument the code writes)"),
                );
            }
        }
    }
}
