//! The step-through: one time step of the watched sample's first layer, its controls (a
//! scrubber over t, buttons to step and play, the unit), the cell diagram coloured by the
//! trace's values, and the equations with the trace's numbers.
//!
//! Components with props: the diagram and the equations render again when the trace they
//! show changes; the controls only when their values do, so a unit the learner is typing is
//! never overwritten while the run trains.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::app::{cell_name, emit_some};
use super::fields::NumberField;
use super::same;
use super::state::{Action, WatchChange};
use crate::charts::diagram::{cell_svg, CellValues};
use crate::i18n::{tr, trf, Lang, Text};
use crate::nn::CellKind;
use crate::train::host::{CellView, StepThrough, Watch};

#[derive(Properties, PartialEq)]
pub struct StepControlsProps {
    pub lang: Lang,
    /// The time step and unit shown (0-based), the last time step and the hidden units.
    pub t: usize,
    pub unit: usize,
    pub last: usize,
    pub hidden: usize,
    pub watch: Watch,
    /// The step-through plays over t.
    pub playing: bool,
    pub on: Callback<Action>,
}

/// The step-through's controls: a scrubber over t, buttons to step and play, the unit.
#[function_component(StepControls)]
pub fn step_controls(p: &StepControlsProps) -> Html {
    let (t, unit, last, hidden) = (p.t, p.unit, p.last, p.hidden);
    let on = &p.on;
    let on_t = emit_some(on, move |e: InputEvent| {
        let v = e.target_unchecked_into::<HtmlInputElement>().value();
        v.parse::<usize>()
            .ok()
            .map(|v| Action::Watch(WatchChange::StepThrough(v.saturating_sub(1), unit)))
    });
    let on_unit = on.reform(move |typed: Result<usize, Text>| match typed {
        Ok(u) => Action::Watch(WatchChange::StepThrough(t, u - 1)),
        Err(m) => Action::Invalid(Text::new("invalid.unit").and("m", m)),
    });
    html! {
        <div class="chart-options">
            <strong>{ tr("step.title") }</strong>
            <button id="t-prev" title={tr("step.prev")} disabled={t == 0} onclick={on.reform(move |_| Action::Watch(WatchChange::StepThrough(t.saturating_sub(1), unit)))}>{ "◀" }</button>
            <label for="t-scrub" title={trf("step.scrub_tip", &[("what", &describe(p.watch))])}>{ trf("step.t_of", &[("t", &(t + 1)), ("n", &(last + 1))]) }</label>
            <input id="t-scrub" type="range" min="1" max={(last + 1).to_string()} value={(t + 1).to_string()} oninput={on_t} />
            <button id="t-next" title={tr("step.next")} disabled={t == last} onclick={on.reform(move |_| Action::Watch(WatchChange::StepThrough((t + 1).min(last), unit)))}>{ "▶" }</button>
            <button id="t-play" title={tr("step.play_tip")} aria-pressed={p.playing.to_string()} onclick={on.reform(|_| Action::Watch(WatchChange::PlayT))}>
                { if p.playing { tr("step.stop") } else { tr("step.play") } }
            </button>
            <label for="unit" title={tr("step.unit_tip")}>{ tr("step.unit") }</label>
            <NumberField id="unit" min={1} max={hidden} value={unit + 1} onchange={on_unit} />
        </div>
    }
}

#[derive(Properties)]
pub struct TraceProps {
    pub lang: Lang,
    pub kind: CellKind,
    pub cell: Option<Rc<CellView>>,
}

impl PartialEq for TraceProps {
    fn eq(&self, o: &Self) -> bool {
        self.lang == o.lang && self.kind == o.kind && same(&self.cell, &o.cell)
    }
}

/// The latest trace and its step-through, once the worker sent one.
pub fn traced(cell: &Option<Rc<CellView>>) -> Option<(&CellView, &StepThrough)> {
    let cell = cell.as_deref()?;
    Some((cell, cell.step_through.as_ref()?))
}

/// The cell diagram with the latest trace's values at the step and unit the step-through
/// shows (as far as the trace has them: the worker's answer to a new choice is a view away).
#[function_component(CellDiagram)]
pub fn cell_diagram(p: &TraceProps) -> Html {
    let Some((cell, st)) = traced(&p.cell) else {
        return html! { <div class="cell-diagram-box"></div> };
    };
    let (t, unit, x) = (st.t, st.unit, &st.x);
    let feature = if unit < x.len() { unit } else { 0 };
    let svg = cell_svg(
        p.kind,
        &CellValues {
            feature,
            x: x.get(feature).copied().unwrap_or(f64::NAN),
            features: x.len(),
            h_prev: st.h_prev,
            c_prev: st.c_prev,
            named: st
                .equations
                .iter()
                .map(|e| (e.name.clone(), e.value))
                .collect(),
            reverse: cell.watch.dir == 1,
        },
        &trf(
            "diagram.title",
            &[
                ("cell", &cell_name(p.kind)),
                ("t", &(t + 1)),
                ("unit", &(unit + 1)),
            ],
        ),
    );
    html! {
        <div class="cell-diagram-box" id="cell-diagram" data-t={t.to_string()} data-unit={unit.to_string()}>
            { Html::from_html_unchecked(AttrValue::from(svg)) }
        </div>
    }
}

/// One time step of the watched sample's first layer as equations with the trace's numbers.
#[function_component(Equations)]
pub fn equations(p: &TraceProps) -> Html {
    let Some((cell, st)) = traced(&p.cell) else {
        return html! {
            <div class="step-through" id="step-through"><p class="explain">{ tr("step.waiting") }</p></div>
        };
    };
    html! {
        <div class="step-through" id="step-through">
            <p class="explain">{ trf("step.equations_of", &[("t", &(st.t + 1)), ("unit", &(st.unit + 1)), ("what", &describe(cell.watch))]) }</p>
            <ol class="equations">
                { for st.equations.iter().map(|e| html! {
                    <li data-name={e.name.clone()} data-value={e.value.to_string()} data-recomputed={e.recomputed.to_string()}>
                        <code>{ &e.text }</code>
                    </li>
                }) }
            </ol>
        </div>
    }
}

/// "sample 2 of the latest batch, layer 1 reverse", in the page's language.
pub fn describe(w: Watch) -> String {
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
