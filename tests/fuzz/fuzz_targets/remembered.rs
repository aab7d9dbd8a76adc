//! Any address hash and stored texts: deciding what the page opens on never panics, opens
//! settings the controls could have made, and never opens by itself the settings that
//! were being tried when the page last stopped.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use rnn_lab::train::lessons::RunLink;
use rnn_lab::ui::state::remember::{start, Kept};

#[derive(Debug, Arbitrary)]
struct Stored {
    hash: Option<String>,
    worked: Option<String>,
    trying: Option<String>,
}

fuzz_target!(|s: Stored| {
    let kept = Kept {
        hash: s.hash.clone().map(Ok),
        worked: s.worked.clone(),
        trying: s.trying.clone(),
    };
    let opened = start(&kept);
    assert!(opened.settings.validate().is_ok());
    let trying = s.trying.as_deref().and_then(|t| RunLink::from_text(t).ok());
    let worked = s.worked.as_deref().and_then(|t| RunLink::from_text(t).ok());
    if let Some(t) = trying {
        let from_hash = s.hash.as_deref().map(RunLink::from_text);
        let stopped = match &from_hash {
            None => true,
            Some(Ok(l)) => l.lesson == t.lesson && l.settings == t.settings,
            Some(Err(_)) => false,
        };
        // What stopped the page opens again only if it is also what last trained, or the
        // lesson's own settings.
        let again = opened.lesson == t.lesson && opened.settings == t.settings;
        let allowed = worked.is_some_and(|w| w.lesson == t.lesson && w.settings == t.settings)
            || t.settings == t.lesson.defaults();
        assert!(!(stopped && again) || allowed, "{opened:?}");
    }
});
