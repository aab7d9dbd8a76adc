//! Compare mode's panel: RNN, LSTM and GRU trained side by side on the same data and seed.

use super::*;

impl App {
    /// The compare panel: the three runs' losses and gradient flow overlaid, their
    /// predictions side by side, and a table of where each stands.
    pub(super) fn compare_view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let Some(runs) = self.shown.as_ref().and_then(|m| m.now.compare.as_ref()) else {
            return html! {
                <div class="compare-bar">
                    <button id="compare" title={tr("compare.tip")} onclick={link.callback(|_| Msg::Compare(true))}>{ tr("compare.start") }</button>
                </div>
            };
        };
        html! {
            <div class="compare" id="compare-panel">
                <div class="compare-bar">
                    <strong>{ tr("compare.heading") }</strong>
                    <button id="compare" onclick={link.callback(|_| Msg::Compare(false))}>{ tr("compare.stop") }</button>
                </div>
                <table class="scores" id="compare-table">
                    <thead><tr>
                        <th>{ tr("model.cell") }</th><th>{ tr("stats.step") }</th><th>{ tr("stats.train_loss") }</th><th>{ tr("stats.val_loss") }</th>
                        <th title={tr("compare.ratio_tip")}>{ tr("compare.ratio") }</th>
                    </tr></thead>
                    <tbody>
                        { for runs.iter().map(|r| {
                            let val = r.validation_loss;
                            let train = r.losses.last().copied();
                            let ratio = r.dh.as_ref().map(|v| {
                                let (first, last) = (v.first().copied().unwrap_or(0.0), v.last().copied().unwrap_or(0.0));
                                if last > 0.0 { first / last } else { f64::NAN }
                            });
                            let f = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.4}"));
                            html! {
                                <tr data-cell={r.cell.name()} data-steps={r.steps.to_string()}
                                    data-val={val.map_or(String::new(), |v| v.to_string())}
                                    data-ratio={ratio.map_or(String::new(), |v| v.to_string())}>
                                    <th scope="row">{ cell_name(r.cell) }</th>
                                    <td>{ r.steps }</td><td>{ f(train) }</td><td>{ f(val) }</td>
                                    <td>{ ratio.map_or("–".to_string(), |v| format!("{v:.1e}")) }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
                <canvas id="compare-loss" width="900" height="220"></canvas>
                <canvas id="compare-flow" width="900" height="250"></canvas>
                <div class="compare-predictions">
                    { for runs.iter().enumerate().map(|(k, _)| html! {
                        <canvas id={format!("compare-pred-{k}")} width="300" height="200"></canvas>
                    }) }
                </div>
            </div>
        }
    }

    /// Draws the compare panel's charts whose data changed.
    pub(super) fn draw_compare(&self) {
        let Some(m) = &self.shown else { return };
        let Some(runs) = m.now.compare.as_ref() else {
            return;
        };
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let canvas = |id: &str| {
            document
                .get_element_by_id(id)
                .and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok())
        };
        let steps: Vec<u64> = runs.iter().map(|r| r.steps).collect();
        let key = format!("{}:{steps:?}", self.chart_epoch());
        if let Some(c) = canvas("compare-loss").filter(|c| stale(c, &key)) {
            let lines: Vec<FlowLine> = runs
                .iter()
                .enumerate()
                .map(|(k, r)| FlowLine {
                    label: cell_name(r.cell).to_string(),
                    norms: &r.losses,
                    dashed: false,
                    colour: COMPARE_COLOURS_FROM + k,
                })
                .collect();
            paint(&c, &key, |root| {
                draw_log_lines(root, &lines, tr("compare.loss_chart"), tr("chart.step"))
            });
        }
        if let Some(c) = canvas("compare-flow").filter(|c| stale(c, &key)) {
            let lines: Vec<FlowLine> = runs
                .iter()
                .enumerate()
                .filter_map(|(k, r)| {
                    let norms = r.dh.as_ref()?;
                    Some(FlowLine {
                        label: format!("‖dL/dh_t‖ {}", cell_name(r.cell)),
                        norms,
                        dashed: false,
                        colour: COMPARE_COLOURS_FROM + k,
                    })
                })
                .collect();
            paint(&c, &key, |root| {
                draw_gradient_flow(root, &lines, tr("compare.flow_chart"))
            });
        }
        // Redrawn when a prediction changed (the sum of its values tells one from another).
        let sums: Vec<f64> = runs
            .iter()
            .map(|r| r.prediction.iter().map(|p| p.1).sum())
            .collect();
        let pkey = format!("{}:{sums:?}", self.chart_epoch());
        for (k, r) in runs.iter().enumerate() {
            let Some(c) = canvas(&format!("compare-pred-{k}")).filter(|c| stale(c, &pkey)) else {
                continue;
            };
            let view = prediction_view(m, &r.prediction, self.x_labels.as_deref());
            paint(&c, &pkey, |root| {
                draw_prediction(root, &view, cell_name(r.cell))
            });
        }
    }
}
