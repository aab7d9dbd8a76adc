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

/// Installs the panic hook and mounts the app on `#app`.
#[cfg(target_arch = "wasm32")]
pub fn start() {
    panic::install();
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(ROOT_ID))
        .expect("index.html has an element with id \"app\"");
    yew::Renderer::<app::App>::with_root(root).render();
    keep_offline();
}

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
