//! What each command does to the file system: which arguments it writes (and how far),
//! which commands it runs in turn (wrappers, shells, `xargs`, `find -exec`), what it
//! prints for the next command in a pipe. A command not listed here is taken to read its
//! arguments, never to write them; redirections are handled for every command alike.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::ShellError;
use super::args::{Opts, split_wrapper};
use super::code::{self, Lang};
use super::expand::Field;
use super::walk::{Out, Scope, Val, Walker};
use crate::policy::paths;

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
    "ed", "ex", "vi", "vim", "nvim", "nano", "emacs", "pico", "micro", "joe", "kak", "helix", "hx",
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
        let Field::Known(program) = first else {
            // The program itself is only known at run time: it may write any path it is
            // given, so every known operand counts as written.
            for a in &argv[1..] {
                if a.known().is_some_and(|s| !s.starts_with('-')) {
                    self.write(
                        a,
                        scope,
                        false,
                        "a program only known when the command runs",
                    );
                }
            }
            return Ok(Out::Unknown);
        };
        let name = program.rsplit('/').next().unwrap_or(program).to_owned();
        let name = name.as_str();
        let args = &argv[1..];
        if let Some((_, short, long)) = WRAPPERS.iter().find(|w| w.0 == name) {
            let rest = split_wrapper(args, short, long);
            return self.dispatch(rest, scope, env, stdin);
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
                    return Ok(Out::Unknown);
                }
                let rest = split_wrapper(args, "a", &[]);
                self.dispatch(rest, scope, env, stdin)
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
                self.run_file(file, &args[1..], scope, true, name)
            }
            "trap" => {
                if let Some(Field::Known(handler)) = args.first()
                    && !handler.starts_with('-')
                {
                    let handler = handler.clone();
                    return self.script(&handler, scope, Out::Nothing);
                }
                Ok(Out::Nothing)
            }
            "cd" | "pushd" => self.cd(name, args, scope),
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
                    scope.vars.insert(a.to_owned(), Val::Known(String::new()));
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
                let line = match &stdin {
                    Out::Text(t) if t.trim_end_matches('\n').lines().count() == 1 => {
                        Some(t.trim_end_matches('\n').to_owned())
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
                    scope.vars.insert(a.to_owned(), Val::Unknown);
                }
                Ok(Out::Nothing)
            }
            "mapfile" | "readarray" => {
                let o = Opts::parse(args, "dnOsuC c", &[]);
                for n in o.operands.iter().filter_map(Field::known) {
                    scope.vars.insert(n.to_owned(), Val::Unknown);
                }
                Ok(Out::Nothing)
            }
            "echo" => {
                let mut rest = args;
                let mut newline = true;
                while let Some(Field::Known(f)) = rest.first() {
                    if f.len() > 1
                        && f.starts_with('-')
                        && f[1..].chars().all(|c| "neE".contains(c))
                    {
                        newline &= !f.contains('n');
                        rest = &rest[1..];
                    } else {
                        break;
                    }
                }
                Ok(text_of(rest).map_or(Out::Unknown, |t| {
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
            "mktemp" => self.mktemp(args, scope),
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
                    self.code(c, Lang::Other, scope, name);
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
            "mkdir" => self.simple_writer("mkdir", args, scope, "mZ", &["mode", "context"], false),
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
            "git" => self.git(args, scope, stdin),
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
                    for f in &o.operands {
                        self.write(f, scope, recursive, name);
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
            | "tcc" | "javac" | "go" | "tsc" | "esbuild" | "pandoc" | "openssl" | "gpg"
            | "protoc" | "zig" | "swiftc" | "kotlinc" | "dot" | "convert" | "magick" | "ffmpeg" => {
                self.outputs(name, args, scope)
            }
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
            _ => Ok(Out::Unknown),
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

    /// Parses and walks `text` as a new shell's script (`bash -c`, `su -c`, `watch`):
    /// the new shell sees the caller's variables, the command's prefix assignments and
    /// its own positional parameters.
    fn run_text(
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

    fn child_scope(
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
    fn run_file(
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

    fn shell(
        &mut self,
        name: &str,
        args: &[Field],
        scope: &mut Scope,
        env: &HashMap<String, Val>,
        stdin: Out,
    ) -> Result<Out, ShellError> {
        let mut command_mode = false;
        let mut stdin_mode = false;
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
                }
            } else if a.len() > 1 && (a.starts_with('-') || a.starts_with('+')) {
                for c in a[1..].chars() {
                    match c {
                        'c' => command_mode = true,
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

    fn env_cmd(
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
                    env.insert(k.to_owned(), Val::Known(v.to_owned()));
                }
                _ => break,
            }
            i += 1;
        }
        let rest = &args[i.min(args.len())..];
        self.dispatch(rest, &mut sub, &env, stdin)
    }

    fn cd(&mut self, name: &str, args: &[Field], scope: &mut Scope) -> Result<Out, ShellError> {
        let operands: Vec<&Field> = args
            .iter()
            .filter(|a| a.known().is_none_or(|s| !s.starts_with('-') || s == "-"))
            .collect();
        let old = scope.cwd.clone();
        let target = match operands.first() {
            None => self
                .ctx
                .home
                .clone()
                .or_else(|| (self.ctx.env)("HOME").map(PathBuf::from)),
            Some(Field::Known(d)) if d == "-" => None,
            Some(Field::Known(d)) => self.resolve_path(d, scope).map(|p| paths::normalize(&p)),
            Some(Field::Partial { .. }) => None,
        };
        // A cd that fails leaves later `;` commands in the old directory, so the new one is
        // trusted only when it exists, or was made earlier in this command.
        scope.cwd = target
            .filter(|t| t.is_dir() || self.written.iter().any(|w| w == t || w.starts_with(t)));
        scope.cwd_prefix = match operands.first() {
            Some(Field::Partial { prefix, .. })
                if scope.cwd.is_none() && prefix.starts_with('/') =>
            {
                Some(prefix.clone())
            }
            _ => None,
        };
        if name == "pushd" {
            scope.dir_stack.push(old);
        }
        Ok(Out::Nothing)
    }

    fn printf(&mut self, args: &[Field], scope: &mut Scope) -> Result<Out, ShellError> {
        let (var, rest) = match args {
            [Field::Known(v), Field::Known(name), rest @ ..] if v == "-v" => {
                (Some(name.clone()), rest)
            }
            _ => (None, args),
        };
        let rendered = match rest {
            [Field::Known(fmt), values @ ..] => {
                text_of(values).and_then(|_| render_printf(fmt, values))
            }
            _ => None,
        };
        if let Some(v) = var {
            scope
                .vars
                .insert(v, rendered.map_or(Val::Unknown, Val::Known));
            return Ok(Out::Nothing);
        }
        Ok(rendered.map_or(Out::Unknown, Out::Text))
    }

    fn path_util(&self, name: &str, args: &[Field], scope: &Scope) -> Out {
        let o = Opts::parse(args, "", &["relative-to", "relative-base"]);
        let Some(Field::Known(p)) = o.operands.first() else {
            return Out::Unknown;
        };
        let text = match name {
            "dirname" => Path::new(p).parent().map_or(".".into(), |d| {
                if d.as_os_str().is_empty() {
                    ".".into()
                } else {
                    d.to_string_lossy().into_owned()
                }
            }),
            "basename" => Path::new(p)
                .file_name()
                .map_or(p.clone(), |n| n.to_string_lossy().into_owned()),
            _ => match self.resolve_path(p, scope) {
                Some(abs) => paths::physical(&abs).to_string_lossy().into_owned(),
                None => return Out::Unknown,
            },
        };
        Out::Text(format!("{text}\n"))
    }

    fn mktemp(&mut self, args: &[Field], scope: &mut Scope) -> Result<Out, ShellError> {
        let o = Opts::parse(args, "p", &["tmpdir", "suffix"]);
        let template = o
            .operands
            .first()
            .and_then(Field::known)
            .unwrap_or("tmp.XXXXXXXXXX")
            .to_owned();
        let dir = match o.value(Some('p'), &["tmpdir"]).and_then(Field::known) {
            Some(d) => Some(d.to_owned()),
            None if o.has(Some('t'), &["tmpdir"]) || !template.contains('/') => {
                Some((self.ctx.env)("TMPDIR").unwrap_or_else(|| "/tmp".into()))
            }
            None => None,
        };
        let full = match dir {
            Some(d) => format!("{}/{template}", d.trim_end_matches('/')),
            None => template,
        };
        let cut = full
            .rfind("XXX")
            .map_or(full.len(), |i| full[..i].trim_end_matches('X').len());
        let end = full[cut..]
            .find(|c| c != 'X')
            .map_or(full.len(), |j| cut + j);
        let field = Field::Partial {
            prefix: full[..cut].to_owned(),
            suffix: format!(
                "{}{}",
                &full[end..],
                o.value(None, &["suffix"])
                    .and_then(Field::known)
                    .unwrap_or("")
            ),
        };
        if !o.has(Some('u'), &["dry-run"]) {
            self.write(&field, scope, false, "mktemp");
        }
        Ok(Out::Items(vec![field]))
    }

    fn sed(&mut self, args: &[Field], scope: &mut Scope) -> Result<Out, ShellError> {
        // BSD sed takes the in-place suffix as a separate, possibly empty, argument.
        let mut args = args.to_vec();
        if let Some(i) = args.iter().position(|a| a.known() == Some("-i"))
            && args.get(i + 1).and_then(Field::known) == Some("")
        {
            args.remove(i + 1);
        }
        let o = Opts::parse(&args, "efl", &["expression", "file", "line-length"]);
        let in_place = o
            .flags
            .iter()
            .any(|f| f == "-i" || f == "-I" || f == "--in-place")
            || o.values.iter().any(|(f, _)| f == "--in-place")
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
        for s in scripts.iter().filter_map(Field::known) {
            for target in code::sed_write_files(s) {
                self.write(&Field::Known(target), scope, false, "sed `w` command");
            }
        }
        if in_place {
            for f in &files {
                self.write(f, scope, false, "sed -i");
            }
        }
        Ok(Out::Unknown)
    }

    fn perl(&mut self, args: &[Field], scope: &mut Scope, stdin: Out) -> Result<Out, ShellError> {
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
                    'I' | 'M' | 'm' | 'F' | 'C' | 'd' | 'D' | 'x' | '0' | 'l' => {
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
        let mut rest = &args[i.min(args.len())..];
        if codes.is_empty() {
            match rest.first() {
                Some(script) if script.known() != Some("-") => rest = &rest[1..],
                _ => {
                    if let Out::Text(t) = &stdin {
                        codes.push(Field::Known(t.clone()));
                    }
                }
            }
        }
        for c in &codes {
            self.code(c, Lang::Perl, scope, "perl");
        }
        if in_place {
            for f in rest {
                self.write(f, scope, false, "perl -i");
            }
        }
        Ok(Out::Unknown)
    }

    fn ruby(&mut self, args: &[Field], scope: &mut Scope, stdin: Out) -> Result<Out, ShellError> {
        let o = Opts::parse(args, "erIECxKF", &[]);
        let in_place = o.flags.iter().any(|f| f == "-i")
            || args
                .iter()
                .filter_map(Field::known)
                .any(|a| a.starts_with("-i"));
        let codes: Vec<Field> = o.all(Some('e'), &[]).into_iter().cloned().collect();
        let mut files = o.operands.clone();
        if codes.is_empty() {
            if files.first().is_some_and(|f| f.known() != Some("-")) {
                files.remove(0);
            } else if let Out::Text(t) = &stdin {
                self.code(&Field::Known(t.clone()), Lang::Ruby, scope, "ruby");
            }
        }
        for c in &codes {
            self.code(c, Lang::Ruby, scope, "ruby -e");
        }
        if in_place {
            for f in &files {
                self.write(f, scope, false, "ruby -i");
            }
        }
        Ok(Out::Unknown)
    }

    fn python(&mut self, args: &[Field], scope: &mut Scope, stdin: Out) -> Result<Out, ShellError> {
        let mut i = 0;
        while i < args.len() {
            let Field::Known(a) = &args[i] else { break };
            if a == "-" || !a.starts_with('-') {
                break;
            }
            if a == "-m" || a.starts_with("-m") && a.len() > 2 {
                return Ok(Out::Unknown);
            }
            if let Some(rest) = a.strip_prefix("-c") {
                let code = if rest.is_empty() {
                    args.get(i + 1).cloned()
                } else {
                    Some(Field::Known(rest.to_owned()))
                };
                if let Some(c) = code {
                    self.code(&c, Lang::Python, scope, "python -c");
                }
                return Ok(Out::Unknown);
            }
            if a == "-W" || a == "-X" || a == "--check-hash-based-pycs" {
                i += 1;
            }
            i += 1;
        }
        let script = args.get(i);
        if script.is_none() || script.and_then(Field::known) == Some("-") {
            match stdin {
                Out::Text(t) => self.code(
                    &Field::Known(t),
                    Lang::Python,
                    scope,
                    "python reading stdin",
                ),
                Out::Unknown | Out::Items(_) => {
                    self.write_anything("python runs a script from input only known at run time")
                }
                Out::Nothing => {}
            }
        }
        Ok(Out::Unknown)
    }

    fn node(
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
                self.code(code, Lang::Node, scope, "deno eval");
            }
            return Ok(Out::Unknown);
        }
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
            self.code(c, Lang::Node, scope, &format!("{name} -e"));
        }
        if codes.is_empty() && o.operands.first().is_none_or(|f| f.known() == Some("-")) {
            match stdin {
                Out::Text(t) => {
                    self.code(&Field::Known(t), Lang::Node, scope, "node reading stdin")
                }
                Out::Unknown | Out::Items(_) => {
                    self.write_anything("node runs a script from input only known at run time")
                }
                Out::Nothing => {}
            }
        }
        Ok(Out::Unknown)
    }

    fn awk(&mut self, args: &[Field], scope: &mut Scope) -> Result<Out, ShellError> {
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
        if o.value(Some('f'), &["file"]).is_none() && !files.is_empty() {
            let program = files.remove(0);
            self.code(&program, Lang::Awk, scope, "awk");
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
    fn code(&mut self, code: &Field, lang: Lang, scope: &mut Scope, how: &str) {
        let Field::Known(text) = code else {
            self.write_anything(&format!("{how} runs code only known at run time"));
            return;
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
    }

    fn copy_like(
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
                "backup",
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
                self.write(
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
                let written = if into_dir {
                    join_field(dest, src)
                } else {
                    dest.clone()
                };
                let src_exists = src
                    .known()
                    .and_then(|s| self.resolve_path(s, scope))
                    .is_some_and(|p| p.symlink_metadata().is_ok());
                let tree = recursive && (self.is_dir_field(src, scope) || !src_exists);
                self.write(&written, scope, tree, &format!("{name} (destination)"));
                if tree {
                    self.copy_tree(src, &written, scope, name);
                }
            }
        }
        Ok(Out::Nothing)
    }

    /// A recursive copy writes, beneath its destination, every path its source holds:
    /// each is written as a path of its own, so a glob such as `**/.env` sees the copies.
    fn copy_tree(&mut self, src: &Field, dest: &Field, scope: &Scope, how: &str) {
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
    fn existing_items(&self, dir: &Field, scope: &Scope, depth: usize) -> Vec<Field> {
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

    fn is_dir_field(&self, f: &Field, scope: &Scope) -> bool {
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

    fn install(&mut self, args: &[Field], scope: &mut Scope) -> Result<Out, ShellError> {
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
                "backup",
                "strip-program",
            ],
        );
        if o.has(Some('d'), &["directory"]) {
            for f in &o.operands {
                self.write(f, scope, false, "install -d");
            }
            return Ok(Out::Nothing);
        }
        self.copy_like("install", args, scope, false)
    }

    fn ln(&mut self, name: &str, args: &[Field], scope: &mut Scope) -> Result<Out, ShellError> {
        let o = Opts::parse(args, "tS", &["target-directory", "suffix", "backup"]);
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
            if !symbolic {
                self.write(
                    target,
                    scope,
                    false,
                    &format!("{name} (a hard link lets the file be written through another name)"),
                );
            }
            self.write(&link, scope, false, &format!("{name} (creates the link)"));
            if symbolic
                && let (Field::Known(t), Field::Known(l)) = (target, &link)
                && let Some(link_abs) = self.resolve_path(l, scope).map(|p| paths::normalize(&p))
            {
                let base = link_abs.parent().map(Path::to_path_buf).unwrap_or_default();
                let dest = paths::normalize(&paths::join(&base, t, None));
                self.links.push((link_abs, dest));
            }
        }
        Ok(Out::Nothing)
    }

    fn rsync(&mut self, args: &[Field], scope: &mut Scope) -> Result<Out, ShellError> {
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
        for key in [
            "backup-dir",
            "log-file",
            "temp-dir",
            "partial-dir",
            "only-write-batch",
            "write-batch",
        ] {
            for f in o.all(if key == "temp-dir" { Some('T') } else { None }, &[key]) {
                self.write(f, scope, true, &format!("rsync --{key}"));
            }
        }
        if o.operands.len() < 2 {
            return Ok(Out::Unknown);
        }
        let remote_dest = o.operands.last().is_some_and(|l| !local(&l));
        let (Some(dest), sources) = (
            o.operands.last().filter(|_| !remote_dest),
            &o.operands[..o.operands.len() - 1],
        ) else {
            return Ok(Out::Unknown);
        };
        let removes = o.has(None, &["remove-source-files"]);
        for src in sources.iter().filter(|s| operands.contains(s)) {
            if removes {
                self.write(src, scope, true, "rsync --remove-source-files");
            }
            let merge = src
                .known()
                .is_some_and(|s| s.ends_with('/') || s.ends_with("/."));
            let written =
                if merge || !self.is_dir_field(dest, scope) && !self.is_dir_field(src, scope) {
                    dest.clone()
                } else {
                    join_field(dest, src)
                };
            self.write(&written, scope, true, "rsync (destination)");
            self.copy_tree(src, &written, scope, "rsync");
        }
        Ok(Out::Unknown)
    }

    fn simple_writer(
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

    fn attr_writer(
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
            self.write(f, scope, recursive, &how);
        }
        Ok(Out::Nothing)
    }

    fn patch(&mut self, args: &[Field], scope: &mut Scope, stdin: Out) -> Result<Out, ShellError> {
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
        if let Some(original) = o.operands.first() {
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
        self.patch_text(text, strip, &sub, "patch");
        Ok(Out::Nothing)
    }

    /// Writes every file a diff touches; a diff that cannot be read touches anything
    /// under the directory it is applied in.
    fn patch_text(&mut self, text: Option<String>, strip: Option<usize>, scope: &Scope, how: &str) {
        let targets = text
            .as_deref()
            .map(|t| crate::policy::patch::diff_targets(t, strip))
            .unwrap_or_default();
        if targets.is_empty() {
            let dir = scope
                .cwd
                .as_ref()
                .map(|c| format!("{}/", c.display()))
                .unwrap_or_default();
            self.write(
                &Field::Partial {
                    prefix: dir,
                    suffix: String::new(),
                },
                scope,
                true,
                &format!("{how} (a patch whose files cannot be read before it runs)"),
            );
        }
        for t in targets {
            self.write(&Field::Known(t), scope, false, how);
        }
    }

    fn git(&mut self, args: &[Field], scope: &mut Scope, stdin: Out) -> Result<Out, ShellError> {
        let mut sub = scope.clone();
        let mut i = 0;
        while i < args.len() {
            let Some(a) = args[i].known() else { break };
            match a {
                "-C" => {
                    i += 1;
                    sub.cwd = args
                        .get(i)
                        .and_then(Field::known)
                        .and_then(|d| self.resolve_path(d, &sub))
                        .map(|p| paths::normalize(&p));
                }
                "-c" | "--git-dir" | "--work-tree" | "--namespace" | "--exec-path"
                | "--super-prefix" | "--config-env" => i += 1,
                s if s.starts_with('-') => {}
                _ => break,
            }
            i += 1;
        }
        let Some(sub_cmd) = args.get(i).and_then(Field::known) else {
            return Ok(Out::Unknown);
        };
        let rest = &args[i + 1..];
        let root = self.git_root(&sub);
        let root_field = Field::Known(root.to_string_lossy().into_owned());
        let (before, after) = match rest.iter().position(|a| a.known() == Some("--")) {
            Some(p) => (&rest[..p], Some(&rest[p + 1..])),
            None => (rest, None),
        };
        match sub_cmd {
            "checkout" => {
                let o = Opts::parse(before, "bBc", &["orphan", "conflict", "pathspec-from-file"]);
                let creates_branch = o.has(Some('b'), &[]) || o.has(Some('B'), &["orphan"]);
                let force = o.has(Some('f'), &["force"]);
                let mut pathspecs: Vec<Field> = after.map(<[Field]>::to_vec).unwrap_or_default();
                if after.is_none() && !creates_branch {
                    for (n, f) in o.operands.iter().enumerate() {
                        let is_path = f.known().is_some_and(|s| {
                            s == "."
                                || s.contains(['*', '?'])
                                || self
                                    .resolve_path(s, &sub)
                                    .is_some_and(|p| p.symlink_metadata().is_ok())
                        });
                        if is_path || (n > 0 && o.operands.len() > 1 && f.known().is_none()) {
                            pathspecs.push(f.clone());
                        }
                    }
                }
                if pathspecs.is_empty() && force {
                    self.write(
                        &root_field,
                        &sub,
                        true,
                        "git checkout --force (discards local changes)",
                    );
                }
                for p in &pathspecs {
                    self.write(p, &sub, true, "git checkout (pathspec)");
                }
            }
            "restore" => {
                let o = Opts::parse(before, "s", &["source", "pathspec-from-file"]);
                let staged_only = o.has(Some('S'), &["staged"]) && !o.has(Some('W'), &["worktree"]);
                if !staged_only {
                    for p in o.operands.iter().chain(after.unwrap_or(&[])) {
                        self.write(p, &sub, true, "git restore");
                    }
                }
            }
            "rm" => {
                let o = Opts::parse(before, "", &["pathspec-from-file"]);
                if !o.has(None, &["cached"]) && !o.has(Some('n'), &["dry-run"]) {
                    for p in o.operands.iter().chain(after.unwrap_or(&[])) {
                        self.write(p, &sub, true, "git rm");
                    }
                }
            }
            "clean" => {
                let o = Opts::parse(before, "e", &["exclude"]);
                if !o.has(Some('n'), &["dry-run"]) {
                    let specs: Vec<Field> = o
                        .operands
                        .iter()
                        .chain(after.unwrap_or(&[]))
                        .cloned()
                        .collect();
                    if specs.is_empty() {
                        let here = sub.cwd.as_ref().map_or(root_field.clone(), |c| {
                            Field::Known(c.to_string_lossy().into_owned())
                        });
                        self.write(&here, &sub, true, "git clean");
                    }
                    for p in &specs {
                        self.write(p, &sub, true, "git clean");
                    }
                }
            }
            "mv" => {
                self.copy_like(
                    "git mv",
                    &rest
                        .iter()
                        .filter(|a| a.known() != Some("-k"))
                        .cloned()
                        .collect::<Vec<_>>(),
                    &mut sub,
                    true,
                )?;
            }
            "reset"
                if rest
                    .iter()
                    .filter_map(Field::known)
                    .any(|a| a == "--hard" || a == "--merge" || a == "--keep") =>
            {
                self.write(&root_field, &sub, true, "git reset --hard");
            }
            "stash" => {
                let action = rest.first().and_then(Field::known).unwrap_or("push");
                match action {
                    "list" | "show" | "drop" | "clear" | "create" | "store" => {}
                    "pop" | "apply" | "branch" => {
                        self.write(&root_field, &sub, true, &format!("git stash {action}"))
                    }
                    _ => match after {
                        Some(specs) if !specs.is_empty() => {
                            for p in specs {
                                self.write(p, &sub, true, "git stash");
                            }
                        }
                        _ => self.write(&root_field, &sub, true, "git stash"),
                    },
                }
            }
            "switch"
                if rest
                    .iter()
                    .filter_map(Field::known)
                    .any(|a| a == "--discard-changes" || a == "-f" || a == "--force") =>
            {
                self.write(&root_field, &sub, true, "git switch --discard-changes");
            }
            "apply" => {
                let o = Opts::parse(
                    rest,
                    "pC",
                    &["exclude", "include", "directory", "whitespace"],
                );
                let check_only = o.has(None, &["check", "stat", "numstat", "summary"])
                    || (o.has(None, &["cached"]) && !o.has(None, &["index"]));
                if !check_only {
                    let strip = o
                        .value(Some('p'), &[])
                        .and_then(Field::known)
                        .and_then(|s| s.parse().ok())
                        .or(Some(1));
                    let mut at = sub.clone();
                    at.cwd = Some(root.clone());
                    if let Some(Field::Known(d)) = o.value(None, &["directory"]) {
                        at.cwd = Some(root.join(d));
                    }
                    let files: Vec<&Field> = o
                        .operands
                        .iter()
                        .filter(|f| f.known() != Some("-"))
                        .collect();
                    if files.is_empty() {
                        let text = if let Out::Text(t) = stdin {
                            Some(t)
                        } else {
                            None
                        };
                        self.patch_text(text, strip, &at, "git apply");
                    }
                    for f in files {
                        let text = f.known().and_then(|p| self.read_file(p, &sub));
                        self.patch_text(text, strip, &at, "git apply");
                    }
                }
            }
            "worktree" if rest.first().and_then(Field::known) == Some("add") => {
                let o = Opts::parse(&rest[1..], "bB", &["reason"]);
                if let Some(p) = o.operands.first() {
                    self.write(p, &sub, true, "git worktree add");
                }
            }
            "clone" => {
                let o = Opts::parse(
                    rest,
                    "obuc",
                    &[
                        "origin",
                        "branch",
                        "upload-pack",
                        "template",
                        "config",
                        "depth",
                        "reference",
                        "separate-git-dir",
                        "jobs",
                        "filter",
                        "shallow-since",
                        "shallow-exclude",
                        "server-option",
                        "bundle-uri",
                    ],
                );
                let dir = o.operands.get(1).cloned().or_else(|| {
                    o.operands.first().and_then(Field::known).map(|u| {
                        let name = u
                            .trim_end_matches('/')
                            .rsplit(['/', ':'])
                            .next()
                            .unwrap_or(u);
                        Field::Known(name.trim_end_matches(".git").to_owned())
                    })
                });
                if let Some(d) = dir {
                    self.write(&d, &sub, true, "git clone");
                }
            }
            "init" => {
                let o = Opts::parse(
                    rest,
                    "b",
                    &[
                        "template",
                        "separate-git-dir",
                        "object-format",
                        "initial-branch",
                        "shared",
                    ],
                );
                let dir = o
                    .operands
                    .first()
                    .cloned()
                    .unwrap_or(Field::Known(".".into()));
                self.write(
                    &join_field(&dir, &Field::Known(".git".into())),
                    &sub,
                    true,
                    "git init",
                );
            }
            "config" => {
                let o = Opts::parse(rest, "f", &["file", "blob", "type", "default", "comment"]);
                for f in o.all(Some('f'), &["file"]) {
                    self.write(f, &sub, false, "git config --file");
                }
            }
            "diff" | "format-patch" | "log" | "show" => {
                let o = Opts::parse(rest, "o", &["output", "output-directory"]);
                for f in o.all(Some('o'), &["output", "output-directory"]) {
                    self.write(
                        f,
                        &sub,
                        sub_cmd == "format-patch",
                        &format!("git {sub_cmd} --output"),
                    );
                }
                if sub_cmd == "diff" && o.has(None, &["name-only", "name-status"]) {
                    return Ok(Out::Items(vec![under(&root_field)]));
                }
            }
            "ls-files" | "ls-tree" | "grep" => return Ok(Out::Items(vec![under(&root_field)])),
            _ => {}
        }
        Ok(Out::Unknown)
    }

    fn git_root(&self, scope: &Scope) -> PathBuf {
        let cwd = scope.cwd.clone().unwrap_or_else(|| self.ctx.cwd.clone());
        cwd.ancestors()
            .find(|d| d.join(".git").symlink_metadata().is_ok())
            .map_or(cwd.clone(), Path::to_path_buf)
    }

    fn tar(&mut self, args: &[Field], scope: &mut Scope) -> Result<Out, ShellError> {
        // Old-style bundled letters (`tar czf out.tgz dir`) take their values in order.
        let mut args = args.to_vec();
        if let Some(Field::Known(first)) = args.first().cloned()
            && !first.starts_with('-')
            && first.chars().all(|c| c.is_ascii_alphabetic())
        {
            args[0] = Field::Known(format!("-{first}"));
        }
        let o = Opts::parse(
            &args,
            "fCTXbHgKLNV",
            &[
                "file",
                "directory",
                "files-from",
                "exclude-from",
                "blocking-factor",
                "format",
                "listed-incremental",
                "starting-file",
                "newer",
                "after-date",
                "label",
                "owner",
                "group",
                "mode",
                "mtime",
                "transform",
                "xform",
                "use-compress-program",
                "exclude",
                "to-command",
                "info-script",
                "new-volume-script",
                "volno-file",
                "rsh-command",
                "backup",
                "suffix",
                "record-size",
                "tape-length",
                "checkpoint-action",
                "index-file",
            ],
        );
        let has = |c: char, long: &[&str]| o.has(Some(c), long);
        let extract = has('x', &["extract", "get"]);
        let create = has('c', &["create"])
            || has('r', &["append"])
            || has('u', &["update"])
            || has('A', &["catenate", "concatenate"])
            || o.has(None, &["delete"]);
        let archive = o
            .value(Some('f'), &["file"])
            .filter(|f| f.known() != Some("-"));
        if create && let Some(a) = archive {
            self.write(a, scope, false, "tar (the archive it writes)");
        }
        if extract && !has('O', &["to-stdout"]) {
            let mut at = scope.clone();
            if let Some(d) = o.value(Some('C'), &["directory"]) {
                at.cwd = d.known().and_then(|d| self.resolve_path(d, scope));
            }
            if o.operands.is_empty() {
                let dir = at
                    .cwd
                    .as_ref()
                    .map(|c| format!("{}/", c.display()))
                    .unwrap_or_default();
                self.write(
                    &Field::Partial {
                        prefix: dir,
                        suffix: String::new(),
                    },
                    &at,
                    true,
                    "tar -x (members only known when it runs)",
                );
            }
            for m in &o.operands {
                self.write(m, &at, true, "tar -x");
            }
        }
        Ok(Out::Unknown)
    }

    fn extract(
        &mut self,
        name: &str,
        args: &[Field],
        scope: &mut Scope,
    ) -> Result<Out, ShellError> {
        let mut at = scope.clone();
        let listing = match name {
            "unzip" => {
                let o = Opts::parse(args, "dxP", &[]);
                if let Some(d) = o.value(Some('d'), &[]) {
                    at.cwd = d.known().and_then(|d| self.resolve_path(d, scope));
                }
                o.has(Some('l'), &[])
                    || o.has(Some('t'), &[])
                    || o.has(Some('p'), &[])
                    || o.has(Some('v'), &[])
                    || o.has(Some('Z'), &[])
            }
            "7z" | "7za" => {
                let cmd = args.first().and_then(Field::known).unwrap_or("");
                if let Some(dir) = args
                    .iter()
                    .filter_map(Field::known)
                    .find_map(|a| a.strip_prefix("-o"))
                {
                    at.cwd = self.resolve_path(dir, scope);
                }
                if cmd == "a" || cmd == "u" || cmd == "d" {
                    if let Some(arc) = args.get(1) {
                        self.write(arc, scope, false, "7z (the archive)");
                    }
                    return Ok(Out::Unknown);
                }
                !(cmd == "x" || cmd == "e")
            }
            "cpio" => !args.iter().filter_map(Field::known).any(|a| {
                a.starts_with('-') && !a.starts_with("--") && (a.contains('i') || a.contains('p'))
                    || a == "--extract"
                    || a == "--pass-through"
            }),
            "ar" => !args
                .first()
                .and_then(Field::known)
                .is_some_and(|a| a.contains('x')),
            _ => false,
        };
        if !listing {
            let dir = at
                .cwd
                .as_ref()
                .map(|c| format!("{}/", c.display()))
                .unwrap_or_default();
            self.write(
                &Field::Partial {
                    prefix: dir,
                    suffix: String::new(),
                },
                &at,
                true,
                &format!("{name} (extracts members only known when it runs)"),
            );
        }
        Ok(Out::Unknown)
    }

    fn curl(&mut self, args: &[Field], scope: &mut Scope) -> Result<Out, ShellError> {
        let o = Opts::parse(
            args,
            "oDcdHXuAebFTwmxKrCEUYyzQtP",
            &[
                "output",
                "dump-header",
                "cookie-jar",
                "trace",
                "trace-ascii",
                "stderr",
                "libcurl",
                "output-dir",
                "data",
                "data-raw",
                "data-binary",
                "data-urlencode",
                "header",
                "request",
                "user",
                "user-agent",
                "referer",
                "cookie",
                "form",
                "upload-file",
                "write-out",
                "max-time",
                "proxy",
                "config",
                "range",
                "connect-timeout",
                "cert",
                "key",
                "cacert",
                "url",
                "retry",
                "json",
                "etag-save",
                "hsts",
                "alt-svc",
            ],
        );
        let outdir = o
            .value(None, &["output-dir"])
            .and_then(Field::known)
            .map(str::to_owned);
        let place = |f: &Field| match (&outdir, f) {
            (Some(d), Field::Known(n)) if !n.starts_with('/') => Field::Known(format!("{d}/{n}")),
            _ => f.clone(),
        };
        for f in o.all(Some('o'), &["output"]) {
            if f.known() != Some("-") {
                self.write(&place(f), scope, false, "curl -o");
            }
        }
        for key in [
            "dump-header",
            "cookie-jar",
            "trace",
            "trace-ascii",
            "stderr",
            "libcurl",
            "etag-save",
            "hsts",
            "alt-svc",
        ] {
            for f in o.all(
                if key == "dump-header" {
                    Some('D')
                } else if key == "cookie-jar" {
                    Some('c')
                } else {
                    None
                },
                &[key],
            ) {
                if f.known() != Some("-") {
                    self.write(f, scope, false, &format!("curl --{key}"));
                }
            }
        }
        if o.has(Some('O'), &["remote-name", "remote-name-all"]) {
            for url in o.operands.iter().chain(o.all(None, &["url"])) {
                let name = url
                    .known()
                    .map(url_name)
                    .map_or(Field::unknown(), Field::Known);
                self.write(&place(&name), scope, false, "curl -O");
            }
        }
        Ok(Out::Unknown)
    }

    fn wget(&mut self, args: &[Field], scope: &mut Scope) -> Result<Out, ShellError> {
        let o = Opts::parse(
            args,
            "OoaPUeiBtTwQlADRIXN",
            &[
                "output-document",
                "output-file",
                "append-output",
                "directory-prefix",
                "user-agent",
                "execute",
                "input-file",
                "base",
                "tries",
                "timeout",
                "wait",
                "quota",
                "level",
                "accept",
                "reject",
                "domains",
                "include-directories",
                "exclude-directories",
                "user",
                "password",
                "header",
                "post-data",
                "post-file",
                "load-cookies",
                "save-cookies",
                "referer",
                "limit-rate",
                "restrict-file-names",
                "ca-certificate",
            ],
        );
        for f in o
            .all(Some('o'), &["output-file"])
            .into_iter()
            .chain(o.all(Some('a'), &["append-output"]))
            .chain(o.all(None, &["save-cookies"]))
        {
            self.write(f, scope, false, "wget (log or cookie file)");
        }
        let docs = o.all(Some('O'), &["output-document"]);
        if !docs.is_empty() {
            for f in docs.into_iter().filter(|f| f.known() != Some("-")) {
                self.write(f, scope, false, "wget -O");
            }
            return Ok(Out::Unknown);
        }
        let dir = o
            .value(Some('P'), &["directory-prefix"])
            .and_then(Field::known)
            .unwrap_or(".")
            .to_owned();
        let recursive = o.has(Some('r'), &["recursive", "mirror"]) || o.has(Some('m'), &[]);
        for url in &o.operands {
            let name = url.known().filter(|_| !recursive).map(url_name);
            let f = match name {
                Some(n) => Field::Known(format!("{dir}/{n}")),
                None => Field::Partial {
                    prefix: format!("{dir}/"),
                    suffix: String::new(),
                },
            };
            self.write(&f, scope, recursive, "wget");
        }
        Ok(Out::Unknown)
    }

    fn outputs(
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
                "-d" if name == "javac" => targets.extend(next().map(|f| (f, true))),
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

    fn formatter(
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
            "sd" | "pyupgrade" => true,
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
        for f in &operands {
            let rec = self.is_dir_field(f, scope);
            self.write(f, scope, rec, &format!("{name} (rewrites files in place)"));
        }
        Ok(Out::Unknown)
    }

    fn grep_items(&self, name: &str, args: &[Field], scope: &Scope) -> Out {
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
fn walk_existing(
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

/// The shell a script's `#!` line names, if it is a POSIX-family shell.
fn shebang_shell(text: &str) -> Option<&str> {
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

/// What printing these fields as one line gives, if all are known.
fn text_of(fields: &[Field]) -> Option<String> {
    let parts: Option<Vec<&str>> = fields.iter().map(Field::known).collect();
    parts.map(|p| p.join(" "))
}

/// A printf subset: `%s`, `%d`, `%%` and backslash escapes; anything else is unknown.
fn render_printf(fmt: &str, values: &[Field]) -> Option<String> {
    let mut out = String::new();
    let mut vals = values.iter().filter_map(Field::known);
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '%' => match chars.next()? {
                '%' => out.push('%'),
                's' | 'd' | 'b' => out.push_str(vals.next().unwrap_or("")),
                _ => return None,
            },
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                '\\' => out.push('\\'),
                // Octal, hex and other escapes are not rendered here: unknown, not wrong.
                _ => return None,
            },
            _ => out.push(c),
        }
    }
    Some(out)
}

/// `dir/basename(src)`, as a copy into a directory writes.
fn join_field(dir: &Field, src: &Field) -> Field {
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
fn under(dir: &Field) -> Field {
    match dir {
        Field::Known(d) => Field::Partial {
            prefix: format!("{}/", d.trim_end_matches('/')),
            suffix: String::new(),
        },
        other => other.clone(),
    }
}

/// The file name curl/wget save a URL under.
fn url_name(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let name = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    if name.is_empty()
        || path.ends_with("//")
        || !path.contains("://")
        || path.matches('/').count() <= 2
    {
        "index.html".into()
    } else {
        name.to_owned()
    }
}
