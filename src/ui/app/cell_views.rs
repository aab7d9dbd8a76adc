//! Inside the cell: the gate and state heatmaps of the watched part of the latest trace
//! (with the value under the pointer), and the step-through (the cell diagram and the
//! equations with the trace's numbers).

use super::*;

impl App {
    /// Heatmaps of every gate, h_t and c_t over time for the watched layer, direction and
    /// sample of the latest batch (see [`Watch`]), from the trace backprop used.
    pub(super) fn cell_view(&self, ctx: &Context<Self>) -> Html {
        let Some(m) = &self.shown else {
            return html! {};
        };
        // Drawn from the start, before the first step's trace, so that step changes pixels,
        // not the page's layout.
        let saturation = m.now.saturation.unwrap_or(0.0);
        let kind = m.info.config.cell;
        let watch = m.cell.as_ref().map_or(Watch::default(), |c| c.watch);
        let layers = m.info.config.layers;
        let dirs = if m.info.config.bidirectional { 2 } else { 1 };
        let batch = m
            .cell
            .as_ref()
            .map_or(m.info.config.batch_size, |c| c.batch)
            .max(1);
        let link = ctx.link();
        let on_layer = link.callback(move |e: Event| match whole_number(&e, 1, layers) {
            Ok(n) => Msg::WatchLayer(n - 1),
            Err(m) => Msg::Invalid(trf("invalid.watch_layer", &[("m", &m)])),
        });
        let on_sample = link.callback(move |e: Event| match whole_number(&e, 1, batch) {
            Ok(n) => Msg::WatchSample(n - 1),
            Err(m) => Msg::Invalid(trf("invalid.watch_sample", &[("m", &m)])),
        });
        let on_dir =
            link.callback(|e: Event| Msg::WatchDir(usize::from(select_value(&e) == "reverse")));
        let watch_row = html! {
            <div class="chart-options" id="watch" title={tr("watch.tip")}>
                <strong>{ tr("watch.heading") }</strong>
                <label for="watch-layer">{ tr("watch.layer") }</label>
                <input id="watch-layer" type="number" min="1" max={layers.to_string()} value={shown("watch-layer", watch.layer + 1)} onchange={on_layer} disabled={layers == 1} />
                <label for="watch-dir">{ tr("watch.direction") }</label>
                <select id="watch-dir" onchange={on_dir} disabled={dirs == 1}>
                    <option value="forward" selected={watch.dir == 0}>{ tr("watch.forward") }</option>
                    <option value="reverse" selected={watch.dir == 1}>{ tr("watch.reverse") }</option>
                </select>
                <label for="watch-sample">{ trf("watch.sample", &[("n", &batch)]) }</label>
                <input id="watch-sample" type="number" min="1" max={batch.to_string()} value={shown("watch-sample", watch.sample + 1)} onchange={on_sample} />
            </div>
        };
        let (steps, hidden) = (m.info.window, m.info.config.hidden_size);
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
        let names: Vec<String> = heat_panels(kind)
            .into_iter()
            .map(|(title, _)| title)
            .collect();
        html! {
            <div class="cell-view">
                <p class="flow-readout" id="saturation" data-saturation={saturation.to_string()}
                    title={tr("cell.saturation_tip")}>
                    { trf("cell.saturation", &[("what", &describe(watch)), ("pct", &format!("{:.0}", saturation * 100.0))]) }
                    { decimated }
                </p>
                <div class="heatmaps">
                    { for names.iter().enumerate().map(|(k, n)| {
                        let link = ctx.link();
                        let hover = link.callback(move |e: MouseEvent| {
                            let (x, y) = canvas_pixel(&e);
                            Msg::HeatHover(Some((k, x, y)))
                        });
                        let click = link.callback(move |e: MouseEvent| {
                            let (x, y) = canvas_pixel(&e);
                            Msg::HeatClick(k, x, y)
                        });
                        html! {
                            <canvas class="heatmap" id={format!("heat-{k}")} aria-label={n.clone()} width="290" height="170"
                                onmousemove={hover} onclick={click} onmouseleave={link.callback(|_| Msg::HeatHover(None))}></canvas>
                        }
                    }) }
                </div>
                { self.heat_readout() }
                { watch_row }
            </div>
        }
    }

    /// One line under the heatmaps: the value under the pointer with its time step and unit
    /// (`data-*` for tests), or how to get it. Always one line, so the page does not shift.
    pub(super) fn heat_readout(&self) -> Html {
        match &self.heat_hover {
            Some(h) => html! {
                <p class="flow-readout" id="heat-hover" data-t={h.t.to_string()} data-unit={h.unit.to_string()} data-value={h.value.to_string()}>
                    { trf("heat.hover", &[("title", &h.title), ("t", &(h.t + 1)), ("unit", &(h.unit + 1)), ("value", &format!("{:.4}", h.value))]) }
                </p>
            },
            None => html! {
                <p class="flow-readout" id="heat-hover">
                    { tr("heat.hint") }
                </p>
            },
        }
    }

    /// The heatmap cell at canvas pixel (`x`, `y`) of heatmap `k`, from what was drawn last.
    pub(super) fn heat_cell(&self, k: usize, x: f64, y: f64) -> Option<HeatHover> {
        let drawn = self.heat_drawn.borrow();
        // Only a heatmap of the latest step's trace, which the step-through shows too.
        let d = drawn
            .get(k)?
            .as_ref()
            .filter(|d| self.shown.as_ref().map(|m| m.now.steps) == Some(d.step))?;
        let (col, unit) = d.grid.cell_at(x, y)?;
        Some(HeatHover {
            title: d.title.clone(),
            t: *d.shown.get(col)?,
            unit,
            value: *d.values.get(col * d.grid.units + unit)?,
        })
    }

    /// One time step of the watched sample's first layer as equations with the trace's
    /// numbers, for a chosen unit; a scrubber over t and buttons to step.
    pub(super) fn step_through(&self, ctx: &Context<Self>) -> (Html, Html) {
        let Some(m) = &self.shown else {
            return (Html::default(), Html::default());
        };
        let placeholder = (
            html! {
                <div class="step-controls">
                    <div class="chart-options"><strong>{ tr("step.title") }</strong><span>{ tr("step.waiting") }</span></div>
                    <div class="cell-diagram-box"></div>
                </div>
            },
            html! {
                <div class="step-through" id="step-through"><p class="explain">{ tr("step.waiting") }</p></div>
            },
        );
        let Some((cell, st)) = m
            .cell
            .as_ref()
            .and_then(|c| Some((c, c.step_through.as_ref()?)))
        else {
            return placeholder;
        };
        let w = cell.watch;
        let kind = m.info.config.cell;
        let hidden = m.info.config.hidden_size;
        let last = cell.steps.saturating_sub(1);
        // The step and unit asked for, as far as the trace shown has them (the worker's
        // answer to a new choice is a frame away).
        let (t, unit) = (st.t, st.unit);
        let x = &st.x;
        let eqs = &st.equations;
        let svg = cell_svg(
            kind,
            &CellValues {
                feature: if unit < x.len() { unit } else { 0 },
                x: x.get(if unit < x.len() { unit } else { 0 })
                    .copied()
                    .unwrap_or(f64::NAN),
                features: x.len(),
                h_prev: st.h_prev,
                c_prev: st.c_prev,
                named: eqs.iter().map(|e| (e.name.clone(), e.value)).collect(),
                reverse: w.dir == 1,
            },
            &trf(
                "diagram.title",
                &[
                    ("cell", &cell_name(kind)),
                    ("t", &(t + 1)),
                    ("unit", &(unit + 1)),
                ],
            ),
        );
        let link = ctx.link();
        let on_t = link.batch_callback(move |e: InputEvent| {
            e.target_unchecked_into::<HtmlInputElement>()
                .value()
                .parse::<usize>()
                .ok()
                .map(|v| Msg::StepThrough(v.saturating_sub(1), unit))
        });
        let on_unit = link.callback(move |e: Event| match whole_number(&e, 1, hidden) {
            Ok(u) => Msg::StepThrough(t, u - 1),
            Err(m) => Msg::Invalid(trf("invalid.unit", &[("m", &m)])),
        });
        let diagram = html! {
            <div class="step-controls">
                <div class="chart-options">
                    <strong>{ tr("step.title") }</strong>
                    <button id="t-prev" title={tr("step.prev")} disabled={t == 0} onclick={link.callback(move |_| Msg::StepThrough(t.saturating_sub(1), unit))}>{ "◀" }</button>
                    <label for="t-scrub" title={trf("step.scrub_tip", &[("what", &describe(w))])}>{ trf("step.t_of", &[("t", &(t + 1)), ("n", &(last + 1))]) }</label>
                    <input id="t-scrub" type="range" min="1" max={(last + 1).to_string()} value={shown("t-scrub", t + 1)} oninput={on_t} />
                    <button id="t-next" title={tr("step.next")} disabled={t == last} onclick={link.callback(move |_| Msg::StepThrough((t + 1).min(last), unit))}>{ "▶" }</button>
                    <button id="t-play" title={tr("step.play_tip")} aria-pressed={self.t_playing.is_some().to_string()} onclick={link.callback(|_| Msg::PlayT)}>
                        { if self.t_playing.is_some() { tr("step.stop") } else { tr("step.play") } }
                    </button>
                    <label for="unit" title={tr("step.unit_tip")}>{ tr("step.unit") }</label>
                    <input id="unit" type="number" min="1" max={hidden.to_string()} value={shown("unit", unit + 1)} onchange={on_unit} />
                </div>
                <div class="cell-diagram-box" id="cell-diagram" data-t={t.to_string()} data-unit={unit.to_string()}>
                    { Html::from_html_unchecked(AttrValue::from(svg)) }
                </div>
            </div>
        };
        let equations = html! {
            <div class="step-through" id="step-through">
                <p class="explain">{ trf("step.equations_of", &[("t", &(t + 1)), ("unit", &(unit + 1)), ("what", &describe(w))]) }</p>
                <ol class="equations">
                    { for eqs.iter().map(|e| html! {
                        <li data-name={e.name.clone()} data-value={e.value.to_string()} data-recomputed={e.recomputed.to_string()}>
                            <code>{ &e.text }</code>
                        </li>
                    }) }
                </ol>
            </div>
        };
        (diagram, equations)
    }

    /// The key of the latest step's trace for the heatmaps (see [`Self::draw`]).
    pub(super) fn heat_key(&self) -> Option<String> {
        let c = self.shown.as_ref()?.cell.as_ref()?;
        Some(format!("{}:{}:{:?}", self.chart_epoch(), c.step, c.watch))
    }

    /// The first heatmap canvas not showing the latest step's trace.
    pub(super) fn stale_heatmap(&self) -> Option<(usize, HtmlCanvasElement, String)> {
        let key = self.heat_key()?;
        let document = web_sys::window()?.document()?;
        let panels = heat_panels(self.shown.as_ref()?.info.config.cell).len();
        // From the one after the heatmap drawn last, round the panels: each has its turn.
        let from = self.heat_next.get() % panels.max(1);
        (from..panels).chain(0..from).find_map(|k| {
            let canvas = document
                .get_element_by_id(&format!("heat-{k}"))?
                .dyn_into::<HtmlCanvasElement>()
                .ok()?;
            stale(&canvas, &key).then(|| (k, canvas, key.clone()))
        })
    }

    /// Whether a heatmap is behind the latest step's trace.
    pub(super) fn heatmaps_due(&self) -> bool {
        self.stale_heatmap().is_some()
    }

    /// Draws the first heatmap behind the latest step's trace (or, before the first step, an
    /// empty one): one per frame, so no frame's task grows long, and all of them a few
    /// frames after each step.
    pub(super) fn draw_next_heatmap(&self) {
        if let Some((k, canvas, key)) = self.stale_heatmap() {
            self.heat_next.set(k + 1);
            self.draw_heatmap_panel(k, &canvas);
            // Marked even if drawing failed, so a failing map is not retried every frame.
            mark_drawn(&canvas, &key);
        }
    }

    /// Draws heatmap `only` of [`Self::cell_view`] on `canvas`: the latest trace of the
    /// watched layer, direction and sample, or an empty frame with a note before the run's
    /// first step.
    pub(super) fn draw_heatmap_panel(&self, only: usize, canvas: &HtmlCanvasElement) {
        let Some(m) = &self.shown else { return };
        let Some(cell) = &m.cell else { return };
        let Some((title, scale)) = heat_panels(m.info.config.cell).into_iter().nth(only) else {
            return;
        };
        let heat = &cell.heat;
        let (stride, units) = (heat.stride, heat.units);
        let shown = heat.shown.clone();
        let values = heat.panels.get(only).cloned().unwrap_or_default();
        let mut drawn = self.heat_drawn.borrow_mut();
        drawn.resize_with(only + 1, || None);
        drawn[only] = None;
        let Some(backend) = Canvas::new(canvas) else {
            return;
        };
        let Ok(grid) = draw_heatmap(
            &backend.into_drawing_area(),
            &title,
            &values,
            shown.len(),
            units,
            scale,
            stride,
            HeatCells::Image,
        ) else {
            return;
        };
        // Which step's trace the map shows (0: none yet), for tests to wait on.
        let step = if values.is_empty() { 0 } else { cell.step };
        let _ = canvas.set_attribute("data-step", &step.to_string());
        if !values.is_empty() {
            put_image(
                canvas,
                &grid,
                &heat_rgba(&values, shown.len(), units, scale),
            );
            drawn[only] = Some(HeatDrawn {
                step: cell.step,
                grid,
                shown,
                values,
                title,
            });
        }
    }
}

/// Puts a heatmap's cells ([`heat_rgba`]) into its grid on `canvas`: one image scaled
/// without smoothing, where rectangles would take a call per cell (7,680 at 120 x 64).
pub(super) fn put_image(canvas: &HtmlCanvasElement, grid: &HeatGrid, rgba: &[u8]) {
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

/// "sample 2 of the latest batch, layer 1 reverse", in the page's language.
pub(super) fn describe(w: Watch) -> String {
    let dir = if w.dir == 1 { tr("flow.reverse") } else { "" };
    trf(
        "watch.describe",
        &[
            ("sample", &(w.sample + 1)),
            ("layer", &(w.layer + 1)),
            ("dir", &dir),
        ],
    )
}

/// What one heatmap drew: where its cells are, which time steps its columns are, the
/// values (column-major: `col * units + unit`) and its title.
pub(super) struct HeatDrawn {
    /// The training step whose trace this is.
    pub(super) step: u64,
    pub(super) grid: HeatGrid,
    pub(super) shown: Vec<usize>,
    pub(super) values: Vec<f64>,
    pub(super) title: String,
}

/// The heatmap cell under the pointer.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct HeatHover {
    pub(super) title: String,
    pub(super) t: usize,
    pub(super) unit: usize,
    pub(super) value: f64,
}

/// The pointer's position in a canvas's own pixels (its drawing buffer may be scaled by CSS).
pub(super) fn canvas_pixel(e: &MouseEvent) -> (f64, f64) {
    let (x, y) = (f64::from(e.offset_x()), f64::from(e.offset_y()));
    let Some(c) = e
        .target()
        .and_then(|t| t.dyn_into::<HtmlCanvasElement>().ok())
    else {
        return (x, y);
    };
    // From CSS pixels to the units the chart was drawn in (backing pixels over the scale
    // the canvas was drawn at: see `ui::canvas`).
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
pub(super) fn heat_panels(kind: CellKind) -> Vec<(String, HeatScale)> {
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
