//! Charts: plain functions over any plotters [`DrawingBackend`], so the same code draws to the
//! page's canvas (`CanvasBackend`) and to an SVG string in a native test.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::data::signals::Series;

/// The colour of the signal line (the course notes draw the series in blue).
pub const SIGNAL_COLOUR: RGBColor = RGBColor(31, 119, 180);

/// Axis range that holds every value of `v`, padded by 5 % (or by 1 when `v` is constant), so a
/// flat or empty series still gets a drawable range.
pub fn padded_range(v: &[f64]) -> (f64, f64) {
    let finite = v.iter().copied().filter(|x| x.is_finite());
    let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
        (lo.min(x), hi.max(x))
    });
    if !lo.is_finite() {
        return (-1.0, 1.0);
    }
    let pad = if hi > lo { 0.05 * (hi - lo) } else { 1.0 };
    (lo - pad, hi + pad)
}

/// A tick label with `decimals` digits, never "-0.0" for a value that rounds to zero.
pub fn tick_label(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// Draws `series` as a line chart titled `title` onto `root`, filling it white first.
pub fn draw_signal<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    series: &Series,
    title: &str,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let (x0, x1) = match (series.x.first(), series.x.last()) {
        (Some(&a), Some(&b)) if b > a => (a, b),
        (Some(&a), _) => (a - 1.0, a + 1.0),
        _ => (0.0, 1.0),
    };
    let (y0, y1) = padded_range(&series.y);
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(48)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("x")
        .y_desc("y")
        .x_label_formatter(&|v| tick_label(*v, 1))
        .y_label_formatter(&|v| tick_label(*v, 1))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(
            series.x.iter().copied().zip(series.y.iter().copied()),
            SIGNAL_COLOUR.stroke_width(2),
        ))
        .map_err(err)?;
    root.present().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::signals::{generate, SignalParams};

    fn render(series: &Series) -> String {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (640, 320)).into_drawing_area();
            draw_signal(&root, series, "sine").expect("draws");
        }
        svg
    }

    #[test]
    fn svg_contains_title_and_one_vertex_per_sample() {
        let s = generate(&SignalParams {
            points: 50,
            ..SignalParams::default()
        });
        let svg = render(&s);
        assert!(svg.contains("\nsine\n</text>"), "title missing");
        let line = svg
            .lines()
            .find(|l| l.contains("<polyline") && l.contains("stroke=\"#1F77B4\""))
            .expect("signal polyline present");
        let points = line
            .split("points=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert_eq!(points.split_whitespace().count(), 50);
    }

    #[test]
    fn different_frequency_draws_a_different_curve() {
        let a = render(&generate(&SignalParams {
            points: 200,
            ..SignalParams::default()
        }));
        let b = render(&generate(&SignalParams {
            points: 200,
            frequency: 2.0,
            ..SignalParams::default()
        }));
        assert_ne!(a, b);
    }

    #[test]
    fn tick_labels_have_no_negative_zero() {
        assert_eq!(tick_label(-1e-17, 1), "0.0");
        assert_eq!(tick_label(-0.0, 2), "0.00");
        assert_eq!(tick_label(-0.25, 1), "-0.2");
        assert_eq!(tick_label(3.0, 0), "3");
    }

    #[test]
    fn ranges_survive_empty_constant_and_non_finite_input() {
        assert_eq!(padded_range(&[]), (-1.0, 1.0));
        assert_eq!(padded_range(&[2.0, 2.0]), (1.0, 3.0));
        assert_eq!(padded_range(&[f64::NAN, 0.0, 10.0]), (-0.5, 10.5));
        let empty = Series {
            x: vec![],
            y: vec![],
        };
        assert!(!render(&empty).is_empty());
    }
}
