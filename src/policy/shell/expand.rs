//! Word expansion as bash does it, symbolically: brace expansion, quoting, tilde,
//! parameters (with defaults), command substitution (whose bodies are walked for writes),
//! word splitting of unquoted results, and pathname globbing against the real file
//! system. What cannot be known before the command runs stays marked unknown.

use brush_parser::word::{
    self, Parameter, ParameterExpr, ParameterTestType, SpecialParameter, WordPiece,
    WordPieceWithSource,
};

use super::ShellError;
use super::walk::{Out, Scope, Val, Walker};

/// One word after expansion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(in crate::policy) enum Field {
    Known(String),
    /// Known text, something unknown, known text.
    Partial {
        prefix: String,
        suffix: String,
    },
}

impl Field {
    /// A word nothing is known about.
    pub(super) fn unknown() -> Field {
        Field::Partial {
            prefix: String::new(),
            suffix: String::new(),
        }
    }

    pub(super) fn known(&self) -> Option<&str> {
        match self {
            Field::Known(s) => Some(s),
            Field::Partial { .. } => None,
        }
    }

    pub(super) fn to_val(&self) -> Val {
        match self {
            Field::Known(s) => Val::Known(s.clone()),
            Field::Partial { prefix, suffix } if prefix.is_empty() && suffix.is_empty() => {
                Val::Unknown
            }
            Field::Partial { prefix, suffix } => Val::Partial(prefix.clone(), suffix.clone()),
        }
    }
}

#[derive(Clone, Debug)]
enum Seg {
    Lit { text: String, quoted: bool },
    Unknown,
}

/// Collects segments into fields, starting a new field at each split point.
#[derive(Default)]
struct Builder {
    done: Vec<Vec<Seg>>,
    cur: Vec<Seg>,
    started: bool,
}

impl Builder {
    fn lit(&mut self, text: &str, quoted: bool) {
        if quoted || !text.is_empty() {
            self.started = true;
        }
        self.cur.push(Seg::Lit {
            text: text.to_owned(),
            quoted,
        });
    }
    fn unknown(&mut self) {
        self.started = true;
        self.cur.push(Seg::Unknown);
    }
    fn split(&mut self) {
        if self.started {
            self.done.push(std::mem::take(&mut self.cur));
        }
        self.cur.clear();
        self.started = false;
    }
    fn finish(mut self) -> Vec<Vec<Seg>> {
        self.split();
        self.done
    }
}

const MAX_BRACE_WORDS: usize = 512;
const MAX_GLOB_MATCHES: usize = 4096;
/// Most directory entries all the globs of one command may list. Brace expansion can turn
/// one word into hundreds of globs, each several levels deep over `/`: a command must not
/// be able to choose a walk that outlasts the host's timeout. Past it, a glob is a
/// partial target (its literal prefix), which the guard treats as possibly protected.
pub(super) const MAX_GLOB_ENTRIES: usize = 20_000;

/// What brush-parser's word grammar may spend on the words of one command, in the units
/// of [`super::prescan::word_parse_cost`] (about a microsecond each): about 0.1 s. Nested
/// or unclosed `${name[` subscripts cost it exponential time (six nested take seconds),
/// and a guard that outlasts the host's timeout lets the call through. A word with four
/// nested fits once; ordinary subscripts (`${a[$i]}`) fit by the thousand.
pub(super) const MAX_WORD_PARSE_COST: u64 = 100_000;

impl Walker<'_> {
    /// `word`'s pieces by brush-parser's word grammar (of a here-document body when
    /// `heredoc`), paid for from the command's [`MAX_WORD_PARSE_COST`].
    fn parse_word(
        &self,
        word: &str,
        heredoc: bool,
    ) -> Result<Vec<WordPieceWithSource>, ShellError> {
        if !self.spend_word_parse(super::prescan::word_parse_cost(word)) {
            return Err(ShellError::TooComplex(
                "its `${name[…]}` subscripts nest too deep, are left open or are too many \
                 (the bash word parser's time grows 16-fold with each level of them)"
                    .into(),
            ));
        }
        let options = brush_parser::ParserOptions::default();
        if heredoc {
            word::parse_heredoc(word, &options)
        } else {
            word::parse(word, &options)
        }
        .map_err(|e| ShellError::Parse(e.to_string()))
    }

    /// Expands one word into fields.
    pub(super) fn expand(
        &mut self,
        word: &str,
        scope: &mut Scope,
    ) -> Result<Vec<Field>, ShellError> {
        if is_plain(word) {
            // Nothing in it expands: the word is its own single field. Most words of a
            // command are like this, and the word parser costs more than the rest of
            // the analysis of a large command (profiled).
            return Ok(vec![Field::Known(word.to_owned())]);
        }
        // Expansions the word parser does not know (`${x~}`, `${x~~}` change case)
        // would be taken for text: the word is unknown instead.
        if unmodelled_expansion(word) {
            return Ok(vec![Field::unknown()]);
        }
        let pieces = self.parse_word(word, false)?;
        let mut fields = Vec::new();
        for w in brace_expand(word, &pieces)? {
            let expanded;
            let pieces = if w == word {
                &pieces
            } else {
                expanded = self.parse_word(&w, false)?;
                &expanded
            };
            let mut b = Builder::default();
            for p in pieces {
                self.piece(&p.piece, false, scope, &mut b)?;
            }
            for segs in b.finish() {
                fields.extend(self.finish_field(&segs, scope));
            }
        }
        Ok(fields)
    }

    /// Expands a word where bash does no splitting or globbing (assignments, here-strings).
    pub(super) fn expand_joined(
        &mut self,
        word: &str,
        scope: &mut Scope,
    ) -> Result<Val, ShellError> {
        let pieces = self.parse_word(word, false)?;
        let mut b = Builder::default();
        for p in &pieces {
            self.piece(&p.piece, true, scope, &mut b)?;
        }
        Ok(join_segs(&b.cur))
    }

    /// Expands a here-document body. Unknown parts keep their source text, so a script
    /// fed to a shell still shows them to the nested analysis as unknown.
    pub(super) fn expand_heredoc(
        &mut self,
        body: &str,
        scope: &mut Scope,
    ) -> Result<String, ShellError> {
        let pieces = self.parse_word(body, true)?;
        let mut out = String::new();
        for p in &pieces {
            let mut b = Builder::default();
            self.piece(&p.piece, true, scope, &mut b)?;
            match join_segs(&b.cur) {
                Val::Known(s) => out.push_str(&s),
                _ => {
                    out.push_str(&body[p.start_index.min(body.len())..p.end_index.min(body.len())])
                }
            }
        }
        Ok(out)
    }

    fn piece(
        &mut self,
        piece: &WordPiece,
        quoted: bool,
        scope: &mut Scope,
        b: &mut Builder,
    ) -> Result<(), ShellError> {
        match piece {
            WordPiece::Text(s) => b.lit(s, quoted),
            WordPiece::SingleQuotedText(s) => b.lit(s, true),
            WordPiece::AnsiCQuotedText(s) => b.lit(&backslash_escapes(s, Escapes::Quoted).0, true),
            WordPiece::GettextDoubleQuotedSequence(inner) if self.translates => {
                // Its substitutions run; what it says is the catalog's.
                let mut scratch = Builder::default();
                for p in inner {
                    self.piece(&p.piece, true, scope, &mut scratch)?;
                }
                b.unknown();
            }
            WordPiece::DoubleQuotedSequence(inner)
            | WordPiece::GettextDoubleQuotedSequence(inner) => {
                b.lit("", true);
                for p in inner {
                    self.piece(&p.piece, true, scope, b)?;
                }
            }
            WordPiece::ArithmeticExpression(expr) => {
                // Its text may hold command substitutions, which run.
                self.expand_joined(&expr.value, scope)?;
                b.unknown();
            }
            WordPiece::TildeExpansion(t) => {
                let v = match t {
                    word::TildeExpr::Home => self.lookup_named("HOME", scope),
                    word::TildeExpr::WorkingDir => self.lookup_named("PWD", scope),
                    word::TildeExpr::UserHome(u) if u.is_empty() => {
                        self.lookup_named("HOME", scope)
                    }
                    _ => Some(Val::Unknown),
                };
                push_val(&v.unwrap_or(Val::Unknown), true, b, "");
            }
            WordPiece::ParameterExpansion(expr) => {
                let ifs = self.ifs(scope);
                let vals = self.parameter(expr, scope)?;
                let many = vals.len() > 1;
                // `"$*"`, `"${a[*]}"`: one word, joined with the first character of IFS.
                if quoted && many && format!("{expr:?}").contains("concatenate: true") {
                    let sep = match scope.vars.get("IFS") {
                        Some(Val::Known(s)) => {
                            s.chars().next().map(String::from).unwrap_or_default()
                        }
                        Some(_) => {
                            b.unknown();
                            return Ok(());
                        }
                        None => " ".to_owned(),
                    };
                    for (i, v) in vals.iter().enumerate() {
                        if i > 0 {
                            b.lit(&sep, true);
                        }
                        push_val(v, true, b, &ifs);
                    }
                    return Ok(());
                }
                for (i, v) in vals.iter().enumerate() {
                    if i > 0 && many {
                        b.split();
                    }
                    push_val(v, quoted, b, &ifs);
                }
            }
            WordPiece::CommandSubstitution(body)
            | WordPiece::BackquotedCommandSubstitution(body) => {
                let v = self.capture(body, scope)?;
                let ifs = self.ifs(scope);
                push_val(&v, quoted, b, &ifs);
            }
            WordPiece::EscapeSequence(s) => {
                let rest = s.strip_prefix('\\').unwrap_or(s);
                if rest != "\n" {
                    b.lit(rest, true);
                }
            }
        }
        Ok(())
    }

    /// The characters unquoted expansions are split on: `$IFS`, else bash's default.
    fn ifs(&self, scope: &Scope) -> String {
        match scope.vars.get("IFS") {
            Some(Val::Known(s)) => s.clone(),
            _ => " \t\n".to_owned(),
        }
    }

    /// Runs a command substitution's body (its writes count) and returns what it prints,
    /// as far as that is known.
    pub(super) fn capture(&mut self, body: &str, scope: &mut Scope) -> Result<Val, ShellError> {
        let mut sub = scope.clone();
        let out = self.script(body, &mut sub, Out::Nothing)?;
        Ok(match out {
            Out::Text(t) => Val::Known(t.trim_end_matches('\n').replace('\0', "")),
            Out::Items(items) if items.len() == 1 => items[0].to_val(),
            _ => Val::Unknown,
        })
    }

    fn parameter(
        &mut self,
        expr: &ParameterExpr,
        scope: &mut Scope,
    ) -> Result<Vec<Val>, ShellError> {
        use ParameterExpr as P;
        Ok(match expr {
            P::Parameter {
                parameter,
                indirect: false,
            } => self
                .lookup(parameter, scope)
                .unwrap_or_else(|| vec![Val::Unknown]),
            P::Parameter {
                parameter,
                indirect: true,
            } => {
                // `${!ref}`: the variable whose name `ref` holds.
                match self.lookup(parameter, scope).as_deref() {
                    Some([Val::Known(name)]) => self
                        .lookup_named(name, scope)
                        .map_or_else(|| vec![Val::Unknown], |v| vec![v]),
                    _ => vec![Val::Unknown],
                }
            }
            P::UseDefaultValues {
                parameter,
                indirect: false,
                test_type,
                default_value,
            }
            | P::AssignDefaultValues {
                parameter,
                indirect: false,
                test_type,
                default_value,
            } => {
                match self.lookup(parameter, scope) {
                    Some(v) if !is_null(&v, test_type) => v,
                    Some(v) if v.contains(&Val::Unknown) => vec![Val::Unknown],
                    _ => {
                        // Unset (in the command and in the environment): the default applies.
                        let d =
                            self.expand_joined(default_value.as_deref().unwrap_or(""), scope)?;
                        if let (P::AssignDefaultValues { .. }, Parameter::Named(n)) =
                            (expr, parameter)
                        {
                            scope.vars.insert(n.clone(), d.clone());
                        }
                        vec![d]
                    }
                }
            }
            P::UseAlternativeValue {
                parameter,
                indirect: false,
                test_type,
                alternative_value,
            } => match self.lookup(parameter, scope) {
                Some(v) if v.contains(&Val::Unknown) => vec![Val::Unknown],
                Some(v) if !is_null(&v, test_type) => {
                    vec![self.expand_joined(alternative_value.as_deref().unwrap_or(""), scope)?]
                }
                _ => vec![Val::Known(String::new())],
            },
            P::IndicateErrorIfNullOrUnset {
                parameter,
                indirect: false,
                ..
            } => self
                .lookup(parameter, scope)
                .unwrap_or_else(|| vec![Val::Unknown]),
            P::RemoveSmallestPrefixPattern {
                parameter,
                indirect: false,
                pattern,
            }
            | P::RemoveLargestPrefixPattern {
                parameter,
                indirect: false,
                pattern,
            }
            | P::RemoveSmallestSuffixPattern {
                parameter,
                indirect: false,
                pattern,
            }
            | P::RemoveLargestSuffixPattern {
                parameter,
                indirect: false,
                pattern,
            } => {
                let (prefix, largest) = match expr {
                    P::RemoveSmallestPrefixPattern { .. } => (true, false),
                    P::RemoveLargestPrefixPattern { .. } => (true, true),
                    P::RemoveSmallestSuffixPattern { .. } => (false, false),
                    _ => (false, true),
                };
                let pattern = self.expand_joined(pattern.as_deref().unwrap_or(""), scope)?;
                match (self.lookup(parameter, scope).as_deref(), pattern) {
                    (Some([Val::Known(v)]), Val::Known(p)) => match self.glob_matcher(&p, false) {
                        Ok(Some(m)) => vec![Val::Known(strip_pattern(v, &m, prefix, largest))],
                        // Not a pattern bash would read the same way, or too many of them.
                        Ok(None) | Err(_) => vec![Val::Unknown],
                    },
                    _ => vec![Val::Unknown],
                }
            }
            P::LowercasePattern {
                parameter,
                indirect: false,
                pattern: None,
            }
            | P::UppercasePattern {
                parameter,
                indirect: false,
                pattern: None,
            } => {
                let lower = matches!(expr, P::LowercasePattern { .. });
                match self.lookup(parameter, scope).as_deref() {
                    Some([Val::Known(v)]) => {
                        vec![Val::Known(if lower {
                            v.to_lowercase()
                        } else {
                            v.to_uppercase()
                        })]
                    }
                    _ => vec![Val::Unknown],
                }
            }
            P::Substring {
                parameter,
                indirect: false,
                offset,
                length,
            } => {
                let num = |e: &brush_parser::ast::UnexpandedArithmeticExpr| {
                    e.value.trim().parse::<usize>().ok()
                };
                let (Some(start), len) = (num(offset), length.as_ref().map(num)) else {
                    return Ok(vec![Val::Unknown]);
                };
                if matches!(len, Some(None)) {
                    return Ok(vec![Val::Unknown]);
                }
                let len = len.flatten();
                match (parameter, self.lookup(parameter, scope)) {
                    // `${a[@]:1}` slices the elements; `${v:1}` the characters.
                    (Parameter::NamedWithAllIndices { .. }, Some(items)) => items
                        .into_iter()
                        .skip(start)
                        .take(len.unwrap_or(usize::MAX))
                        .collect(),
                    (_, Some(v)) if matches!(v.as_slice(), [Val::Known(_)]) => {
                        let Val::Known(s) = &v[0] else { unreachable!() };
                        vec![Val::Known(
                            s.chars()
                                .skip(start)
                                .take(len.unwrap_or(usize::MAX))
                                .collect(),
                        )]
                    }
                    _ => vec![Val::Unknown],
                }
            }
            _ => vec![Val::Unknown],
        })
    }

    /// A parameter's value(s); `None` when it is unset everywhere we can see.
    fn lookup(&self, p: &Parameter, scope: &Scope) -> Option<Vec<Val>> {
        match p {
            Parameter::Named(n) => self.lookup_named(n, scope).map(|v| vec![v]),
            Parameter::Positional(0) | Parameter::Special(SpecialParameter::ShellName) => {
                Some(vec![
                    scope
                        .arg0
                        .clone()
                        .unwrap_or_else(|| Val::Known("bash".into())),
                ])
            }
            Parameter::Positional(i) => scope
                .positional
                .get(*i as usize - 1)
                .cloned()
                .map(|v| vec![v]),
            Parameter::Special(SpecialParameter::AllPositionalParameters { .. }) => {
                Some(scope.positional.clone())
            }
            Parameter::NamedWithAllIndices { name, .. } => scope
                .arrays
                .get(name)
                .cloned()
                .or_else(|| self.lookup_named(name, scope).map(|v| vec![v])),
            Parameter::NamedWithIndex { name, index } => {
                match (scope.arrays.get(name), index.trim().parse::<usize>()) {
                    // Past the known elements: empty, unless some element's position is
                    // not known.
                    (Some(a), Ok(i)) => Some(vec![a.get(i).cloned().unwrap_or_else(|| {
                        if a.contains(&Val::Unknown) {
                            Val::Unknown
                        } else {
                            Val::Known(String::new())
                        }
                    })]),
                    (None, Ok(0)) => self.lookup_named(name, scope).map(|v| vec![v]),
                    _ => Some(vec![Val::Unknown]),
                }
            }
            _ => Some(vec![Val::Unknown]),
        }
    }

    fn lookup_named(&self, name: &str, scope: &Scope) -> Option<Val> {
        if let Some(frozen) = self.readonly.get(name) {
            return frozen.clone();
        }
        if let Some(target) = scope.namerefs.get(name)
            && target != name
        {
            return self.lookup_named(target, scope);
        }
        if let Some(v) = scope.vars.get(name) {
            return Some(v.clone());
        }
        if scope.unset.contains(name) {
            return None;
        }
        match name {
            "IFS" => Some(Val::Known(" \t\n".into())),
            "PWD" => Some(scope.cwd.as_ref().map_or(Val::Unknown, |c| {
                Val::Known(c.to_string_lossy().into_owned())
            })),
            "HOME" if self.ctx.home.is_some() => self
                .ctx
                .home
                .as_ref()
                .map(|h| Val::Known(h.to_string_lossy().into_owned())),
            // `$_` is the previous command's last argument.
            "RANDOM" | "SECONDS" | "LINENO" | "BASHPID" | "OLDPWD" | "EPOCHSECONDS" | "_" => {
                Some(Val::Unknown)
            }
            _ => (self.ctx.env)(name).map(Val::Known),
        }
    }

    /// A finished field: known text is glob-expanded against the file system.
    fn finish_field(&self, segs: &[Seg], scope: &Scope) -> Vec<Field> {
        match join_segs(segs) {
            Val::Known(text) => {
                // With extglob, `!(x)`, `@(x)`, `+(x)` are patterns too.
                let has_glob = segs.iter().any(|s| matches!(s, Seg::Lit { text, quoted: false } if text.contains(['*', '?', '[']) || self.glob_options_changed && text.contains('(')));
                if has_glob && let Some(matches) = self.glob(segs, scope) {
                    return matches;
                }
                vec![Field::Known(text)]
            }
            Val::Unknown => vec![Field::unknown()],
            Val::Partial(prefix, suffix) => vec![Field::Partial { prefix, suffix }],
        }
    }

    /// Pathname expansion. `None` when nothing matches (bash then keeps the word as is).
    fn glob(&self, segs: &[Seg], scope: &Scope) -> Option<Vec<Field>> {
        let mut pattern = String::new();
        for s in segs {
            if let Seg::Lit { text, quoted } = s {
                if *quoted {
                    for c in text.chars() {
                        if "*?[]{}\\".contains(c) {
                            pattern.push('\\');
                        }
                        pattern.push(c);
                    }
                } else {
                    pattern.push_str(text);
                }
            }
        }
        let absolute = pattern.starts_with('/');
        let base = if absolute {
            std::path::PathBuf::from("/")
        } else {
            scope.cwd.clone()?
        };
        let comps: Vec<&str> = pattern.split('/').filter(|c| !c.is_empty()).collect();
        let mut current: Vec<(std::path::PathBuf, String)> = vec![(
            base.clone(),
            if absolute { "/".into() } else { String::new() },
        )];
        // Too many to list, or too costly to: what matters is where they are.
        let partial = || {
            let prefix = &pattern[..pattern.find(['*', '?', '[']).unwrap_or(0)];
            Some(vec![Field::Partial {
                prefix: unescape(prefix),
                suffix: String::new(),
            }])
        };
        // What a partial match keeps of the pattern's end: the literal end of its last
        // component (`src/**/*.o` ends in `.o`), unless case is ignored or the end is
        // itself a pattern.
        let tail = || {
            let last = pattern.rsplit('/').next().unwrap_or("");
            let tail = &last[last.rfind(['*', '?', ']', ')']).map_or(0, |i| i + 1)..];
            if self.glob_nocase || tail.contains(['[', '(', '|']) {
                String::new()
            } else {
                unescape(tail)
            }
        };
        // A pattern over a folder this command wrote in matches, when it runs, what the
        // command made there too (`echo x > d/k.pem; mv d/* secrets/`): the names are
        // only known then.
        let literal = &pattern[..pattern.find(['*', '?', '[']).unwrap_or(0)];
        let dir = &literal[..literal.rfind('/').map_or(0, |i| i + 1)];
        let dir = crate::policy::paths::normalize(&base.join(unescape(dir)));
        if (self.written.holds(&dir) || self.written.covers(&dir))
            && comps
                .iter()
                .filter(|c| c.contains(['*', '?', '[']))
                .all(|c| matches!(self.glob_matcher(c, true), Ok(Some(_))))
        {
            let prefix = if absolute {
                unescape(literal)
            } else {
                format!("{}/{}", base.display(), unescape(literal))
            };
            return Some(vec![Field::Partial {
                prefix,
                suffix: tail(),
            }]);
        }
        // Options that change what a pattern matches (`dotglob`, `GLOBIGNORE`,
        // `nocaseglob`, `extglob`, `globstar`) are not modelled: where the matches are is
        // all that is known.
        if self.glob_options_changed {
            let prefix = &pattern[..pattern
                .find(['*', '?', '[', '(', '@', '!', '+'])
                .unwrap_or(0)];
            return Some(vec![Field::Partial {
                prefix: unescape(prefix),
                suffix: tail(),
            }]);
        }
        for (i, comp) in comps.iter().enumerate() {
            let last = i + 1 == comps.len();
            let mut next = Vec::new();
            let matcher = if comp.contains(['*', '?', '[']) {
                match self.glob_matcher(comp, true) {
                    Ok(Some(m)) => Some(m),
                    Ok(None) => return None,
                    Err(_) => return partial(),
                }
            } else {
                None
            };
            for (dir, shown) in &current {
                let join = |name: &str| {
                    if shown.is_empty() || shown.ends_with('/') {
                        format!("{shown}{name}")
                    } else {
                        format!("{shown}/{name}")
                    }
                };
                if let Some(m) = &matcher {
                    let Ok(entries) = std::fs::read_dir(dir) else {
                        continue;
                    };
                    let mut names = Vec::new();
                    for entry in entries.flatten() {
                        if !self.spend_glob_entries(1) {
                            return partial();
                        }
                        let n = entry.file_name().to_string_lossy().into_owned();
                        if (comp.starts_with('.') || !n.starts_with('.')) && m.is_match(&n) {
                            names.push(n);
                        }
                    }
                    names.sort();
                    for n in names {
                        let p = dir.join(&n);
                        if last || p.is_dir() {
                            next.push((p, join(&n)));
                        }
                    }
                } else {
                    let lit = unescape(comp);
                    next.push((dir.join(&lit), join(&lit)));
                }
                if next.len() > MAX_GLOB_MATCHES {
                    return partial();
                }
            }
            current = next;
        }
        let found: Vec<Field> = current
            .into_iter()
            .filter(|(p, _)| p.symlink_metadata().is_ok())
            .map(|(_, shown)| Field::Known(shown))
            .collect();
        (!found.is_empty()).then_some(found)
    }
}

/// Whether `word` is made only of characters that no expansion (parameters, commands,
/// arithmetic, quotes, escapes, tildes, braces, globs, extended globs) gives a meaning.
fn is_plain(word: &str) -> bool {
    !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-./,:=+@%^".contains(&b))
}

/// Whether `word` holds a `${…}` with an operator the word parser does not know (`~`).
fn unmodelled_expansion(word: &str) -> bool {
    let mut rest = word;
    while let Some(i) = rest.find("${") {
        let body = &rest[i + 2..];
        let end = body.find('}').unwrap_or(body.len());
        if body[..end].contains('~') {
            return true;
        }
        rest = &body[end..];
    }
    false
}

fn is_null(v: &[Val], test: &ParameterTestType) -> bool {
    // `$@` with no parameters is unset and null alike.
    v.is_empty()
        || matches!(test, ParameterTestType::UnsetOrNull)
            && matches!(v, [Val::Known(s)] if s.is_empty())
}

fn push_val(v: &Val, quoted: bool, b: &mut Builder, ifs: &str) {
    match v {
        Val::Known(s) if quoted => b.lit(s, true),
        Val::Known(s) => {
            // Unquoted results are split on the characters of IFS.
            let is_sep = |c: char| ifs.contains(c);
            let mut first = true;
            let starts_sep = s.starts_with(is_sep);
            for part in s.split(is_sep).filter(|p| !p.is_empty()) {
                if !first || starts_sep {
                    b.split();
                }
                b.lit(part, false);
                first = false;
            }
            if s.ends_with(is_sep) && s.chars().any(|c| !is_sep(c)) {
                b.split();
            }
            if s.chars().all(is_sep) && !s.is_empty() {
                // A value made only of separators splits the word where it stands.
                b.split();
            }
        }
        Val::Unknown => b.unknown(),
        Val::Partial(p, s) => {
            b.lit(p, true);
            b.unknown();
            b.lit(s, true);
        }
    }
}

/// The value of finished segments: known text, or known text around unknown parts.
fn join_segs(segs: &[Seg]) -> Val {
    let first = segs.iter().position(|s| matches!(s, Seg::Unknown));
    let text = |range: &[Seg]| -> String {
        range
            .iter()
            .filter_map(|s| match s {
                Seg::Lit { text, .. } => Some(text.as_str()),
                Seg::Unknown => None,
            })
            .collect()
    };
    match first {
        None => Val::Known(text(segs)),
        Some(i) => {
            let last = segs
                .iter()
                .rposition(|s| matches!(s, Seg::Unknown))
                .unwrap_or(i);
            let (prefix, suffix) = (text(&segs[..i]), text(&segs[last + 1..]));
            if prefix.is_empty() && suffix.is_empty() {
                Val::Unknown
            } else {
                Val::Partial(prefix, suffix)
            }
        }
    }
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Brace expansion (`a{b,c}`, `{1..3}`) of `word`, whose word pieces are `pieces`,
/// bounded.
fn brace_expand(word: &str, pieces: &[WordPieceWithSource]) -> Result<Vec<String>, ShellError> {
    use brush_parser::word::{BraceExpressionMember as M, BraceExpressionOrText as T};
    if !word.contains('{') {
        return Ok(vec![word.to_owned()]);
    }
    // Not brush's own brace parser: it backtracks exponentially (see `braces`).
    let Some(parts) = super::braces::parse(word, pieces) else {
        return Ok(vec![word.to_owned()]);
    };
    fn expand_parts(parts: &[T]) -> Result<Vec<String>, ShellError> {
        let mut acc = vec![String::new()];
        for part in parts {
            let options: Vec<String> = match part {
                T::Text(t) => vec![t.clone()],
                T::Expr(members) => {
                    let mut opts = Vec::new();
                    for m in members {
                        match m {
                            M::Child(c) => opts.extend(expand_parts(c)?),
                            M::NumberSequence {
                                start,
                                end,
                                increment,
                            } => {
                                let step = increment.unsigned_abs().max(1) as usize;
                                let (lo, hi) = ((*start).min(*end), (*start).max(*end));
                                if hi.abs_diff(lo) / step as u64 > MAX_BRACE_WORDS as u64 {
                                    return Err(ShellError::TooComplex(
                                        "brace expansion too large".into(),
                                    ));
                                }
                                opts.extend((lo..=hi).step_by(step).map(|n| n.to_string()));
                            }
                            M::CharSequence {
                                start,
                                end,
                                increment,
                            } => {
                                let step = increment.unsigned_abs().max(1) as usize;
                                let (lo, hi) = ((*start).min(*end), (*start).max(*end));
                                opts.extend((lo..=hi).step_by(step).map(String::from));
                            }
                        }
                    }
                    opts
                }
            };
            let mut next = Vec::new();
            for a in &acc {
                for o in &options {
                    next.push(format!("{a}{o}"));
                    if next.len() > MAX_BRACE_WORDS {
                        return Err(ShellError::TooComplex("brace expansion too large".into()));
                    }
                }
            }
            acc = next;
        }
        Ok(acc)
    }
    expand_parts(&parts)
}

/// Bash's backslash-escape dialects: each reads the same text differently.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Escapes {
    /// `$'…'`: `\NNN` octal, `\cX` a control character, a NUL ends the string.
    Quoted,
    /// `echo -e` (or `shopt -s xpg_echo`): octal only as `\0NNN`, `\c` ends all output.
    Echo,
    /// printf's `%b`: octal as `\NNN` or `\0NNN`, `\c` ends all output.
    PercentB,
    /// printf's format: `\NNN` octal, `\c` is text.
    Format,
}

/// The text `s` stands for in `dialect`, and whether a `\c` ended the output there.
/// Escapes a dialect does not know keep their backslash, as bash prints them.
pub(super) fn backslash_escapes(s: &str, dialect: Escapes) -> (String, bool) {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    let digits = |chars: &mut std::iter::Peekable<std::str::Chars>, max: usize, radix: u32| {
        let mut text = String::new();
        while text.len() < max && chars.peek().is_some_and(|c| c.is_digit(radix)) {
            text.extend(chars.next());
        }
        text
    };
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        let code = match e {
            'n' => Some('\n'),
            't' => Some('\t'),
            'r' => Some('\r'),
            'a' => Some('\x07'),
            'b' => Some('\x08'),
            'e' | 'E' => Some('\x1b'),
            'f' => Some('\x0c'),
            'v' => Some('\x0b'),
            '\\' => Some('\\'),
            '\'' | '"' | '?' if matches!(dialect, Escapes::Quoted | Escapes::Format) => Some(e),
            'x' | 'u' | 'U' => {
                let max = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex = digits(&mut chars, max, 16);
                if hex.is_empty() {
                    out.push('\\');
                    Some(e)
                } else {
                    // A code that is no character prints nothing.
                    u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
                }
            }
            '0' if matches!(dialect, Escapes::Echo | Escapes::PercentB) => {
                let oct = digits(&mut chars, 3, 8);
                u32::from_str_radix(if oct.is_empty() { "0" } else { &oct }, 8)
                    .ok()
                    .and_then(char::from_u32)
            }
            '0'..='7' if dialect != Escapes::Echo => {
                let oct = format!("{e}{}", digits(&mut chars, 2, 8));
                u32::from_str_radix(&oct, 8).ok().and_then(char::from_u32)
            }
            'c' if matches!(dialect, Escapes::Echo | Escapes::PercentB) => return (out, true),
            'c' if dialect == Escapes::Quoted && chars.peek().is_some() => {
                let x = chars.next().unwrap_or('@');
                // `\c?` is DEL; otherwise the low five bits of the letter.
                Some(if x == '?' {
                    '\x7f'
                } else {
                    char::from((x as u32 & 0x1f) as u8)
                })
            }
            other => {
                out.push('\\');
                Some(other)
            }
        };
        match code {
            // A NUL ends a `$'…'` string (bash's strings are C strings); elsewhere it is
            // printed, and dropped where bash reads the text back (a substitution, a script).
            Some('\0') if dialect == Escapes::Quoted => return (out, false),
            Some(ch) => out.push(ch),
            None => {}
        }
    }
    (out, false)
}

/// `${v#p}`, `${v##p}`, `${v%p}`, `${v%%p}`: `v` without the shortest or longest prefix or
/// suffix matching the glob `p`.
fn strip_pattern(v: &str, m: &globset::GlobMatcher, prefix: bool, largest: bool) -> String {
    let mut cuts: Vec<usize> = (0..=v.len()).filter(|i| v.is_char_boundary(*i)).collect();
    // Prefixes grow with the cut, suffixes shrink: order the cuts shortest match first.
    if prefix == largest {
        cuts.reverse();
    }
    for i in cuts {
        let (part, rest) = if prefix {
            (&v[..i], &v[i..])
        } else {
            (&v[i..], &v[..i])
        };
        if m.is_match(part) {
            return rest.to_owned();
        }
    }
    v.to_owned()
}
