//! Heatmaps of a gate or state over time steps and units, with the cell under a pixel.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::*;

/// The value range of a heatmap and how it is coloured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HeatScale {
    /// [0, 1] (sigmoid gates): white (closed) to dark blue (open).
    Unit,
    /// [-1, 1] (tanh outputs, states), clamped: blue, white at 0, red.
    Signed,
    /// One panel's own values stretched over the colours (small differences show): `lo` to
    /// `hi` on the unit colours, or, `signed`, -`hi` to `hi` with white at 0.
    Stretched { lo: f64, hi: f64, signed: bool },
}

impl HeatScale {
    /// This scale stretched over `values` (a panel's own range); itself when the values
    /// are all alike or none is finite.
    pub fn stretched(self, values: &[f64]) -> HeatScale {
        let finite = values.iter().copied().filter(|v| v.is_finite());
        let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        match self {
            HeatScale::Unit if hi - lo > 1e-12 => HeatScale::Stretched {
                lo,
                hi,
                signed: false,
            },
            HeatScale::Signed if lo.abs().max(hi.abs()) > 1e-12 && lo <= hi => {
                let m = lo.abs().max(hi.abs());
                HeatScale::Stretched {
                    lo: -m,
                    hi: m,
                    signed: true,
                }
            }
            _ => self,
        }
    }

    /// The values at the bottom and top of its colour bar.
    pub fn range(self) -> (f64, f64) {
        match self {
            HeatScale::Unit => (0.0, 1.0),
            HeatScale::Signed => (-1.0, 1.0),
            HeatScale::Stretched { lo, hi, .. } => (lo, hi),
        }
    }

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
            HeatScale::Stretched {
                hi, signed: true, ..
            } => HeatScale::Signed.colour(v / hi),
            HeatScale::Stretched { lo, hi, .. } => HeatScale::Unit.colour((v - lo) / (hi - lo)),
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
    let narrow = root.dim_in_pixel().0 < 240;
    let (map, bar) = root.split_horizontally(root.dim_in_pixel().0.saturating_sub(46));
    let mut chart = ChartBuilder::on(&map)
        .caption(title, ("sans-serif", px(13)))
        .margin(4)
        .x_label_area_size(px(18))
        .y_label_area_size(px(28))
        .build_cartesian_2d(0.0..steps.max(1) as f64, units.max(1) as f64..0.0)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        // No cells, no numbers on the axes.
        // Fewer labels on a narrow map (the page shows three side by side).
        .x_labels(if empty {
            0
        } else if narrow {
            3
        } else {
            5
        })
        .y_labels(if empty {
            0
        } else if narrow {
            3
        } else {
            4
        })
        .x_label_formatter(&|v| tick_label((*v + 0.5).floor() * stride as f64, 0))
        .y_label_formatter(&|v| tick_label(*v, 0))
        .label_style(("sans-serif", px(12)))
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
    let (lo, hi) = scale.range();
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
    let style = ("sans-serif", px(12)).into_font().color(&BLACK);
    for (v, y) in [
        (hi, top),
        ((lo + hi) / 2.0, (top + bottom) / 2),
        (lo, bottom - 8),
    ] {
        bar.draw(&Text::new(bar_label(v), (18, y), style.clone()))
            .map_err(err)?;
    }
    root.present().map_err(err)?;
    Ok(grid)
}

/// A colour bar's label: `1`, `0.5`, `0.031`, `2.4e-5`.
fn bar_label(v: f64) -> String {
    if v == 0.0 || v.fract() == 0.0 && v.abs() < 1e6 {
        format!("{v}")
    } else if v.abs() < 0.01 {
        format!("{v:.1e}")
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
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
mod stretch_tests {
    use super::*;

    /// A panel's own range: its smallest value white and its largest the darkest colour
    /// (unit), or its largest magnitude the full colour either side of a white 0 (signed).
    #[test]
    fn a_stretched_scale_spans_the_panels_own_values() {
        let unit = HeatScale::Unit.stretched(&[0.2, 0.25, 0.3]);
        assert_eq!(unit.range(), (0.2, 0.3));
        assert_eq!(unit.colour(0.2), HeatScale::Unit.colour(0.0));
        assert_eq!(unit.colour(0.3), HeatScale::Unit.colour(1.0));
        let signed = HeatScale::Signed.stretched(&[-0.01, 0.04, f64::NAN]);
        assert_eq!(signed.range(), (-0.04, 0.04));
        assert_eq!(signed.colour(0.04), HeatScale::Signed.colour(1.0));
        assert_eq!(signed.colour(0.0), HeatScale::Signed.colour(0.0));
        assert_eq!(HeatScale::Unit.stretched(&[0.5, 0.5]), HeatScale::Unit);
        assert_eq!(HeatScale::Signed.stretched(&[]), HeatScale::Signed);
        assert_eq!(bar_label(0.5), "0.5");
        assert_eq!(bar_label(1.0), "1");
        assert_eq!(bar_label(0.0312), "0.031");
        assert_eq!(bar_label(2.4e-5), "2.4e-5");
    }
}
