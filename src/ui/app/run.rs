//! The page's side of the run: requests to the training worker, the views it asks for (one
//! at a time, at most every `VIEW_EVERY_MS` while training flat out), and what it does with
//! the replies, including a worker that died.

use super::*;

impl App {
    /// Sends `request` to the training worker.
    pub(super) fn send(&mut self, request: &Request) {
        if let Some(w) = &self.worker {
            w.send(request);
        }
    }

    /// Asks the worker for a fresh view of the run (one at a time: if one is under way, once
    /// more when it arrives).
    pub(super) fn ask_view(&mut self) {
        if self.asked {
            self.ask_again = true;
            return;
        }
        let Some(m) = &self.shown else { return };
        let ask: Ask = m.ask(self.watch, self.step_t, self.step_unit);
        self.asked = true;
        self.asked_at = now();
        self.send(&Request::View(ask));
    }

    /// Asks the worker to rebuild data and model from the lesson and settings; until it
    /// replies the old run stays, and if it cannot, it stays for good (see `Msg::Heard`).
    pub(super) fn restart(&mut self, notice: Option<Text>) {
        let data = match (&self.csv, self.on_csv) {
            (Some(c), true) => DataSource::Csv {
                file: c.file,
                bytes: c.bytes.to_vec(),
                options: c.options.clone(),
                choice: c.choice.clone(),
            },
            _ => DataSource::Lesson(self.lesson),
        };
        self.builds += 1;
        let id = self.builds;
        self.pending = Some((
            id,
            Source {
                lesson: self.lesson,
                settings: self.settings,
                on_csv: self.on_csv,
            },
            notice,
        ));
        self.send(&Request::Build {
            id,
            data: Box::new(data),
            settings: self.settings,
        });
    }

    /// A reply from the worker.
    pub(super) fn heard(&mut self, reply: Reply) {
        match reply {
            Reply::Built { id, info } => {
                let Some((_, source, notice)) = self.pending.take_if(|p| p.0 == id) else {
                    return;
                };
                self.running = source;
                self.save_link();
                self.x_labels = self
                    .csv
                    .as_ref()
                    .filter(|c| info.file == Some(c.file))
                    .and_then(|c| c.date_labels())
                    .map(Rc::from);
                self.shown = Some(Mirror::new(id, *info));
                // A view still on its way is answered for this run (its `Ask` names another,
                // so the worker sends all of it): it is awaited, not forgotten, or a press
                // made meanwhile would be undone by it.
                self.error = None;
                self.notice = notice;
                self.ask_view();
            }
            Reply::Refused { id, error } => {
                if self.pending.take_if(|p| p.0 == id).is_none() {
                    return;
                }
                // The controls go back to what the kept run was built from (made anew, so a
                // choice the run refused does not stay on screen).
                self.controls_key += 1;
                Source {
                    lesson: self.lesson,
                    settings: self.settings,
                    on_csv: self.on_csv,
                } = self.running;
                self.error = Some(Text::new("error.setup").and("e", error));
            }
            Reply::View(v) => {
                self.asked = false;
                // A view asked for before the latest Play, Pause or Step says what the run did
                // before it: the buttons keep what the learner pressed until the next view.
                let pressed = std::mem::take(&mut self.pressed_since_ask);
                let Some(m) = &mut self.shown else { return };
                let (playing, busy) = (m.now.playing, m.now.busy);
                if let Some(events) = m.apply(*v) {
                    if pressed {
                        m.now.playing = playing;
                        m.now.busy |= busy;
                    }
                    if m.now.steps > 0 && m.now.diverged_at.is_none() {
                        self.worked = Some(self.running);
                    }
                    self.tell(&events);
                }
                if std::mem::take(&mut self.ask_again) {
                    self.ask_view();
                }
            }
            Reply::Export { what, text } => {
                if let Err(e) = export_text(what, &text) {
                    self.error = Some(Text::with("error.download", &[("e", &e)]));
                }
            }
            Reply::Failed(e) => self.error = Some(Text::new("error.setup").and("e", e)),
        }
    }

    /// The worker died (out of memory, a trap): say so, start a new one and rebuild the last
    /// settings that trained without trouble.
    pub(super) fn worker_died(&mut self, ctx: &Context<Self>, why: &str) {
        self.worker = start_worker(ctx);
        self.asked = false;
        self.ask_again = false;
        self.pressed_since_ask = false;
        self.pending = None;
        let back = self
            .worked
            .filter(|w| *w != self.running)
            .unwrap_or(Source {
                lesson: self.running.lesson,
                settings: self.running.lesson.defaults(),
                on_csv: false,
            });
        Source {
            lesson: self.lesson,
            settings: self.settings,
            on_csv: self.on_csv,
        } = back;
        self.controls_key += 1;
        self.send(&Request::Lang(crate::i18n::current()));
        self.restart(Some(Text::with("error.worker_died", &[("e", &why)])));
    }

    /// Starts training (when paused).
    pub(super) fn play(&mut self) {
        self.send(&Request::Play);
    }

    /// Tells the learner what a frame's training did.
    pub(super) fn tell(&mut self, events: &[RunEvent]) {
        for event in events {
            self.notice = Some(match *event {
                RunEvent::LrReduced(lr) => Text::with(
                    "notice.lr_halved",
                    &[("lr", &lr), ("patience", &PLATEAU_PATIENCE)],
                ),
                RunEvent::EarlyStop { epoch, best } => Text::with(
                    "notice.early_stop",
                    &[
                        ("epoch", &epoch),
                        ("patience", &STOP_PATIENCE),
                        ("best", &best),
                    ],
                ),
            });
        }
    }
}

/// Starts the training worker; what it says comes back as [`Msg::Heard`].
pub(super) fn start_worker(ctx: &Context<App>) -> Option<TrainingWorker> {
    let link = ctx.link().clone();
    TrainingWorker::start(move |heard| link.send_message(Msg::Heard(heard))).ok()
}
