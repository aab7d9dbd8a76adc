//! The series coloured by split with the model's prediction over it, and a generated signal.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::*;
use crate::data::signals::Series;

/// The colour of the signal line (the course notes draw the series in blue).
pub const SIGNAL_COLOUR: RGBColor = TRAIN_COLOUR;
use crate::i18n::tr;

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
        .caption(title, ("sans-serif", px(18)))
        .margin(12)
        .x_label_area_size(px(40))
        .y_label_area_size(px(48))
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
            series
                .x
                .iter()
                .copied()
                .zip(series.y.iter().map(|y| y.clamp(y0, y1))),
            SIGNAL_COLOUR.stroke_width(px(2)),
        ))
        .map_err(err)?;
    root.present().map_err(err)
}

/// Colours of the splits, as in the course notes (train blue, validation green, test red),
/// from Okabe and Ito's palette for colour-blind readers: blue, bluish green and vermillion
/// stay apart in every common kind of colour blindness, and the splits are also marked by
/// dashed boundaries with their names and the validation loss by dots.
pub const TRAIN_COLOUR: RGBColor = RGBColor(0, 114, 178);
pub const VALIDATION_COLOUR: RGBColor = RGBColor(0, 158, 115);
pub const TEST_COLOUR: RGBColor = RGBColor(213, 94, 0);
/// The model's prediction: Okabe and Ito's orange, lighter than the vermillion test line it
/// is drawn over.
pub const PREDICTION_COLOUR: RGBColor = RGBColor(230, 159, 0);

/// A series split into train / validation / test with the model's predictions over it.
pub struct PredictionView<'a> {
    pub x: &'a [f64],
    pub y: &'a [f64],
    /// Rows `..train_end` are training, `train_end..validation_end` validation, the rest test.
    pub train_end: usize,
    pub validation_end: usize,
    /// (x, predicted y) points, in original units.
    pub prediction: &'a [(f64, f64)],
    /// Labels for the x axis by row (a CSV's dates), when x is the row number.
    pub x_labels: Option<&'a [String]>,
}

/// The label of the row nearest `x`, when the axis counts rows and labels are given.
pub(super) fn row_label(labels: Option<&[String]>, x: f64) -> Option<String> {
    let labels = labels?;
    let row = x.round();
    (row >= 0.0 && (row as usize) < labels.len()).then(|| labels[row as usize].clone())
}

/// Draws the series coloured by split with the prediction on top.
pub fn draw_prediction<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    v: &PredictionView<'_>,
    title: &str,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let (x0, x1) = match (v.x.first(), v.x.last()) {
        (Some(&a), Some(&b)) if b > a => (a, b),
        _ => (0.0, 1.0),
    };
    let mut all: Vec<f64> = v.y.to_vec();
    all.extend(v.prediction.iter().map(|p| p.1).filter(|y| y.is_finite()));
    let (y0, y1) = padded_range(&all);
    // A small chart (compare mode's, side by side) gets fewer labels and no legend.
    let compact = root.dim_in_pixel().0 < 360;
    let n = v.x.len().min(v.y.len());
    let segments: Vec<_> = [
        (0, v.train_end.min(n), TRAIN_COLOUR, tr("chart.train")),
        (
            v.train_end.min(n).saturating_sub(1),
            v.validation_end.min(n),
            VALIDATION_COLOUR,
            tr("chart.validation"),
        ),
        (
            v.validation_end.min(n).saturating_sub(1),
            n,
            TEST_COLOUR,
            tr("chart.test"),
        ),
    ]
    .into_iter()
    .filter(|(a, b, ..)| b > &(a + 1))
    .collect();
    let mut legend: Vec<LegendEntry> = segments
        .iter()
        .map(|&(_, _, colour, label)| LegendEntry::thick(label, colour))
        .collect();
    if !v.prediction.is_empty() {
        legend.push(LegendEntry::thick(
            tr("chart.prediction_line"),
            PREDICTION_COLOUR,
        ));
    }
    // The legend goes under the plot: inside it, it covered the validation and test
    // segments, which end at the top right.
    let plot = if compact {
        root.clone()
    } else {
        legend_below(root, &legend, 10 + 52).map_err(err)?
    };
    let mut chart = ChartBuilder::on(&plot)
        .caption(title, ("sans-serif", px(if compact { 13 } else { 16 })))
        .margin(if compact { 4 } else { 10 })
        .margin_right(if compact { 12 } else { 24 })
        .x_label_area_size(px(if compact { 22 } else { 36 }))
        .y_label_area_size(px(if compact { 40 } else { 52 }))
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .light_line_style(RGBColor(238, 238, 238))
        // About one label per 90 px, so the numbers never run together.
        .x_labels(if compact {
            4
        } else {
            (root.dim_in_pixel().0 / 90).clamp(4, 10) as usize
        })
        .y_labels(if compact { 5 } else { 10 })
        .label_style(("sans-serif", px(12)))
        .x_label_formatter(&|x| row_label(v.x_labels, *x).unwrap_or_else(|| tick_label(*x, 1)))
        .y_label_formatter(&|v| tick_label(*v, 2))
        .draw()
        .map_err(err)?;
    for &(a, b, colour, _) in &segments {
        chart
            .draw_series(LineSeries::new(
                (a..b).map(|i| (v.x[i], v.y[i].clamp(y0, y1))),
                colour.stroke_width(px(2)),
            ))
            .map_err(err)?;
    }
    // Where each split begins, a dashed line and its name at the top (where it fits), so
    // the splits read without their colours.
    if !compact {
        for &(a, b, _, label) in segments.iter().skip(1) {
            let (xa, xb) = (v.x[a], v.x[b - 1]);
            chart
                .draw_series(DashedLineSeries::new(
                    [(xa, y0), (xa, y1)],
                    4,
                    4,
                    RGBColor(90, 90, 90).stroke_width(1),
                ))
                .map_err(err)?;
            let style = TextStyle::from(("sans-serif", px(11)).into_font())
                .color(&RGBColor(40, 40, 40))
                .pos(Pos::new(HPos::Left, VPos::Top));
            let area = chart.plotting_area();
            let room = area.map_coordinate(&(xb, y1)).0 - area.map_coordinate(&(xa, y1)).0;
            let width = area.estimate_text_size(label, &style).map_err(err)?.0 as i32;
            if width + 12 <= room {
                let at = area.map_coordinate(&(xa, y1));
                area.strip_coord_spec()
                    .draw(&Text::new(
                        label,
                        (at.0 + 3 - area.get_base_pixel().0, 2),
                        style,
                    ))
                    .map_err(err)?;
            }
        }
    }
    if !v.prediction.is_empty() {
        chart
            // Dashed, so the split colours underneath stay visible where the fit is good.
            .draw_series(DashedLineSeries::new(
                v.prediction
                    .iter()
                    .filter(|p| p.1.is_finite())
                    .map(|&(x, y)| (x, y.clamp(y0, y1))),
                7,
                4,
                PREDICTION_COLOUR.stroke_width(px(2)),
            ))
            .map_err(err)?;
    }
    root.present().map_err(err)
}
