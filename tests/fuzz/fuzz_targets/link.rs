//! Any text as a link's hash: reading never panics; a link that reads has settings the
//! controls could have made, and writes back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rnn_lab::train::lessons::RunLink;

fuzz_target!(|text: &str| {
    match RunLink::from_text(text) {
        Err(e) => {
            let message = e.to_string();
            assert!(message.chars().count() < 1000, "{message}");
        }
        Ok(link) => {
            assert!(link.settings.validate().is_ok());
            let again = RunLink::from_text(&link.to_text()).expect("a written link reads");
            assert_eq!(again.to_text(), link.to_text());
        }
    }
});
