/**
 * Float64 dense matrices, row-major in a `Float64Array`, with i-k-j loop order so the innermost loop walks
 * both operands contiguously. These are the building blocks of every Float64 experiment.
 */

/** A dense row-major matrix: element (i, j) lives at `data[i * cols + j]`. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** A zero matrix of the given shape. */
export function zeros(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/** The n×n identity. */
export function identity(n: number): Matrix {
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}

/** Builds a matrix from nested arrays (rows of equal length). */
export function fromRows(rows: readonly (readonly number[])[]): Matrix {
  const r = rows.length;
  const c = rows[0]?.length ?? 0;
  const m = zeros(r, c);
  rows.forEach((row, i) => {
    if (row.length !== c) throw new Error(`row ${i} has ${row.length} entries; expected ${c}`);
    m.data.set(row, i * c);
  });
  return m;
}

/** Nested-array copy of a matrix (for JSON results). */
export function toRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

/** A deep copy. */
export function clone(m: Matrix): Matrix {
  return { rows: m.rows, cols: m.cols, data: new Float64Array(m.data) };
}

/** The diagonal matrix diag(values). */
export function diag(values: ArrayLike<number>): Matrix {
  const n = values.length;
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = values[i]!;
  return m;
}

/**
 * out = a·b (a: n×m, b: m×p). O(n·m·p), i-k-j order. `out` must not alias `a` or `b`.
 */
export function matmul(a: Matrix, b: Matrix, out: Matrix = zeros(a.rows, b.cols)): Matrix {
  if (a.cols !== b.rows) throw new Error(`matmul: ${a.rows}×${a.cols} · ${b.rows}×${b.cols}`);
  const n = a.rows;
  const m = a.cols;
  const p = b.cols;
  const A = a.data;
  const B = b.data;
  const C = out.data;
  C.fill(0);
  for (let i = 0; i < n; i++) {
    const ci = i * p;
    for (let k = 0; k < m; k++) {
      const aik = A[i * m + k]!;
      if (aik === 0) continue;
      const bk = k * p;
      for (let j = 0; j < p; j++) C[ci + j]! += aik * B[bk + j]!;
    }
  }
  return out;
}

/**
 * out = a·bᵀ (a: n×m, b: p×m). Row-by-row dot products, so both operands are read contiguously.
 */
export function matmulTransB(a: Matrix, b: Matrix, out: Matrix = zeros(a.rows, b.rows)): Matrix {
  if (a.cols !== b.cols) throw new Error(`matmulTransB: ${a.rows}×${a.cols} · (${b.rows}×${b.cols})ᵀ`);
  const n = a.rows;
  const m = a.cols;
  const p = b.rows;
  const A = a.data;
  const B = b.data;
  const C = out.data;
  for (let i = 0; i < n; i++) {
    const ai = i * m;
    for (let j = 0; j < p; j++) {
      const bj = j * m;
      let s = 0;
      for (let k = 0; k < m; k++) s += A[ai + k]! * B[bj + k]!;
      C[i * p + j] = s;
    }
  }
  return out;
}

/** The transpose. */
export function transpose(a: Matrix): Matrix {
  const out = zeros(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < a.cols; j++) out.data[j * a.rows + i] = a.data[i * a.cols + j]!;
  return out;
}

/** out = a + s·b, elementwise (shapes must match). `out` may alias `a`. */
export function addScaled(a: Matrix, b: Matrix, s: number, out: Matrix = zeros(a.rows, a.cols)): Matrix {
  const A = a.data;
  const B = b.data;
  const C = out.data;
  for (let i = 0; i < A.length; i++) C[i] = A[i]! + s * B[i]!;
  return out;
}

/** Frobenius norm ‖a‖_F. */
export function frobeniusNorm(a: Matrix): number {
  let s = 0;
  for (const v of a.data) s += v * v;
  return Math.sqrt(s);
}

/** Largest absolute elementwise difference max |a − b|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error('maxAbsDiff: length mismatch');
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Euclidean dot product. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
