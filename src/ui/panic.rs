//! Shows a wasm panic or trap in the page. A panic in wasm aborts the module, and a trap (out
//! of memory, `unreachable`) never reaches the panic hook; either way the page can no longer
//! react, and the banner tells the user so, in the page's language, instead of leaving a
//! silently dead page.

use gloo_events::EventListener;
use wasm_bindgen::JsCast;

/// Id of the banner element in index.html that the hook fills and reveals.
pub const BANNER_ID: &str = "panic-banner";

/// Installs a hook that logs the panic to the console (with its message and location) and
/// shows it in the page's banner. Goes through yew so that yew's renderer keeps it instead of
/// installing its own default hook.
pub fn install() {
    yew::set_custom_panic_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show(&worded("panic.banner", &info), true);
    }));
    // A trap surfaces as a `WebAssembly.RuntimeError` nobody caught: the window's `error`.
    if let Some(window) = web_sys::window() {
        EventListener::new(&window, "error", |e| {
            let Some(e) = e.dyn_ref::<web_sys::ErrorEvent>() else {
                return;
            };
            if e.error().is_instance_of::<js_sys::WebAssembly::RuntimeError>() {
                // A panic traps too, after its hook showed the panic's own message: kept.
                show(&worded("panic.trap", &e.message()), false);
            }
        })
        .forget();
    }
}

/// The banner's text `key` with the message, or the message alone before the page has its
/// words (a panic while they load).
fn worded(key: &str, message: &dyn std::fmt::Display) -> String {
    if crate::i18n::has(crate::i18n::current()) {
        crate::i18n::trf(key, &[("message", message)])
    } else {
        message.to_string()
    }
}

/// Shows `text` in the banner; over a message already shown only if `over`.
fn show(text: &str, over: bool) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(banner) = doc.get_element_by_id(BANNER_ID) else {
        return;
    };
    if !over && !banner.has_attribute("hidden") {
        return;
    }
    banner.set_text_content(Some(text));
    let _ = banner.remove_attribute("hidden");
}
