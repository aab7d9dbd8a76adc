//! The memory estimate (`train::memory`) against what runs really allocate: a global
//! allocator keeps the bytes in use and their peak while a session is built, trains and
//! predicts. One test in this binary on purpose, so no other test allocates meanwhile.

#[path = "common/peak.rs"]
mod peak;

use rnn_lab::train::lessons::Lesson;
use rnn_lab::train::memory::{estimate, MEMORY_BUDGET};
use rnn_lab::train::{memory_estimate, Session};

/// Peak bytes above what was in use before: building the session from a prepared lesson,
/// three training steps (both trace buffers used) and a prediction over a few windows.
fn measured(lesson: Lesson) -> (usize, usize) {
    measured_with(lesson, lesson.defaults())
}

fn measured_with(lesson: Lesson, settings: rnn_lab::train::settings::Settings) -> (usize, usize) {
    let p = lesson.prepare(&settings).unwrap();
    let need = memory_estimate(&p.config, &p.dataset);
    (peak::session_peak(p).expect("the run is built"), need)
}

#[test]
fn the_estimate_bounds_what_runs_allocate_and_refuses_runs_over_the_budget() {
    for lesson in Lesson::ALL {
        let (used, need) = measured(lesson);
        println!(
            "{}: used {:.1} MB, estimated {:.1} MB",
            lesson.key(),
            used as f64 / 1048576.0,
            need as f64 / 1048576.0
        );
        assert!(
            need >= used,
            "{}: estimate {need} < used {used}",
            lesson.key()
        );
        assert!(need <= MEMORY_BUDGET, "{} fits the budget", lesson.key());
    }
    // Found by the run_memory fuzz target (tests/fuzz): a peephole LSTM of 109 units on the
    // classification lesson used 2 % more than estimated.
    let mut peephole = Lesson::Classification.defaults();
    peephole.cell = rnn_lab::nn::CellKind::Lstm(rnn_lab::nn::LstmVariant::Peephole);
    peephole.hidden_size = 109;
    peephole.scaling = rnn_lab::data::normalise::Scaling::ZScore;
    peephole.seed = 0;
    peephole.shape.init = rnn_lab::nn::init::Scheme::Xavier;
    let (used, need) = measured_with(Lesson::Classification, peephole);
    println!("classification, peephole LSTM 109: used {used}, estimated {need}");
    assert!(need >= used, "estimate {need} < used {used}");
    // Compare mode on every lesson keeps to the budget (the main run and the three compared).
    for lesson in Lesson::ALL {
        let runs = std::iter::once(lesson.defaults().cell)
            .chain(rnn_lab::train::host::COMPARED)
            .map(|cell| {
                let settings = rnn_lab::train::settings::Settings {
                    cell,
                    ..lesson.defaults()
                };
                let p = lesson.prepare(&settings).unwrap();
                memory_estimate(&p.config, &p.dataset)
            })
            .sum::<usize>();
        assert!(
            runs <= MEMORY_BUDGET,
            "{}: compare mode {runs}",
            lesson.key()
        );
    }
    // Lesson 9 at the controls' maxima (4 bidirectional layers, batch 128), one of the runs
    // that took the tab down: refused before anything is allocated.
    let mut settings = Lesson::LongSequences.defaults();
    settings.shape.layers = 4;
    settings.shape.bidirectional = true;
    settings.shape.batch_size = Some(128);
    let p = Lesson::LongSequences.prepare(&settings).unwrap();
    let need = memory_estimate(&p.config, &p.dataset);
    println!(
        "lesson 9, 4 bidirectional layers, batch 128: estimated {:.1} MB",
        need as f64 / 1048576.0
    );
    assert!(need > MEMORY_BUDGET, "{need}");
    let e = match Session::new(p.config, p.dataset) {
        Err(e) => e,
        Ok(_) => panic!("a run over the budget was built"),
    };
    assert_eq!(e.key(), Some("err.memory"));
    assert!(e.to_string().contains("MB"), "{e}");
    // The estimate grows with what a run holds: twice the batch, more bytes.
    let small = Lesson::SineNextValue
        .prepare(&Lesson::SineNextValue.defaults())
        .unwrap();
    let mut net = rnn_lab::nn::NetworkConfig {
        cell: small.config.cell,
        input_size: 1,
        hidden_size: 32,
        layers: 1,
        bidirectional: false,
        dropout: 0.0,
        output_size: 1,
        head: rnn_lab::nn::Head::ManyToOne,
        loss: rnn_lab::nn::loss::Loss::Mse,
    };
    let one = estimate(&net, 32, &small.dataset);
    net.hidden_size = 128;
    assert!(estimate(&net, 32, &small.dataset) > one);
}
