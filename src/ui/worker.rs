//! The page's end of the training worker (`crate::worker`): starts it, sends it
//! [`Request`]s and hands its [`Reply`]s, or the news that it died, to the page.
//!
//! Requests sent before the worker's module has loaded wait here (the worker would drop
//! them). A worker that traps (out of memory, a panic) fires `error`; the page is told, with
//! the panic's message if the worker posted one, and can start a new worker.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, Event, MessageEvent};

use crate::train::host::{decode, encode, Reply, Request};
use crate::worker::{PANIC_PREFIX, READY};

/// The worker's script (`www/worker.js`, copied into the build by index.html): a module
/// worker that runs this same wasm.
const SCRIPT: &str = "./worker.js";

#[wasm_bindgen]
extern "C" {
    /// `import.meta` of the page's bindings (wasm-bindgen's `web` output, an ES module).
    type ImportMeta;
    #[wasm_bindgen(thread_local_v2, js_namespace = import, js_name = meta)]
    static IMPORT_META: ImportMeta;
    #[wasm_bindgen(method, getter)]
    fn url(this: &ImportMeta) -> String;
}

/// What the worker's script needs to run this wasm: the URL of the page's bindings (the
/// build hashes their name) and the module the page compiled (so the worker neither fetches
/// nor compiles it again).
fn boot_message() -> Result<JsValue, JsValue> {
    let message = js_sys::Object::new();
    js_sys::Reflect::set(&message, &"bindings".into(), &IMPORT_META.with(ImportMeta::url).into())?;
    js_sys::Reflect::set(&message, &"module".into(), &wasm_bindgen::module())?;
    Ok(message.into())
}

thread_local! {
    /// The page's worker, for the self-test hook ([`self_test_trap`]).
    static CURRENT: RefCell<Option<web_sys::Worker>> = const { RefCell::new(None) };
}

/// Self-test: asks the page's worker to trap, as a run out of memory would.
pub fn self_test_trap() {
    CURRENT.with(|c| {
        if let (Some(w), Ok(bytes)) = (c.borrow().as_ref(), encode(&Request::Trap)) {
            post(w, &bytes);
        }
    });
}

/// What the worker said.
pub enum Heard {
    Reply(Reply),
    /// The worker died after it had started (a trap: out of memory, a panic): what is known
    /// of why. A new one can take over.
    Died(String),
    /// The worker never started (its script or the wasm did not load, or the browser runs no
    /// module workers): a new one would fail the same way.
    NotStarted(String),
}

struct Shared {
    ready: bool,
    queue: Vec<Vec<u8>>,
    /// A panic message the worker posted before it trapped.
    panic: Option<String>,
}

/// A running worker. Dropping it terminates the worker.
pub struct TrainingWorker {
    worker: web_sys::Worker,
    shared: Rc<RefCell<Shared>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

impl TrainingWorker {
    /// Starts a worker that tells `on` what it hears.
    pub fn start(on: impl Fn(Heard) + 'static) -> Result<TrainingWorker, String> {
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        let worker = web_sys::Worker::new_with_options(SCRIPT, &options)
            .and_then(|worker| {
                worker.post_message(&boot_message()?)?;
                Ok(worker)
            })
            .map_err(|e| format!("{e:?}"))?;
        let shared = Rc::new(RefCell::new(Shared {
            ready: false,
            queue: Vec::new(),
            panic: None,
        }));
        let on = Rc::new(on);
        let (w, s, tell) = (worker.clone(), shared.clone(), on.clone());
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let data = e.data();
            if let Some(text) = data.as_string() {
                if text == READY {
                    let queued = {
                        let mut sh = s.borrow_mut();
                        sh.ready = true;
                        std::mem::take(&mut sh.queue)
                    };
                    for bytes in queued {
                        post(&w, &bytes);
                    }
                } else if let Some(p) = text.strip_prefix(PANIC_PREFIX) {
                    s.borrow_mut().panic = Some(p.to_string());
                }
                return;
            }
            match decode::<Reply>(&Uint8Array::new(&data).to_vec()) {
                Ok(reply) => tell(Heard::Reply(reply)),
                Err(e) => tell(Heard::Died(e)),
            }
        });
        let s = shared.clone();
        // A trap fires an `ErrorEvent`; a script that does not load, a plain `Event`.
        let on_error = Closure::<dyn FnMut(Event)>::new(move |e: Event| {
            e.prevent_default();
            let (ready, panic) = {
                let mut sh = s.borrow_mut();
                (sh.ready, sh.panic.take())
            };
            let why = panic
                .or_else(|| e.dyn_ref::<ErrorEvent>().map(ErrorEvent::message))
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| format!("{SCRIPT} did not load"));
            on(if ready {
                Heard::Died(why)
            } else {
                Heard::NotStarted(why)
            });
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        CURRENT.with(|c| *c.borrow_mut() = Some(worker.clone()));
        Ok(TrainingWorker {
            worker,
            shared,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Sends `request` (queued until the worker is ready).
    pub fn send(&self, request: &Request) {
        let Ok(bytes) = encode(request) else { return };
        let mut sh = self.shared.borrow_mut();
        if sh.ready {
            post(&self.worker, &bytes);
        } else {
            sh.queue.push(bytes);
        }
    }
}

impl Drop for TrainingWorker {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

/// Posts `bytes`, handing the buffer over rather than copying it.
fn post(worker: &web_sys::Worker, bytes: &[u8]) {
    let buffer = Uint8Array::from(bytes);
    let _ = worker.post_message_with_transfer(&buffer, &Array::of1(&buffer.buffer()));
}
