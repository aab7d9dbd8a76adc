//! README's numbers, read back and checked against the runs that measure them: a test that
//! trains a lesson and finds README quoting something else fails, and says what to write.

/// README with its line breaks and runs of spaces as single spaces.
fn readme() -> String {
    include_str!("../../README.md")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// How close a quoted number must be to the measured one.
#[derive(Debug, Clone, Copy)]
pub enum Tol {
    /// Within this much either way.
    Abs(f64),
    /// Within this factor either way (ratios across orders of magnitude).
    Factor(f64),
}

impl Tol {
    fn admits(self, quoted: f64, measured: f64) -> bool {
        match self {
            Tol::Abs(d) => (quoted - measured).abs() <= d,
            Tol::Factor(f) => {
                quoted > 0.0 && measured > 0.0 && (quoted / measured).max(measured / quoted) <= f
            }
        }
    }
}

/// README says `pattern` with a number where each `{}` is, each within its tolerance of the
/// one measured (`(measured, tolerance)` in order). Numbers are read as written: `0.32`,
/// `95`, `3e-8`.
pub fn readme_quotes(pattern: &str, measured: &[(f64, Tol)]) {
    let pieces: Vec<&str> = pattern.split("{}").collect();
    assert_eq!(pieces.len(), measured.len() + 1, "one measurement per {{}}");
    let text = readme();
    let shown = || {
        let mut s = pieces[0].to_string();
        for (piece, (v, _)) in pieces[1..].iter().zip(measured) {
            s += &format!("{v:.3e}{piece}");
        }
        s
    };
    let quoted = text
        .match_indices(pieces[0])
        .find_map(|(at, _)| numbers_after(&text[at + pieces[0].len()..], &pieces[1..]));
    let Some(quoted) = quoted else {
        panic!("README should say, as measured: {}", shown());
    };
    for (q, (v, tolerance)) in quoted.iter().zip(measured) {
        assert!(
            tolerance.admits(*q, *v),
            "README quotes {q} where the run measures {v:.4e} (within {tolerance:?}): {}",
            shown()
        );
    }
}

/// The numbers in `text` between the literal `pieces` (each number followed by its piece).
fn numbers_after(mut text: &str, pieces: &[&str]) -> Option<Vec<f64>> {
    let mut out = Vec::new();
    for piece in pieces {
        let end = text
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | 'e' | '-' | '+')))
            .unwrap_or(text.len());
        // A full stop after a number is the sentence's, not the number's.
        let number = text[..end].trim_end_matches('.');
        out.push(number.parse().ok()?);
        text = text[number.len()..].strip_prefix(piece)?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_between_the_words() {
        assert_eq!(
            numbers_after("95% and 0.32, then 3e-8.", &["% and ", ", then ", "."]),
            Some(vec![95.0, 0.32, 3e-8])
        );
        assert_eq!(numbers_after("95 % and", &["% and"]), None);
        assert_eq!(numbers_after("x%", &["%"]), None);
    }
}
