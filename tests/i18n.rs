//! The page's words live in the catalogues (www/i18n/*.json): every key the code asks for
//! exists, and the UI code holds no English text of its own.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use rnn_lab::i18n::{catalogue, text_in, Lang};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every string literal of `text` (no raw strings), with its line.
fn literals(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        let mut rest = line;
        while let Some(start) = rest.find('"') {
            let after = &rest[start + 1..];
            let mut end = None;
            let mut escaped = false;
            for (i, c) in after.char_indices() {
                match c {
                    '\\' if !escaped => escaped = true,
                    '"' if !escaped => {
                        end = Some(i);
                        break;
                    }
                    _ => escaped = false,
                }
            }
            let Some(end) = end else { break };
            out.push((n + 1, after[..end].to_string()));
            rest = &after[end + 1..];
        }
    }
    out
}

/// A literal shaped like a catalogue key: `area.name`, lower case, no file name.
fn key_shaped(s: &str) -> bool {
    let files = [".py", ".json", ".csv", ".png", ".rs", ".svg"];
    s.contains('.')
        && !s.starts_with('.')
        && !s.ends_with('.')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
        && s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && !files.iter().any(|f| s.ends_with(f))
}

#[test]
fn every_key_in_the_code_is_in_every_catalogue() {
    let mut checked = 0;
    // Where page text is asked for (nn's literals are PyTorch tensor names, not keys).
    let dirs = ["ui", "charts", "train"];
    for file in dirs.iter().flat_map(|d| common::rust_files(&src().join(d))) {
        let text = fs::read_to_string(&file).unwrap();
        for (line, lit) in literals(&text) {
            if key_shaped(&lit) {
                for lang in Lang::ALL {
                    assert!(
                        catalogue(lang).contains_key(&lit),
                        "{}:{line}: key {lit:?} is not in the {} catalogue",
                        file.display(),
                        lang.tag()
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(
        checked > 200,
        "only {checked} keys found: is the scan broken?"
    );
}

/// Text the page shows is looked up, not written into the UI code: no string literal in
/// src/ui reads as English words (two or more letters, a space or a capital), apart from
/// symbols, ids, CSS and the like.
#[test]
fn the_ui_code_holds_no_english_text() {
    let allowed = ["RMSE", "MAE", "R²"];
    let mut found = Vec::new();
    // Test modules (`tests.rs`) word their assertions, not the page.
    for file in common::rust_files(&src().join("ui"))
        .into_iter()
        .filter(|f| !f.ends_with("tests.rs"))
    {
        let text = fs::read_to_string(&file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (line, lit) in literals(&text) {
            // CSS class lists are not text, nor are messages of a bug (expect, panic).
            let l = lines[line - 1];
            if l.contains(&format!("class=\"{lit}\""))
                || l.contains("expect(")
                || l.contains("panic!(")
            {
                continue;
            }
            let words = lit
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| w.len() >= 3)
                .count();
            let sentence =
                words >= 2 && lit.contains(' ') && !lit.contains('{') && !lit.contains('=');
            let capital_word = lit.len() > 3
                && lit.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && lit.chars().all(|c| c.is_ascii_alphabetic() || c == ' ');
            let ok = allowed.contains(&lit.as_str())
                || lit.starts_with("Arrow")
                || ["Home", "End", "Escape", "PageDown", "PageUp"].contains(&lit.as_str())
                || ["INPUT", "SELECT", "TEXTAREA", "BUTTON", "SUMMARY", "LABEL"]
                    .contains(&lit.as_str());
            if !ok && (sentence || capital_word) {
                found.push(format!("{}:{line}: {lit:?}", file.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "these look like page text; put them in www/i18n:\n{}",
        found.join("\n")
    );
}

#[test]
fn chinese_is_really_chinese() {
    // Not the English copied over: most entries differ, and the lessons read in Chinese.
    let (en, zh) = (catalogue(Lang::En), catalogue(Lang::Zh));
    let same = en.iter().filter(|(k, v)| zh[*k] == **v).count();
    assert!(
        same * 5 < en.len(),
        "{same} of {} entries are the same in both",
        en.len()
    );
    assert!(text_in(Lang::Zh, "lesson.vanishing.text").contains("梯度"));
    assert_eq!(text_in(Lang::Zh, "play"), "开始");
}
