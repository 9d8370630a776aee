/**
 * The notes' tie rule (§5.2, §5.6): where two classes' outputs are within 1e−9 of each other, the lower class
 * index wins — for accuracy and for the PLL student's top-2. Exact ties occur in the block Gram model (all
 * runner-up classes of a symmetric class are interchangeable), so the rule changes results, not just digits.
 */

/** Outputs closer than this are a tie (notes §5.6). */
export const TIE_TOLERANCE = 1e-9;

/** The sentence every result and lesson states next to tie-sensitive numbers. */
export const TIE_RULE =
  'Ties: outputs within 1e-9 count as equal and the lower class index wins (accuracy and PLL top-2).';

/**
 * argmax over `values[offset .. offset + k)` under the tie rule: the lowest index k with
 * v_k ≥ max − 1e−9. O(k).
 */
export function argmaxWithTies(values: ArrayLike<number>, k: number, offset = 0): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < k; j++) max = Math.max(max, values[offset + j]!);
  for (let j = 0; j < k; j++) if (values[offset + j]! >= max - TIE_TOLERANCE) return j;
  return 0;
}

/**
 * The two largest entries of `values[offset .. offset + k)` in descending order under the tie rule: the first
 * is `argmaxWithTies`, the second the same rule applied to the remaining classes. O(k).
 */
export function topTwoWithTies(values: ArrayLike<number>, k: number, offset = 0): [number, number] {
  const first = argmaxWithTies(values, k, offset);
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < k; j++) if (j !== first) max = Math.max(max, values[offset + j]!);
  for (let j = 0; j < k; j++)
    if (j !== first && values[offset + j]! >= max - TIE_TOLERANCE) return [first, j];
  return [first, first === 0 ? 1 : 0];
}
