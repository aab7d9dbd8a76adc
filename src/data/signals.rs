//! Generated signals. Each generator is a pure function of its parameters.

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

/// Parameters of a sine wave `y = amplitude * sin(frequency * x + phase)` sampled at `points`
/// evenly spaced x from `x_start` to `x_end` inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SineParams {
    /// How many samples to take (at least 2).
    pub points: usize,
    /// Angular frequency multiplier applied to x.
    pub frequency: f64,
    /// Peak value.
    pub amplitude: f64,
    /// Phase offset in radians.
    pub phase: f64,
    /// First abscissa.
    pub x_start: f64,
    /// Last abscissa.
    pub x_end: f64,
}

impl Default for SineParams {
    /// The course notes' Keras case: 2000 points of sin(t) for t in [0, 100].
    fn default() -> Self {
        Self {
            points: 2000,
            frequency: 1.0,
            amplitude: 1.0,
            phase: 0.0,
            x_start: 0.0,
            x_end: 100.0,
        }
    }
}

/// Samples a sine wave. With fewer than 2 points the single sample (or none) sits at `x_start`.
pub fn sine(p: &SineParams) -> Series {
    let step = if p.points > 1 {
        (p.x_end - p.x_start) / (p.points - 1) as f64
    } else {
        0.0
    };
    let x: Vec<f64> = (0..p.points).map(|i| p.x_start + step * i as f64).collect();
    let y = x
        .iter()
        .map(|&t| p.amplitude * (p.frequency * t + p.phase).sin())
        .collect();
    Series { x, y }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_matches_the_notes_keras_case() {
        let s = sine(&SineParams::default());
        assert_eq!(s.len(), 2000);
        assert_eq!(s.x[0], 0.0);
        assert!((s.x[1999] - 100.0).abs() < 1e-12);
        // sin(100) = -0.50636564...
        assert!((s.y[1999] - (-0.506_365_641_109_758_8)).abs() < 1e-12);
    }

    #[test]
    fn frequency_and_phase_move_the_peaks() {
        let p = SineParams {
            points: 5,
            frequency: 2.0,
            amplitude: 3.0,
            phase: std::f64::consts::FRAC_PI_2,
            x_start: 0.0,
            x_end: std::f64::consts::PI,
        };
        let s = sine(&p);
        // y = 3 sin(2x + pi/2) = 3 cos(2x) at x = 0, pi/4, pi/2, 3pi/4, pi
        let expected = [3.0, 0.0, -3.0, 0.0, 3.0];
        for (got, want) in s.y.iter().zip(expected) {
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        }
    }

    #[test]
    fn degenerate_point_counts_do_not_panic() {
        let mut p = SineParams {
            points: 0,
            ..SineParams::default()
        };
        assert!(sine(&p).is_empty());
        p.points = 1;
        let s = sine(&p);
        assert_eq!(s.x, vec![0.0]);
    }
}
