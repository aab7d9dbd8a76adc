//! The model and training controls: a component with props, so it renders again only when
//! the settings (or the language) change. Between those it leaves the DOM alone, so a number
//! the learner is typing is not overwritten by the page's frames, and every control shows the
//! value the run uses (the page makes it anew when a change is refused).

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::app::{cell_name, emit_some, scaling_name, select_value, whole_number};
use super::state::{Action, ModelChange, TrainingChange};
use crate::data::normalise::Scaling;
use crate::i18n::{tr, trf, Lang, Text};
use crate::nn::optim::{Clip, OptimizerKind};
use crate::nn::{CellKind, LstmVariant};
use crate::train::settings::{
    key_of, value_of, Settings, Shape, BATCH_SIZES, CLIPS, DROPOUTS, INITS, LEARNING_RATES, MAX_HIDDEN,
    OPTIMIZERS,
};
use crate::train::{Schedule, PLATEAU_PATIENCE, STOP_PATIENCE};

#[derive(Properties, Clone, PartialEq)]
pub struct ModelControlsProps {
    pub lang: Lang,
    /// The settings of the run that trains.
    pub settings: Settings,
    /// Where a change goes (made once by the page, so the props compare equal).
    pub on: Callback<Action>,
}

/// A list's choices with `current` among them: a value the run uses that the list lacks (a
/// lesson's own learning rate, a link's batch size) is shown in its place, not replaced.
fn with_value<T: Copy + PartialOrd>(list: &[T], current: T) -> Vec<T> {
    let mut all = list.to_vec();
    if !all.contains(&current) {
        all.push(current);
        all.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    }
    all
}

/// A select's options from one of the settings tables with the run's `current` chosen; a
/// value the table lacks (a link's own optimiser) is shown as such, not replaced.
fn table_options<T: PartialEq>(table: &[(&'static str, T)], current: &T) -> Html {
    html! {
        <>
            if key_of(table, current).is_none() {
                <option value="" selected=true disabled=true>{ tr("settings.other") }</option>
            }
            { for table.iter().map(|(key, v)| html! { <option value={*key} selected={v == current}>{ tr(key) }</option> }) }
        </>
    }
}

#[function_component(ModelControls)]
pub fn model_controls(p: &ModelControlsProps) -> Html {
    let schedule = p.settings.schedule;
    let shape = p.settings.shape;
    let on_cell = emit_some(&p.on, |e: Event| {
        let v = select_value(&e);
        Some(Action::Model(ModelChange::Cell(
            CellKind::ALL
                .into_iter()
                .find(|c| c.name() == v)
                .unwrap_or(CellKind::Lstm(LstmVariant::Standard)),
        )))
    });
    let on_hidden = emit_some(&p.on, |e: Event| {
        Some(match whole_number(&e, 1, MAX_HIDDEN) {
            Ok(h) => Action::Model(ModelChange::Hidden(h)),
            Err(m) => Action::Invalid(Text::new("invalid.hidden").and("m", m)),
        })
    });
    let on_seed = emit_some(&p.on, |e: Event| {
        Some(match whole_number(&e, 0, 999_999_999) {
            Ok(s) => Action::Model(ModelChange::Seed(s as u64)),
            Err(m) => Action::Invalid(Text::new("invalid.seed").and("m", m)),
        })
    });
    let on_lr = emit_some(&p.on, |e: Event| {
        select_value(&e)
            .parse::<f64>()
            .ok()
            .map(|lr| Action::Model(ModelChange::LearningRate(lr)))
    });
    let on_scaling = emit_some(&p.on, |e: Event| {
        let v = select_value(&e);
        Some(Action::Model(ModelChange::Scaling(
            Scaling::ALL
                .into_iter()
                .find(|s| s.label() == v)
                .unwrap_or(Scaling::None),
        )))
    });
    html! {
        <>
            <h2>{ tr("model.heading") }</h2>
            <label for="cell" title={tr("model.cell_tip")}>{ tr("model.cell") }</label>
            <select id="cell" ~value={p.settings.cell.name()} onchange={on_cell}>
                { for CellKind::ALL.iter().map(|c| html! {
                    <option value={c.name()} selected={*c == p.settings.cell}>{ cell_name(*c) }</option>
                }) }
            </select>
            <label for="hidden" title={tr("model.hidden_tip")}>{ tr("model.hidden") }</label>
            <input id="hidden" type="number" min="1" max={MAX_HIDDEN.to_string()} value={p.settings.hidden_size.to_string()} onchange={on_hidden} />
            <label for="seed" title={tr("model.seed_tip")}>{ tr("model.seed") }</label>
            <input id="seed" type="number" min="0" max="999999999" value={p.settings.seed.to_string()} onchange={on_seed} />
            <label for="layers" title={tr("model.layers_tip")}>{ tr("model.layers") }</label>
            <input id="layers" type="number" min="1" max="4" value={shape.layers.to_string()}
                onchange={emit_some(&p.on, move |e: Event| Some(match whole_number(&e, 1, 4) {
                    Ok(n) => Action::Model(ModelChange::Shape(Shape { layers: n, ..shape }, "notice.layers")),
                    Err(m) => Action::Invalid(Text::new("invalid.layers").and("m", m)),
                }))} />
            <label class="check" title={tr("model.bidirectional_tip")}>
                <input id="bidirectional" type="checkbox" checked={shape.bidirectional}
                    onchange={emit_some(&p.on, move |e: Event| Some(Action::Model(ModelChange::Shape(Shape { bidirectional: e.target_unchecked_into::<HtmlInputElement>().checked(), ..shape }, "notice.bidirectional"))))} />
                { tr("model.bidirectional") }
            </label>
            <label for="dropout" title={tr("model.dropout_tip")}>{ tr("model.dropout") }</label>
            <select id="dropout" ~value={shape.dropout.to_string()} onchange={emit_some(&p.on, move |e: Event| select_value(&e).parse::<f64>().ok().map(|d| Action::Model(ModelChange::Shape(Shape { dropout: d, ..shape }, "notice.dropout"))))}>
                { for with_value(&DROPOUTS, shape.dropout).into_iter().map(|d| html! { <option value={d.to_string()} selected={d == shape.dropout}>{ d.to_string() }</option> }) }
            </select>
            <label for="init" title={tr("model.init_tip")}>{ tr("model.init") }</label>
            <select id="init" ~value={key_of(&INITS, &shape.init).unwrap_or_default()} onchange={emit_some(&p.on, move |e: Event| {
                let v = select_value(&e);
                let init = value_of(&INITS, &v).unwrap_or(shape.init);
                Some(Action::Model(ModelChange::Shape(Shape { init, ..shape }, "notice.init")))
            })}>
                { table_options(&INITS, &shape.init) }
            </select>
            <h2>{ tr("training.heading") }</h2>
            <label for="optimizer" title={tr("training.optimiser_tip")}>{ tr("training.optimiser") }</label>
            <select id="optimizer" ~value={key_of(&OPTIMIZERS, &p.settings.optimizer).unwrap_or_default()} onchange={emit_some(&p.on, |e: Event| {
                let v = select_value(&e);
                Some(Action::Model(ModelChange::Optimizer(value_of(&OPTIMIZERS, &v).unwrap_or(OptimizerKind::ADAM))))
            })}>
                { table_options(&OPTIMIZERS, &p.settings.optimizer) }
            </select>
            <label for="batch" title={tr("training.batch_tip")}>{ tr("training.batch") }</label>
            <select id="batch" ~value={shape.batch_size.map_or("lesson".to_string(), |b| b.to_string())} onchange={emit_some(&p.on, move |e: Event| Some(Action::Model(ModelChange::Shape(Shape { batch_size: select_value(&e).parse().ok(), ..shape }, "notice.batch"))))}>
                <option value="lesson" selected={shape.batch_size.is_none()}>{ tr("training.batch_lesson") }</option>
                { for with_value(&BATCH_SIZES, shape.batch_size.unwrap_or(BATCH_SIZES[0])).into_iter().map(|b| html! { <option value={b.to_string()} selected={shape.batch_size == Some(b)}>{ b.to_string() }</option> }) }
            </select>
            <label class="check" title={tr("training.stateful_tip")}>
                <input id="stateful" type="checkbox" checked={shape.stateful}
                    onchange={emit_some(&p.on, move |e: Event| Some(Action::Model(ModelChange::Shape(Shape { stateful: e.target_unchecked_into::<HtmlInputElement>().checked(), ..shape }, "notice.stateful"))))} />
                { tr("training.stateful") }
            </label>
            <label for="lr" title={tr("training.lr_tip")}>{ tr("training.lr") }</label>
            <select id="lr" ~value={p.settings.learning_rate.to_string()} onchange={on_lr}>
                { for with_value(&LEARNING_RATES, p.settings.learning_rate).into_iter().map(|lr| html! {
                    <option value={lr.to_string()} selected={lr == p.settings.learning_rate}>{ lr.to_string() }</option>
                }) }
            </select>
            <label for="clip" title={tr("training.clip_tip")}>{ tr("training.clip") }</label>
            <select id="clip" ~value={key_of(&CLIPS, &p.settings.clip).unwrap_or_default()} onchange={emit_some(&p.on, |e: Event| {
                let v = select_value(&e);
                Some(Action::Model(ModelChange::Clipping(value_of(&CLIPS, &v).unwrap_or(Clip::Off))))
            })}>
                { table_options(&CLIPS, &p.settings.clip) }
            </select>
            <label for="scaling" title={tr("training.scaling_tip")}>{ tr("training.scaling") }</label>
            <select id="scaling" ~value={p.settings.scaling.label()} onchange={on_scaling}>
                { for Scaling::ALL.iter().map(|sc| html! {
                    <option value={sc.label()} selected={*sc == p.settings.scaling}>{ scaling_name(*sc) }</option>
                }) }
            </select>
            <label class="check" title={trf("training.plateau_tip", &[("patience", &PLATEAU_PATIENCE)])}>
                <input id="plateau" type="checkbox" checked={schedule.reduce_lr_on_plateau}
                    onchange={emit_some(&p.on, move |e: Event| Some(Action::Training(TrainingChange::Schedule(Schedule { reduce_lr_on_plateau: e.target_unchecked_into::<HtmlInputElement>().checked(), ..schedule }))))} />
                { tr("training.plateau") }
            </label>
            <label class="check" title={trf("training.early_tip", &[("patience", &STOP_PATIENCE)])}>
                <input id="early-stopping" type="checkbox" checked={schedule.early_stopping}
                    onchange={emit_some(&p.on, move |e: Event| Some(Action::Training(TrainingChange::Schedule(Schedule { early_stopping: e.target_unchecked_into::<HtmlInputElement>().checked(), ..schedule }))))} />
                { tr("training.early") }
            </label>
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct NumberFieldProps {
    pub id: AttrValue,
    pub min: usize,
    pub max: usize,
    /// The value in use: shown when the field is made and whenever it changes.
    pub value: usize,
    #[prop_or_default]
    pub disabled: bool,
    /// What was typed, read once as a whole number in `min..=max` (or why it is not one).
    pub onchange: Callback<Result<usize, Text>>,
}

/// A whole-number field inside a view that renders again with every frame (the watch and
/// step-through controls). Yew writes a controlled input's value back on every render, so a
/// frame arriving between typing and leaving the field would put the old number back and the
/// change would never fire. This field writes its value only when the value in use changes,
/// and puts it back when what was typed is refused.
#[function_component(NumberField)]
pub fn number_field(p: &NumberFieldProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(p.value, move |v| {
            if let Some(input) = node.cast::<HtmlInputElement>() {
                input.set_value(&v.to_string());
            }
        });
    }
    let (min, max, value, on) = (p.min, p.max, p.value, p.onchange.clone());
    let onchange = Callback::from(move |e: Event| {
        let typed = whole_number(&e, min, max);
        if typed.is_err() {
            e.target_unchecked_into::<HtmlInputElement>()
                .set_value(&value.to_string());
        }
        on.emit(typed);
    });
    html! {
        <input ref={node} id={p.id.clone()} type="number" min={p.min.to_string()} max={p.max.to_string()}
            disabled={p.disabled} {onchange} />
    }
}
