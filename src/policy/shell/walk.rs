//! The tree walk: runs a parsed program symbolically, keeping what bash would keep (the
//! working directory, variables, positional parameters, functions, what flows through a
//! pipe) and collecting the writes commands and redirections make.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use globset::GlobMatcher;

use brush_parser::ast::{
    self, Command, CommandPrefixOrSuffixItem, CompoundCommand, IoFileRedirectKind,
    IoFileRedirectTarget, IoRedirect,
};

use super::expand::Field;
use super::{Context, ShellError, Target, Write};

/// How deep `bash -c`, `eval`, scripts and functions may nest.
const MAX_DEPTH: usize = 24;
/// How deeply a script may nest before it is refused unparsed: parsing and walking
/// recurse with the nesting, and no real command comes near this.
const MAX_NESTING: usize = 200;

/// An upper bound on a script's syntactic nesting, found without parsing: brackets,
/// backquotes and compound-command keywords all count, quoting is ignored (so the bound
/// errs high, never low).
pub(super) fn nesting(text: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let mut backquotes = 0usize;
    for c in text.chars() {
        match c {
            '(' | '{' | '[' => depth += 1,
            ')' | '}' | ']' => depth = depth.saturating_sub(1),
            '`' => backquotes += 1,
            _ => continue,
        }
        max = max.max(depth + backquotes);
    }
    let mut kw = 0usize;
    for word in text.split(|c: char| c.is_whitespace() || c == ';' || c == '&' || c == '|') {
        match word {
            "if" | "while" | "until" | "for" | "case" | "select" => {
                kw += 1;
                max = max.max(depth + kw);
            }
            "fi" | "done" | "esac" => kw = kw.saturating_sub(1),
            _ => {}
        }
    }
    max.max(kw)
}

/// How many commands one analysis may visit (loops and functions multiply them).
const MAX_STEPS: usize = 50_000;
/// Largest file read as a script, a patch or a command's input.
pub(super) const MAX_READ: u64 = 1024 * 1024;

/// A variable's value as far as the analysis knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Val {
    Known(String),
    /// Set, but to something only known when the command runs.
    Unknown,
    /// Known text around an unknown middle (`/tmp/tmp.` + random, from `mktemp`).
    Partial(String, String),
}

impl Val {
    /// The value as a word of a command line.
    pub(super) fn to_field(&self) -> Field {
        match self {
            Val::Known(s) => Field::Known(s.clone()),
            Val::Unknown => Field::unknown(),
            Val::Partial(prefix, suffix) => Field::Partial {
                prefix: prefix.clone(),
                suffix: suffix.clone(),
            },
        }
    }
}

/// What a command prints (and so what the next command in a pipe reads).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Out {
    /// Nothing known to be printed (or stdin inherited from the agent's tool).
    Nothing,
    Text(String),
    /// A list of paths (find, grep -l, ls): each item possibly partial.
    Items(Vec<Field>),
    /// Output that cannot be known before running.
    Unknown,
}

impl Out {
    /// What two commands run one after the other print.
    pub(super) fn then(self, next: Out) -> Out {
        match (self, next) {
            (Out::Nothing, b) => b,
            (a, Out::Nothing) => a,
            (Out::Text(mut a), Out::Text(b)) => {
                a.push_str(&b);
                Out::Text(a)
            }
            _ => Out::Unknown,
        }
    }
}

/// What bash keeps per (sub)shell.
#[derive(Clone, Debug)]
pub(super) struct Scope {
    pub vars: HashMap<String, Val>,
    /// `None` once a `cd` went somewhere unknown.
    pub cwd: Option<PathBuf>,
    pub positional: Vec<Val>,
    /// `$0`.
    pub arg0: Option<Val>,
    /// Indexed arrays (`a=(x y)`), element by element.
    pub arrays: HashMap<String, Vec<Val>>,
    /// `declare -n name=target`: reads and writes of `name` go to `target`.
    pub namerefs: HashMap<String, String>,
    /// When `cwd` is unknown but known to start with this text (`cd "$(mktemp -d)"`).
    pub cwd_prefix: Option<String>,
    pub dir_stack: Vec<Option<PathBuf>>,
    /// Names `unset` in this command: not looked up in the environment any more.
    pub unset: std::collections::HashSet<String>,
}

impl Scope {
    /// Every variable's value unknown: something set a variable whose name is not known.
    pub(super) fn forget_values(&mut self) {
        for v in self.vars.values_mut() {
            *v = Val::Unknown;
        }
    }

    /// Joins another possible state into this one, for code that may or may not have
    /// run: a variable that differs becomes what both values share (`/tmp/a` and
    /// `/tmp/b` give `/tmp/…`), or unknown; a working directory that differs becomes
    /// unknown, starting with what both paths share.
    pub(super) fn join(&mut self, other: &Scope) {
        let names: Vec<String> = self.vars.keys().chain(other.vars.keys()).cloned().collect();
        for k in names {
            let joined = match (self.vars.get(&k), other.vars.get(&k)) {
                (Some(a), Some(b)) if a == b => continue,
                (Some(Val::Known(a)), Some(Val::Known(b))) => shared(a, b),
                _ => Val::Unknown,
            };
            self.vars.insert(k, joined);
        }
        let arrays: Vec<String> = self
            .arrays
            .keys()
            .chain(other.arrays.keys())
            .cloned()
            .collect();
        for k in arrays {
            if self.arrays.get(&k) != other.arrays.get(&k) {
                self.arrays.insert(k, vec![Val::Unknown]);
            }
        }
        if self.cwd != other.cwd {
            self.cwd_prefix = match (&self.cwd, &other.cwd) {
                (Some(a), Some(b)) => {
                    let (a, b) = (a.to_string_lossy(), b.to_string_lossy());
                    Some(a[..common_prefix(&a, &b)].to_owned()).filter(|p| p.starts_with('/'))
                }
                _ => None,
            };
            self.cwd = None;
        }
    }

    pub(super) fn new(cwd: PathBuf) -> Scope {
        Scope {
            vars: HashMap::new(),
            cwd: Some(cwd),
            positional: Vec::new(),
            arg0: None,
            arrays: HashMap::new(),
            namerefs: HashMap::new(),
            cwd_prefix: None,
            unset: std::collections::HashSet::new(),
            dir_stack: Vec::new(),
        }
    }
}

pub(super) struct Walker<'a> {
    pub ctx: &'a Context<'a>,
    writes: Vec<Write>,
    depth: usize,
    steps: usize,
    /// Symlinks made earlier in this command: (link, what it points at), both absolute.
    pub links: Vec<(PathBuf, PathBuf)>,
    /// The text of those made with a relative one: moved or copied as a link, it points
    /// elsewhere from its new place.
    pub link_texts: Vec<(PathBuf, String)>,
    /// Paths something made earlier in this command that may be symlinks to anywhere
    /// (interpreter code that makes links, a program without a model): a write beneath
    /// one lands somewhere unknown.
    pub maybe_links: Vec<PathBuf>,
    /// Paths the command made that may be symlinks themselves (a patch's file in
    /// git's link mode): a later write that follows one lands where it points.
    pub maybe_link_files: Vec<PathBuf>,
    /// Folders whose entries this command may have made symlinks (an archive
    /// extracted, a repository cloned there): a path two levels beneath, or one entry
    /// written through, may land anywhere.
    pub maybe_link_entries: Vec<PathBuf>,
    /// Builtins `enable -n` turned off: their names run programs on `PATH` instead.
    pub disabled: std::collections::HashSet<String>,
    /// `readonly` names, with the value each had when it was made read-only: later
    /// assignments fail, so that value stays.
    pub readonly: HashMap<String, Option<Val>>,
    /// The repository folder of the tool call's own working directory, once looked up.
    pub own_git_dir: Option<Option<PathBuf>>,
    /// A DEBUG trap with `extdebug` may skip any command.
    pub skippable: bool,
    /// The running `find` follows symlinks: 0 never, 1 its start points (`-H`), 2 all
    /// (`-L`).
    pub find_follows: u8,
    /// Programs a compiler built earlier in this command (`gcc -o build/t t.c`), with
    /// the text of their sources when known: run, their sources' literals are scanned as
    /// code, and they are programs without a model, judged by what they are given.
    pub built: Vec<(PathBuf, Option<Vec<String>>)>,
    pub(super) functions: HashMap<String, Rc<ast::FunctionBody>>,
    /// Files written earlier in this command, so a script created and then run is known
    /// to be unknowable rather than mistaken for one that does not exist.
    pub written: Written,
    /// What each process substitution (`<(cmd)`, named `/dev/fd/N`) would read back.
    pub fd_contents: HashMap<String, Out>,
    /// Files this command wrote with text known in full (`printf … > s.sh`, `cat >
    /// t.py <<EOF`), by normalized path: read back as that text. Any other write to
    /// one forgets it.
    pub file_texts: HashMap<PathBuf, String>,
    /// Where the running simple command's stdout goes: a file, and the text it holds
    /// before (appended to), when known.
    stdout_file: Option<(PathBuf, Option<String>)>,
    /// The command's stdout is redirected away (`>f`, `>&2`, `&>f`): it prints
    /// nothing for a pipe or a substitution.
    stdout_away: bool,
    /// Files the command opens for reading on a descriptor (`exec 4<f`, `< f`), by
    /// number, anywhere in it: `/dev/fd/4` opened for writing writes them.
    opened: HashMap<u32, Vec<Target>>,
    /// Writes through a descriptor's path (`/dev/fd/N`, `/dev/stdin`, `/proc/self/fd/N`):
    /// the number when known, and how.
    descriptor_writes: Vec<(Option<u32>, String)>,
    /// `hash -p PATH NAME`: NAME runs PATH.
    pub hashed: HashMap<String, String>,
    /// The command maps program names to paths in ways not followed (`BASH_CMDS`,
    /// `hash -p` with words known only at run time): every program counts as unknown.
    pub programs_remapped: bool,
    /// The command may change how patterns match (`shopt -s dotglob`, `GLOBIGNORE`):
    /// globs are known only by where they look.
    pub glob_options_changed: bool,
    /// Among them, `nocaseglob`.
    pub glob_nocase: bool,
    /// The command may switch on `set -P`: `cd` resolves symlinks.
    pub physical_cd: bool,
    /// The command names `xpg_echo`, which makes `echo` read escapes by default.
    pub xpg_echo: bool,
    /// The command names a message catalog (`TEXTDOMAIN`, `TEXTDOMAINDIR`), by which
    /// bash translates each `$"…"` string into any text the catalog holds.
    pub translates: bool,
    /// What a program being walked got on stdin, which a command it starts inherits
    /// (`echo cmd | script -c sh`, a shell spawned from interpreter code).
    pub inherited_stdin: Out,
    /// The command assigns bash's `DIRSTACK`, which `popd` then changes into.
    pub dirstack_assigned: bool,
    /// Trap handlers set so far: they run when a signal or the exit comes, in whatever
    /// folder the shell is in then, so each is walked again after every change of it.
    pub trap_handlers: Vec<String>,
    /// A trap handler is being walked again (its own `cd` does not start another round).
    pub rewalking_traps: bool,
    /// The command raises the core file limit (`ulimit -c`, `prlimit --core`).
    pub cores_raised: bool,
    /// The name a core file gets in the folder a program runs in, and whether it is the
    /// whole name or only its start (`None`: the kernel hands cores to a program); and
    /// whether the inherited core limit is above zero. Read once.
    pub cores: Option<(Option<(String, bool)>, bool)>,
    /// Programs run (shell builtins that cannot change a file aside).
    pub programs_run: u32,
    /// Restores judged by git's index as it is before the command runs: sound only if
    /// nothing else in the command may change the index.
    pub index_restores: Vec<IndexRestore>,
    /// Folders `mkdir` makes in this command: real folders, not symlinks.
    pub dirs_made: Vec<PathBuf>,
    /// Folders git itself filled in this command (`clone`, `worktree add`): their
    /// repository settings are git's own.
    pub git_made: Vec<PathBuf>,
    /// The command names `lastpipe` (`shopt -s lastpipe`): a pipeline's last element
    /// runs in the shell itself.
    lastpipe: bool,
    /// Inside the walk of deferred substitutions: their own values are not kept.
    deferring: u32,
    /// Some text walked in this command has a place that evaluates text as code
    /// ([`evaluates_text`]).
    evaluates: bool,
    /// Values assigned in this command that hold a substitution's text.
    deferred_values: Vec<String>,
    /// The command-running variables' values already walked (name, NUL, value).
    pub program_values_seen: std::collections::HashSet<String>,
    /// How many instances of each function are running (recursion is followed twice).
    active_functions: HashMap<String, usize>,
    /// Names declared `local` in each running function, to restore when it returns.
    locals: Vec<Vec<(String, Option<Val>)>>,
    /// Aliases defined earlier in the command. bash expands them only with
    /// `expand_aliases` (and only on later lines); they are expanded here regardless,
    /// since an alias that is not expanded runs nothing.
    pub aliases: HashMap<String, String>,
    /// Directory entries the globs of this command may still list
    /// ([`super::expand::MAX_GLOB_ENTRIES`]); each glob compiled costs
    /// [`GLOB_COMPILE_COST`] of them.
    glob_entries: std::cell::Cell<usize>,
    /// The glob patterns compiled for this command, by pattern and whether `*` stops at
    /// `/` (`None`: it does not compile). Brace expansion repeats the same few patterns
    /// hundreds of times, and compiling one costs as much as listing a directory.
    globs: std::cell::RefCell<GlobCache>,
    /// What the word parses of this command may still cost
    /// ([`super::expand::MAX_WORD_PARSE_COST`], in the units of
    /// [`super::prescan::word_parse_cost`]).
    word_parse_budget: std::cell::Cell<u64>,
}

/// Whether `text` has a place where bash may evaluate a value as code: arithmetic
/// (`((`, `let`, `[[ -eq ]]`, `$[ ]`, subscripts and offsets in `${…}` and assigned
/// elements), builtins that take a
/// variable name with a subscript (`printf -v`, `read`, `test -v`, `[ -v`, `unset`,
/// `declare`, `typeset`, `local`, `export`, `readonly`), and prompt expansion (`@P`).
/// Loose on purpose: a word that merely looks like one costs only a closer look.
fn evaluates_text(text: &str) -> bool {
    // `a[x]=1` and `a+=([x]=1)` evaluate the subscript `x`, `$[x]` is old arithmetic.
    const PLACES: [&str; 17] = [
        "((", "let", "[[", "${", "printf", "read", "test", "[ ", "unset", "declare", "typeset",
        "local", "export", "@P", "$[", "]=", "]+=",
    ];
    PLACES.iter().any(|p| text.contains(p))
}

/// A nameref declared without a target yet (`declare -n r`).
const PENDING_NAMEREF: &str = "\u{0}pending";

/// Whether `s` is a shell variable name.
fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// How many bytes `a` and `b` begin with in common (whole characters).
fn common_prefix(a: &str, b: &str) -> usize {
    a.chars()
        .zip(b.chars())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum()
}

/// What two known values share: their common beginning and end around an unknown part.
fn shared(a: &str, b: &str) -> Val {
    let prefix = common_prefix(a, b);
    let room = a.len().min(b.len()) - prefix;
    let suffix: usize = a
        .chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum::<usize>()
        .min(room);
    if prefix == 0 && suffix == 0 {
        return Val::Unknown;
    }
    Val::Partial(a[..prefix].to_owned(), a[a.len() - suffix..].to_owned())
}

/// Whether an and-or list may leave the enclosing list early (`return`, `break`,
/// `continue`, `exit`, also behind `&&`).
/// `pattern` with each `[=c=]` and `[.c.]` inside a bracket expression replaced by `c`
/// (escaped); `None` when one names more than one character.
fn bracket_elements(pattern: &str) -> Option<String> {
    if !pattern.contains("[=") && !pattern.contains("[.") {
        return Some(pattern.to_owned());
    }
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut in_bracket = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            out.push(c);
            if let Some(n) = chars.get(i + 1) {
                out.push(*n);
            }
            i += 2;
            continue;
        }
        if in_bracket && c == '[' && matches!(chars.get(i + 1), Some('=' | '.' | ':')) {
            let kind = chars[i + 1];
            let close = (i + 2..chars.len().saturating_sub(1))
                .find(|&k| chars[k] == kind && chars[k + 1] == ']')?;
            let inner: String = chars[i + 2..close].iter().collect();
            if kind == ':' {
                out.push_str(&format!("[:{inner}:]"));
            } else {
                let mut it = inner.chars();
                let (Some(ch), None) = (it.next(), it.next()) else {
                    return None;
                };
                out.push('\\');
                out.push(ch);
            }
            i = close + 2;
            continue;
        }
        if c == '[' && !in_bracket {
            in_bracket = true;
            out.push(c);
            // A `]` (after an optional `!` or `^`) first is a member, not the end.
            let mut k = i + 1;
            if matches!(chars.get(k), Some('!' | '^')) {
                out.push(chars[k]);
                k += 1;
            }
            if chars.get(k) == Some(&']') {
                out.push(']');
                k += 1;
            }
            i = k;
            continue;
        }
        if c == ']' && in_bracket {
            in_bracket = false;
        }
        out.push(c);
        i += 1;
    }
    Some(out)
}

/// Whether a pipeline is a lone `cd` (or `pushd`).
fn is_cd(p: &ast::Pipeline) -> bool {
    matches!(p.seq.as_slice(), [Command::Simple(s)] if s.word_or_name.as_ref().is_some_and(|w| matches!(w.value.as_str(), "cd" | "pushd")))
}

fn leaves_early(list: &ast::AndOrList) -> bool {
    std::iter::once(&list.first)
        .chain(
            list.additional
                .iter()
                .map(|(ast::AndOr::And(p) | ast::AndOr::Or(p))| p),
        )
        .flat_map(|p| p.seq.iter())
        .any(|c| match c {
            Command::Simple(s) => s.word_or_name.as_ref().is_some_and(|w| {
                matches!(w.value.as_str(), "return" | "break" | "continue" | "exit")
            }),
            _ => false,
        })
}

/// A restore judged by git's index (`git stash`, `checkout -- PATHS`, `reset --hard`).
#[derive(Debug)]
pub(super) struct IndexRestore {
    /// The repository folder whose index was read.
    pub git_dir: PathBuf,
    /// The work tree's top.
    pub root: Field,
    pub scope: Scope,
    pub how: String,
}

/// The paths a command writes, as it is walked, kept for the questions asked of them on
/// every later command: hashed, as a long command writes hundreds.
#[derive(Debug, Default)]
pub(super) struct Written {
    paths: std::collections::HashSet<PathBuf>,
    /// Every folder above a written path.
    holders: std::collections::HashSet<PathBuf>,
    /// Names written into a folder of programs (one whose name ends in `bin`).
    in_bin: std::collections::HashSet<std::ffi::OsString>,
    /// A file whose name is only known at run time was written: it may be code an
    /// interpreter loads by itself.
    code: bool,
    /// Modules and scripts (by their extension) written, which an interpreter may load
    /// by itself.
    code_paths: Vec<PathBuf>,
}

/// How much code had been written at some point ([`Written::code_mark`]).
pub(super) struct CodeMark {
    unnamed: bool,
    paths: usize,
}

/// Code written since a [`CodeMark`], set aside for a while.
pub(super) struct CodeSetAside {
    unnamed: bool,
    paths: Vec<PathBuf>,
}

/// Extensions of files interpreters load by themselves (`import x`, `require('./x')`,
/// `use X`, a `.pth` or `sitecustomize.py` every python runs, a native module).
const CODE_EXTENSIONS: [&str; 15] = [
    "py", "pyc", "pth", "js", "mjs", "cjs", "ts", "node", "pl", "pm", "rb", "php", "lua", "tcl",
    "so",
];

impl Written {
    pub(super) fn add(&mut self, path: PathBuf) {
        for a in path.ancestors().skip(1) {
            if !self.holders.insert(a.to_path_buf()) {
                break;
            }
        }
        if let (Some(name), Some(dir)) = (path.file_name(), path.parent().and_then(Path::file_name))
            && dir.to_string_lossy().ends_with("bin")
        {
            self.in_bin.insert(name.to_owned());
        }
        if path
            .extension()
            .is_some_and(|e| CODE_EXTENSIONS.iter().any(|c| e == *c))
        {
            self.code_paths.push(path.clone());
        }
        self.paths.insert(path);
    }

    /// A file whose name is only known at run time was written: it may be code.
    pub(super) fn add_unnamed(&mut self) {
        self.code = true;
    }

    /// How much code has been written so far, for [`Written::set_aside_code`].
    pub(super) fn code_mark(&self) -> CodeMark {
        CodeMark {
            unnamed: self.code,
            paths: self.code_paths.len(),
        }
    }

    /// Takes away the code written since `mark` (a command's own redirections, empty
    /// when it runs), to be put back after it with [`Written::put_back_code`].
    pub(super) fn set_aside_code(&mut self, mark: &CodeMark) -> CodeSetAside {
        let aside = CodeSetAside {
            unnamed: self.code,
            paths: self
                .code_paths
                .split_off(mark.paths.min(self.code_paths.len())),
        };
        self.code = mark.unnamed;
        aside
    }

    pub(super) fn put_back_code(&mut self, aside: CodeSetAside) {
        self.code |= aside.unnamed;
        self.code_paths.extend(aside.paths);
    }

    /// Code an interpreter may load by itself was written (see [`CODE_EXTENSIONS`]):
    /// whether a file of unknown name was, and the modules and scripts.
    pub(super) fn code(&self) -> (bool, &[PathBuf]) {
        (self.code, &self.code_paths)
    }

    /// `path` itself was written.
    pub(super) fn contains(&self, path: &Path) -> bool {
        self.paths.contains(path)
    }

    /// `path`, or a folder above it, was written.
    pub(super) fn covers(&self, path: &Path) -> bool {
        path.ancestors().any(|a| self.paths.contains(a))
    }

    /// `path` was written, or something beneath it.
    pub(super) fn holds(&self, path: &Path) -> bool {
        self.paths.contains(path) || self.holders.contains(path)
    }

    /// The paths written at or beneath `root`.
    pub(super) fn beneath(&self, root: &Path) -> Vec<PathBuf> {
        if !self.holds(root) {
            return Vec::new();
        }
        self.paths
            .iter()
            .filter(|p| p.starts_with(root))
            .cloned()
            .collect()
    }

    /// A program of this name was written into a folder of programs.
    pub(super) fn program_named(&self, name: &str) -> bool {
        self.in_bin.contains(std::ffi::OsStr::new(name))
    }
}

/// Builtins whose effect is on the shell itself (its variables, working directory,
/// functions, aliases): one that fails, or is skipped, has none.
const STATEFUL: [&str; 27] = [
    "cd",
    "pushd",
    "popd",
    "read",
    "mapfile",
    "readarray",
    "printf",
    "unset",
    "set",
    "shift",
    "eval",
    "source",
    ".",
    "alias",
    "unalias",
    "hash",
    "enable",
    "export",
    "declare",
    "typeset",
    "local",
    "readonly",
    "trap",
    "shopt",
    "let",
    "builtin",
    "command",
];

/// Whether every `(` in `text` is closed in it, and no `)` closes what it did not open.
fn balanced_parens(text: &str) -> bool {
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            _ => {}
        }
    }
    depth == 0
}

/// Whether a redirection may fail, skipping its command: one whose file (to read) or
/// folder (to write into) is not there now, or is named by an expansion.
fn may_fail(r: &IoRedirect, cwd: Option<&Path>) -> bool {
    match r {
        IoRedirect::File(_, kind, IoFileRedirectTarget::Filename(w)) => {
            let word = w.value.as_str();
            if matches!(
                word,
                "/dev/null" | "/dev/stdout" | "/dev/stderr" | "/dev/tty"
            ) {
                return false;
            }
            if word.contains(['$', '`', '*', '?', '[', '{', '~', '\\', '\'', '"']) {
                return true;
            }
            let Some(path) = cwd.map(|c| c.join(word)) else {
                return true;
            };
            match kind {
                IoFileRedirectKind::Read => !path.is_file(),
                _ => !path.parent().is_some_and(Path::is_dir) || path.is_dir(),
            }
        }
        IoRedirect::File(_, _, IoFileRedirectTarget::Duplicate(w)) => {
            // `>&2`, `2>&1`, `>&-` only duplicate; `>&file` opens a file.
            !w.value
                .trim_end_matches('-')
                .chars()
                .all(|c| c.is_ascii_digit())
        }
        _ => false,
    }
}

/// The text inside each `$(…)` and each pair of backticks in `text`, nested ones too,
/// whatever quotes surround them (bounded: a text with thousands is cut off, and what
/// is cut off is walked by the ordinary analysis or refused by its budgets).
pub(super) fn substitution_texts(text: &str) -> Vec<String> {
    const MAX: usize = 256;
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < b.len() && out.len() < MAX {
        // `$((` is arithmetic, not a command (the substitutions inside it are found on
        // their own).
        if b[i] == b'$' && b[i + 1] == b'(' && b.get(i + 2) != Some(&b'(') {
            let start = i + 2;
            let mut depth = 1usize;
            let mut j = start;
            while j < b.len() && depth > 0 {
                match b[j] {
                    b'\\' => j += 1,
                    b'(' => depth += 1,
                    b')' => depth -= 1,
                    _ => {}
                }
                j += 1;
            }
            let end = if depth == 0 { j - 1 } else { b.len() };
            out.push(String::from_utf8_lossy(&b[start..end.min(b.len())]).into_owned());
        }
        i += 1;
    }
    let mut ticks = text
        .match_indices('`')
        .map(|(i, _)| i)
        .filter(|&i| i == 0 || b[i - 1] != b'\\');
    while let (Some(a), Some(z)) = (ticks.next(), ticks.next()) {
        if out.len() >= MAX {
            break;
        }
        out.push(text[a + 1..z].to_owned());
    }
    out
}

/// Compiled glob patterns by (pattern, `*` stops at `/`); `None` for one that does not
/// compile.
type GlobCache = HashMap<(String, bool), Option<Rc<GlobMatcher>>>;

/// What compiling one glob pattern costs, in directory entries of the glob budget: a
/// regex compile takes about as long as listing and checking a few hundred entries.
const GLOB_COMPILE_COST: usize = 200;

/// The glob budget of a command is spent.
pub(super) struct Spent;

impl<'a> Walker<'a> {
    pub(super) fn new(ctx: &'a Context<'a>) -> Walker<'a> {
        Walker {
            ctx,
            writes: Vec::new(),
            depth: 0,
            steps: 0,
            links: Vec::new(),
            link_texts: Vec::new(),
            maybe_links: Vec::new(),
            maybe_link_files: Vec::new(),
            maybe_link_entries: Vec::new(),
            disabled: std::collections::HashSet::new(),
            readonly: HashMap::new(),
            skippable: false,
            own_git_dir: None,
            find_follows: 0,
            built: Vec::new(),
            functions: HashMap::new(),
            written: Written::default(),
            fd_contents: HashMap::new(),
            file_texts: HashMap::new(),
            stdout_file: None,
            stdout_away: false,
            opened: HashMap::new(),
            descriptor_writes: Vec::new(),
            aliases: HashMap::new(),
            hashed: HashMap::new(),
            programs_remapped: false,
            deferring: 0,
            lastpipe: false,
            dirs_made: Vec::new(),
            git_made: Vec::new(),
            physical_cd: false,
            xpg_echo: false,
            translates: false,
            inherited_stdin: Out::Nothing,
            dirstack_assigned: false,
            programs_run: 0,
            cores_raised: false,
            trap_handlers: Vec::new(),
            rewalking_traps: false,
            cores: None,
            index_restores: Vec::new(),
            glob_options_changed: false,
            glob_nocase: false,
            evaluates: false,
            deferred_values: Vec::new(),
            program_values_seen: std::collections::HashSet::new(),
            active_functions: HashMap::new(),
            locals: Vec::new(),
            glob_entries: std::cell::Cell::new(super::expand::MAX_GLOB_ENTRIES),
            globs: std::cell::RefCell::default(),
            word_parse_budget: std::cell::Cell::new(super::expand::MAX_WORD_PARSE_COST),
        }
    }

    /// Takes `n` directory entries from the globs' budget; `false` once it is spent.
    pub(super) fn spend_glob_entries(&self, n: usize) -> bool {
        let left = self.glob_entries.get();
        self.glob_entries.set(left.saturating_sub(n));
        left >= n
    }

    /// Takes `cost` from the word parser's budget; `false` (and the budget spent) when
    /// not that much is left.
    pub(super) fn spend_word_parse(&self, cost: u64) -> bool {
        let left = self.word_parse_budget.get();
        self.word_parse_budget.set(left.saturating_sub(cost));
        cost <= left
    }

    /// `pattern` compiled as bash matches it (backslash escapes; `*` stopping at `/`
    /// when `literal_separator`), from this command's cache: `Ok(None)` when it does
    /// not compile, `Err` once the glob budget is spent.
    pub(super) fn glob_matcher(
        &self,
        pattern: &str,
        literal_separator: bool,
    ) -> Result<Option<Rc<GlobMatcher>>, Spent> {
        let key = (pattern.to_owned(), literal_separator);
        if let Some(m) = self.globs.borrow().get(&key) {
            return Ok(m.clone());
        }
        if !self.spend_glob_entries(GLOB_COMPILE_COST) {
            return Err(Spent);
        }
        // Equivalence classes and collating symbols (`[[=r=]]`, `[[.r.]]`) stand for
        // their character; a multi-character one is not followed (unknown, as a spent
        // budget is).
        let Some(pattern) = bracket_elements(pattern) else {
            return Err(Spent);
        };
        let m = globset::GlobBuilder::new(&pattern)
            .literal_separator(literal_separator)
            .backslash_escape(true)
            .build()
            .ok()
            .map(|g| Rc::new(g.compile_matcher()));
        self.globs.borrow_mut().insert(key, m.clone());
        Ok(m)
    }

    /// bash runs substitutions that reach it as text, not only those it parses: a
    /// variable's value evaluated as an arithmetic expression or a subscript
    /// (`x='a[$(cmd)]'; echo $((x))`, `[[ $x -eq 1 ]]`, `printf -v`, `read`, `test
    /// -v`, `unset`, `declare -i`), a prompt expansion (`${x@P}`). Following every such
    /// path is not possible, so when the command has any place that evaluates text
    /// ([`evaluates_text`]), every substitution written in it, quoted or not, and in the
    /// values it assigns, counts as run. Without one, quoted text stays text.
    pub(super) fn deferred(&mut self, command: &str, scope: &Scope) -> Result<(), ShellError> {
        if !self.evaluates {
            return Ok(());
        }
        self.deferred_substitutions(command, scope)?;
        for value in std::mem::take(&mut self.deferred_values) {
            self.deferred_substitutions(&value, scope)?;
        }
        Ok(())
    }

    /// Every command substitution written in `text` walked as if it ran (each once:
    /// the walks of these do not look for more).
    fn deferred_substitutions(&mut self, text: &str, scope: &Scope) -> Result<(), ShellError> {
        self.deferring += 1;
        let mut result = Ok(());
        // Each is walked in the same fresh scope: the same text once.
        let mut snippets = substitution_texts(text);
        snippets.sort_unstable();
        snippets.dedup();
        for snippet in snippets {
            let mut sub = scope.clone();
            match self.script(&snippet, &mut sub, Out::Unknown) {
                Ok(_) | Err(ShellError::Parse(_)) => {}
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        self.deferring -= 1;
        result
    }

    pub(super) fn into_writes(mut self) -> Vec<Write> {
        // A restore judged by git's index, in a command that also runs another program
        // or writes in the repository folder (or somewhere only known at run time),
        // which could change the index first: all of the work tree.
        for r in std::mem::take(&mut self.index_restores) {
            if self.programs_run > 1 || self.written.holds(&r.git_dir) || self.written.code().0 {
                let how = format!(
                    "{} (another program in the command may change git's index)",
                    r.how
                );
                self.write(&r.root, &r.scope, true, &how);
            }
        }
        // Reopening a descriptor's path for writing writes the file it was opened on,
        // whichever order the redirections come in (conservative).
        for (number, how) in std::mem::take(&mut self.descriptor_writes) {
            let targets: Vec<Target> = match number {
                Some(n) => self.opened.get(&n).cloned().unwrap_or_default(),
                None => self.opened.values().flatten().cloned().collect(),
            };
            for target in targets {
                self.writes.push(Write {
                    target,
                    recursive: false,
                    how: format!("{how} (it reopens a file the command opened on a descriptor)"),
                    follow: true,
                });
            }
        }
        // A long command repeats writes (the same build step, again and again): each is
        // checked against every protected entry once, under the first reason found.
        let mut seen = std::collections::HashSet::new();
        self.writes
            .retain(|w| seen.insert((w.target.clone(), w.recursive, w.follow)));
        self.writes
    }

    pub(super) fn step(&mut self) -> Result<(), ShellError> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(ShellError::TooComplex(format!(
                "more than {MAX_STEPS} commands to follow"
            )));
        }
        Ok(())
    }

    /// Parses and walks `text` as a script (the top-level command, `bash -c`, `eval`, a
    /// script file or stdin).
    pub(super) fn script(
        &mut self,
        text: &str,
        scope: &mut Scope,
        stdin: Out,
    ) -> Result<Out, ShellError> {
        if self.depth >= MAX_DEPTH {
            return Err(ShellError::TooComplex(format!(
                "shells nested more than {MAX_DEPTH} deep"
            )));
        }
        let depth = nesting(text);
        if depth > MAX_NESTING {
            return Err(ShellError::TooComplex(format!(
                "it nests {depth} levels deep (brackets, quotes and compound commands; the limit is {MAX_NESTING})"
            )));
        }
        if let Some(n) = super::prescan::overflowing_number(text) {
            return Err(ShellError::TooComplex(format!(
                "the number {n:.24} is too large for a file descriptor or a directory-stack index"
            )));
        }
        if let Some(what) = super::prescan::bad_heredoc(text) {
            return Err(ShellError::Parse(what.into()));
        }
        if let Some(what) = super::prescan::read_differently(text) {
            return Err(ShellError::Parse(what.into()));
        }
        if !self.evaluates && evaluates_text(text) {
            self.evaluates = true;
        }
        // bash's table of program paths (`BASH_CMDS[cat]=/usr/bin/tee`, `declare -A
        // BASH_CMDS`, `printf -v 'BASH_CMDS[ls]'`): once named, no program's name is
        // evidence of what runs.
        // `BASH_ALIASES[ls]='rm -f'` is an alias by another route.
        if text.contains("BASH_CMDS") || text.contains("BASH_ALIASES") {
            self.programs_remapped = true;
        }
        // An alias or a hashed program set through the arrays runs any text or file in
        // place of a command name.
        if text.contains("BASH_ALIASES") || text.contains("BASH_CMDS") {
            self.write_anything("a command name remapped through BASH_ALIASES or BASH_CMDS");
        }
        if text.contains("DIRSTACK") {
            self.dirstack_assigned = true;
        }
        if text.contains("lastpipe") {
            self.lastpipe = true;
        }
        if text.contains("extdebug") {
            self.skippable = true;
        }
        if text.contains("xpg_echo") {
            self.xpg_echo = true;
        }
        if text.contains("TEXTDOMAIN") {
            self.translates = true;
        }
        if [
            "GLOBIGNORE",
            "dotglob",
            "nocaseglob",
            "extglob",
            "globstar",
            "globskipdots",
        ]
        .iter()
        .any(|o| text.contains(o))
        {
            self.glob_options_changed = true;
            self.glob_nocase |= text.contains("nocaseglob");
        }
        // `set -P`, `set -o physical`: every later `cd` resolves symlinks.
        if text.contains("physical") || text.contains("set -") && text.contains('P') {
            self.physical_cd = true;
        }
        let open = super::prescan::unclosed(text);
        if open.parens > super::prescan::MAX_UNCLOSED {
            return Err(ShellError::Parse(format!(
                "{} `(` are never closed",
                open.parens
            )));
        }
        if open.subscripts > super::prescan::MAX_UNCLOSED {
            return Err(ShellError::Parse(format!(
                "{} `[` of subscripts or `$[` are never closed",
                open.subscripts
            )));
        }
        let parse = |text: &str| {
            let options = brush_parser::ParserOptions::default();
            let mut parser =
                brush_parser::Parser::new(std::io::BufReader::new(text.as_bytes()), &options);
            // brush-parser's tokenizer still unwraps in places (an unclosed `$(` on a
            // heredoc's line panicked under fuzzing): its panic is a command it cannot read.
            crate::runtime::catch_panic(|| parser.parse_program())
                .ok_or_else(|| ShellError::Parse("the bash parser failed on it".into()))?
                .map_err(|e| ShellError::Parse(e.to_string()))
        };
        let program = match parse(text) {
            Ok(p) => p,
            Err(e) => match super::prescan::parenthesized_case_patterns(text) {
                Some(alt) if text.contains("case") => parse(&alt).map_err(|_| e)?,
                _ => return Err(e),
            },
        };
        self.depth += 1;
        let mut out = Out::Nothing;
        let mut stdin = Some(stdin);
        for list in &program.complete_commands {
            let printed = self.list(list, scope, stdin.take().unwrap_or(Out::Nothing))?;
            out = out.then(printed);
        }
        self.depth -= 1;
        Ok(out)
    }

    /// Records a write of `field`, resolved against the scope's cwd.
    pub(super) fn write(&mut self, field: &Field, scope: &Scope, recursive: bool, how: &str) {
        self.write_with(field, scope, recursive, how, true);
    }

    /// Records a write that acts on a symlink itself rather than on what it points at
    /// (`rm`, `rmdir`, a moved source). A trailing slash makes the tools follow it again.
    pub(super) fn write_nofollow(
        &mut self,
        field: &Field,
        scope: &Scope,
        recursive: bool,
        how: &str,
    ) {
        let follow = matches!(field, Field::Known(s) if s.ends_with('/'));
        self.write_with(field, scope, recursive, how, follow);
    }

    fn write_with(
        &mut self,
        field: &Field,
        scope: &Scope,
        recursive: bool,
        how: &str,
        follow: bool,
    ) {
        let Some(mut target) = self.resolve(field, scope) else {
            return;
        };
        target = match target {
            Target::Path(p)
                if self.unknown_before_dotdot(&p)
                    || self.beneath_maybe_link(&p)
                    || self.through_made_entry(&p, follow)
                    || (follow
                        && !self.maybe_link_files.is_empty()
                        && self
                            .maybe_link_files
                            .contains(&super::super::paths::normalize(&p))) =>
            {
                Target::Partial {
                    dir: None,
                    name_prefix: String::new(),
                    suffix: String::new(),
                }
            }
            Target::Path(p) => {
                use super::super::paths::{Alias, alias};
                match alias(&p, scope.cwd.as_deref()) {
                    Alias::Plain => Target::Path(p),
                    Alias::Path(q) => Target::Path(q),
                    Alias::Descriptor(n) => {
                        self.descriptor_writes.push((n, how.to_owned()));
                        return;
                    }
                    Alias::Unknown => Target::Partial {
                        dir: None,
                        name_prefix: String::new(),
                        suffix: String::new(),
                    },
                }
            }
            Target::Partial { dir: Some(d), .. }
                if d.starts_with("/proc") || d.starts_with("/dev") =>
            {
                // `/dev/fd/$n`, `/proc/$x`: any descriptor, or anywhere in any process's
                // view (`/proc/self/cwd/../$x`).
                self.descriptor_writes.push((None, how.to_owned()));
                Target::Partial {
                    dir: None,
                    name_prefix: String::new(),
                    suffix: String::new(),
                }
            }
            t => t,
        };
        // Attributes and times change, the text does not.
        let keeps_text = ["chmod", "chown", "chgrp", "chattr", "setfacl", "touch"]
            .iter()
            .any(|w| how.starts_with(w));
        match &target {
            _ if keeps_text => {}
            Target::Path(p) => {
                let lexical = super::super::paths::normalize(p);
                self.file_texts
                    .retain(|k, _| !(k == &lexical || (recursive && k.starts_with(&lexical))));
            }
            _ => self.file_texts.clear(),
        }
        if let Target::Path(p) = &target {
            let lexical = super::super::paths::normalize(p);
            // A symlink made earlier in this same command is not on disk yet: follow it
            // here, or `ln -s roles r && echo x > r/y` would slip through.
            let through = super::through_links(&self.links, &lexical);
            for t in through {
                self.writes.push(Write {
                    target: Target::Path(t),
                    recursive,
                    how: format!("{how} (through a symlink made earlier in the command)"),
                    follow,
                });
            }
            // A folder `mkdir` made and something else then replaced (`rm -rf d && ln -s
            // x d`) is no longer known to be a folder.
            if !how.starts_with("mkdir") && !self.dirs_made.is_empty() {
                self.dirs_made.retain(|d| !d.starts_with(&lexical));
            }
            if !self.git_made.is_empty() {
                self.git_made.retain(|d| !d.starts_with(&lexical));
            }
            self.written.add(lexical);
        } else {
            self.written.add_unnamed();
        }
        self.writes.push(Write {
            target,
            recursive,
            how: how.to_owned(),
            follow,
        });
    }

    /// Whether `path` lies beneath something made earlier that may be a symlink.
    fn beneath_maybe_link(&self, path: &Path) -> bool {
        if self.maybe_links.is_empty() {
            return false;
        }
        let lexical = super::super::paths::normalize(path);
        self.maybe_links
            .iter()
            .any(|l| lexical != *l && lexical.starts_with(l))
    }

    /// Records a symlink made earlier in this command, once: a long command that makes
    /// the same link again and again must not make every later write slower.
    pub(super) fn add_link(&mut self, link: PathBuf, dest: PathBuf) {
        if !self.links.iter().any(|(l, d)| *l == link && *d == dest) {
            self.links.push((link, dest));
        }
    }

    /// Whether `path` goes through an entry of a folder whose entries may be symlinks:
    /// it lies beneath such an entry, or is one and the write follows it.
    fn through_made_entry(&self, path: &Path, follow: bool) -> bool {
        if self.maybe_link_entries.is_empty() {
            return false;
        }
        let lexical = super::super::paths::normalize(path);
        self.maybe_link_entries.iter().any(|d| {
            lexical
                .strip_prefix(d)
                .is_ok_and(|rest| rest.components().count() > usize::from(!follow))
        })
    }

    /// Records a folder whose entries may be symlinks to anywhere, once.
    pub(super) fn add_maybe_link_entries(&mut self, dir: PathBuf) {
        if !self.maybe_link_entries.contains(&dir) {
            self.maybe_link_entries.push(dir);
        }
    }

    /// Records a path that may be a symlink to anywhere, once (see [`Walker::add_link`]).
    pub(super) fn add_maybe_link(&mut self, path: PathBuf) {
        if !self.maybe_links.contains(&path) {
            self.maybe_links.push(path);
        }
    }

    /// Whether a `..` in `path` follows a component the analysis cannot see on disk:
    /// one that does not exist yet or that this command wrote (it may be a symlink made
    /// by any means, and the kernel resolves `..` from where the link points), unless
    /// `mkdir` made it. A `..` after an existing component is left to the physical
    /// resolution of the matcher.
    pub(super) fn unknown_before_dotdot(&self, path: &std::path::Path) -> bool {
        use std::path::Component;
        if !path.components().any(|c| c == Component::ParentDir) {
            return false;
        }
        let mut prefix = PathBuf::from("/");
        for c in path.components() {
            match c {
                Component::ParentDir => {
                    let made_dir = self.dirs_made.iter().any(|d| d.starts_with(&prefix));
                    let unseen = prefix.symlink_metadata().is_err() || self.written.covers(&prefix);
                    if prefix != std::path::Path::new("/") && unseen && !made_dir {
                        return true;
                    }
                    prefix.pop();
                }
                Component::Normal(n) => prefix.push(n),
                _ => {}
            }
        }
        false
    }

    /// A field as a write target: a known path or a partial one.
    pub(super) fn resolve(&self, field: &Field, scope: &Scope) -> Option<Target> {
        match field {
            Field::Known(s) if s.is_empty() => None,
            Field::Known(s) => Some(match (&scope.cwd, s.starts_with('/')) {
                (_, true) => Target::Path(PathBuf::from(s)),
                (Some(cwd), false) => Target::Path(cwd.join(s)),
                (None, false) => match &scope.cwd_prefix {
                    Some(p) => {
                        return self.resolve(
                            &Field::Partial {
                                prefix: p.clone(),
                                suffix: format!("/{s}"),
                            },
                            scope,
                        );
                    }
                    None => Target::Partial {
                        dir: None,
                        name_prefix: String::new(),
                        suffix: s.clone(),
                    },
                },
            }),
            Field::Partial { prefix, suffix } => {
                let (dir, name) = match prefix.rfind('/') {
                    Some(i) => (&prefix[..=i], &prefix[i + 1..]),
                    None => ("", prefix.as_str()),
                };
                let dir = if dir.starts_with('/') {
                    Some(PathBuf::from(dir))
                } else if prefix.is_empty() {
                    // The unknown part starts the path: it may be absolute.
                    None
                } else if scope.cwd.is_none()
                    && let Some(p) = &scope.cwd_prefix
                {
                    return self.resolve(
                        &Field::Partial {
                            prefix: p.clone(),
                            suffix: format!("/{prefix}…{suffix}"),
                        },
                        scope,
                    );
                } else {
                    scope.cwd.as_ref().map(|c| c.join(dir))
                };
                Some(Target::Partial {
                    dir,
                    name_prefix: name.to_owned(),
                    suffix: suffix.clone(),
                })
            }
        }
    }

    /// A write of things only known when the command runs, somewhere beneath the scope's
    /// working directory (an archive's members, a patch that cannot be read).
    pub(super) fn write_under_cwd(&mut self, scope: &Scope, how: &str) {
        let dir = scope
            .cwd
            .as_ref()
            .map(|c| format!("{}/", c.display()))
            .unwrap_or_default();
        // What it made there may be symlinks (archive members, a clone's files): a
        // later write beneath the folder may land anywhere.
        if let Some(c) = &scope.cwd {
            self.add_maybe_link_entries(super::super::paths::normalize(c));
        }
        let field = Field::Partial {
            prefix: dir,
            suffix: String::new(),
        };
        self.write(&field, scope, true, how);
    }

    /// A target that could be anything at all (a script we cannot see).
    /// Records an operator-only command of ours (see [`Target::Operator`]).
    pub(super) fn operator(&mut self, command: String) {
        self.writes.push(Write {
            target: Target::Operator(command.clone()),
            recursive: false,
            how: command,
            follow: true,
        });
    }

    pub(super) fn write_anything(&mut self, how: &str) {
        self.writes.push(Write {
            target: Target::Partial {
                dir: None,
                name_prefix: String::new(),
                suffix: String::new(),
            },
            recursive: true,
            how: how.to_owned(),
            follow: true,
        });
    }

    pub(super) fn list(
        &mut self,
        list: &ast::CompoundList,
        scope: &mut Scope,
        stdin: Out,
    ) -> Result<Out, ShellError> {
        let mut out = Out::Nothing;
        let mut stdin = Some(stdin);
        // After a `return`, `break`, `continue` or `exit` (maybe taken), the rest of the
        // list may not run.
        let mut maybe_stopped = false;
        for item in &list.0 {
            let before = maybe_stopped.then(|| scope.clone());
            let stopped_before = maybe_stopped;
            maybe_stopped |= leaves_early(&item.0);
            let input = stdin.take().unwrap_or(Out::Nothing);
            // What the list prints is what each of its commands prints, in order.
            let printed = match item.1 {
                // `cmd &` runs in a subshell: its `cd` and assignments stay there. What
                // it prints comes in no known order with the rest.
                ast::SeparatorOperator::Async => {
                    let mut sub = scope.clone();
                    match self.and_or(&item.0, &mut sub, input)? {
                        Out::Nothing => Out::Nothing,
                        _ => Out::Unknown,
                    }
                }
                ast::SeparatorOperator::Sequence => self.and_or(&item.0, scope, input)?,
            };
            // After a command that may have left the list, the rest may print or not.
            out = match (stopped_before, printed) {
                (true, Out::Nothing) | (false, Out::Nothing) => out,
                (true, _) => Out::Unknown,
                (false, p) => out.then(p),
            };
            if let Some(before) = before {
                scope.join(&before);
            }
        }
        Ok(out)
    }

    fn and_or(
        &mut self,
        list: &ast::AndOrList,
        scope: &mut Scope,
        stdin: Out,
    ) -> Result<Out, ShellError> {
        let mut out = self.pipeline(&list.first, scope, stdin)?;
        if list.additional.is_empty() {
            return Ok(out);
        }
        // What follows the first pipeline may not run: `a && b` runs `b` only if `a`
        // succeeded, `a || b` only if it failed. `b` is walked in the state it would
        // run in, and afterwards the scope is what either way leaves (`join`).
        let base = scope.clone();
        let mut either = false;
        // A `cd` into a folder that exists succeeds (`$(cd src && pwd)`).
        let mut succeeded =
            is_cd(&list.first) && scope.cwd.as_deref().is_some_and(std::path::Path::is_dir);
        for next in &list.additional {
            // What runs next prints after what ran before, or does not run: `$(a &&
            // echo x || echo y)` prints either.
            match next {
                ast::AndOr::And(p) => {
                    let more = self.pipeline(p, scope, Out::Nothing)?;
                    either |= more != Out::Nothing && !succeeded;
                    succeeded = false;
                    out = out.then(more);
                }
                ast::AndOr::Or(p) => {
                    scope.join(&base);
                    let more = self.pipeline(p, scope, Out::Nothing)?;
                    either |= more != Out::Nothing;
                    out = out.then(more);
                }
            }
        }
        scope.join(&base);
        Ok(if either { Out::Unknown } else { out })
    }

    fn pipeline(
        &mut self,
        p: &ast::Pipeline,
        scope: &mut Scope,
        stdin: Out,
    ) -> Result<Out, ShellError> {
        if p.seq.len() == 1 {
            return self.command(&p.seq[0], scope, stdin);
        }
        // Each element of a real pipe runs in its own subshell; with `shopt -s
        // lastpipe` the last one runs in this shell (scripts run without job control).
        let mut flow = stdin;
        for (i, cmd) in p.seq.iter().enumerate() {
            if self.lastpipe && i + 1 == p.seq.len() {
                flow = self.command(cmd, scope, flow)?;
            } else {
                let mut sub = scope.clone();
                flow = self.command(cmd, &mut sub, flow)?;
            }
        }
        Ok(flow)
    }

    fn command(&mut self, cmd: &Command, scope: &mut Scope, stdin: Out) -> Result<Out, ShellError> {
        match cmd {
            Command::Simple(simple) => self.simple(simple, scope, stdin),
            Command::Compound(compound, redirects) => {
                let mut stdin = stdin;
                let fragile = self.skippable
                    || redirects
                        .iter()
                        .flat_map(|r| r.0.iter())
                        .any(|r| may_fail(r, scope.cwd.as_deref()));
                self.stdout_away = false;
                for r in redirects.iter().flat_map(|r| r.0.iter()) {
                    self.redirect(r, scope, &mut stdin)?;
                }
                self.stdout_file = None;
                let away = std::mem::take(&mut self.stdout_away);
                let out = if fragile {
                    // A redirection that fails skips the whole compound.
                    let mut ran = scope.clone();
                    let out = self.compound(compound, &mut ran, stdin);
                    scope.join(&ran);
                    out
                } else {
                    self.compound(compound, scope, stdin)
                };
                if away {
                    return out.map(|_| Out::Nothing);
                }
                out
            }
            Command::Function(def) => {
                self.step()?;
                let name = def.fname.value.clone();
                let body = Rc::new(def.body.clone());
                self.functions.insert(name.clone(), body.clone());
                // bash calls this one for any program it cannot find, which the
                // analysis cannot tell: it counts as called.
                if name == "command_not_found_handle" {
                    let mut sub = scope.clone();
                    self.call_function(&body, &[Field::unknown()], &mut sub, Out::Unknown)?;
                }
                Ok(Out::Nothing)
            }
            Command::ExtendedTest(test, redirects) => {
                let mut stdin = stdin;
                for r in redirects.iter().flat_map(|r| r.0.iter()) {
                    self.redirect(r, scope, &mut stdin)?;
                }
                self.extended_test(&test.expr, scope)?;
                Ok(Out::Nothing)
            }
        }
    }

    /// `[[ … ]]` runs nothing itself, but its words may hold command substitutions.
    fn extended_test(
        &mut self,
        expr: &ast::ExtendedTestExpr,
        scope: &mut Scope,
    ) -> Result<(), ShellError> {
        use ast::ExtendedTestExpr as E;
        match expr {
            E::And(a, b) | E::Or(a, b) => {
                self.extended_test(a, scope)?;
                self.extended_test(b, scope)
            }
            E::Not(a) | E::Parenthesized(a) => self.extended_test(a, scope),
            E::UnaryTest(_, w) => self.expand(&w.value, scope).map(|_| ()),
            E::BinaryTest(_, a, b) => {
                self.expand(&a.value, scope)?;
                self.expand(&b.value, scope).map(|_| ())
            }
        }
    }

    fn compound(
        &mut self,
        cc: &CompoundCommand,
        scope: &mut Scope,
        stdin: Out,
    ) -> Result<Out, ShellError> {
        self.step()?;
        match cc {
            CompoundCommand::BraceGroup(g) => self.list(&g.list, scope, stdin),
            CompoundCommand::Subshell(s) => {
                let mut sub = scope.clone();
                self.list(&s.list, &mut sub, stdin)
            }
            CompoundCommand::ForClause(f) => {
                let values = match &f.values {
                    Some(words) => {
                        let mut all = Vec::new();
                        for w in words {
                            all.extend(self.expand(&w.value, scope)?);
                        }
                        all
                    }
                    None => scope
                        .positional
                        .iter()
                        .map(|v| match v {
                            Val::Known(s) => Field::Known(s.clone()),
                            Val::Unknown => Field::unknown(),
                            Val::Partial(p, s) => Field::Partial {
                                prefix: p.clone(),
                                suffix: s.clone(),
                            },
                        })
                        .collect(),
                };
                // Run the body once per known value (bounded), else once with the loop
                // variable unknown.
                if values.len() <= 64 && values.iter().all(|v| matches!(v, Field::Known(_))) {
                    for v in &values {
                        if let Field::Known(s) = v {
                            scope
                                .vars
                                .insert(f.variable_name.clone(), Val::Known(s.clone()));
                        }
                        self.list(&f.body.list, scope, Out::Nothing)?;
                    }
                    if !values.is_empty() {
                        return Ok(Out::Unknown);
                    }
                }
                scope.vars.insert(f.variable_name.clone(), Val::Unknown);
                self.fixpoint(scope, |w, s| {
                    w.list(&f.body.list, s, Out::Nothing).map(|_| ())
                })?;
                Ok(Out::Unknown)
            }
            CompoundCommand::ArithmeticForClause(f) => {
                for e in [&f.initializer, &f.condition, &f.updater]
                    .into_iter()
                    .flatten()
                {
                    self.expand_joined(&e.value, scope)?;
                }
                self.fixpoint(scope, |w, s| {
                    w.list(&f.body.list, s, Out::Nothing).map(|_| ())
                })?;
                Ok(Out::Unknown)
            }
            CompoundCommand::CaseClause(c) => {
                // Any one branch runs, or none: the scope after is what any leaves.
                self.expand(&c.value.value, scope)?;
                let base = scope.clone();
                for item in &c.cases {
                    let mut branch = base.clone();
                    for p in &item.patterns {
                        self.expand(&p.value, &mut branch)?;
                    }
                    if let Some(body) = &item.cmd {
                        self.list(body, &mut branch, Out::Nothing)?;
                    }
                    scope.join(&branch);
                }
                Ok(Out::Unknown)
            }
            CompoundCommand::IfClause(i) => {
                // The condition runs; then one branch, or none without an `else`.
                self.list(&i.condition, scope, Out::Nothing)?;
                let base = scope.clone();
                let mut then = base.clone();
                self.list(&i.then, &mut then, Out::Nothing)?;
                let mut after = then;
                let mut exhaustive = false;
                let mut at = base.clone();
                for e in i.elses.iter().flatten() {
                    if let Some(cond) = &e.condition {
                        self.list(cond, &mut at, Out::Nothing)?;
                    } else {
                        exhaustive = true;
                    }
                    let mut branch = at.clone();
                    self.list(&e.body, &mut branch, Out::Nothing)?;
                    after.join(&branch);
                }
                if !exhaustive {
                    after.join(&at);
                }
                *scope = after;
                Ok(Out::Unknown)
            }
            CompoundCommand::WhileClause(w) | CompoundCommand::UntilClause(w) => {
                // The condition reads the loop's input once per round; after the first
                // round it is what is left of it.
                let mut input = Some(stdin);
                self.fixpoint(scope, |walker, s| {
                    let round = input.take().unwrap_or(Out::Unknown);
                    walker.list(&w.0, s, round)?;
                    walker.list(&w.1.list, s, Out::Nothing).map(|_| ())
                })?;
                Ok(Out::Unknown)
            }
            CompoundCommand::Coprocess(c) => {
                let mut sub = scope.clone();
                self.command(&c.body, &mut sub, Out::Nothing)
            }
            CompoundCommand::Arithmetic(a) => {
                // `(( $(cmd) ))` runs cmd.
                self.expand_joined(&a.expr.value, scope)?;
                // brush-parser reads `( (cmd) )` as arithmetic; bash reads it as nested
                // subshells when it is no arithmetic. Whatever parses as commands is
                // walked as commands too.
                // Parentheses around the whole are subshells: walked as one level.
                let mut text = a.expr.value.trim();
                while let Some(inner) = text
                    .strip_prefix('(')
                    .and_then(|t| t.strip_suffix(')'))
                    .filter(|t| balanced_parens(t))
                {
                    text = inner.trim();
                }
                let mut sub = scope.clone();
                match self.script(text, &mut sub, Out::Nothing) {
                    Ok(_) | Err(ShellError::Parse(_)) => Ok(Out::Nothing),
                    Err(e) => Err(e),
                }
            }
        }
    }

    /// A loop body that may run any number of times: walked until what it changes in the
    /// scope (variables, arrays, the working directory) stops changing; after two
    /// rounds that still change it, what changed is made unknown and the body walked
    /// once more. A body that changes nothing is walked once.
    fn fixpoint(
        &mut self,
        scope: &mut Scope,
        mut body: impl FnMut(&mut Self, &mut Scope) -> Result<(), ShellError>,
    ) -> Result<(), ShellError> {
        for round in 0..3 {
            let vars = scope.vars.clone();
            let arrays = scope.arrays.clone();
            let cwd = scope.cwd.clone();
            body(self, scope)?;
            let same = scope.vars == vars && scope.arrays == arrays && scope.cwd == cwd;
            if same || round == 2 {
                break;
            }
            if round == 1 {
                for (k, v) in scope.vars.iter_mut() {
                    if vars.get(k) != Some(v) {
                        *v = Val::Unknown;
                    }
                }
                for (k, a) in scope.arrays.iter_mut() {
                    if arrays.get(k) != Some(a) {
                        *a = vec![Val::Unknown];
                    }
                }
                if scope.cwd != cwd {
                    scope.cwd = None;
                    scope.cwd_prefix = None;
                }
            }
        }
        Ok(())
    }

    fn simple(
        &mut self,
        cmd: &ast::SimpleCommand,
        scope: &mut Scope,
        stdin: Out,
    ) -> Result<Out, ShellError> {
        self.step()?;
        let mut assigns: Vec<(String, Val)> = Vec::new();
        let mut redirects: Vec<&IoRedirect> = Vec::new();
        let mut argv: Vec<Field> = Vec::new();
        for item in cmd.prefix.iter().flat_map(|p| p.0.iter()) {
            match item {
                CommandPrefixOrSuffixItem::IoRedirect(r) => redirects.push(r),
                CommandPrefixOrSuffixItem::AssignmentWord(a, _) => {
                    let value = self.assignment(a, scope)?;
                    assigns.push(value);
                }
                CommandPrefixOrSuffixItem::Word(w) => argv.extend(self.expand(&w.value, scope)?),
                CommandPrefixOrSuffixItem::ProcessSubstitution(_, sub) => {
                    let mut s = scope.clone();
                    self.list(&sub.list, &mut s, Out::Unknown)?;
                }
            }
        }
        if let Some(name) = &cmd.word_or_name {
            argv.extend(self.expand(&name.value, scope)?);
        }
        let mut declared: Vec<(String, Val)> = Vec::new();
        for item in cmd.suffix.iter().flat_map(|s| s.0.iter()) {
            match item {
                CommandPrefixOrSuffixItem::IoRedirect(r) => redirects.push(r),
                CommandPrefixOrSuffixItem::Word(w) => argv.extend(self.expand(&w.value, scope)?),
                CommandPrefixOrSuffixItem::AssignmentWord(a, w) => {
                    declared.push(self.assignment(a, scope)?);
                    argv.extend(self.expand(&w.value, scope)?);
                }
                CommandPrefixOrSuffixItem::ProcessSubstitution(_, sub) => {
                    let mut s = scope.clone();
                    let out = self.list(&sub.list, &mut s, Out::Unknown)?;
                    let name = format!("/dev/fd/{}", 63 - self.fd_contents.len().min(50));
                    self.fd_contents.insert(name.clone(), out);
                    argv.push(Field::Known(name));
                }
            }
        }
        let mut stdin = stdin;
        // A command's own output files are opened before it runs, empty: nothing it
        // could load is in them yet (`python3 gen.py > out.py`).
        let code_before = self.written.code_mark();
        self.stdout_file = None;
        self.stdout_away = false;
        // A builtin whose redirection fails (`cd /tmp 2>/missing/x`), or that a DEBUG
        // trap skips, changes nothing: its effect on the shell may not happen.
        let fragile = (self.skippable
            || redirects.iter().any(|r| may_fail(r, scope.cwd.as_deref())))
            && argv
                .first()
                .and_then(Field::known)
                .is_none_or(|n| STATEFUL.contains(&n) || self.functions.contains_key(n));
        for r in redirects {
            self.redirect(r, scope, &mut stdin)?;
        }
        let stdout_file = self.stdout_file.take();
        let away = std::mem::take(&mut self.stdout_away);
        let own = self.written.set_aside_code(&code_before);
        let out = if fragile {
            let mut ran = scope.clone();
            let out = self.run_simple(argv, assigns, declared, &mut ran, stdin);
            scope.join(&ran);
            out
        } else {
            self.run_simple(argv, assigns, declared, scope, stdin)
        };
        self.written.put_back_code(own);
        // What the command printed into its file is that file's text now.
        if let (Ok(Out::Text(t)), Some((path, before))) = (&out, stdout_file) {
            self.file_texts
                .insert(path, format!("{}{t}", before.unwrap_or_default()));
        }
        if away {
            return out.map(|_| Out::Nothing);
        }
        out
    }

    /// The rest of [`Walker::simple`], once the redirections are open: assignments,
    /// declarations, functions, then the command itself.
    fn run_simple(
        &mut self,
        argv: Vec<Field>,
        assigns: Vec<(String, Val)>,
        declared: Vec<(String, Val)>,
        scope: &mut Scope,
        stdin: Out,
    ) -> Result<Out, ShellError> {
        if argv.is_empty() {
            scope.vars.extend(assigns);
            return Ok(Out::Nothing);
        }
        let is_declaration = matches!(
            argv.first(),
            Some(Field::Known(n)) if ["export", "declare", "typeset", "local", "readonly"].contains(&n.as_str())
                && !self.functions.contains_key(n)
                && !self.disabled.contains(n)
        );
        if is_declaration {
            let nameref = argv
                .iter()
                .any(|a| matches!(a.known(), Some(f) if f.starts_with('-') && f.contains('n')));
            // Inside a function `local`, and `declare`/`typeset` without `-g`, make the
            // names local: their values end with the function, also those assigned
            // later (`local x; x=/tmp`).
            let first = argv.first().and_then(Field::known);
            let global = argv
                .iter()
                .any(|a| matches!(a.known(), Some(f) if f.starts_with('-') && f.contains('g')));
            // `declare -l`, `-u`, `-c` change the case of what the names are given.
            let case_changing = argv.iter().any(|a| {
                matches!(a.known(), Some(f) if f.starts_with('-') && f.contains(['l', 'u', 'c']) && !f.starts_with("--"))
            });
            let local = !self.locals.is_empty()
                && (first == Some("local")
                    || matches!(first, Some("declare" | "typeset")) && !global);
            if local {
                for name in argv[1..]
                    .iter()
                    .filter_map(Field::known)
                    .filter(|w| !w.starts_with('-') && !w.contains('=') && is_name(w))
                {
                    if let Some(frame) = self.locals.last_mut() {
                        frame.push((name.to_owned(), scope.vars.get(name).cloned()));
                    }
                    scope
                        .vars
                        .insert(name.to_owned(), Val::Known(String::new()));
                }
            }
            // Words that became `NAME=value` only when expanded (`declare "d=x"`,
            // `export "$n=x"`) assign too; one whose name is not known may set any.
            let mut declared = declared;
            let parsed: Vec<String> = declared.iter().map(|(n, _)| n.clone()).collect();
            for w in argv[1..]
                .iter()
                .filter(|a| a.known().is_none_or(|w| !w.starts_with('-')))
            {
                match w.known().and_then(|w| w.split_once('=')) {
                    Some((n, v)) if !parsed.iter().any(|p| p == n) && is_name(n) => {
                        declared.push((n.to_owned(), Val::Known(v.to_owned())));
                    }
                    Some(_) => {}
                    None if w.known().is_none() => scope.forget_values(),
                    None if nameref => {
                        // `declare -n r`: the first value assigned to `r` names its target.
                        if let Some(n) = w.known() {
                            scope
                                .namerefs
                                .insert(n.to_owned(), PENDING_NAMEREF.to_owned());
                        }
                    }
                    None => {}
                }
            }
            // An option the builtin does not have, or `local` outside a function, makes
            // it fail: whether it assigned is not known.
            let valid: &str = match first {
                Some("export") => "fnp",
                Some("readonly") => "aAfp",
                _ => "aAfFgiIlnprtux",
            };
            let fails = argv[1..].iter().filter_map(Field::known).any(|a| {
                a.len() > 1
                    && (a.starts_with('-') || a.starts_with('+'))
                    && a != "--"
                    && !a[1..].chars().all(|c| valid.contains(c))
            }) || (first == Some("local") && self.locals.is_empty());
            let read_only = first == Some("readonly")
                || argv[1..]
                    .iter()
                    .filter_map(Field::known)
                    .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('r'));
            let plain_names: Vec<String> = argv[1..]
                .iter()
                .filter_map(Field::known)
                .filter(|w| !w.starts_with('-') && !w.contains('=') && is_name(w))
                .map(str::to_owned)
                .collect();
            let mut frozen: Vec<String> = plain_names;
            // `declare -a A='(…)'`: a quoted list is still a compound assignment.
            let arrays = argv[1..]
                .iter()
                .filter_map(Field::known)
                .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains(['a', 'A']));
            for (name, val) in declared {
                let val = if case_changing || fails {
                    Val::Unknown
                } else {
                    val
                };
                let val = match val {
                    Val::Known(v) if arrays && v.starts_with('(') => {
                        scope.arrays.insert(name.clone(), vec![Val::Unknown]);
                        Val::Unknown
                    }
                    v => v,
                };
                frozen.push(name.clone());
                if local && let Some(frame) = self.locals.last_mut() {
                    frame.push((name.clone(), scope.vars.get(&name).cloned()));
                }
                match (nameref, val) {
                    (true, Val::Known(target)) => {
                        scope.namerefs.insert(name, target);
                    }
                    (_, val) => {
                        scope.vars.insert(name, val);
                    }
                }
            }
            if read_only && !fails {
                for name in frozen {
                    self.readonly
                        .entry(name.clone())
                        .or_insert_with(|| scope.vars.get(&name).cloned());
                }
            }
        }
        // Before a special builtin, in POSIX mode (`set -o posix`), assignments outlive
        // the command: they may.
        if !assigns.is_empty()
            && argv.first().and_then(Field::known).is_some_and(|n| {
                matches!(
                    n,
                    ":" | "."
                        | "eval"
                        | "exec"
                        | "exit"
                        | "export"
                        | "readonly"
                        | "return"
                        | "set"
                        | "shift"
                        | "trap"
                        | "unset"
                        | "break"
                        | "continue"
                        | "times"
                )
            })
        {
            let mut kept = scope.clone();
            kept.vars.extend(assigns.iter().cloned());
            scope.join(&kept);
        }
        let env: HashMap<String, Val> = assigns.into_iter().collect();
        if let Some(Field::Known(name)) = argv.first()
            && let Some(body) = self.functions.get(name).cloned()
        {
            // A recursive function is followed into its second level (enough to see what
            // it does with arguments of its own making), not to the bottom.
            let active = self.active_functions.get(name).copied().unwrap_or(0);
            if active >= 2 {
                return Ok(Out::Unknown);
            }
            self.active_functions.insert(name.clone(), active + 1);
            let out = self.call_function(&body, &argv[1..], scope, stdin);
            self.active_functions.insert(name.clone(), active);
            return out;
        }
        self.dispatch(&argv, scope, &env, stdin)
    }

    /// Drops `name` from the `local` declarations of the functions that called the
    /// running one, so their return does not restore it; whether one held it.
    pub(super) fn unset_outer_local(&mut self, name: &str) -> bool {
        let Some((_, outer)) = self.locals.split_last_mut() else {
            return false;
        };
        let mut found = false;
        for frame in outer.iter_mut() {
            let before = frame.len();
            frame.retain(|(n, _)| n != name);
            found |= frame.len() != before;
        }
        found
    }

    fn call_function(
        &mut self,
        body: &ast::FunctionBody,
        args: &[Field],
        scope: &mut Scope,
        stdin: Out,
    ) -> Result<Out, ShellError> {
        if self.depth >= MAX_DEPTH {
            return Err(ShellError::TooComplex(
                "functions recurse too deeply".into(),
            ));
        }
        self.depth += 1;
        self.locals.push(Vec::new());
        let saved = std::mem::replace(
            &mut scope.positional,
            args.iter().map(Field::to_val).collect(),
        );
        let mut stdin = stdin;
        let fragile = body
            .1
            .iter()
            .flat_map(|r| r.0.iter())
            .any(|r| may_fail(r, scope.cwd.as_deref()));
        for r in body.1.iter().flat_map(|r| r.0.iter()) {
            self.redirect(r, scope, &mut stdin)?;
        }
        let out = if fragile {
            let mut ran = scope.clone();
            let out = self.compound(&body.0, &mut ran, stdin);
            scope.join(&ran);
            out
        } else {
            self.compound(&body.0, scope, stdin)
        };
        scope.positional = saved;
        // `local` variables end with the function.
        for (name, old) in self.locals.pop().unwrap_or_default().into_iter().rev() {
            match old {
                Some(v) => scope.vars.insert(name, v),
                None => scope.vars.remove(&name),
            };
        }
        self.depth -= 1;
        out
    }

    /// Evaluates `NAME=value` (or `NAME=(array)`), running any substitutions in it.
    fn assignment(
        &mut self,
        a: &ast::Assignment,
        scope: &mut Scope,
    ) -> Result<(String, Val), ShellError> {
        let mut element = None;
        let name = match &a.name {
            ast::AssignmentName::VariableName(n) => n.clone(),
            ast::AssignmentName::ArrayElementName(n, index) => {
                // `a[$(cmd)]=x` runs cmd.
                self.expand_joined(index, scope)?;
                element = Some(index.trim() == "0");
                n.clone()
            }
        };
        if scope.namerefs.get(&name).map(String::as_str) == Some(PENDING_NAMEREF)
            && let ast::AssignmentValue::Scalar(w) = &a.value
        {
            match self.expand_joined(&w.value, scope)? {
                Val::Known(target) => {
                    scope.namerefs.insert(name.clone(), target);
                }
                _ => {
                    scope.namerefs.remove(&name);
                    scope.forget_values();
                }
            }
            let current = scope.vars.get(&name).cloned().unwrap_or(Val::Unknown);
            return Ok((name, current));
        }
        let name = scope.namerefs.get(&name).cloned().unwrap_or(name);
        if let Some(first) = element {
            // One element set: positions are not followed, so the array holds an
            // element only known at run time; `$a` is its first.
            scope
                .arrays
                .entry(name.clone())
                .or_insert_with(|| vec![scope.vars.get(&name).cloned().unwrap_or(Val::Unknown)])
                .push(Val::Unknown);
            if !first {
                let current = scope
                    .vars
                    .get(&name)
                    .cloned()
                    .unwrap_or(Val::Known(String::new()));
                return Ok((name, current));
            }
        }
        let val = match &a.value {
            ast::AssignmentValue::Scalar(w) => {
                let v = self.expand_joined(&w.value, scope)?;
                let v = match (a.append, scope.vars.get(&name), v) {
                    (true, Some(Val::Known(old)), Val::Known(new)) => {
                        Val::Known(format!("{old}{new}"))
                    }
                    (true, _, _) => Val::Unknown,
                    (false, _, v) => v,
                };
                // `x=v` on an array sets its first element.
                if element.is_none()
                    && let Some(arr) = scope.arrays.get_mut(&name)
                {
                    match arr.first_mut() {
                        Some(first) => *first = v.clone(),
                        None => arr.push(v.clone()),
                    }
                }
                v
            }
            ast::AssignmentValue::Array(items) => {
                let mut elements = Vec::new();
                let mut indexed = false;
                for (k, v) in items {
                    if let Some(k) = k {
                        self.expand(&k.value, scope)?;
                        indexed = true;
                    }
                    elements.extend(self.expand(&v.value, scope)?.iter().map(Field::to_val));
                }
                if indexed {
                    // `a=([3]=x)`: positions are not modelled, so no element is known.
                    elements = vec![Val::Unknown];
                }
                if a.append {
                    // `a+=(x)` adds to the end.
                    let mut all =
                        scope.arrays.get(&name).cloned().unwrap_or_else(|| {
                            scope.vars.get(&name).cloned().into_iter().collect()
                        });
                    all.extend(elements);
                    elements = all;
                }
                let first = elements
                    .first()
                    .cloned()
                    .unwrap_or(Val::Known(String::new()));
                scope.arrays.insert(name.clone(), elements);
                first
            }
        };
        self.program_variable(&name, &val, scope)?;
        // `BASH_ARGV0` sets `$0`.
        if name == "BASH_ARGV0" {
            scope.arg0 = Some(val.clone());
        }
        // A value that holds a substitution's text runs it wherever bash evaluates the
        // value (see `deferred`), also when built from pieces (`d='$'; x="a[${d}(cmd)]"`).
        if let Val::Known(v) = &val
            && (v.contains("$(") || v.contains('`'))
            && self.deferring == 0
            && self.deferred_values.len() < 64
        {
            self.deferred_values.push(v.clone());
        }
        Ok((name, val))
    }

    fn redirect(
        &mut self,
        r: &IoRedirect,
        scope: &mut Scope,
        stdin: &mut Out,
    ) -> Result<(), ShellError> {
        match r {
            IoRedirect::File(fd, kind, target) => match (kind, target) {
                (_, IoFileRedirectTarget::ProcessSubstitution(_, sub)) => {
                    let mut s = scope.clone();
                    let out = self.list(&sub.list, &mut s, Out::Unknown)?;
                    // `cmd < <(producer)` reads the producer's output on stdin.
                    if matches!(kind, IoFileRedirectKind::Read) && fd.is_none_or(|n| n == 0) {
                        *stdin = out;
                    }
                }
                (
                    IoFileRedirectKind::Write
                    | IoFileRedirectKind::Append
                    | IoFileRedirectKind::Clobber
                    | IoFileRedirectKind::ReadAndWrite,
                    IoFileRedirectTarget::Filename(w),
                ) => {
                    let how = match kind {
                        IoFileRedirectKind::Append => "redirection `>>`",
                        IoFileRedirectKind::Clobber => "redirection `>|`",
                        IoFileRedirectKind::ReadAndWrite => "redirection `<>`",
                        _ => "redirection `>`",
                    };
                    let fields = self.expand(&w.value, scope)?;
                    if matches!(kind, IoFileRedirectKind::ReadAndWrite) {
                        self.open_on(*fd, &fields, scope);
                    }
                    if fd.is_none_or(|n| n == 1) {
                        self.stdout_away = true;
                        self.stdout_file = match (fields.as_slice(), kind) {
                            (_, IoFileRedirectKind::ReadAndWrite) => None,
                            ([Field::Known(p)], _) => self.resolve_path(p, scope).and_then(|p| {
                                let p = super::super::paths::normalize(&p);
                                let before = match kind {
                                    IoFileRedirectKind::Append => {
                                        Some(self.file_texts.get(&p).cloned()?)
                                    }
                                    _ => None,
                                };
                                Some((p, before))
                            }),
                            _ => None,
                        };
                    }
                    for f in &fields {
                        self.write(f, scope, false, how);
                    }
                }
                (IoFileRedirectKind::DuplicateOutput, IoFileRedirectTarget::Duplicate(w)) => {
                    if fd.is_none_or(|n| n == 1) {
                        self.stdout_away = true;
                    }
                    for f in self.expand(&w.value, scope)? {
                        // `>&2` and `>&-` duplicate descriptors; `>&file` writes a file.
                        let is_fd = matches!(&f, Field::Known(s) if s == "-" || s.trim_end_matches('-').chars().all(|c| c.is_ascii_digit()));
                        if !is_fd {
                            self.write(&f, scope, false, "redirection `>&`");
                        }
                    }
                }
                (IoFileRedirectKind::Read, IoFileRedirectTarget::Filename(w)) => {
                    let fields = self.expand(&w.value, scope)?;
                    self.open_on(*fd, &fields, scope);
                    if fd.is_none_or(|n| n == 0) {
                        *stdin = match fields.as_slice() {
                            [Field::Known(p)] if p == "/dev/null" => Out::Nothing,
                            [Field::Known(p)] => {
                                self.read_file(p, scope).map_or(Out::Unknown, Out::Text)
                            }
                            _ => Out::Unknown,
                        };
                    }
                }
                (IoFileRedirectKind::DuplicateInput, IoFileRedirectTarget::Duplicate(w)) => {
                    let fields = self.expand(&w.value, scope)?;
                    if let [Field::Known(n)] = fields.as_slice() {
                        // `N<&M`: N is opened on what M is.
                        if let (Ok(m), Ok(to)) = (n.parse::<u32>(), u32::try_from(fd.unwrap_or(0)))
                        {
                            let same = self.opened.get(&m).cloned().unwrap_or_default();
                            self.opened.entry(to).or_default().extend(same);
                        }
                        if let Some(out) = self.fd_contents.get(&format!("/dev/fd/{n}")) {
                            *stdin = out.clone();
                        }
                    }
                }
                (_, IoFileRedirectTarget::Filename(w) | IoFileRedirectTarget::Duplicate(w)) => {
                    self.expand(&w.value, scope)?;
                }
                (IoFileRedirectKind::DuplicateInput, IoFileRedirectTarget::Fd(n)) => {
                    // `N<&M`: N is opened on what M is.
                    if let Ok(m) = u32::try_from(*n) {
                        let same = self.opened.get(&m).cloned().unwrap_or_default();
                        if let Ok(fd) = u32::try_from(fd.unwrap_or(0)) {
                            self.opened.entry(fd).or_default().extend(same);
                        }
                    }
                    // `<&3` reads what was put on fd 3 (a here-document, a file).
                    if let Some(out) = self.fd_contents.get(&format!("/dev/fd/{n}")) {
                        *stdin = out.clone();
                    }
                }
                (IoFileRedirectKind::DuplicateOutput, IoFileRedirectTarget::Fd(n)) => {
                    if fd.is_none_or(|f| f == 1) && *n != 1 {
                        self.stdout_away = true;
                    }
                }
                (_, IoFileRedirectTarget::Fd(_)) => {}
            },
            IoRedirect::HereDocument(fd, doc) => {
                // bash joins a line ending in a backslash with the next in an unquoted
                // here-document before it looks for the delimiter (`EO\` + `F` ends
                // it): where the document ends is not what the parser found.
                if doc.requires_expansion
                    && doc
                        .doc
                        .value
                        .lines()
                        .any(|l| (l.len() - l.trim_end_matches('\\').len()) % 2 == 1)
                {
                    return Err(ShellError::Parse(
                        "a line of an unquoted here-document ends in a backslash: bash joins it with the next before it looks for the delimiter".into(),
                    ));
                }
                let text = if doc.requires_expansion {
                    self.expand_heredoc(&doc.doc.value, scope)?
                } else {
                    doc.doc.value.clone()
                };
                match fd {
                    None | Some(0) => *stdin = Out::Text(text),
                    Some(n) => {
                        self.fd_contents
                            .insert(format!("/dev/fd/{n}"), Out::Text(text));
                    }
                }
            }
            IoRedirect::HereString(fd, w) => {
                let v = self.expand_joined(&w.value, scope)?;
                let out = match v {
                    Val::Known(s) => Out::Text(format!("{s}\n")),
                    Val::Unknown | Val::Partial(..) => Out::Unknown,
                };
                match fd {
                    None | Some(0) => *stdin = out,
                    Some(n) => {
                        self.fd_contents.insert(format!("/dev/fd/{n}"), out);
                    }
                }
            }
            IoRedirect::OutputAndError(w, append) => {
                self.stdout_away = true;
                let how = if *append {
                    "redirection `&>>`"
                } else {
                    "redirection `&>`"
                };
                for f in self.expand(&w.value, scope)? {
                    self.write(&f, scope, false, how);
                }
            }
        }
        Ok(())
    }

    /// Records that descriptor `fd` is opened on each of `fields`.
    fn open_on(&mut self, fd: Option<i32>, fields: &[Field], scope: &Scope) {
        let Ok(fd) = u32::try_from(fd.unwrap_or(0)) else {
            return;
        };
        for f in fields {
            if let Some(t) = self.resolve(f, scope) {
                self.opened.entry(fd).or_default().push(t);
            }
        }
    }

    /// Whether this command wrote `path` (or a folder holding it) earlier.
    pub(super) fn written_earlier(&self, path: &str, scope: &Scope) -> bool {
        self.resolve_path(path, scope)
            .is_some_and(|p| self.written.covers(&crate::policy::paths::normalize(&p)))
    }

    /// Whether this command wrote `path` itself, by name (not a folder holding it).
    pub(super) fn written_by_name(&self, path: &str, scope: &Scope) -> bool {
        self.resolve_path(path, scope)
            .is_some_and(|p| self.written.contains(&crate::policy::paths::normalize(&p)))
    }

    /// Reads a (small) file the command reads, relative to the scope's cwd.
    pub(super) fn read_file(&self, path: &str, scope: &Scope) -> Option<String> {
        if let Some(Out::Text(t)) = self.fd_contents.get(path) {
            return Some(t.clone());
        }
        if let Some(t) = self
            .resolve_path(path, scope)
            .and_then(|p| self.file_texts.get(&super::super::paths::normalize(&p)))
        {
            return Some(t.clone());
        }
        // What is on disk now is not what will be read.
        if self.written_earlier(path, scope) {
            return None;
        }
        let full = self.resolve_path(path, scope)?;
        let meta = std::fs::metadata(&full).ok()?;
        if !meta.is_file() || meta.len() > MAX_READ {
            return None;
        }
        std::fs::read_to_string(full).ok()
    }
}
