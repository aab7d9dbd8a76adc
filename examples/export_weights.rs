//! Writes an LSTM's weights (RNN Lab's JSON format) plus an input batch and our outputs, so
//! `scripts/load_weights_in_pytorch.py` can load the weights into torch.nn.LSTM and check it
//! computes the same outputs. Usage: cargo run --example export_weights -- out.json

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use rnn_lab::nn::init::{initialise, Init};
use rnn_lab::nn::loss::Loss;
use rnn_lab::nn::weights::to_json;
use rnn_lab::nn::{CellKind, Head, LstmVariant, Mat, Network, NetworkConfig};

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/exported-weights.json".into());
    let config = NetworkConfig {
        cell: CellKind::Lstm(LstmVariant::Standard),
        input_size: 2,
        hidden_size: 5,
        layers: 2,
        bidirectional: true,
        dropout: 0.0,
        output_size: 1,
        head: Head::ManyToMany,
        loss: Loss::Mse,
    };
    let mut rng = Pcg64Mcg::seed_from_u64(2024);
    let mut net = Network::<f64>::zeros(config);
    initialise(&mut net, Init::default(), &mut rng);
    let (steps, batch) = (6, 3);
    let xs: Vec<Mat<f64>> = (0..steps)
        .map(|_| Mat::from_fn(2, batch, |_, _| rng.random_range(-1.0..1.0)))
        .collect();
    let trace = net.forward::<Pcg64Mcg>(&xs, None);
    let mut doc: serde_json::Value = serde_json::from_str(&to_json(&net)).unwrap();
    // (T, B, I) and (T, B, O), PyTorch's layout.
    let tbi = |ms: &[Mat<f64>]| -> Vec<Vec<Vec<f64>>> {
        ms.iter()
            .map(|m| {
                (0..m.ncols())
                    .map(|b| m.column(b).iter().copied().collect())
                    .collect()
            })
            .collect()
    };
    doc["check"] = serde_json::json!({ "inputs": tbi(&xs), "outputs": tbi(&trace.outputs) });
    std::fs::write(&path, doc.to_string()).expect("write");
    println!("wrote {path}");
}
