//! PowerShell's grammar as far as the write analysis needs it, read into a small tree.
//!
//! PowerShell tokenizes differently by mode: at the start of a pipeline and inside
//! parentheses it reads expressions (`$x -eq 1`, `[IO.File]::Delete('a')`), after a command
//! name it reads arguments (`roles/a.md`, `-Path:x`, `"$d/x"`). The parser follows the
//! mode the way PowerShell's own tokenizer does: a bareword argument runs to the next
//! whitespace or one of `&(),;{|}` and may hold quotes and `$` expansions; an argument that
//! starts with a quote ends at the closing quote; a `$name` followed by other characters is
//! read again as one expandable bareword. What it cannot read (an unterminated string or
//! bracket) is an error: PowerShell would not run the command at all.
//!
//! Operator expressions are kept flat ([`Expr::Ops`], [`Expr::Post`]): their value is
//! unknown to the analysis anyway, and a flat list cannot nest deep enough to exhaust the
//! stack. Nesting (blocks, parentheses, subexpressions) is counted and capped.

use std::rc::Rc;

use crate::policy::shell::ShellError;

/// Deepest nesting of blocks, parentheses and subexpressions the parser accepts.
pub(super) const MAX_DEPTH: usize = 64;

/// A statement list: a script, a script block's body, a subexpression.
#[derive(Debug, Clone, Default)]
pub(super) struct Script {
    pub(super) stmts: Vec<Stmt>,
}

#[derive(Debug, Clone)]
pub(super) enum Stmt {
    /// Pipelines joined by `&&` / `||`: the first always runs, the others may.
    Chain(Vec<Pipeline>),
    If {
        branches: Vec<(Stmt, Script)>,
        otherwise: Option<Script>,
    },
    /// `foreach`, `for`, `while`, `do`: `head` runs once, `repeat` and `body` any number of
    /// times; `var` takes each value of the last `head` statement.
    Loop {
        var: Option<String>,
        head: Vec<Stmt>,
        repeat: Vec<Stmt>,
        body: Script,
    },
    Switch {
        subject: Option<Box<Stmt>>,
        file: Option<Expr>,
        clauses: Vec<(Expr, Script)>,
    },
    Try {
        body: Script,
        handlers: Vec<Script>,
    },
    Trap(Script),
    /// A block run once in place: `begin { }`, `process { }`, `data { }`.
    Block(Script),
    Function {
        name: String,
        params: Vec<Expr>,
        body: Script,
    },
    /// A class or enum: its initializers and attribute arguments, and its method bodies.
    Class {
        exprs: Vec<Expr>,
        bodies: Vec<Script>,
    },
    /// `param(...)`: the parameters (as [`Expr::Var`]), default values and attribute
    /// arguments.
    Params(Vec<Expr>),
    /// `return`, `throw`, `exit`, `break`, `continue`, with what they evaluate.
    Flow(Option<Box<Stmt>>),
    Assign {
        target: Expr,
        op: String,
        value: Box<Stmt>,
    },
    Using {
        module: bool,
    },
}

#[derive(Debug, Clone)]
pub(super) struct Pipeline {
    pub(super) elems: Vec<Element>,
}

#[derive(Debug, Clone)]
pub(super) enum Element {
    Cmd(Command),
    Expr { expr: Expr, redirs: Vec<Redir> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Invoke {
    Plain,
    /// `& name`
    Call,
    /// `. name`: runs in the caller's scope.
    Dot,
}

#[derive(Debug, Clone)]
pub(super) struct Command {
    pub(super) invoke: Invoke,
    pub(super) name: Expr,
    pub(super) args: Vec<Arg>,
    pub(super) redirs: Vec<Redir>,
}

#[derive(Debug, Clone)]
pub(super) enum Arg {
    /// `-Name` or `-Name:value`; `raw` is the token as written (without the value).
    Param {
        name: String,
        raw: String,
        value: Option<Expr>,
    },
    Value(Expr),
    /// What follows `--%`, passed on verbatim.
    Stop(String),
    /// `--`: what follows is never a parameter name.
    EndOfParams,
}

/// `>`, `>>`, `2>`, `*>>`…; no target for a merge (`2>&1`).
#[derive(Debug, Clone)]
pub(super) struct Redir {
    pub(super) op: String,
    pub(super) target: Option<Expr>,
}

#[derive(Debug, Clone)]
pub(super) enum Expr {
    /// Literal text: a single-quoted string, a number, a bareword without expansions.
    Lit(String),
    /// A bareword argument with `$` expansions or quotes inside.
    Bare(Vec<Part>),
    /// A double-quoted string or here-string.
    Quoted(Vec<Part>),
    Var(String),
    Splat,
    /// `$( )` and `@( )`.
    Sub(Script),
    /// `( )`
    Paren(Script),
    Hash(Vec<(Expr, Stmt)>),
    Block(Rc<Script>),
    /// `[Type]` or an attribute `[Name(args)]`.
    Type {
        name: String,
        args: Vec<Expr>,
    },
    /// `a, b, c`
    Array(Vec<Expr>),
    /// The operands of a chain of binary operators (or a ternary).
    Ops(Vec<Expr>),
    /// Prefix operators, innermost last: `!`, `-not`, `++`, casts (`[int]`).
    Unary {
        ops: Vec<String>,
        operand: Box<Expr>,
    },
    /// Member accesses, calls and indexes applied to `base`, in order.
    Post {
        base: Box<Expr>,
        ops: Vec<PostOp>,
    },
}

#[derive(Debug, Clone)]
pub(super) enum PostOp {
    Member {
        name: Expr,
        is_static: bool,
        call: Option<Vec<Expr>>,
    },
    Index(Expr),
    /// A postfix `++` or `--`.
    Step,
}

#[derive(Debug, Clone)]
pub(super) enum Part {
    Lit(String),
    Var(String),
    Sub(Script),
}

fn perr(msg: impl Into<String>) -> ShellError {
    ShellError::Parse(msg.into())
}

pub(super) fn is_nl(c: char) -> bool {
    c == '\n' || c == '\r'
}

pub(super) fn is_ws(c: char) -> bool {
    c.is_whitespace() && !is_nl(c)
}

/// Characters that end a bareword whatever the mode.
fn force_start(c: char) -> bool {
    is_ws(c) || is_nl(c) || matches!(c, '&' | '(' | ')' | ',' | ';' | '{' | '|' | '}' | '\0')
}

pub(super) fn is_dash(c: char) -> bool {
    matches!(c, '-' | '\u{2013}' | '\u{2014}' | '\u{2015}')
}

pub(super) fn is_squote(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}')
}

pub(super) fn is_dquote(c: char) -> bool {
    matches!(c, '"' | '\u{201c}' | '\u{201d}' | '\u{201e}')
}

fn is_quote(c: char) -> bool {
    is_squote(c) || is_dquote(c)
}

fn var_start(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || matches!(c, '_' | '?' | ':' | '^' | '$')
    } else {
        c.is_alphanumeric()
    }
}

fn var_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '?'
}

fn ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn backtick(c: char) -> char {
    match c {
        '0' => '\0',
        'a' => '\x07',
        'b' => '\x08',
        'e' => '\x1b',
        'f' => '\x0c',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'v' => '\x0b',
        c => c,
    }
}

/// The binary operators written `-name`, with their case-sensitive and -insensitive
/// spellings where they have them.
fn is_dash_operator(name: &str) -> bool {
    const CASED: [&str; 16] = [
        "eq",
        "ne",
        "gt",
        "ge",
        "lt",
        "le",
        "like",
        "notlike",
        "match",
        "notmatch",
        "contains",
        "notcontains",
        "in",
        "notin",
        "replace",
        "split",
    ];
    const OTHER: [&str; 13] = [
        "join", "is", "isnot", "as", "and", "or", "xor", "band", "bor", "bxor", "shl", "shr", "f",
    ];
    let base = name
        .strip_prefix('c')
        .or_else(|| name.strip_prefix('i'))
        .filter(|b| CASED.contains(b));
    CASED.contains(&name) || OTHER.contains(&name) || base.is_some()
}

fn is_unary_operator(name: &str) -> bool {
    matches!(
        name,
        "not" | "bnot" | "split" | "join" | "csplit" | "isplit"
    )
}

const KEYWORDS: [&str; 33] = [
    "if",
    "elseif",
    "else",
    "switch",
    "foreach",
    "for",
    "while",
    "do",
    "until",
    "try",
    "catch",
    "finally",
    "trap",
    "function",
    "filter",
    "workflow",
    "return",
    "throw",
    "exit",
    "break",
    "continue",
    "param",
    "begin",
    "process",
    "end",
    "dynamicparam",
    "clean",
    "data",
    "class",
    "enum",
    "using",
    "configuration",
    "in",
];

pub(super) struct Parser {
    s: Vec<char>,
    i: usize,
    depth: usize,
}

impl Parser {
    /// A parser for `text`, which is already nested `depth` levels deep (a string run by
    /// `Invoke-Expression` inside a block counts its own nesting from there).
    pub(super) fn new(text: &str, depth: usize) -> Parser {
        Parser {
            s: text.chars().collect(),
            i: 0,
            depth,
        }
    }

    pub(super) fn parse(mut self) -> Result<Script, ShellError> {
        self.script(None)
    }

    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    fn at(&self, k: usize) -> Option<char> {
        self.s.get(self.i + k).copied()
    }

    fn at_is(&self, k: usize, f: impl Fn(char) -> bool) -> bool {
        self.at(k).is_some_and(f)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }

    fn enter(&mut self) -> Result<(), ShellError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ShellError::TooComplex(format!(
                "it nests blocks, parentheses or strings more than {MAX_DEPTH} deep"
            )));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn expect(&mut self, c: char, what: &str) -> Result<(), ShellError> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(perr(format!("missing `{c}` {what}")))
        }
    }

    /// Skips blanks, line continuations and comments, but not newlines.
    fn skip_blank(&mut self) -> Result<(), ShellError> {
        loop {
            match self.peek() {
                Some(c) if is_ws(c) => self.i += 1,
                Some('`') if self.at_is(1, |c| c.is_whitespace()) => {
                    self.i += 2;
                    if self.s.get(self.i - 1) == Some(&'\r') && self.peek() == Some('\n') {
                        self.i += 1;
                    }
                }
                Some('<') if self.at(1) == Some('#') => {
                    self.i += 2;
                    loop {
                        match self.bump() {
                            None => return Err(perr("a `<#` comment is not closed")),
                            Some('#') if self.peek() == Some('>') => {
                                self.i += 1;
                                break;
                            }
                            Some(_) => {}
                        }
                    }
                }
                Some('#') => {
                    while self.peek().is_some_and(|c| !is_nl(c)) {
                        self.i += 1;
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn skip_blank_nl(&mut self) -> Result<(), ShellError> {
        loop {
            self.skip_blank()?;
            match self.peek() {
                Some(c) if is_nl(c) => self.i += 1,
                _ => return Ok(()),
            }
        }
    }

    fn skip_separators(&mut self) -> Result<(), ShellError> {
        loop {
            self.skip_blank_nl()?;
            if self.peek() == Some(';') {
                self.i += 1;
            } else {
                return Ok(());
            }
        }
    }

    /// Whether a statement or argument list ends here.
    fn at_end(&self) -> bool {
        match self.peek() {
            None => true,
            Some(c) => is_nl(c) || matches!(c, ';' | ')' | '}'),
        }
    }

    // ----- statements -----

    fn script(&mut self, close: Option<char>) -> Result<Script, ShellError> {
        self.enter()?;
        let mut stmts = Vec::new();
        loop {
            self.skip_separators()?;
            match self.peek() {
                None if close.is_some() => {
                    return Err(perr(format!(
                        "missing the closing `{}`",
                        close.unwrap_or(')')
                    )));
                }
                None => break,
                Some(c) if Some(c) == close => {
                    self.i += 1;
                    break;
                }
                Some(c @ (')' | '}' | ']')) => {
                    return Err(perr(format!("unexpected `{c}`")));
                }
                Some(_) => {}
            }
            let at = self.i;
            stmts.push(self.statement()?);
            if self.i == at {
                let c = self.peek().unwrap_or(' ');
                return Err(perr(format!("unexpected `{c}`")));
            }
        }
        self.leave();
        Ok(Script { stmts })
    }

    fn statement(&mut self) -> Result<Stmt, ShellError> {
        self.enter()?;
        let r = self.statement_inner();
        self.leave();
        r
    }

    fn statement_inner(&mut self) -> Result<Stmt, ShellError> {
        // A loop label (`:outer while (…)`).
        if self.peek() == Some(':') && self.at_is(1, ident_start) {
            self.i += 1;
            while self.peek().is_some_and(ident_char) {
                self.i += 1;
            }
            self.skip_blank()?;
        }
        if let Some((kw, len)) = self.keyword_at() {
            let save = self.i;
            self.i += len;
            if let Some(st) = self.keyword_statement(&kw)? {
                return Ok(st);
            }
            self.i = save;
        }
        if self.starts_expression() {
            let target = self.expression(true)?;
            self.skip_blank()?;
            if let Some(op) = self.assign_op() {
                self.skip_blank_nl()?;
                let value = self.statement()?;
                return Ok(Stmt::Assign {
                    target,
                    op,
                    value: Box::new(value),
                });
            }
            let redirs = self.redirections()?;
            let first = Element::Expr {
                expr: target,
                redirs,
            };
            return Ok(Stmt::Chain(self.chain(Some(first))?));
        }
        Ok(Stmt::Chain(self.chain(None)?))
    }

    /// A keyword at the current position: an identifier ending where a token must end.
    fn keyword_at(&self) -> Option<(String, usize)> {
        if !self.peek().is_some_and(ident_start) {
            return None;
        }
        let mut n = 0;
        while self.at_is(n, ident_char) {
            n += 1;
        }
        if self.at(n).is_some_and(|c| !force_start(c)) {
            return None;
        }
        let word: String = self.s[self.i..self.i + n]
            .iter()
            .collect::<String>()
            .to_lowercase();
        KEYWORDS.contains(&word.as_str()).then_some((word, n))
    }

    fn word_is(&self, word: &str) -> bool {
        self.keyword_at().is_some_and(|(w, _)| w == word)
    }

    fn keyword_statement(&mut self, kw: &str) -> Result<Option<Stmt>, ShellError> {
        let st = match kw {
            "if" => {
                let mut branches = Vec::new();
                let cond = self.paren_statement()?;
                let body = self.brace_block()?;
                branches.push((cond, body));
                let mut otherwise = None;
                loop {
                    let save = self.i;
                    self.skip_blank_nl()?;
                    if self.word_is("elseif") {
                        self.i += 6;
                        let cond = self.paren_statement()?;
                        let body = self.brace_block()?;
                        branches.push((cond, body));
                    } else if self.word_is("else") {
                        self.i += 4;
                        otherwise = Some(self.brace_block()?);
                        break;
                    } else {
                        self.i = save;
                        break;
                    }
                }
                Stmt::If {
                    branches,
                    otherwise,
                }
            }
            "switch" => self.switch()?,
            "foreach" => {
                self.skip_blank()?;
                // `foreach -parallel (…)` and its options (workflows).
                while self.peek().is_some_and(is_dash) {
                    while self.peek().is_some_and(|c| !is_ws(c) && c != '(') {
                        self.i += 1;
                    }
                    self.skip_blank()?;
                    if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric()) {
                            self.i += 1;
                        }
                        self.skip_blank()?;
                    }
                }
                self.skip_blank_nl()?;
                self.expect('(', "after `foreach`")?;
                self.skip_blank_nl()?;
                self.expect('$', "for the `foreach` variable")?;
                let var = self.var_name()?;
                self.skip_blank_nl()?;
                if !self.word_is("in") {
                    return Err(perr("missing `in` in a `foreach`"));
                }
                self.i += 2;
                self.skip_blank_nl()?;
                let collection = self.statement()?;
                self.skip_blank_nl()?;
                self.expect(')', "closing the `foreach` condition")?;
                let body = self.brace_block()?;
                Stmt::Loop {
                    var: Some(var),
                    head: vec![collection],
                    repeat: Vec::new(),
                    body,
                }
            }
            "for" => {
                self.skip_blank_nl()?;
                self.expect('(', "after `for`")?;
                let mut parts: Vec<Stmt> = Vec::new();
                loop {
                    self.skip_blank_nl()?;
                    match self.peek() {
                        Some(')') => {
                            self.i += 1;
                            break;
                        }
                        Some(';') => self.i += 1,
                        None => return Err(perr("missing `)` closing a `for`")),
                        Some(_) => {
                            let at = self.i;
                            parts.push(self.statement()?);
                            if self.i == at {
                                return Err(perr("unexpected text in a `for`"));
                            }
                        }
                    }
                }
                let body = self.brace_block()?;
                let mut parts = parts.into_iter();
                let head: Vec<Stmt> = parts.next().into_iter().collect();
                Stmt::Loop {
                    var: None,
                    head,
                    repeat: parts.collect(),
                    body,
                }
            }
            "while" => {
                let cond = self.paren_statement()?;
                let body = self.brace_block()?;
                Stmt::Loop {
                    var: None,
                    head: Vec::new(),
                    repeat: vec![cond],
                    body,
                }
            }
            "do" => {
                let body = self.brace_block()?;
                self.skip_blank_nl()?;
                if self.word_is("while") || self.word_is("until") {
                    self.i += 5;
                } else {
                    return Err(perr("missing `while` or `until` after a `do` block"));
                }
                let cond = self.paren_statement()?;
                Stmt::Loop {
                    var: None,
                    head: Vec::new(),
                    repeat: vec![cond],
                    body,
                }
            }
            "try" => {
                let body = self.brace_block()?;
                let mut handlers = Vec::new();
                loop {
                    let save = self.i;
                    self.skip_blank_nl()?;
                    if self.word_is("catch") {
                        self.i += 5;
                        loop {
                            self.skip_blank_nl()?;
                            match self.peek() {
                                Some('[') => {
                                    self.type_literal()?;
                                }
                                Some(',') => self.i += 1,
                                _ => break,
                            }
                        }
                        handlers.push(self.brace_block()?);
                    } else if self.word_is("finally") {
                        self.i += 7;
                        handlers.push(self.brace_block()?);
                    } else {
                        self.i = save;
                        break;
                    }
                }
                Stmt::Try { body, handlers }
            }
            "trap" => {
                self.skip_blank_nl()?;
                if self.peek() == Some('[') {
                    self.type_literal()?;
                }
                Stmt::Trap(self.brace_block()?)
            }
            "function" | "filter" | "workflow" => {
                self.skip_blank()?;
                let start = self.i;
                while self
                    .peek()
                    .is_some_and(|c| !c.is_whitespace() && c != '(' && c != '{')
                {
                    self.i += 1;
                }
                if self.i == start {
                    return Err(perr("missing a function name"));
                }
                let name: String = self.s[start..self.i].iter().collect();
                self.skip_blank_nl()?;
                let params = if self.peek() == Some('(') {
                    self.i += 1;
                    self.param_list()?
                } else {
                    Vec::new()
                };
                let body = self.brace_block()?;
                Stmt::Function { name, params, body }
            }
            "param" => {
                self.skip_blank_nl()?;
                self.expect('(', "after `param`")?;
                Stmt::Params(self.param_list()?)
            }
            "begin" | "process" | "end" | "dynamicparam" | "clean" | "data" => {
                let save = self.i;
                // `data -SupportedCommand x { }`: the options name commands, not files.
                if kw == "data" {
                    while self.peek().is_some_and(|c| c != '{' && !is_nl(c)) {
                        self.i += 1;
                    }
                }
                self.skip_blank_nl()?;
                if self.peek() != Some('{') {
                    self.i = save;
                    return Ok(None);
                }
                Stmt::Block(self.brace_block()?)
            }
            "class" | "enum" => {
                while self.peek().is_some_and(|c| c != '{') {
                    self.i += 1;
                }
                self.expect('{', "opening a class body")?;
                self.class_body()?
            }
            "using" => {
                self.skip_blank()?;
                let module = self.word_is("module") || {
                    let rest: String = self.s[self.i..].iter().take(8).collect();
                    rest.to_lowercase().starts_with("assembly")
                };
                while self.peek().is_some_and(|c| !is_nl(c) && c != ';') {
                    self.i += 1;
                }
                Stmt::Using { module }
            }
            "return" | "throw" | "exit" => {
                self.skip_blank()?;
                if self.at_end() {
                    Stmt::Flow(None)
                } else {
                    Stmt::Flow(Some(Box::new(self.statement()?)))
                }
            }
            "break" | "continue" => {
                self.skip_blank()?;
                while self.peek().is_some_and(|c| !force_start(c)) {
                    self.i += 1;
                }
                Stmt::Flow(None)
            }
            "configuration" => {
                return Err(ShellError::TooComplex(
                    "it defines a DSC configuration, which the guard does not analyse".into(),
                ));
            }
            _ => return Err(perr(format!("unexpected keyword `{kw}`"))),
        };
        Ok(Some(st))
    }

    fn switch(&mut self) -> Result<Stmt, ShellError> {
        let mut file = None;
        loop {
            self.skip_blank()?;
            if !self.peek().is_some_and(is_dash) {
                break;
            }
            self.i += 1;
            let start = self.i;
            while self.peek().is_some_and(|c| c.is_alphabetic()) {
                self.i += 1;
            }
            let opt: String = self.s[start..self.i]
                .iter()
                .collect::<String>()
                .to_lowercase();
            if !opt.is_empty() && "file".starts_with(&opt) {
                self.skip_blank()?;
                file = Some(self.cmd_value()?);
            }
        }
        self.skip_blank_nl()?;
        let subject = if self.peek() == Some('(') {
            Some(Box::new(self.paren_statement()?))
        } else {
            None
        };
        self.skip_blank_nl()?;
        self.expect('{', "opening a `switch` body")?;
        self.enter()?;
        let mut clauses = Vec::new();
        loop {
            self.skip_separators()?;
            match self.peek() {
                None => return Err(perr("missing `}` closing a `switch`")),
                Some('}') => {
                    self.i += 1;
                    break;
                }
                Some('{') => {
                    self.i += 1;
                    let cond = Expr::Block(Rc::new(self.script(Some('}'))?));
                    let body = self.brace_block()?;
                    clauses.push((cond, body));
                }
                Some(_) => {
                    let cond = self.cmd_value()?;
                    let body = self.brace_block()?;
                    clauses.push((cond, body));
                }
            }
        }
        self.leave();
        Ok(Stmt::Switch {
            subject,
            file,
            clauses,
        })
    }

    fn paren_statement(&mut self) -> Result<Stmt, ShellError> {
        self.skip_blank_nl()?;
        self.expect('(', "opening a condition")?;
        self.skip_blank_nl()?;
        let st = self.statement()?;
        self.skip_blank_nl()?;
        self.expect(')', "closing a condition")?;
        Ok(st)
    }

    fn brace_block(&mut self) -> Result<Script, ShellError> {
        self.skip_blank_nl()?;
        self.expect('{', "opening a block")?;
        self.script(Some('}'))
    }

    /// A parameter list after its `(`: attribute arguments, the parameters (as
    /// [`Expr::Var`]) and their default values.
    fn param_list(&mut self) -> Result<Vec<Expr>, ShellError> {
        self.enter()?;
        let mut exprs = Vec::new();
        loop {
            self.skip_blank_nl()?;
            match self.peek() {
                None => return Err(perr("missing `)` closing a parameter list")),
                Some(')') => {
                    self.i += 1;
                    break;
                }
                Some(',') => self.i += 1,
                Some('[') => {
                    if let Expr::Type { args, .. } = self.type_literal()? {
                        exprs.extend(args);
                    }
                }
                Some('$') => {
                    self.i += 1;
                    exprs.push(Expr::Var(self.var_name()?));
                }
                Some('=') => {
                    self.i += 1;
                    self.skip_blank_nl()?;
                    exprs.push(self.expression(false)?);
                }
                Some(c) => return Err(perr(format!("unexpected `{c}` in a parameter list"))),
            }
        }
        self.leave();
        Ok(exprs)
    }

    /// A class or enum body after its `{`, read loosely: what runs is in the method
    /// bodies, initializers and attribute arguments.
    fn class_body(&mut self) -> Result<Stmt, ShellError> {
        self.enter()?;
        let mut exprs = Vec::new();
        let mut bodies = Vec::new();
        loop {
            self.skip_separators()?;
            match self.peek() {
                None => return Err(perr("missing `}` closing a class")),
                Some('}') => {
                    self.i += 1;
                    break;
                }
                Some('[') => {
                    if let Expr::Type { args, .. } = self.type_literal()? {
                        exprs.extend(args);
                    }
                }
                Some('{') => {
                    self.i += 1;
                    bodies.push(self.script(Some('}'))?);
                }
                Some('(') => {
                    self.i += 1;
                    exprs.extend(self.param_list()?);
                }
                Some('=') => {
                    self.i += 1;
                    self.skip_blank()?;
                    exprs.push(self.expression(true)?);
                }
                Some('$') => {
                    self.i += 1;
                    self.var_name()?;
                }
                Some(_) => {
                    self.i += 1;
                    while self
                        .peek()
                        .is_some_and(|c| !force_start(c) && !matches!(c, '[' | '=' | '$'))
                    {
                        self.i += 1;
                    }
                }
            }
        }
        self.leave();
        Ok(Stmt::Class { exprs, bodies })
    }

    fn assign_op(&mut self) -> Option<String> {
        let c = self.peek()?;
        let len = match c {
            '=' => 1,
            '+' | '*' | '/' | '%' if self.at(1) == Some('=') => 2,
            c if is_dash(c) && self.at(1) == Some('=') => 2,
            '?' if self.at(1) == Some('?') && self.at(2) == Some('=') => 3,
            _ => return None,
        };
        let op: String = self.s[self.i..self.i + len].iter().collect();
        self.i += len;
        Some(op)
    }

    // ----- pipelines and commands -----

    fn chain(&mut self, first: Option<Element>) -> Result<Vec<Pipeline>, ShellError> {
        let mut pipes = vec![self.pipeline(first)?];
        loop {
            self.skip_blank()?;
            let two = (self.peek(), self.at(1));
            if two == (Some('&'), Some('&')) || two == (Some('|'), Some('|')) {
                self.i += 2;
                self.skip_blank_nl()?;
                pipes.push(self.pipeline(None)?);
            } else {
                return Ok(pipes);
            }
        }
    }

    fn pipeline(&mut self, first: Option<Element>) -> Result<Pipeline, ShellError> {
        let mut elems = Vec::new();
        let mut next = first;
        loop {
            let el = match next.take() {
                Some(e) => e,
                None => self.element(elems.is_empty())?,
            };
            elems.push(el);
            self.skip_blank()?;
            if self.peek() == Some('|') && self.at(1) != Some('|') {
                self.i += 1;
                self.skip_blank_nl()?;
                continue;
            }
            // PowerShell 7.4 continues a pipeline on a line that starts with `|`.
            let save = self.i;
            self.skip_blank_nl()?;
            if self.peek() == Some('|') && self.at(1) != Some('|') {
                self.i += 1;
                self.skip_blank_nl()?;
                continue;
            }
            self.i = save;
            // A trailing `&` runs the pipeline as a background job: it still runs.
            if self.peek() == Some('&') && self.at(1) != Some('&') {
                self.i += 1;
            }
            return Ok(Pipeline { elems });
        }
    }

    fn element(&mut self, first: bool) -> Result<Element, ShellError> {
        self.skip_blank()?;
        if self.at_end() || matches!(self.peek(), Some('|')) {
            return Err(perr("an empty pipeline element"));
        }
        if first && self.starts_expression() {
            let expr = self.expression(true)?;
            let redirs = self.redirections()?;
            return Ok(Element::Expr { expr, redirs });
        }
        Ok(Element::Cmd(self.command()?))
    }

    /// Whether the pipeline starting here starts with an expression rather than a command.
    fn starts_expression(&self) -> bool {
        let Some(c) = self.peek() else {
            return false;
        };
        let c1 = self.at(1);
        match c {
            '$' | '@' | '(' | '[' | '{' | '!' | ',' => true,
            c if is_quote(c) => true,
            '+' => true,
            c if is_dash(c) => {
                !c1.is_some_and(|d| d.is_alphabetic()) || {
                    // `-not $x` is an expression; `-Path` at a statement start is not.
                    let mut n = 1;
                    let mut w = String::new();
                    while let Some(ch) = self.at(n).filter(|ch| ch.is_alphabetic()) {
                        w.push(ch.to_ascii_lowercase());
                        n += 1;
                    }
                    is_unary_operator(&w)
                }
            }
            '.' => c1.is_some_and(|d| d.is_ascii_digit()),
            c if c.is_ascii_digit() => self.number_len(self.i).is_some(),
            _ => false,
        }
    }

    /// The length of a number token at `i` followed by something that can follow a
    /// number in an expression; `None` when it is a bareword (`7z`, `1x`).
    fn number_len(&self, i: usize) -> Option<usize> {
        let mut n = 0;
        let s = &self.s;
        if s.get(i).is_some_and(|c| is_dash(*c) || *c == '+') {
            n += 1;
        }
        let start = n;
        while s
            .get(i + n)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
            || (s.get(i + n) == Some(&'.') && s.get(i + n + 1).is_some_and(|c| c.is_ascii_digit()))
            || (n > start
                && s.get(i + n).is_some_and(|c| is_dash(*c) || *c == '+')
                && s.get(i + n - 1).is_some_and(|c| *c == 'e' || *c == 'E')
                && !s[i + start..i + n].iter().any(|c| *c == 'x' || *c == 'X'))
        {
            n += 1;
        }
        let text: String = s[i + start..i + n]
            .iter()
            .collect::<String>()
            .to_lowercase();
        if text.is_empty() || !text.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
            return None;
        }
        let valid = if let Some(hex) = text.strip_prefix("0x") {
            let hex = hex.trim_end_matches(['l', 'u', 'n', 's', 'y']);
            !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit())
        } else {
            let body = ["kb", "mb", "gb", "tb", "pb"]
                .iter()
                .find_map(|m| text.strip_suffix(m))
                .unwrap_or(&text);
            let body = body.trim_end_matches(['d', 'l', 'u', 'n', 's', 'y']);
            !body.is_empty()
                && body
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | '-' | '+'))
        };
        let after_ok = match s.get(i + n) {
            None => true,
            Some(&c) => force_start(c) || "!#%*+-./<=>]".contains(c) || is_dash(c),
        };
        (valid && after_ok).then_some(n)
    }

    fn command(&mut self) -> Result<Command, ShellError> {
        let invoke = match (self.peek(), self.at(1)) {
            (Some('&'), c1) if c1 != Some('&') => {
                self.i += 1;
                Invoke::Call
            }
            (Some('.'), Some(c1))
                if c1.is_whitespace() || matches!(c1, '$' | '{' | '(') || is_quote(c1) =>
            {
                self.i += 1;
                Invoke::Dot
            }
            _ => Invoke::Plain,
        };
        self.skip_blank()?;
        if self.at_end() || matches!(self.peek(), Some('|' | '&')) {
            return Err(perr("a command name is missing"));
        }
        let name = self.cmd_value()?;
        let mut args = Vec::new();
        let mut redirs = Vec::new();
        let mut end_of_params = false;
        loop {
            self.skip_blank()?;
            let Some(c) = self.peek() else {
                break;
            };
            if self.at_end() || c == '|' || c == '&' {
                break;
            }
            if c == ',' {
                self.i += 1;
                self.skip_blank_nl()?;
                if self.at_end() {
                    return Err(perr("missing an argument after `,`"));
                }
                let v = self.cmd_value()?;
                match args.last_mut() {
                    Some(Arg::Value(prev))
                    | Some(Arg::Param {
                        value: Some(prev), ..
                    }) => {
                        let mut items = match std::mem::replace(prev, Expr::Lit(String::new())) {
                            Expr::Array(items) => items,
                            e => vec![e],
                        };
                        items.push(v);
                        *prev = Expr::Array(items);
                    }
                    _ => args.push(Arg::Value(Expr::Array(vec![v]))),
                }
                continue;
            }
            if let Some(r) = self.redirection()? {
                redirs.push(r);
                continue;
            }
            if c == '<' {
                return Err(perr("the `<` operator is reserved in PowerShell"));
            }
            if is_dash(c) && !end_of_params {
                let c1 = self.at(1);
                if c1.is_some_and(is_dash) {
                    if self.at(2) == Some('%') && self.at(3).is_none_or(force_start) {
                        self.i += 3;
                        let start = self.i;
                        while self.peek().is_some_and(|c| !is_nl(c) && c != '|') {
                            self.i += 1;
                        }
                        args.push(Arg::Stop(self.s[start..self.i].iter().collect()));
                        continue;
                    }
                    if self.at(2).is_none_or(force_start) {
                        self.i += 2;
                        end_of_params = true;
                        args.push(Arg::EndOfParams);
                        continue;
                    }
                } else if c1.is_some_and(|d| d.is_alphabetic() || d == '_' || d == '?')
                    && let Some(arg) = self.parameter()?
                {
                    args.push(arg);
                    continue;
                }
            }
            let start = self.i;
            let v = self.cmd_value()?;
            // PowerShell's tokenizer keeps `x>out.txt` as one word; should a version read
            // a redirection there instead, the file would be written: count it too.
            if let Expr::Lit(text) = &v
                && self.s[start..self.i].iter().copied().eq(text.chars())
                && let Some((_, target)) = text.rsplit_once('>')
                && !target.is_empty()
                && !target.starts_with('&')
            {
                redirs.push(Redir {
                    op: ">".into(),
                    target: Some(Expr::Lit(target.to_owned())),
                });
            }
            args.push(Arg::Value(v));
        }
        Ok(Command {
            invoke,
            name,
            args,
            redirs,
        })
    }

    /// A `-Name` or `-Name:value` token; `None` when a quote makes it a bareword.
    fn parameter(&mut self) -> Result<Option<Arg>, ShellError> {
        let start = self.i;
        self.i += 1;
        let mut name = String::new();
        let mut colon = false;
        while let Some(c) = self.peek() {
            if c.is_whitespace()
                || matches!(
                    c,
                    '{' | '}' | '(' | ')' | ';' | ',' | '|' | '&' | '.' | '[' | '\0'
                )
            {
                break;
            }
            if c == ':' {
                self.i += 1;
                colon = true;
                break;
            }
            if is_quote(c) {
                self.i = start;
                return Ok(None);
            }
            name.push(c);
            self.i += 1;
        }
        let raw: String = self.s[start..self.i].iter().collect();
        let value = if colon {
            self.skip_blank()?;
            if self.at_end() || matches!(self.peek(), Some('|' | '&')) {
                return Err(perr(format!("missing a value after `{raw}`")));
            }
            Some(self.cmd_value()?)
        } else {
            None
        };
        Ok(Some(Arg::Param { name, raw, value }))
    }

    fn redirections(&mut self) -> Result<Vec<Redir>, ShellError> {
        let mut out = Vec::new();
        loop {
            let save = self.i;
            self.skip_blank()?;
            match self.redirection()? {
                Some(r) => out.push(r),
                None => {
                    self.i = save;
                    return Ok(out);
                }
            }
        }
    }

    /// A redirection at the current position, with its target.
    fn redirection(&mut self) -> Result<Option<Redir>, ShellError> {
        let (Some(c), c1) = (self.peek(), self.at(1)) else {
            return Ok(None);
        };
        let stream = match c {
            '>' => None,
            '*' | '1'..='6' if c1 == Some('>') => Some(c),
            _ => return Ok(None),
        };
        let start = self.i;
        self.i += if stream.is_some() { 2 } else { 1 };
        if self.peek() == Some('>') {
            self.i += 1;
        } else if stream.is_some()
            && self.peek() == Some('&')
            && matches!(self.at(1), Some('1' | '2'))
        {
            self.i += 2;
            let op: String = self.s[start..self.i].iter().collect();
            return Ok(Some(Redir { op, target: None }));
        }
        let op: String = self.s[start..self.i].iter().collect();
        self.skip_blank()?;
        if self.at_end() || matches!(self.peek(), Some('|' | '&')) {
            return Err(perr(format!("missing a file after the redirection `{op}`")));
        }
        let target = self.cmd_value()?;
        Ok(Some(Redir {
            op,
            target: Some(target),
        }))
    }

    /// One argument-mode value: a string, a bareword, a variable, a subexpression, a
    /// block. The caller has checked that something is there.
    fn cmd_value(&mut self) -> Result<Expr, ShellError> {
        let Some(c) = self.peek() else {
            return Err(perr("missing an argument"));
        };
        let c1 = self.at(1);
        match c {
            c if is_squote(c) => {
                self.i += 1;
                Ok(Expr::Lit(self.squote_body()?))
            }
            c if is_dquote(c) => {
                self.i += 1;
                Ok(Expr::Quoted(self.dquote_body()?))
            }
            '@' if c1 == Some('(') => {
                self.i += 2;
                let s = self.script(Some(')'))?;
                self.postfix(Expr::Sub(s))
            }
            '@' if c1 == Some('{') => {
                self.i += 2;
                self.hashtable()
            }
            '@' if c1.is_some_and(is_quote) => self.here_string(),
            '@' if c1.is_some_and(var_start) => {
                self.i += 1;
                {
                    self.var_name()?;
                    Ok(Expr::Splat)
                }
            }
            '$' => self.cmd_dollar(),
            '(' => {
                self.i += 1;
                let s = self.script(Some(')'))?;
                self.postfix(Expr::Paren(s))
            }
            '{' => {
                self.i += 1;
                Ok(Expr::Block(Rc::new(self.script(Some('}'))?)))
            }
            '[' if c1.is_none_or(force_start) => Err(perr("unexpected `[`")),
            _ => self.bareword(),
        }
    }

    /// `$…` in argument mode: a variable (with member accesses), a subexpression, or the
    /// start of an expandable bareword (`$HOME/x`).
    fn cmd_dollar(&mut self) -> Result<Expr, ShellError> {
        let start = self.i;
        match self.at(1) {
            Some('(') => {
                self.i += 2;
                let s = self.script(Some(')'))?;
                self.postfix(Expr::Sub(s))
            }
            Some(c) if c == '{' || var_start(c) => {
                self.i += 1;
                let name = self.var_name()?;
                match self.peek() {
                    None => Ok(Expr::Var(name)),
                    Some('.' | '[') => self.postfix(Expr::Var(name)),
                    Some(':') if self.at(1) == Some(':') => self.postfix(Expr::Var(name)),
                    Some('=') => Ok(Expr::Var(name)),
                    Some(c) if force_start(c) => Ok(Expr::Var(name)),
                    Some(_) => {
                        self.i = start;
                        self.bareword()
                    }
                }
            }
            _ => self.bareword(),
        }
    }

    /// A variable name after `$` (or `@`): `name`, `scope:name`, `${any text}`.
    fn var_name(&mut self) -> Result<String, ShellError> {
        if self.peek() == Some('{') {
            self.i += 1;
            let mut name = String::new();
            loop {
                match self.bump() {
                    None => return Err(perr("a `${` variable is not closed")),
                    Some('}') => break,
                    Some('`') => match self.bump() {
                        Some(c) => name.push(backtick(c)),
                        None => return Err(perr("a `${` variable is not closed")),
                    },
                    Some(c) => name.push(c),
                }
            }
            return Ok(name);
        }
        let Some(first) = self.peek().filter(|c| var_start(*c)) else {
            return Err(perr("a `$` is not followed by a variable name"));
        };
        self.i += 1;
        let mut name = first.to_string();
        if matches!(first, '$' | '?' | '^') {
            return Ok(name);
        }
        while let Some(c) = self.peek() {
            if var_char(c) || (c == ':' && self.at(1) != Some(':') && self.at_is(1, var_char)) {
                name.push(c);
                self.i += 1;
            } else {
                break;
            }
        }
        Ok(name)
    }

    /// A bareword argument: runs to whitespace or one of `&(),;{|}`; quotes, `$`
    /// expansions and backtick escapes inside it join into one value.
    fn bareword(&mut self) -> Result<Expr, ShellError> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut plain = true;
        let mut first = true;
        while let Some(c) = self.peek() {
            if force_start(c) && !first {
                break;
            }
            first = false;
            self.i += 1;
            match c {
                '`' => match self.bump() {
                    Some(n) => lit.push(self.escaped(n)?),
                    None => lit.push('`'),
                },
                c if is_squote(c) => {
                    plain = false;
                    lit.push_str(&self.squote_body()?);
                }
                c if is_dquote(c) => {
                    plain = false;
                    for p in self.dquote_body()? {
                        push_part(&mut parts, &mut lit, p);
                    }
                }
                '$' => {
                    if let Some(p) = self.dollar_part()? {
                        plain = false;
                        push_part(&mut parts, &mut lit, p);
                    } else {
                        lit.push('$');
                    }
                }
                c => lit.push(c),
            }
        }
        if plain {
            return Ok(Expr::Lit(lit));
        }
        if !lit.is_empty() {
            parts.push(Part::Lit(lit));
        }
        Ok(Expr::Bare(parts))
    }

    /// The character a backtick escape stands for; `u{…}` reads a code point.
    fn escaped(&mut self, n: char) -> Result<char, ShellError> {
        if n == 'u' && self.peek() == Some('{') {
            let start = self.i + 1;
            let mut j = start;
            while self.s.get(j).is_some_and(|c| c.is_ascii_hexdigit()) {
                j += 1;
            }
            if self.s.get(j) == Some(&'}') && j > start {
                let hex: String = self.s[start..j].iter().collect();
                self.i = j + 1;
                return u32::from_str_radix(&hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| perr("a `u{…} escape names no character"));
            }
        }
        Ok(backtick(n))
    }

    /// After a `$` inside a string or bareword: the expansion it starts, if any.
    fn dollar_part(&mut self) -> Result<Option<Part>, ShellError> {
        match self.peek() {
            Some('(') => {
                self.i += 1;
                Ok(Some(Part::Sub(self.script(Some(')'))?)))
            }
            Some(c) if c == '{' || (var_start(c) && c != ':') => {
                Ok(Some(Part::Var(self.var_name()?)))
            }
            _ => Ok(None),
        }
    }

    fn squote_body(&mut self) -> Result<String, ShellError> {
        let mut out = String::new();
        loop {
            match self.bump() {
                None => return Err(perr("a single-quoted string is not closed")),
                Some(c) if is_squote(c) => {
                    if self.peek().is_some_and(is_squote) {
                        out.push(c);
                        self.i += 1;
                    } else {
                        return Ok(out);
                    }
                }
                Some(c) => out.push(c),
            }
        }
    }

    fn dquote_body(&mut self) -> Result<Vec<Part>, ShellError> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        loop {
            match self.bump() {
                None => return Err(perr("a double-quoted string is not closed")),
                Some('`') => match self.bump() {
                    Some(n) => lit.push(self.escaped(n)?),
                    None => return Err(perr("a double-quoted string is not closed")),
                },
                Some(c) if is_dquote(c) => {
                    if self.peek().is_some_and(is_dquote) {
                        lit.push(c);
                        self.i += 1;
                    } else {
                        break;
                    }
                }
                Some('$') => match self.dollar_part()? {
                    Some(p) => push_part(&mut parts, &mut lit, p),
                    None => lit.push('$'),
                },
                Some(c) => lit.push(c),
            }
        }
        if !lit.is_empty() || parts.is_empty() {
            parts.push(Part::Lit(lit));
        }
        Ok(parts)
    }

    /// `@'…'@` or `@"…"@`: the header must end its line and the footer start one.
    fn here_string(&mut self) -> Result<Expr, ShellError> {
        self.i += 1;
        let quote = self.bump().unwrap_or('\'');
        let expandable = is_dquote(quote);
        while self.peek().is_some_and(is_ws) {
            self.i += 1;
        }
        match self.bump() {
            Some('\r') => {
                if self.peek() == Some('\n') {
                    self.i += 1;
                }
            }
            Some('\n') => {}
            _ => return Err(perr("nothing may follow `@'` or `@\"` on its line")),
        }
        let start = self.i;
        let closes = |c: char| {
            if expandable {
                is_dquote(c)
            } else {
                is_squote(c)
            }
        };
        let mut j = start;
        let end = loop {
            let line_start = j == start || self.s.get(j - 1).is_some_and(|c| is_nl(*c));
            match self.s.get(j) {
                None => return Err(perr("a here-string is not closed")),
                Some(&c) if line_start && closes(c) && self.s.get(j + 1) == Some(&'@') => {
                    break j;
                }
                Some(_) => j += 1,
            }
        };
        self.i = end + 2;
        let mut body_end = end;
        if body_end > start && self.s[body_end - 1] == '\n' {
            body_end -= 1;
        }
        if body_end > start && self.s[body_end - 1] == '\r' {
            body_end -= 1;
        }
        let body: String = self.s[start..body_end.max(start)].iter().collect();
        if !expandable {
            return Ok(Expr::Lit(body));
        }
        let mut inner = Parser::new(&body, self.depth);
        let mut parts = Vec::new();
        let mut lit = String::new();
        while let Some(c) = inner.bump() {
            match c {
                '`' => match inner.bump() {
                    Some(n) => lit.push(inner.escaped(n)?),
                    None => lit.push('`'),
                },
                '$' => match inner.dollar_part()? {
                    Some(p) => push_part(&mut parts, &mut lit, p),
                    None => lit.push('$'),
                },
                c => lit.push(c),
            }
        }
        if !lit.is_empty() || parts.is_empty() {
            parts.push(Part::Lit(lit));
        }
        Ok(Expr::Quoted(parts))
    }

    fn hashtable(&mut self) -> Result<Expr, ShellError> {
        self.enter()?;
        let mut entries = Vec::new();
        loop {
            self.skip_separators()?;
            match self.peek() {
                None => return Err(perr("missing `}` closing a hashtable")),
                Some('}') => {
                    self.i += 1;
                    break;
                }
                Some(c) if is_quote(c) || matches!(c, '$' | '(' | '@') => {
                    let key = self.unary()?;
                    self.skip_blank_nl()?;
                    self.expect('=', "in a hashtable entry")?;
                    self.skip_blank_nl()?;
                    entries.push((key, self.statement()?));
                }
                Some(_) => {
                    let start = self.i;
                    while self
                        .peek()
                        .is_some_and(|c| !c.is_whitespace() && !matches!(c, '=' | ';' | '}'))
                    {
                        self.i += 1;
                    }
                    let key = Expr::Lit(self.s[start..self.i].iter().collect());
                    self.skip_blank_nl()?;
                    self.expect('=', "in a hashtable entry")?;
                    self.skip_blank_nl()?;
                    entries.push((key, self.statement()?));
                }
            }
        }
        self.leave();
        Ok(Expr::Hash(entries))
    }

    // ----- expressions -----

    /// An expression: operands joined by binary operators (and commas when `commas`).
    fn expression(&mut self, commas: bool) -> Result<Expr, ShellError> {
        self.enter()?;
        let first = if commas {
            self.comma_list()?
        } else {
            self.unary()?
        };
        let mut operands = vec![first];
        loop {
            let save = self.i;
            self.skip_blank()?;
            if let Some(len) = self.binary_op_len() {
                self.i += len;
                self.skip_blank_nl()?;
                operands.push(if commas {
                    self.comma_list()?
                } else {
                    self.unary()?
                });
            } else if self.peek() == Some('?') && self.at_is(1, char::is_whitespace) {
                self.i += 1;
                self.skip_blank_nl()?;
                operands.push(self.expression(commas)?);
                self.skip_blank_nl()?;
                self.expect(':', "in a `? :` expression")?;
                self.skip_blank_nl()?;
                operands.push(self.expression(commas)?);
            } else {
                self.i = save;
                break;
            }
        }
        self.leave();
        Ok(if operands.len() == 1 {
            operands.pop().unwrap_or(Expr::Lit(String::new()))
        } else {
            Expr::Ops(operands)
        })
    }

    fn comma_list(&mut self) -> Result<Expr, ShellError> {
        let first = self.unary()?;
        let mut items = vec![first];
        loop {
            let save = self.i;
            self.skip_blank()?;
            if self.peek() == Some(',') {
                self.i += 1;
                self.skip_blank_nl()?;
                items.push(self.unary()?);
            } else {
                self.i = save;
                break;
            }
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Expr::Lit(String::new()))
        } else {
            Expr::Array(items)
        })
    }

    fn binary_op_len(&self) -> Option<usize> {
        let c = self.peek()?;
        let c1 = self.at(1);
        match c {
            c if is_dash(c) => {
                if c1.is_some_and(|d| d.is_alphabetic()) {
                    let mut n = 1;
                    let mut w = String::new();
                    while let Some(ch) = self.at(n).filter(|ch| ch.is_alphabetic()) {
                        w.push(ch.to_ascii_lowercase());
                        n += 1;
                    }
                    is_dash_operator(&w).then_some(n)
                } else if c1 == Some('=') || c1.is_some_and(is_dash) {
                    None
                } else {
                    Some(1)
                }
            }
            '+' if !matches!(c1, Some('+' | '=')) => Some(1),
            '*' if !matches!(c1, Some('=' | '>')) => Some(1),
            '/' | '%' if c1 != Some('=') => Some(1),
            '.' if c1 == Some('.') => Some(2),
            '?' if c1 == Some('?') && self.at(2) != Some('=') => Some(2),
            _ => None,
        }
    }

    fn unary(&mut self) -> Result<Expr, ShellError> {
        let mut ops = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(perr("missing an expression"));
            };
            let c1 = self.at(1);
            match c {
                '!' => {
                    self.i += 1;
                    ops.push("!".into());
                }
                c if is_dash(c) && c1.is_some_and(is_dash) => {
                    self.i += 2;
                    ops.push("--".into());
                }
                c if is_dash(c) && c1.is_some_and(|d| d.is_alphabetic()) => {
                    let mut n = 1;
                    let mut w = String::new();
                    while let Some(ch) = self.at(n).filter(|ch| ch.is_alphabetic()) {
                        w.push(ch.to_ascii_lowercase());
                        n += 1;
                    }
                    if !is_unary_operator(&w) {
                        return Err(perr(format!("unexpected `-{w}` in an expression")));
                    }
                    self.i += n;
                    ops.push(format!("-{w}"));
                }
                c if is_dash(c) => {
                    if self.number_len(self.i).is_some() {
                        break;
                    }
                    self.i += 1;
                    ops.push("-".into());
                }
                '+' if c1 == Some('+') => {
                    self.i += 2;
                    ops.push("++".into());
                }
                '+' => {
                    if self.number_len(self.i).is_some() {
                        break;
                    }
                    self.i += 1;
                    ops.push("+".into());
                }
                ',' => {
                    self.i += 1;
                    ops.push(",".into());
                }
                '[' => {
                    let ty = self.type_literal()?;
                    if matches!(self.peek(), Some('.' | '[')) || self.ahead(2) == "::" {
                        let e = self.postfix(ty)?;
                        return Ok(wrap_unary(ops, e));
                    }
                    let save = self.i;
                    self.skip_blank()?;
                    if self.starts_operand() {
                        if let Expr::Type { name, .. } = &ty {
                            ops.push(format!("[{}]", name.to_lowercase()));
                        }
                        continue;
                    }
                    self.i = save;
                    return Ok(wrap_unary(ops, ty));
                }
                _ => break,
            }
            self.skip_blank()?;
            if ops.len() > 4 * MAX_DEPTH {
                return Err(ShellError::TooComplex("too many prefix operators".into()));
            }
        }
        let base = self.primary()?;
        let e = self.postfix(base)?;
        Ok(wrap_unary(ops, e))
    }

    /// The next `n` characters (fewer at the end of the text).
    fn ahead(&self, n: usize) -> String {
        self.s[self.i.min(self.s.len())..(self.i + n).min(self.s.len())]
            .iter()
            .collect()
    }

    fn starts_operand(&self) -> bool {
        let Some(c) = self.peek() else {
            return false;
        };
        match c {
            '$' | '(' | '@' | '[' | '{' | '!' | '+' => true,
            c if is_quote(c) || c.is_ascii_digit() => true,
            '.' => self.at_is(1, |d| d.is_ascii_digit()),
            c if is_dash(c) => {
                self.at_is(1, |d| d.is_ascii_digit() || d == '.' || is_dash(d)) || {
                    let mut n = 1;
                    let mut w = String::new();
                    while let Some(ch) = self.at(n).filter(|ch| ch.is_alphabetic()) {
                        w.push(ch.to_ascii_lowercase());
                        n += 1;
                    }
                    is_unary_operator(&w)
                }
            }
            _ => false,
        }
    }

    fn primary(&mut self) -> Result<Expr, ShellError> {
        let Some(c) = self.peek() else {
            return Err(perr("missing an expression"));
        };
        let c1 = self.at(1);
        match c {
            '$' if c1 == Some('(') => {
                self.i += 2;
                Ok(Expr::Sub(self.script(Some(')'))?))
            }
            '$' if c1.is_some_and(|d| d == '{' || var_start(d)) => {
                self.i += 1;
                Ok(Expr::Var(self.var_name()?))
            }
            '$' => {
                self.i += 1;
                Ok(Expr::Lit("$".into()))
            }
            '@' if c1 == Some('(') => {
                self.i += 2;
                Ok(Expr::Sub(self.script(Some(')'))?))
            }
            '@' if c1 == Some('{') => {
                self.i += 2;
                self.hashtable()
            }
            '@' if c1.is_some_and(is_quote) => self.here_string(),
            '@' if c1.is_some_and(var_start) => {
                self.i += 1;
                {
                    self.var_name()?;
                    Ok(Expr::Splat)
                }
            }
            c if is_squote(c) => {
                self.i += 1;
                Ok(Expr::Lit(self.squote_body()?))
            }
            c if is_dquote(c) => {
                self.i += 1;
                Ok(Expr::Quoted(self.dquote_body()?))
            }
            '(' => {
                self.i += 1;
                Ok(Expr::Paren(self.script(Some(')'))?))
            }
            '{' => {
                self.i += 1;
                Ok(Expr::Block(Rc::new(self.script(Some('}'))?)))
            }
            '[' => self.type_literal(),
            c if c.is_ascii_digit() || is_dash(c) || c == '+' || c == '.' => {
                match self.number_len(self.i) {
                    Some(n) => {
                        let text: String = self.s[self.i..self.i + n].iter().collect();
                        self.i += n;
                        Ok(Expr::Lit(text))
                    }
                    None => self.bareword(),
                }
            }
            c if ident_start(c) => {
                let start = self.i;
                while self.peek().is_some_and(|c| ident_char(c) || c == '-') {
                    self.i += 1;
                }
                Ok(Expr::Lit(self.s[start..self.i].iter().collect()))
            }
            c => Err(perr(format!("unexpected `{c}` in an expression"))),
        }
    }

    /// Member accesses, method calls and indexes written right after a value.
    fn postfix(&mut self, base: Expr) -> Result<Expr, ShellError> {
        let mut ops = Vec::new();
        loop {
            let c = self.peek();
            let c1 = self.at(1);
            let (skip, is_static) = match (c, c1) {
                (Some('.'), Some(d)) if d != '.' && (ident_start(d) || d == '$' || is_quote(d)) => {
                    (1, false)
                }
                (Some('?'), Some('.')) => (2, false),
                (Some(':'), Some(':')) => (2, true),
                (Some('['), _) | (Some('?'), Some('[')) => {
                    self.i += if c == Some('?') { 2 } else { 1 };
                    self.enter()?;
                    self.skip_blank_nl()?;
                    let index = self.expression(true)?;
                    self.skip_blank_nl()?;
                    self.expect(']', "closing an index")?;
                    self.leave();
                    ops.push(PostOp::Index(index));
                    continue;
                }
                (Some('+'), Some('+')) => {
                    self.i += 2;
                    ops.push(PostOp::Step);
                    continue;
                }
                (Some(d), Some(e)) if is_dash(d) && is_dash(e) => {
                    self.i += 2;
                    ops.push(PostOp::Step);
                    continue;
                }
                _ => break,
            };
            self.i += skip;
            let name = match self.peek() {
                Some(c) if ident_start(c) => {
                    let start = self.i;
                    while self.peek().is_some_and(ident_char) {
                        self.i += 1;
                    }
                    Expr::Lit(self.s[start..self.i].iter().collect())
                }
                Some(c) if is_squote(c) => {
                    self.i += 1;
                    Expr::Lit(self.squote_body()?)
                }
                Some(c) if is_dquote(c) => {
                    self.i += 1;
                    Expr::Quoted(self.dquote_body()?)
                }
                Some('$') => {
                    self.i += 1;
                    Expr::Var(self.var_name()?)
                }
                Some('(') => {
                    self.i += 1;
                    Expr::Paren(self.script(Some(')'))?)
                }
                _ => return Err(perr("missing a member name after `.` or `::`")),
            };
            let call = match self.peek() {
                Some('(') => {
                    self.i += 1;
                    Some(self.call_args()?)
                }
                Some('{') => {
                    self.i += 1;
                    Some(vec![Expr::Block(Rc::new(self.script(Some('}'))?))])
                }
                _ => None,
            };
            ops.push(PostOp::Member {
                name,
                is_static,
                call,
            });
        }
        Ok(if ops.is_empty() {
            base
        } else {
            Expr::Post {
                base: Box::new(base),
                ops,
            }
        })
    }

    fn call_args(&mut self) -> Result<Vec<Expr>, ShellError> {
        self.enter()?;
        let mut args = Vec::new();
        self.skip_blank_nl()?;
        if self.peek() == Some(')') {
            self.i += 1;
        } else {
            loop {
                args.push(self.expression(false)?);
                self.skip_blank_nl()?;
                match self.bump() {
                    Some(',') => self.skip_blank_nl()?,
                    Some(')') => break,
                    _ => return Err(perr("missing `)` closing a method call")),
                }
            }
        }
        self.leave();
        Ok(args)
    }

    /// `[Type]`, `[Generic[Arg]]`, or an attribute `[Name(args)]`.
    fn type_literal(&mut self) -> Result<Expr, ShellError> {
        self.enter()?;
        self.i += 1;
        let mut name = String::new();
        let mut args = Vec::new();
        let mut depth = 0usize;
        loop {
            match self.bump() {
                None => return Err(perr("missing `]` closing a type")),
                Some(c) if is_nl(c) && depth == 0 => {
                    return Err(perr("missing `]` closing a type"));
                }
                Some('[') => {
                    depth += 1;
                    name.push('[');
                }
                Some(']') if depth == 0 => break,
                Some(']') => {
                    depth -= 1;
                    name.push(']');
                }
                Some('(') if depth == 0 => args.extend(self.attribute_args()?),
                Some('`') => {
                    if let Some(c) = self.bump() {
                        name.push(c);
                    }
                }
                Some(c) => name.push(c),
            }
        }
        self.leave();
        Ok(Expr::Type {
            name: name.trim().to_owned(),
            args,
        })
    }

    fn attribute_args(&mut self) -> Result<Vec<Expr>, ShellError> {
        self.enter()?;
        let mut args = Vec::new();
        loop {
            self.skip_blank_nl()?;
            match self.peek() {
                None => return Err(perr("missing `)` closing attribute arguments")),
                Some(')') => {
                    self.i += 1;
                    break;
                }
                Some(',') => self.i += 1,
                Some(c) if ident_start(c) => {
                    let start = self.i;
                    while self.peek().is_some_and(ident_char) {
                        self.i += 1;
                    }
                    self.skip_blank()?;
                    if self.peek() == Some('=') {
                        self.i += 1;
                        self.skip_blank_nl()?;
                        args.push(self.expression(false)?);
                    } else if !matches!(self.peek(), Some(',' | ')')) {
                        self.i = start;
                        args.push(self.expression(false)?);
                    }
                }
                Some(_) => args.push(self.expression(false)?),
            }
        }
        self.leave();
        Ok(args)
    }
}

fn wrap_unary(ops: Vec<String>, operand: Expr) -> Expr {
    if ops.is_empty() {
        operand
    } else {
        Expr::Unary {
            ops,
            operand: Box::new(operand),
        }
    }
}

fn push_part(parts: &mut Vec<Part>, lit: &mut String, p: Part) {
    match p {
        Part::Lit(s) => lit.push_str(&s),
        p => {
            if !lit.is_empty() {
                parts.push(Part::Lit(std::mem::take(lit)));
            }
            parts.push(p);
        }
    }
}

/// How deeply `text` nests brackets, counted without parsing: used to decide whether the
/// analysis needs a large stack before any recursion starts.
pub(super) fn nesting(text: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for c in text.chars() {
        match c {
            '(' | '{' | '[' => depth += 1,
            ')' | '}' | ']' => depth = depth.saturating_sub(1),
            _ => continue,
        }
        max = max.max(depth);
    }
    max
}
