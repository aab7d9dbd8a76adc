//! Run settings: what a learner can change on top of a lesson, and the choices the page
//! offers for each, one table per kind of choice with its catalogue key, so the controls, the
//! notices and the checks of a link read the same table.

use crate::i18n::Text;
use serde::{Deserialize, Serialize};

use super::{Schedule, TrainConfig};
use crate::data::normalise::Scaling;
use crate::nn::init::{Init, Scheme};
use crate::nn::optim::{Clip, OptimizerKind};
use crate::nn::{Activation, CellKind, LstmVariant};

/// The clipping the page's one-click fix applies: clip by global norm 0.25.
pub const FIX_CLIP: Clip = Clip::Norm(0.25);

/// What the learner can change on top of a lesson.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub cell: CellKind,
    pub hidden_size: usize,
    pub learning_rate: f64,
    pub scaling: Scaling,
    pub clip: Clip,
    pub optimizer: OptimizerKind,
    pub seed: u64,
    /// Reduce-LR-on-plateau and early stopping.
    #[serde(default)]
    pub schedule: Schedule,
    /// Layers, directions, dropout, initialisation and batch size.
    #[serde(default)]
    pub shape: Shape,
}

/// The rest of the model and training shape; every lesson starts from the default.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Shape {
    /// Stacked recurrent layers, 1-4.
    pub layers: usize,
    pub bidirectional: bool,
    /// Inverted dropout between layers, in [0, 1) (no effect with one layer).
    pub dropout: f64,
    pub init: Scheme,
    /// Windows per batch; None for the lesson's own.
    pub batch_size: Option<usize>,
    /// Stateful training and prediction: each window starts from the state the one before
    /// it ended in ([`TrainConfig::stateful`]).
    pub stateful: bool,
}

impl Default for Shape {
    fn default() -> Self {
        Self {
            layers: 1,
            bidirectional: false,
            dropout: 0.0,
            init: Scheme::PyTorch,
            batch_size: None,
            stateful: false,
        }
    }
}

impl Settings {
    /// The training config these settings give (`batch_size` is the lesson's, unless the
    /// learner chose one); full BPTT.
    pub fn train_config(&self, batch_size: usize) -> TrainConfig {
        TrainConfig {
            cell: self.cell,
            hidden_size: self.hidden_size,
            layers: self.shape.layers,
            bidirectional: self.shape.bidirectional,
            dropout: self.shape.dropout,
            init: Init {
                scheme: self.shape.init,
                ..Init::default()
            },
            optimizer: self.optimizer,
            learning_rate: self.learning_rate,
            batch_size: self.shape.batch_size.unwrap_or(batch_size),
            clip: self.clip,
            truncate: None,
            stateful: self.shape.stateful,
            seed: self.seed,
            schedule: self.schedule,
        }
    }

    /// Checks every value is usable, whatever made it (the controls, a link, localStorage);
    /// the message, in the page's language, says which is not and what it may be. The
    /// model's own checks (`TrainConfig::validate`, `NetworkConfig::validate`) stay behind
    /// these as a backstop.
    pub fn validate(&self) -> Result<(), Text> {
        let got = |key: &str, v: &dyn std::fmt::Display| Err(Text::with(key, &[("got", v)]));
        if !(1..=MAX_HIDDEN).contains(&self.hidden_size) {
            return got("err.hidden", &self.hidden_size);
        }
        if !(1..=crate::nn::network::MAX_LAYERS).contains(&self.shape.layers) {
            return got("err.layers", &self.shape.layers);
        }
        if !(0.0..1.0).contains(&self.shape.dropout) {
            return got("err.dropout", &self.shape.dropout);
        }
        if self.shape.stateful && self.shape.bidirectional {
            return Err(Text::new("err.stateful_bidirectional"));
        }
        if let Some(b) = self
            .shape
            .batch_size
            .filter(|b| !(1..=MAX_BATCH).contains(b))
        {
            return got("err.batch", &b);
        }
        if !(MIN_LEARNING_RATE..=MAX_LEARNING_RATE).contains(&self.learning_rate) {
            return got("err.lr", &self.learning_rate);
        }
        if let Clip::Norm(c) | Clip::Value(c) = self.clip {
            if !(c > 0.0 && c.is_finite()) {
                return got("err.clip", &c);
            }
        }
        // Rates of decay in [0, 1) (1 would never forget, more would grow without bound) and
        // a small positive eps (0 divides by zero on a weight with no gradient yet).
        let decay = |v: f64| (0.0..1.0).contains(&v);
        let eps = |v: f64| v > 0.0 && v <= 1.0;
        match self.optimizer {
            OptimizerKind::Sgd { momentum, .. } if !decay(momentum) => {
                return got("err.momentum", &momentum)
            }
            OptimizerKind::RmsProp { alpha, .. } if !decay(alpha) => {
                return got("err.alpha", &alpha)
            }
            OptimizerKind::Adam { beta1, beta2, .. } if !decay(beta1) || !decay(beta2) => {
                return Err(Text::with(
                    "err.betas",
                    &[("beta1", &beta1), ("beta2", &beta2)],
                ));
            }
            OptimizerKind::RmsProp { eps: e, .. } | OptimizerKind::Adam { eps: e, .. }
                if !eps(e) =>
            {
                return got("err.eps", &e)
            }
            _ => {}
        }
        self.train_config(32).validate()?;
        Ok(())
    }
}

/// Most hidden units a layer may have (the controls' and links' limit).
pub const MAX_HIDDEN: usize = 128;

/// Largest batch a link may set (the controls offer up to 128).
pub const MAX_BATCH: usize = 1024;

/// Learning rates a run may take: below this nothing moves in f32; above, every step diverges.
pub const MIN_LEARNING_RATE: f64 = 1e-6;
pub const MAX_LEARNING_RATE: f64 = 10.0;

/// The learning rates the page offers (a lesson's own, or a link's, is shown beside them).
pub const LEARNING_RATES: [f64; 9] = [0.0003, 0.001, 0.003, 0.006, 0.01, 0.03, 0.1, 0.3, 1.0];

/// The dropout rates the page offers.
pub const DROPOUTS: [f64; 5] = [0.0, 0.1, 0.2, 0.3, 0.5];

/// The batch sizes the page offers besides the lesson's own.
pub const BATCH_SIZES: [usize; 5] = [8, 16, 32, 64, 128];

/// Each cell with the catalogue key of its name.
pub const CELLS: [(&str, CellKind); 6] = [
    ("cell.rnn_tanh", CellKind::Rnn(Activation::Tanh)),
    ("cell.rnn_relu", CellKind::Rnn(Activation::Relu)),
    ("cell.lstm", CellKind::Lstm(LstmVariant::Standard)),
    ("cell.lstm_peephole", CellKind::Lstm(LstmVariant::Peephole)),
    ("cell.lstm_coupled", CellKind::Lstm(LstmVariant::Coupled)),
    ("cell.gru", CellKind::Gru),
];

/// The initialisation schemes the page offers, with the catalogue keys of their names.
pub const INITS: [(&str, Scheme); 4] = [
    ("init.pytorch", Scheme::PyTorch),
    ("init.xavier", Scheme::Xavier),
    ("init.keras", Scheme::XavierOrthogonal),
    ("init.identity", Scheme::Identity),
];

/// The optimisers the page offers, with the catalogue keys of their names.
pub const OPTIMIZERS: [(&str, OptimizerKind); 4] = [
    ("optimiser.sgd", OptimizerKind::SGD),
    (
        "optimiser.momentum",
        OptimizerKind::Sgd {
            momentum: 0.9,
            nesterov: false,
        },
    ),
    ("optimiser.rmsprop", OptimizerKind::RMSPROP),
    ("optimiser.adam", OptimizerKind::ADAM),
];

/// The gradient clipping the page offers, with the catalogue keys of their names.
pub const CLIPS: [(&str, Clip); 5] = [
    ("clip.off", Clip::Off),
    ("clip.norm1", Clip::Norm(1.0)),
    ("clip.norm025", Clip::Norm(0.25)),
    ("clip.value01", Clip::Value(0.1)),
    ("clip.value001", Clip::Value(0.01)),
];

/// Each normalisation with the catalogue key of its name.
pub const SCALINGS: [(&str, Scaling); 4] = [
    ("scaling.none", Scaling::None),
    ("scaling.minmax01", Scaling::MinMax01),
    ("scaling.minmax11", Scaling::MinMaxSymmetric),
    ("scaling.zscore", Scaling::ZScore),
];

/// The catalogue key of `value` in `table` (None for a value the table lacks, as a link may
/// carry).
pub fn key_of<T: PartialEq>(table: &[(&'static str, T)], value: &T) -> Option<&'static str> {
    table.iter().find(|(_, v)| v == value).map(|(k, _)| *k)
}

/// The value whose key is `key` in `table`.
pub fn value_of<T: Copy>(table: &[(&'static str, T)], key: &str) -> Option<T> {
    table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every table names each of its values once, and every cell and normalisation has its
    /// entry, so no control or notice falls back to a made-up name.
    #[test]
    fn every_table_is_complete_and_one_to_one() {
        fn check<T: PartialEq + Copy + std::fmt::Debug>(table: &[(&'static str, T)]) {
            for (k, v) in table {
                assert_eq!(key_of(table, v), Some(*k));
                assert_eq!(value_of(table, k), Some(*v));
                assert!(!crate::i18n::tr(k).is_empty());
            }
        }
        check(&CELLS);
        check(&INITS);
        check(&OPTIMIZERS);
        check(&CLIPS);
        check(&SCALINGS);
        for c in CellKind::ALL {
            assert!(key_of(&CELLS, &c).is_some(), "{c:?}");
        }
        for s in Scaling::ALL {
            assert!(key_of(&SCALINGS, &s).is_some(), "{s:?}");
        }
    }
}
