//! Hooks the page exposes to its tests and benchmarks (`window.wasmBindings.…`), not used by
//! the app itself.

use wasm_bindgen::prelude::*;

use super::worker;

/// Test hook: panics on purpose so a page test can check that a wasm panic is shown in the
/// page instead of silently killing it. Reachable as `window.wasmBindings.rnnLabSelfTestPanic`.
#[wasm_bindgen(js_name = rnnLabSelfTestPanic)]
pub fn self_test_panic() {
    panic!("self-test panic requested by rnnLabSelfTestPanic()");
}

/// Test hook: traps the page's own wasm (as running out of memory would), so a page test can
/// check the trap is shown in the page. `window.wasmBindings.rnnLabSelfTestPageTrap`.
#[wasm_bindgen(js_name = rnnLabSelfTestPageTrap)]
pub fn self_test_page_trap() {
    // A trap, not a panic: the panic hook is not called.
    std::process::abort();
}

/// Test hook: makes the training worker trap, as a run that runs out of memory would, so a
/// page test can check the page says so and trains again. `window.wasmBindings
/// .rnnLabSelfTestWorkerTrap`.
#[wasm_bindgen(js_name = rnnLabSelfTestWorkerTrap)]
pub fn self_test_worker_trap() {
    worker::self_test_trap();
}

/// Benchmark hook: names of the training-step benchmarks, comma-separated.
#[wasm_bindgen(js_name = rnnLabBenchmarkNames)]
pub fn benchmark_names() -> String {
    crate::nn::benchmark::CONFIGS
        .iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(",")
}

/// Benchmark hook: runs the named training-step benchmark (the same work as `cargo bench`)
/// for about `seconds` after a short warm-up and returns steps per second. Blocks the page
/// while it runs; used by `scripts/bench_browser.mjs`, not by the app.
#[wasm_bindgen(js_name = rnnLabBenchmark)]
pub fn benchmark(name: &str, seconds: f64) -> Result<f64, JsValue> {
    let config = crate::nn::benchmark::CONFIGS
        .iter()
        .find(|c| c.name == name)
        .ok_or_else(|| JsValue::from_str(&format!("no benchmark named {name:?}")))?;
    let mut bench = crate::nn::benchmark::TrainBench::new(config);
    for _ in 0..5 {
        bench.step();
    }
    let start = js_sys::Date::now();
    let mut steps = 0u32;
    while js_sys::Date::now() - start < seconds * 1000.0 {
        bench.step();
        steps += 1;
    }
    Ok(f64::from(steps) / ((js_sys::Date::now() - start) / 1000.0))
}

/// Benchmark hook: the raw training speed of a lesson's run (its default settings), stepped
/// flat out with `Session::step`, no frames and no drawing: the figure the page's own
/// training speed is measured against (`scripts/bench_page.mjs`). `lesson` is its link name
/// (`sine_next_value`, ...). Returns steps per second after two warm-up steps.
#[wasm_bindgen(js_name = rnnLabLessonBenchmark)]
pub fn lesson_benchmark(lesson: &str, seconds: f64) -> Result<f64, JsValue> {
    use crate::train::lessons::Lesson;
    let lesson = Lesson::from_key(lesson)
        .ok_or_else(|| JsValue::from_str(&format!("no lesson named {lesson:?}")))?;
    let p = lesson
        .prepare(&lesson.defaults())
        .map_err(|e| JsValue::from_str(&e.to_string()))?;
    let mut s = crate::train::Session::new(p.config, p.dataset)
        .map_err(|e| JsValue::from_str(&e.to_string()))?;
    for _ in 0..2 {
        s.step();
    }
    let start = js_sys::Date::now();
    let mut steps = 0u32;
    while steps < 3 || js_sys::Date::now() - start < seconds * 1000.0 {
        s.step();
        steps += 1;
    }
    Ok(f64::from(steps) / ((js_sys::Date::now() - start) / 1000.0))
}

/// Benchmark hook: builds the 850,000-row OHLCV CSV of `benches/parse_csv.rs` in wasm, then
/// times parsing it. Returns `[milliseconds, rows, megabytes]`.
#[wasm_bindgen(js_name = rnnLabBenchmarkCsv)]
pub fn benchmark_csv() -> Result<Vec<f64>, JsValue> {
    let symbols: Vec<String> = (0..170).map(|k| format!("SYN{k:03}")).collect();
    let refs: Vec<&str> = symbols.iter().map(String::as_str).collect();
    let text = crate::data::samples::stock_like_with(5000, &refs);
    let start = js_sys::Date::now();
    let table = crate::data::table::parse_csv(text.as_bytes(), &Default::default())
        .map_err(|e| JsValue::from_str(&e.to_string()))?;
    let ms = js_sys::Date::now() - start;
    Ok(vec![ms, table.rows as f64, text.len() as f64 / 1048576.0])
}
