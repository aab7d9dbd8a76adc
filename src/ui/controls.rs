//! The model and training controls: a component with props, so it renders again only when
//! the settings (or the language) change. Between those it leaves the DOM alone, so a number
//! the learner is typing is not overwritten by the page's frames, and every control shows the
//! value the run uses (the page makes it anew when a change is refused).

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::app::{cell_name, emit_some, scaling_name, select_value, whole_number};
use super::fields::{check, number, options, select};
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
    let list = table
        .iter()
        .map(|(key, v)| (AttrValue::from(*key), AttrValue::from(tr(key)), v == current))
        .collect();
    with_other(key_of(table, current).is_some(), list)
}

/// `list` as options, after a chosen "other" when the value in use is not among them.
#[inline(never)]
fn with_other(listed: bool, list: Vec<(AttrValue, AttrValue, bool)>) -> Html {
    html! {
        <>
            if !listed {
                <option value="" selected=true disabled=true>{ tr("settings.other") }</option>
            }
            { options(list) }
        </>
    }
}

/// Numbers as a select's options, `current` chosen.
fn number_options<T: Copy + PartialEq + ToString>(list: Vec<T>, current: T) -> Html {
    options(
        list.into_iter()
            .map(|v| (AttrValue::from(v.to_string()), AttrValue::from(v.to_string()), v == current))
            .collect(),
    )
}

/// What a checkbox's change sets: `f` of whether it is checked now.
fn on_check(on: &Callback<Action>, f: impl Fn(bool) -> Action + 'static) -> Callback<Event> {
    emit_some(on, move |e: Event| {
        Some(f(e.target_unchecked_into::<HtmlInputElement>().checked()))
    })
}

#[function_component(ModelControls)]
pub fn model_controls(p: &ModelControlsProps) -> Html {
    let schedule = p.settings.schedule;
    let shape = p.settings.shape;
    let on = &p.on;
    let on_cell = emit_some(on, |e: Event| {
        let v = select_value(&e);
        Some(Action::Model(ModelChange::Cell(
            CellKind::ALL
                .into_iter()
                .find(|c| c.name() == v)
                .unwrap_or(CellKind::Lstm(LstmVariant::Standard)),
        )))
    });
    let on_hidden = emit_some(on, |e: Event| {
        Some(match whole_number(&e, 1, MAX_HIDDEN) {
            Ok(h) => Action::Model(ModelChange::Hidden(h)),
            Err(m) => Action::Invalid(Text::new("invalid.hidden").and("m", m)),
        })
    });
    let on_seed = emit_some(on, |e: Event| {
        Some(match whole_number(&e, 0, 999_999_999) {
            Ok(s) => Action::Model(ModelChange::Seed(s as u64)),
            Err(m) => Action::Invalid(Text::new("invalid.seed").and("m", m)),
        })
    });
    let on_layers = emit_some(on, move |e: Event| {
        Some(match whole_number(&e, 1, 4) {
            Ok(n) => Action::Model(ModelChange::Shape(Shape { layers: n, ..shape }, "notice.layers")),
            Err(m) => Action::Invalid(Text::new("invalid.layers").and("m", m)),
        })
    });
    let on_dropout = emit_some(on, move |e: Event| {
        select_value(&e).parse::<f64>().ok().map(|d| {
            Action::Model(ModelChange::Shape(Shape { dropout: d, ..shape }, "notice.dropout"))
        })
    });
    let on_init = emit_some(on, move |e: Event| {
        let init = value_of(&INITS, &select_value(&e)).unwrap_or(shape.init);
        Some(Action::Model(ModelChange::Shape(Shape { init, ..shape }, "notice.init")))
    });
    let on_optimizer = emit_some(on, |e: Event| {
        let v = select_value(&e);
        Some(Action::Model(ModelChange::Optimizer(
            value_of(&OPTIMIZERS, &v).unwrap_or(OptimizerKind::ADAM),
        )))
    });
    let on_batch = emit_some(on, move |e: Event| {
        let batch_size = select_value(&e).parse().ok();
        Some(Action::Model(ModelChange::Shape(Shape { batch_size, ..shape }, "notice.batch")))
    });
    let on_lr = emit_some(on, |e: Event| {
        select_value(&e)
            .parse::<f64>()
            .ok()
            .map(|lr| Action::Model(ModelChange::LearningRate(lr)))
    });
    let on_clip = emit_some(on, |e: Event| {
        let v = select_value(&e);
        Some(Action::Model(ModelChange::Clipping(
            value_of(&CLIPS, &v).unwrap_or(Clip::Off),
        )))
    });
    let on_scaling = emit_some(on, |e: Event| {
        let v = select_value(&e);
        Some(Action::Model(ModelChange::Scaling(
            Scaling::ALL
                .into_iter()
                .find(|s| s.label() == v)
                .unwrap_or(Scaling::None),
        )))
    });
    let shaped = |f: fn(Shape, bool) -> Shape, notice: &'static str| {
        on_check(on, move |checked| Action::Model(ModelChange::Shape(f(shape, checked), notice)))
    };
    let scheduled = |f: fn(Schedule, bool) -> Schedule| {
        on_check(on, move |checked| Action::Training(TrainingChange::Schedule(f(schedule, checked))))
    };
    let cells = CellKind::ALL
        .iter()
        .map(|c| (AttrValue::from(c.name()), AttrValue::from(cell_name(*c)), *c == p.settings.cell))
        .collect();
    let scalings = Scaling::ALL
        .iter()
        .map(|sc| (AttrValue::from(sc.label()), AttrValue::from(scaling_name(*sc)), *sc == p.settings.scaling))
        .collect();
    let batch = shape.batch_size;
    let mut batches = vec![(AttrValue::from("lesson"), AttrValue::from(tr("training.batch_lesson")), batch.is_none())];
    batches.extend(
        with_value(&BATCH_SIZES, batch.unwrap_or(BATCH_SIZES[0]))
            .into_iter()
            .map(|b| (AttrValue::from(b.to_string()), AttrValue::from(b.to_string()), batch == Some(b))),
    );
    let lr = p.settings.learning_rate;
    html! {
        <>
            <h2>{ tr("model.heading") }</h2>
            { select("cell", "model.cell", "model.cell_tip", p.settings.cell.name().into(), options(cells), on_cell) }
            { number("hidden", "model.hidden", "model.hidden_tip", (1, MAX_HIDDEN), p.settings.hidden_size.to_string(), on_hidden) }
            { number("seed", "model.seed", "model.seed_tip", (0, 999_999_999), p.settings.seed.to_string(), on_seed) }
            { number("layers", "model.layers", "model.layers_tip", (1, 4), shape.layers.to_string(), on_layers) }
            { check("bidirectional", "model.bidirectional", tr("model.bidirectional_tip").into(), shape.bidirectional,
                shaped(|s, bidirectional| Shape { bidirectional, ..s }, "notice.bidirectional")) }
            { select("dropout", "model.dropout", "model.dropout_tip", shape.dropout.to_string().into(),
                number_options(with_value(&DROPOUTS, shape.dropout), shape.dropout), on_dropout) }
            { select("init", "model.init", "model.init_tip", key_of(&INITS, &shape.init).unwrap_or_default().into(),
                table_options(&INITS, &shape.init), on_init) }
            <h2>{ tr("training.heading") }</h2>
            { select("optimizer", "training.optimiser", "training.optimiser_tip",
                key_of(&OPTIMIZERS, &p.settings.optimizer).unwrap_or_default().into(),
                table_options(&OPTIMIZERS, &p.settings.optimizer), on_optimizer) }
            { select("batch", "training.batch", "training.batch_tip",
                batch.map_or("lesson".to_string(), |b| b.to_string()).into(), options(batches), on_batch) }
            { check("stateful", "training.stateful", tr("training.stateful_tip").into(), shape.stateful,
                shaped(|s, stateful| Shape { stateful, ..s }, "notice.stateful")) }
            { select("lr", "training.lr", "training.lr_tip", lr.to_string().into(),
                number_options(with_value(&LEARNING_RATES, lr), lr), on_lr) }
            { select("clip", "training.clip", "training.clip_tip", key_of(&CLIPS, &p.settings.clip).unwrap_or_default().into(),
                table_options(&CLIPS, &p.settings.clip), on_clip) }
            { select("scaling", "training.scaling", "training.scaling_tip", p.settings.scaling.label().into(),
                options(scalings), on_scaling) }
            { check("plateau", "training.plateau", trf("training.plateau_tip", &[("patience", &PLATEAU_PATIENCE)]).into(),
                schedule.reduce_lr_on_plateau, scheduled(|s, reduce_lr_on_plateau| Schedule { reduce_lr_on_plateau, ..s })) }
            { check("early-stopping", "training.early", trf("training.early_tip", &[("patience", &STOP_PATIENCE)]).into(),
                schedule.early_stopping, scheduled(|s, early_stopping| Schedule { early_stopping, ..s })) }
        </>
    }
}
