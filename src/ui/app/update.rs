//! What each message does to the page: one place for the rule "a setting that changes the
//! model rebuilds the run; if that fails the old run stays and a banner says why" (see
//! `restart` and `heard`), grouped as the messages are.

use super::*;

impl App {
    /// Applies `msg`; true when the page should render again.
    pub(super) fn apply(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let model_change = |app: &mut App, what: Text| {
            app.send(&Request::Pause);
            app.restart(Some(Text::new("notice.reset").and("what", what)));
        };
        match msg {
            Msg::Heard(Heard::Reply(reply)) => {
                let view = matches!(reply, Reply::View(_));
                self.heard(reply);
                if view {
                    // A view only shows: the next frame asks for the next one.
                    self.advance_t();
                    self.schedule(ctx);
                    return true;
                }
            }
            Msg::Heard(Heard::Died(why)) => self.worker_died(ctx, &why),
            Msg::LoadFile(file) => {
                let name = file.name();
                ctx.link().send_future(async move {
                    Msg::CsvBytes(name, crate::ui::files::read_file(file).await)
                });
            }
            Msg::LoadSample(path) => {
                let name = path.rsplit('/').next().unwrap_or(path).to_string();
                ctx.link().send_future(async move {
                    Msg::CsvBytes(name, crate::ui::files::fetch_own(path).await)
                });
            }
            Msg::CsvBytes(name, bytes) => {
                let parsed = bytes.map_err(Text::from).and_then(|b| {
                    parse_csv(&b, &CsvOptions::default())
                        .map(|t| (b, t))
                        .map_err(Text::from)
                });
                match parsed {
                    Ok((bytes, table)) => match CsvChoice::default_for(&table) {
                        Some(choice) => {
                            self.files_loaded += 1;
                            // A message belongs to the action that raised it: the last file's
                            // or last run's error goes with the new file.
                            self.error = None;
                            self.csv = Some(Rc::new(CsvState {
                                file: self.files_loaded,
                                name,
                                bytes: Rc::new(bytes),
                                table: Rc::new(table),
                                choice,
                                options: CsvOptions::default(),
                            }));
                            self.csv_error = None;
                        }
                        None => {
                            self.csv_error = Some(Text::with("csv.no_numeric", &[("name", &name)]))
                        }
                    },
                    Err(e) => {
                        self.csv_error =
                            Some(Text::with("csv.load_failed", &[("name", &name)]).and("e", e));
                    }
                }
            }
            Msg::CsvSeries(value) => {
                if let Some(c) = self.csv.as_mut().map(Rc::make_mut) {
                    let column = c.table.series_columns().first().map(|(n, _)| n.to_string());
                    let series = column
                        .filter(|_| !value.is_empty())
                        .map(|column| SeriesFilter { column, value });
                    let options = CsvOptions {
                        series,
                        ..c.options.clone()
                    };
                    self.csv_error = c
                        .reparse(options)
                        .err()
                        .map(|e| Text::new("csv.series_failed").and("e", e));
                }
            }
            Msg::Invalid(message) => {
                self.notice = Some(message);
                // The refused value leaves the field: the controls are made anew from the run.
                self.controls_key += 1;
            }
            Msg::CsvMissing(policy) => {
                if let Some(c) = self.csv.as_mut().map(Rc::make_mut) {
                    let options = CsvOptions {
                        missing: policy,
                        ..c.options.clone()
                    };
                    self.csv_error = c
                        .reparse(options)
                        .err()
                        .map(|e| Text::new("csv.apply_failed").and("e", e));
                }
            }
            Msg::CsvTarget(t) => {
                if let Some(c) = self.csv.as_mut().map(Rc::make_mut) {
                    c.choice.target = t;
                }
            }
            Msg::CsvFeature(f, on) => {
                if let Some(c) = self.csv.as_mut().map(Rc::make_mut) {
                    c.choice.features.retain(|x| *x != f);
                    if on {
                        c.choice.features.push(f);
                    }
                }
            }
            Msg::CsvWindow(w) => {
                if let Some(c) = self.csv.as_mut().map(Rc::make_mut) {
                    c.choice.window = w;
                }
            }
            Msg::CsvHorizon(h) => {
                if let Some(c) = self.csv.as_mut().map(Rc::make_mut) {
                    c.choice.horizon = h;
                }
            }
            Msg::Signal(p) => self.signal = p,
            Msg::GenerateSignal => {
                let p = self.signal;
                let name = trf("signal.file", &[("kind", &tr(signal_key(p.kind)))]);
                let csv = generate(&p).to_csv("value");
                ctx.link()
                    .send_message(Msg::CsvBytes(name, Ok(csv.into_bytes())));
            }
            Msg::CsvTask(t) => {
                if let Some(c) = self.csv.as_mut().map(Rc::make_mut) {
                    c.choice.task = t;
                }
            }
            Msg::TrainCsv => {
                let was = self.on_csv;
                self.on_csv = true;
                if !was && self.settings.scaling == Scaling::None {
                    // Columns of a real file come in their own units: start normalised.
                    self.settings.scaling = Scaling::ZScore;
                }
                model_change(self, Text::new("notice.train_csv"));
            }
            Msg::Frame => {
                // A frame asks for a fresh view (see VIEW_EVERY_MS); it renders when the view
                // arrives.
                let due = self.shown.as_ref().is_some_and(|m| {
                    m.now.busy
                        && (m.now.steps_per_frame.is_some()
                            || now() - self.asked_at >= VIEW_EVERY_MS)
                });
                if due {
                    self.ask_view();
                }
                let t = self.step_t;
                self.advance_t();
                if t != self.step_t {
                    self.ask_view();
                }
                self.schedule(ctx);
                return t != self.step_t;
            }
            Msg::LossScale(scale) => self.loss_scale = scale,
            Msg::Speed(n) => self.send(&Request::Speed(n)),
            Msg::StepThrough(t, unit) => {
                self.step_t = t;
                self.step_unit = unit;
            }
            Msg::Lang(lang) => {
                crate::i18n::set(lang);
                self.send(&Request::Lang(lang));
                crate::ui::share::save_lang(lang);
                self.save_link();
            }
            Msg::WatchLayer(layer) => self.watch.layer = layer,
            Msg::WatchDir(dir) => self.watch.dir = dir,
            Msg::WatchSample(sample) => self.watch.sample = sample,
            Msg::Tab(tab) => {
                // Its canvases were hidden: measured (and drawn) again now they show.
                self.tab = tab;
                self.canvases_resized();
            }
            Msg::Resized => self.canvases_resized(),
            Msg::Compare(on) => {
                if on {
                    self.notice = Some(Text::new("compare.started"));
                    self.tab = Tab::Compare;
                    self.canvases_resized();
                }
                self.send(&Request::Compare(on));
            }
            Msg::PlayT => {
                self.t_playing = match self.t_playing {
                    Some(_) => None,
                    None => Some(now()),
                };
            }
            Msg::Recursive(on) => self.send(&Request::Recursive(on)),
            Msg::Shape(shape, what) => {
                self.settings.shape = shape;
                model_change(self, Text::new(what));
            }
            Msg::Schedule(schedule) => {
                // Callbacks change how training continues, not the model: no reset.
                self.settings.schedule = schedule;
                self.running.settings.schedule = schedule;
                self.send(&Request::Schedule(schedule));
                self.save_link();
            }
            Msg::Export(what) => {
                if let Err(e) = self.export(what) {
                    self.error = Some(Text::with("error.download", &[("e", &e)]));
                }
            }
            Msg::TogglePlay => {
                // The button answers at once; the worker stops at its next chunk.
                if let Some(m) = &mut self.shown {
                    m.now.playing = !m.now.playing;
                    m.now.busy |= m.now.playing;
                    if m.now.playing {
                        self.notice = None;
                    }
                }
                self.pressed_since_ask |= self.asked;
                self.send(&Request::TogglePlay);
            }
            Msg::Step | Msg::StepEpoch => {
                // Each press adds its steps to those asked for; a long step, or several
                // presses, go on in the worker.
                if let Some(m) = &mut self.shown {
                    m.now.playing = false;
                    m.now.busy = true;
                }
                self.pressed_since_ask |= self.asked;
                self.send(&Request::Step {
                    epoch: matches!(msg, Msg::StepEpoch),
                });
            }
            Msg::Reset => model_change(self, Text::new("notice.reset_button")),
            Msg::Lesson(l) => {
                self.lesson = l;
                self.on_csv = false;
                self.settings = l.defaults();
                model_change(
                    self,
                    Text::new("notice.lesson").and("title", Text::new(l.title_key())),
                );
            }
            Msg::Cell(c) => {
                self.settings.cell = c;
                let name = key_of(&CELLS, &c).unwrap_or("settings.other");
                model_change(self, Text::new("notice.cell").and("cell", Text::new(name)));
            }
            Msg::Hidden(h) => {
                self.settings.hidden_size = h;
                model_change(self, Text::with("notice.hidden", &[("h", &h)]));
            }
            Msg::Seed(seed) => {
                self.settings.seed = seed;
                model_change(self, Text::with("notice.seed", &[("seed", &seed)]));
            }
            Msg::LearningRate(lr) => {
                self.settings.learning_rate = lr;
                model_change(self, Text::with("notice.lr", &[("lr", &lr)]));
            }
            Msg::Optimizer(o) => {
                self.settings.optimizer = o;
                let name = key_of(&OPTIMIZERS, &o).unwrap_or("settings.other");
                model_change(
                    self,
                    Text::new("notice.optimiser").and("name", Text::new(name)),
                );
            }
            Msg::Clipping(c) => {
                self.settings.clip = c;
                let name = key_of(&CLIPS, &c).unwrap_or("settings.other");
                model_change(self, Text::new("notice.clip").and("name", Text::new(name)));
            }
            Msg::Scaling(sc) => {
                self.settings.scaling = sc;
                let name = key_of(&SCALINGS, &sc).unwrap_or("settings.other");
                model_change(
                    self,
                    Text::new("notice.scaling").and("name", Text::new(name)),
                );
            }
            Msg::Normalise => {
                self.settings.scaling = Scaling::ZScore;
                model_change(self, Text::new("notice.normalised"));
                self.play();
            }
            Msg::LowerLearningRate => {
                self.settings.learning_rate /= 10.0;
                model_change(
                    self,
                    Text::with("notice.lr_lowered", &[("lr", &self.settings.learning_rate)]),
                );
            }
            Msg::ClipGradients => {
                self.settings.clip = FIX_CLIP;
                model_change(self, Text::new("notice.clipped"));
                self.play();
            }
        }
        // Whatever changed, the next view shows it.
        self.ask_view();
        self.schedule(ctx);
        true
    }
}
