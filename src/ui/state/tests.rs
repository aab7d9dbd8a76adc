//! The page's reducer against the real training host (`train::host::Host`, what the worker
//! runs), with the requests it sends delivered one at a time, so a test chooses what the
//! page has heard when the learner acts.

use std::collections::VecDeque;

use super::*;
use crate::nn::CellKind;
use crate::train::host::Host;
use crate::train::Schedule;

/// The page, the host, and the requests on their way between them.
struct Wire {
    page: Page,
    host: Host,
    /// Requests the page sent that the host has not read yet.
    outbox: VecDeque<Request>,
    /// Everything the page asked for besides requests.
    effects: Vec<Effect>,
    /// The page's clock (ms) and the host's.
    now: f64,
    ticks: f64,
}

impl Wire {
    fn new(lesson: Lesson) -> Wire {
        Wire::with(lesson, lesson.defaults())
    }

    /// The page opened on `settings` (as from a link).
    fn with(lesson: Lesson, settings: Settings) -> Wire {
        let (page, effects) = Page::new(lesson, settings, None, Lang::En);
        let mut w = Wire {
            page,
            host: Host::new(),
            outbox: VecDeque::new(),
            effects: Vec::new(),
            now: 0.0,
            ticks: 0.0,
        };
        w.take(effects);
        w
    }

    fn take(&mut self, effects: Vec<Effect>) {
        for e in effects {
            match e {
                Effect::Send(r) => self.outbox.push_back(r),
                other => self.effects.push(other),
            }
        }
    }

    /// The learner (or the clock) acts.
    fn act(&mut self, action: Action) {
        self.now += 1.0;
        let (effects, _) = self.page.reduce(action, self.now);
        self.take(effects);
    }

    /// The host reads the next request and the page hears its replies.
    fn deliver_one(&mut self) -> bool {
        let Some(request) = self.outbox.pop_front() else {
            return false;
        };
        let ticks = &mut self.ticks;
        let mut clock = || {
            *ticks += 0.01;
            *ticks
        };
        let replies = self.host.handle(request, &mut clock);
        for reply in replies {
            self.act(Action::Heard(reply));
        }
        true
    }

    /// Delivers every request, letting the host work between them, until the page asks
    /// nothing more (or `rounds` frames went by).
    fn settle(&mut self, rounds: usize) {
        for _ in 0..rounds {
            while self.deliver_one() {}
            let ticks = &mut self.ticks;
            let mut clock = || {
                *ticks += 0.01;
                *ticks
            };
            for reply in self.host.work(&mut clock) {
                self.act(Action::Heard(reply));
            }
            if !self.page.wants_frames() && self.outbox.is_empty() {
                return;
            }
            self.now += VIEW_EVERY_MS;
            self.act(Action::Frame);
        }
    }

    fn run_id(&self) -> u64 {
        self.page.shown.as_ref().map_or(0, |m| m.id)
    }
}

fn key(t: &Option<Text>) -> Option<&str> {
    t.as_ref().and_then(Text::key)
}

#[test]
fn the_first_run_is_built_and_shown() {
    let mut w = Wire::new(Lesson::SineNextValue);
    assert!(matches!(w.outbox[0], Request::Lang { lang: Lang::En, .. }));
    assert!(matches!(w.outbox[1], Request::Build { id: 1, .. }));
    w.settle(10);
    assert_eq!(w.run_id(), 1);
    assert_eq!(w.page.running.settings, Lesson::SineNextValue.defaults());
    assert!(w.page.error.is_none());
}

/// A change that builds replaces the run and says what changed; one the run cannot take
/// leaves the old run training, puts the controls back and says why.
#[test]
fn a_refused_change_keeps_the_old_run_and_says_why() {
    let mut w = Wire::new(Lesson::SineNextValue);
    w.settle(10);
    w.act(Action::Model(ModelChange::Cell(CellKind::Gru)));
    // Until the worker replies, the old run is shown.
    assert_eq!(w.run_id(), 1);
    w.settle(10);
    assert_eq!(w.run_id(), 2);
    assert_eq!(w.page.running.settings.cell, CellKind::Gru);
    assert_eq!(key(&w.page.notice), Some("notice.reset"));
    let keyed = w.page.controls_key;
    w.act(Action::Model(ModelChange::Hidden(0)));
    assert_eq!(
        w.page.settings.hidden_size, 0,
        "the control shows the change at once"
    );
    w.settle(10);
    assert_eq!(w.run_id(), 2, "the old run stays");
    assert_eq!(
        w.page.settings, w.page.running.settings,
        "the controls show the run"
    );
    assert_eq!(w.page.settings.cell, CellKind::Gru);
    assert_eq!(key(&w.page.error), Some("error.setup"));
    assert!(w.page.controls_key > keyed, "the controls are made anew");
    // The next change that builds clears the error.
    w.act(Action::Model(ModelChange::Seed(7)));
    w.settle(10);
    assert_eq!(w.run_id(), 4);
    assert!(w.page.error.is_none());
}

/// A view the page asked for before Play was pressed says the run was paused: the button
/// keeps what the learner pressed until a view that knows of the press.
#[test]
fn a_view_asked_before_a_press_does_not_undo_it() {
    let mut w = Wire::new(Lesson::SineNextValue);
    w.settle(10);
    w.act(Action::Frame);
    w.act(Action::Show(ShowChange::LossScale(LossScale::Linear)));
    assert!(
        w.outbox.iter().any(|r| matches!(r, Request::View(_))),
        "a view is on its way"
    );
    w.act(Action::Run(RunControl::TogglePlay));
    assert!(w.page.shown.as_ref().unwrap().now.playing);
    // The view asked before the press arrives first.
    while !matches!(w.outbox.front(), Some(Request::TogglePlay)) {
        assert!(w.deliver_one());
    }
    assert!(
        w.page.shown.as_ref().unwrap().now.playing,
        "the older view did not undo Play"
    );
    w.settle(20);
    let m = w.page.shown.as_ref().unwrap();
    assert!(m.now.playing && m.now.steps > 0, "the run plays");
    w.act(Action::Run(RunControl::TogglePlay));
    assert!(
        !w.page.shown.as_ref().unwrap().now.playing,
        "Pause answers at once"
    );
}

/// A worker that dies after it started playing, then one that cannot start at all (its files
/// did not load, or the browser cannot run it): the page says so and what to do, stops, and
/// starts no other worker (it would fail the same way, over and over).
#[test]
fn a_worker_that_cannot_start_is_not_started_again() {
    let mut w = Wire::new(Lesson::SineNextValue);
    w.settle(10);
    w.act(Action::Run(RunControl::TogglePlay));
    assert!(w.page.shown.as_ref().unwrap().now.playing);
    w.effects.clear();
    w.act(Action::WorkerNotStarted("worker.js: 404".into()));
    assert_eq!(key(&w.page.error), Some("error.worker_not_started"));
    assert!(w
        .page
        .error
        .as_ref()
        .unwrap()
        .to_string()
        .contains("worker.js: 404"));
    assert!(!w.effects.contains(&Effect::NewWorker));
    let now = &w.page.shown.as_ref().unwrap().now;
    assert!(!now.playing && !now.busy);
}

/// Words that do not come (the file failed to load, or is not a catalogue) are said, with
/// why, and the page stays in its language: its run, its worker's language, its link.
#[test]
fn words_that_do_not_come_leave_the_page_in_its_language() {
    let mut w = Wire::new(Lesson::SineNextValue);
    w.settle(10);
    crate::i18n::set(Lang::En);
    let run = w.page.shown.as_ref().unwrap().id;
    let before = w.page.controls_key;
    w.effects.clear();
    // As when the page lacks the words of the language chosen (natively it has them all).
    w.page.fetching_words = Some(Lang::Zh);
    w.act(Action::Words(
        Lang::Zh,
        Err("i18n/zh.json: HTTP 404".into()),
    ));
    assert_eq!(key(&w.page.error), Some("error.words"));
    let said = w.page.error.as_ref().unwrap().to_string();
    assert!(said.contains("i18n/zh.json: HTTP 404") && said.contains(Lang::Zh.own_name()));
    assert_eq!(crate::i18n::current(), Lang::En);
    assert!(w.outbox.iter().all(|r| !matches!(r, Request::Lang { .. })));
    assert!(!w
        .effects
        .iter()
        .any(|e| matches!(e, Effect::SaveLang(_) | Effect::SaveLink(..))));
    // The switcher is made anew, so it shows English again.
    assert_eq!(w.page.controls_key, before + 1);
    w.settle(10);
    assert_eq!(w.page.shown.as_ref().unwrap().id, run);
}

/// Words that came switch the page, and its worker gets them with the language.
#[test]
fn words_that_come_switch_the_page_and_its_worker() {
    let mut w = Wire::new(Lesson::SineNextValue);
    w.settle(10);
    let zh = crate::i18n::source(Lang::Zh).unwrap().to_string();
    w.page.fetching_words = Some(Lang::Zh);
    w.act(Action::Words(Lang::Zh, Ok(zh.clone())));
    assert_eq!(crate::i18n::current(), Lang::Zh);
    crate::i18n::set(Lang::En);
    assert!(w.effects.contains(&Effect::SaveLang(Lang::Zh)));
    assert!(w
        .outbox
        .iter()
        .any(|r| matches!(r, Request::Lang { lang: Lang::Zh, words } if *words == zh)));
}

/// Words that come after the learner chose another language do not switch the page back,
/// nor does their failure say anything.
#[test]
fn words_that_come_late_do_not_undo_a_later_choice() {
    let mut w = Wire::new(Lesson::SineNextValue);
    w.settle(10);
    w.page.fetching_words = Some(Lang::Zh);
    w.act(Action::Lang(Lang::En));
    w.effects.clear();
    let zh = crate::i18n::source(Lang::Zh).unwrap().to_string();
    w.act(Action::Words(Lang::Zh, Ok(zh)));
    assert_eq!(crate::i18n::current(), Lang::En);
    assert!(!w.effects.contains(&Effect::SaveLang(Lang::Zh)));
    w.act(Action::Words(Lang::Zh, Err("late".into())));
    assert_eq!(w.page.error, None);
}

/// A worker that dies takes no settings that crashed with it: the page rebuilds the last
/// ones that trained.
#[test]
fn a_dead_worker_is_replaced_and_the_last_settings_that_trained_rebuilt() {
    let mut w = Wire::new(Lesson::SineNextValue);
    w.settle(10);
    w.act(Action::Run(RunControl::Step));
    w.settle(50);
    assert!(w.page.shown.as_ref().unwrap().now.steps >= 1);
    let trained = w.page.settings;
    let remembered = |w: &Wire| -> Vec<Remember> {
        w.effects
            .iter()
            .filter_map(|e| match e {
                Effect::Remember(r) => Some(*r),
                _ => None,
            })
            .collect()
    };
    let link = |settings| RunLink {
        lesson: Lesson::SineNextValue,
        settings,
        lang: Lang::En,
    };
    // Tried when Step was pressed, remembered once it trained.
    assert_eq!(
        remembered(&w),
        vec![
            Remember::Trying(link(trained)),
            Remember::Worked(link(trained))
        ]
    );
    w.act(Action::Model(ModelChange::Hidden(100)));
    w.settle(10);
    assert_eq!(w.page.running.settings.hidden_size, 100);
    // Building is not trying; pressing Play is (and Pause is not).
    assert_eq!(remembered(&w).len(), 2);
    w.act(Action::Run(RunControl::TogglePlay));
    let hundred = w.page.settings;
    assert_eq!(remembered(&w)[2], Remember::Trying(link(hundred)));
    w.act(Action::Run(RunControl::TogglePlay));
    assert_eq!(remembered(&w).len(), 3);
    // The worker dies before the new run trained a step.
    w.outbox.clear();
    w.host = Host::new();
    w.act(Action::WorkerDied("unreachable".into()));
    assert!(w.effects.contains(&Effect::NewWorker));
    assert_eq!(w.page.settings, trained);
    assert!(w
        .outbox
        .iter()
        .any(|r| matches!(r, Request::Build { settings, .. } if *settings == trained)));
    w.settle(10);
    assert_eq!(w.page.running.settings, trained);
    assert_eq!(key(&w.page.notice), Some("error.worker_died"));
    // The link holds the settings that trained, not the ones that died, and hidden 100 was
    // never remembered as working: no crash loop on reload.
    let saved = w.effects.iter().rev().find_map(|e| match e {
        Effect::SaveLink(link, _) => Some(link.settings),
        _ => None,
    });
    assert_eq!(saved, Some(trained));
    assert!(!remembered(&w).contains(&Remember::Worked(link(hundred))));
}

/// A message belongs to the action that raised it: a file that loads clears the last
/// file's error; one that does not keeps the file loaded before.
#[test]
fn a_file_that_loads_clears_the_last_error_and_a_broken_one_keeps_the_last_file() {
    let mut w = Wire::new(Lesson::SineNextValue);
    let good = b"t,value\n1,0.5\n2,0.7\n3,0.2\n".to_vec();
    w.act(Action::Data(DataChange::Loaded(
        "good.csv".into(),
        Ok(good),
    )));
    // The worker reads it; until then the page says it is reading.
    assert_eq!(
        w.page.loading.as_ref().map(|l| l.name.as_str()),
        Some("good.csv")
    );
    w.settle(10);
    assert!(w.page.loading.is_none());
    assert!(w.page.csv_error.is_none());
    assert_eq!(w.page.csv.as_ref().unwrap().summary.rows, 3);
    let bad = b"a,b\n1,2\n3\n".to_vec();
    w.act(Action::Data(DataChange::Loaded("bad.csv".into(), Ok(bad))));
    w.settle(10);
    assert_eq!(key(&w.page.csv_error), Some("csv.load_failed"));
    assert_eq!(w.page.csv.as_ref().unwrap().name, "good.csv");
    w.act(Action::Data(DataChange::GenerateSignal));
    w.settle(10);
    assert!(w.page.csv_error.is_none());
    let file = w.page.csv.as_ref().unwrap().file;
    assert_eq!(file, 3);
    // Training on it normalises a file's columns and names it in the run.
    w.act(Action::Model(ModelChange::TrainCsv));
    w.settle(10);
    assert!(w.page.running.on_csv);
    assert_eq!(w.page.running.settings.scaling, Scaling::ZScore);
    assert_eq!(w.page.shown.as_ref().unwrap().info.file, Some(file));
    // Other options use the file the worker kept; options it cannot take keep the old ones.
    w.act(Action::Data(DataChange::Missing(
        crate::data::table::MissingPolicy::DropRows,
    )));
    w.settle(10);
    assert_eq!(
        w.page.csv.as_ref().unwrap().options.missing,
        crate::data::table::MissingPolicy::DropRows
    );
    // A worker that dies is given the file again: it can be trained on at once.
    w.host = Host::new();
    w.act(Action::WorkerDied("test".into()));
    w.settle(10);
    w.act(Action::Model(ModelChange::TrainCsv));
    w.settle(10);
    assert!(w.page.error.is_none(), "{:?}", w.page.error);
    assert!(w.page.running.on_csv);
    assert_eq!(w.page.shown.as_ref().unwrap().info.file, Some(file));
}

/// The one-click fixes rebuild with the fix and play; a schedule change does not rebuild.
#[test]
fn fixes_rebuild_and_play_and_a_schedule_change_does_not_rebuild() {
    let mut w = Wire::new(Lesson::LargeInputs);
    w.settle(10);
    w.act(Action::Model(ModelChange::Normalise));
    let sent: Vec<&Request> = w.outbox.iter().collect();
    let build = sent
        .iter()
        .position(|r| matches!(r, Request::Build { .. }))
        .expect("a build");
    assert!(sent[build + 1..].iter().any(|r| matches!(r, Request::Play)));
    w.settle(10);
    assert_eq!(w.page.running.settings.scaling, Scaling::ZScore);
    let run = w.run_id();
    w.act(Action::Training(TrainingChange::Schedule(Schedule {
        reduce_lr_on_plateau: false,
        early_stopping: false,
    })));
    assert!(!w.outbox.iter().any(|r| matches!(r, Request::Build { .. })));
    w.settle(10);
    assert_eq!(w.run_id(), run);
}

/// A link whose run cannot be built (over the memory budget) opens the lesson's own
/// settings, saying why.
#[test]
fn a_first_run_that_is_refused_opens_the_lesson_s_own_settings() {
    let lesson = Lesson::LongSequences;
    let mut settings = lesson.defaults();
    settings.shape.layers = 4;
    settings.shape.bidirectional = true;
    settings.shape.batch_size = Some(1024);
    let mut w = Wire::with(lesson, settings);
    w.settle(10);
    assert_eq!(w.run_id(), 2);
    assert_eq!(w.page.running.settings, lesson.defaults());
    assert_eq!(w.page.settings, lesson.defaults());
    let said = w
        .page
        .notice
        .as_ref()
        .map(Text::to_string)
        .unwrap_or_default();
    assert!(said.contains("MB"), "{said}");
}

/// Walks the tour on show by doing what each step asks (its questions answered with the
/// first choice): every step is reached and done, each reveal quotes the run's own numbers,
/// and the tour ends.
fn walk(w: &mut Wire, what: &str) {
    use super::tour::{Done, Family, TourChange};
    let tour = w.page.topic().expect("a tour").steps();
    let mut reveals = 0;
    for (n, step) in tour.iter().enumerate() {
        assert_eq!(w.page.tour.step, n, "{what} step {n}");
        if step.question.is_some() {
            w.act(Action::Tour(TourChange::Answer(0)));
        }
        let before = w.page.tour.clone();
        match step.done {
            Done::Read => {}
            // One step: Step, as the tour says; more: Play.
            Done::Trained(1) => w.act(Action::Run(RunControl::Step)),
            Done::Trained(_) => {
                w.settle(10);
                if !w.page.shown.as_ref().unwrap().now.playing {
                    w.act(Action::Run(RunControl::TogglePlay));
                }
            }
            Done::Cell(Family::Lstm) => w.act(Action::Model(ModelChange::Cell(CellKind::Lstm(
                crate::nn::LstmVariant::Standard,
            )))),
            Done::Cell(_) => unreachable!("no tour asks for it yet"),
            Done::Normalised => w.act(Action::Model(ModelChange::Normalise)),
            Done::Clipped => w.act(Action::Model(ModelChange::ClipGradients)),
            Done::Carried => {
                let shape = crate::train::settings::Shape {
                    stateful: true,
                    ..w.page.settings.shape
                };
                w.act(Action::Model(ModelChange::Shape(shape, "notice.stateful")));
            }
            Done::Changed => w.act(Action::Data(DataChange::Change(
                crate::data::change::Change::Difference,
            ))),
            Done::Recursive => w.act(Action::Training(super::TrainingChange::Recursive(true))),
            Done::Tab(tab) => w.act(Action::Show(ShowChange::Tab(tab))),
            Done::Compared(_) => {
                w.act(Action::Compare(true));
                w.settle(10);
                w.act(Action::Run(RunControl::TogglePlay));
            }
        }
        // Train until the step is done (or its question revealed).
        for _ in 0..3000 {
            let t = &w.page.tour;
            if t.step != n || t.revealed.is_some() || step.done == Done::Read {
                break;
            }
            w.settle(1);
        }
        if let Some(reveal) = &w.page.tour.revealed {
            reveals += 1;
            assert_eq!(reveal.facts.len(), step.facts.len());
            let q = step.question.unwrap();
            assert!(reveal.right < q.choices());
            println!("{what} {}: {:?}", step.key, reveal);
        }
        if w.page.tour.step == n {
            assert!(
                step.done == Done::Read || step.question.is_some(),
                "{what} step {n} ({:?}) not done: {:?} from {before:?}",
                step.done,
                w.page.tour
            );
            // A step's measured sentence has its numbers by now.
            if let (false, Some(m)) = (step.facts.is_empty(), &w.page.shown) {
                assert!(
                    super::tour::facts_of(step, m).is_some(),
                    "{what} {} lacks numbers",
                    step.key
                );
            }
            w.act(Action::Tour(TourChange::Next));
        }
        if w.page.shown.as_ref().is_some_and(|m| m.now.playing) {
            w.act(Action::Run(RunControl::TogglePlay));
            w.settle(10);
        }
    }
    assert_eq!(w.page.tour.step, tour.len(), "{what} ends");
    assert_eq!(
        reveals,
        tour.iter().filter(|s| s.question.is_some()).count(),
        "{what}: every question revealed"
    );
}

/// Every lesson's tour can be walked by doing what it asks. Lesson 9 (a second or more per
/// step in a debug build) is walked by the page test only.
#[test]
fn every_tour_can_be_walked_by_doing_what_it_asks() {
    for lesson in Lesson::ALL {
        if lesson == Lesson::LongSequences {
            continue;
        }
        let mut w = Wire::new(lesson);
        w.settle(10);
        assert!(w.page.tour.open, "the tour is open on a first visit");
        walk(&mut w, &format!("{lesson:?}"));
        if let Some(goal) = w.page.tour.goal_met.as_ref() {
            println!("{lesson:?} goal met at step {}: {}", goal.1, goal.0);
        }
    }
}

/// The real series' tours start when the learner trains on their file, and can be walked
/// too; a file of the learner's own has none.
#[test]
fn the_real_series_tours_start_on_their_files_and_can_be_walked() {
    use super::tour::{Series, Topic};
    for series in Series::ALL {
        let bytes = std::fs::read(format!("www/data/{}", series.file())).unwrap();
        let mut w = Wire::new(Lesson::SineNextValue);
        w.settle(10);
        w.act(Action::Tour(super::tour::TourChange::Next));
        w.act(Action::Data(DataChange::Loaded(
            series.file().into(),
            Ok(bytes),
        )));
        w.settle(10);
        assert_eq!(
            w.page.tour.step, 1,
            "loading a file leaves the lesson's tour"
        );
        w.act(Action::Model(ModelChange::TrainCsv));
        w.settle(10);
        assert_eq!(w.page.topic(), Some(Topic::Series(series)));
        assert_eq!(w.page.tour.step, 0, "{series:?}'s tour starts");
        walk(&mut w, &format!("{series:?}"));
    }
    let mut w = Wire::new(Lesson::SineNextValue);
    w.settle(10);
    let own: String = std::iter::once("t,value\n".to_string())
        .chain((0..200).map(|t| format!("{t},{}\n", (t as f64 * 0.3).sin())))
        .collect();
    let own = own.into_bytes();
    w.act(Action::Data(DataChange::Loaded("mine.csv".into(), Ok(own))));
    w.settle(10);
    w.act(Action::Model(ModelChange::TrainCsv));
    w.settle(10);
    assert!(w.page.running.on_csv);
    assert_eq!(w.page.topic(), None);
    assert_eq!(w.page.tour_step(), None);
}

/// Play pressed the moment a lesson is chosen, before the worker has built its run (the
/// page still shows the old one), sets the new run training, whatever the old run was doing
/// and whatever view was on its way.
#[test]
fn play_pressed_while_a_lesson_builds_plays_the_new_run() {
    for (old_playing, view_in_flight, first_built) in [
        (false, false, true),
        (false, true, true),
        (true, false, true),
        (true, true, true),
        (false, false, false),
    ] {
        let case = format!(
            "old playing {old_playing}, view in flight {view_in_flight}, first built {first_built}"
        );
        let mut w = Wire::new(Lesson::SineNextValue);
        if first_built {
            w.settle(10);
            if old_playing {
                w.act(Action::Run(RunControl::TogglePlay));
                w.settle(3);
            }
            if view_in_flight {
                w.act(Action::Frame);
                w.act(Action::Show(ShowChange::LossScale(LossScale::Linear)));
            }
        }
        w.act(Action::Model(ModelChange::Lesson(
            Lesson::VanishingGradients,
        )));
        // The tour's question is answered and Play pressed before the build arrives.
        w.act(Action::Run(RunControl::TogglePlay));
        w.settle(40);
        let m = w.page.shown.as_ref().unwrap();
        assert_eq!(w.page.running.lesson, Lesson::VanishingGradients, "{case}");
        assert!(m.now.steps > 0, "{case}: the new run trained");
    }
}
