/**
 * The one seeded pseudo-random generator of paperlab: mulberry32 for uniforms and Box–Muller for normal
 * deviates, exactly as the stacking notes (§5.6) specify, so random-initialisation runs are reproducible
 * across machines and comparable with the notes' reference setup.
 */

/** A seeded source of randomness. Every random quantity in core is drawn from one of these. */
export interface Rng {
  /** Uniform deviate in [0, 1) with 2⁻³² resolution. */
  uniform(): number;
  /** Standard normal deviate N(0, 1) (Box–Muller, cosine branch only). */
  normal(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** The seed this generator was created with (provenance). */
  readonly seed: number;
}

/**
 * mulberry32 (Tommy Ettinger, public domain): a 32-bit state generator, period 2³², good enough for
 * initialisations and label corruption, and trivially reproducible in any language.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Creates the seeded generator. Normal deviates use g = √(−2 ln u)·cos(2πv) with u clamped to ≥ 1e−300
 * (two uniforms per deviate; the sine branch is discarded to keep the stream simple to replicate).
 */
export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  return {
    seed,
    uniform: next,
    normal() {
      const u = Math.max(next(), 1e-300);
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    int(n: number) {
      return Math.floor(next() * n);
    },
  };
}

/** Fisher–Yates shuffle of `0..n-1` drawn from `rng`. */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
