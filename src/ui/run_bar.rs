//! The run bar: Play/Pause, Step, Epoch, Reset, where the run stands and its scores. A
//! component with props, so it renders again only when what it shows changed (the language
//! is a prop too: a switch re-words it).

use yew::prelude::*;

use crate::i18n::{tr, trf, Lang};
use crate::train::metrics::{Classification, Metrics};

/// Where the run stands, as the run bar shows it (and exposes to tests as `data-*`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunStats {
    /// Which run this is (the page counts the runs built; 0: none yet).
    pub run: u64,
    /// Whether the run has work under way (training, queued steps, a prediction).
    pub busy: bool,
    pub steps: u64,
    pub epoch: u64,
    /// Share of a step that spans frames (None between steps, or for short steps).
    pub progress: Option<f64>,
    pub loss: Option<f64>,
    pub val_loss: Option<f64>,
    pub rate: f64,
    /// What the run trains with: the cell's name, learning rate and batch size.
    pub cell: &'static str,
    pub lr: Option<f64>,
    pub batch: Option<usize>,
    /// The training worker's wasm memory in bytes (for `scripts/soak.mjs`).
    pub memory: u64,
    /// The run holds data back to score on (else no validation loss or scores appear).
    pub held_out: bool,
}

/// The run bar's buttons, made once by the page so the props compare equal between frames.
#[derive(Clone, PartialEq)]
pub struct RunActions {
    pub play: Callback<MouseEvent>,
    pub step: Callback<MouseEvent>,
    pub epoch: Callback<MouseEvent>,
    pub reset: Callback<MouseEvent>,
}

#[derive(Properties, Clone, PartialEq)]
pub struct RunBarProps {
    pub lang: Lang,
    pub playing: bool,
    pub stats: RunStats,
    pub scores: [Option<Metrics>; 2],
    /// The run classifies: its scores are accuracies.
    pub classify: bool,
    pub actions: RunActions,
}

#[function_component(RunBar)]
pub fn run_bar(p: &RunBarProps) -> Html {
    let s = &p.stats;
    let text = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
    let fmt = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.5}"));
    let rate = s.rate;
    html! {
        <div class="runbar">
            <div class="buttons">
                <button id="play" class="primary" title={tr("run.play_tip")} onclick={p.actions.play.clone()}>
                    { if p.playing { tr("pause") } else { tr("play") } }
                </button>
                <button id="step" title={tr("run.step_tip")} onclick={p.actions.step.clone()}>{ tr("run.step") }</button>
                <button id="step-epoch" title={tr("run.epoch_tip")} onclick={p.actions.epoch.clone()}>{ tr("run.epoch") }</button>
                <button id="reset" title={tr("run.reset_tip")} onclick={p.actions.reset.clone()}>{ tr("run.reset") }</button>
            </div>
            <dl class="stats" id="stats" data-run={s.run.to_string()} data-busy={s.busy.to_string()} data-steps={s.steps.to_string()} data-epoch={s.epoch.to_string()}
                data-cell={s.cell} data-lr={text(s.lr)} data-batch={s.batch.map_or(String::new(), |b| b.to_string())}
                data-loss={text(s.loss)} data-val-loss={text(s.val_loss)} data-worker-memory={s.memory.to_string()}>
                <dt>{ tr("stats.step") }</dt><dd>{ s.steps }<span class="step-progress" id="step-progress" data-progress={text(s.progress)}
                    title={tr("stats.progress_tip")}>{ s.progress.map_or(String::new(), |p| format!(" +{:.0}%", p * 100.0)) }</span></dd>
                <dt>{ tr("stats.epoch") }</dt><dd>{ s.epoch }</dd>
                <dt>{ tr("stats.train_loss") }</dt><dd>{ fmt(s.loss) }</dd>
                if s.held_out {
                    <dt>{ tr("stats.val_loss") }</dt><dd>{ fmt(s.val_loss) }</dd>
                }
                <dt>{ tr("stats.rate") }</dt><dd id="rate" data-rate={rate.to_string()}>{ if rate < 10.0 { format!("{rate:.2}") } else { format!("{rate:.0}") } }</dd>
            </dl>
            if s.held_out {
                <Scores lang={p.lang} scores={p.scores.clone()} classify={p.classify} />
            } else {
                <p class="explain" id="no-held-out">{ tr("scores.no_held_out") }</p>
            }
        </div>
    }
}

#[derive(Properties, Clone, PartialEq)]
pub struct ScoresProps {
    pub lang: Lang,
    pub scores: [Option<Metrics>; 2],
    pub classify: bool,
}

/// The validation and test scores of the latest prediction in the target's original units,
/// headed with the measures of the run's task (accuracy, or RMSE, MAE and R²), and for a
/// classifier the validation confusion matrix.
#[function_component(Scores)]
pub fn scores(p: &ScoresProps) -> Html {
    let cell = |v: f64, digits: usize| {
        if v.is_finite() {
            format!("{v:.digits$}")
        } else {
            "–".to_string()
        }
    };
    let split = |name: &str| match name {
        "validation" => tr("split.validation"),
        _ => tr("split.test"),
    };
    let row = |name: &str, m: &Option<Metrics>| match m {
        Some(Metrics::Regression(r)) => html! {
            <tr data-split={name.to_string()} data-rmse={r.rmse.to_string()}
                data-mae={r.mae.to_string()} data-r2={r.r2.to_string()}>
                <th scope="row">{ split(name) }</th>
                <td>{ cell(r.rmse, 4) }</td><td>{ cell(r.mae, 4) }</td><td>{ cell(r.r2, 3) }</td>
            </tr>
        },
        Some(Metrics::Classification(c)) => html! {
            <tr data-split={name.to_string()} data-accuracy={c.accuracy.to_string()}>
                <th scope="row">{ split(name) }</th>
                <td colspan="3">{ trf("scores.accuracy", &[("pct", &format!("{:.1}", c.accuracy * 100.0)), ("n", &c.n)]) }</td>
            </tr>
        },
        None => html! {
            <tr data-split={name.to_string()}><th scope="row">{ split(name) }</th><td colspan="3">{ "–" }</td></tr>
        },
    };
    html! {
        <>
        <table class="scores" id="scores">
            <thead><tr>
                <th><span class="sr-only">{ tr("scores.split_heading") }</span></th>
                if p.classify {
                    <th colspan="3">{ tr("scores.accuracy_heading") }</th>
                } else {
                    <th title={tr("scores.rmse_tip")}>{ "RMSE" }</th>
                    <th title={tr("scores.mae_tip")}>{ "MAE" }</th>
                    <th title={tr("scores.r2_tip")}>{ "R²" }</th>
                }
            </tr></thead>
            <tbody>{ row("validation", &p.scores[0]) }{ row("test", &p.scores[1]) }</tbody>
        </table>
        if let Some(Metrics::Classification(c)) = &p.scores[0] {
            { confusion_table(c) }
        }
        </>
    }
}

/// The validation confusion matrix: rows are the true classes, columns the predicted ones.
fn confusion_table(c: &Classification) -> Html {
    let classes = c.confusion.len();
    html! {
        <table class="scores confusion" id="confusion"
            title={tr("scores.confusion_tip")}>
            <thead><tr>
                <th>{ tr("scores.confusion_corner") }</th>
                { for (0..classes).map(|k| html! { <th>{ k }</th> }) }
            </tr></thead>
            <tbody>
                { for c.confusion.iter().enumerate().map(|(t, row)| html! {
                    <tr>
                        <th scope="row">{ t }</th>
                        { for row.iter().enumerate().map(|(p, n)| html! {
                            <td class={if p == t { "right" } else { "wrong" }} data-count={n.to_string()}>{ n }</td>
                        }) }
                    </tr>
                }) }
            </tbody>
        </table>
    }
}
