//! Checks on a script's raw text before brush-parser sees it, for inputs on which the
//! parser panics or takes exponential time. A panicking or slow guard lets the call through
//! on most hosts, so such a script is refused before it is parsed. And one rewrite
//! tried when a parse fails: `case` patterns inside `$(…)` given their optional `(`.
//!
//! brush-parser unwraps the parse of a few numbers and panics when one overflows: a file
//! descriptor before a redirection (`99999999999>f`, an `i32`) and a directory-stack
//! index after a tilde (`~+99999999999999999999`, a `usize`). And its time grows about
//! 1.7- to 3-fold with each `(` left open (24 take seconds, 111 forever), though bash
//! refuses such a script anyway.

/// Most `(`, and most subscripts (`name[`, `$[`), a script may leave open. Each one left
/// open multiplies the parse time by up to about 3 (a fuzzed command with 10 `(` took
/// 0.9 s, one with 14 subscripts 2.4 s); at this count it stays near 10 ms.
pub(super) const MAX_UNCLOSED: usize = 6;

/// What a script leaves open.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Unclosed {
    /// `(` and `$(`, inside double quotes too.
    pub parens: usize,
    /// `[` right after a name or a `$` (an array subscript, a legacy `$[…]` arithmetic):
    /// brush-parser's word grammar backtracks over each one left open.
    pub subscripts: usize,
}

/// What brush-parser's word grammar does with a `${name[` (or `${!name[`): it tries some
/// 25 forms of `${…}` in turn, and each parses the parameter again, subscript and all, so
/// each costs about 16 times what it contains; one whose `[` is never closed contains the
/// rest of the word. Measured in a release build: a word with three nested costs ~5 ms,
/// four ~70 ms, five ~1 s, six ~13 s; open ones alike.
const SUBSCRIPT_FACTOR: u64 = 16;
/// Inside such a subscript, an open `[` or `"` multiplies the time again (by 1.5 to 2.5
/// in measurements; the whole word is the region the alternatives parse over again).
const INNER_FACTOR: u64 = 4;

/// About how long brush-parser's word grammar takes on `word`, in units of about a
/// microsecond (release build; the model over-counts up to about threefold), counting
/// only what grows exponentially: each `${name[` costs the product of the factors of the
/// subscript it opens and of what it sits in ([`SUBSCRIPT_FACTOR`] for each enclosing
/// such subscript, [`INNER_FACTOR`] for each `[` or `"` open inside one). The rest of a
/// word parses in linear time and is not counted. Single quotes are not followed, so a
/// subscript in them counts too: that only over-counts.
pub(super) fn word_parse_cost(word: &str) -> u64 {
    #[derive(PartialEq)]
    enum Open {
        Param,
        Subscript,
        Bracket,
        Quote,
    }
    let b = word.as_bytes();
    // Each open construct with the product of the factors up to it.
    let mut stack: Vec<(Open, u64)> = Vec::new();
    let (mut cost, mut i) = (0u64, 0);
    let mut open = |stack: &mut Vec<(Open, u64)>, kind: Open| {
        let below = stack.last().map_or(1, |(_, f)| *f);
        let inside = stack.iter().any(|(k, _)| *k == Open::Subscript);
        let factor = match kind {
            Open::Subscript => SUBSCRIPT_FACTOR,
            Open::Bracket | Open::Quote if inside => INNER_FACTOR,
            _ => 1,
        };
        let product = below.saturating_mul(factor);
        if kind == Open::Subscript {
            cost = cost.saturating_add(product);
        }
        stack.push((kind, product));
    };
    let closes = |stack: &mut Vec<(Open, u64)>, kind: Open| {
        if stack.last().is_some_and(|(k, _)| *k == kind) {
            stack.pop();
            true
        } else {
            false
        }
    };
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'$' if b.get(i + 1) == Some(&b'{') => {
                open(&mut stack, Open::Param);
                i += 2;
                if b.get(i) == Some(&b'!') {
                    i += 1;
                }
                let name = i;
                while b
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
                {
                    i += 1;
                }
                if i > name && b.get(i) == Some(&b'[') {
                    open(&mut stack, Open::Subscript);
                    i += 1;
                }
                continue;
            }
            // A `"` closes the quote open on top, or else opens one.
            b'"' if !closes(&mut stack, Open::Quote) => open(&mut stack, Open::Quote),
            b'[' => open(&mut stack, Open::Bracket),
            b']' => {
                let _ = closes(&mut stack, Open::Subscript) || closes(&mut stack, Open::Bracket);
            }
            b'}' => {
                closes(&mut stack, Open::Param);
            }
            _ => {}
        }
        i += 1;
    }
    cost
}

/// How many `(` and subscripts are never closed. Quotes and backslashes are followed;
/// comments and heredoc bodies are not, so brackets there count too. In a heredoc body
/// quotes are plain characters, so a `'` there would hide every `(` after it (fuzzing
/// found 20 hidden so behind a `$'`, each doubling the time): in a script with a
/// here-document, the count is also taken with quotes as plain characters, and the
/// larger kept.
pub(super) fn unclosed(text: &str) -> Unclosed {
    let quoted = unclosed_with(text, true);
    if !has_heredoc(text) {
        return quoted;
    }
    let plain = unclosed_with(text, false);
    Unclosed {
        parens: quoted.parens.max(plain.parens),
        subscripts: quoted.subscripts.max(plain.subscripts),
    }
}

/// Whether `text` holds a `<<` that is not a here-string's `<<<`.
fn has_heredoc(text: &str) -> bool {
    text.match_indices("<<")
        .any(|(i, _)| text.as_bytes().get(i + 2) != Some(&b'<') && !text[..i].ends_with('<'))
}

fn unclosed_with(text: &str, follow_quotes: bool) -> Unclosed {
    #[derive(PartialEq)]
    enum Open {
        Paren,
        Subscript,
        Quote,
    }
    let b = text.as_bytes();
    let mut stack = Vec::new();
    let (mut i, mut dollar, mut name) = (0, false, false);
    while i < b.len() {
        let quoted = stack.last() == Some(&Open::Quote);
        match b[i] {
            b'\\' => i += 1,
            b'\'' if follow_quotes && !quoted => {
                i += 1;
                while i < b.len() && b[i] != b'\'' {
                    i += 1;
                }
            }
            b'"' if quoted => {
                stack.pop();
            }
            b'"' if follow_quotes => stack.push(Open::Quote),
            b'(' if !quoted || dollar => stack.push(Open::Paren),
            b')' if !quoted && stack.last() == Some(&Open::Paren) => {
                stack.pop();
            }
            b'[' if dollar || (name && !quoted) => stack.push(Open::Subscript),
            b']' if stack.last() == Some(&Open::Subscript) => {
                stack.pop();
            }
            _ => {}
        }
        let c = b.get(i).copied();
        dollar = c == Some(b'$');
        name = c.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_');
        i += 1;
    }
    let count = |kind: Open| stack.iter().filter(|o| **o == kind).count();
    Unclosed {
        parens: count(Open::Paren),
        subscripts: count(Open::Subscript),
    }
}

/// What in a script with here-documents brush-parser's tokenizer cannot survive, if
/// anything. Each of these sends it into a loop that allocates until the memory is gone
/// (gigabytes in seconds; found by fuzzing), and a hook the kernel kills for its memory
/// lets the call through:
/// - a carriage return not followed by a line feed, or a form feed, anywhere in a script
///   with a here-document (`cat <<\r `, `cat <<x${\r `, `cat <<\⏎\r `);
/// - a delimiter that is empty once unquoted (`cat <<'' `, `<<""""`, `<<""\⏎`; bash
///   would end such a body at the first empty line);
/// - a `<<` followed by more than one blank, or by a blank and no delimiter, after a
///   command substitution has opened (`$(cat <<  x `, `$(cat << ;`; brush misreads
///   the first even when closed).
///
/// Quoting around the `<<` is not looked at: such a script is refused wherever the
/// `<<` stands. CRLF line endings are fine.
/// Text the parser reads differently from bash: a `#` right after a process
/// substitution (`echo <(:)#; rm x`) is part of the word to bash, a comment to the
/// parser. Quoting is not looked at.
pub(super) fn read_differently(text: &str) -> Option<&'static str> {
    (text.contains(")#") && (text.contains("<(") || text.contains(">(")))
        .then_some("a `#` right after a process substitution (bash reads it as part of the word)")
}

pub(super) fn bad_heredoc(text: &str) -> Option<&'static str> {
    let b = text.as_bytes();
    let mut from = 0;
    let mut heredoc = false;
    while let Some(at) = text[from..].find("<<").map(|i| i + from) {
        from = at + 2;
        let mut i = at + 2;
        if b.get(i) == Some(&b'<') {
            // A here-string (`<<<`).
            from = i + 1;
            continue;
        }
        heredoc = true;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        let blanks = i;
        while matches!(b.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        let no_word = b.get(i).is_none_or(|c| b"\n;&|<>()".contains(c));
        if (i - blanks > 1 || (i > blanks && no_word))
            && ["$(", "<(", ">(", "`"]
                .iter()
                .any(|s| text[..at].contains(s))
        {
            return Some(
                "`<<` is followed by several blanks, or by a blank and no delimiter, after a command substitution",
            );
        }
        // Only quotes, backslashes and line breaks up to the end of the word: nothing
        // is left once they are removed.
        let start = i;
        while matches!(b.get(i), Some(b'"' | b'\'' | b'\\' | b'\n')) {
            i += 1;
        }
        let word_ends = b.get(i).is_none_or(|c| b" \t;&|<>()".contains(c));
        if i > start && word_ends {
            return Some("a here-document delimiter is empty");
        }
    }
    let lone_cr = |(i, c): (usize, &u8)| *c == b'\r' && b.get(i + 1) != Some(&b'\n');
    if heredoc && (b.contains(&b'\x0c') || b.iter().enumerate().any(lone_cr)) {
        return Some(
            "a script with a here-document holds a carriage return not ending a line, or a form feed",
        );
    }
    None
}

/// The first number in `text` that brush-parser would overflow on, if any. Quoting is not
/// looked at: a number that large is refused wherever it stands.
pub(super) fn overflowing_number(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let digits = &text[start..i];
        let before = &text[..start];
        let fd = matches!(bytes.get(i), Some(b'<' | b'>')) && digits.parse::<i32>().is_err();
        let index = (before.ends_with('~') || before.ends_with("~+") || before.ends_with("~-"))
            && digits.parse::<usize>().is_err();
        if fd || index {
            return Some(digits);
        }
    }
    None
}

/// `text` with a `(` before each `case` pattern that lacks one, or `None` when there is
/// none to add. brush-parser ends a `$(…)` at a pattern's `)` (`$(case x in x) …;;
/// esac)`), where bash reads on; `(x)` is the same pattern to bash, and parses. Only
/// tried after a parse fails, and what it gives is parsed again, so a misreading can
/// only leave the command unparsable.
pub(super) fn parenthesized_case_patterns(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut added = false;
    // Where a pattern may start: after `case WORD in`, or after `;;`, `;&`, `;;&`.
    let mut expect_pattern = false;
    let mut quote: Option<char> = None;
    let mut i = 0;
    let word_at = |i: usize, w: &str| -> bool {
        let end = i + w.chars().count();
        chars
            .get(i..end)
            .is_some_and(|s| s.iter().copied().eq(w.chars()))
            && (i == 0 || !is_word_char(chars[i - 1]))
            && chars.get(end).is_none_or(|c| !is_word_char(*c))
    };
    while i < chars.len() {
        let c = chars[i];
        if let Some(q) = quote {
            out.push(c);
            if c == '\\' && q == '"' {
                if let Some(n) = chars.get(i + 1) {
                    out.push(*n);
                    i += 1;
                }
            } else if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        if expect_pattern && !c.is_whitespace() {
            expect_pattern = false;
            if c != '(' && !word_at(i, "esac") {
                out.push('(');
                added = true;
            }
        }
        match c {
            '\'' | '"' => quote = Some(c),
            '\\' => {
                out.push(c);
                if let Some(n) = chars.get(i + 1) {
                    out.push(*n);
                }
                i += 2;
                continue;
            }
            ';' if chars.get(i + 1) == Some(&';') || chars.get(i + 1) == Some(&'&') => {
                // The whole terminator (`;;`, `;&`, `;;&`), then a pattern.
                let len = if chars.get(i + 2) == Some(&'&') { 3 } else { 2 };
                out.extend(&chars[i..i + len]);
                i += len;
                expect_pattern = true;
                continue;
            }
            _ if word_at(i, "in") => {
                // `case WORD in`: the word before `in` follows `case`.
                let before: String = chars[..i].iter().collect();
                let mut words = before.split_whitespace().rev();
                let opener =
                    |w: &str| w.rsplit(['(', '`', ';', '&', '|', '{', '!']).next() == Some("case");
                if words.next().is_some() && words.next().is_some_and(opener) {
                    out.push_str("in");
                    i += 2;
                    expect_pattern = true;
                    continue;
                }
            }
            _ => {}
        }
        out.push(c);
        i += 1;
    }
    added.then_some(out)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

#[cfg(test)]
mod tests {
    use super::{overflowing_number, unclosed, word_parse_cost};

    #[test]
    fn word_parse_cost_grows_with_nested_and_open_parameter_subscripts() {
        for (word, cost) in [
            ("plain ${a} ${a:-[x]} $[1] a[1] ${#a[1]} '${a}'", 0),
            ("${a[1]} ${!b[@]} \"${c[$i]}\"", 3 * 16),
            ("${a[${b[0]}]}", 16 + 256),
            ("${a[x[1]]}${b[0]}", 16 + 16),
            // Left open, each one holds the next.
            ("\"${a[}x ${a[}x ${a[}x\"", 16 + 256 + 4096),
            ("${a[\\]}${b[1]}", 16 + 256),
            // A `[` or `"` inside a subscript multiplies what it holds.
            (
                "${a[x[${b[\"${c[0]}\"]}]]}",
                16 + 16 * 4 * 16 + 16 * 4 * 16 * 4 * 16,
            ),
            // Outside a subscript they do not.
            ("\"${a[\"x\"]}\" [${b[0]}]", 16 + 16),
        ] {
            assert_eq!(word_parse_cost(word), cost, "{word}");
        }
        let deep = format!("{}0{}", "${a[".repeat(40), "]}".repeat(40));
        assert_eq!(word_parse_cost(&deep), u64::MAX);
    }

    fn unclosed_parens(text: &str) -> usize {
        unclosed(text).parens
    }

    #[test]
    fn open_parentheses_outside_quotes() {
        assert_eq!(unclosed_parens("((( x)"), 2);
        assert_eq!(
            unclosed_parens("echo '((((' \"((\" \\( $(( (1) )) <(ls) x)"),
            0
        );
        assert_eq!(unclosed_parens("echo \"a\\\"(\" (x"), 1);
        assert_eq!(unclosed_parens("echo \"$( ( ( x )"), 2);
        assert_eq!(unclosed_parens("echo \"$(echo \")\" (x))\""), 0);
        // In a script with a here-document, quotes do not hide them.
        let body = "cat <<EOF\n$'$((((((((($\nEOF\n";
        assert_eq!(unclosed_parens(body), 9);
        assert_eq!(unclosed_parens("cat <<< '(((((((((' x"), 0);
        assert_eq!(unclosed_parens("cat <<E\necho '((' \"(\" (x)\nE\n"), 3);
    }

    #[test]
    fn open_subscripts_after_names_and_dollars() {
        let open = |t: &str| unclosed(t).subscripts;
        assert_eq!(open("a[1]=x b[$[2+3]]=y echo ${c[0]} \"$[1]\""), 0);
        // Globs and tests open no subscript.
        assert_eq!(open("ls [abc [ -f x ] '[' \"a[\""), 0);
        assert_eq!(open("ar[:$[Tokr[:$[Tqk"), 4);
        assert_eq!(open("x=$[1 \"$[2\""), 2);
    }

    #[test]
    fn heredocs_brush_allocates_without_end_on() {
        let bad = |text: &str| super::bad_heredoc(text);
        let control = Some(
            "a script with a here-document holds a carriage return not ending a line, or a form feed",
        );
        for text in [
            "cat <<\r ",
            "<<\r",
            "cat <<- \x0c x",
            "x=1 <<\r\x0c ",
            "cat <<x${\r ",
            "cat <<\\\n\r ",
            "cat <<a\r ",
            "cat <<EOF\nx\rEOF\n",
        ] {
            assert_eq!(bad(text), control, "{text:?}");
        }
        for text in [
            "cat <<'' ",
            "cat <<\"\" #x",
            "cat <<- \"\"\"\"  ",
            "cat <<\"\"\\\n ",
            "tmpts && mv <<\"\"&&#mv",
            "cat <<''",
        ] {
            assert_eq!(
                bad(text),
                Some("a here-document delimiter is empty"),
                "{text:?}"
            );
        }
        for text in [
            "$(cat <<  x ",
            "a `b` <<\t\tx",
            "x <(y) <<-  EOF",
            "$(cat << ;#",
            "$(cat <<\t;x ",
            "$(cat << ",
        ] {
            assert_eq!(
                bad(text),
                Some(
                    "`<<` is followed by several blanks, or by a blank and no delimiter, after a command substitution"
                ),
                "{text:?}"
            );
        }
        for text in [
            "cat <<EOF\r\nx\r\nEOF\r\n",
            "cat <<<\r ",
            "printf 'a\rb' <<< x",
            "cat <<< '' <<<\"\"",
            "cat <<\"\"#",
            "cat <<'E F'\nx\nE F\n",
            "echo $((1<<2))",
            "cat <<  EOF\nx\nEOF\n$(date)",
            "$(cat << EOF\nx\nEOF\n)",
            "cat << ;",
        ] {
            assert_eq!(bad(text), None, "{text:?}");
        }
    }

    #[test]
    fn only_numbers_brush_would_overflow_on() {
        assert_eq!(overflowing_number("echo 2147483648>f"), Some("2147483648"));
        assert_eq!(overflowing_number("cat 99999999999<f"), Some("99999999999"));
        assert_eq!(
            overflowing_number("cd ~+99999999999999999999"),
            Some("99999999999999999999")
        );
        assert_eq!(
            overflowing_number("ls ~-99999999999999999999/x"),
            Some("99999999999999999999")
        );
        assert_eq!(
            overflowing_number("echo 2147483647>f 2>&1 ~+3 99999999999999999999"),
            None
        );
    }

    #[test]
    fn case_patterns_get_their_parenthesis() {
        let p = super::parenthesized_case_patterns;
        assert_eq!(
            p("echo $(case x in x) echo hi;; esac)").as_deref(),
            Some("echo $(case x in (x) echo hi;; esac)")
        );
        assert_eq!(
            p("y=$(case $1 in a|b) x;; *) y;;& esac)").as_deref(),
            Some("y=$(case $1 in (a|b) x;; (*) y;;& esac)")
        );
        // Already parenthesized, inside quotes, or no case: nothing to add.
        assert_eq!(p("case x in (x) y;; esac"), None);
        assert_eq!(p("echo 'case x in x) y'"), None);
        assert_eq!(p("echo in x)"), None);
    }
}
