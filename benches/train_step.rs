//! One training step (forward + BPTT + Adam) per config, in f32, single thread.
//! `cargo bench --bench train_step`; compare with `scripts/bench_pytorch.py` (same configs).
//! Results: docs/BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rnn_lab::nn::benchmark::{TrainBench, CONFIGS};

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("train_step_f32");
    group.sample_size(20);
    group.measurement_time(std::time::Duration::from_secs(3));
    group.warm_up_time(std::time::Duration::from_secs(1));
    group.throughput(Throughput::Elements(1));
    for config in &CONFIGS {
        let mut bench = TrainBench::new(config);
        group.bench_function(config.name, |b| b.iter(|| bench.step()));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
