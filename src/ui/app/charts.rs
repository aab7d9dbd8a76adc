//! The story's charts (prediction, loss, gradient flow), drawn when what they show changed,
//! and the downloads.

use super::*;

impl App {
    /// The gradient-flow chart, its clipping readout, and the plotted data for tests
    /// (`data-dh`, `data-dc`: the first layer's forward direction, t = 1 first).
    pub(super) fn flow_view(&self) -> Html {
        let first = |v: &Vec<Vec<Vec<f64>>>| {
            v.first()
                .and_then(|l| l.first())
                .map_or_else(String::new, |n| {
                    serde_json::to_string(n).unwrap_or_default()
                })
        };
        let Some(m) = &self.shown else {
            return Html::default();
        };
        let (dh, dc) = m.flow.as_ref().map_or((String::new(), String::new()), |f| {
            (first(&f.dh_norm), first(&f.dc_norm))
        });
        let (clipped, of) = (m.now.clipped, m.now.clip_of);
        html! {
            <div class="flow">
                <p class="flow-readout" id="clip-readout" data-clipped={clipped.to_string()} data-of={of.to_string()}
                    title={tr("flow.clip_tip")}>
                    { trf("flow.clipped", &[("clipped", &clipped), ("n", &of)]) }
                </p>
                <canvas id="flow-chart" ref={self.flow_ref.clone()} width="900" height="290" data-dh={dh} data-dc={dc}></canvas>
            </div>
        }
    }

    /// Hands one export to the browser as a download (the run's files are worded by the
    /// worker: the download follows its reply).
    pub(super) fn export(&mut self, what: Export) -> Result<(), String> {
        use crate::ui::files::{download_text, download_url};
        let kind = match what {
            Export::Weights => ExportKind::Weights,
            Export::PyTorchBundle => ExportKind::PyTorchBundle,
            Export::Predictions => ExportKind::Predictions,
            Export::History => ExportKind::History,
            Export::PyTorchScript => {
                return download_text(
                    "reproduce_in_pytorch.py",
                    "text/x-python",
                    crate::train::export::PYTORCH_SCRIPT,
                )
            }
            Export::PredictionChart | Export::LossChart => {
                let canvas = if what == Export::LossChart {
                    &self.loss_ref
                } else {
                    &self.prediction_ref
                };
                let url = canvas
                    .cast::<HtmlCanvasElement>()
                    .ok_or_else(|| tr("export.no_chart").to_string())?
                    .to_data_url()
                    .map_err(|_| tr("export.encode").to_string())?;
                let name = if what == Export::LossChart {
                    "rnn-lab-loss.png"
                } else {
                    "rnn-lab-prediction.png"
                };
                return download_url(name, &url);
            }
        };
        if self.shown.is_none() {
            return Err(tr("export.no_run").to_string());
        }
        self.send(&Request::Export(kind));
        Ok(())
    }

    /// Redraws the charts whose data changed since they were drawn (each canvas carries the
    /// key of what it shows in `data-drawn`, so a canvas the view re-created is drawn again),
    /// then, if this frame has time left, the next heatmap behind the latest trace.
    pub(super) fn draw(&self) {
        let Some(m) = &self.shown else { return };
        let config = &m.info.config;
        let start = now();
        // A new run or a new language: every chart is redrawn.
        let run = self.chart_epoch();
        // Charts in turn while the frame's drawing budget lasts (the first always): when several
        // heavy ones changed at once (the end of a long step), the others wait a frame or two,
        // so no frame's task grows long.
        // The heatmaps and the charts take turns at going first, so while the trace changes
        // with every view neither starves the other.
        let heat_first = self.heat_turn.get() && self.heatmaps_due();
        if heat_first {
            self.draw_next_heatmap();
        }
        self.heat_turn.set(!heat_first);
        let drew = std::cell::Cell::new(heat_first);
        let turn = |stale: bool| {
            let go = stale && (!drew.get() || now() - start < HEATMAP_AFTER_MS);
            if stale && !go {
                self.charts_due.set(true);
            }
            drew.set(drew.get() || go);
            go
        };
        self.charts_due.set(false);
        if let Some(canvas) = self.prediction_ref.cast::<HtmlCanvasElement>() {
            let key = format!("{run}:{}", m.predicted_at);
            if turn(stale(&canvas, &key)) {
                let title = trf("chart.prediction", &[("target", &m.info.target_name)]);
                let view = prediction_view(m, &m.prediction, self.x_labels.as_deref());
                paint(&canvas, &key, |root| draw_prediction(root, &view, &title));
            }
        }
        if let Some(canvas) = self.flow_ref.cast::<HtmlCanvasElement>() {
            // Before the run's first step: an empty chart that says so.
            let key = format!("{run}:{}:{}", m.now.steps, m.flow.is_some());
            if turn(stale(&canvas, &key)) {
                let dirs = if config.bidirectional { 2 } else { 1 };
                let name = |l: usize, d: usize| {
                    let layer = if config.layers > 1 {
                        trf("flow.layer", &[("n", &(l + 1))])
                    } else {
                        String::new()
                    };
                    let rev = if d == 1 { tr("flow.reverse") } else { "" };
                    format!("{layer}{rev}")
                };
                let mut lines = Vec::new();
                let empty = GradientFlow::default();
                let flow = m.flow.as_ref().unwrap_or(&empty);
                for l in 0..flow.dh_norm.len() {
                    for d in 0..dirs.min(flow.dh_norm[l].len()) {
                        lines.push(FlowLine {
                            label: format!("‖dL/dh_t‖{}", name(l, d)),
                            norms: &flow.dh_norm[l][d],
                            dashed: false,
                            colour: l * dirs + d,
                        });
                        if let Some(dc) = flow.dc_norm.get(l).and_then(|v| v.get(d)) {
                            lines.push(FlowLine {
                                label: format!("‖dL/dc_t‖{}", name(l, d)),
                                norms: dc,
                                dashed: true,
                                colour: l * dirs + d,
                            });
                        }
                    }
                }
                paint(&canvas, &key, |root| {
                    draw_gradient_flow(root, &lines, tr("chart.flow"))
                });
                let step = if m.flow.is_some() { m.now.steps } else { 0 };
                let _ = canvas.set_attribute("data-step", &step.to_string());
            }
        }
        if let Some(canvas) = self.loss_ref.cast::<HtmlCanvasElement>() {
            let key = format!("{run}:{}:{:?}", m.history.len(), self.loss_scale);
            if turn(stale(&canvas, &key)) {
                let step = (m.history.len() / 2000).max(1);
                let train: Vec<(f64, f64)> = m
                    .history
                    .iter()
                    .step_by(step)
                    .map(|h| (h.step as f64, h.train_loss))
                    .collect();
                let val: Vec<(f64, f64)> = m
                    .history
                    .iter()
                    .filter_map(|h| h.validation_loss.map(|v| (h.step as f64, v)))
                    .collect();
                paint(&canvas, &key, |root| {
                    draw_losses(root, &train, &val, self.loss_scale)
                });
            }
        }
        self.draw_compare();
        if !heat_first && now() - start < HEATMAP_AFTER_MS {
            self.draw_next_heatmap();
        }
    }
}

/// A frame's drawing budget: after the first chart, further charts and the next heatmap are
/// drawn in a frame only while drawing has taken less than this.
pub(super) const HEATMAP_AFTER_MS: f64 = 6.0;

/// The series of run `m` with `prediction` over it, for the prediction charts.
pub(super) fn prediction_view<'a>(
    m: &'a Mirror,
    prediction: &'a [(f64, f64)],
    x_labels: Option<&'a [String]>,
) -> PredictionView<'a> {
    PredictionView {
        x: &m.info.x,
        y: &m.info.y,
        train_end: m.info.train_end,
        validation_end: m.info.validation_end,
        prediction,
        x_labels,
    }
}

/// Saves a file the worker worded.
pub(super) fn export_text(what: ExportKind, text: &str) -> Result<(), String> {
    let (name, mime) = match what {
        ExportKind::Weights => ("rnn-lab-weights.json", "application/json"),
        ExportKind::PyTorchBundle => ("rnn-lab-run.json", "application/json"),
        ExportKind::Predictions => ("rnn-lab-predictions.csv", "text/csv"),
        ExportKind::History => ("rnn-lab-loss-history.csv", "text/csv"),
    };
    crate::ui::files::download_text(name, mime, text)
}

/// Whether `canvas` shows something other than `key` (see [`App::draw`]).
pub(super) fn stale(canvas: &HtmlCanvasElement, key: &str) -> bool {
    canvas.get_attribute("data-drawn").as_deref() != Some(key)
}

pub(super) fn mark_drawn(canvas: &HtmlCanvasElement, key: &str) {
    let _ = canvas.set_attribute("data-drawn", key);
}

/// Draws on `canvas` with `draw`, and marks it as showing `key` when that succeeded.
pub(super) fn paint(
    canvas: &HtmlCanvasElement,
    key: &str,
    draw: impl FnOnce(&DrawingArea<Canvas, plotters::coord::Shift>) -> Result<(), String>,
) {
    if let Some(backend) = Canvas::new(canvas) {
        if draw(&backend.into_drawing_area()).is_ok() {
            mark_drawn(canvas, key);
        }
    }
}
