//! The synthetic sample CSVs shipped in www/data, generated here with fixed seeds so that
//! `cargo run --example make_samples` rewrites them byte for byte (a test checks the committed
//! files match). They stand in for the notes' real data sets, and say so in their names.

use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_pcg::Pcg64Mcg;

use super::signals::daily_load_shape;

/// Writes one sample file's text.
pub type Generator = fn() -> String;

/// (file name, generator) for every sample.
pub const SAMPLES: [(&str, Generator); 3] = [
    ("stock_like_synthetic.csv", stock_like),
    ("household_load_synthetic.csv", household_load),
    ("two_class_synthetic.csv", two_class),
];

/// Civil date (year, month, day) of `days` after 1970-01-01 (Howard Hinnant's algorithm).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

fn n(rng: &mut Pcg64Mcg) -> f64 {
    StandardNormal.sample(rng)
}

/// Daily OHLCV for two made-up symbols over 1,600 trading days (weekends skipped), columns
/// like the notes' stock data: date, symbol, open, close, low, high, volume.
pub fn stock_like() -> String {
    stock_like_with(1600, &["SYNA", "SYNB"])
}

/// [`stock_like`] with any number of trading days and symbols (the parse benchmark uses
/// 5,000 days x 170 symbols = 850,000 rows, the size of the notes' data set).
pub fn stock_like_with(days: usize, symbols: &[&str]) -> String {
    let mut out = String::with_capacity(64 * days * symbols.len());
    out.push_str("date,symbol,open,close,low,high,volume\n");
    let mut rng = Pcg64Mcg::seed_from_u64(20_190_102);
    let mut price: Vec<f64> = (0..symbols.len())
        .map(|k| if k % 2 == 0 { 52.0 } else { 118.0 })
        .collect();
    let start = 17_898; // 2019-01-02, a Wednesday
    let mut day: i64 = start;
    // 1970-01-01 was a Thursday, so (day + 4) % 7 is 0 on Sundays and 6 on Saturdays.
    let weekend = |d: i64| matches!((d + 4).rem_euclid(7), 0 | 6);
    for _ in 0..days {
        while weekend(day) {
            day += 1;
        }
        for (k, sym) in symbols.iter().enumerate() {
            let open = price[k] * (1.0 + 0.004 * n(&mut rng));
            let close = open * (0.0003 + 0.015 * n(&mut rng)).exp();
            let high = open.max(close) * (1.0 + 0.006 * n(&mut rng).abs());
            let low = open.min(close) * (1.0 - 0.006 * n(&mut rng).abs());
            let volume = (1.2e6 * (0.35 * n(&mut rng)).exp()).round();
            out.push_str(&format!(
                "{},{sym},{open:.2},{close:.2},{low:.2},{high:.2},{volume}\n",
                date(day)
            ));
            price[k] = close;
        }
        day += 1;
    }
    out
}

/// Household electricity load, one reading every 15 minutes (96 a day) for 150 days:
/// timestamp, load_kw.
pub fn household_load() -> String {
    let mut out = String::from("timestamp,load_kw\n");
    let mut rng = Pcg64Mcg::seed_from_u64(96);
    let start = 19_723; // 2024-01-01, a Monday
    for t in 0..150 * 96 {
        let (day, q) = (t / 96, t % 96);
        let load = (1.3 * daily_load_shape(t as f64) + 0.08 * n(&mut rng)).max(0.05);
        out.push_str(&format!(
            "{} {:02}:{:02},{load:.3}\n",
            date(start + day),
            q / 4,
            (q % 4) * 15
        ));
    }
    out
}

/// The notes' classification case: x in [0, 10], the signal cos(4x) with a little noise,
/// and label 1 where cos(4x) >= 0.
pub fn two_class() -> String {
    let mut out = String::from("x,signal,label\n");
    let mut rng = Pcg64Mcg::seed_from_u64(4);
    for i in 0..1000 {
        let x = i as f64 * 10.0 / 999.0;
        let c = (4.0 * x).cos();
        let signal = c + 0.05 * n(&mut rng);
        out.push_str(&format!("{x:.4},{signal:.4},{}\n", u8::from(c >= 0.0)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stock_sample_skips_weekends() {
        let text = stock_like();
        // 2019-01-04 is a Friday, 2019-01-07 the Monday after.
        assert!(text.contains("\n2019-01-04,SYNA"));
        assert!(!text.contains("\n2019-01-05,"));
        assert!(!text.contains("\n2019-01-06,"));
        assert!(text.contains("\n2019-01-07,SYNA"));
    }

    #[test]
    fn civil_dates_by_hand() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(17_898), (2019, 1, 2));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }
}
