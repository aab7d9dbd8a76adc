//! The data section: a CSV dropped, picked or loaded from the samples, or a generated signal;
//! the learner's choice of series, target, features, window and task; a preview of the file
//! and of the first window as the network receives it.
//!
//! A component with props: it renders again when the file, the choices, the signal's
//! settings or the run's window preview change, not while the run trains, so a number the
//! learner is typing stays.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::data::change::Change;

use super::app::{emit_some, scaling_name, select_value, whole_number};
use super::same;
use super::state::{Action, CsvState, DataChange, ModelChange};
use crate::data::signals::{SignalKind, SignalParams};
use crate::data::table::MissingPolicy;
use crate::i18n::{quoted, tr, trf, Lang, Text};
use crate::train::host::RunInfo;
use crate::train::lessons::CsvTask;

#[derive(Properties)]
pub struct DataPanelProps {
    pub lang: Lang,
    /// The file loaded last and what the learner picked from it.
    pub csv: Option<Rc<CsvState>>,
    /// What went wrong with the last file or choice.
    pub error: Option<Text>,
    /// A file being read: its name and how far it is, in percent.
    pub loading: Option<(String, u32)>,
    pub signal: SignalParams,
    /// The run that trains, when it was built from the file shown (for its window preview).
    pub run: Option<Rc<RunInfo>>,
    pub on: Callback<Action>,
    /// Where a file picked or dropped, or a sample, goes to be read.
    pub on_load: Callback<Load>,
}

/// Bytes to read: a file the learner picked or dropped, or a sample shipped in www/.
pub enum Load {
    File(web_sys::File),
    Sample(&'static str),
}

impl PartialEq for DataPanelProps {
    fn eq(&self, o: &Self) -> bool {
        self.lang == o.lang
            && same(&self.csv, &o.csv)
            && self.error == o.error
            && self.loading == o.loading
            && self.signal == o.signal
            && same(&self.run, &o.run)
            && self.on == o.on
            && self.on_load == o.on_load
    }
}

/// The signal generator: a kind, its parameters, and a button that loads the series as
/// if it were a file (then the same column, task and window choices apply).
#[derive(Properties, PartialEq)]
pub struct SignalPanelProps {
    pub lang: Lang,
    pub signal: SignalParams,
    pub on: Callback<Action>,
}

#[function_component(SignalPanel)]
pub fn signal_panel(props: &SignalPanelProps) -> Html {
    let on = &props.on;
    let p = props.signal;
    let on_points = on.reform(move |e: Event| match whole_number(&e, 20, 20_000) {
        Ok(n) => Action::Data(DataChange::Signal(SignalParams { points: n, ..p })),
        Err(m) => Action::Invalid(Text::new("invalid.points").and("m", m)),
    });
    let on_frequency = on.reform(move |e: Event| {
        let v = e.target_unchecked_into::<HtmlInputElement>().value();
        match v.trim().parse::<f64>() {
            Ok(f) if f > 0.0 && f <= 100.0 => {
                Action::Data(DataChange::Signal(SignalParams { frequency: f, ..p }))
            }
            _ => Action::Invalid(Text::with("invalid.frequency", &[("v", &v)])),
        }
    });
    html! {
        <details class="generate" id="generate">
            <summary title={tr("signal.tip")}>{ tr("signal.heading") }</summary>
            <label for="signal-kind">{ tr("signal.kind") }</label>
            <select id="signal-kind" onchange={on.reform(move |e: Event| {
                let v = select_value(&e);
                let kind = SignalKind::ALL.into_iter().find(|k| k.key() == v).unwrap_or(SignalKind::Sine);
                Action::Data(DataChange::Signal(SignalParams { kind, ..p }))
            })}>
                { for SignalKind::ALL.iter().map(|k| html! {
                    <option value={k.key()} selected={*k == p.kind}>{ tr(k.key()) }</option>
                }) }
            </select>
            <div class="pair">
                <label title={tr("signal.points_tip")}>{ tr("signal.points") }
                    <input id="signal-points" type="number" min="20" max="20000" value={p.points.to_string()} onchange={on_points} /></label>
                <label title={tr("signal.frequency_tip")}>{ tr("signal.frequency") }
                    <input id="signal-frequency" type="number" min="0.01" max="100" step="0.1" value={p.frequency.to_string()} onchange={on_frequency} /></label>
            </div>
            <label for="signal-noise" title={tr("signal.noise_tip")}>{ tr("signal.noise") }</label>
            <select id="signal-noise" onchange={emit_some(on, move |e: Event| {
                select_value(&e).parse::<f64>().ok().map(|noise| Action::Data(DataChange::Signal(SignalParams { noise, ..p })))
            })}>
                { for [0.0, 0.02, 0.05, 0.1, 0.2, 0.5].iter().map(|n| html! {
                    <option value={n.to_string()} selected={(*n - p.noise).abs() < 1e-12}>{ n.to_string() }</option>
                }) }
            </select>
            <button id="signal-use" class="wide" onclick={on.reform(|_| Action::Data(DataChange::GenerateSignal))}>{ tr("signal.use") }</button>
        </details>
    }
}

/// The data section: drop or pick a CSV, or load a sample; then pick the series, target,
/// features, window and horizon, with a preview of the first rows.
#[function_component(DataPanel)]
pub fn data_panel(p: &DataPanelProps) -> Html {
    let on = &p.on;
    let on_file = emit_some(&p.on_load, |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        input.files().and_then(|f| f.get(0)).map(Load::File)
    });
    let on_drop = emit_some(&p.on_load, |e: DragEvent| {
        e.prevent_default();
        e.data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0))
            .map(Load::File)
    });
    let on_dragover = Callback::from(|e: DragEvent| e.prevent_default());
    let details = p.csv.as_ref().map(|c| {
            let numeric = &c.summary.numeric;
            let series = c.summary.series.clone();
            let preview = &c.summary.preview;
            let on_series = on.reform(|e: Event| Action::Data(DataChange::Series(select_value(&e))));
            let on_target = on.reform(|e: Event| Action::Data(DataChange::Target(select_value(&e))));
            let on_window = on.reform(|e: Event| match whole_number(&e, 1, 1000) {
                Ok(w) => Action::Data(DataChange::Window(w)),
                Err(m) => Action::Invalid(Text::new("invalid.window").and("m", m)),
            });
            let on_horizon = on.reform(|e: Event| match whole_number(&e, 1, 1000) {
                Ok(h) => Action::Data(DataChange::Horizon(h)),
                Err(m) => Action::Invalid(Text::new("invalid.horizon").and("m", m)),
            });
            html! {
                <div class="csv-details" id="csv-details">
                    <p class="explain">
                        { trf("csv.summary", &[("name", &c.name), ("rows", &c.summary.rows), ("columns", &c.summary.columns.len())]) }
                        { for c.summary.notes.iter().map(|n| html! { <><br />{ n }</> }) }
                    </p>
                    if let Some((column, values)) = series {
                        <label for="csv-series" title={tr("csv.series_tip")}>{ trf("csv.series", &[("column", &column)]) }</label>
                        <select id="csv-series" onchange={on_series}>
                            <option value="" selected={c.options.series.is_none()}>{ tr("csv.all_rows") }</option>
                            { for values.iter().map(|v| html! {
                                <option value={v.clone()} selected={c.options.series.as_ref().is_some_and(|s| s.value == *v)}>{ quoted(v) }</option>
                            }) }
                        </select>
                    }
                    <label for="csv-missing" title={tr("csv.missing_tip")}>{ tr("csv.missing") }</label>
                    <select id="csv-missing" onchange={on.reform(|e: Event| Action::Data(DataChange::Missing(if select_value(&e) == "drop" { MissingPolicy::DropRows } else { MissingPolicy::ForwardFill })))}>
                        <option value="fill" selected={c.options.missing == MissingPolicy::ForwardFill}>{ tr("csv.fill") }</option>
                        <option value="drop" selected={c.options.missing == MissingPolicy::DropRows}>{ tr("csv.drop") }</option>
                    </select>
                    <label for="csv-target" title={tr("csv.target_tip")}>{ tr("csv.target") }</label>
                    <select id="csv-target" onchange={on_target}>
                        { for numeric.iter().map(|n| html! { <option value={n.clone()} selected={*n == c.choice.target}>{ quoted(n) }</option> }) }
                    </select>
                    <fieldset class="features">
                        <legend title={tr("csv.features_tip")}>{ tr("csv.features") }</legend>
                        { for numeric.iter().map(|n| {
                            let name = n.clone();
                            let on = on.reform(move |e: Event| Action::Data(DataChange::Feature(name.clone(), e.target_unchecked_into::<HtmlInputElement>().checked())));
                            html! { <label class="check"><input type="checkbox" checked={c.choice.features.contains(n)} onchange={on} />{ quoted(n) }</label> }
                        }) }
                    </fieldset>
                    <label for="csv-task" title={tr("csv.task_tip")}>{ tr("csv.task") }</label>
                    <select id="csv-task" onchange={on.reform(|e: Event| {
                        let v = select_value(&e);
                        Action::Data(DataChange::Task(CsvTask::ALL.into_iter().find(|t| t.key() == v).unwrap_or_default()))
                    })}>
                        { for CsvTask::ALL.iter().map(|t| html! {
                            <option value={t.key()} selected={*t == c.choice.task}>{ tr(t.key()) }</option>
                        }) }
                    </select>
                    <label for="csv-change" title={tr("csv.change_tip")}>{ tr("csv.change") }</label>
                    <select id="csv-change" disabled={c.choice.task == CsvTask::Classify} onchange={on.reform(|e: Event| {
                        let v = select_value(&e);
                        Action::Data(DataChange::Change(Change::ALL.into_iter().find(|t| t.key() == v).unwrap_or_default()))
                    })}>
                        { for Change::ALL.iter().map(|t| html! {
                            <option value={t.key()} selected={*t == c.choice.change}>{ tr(t.key()) }</option>
                        }) }
                    </select>
                    <div class="pair">
                        <label title={tr("csv.window_tip")}>{ tr("csv.window") }
                            <input id="csv-window" type="number" min="1" max="1000" value={c.choice.window.to_string()} onchange={on_window} /></label>
                        <label title={tr("csv.horizon_tip")}>{ tr("csv.horizon") }
                            <input id="csv-horizon" type="number" min="1" max="1000" value={c.choice.horizon.to_string()} onchange={on_horizon}
                                disabled={c.choice.task == CsvTask::SeqToSeq} /></label>
                    </div>
                    <button id="train-csv" class="primary wide" onclick={on.reform(|_| Action::Model(ModelChange::TrainCsv))}>{ tr("csv.train") }</button>
                    { p.run.as_deref().map(window_preview).unwrap_or_default() }
                    // Scrolls sideways for wide files: focusable, so the keyboard can scroll it.
                    <div class="preview-wrap" tabindex="0" role="region" aria-label={tr("csv.preview_label")}>
                        <table class="preview" id="csv-preview">
                            <thead><tr>{ for c.summary.columns.iter().map(|col| html! { <th>{ quoted(col) }</th> }) }</tr></thead>
                            <tbody>{ for preview.iter().map(|row| html! { <tr>{ for row.iter().map(|v| html! { <td>{ v }</td> }) }</tr> }) }</tbody>
                        </table>
                    </div>
                </div>
            }
        });
    html! {
        <>
            <h2>{ tr("csv.heading") }</h2>
            <div class="dropzone" ondrop={on_drop} ondragover={on_dragover}>
                { tr("csv.drop_here") }
                // The browser's own file button speaks the browser's language: ours is a
                // label for the hidden input, in the page's.
                <span class="file-pick">
                    <input id="csv-file" class="sr-only" type="file" accept=".csv,.tsv,.txt,text/csv" onchange={on_file} />
                    <label for="csv-file" class="button small" title={tr("csv.choose")}>{ tr("csv.pick") }</label>
                    <span class="file-name" id="csv-name">
                        { p.csv.as_ref().map_or_else(|| tr("csv.none").to_string(), |c| c.name.clone()) }
                    </span>
                </span>
            </div>
            <div class="samples">
                { tr("csv.samples") }
                { for SAMPLES.iter().map(|&(label, path)| html! {
                    <button class="small" onclick={p.on_load.reform(move |_| Load::Sample(path))}>{ tr(label) }</button>
                }) }
            </div>
            <div class="samples">
                { tr("csv.real_samples") }
                { for REAL_SAMPLES.iter().map(|&(label, path)| html! {
                    <button class="small" onclick={p.on_load.reform(move |_| Load::Sample(path))}>{ tr(label) }</button>
                }) }
            </div>
            <SignalPanel lang={p.lang} signal={p.signal} on={on.clone()} />
            if let Some((name, percent)) = &p.loading {
                <p class="explain" id="csv-reading" role="status">{ trf("csv.reading", &[("name", name), ("percent", percent)]) }</p>
            }
            if let Some(e) = &p.error {
                <div class="banner error" role="alert" id="csv-error">{ e.to_string() }</div>
            }
            { details.unwrap_or_default() }
        </>
    }
}

/// The first training window exactly as the network receives it (after normalisation):
/// one row per step, one column per feature, and the target it is trained to predict.
fn window_preview(info: &RunInfo) -> Html {
    let Some(p) = &info.preview else {
        return Html::default();
    };
    let scaling = p.scaling.map_or(tr("scaling.raw"), scaling_name);
    let names = &info.feature_names;
    html! {
        <div class="preview-wrap" id="window-preview" tabindex="0" role="region" aria-label={tr("csv.window_preview_label")}>
            <p class="explain">{ trf("csv.window_preview", &[("scaling", &scaling)]) }</p>
            <table class="preview">
                <thead><tr><th>{ tr("csv.step") }</th>{ for names.iter().map(|n| html! { <th>{ quoted(n) }</th> }) }</tr></thead>
                <tbody>
                    { for p.rows.iter().enumerate().map(|(t, v)| html! {
                        <tr><td>{ t + 1 }</td>{ for v.iter().map(|x| html! { <td>{ format!("{x:.4}") }</td> }) }</tr>
                    }) }
                    <tr class="target"><td>{ tr("csv.target_row") }</td><td colspan={names.len().to_string()}>{ format!("{} = {}", info.target_name, p.target) }</td></tr>
                </tbody>
            </table>
        </div>
    }
}

/// Real measured series shipped in www/data (source and licence in its README), with their
/// button labels' keys.
const REAL_SAMPLES: [(&str, &str); 3] = [
    ("sample.co2", "data/co2_mauna_loa_monthly.csv"),
    ("sample.yen", "data/yen_per_dollar_monthly.csv"),
    ("sample.gas", "data/henry_hub_gas_monthly.csv"),
];

/// The sample files shipped in www/data, with their button labels' keys.
const SAMPLES: [(&str, &str); 3] = [
    ("sample.stock", "data/stock_like_synthetic.csv"),
    ("sample.household", "data/household_load_synthetic.csv"),
    ("sample.two_class", "data/two_class_synthetic.csv"),
];
