//! Generated signals. Each generator is a pure function of its parameters (noise and random
//! walks come from a PRNG seeded by `seed`, so the same parameters give the same series).

use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

/// A sampled signal: `x[i]` is the abscissa, `y[i]` the value at it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
}

impl Series {
    /// Number of samples.
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// True when the series has no samples.
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }
}

/// Which signal to generate. `f` is `frequency`, `A` is `amplitude`, `φ` is `phase`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    /// `A sin(f x + φ)`
    Sine,
    /// `A cos(f x + φ)`
    Cosine,
    /// `A (sin(f x + φ) + 0.5 sin(2.7 f x) + 0.25 sin(5.3 f x + 1))`: not periodic over short
    /// windows, so a model must really track the state.
    SumOfSines,
    /// `A sign(sin(f x + φ))`
    Square,
    /// `A (2 frac((f x + φ) / 2π) - 1)`, rising from -A to A each period.
    Sawtooth,
    /// `A e^(-x / 20) sin(f x + φ)`, measured from the first x.
    DampedSine,
    /// A stock-like random walk: `y_0 = A`, each step multiplies by `exp(N(0, 0.01))`
    /// (frequency and phase unused).
    RandomWalk,
    /// A household-load-like series: 96 readings a day (x counts readings), a morning and an
    /// evening peak, higher use at weekends, scaled by A. `frequency` is unused.
    DailyLoad,
}

impl SignalKind {
    /// The catalogue key of its name.
    pub fn key(self) -> &'static str {
        match self {
            SignalKind::Sine => "signal.sine",
            SignalKind::Cosine => "signal.cosine",
            SignalKind::SumOfSines => "signal.sum_of_sines",
            SignalKind::Square => "signal.square",
            SignalKind::Sawtooth => "signal.sawtooth",
            SignalKind::DampedSine => "signal.damped",
            SignalKind::RandomWalk => "signal.random_walk",
            SignalKind::DailyLoad => "signal.daily_load",
        }
    }

    pub const ALL: [SignalKind; 8] = [
        SignalKind::Sine,
        SignalKind::Cosine,
        SignalKind::SumOfSines,
        SignalKind::Square,
        SignalKind::Sawtooth,
        SignalKind::DampedSine,
        SignalKind::RandomWalk,
        SignalKind::DailyLoad,
    ];

    /// Display name.
    pub const fn label(self) -> &'static str {
        match self {
            SignalKind::Sine => "sine",
            SignalKind::Cosine => "cosine",
            SignalKind::SumOfSines => "sum of sines",
            SignalKind::Square => "square wave",
            SignalKind::Sawtooth => "sawtooth",
            SignalKind::DampedSine => "damped sine",
            SignalKind::RandomWalk => "random walk (stock-like)",
            SignalKind::DailyLoad => "daily load (96 readings a day)",
        }
    }
}

/// Parameters of a generated signal sampled at `points` evenly spaced x from `x_start` to
/// `x_end` inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SignalParams {
    pub kind: SignalKind,
    /// How many samples to take.
    pub points: usize,
    /// Angular frequency multiplier applied to x.
    pub frequency: f64,
    /// Peak value (or starting price / load scale).
    pub amplitude: f64,
    /// Phase offset in radians.
    pub phase: f64,
    /// Standard deviation of Gaussian noise added to every sample.
    pub noise: f64,
    /// Seed for noise and random walks.
    pub seed: u64,
    /// First abscissa. The course notes' failure case starts at 3000 instead of 0.
    pub x_start: f64,
    /// Last abscissa.
    pub x_end: f64,
}

impl Default for SignalParams {
    /// The course notes' Keras case: 2000 points of sin(t) for t in [0, 100].
    fn default() -> Self {
        Self {
            kind: SignalKind::Sine,
            points: 2000,
            frequency: 1.0,
            amplitude: 1.0,
            phase: 0.0,
            noise: 0.0,
            seed: 0,
            x_start: 0.0,
            x_end: 100.0,
        }
    }
}

impl Series {
    /// The series as CSV text, columns `x` (4 decimals) and `column` (6 decimals, below any
    /// noise a learner would add): a generated signal goes through the same loader, column
    /// picker and tasks as a learner's file.
    pub fn to_csv(&self, column: &str) -> String {
        let mut out = format!("x,{column}\n");
        for (x, y) in self.x.iter().zip(&self.y) {
            out.push_str(&format!("{x:.4},{y:.6}\n"));
        }
        out
    }
}

/// Generates the signal. With fewer than 2 points the single sample (or none) sits at `x_start`.
pub fn generate(p: &SignalParams) -> Series {
    let step = if p.points > 1 {
        (p.x_end - p.x_start) / (p.points - 1) as f64
    } else {
        0.0
    };
    let x: Vec<f64> = (0..p.points).map(|i| p.x_start + step * i as f64).collect();
    let mut rng = Pcg64Mcg::seed_from_u64(p.seed);
    let (a, f, ph) = (p.amplitude, p.frequency, p.phase);
    let mut y: Vec<f64> = match p.kind {
        SignalKind::Sine => x.iter().map(|&t| a * (f * t + ph).sin()).collect(),
        SignalKind::Cosine => x.iter().map(|&t| a * (f * t + ph).cos()).collect(),
        SignalKind::SumOfSines => x
            .iter()
            .map(|&t| {
                a * ((f * t + ph).sin()
                    + 0.5 * (2.7 * f * t).sin()
                    + 0.25 * (5.3 * f * t + 1.0).sin())
            })
            .collect(),
        SignalKind::Square => x
            .iter()
            .map(|&t| if (f * t + ph).sin() >= 0.0 { a } else { -a })
            .collect(),
        SignalKind::Sawtooth => x
            .iter()
            .map(|&t| {
                let u = (f * t + ph) / std::f64::consts::TAU;
                a * (2.0 * (u - u.floor()) - 1.0)
            })
            .collect(),
        SignalKind::DampedSine => x
            .iter()
            .map(|&t| a * (-(t - p.x_start) / 20.0).exp() * (f * t + ph).sin())
            .collect(),
        SignalKind::RandomWalk => {
            let mut v = a;
            (0..p.points)
                .map(|i| {
                    if i > 0 {
                        let z: f64 = StandardNormal.sample(&mut rng);
                        v *= (0.01 * z).exp();
                    }
                    v
                })
                .collect()
        }
        SignalKind::DailyLoad => x.iter().map(|&t| a * daily_load_shape(t)).collect(),
    };
    if p.noise > 0.0 {
        for v in &mut y {
            let z: f64 = StandardNormal.sample(&mut rng);
            *v += p.noise * z;
        }
    }
    Series { x, y }
}

/// Typical household load (in units of the mean) at reading `t` (96 readings a day, day 0 a
/// Monday): a night base, a morning peak near 07:30, an evening peak near 19:00, more at
/// weekends.
pub fn daily_load_shape(t: f64) -> f64 {
    let hour = (t / 4.0).rem_euclid(24.0);
    let day = (t / 96.0).floor().rem_euclid(7.0);
    let bump = |centre: f64, width: f64| (-((hour - centre) / width).powi(2)).exp();
    let weekend = if day >= 5.0 { 1.15 } else { 1.0 };
    weekend * (0.45 + 0.55 * bump(7.5, 1.5) + 0.9 * bump(19.0, 2.2) + 0.2 * bump(13.0, 2.0))
}

/// Class labels by a rule on a signal: 1 where `cos(frequency * x) >= 0`, else 0 (the notes'
/// classification case uses frequency 4).
pub fn cos_sign_labels(x: &[f64], frequency: f64) -> Vec<usize> {
    x.iter()
        .map(|&t| usize::from((frequency * t).cos() >= 0.0))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signal_reads_back_from_its_csv() {
        let p = SignalParams {
            kind: SignalKind::DampedSine,
            points: 50,
            noise: 0.1,
            seed: 3,
            ..SignalParams::default()
        };
        let s = generate(&p);
        let t = crate::data::table::parse_csv(
            s.to_csv("value").as_bytes(),
            &crate::data::table::CsvOptions::default(),
        )
        .unwrap();
        assert_eq!(t.rows, 50);
        let close = |read: &[f64], sent: &[f64], tol: f64| {
            read.len() == sent.len() && read.iter().zip(sent).all(|(a, b)| (a - b).abs() <= tol)
        };
        assert!(close(
            t.column("value").unwrap().numbers().unwrap(),
            &s.y,
            5e-7
        ));
        assert!(close(t.column("x").unwrap().numbers().unwrap(), &s.x, 5e-5));
    }

    #[test]
    fn default_matches_the_notes_keras_case() {
        let s = generate(&SignalParams::default());
        assert_eq!(s.len(), 2000);
        assert_eq!(s.x[0], 0.0);
        assert!((s.x[1999] - 100.0).abs() < 1e-12);
        // sin(100) = -0.50636564...
        assert!((s.y[1999] - (-0.506_365_641_109_758_8)).abs() < 1e-12);
    }

    #[test]
    fn frequency_and_phase_move_the_peaks() {
        let p = SignalParams {
            points: 5,
            frequency: 2.0,
            amplitude: 3.0,
            phase: std::f64::consts::FRAC_PI_2,
            x_start: 0.0,
            x_end: std::f64::consts::PI,
            ..SignalParams::default()
        };
        let s = generate(&p);
        // y = 3 sin(2x + pi/2) = 3 cos(2x) at x = 0, pi/4, pi/2, 3pi/4, pi
        for (got, want) in s.y.iter().zip([3.0, 0.0, -3.0, 0.0, 3.0]) {
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        }
    }

    #[test]
    fn the_notes_large_input_case_starts_x_at_3000() {
        let s = generate(&SignalParams {
            kind: SignalKind::Cosine,
            points: 20,
            x_start: 3000.0,
            x_end: 3000.0 + 19.0 * 0.1,
            ..SignalParams::default()
        });
        assert_eq!(s.x[0], 3000.0);
        assert!((s.y[0] - 3000f64.cos()).abs() < 1e-12);
    }

    #[test]
    fn every_kind_is_finite_bounded_and_seeded() {
        for kind in SignalKind::ALL {
            let p = SignalParams {
                kind,
                points: 2000,
                noise: 0.05,
                seed: 7,
                ..SignalParams::default()
            };
            let a = generate(&p);
            assert_eq!(a, generate(&p), "{kind:?} not reproducible");
            assert!(a.y.iter().all(|v| v.is_finite()), "{kind:?}");
            let b = generate(&SignalParams { seed: 8, ..p });
            assert_ne!(a.y, b.y, "{kind:?}: the seed must change the noise");
            if kind != SignalKind::RandomWalk {
                assert!(a.y.iter().all(|v| v.abs() < 3.0), "{kind:?} out of range");
            }
        }
    }

    #[test]
    fn square_and_sawtooth_shapes() {
        let sq = generate(&SignalParams {
            kind: SignalKind::Square,
            points: 100,
            ..SignalParams::default()
        });
        assert!(sq.y.iter().all(|v| v.abs() == 1.0));
        let saw = generate(&SignalParams {
            kind: SignalKind::Sawtooth,
            points: 5,
            x_start: 0.0,
            x_end: std::f64::consts::PI,
            ..SignalParams::default()
        });
        // u = x / 2π = 0, 1/8, 1/4, 3/8, 1/2 -> 2u - 1
        for (got, want) in saw.y.iter().zip([-1.0, -0.75, -0.5, -0.25, 0.0]) {
            assert!((got - want).abs() < 1e-12);
        }
    }

    #[test]
    fn daily_load_peaks_in_the_evening_and_weekends_are_higher() {
        let at = |day: f64, hour: f64| daily_load_shape(day * 96.0 + hour * 4.0);
        assert!(at(0.0, 19.0) > at(0.0, 3.0) * 2.0);
        assert!(at(0.0, 7.5) > at(0.0, 3.0));
        assert!(at(5.0, 19.0) > at(0.0, 19.0));
    }

    #[test]
    fn cos_sign_labels_follow_the_rule() {
        let x = [0.0, std::f64::consts::PI / 4.0, std::f64::consts::PI / 2.0];
        // cos(0) = 1, cos(pi) = -1, cos(2 pi) = 1
        assert_eq!(cos_sign_labels(&x, 4.0), vec![1, 0, 1]);
    }

    #[test]
    fn degenerate_point_counts_do_not_panic() {
        let mut p = SignalParams {
            points: 0,
            ..SignalParams::default()
        };
        assert!(generate(&p).is_empty());
        p.points = 1;
        assert_eq!(generate(&p).x, vec![0.0]);
    }
}
