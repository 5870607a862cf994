//! Compilers, converters, formatters and build tools: programs trusted to build (the
//! README's residuals) whose outputs are named by options (`-o`, `--write`, `-i`) or are
//! their operands rewritten in place, and the settings that would make a build tool run
//! a command of the caller's (`cargo --config`, `make --eval`, `SHELL=`).

use super::super::ShellError;
use super::super::args::{Opts, is_long};
use super::super::expand::Field;
use std::collections::HashMap;

use super::super::walk::{Out, Scope, Walker};
use super::{Call, Model};

pub(super) const MODELS: &[Model] = &[
    // Compilers and converters: `-o FILE` and the like.
    Model {
        names: &[
            "gcc", "g++", "cc", "c++", "clang", "clang++", "rustc", "ld", "as", "nasm", "iconv",
            "tcc", "javac", "go", "tsc", "esbuild", "pandoc", "openssl", "gpg", "protoc", "zig",
            "swiftc", "kotlinc", "dot", "convert", "magick", "ffmpeg",
        ],
        run: |w, c| {
            w.note_built(&c);
            w.outputs(c.name, c.args, c.scope)
        },
    },
    // Formatters and fixers: their operands rewritten in place when asked to write.
    Model {
        names: &[
            "prettier",
            "black",
            "isort",
            "autopep8",
            "yapf",
            "rustfmt",
            "gofmt",
            "goimports",
            "clang-format",
            "shfmt",
            "eslint",
            "stylua",
            "ruff",
            "biome",
            "dprint",
            "standard",
            "terraform",
            "autoflake",
            "pyupgrade",
            "yq",
            "sd",
            "jq",
        ],
        run: |w, c| w.formatter(c.name, c.args, c.scope),
    },
    Model {
        names: &["cargo"],
        run: |w, c| Ok(w.cargo(c)),
    },
    Model {
        names: &["groff", "nroff", "troff", "gtroff"],
        run: |w, c| w.roff(c),
    },
    // python-dotenv's `dotenv [-f FILE] set|unset KEY`: rewrites the file (`.env`).
    Model {
        names: &["dotenv"],
        run: |w, c| {
            let o = Opts::parse(c.args, "f", &["file"]);
            let changes = o
                .operands
                .first()
                .is_none_or(|s| s.known().is_none_or(|s| s == "set" || s == "unset"));
            if changes {
                let file = o
                    .value(Some('f'), &["file"])
                    .cloned()
                    .unwrap_or(Field::Known(".env".into()));
                w.write(&file, c.scope, false, "dotenv set");
            }
            // `dotenv run CMD`: the command runs with the file's variables.
            if o.operands.first().and_then(Field::known) == Some("run") {
                return w.dispatch(&o.operands[1..], c.scope, c.env, c.stdin);
            }
            Ok(Out::Unknown)
        },
    },
    Model {
        names: &["make", "gmake"],
        run: |w, c| w.make(c),
    },
];

/// Keys of a cargo `--config KEY=VALUE` that name a program cargo runs.
const CARGO_PROGRAM_KEYS: [&str; 9] = [
    "runner",
    "wrapper",
    "linker",
    "alias",
    "rustc",
    "rustdoc",
    "cargo-new",
    "credential",
    "env",
];

/// Extensions of source files a compiler builds a program from.
const SOURCES: [&str; 15] = [
    "c", "cc", "cpp", "cxx", "c++", "m", "s", "S", "rs", "go", "zig", "swift", "java", "kt", "d",
];

impl Walker<'_> {
    /// Remembers the program a compiler writes (`-o FILE`) and its sources' text.
    fn note_built(&mut self, c: &Call<'_>) {
        let mut out = None;
        let mut sources: Option<Vec<String>> = Some(Vec::new());
        let mut next_is_output = false;
        for a in c.args {
            let Some(w) = a.known() else {
                sources = None;
                continue;
            };
            if next_is_output {
                out = Some(w);
                next_is_output = false;
                continue;
            }
            next_is_output = w == "-o";
            if let Some(o) = w.strip_prefix("-o").filter(|o| !o.is_empty()) {
                out = Some(o);
            }
            let text = if w == "-" {
                match &c.stdin {
                    Out::Text(t) => Some(t.clone()),
                    _ => None,
                }
            } else if std::path::Path::new(w)
                .extension()
                .is_some_and(|e| SOURCES.iter().any(|s| e == *s))
            {
                self.read_file(w, c.scope)
            } else {
                continue;
            };
            match (text, sources.as_mut()) {
                (Some(t), Some(all)) => all.push(t),
                _ => sources = None,
            }
        }
        if let Some(p) = out.and_then(|o| self.resolve_path(o, c.scope)) {
            self.built
                .push((crate::policy::paths::normalize(&p), sources));
        }
    }

    /// cargo is trusted to build, but its `--config` can name programs it runs (a
    /// target's runner, a rustc wrapper, a linker, an alias) or a file of such settings.
    fn cargo(&mut self, c: Call<'_>) -> Out {
        let args = c.args;
        let runs_ours = args.iter().enumerate().any(|(i, a)| match a.known() {
            Some(w) if is_long(w, "config") => {
                let value = w
                    .split_once('=')
                    .map(|(_, v)| Field::Known(v.to_owned()))
                    .or_else(|| args.get(i + 1).cloned());
                value
                    .and_then(|v| v.known().map(str::to_owned))
                    .is_none_or(|v| match v.split_once('=') {
                        Some((k, _)) => {
                            let k = k.to_ascii_lowercase();
                            CARGO_PROGRAM_KEYS.iter().any(|r| k.contains(r))
                        }
                        None => true,
                    })
            }
            _ => false,
        });
        if runs_ours {
            self.write_anything("cargo --config naming a program it runs, or a file of settings");
        }
        self.trusted_reach(c.name, args, c.scope);
        Out::Unknown
    }

    /// The roff formatters read documents, which in unsafe mode (`-U`) run commands
    /// (`.sy`, `.pi`, `.pso`) and write files (`.open`, `.opena`).
    fn roff(&mut self, c: Call<'_>) -> Result<Out, ShellError> {
        let o = Opts::parse(c.args, "mTPIdfFnorwWMKL", &[]);
        if !o.has(Some('U'), &[]) {
            return Ok(Out::Unknown);
        }
        let mut texts: Vec<Option<String>> = Vec::new();
        let files: Vec<&Field> = o
            .operands
            .iter()
            .filter(|f| f.known() != Some("-"))
            .collect();
        if files.len() < o.operands.len() || files.is_empty() {
            texts.push(match &c.stdin {
                Out::Text(t) => Some(t.clone()),
                Out::Nothing => Some(String::new()),
                _ => None,
            });
        }
        for f in files {
            texts.push(f.known().and_then(|p| self.read_file(p, c.scope)));
        }
        for text in texts {
            let Some(text) = text else {
                self.write_anything(&format!(
                    "{} -U with a document only known at run time",
                    c.name
                ));
                continue;
            };
            for line in text.lines() {
                let line = line.trim_start_matches(['.', '\'']).trim_start();
                let (request, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
                match request {
                    "sy" | "pi" | "pso" => {
                        self.run_text(
                            &Field::Known(rest.to_owned()),
                            c.scope,
                            &HashMap::new(),
                            &[],
                            &format!("{} -U .{request}", c.name),
                        )?;
                    }
                    "open" | "opena" => {
                        let file = rest.split_whitespace().nth(1).unwrap_or_default();
                        let how = format!("{} -U .{request}", c.name);
                        self.write(&Field::Known(file.to_owned()), c.scope, false, &how);
                    }
                    _ => {}
                }
            }
        }
        Ok(Out::Unknown)
    }

    /// make is trusted to build, but not with recipes or a shell of the caller's:
    /// `--eval`, a makefile on stdin or written by this command, `SHELL=`.
    fn make(&mut self, c: Call<'_>) -> Result<Out, ShellError> {
        let args = c.args;
        let words: Vec<Option<&str>> = args.iter().map(Field::known).collect();
        let shell = c.env.contains_key("SHELL")
            || words
                .iter()
                .flatten()
                .any(|w| w.starts_with("SHELL=") || w.starts_with(".SHELLFLAGS="));
        if shell {
            self.write_anything("make with a shell of the caller's (SHELL=)");
        }
        // Makefiles of the caller's: `--eval`/`-E` text, `-f -`, a makefile this command
        // wrote (named, or the default one where make runs). Their recipes are walked as
        // the shell commands they are; one whose text is unknown may run anything.
        let mut texts: Vec<Option<String>> = Vec::new();
        let stdin_text = match &c.stdin {
            Out::Text(t) => Some(t.clone()),
            _ => None,
        };
        let mut i = 0;
        while i < words.len() {
            match words[i] {
                Some(w) if w.starts_with("--eval=") => texts.push(Some(w[7..].to_owned())),
                Some("--eval" | "-E") => {
                    texts.push(words.get(i + 1).copied().flatten().map(str::to_owned));
                    i += 1;
                }
                Some(w) if w.starts_with("-E") && w.len() > 2 => {
                    texts.push(Some(w[2..].to_owned()))
                }
                Some("-f" | "--file" | "--makefile") => {
                    match words.get(i + 1).copied().flatten() {
                        Some("-" | "/dev/stdin") => texts.push(stdin_text.clone()),
                        Some(f) if f.starts_with("/dev/") || self.written_earlier(f, c.scope) => {
                            texts.push(self.read_file(f, c.scope));
                        }
                        Some(_) => {}
                        None => texts.push(None),
                    }
                    i += 1;
                }
                _ => {}
            }
            i += 1;
        }
        let dir = words
            .windows(2)
            .find(|p| matches!(p[0], Some("-C" | "--directory")))
            .and_then(|p| p[1])
            .unwrap_or(".");
        // (By name: a folder written as a whole, by an earlier build say, is not taken to
        // have a new makefile.)
        for m in ["GNUmakefile", "makefile", "Makefile"] {
            let f = format!("{dir}/{m}");
            if self.written_by_name(&f, c.scope) {
                texts.push(self.read_file(&f, c.scope));
            }
        }
        // `-n` prints recipes without running them (a `+` line, or `$(MAKE)`, still runs).
        let dry = words
            .iter()
            .flatten()
            .any(|w| matches!(*w, "-n" | "--dry-run" | "--just-print" | "--recon"))
            && texts.iter().all(|t| {
                t.as_ref()
                    .is_some_and(|t| !t.contains('+') && !t.contains("MAKE"))
            });
        for text in texts {
            let Some(text) = text else {
                self.write_anything("make with a makefile only known at run time");
                continue;
            };
            // A dry run still reads the makefile, running its functions.
            let commands = if dry {
                make_functions(&text)
            } else {
                make_recipes(&text)
            };
            for command in commands {
                let scope = c.scope.clone();
                self.run_text(
                    &Field::Known(command),
                    &scope,
                    &HashMap::new(),
                    &[],
                    "make recipe",
                )?;
            }
        }
        self.trusted_reach(c.name, args, c.scope);
        Ok(Out::Unknown)
    }

    /// One rustc `-C KEY=VALUE`: `incremental=DIR` writes a cache there;
    /// `linker=PROGRAM` and link arguments run a program of the caller's with options
    /// that may name outputs.
    fn rustc_codegen(&mut self, option: &Field, targets: &mut Vec<(Field, bool)>) {
        let Some(o) = option.known() else {
            self.write_anything("rustc -C with an option only known at run time");
            return;
        };
        match o.split_once('=') {
            Some(("incremental" | "profile-generate", dir)) => {
                targets.push((Field::Known(dir.to_owned()), true));
            }
            Some(("linker" | "link-arg" | "link-args" | "linker-flavor" | "llvm-args", _)) => {
                self.write_anything(&format!("rustc -C {o} (a program or its options)"));
            }
            _ => {}
        }
    }

    pub(super) fn outputs(
        &mut self,
        name: &str,
        args: &[Field],
        scope: &mut Scope,
    ) -> Result<Out, ShellError> {
        let known: Vec<&str> = args.iter().filter_map(Field::known).collect();
        let mut targets: Vec<(Field, bool)> = Vec::new();
        for (i, a) in args.iter().enumerate() {
            let Some(s) = a.known() else { continue };
            let next = || args.get(i + 1).cloned();
            match s {
                "-o" | "--output" | "-out" | "--out-file" | "--outfile" | "--out"
                | "--output-file" => targets.extend(next().map(|f| (f, false))),
                // Compilers' dependency file, prototypes file, and a linker option's
                // value (`-Xlinker -Map -Xlinker FILE`: the file comes last).
                "-MF" | "-aux-info" => targets.extend(next().map(|f| (f, false))),
                "-Xlinker" if i >= 2 && known.get(i - 2) == Some(&"-Xlinker") => {
                    targets.extend(next().map(|f| (f, false)));
                }
                "-d" if name == "javac" => targets.extend(next().map(|f| (f, true))),
                // gpg keeps its keyrings and trust database in its home folder.
                "--homedir" if name == "gpg" => targets.extend(next().map(|f| (f, true))),
                s if name == "gpg" && s.starts_with("--homedir=") => {
                    targets.push((Field::Known(s["--homedir=".len()..].to_owned()), true));
                }
                // rustc's codegen options: a cache folder, a linker it runs.
                "-C" if name == "rustc" => {
                    if let Some(v) = args.get(i + 1) {
                        self.rustc_codegen(v, &mut targets);
                    }
                }
                s if name == "rustc" && s.starts_with("-C") && s.len() > 2 => {
                    self.rustc_codegen(&Field::Known(s[2..].to_owned()), &mut targets);
                }
                "--out-dir" | "--outDir" | "--outdir" | "--java_out" | "--python_out"
                | "--cpp_out" => targets.extend(next().map(|f| (f, true))),
                _ => {
                    for p in [
                        "--output=",
                        "--out-dir=",
                        "--outDir=",
                        "--outdir=",
                        "--outfile=",
                        "--out=",
                        "--java_out=",
                        "--python_out=",
                    ] {
                        if let Some(v) = s.strip_prefix(p) {
                            targets.push((
                                Field::Known(v.to_owned()),
                                p.contains("dir") || p.contains("_out"),
                            ));
                        }
                    }
                    // Linker options passed through (`-Wl,-o,FILE`, `-Wl,-Map,FILE`),
                    // and `-fdump-…=FILE`, rustc's `--emit=KIND=FILE`.
                    if let Some(list) = s.strip_prefix("-Wl,") {
                        let parts: Vec<&str> = list.split(',').collect();
                        for (j, p) in parts.iter().enumerate() {
                            if matches!(*p, "-o" | "-Map" | "--Map" | "--output")
                                && let Some(v) = parts.get(j + 1)
                            {
                                targets.push((Field::Known((*v).to_owned()), false));
                            }
                        }
                    }
                    if (s.starts_with("-fdump-")
                        || s.starts_with("--emit=")
                        || s.starts_with("-fprofile-generate=")
                        || s.starts_with("-fstack-usage="))
                        && let Some((_, v)) = s.rsplit_once('=')
                        && v.contains(['/', '.'])
                    {
                        targets.push((Field::Known(v.to_owned()), false));
                    }
                    // `-MFfile`, `-Wl,-Map=file`, `-Wl,-Map,file`.
                    if let Some(v) = s
                        .strip_prefix("-MF")
                        .or_else(|| s.strip_prefix("-Wl,-Map="))
                        .or_else(|| s.strip_prefix("-Wl,-Map,"))
                        .or_else(|| s.strip_prefix("-Wl,--Map="))
                        .filter(|v| !v.is_empty())
                    {
                        targets.push((Field::Known(v.to_owned()), false));
                    }
                    if let Some(v) = s.strip_prefix("-o").filter(|v| {
                        !v.is_empty()
                            && ["gcc", "g++", "cc", "c++", "clang", "clang++", "tcc"]
                                .contains(&name)
                    }) {
                        targets.push((Field::Known(v.to_owned()), false));
                    }
                }
            }
        }
        // C compilers, assemblers and linkers: an option outside the ones above may
        // name an output too (`-fopt-info-all=F`, `-Wl,--dependency-file=F`, `-dumpdir
        // D`): every `=` value and linker argument is taken as one; options that run
        // programs of the caller's (`-wrapper`, `-B`, `-specs=`, `-fplugin=`) make it
        // unknown; and they write default outputs (`a.out`, `x.o`, `x.s`, temps) where
        // they run.
        let c_like = [
            "gcc", "g++", "cc", "c++", "clang", "clang++", "tcc", "as", "ld", "nasm",
        ]
        .contains(&name);
        if c_like {
            for (i, s) in known.iter().enumerate() {
                if matches!(*s, "-wrapper" | "-B" | "-fuse-ld" | "--ld-path")
                    || [
                        "-B",
                        "-specs=",
                        "--specs=",
                        "-fplugin",
                        "-fuse-ld=",
                        "--ld-path=",
                    ]
                    .iter()
                    .any(|p| s.starts_with(p))
                {
                    self.write_anything(&format!("{name} {s} (runs programs of the caller's)"));
                }
                if matches!(*s, "-dumpdir" | "-dumpbase" | "-MQ" | "-MD" | "-MMD") {
                    if let Some(v) = known.get(i + 1).filter(|_| s.starts_with("-dump")) {
                        targets.push((Field::Known((*v).to_owned()), true));
                    }
                    continue;
                }
                let pieces: Vec<&str> = match s.strip_prefix("-Wl,") {
                    Some(list) => list.split(',').collect(),
                    None if i > 0 && known[i - 1] == "-Xlinker" => vec![*s],
                    None => vec![*s],
                };
                for piece in pieces {
                    let value = match piece.split_once('=') {
                        Some((k, v)) if k.starts_with('-') => Some(v),
                        _ if s.starts_with("-Wl,") || (i > 0 && known[i - 1] == "-Xlinker") => {
                            Some(piece).filter(|p| !p.starts_with('-'))
                        }
                        _ => None,
                    };
                    if let Some(v) = value.filter(|v| !v.is_empty()) {
                        targets.push((Field::Known(v.to_owned()), false));
                    }
                }
            }
            self.write(
                &Field::Known(super::MADE_HERE.into()),
                scope,
                false,
                &format!("{name} (its default outputs)"),
            );
        }
        if name == "openssl" {
            for (i, s) in known.iter().enumerate() {
                if matches!(
                    *s,
                    "-keyout"
                        | "-writerand"
                        | "-out"
                        | "-signkey"
                        | "-CAserial"
                        | "-sess_out"
                        | "-keylogfile"
                        | "-msgfile"
                        | "-reqout"
                        | "-certsout"
                        | "-outform_file"
                ) && let Some(v) = known.get(i + 1)
                {
                    targets.push((Field::Known((*v).to_owned()), false));
                }
            }
        }
        // Tools whose last operand is the output file.
        if ["convert", "magick", "ffmpeg"].contains(&name)
            && let Some(last) = args.last()
            && known.len() >= 2
        {
            targets.push((last.clone(), false));
        }
        for (f, rec) in targets {
            self.write(&f, scope, rec, &format!("{name} (its output)"));
        }
        Ok(Out::Unknown)
    }

    pub(super) fn formatter(
        &mut self,
        name: &str,
        args: &[Field],
        scope: &mut Scope,
    ) -> Result<Out, ShellError> {
        let known: Vec<&str> = args.iter().filter_map(Field::known).collect();
        let has = |flags: &[&str]| {
            known.iter().any(|a| {
                flags.contains(a)
                    || flags
                        .iter()
                        .any(|f| f.len() > 2 && a.starts_with(&format!("{f}=")))
            })
        };
        let check_only = has(&["--check", "--diff", "-l", "--list-different", "--dry-run"]);
        let writes = match name {
            "prettier" | "biome" | "dprint" => {
                has(&["--write", "-w", "fmt", "format", "--apply", "check"])
                    && (name != "biome" || has(&["--write", "--apply", "format"]))
            }
            "gofmt" | "goimports" | "shfmt" => has(&["-w"]),
            "clang-format" | "autopep8" | "yapf" | "autoflake" => has(&["-i", "--in-place"]),
            "eslint" | "standard" => has(&["--fix"]),
            "ruff" => known.first().is_some_and(|c| *c == "format") || has(&["--fix"]),
            "yq" => has(&["-i", "--inplace"]),
            "sd" => !has(&["-p", "--preview"]),
            "pyupgrade" => true,
            "jq" => false,
            _ => true,
        } && !check_only;
        if !writes {
            return Ok(Out::Unknown);
        }
        let o = Opts::parse(
            args,
            "cCe",
            &[
                "config",
                "ignore-path",
                "plugin",
                "parser",
                "line-length",
                "target-version",
                "exclude",
                "extend-exclude",
                "include",
                "style",
                "assume-filename",
                "output-format",
                "expression",
                "front-matter",
            ],
        );
        let mut operands = o.operands.clone();
        match name {
            "ruff" | "terraform"
                if operands
                    .first()
                    .and_then(Field::known)
                    .is_some_and(|c| ["format", "check", "fmt"].contains(&c)) =>
            {
                operands.remove(0);
            }
            "biome" | "dprint"
                if !operands.is_empty()
                    && operands[0]
                        .known()
                        .is_some_and(|c| ["format", "check", "fmt", "lint"].contains(&c)) =>
            {
                operands.remove(0);
            }
            // sd takes FIND and REPLACE before its files; yq an expression.
            "sd" => {
                operands.drain(..operands.len().min(2));
            }
            "yq" if !operands.is_empty() => {
                operands.remove(0);
            }
            _ => {}
        }
        if operands.is_empty()
            && ["ruff", "terraform", "black", "isort", "biome", "dprint"].contains(&name)
        {
            operands.push(Field::Known(".".into()));
        }
        let how = format!("{name} (rewrites files in place)");
        for f in &operands {
            let rec = self.is_dir_field(f, scope);
            // A folder given to a formatter of one language: it rewrites the files of
            // that language in it, not the rest (`black src/` leaves `src/.env` alone).
            if rec
                && !widened(&known)
                && let Some(files) = formatted_extensions(name)
                    .and_then(|exts| self.files_with_extensions(f, scope, exts))
            {
                for file in files {
                    self.write(&Field::Known(file), scope, false, &how);
                }
                continue;
            }
            let f = super::tool_glob(f);
            self.write(&f, scope, rec, &how);
        }
        Ok(Out::Unknown)
    }

    /// The files with one of `exts` beneath the folder `dir`, as they are now; `None`
    /// when there are too many to list, a symlinked folder is among them (where it
    /// leads, the formatter may follow), or this command wrote there before (a link made
    /// earlier is not on disk yet).
    fn files_with_extensions(
        &self,
        dir: &Field,
        scope: &Scope,
        exts: &[&str],
    ) -> Option<Vec<String>> {
        let root = crate::policy::paths::normalize(&self.resolve_path(dir.known()?, scope)?);
        let written_there = self.written.holds(&root)
            || self.written.covers(&root)
            || self.links.iter().any(|(l, _)| l.starts_with(&root))
            || self.maybe_links.iter().any(|l| l.starts_with(&root));
        if written_there {
            return None;
        }
        // Settings may widen what it takes (`[tool.black] include`, ruff's
        // `extend-include`, isort's `supported_extensions`), in any folder up to `/`.
        for folder in root.ancestors() {
            for settings in FORMATTER_SETTINGS {
                let file = folder.join(settings);
                let file = file.to_string_lossy();
                if self.written_earlier(&file, scope) {
                    return None;
                }
                if let Some(text) = self.read_file(&file, scope)
                    && widened(&[&text.to_ascii_lowercase()])
                {
                    return None;
                }
            }
        }
        let mut found = Vec::new();
        let mut budget = 5_000;
        if !super::files::walk_existing(&root, &root, 64, &mut found, &mut budget, &|_| true) {
            return None;
        }
        let mut files = Vec::new();
        for rel in found {
            let path = root.join(&rel);
            let meta = path.symlink_metadata().ok()?;
            if meta.file_type().is_symlink() && path.is_dir() {
                return None;
            }
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if exts.contains(&ext) {
                files.push(path.to_string_lossy().into_owned());
            }
        }
        Some(files)
    }
}

/// The extensions a formatter of one language rewrites when given a folder; `None` for
/// those whose languages settings may extend (prettier, eslint, biome…) or that pick
/// files by their contents too (shfmt reads shebangs).
fn formatted_extensions(name: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "black" | "ruff" => &["py", "pyi", "ipynb"],
        "isort" | "autopep8" | "yapf" | "autoflake" | "pyupgrade" => &["py", "pyi"],
        "gofmt" | "goimports" => &["go"],
        "terraform" => &["tf", "tfvars", "hcl"],
        _ => return None,
    })
}

/// Settings files of those formatters, which may widen the files they take.
const FORMATTER_SETTINGS: &[&str] = &[
    "pyproject.toml",
    "ruff.toml",
    ".ruff.toml",
    "setup.cfg",
    "tox.ini",
    ".isort.cfg",
    ".style.yapf",
    ".editorconfig",
];

/// Whether these words or settings may widen the files a formatter takes beyond its
/// language's extensions (an include pattern, an extension list, another settings file).
fn widened(texts: &[&str]) -> bool {
    texts.iter().any(|t| {
        [
            "include", "ext", "glob", "config", "settings", "filter", "force",
        ]
        .iter()
        .any(|w| t.contains(w))
    })
}

/// The recipe lines of a makefile's text: lines starting with a tab, and what follows
/// `;` on a rule line; without make's `@`, `-` and `+` prefixes.
fn make_recipes(text: &str) -> Vec<String> {
    let mut out = make_functions(text);
    for line in text.lines() {
        let recipe = if let Some(r) = line.strip_prefix('\t') {
            Some(r)
        } else if let Some((rule, r)) = line.split_once(';') {
            rule.contains(':').then_some(r)
        } else {
            None
        };
        if let Some(r) = recipe {
            let r = r.trim().trim_start_matches(['@', '-', '+']).trim();
            if !r.is_empty() {
                out.push(r.to_owned());
            }
        }
    }
    out
}

/// What a makefile runs or writes while make reads it, as shell commands: `$(shell
/// CMD)` (anywhere, `--eval` text too), `VAR != CMD`, and `$(file >F,…)` as `: >F`.
fn make_functions(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        if let Some((name, cmd)) = line.split_once("!=")
            && !name.contains(['\t', ':'])
        {
            out.push(cmd.trim().to_owned());
        }
    }
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i + 1 < chars.len() {
        let open = chars[i + 1];
        if chars[i] != '$' || !matches!(open, '(' | '{') {
            i += 1;
            continue;
        }
        let close = if open == '(' { ')' } else { '}' };
        // The argument runs to the matching close, nested references included.
        let start = i + 2;
        let (mut depth, mut end) = (1, start);
        while end < chars.len() {
            if chars[end] == open {
                depth += 1;
            } else if chars[end] == close {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            end += 1;
        }
        let inner: String = chars[start..end.min(chars.len())].iter().collect();
        let inner = inner.trim_start();
        if let Some(cmd) = inner.strip_prefix("shell") {
            out.push(cmd.trim().to_owned());
        } else if let Some(rest) = inner.strip_prefix("file") {
            let target = rest
                .trim_start()
                .trim_start_matches('>')
                .trim_start_matches('>');
            let file = target.split(',').next().unwrap_or_default().trim();
            if rest.trim_start().starts_with('>') && !file.is_empty() {
                out.push(format!(": >{file}"));
            }
        }
        // Go inside: a `$(shell …)` may sit in another reference's argument.
        i += 2;
    }
    out
}
