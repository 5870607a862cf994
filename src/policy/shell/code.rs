//! Interpreter one-liners and stdin scripts (python, node, ruby, perl, awk), and sed
//! scripts. Their languages are not parsed: their string literals are. A literal that
//! names a path counts as written when the code also calls something that writes,
//! deletes, renames or runs commands; awk's `print > "file"` and perl's `open(F, ">f")`
//! name their targets outright.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Lang {
    Python,
    Node,
    Ruby,
    Perl,
    Awk,
    Other,
}

#[derive(Debug, Default)]
pub(super) struct Scan {
    /// Literals (and their whitespace-separated words) that could be paths.
    pub paths: Vec<String>,
    /// The code calls something that writes.
    pub writes: bool,
    /// What it calls removes or copies whole trees.
    pub recursive: bool,
    /// Literals the code writes to outright (`> "f"`, `open(F, ">f")`).
    pub redirected: Vec<String>,
    /// Literals the code runs as shell commands (`system("…")`, awk `print | "…"`).
    pub commands: Vec<String>,
    /// awk variables used as output files (`print > f`).
    pub redirect_vars: Vec<String>,
    /// A call that writes, deletes or links is given a path the code computes
    /// (`os.remove(chr(46)+…)`, `unlink for glob …`, `Path(p).unlink()`): it may be any.
    pub computed: bool,
}

/// Calls whose first argument (or two: source and destination) is a path they write.
const PATH_CALLS: &[(&str, usize)] = &[
    ("remove", 1),
    ("unlink", 1),
    ("unlinksync", 1),
    ("rmsync", 1),
    ("rmdirsync", 1),
    ("rmdir", 1),
    ("rmtree", 1),
    ("removedirs", 1),
    ("truncate", 1),
    ("truncatesync", 1),
    ("writefile", 1),
    ("writefilesync", 1),
    ("appendfile", 1),
    ("appendfilesync", 1),
    ("createwritestream", 1),
    ("mkdir", 1),
    ("makedirs", 1),
    ("mkdirsync", 1),
    ("chmod", 1),
    ("chmodsync", 1),
    ("chown", 1),
    ("utime", 1),
    ("rename", 2),
    ("renamesync", 2),
    ("replace", 2),
    ("move", 2),
    ("copy", 2),
    ("copy2", 2),
    ("copyfile", 2),
    ("copyfilesync", 2),
    ("copytree", 2),
    ("cpsync", 2),
    ("symlink", 2),
    ("symlinksync", 2),
    ("link", 2),
    ("linksync", 2),
    ("hardlink_to", 1),
    ("symlink_to", 1),
    ("write_text", 1),
    ("write_bytes", 1),
    ("touch", 1),
];

/// Whether an `open` call with a write mode is given a computed path.
fn open_computes(code: &[char], lits: &[Literal]) -> bool {
    let is_mode = |t: &str| {
        let t = t.trim();
        t.starts_with(['>', '|', '+'])
            || (!t.is_empty()
                && t.len() <= 3
                && t.chars().all(|c| "wax+bt".contains(c))
                && t.contains(['w', 'a', 'x', '+']))
    };
    for lit in lits.iter().filter(|l| is_mode(&l.text)) {
        let Some((name, _, end)) = call_of(code, lit.start) else {
            // perl's `open F, ">$x"` without parentheses: an interpolated mode literal.
            let before: String = code[lit.start.saturating_sub(12)..lit.start]
                .iter()
                .collect();
            if before.contains("open") && lit.text.contains('$') {
                return true;
            }
            if before.contains("open") && lit.text.trim() == ">" {
                // `open F, ">", $x`: the next argument.
                let rest: String = code[lit.end..].iter().take_while(|c| **c != ';').collect();
                let next = rest.trim_start_matches([',', ' ']);
                if !next.starts_with(['"', '\'']) && !next.starts_with("q") {
                    return true;
                }
            }
            continue;
        };
        if !name.to_ascii_lowercase().ends_with("open") {
            continue;
        }
        // The other literal arguments of the call: a path argument that is not one is
        // computed. Count the top-level arguments and the literals among them.
        let start = call_open(code, lit.start).unwrap_or(lit.start);
        let inner: String = code[start + 1..end.min(code.len())].iter().collect();
        let first = inner.trim_start();
        // perl's `open(F, …)`, `open(my $fh, …)`: a handle first.
        let handle = name.eq_ignore_ascii_case("open")
            && (first.starts_with(|c: char| c.is_ascii_uppercase() || c == '$')
                || first.starts_with("my "));
        // Every other argument but the mode must be one plain literal.
        for (k, &(a, b)) in top_args(code, lits, start + 1, end).iter().enumerate() {
            if (k == 0 && handle) || (a <= lit.start && lit.end <= b) {
                // perl's two-argument `open(F, ">" . NAME)`: the mode joined to a name
                // the code computes.
                let joined = a <= lit.start
                    && lit.end <= b
                    && lit.text.trim_start().starts_with(['>', '+', '|'])
                    && one_literal(code, lits, a, b).is_none();
                if joined {
                    return true;
                }
                continue;
            }
            // Keyword arguments (`encoding="utf-8"`) name no path.
            let text: String = code[a..b.min(code.len())].iter().collect();
            let text = text.trim();
            if k > 0
                && text.split_once('=').is_some_and(|(n, _)| {
                    !n.is_empty() && n.trim().chars().all(|c| c.is_alphanumeric() || c == '_')
                })
            {
                continue;
            }
            if text.is_empty() || k > 1 && text.chars().all(|c| c.is_ascii_digit() || c == '-') {
                continue;
            }
            if one_literal(code, lits, a, b).is_none() {
                return true;
            }
        }
        if lit.text.contains('$') {
            return true;
        }
    }
    false
}

/// Whether a path-writing call in `code` is given something other than string
/// literals where its paths go.
fn computes_paths(code: &[char], lits: &[Literal], lang: Lang) -> bool {
    const MODULES: &[&str] = &[
        "os",
        "shutil",
        "fs",
        "promises",
        "fsp",
        "fse",
        "posix",
        "file",
        "fileutils",
        "dir",
        "pathlib",
    ];
    // Methods of a path object, whose path is the receiver.
    const PATH_METHODS: &[&str] = &[
        "unlink",
        "touch",
        "rmdir",
        "mkdir",
        "write_text",
        "write_bytes",
        "symlink_to",
        "hardlink_to",
        "chmod",
        "rename",
        "replace",
    ];
    let lower: Vec<char> = code.iter().map(char::to_ascii_lowercase).collect();
    // Which characters lie inside a literal: asked of every character below.
    let mut inside = vec![false; code.len()];
    for l in lits {
        for c in &mut inside[l.start.min(code.len())..l.end.min(code.len())] {
            *c = true;
        }
    }
    let in_literal = |i: usize| inside.get(i).copied().unwrap_or(false);
    let literal_at = |from: usize, to: usize| {
        let (mut a, mut b) = (from, to);
        while a < b && code[a].is_whitespace() {
            a += 1;
        }
        while b > a && code[b - 1].is_whitespace() {
            b -= 1;
        }
        a < b
            && lits
                .iter()
                .any(|l| l.start == a && l.end == b && !l.interpolated)
    };
    // The call whose closing parenthesis is at `close`: its argument is one literal.
    let literal_call_before = |close: usize| {
        let mut depth = 0i32;
        let mut open = close;
        loop {
            if !in_literal(open) {
                match code[open] {
                    ')' => depth += 1,
                    '(' => {
                        depth -= 1;
                        if depth == 0 {
                            return literal_at(open + 1, close);
                        }
                    }
                    _ => {}
                }
            }
            if open == 0 {
                return false;
            }
            open -= 1;
        }
    };
    for (name, paths) in PATH_CALLS {
        let needle: Vec<char> = name.chars().collect();
        let mut i = 0;
        while i + needle.len() <= lower.len() {
            let hit = lower[i..i + needle.len()] == needle[..]
                && !in_literal(i)
                && (i == 0 || !(lower[i - 1].is_alphanumeric() || lower[i - 1] == '_'))
                && lower
                    .get(i + needle.len())
                    .is_none_or(|c| !(c.is_alphanumeric() || *c == '_'));
            if !hit {
                i += 1;
                continue;
            }
            let dotted = i > 0 && code[i - 1] == '.';
            let receiver: String = if dotted {
                code[..i - 1]
                    .iter()
                    .rev()
                    .take_while(|c| c.is_alphanumeric() || **c == '_')
                    .collect::<String>()
                    .chars()
                    .rev()
                    .collect::<String>()
                    .to_ascii_lowercase()
            } else {
                String::new()
            };
            let after_call = dotted && i >= 2 && code[i - 2] == ')';
            let module = MODULES.contains(&receiver.as_str());
            let path_method = PATH_METHODS.contains(name);
            let relevant = match lang {
                Lang::Perl | Lang::Ruby => !dotted || module,
                _ => dotted && (module || after_call || (path_method && !receiver.is_empty())),
            };
            if !relevant {
                i += 1;
                continue;
            }
            let mut j = i + needle.len();
            while j < code.len() && code[j] == ' ' {
                j += 1;
            }
            let (start, end) = if code.get(j) == Some(&'(') {
                let mut depth = 0i32;
                let mut k = j;
                while k < code.len() {
                    if !in_literal(k) {
                        match code[k] {
                            '(' | '[' | '{' => depth += 1,
                            ')' | ']' | '}' => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                    k += 1;
                }
                (j + 1, k.min(code.len()))
            } else if matches!(lang, Lang::Perl | Lang::Ruby) {
                let mut k = j;
                while k < code.len() && (in_literal(k) || !matches!(code[k], ';' | '\n' | '}')) {
                    k += 1;
                }
                (j, k)
            } else {
                // Passed along, not called (`map(os.remove, files)`): any path.
                return true;
            };
            let mut args = Vec::new();
            let (mut depth, mut from) = (0i32, start);
            for (k, ch) in code.iter().enumerate().take(end).skip(start) {
                if in_literal(k) {
                    continue;
                }
                match ch {
                    '(' | '[' | '{' => depth += 1,
                    ')' | ']' | '}' => depth -= 1,
                    ',' if depth == 0 => {
                        args.push((from, k));
                        from = k + 1;
                    }
                    _ => {}
                }
            }
            args.push((from, end));
            let empty = code[start..end].iter().all(|c| c.is_whitespace());
            let on_receiver = dotted && !module && (path_method || empty);
            if on_receiver {
                // `Path('x').unlink()` names its path; `p.unlink()` computes it.
                if !(after_call && literal_call_before(i - 2)) {
                    return true;
                }
            } else if empty {
                // perl's `unlink;` works on `$_`.
                return true;
            } else {
                let wanted = if matches!(lang, Lang::Perl | Lang::Ruby) && !dotted {
                    args.len()
                } else {
                    (*paths).min(args.len())
                };
                if args.iter().take(wanted).any(|&(a, b)| !literal_at(a, b)) {
                    return true;
                }
            }
            i = end.max(i + 1);
        }
    }
    false
}

/// Calls that write, delete, rename, change modes or run commands, in any of the
/// languages above (matched on lowercased code with stdout/stderr writes removed).
const WRITE_CALLS: &[&str] = &[
    "o_wronly",
    "o_rdwr",
    "o_creat",
    "o_trunc",
    "o_append",
    "wronly",
    "make_path",
    "mkpath",
    "remove_tree",
    "put_contents",
    "fwrite",
    "fputs",
    "ftruncate",
    "passthru",
    "shell_exec",
    "proc_open",
    "write",
    "unlink",
    "remove",
    "rmtree",
    "rename",
    "os.replace",
    "shutil",
    "rmdir",
    "mkdir",
    "makedirs",
    "truncate",
    "chmod",
    "chown",
    "touch",
    "system",
    "subprocess",
    "popen",
    "exec",
    "spawn",
    "symlink",
    "link(",
    "linksync",
    "hardlink_to",
    // Library calls that write a file they are given (`urlretrieve(url, f)`,
    // `mkstemp(dir=d)`, `cProfile.run(code, f)`, perl's `dbmopen`, tied DBM files).
    "urlretrieve",
    "mkstemp",
    "mkdtemp",
    "namedtemporaryfile",
    "cprofile",
    "profile.run",
    "dbmopen",
    "db_file",
    "dbm_file",
    "copyfile",
    "copy(",
    "copy2",
    "copytree",
    "move(",
    "fileutils",
    "delete",
    "appendfile",
    "createwritestream",
    "cp(",
    "cpsync",
    "rm(",
    "rmsync",
    "rm_r",
    "rm_rf",
    "qx",
    "%x",
    "sysopen",
    "dump(",
    "io.write",
    "file.write",
    "file.open",
    "save(",
    "savetxt",
    "to_csv",
    "to_json",
    "rename(",
    "utime",
    "mkfifo",
    "writelines",
    "open3",
    "spawnsync",
    "execsync",
    // In-place editing switched on by the code (perl's `$^I`, ruby's `$-i`, python's
    // `fileinput.input(inplace=True)`, gawk's inplace extension): the files it reads.
    "$^i",
    "${^i}",
    "$-i",
    "inplace",
    // Writers that do not say so: log files, raw file objects, tied files, distutils.
    "filehandler",
    "basicconfig",
    "fileio",
    "tie ",
    "tie(",
    "copy_file",
    "move_file",
    "write_file",
    "mailbox",
    "io::file",
    "create_archive",
    "venv.create",
    "store(",
    "nstore",
    "store ",
    // Databases that make their file on open (`dbm.open(p, 'c')`, `shelve.open(p)`).
    "dbm.",
    "shelve.",
    "sqlite3.connect",
];

const RECURSIVE_CALLS: &[&str] = &[
    "rmtree",
    "recursive",
    "rm_r",
    "rm_rf",
    "remove_tree",
    "copytree",
    "-rf",
    "-r ",
];

pub(super) fn scan(code: &str, lang: Lang) -> Scan {
    let lits = literals(code, lang);
    // Indicators are looked for in the code with its literals blanked out: a path such as
    // `roles/executor.md` must not read as a call to `exec`.
    let mut bare: Vec<char> = code.chars().collect();
    for l in &lits {
        for c in &mut bare[l.start..l.end] {
            *c = ' ';
        }
    }
    let lower = bare
        .iter()
        .collect::<String>()
        .to_ascii_lowercase()
        .replace("stdout.write", "")
        .replace("stderr.write", "")
        .replace("system.out.", "")
        .replace("system.err.", "");
    // perl's and ruby's calls without parentheses (`link "a", "b"`).
    let bare_link = matches!(lang, Lang::Perl | Lang::Ruby)
        && lower.match_indices("link").any(|(at, _)| {
            let before = lower[..at].chars().next_back();
            let after = lower[at + 4..].chars().next();
            before.is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
                && after.is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
        });
    // pathlib's `Path(a).replace(b)` moves a file (a string's `.replace` does not).
    let path_replace = lower.contains("path") && lower.contains(").replace(");
    let mut scan = Scan {
        writes: bare_link || path_replace || WRITE_CALLS.iter().any(|c| lower.contains(c)),
        recursive: RECURSIVE_CALLS.iter().any(|c| lower.contains(c)),
        ..Scan::default()
    };
    let chars: Vec<char> = code.chars().collect();
    scan.computed = lang != Lang::Awk && computes_paths(&chars, &lits, lang);
    // Calls made by a name the code builds (`getattr(os, 'rem' + 'ove')`,
    // `fs['unlink' + 'Sync']`, `eval`) may be any call, writing any path.
    const DYNAMIC: &[&str] = &[
        "getattr(",
        "__import__",
        "importlib",
        "eval(",
        "exec(",
        "compile(",
        "globals()",
        "vars(",
        "function(",
        "reflect.",
        "send(",
        "public_send(",
        "instance_eval",
        "class_eval",
        "->can(",
        "&{",
        "runpy",
        "run_path",
        "run_module",
        // Archive members are named by the archive (`..`, absolute names, symlinks).
        "extractall",
        "extract(",
        "unpack_archive",
    ];
    // perl's `do FILE` and `require FILE` run another file's code.
    let runs_file = lang == Lang::Perl
        && lits.iter().any(|l| {
            let before: String = chars[l.start.saturating_sub(10)..l.start].iter().collect();
            let before = before.trim_end();
            before.ends_with("do") || before.ends_with("require")
        });
    // perl's `eval EXPR` (not `eval { … }`) runs a string as code.
    let perl_eval = lang == Lang::Perl
        && lower.match_indices("eval").any(|(at, _)| {
            let before = lower[..at].chars().next_back();
            let next = lower[at + 4..].chars().find(|c| !c.is_whitespace());
            before.is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
                && next != Some('{')
                && !lower[at + 4..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
        });
    if runs_file || perl_eval || lang != Lang::Awk && DYNAMIC.iter().any(|d| lower.contains(d)) {
        scan.computed = true;
        scan.writes = true;
    }

    // A command handed to a shell or run as a program, built at run time
    // (`os.system(x)`, `execSync("rm " + f)`, `system("rm", $f)`): any command.
    let mut marked = bare.clone();
    for l in lits.iter().filter(|l| l.interpolated) {
        marked[l.start] = '$';
    }
    if lang != Lang::Awk && computed_command(&marked, lang) {
        scan.computed = true;
        scan.writes = true;
    }
    // Folded runs of joined literals (`"ro" + "les/a.md"`) may name paths too.
    let mut k = 0;
    while k < lits.len() {
        let mut j = k;
        let mut text = lits[k].text.clone();
        while j + 1 < lits.len() && joined(&chars, &lits[j], &lits[j + 1], lang) {
            j += 1;
            text.push_str(&lits[j].text);
        }
        if j > k && !read_only_position(&chars, &lits[k]) {
            add_paths(&mut scan.paths, &text);
        }
        k = j + 1;
    }
    // Perl's `open(F, ">", $x)`, `open F, ">$x"`, python's `open(x, "w")`: a write mode
    // with a path the code computes.
    if lang != Lang::Awk && open_computes(&chars, &lits) {
        scan.computed = true;
        scan.writes = true;
    }
    for (index, lit) in lits.iter().enumerate() {
        let text = &lit.text;
        let before: String = chars[lit.start.saturating_sub(16)..lit.start]
            .iter()
            .collect();
        let preceded = before.trim_end();
        // A path opened with a mode the code computes (`m = "w"; open("f", m)`,
        // `fs.openSync("f", flags)`) may be opened for writing.
        if lang != Lang::Awk
            && let Some((name, 0, end)) = call_of(&chars, lit.start)
            && is_opener(&name)
            && mode_computed(&chars[lit.end.min(end)..end])
        {
            scan.writes = true;
        }
        // A file-mode literal ('w', "a+") makes a Python/Ruby open() a write: when it is
        // given to something that opens a file (`"ab".replace("a", "b")` is no write).
        if !text.is_empty() && text.len() <= 3 && text.chars().all(|c| "rwxabt+".contains(c)) {
            let opener = call_of(&chars, lit.start).is_none_or(|(name, _, _)| {
                let name = name.to_ascii_lowercase();
                name.contains("open")
                    || name.ends_with("file")
                    || name.ends_with(".new")
                    || name.contains("writer")
                    || name.contains("dbm")
                    || name.contains("shelve")
            });
            if opener && text.contains(['w', 'a', 'x', '+']) {
                scan.writes = true;
            }
            continue;
        }
        // awk `print > "f"`, `printf(...) >> "f"`; perl `open(F, ">f")`.
        if lang == Lang::Awk && (preceded.ends_with('>') || preceded.ends_with('|')) {
            scan.redirected.push(text.clone());
        }
        if text.trim_start().starts_with(['>', '+']) && lang != Lang::Awk {
            scan.writes = true;
            let target = text.trim_start().trim_start_matches(['>', '+', '<']).trim();
            if !target.is_empty() {
                scan.redirected.push(target.to_owned());
            }
        }
        if lang == Lang::Awk && lower.contains("system") {
            scan.writes = true;
        }
        let after: String = chars[lit.end..(lit.end + 12).min(chars.len())]
            .iter()
            .collect();
        let backticked = matches!(lang, Lang::Perl | Lang::Ruby)
            && (chars.get(lit.start) == Some(&'`')
                || lit.quote_like == Some('x')
                || (lit.quote_like == Some('w')
                    && (preceded.ends_with("exec") || preceded.ends_with("system"))));
        let runs = backticked
            || match lang {
                Lang::Awk => {
                    preceded.ends_with('|')
                        || after.trim_start().starts_with("| getline")
                        || after.trim_start().starts_with("|getline")
                        || call_of(&chars, lit.start)
                            .is_some_and(|(name, index, _)| index == 0 && name == "system")
                }
                _ => call_of(&chars, lit.start).is_some_and(|(name, index, _)| {
                    let last = name
                        .rsplit(['.', ':'])
                        .next()
                        .unwrap_or(&name)
                        .to_ascii_lowercase();
                    index == 0 && RUNS_COMMANDS.contains(&last.as_str())
                }),
            };
        // A command line is walked as one: its words are judged there, not as paths.
        // Literals joined by the language's concatenation are one command; one built
        // from anything else may be any command.
        if runs {
            // awk's commands built at run time are `awk_dynamic`'s.
            if lang == Lang::Awk || backticked && !lit.interpolated {
                scan.commands.push(text.clone());
            } else if !continues_join(&chars, &lits, index, lang) {
                match joined_command(&chars, &lits, index, lang) {
                    Some(command) => scan.commands.push(command),
                    None => {
                        scan.computed = true;
                        scan.writes = true;
                        scan.commands.push(text.clone());
                    }
                }
            }
            continue;
        }
        if !read_only_position(&chars, lit) {
            add_paths(&mut scan.paths, text);
        }
    }
    if lang == Lang::Awk {
        scan.redirect_vars = awk_redirect_vars(&bare, &chars);
    }
    // `subprocess.run(["wazir-hooks", "uninstall"])`: our CLI run with its arguments as
    // separate literals. They are put back together as a command line, so that the
    // shell analysis refuses an operator command however the code spells the call.
    if let Some(i) = lits
        .iter()
        .position(|l| l.text == "wazir-hooks" || l.text.ends_with("/wazir-hooks"))
    {
        let words: Vec<String> = lits[i + 1..]
            .iter()
            .take(8)
            .map(|l| format!("'{}'", l.text.replace('\'', r"'\''")))
            .collect();
        scan.commands
            .push(format!("wazir-hooks {}", words.join(" ")));
    }
    // Code that changes its working folder (`os.chdir`, `process.chdir`, perl's `chdir`,
    // `Dir.chdir`) writes its relative paths from a folder the scan does not follow.
    let writes_somewhere = scan.writes || !scan.redirected.is_empty();
    if writes_somewhere && lang != Lang::Awk && lower.contains("chdir") {
        scan.computed = true;
        scan.writes = true;
    }
    scan
}

/// Whether two literals are joined into one string by the language: `+` (and, in
/// Python and Ruby, nothing: adjacent literals), perl's `.`.
fn joined(chars: &[char], a: &Literal, b: &Literal, lang: Lang) -> bool {
    if a.end > b.start || a.interpolated || b.interpolated {
        return false;
    }
    let between: String = chars[a.end..b.start].iter().collect();
    let op = between.trim_matches(|c: char| c.is_whitespace() || c == '\\');
    match lang {
        Lang::Python | Lang::Ruby => op.is_empty() || op == "+",
        Lang::Node => op == "+",
        Lang::Perl => op == ".",
        Lang::Awk => op.is_empty(),
        Lang::Other => false,
    }
}

/// Whether the literal at `index` continues a run joined to the one before it.
fn continues_join(chars: &[char], lits: &[Literal], index: usize, lang: Lang) -> bool {
    index > 0 && joined(chars, &lits[index - 1], &lits[index], lang)
}

/// The command a run-command call is given, when its first argument is the literal at
/// `index` alone or joined only to other literals: their text. `None` when the
/// argument is built from anything else.
fn joined_command(chars: &[char], lits: &[Literal], index: usize, lang: Lang) -> Option<String> {
    let first = &lits[index];
    if first.interpolated {
        return None;
    }
    let mut text = first.text.clone();
    let mut last = index;
    while last + 1 < lits.len() && joined(chars, &lits[last], &lits[last + 1], lang) {
        last += 1;
        text.push_str(&lits[last].text);
    }
    let before = chars[..first.start]
        .iter()
        .rev()
        .find(|c| !c.is_whitespace())
        .copied();
    let after = chars[lits[last].end..]
        .iter()
        .find(|c| !c.is_whitespace())
        .copied();
    let opens = match before {
        Some(c) => c == '(' || c.is_alphanumeric() || c == '_',
        None => false,
    };
    let closes = after.is_none_or(|c| matches!(c, ',' | ')' | ';' | '}'));
    (opens && closes).then_some(text)
}

/// Whether code (with its literals blanked) calls something that runs a command with
/// an argument that is not made of literals alone: a variable, a call, an
/// interpolation (`os.system(cmd)`, `execSync("rm " + f)`, `system("rm", $f)`,
/// `subprocess.run(["rm", p])`). Options objects and keyword arguments aside.
fn computed_command(bare: &[char], lang: Lang) -> bool {
    const RUNNERS: [&str; 17] = [
        "system",
        "popen",
        "execsync",
        "spawnsync",
        "execfile",
        "execfilesync",
        "check_call",
        "check_output",
        "getoutput",
        "getstatusoutput",
        "shell_exec",
        "passthru",
        "proc_open",
        "subprocess.run",
        "subprocess.call",
        "exec",
        "spawn",
    ];
    let lower: Vec<char> = bare.iter().map(char::to_ascii_lowercase).collect();
    let text: String = lower.iter().collect();
    for name in RUNNERS {
        let mut from = 0;
        while let Some(at) = text[from..].find(name) {
            let i = from + at;
            from = i + name.len();
            let prev = text[..i].chars().next_back();
            if prev.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let dotted = prev == Some('.');
            // `exec` and `spawn`: a regex's `.exec`, Python's own `exec` (handled as
            // dynamic code) and `os.spawn*` (a mode first) are other calls.
            if matches!(name, "exec" | "spawn") {
                let reversed: String = text[..i.saturating_sub(1)]
                    .chars()
                    .rev()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let receiver: String = reversed.chars().rev().collect();
                let child = receiver.contains("child_process") || receiver == "cp";
                if lang == Lang::Python || (dotted && !child) {
                    continue;
                }
            }
            let rest = &lower[from..];
            let skip = rest.iter().take_while(|c| **c == ' ').count();
            let (start, end) = match rest.get(skip) {
                Some('(') => {
                    let mut depth = 0i32;
                    let mut k = skip;
                    while k < rest.len() {
                        match rest[k] {
                            '(' | '[' | '{' => depth += 1,
                            ')' | ']' | '}' => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                        k += 1;
                    }
                    (skip + 1, k.min(rest.len()))
                }
                // perl's and ruby's calls without parentheses, up to the statement's end.
                Some(_) if matches!(lang, Lang::Perl | Lang::Ruby) && skip > 0 => {
                    let k = rest
                        .iter()
                        .position(|c| matches!(c, ';' | '\n' | '}'))
                        .unwrap_or(rest.len());
                    (skip, k)
                }
                _ => continue,
            };
            let mut depth = 0i32;
            let mut args: Vec<String> = vec![String::new()];
            for &c in &rest[start..end] {
                match c {
                    '(' | '[' | '{' => depth += 1,
                    ')' | ']' | '}' => depth -= 1,
                    ',' if depth == 0 => {
                        args.push(String::new());
                        continue;
                    }
                    _ => {}
                }
                if let Some(a) = args.last_mut() {
                    a.push(c);
                }
            }
            let literal_only = |a: &str| {
                let a = a.trim();
                let a = a
                    .strip_prefix('[')
                    .and_then(|x| x.strip_suffix(']'))
                    .unwrap_or(a);
                a.chars()
                    .all(|c| c.is_whitespace() || matches!(c, '+' | '.' | ',' | '\\'))
            };
            let computed = args.iter().any(|a| {
                let t = a.trim();
                let keyword = t.split_once('=').is_some_and(|(n, v)| {
                    !n.trim().is_empty()
                        && !v.starts_with('=')
                        && n.trim().chars().all(|c| c.is_alphanumeric() || c == '_')
                });
                !(t.starts_with('{') || keyword || literal_only(t))
            });
            if computed {
                return true;
            }
        }
    }
    false
}

/// Whether code names a shell as a word of its own (`"sh"`, `'/bin/bash'`, `"|sh"`).
pub(super) fn mentions_shell(code: &str) -> bool {
    const SHELLS: [&str; 9] = [
        "sh", "bash", "dash", "zsh", "ksh", "ash", "mksh", "busybox", "fish",
    ];
    code.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '/' || c == '.' || c == '-'))
        .filter_map(|w| w.rsplit('/').next())
        .any(|w| SHELLS.contains(&w))
}

/// Calls whose first argument is a shell command line.
const RUNS_COMMANDS: &[&str] = &[
    "system",
    "popen",
    "exec",
    "execsync",
    "shell_exec",
    "passthru",
    "proc_open",
    "check_call",
    "check_output",
    "getoutput",
    "getstatusoutput",
    "spawn",
    "spawnsync",
    "run",
    "call",
];

/// What awk code runs or writes that the literal scan cannot name: a `system()`,
/// a pipe or a print redirect whose command or file is computed (`system(x)`,
/// `print | cmd`, `print > $1`, `print > ARGV[1]`), and extensions it loads.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct AwkDynamic {
    /// Commands given as one literal to `system()`.
    pub system: Vec<String>,
    /// A command only known at run time, or an extension (`@load`, `@include`).
    pub runs_unknown: bool,
    /// An output file computed at run time (a field, an array element, a call).
    pub writes_unknown: bool,
    /// Output files that start with a literal and go on at run time
    /// (`print > "/tmp/part_" NR`).
    pub prefixes: Vec<String>,
}

pub(super) fn awk_dynamic(code: &str) -> AwkDynamic {
    let chars: Vec<char> = code.chars().collect();
    let lits = literals(code, Lang::Awk);
    let mut bare = chars.clone();
    for l in &lits {
        for c in &mut bare[l.start..l.end] {
            *c = ' ';
        }
    }
    blank_awk_regexes(&mut bare);
    let mut out = AwkDynamic::default();
    let lit_at = |i: usize| lits.iter().find(|l| l.start == i);
    let skip = |mut i: usize| {
        while i < bare.len() && bare[i] == ' ' && chars[i] != '"' {
            i += 1;
        }
        i
    };
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let word_at = |i: usize, w: &str| {
        let n = w.chars().count();
        i + n <= bare.len()
            && bare[i..i + n].iter().copied().eq(w.chars())
            && (i == 0 || !ident(bare[i - 1]))
            && bare.get(i + n).is_none_or(|c| !ident(*c))
    };
    let text: String = bare.iter().collect();
    if text.contains("@load") || text.contains("@include") {
        out.runs_unknown = true;
    }
    for i in 0..bare.len() {
        if word_at(i, "system") {
            let open = skip(i + 6);
            let arg = skip(open + 1);
            match (bare.get(open), lit_at(arg)) {
                (Some('('), Some(l)) if bare.get(skip(l.end)) == Some(&')') => {
                    out.system.push(l.text.clone());
                }
                _ => out.runs_unknown = true,
            }
        }
        if bare[i] == '|' && bare.get(i + 1) != Some(&'|') && (i == 0 || bare[i - 1] != '|') {
            let mut next = i + 1;
            if bare.get(next) == Some(&'&') {
                next += 1;
            }
            let next = skip(next);
            let literal_before = (0..i)
                .rev()
                .find(|&k| chars[k] != ' ')
                .is_some_and(|k| lits.iter().any(|l| l.end == k + 1));
            let literal_command =
                lit_at(next).is_some() || word_at(next, "getline") && literal_before;
            if !literal_command {
                out.runs_unknown = true;
            }
        }
        if word_at(i, "print") || word_at(i, "printf") {
            let mut j = i + 5;
            let mut depth = 0i32;
            while j < bare.len() {
                match bare[j] {
                    '(' | '[' => depth += 1,
                    ')' | ']' => {
                        depth -= 1;
                        if depth < 0 {
                            break;
                        }
                    }
                    ';' | '}' | '\n' if depth == 0 => break,
                    '>' if depth == 0 => {
                        let mut t = j + 1;
                        if bare.get(t) == Some(&'>') {
                            t += 1;
                        }
                        let t = skip(t);
                        let mut e = t;
                        while e < bare.len() && ident(bare[e]) {
                            e += 1;
                        }
                        let plain_name = e > t
                            && !bare[t].is_ascii_digit()
                            && !matches!(bare.get(skip(e)), Some('[' | '('));
                        match lit_at(t) {
                            Some(l)
                                if !matches!(
                                    bare.get(skip(l.end)),
                                    None | Some(';' | '}' | '\n' | ')' | '|' | '>')
                                ) =>
                            {
                                out.prefixes.push(l.text.clone());
                            }
                            Some(_) => {}
                            None if plain_name => {}
                            None => out.writes_unknown = true,
                        }
                        break;
                    }
                    _ => {}
                }
                j += 1;
            }
        }
    }
    out
}

/// Blanks awk's regular-expression literals (`/a|b/`), which may hold `|` and `>`: a
/// `/` starts one where an operand cannot end (after an operator, `(`, `,`, `{`, `;`,
/// a line start), and otherwise divides.
fn blank_awk_regexes(bare: &mut [char]) {
    let mut i = 0;
    let mut prev = '\n';
    while i < bare.len() {
        let c = bare[i];
        if c == '/' && "\n(,{};!~&|=?:".contains(prev) {
            let mut j = i + 1;
            while j < bare.len() && bare[j] != '/' && bare[j] != '\n' {
                if bare[j] == '\\' {
                    j += 1;
                }
                j += 1;
            }
            let end = (j + 1).min(bare.len());
            for c in &mut bare[i..end] {
                *c = ' ';
            }
            i = j + 1;
            prev = 'x';
            continue;
        }
        if c != ' ' && c != '\t' {
            prev = c;
        }
        i += 1;
    }
}

/// Identifiers awk code prints into (`> f`, `>> f`), read from code with its literals
/// blanked: comparisons (`$1 > max`) look alike, so a caller only uses these when the
/// variable names a path.
fn awk_redirect_vars(bare: &[char], chars: &[char]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bare.len() {
        if bare[i] == '>' && bare.get(i + 1) != Some(&'=') {
            let mut j = i + 1;
            if bare.get(j) == Some(&'>') {
                j += 1;
            }
            while j < bare.len() && bare[j] == ' ' && chars[j] != '"' {
                j += 1;
            }
            let start = j;
            while j < bare.len() && (bare[j].is_alphanumeric() || bare[j] == '_') {
                j += 1;
            }
            if j > start && !bare[start].is_ascii_digit() {
                out.push(bare[start..j].iter().collect());
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// Whether a literal sits where the code only reads it: the source argument of a copy,
/// the path of a read call, or an `open()` without a write mode.
fn read_only_position(chars: &[char], lit: &Literal) -> bool {
    let Some((name, index, call_end)) = call_of(chars, lit.start) else {
        return false;
    };
    let name = name.to_ascii_lowercase();
    let last = name.rsplit(['.', ':']).next().unwrap_or(&name).to_owned();
    let args: String = chars[lit.end.min(call_end)..call_end].iter().collect();
    let after: String = chars[call_end..(call_end + 24).min(chars.len())]
        .iter()
        .collect();
    const COPIES: &[&str] = &[
        "copy",
        "copy2",
        "copyfile",
        "copytree",
        "copyfilesync",
        "cp",
        "cpsync",
        "cp_r",
        "copy_file",
        "copy_entry",
    ];
    // Reads only. Listings (glob, listdir, walk, readdir) are left out on purpose: what
    // they list is what the code goes on to write.
    const READS: &[&str] = &[
        "read",
        "readfile",
        "readfilesync",
        "read_text",
        "read_bytes",
        "readlines",
        "exists",
        "existssync",
        "isfile",
        "isdir",
        "stat",
        "statsync",
        "lstat",
        "print",
        "log",
        "puts",
        "load",
        "loads",
        "foreach",
        "getsize",
        "getmtime",
        "access",
        "accesssync",
        "createreadstream",
        "readlink",
        "realpath",
        "abspath",
        "basename",
        "dirname",
        "file_get_contents",
        "say",
        "printf",
        "warn",
    ];
    if COPIES.contains(&last.as_str()) {
        return index == 0;
    }
    if READS.contains(&last.as_str()) {
        return true;
    }
    // Databases make their file on open (`shelve.open(p)`, `dbm.open(p, 'c')`).
    if name.contains("dbm") || name.contains("shelve") {
        return false;
    }
    if last == "open" || last == "fopen" || last == "openSync".to_ascii_lowercase() {
        let mode_write = args.contains("'w")
            || args.contains("\"w")
            || args.contains("'a")
            || args.contains("\"a")
            || args.contains("'x")
            || args.contains("+'")
            || args.contains("+\"")
            || args.contains("'r+")
            || args.contains("mode=")
            || args.contains("WRONLY")
            || args.contains("RDWR")
            || args.contains("CREAT")
            || args.contains("TRUNC");
        let computed = mode_computed(&chars[lit.end.min(call_end)..call_end]);
        return index == 0 && !mode_write && !computed;
    }
    if last == "path" || last == "pathname" {
        let method = after.trim_start_matches(')').trim_start_matches('.');
        return [
            "read_text",
            "read_bytes",
            "exists",
            "is_file",
            "is_dir",
            "stat",
            "open()",
            "resolve",
        ]
        .iter()
        .any(|m| method.starts_with(m));
    }
    false
}

/// Calls that open a file with a mode given after its path.
fn is_opener(name: &str) -> bool {
    let last = name
        .rsplit(['.', ':'])
        .next()
        .unwrap_or(name)
        .to_ascii_lowercase();
    matches!(
        last.as_str(),
        "open" | "opensync" | "fopen" | "fileio" | "popen" | "sysopen" | "io_open" | "openfile"
    )
}

/// Whether the arguments after a call's first (`rest`, from the end of that literal to
/// the call's end) give a mode that is not a literal: a second positional argument or a
/// `mode=`/`flags=` keyword whose value is not quoted.
fn mode_computed(rest: &[char]) -> bool {
    let text: String = rest.iter().collect();
    // Top-level arguments after the first.
    let mut args = Vec::new();
    let (mut depth, mut current, mut quote) = (0i32, String::new(), None::<char>);
    for c in text.chars() {
        match quote {
            Some(q) => {
                current.push(c);
                if c == q {
                    quote = None;
                }
                continue;
            }
            None if matches!(c, '"' | '\'' | '`') => quote = Some(c),
            None => {}
        }
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                args.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    args.push(current);
    // What precedes the first comma belongs to the path argument.
    args.iter().skip(1).enumerate().any(|(i, a)| {
        let a = a.trim();
        let value = match a.split_once('=') {
            Some((k, v))
                if !k.contains(['"', '\'', '('])
                    && k.trim().chars().all(|c| c.is_alphanumeric() || c == '_') =>
            {
                if !matches!(k.trim(), "mode" | "flags" | "flag") {
                    return false;
                }
                v.trim()
            }
            _ if i == 0 => a,
            _ => return false,
        };
        // `os.O_RDONLY` alone opens for reading.
        let read_only = value.to_ascii_lowercase().trim_start_matches("os.") == "o_rdonly";
        !value.is_empty() && !value.starts_with(['"', '\'', '`']) && !read_only
    })
}

/// Where the argument list of the call a literal is an argument of opens (its `(`).
fn call_open(chars: &[char], start: usize) -> Option<usize> {
    let mut depth = 0i32;
    let mut i = start;
    while i > 0 {
        i -= 1;
        match chars[i] {
            ')' | ']' | '}' => depth += 1,
            '(' if depth == 0 => return Some(i),
            '(' | '[' | '{' => depth -= 1,
            ';' | '\n' if depth == 0 => return None,
            _ => {}
        }
        if start - i > 400 {
            return None;
        }
    }
    None
}

/// The call a literal is an argument of: its name, the argument's index, and where the
/// call's argument list ends.
fn call_of(chars: &[char], start: usize) -> Option<(String, usize, usize)> {
    let mut depth = 0i32;
    let mut index = 0;
    let mut i = start;
    while i > 0 {
        i -= 1;
        match chars[i] {
            ')' | ']' | '}' => depth += 1,
            '(' if depth == 0 => {
                let mut j = i;
                while j > 0 && (chars[j - 1].is_alphanumeric() || "_.:$".contains(chars[j - 1])) {
                    j -= 1;
                }
                let name: String = chars[j..i].iter().collect();
                let mut end = start;
                let mut d = 0i32;
                while end < chars.len() {
                    match chars[end] {
                        '(' | '[' | '{' => d += 1,
                        ')' | ']' | '}' if d == 0 => break,
                        ')' | ']' | '}' => d -= 1,
                        _ => {}
                    }
                    end += 1;
                }
                return (!name.is_empty()).then_some((name, index, end));
            }
            '(' | '[' | '{' => depth -= 1,
            ',' if depth == 0 => index += 1,
            ';' | '\n' if depth == 0 => return None,
            _ => {}
        }
        if start - i > 400 {
            return None;
        }
    }
    None
}

fn add_paths(out: &mut Vec<String>, lit: &str) {
    let mut push = |s: &str| {
        let s = s.trim_matches(|c: char| {
            c == ',' || c == ';' || c == '(' || c == ')' || c.is_whitespace()
        });
        let s = s.trim_start_matches(['>', '<', '+']);
        if s.chars().count() > 1
            && s.len() < 4096
            && !s.contains("://")
            && !s.contains(char::is_control)
            && !out.iter().any(|o| o == s)
        {
            out.push(s.to_owned());
        }
    };
    push(lit);
    for word in lit.split(|c: char| c.is_whitespace() || "|&;()=,'\"".contains(c)) {
        push(word);
    }
    // A `file:` URI (SQLite's `file:roles/x.db?mode=rwc`) names a path.
    if let Some(path) = file_uri_path(lit) {
        push(&path);
    }
}

/// The path a `file:` URI names (`file:roles/x.db?mode=rwc`, `file:///abs/x.db`):
/// without its query and fragment, after an authority (empty or a host), percent-decoded.
/// `None` for anything that is not such a URI.
pub(super) fn file_uri_path(name: &str) -> Option<String> {
    let rest = name
        .get(5..)
        .filter(|_| name[..5].eq_ignore_ascii_case("file:"))?;
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let rest = match rest.strip_prefix("//") {
        Some(r) => &r[r.find('/').unwrap_or(r.len())..],
        None => rest,
    };
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = rest
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// A string literal: its text and where its quotes start and end in the code.
struct Literal {
    text: String,
    start: usize,
    end: usize,
    /// Perl's quote-like operator letter (`q`, `w` for `qw`, `x` for `qx`), if any.
    quote_like: Option<char>,
    /// Its value is not its text: it interpolates (`f"{x}"`, `` `${x}` ``, `"#{x}"`,
    /// perl's `"$x"` and `"\L…"`, python's `"\N{…}"`) or is the receiver of a method or
    /// an operator that makes another string of it (`"selor"[::-1]`, `"X".lower()`,
    /// `"%s" % x`).
    interpolated: bool,
}

fn literals(code: &str, lang: Lang) -> Vec<Literal> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let quotes: &[char] = match lang {
        Lang::Awk => &['"'],
        _ => &['"', '\'', '`'],
    };
    while i < chars.len() && out.len() < 10_000 {
        let c = chars[i];
        if !quotes.contains(&c) {
            i += 1;
            continue;
        }
        let triple =
            lang == Lang::Python && chars.get(i + 1) == Some(&c) && chars.get(i + 2) == Some(&c);
        let mut j = if triple { i + 3 } else { i + 1 };
        let mut text = String::new();
        while j < chars.len() {
            if chars[j] == '\\' && chars.get(j + 1) == Some(&'\n') {
                // A line continued inside the string: nothing in its value.
                j += 2;
                continue;
            }
            if chars[j] == '\\' && j + 1 < chars.len() {
                // Escapes spell paths too (`"r\x6fles/a.md"`): `\xHH`, `\uHHHH`,
                // `\U…`, octal `\NNN`, braced code points are decoded.
                let (c, used) = escape(&chars[j + 1..]);
                text.push(c);
                j += 1 + used;
                continue;
            }
            if chars[j] == c
                && (!triple || (chars.get(j + 1) == Some(&c) && chars.get(j + 2) == Some(&c)))
            {
                break;
            }
            text.push(chars[j]);
            j += 1;
        }
        let end = (j + if triple { 3 } else { 1 }).min(chars.len());
        out.push(Literal {
            text,
            start: i,
            end,
            quote_like: None,
            interpolated: false,
        });
        i = end;
    }
    if lang == Lang::Perl {
        out.extend(perl_quote_like(&chars, &out));
        out.sort_by_key(|l| l.start);
    }
    for l in &mut out {
        l.interpolated = interpolates(&chars, l, lang);
    }
    out
}

/// Whether a literal's value differs from its text (see [`Literal::interpolated`]).
fn interpolates(chars: &[char], l: &Literal, lang: Lang) -> bool {
    let source: String = chars[l.start..l.end].iter().collect();
    let quote = chars[l.start];
    let after: String = chars[l.end..]
        .iter()
        .skip_while(|c| **c == ' ')
        .take(8)
        .collect();
    // Made into another string by a method, an index or a formatting operator.
    let transformed = match lang {
        Lang::Perl => after.starts_with("x ") || after.starts_with("=~"),
        Lang::Awk | Lang::Other => false,
        _ => {
            after.starts_with('.')
                || after.starts_with('[')
                || (after.starts_with('%') && !after.starts_with("%="))
                || after.starts_with('*')
        }
    };
    transformed
        || match lang {
            Lang::Python => {
                let prefix: String = chars[..l.start]
                    .iter()
                    .rev()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .collect();
                (prefix.contains(['f', 'F']) && l.text.contains('{')) || source.contains("\\N{")
            }
            Lang::Node => quote == '`' && source.contains("${"),
            Lang::Ruby => quote != '\'' && source.contains("#{"),
            Lang::Perl => {
                let double = quote == '"'
                    || quote == '`'
                    || (quote == 'q' && matches!(chars.get(l.start + 1), Some('q' | 'x')));
                let sigil = source.char_indices().any(|(i, c)| {
                    (c == '$' || c == '@')
                        && source[i + 1..]
                            .chars()
                            .next()
                            .is_some_and(|n| n.is_alphanumeric() || "_{:$[".contains(n))
                });
                let case = ["\\L", "\\U", "\\l", "\\u", "\\Q", "\\E"]
                    .iter()
                    .any(|e| source.contains(e));
                double && (sigil || case)
            }
            Lang::Awk | Lang::Other => false,
        }
}

/// The top-level arguments of a call whose argument list runs from `start` to `end`
/// (commas inside brackets or literals do not split).
fn top_args(code: &[char], lits: &[Literal], start: usize, end: usize) -> Vec<(usize, usize)> {
    let in_literal = |k: usize| lits.iter().any(|l| l.start <= k && k < l.end);
    let mut args = Vec::new();
    let (mut depth, mut from) = (0i32, start);
    for (k, ch) in code.iter().enumerate().take(end).skip(start) {
        if in_literal(k) {
            continue;
        }
        match ch {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                args.push((from, k));
                from = k + 1;
            }
            _ => {}
        }
    }
    args.push((from, end));
    args
}

/// The literal that spans exactly `from..to` (spaces aside), if it is a plain one.
fn one_literal<'l>(
    code: &[char],
    lits: &'l [Literal],
    from: usize,
    to: usize,
) -> Option<&'l Literal> {
    let (mut a, mut b) = (from, to.min(code.len()));
    while a < b && code[a].is_whitespace() {
        a += 1;
    }
    while b > a && code[b - 1].is_whitespace() {
        b -= 1;
    }
    lits.iter()
        .find(|l| l.start == a && l.end == b)
        .filter(|l| !l.interpolated)
}

/// Perl's `q(…)`, `qq{…}`, `qw[…]`, `qx<…>`, `q/…/` literals, outside ordinary ones.
fn perl_quote_like(chars: &[char], quoted: &[Literal]) -> Vec<Literal> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 2 < chars.len() {
        let inside = quoted.iter().any(|l| l.start <= i && i < l.end);
        let boundary = i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        if inside || !boundary || chars[i] != 'q' {
            i += 1;
            continue;
        }
        let (kind, open_at) = match chars[i + 1] {
            'q' | 'w' | 'x' => (Some(chars[i + 1]), i + 2),
            _ => (Some('q'), i + 1),
        };
        let Some(&open) = chars.get(open_at) else {
            break;
        };
        let close = match open {
            '(' => ')',
            '{' => '}',
            '[' => ']',
            '<' => '>',
            '/' | '|' | '!' | '#' | '~' => open,
            _ => {
                i += 1;
                continue;
            }
        };
        let mut j = open_at + 1;
        let mut depth = 0;
        let mut text = String::new();
        while j < chars.len() {
            if chars[j] == open && open != close {
                depth += 1;
            } else if chars[j] == close {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            text.push(chars[j]);
            j += 1;
        }
        let end = (j + 1).min(chars.len());
        out.push(Literal {
            text,
            start: i,
            end,
            quote_like: kind,
            interpolated: false,
        });
        i = end;
    }
    out
}

/// The character an escape after a backslash stands for, and how many characters it
/// takes; an unknown escape stands for the character itself.
fn escape(after: &[char]) -> (char, usize) {
    let digits = |radix: u32, max: usize, skip: usize| {
        let text: String = after
            .iter()
            .skip(skip)
            .take(max)
            .take_while(|c| c.is_digit(radix))
            .collect();
        let n = text.chars().count();
        u32::from_str_radix(&text, radix)
            .ok()
            .and_then(char::from_u32)
            .map(|c| (c, skip + n))
    };
    // `\x{72}`, `\u{6f}`, `\o{157}`, `\N{U+6F}`: a code point in braces.
    let braced = |radix: u32, skip: usize| {
        let body: String = after.iter().skip(skip).take_while(|c| **c != '}').collect();
        let n = body.chars().count();
        (after.get(skip + n) == Some(&'}'))
            .then(|| u32::from_str_radix(body.trim_start_matches("U+"), radix).ok())
            .flatten()
            .and_then(char::from_u32)
            .map(|c| (c, skip + n + 1))
    };
    let decoded = match (after[0], after.get(1)) {
        ('x' | 'u', Some('{')) => braced(16, 2),
        ('o', Some('{')) => braced(8, 2),
        ('N', Some('{')) if after.get(2) == Some(&'U') => braced(16, 2),
        ('x', _) => digits(16, 2, 1),
        ('u', _) => digits(16, 4, 1),
        ('U', _) => digits(16, 8, 1),
        ('0'..='7', _) => digits(8, 3, 0),
        _ => None,
    };
    decoded.unwrap_or((after[0], 1))
}

/// What a sed script does beyond its output: the files its `w` commands and `s///w`
/// flags write, and the commands it runs — `e command` runs `command`; a bare `e` or an
/// `s///e` flag runs text only known at run time (`None`). Commands inside `{ … }`
/// blocks count like any other.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct SedEffects {
    pub writes: Vec<String>,
    pub runs: Vec<Option<String>>,
}

pub(super) fn sed_effects(script: &str) -> SedEffects {
    let mut out = SedEffects::default();
    for line in script.lines() {
        // `w` and `e` take the rest of their line.
        let mut owned = line.trim_start().to_owned();
        while !owned.is_empty() {
            let rest = skip_address(&owned).trim_start().to_owned();
            let rest = rest.as_str();
            let Some(cmd) = rest.chars().next() else {
                break;
            };
            match cmd {
                'w' | 'W' => {
                    let file = rest[1..].trim();
                    if !file.is_empty() && !file.starts_with("/dev/std") {
                        out.writes.push(file.to_owned());
                    }
                    break;
                }
                'e' => {
                    let command = rest[1..].trim();
                    out.runs
                        .push((!command.is_empty()).then(|| command.to_owned()));
                    break;
                }
                '{' | '}' => owned = rest[1..].trim_start_matches(';').to_owned(),
                's' | 'y' => {
                    let Some(delim) = rest[1..].chars().next() else {
                        break;
                    };
                    let body = &rest[1 + delim.len_utf8()..];
                    let mut parts = 0;
                    let mut k = 0;
                    let bytes: Vec<char> = body.chars().collect();
                    while k < bytes.len() && parts < 2 {
                        if bytes[k] == '\\' {
                            k += 2;
                            continue;
                        }
                        if bytes[k] == delim {
                            parts += 1;
                        }
                        k += 1;
                    }
                    let after: String = bytes[k.min(bytes.len())..].iter().collect();
                    let flags_end = after.find([';', '}']).unwrap_or(after.len());
                    let flags = &after[..flags_end];
                    if cmd == 's' {
                        // Flags before a `w` are letters and digits; `w` takes the rest.
                        let (letters, file) = match flags.find('w') {
                            Some(w) => (&flags[..w], Some(flags[w + 1..].trim())),
                            None => (flags, None),
                        };
                        if letters.contains('e') {
                            out.runs.push(None);
                        }
                        if let Some(file) = file {
                            if !file.is_empty() && !file.starts_with("/dev/std") {
                                out.writes.push(file.to_owned());
                            }
                            break;
                        }
                    }
                    owned = after[flags_end..].trim_start_matches([';', '}']).to_owned();
                }
                _ => {
                    owned = rest
                        .find([';', '}'])
                        .map_or(String::new(), |i| rest[i + 1..].to_owned());
                }
            }
        }
    }
    out
}

fn skip_address(s: &str) -> &str {
    let mut s = s.trim_start_matches(['{', ' ']);
    for _ in 0..2 {
        if let Some(rest) = s.strip_prefix('/') {
            let end = rest.find('/').map_or(rest.len(), |i| i + 1);
            s = &rest[end.min(rest.len())..];
        } else {
            s = s.trim_start_matches(|c: char| {
                c.is_ascii_digit() || c == '$' || c == '~' || c == '+'
            });
        }
        s = s.strip_prefix(',').unwrap_or(s);
    }
    s.trim_start_matches('!')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_cli_run_with_separate_arguments_is_a_command() {
        let s = scan(
            r#"import subprocess; subprocess.run(["wazir-hooks", "loop", "reset"])"#,
            Lang::Python,
        );
        assert_eq!(s.commands, ["wazir-hooks 'loop' 'reset'"]);
    }

    #[test]
    fn python_write_needs_a_write_call() {
        let s = scan("open('roles/x','w').write('y')", Lang::Python);
        assert!(s.writes && s.paths.contains(&"roles/x".to_owned()));
        let s = scan("print(open('roles/x').read())", Lang::Python);
        assert!(!s.writes);
    }

    #[test]
    fn reads_and_copy_sources_are_not_writes() {
        let s = scan(
            "import shutil; shutil.copy('roles/x', '/tmp/e')",
            Lang::Python,
        );
        assert!(
            s.writes
                && !s.paths.contains(&"roles/x".to_owned())
                && s.paths.contains(&"/tmp/e".to_owned())
        );
        let s = scan(
            "with open('roles/x') as f: print(f.read()); open('out','w')",
            Lang::Python,
        );
        assert!(!s.paths.contains(&"roles/x".to_owned()));
        assert!(s.paths.contains(&"out".to_owned()));
        let s = scan("require('fs').unlinkSync('input/brief.md')", Lang::Node);
        assert!(s.writes && s.paths.contains(&"input/brief.md".to_owned()));
    }

    #[test]
    fn awk_commands_and_outputs_computed_at_run_time() {
        let d = |c: &str| awk_dynamic(c);
        assert_eq!(d(r#"BEGIN{system("ls /")}"#).system, ["ls /"]);
        assert!(d("BEGIN{system(c)}").runs_unknown);
        assert!(d(r#"{print | c}"#).runs_unknown);
        assert!(d(r#"{c | getline x}"#).runs_unknown);
        assert!(d("@load \"x\"").runs_unknown);
        assert!(d("{print > $1}").writes_unknown);
        assert!(d("{print > ARGV[1]}").writes_unknown);
        assert_eq!(d(r#"/a|b/ {print | "sort"}"#), AwkDynamic::default());
        assert_eq!(
            d(r#"BEGIN{"date" | getline d} $3 > 1 {print $1 > f}"#),
            AwkDynamic::default()
        );
        assert_eq!(
            d("{ if ($2 > 3) print $1; x = a || b }"),
            AwkDynamic::default()
        );
        assert_eq!(d("{ print $1, ($2 > 3) }"), AwkDynamic::default());
    }

    #[test]
    fn awk_redirect_names_its_target() {
        let s = scan("{ print > \"roles/out\" }", Lang::Awk);
        assert_eq!(s.redirected, ["roles/out"]);
        assert!(scan("$1 > 5 { print }", Lang::Awk).redirected.is_empty());
    }

    #[test]
    fn sed_w_commands() {
        let writes = |s: &str| sed_effects(s).writes;
        let runs = |s: &str| sed_effects(s).runs;
        assert_eq!(writes("s/a/b/w roles/out"), ["roles/out"]);
        assert_eq!(writes("/x/w roles/o"), ["roles/o"]);
        assert!(writes("s/w/v/g").is_empty());
        assert_eq!(writes("/x/{w roles/o\n}"), ["roles/o"]);
        assert_eq!(writes("1{s/a/b/;w roles/o\n}"), ["roles/o"]);
        assert_eq!(runs("1e rm roles/a"), [Some("rm roles/a".to_owned())]);
        assert_eq!(runs("s/x/rm roles/a/e"), [None]);
        assert_eq!(runs("/x/{e\n}"), [None]);
        assert!(runs("s/e/E/g; /e/d").is_empty());
        assert!(runs("s/x/y/gw out").is_empty());
    }
}
