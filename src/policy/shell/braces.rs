//! The parse of a word's brace expressions (`a{b,c}d`, `{1..3}`, nested), in time linear
//! in the word's length. brush-parser's own `parse_brace_expansions` backtracks: its time
//! grows about threefold with each nested `{` that does not open an expression (16 of them
//! take a minute), and it panics on a sequence bound beyond `i64`. A hostile command must
//! cost neither, so this reads the same grammar once, right to left, and builds brush's
//! types for the expansion in `expand`.
//!
//! The grammar, as brush reads it: an expression is `{`, then either two or more members
//! separated by `,` or a sequence (`1..9`, `a..z`, with an optional `..step`), then `}`;
//! a member is text in which nested expressions expand; a `{` that opens no expression is
//! text. Quoted text, escapes and `$…` expansions are units whose braces are not syntax.

use brush_parser::word::{
    BraceExpression, BraceExpressionMember as Member, BraceExpressionOrText as Piece, WordPiece,
    WordPieceWithSource,
};

/// One unit of the word: an unquoted character (which may be brace syntax) or a piece
/// whose braces are text (quotes, escapes, expansions).
#[derive(Clone, Copy)]
enum Tok<'a> {
    Char(char, &'a str),
    Unit(&'a str),
}

impl<'a> Tok<'a> {
    fn is(self, c: char) -> bool {
        matches!(self, Tok::Char(x, _) if x == c)
    }

    fn text(self) -> &'a str {
        match self {
            Tok::Char(_, s) | Tok::Unit(s) => s,
        }
    }
}

/// The brace-expansion parts of `word`, whose word pieces are `pieces`, or `None` when it
/// holds no expression.
pub(super) fn parse(word: &str, pieces: &[WordPieceWithSource]) -> Option<Vec<Piece>> {
    let mut toks = Vec::new();
    for p in pieces {
        let source = word.get(p.start_index..p.end_index)?;
        match &p.piece {
            WordPiece::Text(_) => toks.extend(
                source
                    .char_indices()
                    .map(|(i, c)| Tok::Char(c, &source[i..i + c.len_utf8()])),
            ),
            _ => toks.push(Tok::Unit(source)),
        }
    }
    let ends = expression_ends(&toks);
    if ends.iter().all(Option::is_none) {
        return None;
    }
    Some(
        Builder {
            toks: &toks,
            ends: &ends,
        }
        .pieces(0, toks.len())
        .0,
    )
}

/// For each `{` that opens an expression, the index of its closing `}`.
fn expression_ends(toks: &[Tok]) -> Vec<Option<usize>> {
    let n = toks.len();
    let mut ends = vec![None; n];
    // From each index: the first `}` at that level (nested expressions skipped), and
    // whether a `,` at that level comes before it. Filled right to left, so a nested
    // expression is known before the one around it.
    let mut close: Vec<Option<usize>> = vec![None; n + 1];
    let mut comma = vec![false; n + 1];
    for i in (0..n).rev() {
        let next = match toks[i] {
            Tok::Char('}', _) => {
                close[i] = Some(i);
                comma[i] = false;
                continue;
            }
            Tok::Char(',', _) => {
                close[i] = close[i + 1];
                comma[i] = true;
                continue;
            }
            Tok::Char('{', _) => {
                if let Some(end) = close[i + 1]
                    && (comma[i + 1] || is_sequence(&toks[i + 1..end]))
                {
                    ends[i] = Some(end);
                    end + 1
                } else {
                    i + 1
                }
            }
            _ => i + 1,
        };
        close[i] = close[next];
        comma[i] = comma[next];
    }
    ends
}

/// Whether `toks` (between the braces) is a sequence: `N..M[..S]` or `a..z[..S]`, with
/// bounds that fit an `i64` as brush requires.
fn is_sequence(toks: &[Tok]) -> bool {
    sequence(toks).is_some()
}

fn sequence(toks: &[Tok]) -> Option<Member> {
    // Three signed 19-digit numbers and two `..`: anything longer is no sequence, and
    // checking it would make the scan quadratic.
    if toks.len() > 64 {
        return None;
    }
    let mut text = String::new();
    for t in toks {
        match t {
            Tok::Char(c, _) => text.push(*c),
            Tok::Unit(_) => return None,
        }
    }
    let parts: Vec<&str> = text.split("..").collect();
    let increment = match parts.len() {
        2 => 1,
        3 => number(parts[2])?,
        _ => return None,
    };
    if let (Some(start), Some(end)) = (number(parts[0]), number(parts[1])) {
        return Some(Member::NumberSequence {
            start,
            end,
            increment,
        });
    }
    let (start, end) = (letter(parts[0])?, letter(parts[1])?);
    Some(Member::CharSequence {
        start,
        end,
        increment,
    })
}

fn number(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = digits.parse().ok()?;
    Some(if s.starts_with('-') { -n } else { n })
}

fn letter(s: &str) -> Option<char> {
    let mut chars = s.chars();
    let c = chars.next().filter(char::is_ascii_alphabetic)?;
    chars.next().is_none().then_some(c)
}

struct Builder<'t, 'a> {
    toks: &'t [Tok<'a>],
    ends: &'t [Option<usize>],
}

impl Builder<'_, '_> {
    /// The pieces of `toks[from..to]` up to the first `,` or `}` at this level when inside
    /// an expression (`to` is its closing brace), and the index it stopped at.
    fn pieces(&self, from: usize, to: usize) -> (Vec<Piece>, usize) {
        let inside = to < self.toks.len();
        let mut out = Vec::new();
        let mut text = String::new();
        let mut i = from;
        while i < to {
            let t = self.toks[i];
            if inside && (t.is(',') || t.is('}')) {
                break;
            }
            match self.ends[i] {
                Some(end) => {
                    if !text.is_empty() {
                        out.push(Piece::Text(std::mem::take(&mut text)));
                    }
                    out.push(Piece::Expr(self.expression(i + 1, end)));
                    i = end + 1;
                }
                None => {
                    text.push_str(t.text());
                    i += 1;
                }
            }
        }
        if !text.is_empty() {
            out.push(Piece::Text(text));
        }
        (out, i)
    }

    /// The members of the expression between `from` and its closing brace `end`.
    fn expression(&self, from: usize, end: usize) -> BraceExpression {
        let mut members = Vec::new();
        let mut i = from;
        loop {
            let (pieces, stop) = self.pieces(i, end);
            if pieces.is_empty() {
                members.push(Member::Child(vec![Piece::Text(String::new())]));
            } else {
                members.push(Member::Child(pieces));
            }
            if stop >= end {
                break;
            }
            i = stop + 1;
        }
        if members.len() == 1
            && let Some(seq) = sequence(&self.toks[from..end])
        {
            return vec![seq];
        }
        members
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use brush_parser::word;

    /// `word`'s brace-expansion parts, from its word pieces as the expansion parses them.
    fn parse(w: &str) -> Option<Vec<Piece>> {
        let pieces = word::parse(w, &brush_parser::ParserOptions::default()).unwrap();
        super::parse(w, &pieces)
    }

    /// The expansion, rendered back as a brace word, to compare with brush's parse.
    fn show(pieces: &[Piece]) -> String {
        pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.clone(),
                Piece::Expr(members) => format!(
                    "<{}>",
                    members
                        .iter()
                        .map(|m| match m {
                            Member::Child(c) => show(c),
                            Member::NumberSequence {
                                start,
                                end,
                                increment,
                            } => format!("{start}~{end}~{increment}"),
                            Member::CharSequence {
                                start,
                                end,
                                increment,
                            } => format!("{start}~{end}~{increment}"),
                        })
                        .collect::<Vec<_>>()
                        .join("|")
                ),
            })
            .collect()
    }

    #[test]
    fn agrees_with_brush_on_ordinary_words() {
        for w in [
            "a{b,c}d",
            "{a,b}{c,d}",
            "x{1..3}",
            "{a..e..2}y",
            "{-3..+3}",
            "{a,{b,c}}",
            "{{a,b}}",
            "{a,{b}",
            "{a}",
            "{}",
            "{,}",
            "a{,b}",
            "{a,b",
            "a}b{",
            "'{a,b}'{c,d}",
            "\"x{a,b}\"{c,d}",
            "\\{a,b}",
            "${x}{a,b}",
            "$(echo {a,b}){c,d}",
            "~/{a,b}",
            "{1..a}",
            "{a..9}",
            "{aa..b}",
            "{1..2..3..4}",
            "f{o{o,b}ar,x}",
        ] {
            let brush = word::parse_brace_expansions(w, &brush_parser::ParserOptions::default())
                .ok()
                .flatten();
            let ours = parse(w);
            assert_eq!(
                ours.as_deref().map(show),
                brush.as_deref().map(show).filter(|s| s.contains('<')),
                "{w}"
            );
        }
    }

    #[test]
    fn hostile_words_are_linear_and_never_panic() {
        // Each of these took brush's parser longer than the universe has existed.
        let deep = format!("a{}b", "{".repeat(4000));
        assert!(parse(&deep).is_none());
        let nested = format!("a{}b{}", "{x".repeat(4000), "}".repeat(4000));
        assert!(parse(&nested).is_none());
        assert!(parse("{99999999999999999999..1}").is_none());
        assert!(parse("{1..99999999999999999999}").is_none());
    }
}
