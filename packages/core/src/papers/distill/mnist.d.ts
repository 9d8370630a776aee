/** Types for the `mnist` package (CommonJS, no bundled types): 10 000 MNIST digits as JSON, 28×28 in [0, 1]. */
declare module 'mnist' {
  interface MnistDigit {
    /** The digit, 0..9. */
    readonly id: number;
    /** All samples of this digit, concatenated: `length` × 784 grey levels in [0, 1]. */
    readonly raw: readonly number[];
    /** Number of samples of this digit. */
    readonly length: number;
  }
  const mnist: readonly MnistDigit[];
  export default mnist;
}
