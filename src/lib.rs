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

/// Gives a type whose serde derive is tagged (`#[serde(remote = "Self", tag = ...)]`, which
/// makes the derive's `serialize`/`deserialize` inherent functions) its serde traits: the
/// tagged shape in human-readable formats (links, weights files, remembered settings: JSON),
/// and that same JSON as text in compact ones (the page-worker messages, postcard), since
/// serde reads tagged enums only from self-describing formats.
macro_rules! tagged_in_json {
    ($t:ty) => {
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                if s.is_human_readable() {
                    <$t>::serialize(self, s)
                } else {
                    let text = serde_json::to_string(self).map_err(serde::ser::Error::custom)?;
                    s.serialize_str(&text)
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                if d.is_human_readable() {
                    <$t>::deserialize(d)
                } else {
                    let text = String::deserialize(d)?;
                    serde_json::from_str(&text).map_err(serde::de::Error::custom)
                }
            }
        }
    };
}

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
