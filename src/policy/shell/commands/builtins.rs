//! Shell builtins and small utilities whose effect is on the analysis itself: `cd`,
//! `printf -v`, path utilities, `mktemp` (which also writes its file).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::super::ShellError;
use super::super::args::Opts;
use super::super::expand::{Field, decode_ansi_c};
use super::super::walk::{Out, Scope, Val, Walker};
use crate::policy::paths;

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

    pub(super) fn path_util(&self, name: &str, args: &[Field], scope: &Scope) -> Out {
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
                            out.push_str(&decode_ansi_c(v));
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
                        '0'..='7' => (2, |c: &char| ('0'..='7').contains(c)),
                        _ => (0, |_: &char| false),
                    };
                    let mut n = 0;
                    while n < max && chars.peek().is_some_and(digits) {
                        esc.extend(chars.next());
                        n += 1;
                    }
                    out.push_str(&decode_ansi_c(&esc));
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
