/**
 * The notes' reference numbers (self-distillation.md §4.3, §4.4, §4.7, §4.8, §5.2, §7) with their stated
 * tolerances (§5.6): recovery % exactly at the printed rounding, output vectors ≤ 1e−6, s-values to the
 * printed digits. All are [measured]/[derived] numbers of the notes' reconstruction, not the paper's.
 */
import { describe, expect, it } from 'vitest';
import { blockGramModel } from './block-gram.ts';
import { blockProblem, instanceVector } from './block-problem.ts';
import type { NoiseSpec } from './noise.ts';
import { firstPerfectRound, pllStudent, recoveryAccuracy, runSelfDistillation } from './self-distillation.ts';
import type { RoundSolver } from './solver.ts';
import { blockShrinkage, pllCondition, predictRecovery } from './theory.ts';

type Noise = Omit<NoiseSpec, 'classes'>;

interface Case {
  sizes: number[];
  c?: number;
  d?: number;
  lambda: number;
  noise: Noise;
  rounds: number;
  solver?: RoundSolver;
  mixing?: number;
}

/** Runs SD (and the PLL student) on a deterministic block problem; recovery % per round. */
function simulate({
  sizes,
  c = 0.4,
  d = 0.1,
  lambda,
  noise,
  rounds,
  solver = 'linearised',
  mixing = 1,
}: Case) {
  const model = blockGramModel({ classSizes: sizes, c, d });
  const problem = blockProblem({ model, noise, rule: 'deterministic', seed: 1 });
  const setup = {
    op: problem.op,
    classes: sizes.length,
    lambda,
    given: problem.groups.groupLabel,
    solver,
    mixing,
  };
  const rs = runSelfDistillation(setup, rounds);
  const score = (p: Int32Array) =>
    recoveryAccuracy({
      predictions: p,
      truth: problem.groups.groupClass,
      given: problem.groups.groupLabel,
      weights: problem.groups.groupWeight,
    }).overall;
  const pll = pllStudent(setup, rs[0]!.solution);
  const overall = rs.map((r) => score(r.predictions));
  return {
    problem,
    rounds: rs,
    overall,
    printed: overall.map((v) => Number(v.toFixed(2))),
    pll: score(pll.predictions),
    pllStudent: pll,
    prediction: predictRecovery(model, problem.stats, lambda),
    first: firstPerfectRound(overall),
  };
}

const sym = (rate: number): Noise => ({ model: 'symmetric', rate });
const asym = (rate: number): Noise => ({ model: 'asymmetric', rate });
const pattern = (counts: number[]): Noise => ({ model: 'pattern', rate: 0, pattern: counts });
const repeat = (v: number, n: number) => new Array<number>(n).fill(v);
const CANON = [60, 60, 60, 60];
const UNEQUAL = [72, 60, 60, 48];

describe('canonical block model (K = 4, n = 60, c = .4, d = .1, λ = 1e−3)', () => {
  it('has α = 0.96 and the printed shrinkage factors s1, s2, s3, s2/s3', () => {
    const s = blockShrinkage(blockGramModel({ classSizes: CANON, c: 0.4, d: 0.1 }), 1e-3);
    expect(s.alpha).toBeCloseTo(0.96, 12);
    expect(s.sGlobal).toBeCloseTo(0.97796, 5);
    expect(s.sClass).toBeCloseTo(0.95092, 5);
    expect(s.sInstance).toBeCloseTo(0.38462, 5);
    expect(s.ratio).toBeCloseTo(2.47239, 5);
    expect(s.exact).toBe(true);
  });

  it('reproduces the unit output vectors of §4.3 and the PLL student of §5.2 (≤ 1e−6)', () => {
    const lin = simulate({ sizes: CANON, lambda: 1e-3, noise: sym(0.5), rounds: 2 });
    const ex = simulate({ sizes: CANON, lambda: 1e-3, noise: sym(0.5), rounds: 2, solver: 'exact' });
    const close = (got: number[], want: number[]) => {
      for (let k = 0; k < want.length; k++) expect(Math.abs(got[k]! - want[k]!)).toBeLessThanOrEqual(1e-6);
    };
    // Instance 0: true class 0, given label 1; instance 59 is clean.
    expect([lin.problem.truth[0], lin.problem.given[0]]).toEqual([0, 1]);
    close(
      instanceVector(lin.problem, lin.rounds[0]!.solution.outputs, 0),
      [0.295422, 0.491269, 0.106654, 0.106654],
    );
    close(
      instanceVector(lin.problem, lin.rounds[1]!.solution.outputs, 0),
      [0.402098, 0.29792, 0.149991, 0.149991],
    );
    close(
      instanceVector(lin.problem, lin.rounds[0]!.solution.outputs, 59),
      [0.680038, 0.106654, 0.106654, 0.106654],
    );
    close(
      instanceVector(ex.problem, ex.rounds[0]!.solution.outputs, 0),
      [0.253938, 0.515668, 0.115197, 0.115197],
    );
    close(
      instanceVector(ex.problem, ex.rounds[1]!.solution.outputs, 0),
      [0.369768, 0.306613, 0.161809, 0.161809],
    );
    close(
      instanceVector(lin.problem, lin.pllStudent.solution.outputs, 0),
      [0.49111, 0.393346, 0.057772, 0.057772],
    );
    close(
      instanceVector(ex.problem, ex.pllStudent.solution.outputs, 0),
      [0.479374, 0.386361, 0.067132, 0.067132],
    );
    for (const r of ex.rounds) expect(r.solution.residual).toBeLessThan(1e-9);
  });

  // Golden table A: η → (Δ, τ*, linearised recovery τ = 1..6, exact recovery τ = 1..6).
  const tableA: [number, number, number, number[], number[]][] = [
    [0.0, 1, 1, repeat(100, 6), repeat(100, 6)],
    [0.1, 0.867, 1, repeat(100, 6), repeat(100, 6)],
    [0.2, 0.733, 1, repeat(100, 6), [80, ...repeat(100, 5)]],
    [0.3, 0.6, 2, [70, ...repeat(100, 5)], [70, ...repeat(100, 5)]],
    [0.4, 0.467, 2, [60, ...repeat(100, 5)], [60, ...repeat(100, 5)]],
    [0.5, 0.333, 2, [50, ...repeat(100, 5)], [50, ...repeat(100, 5)]],
    [0.6, 0.2, 2, [40, ...repeat(100, 5)], [40, 40, ...repeat(100, 4)]],
    [0.7, 0.067, 4, [30, 30, 30, 100, 100, 100], [30, 30, 30, 100, 100, 100]],
  ];
  for (const [eta, delta, tauStar, lin, exact] of tableA) {
    it(`table A, η = ${eta}: Δ = ${delta}, τ* = ${tauStar}, recovery per round (linearised and exact)`, () => {
      const l = simulate({ sizes: CANON, lambda: 1e-3, noise: sym(eta), rounds: 6 });
      const e = simulate({ sizes: CANON, lambda: 1e-3, noise: sym(eta), rounds: 6, solver: 'exact' });
      expect(Number(l.prediction.delta.toFixed(3))).toBe(delta);
      expect(l.prediction.tauStar).toBe(tauStar);
      expect(l.prediction.exact).toBe(true);
      expect(l.printed).toEqual(lin);
      expect(e.printed).toEqual(exact);
      if (eta > 0) {
        expect(l.pll).toBe(100);
        expect(e.pll).toBe(100);
      } else {
        // η = 0: every runner-up ties; the lower-index rule gives each class the same second label (§4.7).
        expect(e.pll).toBe(25);
      }
    });
  }
});

describe('golden table B (decline with unequal classes [72, 60, 60, 48], linearised, τ = 1..40)', () => {
  it('λ = 1e−3, η = 0.3: 70, then 100 for τ = 2..40; PLL 100', () => {
    const r = simulate({ sizes: UNEQUAL, lambda: 1e-3, noise: sym(0.3), rounds: 40 });
    expect(r.printed).toEqual([70, ...repeat(100, 39)]);
    expect(r.pll).toBe(100);
  });

  it('λ = 1e−3, η = 0.6: 40, 91.67, then 100 for τ = 3..40; PLL 100', () => {
    const r = simulate({ sizes: UNEQUAL, lambda: 1e-3, noise: sym(0.6), rounds: 40 });
    expect(r.printed).toEqual([40, 91.67, ...repeat(100, 38)]);
    expect(r.pll).toBe(100);
  });

  it('λ = 4e−3, η = 0.3: 100 until τ = 16, then 80, 55 and the majority share 30 (72/240); PLL 100', () => {
    const r = simulate({ sizes: UNEQUAL, lambda: 4e-3, noise: sym(0.3), rounds: 40 });
    expect(r.printed).toEqual([...repeat(100, 16), ...repeat(80, 9), 55, 55, ...repeat(30, 13)]);
    expect(r.pll).toBe(100);
  });

  it('λ = 4e−3, η = 0.6: 91.67, 100 for τ = 2..15, then 80, 55, 30; PLL 100', () => {
    const r = simulate({ sizes: UNEQUAL, lambda: 4e-3, noise: sym(0.6), rounds: 40 });
    expect(r.printed).toEqual([
      91.67,
      ...repeat(100, 14),
      ...repeat(80, 8),
      ...repeat(55, 4),
      ...repeat(30, 13),
    ]);
    expect(r.pll).toBe(100);
  });

  it('λ = 1e−3: the decline starts "much later, around τ = 57" (here between 50 and 65) and ends at 30 %', () => {
    for (const eta of [0.3, 0.6]) {
      const r = simulate({ sizes: UNEQUAL, lambda: 1e-3, noise: sym(eta), rounds: 110 });
      const firstDrop = r.overall.findIndex((v, i) => i >= 3 && v < 100) + 1;
      expect(firstDrop).toBeGreaterThanOrEqual(50);
      expect(firstDrop).toBeLessThanOrEqual(65);
      expect(r.printed.at(-1)).toBe(30);
    }
  });
});

describe('λ-landscape (sizes [72, 60, 60, 48], η = 0.65, τ = 1..8, linearised)', () => {
  // λ → the printed row, or (for "reaches 100 at τ = …") the first 100 % round, after which it stays 100.
  const rows: [number, number[] | { first: number }][] = [
    [1e-4, repeat(35, 8)],
    [3e-4, { first: 6 }],
    [1e-3, { first: 3 }],
    [3e-3, { first: 2 }],
    [1e-2, [...repeat(100, 7), 80]],
    [3e-2, [100, 100, 100, 80, 80, 80, 30, 30]],
    [1e-1, [100, 100, 80, 30, 30, 30, 30, 30]],
  ];
  for (const [lambda, want] of rows) {
    it(`λ = ${lambda}: SD as in the notes, PLL 100`, () => {
      const r = simulate({ sizes: UNEQUAL, lambda, noise: sym(0.65), rounds: 8 });
      if (Array.isArray(want)) {
        expect(r.printed).toEqual(want);
      } else {
        expect(r.first).toBe(want.first);
        expect(r.printed.slice(want.first - 1)).toEqual(repeat(100, 9 - want.first));
      }
      expect(r.pll).toBe(100);
    });
  }
});

describe('golden table C (asym, cyclic counts)', () => {
  it('the official asym model gives the counts (24, 18, 9, 9) at η = 0.6, n = 60 and (24, 28, 14, 14) at η = 0.7, n = 80', () => {
    const a = simulate({ sizes: CANON, lambda: 1e-3, noise: asym(0.6), rounds: 1 });
    expect(Array.from(a.problem.stats.pi.subarray(0, 4)).map((p) => p * 60)).toEqual([24, 18, 9, 9]);
    const b = simulate({ sizes: [80, 80, 80, 80], lambda: 1e-3, noise: asym(0.7), rounds: 1 });
    expect(Array.from(b.problem.stats.pi.subarray(4, 8)).map((p) => Math.round(p * 80))).toEqual([
      14, 24, 28, 14,
    ]);
  });

  it('λ = 1e−4: SD stuck at 40 for 8 rounds while PLL gives 100', () => {
    const r = simulate({ sizes: CANON, lambda: 1e-4, noise: asym(0.6), rounds: 8 });
    expect(r.printed).toEqual(repeat(40, 8));
    expect(r.pll).toBe(100);
  });

  it('λ = 1e−3: 40, 70, 100, …; PLL 100', () => {
    const r = simulate({ sizes: CANON, lambda: 1e-3, noise: asym(0.6), rounds: 8 });
    expect(r.printed).toEqual([40, 70, ...repeat(100, 6)]);
    expect(r.pll).toBe(100);
  });

  it('λ = 1e−2: the teacher and SD are at 100 while PLL fails at 75.0 (runner-up b+1 for everyone, tie rule)', () => {
    const r = simulate({ sizes: CANON, lambda: 1e-2, noise: asym(0.6), rounds: 8 });
    expect(r.printed).toEqual(repeat(100, 8));
    expect(Number(r.pll.toFixed(2))).toBe(75);
    const { groupClass, groupWeight } = r.problem.groups;
    const cond = pllCondition({
      candidates: r.pllStudent.candidates,
      truth: groupClass,
      weights: groupWeight,
      classes: 4,
    });
    expect(cond.trueLabelAlwaysCandidate).toBe(true);
    expect(cond.sharedWrongCandidate).toBe(true);
    for (let j = 0; j < groupClass.length; j++)
      expect(r.pllStudent.candidates[2 * j + 1]).toBe((groupClass[j]! + 1) % 4);
  });

  it('plurality violated, (24, 28, 14, 14) of 80 at λ = 1e−3: 30, 30, then 0; PLL 0; no τ*', () => {
    const r = simulate({ sizes: [80, 80, 80, 80], lambda: 1e-3, noise: asym(0.7), rounds: 6 });
    expect(r.printed).toEqual([30, 30, 0, 0, 0, 0]);
    expect(r.pll).toBe(0);
    expect(r.prediction.pluralityHolds).toBe(false);
    expect(r.prediction.tauStar).toBeNull();
  });
});

describe('exercise keys (§7)', () => {
  const ex2: [string, number[], number, number, number, number, number][] = [
    ['(1)', CANON, 0.4, 0.1, 1e-3, 0.5, 2],
    ['(2)', CANON, 0.4, 0.1, 1e-3, 0.7, 4],
    ['(3)', CANON, 0.4, 0.1, 3e-4, 0.5, 4],
    ['(4)', CANON, 0.6, 0.1, 1e-3, 0.7, 3],
    ['(5)', CANON, 0.4, 0.3, 1e-3, 0.6, 3],
    ['(6)', repeat(40, 5), 0.5, 0.2, 1e-3, 0.6, 2],
    ['(7)', [60, 60, 60], 0.4, 0.1, 1e-3, 0.6, 4],
    ['(8)', repeat(120, 4), 0.3, 0.1, 1e-4, 0.3, 5],
  ];
  for (const [name, sizes, c, d, lambda, eta, tau] of ex2) {
    it(`Ex.2 ${name}: τ* = ${tau} by the formula and by simulation; exact softmax never earlier`, () => {
      const l = simulate({ sizes, c, d, lambda, noise: sym(eta), rounds: tau + 2 });
      const e = simulate({ sizes, c, d, lambda, noise: sym(eta), rounds: tau + 2, solver: 'exact' });
      expect(l.prediction.tauStar).toBe(tau);
      expect(l.first).toBe(tau);
      expect(e.first).not.toBeNull();
      expect(e.first!).toBeGreaterThanOrEqual(tau);
    });
  }

  it('Ex.3: [16, 15, 15, 14] gives the staircase 26.7, 26.7, 26.7, 50, 100 (τ* = 5)', () => {
    const r = simulate({ sizes: CANON, lambda: 1e-3, noise: pattern([16, 15, 15, 14]), rounds: 6 });
    expect(r.overall.slice(0, 5).map((v) => Number(v.toFixed(1)))).toEqual([26.7, 26.7, 26.7, 50, 100]);
    expect(r.prediction.tauStar).toBe(5);
    expect(r.pll).toBe(100);
  });

  it('Ex.3: [17, 15, 14, 14] has τ* = 4; [15, 15, 15, 15] fails for SD and PLL (no plurality)', () => {
    const a = simulate({ sizes: CANON, lambda: 1e-3, noise: pattern([17, 15, 14, 14]), rounds: 6 });
    expect(a.prediction.tauStar).toBe(4);
    expect(a.first).toBe(4);
    const b = simulate({ sizes: CANON, lambda: 1e-3, noise: pattern([15, 15, 15, 15]), rounds: 6 });
    expect(b.first).toBeNull();
    expect(b.pll).toBeLessThan(100);
    expect(b.prediction.pluralityHolds).toBe(false);
  });

  it('Ex.8 (mixing extension): one student at η = 0.7 recovers [30, 30, 30, 30, 100, 70, 70] % for ξ = 0 … 2.5', () => {
    const xis = [0, 0.5, 1, 1.3, 1.625, 2, 2.5];
    const got = xis.map(
      (mixing) => simulate({ sizes: CANON, lambda: 1e-3, noise: sym(0.7), rounds: 2, mixing }).printed[1],
    );
    expect(got).toEqual([30, 30, 30, 30, 100, 70, 70]);
  });

  it('Ex.1: 100·(s2^τ − s3^τ) peaks at 69.55 (α = √(μ2μ3) = 3.34), 77.50 (α = 1.43), 80.39 (α = 0.883)', () => {
    const model = blockGramModel({ classSizes: CANON, c: 0.4, d: 0.1 });
    const N = 240;
    const score = (lambda: number, tau: number) => {
      const s = blockShrinkage(model, lambda);
      return 100 * (s.sClass ** tau - s.sInstance ** tau);
    };
    for (const [tau, value, alpha] of [
      [1, 69.55, 3.34],
      [2, 77.5, 1.43],
      [3, 80.39, 0.883],
    ] as const) {
      // Golden-section search in log α.
      let lo = Math.log(1e-3);
      let hi = Math.log(1e2);
      const g = (Math.sqrt(5) - 1) / 2;
      for (let i = 0; i < 200; i++) {
        const a = hi - g * (hi - lo);
        const b = lo + g * (hi - lo);
        if (score(Math.exp(a) / (4 * N), tau) > score(Math.exp(b) / (4 * N), tau)) hi = b;
        else lo = a;
      }
      const best = Math.exp((lo + hi) / 2);
      expect(Number(score(best / (4 * N), tau).toFixed(2))).toBe(value);
      expect(Number(best.toPrecision(3))).toBe(alpha);
    }
    expect(Number(Math.sqrt(18.6 * 0.6).toFixed(2))).toBe(3.34);
  });
});

describe('τ*: formula = first 100 % round of the linearised solver on every listed case, exact never earlier', () => {
  const cases: [string, Case][] = [
    ...[0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7].map((eta): [string, Case] => [
      `table A η = ${eta}`,
      { sizes: CANON, lambda: 1e-3, noise: sym(eta), rounds: 6 },
    ]),
    ['table C λ = 1e−4 (τ* = 17)', { sizes: CANON, lambda: 1e-4, noise: asym(0.6), rounds: 17 }],
    ['table C λ = 1e−3', { sizes: CANON, lambda: 1e-3, noise: asym(0.6), rounds: 6 }],
    ['table C λ = 1e−2', { sizes: CANON, lambda: 1e-2, noise: asym(0.6), rounds: 6 }],
    [
      'repo defaults η = 0.3 (n = 500, λ = 1e−5)',
      { sizes: repeat(500, 4), lambda: 1e-5, noise: sym(0.3), rounds: 10 },
    ],
  ];
  for (const [name, cfg] of cases) {
    it(name, () => {
      const l = simulate(cfg);
      const e = simulate({ ...cfg, solver: 'exact' });
      const tau = l.prediction.tauStar!;
      expect(l.prediction.exact).toBe(true);
      expect(l.first).toBe(tau);
      // Exact softmax never earlier: below 100 % in every round before τ* (it may reach 100 % later).
      for (let t = 1; t < tau; t++) expect(e.overall[t - 1]!).toBeLessThan(100);
    });
  }

  it('repo defaults (§4.8): α = 0.08, s2/s3 = 1.132; η = 0.3 → linearised 8, exact 9; η = 0.5 → linearised 12, exact still 50 % at τ = 12', () => {
    const model = blockGramModel({ classSizes: repeat(500, 4), c: 0.4, d: 0.1 });
    const s = blockShrinkage(model, 1e-5);
    expect(s.alpha).toBeCloseTo(0.08, 12);
    // The notes print s2/s3 = 1.1327… truncated to 1.132.
    expect(Math.floor(s.ratio * 1000) / 1000).toBe(1.132);
    const l3 = simulate({ sizes: repeat(500, 4), lambda: 1e-5, noise: sym(0.3), rounds: 9 });
    const e3 = simulate({ sizes: repeat(500, 4), lambda: 1e-5, noise: sym(0.3), rounds: 9, solver: 'exact' });
    expect([l3.prediction.tauStar, l3.first, e3.first]).toEqual([8, 8, 9]);
    const l5 = simulate({ sizes: repeat(500, 4), lambda: 1e-5, noise: sym(0.5), rounds: 12 });
    const e5 = simulate({
      sizes: repeat(500, 4),
      lambda: 1e-5,
      noise: sym(0.5),
      rounds: 12,
      solver: 'exact',
    });
    expect([l5.prediction.tauStar, l5.first]).toEqual([12, 12]);
    expect(e5.printed.at(-1)).toBe(50);
  });
});
