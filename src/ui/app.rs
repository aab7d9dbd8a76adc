//! The root component: pick a lesson, train it live, watch the prediction converge.
//!
//! The page's state and what every action does to it live in [`crate::ui::state`] (plain
//! Rust, tested natively). This component turns the browser's events into actions, carries
//! out the effects the reducer returns (requests to the training worker, the link,
//! downloads), and renders the state. It owns the worker and the animation-frame handle
//! (dropping it cancels the loop). The run lives in a Web Worker (`ui::worker`,
//! `crate::worker`): training never shares the page's thread.

use gloo_events::{EventListener, EventListenerOptions};
use gloo_render::{request_animation_frame, AnimationFrame};
use plotters::prelude::IntoDrawingArea;
use wasm_bindgen::JsCast;
use web_sys::{HtmlCanvasElement, HtmlInputElement, HtmlSelectElement, KeyboardEvent};
use yew::prelude::*;

use crate::charts::{draw_gradient_flow, draw_losses, draw_prediction, FlowLine, PredictionView};
use crate::data::normalise::Scaling;
use crate::i18n::{tr, trf, Text};
use crate::nn::CellKind;
use crate::train::host::{ExportKind, Mirror, RunInfo};
use crate::train::settings::{key_of, CELLS, SCALINGS};
use crate::ui::canvas::Canvas;
use crate::ui::heatmaps::Heatmaps;
use crate::ui::step_through::{traced, CellDiagram, Equations, StepControls};
use crate::ui::chart::{ChartCanvas, Painter};
use crate::ui::compare::ComparePanel;
use crate::ui::controls::ModelControls;
use crate::ui::data_panel::{DataPanel, Load};
use crate::ui::messages::{Banners, LessonPicker};
use crate::ui::run_bar::{RunActions, RunBar, RunStats};
use crate::ui::state::{
    Action, DataChange, Effect, Export, ModelChange, Page, RunControl, ShowChange, Tab, TourChange,
};
use crate::ui::worker::{Heard, TrainingWorker};

mod charts;
mod keys;
mod view;

use charts::export_text;
pub(in crate::ui) use charts::prediction_view;
use keys::{page_keys, tab_keys};

pub enum Msg {
    /// Something the learner did, or the worker or the clock said.
    Do(Action),
    /// Read a file or a shipped sample (their bytes come back as an action).
    Load(Load),
}

pub struct App {
    /// The page's state (see `ui::state`).
    page: Page,
    /// The training worker (None only if it could not be started; a banner says why).
    worker: Option<TrainingWorker>,
    frame: Option<AnimationFrame>,
    _keys: Option<EventListener>,
    _resize: Option<EventListener>,
    _full_screen_left: Option<EventListener>,
    /// Arrow keys, Home and End move between the tabs (the WAI-ARIA tabs pattern).
    tab_keys: Callback<KeyboardEvent>,
    /// The run bar's buttons, made once so its props compare equal from view to view.
    actions: RunActions,
    /// Where components send actions and loads; made once, for components' props.
    on: Callback<Action>,
    on_load: Callback<Load>,
    /// The tour step last highlighted (a new one is scrolled into sight).
    lit: Option<(crate::train::lessons::Lesson, usize)>,
}

fn now() -> f64 {
    js_sys::Date::now()
}

impl App {
    /// What every chart's key starts with: a new run, language or canvas size (a resize, a
    /// tab shown) draws every chart again.
    fn chart_epoch(&self) -> String {
        format!(
            "{}{}/{}",
            self.page.shown.as_ref().map_or(0, |m| m.id),
            crate::i18n::current().tag(),
            self.page.sizes
        )
    }

    /// Carries out what the reducer asked for.
    fn carry_out(&mut self, ctx: &Context<Self>, effect: Effect) {
        use crate::ui::files::{download_text, download_url};
        let saved = match effect {
            Effect::Send(request) => {
                if let Some(w) = &self.worker {
                    w.send(&request);
                }
                Ok(())
            }
            Effect::SaveLink(link, classroom) => {
                crate::ui::share::save(&link, &classroom);
                Ok(())
            }
            Effect::Theme(theme) => {
                crate::ui::share::apply_theme(theme);
                Ok(())
            }
            Effect::FullScreen(on) => {
                crate::ui::share::full_screen(on);
                Ok(())
            }
            Effect::Remember(what) => {
                crate::ui::share::remember(what);
                Ok(())
            }
            Effect::SaveLang(lang) => {
                crate::ui::share::save_lang(lang);
                Ok(())
            }
            Effect::SaveTour(open) => {
                crate::ui::share::save_tour(open);
                Ok(())
            }
            Effect::SaveFile(what, text) => export_text(what, &text),
            Effect::SaveScript => download_text(
                "reproduce_in_pytorch.py",
                "text/x-python",
                crate::train::export::PYTORCH_SCRIPT,
            ),
            Effect::SaveChart(what) => {
                let (id, name) = if what == Export::LossChart {
                    ("loss-chart", "rnn-lab-loss.png")
                } else {
                    ("prediction-chart", "rnn-lab-prediction.png")
                };
                web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id(id))
                    .and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok())
                    .ok_or_else(|| tr("export.no_chart").to_string())
                    .and_then(|c| c.to_data_url().map_err(|_| tr("export.encode").to_string()))
                    .and_then(|url| download_url(name, &url))
            }
            Effect::Remeasure => {
                crate::ui::canvas::forget_sizes();
                Ok(())
            }
            Effect::NewWorker => {
                self.worker = start_worker(ctx);
                Ok(())
            }
            Effect::FetchWords(lang) => {
                ctx.link().send_future(async move {
                    Msg::Do(Action::Words(lang, crate::ui::files::fetch_words(lang).await))
                });
                Ok(())
            }
        };
        if let Err(e) = saved {
            ctx.link().send_message(Msg::Do(Action::Failed(Text::with(
                "error.download",
                &[("e", &e)],
            ))));
        }
    }

    /// Keeps the animation-frame loop going while the page needs frames.
    fn schedule(&mut self, ctx: &Context<Self>) {
        if self.page.wants_frames() {
            let link = ctx.link().clone();
            self.frame = Some(request_animation_frame(move |_| {
                link.send_message(Msg::Do(Action::Frame))
            }));
        } else {
            self.frame = None;
        }
    }
}

/// A number input's value as a whole number in [lo, hi], or what is wrong with it.
pub(super) fn whole_number(e: &Event, lo: usize, hi: usize) -> Result<usize, Text> {
    let v = e.target_unchecked_into::<HtmlInputElement>().value();
    match v.trim().parse::<usize>() {
        Ok(n) if (lo..=hi).contains(&n) => Ok(n),
        _ => Err(Text::with(
            "invalid.whole",
            &[("v", &v), ("lo", &lo), ("hi", &hi)],
        )),
    }
}

/// A handler that emits on `on` what `f` makes of the event, if anything (None: nothing to
/// do, e.g. a value that does not parse).
pub(super) fn emit_some<E: 'static, M: 'static>(
    on: &Callback<M>,
    f: impl Fn(E) -> Option<M> + 'static,
) -> Callback<E> {
    let on = on.clone();
    Callback::from(move |e: E| {
        if let Some(m) = f(e) {
            on.emit(m);
        }
    })
}

pub(super) fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

/// Starts the training worker; what it says comes back as an action, and so does a worker
/// that cannot be started at all.
fn start_worker(ctx: &Context<App>) -> Option<TrainingWorker> {
    let link = ctx.link().clone();
    let started = TrainingWorker::start(move |heard| {
        link.send_message(Msg::Do(match heard {
            Heard::Reply(reply) => Action::Heard(reply),
            Heard::Died(why) => Action::WorkerDied(why),
            Heard::NotStarted(why) => Action::WorkerNotStarted(why),
        }))
    });
    match started {
        Ok(worker) => Some(worker),
        Err(why) => {
            ctx.link()
                .send_message(Msg::Do(Action::WorkerNotStarted(why)));
            None
        }
    }
}

/// What the page opens on, as `ui::start` read it from the link and the browser's storage
/// (it fetched the words of its language first).
#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub start: crate::ui::state::remember::Start,
    pub lang: crate::i18n::Lang,
}

impl Component for App {
    type Message = Msg;
    type Properties = AppProps;

    fn create(ctx: &Context<Self>) -> Self {
        let start = ctx.props().start.clone();
        let lang = ctx.props().lang;
        crate::ui::share::save_lang(lang);
        let (lesson, settings, notice) = (start.lesson, start.settings, start.notice);
        let classroom = start.classroom;
        let link = ctx.link().clone();
        let resize = web_sys::window().map(|w| {
            EventListener::new(&w, "resize", move |_| {
                link.send_message(Msg::Do(Action::Show(ShowChange::Resized)))
            })
        });
        let run = |c: RunControl| ctx.link().callback(move |_| Msg::Do(Action::Run(c)));
        let (mut page, mut effects) = Page::new(lesson, settings, notice, lang);
        page.tour.open = crate::ui::share::tour_open();
        effects.extend(page.open_classroom(classroom));
        let mut app = App {
            page,
            worker: start_worker(ctx),
            frame: None,
            _keys: page_keys(ctx),
            _resize: resize,
            _full_screen_left: {
                let link = ctx.link().clone();
                crate::ui::share::when_full_screen_left(move || {
                    link.send_message(Msg::Do(Action::Present(false)))
                })
            },
            tab_keys: tab_keys(ctx),
            actions: RunActions {
                play: run(RunControl::TogglePlay),
                step: run(RunControl::Step),
                epoch: run(RunControl::StepEpoch),
                reset: ctx
                    .link()
                    .callback(|_| Msg::Do(Action::Model(ModelChange::Reset))),
            },
            on: ctx.link().callback(Msg::Do),
            on_load: ctx.link().callback(Msg::Load),
            lit: None,
        };
        for effect in effects {
            app.carry_out(ctx, effect);
        }
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Load(load) => {
                ctx.link().send_future(async move {
                    let (name, bytes) = match load {
                        Load::File(file) => (file.name(), crate::ui::files::read_file(file).await),
                        Load::Sample(path) => (
                            path.rsplit('/').next().unwrap_or(path).to_string(),
                            crate::ui::files::fetch_own(path).await,
                        ),
                    };
                    Msg::Do(Action::Data(DataChange::Loaded(
                        name,
                        bytes.map_err(Text::from),
                    )))
                });
                false
            }
            Msg::Do(action) => {
                let (effects, render) = self.page.reduce(action, now());
                for effect in effects {
                    self.carry_out(ctx, effect);
                }
                self.schedule(ctx);
                render
            }
        }
    }

    fn view(&self, _ctx: &Context<Self>) -> Html {
        self.page()
    }

    /// The tour's step is marked on the page (classes on elements other components own);
    /// a new step scrolls its view into sight.
    fn rendered(&mut self, _ctx: &Context<Self>, _first: bool) {
        let step = self.page.tour_step();
        let at = step.map(|_| (self.page.lesson, self.page.tour.step));
        crate::ui::tour::highlight(step, at.is_some() && at != self.lit);
        self.lit = at;
    }
}

/// A cell's name in the page's language (from [`CELLS`]).
pub(super) fn cell_name(kind: CellKind) -> &'static str {
    key_of(&CELLS, &kind).map_or("", tr)
}

/// A normalisation's name in the page's language (from [`SCALINGS`]).
pub(super) fn scaling_name(scaling: Scaling) -> &'static str {
    key_of(&SCALINGS, &scaling).map_or("", tr)
}
