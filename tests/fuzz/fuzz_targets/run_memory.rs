//! Arbitrary settings for any lesson: a run is either refused with a message or built, and
//! when it is built the memory estimate bounds what building it, three steps and a
//! prediction really allocate (a counting allocator, as in tests/memory.rs). Runs the
//! estimate puts over 64 MiB are only estimated, not built, to keep each input fast.
#![no_main]

#[path = "../../common/peak.rs"]
mod peak;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use rnn_lab::train::lessons::Lesson;
use rnn_lab::train::memory_estimate;
use rnn_lab::train::settings::{
    Settings, BATCH_SIZES, CELLS, CLIPS, DROPOUTS, INITS, LEARNING_RATES, OPTIMIZERS, SCALINGS,
};

/// Settings as the controls make them, with some fields anywhere a link could put them.
fn settings(u: &mut Unstructured, lesson: Lesson) -> Result<Settings> {
    let mut s = lesson.defaults();
    s.cell = u.choose(&CELLS)?.1;
    s.scaling = u.choose(&SCALINGS)?.1;
    s.clip = u.choose(&CLIPS)?.1;
    s.optimizer = u.choose(&OPTIMIZERS)?.1;
    s.shape.init = u.choose(&INITS)?.1;
    s.hidden_size = if u.ratio(1, 8)? {
        u.arbitrary()?
    } else {
        u.int_in_range(1..=128)?
    };
    s.learning_rate = if u.ratio(1, 8)? {
        u.arbitrary()?
    } else {
        *u.choose(&LEARNING_RATES)?
    };
    s.shape.layers = if u.ratio(1, 8)? {
        u.arbitrary()?
    } else {
        u.int_in_range(1..=4)?
    };
    s.shape.bidirectional = u.arbitrary()?;
    s.shape.dropout = if u.ratio(1, 8)? {
        u.arbitrary()?
    } else {
        *u.choose(&DROPOUTS)?
    };
    s.shape.batch_size = match u.int_in_range(0..=3)? {
        0 => None,
        1 => Some(u.arbitrary()?),
        _ => Some(*u.choose(&BATCH_SIZES)?),
    };
    s.seed = u.arbitrary()?;
    Ok(s)
}

fuzz_target!(|bytes: &[u8]| {
    let mut u = Unstructured::new(bytes);
    let Ok(lesson) = u.choose(&Lesson::ALL).copied() else {
        return;
    };
    let Ok(settings) = settings(&mut u, lesson) else {
        return;
    };
    if settings.validate().is_err() {
        return;
    }
    let Ok(p) = lesson.prepare(&settings) else {
        return;
    };
    let need = memory_estimate(&p.config, &p.dataset);
    if need > 64 << 20 {
        return;
    }
    if let Some(used) = peak::session_peak(p) {
        assert!(
            need >= used,
            "{lesson:?} {settings:?}: estimated {need}, used {used}"
        );
    }
});
