//! What the learner can do ([`Action`], grouped by what it changes) and what the page must
//! do in return ([`Effect`]).

use crate::charts::LossScale;
use crate::data::normalise::Scaling;
use crate::data::signals::SignalParams;
use crate::data::table::MissingPolicy;
use crate::i18n::{Lang, Text};
use crate::nn::optim::{Clip, OptimizerKind};
use crate::nn::CellKind;
use crate::train::host::{ExportKind, Reply, Request};
use crate::train::lessons::{CsvTask, Lesson, RunLink};
use crate::train::settings::Shape;
use crate::train::Schedule;

/// Everything the learner can do, grouped by what it changes.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A change to the model or its data: the run is rebuilt (the old one stays if that
    /// fails).
    Model(ModelChange),
    /// How training goes on, not the model: no rebuild.
    Training(TrainingChange),
    /// The learner's file and what they pick from it, or a generated signal.
    Data(DataChange),
    /// Play, Pause, Step, Epoch.
    Run(RunControl),
    /// What the cell views watch, and the step-through.
    Watch(WatchChange),
    /// How the page shows the run: tabs, the loss axis, the window's size.
    Show(ShowChange),
    /// Compare mode on or off.
    Compare(bool),
    /// The page's language (its words are fetched first if the page does not have them).
    Lang(Lang),
    /// The words of a language the page fetched, as the catalogue's JSON text (Err: why
    /// they did not come): the page switches to it, or says why it cannot.
    Words(Lang, Result<String, String>),
    /// A download the learner asked for.
    Export(Export),
    /// The guided tour: next, back, close, an answer.
    Tour(super::TourChange),
    /// The page's theme (standard or projector).
    Theme(super::Theme),
    /// Present (the story alone, full screen, projector theme) or stop.
    Present(bool),
    /// A control got a value it cannot take: say so, change nothing.
    Invalid(Text),
    /// Something the page tried failed (a download): say so.
    Failed(Text),
    /// The training worker replied.
    Heard(Reply),
    /// The training worker died (out of memory, a trap).
    WorkerDied(String),
    /// The training worker never started (its files did not load, or the browser cannot run
    /// it): nothing can train, and a new worker would fail the same way.
    WorkerNotStarted(String),
    /// An animation frame while the run has work under way.
    Frame,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ModelChange {
    Lesson(Lesson),
    Cell(CellKind),
    Hidden(usize),
    Seed(u64),
    LearningRate(f64),
    Optimizer(OptimizerKind),
    Clipping(Clip),
    Scaling(Scaling),
    /// Layers, direction, dropout, initialisation, batch: with the notice's catalogue key.
    Shape(Shape, &'static str),
    /// One-click fixes: normalise (and play), a tenth of the learning rate, clip (and play).
    Normalise,
    LowerLearningRate,
    ClipGradients,
    /// The Reset button: the same settings, a new run.
    Reset,
    /// Train on the loaded file.
    TrainCsv,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TrainingChange {
    Schedule(Schedule),
    /// At most this many steps per animation frame; None: as fast as possible.
    Speed(Option<usize>),
    /// Test the held-out segment recursively (true) or one step ahead.
    Recursive(bool),
}

#[derive(Debug, Clone, PartialEq)]
pub enum DataChange {
    /// A file's bytes arrived (its name, its bytes), or reading it failed.
    Loaded(String, Result<Vec<u8>, Text>),
    Series(String),
    Missing(MissingPolicy),
    Target(String),
    Feature(String, bool),
    Window(usize),
    Horizon(usize),
    Task(CsvTask),
    /// Predict the target's value or its change.
    Change(crate::data::change::Change),
    /// The signal generator's settings, and "use this signal".
    Signal(SignalParams),
    GenerateSignal,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RunControl {
    TogglePlay,
    Step,
    /// Train to the end of the epoch under way (after any steps already asked for).
    StepEpoch,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WatchChange {
    /// Watch another layer, direction or sample (one field at a time, so quick changes in a
    /// row never undo each other).
    Layer(usize),
    Dir(usize),
    Sample(usize),
    /// The step-through's time step and unit (0-based).
    StepThrough(usize, usize),
    /// Play the step-through over t (or stop).
    PlayT,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ShowChange {
    Tab(Tab),
    LossScale(LossScale),
    /// The window changed size: charts are measured and drawn again.
    Resized,
}

/// What the learner can take away from a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Export {
    Weights,
    PyTorchBundle,
    PyTorchScript,
    Predictions,
    History,
    PredictionChart,
    LossChart,
}

/// The views one click away below the story: each a tab.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Tab {
    Flow,
    Equations,
    Compare,
}

impl Tab {
    pub const ALL: [Tab; 3] = [Tab::Flow, Tab::Equations, Tab::Compare];

    /// The id of its tab (`tab-…`) and panel (`panel-…`).
    pub fn id(self) -> &'static str {
        match self {
            Tab::Flow => "flow",
            Tab::Equations => "equations",
            Tab::Compare => "compare",
        }
    }

    /// Its name's catalogue key.
    pub fn key(self) -> &'static str {
        match self {
            Tab::Flow => "tab.flow",
            Tab::Equations => "tab.equations",
            Tab::Compare => "tab.compare",
        }
    }
}

/// What the page must do after an action.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// A request for the training worker.
    Send(Request),
    /// Put a lesson run's settings and the language in the address bar's link, with the
    /// classroom options it was opened with.
    SaveLink(RunLink, super::Classroom),
    /// Show the page in this theme.
    Theme(super::Theme),
    /// Ask the browser for full screen, or leave it.
    FullScreen(bool),
    /// Remember settings being tried, or that trained, for the next visit.
    Remember(super::Remember),
    /// Remember the language.
    SaveLang(Lang),
    /// Fetch a language's catalogue; it comes back as [`Action::Words`].
    FetchWords(Lang),
    /// Remember whether the tour's card is open.
    SaveTour(bool),
    /// Hand a file the worker worded to the learner.
    SaveFile(ExportKind, String),
    /// Hand the script that reproduces a run in PyTorch to the learner.
    SaveScript,
    /// Hand a chart to the learner as a PNG.
    SaveChart(Export),
    /// Canvases may have a new size: measure them again.
    Remeasure,
    /// Start a new training worker (the old one died); requests after this go to it.
    NewWorker,
}
