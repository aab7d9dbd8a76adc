//! The guided tour's card (what the step says, its question and the reveal, Back and Next)
//! and the highlight of the view and control the step is about. What a step is and when it
//! is done: `ui::state::tour`.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::state::tour::{goal_key, Step, Target, Topic, Tour, TourChange};
use super::state::Action;
use crate::i18n::{tr, trf, Lang};
use crate::train::lessons::Lesson;

#[derive(Properties, Clone, PartialEq)]
pub struct TourCardProps {
    pub lang: Lang,
    /// The lesson on show (its goal's words), and what the tour is of.
    pub lesson: Lesson,
    pub topic: Topic,
    pub tour: Tour,
    /// The step's `.run` sentence with the run's numbers, once it has them (for a question,
    /// once it is revealed).
    pub measured: Option<String>,
    pub on: Callback<Action>,
}

/// The card at the top of the story: open on a first visit, closed to a button.
#[function_component(TourCard)]
pub fn tour_card(p: &TourCardProps) -> Html {
    let tour = &p.tour;
    let all = p.topic.steps();
    let go = |c: TourChange| p.on.reform(move |_| Action::Tour(c));
    let step = all.get(tour.step);
    let goal_line = p.topic.goal().map(|_| match &tour.goal_met {
        Some((value, at)) => html! {
            <p class="tour-goal met" id="tour-goal">{ "✓ " }
                { trf("tour.goal_met", &[("goal", &tr(&goal_key(p.lesson))), ("step", at), ("value", value)]) }</p>
        },
        None => html! {
            <p class="tour-goal" id="tour-goal">{ trf("tour.goal", &[("goal", &tr(&goal_key(p.lesson)))]) }</p>
        },
    });
    let body = match step {
        None => html! {
            <>
                <p class="tour-text">{ tr("tour.finished") }</p>
                <div class="tour-nav">
                    <button id="tour-back" onclick={go(TourChange::Back)}>{ tr("tour.back") }</button>
                    <button id="tour-restart" onclick={go(TourChange::Goto(0))}>{ tr("tour.restart") }</button>
                </div>
            </>
        },
        Some(step) => step_body(p, step),
    };
    html! {
        <section class="tour" id="tour" aria-label={tr("tour.aria")} data-step={tour.step.to_string()}
            data-steps={all.len().to_string()} data-lesson={p.topic.key()}>
            <div class="tour-head">
                <strong>{ trf("tour.heading", &[("n", &(tour.step + 1).min(all.len())), ("of", &all.len())]) }</strong>
                <button class="tour-close" id="tour-close" aria-label={tr("tour.close")} title={tr("tour.close")}
                    onclick={go(TourChange::Open(false))}>{ "×" }</button>
            </div>
            { body }
            { goal_line.unwrap_or_default() }
        </section>
    }
}

/// A step: its words, its question and reveal, or the run's numbers, then Back and Next.
fn step_body(p: &TourCardProps, step: &Step) -> Html {
    let tour = &p.tour;
    let go = |c: TourChange| p.on.reform(move |_| Action::Tour(c));
    let question = step.question.map(|q| {
        let letter = |i: usize| format!("{}.{}", step.key, (b'a' + i as u8) as char);
        let choices = (0..q.choices()).map(|i| {
            let chosen = tour.answer == Some(i);
            let class = match &tour.revealed {
                Some(r) if r.right == i => classes!("choice", "right"),
                Some(_) if chosen => classes!("choice", "wrong"),
                _ => classes!("choice"),
            };
            html! {
                <button class={class} id={format!("tour-choice-{i}")} aria-pressed={chosen.to_string()}
                    disabled={tour.revealed.is_some()} onclick={go(TourChange::Answer(i))}>{ tr(&letter(i)) }</button>
            }
        });
        let status = match (&tour.answer, &tour.revealed) {
            (None, _) => html! { <p class="tour-hint">{ tr("tour.choose") }</p> },
            (Some(_), None) => html! { <p class="tour-hint">{ tr("tour.run_it") }</p> },
            (Some(a), Some(r)) if *a == r.right => html! { <p class="tour-verdict right" id="tour-verdict">{ "✓ " }{ tr("tour.right") }</p> },
            (Some(_), Some(r)) => html! {
                <p class="tour-verdict wrong" id="tour-verdict">{ trf("tour.wrong", &[("answer", &tr(&letter(r.right)))]) }</p>
            },
        };
        html! {
            <>
                <div class="tour-choices" role="group" aria-label={tr(step.key)}>{ for choices }</div>
                { status }
            </>
        }
    });
    let measured = p
        .measured
        .as_ref()
        .map(|text| html! { <p class="tour-measured" id="tour-measured">{ text }</p> });
    let waiting = (step.question.is_none() && !step.facts.is_empty() && measured.is_none())
        .then(|| html! { <p class="tour-hint">{ tr("tour.waiting_numbers") }</p> });
    let act = (step.question.is_none() && step.done != super::state::tour::Done::Read)
        .then(|| html! { <p class="tour-hint">{ tr("tour.do_it") }</p> });
    html! {
        <>
            <p class="tour-text" id="tour-text">{ tr(step.key) }</p>
            { question.unwrap_or_default() }
            { measured.unwrap_or_default() }
            { waiting.unwrap_or_default() }
            { act.unwrap_or_default() }
            <div class="tour-nav">
                <button id="tour-back" disabled={tour.step == 0} onclick={go(TourChange::Back)}>{ tr("tour.back") }</button>
                <button id="tour-next" class="primary" onclick={go(TourChange::Next)}>{ tr("tour.next") }</button>
            </div>
        </>
    }
}

/// Marks the step's view (`tour-view`) and control (`tour-control`) on the page and, when
/// the step is new, scrolls the view into sight.
pub fn highlight(step: Option<&Step>, scroll: bool) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    for class in ["tour-view", "tour-control"] {
        if let Ok(marked) = doc.query_selector_all(&format!(".{class}")) {
            for i in 0..marked.length() {
                if let Some(e) = marked.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
                    let _ = e.class_list().remove_1(class);
                }
            }
        }
    }
    let Some(step) = step else { return };
    let mark = |target: Target, class: &str| {
        let e = doc.get_element_by_id(target.id())?;
        let _ = e.class_list().add_1(class);
        Some(e)
    };
    let view = mark(step.view, "tour-view");
    let control = step.control.and_then(|c| mark(c, "tour-control"));
    if scroll {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_behavior(web_sys::ScrollBehavior::Smooth);
        options.set_block(web_sys::ScrollLogicalPosition::Nearest);
        for e in [view, control].into_iter().flatten() {
            e.scroll_into_view_with_scroll_into_view_options(&options);
        }
    }
}
