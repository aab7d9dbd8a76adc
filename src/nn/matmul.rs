//! Matrix products for the hot path: a cache-blocked kernel that allocates nothing, with
//! runtime dispatch natively (an explicit AVX-512 kernel for f32, compiler-vectorised blocks
//! for AVX2 with FMA, else SSE2) and simd128 in the browser.
//!
//! Every product here accumulates: `c += a' * b'`, where `a'` is `a` or `aᵀ` and likewise
//! `b'`. The left operand is packed into contiguous `PR`-row strips, `KC` deep, so the kernel
//! reads it sequentially from L1: on the stack per call ([`add_product`]), or once for many
//! products ([`Packed`]: `W_hh` and `W_hhᵀ` for all the time steps of a pass). A transposed
//! `b` is read in place (the weight gradients `Σ dah hᵀ`).

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
pub(crate) const THIN: usize = 4;

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
    if a.transposed && k <= THIN {
        // The head's Wᵀ dy (one output): c[i, j] = Σ_p a.data[i*k + p] b[p, j].
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
    if n <= THIN && b.transposed && !a.transposed {
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
    dense_product(c, a, b, false);
}

/// The blocked product: each `PR`-row strip of each `KC`-deep panel of `a` is packed on the
/// stack and multiplied into `c` (`portable` forces the kernel wasm runs, for tests).
fn dense_product<T: Real>(c: &mut [T], a: Operand<'_, T>, b: Operand<'_, T>, portable: bool) {
    let (m, k) = a.shape();
    let mut strip = [T::zero(); PR * KC];
    for (p0, p1) in panels(k) {
        for rb in 0..m.div_ceil(PR) {
            // One PR-row strip of this panel of `a`, packed contiguously: it stays in L1 while
            // every column block of `c` is updated from it.
            let strip = &mut strip[..PR * (p1 - p0)];
            pack_strip(strip, a, rb * PR, p0, p1);
            strip_product(c, m, strip, rb * PR, p0, p1, b, portable);
        }
    }
}

/// The `KC`-deep panels `p0..p1` of an inner dimension `k`.
fn panels(k: usize) -> impl Iterator<Item = (usize, usize)> {
    (0..k).step_by(KC).map(move |p0| (p0, (p0 + KC).min(k)))
}

/// Rows per packed block: two AVX-512 registers of f32.
const PR: usize = 32;

/// A left operand packed once and reused by many products (`W_hh` over the time steps of a
/// pass): for each `KC`-deep panel, `PR`-row strips, each stored as its columns of `PR`
/// values (zero past the last row), so the kernel reads it contiguously.
#[derive(Clone, Debug)]
pub(crate) struct Packed<T> {
    data: Vec<T>,
    m: usize,
    k: usize,
}

impl<T: Real> Packed<T> {
    pub(crate) fn new() -> Self {
        Self {
            data: Vec::new(),
            m: 0,
            k: 0,
        }
    }

    /// Packs `a` (as used in the product: `m x k`), reusing the buffer.
    pub(crate) fn pack(&mut self, a: Operand<'_, T>) {
        let (m, k) = a.shape();
        self.m = m;
        self.k = k;
        let padded = m.div_ceil(PR) * PR;
        self.data.resize(padded * k, T::zero());
        for (p0, p1) in panels(k) {
            let panel = &mut self.data[p0 * padded..p1 * padded];
            for (rb, strip) in panel.chunks_exact_mut(PR * (p1 - p0)).enumerate() {
                pack_strip(strip, a, rb * PR, p0, p1);
            }
        }
    }

    /// The packed operand's shape in the product.
    pub(crate) fn shape(&self) -> (usize, usize) {
        (self.m, self.k)
    }
}

/// A left operand as it is, or packed ahead for many products.
#[derive(Clone, Copy)]
pub(crate) enum Lhs<'a, T> {
    Plain(Operand<'a, T>),
    Packed(&'a Packed<T>),
}

impl<T: Real> Lhs<'_, T> {
    /// `c += self * b`.
    pub(crate) fn add_product_to(self, c: &mut [T], b: Operand<'_, T>) {
        match self {
            Lhs::Plain(a) => add_product(c, a, b),
            Lhs::Packed(a) => add_packed_product(c, a, b),
        }
    }
}

/// `c += a * b'` with `a` packed by [`Packed::pack`]. Allocates nothing.
pub(crate) fn add_packed_product<T: Real>(c: &mut [T], a: &Packed<T>, b: Operand<'_, T>) {
    let (m, k) = a.shape();
    let (kb, n) = b.shape();
    assert_eq!(k, kb, "inner dimensions");
    assert_eq!(c.len(), m * n, "output shape");
    let padded = m.div_ceil(PR) * PR;
    for (p0, p1) in panels(k) {
        let panel = &a.data[p0 * padded..p1 * padded];
        for (rb, strip) in panel.chunks_exact(PR * (p1 - p0)).enumerate() {
            strip_product(c, m, strip, rb * PR, p0, p1, b, false);
        }
    }
}

/// Rows `i0..i0+PR` and columns `p0..p1` of `a` into `strip` (column by column, PR values
/// each, zero past row `m`).
fn pack_strip<T: Real>(strip: &mut [T], a: Operand<'_, T>, i0: usize, p0: usize, p1: usize) {
    let (m, _) = a.shape();
    let rows = PR.min(m - i0);
    for (q, dst) in (p0..p1).zip(strip.chunks_exact_mut(PR)) {
        if a.transposed {
            // Stored k x m: a(i, q) = data[i * k + q].
            let k = a.rows;
            for (r, d) in dst[..rows].iter_mut().enumerate() {
                *d = a.data[(i0 + r) * k + q];
            }
        } else {
            dst[..rows].copy_from_slice(&a.data[q * m + i0..q * m + i0 + rows]);
        }
        dst[rows..].fill(T::zero());
    }
}

/// The right operand of a strip product: `k x n` column-major, or stored `n x k` and read
/// transposed.
#[derive(Clone, Copy)]
struct Rhs<'a, T> {
    data: &'a [T],
    k: usize,
    n: usize,
    transposed: bool,
}

impl<T> Rhs<'_, T> {
    /// Where a block of `cols` columns from `j` over the strip's depth reads `b`:
    /// `b[q, j + jj]` is at `data[base + q * dq + jj * dj]` (columns of `b`, or rows of the
    /// stored transpose). Checks, once, that every index the block reads is in bounds, so the
    /// explicit kernels may read without checks.
    fn block_layout(&self, s: &Strip<'_, T>, j: usize, cols: usize) -> (usize, usize, usize) {
        let (base, dq, dj) = if self.transposed {
            (j, self.n, 1)
        } else {
            (j * self.k, 1, self.k)
        };
        let last = base + (s.p1 - 1) * dq + (cols - 1) * dj;
        assert!(s.p1 > s.p0 && last < self.data.len(), "b block in bounds");
        (base, dq, dj)
    }
}

/// `c[i0..i0+PR, :] += strip * b[p0..p1, :]` for one packed strip (rows past `m` skipped).
#[allow(clippy::too_many_arguments)]
fn strip_product<T: Real>(
    c: &mut [T],
    m: usize,
    strip: &[T],
    i0: usize,
    p0: usize,
    p1: usize,
    b: Operand<'_, T>,
    portable: bool,
) {
    let (k, n) = b.shape();
    let rhs = Rhs {
        data: b.data,
        k,
        n,
        transposed: b.transposed,
    };
    let s = Strip {
        data: strip,
        m,
        i0,
        p0,
        p1,
    };
    #[cfg(target_arch = "x86_64")]
    if !portable {
        if std::arch::is_x86_feature_detected!("avx512f") {
            if let Some((c32, s32, b32)) = as_f32(c, &s, &rhs) {
                // SAFETY: the CPU has AVX-512F (checked just above), which implies AVX2, FMA.
                unsafe { avx512_f32::strip(c32, &s32, &b32) };
                return;
            }
            // SAFETY: as above.
            unsafe { strip_avx512(c, &s, &rhs) };
            return;
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            // SAFETY: the CPU has AVX2 and FMA (checked just above).
            unsafe { strip_avx2(c, &s, &rhs) };
            return;
        }
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if let Some((c32, s32, b32)) = as_f32(c, &s, &rhs) {
        simd128_f32::strip(c32, &s32, &b32);
        return;
    }
    // Plain x86-64 and f64 in wasm: four lanes, no FMA.
    let _ = portable; // Only x86-64 has another kernel to choose.
    strip_generic::<T, 8, 4, false>(c, &s, &rhs);
}

/// One packed strip of `a`: rows `i0..i0+PR` (those below `m` are real), columns `p0..p1`.
struct Strip<'a, T> {
    data: &'a [T],
    m: usize,
    i0: usize,
    p0: usize,
    p1: usize,
}

impl<T> Strip<'_, T> {
    /// Rows of this strip that exist in `c`.
    fn rows(&self) -> usize {
        PR.min(self.m - self.i0)
    }
}

/// The same strip product viewed as f32, when `T` is f32 (the hot path's type).
#[cfg(any(target_arch = "x86_64", target_arch = "wasm32"))]
#[allow(clippy::type_complexity)]
fn as_f32<'a, T: Real>(
    c: &'a mut [T],
    s: &Strip<'a, T>,
    b: &Rhs<'a, T>,
) -> Option<(&'a mut [f32], Strip<'a, f32>, Rhs<'a, f32>)> {
    let [c] = super::f32_slices_mut([c])?;
    let cast = |s: &'a [T]| super::f32_slice(s).expect("T is f32");
    let s = Strip {
        data: cast(s.data),
        m: s.m,
        i0: s.i0,
        p0: s.p0,
        p1: s.p1,
    };
    let b = Rhs {
        data: cast(b.data),
        k: b.k,
        n: b.n,
        transposed: b.transposed,
    };
    Some((c, s, b))
}

/// An explicit AVX-512 kernel for f32: 32 x 12 blocks in 24 accumulator registers (then 8,
/// 4 and 1 columns; enough independent fused multiply-adds to cover their latency, with
/// loads to spare; `b` is broadcast straight from memory), 16-row
/// blocks for a short last strip, masked stores for a ragged one.
#[cfg(target_arch = "x86_64")]
mod avx512_f32 {
    use super::{Rhs, Strip, PR};
    use std::arch::x86_64::*;

    #[target_feature(enable = "avx512f,avx2,fma")]
    pub(super) fn strip(c: &mut [f32], s: &Strip<'_, f32>, b: &Rhs<'_, f32>) {
        let rows = s.rows();
        let mut j = 0;
        if rows > 16 {
            while j + 12 <= b.n {
                block::<2, 12>(c, s, b, j, rows);
                j += 12;
            }
            while j + 8 <= b.n {
                block::<2, 8>(c, s, b, j, rows);
                j += 8;
            }
            while j + 4 <= b.n {
                block::<2, 4>(c, s, b, j, rows);
                j += 4;
            }
            while j < b.n {
                block::<2, 1>(c, s, b, j, rows);
                j += 1;
            }
        } else {
            while j + 8 <= b.n {
                block::<1, 8>(c, s, b, j, rows);
                j += 8;
            }
            while j + 4 <= b.n {
                block::<1, 4>(c, s, b, j, rows);
                j += 4;
            }
            while j < b.n {
                block::<1, 1>(c, s, b, j, rows);
                j += 1;
            }
        }
    }

    /// `16*V` rows (of which `rows` are real) by `C` columns starting at `j`.
    #[target_feature(enable = "avx512f,avx2,fma")]
    fn block<const V: usize, const C: usize>(
        c: &mut [f32],
        s: &Strip<'_, f32>,
        b: &Rhs<'_, f32>,
        j: usize,
        rows: usize,
    ) {
        let mut acc = [[_mm512_setzero_ps(); V]; C];
        // b[q, j + jj] is at b.data[base + q * dq + jj * dj]: columns of b, or rows of the
        // stored transpose. Every index the loop reads is checked here, once.
        let (base, dq, dj) = b.block_layout(s, j, C);
        let bp = b.data.as_ptr();
        for (q, col) in (s.p0..s.p1).zip(s.data.chunks_exact(PR)) {
            let av: [__m512; V] = std::array::from_fn(|v| {
                // SAFETY: `col` holds PR = 32 >= 16*V f32s (chunks_exact); unaligned loads
                // have no alignment requirement.
                unsafe { _mm512_loadu_ps(col.as_ptr().add(16 * v)) }
            });
            let row = base + q * dq;
            for (jj, accj) in acc.iter_mut().enumerate() {
                // SAFETY: row + jj*dj is within what block_layout checked. Broadcasting straight
                // from memory keeps the shuffle port free for the multiply-adds.
                let bb = unsafe { _mm512_set1_ps(*bp.add(row + jj * dj)) };
                for v in 0..V {
                    accj[v] = _mm512_fmadd_ps(av[v], bb, accj[v]);
                }
            }
        }
        let m = s.m;
        for (jj, accj) in acc.iter().enumerate() {
            let start = (j + jj) * m + s.i0;
            let out = &mut c[start..start + rows];
            for (v, &a) in accj.iter().enumerate() {
                let lo = 16 * v;
                if lo >= rows {
                    break;
                }
                let live = (rows - lo).min(16);
                let mask: __mmask16 = if live == 16 { !0 } else { (1u16 << live) - 1 };
                // SAFETY: the mask keeps every access inside `out[lo..lo+live]`, which is in
                // bounds (the slice above is checked); masked lanes are not touched.
                unsafe {
                    let o = out.as_mut_ptr().add(lo);
                    let sum = _mm512_add_ps(_mm512_maskz_loadu_ps(mask, o), a);
                    _mm512_mask_storeu_ps(o, mask, sum);
                }
            }
        }
    }
}

/// The wasm kernel for f32 in simd128. V8 gives wasm 16 vector registers on x86-64 and
/// simd128 has no fused multiply-add, so a block keeps 8 accumulators (16 x 2 or 8 x 4)
/// beside its loads and a product's temporary; `b` is broadcast straight from memory
/// (`v128.load32_splat`). Against the compiler-vectorised 8 x 4 block it replaces: hidden 64
/// 70 -> 134 steps/s, hidden 128 20 -> 37 in Chromium (docs/BENCHMARKS.md).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd128_f32 {
    use super::{Rhs, Strip, PR};
    use std::arch::wasm32::*;

    pub(super) fn strip(c: &mut [f32], s: &Strip<'_, f32>, b: &Rhs<'_, f32>) {
        let rows = s.rows();
        let mut r = 0;
        while r + 16 <= rows {
            columns::<4, 2>(c, s, b, r);
            r += 16;
        }
        while r + 8 <= rows {
            columns::<2, 4>(c, s, b, r);
            r += 8;
        }
        while r + 4 <= rows {
            columns::<1, 4>(c, s, b, r);
            r += 4;
        }
        // Fewer than four rows left: the portable blocks, one row at a time.
        for j in 0..b.n {
            for rr in r..rows {
                super::block::<f32, 1, 1, false>(c, s, b, rr, j);
            }
        }
    }

    /// Rows `r..r+4V` for every column: `C` at a time, then one at a time.
    #[inline(always)]
    fn columns<const V: usize, const C: usize>(
        c: &mut [f32],
        s: &Strip<'_, f32>,
        b: &Rhs<'_, f32>,
        r: usize,
    ) {
        let mut j = 0;
        while j + C <= b.n {
            block::<V, C>(c, s, b, r, j);
            j += C;
        }
        while j < b.n {
            block::<V, 1>(c, s, b, r, j);
            j += 1;
        }
    }

    /// Rows `r..r+4V` of the strip by `C` columns starting at `j`.
    #[inline(always)]
    fn block<const V: usize, const C: usize>(
        c: &mut [f32],
        s: &Strip<'_, f32>,
        b: &Rhs<'_, f32>,
        r: usize,
        j: usize,
    ) {
        let mut acc = [[f32x4_splat(0.0); V]; C];
        let (base, dq, dj) = b.block_layout(s, j, C);
        assert!(r + 4 * V <= PR, "rows within the strip");
        let bp = b.data.as_ptr();
        for (q, col) in (s.p0..s.p1).zip(s.data.chunks_exact(PR)) {
            // SAFETY: r + 4V <= PR = col.len() (asserted); unaligned loads are allowed.
            let av: [v128; V] =
                std::array::from_fn(|v| unsafe { v128_load(col.as_ptr().add(r + 4 * v).cast()) });
            let row = base + q * dq;
            for (jj, accj) in acc.iter_mut().enumerate() {
                // SAFETY: row + jj*dj is within what block_layout checked.
                let bb = unsafe { v128_load32_splat(bp.add(row + jj * dj).cast()) };
                for v in 0..V {
                    accj[v] = f32x4_add(accj[v], f32x4_mul(av[v], bb));
                }
            }
        }
        for (jj, accj) in acc.iter().enumerate() {
            let start = (j + jj) * s.m + s.i0 + r;
            let out = &mut c[start..start + 4 * V];
            for (v, &a) in accj.iter().enumerate() {
                // SAFETY: out has 4V values (the slice above is checked).
                unsafe {
                    let o = out.as_mut_ptr().add(4 * v).cast::<v128>();
                    v128_store(o, f32x4_add(v128_load(o), a));
                }
            }
        }
    }
}

/// Compiled with AVX-512, any `T`: 16 x 4 blocks, one 16-lane register per column.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn strip_avx512<T: Real>(c: &mut [T], s: &Strip<'_, T>, b: &Rhs<'_, T>) {
    strip_generic::<T, 16, 4, true>(c, s, b);
}

/// Compiled with AVX2: 16 x 4 blocks are 8 accumulator registers of 8 lanes (of 16).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn strip_avx2<T: Real>(c: &mut [T], s: &Strip<'_, T>, b: &Rhs<'_, T>) {
    strip_generic::<T, 16, 4, true>(c, s, b);
}

/// A strip product in `MR x NR` register blocks (then 8-row blocks, single rows and single
/// columns for what is left): each block is accumulated in registers over the strip's depth
/// and added to `c` once, so the inner loop is one load of `a` and `NR` independent
/// multiply-adds. `FUSED` uses fused multiply-add (only where the CPU has it: in software it
/// would be slow).
#[inline(always)]
fn strip_generic<T: Real, const MR: usize, const NR: usize, const FUSED: bool>(
    c: &mut [T],
    s: &Strip<'_, T>,
    b: &Rhs<'_, T>,
) {
    let rows = s.rows();
    let mut j = 0;
    while j + NR <= b.n {
        strip_rows::<T, MR, NR, FUSED>(c, s, b, j, rows);
        j += NR;
    }
    while j < b.n {
        strip_rows::<T, MR, 1, FUSED>(c, s, b, j, rows);
        j += 1;
    }
}

/// The strip's real rows for columns `j..j+NR`: `MR`-row blocks, then 8-row ones, then single rows.
#[inline(always)]
fn strip_rows<T: Real, const MR: usize, const NR: usize, const FUSED: bool>(
    c: &mut [T],
    s: &Strip<'_, T>,
    b: &Rhs<'_, T>,
    j: usize,
    rows: usize,
) {
    let mut r = 0;
    while r + MR <= rows {
        block::<T, MR, NR, FUSED>(c, s, b, r, j);
        r += MR;
    }
    while r + 8 <= rows {
        block::<T, 8, NR, FUSED>(c, s, b, r, j);
        r += 8;
    }
    while r < rows {
        block::<T, 1, NR, FUSED>(c, s, b, r, j);
        r += 1;
    }
}

/// `c[i0+r..i0+r+R, j..j+C] += strip[r..r+R, :] * b[p0..p1, j..j+C]`, accumulated in registers.
#[inline(always)]
fn block<T: Real, const R: usize, const C: usize, const FUSED: bool>(
    c: &mut [T],
    s: &Strip<'_, T>,
    b: &Rhs<'_, T>,
    r: usize,
    j: usize,
) {
    let mut acc = [[T::zero(); R]; C];
    let len = s.p1 - s.p0;
    // b[p0.., j + jj]: C column slices, or (transposed) `len` rows of n; sliced once here so
    // the loop indexes within known lengths.
    let b_cols: [&[T]; C] = std::array::from_fn(|jj| {
        if b.transposed {
            &b.data[..0]
        } else {
            &b.data[(j + jj) * b.k + s.p0..(j + jj) * b.k + s.p1]
        }
    });
    let b_rows = if b.transposed {
        &b.data[s.p0 * b.n..s.p1 * b.n]
    } else {
        &b.data[..0]
    };
    for (q, col) in s.data.chunks_exact(PR).enumerate().take(len) {
        let col: &[T; R] = col[r..r + R].try_into().expect("R rows");
        let bq: [T; C] = if b.transposed {
            b_rows[q * b.n + j..q * b.n + j + C]
                .try_into()
                .expect("C columns")
        } else {
            std::array::from_fn(|jj| b_cols[jj][q])
        };
        for jj in 0..C {
            for rr in 0..R {
                acc[jj][rr] = if FUSED {
                    col[rr].mul_add(bq[jj], acc[jj][rr])
                } else {
                    acc[jj][rr] + col[rr] * bq[jj]
                };
            }
        }
    }
    for (jj, accj) in acc.iter().enumerate() {
        let start = (j + jj) * s.m + s.i0 + r;
        for (o, &v) in c[start..start + R].iter_mut().zip(accj) {
            *o += v;
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
            for (bo, transposed) in [
                (Operand::from(&b32), false),
                (Operand::from(&bt32).t(), true),
            ] {
                let mut c = Mat::<f32>::zeros(mm, n);
                dense_product(c.as_mut_slice(), Operand::from(&a32), bo, true);
                let err = (c.map(|v| v as f64) - &want).amax();
                assert!(err < 1e-3, "{mm}x{k}x{n} transposed {transposed}: {err}");
            }
        }
    }

    /// A packed operand (as the training loop packs W_hh and W_hhᵀ once per pass) gives the
    /// same products: ragged last strips (40, 77 rows), k over one panel, a transposed source.
    #[test]
    fn packed_operands_match_nalgebra() {
        let mut packed = Packed::new();
        for &(mm, k, n) in &[
            (40, 10, 50),
            (512, 128, 16),
            (77, 300, 7),
            (128, 512, 16),
            (3, 5, 2),
        ] {
            let a = m(mm, k, 4);
            let at = a.transpose();
            let b = m(k, n, 6);
            let want = &a * &b;
            for ao in [Operand::from(&a), Operand::from(&at).t()] {
                packed.pack(ao);
                assert_eq!(packed.shape(), (mm, k));
                let mut c = Mat::from_element(mm, n, 0.5);
                add_packed_product(c.as_mut_slice(), &packed, (&b).into());
                assert!((c.add_scalar(-0.5) - &want).amax() < 1e-12, "{mm}x{k}x{n}");
                let a32 = a.map(|v| v as f32);
                let mut p32 = Packed::new();
                p32.pack((&a32).into());
                let mut c32 = Mat::<f32>::zeros(mm, n);
                add_packed_product(c32.as_mut_slice(), &p32, (&b.map(|v| v as f32)).into());
                assert!(
                    (c32.map(|v| v as f64) - &want).amax() < 1e-3,
                    "f32 {mm}x{k}x{n}"
                );
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
