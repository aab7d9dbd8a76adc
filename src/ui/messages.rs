//! The lesson picker and the banners above the story: components with props, so they render
//! again only when what they say changes.

use yew::prelude::*;

use super::app::select_value;
use super::state::tour::number;
use super::state::{Action, DataChange, Hint, ModelChange, TrainingChange};
use crate::data::change::Change;
use crate::train::history::Overfitting;
use crate::train::Schedule;
use crate::i18n::{tr, trf, Lang};
use crate::train::lessons::Lesson;

#[derive(Properties, Clone, PartialEq)]
pub struct LessonPickerProps {
    pub lang: Lang,
    pub lesson: Lesson,
    /// The run trains on the learner's data: the list says so.
    pub on_csv: bool,
    pub on: Callback<Action>,
}

/// The lesson list and the chosen lesson's text.
#[function_component(LessonPicker)]
pub fn lesson_picker(p: &LessonPickerProps) -> Html {
    let on = p.on.clone();
    let onchange = Callback::from(move |e: Event| {
        let v = select_value(&e);
        on.emit(Action::Model(ModelChange::Lesson(
            Lesson::from_key(&v).unwrap_or(Lesson::SineNextValue),
        )));
    });
    let current = if p.on_csv {
        "csv".to_string()
    } else {
        p.lesson.key()
    };
    html! {
        <>
            <h2>{ tr("lesson.heading") }</h2>
            <select id="lesson" ~value={current} aria-label={tr("lesson.heading")} {onchange}>
                if p.on_csv {
                    <option value="csv" selected=true disabled=true>{ tr("lesson.own_data") }</option>
                }
                { for Lesson::ALL.iter().map(|l| html! {
                    <option value={l.key()} selected={!p.on_csv && *l == p.lesson}>{ l.title() }</option>
                }) }
            </select>
            if p.on_csv {
                <p class="explain">{ tr("csv.explain") }</p>
            } else {
                <p class="explain">{ p.lesson.explanation() }</p>
            }
        </>
    }
}

#[derive(Properties, Clone, PartialEq)]
pub struct BannersProps {
    pub lang: Lang,
    /// A change that could not be applied, and why (the old run is kept).
    pub error: Option<String>,
    /// The step at which the run diverged.
    pub diverged_at: Option<u64>,
    pub hint: Option<Hint>,
    /// The run's schedule (the overfitting hint offers early stopping when it is off).
    pub schedule: Schedule,
    /// The teacher locked the settings: the banners explain, but offer no fixes (each would
    /// change a setting, and be refused).
    pub locked: bool,
    /// The run trains on the learner's file (a trend's fixes change how it is framed).
    pub on_csv: bool,
    /// What the last action did.
    pub notice: Option<String>,
    pub on: Callback<Action>,
}

/// The banners over the story: an error, a diverged run with its two fixes, why a run is not
/// learning (with the one-click fix for large inputs), and the last action's notice.
#[function_component(Banners)]
pub fn banners(p: &BannersProps) -> Html {
    let send = |m: fn() -> Action| {
        let on = p.on.clone();
        Callback::from(move |_: MouseEvent| on.emit(m()))
    };
    html! {
        <>
            if let Some(e) = &p.error {
                <div class="banner error" role="alert">{ e }</div>
            }
            if let Some(step) = p.diverged_at {
                <div class="banner error" role="alert" id="diverged">
                    <strong>{ trf("diverged.title", &[("step", &step)]) }</strong>
                    { tr("diverged.text") }
                    if !p.locked {
                        <button onclick={send(|| Action::Model(ModelChange::LowerLearningRate))}>{ tr("diverged.lower") }</button>
                        <button onclick={send(|| Action::Model(ModelChange::ClipGradients))}>{ tr("diverged.clip") }</button>
                    }
                </div>
            }
            if let Some(hint) = p.hint {
                <div class="banner warn" role="status" id="hint">
                    if let Hint::LargeInputs(largest) = hint {
                        <strong>{ tr("hint.large_title") }</strong>
                        { trf("hint.large", &[("largest", &format!("{largest:.0}"))]) }
                        if !p.locked {
                            <button onclick={send(|| Action::Model(ModelChange::Normalise))}>{ tr("hint.normalise") }</button>
                        }
                    } else if let Hint::Beyond(b) = hint {
                        <strong>{ tr("hint.beyond_title") }</strong>
                        { if b.above >= b.below {
                            trf("hint.beyond_above", &[("pct", &format!("{:.0}", b.above * 100.0)), ("max", &number(b.max))])
                        } else {
                            trf("hint.beyond_below", &[("pct", &format!("{:.0}", b.below * 100.0)), ("min", &number(b.min))])
                        } }
                        if p.on_csv && !p.locked {
                            { for [(Change::Difference, "hint.predict_difference", "fix-difference"), (Change::Percent, "hint.predict_percent", "fix-percent")].map(|(change, key, id)| {
                                let on = p.on.clone();
                                html! {
                                    <button id={id} onclick={Callback::from(move |_: MouseEvent| {
                                        on.emit(Action::Data(DataChange::Change(change)));
                                        on.emit(Action::Model(ModelChange::TrainCsv));
                                    })}>{ tr(key) }</button>
                                }
                            }) }
                        }
                    } else if let Hint::Overfitting(o) = hint {
                        <strong>{ tr("hint.overfit_title") }</strong>
                        { match o {
                            Overfitting::Rising { best, best_epoch, now, train } => trf("hint.overfit_rising", &[
                                ("now", &number(now)), ("best", &number(best)), ("epoch", &(best_epoch + 1)), ("train", &number(train)),
                            ]),
                            Overfitting::Gap { now, train } => trf("hint.overfit_gap", &[("now", &number(now)), ("train", &number(train))]),
                        } }
                        if !p.schedule.early_stopping && !p.locked {
                            <button id="early-stop-fix" onclick={
                                let (on, schedule) = (p.on.clone(), p.schedule);
                                Callback::from(move |_: MouseEvent| on.emit(Action::Training(TrainingChange::Schedule(Schedule {
                                    early_stopping: true, ..schedule
                                }))))
                            }>{ tr("hint.early_stop") }</button>
                        }
                    } else {
                        <strong>{ tr("hint.flat_title") }</strong>
                        { tr("hint.flat") }
                    }
                </div>
            }
            if let Some(n) = &p.notice {
                <div class="banner info" role="status">{ n }</div>
            }
        </>
    }
}
