//! Finds every file a shell command would write, by parsing it with a real bash grammar
//! (brush-parser) and walking the tree the way bash would run it: following `cd`,
//! variables, functions, loops, wrappers (`sudo`, `env`, `xargs`…), nested shells
//! (`bash -c`, `eval`, scripts on stdin or on disk) and interpreter one-liners.
//!
//! The result is a list of [`Write`]s; deciding whether one is protected is the caller's
//! business. A target whose value only exists when the command runs is reported as a
//! [`Target::Partial`], so the caller can deny when it could be protected.

mod args;
mod braces;
mod code;
mod commands;
mod expand;
mod find;
mod gitindex;
mod prescan;
mod walk;

use std::path::{Path, PathBuf};

/// What the analysis needs from its surroundings.
pub struct Context<'a> {
    /// Where the command starts (absolute).
    pub cwd: PathBuf,
    pub home: Option<PathBuf>,
    /// The environment the command inherits.
    pub env: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// Whether a path is, or may contain, a protected path: where searches (find, xargs
    /// over find) need to look. Everything else cannot matter.
    pub relevant: &'a (dyn Fn(&Path) -> bool + Sync),
}

/// A file the command would write.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// A fully known path (absolute, not yet normalized).
    Path(PathBuf),
    /// A path known only up to an unknown part: `dir` (absolute; `None` when unknown),
    /// then a name starting with `name_prefix`, something unknown, then `suffix`.
    Partial {
        dir: Option<PathBuf>,
        name_prefix: String,
        suffix: String,
    },
    /// Not a file: one of wazir-hooks' operator-only commands (`uninstall`, `loop reset`,
    /// `loop raise`, `install --trust`), which switch the guard off or lift a cap. The
    /// agent may not run them (README, "Self-protection").
    Operator(String),
}

/// One write: what, how far it reaches, and which part of the command does it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Write {
    pub target: Target,
    /// The write reaches everything beneath the target too (rm -r, mv, chmod -R).
    pub recursive: bool,
    /// The command or redirection responsible, for the deny reason (`rm`, `>`, `sed -i`).
    pub how: String,
    /// Whether a symlink at the target itself is followed (a write through it) or not
    /// (`rm link` removes the link, not what it points at).
    pub follow: bool,
}

/// Where a write to `lexical` lands through symlinks made earlier in the same command
/// (not on disk yet when the guard looks): `links` holds `(link, what it points at)`.
pub(crate) fn through_links(links: &[(PathBuf, PathBuf)], lexical: &Path) -> Vec<PathBuf> {
    links
        .iter()
        .filter_map(|(link, dest)| {
            lexical.strip_prefix(link).ok().map(|rest| {
                if rest.as_os_str().is_empty() {
                    dest.clone()
                } else {
                    dest.join(rest)
                }
            })
        })
        .collect()
}

/// Why a command could not be analysed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ShellError {
    #[error("the command does not parse as bash: {0}")]
    Parse(String),
    #[error("the command is too complex to analyse: {0}")]
    TooComplex(String),
}

/// Every write `command` would make when run in `ctx`.
pub fn analyze(command: &str, ctx: &Context) -> Result<Vec<Write>, ShellError> {
    let run = || {
        let mut walker = walk::Walker::new(ctx);
        let mut scope = walk::Scope::new(ctx.cwd.clone());
        walker.script(command, &mut scope, walk::Out::Nothing)?;
        walker.deferred(command, &walk::Scope::new(ctx.cwd.clone()))?;
        Ok(walker.into_writes())
    };
    // Parsing and walking recurse with a command's nesting, and a stack overflow aborts
    // the process (a crashed hook lets the call through on most hosts). Nesting past the
    // cap is refused before parsing; a deeply nested command below it is analysed on a
    // thread whose stack does not depend on the host's stack limit. Ordinary commands
    // pay for no thread.
    if walk::nesting(command) <= THREAD_ABOVE_NESTING {
        return run();
    }
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(DEEP_STACK)
            .spawn_scoped(s, run)
            .map_err(|e| ShellError::TooComplex(format!("no thread to analyse it on: {e}")))?
            .join()
            .unwrap_or_else(|_| Err(ShellError::TooComplex("the analysis failed".into())))
    })
}

/// Nesting above which the analysis gets its own large stack.
const THREAD_ABOVE_NESTING: usize = 32;
/// That stack: reserved address space, touched only as far as it is used.
const DEEP_STACK: usize = 256 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    /// The write targets of `command` run in `/w` (a directory that does not exist, so
    /// nothing is read from disk), as `(path or partial, recursive)` strings.
    fn targets(command: &str) -> Vec<String> {
        let env = |k: &str| (k == "SAFE").then(|| "build".to_owned());
        let relevant = |_: &Path| true;
        let ctx = Context {
            cwd: PathBuf::from("/w"),
            home: Some(PathBuf::from("/h")),
            env: &env,
            relevant: &relevant,
        };
        analyze(command, &ctx)
            .unwrap()
            .into_iter()
            .map(|w| {
                let t = match w.target {
                    Target::Path(p) => crate::policy::paths::normalize(&p).display().to_string(),
                    Target::Partial {
                        dir,
                        name_prefix,
                        suffix,
                    } => {
                        let dir = dir.map_or("?".into(), |d| d.display().to_string());
                        format!("{}/{name_prefix}…{suffix}", dir.trim_end_matches('/'))
                    }
                    Target::Operator(c) => format!("operator: {c}"),
                };
                if w.recursive { format!("{t} (r)") } else { t }
            })
            .collect()
    }

    #[test]
    fn redirections_and_writers() {
        assert_eq!(targets("echo x > a 2>&1 >&2"), ["/w/a"]);
        assert_eq!(targets("cat a b > c"), ["/w/c"]);
        assert_eq!(targets("tee -a x y < z"), ["/w/x", "/w/y"]);
        assert_eq!(targets("sed -n 1p f"), Vec::<String>::new());
        assert_eq!(targets("sed -i s/a/b/ f g"), ["/w/f", "/w/g"]);
        assert_eq!(targets("rm -rf d"), ["/w/d (r)"]);
        // The source may be a directory (it does not exist to tell), so the move can
        // replace a whole tree at the destination.
        assert_eq!(targets("mv a b"), ["/w/a (r)", "/w/b (r)"]);
        assert_eq!(targets("cp -t dir a b"), ["/w/dir/a", "/w/dir/b"]);
        assert_eq!(targets("dd if=a of=b"), ["/w/b"]);
    }

    #[test]
    fn shell_state_is_followed() {
        assert_eq!(targets("D=x; cd /tmp && echo > $D/y"), ["/tmp/x/y"]);
        assert_eq!(targets("echo > \"$SAFE/o\""), ["/w/build/o"]);
        assert_eq!(targets("echo > ${UNSET:-dflt}/o"), ["/w/dflt/o"]);
        assert_eq!(targets("echo > ~/n"), ["/h/n"]);
        assert_eq!(targets("touch {a,b}.txt"), ["/w/a.txt", "/w/b.txt"]);
        assert_eq!(targets("f() { rm \"$1\"; }; f q"), ["/w/q"]);
        assert_eq!(
            targets("for i in 1 2; do touch n$i; done"),
            ["/w/n1", "/w/n2"]
        );
        assert_eq!(targets("bash -c 'rm \"$1\"' _ z"), ["/w/z"]);
        assert_eq!(targets("echo 'rm k' | sh"), ["/w/k"]);
        assert_eq!(
            targets("sudo -u root env A=1 nice -n 5 timeout 3 rm j"),
            ["/w/j"]
        );
    }

    #[test]
    fn loop_bodies_run_to_a_fixpoint() {
        // The second round writes where the first set `x`.
        let t = targets("x=/a; while true; do echo > $x/f; x=/b; done");
        assert!(
            t.contains(&"/a/f".to_owned()) && t.contains(&"/b/f".to_owned()),
            "{t:?}"
        );
        let t = targets("x=/a; for ((i=0; i<9; i++)); do echo > $x/f; x=/b; done");
        assert!(t.contains(&"/b/f".to_owned()), "{t:?}");
        // A value that keeps changing is widened to unknown after two rounds.
        let t = targets("x=a; until false; do x=${x}b; echo > /w/$x; done");
        assert!(
            t.contains(&"/w/ab".to_owned()) && t.contains(&"/w/abb".to_owned()),
            "{t:?}"
        );
        assert!(t.iter().any(|p| p.contains('…')), "{t:?}");
        // A body that changes nothing is walked once.
        assert_eq!(targets("while true; do echo > /w/f; done"), ["/w/f"]);
    }

    /// Each escape dialect reads text as bash 5.2 does (checked against bash itself).
    #[test]
    fn escape_dialects_follow_bash() {
        use expand::{Escapes, backslash_escapes};
        let cases: &[(&str, Escapes, &str, bool)] = &[
            (r"a\162b", Escapes::Echo, r"a\162b", false),
            (r"a\0162b", Escapes::Echo, "arb", false),
            (r"ab\cde", Escapes::Echo, "ab", true),
            (r"a\qb\?c", Escapes::Echo, r"a\qb\?c", false),
            (r"a\162b", Escapes::PercentB, "arb", false),
            (r"a\0162b", Escapes::PercentB, "arb", false),
            (r"ab\cde", Escapes::PercentB, "ab", true),
            (r"a\162b", Escapes::Format, "arb", false),
            (r"a\0162b", Escapes::Format, "a\u{e}2b", false),
            (r"ab\cde", Escapes::Format, r"ab\cde", false),
            (r"a\qb\?c", Escapes::Format, r"a\qb?c", false),
            (r"\U00000072oles", Escapes::Format, "roles", false),
            (r"ab\0cd", Escapes::Quoted, "ab", false),
            (r"ab\x00cd", Escapes::Quoted, "ab", false),
            (r"ab\c@cd", Escapes::Quoted, "ab", false),
            (r"\ca\c[", Escapes::Quoted, "\u{1}\u{1b}", false),
            (r"a\c", Escapes::Quoted, r"a\c", false),
            (r"a\x", Escapes::Echo, r"a\x", false),
        ];
        for (text, dialect, want, stopped) in cases {
            assert_eq!(
                backslash_escapes(text, *dialect),
                ((*want).to_owned(), *stopped),
                "{text} as {dialect:?}"
            );
        }
    }

    #[test]
    fn unknown_parts_stay_partial() {
        // mktemp's random part is one component of letters and digits: its template
        // stands for it. (mktemp and the redirection write it: one write, once.)
        assert_eq!(targets("echo > \"$(mktemp)\""), ["/tmp/tmp.XXXXXXXXXX"]);
        assert_eq!(targets("echo > out/$RANDOM.log"), ["/w/out/….log"]);
        assert_eq!(targets("echo > \"$NOPE\""), ["?/…"]);
    }

    #[test]
    fn parse_errors_and_limits() {
        let env = |_: &str| None;
        let relevant = |_: &Path| true;
        let ctx = Context {
            cwd: PathBuf::from("/w"),
            home: None,
            env: &env,
            relevant: &relevant,
        };
        assert!(matches!(
            analyze("echo 'open", &ctx),
            Err(ShellError::Parse(_))
        ));
        let deep = format!("{}x{}", "$(".repeat(300), ")".repeat(300));
        assert!(matches!(
            analyze(&deep, &ctx),
            Err(ShellError::TooComplex(_))
        ));
    }
}
