//! The training worker's entry point (Trunk builds it as a Web Worker: see index.html and
//! `rnn_lab::worker`).

#[cfg(target_arch = "wasm32")]
fn main() {
    rnn_lab::worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The training worker runs in the browser, started by the page (see README.md).");
}
