//! Commands that run other commands: shells (`bash -c`, scripts by name, scripts on
//! stdin), `env`, and the helpers that start a nested shell's scope.

use std::collections::HashMap;

use super::super::ShellError;
use super::super::expand::Field;
use super::super::walk::{Out, Scope, Val, Walker};
use crate::policy::paths;

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
                self.script(&t, &mut sub, Out::Nothing)
            }
            Field::Partial { .. } => {
                self.write_anything(&format!("{how} runs a command only known at run time"));
                Ok(Out::Unknown)
            }
        }
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
        let created_here = full
            .as_ref()
            .is_none_or(|f| self.written.iter().any(|w| w == f));
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
                s if s.starts_with("--unset=") => {}
                s if s.starts_with("--chdir=") => {
                    sub.cwd = self.resolve_path(&s["--chdir=".len()..], scope);
                }
                s if s.contains('=') && !s.starts_with('-') && !s.starts_with('=') => {
                    let (k, v) = s.split_once('=').unwrap_or((s, ""));
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
