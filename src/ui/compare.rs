//! Compare mode's panel: RNN, LSTM and GRU trained side by side on the same data and seed
//! (for a run that carries state between windows: its cell without and with carried state).
//! A component with props: it renders again when the compared runs change.

use std::rc::Rc;

use yew::prelude::*;

use super::app::{cell_name, prediction_view};
use super::chart::{ChartCanvas, Painter};
use super::same;
use super::state::tour::number;
use super::state::Action;
use crate::charts::{
    draw_gradient_flow, draw_log_lines, draw_prediction, FlowLine, COMPARE_COLOURS_FROM,
};
use crate::i18n::{tr, trf, Lang};
use crate::nn::network::reach;
use crate::train::host::{CompareView, RunInfo};

/// Training losses averaged for a compared run's overfitting check (the latest ones).
const RECENT_LOSSES: usize = 50;

#[derive(Properties)]
pub struct CompareProps {
    pub lang: Lang,
    /// What every chart key starts with (the run, the language, the canvas sizes).
    pub epoch: AttrValue,
    /// The compared runs (None: compare mode is off).
    pub runs: Option<Rc<Vec<CompareView>>>,
    /// The main run's series, which the compared runs share, and its config (a stateful
    /// run is compared with and without carried state).
    pub info: Rc<RunInfo>,
    pub x_labels: Option<Rc<[String]>>,
    pub on: Callback<Action>,
}

impl PartialEq for CompareProps {
    fn eq(&self, o: &Self) -> bool {
        self.lang == o.lang
            && self.epoch == o.epoch
            && same(&self.runs, &o.runs)
            && Rc::ptr_eq(&self.info, &o.info)
            && same(&self.x_labels, &o.x_labels)
            && self.on == o.on
    }
}

/// Where a compared run stands: its latest training loss, validation loss, and the share of
/// the last step's gradient that reaches the first.
#[derive(Clone, Copy)]
struct Stands {
    train: Option<f64>,
    val: Option<f64>,
    ratio: Option<f64>,
    /// How much more its prediction leans on the first step's input than on the last's.
    looks: Option<f64>,
}

/// The compare panel: the three runs' losses and gradient flow overlaid, their predictions
/// side by side, and a table of where each stands.
#[function_component(ComparePanel)]
pub fn compare_panel(p: &CompareProps) -> Html {
    let Some(runs) = p.runs.clone() else {
        let (start, tip) = if p.info.config.stateful {
            (tr("compare.start_state"), tr("compare.tip_state"))
        } else {
            (tr("compare.start"), tr("compare.tip"))
        };
        return html! {
            <div class="compare-bar">
                <button id="compare" title={tip} onclick={p.on.reform(|_| Action::Compare(true))}>{ start }</button>
            </div>
        };
    };
    // Runs told apart by their cell, or by carrying state or not.
    let by_state = runs.iter().any(|r| r.stateful);
    let name = move |r: &CompareView| -> String {
        match (by_state, r.stateful) {
            (false, _) => cell_name(r.cell).to_string(),
            (true, true) => trf("compare.carried", &[("cell", &cell_name(r.cell))]),
            (true, false) => trf("compare.from_zero", &[("cell", &cell_name(r.cell))]),
        }
    };
    let steps: Vec<u64> = runs.iter().map(|r| r.steps).collect();
    let key = format!("{}:{steps:?}", p.epoch);
    let loss = {
        let runs = runs.clone();
        Painter::plot(key.clone(), move |root| {
            let lines: Vec<FlowLine> = runs
                .iter()
                .enumerate()
                .map(|(k, r)| FlowLine {
                    at: Some(&r.loss_steps),
                    label: name(r),
                    norms: &r.losses,
                    dashed: false,
                    colour: COMPARE_COLOURS_FROM + k,
                })
                .collect();
            draw_log_lines(root, &lines, tr("compare.loss_chart"), tr("chart.step"))
        })
    };
    // A log-scale line per compared run of one of its series against t.
    let per_cell = |key: String, label: &'static str, title: &'static str, series: fn(&CompareView) -> Option<&Vec<f64>>| {
        let runs = runs.clone();
        Painter::plot(key, move |root| {
            let lines: Vec<FlowLine> = runs
                .iter()
                .enumerate()
                .filter_map(|(k, r)| {
                    Some(FlowLine {
                        at: None,
                        label: format!("{label} {}", name(r)),
                        norms: series(r)?,
                        dashed: false,
                        colour: COMPARE_COLOURS_FROM + k,
                    })
                })
                .collect();
            draw_gradient_flow(root, &lines, tr(title))
        })
    };
    let flow = per_cell(key.clone(), "‖dL/dh_t‖", "compare.flow_chart", |r| r.dh.as_ref());
    // What each prediction looks at: |dŷ/dx_t| for sample 1 of each run's latest batch.
    let looks = per_cell(key, "|dŷ/dx_t|", "compare.sensitivity_chart", |r| r.sensitivity.as_ref());
    let stands: Vec<Stands> = runs
        .iter()
        .map(|r| {
            // Shown as NaN when the last step's gradient is zero.
            let ratio = r.dh.as_deref().map(|v| reach(v).unwrap_or(f64::NAN));
            Stands {
                train: r.losses.last().copied(),
                val: r.validation_loss,
                ratio,
                looks: r.sensitivity.as_deref().and_then(reach),
            }
        })
        .collect();
    // The charts' text alternatives quote the same numbers, one cell after another.
    let each = |pick: fn(&Stands) -> Option<f64>| {
        runs.iter()
            .zip(&stands)
            .map(|(r, s)| format!("{} {}", name(r), pick(s).map_or("–".to_string(), number)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let loss_alt = trf("compare.alt_loss", &[("losses", &each(|s| s.train))]);
    let flow_alt = trf("compare.alt_flow", &[("reach", &each(|s| s.ratio))]);
    let looks_alt = trf("compare.alt_sensitivity", &[("ratios", &each(|s| s.looks))]);
    let rows = runs.iter().zip(&stands).map(|(r, &Stands { train, val, ratio, .. })| {
        let f = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.4}"));
        html! {
            <tr data-cell={r.cell.name()} data-stateful={r.stateful.to_string()} data-steps={r.steps.to_string()}
                data-val={val.map_or(String::new(), |v| v.to_string())}
                data-ratio={ratio.map_or(String::new(), |v| v.to_string())}>
                <th scope="row">{ name(r) }</th>
                <td>{ r.steps }</td><td>{ f(train) }</td><td>{ f(val) }</td>
                <td>{ ratio.map_or("–".to_string(), |v| format!("{v:.1e}")) }</td>
            </tr>
        }
    });
    // A compared run that overfits: its validation loss far above its recent training loss.
    let overfit = runs.iter().filter_map(|r| {
        let recent = &r.losses[r.losses.len().saturating_sub(RECENT_LOSSES)..];
        let train = recent.iter().sum::<f64>() / recent.len().max(1) as f64;
        let val = r.validation_loss?;
        (!recent.is_empty() && crate::train::history::far_above(val, train)).then(|| {
            html! {
                <p class="warn compare-overfit" data-cell={r.cell.name()} role="status">
                    { trf("compare.overfits", &[("cell", &name(r)), ("val", &number(val)), ("train", &number(train))]) }
                </p>
            }
        })
    });
    // A prediction is drawn again when it changed (the sum of its values tells one from
    // another).
    let predictions = runs.iter().enumerate().map(|(k, r)| {
        let sum: f64 = r.prediction.iter().map(|p| p.1).sum();
        let (info, labels, runs) = (p.info.clone(), p.x_labels.clone(), runs.clone());
        let painter = Painter::plot(format!("{}:{sum:?}", p.epoch), move |root| {
            let r = &runs[k];
            let view = prediction_view(&info, &r.prediction, labels.as_deref());
            draw_prediction(root, &view, &name(r))
        });
        let alt = trf("compare.alt_prediction", &[
            ("cell", &name(r)), ("steps", &r.steps),
            ("val_loss", &r.validation_loss.map_or("–".to_string(), number)),
        ]);
        html! { <ChartCanvas id={format!("compare-pred-{k}")} width={300} height={200} painter={painter} label={AttrValue::from(alt)} /> }
    });
    html! {
        <div class="compare" id="compare-panel">
            <div class="compare-bar">
                <strong>{ tr(if by_state { "compare.heading_state" } else { "compare.heading" }) }</strong>
                <button id="compare" onclick={p.on.reform(|_| Action::Compare(false))}>{ tr("compare.stop") }</button>
            </div>
            <table class="scores" id="compare-table">
                <thead><tr>
                    <th>{ tr("model.cell") }</th><th>{ tr("stats.step") }</th><th>{ tr("stats.train_loss") }</th><th>{ tr("stats.val_loss") }</th>
                    <th title={tr("compare.ratio_tip")}>{ tr("compare.ratio") }</th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            { for overfit }
            <ChartCanvas id="compare-loss" width={900} height={220} painter={loss} label={AttrValue::from(loss_alt)} />
            <ChartCanvas id="compare-flow" width={900} height={250} painter={flow} label={AttrValue::from(flow_alt)} />
            <ChartCanvas id="compare-sensitivity" width={900} height={250} painter={looks} label={AttrValue::from(looks_alt)} />
            <div class="compare-predictions">{ for predictions }</div>
        </div>
    }
}
