//! The page's form fields, written once: a labelled select and its options, a labelled
//! checkbox, a whole-number input, and [`NumberField`] for views that render with every
//! frame. Every element an `html!` spells out is its own construction code in the wasm; the
//! model controls made of these have half the code they had spelled out element by element,
//! though gzip had folded most of that repetition already (docs/BENCHMARKS.md, "What the
//! page ships").

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::app::whole_number;
use crate::i18n::{tr, Text};

/// `<label>` and `<select>` with the options `options` (see [`options`]); `label` and `tip`
/// are catalogue keys, `value` is the option chosen.
#[inline(never)]
pub fn select(
    id: &'static str,
    label: &'static str,
    tip: &'static str,
    value: AttrValue,
    options: Html,
    onchange: Callback<Event>,
) -> Html {
    html! {
        <>
            <label for={id} title={tr(tip)}>{ tr(label) }</label>
            <select {id} ~value={&*value} {onchange}>{ options }</select>
        </>
    }
}

/// A select's options: each one's value, its words and whether it is the one chosen.
#[inline(never)]
pub fn options(list: Vec<(AttrValue, AttrValue, bool)>) -> Html {
    list.into_iter()
        .map(|(value, words, selected)| html! { <option {value} {selected}>{ words }</option> })
        .collect()
}

/// A checkbox with its words after it; `label` is a catalogue key, `tip` the worded tip.
#[inline(never)]
pub fn check(
    id: &'static str,
    label: &'static str,
    tip: AttrValue,
    checked: bool,
    onchange: Callback<Event>,
) -> Html {
    html! {
        <label class="check" title={tip}>
            <input {id} type="checkbox" {checked} {onchange} />
            { tr(label) }
        </label>
    }
}

/// `<label>` and a whole-number `<input>` in `min..=max` showing `value`; `label` and `tip`
/// are catalogue keys.
#[inline(never)]
pub fn number(
    id: &'static str,
    label: &'static str,
    tip: &'static str,
    (min, max): (usize, usize),
    value: String,
    onchange: Callback<Event>,
) -> Html {
    html! {
        <>
            <label for={id} title={tr(tip)}>{ tr(label) }</label>
            <input {id} type="number" min={min.to_string()} max={max.to_string()} {value} {onchange} />
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
