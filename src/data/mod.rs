//! Data: generated signals, and later CSV parsing, normalisation, windows and splits.
//! Plain Rust; knows nothing of `nn` or of the browser.

pub mod change;
pub mod frame;
pub mod normalise;
pub mod samples;
pub mod signals;
pub mod table;
