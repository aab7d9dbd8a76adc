//! The training step allocates nothing once warm: a counting global allocator watches
//! forward + BPTT + clipping + optimiser steps after the first two. One test in this binary
//! on purpose, so no other test's allocations run concurrently with the count.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use rnn_lab::nn::benchmark::{TrainBench, CONFIGS};
use rnn_lab::nn::init::{initialise, Init};
use rnn_lab::nn::loss::{Loss, Targets};
use rnn_lab::nn::network::Evaluation;
use rnn_lab::nn::optim::{clip_network, Clip, Optimizer, OptimizerKind};
use rnn_lab::nn::{CellKind, Head, LstmVariant, Mat, Network, NetworkConfig};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_during(mut f: impl FnMut()) -> usize {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    f();
    ALLOCATIONS.load(Ordering::Relaxed) - before
}

#[test]
fn training_steps_allocate_nothing_after_warm_up() {
    // The six benchmark configs: forward + BPTT + Adam.
    for config in &CONFIGS {
        let mut bench = TrainBench::new(config);
        bench.step();
        bench.step();
        let n = allocations_during(|| {
            for _ in 0..3 {
                bench.step();
            }
        });
        assert_eq!(n, 0, "{}: {n} allocations in 3 warm steps", config.name);
    }

    // Everything else the core does in a step: 2 bidirectional peephole-LSTM layers with
    // dropout, a per-step softmax head, truncated BPTT, clipping, and each cell kind.
    for cell in [
        CellKind::Lstm(LstmVariant::Peephole),
        CellKind::Lstm(LstmVariant::Coupled),
        CellKind::Gru,
        CellKind::Rnn(rnn_lab::nn::Activation::Relu),
    ] {
        let config = NetworkConfig {
            cell,
            input_size: 3,
            hidden_size: 12,
            layers: 2,
            bidirectional: true,
            dropout: 0.2,
            output_size: 4,
            head: Head::ManyToMany,
            loss: Loss::CrossEntropy,
        };
        let mut rng = Pcg64Mcg::seed_from_u64(7);
        let mut net = Network::<f32>::zeros(config);
        initialise(&mut net, Init::default(), &mut rng);
        let xs: Vec<Mat<f32>> = (0..15)
            .map(|_| Mat::from_fn(3, 8, |_, _| rng.random_range(-1.0..1.0)))
            .collect();
        let ys = Targets::Classes(
            (0..15)
                .map(|_| (0..8).map(|_| rng.random_range(0..4)).collect())
                .collect(),
        );
        let mut eval = Evaluation::new(config);
        let mut opt = Optimizer::new(OptimizerKind::ADAM, 1e-2);
        let mut step = |net: &mut Network<f32>| {
            net.evaluate_into(&xs, &ys, Some(&mut rng), Some(5), &mut eval);
            clip_network(&mut eval.grads, Clip::Norm(0.5));
            opt.step(net.params_mut(), eval.grads.params());
        };
        step(&mut net);
        step(&mut net);
        let n = allocations_during(|| {
            for _ in 0..3 {
                step(&mut net);
            }
        });
        assert_eq!(n, 0, "{}: {n} allocations in 3 warm steps", cell.name());
    }
}
