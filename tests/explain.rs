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
            bidirectional: false,
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
            let steps = &layer.steps[0];
            for t in 0..steps.len() {
                for sample in 0..2 {
                    let col = |m: &Mat<f64>| m.column(sample).iter().copied().collect::<Vec<f64>>();
                    let x = col(&layer.input[t]);
                    let (h_prev, c_prev) = if t == 0 {
                        (vec![0.0; 4], cell.has_cell_state().then(|| vec![0.0; 4]))
                    } else {
                        (
                            col(&steps[t - 1].hidden),
                            steps[t - 1].cell.as_ref().map(col),
                        )
                    };
                    for unit in 0..4 {
                        let eqs = equations(
                            cell,
                            net.cell(l, 0),
                            &StepInputs {
                                x: &x,
                                h_prev: &h_prev,
                                c_prev: c_prev.as_deref(),
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
                        for e in &eqs {
                            assert!(
                                (e.value - e.recomputed).abs() < 1e-12,
                                "{cell:?} layer {l} t {t} unit {unit}: {} traced {} recomputed {}",
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
        assert!(checked > 0);
    }
    let _ = Activation::Tanh;
    let _ = LstmVariant::Standard;
}
