//! Inside the cell: the gate and state heatmaps of the watched part of the latest trace, with
//! the value under the pointer, and what is watched (layer, direction, sample).
//!
//! Components with props: the heatmaps render again when the trace they show changes; the
//! watch controls only when their values do, so a number the learner is typing is never
//! overwritten while the run trains.

use std::cell::RefCell;
use std::rc::Rc;

use plotters::prelude::IntoDrawingArea;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};
use yew::prelude::*;

use super::app::{emit_some, select_value};
use super::chart::{ChartCanvas, Painter};
use super::same;
use super::fields::NumberField;
use super::state::{Action, WatchChange};
use super::step_through::describe;
use crate::charts::{draw_heatmap, heat_rgba, HeatCells, HeatGrid, HeatScale};
use crate::i18n::{tr, trf, Lang, Text};
use crate::nn::CellKind;
use crate::train::host::{heat_decimation, heat_sources, CellView, HeatSource, Watch};
use crate::ui::canvas::Canvas;

#[derive(Properties)]
pub struct HeatmapsProps {
    pub lang: Lang,
    /// What every chart key starts with (the run, the language, the canvas sizes).
    pub epoch: AttrValue,
    pub kind: CellKind,
    /// The run's window (time steps) and hidden units.
    pub window: usize,
    pub hidden: usize,
    /// Share of saturated gate values in the latest trace.
    pub saturation: f64,
    /// The watched part of the latest trace (None before the worker sent one).
    pub cell: Option<Rc<CellView>>,
    /// The run's layers, directions and batch size, for the watch controls.
    pub layers: usize,
    pub dirs: usize,
    pub batch: usize,
    pub on: Callback<Action>,
}

impl PartialEq for HeatmapsProps {
    fn eq(&self, o: &Self) -> bool {
        self.lang == o.lang
            && self.epoch == o.epoch
            && self.kind == o.kind
            && (self.window, self.hidden) == (o.window, o.hidden)
            && self.saturation == o.saturation
            && same(&self.cell, &o.cell)
            && (self.layers, self.dirs, self.batch) == (o.layers, o.dirs, o.batch)
            && self.on == o.on
    }
}

/// Heatmaps of every gate, h_t and c_t over time for the watched layer, direction and sample
/// of the latest batch (see [`Watch`]), from the trace backprop used; the value under the
/// pointer; a click opens that step and unit in the step-through.
#[function_component(Heatmaps)]
pub fn heatmaps(p: &HeatmapsProps) -> Html {
    let hover = use_state(|| None::<HeatHover>);
    // Colours over each function's full range (panels compare), or each panel's own values
    // (small differences show), as CNN Explainer offers.
    let own_range = use_state(|| false);
    // What each heatmap drew, for the pointer readout (written when it is drawn).
    let drawn = use_mut_ref(Vec::<Option<HeatDrawn>>::new);
    let latest = p.cell.as_ref().map(|c| c.step);
    // Drawn from the start, before the first step's trace, so that step changes pixels, not
    // the page's layout.
    let watch = p.cell.as_ref().map_or(Watch::default(), |c| c.watch);
    let batch = p.cell.as_ref().map_or(p.batch, |c| c.batch).max(1);
    let (steps, hidden) = (p.window, p.hidden);
    let (stride, units) = heat_decimation(steps, hidden);
    let decimated = match (stride > 1, units < hidden) {
        (false, false) => String::new(),
        (true, false) => trf(
            "cell.decimated_steps",
            &[("stride", &stride), ("steps", &steps)],
        ),
        (false, true) => trf(
            "cell.decimated_units",
            &[("units", &units), ("hidden", &hidden)],
        ),
        (true, true) => trf(
            "cell.decimated_both",
            &[
                ("stride", &stride),
                ("steps", &steps),
                ("units", &units),
                ("hidden", &hidden),
            ],
        ),
    };
    let key = match &p.cell {
        Some(c) => format!("{}:{}:{:?}:{}", p.epoch, c.step, c.watch, *own_range),
        None => format!("{}:none", p.epoch),
    };
    let panels = heat_panels(p.kind);
    let canvases = panels.into_iter().enumerate().map(|(k, (title, scale))| {
        let at = {
            let drawn = drawn.clone();
            move |e: &MouseEvent| {
                let (x, y) = canvas_pixel(e);
                heat_cell(&drawn.borrow(), k, x, y, latest)
            }
        };
        let on_move = {
            let (hover, at) = (hover.clone(), at.clone());
            Callback::from(move |e: MouseEvent| {
                let h = at(&e);
                if h != *hover {
                    hover.set(h);
                }
            })
        };
        let on_click = emit_some(&p.on, move |e: MouseEvent| {
            at(&e).map(|h| Action::Watch(WatchChange::StepThrough(h.t, h.unit)))
        });
        let on_leave = {
            let hover = hover.clone();
            Callback::from(move |_| hover.set(None))
        };
        let painter = heat_painter(
            key.clone(),
            k,
            title.clone(),
            (scale, *own_range),
            p.cell.clone(),
            drawn.clone(),
        );
        html! {
            <ChartCanvas class="heatmap" id={format!("heat-{k}")} label={title} width={290} height={170}
                painter={painter} onmousemove={on_move} onclick={on_click} onmouseleave={on_leave} />
        }
    });
    let readout = match &*hover {
        Some(h) => html! {
            <p class="flow-readout" id="heat-hover" data-t={h.t.to_string()} data-unit={h.unit.to_string()} data-value={h.value.to_string()}>
                { trf("heat.hover", &[("title", &h.title), ("t", &(h.t + 1)), ("unit", &(h.unit + 1)), ("value", &format!("{:.4}", h.value))]) }
            </p>
        },
        // Always one line, so the page does not shift.
        None => html! { <p class="flow-readout" id="heat-hover">{ tr("heat.hint") }</p> },
    };
    html! {
        <div class="cell-view">
            <p class="flow-readout" id="saturation" data-saturation={p.saturation.to_string()}
                title={tr("cell.saturation_tip")}>
                { trf("cell.saturation", &[("what", &describe(watch)), ("pct", &format!("{:.0}", p.saturation * 100.0))]) }
                { decimated }
            </p>
            <div class="heatmaps" id="heatmaps">{ for canvases }</div>
            <div class="chart-options">
                <label for="heat-range" title={tr("heat.range_tip")}>{ tr("heat.range") }</label>
                <select id="heat-range" onchange={{
                    let own_range = own_range.clone();
                    Callback::from(move |e: Event| own_range.set(select_value(&e) == "own"))
                }}>
                    <option value="full" selected={!*own_range}>{ tr("heat.range_full") }</option>
                    <option value="own" selected={*own_range}>{ tr("heat.range_own") }</option>
                </select>
            </div>
            { readout }
            <WatchControls lang={p.lang} layers={p.layers} dirs={p.dirs} batch={batch} watch={watch} on={p.on.clone()} />
        </div>
    }
}

/// Heatmap `k`'s painter: the latest trace of the watched layer, direction and sample, or an
/// empty frame with a note before the run's first step. What it drew goes to `drawn` for the
/// pointer readout; the canvas says which step's trace it shows (`data-step`, 0: none yet).
fn heat_painter(
    key: String,
    k: usize,
    title: String,
    (scale, own_range): (HeatScale, bool),
    cell: Option<Rc<CellView>>,
    drawn: Rc<RefCell<Vec<Option<HeatDrawn>>>>,
) -> Painter {
    Painter::new(key, move |canvas| {
        let Some(cell) = &cell else { return };
        let heat = &cell.heat;
        let values = heat.panels.get(k).cloned().unwrap_or_default();
        let scale = if own_range {
            scale.stretched(&values)
        } else {
            scale
        };
        let mut drawn = drawn.borrow_mut();
        let len = drawn.len().max(k + 1);
        drawn.resize_with(len, || None);
        drawn[k] = None;
        let Some(backend) = Canvas::new(canvas) else {
            return;
        };
        let Ok(grid) = draw_heatmap(
            &backend.into_drawing_area(),
            &title,
            &values,
            heat.shown.len(),
            heat.units,
            scale,
            heat.stride,
            HeatCells::Image,
        ) else {
            return;
        };
        let step = if values.is_empty() { 0 } else { cell.step };
        let _ = canvas.set_attribute("data-step", &step.to_string());
        if !values.is_empty() {
            put_image(
                canvas,
                &grid,
                &heat_rgba(&values, heat.shown.len(), heat.units, scale),
            );
            drawn[k] = Some(HeatDrawn {
                step: cell.step,
                grid,
                shown: heat.shown.clone(),
                values,
                title: title.clone(),
            });
        }
    })
}

/// The heatmap cell at canvas pixel (`x`, `y`) of heatmap `k`, from what was drawn last, if
/// that is the latest step's trace (the one the step-through shows too).
fn heat_cell(
    drawn: &[Option<HeatDrawn>],
    k: usize,
    x: f64,
    y: f64,
    latest: Option<u64>,
) -> Option<HeatHover> {
    let d = drawn.get(k)?.as_ref().filter(|d| Some(d.step) == latest)?;
    let (col, unit) = d.grid.cell_at(x, y)?;
    Some(HeatHover {
        title: d.title.clone(),
        t: *d.shown.get(col)?,
        unit,
        value: *d.values.get(col * d.grid.units + unit)?,
    })
}

#[derive(Properties, PartialEq)]
pub struct WatchControlsProps {
    pub lang: Lang,
    pub layers: usize,
    pub dirs: usize,
    /// The latest batch's size (samples to pick from).
    pub batch: usize,
    pub watch: Watch,
    pub on: Callback<Action>,
}

/// Which layer, direction and sample of the latest batch the cell views show.
#[function_component(WatchControls)]
pub fn watch_controls(p: &WatchControlsProps) -> Html {
    let (layers, batch, on) = (p.layers, p.batch, p.on.clone());
    let on_layer = on.reform(|typed: Result<usize, Text>| match typed {
        Ok(n) => Action::Watch(WatchChange::Layer(n - 1)),
        Err(m) => Action::Invalid(Text::new("invalid.watch_layer").and("m", m)),
    });
    let on_sample = on.reform(|typed: Result<usize, Text>| match typed {
        Ok(n) => Action::Watch(WatchChange::Sample(n - 1)),
        Err(m) => Action::Invalid(Text::new("invalid.watch_sample").and("m", m)),
    });
    let on_dir = on.reform(|e: Event| {
        Action::Watch(WatchChange::Dir(usize::from(select_value(&e) == "reverse")))
    });
    let w = p.watch;
    html! {
        <div class="chart-options" id="watch" title={tr("watch.tip")}>
            <strong>{ tr("watch.heading") }</strong>
            <label for="watch-layer">{ tr("watch.layer") }</label>
            <NumberField id="watch-layer" min={1} max={layers} value={w.layer + 1} onchange={on_layer} disabled={layers == 1} />
            <label for="watch-dir">{ tr("watch.direction") }</label>
            <select id="watch-dir" onchange={on_dir} disabled={p.dirs == 1}>
                <option value="forward" selected={w.dir == 0}>{ tr("watch.forward") }</option>
                <option value="reverse" selected={w.dir == 1}>{ tr("watch.reverse") }</option>
            </select>
            <label for="watch-sample">{ trf("watch.sample", &[("n", &batch)]) }</label>
            <NumberField id="watch-sample" min={1} max={batch} value={w.sample + 1} onchange={on_sample} />
        </div>
    }
}

/// Puts a heatmap's cells ([`heat_rgba`]) into its grid on `canvas`: one image scaled
/// without smoothing, where rectangles would take a call per cell (7,680 at 120 x 64).
fn put_image(canvas: &HtmlCanvasElement, grid: &HeatGrid, rgba: &[u8]) {
    thread_local! {
        /// The image at its own size, before scaling (reused: one per page).
        static SCRATCH: Option<HtmlCanvasElement> = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.create_element("canvas").ok())
            .and_then(|c| c.dyn_into().ok());
    }
    let context = |c: &HtmlCanvasElement| {
        c.get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    };
    let (w, h) = (grid.steps as u32, grid.units as u32);
    SCRATCH.with(|scratch| {
        let (Some(scratch), Some(target)) = (scratch, context(canvas)) else {
            return;
        };
        scratch.set_width(w);
        scratch.set_height(h);
        let (Some(small), Ok(image)) = (
            context(scratch),
            ImageData::new_with_u8_clamped_array_and_sh(Clamped(rgba), w, h),
        ) else {
            return;
        };
        if small.put_image_data(&image, 0.0, 0.0).is_ok() {
            target.set_image_smoothing_enabled(false);
            let _ = target.draw_image_with_html_canvas_element_and_dw_and_dh(
                scratch,
                f64::from(grid.x.start),
                f64::from(grid.y.start),
                f64::from(grid.x.end - grid.x.start),
                f64::from(grid.y.end - grid.y.start),
            );
        }
    });
}

/// What one heatmap drew: where its cells are, which time steps its columns are, the values
/// (column-major: `col * units + unit`) and its title.
struct HeatDrawn {
    /// The training step whose trace this is.
    step: u64,
    grid: HeatGrid,
    shown: Vec<usize>,
    values: Vec<f64>,
    title: String,
}

/// The heatmap cell under the pointer.
#[derive(Clone, Debug, PartialEq)]
struct HeatHover {
    title: String,
    t: usize,
    unit: usize,
    value: f64,
}

/// The pointer's position in the units a canvas's chart was drawn in (its drawing buffer is
/// scaled by CSS and by the pixel ratio: see `ui::canvas`).
fn canvas_pixel(e: &MouseEvent) -> (f64, f64) {
    let (x, y) = (f64::from(e.offset_x()), f64::from(e.offset_y()));
    let Some(c) = e
        .target()
        .and_then(|t| t.dyn_into::<HtmlCanvasElement>().ok())
    else {
        return (x, y);
    };
    let scale = c
        .get_attribute("data-scale")
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(1.0);
    let sx = f64::from(c.width()) / f64::from(c.client_width().max(1)) / scale;
    let sy = f64::from(c.height()) / f64::from(c.client_height().max(1)) / scale;
    (x * sx, y * sy)
}

/// The heatmaps for a cell kind (in [`heat_sources`]' order), with their titles and colour
/// scales.
fn heat_panels(kind: CellKind) -> Vec<(String, HeatScale)> {
    use crate::nn::gates::Squash;
    heat_sources(kind)
        .into_iter()
        .map(|source| match source {
            HeatSource::Hidden => match kind {
                CellKind::Rnn(activation) => (
                    trf("heat.rnn", &[("f", &activation.symbol())]),
                    HeatScale::Signed,
                ),
                _ => (tr("heat.hidden").to_string(), HeatScale::Signed),
            },
            HeatSource::Cell => (tr("heat.cell").to_string(), HeatScale::Signed),
            HeatSource::Gate(g) => (
                trf(
                    "heat.gate",
                    &[("gate", &tr(g.key())), ("symbol", &g.symbol())],
                ),
                if g.squash() == Squash::Sigmoid {
                    HeatScale::Unit
                } else {
                    HeatScale::Signed
                },
            ),
        })
        .collect()
}
