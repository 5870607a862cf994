//! Plain-text tables and key/value blocks for the views a person reads. Cells are made
//! safe for a terminal (control characters from event text could move the cursor or
//! recolour the screen) and long cells are cut with `…`.

/// Longest cell before it is cut.
const MAX_CELL: usize = 72;

/// Column alignment.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

pub(crate) struct Table {
    headers: Vec<String>,
    align: Vec<Align>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these headers; every column left-aligned until `align` says otherwise.
    pub(crate) fn new(headers: &[&str]) -> Table {
        Table {
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            align: vec![Align::Left; headers.len()],
            rows: Vec::new(),
        }
    }

    /// Right-aligns the given columns (numbers).
    pub(crate) fn right(mut self, columns: &[usize]) -> Table {
        for &c in columns {
            if let Some(a) = self.align.get_mut(c) {
                *a = Align::Right;
            }
        }
        self
    }

    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells.iter().map(|c| cell(c)).collect());
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table, one line per row, columns two spaces apart, no trailing spaces.
    pub(crate) fn render(&self) -> String {
        let columns = self.headers.len();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| width(h)).collect();
        for row in &self.rows {
            for (i, c) in row.iter().enumerate().take(columns) {
                widths[i] = widths[i].max(width(c));
            }
        }
        let mut out = String::new();
        let mut line = |cells: &[String]| {
            let mut text = String::new();
            for (i, w) in widths.iter().enumerate() {
                let c = cells.get(i).map_or("", String::as_str);
                let pad = " ".repeat(w.saturating_sub(width(c)));
                if i > 0 {
                    text.push_str("  ");
                }
                if self.align[i] == Align::Right {
                    text.push_str(&pad);
                    text.push_str(c);
                } else {
                    text.push_str(c);
                    text.push_str(&pad);
                }
            }
            out.push_str(text.trim_end());
            out.push('\n');
        };
        line(&self.headers);
        for row in &self.rows {
            line(row);
        }
        out
    }
}

/// Labels and values, the labels padded to one width.
pub(crate) fn key_values(rows: &[(&str, String)]) -> String {
    let w = rows.iter().map(|(k, _)| width(k)).max().unwrap_or(0);
    let mut out = String::new();
    for (k, v) in rows {
        let line = format!("{k:<w$}  {}", cell(v));
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A section heading.
pub(crate) fn heading(title: &str) -> String {
    format!("\n{title}\n")
}

/// A cell as it may be shown: control characters replaced, long text cut.
pub(crate) fn cell(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if c.is_control() => '?',
            c => c,
        })
        .collect();
    if width(&clean) > MAX_CELL {
        let mut cut: String = clean.chars().take(MAX_CELL - 1).collect();
        cut.push('…');
        cut
    } else {
        clean
    }
}

fn width(text: &str) -> usize {
    text.chars().count()
}

/// `2026-11-28T06:49:34.123Z` as `2026-11-28 06:49:34`; anything else as it is.
pub(crate) fn time(stamp: &str) -> String {
    match stamp.split_once('T') {
        Some((date, rest)) if date.len() == 10 && rest.len() >= 8 => {
            format!("{date} {}", &rest[..8])
        }
        _ => stamp.to_owned(),
    }
}

/// A byte count as a person reads it (`512 B`, `1.5 KiB`, `3.2 MiB`).
pub(crate) fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_and_stay_safe() {
        let mut t = Table::new(&["NAME", "COUNT"]).right(&[1]);
        t.row(vec!["post_tool_capture".into(), "12".into()]);
        t.row(vec!["a\u{1b}[31m\nb".into(), "3".into()]);
        assert_eq!(
            t.render(),
            "NAME               COUNT\npost_tool_capture     12\na?[31m b               3\n"
        );
    }

    #[test]
    fn formats() {
        assert_eq!(time("2026-11-28T06:49:34.123Z"), "2026-11-28 06:49:34");
        assert_eq!(time("yesterday"), "yesterday");
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(cell(&"x".repeat(100)).chars().count(), MAX_CELL);
    }
}
