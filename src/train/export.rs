//! What a learner takes away from a run: predictions and loss history as CSV, and a bundle a
//! short PyTorch script ([`PYTORCH_SCRIPT`]) loads to rebuild the same model and reproduce
//! our validation loss, so the work can carry on in a real framework.

use serde_json::{json, Value};

use super::Session;
use crate::data::frame::BatchTargets;
use crate::nn::loss::Loss;
use crate::nn::weights;

/// The script the page offers beside the bundle: `python reproduce_in_pytorch.py run.json`.
pub const PYTORCH_SCRIPT: &str = include_str!("reproduce_in_pytorch.py");

/// Format tag of the bundle (a weights file, readable by `weights::from_json`, plus data).
pub const BUNDLE_FORMAT: &str = weights::RUN_FORMAT;

impl Session {
    /// `row,split,target,prediction` for every window (target and prediction in original
    /// units; for classification the class indices).
    pub fn predictions_csv(&self) -> String {
        let d = &self.dataset;
        let mut out = format!("row,split,{},prediction\n", csv_field(&d.target_name));
        for (split, starts) in [
            ("train", &d.train),
            ("validation", &d.validation),
            ("test", &d.test),
        ] {
            let predicted = self.predict(starts);
            let truth = self.truth(starts);
            for ((&s, p), t) in starts.iter().zip(predicted).zip(truth) {
                out.push_str(&format!("{},{split},{t},{p}\n", self.target_row(s)));
            }
        }
        out
    }

    /// `step,epoch,train_loss,validation_loss,steps` (validation empty where not measured;
    /// `steps`: how many steps up to `step` the row's training loss is the mean of, 1 for the
    /// latest 5,000 and more for older history, which is thinned to keep it bounded).
    pub fn history_csv(&self) -> String {
        let mut out = String::from("step,epoch,train_loss,validation_loss,steps\n");
        for h in &self.history {
            let v = h.validation_loss.map_or(String::new(), |v| v.to_string());
            out.push_str(&format!(
                "{},{},{},{v},{}\n",
                h.step, h.epoch, h.train_loss, h.steps
            ));
        }
        out
    }

    /// The weights (PyTorch names, as `weights::to_json`) plus the validation windows as
    /// PyTorch-shaped tensors (inputs `steps x batch x features`, already normalised) and our
    /// loss on them, for [`PYTORCH_SCRIPT`]. Uses the training windows when there is no
    /// validation split (the curve-fitting lessons fit the whole curve).
    pub fn pytorch_bundle(&self) -> String {
        let d = &self.dataset;
        let (split, starts) = if d.validation.is_empty() {
            ("train", &d.train)
        } else {
            ("validation", &d.validation)
        };
        let batch = d.batch(starts);
        let (b, f) = (batch.size, batch.features);
        let inputs: Vec<Vec<Vec<f64>>> = batch
            .inputs
            .iter()
            .map(|step| (0..b).map(|j| step[j * f..(j + 1) * f].to_vec()).collect())
            .collect();
        let targets = match &batch.targets {
            BatchTargets::Values(v) => json!(v),
            BatchTargets::Classes(c) => json!(c),
        };
        let mut doc: Value =
            serde_json::from_str(&weights::to_json(&self.net)).expect("our own JSON parses");
        doc["format"] = json!(BUNDLE_FORMAT);
        doc["data"] = json!({
            "split": split,
            "loss": match self.net.config.loss {
                Loss::Mse => "mse",
                Loss::CrossEntropy => "cross_entropy",
            },
            "inputs": inputs,
            "targets": targets,
            "rnn_lab_loss": self.loss_over(starts),
            "features": d.feature_names,
            "target": d.target_name,
        });
        serde_json::to_string(&doc).expect("a JSON value serialises")
    }

    /// The true target of each window in original units (class index for classification).
    fn truth(&self, starts: &[usize]) -> Vec<f64> {
        use crate::data::frame::TargetData;
        starts
            .iter()
            .map(|&s| {
                let r = self.target_row(s);
                match &self.dataset.y {
                    TargetData::Values(v) => self.dataset.y_scaler.invert(v[r]),
                    TargetData::Classes { labels, .. } => labels[r] as f64,
                }
            })
            .collect()
    }
}

/// A CSV header field, quoted when it needs to be.
fn csv_field(s: &str) -> String {
    // A spreadsheet would run a field starting like a formula (`=`, `+`, `-`, `@`, or a tab or
    // carriage return before one): it is written as text, after an apostrophe.
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    /// A name from the learner's file goes into an exported CSV as text: quoted when it holds
    /// a delimiter, a quote or a line break (a carriage return too), and never as a formula.
    #[test]
    fn exported_fields_are_quoted_and_never_formulas() {
        assert_eq!(csv_field("load"), "load");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\rlines"), "\"two\rlines\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("+1"), "'+1");
        assert_eq!(csv_field("@sum"), "'@sum");
    }
}
