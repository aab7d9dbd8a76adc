//! Any text as a weights file: loading never panics, and weights that load write back to
//! the same network.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rnn_lab::nn::weights::{from_json, to_json};

fuzz_target!(|text: &str| {
    if let Ok(net) = from_json::<f64>(text, None) {
        let again =
            from_json::<f64>(&to_json(&net), Some(&net.config)).expect("written weights load");
        assert_eq!(again, net);
    }
});
