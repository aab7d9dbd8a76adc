//! wasm-bindgen tests that run inside headless Chromium (`scripts/test.sh` runs them).
//! They check what only a browser can: that the shared chart code really paints a canvas, and
//! that the core's numbers survive the trip to wasm.
#![cfg(target_arch = "wasm32")]

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use rnn_lab::charts::draw_signal;
use rnn_lab::data::signals::{generate, SignalParams};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

#[path = "common/reference.rs"]
mod reference;

use reference::Tolerance;

wasm_bindgen_test_configure!(run_in_browser);

/// The recurrent core compiled to wasm (simd128) agrees with PyTorch like the native build:
/// 1e-9 absolute in f64, 1e-4 relative on the f32 hot path.
#[wasm_bindgen_test]
fn core_matches_pytorch_in_the_browser() {
    for (name, text) in [
        (
            "lstm_bi2_m2m_mse",
            include_str!("reference/fixtures/lstm_bi2_m2m_mse.json"),
        ),
        (
            "gru_2_m2m_ce",
            include_str!("reference/fixtures/gru_2_m2m_ce.json"),
        ),
        (
            "rnn_relu_bi2_m2o_ce",
            include_str!("reference/fixtures/rnn_relu_bi2_m2o_ce.json"),
        ),
    ] {
        let fx = reference::parse(text);
        reference::check_forward_backward::<f64>(name, &fx, Tolerance::Absolute(1e-9));
        reference::check_forward_backward::<f32>(name, &fx, Tolerance::Relative(1e-4));
    }
    let fx = reference::parse(include_str!("reference/fixtures/train_adam_clip_norm.json"));
    reference::check_training("train_adam_clip_norm", &fx, Tolerance::Absolute(1e-9));
}

fn new_canvas(w: u32, h: u32) -> HtmlCanvasElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let canvas: HtmlCanvasElement = doc.create_element("canvas").unwrap().dyn_into().unwrap();
    canvas.set_width(w);
    canvas.set_height(h);
    doc.body().unwrap().append_child(&canvas).unwrap();
    canvas
}

/// RGBA bytes of the whole canvas.
fn pixels(canvas: &HtmlCanvasElement) -> Vec<u8> {
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let (w, h) = (canvas.width() as f64, canvas.height() as f64);
    ctx.get_image_data(0.0, 0.0, w, h).unwrap().data().to_vec()
}

fn draw(canvas: &HtmlCanvasElement, frequency: f64) {
    let p = SignalParams {
        points: 300,
        frequency,
        x_end: 20.0,
        ..SignalParams::default()
    };
    let root = CanvasBackend::with_canvas_object(canvas.clone())
        .unwrap()
        .into_drawing_area();
    draw_signal(&root, &generate(&p), "test").unwrap();
}

/// The signal colour must appear on the canvas (the line was painted, not just the background).
#[wasm_bindgen_test]
fn chart_paints_the_signal_line_on_a_canvas() {
    let canvas = new_canvas(400, 200);
    draw(&canvas, 1.0);
    let px = pixels(&canvas);
    let c = rnn_lab::charts::SIGNAL_COLOUR;
    let line_pixels = px
        .chunks_exact(4)
        .filter(|p| p[0] == c.0 && p[1] == c.1 && p[2] == c.2)
        .count();
    assert!(
        line_pixels > 200,
        "only {line_pixels} pixels of the signal colour"
    );
    let white = px
        .chunks_exact(4)
        .filter(|p| p[..3] == [255, 255, 255])
        .count();
    assert!(white > px.len() / 8, "background should be mostly white");
}

#[wasm_bindgen_test]
fn changing_frequency_changes_the_pixels() {
    let canvas = new_canvas(400, 200);
    draw(&canvas, 1.0);
    let a = pixels(&canvas);
    draw(&canvas, 3.0);
    let b = pixels(&canvas);
    let differing = a
        .chunks_exact(4)
        .zip(b.chunks_exact(4))
        .filter(|(x, y)| x != y)
        .count();
    assert!(differing > 500, "only {differing} pixels changed");
}

/// The f32 product kernel wasm runs (simd128: 16-, 8- and 4-row blocks, then single rows;
/// 2, 4 and single columns) agrees with f64 on shapes that reach every block and every
/// ragged edge: losses and every gradient of a 2-layer bidirectional network (its second
/// layer's input projection and all weight gradients are dense products), relative to each
/// gradient's largest entry.
#[wasm_bindgen_test]
fn f32_products_in_wasm_match_f64_on_every_block_shape() {
    use rand::{Rng, SeedableRng};
    use rnn_lab::nn::init::{initialise, Init};
    use rnn_lab::nn::loss::{Loss, Targets};
    use rnn_lab::nn::network::Evaluation;
    use rnn_lab::nn::{CellKind, Head, LstmVariant, Network, NetworkConfig};

    type Mat<T> = nalgebra::DMatrix<T>;
    for (cell, hidden, batch, input) in [
        (CellKind::Lstm(LstmVariant::Standard), 1, 1, 5),
        (CellKind::Lstm(LstmVariant::Standard), 3, 5, 6),
        (CellKind::Lstm(LstmVariant::Standard), 13, 7, 9),
        (CellKind::Gru, 11, 3, 5),
        (CellKind::Lstm(LstmVariant::Standard), 37, 16, 5),
        (CellKind::Gru, 64, 9, 7),
    ] {
        let config = NetworkConfig {
            cell,
            input_size: input,
            hidden_size: hidden,
            layers: 2,
            bidirectional: true,
            dropout: 0.0,
            output_size: 2,
            head: Head::ManyToMany,
            loss: Loss::Mse,
        };
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(hidden as u64);
        let xs: Vec<Mat<f64>> = (0..6)
            .map(|_| Mat::from_fn(input, batch, |_, _| rng.random_range(-1.0..1.0)))
            .collect();
        let ys: Vec<Mat<f64>> = (0..6)
            .map(|_| Mat::from_fn(2, batch, |_, _| rng.random_range(-1.0..1.0)))
            .collect();
        let mut n64 = Network::<f64>::zeros(config);
        initialise(
            &mut n64,
            Init::default(),
            &mut rand_pcg::Pcg64Mcg::seed_from_u64(7),
        );
        let mut n32 = Network::<f32>::zeros(config);
        for (d, s) in n32.params_mut().zip(n64.params()) {
            *d = s.map(|v| v as f32);
        }
        let e64: Evaluation<f64> =
            n64.evaluate::<rand_pcg::Pcg64Mcg>(&xs, &Targets::Values(ys.clone()), None, None);
        let to32 = |m: &Mat<f64>| m.map(|v| v as f32);
        let e32: Evaluation<f32> = n32.evaluate::<rand_pcg::Pcg64Mcg>(
            &xs.iter().map(to32).collect::<Vec<_>>(),
            &Targets::Values(ys.iter().map(to32).collect()),
            None,
            None,
        );
        let what = format!("{cell:?} hidden {hidden} batch {batch} input {input}");
        assert!(
            (e32.loss - e64.loss).abs() <= 1e-4 * e64.loss.abs(),
            "{what}: loss"
        );
        for (g32, g64) in e32.grads.params().zip(e64.grads.params()) {
            let scale = g64.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1e-12);
            for (a, b) in g32.iter().zip(g64.iter()) {
                assert!(
                    (f64::from(*a) - b).abs() <= 1e-3 * scale,
                    "{what}: gradient {a} vs {b} (largest {scale})"
                );
            }
        }
    }
}
