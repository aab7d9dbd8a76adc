//! Weights in and out as JSON with PyTorch `state_dict` names and shapes.
//!
//! Format (`rnn-lab-weights/1`):
//! ```json
//! {
//!   "format": "rnn-lab-weights/1",
//!   "config": { "cell": {"cell": "lstm", "variant": "standard"}, "input_size": 1, ... },
//!   "state_dict": {
//!     "weight_ih_l0": [[...], ...],   // gates*hidden rows x input columns
//!     "weight_hh_l0": [[...], ...],   // gates*hidden x hidden
//!     "bias_ih_l0": [...],            // gates*hidden
//!     "bias_hh_l0": [...],
//!     "weight_ih_l0_reverse": ...,    // bidirectional only
//!     "peephole_l0": [...],           // peephole LSTM only: 3*hidden, blocks (i, f, o)
//!     "head.weight": [[...]],         // output x hidden*directions
//!     "head.bias": [...]
//!   }
//! }
//! ```
//! Each `state_dict` entry loads into PyTorch with `torch.tensor(value)`; the recurrent
//! entries match `torch.nn.RNN/LSTM/GRU` (same gate order) and the head matches a
//! `torch.nn.Linear`.

use serde_json::{json, Map, Value};

use super::network::{Network, NetworkConfig};
use super::{Mat, Real};

/// The format tag written and accepted.
pub const FORMAT: &str = "rnn-lab-weights/1";

/// The run bundle's format (weights plus validation data for the PyTorch script).
pub const RUN_FORMAT: &str = "rnn-lab-run/1";

/// Why a weights file could not be loaded. Every message names what was expected.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum WeightsError {
    #[error("this is not JSON: {0}")]
    NotJson(String),
    #[error("format is {found:?}, expected \"{FORMAT}\"")]
    Format { found: String },
    #[error("the \"config\" section is missing or invalid: {0}")]
    Config(String),
    #[error("tensor \"{name}\" is missing (expected shape {expected:?})")]
    Missing { name: String, expected: Vec<usize> },
    #[error("tensor \"{name}\" has shape {found:?}, expected {expected:?}")]
    Shape {
        name: String,
        found: Vec<usize>,
        expected: Vec<usize>,
    },
    #[error("tensor \"{name}\" holds something other than finite numbers at {at}")]
    NotNumeric { name: String, at: String },
    #[error("unexpected tensor \"{0}\" for this model")]
    Unexpected(String),
}

/// Whether a stored tensor is written as a 1-D list (biases) or 2-D (weights).
fn is_vector(name: &str) -> bool {
    name.contains("bias") || name.starts_with("peephole")
}

fn expected_shape<T: Real>(name: &str, m: &Mat<T>) -> Vec<usize> {
    if is_vector(name) {
        vec![m.nrows()]
    } else {
        vec![m.nrows(), m.ncols()]
    }
}

/// Serialises `net` (config and every tensor).
pub fn to_json<T: Real>(net: &Network<T>) -> String {
    let mut dict = Map::new();
    for (name, m) in net.named_tensors() {
        let value = if is_vector(&name) {
            json!(m.iter().map(|v| v.to_f64()).collect::<Vec<_>>())
        } else {
            json!((0..m.nrows())
                .map(|r| m.row(r).iter().map(|v| v.to_f64()).collect::<Vec<_>>())
                .collect::<Vec<_>>())
        };
        dict.insert(name, value);
    }
    let doc = json!({ "format": FORMAT, "config": net.config, "state_dict": dict });
    serde_json::to_string_pretty(&doc).expect("a JSON value always serialises")
}

/// Parses a weights file into a network. With `expect`, the file's config must equal it.
pub fn from_json<T: Real>(
    text: &str,
    expect: Option<&NetworkConfig>,
) -> Result<Network<T>, WeightsError> {
    let doc: Value =
        serde_json::from_str(text).map_err(|e| WeightsError::NotJson(e.to_string()))?;
    let format = doc.get("format").and_then(Value::as_str).unwrap_or("");
    // A run bundle (train::export) is a weights file with data added: its weights load too.
    if format != FORMAT && format != RUN_FORMAT {
        return Err(WeightsError::Format {
            found: format.to_string(),
        });
    }
    let config: NetworkConfig =
        serde_json::from_value(doc.get("config").cloned().unwrap_or(Value::Null))
            .map_err(|e| WeightsError::Config(e.to_string()))?;
    config.validate().map_err(WeightsError::Config)?;
    if let Some(want) = expect {
        if *want != config {
            return Err(WeightsError::Config(format!(
                "the file is for {} x{} layers, hidden {}; the current model is {} x{} layers, hidden {}",
                config.cell.name(),
                config.layers,
                config.hidden_size,
                want.cell.name(),
                want.layers,
                want.hidden_size
            )));
        }
    }
    let empty = Map::new();
    let dict = doc
        .get("state_dict")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut net = Network::<T>::zeros(config);
    let names: Vec<(String, Vec<usize>)> = net
        .named_tensors()
        .iter()
        .map(|(n, m)| (n.clone(), expected_shape(n, m)))
        .collect();
    for key in dict.keys() {
        if !names.iter().any(|(n, _)| n == key) {
            return Err(WeightsError::Unexpected(key.clone()));
        }
    }
    for ((name, shape), m) in names.into_iter().zip(net.tensors_mut()) {
        let v = dict.get(&name).ok_or_else(|| WeightsError::Missing {
            name: name.clone(),
            expected: shape.clone(),
        })?;
        fill(&name, v, &shape, m)?;
    }
    Ok(net)
}

fn number(name: &str, v: &Value, at: String) -> Result<f64, WeightsError> {
    v.as_f64()
        .filter(|x| x.is_finite())
        .ok_or(WeightsError::NotNumeric {
            name: name.to_string(),
            at,
        })
}

fn fill<T: Real>(
    name: &str,
    v: &Value,
    shape: &[usize],
    m: &mut Mat<T>,
) -> Result<(), WeightsError> {
    let shape_err = |found: Vec<usize>| WeightsError::Shape {
        name: name.to_string(),
        found,
        expected: shape.to_vec(),
    };
    let rows = v.as_array().ok_or_else(|| shape_err(vec![]))?;
    if rows.len() != shape[0] {
        let inner = rows.first().and_then(Value::as_array).map(|r| r.len());
        return Err(shape_err(
            std::iter::once(rows.len()).chain(inner).collect(),
        ));
    }
    if shape.len() == 1 {
        for (i, x) in rows.iter().enumerate() {
            if x.is_array() {
                return Err(shape_err(vec![
                    rows.len(),
                    x.as_array().map_or(0, |a| a.len()),
                ]));
            }
            m[(i, 0)] = T::of(number(name, x, format!("[{i}]"))?);
        }
        return Ok(());
    }
    for (i, row) in rows.iter().enumerate() {
        let row = row.as_array().ok_or_else(|| shape_err(vec![rows.len()]))?;
        if row.len() != shape[1] {
            return Err(shape_err(vec![rows.len(), row.len()]));
        }
        for (j, x) in row.iter().enumerate() {
            m[(i, j)] = T::of(number(name, x, format!("[{i}][{j}]"))?);
        }
    }
    Ok(())
}
