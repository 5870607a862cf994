//! Interpreters, stream editors and text editors: sed, awk, perl, ruby, python, node,
//! ed/ex/vi and the rest. Their code is scanned for writes by `code.rs`; their in-place
//! flags write their file operands; an editor writes what it opens.

use std::collections::HashMap;

use crate::policy::paths;

use super::super::ShellError;
use super::super::args::Opts;
use super::super::code::{self, Lang};
use super::super::expand::{Escapes, Field, backslash_escapes};
use super::super::walk::{Out, Scope, Walker};
use super::{Call, Model};

pub(super) const MODELS: &[Model] = &[
    Model {
        names: &["sed"],
        run: |w, c| w.sed(c.args, c.scope),
    },
    Model {
        names: &["awk", "gawk", "mawk", "nawk", "busybox-awk"],
        run: |w, c| w.awk(c.args, c.scope, &c.stdin),
    },
    Model {
        names: &["perl", "perl5*"],
        run: |w, c| w.fed(&c.stdin.clone(), |w| w.perl(c.args, c.scope, c.stdin)),
    },
    Model {
        names: &["ruby"],
        run: |w, c| w.fed(&c.stdin.clone(), |w| w.ruby(c.args, c.scope, c.stdin)),
    },
    Model {
        names: &["python*", "pypy*"],
        run: |w, c| w.fed(&c.stdin.clone(), |w| w.python(c.args, c.scope, c.stdin)),
    },
    Model {
        names: &["node", "nodejs", "bun", "deno"],
        run: |w, c| {
            w.fed(&c.stdin.clone(), |w| {
                w.node(c.name, c.args, c.scope, c.stdin)
            })
        },
    },
    // IPython runs Python, and `!cmd` lines and `%magics` besides: code that holds
    // either may run anything.
    Model {
        names: &["ipython", "ipython3"],
        run: |w, c| {
            let mut texts: Vec<String> = Vec::new();
            for a in c.args {
                match a.known() {
                    Some(t) if t.starts_with('-') => texts.push(t.to_owned()),
                    Some(t) => texts.push(w.read_file(t, c.scope).unwrap_or_else(|| t.to_owned())),
                    None => texts.push("!".into()),
                }
            }
            match &c.stdin {
                Out::Text(t) => texts.push(t.clone()),
                Out::Nothing => {}
                _ => texts.push("!".into()),
            }
            if texts.iter().any(|t| t.contains(['!', '%'])) {
                w.write_anything("ipython running shell lines or magics");
            }
            w.python(c.args, c.scope, c.stdin)
        },
    },
    // Java's source launcher (`java X.java`, `--source N`) and jshell run Java code,
    // which is not scanned: code that may write counts as writing anywhere. A class or
    // jar it runs is a program without a model.
    Model {
        names: &["java", "jshell"],
        run: |w, c| w.java(c),
    },
    // Interpreters without their own model: the code of `-r`/`-e` is scanned.
    Model {
        names: &["php", "lua", "luajit", "Rscript", "R"],
        run: |w, c| {
            w.loads_written_code(c.name)?;
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
    // `python -m timeit [-s SETUP] STMT…`: the statements are Python code.
    Model {
        names: &["timeit"],
        run: |w, c| {
            let o = Opts::parse(c.args, "nrspu", &["number", "repeat", "setup", "unit"]);
            for code in o.all(Some('s'), &["setup"]).into_iter().chain(&o.operands) {
                w.code(code, Lang::Python, c.scope, "python -m timeit")?;
            }
            Ok(Out::Unknown)
        },
    },
    Model {
        names: &["tclsh", "tclsh8.6", "wish", "expect", "jimsh"],
        run: |w, c| w.tcl(c),
    },
    Model {
        names: &["gdb", "gdb-multiarch"],
        run: |w, c| w.gdb(c),
    },
    Model {
        names: &["sqlite3", "sqlite"],
        run: |w, c| {
            let stdin = c.stdin.clone();
            w.fed(&stdin, |w| w.sqlite(c))
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
            // `-iSUFFIX`, `--in-place=SUFFIX`: each file is first copied to its backup.
            let suffix = args.iter().filter_map(Field::known).find_map(|a| {
                if let Some(s) = a.strip_prefix("--in-place=") {
                    return Some(s);
                }
                let body = a.strip_prefix('-').filter(|b| !b.starts_with('-'))?;
                let at = body.find('i')?;
                body[..at]
                    .chars()
                    .all(|c| "nErsuz".contains(c))
                    .then(|| &body[at + 1..])
            });
            for f in &files {
                self.write(f, scope, false, "sed -i");
                if let Some(s) = suffix {
                    self.in_place_backup(s, f, scope, "sed -i (its backup)");
                }
            }
        }
        Ok(Out::Unknown)
    }

    /// The backup an in-place editor (`sed -iSUF`, `perl -iSUF`) makes of `file`: its
    /// name plus the suffix, or, when the suffix holds `*`, the suffix with each `*`
    /// replaced by the file's name (`-i'bak/*'` puts it in another folder).
    pub(super) fn in_place_backup(&mut self, suffix: &str, file: &Field, scope: &Scope, how: &str) {
        if suffix.is_empty() {
            return;
        }
        let backup = match file.known() {
            Some(f) if suffix.contains('*') => {
                let (dir, base) = match f.rfind('/') {
                    Some(i) => (&f[..=i], &f[i + 1..]),
                    None => ("", f),
                };
                let named = suffix.replace('*', base);
                if named.starts_with('/') {
                    Field::Known(named)
                } else {
                    Field::Known(format!("{dir}{named}"))
                }
            }
            Some(f) => Field::Known(format!("{f}{suffix}")),
            None => Field::unknown(),
        };
        self.write(&backup, scope, false, how);
    }

    pub(super) fn perl(
        &mut self,
        args: &[Field],
        scope: &mut Scope,
        stdin: Out,
    ) -> Result<Out, ShellError> {
        let mut in_place = false;
        let mut backup_suffix = String::new();
        let mut argv_written = false;
        let mut codes = Vec::new();
        let mut module_codes = Vec::new();
        let mut run_dir: Option<String> = None;
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
                        backup_suffix = chars[j + 1..].iter().collect();
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
                        let module: String =
                            if chars.len() == j + 1 && matches!(chars[j], 'I' | 'M' | 'm') {
                                i += 1;
                                args.get(i).and_then(Field::known).unwrap_or("").to_owned()
                            } else {
                                chars[j + 1..].iter().collect()
                            };
                        // `-MFoo;code` is `use Foo;code;`: code.
                        if matches!(chars[j], 'M' | 'm') {
                            module_codes.push(Field::Known(format!("use {module};")));
                        }
                        // `-d:Mod;code` is `use Devel::Mod;code;`.
                        if chars[j] == 'd' && module.starts_with(':') {
                            module_codes
                                .push(Field::Known(format!("use Devel::{};", &module[1..])));
                        }
                        // `-xDIR` runs the program in DIR.
                        if chars[j] == 'x' && !module.is_empty() {
                            run_dir = Some(module.clone());
                        }
                        // ExtUtils::Command's functions (`rm_f`, `cp`, `mv`, `touch`…)
                        // act on @ARGV.
                        if matches!(chars[j], 'M' | 'm') && module.starts_with("ExtUtils::Command")
                        {
                            argv_written = true;
                        }
                        j = chars.len();
                    }
                    _ => j += 1,
                }
            }
            i += 1;
        }
        self.loads_written_code("perl")?;
        let mut rest = &args[i.min(args.len())..];
        let mut at = scope.clone();
        if let Some(d) = &run_dir {
            at.cwd = self.resolve_path(d, scope);
        }
        for c in &module_codes {
            self.code(c, Lang::Perl, &mut at, "perl -M")?;
        }
        if codes.is_empty() {
            match rest.first() {
                Some(script) if script.known() != Some("-") => {
                    rest = &rest[1..];
                    self.script_file(script, rest, Lang::Perl, &mut at, "perl")?;
                }
                _ => match &stdin {
                    Out::Text(t) => codes.push(Field::Known(t.clone())),
                    Out::Nothing => {}
                    _ => self.write_anything(
                        "perl reading its program from input only known at run time",
                    ),
                },
            }
        }
        for c in &codes {
            let scan = self.code(c, Lang::Perl, &mut at, "perl")?;
            if !in_place {
                self.code_args(&scan, rest, scope, "perl -e");
            }
        }
        if in_place || argv_written {
            for f in rest {
                self.write(f, scope, argv_written, "perl -i");
                if in_place {
                    self.in_place_backup(&backup_suffix, f, scope, "perl -i (its backup)");
                }
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
        self.loads_written_code("ruby")?;
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
        self.loads_written_code("python")?;
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
                // The working folder comes first on the module path: a module file there
                // (or one this command wrote) is what runs.
                if let Some(m) = module.known() {
                    let base = m.replace('.', "/");
                    for file in [format!("{base}.py"), format!("{base}/__main__.py")] {
                        let on_disk = self.resolve_path(&file, scope).is_some_and(|p| p.is_file());
                        if on_disk || self.written_earlier(&file, scope) {
                            let rest = args.get(argv_at..).unwrap_or(&[]);
                            self.script_file(
                                &Field::Known(file),
                                rest,
                                Lang::Python,
                                scope,
                                "python -m",
                            )?;
                            return Ok(Out::Unknown);
                        }
                    }
                }
                // Modules that run Python code they are given: a script or a file of
                // examples (`doctest`), or what comes on stdin (`code`).
                if let Some(
                    m @ ("doctest" | "pdb" | "cProfile" | "profile" | "trace" | "code" | "runpy"
                    | "asyncio"),
                ) = module.known()
                {
                    let rest = args.get(argv_at..).unwrap_or(&[]);
                    // Their own output options: the profile's file, trace's counts.
                    let outputs: &[(&str, &str, bool)] = match m {
                        "cProfile" | "profile" => &[("-o", "--outfile", false)],
                        "trace" => &[("-C", "--coverdir", true), ("-f", "--file", false)],
                        _ => &[],
                    };
                    let how = format!("python -m {m} (its output)");
                    let mut values = vec![false; rest.len()];
                    let mut module = None;
                    for (k, a) in rest.iter().enumerate() {
                        let Some(a) = a.known() else { continue };
                        for (short, long, recursive) in outputs {
                            if a == *short || a == *long {
                                if let Some(v) = rest.get(k + 1) {
                                    values[k + 1] = true;
                                    self.write(v, scope, *recursive, &how);
                                }
                            } else if let Some(v) = a
                                .strip_prefix(&format!("{long}="))
                                .or_else(|| a.strip_prefix(short).filter(|v| !v.is_empty()))
                            {
                                self.write(&Field::Known(v.to_owned()), scope, *recursive, &how);
                            }
                        }
                        // `-m MOD` (cProfile, profile, pdb): a module runs.
                        if a == "-m" && module.is_none() && rest.get(k + 1).is_some() {
                            values[k + 1] = true;
                            module = Some(k + 1);
                        }
                    }
                    if m == "trace" && rest.iter().any(|a| a.known() == Some("--module")) {
                        module = (0..rest.len()).find(|&k| {
                            !values[k] && rest[k].known().is_none_or(|a| !a.starts_with('-'))
                        });
                    }
                    // pdb's own commands (`-c CMD`, and what comes on stdin) are code.
                    if m == "pdb" {
                        for (k, a) in rest.iter().enumerate() {
                            if matches!(a.known(), Some("-c" | "--command"))
                                && let Some(c) = rest.get(k + 1)
                            {
                                values[k + 1] = true;
                                self.code(c, Lang::Python, scope, "python -m pdb -c")?;
                            }
                        }
                        match &stdin {
                            Out::Text(t) => {
                                let t = Field::Known(t.clone());
                                self.code(&t, Lang::Python, scope, "python -m pdb (its commands)")?;
                            }
                            Out::Nothing => {}
                            _ => self.write_anything(
                                "python -m pdb reading commands only known at run time",
                            ),
                        }
                    }
                    if let Some(k) = module {
                        let mut argv =
                            vec![Field::Known("python3".into()), Field::Known("-m".into())];
                        argv.extend(rest[k..].iter().cloned());
                        let fed = if m == "pdb" {
                            Out::Nothing
                        } else {
                            stdin.clone()
                        };
                        self.dispatch(&argv, scope, &HashMap::new(), fed)?;
                        return Ok(Out::Unknown);
                    }
                    let files: Vec<&Field> = rest
                        .iter()
                        .enumerate()
                        .filter(|(k, a)| {
                            !values[*k] && a.known().is_none_or(|a| !a.starts_with('-'))
                        })
                        .map(|(_, a)| a)
                        .collect();
                    for f in &files {
                        self.script_file(f, &[], Lang::Python, scope, &format!("python -m {m}"))?;
                    }
                    if files.is_empty() {
                        match stdin {
                            Out::Text(t) => {
                                self.code(&Field::Known(t), Lang::Python, scope, "python -m")?;
                            }
                            Out::Nothing => {}
                            _ => {
                                self.write_anything("python -m reading code only known at run time")
                            }
                        }
                    }
                    return Ok(Out::Unknown);
                }
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
                // `-i`: after the code, it reads more from stdin.
                if args[..=i].iter().filter_map(Field::known).any(|a| {
                    a.starts_with('-')
                        && !a.starts_with("--")
                        && a[1..].split('c').next().is_some_and(|f| f.contains('i'))
                }) {
                    match stdin {
                        Out::Text(t) => {
                            self.code(&Field::Known(t), Lang::Python, scope, "python -i")?;
                        }
                        Out::Unknown | Out::Items(_) => {
                            self.write_anything("python -i reads code only known at run time")
                        }
                        Out::Nothing => {}
                    }
                }
                return Ok(Out::Unknown);
            }
            // `-X pycache_prefix=DIR`: compiled modules are written there.
            if letter == Some('X') {
                let value = if rest.is_empty() {
                    args.get(i + 1).cloned()
                } else {
                    Some(Field::Known(rest.to_owned()))
                };
                match value.as_ref().map(Field::known) {
                    Some(Some(v)) => {
                        if let Some(dir) = v.strip_prefix("pycache_prefix=") {
                            let dir = Field::Known(dir.to_owned());
                            self.write(&dir, scope, true, "python -X pycache_prefix");
                        }
                    }
                    Some(None) => {
                        self.write_anything("python -X with an option only known at run time")
                    }
                    None => {}
                }
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
            // `-i`: after the script, it reads more code from stdin.
            let interactive = args[..i.min(args.len())]
                .iter()
                .filter_map(Field::known)
                .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('i'));
            if interactive {
                self.stdin_code(stdin, Lang::Python, scope, "python -i")?;
            }
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
        const WRITES: [&str; 18] = [
            "trace-turbo-path",
            "trace-turbo-cfg-file",
            "redirect-code-traces-to",
            "tls-keylog",
            "logfile",
            "heap-prof-name",
            "snapshot-blob",
            "test-reporter-destination",
            "env-file-output",
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
        // `--env-file F`: node sets the variables F holds before it starts, its own
        // options (`NODE_OPTIONS`) and the loader's among them.
        for (i, a) in args.iter().enumerate() {
            let Some(w) = a.known() else { continue };
            let value = match w.split_once('=') {
                Some(("--env-file" | "--env-file-if-exists", v)) => Some(Field::Known(v.into())),
                None if matches!(w, "--env-file" | "--env-file-if-exists") => {
                    args.get(i + 1).cloned()
                }
                _ => None,
            };
            let Some(v) = value else { continue };
            let text = match v.known() {
                Some(f) if !self.written_earlier(f, scope) && !self.not_a_file(f, scope) => {
                    match self.resolve_path(f, scope) {
                        Some(p) if !p.exists() => Some(String::new()),
                        _ => self.read_file(f, scope),
                    }
                }
                _ => None,
            };
            let sets_loader = text.as_ref().is_none_or(|t| {
                t.lines().any(|l| {
                    let key = l
                        .trim()
                        .trim_start_matches("export ")
                        .split('=')
                        .next()
                        .unwrap_or("");
                    let key = key.trim();
                    key.starts_with("NODE_") || key.starts_with("LD_") || key.starts_with("UV_")
                })
            });
            if sets_loader {
                self.write_anything(&format!(
                    "{name} --env-file (its variables may set node's options or loader)"
                ));
            }
        }
        // A module given as a `data:` URL is code in the argument (`--import
        // 'data:text/javascript,…'`).
        for (i, a) in args.iter().enumerate() {
            let Some(w) = a.known() else { continue };
            let value = match w.split_once('=') {
                Some((o, v)) if o.starts_with("--") => Some(Field::Known(v.to_owned())),
                _ if matches!(
                    w,
                    "--import" | "--require" | "-r" | "--loader" | "--experimental-loader"
                ) =>
                {
                    args.get(i + 1).cloned()
                }
                _ => None,
            };
            if let Some(Some(v)) = value.as_ref().map(Field::known)
                && v.starts_with("data:")
            {
                let (meta, body) = v.split_once(',').unwrap_or((v, ""));
                if meta.ends_with(";base64") {
                    self.write_anything(&format!("{name} loading a base64 data: module"));
                } else {
                    self.code(&Field::Known(body.to_owned()), Lang::Node, scope, name)?;
                }
            }
        }
        // Profiles and logs land where node runs unless told otherwise.
        if args.iter().filter_map(Field::known).any(|a| {
            a.starts_with("--prof")
                || a.starts_with("--cpu-prof")
                || a.starts_with("--heap-prof")
                || a.starts_with("--report-on")
                || a == "--trace-events-enabled"
        }) {
            self.write(
                &Field::Known(super::MADE_HERE.into()),
                scope,
                false,
                &format!("{name} (its profile files)"),
            );
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
        // `-i`: the REPL reads code from stdin, after any `-e`.
        if !codes.is_empty() && o.has(Some('i'), &["interactive"]) {
            self.stdin_code(stdin.clone(), Lang::Node, scope, &format!("{name} -i"))?;
        }
        self.loads_written_code(name)?;
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

    /// Code an interpreter reads from stdin: scanned when known, any code otherwise.
    fn stdin_code(
        &mut self,
        stdin: Out,
        lang: Lang,
        scope: &mut Scope,
        how: &str,
    ) -> Result<(), ShellError> {
        match stdin {
            Out::Text(t) => {
                self.code(&Field::Known(t), lang, scope, how)?;
            }
            Out::Unknown | Out::Items(_) => {
                self.write_anything(&format!("{how} reads code only known at run time"));
            }
            Out::Nothing => {}
        }
        Ok(())
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
            "-s",
            "--noplugin",
            "--clean",
            "-h",
            "--help",
            "--version",
            "--",
        ];
        const EMACS_PLAIN: &[&str] = &["-nw", "-Q", "-q", "--no-init-file", "--version"];
        // Ex commands given on the command line (`-c CMD`, `+CMD`, `--cmd CMD`), and the
        // files opened.
        let mut commands: Vec<Option<String>> = Vec::new();
        let mut files: Vec<&Field> = Vec::new();
        let mut runs = false;
        let mut i = 0;
        while i < args.len() {
            let a = &args[i];
            match a.known() {
                None => runs = true,
                Some(o) if vi_like && matches!(o, "-c" | "--cmd") => {
                    commands.push(args.get(i + 1).and_then(Field::known).map(str::to_owned));
                    i += 1;
                }
                Some(o) if vi_like && o.starts_with('+') => {
                    commands.push(Some(o[1..].to_owned()).filter(|c| !c.is_empty()));
                }
                Some(o) if o.starts_with('-') => {
                    runs |= if vi_like {
                        !VI_PLAIN.contains(&o)
                            && !o.starts_with("-o")
                            && !o.starts_with("-O")
                            && !o.starts_with("-p")
                    } else if name == "emacs" {
                        !EMACS_PLAIN.contains(&o)
                    } else {
                        false
                    };
                }
                Some(o) if o.starts_with('+') => runs |= name == "emacs",
                Some(_) => files.push(a),
            }
            i += 1;
        }
        if runs {
            self.write_anything(&format!("{name} with options that run commands or scripts"));
            return;
        }
        let opts: Vec<&str> = args.iter().filter_map(Field::known).collect();
        let ex_mode = matches!(name, "ed" | "red" | "ex")
            || vi_like
                && opts
                    .iter()
                    .any(|o| matches!(*o, "-e" | "-E" | "-es" | "-Es"));
        if ex_mode {
            match stdin {
                Out::Nothing => {}
                Out::Text(script) => commands.extend(script.lines().map(|l| Some(l.to_owned()))),
                Out::Items(_) | Out::Unknown => commands.push(None),
            }
        }
        let read_only = matches!(name, "view" | "rview")
            || vi_like && opts.iter().any(|o| matches!(*o, "-R" | "-M"))
            || matches!(name, "nano" | "rnano")
                && opts.iter().any(|o| matches!(*o, "-v" | "--view"));
        if commands.is_empty() {
            // An editing session: what it opens, it may save.
            if !read_only {
                for f in files {
                    self.write(f, scope, false, name);
                }
            }
            return;
        }
        let Some(lines) = commands.into_iter().collect::<Option<Vec<String>>>() else {
            self.write_anything(&format!("{name} runs commands only known at run time"));
            return;
        };
        let effect = ex_effect(&lines, matches!(name, "ed" | "red"));
        if effect.unknown {
            self.write_anything(&format!(
                "{name} commands outside the model (they may run or write anything)"
            ));
            return;
        }
        for f in effect.files {
            self.write(&Field::Known(f), scope, false, &format!("{name} :w FILE"));
        }
        // Without a quit, the session goes on interactively and may save.
        if effect.saves || !effect.quits && !ex_mode && !read_only {
            for f in files {
                self.write(f, scope, false, name);
            }
        }
    }

    pub(super) fn awk(
        &mut self,
        args: &[Field],
        scope: &mut Scope,
        stdin: &Out,
    ) -> Result<Out, ShellError> {
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
        let mut assigned: Vec<(String, String)> = o
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
            // `-f -` reads the program from stdin.
            Some(Field::Known(f)) if f == "-" => match stdin {
                Out::Text(t) => Some(Field::Known(t.clone())),
                _ => {
                    self.write_anything(
                        "awk -f - reading its program from input only known at run time",
                    );
                    None
                }
            },
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
        // Operands of the form `name=value` assign, like `-v`. awk reads escapes in
        // both (`-v f='roles\057a'` is `roles/a`): each value counts as written and
        // decoded.
        files.retain(|f| match f.known().and_then(|a| a.split_once('=')) {
            Some((k, v))
                if !k.is_empty()
                    && !k.starts_with(|c: char| c.is_ascii_digit())
                    && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                assigned.push((k.to_owned(), v.to_owned()));
                false
            }
            _ => true,
        });
        for (k, v) in assigned.clone() {
            let (decoded, _) = backslash_escapes(&v.replace("\\/", "/"), Escapes::Format);
            if decoded != v {
                assigned.push((k, decoded));
            }
        }
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
                let values: Vec<&String> = assigned
                    .iter()
                    .filter(|(k, _)| k == var)
                    .map(|(_, v)| v)
                    .collect();
                match values.is_empty() {
                    false => {
                        for v in values {
                            self.write(&Field::Known(v.clone()), scope, false, "awk (output file)");
                        }
                    }
                    true => {
                        // A variable the program may fill from its input (`getline f`,
                        // `f = $1`, `split`, `ENVIRON`, `ARGV`) names any file.
                        let text = program.known().unwrap_or_default();
                        if [
                            "getline", "$", "split(", "ENVIRON", "ARGV", "sub(", "substr(",
                        ]
                        .iter()
                        .any(|m| text.contains(m))
                        {
                            self.write_anything("awk writing to a file named by its input");
                        }
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
    /// Code written with known text is scanned as the interpreter would run it.
    fn loads_written_code(&mut self, how: &str) -> Result<(), ShellError> {
        let (unnamed, paths) = self.written.code();
        let paths = paths.to_vec();
        let mut unknown = unnamed;
        for p in paths {
            match self.file_texts.get(&p).cloned() {
                Some(text) => {
                    let lang = match p.extension().and_then(|e| e.to_str()) {
                        Some("py" | "pth") => Lang::Python,
                        Some("js" | "mjs" | "cjs" | "ts") => Lang::Node,
                        Some("pl" | "pm") => Lang::Perl,
                        Some("rb") => Lang::Ruby,
                        _ => Lang::Other,
                    };
                    let mut sub = Scope::new(self.ctx.cwd.clone());
                    let shown = format!("{how} loading {}", p.display());
                    self.code(&Field::Known(text), lang, &mut sub, &shown)?;
                }
                None => unknown = true,
            }
        }
        if unknown {
            self.write_anything(&format!(
                "{how} (it may load code this command writes before running it)"
            ));
        }
        Ok(())
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
        if self.not_a_file(path, scope) {
            self.write_anything(&format!(
                "{how} runs {path}, which is not a file: what it reads is only known when it runs"
            ));
        } else if let Some(text) = self.read_file(path, scope) {
            let how = format!("{how} {path}");
            let scan = self.code(&Field::Known(text), lang, scope, &how)?;
            self.code_args(&scan, rest, scope, &how);
        } else if self.written_earlier(path, scope) {
            self.write_anything(&format!(
                "{how} runs {path}, which this command writes before running it"
            ));
        }
        Ok(())
    }

    /// Whether `path` names something other than a file or a folder: a device, a pipe,
    /// a descriptor (`/dev/stdin`, `/proc/self/fd/0`), whose content is only known when
    /// it is read. The `/dev` and `/proc` forms are judged by name: the guard's own
    /// descriptors are not the program's.
    pub(super) fn not_a_file(&self, path: &str, scope: &Scope) -> bool {
        let Some(p) = self.resolve_path(path, scope).map(|p| paths::normalize(&p)) else {
            return false;
        };
        if p.starts_with("/dev") || p.starts_with("/proc") {
            return !p.starts_with("/dev/null");
        }
        std::fs::metadata(&p).is_ok_and(|m| !m.is_file() && !m.is_dir())
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
        // A shell the code starts (`exec "sh"`, `subprocess.run(["sh"])`, `open(P,
        // "|sh")`) reads what the interpreter was given on stdin as its script.
        if !matches!(self.inherited_stdin, Out::Nothing) && code::mentions_shell(text) {
            match self.inherited_stdin.clone() {
                Out::Text(t) => {
                    let mut sub = scope.clone();
                    match self.script(&t, &mut sub, Out::Nothing) {
                        Ok(_) | Err(ShellError::Parse(_)) => {}
                        Err(e) => return Err(e),
                    }
                }
                _ => self.write_anything(&format!(
                    "{how} starting a shell that reads input only known at run time"
                )),
            }
        }
        if scan.computed && scan.writes {
            self.write_anything(&format!("{how} (it writes a path the code computes)"));
        }
        // Code that makes links may make any path it names one.
        let lower = text.to_ascii_lowercase();
        if lower.contains("symlink") || lower.contains("link(") || lower.contains("writefile") {
            for path in scan.paths.iter().chain(&scan.redirected) {
                if let Some(p) = self.resolve_path(path, scope) {
                    self.add_maybe_link(paths::normalize(&p));
                }
            }
        }
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
        // What they read on stdin may be the code's own output (awk's `print … | "sh"`).
        for command in &scan.commands {
            let mut sub = scope.clone();
            match self.script(command, &mut sub, Out::Unknown) {
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

/// The first argument of each call to `name(` in SQL: a quoted literal, or `None`
/// when it is computed.
fn sql_call_args(sql: &str, name: &str) -> Vec<Option<String>> {
    let lower = sql.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find(name) {
        let start = from + at + name.len();
        from = start;
        let rest = sql[start..].trim_start();
        out.push(sql_literal(rest));
    }
    out
}

/// A leading `'…'` SQL string literal (`''` an escaped quote).
fn sql_literal(text: &str) -> Option<String> {
    let body = text.strip_prefix('\'')?;
    let mut value = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            if chars.peek() == Some(&'\'') {
                chars.next();
                value.push('\'');
            } else {
                // Only a literal that is the whole argument counts.
                let after = chars.collect::<String>();
                let after = after.trim_start();
                return (after.starts_with([',', ')'])
                    || after.is_empty()
                    || after.starts_with(';')
                    || after.to_ascii_lowercase().starts_with("as"))
                .then_some(value);
            }
        } else {
            value.push(c);
        }
    }
    None
}

impl Walker<'_> {
    /// sqlite3: the database it opens (unless read-only or in memory), what its dot
    /// commands write or run (`.shell`, `.system`, `.once`, `.output`, `.log`, `.save`,
    /// `.backup`, `.open`, `.read`, `.cd`, `.load`, `.archive`), and the SQL that writes
    /// files (`writefile()`, `VACUUM INTO`, `ATTACH`, `edit()`, `load_extension()`).
    pub(super) fn sqlite(&mut self, c: Call<'_>) -> Result<Out, ShellError> {
        let valued = [
            "-init",
            "-cmd",
            "-separator",
            "-newline",
            "-nullvalue",
            "-vfs",
            "-maxsize",
            "-lookaside",
            "-pagecache",
            "-mmap",
            "-heap",
            "-A",
        ];
        let mut scripts: Vec<Field> = Vec::new();
        let mut operands: Vec<Field> = Vec::new();
        let mut read_only = false;
        let mut i = 0;
        while i < c.args.len() {
            let a = &c.args[i];
            match a.known() {
                Some(o) if o.starts_with('-') && o.len() > 1 => {
                    let o = format!("-{}", o.trim_start_matches('-'));
                    if valued.contains(&o.as_str()) {
                        let v = c.args.get(i + 1).cloned().unwrap_or_else(Field::unknown);
                        match o.as_str() {
                            "-cmd" => scripts.push(v),
                            "-init" => scripts.push(match v.known() {
                                Some(p) => self
                                    .read_file(p, c.scope)
                                    .map_or_else(Field::unknown, Field::Known),
                                None => Field::unknown(),
                            }),
                            "-A" => self.write_anything("sqlite3 -A (an archive command)"),
                            _ => {}
                        }
                        i += 1;
                    } else if o == "-readonly" {
                        read_only = true;
                    }
                }
                _ => operands.push(a.clone()),
            }
            i += 1;
        }
        let mut operands = operands.into_iter();
        if let Some(db) = operands.next()
            && !read_only
            && db.known().is_none_or(|d| !d.is_empty() && d != ":memory:")
        {
            let db = match db.known() {
                Some(d) => Field::Known(sqlite_file(d)),
                None => db,
            };
            self.write(&db, c.scope, false, "sqlite3 (its database)");
        }
        scripts.extend(operands);
        match c.stdin {
            Out::Text(t) => scripts.push(Field::Known(t)),
            Out::Unknown | Out::Items(_) => scripts.push(Field::unknown()),
            Out::Nothing => {}
        }
        for script in scripts {
            let Some(text) = script.known() else {
                self.write_anything("sqlite3 runs commands only known at run time");
                continue;
            };
            self.sqlite_text(text, c.scope, 0)?;
        }
        Ok(Out::Unknown)
    }

    fn sqlite_text(&mut self, text: &str, scope: &Scope, depth: usize) -> Result<(), ShellError> {
        let how = "sqlite3";
        for line in text.lines().map(str::trim) {
            let Some(dot) = line.strip_prefix('.') else {
                continue;
            };
            let (cmd, rest) = dot.split_once(char::is_whitespace).unwrap_or((dot, ""));
            let rest = rest.trim();
            let arg = rest
                .split_whitespace()
                .last()
                .unwrap_or("")
                .trim_matches(['\'', '"']);
            match cmd {
                "shell" | "system" => {
                    self.run_text(
                        &Field::Known(rest.to_owned()),
                        scope,
                        &HashMap::new(),
                        &[],
                        "sqlite3 .shell",
                    )?;
                }
                "once" | "output" | "log" | "save" | "backup" | "open" | "clone" | "trace" => {
                    if let Some(command) = arg.strip_prefix('|').or_else(|| rest.strip_prefix('|'))
                    {
                        self.run_text(
                            &Field::Known(command.to_owned()),
                            scope,
                            &HashMap::new(),
                            &[],
                            "sqlite3 pipe",
                        )?;
                    } else if !arg.is_empty()
                        && !arg.starts_with('-')
                        && arg != "stdout"
                        && arg != "stderr"
                        && arg != "off"
                    {
                        self.write(
                            &Field::Known(arg.to_owned()),
                            scope,
                            false,
                            &format!("{how} .{cmd}"),
                        );
                    }
                }
                "read" => match arg.strip_prefix('|') {
                    Some(command) => {
                        self.run_text(
                            &Field::Known(command.to_owned()),
                            scope,
                            &HashMap::new(),
                            &[],
                            "sqlite3 .read",
                        )?;
                    }
                    None if depth < 4 => match self.read_file(arg, scope) {
                        Some(t) => self.sqlite_text(&t, scope, depth + 1)?,
                        None => self
                            .write_anything("sqlite3 .read of a script that cannot be read first"),
                    },
                    None => self.write_anything("sqlite3 .read nested too deeply"),
                },
                "cd" | "load" | "archive" | "ar" => {
                    self.write_anything(&format!(
                        "{how} .{cmd} (it moves where files land, or loads code)"
                    ));
                }
                _ => {}
            }
        }
        for path in sql_call_args(text, "writefile(") {
            match path {
                Some(p) => {
                    // With a mode argument it may make a symlink.
                    if let Some(full) = self.resolve_path(&p, scope) {
                        self.add_maybe_link(paths::normalize(&full));
                    }
                    self.write(&Field::Known(p), scope, true, "sqlite3 writefile()");
                }
                None => self.write_anything("sqlite3 writefile() to a path computed in SQL"),
            }
        }
        for kw in ["vacuum into", "attach database", "attach"] {
            for path in sql_call_args(text, kw) {
                match path {
                    Some(p) if !p.is_empty() && p != ":memory:" => {
                        let p = sqlite_file(&p);
                        self.write(&Field::Known(p), scope, false, &format!("sqlite3 {kw}"));
                    }
                    Some(_) => {}
                    None if kw != "attach" => {
                        self.write_anything(&format!("sqlite3 {kw} a computed path"))
                    }
                    None => {}
                }
            }
        }
        let lower = text.to_ascii_lowercase();
        // `ATTACH 'ro' || 'les/x.db' AS y`: an attached file named by an expression.
        let words: Vec<(usize, &str)> = lower
            .match_indices("attach")
            .filter(|(at, _)| {
                let before = lower[..*at].chars().next_back();
                let after = lower[at + 6..].chars().next();
                before.is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
                    && after.is_some_and(char::is_whitespace)
            })
            .collect();
        for (at, _) in words {
            let rest = text[at + 6..].trim_start();
            let rest = if rest.to_ascii_lowercase().starts_with("database") {
                rest[8..].trim_start()
            } else {
                rest
            };
            if sql_literal(rest).is_none() {
                self.write_anything("sqlite3 attach of a computed path");
            }
        }
        if lower.contains("load_extension") || lower.contains("edit(") {
            self.write_anything("sqlite3 loading code or running an editor");
        }
        Ok(())
    }
}

/// What an ex/ed script does: the files it writes by name (`w FILE`), whether it saves
/// the buffer to the file opened (`w`, `wq`, `x`, `up`), whether it quits, and whether
/// it uses a command outside this model (`!cmd`, `so`, `norm`, `e`, …).
#[derive(Default)]
struct ExEffect {
    files: Vec<String>,
    saves: bool,
    quits: bool,
    unknown: bool,
}

fn ex_effect(lines: &[String], ed: bool) -> ExEffect {
    let mut e = ExEffect::default();
    let mut inserting = false;
    for line in lines.iter().flat_map(|l| l.split('|')) {
        if inserting {
            inserting = line.trim() != ".";
            continue;
        }
        let cmd = line
            .trim_start()
            .trim_start_matches(':')
            .trim_start_matches(|c: char| c.is_ascii_digit() || ",.$;%'+- ".contains(c));
        let word: String = cmd.chars().take_while(char::is_ascii_alphabetic).collect();
        // `w! file` forces; `w !cmd` (a space first) pipes to a command.
        let after = &cmd[word.len()..];
        let bang = after.starts_with('!');
        let rest = if bang { &after[1..] } else { after }.trim_start();
        let arg = rest.trim();
        match word.as_str() {
            "" if cmd.starts_with('!') => e.unknown = true,
            "" if cmd.is_empty() || cmd.starts_with(['=', '#', '"']) => {}
            "" if cmd.starts_with(['>', '<', '&']) => {}
            "p" | "print" | "P" | "n" | "nu" | "number" | "l" | "list" | "z" | "noh"
            | "nohlsearch" | "se" | "set" | "d" | "de" | "delete" | "m" | "mo" | "move" | "t"
            | "co" | "copy" | "j" | "join" | "u" | "undo" | "k" | "mark" | "y" | "ya" | "yank"
            | "pu" | "put" | "h" | "H" => {}
            "s" | "su" | "substitute" | "g" | "v" | "global" | "vglobal" => {
                // Their commands are ex commands too: only `p` and friends, here.
                if cmd.contains('!') && !word.starts_with('s') || cmd.contains("w ") {
                    e.unknown = true;
                }
            }
            "a" | "i" | "c" | "append" | "insert" | "change" if ed || rest.is_empty() => {
                inserting = true;
            }
            "q" | "Q" | "qa" | "qall" | "quit" | "qui" | "cq" => e.quits = true,
            "w" | "wr" | "write" | "W" | "wq" | "x" | "xit" | "exi" | "exit" | "up" | "update"
            | "wa" | "wall" | "wqa" | "wqall" | "xa" | "xall" | "sav" | "saveas" => {
                if arg.starts_with('!') || arg == ">>" {
                    e.unknown = true;
                } else if arg.is_empty() {
                    e.saves = true;
                } else {
                    e.files.push(arg.trim_start_matches(">>").trim().to_owned());
                }
                if word.starts_with('x') || word.starts_with("wq") || word.starts_with("exi") {
                    e.quits = true;
                }
            }
            "r" | "read" if !arg.starts_with('!') => {}
            _ => e.unknown = true,
        }
    }
    e
}

impl Walker<'_> {
    /// gdb: the commands of `-ex`, `-iex`, `-x FILE` and `-ix FILE` (and a `~/.gdbinit`
    /// or `./.gdbinit` this command wrote): `shell`/`!` and `pipe … | cmd` run shell
    /// commands; `dump`, `append`, `set logging file` and the like write files, judged
    /// here by the words with a `/` or naming protected files; `source`, `python` and
    /// other code is unknown when it comes from elsewhere.
    fn gdb(&mut self, c: Call<'_>) -> Result<Out, ShellError> {
        let mut lines: Vec<Option<String>> = Vec::new();
        let mut i = 0;
        while i < c.args.len() {
            let a = c.args[i].known();
            match a {
                Some(
                    "-ex" | "-iex" | "--eval-command" | "--init-eval-command" | "-eval-command",
                ) => {
                    lines.push(c.args.get(i + 1).and_then(Field::known).map(str::to_owned));
                    i += 1;
                }
                Some("-x" | "-ix" | "--command" | "--init-command" | "-command") => {
                    lines.extend(
                        match c.args.get(i + 1).and_then(Field::known) {
                            Some(f) => self
                                .read_file(f, c.scope)
                                .map(|t| t.lines().map(|l| Some(l.to_owned())).collect::<Vec<_>>()),
                            None => None,
                        }
                        .unwrap_or_else(|| vec![None]),
                    );
                    i += 1;
                }
                Some(s) if s.starts_with("--eval-command=") || s.starts_with("--command=") => {
                    lines.push(None);
                }
                _ => {}
            }
            i += 1;
        }
        for init in ["~/.gdbinit", "./.gdbinit", "~/.config/gdb/gdbinit"] {
            if self.written_earlier(&self.home_path(init), c.scope) {
                lines.push(None);
            }
        }
        if let Out::Text(t) = &c.stdin {
            lines.extend(t.lines().map(|l| Some(l.to_owned())));
        }
        for line in lines {
            let Some(line) = line else {
                self.write_anything("gdb runs commands only known at run time");
                continue;
            };
            let l = line.trim();
            let command = l
                .strip_prefix("shell ")
                .or_else(|| l.strip_prefix('!'))
                .or_else(|| {
                    l.strip_prefix("pipe ")
                        .and_then(|r| r.split_once('|').map(|(_, c)| c))
                })
                .or_else(|| {
                    l.strip_prefix("| ")
                        .and_then(|r| r.split_once('|').map(|(_, c)| c))
                });
            if let Some(cmd) = command {
                self.run_text(
                    &Field::Known(cmd.trim().to_owned()),
                    c.scope,
                    &HashMap::new(),
                    &[],
                    "gdb shell",
                )?;
            } else if l.starts_with("source")
                || l.starts_with("python")
                || l.starts_with("py ")
                || l.starts_with("guile")
            {
                self.write_anything("gdb running a script");
            } else {
                for word in l.split_whitespace().skip(1) {
                    self.write(
                        &Field::Known(word.to_owned()),
                        c.scope,
                        false,
                        "gdb command",
                    );
                }
            }
        }
        // The program it debugs runs (`gdb -ex run --args PROG ARGS`).
        self.unknown_program(c.name, c.args, c.scope, c.env, &Out::Nothing);
        self.unknown_may_run(c.args, c.scope)?;
        Ok(Out::Unknown)
    }
}

impl Walker<'_> {
    /// tclsh (and wish, expect, jimsh): its script (a file, `-c`-less stdin) is read
    /// for the commands that write or run: `file delete|rename|copy|link|mkdir`, `open
    /// NAME w`, `exec`, `source`, `cd`. A word computed at run time (`$f`, `[cmd]`) in
    /// one of them may name anything.
    fn tcl(&mut self, c: Call<'_>) -> Result<Out, ShellError> {
        let script = c
            .args
            .iter()
            .find(|a| a.known().is_none_or(|a| !a.starts_with('-')));
        let text = match script {
            Some(s)
                if s.known()
                    .is_some_and(|p| p == "-" || self.not_a_file(p, c.scope)) =>
            {
                match (&c.stdin, s.known()) {
                    (Out::Text(t), Some("-" | "/dev/stdin")) => Some(t.clone()),
                    _ => None,
                }
            }
            Some(s) => match s.known().and_then(|p| self.read_file(p, c.scope)) {
                Some(t) => Some(t),
                None if s.known().is_some_and(|p| !self.written_earlier(p, c.scope)) => {
                    // A script on disk before the command (README, residuals).
                    return Ok(Out::Unknown);
                }
                None => None,
            },
            None => match &c.stdin {
                Out::Text(t) => Some(t.clone()),
                Out::Nothing => return Ok(Out::Unknown),
                _ => None,
            },
        };
        let Some(text) = text else {
            self.write_anything(&format!("{} runs a script only known at run time", c.name));
            return Ok(Out::Unknown);
        };
        let how = format!("{} script", c.name);
        // Each command, and each command substituted inside one (`[file delete x]`); a
        // command's words that hold a substitution are computed.
        let text = tcl_unbrace(&text);
        let mut commands: Vec<String> = Vec::new();
        for piece in text.split(['\n', ';', '{', '}']) {
            tcl_substitutions(piece, 0, &mut commands);
        }
        // Access flags in a list (`{WRONLY CREAT}`) are split off by the braces above:
        // with any in the script, every `open` may write.
        let flag_modes = ["WRONLY", "RDWR", "CREAT", "TRUNC", "APPEND"]
            .iter()
            .any(|f| text.contains(f));
        for command in &commands {
            let words: Vec<&str> = command.split_whitespace().collect();
            // `open "|cmd"` runs a command.
            if let ["open", target, ..] = words.as_slice()
                && target.trim_start_matches(['"', '{']).starts_with('|')
            {
                let line = command
                    .trim_start_matches("open")
                    .trim()
                    .trim_start_matches(['"', '{'])
                    .trim_start_matches('|');
                let line = line.split(['"', '}']).next().unwrap_or(line);
                if line.contains(['$', '[', '\\']) || line.trim().is_empty() {
                    self.write_anything(&format!("{how} opens a pipe to a command it computes"));
                } else {
                    self.run_text(
                        &Field::Known(line.to_owned()),
                        c.scope,
                        &HashMap::new(),
                        &[],
                        &how,
                    )?;
                }
                continue;
            }
            let (writes, from): (bool, usize) = match words.as_slice() {
                ["open", _, ..] if flag_modes => (true, 1),
                [
                    "file",
                    "delete" | "rename" | "copy" | "link" | "mkdir" | "attributes",
                    ..,
                ] => (true, 2),
                ["open", _, mode, ..]
                    if mode.contains(['w', 'a', '+'])
                        || mode.contains("WRONLY")
                        || mode.contains("CREAT") =>
                {
                    (true, 1)
                }
                ["exec", rest @ ..] => {
                    let line = rest.join(" ");
                    if line.contains(['$', '[', '\\']) {
                        self.write_anything(&format!("{how} runs a command it computes"));
                    } else {
                        self.run_text(&Field::Known(line), c.scope, &HashMap::new(), &[], &how)?;
                    }
                    continue;
                }
                ["source" | "cd" | "load" | "eval" | "uplevel" | "interp", ..] => {
                    self.write_anything(&format!(
                        "{how} runs or moves where it writes ({})",
                        words[0]
                    ));
                    continue;
                }
                _ => (false, 0),
            };
            if !writes {
                continue;
            }
            for w in words.iter().skip(from).filter(|w| !w.starts_with('-')) {
                // A substitution, a variable or an escape (`r\x6fles`): computed.
                if w.contains(['$', '[', '\\']) {
                    self.write_anything(&format!("{how} writes a path it computes"));
                    break;
                }
                let w = w.trim_matches('"');
                if !matches!(w, "w" | "a" | "w+" | "a+" | "r+") {
                    self.write(&Field::Known(w.to_owned()), c.scope, true, &how);
                }
            }
        }
        Ok(Out::Unknown)
    }

    fn java(&mut self, c: Call<'_>) -> Result<Out, ShellError> {
        const VALUED: [&str; 10] = [
            "-cp",
            "-classpath",
            "--class-path",
            "-p",
            "--module-path",
            "--add-modules",
            "--source",
            "-d",
            "--startup",
            "-R",
        ];
        let jshell = c.name == "jshell";
        let mut sources: Vec<&Field> = Vec::new();
        let mut source_mode = jshell;
        let mut i = 0;
        while i < c.args.len() {
            let Some(a) = c.args[i].known() else {
                sources.push(&c.args[i]);
                break;
            };
            if a.starts_with('@') {
                // An argument file: options (and a source file) read when it runs.
                self.write_anything(&format!("{} reading arguments from {a}", c.name));
            } else if a == "--source" || a.starts_with("--source=") {
                source_mode = true;
                i += usize::from(a == "--source");
            } else if VALUED.contains(&a) {
                i += 1;
            } else if !a.starts_with('-') {
                if jshell || source_mode || a.ends_with(".java") {
                    sources.push(&c.args[i]);
                    if !jshell {
                        break;
                    }
                } else {
                    break;
                }
            }
            i += 1;
        }
        let mut texts: Vec<Option<String>> = sources
            .iter()
            .map(|f| f.known().and_then(|p| self.read_file(p, c.scope)))
            .collect();
        if jshell && sources.is_empty() {
            match &c.stdin {
                Out::Text(t) => texts.push(Some(t.clone())),
                Out::Nothing => {}
                _ => texts.push(None),
            }
        }
        for t in texts {
            let writes = match t {
                Some(text) => code::scan(&text, Lang::Other).writes,
                None => true,
            };
            if writes {
                self.write_anything(&format!("{} running Java code that may write", c.name));
            }
        }
        self.unknown_program(c.name, c.args, c.scope, c.env, &c.stdin);
        Ok(Out::Unknown)
    }
}

/// A tcl command with each `[…]` substitution in it left as a computed word `[…]`, and
/// each substitution's own command, at any depth (past a bound, the rest is one computed
/// word).
fn tcl_substitutions(text: &str, level: usize, out: &mut Vec<String>) {
    let mut outer = String::new();
    let mut inner = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '[' => {
                if depth == 0 {
                    outer.push_str("[…]");
                } else {
                    inner.push(c);
                }
                depth += 1;
            }
            ']' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    if level < 16 {
                        tcl_substitutions(&inner, level + 1, out);
                    } else {
                        out.push("[…]".to_owned());
                    }
                    inner.clear();
                } else {
                    inner.push(c);
                }
            }
            _ if depth == 0 => outer.push(c),
            _ => inner.push(c),
        }
    }
    if depth > 0 && level < 16 {
        tcl_substitutions(&inner, level + 1, out);
    }
    out.push(outer.trim().to_owned());
}

/// Tcl text with each braced word that holds no space, brace or command end
/// (`{roles/a.md}`) written bare: braces quote a word as well as group a body.
fn tcl_unbrace(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '{' {
            let word: String = chars[i + 1..]
                .iter()
                .take_while(|c| !c.is_whitespace() && !matches!(c, '{' | '}' | ';'))
                .collect();
            let n = word.chars().count();
            if n > 0 && chars.get(i + 1 + n) == Some(&'}') {
                out.push_str(&word);
                i += n + 2;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// The file an SQLite file name opens: a `file:` URI names a path (see
/// [`code::file_uri_path`]); anything else is the path itself.
fn sqlite_file(name: &str) -> String {
    code::file_uri_path(name).unwrap_or_else(|| name.to_owned())
}
