//! The run's settings in the URL hash (a copied link reproduces the run) and in localStorage
//! (the last configuration comes back on reload). The hash wins over localStorage.

use crate::i18n::Lang;
use crate::train::lessons::RunLink;

const KEY: &str = "rnn-lab/run";
const LANG_KEY: &str = "rnn-lab/lang";

/// The language remembered from the last visit, else the browser's.
pub fn remembered_lang() -> Lang {
    let Some(window) = web_sys::window() else {
        return Lang::En;
    };
    let stored = window
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(LANG_KEY).ok().flatten())
        .and_then(|t| serde_json::from_str::<Lang>(&t).ok());
    stored.unwrap_or_else(|| Lang::from_browser(&window.navigator().language().unwrap_or_default()))
}

/// Remembers `lang` for the next visit and marks the document's language.
pub fn save_lang(lang: Lang) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Ok(Some(storage)) = window.local_storage() {
        let _ = storage.set_item(LANG_KEY, &serde_json::to_string(&lang).unwrap_or_default());
    }
    if let Some(root) = window.document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", lang.tag());
    }
}

/// Where a restored configuration came from.
pub enum Restored {
    Link(Result<RunLink, crate::i18n::Text>),
    Remembered(RunLink),
}

/// The configuration in the URL hash, else the remembered one (a broken remembered one is
/// dropped silently: the learner did not type it).
pub fn load() -> Option<Restored> {
    let window = web_sys::window()?;
    let hash = window.location().hash().ok().unwrap_or_default();
    if let Some(encoded) = hash.strip_prefix('#').filter(|h| !h.is_empty()) {
        let text = js_sys::decode_uri_component(encoded)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| crate::i18n::Text::new("link.bad_encoding"));
        return Some(Restored::Link(text.and_then(|t| RunLink::from_text(&t))));
    }
    let storage = window.local_storage().ok().flatten()?;
    let text = storage.get_item(KEY).ok().flatten()?;
    RunLink::from_text(&text).ok().map(Restored::Remembered)
}

/// Puts `link` in the address bar (without a history entry per change) and in localStorage.
pub fn save(link: &RunLink) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let text = link.to_text();
    let encoded: String = js_sys::encode_uri_component(&text).into();
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("#{encoded}")),
        );
    }
    if let Ok(Some(storage)) = window.local_storage() {
        let _ = storage.set_item(KEY, &text);
    }
}
