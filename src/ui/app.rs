//! The root component. For now: the header and a sine-wave chart with controls that redraw it.

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::{HtmlCanvasElement, HtmlInputElement};
use yew::prelude::*;

use crate::charts::draw_signal;
use crate::data::signals::{generate, SignalParams};

/// The sine shown on first load: 400 points over x in [0, 20].
fn initial_params() -> SignalParams {
    SignalParams {
        points: 400,
        x_end: 20.0,
        ..SignalParams::default()
    }
}

/// Draws `params`' sine into `canvas`; an error message on failure.
fn redraw(canvas: HtmlCanvasElement, params: &SignalParams) -> Result<(), String> {
    let backend = CanvasBackend::with_canvas_object(canvas)
        .ok_or_else(|| "this browser gave no 2D canvas context".to_string())?;
    let root = backend.into_drawing_area();
    let title = format!(
        "y = sin({:.1}·x), {} points",
        params.frequency, params.points
    );
    draw_signal(&root, &generate(params), &title)
}

/// Reads a range input's value as f64 from an input event.
fn input_value(e: &InputEvent) -> Option<f64> {
    let input: HtmlInputElement = e.target_unchecked_into();
    input.value().parse().ok().filter(|v: &f64| v.is_finite())
}

#[function_component(App)]
pub fn app() -> Html {
    let params = use_state(initial_params);
    let error = use_state(|| None::<String>);
    let canvas_ref = use_node_ref();

    {
        let canvas_ref = canvas_ref.clone();
        let error = error.clone();
        use_effect_with(*params, move |p| {
            if let Some(canvas) = canvas_ref.cast::<HtmlCanvasElement>() {
                error.set(redraw(canvas, p).err());
            }
        });
    }

    let on_frequency = {
        let params = params.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(f) = input_value(&e) {
                params.set(SignalParams {
                    frequency: f,
                    ..*params
                });
            }
        })
    };
    let on_points = {
        let params = params.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(n) = input_value(&e) {
                params.set(SignalParams {
                    points: n.clamp(2.0, 5000.0) as usize,
                    ..*params
                });
            }
        })
    };

    html! {
        <>
            <header class="top">
                <h1>{ "RNN Lab" }</h1>
                <p class="tagline">{ "Train recurrent networks live in your browser and watch them learn." }</p>
            </header>
            <main class="layout">
                <section class="panel controls" aria-label="Signal controls">
                    <h2>{ "Signal" }</h2>
                    <label for="frequency" title="Angular frequency: how many radians the sine advances per unit of x">
                        { "Frequency " }<output>{ format!("{:.1}", params.frequency) }</output>
                    </label>
                    <input id="frequency" type="range" min="0.1" max="5" step="0.1"
                        value={params.frequency.to_string()} oninput={on_frequency} />
                    <label for="points" title="How many samples of the sine are generated between x = 0 and x = 20">
                        { "Points " }<output>{ params.points }</output>
                    </label>
                    <input id="points" type="range" min="10" max="2000" step="10"
                        value={params.points.to_string()} oninput={on_points} />
                </section>
                <section class="panel chart" aria-label="Signal chart">
                    <canvas id="signal-chart" ref={canvas_ref} width="800" height="360"></canvas>
                    if let Some(msg) = &*error {
                        <p class="error" role="alert">{ format!("Could not draw the chart: {msg}") }</p>
                    }
                </section>
            </main>
        </>
    }
}
