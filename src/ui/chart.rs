//! The one canvas component every chart is drawn on.
//!
//! A [`ChartCanvas`] takes a [`Painter`]: a key naming what the chart shows (the run, the
//! language, the canvas size and the data's version) and the drawing. It draws again when,
//! and only when, the key changes; its parent renders it with a new painter every time and
//! yew keeps the old one when the keys are equal.
//!
//! Drawing is not done in the task that rendered (often a reply from the training worker)
//! but in animation frames, from one queue for the whole page with a budget per frame: the
//! first chart in the queue is always drawn, the next ones while the frame has spent less
//! than [`FRAME_BUDGET_MS`]. A canvas whose key changes again while it waits keeps its place
//! with the newer painter, so every chart gets its turn while the run changes with every
//! view, and no frame's task grows long when many changed at once.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use gloo_render::{request_animation_frame, AnimationFrame};
use plotters::coord::Shift;
use plotters::prelude::*;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use crate::ui::canvas::Canvas;

/// A frame's drawing budget: after the first chart, further ones are drawn in the same
/// frame only while drawing has taken less than this.
pub const FRAME_BUDGET_MS: f64 = 6.0;

/// What a chart shows (its key) and how to draw it on a canvas. Painters compare
/// by key alone.
#[derive(Clone)]
pub struct Painter {
    key: String,
    paint: Rc<dyn Fn(&HtmlCanvasElement)>,
}

impl Painter {
    /// A painter that draws with `paint`, which may also set `data-*` attributes saying what
    /// the canvas shows (for tests and pointer readouts).
    pub fn new(key: String, paint: impl Fn(&HtmlCanvasElement) + 'static) -> Self {
        Self {
            key,
            paint: Rc::new(paint),
        }
    }

    /// A painter that draws a plotters chart with `draw` on the canvas's whole area.
    pub fn plot(
        key: String,
        draw: impl Fn(&DrawingArea<Canvas, Shift>) -> Result<(), String> + 'static,
    ) -> Self {
        Self::new(key, move |canvas| {
            if let Some(backend) = Canvas::new(canvas) {
                let _ = draw(&backend.into_drawing_area());
            }
        })
    }
}

impl PartialEq for Painter {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

#[derive(Properties, PartialEq)]
pub struct ChartCanvasProps {
    pub id: AttrValue,
    /// The canvas's size before it is laid out, and its aspect ratio after (see
    /// `ui::canvas`).
    pub width: u32,
    pub height: u32,
    pub painter: Painter,
    #[prop_or_default]
    pub class: Classes,
    /// The chart's text alternative (the canvas is then an image with this name).
    #[prop_or_default]
    pub label: Option<AttrValue>,
    #[prop_or_default]
    pub onmousemove: Option<Callback<MouseEvent>>,
    #[prop_or_default]
    pub onclick: Option<Callback<MouseEvent>>,
    #[prop_or_default]
    pub onmouseleave: Option<Callback<MouseEvent>>,
}

/// A canvas that draws its painter's chart whenever the painter's key changes.
#[function_component(ChartCanvas)]
pub fn chart_canvas(p: &ChartCanvasProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(p.painter.clone(), move |painter| {
            enqueue(node, painter.clone());
        });
    }
    html! {
        <canvas ref={node} id={p.id.clone()} class={p.class.clone()} aria-label={p.label.clone()}
            role={p.label.as_ref().map(|_| AttrValue::Static("img"))}
            width={p.width.to_string()} height={p.height.to_string()}
            onmousemove={p.onmousemove.clone()} onclick={p.onclick.clone()} onmouseleave={p.onmouseleave.clone()}></canvas>
    }
}

/// Charts waiting to be drawn, in order, and the frame that will draw them.
#[derive(Default)]
struct Queue {
    waiting: VecDeque<(NodeRef, Painter)>,
    frame: Option<AnimationFrame>,
}

thread_local! {
    static QUEUE: RefCell<Queue> = RefCell::default();
}

/// Puts a chart in the queue (in its old place, with the new painter, if it waits already)
/// and makes sure a frame will come for it.
fn enqueue(node: NodeRef, painter: Painter) {
    QUEUE.with_borrow_mut(|q| {
        match q.waiting.iter_mut().find(|(n, _)| *n == node) {
            Some(entry) => entry.1 = painter,
            None => q.waiting.push_back((node, painter)),
        }
        if q.frame.is_none() {
            q.frame = Some(request_animation_frame(|_| draw_frame()));
        }
    });
}

/// One frame's drawing: the first chart waiting, then more while the budget lasts.
fn draw_frame() {
    let start = js_sys::Date::now();
    let mut drew = false;
    loop {
        let next = QUEUE.with_borrow_mut(|q| {
            if drew && js_sys::Date::now() - start >= FRAME_BUDGET_MS {
                return None;
            }
            q.waiting.pop_front()
        });
        let Some((node, painter)) = next else { break };
        // A canvas no longer on the page (its panel went) is skipped.
        if let Some(canvas) = node.cast::<HtmlCanvasElement>() {
            (painter.paint)(&canvas);
            drew = true;
        }
    }
    QUEUE.with_borrow_mut(|q| {
        q.frame = (!q.waiting.is_empty()).then(|| request_animation_frame(|_| draw_frame()));
    });
}
