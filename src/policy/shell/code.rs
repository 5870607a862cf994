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
}

/// Calls that write, delete, rename, change modes or run commands, in any of the
/// languages above (matched on lowercased code with stdout/stderr writes removed).
const WRITE_CALLS: &[&str] = &[
    "write", "unlink", "remove", "rmtree", "rename", "os.replace", "shutil", "rmdir", "mkdir",
    "makedirs", "truncate", "chmod", "chown", "touch", "system", "subprocess", "popen", "exec",
    "spawn", "symlink", "link(", "copyfile", "copy(", "copy2", "copytree", "move(", "fileutils",
    "delete", "appendfile", "createwritestream", "cp(", "cpsync", "rm(", "rmsync", "rm_r", "rm_rf",
    "qx", "%x", "sysopen", "dump(", "io.write", "file.write", "file.open", "save(", "savetxt",
    "to_csv", "to_json", "rename(", "utime", "mkfifo", "writelines", "open3", "spawnsync", "execsync",
];

const RECURSIVE_CALLS: &[&str] = &["rmtree", "recursive", "rm_r", "rm_rf", "remove_tree", "copytree", "-rf", "-r "];

pub(super) fn scan(code: &str, lang: Lang) -> Scan {
    let lower = code
        .to_ascii_lowercase()
        .replace("stdout.write", "")
        .replace("stderr.write", "");
    let mut scan = Scan {
        writes: WRITE_CALLS.iter().any(|c| lower.contains(c)),
        recursive: RECURSIVE_CALLS.iter().any(|c| lower.contains(c)),
        ..Scan::default()
    };
    for (lit, before) in literals(code, lang) {
        let preceded = before.trim_end();
        // A file-mode literal ('w', "a+") makes a Python/Ruby open() a write.
        if !lit.is_empty() && lit.len() <= 3 && lit.chars().all(|c| "rwxabt+".contains(c)) {
            if lit.contains(['w', 'a', 'x', '+']) {
                scan.writes = true;
            }
            continue;
        }
        // awk `print > "f"`, `printf(...) >> "f"`; perl `open(F, ">f")`.
        let awk_redirect = lang == Lang::Awk && (preceded.ends_with('>') || preceded.ends_with('|'));
        let perl_mode = lit.trim_start().starts_with(['>', '+']);
        if awk_redirect {
            scan.redirected.push(lit.clone());
        }
        if perl_mode {
            scan.writes = true;
            let target = lit.trim_start().trim_start_matches(['>', '+', '<']).trim();
            if !target.is_empty() {
                scan.redirected.push(target.to_owned());
            }
        }
        if lang == Lang::Awk && lower.contains("system") {
            scan.writes = true;
        }
        add_paths(&mut scan.paths, &lit);
    }
    scan
}

fn add_paths(out: &mut Vec<String>, lit: &str) {
    let mut push = |s: &str| {
        let s = s.trim_matches(|c: char| c == ',' || c == ';' || c == '(' || c == ')' || c.is_whitespace());
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

/// String literals with the text just before each (for awk's `>`).
fn literals(code: &str, lang: Lang) -> Vec<(String, String)> {
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
        let before: String = chars[i.saturating_sub(16)..i].iter().collect();
        let triple = lang == Lang::Python && chars.get(i + 1) == Some(&c) && chars.get(i + 2) == Some(&c);
        let mut j = if triple { i + 3 } else { i + 1 };
        let mut lit = String::new();
        while j < chars.len() {
            if chars[j] == '\\' && j + 1 < chars.len() {
                lit.push(chars[j + 1]);
                j += 2;
                continue;
            }
            if chars[j] == c && (!triple || (chars.get(j + 1) == Some(&c) && chars.get(j + 2) == Some(&c))) {
                break;
            }
            lit.push(chars[j]);
            j += 1;
        }
        out.push((lit, before));
        i = j + if triple { 3 } else { 1 };
    }
    out
}

/// Files a sed script writes with its `w`/`W` commands or the `w` flag of `s`.
pub(super) fn sed_write_files(script: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in script.lines() {
        // A `w` command takes the rest of its line as the file name.
        let mut owned = line.trim_start().to_owned();
        while !owned.is_empty() {
            let rest = skip_address(&owned).trim_start().to_owned();
            let rest = rest.as_str();
            let Some(cmd) = rest.chars().next() else { break };
            match cmd {
                'w' | 'W' => {
                    let file = rest[1..].trim();
                    if !file.is_empty() && !file.starts_with("/dev/std") {
                        out.push(file.to_owned());
                    }
                    break;
                }
                's' | 'y' => {
                    let Some(delim) = rest[1..].chars().next() else { break };
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
                    let flags_end = after.find(|c: char| c == ';' || c == '}').unwrap_or(after.len());
                    let flags = &after[..flags_end];
                    if cmd == 's' && let Some(w) = flags.find('w') {
                        let file = flags[w + 1..].trim();
                        if !file.is_empty() && !file.starts_with("/dev/std") {
                            out.push(file.to_owned());
                        }
                        break;
                    }
                    owned = after[flags_end..].trim_start_matches([';', '}']).to_owned();
                }
                _ => {
                    owned = rest.find(';').map_or(String::new(), |i| rest[i + 1..].to_owned());
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
            s = s.trim_start_matches(|c: char| c.is_ascii_digit() || c == '$' || c == '~' || c == '+');
        }
        s = s.strip_prefix(',').unwrap_or(s);
    }
    s.trim_start_matches('!')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_write_needs_a_write_call() {
        let s = scan("open('roles/x','w').write('y')", Lang::Python);
        assert!(s.writes && s.paths.contains(&"roles/x".to_owned()));
        let s = scan("print(open('roles/x').read())", Lang::Python);
        assert!(!s.writes);
    }

    #[test]
    fn awk_redirect_names_its_target() {
        let s = scan("{ print > \"roles/out\" }", Lang::Awk);
        assert_eq!(s.redirected, ["roles/out"]);
        assert!(scan("$1 > 5 { print }", Lang::Awk).redirected.is_empty());
    }

    #[test]
    fn sed_w_commands() {
        assert_eq!(sed_write_files("s/a/b/w roles/out"), ["roles/out"]);
        assert_eq!(sed_write_files("/x/w roles/o"), ["roles/o"]);
        assert!(sed_write_files("s/w/v/g").is_empty());
    }
}
