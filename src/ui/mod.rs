//! The browser UI (yew). The only module that touches the DOM; it calls down into `charts`
//! and `data` (and later `train`), never the other way round.

mod app;
mod panic;

use wasm_bindgen::prelude::*;

/// Id of the element the app mounts into (the panic banner sits outside it, so a re-render
/// never removes the banner).
const ROOT_ID: &str = "app";

/// Installs the panic hook and mounts the app on `#app`.
pub fn start() {
    panic::install();
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(ROOT_ID))
        .expect("index.html has an element with id \"app\"");
    yew::Renderer::<app::App>::with_root(root).render();
}

/// Test hook: panics on purpose so a page test can check that a wasm panic is shown in the
/// page instead of silently killing it. Reachable as `window.wasmBindings.rnnLabSelfTestPanic`.
#[wasm_bindgen(js_name = rnnLabSelfTestPanic)]
pub fn self_test_panic() {
    panic!("self-test panic requested by rnnLabSelfTestPanic()");
}
