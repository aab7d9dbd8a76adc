//! Any bytes as a CSV file: reading never panics, every error has a message of bounded
//! length, and a file that reads can be framed for training from its default choice.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rnn_lab::data::table::{parse_csv, CsvOptions, MissingPolicy};
use rnn_lab::train::lessons::{prepare_csv, CsvChoice, Lesson};

fuzz_target!(|bytes: &[u8]| {
    let (policy, bytes) = match bytes.split_first() {
        Some((b, rest)) if b & 1 == 1 => (MissingPolicy::DropRows, rest),
        Some((_, rest)) => (MissingPolicy::ForwardFill, rest),
        None => (MissingPolicy::ForwardFill, bytes),
    };
    let options = CsvOptions {
        missing: policy,
        ..CsvOptions::default()
    };
    match parse_csv(bytes, &options) {
        Err(e) => {
            // Messages quote at most about 80 characters of what the file holds.
            let message = e.to_string();
            assert!(message.chars().count() < 1000, "{message}");
        }
        Ok(table) => {
            assert!(table.rows >= 2);
            for c in &table.columns {
                if let Some(v) = c.numbers() {
                    assert_eq!(v.len(), table.rows);
                    assert!(v.iter().all(|x| x.is_finite()), "{}", c.name);
                }
            }
            if let Some(mut choice) = CsvChoice::default_for(&table) {
                // Small windows so a run on the file stays cheap to build.
                choice.window = choice.window.min(4);
                let _ = prepare_csv(&table, &choice, &Lesson::SineNextValue.defaults());
            }
        }
    }
});
