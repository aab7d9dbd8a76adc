//! Shows a wasm panic in the page. A panic in wasm aborts the module, so the page can no longer
//! react; the banner tells the user so instead of leaving a silently dead page.

/// Id of the banner element in index.html that the hook fills and reveals.
pub const BANNER_ID: &str = "panic-banner";

/// Installs a hook that logs the panic to the console (with its message and location) and
/// shows it in the page's banner. Goes through yew so that yew's renderer keeps it instead of
/// installing its own default hook.
pub fn install() {
    yew::set_custom_panic_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show(&info.to_string());
    }));
}

fn show(message: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(banner) = doc.get_element_by_id(BANNER_ID) else {
        return;
    };
    banner.set_text_content(Some(&format!(
        "RNN Lab hit an internal error and stopped: {message}. \
         Reload the page to start again; please report this message."
    )));
    let _ = banner.remove_attribute("hidden");
}
