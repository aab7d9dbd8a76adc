//! The story's charts (prediction, loss, gradient flow), drawn when what they show changed,
//! and the downloads.

use super::*;

impl App {
    /// The gradient-flow chart and its clipping readout.
    pub(super) fn flow_view(&self, epoch: &str) -> Html {
        let Some(m) = &self.page.shown else {
            return Html::default();
        };
        let (clipped, of) = (m.now.clipped, m.now.clip_of);
        html! {
            <div class="flow">
                <p class="flow-readout" id="clip-readout" data-clipped={clipped.to_string()} data-of={of.to_string()}
                    title={tr("flow.clip_tip")}>
                    { trf("flow.clipped", &[("clipped", &clipped), ("n", &of)]) }
                </p>
                <ChartCanvas id="flow-chart" width={900} height={290} painter={self.flow_painter(m, epoch)}
                    label={super::view::chart_alt("chart.alt_flow", m)} />
                { self.sensitivity_view(m, epoch) }
            </div>
        }
    }

    /// What the watched sample's prediction looks at: |dŷ/dx_t| against t, log scale; or why
    /// it is not drawn (before the first step, or a window too long to afford).
    fn sensitivity_view(&self, m: &Mirror, epoch: &str) -> Html {
        let cell = m.cell.clone();
        let Some(values) = cell.as_ref().and_then(|c| c.sensitivity.clone()) else {
            let trained = cell.as_ref().is_some_and(|c| c.steps > 0);
            return html! {
                <p class="flow-readout" id="sensitivity-missing">
                    { tr(if trained { "sensitivity.too_long" } else { "sensitivity.before" }) }
                </p>
            };
        };
        let sample = cell.as_ref().map_or(0, |c| c.watch.sample) + 1;
        let title = trf("chart.sensitivity", &[("sample", &sample)]);
        let first_to_last = crate::nn::network::reach(&values)
            .map_or("–".to_string(), crate::ui::state::tour::number);
        let alt = trf("chart.alt_sensitivity", &[
            ("sample", &sample), ("window", &values.len()), ("ratio", &first_to_last),
        ]);
        let key = format!("{epoch}:{}:{sample}:{}", m.now.steps, values.iter().sum::<f64>());
        let data = serde_json::to_string(&values).unwrap_or_default();
        let painter = Painter::new(key, move |canvas| {
            let lines = [FlowLine {
                at: None,
                label: "|dŷ/dx_t|".to_string(),
                norms: &values,
                dashed: false,
                colour: 0,
            }];
            if let Some(backend) = Canvas::new(canvas) {
                let _ = draw_gradient_flow(&backend.into_drawing_area(), &lines, &title);
            }
            let _ = canvas.set_attribute("data-sensitivity", &data);
        });
        html! {
            <div class="sensitivity">
                <crate::ui::help::Help lang={crate::i18n::current()} topic="sensitivity" />
                <ChartCanvas id="sensitivity-chart" width={900} height={250} painter={painter} label={AttrValue::from(alt)} />
            </div>
        }
    }

    /// The prediction chart's painter: the series, its split and the latest prediction.
    pub(super) fn prediction_painter(&self, m: &Mirror, epoch: &str) -> Painter {
        let key = format!("{epoch}:{}", m.predicted_at);
        let title = trf("chart.prediction", &[("target", &crate::i18n::series_name(&m.info.target_name))]);
        let (info, prediction) = (m.info.clone(), m.prediction.clone());
        let x_labels = self.page.x_labels.clone();
        Painter::plot(key, move |root| {
            let view = prediction_view(&info, &prediction, x_labels.as_deref());
            draw_prediction(root, &view, &title)
        })
    }

    /// The loss chart's painter: training loss (at most 2,000 points) and validation loss.
    pub(super) fn loss_painter(&self, m: &Mirror, epoch: &str) -> Painter {
        let scale = self.page.loss_scale;
        // The history's version too: thinned, it may come back at a length seen before.
        let key = format!(
            "{epoch}:{}:{}:{scale:?}",
            m.history_version,
            m.history.len()
        );
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
        Painter::plot(key, move |root| draw_losses(root, &train, &val, scale))
    }

    /// The gradient-flow chart's painter: ||dL/dh_t|| (and ||dL/dc_t||) of every layer and
    /// direction of the latest step; before the run's first step an empty chart that says
    /// so. The canvas says which step it shows (`data-step`) and the first layer's forward
    /// norms it plots (`data-dh`, `data-dc`, t = 1 first) for tests.
    pub(super) fn flow_painter(&self, m: &Mirror, epoch: &str) -> Painter {
        let key = format!("{epoch}:{}:{}", m.now.steps, m.flow.is_some());
        let config = m.info.config;
        let flow = m.flow.clone().unwrap_or_default();
        let step = if m.flow.is_some() { m.now.steps } else { 0 };
        Painter::new(key, move |canvas| {
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
            for l in 0..flow.dh_norm.len() {
                for d in 0..dirs.min(flow.dh_norm[l].len()) {
                    lines.push(FlowLine {
                        at: None,
                        label: format!("‖dL/dh_t‖{}", name(l, d)),
                        norms: &flow.dh_norm[l][d],
                        dashed: false,
                        colour: l * dirs + d,
                    });
                    if let Some(dc) = flow.dc_norm.get(l).and_then(|v| v.get(d)) {
                        lines.push(FlowLine {
                            at: None,
                            label: format!("‖dL/dc_t‖{}", name(l, d)),
                            norms: dc,
                            dashed: true,
                            colour: l * dirs + d,
                        });
                    }
                }
            }
            if let Some(backend) = Canvas::new(canvas) {
                let _ = draw_gradient_flow(&backend.into_drawing_area(), &lines, tr("chart.flow"));
            }
            let first = |v: &Vec<Vec<Vec<f64>>>| {
                v.first()
                    .and_then(|l| l.first())
                    .map_or_else(String::new, |n| {
                        serde_json::to_string(n).unwrap_or_default()
                    })
            };
            let _ = canvas.set_attribute("data-dh", &first(&flow.dh_norm));
            let _ = canvas.set_attribute("data-dc", &first(&flow.dc_norm));
            let _ = canvas.set_attribute("data-step", &step.to_string());
        })
    }
}

/// The series of run `m` with `prediction` over it, for the prediction charts.
pub(in crate::ui) fn prediction_view<'a>(
    info: &'a RunInfo,
    prediction: &'a [(f64, f64)],
    x_labels: Option<&'a [String]>,
) -> PredictionView<'a> {
    PredictionView {
        x: &info.x,
        y: &info.y,
        train_end: info.train_end,
        validation_end: info.validation_end,
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
