//! Entry point. In the browser (wasm32) it mounts the yew app; natively it only explains how
//! to run the page, since the UI needs a browser.

#[cfg(target_arch = "wasm32")]
fn main() {
    rnn_lab::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("RNN Lab runs in the browser: start it with `scripts/serve.sh` (see README.md).");
}
