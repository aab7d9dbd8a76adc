//! The training worker: a dedicated Web Worker, running the page's own wasm (started by
//! `www/worker.js`, see `ui::worker`), that owns the run (a [`Host`]) so training
//! never shares the page's thread. It takes the page's [`Request`]s from `onmessage` and
//! posts [`Reply`]s back, each as postcard bytes in a transferred buffer; between messages it trains
//! in slices of at most `runner::SLICE_MS`, yielding to its event loop after each (through a
//! `MessageChannel`, which, unlike `setTimeout`, is not clamped to 4 ms), so a Pause or a
//! new view request is read within one slice.
//!
//! A panic posts its message before the worker traps; the page hears the trap as the
//! worker's `error` event (see `ui::worker`).

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageChannel, MessageEvent};

use crate::train::host::{decode, encode, Host, Reply, Request};

/// What the worker posts once its module is loaded: messages sent before it would be lost.
pub const READY: &str = "ready";
/// What a panic's message starts with when the worker posts it.
pub const PANIC_PREFIX: &str = "panic: ";

struct Worker {
    host: Host,
    scope: DedicatedWorkerGlobalScope,
    /// Posting on `tick.port2` runs one slice of work (`port1`'s handler).
    tick: MessageChannel,
    /// A slice is asked for and not yet run.
    ticking: bool,
}

fn now() -> f64 {
    js_sys::Date::now()
}

impl Worker {
    fn post(&self, reply: &Reply) {
        let bytes = match encode(reply) {
            Ok(b) => b,
            Err(e) => {
                let _ = self
                    .scope
                    .post_message(&JsValue::from_str(&format!("{PANIC_PREFIX}{e}")));
                return;
            }
        };
        let buffer = Uint8Array::from(bytes.as_slice());
        let transfer = Array::of1(&buffer.buffer());
        let _ = self.scope.post_message_with_transfer(&buffer, &transfer);
    }

    fn received(&mut self, data: JsValue) {
        let bytes = Uint8Array::new(&data).to_vec();
        let replies = match decode::<Request>(&bytes) {
            Ok(request) => self.host.handle(request, &mut now),
            Err(e) => vec![Reply::Failed(e.into())],
        };
        for reply in &replies {
            self.post(reply);
        }
        self.keep_working();
    }

    fn keep_working(&mut self) {
        if self.host.busy() && !self.ticking {
            self.ticking = true;
            let _ = self.tick.port2().post_message(&JsValue::NULL);
        }
    }

    fn tick(&mut self) {
        self.ticking = false;
        for reply in self.host.work(&mut now) {
            self.post(&reply);
        }
        self.keep_working();
    }
}

/// Whether this instance runs in a dedicated worker (the training side) rather than the
/// page: the page and its worker run the same wasm (`www/worker.js`).
pub fn in_worker() -> bool {
    js_sys::global().is_instance_of::<DedicatedWorkerGlobalScope>()
}

/// Starts the worker: installs the panic hook and the message handlers, then says it is
/// ready.
pub fn start() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let panic_scope = scope.clone();
    std::panic::set_hook(Box::new(move |info| {
        console_error_panic_hook::hook(info);
        let _ = panic_scope.post_message(&JsValue::from_str(&format!("{PANIC_PREFIX}{info}")));
    }));
    let Ok(tick) = MessageChannel::new() else {
        return;
    };
    let worker = Rc::new(RefCell::new(Worker {
        host: Host::new(),
        scope: scope.clone(),
        tick,
        ticking: false,
    }));
    let w = worker.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        w.borrow_mut().received(e.data());
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let w = worker.clone();
    let on_tick = Closure::<dyn FnMut(MessageEvent)>::new(move |_| w.borrow_mut().tick());
    worker
        .borrow()
        .tick
        .port1()
        .set_onmessage(Some(on_tick.as_ref().unchecked_ref()));
    on_tick.forget();
    let _ = scope.post_message(&JsValue::from_str(READY));
}
