//! What a piece of code may change that later code reads: variables, the location,
//! the commands names resolve to. Read from the tree without running it, and on the
//! generous side, so that code which may run more than once (a loop body, a
//! `ForEach-Object` block) or at an unknown time (a function body) can be analysed once
//! from a state where everything it may change is already unknown.

use std::collections::HashSet;

use super::cmdlets;
use super::parse::{Arg, Command, Element, Expr, Invoke, Part, Pipeline, PostOp, Script, Stmt};

#[derive(Debug, Default, Clone)]
pub(super) struct Effects {
    /// Variables assigned (lowercase, without scope; `env:NAME` for the environment).
    pub(super) vars: HashSet<String>,
    /// Some variable whose name is only known when the code runs.
    pub(super) all_vars: bool,
    /// The location may change.
    pub(super) moves: bool,
    /// A command name may come to mean something else (aliases, imported modules, code
    /// the analysis cannot see).
    pub(super) shadows: bool,
    /// Functions defined, lowercase.
    pub(super) functions: HashSet<String>,
    /// An alias is defined somewhere.
    pub(super) aliases: bool,
}

impl Effects {
    pub(super) fn of(script: &Script) -> Effects {
        let mut fx = Effects::default();
        fx.script(script);
        fx
    }

    pub(super) fn of_stmt(st: &Stmt) -> Effects {
        let mut fx = Effects::default();
        fx.stmt(st);
        fx
    }

    pub(super) fn merge(&mut self, other: &Effects) {
        self.vars.extend(other.vars.iter().cloned());
        self.all_vars |= other.all_vars;
        self.moves |= other.moves;
        self.shadows |= other.shadows;
        self.functions.extend(other.functions.iter().cloned());
        self.aliases |= other.aliases;
    }

    fn everything(&mut self) {
        self.all_vars = true;
        self.moves = true;
        self.shadows = true;
    }

    fn script(&mut self, s: &Script) {
        for st in &s.stmts {
            self.stmt(st);
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        match s {
            Stmt::Chain(pipes) => pipes.iter().for_each(|p| self.pipeline(p)),
            Stmt::If {
                branches,
                otherwise,
            } => {
                for (c, b) in branches {
                    self.stmt(c);
                    self.script(b);
                }
                if let Some(o) = otherwise {
                    self.script(o);
                }
            }
            Stmt::Loop {
                var,
                head,
                repeat,
                body,
            } => {
                if let Some(v) = var {
                    self.var(v);
                }
                head.iter().chain(repeat).for_each(|s| self.stmt(s));
                self.script(body);
            }
            Stmt::Switch {
                subject,
                file,
                clauses,
            } => {
                self.var("_");
                if let Some(s) = subject {
                    self.stmt(s);
                }
                if let Some(f) = file {
                    self.expr(f);
                }
                for (c, b) in clauses {
                    self.expr(c);
                    self.script(b);
                }
            }
            Stmt::Try { body, handlers } => {
                self.script(body);
                handlers.iter().for_each(|h| self.script(h));
            }
            Stmt::Trap(b) | Stmt::Block(b) => self.script(b),
            Stmt::Function { name, params, body } => {
                self.functions.insert(function_name(name));
                params.iter().for_each(|e| self.expr(e));
                self.script(body);
            }
            Stmt::Class { exprs, bodies } => {
                exprs.iter().for_each(|e| self.expr(e));
                bodies.iter().for_each(|b| self.script(b));
            }
            Stmt::Params(exprs) => {
                for e in exprs {
                    match e {
                        Expr::Var(n) => self.var(n),
                        e => self.expr(e),
                    }
                }
            }
            Stmt::Flow(v) => {
                if let Some(v) = v {
                    self.stmt(v);
                }
            }
            Stmt::Assign { target, value, .. } => {
                self.target(target);
                self.expr(target);
                self.stmt(value);
            }
            Stmt::Using { module } => self.shadows |= *module,
        }
    }

    fn target(&mut self, e: &Expr) {
        match e {
            Expr::Var(n) => self.var(n),
            Expr::Array(items) => items.iter().for_each(|i| self.target(i)),
            Expr::Unary { operand, .. } => self.target(operand),
            Expr::Post { base, ops } => {
                if let Expr::Type { name, .. } = &**base {
                    // `[Environment]::CurrentDirectory = …` moves where .NET resolves paths.
                    let static_member = ops.iter().any(|o| {
                        matches!(o, PostOp::Member { name: Expr::Lit(m), is_static: true, .. }
                            if m.eq_ignore_ascii_case("currentdirectory"))
                    });
                    if static_member && name.to_lowercase().ends_with("environment") {
                        self.moves = true;
                    }
                }
                self.target(base);
            }
            _ => {}
        }
    }

    fn var(&mut self, name: &str) {
        let lower = name.to_lowercase();
        let bare = super::walk::strip_scope(&lower);
        if let Some(f) = bare.strip_prefix("function:") {
            self.functions.insert(f.to_owned());
        } else if bare.starts_with("alias:") {
            self.aliases = true;
            self.everything();
        }
        self.vars.insert(bare.to_owned());
    }

    fn pipeline(&mut self, p: &Pipeline) {
        for el in &p.elems {
            match el {
                Element::Cmd(c) => self.command(c),
                Element::Expr { expr, redirs } => {
                    self.expr(expr);
                    redirs
                        .iter()
                        .filter_map(|r| r.target.as_ref())
                        .for_each(|t| self.expr(t));
                }
            }
        }
    }

    fn command(&mut self, c: &Command) {
        self.expr(&c.name);
        for a in &c.args {
            match a {
                Arg::Param { value: Some(v), .. } | Arg::Value(v) => self.expr(v),
                _ => {}
            }
        }
        for r in c.redirs.iter().filter_map(|r| r.target.as_ref()) {
            self.expr(r);
        }
        self.variable_params(&c.args);
        let name = match &c.name {
            Expr::Lit(n) => n.to_lowercase(),
            Expr::Block(_) => return,
            _ => {
                self.everything();
                return;
            }
        };
        // A PowerShell script or dot-sourced code runs in this session; another program
        // cannot touch its variables or location.
        if c.invoke == Invoke::Dot || name.ends_with(".ps1") {
            self.everything();
            return;
        }
        let name = super::walk::strip_module(&name);
        let canonical = cmdlets::find(name).map_or(name, |s| s.name);
        let first_literal = || {
            c.args.iter().find_map(|a| match a {
                Arg::Value(Expr::Lit(s)) => Some(s.to_lowercase()),
                _ => None,
            })
        };
        match canonical {
            "set-location" | "push-location" | "pop-location" => self.moves = true,
            "set-variable" | "new-variable" | "clear-variable" | "remove-variable" => {
                let named = c.args.windows(2).find_map(|w| match w {
                    [
                        Arg::Param {
                            name, value: None, ..
                        },
                        Arg::Value(Expr::Lit(v)),
                    ] if "name".starts_with(&name.to_lowercase()) => Some(v.to_lowercase()),
                    _ => None,
                });
                match named.or_else(first_literal) {
                    Some(v) if !v.contains(['*', '?', '[']) => self.var(&v),
                    _ => self.all_vars = true,
                }
            }
            "set-alias" | "new-alias" | "remove-alias" => {
                self.aliases = true;
                self.everything();
            }
            "invoke-expression" => self.everything(),
            "import-module" | "ipmo" | "add-type" => self.shadows = true,
            _ => {}
        }
        // Provider paths that are variables, functions or aliases (`Set-Item variable:x`).
        for a in &c.args {
            let text = match a {
                Arg::Value(Expr::Lit(s))
                | Arg::Param {
                    value: Some(Expr::Lit(s)),
                    ..
                } => s.to_lowercase(),
                Arg::Value(e) | Arg::Param { value: Some(e), .. }
                    if item_cmdlet(canonical) && !matches!(e, Expr::Block(_)) =>
                {
                    // The path may be `variable:…`; with `Set-Item`/`New-Item`, a
                    // `function:…` or `alias:…` that gives a command name a new meaning.
                    // (Removing or clearing a variable only leaves it empty.)
                    self.all_vars = true;
                    self.shadows |= matches!(canonical, "set-item" | "new-item");
                    continue;
                }
                _ => continue,
            };
            let text = text.trim_start_matches("microsoft.powershell.core\\");
            if let Some(v) = text
                .strip_prefix("variable:")
                .or_else(|| text.strip_prefix("variable::"))
            {
                self.var(v.trim_start_matches(['/', '\\']));
            } else if let Some(v) = text.strip_prefix("env:") {
                self.vars
                    .insert(format!("env:{}", v.trim_start_matches(['/', '\\'])));
            } else if let Some(f) = text.strip_prefix("function:") {
                // The body may be text: code the scan cannot see.
                self.functions
                    .insert(f.trim_start_matches(['/', '\\']).to_owned());
                self.everything();
            } else if text.starts_with("alias:") {
                self.aliases = true;
                self.everything();
            }
        }
    }

    /// `-OutVariable x` and its kin assign the variable they name.
    fn variable_params(&mut self, args: &[Arg]) {
        for (i, a) in args.iter().enumerate() {
            let Arg::Param { name, value, .. } = a else {
                continue;
            };
            if !names_variable(name) {
                continue;
            }
            let v = match value {
                Some(v) => Some(v),
                None => match args.get(i + 1) {
                    Some(Arg::Value(v)) => Some(v),
                    _ => None,
                },
            };
            match v {
                Some(Expr::Lit(n)) => {
                    let n = n.trim_start_matches('+').to_lowercase();
                    self.var(&n);
                }
                Some(_) => self.all_vars = true,
                None => {}
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::Lit(_) | Expr::Var(_) | Expr::Splat => {}
            Expr::Bare(parts) | Expr::Quoted(parts) => {
                for p in parts {
                    if let Part::Sub(s) = p {
                        self.script(s);
                    }
                }
            }
            Expr::Sub(s) | Expr::Paren(s) => self.script(s),
            Expr::Block(s) => self.script(s),
            Expr::Hash(entries) => {
                for (k, v) in entries {
                    self.expr(k);
                    self.stmt(v);
                }
            }
            Expr::Type { args, .. } => args.iter().for_each(|a| self.expr(a)),
            Expr::Array(items) | Expr::Ops(items) => items.iter().for_each(|i| self.expr(i)),
            Expr::Unary { ops, operand } => {
                if ops
                    .iter()
                    .any(|o| matches!(o.as_str(), "++" | "--" | "[ref]"))
                {
                    self.target(operand);
                }
                self.expr(operand);
            }
            Expr::Post { base, ops } => {
                self.expr(base);
                for op in ops {
                    match op {
                        PostOp::Member { name, call, .. } => {
                            self.expr(name);
                            if let Expr::Lit(m) = name {
                                let m = m.to_lowercase();
                                let script_block = matches!(&**base, Expr::Type { name, .. }
                                    if name.to_lowercase().ends_with("scriptblock"));
                                if m == "setcurrentdirectory" {
                                    self.moves = true;
                                } else if m == "setenvironmentvariable" {
                                    self.all_vars = true;
                                } else if matches!(
                                    m.as_str(),
                                    "invokescript"
                                        | "newscriptblock"
                                        | "addscript"
                                        | "expandstring"
                                ) || (m == "create" && script_block)
                                {
                                    // Text made code: what it does is not in the tree.
                                    self.everything();
                                }
                            }
                            for a in call.iter().flatten() {
                                self.expr(a);
                            }
                        }
                        PostOp::Index(i) => self.expr(i),
                        PostOp::Step => self.target(base),
                    }
                }
            }
        }
    }
}

/// Whether a parameter name (as written, maybe abbreviated) is one of those whose value
/// names a variable to assign.
pub(super) fn names_variable(param: &str) -> bool {
    const FULL: [&str; 10] = [
        "outvariable",
        "errorvariable",
        "warningvariable",
        "informationvariable",
        "pipelinevariable",
        "sessionvariable",
        "responseheadersvariable",
        "statuscodevariable",
        "bindingvariable",
        "variable",
    ];
    const SHORT: [&str; 7] = ["ov", "ev", "wv", "iv", "pv", "sv", "rhv"];
    let p = param.to_lowercase();
    SHORT.contains(&p.as_str()) || (p.len() >= 3 && FULL.iter().any(|f| f.starts_with(&p)))
}

/// Cmdlets that can give a provider item (a variable, a function) a value.
fn item_cmdlet(canonical: &str) -> bool {
    matches!(
        canonical,
        "set-item" | "new-item" | "rename-item" | "copy-item" | "move-item"
    )
}

pub(super) fn function_name(name: &str) -> String {
    let lower = name.to_lowercase();
    super::walk::strip_scope(&lower).to_owned()
}
