/** Right singular vectors and singular values of a matrix. */
export interface SingularValueDecomposition {
  /** Singular values, descending. */
  singularValues: Float64Array;
  /** Right singular vectors as the columns of a `cols x cols` row-major matrix, in the order of `singularValues`. */
  v: Float64Array;
  cols: number;
}

/**
 * Singular values and right singular vectors of a dense `rows x cols` row-major matrix by one-sided
 * Jacobi rotations (Hestenes): the columns are rotated pairwise until orthogonal; the rotations build V.
 * Accurate to working precision, fine for small systems (a homography's 2n x 9 DLT matrix).
 * Rows may be fewer than columns (then rows..cols-1 singular values are 0).
 */
export function singularValueDecomposition(
  a: ArrayLike<number>,
  rows: number,
  cols: number,
): SingularValueDecomposition {
  if (a.length !== rows * cols) throw new RangeError(`SVD: ${a.length} values for a ${rows}x${cols} matrix`);
  // Work on columns: u[c] is column c (length rows).
  const u: Float64Array[] = [];
  for (let c = 0; c < cols; c++) {
    const col = new Float64Array(rows);
    for (let r = 0; r < rows; r++) col[r] = a[r * cols + c]!;
    u.push(col);
  }
  const v: Float64Array[] = [];
  for (let c = 0; c < cols; c++) {
    const col = new Float64Array(cols);
    col[c] = 1;
    v.push(col);
  }
  const eps = 1e-15;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < cols - 1; p++) {
      for (let q = p + 1; q < cols; q++) {
        const up = u[p]!;
        const uq = u[q]!;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let r = 0; r < rows; r++) {
          alpha += up[r]! * up[r]!;
          beta += uq[r]! * uq[r]!;
          gamma += up[r]! * uq[r]!;
        }
        if (gamma === 0 || Math.abs(gamma) <= eps * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let r = 0; r < rows; r++) {
          const x = up[r]!;
          const y = uq[r]!;
          up[r] = c * x - s * y;
          uq[r] = s * x + c * y;
        }
        const vp = v[p]!;
        const vq = v[q]!;
        for (let r = 0; r < cols; r++) {
          const x = vp[r]!;
          const y = vq[r]!;
          vp[r] = c * x - s * y;
          vq[r] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = u.map((col) => Math.hypot(...col));
  const order = norms.map((_, i) => i).sort((i, j) => norms[j]! - norms[i]!);
  const singularValues = new Float64Array(cols);
  const vOut = new Float64Array(cols * cols);
  order.forEach((src, dst) => {
    singularValues[dst] = norms[src]!;
    for (let r = 0; r < cols; r++) vOut[r * cols + dst] = v[src]![r]!;
  });
  return { singularValues, v: vOut, cols };
}
