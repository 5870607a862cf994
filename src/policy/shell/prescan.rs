//! Checks on a script's raw text before brush-parser sees it, for inputs on which the
//! parser panics or takes exponential time. A panicking or slow guard lets the call through
//! on most hosts, so such a script is refused before it is parsed.
//!
//! brush-parser unwraps the parse of a few numbers and panics when one overflows: a file
//! descriptor before a redirection (`99999999999>f`, an `i32`) and a directory-stack
//! index after a tilde (`~+99999999999999999999`, a `usize`). And its time grows about
//! 1.7- to 3-fold with each `(` left open (24 take seconds, 111 forever), though bash
//! refuses such a script anyway.

/// Most `(` a script may leave open. Each one left open multiplies the parse time by up
/// to about 3 (a fuzzed command with 10 took 0.9 s); at this count it stays near 10 ms.
pub(super) const MAX_UNCLOSED_PARENS: usize = 6;

/// How many `(` (and `$(`, inside double quotes too) are never closed. Quotes and
/// backslashes are followed; comments and heredoc bodies are not, so parentheses there
/// count too.
pub(super) fn unclosed_parens(text: &str) -> usize {
    #[derive(PartialEq)]
    enum Open {
        Paren,
        Quote,
    }
    let b = text.as_bytes();
    let mut stack = Vec::new();
    let (mut i, mut dollar) = (0, false);
    while i < b.len() {
        let quoted = stack.last() == Some(&Open::Quote);
        match b[i] {
            b'\\' => i += 1,
            b'\'' if !quoted => {
                i += 1;
                while i < b.len() && b[i] != b'\'' {
                    i += 1;
                }
            }
            b'"' if quoted => {
                stack.pop();
            }
            b'"' => stack.push(Open::Quote),
            b'(' if !quoted || dollar => stack.push(Open::Paren),
            b')' if !quoted && stack.last() == Some(&Open::Paren) => {
                stack.pop();
            }
            _ => {}
        }
        dollar = b.get(i) == Some(&b'$') && b[i] != b'\\';
        i += 1;
    }
    stack.iter().filter(|o| **o == Open::Paren).count()
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

#[cfg(test)]
mod tests {
    use super::{overflowing_number, unclosed_parens};

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
}
