//! `find`: which of the paths under its roots its tests select, found by walking the
//! tree (only where protected paths can be), then what its actions do to them
//! (`-delete`, `-exec`, `-fprint`). Tests it cannot evaluate count as matching.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};

use crate::policy::paths;

use super::ShellError;
use super::expand::Field;
use super::walk::{Out, Scope, Val, Walker};

const WALK_BUDGET: usize = 20_000;
const MAX_EXEC_MATCHES: usize = 256;

enum Test {
    Name(GlobMatcher),
    Path(GlobMatcher),
    Type(String),
    /// Anything else: taken to match.
    Any,
}

/// Tests taking one argument; those not evaluated count as matching.
const ARG_TESTS: &[&str] = &[
    "-name",
    "-iname",
    "-path",
    "-ipath",
    "-wholename",
    "-iwholename",
    "-regex",
    "-iregex",
    "-type",
    "-xtype",
    "-user",
    "-group",
    "-uid",
    "-gid",
    "-perm",
    "-size",
    "-newer",
    "-anewer",
    "-cnewer",
    "-mtime",
    "-atime",
    "-ctime",
    "-mmin",
    "-amin",
    "-cmin",
    "-links",
    "-inum",
    "-samefile",
    "-fstype",
    "-used",
    "-context",
    "-printf",
    "-maxdepth",
    "-mindepth",
    "-regextype",
    "-files0-from",
    "-lname",
    "-ilname",
    "-newerXY",
];

impl Walker<'_> {
    pub(super) fn find(
        &mut self,
        args: &[Field],
        scope: &mut Scope,
        env: &HashMap<String, Val>,
    ) -> Result<Out, ShellError> {
        let mut i = 0;
        // `-L` follows every symlink, `-H` those given as start points.
        self.find_follows = 0;
        while let Some(a) = args.get(i).and_then(Field::known) {
            if matches!(a, "-H" | "-L" | "-P") {
                self.find_follows = match a {
                    "-L" => 2,
                    "-H" => 1,
                    _ => 0,
                };
            }
            if matches!(a, "-H" | "-L" | "-P") || a.starts_with("-O") {
                i += 1;
            } else if a == "-D" {
                i += 2;
            } else {
                break;
            }
        }
        let mut roots = Vec::new();
        while let Some(a) = args.get(i) {
            if a.known().is_some_and(|s| {
                (s.starts_with('-') && s.len() > 1) || s == "(" || s == "!" || s == ","
            }) {
                break;
            }
            roots.push(a.clone());
            i += 1;
        }
        if roots.is_empty() {
            roots.push(Field::Known(".".into()));
        }
        let mut parser = ExprParser {
            tokens: &args[i..],
            pos: 0,
            delete: false,
            execs: Vec::new(),
            outputs: Vec::new(),
            min_depth: 0,
            max_depth: usize::MAX,
        };
        let expr = parser.or();
        let ExprParser {
            delete,
            execs,
            outputs,
            min_depth,
            max_depth,
            ..
        } = parser;
        // Matches that matter: protected paths, and paths holding protected ones.
        let mut matches: Vec<Field> = Vec::new();
        for root in &roots {
            let Some(given) = root.known() else {
                matches.push(root.clone());
                continue;
            };
            let Some(abs) = self.resolve_path(given, scope) else {
                matches.push(Field::unknown());
                continue;
            };
            let mut budget = WALK_BUDGET;
            let mut found = Vec::new();
            let complete = self.walk_find(
                &abs,
                given,
                0,
                min_depth,
                max_depth,
                &expr,
                &mut found,
                &mut budget,
            );
            if complete {
                matches.extend(found.into_iter().map(Field::Known));
            } else {
                matches.push(Field::Partial {
                    prefix: format!("{}/", given.trim_end_matches('/')),
                    suffix: String::new(),
                });
            }
        }
        for f in &outputs {
            self.write(f, scope, false, "find -fprint");
        }
        if delete {
            for m in &matches {
                self.write(m, scope, false, "find -delete");
            }
        }
        // Besides the matches that matter, the command runs for files that do not: once
        // more with a stand-in for those (`find src -name x -exec rm roles/a \;` writes
        // `roles/a` whatever matched). `-execdir` runs in each match's folder: for the
        // stand-in, a made-up folder under the start point (a `..` from it is unknown).
        let stand_ins: Vec<PathBuf> = roots
            .iter()
            .filter_map(Field::known)
            .filter_map(|r| self.resolve_path(r, scope))
            .map(|abs| paths::normalize(&abs).join(FIND_STAND_IN))
            .collect();
        // With `{} +`, a match comes with others before it: a stand-in for them, so
        // that it may be the last operand (`-exec cp {} +` copies onto the last match).
        let others = Field::Known(
            scope
                .cwd
                .as_ref()
                .map_or(PathBuf::from("/"), |c| c.clone())
                .join(FIND_STAND_IN)
                .to_string_lossy()
                .into_owned(),
        );
        for (cmd, in_dir, batch) in &execs {
            let mut runs: Vec<Field> = if matches.len() > MAX_EXEC_MATCHES {
                vec![Field::unknown()]
            } else {
                matches.clone()
            };
            runs.extend(
                stand_ins
                    .iter()
                    .map(|p| Field::Known(p.to_string_lossy().into_owned())),
            );
            // Deepest first: what a command without a model may make of a folder (a
            // symlink) is not taken to redirect its own runs on the files inside.
            runs.reverse();
            for m in runs {
                let mut sub = scope.clone();
                let argv = match (&m, *in_dir) {
                    (Field::Known(p), true) => {
                        // `{}` is `./NAME`, in the match's own folder.
                        let full = self.resolve_path(p, scope);
                        sub.cwd = full
                            .as_deref()
                            .and_then(Path::parent)
                            .map(Path::to_path_buf);
                        let name = full
                            .as_deref()
                            .and_then(Path::file_name)
                            .map_or(String::new(), |n| n.to_string_lossy().into_owned());
                        substitute(cmd, &Field::Known(format!("./{name}")))
                    }
                    (_, true) => {
                        sub.cwd = None;
                        substitute(cmd, &m)
                    }
                    (_, false) if *batch => substitute_batch(cmd, &others, &m),
                    (_, false) => substitute(cmd, &m),
                };
                self.dispatch(&argv, &mut sub, env, Out::Nothing)?;
            }
        }
        Ok(Out::Items(matches))
    }

    /// Walks `path` (shown as `shown`), collecting matching relevant paths. Returns false
    /// when the walk ran out of budget.
    #[allow(clippy::too_many_arguments)]
    fn walk_find(
        &self,
        path: &Path,
        shown: &str,
        depth: usize,
        min: usize,
        max: usize,
        expr: &Expr,
        found: &mut Vec<String>,
        budget: &mut usize,
    ) -> bool {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        let follow = self.find_follows == 2 || (self.find_follows == 1 && depth == 0);
        let meta = if follow {
            path.metadata()
        } else {
            path.symlink_metadata()
        };
        let Ok(meta) = meta else {
            return true;
        };
        if !(self.ctx.relevant)(path) {
            return true;
        }
        if depth >= min && eval(expr, path, shown, &meta) != Tri::No {
            found.push(shown.to_owned());
        }
        if meta.is_dir() && depth < max {
            let Ok(entries) = std::fs::read_dir(path) else {
                return true;
            };
            let mut children: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
            children.sort();
            for child in children {
                let name = child
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let child_shown = format!("{}/{name}", shown.trim_end_matches('/'));
                if !self.walk_find(
                    &child,
                    &child_shown,
                    depth + 1,
                    min,
                    max,
                    expr,
                    found,
                    budget,
                ) {
                    return false;
                }
            }
        }
        true
    }
}

/// Three-valued truth: a test the guard cannot evaluate is `Maybe`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tri {
    Yes,
    No,
    Maybe,
}

enum Expr {
    Test(Test),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    /// Actions and options: true for every path.
    True,
}

fn eval(e: &Expr, path: &Path, shown: &str, meta: &std::fs::Metadata) -> Tri {
    match e {
        Expr::True => Tri::Yes,
        Expr::Test(Test::Any) => Tri::Maybe,
        Expr::Test(t) => {
            if test(t, path, shown, meta) {
                Tri::Yes
            } else {
                Tri::No
            }
        }
        Expr::Not(a) => match eval(a, path, shown, meta) {
            Tri::Yes => Tri::No,
            Tri::No => Tri::Yes,
            Tri::Maybe => Tri::Maybe,
        },
        Expr::And(a, b) => match (eval(a, path, shown, meta), eval(b, path, shown, meta)) {
            (Tri::No, _) | (_, Tri::No) => Tri::No,
            (Tri::Yes, Tri::Yes) => Tri::Yes,
            _ => Tri::Maybe,
        },
        Expr::Or(a, b) => match (eval(a, path, shown, meta), eval(b, path, shown, meta)) {
            (Tri::Yes, _) | (_, Tri::Yes) => Tri::Yes,
            (Tri::No, Tri::No) => Tri::No,
            _ => Tri::Maybe,
        },
    }
}

/// The name standing in for the files a `-exec` runs on that the walk did not list
/// (they are not protected, nor hold protected paths).
pub(super) const FIND_STAND_IN: &str = ".find-stand-in/match";

/// A recursive-descent parser for find's expression (`-o` binds looser than `-a`, `!`
/// tighter, parentheses group), collecting its actions on the way.
struct ExprParser<'a> {
    tokens: &'a [Field],
    pos: usize,
    delete: bool,
    /// Each `-exec`-like command, and whether it runs in the match's folder
    /// (`-execdir`, `-okdir`).
    /// Each `-exec` command, whether it runs in the match's folder (`-execdir`), and
    /// whether it gets the matches together (`{} +`).
    execs: Vec<(Vec<Field>, bool, bool)>,
    outputs: Vec<Field>,
    min_depth: usize,
    max_depth: usize,
}

impl ExprParser<'_> {
    fn peek(&self) -> Option<&str> {
        self.tokens
            .get(self.pos)
            .map(|f| f.known().unwrap_or("\u{0}"))
    }

    fn or(&mut self) -> Expr {
        let mut left = self.and();
        while matches!(self.peek(), Some("-o" | "-or" | ",")) {
            self.pos += 1;
            let right = self.and();
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        left
    }

    fn and(&mut self) -> Expr {
        let mut left = self.unary();
        loop {
            match self.peek() {
                None | Some("-o" | "-or" | "," | ")") => return left,
                Some("-a" | "-and") => self.pos += 1,
                _ => {}
            }
            if self.peek().is_none() {
                return left;
            }
            let right = self.unary();
            left = Expr::And(Box::new(left), Box::new(right));
        }
    }

    fn unary(&mut self) -> Expr {
        match self.peek() {
            Some("!" | "-not") => {
                self.pos += 1;
                Expr::Not(Box::new(self.unary()))
            }
            Some("(") => {
                self.pos += 1;
                let e = self.or();
                if self.peek() == Some(")") {
                    self.pos += 1;
                }
                e
            }
            _ => self.primary(),
        }
    }

    fn primary(&mut self) -> Expr {
        let Some(tok) = self.peek().map(str::to_owned) else {
            return Expr::True;
        };
        self.pos += 1;
        let arg = self.tokens.get(self.pos).cloned();
        let take = |p: &mut Self| {
            p.pos += 1;
            arg.clone()
        };
        match tok.as_str() {
            "-delete" => {
                self.delete = true;
                Expr::True
            }
            "-exec" | "-execdir" | "-ok" | "-okdir" => {
                let rest = &self.tokens[self.pos..];
                let end = rest
                    .iter()
                    .position(|f| matches!(f.known(), Some(";" | "+")))
                    .unwrap_or(rest.len());
                let batch = rest.get(end).and_then(Field::known) == Some("+");
                self.execs
                    .push((rest[..end].to_vec(), tok.ends_with("dir"), batch));
                self.pos += (end + 1).min(rest.len());
                Expr::Test(Test::Any)
            }
            "-fprint" | "-fprint0" | "-fls" => {
                let out = take(self);
                self.outputs.extend(out);
                Expr::True
            }
            "-fprintf" => {
                let out = take(self);
                self.outputs.extend(out);
                self.pos += 1;
                Expr::True
            }
            "-name" | "-iname" | "-path" | "-ipath" | "-wholename" | "-iwholename" => {
                let ci = tok.starts_with("-i");
                let whole = !tok.ends_with("name") || tok.contains("whole");
                Expr::Test(
                    match take(self)
                        .as_ref()
                        .and_then(Field::known)
                        .and_then(|p| glob(p, ci, !whole))
                    {
                        Some(m) if whole => Test::Path(m),
                        Some(m) => Test::Name(m),
                        None => Test::Any,
                    },
                )
            }
            "-type" => Expr::Test(
                take(self)
                    .as_ref()
                    .and_then(Field::known)
                    .map_or(Test::Any, |t| Test::Type(t.to_owned())),
            ),
            "-maxdepth" | "-mindepth" => {
                if let Some(n) = take(self)
                    .as_ref()
                    .and_then(Field::known)
                    .and_then(|n| n.parse().ok())
                {
                    if tok == "-maxdepth" {
                        self.max_depth = n
                    } else {
                        self.min_depth = n
                    }
                }
                Expr::True
            }
            t if ARG_TESTS.contains(&t) => {
                take(self);
                Expr::Test(Test::Any)
            }
            "-true"
            | "-print"
            | "-print0"
            | "-ls"
            | "-prune"
            | "-depth"
            | "-d"
            | "-mount"
            | "-xdev"
            | "-noleaf"
            | "-follow"
            | "-daystart"
            | "-ignore_readdir_race"
            | "-noignore_readdir_race"
            | "-quit" => Expr::True,
            "-false" => Expr::Not(Box::new(Expr::True)),
            _ => Expr::Test(Test::Any),
        }
    }
}

fn test(t: &Test, path: &Path, shown: &str, meta: &std::fs::Metadata) -> bool {
    match t {
        Test::Name(m) => path.file_name().is_some_and(|n| m.is_match(n)),
        Test::Path(m) => m.is_match(shown),
        Test::Type(ty) => ty.split(',').any(|c| match c {
            "f" => meta.is_file(),
            "d" => meta.is_dir(),
            "l" => meta.file_type().is_symlink(),
            _ => true,
        }),
        Test::Any => true,
    }
}

fn glob(pattern: &str, case_insensitive: bool, name_only: bool) -> Option<GlobMatcher> {
    GlobBuilder::new(pattern)
        .case_insensitive(case_insensitive)
        .literal_separator(name_only)
        .backslash_escape(true)
        .build()
        .ok()
        .map(|g| g.compile_matcher())
}

/// A `{} +` command line with the `{}` word replaced by `others` and then `m`.
fn substitute_batch(cmd: &[Field], others: &Field, m: &Field) -> Vec<Field> {
    let mut out = Vec::new();
    for a in cmd {
        if a.known() == Some("{}") {
            out.push(others.clone());
            out.push(m.clone());
        } else {
            out.extend(substitute(std::slice::from_ref(a), m));
        }
    }
    out
}

/// An `-exec` command line with `{}` replaced by one match.
fn substitute(cmd: &[Field], m: &Field) -> Vec<Field> {
    cmd.iter()
        .map(|a| match (a, m) {
            (Field::Known(s), Field::Known(v)) if s.contains("{}") => {
                Field::Known(s.replace("{}", v))
            }
            (Field::Known(s), Field::Partial { prefix, suffix }) if s.contains("{}") => {
                let (before, after) = s.split_once("{}").unwrap_or((s, ""));
                Field::Partial {
                    prefix: format!("{before}{prefix}"),
                    suffix: format!("{suffix}{after}"),
                }
            }
            _ => a.clone(),
        })
        .collect()
}

impl Walker<'_> {
    /// `xargs`: runs its command once per input item (what `find`, `grep -l`, `ls`, a
    /// file or a here-string fed it), with `-I` replacement.
    pub(super) fn xargs(
        &mut self,
        args: &[Field],
        scope: &mut Scope,
        env: &HashMap<String, Val>,
        stdin: Out,
    ) -> Result<Out, ShellError> {
        let mut i = 0;
        let mut replace: Option<String> = None;
        let mut arg_file: Option<Field> = None;
        let mut nul = false;
        // How many items one run of the command gets (`-n`, `-L` lines): all by default.
        let mut per_run: Option<usize> = None;
        let mut by_lines = false;
        while let Some(a) = args.get(i).and_then(Field::known) {
            if a == "--" {
                i += 1;
                break;
            }
            if !a.starts_with('-') || a == "-" {
                break;
            }
            let next = args.get(i + 1).cloned();
            match a {
                "-I" => {
                    replace = next.and_then(|f| f.known().map(str::to_owned));
                    i += 1;
                }
                "-a" | "--arg-file" => {
                    arg_file = next;
                    i += 1;
                }
                "-n" | "--max-args" | "-L" | "--max-lines" => {
                    per_run = Some(
                        next.as_ref()
                            .and_then(Field::known)
                            .and_then(|n| n.parse().ok())
                            .unwrap_or(1),
                    );
                    by_lines = matches!(a, "-L" | "--max-lines");
                    i += 1;
                }
                "-d" | "-E" | "-P" | "-s" | "--delimiter" | "--eof" | "--max-procs"
                | "--max-chars" | "--process-slot-var" => i += 1,
                s if s.starts_with("-n") || s.starts_with("-L") => {
                    per_run = Some(s[2..].parse().unwrap_or(1));
                    by_lines = s.starts_with("-L");
                }
                "-0" | "--null" => nul = true,
                s if s.starts_with("-I") => replace = Some(s[2..].to_owned()),
                s if s.starts_with("-i") => {
                    replace = Some(if s.len() > 2 {
                        s[2..].to_owned()
                    } else {
                        "{}".into()
                    })
                }
                s if s.starts_with("--replace") => {
                    replace = Some(s.split_once('=').map_or("{}".into(), |(_, r)| r.to_owned()))
                }
                s if s.starts_with("--arg-file=") => {
                    arg_file = Some(Field::Known(s["--arg-file=".len()..].to_owned()))
                }
                _ => {}
            }
            i += 1;
        }
        let mut cmd: Vec<Field> = args[i.min(args.len())..].to_vec();
        if cmd.is_empty() {
            cmd.push(Field::Known("echo".into()));
        }
        let input = match arg_file {
            Some(Field::Known(f)) => self.read_file(&f, scope).map_or(Out::Unknown, Out::Text),
            Some(_) => Out::Unknown,
            None => stdin,
        };
        let input_text = match &input {
            Out::Text(t) => Some(t.clone()),
            _ => None,
        };
        // With a replace string, each input line is one item (`-I{} sh -c '{}'` runs
        // the line); otherwise words.
        let items: Vec<Field> = match input {
            // Output the model renders drops NULs (as a substitution would): without
            // them, where `-0` splits is not known.
            Out::Text(t)
                if nul && !t.contains('\0') && t.contains(|c: char| !c.is_whitespace()) =>
            {
                vec![Field::unknown(), Field::unknown()]
            }
            Out::Text(t) => {
                let parts: Vec<&str> = if nul {
                    t.split('\0').collect()
                } else if replace.is_some() {
                    t.lines().map(str::trim).collect()
                } else {
                    t.split(char::is_whitespace).collect()
                };
                parts
                    .into_iter()
                    .filter(|p| !p.is_empty())
                    .map(|p| Field::Known(p.trim_matches(['"', '\'']).to_owned()))
                    .collect()
            }
            Out::Items(v) => v,
            // Any number of words: at least two, so that one may be a destination.
            Out::Unknown => vec![Field::unknown(), Field::unknown()],
            Out::Nothing => Vec::new(),
        };
        if items.is_empty() {
            let mut sub = scope.clone();
            return self.dispatch(&cmd, &mut sub, env, Out::Nothing);
        }
        let items = if items.len() > MAX_EXEC_MATCHES {
            vec![Field::unknown()]
        } else {
            items
        };
        if replace.is_none() {
            // The items go to the command in runs of `per_run` (all at once by
            // default): the last of a run may be a destination (`echo a b | xargs cp`),
            // or the first the program (`echo rm x | xargs env`).
            let lines: Vec<usize> = match (&input_text, by_lines) {
                (Some(t), true) => t
                    .lines()
                    .map(|l| l.split_whitespace().count())
                    .filter(|n| *n > 0)
                    .collect(),
                _ => Vec::new(),
            };
            let mut runs: Vec<&[Field]> = Vec::new();
            match per_run {
                Some(n) if by_lines && !lines.is_empty() => {
                    let mut at = 0;
                    for chunk in lines.chunks(n.max(1)) {
                        let len: usize = chunk.iter().sum();
                        runs.push(&items[at..(at + len).min(items.len())]);
                        at += len;
                    }
                }
                Some(n) if !by_lines => runs.extend(items.chunks(n.max(1))),
                _ => runs.push(&items),
            }
            for run in runs {
                let mut argv = cmd.clone();
                argv.extend(run.iter().cloned());
                let mut sub = scope.clone();
                self.dispatch(&argv, &mut sub, env, Out::Nothing)?;
            }
            return Ok(Out::Unknown);
        }
        for item in &items {
            let argv = match &replace {
                Some(r) => cmd
                    .iter()
                    .map(|a| match (a, item) {
                        (Field::Known(s), Field::Known(v)) if s.contains(r.as_str()) => {
                            Field::Known(s.replace(r.as_str(), v))
                        }
                        (Field::Known(s), Field::Partial { prefix, suffix })
                            if s.contains(r.as_str()) =>
                        {
                            let (b, af) = s.split_once(r.as_str()).unwrap_or((s, ""));
                            Field::Partial {
                                prefix: format!("{b}{prefix}"),
                                suffix: format!("{suffix}{af}"),
                            }
                        }
                        _ => a.clone(),
                    })
                    .collect(),
                None => {
                    let mut v = cmd.clone();
                    v.push(item.clone());
                    v
                }
            };
            let mut sub = scope.clone();
            self.dispatch(&argv, &mut sub, env, Out::Nothing)?;
        }
        Ok(Out::Unknown)
    }
}
