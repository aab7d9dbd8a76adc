//! Matrix products for the hot path: a cache-blocked kernel that allocates nothing,
//! vectorised by the compiler, with runtime dispatch natively (AVX-512 or AVX2 with FMA,
//! else SSE2) and simd128 in the browser.
//!
//! Every product here accumulates: `c += a' * b'`, where `a'` is `a` or `aᵀ` and likewise
//! `b'`. A transposed `b` is read in place (the weight gradients `Σ dah hᵀ`); a transposed `a`
//! takes a simple path, so hot callers pass `W_hhᵀ` pre-transposed.

use super::{Mat, Real};

/// A column-major operand: a slice with its shape, read as itself or transposed.
#[derive(Clone, Copy)]
pub(crate) struct Operand<'a, T> {
    data: &'a [T],
    rows: usize,
    cols: usize,
    transposed: bool,
}

impl<'a, T> Operand<'a, T> {
    /// `rows x cols`, column-major.
    pub(crate) fn new(data: &'a [T], rows: usize, cols: usize) -> Self {
        assert_eq!(data.len(), rows * cols, "operand shape");
        Self {
            data,
            rows,
            cols,
            transposed: false,
        }
    }

    /// The transpose of this operand (no copy).
    pub(crate) fn t(self) -> Self {
        Self {
            transposed: !self.transposed,
            ..self
        }
    }

    /// Shape as used in the product.
    fn shape(&self) -> (usize, usize) {
        if self.transposed {
            (self.cols, self.rows)
        } else {
            (self.rows, self.cols)
        }
    }
}

impl<'a, T: Real> From<&'a Mat<T>> for Operand<'a, T> {
    fn from(m: &'a Mat<T>) -> Self {
        Operand::new(m.as_slice(), m.nrows(), m.ncols())
    }
}

/// Inner dimensions at or below this use plain loops: a blocked kernel only pays off once
/// there is a real inner dimension to block over.
const THIN: usize = 4;

/// Depth of one pass of the blocked kernel: a `m x KC` panel of `a` stays in L2 while every
/// column block of `c` is updated from it (the weight gradients have k = steps*batch, in the
/// thousands, and `a` would otherwise stream from memory once per column block).
const KC: usize = 256;

/// `c += a * b`, `c` column-major `m x n` in a slice. Allocates nothing.
pub(crate) fn add_product<T: Real>(c: &mut [T], a: Operand<'_, T>, b: Operand<'_, T>) {
    let (m, k) = a.shape();
    let (kb, n) = b.shape();
    assert_eq!(k, kb, "inner dimensions");
    assert_eq!(c.len(), m * n, "output shape");
    if m == 0 || n == 0 || k == 0 {
        return;
    }
    if a.transposed {
        // Only tiny products take this path (the head's W^T dy); the hot ones pass W^T
        // pre-transposed. c[i, j] = Σ_p a.data[i*k + p] b[p, j]: contiguous dots.
        for j in 0..n {
            for i in 0..m {
                let row = &a.data[i * k..(i + 1) * k];
                let mut s = T::zero();
                for (p, &av) in row.iter().enumerate() {
                    let bv = if b.transposed {
                        b.data[p * n + j]
                    } else {
                        b.data[j * k + p]
                    };
                    s += av * bv;
                }
                c[j * m + i] += s;
            }
        }
        return;
    }
    if k <= THIN && !b.transposed {
        // Column j of c gets Σ_k a[:, k] b[k, j]: contiguous axpys (input size 1 or 2).
        for (cj, bj) in c.chunks_exact_mut(m).zip(b.data.chunks_exact(k)) {
            for (ak, &bkj) in a.data.chunks_exact(m).zip(bj) {
                for (cv, &av) in cj.iter_mut().zip(ak) {
                    *cv += av * bkj;
                }
            }
        }
        return;
    }
    if n <= THIN && b.transposed {
        // c += a * bᵀ with few columns (the weight gradient of a 1-feature input): b is stored
        // `n x k`, so bᵀ[kk, j] = b.data[kk * n + j]; one pass over a's columns.
        for (ak, bk) in a.data.chunks_exact(m).zip(b.data.chunks_exact(n)) {
            for (cj, &bkj) in c.chunks_exact_mut(m).zip(bk) {
                for (cv, &av) in cj.iter_mut().zip(ak) {
                    *cv += av * bkj;
                }
            }
        }
        return;
    }
    let p = Dense {
        m,
        k,
        n,
        a: a.data,
        b: b.data,
        b_transposed: b.transposed,
    };
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            if let Some((c32, p32)) = as_f32(c, &p) {
                // SAFETY: the CPU has AVX-512F (checked just above), which implies AVX2, FMA.
                unsafe { avx512_f32::dense(c32, &p32) };
                return;
            }
            // SAFETY: as above.
            unsafe { dense_avx512(c, &p) };
            return;
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            // SAFETY: the CPU has AVX2 and FMA (checked just above).
            unsafe { dense_avx2(c, &p) };
            return;
        }
    }
    // wasm32 with simd128 (see .cargo/config.toml) and plain x86-64: four lanes, no FMA.
    dense::<T, 8, 4, false>(c, &p);
}

/// A product on the dense path: `a` column-major `m x k`; `b` column-major `k x n`, or
/// stored `n x k` and read transposed.
struct Dense<'a, T> {
    m: usize,
    k: usize,
    n: usize,
    a: &'a [T],
    b: &'a [T],
    b_transposed: bool,
}

/// The same product viewed as f32, when `T` is f32 (the hot path's type).
#[cfg(target_arch = "x86_64")]
fn as_f32<'a, T: Real>(
    c: &'a mut [T],
    p: &Dense<'a, T>,
) -> Option<(&'a mut [f32], Dense<'a, f32>)> {
    use std::any::TypeId;
    if TypeId::of::<T>() != TypeId::of::<f32>() {
        return None;
    }
    let cast = |s: &'a [T]| {
        // SAFETY: T is f32 (same TypeId), so a [T] is a [f32] of the same length.
        unsafe { std::slice::from_raw_parts(s.as_ptr().cast::<f32>(), s.len()) }
    };
    // SAFETY: as above; the unique borrow of `c` moves into the returned slice.
    let c = unsafe { std::slice::from_raw_parts_mut(c.as_mut_ptr().cast::<f32>(), c.len()) };
    let p = Dense {
        m: p.m,
        k: p.k,
        n: p.n,
        a: cast(p.a),
        b: cast(p.b),
        b_transposed: p.b_transposed,
    };
    Some((c, p))
}

/// An explicit AVX-512 kernel for f32: 32 x 4 blocks in 8 accumulator registers, enough
/// independent fused multiply-adds to cover their latency (the compiler does not keep a block
/// this large in registers on its own). Remainder rows and columns use the generic blocks.
#[cfg(target_arch = "x86_64")]
mod avx512_f32 {
    use super::{rows, Dense, KC};
    use std::arch::x86_64::*;

    #[target_feature(enable = "avx512f,avx2,fma")]
    pub(super) fn dense(c: &mut [f32], p: &Dense<'_, f32>) {
        let mut p0 = 0;
        while p0 < p.k {
            let p1 = (p0 + KC).min(p.k);
            let mut j = 0;
            while j + 4 <= p.n {
                let mut i = 0;
                while i + 32 <= p.m {
                    if p.b_transposed {
                        block_32x4::<true>(c, p, i, j, p0, p1);
                    } else {
                        block_32x4::<false>(c, p, i, j, p0, p1);
                    }
                    i += 32;
                }
                rows::<f32, 16, 4, true>(c, p, i, j, p0, p1);
                j += 4;
            }
            while j < p.n {
                rows::<f32, 16, 1, true>(c, p, 0, j, p0, p1);
                j += 1;
            }
            p0 = p1;
        }
    }

    #[target_feature(enable = "avx512f,avx2,fma")]
    fn block_32x4<const BT: bool>(
        c: &mut [f32],
        p: &Dense<'_, f32>,
        i: usize,
        j: usize,
        p0: usize,
        p1: usize,
    ) {
        let (m, k, n) = (p.m, p.k, p.n);
        let len = p1 - p0;
        // b[q, j..j+4] for q in p0..p1: four column slices, or rows of the stored transpose.
        let b_cols: [&[f32]; 4] = std::array::from_fn(|jj| {
            if BT {
                &p.b[..0]
            } else {
                &p.b[(j + jj) * k + p0..(j + jj) * k + p1]
            }
        });
        let b_rows = if BT { &p.b[p0 * n..p1 * n] } else { &p.b[..0] };
        let a_panel = &p.a[p0 * m..p1 * m];
        let mut acc = [_mm512_setzero_ps(); 8];
        for (q, a_col) in a_panel.chunks_exact(m).enumerate().take(len) {
            let col = &a_col[i..i + 32];
            let bq: [f32; 4] = if BT {
                b_rows[q * n + j..q * n + j + 4]
                    .try_into()
                    .expect("4 columns")
            } else {
                std::array::from_fn(|jj| b_cols[jj][q])
            };
            // SAFETY: `col` holds 32 f32s (the slice above is bounds-checked); unaligned
            // loads have no alignment requirement.
            let (a0, a1) = unsafe {
                (
                    _mm512_loadu_ps(col.as_ptr()),
                    _mm512_loadu_ps(col.as_ptr().add(16)),
                )
            };
            for (jj, &bv) in bq.iter().enumerate() {
                let b = _mm512_set1_ps(bv);
                acc[2 * jj] = _mm512_fmadd_ps(a0, b, acc[2 * jj]);
                acc[2 * jj + 1] = _mm512_fmadd_ps(a1, b, acc[2 * jj + 1]);
            }
        }
        for jj in 0..4 {
            let out = &mut c[(j + jj) * m + i..(j + jj) * m + i + 32];
            // SAFETY: `out` holds 32 f32s (bounds-checked slice above).
            unsafe {
                let o = out.as_mut_ptr();
                _mm512_storeu_ps(o, _mm512_add_ps(_mm512_loadu_ps(o), acc[2 * jj]));
                let o = o.add(16);
                _mm512_storeu_ps(o, _mm512_add_ps(_mm512_loadu_ps(o), acc[2 * jj + 1]));
            }
        }
    }
}

/// Compiled with AVX-512, any `T`: 16 x 4 blocks, one 16-lane register per column.
/// Compiled with AVX-512, any `T`: 16 x 4 blocks, one 16-lane register per column.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn dense_avx512<T: Real>(c: &mut [T], p: &Dense<'_, T>) {
    dense::<T, 16, 4, true>(c, p);
}

/// Compiled with AVX2: 16 x 4 blocks are 8 accumulator registers of 8 lanes (of 16).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn dense_avx2<T: Real>(c: &mut [T], p: &Dense<'_, T>) {
    dense::<T, 16, 4, true>(c, p);
}

/// The product in register blocks: for each `KC`-deep slice of the inner dimension, each
/// block of [`NR`] columns of `c` and each block of [`MR`] rows, the `MR x NR` block is
/// accumulated in registers over the slice and added to `c` once, so the inner loop is one
/// load of `a` and `NR` independent multiply-adds (enough to hide their latency). Remainder
/// rows and columns fall back to single-row/column blocks. `FUSED` uses fused multiply-add
/// (only where the CPU has it: in software it would be slow).
#[inline(always)]
fn dense<T: Real, const MR: usize, const NR: usize, const FUSED: bool>(
    c: &mut [T],
    p: &Dense<'_, T>,
) {
    let mut p0 = 0;
    while p0 < p.k {
        let p1 = (p0 + KC).min(p.k);
        let mut j = 0;
        while j + NR <= p.n {
            rows::<T, MR, NR, FUSED>(c, p, 0, j, p0, p1);
            j += NR;
        }
        while j < p.n {
            rows::<T, MR, 1, FUSED>(c, p, 0, j, p0, p1);
            j += 1;
        }
        p0 = p1;
    }
}

/// Rows `i0..` of columns `j..j+NR`: `MR`-row blocks, then 8-row ones, then single rows.
#[inline(always)]
fn rows<T: Real, const MR: usize, const NR: usize, const FUSED: bool>(
    c: &mut [T],
    p: &Dense<'_, T>,
    i0: usize,
    j: usize,
    p0: usize,
    p1: usize,
) {
    let mut i = i0;
    while i + MR <= p.m {
        block::<T, MR, NR, FUSED>(c, p, i, j, p0, p1);
        i += MR;
    }
    while i + 8 <= p.m {
        block::<T, 8, NR, FUSED>(c, p, i, j, p0, p1);
        i += 8;
    }
    while i < p.m {
        block::<T, 1, NR, FUSED>(c, p, i, j, p0, p1);
        i += 1;
    }
}

/// `c[i..i+R, j..j+C] += a[i..i+R, p0..p1] * b[p0..p1, j..j+C]`, accumulated in registers.
#[inline(always)]
fn block<T: Real, const R: usize, const C: usize, const FUSED: bool>(
    c: &mut [T],
    p: &Dense<'_, T>,
    i: usize,
    j: usize,
    p0: usize,
    p1: usize,
) {
    if p.b_transposed {
        block_with::<T, R, C, FUSED, true>(c, p, i, j, p0, p1)
    } else {
        block_with::<T, R, C, FUSED, false>(c, p, i, j, p0, p1)
    }
}

#[inline(always)]
fn block_with<T: Real, const R: usize, const C: usize, const FUSED: bool, const BT: bool>(
    c: &mut [T],
    p: &Dense<'_, T>,
    i: usize,
    j: usize,
    p0: usize,
    p1: usize,
) {
    let (m, k, n) = (p.m, p.k, p.n);
    let len = p1 - p0;
    let a_panel = &p.a[p0 * m..p1 * m];
    // b[q, j + jj] for q in p0..p1: C column slices, or (transposed) len rows of n.
    let b_cols: [&[T]; C] = std::array::from_fn(|jj| {
        if BT {
            &p.b[..0]
        } else {
            &p.b[(j + jj) * k + p0..(j + jj) * k + p1]
        }
    });
    let b_rows = if BT { &p.b[p0 * n..p1 * n] } else { &p.b[..0] };
    let mut acc = [[T::zero(); R]; C];
    for (q, a_col) in a_panel.chunks_exact(m).enumerate().take(len) {
        let col: &[T; R] = a_col[i..i + R].try_into().expect("R rows");
        let bq: [T; C] = if BT {
            b_rows[q * n + j..q * n + j + C]
                .try_into()
                .expect("C columns")
        } else {
            std::array::from_fn(|jj| b_cols[jj][q])
        };
        for jj in 0..C {
            for r in 0..R {
                acc[jj][r] = if FUSED {
                    col[r].mul_add(bq[jj], acc[jj][r])
                } else {
                    acc[jj][r] + col[r] * bq[jj]
                };
            }
        }
    }
    for jj in 0..C {
        let out = &mut c[(j + jj) * m + i..(j + jj) * m + i + R];
        for r in 0..R {
            out[r] += acc[jj][r];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(rows: usize, cols: usize, seed: usize) -> Mat<f64> {
        Mat::from_fn(rows, cols, |i, j| {
            ((i * 31 + j * 17 + seed * 7) % 23) as f64 * 0.1 - 1.1
        })
    }

    /// An f32 product to check against its exact f64 value: `a` (m x k), `b` (k x n) and
    /// `bᵀ` rounded to f32, and `a b` in f64.
    struct F32Case {
        want: Mat<f64>,
        a32: Mat<f32>,
        b32: Mat<f32>,
        bt32: Mat<f32>,
    }

    fn f32_case(mm: usize, k: usize, n: usize, seed: usize) -> F32Case {
        let (a, b) = (m(mm, k, seed), m(k, n, seed + 1));
        let f32s = |x: &Mat<f64>| x.map(|v| v as f32);
        F32Case {
            want: &a * &b,
            a32: f32s(&a),
            b32: f32s(&b),
            bt32: f32s(&b.transpose()),
        }
    }

    /// f32 takes the explicit AVX-512 kernel where the CPU has it: full 32 x 4 blocks, the
    /// 16-, 8- and 1-row remainders, single columns, both layouts of b, and a k over KC.
    #[test]
    fn f32_products_match_f64_on_every_block_shape() {
        for &(mm, k, n) in &[(512, 128, 16), (77, 300, 7), (40, 20, 50), (33, 9, 5)] {
            let F32Case {
                want,
                a32,
                b32,
                bt32,
            } = f32_case(mm, k, n, 3);
            for bo in [Operand::from(&b32), Operand::from(&bt32).t()] {
                let mut c = Mat::<f32>::zeros(mm, n);
                add_product(c.as_mut_slice(), Operand::from(&a32), bo);
                let err = (c.map(|v| v as f64) - &want).amax();
                assert!(err < 1e-3, "{mm}x{k}x{n}: {err}");
            }
        }
    }

    /// The portable path (what wasm and CPUs without AVX2 run) on the same shapes, called
    /// directly since this machine would dispatch elsewhere.
    #[test]
    fn the_portable_kernel_matches_f64() {
        for &(mm, k, n) in &[
            (2, 16, 256),
            (512, 128, 16),
            (77, 300, 7),
            (40, 20, 50),
            (33, 9, 5),
        ] {
            let F32Case {
                want,
                a32,
                b32,
                bt32,
            } = f32_case(mm, k, n, 5);
            for (bm, transposed) in [(&b32, false), (&bt32, true)] {
                let mut c = Mat::<f32>::zeros(mm, n);
                let p = Dense {
                    m: mm,
                    k,
                    n,
                    a: a32.as_slice(),
                    b: bm.as_slice(),
                    b_transposed: transposed,
                };
                dense::<f32, 8, 4, false>(c.as_mut_slice(), &p);
                let err = (c.map(|v| v as f64) - &want).amax();
                assert!(err < 1e-3, "{mm}x{k}x{n} transposed {transposed}: {err}");
            }
        }
    }

    #[test]
    fn products_with_every_transpose_match_nalgebra() {
        for &(mm, k, n) in &[
            (1, 1, 1),
            (7, 3, 5),
            (40, 1, 9),
            (40, 50, 1),
            (40, 50, 3),
            (40, 33, 16),
            (512, 128, 16),
            (3, 100, 2),
        ] {
            let a = m(mm, k, 1);
            let b = m(k, n, 2);
            let at = a.transpose();
            let bt = b.transpose();
            let want = &a * &b;
            for (ao, bo) in [
                (Operand::from(&a), Operand::from(&b)),
                (Operand::from(&at).t(), Operand::from(&b)),
                (Operand::from(&a), Operand::from(&bt).t()),
                (Operand::from(&at).t(), Operand::from(&bt).t()),
            ] {
                let mut c = Mat::from_element(mm, n, 0.5);
                add_product(c.as_mut_slice(), ao, bo);
                assert!((c.add_scalar(-0.5) - &want).amax() < 1e-12, "{mm}x{k}x{n}");
            }
        }
    }
}
