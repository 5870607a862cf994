//! What each command does to the file system: which arguments it writes (and how far),
//! which commands it runs in turn (wrappers, shells, `xargs`, `find -exec`), what it
//! prints for the next command in a pipe. A command not listed here is taken to read its
//! arguments, never to write them; redirections are handled for every command alike.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

mod archives;
mod builtins;
mod files;
mod git;
mod interp;
mod known;
mod shells;

use builtins::text_of;
use shells::shebang_shell;

use super::ShellError;
use super::args::{Opts, is_long, split_wrapper};
use super::code::Lang;
use super::expand::Field;
use super::walk::{Out, Scope, Val, Walker};

/// Names that run the rest of their arguments as a command, with their own options that
/// take a value (short letters, long names).
const WRAPPERS: &[(&str, &str, &[&str])] = &[
    (
        "sudo",
        "ugpCDrtUThR",
        &[
            "user",
            "group",
            "prompt",
            "chdir",
            "role",
            "type",
            "other-user",
            "host",
            "close-from",
            "command-timeout",
            "chroot",
        ],
    ),
    ("doas", "uC", &[]),
    ("nice", "n", &["adjustment"]),
    (
        "ionice",
        "cnpP",
        &["class", "classdata", "pid", "pgid", "uid"],
    ),
    ("nohup", "", &[]),
    ("builtin", "", &[]),
    // Namespaces and limits: the command runs as given (a new root or working folder
    // is handled before these are peeled: see `dispatch`).
    (
        "setpriv",
        "",
        &[
            "reuid",
            "regid",
            "ruid",
            "euid",
            "rgid",
            "egid",
            "groups",
            "inh-caps",
            "ambient-caps",
            "bounding-set",
            "securebits",
            "pdeathsig",
            "selinux-label",
            "apparmor-profile",
            "landlock-access",
            "landlock-rule",
        ],
    ),
    (
        "unshare",
        "SGRwt",
        &[
            "map-user",
            "map-group",
            "setuid",
            "setgid",
            "root",
            "wd",
            "propagation",
            "setgroups",
            "kill-child",
            "monotonic",
            "boottime",
            "map-users",
            "map-groups",
        ],
    ),
    ("prlimit", "p", &["pid", "output"]),
    ("stdbuf", "ioe", &["input", "output", "error"]),
    ("setsid", "", &[]),
    ("unbuffer", "", &[]),
    ("caffeinate", "tw", &[]),
    ("nocorrect", "", &[]),
    ("noglob", "", &[]),
    ("busybox", "", &[]),
    ("chronic", "", &[]),
    ("catchsegv", "", &[]),
    ("proxychains", "f", &[]),
    ("proxychains4", "f", &[]),
    ("torsocks", "", &[]),
    ("firejail", "", &[]),
    (
        "systemd-run",
        "pEuM",
        &[
            "unit",
            "property",
            "description",
            "slice",
            "setenv",
            "working-directory",
            "uid",
            "gid",
        ],
    ),
    ("with-contenv", "", &[]),
    ("dbus-run-session", "", &[]),
    (
        "xvfb-run",
        "afnselwp",
        &[
            "server-num",
            "server-args",
            "error-file",
            "auth-file",
            "xauth-protocol",
            "wait",
        ],
    ),
];

/// Programs that write their file operands in place.
const IN_PLACE: &[&str] = &[
    "dos2unix", "unix2dos", "mac2unix", "unix2mac", "sponge", "shred", "unlink", "mkfifo", "mknod",
];

/// Text editors: they write the files they open, and some run commands (see
/// [`Walker::editor`]).
const EDITORS: &[&str] = &[
    "ed", "red", "ex", "vi", "vim", "nvim", "view", "rview", "vimdiff", "nano", "rnano", "emacs",
    "pico", "micro", "joe", "kak", "helix", "hx",
];

impl Walker<'_> {
    /// Runs one expanded command line.
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
        self.program_variables_in_effect(scope, env)?;
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
        // `unshare -R DIR` / `-w DIR`: the command runs under another root or folder.
        if name == "unshare"
            && args.iter().filter_map(Field::known).any(|a| {
                a.starts_with("-R") || a.starts_with("-w") || is_long(a, "root") || is_long(a, "wd")
            })
        {
            self.write_anything("unshare with another root or working folder");
            return Ok(Out::Unknown);
        }
        if let Some((_, short, long)) = WRAPPERS.iter().find(|w| w.0 == name) {
            let rest = split_wrapper(args, short, long);
            return self.dispatch(rest, scope, env, stdin);
        }
        if EDITORS.contains(&name) {
            self.editor(name, args, scope, &stdin);
            return Ok(Out::Unknown);
        }
        if IN_PLACE.contains(&name) {
            let o = Opts::parse(args, "", &[]);
            let operands = if name.starts_with("dos2")
                || name.starts_with("unix2")
                || name.starts_with("mac2")
            {
                // `-n IN OUT` writes OUT only.
                if o.has(Some('n'), &["newfile"]) {
                    o.operands.iter().skip(1).step_by(2).cloned().collect()
                } else {
                    o.operands.clone()
                }
            } else {
                o.operands.clone()
            };
            for f in &operands {
                self.write(f, scope, false, name);
            }
            return Ok(Out::Unknown);
        }
        if name.starts_with("python") || name.starts_with("pypy") {
            return self.python(args, scope, stdin);
        }
        if program.contains('/')
            && let Some(text) = self.read_file(program, scope)
            && (!text.starts_with("#!") || shebang_shell(&text).is_some())
        {
            // A shell script run by its path (bash runs a file without `#!` as a shell
            // script too): read it as `bash script` would.
            let mut sub = self.child_scope(scope, env, args);
            return self.script(&text, &mut sub, Out::Nothing);
        }
        // A program this command wrote (`printf … > run.sh; chmod +x run.sh; ./run.sh`)
        // cannot be read before it runs.
        if program.contains('/') && self.written_earlier(program, scope) {
            self.write_anything(&format!(
                "{program} (a program this command writes before running it)"
            ));
            return Ok(Out::Unknown);
        }
        // A program that may not be the one its name says has no model: its name is
        // no evidence of what it does.
        if name != "wazir-hooks" && self.run_elsewhere(program, name, scope, env) {
            self.unknown_program(name, args, scope, env, &stdin);
            return Ok(Out::Unknown);
        }
        self.option_commands(name, args, scope)?;
        match name {
            "env" => self.env_cmd(args, scope, env, stdin),
            "timeout" => {
                let rest = split_wrapper(args, "sk", &["signal", "kill-after"]);
                self.dispatch(rest.get(1..).unwrap_or(&[]), scope, env, stdin)
            }
            "time" => {
                let o = Opts::parse(args, "of", &["output", "format"]);
                for f in o.all(Some('o'), &["output"]) {
                    self.write(f, scope, false, "time -o");
                }
                let rest = split_wrapper(args, "of", &["output", "format"]);
                self.dispatch(rest, scope, env, stdin)
            }
            "command" | "exec" => {
                if args
                    .first()
                    .and_then(Field::known)
                    .is_some_and(|a| a == "-v" || a == "-V")
                {
                    return Ok(program_path(args.get(1)));
                }
                let rest = split_wrapper(args, "a", &[]);
                // `exec -a NAME prog`: the program sees itself run as NAME. Our CLI runs
                // operator commands only under its own name (src/cli/mod.rs), so a NAME
                // that is, or may be, `wazir-hooks` makes `prog` count as our CLI too.
                let alias = args
                    .windows(2)
                    .find(|w| w[0].known() == Some("-a"))
                    .map(|w| &w[1]);
                if name == "exec"
                    && let Some(alias) = alias
                    && alias.known().is_none_or(|a| {
                        Path::new(a).file_name().is_some_and(|n| n == "wazir-hooks")
                    })
                    && !rest.is_empty()
                {
                    let mut ours = rest.to_vec();
                    ours[0] = Field::Known("wazir-hooks".into());
                    self.dispatch(&ours, scope, env, Out::Nothing)?;
                }
                self.dispatch(rest, scope, env, stdin)
            }
            "mount" | "umount" => {
                // A mount replaces what a folder shows, and a bind mount shows a folder
                // somewhere else, where writes through it are not seen as writes to it:
                // every operand counts as written, with all beneath it.
                let o = Opts::parse(
                    args,
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
                for f in o
                    .operands
                    .iter()
                    .chain(o.value(None, &["target"]))
                    .chain(o.value(None, &["source"]))
                {
                    self.write(
                        f,
                        scope,
                        true,
                        &format!("{name} (mounts over it, or shows it elsewhere)"),
                    );
                }
                Ok(Out::Nothing)
            }
            "chrt" | "taskset" => {
                let rest = split_wrapper(args, "", &[]);
                self.dispatch(rest.get(1..).unwrap_or(&[]), scope, env, stdin)
            }
            "flock" => {
                let o = Opts::parse(args, "wEc", &["timeout", "conflict-exit-code", "command"]);
                if let Some(lock) = o.operands.first() {
                    self.write(lock, scope, false, "flock (creates its lock file)");
                }
                if let Some(cmd) = o.value(Some('c'), &["command"]).cloned() {
                    return self.run_text(&cmd, scope, env, &[], "flock -c");
                }
                let rest = split_wrapper(args, "wE", &["timeout", "conflict-exit-code"]);
                self.dispatch(rest.get(1..).unwrap_or(&[]), scope, env, stdin)
            }
            "watch" => {
                let rest = split_wrapper(args, "nqd", &["interval", "differences", "equexit"]);
                let text: Vec<String> = rest
                    .iter()
                    .filter_map(|f| f.known().map(str::to_owned))
                    .collect();
                if text.len() < rest.len() {
                    self.write_anything("watch runs a command only known at run time");
                    return Ok(Out::Unknown);
                }
                self.run_text(&Field::Known(text.join(" ")), scope, env, &[], "watch")
            }
            "xargs" => self.xargs(args, scope, env, stdin),
            "npx" | "bunx" | "pnpx" => {
                let o = Opts::parse(args, "pc", &["package", "call"]);
                if let Some(cmd) = o.value(Some('c'), &["call"]).cloned() {
                    return self.run_text(&cmd, scope, env, &[], "npx -c");
                }
                let rest = split_wrapper(args, "p", &["package"]);
                self.dispatch(rest, scope, env, stdin)
            }
            "strace" | "ltrace" => {
                let o = Opts::parse(args, "oeEpPsuSbaIXU", &["output"]);
                for f in o.all(Some('o'), &["output"]) {
                    self.write(f, scope, false, name);
                }
                let rest = split_wrapper(args, "oeEpPsuSbaIXU", &["output"]);
                self.dispatch(rest, scope, env, stdin)
            }
            "su" | "runuser" | "sg" => {
                let o = Opts::parse(
                    args,
                    "cgGsuw",
                    &[
                        "command",
                        "group",
                        "supp-group",
                        "shell",
                        "user",
                        "whitelist-environment",
                    ],
                );
                if let Some(cmd) = o.value(Some('c'), &["command"]).cloned() {
                    return self.run_text(&cmd, scope, env, &[], name);
                }
                if name == "sg" && o.operands.len() >= 2 {
                    return self.run_text(&o.operands[1].clone(), scope, env, &[], "sg");
                }
                let rest = split_wrapper(args, "gGsuw", &["group", "supp-group", "shell", "user"]);
                if name == "runuser" {
                    self.dispatch(rest, scope, env, stdin)
                } else {
                    Ok(Out::Unknown)
                }
            }
            "script" => {
                let o = Opts::parse(
                    args,
                    "cEIOBTm",
                    &[
                        "command",
                        "echo",
                        "log-in",
                        "log-out",
                        "log-io",
                        "log-timing",
                        "logging-format",
                    ],
                );
                for f in o.operands.iter().take(1) {
                    self.write(f, scope, false, "script (its typescript file)");
                }
                match o.value(Some('c'), &["command"]).cloned() {
                    Some(cmd) => self.run_text(&cmd, scope, env, &[], "script -c"),
                    None => Ok(Out::Unknown),
                }
            }
            "bash" | "sh" | "zsh" | "dash" | "ksh" | "mksh" | "ash" | "rbash" | "fish" | "yash"
            | "posh" => self.shell(name, args, scope, env, stdin),
            "eval" => {
                let parts: Option<Vec<&str>> = args.iter().map(Field::known).collect();
                match parts {
                    Some(p) => self.script(&p.join(" "), scope, stdin),
                    None => {
                        self.write_anything("eval of a string only known at run time");
                        Ok(Out::Unknown)
                    }
                }
            }
            "source" | "." => {
                let Some(file) = args.first() else {
                    return Ok(Out::Nothing);
                };
                if matches!(
                    file.known(),
                    Some("/dev/stdin" | "/dev/fd/0" | "/proc/self/fd/0")
                ) {
                    // Sourcing stdin runs what the pipe or here-string holds.
                    return match stdin {
                        Out::Text(t) => self.script(&t, scope, Out::Nothing),
                        Out::Nothing => Ok(Out::Nothing),
                        _ => {
                            self.write_anything("source of input only known at run time");
                            Ok(Out::Unknown)
                        }
                    };
                }
                self.run_file(file, &args[1..], scope, true, name)
            }
            "hash" => {
                // `hash -p PATH NAME` makes NAME run PATH.
                match args {
                    [Field::Known(flag), Field::Known(path), names @ ..]
                        if flag == "-p"
                            && !path.starts_with('-')
                            && names.iter().all(|n| n.known().is_some()) =>
                    {
                        for n in names.iter().filter_map(Field::known) {
                            self.hashed.insert(n.to_owned(), path.clone());
                        }
                    }
                    // `hash -p "$x" cat`, `hash -p/bin/rm cat`: not followed.
                    _ if args
                        .iter()
                        .any(|a| a.known().is_none_or(|a| a.starts_with("-p"))) =>
                    {
                        self.programs_remapped = true;
                    }
                    _ => {}
                }
                Ok(Out::Nothing)
            }
            "wazir-hooks" => {
                let words: Option<Vec<&str>> = args.iter().map(Field::known).collect();
                match words {
                    Some(words) => {
                        if let Some(c) = operator_command(&words) {
                            self.operator(c);
                        }
                    }
                    None => {
                        self.operator("wazir-hooks with arguments only known when it runs".into())
                    }
                }
                Ok(Out::Unknown)
            }
            "scp" => {
                let o = Opts::parse(args, "cFiJlPoSDX", &[]);
                if let Some(dest) = o
                    .operands
                    .last()
                    .filter(|d| d.known().is_none_or(|s| !s.contains(':')))
                    && o.operands.len() >= 2
                {
                    self.write(dest, scope, true, "scp (destination)");
                }
                Ok(Out::Unknown)
            }
            "alias" => {
                for a in args.iter().filter_map(Field::known) {
                    if let Some((k, v)) = a.split_once('=') {
                        self.aliases.insert(k.to_owned(), v.to_owned());
                    }
                }
                Ok(Out::Nothing)
            }
            "trap" => {
                // `trap [--] HANDLER SIGNAL…`; `-p`, `-l` only print.
                let handler = args
                    .iter()
                    .find(|a| a.known().is_none_or(|a| !a.starts_with('-') || a == "-"));
                match handler {
                    Some(Field::Known(h)) if h == "-" || h.is_empty() => Ok(Out::Nothing),
                    Some(Field::Known(h)) => {
                        let h = h.clone();
                        self.script(&h, scope, Out::Nothing)
                    }
                    Some(_) => {
                        self.write_anything("a trap handler only known at run time");
                        Ok(Out::Nothing)
                    }
                    None => Ok(Out::Nothing),
                }
            }
            "cd" | "pushd" => self.cd(name, args, scope, env),
            "popd" => {
                scope.cwd = scope.dir_stack.pop().unwrap_or(None);
                Ok(Out::Nothing)
            }
            "unset" => {
                for a in args
                    .iter()
                    .filter_map(Field::known)
                    .filter(|a| !a.starts_with('-'))
                {
                    // A caller's `local` unset from a called function is gone: what the
                    // name is given next outlives the caller (bash's dynamic scoping).
                    if self.unset_outer_local(a) {
                        scope.vars.insert(a.to_owned(), Val::Unknown);
                        continue;
                    }
                    // Unset, not empty: `${x-default}` takes the default.
                    scope.vars.remove(a);
                    scope.arrays.remove(a);
                    scope.unset.insert(a.to_owned());
                }
                Ok(Out::Nothing)
            }
            "set" => {
                let start = args
                    .iter()
                    .position(|a| a.known() == Some("--"))
                    .map(|i| i + 1)
                    .or_else(|| {
                        (!args.is_empty()
                            && args[0].known().is_some_and(|a| !a.starts_with(['-', '+'])))
                        .then_some(0)
                    });
                if let Some(i) = start {
                    scope.positional = args[i..].iter().map(Field::to_val).collect();
                }
                Ok(Out::Nothing)
            }
            "shift" => {
                let n = args
                    .first()
                    .and_then(Field::known)
                    .and_then(|a| a.parse().ok())
                    .unwrap_or(1usize);
                scope.positional.drain(..n.min(scope.positional.len()));
                Ok(Out::Nothing)
            }
            "read" => {
                let o = Opts::parse(args, "adnNptuiP", &[]);
                // Another delimiter or a count (`-d x`, `-n 3`) ends the value elsewhere:
                // unknown. Without `-r`, a backslash quotes the next character.
                let whole_line =
                    !o.has(Some('d'), &[]) && !o.has(Some('n'), &[]) && !o.has(Some('N'), &[]);
                let raw = o.has(Some('r'), &[]);
                let line = match &stdin {
                    Out::Text(t) if whole_line && t.trim_end_matches('\n').lines().count() == 1 => {
                        let l = t.trim_end_matches('\n');
                        Some(if raw {
                            l.to_owned()
                        } else {
                            let mut out = String::new();
                            let mut chars = l.chars();
                            while let Some(c) = chars.next() {
                                out.push(if c == '\\' {
                                    chars.next().unwrap_or(c)
                                } else {
                                    c
                                });
                            }
                            out
                        })
                    }
                    _ => None,
                };
                let names: Vec<String> = o
                    .operands
                    .iter()
                    .filter_map(|f| f.known().map(str::to_owned))
                    .collect();
                for (i, n) in names.iter().enumerate() {
                    let v = match (&line, names.len()) {
                        (Some(l), 1) => Val::Known(l.trim().to_owned()),
                        _ if i + 1 == names.len() => Val::Unknown,
                        _ => Val::Unknown,
                    };
                    scope.vars.insert(n.clone(), v);
                }
                if let Some(a) = o.value(Some('a'), &[]).and_then(Field::known) {
                    // `read -a arr <<< 'x y'` splits the line into the array.
                    let words = line.as_deref().map(|l| {
                        l.split_whitespace()
                            .map(|w| Val::Known(w.to_owned()))
                            .collect()
                    });
                    scope
                        .arrays
                        .insert(a.to_owned(), words.unwrap_or_else(|| vec![Val::Unknown]));
                    scope.vars.insert(a.to_owned(), Val::Unknown);
                }
                Ok(Out::Nothing)
            }
            "mapfile" | "readarray" => {
                let o = Opts::parse(args, "dnOsuC c", &[]);
                for n in o.operands.iter().filter_map(Field::known) {
                    scope.vars.insert(n.to_owned(), Val::Unknown);
                }
                // `-C CALLBACK`: evaluated as a command every `-c` lines.
                if let Some(callback) = o.value(Some('C'), &[]) {
                    self.run_text(callback, scope, &HashMap::new(), &[], "mapfile -C")?;
                }
                Ok(Out::Nothing)
            }
            "echo" => {
                let mut rest = args;
                let mut newline = true;
                let mut escapes = false;
                while let Some(Field::Known(f)) = rest.first() {
                    if f.len() > 1
                        && f.starts_with('-')
                        && f[1..].chars().all(|c| "neE".contains(c))
                    {
                        newline &= !f.contains('n');
                        escapes = f.contains('e');
                        rest = &rest[1..];
                    } else {
                        break;
                    }
                }
                Ok(text_of(rest).map_or(Out::Unknown, |t| {
                    let t = if escapes {
                        super::expand::decode_ansi_c(&t)
                    } else {
                        t
                    };
                    Out::Text(if newline { format!("{t}\n") } else { t })
                }))
            }
            "printf" => self.printf(args, scope),
            "cat" | "tac" | "head" | "tail" => {
                let o = Opts::parse(args, "nc", &["lines", "bytes"]);
                let files: Vec<&Field> = o
                    .operands
                    .iter()
                    .filter(|f| f.known() != Some("-"))
                    .collect();
                if files.is_empty() {
                    return Ok(if name == "cat" { stdin } else { Out::Unknown });
                }
                let mut text = String::new();
                for f in files {
                    match f.known().and_then(|p| self.read_file(p, scope)) {
                        Some(t) if name == "cat" => text.push_str(&t),
                        _ => return Ok(Out::Unknown),
                    }
                }
                Ok(Out::Text(text))
            }
            "pwd" => Ok(scope
                .cwd
                .as_ref()
                .map_or(Out::Unknown, |c| Out::Text(format!("{}\n", c.display())))),
            "dirname" | "basename" | "realpath" | "readlink" => {
                Ok(self.path_util(name, args, scope))
            }
            "mktemp" => self.mktemp(args, scope, env),
            "xxd" => {
                let o = Opts::parse(
                    args,
                    "cglsoC",
                    &["cols", "groupsize", "len", "seek", "offset"],
                );
                if let Some(out) = o.operands.get(1) {
                    self.write(out, scope, false, "xxd (its output file)");
                }
                Ok(Out::Unknown)
            }
            "tee" => {
                let o = Opts::parse(args, "", &["output-error"]);
                for f in &o.operands {
                    self.write(f, scope, false, "tee");
                }
                Ok(stdin)
            }
            "sed" => self.sed(args, scope),
            "perl" => self.perl(args, scope, stdin),
            "ruby" => self.ruby(args, scope, stdin),
            "node" | "nodejs" | "bun" | "deno" => self.node(name, args, scope, stdin),
            "php" | "lua" | "luajit" | "Rscript" | "R" => {
                let o = Opts::parse(args, "reflc", &["eval"]);
                for c in o
                    .all(Some('r'), &[])
                    .into_iter()
                    .chain(o.all(Some('e'), &["eval"]))
                {
                    self.code(c, Lang::Other, scope, name)?;
                }
                Ok(Out::Unknown)
            }
            "awk" | "gawk" | "mawk" | "nawk" | "busybox-awk" => self.awk(args, scope),
            "cp" => self.copy_like("cp", args, scope, false),
            "mv" => self.copy_like("mv", args, scope, true),
            "install" => self.install(args, scope),
            "ln" | "link" => self.ln(name, args, scope),
            "rsync" => self.rsync(args, scope),
            "rm" => {
                let o = Opts::parse(args, "", &["interactive", "preserve-root"]);
                let recursive = o.has(Some('r'), &["recursive"]) || o.has(Some('R'), &[]);
                for f in &o.operands {
                    self.write_nofollow(
                        f,
                        scope,
                        recursive,
                        if recursive { "rm -r" } else { "rm" },
                    );
                }
                Ok(Out::Nothing)
            }
            "rmdir" => {
                let o = Opts::parse(args, "", &[]);
                let parents = o.has(Some('p'), &["parents"]);
                for f in &o.operands {
                    self.write_nofollow(f, scope, false, "rmdir");
                    if parents && let Some(s) = f.known() {
                        let mut p = Path::new(s);
                        while let Some(parent) = p.parent().filter(|p| !p.as_os_str().is_empty()) {
                            self.write(
                                &Field::Known(parent.to_string_lossy().into_owned()),
                                scope,
                                false,
                                "rmdir -p",
                            );
                            p = parent;
                        }
                    }
                }
                Ok(Out::Nothing)
            }
            "truncate" => self.simple_writer(
                "truncate",
                args,
                scope,
                "srо",
                &["size", "reference"],
                false,
            ),
            "touch" => {
                self.simple_writer("touch", args, scope, "drt", &["date", "reference"], false)
            }
            "mkdir" => {
                let o = Opts::parse(args, "mZ", &["mode", "context"]);
                for d in o.operands.iter().filter_map(Field::known) {
                    if let Some(p) = self.resolve_path(d, scope) {
                        self.dirs_made.push(crate::policy::paths::normalize(&p));
                    }
                }
                self.simple_writer("mkdir", args, scope, "mZ", &["mode", "context"], false)
            }
            "chmod" | "chown" | "chgrp" | "chattr" | "setfacl" | "chcon" => {
                self.attr_writer(name, args, scope)
            }
            "dd" => {
                for a in args.iter().filter_map(Field::known) {
                    if let Some(of) = a.strip_prefix("of=") {
                        self.write(&Field::Known(of.to_owned()), scope, false, "dd of=");
                    }
                }
                for a in args.iter() {
                    if let Field::Partial { prefix, suffix } = a
                        && let Some(p) = prefix.strip_prefix("of=")
                    {
                        self.write(
                            &Field::Partial {
                                prefix: p.to_owned(),
                                suffix: suffix.clone(),
                            },
                            scope,
                            false,
                            "dd of=",
                        );
                    }
                }
                Ok(Out::Unknown)
            }
            "patch" => self.patch(args, scope, stdin),
            "apply_patch" | "applypatch" => {
                // Codex puts these on the agent's PATH: an envelope as the argument or on
                // stdin.
                let text = match (args.first(), stdin) {
                    (Some(Field::Known(t)), _) => Some(t.clone()),
                    (None, Out::Text(t)) => Some(t),
                    _ => None,
                };
                let targets = text
                    .as_deref()
                    .map(crate::policy::patch::envelope_targets)
                    .unwrap_or_default();
                if targets.is_empty() {
                    self.write_anything(
                        "apply_patch (a patch whose files cannot be read before it runs)",
                    );
                }
                for t in targets {
                    self.write(&Field::Known(t), scope, true, "apply_patch");
                }
                Ok(Out::Nothing)
            }
            "git" => self.git(args, scope, env, stdin),
            "find" => self.find(args, scope, env),
            "tar" | "bsdtar" | "gtar" => self.tar(args, scope),
            "unzip" | "7z" | "7za" | "cpio" | "unrar" | "ar" => self.extract(name, args, scope),
            "zip" => {
                let o = Opts::parse(args, "bnPtxiOZ", &[]);
                if let Some(archive) = o.operands.first() {
                    self.write(archive, scope, false, "zip");
                }
                if o.has(Some('m'), &["move"]) {
                    for f in o.operands.iter().skip(1) {
                        self.write(f, scope, true, "zip -m (removes what it archives)");
                    }
                }
                Ok(Out::Unknown)
            }
            "gzip" | "gunzip" | "bzip2" | "bunzip2" | "xz" | "unxz" | "lzma" | "unlzma"
            | "zstd" | "unzstd" | "lz4" | "compress" | "uncompress" | "pigz" | "brotli" => {
                let o = Opts::parse(args, "SbLo", &["suffix", "output"]);
                let to_stdout = o.has(Some('c'), &["stdout", "to-stdout"])
                    || o.has(Some('t'), &["test"])
                    || o.has(Some('l'), &["list"]);
                if !to_stdout {
                    let recursive = o.has(Some('r'), &["recursive"]);
                    let decompress = name.starts_with("gun")
                        || name.starts_with("un")
                        || name.starts_with("bun")
                        || o.has(Some('d'), &["decompress", "uncompress"]);
                    // `-N` restores the name kept in the archive: any name in its folder.
                    let named = decompress && o.has(Some('N'), &["name"]);
                    for f in &o.operands {
                        self.write(f, scope, recursive, name);
                        if named {
                            let dir = f
                                .known()
                                .and_then(|s| s.rsplit_once('/'))
                                .map_or(".", |(d, _)| d);
                            let anywhere = Field::Partial {
                                prefix: format!("{}/", if dir.is_empty() { "/" } else { dir }),
                                suffix: String::new(),
                            };
                            self.write(
                                &anywhere,
                                scope,
                                false,
                                &format!("{name} -N (the name kept in the archive)"),
                            );
                        }
                        // Decompressing `x.pem.xz` writes `x.pem`.
                        if decompress
                            && let Field::Known(s) = f
                            && let Some((stem, _)) = s.rsplit_once('.')
                            && !stem.is_empty()
                        {
                            self.write(&Field::Known(stem.to_owned()), scope, recursive, name);
                        }
                    }
                }
                for f in o.all(Some('o'), &["output"]) {
                    self.write(f, scope, false, name);
                }
                Ok(Out::Unknown)
            }
            "curl" => self.curl(args, scope),
            "wget" => self.wget(args, scope),
            "sort" => {
                let o = Opts::parse(
                    args,
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
                    self.write(f, scope, false, "sort -o");
                }
                Ok(Out::Unknown)
            }
            "uniq" => {
                let o = Opts::parse(args, "fsw", &["skip-fields", "skip-chars", "check-chars"]);
                if let Some(out) = o.operands.get(1) {
                    self.write(out, scope, false, "uniq (its output file)");
                }
                Ok(Out::Unknown)
            }
            "split" | "csplit" => {
                let o = Opts::parse(
                    args,
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
                let prefix = match name {
                    "split" => o
                        .operands
                        .get(1)
                        .cloned()
                        .unwrap_or(Field::Known("x".into())),
                    _ => o
                        .value(Some('f'), &["prefix"])
                        .cloned()
                        .unwrap_or(Field::Known("xx".into())),
                };
                let p = match prefix {
                    Field::Known(p) => Field::Partial {
                        prefix: p,
                        suffix: String::new(),
                    },
                    other => other,
                };
                self.write(&p, scope, false, name);
                Ok(Out::Unknown)
            }
            "rename" | "prename" | "perl-rename" | "file-rename" => {
                let o = Opts::parse(args, "e", &[]);
                for f in o.operands.iter().skip(1) {
                    self.write(f, scope, true, "rename");
                }
                Ok(Out::Unknown)
            }
            "gcc" | "g++" | "cc" | "c++" | "clang" | "clang++" | "rustc" | "ld" | "as" | "nasm"
            | "iconv" | "tcc" | "javac" | "go" | "tsc" | "esbuild" | "pandoc" | "openssl"
            | "gpg" | "protoc" | "zig" | "swiftc" | "kotlinc" | "dot" | "convert" | "magick"
            | "ffmpeg" => self.outputs(name, args, scope),
            "prettier" | "black" | "isort" | "autopep8" | "yapf" | "rustfmt" | "gofmt"
            | "goimports" | "clang-format" | "shfmt" | "eslint" | "stylua" | "ruff" | "biome"
            | "dprint" | "standard" | "terraform" | "autoflake" | "pyupgrade" | "yq" | "sd"
            | "jq" => self.formatter(name, args, scope),
            "grep" | "egrep" | "fgrep" | "rg" | "ag" | "ack" => {
                Ok(self.grep_items(name, args, scope))
            }
            "fd" | "fdfind" => {
                let o = Opts::parse(
                    args,
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
                Ok(Out::Items(self.existing_items(&root, scope, usize::MAX)))
            }
            "ls" => {
                let o = Opts::parse(
                    args,
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
                let mut items = Vec::new();
                let depth = if o.has(Some('R'), &["recursive"]) {
                    usize::MAX
                } else {
                    1
                };
                for d in dirs {
                    if o.has(Some('d'), &["directory"]) {
                        items.push(d);
                    } else {
                        items.extend(self.existing_items(&d, scope, depth));
                    }
                }
                Ok(Out::Items(items))
            }
            // What `date` prints is not known, but its shape is: no `/` unless the format
            // asks for one. A stand-in keeps `> /tmp/$(date +%s).log` one file in /tmp.
            "date" => {
                let shaped = args.iter().all(|a| {
                    a.known().is_some_and(|a| {
                        !a.contains('/')
                            && !a.contains("%D")
                            && !a.contains("%x")
                            && !a.contains("%c")
                    })
                });
                let sets = args
                    .iter()
                    .filter_map(Field::known)
                    .any(|a| a == "-s" || a.starts_with("--set"));
                Ok(if shaped && !sets {
                    Out::Text("0\n".into())
                } else {
                    Out::Unknown
                })
            }
            // `python -m json.tool [IN [OUT]]`.
            "json.tool" => {
                let o = Opts::parse(args, "", &["indent"]);
                if let Some(out) = o.operands.get(1) {
                    self.write(out, scope, false, "json.tool (its output file)");
                }
                Ok(Out::Unknown)
            }
            // Package managers are trusted to build (README, residuals), but `exec`,
            // `x` and `dlx` run a command of the caller's, which is walked.
            "npm" | "pnpm" | "yarn"
                if matches!(
                    args.first().and_then(Field::known),
                    Some("exec" | "x" | "dlx")
                ) =>
            {
                let rest = &args[1..];
                let words: Vec<Option<&str>> = rest.iter().map(Field::known).collect();
                if let Some(i) = words
                    .iter()
                    .position(|w| matches!(w, Some("-c" | "--call")))
                {
                    let code = rest.get(i + 1).cloned().unwrap_or_else(Field::unknown);
                    return self.run_text(&code, scope, env, &[], &format!("{name} exec -c"));
                }
                if let Some(code) = words
                    .iter()
                    .flatten()
                    .find_map(|w| w.strip_prefix("--call="))
                {
                    let code = Field::Known(code.to_owned());
                    return self.run_text(&code, scope, env, &[], &format!("{name} exec -c"));
                }
                let start = match words.iter().position(|w| *w == Some("--")) {
                    Some(i) => i + 1,
                    None => words
                        .iter()
                        .position(|w| w.is_none_or(|w| !w.starts_with('-')))
                        .unwrap_or(rest.len()),
                };
                let command = rest.get(start..).unwrap_or(&[]).to_vec();
                if command.is_empty() {
                    return Ok(Out::Unknown);
                }
                self.dispatch(&command, scope, env, stdin)
            }
            // cargo's `--config` can name programs it runs (a target's runner, a rustc
            // wrapper, a linker, an alias) or a file of such settings.
            "cargo"
                if args.iter().enumerate().any(|(i, a)| match a.known() {
                    Some(w) if is_long(w, "config") => {
                        let value = w
                            .split_once('=')
                            .map(|(_, v)| Field::Known(v.to_owned()))
                            .or_else(|| args.get(i + 1).cloned());
                        value
                            .and_then(|v| v.known().map(str::to_owned))
                            .is_none_or(|v| match v.split_once('=') {
                                Some((k, _)) => [
                                    "runner",
                                    "wrapper",
                                    "linker",
                                    "alias",
                                    "rustc",
                                    "rustdoc",
                                    "cargo-new",
                                    "credential",
                                    "env",
                                ]
                                .iter()
                                .any(|r| k.to_ascii_lowercase().contains(r)),
                                None => true,
                            })
                    }
                    _ => false,
                }) =>
            {
                self.write_anything(
                    "cargo --config naming a program it runs, or a file of settings",
                );
                Ok(Out::Unknown)
            }
            "which" => Ok(program_path(
                args.iter()
                    .find(|a| a.known().is_none_or(|a| !a.starts_with('-'))),
            )),
            "make" | "gmake" => {
                // Trusted to build (README, residuals), but not with recipes or a shell of
                // the caller's: `--eval`, a makefile on stdin or written by this command,
                // `SHELL=`.
                let words: Vec<Option<&str>> = args.iter().map(Field::known).collect();
                let shell = env.contains_key("SHELL")
                    || words
                        .iter()
                        .flatten()
                        .any(|w| w.starts_with("SHELL=") || w.starts_with(".SHELLFLAGS="));
                if shell {
                    self.write_anything("make with a shell of the caller's (SHELL=)");
                }
                let code = words.iter().enumerate().any(|(i, w)| match w {
                    Some(w) if w.starts_with("--eval") => true,
                    Some("-f" | "--file" | "--makefile") => match words.get(i + 1) {
                        Some(Some(f)) => {
                            *f == "-" || f.starts_with("/dev/") || self.written_earlier(f, scope)
                        }
                        _ => true,
                    },
                    _ => false,
                });
                if code {
                    self.unknown_program(name, args, scope, env, &stdin);
                }
                Ok(Out::Unknown)
            }
            "enable" => {
                // `enable -f lib.so NAME` loads a builtin that may replace any command.
                if args.iter().any(|a| {
                    a.known()
                        .is_none_or(|a| a.starts_with('-') && a.contains('f'))
                }) {
                    self.programs_remapped = true;
                }
                Ok(Out::Nothing)
            }
            "less" => {
                // `-o FILE` copies the input into FILE; a `+` command may run `!cmd`
                // or `|cmd`.
                let o = Opts::parse(
                    args,
                    "oOkbhjPxyz",
                    &["log-file", "LOG-FILE", "lesskey-file"],
                );
                for f in o
                    .all(Some('o'), &["log-file"])
                    .into_iter()
                    .chain(o.all(Some('O'), &["LOG-FILE"]))
                {
                    self.write(f, scope, false, "less -o (log file)");
                }
                if args.iter().any(|a| {
                    a.known()
                        .is_none_or(|a| a.starts_with('+') && a.contains(['!', '|', 's']))
                }) {
                    self.write_anything(
                        "less with a start-up command that may run a command or save a file",
                    );
                }
                Ok(Out::Unknown)
            }
            "tree" => {
                let o = Opts::parse(args, "oLPIH", &["charset", "filelimit", "timefmt", "sort"]);
                if let Some(out) = o.value(Some('o'), &[]) {
                    self.write(out, scope, false, "tree -o");
                }
                Ok(Out::Unknown)
            }
            _ if known::READS_ONLY.contains(&name) || known::TRUSTED.contains(&name) => {
                Ok(Out::Unknown)
            }
            _ => {
                self.unknown_program(name, args, scope, env, &stdin);
                Ok(Out::Unknown)
            }
        }
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
        if program.contains('/') {
            return !SYSTEM.iter().any(|d| {
                program
                    .strip_prefix(d)
                    .is_some_and(|rest| !rest.contains('/'))
            });
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
    fn unknown_program(
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
            if a.contains(char::is_whitespace) {
                candidates.extend(
                    a.split(|c: char| c.is_whitespace() || "'\";(),=<>|&`".contains(c))
                        .filter(|w| w.contains('/') && !w.contains("://"))
                        .map(str::to_owned),
                );
            }
        }
        for v in env.values() {
            if let Val::Known(v) = v {
                candidates.push(v.clone());
            }
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
            self.write(&Field::Known(c), scope, true, &how);
        }
        // Run inside a protected folder (`cd roles && tool`). The tool call's own working
        // directory is left to the host's: agents run tools at the project root all day.
        if scope.cwd.as_deref() != Some(self.ctx.cwd.as_path()) {
            self.write(&Field::Known(".".into()), scope, false, &how);
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
