//! Shell builtins and small utilities whose effect is on the analysis itself: the
//! working directory (`cd`, `pushd`, `popd`), variables and parameters (`unset`, `set`,
//! `shift`, `read`, `mapfile`, `printf -v`), and what printers print for a pipe (`echo`,
//! `printf`, `pwd`, path utilities, `date`, `which`); `mktemp` also writes its file.

use std::collections::HashMap;
use std::path::PathBuf;

use super::super::ShellError;
use super::super::args::Opts;
use super::super::expand::{Escapes, Field, backslash_escapes};
use super::super::walk::{Out, Scope, Val, Walker};
use super::{Call, Model};
use crate::policy::paths;

pub(super) const MODELS: &[Model] = &[
    Model {
        names: &["cd", "pushd"],
        run: |w, c| {
            let out = w.cd(c.name, c.args, c.scope, c.env)?;
            w.rewalk_traps(c.scope)?;
            Ok(out)
        },
    },
    Model {
        names: &["popd"],
        run: |w, c| {
            let top = c.scope.dir_stack.pop().unwrap_or(None);
            // A stack the command assigned through `DIRSTACK` may hold anything.
            c.scope.cwd = if w.dirstack_assigned { None } else { top };
            w.rewalk_traps(c.scope)?;
            Ok(Out::Nothing)
        },
    },
    Model {
        names: &["unset"],
        run: |w, c| {
            for a in c
                .args
                .iter()
                .filter_map(Field::known)
                .filter(|a| !a.starts_with('-'))
            {
                // A caller's `local` unset from a called function is gone: what the
                // name is given next outlives the caller (bash's dynamic scoping).
                if w.unset_outer_local(a) {
                    c.scope.vars.insert(a.to_owned(), Val::Unknown);
                    continue;
                }
                // `unset -f NAME` removes the function only.
                let flags: String = c
                    .args
                    .iter()
                    .filter_map(Field::known)
                    .filter(|f| f.starts_with('-'))
                    .collect();
                if flags.contains('f') {
                    w.functions.remove(a);
                    continue;
                }
                if !flags.chars().all(|ch| "-vn".contains(ch)) {
                    c.scope.vars.insert(a.to_owned(), Val::Unknown);
                    continue;
                }
                // `unset -n REF` removes the reference itself, not what it names: REF
                // is a plain variable after.
                if flags.contains('n') && c.scope.namerefs.remove(a).is_some() {
                    c.scope.vars.remove(a);
                    continue;
                }
                // Unset, not empty: `${x-default}` takes the default.
                c.scope.vars.remove(a);
                c.scope.arrays.remove(a);
                c.scope.unset.insert(a.to_owned());
            }
            Ok(Out::Nothing)
        },
    },
    // `set -- ARGS` (or `set ARGS`) replaces the positional parameters.
    Model {
        names: &["set"],
        run: |_, c| {
            let args = c.args;
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
                c.scope.positional = args[i..].iter().map(Field::to_val).collect();
            }
            Ok(Out::Nothing)
        },
    },
    // `ulimit -c N`: programs that crash leave core files where they run.
    Model {
        names: &["ulimit"],
        run: |w, c| {
            let core = Opts::parse(c.args, "", &[]).has(Some('c'), &[]);
            let zero = c.args.last().and_then(Field::known) == Some("0");
            if core && !zero {
                w.cores_raised = true;
            }
            Ok(Out::Nothing)
        },
    },
    Model {
        names: &["shift"],
        run: |_, c| {
            // A count that is not a number, or more than there are, is an error that
            // shifts nothing; one only known at run time may shift any number.
            let n = match c.args.first() {
                None => Some(1usize),
                Some(Field::Known(a)) => a.trim().parse().ok(),
                Some(_) => {
                    for p in &mut c.scope.positional {
                        *p = Val::Unknown;
                    }
                    return Ok(Out::Nothing);
                }
            };
            if let Some(n) = n.filter(|n| *n <= c.scope.positional.len()) {
                c.scope.positional.drain(..n);
            }
            Ok(Out::Nothing)
        },
    },
    Model {
        names: &["read"],
        run: |_, c| Ok(read(c)),
    },
    Model {
        names: &["mapfile", "readarray"],
        run: |w, c| {
            let o = Opts::parse(c.args, "dnOsuC c", &[]);
            for n in o.operands.iter().filter_map(Field::known) {
                c.scope.vars.insert(n.to_owned(), Val::Unknown);
            }
            // `-C CALLBACK`: evaluated as a command every `-c` lines.
            if let Some(callback) = o.value(Some('C'), &[]) {
                w.run_text(callback, c.scope, &HashMap::new(), &[], "mapfile -C")?;
            }
            Ok(Out::Nothing)
        },
    },
    // What the printers print, for the next command in a pipe.
    Model {
        names: &["echo"],
        run: |w, c| Ok(echo(c.args, w.xpg_echo)),
    },
    Model {
        names: &["printf"],
        run: |w, c| w.printf(c.args, c.scope),
    },
    Model {
        names: &["pwd"],
        run: |_, c| {
            Ok(c.scope
                .cwd
                .as_ref()
                .map_or(Out::Unknown, |d| Out::Text(format!("{}\n", d.display()))))
        },
    },
    Model {
        names: &["dirname", "basename", "realpath", "readlink"],
        run: |w, c| Ok(w.path_util(c.name, c.args, c.scope)),
    },
    Model {
        names: &["mktemp"],
        run: |w, c| w.mktemp(c.args, c.scope, c.env),
    },
    // What `date` prints is not known, but its shape is: no `/` unless the format asks
    // for one. A stand-in keeps `> /tmp/$(date +%s).log` one file in /tmp.
    Model {
        names: &["date"],
        run: |_, c| {
            let shaped = c.args.iter().all(|a| {
                a.known().is_some_and(|a| {
                    !a.contains('/') && !a.contains("%D") && !a.contains("%x") && !a.contains("%c")
                })
            });
            let sets = c
                .args
                .iter()
                .filter_map(Field::known)
                .any(|a| a == "-s" || a.starts_with("--set"));
            Ok(if shaped && !sets {
                Out::Text("0\n".into())
            } else {
                Out::Unknown
            })
        },
    },
    // `fc` re-runs commands from the shell's history, which `history -s` or a history
    // file can fill with anything; only listing (`fc -l`) runs nothing.
    Model {
        names: &["fc"],
        run: |w, c| {
            let lists = c
                .args
                .iter()
                .take_while(|a| a.known().is_some_and(|a| a.starts_with('-') && a != "--"))
                .any(|a| {
                    a.known()
                        .is_some_and(|a| !a.starts_with("--") && a.contains('l'))
                });
            if !lists {
                w.write_anything("fc (it runs commands from the shell's history)");
            }
            Ok(Out::Unknown)
        },
    },
    Model {
        names: &["which"],
        run: |_, c| {
            Ok(super::program_path(
                c.args
                    .iter()
                    .find(|a| a.known().is_none_or(|a| !a.starts_with('-'))),
            ))
        },
    },
];

/// `read [-r] NAME…`: a single line of known input gives one name its value; anything
/// else leaves the names unknown. `read -a ARR` splits the line into the array.
fn read(c: Call<'_>) -> Out {
    let o = Opts::parse(c.args, "adnNptuiP", &[]);
    // Another delimiter or a count (`-d x`, `-n 3`) ends the value elsewhere: unknown.
    // A timeout, another descriptor, or an option read does not have may read nothing.
    // Without `-r`, a backslash quotes the next character.
    let odd = c.args.iter().filter_map(Field::known).any(|a| {
        a.starts_with('-')
            && a.len() > 1
            && a != "--"
            && !a[1..].chars().all(|ch| "adnNprsei".contains(ch))
    });
    let whole_line = !odd
        && !o.has(Some('d'), &[])
        && !o.has(Some('n'), &[])
        && !o.has(Some('N'), &[])
        && !o.has(Some('t'), &[])
        && !o.has(Some('u'), &[]);
    let raw = o.has(Some('r'), &[]);
    let line = match &c.stdin {
        Out::Text(t) if whole_line && t.trim_end_matches('\n').lines().count() == 1 => {
            let l = t.trim_end_matches('\n');
            Some(if raw {
                l.to_owned()
            } else {
                let mut out = String::new();
                let mut chars = l.chars();
                while let Some(ch) = chars.next() {
                    out.push(if ch == '\\' {
                        chars.next().unwrap_or(ch)
                    } else {
                        ch
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
    for n in &names {
        let v = match (&line, names.len()) {
            (Some(l), 1) => Val::Known(l.trim().to_owned()),
            _ => Val::Unknown,
        };
        c.scope.vars.insert(n.clone(), v);
    }
    if let Some(a) = o.value(Some('a'), &[]).and_then(Field::known) {
        let words = line.as_deref().map(|l| {
            l.split_whitespace()
                .map(|w| Val::Known(w.to_owned()))
                .collect()
        });
        c.scope
            .arrays
            .insert(a.to_owned(), words.unwrap_or_else(|| vec![Val::Unknown]));
        c.scope.vars.insert(a.to_owned(), Val::Unknown);
    }
    Out::Nothing
}

/// What `echo [-neE] ARGS` prints, when its arguments are known. `xpg_echo`: the command
/// names the shell option that makes escapes the default; whether it is on when echo
/// runs is not followed, so text with a backslash is then unknown.
fn echo(args: &[Field], xpg_echo: bool) -> Out {
    let mut rest = args;
    let mut newline = true;
    let mut escapes = None;
    while let Some(Field::Known(f)) = rest.first() {
        if f.len() > 1 && f.starts_with('-') && f[1..].chars().all(|c| "neE".contains(c)) {
            // Flags apply in order, the last of `-e`/`-E` winning: `echo -e -E`.
            for c in f[1..].chars() {
                match c {
                    'n' => newline = false,
                    'e' => escapes = Some(true),
                    _ => escapes = Some(false),
                }
            }
            rest = &rest[1..];
        } else {
            break;
        }
    }
    let Some(t) = text_of(rest) else {
        return Out::Unknown;
    };
    let escapes = match escapes {
        Some(e) => e,
        None if xpg_echo && t.contains('\\') => return Out::Unknown,
        None => false,
    };
    let (t, stopped) = if escapes {
        backslash_escapes(&t, Escapes::Echo)
    } else {
        (t, false)
    };
    let t = t.replace('\0', "");
    Out::Text(if newline && !stopped {
        format!("{t}\n")
    } else {
        t
    })
}

/// `cd -P`, `cd -LP`: the last of `-L`/`-P` wins, as in bash.
fn physical_option(args: &[Field]) -> bool {
    let mut physical = false;
    for a in args.iter().filter_map(Field::known) {
        if a == "--" || !a.starts_with('-') || a == "-" {
            break;
        }
        for c in a[1..].chars() {
            match c {
                'P' => physical = true,
                'L' => physical = false,
                _ => {}
            }
        }
    }
    physical
}

impl Walker<'_> {
    /// Walks each trap handler set so far again where the shell now is: a signal or
    /// the exit may run it here (`trap 'rm x' EXIT; cd roles`).
    fn rewalk_traps(&mut self, scope: &Scope) -> Result<(), ShellError> {
        if self.trap_handlers.is_empty() || self.rewalking_traps {
            return Ok(());
        }
        self.rewalking_traps = true;
        let mut result = Ok(());
        for h in self.trap_handlers.clone() {
            let mut sub = scope.clone();
            match self.script(&h, &mut sub, Out::Nothing) {
                Ok(_) | Err(ShellError::Parse(_)) => {}
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        self.rewalking_traps = false;
        result
    }

    pub(super) fn cd(
        &mut self,
        name: &str,
        args: &[Field],
        scope: &mut Scope,
        env: &HashMap<String, Val>,
    ) -> Result<Out, ShellError> {
        let operands: Vec<&Field> = args
            .iter()
            .filter(|a| a.known().is_none_or(|s| !s.starts_with('-') || s == "-"))
            .collect();
        let old = scope.cwd.clone();
        // A cd that fails (an option it lacks, too many operands) leaves the directory
        // as it was; `pushd` with no operand, `-n` or `+N`/`-N` rotates a stack: either
        // way where later commands run is not known.
        let options: Vec<&str> = args
            .iter()
            .filter_map(Field::known)
            .take_while(|a| a.starts_with('-') && *a != "-" && *a != "--")
            .collect();
        let valid = if name == "pushd" { "n" } else { "LPe@" };
        let rotates = name == "pushd"
            && (operands.is_empty()
                || options.iter().any(|o| o.contains('n'))
                || operands.iter().any(|o| {
                    o.known().is_none_or(|o| {
                        (o.starts_with('+') || o.starts_with('-'))
                            && o.len() > 1
                            && o[1..].chars().all(|ch| ch.is_ascii_digit())
                    })
                }));
        let bad = options
            .iter()
            .any(|o| !o[1..].chars().all(|ch| valid.contains(ch)))
            || operands.len() > 1;
        if rotates || bad {
            if name == "pushd" {
                scope.dir_stack.push(old);
            }
            scope.cwd = None;
            scope.cwd_prefix = None;
            return Ok(Out::Nothing);
        }
        // With CDPATH set, bash looks a plain relative name up in its folders first.
        let cdpath = env.contains_key("CDPATH")
            || scope.vars.contains_key("CDPATH")
            || (self.ctx.env)("CDPATH").is_some_and(|v| !v.is_empty());
        let searched = |d: &str| {
            cdpath
                && !d.starts_with('/')
                && !d.starts_with("./")
                && !d.starts_with("../")
                && d != "."
                && d != ".."
        };
        let target = match operands.first() {
            Some(Field::Known(d)) if searched(d) => None,
            // Bare `cd` goes to `$HOME` as the shell has it now.
            None => match env.get("HOME").or_else(|| scope.vars.get("HOME")) {
                Some(Val::Known(h)) => self.resolve_path(h, scope),
                Some(_) => None,
                None => self
                    .ctx
                    .home
                    .clone()
                    .or_else(|| (self.ctx.env)("HOME").map(PathBuf::from)),
            },
            Some(Field::Known(d)) if d == "-" => None,
            // `cd -P` (or `set -P`) resolves symlinks before `..`: a `..` after a
            // component the analysis cannot see on disk leaves the folder unknown.
            Some(Field::Known(d)) if self.physical_cd || physical_option(args) => self
                .resolve_path(d, scope)
                .filter(|p| !self.unknown_before_dotdot(p))
                .map(|p| paths::physical(&p)),
            Some(Field::Known(d)) => self.resolve_path(d, scope).map(|p| paths::normalize(&p)),
            Some(Field::Partial { .. }) => None,
        };
        // A cd that fails leaves later `;` commands in the old directory, so the new one is
        // trusted only when it exists, or was made earlier in this command.
        scope.cwd = target.filter(|t| t.is_dir() || self.written.holds(t));
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

    pub(super) fn printf(&mut self, args: &[Field], scope: &mut Scope) -> Result<Out, ShellError> {
        let (var, rest) = match args {
            [Field::Known(v), Field::Known(name), rest @ ..] if v == "-v" => {
                (Some(name.clone()), rest)
            }
            [Field::Known(v), rest @ ..] if v.len() > 2 && v.starts_with("-v") => {
                (Some(v[2..].to_owned()), rest)
            }
            _ => (None, args),
        };
        // `printf -- FORMAT`: the `--` ends the options and is no format.
        let rest = match rest {
            [Field::Known(dashes), rest @ ..] if dashes == "--" => rest,
            _ => rest,
        };
        let rendered = match rest {
            [Field::Known(fmt), values @ ..] if !fmt.starts_with('-') || fmt == "-" => {
                text_of(values).and_then(|_| render_printf(fmt, values))
            }
            _ => None,
        };
        if let Some(v) = var {
            // A variable holds text up to its first NUL.
            let value = rendered.map(|r| r.split('\0').next().unwrap_or_default().to_owned());
            scope.vars.insert(v, value.map_or(Val::Unknown, Val::Known));
            return Ok(Out::Nothing);
        }
        // NUL-separated output (`printf '%s\0' a b | xargs -0`) is a list of items; where
        // such output is read back as text (a substitution, a script) bash drops the
        // NULs, which the items leave unknown.
        Ok(match rendered {
            Some(r) if r.contains('\0') => {
                let parts: Vec<&str> = r.strip_suffix('\0').unwrap_or(&r).split('\0').collect();
                if parts.iter().all(|p| !p.is_empty()) {
                    Out::Items(
                        parts
                            .iter()
                            .map(|p| Field::Known((*p).to_owned()))
                            .collect(),
                    )
                } else {
                    Out::Unknown
                }
            }
            Some(r) => Out::Text(r),
            None => Out::Unknown,
        })
    }

    pub(super) fn path_util(&self, name: &str, args: &[Field], scope: &Scope) -> Out {
        let o = Opts::parse(args, "s", &["relative-to", "relative-base", "suffix"]);
        let Some(Field::Known(p)) = o.operands.first() else {
            return Out::Unknown;
        };
        if o.has(Some('z'), &["zero"]) {
            return Out::Unknown;
        }
        // `basename NAME SUFFIX`, `basename -s SUFFIX NAME…`, `-a NAME…`, `dirname
        // NAME…`: one line per name, as GNU prints them.
        if matches!(name, "basename" | "dirname") {
            let suffix = o.value(Some('s'), &["suffix"]);
            let many = name == "dirname" || suffix.is_some() || o.has(Some('a'), &["multiple"]);
            let (names, suffix): (&[Field], Option<&Field>) = if many {
                (&o.operands, suffix)
            } else {
                (&o.operands[..1], o.operands.get(1))
            };
            let suffix = match suffix {
                Some(Field::Known(s)) => s.as_str(),
                Some(_) => return Out::Unknown,
                None => "",
            };
            let mut text = String::new();
            for n in names {
                let Field::Known(n) = n else {
                    return Out::Unknown;
                };
                let line = if name == "basename" {
                    let base = gnu_basename(n);
                    match base.strip_suffix(suffix) {
                        Some(b) if !b.is_empty() && base != "/" => b.to_owned(),
                        _ => base,
                    }
                } else {
                    gnu_dirname(n)
                };
                text.push_str(&line);
                text.push('\n');
            }
            return Out::Text(text);
        }
        let text = match name {
            // `readlink LINK` prints what the link holds, as written.
            "readlink" if !o.flags.iter().any(|f| f.contains(['f', 'e', 'm'])) => {
                match self
                    .resolve_path(p, scope)
                    .and_then(|abs| std::fs::read_link(abs).ok())
                {
                    Some(t) if !self.written_earlier(p, scope) => t.to_string_lossy().into_owned(),
                    _ => return Out::Unknown,
                }
            }
            _ => match self.resolve_path(p, scope) {
                Some(abs) => paths::physical(&abs).to_string_lossy().into_owned(),
                None => return Out::Unknown,
            },
        };
        Out::Text(format!("{text}\n"))
    }

    pub(super) fn mktemp(
        &mut self,
        args: &[Field],
        scope: &mut Scope,
        env: &HashMap<String, Val>,
    ) -> Result<Out, ShellError> {
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
                // TMPDIR as the command sees it: its prefix assignment, the shell's
                // variable, then the environment.
                let tmpdir = match env.get("TMPDIR").or_else(|| scope.vars.get("TMPDIR")) {
                    Some(Val::Known(d)) => Some(d.clone()),
                    Some(_) => None,
                    None => Some((self.ctx.env)("TMPDIR").unwrap_or_else(|| "/tmp".into())),
                };
                let Some(tmpdir) = tmpdir else {
                    self.write_anything("mktemp in a TMPDIR only known at run time");
                    return Ok(Out::Unknown);
                };
                Some(tmpdir)
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
        // The random part is letters and digits only: no `/`, no `..`. The template's own
        // `X`s stand for it, so the name stays one component of its known folder.
        let field = Field::Known(format!(
            "{}{}{}",
            &full[..cut],
            &full[cut..end],
            &format!(
                "{}{}",
                &full[end..],
                o.value(None, &["suffix"])
                    .and_then(Field::known)
                    .unwrap_or("")
            )
        ));
        if !o.has(Some('u'), &["dry-run"]) {
            self.write(&field, scope, false, "mktemp");
        }
        Ok(Out::Items(vec![field]))
    }
}

/// What printing these fields as one line gives, if all are known.
pub(super) fn text_of(fields: &[Field]) -> Option<String> {
    let parts: Option<Vec<&str>> = fields.iter().map(Field::known).collect();
    parts.map(|p| p.join(" "))
}

/// A printf subset: `%s`, `%d`, `%%` and backslash escapes; anything else is unknown.
pub(super) fn render_printf(fmt: &str, values: &[Field]) -> Option<String> {
    let vals: Vec<&str> = values.iter().filter_map(Field::known).collect();
    let mut next = 0;
    let mut out = String::new();
    // printf reuses its format until every argument is consumed.
    loop {
        let before = next;
        let mut chars = fmt.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '%' => match chars.next()? {
                    '%' => out.push('%'),
                    conv @ ('s' | 'd' | 'b' | 'q') => {
                        let v = vals.get(next).copied().unwrap_or("");
                        next += 1;
                        if conv == 'b' {
                            let (text, stopped) = backslash_escapes(v, Escapes::PercentB);
                            out.push_str(&text);
                            // `\c` in a `%b` argument ends all output.
                            if stopped {
                                return Some(out);
                            }
                        } else {
                            out.push_str(v);
                        }
                    }
                    _ => return None,
                },
                '\\' => {
                    let mut esc = String::from('\\');
                    let e = chars.next()?;
                    esc.push(e);
                    let (max, digits): (usize, fn(&char) -> bool) = match e {
                        'x' => (2, char::is_ascii_hexdigit),
                        'u' => (4, char::is_ascii_hexdigit),
                        'U' => (8, char::is_ascii_hexdigit),
                        '0'..='7' => (2, |c: &char| ('0'..='7').contains(c)),
                        _ => (0, |_: &char| false),
                    };
                    let mut n = 0;
                    while n < max && chars.peek().is_some_and(digits) {
                        esc.extend(chars.next());
                        n += 1;
                    }
                    out.push_str(&backslash_escapes(&esc, Escapes::Format).0);
                }
                _ => out.push(c),
            }
        }
        if next >= vals.len() || next == before {
            break;
        }
    }
    Some(out)
}

/// What GNU `basename NAME` prints: the last component, trailing slashes aside.
fn gnu_basename(name: &str) -> String {
    let trimmed = name.trim_end_matches('/');
    if trimmed.is_empty() {
        return if name.is_empty() {
            String::new()
        } else {
            "/".into()
        };
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_owned()
}

/// What GNU `dirname NAME` prints: all but the last component, or `.` or `/`.
fn gnu_dirname(name: &str) -> String {
    let trimmed = name.trim_end_matches('/');
    if trimmed.is_empty() {
        return if name.starts_with('/') {
            "/".into()
        } else {
            ".".into()
        };
    }
    match trimmed.rfind('/') {
        None => ".".into(),
        Some(i) => {
            let dir = trimmed[..i].trim_end_matches('/');
            if dir.is_empty() {
                "/".into()
            } else {
                dir.to_owned()
            }
        }
    }
}
