//! For teachers: a panel that makes a classroom link to the run on show, with the tour step to
//! start on, the panels to hide, the settings locked and the projector theme. The options
//! only go into the link; the teacher's own page stays as it is. What the options are and
//! how they travel: `ui::state::classroom`.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::state::tour::steps;
use super::state::{Classroom, Panel, Theme};
use crate::i18n::{tr, trf, Lang};
use crate::train::lessons::{Lesson, RunLink};

#[derive(Properties, Clone, PartialEq)]
pub struct ClassroomPanelProps {
    pub lang: Lang,
    pub lesson: Lesson,
    /// The run the controls show (None: a CSV run, which is not a link).
    pub link: Option<RunLink>,
}

fn checked(e: &Event) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .is_some_and(|i| i.checked())
}

#[function_component(ClassroomPanel)]
pub fn classroom_panel(p: &ClassroomPanelProps) -> Html {
    let options = use_state(Classroom::default);
    let copied = use_state(|| false);
    let Some(link) = p.link else {
        return html! {
            <details class="classroom" id="classroom-panel">
                <summary>{ tr("classroom.heading") }</summary>
                <p class="explain">{ tr("classroom.no_csv") }</p>
            </details>
        };
    };
    let address = crate::ui::share::address(&link, &options);
    let change = |f: fn(&mut Classroom, &Event)| {
        let (options, copied) = (options.clone(), copied.clone());
        Callback::from(move |e: Event| {
            let mut next = (*options).clone();
            f(&mut next, &e);
            options.set(next);
            copied.set(false);
        })
    };
    let hide = |panel: Panel| {
        let (options, copied) = (options.clone(), copied.clone());
        Callback::from(move |e: Event| {
            let mut next = (*options).clone();
            next.hide.retain(|&h| h != panel);
            if checked(&e) {
                next.hide.push(panel);
            }
            options.set(next);
            copied.set(false);
        })
    };
    let copy = {
        let (address, copied) = (address.clone(), copied.clone());
        Callback::from(move |_| {
            if let Some(w) = web_sys::window() {
                let done = w.navigator().clipboard().write_text(&address);
                let copied = copied.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    copied.set(wasm_bindgen_futures::JsFuture::from(done).await.is_ok());
                });
            }
        })
    };
    let tour_len = steps(p.lesson).len();
    html! {
        <details class="classroom" id="classroom-panel">
            <summary>{ tr("classroom.heading") }</summary>
            <p class="explain">{ tr("classroom.explain") }</p>
            <label for="classroom-step">{ tr("classroom.step") }</label>
            <select id="classroom-step" onchange={change(|c, e| {
                c.step = super::app::select_value(e).parse().ok().filter(|&n| n > 0);
            })}>
                <option value="0" selected={options.step.is_none()}>{ tr("classroom.step_none") }</option>
                { for (1..=tour_len).map(|n| html! {
                    <option value={n.to_string()} selected={options.step == Some(n)}>{ trf("classroom.step_n", &[("n", &n)]) }</option>
                }) }
            </select>
            <fieldset class="classroom-hide">
                <legend>{ tr("classroom.hide") }</legend>
                { for Panel::ALL.iter().map(|&panel| html! {
                    <label class="check">
                        <input type="checkbox" id={format!("classroom-hide-{}", panel.key())}
                            checked={options.hides(panel)} onchange={hide(panel)} />
                        { tr(panel.label()) }
                    </label>
                }) }
            </fieldset>
            <label class="check">
                <input type="checkbox" id="classroom-locked" checked={options.locked}
                    onchange={change(|c, e| c.locked = checked(e))} />
                { tr("classroom.locked") }
            </label>
            <label class="check">
                <input type="checkbox" id="classroom-projector" checked={options.theme == Theme::Projector}
                    onchange={change(|c, e| c.theme = if checked(e) { Theme::Projector } else { Theme::Standard })} />
                { tr("classroom.projector") }
            </label>
            <label for="classroom-link">{ tr("classroom.link") }</label>
            <input id="classroom-link" type="text" readonly=true value={address.clone()}
                onfocus={Callback::from(|e: FocusEvent| {
                    if let Some(i) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                        i.select();
                    }
                })} />
            <div class="buttons">
                <button id="classroom-copy" onclick={copy}>{ tr(if *copied { "classroom.copied" } else { "classroom.copy" }) }</button>
                <a id="classroom-open" href={address} target="_blank" rel="noopener">{ tr("classroom.open") }</a>
            </div>
        </details>
    }
}
