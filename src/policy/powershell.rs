//! Claude Code's PowerShell tool, analysed as PowerShell (not bash): the writes a command
//! may make, as [`shell::Write`]s for the guard to check. A positive model, like the bash
//! analysis: writing cmdlets and their aliases write their path arguments; read-only
//! cmdlets write nothing; everything else (external programs, script blocks run by
//! `Invoke-Expression`, .NET calls, unknown cmdlets) is taken to write every literal path
//! it names, with everything beneath it, and a value only known at run time (a variable,
//! a subexpression) may be any path.

use std::path::PathBuf;

use super::paths;
use super::shell::{self, Context, ShellError, Target, Write};

/// Longest command analysed; past it the command is refused as too complex.
const MAX_LEN: usize = 256 * 1024;

/// Writing cmdlets and aliases (lowercase) → whether the write reaches beneath the
/// target (a folder removed, copied or moved whole).
const WRITERS: &[(&str, bool)] = &[
    ("set-content", false),
    ("sc", false),
    ("add-content", false),
    ("ac", false),
    ("out-file", false),
    ("tee-object", false),
    ("tee", false),
    ("new-item", false),
    ("ni", false),
    ("md", false),
    ("mkdir", false),
    ("remove-item", true),
    ("ri", true),
    ("rm", true),
    ("rmdir", true),
    ("del", true),
    ("erase", true),
    ("rd", true),
    ("copy-item", true),
    ("cp", true),
    ("copy", true),
    ("cpi", true),
    ("move-item", true),
    ("mv", true),
    ("move", true),
    ("mi", true),
    ("rename-item", true),
    ("ren", true),
    ("rni", true),
    ("clear-content", false),
    ("clc", false),
    ("clear-item", true),
    ("cli", true),
    ("set-item", false),
    ("si", false),
    ("set-itemproperty", false),
    ("sp", false),
    ("new-itemproperty", false),
    ("remove-itemproperty", false),
    ("clear-itemproperty", false),
    ("rename-itemproperty", false),
    ("copy-itemproperty", false),
    ("move-itemproperty", false),
    ("set-acl", true),
    ("export-csv", false),
    ("epcsv", false),
    ("export-clixml", false),
    ("export-alias", false),
    ("export-formatdata", false),
    ("start-transcript", false),
    ("expand-archive", true),
    ("compress-archive", false),
    ("invoke-webrequest", false),
    ("iwr", false),
    ("curl", false),
    ("wget", false),
    ("invoke-restmethod", false),
    ("irm", false),
    ("start-bitstransfer", false),
    ("save-help", true),
];

/// Read-only cmdlets and aliases (lowercase): their arguments are not written.
const READERS: &[&str] = &[
    "get-content",
    "gc",
    "cat",
    "type",
    "get-childitem",
    "gci",
    "ls",
    "dir",
    "get-item",
    "gi",
    "get-itemproperty",
    "gp",
    "test-path",
    "resolve-path",
    "rvpa",
    "select-string",
    "sls",
    "get-location",
    "gl",
    "pwd",
    "write-output",
    "echo",
    "write",
    "write-host",
    "write-error",
    "write-verbose",
    "write-warning",
    "write-debug",
    "write-information",
    "out-host",
    "oh",
    "out-string",
    "out-null",
    "format-table",
    "ft",
    "format-list",
    "fl",
    "format-wide",
    "fw",
    "format-custom",
    "fc",
    "select-object",
    "select",
    "where-object",
    "where",
    "?",
    "foreach-object",
    "foreach",
    "%",
    "sort-object",
    "sort",
    "measure-object",
    "measure",
    "group-object",
    "group",
    "compare-object",
    "compare",
    "diff",
    "get-filehash",
    "get-date",
    "get-process",
    "gps",
    "ps",
    "get-command",
    "gcm",
    "get-help",
    "help",
    "split-path",
    "join-path",
    "test-connection",
    "get-acl",
    "get-variable",
    "gv",
    "set-location",
    "sl",
    "cd",
    "chdir",
    "push-location",
    "pushd",
    "pop-location",
    "popd",
    "start-sleep",
    "sleep",
    "get-member",
    "gm",
    "convertto-json",
    "convertfrom-json",
    "convertto-csv",
    "convertfrom-csv",
    "convertto-html",
    "convertto-xml",
    "import-csv",
    "ipcsv",
    "import-clixml",
    "get-unique",
    "gu",
    "get-random",
    "get-host",
    "get-culture",
    "get-service",
    "gsv",
    "get-module",
    "gmo",
    "get-psdrive",
    "gdr",
    "get-history",
    "h",
    "history",
    "get-alias",
    "gal",
    "clear-host",
    "cls",
    "clear",
    "tee-object-free",
    "new-guid",
    "get-uptime",
    "get-timezone",
    "test-json",
    "read-host",
    "out-gridview",
    "set-strictmode",
    "get-error",
    "get-verb",
    "write-progress",
    "set-variable",
    "set",
    "new-variable",
    "nv",
    "remove-variable",
    "rv",
    "clear-variable",
    "clv",
];

/// Parameters whose value is a written path (prefixes of these are accepted too, as
/// PowerShell accepts any unambiguous prefix).
const PATH_PARAMS: &[&str] = &[
    "path",
    "literalpath",
    "pspath",
    "lp",
    "destination",
    "destinationpath",
    "filepath",
    "outfile",
    "outputdirectory",
    "newname",
];

/// Every write `command` may make when run in `ctx`.
pub fn analyze(command: &str, ctx: &Context) -> Result<Vec<Write>, ShellError> {
    if command.len() > MAX_LEN {
        return Err(ShellError::TooComplex(format!(
            "a PowerShell command longer than {MAX_LEN} bytes"
        )));
    }
    let statements = tokenize(command)?;
    let mut out = Vec::new();
    let mut cwd = Some(ctx.cwd.clone());
    for st in &statements {
        statement(st, ctx, &mut cwd, &mut out)?;
    }
    Ok(out)
}

/// One token: its text (quotes removed) and whether it is only known at run time.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Tok {
    text: String,
    dynamic: bool,
    /// A bare `-Name` parameter (not quoted).
    param: bool,
    /// A redirection operator (`>`, `>>`, `2>`, `*>`, …).
    redirect: bool,
    /// Written in quotes: a value, never a command name or a parameter.
    quoted: bool,
    /// Followed at once by `(`: a method call (`$f.Delete()`, `[IO.File]::Move(`).
    call: bool,
}

impl Tok {
    fn plain(text: String, dynamic: bool) -> Tok {
        Tok {
            text,
            dynamic,
            param: false,
            redirect: false,
            quoted: false,
            call: false,
        }
    }
}

/// Splits a command into statements of tokens. Statement separators: `;`, newlines,
/// `|`, `&&`, `||`; groupings (`{}`, `()`, `@()`, `$()`) also end a statement, and
/// their content is analysed as statements of its own.
fn tokenize(text: &str) -> Result<Vec<Vec<Tok>>, ShellError> {
    let chars: Vec<char> = text.chars().collect();
    let mut statements = Vec::new();
    let mut current: Vec<Tok> = Vec::new();
    let mut i = 0;
    let mut depth: usize = 0;
    let end = |current: &mut Vec<Tok>, statements: &mut Vec<Vec<Tok>>| {
        if !current.is_empty() {
            statements.push(std::mem::take(current));
        }
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\r' => i += 1,
            '`' if chars.get(i + 1).is_some_and(|n| *n == '\n' || *n == '\r') => i += 2,
            '\n' | ';' | '|' | '&' if !(c == '&' && chars.get(i + 1) != Some(&'&')) => {
                end(&mut current, &mut statements);
                i += if matches!(chars.get(i + 1), Some('|' | '&')) && c != '\n' && c != ';' {
                    2
                } else {
                    1
                };
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '<' if chars.get(i + 1) == Some(&'#') => {
                let close = find(&chars, i + 2, "#>")
                    .ok_or_else(|| ShellError::Parse("a `<#` comment is never closed".into()))?;
                i = close + 2;
            }
            '{' | '(' | '}' | ')' => {
                if matches!(c, '{' | '(') {
                    depth += 1;
                    if depth > 64 {
                        return Err(ShellError::TooComplex("nesting deeper than 64".into()));
                    }
                    // `& { … }`, `. { … }`, `$( … )` and `( … )`: what runs inside is its
                    // own statements; the grouping itself is a dynamic value.
                    current.push(Tok::plain(String::new(), true));
                } else {
                    depth = depth.saturating_sub(1);
                }
                statements.push(std::mem::take(&mut current).into_iter().collect());
                i += 1;
            }
            _ => {
                let (tok, next) = word(&chars, i)?;
                current.push(tok);
                i = next;
            }
        }
    }
    if depth != 0 {
        return Err(ShellError::Parse("a bracket is never closed".into()));
    }
    end(&mut current, &mut statements);
    statements.retain(|s| !s.is_empty());
    Ok(statements)
}

fn find(chars: &[char], from: usize, pat: &str) -> Option<usize> {
    let pat: Vec<char> = pat.chars().collect();
    (from..chars.len()).find(|&j| chars[j..].starts_with(&pat))
}

/// One word starting at `i`: quoted parts, `$` expansions and backtick escapes joined.
fn word(chars: &[char], mut i: usize) -> Result<(Tok, usize), ShellError> {
    let start = i;
    let mut text = String::new();
    let mut dynamic = false;
    let mut quoted = false;
    // Redirections: `>`, `>>`, `2>`, `*>`, `2>&1`.
    let redirect_at = |j: usize| {
        let mut k = j;
        if chars
            .get(k)
            .is_some_and(|c| c.is_ascii_digit() || *c == '*')
        {
            k += 1;
        }
        (chars.get(k) == Some(&'>')).then_some(k)
    };
    if let Some(k) = redirect_at(i) {
        let mut k = k + 1;
        if chars.get(k) == Some(&'>') {
            k += 1;
        }
        if chars.get(k) == Some(&'&') {
            // `2>&1`: a stream merged into another, not a file.
            k += 2;
            return Ok((Tok::plain(String::new(), false), k.min(chars.len())));
        }
        let mut t = Tok::plain(chars[start..k].iter().collect(), false);
        t.redirect = true;
        return Ok((t, k));
    }
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\r' | '\n' | ';' | '|' | '{' | '}' | '(' | ')' => break,
            '&' if chars.get(i + 1) == Some(&'&') => break,
            '>' => break,
            '`' => {
                if let Some(n) = chars.get(i + 1) {
                    text.push(*n);
                }
                i += 2;
            }
            '\'' => {
                quoted = true;
                let here = chars.get(i.wrapping_sub(1)) == Some(&'@') && i > start;
                i += 1;
                loop {
                    let Some(&q) = chars.get(i) else {
                        return Err(ShellError::Parse("a quoted string is never closed".into()));
                    };
                    if q == '\'' && chars.get(i + 1) == Some(&'\'') && !here {
                        text.push('\'');
                        i += 2;
                    } else if q == '\'' && (!here || chars.get(i + 1) == Some(&'@')) {
                        i += if here { 2 } else { 1 };
                        break;
                    } else {
                        text.push(q);
                        i += 1;
                    }
                }
                if here {
                    text = text.trim_start_matches('@').to_owned();
                }
            }
            '"' => {
                quoted = true;
                i += 1;
                loop {
                    let Some(&q) = chars.get(i) else {
                        return Err(ShellError::Parse("a quoted string is never closed".into()));
                    };
                    match q {
                        '`' => {
                            if let Some(n) = chars.get(i + 1) {
                                text.push(*n);
                            }
                            i += 2;
                        }
                        '"' if chars.get(i + 1) == Some(&'"') => {
                            text.push('"');
                            i += 2;
                        }
                        '"' => {
                            i += 1;
                            break;
                        }
                        '$' => {
                            dynamic = true;
                            text.push(q);
                            i += 1;
                        }
                        _ => {
                            text.push(q);
                            i += 1;
                        }
                    }
                }
            }
            '$' => {
                dynamic = true;
                text.push(c);
                i += 1;
            }
            '@' if matches!(chars.get(i + 1), Some('(' | '{')) => {
                dynamic = true;
                i += 1;
                break;
            }
            _ => {
                text.push(c);
                i += 1;
            }
        }
    }
    if i == start {
        // A lone character the loop stops on (a stray `>` after a word): skip it.
        i += 1;
    }
    let mut t = Tok::plain(text, dynamic);
    t.param = !quoted && t.text.starts_with('-') && t.text.len() > 1;
    t.quoted = quoted;
    t.call = i > start && chars.get(i) == Some(&'(');
    Ok((t, i))
}

/// Whether a parameter name (without `-`, lowercase, value after `:` removed) names a
/// written path: one of [`PATH_PARAMS`] or a prefix of one.
fn is_path_param(name: &str) -> bool {
    !name.is_empty() && PATH_PARAMS.iter().any(|p| p.starts_with(name))
}

/// The path a PowerShell path argument names: provider prefixes dropped, `\` read as `/`.
fn path_text(raw: &str) -> String {
    let s = raw
        .strip_prefix("Microsoft.PowerShell.Core\\FileSystem::")
        .or_else(|| raw.strip_prefix("FileSystem::"))
        .unwrap_or(raw);
    s.replace('\\', "/")
}

fn statement(
    st: &[Tok],
    ctx: &Context,
    cwd: &mut Option<PathBuf>,
    out: &mut Vec<Write>,
) -> Result<(), ShellError> {
    // Redirections first: `> file` wherever it stands.
    let mut words = Vec::new();
    let mut it = st.iter();
    while let Some(t) = it.next() {
        if t.redirect {
            if let Some(target) = it.next()
                && !target.text.eq_ignore_ascii_case("$null")
            {
                out.push(write_of(target, cwd, ctx, false, &t.text));
            }
        } else if !t.text.is_empty() || t.dynamic {
            words.push(t);
        }
    }
    let Some(first) = words.first() else {
        return Ok(());
    };
    let args = &words[1..];
    let name = first.text.to_ascii_lowercase();
    if first.quoted || first.text.parse::<f64>().is_ok() {
        // A value written as a statement (`'text'`, `42`): output, not a command.
        return Ok(());
    }
    if first.dynamic
        && let Some(op) = args.first()
        && matches!(op.text.as_str(), "=" | "+=" | "-=" | "*=" | "/=" | "??=")
    {
        // `$x = <statement>`: what runs is the right-hand side.
        let rest: Vec<Tok> = args[1..].iter().map(|t| (*t).clone()).collect();
        return statement(&rest, ctx, cwd, out);
    }
    if (first.dynamic || first.text.starts_with('.') && first.text.len() > 1)
        && (args.is_empty() || first.call)
    {
        // `$_.Name`, `$x.Length`: a value. `$f.Delete()`, `(…).MoveTo(…)`: a method call,
        // read-only by its name or else able to write anything.
        if first.call && !read_only_method(&first.text) {
            unknown(first, &[], ctx, cwd, out);
            out.push(anything(&first.text));
        }
        return Ok(());
    }
    if first.dynamic || name == "&" || name == "." {
        // `& $cmd`, `iex`-like: a program only known when it runs.
        unknown(first, args, ctx, cwd, out);
        return Ok(());
    }
    if matches!(
        name.as_str(),
        "set-location" | "sl" | "cd" | "chdir" | "push-location" | "pushd"
    ) {
        *cwd = match args.iter().find(|a| !a.param) {
            Some(a) if !a.dynamic => cwd
                .as_ref()
                .map(|c| paths::join(c, &path_text(&a.text), ctx.home.as_deref())),
            _ => None,
        };
        return Ok(());
    }
    if let Some((_, recursive)) = WRITERS.iter().find(|(w, _)| *w == name) {
        writer(&name, &first.text, *recursive, args, ctx, cwd, out);
        return Ok(());
    }
    if READERS.contains(&name.as_str()) {
        return Ok(());
    }
    if matches!(name.as_str(), "bash" | "sh")
        && let [flag, script, ..] = args
        && flag.text == "-c"
        && !script.dynamic
        && let Some(dir) = cwd.clone()
    {
        let sub = Context {
            cwd: dir,
            home: ctx.home.clone(),
            env: ctx.env,
            relevant: ctx.relevant,
        };
        out.extend(shell::analyze(&script.text, &sub)?);
        return Ok(());
    }
    if matches!(
        name.as_str(),
        "powershell" | "pwsh" | "powershell.exe" | "pwsh.exe"
    ) && let Some(pos) = args.iter().position(|a| {
        let l = a.text.to_ascii_lowercase();
        a.param && (l == "-c" || "-command".starts_with(&l) && l.len() > 2)
    }) && let Some(script) = args.get(pos + 1)
        && !script.dynamic
    {
        out.extend(analyze(&script.text, ctx)?);
        return Ok(());
    }
    // .NET static calls: `[IO.File]::ReadAllText(...)` reads; other methods may write
    // (their arguments follow as a statement of their own, analysed as unknown too).
    if first.text.contains("]::") {
        if !read_only_method(&first.text) {
            out.push(anything(&first.text));
        }
        return Ok(());
    }
    unknown(first, args, ctx, cwd, out);
    Ok(())
}

/// Whether a method call reads only, by its name: `ReadAllText`, `GetFiles`, `Exists`,
/// `ToString`, `Combine`, ….
fn read_only_method(text: &str) -> bool {
    const READ: [&str; 16] = [
        "read",
        "get",
        "exists",
        "test",
        "combine",
        "join",
        "equals",
        "parse",
        "tostring",
        "format",
        "compare",
        "is",
        "has",
        "contains",
        "startswith",
        "endswith",
    ];
    let method = text
        .rsplit(['.', ':'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    READ.iter().any(|r| method.starts_with(r))
}

/// A write that may reach any path: a value only known when the command runs.
fn anything(how: &str) -> Write {
    Write {
        target: Target::Partial {
            dir: None,
            name_prefix: String::new(),
            suffix: String::new(),
        },
        recursive: true,
        how: how.to_owned(),
        follow: true,
    }
}

/// A writing cmdlet: its path parameters, or its positional arguments (the first for
/// most; both for copies and moves, whose second positional is the destination).
fn writer(
    name: &str,
    shown: &str,
    recursive: bool,
    args: &[&Tok],
    ctx: &Context,
    cwd: &Option<PathBuf>,
    out: &mut Vec<Write>,
) {
    let mut i = 0;
    let mut positional = Vec::new();
    let mut named = 0;
    let follow = !matches!(
        name,
        "remove-item" | "ri" | "rm" | "rmdir" | "del" | "erase" | "rd"
    );
    while i < args.len() {
        let a = args[i];
        if a.param {
            let lower = a.text[1..].to_ascii_lowercase();
            let (pname, inline) = match lower.split_once(':') {
                Some((n, _)) => (
                    n.to_owned(),
                    a.text.split_once(':').map(|(_, v)| v.to_owned()),
                ),
                None => (lower.clone(), None),
            };
            if is_path_param(&pname) {
                let value = match inline {
                    Some(v) => Some(Tok::plain(v, a.dynamic)),
                    None => {
                        i += 1;
                        args.get(i).map(|t| (*t).clone())
                    }
                };
                named += 1;
                if let Some(v) = value {
                    let literal = pname.starts_with("literal") || pname == "lp";
                    push_target(&v, cwd, ctx, recursive, shown, literal, follow, out);
                }
            } else if inline.is_none()
                && args.get(i + 1).is_some_and(|n| !n.param)
                && !SWITCHES.iter().any(|s| s.starts_with(pname.as_str()))
            {
                // A parameter with a value (`-Value x`, `-Encoding utf8`): skip the value.
                i += 1;
            }
        } else {
            positional.push(a);
        }
        i += 1;
    }
    let copies = matches!(
        name,
        "copy-item" | "cp" | "copy" | "cpi" | "move-item" | "mv" | "move" | "mi"
    );
    let renames = matches!(name, "rename-item" | "ren" | "rni");
    let take = usize::from(if copies || renames { 2u8 } else { 1 }).saturating_sub(named);
    for p in positional.iter().take(take) {
        push_target(p, cwd, ctx, recursive, shown, false, follow, out);
    }
    if named == 0 && positional.is_empty() {
        // `Get-ChildItem roles | Remove-Item`: the paths come down the pipeline.
        out.push(anything(shown));
    }
}

/// Switch parameters of the writing cmdlets: they take no value.
const SWITCHES: &[&str] = &[
    "force",
    "recurse",
    "append",
    "noclobber",
    "nonewline",
    "passthru",
    "whatif",
    "confirm",
    "container",
    "update",
];

#[allow(clippy::too_many_arguments)]
fn push_target(
    t: &Tok,
    cwd: &Option<PathBuf>,
    ctx: &Context,
    recursive: bool,
    how: &str,
    literal: bool,
    follow: bool,
    out: &mut Vec<Write>,
) {
    let text = path_text(&t.text);
    let wild = !literal && text.contains(['*', '?', '[']);
    if wild && !t.dynamic {
        // `roles/*.md`: somewhere in the folder before the first wildcard.
        let cut = text.find(['*', '?', '[']).unwrap_or(text.len());
        let (dir, prefix) = match text[..cut].rfind('/') {
            Some(j) => (&text[..j], &text[j + 1..cut]),
            None => ("", &text[..cut]),
        };
        out.push(Write {
            target: Target::Partial {
                dir: cwd
                    .as_ref()
                    .map(|c| paths::join(c, dir, ctx.home.as_deref())),
                name_prefix: prefix.to_owned(),
                suffix: String::new(),
            },
            recursive: true,
            how: how.to_owned(),
            follow,
        });
        return;
    }
    let mut w = write_of(t, cwd, ctx, recursive, how);
    w.follow = follow;
    out.push(w);
}

/// A write of one token: a known path, or anything when it is only known at run time.
fn write_of(t: &Tok, cwd: &Option<PathBuf>, ctx: &Context, recursive: bool, how: &str) -> Write {
    let text = path_text(&t.text);
    let target = match cwd {
        Some(c) if !t.dynamic => Target::Path(paths::join(c, &text, ctx.home.as_deref())),
        _ => Target::Partial {
            dir: None,
            name_prefix: String::new(),
            suffix: String::new(),
        },
    };
    Write {
        target,
        recursive: recursive || t.dynamic,
        how: how.to_owned(),
        follow: true,
    }
}

/// A command the model does not know: every literal argument is written with what lies
/// beneath it; a dynamic one, or a dynamic command, may be anything.
fn unknown(first: &Tok, args: &[&Tok], ctx: &Context, cwd: &Option<PathBuf>, out: &mut Vec<Write>) {
    let how = if first.text.is_empty() {
        "a PowerShell expression".to_owned()
    } else {
        first.text.clone()
    };
    let dynamic = first.dynamic || args.iter().any(|a| a.dynamic);
    for a in args
        .iter()
        .filter(|a| !a.param && !a.dynamic && !a.text.is_empty())
    {
        out.push(write_of(a, cwd, ctx, true, &how));
    }
    if dynamic {
        out.push(anything(&how));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn targets(command: &str) -> Vec<String> {
        let env = |_: &str| None;
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
            .map(|w| match w.target {
                Target::Path(p) => paths::normalize(&p).display().to_string(),
                Target::Partial {
                    dir, name_prefix, ..
                } => format!(
                    "{}/{name_prefix}…",
                    dir.map_or("?".into(), |d| d.display().to_string())
                ),
                Target::Operator(c) => c,
            })
            .collect()
    }

    #[test]
    fn writing_cmdlets_and_aliases() {
        assert_eq!(targets("Remove-Item roles/a.md"), ["/w/roles/a.md"]);
        assert_eq!(targets("remove-item -Recurse -Force roles"), ["/w/roles"]);
        assert_eq!(targets("ri -LiteralPath 'roles\\a.md'"), ["/w/roles/a.md"]);
        assert_eq!(
            targets("Set-Content -Path roles/a.md -Value x"),
            ["/w/roles/a.md"]
        );
        assert_eq!(targets("sc -Pa roles/a.md x"), ["/w/roles/a.md"]);
        assert_eq!(
            targets("'x' | Out-File -FilePath roles/a.md"),
            ["/w/roles/a.md"]
        );
        assert_eq!(
            targets("Copy-Item src/a roles/a.md"),
            ["/w/src/a", "/w/roles/a.md"]
        );
        assert_eq!(
            targets("Move-Item -Destination roles/b src/a"),
            ["/w/roles/b", "/w/src/a"]
        );
        assert_eq!(
            targets("New-Item -ItemType File roles/n.md"),
            ["/w/roles/n.md"]
        );
        assert_eq!(
            targets("Rename-Item roles/a.md b.md"),
            ["/w/roles/a.md", "/w/b.md"]
        );
        assert_eq!(targets("del roles/*.md"), ["/w/roles/…"]);
        assert_eq!(
            targets("Set-Content FileSystem::/w/roles/a x"),
            ["/w/roles/a"]
        );
        assert_eq!(targets("iwr https://x -OutFile roles/a"), ["/w/roles/a"]);
        assert_eq!(targets("Get-ChildItem roles | Remove-Item"), ["?/…"]);
    }

    #[test]
    fn redirections() {
        assert_eq!(targets("echo x > roles/a.md"), ["/w/roles/a.md"]);
        assert_eq!(targets("echo x 2>> log.txt"), ["/w/log.txt"]);
        assert_eq!(targets("echo x *> all.txt"), ["/w/all.txt"]);
        assert!(targets("echo x > $null").is_empty());
        assert!(targets("echo x 2>&1").is_empty());
    }

    #[test]
    fn readers_write_nothing() {
        assert!(targets("Get-Content roles/a.md | Select-String x").is_empty());
        assert!(targets("Get-ChildItem roles -Recurse | ForEach-Object { $_.Name }").is_empty());
        assert!(targets("Test-Path roles/a.md; Write-Host done").is_empty());
        assert!(targets("# comment\n<# block #>\ngc roles/a.md").is_empty());
    }

    #[test]
    fn locations_are_followed() {
        assert_eq!(
            targets("Set-Location roles; Remove-Item a.md"),
            ["/w/roles/a.md"]
        );
        assert_eq!(targets("cd $d; Remove-Item a.md"), ["?/…"]);
    }

    #[test]
    fn unknown_and_dynamic_commands() {
        assert_eq!(
            targets("git checkout roles/a.md"),
            ["/w/checkout", "/w/roles/a.md"]
        );
        assert_eq!(targets("$p = 'roles/a.md'; Remove-Item $p"), ["?/…"]);
        assert_eq!(targets("$x = Remove-Item roles/a.md"), ["/w/roles/a.md"]);
        assert_eq!(targets("(Get-Item roles/a.md).Delete()"), ["?/…"]);
        assert!(targets("$f.ToString(); $x.Length").is_empty());
        assert_eq!(
            targets("Invoke-Expression 'rm roles/a.md'"),
            ["/w/rm roles/a.md"]
        );
        assert!(targets("[IO.File]::WriteAllText('roles/a.md', 'x')").contains(&"?/…".to_owned()));
        assert!(targets("[IO.File]::ReadAllText('roles/a.md')").is_empty());
        assert_eq!(
            targets("& { Remove-Item roles/a.md }"),
            ["?/…", "/w/roles/a.md"]
        );
        assert_eq!(
            targets("pwsh -Command 'Remove-Item roles/a.md'"),
            ["/w/roles/a.md"]
        );
        assert_eq!(targets("bash -c 'rm roles/a.md'"), ["/w/roles/a.md"]);
    }

    #[test]
    fn strings_and_continuations() {
        assert_eq!(targets("Remove-Item `\n  roles/a.md"), ["/w/roles/a.md"]);
        assert_eq!(targets("Remove-Item \"roles/a b.md\""), ["/w/roles/a b.md"]);
        assert_eq!(targets("Remove-Item 'it''s'"), ["/w/it's"]);
    }

    #[test]
    fn bad_input_never_panics() {
        let env = |_: &str| None;
        let relevant = |_: &Path| true;
        let ctx = Context {
            cwd: PathBuf::from("/w"),
            home: None,
            env: &env,
            relevant: &relevant,
        };
        for s in [
            "'", "\"", "`", "@'", "{", ")", "<#", "$(", "a >", ">", "2>&", "&&", "||", "-", "@(",
            "x`", "\"`", "[::]", "(((((", "}}}}",
        ] {
            let _ = analyze(s, &ctx);
        }
        assert!(analyze(&"(".repeat(100), &ctx).is_err());
    }
}
