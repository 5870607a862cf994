//! A small getopt: splits a command's arguments into flags, option values and operands,
//! given which options take a value. GNU tools accept options after operands, and so
//! does this, until `--`. They also accept a long option by any unambiguous prefix
//! (`sed --in`, `cp --t=DIR`), and so does this: a prefix counts as every long option it
//! begins (an ambiguous one is an error to the real program, which then does nothing).

use super::expand::Field;

#[derive(Debug, Default)]
pub(super) struct Opts {
    /// Flags as written: `-r` for a short one, `--recursive` for a long one.
    pub flags: Vec<String>,
    /// Options with their values: (`-t`, dir), (`--target-directory`, dir).
    pub values: Vec<(String, Field)>,
    pub operands: Vec<Field>,
}

impl Opts {
    /// Parses `args`. `short` lists the short options that take a value; `long` the long
    /// ones (without dashes).
    pub(super) fn parse(args: &[Field], short: &str, long: &[&str]) -> Opts {
        let mut o = Opts::default();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let Field::Known(s) = arg else {
                o.operands.push(arg.clone());
                continue;
            };
            if s == "--" {
                o.operands.extend(it.cloned());
                break;
            }
            if let Some(body) = s.strip_prefix("--") {
                match body.split_once('=') {
                    Some((name, value)) => o
                        .values
                        .push((format!("--{name}"), Field::Known(value.to_owned()))),
                    None if long.contains(&body) || long.iter().any(|l| abbreviates(body, l)) => {
                        if let Some(v) = it.next() {
                            o.values.push((s.clone(), v.clone()));
                        }
                    }
                    None => o.flags.push(s.clone()),
                }
            } else if s.len() > 1 && s.starts_with('-') {
                for (i, c) in s[1..].char_indices() {
                    if short.contains(c) {
                        let rest = &s[1 + i + c.len_utf8()..];
                        let value = if rest.is_empty() {
                            it.next().cloned()
                        } else {
                            Some(Field::Known(rest.to_owned()))
                        };
                        if let Some(v) = value {
                            o.values.push((format!("-{c}"), v));
                        }
                        break;
                    }
                    o.flags.push(format!("-{c}"));
                }
            } else {
                o.operands.push(arg.clone());
            }
        }
        o
    }

    /// Whether a flag (short `c` or long `name`) is present, also as a valued option.
    pub(super) fn has(&self, short: Option<char>, long: &[&str]) -> bool {
        let is = |f: &str| {
            short.is_some_and(|c| f.len() == 2 && f.ends_with(c) && f.starts_with('-'))
                || long
                    .iter()
                    .any(|l| f.strip_prefix("--").is_some_and(|b| abbreviates(b, l)))
        };
        self.flags.iter().any(|f| is(f)) || self.values.iter().any(|(f, _)| is(f))
    }

    /// Every value given to an option (short `c` or any of `long`).
    pub(super) fn all(&self, short: Option<char>, long: &[&str]) -> Vec<&Field> {
        self.values
            .iter()
            .filter(|(f, _)| {
                short.is_some_and(|c| f.len() == 2 && f.ends_with(c) && f.starts_with('-'))
                    || long
                        .iter()
                        .any(|l| f.strip_prefix("--").is_some_and(|b| abbreviates(b, l)))
            })
            .map(|(_, v)| v)
            .collect()
    }

    /// The last value given to an option.
    pub(super) fn value(&self, short: Option<char>, long: &[&str]) -> Option<&Field> {
        self.all(short, long).into_iter().last()
    }
}

/// Whether the word `arg` is the long option `name` (`--hard`, `--ha`, `--hard=x`).
pub(super) fn is_long(arg: &str, name: &str) -> bool {
    arg.strip_prefix("--")
        .map(|b| b.split_once('=').map_or(b, |(n, _)| n))
        .is_some_and(|b| abbreviates(b, name))
}

/// Whether `--given` names the long option `name`: the whole name, or a prefix of it.
fn abbreviates(given: &str, name: &str) -> bool {
    !given.is_empty() && name.starts_with(given)
}

/// Splits a wrapper's own options from the command it runs: options (with `short`/`long`
/// values) are skipped up to the first operand, which starts the command.
pub(super) fn split_wrapper<'f>(args: &'f [Field], short: &str, long: &[&str]) -> &'f [Field] {
    let mut i = 0;
    while i < args.len() {
        let Field::Known(s) = &args[i] else { break };
        if s == "--" {
            return &args[i + 1..];
        }
        if !s.starts_with('-') || s == "-" {
            break;
        }
        if let Some(body) = s.strip_prefix("--") {
            if !body.contains('=') && long.contains(&body) {
                i += 1;
            }
        } else if let Some(pos) = s[1..].find(|c| short.contains(c)) {
            // The value is the rest of the cluster, or the next argument.
            if pos + 2 == s.len() {
                i += 1;
            }
        }
        i += 1;
    }
    &args[i.min(args.len())..]
}
