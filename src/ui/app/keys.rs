//! Keys: Space plays or pauses, the right arrow steps, E runs the epoch, R resets (keys go to
//! the focused control first); on the tabs, arrows, Home and End move between them (the
//! WAI-ARIA tabs pattern).

use super::*;

/// The page's own keys, listened to on the document.
pub(super) fn page_keys(ctx: &Context<App>) -> Option<EventListener> {
    let link = ctx.link().clone();
    web_sys::window().and_then(|w| w.document()).map(|doc| {
        EventListener::new_with_options(
            &doc,
            "keydown",
            EventListenerOptions::enable_prevent_default(),
            move |e| {
                let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                    return;
                };
                let target = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok());
                let tag = target.as_ref().map(|el| el.tag_name()).unwrap_or_default();
                // A tab takes its own arrow keys (see the tab list).
                let on_tab = target
                    .as_ref()
                    .is_some_and(|el| el.get_attribute("role").as_deref() == Some("tab"));
                // Typing, and the browser's own shortcuts (Ctrl+R, Ctrl+E), are not ours.
                if matches!(tag.as_str(), "INPUT" | "SELECT" | "TEXTAREA")
                    || (on_tab && e.key().starts_with("Arrow"))
                    || e.ctrl_key()
                    || e.meta_key()
                    || e.alt_key()
                {
                    return;
                }
                match e.key().as_str() {
                    // Space presses a focused button (or opens a summary, follows a link):
                    // keys go to the focused control first; elsewhere it is play/pause.
                    " " if !matches!(tag.as_str(), "BUTTON" | "SUMMARY" | "A" | "LABEL") => {
                        e.prevent_default();
                        link.send_message(Msg::Do(Action::Run(RunControl::TogglePlay)));
                    }
                    "ArrowRight" => link.send_message(Msg::Do(Action::Run(RunControl::Step))),
                    // A presenter's clicker sends these: the tour's next and previous step.
                    "PageDown" => {
                        e.prevent_default();
                        link.send_message(Msg::Do(Action::Tour(TourChange::Next)));
                    }
                    "PageUp" => {
                        e.prevent_default();
                        link.send_message(Msg::Do(Action::Tour(TourChange::Back)));
                    }
                    "e" | "E" => link.send_message(Msg::Do(Action::Run(RunControl::StepEpoch))),
                    "r" | "R" => link.send_message(Msg::Do(Action::Model(ModelChange::Reset))),
                    _ => {}
                }
            },
        )
    })
}

/// Arrow keys, Home and End on a focused tab move to (and focus) another tab.
pub(super) fn tab_keys(ctx: &Context<App>) -> Callback<KeyboardEvent> {
    ctx.link().batch_callback(|e: KeyboardEvent| {
        let focused = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|el| el.id())
            .unwrap_or_default();
        let at = Tab::ALL
            .iter()
            .position(|t| format!("tab-{}", t.id()) == focused)?;
        let n = Tab::ALL.len();
        let next = match e.key().as_str() {
            "ArrowRight" => (at + 1) % n,
            "ArrowLeft" => (at + n - 1) % n,
            "Home" => 0,
            "End" => n - 1,
            _ => return None,
        };
        e.prevent_default();
        let tab = Tab::ALL[next];
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&format!("tab-{}", tab.id())))
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
        Some(Msg::Do(Action::Show(ShowChange::Tab(tab))))
    })
}
