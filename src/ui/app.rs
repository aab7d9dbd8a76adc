//! The root component: pick a lesson, train it live, watch the prediction converge.
//!
//! Training runs in time-boxed slices on animation frames (at most [`SLICE_MS`] of training
//! per frame), so the page stays responsive; the component owns the session and the frame
//! handle (dropping the handle cancels the loop).

use gloo_events::{EventListener, EventListenerOptions};
use gloo_render::{request_animation_frame, AnimationFrame};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{HtmlCanvasElement, HtmlInputElement, HtmlSelectElement, KeyboardEvent};
use yew::prelude::*;

use crate::charts::{draw_losses, draw_prediction, PredictionView};
use crate::data::normalise::Scaling;
use crate::nn::optim::Clip;
use crate::nn::{Activation, CellKind, LstmVariant};
use crate::train::lessons::{Lesson, Prepared, Settings};
use crate::train::Session;

/// Most milliseconds of training per animation frame.
const SLICE_MS: f64 = 12.0;
/// Predictions over the whole series are refreshed at most this often.
const PREDICTION_EVERY_MS: f64 = 250.0;

const CELLS: [CellKind; 6] = [
    CellKind::Rnn(Activation::Tanh),
    CellKind::Rnn(Activation::Relu),
    CellKind::Lstm(LstmVariant::Standard),
    CellKind::Lstm(LstmVariant::Peephole),
    CellKind::Lstm(LstmVariant::Coupled),
    CellKind::Gru,
];
const LEARNING_RATES: [f64; 9] = [0.0003, 0.001, 0.003, 0.006, 0.01, 0.03, 0.1, 0.3, 1.0];

pub enum Msg {
    Frame,
    TogglePlay,
    Step,
    Reset,
    Lesson(Lesson),
    Cell(CellKind),
    Hidden(usize),
    LearningRate(f64),
    Scaling(Scaling),
    /// One-click fixes.
    Normalise,
    LowerLearningRate,
    ClipGradients,
}

pub struct App {
    lesson: Lesson,
    settings: Settings,
    x: Vec<f64>,
    y: Vec<f64>,
    session: Option<Session>,
    error: Option<String>,
    notice: Option<String>,
    playing: bool,
    frame: Option<AnimationFrame>,
    _keys: Option<EventListener>,
    diverged_at: Option<u64>,
    last_loss: Option<f64>,
    rate: f64,
    rate_mark: (f64, u64),
    prediction: Vec<(f64, f64)>,
    predicted_at: f64,
    prediction_ref: NodeRef,
    loss_ref: NodeRef,
}

fn now() -> f64 {
    js_sys::Date::now()
}

impl App {
    /// Rebuilds data and model from the lesson and settings; keeps the old run on failure.
    fn restart(&mut self, notice: Option<String>) {
        match self
            .lesson
            .prepare(&self.settings)
            .map_err(|e| e.to_string())
            .and_then(
                |Prepared {
                     dataset,
                     config,
                     x,
                     y,
                 }| { Session::new(config, dataset).map(|s| (s, x, y)) },
            ) {
            Ok((session, x, y)) => {
                self.session = Some(session);
                self.x = x;
                self.y = y;
                self.error = None;
                self.notice = notice;
                self.diverged_at = None;
                self.last_loss = None;
                self.rate = 0.0;
                self.rate_mark = (now(), 0);
                self.refresh_prediction();
            }
            Err(e) => {
                self.error = Some(format!(
                    "Could not set up this run: {e}. The previous run is kept."
                ));
            }
        }
    }

    fn refresh_prediction(&mut self) {
        let Some(s) = &self.session else { return };
        let starts: Vec<usize> = s
            .dataset
            .train
            .iter()
            .chain(&s.dataset.validation)
            .chain(&s.dataset.test)
            .copied()
            .collect();
        let pred = s.predict(&starts);
        self.prediction = starts
            .iter()
            .zip(pred)
            .map(|(&st, p)| (self.x[s.target_row(st)], p))
            .collect();
        self.predicted_at = now();
    }

    /// One animation frame's work: either refresh the prediction over the whole series (when
    /// due) or train for up to SLICE_MS, never both, so no frame's task grows long.
    /// `one` trains exactly one batch and refreshes the prediction.
    fn train_slice(&mut self, one: bool) {
        if !one && now() - self.predicted_at > PREDICTION_EVERY_MS {
            self.refresh_prediction();
            return;
        }
        let Some(s) = &mut self.session else { return };
        let start = now();
        loop {
            let r = s.step();
            if r.diverged {
                self.diverged_at = Some(r.step);
                self.playing = false;
                break;
            }
            self.last_loss = Some(r.loss);
            if one || now() - start > SLICE_MS {
                break;
            }
        }
        let t = now();
        if t - self.rate_mark.0 > 500.0 {
            self.rate = (s.steps - self.rate_mark.1) as f64 / ((t - self.rate_mark.0) / 1000.0);
            self.rate_mark = (t, s.steps);
        }
        if one {
            self.refresh_prediction();
        }
    }

    fn schedule(&mut self, ctx: &Context<Self>) {
        if self.playing {
            let link = ctx.link().clone();
            self.frame = Some(request_animation_frame(move |_| {
                link.send_message(Msg::Frame)
            }));
        } else {
            self.frame = None;
        }
    }

    /// Whether to show a hint that the run is not learning: Some(true) for large
    /// unnormalised inputs (the notes' failure), Some(false) for a loss that has not halved
    /// after 300 steps.
    fn not_learning(&self) -> Option<bool> {
        let s = self.session.as_ref()?;
        let large = self.settings.scaling == Scaling::None
            && s.dataset
                .x
                .iter()
                .any(|col| col.iter().any(|v| v.abs() > 10.0));
        let flat = s.steps > 300
            && s.history
                .first()
                .zip(self.last_loss)
                .is_some_and(|(f, l)| l > 0.5 * f.train_loss);
        if large {
            Some(true)
        } else if flat {
            Some(false)
        } else {
            None
        }
    }

    fn draw(&self) {
        let Some(s) = &self.session else { return };
        if let Some(canvas) = self.prediction_ref.cast::<HtmlCanvasElement>() {
            if let Some(backend) = CanvasBackend::with_canvas_object(canvas) {
                let root = backend.into_drawing_area();
                let split = &s.dataset.split;
                let view = PredictionView {
                    x: &self.x,
                    y: &self.y,
                    train_end: split.train.end,
                    validation_end: split.validation.end,
                    prediction: &self.prediction,
                };
                let title = format!("{} and the model's prediction", s.dataset.target_name);
                let _ = draw_prediction(&root, &view, &title);
            }
        }
        if let Some(canvas) = self.loss_ref.cast::<HtmlCanvasElement>() {
            if let Some(backend) = CanvasBackend::with_canvas_object(canvas) {
                let root = backend.into_drawing_area();
                let step = (s.history.len() / 2000).max(1);
                let train: Vec<(f64, f64)> = s
                    .history
                    .iter()
                    .step_by(step)
                    .map(|h| (h.step as f64, h.train_loss))
                    .collect();
                let val: Vec<(f64, f64)> = s
                    .history
                    .iter()
                    .filter_map(|h| h.validation_loss.map(|v| (h.step as f64, v)))
                    .collect();
                let _ = draw_losses(&root, &train, &val, "loss (log scale)");
            }
        }
    }
}

fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let lesson = Lesson::SineNextValue;
        let link = ctx.link().clone();
        let keys = web_sys::window().and_then(|w| w.document()).map(|doc| {
            EventListener::new_with_options(
                &doc,
                "keydown",
                EventListenerOptions::enable_prevent_default(),
                move |e| {
                    let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                        return;
                    };
                    let target = e
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok());
                    let tag = target.as_ref().map(|el| el.tag_name()).unwrap_or_default();
                    if matches!(tag.as_str(), "INPUT" | "SELECT" | "TEXTAREA") {
                        return;
                    }
                    match e.key().as_str() {
                        " " => {
                            e.prevent_default();
                            // A focused button would also "click" on key-up: Space means play/pause.
                            if let Some(el) = target.filter(|_| tag == "BUTTON") {
                                let _ = el.blur();
                            }
                            link.send_message(Msg::TogglePlay);
                        }
                        "ArrowRight" => link.send_message(Msg::Step),
                        "r" | "R" => link.send_message(Msg::Reset),
                        _ => {}
                    }
                },
            )
        });
        let mut app = App {
            lesson,
            settings: lesson.defaults(),
            x: Vec::new(),
            y: Vec::new(),
            session: None,
            error: None,
            notice: None,
            playing: false,
            frame: None,
            _keys: keys,
            diverged_at: None,
            last_loss: None,
            rate: 0.0,
            rate_mark: (now(), 0),
            prediction: Vec::new(),
            predicted_at: 0.0,
            prediction_ref: NodeRef::default(),
            loss_ref: NodeRef::default(),
        };
        app.restart(None);
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let model_change = |app: &mut App, what: &str| {
            app.playing = false;
            app.restart(Some(format!("{what}: the run was reset.")));
        };
        match msg {
            Msg::Frame => {
                if self.playing {
                    self.train_slice(false);
                }
            }
            Msg::TogglePlay => {
                self.playing = !self.playing && self.session.is_some();
                if self.playing {
                    self.notice = None;
                    self.rate_mark = (now(), self.session.as_ref().map_or(0, |s| s.steps));
                }
            }
            Msg::Step => {
                self.playing = false;
                self.train_slice(true);
            }
            Msg::Reset => model_change(self, "Reset"),
            Msg::Lesson(l) => {
                self.lesson = l;
                self.settings = l.defaults();
                model_change(self, &format!("Lesson “{}”", l.title()));
            }
            Msg::Cell(c) => {
                self.settings.cell = c;
                model_change(self, &format!("Cell changed to {}", c.name()));
            }
            Msg::Hidden(h) => {
                self.settings.hidden_size = h;
                model_change(self, &format!("Hidden size changed to {h}"));
            }
            Msg::LearningRate(lr) => {
                self.settings.learning_rate = lr;
                model_change(self, &format!("Learning rate changed to {lr}"));
            }
            Msg::Scaling(sc) => {
                self.settings.scaling = sc;
                model_change(self, &format!("Normalisation changed to {}", sc.label()));
            }
            Msg::Normalise => {
                self.settings.scaling = Scaling::ZScore;
                model_change(
                    self,
                    "Inputs normalised (z-score, fitted on the training split)",
                );
                self.playing = true;
            }
            Msg::LowerLearningRate => {
                self.settings.learning_rate /= 10.0;
                model_change(
                    self,
                    &format!("Learning rate lowered to {}", self.settings.learning_rate),
                );
            }
            Msg::ClipGradients => {
                self.settings.clip = Clip::Norm(1.0);
                model_change(self, "Gradients clipped to global norm 1");
            }
        }
        self.schedule(ctx);
        true
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first: bool) {
        self.draw();
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let s = self.session.as_ref();
        let steps = s.map_or(0, |s| s.steps);
        let epoch = s.map_or(0, |s| s.epoch);
        let val = s.and_then(|s| s.history.iter().rev().find_map(|h| h.validation_loss));
        let fmt = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.5}"));
        let on_lesson = link.callback(|e: Event| {
            let v = select_value(&e);
            Msg::Lesson(
                Lesson::ALL
                    .into_iter()
                    .find(|l| format!("{l:?}") == v)
                    .unwrap_or(Lesson::SineNextValue),
            )
        });
        let on_cell = link.callback(|e: Event| {
            let v = select_value(&e);
            Msg::Cell(
                CELLS
                    .into_iter()
                    .find(|c| c.name() == v)
                    .unwrap_or(CellKind::Lstm(LstmVariant::Standard)),
            )
        });
        let on_hidden = link.batch_callback(|e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            v.parse::<usize>()
                .ok()
                .filter(|h| (1..=128).contains(h))
                .map(Msg::Hidden)
        });
        let on_lr = link
            .batch_callback(|e: Event| select_value(&e).parse::<f64>().ok().map(Msg::LearningRate));
        let on_scaling = link.callback(|e: Event| {
            let v = select_value(&e);
            Msg::Scaling(
                Scaling::ALL
                    .into_iter()
                    .find(|s| s.label() == v)
                    .unwrap_or(Scaling::None),
            )
        });
        let hint = self.not_learning().map(|unnormalised| {
            html! {
                <div class="banner warn" role="status" id="hint">
                    if unnormalised {
                        <strong>{ "Inputs are not normalised. " }</strong>
                        { "Some inputs are far from [-1, 1] (x near 100 here), so the gates saturate and gradients vanish: expect a flat loss and a flat prediction. " }
                        <button onclick={link.callback(|_| Msg::Normalise)}>{ "Normalise inputs (z-score)" }</button>
                    } else {
                        <strong>{ "The loss has barely moved. " }</strong>
                        { "Try a different learning rate, or normalised inputs." }
                    }
                </div>
            }
        });
        html! {
            <>
                <header class="top">
                    <h1>{ "RNN Lab" }</h1>
                    <p class="tagline">{ "Train recurrent networks live in your browser and watch them learn." }</p>
                </header>
                <main class="layout">
                    <section class="panel controls" aria-label="Lesson and settings">
                        <h2>{ "Lesson" }</h2>
                        <select id="lesson" aria-label="Lesson" onchange={on_lesson}>
                            { for Lesson::ALL.iter().map(|l| html! {
                                <option value={format!("{l:?}")} selected={*l == self.lesson}>{ l.title() }</option>
                            }) }
                        </select>
                        <p class="explain">{ self.lesson.explanation() }</p>
                        <h2>{ "Model" }</h2>
                        <label for="cell" title="The recurrent cell every layer uses">{ "Cell" }</label>
                        <select id="cell" onchange={on_cell}>
                            { for CELLS.iter().map(|c| html! {
                                <option value={c.name()} selected={*c == self.settings.cell}>{ c.name() }</option>
                            }) }
                        </select>
                        <label for="hidden" title="Units in the recurrent layer (1-128)">{ "Hidden units" }</label>
                        <input id="hidden" type="number" min="1" max="128" value={self.settings.hidden_size.to_string()} onchange={on_hidden} />
                        <h2>{ "Training" }</h2>
                        <label for="lr" title="Adam's step size">{ "Learning rate" }</label>
                        <select id="lr" onchange={on_lr}>
                            { for LEARNING_RATES.iter().map(|lr| html! {
                                <option value={lr.to_string()} selected={(*lr - self.settings.learning_rate).abs() < 1e-12}>{ lr.to_string() }</option>
                            }) }
                        </select>
                        <label for="scaling" title="How inputs and targets are scaled, fitted on the training split only">{ "Normalisation" }</label>
                        <select id="scaling" onchange={on_scaling}>
                            { for Scaling::ALL.iter().map(|sc| html! {
                                <option value={sc.label()} selected={*sc == self.settings.scaling}>{ sc.label() }</option>
                            }) }
                        </select>
                        <div class="buttons">
                            <button id="play" class="primary" title="Space" onclick={link.callback(|_| Msg::TogglePlay)}>
                                { if self.playing { "Pause" } else { "Play" } }
                            </button>
                            <button id="step" title="Right arrow: train one batch" onclick={link.callback(|_| Msg::Step)}>{ "Step" }</button>
                            <button id="reset" title="R: new weights from the same seed" onclick={link.callback(|_| Msg::Reset)}>{ "Reset" }</button>
                        </div>
                        <dl class="stats" id="stats" data-steps={steps.to_string()}
                            data-loss={self.last_loss.map_or(String::new(), |l| l.to_string())}
                            data-val-loss={val.map_or(String::new(), |l| l.to_string())}>
                            <dt>{ "step" }</dt><dd>{ steps }</dd>
                            <dt>{ "epoch" }</dt><dd>{ epoch }</dd>
                            <dt>{ "train loss" }</dt><dd>{ fmt(self.last_loss) }</dd>
                            <dt>{ "validation loss" }</dt><dd>{ fmt(val) }</dd>
                            <dt>{ "steps/s" }</dt><dd>{ format!("{:.0}", self.rate) }</dd>
                        </dl>
                    </section>
                    <section class="panel charts" aria-label="Charts">
                        if let Some(e) = &self.error {
                            <div class="banner error" role="alert">{ e }</div>
                        }
                        if let Some(step) = self.diverged_at {
                            <div class="banner error" role="alert" id="diverged">
                                <strong>{ format!("Training diverged at step {step}. ") }</strong>
                                { "The loss became NaN or exploded; training paused and the last good model was kept. Likely causes: the learning rate is too high, or gradients are not clipped. " }
                                <button onclick={link.callback(|_| Msg::LowerLearningRate)}>{ "Lower the learning rate ×0.1" }</button>
                                <button onclick={link.callback(|_| Msg::ClipGradients)}>{ "Clip gradients (norm 1)" }</button>
                            </div>
                        }
                        { hint.unwrap_or_default() }
                        if let Some(n) = &self.notice {
                            <div class="banner info" role="status">{ n }</div>
                        }
                        <canvas id="prediction-chart" ref={self.prediction_ref.clone()} width="900" height="360"></canvas>
                        <canvas id="loss-chart" ref={self.loss_ref.clone()} width="900" height="240"></canvas>
                    </section>
                </main>
            </>
        }
    }
}
