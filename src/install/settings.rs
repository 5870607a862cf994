//! Our entries in a host's settings document: rendering a template for this machine,
//! finding our handlers among everybody else's, merging ours in and taking them out.
//! Pure functions over JSON values; reading and writing files is `files`' job.
//!
//! Ours are recognised by the file name of the program a handler runs (`layout::our_hook`),
//! never by position. Everything else in the document keeps its place and its value: the
//! merge edits only the event lists that hold (or should hold) our handlers, and leaves
//! an event list alone when our part of it is already what the template asks for, so a
//! second install changes nothing.

use serde_json::{Map, Value};

use super::Error;
use super::layout::{Launch, Layout, first_word, our_hook, shell_quote};
use crate::hooks::Hook;

/// The placeholder for the directory holding our binaries in `hooks/*` templates.
pub const BIN_PLACEHOLDER: &str = "{{bin}}";

/// One of our handlers as registered in a document.
#[derive(Clone, Debug)]
pub struct Registered {
    pub event: String,
    /// Index of the group in the event's list (Cursor: of the handler).
    pub group: usize,
    /// Index of the handler in its group (Cursor: 0).
    pub handler: usize,
    pub hook: Hook,
    pub matcher: Option<String>,
    /// The handler object as written.
    pub entry: Map<String, Value>,
}

/// The template for `layout`, with our binaries' directory filled in.
pub fn render(layout: &Layout, bin_dir: &str) -> Result<Map<String, Value>, Error> {
    let mut doc = parse_template(layout.template, layout.template_path)?;
    if let Some(Value::Object(events)) = doc.get_mut("hooks") {
        for units in events.values_mut().filter_map(Value::as_array_mut) {
            for unit in units {
                for handler in handlers_mut(layout, unit) {
                    if let Some(Value::String(cmd)) = handler.get_mut("command") {
                        *cmd = fill(layout, cmd, bin_dir);
                    }
                }
            }
        }
    }
    Ok(doc)
}

/// Parses an embedded template: they are part of this build, and a test parses each.
pub fn parse_template(text: &str, path: &str) -> Result<Map<String, Value>, Error> {
    match serde_json::from_str(text) {
        Ok(Value::Object(doc)) => Ok(doc),
        _ => Err(Error::Template(path.to_owned())),
    }
}

fn fill(layout: &Layout, command: &str, bin_dir: &str) -> String {
    let Some(rest) = command.strip_prefix(BIN_PLACEHOLDER) else {
        return command.to_owned();
    };
    let (program, args) = rest.split_once(' ').unwrap_or((rest, ""));
    let path = format!("{bin_dir}{program}");
    let program = match layout.launch {
        Launch::Exec => path,
        Launch::Shell | Launch::Bash => shell_quote(&path),
    };
    if args.is_empty() {
        program
    } else {
        format!("{program} {args}")
    }
}

/// The program a handler runs: exec form names it in `command`; otherwise it is the
/// first word of the command line.
pub fn program(handler: &Map<String, Value>) -> Option<String> {
    let command = handler.get("command")?.as_str()?;
    if handler.contains_key("args") {
        Some(command.to_owned())
    } else {
        Some(first_word(command))
    }
}

fn is_ours(handler: &Value) -> bool {
    handler
        .as_object()
        .and_then(program)
        .and_then(|p| our_hook(&p))
        .is_some()
}

/// The handlers of one entry of an event's list: a group's `hooks`, or (Cursor) the entry.
fn handlers_mut<'a>(layout: &Layout, unit: &'a mut Value) -> Vec<&'a mut Map<String, Value>> {
    if layout.grouped {
        match unit.get_mut("hooks").and_then(Value::as_array_mut) {
            Some(list) => list.iter_mut().filter_map(Value::as_object_mut).collect(),
            None => Vec::new(),
        }
    } else {
        unit.as_object_mut().into_iter().collect()
    }
}

fn handlers<'a>(layout: &Layout, unit: &'a Value) -> Vec<&'a Value> {
    if layout.grouped {
        match unit.get("hooks").and_then(Value::as_array) {
            Some(list) => list.iter().collect(),
            None => Vec::new(),
        }
    } else {
        vec![unit]
    }
}

/// Every handler of ours in `doc`, in document order.
pub fn registered(layout: &Layout, doc: &Map<String, Value>) -> Vec<Registered> {
    let mut found = Vec::new();
    let Some(Value::Object(events)) = doc.get("hooks") else {
        return found;
    };
    for (event, units) in events {
        let Some(units) = units.as_array() else {
            continue;
        };
        for (g, unit) in units.iter().enumerate() {
            let matcher = unit
                .get("matcher")
                .and_then(Value::as_str)
                .map(str::to_owned);
            for (h, handler) in handlers(layout, unit).into_iter().enumerate() {
                let Some(entry) = handler.as_object() else {
                    continue;
                };
                if let Some(hook) = program(entry).and_then(|p| our_hook(&p)) {
                    found.push(Registered {
                        event: event.clone(),
                        group: g,
                        handler: h,
                        hook,
                        matcher: matcher.clone(),
                        entry: entry.clone(),
                    });
                }
            }
        }
    }
    found
}

/// Checks the parts of a document the merge edits have the shapes it expects, so a
/// surprise is refused before anything is changed.
pub fn check_shape(doc: &Map<String, Value>) -> Result<(), String> {
    match doc.get("hooks") {
        None => Ok(()),
        Some(Value::Object(events)) => {
            for (event, units) in events {
                if !units.is_array() {
                    return Err(format!("`hooks.{event}` is not a list"));
                }
            }
            Ok(())
        }
        Some(_) => Err("`hooks` is not an object".into()),
    }
}

/// Takes every handler of ours out of `doc`: a group left empty by it goes, an event left
/// empty goes, and `hooks` goes if nothing else was in it. Returns whether it changed.
pub fn strip(layout: &Layout, doc: &mut Map<String, Value>) -> bool {
    let Some(Value::Object(events)) = doc.get_mut("hooks") else {
        return false;
    };
    let mut changed = false;
    events.retain(|_, units| {
        let Some(list) = units.as_array_mut() else {
            return true;
        };
        let removed = strip_list(layout, list);
        changed |= removed;
        !(removed && list.is_empty())
    });
    if changed && events.is_empty() {
        doc.remove("hooks");
    }
    changed
}

/// Takes our handlers out of one event's list. Returns whether any were there.
fn strip_list(layout: &Layout, list: &mut Vec<Value>) -> bool {
    let before = list.clone();
    if layout.grouped {
        list.retain_mut(|group| {
            let Some(hooks) = group.get_mut("hooks").and_then(Value::as_array_mut) else {
                return true;
            };
            let n = hooks.len();
            hooks.retain(|h| !is_ours(h));
            !(hooks.len() < n && hooks.is_empty())
        });
    } else {
        list.retain(|h| !is_ours(h));
    }
    *list != before
}

/// Our entries in one event's list, if the list holds them as whole entries (no group
/// that mixes ours with somebody else's).
fn our_units(layout: &Layout, list: &[Value]) -> Option<Vec<Value>> {
    let mut ours = Vec::new();
    for unit in list {
        let hs = handlers(layout, unit);
        let mine = hs.iter().filter(|h| is_ours(h)).count();
        if mine == 0 {
            continue;
        }
        if mine < hs.len() {
            return None;
        }
        ours.push(unit.clone());
    }
    Some(ours)
}

/// Merges the rendered template `desired` into `doc`. Event lists whose part of ours is
/// already `desired`'s are left exactly as they are; where ours changed but not in
/// number, they are replaced in place; otherwise the list loses our old entries and gets
/// the new ones at its end, after everybody else's. So other tools' entries keep their
/// positions unless the number of ours changes (Codex ties a hook's trust to its
/// position). Top-level settings the template
/// carries (Cursor's `version`, Gemini's `hooksConfig.enabled`) are added when missing
/// and never overwritten; a different value is reported in the returned warnings.
pub fn merge(
    layout: &Layout,
    doc: &mut Map<String, Value>,
    desired: &Map<String, Value>,
) -> (bool, Vec<String>) {
    let mut changed = false;
    let mut warnings = Vec::new();
    for (key, value) in desired {
        if key != "hooks" {
            add_missing(doc, key, value, key, &mut changed, &mut warnings);
        }
    }
    let empty = Map::new();
    let want = match desired.get("hooks") {
        Some(Value::Object(w)) => w,
        _ => &empty,
    };
    if !doc.contains_key("hooks") {
        if want.is_empty() {
            return (changed, warnings);
        }
        doc.insert("hooks".into(), Value::Object(Map::new()));
        changed = true;
    }
    let Some(Value::Object(events)) = doc.get_mut("hooks") else {
        return (changed, warnings);
    };
    // Events that hold ours but should not (an older template): take ours out.
    let stale: Vec<String> = events
        .keys()
        .filter(|e| !want.contains_key(*e))
        .cloned()
        .collect();
    for event in stale {
        if let Some(Value::Array(list)) = events.get_mut(&event)
            && strip_list(layout, list)
        {
            changed = true;
            if list.is_empty() {
                events.remove(&event);
            }
        }
    }
    for (event, wanted) in want {
        let wanted = wanted.as_array().cloned().unwrap_or_default();
        match events.get_mut(event).and_then(Value::as_array_mut) {
            Some(list) => match our_units(layout, list) {
                Some(ours) if ours == wanted => continue,
                // As many entries as before: replace them where they are, so nobody's
                // entry moves (Codex ties a hook's trust to its position).
                Some(ours) if ours.len() == wanted.len() => {
                    let mut next = wanted.into_iter();
                    for unit in list.iter_mut() {
                        if handlers(layout, unit).iter().any(|h| is_ours(h)) {
                            *unit = next.next().unwrap_or(Value::Null);
                        }
                    }
                }
                _ => {
                    strip_list(layout, list);
                    list.extend(wanted);
                }
            },
            None => {
                events.insert(event.clone(), Value::Array(wanted));
            }
        }
        changed = true;
    }
    (changed, warnings)
}

fn add_missing(
    doc: &mut Map<String, Value>,
    key: &str,
    value: &Value,
    path: &str,
    changed: &mut bool,
    warnings: &mut Vec<String>,
) {
    match (doc.get_mut(key), value) {
        (None, _) => {
            doc.insert(key.to_owned(), value.clone());
            *changed = true;
        }
        (Some(Value::Object(have)), Value::Object(want)) => {
            for (k, v) in want {
                add_missing(have, k, v, &format!("{path}.{k}"), changed, warnings);
            }
        }
        (Some(have), want) if have != want => warnings.push(format!(
            "`{path}` is {have}, not {want} as the hooks need; left as it is"
        )),
        _ => {}
    }
}

/// The settings the template carries besides `hooks` (Cursor's `version`, Gemini's
/// `hooksConfig.enabled`), as key paths with their values.
pub fn scaffold(desired: &Map<String, Value>) -> Vec<(Vec<String>, Value)> {
    fn walk(map: &Map<String, Value>, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, Value)>) {
        for (k, v) in map {
            path.push(k.clone());
            match v {
                Value::Object(inner) => walk(inner, path, out),
                leaf => out.push((path.clone(), leaf.clone())),
            }
            path.pop();
        }
    }
    let mut out = Vec::new();
    let mut rest = desired.clone();
    rest.remove("hooks");
    walk(&rest, &mut Vec::new(), &mut out);
    out
}

/// Whether `doc` holds nothing but the template's scaffold, with the template's values.
pub fn only_scaffold(doc: &Map<String, Value>, desired: &Map<String, Value>) -> bool {
    let mut rest = doc.clone();
    for (path, value) in scaffold(desired) {
        remove_leaf(&mut rest, &path, &value);
    }
    rest.is_empty()
}

/// Takes out the scaffold settings that `before` (the file as it was before the first
/// install) did not have and that still hold the template's values.
pub fn remove_scaffold(
    doc: &mut Map<String, Value>,
    desired: &Map<String, Value>,
    before: &Map<String, Value>,
) {
    for (path, value) in scaffold(desired) {
        if lookup(before, &path).is_none() {
            remove_leaf(doc, &path, &value);
        }
    }
}

fn lookup<'a>(map: &'a Map<String, Value>, path: &[String]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    let v = map.get(first)?;
    if rest.is_empty() {
        Some(v)
    } else {
        lookup(v.as_object()?, rest)
    }
}

/// Removes the leaf at `path` if it equals `value`, and the objects it leaves empty.
fn remove_leaf(map: &mut Map<String, Value>, path: &[String], value: &Value) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    if rest.is_empty() {
        if map.get(first) == Some(value) {
            map.remove(first);
        }
        return;
    }
    if let Some(Value::Object(inner)) = map.get_mut(first) {
        let had = inner.len();
        remove_leaf(inner, rest, value);
        if inner.is_empty() && had > 0 {
            map.remove(first);
        }
    }
}

/// How a file was laid out, so a rewrite looks like it: indent, line endings, final newline.
#[derive(Clone, Debug)]
pub struct Style {
    indent: String,
    crlf: bool,
    final_newline: bool,
}

impl Default for Style {
    fn default() -> Style {
        Style {
            indent: "  ".into(),
            crlf: false,
            final_newline: true,
        }
    }
}

impl Style {
    pub fn detect(text: &str) -> Style {
        let indent = text
            .lines()
            .map(|l| &l[..l.len() - l.trim_start().len()])
            .find(|ws| !ws.is_empty())
            .unwrap_or("  ")
            .to_owned();
        Style {
            indent,
            crlf: text.contains("\r\n"),
            final_newline: text.is_empty() || text.ends_with('\n'),
        }
    }

    /// `doc` as text in this style.
    pub fn render(&self, doc: &Map<String, Value>) -> String {
        use serde::Serialize;
        let mut out = Vec::new();
        let fmt = serde_json::ser::PrettyFormatter::with_indent(self.indent.as_bytes());
        let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
        // A map of JSON values always serializes.
        let _ = doc.serialize(&mut ser);
        let mut text = String::from_utf8(out).unwrap_or_default();
        if self.final_newline {
            text.push('\n');
        }
        if self.crlf {
            text = text.replace('\n', "\r\n");
        }
        text
    }
}
