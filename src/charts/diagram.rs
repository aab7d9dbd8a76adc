//! The cell drawn as learners know it from the course notes and colah's figures: inputs
//! x_t and h_{t-1} (and c_{t-1}), each gate as a σ or tanh block, the pointwise × and +, and
//! outputs h_t (and c_t), as an SVG string. Every gate block and every wire that carries one
//! number is coloured by that number for one unit at one time step, on the heatmaps' scales
//! (σ gates: white = closed, dark blue = open; tanh values and states: blue, white at 0, red),
//! and labelled with it. Wires that carry whole vectors (the [h_{t-1}, x_t] bus into the
//! gates) are grey.

use std::fmt::Write;

use super::HeatScale;
use crate::nn::{CellKind, LstmVariant};

/// The numbers one drawing shows: the inputs of the step for the chosen unit, and the
/// step-through's values (`i_t`, `f_t`, `g_t`, `o_t`, `c_t`, `h_t`; `r_t`, `z_t`, `n_t`).
#[derive(Debug, Clone, PartialEq)]
pub struct CellValues {
    /// One feature of x_t (the drawing has one x wire): which (0-based), its value, and how
    /// many features there are. The page shows the unit's own feature where there is one
    /// (unit k, feature k: what an identity input matrix feeds it).
    pub feature: usize,
    pub x: f64,
    pub features: usize,
    pub h_prev: f64,
    pub c_prev: Option<f64>,
    pub named: Vec<(String, f64)>,
    /// A reverse direction: the previous state is labelled h_{t+1} (c_{t+1}).
    pub reverse: bool,
}

impl CellValues {
    fn get(&self, name: &str) -> f64 {
        self.named
            .iter()
            .find(|(n, _)| n == name)
            .map_or(f64::NAN, |(_, v)| *v)
    }
}

fn css(scale: HeatScale, v: f64) -> String {
    let c = scale.colour(v);
    format!("rgb({},{},{})", c.0, c.1, c.2)
}

/// An SVG under construction: wires first (underneath), then blocks and labels.
struct Svg {
    wires: String,
    top: String,
}

const UNIT: HeatScale = HeatScale::Unit;
const SIGNED: HeatScale = HeatScale::Signed;

impl Svg {
    /// A wire through `points` carrying `value` (None: a vector, drawn grey).
    fn wire(&mut self, name: &str, points: &[(i32, i32)], value: Option<(f64, HeatScale)>) {
        let pts: Vec<String> = points.iter().map(|(x, y)| format!("{x},{y}")).collect();
        let pts = pts.join(" ");
        let _ = write!(
            self.wires,
            r##"<polyline points="{pts}" fill="none" stroke="#94a3b8" stroke-width="6" stroke-linejoin="round"/>"##
        );
        match value {
            Some((v, scale)) => {
                let _ = write!(
                    self.wires,
                    r#"<polyline class="wire" data-name="{name}" data-value="{v}" points="{pts}" fill="none" stroke="{}" stroke-width="3.5" stroke-linejoin="round"/>"#,
                    css(scale, v)
                );
            }
            None => {
                let _ = write!(
                    self.wires,
                    r##"<polyline points="{pts}" fill="none" stroke="#e2e8f0" stroke-width="3" stroke-linejoin="round"/>"##
                );
            }
        }
    }

    /// A dashed wire (peepholes, 1 − f).
    fn dashed(&mut self, points: &[(i32, i32)]) {
        let pts: Vec<String> = points.iter().map(|(x, y)| format!("{x},{y}")).collect();
        let _ = write!(
            self.wires,
            r##"<polyline points="{}" fill="none" stroke="#64748b" stroke-width="1.5" stroke-dasharray="4 3"/>"##,
            pts.join(" ")
        );
    }

    /// A gate block at (`x`, `y`): its function (`σ`, `tanh`), the value's name and value.
    fn block(&mut self, name: &str, func: &str, (x, y): (i32, i32), v: f64, scale: HeatScale) {
        let fill = css(scale, v);
        let (sym, name, func) = (escape(symbol(name)), escape(name), escape(func));
        // Dark blocks get white text.
        let light = scale.colour(v);
        let luma = 0.3 * f64::from(light.0) + 0.59 * f64::from(light.1) + 0.11 * f64::from(light.2);
        let ink = if luma < 120.0 { "#fff" } else { "#0f172a" };
        let _ = write!(
            self.top,
            r##"<g class="gate" data-name="{name}" data-value="{v}"><rect x="{}" y="{}" width="48" height="28" rx="6" fill="{fill}" stroke="#334155" stroke-width="1.2"/><text x="{x}" y="{}" text-anchor="middle" font-size="13" fill="{ink}">{func}</text><text x="{x}" y="{}" text-anchor="middle" font-size="11" fill="#0f172a">{} {}</text></g>"##,
            x - 24,
            y - 14,
            y + 5,
            y + 28,
            sym,
            fmt(v)
        );
    }

    /// A pointwise operation (×, +) at (`x`, `y`).
    fn op(&mut self, symbol: &str, (x, y): (i32, i32)) {
        let symbol = escape(symbol);
        let _ = write!(
            self.top,
            r##"<g class="op"><circle cx="{x}" cy="{y}" r="10" fill="#fff" stroke="#334155" stroke-width="1.2"/><text x="{x}" y="{}" text-anchor="middle" font-size="14" fill="#0f172a">{symbol}</text></g>"##,
            y + 5
        );
    }

    /// A label at (`x`, `y`): a name and, if given, its value.
    fn label(&mut self, text: &str, (x, y): (i32, i32), anchor: &str, v: Option<f64>) {
        let value = v.map_or(String::new(), |v| format!(" = {}", fmt(v)));
        let (text, anchor) = (escape(text), escape(anchor));
        let _ = write!(
            self.top,
            r##"<text x="{x}" y="{y}" text-anchor="{anchor}" font-size="12" fill="#0f172a">{text}{value}</text>"##
        );
    }

    fn finish(self, kind: CellKind, title: &str) -> String {
        let title = escape(title);
        format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" class="cell-diagram" data-cell="{}" viewBox="0 0 600 260" role="img" aria-label="{title}"><rect x="56" y="22" width="452" height="196" rx="16" fill="#f8fafc" stroke="#cbd5e1"/>{}{}</svg>"##,
            kind.name(),
            self.wires,
            self.top
        )
    }
}

/// The name under a block: `i_t` → `i`; none under tanh(c_t), whose block says it.
fn symbol(name: &str) -> &str {
    match name {
        "tanh_c" => "",
        _ => name.strip_suffix("_t").unwrap_or(name),
    }
}

fn fmt(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.3}")
    } else {
        "–".into()
    }
}

/// `text` safe inside the SVG's elements and quoted attributes (the page puts the string in
/// as markup: a name with `<` or `"` would otherwise become markup of its own).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The diagram of `kind` coloured by `v`, titled `title` (for screen readers).
pub fn cell_svg(kind: CellKind, v: &CellValues, title: &str) -> String {
    let mut s = Svg {
        wires: String::new(),
        top: String::new(),
    };
    let (top, gate, bus) = (50, 150, 200);
    let prev = |state: &str| {
        let step = if v.reverse { "t+1" } else { "t-1" };
        format!("{state}_{{{step}}}")
    };
    let x_label = if v.features > 1 {
        crate::i18n::trf(
            "diagram.input_feature",
            &[("n", &(v.feature + 1)), ("of", &v.features)],
        )
    } else {
        "x_t".to_string()
    };
    match kind {
        CellKind::Rnn(act) => {
            let h = v.get("h_t");
            s.wire(
                "h_prev",
                &[(10, bus), (280, bus), (280, gate + 14)],
                Some((v.h_prev, SIGNED)),
            );
            s.wire("x", &[(110, 250), (110, bus)], Some((v.x, SIGNED)));
            s.wire(
                "h_t",
                &[(280, gate - 14), (280, top), (590, top)],
                Some((h, SIGNED)),
            );
            let func = match act {
                crate::nn::Activation::Tanh => "tanh",
                crate::nn::Activation::Relu => "relu",
            };
            s.block("h_t", func, (280, gate), h, SIGNED);
            s.label(&prev("h"), (12, bus - 8), "start", Some(v.h_prev));
            s.label(&x_label, (116, 246), "start", Some(v.x));
            s.label("h_t", (588, top - 8), "end", Some(h));
        }
        CellKind::Lstm(variant) => {
            let (i, f, g, o) = (v.get("i_t"), v.get("f_t"), v.get("g_t"), v.get("o_t"));
            let (c, h) = (v.get("c_t"), v.get("h_t"));
            let cp = v.c_prev.unwrap_or(0.0);
            let (xf, xi, xg, xo, xc) = (150, 215, 280, 380, 440);
            // The cell state: c_{t-1} → ×f → + → c_t.
            s.wire("c_prev", &[(10, top), (xf, top)], Some((cp, SIGNED)));
            s.wire("f_c", &[(xf, top), (250, top)], Some((f * cp, SIGNED)));
            s.wire("c_t", &[(250, top), (590, top)], Some((c, SIGNED)));
            // The bus [h_{t-1}, x_t] into every gate.
            s.wire("h_prev", &[(10, bus), (xo, bus)], Some((v.h_prev, SIGNED)));
            s.wire("x", &[(110, 250), (110, bus)], Some((v.x, SIGNED)));
            for xg_ in [xf, xi, xg, xo] {
                s.wire("", &[(xg_, bus), (xg_, gate + 14)], None);
            }
            // Gates into the state.
            s.wire("f_t", &[(xf, gate - 14), (xf, top + 10)], Some((f, UNIT)));
            s.wire(
                "i_t",
                &[(xi, gate - 14), (xi, 100), (240, 100)],
                Some((i, UNIT)),
            );
            s.wire(
                "g_t",
                &[(xg, gate - 14), (xg, 100), (260, 100)],
                Some((g, SIGNED)),
            );
            s.wire("i_g", &[(250, 90), (250, top + 10)], Some((i * g, SIGNED)));
            // The output: h_t = o_t * tanh(c_t).
            s.wire("c_t", &[(xc, top), (xc, 86)], Some((c, SIGNED)));
            s.wire(
                "tanh_c",
                &[(xc, 114), (xc, gate - 10)],
                Some((c.tanh(), SIGNED)),
            );
            s.wire("o_t", &[(xo + 24, gate), (xc - 10, gate)], Some((o, UNIT)));
            s.wire(
                "h_t",
                &[(xc, gate + 10), (xc, bus), (590, bus)],
                Some((h, SIGNED)),
            );
            if variant == LstmVariant::Peephole {
                s.dashed(&[(xf - 16, top), (xf - 16, gate - 14)]);
                s.dashed(&[(xi - 16, top), (xi - 16, gate - 14)]);
                s.dashed(&[(xo - 16, top), (xo - 16, gate - 14)]);
                s.label("peepholes (dashed)", (70, 100), "start", None);
            }
            s.op("×", (xf, top));
            s.op("+", (250, top));
            s.op("×", (250, 100));
            s.op("×", (xc, gate));
            s.block("f_t", "σ", (xf, gate), f, UNIT);
            if variant == LstmVariant::Coupled {
                s.dashed(&[(xf + 24, gate + 4), (xi - 24, gate + 4)]);
                s.block("i_t", "1 − f", (xi, gate), i, UNIT);
            } else {
                s.block("i_t", "σ", (xi, gate), i, UNIT);
            }
            s.block("g_t", "tanh", (xg, gate), g, SIGNED);
            s.block("o_t", "σ", (xo, gate), o, UNIT);
            s.block("tanh_c", "tanh", (xc, 100), c.tanh(), SIGNED);
            s.label(&prev("c"), (12, top - 8), "start", Some(cp));
            s.label("c_t", (588, top - 8), "end", Some(c));
            s.label(&prev("h"), (12, bus - 8), "start", Some(v.h_prev));
            s.label(&x_label, (116, 246), "start", Some(v.x));
            s.label("h_t", (588, bus - 8), "end", Some(h));
        }
        CellKind::Gru => {
            let (r, z, n, h) = (v.get("r_t"), v.get("z_t"), v.get("n_t"), v.get("h_t"));
            let (xr, xz, xm, xn) = (150, 240, 320, 420);
            // h_{t-1} → ×z → + → h_t along the top; (1 − z)·n joins at +.
            s.wire("h_prev", &[(10, top), (xz, top)], Some((v.h_prev, SIGNED)));
            s.wire("z_h", &[(xz, top), (xn, top)], Some((z * v.h_prev, SIGNED)));
            s.wire("h_t", &[(xn, top), (590, top)], Some((h, SIGNED)));
            s.wire(
                "h_prev",
                &[(30, top), (30, bus), (xm, bus)],
                Some((v.h_prev, SIGNED)),
            );
            s.wire("x", &[(110, 250), (110, bus)], Some((v.x, SIGNED)));
            for x in [xr, xz] {
                s.wire("", &[(x, bus), (x, gate + 14)], None);
            }
            // r scales the hidden part of the candidate: r ⊙ (W_hn h_{t-1} + b_hn).
            s.wire("", &[(xm, bus), (xm, gate + 10)], None);
            s.wire(
                "r_t",
                &[(xr, gate - 14), (xr, 110), (xm, 110), (xm, gate - 10)],
                Some((r, UNIT)),
            );
            s.wire("", &[(xm + 10, gate), (xn - 24, gate)], None);
            s.wire("n_t", &[(xn, gate - 14), (xn, 110)], Some((n, SIGNED)));
            s.wire("z_t", &[(xz, gate - 14), (xz, top + 10)], Some((z, UNIT)));
            s.wire(
                "one_minus_z",
                &[(xz, 90), (xn - 10, 90)],
                Some((1.0 - z, UNIT)),
            );
            s.wire(
                "zn",
                &[(xn, 80), (xn, top + 10)],
                Some(((1.0 - z) * n, SIGNED)),
            );
            s.op("×", (xz, top));
            s.op("+", (xn, top));
            s.op("×", (xm, gate));
            s.op("×", (xn, 90));
            s.block("r_t", "σ", (xr, gate), r, UNIT);
            s.block("z_t", "σ", (xz, gate), z, UNIT);
            s.block("n_t", "tanh", (xn, gate), n, SIGNED);
            s.label("1 − z", (xz + 40, 84), "start", Some(1.0 - z));
            s.label(&prev("h"), (12, top - 8), "start", Some(v.h_prev));
            s.label(&x_label, (116, 246), "start", Some(v.x));
            s.label("h_t", (588, top - 8), "end", Some(h));
        }
    }
    s.finish(kind, title)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(named: &[(&str, f64)]) -> CellValues {
        CellValues {
            feature: 0,
            x: 0.25,
            features: 1,
            h_prev: -0.5,
            c_prev: Some(0.75),
            named: named.iter().map(|(n, v)| (n.to_string(), *v)).collect(),
            reverse: false,
        }
    }

    /// The attribute `attr` of the element whose `data-name` is `name`.
    fn attr_of(svg: &str, name: &str, attr: &str) -> Option<String> {
        let at = svg.find(&format!(r#"data-name="{name}""#))?;
        let rest = &svg[at..];
        let start = rest.find(&format!(r#"{attr}=""#))? + attr.len() + 2;
        Some(rest[start..start + rest[start..].find('"')?].to_string())
    }

    /// Text put into the SVG is escaped: a title (or a name) holding markup stays text.
    #[test]
    fn text_in_the_diagram_is_escaped() {
        let v = values(&[("h_t", 0.1), ("odd<\"name\">", 0.2)]);
        let svg = cell_svg(CellKind::Gru, &v, "GRU \"<script>alert(1)</script>\" & co");
        assert!(!svg.contains("<script"), "{svg}");
        assert!(
            svg.contains("&lt;script&gt;") && svg.contains("&quot;") && svg.contains("&amp; co")
        );
        assert_eq!(svg.matches("<svg").count(), 1);
    }

    #[test]
    fn lstm_gates_and_states_are_coloured_by_their_values() {
        let v = values(&[
            ("i_t", 0.9),
            ("f_t", 0.05),
            ("g_t", -0.8),
            ("o_t", 0.6),
            ("c_t", -0.6825),
            ("h_t", -0.3563),
        ]);
        let svg = cell_svg(CellKind::Lstm(LstmVariant::Standard), &v, "LSTM");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        // A nearly closed forget gate is nearly white; an open input gate dark blue.
        assert_eq!(attr_of(&svg, "f_t", "data-value").unwrap(), "0.05");
        let f_fill = svg
            .split(r#"data-name="f_t" data-value="0.05"><rect"#)
            .nth(1)
            .unwrap();
        assert!(f_fill.contains(&css(UNIT, 0.05)), "the f block's fill");
        assert_eq!(
            attr_of(&svg, "c_t", "stroke").unwrap(),
            css(SIGNED, -0.6825)
        );
        assert_eq!(
            attr_of(&svg, "c_prev", "stroke").unwrap(),
            css(SIGNED, 0.75)
        );
        // The product on the state line: f · c_{t-1}.
        assert_eq!(
            attr_of(&svg, "f_c", "data-value").unwrap(),
            (0.05 * 0.75f64).to_string()
        );
        for text in [
            "f 0.050",
            "i 0.900",
            "g -0.800",
            "o 0.600",
            "c_t = -0.682",
            "h_{t-1} = -0.500",
        ] {
            assert!(svg.contains(text), "{text}");
        }
        assert!(!svg.contains("peepholes"));
    }

    #[test]
    fn each_cell_kind_draws_its_own_blocks() {
        let lstm = values(&[
            ("i_t", 0.5),
            ("f_t", 0.5),
            ("g_t", 0.1),
            ("o_t", 0.5),
            ("c_t", 0.1),
            ("h_t", 0.05),
        ]);
        let peep = cell_svg(CellKind::Lstm(LstmVariant::Peephole), &lstm, "");
        assert!(peep.contains("peepholes") && peep.contains("stroke-dasharray"));
        let coupled = cell_svg(CellKind::Lstm(LstmVariant::Coupled), &lstm, "");
        assert!(coupled.contains(">1 − f<"));
        let gru = cell_svg(
            CellKind::Gru,
            &values(&[("r_t", 0.2), ("z_t", 0.7), ("n_t", -0.4), ("h_t", -0.47)]),
            "",
        );
        for name in ["r_t", "z_t", "n_t", "h_t", "one_minus_z"] {
            assert!(gru.contains(&format!(r#"data-name="{name}""#)), "{name}");
        }
        assert!(!gru.contains("c_{t-1}"));
        let rnn = cell_svg(
            CellKind::Rnn(crate::nn::Activation::Tanh),
            &values(&[("h_t", 0.537)]),
            "",
        );
        assert!(rnn.contains("h_t = 0.537") && rnn.contains(">tanh<"));
        assert!(!rnn.contains(r#"data-name="f_t""#));
    }

    /// In a reverse direction the state coming in is step t+1's, and the labels say so.
    #[test]
    fn a_reverse_direction_labels_the_state_from_t_plus_1() {
        for kind in CellKind::ALL {
            let mut v = values(&[("h_t", 0.1)]);
            v.reverse = true;
            let svg = cell_svg(kind, &v, "");
            assert!(svg.contains("h_{t+1} = -0.500"), "{kind:?}");
            assert_eq!(
                svg.contains("c_{t+1} = 0.750"),
                kind.has_cell_state(),
                "{kind:?}"
            );
            assert!(!svg.contains("_{t-1}"), "{kind:?}");
        }
    }
}
