/** Provenance sentences attached to the self-distillation results (style: results say what is reconstructed). */

/** Every block-model result: the theory is the notes' reconstruction, not the paper's text or numbers. */
export const RECONSTRUCTION_NOTE =
  'The closed forms, the 100 % condition and τ* are the notes’ reconstruction [derived], checked numerically; the paper’s full text was not available, and no number here is the paper’s own.';

/** Results with mixing ξ ≠ 1. */
export const MIXING_NOTE =
  'Mixing ξ ≠ 1 is the Das & Sanghavi extension (notes §3.5), not in the paper; τ* and the 100 % condition are those of plain SD (ξ = 1), while the averaging weights include ξ.';
