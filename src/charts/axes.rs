//! Axis ranges and labels shared by the charts: padded ranges, tick, count and log labels,
//! and a CSV row's label on the x axis.

/// Values beyond this are drawn at it: an axis from -9e307 to 9e307 spans more than an f64
/// holds, and plotters' tick search never ends on an infinite span.
pub const AXIS_LIMIT: f64 = 1e300;

/// Axis range that holds every value of `v` (within ±[`AXIS_LIMIT`]), padded by 5 % (or, when
/// `v` is constant, by 1 or 5 % of its size), so a flat, empty or extreme series still gets a
/// finite, drawable range.
pub fn padded_range(v: &[f64]) -> (f64, f64) {
    let finite = v.iter().copied().filter(|x| x.is_finite());
    let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
        (lo.min(x), hi.max(x))
    });
    if !lo.is_finite() {
        return (-1.0, 1.0);
    }
    let (lo, hi) = (lo.max(-AXIS_LIMIT), hi.min(AXIS_LIMIT));
    let pad = if hi > lo {
        0.05 * (hi - lo)
    } else {
        (0.05 * hi.abs()).max(1.0)
    };
    (lo - pad, hi + pad)
}

/// A tick label with `decimals` digits, never "-0.0" for a value that rounds to zero.
pub fn tick_label(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// A label for a count axis (steps, time steps): whole numbers only, so a short run's axis
/// does not read "0 0 1 2 2".
pub fn count_label(v: f64) -> String {
    if (v - v.round()).abs() < 1e-6 {
        tick_label(v.round(), 0)
    } else {
        String::new()
    }
}

/// A label for a log axis: only at 1, 2 and 5 times a power of ten (evenly spread on a log
/// axis), so the ticks plotters puts at 3, 4, 6, ... 9 do not crowd the top of each decade.
pub fn log_label(v: f64) -> String {
    if !(v.is_finite() && v > 0.0) {
        return String::new();
    }
    let mantissa = v / 10f64.powf(v.log10().floor());
    if [1.0, 2.0, 5.0, 10.0]
        .iter()
        .any(|m| (mantissa - m).abs() < 1e-6 * m)
    {
        format!("{v:.0e}")
    } else {
        String::new()
    }
}

/// The label of a log axis over `lo..hi`: [`log_label`], or every tick with two digits when
/// the range holds no 1, 2 or 5 times a power of ten (then it is narrow and has few ticks).
pub(super) fn log_axis_label(lo: f64, hi: f64) -> impl Fn(&f64) -> String {
    let e = lo.log10().floor() as i32;
    let round = (e..=e + 1).any(|k| {
        [1.0, 2.0, 5.0]
            .iter()
            .any(|m| (lo..=hi).contains(&(m * 10f64.powi(k))))
    });
    move |v: &f64| {
        if round || !lo.is_finite() {
            log_label(*v)
        } else {
            format!("{v:.1e}")
        }
    }
}
