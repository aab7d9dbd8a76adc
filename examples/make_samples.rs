//! Writes the synthetic sample CSVs into www/data (see rnn_lab::data::samples).
//! Usage: cargo run --example make_samples

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("www/data");
    std::fs::create_dir_all(&dir).expect("create www/data");
    for (name, make) in rnn_lab::data::samples::SAMPLES {
        let text = make();
        std::fs::write(dir.join(name), &text).expect("write sample");
        println!("{name}: {} rows", text.lines().count() - 1);
    }
}
