/**
 * Vega-Lite → SVG without a canvas (vega's headless `renderer: 'none'` view). vega and vega-lite are loaded
 * lazily so the main entry stays light for the browser.
 */
import type { VegaLiteSpec } from '../experiments/contract.ts';

/** Renders a Vega-Lite spec to an SVG string. Works in Node (no canvas) and in browsers. */
export async function toSvg(spec: VegaLiteSpec): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  // biome-ignore lint/suspicious/noExplicitAny: vega-lite's TopLevelSpec is a deep union; the spec came from our own builders.
  const compiled = vl.compile(spec as any).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
