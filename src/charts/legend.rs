//! Legends the charts draw themselves (plotters' series labels measure text through the
//! font, not the backend), in rows under a chart where they cover no data.

use super::px;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// A legend entry: its label and the stroke of its mark (a short line, with a dot on it when
/// the chart marks that line's points, so lines differ by more than colour).
pub(super) struct LegendEntry {
    pub(super) label: String,
    pub(super) mark: ShapeStyle,
    pub(super) dot: bool,
}

/// The radius of the dots on a line's points (and on its legend mark).
pub(super) const POINT_DOT: i32 = 3;

/// The length of a legend entry's mark, and the gap between it and the label.
pub(super) const LEGEND_MARK: i32 = 16;
pub(super) const LEGEND_GAP: i32 = 5;

impl LegendEntry {
    /// A short thick line in `colour`.
    pub(super) fn thick(label: impl Into<String>, colour: RGBColor) -> Self {
        Self {
            label: label.into(),
            mark: colour.stroke_width(px(3)),
            dot: false,
        }
    }

    /// The same with a dot on the mark, as the chart draws on the line's points.
    pub(super) fn dotted(mut self) -> Self {
        self.dot = true;
        self
    }

    /// Its mark and label on `area`, the mark starting at `x`, both centred on `y`.
    pub(super) fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        (x, y): (i32, i32),
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        area.draw(&PathElement::new(
            vec![(x, y), (x + LEGEND_MARK, y)],
            self.mark,
        ))?;
        if self.dot {
            area.draw(&Circle::new(
                (x + LEGEND_MARK / 2, y),
                POINT_DOT + 1,
                self.mark.color.filled(),
            ))?;
        }
        area.draw(&Text::new(
            self.label.clone(),
            (x + LEGEND_MARK + LEGEND_GAP, y),
            legend_text(),
        ))
    }

    /// Its width: the mark, the gap and the label as `area` measures it.
    pub(super) fn width<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
        let (w, _) = area.estimate_text_size(&self.label, &legend_text())?;
        Ok(LEGEND_MARK + LEGEND_GAP + w as i32)
    }
}

/// The style of a legend's labels (left-aligned, centred on their mark).
pub(super) fn legend_text() -> TextStyle<'static> {
    TextStyle::from(("sans-serif", px(12)).into_font())
        .color(&BLACK)
        .pos(Pos::new(HPos::Left, VPos::Center))
}

/// The height of a legend's row: a line of its text and a little space.
pub(super) fn legend_line<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
) -> Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
    Ok(area.estimate_text_size("Ag", &legend_text())?.1 as i32 + 4)
}

/// A legend in rows under a chart, starting at `left` (the plot's left edge), for charts
/// whose lines reach every corner of the plot (gradient norms are largest at the last step,
/// top right, where a legend inside would cover them). Returns the area left above it.
pub(super) fn legend_below<DB: DrawingBackend>(
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
