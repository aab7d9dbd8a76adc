//! AVX-512 versions of the standard LSTM's pointwise work for f32, chosen at run time.
//!
//! Native builds compile for the host CPU (`.cargo/config.toml`), but LLVM then prefers
//! 256-bit vectors for compiler-vectorised loops on recent Xeons; at hidden sizes of 64 and
//! more the gate loops are a quarter of a training step, and 16 lanes instead of 8 are worth
//! writing out. Every operation mirrors the scalar code in the same order with the same
//! rounding (separate multiplies and adds, no fused multiply-add), so the results are
//! bit-for-bit those of [`super::tanh_f32`] and the scalar loops (tested below).
//! Each function handles the leading multiple of 16 units and returns how many it did.

use std::arch::x86_64::*;

/// Whether this CPU can run the functions below.
pub(crate) fn available() -> bool {
    std::arch::is_x86_feature_detected!("avx512f")
}

/// [`super::tanh_f32`] on 16 lanes: the same clamp, polynomials and division.
#[inline]
#[target_feature(enable = "avx512f")]
fn tanh16(x: __m512) -> __m512 {
    const CLAMP: f32 = 7.905_311;
    // max(-C, x) then min(C, ·): a NaN input comes through as NaN, like `f32::clamp`.
    let x = _mm512_min_ps(
        _mm512_set1_ps(CLAMP),
        _mm512_max_ps(_mm512_set1_ps(-CLAMP), x),
    );
    let x2 = _mm512_mul_ps(x, x);
    let step = |acc: __m512, c: f32| _mm512_add_ps(_mm512_mul_ps(acc, x2), _mm512_set1_ps(c));
    let p = _mm512_add_ps(
        _mm512_mul_ps(x2, _mm512_set1_ps(-2.760_768_5e-16)),
        _mm512_set1_ps(2.000_188e-13),
    );
    let p = step(p, -8.604_672e-11);
    let p = step(p, 5.122_297e-8);
    let p = step(p, 1.485_722_4e-5);
    let p = step(p, 6.372_619_3e-4);
    let p = step(p, 4.893_524_6e-3);
    let p = _mm512_mul_ps(p, x);
    let q = _mm512_add_ps(
        _mm512_mul_ps(x2, _mm512_set1_ps(1.198_258_4e-6)),
        _mm512_set1_ps(1.185_347e-4),
    );
    let q = step(q, 2.268_434_6e-3);
    let q = step(q, 4.893_525e-3);
    _mm512_div_ps(p, q)
}

/// `0.5 + 0.5 * tanh(0.5 * x)`, as `Real::sigmoid_fast` for f32.
#[inline]
#[target_feature(enable = "avx512f")]
fn sigmoid16(x: __m512) -> __m512 {
    let half = _mm512_set1_ps(0.5);
    _mm512_add_ps(half, _mm512_mul_ps(half, tanh16(_mm512_mul_ps(half, x))))
}

/// Loads 16 f32s from `s[k..k + 16]` (bounds-checked).
#[inline]
#[target_feature(enable = "avx512f")]
fn load(s: &[f32], k: usize) -> __m512 {
    let s = &s[k..k + 16];
    // SAFETY: `s` holds 16 f32s; unaligned loads have no alignment requirement.
    unsafe { _mm512_loadu_ps(s.as_ptr()) }
}

/// Stores 16 f32s to `s[k..k + 16]` (bounds-checked).
#[inline]
#[target_feature(enable = "avx512f")]
fn store(s: &mut [f32], k: usize, v: __m512) {
    let s = &mut s[k..k + 16];
    // SAFETY: `s` holds 16 f32s; unaligned stores have no alignment requirement.
    unsafe { _mm512_storeu_ps(s.as_mut_ptr(), v) }
}

/// The standard LSTM forward for one sample: gates (i, f, g, o) from `pre`, then
/// `c = f*c_prev + i*g` and `h = o*tanh(c)`, for units `0..` in blocks of 16.
///
/// # Safety
/// The CPU must have AVX-512F ([`available`]).
#[target_feature(enable = "avx512f")]
pub(crate) unsafe fn lstm_forward(
    h: usize,
    pre: &[f32],
    gates: &mut [f32],
    c_prev: &[f32],
    cell: &mut [f32],
    hidden: &mut [f32],
) -> usize {
    let mut k = 0;
    while k + 16 <= h {
        let i = sigmoid16(load(pre, k));
        let f = sigmoid16(load(pre, h + k));
        let g = tanh16(load(pre, 2 * h + k));
        let o = sigmoid16(load(pre, 3 * h + k));
        store(gates, k, i);
        store(gates, h + k, f);
        store(gates, 2 * h + k, g);
        store(gates, 3 * h + k, o);
        let c = _mm512_add_ps(_mm512_mul_ps(f, load(c_prev, k)), _mm512_mul_ps(i, g));
        store(cell, k, c);
        store(hidden, k, _mm512_mul_ps(o, tanh16(c)));
        k += 16;
    }
    k
}

/// Inputs of [`lstm_backward`] for one sample, as in `cell::LstmBackColumn`.
pub(crate) struct BackColumn<'a> {
    pub gates: &'a [f32],
    pub cell: &'a [f32],
    pub c_prev: &'a [f32],
    pub dh: &'a [f32],
    pub dc_next: &'a [f32],
}

/// The standard LSTM backward for one sample, units `0..` in blocks of 16 (the formulas of
/// `cell::lstm_backward_column`, in the same order).
///
/// # Safety
/// The CPU must have AVX-512F ([`available`]).
#[target_feature(enable = "avx512f")]
pub(crate) unsafe fn lstm_backward(
    h: usize,
    x: &BackColumn<'_>,
    dax: &mut [f32],
    dc_prev: &mut [f32],
    dc_full: &mut [f32],
) -> usize {
    let one = _mm512_set1_ps(1.0);
    let mut k = 0;
    while k + 16 <= h {
        let (i, f) = (load(x.gates, k), load(x.gates, h + k));
        let (g, o) = (load(x.gates, 2 * h + k), load(x.gates, 3 * h + k));
        let tc = tanh16(load(x.cell, k));
        let d = load(x.dh, k);
        let dc = _mm512_add_ps(
            load(x.dc_next, k),
            _mm512_mul_ps(
                _mm512_mul_ps(d, o),
                _mm512_sub_ps(one, _mm512_mul_ps(tc, tc)),
            ),
        );
        store(dc_full, k, dc);
        let da_o = _mm512_mul_ps(
            _mm512_mul_ps(_mm512_mul_ps(d, tc), o),
            _mm512_sub_ps(one, o),
        );
        let da_i = _mm512_mul_ps(
            _mm512_mul_ps(_mm512_mul_ps(dc, g), i),
            _mm512_sub_ps(one, i),
        );
        let da_f = _mm512_mul_ps(
            _mm512_mul_ps(_mm512_mul_ps(dc, load(x.c_prev, k)), f),
            _mm512_sub_ps(one, f),
        );
        let da_g = _mm512_mul_ps(
            _mm512_mul_ps(dc, i),
            _mm512_sub_ps(one, _mm512_mul_ps(g, g)),
        );
        store(dax, k, da_i);
        store(dax, h + k, da_f);
        store(dax, 2 * h + k, da_g);
        store(dax, 3 * h + k, da_o);
        store(dc_prev, k, _mm512_mul_ps(dc, f));
        k += 16;
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::tanh_f32;

    /// tanh16 equals the scalar tanh bit for bit, over the whole range, the clamp, and NaN.
    #[test]
    fn tanh16_is_the_scalar_tanh_bit_for_bit() {
        if !available() {
            return;
        }
        let xs: Vec<f32> = (-2000..2000)
            .map(|i| i as f32 * 0.0051)
            .chain([0.0, -0.0, 7.9, -7.9, 8.0, 1e30, -1e30, f32::NAN])
            .collect();
        for chunk in xs.chunks(16).filter(|c| c.len() == 16) {
            let mut out = [0.0f32; 16];
            // SAFETY: checked `available()` above.
            unsafe { store(&mut out, 0, tanh16(load(chunk, 0))) };
            for (&x, &y) in chunk.iter().zip(&out) {
                let want = tanh_f32(x);
                assert!(
                    y.to_bits() == want.to_bits() || (y.is_nan() && want.is_nan()),
                    "tanh({x}) = {y} vs {want}"
                );
            }
        }
    }
}
