//! Lines of positive values on a log axis: gradient norms through time, compared runs' losses.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::*;
use crate::i18n::tr;

/// One line of the gradient-flow chart: a norm per time step.
pub struct FlowLine<'a> {
    pub label: String,
    /// `norms[t]`, t = 0 the first step of the sequence.
    pub norms: &'a [f64],
    /// Where each value sits on the x axis (a compared run's loss history, thinned past
    /// 10,000 steps, gives each point's step); None: at its 1-based index.
    pub at: Option<&'a [f64]>,
    /// Dashed (the LSTM's cell-state gradient) or solid (the hidden state's).
    pub dashed: bool,
    /// Which of the chart's colours (a layer and direction, or a run being compared).
    pub colour: usize,
}

/// The first of [`FLOW_COLOURS`] for compared runs: past the blue, vermillion and green of the
/// train, test and validation segments in the prediction charts beside them, so a colour
/// means one thing on the screen.
pub const COMPARE_COLOURS_FROM: usize = 3;

/// Colours of successive layers / directions (or compared runs) in the log-scale line charts.
/// Okabe and Ito's palette, readable with every common kind of colour blindness (its yellow,
/// too light on white, left out; grey last). Compared runs get reddish purple, black and sky
/// blue.
pub const FLOW_COLOURS: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(0, 0, 0),
    RGBColor(86, 180, 233),
    RGBColor(230, 159, 0),
    RGBColor(153, 153, 153),
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
    let x = |line: &FlowLine<'_>, i: usize| line.at.map_or((i + 1) as f64, |at| at[i]);
    let steps = lines
        .iter()
        .filter(|l| !l.norms.is_empty())
        .map(|l| x(l, l.norms.len() - 1))
        .fold(2.0, f64::max);
    let styles: Vec<ShapeStyle> = lines
        .iter()
        .map(|line| {
            let colour = FLOW_COLOURS[line.colour % FLOW_COLOURS.len()];
            let alpha = if line.dashed { 0.7 } else { 1.0 };
            colour
                .mix(alpha)
                .stroke_width(px(if line.dashed { 1 } else { 2 }))
        })
        .collect();
    let legend: Vec<LegendEntry> = lines
        .iter()
        .zip(&styles)
        .map(|(line, &mark)| LegendEntry {
            label: line.label.clone(),
            mark,
            dot: false,
        })
        .collect();
    // The plot's left edge: the margin plus the y label area.
    let plot = legend_below(root, &legend, 10 + 60).map_err(err)?;
    let mut chart = ChartBuilder::on(&plot)
        .caption(title, ("sans-serif", px(16)))
        .margin(10)
        .x_label_area_size(px(36))
        .y_label_area_size(px(60))
        .build_cartesian_2d(1.0..steps, (lo..hi).log_scale())
        .map_err(err)?;
    chart
        .configure_mesh()
        .light_line_style(RGBColor(238, 238, 238))
        .x_desc(x_desc)
        .label_style(("sans-serif", px(12)))
        .axis_desc_style(("sans-serif", px(12)))
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
            .map(|(t, &v)| (x(line, t), v))
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
