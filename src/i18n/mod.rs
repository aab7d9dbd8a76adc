//! The page's words: one catalogue per language (`www/i18n/en.json`, `www/i18n/zh.json`),
//! looked up by key. Every user-facing string of the page, the lessons and the charts comes
//! from here. Values may hold named placeholders, `{name}`, filled by [`trf`].
//!
//! The page fetches the catalogue of its language before it first renders, and another one
//! when the learner switches ([`install`]); the training worker gets its copy from the page
//! (`Request::Lang`). So the wasm ships no catalogue, and a page downloads the words of the
//! language it shows only. Native code (tests, benchmarks) has both compiled in.
//!
//! The language is one setting for the whole page, so it is held here ([`set`], [`current`])
//! rather than passed through every chart and lesson; native code and tests read English.

use std::cell::Cell;
use std::collections::HashMap;
use std::fmt::Display;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// A language the page speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The BCP 47 tag (for `<html lang>`).
    pub const fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    /// The language's own name, for the switcher.
    pub const fn own_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "简体中文",
        }
    }

    /// The language for a browser's `navigator.language` (Chinese for any `zh`).
    pub fn from_browser(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The catalogue's file, relative to the page (`www/i18n` in the repository).
    pub fn file(self) -> &'static str {
        match self {
            Lang::En => "i18n/en.json",
            Lang::Zh => "i18n/zh.json",
        }
    }

    /// The slot of the language's catalogue.
    fn slot(self) -> &'static OnceLock<Catalogue> {
        static SLOTS: [OnceLock<Catalogue>; 2] = [OnceLock::new(), OnceLock::new()];
        &SLOTS[self as usize]
    }
}

/// One language's words: the catalogue's JSON text (what the page passes on to its worker)
/// and the words by key.
struct Catalogue {
    source: String,
    words: HashMap<String, String>,
}

impl Catalogue {
    fn parse(source: String) -> Result<Catalogue, String> {
        let words = serde_json::from_str(&source).map_err(|e| e.to_string())?;
        Ok(Catalogue { source, words })
    }
}

/// Takes `source`, the JSON text of `lang`'s catalogue, as its words from now on (the first
/// catalogue installed for a language stays: a second call changes nothing). Err: why the
/// text is not a catalogue.
pub fn install(lang: Lang, source: String) -> Result<(), String> {
    if !has(lang) {
        let catalogue = Catalogue::parse(source)?;
        let _ = lang.slot().set(catalogue);
    }
    Ok(())
}

/// The catalogue of `lang`, if the page has it (natively, always: it is compiled in).
fn loaded(lang: Lang) -> Option<&'static Catalogue> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        Some(lang.slot().get_or_init(|| {
            let source = match lang {
                Lang::En => include_str!("../../www/i18n/en.json"),
                Lang::Zh => include_str!("../../www/i18n/zh.json"),
            };
            Catalogue::parse(source.to_string())
                .unwrap_or_else(|e| panic!("the {} catalogue is not valid JSON: {e}", lang.tag()))
        }))
    }
    #[cfg(target_arch = "wasm32")]
    {
        lang.slot().get()
    }
}

/// Whether the words of `lang` are here (in the page: fetched and installed).
pub fn has(lang: Lang) -> bool {
    loaded(lang).is_some()
}

/// The JSON text of `lang`'s catalogue, if the page has it (for the training worker).
pub fn source(lang: Lang) -> Option<&'static str> {
    loaded(lang).map(|c| c.source.as_str())
}

thread_local! {
    static CURRENT: Cell<Lang> = const { Cell::new(Lang::En) };
}

/// Switches the language of everything [`tr`] returns from now on.
pub fn set(lang: Lang) {
    CURRENT.with(|c| c.set(lang));
}

/// The language in use.
pub fn current() -> Lang {
    CURRENT.with(Cell::get)
}

/// The catalogue of `lang`, key to text (empty if the page does not have it yet).
pub fn catalogue(lang: Lang) -> &'static HashMap<String, String> {
    static NONE: OnceLock<HashMap<String, String>> = OnceLock::new();
    loaded(lang).map_or_else(|| NONE.get_or_init(HashMap::new), |c| &c.words)
}

/// The text of `key` in the current language (English if that catalogue lacks it; the key
/// itself if no catalogue has it, which the tests rule out).
pub fn tr(key: &str) -> &'static str {
    text_in(current(), key)
}

/// A series' name in the page's language: its catalogue entry `series.<name>` where a
/// lesson names its series in words ("value 50 steps ago"), else the name as it is (a
/// file's column, a formula such as sin(t)).
pub fn series_name(name: &str) -> &str {
    let key = format!("series.{name}");
    catalogue(current())
        .get(&key)
        .or_else(|| catalogue(Lang::En).get(&key))
        .map_or(name, String::as_str)
}

/// The text of `key` in `lang`.
pub fn text_in(lang: Lang, key: &str) -> &'static str {
    catalogue(lang)
        .get(key)
        .or_else(|| catalogue(Lang::En).get(key))
        .map_or_else(|| leak(key), String::as_str)
}

/// A missing key, shown as itself (kept for the life of the page, once per key).
fn leak(key: &str) -> &'static str {
    static MISSING: OnceLock<std::sync::Mutex<HashMap<String, &'static str>>> = OnceLock::new();
    let mut m = MISSING
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    m.entry(key.to_string())
        .or_insert_with(|| Box::leak(key.to_string().into_boxed_str()))
}

/// [`tr`] with each `{name}` replaced by its value from `args`.
pub fn trf(key: &str, args: &[(&str, &dyn Display)]) -> String {
    fill(tr(key), args)
}

/// `template` with each `{name}` replaced by its value from `args`.
pub fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = template.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), &value.to_string());
    }
    out
}

/// A message in no language yet: a catalogue key and its arguments, worded when it is
/// shown ([`Display`]), so a message on screen follows a switch of language. Errors and
/// notices from `data` and `train`, and the page's own, are kept as `Text` until shown;
/// it crosses to and from the training worker as it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Text(Words);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Words {
    Key {
        key: String,
        args: Vec<(String, Arg)>,
    },
    /// A message that has no catalogue entry (the model's own checks, behind the settings'
    /// checks that do): shown as it is.
    Verbatim(String),
}

/// A [`Text`]'s argument: a value worded once (a number, a file's name), or a message of
/// its own, worded with the rest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Arg {
    Plain(String),
    Text(Text),
}

impl Text {
    /// The text of `key`, with no placeholders.
    pub fn new(key: impl Into<String>) -> Text {
        Text(Words::Key {
            key: key.into(),
            args: Vec::new(),
        })
    }

    /// The text of `key` with each `{name}` filled from `args` (values that read the same in
    /// every language: numbers, names).
    pub fn with(key: impl Into<String>, args: &[(&str, &dyn Display)]) -> Text {
        Text(Words::Key {
            key: key.into(),
            args: args
                .iter()
                .map(|(name, v)| (name.to_string(), Arg::Plain(quoted(&v.to_string()))))
                .collect(),
        })
    }

    /// Fills `{name}` with another message, worded in the same language as this one.
    pub fn and(mut self, name: &str, text: impl Into<Text>) -> Text {
        if let Words::Key { args, .. } = &mut self.0 {
            args.push((name.to_string(), Arg::Text(text.into())));
        }
        self
    }

    /// The catalogue key (None for a verbatim message).
    pub fn key(&self) -> Option<&str> {
        match &self.0 {
            Words::Key { key, .. } => Some(key),
            Words::Verbatim(_) => None,
        }
    }
}

/// Most characters of a value a message quotes: a 50 MB cell or a 20 MB link is quoted by
/// its start, not put into the page whole.
pub const QUOTE_CHARS: usize = 80;

/// `v`, or its first [`QUOTE_CHARS`] characters and an ellipsis (also what the page shows of
/// a file's names and cells).
pub fn quoted(v: &str) -> String {
    match v.char_indices().nth(QUOTE_CHARS) {
        Some((end, _)) => format!("{}…", &v[..end]),
        None => v.to_string(),
    }
}

/// A message with no catalogue entry, shown as it is.
impl From<String> for Text {
    fn from(s: String) -> Text {
        Text(Words::Verbatim(s))
    }
}

impl Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Words::Key { key, args } => {
                let args: Vec<(&str, &dyn Display)> = args
                    .iter()
                    .map(|(name, v)| (name.as_str(), v as &dyn Display))
                    .collect();
                f.write_str(&fill(tr(key), &args))
            }
            Words::Verbatim(s) => f.write_str(s),
        }
    }
}

impl Display for Arg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Arg::Plain(s) => f.write_str(s),
            Arg::Text(t) => t.fmt(f),
        }
    }
}

/// The placeholders of a text, sorted (for checking catalogues against each other).
pub fn placeholders(text: &str) -> Vec<String> {
    let mut out: Vec<String> = text
        .split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_string()))
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_has_the_same_keys_and_placeholders() {
        let en = catalogue(Lang::En);
        for lang in Lang::ALL {
            let other = catalogue(lang);
            for (key, text) in en {
                let t = other
                    .get(key)
                    .unwrap_or_else(|| panic!("{} lacks {key}", lang.tag()));
                assert_eq!(
                    placeholders(t),
                    placeholders(text),
                    "{}: {key} has other placeholders",
                    lang.tag()
                );
                assert!(!t.trim().is_empty(), "{}: {key} is empty", lang.tag());
            }
            for key in other.keys() {
                assert!(
                    en.contains_key(key),
                    "{} has {key}, English does not",
                    lang.tag()
                );
            }
        }
    }

    /// A message kept as a `Text` is worded when shown: the same value reads in English,
    /// then in Chinese, nested messages too, and it survives the trip to the worker.
    #[test]
    fn a_text_is_worded_in_the_language_it_is_shown_in() {
        let t = Text::new("error.setup").and("e", Text::new("err.csv.empty"));
        set(Lang::En);
        let en = t.to_string();
        assert_eq!(
            en,
            fill(
                text_in(Lang::En, "error.setup"),
                &[("e", &text_in(Lang::En, "err.csv.empty"))]
            )
        );
        set(Lang::Zh);
        let zh = t.to_string();
        set(Lang::En);
        assert_ne!(en, zh);
        assert!(zh.contains(text_in(Lang::Zh, "err.csv.empty")));
        let bytes = postcard::to_allocvec(&t).unwrap();
        let back: Text = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back, t);
        let n = Text::with("err.hidden", &[("got", &5000)]);
        assert!(n.to_string().contains("5000"));
    }

    /// A message quotes at most the first 80 characters of a value, however long it is
    /// (and cuts between characters, not inside one).
    #[test]
    fn a_message_quotes_at_most_80_characters_of_a_value() {
        set(Lang::En);
        let cell = "é".repeat(5_000_000);
        let t = Text::with(
            "err.csv.not_finite",
            &[("line", &2), ("column", &"x"), ("value", &cell)],
        );
        let shown = t.to_string();
        let template = tr("err.csv.not_finite").chars().count();
        assert!(shown.contains(&format!("{}…", "é".repeat(QUOTE_CHARS))));
        assert!(
            shown.chars().count() < template + QUOTE_CHARS + 10,
            "{}",
            shown.len()
        );
        assert_eq!(quoted("short"), "short");
    }

    #[test]
    fn texts_switch_with_the_language_and_fill_their_placeholders() {
        set(Lang::Zh);
        assert_eq!(tr("play"), "开始");
        set(Lang::En);
        assert_eq!(tr("play"), "Play");
        assert_eq!(
            trf("notice.reset", &[("what", &"Reset")]),
            "Reset: the run was reset."
        );
        assert_eq!(tr("no.such.key"), "no.such.key");
        assert_eq!(Lang::from_browser("zh-TW"), Lang::Zh);
        assert_eq!(Lang::from_browser("en-GB"), Lang::En);
    }
}
