//! Training and validation loss against the step, on a log or linear axis.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::*;
use crate::i18n::tr;

/// The loss chart's y axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LossScale {
    /// Orders of magnitude: how a converging loss usually looks.
    Log,
    /// Plain values: how far the loss really fell, and a flat loss looks flat.
    Linear,
}

/// Draws training and validation loss against the step. On the log scale, non-positive
/// and non-finite points are left out; on the linear scale, non-finite ones.
pub fn draw_losses<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    train: &[(f64, f64)],
    validation: &[(f64, f64)],
    scale: LossScale,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let log = scale == LossScale::Log;
    let keep = move |p: &&(f64, f64)| p.1.is_finite() && (!log || p.1 > 0.0);
    let (lo, hi) = train
        .iter()
        .chain(validation)
        .filter(keep)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), p| {
            (l.min(p.1), h.max(p.1))
        });
    let x1 = train
        .iter()
        .chain(validation)
        .map(|p| p.0)
        .fold(1.0f64, f64::max);
    let train: Vec<(f64, f64)> = train.iter().filter(keep).copied().collect();
    let validation: Vec<(f64, f64)> = validation.iter().filter(keep).copied().collect();
    // The legend under the plot: inside, it covered the latest losses at the top right.
    // The validation line's entry only once it has points: a run without held-out data
    // never draws one.
    let mut legend = vec![LegendEntry::thick(
        tr("chart.train_per_batch"),
        TRAIN_COLOUR,
    )];
    if !validation.is_empty() {
        legend
            .push(LegendEntry::thick(tr("chart.validation_per_epoch"), VALIDATION_COLOUR).dotted());
    }
    let plot = legend_below(root, &legend, 10 + 60).map_err(err)?;
    let mut builder = ChartBuilder::on(&plot);
    builder
        .margin(10)
        .x_label_area_size(px(36))
        .y_label_area_size(px(60));
    if log {
        let (lo, hi) = if lo.is_finite() {
            (lo * 0.8, hi * 1.25)
        } else {
            (1e-4, 1.0)
        };
        let mut chart = builder
            .caption(tr("chart.loss_log"), ("sans-serif", px(16)))
            .build_cartesian_2d(0.0..x1, (lo..hi).log_scale())
            .map_err(err)?;
        loss_lines(&mut chart, &log_axis_label(lo, hi), &train, &validation).map_err(err)
    } else {
        let hi = if hi.is_finite() && hi > 0.0 {
            hi * 1.05
        } else {
            1.0
        };
        let mut chart = builder
            .caption(tr("chart.loss_linear"), ("sans-serif", px(16)))
            .build_cartesian_2d(0.0..x1, 0.0..hi)
            .map_err(err)?;
        loss_lines(&mut chart, &|v| format!("{v:.3}"), &train, &validation).map_err(err)
    }?;
    root.present().map_err(err)
}

/// Most dots on the validation line.
const MAX_DOTS: usize = 40;

/// The mesh (y labels by `y_label`) and the two loss lines, on either y axis.
pub(super) fn loss_lines<
    'a,
    DB: DrawingBackend + 'a,
    Y: Ranged<ValueType = f64> + plotters::coord::ranged1d::ValueFormatter<f64>,
>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<plotters::coord::types::RangedCoordf64, Y>>,
    y_label: &dyn Fn(&f64) -> String,
    train: &[(f64, f64)],
    validation: &[(f64, f64)],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    chart
        .configure_mesh()
        .light_line_style(RGBColor(238, 238, 238))
        .x_desc(tr("chart.step"))
        .label_style(("sans-serif", px(12)))
        .axis_desc_style(("sans-serif", px(12)))
        .x_label_formatter(&|v| count_label(*v))
        .y_label_formatter(y_label)
        .draw()?;
    if train.is_empty() && validation.is_empty() {
        draw_empty_note(chart)?;
    }
    chart.draw_series(LineSeries::new(
        train.iter().copied(),
        TRAIN_COLOUR.stroke_width(px(1)),
    ))?;
    chart.draw_series(LineSeries::new(
        validation.iter().copied(),
        VALIDATION_COLOUR.stroke_width(px(2)),
    ))?;
    // Dots on the validation line (at most MAX_DOTS, evenly spread), so the two lines
    // differ by more than colour.
    let every = validation.len().div_ceil(MAX_DOTS).max(1);
    chart.draw_series(
        validation
            .iter()
            .step_by(every)
            .map(|&p| Circle::new(p, POINT_DOT * px(1) as i32, VALIDATION_COLOUR.filled())),
    )?;
    Ok(())
}
