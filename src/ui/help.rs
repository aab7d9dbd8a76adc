//! The small "?" beside each view: opens what is drawn, how to read it and what to look
//! for, in the page's language. One component, a topic per view (`help.<topic>` in the
//! catalogues).

use yew::prelude::*;

use crate::i18n::{tr, Lang};

#[derive(Properties, Clone, PartialEq)]
pub struct HelpProps {
    pub lang: Lang,
    /// The view: its words are `help.<topic>`, its ids `help-<topic>` (the button) and
    /// `help-<topic>-text`.
    pub topic: &'static str,
}

#[function_component(Help)]
pub fn help(p: &HelpProps) -> Html {
    let open = use_state(|| false);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_| open.set(!*open))
    };
    let close_on_escape = {
        let open = open.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                open.set(false);
            }
        })
    };
    let id = format!("help-{}", p.topic);
    let text_id = format!("{id}-text");
    let key = format!("help.{}", p.topic);
    html! {
        <span class="help" onkeydown={close_on_escape}>
            <button class="help-button" id={id} aria-expanded={open.to_string()} aria-controls={text_id.clone()}
                title={tr("help.button")} aria-label={tr("help.button")} onclick={toggle.clone()}>{ "?" }</button>
            if *open {
                <div class="help-text" id={text_id} role="note">
                    <p>{ tr(&key) }</p>
                    <button class="help-close" onclick={toggle}>{ tr("help.close") }</button>
                </div>
            }
        </span>
    }
}
