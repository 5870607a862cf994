//! Paths and protected-path matching. Every target is checked in two forms: the lexical
//! one (`.`, `..` and repeated slashes folded, relative to the tool's cwd) and the
//! physical one (symlinks resolved the way the kernel would, through the deepest existing
//! ancestor). Plain entries match on path-component boundaries; glob entries go through
//! globset, and a glob also protects everything beneath a path it matches.

use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// How many entries a recursive check may visit before it gives up (and says so).
const WALK_BUDGET: usize = 20_000;

/// Whether an entry is a glob rather than a plain path.
pub fn is_glob(entry: &str) -> bool {
    entry.contains(['*', '?', '[', '{'])
}

/// Joins `raw` onto `base` (expanding a leading `~/`) and folds `.`, `..` and repeated
/// slashes without touching the file system.
pub fn lexical(base: &Path, raw: &str, home: Option<&Path>) -> PathBuf {
    normalize(&join(base, raw, home))
}

/// `raw` made absolute against `base`, unnormalized (so the kernel's view of `..` after a
/// symlink can still be computed from it).
pub fn join(base: &Path, raw: &str, home: Option<&Path>) -> PathBuf {
    if raw == "~"
        && let Some(h) = home
    {
        return h.to_path_buf();
    }
    if let (Some(rest), Some(h)) = (raw.strip_prefix("~/"), home) {
        return h.join(rest);
    }
    base.join(raw)
}

/// Folds `.`, `..` and repeated slashes. `..` at the root stays at the root.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::Prefix(p) => out.push(p.as_os_str()),
            Component::RootDir => out.push("/"),
            Component::CurDir => {}
            // A relative path keeps the `..`s it cannot cancel (`../..`).
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            Component::Normal(n) => out.push(n),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(if path.has_root() { "/" } else { "." });
    }
    out
}

/// The path the kernel would reach: each existing component's symlink is followed (so a
/// `..` after a symlink climbs from its target), and whatever does not exist yet is
/// appended lexically.
pub fn physical(path: &Path) -> PathBuf {
    let mut pending: Vec<OsString> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(n.to_os_string()),
            Component::ParentDir => Some("..".into()),
            _ => None,
        })
        .rev()
        .collect();
    let mut out = PathBuf::from("/");
    let mut exists = true;
    let mut hops = 0;
    while let Some(c) = pending.pop() {
        if c == ".." {
            out.pop();
            continue;
        }
        out.push(&c);
        if !exists {
            continue;
        }
        match looked_up(&out) {
            Entry::Link(target) if hops < 40 => {
                hops += 1;
                out.pop();
                if target.has_root() {
                    out = PathBuf::from("/");
                }
                for part in target.components().rev() {
                    match part {
                        Component::Normal(n) => pending.push(n.to_os_string()),
                        Component::ParentDir => pending.push("..".into()),
                        _ => {}
                    }
                }
            }
            Entry::Link(_) | Entry::Present => {}
            Entry::Missing => exists = false,
        }
    }
    out
}

/// What one path names, for [`physical`].
#[derive(Clone)]
enum Entry {
    Link(PathBuf),
    Present,
    /// Absent, or a link that cannot be read.
    Missing,
}

/// `lstat` (and `readlink`) of one path, remembered for the rest of the process: one
/// check resolves the project root, the home folder and their ancestors for every
/// protected entry, settings file and target, dozens of times over. A hook's process
/// lives for one check, and a file system changing under it is no different from one
/// changing just after it answered.
fn looked_up(path: &Path) -> Entry {
    use std::collections::HashMap;
    use std::sync::{Mutex, PoisonError};
    // Keyed by the bytes: hashing a `Path` hashes it component by component, slower than
    // the `lstat` it saves.
    static SEEN: Mutex<Option<HashMap<OsString, Entry>>> = Mutex::new(None);
    let mut seen = SEEN.lock().unwrap_or_else(PoisonError::into_inner);
    let seen = seen.get_or_insert_with(HashMap::new);
    if let Some(entry) = seen.get(path.as_os_str()) {
        return entry.clone();
    }
    let entry = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => match std::fs::read_link(path) {
            Ok(target) => Entry::Link(target),
            Err(_) => Entry::Missing,
        },
        Ok(_) => Entry::Present,
        Err(_) => Entry::Missing,
    };
    // Bounded: a hostile command could name millions of paths.
    if seen.len() < 4096 {
        seen.insert(path.as_os_str().to_owned(), entry.clone());
    }
    entry
}

/// What a path under `/proc` or `/dev` names for the agent's own process, which the
/// guard's process cannot resolve for it: `/proc/self/cwd` is the agent's working
/// directory, not the guard's.
#[derive(Debug, PartialEq, Eq)]
pub enum Alias {
    /// An ordinary path.
    Plain,
    /// The same file by another path.
    Path(PathBuf),
    /// One of the process's open descriptors (`/dev/fd/N`, `/dev/stdin`,
    /// `/proc/<pid>/fd/N`), by number when known: opening it again for writing writes
    /// whatever file that descriptor was opened on.
    Descriptor(Option<u32>),
    /// A place in a process's view the guard cannot know (its cwd, when unknown).
    Unknown,
}

/// The alias `path` (absolute) is, for a process whose working directory is `cwd`.
/// Only the process's own entries (`/proc/self`, `/proc/thread-self`, its tasks) are
/// known; another process's (`/proc/$!/cwd`, `/proc/1234/fd/3`, the agent's shell named
/// by number) may be anywhere, so they are `Unknown`. What follows a `cwd` or `root` link
/// is kept as written: the kernel resolves the link first, so a `..` after it climbs from
/// the agent's directory.
pub fn alias(path: &Path, cwd: Option<&Path>) -> Alias {
    alias_within(path, cwd, 8)
}

/// [`alias`], following at most `depth` more `cwd`/`root` links (a working directory
/// that is itself `/proc/self/cwd` leads back to itself).
fn alias_within(path: &Path, cwd: Option<&Path>, depth: u8) -> Alias {
    if depth == 0 {
        return Alias::Unknown;
    }
    let comps: Vec<Component> = path.components().collect();
    let mut norm: Vec<&str> = Vec::new();
    for (i, c) in comps.iter().enumerate() {
        match c {
            Component::Normal(n) => norm.push(n.to_str().unwrap_or("\u{0}")),
            // `..` inside /proc or /dev (before a `cwd` or `root` link is reached)
            // climbs from where a symlink there points in the agent's process
            // (`/proc/net` is `self/net`, `/dev/fd` is `/proc/self/fd`): not from where
            // the text says, nor where the guard's own process would resolve it.
            Component::ParentDir if matches!(norm.first(), Some(&("proc" | "dev"))) => {
                return Alias::Unknown;
            }
            Component::ParentDir => {
                norm.pop();
                continue;
            }
            _ => continue,
        }
        let number = |s: &str| s.parse::<u32>().ok();
        let rest = || comps[i + 1..].iter().collect::<PathBuf>();
        // A process's own entries: `/proc/<pid>/X` or `/proc/<pid>/task/<tid>/X`.
        let (pid, own) = match norm.as_slice() {
            ["proc", pid, "task", _, rest @ ..] | ["proc", pid, rest @ ..] => (*pid, rest),
            _ => ("", &[][..]),
        };
        let other = !matches!(pid, "self" | "thread-self");
        // A path beneath a descriptor (`/dev/fd/3/roles/x` after `exec 3<.`) is in the
        // folder the descriptor was opened on: where that is, is not followed.
        let beneath = i + 1 < comps.len();
        let descriptor = matches!(
            (norm.as_slice(), own),
            (["dev", "fd", _] | ["dev", "stdin" | "stdout" | "stderr"], _) | (_, ["fd", _])
        );
        if descriptor && beneath {
            return Alias::Unknown;
        }
        match (norm.as_slice(), own) {
            (_, ["fd" | "map_files", _] | ["cwd" | "root"]) if other => return Alias::Unknown,
            (["dev", "fd", n], _) => return Alias::Descriptor(number(n)),
            (["dev", "stdin"], _) => return Alias::Descriptor(Some(0)),
            (["dev", "stdout"], _) => return Alias::Descriptor(Some(1)),
            (["dev", "stderr"], _) => return Alias::Descriptor(Some(2)),
            (_, ["fd", n]) => return Alias::Descriptor(number(n)),
            (_, ["map_files", ..]) => return Alias::Descriptor(None),
            // What the link leads to may be such an entry again
            // (`/proc/self/root/proc/self/cwd/x`).
            (_, ["cwd"]) => {
                return cwd.map_or(Alias::Unknown, |c| again(c.join(rest()), cwd, depth));
            }
            (_, ["root"]) => return again(Path::new("/").join(rest()), cwd, depth),
            _ => {}
        }
    }
    Alias::Plain
}

/// The alias of the path a `cwd` or `root` link led to.
fn again(path: PathBuf, cwd: Option<&Path>, depth: u8) -> Alias {
    match alias_within(&path, cwd, depth - 1) {
        Alias::Plain => Alias::Path(path),
        other => other,
    }
}

/// A target's two forms: lexical (normalized) and physical (symlinks resolved as the
/// kernel would). Without `follow`, a symlink at the target itself is not followed, only
/// the directories leading to it (`rm link` removes the link).
pub fn forms(target: &Path, follow: bool) -> (PathBuf, PathBuf) {
    let lexical = normalize(target);
    // The folders are resolved as written: a `..` after a symlink climbs from where the
    // link points (`docs/s/../x` with `docs/s -> ../src` is `x` at the root).
    let last = target.components().next_back();
    let physical = match (follow, target.parent(), last) {
        (false, Some(parent), Some(Component::Normal(name))) => physical(parent).join(name),
        _ => physical(target),
    };
    (lexical, physical)
}

/// A protected entry that a target matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    /// The entry as configured (`roles`, `**/.env`).
    pub entry: String,
    /// The target as the model should see it: relative to the project root when inside.
    pub shown: String,
    /// Why it matched when that is not obvious ("through a symlink", "contains").
    pub via: Option<String>,
}

/// Glob entries, compiled into one matcher only when a path is first checked: compiling
/// is the costliest step of building a matcher, and most calls (a command that writes
/// nothing, a read tool) never check a path.
#[derive(Debug, Default)]
struct LazySet {
    globs: Vec<globset::Glob>,
    names: Vec<String>,
    compiled: std::sync::OnceLock<GlobSet>,
}

impl LazySet {
    fn set(&self) -> &GlobSet {
        self.compiled.get_or_init(|| {
            let mut b = GlobSetBuilder::new();
            for g in &self.globs {
                b.add(g.clone());
            }
            b.build().unwrap_or_else(|_| GlobSet::empty())
        })
    }
}

#[derive(Debug)]
struct Plain {
    raw: String,
    lexical: PathBuf,
    /// Resolved on first use: most calls check no path at all.
    physical: std::sync::OnceLock<PathBuf>,
}

impl Plain {
    fn physical(&self) -> &PathBuf {
        self.physical.get_or_init(|| physical(&self.lexical))
    }
}

/// The compiled protected-path list of one project.
#[derive(Debug)]
pub struct Matcher {
    root: PathBuf,
    root_physical: std::sync::OnceLock<PathBuf>,
    plain: Vec<Plain>,
    /// Globs relative to the project root, and absolute/`~` globs, with their entries.
    rel_globs: LazySet,
    abs_globs: LazySet,
    /// For each glob: the directory its literal prefix names and its literal tail, used
    /// to decide whether a partly-unknown target could match it.
    glob_shapes: Vec<(String, PathBuf, String)>,
    home: Option<PathBuf>,
}

impl Matcher {
    /// Compiles `entries` for the project at `root`. Entries were validated when loaded.
    pub fn new(root: &Path, entries: &[String], home: Option<&Path>) -> Matcher {
        let root = normalize(root);
        let mut plain = Vec::new();
        let mut rel = LazySet::default();
        let mut abs = LazySet::default();
        let mut glob_shapes = Vec::new();
        for entry in entries {
            let trimmed = entry.trim().trim_end_matches('/');
            let trimmed = if trimmed.is_empty() { "/" } else { trimmed };
            let anchored = trimmed.starts_with('/') || trimmed.starts_with('~');
            if is_glob(trimmed) {
                let pattern = if anchored {
                    join(Path::new("/"), trimmed, home)
                        .to_string_lossy()
                        .into_owned()
                } else {
                    trimmed.trim_start_matches("./").to_owned()
                };
                let Ok(glob) = GlobBuilder::new(&pattern)
                    .literal_separator(true)
                    .backslash_escape(true)
                    .build()
                else {
                    continue;
                };
                let set = if anchored { &mut abs } else { &mut rel };
                set.globs.push(glob);
                set.names.push(entry.clone());
                let meta = pattern.find(['*', '?', '[', '{']).unwrap_or(pattern.len());
                let dir = pattern[..meta].rfind('/').map_or("", |i| &pattern[..i]);
                let tail_start = pattern
                    .rfind(['*', '?', ']', '}', '/'])
                    .map_or(0, |i| i + 1);
                let base = if anchored {
                    Path::new("/")
                } else {
                    root.as_path()
                };
                glob_shapes.push((
                    entry.clone(),
                    normalize(&base.join(dir)),
                    pattern[tail_start..].to_owned(),
                ));
            } else {
                let lexical = lexical(&root, trimmed, home);
                plain.push(Plain {
                    raw: entry.clone(),
                    physical: std::sync::OnceLock::new(),
                    lexical,
                });
            }
        }
        Matcher {
            root_physical: std::sync::OnceLock::new(),
            root,
            plain,
            rel_globs: rel,
            abs_globs: abs,
            glob_shapes,
            home: home.map(Path::to_path_buf),
        }
    }

    fn root_physical(&self) -> &PathBuf {
        self.root_physical.get_or_init(|| physical(&self.root))
    }

    /// The project root (lexical).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The home directory used for `~`.
    pub fn home(&self) -> Option<&Path> {
        self.home.as_deref()
    }

    /// Whether nothing is protected.
    pub fn is_empty(&self) -> bool {
        self.plain.is_empty() && self.glob_shapes.is_empty()
    }

    /// Checks a target given as an absolute, unnormalized path. With `recursive`, the
    /// write also reaches everything beneath the target (rm -r, mv, chmod -R), so a
    /// protected path inside it is hit too.
    /// Without `follow`, a symlink at the target itself is not followed (only the
    /// directories leading to it are), as `rm link` removes the link alone.
    pub fn check(
        &self,
        target: &Path,
        recursive: bool,
        follow: bool,
    ) -> Result<Option<Hit>, String> {
        let (lexical, physical) = forms(target, follow);
        for (form, via) in [(&lexical, None), (&physical, Some("through a symlink"))] {
            if via.is_some() && physical == lexical {
                continue;
            }
            if let Some(hit) = self.check_form(form, recursive)? {
                return Ok(Some(Hit {
                    via: hit
                        .via
                        .or_else(|| via.map(|v| format!("{v} to {}", self.show(form)))),
                    shown: self.show(&lexical),
                    ..hit
                }));
            }
        }
        Ok(None)
    }

    fn check_form(&self, path: &Path, recursive: bool) -> Result<Option<Hit>, String> {
        for p in &self.plain {
            for entry in [&p.lexical, p.physical()] {
                if path.starts_with(entry) {
                    return Ok(Some(self.hit(&p.raw, path, None)));
                }
                if recursive && entry.starts_with(path) {
                    let via = format!("it contains the protected path {}", self.show(entry));
                    return Ok(Some(self.hit(&p.raw, path, Some(via))));
                }
            }
        }
        if let Some(entry) = self.glob_match(path) {
            return Ok(Some(self.hit(&entry, path, None)));
        }
        if recursive && !self.glob_shapes.is_empty() {
            return self.walk_globs(path);
        }
        Ok(None)
    }

    /// A glob entry matching `path` or one of its ancestors.
    fn glob_match(&self, path: &Path) -> Option<String> {
        for root in [&self.root, self.root_physical()] {
            if let Ok(rel) = path.strip_prefix(root) {
                for anc in rel.ancestors().filter(|a| !a.as_os_str().is_empty()) {
                    if let Some(i) = self.rel_globs.set().matches(anc).first() {
                        return Some(self.rel_globs.names[*i].clone());
                    }
                }
            }
        }
        for anc in path.ancestors() {
            if let Some(i) = self.abs_globs.set().matches(anc).first() {
                return Some(self.abs_globs.names[*i].clone());
            }
        }
        None
    }

    /// For a recursive write: any existing path beneath `path` that a glob protects.
    fn walk_globs(&self, path: &Path) -> Result<Option<Hit>, String> {
        // A relative glob only matches inside the project: when the target is an ancestor
        // of the root, only the root's subtree matters.
        let start = if self.abs_globs.names.is_empty() && self.root.starts_with(path) {
            self.root.clone()
        } else if self.abs_globs.names.is_empty()
            && !path.starts_with(&self.root)
            && !path.starts_with(self.root_physical())
        {
            return Ok(None);
        } else {
            path.to_path_buf()
        };
        let mut stack = vec![start];
        let mut seen = 0;
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                seen += 1;
                if seen > WALK_BUDGET {
                    return Err(format!(
                        "{} holds more than {WALK_BUDGET} entries, too many to check against the protected globs",
                        self.show(path)
                    ));
                }
                let child = entry.path();
                if let Some(e) = self.glob_match(&child) {
                    let via = format!("it contains {}", self.show(&child));
                    return Ok(Some(self.hit(&e, path, Some(via))));
                }
                if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    stack.push(child);
                }
            }
        }
        Ok(None)
    }

    /// Checks a target whose tail is unknown: `dir` (absolute; `None` when even the
    /// directory is unknown) then a name starting with `name_prefix`, an unknown part,
    /// and `suffix`. Hits when some completion could be protected.
    pub fn check_partial(
        &self,
        dir: Option<&Path>,
        name_prefix: &str,
        suffix: &str,
    ) -> Option<Hit> {
        let shown_target = match dir {
            Some(d) => format!(
                "{}/{name_prefix}…{suffix}",
                self.show(d).trim_end_matches('/')
            ),
            None => format!("…{suffix}"),
        };
        let hit = |entry: &str| Hit {
            entry: entry.to_owned(),
            shown: shown_target.clone(),
            via: Some("the rest of the path is only known when the command runs".into()),
        };
        let Some(dir) = dir else {
            return self
                .plain
                .first()
                .map(|p| hit(&p.raw))
                .or_else(|| self.glob_shapes.first().map(|g| hit(&g.0)));
        };
        let forms = [normalize(dir), physical(dir)];
        for form in &forms {
            let start = form.join(name_prefix);
            let start = start.to_string_lossy();
            for p in &self.plain {
                for entry in [&p.lexical, p.physical()] {
                    if form.starts_with(entry) || entry.to_string_lossy().starts_with(&*start) {
                        return Some(hit(&p.raw));
                    }
                }
            }
            for (entry, gdir, tail) in &self.glob_shapes {
                let reach = form.starts_with(gdir)
                    || gdir.to_string_lossy().starts_with(&*start)
                    || self.root.starts_with(form);
                // A glob whose last component is literal (`**/.env`) names exactly that
                // file: the unknown name must be able to spell it.
                let literal_last = !self.glob_shapes.iter().any(|(e, _, _)| {
                    e == entry
                        && e.rsplit('/')
                            .next()
                            .is_some_and(|c| c.contains(['*', '?', '[', '{']))
                });
                let tail_ok = if literal_last && !suffix.contains('/') {
                    tail.starts_with(name_prefix) && tail.ends_with(suffix)
                } else {
                    suffix.is_empty()
                        || suffix.contains('/')
                        || suffix.ends_with(tail.as_str())
                        || tail.ends_with(suffix)
                };
                if reach && tail_ok {
                    return Some(hit(entry));
                }
            }
        }
        None
    }

    /// Whether `path` is protected or may contain a protected path: where a search for
    /// protected files (find, recursive operations) needs to look.
    pub fn relevant(&self, path: &Path) -> bool {
        let path = normalize(path);
        self.plain.iter().any(|p| {
            path.starts_with(&p.lexical)
                || p.lexical.starts_with(&path)
                || path.starts_with(p.physical())
                || p.physical().starts_with(&path)
        }) || (!self.glob_shapes.is_empty()
            && (path.starts_with(&self.root)
                || self.root.starts_with(&path)
                || !self.abs_globs.names.is_empty()))
    }

    fn hit(&self, entry: &str, path: &Path, via: Option<String>) -> Hit {
        Hit {
            entry: entry.to_owned(),
            shown: self.show(path),
            via,
        }
    }

    /// A path as the model should read it: relative to the project root when inside it.
    pub fn show(&self, path: &Path) -> String {
        for root in [&self.root, self.root_physical()] {
            if let Ok(rel) = path.strip_prefix(root) {
                return if rel.as_os_str().is_empty() {
                    ".".into()
                } else {
                    rel.to_string_lossy().into_owned()
                };
            }
        }
        path.to_string_lossy().into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(entries: &[&str]) -> Matcher {
        let e: Vec<String> = entries.iter().map(|s| (*s).to_owned()).collect();
        Matcher::new(
            Path::new("/nonexistent/p"),
            &e,
            Some(Path::new("/nonexistent/h")),
        )
    }

    fn hit(m: &Matcher, p: &str, rec: bool) -> bool {
        m.check(Path::new(p), rec, true).unwrap().is_some()
    }

    #[test]
    fn links_through_proc_are_followed_to_the_end() {
        let cwd = Some(Path::new("/p"));
        let a = |p: &str| alias(Path::new(p), cwd);
        assert_eq!(
            a("/proc/self/root/proc/self/cwd/roles/x"),
            Alias::Path("/p/roles/x".into())
        );
        // `/proc/net` and `/dev/fd` are links into the process's own folder.
        assert_eq!(a("/proc/net/../cwd/x"), Alias::Unknown);
        assert_eq!(a("/dev/fd/../cwd/x"), Alias::Unknown);
        // A working directory that is itself `/proc/self/cwd` ends, unknown.
        assert_eq!(
            alias(
                Path::new("/proc/self/cwd/x"),
                Some(Path::new("/proc/self/cwd"))
            ),
            Alias::Unknown
        );
    }

    #[test]
    fn proc_and_dev_paths_name_the_agents_process() {
        let cwd = Some(Path::new("/p"));
        let a = |p: &str| alias(Path::new(p), cwd);
        assert_eq!(
            a("/proc/self/cwd/roles/x"),
            Alias::Path("/p/roles/x".into())
        );
        assert_eq!(a("/proc/4242/cwd"), Alias::Unknown);
        assert_eq!(a("/proc/4242/fd/3"), Alias::Unknown);
        assert_eq!(a("/proc/4242/task/4243/root/etc"), Alias::Unknown);
        assert_eq!(a("/proc/thread-self/cwd/a"), Alias::Path("/p/a".into()));
        assert_eq!(a("/proc/self/task/7/cwd/a"), Alias::Path("/p/a".into()));
        assert_eq!(a("/proc/self/root/etc/x"), Alias::Path("/etc/x".into()));
        assert_eq!(a("/proc/self/fd/4"), Alias::Descriptor(Some(4)));
        assert_eq!(a("/proc/1/fd"), Alias::Plain);
        assert_eq!(a("/proc/self/map_files/x"), Alias::Descriptor(None));
        assert_eq!(a("/tmp/../proc/self/cwd/a"), Alias::Path("/p/a".into()));
        assert_eq!(
            a("/proc/self/cwd/../etc/x"),
            Alias::Path("/p/../etc/x".into())
        );
        assert_eq!(a("/dev/fd/4"), Alias::Descriptor(Some(4)));
        assert_eq!(a("/dev/fd/3/roles/x"), Alias::Unknown);
        assert_eq!(a("/proc/self/fd/3/roles/x"), Alias::Unknown);
        assert_eq!(a("/dev/stdin"), Alias::Descriptor(Some(0)));
        assert_eq!(a("/dev/null"), Alias::Plain);
        assert_eq!(a("/proc/self/status"), Alias::Plain);
        assert_eq!(a("/p/proc/self/cwd"), Alias::Plain);
        assert_eq!(alias(Path::new("/proc/self/cwd/x"), None), Alias::Unknown);
    }

    #[test]
    fn normalizes_dots_and_slashes() {
        assert_eq!(normalize(Path::new("/a/./b//c/../d")), Path::new("/a/b/d"));
        assert_eq!(normalize(Path::new("/../..")), Path::new("/"));
        assert_eq!(
            lexical(Path::new("/w"), "~/x", Some(Path::new("/h"))),
            Path::new("/h/x")
        );
    }

    #[test]
    fn plain_entries_match_on_component_boundaries() {
        let m = m(&["roles", "exports/hosts"]);
        assert!(hit(&m, "/nonexistent/p/roles", false));
        assert!(hit(&m, "/nonexistent/p/roles/a.md", false));
        assert!(hit(&m, "/nonexistent/p/src/../roles//a.md", false));
        assert!(!hit(&m, "/nonexistent/p/rolesX/a.md", false));
        assert!(!hit(&m, "/nonexistent/p/roles.md", false));
        assert!(!hit(&m, "/nonexistent/p/exports/README.md", false));
        assert!(hit(&m, "/nonexistent/p/exports/hosts/x", false));
    }

    #[test]
    fn recursive_writes_hit_ancestors() {
        let m = m(&["exports/hosts"]);
        assert!(!hit(&m, "/nonexistent/p/exports", false));
        assert!(hit(&m, "/nonexistent/p/exports", true));
        assert!(hit(&m, "/nonexistent/p", true));
        assert!(hit(&m, "/", true));
        assert!(!hit(&m, "/nonexistent/p/src", true));
    }

    #[test]
    fn globs_match_relative_to_root_and_protect_beneath() {
        let m = m(&["**/.env", "secrets/*.pem", "~/.ssh/*"]);
        assert!(hit(&m, "/nonexistent/p/.env", false));
        assert!(hit(&m, "/nonexistent/p/a/b/.env", false));
        assert!(hit(&m, "/nonexistent/p/secrets/k.pem", false));
        assert!(!hit(&m, "/nonexistent/p/secrets/a/k.pem", false));
        assert!(!hit(&m, "/nonexistent/p/secrets/readme.txt", false));
        assert!(hit(&m, "/nonexistent/h/.ssh/id_rsa", false));
    }

    #[test]
    fn partial_targets_hit_only_where_a_completion_could() {
        let m = m(&["roles", "**/.env"]);
        let root = Path::new("/nonexistent/p");
        assert!(m.check_partial(Some(root), "", "").is_some());
        assert!(m.check_partial(Some(&root.join("roles")), "", "").is_some());
        assert!(
            m.check_partial(Some(Path::new("/tmp")), "tmp.", "")
                .is_none()
        );
        assert!(m.check_partial(None, "", "").is_some());
        let m2 = self::m(&["roles"]);
        assert!(
            m2.check_partial(Some(&root.join("build")), "", ".log")
                .is_none()
        );
        assert!(m2.check_partial(Some(root), "ro", "").is_some());
        assert!(m2.check_partial(Some(root), "src", "").is_none());
    }
}
