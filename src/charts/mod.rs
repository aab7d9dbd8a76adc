//! Charts: plain functions over any plotters [`DrawingBackend`], so the same code draws to the
//! page's canvas (`ui::canvas::Canvas`) and to an SVG string in a native test.

pub mod diagram;

use crate::i18n::tr;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

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

/// A label for a count axis (steps, time steps): whole numbers only, so a short run's axis
/// does not read "0 0 1 2 2".
pub fn count_label(v: f64) -> String {
    if (v - v.round()).abs() < 1e-6 {
        tick_label(v.round(), 0)
    } else {
        String::new()
    }
}

/// A label for a log axis: only at 1, 2 and 5 times a power of ten (evenly spread on a log
/// axis), so the ticks plotters puts at 3, 4, 6, ... 9 do not crowd the top of each decade.
pub fn log_label(v: f64) -> String {
    if !(v.is_finite() && v > 0.0) {
        return String::new();
    }
    let mantissa = v / 10f64.powf(v.log10().floor());
    if [1.0, 2.0, 5.0, 10.0]
        .iter()
        .any(|m| (mantissa - m).abs() < 1e-6 * m)
    {
        format!("{v:.0e}")
    } else {
        String::new()
    }
}

/// The label of a log axis over `lo..hi`: [`log_label`], or every tick with two digits when
/// the range holds no 1, 2 or 5 times a power of ten (then it is narrow and has few ticks).
fn log_axis_label(lo: f64, hi: f64) -> impl Fn(&f64) -> String {
    let e = lo.log10().floor() as i32;
    let round = (e..=e + 1).any(|k| {
        [1.0, 2.0, 5.0]
            .iter()
            .any(|m| (lo..=hi).contains(&(m * 10f64.powi(k))))
    });
    move |v: &f64| {
        if round || !lo.is_finite() {
            log_label(*v)
        } else {
            format!("{v:.1e}")
        }
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

/// Colours of the splits, as in the course notes: train blue, validation green, test red.
pub const TRAIN_COLOUR: RGBColor = RGBColor(31, 119, 180);
pub const VALIDATION_COLOUR: RGBColor = RGBColor(44, 160, 44);
pub const TEST_COLOUR: RGBColor = RGBColor(214, 39, 40);
/// The model's prediction.
pub const PREDICTION_COLOUR: RGBColor = RGBColor(255, 127, 14);

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
fn row_label(labels: Option<&[String]>, x: f64) -> Option<String> {
    let labels = labels?;
    let row = x.round();
    (row >= 0.0 && (row as usize) < labels.len()).then(|| labels[row as usize].clone())
}

/// A legend entry: its label and the stroke of its mark (a short line).
struct LegendEntry {
    label: String,
    mark: ShapeStyle,
}

/// The length of a legend entry's mark, and the gap between it and the label.
const LEGEND_MARK: i32 = 16;
const LEGEND_GAP: i32 = 5;

impl LegendEntry {
    /// A short thick line in `colour`.
    fn thick(label: impl Into<String>, colour: RGBColor) -> Self {
        Self {
            label: label.into(),
            mark: colour.stroke_width(3),
        }
    }

    /// Its mark and label on `area`, the mark starting at `x`, both centred on `y`.
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        (x, y): (i32, i32),
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        area.draw(&PathElement::new(
            vec![(x, y), (x + LEGEND_MARK, y)],
            self.mark,
        ))?;
        area.draw(&Text::new(
            self.label.clone(),
            (x + LEGEND_MARK + LEGEND_GAP, y),
            legend_text(),
        ))
    }

    /// Its width: the mark, the gap and the label as `area` measures it.
    fn width<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
        let (w, _) = area.estimate_text_size(&self.label, &legend_text())?;
        Ok(LEGEND_MARK + LEGEND_GAP + w as i32)
    }
}

/// The legend box, top right of the plotting area, translucent. Drawn here rather than by
/// plotters' series labels, which measure their text through the font directly: in the
/// browser that is a page layout per label. This goes through the backend, so a canvas
/// backend can measure text itself.
fn draw_legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &ChartContext<'a, DB, CT>,
    entries: &[LegendEntry],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    const MARGIN: i32 = 5;
    if entries.is_empty() {
        return Ok(());
    }
    let area = chart.plotting_area().strip_coord_spec();
    let line = legend_line(&area)? - 1;
    let mut width = 0;
    for e in entries {
        width = width.max(e.width(&area)?);
    }
    let width = width + 3 * MARGIN;
    let height = line * entries.len() as i32 + 2 * MARGIN;
    let (w, _) = area.dim_in_pixel();
    let (x0, y0) = (w as i32 - width - MARGIN, MARGIN);
    let corners = [(x0, y0), (x0 + width, y0 + height)];
    area.draw(&Rectangle::new(corners, WHITE.mix(0.85).filled()))?;
    area.draw(&Rectangle::new(corners, RGBColor(200, 200, 200)))?;
    for (k, e) in entries.iter().enumerate() {
        e.draw(
            &area,
            (x0 + 2 * MARGIN, y0 + MARGIN + line * k as i32 + line / 2),
        )?;
    }
    Ok(())
}

/// The style of a legend's labels (left-aligned, centred on their mark).
fn legend_text() -> TextStyle<'static> {
    TextStyle::from(("sans-serif", 12).into_font())
        .color(&BLACK)
        .pos(Pos::new(HPos::Left, VPos::Center))
}

/// The height of a legend's row: a line of its text and a little space.
fn legend_line<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
) -> Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
    Ok(area.estimate_text_size("Ag", &legend_text())?.1 as i32 + 4)
}

/// A legend in rows under a chart, starting at `left` (the plot's left edge), for charts
/// whose lines reach every corner of the plot (gradient norms are largest at the last step,
/// top right, where a legend inside would cover them). Returns the area left above it.
fn legend_below<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
    left: i32,
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    const SPACE: i32 = 18;
    if entries.is_empty() {
        return Ok(root.clone());
    }
    let (w, h) = root.dim_in_pixel();
    let line = legend_line(root)?;
    // Each entry's (x, row), wrapping at the right edge.
    let mut placed = Vec::with_capacity(entries.len());
    let (mut x, mut row) = (left, 0);
    for e in entries {
        let width = e.width(root)?;
        if x > left && x + width > w as i32 - 10 {
            (x, row) = (left, row + 1);
        }
        placed.push((x, row));
        x += width + SPACE;
    }
    let strip = line * (row + 1) + 6;
    let (plot, below) = root.split_vertically(h as i32 - strip);
    for (e, &(x, row)) in entries.iter().zip(&placed) {
        e.draw(&below, (x, line * row + line / 2 + 2))?;
    }
    Ok(plot)
}

/// The note in the middle of a chart that has nothing to show yet (no step trained).
fn draw_empty_note<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &ChartContext<'a, DB, CT>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let area = chart.plotting_area().strip_coord_spec();
    let (w, h) = area.dim_in_pixel();
    let style = TextStyle::from(("sans-serif", 13).into_font())
        .color(&RGBColor(110, 110, 110))
        .pos(Pos::new(HPos::Center, VPos::Center));
    area.draw(&Text::new(
        tr("chart.empty"),
        (w as i32 / 2, h as i32 / 2),
        style,
    ))
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
    let compact = root.dim_in_pixel().0 < 500;
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", if compact { 13 } else { 16 }))
        .margin(if compact { 4 } else { 10 })
        .margin_right(if compact { 12 } else { 24 })
        .x_label_area_size(if compact { 22 } else { 36 })
        .y_label_area_size(if compact { 40 } else { 52 })
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .light_line_style(RGBColor(238, 238, 238))
        .x_labels(if compact { 4 } else { 10 })
        .y_labels(if compact { 5 } else { 10 })
        .label_style(("sans-serif", if compact { 10 } else { 12 }))
        .x_label_formatter(&|x| row_label(v.x_labels, *x).unwrap_or_else(|| tick_label(*x, 1)))
        .y_label_formatter(&|v| tick_label(*v, 2))
        .draw()
        .map_err(err)?;
    let n = v.x.len().min(v.y.len());
    let segments = [
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
    ];
    let mut legend = Vec::new();
    for (a, b, colour, label) in segments {
        if b > a + 1 {
            chart
                .draw_series(LineSeries::new(
                    (a..b).map(|i| (v.x[i], v.y[i])),
                    colour.stroke_width(2),
                ))
                .map_err(err)?;
            legend.push(LegendEntry::thick(label, colour));
        }
    }
    if !v.prediction.is_empty() {
        chart
            // Dashed, so the split colours underneath stay visible where the fit is good.
            .draw_series(DashedLineSeries::new(
                v.prediction.iter().copied().filter(|p| p.1.is_finite()),
                7,
                4,
                PREDICTION_COLOUR.stroke_width(2),
            ))
            .map_err(err)?;
        legend.push(LegendEntry::thick(
            tr("chart.prediction_line"),
            PREDICTION_COLOUR,
        ));
    }
    if !compact {
        draw_legend(&chart, &legend).map_err(err)?;
    }
    root.present().map_err(err)
}

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
    let mut builder = ChartBuilder::on(root);
    builder
        .margin(10)
        .x_label_area_size(36)
        .y_label_area_size(60);
    if log {
        let (lo, hi) = if lo.is_finite() {
            (lo * 0.8, hi * 1.25)
        } else {
            (1e-4, 1.0)
        };
        let mut chart = builder
            .caption(tr("chart.loss_log"), ("sans-serif", 16))
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
            .caption(tr("chart.loss_linear"), ("sans-serif", 16))
            .build_cartesian_2d(0.0..x1, 0.0..hi)
            .map_err(err)?;
        loss_lines(&mut chart, &|v| format!("{v:.3}"), &train, &validation).map_err(err)
    }?;
    root.present().map_err(err)
}

/// The mesh (y labels by `y_label`), the two loss lines and the legend, on either y axis.
fn loss_lines<
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
        .x_label_formatter(&|v| count_label(*v))
        .y_label_formatter(y_label)
        .draw()?;
    if train.is_empty() && validation.is_empty() {
        draw_empty_note(chart)?;
    }
    chart.draw_series(LineSeries::new(
        train.iter().copied(),
        TRAIN_COLOUR.stroke_width(1),
    ))?;
    chart.draw_series(LineSeries::new(
        validation.iter().copied(),
        VALIDATION_COLOUR.stroke_width(2),
    ))?;
    draw_legend(
        chart,
        &[
            LegendEntry::thick(tr("chart.train_per_batch"), TRAIN_COLOUR),
            LegendEntry::thick(tr("chart.validation_per_epoch"), VALIDATION_COLOUR),
        ],
    )
}

/// One line of the gradient-flow chart: a norm per time step.
pub struct FlowLine<'a> {
    pub label: String,
    /// `norms[t]`, t = 0 the first step of the sequence.
    pub norms: &'a [f64],
    /// Dashed (the LSTM's cell-state gradient) or solid (the hidden state's).
    pub dashed: bool,
    /// Which of the chart's colours (a layer and direction, or a run being compared).
    pub colour: usize,
}

/// Colours of successive layers / directions (or compared runs) in the log-scale line charts.
pub const FLOW_COLOURS: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(23, 190, 207),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
];

/// Gradient flow through time: each line's norm against the time step, log scale, as
/// `||dL/dh_t||` falls (vanishing) or grows (exploding) from the last step back to the first.
/// Zero and non-finite norms are left out.
pub fn draw_gradient_flow<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    lines: &[FlowLine<'_>],
    title: &str,
) -> Result<(), String> {
    draw_log_lines(root, lines, title, tr("chart.time_step"))
}

/// Lines of positive values against their 1-based index on a log y axis (gradient norms
/// against t, or compared runs' losses against the step), the x axis described by `x_desc`.
pub fn draw_log_lines<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    lines: &[FlowLine<'_>],
    title: &str,
    x_desc: &str,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let ok = |v: &f64| v.is_finite() && *v > 0.0;
    let (lo, hi) = lines
        .iter()
        .flat_map(|l| l.norms.iter().filter(|v| ok(v)))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
            (l.min(v), h.max(v))
        });
    let empty = !lo.is_finite();
    let (lo, hi) = if empty {
        (1e-6, 1.0)
    } else {
        (lo * 0.5, hi * 2.0)
    };
    let steps = lines
        .iter()
        .map(|l| l.norms.len())
        .max()
        .unwrap_or(1)
        .max(2);
    let styles: Vec<ShapeStyle> = lines
        .iter()
        .map(|line| {
            let colour = FLOW_COLOURS[line.colour % FLOW_COLOURS.len()];
            let alpha = if line.dashed { 0.7 } else { 1.0 };
            colour
                .mix(alpha)
                .stroke_width(if line.dashed { 1 } else { 2 })
        })
        .collect();
    let legend: Vec<LegendEntry> = lines
        .iter()
        .zip(&styles)
        .map(|(line, &mark)| LegendEntry {
            label: line.label.clone(),
            mark,
        })
        .collect();
    // The plot's left edge: the margin plus the y label area.
    let plot = legend_below(root, &legend, 10 + 60).map_err(err)?;
    let mut chart = ChartBuilder::on(&plot)
        .caption(title, ("sans-serif", 16))
        .margin(10)
        .x_label_area_size(36)
        .y_label_area_size(60)
        .build_cartesian_2d(1.0..steps as f64, (lo..hi).log_scale())
        .map_err(err)?;
    chart
        .configure_mesh()
        .light_line_style(RGBColor(238, 238, 238))
        .x_desc(x_desc)
        .x_label_formatter(&|v| count_label(*v))
        .y_label_formatter(&log_axis_label(lo, hi))
        .draw()
        .map_err(err)?;
    if empty {
        draw_empty_note(&chart).map_err(err)?;
    }
    for (line, &style) in lines.iter().zip(&styles) {
        let points: Vec<(f64, f64)> = line
            .norms
            .iter()
            .enumerate()
            .filter(|(_, v)| ok(v))
            .map(|(t, &v)| ((t + 1) as f64, v))
            .collect();
        if line.dashed {
            chart
                .draw_series(DashedLineSeries::new(points, 6, 4, style))
                .map_err(err)?;
        } else {
            chart
                .draw_series(LineSeries::new(points, style))
                .map_err(err)?;
        }
    }
    root.present().map_err(err)
}

/// The value range of a heatmap and how it is coloured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HeatScale {
    /// [0, 1] (sigmoid gates): white (closed) to dark blue (open).
    Unit,
    /// [-1, 1] (tanh outputs, states), clamped: blue, white at 0, red.
    Signed,
}

impl HeatScale {
    /// The colour of `v` on this scale.
    pub fn colour(self, v: f64) -> RGBColor {
        let lerp = |a: u8, b: u8, t: f64| (a as f64 + (b as f64 - a as f64) * t).round() as u8;
        let mix = |from: (u8, u8, u8), to: (u8, u8, u8), t: f64| {
            RGBColor(
                lerp(from.0, to.0, t),
                lerp(from.1, to.1, t),
                lerp(from.2, to.2, t),
            )
        };
        let v = if v.is_finite() { v } else { 0.0 };
        match self {
            HeatScale::Unit => mix((255, 255, 255), (8, 48, 107), v.clamp(0.0, 1.0)),
            HeatScale::Signed if v < 0.0 => mix((255, 255, 255), (33, 102, 172), (-v).min(1.0)),
            HeatScale::Signed => mix((255, 255, 255), (178, 24, 43), v.min(1.0)),
        }
    }
}

/// How a heatmap's cells reach the backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeatCells {
    /// One filled rectangle per cell: any backend (SVG, tests).
    Rectangles,
    /// Left out: the caller puts [`heat_rgba`] into the returned grid in one go (a canvas
    /// does it with one image instead of thousands of rectangle calls).
    Image,
}

/// A time x unit heatmap: `values[t * units + u]`, one column per time step (left to
/// right), one row per unit (top to bottom), coloured on `scale`, with its colour bar.
/// A column stands for `stride` time steps (the x axis is labelled in time steps).
/// With [`HeatCells::Image`] the cells are left to the caller.
#[allow(clippy::too_many_arguments)]
pub fn draw_heatmap<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    values: &[f64],
    steps: usize,
    units: usize,
    scale: HeatScale,
    stride: usize,
    cells: HeatCells,
) -> Result<HeatGrid, String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    assert_eq!(values.len(), steps * units, "values fill the grid");
    let empty = steps == 0 || units == 0;
    root.fill(&WHITE).map_err(err)?;
    let (map, bar) = root.split_horizontally(root.dim_in_pixel().0.saturating_sub(46));
    let mut chart = ChartBuilder::on(&map)
        .caption(title, ("sans-serif", 13))
        .margin(4)
        .x_label_area_size(18)
        .y_label_area_size(28)
        .build_cartesian_2d(0.0..steps.max(1) as f64, units.max(1) as f64..0.0)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        // No cells, no numbers on the axes.
        .x_labels(if empty { 0 } else { 5 })
        .y_labels(if empty { 0 } else { 4 })
        .x_label_formatter(&|v| tick_label((*v + 0.5).floor() * stride as f64, 0))
        .y_label_formatter(&|v| tick_label(*v, 0))
        .label_style(("sans-serif", 10))
        .draw()
        .map_err(err)?;
    if cells == HeatCells::Rectangles {
        chart
            .draw_series((0..steps).flat_map(|t| {
                (0..units).map(move |u| {
                    let v = values[t * units + u];
                    Rectangle::new(
                        [(t as f64, u as f64), ((t + 1) as f64, (u + 1) as f64)],
                        scale.colour(v).filled(),
                    )
                })
            }))
            .map_err(err)?;
    }
    if empty {
        draw_empty_note(&chart).map_err(err)?;
    }
    let (x, y) = chart.plotting_area().get_pixel_range();
    let grid = HeatGrid { x, y, steps, units };
    // The colour bar, labelled at its ends and middle.
    let (lo, hi) = match scale {
        HeatScale::Unit => (0.0, 1.0),
        HeatScale::Signed => (-1.0, 1.0),
    };
    let (_, h) = bar.dim_in_pixel();
    let (top, bottom) = (22i32, h as i32 - 22);
    for y in top..bottom {
        let v = hi - (hi - lo) * f64::from(y - top) / f64::from((bottom - top).max(1));
        bar.draw(&Rectangle::new(
            [(4, y), (14, y + 1)],
            scale.colour(v).filled(),
        ))
        .map_err(err)?;
    }
    let style = ("sans-serif", 10).into_font().color(&BLACK);
    for (v, y) in [
        (hi, top),
        ((lo + hi) / 2.0, (top + bottom) / 2),
        (lo, bottom - 8),
    ] {
        bar.draw(&Text::new(format!("{v}"), (18, y), style.clone()))
            .map_err(err)?;
    }
    root.present().map_err(err)?;
    Ok(grid)
}

/// A heatmap's cells as an RGBA image, `steps` pixels wide and `units` high (pixel (t, u)
/// is cell (t, u)), in the colours [`draw_heatmap`]'s rectangles have.
pub fn heat_rgba(values: &[f64], steps: usize, units: usize, scale: HeatScale) -> Vec<u8> {
    assert_eq!(values.len(), steps * units, "values fill the grid");
    let mut rgba = vec![255; steps * units * 4];
    for (t, column) in values.chunks(units.max(1)).enumerate() {
        for (u, &v) in column.iter().enumerate() {
            let RGBColor(r, g, b) = scale.colour(v);
            let at = (u * steps + t) * 4;
            rgba[at..at + 3].copy_from_slice(&[r, g, b]);
        }
    }
    rgba
}

/// Where a heatmap's cells were drawn: the grid's pixel bounds in the backend and its size,
/// so a pointer position can be turned back into a (time column, unit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeatGrid {
    pub x: std::ops::Range<i32>,
    pub y: std::ops::Range<i32>,
    pub steps: usize,
    pub units: usize,
}

impl HeatGrid {
    /// The (column, unit) under pixel (`px`, `py`): columns run left to right, units top
    /// to bottom. None outside the grid.
    pub fn cell_at(&self, px: f64, py: f64) -> Option<(usize, usize)> {
        let frac = |v: f64, r: &std::ops::Range<i32>| {
            let (lo, hi) = (f64::from(r.start), f64::from(r.end));
            (hi > lo && v >= lo && v < hi).then(|| (v - lo) / (hi - lo))
        };
        let (fx, fy) = (frac(px, &self.x)?, frac(py, &self.y)?);
        let col = ((fx * self.steps as f64) as usize).min(self.steps.checked_sub(1)?);
        let unit = ((fy * self.units as f64) as usize).min(self.units.checked_sub(1)?);
        Some((col, unit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        for colour in ["#1F77B4", "#2CA02C", "#D62728", "#FF7F0E"] {
            assert!(
                svg.contains(&format!("stroke=\"{colour}\"")),
                "{colour} missing"
            );
        }
        // The legend: each label once, one under the other, in the top right corner.
        let mut ys = Vec::new();
        for label in ["train", "validation", "test", "prediction"] {
            let tag = text_tag(&svg, label);
            let (x, y) = (number_attr(tag, "x"), number_attr(tag, "y"));
            assert!(x > 400.0 && y < 120.0, "{label}: {tag}");
            ys.push(y);
        }
        assert!(ys.windows(2).all(|w| w[1] > w[0]), "{ys:?}");
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
                        label: "dh".into(),
                        norms: &dh,
                        dashed: false,
                        colour: 0,
                    },
                    FlowLine {
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
        let empty = Series {
            x: vec![],
            y: vec![],
        };
        assert!(!render(&empty).is_empty());
    }
}
