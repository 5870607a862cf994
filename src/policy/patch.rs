//! The files a patch writes: Codex/Cursor `apply_patch` envelopes (`*** Add File:`,
//! `*** Update File:`, `*** Delete File:`, `*** Move to:`) and unified diffs (`---`/`+++`,
//! `diff --git`, rename and copy headers) as read by `patch` and `git apply`.

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
    for line in text.lines() {
        let path = if let Some(rest) = line
            .strip_prefix("+++ ")
            .or_else(|| line.strip_prefix("--- "))
        {
            // A tab ends the name (a timestamp follows); a "--- " inside a hunk is content
            // only when not followed by a name, which a hunk line cannot tell apart, so
            // such a line adds a harmless extra candidate at worst.
            Some(rest.split('\t').next().unwrap_or("").trim_end())
        } else if let Some(rest) = line.strip_prefix("diff --git ") {
            for part in rest.split_whitespace() {
                push(&mut out, part);
            }
            None
        } else {
            ["rename from ", "rename to ", "copy to ", "copy from "]
                .iter()
                .find_map(|h| line.strip_prefix(h))
        };
        if let Some(p) = path {
            push(&mut out, p);
        }
    }
    out
}

fn push(out: &mut Vec<String>, raw: &str) {
    let p = raw.trim().trim_matches('"');
    if !p.is_empty() && p != "/dev/null" && !out.iter().any(|o| o == p) {
        out.push(p.to_owned());
    }
}

/// A diff path with `n` leading components removed, as `patch -pN` does.
pub fn strip_components(path: &str, n: usize) -> Option<String> {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    (n < parts.len()).then(|| {
        let rest = parts[n..].join("/");
        if n == 0 && path.starts_with('/') {
            format!("/{rest}")
        } else {
            rest
        }
    })
}

/// Every path a diff could write under `patch`'s or `git apply`'s rules: with an explicit
/// strip count, exactly that; without one, every strip level and the bare file name
/// (GNU patch's default), since a guard must cover whichever the tool picks.
pub fn diff_targets(text: &str, strip: Option<usize>) -> Vec<String> {
    let mut out = Vec::new();
    for path in diff_paths(text) {
        let depth = path.split('/').filter(|p| !p.is_empty()).count();
        let levels: Vec<usize> = match strip {
            Some(n) => vec![n],
            None => (0..depth).collect(),
        };
        for n in levels {
            if let Some(p) = strip_components(&path, n)
                && !out.contains(&p)
            {
                out.push(p);
            }
        }
    }
    out
}

/// Targets of a patch of unknown flavour (Cursor's ApplyPatch): an envelope if it has
/// envelope headers, else a unified diff at every strip level.
pub fn any_targets(text: &str) -> Vec<String> {
    let envelope = envelope_targets(text);
    if envelope.is_empty() {
        diff_targets(text, None)
    } else {
        envelope
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(diff_targets(d, Some(1)), ["roles/x.md"]);
        let all = diff_targets(d, None);
        assert!(all.contains(&"roles/x.md".to_owned()) && all.contains(&"x.md".to_owned()));
    }
}
