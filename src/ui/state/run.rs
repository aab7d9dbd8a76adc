//! The page's side of the run: the views it asks the worker for (one at a time), the builds
//! it asks for, and what it does with the replies, including a worker that died.

use std::rc::Rc;

use super::{Effect, Page, Source};
use crate::i18n::Text;
use crate::train::host::{DataSource, Mirror, Reply, Request};
use crate::train::runner::RunEvent;
use crate::train::{PLATEAU_PATIENCE, STOP_PATIENCE};

impl Page {
    /// Asks the worker for a fresh view of the run (one at a time: if one is under way, once
    /// more when it arrives).
    pub(super) fn ask_view(&mut self, now: f64) {
        if self.asked {
            self.ask_again = true;
            return;
        }
        let Some(m) = &self.shown else { return };
        let ask = m.ask(self.watch, self.step_t, self.step_unit);
        self.asked = true;
        self.asked_at = now;
        self.send(Request::View(ask));
    }

    /// Asks the worker to rebuild data and model from the lesson and settings; until it
    /// replies the old run stays, and if it cannot, it stays for good (see [`Self::heard`]).
    pub(super) fn rebuild(&mut self, notice: Option<Text>) {
        let data = match (&self.csv, self.on_csv) {
            (Some(c), true) => DataSource::Csv {
                file: c.file,
                options: c.options.clone(),
                choice: c.choice.clone(),
            },
            _ => DataSource::Lesson(self.lesson),
        };
        self.builds += 1;
        let id = self.builds;
        self.pending = Some((id, self.source(), notice));
        self.send(Request::Build {
            id,
            data: Box::new(data),
            settings: self.settings,
        });
    }

    /// What the controls show now.
    pub(super) fn source(&self) -> Source {
        Source {
            lesson: self.lesson,
            settings: self.settings,
            on_csv: self.on_csv,
        }
    }

    /// The controls show `source` again.
    pub(super) fn show_source(&mut self, source: Source) {
        Source {
            lesson: self.lesson,
            settings: self.settings,
            on_csv: self.on_csv,
        } = source;
    }

    /// A reply from the worker.
    pub(super) fn heard(&mut self, reply: Reply, now: f64) {
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
                    .and_then(|c| c.summary.date_labels.clone())
                    .map(Rc::from);
                self.shown = Some(Mirror::new(id, *info));
                // A view still on its way is answered for this run (its `Ask` names another,
                // so the worker sends all of it): it is awaited, not forgotten, or a press
                // made meanwhile would be undone by it.
                self.error = None;
                self.notice = notice;
                self.ask_view(now);
            }
            Reply::Refused { id, error } => {
                if self.pending.take_if(|p| p.0 == id).is_none() {
                    return;
                }
                // The controls go back to what the kept run was built from (made anew, so a
                // choice the run refused does not stay on screen).
                self.controls_key += 1;
                if self.shown.is_none() && self.running.settings != self.lesson.defaults() {
                    // Nothing trains yet (a link's settings were refused): the lesson's own.
                    self.running = Source {
                        lesson: self.lesson,
                        settings: self.lesson.defaults(),
                        on_csv: false,
                    };
                    self.show_source(self.running);
                    self.rebuild(Some(Text::new("notice.link_refused").and("e", error)));
                    return;
                }
                self.error = Some(Text::new("error.setup").and("e", error));
                self.show_source(self.running);
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
                    let trained = m.now.steps > 0 && m.now.diverged_at.is_none();
                    if trained && self.worked != Some(self.running) {
                        self.worked = Some(self.running);
                        if let Some(link) = self.link_of(self.running) {
                            self.out
                                .push(Effect::Remember(super::Remember::Worked(link)));
                        }
                    }
                    self.tell(&events);
                }
                if std::mem::take(&mut self.ask_again) {
                    self.ask_view(now);
                }
            }
            Reply::Reading { file, done } => self.file_reading(file, done),
            Reply::Read {
                file,
                options,
                result,
            } => self.file_read(file, options, result),
            Reply::Export { what, text } => self.out.push(Effect::SaveFile(what, text)),
            Reply::Failed(e) => self.error = Some(Text::new("error.setup").and("e", e)),
        }
    }

    /// The worker died (out of memory, a trap): say so, start a new one and rebuild the last
    /// settings that trained without trouble (never the ones that died).
    pub(super) fn worker_died(&mut self, why: &str) {
        self.out.push(Effect::NewWorker);
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
        self.show_source(back);
        self.controls_key += 1;
        self.send(Request::lang(crate::i18n::current()));
        // The new worker is given the loaded file again; a file it was still reading is
        // dropped (reading it again could end the same way) and the file before stays.
        if let Some(c) = self.csv.clone() {
            self.send_read(&c.bytes, c.file, c.options.clone());
        }
        if let Some(l) = self.loading.take() {
            self.csv_error = Some(
                Text::with("csv.load_failed", &[("name", &l.name)])
                    .and("e", Text::with("error.worker_died", &[("e", &why)])),
            );
        }
        self.rebuild(Some(Text::with("error.worker_died", &[("e", &why)])));
    }

    /// The worker could not start: say so and what to do, and start no other (it would fail
    /// the same way, over and over). The page's controls and what it shows stay.
    pub(super) fn worker_not_started(&mut self, why: &str) {
        self.error = Some(Text::with("error.worker_not_started", &[("e", &why)]));
        if let Some(m) = &mut self.shown {
            m.now.playing = false;
            m.now.busy = false;
        }
    }

    /// Tells the learner what the run did (the latest event is shown).
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
