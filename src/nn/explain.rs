//! The step-through: one time step of one cell, for one sample and one unit, as the equations
//! of its convention with the numbers plugged in, e.g.
//! `f_t = σ(W_if·x_t + b_if + W_hf·h_{t-1} + b_hf) = σ(0.120 + 0.050 + 0.200 + 0.050) = σ(0.420) = 0.603`.
//!
//! Each pre-activation is recomputed here from the weights with plain f64 dot products, a
//! path independent of the optimised forward pass, and shown beside the value in the trace
//! (which is what the page displays): tests check the two agree.

use super::cell::{Activation, CellKind, CellParams, LstmVariant, StepTrace};
use super::gates::{Gate, Squash};
use super::Real;

/// One line of the step-through.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Equation {
    /// What is computed, e.g. `f_t`.
    pub name: String,
    /// The equation with numbers, to 3 decimals.
    pub text: String,
    /// The value in the model's trace (what the forward pass computed and backprop used).
    pub value: f64,
    /// The same value recomputed from the weights and inputs, in f64.
    pub recomputed: f64,
}

/// The inputs of the step for the chosen sample: x_t, h_{t-1}, c_{t-1} (LSTM).
pub struct StepInputs<'a> {
    pub x: &'a [f64],
    pub h_prev: &'a [f64],
    pub c_prev: Option<&'a [f64]>,
    /// A reverse direction: the state before step t is that of step t+1, and the equations
    /// say h_{t+1}, c_{t+1}.
    pub reverse: bool,
}

fn sigmoid(v: f64) -> f64 {
    1.0 / (1.0 + (-v).exp())
}

/// The equations of `step` (the trace of one layer and direction at one time step) for
/// `sample` and `unit`.
pub fn equations<T: Real>(
    kind: CellKind,
    p: &CellParams<T>,
    inputs: &StepInputs<'_>,
    step: &StepTrace<T>,
    sample: usize,
    unit: usize,
) -> Vec<Equation> {
    let h = p.hidden_size();
    let gates = kind.gates();
    let f = |v: T| v.to_f64();
    // Row `r` of the stacked blocks: its four terms.
    let terms = |r: usize| {
        let ax: f64 = (0..p.w_ih.ncols())
            .map(|c| f(p.w_ih[(r, c)]) * inputs.x[c])
            .sum();
        let ah: f64 = (0..h).map(|c| f(p.w_hh[(r, c)]) * inputs.h_prev[c]).sum();
        (ax, f(p.b_ih[(r, 0)]), ah, f(p.b_hh[(r, 0)]))
    };
    let trace_gate = |k: usize| f(step.gates[(k * h + unit, sample)]);
    let s = |g: Gate| g.symbol();
    let mut out = Vec::new();
    let mut push = |name: String, text: String, value: f64, recomputed: f64| {
        out.push(Equation {
            name,
            text,
            value,
            recomputed,
        })
    };
    // The step the incoming state comes from: t-1, or t+1 in a reverse direction.
    let prev = if inputs.reverse { "t+1" } else { "t-1" };
    let peep = p.peephole.as_ref().map(|m| m.as_slice());
    let c_prev = inputs.c_prev.map(|c| c[unit]);
    let mut recomputed_gate = std::collections::HashMap::new();
    for (k, &g) in gates.iter().enumerate() {
        let (ax, bx, ah, bh) = terms(k * h + unit);
        let sym = s(g);
        let (squash, fname) = match (g.squash(), kind) {
            (Squash::Sigmoid, _) => (Squash::Sigmoid, "σ"),
            (Squash::CellActivation, CellKind::Rnn(Activation::Relu)) => {
                (Squash::CellActivation, Activation::Relu.symbol())
            }
            _ => (Squash::Tanh, "tanh"),
        };
        let mut pre = ax + bx + ah + bh;
        let mut formula = format!("W_i{sym}·x_t + b_i{sym} + W_h{sym}·h_{{{prev}}} + b_h{sym}");
        let mut numbers = format!("{ax:.3} + {bx:.3} + {ah:.3} + {bh:.3}");
        if kind == CellKind::Gru && g == Gate::New {
            let r = *recomputed_gate.get(&Gate::Reset).expect("r before n");
            pre = ax + bx + r * (ah + bh);
            formula = format!("W_in·x_t + b_in + r_t*(W_hn·h_{{{prev}}} + b_hn)");
            numbers = format!("{ax:.3} + {bx:.3} + {r:.3}*({ah:.3} + {bh:.3})");
        }
        if let (Some(pp), Some(cp)) = (peep, c_prev) {
            let slot = match g {
                Gate::Input => Some(0),
                Gate::Forget => Some(1),
                _ => None,
            };
            if let Some(sl) = slot {
                let w = f(pp[sl * h + unit]);
                pre += w * cp;
                formula.push_str(&format!(" + p_{sym}*c_{{{prev}}}"));
                numbers.push_str(&format!(" + {w:.3}*{cp:.3}"));
            }
        }
        if kind == CellKind::Lstm(LstmVariant::Peephole) && g == Gate::Output {
            // The output gate's peephole reads c_t, computed below from i, f, g.
            let (i, fg, gg) = (
                recomputed_gate[&Gate::Input],
                recomputed_gate[&Gate::Forget],
                recomputed_gate[&Gate::Candidate],
            );
            let c = fg * c_prev.unwrap_or(0.0) + i * gg;
            let w = f(peep.expect("peephole weights")[2 * h + unit]);
            pre += w * c;
            formula.push_str(" + p_o*c_t");
            numbers.push_str(&format!(" + {w:.3}*{c:.3}"));
        }
        let value = match squash {
            Squash::Sigmoid => sigmoid(pre),
            Squash::CellActivation => pre.max(0.0),
            Squash::Tanh => pre.tanh(),
        };
        recomputed_gate.insert(g, value);
        let name = if g == Gate::Hidden {
            "h_t".to_string()
        } else {
            format!("{sym}_t")
        };
        let traced = trace_gate(k);
        push(
            name.clone(),
            format!("{name} = {fname}({formula}) = {fname}({numbers}) = {fname}({pre:.3}) = {traced:.3}"),
            traced,
            value,
        );
    }
    match kind {
        CellKind::Rnn(_) => {}
        CellKind::Lstm(variant) => {
            let cp = c_prev.unwrap_or(0.0);
            let fg = recomputed_gate[&Gate::Forget];
            let i = if variant == LstmVariant::Coupled {
                let i = 1.0 - fg;
                let traced = 1.0 - f(step.gates[(unit, sample)]);
                push(
                    "i_t".into(),
                    format!("i_t = 1 - f_t = 1 - {fg:.3} = {traced:.3}"),
                    traced,
                    i,
                );
                i
            } else {
                recomputed_gate[&Gate::Input]
            };
            let gg = recomputed_gate[&Gate::Candidate];
            let c = fg * cp + i * gg;
            let cell = step.cell.as_ref().expect("LSTM trace has c");
            let traced_c = f(cell[(unit, sample)]);
            push(
                "c_t".into(),
                format!(
                    "c_t = f_t*c_{{{prev}}} + i_t*g_t = {fg:.3}*{cp:.3} + {i:.3}*{gg:.3} = {traced_c:.3}"
                ),
                traced_c,
                c,
            );
            let o = recomputed_gate[&Gate::Output];
            let traced_h = f(step.hidden[(unit, sample)]);
            push(
                "h_t".into(),
                format!("h_t = o_t*tanh(c_t) = {o:.3}*tanh({traced_c:.3}) = {traced_h:.3}"),
                traced_h,
                o * c.tanh(),
            );
        }
        CellKind::Gru => {
            let (z, n) = (recomputed_gate[&Gate::Update], recomputed_gate[&Gate::New]);
            let hp = inputs.h_prev[unit];
            let traced_h = f(step.hidden[(unit, sample)]);
            push(
                "h_t".into(),
                format!(
                    "h_t = (1 - z_t)*n_t + z_t*h_{{{prev}}} = (1 - {z:.3})*{n:.3} + {z:.3}*{hp:.3} = {traced_h:.3}"
                ),
                traced_h,
                (1.0 - z) * n + z * hp,
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::cell::step_from_input;
    use crate::nn::Mat;

    /// The course notes' RNN example: with W_ih = I, W_hh = 0, zero biases, x = [0.6, 0.5]:
    /// h = tanh([0.6, 0.5]) = [0.537, 0.462], and the step-through says so.
    #[test]
    fn the_notes_tanh_example_reads_as_the_notes_write_it() {
        let kind = CellKind::Rnn(Activation::Tanh);
        let mut p = CellParams::<f64>::zeros(kind, 2, 2);
        p.w_ih = Mat::identity(2, 2);
        let x = Mat::from_column_slice(2, 1, &[0.6, 0.5]);
        let step = step_from_input(kind, &p, &x, &Mat::zeros(2, 1), None);
        let inputs = StepInputs {
            x: &[0.6, 0.5],
            h_prev: &[0.0, 0.0],
            c_prev: None,
            reverse: false,
        };
        let e0 = &equations(kind, &p, &inputs, &step, 0, 0)[0];
        let e1 = &equations(kind, &p, &inputs, &step, 0, 1)[0];
        assert_eq!(
            e0.text,
            "h_t = tanh(W_ih·x_t + b_ih + W_hh·h_{t-1} + b_hh) = tanh(0.600 + 0.000 + 0.000 + 0.000) = tanh(0.600) = 0.537"
        );
        assert!(e1.text.ends_with("tanh(0.500) = 0.462"), "{}", e1.text);
    }
}
