//! The run's settings in the URL hash (a copied link reproduces the run) and in localStorage
//! (the last settings that trained come back on reload; what the page opens on is decided by
//! `ui::state::remember`).

use crate::i18n::{Lang, Text};
use crate::train::lessons::RunLink;
use crate::ui::state::remember::Kept;
use crate::ui::state::{Classroom, Remember, Theme};

/// The last settings that trained, and settings being tried (see `ui::state::remember`).
const KEY: &str = "rnn-lab/run";
const TRYING_KEY: &str = "rnn-lab/trying";
const LANG_KEY: &str = "rnn-lab/lang";
/// "closed" once the learner closed the guided tour (it is open on a first visit).
const TOUR_KEY: &str = "rnn-lab/tour";

/// Whether the guided tour opens: on a first visit, and until the learner closes it.
pub fn tour_open() -> bool {
    storage().and_then(|s| s.get_item(TOUR_KEY).ok().flatten()).as_deref() != Some("closed")
}

/// Remembers whether the guided tour is open.
pub fn save_tour(open: bool) {
    if let Some(s) = storage() {
        let _ = s.set_item(TOUR_KEY, if open { "open" } else { "closed" });
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The language remembered from the last visit, else the browser's.
pub fn remembered_lang() -> Lang {
    let Some(window) = web_sys::window() else {
        return Lang::En;
    };
    let stored = storage()
        .and_then(|s| s.get_item(LANG_KEY).ok().flatten())
        .and_then(|t| serde_json::from_str::<Lang>(&t).ok());
    stored.unwrap_or_else(|| Lang::from_browser(&window.navigator().language().unwrap_or_default()))
}

/// Remembers `lang` for the next visit and marks the document's language.
pub fn save_lang(lang: Lang) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Some(storage) = storage() {
        let _ = storage.set_item(LANG_KEY, &serde_json::to_string(&lang).unwrap_or_default());
    }
    if let Some(root) = window.document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", lang.tag());
    }
}

/// What the browser kept for [`crate::ui::state::remember::start`]: the address's hash and
/// the stored settings.
pub fn kept() -> Kept {
    let Some(window) = web_sys::window() else {
        return Kept::default();
    };
    let hash = window.location().hash().ok().unwrap_or_default();
    let hash = hash.strip_prefix('#').filter(|h| !h.is_empty()).map(|encoded| {
        js_sys::decode_uri_component(encoded)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| Text::new("link.bad_encoding"))
    });
    let storage = storage();
    let get = |key: &str| storage.as_ref().and_then(|s| s.get_item(key).ok().flatten());
    Kept {
        hash,
        worked: get(KEY),
        trying: get(TRYING_KEY),
    }
}

/// The address of the page opening `link` with a classroom's options.
pub fn address(link: &RunLink, classroom: &Classroom) -> String {
    let here = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let base = here.split('#').next().unwrap_or_default();
    format!("{base}{}", hash_of(link, classroom))
}

/// The address's hash (`#` and the link's text, encoded) for `link` with `classroom`.
fn hash_of(link: &RunLink, classroom: &Classroom) -> String {
    let encoded: String = js_sys::encode_uri_component(&classroom.link_text(link)).into();
    format!("#{encoded}")
}

/// Puts `link` (with the classroom options the page opened with) in the address bar,
/// without a history entry per change.
pub fn save(link: &RunLink, classroom: &Classroom) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&hash_of(link, classroom)),
        );
    }
}

/// Remembers settings being tried, or that trained (then they are no longer being tried).
pub fn remember(what: Remember) {
    let Some(storage) = storage() else {
        return;
    };
    let _ = match what {
        Remember::Trying(link) => storage.set_item(TRYING_KEY, &link.to_text()),
        Remember::Worked(link) => storage
            .set_item(KEY, &link.to_text())
            .and_then(|()| storage.remove_item(TRYING_KEY)),
    };
}

/// Shows the page in `theme`: the document's `data-theme` (the style sheet's projector rules)
/// and the charts' scale.
pub fn apply_theme(theme: Theme) {
    crate::charts::set_scale(theme.chart_scale());
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-theme", theme.key());
    }
}

/// Calls `left` whenever the page leaves full screen (Escape, the browser's own control), so
/// presenting ends with it rather than leaving the story alone in a window.
pub fn when_full_screen_left(left: impl Fn() + 'static) -> Option<gloo_events::EventListener> {
    let doc = web_sys::window().and_then(|w| w.document())?;
    let watched = doc.clone();
    Some(gloo_events::EventListener::new(
        &doc,
        "fullscreenchange",
        move |_| {
            if watched.fullscreen_element().is_none() {
                left();
            }
        },
    ))
}

/// Asks for the whole page full screen, or leaves it. The browser may refuse (no user
/// gesture, an embedding frame that does not allow it): the page then presents in the
/// window, which is all that is lost.
pub fn full_screen(on: bool) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if on {
        if let Some(root) = doc.document_element() {
            let _ = root.request_fullscreen();
        }
    } else if doc.fullscreen_element().is_some() {
        doc.exit_fullscreen();
    }
}
