//! The guided tour: each lesson as a few steps. A step says what to look at (its view is
//! highlighted and scrolled into sight) and what to do (its control is pointed at); a step
//! that asks for an action completes when the learner does it. Some steps ask a question
//! before the run that answers it; the reveal reads the answer from the learner's own run.
//! Each lesson may set a goal the page detects.
//!
//! Plain Rust: the content is tables, the progress is [`Tour`], moved on by the reducer
//! after every action ([`Page::tour_check`](super::Page)). A step's words are catalogue
//! keys derived from its `key`: `KEY` (what to look at and do), `KEY.run` (a sentence with
//! the run's numbers, shown once the run has them) and `KEY.a`, `KEY.b`, … (a question's
//! choices).

use crate::data::normalise::Scaling;
use crate::nn::optim::Clip;
use crate::nn::CellKind;
use crate::train::host::Mirror;
use crate::train::lessons::Lesson;
use crate::train::metrics::Metrics;

use super::Tab;
use crate::i18n::Text;

/// A part of the page a step talks about or points at: an element's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Prediction,
    Loss,
    Scores,
    Stats,
    Heatmaps,
    CellDiagram,
    Flow,
    Compare,
    Equations,
    Play,
    Step,
    Cell,
    Scaling,
    Clip,
    FlowTab,
    CompareTab,
    EquationsTab,
    CompareStart,
    Stateful,
    /// The "Your data" panel's choice of value or change, and the test segment's mode.
    Change,
    TestMode,
    Scrub,
    /// The step-through's box (there before the first step, unlike the diagram in it).
    StepThrough,
}

impl Target {
    /// The id of its element on the page (a page test checks each exists).
    pub fn id(self) -> &'static str {
        match self {
            Target::Prediction => "prediction-chart",
            Target::Loss => "loss-chart",
            Target::Scores => "scores",
            Target::Stats => "stats",
            Target::Heatmaps => "heatmaps",
            Target::CellDiagram => "cell-diagram",
            Target::Flow => "flow-chart",
            Target::Compare => "panel-compare",
            Target::Equations => "panel-equations",
            Target::Play => "play",
            Target::Step => "step",
            Target::Cell => "cell",
            Target::Scaling => "scaling",
            Target::Clip => "clip",
            Target::FlowTab => "tab-flow",
            Target::CompareTab => "tab-compare",
            Target::EquationsTab => "tab-equations",
            Target::CompareStart => "compare",
            Target::Stateful => "stateful",
            Target::Change => "csv-change",
            Target::TestMode => "test-mode",
            Target::Scrub => "t-scrub",
            Target::StepThrough => "step-controls",
        }
    }

    /// The tab it lives in (shown when the step is).
    pub fn tab(self) -> Option<Tab> {
        match self {
            Target::Flow => Some(Tab::Flow),
            Target::Compare | Target::CompareStart => Some(Tab::Compare),
            Target::Equations => Some(Tab::Equations),
            _ => None,
        }
    }
}

/// Which family of cell a step asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Rnn,
    Lstm,
    Gru,
}

impl Family {
    pub fn of(kind: CellKind) -> Family {
        match kind {
            CellKind::Rnn(_) => Family::Rnn,
            CellKind::Lstm(_) => Family::Lstm,
            CellKind::Gru => Family::Gru,
        }
    }
}

/// When a step is done.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Done {
    /// The learner has read it and presses Next.
    Read,
    /// The run has trained this many more steps since the step began (Play, Step or
    /// Epoch), or has stopped by diverging.
    Trained(u64),
    /// The cell is of this family.
    Cell(Family),
    /// The inputs are normalised.
    Normalised,
    /// Gradient clipping is on.
    Clipped,
    /// This tab is open.
    Tab(Tab),
    /// Compare mode runs, each of its runs trained this many steps.
    Compared(u64),
    /// State is carried between windows.
    Carried,
    /// The file's target is predicted as its change (a difference or a percentage).
    Changed,
    /// The test segment is shown as a recursive forecast.
    Recursive,
}

/// A number read from the learner's run, named as its placeholder in the catalogues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact {
    Steps,
    Loss,
    FirstLoss,
    /// How many times smaller the loss is than at the first step.
    Drop,
    ValLoss,
    /// Share of saturated gate values in the watched sample (%).
    Saturation,
    /// ||dL/dh_1|| / ||dL/dh_T||: how much of the gradient reaches the window's first step.
    Reach,
    Window,
    Accuracy,
    R2Val,
    R2Test,
    /// 1 when the run diverged, else 0 (a question's answer; not shown).
    Diverged,
    Rate,
    /// Compare mode: each cell's reach.
    ReachRnn,
    ReachLstm,
    ReachGru,
    /// Compare mode with and without carried state: each run's validation loss, and how
    /// many times lower it is carried.
    ValZero,
    ValCarried,
    CarriedGain,
    /// Test R² of the recursive forecast (None until the scores are of one).
    R2Recursive,
    /// The step-through's h_t (the watched unit at the watched step).
    H,
}

impl Fact {
    /// Its placeholder's name.
    pub fn name(self) -> &'static str {
        match self {
            Fact::Steps => "steps",
            Fact::Loss => "loss",
            Fact::FirstLoss => "first_loss",
            Fact::Drop => "drop",
            Fact::ValLoss => "val_loss",
            Fact::Saturation => "saturation",
            Fact::Reach => "reach",
            Fact::Window => "window",
            Fact::Accuracy => "accuracy",
            Fact::R2Val => "r2_val",
            Fact::R2Test => "r2_test",
            Fact::Diverged => "diverged",
            Fact::Rate => "rate",
            Fact::ReachRnn => "reach_rnn",
            Fact::ReachLstm => "reach_lstm",
            Fact::ReachGru => "reach_gru",
            Fact::ValZero => "val_zero",
            Fact::ValCarried => "val_carried",
            Fact::CarriedGain => "gain",
            Fact::R2Recursive => "r2_recursive",
            Fact::H => "h",
        }
    }

    /// Its value in `m` (None: the run does not have it yet).
    pub fn value(self, m: &Mirror) -> Option<f64> {
        let trained = m.now.steps > 0;
        let score = |i: usize| m.now.scores[i].as_ref();
        let r2 = |i: usize| match score(i)? {
            Metrics::Regression(r) => Some(r.r2).filter(|v| v.is_finite()),
            Metrics::Classification(_) => None,
        };
        let reach_of = crate::nn::network::reach;
        let compared = |family: Family| {
            let runs = m.compare.as_ref()?;
            let run = runs.iter().find(|r| Family::of(r.cell) == family)?;
            reach_of(run.dh.as_deref()?)
        };
        let val_of = |stateful: bool| {
            let runs = m.compare.as_ref()?;
            runs.iter()
                .find(|r| r.stateful == stateful && runs.iter().any(|o| o.stateful != stateful))?
                .validation_loss
        };
        match self {
            Fact::Steps => trained.then_some(m.now.steps as f64),
            Fact::Loss => m.now.last_loss.filter(|l| l.is_finite()),
            Fact::FirstLoss => m.history.first().map(|h| h.train_loss),
            Fact::Drop => {
                let first = m.history.first()?.train_loss;
                let last = m.now.last_loss.filter(|l| l.is_finite() && *l > 0.0)?;
                Some(first / last)
            }
            Fact::ValLoss => m.validation_loss(),
            Fact::Saturation => m.now.saturation.filter(|_| trained).map(|s| s * 100.0),
            Fact::Reach => reach_of(m.flow.as_ref()?.dh_norm.first()?.first()?),
            Fact::Window => Some(m.info.window as f64),
            Fact::Accuracy => match score(0)? {
                Metrics::Classification(c) => Some(c.accuracy * 100.0),
                Metrics::Regression(_) => None,
            },
            Fact::R2Val => r2(0),
            Fact::R2Test => r2(1),
            Fact::R2Recursive => r2(1).filter(|_| m.now.scored_recursive),
            Fact::Diverged => trained.then(|| f64::from(u8::from(m.now.diverged_at.is_some()))),
            Fact::Rate => (m.now.rate > 0.0).then_some(m.now.rate),
            Fact::ReachRnn => compared(Family::Rnn),
            Fact::ReachLstm => compared(Family::Lstm),
            Fact::ReachGru => compared(Family::Gru),
            Fact::ValZero => val_of(false),
            Fact::ValCarried => val_of(true),
            Fact::CarriedGain => Some(val_of(false)? / val_of(true)?).filter(|g| g.is_finite()),
            Fact::H => m
                .cell
                .as_ref()?
                .step_through
                .as_ref()?
                .equations
                .iter()
                .find(|e| e.name == "h_t")
                .map(|e| e.value),
        }
    }

    /// Its value as the page writes it.
    pub fn shown(self, m: &Mirror) -> Option<String> {
        let v = self.value(m)?;
        Some(match self {
            Fact::Steps | Fact::Window => format!("{v:.0}"),
            Fact::Saturation | Fact::Accuracy => format!("{v:.0} %"),
            Fact::Rate => format!("{v:.1}"),
            Fact::Drop | Fact::CarriedGain => format!("{}×", number(v)),
            _ => number(v),
        })
    }
}

/// A number with three significant digits, in powers of ten when very small or large
/// (`3.1e-9`).
pub fn number(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 {
        "0".into()
    } else if !(1e-3..1e5).contains(&a) {
        format!("{v:.1e}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// A multiple-choice question asked before the run that answers it. Choice `i` stands for
/// the values of `fact` between `bounds[i - 1]` and `bounds[i]`: the right answer is the
/// one the learner's run lands in, so the reveal is always true of the run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Question {
    pub fact: Fact,
    pub bounds: &'static [f64],
}

impl Question {
    pub fn choices(&self) -> usize {
        self.bounds.len() + 1
    }

    /// The choice a value stands for.
    pub fn answer(&self, value: f64) -> usize {
        self.bounds.iter().take_while(|&&b| value >= b).count()
    }
}

/// One step of a lesson's tour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    /// Its words' catalogue key (see the module's doc).
    pub key: &'static str,
    /// What it talks about: highlighted and scrolled into sight.
    pub view: Target,
    /// What to use: pointed at.
    pub control: Option<Target>,
    pub done: Done,
    /// The numbers its `.run` sentence quotes (none: it has no such sentence).
    pub facts: &'static [Fact],
    pub question: Option<Question>,
}

const fn step(key: &'static str, view: Target, control: Option<Target>, done: Done) -> Step {
    Step {
        key,
        view,
        control,
        done,
        facts: &[],
        question: None,
    }
}

const fn measured(mut s: Step, facts: &'static [Fact]) -> Step {
    s.facts = facts;
    s
}

const fn ask(mut s: Step, fact: Fact, bounds: &'static [f64], facts: &'static [Fact]) -> Step {
    s.question = Some(Question { fact, bounds });
    s.facts = facts;
    s
}

use Done::*;
use Fact::*;
use Target as T;

const SINE: &[Step] = &[
    step("tour.sine.1", T::Prediction, None, Read),
    ask(
        step("tour.sine.2", T::Prediction, Some(T::Play), Trained(300)),
        R2Test,
        &[0.5, 0.95],
        &[Steps, R2Test, ValLoss],
    ),
    measured(
        step("tour.sine.3", T::Loss, None, Read),
        &[FirstLoss, Loss, Drop],
    ),
    step("tour.sine.4", T::Heatmaps, Some(T::Scrub), Read),
];

const CURVE: &[Step] = &[
    step("tour.curve.1", T::Prediction, Some(T::Play), Trained(100)),
    ask(
        step("tour.curve.2", T::Loss, Some(T::Play), Trained(500)),
        Drop,
        &[2.0, 50.0],
        &[FirstLoss, Loss, Drop],
    ),
    step("tour.curve.3", T::Heatmaps, None, Read),
];

const LARGE: &[Step] = &[
    step("tour.large.1", T::Prediction, None, Read),
    ask(
        step("tour.large.2", T::Heatmaps, Some(T::Play), Trained(200)),
        Saturation,
        &[50.0],
        &[Steps, Saturation],
    ),
    step("tour.large.3", T::Scaling, Some(T::Scaling), Normalised),
    measured(
        step("tour.large.4", T::Heatmaps, Some(T::Play), Trained(200)),
        &[Saturation, Loss],
    ),
];

const VANISHING: &[Step] = &[
    step("tour.vanishing.1", T::Prediction, None, Read),
    ask(
        step("tour.vanishing.2", T::Flow, Some(T::Play), Trained(300)),
        Reach,
        &[1e-6, 0.1],
        &[Steps, Reach, Window, ValLoss],
    ),
    step(
        "tour.vanishing.3",
        T::Cell,
        Some(T::Cell),
        Cell(Family::Lstm),
    ),
    measured(
        step("tour.vanishing.4", T::Flow, Some(T::Play), Trained(300)),
        &[Reach, Window, ValLoss],
    ),
    measured(
        step(
            "tour.vanishing.5",
            T::Compare,
            Some(T::CompareStart),
            Compared(200),
        ),
        &[ReachRnn, ReachLstm, ReachGru],
    ),
];

const EXPLODING: &[Step] = &[
    ask(
        step("tour.exploding.1", T::Loss, Some(T::Play), Trained(50)),
        Diverged,
        &[0.5],
        &[Steps],
    ),
    step("tour.exploding.2", T::Clip, Some(T::Clip), Clipped),
    measured(
        step("tour.exploding.3", T::Loss, Some(T::Play), Trained(300)),
        &[Steps, Loss],
    ),
];

const CLASSIFICATION: &[Step] = &[
    step("tour.classification.1", T::Prediction, None, Read),
    ask(
        step(
            "tour.classification.2",
            T::Scores,
            Some(T::Play),
            Trained(500),
        ),
        Accuracy,
        &[75.0, 95.0],
        &[Steps, Accuracy],
    ),
    measured(
        step("tour.classification.3", T::Loss, None, Read),
        &[Loss, ValLoss],
    ),
];

const STOCK: &[Step] = &[
    step("tour.stock.1", T::Prediction, None, Read),
    ask(
        step("tour.stock.2", T::Scores, Some(T::Play), Trained(500)),
        R2Test,
        &[0.0, 0.8],
        &[Steps, R2Test],
    ),
    step("tour.stock.3", T::Prediction, None, Read),
];

const HOUSEHOLD: &[Step] = &[
    step("tour.household.1", T::Prediction, None, Read),
    ask(
        step("tour.household.2", T::Scores, Some(T::Play), Trained(500)),
        R2Val,
        &[0.3, 0.9],
        &[Steps, R2Val],
    ),
    step("tour.household.3", T::Prediction, None, Read),
];

const LONG: &[Step] = &[
    step("tour.long.1", T::Stats, None, Read),
    ask(
        step("tour.long.2", T::Flow, Some(T::Step), Trained(1)),
        Reach,
        &[1e-6, 0.1],
        &[Reach, Window],
    ),
    step("tour.long.3", T::Heatmaps, None, Read),
];

const NOTES: &[Step] = &[
    ask(
        step("tour.notes.1", T::StepThrough, Some(T::Step), Trained(1)),
        H,
        &[0.5995, 0.6005],
        &[H],
    ),
    step(
        "tour.notes.2",
        T::EquationsTab,
        Some(T::EquationsTab),
        Tab(Tab::Equations),
    ),
    step("tour.notes.3", T::CellDiagram, Some(T::Scrub), Read),
];

const CARRIED: &[Step] = &[
    step("tour.carried.1", T::Prediction, None, Read),
    measured(
        step("tour.carried.2", T::Prediction, Some(T::Play), Trained(400)),
        &[Steps, ValLoss],
    ),
    step("tour.carried.3", T::Stateful, Some(T::Stateful), Carried),
    ask(
        step(
            "tour.carried.4",
            T::Compare,
            Some(T::CompareStart),
            Compared(400),
        ),
        CarriedGain,
        &[1.5, 4.0],
        &[ValZero, ValCarried, CarriedGain],
    ),
    step("tour.carried.5", T::Prediction, None, Read),
];

const CO2: &[Step] = &[
    step("tour.co2.1", T::Prediction, None, Read),
    ask(
        step("tour.co2.2", T::Scores, Some(T::Play), Trained(400)),
        R2Test,
        &[0.0, 0.9],
        &[Steps, R2Test],
    ),
    step("tour.co2.3", T::Change, Some(T::Change), Changed),
    measured(
        step("tour.co2.4", T::Scores, Some(T::Play), Trained(400)),
        &[Steps, R2Test],
    ),
    step("tour.co2.5", T::Prediction, None, Read),
];

const YEN: &[Step] = &[
    step("tour.yen.1", T::Prediction, None, Read),
    measured(
        step("tour.yen.2", T::Scores, Some(T::Play), Trained(400)),
        &[Steps, R2Test],
    ),
    ask(
        step("tour.yen.3", T::Prediction, Some(T::TestMode), Recursive),
        R2Recursive,
        &[0.0, 0.8],
        &[R2Recursive],
    ),
    step("tour.yen.4", T::Prediction, None, Read),
];

const GAS: &[Step] = &[
    step("tour.gas.1", T::Prediction, None, Read),
    ask(
        step("tour.gas.2", T::Scores, Some(T::Play), Trained(400)),
        R2Test,
        &[0.5, 0.9],
        &[Steps, R2Test],
    ),
    step("tour.gas.3", T::Prediction, None, Read),
];

/// A real series shipped in www/data with a tour of its own, shown once the learner trains
/// on it (its sample button, or the same file dropped in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Series {
    /// Monthly CO₂ at Mauna Loa: a trend, a season, gaps.
    Co2,
    /// Yen per US dollar, monthly: nearly a random walk.
    Yen,
    /// Natural gas price, monthly: months written as text, a few spikes.
    Gas,
}

impl Series {
    pub const ALL: [Series; 3] = [Series::Co2, Series::Yen, Series::Gas];

    /// Its file's name in www/data.
    pub const fn file(self) -> &'static str {
        match self {
            Series::Co2 => "co2_mauna_loa_monthly.csv",
            Series::Yen => "yen_per_dollar_monthly.csv",
            Series::Gas => "henry_hub_gas_monthly.csv",
        }
    }

    pub const fn key(self) -> &'static str {
        match self {
            Series::Co2 => "co2",
            Series::Yen => "yen",
            Series::Gas => "gas",
        }
    }
}

/// What a tour is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    Lesson(Lesson),
    Series(Series),
}

impl Topic {
    pub fn steps(self) -> &'static [Step] {
        match self {
            Topic::Lesson(l) => steps(l),
            Topic::Series(Series::Co2) => CO2,
            Topic::Series(Series::Yen) => YEN,
            Topic::Series(Series::Gas) => GAS,
        }
    }

    /// Its goal (the real series have none).
    pub fn goal(self) -> Option<Goal> {
        match self {
            Topic::Lesson(l) => goal(l),
            Topic::Series(_) => None,
        }
    }

    /// Its name on the tour's card (`data-lesson`): the lesson's or the series' key.
    pub fn key(self) -> String {
        match self {
            Topic::Lesson(l) => l.key(),
            Topic::Series(s) => s.key().to_string(),
        }
    }
}

/// A lesson's tour.
pub fn steps(lesson: Lesson) -> &'static [Step] {
    match lesson {
        Lesson::SineNextValue => SINE,
        Lesson::CurveFitting => CURVE,
        Lesson::LargeInputs => LARGE,
        Lesson::VanishingGradients => VANISHING,
        Lesson::ExplodingGradients => EXPLODING,
        Lesson::Classification => CLASSIFICATION,
        Lesson::StockCsv => STOCK,
        Lesson::HouseholdLoad => HOUSEHOLD,
        Lesson::LongSequences => LONG,
        Lesson::NotesExample => NOTES,
        Lesson::CarriedState => CARRIED,
    }
}

/// A lesson's goal: something to achieve with the run, detected by the page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Goal {
    /// The validation loss under this.
    ValLossUnder(f64),
    /// Train this many steps with clipping on, without diverging.
    TrainsClipped(u64),
    /// The validation accuracy (%) at least this.
    AccuracyOver(f64),
}

/// A lesson's goal (its words: `goal.<lesson key>`), if it has one.
pub fn goal(lesson: Lesson) -> Option<Goal> {
    match lesson {
        Lesson::SineNextValue => Some(Goal::ValLossUnder(0.001)),
        Lesson::VanishingGradients => Some(Goal::ValLossUnder(0.01)),
        Lesson::ExplodingGradients => Some(Goal::TrainsClipped(300)),
        Lesson::Classification => Some(Goal::AccuracyOver(90.0)),
        Lesson::StockCsv => Some(Goal::ValLossUnder(0.1)),
        // From zero in every window the run cannot go below about 0.19.
        Lesson::CarriedState => Some(Goal::ValLossUnder(0.02)),
        _ => None,
    }
}

impl Goal {
    /// The number that shows it is met.
    pub fn fact(self) -> Fact {
        match self {
            Goal::ValLossUnder(_) => Fact::ValLoss,
            Goal::TrainsClipped(_) => Fact::Loss,
            Goal::AccuracyOver(_) => Fact::Accuracy,
        }
    }

    /// Whether `m` meets it.
    pub fn met(self, m: &Mirror, clip: Clip) -> bool {
        match self {
            Goal::ValLossUnder(v) => m.validation_loss().is_some_and(|l| l < v),
            Goal::TrainsClipped(n) => {
                clip != Clip::Off && m.now.steps >= n && m.now.diverged_at.is_none()
            }
            Goal::AccuracyOver(p) => Fact::Accuracy.value(m).is_some_and(|a| a >= p),
        }
    }
}

/// The catalogue key of a lesson's goal.
pub fn goal_key(lesson: Lesson) -> String {
    format!("goal.{}", lesson.key())
}

/// Where the learner is in the tour of the lesson on show.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tour {
    /// The tour's card is open (it is on a first visit; the browser remembers after).
    pub open: bool,
    pub step: usize,
    /// The choice the learner made for the step's question.
    pub answer: Option<usize>,
    /// The question's outcome once the run answered it: the right choice and the facts'
    /// words then (kept, so the reveal does not change as training goes on).
    pub revealed: Option<Reveal>,
    /// The run and its steps when the step began, or its question was answered: "train n
    /// steps" counts from there.
    pub since: (u64, u64),
    /// The goal was met (its facts' words then: the validation loss and the step).
    pub goal_met: Option<(String, u64)>,
    /// What the steps are of: a new topic starts its tour from the first step.
    pub topic: Option<Topic>,
}

/// What a question's run showed.
#[derive(Debug, Clone, PartialEq)]
pub struct Reveal {
    pub right: usize,
    /// Each of the step's facts, by name, as shown.
    pub facts: Vec<(&'static str, String)>,
}

/// A step's facts as the run shows them; None until it has them all.
pub fn facts_of(step: &Step, m: &Mirror) -> Option<Vec<(&'static str, String)>> {
    step.facts
        .iter()
        .map(|f| f.shown(m).map(|s| (f.name(), s)))
        .collect()
}

/// Whether the run's scores, if `step` quotes any, are of the model trained as the step
/// asked (they are refreshed a few times a second while it trains, so earlier ones would
/// answer for a model it no longer has).
fn scored_since(step: &Step, m: &Mirror, since: (u64, u64)) -> bool {
    let scores = [Fact::Accuracy, Fact::R2Val, Fact::R2Test];
    let quotes = step
        .facts
        .iter()
        .chain(step.question.as_ref().map(|q| &q.fact))
        .any(|f| scores.contains(f));
    let Trained(n) = step.done else {
        return true;
    };
    !quotes || m.now.scored_step >= counted_from(m, since) + n
}

/// The run's step count that "train n steps" counts from: the steps it had at `since`, or 0
/// for a run built after it.
fn counted_from(m: &Mirror, since: (u64, u64)) -> u64 {
    if m.id == since.0 {
        since.1
    } else {
        0
    }
}

/// Whether `done` is met by the page's settings, tab and run, counting steps from `since`.
pub fn met(done: Done, page: &super::Page, since: (u64, u64)) -> bool {
    let m = page.shown.as_ref();
    match done {
        Read => false,
        Trained(n) => m.is_some_and(|m| {
            let from = counted_from(m, since);
            // A run that diverged since the step began has stopped: that is its answer.
            let stopped = m
                .now
                .diverged_at
                .is_some_and(|d| m.id != since.0 || d > from);
            stopped || m.now.steps >= from + n
        }),
        Done::Cell(family) => Family::of(page.settings.cell) == family,
        Normalised => page.settings.scaling != Scaling::None,
        Clipped => page.settings.clip != Clip::Off,
        Carried => page.settings.shape.stateful,
        Changed => page
            .csv
            .as_ref()
            .is_some_and(|c| c.choice.change != crate::data::change::Change::Level),
        Recursive => m.is_some_and(|m| m.now.recursive),
        Done::Tab(tab) => page.tab == tab,
        Compared(n) => m
            .and_then(|m| m.compare.as_ref())
            .is_some_and(|runs| !runs.is_empty() && runs.iter().all(|r| r.steps >= n)),
    }
}

/// What the learner does with the tour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TourChange {
    Next,
    Back,
    /// Close the card (the browser remembers) or open it again.
    Open(bool),
    /// Choose an answer to the step's question.
    Answer(usize),
    /// Go to a step (a classroom link's).
    Goto(usize),
}

impl super::Page {
    /// What the tour is about: the lesson, or on a file the real series it is (None: a
    /// learner's own file, which has no tour).
    pub fn topic(&self) -> Option<Topic> {
        if !self.on_csv {
            return Some(Topic::Lesson(self.lesson));
        }
        let name = &self.csv.as_ref()?.name;
        Series::ALL
            .into_iter()
            .find(|s| s.file() == name)
            .map(Topic::Series)
    }

    /// The steps of the tour on show (none without a topic).
    fn tour_steps(&self) -> &'static [Step] {
        self.topic().map_or(&[], Topic::steps)
    }

    /// The tour's step on show, if the card is open on a run with a tour.
    pub fn tour_step(&self) -> Option<&'static Step> {
        self.tour
            .open
            .then(|| self.tour_steps().get(self.tour.step))
            .flatten()
    }

    pub(super) fn tour_change(&mut self, change: TourChange) {
        // Keys (a presenter's clicker) move a tour only while its card is open.
        if !self.tour.open && !matches!(change, TourChange::Open(_)) {
            return;
        }
        match change {
            TourChange::Next => self.tour_go(self.tour.step + 1),
            TourChange::Back => self.tour_go(self.tour.step.saturating_sub(1)),
            TourChange::Goto(n) => self.tour_go(n),
            TourChange::Open(open) => {
                self.tour.open = open;
                self.out.push(super::Effect::SaveTour(open));
                if open && self.tour.step >= self.tour_steps().len() {
                    self.tour_go(0);
                }
            }
            TourChange::Answer(choice) => {
                if self.tour.revealed.is_none() {
                    self.tour.answer = Some(choice);
                    self.tour.since = self.run_steps();
                }
            }
        }
    }

    /// Starts step `n` (past the last: the tour is over, its card says so).
    pub(super) fn tour_go(&mut self, n: usize) {
        let n = n.min(self.tour_steps().len());
        self.tour.step = n;
        self.tour.answer = None;
        self.tour.revealed = None;
        self.tour.since = self.run_steps();
        // The view the step talks about is shown, in its tab.
        if let Some(tab) = self.tour_steps().get(n).and_then(|s| s.view.tab()) {
            if self.tab != tab {
                self.tab = tab;
                self.remeasure();
            }
        }
    }

    /// The tour of a lesson just chosen starts at its first step.
    pub(super) fn tour_restart(&mut self) {
        self.tour.goal_met = None;
        self.tour_go(0);
    }

    fn run_steps(&self) -> (u64, u64) {
        self.shown.as_ref().map_or((0, 0), |m| (m.id, m.now.steps))
    }

    /// After every action: a step whose action is done moves on, a question the run has
    /// answered is revealed, a goal met is acknowledged, and the live region is told what
    /// changed that matters.
    pub(super) fn tour_check(&mut self) {
        if let Some(m) = &self.shown {
            self.announce_run(m.id);
        }
        let topic = self.topic();
        if topic != self.tour.topic {
            self.tour.topic = topic;
            if topic.is_some() {
                self.tour_restart();
            }
        }
        let Some(topic) = topic else { return };
        if let (None, Some(goal), Some(m)) = (&self.tour.goal_met, topic.goal(), &self.shown) {
            if goal.met(m, self.settings.clip) {
                let shown = goal.fact().shown(m).unwrap_or_default();
                self.tour.goal_met = Some((shown, m.now.steps));
                self.announce =
                    Some(Text::new("announce.goal").and("goal", Text::new(goal_key(self.lesson))));
            }
        }
        // Steps done in a row move on together (at most the whole tour).
        for _ in 0..8 {
            let Some(step) = topic.steps().get(self.tour.step) else {
                return;
            };
            let done = met(step.done, self, self.tour.since);
            match step.question {
                Some(q) => {
                    if self.tour.answer.is_none() || self.tour.revealed.is_some() || !done {
                        return;
                    }
                    let Some(m) = &self.shown else { return };
                    if !scored_since(step, m, self.tour.since) {
                        return;
                    }
                    let (Some(value), Some(facts)) = (q.fact.value(m), facts_of(step, m)) else {
                        return;
                    };
                    self.tour.revealed = Some(Reveal {
                        right: q.answer(value),
                        facts,
                    });
                    self.announce = Some(Text::new("announce.revealed"));
                    return;
                }
                None if step.done != Read && done => {
                    self.tour_go(self.tour.step + 1);
                    self.announce = Some(Text::new("announce.step_done"));
                }
                None => return,
            }
        }
    }

    /// Tells the live region what a learner should hear about the run: that it diverged,
    /// or its loss fell by another factor of ten (not every frame).
    fn announce_run(&mut self, run: u64) {
        let Some(m) = &self.shown else { return };
        let heard = &mut self.announced;
        if heard.run != run {
            *heard = Announced {
                run,
                ..Announced::default()
            };
        }
        if m.now.diverged_at.is_some() && !heard.diverged {
            heard.diverged = true;
            self.announce = Some(Text::new("announce.diverged"));
            return;
        }
        let (Some(first), Some(last)) = (m.history.first(), m.now.last_loss) else {
            return;
        };
        if !(last.is_finite() && last > 0.0 && first.train_loss > 0.0) {
            return;
        }
        let tenfold = (first.train_loss / last).log10().floor() as i32;
        if tenfold > heard.tenfold {
            heard.tenfold = tenfold;
            self.announce = Some(Text::with(
                "announce.loss_down",
                &[
                    ("times", &10u64.pow(tenfold.clamp(0, 18) as u32)),
                    ("loss", &number(last)),
                ],
            ));
        }
    }
}

/// What the live region has said about a run.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Announced {
    run: u64,
    /// The loss had fallen 10^tenfold times when last said.
    tenfold: i32,
    diverged: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{catalogue, Lang};

    fn placeholders(text: &str) -> Vec<String> {
        let mut out: Vec<String> = text
            .split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_string()))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Every lesson has 3 to 8 steps and a question, every text exists in both catalogues,
    /// and a `.run` sentence quotes exactly its step's facts.
    #[test]
    fn every_lesson_has_a_tour_with_its_words() {
        for lang in Lang::ALL {
            let words = catalogue(lang);
            let get = |key: &str| {
                words
                    .get(key)
                    .unwrap_or_else(|| panic!("{key} missing in {lang:?}"))
                    .clone()
            };
            let topics = Lesson::ALL
                .map(Topic::Lesson)
                .into_iter()
                .chain(Series::ALL.map(Topic::Series));
            for topic in topics {
                let tour = topic.steps();
                assert!((3..=8).contains(&tour.len()), "{topic:?}");
                assert!(
                    tour.iter().any(|s| s.question.is_some()),
                    "{topic:?} asks nothing"
                );
                for s in tour {
                    assert!(placeholders(&get(s.key)).is_empty(), "{}", s.key);
                    let mut names: Vec<String> =
                        s.facts.iter().map(|f| f.name().to_string()).collect();
                    names.sort();
                    let run = format!("{}.run", s.key);
                    if s.facts.is_empty() {
                        assert!(!words.contains_key(&run), "{run} quotes nothing");
                    } else {
                        assert_eq!(placeholders(&get(&run)), names, "{run}");
                    }
                    if let Some(q) = s.question {
                        assert!(q.bounds.windows(2).all(|w| w[0] < w[1]));
                        for c in 0..q.choices() {
                            get(&format!("{}.{}", s.key, (b'a' + c as u8) as char));
                        }
                        assert!(!words.contains_key(&format!(
                            "{}.{}",
                            s.key,
                            (b'a' + q.choices() as u8) as char
                        )));
                    }
                }
                if let (Some(_), Topic::Lesson(lesson)) = (topic.goal(), topic) {
                    get(&goal_key(lesson));
                }
            }
        }
    }

    #[test]
    fn a_question_is_answered_by_the_band_the_value_lands_in() {
        let q = Question {
            fact: Fact::Reach,
            bounds: &[1e-6, 0.1],
        };
        assert_eq!(q.answer(3e-9), 0);
        assert_eq!(q.answer(1e-6), 1);
        assert_eq!(q.answer(0.02), 1);
        assert_eq!(q.answer(0.4), 2);
        assert_eq!(q.choices(), 3);
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(number(3.1e-9), "3.1e-9");
        assert_eq!(number(0.1234), "0.123");
        assert_eq!(number(4.567), "4.57");
        assert_eq!(number(45.67), "45.7");
        assert_eq!(number(4567.0), "4567");
        assert_eq!(number(0.0), "0");
    }
}
