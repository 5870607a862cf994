//! Runners: programs that run another command given as their arguments (`sudo`, `nice`,
//! `timeout`, `env`, `xargs`, `flock`, `su -c`, `npm exec`…). Each model peels its own
//! options and hands the command to `dispatch`, or walks the command string it runs;
//! what a runner writes itself (`time -o`, `strace -o`, `flock`'s lock file, `script`'s
//! typescript) is written here.

use std::path::Path;

use super::super::ShellError;
use super::super::args::{Opts, split_wrapper};
use super::super::expand::Field;
use super::super::walk::{Out, Walker};
use super::{Call, Model};

/// A runner whose options are `short` letters and `long` names that take a value, and
/// whose first operand is the command it runs. The runner is a program of its own: what
/// it runs cannot change the shell (`nice cd x`, `timeout 1 read v` change nothing).
fn peel(w: &mut Walker<'_>, c: Call<'_>, short: &str, long: &[&str]) -> Result<Out, ShellError> {
    let rest = split_wrapper(c.args, short, long);
    let mut child = c.scope.clone();
    w.dispatch(rest, &mut child, c.env, c.stdin)
}

/// As [`peel`], for runners whose first operand is a value of theirs (`timeout 5 cmd`,
/// `taskset MASK cmd`), not the command.
fn peel_after_value(
    w: &mut Walker<'_>,
    c: Call<'_>,
    short: &str,
    long: &[&str],
) -> Result<Out, ShellError> {
    let rest = split_wrapper(c.args, short, long);
    let mut child = c.scope.clone();
    w.dispatch(rest.get(1..).unwrap_or(&[]), &mut child, c.env, c.stdin)
}

pub(super) const MODELS: &[Model] = &[
    // Privilege, priority, sessions, buffering: the command runs as given.
    Model {
        names: &["sudo"],
        run: |w, c| {
            let long = &[
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
            ];
            peel(w, c, "ugpCDrtUThR", long)
        },
    },
    Model {
        names: &["doas"],
        run: |w, c| peel(w, c, "uC", &[]),
    },
    Model {
        names: &["nice"],
        run: |w, c| peel(w, c, "n", &["adjustment"]),
    },
    Model {
        names: &["ionice"],
        run: |w, c| peel(w, c, "cnpP", &["class", "classdata", "pid", "pgid", "uid"]),
    },
    Model {
        names: &[
            "nohup",
            "setsid",
            "unbuffer",
            "busybox",
            "chronic",
            "catchsegv",
            "torsocks",
            "firejail",
            "with-contenv",
            "dbus-run-session",
        ],
        run: |w, c| peel(w, c, "", &[]),
    },
    // Shell builtins and zsh's precommand modifiers run the command in this shell.
    Model {
        names: &["builtin", "nocorrect", "noglob"],
        run: |w, c| w.dispatch(c.args, c.scope, c.env, c.stdin),
    },
    Model {
        names: &["stdbuf"],
        run: |w, c| peel(w, c, "ioe", &["input", "output", "error"]),
    },
    Model {
        names: &["caffeinate"],
        run: |w, c| peel(w, c, "tw", &[]),
    },
    Model {
        names: &["proxychains", "proxychains4"],
        run: |w, c| peel(w, c, "f", &[]),
    },
    Model {
        names: &["xvfb-run"],
        run: |w, c| {
            let long = &[
                "server-num",
                "server-args",
                "error-file",
                "auth-file",
                "xauth-protocol",
                "wait",
            ];
            peel(w, c, "afnselwp", long)
        },
    },
    Model {
        names: &["systemd-run"],
        run: |w, c| {
            let long = &[
                "unit",
                "property",
                "description",
                "slice",
                "setenv",
                "working-directory",
                "uid",
                "gid",
            ];
            peel(w, c, "pEuM", long)
        },
    },
    // Namespaces and limits: the command runs as given, unless under another root or
    // working folder (`unshare -R DIR`, `-w DIR`), where no path means what it says.
    Model {
        names: &["setpriv"],
        run: |w, c| {
            let long = &[
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
            ];
            peel(w, c, "", long)
        },
    },
    Model {
        names: &["unshare"],
        run: |w, c| {
            if c.args.iter().filter_map(Field::known).any(|a| {
                a.starts_with("-R")
                    || a.starts_with("-w")
                    || super::is_long(a, "root")
                    || super::is_long(a, "wd")
            }) {
                w.write_anything("unshare with another root or working folder");
                return Ok(Out::Unknown);
            }
            let long = &[
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
            ];
            peel(w, c, "SGRwt", long)
        },
    },
    Model {
        names: &["prlimit"],
        run: |w, c| {
            // `-c`/`--core`: the program it runs may leave core files.
            if Opts::parse(c.args, "p", &["pid", "output", "core"]).has(Some('c'), &["core"]) {
                w.cores_raised = true;
            }
            peel(w, c, "p", &["pid", "output"])
        },
    },
    Model {
        names: &["chrt", "taskset"],
        run: |w, c| peel_after_value(w, c, "", &[]),
    },
    Model {
        names: &["timeout"],
        run: |w, c| peel_after_value(w, c, "sk", &["signal", "kill-after"]),
    },
    // `time -o FILE`, `strace -o FILE`: the runner writes its report.
    Model {
        names: &["time"],
        run: |w, c| {
            let o = Opts::parse(c.args, "of", &["output", "format"]);
            for f in o.all(Some('o'), &["output"]) {
                w.write(f, c.scope, false, "time -o");
            }
            // bash's `time` keyword times a command of this shell.
            let rest = split_wrapper(c.args, "of", &["output", "format"]);
            w.dispatch(rest, c.scope, c.env, c.stdin)
        },
    },
    Model {
        names: &["strace", "ltrace"],
        run: |w, c| {
            let o = Opts::parse(c.args, "oeEpPsuSbaIXU", &["output"]);
            for f in o.all(Some('o'), &["output"]) {
                w.write(f, c.scope, false, c.name);
            }
            peel(w, c, "oeEpPsuSbaIXU", &["output"])
        },
    },
    // valgrind runs its program; `--log-file=`, `--xml-file=`, `--*-out-file=` write.
    Model {
        names: &["valgrind"],
        run: |w, c| {
            for a in c.args.iter().filter_map(Field::known) {
                if let Some((k, v)) = a.split_once('=')
                    && k.starts_with("--")
                    && (k.ends_with("-file") || k.ends_with("out-file") || k.ends_with("-dir"))
                {
                    w.write(
                        &Field::Known(v.to_owned()),
                        c.scope,
                        false,
                        &format!("valgrind {k}"),
                    );
                }
            }
            peel(w, c, "", &[])
        },
    },
    Model {
        names: &["env"],
        run: |w, c| w.env_cmd(c.args, c.scope, c.env, c.stdin),
    },
    Model {
        names: &["command", "exec"],
        run: |w, c| w.command_or_exec(c),
    },
    Model {
        names: &["flock"],
        run: |w, c| {
            let o = Opts::parse(c.args, "wEc", &["timeout", "conflict-exit-code", "command"]);
            if let Some(lock) = o.operands.first() {
                w.write(lock, c.scope, false, "flock (creates its lock file)");
            }
            if let Some(cmd) = o.value(Some('c'), &["command"]).cloned() {
                return w.run_text(&cmd, c.scope, c.env, &[], "flock -c");
            }
            peel_after_value(w, c, "wE", &["timeout", "conflict-exit-code"])
        },
    },
    // `watch CMD…` joins its arguments into one shell command.
    Model {
        names: &["watch"],
        run: |w, c| {
            // `-x`: the arguments are the command itself, run without a shell.
            let rest = split_wrapper(c.args, "nqd", &["interval", "differences", "equexit"]);
            let options = &c.args[..c.args.len() - rest.len()];
            let exec = options.iter().filter_map(Field::known).any(|a| {
                a == "--exec" || (a.starts_with('-') && !a.starts_with("--") && a.contains('x'))
            });
            if exec {
                return peel(w, c, "nqd", &["interval", "differences", "equexit"]);
            }
            let rest = split_wrapper(c.args, "nqd", &["interval", "differences", "equexit"]);
            let text: Vec<String> = rest
                .iter()
                .filter_map(|f| f.known().map(str::to_owned))
                .collect();
            if text.len() < rest.len() {
                w.write_anything("watch runs a command only known at run time");
                return Ok(Out::Unknown);
            }
            w.run_text(&Field::Known(text.join(" ")), c.scope, c.env, &[], "watch")
        },
    },
    Model {
        names: &["xargs"],
        run: |w, c| w.xargs(c.args, c.scope, c.env, c.stdin),
    },
    Model {
        names: &["npx", "bunx", "pnpx"],
        run: |w, c| {
            let o = Opts::parse(c.args, "pc", &["package", "call"]);
            if let Some(cmd) = o.value(Some('c'), &["call"]).cloned() {
                return w.run_text(&cmd, c.scope, c.env, &[], "npx -c");
            }
            peel(w, c, "p", &["package"])
        },
    },
    // Package managers are trusted to build (README, residuals), but `exec`, `x` and
    // `dlx` run a command of the caller's, which is walked.
    Model {
        names: &["npm", "pnpm", "yarn"],
        run: |w, c| w.package_exec(c),
    },
    Model {
        names: &["su", "runuser", "sg"],
        run: |w, c| {
            let o = Opts::parse(
                c.args,
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
                return w.run_text(&cmd, c.scope, c.env, &[], c.name);
            }
            if c.name == "sg" && o.operands.len() >= 2 {
                return w.run_text(&o.operands[1].clone(), c.scope, c.env, &[], "sg");
            }
            if c.name == "runuser" {
                peel(w, c, "gGsuw", &["group", "supp-group", "shell", "user"])
            } else {
                Ok(Out::Unknown)
            }
        },
    },
    Model {
        names: &["script"],
        run: |w, c| {
            let o = Opts::parse(
                c.args,
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
            let typescript = o
                .operands
                .first()
                .cloned()
                .unwrap_or(Field::Known("typescript".into()));
            w.write(&typescript, c.scope, false, "script (its typescript file)");
            match o.value(Some('c'), &["command"]).cloned() {
                Some(cmd) => w.fed(&c.stdin, |w| {
                    w.run_text(&cmd, c.scope, c.env, &[], "script -c")
                }),
                None => Ok(Out::Unknown),
            }
        },
    },
];

impl Walker<'_> {
    /// `command [-v] CMD`, `exec [-a NAME] CMD`.
    fn command_or_exec(&mut self, c: Call<'_>) -> Result<Out, ShellError> {
        let args = c.args;
        if args
            .first()
            .and_then(Field::known)
            .is_some_and(|a| a == "-v" || a == "-V")
        {
            return Ok(super::program_path(args.get(1)));
        }
        let rest = split_wrapper(args, "a", &[]);
        // `exec -a NAME prog`: the program sees itself run as NAME. Our CLI runs
        // operator commands only under its own name (src/cli/mod.rs), so a NAME that
        // is, or may be, `wazir-hooks` makes `prog` count as our CLI too.
        let alias = args
            .windows(2)
            .find(|w| w[0].known() == Some("-a"))
            .map(|w| &w[1]);
        if c.name == "exec"
            && let Some(alias) = alias
            && alias
                .known()
                .is_none_or(|a| Path::new(a).file_name().is_some_and(|n| n == "wazir-hooks"))
            && !rest.is_empty()
        {
            let mut ours = rest.to_vec();
            ours[0] = Field::Known("wazir-hooks".into());
            self.dispatch(&ours, c.scope, c.env, Out::Nothing)?;
        }
        self.dispatch(rest, c.scope, c.env, c.stdin)
    }

    /// `npm exec`, `npm x`, `pnpm dlx`…: the command after the options (or `-c`'s
    /// string) is walked; any other subcommand is the trusted build.
    fn package_exec(&mut self, c: Call<'_>) -> Result<Out, ShellError> {
        let name = c.name;
        if !matches!(
            c.args.first().and_then(Field::known),
            Some("exec" | "x" | "dlx")
        ) {
            self.trusted_reach(name, c.args, c.scope);
            return Ok(Out::Unknown);
        }
        let rest = &c.args[1..];
        let words: Vec<Option<&str>> = rest.iter().map(Field::known).collect();
        if let Some(i) = words
            .iter()
            .position(|w| matches!(w, Some("-c" | "--call")))
        {
            let code = rest.get(i + 1).cloned().unwrap_or_else(Field::unknown);
            return self.run_text(&code, c.scope, c.env, &[], &format!("{name} exec -c"));
        }
        if let Some(code) = words
            .iter()
            .flatten()
            .find_map(|w| w.strip_prefix("--call="))
        {
            let code = Field::Known(code.to_owned());
            return self.run_text(&code, c.scope, c.env, &[], &format!("{name} exec -c"));
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
        self.dispatch(&command, c.scope, c.env, c.stdin)
    }
}
