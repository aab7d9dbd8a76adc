//! Keeps ARCHITECTURE.md's dependency rule true: dependencies point down
//! (ui -> train/charts -> nn, data), and nothing below `ui` touches the browser.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::fs;
use std::path::Path;

/// Fails if any file of `module` mentions one of `forbidden` (as a path or crate name).
fn assert_no_use(module: &str, forbidden: &[&str]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src")
        .join(module);
    if !dir.exists() {
        return;
    }
    let files = common::rust_files(&dir);
    assert!(!files.is_empty(), "src/{module} has no Rust files");
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for bad in forbidden {
                assert!(
                    !code.contains(bad),
                    "{}:{}: `{module}` must not depend on `{bad}` (see ARCHITECTURE.md)\n{line}",
                    file.display(),
                    n + 1
                );
            }
        }
    }
}

const BROWSER: [&str; 5] = [
    "web_sys",
    "js_sys",
    "wasm_bindgen",
    "yew",
    "plotters_canvas",
];

#[test]
fn nn_depends_on_nothing_above_or_beside_it() {
    assert_no_use(
        "nn",
        &["crate::data", "crate::charts", "crate::train", "crate::ui"],
    );
    assert_no_use("nn", &BROWSER);
}

#[test]
fn data_depends_on_nothing_above_or_beside_it() {
    assert_no_use(
        "data",
        &["crate::nn", "crate::charts", "crate::train", "crate::ui"],
    );
    assert_no_use("data", &BROWSER);
}

#[test]
fn charts_and_train_stay_below_the_ui_and_off_the_browser() {
    for module in ["charts", "train"] {
        assert_no_use(module, &["crate::ui"]);
        assert_no_use(module, &BROWSER);
    }
}

#[test]
fn the_catalogues_are_a_leaf() {
    assert_no_use(
        "i18n",
        &[
            "crate::nn",
            "crate::data",
            "crate::charts",
            "crate::train",
            "crate::ui",
        ],
    );
    assert_no_use("i18n", &BROWSER);
}
