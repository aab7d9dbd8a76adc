//! Gate names, written once and reused in code, traces, labels and exports.

use serde::{Deserialize, Serialize};

/// One block of rows in a cell's stacked pre-activations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Gate {
    /// Vanilla RNN: the pre-activation that becomes the new hidden state.
    Hidden,
    /// LSTM input gate i: how much of the candidate is written into the cell.
    Input,
    /// LSTM forget gate f: how much of the previous cell state is kept.
    Forget,
    /// LSTM candidate g (tanh): the value proposed for writing into the cell.
    Candidate,
    /// LSTM output gate o: how much of tanh(cell state) is exposed as the hidden state.
    Output,
    /// GRU reset gate r: how much of the previous hidden state feeds the new-state proposal.
    Reset,
    /// GRU update gate z: how much of the previous hidden state is kept (PyTorch convention).
    Update,
    /// GRU new-state proposal n (tanh).
    New,
}

/// The squashing function a gate's pre-activation goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Squash {
    Sigmoid,
    Tanh,
    /// Whatever the vanilla RNN's activation is (tanh or ReLU).
    CellActivation,
}

impl Gate {
    /// Snake-case name used in traces, JSON and test hooks.
    pub const fn name(self) -> &'static str {
        match self {
            Gate::Hidden => "hidden",
            Gate::Input => "input_gate",
            Gate::Forget => "forget_gate",
            Gate::Candidate => "candidate",
            Gate::Output => "output_gate",
            Gate::Reset => "reset_gate",
            Gate::Update => "update_gate",
            Gate::New => "new_gate",
        }
    }

    /// The catalogue key of its name on the page (`i18n`'s `gate.*`).
    pub const fn key(self) -> &'static str {
        match self {
            Gate::Hidden => "gate.hidden",
            Gate::Input => "gate.input",
            Gate::Forget => "gate.forget",
            Gate::Candidate => "gate.candidate",
            Gate::Output => "gate.output",
            Gate::Reset => "gate.reset",
            Gate::Update => "gate.update",
            Gate::New => "gate.new",
        }
    }

    /// The symbol in the equations (`i`, `f`, `g`, `o`, `r`, `z`, `n`; `h` for the RNN).
    pub const fn symbol(self) -> &'static str {
        match self {
            Gate::Hidden => "h",
            Gate::Input => "i",
            Gate::Forget => "f",
            Gate::Candidate => "g",
            Gate::Output => "o",
            Gate::Reset => "r",
            Gate::Update => "z",
            Gate::New => "n",
        }
    }

    /// Which function squashes this gate.
    pub const fn squash(self) -> Squash {
        match self {
            Gate::Hidden => Squash::CellActivation,
            Gate::Candidate | Gate::New => Squash::Tanh,
            _ => Squash::Sigmoid,
        }
    }
}
