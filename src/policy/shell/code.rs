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
        .replace("stderr.write", "");
    let mut scan = Scan {
        writes: WRITE_CALLS.iter().any(|c| lower.contains(c)),
        recursive: RECURSIVE_CALLS.iter().any(|c| lower.contains(c)),
        ..Scan::default()
    };
    let chars: Vec<char> = code.chars().collect();
    for lit in &lits {
        let text = &lit.text;
        let before: String = chars[lit.start.saturating_sub(16)..lit.start]
            .iter()
            .collect();
        let preceded = before.trim_end();
        // A file-mode literal ('w', "a+") makes a Python/Ruby open() a write.
        if !text.is_empty() && text.len() <= 3 && text.chars().all(|c| "rwxabt+".contains(c)) {
            if text.contains(['w', 'a', 'x', '+']) {
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
        let runs = match lang {
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
        if runs {
            scan.commands.push(text.clone());
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
    scan
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
        return index == 0 && !mode_write;
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
}

/// A string literal: its text and where its quotes start and end in the code.
struct Literal {
    text: String,
    start: usize,
    end: usize,
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
            if chars[j] == '\\' && j + 1 < chars.len() {
                // Escapes spell paths too (`"r\x6fles/a.md"`): `\xHH`, `\uHHHH`,
                // `\U…`, octal `\NNN` are decoded.
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
    let decoded = match after[0] {
        'x' => digits(16, 2, 1),
        'u' => digits(16, 4, 1),
        'U' => digits(16, 8, 1),
        '0'..='7' => digits(8, 3, 0),
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
