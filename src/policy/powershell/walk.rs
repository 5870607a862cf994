//! Runs the parsed tree the way PowerShell would, as far as writes go: statements in
//! order, the location (`Set-Location`, `Push-Location`), variables assigned from literal
//! values, what flows down a pipeline (`Get-ChildItem roles | Remove-Item`), the commands
//! and .NET methods that write, and the code that runs other code (`Invoke-Expression`,
//! `pwsh -Command`, `bash -c`, script files).
//!
//! The model is positive: what cannot be shown harmless is reported as reaching what it
//! names. An unknown command writes every literal argument; a value only known when the
//! command runs is a [`Target::Partial`] the caller denies when it could be protected.
//!
//! Code that may run more than once or at an unknown time is analysed once, from a state
//! in which everything it may change ([`Effects`]) is already unknown; both arms of a
//! branch are analysed and their states joined (a variable that differs is unknown).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::cmdlets::{self, Bound, Spec};
use super::effects::{self, Effects};
use super::parse::{
    self, Arg, Command, Element, Expr, Invoke, Parser, Part, Pipeline, PostOp, Redir, Script, Stmt,
};
use crate::policy::paths;
use crate::policy::shell::{self, Context, ShellError, Target, Write};

/// How many statements and commands one analysis may visit.
const MAX_STEPS: usize = 200_000;
/// Largest script file read from disk.
const MAX_READ: u64 = 1024 * 1024;
/// How many script files one analysis may read.
const MAX_FILES: usize = 32;
/// How many variables, functions or aliases a state tracks: past it, they are unknown
/// (the state is copied at every branch, so it must stay small).
const MAX_TRACKED: usize = 128;
/// How many native commands one analysis asks the bash analysis about.
const MAX_BASH: usize = 64;
/// How many directory entries one analysis may list to expand wildcards.
const MAX_GLOB_ENTRIES: usize = 20_000;
/// The environment variable a bash command built from a PowerShell one reads for a value
/// only known when the command runs: it is never set, so bash sees it as unknown.
const DYNAMIC_VAR: &str = "__WAZIR_POWERSHELL_UNKNOWN_VALUE__";

/// A value as far as the analysis knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Val {
    Known(String),
    /// Known text around an unknown middle.
    Partial(String, String),
    Unknown,
}

impl Val {
    fn known(&self) -> Option<&str> {
        match self {
            Val::Known(s) => Some(s),
            _ => None,
        }
    }
}

fn single_known(v: &[Val]) -> Option<&str> {
    match v {
        [Val::Known(s)] => Some(s),
        _ => None,
    }
}

/// Everything the analysis tracks between statements.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct State {
    /// Variables by lowercase name without scope.
    vars: HashMap<String, Vec<Val>>,
    /// Environment variables set by the script, by exact name.
    env: HashMap<String, Vec<Val>>,
    /// Variables not in `vars` are unknown, not their usual value (code that runs at an
    /// unknown time).
    opaque: bool,
    /// The current location; `None` when unknown.
    loc: Option<PathBuf>,
    /// The `Push-Location` stack; `None` when unknown.
    stack: Option<Vec<Option<PathBuf>>>,
    /// The process's working directory, against which .NET resolves relative paths
    /// (`Set-Location` does not move it).
    proc_cwd: Option<PathBuf>,
    /// Aliases defined by the script: name → target (`None` when unknown).
    aliases: HashMap<String, Option<String>>,
    /// Functions defined by the script (shared: states are copied at every branch).
    functions: Rc<HashSet<String>>,
    /// Command names may not mean what they usually do (a module was imported, an alias
    /// set to something unknown).
    shadowed: bool,
}

impl State {
    pub(super) fn new(cwd: PathBuf) -> State {
        State {
            loc: Some(cwd.clone()),
            stack: Some(Vec::new()),
            proc_cwd: Some(cwd),
            ..State::default()
        }
    }

    /// Makes `self` a state either `self` or `other` could be.
    fn join(&mut self, other: &State) {
        let keys: Vec<String> = self.vars.keys().chain(other.vars.keys()).cloned().collect();
        for k in keys {
            if self.vars.get(&k) != other.vars.get(&k) {
                self.vars.insert(k, vec![Val::Unknown]);
            }
        }
        let keys: Vec<String> = self.env.keys().chain(other.env.keys()).cloned().collect();
        for k in keys {
            if self.env.get(&k) != other.env.get(&k) {
                self.env.insert(k, vec![Val::Unknown]);
            }
        }
        self.opaque |= other.opaque;
        if self.loc != other.loc {
            self.loc = None;
        }
        if self.stack != other.stack {
            self.stack = None;
        }
        if self.proc_cwd != other.proc_cwd {
            self.proc_cwd = None;
        }
        for (k, v) in &other.aliases {
            if self.aliases.get(k) != Some(v) {
                self.aliases.insert(k.clone(), None);
            }
        }
        if !Rc::ptr_eq(&self.functions, &other.functions) {
            for f in other.functions.iter() {
                self.add_function(f);
            }
        }
        self.shadowed |= other.shadowed;
    }

    /// Forgets what `fx` may change.
    fn invalidate(&mut self, fx: &Effects) {
        if fx.all_vars {
            self.vars.clear();
            self.env.clear();
            self.opaque = true;
        } else {
            for v in &fx.vars {
                match v.strip_prefix("env:") {
                    Some(e) => {
                        self.env.insert(e.to_owned(), vec![Val::Unknown]);
                    }
                    None => {
                        self.vars.insert(v.clone(), vec![Val::Unknown]);
                    }
                }
            }
        }
        if fx.moves {
            self.loc = None;
            self.stack = None;
            self.proc_cwd = None;
        }
        for f in &fx.functions {
            self.add_function(f);
        }
        self.shadowed |= fx.shadows;
    }

    /// After code the analysis cannot see ran in this scope.
    fn clobber(&mut self) {
        self.invalidate(&Effects {
            all_vars: true,
            moves: true,
            shadows: true,
            ..Effects::default()
        });
    }

    /// Keeps the state small: past [`MAX_TRACKED`] entries, what they held is unknown.
    fn tidy(&mut self) {
        if self.vars.len() > MAX_TRACKED || self.env.len() > MAX_TRACKED {
            self.vars.clear();
            self.env.clear();
            self.opaque = true;
        }
        if self.functions.len() > MAX_TRACKED || self.aliases.len() > MAX_TRACKED {
            self.functions = Rc::default();
            self.aliases.clear();
            self.shadowed = true;
        }
    }

    pub(super) fn add_function(&mut self, name: &str) {
        if !self.functions.contains(name) {
            Rc::make_mut(&mut self.functions).insert(name.to_owned());
        }
    }

    fn set_var(&mut self, name: &str, v: Vec<Val>) {
        let lower = name.to_lowercase();
        let bare = strip_scope(&lower);
        if let Some(e) = env_name(name) {
            self.env.insert(e.to_owned(), v);
        } else if let Some(f) = bare.strip_prefix("function:") {
            self.add_function(f);
        } else if let Some(a) = bare.strip_prefix("alias:") {
            self.aliases.insert(a.to_owned(), None);
        } else {
            self.vars.insert(bare.to_owned(), v);
        }
    }
}

/// `name` without a `global:`/`script:`/`local:`/`private:`/`using:`/`variable:` prefix.
pub(super) fn strip_scope(lower: &str) -> &str {
    let mut s = lower;
    while let Some(rest) = SCOPES.iter().find_map(|p| s.strip_prefix(p)) {
        s = rest;
    }
    s
}

const SCOPES: [&str; 6] = [
    "global:",
    "script:",
    "local:",
    "private:",
    "using:",
    "variable:",
];

/// The environment variable a variable name refers to (`env:PATH`), with its case.
fn env_name(name: &str) -> Option<&str> {
    let starts = |s: &str, p: &str| s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
    let mut s = name;
    while let Some(p) = SCOPES.iter().find(|p| starts(s, p)) {
        s = &s[p.len()..];
    }
    starts(s, "env:").then(|| &s[4..])
}

/// A command name without the module qualifier of a built-in module
/// (`Microsoft.PowerShell.Management\Remove-Item`).
pub(super) fn strip_module(lower: &str) -> &str {
    match lower.rsplit_once('\\') {
        Some((module, name))
            if module.starts_with("microsoft.powershell.")
                || matches!(module, "cimcmdlets" | "psreadline" | "bitstransfer") =>
        {
            name
        }
        _ => lower,
    }
}

/// How the text of a path argument is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A cmdlet's `-Path`: provider prefixes, drives and wildcards.
    Provider,
    /// A cmdlet's `-LiteralPath`: provider prefixes and drives, no wildcards.
    Literal,
    /// An argument of a native program: wildcards (PowerShell expands them on Unix).
    Native,
    /// A .NET method's argument: relative to the process's working directory.
    Dotnet,
}

#[derive(Clone, Copy)]
struct How<'a> {
    how: &'a str,
    recursive: bool,
    follow: bool,
    kind: Kind,
}

impl<'a> How<'a> {
    fn new(how: &'a str, recursive: bool, kind: Kind) -> How<'a> {
        How {
            how,
            recursive,
            follow: true,
            kind,
        }
    }

    fn nofollow(self) -> How<'a> {
        How {
            follow: false,
            ..self
        }
    }
}

/// How a script block given to a command runs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Blocks {
    /// Now, once per input object, with `$_` set (`ForEach-Object`).
    EachInput,
    /// The same, as a parameter's value (`Rename-Item -NewName { … }`): the value is
    /// what the block returns.
    DelayBind,
    /// Later, in this session (a function body, a block stored in a variable).
    Later,
    /// Somewhere else (a job, a remote session, a new process): not even the location is
    /// known.
    Elsewhere,
}

/// The arguments of a command, evaluated in order and bound to its parameters.
#[derive(Default)]
struct Args {
    named: Vec<(&'static str, Vec<Val>)>,
    switches: Vec<(&'static str, Option<Vec<Val>>)>,
    /// Values no parameter took.
    extra: Vec<Vec<Val>>,
    /// Every value bound by position (whichever parameter took it).
    positional: Vec<Val>,
    uncertain: bool,
    /// The arguments as a native program receives them.
    native: Vec<Native>,
}

enum Native {
    /// A parameter token passed as written.
    Raw(String),
    /// `-Name:value`, passed as one argument.
    Joined(String, Vec<Val>),
    Vals(Vec<Val>),
}

impl Args {
    fn get(&self, name: &str) -> Vec<Val> {
        self.named
            .iter()
            .filter(|(k, _)| *k == name)
            .flat_map(|(_, v)| v.iter().cloned())
            .collect()
    }

    fn has(&self, name: &str) -> bool {
        self.named.iter().any(|(k, _)| *k == name)
    }

    fn switch(&self, name: &str) -> bool {
        self.switches.iter().any(|(k, v)| {
            *k == name
                && match v {
                    None => true,
                    Some(v) => single_known(v).is_some_and(|s| s.eq_ignore_ascii_case("true")),
                }
        })
    }
}

pub(super) struct Walker<'a, 'c> {
    ctx: &'a Context<'c>,
    writes: Vec<Write>,
    /// Symlinks made earlier in the command: (link, what it points at), both absolute.
    links: Vec<(PathBuf, PathBuf)>,
    /// Paths written so far (lexical), so that a script written earlier is not read.
    written: Vec<PathBuf>,
    /// Nesting of the script being walked, shared with the parser of nested strings.
    depth: usize,
    steps: usize,
    files: usize,
    bash_calls: usize,
    glob_entries: usize,
    /// The location may change somewhere in the command: code that runs later cannot
    /// count on today's.
    moves_anywhere: bool,
    /// An alias is defined somewhere in the command.
    aliases_anywhere: bool,
}

impl<'a, 'c> Walker<'a, 'c> {
    pub(super) fn new(ctx: &'a Context<'c>) -> Walker<'a, 'c> {
        Walker {
            ctx,
            writes: Vec::new(),
            links: Vec::new(),
            written: Vec::new(),
            depth: 0,
            steps: 0,
            files: 0,
            bash_calls: 0,
            glob_entries: 0,
            moves_anywhere: false,
            aliases_anywhere: false,
        }
    }

    pub(super) fn into_writes(self) -> Vec<Write> {
        let mut out: Vec<Write> = Vec::with_capacity(self.writes.len());
        for w in self.writes {
            if !out.contains(&w) {
                out.push(w);
            }
        }
        out
    }

    /// Analyses a whole command (or a nested script) in `st`.
    pub(super) fn top(&mut self, text: &str, st: &mut State) -> Result<(), ShellError> {
        let script = Parser::new(text, self.depth).parse()?;
        let fx = Effects::of(&script);
        self.moves_anywhere |= fx.moves;
        self.aliases_anywhere |= fx.aliases;
        for f in &fx.functions {
            st.add_function(f);
        }
        self.script(&script, st).map(drop)
    }

    fn step(&mut self) -> Result<(), ShellError> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(ShellError::TooComplex(format!(
                "it has more than {MAX_STEPS} statements and commands to follow"
            )));
        }
        Ok(())
    }

    fn script(&mut self, s: &Script, st: &mut State) -> Result<Vec<Val>, ShellError> {
        self.depth += 1;
        let mut out = Vec::new();
        let r = (|| {
            for stmt in &s.stmts {
                out.extend(self.stmt(stmt, st)?);
            }
            Ok::<(), ShellError>(())
        })();
        self.depth -= 1;
        r.map(|()| out)
    }

    // ----- statements -----

    /// Runs a statement; its output, as far as it is known.
    fn stmt(&mut self, s: &Stmt, st: &mut State) -> Result<Vec<Val>, ShellError> {
        self.step()?;
        let out = self.stmt_inner(s, st);
        st.tidy();
        out
    }

    fn stmt_inner(&mut self, s: &Stmt, st: &mut State) -> Result<Vec<Val>, ShellError> {
        match s {
            Stmt::Chain(pipes) => {
                let mut out = self.pipeline(&pipes[0], st)?;
                // What follows `&&` / `||` may not run.
                for p in &pipes[1..] {
                    let mut b = st.clone();
                    out = self.pipeline(p, &mut b)?;
                    st.join(&b);
                }
                if pipes.len() > 1 {
                    out = vec![Val::Unknown];
                }
                Ok(out)
            }
            Stmt::If {
                branches,
                otherwise,
            } => {
                let mut cur = st.clone();
                let mut acc: Option<State> = None;
                for (cond, body) in branches {
                    self.stmt(cond, &mut cur)?;
                    let mut b = cur.clone();
                    self.script(body, &mut b)?;
                    join_into(&mut acc, &b);
                }
                match otherwise {
                    Some(body) => {
                        let mut b = cur.clone();
                        self.script(body, &mut b)?;
                        join_into(&mut acc, &b);
                    }
                    None => join_into(&mut acc, &cur),
                }
                if let Some(a) = acc {
                    *st = a;
                }
                Ok(vec![Val::Unknown])
            }
            Stmt::Loop {
                var,
                head,
                repeat,
                body,
            } => {
                let mut items = vec![Val::Unknown];
                for h in head {
                    items = self.stmt(h, st)?;
                }
                let mut fx = Effects::of(body);
                for r in repeat {
                    fx.merge(&Effects::of_stmt(r));
                }
                let mut entry = st.clone();
                entry.invalidate(&fx);
                if let Some(v) = var {
                    entry.set_var(v, items);
                }
                let mut b = entry.clone();
                for r in repeat {
                    self.stmt(r, &mut b)?;
                }
                self.script(body, &mut b)?;
                entry.join(&b);
                *st = entry;
                Ok(vec![Val::Unknown])
            }
            Stmt::Switch {
                subject,
                file,
                clauses,
            } => {
                let mut items = vec![Val::Unknown];
                if let Some(s) = subject {
                    items = self.stmt(s, st)?;
                }
                if let Some(f) = file {
                    self.eval(f, st)?;
                    items = vec![Val::Unknown];
                }
                let mut fx = Effects::default();
                for (c, b) in clauses {
                    fx.merge(&Effects::of(b));
                    if let Expr::Block(cb) = c {
                        fx.merge(&Effects::of(cb));
                    }
                }
                let mut entry = st.clone();
                entry.invalidate(&fx);
                entry.set_var("_", items.clone());
                let base = entry.clone();
                for (c, body) in clauses {
                    let mut b = base.clone();
                    match c {
                        Expr::Block(cb) => {
                            self.script(cb, &mut b)?;
                        }
                        e => {
                            self.eval(e, &mut b)?;
                        }
                    }
                    self.script(body, &mut b)?;
                    entry.join(&b);
                }
                *st = entry;
                Ok(vec![Val::Unknown])
            }
            Stmt::Try { body, handlers } => {
                let mut midway = st.clone();
                midway.invalidate(&Effects::of(body));
                self.script(body, st)?;
                midway.join(st);
                for h in handlers {
                    let mut b = midway.clone();
                    self.script(h, &mut b)?;
                    st.join(&b);
                }
                Ok(vec![Val::Unknown])
            }
            Stmt::Trap(body) => {
                // A trap runs wherever an error stops the code after it.
                let mut b = st.clone();
                b.invalidate(&Effects::of(body));
                self.script(body, &mut b)?;
                st.join(&b);
                Ok(Vec::new())
            }
            Stmt::Block(body) => self.script(body, st),
            Stmt::Function { name, params, body } => {
                st.add_function(&effects::function_name(name));
                let mut d = self.later_state(st, Blocks::Later);
                for p in params {
                    self.eval(p, &mut d)?;
                }
                self.script(body, &mut d)?;
                st.invalidate(&Effects::of(body));
                Ok(Vec::new())
            }
            Stmt::Class { exprs, bodies } => {
                let mut d = self.later_state(st, Blocks::Later);
                for e in exprs {
                    self.eval(e, &mut d)?;
                }
                for b in bodies {
                    let mut m = d.clone();
                    self.script(b, &mut m)?;
                }
                Ok(Vec::new())
            }
            Stmt::Params(exprs) => {
                // The caller's arguments, or the defaults: the values are unknown.
                for e in exprs {
                    match e {
                        Expr::Var(n) => st.set_var(n, vec![Val::Unknown]),
                        e => {
                            self.eval(e, st)?;
                        }
                    }
                }
                Ok(Vec::new())
            }
            Stmt::Flow(v) => match v {
                Some(v) => self.stmt(v, st),
                None => Ok(Vec::new()),
            },
            Stmt::Assign { target, op, value } => {
                let v = self.stmt(value, st)?;
                self.assign(target, op, v, st)?;
                Ok(Vec::new())
            }
            Stmt::Using { module } => {
                st.shadowed |= *module;
                Ok(Vec::new())
            }
        }
    }

    fn assign(
        &mut self,
        target: &Expr,
        op: &str,
        v: Vec<Val>,
        st: &mut State,
    ) -> Result<(), ShellError> {
        match target {
            Expr::Var(name) => {
                let lower = name.to_lowercase();
                let bare = strip_scope(&lower);
                // `${C:\path} = …` writes the file the provider path names.
                if env_name(name).is_none()
                    && let Some((drive, _)) = bare.split_once(':')
                    && !matches!(drive, "function" | "alias")
                {
                    let how = format!("${{{name}}} =");
                    self.write(
                        &Val::Known(bare_provider_path(name)),
                        st,
                        How::new(&how, false, Kind::Literal),
                    );
                    return Ok(());
                }
                let value = if op == "=" { v } else { vec![Val::Unknown] };
                st.set_var(name, value);
            }
            Expr::Unary { operand, .. } => {
                self.assign(operand, op, v, st)?;
            }
            Expr::Array(items) => {
                for i in items {
                    self.assign(i, "=", vec![Val::Unknown], st)?;
                }
            }
            Expr::Post { base, ops } => {
                // `$file.IsReadOnly = …` and kin change the file the object stands for.
                let recv = match &**base {
                    Expr::Type { .. } => Vec::new(),
                    b => self.eval(b, st)?,
                };
                for op in ops {
                    match op {
                        PostOp::Index(i) => {
                            self.eval(i, st)?;
                        }
                        PostOp::Member { name, call, .. } => {
                            self.eval(name, st)?;
                            for a in call.iter().flatten() {
                                self.eval(a, st)?;
                            }
                        }
                        PostOp::Step => {}
                    }
                }
                if let (Expr::Type { name: ty, .. }, Some(PostOp::Member { name, .. })) =
                    (&**base, ops.last())
                    && let Expr::Lit(m) = name
                    && m.eq_ignore_ascii_case("currentdirectory")
                    && ty.to_lowercase().ends_with("environment")
                {
                    st.proc_cwd = single_known(&v).and_then(|s| self.resolve_dir(s, st));
                }
                if let Some(PostOp::Member {
                    name: Expr::Lit(m), ..
                }) = ops.last()
                {
                    let m = m.to_lowercase();
                    let file_property = matches!(
                        m.as_str(),
                        "isreadonly"
                            | "attributes"
                            | "lastwritetime"
                            | "lastwritetimeutc"
                            | "creationtime"
                            | "creationtimeutc"
                            | "lastaccesstime"
                            | "lastaccesstimeutc"
                            | "unixfilemode"
                    );
                    if file_property && !matches!(&**base, Expr::Type { .. }) {
                        let how = format!(".{m} =");
                        self.write_all(&recv, st, How::new(&how, false, Kind::Literal));
                    }
                }
                if let Expr::Var(n) = &**base {
                    // The object changed: what it stood for is no longer a plain value.
                    if ops.len() > 1 || matches!(ops.first(), Some(PostOp::Index(_))) {
                        st.set_var(n, vec![Val::Unknown]);
                    }
                }
            }
            e => {
                self.eval(e, st)?;
            }
        }
        Ok(())
    }

    // ----- pipelines -----

    fn pipeline(&mut self, p: &Pipeline, st: &mut State) -> Result<Vec<Val>, ShellError> {
        let mut input: Option<Vec<Val>> = None;
        for el in &p.elems {
            let out = match el {
                Element::Expr { expr, redirs } => {
                    let v = self.eval(expr, st)?;
                    self.redirections(redirs, st)?;
                    v
                }
                Element::Cmd(c) => self.command(c, input.as_deref(), st)?,
            };
            input = Some(out);
        }
        Ok(input.unwrap_or_default())
    }

    fn redirections(&mut self, redirs: &[Redir], st: &mut State) -> Result<(), ShellError> {
        for r in redirs {
            if let Some(t) = &r.target {
                let v = self.eval(t, st)?;
                self.write_all(&v, st, How::new(&r.op, false, Kind::Provider));
            }
        }
        Ok(())
    }

    fn command(
        &mut self,
        cmd: &Command,
        input: Option<&[Val]>,
        st: &mut State,
    ) -> Result<Vec<Val>, ShellError> {
        self.step()?;
        let out = self.command_body(cmd, input, st)?;
        self.variable_params(cmd, st);
        self.redirections(&cmd.redirs, st)?;
        Ok(out)
    }

    fn command_body(
        &mut self,
        cmd: &Command,
        input: Option<&[Val]>,
        st: &mut State,
    ) -> Result<Vec<Val>, ShellError> {
        let name = match &cmd.name {
            Expr::Lit(s) => Some(s.clone()),
            Expr::Block(b) if cmd.invoke != Invoke::Plain => {
                // `& { … }` and `. { … }` run the block here and now.
                let args = self.evaluate(None, cmd, input, Blocks::Later, st)?;
                self.unknown_args("&", &args, None, st, false);
                let mut b2 = st.clone();
                b2.invalidate(&Effects {
                    vars: ["args".to_owned(), "_".to_owned()].into(),
                    ..Effects::default()
                });
                self.script(b, &mut b2)?;
                st.join(&b2);
                return Ok(vec![Val::Unknown]);
            }
            e => {
                let v = self.eval(e, st)?;
                single_known(&v).map(str::to_owned)
            }
        };
        let Some(name) = name else {
            // `& $command`: anything at all may run.
            let args = self.evaluate(None, cmd, input, Blocks::Elsewhere, st)?;
            let how = if cmd.invoke == Invoke::Dot { "." } else { "&" };
            self.unknown_args(how, &args, input, st, true);
            st.clobber();
            return Ok(vec![Val::Unknown]);
        };
        self.dispatch(&name, cmd, input, st)
    }

    fn dispatch(
        &mut self,
        written: &str,
        cmd: &Command,
        input: Option<&[Val]>,
        st: &mut State,
    ) -> Result<Vec<Val>, ShellError> {
        let mut name = written.to_owned();
        for _ in 0..8 {
            match st.aliases.get(&name.to_lowercase()) {
                Some(Some(t)) => name = t.clone(),
                Some(None) => return self.external(written, "", cmd, input, st),
                None => break,
            }
        }
        let lower = name.to_lowercase();
        let lower = strip_module(&lower).to_owned();
        let file = lower.replace('\\', "/");
        // PowerShell's own location shortcuts: `cd..`, `cd\`, and drive names (`D:`).
        if file == "cd.." {
            st.loc = self.resolve_dir("..", st);
            return Ok(Vec::new());
        }
        let is_drive = file.len() > 1
            && file.ends_with(':')
            && file[..file.len() - 1]
                .chars()
                .all(|c| c.is_ascii_alphanumeric());
        if file == "cd/" || is_drive {
            st.loc = None;
            return Ok(Vec::new());
        }
        if file.ends_with(".ps1") {
            return self.script_file(written, &name, cmd, input, st);
        }
        if file.contains('/') || !(cmdlets::find(&lower).is_some() || cmdlets::read_only(&lower)) {
            return self.external(written, &file, cmd, input, st);
        }
        if !(st.shadowed || st.functions.contains(&lower)) {
            return self.builtin(written, &lower, cmd, input, st);
        }
        // A function of the command's, or code it loaded, may have taken the name: both
        // meanings count.
        let mut other = st.clone();
        self.external(written, &file, cmd, input, &mut other)?;
        let out = self.builtin(written, &lower, cmd, input, st)?;
        st.join(&other);
        Ok(out)
    }

    /// A cmdlet the analysis knows by name (or alias).
    fn builtin(
        &mut self,
        written: &str,
        lower: &str,
        cmd: &Command,
        input: Option<&[Val]>,
        st: &mut State,
    ) -> Result<Vec<Val>, ShellError> {
        // On Linux and macOS, `rm`, `cp`, `ls`… run the native program, not the cmdlet
        // they alias on Windows: both readings count.
        let native = cfg!(unix) && cmdlets::native_on_unix(lower);
        if let Some(spec) = cmdlets::find(lower) {
            let args = self.evaluate(Some(spec), cmd, input, blocks_of(spec), st)?;
            let out = self.cmdlet(written, spec, &args, input, st)?;
            if native && !self.bash(written, &args, st) {
                self.unknown_args(written, &args, input, st, false);
            }
            return Ok(out);
        }
        let blocks = if cmdlets::runs_blocks(lower) {
            Blocks::EachInput
        } else {
            Blocks::Later
        };
        let args = self.evaluate(None, cmd, input, blocks, st)?;
        if native && !self.bash(written, &args, st) {
            self.unknown_args(written, &args, input, st, false);
        }
        let passes = matches!(
            lower,
            "where-object" | "where" | "?" | "sort-object" | "sort" | "get-unique" | "gu"
        );
        Ok(match input {
            Some(i) if passes => i.to_vec(),
            _ => vec![Val::Unknown],
        })
    }

    /// Evaluates `cmd`'s arguments in order, bound to `spec`'s parameters.
    fn evaluate(
        &mut self,
        spec: Option<&'static Spec>,
        cmd: &Command,
        input: Option<&[Val]>,
        blocks: Blocks,
        st: &mut State,
    ) -> Result<Args, ShellError> {
        let binding = cmdlets::bind(spec, &cmd.args);
        let mut args = Args {
            uncertain: binding.uncertain,
            ..Args::default()
        };
        for (arg, slot) in cmd.args.iter().zip(&binding.slots) {
            match (arg, slot) {
                (Arg::Param { raw, value, .. }, Bound::Param(p)) => {
                    let vals = match value {
                        Some(e) => Some(self.eval_arg(e, blocks, input, st)?),
                        None => None,
                    };
                    match (p, &vals) {
                        (Some(p), Some(v)) if p.takes_value => args.named.push((p.name, v.clone())),
                        (Some(p), _) if !p.takes_value => {
                            args.switches.push((p.name, vals.clone()))
                        }
                        (None, Some(v)) if args.uncertain => args.extra.push(v.clone()),
                        _ => {}
                    }
                    args.native.push(match vals {
                        Some(v) => Native::Joined(raw.clone(), v),
                        None => Native::Raw(raw.clone()),
                    });
                }
                (Arg::Value(e), Bound::Value(slot, by_position)) => {
                    let v = self.eval_arg(e, blocks, input, st)?;
                    match slot {
                        Some(n) => args.named.push((n, v.clone())),
                        None => args.extra.push(v.clone()),
                    }
                    if *by_position {
                        args.positional.extend(v.iter().cloned());
                    }
                    args.native.push(Native::Vals(v));
                }
                (Arg::Stop(text), _) => {
                    for w in split_words(text) {
                        args.extra.push(vec![Val::Known(w.clone())]);
                        args.native.push(Native::Vals(vec![Val::Known(w)]));
                    }
                }
                (Arg::EndOfParams, _) => args.native.push(Native::Raw("--".into())),
                _ => {}
            }
        }
        Ok(args)
    }

    /// An argument's values; a script block runs as `blocks` says and is no value.
    fn eval_arg(
        &mut self,
        e: &Expr,
        blocks: Blocks,
        input: Option<&[Val]>,
        st: &mut State,
    ) -> Result<Vec<Val>, ShellError> {
        match e {
            Expr::Block(b) => {
                match blocks {
                    Blocks::EachInput | Blocks::DelayBind => {
                        let items = input.map_or_else(|| vec![Val::Unknown], <[Val]>::to_vec);
                        self.each_input(b, st, items)?;
                    }
                    Blocks::Later | Blocks::Elsewhere => self.later(b, st, blocks)?,
                }
                // Code handed to a command is not a path, unless the command binds what
                // the block returns.
                Ok(if blocks == Blocks::DelayBind {
                    vec![Val::Unknown]
                } else {
                    Vec::new()
                })
            }
            e => self.eval(e, st),
        }
    }

    /// Runs a block now, once per input object.
    fn each_input(
        &mut self,
        b: &Script,
        st: &mut State,
        items: Vec<Val>,
    ) -> Result<(), ShellError> {
        let fx = Effects::of(b);
        let mut entry = st.clone();
        entry.invalidate(&fx);
        let mut run = entry.clone();
        run.set_var("_", items.clone());
        run.set_var("psitem", items);
        self.script(b, &mut run)?;
        entry.join(&run);
        *st = entry;
        Ok(())
    }

    /// The state a block starts from when it runs at some later time.
    fn later_state(&self, st: &State, blocks: Blocks) -> State {
        let here = blocks == Blocks::Later && !self.moves_anywhere;
        State {
            vars: HashMap::new(),
            env: HashMap::new(),
            opaque: true,
            loc: if here { st.loc.clone() } else { None },
            stack: None,
            proc_cwd: if here { st.proc_cwd.clone() } else { None },
            aliases: st.aliases.clone(),
            functions: st.functions.clone(),
            shadowed: st.shadowed || self.aliases_anywhere,
        }
    }

    /// Analyses a block that runs later (or elsewhere); what it may change is unknown
    /// from here on.
    fn later(&mut self, b: &Script, st: &mut State, blocks: Blocks) -> Result<(), ShellError> {
        let mut d = self.later_state(st, blocks);
        self.script(b, &mut d)?;
        st.invalidate(&Effects::of(b));
        Ok(())
    }

    /// `-OutVariable x` and its kin assign the variable they name.
    fn variable_params(&mut self, cmd: &Command, st: &mut State) {
        for (i, a) in cmd.args.iter().enumerate() {
            let Arg::Param { name, value, .. } = a else {
                continue;
            };
            if !effects::names_variable(name) {
                continue;
            }
            let v = value.as_ref().or(match cmd.args.get(i + 1) {
                Some(Arg::Value(v)) => Some(v),
                _ => None,
            });
            match v {
                Some(Expr::Lit(n)) => st.set_var(n.trim_start_matches('+'), vec![Val::Unknown]),
                Some(_) => st.invalidate(&Effects {
                    all_vars: true,
                    ..Effects::default()
                }),
                None => {}
            }
        }
    }

    // ----- cmdlets -----

    fn cmdlet(
        &mut self,
        written: &str,
        spec: &'static Spec,
        args: &Args,
        input: Option<&[Val]>,
        st: &mut State,
    ) -> Result<Vec<Val>, ShellError> {
        if args.switch("whatif") {
            return Ok(vec![Val::Unknown]);
        }
        let how = written;
        let name = spec.name;
        let srcs = |path: &str| sources(args, input, path);
        // An item path only known at run time may be `variable:…`: the command may give
        // any variable any value.
        if matches!(
            name,
            "set-item" | "new-item" | "rename-item" | "copy-item" | "move-item"
        ) && args
            .named
            .iter()
            .filter(|(k, _)| {
                matches!(
                    *k,
                    "path" | "literalpath" | "destination" | "newname" | "name"
                )
            })
            .flat_map(|(_, v)| v)
            .chain(input.unwrap_or_default())
            .any(|v| !matches!(v, Val::Known(_)))
        {
            st.invalidate(&Effects {
                all_vars: true,
                ..Effects::default()
            });
        }
        match name {
            "set-content" | "add-content" | "clear-content" | "export-csv" | "export-clixml"
            | "export-alias" | "export-formatdata" | "unblock-file" => {
                for (v, k) in srcs("path") {
                    self.write(&v, st, How::new(how, false, k));
                }
            }
            "out-file" => {
                for (v, k) in srcs("filepath") {
                    self.write(&v, st, How::new(how, false, k));
                }
            }
            "tee-object" => {
                for (v, k) in srcs("filepath") {
                    self.write(&v, st, How::new(how, false, k));
                }
                for v in args.get("variable") {
                    if let Val::Known(n) = v {
                        st.set_var(
                            &n,
                            input.map_or_else(|| vec![Val::Unknown], <[Val]>::to_vec),
                        );
                    }
                }
                return Ok(input.map_or_else(|| vec![Val::Unknown], <[Val]>::to_vec));
            }
            "new-item" => return self.new_item(how, args, input, st),
            "remove-item" => {
                for (v, k) in srcs("path") {
                    self.write(&v, st, How::new(how, true, k).nofollow());
                }
            }
            "copy-item" | "move-item" => {
                let sources = srcs("path");
                if name == "move-item" {
                    for (v, k) in &sources {
                        self.write(v, st, How::new(how, true, *k).nofollow());
                    }
                }
                let dests = args.get("destination");
                if dests.is_empty() {
                    for (v, _) in &sources {
                        let d = into_location(v);
                        self.write(&d, st, How::new(how, true, Kind::Literal));
                    }
                } else {
                    self.write_all(&dests, st, How::new(how, true, Kind::Literal));
                }
            }
            "rename-item" => {
                let sources = srcs("path");
                let names = args.get("newname");
                for (v, k) in &sources {
                    self.write(v, st, How::new(how, true, *k).nofollow());
                    for n in &names {
                        let t = sibling(v, n);
                        self.write(&t, st, How::new(how, true, Kind::Literal));
                    }
                }
            }
            "clear-item"
            | "set-item"
            | "set-itemproperty"
            | "new-itemproperty"
            | "remove-itemproperty"
            | "clear-itemproperty"
            | "rename-itemproperty"
            | "set-acl" => {
                for (v, k) in srcs("path") {
                    self.write(&v, st, How::new(how, true, k));
                    if name == "set-item" {
                        self.provider_item(&v, args, st)?;
                        // An unknown path may be `function:…` or `alias:…`.
                        st.shadowed |= !matches!(v, Val::Known(_));
                    }
                }
            }
            "copy-itemproperty" | "move-itemproperty" => {
                if name == "move-itemproperty" {
                    for (v, k) in srcs("path") {
                        self.write(&v, st, How::new(how, true, k));
                    }
                }
                let dests = args.get("destination");
                self.write_all(&dests, st, How::new(how, true, Kind::Provider));
            }
            "start-transcript" => {
                let paths: Vec<(Val, Kind)> = srcs("path")
                    .into_iter()
                    .filter(|_| args.has("path") || args.has("literalpath"))
                    .collect();
                for (v, k) in &paths {
                    self.write(v, st, How::new(how, false, *k));
                }
                let dirs = args.get("outputdirectory");
                for d in &dirs {
                    let dir = d.known().and_then(|s| self.resolve_dir(s, st));
                    self.push_partial(dir, "PowerShell_transcript.", ".txt", how);
                }
                if paths.is_empty() && dirs.is_empty() {
                    let home = self.ctx.home.clone();
                    self.push_partial(home, "PowerShell_transcript.", ".txt", how);
                }
            }
            "expand-archive" => {
                let dests = args.get("destinationpath");
                if dests.is_empty() {
                    for (v, _) in srcs("path") {
                        let d = match into_location(&v) {
                            Val::Known(s) => Val::Known(
                                s.rsplit_once('.')
                                    .map_or(s.clone(), |(stem, _)| stem.to_owned()),
                            ),
                            other => other,
                        };
                        self.write(&d, st, How::new(how, true, Kind::Literal));
                    }
                } else {
                    self.write_all(&dests, st, How::new(how, true, Kind::Literal));
                }
            }
            "compress-archive" => {
                for d in args.get("destinationpath") {
                    if let Val::Known(s) = &d {
                        let name = s.rsplit(['/', '\\']).next().unwrap_or(s);
                        if !name.contains('.') {
                            self.write(
                                &Val::Known(format!("{s}.zip")),
                                st,
                                How::new(how, false, Kind::Literal),
                            );
                        }
                    }
                    self.write(&d, st, How::new(how, false, Kind::Literal));
                }
            }
            "invoke-webrequest" | "invoke-restmethod" => {
                let out = args.get("outfile");
                self.write_all(&out, st, How::new(how, true, Kind::Literal));
                if args.uncertain {
                    for v in args.extra.concat() {
                        self.write(&v, st, How::new(how, true, Kind::Literal));
                    }
                }
            }
            "start-bitstransfer" => {
                let dests = args.get("destination");
                if dests.is_empty() {
                    let loc = st.loc.clone();
                    self.push_partial(loc, "", "", how);
                } else {
                    self.write_all(&dests, st, How::new(how, true, Kind::Literal));
                }
            }
            "save-help" => {
                for (v, k) in srcs("destinationpath") {
                    self.write(&v, st, How::new(how, true, k));
                }
            }
            "set-location" | "push-location" | "pop-location" => {
                self.location(name, args, input, st);
            }
            "set-variable" | "new-variable" | "clear-variable" | "remove-variable" => {
                let names = args.get("name");
                let value = if matches!(name, "set-variable" | "new-variable") {
                    args.get("value")
                } else {
                    vec![Val::Unknown]
                };
                let value = if name == "set-variable" && !args.has("value") {
                    input.map_or_else(Vec::new, <[Val]>::to_vec)
                } else {
                    value
                };
                let all_known = names
                    .iter()
                    .all(|n| n.known().is_some_and(|n| !n.contains(['*', '?', '['])));
                if names.is_empty() || !all_known {
                    st.invalidate(&Effects {
                        all_vars: true,
                        ..Effects::default()
                    });
                } else {
                    let v = if names.len() == 1 {
                        value
                    } else {
                        vec![Val::Unknown]
                    };
                    for n in names.iter().filter_map(Val::known) {
                        st.set_var(n, v.clone());
                    }
                }
            }
            "set-alias" | "new-alias" | "remove-alias" => {
                let names = args.get("name");
                let target = single_known(&args.get("value")).map(str::to_lowercase);
                match single_known(&names) {
                    Some(n) if name != "remove-alias" => {
                        st.aliases.insert(n.to_lowercase(), target);
                    }
                    Some(n) => {
                        st.aliases.insert(n.to_lowercase(), None);
                    }
                    None => st.shadowed = true,
                }
            }
            "invoke-expression" => {
                let mut code = args.get("command");
                if !args.has("command") {
                    code = input.map_or_else(Vec::new, <[Val]>::to_vec);
                }
                for c in code {
                    match c {
                        Val::Known(text) => self.inline(&text, st)?,
                        _ => {
                            self.push_partial(None, "", "", how);
                            st.clobber();
                        }
                    }
                }
            }
            "start-process" => self.start_process(how, args, st)?,
            "new-object" => {
                let ty = single_known(&args.get("typename")).map(normalize_type);
                if !ty.as_deref().is_some_and(readonly_type) {
                    let a = args.get("argumentlist");
                    self.write_all(&a, st, How::new(how, true, Kind::Dotnet));
                    if ty.is_none() {
                        self.push_partial(None, "", "", how);
                    }
                }
            }
            "foreach-object" => {
                let member = args
                    .get("membername")
                    .into_iter()
                    .chain(args.extra.first().cloned().unwrap_or_default())
                    .next();
                if let Some(m) = member {
                    let receivers = input.map_or_else(|| vec![Val::Unknown], <[Val]>::to_vec);
                    let m = m.known().map(str::to_lowercase);
                    let mut margs: Vec<Vec<Val>> = args
                        .get("argumentlist")
                        .into_iter()
                        .map(|v| vec![v])
                        .collect();
                    margs.extend(args.extra.iter().skip(1).cloned());
                    let how = format!("{how} {}", m.as_deref().unwrap_or("…"));
                    match m.as_deref() {
                        Some(m) if !writes_receiver(m) && arg_writer(m).is_none() => {}
                        m => self.instance_call(&receivers, m, &margs, &how, st)?,
                    }
                }
            }
            "get-childitem" | "get-item" | "resolve-path" | "convert-path" => {
                let mut found = srcs("path");
                if found.is_empty() {
                    found.push((Val::Known(".".into()), Kind::Literal));
                }
                let mut out = Vec::new();
                for (v, _) in found {
                    let abs = self.absolute(&v, st);
                    if name == "get-childitem"
                        && let Val::Known(p) = &abs
                    {
                        out.push(Val::Partial(
                            format!("{}/", p.trim_end_matches('/')),
                            String::new(),
                        ));
                    }
                    out.push(abs);
                }
                return Ok(out);
            }
            "get-location" => {
                return Ok(vec![match &st.loc {
                    Some(l) => Val::Known(l.to_string_lossy().into_owned()),
                    None => Val::Unknown,
                }]);
            }
            "join-path" => {
                let parts = [
                    args.get("path"),
                    args.get("childpath"),
                    args.get("additionalchildpath"),
                ];
                let mut text = String::new();
                for p in parts.iter().filter(|p| !p.is_empty()) {
                    match single_known(p) {
                        Some(s) if text.is_empty() => text = s.to_owned(),
                        Some(s) => {
                            text = format!(
                                "{}/{}",
                                text.trim_end_matches(['/', '\\']),
                                s.trim_start_matches(['/', '\\'])
                            );
                        }
                        None => return Ok(vec![Val::Unknown]),
                    }
                }
                return Ok(vec![Val::Known(text)]);
            }
            "write-output" => {
                let mut out = args.get("inputobject");
                out.extend(args.extra.concat());
                return Ok(out);
            }
            "select-object" => {
                let expand = single_known(&args.get("expandproperty")).map(str::to_lowercase);
                let passes = match expand {
                    Some(p) => is_path_property(&p),
                    None => !args.has("property"),
                };
                return Ok(match input {
                    Some(i) if passes => i.to_vec(),
                    _ => vec![Val::Unknown],
                });
            }
            _ => {}
        }
        Ok(vec![Val::Unknown])
    }

    fn new_item(
        &mut self,
        how: &str,
        args: &Args,
        input: Option<&[Val]>,
        st: &mut State,
    ) -> Result<Vec<Val>, ShellError> {
        let mut paths: Vec<(Val, Kind)> = sources(args, input, "path");
        let names = args.get("name");
        if paths.is_empty() && !names.is_empty() {
            paths.push((Val::Known(".".into()), Kind::Literal));
        }
        let itype = args.get("itemtype");
        let (link, hard) = match single_known(&itype).map(str::to_lowercase) {
            Some(t) => (
                ["symboliclink", "junction", "hardlink"]
                    .iter()
                    .any(|l| l.starts_with(&t)),
                "hardlink".starts_with(&t),
            ),
            None => (!itype.is_empty(), !itype.is_empty()),
        };
        let mut made = Vec::new();
        for (p, k) in paths {
            let targets: Vec<Val> = if names.is_empty() {
                vec![p]
            } else {
                names.iter().map(|n| join_val(&p, n)).collect()
            };
            for t in targets {
                st.shadowed |= !matches!(t, Val::Known(_));
                let h = How::new(how, link, k);
                self.write(&t, st, if link { h.nofollow() } else { h });
                self.provider_item(&t, args, st)?;
                made.push(self.absolute(&t, st));
            }
        }
        if link {
            let values = args.get("value");
            if hard {
                self.write_all(&values, st, How::new(how, false, Kind::Literal));
            }
            if let (Some(Val::Known(l)), Some(t)) = (made.first(), single_known(&values))
                && made.len() == 1
            {
                let link_abs = paths::normalize(Path::new(l));
                let base = link_abs.parent().map(Path::to_path_buf).unwrap_or_default();
                let dest = paths::normalize(&paths::join(
                    &base,
                    &t.replace('\\', "/"),
                    self.ctx.home.as_deref(),
                ));
                self.links.push((link_abs, dest));
            }
        }
        Ok(made)
    }

    /// A write to a non-file provider path changes state instead: `Set-Item variable:x`,
    /// `New-Item function:f`, `Set-Item env:X`.
    fn provider_item(&mut self, v: &Val, args: &Args, st: &mut State) -> Result<(), ShellError> {
        let Val::Known(s) = v else {
            return Ok(());
        };
        let Some(Provider::State(what, name)) = classify(s) else {
            return Ok(());
        };
        let value = args.get("value");
        match what {
            "function" => {
                st.add_function(&name.to_lowercase());
                // A function's body given as text is code.
                self.code(&value, "function:", st)?;
            }
            "alias" => {
                let target = single_known(&value).map(str::to_lowercase);
                st.aliases.insert(name.to_lowercase(), target);
            }
            _ => {
                let value = if single_known(&value).is_some() {
                    value
                } else {
                    vec![Val::Unknown]
                };
                st.set_var(&format!("{what}:{name}"), value);
            }
        }
        Ok(())
    }

    /// Text that becomes code run later (`[scriptblock]::Create`, a function body set
    /// from a string): analysed like a block; text only known at run time may be any
    /// code at all.
    fn code(&mut self, vals: &[Val], how: &str, st: &mut State) -> Result<(), ShellError> {
        for v in vals {
            match v {
                Val::Known(text) => {
                    let script = Parser::new(text, self.depth + 1).parse()?;
                    self.later(&script, st, Blocks::Later)?;
                }
                _ => {
                    self.push_partial(None, "", "", how);
                    st.clobber();
                }
            }
        }
        Ok(())
    }

    fn location(&mut self, name: &str, args: &Args, input: Option<&[Val]>, st: &mut State) {
        if args.has("stackname") {
            st.stack = None;
            if name == "pop-location" {
                st.loc = None;
                return;
            }
        }
        if name == "pop-location" {
            st.loc = match &mut st.stack {
                Some(s) => s.pop().flatten(),
                None => None,
            };
            return;
        }
        let target: Vec<Val> = sources(args, input, "path")
            .into_iter()
            .map(|(v, _)| v)
            .collect();
        if name == "push-location" {
            if let Some(s) = &mut st.stack {
                s.push(st.loc.clone());
            }
            if target.is_empty() {
                return;
            }
        }
        // A wildcard resolves to whatever matches.
        st.loc = single_known(&target)
            .filter(|t| !t.contains(['*', '?', '[']))
            .and_then(|t| self.resolve_dir(t, st));
    }

    /// A directory named by `text` (a location argument), absolute and normalized.
    fn resolve_dir(&self, text: &str, st: &State) -> Option<PathBuf> {
        if text == "-" || text == "+" {
            return None;
        }
        let fs = match classify(text) {
            None => text.replace('\\', "/"),
            Some(Provider::File(f)) => f,
            Some(_) => return None,
        };
        let home = self.ctx.home.as_deref();
        let p = if fs.starts_with('/') || fs == "~" || fs.starts_with("~/") {
            paths::join(Path::new("/"), &fs, home)
        } else {
            paths::join(st.loc.as_ref()?, &fs, home)
        };
        Some(paths::normalize(&p))
    }

    /// A path value made absolute against the location, for output down a pipeline.
    fn absolute(&self, v: &Val, st: &State) -> Val {
        match v {
            Val::Known(s) => match self.resolve_dir(s, st) {
                Some(p) if !s.contains(['*', '?', '[']) => {
                    Val::Known(p.to_string_lossy().into_owned())
                }
                _ => match st.loc.as_ref().filter(|_| !s.starts_with(['/', '~'])) {
                    Some(l) => Val::Partial(
                        format!("{}/", l.to_string_lossy().trim_end_matches('/')),
                        String::new(),
                    ),
                    None => Val::Unknown,
                },
            },
            _ => Val::Unknown,
        }
    }

    fn start_process(&mut self, how: &str, args: &Args, st: &mut State) -> Result<(), ShellError> {
        for p in ["redirectstandardoutput", "redirectstandarderror"] {
            let v = args.get(p);
            self.write_all(&v, st, How::new(how, false, Kind::Literal));
        }
        let file = args.get("filepath");
        let mut argv: Vec<Val> = Vec::new();
        for v in args.get("argumentlist") {
            match v {
                Val::Known(s) => argv.extend(split_words(&s).into_iter().map(Val::Known)),
                other => argv.push(other),
            }
        }
        let Some(program) = single_known(&file).map(str::to_owned) else {
            self.write_all(&argv, st, How::new(how, true, Kind::Native));
            self.push_partial(None, "", "", how);
            return Ok(());
        };
        let mut child = st.clone();
        if let Some(wd) = single_known(&args.get("workingdirectory")) {
            child.loc = self.resolve_dir(wd, st);
        } else if args.has("workingdirectory") {
            child.loc = None;
        }
        // The program runs as if called directly with these arguments.
        let cmd = Command {
            invoke: Invoke::Call,
            name: Expr::Lit(program.clone()),
            args: argv
                .iter()
                .map(|v| {
                    Arg::Value(match v {
                        Val::Known(s) => Expr::Lit(s.clone()),
                        // Any expression whose value is unknown will do.
                        _ => Expr::Splat,
                    })
                })
                .collect(),
            redirs: Vec::new(),
        };
        let lower = program.to_lowercase().replace('\\', "/");
        if lower.ends_with(".ps1") {
            self.script_file(how, &program, &cmd, None, &mut child)?;
        } else {
            self.external(&program, &lower, &cmd, None, &mut child)?;
        }
        Ok(())
    }

    // ----- unknown and native commands -----

    /// A command the analysis does not know: a native program, a function, a cmdlet from
    /// a module. Every literal argument may be a path it writes.
    fn external(
        &mut self,
        written: &str,
        lower: &str,
        cmd: &Command,
        input: Option<&[Val]>,
        st: &mut State,
    ) -> Result<Vec<Val>, ShellError> {
        let args = self.evaluate(None, cmd, input, Blocks::Elsewhere, st)?;
        let base = lower.rsplit('/').next().unwrap_or(lower);
        let base = base.strip_suffix(".exe").unwrap_or(base);
        match base {
            // Code from a module or an assembly may give any command a new meaning.
            "import-module" | "ipmo" | "add-type" => st.shadowed = true,
            "pwsh" | "powershell" | "pwsh-preview"
                if self.pwsh(written, base, &args, input, st)? =>
            {
                return Ok(vec![Val::Unknown]);
            }
            "cmd" => self.cmd_exe(written, &args, st),
            _ => {}
        }
        self.unknown_args(written, &args, input, st, false);
        if !lower.is_empty() {
            self.bash(written, &args, st);
        }
        Ok(vec![Val::Unknown])
    }

    /// The generic rule for a command the analysis cannot follow: each literal argument
    /// is a path it may write, all the way down; a value only known when it runs may be
    /// any path.
    fn unknown_args(
        &mut self,
        how: &str,
        args: &Args,
        input: Option<&[Val]>,
        st: &mut State,
        dynamic: bool,
    ) {
        let mut dynamic = dynamic;
        let h = How::new(how, true, Kind::Native);
        for a in &args.native {
            let vals = match a {
                Native::Raw(r) => {
                    // A program's `-oroles` is an option letter and its value (a cmdlet's
                    // `Verb-Noun` name says its parameters are names).
                    let rest: String = r.chars().skip(2).collect();
                    if !how.contains('-') && !rest.is_empty() && !r.ends_with(':') {
                        self.write(&Val::Known(rest), st, h);
                    }
                    continue;
                }
                Native::Joined(_, v) | Native::Vals(v) => v,
            };
            for v in vals {
                match v {
                    Val::Known(s) => {
                        self.write(v, st, h);
                        // `--output=roles/a.md`, `/log:roles/a.md`: the value after `=` or
                        // `:` may be the path.
                        if let Some((_, after)) = s.split_once(['=', ':'])
                            && !after.is_empty()
                        {
                            self.write(&Val::Known(after.to_owned()), st, h);
                        }
                    }
                    _ => dynamic = true,
                }
            }
        }
        for v in input.unwrap_or_default() {
            if matches!(v, Val::Known(_)) {
                self.write(v, st, How::new(how, true, Kind::Native));
            }
        }
        if dynamic {
            self.push_partial(None, "", "", how);
        }
    }

    /// What the bash analysis finds in the same command run as a native program. `false`
    /// when it could not be asked.
    fn bash(&mut self, written: &str, args: &Args, st: &State) -> bool {
        if st.loc.is_none() {
            return false;
        }
        self.bash_calls += 1;
        if self.bash_calls > MAX_BASH {
            return false;
        }
        let mut text = quote(written);
        for a in &args.native {
            text.push(' ');
            match a {
                Native::Raw(r) => text.push_str(&quote(r)),
                Native::Joined(r, v) => match single_known(v) {
                    Some(s) => text.push_str(&quote(&format!("{r}{s}"))),
                    None => {
                        text.push_str(&quote(r));
                        text.push_str(&format!("\"${DYNAMIC_VAR}\""));
                    }
                },
                Native::Vals(vs) => {
                    let words: Vec<String> = vs.iter().map(render_for_bash).collect();
                    text.push_str(&words.join(" "));
                }
            }
        }
        self.bash_script(&text, st)
    }

    /// What the bash analysis finds in `text`, run where the script stands, with the
    /// environment the script set. `false` when it could not be asked.
    fn bash_script(&mut self, text: &str, st: &State) -> bool {
        let Some(cwd) = st.loc.clone() else {
            return false;
        };
        // The environment the script set: a value it does not know is unset for bash,
        // which the bash analysis treats as unknown.
        let set: HashMap<String, Option<String>> = st
            .env
            .iter()
            .map(|(k, v)| (k.clone(), single_known(v).map(str::to_owned)))
            .collect();
        let opaque = st.opaque;
        let outer = self.ctx.env;
        let env = move |k: &str| -> Option<String> {
            if k == DYNAMIC_VAR || opaque {
                return None;
            }
            match set.get(k) {
                Some(v) => v.clone(),
                None => outer(k),
            }
        };
        let ctx = Context {
            cwd,
            home: self.ctx.home.clone(),
            env: &env,
            relevant: self.ctx.relevant,
        };
        match shell::analyze(text, &ctx) {
            Ok(ws) => {
                // The bash analysis of a program it has no model of repeats what this
                // walk records for an unknown native command.
                for w in ws {
                    if !self
                        .writes
                        .iter()
                        .any(|o| o.target == w.target && o.recursive == w.recursive)
                    {
                        self.writes.push(w);
                    }
                }
                true
            }
            Err(_) => false,
        }
    }

    /// `cmd /c "…"`: cmd's own grammar is not analysed; every word of the command line is
    /// a path it may write.
    fn cmd_exe(&mut self, written: &str, args: &Args, st: &mut State) {
        let mut seen_c = false;
        let how = format!("{written} /c");
        for a in &args.native {
            let vals = match a {
                Native::Raw(r) => vec![Val::Known(r.clone())],
                Native::Joined(r, v) => {
                    let mut x = vec![Val::Known(r.clone())];
                    x.extend(v.iter().cloned());
                    x
                }
                Native::Vals(v) => v.clone(),
            };
            for v in vals {
                match v {
                    Val::Known(s) if !seen_c => {
                        seen_c = matches!(s.to_lowercase().as_str(), "/c" | "/k" | "/r");
                    }
                    Val::Known(s) => {
                        if s.contains('%') {
                            self.push_partial(None, "", "", &how);
                        }
                        for w in s.split(|c: char| c.is_whitespace() || "&|<>()\"^".contains(c)) {
                            if !w.is_empty() {
                                self.write(
                                    &Val::Known(w.to_owned()),
                                    st,
                                    How::new(&how, true, Kind::Native),
                                );
                            }
                        }
                    }
                    _ => self.push_partial(None, "", "", &how),
                }
            }
        }
    }

    /// `pwsh` / `powershell` with its command line: the code it runs is analysed as a new
    /// process in the current location. `false` when the command line is not understood.
    fn pwsh(
        &mut self,
        written: &str,
        base: &str,
        args: &Args,
        input: Option<&[Val]>,
        st: &mut State,
    ) -> Result<bool, ShellError> {
        let mut toks: Vec<Option<String>> = Vec::new();
        for a in &args.native {
            match a {
                Native::Raw(r) => toks.push(Some(r.clone())),
                Native::Joined(r, v) => {
                    toks.push(Some(r.trim_end_matches(':').to_owned()));
                    toks.extend(v.iter().map(|v| v.known().map(str::to_owned)));
                }
                Native::Vals(v) => toks.extend(v.iter().map(|v| v.known().map(str::to_owned))),
            }
        }
        let mut wd = st.loc.clone();
        let mut i = 0;
        let stdin =
            |w: &mut Self, wd: &Option<PathBuf>, st: &mut State| -> Result<bool, ShellError> {
                for v in input.unwrap_or_default() {
                    match v {
                        Val::Known(t) => w.child(t, wd.clone(), st)?,
                        _ => w.push_partial(None, "", "", written),
                    }
                }
                Ok(true)
            };
        while i < toks.len() {
            let Some(t) = toks[i].clone() else {
                return Ok(false);
            };
            let rest = || toks[i + 1..].to_vec();
            let Some(opt) = t
                .strip_prefix(parse::is_dash)
                .map(|o| o.trim_start_matches(parse::is_dash).to_lowercase())
            else {
                // The first plain argument: a script file for pwsh, code for powershell.
                let rest: Vec<Option<String>> = toks[i..].to_vec();
                return if base == "powershell" {
                    self.pwsh_command(written, &rest, wd, st)
                } else {
                    self.pwsh_file(written, &t, wd, st)
                };
            };
            let is = |full: &str, short: &[&str]| {
                short.contains(&opt.as_str()) || (opt.len() >= 2 && full.starts_with(&opt))
            };
            if is("command", &["c"]) {
                let rest = rest();
                if rest.first() == Some(&Some("-".to_owned())) {
                    return stdin(self, &wd, st);
                }
                return self.pwsh_command(written, &rest, wd, st);
            }
            if is("commandwithargs", &["cwa"]) {
                let rest = rest();
                return self.pwsh_command(written, &rest[..rest.len().min(1)], wd, st);
            }
            if is("encodedcommand", &["e", "ec"]) {
                let Some(Some(code)) = toks.get(i + 1) else {
                    return Ok(false);
                };
                return match decode_utf16_base64(code) {
                    Some(text) => {
                        self.child(&text, wd, st)?;
                        Ok(true)
                    }
                    None => Ok(false),
                };
            }
            if is("file", &["f"]) {
                return match toks.get(i + 1) {
                    Some(Some(f)) if f == "-" => stdin(self, &wd, st),
                    Some(Some(f)) => {
                        let f = f.clone();
                        self.pwsh_file(written, &f, wd, st)
                    }
                    _ => Ok(false),
                };
            }
            if is("workingdirectory", &["wd", "wo"]) {
                wd = match toks.get(i + 1) {
                    Some(Some(d)) => self.resolve_dir(d, st),
                    _ => None,
                };
                i += 2;
                continue;
            }
            let valued = [
                ("executionpolicy", &["ex", "ep"][..]),
                ("inputformat", &["inp", "if"]),
                ("outputformat", &["o", "of"]),
                ("windowstyle", &["w"]),
                ("settingsfile", &["settings"]),
                ("configurationname", &["config"]),
                ("configurationfile", &[]),
                ("custompipename", &[]),
            ];
            let switches = [
                ("noprofile", &["nop"][..]),
                ("noninteractive", &["noni"]),
                ("nologo", &["nol"]),
                ("noexit", &["noe"]),
                ("login", &["l"]),
                ("mta", &[]),
                ("sta", &[]),
                ("interactive", &["i"]),
                ("noprofileloadtime", &[]),
                ("version", &["v"]),
            ];
            if valued.iter().any(|(f, s)| is(f, s)) {
                i += 2;
            } else if switches.iter().any(|(f, s)| is(f, s)) {
                i += 1;
            } else {
                return Ok(false);
            }
        }
        // No code on the command line: it reads commands from its input.
        if input.is_some() {
            return stdin(self, &wd, st);
        }
        Ok(true)
    }

    fn pwsh_command(
        &mut self,
        written: &str,
        words: &[Option<String>],
        wd: Option<PathBuf>,
        st: &mut State,
    ) -> Result<bool, ShellError> {
        if words.iter().any(Option::is_none) {
            self.push_partial(None, "", "", written);
        }
        let text: Vec<String> = words.iter().flatten().cloned().collect();
        self.child(&text.join(" "), wd, st)?;
        Ok(true)
    }

    fn pwsh_file(
        &mut self,
        written: &str,
        file: &str,
        wd: Option<PathBuf>,
        st: &mut State,
    ) -> Result<bool, ShellError> {
        let mut child = self.process_state(wd, st);
        // `-File` names a path, not a command looked up on PATH.
        let file = if file.contains(['/', '\\']) {
            file.to_owned()
        } else {
            format!("./{file}")
        };
        let cmd = Command {
            invoke: Invoke::Plain,
            name: Expr::Lit(file.clone()),
            args: Vec::new(),
            redirs: Vec::new(),
        };
        self.script_file(written, &file, &cmd, None, &mut child)?;
        Ok(true)
    }

    /// The state of a new PowerShell process started from `st` in `wd`.
    fn process_state(&self, wd: Option<PathBuf>, st: &State) -> State {
        State {
            env: st.env.clone(),
            loc: wd.clone(),
            stack: Some(Vec::new()),
            proc_cwd: wd,
            ..State::default()
        }
    }

    /// Code run by a new PowerShell process in `wd`.
    fn child(&mut self, text: &str, wd: Option<PathBuf>, st: &State) -> Result<(), ShellError> {
        let mut child = self.process_state(wd, st);
        self.nested(text, &mut child)
    }

    /// Code run in this scope (`Invoke-Expression`).
    fn inline(&mut self, text: &str, st: &mut State) -> Result<(), ShellError> {
        self.nested(text, st)
    }

    fn nested(&mut self, text: &str, st: &mut State) -> Result<(), ShellError> {
        self.depth += 1;
        if self.depth > parse::MAX_DEPTH {
            self.depth -= 1;
            return Err(ShellError::TooComplex(
                "it nests code in strings too deep".into(),
            ));
        }
        let r = self.top(text, st);
        self.depth -= 1;
        r
    }

    /// A `.ps1` script run by path: its code is read and analysed when it can be; a
    /// script that cannot be read may do anything.
    fn script_file(
        &mut self,
        written: &str,
        path: &str,
        cmd: &Command,
        input: Option<&[Val]>,
        st: &mut State,
    ) -> Result<Vec<Val>, ShellError> {
        let args = self.evaluate(None, cmd, input, Blocks::Elsewhere, st)?;
        self.unknown_args(written, &args, input, st, false);
        let text = path.replace('\\', "/");
        let home = self.ctx.home.as_deref();
        let file = if text.starts_with('/') || text.starts_with("~/") {
            Some(paths::join(Path::new("/"), &text, home))
        } else if text.contains('/') {
            st.loc.as_ref().map(|l| paths::join(l, &text, home))
        } else {
            // A bare `x.ps1` is looked up on PATH, not in the current directory.
            None
        };
        let code = file
            .map(|f| paths::normalize(&f))
            .filter(|f| !self.written.contains(f))
            .and_then(|f| read_script(&f));
        let Some(code) = code else {
            self.push_partial(None, "", "", written);
            st.clobber();
            return Ok(vec![Val::Unknown]);
        };
        self.files += 1;
        if self.files > MAX_FILES {
            return Err(ShellError::TooComplex(format!(
                "it runs more than {MAX_FILES} script files"
            )));
        }
        if cmd.invoke == Invoke::Dot {
            self.nested(&code, st)?;
        } else {
            let mut child = st.clone();
            child.set_var("args", vec![Val::Unknown]);
            self.nested(&code, &mut child)?;
            // The location is the session's, whatever scope moved it.
            let (loc, stack, cwd) = (
                child.loc.clone(),
                child.stack.clone(),
                child.proc_cwd.clone(),
            );
            st.join(&child);
            (st.loc, st.stack, st.proc_cwd) = (loc, stack, cwd);
        }
        Ok(vec![Val::Unknown])
    }

    // ----- expressions -----

    fn eval(&mut self, e: &Expr, st: &mut State) -> Result<Vec<Val>, ShellError> {
        Ok(match e {
            Expr::Lit(s) => vec![Val::Known(s.clone())],
            Expr::Bare(parts) | Expr::Quoted(parts) => vec![self.expand(parts, st)?],
            Expr::Var(n) => self.var(n, st),
            Expr::Splat => vec![Val::Unknown],
            Expr::Sub(s) | Expr::Paren(s) => self.script(s, st)?,
            Expr::Hash(entries) => {
                for (k, v) in entries {
                    self.eval(k, st)?;
                    self.stmt(v, st)?;
                }
                Vec::new()
            }
            Expr::Block(b) => {
                self.later(b, st, Blocks::Later)?;
                vec![Val::Unknown]
            }
            Expr::Type { args, .. } => {
                for a in args {
                    self.eval(a, st)?;
                }
                vec![Val::Unknown]
            }
            Expr::Array(items) => {
                let mut out = Vec::new();
                for i in items {
                    out.extend(self.eval(i, st)?);
                }
                out
            }
            Expr::Ops(items) => {
                for i in items {
                    self.eval(i, st)?;
                }
                vec![Val::Unknown]
            }
            Expr::Unary { ops, operand } => {
                let v = self.eval(operand, st)?;
                if ops
                    .iter()
                    .any(|o| matches!(o.as_str(), "++" | "--" | "[ref]"))
                {
                    self.assign(operand, "+=", vec![Val::Unknown], st)?;
                }
                // Casts and the array operator keep the values.
                if ops
                    .iter()
                    .all(|o| (o.starts_with('[') && o != "[ref]") || o == ",")
                {
                    v
                } else {
                    vec![Val::Unknown]
                }
            }
            Expr::Post { base, ops } => self.post(base, ops, st)?,
        })
    }

    fn var(&self, name: &str, st: &State) -> Vec<Val> {
        if let Some(e) = env_name(name) {
            if let Some(v) = st.env.get(e) {
                return v.clone();
            }
            if st.opaque || st.env.keys().any(|k| k.eq_ignore_ascii_case(e)) {
                return vec![Val::Unknown];
            }
            return match (self.ctx.env)(e) {
                Some(v) => vec![Val::Known(v)],
                None => vec![Val::Unknown],
            };
        }
        let lower = name.to_lowercase();
        let bare = strip_scope(&lower);
        if let Some(v) = st.vars.get(bare) {
            return v.clone();
        }
        match bare {
            "null" => Vec::new(),
            "true" => vec![Val::Known("True".into())],
            "false" => vec![Val::Known("False".into())],
            "home" => match &self.ctx.home {
                Some(h) => vec![Val::Known(h.to_string_lossy().into_owned())],
                None => vec![Val::Unknown],
            },
            "pwd" => match &st.loc {
                Some(l) => vec![Val::Known(l.to_string_lossy().into_owned())],
                None => vec![Val::Unknown],
            },
            _ => vec![Val::Unknown],
        }
    }

    /// The value of an expandable string or bareword.
    fn expand(&mut self, parts: &[Part], st: &mut State) -> Result<Val, ShellError> {
        let mut pieces = Vec::with_capacity(parts.len());
        for p in parts {
            pieces.push(match p {
                Part::Lit(s) => Val::Known(s.clone()),
                Part::Var(n) => match self.var(n, st).as_slice() {
                    [] => Val::Known(String::new()),
                    [v] => v.clone(),
                    _ => Val::Unknown,
                },
                Part::Sub(s) => match self.script(s, st)?.as_slice() {
                    [] => Val::Known(String::new()),
                    [v] => v.clone(),
                    _ => Val::Unknown,
                },
            });
        }
        Ok(concat(&pieces))
    }

    fn post(
        &mut self,
        base: &Expr,
        ops: &[PostOp],
        st: &mut State,
    ) -> Result<Vec<Val>, ShellError> {
        enum Recv {
            Type(String),
            Vals(Vec<Val>),
        }
        let mut recv = match base {
            Expr::Type { name, args } => {
                for a in args {
                    self.eval(a, st)?;
                }
                Recv::Type(name.clone())
            }
            b => Recv::Vals(self.eval(b, st)?),
        };
        for op in ops {
            recv = match op {
                PostOp::Index(i) => {
                    self.eval(i, st)?;
                    Recv::Vals(vec![Val::Unknown])
                }
                PostOp::Step => {
                    if let Expr::Var(n) = base {
                        st.set_var(n, vec![Val::Unknown]);
                    }
                    Recv::Vals(vec![Val::Unknown])
                }
                PostOp::Member { name, call, .. } => {
                    let m = match name {
                        Expr::Lit(s) => Some(s.clone()),
                        other => {
                            let v = self.eval(other, st)?;
                            single_known(&v).map(str::to_owned)
                        }
                    };
                    match call {
                        None => match &recv {
                            Recv::Vals(v)
                                if m.as_deref()
                                    .is_some_and(|m| is_path_property(&m.to_lowercase())) =>
                            {
                                Recv::Vals(v.clone())
                            }
                            _ => Recv::Vals(vec![Val::Unknown]),
                        },
                        Some(args) => {
                            let lower = m.as_deref().map(str::to_lowercase);
                            let items = match &recv {
                                Recv::Vals(v) => v.clone(),
                                Recv::Type(_) => vec![Val::Unknown],
                            };
                            let mut argv = Vec::with_capacity(args.len());
                            for a in args {
                                argv.push(match a {
                                    Expr::Block(b)
                                        if matches!(
                                            lower.as_deref(),
                                            Some("foreach" | "where")
                                        ) =>
                                    {
                                        self.each_input(b, st, items.clone())?;
                                        Vec::new()
                                    }
                                    a => self.eval(a, st)?,
                                });
                            }
                            let shown = m.as_deref().unwrap_or("…");
                            Recv::Vals(match &recv {
                                Recv::Type(t) => {
                                    let how = format!("[{t}]::{shown}");
                                    self.static_call(t, lower.as_deref(), &argv, &how, st)?
                                }
                                Recv::Vals(v) => {
                                    let how = format!(".{shown}()");
                                    self.instance_call(v, lower.as_deref(), &argv, &how, st)?;
                                    vec![Val::Unknown]
                                }
                            })
                        }
                    }
                }
            };
        }
        Ok(match recv {
            Recv::Vals(v) => v,
            Recv::Type(_) => vec![Val::Unknown],
        })
    }

    /// `[Type]::Method(args)`.
    fn static_call(
        &mut self,
        ty: &str,
        m: Option<&str>,
        argv: &[Vec<Val>],
        how: &str,
        st: &mut State,
    ) -> Result<Vec<Val>, ShellError> {
        let ty = normalize_type(ty);
        let h = How::new(how, true, Kind::Dotnet);
        let Some(m) = m else {
            self.write_args(argv, None, st, h);
            self.push_partial(None, "", "", how);
            return Ok(vec![Val::Unknown]);
        };
        if st.shadowed && !ty.starts_with("io.") && ty != "environment" {
            // A type the command may have defined itself (`Add-Type`): any code at all.
            self.write_args(argv, None, st, h);
            self.push_partial(None, "", "", how);
            return Ok(vec![Val::Unknown]);
        }
        if m == "create" && (ty == "scriptblock" || ty.ends_with("automation.scriptblock")) {
            let first = argv.first().cloned().unwrap_or_default();
            self.code(&first, how, st)?;
            return Ok(vec![Val::Unknown]);
        }
        if ty == "reflection.assembly" {
            // Code loaded from an assembly may define any type.
            st.shadowed = true;
        }
        if ty == "environment" && m == "setenvironmentvariable" {
            if let Some(n) = argv.first().and_then(|v| single_known(v)) {
                let v = argv.get(1).cloned().unwrap_or_default();
                let v = if single_known(&v).is_some() {
                    v
                } else {
                    vec![Val::Unknown]
                };
                st.env.insert(n.to_owned(), v);
            } else {
                st.env.clear();
                st.opaque = true;
            }
            return Ok(vec![Val::Unknown]);
        }
        if ty.ends_with("diagnostics.process") && m == "start" {
            // `[Diagnostics.Process]::Start(file, "args")`: the program runs with its
            // argument string split the Windows way (double quotes group words).
            let file = argv.first().and_then(|v| single_known(v));
            let line = match argv.get(1) {
                None => Some(""),
                Some(v) => single_known(v),
            };
            let analysed = match (file, line, argv.len() <= 2) {
                (Some(f), Some(l), true) => {
                    let mut text = quote(f);
                    for w in windows_words(l) {
                        text.push(' ');
                        text.push_str(&quote(&w));
                    }
                    self.bash_calls += 1;
                    self.bash_calls <= MAX_BASH && self.bash_script(&text, st)
                }
                _ => false,
            };
            if !analysed {
                self.write_args(argv, None, st, h);
                self.push_partial(None, "", "", how);
            }
            return Ok(vec![Val::Unknown]);
        }
        if ty == "io.directory" && m == "setcurrentdirectory" {
            st.proc_cwd = argv
                .first()
                .and_then(|v| single_known(v))
                .and_then(|d| self.resolve_dir(d, st));
            return Ok(vec![Val::Unknown]);
        }
        if m == "new" {
            if !readonly_type(&ty) {
                self.write_args(argv, None, st, h);
            }
            return Ok(vec![Val::Unknown]);
        }
        if ty == "io.path" && matches!(m, "combine" | "join") {
            let parts: Option<Vec<&str>> = argv.iter().map(|v| single_known(v)).collect();
            return Ok(match parts {
                Some(p) if !p.is_empty() => vec![Val::Known(p.join("/"))],
                _ => vec![Val::Unknown],
            });
        }
        if readonly_method(m) {
            return Ok(vec![Val::Unknown]);
        }
        let positions: Option<&[usize]> = if m.starts_with("write") || m.starts_with("append") {
            Some(&[0])
        } else if matches!(m, "extracttodirectory" | "createfromdirectory") {
            Some(&[0, 1])
        } else if matches!(m, "move" | "copy" | "replace") {
            Some(&[0, 1, 2])
        } else if m == "delete"
            || ["create", "open", "set", "encrypt", "decrypt"]
                .iter()
                .any(|p| m.starts_with(p))
        {
            Some(&[0])
        } else {
            None
        };
        let h = if m == "delete" { h.nofollow() } else { h };
        let h = if m.starts_with("write") || m.starts_with("append") {
            How {
                recursive: false,
                ..h
            }
        } else {
            h
        };
        self.write_args(argv, positions, st, h);
        Ok(vec![Val::Unknown])
    }

    /// `$object.Method(args)` on values `recv`.
    fn instance_call(
        &mut self,
        recv: &[Val],
        m: Option<&str>,
        argv: &[Vec<Val>],
        how: &str,
        st: &mut State,
    ) -> Result<(), ShellError> {
        let h = How::new(how, true, Kind::Dotnet);
        let Some(m) = m else {
            self.write_receiver(recv, st, h);
            self.write_args(argv, None, st, h);
            return Ok(());
        };
        let first = argv.first().cloned().unwrap_or_default();
        match m {
            // PowerShell's own API runs text as code.
            "invokescript" | "newscriptblock" | "addscript" => return self.code(&first, how, st),
            "expandstring" => {
                // Subexpressions in the text run: read it as a here-string.
                let text: Vec<Val> = first
                    .iter()
                    .map(|v| match v {
                        Val::Known(t) => Val::Known(format!("$null = @\"\n{t}\n\"@")),
                        other => other.clone(),
                    })
                    .collect();
                return self.code(&text, how, st);
            }
            "addcommand" | "addargument" | "addparameter" | "addparameters" | "addstatement" => {
                self.write_args(argv, None, st, h);
                return Ok(());
            }
            "replace" => {
                // `String.Replace` or `FileInfo.Replace`: only what is known can be told.
                for v in recv.iter().chain(argv.iter().flatten()) {
                    if !matches!(v, Val::Unknown) {
                        self.write(v, st, h.nofollow());
                    }
                }
                return Ok(());
            }
            _ => {}
        }
        if writes_receiver(m) {
            let h2 = if m == "delete" { h.nofollow() } else { h };
            if m == "createsubdirectory" {
                for r in recv {
                    for a in argv.first().into_iter().flatten() {
                        let t = join_val(r, a);
                        self.write_all(&[t], st, h2);
                    }
                }
            } else {
                self.write_receiver(recv, st, h2);
            }
        }
        if let Some(pos) = arg_writer(m) {
            self.write_args(argv, Some(pos), st, h);
        }
        if writes_receiver(m) || arg_writer(m).is_some() || instance_readonly(m) {
            return Ok(());
        }
        self.write_receiver(recv, st, h);
        self.write_args(argv, None, st, h);
        Ok(())
    }

    fn write_receiver(&mut self, recv: &[Val], st: &mut State, h: How<'_>) {
        if recv.is_empty() {
            self.push_partial(None, "", "", h.how);
        }
        self.write_all(recv, st, h);
    }

    /// Writes the arguments at `positions` (all when `None`); an unknown one may be any
    /// path.
    fn write_args(
        &mut self,
        argv: &[Vec<Val>],
        positions: Option<&[usize]>,
        st: &mut State,
        h: How<'_>,
    ) {
        for (i, a) in argv.iter().enumerate() {
            if positions.is_none_or(|p| p.contains(&i)) {
                self.write_all(a, st, h);
            }
        }
    }

    // ----- writes -----

    fn write_all(&mut self, vals: &[Val], st: &mut State, h: How<'_>) {
        for v in vals {
            self.write(v, st, h);
        }
    }

    fn push_partial(&mut self, dir: Option<PathBuf>, name_prefix: &str, suffix: &str, how: &str) {
        self.writes.push(Write {
            target: Target::Partial {
                dir,
                name_prefix: name_prefix.to_owned(),
                suffix: suffix.to_owned(),
            },
            recursive: true,
            how: how.to_owned(),
            follow: true,
        });
    }

    fn write(&mut self, v: &Val, st: &mut State, h: How<'_>) {
        match v {
            Val::Unknown => self.push_partial(None, "", "", h.how),
            Val::Partial(prefix, suffix) => {
                let prefix = prefix.replace('\\', "/");
                let suffix = suffix.replace('\\', "/");
                let (dir, name) = match prefix.rfind('/') {
                    Some(i) => (&prefix[..=i], &prefix[i + 1..]),
                    None => ("", prefix.as_str()),
                };
                let home = self.ctx.home.as_deref();
                let dir = if dir.starts_with('/') || dir.starts_with("~/") {
                    Some(paths::join(Path::new("/"), dir, home))
                } else if prefix.is_empty() {
                    // The unknown part starts the path: it may be absolute.
                    None
                } else {
                    self.bases(st, h.kind)
                        .first()
                        .cloned()
                        .flatten()
                        .map(|b| b.join(dir))
                };
                self.writes.push(Write {
                    target: Target::Partial {
                        dir,
                        name_prefix: name.to_owned(),
                        suffix,
                    },
                    recursive: true,
                    how: h.how.to_owned(),
                    follow: h.follow,
                });
            }
            Val::Known(s) => self.write_text(s, st, h),
        }
    }

    /// The directories a relative path may be relative to.
    fn bases(&self, st: &State, kind: Kind) -> Vec<Option<PathBuf>> {
        match kind {
            Kind::Dotnet if st.proc_cwd != st.loc => vec![st.proc_cwd.clone(), st.loc.clone()],
            Kind::Dotnet => vec![st.proc_cwd.clone()],
            _ => vec![st.loc.clone()],
        }
    }

    fn write_text(&mut self, s: &str, st: &mut State, h: How<'_>) {
        if s.is_empty() {
            return;
        }
        let fs = match h.kind {
            Kind::Provider | Kind::Literal => match classify(s) {
                None => s.replace('\\', "/"),
                Some(Provider::File(f)) => f,
                Some(Provider::State(what, name)) => {
                    st.set_var(&format!("{what}:{name}"), vec![Val::Unknown]);
                    return;
                }
                Some(Provider::Other) => return,
                Some(Provider::Unknown) => {
                    self.push_partial(None, "", "", h.how);
                    return;
                }
            },
            Kind::Native | Kind::Dotnet => s.replace('\\', "/"),
        };
        let home = self.ctx.home.as_deref();
        let wildcard = match h.kind {
            Kind::Provider => fs.find(['*', '?', '[', '`']),
            Kind::Native => fs.find(['*', '?', '[']),
            Kind::Literal | Kind::Dotnet => None,
        };
        let absolute = fs.starts_with('/') || fs == "~" || fs.starts_with("~/");
        for base in self.bases(st, h.kind) {
            let base = if absolute {
                Some(PathBuf::from("/"))
            } else {
                base
            };
            let Some(base) = base else {
                self.writes.push(Write {
                    target: Target::Partial {
                        dir: None,
                        name_prefix: String::new(),
                        suffix: fs.clone(),
                    },
                    recursive: true,
                    how: h.how.to_owned(),
                    follow: h.follow,
                });
                continue;
            };
            if let Some(i) = wildcard {
                let lit = &fs[..i];
                let (dir, name) = match lit.rfind('/') {
                    Some(j) => (&lit[..=j], &lit[j + 1..]),
                    None => ("", lit),
                };
                let dir_abs = paths::normalize(&paths::join(
                    &base,
                    if dir.is_empty() { "." } else { dir },
                    home,
                ));
                // PowerShell expands a native program's wildcard argument itself (on Linux
                // and macOS), from what exists when it runs.
                if h.kind == Kind::Native
                    && !fs[i..].contains('/')
                    && let Some(found) = self.expand_glob(&dir_abs, &fs[dir.len()..])
                {
                    if found.is_empty() {
                        // Nothing matches: the program gets the pattern as written.
                        self.write_path(paths::join(&base, &fs, home), h);
                    }
                    for p in found {
                        self.write_path(p, h);
                    }
                    continue;
                }
                // Whatever the pattern matches lies beneath its literal directory.
                self.writes.push(Write {
                    target: Target::Partial {
                        dir: Some(dir_abs),
                        name_prefix: name.to_owned(),
                        suffix: String::new(),
                    },
                    recursive: true,
                    how: h.how.to_owned(),
                    follow: h.follow,
                });
                continue;
            }
            self.write_path(paths::join(&base, &fs, home), h);
        }
    }

    /// What a wildcard name pattern matches in `dir`: its entries, and the paths written
    /// earlier in the command. `None` when there are too many to list.
    fn expand_glob(&mut self, dir: &Path, pattern: &str) -> Option<Vec<PathBuf>> {
        let glob = globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .ok()?
            .compile_matcher();
        let mut out = Vec::new();
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                self.glob_entries += 1;
                if self.glob_entries > MAX_GLOB_ENTRIES {
                    return None;
                }
                let name = e.file_name();
                if glob.is_match(&name) {
                    out.push(dir.join(name));
                }
            }
        }
        for w in &self.written {
            if w.parent() == Some(dir) && w.file_name().is_some_and(|n| glob.is_match(n)) {
                out.push(w.clone());
            }
        }
        out.sort();
        out.dedup();
        Some(out)
    }

    /// Records a write of the absolute path `p` (and through any symlink the command
    /// made earlier).
    fn write_path(&mut self, p: PathBuf, h: How<'_>) {
        let lexical = paths::normalize(&p);
        // A symlink made earlier in this same command is not on disk yet: follow it.
        let through = shell::through_links(&self.links, &lexical);
        for t in through {
            self.writes.push(Write {
                target: Target::Path(t),
                recursive: h.recursive,
                how: format!("{} (through a symlink made earlier in the command)", h.how),
                follow: h.follow,
            });
        }
        self.written.push(lexical);
        self.writes.push(Write {
            target: Target::Path(p),
            recursive: h.recursive,
            how: h.how.to_owned(),
            follow: h.follow,
        });
    }
}

/// How a cmdlet runs the script blocks it is given.
fn blocks_of(spec: &Spec) -> Blocks {
    if cmdlets::runs_blocks(spec.name) {
        Blocks::EachInput
    } else if matches!(
        spec.name,
        "rename-item"
            | "set-content"
            | "add-content"
            | "copy-item"
            | "move-item"
            | "remove-item"
            | "set-itemproperty"
            | "out-file"
            | "export-csv"
    ) {
        Blocks::DelayBind
    } else if matches!(spec.name, "start-process" | "new-object") {
        Blocks::Elsewhere
    } else {
        Blocks::Later
    }
}

fn join_into(acc: &mut Option<State>, s: &State) {
    match acc {
        Some(a) => a.join(s),
        None => *acc = Some(s.clone()),
    }
}

/// The paths a cmdlet acts on: its `path_param` (wildcards apply) and `-LiteralPath`,
/// or, when neither is given, the objects piped into it.
fn sources(args: &Args, input: Option<&[Val]>, path_param: &str) -> Vec<(Val, Kind)> {
    let mut out: Vec<(Val, Kind)> = args
        .get(path_param)
        .into_iter()
        .map(|v| (v, Kind::Provider))
        .collect();
    out.extend(
        args.get("literalpath")
            .into_iter()
            .map(|v| (v, Kind::Literal)),
    );
    if args.uncertain {
        // A parameter was not recognised, so positions may be off: any positional value
        // may be the path.
        out.extend(args.positional.iter().map(|v| (v.clone(), Kind::Provider)));
        out.extend(args.extra.concat().into_iter().map(|v| (v, Kind::Provider)));
    }
    if !args.has(path_param) && !args.has("literalpath") {
        out.extend(
            input
                .unwrap_or_default()
                .iter()
                .map(|v| (v.clone(), Kind::Provider)),
        );
    }
    out
}

/// Where a copy or move with no destination lands: the current location, under the
/// source's name.
fn into_location(src: &Val) -> Val {
    match src {
        Val::Known(s) => {
            let s = s.replace('\\', "/");
            let name = s.trim_end_matches('/').rsplit('/').next().unwrap_or(&s);
            if name.contains(['*', '?', '[']) || name.is_empty() || name == ".." || name == "." {
                Val::Partial(String::from("./"), String::new())
            } else {
                Val::Known(name.to_owned())
            }
        }
        _ => Val::Partial(String::from("./"), String::new()),
    }
}

/// `name` next to `item` (`Rename-Item`'s new name).
fn sibling(item: &Val, name: &Val) -> Val {
    let dir = match item {
        Val::Known(s) => {
            let s = s.replace('\\', "/");
            match s.trim_end_matches('/').rsplit_once('/') {
                Some((d, _)) => Val::Known(format!("{d}/")),
                None => Val::Known(String::new()),
            }
        }
        _ => return Val::Unknown,
    };
    concat(&[dir, name.clone()])
}

fn join_val(dir: &Val, name: &Val) -> Val {
    match dir {
        Val::Known(d) if !d.is_empty() => concat(&[
            Val::Known(format!("{}/", d.trim_end_matches(['/', '\\']))),
            name.clone(),
        ]),
        _ => concat(&[dir.clone(), name.clone()]),
    }
}

/// Values joined end to end: known text around the unknown parts.
fn concat(pieces: &[Val]) -> Val {
    let mut acc = Val::Known(String::new());
    for p in pieces {
        acc = match (acc, p) {
            (Val::Known(a), Val::Known(b)) => Val::Known(a + b),
            (Val::Known(a), Val::Partial(pre, suf)) => Val::Partial(a + pre, suf.clone()),
            (Val::Known(a), Val::Unknown) => Val::Partial(a, String::new()),
            (Val::Partial(pre, suf), Val::Known(b)) => Val::Partial(pre, suf + b),
            (Val::Partial(pre, _), Val::Partial(_, suf)) => Val::Partial(pre, suf.clone()),
            (Val::Partial(pre, _), Val::Unknown) => Val::Partial(pre, String::new()),
            (Val::Unknown, Val::Known(b)) => Val::Partial(String::new(), b.clone()),
            (Val::Unknown, Val::Partial(_, suf)) => Val::Partial(String::new(), suf.clone()),
            (Val::Unknown, Val::Unknown) => Val::Unknown,
        };
    }
    match acc {
        Val::Partial(pre, suf) if pre.is_empty() && suf.is_empty() => Val::Unknown,
        v => v,
    }
}

fn is_path_property(p: &str) -> bool {
    matches!(p, "fullname" | "pspath" | "path" | "providerpath")
}

/// What a provider-qualified or drive-qualified path names.
enum Provider {
    /// A file-system path (prefix removed).
    File(String),
    /// A variable, environment variable, function or alias: (kind, name).
    State(&'static str, String),
    /// The registry, certificates, WSMan: no file.
    Other,
    /// A drive the analysis does not know (a `New-PSDrive`, a Windows drive letter on
    /// Unix): it may be anywhere.
    Unknown,
}

/// `None` for a plain path.
fn classify(s: &str) -> Option<Provider> {
    if let Some((provider, rest)) = s.split_once("::") {
        let provider = provider
            .rsplit('\\')
            .next()
            .unwrap_or(provider)
            .to_lowercase();
        let rest = rest.to_owned();
        return Some(match provider.as_str() {
            "filesystem" => Provider::File(rest.replace('\\', "/")),
            "variable" => Provider::State("variable", trim_root(&rest)),
            "environment" => Provider::State("env", trim_root(&rest)),
            "function" => Provider::State("function", trim_root(&rest)),
            "alias" => Provider::State("alias", trim_root(&rest)),
            "registry" | "certificate" | "wsman" => Provider::Other,
            _ => Provider::Unknown,
        });
    }
    let (drive, rest) = s.split_once(':')?;
    if drive.is_empty() || !drive.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    Some(match drive.to_lowercase().as_str() {
        "variable" => Provider::State("variable", trim_root(rest)),
        "env" => Provider::State("env", trim_root(rest)),
        "function" => Provider::State("function", trim_root(rest)),
        "alias" => Provider::State("alias", trim_root(rest)),
        "hklm" | "hkcu" | "cert" | "wsman" => Provider::Other,
        "temp" => {
            let tmp = std::env::temp_dir();
            Provider::File(format!(
                "{}/{}",
                tmp.to_string_lossy().trim_end_matches('/'),
                trim_root(rest)
            ))
        }
        d if d.len() == 1 && cfg!(windows) => Provider::File(s.replace('\\', "/")),
        _ => Provider::Unknown,
    })
}

fn trim_root(s: &str) -> String {
    s.trim_start_matches(['/', '\\']).to_owned()
}

/// `${C:\path}` as a path: the text after the scope.
fn bare_provider_path(name: &str) -> String {
    let lower = name.to_lowercase();
    let cut = lower.len() - strip_scope(&lower).len();
    name.get(cut..).unwrap_or(name).to_owned()
}

/// A .NET type name as the checks read it: lowercase, without `System.`.
fn normalize_type(t: &str) -> String {
    let t = t.trim().to_lowercase();
    t.strip_prefix("system.").unwrap_or(&t).to_owned()
}

/// Types whose constructors touch no file.
fn readonly_type(t: &str) -> bool {
    const PREFIXES: [&str; 14] = [
        "collections.",
        "text.",
        "management.automation.",
        "security.cryptography.",
        "net.http.",
        "threading.",
        "diagnostics.stopwatch",
        "xml.xmldocument",
        "io.fileinfo",
        "io.directoryinfo",
        "io.streamreader",
        "io.memorystream",
        "io.stringreader",
        "io.stringwriter",
    ];
    const EXACT: [&str; 24] = [
        "regex",
        "text.regularexpressions.regex",
        "datetime",
        "timespan",
        "guid",
        "uri",
        "version",
        "pscustomobject",
        "psobject",
        "hashtable",
        "ordered",
        "object",
        "string",
        "int",
        "long",
        "double",
        "decimal",
        "bool",
        "char",
        "byte",
        "byte[]",
        "string[]",
        "net.webclient",
        "random",
    ];
    EXACT.contains(&t) || PREFIXES.iter().any(|p| t.starts_with(p))
}

/// Static methods that only read or compute.
fn readonly_method(m: &str) -> bool {
    const PREFIXES: [&str; 36] = [
        "read",
        "get",
        "exists",
        "test",
        "combine",
        "join",
        "equals",
        "parse",
        "tryparse",
        "tostring",
        "format",
        "compare",
        "is",
        "has",
        "to",
        "from",
        "enumerate",
        "escape",
        "unescape",
        "match",
        "split",
        "concat",
        "max",
        "min",
        "abs",
        "round",
        "floor",
        "ceiling",
        "truncate",
        "sqrt",
        "pow",
        "log",
        "sign",
        "exp",
        "newguid",
        "trim",
    ];
    matches!(m, "openread" | "opentext") || PREFIXES.iter().any(|p| m.starts_with(p))
}

/// Instance methods that change the file or directory the object stands for.
fn writes_receiver(m: &str) -> bool {
    matches!(
        m,
        "delete"
            | "moveto"
            | "create"
            | "createtext"
            | "appendtext"
            | "open"
            | "openwrite"
            | "encrypt"
            | "decrypt"
            | "setaccesscontrol"
            | "createsubdirectory"
    )
}

/// Instance methods that write the paths given as these arguments.
fn arg_writer(m: &str) -> Option<&'static [usize]> {
    match m {
        "moveto" | "copyto" | "save" | "saveas" => Some(&[0]),
        "downloadfile" | "downloadfileasync" | "downloadfiletaskasync" => Some(&[1]),
        _ => None,
    }
}

/// Instance methods of strings, collections, streams and the like that touch no file
/// (a stream's file was counted where it was opened).
fn instance_readonly(m: &str) -> bool {
    const PREFIXES: [&str; 60] = [
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
        "to",
        "add",
        "contains",
        "starts",
        "ends",
        "index",
        "lastindex",
        "trim",
        "pad",
        "split",
        "substring",
        "insert",
        "remove",
        "clear",
        "where",
        "foreach",
        "match",
        "invoke",
        "dispose",
        "close",
        "flush",
        "write",
        "peek",
        "push",
        "pop",
        "enqueue",
        "dequeue",
        "wait",
        "sort",
        "reverse",
        "clone",
        "append",
        "normalize",
        "select",
        "orderby",
        "first",
        "last",
        "skip",
        "take",
        "distinct",
        "count",
        "sum",
        "find",
        "convert",
        "stop",
        "restart",
        "reset",
    ];
    const EXACT: [&str; 8] = [
        "movenext",
        "next",
        "nextbytes",
        "downloadstring",
        "downloaddata",
        "result",
        "item",
        "refresh",
    ];
    EXACT.contains(&m) || PREFIXES.iter().any(|p| m.starts_with(p))
}

/// Splits a command line into words the way a program's argument parser would, roughly:
/// whitespace separates, double quotes group.
fn split_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in s.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            c => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

fn render_for_bash(v: &Val) -> String {
    let dynamic = format!("\"${DYNAMIC_VAR}\"");
    match v {
        Val::Known(s) => quote(s),
        Val::Partial(p, s) => format!("{}{dynamic}{}", quote(p), quote(s)),
        Val::Unknown => dynamic,
    }
}

/// `-EncodedCommand`'s argument: base64 of UTF-16LE text.
fn decode_utf16_base64(s: &str) -> Option<String> {
    let mut bits = 0u32;
    let mut n = 0;
    let mut bytes = Vec::with_capacity(s.len() * 3 / 4);
    for c in s.trim().bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            bytes.push(((bits >> n) & 0xff) as u8);
        }
    }
    if bytes.len() % 2 != 0 {
        return None;
    }
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16(&units).ok()
}

/// A script file's text: only a regular file, no larger than [`MAX_READ`].
fn read_script(p: &Path) -> Option<String> {
    use std::io::Read;
    let meta = std::fs::metadata(p).ok()?;
    if !meta.is_file() || meta.len() > MAX_READ {
        return None;
    }
    let mut buf = Vec::new();
    std::fs::File::open(p)
        .ok()?
        .take(MAX_READ)
        .read_to_end(&mut buf)
        .ok()?;
    let text = String::from_utf8_lossy(&buf);
    Some(text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned())
}

/// A command line split into words as a Windows program's C runtime splits it: blanks
/// separate words, double quotes group them (and are removed), `\"` is a quote.
fn windows_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
                any = true;
            }
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    words.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        words.push(cur);
    }
    words
}
