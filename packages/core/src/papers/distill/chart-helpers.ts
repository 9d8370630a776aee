/** Small adjustments to the shared Vega-Lite builders for the self-distillation charts. */
import type { VegaLiteSpec } from '../../experiments/contract.ts';

/**
 * Rounds are whole numbers: gives the x axis of a `lineChart` spec integer ticks ("1, 2, 3", never "1.5").
 * Returns the same spec object, modified.
 */
export function integerXAxis(spec: VegaLiteSpec): VegaLiteSpec {
  const layers = (spec as { layer?: { encoding?: { x?: Record<string, unknown> } }[] }).layer ?? [];
  for (const layer of layers) {
    const x = layer.encoding?.x;
    if (x && x.type === 'quantitative')
      x.axis = { ...((x.axis as object) ?? {}), tickMinStep: 1, format: 'd' };
  }
  return spec;
}
