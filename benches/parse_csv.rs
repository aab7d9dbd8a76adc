//! Parsing an 850,000-row OHLCV CSV (the size of the notes' stock data set): 5,000 trading
//! days x 170 symbols, about 45 MB. `cargo bench --bench parse_csv`; docs/BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rnn_lab::data::samples::stock_like_with;
use rnn_lab::data::table::{parse_csv, CsvOptions};

fn bench(c: &mut Criterion) {
    let symbols: Vec<String> = (0..170).map(|k| format!("SYN{k:03}")).collect();
    let refs: Vec<&str> = symbols.iter().map(String::as_str).collect();
    let text = stock_like_with(5000, &refs);
    let mut group = c.benchmark_group("parse_csv");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("ohlcv_850k_rows", |b| {
        b.iter(|| {
            let t = parse_csv(text.as_bytes(), &CsvOptions::default()).expect("parses");
            assert_eq!(t.rows, 850_000);
            t.rows
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
