//! Exports: predictions and history CSVs, and the PyTorch bundle + script, which is run with
//! real PyTorch when the torch venv exists (scripts/reference.sh makes it; CI has no torch,
//! docs/WEIGHTS.md says how this was checked).

use std::path::Path;
use std::process::Command;

use rnn_lab::nn::weights;
use rnn_lab::nn::CellKind;
use rnn_lab::train::export::PYTORCH_SCRIPT;
use rnn_lab::train::lessons::Lesson;
use rnn_lab::train::settings::Settings;
use rnn_lab::train::Session;

fn trained(lesson: Lesson, settings: Settings, steps: usize) -> Session {
    let p = lesson.prepare(&settings).unwrap();
    let mut s = Session::new(p.config, p.dataset).unwrap();
    for _ in 0..steps {
        s.step();
    }
    s
}

#[test]
fn predictions_and_history_csvs_hold_every_window_and_step() {
    let s = trained(Lesson::SineNextValue, Lesson::SineNextValue.defaults(), 30);
    let csv = s.predictions_csv();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["row", "split", "sin(t)", "prediction"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let d = &s.dataset;
    assert_eq!(
        rows.len(),
        d.train.len() + d.validation.len() + d.test.len()
    );
    let first_val = &rows[d.train.len()];
    assert_eq!(&first_val[1], "validation");
    let start = d.validation[0];
    assert_eq!(first_val[0].parse::<usize>().unwrap(), s.target_row(start));
    let predicted: f64 = first_val[3].parse().unwrap();
    assert_eq!(predicted, s.predict(&[start])[0]);

    let history = s.history_csv();
    let lines: Vec<&str> = history.lines().collect();
    assert_eq!(lines[0], "step,epoch,train_loss,validation_loss,steps");
    assert_eq!(lines.len(), 31);
    let last: Vec<&str> = lines[30].split(',').collect();
    assert_eq!(last[0], "30");
    assert_eq!(last[2].parse::<f64>().unwrap(), s.history[29].train_loss);
    assert_eq!(last[4], "1");
}

#[test]
fn the_bundle_reloads_as_weights_and_pytorch_reproduces_its_loss() {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/torch-venv/bin/python");
    let dir = std::env::temp_dir().join(format!("rnn-lab-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("reproduce_in_pytorch.py");
    std::fs::write(&script, PYTORCH_SCRIPT).unwrap();
    let cases = [
        (Lesson::SineNextValue, None),           // LSTM, many-to-one, MSE
        (Lesson::CurveFitting, None),            // many-to-many (train split)
        (Lesson::Classification, None),          // cross-entropy
        (Lesson::StockCsv, Some(CellKind::Gru)), // 5 features, GRU
        (Lesson::VanishingGradients, None),      // tanh RNN, 50 steps
    ];
    for (lesson, cell) in cases {
        let mut settings = lesson.defaults();
        if let Some(c) = cell {
            settings.cell = c;
        }
        let s = trained(lesson, settings, 40);
        let bundle = s.pytorch_bundle();
        let back = weights::from_json::<f32>(&bundle, Some(&s.net.config)).unwrap();
        assert_eq!(
            back, s.net,
            "{lesson:?}: the bundle's weights are the model's"
        );
        let path = dir.join(format!("{lesson:?}.json"));
        std::fs::write(&path, &bundle).unwrap();
        if !python.exists() {
            eprintln!("{lesson:?}: no target/torch-venv, PyTorch check skipped");
            continue;
        }
        let out = Command::new(&python)
            .arg(&script)
            .arg(&path)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        eprintln!(
            "{lesson:?}: {}{}",
            text.trim(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{lesson:?}: PyTorch disagrees");
        assert!(text.contains("loss in PyTorch"));
    }
}
