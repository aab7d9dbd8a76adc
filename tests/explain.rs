//! The step-through's numbers are the trace's, and its recomputation from the weights (an
//! independent f64 path) agrees with them for every cell, layer, time step, sample and unit.

mod common;

use rnn_lab::nn::explain::{equations, StepInputs};
use rnn_lab::nn::loss::Loss;
use rnn_lab::nn::{Activation, CellKind, Head, LstmVariant, Mat, Network, NetworkConfig};

#[test]
fn every_equation_matches_the_trace() {
    for cell in CellKind::ALL {
        let config = NetworkConfig {
            cell,
            input_size: 3,
            hidden_size: 4,
            layers: 2,
            bidirectional: true,
            dropout: 0.0,
            output_size: 1,
            head: Head::ManyToOne,
            loss: Loss::Mse,
        };
        let mut net: Network<f64> = common::network(config, 11);
        // Non-zero peepholes, so their terms are exercised too.
        for c in &mut net.cells {
            if let Some(p) = &mut c.peephole {
                for (k, v) in p.iter_mut().enumerate() {
                    *v = 0.3 * (k as f64 + 1.0).sin();
                }
            }
        }
        let xs: Vec<Mat<f64>> = (0..6)
            .map(|t| Mat::from_fn(3, 2, |i, j| ((t * 7 + i * 3 + j) as f64 * 0.37).sin()))
            .collect();
        let trace = net.forward::<rand_pcg::Pcg64Mcg>(&xs, None);
        let mut checked = 0;
        for (l, layer) in trace.layers.iter().enumerate() {
            // Each direction's previous state: step t-1 forward, step t+1 in reverse.
            for (dir, steps) in layer.steps.iter().enumerate() {
                let reverse = dir == 1;
                for t in 0..steps.len() {
                    let before = if reverse {
                        (t + 1 < steps.len()).then_some(t + 1)
                    } else {
                        t.checked_sub(1)
                    };
                    for sample in 0..2 {
                        let col =
                            |m: &Mat<f64>| m.column(sample).iter().copied().collect::<Vec<f64>>();
                        let x = col(&layer.input[t]);
                        let (h_prev, c_prev) = match before {
                            None => (vec![0.0; 4], cell.has_cell_state().then(|| vec![0.0; 4])),
                            Some(u) => (col(&steps[u].hidden), steps[u].cell.as_ref().map(col)),
                        };
                        for unit in 0..4 {
                            let eqs = equations(
                                cell,
                                net.cell(l, dir),
                                &StepInputs {
                                    x: &x,
                                    h_prev: &h_prev,
                                    c_prev: c_prev.as_deref(),
                                    reverse,
                                },
                                &steps[t],
                                sample,
                                unit,
                            );
                            let expected = match cell {
                                CellKind::Rnn(_) => 1,
                                CellKind::Gru => 4,
                                CellKind::Lstm(_) => 6,
                            };
                            assert_eq!(eqs.len(), expected, "{cell:?}");
                            // The previous state is named after the step it comes from.
                            let (said, not) = if reverse {
                                ("_{t+1}", "_{t-1}")
                            } else {
                                ("_{t-1}", "_{t+1}")
                            };
                            assert!(eqs.iter().any(|e| e.text.contains(said)), "{eqs:?}");
                            assert!(eqs.iter().all(|e| !e.text.contains(not)), "{eqs:?}");
                            for e in &eqs {
                                assert!(
                                    (e.value - e.recomputed).abs() < 1e-12,
                                    "{cell:?} layer {l} dir {dir} t {t} unit {unit}: {} traced {} recomputed {}",
                                    e.text,
                                    e.value,
                                    e.recomputed
                                );
                                assert!(e.text.ends_with(&format!("{:.3}", e.value)), "{}", e.text);
                                checked += 1;
                            }
                        }
                    }
                }
            }
        }
        assert!(checked > 0);
    }
    let _ = Activation::Tanh;
    let _ = LstmVariant::Standard;
}
