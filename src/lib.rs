//! RNN Lab: a recurrent-network lab that trains RNN, LSTM and GRU live in the browser.
//!
//! Everything in this crate except the page in [`ui`] is plain Rust that builds and tests
//! natively, the page's state and reducer ([`ui::state`]) included.
//! Dependencies point one way (see ARCHITECTURE.md):
//!
//! ```text
//! ui  ->  charts ->  data
//!     ->  train  ->  nn, data
//! ```
//!
//! `nn` and `data` do not know each other; nothing below `ui` touches the browser.
//! [`i18n`] (the page's words, one catalogue per language) is a leaf every layer may use.

pub mod charts;
pub mod data;
pub mod i18n;
pub mod nn;
pub mod train;

/// The training worker (a Web Worker owning the run). Compiled for wasm32 only.
#[cfg(target_arch = "wasm32")]
pub mod worker;

/// The browser UI (yew): its state and reducer (plain Rust) and, for wasm32, the page.
pub mod ui;
