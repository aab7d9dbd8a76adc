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
