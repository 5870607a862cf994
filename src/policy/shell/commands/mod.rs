//! The programs the guard models, as a table: what each command does to the file
//! system — which arguments it writes (and how far), which commands it runs in turn,
//! what it prints for the next command in a pipe. Each family module declares its
//! programs in a `MODELS` table (runners, shells, builtins, files, archives, tools,
//! interpreters, readers, git); `dispatch` looks a program up there. A program with no
//! model is unknown: whatever within its reach counts as written (README, "The model").
//! Redirections are handled for every command alike, by the walker.

use std::collections::HashMap;
use std::path::PathBuf;

mod archives;
mod builtins;
mod files;
mod git;
mod interp;
mod known;
mod readers;
mod remote;
mod runners;
mod shells;
mod tools;

use shells::shebang_shell;

use super::ShellError;
use super::args::{Opts, is_long};
use super::code;
use super::expand::Field;
use super::walk::{Out, Scope, Val, Walker};

/// A stand-in for a file a program makes in its working directory under a name of its
/// own (`a.out`, `typescript`, a profile): a write there, which only a protected working
/// directory puts in reach. (Not `.` itself: that would count the whole folder as
/// written by the command.)
pub(super) const MADE_HERE: &str = "(a file it makes here)";

/// One command line as a model sees it.
pub(super) struct Call<'c> {
    /// The program's name: the last part of the path it was run by.
    pub(super) name: &'c str,
    pub(super) args: &'c [Field],
    pub(super) scope: &'c mut Scope,
    /// The command's own variable assignments (`X=1 cmd`).
    pub(super) env: &'c HashMap<String, Val>,
    pub(super) stdin: Out,
}

/// What the guard knows of one program: the names it answers to (a trailing `*` matches
/// any ending: `python*`) and what running it does — which of its arguments it writes
/// (and how far), which commands it runs in turn, what it prints for a pipe. Each
/// family module declares its programs' models in its `MODELS` table; adding a program
/// is adding one entry there.
pub(super) struct Model {
    pub(super) names: &'static [&'static str],
    pub(super) run: fn(&mut Walker<'_>, Call<'_>) -> Result<Out, ShellError>,
}

/// Every family's models. A program outside them is either in `known.rs` (read-only
/// programs, and build tools trusted by the README's residuals) or has no model: see
/// [`Walker::unknown_program`].
const FAMILIES: [&[Model]; 11] = [
    runners::MODELS,
    shells::MODELS,
    builtins::MODELS,
    OURS,
    files::MODELS,
    archives::MODELS,
    tools::MODELS,
    interp::MODELS,
    readers::MODELS,
    git::MODELS,
    remote::MODELS,
];

/// The model for a program name, if any: the first in [`FAMILIES`] that names it
/// (exactly, or by a `stem*`).
fn model(name: &str) -> Option<&'static Model> {
    /// Every model in order, the first position of each exact name, and the stems.
    struct Index {
        models: Vec<&'static Model>,
        exact: std::collections::HashMap<&'static str, usize>,
        stems: Vec<(&'static str, usize)>,
    }
    static INDEX: std::sync::OnceLock<Index> = std::sync::OnceLock::new();
    // Looked up for every program a command runs: a map, not a scan of every model.
    let index = INDEX.get_or_init(|| {
        let models: Vec<&'static Model> = FAMILIES.iter().flat_map(|f| f.iter()).collect();
        let mut exact = std::collections::HashMap::new();
        let mut stems = Vec::new();
        for (i, m) in models.iter().enumerate() {
            for n in m.names {
                match n.strip_suffix('*') {
                    Some(stem) => stems.push((stem, i)),
                    None => {
                        exact.entry(*n).or_insert(i);
                    }
                }
            }
        }
        Index {
            models,
            exact,
            stems,
        }
    });
    let by_stem = index
        .stems
        .iter()
        .filter(|(stem, _)| name.starts_with(stem))
        .map(|(_, i)| *i)
        .min();
    let first = match (index.exact.get(name).copied(), by_stem) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b)?,
    };
    index.models.get(first).copied()
}

/// Our own CLI: the operator-only commands are refused (README, self-protection); the
/// rest read the state or write under the state root, which the guard protects.
const OURS: &[Model] = &[Model {
    names: &["wazir-hooks"],
    run: |w, c| {
        let words: Option<Vec<&str>> = c.args.iter().map(Field::known).collect();
        match words {
            Some(words) => {
                if let Some(cmd) = operator_command(&words) {
                    w.operator(cmd);
                }
            }
            None => w.operator("wazir-hooks with arguments only known when it runs".into()),
        }
        // Where it writes the state it keeps (`--state-root DIR`, `WAZIR_STATE_ROOT`)
        // and files it is told to write (`-o`, `--output`).
        let o = Opts::parse(c.args, "o", &["state-root", "output", "run"]);
        let mut places: Vec<Field> = o
            .all(Some('o'), &["state-root", "output"])
            .into_iter()
            .cloned()
            .collect();
        if let Some(v) = c.env.get("WAZIR_STATE_ROOT") {
            places.push(v.to_field());
        }
        for p in places {
            w.write(&p, c.scope, true, "wazir-hooks (where it writes)");
        }
        Ok(Out::Unknown)
    },
}];

/// Builtins that print nothing on stdout.
const SILENT: [&str; 12] = [
    ":", "true", "false", "test", "[", "[[", "return", "exit", "break", "continue", "wait",
    "disown",
];

/// Whether a model's program reads options after operands as GNU getopt does (the file,
/// archive, tool and reader families, find aside), unless POSIXLY_CORRECT is set.
fn permutes_options(m: &Model, name: &str) -> bool {
    name != "find"
        && [
            files::MODELS,
            archives::MODELS,
            tools::MODELS,
            readers::MODELS,
        ]
        .iter()
        .any(|f| f.iter().any(|x| x.names == m.names))
}

/// The arguments as a program that stops at the first operand reads them: a `--` after
/// the first word that is not an option (which may be an option's value: then this
/// reading only adds operands), when an option-like word follows it.
fn operands_from_first(args: &[Field]) -> Option<Vec<Field>> {
    let first = args.iter().position(|a| match a.known() {
        Some("--") => false,
        Some(a) => !a.starts_with('-') || a == "-",
        None => true,
    })?;
    if args[..first].iter().any(|a| a.known() == Some("--")) {
        return None;
    }
    let later = &args[first + 1..];
    if !later
        .iter()
        .any(|a| a.known().is_none_or(|a| a.starts_with('-') && a.len() > 1))
    {
        return None;
    }
    let mut out = args[..=first].to_vec();
    out.push(Field::Known("--".into()));
    out.extend(later.iter().cloned());
    Some(out)
}

/// Builtins and readers that change no file by themselves (their redirections are
/// walked apart), nor run anything; with [`known::READS_ONLY`], they are not counted in
/// [`Walker::programs_run`].
const INERT_BUILTINS: [&str; 15] = [
    "cd", "pushd", "popd", "echo", "printf", "set", "unset", "cat", "tac", "head", "tail", "grep",
    "egrep", "fgrep", "ls",
];

/// Programs that read more arguments from `@FILE` (GCC's and binutils' response files,
/// javac's and rustc's argument files), under any version or target prefix.
fn reads_response_files(name: &str) -> bool {
    const PROGRAMS: [&str; 24] = [
        "gcc", "g++", "cc", "c++", "clang", "clang++", "cpp", "ld", "ld.bfd", "ld.gold", "ld.lld",
        "as", "objcopy", "objdump", "strip", "ar", "nm", "ranlib", "size", "strings", "readelf",
        "javac", "rustc", "rustdoc",
    ];
    PROGRAMS.iter().any(|p| {
        name == *p
            || name.strip_prefix(p).is_some_and(|v| v.starts_with('-'))
            || name.strip_suffix(p).is_some_and(|t| t.ends_with('-'))
    })
}

impl Walker<'_> {
    /// `args` with each `@FILE` replaced by the words of FILE (nested ones too); one
    /// this command writes, or that cannot be read, is an argument only known when it
    /// runs. A FILE that does not exist stays a plain argument, as the programs take it.
    fn response_files(&self, args: &[Field], scope: &Scope, depth: usize) -> Vec<Field> {
        let mut out = Vec::new();
        for a in args {
            let Some(path) = a
                .known()
                .and_then(|a| a.strip_prefix('@'))
                .filter(|p| !p.is_empty())
            else {
                out.push(a.clone());
                continue;
            };
            let exists = self.resolve_path(path, scope).is_some_and(|p| p.exists());
            if self.written_earlier(path, scope) || (exists && depth >= 4) {
                out.push(Field::unknown());
                continue;
            }
            if !exists {
                out.push(a.clone());
                continue;
            }
            match self.read_file(path, scope) {
                Some(text) => {
                    let words: Vec<Field> = text
                        .split_whitespace()
                        .map(|w| Field::Known(w.trim_matches(['"', '\'']).to_owned()))
                        .collect();
                    out.extend(self.response_files(&words, scope, depth + 1));
                }
                None => out.push(Field::unknown()),
            }
        }
        out
    }

    /// A program that crashes in a folder that is or holds a protected path may leave a
    /// core file there, when cores are written to files at all (`ulimit -c`, inherited
    /// or raised, and a `core_pattern` that is not a pipe).
    fn core_files(&mut self, scope: &Scope) {
        let Some(cwd) = scope.cwd.as_deref() else {
            return;
        };
        let (name, inherited) = self.cores.get_or_insert_with(|| {
            let pattern = std::fs::read_to_string("/proc/sys/kernel/core_pattern")
                .unwrap_or_else(|_| "core.%p".into());
            let pid = std::fs::read_to_string("/proc/sys/kernel/core_uses_pid")
                .map_or(true, |v| v.trim() != "0");
            let pattern = pattern.trim();
            // A pipe hands the core to a program; a plain name lands where the
            // program runs; `%` parts and the pid are only known then.
            let name = if pattern.starts_with('|') {
                None
            } else if pattern.contains(['%', '/']) || pid {
                let start = &pattern[..pattern.find(['%', '/']).unwrap_or(pattern.len())];
                Some((start.to_owned(), false))
            } else {
                Some((pattern.to_owned(), true))
            };
            let inherited = std::fs::read_to_string("/proc/self/limits").map_or(true, |l| {
                l.lines()
                    .find(|l| l.starts_with("Max core file size"))
                    .and_then(|l| l.split_whitespace().nth(4))
                    .is_none_or(|soft| soft != "0")
            });
            (name, inherited)
        });
        // Nothing is cloned or asked on the usual path (no core files at all): this runs
        // for every program.
        let Some((name, exact)) = name.as_ref().filter(|_| *inherited || self.cores_raised) else {
            return;
        };
        let path = format!("{}/{name}", cwd.display());
        let exact = *exact;
        // Asked last: with hundreds of protected entries it costs more than the rest.
        if !(self.ctx.relevant)(cwd) {
            return;
        }
        let field = if exact {
            Field::Known(path)
        } else {
            Field::Partial {
                prefix: path,
                suffix: String::new(),
            }
        };
        self.write(
            &field,
            scope,
            false,
            "a core file a crashing program leaves",
        );
    }

    /// Whether POSIXLY_CORRECT is set where this program runs: by the command, or in
    /// the environment it inherits.
    fn posixly_correct(&self, scope: &Scope, env: &HashMap<String, Val>) -> bool {
        env.contains_key("POSIXLY_CORRECT")
            || scope.vars.contains_key("POSIXLY_CORRECT")
            || (self.ctx.env)("POSIXLY_CORRECT").is_some()
    }

    /// Runs one expanded command line: aliases, `hash -p` names and scripts run by
    /// path are followed; a program that may not be what its name says is unknown; a
    /// program with a model is judged by it; any other is read-only or trusted (by
    /// `known.rs`) or unknown.
    pub(super) fn dispatch(
        &mut self,
        argv: &[Field],
        scope: &mut Scope,
        env: &HashMap<String, Val>,
        stdin: Out,
    ) -> Result<Out, ShellError> {
        self.step()?;
        let Some(first) = argv.first() else {
            return Ok(Out::Nothing);
        };
        if !first
            .known()
            .is_some_and(|p| INERT_BUILTINS.contains(&p) || known::READS_ONLY.contains(&p))
        {
            self.programs_run = self.programs_run.saturating_add(1);
        }
        self.program_variables_in_effect(scope, env)?;
        self.environment_reach(scope, env);
        self.core_files(scope);
        let Field::Known(program) = first else {
            // `$(which wazir-hooks) uninstall`: a program only known at run time may be
            // ours, so arguments that spell an operator command are refused.
            let words: Vec<&str> = argv[1..].iter().filter_map(Field::known).collect();
            if let Some(c) = operator_command(&words).filter(|_| {
                !matches!(words.first(), Some(&"install"))
                    || words
                        .iter()
                        .any(|w| w.starts_with("--bin-dir") || w.starts_with("--trust"))
            }) {
                self.operator(c.replacen("wazir-hooks", "<a program known only at run time>", 1));
            }
            // The program itself is only known at run time: its word may split into a
            // whole command (`x='rm -f roles/a'; $x`), so it may do anything.
            self.write_anything("a command only known when it runs");
            self.unknown_program(
                "a program only known when the command runs",
                &argv[1..],
                scope,
                env,
                &stdin,
            );
            return Ok(Out::Unknown);
        };
        if let Some(path) = self.hashed.get(program.as_str()).cloned() {
            let mut argv = argv.to_vec();
            argv[0] = Field::Known(path);
            let saved = self.hashed.remove(program.as_str());
            let out = self.dispatch(&argv, scope, env, stdin);
            if let Some(p) = saved {
                self.hashed.insert(program.clone(), p);
            }
            return out;
        }
        if let Some(text) = self.aliases.get(program.as_str()).cloned() {
            let rest: Option<Vec<&str>> = argv[1..].iter().map(Field::known).collect();
            let Some(rest) = rest else {
                self.write_anything("an alias run with arguments only known at run time");
                return Ok(Out::Unknown);
            };
            // An alias is not re-expanded inside its own text.
            let saved = self.aliases.remove(program.as_str());
            let out = self.script(&format!("{text} {}", rest.join(" ")), scope, stdin);
            if let Some(t) = saved {
                self.aliases.insert(program.clone(), t);
            }
            return out;
        }
        let name = program.rsplit('/').next().unwrap_or(program).to_owned();
        let name = name.as_str();
        let args = &argv[1..];
        // A name looked up through a PATH the command changed finds a program this
        // command wrote there (`PATH=$PWD/bin:$PATH ls`, `PATH=$PATH:build frob`, an
        // empty entry for the working folder), unless one on disk comes first: run that
        // file.
        if !program.contains('/')
            && let Some(Val::Known(path)) = env.get("PATH").or_else(|| scope.vars.get("PATH"))
        {
            for dir in path.split(':') {
                let dir = if dir.is_empty() { "." } else { dir };
                let candidate = format!("{}/{program}", dir.trim_end_matches('/'));
                if self.written_by_name(&candidate, scope) {
                    let mut argv = argv.to_vec();
                    argv[0] = Field::Known(candidate);
                    return self.dispatch(&argv, scope, env, stdin);
                }
                if self
                    .resolve_path(&candidate, scope)
                    .is_some_and(|p| p.is_file())
                {
                    break;
                }
            }
        }
        // A builtin `enable -n` turned off is whatever program PATH finds, if any.
        if self.disabled.contains(name) {
            self.unknown_program(name, args, scope, env, &stdin);
            return Ok(Out::Unknown);
        }
        if program.contains('/')
            && let Some(text) = self.read_file(program, scope)
            && (!text.starts_with("#!") || shebang_shell(&text).is_some())
        {
            if let Some(shell) = shebang_shell(&text) {
                self.shell_echo(shell);
            }
            // A shell script run by its path (bash runs a file without `#!` as a shell
            // script too): read it as `bash script` would.
            let mut sub = self.child_scope(scope, env, args);
            return self.script(&text, &mut sub, Out::Nothing);
        }
        // A program this command wrote (`printf … > run.sh; chmod +x run.sh; ./run.sh`)
        // cannot be read before it runs.
        let built = program
            .contains('/')
            .then(|| self.resolve_path(program, scope))
            .flatten()
            .map(|p| crate::policy::paths::normalize(&p))
            .and_then(|p| self.built.iter().find(|(b, _)| *b == p).cloned());
        if let Some((_, sources)) = built {
            match sources {
                Some(texts) => {
                    for text in texts {
                        let mut sub = scope.clone();
                        let how = format!("{program} (built from sources naming it)");
                        self.code(&Field::Known(text), code::Lang::Other, &mut sub, &how)?;
                    }
                }
                None => self.write_anything(&format!(
                    "{program} (built by this command from sources that cannot be read first)"
                )),
            }
            self.unknown_program(name, args, scope, env, &stdin);
            self.unknown_may_run(args, scope)?;
            return Ok(Out::Unknown);
        }
        if program.contains('/') && self.written_earlier(program, scope) {
            self.write_anything(&format!(
                "{program} (a program this command writes before running it)"
            ));
            return Ok(Out::Unknown);
        }
        // A program that may not be the one its name says has no model, whatever the
        // name (`cp /bin/rm /tmp/nohup && /tmp/nohup x`): its name is no evidence of what
        // it does.
        if name != "wazir-hooks" && self.run_elsewhere(program, name, scope, env) {
            self.unknown_program(name, args, scope, env, &stdin);
            self.unknown_may_run(args, scope)?;
            return Ok(Out::Unknown);
        }
        // `@FILE` arguments of compilers and binutils are the file's words.
        let expanded;
        let args = if reads_response_files(name)
            && args
                .iter()
                .any(|a| a.known().is_some_and(|a| a.starts_with('@')))
        {
            expanded = self.response_files(args, scope, 0);
            if expanded.iter().any(|a| a.known().is_none()) {
                self.write_anything(&format!(
                    "{name} with @FILE arguments only known when it runs"
                ));
            }
            &expanded[..]
        } else {
            args
        };
        self.option_commands(name, args, scope)?;
        // With POSIXLY_CORRECT, GNU programs stop reading options at the first operand
        // (`touch x -d roles/a` makes a file `-d` and `roles/a`): the model also judges
        // that reading.
        if let Some(m) = model(name).filter(|m| permutes_options(m, name))
            && self.posixly_correct(scope, env)
            && let Some(alt) = operands_from_first(args)
        {
            let mut sub = scope.clone();
            (m.run)(
                self,
                Call {
                    name,
                    args: &alt,
                    scope: &mut sub,
                    env,
                    stdin: stdin.clone(),
                },
            )?;
        }
        match model(name) {
            Some(m) => (m.run)(
                self,
                Call {
                    name,
                    args,
                    scope,
                    env,
                    stdin,
                },
            ),
            // Builtins that print nothing; the other readers print what is only known
            // when they run.
            None if SILENT.contains(&name) => Ok(Out::Nothing),
            None if known::READS_ONLY.contains(&name) => Ok(Out::Unknown),
            None if known::TRUSTED.contains(&name) => {
                self.trusted_reach(name, args, scope);
                Ok(Out::Unknown)
            }
            None => {
                self.subcommand_writes(name, args, scope);
                self.unknown_program(name, args, scope, env, &stdin);
                self.unknown_may_run(args, scope)?;
                Ok(Out::Unknown)
            }
        }
    }

    /// A program without a model may run what it is given, as the runners do
    /// (`fakeroot sh -c …`, `valgrind -q rm x`, `setarch x86_64 bash …`, `tmux new 'cd
    /// x && rm y'`): from each of its first arguments that names a program with a model
    /// or a script by path, the rest is walked as a command that may run; an argument
    /// holding a command line that starts with such a program is walked as one. What
    /// they would change in the shell's own state is dropped.
    pub(super) fn unknown_may_run(
        &mut self,
        args: &[Field],
        scope: &Scope,
    ) -> Result<(), ShellError> {
        const FIRST: usize = 16;
        for (i, a) in args.iter().enumerate().take(FIRST) {
            let Some(word) = a.known() else { continue };
            let head = word
                .trim_start_matches(['(', '{', ' ', '\t', '\n'])
                .split(|c: char| c.is_whitespace() || c == ';')
                .next()
                .unwrap_or("");
            let is_program = |w: &str| {
                !w.starts_with('-')
                    && (model(w).is_some()
                        || (w.contains('/') && self.read_file(w, scope).is_some()))
            };
            if !word.contains(char::is_whitespace) && is_program(word) {
                let mut sub = scope.clone();
                self.dispatch(&args[i..], &mut sub, &HashMap::new(), Out::Nothing)?;
            } else if word.contains(char::is_whitespace) && is_program(head) {
                let mut sub = scope.clone();
                match self.script(word, &mut sub, Out::Nothing) {
                    Ok(_) | Err(ShellError::Parse(_)) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(())
    }

    /// Whether `program` may not be the one its name says: run by a path outside the
    /// system's program folders (`cp /bin/rm /tmp/cat && /tmp/cat x`), or looked up
    /// through a `PATH` this command changed (`PATH=/tmp/p cat x`).
    fn run_elsewhere(
        &self,
        program: &str,
        name: &str,
        scope: &Scope,
        env: &HashMap<String, Val>,
    ) -> bool {
        const SYSTEM: [&str; 9] = [
            "/bin/",
            "/usr/bin/",
            "/usr/local/bin/",
            "/sbin/",
            "/usr/sbin/",
            "/usr/local/sbin/",
            "/opt/homebrew/bin/",
            "/home/linuxbrew/.linuxbrew/bin/",
            "/run/current-system/sw/bin/",
        ];
        if self.programs_remapped {
            return true;
        }
        // A program of that name written earlier in this command into a folder of
        // programs (`cp /bin/rm ~/.local/bin/wc && wc x`).
        if self.written.program_named(name) {
            return true;
        }
        let in_system = |p: &str| {
            SYSTEM
                .iter()
                .any(|d| p.strip_prefix(d).is_some_and(|rest| !rest.contains('/')))
        };
        if program.contains('/') {
            if in_system(program) {
                return false;
            }
            // A link into the system's folders (a virtualenv's `bin/python`) is the
            // program it links to, when that has the same model.
            let linked = self
                .resolve_path(program, scope)
                .filter(|_| !self.written_earlier(program, scope))
                .and_then(|full| std::fs::canonicalize(full).ok())
                .filter(|real| in_system(&real.to_string_lossy()))
                .and_then(|real| {
                    let real_name = real.file_name()?.to_str()?.to_owned();
                    Some(matches!(
                        (model(name), model(&real_name)),
                        (Some(a), Some(b)) if std::ptr::eq(a, b)
                    ))
                });
            return linked != Some(true);
        }
        // A PATH changed by this command, unless only appended to (`PATH=$PATH:x`).
        let ours = (self.ctx.env)("PATH").unwrap_or_default();
        let appended = |v: Option<&Val>| match v {
            None => true,
            Some(Val::Known(p)) => !ours.is_empty() && p.starts_with(&ours),
            Some(_) => false,
        };
        !(appended(env.get("PATH")) && appended(scope.vars.get("PATH")))
    }

    /// A program the analysis has no model of: whatever it writes is unknown, so every
    /// path within its reach counts as written — each argument (and the value of a
    /// `--opt=value`) with everything beneath it, each path-like word inside an argument
    /// that holds code (`'.shell rm x/y'`), the values of the command's own variable
    /// assignments, and the working directory when the command moved into it. A working
    /// directory merely above a protected path does not put it in reach.
    pub(super) fn unknown_program(
        &mut self,
        name: &str,
        args: &[Field],
        scope: &Scope,
        env: &HashMap<String, Val>,
        stdin: &Out,
    ) {
        let how =
            format!("{name} (a program the guard has no model of: it may write what it is given)");
        let mut candidates: Vec<String> = Vec::new();
        for a in args.iter().filter_map(Field::known) {
            if let Some(rest) = a.strip_prefix('-') {
                if let Some((_, value)) = rest.split_once('=') {
                    candidates.push(value.to_owned());
                }
            } else {
                candidates.push(a.to_owned());
            }
            // A path after any `=` (`--dump-section .text=roles/x`, `of=x`).
            candidates.extend(a.match_indices('=').map(|(at, _)| a[at + 1..].to_owned()));
            if a.contains(char::is_whitespace) {
                candidates.extend(
                    a.split(|c: char| c.is_whitespace() || "'\";(),=<>|&`".contains(c))
                        .filter(|w| w.contains('/') && !w.contains("://"))
                        .map(str::to_owned),
                );
            }
        }
        for (k, v) in env {
            // A search path (`PYTHONPATH=src`) names where code is loaded from, not a
            // place written; code written there by this command is caught below.
            if let Val::Known(v) = v
                && !shells::is_search_path(k)
            {
                candidates.push(v.clone());
            }
        }
        // Loader variables make it load code from elsewhere, and this command wrote code.
        if self.programs_remapped && {
            let (unnamed, paths) = self.written.code();
            unnamed || !paths.is_empty()
        } {
            self.write_anything(&format!(
                "{name} with a loader variable, after this command wrote code it may load"
            ));
        }
        // Code it may read on stdin (`tclsh <<< 'file delete x/y'`).
        if let Out::Text(code) = stdin {
            candidates.extend(
                code.split(|c: char| c.is_whitespace() || "'\";(),=<>|&`{}[]".contains(c))
                    .filter(|w| w.contains('/'))
                    .map(str::to_owned),
            );
        }
        candidates.retain(|c| !c.is_empty() && !c.contains("://"));
        candidates.sort();
        candidates.dedup();
        for c in candidates {
            // What it made there may be a symlink to anywhere.
            if let Some(p) = self.resolve_path(&c, scope) {
                self.add_maybe_link(crate::policy::paths::normalize(&p));
            }
            self.write(&Field::Known(c), scope, true, &how);
        }
        // Run inside a protected folder (`cd roles && tool`), it may make files there;
        // at the project root, that reaches nothing protected.
        self.write(&Field::Known(MADE_HERE.into()), scope, false, &how);
    }

    /// Variables name where programs write (`GIT_TRACE=FILE`, `TMPDIR=DIR`, `HOME=DIR`,
    /// `VALGRIND_OPTS=--log-file=FILE`, `LD_DEBUG_OUTPUT=FILE`…, `known.rs`,
    /// `names_output_place`), for any program, modelled or not: a value of one, set by
    /// the command, that names a protected path or a folder holding one is within reach
    /// of whatever runs — unless it names the working directory or a folder above it.
    /// Every other variable of an unknown program is within its reach too (see
    /// [`Walker::unknown_program`]).
    fn environment_reach(&mut self, scope: &Scope, env: &HashMap<String, Val>) {
        let values: Vec<(&str, &str)> = env
            .iter()
            .chain(scope.vars.iter().filter(|(k, _)| !env.contains_key(*k)))
            .filter(|(k, _)| known::names_output_place(k))
            .filter_map(|(k, v)| match v {
                Val::Known(v) => Some((k.as_str(), v.as_str())),
                _ => None,
            })
            .collect();
        if values.is_empty() {
            return;
        }
        let mut candidates: Vec<(String, String)> = Vec::new();
        for (k, v) in values {
            for word in v.split_whitespace() {
                candidates.push((k.to_owned(), word.to_owned()));
                if let Some((_, after)) = word.rsplit_once('=') {
                    candidates.push((k.to_owned(), after.to_owned()));
                }
            }
        }
        for (k, c) in candidates {
            if c.is_empty() || c.contains("://") {
                continue;
            }
            // Only what may hold a protected path: a variable pointing elsewhere is not
            // taken as a write (`HOME=/tmp/h git log` reads /tmp/h/.gitconfig as it is).
            let place = self
                .resolve_path(&c, scope)
                .map(|p| crate::policy::paths::normalize(&p));
            let reaches = place
                .as_ref()
                .is_some_and(|p| !self.ctx.cwd.starts_with(p) && (self.ctx.relevant)(p));
            if reaches {
                let how = format!("{k}={c} (a variable naming where programs may write)");
                self.write(&Field::Known(c), scope, true, &how);
            }
        }
    }

    /// A trusted build tool, package manager or test runner writes by its own logic
    /// (README, residuals), but not only there: the folders its options point it at
    /// are within its reach (`pip install -t roles x`, `cargo build --target-dir roles`,
    /// `make -C roles`, `npm --prefix roles install`), with all beneath them, and so is
    /// the working directory when the command moved into a protected folder (`cd roles
    /// && make`). What it is given otherwise (`cargo run -- ARGS`, `docker run -v`) is
    /// the residual.
    /// A path as a program that expands `~` itself reads it (settings files, ssh's
    /// options): `~/x` is beneath the user's home.
    pub(super) fn home_path(&self, path: &str) -> String {
        match (path.strip_prefix("~/"), &self.ctx.home) {
            (Some(rest), Some(home)) => home.join(rest).to_string_lossy().into_owned(),
            _ => path.to_owned(),
        }
    }

    pub(super) fn trusted_reach(&mut self, name: &str, args: &[Field], scope: &Scope) {
        let how = format!("{name} (it writes where it is pointed)");
        let options = known::WHERE_TRUSTED_WRITE
            .iter()
            .filter(|(names, _)| names.contains(&name))
            .flat_map(|(_, options)| options.iter());
        let options: Vec<&str> = options.copied().collect();
        if !options.is_empty() {
            let mut i = 0;
            while i < args.len() {
                let Some(a) = args[i].known() else {
                    i += 1;
                    continue;
                };
                if a == "--" {
                    break;
                }
                for o in &options {
                    let value = if a == *o {
                        Some(args.get(i + 1).cloned().unwrap_or_else(Field::unknown))
                    } else if let Some(v) = a.strip_prefix(o).and_then(|v| v.strip_prefix('=')) {
                        Some(Field::Known(v.to_owned()))
                    } else if o.len() == 2
                        && !o.starts_with("--")
                        && a.starts_with(o)
                        && a.len() > 2
                    {
                        Some(Field::Known(a[2..].to_owned()))
                    } else {
                        None
                    };
                    if let Some(v) = value {
                        self.write(&v, scope, true, &how);
                    }
                }
                i += 1;
            }
        }
        self.subcommand_writes(name, args, scope);
        self.write(&Field::Known(MADE_HERE.into()), scope, false, &how);
    }

    /// What a subcommand writes of its own accord (`known::SUBCOMMAND_WRITES`).
    pub(super) fn subcommand_writes(&mut self, name: &str, args: &[Field], scope: &Scope) {
        // The words that are not options, up to `--` or one only known at run time, and
        // where among them the subcommand may start: at the first, or after words that
        // may all be options' values (`npm --prefix dir config set`), not after an operand
        // (`npm run login` runs a script).
        let mut words: Vec<&str> = Vec::new();
        let mut starts: Vec<usize> = Vec::new();
        let (mut after_option, mut all_values) = (false, true);
        for a in args
            .iter()
            .map_while(Field::known)
            .take_while(|a| *a != "--")
        {
            if a.starts_with('-') {
                after_option = !a.contains('=');
                continue;
            }
            if all_values {
                starts.push(words.len());
            }
            all_values &= after_option;
            after_option = false;
            words.push(a);
        }
        for (names, sub, places) in known::SUBCOMMAND_WRITES {
            let at = names
                .contains(&name)
                .then(|| {
                    starts
                        .iter()
                        .copied()
                        .find(|&s| words[s..].starts_with(sub))
                })
                .flatten();
            let Some(at) = at else {
                continue;
            };
            let how = format!("{name} {}", sub.join(" "));
            for place in *places {
                // Every later word: an option's value may come before the folder
                // (`cargo new --vcs none DIR`).
                let fields: Vec<Field> = if *place == known::NEXT_OPERAND {
                    words[at + sub.len()..]
                        .iter()
                        .map(|w| Field::Known((*w).to_owned()))
                        .collect()
                } else {
                    vec![Field::Known(self.home_path(place))]
                };
                for field in fields {
                    self.write(&field, scope, true, &how);
                }
            }
        }
    }

    /// An absolute path for a known argument, against the scope's cwd.
    pub(super) fn resolve_path(&self, s: &str, scope: &Scope) -> Option<PathBuf> {
        if s.starts_with('/') {
            Some(PathBuf::from(s))
        } else {
            scope.cwd.as_ref().map(|c| c.join(s))
        }
    }
}

/// What `which NAME` and `command -v NAME` print, for the analysis: the program the
/// name runs, as a system program of that name (a name shadowed on `PATH` by an earlier
/// call is the README's residual, as it is for the name run directly).
fn program_path(name: Option<&Field>) -> Out {
    match name.and_then(Field::known) {
        Some(n) if !n.is_empty() && !n.contains(['/', ' ', '\t', '\n']) => {
            Out::Text(format!("/usr/bin/{n}\n"))
        }
        _ => Out::Unknown,
    }
}

/// `dir/basename(src)`, as a copy into a directory writes.
pub(super) fn join_field(dir: &Field, src: &Field) -> Field {
    let name = match src {
        Field::Known(s) => {
            let trimmed = s.trim_end_matches('/');
            let base = trimmed.rsplit('/').next().unwrap_or(trimmed);
            if base.is_empty() || base == "." || base == ".." {
                // `cp -r x/. dest` merges the contents into dest itself.
                return dir.clone();
            }
            base.to_owned()
        }
        Field::Partial { suffix, .. } => {
            return match dir {
                Field::Known(d) => Field::Partial {
                    prefix: format!("{}/", d.trim_end_matches('/')),
                    suffix: suffix.rsplit('/').next().unwrap_or("").to_owned(),
                },
                other => other.clone(),
            };
        }
    };
    match dir {
        Field::Known(d) => Field::Known(format!("{}/{name}", d.trim_end_matches('/'))),
        Field::Partial { prefix, .. } => Field::Partial {
            prefix: prefix.clone(),
            suffix: format!("/{name}"),
        },
    }
}

/// Some path beneath a directory field.
pub(super) fn under(dir: &Field) -> Field {
    match dir {
        Field::Known(d) => Field::Partial {
            prefix: format!("{}/", d.trim_end_matches('/')),
            suffix: String::new(),
        },
        other => other.clone(),
    }
}

/// An argument a tool expands itself (a quoted glob handed to prettier, a git pathspec):
/// anything beneath its literal directory, ending like its literal tail.
pub(super) fn tool_glob(f: &Field) -> Field {
    let Field::Known(s) = f else { return f.clone() };
    let Some(meta) = s.find(['*', '?', '[']) else {
        return f.clone();
    };
    let dir_end = s[..meta].rfind('/').map_or(0, |i| i + 1);
    let prefix = if dir_end == 0 && !s.starts_with('/') {
        "./".to_owned()
    } else {
        s[..dir_end].to_owned()
    };
    let tail_start = s.rfind(['*', '?', ']', '/']).map_or(s.len(), |i| i + 1);
    Field::Partial {
        prefix,
        suffix: s[tail_start..].to_owned(),
    }
}

/// The operator-only command `wazir-hooks ARGS` runs, if it is one: `uninstall`,
/// `loop reset`, `loop raise`, `install` (with or without `--trust`), and
/// `capture event --loop-count`
/// (which sets a phase's loop count to any value, a reset by another name). Read-only
/// subcommands and the rest of install, loop and capture are the agent's to run.
fn operator_command(args: &[&str]) -> Option<String> {
    // Global options that take a value, in either spelling.
    const VALUED: [&str; 2] = ["--run", "--state-root"];
    let mut words = Vec::new();
    let mut skip = false;
    for a in args {
        if skip {
            skip = false;
        } else if VALUED.contains(a) {
            skip = true;
        } else if !a.starts_with('-') {
            words.push(*a);
        }
    }
    let has = |flag: &str| {
        args.iter()
            .any(|a| *a == flag || a.strip_prefix(flag).is_some_and(|r| r.starts_with('=')))
    };
    let shown = format!("wazir-hooks {}", args.join(" "));
    match words.as_slice() {
        ["uninstall", ..] => Some(shown),
        ["loop", "reset" | "raise", ..] => Some(shown),
        // Every install: it rewrites each host's hook settings, and `--bin-dir` points
        // them at any programs at all.
        ["install", ..] => Some(shown),
        ["capture", "event", ..] if has("--loop-count") => Some(shown),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{FAMILIES, model};

    #[test]
    fn each_program_has_one_model() {
        let mut seen = std::collections::HashMap::new();
        for (family, models) in FAMILIES.iter().enumerate() {
            for (i, m) in models.iter().enumerate() {
                assert!(
                    !m.names.is_empty(),
                    "a model without names in family {family}"
                );
                for n in m.names {
                    if let Some(first) = seen.insert(*n, (family, i)) {
                        panic!("{n} is modelled twice: {first:?} and {:?}", (family, i));
                    }
                }
            }
        }
        assert!(seen.len() > 200, "{} names", seen.len());
    }

    #[test]
    fn names_ending_in_a_star_match_any_ending() {
        assert!(model("python3.12").is_some_and(|m| m.names.contains(&"python*")));
        assert!(model("pypy3").is_some());
        assert!(
            model("pythonic-tool").is_some(),
            "python* is a prefix match"
        );
        assert!(model("frobnicate").is_none());
        assert!(model("git").is_some_and(|m| m.names == ["git"]));
    }
}
