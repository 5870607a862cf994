//! The files a patch writes: Codex/Cursor `apply_patch` envelopes (`*** Add File:`,
//! `*** Update File:`, `*** Delete File:`, `*** Move to:`) and unified diffs (`---`/`+++`,
//! `diff --git`, rename and copy headers) as read by `patch` and `git apply`.

use std::collections::HashSet;

/// Targets named by an `apply_patch` envelope, in order. Paths are as written (relative
/// to the tool's cwd unless absolute).
pub fn envelope_targets(text: &str) -> Vec<String> {
    const HEADERS: [&str; 4] = [
        "*** Add File:",
        "*** Update File:",
        "*** Delete File:",
        "*** Move to:",
    ];
    text.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            HEADERS
                .iter()
                .find_map(|h| line.strip_prefix(h))
                .map(|p| p.trim().to_owned())
        })
        .filter(|p| !p.is_empty())
        .collect()
}

/// Paths named by a unified diff's headers, before any `-p` stripping. `/dev/null`
/// (creation or deletion) is left out.
pub fn diff_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for line in text.lines() {
        // A context diff names its old file after `*** ` (GNU patch takes the old one
        // when the new one does not exist); `Index:` names one too.
        let path = if let Some(rest) = line
            .strip_prefix("+++ ")
            .or_else(|| line.strip_prefix("--- "))
            .or_else(|| line.strip_prefix("*** "))
            .or_else(|| line.strip_prefix("Index: "))
        {
            // A tab ends the name (a timestamp follows); a "--- " inside a hunk is content
            // only when not followed by a name, which a hunk line cannot tell apart, so
            // such a line adds a harmless extra candidate at worst.
            Some(rest.split('\t').next().unwrap_or("").trim_end())
        } else if let Some(rest) = line.strip_prefix("diff --git ") {
            for part in rest.split_whitespace() {
                push(&mut out, &mut seen, part);
            }
            None
        } else {
            ["rename from ", "rename to ", "copy to ", "copy from "]
                .iter()
                .find_map(|h| line.strip_prefix(h))
        };
        if let Some(p) = path {
            push(&mut out, &mut seen, p);
        }
    }
    out
}

fn push(out: &mut Vec<String>, seen: &mut HashSet<String>, raw: &str) {
    let raw = raw.trim();
    // git and GNU patch write a name with unusual characters C-quoted (`"rol\145s"`).
    let p = match raw.strip_prefix('"') {
        Some(q) => c_unquote(q.strip_suffix('"').unwrap_or(q)),
        None => raw.to_owned(),
    };
    if !p.is_empty() && p != "/dev/null" && seen.insert(p.clone()) {
        out.push(p);
    }
}

/// The text of a C-quoted name: `\n`, `\t`, `\\`, `\"` and octal `\NNN` bytes.
fn c_unquote(q: &str) -> String {
    let b = q.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            let digits = b[i + 1..]
                .iter()
                .take(3)
                .take_while(|c| (b'0'..=b'7').contains(c))
                .count();
            if digits > 0 {
                let v = b[i + 1..i + 1 + digits]
                    .iter()
                    .fold(0u32, |v, d| v * 8 + u32::from(d - b'0'));
                out.push(v as u8);
                i += 1 + digits;
                continue;
            }
            out.push(match b[i + 1] {
                b'n' => b'\n',
                b't' => b'\t',
                b'a' => 7,
                b'b' => 8,
                b'f' => 12,
                b'v' => 11,
                b'r' => b'\r',
                other => other,
            });
            i += 2;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A diff path with `n` leading components removed, as `patch -pN` does.
pub fn strip_components(path: &str, n: usize) -> Option<String> {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    strip_parts(path, &parts, n)
}

/// [`strip_components`] for a path already split into its `parts`.
fn strip_parts(path: &str, parts: &[&str], n: usize) -> Option<String> {
    (n < parts.len()).then(|| {
        let rest = parts[n..].join("/");
        if n == 0 && path.starts_with('/') {
            format!("/{rest}")
        } else {
            rest
        }
    })
}

/// Most candidate paths, and bytes of them, one diff may yield. Past either, a diff is
/// [`TooLarge`], which every caller treats as a patch that could write anything:
/// enumerating every strip level of a hostile diff (a path 40 KB deep, a million headers)
/// would take minutes and gigabytes.
pub const MAX_CANDIDATES: usize = 50_000;
const MAX_CANDIDATE_BYTES: usize = 8 * 1024 * 1024;

/// Every path a diff could write under `patch`'s or `git apply`'s rules: with an explicit
/// strip count, exactly that; without one, every strip level and the bare file name
/// (GNU patch's default), since a guard must cover whichever the tool picks.
pub fn diff_targets(text: &str, strip: Option<usize>) -> Result<Vec<String>, TooLarge> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let (mut count, mut bytes) = (0usize, 0usize);
    for path in diff_paths(text) {
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        let levels = match strip {
            Some(n) => n..n.saturating_add(1),
            None => 0..parts.len(),
        };
        for n in levels {
            let Some(p) = strip_parts(&path, &parts, n) else {
                continue;
            };
            count += 1;
            bytes += p.len();
            if count > MAX_CANDIDATES || bytes > MAX_CANDIDATE_BYTES {
                return Err(TooLarge);
            }
            if seen.insert(p.clone()) {
                out.push(p);
            }
        }
    }
    Ok(out)
}

/// A diff naming more candidate paths than [`MAX_CANDIDATES`] (or their bytes): the files
/// it writes are not enumerated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge;

/// Targets of a patch of unknown flavour (Cursor's ApplyPatch): an envelope if it has
/// envelope headers, else a unified diff at every strip level.
pub fn any_targets(text: &str) -> Result<Vec<String>, TooLarge> {
    let envelope = envelope_targets(text);
    if envelope.is_empty() {
        diff_targets(text, None)
    } else {
        Ok(envelope)
    }
}

/// What an `apply_patch` envelope leaves in one file: the file whose section header
/// names a path `is_file` accepts, from its current text (`None`: it does not exist).
/// `None` when that cannot be known for sure: the file is deleted or moved, named by
/// more than one section, or a hunk does not match the current text exactly (the real
/// tool may match more loosely; the guard does not guess).
pub fn envelope_result(
    text: &str,
    is_file: &dyn Fn(&str) -> bool,
    before: Option<&str>,
) -> Option<String> {
    let mut sections = Vec::new();
    let mut current: Option<(&str, Vec<&str>)> = None;
    for line in text.lines() {
        let header = ["*** Add File:", "*** Update File:", "*** Delete File:"]
            .iter()
            .find_map(|h| line.trim_start().strip_prefix(h).map(|p| (*h, p.trim())));
        if let Some((kind, path)) = header {
            sections.extend(current.take());
            current = is_file(path).then(|| (kind, Vec::new()));
        } else if line.starts_with("*** Move to:") {
            if current.is_some() {
                return None;
            }
        } else if line.starts_with("*** End Patch") || line.starts_with("*** Begin Patch") {
            sections.extend(current.take());
        } else if let Some((_, body)) = current.as_mut() {
            body.push(line);
        }
    }
    sections.extend(current);
    let [(kind, body)] = sections.as_slice() else {
        return None;
    };
    match *kind {
        "*** Add File:" if before.is_none() => {
            let lines: Option<Vec<&str>> = body.iter().map(|l| l.strip_prefix('+')).collect();
            Some(lines?.iter().map(|l| format!("{l}\n")).collect())
        }
        "*** Update File:" => update(before?, body),
        _ => None,
    }
}

/// Applies an `*** Update File:` section's hunks to `before`, exactly.
fn update(before: &str, body: &[&str]) -> Option<String> {
    let mut lines: Vec<String> = before.lines().map(str::to_owned).collect();
    let mut cursor = 0;
    let mut hunks: Vec<(Option<&str>, Vec<&str>)> = Vec::new();
    for line in body {
        if let Some(anchor) = line.strip_prefix("@@") {
            let anchor = anchor.trim();
            hunks.push(((!anchor.is_empty()).then_some(anchor), Vec::new()));
        } else if *line == "*** End of File" {
        } else {
            if hunks.is_empty() {
                hunks.push((None, Vec::new()));
            }
            hunks.last_mut()?.1.push(line);
        }
    }
    for (anchor, hunk) in hunks {
        if let Some(a) = anchor {
            cursor += lines[cursor..].iter().position(|l| l.trim() == a)? + 1;
        }
        let mut old = Vec::new();
        let mut new = Vec::new();
        for l in hunk {
            match l.chars().next() {
                Some('+') => new.push(l[1..].to_owned()),
                Some('-') => old.push(l[1..].to_owned()),
                Some(' ') => {
                    old.push(l[1..].to_owned());
                    new.push(l[1..].to_owned());
                }
                None => {
                    old.push(String::new());
                    new.push(String::new());
                }
                _ => return None,
            }
        }
        if old.is_empty() {
            return None;
        }
        let at = (cursor..=lines.len().saturating_sub(old.len()))
            .find(|&i| lines[i..].starts_with(&old))?;
        lines.splice(at..at + old.len(), new.iter().cloned());
        cursor = at + new.len();
    }
    Some(lines.iter().map(|l| format!("{l}\n")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_results_are_exact_or_unknown() {
        let is = |p: &str| p == "c.toml";
        let patch = "*** Begin Patch\n*** Update File: c.toml\n@@\n-model = \"a\"\n+model = \"b\"\n hooks = 1\n*** End Patch\n";
        assert_eq!(
            envelope_result(patch, &is, Some("x = 0\nmodel = \"a\"\nhooks = 1\n")).as_deref(),
            Some("x = 0\nmodel = \"b\"\nhooks = 1\n")
        );
        assert_eq!(envelope_result(patch, &is, Some("model = \"z\"\n")), None);
        let add = "*** Begin Patch\n*** Add File: c.toml\n+a\n+b\n*** End Patch\n";
        assert_eq!(envelope_result(add, &is, None).as_deref(), Some("a\nb\n"));
        let del = "*** Begin Patch\n*** Delete File: c.toml\n*** End Patch\n";
        assert_eq!(envelope_result(del, &is, Some("a\n")), None);
        let moved = "*** Begin Patch\n*** Update File: c.toml\n*** Move to: d.toml\n@@\n-a\n+b\n*** End Patch\n";
        assert_eq!(envelope_result(moved, &is, Some("a\n")), None);
        let other = "*** Begin Patch\n*** Update File: src/x.rs\n@@\n-a\n+b\n*** Update File: c.toml\n@@\n-a\n+b\n*** End Patch\n";
        assert_eq!(
            envelope_result(other, &is, Some("a\n")).as_deref(),
            Some("b\n")
        );
    }

    #[test]
    fn envelope_headers_all_count() {
        let p = "*** Begin Patch\n*** Update File: src/a.rs\n*** Move to: roles/b.md\n@@\n-x\n+y\n*** Add File: input/n.md\n+hi\n*** Delete File: old.txt\n*** End Patch\n";
        assert_eq!(
            envelope_targets(p),
            ["src/a.rs", "roles/b.md", "input/n.md", "old.txt"]
        );
    }

    #[test]
    fn unified_diff_strip_levels() {
        let d = "diff --git a/roles/x.md b/roles/x.md\n--- a/roles/x.md\t2020\n+++ b/roles/x.md\n@@ -1 +1 @@\n-a\n+b\n";
        assert_eq!(diff_targets(d, Some(1)).unwrap(), ["roles/x.md"]);
        let all = diff_targets(d, None).unwrap();
        assert!(all.contains(&"roles/x.md".to_owned()) && all.contains(&"x.md".to_owned()));
    }

    #[test]
    fn too_many_candidates_are_not_enumerated() {
        let deep = format!("+++ {}\n", "d/".repeat(MAX_CANDIDATES + 1));
        assert_eq!(diff_targets(&deep, None), Err(TooLarge));
        assert_eq!(diff_targets(&deep, Some(1)).map(|t| t.len()), Ok(1));
        assert_eq!(any_targets(&deep), Err(TooLarge));
    }
}
