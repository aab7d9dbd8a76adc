//! Entry point, for the page and its training worker alike (one wasm serves both: see
//! `www/worker.js`). In a worker it starts the training side; in a window it mounts the yew
//! app. Natively it only explains how to run the page, since the UI needs a browser.

#[cfg(target_arch = "wasm32")]
fn main() {
    // `--cfg rnn_lab_no_page` (scripts/bench_size.sh only): the training side alone, so the
    // linker drops the page and the size it leaves is the page's own.
    if cfg!(rnn_lab_no_page) || rnn_lab::worker::in_worker() {
        rnn_lab::worker::start();
    } else {
        rnn_lab::ui::start();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("RNN Lab runs in the browser: start it with `scripts/serve.sh` (see README.md).");
}
