//! The page-worker protocol's tests: the host driven natively with a fake clock, and the
//! page's `Mirror` checked against the session it copies.

use super::*;

/// The host as the worker runs it: every request and reply of these tests crosses the
/// page-worker wire format (`encode`/`decode`) and must come back the same (compared by
/// its encoding, so a NaN, which is not equal to itself, compares too).
trait OverTheWire {
    fn send(&mut self, request: Request, clock: Clock) -> Vec<Reply>;
    fn run(&mut self, clock: Clock) -> Vec<Reply>;
}

fn over_the_wire<T: Serialize + serde::de::DeserializeOwned>(message: T) -> T {
    let bytes = encode(&message).expect("encodes");
    let back: T = decode(&bytes).expect("decodes");
    assert_eq!(encode(&back).expect("encodes again"), bytes);
    back
}

impl OverTheWire for Host {
    fn send(&mut self, request: Request, clock: Clock) -> Vec<Reply> {
        let replies = self.handle(over_the_wire(request), clock);
        replies.into_iter().map(over_the_wire).collect()
    }

    fn run(&mut self, clock: Clock) -> Vec<Reply> {
        self.work(clock).into_iter().map(over_the_wire).collect()
    }
}

/// A clock that moves on by `tick` ms each time it is read.
fn ticking(tick: f64) -> impl FnMut() -> f64 {
    let mut t = 0.0;
    move || {
        t += tick;
        t
    }
}

fn built(host: &mut Host, lesson: Lesson, clock: Clock) -> RunInfo {
    let replies = host.send(
        Request::Build {
            id: 1,
            data: Box::new(DataSource::Lesson(lesson)),
            settings: lesson.defaults(),
        },
        clock,
    );
    match replies.as_slice() {
        [Reply::Built { id: 1, info }] => (**info).clone(),
        other => panic!("expected Built, got {other:?}"),
    }
}

fn view(host: &mut Host, ask: &Ask, clock: Clock) -> RunView {
    match host.send(Request::View(*ask), clock).pop() {
        Some(Reply::View(v)) => *v,
        other => panic!("expected a view, got {other:?}"),
    }
}

/// `slices` slices of work, then the page's copy asks for a view and takes it in;
/// whether the history came whole.
fn sync(host: &mut Host, mirror: &mut Mirror, clock: Clock, slices: usize) -> bool {
    for _ in 0..slices {
        host.run(clock);
    }
    let v = view(host, &mirror.ask(Watch::default(), 0, 0), clock);
    let whole = v.history_whole;
    assert!(mirror.apply(v).is_some());
    whole
}

#[test]
fn a_view_carries_only_what_the_page_lacks() {
    let mut clock = ticking(0.01);
    let mut host = Host::new();
    let info = built(&mut host, Lesson::SineNextValue, &mut clock);
    assert_eq!(info.x.len(), info.y.len());
    // The first prediction, then three steps.
    while host.busy() {
        host.run(&mut clock);
    }
    for _ in 0..3 {
        host.send(Request::Step { epoch: false }, &mut clock);
        while host.busy() {
            host.run(&mut clock);
        }
    }
    let mut ask = Ask {
        run: 1,
        ..Ask::default()
    };
    let v = view(&mut host, &ask, &mut clock);
    assert_eq!(v.steps, 3);
    assert!(v.history_whole);
    assert_eq!(v.history.len(), 3);
    let (at, points) = v.prediction.clone().expect("a prediction");
    assert!(!points.is_empty());
    let cell = v.cell.expect("the trace");
    assert_eq!(cell.step, 3);
    assert_eq!(cell.heat.panels.len(), heat_sources(info.config.cell).len());
    assert!(cell.step_through.is_some());
    // The page has it all now: the next view repeats none of it.
    ask.history_to = 3;
    ask.predicted_at = at;
    let again = view(&mut host, &ask, &mut clock);
    assert!(!again.history_whole);
    assert_eq!(again.history.len(), 0);
    assert_eq!(again.prediction, None);
    assert_eq!(
        again.cell, None,
        "the same trace and watch are not sent twice"
    );
    ask.unit = 1;
    let other_unit = view(&mut host, &ask, &mut clock).cell.expect("a new unit");
    assert_eq!(other_unit.step_through.map(|s| s.unit), Some(1));
}

#[test]
fn the_page_s_copy_adds_up_to_the_run() {
    // Each read of the clock costs half a millisecond: a few steps per slice.
    let mut clock = ticking(0.5);
    let mut host = Host::new();
    let info = built(&mut host, Lesson::SineNextValue, &mut clock);
    let mut mirror = Mirror::new(1, info);
    host.send(Request::Play, &mut clock);
    for _ in 0..40 {
        sync(&mut host, &mut mirror, &mut clock, 7);
    }
    let r = host.run.as_ref().unwrap();
    assert!(r.session.steps > 10, "{}", r.session.steps);
    assert_eq!(mirror.history, r.session.history);
    assert_eq!(*mirror.prediction, r.prediction);
    assert_eq!(mirror.now.steps, r.session.steps);
    assert_eq!(mirror.flow.as_deref(), r.flow.as_ref());
    // A view of another run changes nothing.
    let before = mirror.clone();
    let other = RunView {
        run: 7,
        ..RunView::default()
    };
    assert_eq!(mirror.apply(other), None);
    assert_eq!(mirror, before);
}

/// The run thins its older history and the page's copy thins the same way as it adds
/// the points: it is never sent whole again, and stays equal to the run's.
#[test]
fn a_thinned_history_is_thinned_alike_by_the_page() {
    let mut clock = ticking(0.5);
    let mut host = Host::new();
    let info = built(&mut host, Lesson::SineNextValue, &mut clock);
    let mut mirror = Mirror::new(1, info);
    host.send(Request::Play, &mut clock);
    while host.run.as_ref().unwrap().session.history.is_empty() {
        sync(&mut host, &mut mirror, &mut clock, 3);
    }
    // Points the page lacks, many, past the bound: the first views of them thin.
    let mut thinned = 0;
    for _ in 0..60 {
        let s = &mut host.run.as_mut().unwrap().session;
        for _ in 0..300 {
            let mut p = *s.history.last().unwrap();
            p.step += 1;
            p.train_loss *= 0.999;
            s.history.push(p);
            s.steps = p.step;
            super::super::history::thin(&mut s.history, p.epoch);
        }
        assert!(
            !sync(&mut host, &mut mirror, &mut clock, 3),
            "new points only"
        );
        let r = &host.run.as_ref().unwrap().session;
        assert_eq!(mirror.history, r.history);
        thinned = mirror.history_version;
    }
    assert!(thinned > 0, "the copy was thinned");
    assert!(mirror.history.len() <= super::super::history::MAX_POINTS);
}

#[test]
fn a_view_equals_the_session_it_shows() {
    let mut clock = ticking(0.01);
    let mut host = Host::new();
    built(&mut host, Lesson::SineNextValue, &mut clock);
    host.send(Request::Step { epoch: false }, &mut clock);
    while host.busy() {
        host.run(&mut clock);
    }
    let ask = Ask {
        run: 1,
        t: 2,
        unit: 1,
        ..Ask::default()
    };
    let v = view(&mut host, &ask, &mut clock);
    let s = &host.run.as_ref().unwrap().session;
    let trace = s.last_trace();
    let st = v.cell.unwrap().step_through.unwrap();
    let h = trace.layers[0].steps[0][2].hidden[(1, 0)];
    let h_t = st.equations.iter().find(|e| e.name == "h_t").unwrap();
    assert_eq!(h_t.value, f64::from(h));
    assert!((h_t.value - h_t.recomputed).abs() < 1e-5);
    assert_eq!(
        st.h_prev,
        f64::from(trace.layers[0].steps[0][1].hidden[(1, 0)])
    );
}

#[test]
fn a_refused_build_keeps_the_run() {
    let mut clock = ticking(0.01);
    let mut host = Host::new();
    built(&mut host, Lesson::SineNextValue, &mut clock);
    let mut zero_hidden = Lesson::SineNextValue.defaults();
    zero_hidden.hidden_size = 0;
    // Carried state has no meaning for a backward pass: refused in the page's words.
    let mut both = Lesson::SineNextValue.defaults();
    both.shape.bidirectional = true;
    both.shape.stateful = true;
    for (id, settings) in [(2, zero_hidden), (3, both)] {
        let replies = host.send(
            Request::Build {
                id,
                data: Box::new(DataSource::Lesson(Lesson::SineNextValue)),
                settings,
            },
            &mut clock,
        );
        assert!(matches!(replies.as_slice(), [Reply::Refused { id: i, .. }] if *i == id));
        if id == 3 {
            let [Reply::Refused { error, .. }] = replies.as_slice() else {
                unreachable!()
            };
            assert_eq!(error.key(), Some("err.stateful_bidirectional"));
        }
        let v = view(&mut host, &Ask::default(), &mut clock);
        assert_eq!(v.run, 1);
    }
}

#[test]
fn paced_training_steps_only_when_the_page_asks() {
    let mut clock = ticking(0.01);
    let mut host = Host::new();
    built(&mut host, Lesson::SineNextValue, &mut clock);
    while host.busy() {
        host.run(&mut clock);
    }
    host.send(Request::Speed(Some(1)), &mut clock);
    host.send(Request::TogglePlay, &mut clock);
    assert!(!host.busy(), "a paced run waits for the page's frames");
    let ask = Ask {
        run: 1,
        ..Ask::default()
    };
    let mut steps = Vec::new();
    for _ in 0..5 {
        steps.push(view(&mut host, &ask, &mut clock).steps);
    }
    // Some frames refresh the prediction instead of training; none trains two steps.
    assert!(steps.windows(2).all(|w| w[1] - w[0] <= 1), "{steps:?}");
    assert!(steps[4] >= 1, "{steps:?}");
}

#[test]
fn compare_mode_is_built_from_the_run_s_own_data() {
    let mut clock = ticking(0.01);
    let mut host = Host::new();
    built(&mut host, Lesson::SineNextValue, &mut clock);
    host.send(Request::Compare(true), &mut clock);
    host.send(Request::Step { epoch: false }, &mut clock);
    while host.busy() {
        host.run(&mut clock);
    }
    let v = view(&mut host, &Ask::default(), &mut clock);
    let runs = v.compare.expect("compare mode");
    assert_eq!(
        runs.iter().map(|r| r.cell).collect::<Vec<_>>(),
        COMPARED.to_vec()
    );
    assert!(runs.iter().all(|r| r.steps == 1), "one step each");
}

/// Epoch presses in compare mode, however they fall between the worker's slices, add
/// up to whole epochs of every compared run (a press while a run's epoch-end validation
/// was under way, or while the runs stood a step apart, used to add one step, not an
/// epoch: the page's compare test trained 378 steps for 45 presses).
#[test]
fn epoch_presses_in_compare_mode_add_up_to_whole_epochs() {
    for gap in [0, 1, 3] {
        let mut clock = ticking(0.5);
        let mut host = Host::new();
        built(&mut host, Lesson::VanishingGradients, &mut clock);
        host.send(Request::Compare(true), &mut clock);
        let per = host.run.as_ref().unwrap().session.steps_to_end_of_epoch(0);
        for press in 0..20 {
            host.send(Request::Step { epoch: true }, &mut clock);
            for _ in 0..(press * gap) % 5 {
                host.run(&mut clock);
            }
        }
        while host.busy() {
            host.run(&mut clock);
        }
        let v = view(&mut host, &Ask::default(), &mut clock);
        let steps: Vec<u64> = v.compare.unwrap().iter().map(|r| r.steps).collect();
        assert_eq!(steps, vec![20 * per; 3], "gap {gap}");
    }
}

#[test]
fn messages_round_trip_as_bytes() {
    let mut clock = ticking(0.01);
    let mut host = Host::new();
    let info = built(&mut host, Lesson::SineNextValue, &mut clock);
    let reply = Reply::Built {
        id: 1,
        info: Box::new(info),
    };
    let back: Reply = decode(&encode(&reply).unwrap()).unwrap();
    assert_eq!(back, reply);
    for _ in 0..200 {
        host.run(&mut clock);
    }
    let v = view(&mut host, &Ask::default(), &mut clock);
    let back: Reply = decode(&encode(&Reply::View(Box::new(v.clone()))).unwrap()).unwrap();
    assert_eq!(back, Reply::View(Box::new(v)));
    // A file's bytes travel as one byte string: about their own size, not an
    // array of numbers.
    let bytes: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    let read = Request::Read {
        file: 1,
        bytes: bytes.clone(),
        options: CsvOptions::default(),
    };
    let encoded = encode(&read).unwrap();
    assert!(encoded.len() < bytes.len() + 100, "{}", encoded.len());
    assert_eq!(decode::<Request>(&encoded).unwrap(), read);
    let request = Request::Build {
        id: 3,
        data: Box::new(DataSource::Csv {
            file: 1,
            options: CsvOptions::default(),
            choice: CsvChoice {
                features: vec!["a".into()],
                target: "a".into(),
                window: 1,
                horizon: 1,
                task: Default::default(),
                change: Default::default(),
            },
        }),
        settings: Lesson::SineNextValue.defaults(),
    };
    assert_eq!(
        decode::<Request>(&encode(&request).unwrap()).unwrap(),
        request
    );
}

/// A file is read a slice at a time (the page hears how far it is), gives the same
/// table as reading it at once, and is kept: other options and builds use it without
/// reading again. A file that does not read leaves the one read before.
#[test]
fn a_file_is_read_in_slices_and_kept() {
    let mut clock = ticking(5.0);
    let mut host = Host::new();
    let text: String = std::iter::once("t,sym,y\n".to_string())
        .chain((0..100_000).map(|i| {
            let y = if i % 7 == 0 {
                String::new()
            } else {
                format!("{}", (i as f64 * 0.1).sin())
            };
            format!("{i},{},{y}\n", ["a", "b"][i % 2])
        }))
        .collect();
    let options = CsvOptions::default();
    let replies = host.send(
        Request::Read {
            file: 1,
            bytes: text.clone().into_bytes(),
            options: options.clone(),
        },
        &mut clock,
    );
    assert!(replies.is_empty());
    assert!(host.busy());
    let (mut slices, mut heard) = (0, Vec::new());
    let summary = loop {
        slices += 1;
        let mut replies = host.run(&mut clock);
        match replies.pop() {
            Some(Reply::Reading { file: 1, done }) => heard.push(done),
            Some(Reply::Read {
                file: 1, result, ..
            }) => break result.unwrap(),
            None => {}
            other => panic!("{other:?}"),
        }
    };
    assert!(slices > 2, "{slices}");
    assert!(
        !heard.is_empty() && heard.windows(2).all(|w| w[0] <= w[1]),
        "{heard:?}"
    );
    let whole = crate::data::table::parse_csv(text.as_bytes(), &options).unwrap();
    assert_eq!(*summary, whole.summary());
    assert!(!host.busy());
    // Other options: the kept file, read with them.
    let series = CsvOptions {
        series: Some(crate::data::table::SeriesFilter {
            column: "sym".into(),
            value: "b".into(),
        }),
        ..CsvOptions::default()
    };
    let reply = host.send(
        Request::Reread {
            file: 1,
            options: series.clone(),
        },
        &mut clock,
    );
    let Some(Reply::Read { result: Ok(s), .. }) = reply.first() else {
        panic!("{reply:?}")
    };
    assert_eq!(
        **s,
        crate::data::table::parse_csv(text.as_bytes(), &series)
            .unwrap()
            .summary()
    );
    // A broken file: the reply says why, and the file before stays.
    let reply = host.send(
        Request::Read {
            file: 2,
            bytes: b"a,b\n1,2\n3\n".to_vec(),
            options: options.clone(),
        },
        &mut clock,
    );
    assert!(reply.is_empty());
    let reply = host.run(&mut clock);
    assert!(
        matches!(
            &reply[..],
            [Reply::Read {
                file: 2,
                result: Err(_),
                ..
            }]
        ),
        "{reply:?}"
    );
    let choice = CsvChoice::for_target("y".into());
    let reply = host.send(
        Request::Build {
            id: 1,
            data: Box::new(DataSource::Csv {
                file: 1,
                options,
                choice,
            }),
            settings: Lesson::SineNextValue.defaults(),
        },
        &mut clock,
    );
    assert!(
        matches!(&reply[..], [Reply::Built { id: 1, .. }]),
        "{reply:?}"
    );
}
