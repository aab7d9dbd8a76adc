//! The browser UI (yew). The only module that touches the DOM; it calls down into `charts`,
//! `train` and `data`, never the other way round.
//!
//! [`state`] (the page's state and the reducer every action goes through) is plain Rust,
//! compiled and tested natively; everything else here is the page, compiled for wasm32.

pub mod state;

/// Declares the page's modules, compiled for wasm32 only.
macro_rules! page_modules {
    ($($name:ident),* $(,)?) => { $(#[cfg(target_arch = "wasm32")] mod $name;)* };
}

page_modules!(
    app,
    canvas,
    chart,
    classroom,
    compare,
    controls,
    data_panel,
    fields,
    files,
    help,
    hooks,
    messages,
    panic,
    heatmaps,
    run_bar,
    share,
    step_through,
    tour,
    worker
);

#[cfg(target_arch = "wasm32")]
use std::rc::Rc;

/// Id of the element the app mounts into (the panic banner sits outside it, so a re-render
/// never removes the banner).
#[cfg(target_arch = "wasm32")]
const ROOT_ID: &str = "app";

/// Whether two shared values are the same one (props holding a run's data compare so: a
/// view from the worker replaces what changed with a new `Rc`).
#[cfg(target_arch = "wasm32")]
fn same<T: ?Sized>(a: &Option<Rc<T>>, b: &Option<Rc<T>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => Rc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

/// Installs the panic hook, fetches the words of the page's language and mounts the app on
/// `#app`; if the words do not come, shows index.html's `#words-failed` (in both languages:
/// the page has none of its own yet) with why.
#[cfg(target_arch = "wasm32")]
pub fn start() {
    panic::install();
    keep_offline();
    let start = state::remember::start(&share::kept());
    let lang = start.lang.unwrap_or_else(share::remembered_lang);
    wasm_bindgen_futures::spawn_local(async move {
        let document = web_sys::window().and_then(|w| w.document());
        let element = |id: &str| document.as_ref().and_then(|d| d.get_element_by_id(id));
        let words = files::fetch_words(lang).await;
        match words.and_then(|w| crate::i18n::install(lang, w)) {
            Ok(()) => {
                crate::i18n::set(lang);
                let root = element(ROOT_ID).expect("index.html has an element with id \"app\"");
                let props = app::AppProps { start, lang };
                yew::Renderer::<app::App>::with_root_and_props(root, props).render();
            }
            Err(why) => {
                let shown = element(WORDS_FAILED_ID).expect("index.html has #words-failed");
                if let Some(detail) = element("words-failed-why") {
                    detail.set_text_content(Some(&why));
                }
                let _ = shown.remove_attribute("hidden");
            }
        }
    });
}

/// Id of index.html's message for a page whose words did not load.
#[cfg(target_arch = "wasm32")]
const WORDS_FAILED_ID: &str = "words-failed";

/// Registers the service worker (`www/sw.js`, written into the build by
/// `scripts/offline.mjs`) that keeps the page's files, so it works offline after its first
/// load. Browsers allow it only in a secure context (https or localhost); where they do not,
/// or it fails, the page simply needs the network, as before.
#[cfg(target_arch = "wasm32")]
fn keep_offline() {
    let Some(window) = web_sys::window() else {
        return;
    };
    if !window.is_secure_context() {
        return;
    }
    let registered = window.navigator().service_worker().register("./sw.js");
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = wasm_bindgen_futures::JsFuture::from(registered).await {
            web_sys::console::warn_1(&e);
        }
    });
}
