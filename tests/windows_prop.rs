//! Property tests (proptest) for splits, windows and normalisation: counts, no overlap, no
//! window straddling a split boundary, and round trips.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use rnn_lab::data::frame::{split, window_starts, SplitSpec, Task};
use rnn_lab::data::normalise::{Scaler, Scaling};

fn task() -> impl Strategy<Value = Task> {
    prop_oneof![
        (1usize..40, 0usize..12, 1usize..5).prop_map(|(window, horizon, stride)| Task::NextValue {
            window,
            horizon,
            stride
        }),
        (1usize..40, 1usize..5).prop_map(|(window, stride)| Task::SeqToSeq { window, stride }),
    ]
}

fn split_spec() -> impl Strategy<Value = SplitSpec> {
    prop_oneof![
        (0.0f64..0.45, 0.0f64..0.45)
            .prop_map(|(validation, test)| SplitSpec::Fractions { validation, test }),
        (0usize..300, 0usize..300)
            .prop_map(|(validation, test)| SplitSpec::Counts { validation, test }),
    ]
}

proptest! {
    #[test]
    fn splits_partition_the_rows_in_order(rows in 0usize..3000, spec in split_spec()) {
        let s = split(rows, spec).unwrap();
        prop_assert_eq!(s.train.start, 0);
        prop_assert_eq!(s.train.end, s.validation.start);
        prop_assert_eq!(s.validation.end, s.test.start);
        prop_assert_eq!(s.test.end, rows);
    }

    #[test]
    fn windows_stay_inside_their_split(rows in 0usize..1500, spec in split_spec(), task in task()) {
        let s = split(rows, spec).unwrap();
        for range in [&s.train, &s.validation, &s.test] {
            let starts = window_starts(range, &task);
            let span = task.span();
            let stride = match task { Task::NextValue { stride, .. } | Task::SeqToSeq { stride, .. } => stride };
            let expected = if range.len() >= span { (range.len() - span) / stride + 1 } else { 0 };
            prop_assert_eq!(starts.len(), expected);
            for w in starts.windows(2) {
                prop_assert_eq!(w[1] - w[0], stride);
            }
            for &st in &starts {
                // inputs st..st+window and the target row all inside the split: no leakage
                prop_assert!(st >= range.start && st + span <= range.end);
            }
        }
    }

    #[test]
    fn scaling_round_trips(values in prop::collection::vec(-1e6f64..1e6, 2..200), probe in -1e7f64..1e7) {
        for scaling in Scaling::ALL {
            match Scaler::fit(scaling, &values, "v") {
                Ok(s) => {
                    let back = s.invert(s.apply(probe));
                    prop_assert!((back - probe).abs() <= 1e-9 * probe.abs().max(1.0) * (1.0 + s.scale.abs().log10().abs()));
                    if scaling == Scaling::MinMax01 {
                        for &v in &values {
                            let y = s.apply(v);
                            prop_assert!((-1e-12..=1.0 + 1e-12).contains(&y));
                        }
                    }
                }
                Err(_) => prop_assert!(values.iter().all(|&v| v == values[0])),
            }
        }
    }
}
