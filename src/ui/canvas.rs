//! The canvas every chart is drawn on: plotters-canvas's backend, except that text is
//! measured by the canvas itself.
//!
//! plotters measures text in the browser by appending a `<span>` to the page and reading its
//! `offsetHeight`, which forces a layout of the whole page for every label (a chart has
//! dozens). Right after a re-render that layout is a full one; a frame that drew the charts
//! spent 20 ms and more in it. `measureText` on the canvas's own context needs no layout.
//!
//! It also draws at the screen's pixel density: the backing store is the canvas's CSS box
//! times `devicePixelRatio`, and charts draw in CSS pixels under a scaling transform, so a
//! 12 px label is 12 CSS px on the page and crisp on a high-DPI screen or a projector. The
//! CSS box is measured once per element (one layout) and kept in `data-css-width`;
//! [`forget_sizes`] clears that after a resize.

use plotters::prelude::DrawingBackend;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// [`CanvasBackend`] with text measured by the canvas (see the module docs).
pub struct Canvas {
    inner: CanvasBackend,
    context: CanvasRenderingContext2d,
    /// The size charts draw in: the canvas's CSS box.
    size: (u32, u32),
}

type Error = DrawingErrorKind<<CanvasBackend as DrawingBackend>::ErrorType>;

impl Canvas {
    pub fn new(canvas: &HtmlCanvasElement) -> Option<Self> {
        let context = canvas
            .get_context("2d")
            .ok()??
            .dyn_into::<CanvasRenderingContext2d>()
            .ok()?;
        let (size, scale) = fit(canvas);
        context
            .set_transform(scale, 0.0, 0.0, scale, 0.0, 0.0)
            .ok()?;
        Some(Self {
            inner: CanvasBackend::with_canvas_object(canvas.clone())?,
            context,
            size,
        })
    }
}

/// Sizes `canvas`'s backing store to its CSS box times the pixel ratio (keeping the aspect
/// of its `width`/`height` attributes, which the CSS height follows); returns the CSS size
/// and the scale. A canvas not laid out (in a hidden panel) keeps its attributes' size.
fn fit(canvas: &HtmlCanvasElement) -> ((u32, u32), f64) {
    let attr = |name: &str| {
        canvas
            .get_attribute(name)
            .and_then(|v| v.parse::<f64>().ok())
    };
    let aspect = attr("data-aspect").unwrap_or_else(|| {
        let a = f64::from(canvas.height()) / f64::from(canvas.width().max(1));
        let _ = canvas.set_attribute("data-aspect", &a.to_string());
        a
    });
    let css_width = attr("data-css-width").or_else(|| {
        let w = f64::from(canvas.client_width());
        (w > 0.0).then(|| {
            let _ = canvas.set_attribute("data-css-width", &w.to_string());
            w
        })
    });
    let Some(css_width) = css_width else {
        let _ = canvas.set_attribute("data-scale", "1");
        return ((canvas.width(), canvas.height()), 1.0);
    };
    let ratio = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .max(1.0);
    let css = (css_width.round(), (css_width * aspect).round());
    let backing = (
        (css.0 * ratio).round() as u32,
        (css.1 * ratio).round() as u32,
    );
    if (canvas.width(), canvas.height()) != backing {
        canvas.set_width(backing.0);
        canvas.set_height(backing.1);
    }
    let scale = f64::from(backing.0) / css.0.max(1.0);
    let _ = canvas.set_attribute("data-scale", &scale.to_string());
    ((css.0 as u32, css.1 as u32), scale)
}

/// Forgets every canvas's measured CSS size (after a resize), so the next draw measures
/// again and sizes the backing store to the new box.
pub fn forget_sizes() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(all) = document.query_selector_all("canvas[data-css-width]") {
        for k in 0..all.length() {
            if let Some(el) = all
                .item(k)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                let _ = el.remove_attribute("data-css-width");
            }
        }
    }
}

impl DrawingBackend for Canvas {
    type ErrorType = <CanvasBackend as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), Error> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), Error> {
        self.inner.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), Error> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), Error> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), Error> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), Error> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), Error> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), Error> {
        self.inner.fill_polygon(vert, style)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), Error> {
        self.inner.draw_text(text, style, pos)
    }

    /// The text's advance width and its font's line height, in the font plotters-canvas
    /// draws it with.
    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), Error> {
        self.context.set_font(&format!(
            "{} {}px {}",
            style.style().as_str(),
            style.size(),
            style.family().as_str(),
        ));
        let m = self
            .context
            .measure_text(text)
            .map_err(|e| DrawingErrorKind::FontError(format!("{e:?}").into()))?;
        let height = m.font_bounding_box_ascent() + m.font_bounding_box_descent();
        // A browser without font metrics: the usual line height.
        let height = if height > 0.0 {
            height
        } else {
            1.2 * style.size()
        };
        Ok((m.width().ceil() as u32, height.ceil() as u32))
    }
}
