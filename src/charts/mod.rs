//! Charts: plain functions over any plotters [`DrawingBackend`], so the same code draws to the
//! page's canvas (`ui::canvas::Canvas`) and to an SVG string in a native test.

pub mod diagram;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::i18n::tr;

mod axes;
mod flow;
mod heatmap;
mod legend;
mod loss;
mod prediction;

pub use axes::*;
pub use flow::*;
pub use heatmap::*;
use legend::*;
pub use loss::*;
pub use prediction::*;

thread_local! {
    /// How much larger than drawn at 1 the charts make their type and lines (the page's
    /// projector theme sets 1.5; one setting for the page, as the language is).
    static SCALE: std::cell::Cell<f64> = const { std::cell::Cell::new(1.0) };
}

/// Makes every chart's type and lines `scale` times as large (clamped to [0.5, 3]).
pub fn set_scale(scale: f64) {
    SCALE.with(|s| s.set(scale.clamp(0.5, 3.0)));
}

/// `n` pixels at the charts' scale.
pub(crate) fn px(n: u32) -> u32 {
    SCALE.with(|s| (f64::from(n) * s.get()).round() as u32)
}

/// The note in the middle of a chart that has nothing to show yet (no step trained).
fn draw_empty_note<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &ChartContext<'a, DB, CT>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let area = chart.plotting_area().strip_coord_spec();
    let (w, h) = area.dim_in_pixel();
    let style = TextStyle::from(("sans-serif", px(13)).into_font())
        .color(&RGBColor(110, 110, 110))
        .pos(Pos::new(HPos::Center, VPos::Center));
    area.draw(&Text::new(
        tr("chart.empty"),
        (w as i32 / 2, h as i32 / 2),
        style,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::signals::Series;

    /// The opening tag of the `element` (e.g. `<text`) that holds byte `at` of `svg`.
    fn element_at<'a>(svg: &'a str, at: usize, element: &str) -> &'a str {
        let start = svg[..at]
            .rfind(element)
            .unwrap_or_else(|| panic!("no {element} before byte {at}"));
        &svg[start..at]
    }

    /// A numeric attribute of an SVG opening tag.
    fn number_attr(tag: &str, name: &str) -> f64 {
        let i = tag
            .find(&format!(" {name}=\""))
            .unwrap_or_else(|| panic!("no {name} in {tag}"))
            + name.len()
            + 3;
        tag[i..i + tag[i..].find('"').unwrap()].parse().unwrap()
    }

    /// The opening tag of the `<text>` element whose text is `label`.
    fn text_tag<'a>(svg: &'a str, label: &str) -> &'a str {
        let at = svg
            .find(&format!("\n{label}\n</text>"))
            .unwrap_or_else(|| panic!("no text {label}"));
        element_at(svg, at, "<text")
    }
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
            .find(|l| l.contains("<polyline") && l.contains("stroke=\"#0072B2\""))
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
    fn prediction_chart_draws_each_split_and_the_prediction() {
        let x: Vec<f64> = (0..100).map(f64::from).collect();
        let y: Vec<f64> = x.iter().map(|v| (v / 10.0).sin()).collect();
        let pred: Vec<(f64, f64)> = x.iter().map(|&v| (v, 0.9 * (v / 10.0).sin())).collect();
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (640, 320)).into_drawing_area();
            let view = PredictionView {
                x: &x,
                y: &y,
                train_end: 60,
                validation_end: 80,
                prediction: &pred,
                x_labels: None,
            };
            draw_prediction(&root, &view, "fit").unwrap();
        }
        for colour in ["#0072B2", "#009E73", "#D55E00", "#E69F00"] {
            assert!(
                svg.contains(&format!("stroke=\"{colour}\"")),
                "{colour} missing"
            );
        }
        // The legend: each label once, in a row under the plot (inside it, the top right
        // corner covered the validation and test segments, which end there).
        let mut xs = Vec::new();
        for label in ["train", "validation", "test", "prediction"] {
            let tag = text_tag(&svg, label);
            let (x, y) = (number_attr(tag, "x"), number_attr(tag, "y"));
            assert!(y > 290.0, "{label} under the plot: {tag}");
            xs.push(x);
        }
        assert!(xs.windows(2).all(|w| w[1] > w[0]), "{xs:?}");
    }

    #[test]
    fn row_labels_name_the_nearest_row() {
        let labels = vec!["2024-01-01".to_string(), "2024-01-02".to_string()];
        assert_eq!(row_label(Some(&labels), 0.8).as_deref(), Some("2024-01-02"));
        assert_eq!(row_label(Some(&labels), 5.0), None);
        assert_eq!(row_label(None, 0.0), None);
    }

    #[test]
    fn loss_chart_survives_nan_and_empty_history() {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (400, 240)).into_drawing_area();
            for scale in [LossScale::Log, LossScale::Linear] {
                draw_losses(
                    &root,
                    &[(1.0, 0.5), (2.0, f64::NAN), (3.0, 0.1)],
                    &[],
                    scale,
                )
                .unwrap();
                draw_losses(&root, &[], &[], scale).unwrap();
            }
        }
        assert!(svg.contains("loss (log scale)") && svg.contains("loss (linear scale)"));
        // Only the empty history says it fills in later.
        assert_eq!(
            svg.matches("drawn after the first training step").count(),
            2
        );
    }

    /// Before the first step the flow chart and the heatmaps are drawn empty, with a note
    /// (rather than left showing whatever the canvas held, such as the previous run).
    #[test]
    fn empty_charts_say_when_they_fill_in() {
        let note = "drawn after the first training step";
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (500, 260)).into_drawing_area();
            draw_gradient_flow(&root, &[], "gradient flow").unwrap();
        }
        assert!(svg.contains(note), "{svg}");
        let mut svg = String::new();
        let grid = {
            let root = SVGBackend::with_string(&mut svg, (300, 160)).into_drawing_area();
            draw_heatmap(&root, "f", &[], 0, 0, HeatScale::Unit, 1, HeatCells::Image).unwrap()
        };
        assert!(svg.contains(note));
        assert_eq!(grid.cell_at(150.0, 80.0), None);
        let zeros = [0.0, f64::NAN];
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (500, 260)).into_drawing_area();
            let line = FlowLine {
                at: None,
                label: "dh".into(),
                norms: &zeros,
                dashed: false,
                colour: 0,
            };
            draw_gradient_flow(&root, &[line], "gradient flow").unwrap();
        }
        assert!(
            svg.contains(note),
            "a line with no positive norm draws nothing either"
        );
    }

    /// A line with positions (a compared run's thinned loss history) is drawn against them:
    /// the x axis reaches its last step, not its number of points.
    #[test]
    fn log_lines_with_positions_span_their_steps() {
        let draw = |at: Option<&[f64]>| {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, (500, 260)).into_drawing_area();
                let line = FlowLine {
                    at,
                    label: "LSTM".into(),
                    norms: &[1.0, 0.5, 0.25],
                    dashed: false,
                    colour: 0,
                };
                draw_log_lines(&root, &[line], "loss", "step").unwrap();
            }
            svg
        };
        let svg = draw(Some(&[1.0, 5_000.0, 20_000.0]));
        assert!(svg.contains("\n20000\n</text>"), "{svg}");
        assert!(!draw(None).contains("\n20000\n</text>"));
    }

    /// One polyline per flow line, with one vertex per positive finite norm.
    #[test]
    fn gradient_flow_draws_each_line_and_skips_zeros() {
        let dh = [1e-9, 1e-6, 0.0, 1e-3, 1.0];
        let dc = [0.1, 0.2, 0.3, f64::NAN, 0.5];
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (500, 260)).into_drawing_area();
            draw_gradient_flow(
                &root,
                &[
                    FlowLine {
                        at: None,
                        label: "dh".into(),
                        norms: &dh,
                        dashed: false,
                        colour: 0,
                    },
                    FlowLine {
                        at: None,
                        label: "dc".into(),
                        norms: &dc,
                        dashed: true,
                        colour: 0,
                    },
                ],
                "gradient flow",
            )
            .unwrap();
        }
        let mut empty = String::new();
        {
            let root = SVGBackend::with_string(&mut empty, (500, 260)).into_drawing_area();
            draw_gradient_flow(&root, &[], "empty").unwrap();
        }
        assert!(svg.contains("gradient flow") && svg.contains("\ndh\n") && svg.contains("\ndc\n"));
        // The solid line's polyline (the longest with its width; its legend mark has 2 points).
        let vertices = svg
            .lines()
            .filter(|l| l.contains("<polyline") && l.contains("stroke-width=\"2\""))
            .map(|l| l.matches(',').count())
            .max();
        assert_eq!(vertices, Some(4), "four positive norms of five");
        // The legend is under the chart (below the x axis' title), where it covers no line;
        // two short labels share a row.
        let text_y = |label: &str| number_attr(text_tag(&svg, label), "y");
        assert!(text_y("dh") > text_y("time step t"), "{svg}");
        assert_eq!(text_y("dh"), text_y("dc"));
    }

    /// One filled cell per (t, unit), coloured on the scale; the colour bar is labelled.
    #[test]
    fn heatmaps_colour_every_cell_on_their_scale() {
        assert_eq!(HeatScale::Unit.colour(0.0), RGBColor(255, 255, 255));
        assert_eq!(HeatScale::Unit.colour(1.0), RGBColor(8, 48, 107));
        assert_eq!(HeatScale::Signed.colour(0.0), RGBColor(255, 255, 255));
        assert_eq!(HeatScale::Signed.colour(-2.0), RGBColor(33, 102, 172));
        assert_eq!(HeatScale::Signed.colour(f64::NAN), RGBColor(255, 255, 255));
        let values: Vec<f64> = (0..12).map(|k| k as f64 / 11.0).collect();
        let mut svg = String::new();
        let grid = {
            let root = SVGBackend::with_string(&mut svg, (300, 160)).into_drawing_area();
            draw_heatmap(
                &root,
                "forget gate f",
                &values,
                4,
                3,
                HeatScale::Unit,
                1,
                HeatCells::Rectangles,
            )
            .unwrap()
        };
        assert!(svg.contains("forget gate f"));
        // The grid maps the pixel at the centre of the drawn last cell (t = 3, unit 2,
        // value 1.0) back to that cell, and nothing outside the grid to a cell.
        let at = svg.find("fill=\"#08306B\"").expect("the last cell");
        let rect = element_at(&svg, at, "<rect");
        let attr = |name: &str| number_attr(rect, name);
        let (cx, cy) = (
            attr("x") + attr("width") / 2.0,
            attr("y") + attr("height") / 2.0,
        );
        assert_eq!(grid.cell_at(cx, cy), Some((3, 2)), "{rect} in {grid:?}");
        assert_eq!(
            grid.cell_at(f64::from(grid.x.start) + 0.5, f64::from(grid.y.start) + 0.5),
            Some((0, 0))
        );
        assert_eq!(grid.cell_at(f64::from(grid.x.end) + 1.0, cy), None);
        assert_eq!(grid.cell_at(cx, f64::from(grid.y.start) - 1.0), None);
        // The darkest cell (the last, 1.0) is drawn in the scale's end colour.
        assert!(svg.contains("#08306B"), "the value 1.0 is dark blue");
        assert!(
            svg.contains("\n0.5\n") || svg.contains(">0.5<"),
            "the bar's middle label"
        );
    }

    /// The image a canvas puts into the grid has every cell's rectangle colour at (t, u), and
    /// leaving the cells to it draws the same frame (grid, title, bar) without them.
    #[test]
    fn a_heatmap_image_has_the_cells_colours() {
        let (steps, units) = (5, 3);
        let values: Vec<f64> = (0..steps * units)
            .map(|k| (k as f64 * 0.37).sin())
            .collect();
        let rgba = heat_rgba(&values, steps, units, HeatScale::Signed);
        assert_eq!(rgba.len(), steps * units * 4);
        for t in 0..steps {
            for u in 0..units {
                let at = (u * steps + t) * 4;
                let RGBColor(r, g, b) = HeatScale::Signed.colour(values[t * units + u]);
                assert_eq!(&rgba[at..at + 4], &[r, g, b, 255], "cell ({t}, {u})");
            }
        }
        let draw = |cells| {
            let mut svg = String::new();
            let grid = {
                let root = SVGBackend::with_string(&mut svg, (300, 160)).into_drawing_area();
                draw_heatmap(
                    &root,
                    "h",
                    &values,
                    steps,
                    units,
                    HeatScale::Signed,
                    1,
                    cells,
                )
                .unwrap()
            };
            (svg, grid)
        };
        let (with, grid) = draw(HeatCells::Rectangles);
        let (without, same) = draw(HeatCells::Image);
        assert_eq!(grid, same);
        let rects = |svg: &str| svg.matches("<rect").count();
        assert_eq!(rects(&with) - rects(&without), steps * units);
    }

    #[test]
    fn log_and_count_axes_label_only_round_values() {
        assert_eq!(log_label(1e-3), "1e-3");
        assert_eq!(log_label(2e-3), "2e-3");
        assert_eq!(log_label(5e4), "5e4");
        assert_eq!(log_label(3e-3), "");
        assert_eq!(log_label(9e-1), "");
        assert_eq!(log_label(0.0), "");
        assert_eq!(log_axis_label(0.3, 0.45)(&0.4), "4.0e-1");
        assert_eq!(log_axis_label(0.3, 0.55)(&0.4), "");
        assert_eq!(log_axis_label(0.3, 0.55)(&0.5), "5e-1");
        assert_eq!(count_label(2.0), "2");
        assert_eq!(count_label(2.5), "");
        assert_eq!(count_label(-1e-9), "0");
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
        // Extreme values: a finite span (an infinite one sent plotters' ticks into an endless
        // loop), and a constant huge value still gets a range wider than rounding.
        let (lo, hi) = padded_range(&[9e307, -9e307, 1e308]);
        assert!(
            (hi - lo).is_finite() && lo < -1e299 && hi > 1e299,
            "{lo} {hi}"
        );
        let (lo, hi) = padded_range(&[1e20, 1e20]);
        assert!(lo < 1e20 && hi > 1e20);
        let extreme = Series {
            x: vec![0.0, 1.0, 2.0, 3.0],
            y: vec![9e307, -9e307, 9e307, -9e307],
        };
        assert!(!render(&extreme).is_empty());
        let empty = Series {
            x: vec![],
            y: vec![],
        };
        assert!(!render(&empty).is_empty());
    }
}
