//! Shells and the builtins that run shell code or change what a name runs: `bash -c`,
//! scripts by name or on stdin, `eval`, `source`, `trap`, `alias`, `hash`, `enable`;
//! `env` and the command-running variables every program sees; the helpers that start a
//! nested shell's scope.

use std::collections::HashMap;

use super::super::ShellError;
use super::super::expand::Field;
use super::super::walk::{Out, Scope, Val, Walker};
use super::Model;
use crate::policy::paths;

pub(super) const MODELS: &[Model] = &[
    Model {
        names: &[
            "bash", "sh", "zsh", "dash", "ksh", "mksh", "ash", "rbash", "fish", "yash", "posh",
        ],
        run: |w, c| w.shell(c.name, c.args, c.scope, c.env, c.stdin),
    },
    // `eval ARGS`: the arguments joined are a script.
    Model {
        names: &["eval"],
        run: |w, c| {
            let parts: Option<Vec<&str>> = c.args.iter().map(Field::known).collect();
            match parts {
                Some(p) => w.script(&p.join(" "), c.scope, c.stdin),
                None => {
                    w.write_anything("eval of a string only known at run time");
                    Ok(Out::Unknown)
                }
            }
        },
    },
    Model {
        names: &["source", "."],
        run: |w, c| {
            // `source -- FILE`: the `--` ends its options.
            let args = match c.args {
                [Field::Known(dashes), rest @ ..] if dashes == "--" => rest,
                args => args,
            };
            let Some(file) = args.first() else {
                return Ok(Out::Nothing);
            };
            if matches!(
                file.known(),
                Some("/dev/stdin" | "/dev/fd/0" | "/proc/self/fd/0")
            ) {
                // Sourcing stdin runs what the pipe or here-string holds.
                return match c.stdin {
                    Out::Text(t) => w.script(&t, c.scope, Out::Nothing),
                    Out::Nothing => Ok(Out::Nothing),
                    _ => {
                        w.write_anything("source of input only known at run time");
                        Ok(Out::Unknown)
                    }
                };
            }
            w.run_file(file, &args[1..], c.scope, true, c.name)
        },
    },
    // `trap [--] HANDLER SIGNAL…`: the handler runs later, so it is walked now; `-p`
    // and `-l` only print.
    Model {
        names: &["trap"],
        run: |w, c| {
            let handler = c
                .args
                .iter()
                .find(|a| a.known().is_none_or(|a| !a.starts_with('-') || a == "-"));
            match handler {
                Some(Field::Known(h)) if h == "-" || h.is_empty() => Ok(Out::Nothing),
                Some(Field::Known(h)) => {
                    let h = h.clone();
                    if w.trap_handlers.len() < 16 && !w.trap_handlers.contains(&h) {
                        w.trap_handlers.push(h.clone());
                    }
                    w.script(&h, c.scope, Out::Nothing)
                }
                Some(_) => {
                    w.write_anything("a trap handler only known at run time");
                    Ok(Out::Nothing)
                }
                None => Ok(Out::Nothing),
            }
        },
    },
    // `compgen -C CMD` runs CMD; `-F FUNC` calls FUNC. (`complete` only registers
    // them for interactive completion.)
    Model {
        names: &["compgen"],
        run: |w, c| {
            let words: Vec<Option<&str>> = c.args.iter().map(Field::known).collect();
            for (i, a) in words.iter().enumerate() {
                let value = |n: usize| c.args.get(n).cloned().unwrap_or_else(Field::unknown);
                match a {
                    Some("-C") => w.run_text(&value(i + 1), c.scope, c.env, &[], "compgen -C")?,
                    Some("-F") => w.run_text(&value(i + 1), c.scope, c.env, &[], "compgen -F")?,
                    Some(s) if s.starts_with("-C") && s.len() > 2 => w.run_text(
                        &Field::Known(s[2..].to_owned()),
                        c.scope,
                        c.env,
                        &[],
                        "compgen -C",
                    )?,
                    Some(s) if s.starts_with("-F") && s.len() > 2 => w.run_text(
                        &Field::Known(s[2..].to_owned()),
                        c.scope,
                        c.env,
                        &[],
                        "compgen -F",
                    )?,
                    None => {
                        w.write_anything("compgen with options only known at run time");
                        Out::Nothing
                    }
                    _ => Out::Nothing,
                };
            }
            Ok(Out::Unknown)
        },
    },
    // Builtins that change what a name runs: aliases (expanded by `dispatch`), `hash -p
    // PATH NAME`, `enable -f lib.so NAME` (a loaded builtin may replace any command).
    Model {
        names: &["alias"],
        run: |w, c| {
            for a in c.args.iter().filter_map(Field::known) {
                if let Some((k, v)) = a.split_once('=') {
                    w.aliases.insert(k.to_owned(), v.to_owned());
                }
            }
            Ok(Out::Nothing)
        },
    },
    Model {
        names: &["hash"],
        run: |w, c| {
            match c.args {
                [Field::Known(flag), Field::Known(path), names @ ..]
                    if flag == "-p"
                        && !path.starts_with('-')
                        && names.iter().all(|n| n.known().is_some()) =>
                {
                    for n in names.iter().filter_map(Field::known) {
                        w.hashed.insert(n.to_owned(), path.clone());
                    }
                }
                // `hash -p "$x" cat`, `hash -p/bin/rm cat`: not followed.
                args if args
                    .iter()
                    .any(|a| a.known().is_none_or(|a| a.starts_with("-p"))) =>
                {
                    w.programs_remapped = true;
                }
                _ => {}
            }
            Ok(Out::Nothing)
        },
    },
    Model {
        names: &["enable"],
        run: |w, c| {
            if c.args.iter().any(|a| {
                a.known()
                    .is_none_or(|a| a.starts_with('-') && a.contains('f'))
            }) {
                w.programs_remapped = true;
            }
            // `enable -n NAME`: NAME now runs whatever program of that name PATH finds.
            if c.args
                .iter()
                .filter_map(Field::known)
                .any(|a| a.starts_with('-') && a.contains('n'))
            {
                for n in c
                    .args
                    .iter()
                    .filter_map(Field::known)
                    .filter(|a| !a.starts_with('-'))
                {
                    w.disabled.insert(n.to_owned());
                }
            }
            Ok(Out::Nothing)
        },
    },
];

impl Walker<'_> {
    /// Parses and walks `text` as a new shell's script (`bash -c`, `su -c`, `watch`):
    /// the new shell sees the caller's variables, the command's prefix assignments and
    /// its own positional parameters.
    pub(super) fn run_text(
        &mut self,
        text: &Field,
        scope: &Scope,
        env: &HashMap<String, Val>,
        positional: &[Field],
        how: &str,
    ) -> Result<Out, ShellError> {
        match text {
            Field::Known(t) => {
                let mut sub = self.child_scope(scope, env, positional);
                let t = t.clone();
                let input = self.inherited_stdin.clone();
                self.script(&t, &mut sub, input)
            }
            Field::Partial { .. } => {
                self.write_anything(&format!("{how} runs a command only known at run time"));
                Ok(Out::Unknown)
            }
        }
    }

    /// Runs `f` with `stdin` as what the commands the program starts inherit.
    pub(super) fn fed<T>(&mut self, stdin: &Out, f: impl FnOnce(&mut Self) -> T) -> T {
        let saved = std::mem::replace(&mut self.inherited_stdin, stdin.clone());
        let out = f(self);
        self.inherited_stdin = saved;
        out
    }

    pub(super) fn child_scope(
        &self,
        scope: &Scope,
        env: &HashMap<String, Val>,
        positional: &[Field],
    ) -> Scope {
        let mut sub = scope.clone();
        sub.vars
            .extend(env.iter().map(|(k, v)| (k.clone(), v.clone())));
        sub.positional = positional.iter().map(Field::to_val).collect();
        sub
    }

    /// Runs a script file (`bash file`, `source file`). A file that exists is read and
    /// analysed; one created earlier in this same command cannot be seen yet.
    pub(super) fn run_file(
        &mut self,
        file: &Field,
        positional: &[Field],
        scope: &mut Scope,
        same_shell: bool,
        how: &str,
    ) -> Result<Out, ShellError> {
        let Field::Known(path) = file else {
            self.write_anything(&format!(
                "{how} runs a script whose name is only known at run time"
            ));
            return Ok(Out::Unknown);
        };
        // `find … -exec sh {} \;`: a file find matched, whatever it holds.
        if path.contains(".find-stand-in/") {
            self.write_anything(&format!("{how} runs files a search finds"));
            return Ok(Out::Unknown);
        }
        let full = self.resolve_path(path, scope).map(|p| paths::normalize(&p));
        let substituted = match self.fd_contents.get(path.as_str()) {
            Some(Out::Text(t)) => Some(t.clone()),
            Some(_) => {
                self.write_anything(&format!(
                    "{how} runs a script from a process substitution only known at run time"
                ));
                return Ok(Out::Unknown);
            }
            None => None,
        };
        if let Some(text) = substituted.or_else(|| self.read_file(path, scope)) {
            if same_shell {
                let saved = std::mem::replace(
                    &mut scope.positional,
                    positional.iter().map(Field::to_val).collect(),
                );
                let out = self.script(&text, scope, Out::Nothing);
                scope.positional = saved;
                return out;
            }
            let mut sub = self.child_scope(scope, &HashMap::new(), positional);
            return self.script(&text, &mut sub, Out::Nothing);
        }
        let created_here = full.as_ref().is_none_or(|f| self.written.contains(f));
        if created_here || full.as_ref().is_some_and(|f| f.exists()) {
            self.write_anything(&format!(
                "{how} runs the script {path}, which cannot be read before the command runs"
            ));
        }
        Ok(Out::Unknown)
    }

    pub(super) fn shell(
        &mut self,
        name: &str,
        args: &[Field],
        scope: &mut Scope,
        env: &HashMap<String, Val>,
        stdin: Out,
    ) -> Result<Out, ShellError> {
        self.shell_echo(name);
        let mut command_mode = false;
        let mut stdin_mode = false;
        let mut startup: Vec<Field> = Vec::new();
        let mut interactive = false;
        let mut i = 0;
        while i < args.len() {
            let Field::Known(a) = &args[i] else { break };
            if a == "--" {
                i += 1;
                break;
            }
            if a == "-" {
                stdin_mode = true;
                i += 1;
                break;
            }
            if let Some(long) = a.strip_prefix("--") {
                if ["rcfile", "init-file"].contains(&long) {
                    i += 1;
                    startup.push(args.get(i).cloned().unwrap_or_else(Field::unknown));
                }
                interactive |= long == "login";
            } else if a.len() > 1 && (a.starts_with('-') || a.starts_with('+')) {
                for c in a[1..].chars() {
                    match c {
                        'c' => command_mode = true,
                        'i' | 'l' => interactive = true,
                        // `-n` reads without running: nothing is written.
                        'n' if a.starts_with('-') => return Ok(Out::Nothing),
                        's' => stdin_mode = true,
                        'o' | 'O' => i += 1,
                        _ => {}
                    }
                }
            } else {
                break;
            }
            i += 1;
        }
        let rest = &args[i.min(args.len())..];
        self.startup_files(name, startup, interactive, scope, env)?;
        if command_mode {
            let Some(text) = rest.first() else {
                return Ok(Out::Unknown);
            };
            let positional = rest.get(2..).unwrap_or(&[]);
            let arg0 = rest.get(1).map(Field::to_val);
            let mut sub = scope.clone();
            sub.arg0 = arg0;
            return self.run_text(text, &sub, env, positional, &format!("{name} -c"));
        }
        if !stdin_mode && let Some(file) = rest.first() {
            let mut sub = self.child_scope(scope, env, &[]);
            return self.run_file(file, &rest[1..], &mut sub, true, name);
        }
        match stdin {
            Out::Text(t) => {
                let mut sub = self.child_scope(scope, env, rest);
                self.script(&t, &mut sub, Out::Nothing)
            }
            Out::Nothing => Ok(Out::Unknown),
            Out::Items(_) | Out::Unknown => {
                self.write_anything(&format!(
                    "{name} reads a script from input only known at run time"
                ));
                Ok(Out::Unknown)
            }
        }
    }

    /// Options whose value a program runs as a command (`tar -I CMD`, `tar
    /// --to-command=CMD`, `split --filter=CMD`, `zip -TT CMD`, `rsync -e CMD`, `man -P
    /// CMD`): each is walked as a command reading input only known at run time.
    pub(super) fn option_commands(
        &mut self,
        name: &str,
        args: &[Field],
        scope: &Scope,
    ) -> Result<(), ShellError> {
        // (program names, options that take a command; a long option also as `--x=CMD`).
        const TABLE: [(&[&str], &[&str]); 8] = [
            (
                &["tar", "gtar", "bsdtar"],
                &[
                    "-I",
                    "--use-compress-program",
                    "-F",
                    "--info-script",
                    "--new-volume-script",
                    "--to-command",
                    "--rsh-command",
                ],
            ),
            (&["split"], &["--filter"]),
            (&["zip"], &["-TT", "--unzip-command"]),
            (&["rsync"], &["-e", "--rsh", "--rsync-path"]),
            (&["man"], &["-P", "--pager", "-H", "--html"]),
            (&["sort"], &["--compress-program"]),
            // ripgrep's `--pre` is in its own model (it is given each file).
            (&["rg"], &["--hostname-bin"]),
            // `go build -toolexec CMD`, `go test -exec CMD`.
            (&["go"], &["-toolexec", "--toolexec", "-exec", "--exec"]),
        ];
        let Some((_, options)) = TABLE.iter().find(|(names, _)| names.contains(&name)) else {
            return Ok(());
        };
        let mut commands: Vec<Field> = Vec::new();
        let mut i = 0;
        while i < args.len() {
            if let Some(a) = args[i].known() {
                if a == "--" {
                    break;
                }
                for o in options.iter() {
                    if a == *o {
                        commands.push(args.get(i + 1).cloned().unwrap_or_else(Field::unknown));
                    } else if let Some(v) = a.strip_prefix(o).filter(|_| o.len() > 2) {
                        if let Some(v) = v.strip_prefix('=') {
                            commands.push(Field::Known(v.to_owned()));
                        }
                    } else if o.len() == 2
                        && !a.starts_with("--")
                        && a.starts_with(o)
                        && a.len() > 2
                    {
                        // `-Icmd`: the value attached.
                        commands.push(Field::Known(a[2..].to_owned()));
                    } else if o.len() == 2
                        && a.len() > 2
                        && a.starts_with('-')
                        && !a.starts_with("--")
                        && a.ends_with(&o[1..])
                        && a[1..].chars().all(|c| c.is_ascii_alphanumeric())
                    {
                        // `-avze CMD`: the last letter of a bundle takes the next word.
                        commands.push(args.get(i + 1).cloned().unwrap_or_else(Field::unknown));
                    }
                }
                // `--checkpoint-action=exec=CMD`.
                if let Some(v) = a.strip_prefix("--checkpoint-action=") {
                    if let Some(c) = v.strip_prefix("exec=") {
                        commands.push(Field::Known(c.to_owned()));
                    }
                } else if a == "--checkpoint-action" {
                    match args.get(i + 1).map(Field::known) {
                        Some(Some(v)) if !v.starts_with("exec=") => {}
                        Some(Some(v)) => commands.push(Field::Known(v[5..].to_owned())),
                        _ => commands.push(Field::unknown()),
                    }
                }
            }
            i += 1;
        }
        for c in commands {
            let Field::Known(text) = c else {
                self.write_anything(&format!("{name} running a command only known at run time"));
                continue;
            };
            self.run_command_text(&text, scope, &format!("{name} running a command"))?;
        }
        Ok(())
    }

    /// dash, zsh, ksh and the other shells but bash (and fish) read backslash escapes
    /// in every `echo`, as bash does with `xpg_echo`: from here on, an `echo` of text
    /// with a backslash prints what only the running shell knows.
    pub(in super::super) fn shell_echo(&mut self, shell: &str) {
        if !matches!(shell, "bash" | "rbash" | "fish") {
            self.xpg_echo = true;
        }
    }

    /// Text a program runs later as a command, fed input only known at run time (a
    /// pager is fed text the agent may have written): walked in a copy of `scope`; text
    /// that does not parse may do anything.
    pub(in super::super) fn run_command_text(
        &mut self,
        text: &str,
        scope: &Scope,
        how: &str,
    ) -> Result<(), ShellError> {
        let mut sub = scope.clone();
        match self.script(text, &mut sub, Out::Unknown) {
            Ok(_) => Ok(()),
            Err(ShellError::Parse(_)) => {
                self.write_anything(&format!("{how}: it does not parse"));
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// The variables programs run as commands, as they stand when a program runs
    /// (however they were set: an assignment, `read`, `printf -v`, `env`).
    pub(in super::super) fn program_variables_in_effect(
        &mut self,
        scope: &Scope,
        env: &HashMap<String, Val>,
    ) -> Result<(), ShellError> {
        let set: Vec<(String, Val)> = env
            .iter()
            .chain(scope.vars.iter())
            .filter(|(k, _)| is_program_variable(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (k, v) in set {
            self.program_variable(&k, &v, scope)?;
        }
        Ok(())
    }

    /// A variable whose value programs run later as a command (`PAGER=sh git log`,
    /// `LESSOPEN='|cmd %s' less f`, `PS4='$(cmd)' bash -x`): the value is walked once
    /// per value, as a command reading input only known at run time (a pager is fed
    /// text the agent may have written), whichever program would use it.
    pub(in super::super) fn program_variable(
        &mut self,
        name: &str,
        value: &Val,
        scope: &Scope,
    ) -> Result<(), ShellError> {
        if !is_program_variable(name)
            || !self
                .program_values_seen
                .insert(format!("{name}\u{0}{value:?}"))
        {
            return Ok(());
        }
        // perl reads switches from PERL5OPT as from its command line (`-MFoo;code`).
        if name == "PERL5OPT" {
            match value {
                Val::Known(v) => {
                    let argv: Vec<Field> = std::iter::once("perl")
                        .chain(v.split_whitespace())
                        .chain(["-e", ""])
                        .map(|w| Field::Known(w.to_owned()))
                        .collect();
                    let mut sub = scope.clone();
                    self.dispatch(&argv, &mut sub, &HashMap::new(), Out::Nothing)?;
                }
                _ => self.write_anything("PERL5OPT only known at run time"),
            }
        }
        if LOADER_VARIABLES.contains(&name) {
            self.programs_remapped = true;
            // Code the command wrote, named by the variable (`PYTHONSTARTUP=/tmp/s.py`,
            // `NODE_OPTIONS=--require=./x.js`, `LUA_INIT=@f`), runs in what it starts.
            if let Val::Known(v) = value
                && v.split([':', ' ', '=', ','])
                    .map(|t| t.trim_start_matches('@'))
                    .any(|t| !t.is_empty() && !t.starts_with('-') && self.written_earlier(t, scope))
            {
                self.write_anything(&format!("{name} (it names code this command writes)"));
            }
            // A preloaded library runs its own code in every program, whatever it is
            // given.
            let preload = matches!(name, "LD_PRELOAD" | "LD_AUDIT" | "DYLD_INSERT_LIBRARIES");
            if preload && !matches!(value, Val::Known(v) if v.is_empty()) {
                self.write_anything(&format!("{name} (a library loaded into every program)"));
            }
            return Ok(());
        }
        if CODE_VARIABLES.contains(&name) {
            if !harmless_code_value(name, value) {
                self.write_anything(&format!(
                    "{name} (code or options a program loads and runs)"
                ));
            }
            return Ok(());
        }
        let prompt = PROMPT_VARIABLES.contains(&name);
        if !prompt && !is_command_variable(name) {
            return Ok(());
        }
        // A program that runs `$SHELL` (script, unshare, a terminal, an editor's `:!`)
        // runs a shell by that name; a path to a shell is one.
        if name == "SHELL"
            && let Val::Known(v) = value
            && !v.contains(char::is_whitespace)
            && shebang_shell(&format!("#!{v}")).is_some()
        {
            return Ok(());
        }
        let Val::Known(text) = value else {
            self.write_anything(&format!("{name} set to a command only known at run time"));
            return Ok(());
        };
        // Files of options that name outputs (wget's `output_document`, curl's `output`).
        if matches!(name, "WGETRC" | "CURL_HOME" | "SYSTEM_WGETRC") {
            self.write_anything(&format!(
                "{name} (options from a file, an output among them)"
            ));
            return Ok(());
        }
        if matches!(name, "UNZIP" | "UNZIPOPT") {
            // unzip reads options from it: `-:` keeps `..` in member names.
            if text.contains([':', '^']) {
                self.write_anything(&format!("{name} (unzip options that keep `..`)"));
            }
            return Ok(());
        }
        if matches!(name, "TAR_OPTIONS" | "GOFLAGS" | "ZIPOPT") {
            // tar, go and zip read options from it: `--to-command=…`, `-toolexec=…`,
            // `-TT cmd`.
            let program = match name {
                "GOFLAGS" => "go",
                "ZIPOPT" => "zip",
                _ => "tar",
            };
            let argv: Vec<Field> = std::iter::once(Field::Known(program.into()))
                .chain(text.split_whitespace().map(|w| Field::Known(w.to_owned())))
                .collect();
            let mut sub = scope.clone();
            self.dispatch(&argv, &mut sub, &HashMap::new(), Out::Nothing)?;
            return Ok(());
        }
        let command = if prompt {
            // A prompt is expanded like a double-quoted word: only its substitutions run.
            if !text.contains("$(") && !text.contains('`') {
                return Ok(());
            }
            format!(": \"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
        } else {
            text.trim_start_matches(['|', '-']).replace("%s", "\"$1\"")
        };
        self.run_command_text(
            &command,
            scope,
            &format!("{name} (a command programs run later)"),
        )
    }

    /// Files a shell runs before its command: `BASH_ENV` (bash), `ENV` (sh), an
    /// `--rcfile`; and for an interactive or login shell its startup files in the home
    /// folder, when this command wrote them (the user's own are not the agent's doing).
    fn startup_files(
        &mut self,
        name: &str,
        mut files: Vec<Field>,
        interactive: bool,
        scope: &Scope,
        env: &HashMap<String, Val>,
    ) -> Result<(), ShellError> {
        for var in ["BASH_ENV", "ENV"] {
            match env.get(var).or_else(|| scope.vars.get(var)) {
                Some(Val::Known(v)) if v.is_empty() => {}
                Some(v) => files.push(match v {
                    Val::Known(v) => Field::Known(v.clone()),
                    _ => Field::unknown(),
                }),
                None => {}
            }
        }
        if interactive && let Some(home) = &self.ctx.home {
            for f in [
                ".bashrc",
                ".bash_profile",
                ".bash_login",
                ".profile",
                ".zshrc",
                ".zshenv",
                ".zprofile",
                ".zlogin",
                // Run when a login shell exits.
                ".bash_logout",
                ".zlogout",
            ] {
                let p = paths::normalize(&home.join(f));
                if self.written.contains(&p) {
                    files.push(Field::Known(p.to_string_lossy().into_owned()));
                }
            }
        }
        for f in files {
            let mut sub = self.child_scope(scope, env, &[]);
            self.run_file(&f, &[], &mut sub, true, &format!("{name} (startup file)"))?;
        }
        Ok(())
    }

    pub(super) fn env_cmd(
        &mut self,
        args: &[Field],
        scope: &mut Scope,
        env: &HashMap<String, Val>,
        stdin: Out,
    ) -> Result<Out, ShellError> {
        let mut env = env.clone();
        let mut sub = scope.clone();
        let mut i = 0;
        while i < args.len() {
            let Field::Known(a) = &args[i] else { break };
            match a.as_str() {
                "-i" | "-" | "--ignore-environment" | "-0" | "--null" | "-v" | "--debug" => {}
                "-u" | "--unset" => i += 1,
                "-C" | "--chdir" => {
                    i += 1;
                    sub.cwd = args
                        .get(i)
                        .and_then(Field::known)
                        .and_then(|d| self.resolve_path(d, scope));
                }
                "-S" | "--split-string" => {
                    i += 1;
                    let parts: Option<Vec<&str>> =
                        args[i.min(args.len())..].iter().map(Field::known).collect();
                    let Some(parts) = parts else {
                        self.write_anything("env -S with a command only known at run time");
                        return Ok(Out::Unknown);
                    };
                    let text = parts.join(" ");
                    let mut s = self.child_scope(&sub, &env, &[]);
                    return self.script(&text, &mut s, stdin);
                }
                "--" => {
                    i += 1;
                    break;
                }
                // Bundled short options, values attached (`-iS'cmd'`, `-C..`, `-uX`).
                s if s.len() > 2 && s.starts_with('-') && !s.starts_with("--") => {
                    let letters: Vec<char> = s[1..].chars().collect();
                    let mut k = 0;
                    while k < letters.len() {
                        let value: String = letters[k + 1..].iter().collect();
                        match letters[k] {
                            'i' | '0' | 'v' => {
                                k += 1;
                                continue;
                            }
                            'u' => {
                                if value.is_empty() {
                                    i += 1;
                                }
                            }
                            'C' => {
                                let dir = if value.is_empty() {
                                    i += 1;
                                    args.get(i).and_then(Field::known).map(str::to_owned)
                                } else {
                                    Some(value)
                                };
                                sub.cwd = dir.and_then(|d| self.resolve_path(&d, scope));
                            }
                            'S' => {
                                let mut parts: Vec<Option<&str>> = Vec::new();
                                if !value.is_empty() {
                                    parts.push(Some(&s[s.len() - value.len()..]));
                                }
                                parts.extend(
                                    args[(i + 1).min(args.len())..].iter().map(Field::known),
                                );
                                let Some(parts) = parts.into_iter().collect::<Option<Vec<&str>>>()
                                else {
                                    self.write_anything(
                                        "env -S with a command only known at run time",
                                    );
                                    return Ok(Out::Unknown);
                                };
                                let text = parts.join(" ");
                                let mut sc = self.child_scope(&sub, &env, &[]);
                                return self.script(&text, &mut sc, stdin);
                            }
                            _ => {
                                self.write_anything(&format!(
                                    "env with an option outside the model ({s})"
                                ));
                                return Ok(Out::Unknown);
                            }
                        }
                        break;
                    }
                }
                s if s.starts_with("--unset=") => {}
                s if s.starts_with("--chdir=") => {
                    sub.cwd = self.resolve_path(&s["--chdir=".len()..], scope);
                }
                s if s.contains('=') && !s.starts_with('-') && !s.starts_with('=') => {
                    let (k, v) = s.split_once('=').unwrap_or((s, ""));
                    self.program_variable(k, &Val::Known(v.to_owned()), scope)?;
                    // bash defines `name` from `BASH_FUNC_name%%` in its environment.
                    if k.starts_with("BASH_FUNC_") {
                        self.write_anything(
                            "env with an exported shell function (BASH_FUNC_…): any program bash runs may be replaced",
                        );
                    }
                    env.insert(k.to_owned(), Val::Known(v.to_owned()));
                }
                _ => break,
            }
            i += 1;
        }
        let rest = &args[i.min(args.len())..];
        self.dispatch(rest, &mut sub, &env, stdin)
    }
}

/// Variables whose value programs run as a command.
const COMMAND_VARIABLES: [&str; 46] = [
    "SHELL",
    "RSYNC_RSH",
    "RSYNC_CONNECT_PROG",
    "ZIPOPT",
    "UNZIP",
    "UNZIPOPT",
    "GIT_EDITOR",
    "GIT_SEQUENCE_EDITOR",
    "GIT_EXTERNAL_DIFF",
    "GIT_SSH_COMMAND",
    "GIT_SSH",
    "GIT_PAGER",
    "GIT_ASKPASS",
    "GIT_PROXY_COMMAND",
    "WGETRC",
    "CURL_HOME",
    "SYSTEM_WGETRC",
    "PAGER",
    "MANPAGER",
    "SYSTEMD_PAGER",
    "EDITOR",
    "VISUAL",
    "SUDO_EDITOR",
    "BROWSER",
    "SSH_ASKPASS",
    "SUDO_ASKPASS",
    "LESSOPEN",
    "LESSCLOSE",
    "PROMPT_COMMAND",
    "FCEDIT",
    "TAR_OPTIONS",
    // Programs build tools run: the compiler and its wrappers, go's `-toolexec` in
    // GOFLAGS (walked as a command: an unknown one, given what follows).
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "CARGO_BUILD_RUSTC_WRAPPER",
    "CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER",
    "CARGO_BUILD_RUSTC",
    "CARGO_BUILD_RUSTDOC",
    "RUSTC",
    "RUSTDOC",
    "CC",
    "CXX",
    "CPP",
    "LD",
    "AR",
    "MAKE",
    "GOFLAGS",
];
/// Prompts: bash expands them, substitutions included (`PS4` under `set -x`).
const PROMPT_VARIABLES: [&str; 4] = ["PS0", "PS1", "PS2", "PS4"];
/// Code every later program (or interpreter) loads before its own: no program's
/// name is evidence of what it does any more.
const LOADER_VARIABLES: [&str; 20] = [
    "LD_PRELOAD",
    "LD_AUDIT",
    "LD_LIBRARY_PATH",
    "DYLD_INSERT_LIBRARIES",
    "DYLD_LIBRARY_PATH",
    "GCONV_PATH",
    "BASH_LOADABLES_PATH",
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSTARTUP",
    "PERL5LIB",
    "PERLLIB",
    "PERL5OPT",
    "RUBYOPT",
    "RUBYLIB",
    "NODE_OPTIONS",
    "NODE_PATH",
    "LUA_INIT",
    "LUA_PATH",
    "TCLLIBPATH",
];

/// Variables that make one program load and run code of the value's choosing: perl's
/// debugger (`PERL5DB`), Python's `breakpoint()` hook, the JVM's agents and options
/// (`-javaagent:`, `-XX:OnError=`, `@argfiles`), vi's start-up commands (`EXINIT`,
/// `VIMINIT`: `:!cmd`, `:w`), and the folders programs read their settings and plugins
/// from (`XDG_CONFIG_HOME`: `gdb/gdbinit`, `vim/vimrc`, `git/config` there run commands).
/// Only the values known to be harmless pass.
const CODE_VARIABLES: [&str; 12] = [
    "PERLDB_OPTS",
    "XDG_CONFIG_HOME",
    "XDG_CONFIG_DIRS",
    "XDG_DATA_HOME",
    "XDG_DATA_DIRS",
    "PERL5DB",
    "PYTHONBREAKPOINT",
    "JAVA_TOOL_OPTIONS",
    "_JAVA_OPTIONS",
    "JDK_JAVA_OPTIONS",
    "EXINIT",
    "VIMINIT",
];

/// Whether a code variable's value is one that runs nothing of the agent's choosing:
/// empty, breakpoints off or the usual debuggers, JVM options that only size or tune.
fn harmless_code_value(name: &str, value: &Val) -> bool {
    const JVM_VALUED: [&str; 6] = [
        "-Xmx",
        "-Xms",
        "-Xss",
        "-Dfile.encoding=",
        "-Duser.language=",
        "-Duser.timezone=",
    ];
    const JVM_FLAGS: [&str; 3] = [
        "-XX:+UseG1GC",
        "-XX:+UseSerialGC",
        "-Djava.awt.headless=true",
    ];
    let Val::Known(v) = value else { return false };
    let v = v.trim();
    match name {
        _ if v.is_empty() => true,
        "PYTHONBREAKPOINT" => matches!(
            v,
            "0" | "pdb.set_trace" | "ipdb.set_trace" | "pudb.set_trace" | "IPython.embed"
        ),
        "JAVA_TOOL_OPTIONS" | "_JAVA_OPTIONS" | "JDK_JAVA_OPTIONS" => {
            v.split_whitespace().all(|o| {
                JVM_FLAGS.contains(&o)
                    || JVM_VALUED.iter().any(|p| {
                        o.strip_prefix(p).is_some_and(|rest| {
                            rest.chars()
                                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
                        })
                    })
            })
        }
        _ => false,
    }
}

/// A loader variable that only lists folders code is loaded from.
pub(super) fn is_search_path(name: &str) -> bool {
    LOADER_VARIABLES.contains(&name) && (name.ends_with("PATH") || name.ends_with("LIB"))
}

/// A variable whose value is a command some program runs: the fixed names, cargo's
/// `CARGO_TARGET_<TRIPLE>_RUNNER`/`_LINKER`, npm's `script-shell` in any spelling.
fn is_command_variable(name: &str) -> bool {
    COMMAND_VARIABLES.contains(&name)
        || (name.starts_with("CARGO_TARGET_")
            && (name.ends_with("_RUNNER") || name.ends_with("_LINKER")))
        || name.eq_ignore_ascii_case("npm_config_script_shell")
}

fn is_program_variable(name: &str) -> bool {
    is_command_variable(name)
        || CODE_VARIABLES.contains(&name)
        || PROMPT_VARIABLES.contains(&name)
        || LOADER_VARIABLES.contains(&name)
}

/// The shell a script's `#!` line names, if it is a POSIX-family shell.
pub(super) fn shebang_shell(text: &str) -> Option<&str> {
    let line = text.lines().next()?.trim_start_matches("#!").trim();
    let mut words = line.split_whitespace();
    let first = words.next()?;
    let prog = if first.ends_with("/env") {
        words.find(|w| !w.starts_with('-'))?
    } else {
        first
    };
    let name = prog.rsplit('/').next()?;
    ["sh", "bash", "dash", "zsh", "ksh", "ash", "mksh"]
        .contains(&name)
        .then_some(name)
}
