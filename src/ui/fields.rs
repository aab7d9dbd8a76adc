//! The page's form fields, written once: a labelled select, its options, a labelled
//! checkbox. Every element an `html!` spells out is its own construction code in the wasm,
//! so a form made of calls to these is a fraction of the size of one spelled out element by
//! element (docs/BENCHMARKS.md, "What the page ships").

use yew::prelude::*;

use crate::i18n::tr;

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
